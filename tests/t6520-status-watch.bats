#!/usr/bin/env bats
# status -w and get -w: following searches with watches, over the timeline
# recording tests/data/timeline-experiment served with --step (the
# Experiment goes Created, Running with two trials, one trial done, both
# done and Succeeded).  Piped, the views print lines per change; on a
# terminal (tmux here, as a user's) they redraw in place.  The clock is
# pinned (KATIB_NOW) so that times and ages are stable.

bats_require_minimum_version 1.5.0
load lib/common

TIMELINE="$TESTS_DIR/data/timeline-experiment"
GOLDEN="$TESTS_DIR/golden/status"
export KATIB_NOW=2026-01-10T09:00:30Z

teardown() {
	[ -n "${FOLLOW_PID:-}" ] && kill "$FOLLOW_PID" 2>/dev/null
	[ -n "${TMUX_SOCKET:-}" ] && tmux -S "$TMUX_SOCKET" kill-server 2>/dev/null
	replay_kill
}

# step: applies the timeline's next step.
step() {
	curl -sf -X POST "$REPLAY_URL/katib-replay/step" > /dev/null || return 1
}

# follow OUT ARGS...: runs katib ARGS in the background, its stdout in OUT
# and its stderr in OUT.err; FOLLOW_PID is its pid.
follow() {
	katib_bg "$@"
	FOLLOW_PID=$KATIB_PID
}

# finish: waits for the followed command and sets status.
finish() {
	status=0
	wait "$FOLLOW_PID" || status=$?
	FOLLOW_PID=
}

@test "status -w piped: the view once, then a line per change, exit 0 when it succeeds" {
	replay_serve "$TIMELINE" --step --log "$BATS_TEST_TMPDIR/requests.log"
	local out=$BATS_TEST_TMPDIR/out
	follow "$out" status experiment mnist-timeline -n team-a -w --kubeconfig "$REPLAY_CFG"
	wait_for "$out" "Best:     none yet" || return 1
	step || return 1
	wait_for "$out" "Running, 0/2 done, 2 running" || return 1
	step || return 1
	wait_for "$out" "1/2 done, 1 running" || return 1
	step || return 1
	finish
	[ "$status" -eq 0 ] || { echo "exit $status"; cat "$out.err"; return 1; }
	[ ! -s "$out.err" ] || { cat "$out.err"; return 1; }
	output=$(cat "$out")
	assert_golden "$GOLDEN/watch-piped.txt" || return 1
	# Watches of the Experiment, its Trials and its Suggestion, from the
	# versions the first read gave: no event is read twice.
	grep -q "GET /apis/kubeflow.org/v1beta1/namespaces/team-a/experiments fieldSelector=metadata.name=mnist-timeline" \
		"$BATS_TEST_TMPDIR/requests.log" || return 1
	grep -q "GET /apis/kubeflow.org/v1beta1/namespaces/team-a/trials labelSelector=katib.kubeflow.org/experiment=mnist-timeline" \
		"$BATS_TEST_TMPDIR/requests.log" || return 1
	grep -q "GET /apis/kubeflow.org/v1beta1/namespaces/team-a/suggestions fieldSelector=metadata.name=mnist-timeline" \
		"$BATS_TEST_TMPDIR/requests.log" || return 1
}

@test "status -w: a search that fails ends with exit 1" {
	local dir=$BATS_TEST_TMPDIR/failing
	cp -r "$TIMELINE" "$dir"
	# The last step fails the search instead.
	sed -i 's/type: Succeeded/type: Failed/; s/reason: ExperimentMaxTrialsReached/reason: ExperimentMaxFailedTrialsReached/' \
		"$dir/timeline/10s/experiment.yaml"
	replay_serve "$dir" --step
	local out=$BATS_TEST_TMPDIR/out
	follow "$out" status experiment mnist-timeline -n team-a -w --kubeconfig "$REPLAY_CFG"
	wait_for "$out" "Best:     none yet" || return 1
	step && step && step || return 1
	finish
	[ "$status" -eq 1 ] || { echo "exit $status"; cat "$out" "$out.err"; return 1; }
	run tail -n 1 "$out"
	assert_output --partial "Experiment team-a/mnist-timeline: Failed"
}

@test "status -w --html: the report is written again at each change" {
	replay_serve "$TIMELINE" --step
	local out=$BATS_TEST_TMPDIR/out html=$BATS_TEST_TMPDIR/report.html
	follow "$out" status experiment mnist-timeline -n team-a -w --html "$html" --kubeconfig "$REPLAY_CFG"
	wait_for "$out" "Best:     none yet" || return 1
	grep -q "Created" "$html" || { echo "no first report"; return 1; }
	! grep -q "mnist-timeline-bbbb2222" "$html" || return 1
	step && sleep 0.5 && step && sleep 0.5 && step || return 1
	finish
	[ "$status" -eq 0 ] || { echo "exit $status"; cat "$out.err"; return 1; }
	grep -q "Succeeded" "$html" || return 1
	grep -q "mnist-timeline-bbbb2222" "$html"
}

@test "status -w -o json: one document per change, the last one the end" {
	replay_serve "$TIMELINE" --step
	local out=$BATS_TEST_TMPDIR/out
	follow "$out" status experiment mnist-timeline -n team-a -w -o json --kubeconfig "$REPLAY_CFG"
	wait_for "$out" '"phase"' || return 1
	step && sleep 0.5 && step && sleep 0.5 && step || return 1
	finish
	[ "$status" -eq 0 ] || { echo "exit $status"; cat "$out.err"; return 1; }
	run jq -s -r '.[] | .phase' "$out"
	assert_line --index 0 "Created" || return 1
	assert_line "Running" || return 1
	run jq -s -r 'last | .phase + " " + (.trialList | length | tostring) + " " + .best.trial' "$out"
	assert_output "Succeeded 2 mnist-timeline-bbbb2222"
}

@test "status -w: the cluster going away is said, retried, and followed again" {
	replay_serve "$TIMELINE" --step
	local out=$BATS_TEST_TMPDIR/out port=${REPLAY_URL##*:}
	follow "$out" status experiment mnist-timeline -n team-a -w --kubeconfig "$REPLAY_CFG"
	wait_for "$out" "Best:     none yet" || return 1
	replay_stop || return 1
	wait_for "$out.err" "trying again in 1s" || return 1
	run cat "$out.err"
	assert_line --index 0 --regexp "^warning: cannot reach http://127\.0\.0\.1:$port/.*; trying again in 1s$" || return 1
	# The same server comes back on the same port; the view reads it anew.
	replay_serve "$TIMELINE" --step --port "$port" || return 1
	step && sleep 0.5 && step && sleep 0.5 && step || return 1
	finish
	[ "$status" -eq 0 ] || { echo "exit $status"; cat "$out" "$out.err"; return 1; }
	run tail -n 1 "$out"
	assert_output --partial "Succeeded (ExperimentMaxTrialsReached), 2/2 done"
}

@test "status -w: a watch that expired (410) lists again and goes on" {
	replay_serve "$TIMELINE" --step --fault "watch,path=/trials,status=410,times=1" \
		--log "$BATS_TEST_TMPDIR/requests.log"
	local out=$BATS_TEST_TMPDIR/out
	follow "$out" status experiment mnist-timeline -n team-a -w --kubeconfig "$REPLAY_CFG"
	wait_for "$out" "Best:     none yet" || return 1
	step && sleep 0.5 && step && sleep 0.5 && step || return 1
	finish
	[ "$status" -eq 0 ] || { echo "exit $status"; cat "$out" "$out.err"; return 1; }
	# Quietly: an expired watch is routine, not a lost cluster.
	[ ! -s "$out.err" ] || { cat "$out.err"; return 1; }
	# The Experiment was read twice before any step: once at the start, once after the 410.
	run grep -c "^GET /apis/kubeflow.org/v1beta1/namespaces/team-a/experiments/mnist-timeline$" \
		"$BATS_TEST_TMPDIR/requests.log"
	[ "$output" -ge 2 ]
}

@test "status -w and get -w refuse a recording, and a missing Experiment is exit 3" {
	run --separate-stderr -2 katib status experiment mnist-timeline -w --from "$TIMELINE/cluster"
	assert_equal "$stderr" "error: -w follows a cluster, and a recording does not change (serve it with 'katib-replay serve DIR --speed N' to replay its timeline)
see 'kubectl katib status --help'" || return 1
	run --separate-stderr -2 katib get experiments -w --from "$TIMELINE/cluster"
	[[ "$stderr" == *"-w follows a cluster"* ]] || return 1
	replay_serve "$TIMELINE" --step
	run --separate-stderr -3 katib status experiment nope -n team-a -w --kubeconfig "$REPLAY_CFG"
	assert_equal "$stderr" 'Error from server (NotFound): experiments.kubeflow.org "nope" not found'
}

@test "get -w piped: the table, then a row each time an Experiment changes" {
	replay_serve "$TIMELINE" --step
	local out=$BATS_TEST_TMPDIR/out
	follow "$out" get experiments -n team-a -w --kubeconfig "$REPLAY_CFG"
	wait_for "$out" "mnist-timeline" || return 1
	step || return 1
	wait_for "$out" "Running" || return 1
	step || return 1
	wait_for "$out" "1/1/0" || return 1
	step || return 1
	wait_for "$out" "Succeeded" || return 1
	kill -INT "$FOLLOW_PID"
	finish
	[ "$status" -eq 130 ] || { echo "exit $status"; cat "$out.err"; return 1; }
	output=$(cat "$out")
	assert_golden "$GOLDEN/watch-get-piped.txt"
}

# tmux_start COLS ROWS COMMAND: a terminal running COMMAND; TMUX_SOCKET names it.
tmux_start() {
	command -v tmux > /dev/null || {
		[ "${CI:-}" = true ] && { echo "tmux is missing under CI (scripts/install-deps installs it)"; return 1; }
		skip "tmux is not installed (scripts/install-deps installs it)"
	}
	# A socket of its own each time: a server just killed may still hold the last.
	TMUX_N=$((${TMUX_N:-0} + 1))
	TMUX_SOCKET=$BATS_TEST_TMPDIR/tmux-$TMUX_N.sock
	tmux -S "$TMUX_SOCKET" -f /dev/null new-session -d -s view -x "$1" -y "$2" "$3" || return 1
}

screen() {
	tmux -S "$TMUX_SOCKET" capture-pane -p -t view
}

# wait_screen TEXT: until the terminal shows TEXT.
wait_screen() {
	local _
	for _ in $(seq 200); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	echo "'$1' never showed:"
	screen
	return 1
}

@test "status -w on a terminal: redrawn in place, to the end, the screen left readable" {
	replay_serve "$TIMELINE" --step
	tmux_start 100 40 "env LC_ALL=C.UTF-8 TZ=UTC KATIB_NOW=$KATIB_NOW TERM=xterm $KATIB_BIN status experiment mnist-timeline -n team-a -w --kubeconfig $REPLAY_CFG; echo EXIT=\$?; sleep 60" || return 1
	wait_screen "Updated at 09:00:30; watching (Ctrl-C to stop)." || return 1
	step || return 1
	wait_screen "mnist-timeline-bbbb2222   Running" || return 1
	# Redrawn over the first view, not below it.
	run screen
	[ "$(grep -c '^Experiment team-a/mnist-timeline: ' <<< "$output")" -eq 1 ] || { echo "$output"; return 1; }
	assert_line --index 0 "Experiment team-a/mnist-timeline: Running" || return 1
	step && step || return 1
	wait_screen "EXIT=0" || return 1
	run screen
	[ "$(grep -c '^Experiment team-a/mnist-timeline: ' <<< "$output")" -eq 1 ] || { echo "$output"; return 1; }
	assert_line --index 0 "Experiment team-a/mnist-timeline: Succeeded (ExperimentMaxTrialsReached)" || return 1
	assert_line "The search has ended (Succeeded)." || return 1
	assert_line --regexp "^Best: +mnist-timeline-bbbb2222 accuracy=0\.95 with lr=0\.04$" || return 1
	# No escape sequence shows as text.
	refute_output --partial "[K" || return 1
	refute_output --partial "[?25" || return 1
}

@test "status -w on a small terminal: trials cut to fit, lines cut to the width" {
	replay_serve "$TIMELINE" --step
	step && step || return 1
	tmux_start 60 24 "env LC_ALL=C.UTF-8 TZ=UTC KATIB_NOW=$KATIB_NOW TERM=xterm $KATIB_BIN status experiment mnist-timeline -n team-a -w --kubeconfig $REPLAY_CFG; echo EXIT=\$?; sleep 60" || return 1
	wait_screen "watching (Ctrl-C to stop)" || return 1
	run screen
	# The first line is still the header: nothing scrolled away.
	assert_line --index 0 "Experiment team-a/mnist-timeline: Running" || return 1
	assert_line --partial "1 more trials not shown" || return 1
	local line
	while IFS= read -r line; do
		[ "${#line}" -le 60 ] || { echo "too wide: $line"; return 1; }
	done <<< "$output"
}

@test "get -w on a terminal: Ctrl-C ends it with 130 and the table stays" {
	replay_serve "$TIMELINE" --step
	tmux_start 120 20 "env LC_ALL=C.UTF-8 TZ=UTC KATIB_NOW=$KATIB_NOW TERM=xterm $KATIB_BIN get experiments -A -w --kubeconfig $REPLAY_CFG; echo EXIT=\$?; sleep 60" || return 1
	wait_screen "Created" || return 1
	step || return 1
	wait_screen "0/2/0 of 2" || return 1
	tmux -S "$TMUX_SOCKET" send-keys -t view C-c
	wait_screen "EXIT=130" || return 1
	run screen
	assert_line --index 0 --regexp "^NAMESPACE +NAME +STATE +TRIALS" || return 1
	assert_line --index 1 --regexp "^team-a +mnist-timeline +Running +0/2/0 of 2 " || return 1
	[ "$(grep -c '^NAMESPACE' <<< "$output")" -eq 1 ]
}

@test "colour: states painted on a terminal, columns still aligned; never with NO_COLOR or piped" {
	replay_serve "$TESTS_DIR/data/status/cluster"
	local run="env LC_ALL=C.UTF-8 TZ=UTC KATIB_NOW=2026-11-20T12:00:00Z TERM=xterm"
	tmux_start 150 30 "$run $KATIB_BIN get experiments -A --kubeconfig $REPLAY_CFG; echo END; sleep 60" || return 1
	wait_screen "END" || return 1
	run tmux -S "$TMUX_SOCKET" capture-pane -e -p -t view
	assert_success || return 1
	# Green for a success, yellow for a stuck search, then back to normal.
	assert_line --regexp $'^ml +mnist +\e\\[32mSucceeded \\(ExperimentGoalReached\\)\e\\[(39|0)?m +3/0/0 of 4 ' || return 1
	assert_line --regexp $'^ml +stuck +\e\\[33mRunning \\(stuck: metrics-unavailable\\)\e\\[(39|0)?m +0/1/0 of 4 ' || return 1
	# Painted or not, the next column starts where the header's does.
	run screen
	local col
	col=$(sed -n 1p <<< "$output" | grep -bo "TRIALS" | cut -d: -f1)
	[ "$(sed -n 3p <<< "$output" | cut -c$((col + 1))-$((col + 5)))" = "3/0/0" ] || { echo "$output"; return 1; }
	tmux -S "$TMUX_SOCKET" kill-server
	tmux_start 150 30 "$run NO_COLOR=1 $KATIB_BIN get experiments -A --kubeconfig $REPLAY_CFG; echo END; sleep 60" || return 1
	wait_screen "END" || return 1
	run tmux -S "$TMUX_SOCKET" capture-pane -e -p -t view
	refute_output --partial $'\e[3' || return 1
	# Piped: never.
	run env -u NO_COLOR TERM=xterm "$KATIB_BIN" status experiment mnist -n ml --kubeconfig "$REPLAY_CFG"
	refute_output --partial $'\e['
}

@test "status -w: an Experiment deleted while followed ends the view, exit 3" {
	local dir=$BATS_TEST_TMPDIR/deleted
	cp -r "$TIMELINE" "$dir"
	# The last step deletes the Experiment instead of finishing it.
	mv "$dir/timeline/10s/experiment.yaml" "$dir/timeline/10s/deleted/experiment.yaml"
	replay_serve "$dir" --step
	local out=$BATS_TEST_TMPDIR/out
	follow "$out" status experiment mnist-timeline -n team-a -w --kubeconfig "$REPLAY_CFG"
	wait_for "$out" "Best:     none yet" || return 1
	step && sleep 0.5 && step && sleep 0.5 && step || return 1
	finish
	[ "$status" -eq 3 ] || { echo "exit $status"; cat "$out" "$out.err"; return 1; }
	run cat "$out.err"
	assert_output 'Error from server (NotFound): experiments.kubeflow.org "mnist-timeline" not found'
}
