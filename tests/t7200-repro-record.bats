#!/usr/bin/env bats
# kubectl katib repro record: a scenario recorded from a (replayed)
# cluster replays with the same verdicts, holds no secret, and is written
# whole or not at all.

bats_require_minimum_version 1.5.0
load lib/common

# serve DIR...: a cluster made of the given recordings, on the replay server.
serve() {
	local dir="$BATS_TEST_TMPDIR/cluster"
	mkdir -p "$dir"
	cp -R "$TESTS_DIR/data/explain/common/." "$dir/"
	for d in "$@"; do cp -R "$d/." "$dir/"; done
	replay_serve "$dir"
}

teardown() {
	replay_kill
}

record() {
	run --separate-stderr katib repro record experiment "$1" -n team-a --kubeconfig "$REPLAY_CFG" \
		-o "$BATS_TEST_TMPDIR/out" "${@:2}"
	refute_crash
}

@test "repro record: a recording replays with the fixture's verdicts" {
	for s in primary-container-not-found algorithm-settings-rejected namespace-not-enabled invalid-derived-name; do
		rm -rf "$BATS_TEST_TMPDIR/cluster" "$BATS_TEST_TMPDIR/out"
		teardown
		# The fixture's recorded webhook answer makes the server answer as Katib.
		mkdir -p "$BATS_TEST_TMPDIR/review"
		rm -f "$BATS_TEST_TMPDIR/review/"*
		cp "$REPO_DIR/fixtures/$s/admission.yaml" "$BATS_TEST_TMPDIR/review/"
		serve "$REPO_DIR/fixtures/$s/cluster" "$BATS_TEST_TMPDIR/review"
		name=$(awk '/^experiment:/ {print $2}' "$REPO_DIR/fixtures/$s/expect.yaml")
		record "$name"
		assert_equal "$status" 0
		assert_line --partial "recorded team-a/$name into $BATS_TEST_TMPDIR/out: "
		assert_line --partial "diagnosis: $s"
		run --separate-stderr katib repro replay "$BATS_TEST_TMPDIR/out"
		refute_crash
		assert_equal "$status" 0
		assert_line "ok   out: explain: $s"
		# Katib's verdict and ours are the ones the fixture recorded.
		for who in katib ours; do
			want=$(sed -n "/^  $who:/,/allowed/p" "$REPO_DIR/fixtures/$s/expect.yaml" | awk '/allowed:/ {print $2}')
			got=$(sed -n "/^  $who:/,/allowed/p" "$BATS_TEST_TMPDIR/out/expect.yaml" | awk '/allowed:/ {print $2}')
			assert_equal "$s $who $got" "$s $who $want"
		done
	done
}

# The verdicts part of an expect.yaml (validate, admission, suggestion,
# explain), one line per field, whatever the quoting and indentation.
verdicts() {
	sed -n '/^validate:/,$p' "$1" | grep -v '^ *#' | sed 's/^[ -]*//; s/"//g'
}

@test "repro record: redacted aggressively, every fixture keeps its verdicts" {
	local n=0 s name
	for dir in "$REPO_DIR"/fixtures/*/; do
		s=$(basename "$dir")
		rm -rf "$BATS_TEST_TMPDIR/cluster" "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/review"
		teardown
		mkdir -p "$BATS_TEST_TMPDIR/review"
		cp "$dir/admission.yaml" "$BATS_TEST_TMPDIR/review/"
		serve "$dir/cluster" "$BATS_TEST_TMPDIR/review"
		name=$(awk '/^experiment:/ {print $2}' "$dir/expect.yaml")
		# The name, the namespace, the images' registry and owner, the
		# containers: what a user would hide, and what verdicts depend on.
		record "$name" --redact "${name//./\\.}" --redact 'team-a' \
			--redact 'docker\.io/[a-z0-9-]+' --redact '[a-z]+-container'
		assert_equal "$s: $status" "$s: 0"
		run grep -rlF -e "$name" -e team-a -e kubeflowkatib -e training-container \
			--exclude redactions.txt "$BATS_TEST_TMPDIR/out"
		assert_equal "$s: $output" "$s: "
		# The redacted scenario replays with the original's diagnosis ...
		run --separate-stderr katib repro replay "$BATS_TEST_TMPDIR/out"
		refute_crash
		assert_equal "$s: $status" "$s: 0"
		assert_line "ok   out: explain: $s"
		# ... and validate and the webhook judge it as they judge the fixture.
		assert_equal "$s: $(verdicts "$BATS_TEST_TMPDIR/out/expect.yaml")" \
			"$s: $(verdicts "$dir/expect.yaml")"
		n=$((n + 1))
	done
	assert_equal "$n" "$(ls -d "$REPO_DIR"/fixtures/*/ | wc -l)"
}

@test "repro record: the suggestion's validation exchange is recorded as it happened" {
	serve "$REPO_DIR/fixtures/algorithm-settings-rejected/cluster"
	record mnist
	assert_equal "$status" 0
	assert_equal "$(jq -r .code "$BATS_TEST_TMPDIR/out/suggestion-reply.json")" INVALID_ARGUMENT
	assert_equal "$(jq -r .details "$BATS_TEST_TMPDIR/out/suggestion-reply.json")" \
		"random_state should be great or equal than zero"
	assert_equal "$(jq -r '.experiment.spec.algorithm.algorithm_settings[0].value' "$BATS_TEST_TMPDIR/out/suggestion-request.json")" -1
	run --separate-stderr katib repro replay "$BATS_TEST_TMPDIR/out"
	assert_line "ok   out: suggestion: INVALID_ARGUMENT: random_state should be great or equal than zero"
}

@test "repro record: the submitted Experiment has no status or server fields" {
	serve "$REPO_DIR/fixtures/trial-job-rejected/cluster"
	record mnist
	assert_equal "$status" 0
	run grep -E '^(status:|  (uid|creationTimestamp|finalizers|resourceVersion):)' "$BATS_TEST_TMPDIR/out/experiment.yaml"
	assert_failure
	assert_file_exists "$BATS_TEST_TMPDIR/out/cluster/experiment.yaml"
	grep -q '^status:' "$BATS_TEST_TMPDIR/out/cluster/experiment.yaml"
	# Events of other Experiments are not recorded.
	run grep -c 'name: other' "$BATS_TEST_TMPDIR/out/cluster/events.yaml"
	assert_output 0
}

@test "repro record: planted secrets never reach the recording" {
	local src="$BATS_TEST_TMPDIR/planted"
	mkdir -p "$src"
	cp -R "$TESTS_DIR/data/explain/max-failed-trials-reached/." "$src/"
	jwt='eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2VjcmV0LXNpZ25hdHVyZS12YWx1ZQ'
	ghp='ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123'
	# A token in an env var and a bearer token in an argument of the trial template.
	sed -i "s|command: \[python3, /opt/pytorch-mnist/mnist.py, \"--lr=\${trialParameters.learningRate}\"\]|command: [python3, /opt/pytorch-mnist/mnist.py, \"--lr=\${trialParameters.learningRate}\", \"--token=$ghp\", \"Authorization: Bearer $jwt\"]\n                env:\n                  - {name: WANDB_API_KEY, value: s3cr3t-wandb-key-42}|" "$src/experiment.yaml"
	grep -q WANDB_API_KEY "$src/experiment.yaml"
	# A Secret in the namespace, and a kubeconfig pasted into a failed pod's log.
	cat > "$src/secret.yaml" <<-EOS
	apiVersion: v1
	kind: Secret
	metadata: {name: mnist-creds, namespace: team-a, labels: {katib.kubeflow.org/experiment: mnist}}
	data: {password: aHVudGVyMi1wbGFudGVk}
	stringData: {token: plain-planted-token-77}
	EOS
	log=$(ls "$src"/logs/team-a/*/*.log)
	printf 'users:\n- name: admin\n  user:\n    token: kubeconfig-planted-token-99\n    client-key-data: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCnBsYW50ZWQ=\n' >> "$log"
	serve "$src"
	record mnist --redact 'lr=(0\.0[0-9]+)'
	assert_equal "$status" 0
	assert_line --regexp '^redacted [1-9][0-9]* values'
	for secret in "$jwt" "$ghp" s3cr3t-wandb-key-42 aHVudGVyMi1wbGFudGVk hunter2-planted \
		plain-planted-token-77 kubeconfig-planted-token-99 LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCnBsYW50ZWQ=; do
		run grep -rF -- "$secret" "$BATS_TEST_TMPDIR/out"
		assert_failure
		[[ "$output$stderr" != *"$secret"* ]]
	done
	run grep -rl 'kind: Secret' "$BATS_TEST_TMPDIR/out"
	assert_failure
	# The report says where, never what.
	assert_file_exists "$BATS_TEST_TMPDIR/out/redactions.txt"
	grep -q 'WANDB_API_KEY' "$BATS_TEST_TMPDIR/out/redactions.txt"
	grep -q 'REDACTED-' "$BATS_TEST_TMPDIR/out/cluster/logs/team-a/"*/*.log
	# The same value gets the same placeholder everywhere.
	p1=$(grep -o 'WANDB_API_KEY, *value: [^}]*\|value: REDACTED-[0-9]*' "$BATS_TEST_TMPDIR/out/experiment.yaml" | grep -o 'REDACTED-[0-9]*' | head -1)
	grep -q "$p1" "$BATS_TEST_TMPDIR/out/cluster/experiment.yaml"
	# The redacted scenario still replays.
	run --separate-stderr katib repro replay "$BATS_TEST_TMPDIR/out"
	assert_equal "$status" 0
}

@test "repro record: files are private (0600, directories 0700)" {
	serve "$REPO_DIR/fixtures/suggestion-error/cluster"
	record mnist
	assert_equal "$status" 0
	run find "$BATS_TEST_TMPDIR/out" -type f ! -perm 600
	assert_output ''
	run find "$BATS_TEST_TMPDIR/out" -type d ! -perm 700
	assert_output ''
}

@test "repro record: an existing directory is never written over" {
	serve "$REPO_DIR/fixtures/suggestion-error/cluster"
	mkdir "$BATS_TEST_TMPDIR/out"
	echo keep > "$BATS_TEST_TMPDIR/out/mine.txt"
	record mnist
	assert_equal "$status" 2
	[[ "$stderr" == *"already exists: recording never writes over a directory"* ]]
	assert_equal "$(ls "$BATS_TEST_TMPDIR/out")" mine.txt
}

@test "repro record: a failure leaves nothing behind" {
	serve "$REPO_DIR/fixtures/suggestion-error/cluster"
	record no-such-experiment
	assert_equal "$status" 3
	[[ "$stderr" == *'"no-such-experiment" not found'* ]]
	assert_not_exists "$BATS_TEST_TMPDIR/out"
	run ls -A "$BATS_TEST_TMPDIR"
	refute_output --partial '.out.tmp-'
	# An unreachable cluster: exit 3, nothing written.
	sed -i 's|server: .*|server: http://127.0.0.1:9|' "$REPLAY_CFG"
	run --separate-stderr katib repro record experiment mnist -n team-a --kubeconfig "$REPLAY_CFG" \
		--request-timeout 2s -o "$BATS_TEST_TMPDIR/out2"
	refute_crash
	assert_equal "$status" 3
	assert_not_exists "$BATS_TEST_TMPDIR/out2"
	run ls -A "$BATS_TEST_TMPDIR"
	refute_output --partial '.out2.tmp-'
}

@test "repro record: usage errors" {
	run --separate-stderr katib repro record experiment mnist
	assert_equal "$status" 2
	[[ "$stderr" == *"-o DIR"* ]]
	run --separate-stderr katib repro record mnist -o x
	assert_equal "$status" 2
	[[ "$stderr" == *"give 'experiment NAME'"* ]]
	run --separate-stderr katib repro record experiment mnist -o x --redact '(unclosed'
	assert_equal "$status" 2
	[[ "$stderr" == *"--redact pattern 1 '(unclosed'"* ]]
	run --separate-stderr katib repro record --help
	assert_equal "$status" 0
	assert_line --index 0 "Usage: kubectl katib repro record experiment NAME [-n NS] -o DIR [options]"
}

# ---- --watch: recording a timeline ----

TIMELINE="$TESTS_DIR/data/timeline-experiment"

step() {
	curl -sf -X POST "$REPLAY_URL/katib-replay/step" > /dev/null || return 1
}

# conditions DIR: the Experiment's true conditions at each event of a
# watch while DIR's timeline is stepped through on the replay server.
conditions() {
	replay_serve "$1" --step || return 1
	curl -sfN "$REPLAY_URL/apis/kubeflow.org/v1beta1/namespaces/team-a/experiments?watch=true&timeoutSeconds=3" \
		> "$BATS_TEST_TMPDIR/events" &
	local pid=$!
	sleep 0.3
	while step; do :; done
	wait "$pid"
	replay_stop || return 1
	jq -r '.type + " " + ([.object.status.conditions[] | select(.status == "True") | .type] | join(","))' \
		"$BATS_TEST_TMPDIR/events"
}

@test "repro record --watch: each burst of changes is a step, and the recording plays back as the cluster went" {
	replay_serve "$TIMELINE" --step --log "$BATS_TEST_TMPDIR/requests.log"
	local out=$BATS_TEST_TMPDIR/out
	katib_bg "$BATS_TEST_TMPDIR/record" repro record experiment mnist-timeline -n team-a \
		--kubeconfig "$REPLAY_CFG" -o "$out" --watch 30s
	wait_for "$BATS_TEST_TMPDIR/record.err" "then watching for at most 30s" 20 || return 1
	# The events listed once for the first state, then watched: it is recorded.
	wait_requests "$BATS_TEST_TMPDIR/requests.log" "^GET /api/v1/namespaces/team-a/events$" 2 || return 1
	step && sleep 0.6 && step && sleep 0.6 && step || return 1
	# It ends when the search does, well before 30 s.
	local rc=0
	wait "$KATIB_PID" || rc=$?
	[ "$rc" -eq 0 ] || { echo "exit $rc"; cat "$BATS_TEST_TMPDIR/record.err"; return 1; }
	run cat "$BATS_TEST_TMPDIR/record"
	assert_line --regexp "^recorded team-a/mnist-timeline into $out: [0-9]+ objects, 0 logs, 3 timeline steps" || return 1
	replay_stop || return 1
	# Three steps, named by their offsets in milliseconds; the last deletes the Deployment.
	run bash -c "ls '$out/timeline' | sort -n"
	assert_success || return 1
	[ "${#lines[@]}" -eq 3 ] || { echo "$output"; return 1; }
	[[ "${lines[0]}" =~ ^[0-9]+ms$ ]] || return 1
	run yq_kind_name "$out/timeline/${lines[2]}/deleted/objects.yaml"
	assert_output "Deployment mnist-timeline-random" || return 1
	# Played back, the Experiment goes through the same states as it did.
	local want got
	want=$(conditions "$TIMELINE") || return 1
	got=$(conditions "$out") || return 1
	assert_equal "$got" "$want"
	assert_equal "$(wc -l <<< "$got")" 4
}

# yq_kind_name FILE: "KIND NAME" of each object of a YAML stream.
yq_kind_name() {
	awk '/^kind:/ {k=$2} /^  name:/ && k {print k, $2; k=""}' "$1"
}

@test "repro record --watch: Ctrl-C ends the timeline and keeps what was recorded" {
	replay_serve "$TIMELINE" --step --log "$BATS_TEST_TMPDIR/requests.log"
	local out=$BATS_TEST_TMPDIR/out
	katib_bg "$BATS_TEST_TMPDIR/record" repro record experiment mnist-timeline -n team-a \
		--kubeconfig "$REPLAY_CFG" -o "$out" --watch 60s
	wait_for "$BATS_TEST_TMPDIR/record.err" "then watching" 20 || return 1
	wait_requests "$BATS_TEST_TMPDIR/requests.log" "^GET /api/v1/namespaces/team-a/events$" 2 || return 1
	step || return 1
	# Time to read the step's events (Valgrind makes that slow).
	sleep "$([ -n "${KATIB_VALGRIND:-}" ] && echo 5 || echo 1)"
	kill -INT "$KATIB_PID"
	local rc=0
	wait "$KATIB_PID" || rc=$?
	[ "$rc" -eq 0 ] || { echo "exit $rc"; cat "$BATS_TEST_TMPDIR/record.err"; return 1; }
	run cat "$BATS_TEST_TMPDIR/record"
	assert_line --partial ", 1 timeline step;" || return 1
	[ -f "$out/cluster/experiment.yaml" ] || return 1
	run ls "$out/timeline"
	assert_success || return 1
	[ "${#lines[@]}" -eq 1 ]
}

@test "repro record --watch: a duration that is none is a usage error" {
	run --separate-stderr -2 katib repro record experiment x -o "$BATS_TEST_TMPDIR/out" --watch soon
	assert_equal "$stderr" "error: --watch wants a duration from 1ms to 24h, such as 30s or 10m, not 'soon'
see 'kubectl katib repro record --help'" || return 1
	run --separate-stderr -2 katib repro record experiment x -o "$BATS_TEST_TMPDIR/out" --watch 25h
	[[ "$stderr" == *"not '25h'"* ]]
}
