#!/usr/bin/env bats
# Timelines (fixtures/README, section 5): a recording's later states,
# which the replay server applies on its clock (--speed) or when asked
# (--step), so that a watch, a list and kubectl get -w see an Experiment
# go from Created to Running to Succeeded as they would on a cluster.
# The recording, tests/data/timeline-experiment, is hand-written: its
# steps are at 2s, 4s and 10s (so that their names do not sort in their
# order), and the last deletes the suggestion's Deployment.
#
# Under KATIB_VALGRIND=1 the server runs under Valgrind, and a memory
# error or leak makes it exit 126, which replay_stop fails on.

bats_require_minimum_version 1.5.0
load lib/common

REPLAY_MEMCHECK=1
TIMELINE="$TESTS_DIR/data/timeline-experiment"
EXPERIMENTS=apis/kubeflow.org/v1beta1/namespaces/team-a/experiments
TRIALS=apis/kubeflow.org/v1beta1/namespaces/team-a/trials
DEPLOYMENTS=apis/apps/v1/namespaces/team-a/deployments

teardown() {
	[ -n "${WATCH_PID:-}" ] && kill "$WATCH_PID" 2>/dev/null && wait "$WATCH_PID" 2>/dev/null
	replay_kill
}

step() {
	curl -sf -X POST "$REPLAY_URL/katib-replay/step" > /dev/null || return 1
}

# events FILE: "TYPE NAME RESOURCEVERSION" per event of a watch's output.
events() {
	jq -r '.type + " " + .object.metadata.name + " " + .object.metadata.resourceVersion' "$1"
}

@test "timeline --step: a watch sees the Experiment go Created, Running, Succeeded, in order" {
	replay_serve "$TIMELINE" --step
	curl -sfN "$REPLAY_URL/$EXPERIMENTS?watch=true&timeoutSeconds=3" > "$BATS_TEST_TMPDIR/exp" &
	WATCH_PID=$!
	sleep 0.3
	step
	step
	step
	wait "$WATCH_PID"
	WATCH_PID=
	run jq -r '.type + " " + ([.object.status.conditions[] | select(.status == "True") | .type] | join(","))' \
		"$BATS_TEST_TMPDIR/exp"
	assert_output "ADDED Created
MODIFIED Created,Running
MODIFIED Created,Running
MODIFIED Created,Succeeded"
	# Each event carries a later resourceVersion than the one before.
	run jq -s '[.[].object.metadata.resourceVersion | tonumber] | . == (sort | unique) and length == 4' \
		"$BATS_TEST_TMPDIR/exp"
	assert_output true
	replay_stop
}

@test "timeline --step: Trials appear and finish, and the deleted Deployment is DELETED" {
	replay_serve "$TIMELINE" --step
	curl -sfN "$REPLAY_URL/$TRIALS?watch=true&timeoutSeconds=3" > "$BATS_TEST_TMPDIR/trials" &
	WATCH_PID=$!
	curl -sfN "$REPLAY_URL/$DEPLOYMENTS?watch=true&timeoutSeconds=3" > "$BATS_TEST_TMPDIR/deploy" &
	local deploy_pid=$!
	sleep 0.3
	step
	step
	step
	wait "$WATCH_PID"
	wait "$deploy_pid"
	WATCH_PID=
	run jq -r '.type + " " + .object.metadata.name + " " + ([.object.status.conditions[] | select(.status == "True") | .type] | join(","))' \
		"$BATS_TEST_TMPDIR/trials"
	assert_output "ADDED mnist-timeline-aaaa1111 Created,Running
ADDED mnist-timeline-bbbb2222 Created,Running
MODIFIED mnist-timeline-aaaa1111 Created,Succeeded
MODIFIED mnist-timeline-bbbb2222 Created,Succeeded"
	run jq -r '.type + " " + .object.metadata.name' "$BATS_TEST_TMPDIR/deploy"
	assert_output "ADDED mnist-timeline-random
DELETED mnist-timeline-random"
	replay_stop
}

@test "timeline --step: GET and list answer each step's state; the step's answer says which" {
	replay_serve "$TIMELINE" --step
	run curl -sf "$REPLAY_URL/$TRIALS"
	[ "$(jq '.items | length' <<< "$output")" -eq 0 ]
	run curl -sf -X POST "$REPLAY_URL/katib-replay/step"
	assert_success
	[ "$(jq -r '.step + " " + (.offsetMilliseconds | tostring) + " " + (.remaining | tostring)' <<< "$output")" = "2s 2000 2" ]
	local rv
	rv=$(jq -r .resourceVersion <<< "$output")
	run curl -sf "$REPLAY_URL/$TRIALS"
	[ "$(jq -r '[.items[].metadata.name] | join(" ")' <<< "$output")" = "mnist-timeline-aaaa1111 mnist-timeline-bbbb2222" ]
	[ "$(jq -r .metadata.resourceVersion <<< "$output")" = "$rv" ]
	run curl -sf "$REPLAY_URL/$EXPERIMENTS/mnist-timeline"
	[ "$(jq -r '.status.trialsRunning' <<< "$output")" = 2 ]
	step
	run curl -sf "$REPLAY_URL/$TRIALS/mnist-timeline-aaaa1111"
	[ "$(jq -r '.status.conditions[-1].type' <<< "$output")" = Succeeded ]
	run curl -sf -X POST "$REPLAY_URL/katib-replay/step"
	[ "$(jq -r '.step + " " + (.remaining | tostring)' <<< "$output")" = "10s 0" ]
	run curl -sf "$REPLAY_URL/$EXPERIMENTS/mnist-timeline"
	[ "$(jq -r '.status.conditions[-1].type + " " + .status.completionTime' <<< "$output")" = "Succeeded 2026-01-10T09:00:10Z" ]
	run curl -s -o /dev/null -w '%{http_code}' "$REPLAY_URL/$DEPLOYMENTS/mnist-timeline-random"
	assert_output 404
	run curl -sf "$REPLAY_URL/$DEPLOYMENTS"
	[ "$(jq '.items | length' <<< "$output")" -eq 0 ]
	# The end of the timeline: the cluster stays, a step is refused.
	run curl -s -X POST "$REPLAY_URL/katib-replay/step"
	[ "$(jq -r '(.code|tostring) + " " + .message' <<< "$output")" = "409 the timeline has no more steps" ]
	run curl -sf "$REPLAY_URL/$EXPERIMENTS/mnist-timeline"
	[ "$(jq -r '.status.conditions[-1].type' <<< "$output")" = Succeeded ]
	run grep -c '^katib-replay: step ' "$BATS_TEST_TMPDIR/replay.out"
	assert_output 3
	assert_file_contains "$BATS_TEST_TMPDIR/replay.out" "katib-replay: step 10s: 2 stored, 1 deleted, resourceVersion"
	replay_stop
}

@test "timeline --step: SIGUSR1 applies the next step" {
	replay_serve "$TIMELINE" --step
	kill -USR1 "$REPLAY_PID"
	for _ in $(seq 100); do grep -q '^katib-replay: step 2s' "$BATS_TEST_TMPDIR/replay.out" && break; sleep 0.05; done
	run curl -sf "$REPLAY_URL/$EXPERIMENTS/mnist-timeline"
	[ "$(jq -r '.status.conditions[-1].type' <<< "$output")" = Running ]
	replay_stop
}

@test "timeline --speed: steps come on the clock, at offset/N, in offset order" {
	replay_serve "$TIMELINE" --speed 2
	# The first step is due 1s after the start.
	run curl -sf "$REPLAY_URL/$EXPERIMENTS/mnist-timeline"
	[ "$(jq -r '.status.conditions[-1].type' <<< "$output")" = Created ]
	curl -sfN "$REPLAY_URL/$EXPERIMENTS?watch=true&timeoutSeconds=8" > "$BATS_TEST_TMPDIR/exp" &
	WATCH_PID=$!
	for _ in $(seq 200); do grep -q '^katib-replay: step 10s' "$BATS_TEST_TMPDIR/replay.out" && break; sleep 0.05; done
	run grep '^katib-replay: step ' "$BATS_TEST_TMPDIR/replay.out"
	[ "$(cut -d' ' -f3 <<< "$output" | tr -d : | paste -sd' ')" = "2s 4s 10s" ]
	run curl -sf "$REPLAY_URL/$EXPERIMENTS/mnist-timeline"
	[ "$(jq -r '.status.conditions[-1].type' <<< "$output")" = Succeeded ]
	# Without --step, a request does not step.
	run curl -s -X POST "$REPLAY_URL/katib-replay/step"
	[ "$(jq -r .code <<< "$output")" = 409 ]
	for _ in $(seq 100); do [ "$(wc -l < "$BATS_TEST_TMPDIR/exp")" -ge 4 ] && break; sleep 0.05; done
	# It may have ended at its timeout already, under load.
	kill "$WATCH_PID" 2>/dev/null || true
	wait "$WATCH_PID" || true
	WATCH_PID=
	run jq -r .type "$BATS_TEST_TMPDIR/exp"
	assert_output "ADDED
MODIFIED
MODIFIED
MODIFIED"
	replay_stop
}

@test "timeline: kubectl get -w sees each step's changes" {
	need_kubectl
	replay_serve "$TIMELINE" --step
	HOME="$BATS_TEST_TMPDIR" kubectl --kubeconfig "$REPLAY_CFG" get trials.kubeflow.org -n team-a -w \
		-o 'custom-columns=NAME:.metadata.name,STATE:.status.conditions[-1].type' --no-headers \
		> "$BATS_TEST_TMPDIR/w.out" 2> "$BATS_TEST_TMPDIR/w.err" &
	WATCH_PID=$!
	sleep 1
	step
	for _ in $(seq 50); do [ "$(wc -l < "$BATS_TEST_TMPDIR/w.out")" -ge 2 ] && break; sleep 0.1; done
	step
	step
	for _ in $(seq 50); do [ "$(wc -l < "$BATS_TEST_TMPDIR/w.out")" -ge 4 ] && break; sleep 0.1; done
	run sed 's/  */ /g' "$BATS_TEST_TMPDIR/w.out"
	assert_output "mnist-timeline-aaaa1111 Running
mnist-timeline-bbbb2222 Running
mnist-timeline-aaaa1111 Succeeded
mnist-timeline-bbbb2222 Succeeded"
	run cat "$BATS_TEST_TMPDIR/w.err"
	assert_output ""
	replay_stop
}

@test "timeline: a recording without cluster/ serves its own objects, not its timeline's" {
	local dir="$BATS_TEST_TMPDIR/flat"
	mkdir -p "$dir"
	cp "$TIMELINE"/cluster/*.yaml "$dir/"
	cp -r "$TIMELINE/timeline" "$dir/"
	replay_serve "$dir" --step
	run curl -sf "$REPLAY_URL/$TRIALS"
	[ "$(jq '.items | length' <<< "$output")" -eq 0 ]
	step
	run curl -sf "$REPLAY_URL/$TRIALS"
	[ "$(jq '.items | length' <<< "$output")" -eq 2 ]
	replay_stop
}

# bad_timeline: copies the timeline recording to $BAD, for a test to break.
bad_timeline() {
	BAD="$BATS_TEST_TMPDIR/bad"
	cp -r "$TIMELINE" "$BAD" || return 1
}

# refused MESSAGE: serving $BAD exits 2, saying MESSAGE (a server that
# starts instead is stopped by timeout, 124).
refused() {
	run -2 timeout 10 "$KATIB_REPLAY" serve "$BAD" --step
	[ "$output" = "$1" ] || { echo "got: $output"; echo "want: $1"; return 1; }
}

@test "timeline: bad step folders are refused with exit 2, naming the step" {
	bad_timeline
	mkdir "$BAD/timeline/soon"
	refused "katib-replay: timeline/soon: a step's folder is named by its offset from the start, such as 1500ms, 5s or 2m"
	rmdir "$BAD/timeline/soon"

	mkdir "$BAD/timeline/1441m"
	refused "katib-replay: timeline/1441m: a step is at most a day (24h) from the start"
	rmdir "$BAD/timeline/1441m"
	mkdir "$BAD/timeline/24h"
	cp "$BAD/timeline/4s/trials.yaml" "$BAD/timeline/24h/"
	replay_serve "$BAD" --step	# a day is still a step: the server runs
	replay_stop
	rm -r "$BAD/timeline/24h"

	touch "$BAD/timeline/3s"
	refused "katib-replay: timeline/3s: a step is a folder of objects"
	rm "$BAD/timeline/3s"

	mkdir "$BAD/timeline/4000ms"
	cp "$BAD/timeline/4s/trials.yaml" "$BAD/timeline/4000ms/"
	refused "katib-replay: timeline/4s: two steps at the same offset"
	rm -r "$BAD/timeline/4000ms"

	mkdir "$BAD/timeline/5s"
	refused "katib-replay: timeline/5s: a step changes nothing: it holds no objects and no deleted/ folder with any"

	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {namespace: team-a}\n' > "$BAD/timeline/5s/cm.yaml"
	refused "katib-replay: timeline/5s: an object without apiVersion, kind or metadata.name"

	printf 'kind: [\n' > "$BAD/timeline/5s/cm.yaml"
	run -2 timeout 10 "$KATIB_REPLAY" serve "$BAD" --step
	assert_output --partial "katib-replay: timeline/5s: $BAD/timeline/5s/cm.yaml:"
	rm -r "$BAD/timeline/5s"

	# Deleted twice: at 10s it no longer exists.
	mkdir -p "$BAD/timeline/4s/deleted"
	cp "$BAD/timeline/10s/deleted/suggestion-deployment.yaml" "$BAD/timeline/4s/deleted/"
	refused "katib-replay: timeline/10s: deleted/ names apps Deployment team-a mnist-timeline-random, which does not exist at that point"
	rm -r "$BAD/timeline/4s/deleted"

	# A Trial the 2s step adds may be deleted later, but only once.
	mkdir -p "$BAD/timeline/5s/deleted"
	printf 'apiVersion: kubeflow.org/v1beta1\nkind: Trial\nmetadata: {name: mnist-timeline-aaaa1111, namespace: team-a}\n' \
		> "$BAD/timeline/5s/deleted/trial.yaml"
	replay_serve "$BAD" --step
	replay_stop
	mkdir -p "$BAD/timeline/6s/deleted"
	cp "$BAD/timeline/5s/deleted/trial.yaml" "$BAD/timeline/6s/deleted/"
	refused "katib-replay: timeline/6s: deleted/ names kubeflow.org Trial team-a mnist-timeline-aaaa1111, which does not exist at that point"
	rm -r "$BAD/timeline/5s" "$BAD/timeline/6s"

	rm -r "$BAD/timeline/10s/deleted"
	touch "$BAD/timeline/10s/deleted"
	refused "katib-replay: timeline/10s: deleted is not a folder"
	rm "$BAD/timeline/10s/deleted"

	rm -r "$BAD/timeline"
	touch "$BAD/timeline"
	refused "katib-replay: '$BAD/timeline' is not a folder of steps"
}

@test "timeline: --speed takes a positive factor, and not with --step" {
	run -2 "$KATIB_REPLAY" serve "$TIMELINE" --speed 0
	assert_output "katib-replay: --speed takes a factor of real time above 0, such as 1, 10 or 0.5, not '0'"
	run -2 "$KATIB_REPLAY" serve "$TIMELINE" --speed fast
	assert_output --partial "not 'fast'"
	run -2 "$KATIB_REPLAY" serve "$TIMELINE" --speed 2 --step
	assert_output --partial "usage: katib-replay serve DIR"
}
