#!/usr/bin/env bats
# kubectl katib explain: rules and fields.

bats_require_minimum_version 1.5.0
load lib/common

@test "explain --help" {
	run --separate-stderr -0 katib explain --help
	assert_output --partial "Usage: kubectl katib explain ID"
	run --separate-stderr -2 katib explain
	[[ "$stderr" == *"give an id or a field"* ]]
}

@test "explain RULE: every rule is documented, with a bad and a fixed example" {
	local id sev
	while read -r id sev _; do
		run --separate-stderr -0 katib explain "$id"
		[ "${lines[0]}" = "$id ($sev)" ] || { echo "$id: ${lines[0]}"; return 1; }
		assert_output --partial "Checks:     "
		assert_output --partial "Applies to: "
		assert_output --partial "Why:        "
		assert_line "Bad:"
		assert_line "Fixed:"
	done < <("$KATIB_BIN" validate --list-rules)
}

@test "explain RULE: the examples are the rule's own fixtures, up to date" {
	command -v python3 > /dev/null || skip "python3 is not installed"
	python3 "$REPO_DIR/scripts/gen-rule-docs.py" "$TESTS_DIR/rules" > "$BATS_TEST_TMPDIR/rule-docs.c"
	diff -u "$REPO_DIR/src/rule-docs.c" "$BATS_TEST_TMPDIR/rule-docs.c" ||
		{ echo "src/rule-docs.c is stale: run 'make rule-docs'"; return 1; }
}

@test "explain name-invalid" {
	run --separate-stderr -0 katib explain name-invalid
	assert_golden "$TESTS_DIR/golden/explain/name-invalid.txt"
}

@test "explain a rule of a later release says which" {
	run --separate-stderr -0 katib explain primary-container-missing-in-replica
	assert_output --partial "Applies to: Katib v0.18 and later (--katib-version v0.17 or older turns it off)."
}

@test "explain FIELD: kubectl explain's layout, with Katib's defaults" {
	run --separate-stderr -0 katib explain experiment.spec.trialTemplate.primaryContainerName
	assert_golden "$TESTS_DIR/golden/explain/primary-container-name.txt"
	run --separate-stderr -0 katib explain experiments.spec.parallelTrialCount
	assert_output --partial "FIELD: parallelTrialCount <integer>"
	assert_output --partial $'DEFAULT:\n    3'
	run --separate-stderr -0 katib explain experiment.spec.algorithm.algorithmName
	assert_output --partial "ACCEPTS:"
	assert_output --partial "bayesianoptimization"
	# Through arrays: parameters is a list of ParameterSpec.
	run --separate-stderr -0 katib explain experiment.spec.parameters.feasibleSpace.distribution
	assert_output --partial "uniform, logUniform, normal, logNormal"
	run --separate-stderr -0 katib explain trial.spec
	assert_output --partial "KIND:       Trial"
}

@test "explain FIELD --recursive" {
	run --separate-stderr -0 katib explain experiment.spec.objective --recursive
	assert_golden "$TESTS_DIR/golden/explain/objective-recursive.txt"
	run --separate-stderr -0 katib explain experiment --recursive
	assert_output --partial "      primaryContainerName	<string>"
}

@test "explain: an unknown field or rule is exit 2 with a suggestion" {
	run --separate-stderr -2 katib explain experiment.spec.trialTemplat
	[ "${stderr_lines[0]}" = 'error: field "trialTemplat" does not exist in experiment.spec' ]
	[ "${stderr_lines[1]}" = "hint: did you mean 'trialTemplate'?" ]
	run --separate-stderr -2 katib explain name-invalidd
	[[ "$stderr" == *"did you mean 'name-invalid'?"* ]]
	run --separate-stderr -2 katib explain deployment.spec
	[[ "$stderr" == *"neither a rule, a diagnosis nor a field"* ]]
	run --separate-stderr -2 katib explain name-invalid --recursive
	run --separate-stderr -2 katib explain a b
	[ -z "$output" ]
}
