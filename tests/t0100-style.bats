#!/usr/bin/env bats
# The layering rules of HACKING.md hold (scripts/check-style.sh).

bats_require_minimum_version 1.5.0
load lib/common

@test "only plugin/ prints, and each library has one wrapper file" {
	run -0 "$REPO_DIR/scripts/check-style.sh"
}

@test "the style check catches a print in src/" {
	cp -r "$REPO_DIR/scripts" "$REPO_DIR/src" "$BATS_TEST_TMPDIR/"
	echo 'void f(void) { printf("x"); }' > "$BATS_TEST_TMPDIR/src/leak.c"
	run -1 "$BATS_TEST_TMPDIR/scripts/check-style.sh"
	assert_output --partial "src/leak.c: only plugin/ prints or exits"
}

@test "scripts/install-deps is quiet when everything is installed" {
	command -v dpkg-query >/dev/null || skip "not a Debian system"
	run -0 "$REPO_DIR/scripts/install-deps"
	[ -z "$output" ]
}
