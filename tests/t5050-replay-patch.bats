#!/usr/bin/env bats
# PATCH and DELETE on the replay server, kept in memory as creates are:
# kubectl label, annotate, patch and delete are the check that a real
# client gets what kube-apiserver would answer
# (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go and
# delete.go, in kubernetes), and a watch sees MODIFIED and DELETED.

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

@test "patch: kubectl label (strategic merge) and a JSON patch, kept" {
	need_kubectl
	run --separate-stderr -0 k label pod -n other unrelated tier=web
	assert_output "pod/unrelated labeled"
	run --separate-stderr -0 k get pod -n other unrelated -o jsonpath='{.metadata.labels.tier} {.metadata.resourceVersion}'
	assert_output "web 7"
	run --separate-stderr -0 k patch pod -n other unrelated --type=json \
		-p '[{"op":"add","path":"/metadata/labels/z","value":"1"},{"op":"remove","path":"/metadata/labels/tier"},{"op":"replace","path":"/spec/containers/0/image","value":"busybox:1"}]'
	run --separate-stderr -0 k get pod -n other unrelated -o json
	[ "$(jq -c '.metadata.labels' <<< "$output")" = '{"z":"1"}' ]
	[ "$(jq -r '.spec.containers[0].image' <<< "$output")" = busybox:1 ]
	# "-" appends to a list, an index inserts before its element (RFC 6902)
	run --separate-stderr -0 k patch pod -n other unrelated --type=json \
		-p '[{"op":"add","path":"/metadata/finalizers","value":["b"]},{"op":"add","path":"/metadata/finalizers/-","value":"c"},{"op":"add","path":"/metadata/finalizers/0","value":"a"}]'
	run --separate-stderr -0 k get pod -n other unrelated -o jsonpath='{.metadata.finalizers}'
	assert_output '["a","b","c"]'
}

@test "patch: the SDK's budget edit, a merge patch on an Experiment" {
	need_kubectl
	run --separate-stderr -0 k patch experiments.kubeflow.org -n team-a mnist-random --type=merge \
		-p '{"spec":{"maxTrialCount":7,"parallelTrialCount":null}}'
	run --separate-stderr -0 k get experiments.kubeflow.org -n team-a mnist-random -o json
	[ "$(jq -r '.spec.maxTrialCount' <<< "$output")" = 7 ]
	[ "$(jq -r '.spec | has("parallelTrialCount")' <<< "$output")" = false ]
	# The rest of the spec is untouched.
	[ "$(jq -r '.spec.algorithm.algorithmName' <<< "$output")" = random ]
}

@test "patch: dryRun=All answers and keeps nothing" {
	need_kubectl
	run --separate-stderr -0 k label pod -n other unrelated tier=web --dry-run=server -o jsonpath='{.metadata.labels.tier}'
	assert_output web
	run --separate-stderr -0 k get pod -n other unrelated -o jsonpath='{.metadata.labels.tier}'
	assert_output ""
}

@test "patch: what kube-apiserver refuses" {
	run curl -s -X PATCH -H 'Content-Type: application/json-patch+json' \
		--data '[{"op":"test","path":"/metadata/name","value":"other-name"}]' "$REPLAY_URL/api/v1/namespaces/other/pods/unrelated"
	[ "$(jq -r .code <<< "$output")" = 422 ]
	run curl -s -X PATCH -H 'Content-Type: application/merge-patch+json' \
		--data '{"metadata":{"name":"renamed"}}' "$REPLAY_URL/api/v1/namespaces/other/pods/unrelated"
	[ "$(jq -r .code <<< "$output")" = 422 ]
	run curl -s -X PATCH -H 'Content-Type: application/apply-patch+yaml' --data '{}' "$REPLAY_URL/api/v1/namespaces/other/pods/unrelated"
	[ "$(jq -r .code <<< "$output")" = 415 ]
	run curl -s -X PATCH -H 'Content-Type: application/merge-patch+json' --data '{' "$REPLAY_URL/api/v1/namespaces/other/pods/unrelated"
	[ "$(jq -r .code <<< "$output")" = 400 ]
	run curl -s -X PATCH -H 'Content-Type: application/merge-patch+json' --data '{}' "$REPLAY_URL/api/v1/namespaces/other/pods/nope"
	[ "$(jq -r .message <<< "$output")" = 'pods "nope" not found' ]
	# and the object is as it was
	run curl -s "$REPLAY_URL/api/v1/namespaces/other/pods/unrelated"
	[ "$(jq -r .metadata.resourceVersion <<< "$output")" = 6 ]
}

@test "delete: kubectl delete, then NotFound, and gone from lists" {
	need_kubectl
	run --separate-stderr -0 k delete pod -n other unrelated
	assert_output 'pod "unrelated" deleted'
	run --separate-stderr -1 k get pod -n other unrelated
	[[ "$stderr" == *'pods "unrelated" not found'* ]]
	run --separate-stderr -0 k get pods -A -o name
	[ "${#lines[@]}" -eq 2 ]
	run --separate-stderr -1 k delete pod -n other unrelated
	[[ "$stderr" == *'pods "unrelated" not found'* ]]
	run curl -s -X DELETE "$REPLAY_URL/api/v1/namespaces/team-a/pods/mnist-random-abc12345-x7k2p?dryRun=All"
	[ "$(jq -r .status <<< "$output")" = Success ]
	run --separate-stderr -0 k get pod -n team-a mnist-random-abc12345-x7k2p -o name
}

@test "patch and delete: a watch sees MODIFIED, then DELETED" {
	local rv
	rv=$(curl -sf "$REPLAY_URL/api/v1/namespaces/other/pods" | jq -r .metadata.resourceVersion)
	curl -sfN "$REPLAY_URL/api/v1/namespaces/other/pods?watch=true&resourceVersion=$rv&timeoutSeconds=3" \
		> "$BATS_TEST_TMPDIR/events" &
	WATCH_PID=$!
	sleep 0.5
	curl -sf -X PATCH -H 'Content-Type: application/merge-patch+json' \
		--data '{"metadata":{"labels":{"seen":"yes"}}}' "$REPLAY_URL/api/v1/namespaces/other/pods/unrelated" > /dev/null
	curl -sf -X DELETE "$REPLAY_URL/api/v1/namespaces/other/pods/unrelated" > /dev/null
	wait "$WATCH_PID"
	WATCH_PID=
	run jq -r '.type + " " + .object.metadata.name + " " + (.object.metadata.labels.seen // "-") + " " + .object.metadata.resourceVersion' "$BATS_TEST_TMPDIR/events"
	assert_output "$(printf 'MODIFIED unrelated yes %d\nDELETED unrelated yes %d' $((rv + 1)) $((rv + 2)))"
}

@test "patch: a recorded UPDATE AdmissionReview judges a patch, dry run or not; a CREATE's does not" {
	need_kubectl
	replay_kill
	local dir=$BATS_TEST_TMPDIR/cluster
	cp -R "$TESTS_DIR/data/cluster-small" "$dir"
	# Katib's answer to lowering maxTrialCount below the trials already
	# run (KAT-UPD-02, validator.go ValidateExperiment), as recorded.
	cat > "$dir/update-review.yaml" <<-'YAML'
	apiVersion: admission.k8s.io/v1
	kind: AdmissionReview
	request:
	  uid: 0f6c2b1e-0000-4000-8000-000000000001
	  operation: UPDATE
	  namespace: team-a
	  object:
	    apiVersion: kubeflow.org/v1beta1
	    kind: Experiment
	    metadata: {name: mnist-random, namespace: team-a}
	response:
	  uid: 0f6c2b1e-0000-4000-8000-000000000001
	  allowed: false
	  status:
	    code: 400
	    message: "spec.maxTrialCount: Invalid value: 1: must be greater than status.trials count"
	YAML
	replay_serve "$dir" || return 1
	run --separate-stderr -1 k patch experiments.kubeflow.org -n team-a mnist-random --type=merge \
		-p '{"spec":{"maxTrialCount":1}}' --dry-run=server
	assert_equal "$stderr" 'Error from server (BadRequest): admission webhook "validator.experiment.katib.kubeflow.org" denied the request: spec.maxTrialCount: Invalid value: 1: must be greater than status.trials count' || return 1
	run --separate-stderr -1 k patch experiments.kubeflow.org -n team-a mnist-random --type=merge \
		-p '{"spec":{"maxTrialCount":1}}'
	[[ "$stderr" == *"denied the request: spec.maxTrialCount"* ]] || return 1
	# Refused: nothing changed.
	run --separate-stderr -0 k get experiments.kubeflow.org -n team-a mnist-random -o jsonpath='{.spec.maxTrialCount}'
	[ "$output" != 1 ] || return 1
	# The same review as a CREATE says nothing of an update.
	replay_kill
	sed -i 's/operation: UPDATE/operation: CREATE/' "$dir/update-review.yaml"
	replay_serve "$dir" || return 1
	run --separate-stderr -0 k patch experiments.kubeflow.org -n team-a mnist-random --type=merge \
		-p '{"spec":{"maxTrialCount":1}}' --dry-run=server
	assert_output "experiment.kubeflow.org/mnist-random patched"
}

@test "patch: a strategic merge patch merges a pod's lists by their keys, as kubectl patch sends it" {
	need_kubectl
	replay_kill
	local dir=$BATS_TEST_TMPDIR/cluster
	cp -R "$TESTS_DIR/data/cluster-small" "$dir"
	cat > "$dir/two.yaml" <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: two
	  namespace: team-a
	  finalizers: [example.com/keep]
	spec:
	  containers:
	    - name: main
	      image: busybox:1
	      env: [{name: A, value: "1"}, {name: B, value: "2"}]
	    - name: sidecar
	      image: busybox:1
	YAML
	replay_serve "$dir" || return 1
	# kubectl patch's default type: the containers merge by name, env by name.
	run --separate-stderr -0 k patch pod -n team-a two \
		-p '{"metadata":{"finalizers":["example.com/more"]},"spec":{"containers":[{"name":"main","image":"busybox:2","env":[{"name":"B","value":"3"}]}]}}'
	assert_output "pod/two patched" || return 1
	run --separate-stderr -0 k get pod -n team-a two -o json
	assert_equal "$(jq -c '[.spec.containers[] | {name, image}]' <<< "$output")" \
		'[{"name":"main","image":"busybox:2"},{"name":"sidecar","image":"busybox:1"}]' || return 1
	assert_equal "$(jq -c '.spec.containers[0].env' <<< "$output")" \
		'[{"name":"A","value":"1"},{"name":"B","value":"3"}]' || return 1
	assert_equal "$(jq -c '.metadata.finalizers' <<< "$output")" '["example.com/keep","example.com/more"]' || return 1
	# $patch: delete takes one element out; $deleteFromPrimitiveList one value.
	run --separate-stderr -0 k patch pod -n team-a two \
		-p '{"metadata":{"$deleteFromPrimitiveList/finalizers":["example.com/keep"]},"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}'
	run --separate-stderr -0 k get pod -n team-a two -o json
	assert_equal "$(jq -c '[.spec.containers[].name]' <<< "$output")" '["main"]' || return 1
	assert_equal "$(jq -c '.metadata.finalizers' <<< "$output")" '["example.com/more"]' || return 1
	# A custom resource takes no strategic merge patch, as the apiserver says.
	run --separate-stderr -1 k patch experiments.kubeflow.org -n team-a mnist-random -p '{"spec":{"maxTrialCount":7}}'
	[[ "$stderr" == *"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"* ]]
}
