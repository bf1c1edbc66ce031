#!/usr/bin/env bats
# Documents that are almost Experiments: a kind or an apiVersion one slip
# away from Katib's is reported, never skipped and counted as nothing.

bats_require_minimum_version 1.5.0
load lib/common

good() {
	cp "$REPO_DIR/examples/good-experiment.yaml" "$BATS_TEST_TMPDIR/x.yaml"
}

@test "kind: Expriment (one edit) is an error that asks for Experiment" {
	good
	sed -i 's/^kind: Experiment/kind: Expriment/' "$BATS_TEST_TMPDIR/x.yaml"
	run --separate-stderr -1 katib validate --no-excerpt "$BATS_TEST_TMPDIR/x.yaml"
	assert_output --partial "x.yaml:4:7: error: no kind 'Expriment' in kubeflow.org/v1beta1"
	assert_output --partial "[kind-misspelled]"
	assert_output --partial "hint: did you mean Experiment?"
	[[ "$stderr" == "1 file, 1 document, 1 Experiment: 1 error, 0 warnings" ]]
}

@test "kind: experiment (case only) and Experments (two edits) are errors too" {
	good
	sed -i 's/^kind: Experiment/kind: experiment/' "$BATS_TEST_TMPDIR/x.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/x.yaml"
	assert_output --partial "no kind 'experiment' in kubeflow.org/v1beta1"
	sed -i 's/^kind: experiment/kind: Experments/' "$BATS_TEST_TMPDIR/x.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/x.yaml"
	assert_output --partial "no kind 'Experments' in kubeflow.org/v1beta1"
}

@test "the rest of a misspelled Experiment is still checked" {
	cp "$REPO_DIR/examples/broken-experiment.yaml" "$BATS_TEST_TMPDIR/x.yaml"
	sed -i 's/^kind: Experiment/kind: Expriment/' "$BATS_TEST_TMPDIR/x.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/x.yaml"
	assert_output --partial "[kind-misspelled]"
	assert_output --partial "[name-invalid]"
}

@test "other kubeflow.org kinds far from Experiment are not Experiments" {
	cat > "$BATS_TEST_TMPDIR/p.yaml" <<-'YAML'
	apiVersion: kubeflow.org/v1
	kind: PyTorchJob
	metadata: {name: p}
	---
	apiVersion: kubeflow.org/v1beta1
	kind: Trial
	metadata: {name: t}
	YAML
	run --separate-stderr -0 katib validate "$BATS_TEST_TMPDIR/p.yaml"
	[ -z "$output" ]
}

@test "an apiVersion that is no Katib version names the closest one" {
	good
	sed -i 's#kubeflow.org/v1beta1#kubeflow.org/v1beta2#' "$BATS_TEST_TMPDIR/x.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/x.yaml"
	assert_output --partial "x.yaml:3:13: error: apiVersion 'kubeflow.org/v1beta2' is not a Katib API version"
	assert_output --partial "hint: did you mean kubeflow.org/v1beta1?"
	refute_output --partial "v0.11"
	sed -i 's#kubeflow.org/v1beta2#kubeflow.org/v1#' "$BATS_TEST_TMPDIR/x.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/x.yaml"
	assert_output --partial "apiVersion 'kubeflow.org/v1' is not a Katib API version"
	assert_output --partial "hint: did you mean kubeflow.org/v1beta1?"
	refute_output --partial "v0.11"
}

@test "only v1alpha3 is said to be removed in v0.11" {
	good
	sed -i 's#kubeflow.org/v1beta1#kubeflow.org/v1alpha2#' "$BATS_TEST_TMPDIR/x.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/x.yaml"
	assert_output --partial "apiVersion 'kubeflow.org/v1alpha2' is no longer served by Katib"
	refute_output --partial "v0.11"
	sed -i 's#kubeflow.org/v1alpha2#kubeflow.org/v1alpha3#' "$BATS_TEST_TMPDIR/x.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/x.yaml"
	assert_output --partial "v1alpha3 was removed in Katib v0.11"
}

@test "a file with no Experiment says so on stderr" {
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n' > "$BATS_TEST_TMPDIR/cm.yaml"
	run --separate-stderr -0 katib validate "$BATS_TEST_TMPDIR/cm.yaml"
	[ -z "$output" ]
	assert_equal "$(printf '%s\n' "$stderr" | head -1)" \
		"warning: $BATS_TEST_TMPDIR/cm.yaml: no Katib Experiment in this file (kind: Experiment, apiVersion: kubeflow.org/v1beta1); nothing was checked"
	[[ "$(printf '%s\n' "$stderr" | tail -1)" == "1 file, 1 document, 0 Experiments: 0 errors, 0 warnings" ]]
	run --separate-stderr -0 katib validate -q - < "$BATS_TEST_TMPDIR/cm.yaml"
	assert_equal "$stderr" "warning: -: no Katib Experiment in this file (kind: Experiment, apiVersion: kubeflow.org/v1beta1); nothing was checked"
}

@test "files found in a directory without an Experiment are passed over quietly" {
	mkdir "$BATS_TEST_TMPDIR/d"
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n' > "$BATS_TEST_TMPDIR/d/cm.yaml"
	run --separate-stderr -0 katib validate "$BATS_TEST_TMPDIR/d"
	[[ "$stderr" == "1 file, 1 document, 0 Experiments: 0 errors, 0 warnings" ]]
}
