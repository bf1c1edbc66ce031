#!/usr/bin/env bats
# kubectl katib explain experiment NAME: the diagnosis of a live
# Experiment, against recorded clusters served by the replay server, and
# the same diagnosis read straight from the recording with --from.

bats_require_minimum_version 1.5.0
load lib/common

# serve SCENARIO: the scenario plus the shared noise, on the replay server.
serve() {
	local dir="$BATS_TEST_TMPDIR/cluster"
	rm -rf "$dir"
	mkdir -p "$dir"
	# The scenario last: its files replace common ones of the same name.
	# Scenarios that are also repro fixtures keep their cluster there.
	local scenario="$TESTS_DIR/data/explain/$1"
	[ -d "$REPO_DIR/fixtures/$1/cluster" ] && scenario="$REPO_DIR/fixtures/$1/cluster"
	cp -R "$TESTS_DIR/data/explain/common/." "$scenario/." "$dir/"
	serve_dir "$dir"
}

serve_dir() {
	replay_serve "$1" --log "$BATS_TEST_TMPDIR/requests.log"
}

teardown() {
	replay_kill
	true
}

# diagnose SCENARIO WANT-EXIT FIRST-ID [EVIDENCE-TEXT]: runs explain -o json
# and checks the most important diagnosis and its decisive evidence.
diagnose() {
	local name=mnist
	[ "$1" = invalid-derived-name ] && name=mnist.v2
	serve "$1"
	run --separate-stderr katib explain experiment "$name" -n team-a --kubeconfig "$REPLAY_CFG" -o json
	refute_crash || return 1
	[ "$status" -eq "$2" ] || { echo "exit $status, want $2"; echo "$output$stderr"; return 1; }
	[ "$(jq -r '.experiment' <<< "$output")" = "team-a/$name" ] || return 1
	[ "$(jq -r '.diagnoses[0].id' <<< "$output")" = "$3" ] ||
		{ echo "first diagnosis:"; jq . <<< "$output"; return 1; }
	[ "$(jq -r '.diagnoses[0].fix | type' <<< "$output")" != null ] || [ "$2" -eq 0 ]
	if [ -n "${4:-}" ]; then
		jq -e --arg t "$4" '.diagnoses[0].evidence | map(.text) | any(contains($t))' <<< "$output" > /dev/null ||
			{ echo "no evidence with: $4"; jq . <<< "$output"; return 1; }
	fi
	replay_kill
	# The recording itself, read without a server, says exactly the same.
	local live=$output
	run --separate-stderr katib explain experiment "$name" -n team-a --from "$BATS_TEST_TMPDIR/cluster" -o json
	[ "$status" -eq "$2" ] || { echo "--from: exit $status, want $2"; echo "$stderr"; return 1; }
	[ "$output" = "$live" ] || { diff <(echo "$live") <(echo "$output"); return 1; }
}

@test "healthy and succeeded Experiments exit 0" {
	diagnose healthy 0 healthy "Experiment is running"
	diagnose succeeded 0 succeeded "Objective goal has reached"
}

@test "bug class 1: a name that breaks the suggestion Service" {
	diagnose invalid-derived-name 1 invalid-derived-name 'Service "mnist.v2-random" is invalid'
	[ "$(jq -r '.diagnoses[0].evidence[0].object' <<< "$output")" = Suggestion/team-a/mnist.v2 ]
	[ "$(jq -r '.diagnoses[0].upstream' <<< "$output")" = https://github.com/kubeflow/katib/issues/1538 ]
	# The offline rules agree, and say so.
	jq -e '.diagnoses[] | select(.id == "spec-invalid") | .evidence[] | select(.text | contains("[name-invalid]"))' <<< "$output" > /dev/null
}

@test "bug class 2: settings the suggestion service rejects" {
	diagnose algorithm-settings-rejected 1 algorithm-settings-rejected \
		"Validation failed: ValidateAlgorithmSettings Error: random_state should be great or equal than zero"
	[ "$(jq -r '.phase' <<< "$output")" = Failed ]
}

@test "bug class 3: a primaryContainerName no container has" {
	diagnose primary-container-not-found 1 primary-container-not-found \
		'denied the request: Unable to find primary container trainer in mutated pod containers [training-container]'
	[ "$(jq -r '.diagnoses[0].evidence | length' <<< "$output")" = 2 ]
	[[ "$(jq -r '.diagnoses[0].fix' <<< "$output")" == *"[training-container]"* ]]
}

@test "bug class 4: the istio sidecar keeps finished trials running" {
	diagnose istio-sidecar-blocks-completion 1 istio-sidecar-blocks-completion \
		"training-container terminated with exit code 0; istio-proxy still running"
	[ "$(jq -r '.diagnoses[0].evidence[0].object' <<< "$output")" = Pod/team-a/mnist-4xk9w2lq-7zl4k ]
}

@test "failed trials: max-failed-trials-reached quotes each trial's reason" {
	diagnose max-failed-trials-reached 1 max-failed-trials-reached "max failed count has reached"
	jq -e '.diagnoses[0].evidence | map(.object) | index("Trial/team-a/mnist-b8d2m6zt")' <<< "$output" > /dev/null
	jq -e '.diagnoses[0].evidence | any(.text | contains("BackoffLimitExceeded"))' <<< "$output" > /dev/null
	# and the failing container's own last words, from its log
	jq -e '.diagnoses[0].evidence[] | select(.object == "Pod/team-a/mnist-4xk9w2lq-m2x7d" and .field == "log of training-container (last lines)") | .text | contains("AttributeError: '"'"'Namespace'"'"' object has no attribute '"'"'momentum'"'"'")' <<< "$output" > /dev/null
}

@test "metrics-unavailable: the trial's job completed, the Trial never left Running" {
	diagnose metrics-unavailable-unreported 1 metrics-unavailable
	[ "$(jq -r '.diagnoses[0].evidence[0].object' <<< "$output")" = Job/team-a/mnist-4xk9w2lq ]
	[ "$(jq -r '.diagnoses | length' <<< "$output")" = 1 ]
}

@test "trials-failing: a crashing training container, with its log" {
	diagnose trials-failing 1 trials-failing "Loading validation set into memory"
	[ "$(jq -r '.diagnoses[0].severity' <<< "$output")" = warning ]
}

@test "a namespace without Katib's label: no collector, trials never finish" {
	diagnose namespace-not-enabled 1 namespace-not-enabled "no katib.kubeflow.org/metrics-collector-injection label"
	[[ "$(jq -r '.diagnoses[0].fix' <<< "$output")" == "kubectl label namespace team-a katib.kubeflow.org/metrics-collector-injection=enabled"* ]]
}

@test "metrics-unavailable, trial-pods-pending, suggestion-not-ready" {
	diagnose metrics-unavailable 1 metrics-unavailable "Metrics are not available"
	diagnose trial-pods-pending 1 trial-pods-pending "3 Insufficient nvidia.com/gpu"
	jq -e '.diagnoses[0].evidence | any(.text | startswith("ImagePullBackOff:"))' <<< "$output" > /dev/null
	diagnose suggestion-not-ready 1 suggestion-not-ready 'Failed to pull image "ghcr.io/kubeflow/katib/suggestion-hyperopt:v0.19.0-typo"'
	# the suggestion Deployment's own reason
	jq -e '.diagnoses[0].evidence[] | select(.object == "Deployment/team-a/mnist-random") | .text | contains("exceeded quota: team-a-quota")' <<< "$output" > /dev/null
}

@test "trial-generation-failed, trial-job-rejected, suggestion-error" {
	diagnose trial-generation-failed 1 trial-generation-failed 'ConfigMap "trial-templates" not found'
	diagnose trial-job-rejected 1 trial-job-rejected 'cannot create resource "jobs"'
	diagnose suggestion-error 1 suggestion-error "Exception calling application: math domain error"
}

@test "the noise beside an Experiment is not taken for its evidence" {
	diagnose healthy 0 healthy
	[ "$(jq -r '.diagnoses | length' <<< "$output")" = 1 ]
}

@test "text output: short, ordered, the evidence quoted, the fix given" {
	serve primary-container-not-found
	run --separate-stderr -1 katib explain experiment mnist -n team-a --kubeconfig "$REPLAY_CFG"
	assert_golden "$TESTS_DIR/golden/explain/live-primary-container.txt"
}

@test "requests do not grow with the number of trials" {
	local n dir counts=()
	for n in 5 500; do
		dir="$BATS_TEST_TMPDIR/trials-$n"
		mkdir -p "$dir"
		cp -R "$TESTS_DIR/data/explain/common/namespace-team-a.yaml" "$TESTS_DIR/data/explain/healthy/." "$dir/"
		rm -f "$dir/trials.yaml"
		{
			echo "apiVersion: v1"; echo "kind: List"; echo "items:"
			for i in $(seq "$n"); do
				printf '  - {apiVersion: kubeflow.org/v1beta1, kind: Trial, metadata: {name: mnist-t%04d, namespace: team-a, labels: {katib.kubeflow.org/experiment: mnist}}, status: {conditions: [{type: Running, status: "True"}]}}\n' "$i"
			done
		} > "$dir/trials.yaml"
		: > "$BATS_TEST_TMPDIR/requests.log"
		serve_dir "$dir"
		run --separate-stderr -0 katib explain experiment mnist -n team-a --kubeconfig "$REPLAY_CFG" -o json
		replay_kill
		counts+=("$(grep -c . "$BATS_TEST_TMPDIR/requests.log")")
	done
	echo "requests: ${counts[*]}"
	[ "${counts[0]}" -gt 0 ]
	[ "${counts[0]}" -eq "${counts[1]}" ]
}

@test "a missing Experiment or an unreachable cluster is exit 3" {
	serve healthy
	run --separate-stderr -3 katib explain experiment nope -n team-a --kubeconfig "$REPLAY_CFG"
	[[ "$stderr" == *'Error from server (NotFound)'* ]]
	replay_kill
	run --separate-stderr -3 katib explain experiment mnist -n team-a --kubeconfig "$REPLAY_CFG" --request-timeout 2s
	refute_crash
	[ -z "$output" ]
}

@test "--from: a missing recording, a missing Experiment, a broken file" {
	run --separate-stderr -2 katib explain experiment mnist --from "$BATS_TEST_TMPDIR/nowhere"
	[[ "$stderr" == *"cannot read"* ]]
	mkdir -p "$BATS_TEST_TMPDIR/rec"
	cp -R "$TESTS_DIR/data/explain/healthy/." "$BATS_TEST_TMPDIR/rec/"
	run --separate-stderr -3 katib explain experiment mnist --from "$BATS_TEST_TMPDIR/rec"
	[[ "$stderr" == *'experiment "mnist" in namespace "default" is not in the recording'* ]]
	printf 'a: [\n' > "$BATS_TEST_TMPDIR/rec/broken.yaml"
	run --separate-stderr -2 katib explain experiment mnist -n team-a --from "$BATS_TEST_TMPDIR/rec"
	refute_crash
	[[ "$stderr" == *"broken.yaml:"* ]]
	run --separate-stderr -2 katib explain name-invalid --from "$BATS_TEST_TMPDIR/rec"
}

@test "--from: a hostile pod name cannot lead a log path out of the recording" {
	local rec="$BATS_TEST_TMPDIR/hostile"
	mkdir -p "$rec/outside"
	cp -R "$TESTS_DIR/data/explain/max-failed-trials-reached/." "$rec/"
	sed -i 's|name: mnist-4xk9w2lq-m2x7d|name: ../../outside|' "$rec/pods.yaml"
	grep -q 'name: ../../outside' "$rec/pods.yaml"
	echo 'TOP-SECRET-MARKER' > "$rec/outside/training-container.log"
	run --separate-stderr katib explain experiment mnist -n team-a --from "$rec"
	refute_crash
	[[ "$output$stderr" != *TOP-SECRET-MARKER* ]]
}

# explains ID: `explain ID` exits 0 with its page, and `explain --list` has it.
explains() {
	run --separate-stderr katib explain "$1"
	[ "$status" -eq 0 ] || { echo "explain $1: exit $status: $stderr"; return 1; }
	[[ "${lines[0]}" == "$1 ("* ]] || { echo "explain $1: ${lines[0]}"; return 1; }
	grep -q "^  $1 " <<< "$LIST" || { echo "explain --list lacks $1"; return 1; }
}

@test "explain ID and explain --list know every id a diagnosis shows in brackets" {
	local d name id seen=0
	LIST=$(katib explain --list)
	grep -qx 'Diagnoses (explain experiment NAME):' <<< "$LIST"
	for d in "$TESTS_DIR"/data/explain/*/ "$REPO_DIR"/fixtures/*/cluster/; do
		[ "$(basename "$d")" = common ] && continue
		rm -rf "$BATS_TEST_TMPDIR/cluster"
		mkdir "$BATS_TEST_TMPDIR/cluster"
		cp -R "$TESTS_DIR/data/explain/common/." "$d." "$BATS_TEST_TMPDIR/cluster/"
		name=mnist
		grep -rqx '  name: mnist.v2' "$d" && name=mnist.v2
		run --separate-stderr katib explain experiment "$name" -n team-a --from "$BATS_TEST_TMPDIR/cluster"
		[ "$status" -le 1 ] || { echo "$d: exit $status: $stderr"; return 1; }
		for id in $(sed -n 's/^\(error\|warning\|info\): .* \[\([a-z0-9-]*\)\]$/\2/p' <<< "$output"); do
			explains "$id"
			seen=$((seen + 1))
		done
	done
	[ "$seen" -ge 15 ]
	# ids no recording reaches: each one src/diagnose.c can report
	for id in $(grep -ho 'add(&\?x, "[a-z0-9-]*"' "$REPO_DIR/src/diagnose.c" | cut -d'"' -f2 | sort -u); do
		explains "$id"
	done
	# and the webhook's denials of an UPDATE, besides the rules
	for id in spec-not-editable experiment-not-restartable max-trial-count-not-above-trials; do
		explains "$id"
	done
	run --separate-stderr -0 katib explain experiment-not-restartable
	assert_output --partial "resumePolicy LongRunning or FromVolume"
}

@test "explain: a rule that is also a diagnosis says both; a misspelt diagnosis is suggested" {
	run --separate-stderr -0 katib explain primary-container-not-found
	assert_line --index 0 'primary-container-not-found (error)'
	assert_output --partial "Also a diagnosis of 'kubectl katib explain experiment NAME' (error):"
	run --separate-stderr -0 katib explain trials-failing
	assert_line --index 0 "trials-failing (warning, a diagnosis of 'kubectl katib explain experiment NAME')"
	assert_output --partial 'Fix:        fix the error the log shows.'
	run --separate-stderr -2 katib explain trails-failing
	[[ "$stderr" == *"hint: did you mean 'trials-failing'?"* ]]
	run --separate-stderr -2 katib explain --list name-invalid
	run --separate-stderr -2 katib explain trials-failing --recursive
}
