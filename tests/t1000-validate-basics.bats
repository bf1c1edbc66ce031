#!/usr/bin/env bats
# validate: inputs, exit codes, what is skipped, text output.

bats_require_minimum_version 1.5.0
load lib/common

@test "the bundled good Experiment has no findings and exits 0" {
	run --separate-stderr -0 katib validate "$REPO_DIR/examples/good-experiment.yaml"
	[ -z "$output" ]
	[[ "$stderr" == "1 file, 1 document, 1 Experiment: 0 errors, 0 warnings" ]]
}

@test "the bundled broken Experiment exits 1 with its findings" {
	cd "$REPO_DIR"
	run --separate-stderr -1 katib validate examples/broken-experiment.yaml
	assert_golden "$TESTS_DIR/golden/broken-experiment.txt"
	[[ "$stderr" == "1 file, 1 document, 1 Experiment: 8 errors, 1 warning" ]]
}

@test "stdin is read with '-'" {
	run --separate-stderr -1 bash -c '"$0" validate -q --no-excerpt - < "$1"' \
		"$KATIB_BIN" "$REPO_DIR/examples/broken-experiment.yaml"
	assert_output --partial "-:7:9: error: name 'mnist.random'"
}

@test "-f takes files like positional arguments" {
	run --separate-stderr -1 katib validate -q -f "$REPO_DIR/examples/broken-experiment.yaml"
	assert_output --partial "[name-invalid]"
}

@test "flags may follow the files" {
	run --separate-stderr -1 katib validate "$REPO_DIR/examples/broken-experiment.yaml" -q -o json
	[ "$(printf '%s' "$output" | jq '.summary.errors')" = 8 ]
}

@test "a directory is searched recursively for yaml, yml and json files" {
	mkdir -p "$BATS_TEST_TMPDIR/d/sub"
	cp "$REPO_DIR/examples/broken-experiment.yaml" "$BATS_TEST_TMPDIR/d/sub/a.yml"
	cp "$REPO_DIR/examples/good-experiment.yaml" "$BATS_TEST_TMPDIR/d/b.yaml"
	echo 'not: yaml: [' > "$BATS_TEST_TMPDIR/d/notes.txt"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/d"
	assert_output --partial "d/sub/a.yml:7:9:"
	refute_output --partial "notes.txt"
}

@test "a symlink loop between directories ends" {
	mkdir -p "$BATS_TEST_TMPDIR/loop/a"
	ln -s .. "$BATS_TEST_TMPDIR/loop/a/up"
	cp "$REPO_DIR/examples/good-experiment.yaml" "$BATS_TEST_TMPDIR/loop/a/x.yaml"
	run --separate-stderr -0 katib validate "$BATS_TEST_TMPDIR/loop"
	[[ "$stderr" == "1 file, 1 document, 1 Experiment: 0 errors, 0 warnings" ]]
}

@test "documents that are not Experiments are counted and skipped" {
	cat > "$BATS_TEST_TMPDIR/mixed.yaml" <<-'YAML'
	apiVersion: v1
	kind: ConfigMap
	metadata: {name: x}
	data: {a: "1"}
	---
	apiVersion: batch/v1
	kind: Job
	metadata: {name: 1bad.name}
	YAML
	cat "$REPO_DIR/examples/good-experiment.yaml" >> "$BATS_TEST_TMPDIR/mixed.yaml"
	sed -i 's/^# A random search/---\n# A random search/' "$BATS_TEST_TMPDIR/mixed.yaml"
	run --separate-stderr -0 katib validate "$BATS_TEST_TMPDIR/mixed.yaml"
	[ -z "$output" ]
	[[ "$stderr" == "1 file, 3 documents, 1 Experiment: 0 errors, 0 warnings" ]]
}

@test "Experiments inside a kind: List are validated with their item path" {
	{
		echo 'apiVersion: v1'
		echo 'kind: List'
		echo 'items:'
		sed -e '/^#/d' -e 's/^/  /' -e '0,/^  apiVersion/s/^  apiVersion/- apiVersion/' \
			"$REPO_DIR/examples/broken-experiment.yaml"
	} > "$BATS_TEST_TMPDIR/list.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/list.yaml"
	assert_output --partial "at items[0].metadata.name"
}

@test "a v1alpha3 Experiment is reported as no longer served" {
	sed 's#kubeflow.org/v1beta1#kubeflow.org/v1alpha3#' "$REPO_DIR/examples/good-experiment.yaml" \
		> "$BATS_TEST_TMPDIR/old.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/old.yaml"
	assert_output --partial "old.yaml:3:13: error: apiVersion 'kubeflow.org/v1alpha3' is no longer served"
	assert_output --partial "[api-version-unsupported]"
}

@test "a missing file exits 2 and the other files are still validated" {
	run --separate-stderr -2 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/nope.yaml" \
		"$REPO_DIR/examples/broken-experiment.yaml"
	[[ "$stderr" == *"error: cannot read '$BATS_TEST_TMPDIR/nope.yaml': No such file or directory"* ]]
	assert_output --partial "[name-invalid]"
}

@test "malformed YAML is a finding at its line, exit 2, and later documents are still checked" {
	{
		echo 'apiVersion: kubeflow.org/v1beta1'
		echo 'kind: Experiment'
		echo 'metadata: {name: [broken'
		echo '---'
		cat "$REPO_DIR/examples/broken-experiment.yaml"
	} > "$BATS_TEST_TMPDIR/bad.yaml"
	run --separate-stderr -2 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/bad.yaml"
	assert_output --partial "bad.yaml:4:1: error: did not find expected ',' or ']' [yaml-syntax]"
	assert_output --partial "bad.yaml:11:9: error: name 'mnist.random'"
}

@test "a binary file is refused with a clear message and exit 2" {
	head -c 4096 /dev/urandom > "$BATS_TEST_TMPDIR/blob.yaml"
	printf '\0' >> "$BATS_TEST_TMPDIR/blob.yaml"
	run --separate-stderr -2 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/blob.yaml"
	refute_crash
	assert_output --regexp "blob.yaml:[0-9]+:[0-9]+: error: .*\[yaml-syntax\]"
}

@test "an alias bomb is refused quickly with exit 2" {
	{
		echo 'a0: &a0 [x, x, x, x, x, x, x, x, x]'
		for i in 1 2 3 4 5 6 7 8 9; do
			p=$((i - 1))
			echo "a$i: &a$i [*a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p, *a$p]"
		done
	} > "$BATS_TEST_TMPDIR/bomb.yaml"
	run --separate-stderr -2 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/bomb.yaml"
	assert_output --partial "refusing a possible alias bomb [input-limit]"
}

@test "a file over --max-file-bytes is refused with exit 2" {
	run --separate-stderr -2 katib validate -q --no-excerpt --max-file-bytes 1K \
		"$REPO_DIR/examples/good-experiment.yaml"
	assert_output --partial "input is larger than the limit (--max-file-bytes) [input-limit]"
}

@test "a limit names validate's option only where validate's option raises it" {
	local deep="$BATS_TEST_TMPDIR/deep.yaml"
	printf '%.0s[' {1..300} > "$deep"; printf '%.0s]' {1..300} >> "$deep"; echo >> "$deep"
	run --separate-stderr -2 katib validate -q --no-excerpt "$deep"
	assert_output --partial "nesting deeper than the limit (--max-depth) [input-limit]"
	# The kubeconfig is read with its own limits: --max-depth would not help.
	run --separate-stderr -3 katib validate -q --cluster-facts --kubeconfig "$deep" \
		"$REPO_DIR/examples/good-experiment.yaml"
	[[ "$stderr" == *"is not a kubeconfig: line 1: nesting deeper than the limit"* ]]
	[[ "$stderr" != *"--max-depth"* ]]
}

@test "a rule turned off is not reported, and a demoted one does not fail" {
	run --separate-stderr -1 katib validate -q --no-excerpt --disable name-invalid \
		"$REPO_DIR/examples/broken-experiment.yaml"
	refute_output --partial "[name-invalid]"
	for r in name-invalid parallel-trial-count-too-large objective-type-invalid unknown-field \
		type-mismatch trial-parameter-unused job-field-unknown primary-container-not-found; do
		args+=(--rule "$r=warning")
	done
	run --separate-stderr -0 katib validate -q --no-excerpt "${args[@]}" \
		"$REPO_DIR/examples/broken-experiment.yaml"
	assert_output --partial "warning: name 'mnist.random'"
}

@test "the excerpt quotes the line and marks the column" {
	run --separate-stderr -1 katib validate -q "$REPO_DIR/examples/broken-experiment.yaml"
	assert_output --partial "$(printf '    7 |   name: mnist.random\n      |         ^')"
}

# A minified JSON Experiment is one line: the broken example, with a 2 MB
# annotation before its spec.
minified_broken() {
	head -c 2000000 /dev/zero | tr '\0' x > "$1.pad"
	"$KATIB_TEST_TOOL" to-json "$REPO_DIR/examples/broken-experiment.yaml" |
		jq -c --rawfile pad "$1.pad" '.metadata.annotations = {pad: $pad}' > "$1"
}

@test "a long line is cut around the column, with an ellipsis on each cut side" {
	minified_broken "$BATS_TEST_TMPDIR/min.json"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/min.json")" -eq 1 ]
	run --separate-stderr -1 katib validate "$BATS_TEST_TMPDIR/min.json"
	# 40 characters before the column, 100 in all; the caret under the value
	assert_output --partial "$(printf '%s\n%s' \
		'    1 | ...,"kind":"Experiment","metadata":{"name":"mnist.random","namespace":"kubeflow","annotations":{"pad":"...' \
		'      |                                            ^')"
	assert_output --partial "min.json:1:2000169: error: objective.type 'Maximize' must be minimize or maximize [objective-type-invalid]"
	assert_output --partial "$(printf '%s\n%s' \
		'    1 | ...xxxxxxxx"}},"spec":{"objective":{"type":"Maximize","goal":0.99,"objectiveMetricName":"accuracy"},"al...' \
		'      |                                            ^')"
	# The pad is also more than the API server lets annotations hold.
	assert_output --partial "min.json:1:115: error: metadata.annotations: Too long: may not be more than 262144 bytes (the keys and values take 2000003)"
	[[ "$stderr" == "1 file, 1 document, 1 Experiment: 9 errors, 1 warning" ]]
	# ten findings, each a few lines: kilobytes, not the 2 MB line ten times
	[ "${#output}" -lt 9000 ]
}

@test "a line near its end is cut before the column only; a short one is not cut" {
	printf 'apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nmetadata: {namespace: x, labels: {a: "%s"}, name: a.b}\n' \
		"$(head -c 200 /dev/zero | tr '\0' y)" > "$BATS_TEST_TMPDIR/end.yaml"
	run --separate-stderr katib validate "$BATS_TEST_TMPDIR/end.yaml"
	# 252 characters, the column 249: the last 100, no ellipsis after them
	assert_output --partial "$(printf '    3 | ...%s"}, name: a.b}\n      |    %96s^\n' \
		"$(printf 'y%.0s' $(seq 86))" '')"
	assert_output --partial "$(printf '    1 | apiVersion: kubeflow.org/v1beta1\n      | ^\n')"
}

@test "what a finding prints is bounded: a huge scalar is quoted in part" {
	{
		printf 'apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nmetadata:\n  name: "'
		head -c 8000000 /dev/zero | tr '\0' A
		printf '"\n'
	} > "$BATS_TEST_TMPDIR/big.yaml"
	local f
	for f in text json sarif github junit; do
		run --separate-stderr katib validate --max-scalar-bytes 10000000 -o "$f" \
			"$BATS_TEST_TMPDIR/big.yaml"
		[ "$status" -eq 1 ] || { echo "$f: exit $status"; return 1; }
		[[ "$output" == *"AAAA..."* ]] || { echo "$f: no cut quote"; return 1; }
		# every rule is listed in SARIF's header: that is its floor
		[ "${#output}" -lt 40000 ] || { echo "$f: ${#output} bytes"; return 1; }
	done
	run --separate-stderr -1 katib validate --max-scalar-bytes 10000000 "$BATS_TEST_TMPDIR/big.yaml"
	assert_output --partial "big.yaml:4:9: error: name 'AAAAAAAA"
	assert_output --partial "$(printf '    4 |   name: "%s...\n      |         ^\n' \
		"$(printf 'A%.0s' $(seq 91))")"
}

@test "reader limits: numbers in range are taken, others refused with exit 2" {
	local good="$REPO_DIR/examples/good-experiment.yaml" bad
	for bad in "--max-depth 10001" "--max-docs 4294967296" \
		"--max-scalar-bytes 4294967295" "--max-nodes lots" "--max-file-bytes -1"; do
		# shellcheck disable=SC2086
		run --separate-stderr katib validate $bad "$good"
		[ "$status" -eq 2 ] || { echo "$bad: exit $status"; return 1; }
		[[ "$stderr" == "error: '${bad#* }' is not a valid limit for ${bad% *}"* ]] ||
			{ echo "$bad: $stderr"; return 1; }
	done
	run --separate-stderr katib validate --max-depth 10000 --max-docs 4294967295 \
		--max-scalar-bytes 4294967294 "$good"
	assert_success
}

@test "findings, errors and the summary arrive in order through one pipe (2>&1 | head)" {
	local broken="$REPO_DIR/examples/broken-experiment.yaml"
	# stdout is a pipe, so it is buffered; each message on stderr must
	# still come after every finding written before it.
	run -0 bash -c '"$0" validate --no-excerpt "$1" no-such.yaml "$1" 2>&1 | head -n 1000' \
		"$KATIB_BIN" "$broken"
	local missing summary first last
	missing=$(grep -n "cannot read 'no-such.yaml'" <<< "$output" | cut -d: -f1)
	summary=$(grep -n "^2 files, 2 documents, 2 Experiments" <<< "$output" | cut -d: -f1)
	first=$(grep -n "broken-experiment.yaml:7:9: error: .*\[name-invalid\]" <<< "$output" | head -1 | cut -d: -f1)
	last=$(grep -n "broken-experiment.yaml:45:17: error: .*\[job-field-unknown\]" <<< "$output" | tail -1 | cut -d: -f1)
	[ -n "$missing" ] && [ -n "$summary" ] && [ -n "$first" ] && [ -n "$last" ]
	[ "$first" -lt "$missing" ]
	# the first file's nine findings (three lines each), then the error
	[ "$missing" -eq 28 ]
	[ "$missing" -lt "$last" ]
	[ "$summary" -eq "${#lines[@]}" ]
}

@test "colour only with --color=always, never with NO_COLOR or a pipe" {
	run --separate-stderr -1 katib validate -q --no-excerpt "$REPO_DIR/examples/broken-experiment.yaml"
	refute_output --partial $'\033['
	run --separate-stderr -1 katib validate -q --no-excerpt --color always \
		"$REPO_DIR/examples/broken-experiment.yaml"
	assert_output --partial $'\033[1;31merror:'
}

@test "an Experiment without apiVersion is reported and still checked" {
	sed '/^apiVersion: kubeflow.org/d' "$REPO_DIR/examples/broken-experiment.yaml" > "$BATS_TEST_TMPDIR/noapi.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/noapi.yaml"
	assert_output --partial "error: the Experiment has no apiVersion; kubectl refuses to send it [api-version-unsupported]"
	assert_output --partial "[name-invalid]"
}
