#!/usr/bin/env bats
# Values that differ from an accepted one only in letter case (or by a
# common synonym) get "did you mean", not the whole list.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
	cp "$REPO_DIR/examples/good-experiment.yaml" "$BATS_TEST_TMPDIR/x.yaml"
}

@test "algorithmName TPE: did you mean 'tpe'?" {
	sed -i 's/algorithmName: random/algorithmName: TPE/' "$BATS_TEST_TMPDIR/x.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/x.yaml"
	assert_output --partial "error: algorithm 'TPE' is not served"
	assert_output --partial "hint: did you mean 'tpe'? Katib compares algorithm names exactly"
}

@test "parameterType float: did you mean 'double'?" {
	sed -i '0,/parameterType: double/s//parameterType: float/' "$BATS_TEST_TMPDIR/x.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/x.yaml"
	assert_output --partial "parameterType 'float' is not supported"
	assert_output --partial "hint: did you mean 'double'?"
	sed -i 's/parameterType: float/parameterType: Double/' "$BATS_TEST_TMPDIR/x.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/x.yaml"
	assert_output --partial "hint: did you mean 'double'?"
}

@test "distribution LogUniform: did you mean 'logUniform'?" {
	sed -i '0,/        max: "0.05"/s//        max: "0.05"\n        distribution: LogUniform/' "$BATS_TEST_TMPDIR/x.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/x.yaml"
	assert_output --partial "distribution 'LogUniform' is not supported"
	assert_output --partial "hint: did you mean 'logUniform'? distributions are case-sensitive"
}

# A Job's completionMode (kubernetes pkg/apis/batch/validation, which
# Katib's webhook does not run: it only decodes the Job).
@test "completionMode indexed: did you mean 'Indexed'?, and --fix writes it" {
	cp "$TESTS_DIR/rules/job-spec-invalid/good.yaml" "$BATS_TEST_TMPDIR/x.yaml"
	sed -i 's/completionMode: Indexed/completionMode: indexed/' "$BATS_TEST_TMPDIR/x.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/x.yaml"
	assert_output --partial 'x.yaml:43:25: error: spec.completionMode: Unsupported value: "indexed": supported values: "NonIndexed", "Indexed"'
	assert_output --partial "hint: did you mean 'Indexed'? (the API server compares exactly)"
	run --separate-stderr -0 katib validate -q --fix "$BATS_TEST_TMPDIR/x.yaml"
	assert_output --partial "x.yaml:43:25: fixed [job-spec-invalid]: wrote 'Indexed'"
	cmp "$TESTS_DIR/rules/job-spec-invalid/good.yaml" "$BATS_TEST_TMPDIR/x.yaml"
}

@test "completionMode Indexed without completions: completions is required" {
	cp "$TESTS_DIR/rules/job-spec-invalid/good.yaml" "$BATS_TEST_TMPDIR/x.yaml"
	sed -i '/^        completions: 1$/d' "$BATS_TEST_TMPDIR/x.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/x.yaml"
	assert_output --partial "x.yaml:39:7: error: spec.completions: Required value: when completion mode is Indexed; the API server refuses every trial Job and the Trials stay Created [job-spec-invalid]"
}
