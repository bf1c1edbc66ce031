#!/usr/bin/env bats
# The command line itself: help, version, dispatch, exit codes, output
# errors, and the plugin as kubectl runs it.

bats_require_minimum_version 1.5.0
load lib/common

@test "kubectl katib --help lists the commands and says 'kubectl katib'" {
	run --separate-stderr -0 katib --help
	assert_output --partial "Usage: kubectl katib COMMAND"
	assert_output --partial "validate"
	refute_output --partial "kubectl-katib"
}

@test "no arguments prints usage to stderr and exits 2" {
	run --separate-stderr -2 katib
	[ -z "$output" ]
	[[ "$stderr" == *"Usage: kubectl katib"* ]]
}

@test "--version prints the version" {
	run --separate-stderr -0 katib --version
	assert_output --regexp '^kubectl-katib [0-9a-z.+-]+'
}

@test "validate --help shows the usage and the exit codes" {
	run --separate-stderr -0 katib validate --help
	assert_output --partial "Usage: kubectl katib validate"
	assert_output --partial "Exit status: 0 no errors, 1 errors found, 2 usage error"
}

@test "help validate is validate --help" {
	run --separate-stderr -0 katib help validate
	assert_output --partial "Usage: kubectl katib validate"
}

@test "an unknown command exits 2 and suggests the closest one" {
	run --separate-stderr -2 katib valdate
	[[ "$stderr" == *"error: unknown command 'valdate'"* ]]
	[[ "$stderr" == *"hint: did you mean 'validate'?"* ]]
}

@test "an unknown option exits 2 and points at --help" {
	run --separate-stderr -2 katib validate --frobnicate x.yaml
	[[ "$stderr" == *"unknown option '--frobnicate'"* ]]
	[[ "$stderr" == *"see 'kubectl katib validate --help'"* ]]
}

@test "validate without input exits 2" {
	run --separate-stderr -2 katib validate
	[[ "$stderr" == *"no input"* ]]
}

@test "a bad --output value exits 2" {
	run --separate-stderr -2 katib validate -o yaml "$REPO_DIR/examples"
	[[ "$stderr" == *"unknown output format 'yaml'"* ]]
}

@test "a bad --rule value exits 2 and names the rule list" {
	run --separate-stderr -2 katib validate --rule no-such-rule=off "$REPO_DIR/examples"
	[[ "$stderr" == *"unknown rule 'no-such-rule'"* ]]
	run --separate-stderr -2 katib validate --rule name-invalid=fatal "$REPO_DIR/examples"
	[[ "$stderr" == *"unknown severity 'fatal'"* ]]
}

@test "a write error on stdout exits 3, not 0" {
	[ -w /dev/full ] || skip "no /dev/full"
	run bash -c '"$0" validate --list-rules > /dev/full' "$KATIB_BIN"
	[ "$status" -eq 3 ]
	[[ "$output" == *"cannot write output"* ]]
}

@test "--list-rules matches its golden file" {
	run --separate-stderr -0 katib validate --list-rules
	assert_golden "$TESTS_DIR/golden/list-rules.txt"
}

@test "validate --help matches its golden file" {
	run --separate-stderr -0 katib validate --help
	assert_golden "$TESTS_DIR/golden/validate-help.txt"
}

@test "every command's --help matches its golden file" {
	local page args
	for page in kubectl-katib create explain get status repro repro-replay repro-record repro-bundle webhook webhook-serve lsp schema completion; do
		args=${page//-/ }
		[ "$page" = kubectl-katib ] && args=
		run --separate-stderr -0 katib $args --help
		assert_golden "$TESTS_DIR/golden/help/$page.txt" || { echo "in $page"; return 1; }
	done
}

@test "kubectl finds the plugin on PATH and runs it as 'kubectl katib'" {
	command -v kubectl >/dev/null || skip "kubectl is not installed"
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -s "$KATIB_BIN" "$BATS_TEST_TMPDIR/bin/kubectl-katib"
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" run --separate-stderr kubectl plugin list
	[[ "$output" == *"$BATS_TEST_TMPDIR/bin/kubectl-katib"* ]]
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" HOME="$BATS_TEST_TMPDIR" \
		run --separate-stderr -1 kubectl katib validate -q --no-excerpt \
		"$REPO_DIR/examples/broken-experiment.yaml"
	assert_output --partial "[name-invalid]"
}

@test "make install puts the binary and kubectl's completion helper under PREFIX" {
	local bin=$BATS_TEST_TMPDIR/prefix/bin
	run make -C "$REPO_DIR" -s install PREFIX="$BATS_TEST_TMPDIR/prefix" O="$(dirname "$KATIB_BIN")"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	assert_file_executable "$bin/kubectl-katib"
	run -0 "$bin/kubectl-katib" --version
	# kubectl runs the helper from PATH, and it finds the plugin there too.
	assert_file_executable "$bin/kubectl_complete-katib"
	PATH="$bin:$PATH" run -0 kubectl_complete-katib validate --stri
	assert_output $'--strict\n:4'
	run make -C "$REPO_DIR" -s uninstall PREFIX="$BATS_TEST_TMPDIR/prefix" O="$(dirname "$KATIB_BIN")"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	assert_file_not_exists "$bin/kubectl_complete-katib"
	assert_file_not_exists "$bin/kubectl-katib"
}

@test "a mistyped top-level option names the closest one" {
	run --separate-stderr katib --hepl
	assert_equal "$status" 2
	[[ "$stderr" == *"unknown option '--hepl'"*"did you mean '--help'?"* ]]
}
