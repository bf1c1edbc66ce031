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
