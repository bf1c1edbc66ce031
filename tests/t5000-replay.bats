#!/usr/bin/env bats
# The replay server serves a recorded cluster over the Kubernetes API;
# kubectl itself is the check that it speaks the API faithfully.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
	command -v kubectl >/dev/null || skip "kubectl is not installed"
	replay_serve "$TESTS_DIR/data/cluster-small" --log "$BATS_TEST_TMPDIR/requests.log"
}

teardown() {
	replay_kill
}

k() {
	HOME="$BATS_TEST_TMPDIR" kubectl --kubeconfig "$REPLAY_CFG" "$@"
}

@test "replay: it says where it serves" {
	run cat "$BATS_TEST_TMPDIR/replay.out"
	assert_output --regexp '^katib-replay: serving 6 objects from .*cluster-small at http://127\.0\.0\.1:[0-9]+$'
}

@test "replay: kubectl gets recorded Experiments" {
	run --separate-stderr -0 k get experiments.kubeflow.org -n team-a
	assert_output --partial "mnist-random"
	run --separate-stderr -0 k get experiments -n team-a -o jsonpath='{.items[0].spec.algorithm.algorithmName}'
	[ "$output" = random ]
}

@test "replay: kubectl lists pods in one and in all namespaces" {
	run --separate-stderr -0 k get pods -n team-a -o name
	[ "$output" = "$(printf 'pod/mnist-random-abc12345-x7k2p\npod/mnist-random-random-5f9c7d8b-q2w3e')" ]
	run --separate-stderr -0 k get pods -A -o name
	[ "${#lines[@]}" -eq 3 ]
}

@test "replay: label selectors" {
	run --separate-stderr -0 k get pods -n team-a -l katib.kubeflow.org/trial -o name
	[ "$output" = pod/mnist-random-abc12345-x7k2p ]
	run --separate-stderr -0 k get pods -A -l 'katib.kubeflow.org/experiment in (mnist-random),!katib.kubeflow.org/trial' -o name
	[ "$output" = pod/mnist-random-random-5f9c7d8b-q2w3e ]
	run --separate-stderr -0 k get pods -A -l 'katib.kubeflow.org/experiment!=mnist-random' -o name
	[ "$output" = pod/unrelated ]
	# "==" is "=" (labels.Parse)
	run --separate-stderr -0 k get pods -n team-a -l 'katib.kubeflow.org/trial==mnist-random-abc12345' -o name
	[ "$output" = pod/mnist-random-abc12345-x7k2p ]
}

@test "replay: a field selector on a path too long to be a field selects nothing" {
	long=$(printf 'a%.0s' $(seq 300))
	run -0 curl -sf "$REPLAY_URL/api/v1/pods?fieldSelector=$long=x"
	[ "$(jq '.items | length' <<< "$output")" = 0 ]
	run -0 curl -sf "$REPLAY_URL/api/v1/pods?fieldSelector=metadata.name=unrelated"
	[ "$(jq -r '.items[].metadata.name' <<< "$output")" = unrelated ]
}

@test "replay: a kind it does not know is served under the plural the API server would give it" {
	local dir="$BATS_TEST_TMPDIR/kinds"
	mkdir -p "$dir"
	for kind in Widget Policy Gadgetbox Class; do
		printf 'apiVersion: example.com/v1\nkind: %s\nmetadata: {name: one, namespace: team-a}\n---\n' "$kind"
	done > "$dir/objects.yaml"
	replay_kill
	replay_serve "$dir"
	for plural in widgets policies gadgetboxes classes; do
		run -0 curl -s -o /dev/null -w '%{http_code}' "$REPLAY_URL/apis/example.com/v1/namespaces/team-a/$plural/one"
		assert_equal "$plural $output" "$plural 200"
	done
}

@test "replay: serve's usage errors: a second directory, an unknown option, an option without its value" {
	replay_kill
	local d="$TESTS_DIR/data/cluster-small"
	for args in "$d $d" "--bogus $d" "$d --bogus" \
		"$d --tls-ca" "$d --token"; do
		run -2 timeout 10 "$KATIB_REPLAY" serve $args
		assert_output --partial 'usage: katib-replay serve DIR'
	done
}

@test "replay: pagination with limit and continue" {
	run --separate-stderr -0 k get pods -A --chunk-size=1 -o name
	[ "${#lines[@]}" -eq 3 ]
	[ "$(grep -c 'continue=' "$BATS_TEST_TMPDIR/requests.log")" -eq 2 ]
}

@test "replay: pod logs" {
	run --separate-stderr -0 k logs -n team-a mnist-random-abc12345-x7k2p -c training-container
	assert_output --partial "Validation-accuracy=0.1135"
}

@test "replay: an unknown object is a Kubernetes NotFound" {
	run --separate-stderr -1 k get pods nope -n team-a
	[[ "$stderr" == *'pods "nope" not found'* ]]
	run --separate-stderr -1 k get experiments.kubeflow.org nope -n team-a
	[[ "$stderr" == *'experiments.kubeflow.org "nope" not found'* ]]
}

@test "replay: create keeps the object, and dry-run does not" {
	sed -e 's/name: mnist-random/name: created-exp/' -e 's/namespace: kubeflow/namespace: team-a/' "$REPO_DIR/examples/good-experiment.yaml" > "$BATS_TEST_TMPDIR/e.yaml"
	run --separate-stderr -0 k create --validate=false --dry-run=server -n team-a -f "$BATS_TEST_TMPDIR/e.yaml"
	run --separate-stderr -1 k get experiments.kubeflow.org created-exp -n team-a
	run --separate-stderr -0 k create --validate=false -n team-a -f "$BATS_TEST_TMPDIR/e.yaml"
	run --separate-stderr -0 k get experiments.kubeflow.org created-exp -n team-a -o name
	[ "$output" = experiment.kubeflow.org/created-exp ]
}

@test "replay: SIGTERM stops it cleanly" {
	kill -TERM "$REPLAY_PID"
	wait "$REPLAY_PID"
	status=$?
	REPLAY_PID=
	[ "$status" -eq 0 ]
}

@test "replay: a directory it cannot read is an error, not a server" {
	printf 'a: [\n' > "$BATS_TEST_TMPDIR/bad.yaml"
	mkdir -p "$BATS_TEST_TMPDIR/rec" && mv "$BATS_TEST_TMPDIR/bad.yaml" "$BATS_TEST_TMPDIR/rec/"
	run "$KATIB_REPLAY" serve "$BATS_TEST_TMPDIR/rec"
	[ "$status" -eq 2 ]
	assert_output --partial "bad.yaml:2:"
}
