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
	assert_output --partial '<testcase classname="examples/broken-experiment.yaml" name="kubeflow/mnist.random (examples/broken-experiment.yaml)" file="examples/broken-experiment.yaml">'
	assert_output --partial '<failure type="name-invalid" message="name &apos;mnist.random&apos;' || \
		assert_output --partial "<failure type=\"name-invalid\" message=\"name 'mnist.random'"
	assert_output --partial '<testcase classname="examples/good-experiment.yaml" name="kubeflow/mnist-random (examples/good-experiment.yaml)" file="examples/good-experiment.yaml"/>'
}

@test "-o junit names a test case by its Experiment, else by file and document" {
	local f=$BATS_TEST_TMPDIR/many.yaml
	cat > "$f" <<'YAML'
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata: {name: in-ns, namespace: "team<a&b>"}
---
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata: {name: no-ns}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: not-an-experiment}
---
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata: {namespace: nameless}
---
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata: {name: [1], namespace: x}
---
apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata: {name: "ctl\x01"}
---
kind: Experiment
metadata: [
YAML
	run --separate-stderr -2 katib validate -q --no-config -o junit "$f"
	printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/junit.xml"
	run -0 xmllint --xpath '//testcase/@name' "$BATS_TEST_TMPDIR/junit.xml"
	# The ConfigMap is no test case; the unreadable document is one.
	assert_output " name=\"team&lt;a&amp;b&gt;/in-ns ($f)\"
 name=\"no-ns ($f)\"
 name=\"document 3 ($f)\"
 name=\"document 4 ($f)\"
 name=\"ctl? ($f)\"
 name=\"document 6 ($f)\""
	run -0 xmllint --xpath "count(//testcase[@classname='$f' and @file='$f'])" "$BATS_TEST_TMPDIR/junit.xml"
	assert_output 6
}

# sarif_locations ARGS...: each result's artifactLocation, one a line,
# then the run's originalUriBaseIds.
sarif_locations() {
	run --separate-stderr katib validate -q --no-config -o sarif "$@"
	refute_crash || return 1
	run -0 jq -c '(.runs[0].results[].locations[0].physicalLocation.artifactLocation), .runs[0].originalUriBaseIds' <<< "$output" || return 1
}

@test "-o sarif locations are relative to the git work tree's top, from any directory below it" {
	local root
	root=$(cd "$REPO_DIR" && pwd -P)
	cd "$REPO_DIR/examples"
	sarif_locations broken-experiment.yaml
	assert_line --index 0 '{"uri":"examples/broken-experiment.yaml","uriBaseId":"%SRCROOT%"}'
	assert_line --index 9 "{\"%SRCROOT%\":{\"uri\":\"file://$root/\"}}"
	cd "$REPO_DIR/tests"
	sarif_locations ../examples/./broken-experiment.yaml
	assert_line --index 0 '{"uri":"examples/broken-experiment.yaml","uriBaseId":"%SRCROOT%"}'
	sarif_locations "$REPO_DIR/tests/rules/name-invalid/bad.yaml"
	assert_line --index 0 '{"uri":"tests/rules/name-invalid/bad.yaml","uriBaseId":"%SRCROOT%"}'
}

@test "-o sarif: a file outside the root keeps an absolute file URI; no git, the root is the current directory" {
	local dir
	mkdir -p "$BATS_TEST_TMPDIR/no git/sub"
	dir=$(cd "$BATS_TEST_TMPDIR/no git" && pwd -P)
	printf 'apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nmetadata: {name: "a.b"}\n' > "$dir/sub/e #1%.yaml"
	cp "$dir/sub/e #1%.yaml" "$dir/outside.yaml"
	cd "$dir/sub"
	sarif_locations "e #1%.yaml" ../outside.yaml
	assert_line --index 0 '{"uri":"e%20%231%25.yaml","uriBaseId":"%SRCROOT%"}'
	assert_line --index 2 "{\"uri\":\"file://${dir// /%20}/outside.yaml\"}"
	assert_line --index 4 "{\"%SRCROOT%\":{\"uri\":\"file://${dir// /%20}/sub/\"}}"
	# A checkout's .git (a directory, or a worktree's file) marks the root.
	: > "$dir/.git"
	sarif_locations "e #1%.yaml" ../outside.yaml
	assert_line --index 0 '{"uri":"sub/e%20%231%25.yaml","uriBaseId":"%SRCROOT%"}'
	assert_line --index 2 '{"uri":"outside.yaml","uriBaseId":"%SRCROOT%"}'
	KATIB_SARIF_ROOT=.. sarif_locations "e #1%.yaml"
	assert_line --index 2 "{\"%SRCROOT%\":{\"uri\":\"file://${dir// /%20}/\"}}"
	KATIB_SARIF_ROOT=. sarif_locations "e #1%.yaml" ../outside.yaml
	assert_line --index 0 '{"uri":"e%20%231%25.yaml","uriBaseId":"%SRCROOT%"}'
	assert_line --index 2 "{\"uri\":\"file://${dir// /%20}/outside.yaml\"}"
}

@test "-o sarif keeps stdin's name as it is" {
	run --separate-stderr -1 katib validate -q --no-config -o sarif - < "$REPO_DIR/examples/broken-experiment.yaml"
	[ "$(printf '%s' "$output" | jq -c '.runs[0].results[0].locations[0].physicalLocation.artifactLocation')" = '{"uri":"-"}' ]
}
