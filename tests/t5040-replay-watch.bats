#!/usr/bin/env bats
# Watches on the replay server, as kube-apiserver streams them: chunked
# JSON events, ADDED for the current objects, then what changes, until
# timeoutSeconds.  kubectl get -w is the check that a real client sees
# them.  The semantics of resourceVersion, resourceVersionMatch and
# sendInitialEvents are those of the API concepts page ("Resource
# versions") and of kubernetes'
# pkg/apis/meta/internalversion/validation/validation.go
# (validateWatchOptions); bookmarks before the timeout follow
# staging/src/k8s.io/apiserver/pkg/storage/cacher/cache_watcher.go
# (nextBookmarkTime).

bats_require_minimum_version 1.5.0
load lib/common

setup() {
	replay_serve "$TESTS_DIR/data/cluster-small"
}

teardown() {
	[ -n "${WATCH_PID:-}" ] && kill "$WATCH_PID" 2>/dev/null && wait "$WATCH_PID" 2>/dev/null
	replay_kill
}

k() {
	HOME="$BATS_TEST_TMPDIR" kubectl --kubeconfig "$REPLAY_CFG" "$@"
}

# create_pod NAME: a pod created over the API while a watch is open.
create_pod() {
	curl -sf -X POST -H 'Content-Type: application/json' \
		--data "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"$1\",\"labels\":{\"app\":\"new\"}},\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"busybox\"}]}}" \
		"$REPLAY_URL/api/v1/namespaces/team-a/pods" > /dev/null
}

@test "watch: ADDED for the current objects, then it ends at timeoutSeconds" {
	local start=$SECONDS
	run curl -sfN "$REPLAY_URL/api/v1/namespaces/team-a/pods?watch=true&timeoutSeconds=2"
	assert_success
	[ $((SECONDS - start)) -ge 1 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(jq -r '.type' <<< "$output" | sort -u)" = ADDED ]
	[ "$(jq -r '.object.metadata.name' <<< "${lines[0]}")" = mnist-random-abc12345-x7k2p ]
}

@test "watch: objects carry resourceVersions that order them, and the list the store's" {
	run curl -sf "$REPLAY_URL/api/v1/pods"
	[ "$(jq -r '.metadata.resourceVersion' <<< "$output")" = 6 ]
	[ "$(jq -r '[.items[].metadata.resourceVersion | tonumber] | . == sort and length == 3' <<< "$output")" = true ]
}

@test "watch: from a resourceVersion, only what came after it, then a create" {
	local rv
	rv=$(curl -sf "$REPLAY_URL/api/v1/namespaces/team-a/pods" | jq -r .metadata.resourceVersion)
	curl -sfN "$REPLAY_URL/api/v1/namespaces/team-a/pods?watch=true&resourceVersion=$rv&timeoutSeconds=3" \
		> "$BATS_TEST_TMPDIR/events" &
	WATCH_PID=$!
	sleep 0.5
	create_pod born-later
	wait "$WATCH_PID"
	WATCH_PID=
	run cat "$BATS_TEST_TMPDIR/events"
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r '.type + " " + .object.metadata.name + " " + .object.metadata.namespace' <<< "$output")" = "ADDED born-later team-a" ]
	[ "$(jq -r '.object.metadata.resourceVersion' <<< "$output")" -gt "$rv" ]
	# From an older version, the later recorded objects too.
	run curl -sfN "$REPLAY_URL/api/v1/pods?watch=true&resourceVersion=4&timeoutSeconds=1"
	[ "$(jq -r '.object.metadata.name' <<< "$output" | tr '\n' ' ')" = "mnist-random-random-5f9c7d8b-q2w3e unrelated born-later " ]
}

@test "watch: selectors, the /watch/ paths and a watch of one object" {
	run curl -sfN "$REPLAY_URL/api/v1/pods?watch=true&timeoutSeconds=1&labelSelector=katib.kubeflow.org/trial"
	[ "$(jq -r '.object.metadata.name' <<< "$output")" = mnist-random-abc12345-x7k2p ]
	run curl -sfN "$REPLAY_URL/api/v1/watch/pods?timeoutSeconds=1&fieldSelector=metadata.namespace=other"
	[ "$(jq -r '.object.metadata.name' <<< "$output")" = unrelated ]
	run curl -sfN "$REPLAY_URL/api/v1/watch/namespaces/team-a/pods/mnist-random-abc12345-x7k2p?timeoutSeconds=1"
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r '.object.metadata.name' <<< "$output")" = mnist-random-abc12345-x7k2p ]
	run curl -sfN "$REPLAY_URL/apis/kubeflow.org/v1beta1/watch/namespaces/team-a/experiments?timeoutSeconds=1"
	[ "$(jq -r '.object.kind' <<< "$output")" = Experiment ]
}

@test "watch: sendInitialEvents ends its initial events with a bookmark" {
	run curl -sfN "$REPLAY_URL/api/v1/namespaces/team-a/pods?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1"
	[ "$(jq -r .type <<< "$output" | tr '\n' ' ')" = "ADDED ADDED BOOKMARK " ]
	[ "$(jq -r '.object.metadata.annotations["k8s.io/initial-events-end"]' <<< "${lines[2]}")" = true ]
	[ "$(jq -r '.object.metadata.resourceVersion' <<< "${lines[2]}")" = 6 ]
	# sendInitialEvents=false: only what changes (nothing here).
	run curl -sfN "$REPLAY_URL/api/v1/namespaces/team-a/pods?watch=true&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&timeoutSeconds=1"
	assert_output ""
}

@test "watch: the bookmark 2 seconds before the timeout" {
	run curl -sfN "$REPLAY_URL/api/v1/namespaces/other/pods?watch=true&allowWatchBookmarks=true&resourceVersion=6&timeoutSeconds=3"
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r '.type + " " + .object.kind + " " + .object.metadata.resourceVersion' <<< "$output")" = "BOOKMARK Pod 6" ]
	# It comes before the end, not with it: a quiet watch waits a quarter
	# second at a time and never past its deadline, so the bookmark is
	# out at 2 to 2.25 s of 4, well before curl gives up at 3.2 s.
	run timeout 3.2 curl -sN "$REPLAY_URL/api/v1/namespaces/other/pods?watch=true&allowWatchBookmarks=true&resourceVersion=6&timeoutSeconds=4"
	[ "$(jq -r .type <<< "$output")" = BOOKMARK ]
}

@test "watch: options kube-apiserver refuses, with its words" {
	run curl -s "$REPLAY_URL/api/v1/pods?watch=true&resourceVersionMatch=NotOlderThan"
	[ "$(jq -r .code <<< "$output")" = 422 ]
	[[ "$(jq -r .message <<< "$output")" == *"resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"* ]]
	run curl -s "$REPLAY_URL/api/v1/pods?watch=true&sendInitialEvents=true"
	[[ "$(jq -r .message <<< "$output")" == *"sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"* ]]
	run curl -s "$REPLAY_URL/api/v1/pods?watch=true&resourceVersion=99"
	[ "$(jq -r .code <<< "$output")" = 504 ]
	run curl -s "$REPLAY_URL/api/v1/pods?watch=true&resourceVersion=x"
	[ "$(jq -r .code <<< "$output")" = 400 ]
}

@test "watch: a watch holds up no other request" {
	curl -sfN "$REPLAY_URL/api/v1/pods?watch=true&timeoutSeconds=5" > /dev/null &
	WATCH_PID=$!
	sleep 0.3
	run timeout 2 curl -sf "$REPLAY_URL/api/v1/namespaces/team-a/pods/unrelated"
	[ "$status" -ne 124 ]
}

@test "watch: kubectl get -w sees the objects and a pod created later" {
	need_kubectl
	k get pods -n team-a -w -o name > "$BATS_TEST_TMPDIR/w.out" 2> "$BATS_TEST_TMPDIR/w.err" &
	WATCH_PID=$!
	for _ in $(seq 50); do [ "$(wc -l < "$BATS_TEST_TMPDIR/w.out")" -ge 2 ] && break; sleep 0.1; done
	create_pod seen-by-kubectl
	for _ in $(seq 50); do grep -q seen-by-kubectl "$BATS_TEST_TMPDIR/w.out" && break; sleep 0.1; done
	run cat "$BATS_TEST_TMPDIR/w.out"
	assert_line pod/mnist-random-abc12345-x7k2p
	assert_line pod/seen-by-kubectl
	run cat "$BATS_TEST_TMPDIR/w.err"
	assert_output ""
}

@test "watch: no bookmark before a timeout too short for one" {
	run curl -sfN "$REPLAY_URL/api/v1/namespaces/other/pods?watch=true&allowWatchBookmarks=true&resourceVersion=6&timeoutSeconds=1"
	assert_output ""
}
