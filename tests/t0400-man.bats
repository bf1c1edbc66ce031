#!/usr/bin/env bats
# The man page, kubectl-katib(1), and --help: both come from the option
# tables, so they must name every command and every option the commands
# take, and roff must read the page without a complaint.

bats_require_minimum_version 1.5.0
load lib/common

# The commands with a --help page of their own, as typed after "katib".
PAGES=(validate create explain get status "repro replay" "repro record" "repro bundle" "webhook serve" lsp schema completion)

# render FILE: the page as man shows it, in plain text.
render() {
	groff -man -Tutf8 -ww -P-cbou "$1"
}

# options CMD...: the long options of CMD's table, one a line, from what
# shell completion offers (the same table getopt reads).
options() {
	katib __complete "$@" -- | sed -n 's/^--//p'
}

@test "__man writes a page that groff reads without a warning" {
	command -v groff >/dev/null || skip "groff is not installed"
	katib __man > "$BATS_TEST_TMPDIR/kubectl-katib.1"
	run --separate-stderr groff -man -Tutf8 -ww -z "$BATS_TEST_TMPDIR/kubectl-katib.1"
	[ "$status" -eq 0 ] && [ -z "$stderr" ] || { echo "$stderr"; return 1; }
	run --separate-stderr -0 render "$BATS_TEST_TMPDIR/kubectl-katib.1"
	[[ "${lines[0]}" == "KUBECTL-KATIB(1) "* ]]
	for section in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS "CLUSTER OPTIONS" \
		"EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
		[[ "$output" == *$'\n'"$section"$'\n'* ]] || { echo "no section $section"; return 1; }
	done
}

@test "the man page has a section for every command and names every option" {
	local page cmd opt text
	command -v groff >/dev/null || skip "groff is not installed"
	katib __man > "$BATS_TEST_TMPDIR/kubectl-katib.1"
	text=$(render "$BATS_TEST_TMPDIR/kubectl-katib.1")
	for cmd in $(katib __complete "" | sed '/^:/d;/^help$/d;/^version$/d'); do
		[[ "$text" == *$'\n   '"$cmd"$'\n'* ]] || { echo "no section for $cmd"; return 1; }
	done
	for page in "${PAGES[@]}"; do
		for opt in $(options $page); do
			[[ "$text" == *"--$opt"* ]] || { echo "$page: no --$opt"; return 1; }
		done
	done
	for var in KUBECONFIG NO_COLOR KATIB_LINT_CONFIG .katib-lint.yaml "kubectl(1)"; do
		[[ "$text" == *"$var"* ]] || { echo "no $var"; return 1; }
	done
}

@test "every option of every command's table is on its --help page" {
	local page opt
	for page in "${PAGES[@]}"; do
		run --separate-stderr -0 katib $page --help
		for opt in $(options $page); do
			# -v is shown as kubectl users write it, not as --v.
			[[ "$output" == *"--$opt"* ]] ||
				{ [ ${#opt} -eq 1 ] && [[ "$output" == *"-$opt "* ]]; } ||
				{ echo "$page --help: no --$opt"; return 1; }
		done
	done
	# And the top level's own options.
	run --separate-stderr -0 katib --help
	assert_output --partial "--help"
	assert_output --partial "--version"
}

@test "roff specials in the help are escaped: options are minus signs, lines never start a request" {
	katib __man > "$BATS_TEST_TMPDIR/kubectl-katib.1"
	# Every option name is written with \- (a hyphen would not copy).
	run grep -n -- ' --[a-z]' "$BATS_TEST_TMPDIR/kubectl-katib.1"
	[ "$status" -eq 1 ] || { echo "$output"; return 1; }
	# A text line starting with ' or . would be a request: "... its context".
	run grep -n "^\\\\&\\.\\.\\. its context" "$BATS_TEST_TMPDIR/kubectl-katib.1"
	[ "$status" -eq 0 ]
	command -v groff >/dev/null || skip "groff is not installed"
	# As one line: where roff breaks lines does not matter here.
	run -0 bash -c 'groff -man -Tutf8 -ww -P-cbou "$0" | tr -s "\n " "  "' \
		"$BATS_TEST_TMPDIR/kubectl-katib.1"
	assert_output --partial "... its context, --cluster NAME, --user NAME"
	assert_output --partial "*.json; '-' reads standard input."
	assert_output --partial 'kubectl katib repro replay --webhook https://localhost:8443/validate-experiment \'
	assert_output --partial "recorded cluster (a folder of \`kubectl get -o yaml\` dumps)"
}

@test "make man writes the page; make install puts it under share/man/man1" {
	local o
	o=$(dirname "$KATIB_BIN")
	run make -C "$REPO_DIR" -s man O="$o"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	cmp "$o/kubectl-katib.1" <(katib __man)
	run make -C "$REPO_DIR" -s install PREFIX="$BATS_TEST_TMPDIR/prefix" O="$o"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	cmp "$BATS_TEST_TMPDIR/prefix/share/man/man1/kubectl-katib.1" "$o/kubectl-katib.1"
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/prefix/share/man/man1/kubectl-katib.1")" = 644 ]
	command -v man >/dev/null || skip "man is not installed"
	MANPATH="$BATS_TEST_TMPDIR/prefix/share/man" MANWIDTH=80 run -0 man kubectl-katib
	assert_output --partial "repro replay"
}
