#!/usr/bin/env bats
# Inline suppressions and the .katib-lint.yaml settings file.

bats_require_minimum_version 1.5.0
load lib/common

@test "# katib:ignore on the finding's line or the line above drops it" {
	sed -e 's/^  name: mnist.random$/  name: mnist.random  # katib:ignore name-invalid renamed next release/' \
		-e 's/^    type: Maximize$/    # katib:ignore objective-type-invalid,unknown-field\n    type: Maximize/' \
		"$REPO_DIR/examples/broken-experiment.yaml" > "$BATS_TEST_TMPDIR/s.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/s.yaml"
	refute_output --partial "[name-invalid]"
	refute_output --partial "[objective-type-invalid]"
	assert_output --partial "[unknown-field]"
	run --separate-stderr -1 katib validate --no-excerpt "$BATS_TEST_TMPDIR/s.yaml"
	[[ "$stderr" == *"6 errors, 1 warning"* ]]
}

@test "# katib:ignore names the rule: another rule at that line is still reported" {
	sed 's/^  name: mnist.random$/  name: mnist.random  # katib:ignore unknown-field/' \
		"$REPO_DIR/examples/broken-experiment.yaml" > "$BATS_TEST_TMPDIR/s.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/s.yaml"
	assert_output --partial "[name-invalid]"
}

@test "a trailing comment on the line above does not suppress the next line" {
	sed 's/^  namespace: kubeflow$/  namespace: kubeflow  # katib:ignore name-invalid/' \
		"$REPO_DIR/examples/broken-experiment.yaml" > "$BATS_TEST_TMPDIR/s.yaml"
	sed -i 's/^  name: mnist.random$/  namespace: kubeflow  # katib:ignore name-invalid\n  name: mnist.random/; 0,/^  namespace: kubeflow$/{/^  namespace: kubeflow$/d}' "$BATS_TEST_TMPDIR/s.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/s.yaml"
	assert_output --partial "[name-invalid]"
}

@test ".katib-lint.yaml found upwards sets severities and the Katib version" {
	mkdir -p "$BATS_TEST_TMPDIR/proj/sub"
	printf 'rules:\n  istio-sidecar-not-disabled: error\n  name-invalid: off\nkatibVersion: v0.17\n' \
		> "$BATS_TEST_TMPDIR/proj/.katib-lint.yaml"
	cp "$REPO_DIR/examples/broken-experiment.yaml" "$BATS_TEST_TMPDIR/proj/sub/"
	cd "$BATS_TEST_TMPDIR/proj/sub"
	KATIB_LINT_CONFIG= run --separate-stderr -1 katib validate -q --no-excerpt broken-experiment.yaml
	assert_output --partial "[name-invalid]"
	unset KATIB_LINT_CONFIG
	run --separate-stderr -1 env -u KATIB_LINT_CONFIG "$KATIB_BIN" validate -q --no-excerpt broken-experiment.yaml
	refute_output --partial "[name-invalid]"
	assert_output --partial "error: pods of this template do not opt out of the Istio sidecar"
	run --separate-stderr -1 env -u KATIB_LINT_CONFIG "$KATIB_BIN" validate -q --no-excerpt \
		--rule istio-sidecar-not-disabled=warning broken-experiment.yaml
	assert_output --partial "warning: pods of this template do not opt out"
	run --separate-stderr -1 env -u KATIB_LINT_CONFIG "$KATIB_BIN" validate -q --no-excerpt --no-config broken-experiment.yaml
	assert_output --partial "[name-invalid]"
}

@test "--config names the settings file; katibConfig is relative to it" {
	mkdir -p "$BATS_TEST_TMPDIR/cfg"
	cp "$TESTS_DIR/data/katib-config-remapped.yaml" "$BATS_TEST_TMPDIR/cfg/katib.yaml"
	printf 'katibConfig: katib.yaml\nstrict: true\n' > "$BATS_TEST_TMPDIR/cfg/lint.yaml"
	sed 's/algorithmName: random/algorithmName: my-search/' "$REPO_DIR/examples/good-experiment.yaml" > "$BATS_TEST_TMPDIR/x.yaml"
	run --separate-stderr -0 katib validate -q --no-excerpt --config "$BATS_TEST_TMPDIR/cfg/lint.yaml" "$BATS_TEST_TMPDIR/x.yaml"
	[ -z "$output" ]
}

@test "a bad settings file is a usage error naming its line" {
	printf 'rules:\n  no-such-rule: off\n' > "$BATS_TEST_TMPDIR/lint.yaml"
	run --separate-stderr -2 katib validate --config "$BATS_TEST_TMPDIR/lint.yaml" "$REPO_DIR/examples"
	[[ "$stderr" == *"lint.yaml:2: unknown rule id"* ]]
	printf 'rules:\n  name-invalid: loud\n' > "$BATS_TEST_TMPDIR/lint.yaml"
	run --separate-stderr -2 katib validate --config "$BATS_TEST_TMPDIR/lint.yaml" "$REPO_DIR/examples"
	[[ "$stderr" == *"severity must be error, warning, info or off"* ]]
	printf 'colour: red\n' > "$BATS_TEST_TMPDIR/lint.yaml"
	run --separate-stderr -2 katib validate --config "$BATS_TEST_TMPDIR/lint.yaml" "$REPO_DIR/examples"
	[[ "$stderr" == *"lint.yaml:1: unknown setting"* ]]
}
