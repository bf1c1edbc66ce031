#!/usr/bin/env bats
# validate -o sarif, -o github and -o junit: the formats CI systems read.

bats_require_minimum_version 1.5.0
load lib/common

@test "-o github writes one workflow command per finding, escaped" {
	cd "$REPO_DIR"
	run --separate-stderr -1 katib validate -q -o github examples/broken-experiment.yaml
	[ "${#lines[@]}" -eq 9 ]
	assert_line --index 0 --regexp '^::error file=examples/broken-experiment.yaml,line=7,col=9,title=name-invalid::name .mnist\.random. must consist.*%0Aat metadata\.name%0Ahint: '
	assert_line --index 7 --regexp '^::warning file=examples/broken-experiment.yaml,line=40,col=9,title=istio-sidecar-not-disabled::'
	printf 'apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nmetadata: {name: "a%%b,c:d"}\n' > "$BATS_TEST_TMPDIR/e,1:x.yaml"
	run --separate-stderr -1 katib validate -q -o github "$BATS_TEST_TMPDIR/e,1:x.yaml"
	assert_output --partial "e%2C1%3Ax.yaml,line=3,col=18,title=name-invalid::name 'a%25b,c:d'"
}

@test "-o sarif is SARIF 2.1.0 with every rule and one result per finding" {
	cd "$REPO_DIR"
	run --separate-stderr -1 katib validate -q -o sarif examples/
	sarif=$output
	[ "$(printf '%s' "$sarif" | jq -r '.version')" = 2.1.0 ]
	[ "$(printf '%s' "$sarif" | jq '.runs[0].tool.driver.rules | length')" -eq \
	  "$(katib validate --list-rules | wc -l)" ]
	[ "$(printf '%s' "$sarif" | jq '.runs[0].results | length')" -eq 9 ]
	[ "$(printf '%s' "$sarif" | jq -c '.runs[0].results[0] | [.ruleId, .level, .locations[0].physicalLocation.artifactLocation.uri, .locations[0].physicalLocation.region.startLine, .locations[0].physicalLocation.region.startColumn]')" = \
	  '["name-invalid","error","examples/broken-experiment.yaml",7,9]' ]
	# Every result points at its rule by index, as code scanning requires.
	[ "$(printf '%s' "$sarif" | jq '[.runs[0] as $r | $r.results[] | select($r.tool.driver.rules[.ruleIndex].id != .ruleId)] | length')" -eq 0 ]
	[ "$(printf '%s' "$sarif" | jq -r '.runs[0].results[7].level')" = warning ]
}

@test "-o sarif with no findings has an empty results list" {
	run --separate-stderr -0 katib validate -q -o sarif "$REPO_DIR/examples/good-experiment.yaml"
	[ "$(printf '%s' "$output" | jq -c '.runs[0].results')" = '[]' ]
}

@test "-o junit is well-formed XML with one test case per Experiment" {
	cd "$REPO_DIR"
	run --separate-stderr -1 katib validate -q -o junit examples/
	printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/junit.xml"
	if command -v xmllint >/dev/null; then
		xmllint --noout "$BATS_TEST_TMPDIR/junit.xml"
	fi
	assert_output --partial '<testsuite name="kubectl katib validate" tests="2" failures="1" errors="0" skipped="0">'
	assert_output --partial '<testcase classname="examples/broken-experiment.yaml" name="document 0">'
	assert_output --partial '<failure type="name-invalid" message="name &apos;mnist.random&apos;' || \
		assert_output --partial "<failure type=\"name-invalid\" message=\"name 'mnist.random'"
	assert_output --partial '<testcase classname="examples/good-experiment.yaml" name="document 0"/>'
}
