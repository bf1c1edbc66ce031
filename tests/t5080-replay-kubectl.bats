#!/usr/bin/env bats
# kubectl against the replay server, as a user sees it: kubectl get prints
# the server's Tables (meta.k8s.io/v1, with Katib's additionalPrinterColumns
# and kube-apiserver's pod and namespace columns), kubectl get -w their
# rows as the store changes, and kubectl apply --dry-run=server reads
# /openapi/v3 before it sends fieldValidation, then patches or creates
# without keeping anything.  KATIB_NOW pins the clock the ages are
# counted to.  Each test stops the server, which must exit 0 (under a
# sanitizer, clean).

bats_require_minimum_version 1.5.0
load lib/common

TIMELINE="$TESTS_DIR/data/timeline-experiment"
STATUS_CLUSTER="$TESTS_DIR/data/status/cluster"
PODS="$TESTS_DIR/data/kubectl-get"

teardown() {
	[ -n "${WATCH_PID:-}" ] && kill "$WATCH_PID" 2>/dev/null && wait "$WATCH_PID" 2>/dev/null
	replay_kill
}

k() {
	HOME="$BATS_TEST_TMPDIR" kubectl --kubeconfig "$REPLAY_CFG" "$@"
}

# serve_at NOW DIR [ARGS...]: the replay server with its clock at NOW.
serve_at() {
	local now=$1
	shift
	KATIB_NOW=$now replay_serve "$@" || return 1
}

# step: the timeline's next step, applied once this returns.
step() {
	curl -sf -X POST "$REPLAY_URL/katib-replay/step" > /dev/null || return 1
}

# table PATH [ACCEPT]: what the server answers kubectl's Accept header.
table() {
	curl -sf -H "Accept: ${2:-application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json}" \
		"$REPLAY_URL$1" || return 1
}

@test "kubectl get: Experiments and Trials with Katib's printer columns" {
	need_kubectl
	serve_at 2026-01-10T09:05:00Z "$TIMELINE" --step
	run --separate-stderr -0 k get experiments -n team-a
	assert_output "$(printf '%s\n' \
		'NAME             TYPE      STATUS   AGE' \
		'mnist-timeline   Created   True     5m')"
	run --separate-stderr -0 k get trials -n team-a
	assert_output ""
	[ "$stderr" = "No resources found in team-a namespace." ]
	# The timeline's Trials have no creationTimestamp: an AGE cell whose
	# path finds nothing is empty (kubectl pads it), as for a real CRD.
	step
	run --separate-stderr -0 k get trials -n team-a
	assert_output "$(printf '%s\n' \
		'NAME                      TYPE      STATUS   AGE' \
		'mnist-timeline-aaaa1111   Running   True     ' \
		'mnist-timeline-bbbb2222   Running   True     ')"
	step
	run --separate-stderr -0 k get trials -n team-a
	assert_output "$(printf '%s\n' \
		'NAME                      TYPE        STATUS   AGE' \
		'mnist-timeline-aaaa1111   Succeeded   True     ' \
		'mnist-timeline-bbbb2222   Running     True     ')"
	run --separate-stderr -0 k get experiment mnist-timeline -n team-a
	assert_output "$(printf '%s\n' \
		'NAME             TYPE      STATUS   AGE' \
		'mnist-timeline   Running   True     5m')"
	replay_stop
}

@test "kubectl get: a recorded cluster's Experiments, Suggestions and namespaces" {
	need_kubectl
	serve_at 2026-12-01T00:00:00Z "$STATUS_CLUSTER"
	run --separate-stderr -0 k get experiments -A
	assert_output "$(printf '%s\n' \
		'NAMESPACE   NAME    TYPE        STATUS   AGE' \
		'ml          hpo     Running     True     10d' \
		'ml          mnist   Succeeded   True     11d' \
		'ml          stuck   Running     True     10d' \
		'team-b      tiny    Created     True     10d')"
	# A column whose path finds nothing is empty, as for a real CRD.
	run --separate-stderr -0 k get suggestions -n ml hpo
	[ "${lines[0]}" = 'NAME   TYPE      STATUS   REQUESTED   ASSIGNED   AGE' ]
	[ "$(awk '{ print $1, $2, $3, $4, NF }' <<< "${lines[1]}")" = "hpo Running True 8 4" ]
	run --separate-stderr -0 k get namespaces
	assert_output "$(printf '%s\n' \
		'NAME     STATUS   AGE' \
		'ml       Active   <unknown>' \
		'team-b   Active   <unknown>')"
	replay_stop
}

@test "kubectl get pods: kube-apiserver's columns, and -o wide's" {
	need_kubectl
	serve_at 2026-01-10T10:00:00Z "$PODS"
	run --separate-stderr -0 k get pods -n team-a
	assert_output "$(printf '%s\n' \
		'NAME                   READY   STATUS             RESTARTS      AGE' \
		'mnist-aaaa1111-x7k2p   2/2     Running            2 (40m ago)   59m' \
		'mnist-bbbb2222-q2w3e   0/2     Completed          0             59m' \
		'mnist-cccc3333-m4n5b   0/1     Init:0/1           0             30m' \
		'mnist-dddd4444-c8v9x   0/1     CrashLoopBackOff   5 (5m ago)    29m' \
		'mnist-eeee5555-t6y7u   1/1     Terminating        0             28m' \
		'mnist-ffff6666-p0o9i   0/1     Pending            0             60s')"
	run --separate-stderr -0 k get pods -n team-a -o wide
	assert_output "$(printf '%s\n' \
		'NAME                   READY   STATUS             RESTARTS      AGE   IP            NODE           NOMINATED NODE   READINESS GATES' \
		'mnist-aaaa1111-x7k2p   2/2     Running            2 (40m ago)   59m   10.244.1.17   kind-worker    <none>           <none>' \
		'mnist-bbbb2222-q2w3e   0/2     Completed          0             59m   10.244.2.9    kind-worker2   <none>           <none>' \
		'mnist-cccc3333-m4n5b   0/1     Init:0/1           0             30m   <none>        kind-worker    <none>           <none>' \
		'mnist-dddd4444-c8v9x   0/1     CrashLoopBackOff   5 (5m ago)    29m   10.244.2.11   kind-worker2   <none>           <none>' \
		'mnist-eeee5555-t6y7u   1/1     Terminating        0             28m   10.244.1.20   kind-worker    <none>           <none>' \
		'mnist-ffff6666-p0o9i   0/1     Pending            0             60s   <none>        <none>         kind-worker3     0/1')"
	# The row's object is the pod's metadata: labels and namespaces print.
	run --separate-stderr -0 k get pods -A -l katib.kubeflow.org/trial=mnist-aaaa1111 -L katib.kubeflow.org/trial
	assert_output "$(printf '%s\n' \
		'NAMESPACE   NAME                   READY   STATUS    RESTARTS      AGE   TRIAL' \
		'team-a      mnist-aaaa1111-x7k2p   2/2     Running   2 (40m ago)   59m   mnist-aaaa1111')"
	run --separate-stderr -0 k get ns team-a
	assert_output "$(printf '%s\n' 'NAME     STATUS   AGE' 'team-a   Active   8d')"
	replay_stop
}

@test "kubectl get: kinds without columns are plain lists, which kubectl prints itself" {
	need_kubectl
	serve_at 2026-01-10T09:05:00Z "$TIMELINE"
	run --separate-stderr -0 k get deployments -n team-a
	assert_output "$(printf '%s\n' 'NAME                    AGE' 'mnist-timeline-random   <unknown>')"
	run table /apis/apps/v1/namespaces/team-a/deployments
	[ "$(jq -r .kind <<< "$output")" = DeploymentList ]
	replay_stop
}

@test "Table: the shape kube-apiserver answers, and includeObject" {
	serve_at 2026-01-10T09:05:00Z "$TIMELINE"
	run table /apis/kubeflow.org/v1beta1/namespaces/team-a/experiments
	assert_success
	[ "$(jq -r '.kind + " " + .apiVersion' <<< "$output")" = "Table meta.k8s.io/v1" ]
	[ "$(jq -r '[.columnDefinitions[] | .name + ":" + .type + ":" + (.priority | tostring)] | join(" ")' <<< "$output")" = \
		"Name:string:0 Type:string:0 Status:string:0 Age:date:0" ]
	[ "$(jq -c '.rows[0].cells' <<< "$output")" = '["mnist-timeline","Created","True","5m"]' ]
	[ "$(jq -r '.rows[0].object | .kind + " " + .apiVersion + " " + .metadata.name' <<< "$output")" = \
		"PartialObjectMetadata meta.k8s.io/v1 mnist-timeline" ]
	[ "$(jq -r .metadata.resourceVersion <<< "$output")" = "$(curl -sf "$REPLAY_URL/api/v1/namespaces" | jq -r .metadata.resourceVersion)" ]
	run table '/apis/kubeflow.org/v1beta1/namespaces/team-a/experiments?includeObject=Object'
	[ "$(jq -r '.rows[0].object.spec.algorithm.algorithmName' <<< "$output")" = random ]
	run table '/apis/kubeflow.org/v1beta1/namespaces/team-a/experiments?includeObject=None'
	[ "$(jq -r '.rows[0].object' <<< "$output")" = null ]
	run curl -s -H 'Accept: application/json;as=Table;v=v1;g=meta.k8s.io' \
		"$REPLAY_URL/apis/kubeflow.org/v1beta1/namespaces/team-a/experiments?includeObject=All"
	[ "$(jq -r .code <<< "$output")" = 400 ]
	# v1beta1 when asked first; plain JSON first, or no Table asked, is a list.
	run table /api/v1/namespaces/team-a 'application/json;as=Table;v=v1beta1;g=meta.k8s.io'
	[ "$(jq -r '.apiVersion + " " + .rows[0].object.apiVersion' <<< "$output")" = "meta.k8s.io/v1beta1 meta.k8s.io/v1beta1" ]
	run table /api/v1/namespaces 'application/json,application/json;as=Table;v=v1;g=meta.k8s.io'
	[ "$(jq -r .kind <<< "$output")" = NamespaceList ]
	run curl -sf "$REPLAY_URL/apis/kubeflow.org/v1beta1/namespaces/team-a/experiments"
	[ "$(jq -r .kind <<< "$output")" = ExperimentList ]
	replay_stop
}

@test "kubectl get -w: Table rows as the timeline steps" {
	need_kubectl
	serve_at 2026-01-10T09:05:00Z "$TIMELINE" --step
	k get experiments -n team-a -w --output-watch-events --request-timeout=0 \
		> "$BATS_TEST_TMPDIR/watch.out" 2> "$BATS_TEST_TMPDIR/watch.err" &
	WATCH_PID=$!
	for _ in $(seq 100); do [ -s "$BATS_TEST_TMPDIR/watch.out" ] && break; sleep 0.05; done
	step
	step
	step
	for _ in $(seq 100); do [ "$(wc -l < "$BATS_TEST_TMPDIR/watch.out")" -ge 5 ] && break; sleep 0.05; done
	kill "$WATCH_PID"
	wait "$WATCH_PID" || true
	WATCH_PID=
	run cat "$BATS_TEST_TMPDIR/watch.out"
	# kubectl aligns each event's row on its own, and prints the header
	# once: the later Tables carry the same columns.
	assert_output "$(printf '%s\n' \
		'EVENT      NAME             TYPE      STATUS   AGE' \
		'ADDED      mnist-timeline   Created   True     5m' \
		'MODIFIED   mnist-timeline   Running   True     5m' \
		'MODIFIED   mnist-timeline   Running   True     5m' \
		'MODIFIED   mnist-timeline   Succeeded   True     5m')"
	# A watch asking for Tables gets one an event, with its columns.
	run curl -sfN -H 'Accept: application/json;as=Table;v=v1;g=meta.k8s.io' \
		"$REPLAY_URL/apis/kubeflow.org/v1beta1/namespaces/team-a/trials?watch=true&timeoutSeconds=1"
	[ "$(jq -r '.type + " " + .object.kind + " " + (.object.columnDefinitions | length | tostring) + " " + .object.rows[0].cells[0]' <<< "${lines[0]}")" = \
		"ADDED Table 4 mnist-timeline-aaaa1111" ]
	replay_stop
}

@test "openapi v3: an index of group versions, and each one's paths and kinds" {
	serve_at 2026-01-10T09:05:00Z "$TIMELINE"
	run curl -sf "$REPLAY_URL/openapi/v3"
	assert_success
	[ "$(jq -r '.paths | keys | join(" ")' <<< "$output")" = "api/v1 apis/apps/v1 apis/batch/v1 apis/kubeflow.org/v1beta1" ]
	# A document's hash is its own: kubectl caches each document by it.
	[ "$(jq -r '[.paths[].serverRelativeURL | sub(".*hash="; "")] | unique | length' <<< "$output")" = 4 ]
	url=$(jq -r '.paths["apis/kubeflow.org/v1beta1"].serverRelativeURL' <<< "$output")
	[[ "$url" == /openapi/v3/apis/kubeflow.org/v1beta1?hash=* ]]
	run curl -sf "$REPLAY_URL$url"
	assert_success
	local patch='.paths["/apis/kubeflow.org/v1beta1/namespaces/{namespace}/experiments/{name}"].patch'
	[ "$(jq -r "$patch"' | ."x-kubernetes-group-version-kind" | .group + "/" + .version + "/" + .kind' <<< "$output")" = \
		kubeflow.org/v1beta1/Experiment ]
	[ "$(jq -r "$patch"' | [.parameters[] | select(.in == "query") | .name] | join(" ")' <<< "$output")" = \
		"dryRun fieldManager fieldValidation force" ]
	[ "$(jq -r '.components.schemas["org.kubeflow.v1beta1.Experiment"]."x-kubernetes-preserve-unknown-fields"' <<< "$output")" = true ]
	[ "$(jq -r '.paths["/apis/kubeflow.org/v1beta1/trials"].get.operationId' <<< "$output")" = \
		listKubeflowOrgV1beta1TrialForAllNamespaces ]
	run curl -sf "$REPLAY_URL/openapi/v3/api/v1"
	[ "$(jq -r '.paths["/api/v1/namespaces/{namespace}/pods"].get.operationId' <<< "$output")" = listCoreV1NamespacedPod ]
	run curl -s "$REPLAY_URL/openapi/v3/apis/example.com/v1"
	[ "$(jq -r .code <<< "$output")" = 404 ]
	replay_stop
}

@test "kubectl apply --dry-run=server: configured or created, and nothing kept" {
	need_kubectl
	serve_at 2026-01-10T09:05:00Z "$TIMELINE"
	local before
	before=$(curl -sf "$REPLAY_URL/apis/kubeflow.org/v1beta1/namespaces/team-a/experiments")
	sed 's/maxTrialCount: 2/maxTrialCount: 5/' "$TIMELINE/cluster/experiment.yaml" > "$BATS_TEST_TMPDIR/experiment.yaml"
	run --separate-stderr -0 k apply --dry-run=server -f "$BATS_TEST_TMPDIR/experiment.yaml"
	assert_output "experiment.kubeflow.org/mnist-timeline configured (server dry run)"
	[[ "$stderr" != *error* ]]
	run --separate-stderr -0 k apply --dry-run=server -f "$BATS_TEST_TMPDIR/experiment.yaml" -o jsonpath='{.spec.maxTrialCount}'
	assert_output 5
	sed 's/name: mnist-timeline$/name: mnist-second/' "$BATS_TEST_TMPDIR/experiment.yaml" > "$BATS_TEST_TMPDIR/second.yaml"
	run --separate-stderr -0 k apply --dry-run=server -f "$BATS_TEST_TMPDIR/second.yaml"
	assert_output "experiment.kubeflow.org/mnist-second created (server dry run)"
	# Nothing changed: the same list, resourceVersions and all.
	run curl -sf "$REPLAY_URL/apis/kubeflow.org/v1beta1/namespaces/team-a/experiments"
	[ "$output" = "$before" ]
	run --separate-stderr -1 k get experiment -n team-a mnist-second
	[[ "$stderr" == *'experiments.kubeflow.org "mnist-second" not found'* ]]
	replay_stop
}

@test "kubectl apply --dry-run=server of a Pod: a strategic merge patch, not kept" {
	need_kubectl
	serve_at 2026-01-10T10:00:00Z "$PODS"
	local before
	before=$(curl -sf "$REPLAY_URL/api/v1/namespaces/team-a/pods")
	cat > "$BATS_TEST_TMPDIR/pod.yaml" <<-'EOF'
	apiVersion: v1
	kind: Pod
	metadata:
	  name: mnist-ffff6666-p0o9i
	  namespace: team-a
	  labels: {katib.kubeflow.org/trial: mnist-ffff6666, katib.kubeflow.org/experiment: mnist, tier: gpu}
	spec:
	  containers:
	    - {name: training-container, image: docker.io/kubeflowkatib/pytorch-mnist-cpu:latest}
	EOF
	run --separate-stderr -0 k apply --dry-run=server -f "$BATS_TEST_TMPDIR/pod.yaml"
	assert_output "pod/mnist-ffff6666-p0o9i configured (server dry run)"
	sed 's/p0o9i/z9x8c/' "$BATS_TEST_TMPDIR/pod.yaml" > "$BATS_TEST_TMPDIR/new-pod.yaml"
	run --separate-stderr -0 k apply --dry-run=server -f "$BATS_TEST_TMPDIR/new-pod.yaml"
	assert_output "pod/mnist-ffff6666-z9x8c created (server dry run)"
	run curl -sf "$REPLAY_URL/api/v1/namespaces/team-a/pods"
	[ "$output" = "$before" ]
	replay_stop
}

@test "kubectl api-resources and describe: Katib's kinds, and an Experiment described" {
	need_kubectl
	serve_at 2026-12-01T00:00:00Z "$STATUS_CLUSTER"
	run --separate-stderr -0 k api-resources --api-group=kubeflow.org
	# Katib's CRDs declare no short names.
	assert_output "$(printf '%s\n' \
		'NAME          SHORTNAMES   APIVERSION             NAMESPACED   KIND' \
		'experiments                kubeflow.org/v1beta1   true         Experiment' \
		'suggestions                kubeflow.org/v1beta1   true         Suggestion' \
		'trials                     kubeflow.org/v1beta1   true         Trial')" || return 1
	run --separate-stderr -0 k describe experiment stuck -n ml
	assert_line --regexp '^Name: +stuck$' || return 1
	assert_line --regexp '^Namespace: +ml$' || return 1
	assert_line --regexp '^Kind: +Experiment$' || return 1
	assert_line --regexp '^    Type: +Running$' || return 1
	assert_line --regexp '^Events: +<none>$' || return 1
	replay_stop
}

@test "aggregated discovery: kubectl learns every group's resources from /api and /apis alone" {
	need_kubectl
	serve_at 2026-12-01T00:00:00Z "$STATUS_CLUSTER" --log "$BATS_TEST_TMPDIR/requests.log"
	run --separate-stderr -0 table /apis "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
	assert_equal "$(jq -c '[.kind, .apiVersion, [.items[].metadata.name]]' <<< "$output")" \
		'["APIGroupDiscoveryList","apidiscovery.k8s.io/v2",["apps","batch","kubeflow.org"]]' || return 1
	assert_equal "$(jq -c '.items[] | select(.metadata.name == "kubeflow.org") | .versions[0].resources[] | select(.resource == "experiments") | [.scope, .responseKind.kind, .singularResource]' <<< "$output")" \
		'["Namespaced","Experiment","experiment"]' || return 1
	# The legacy documents still answer a client that does not ask for it.
	run --separate-stderr -0 curl -sf "$REPLAY_URL/apis"
	assert_equal "$(jq -r .kind <<< "$output")" APIGroupList || return 1
	run --separate-stderr -0 k get experiments -A
	# No group version was asked for its resources one by one.
	run grep -cE '^GET /apis/[^/]+/[^/]+$|^GET /api/v1$' "$BATS_TEST_TMPDIR/requests.log"
	assert_output 0 || return 1
	replay_stop
}

@test "legacy discovery: /apis names each group once, whatever its kinds" {
	serve_at 2026-01-10T09:05:00Z "$TIMELINE"
	run -0 curl -sf -H 'Accept: application/json' "$REPLAY_URL/apis"
	[ "$(jq -r '[.groups[].name] | join(" ")' <<< "$output")" = "apps batch kubeflow.org" ]
	replay_stop
}
