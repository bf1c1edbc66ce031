#!/usr/bin/env bats
# Kubernetes' own Python client (Debian's python3-kubernetes, on which
# Katib's SDK is built) against the replay server, for every fixture:
# it lists, gets and watches Experiments, Trials and pods, and reads
# every container's log, and sees exactly what the recording holds
# (tests/helper/kube-python-client.py).  The typed pod list fails when a
# recorded pod lacks a field the client requires.  It is Debian's
# python3, not whichever python3 is first in PATH, that has the client.

bats_require_minimum_version 1.5.0
load lib/common

PYTHON=/usr/bin/python3

teardown() {
	replay_kill
}

need_python_client() {
	"$PYTHON" -c 'import kubernetes' 2>/dev/null && return 0
	[ "${CI:-}" = true ] && { echo "python3-kubernetes is missing under CI (scripts/install-deps)" >&2; return 1; }
	skip "python3-kubernetes is not installed for $PYTHON (scripts/install-deps)"
}

@test "python client: every fixture lists, gets, watches and reads logs as recorded" {
	need_python_client
	local dir name n=0
	for dir in "$REPO_DIR"/fixtures/*/cluster; do
		name=$(basename "$(dirname "$dir")")
		replay_serve "$dir"
		run "$PYTHON" "$TESTS_DIR/helper/kube-python-client.py" "$REPLAY_CFG" "$dir"
		[ "$status" -eq 0 ] || { echo "$name: $output"; false; }
		[[ "$output" == "1 experiments, "* ]] || { echo "$name: $output"; false; }
		replay_stop
		n=$((n + 1))
	done
	[ "$n" -ge 10 ]
}

@test "python client: a timeline recording serves its first state" {
	need_python_client
	replay_serve "$TESTS_DIR/data/timeline-experiment" --step
	run "$PYTHON" "$TESTS_DIR/helper/kube-python-client.py" "$REPLAY_CFG" "$TESTS_DIR/data/timeline-experiment/cluster"
	assert_success
	assert_output "1 experiments, 0 trials, 0 pods, 0 logs"
}
