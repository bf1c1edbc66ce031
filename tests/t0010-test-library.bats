#!/usr/bin/env bats
# The test library tests itself: each helper must fail when what it
# guards is wrong.  `run` turns `set -e` off, as an `||` or `if` does, so
# these also prove that no helper relies on it.

bats_require_minimum_version 1.5.0
load lib/common

# fixture ID FROM: a copy of rule FROM's fixtures under the name ID in a
# private rules directory, with its golden output as it really is.
fixture() {
	local id=$1 from=$2
	export RULES_DIR="$BATS_TEST_TMPDIR/rules"
	mkdir -p "$RULES_DIR/$id" || return 1
	cp "$TESTS_DIR/rules/$from/bad.yaml" "$TESTS_DIR/rules/$from/good.yaml" "$RULES_DIR/$id/" || return 1
	sed "s#^$from/#$id/#" "$TESTS_DIR/rules/$from/expected.txt" > "$RULES_DIR/$id/expected.txt" || return 1
}

@test "test library: an intact rule fixture passes check_rule" {
	fixture name-invalid name-invalid
	run check_rule name-invalid
	assert_success
}

@test "test library: a wrong golden fails check_rule" {
	fixture name-invalid name-invalid
	sed -i 's/must consist of lower case letters/must consist of letters/' "$RULES_DIR/name-invalid/expected.txt"
	run check_rule name-invalid
	assert_failure
	assert_output --partial '+name-invalid/bad.yaml:4:9: error: name'
}

@test "test library: a wrong position fails check_rule" {
	fixture name-invalid name-invalid
	sed -i 's#^name-invalid/bad.yaml:4:9:#name-invalid/bad.yaml:5:9:#' "$RULES_DIR/name-invalid/expected.txt"
	run check_rule name-invalid
	assert_failure
}

@test "test library: a wrong path or hint fails check_rule" {
	fixture name-invalid name-invalid
	sed -i 's/^   at metadata.name$/   at metadata.namespace/' "$RULES_DIR/name-invalid/expected.txt"
	run check_rule name-invalid
	assert_failure
	fixture name-invalid name-invalid
	sed -i "s/use '-' instead of '.'/use '_'/" "$RULES_DIR/name-invalid/expected.txt"
	run check_rule name-invalid
	assert_failure
}

@test "test library: a fixture that reports another rule fails check_rule" {
	# The golden matches the output exactly; only the rule id is wrong.
	fixture name-missing name-invalid
	sed -i 's/\[name-invalid\]$/[name-missing]/' "$RULES_DIR/name-missing/expected.txt"
	run check_rule name-missing
	assert_failure
	assert_output --partial 'no error [name-missing] with a position'
}

@test "test library: a warning that does not fire fails check_rule" {
	fixture max-trial-count-missing max-trial-count-missing
	cp "$RULES_DIR/max-trial-count-missing/good.yaml" "$RULES_DIR/max-trial-count-missing/bad.yaml"
	: > "$RULES_DIR/max-trial-count-missing/expected.txt"
	run check_rule max-trial-count-missing
	assert_failure
	assert_output --partial 'no warning [max-trial-count-missing]'
}

@test "test library: a wrong exit status fails check_rule" {
	fixture name-invalid name-invalid
	echo 0 > "$RULES_DIR/name-invalid/exit"
	run check_rule name-invalid
	assert_failure
	assert_output --partial 'bad.yaml: exit 1, want 0'
}

@test "test library: a good.yaml that breaks the rule fails check_rule" {
	fixture name-invalid name-invalid
	cp "$RULES_DIR/name-invalid/bad.yaml" "$RULES_DIR/name-invalid/good.yaml"
	run check_rule name-invalid
	assert_failure
}

@test "test library: a rule with no fixtures fails check_rule" {
	export RULES_DIR="$BATS_TEST_TMPDIR/none"
	run check_rule name-invalid
	assert_failure
	assert_output --partial 'no fixtures for rule name-invalid'
}

@test "test library: assert_golden fails on a difference and passes on a match" {
	printf 'a\nb\n' > "$BATS_TEST_TMPDIR/golden"
	output=$'a\nc'
	run assert_golden "$BATS_TEST_TMPDIR/golden"
	assert_failure
	output=$'a\nb'
	run assert_golden "$BATS_TEST_TMPDIR/golden"
	assert_success
}

@test "test library: refute_crash fails on a crash or a Valgrind report" {
	status=139 stderr=segfault
	run refute_crash
	assert_failure
	status=126
	run refute_crash
	assert_failure
	status=2
	run refute_crash
	assert_success
}

@test "test library: the checker finds checks that rely on set -e and unchecked runs" {
	# Written line by line: bats would rewrite a test header in a heredoc.
	printf '%s\n' 'helper() {' '	run true' '	assert_output x' '	echo done' '}' \
		"@""test \"x\" {" '	run false' '}' > "$BATS_TEST_TMPDIR/trap.bats"
	run python3 "$REPO_DIR/scripts/check-tests.py" "$BATS_TEST_TMPDIR/trap.bats"
	assert_failure
	assert_line --partial "trap.bats:3: in helper(): 'assert_output' relies on set -e"
	assert_line --partial "trap.bats:7: the result of this run is never checked"
}

@test "test library: no helper or test of the suite relies on set -e" {
	run python3 "$REPO_DIR/scripts/check-tests.py" "$TESTS_DIR"/lib/*.bash "$TESTS_DIR"/*.bats
	assert_success
	assert_output ''
}

# fake_suite: a bats suite of one passing and one skipped test, a unit
# test binary of one test, and an empty allow-list of skips.
fake_suite() {
	local d="$BATS_TEST_TMPDIR/suite"
	mkdir -p "$d/tests" || return 1
	# Written line by line: bats would rewrite a test header in a heredoc.
	printf '%s\n' "@""test \"needs a tool\" { skip \"no such tool\"; }" \
		"@""test \"passes\" { true; }" > "$d/tests/t.bats" || return 1
	printf '#!/bin/sh\necho "ok 1 unit"\n' > "$d/unit" || return 1
	chmod +x "$d/unit" || return 1
	: > "$d/allowed"
	SUITE=$d
}

# run_tests CI: runs scripts/run-tests on the fake suite (the part
# $SHARD of it, when set: not KATIB_SHARD, which the suite itself may
# run under), in a clean
# environment: the bats running this test would leak its own into it,
# and puts its internal commands (one is called bats) first in PATH.
run_tests() {
	local path
	path=$(tr : '\n' <<< "$PATH" | grep -v bats-core | paste -sd:)
	env -i PATH="$path" HOME="$BATS_TEST_TMPDIR" CI="$1" \
		KATIB_UNIT="$SUITE/unit" KATIB_BATS_TESTS="$SUITE/tests" \
		KATIB_SHARD="${SHARD:-}" KATIB_SKIPS_ALLOWED="$SUITE/allowed" "$REPO_DIR/scripts/run-tests"
}

@test "run-tests: a skip is named, and outside CI it is only counted" {
	fake_suite
	run -0 run_tests ""
	assert_line 'skipped: needs a tool: no such tool'
	assert_equal "${lines[-1]}" '2 passed, 0 failed, 1 skipped'
}

@test "run-tests: under CI a skip not in the allow-list fails the run" {
	fake_suite
	run -1 run_tests true
	assert_line 'skipped, not allowed under CI (tests/skips-allowed): needs a tool: no such tool'
	assert_equal "${lines[-1]}" '2 passed, 1 failed, 0 skipped'
}

@test "run-tests: under CI an allowed skip passes, and is named" {
	fake_suite
	printf 'needs a tool\tthe tool cannot exist here\n' > "$SUITE/allowed"
	run -0 run_tests true
	assert_line 'skipped (allowed): needs a tool: no such tool'
	assert_equal "${lines[-1]}" '2 passed, 0 failed, 1 skipped'
}

@test "run-tests: KATIB_SHARD=I/N runs every N-th file, and the unit tests once" {
	fake_suite
	local i
	for i in 2 3 4; do
		printf '%s\n' "@""test \"file $i\" { true; }" > "$SUITE/tests/t$i.bats"
	done
	SHARD=1/2
	run -0 run_tests ""
	assert_line 'unit tests: 1 passed, 0 failed; bats: 2 passed, 0 failed, 1 skipped'
	assert_line --partial 'file 3'
	refute_line --partial 'file 2'
	refute_line --partial 'file 4'
	assert_equal "${lines[-1]}" '3 passed, 0 failed, 1 skipped'
	SHARD=2/2
	run -0 run_tests ""
	assert_line 'unit tests: 0 passed, 0 failed; bats: 2 passed, 0 failed, 0 skipped'
	assert_line --partial 'file 2'
	assert_line --partial 'file 4'
	assert_equal "${lines[-1]}" '2 passed, 0 failed, 0 skipped'
	SHARD=3/2
	run -3 run_tests ""
	assert_output 'KATIB_SHARD=3/2: not I/N'
}

@test "tests/skips-allowed: every entry names a test of the suite and gives a reason" {
	local name reason n=0
	while IFS=$'\t' read -r name reason; do
		case $name in '#'*|'') continue ;; esac
		n=$((n + 1))
		[ -n "$reason" ] || { echo "no reason for '$name'"; return 1; }
		grep -qF "@test \"$name\"" "$TESTS_DIR"/*.bats || { echo "no test named '$name'"; return 1; }
	done < "$TESTS_DIR/skips-allowed"
	[ "$n" -gt 0 ]
}
