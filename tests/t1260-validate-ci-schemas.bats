#!/usr/bin/env bats
# -o sarif is valid against the SARIF 2.1.0 JSON schema, and -o junit
# against the shape JUnit report readers take (tests/data/junit.xsd).
# The JSON Schema validator is Ajv, which scripts/install-deps installs
# into build/npm.

bats_require_minimum_version 1.5.0
load lib/common

NPM_MODULES=${KATIB_NPM_MODULES:-$REPO_DIR/build/npm/node_modules}
SARIF_SCHEMA=$NPM_MODULES/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json

setup() {
	if [ ! -f "$SARIF_SCHEMA" ]; then
		echo "no SARIF schema at $SARIF_SCHEMA: run scripts/install-deps" >&2
		return 1
	fi
}

validate_sarif() {
	KATIB_NPM_MODULES=$NPM_MODULES run node "$TESTS_DIR/npm/validate-json.js" \
		"$SARIF_SCHEMA" "$1"
}

# sarif_of WANT ARGS...: validate -o sarif ARGS into $BATS_TEST_TMPDIR/out.sarif
sarif_of() {
	local want=$1
	shift
	run --separate-stderr katib validate -q --no-config -o sarif "$@"
	refute_crash || return 1
	[ "$status" -eq "$want" ] || { echo "exit $status, want $want: $stderr"; return 1; }
	printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/out.sarif"
}

@test "-o sarif with findings is valid SARIF 2.1.0" {
	cd "$REPO_DIR"
	sarif_of 1 examples/
	validate_sarif "$BATS_TEST_TMPDIR/out.sarif"
	assert_success
	assert_output ''
}

@test "-o sarif with root-relative and absolute locations is valid SARIF 2.1.0" {
	cp "$REPO_DIR/examples/broken-experiment.yaml" "$BATS_TEST_TMPDIR/outside.yaml"
	cd "$REPO_DIR/examples"
	sarif_of 1 broken-experiment.yaml "$BATS_TEST_TMPDIR/outside.yaml"
	run -0 jq -r '.runs[0] | (.originalUriBaseIds | keys[]), ([.results[].locations[0].physicalLocation.artifactLocation | .uriBaseId // .uri[:7]] | unique[])' "$BATS_TEST_TMPDIR/out.sarif"
	assert_output $'%SRCROOT%\n%SRCROOT%\nfile://'
	validate_sarif "$BATS_TEST_TMPDIR/out.sarif"
	assert_success
	assert_output ''
}

@test "-o sarif without findings is valid SARIF 2.1.0" {
	cd "$REPO_DIR"
	sarif_of 0 examples/good-experiment.yaml
	validate_sarif "$BATS_TEST_TMPDIR/out.sarif"
	assert_success
}

@test "-o sarif of every rule's bad example is valid SARIF 2.1.0" {
	cd "$TESTS_DIR/rules"
	run --separate-stderr katib validate -q --no-config -o sarif ./*/bad.yaml
	refute_crash
	printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/out.sarif"
	[ "$(jq '.runs[0].results | length' "$BATS_TEST_TMPDIR/out.sarif")" -gt 90 ]
	validate_sarif "$BATS_TEST_TMPDIR/out.sarif"
	assert_success
	assert_output ''
}

@test "-o sarif of unreadable input is valid SARIF 2.1.0" {
	printf 'apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nmetadata: [\n' > "$BATS_TEST_TMPDIR/broken.yaml"
	sarif_of 2 "$BATS_TEST_TMPDIR/broken.yaml"
	validate_sarif "$BATS_TEST_TMPDIR/out.sarif"
	assert_success
}

@test "the SARIF check catches an invalid log" {
	cd "$REPO_DIR"
	sarif_of 1 examples/broken-experiment.yaml
	jq '.runs[0].results[0].level = "fatal" | del(.runs[0].tool.driver.name)' \
		"$BATS_TEST_TMPDIR/out.sarif" > "$BATS_TEST_TMPDIR/bad.sarif"
	validate_sarif "$BATS_TEST_TMPDIR/bad.sarif"
	assert_failure 1
	assert_output --partial "/runs/0/tool/driver must have required property 'name'"
	assert_output --partial '/runs/0/results/0/level must be equal to one of the allowed values'
}

# junit_valid ARGS...: validate -o junit ARGS passes the XSD.
junit_valid() {
	run --separate-stderr katib validate -q --no-config -o junit "$@"
	refute_crash || return 1
	printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/junit.xml"
	run xmllint --noout --schema "$TESTS_DIR/data/junit.xsd" "$BATS_TEST_TMPDIR/junit.xml"
	assert_success
}

@test "-o junit matches the JUnit report schema" {
	cd "$REPO_DIR"
	junit_valid examples/
	junit_valid examples/good-experiment.yaml
	cd "$TESTS_DIR/rules"
	junit_valid ./*/bad.yaml
	printf 'kind: Experiment\nmetadata: [\n' > "$BATS_TEST_TMPDIR/broken.yaml"
	junit_valid "$BATS_TEST_TMPDIR/broken.yaml"
}

@test "the JUnit schema catches a report readers would refuse" {
	cd "$REPO_DIR"
	junit_valid examples/
	sed 's/<testcase classname="\([^"]*\)" name="[^"]*"/<testcase classname="\1"/' \
		"$BATS_TEST_TMPDIR/junit.xml" > "$BATS_TEST_TMPDIR/bad.xml"
	run xmllint --noout --schema "$TESTS_DIR/data/junit.xsd" "$BATS_TEST_TMPDIR/bad.xml"
	assert_failure
	assert_output --partial "The attribute 'name' is required"
}
