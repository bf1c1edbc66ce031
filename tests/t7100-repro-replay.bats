#!/usr/bin/env bats
# kubectl katib repro replay: every recorded scenario in fixtures/ replays
# with the outcomes its expect.yaml states; a changed outcome fails.

bats_require_minimum_version 1.5.0
load lib/common

# copy SCENARIO: a scratch copy to tamper with.
copy() {
	cp -R "$REPO_DIR/fixtures/$1" "$BATS_TEST_TMPDIR/$1"
	echo "$BATS_TEST_TMPDIR/$1"
}

@test "repro replay: every fixture replays as recorded" {
	cd "$REPO_DIR"
	run --separate-stderr katib repro replay
	refute_crash
	assert_equal "$status" 0
	assert_equal "$stderr" ""
	assert_line --regexp '^[0-9]+ passed, 0 failed$'
	refute_line --partial FAIL
	# At least the four seed bug classes and six stuck classes, each
	# through validate, admission and explain.
	local n=0
	for d in "$REPO_DIR"/fixtures/*/; do
		s=$(basename "$d")
		assert_line --regexp "^ok   $s: validate: "
		assert_line --regexp "^ok   $s: admission: "
		assert_line --regexp "^ok   $s: explain: $s\$"
		n=$((n + 1))
	done
	[ "$n" -ge 10 ]
}

@test "repro replay: the seed bugs' verdicts" {
	cd "$REPO_DIR"
	run --separate-stderr katib repro replay fixtures/invalid-derived-name \
		fixtures/algorithm-settings-rejected fixtures/primary-container-not-found \
		fixtures/istio-sidecar-blocks-completion
	assert_equal "$status" 0
	assert_line "ok   invalid-derived-name: admission: denied: name-invalid"
	assert_line "ok   invalid-derived-name: admission (Katib, recorded): Katib v0.19 allowed it"
	assert_line "ok   algorithm-settings-rejected: suggestion: INVALID_ARGUMENT: random_state should be great or equal than zero"
	assert_line "ok   primary-container-not-found: validate: primary-container-not-found at spec.trialTemplate.primaryContainerName"
	assert_line "ok   istio-sidecar-blocks-completion: validate: istio-sidecar-not-disabled at spec.trialTemplate.trialSpec.spec.template"
	assert_line --regexp '^[0-9]+ passed, 0 failed$'
}

@test "repro replay: a finding that changes fails the validate check" {
	dir=$(copy primary-container-not-found)
	sed -i 's/primaryContainerName: trainer/primaryContainerName: training-container/' "$dir/experiment.yaml"
	run --separate-stderr katib repro replay "$dir"
	refute_crash
	assert_equal "$status" 1
	assert_line "FAIL primary-container-not-found: validate: expected primary-container-not-found at spec.trialTemplate.primaryContainerName; got nothing"
	assert_line --regexp '^[0-9]+ passed, 1 failed$'
}

@test "repro replay: a different suggestion reply fails the suggestion check" {
	dir=$(copy algorithm-settings-rejected)
	sed -i 's/random_state should be great or equal than zero/random_state must be >= 0/' "$dir/suggestion-reply.json"
	run --separate-stderr katib repro replay "$dir"
	assert_equal "$status" 1
	assert_line 'FAIL algorithm-settings-rejected: suggestion: recorded INVALID_ARGUMENT "random_state must be >= 0"; predicted INVALID_ARGUMENT "random_state should be great or equal than zero"'
}

@test "repro replay: a different diagnosis fails the explain check" {
	dir=$(copy suggestion-not-ready)
	sed -i 's/diagnosis: suggestion-not-ready/diagnosis: healthy/' "$dir/expect.yaml"
	run --separate-stderr katib repro replay "$dir"
	assert_equal "$status" 1
	assert_line "FAIL suggestion-not-ready: explain: expected diagnosis healthy; got suggestion-not-ready"
}

@test "repro replay: admission verdicts, ours and Katib's, are both checked" {
	dir=$(copy invalid-derived-name)
	sed -i 's/allowed: false/allowed: true/' "$dir/expect.yaml"
	run --separate-stderr katib repro replay "$dir"
	assert_equal "$status" 1
	assert_line "FAIL invalid-derived-name: admission: expected allowed; our rules deny it"
	dir=$(copy namespace-not-enabled)
	sed -i '/^  katib:/,/^  ours:/s/allowed: false/allowed: true/' "$dir/expect.yaml"
	run --separate-stderr katib repro replay "$dir"
	assert_equal "$status" 1
	assert_line "FAIL namespace-not-enabled: admission (Katib, recorded): expect.yaml says Katib allowed it; the recording says denied"
}

@test "repro replay: -q prints only failures and the summary" {
	cd "$REPO_DIR"
	run --separate-stderr katib repro replay -q
	assert_equal "$status" 0
	assert_equal "${#lines[@]}" 1
	assert_line --regexp '^[0-9]+ passed, 0 failed$'
}

@test "repro replay: an unreadable scenario is exit 2 with the file named" {
	dir=$(copy trial-job-rejected)
	printf 'validate: [\n' > "$dir/expect.yaml"
	run --separate-stderr katib repro replay "$dir"
	refute_crash
	assert_equal "$status" 2
	[[ "$stderr" == *"trial-job-rejected/expect.yaml:2:"* ]]
	run --separate-stderr katib repro replay "$BATS_TEST_TMPDIR/nowhere"
	assert_equal "$status" 2
	[[ "$stderr" == *"cannot read '$BATS_TEST_TMPDIR/nowhere'"* ]]
	mkdir "$BATS_TEST_TMPDIR/empty"
	run --separate-stderr katib repro replay "$BATS_TEST_TMPDIR/empty"
	assert_equal "$status" 2
	[[ "$stderr" == *"no scenarios in"* ]]
}

@test "repro: usage errors and help" {
	run --separate-stderr katib repro
	assert_equal "$status" 2
	run --separate-stderr katib repro frobnicate
	assert_equal "$status" 2
	[[ "$stderr" == *"unknown command 'frobnicate'"* ]]
	run --separate-stderr katib repro replay --webhook ftp://x
	assert_equal "$status" 2
	[[ "$stderr" == *"--webhook takes an http:// or https:// URL"* ]]
	run --separate-stderr katib repro replay --help
	assert_equal "$status" 0
	assert_line --index 0 "Usage: kubectl katib repro replay [options] [DIR...]"
}

# serve_reviews DIR: the replay server answering as Katib's webhook from
# the recorded AdmissionReviews in DIR; sets WEBHOOK.
serve_reviews() {
	replay_serve "$1" || return 1
	WEBHOOK="$REPLAY_URL/validate-experiment"
}

teardown() {
	replay_kill
}

@test "repro replay --webhook: a webhook that answers as recorded passes" {
	mkdir "$BATS_TEST_TMPDIR/reviews"
	cp "$REPO_DIR/fixtures/invalid-derived-name/admission.yaml" "$BATS_TEST_TMPDIR/reviews/a.yaml"
	cp "$REPO_DIR/fixtures/namespace-not-enabled/admission.yaml" "$BATS_TEST_TMPDIR/reviews/b.yaml"
	serve_reviews "$BATS_TEST_TMPDIR/reviews"
	cd "$REPO_DIR"
	run --separate-stderr katib repro replay --webhook "$WEBHOOK" \
		fixtures/invalid-derived-name fixtures/namespace-not-enabled
	refute_crash
	assert_equal "$status" 0
	assert_line "ok   invalid-derived-name: webhook: the webhook allows it, as recorded"
	assert_line "ok   namespace-not-enabled: webhook: the webhook denies it, as recorded"
}

@test "repro replay --webhook: a webhook whose verdict changed fails" {
	mkdir "$BATS_TEST_TMPDIR/reviews"
	sed 's/the namespace lacks label/the namespace has no label/' \
		"$REPO_DIR/fixtures/namespace-not-enabled/admission.yaml" > "$BATS_TEST_TMPDIR/reviews/b.yaml"
	serve_reviews "$BATS_TEST_TMPDIR/reviews"
	cd "$REPO_DIR"
	run --separate-stderr katib repro replay --webhook "$WEBHOOK" fixtures/namespace-not-enabled
	assert_equal "$status" 1
	assert_line --partial 'FAIL namespace-not-enabled: webhook: recorded: denied: Cannot create the Experiment "mnist" in namespace "team-a": the namespace lacks label'
	assert_line --partial '; the webhook: denied: Cannot create the Experiment "mnist" in namespace "team-a": the namespace has no label'
}

@test "repro replay --webhook: an unreachable webhook is a failed check, not a hang" {
	cd "$REPO_DIR"
	run --separate-stderr timeout 60 "$KATIB_BIN" repro replay --request-timeout 2s \
		--webhook http://127.0.0.1:9/validate-experiment fixtures/invalid-derived-name
	refute_crash
	assert_equal "$status" 1
	assert_line --regexp '^FAIL invalid-derived-name: webhook: http://127.0.0.1:9/validate-experiment: .+'
}
