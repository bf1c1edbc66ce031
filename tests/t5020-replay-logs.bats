#!/usr/bin/env bats
# Pod logs and /version/ answered as kube-apiserver answers them: the
# container checked against the pod's spec, with the API server's words
# (pkg/registry/core/pod/strategy.go, LogLocation, in kubernetes), a
# container without a recorded log has an empty log, and tailLines and
# limitBytes cut it.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
	need_kubectl || return 1
	REC="$BATS_TEST_TMPDIR/rec"
	cp -r "$TESTS_DIR/data/cluster-small" "$REC"
	# A pod of two containers, one named by kubectl's default-container
	# annotation, and one of two containers with neither.
	cat > "$REC/more-pods.yaml" <<'YAML'
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Pod
    metadata:
      name: two
      namespace: team-a
      annotations:
        kubectl.kubernetes.io/default-container: main
    spec:
      containers:
        - name: sidecar
          image: busybox
        - name: main
          image: busybox
  - apiVersion: v1
    kind: Pod
    metadata:
      name: undecided
      namespace: team-a
    spec:
      initContainers:
        - name: init
          image: busybox
      containers:
        - name: a
          image: busybox
        - name: b
          image: busybox
YAML
	mkdir -p "$REC/logs/team-a/two"
	printf 'from main\n' > "$REC/logs/team-a/two/main.log"
	printf 'from the sidecar\n' > "$REC/logs/team-a/two/sidecar.log"
	printf 'before the restart\n' > "$REC/logs/team-a/two/main.previous.log"
	replay_serve "$REC"
}

teardown() {
	replay_kill
}

k() {
	HOME="$BATS_TEST_TMPDIR" kubectl --kubeconfig "$REPLAY_CFG" "$@"
}

POD=mnist-random-abc12345-x7k2p

@test "replay logs: /version/ with its slash, as the Python client asks" {
	run --separate-stderr -0 k get --raw /version/
	assert_output --partial '"gitVersion"'
}

@test "replay logs: a container the pod lacks is 400, worded as the API server words it" {
	run --separate-stderr -1 k logs -n team-a "$POD" -c nope
	[[ "$stderr" == *"container nope is not valid for pod $POD"* ]]
	run --separate-stderr -1 k get --raw "/api/v1/namespaces/team-a/pods/$POD/log?container=nope"
	[[ "$stderr" == *"container nope is not valid for pod $POD"* ]]
	run -0 curl -s -w ' %{http_code}' "$REPLAY_URL/api/v1/namespaces/team-a/pods/$POD/log?container=nope"
	assert_output --regexp '"reason":"BadRequest".*"code":400.* 400$'
}

@test "replay logs: a container without a recorded log has an empty log" {
	run --separate-stderr -0 k logs -n other unrelated -c main
	[ -z "$output" ]
}

@test "replay logs: an unknown pod is NotFound" {
	run --separate-stderr -1 k logs -n team-a nope
	[[ "$stderr" == *'pods "nope" not found'* ]]
}

@test "replay logs: tailLines and limitBytes" {
	run --separate-stderr -0 k logs -n team-a "$POD" --tail=1
	[ "$output" = "Validation-accuracy=0.1135" ]
	run --separate-stderr -0 k logs -n team-a "$POD" --tail=0
	[ -z "$output" ]
	run --separate-stderr -0 k logs -n team-a "$POD" --limit-bytes=11
	[ "$output" = "Train Epoch" ]
	run --separate-stderr -1 k get --raw "/api/v1/namespaces/team-a/pods/$POD/log?tailLines=-1"
	[[ "$stderr" == *"tailLines must be a non-negative integer"* ]]
}

@test "replay logs: without a container, the default-container annotation decides" {
	run --separate-stderr -0 k get --raw "/api/v1/namespaces/team-a/pods/two/log"
	[ "$output" = "from main" ]
	run --separate-stderr -0 k logs -n team-a two -c sidecar
	[ "$output" = "from the sidecar" ]
}

@test "replay logs: without a container and with several, the API server's message" {
	run --separate-stderr -1 k get --raw "/api/v1/namespaces/team-a/pods/undecided/log"
	[[ "$stderr" == *"a container name must be specified for pod undecided, choose one of: [a b] or one of the init containers: [init]"* ]]
}

@test "replay logs: previous reads the previous container's log, or says there is none" {
	run --separate-stderr -0 k logs -n team-a two -c main --previous
	[ "$output" = "before the restart" ]
	run --separate-stderr -1 k logs -n team-a two -c sidecar --previous
	[[ "$stderr" == *'previous terminated container "sidecar" in pod "two" not found'* ]]
}

@test "replay logs: --timestamps puts the time before each line; recorded times are kept, or taken off" {
	replay_kill
	cat > "$REC/timed-pod.yaml" <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: timed
  namespace: team-a
spec:
  containers:
    - name: main
      image: busybox
status:
  containerStatuses:
    - name: main
      image: busybox
      imageID: docker.io/library/busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000
      ready: true
      restartCount: 0
      state:
        running:
          startedAt: "2026-01-10T09:00:02Z"
YAML
	mkdir -p "$REC/logs/team-a/timed"
	printf '2026-01-10T09:00:03.123456789Z recorded with its time\nrecorded without one\n2026-01-10T09:00:04Z INFO the program'"'"'s own time\n' \
		> "$REC/logs/team-a/timed/main.log"
	replay_serve "$REC" || return 1
	run --separate-stderr -0 k logs -n team-a timed --timestamps
	assert_output "2026-01-10T09:00:03.123456789Z recorded with its time
2026-01-10T09:00:02.000000000Z recorded without one
2026-01-10T09:00:02.000000000Z 2026-01-10T09:00:04Z INFO the program's own time" || return 1
	# Without --timestamps the kubelet sends no times; the program's own stay.
	run --separate-stderr -0 k logs -n team-a timed
	assert_output "recorded with its time
recorded without one
2026-01-10T09:00:04Z INFO the program's own time" || return 1
	# tailLines counts lines, limitBytes bytes with their times.
	run --separate-stderr -0 k logs -n team-a timed --timestamps --tail=1 --limit-bytes=30
	assert_output "2026-01-10T09:00:02.000000000Z"
}
