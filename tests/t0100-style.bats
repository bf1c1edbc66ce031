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

@test "the style check catches a shell, however it is run" {
	cp -r "$REPO_DIR/scripts" "$REPO_DIR/src" "$BATS_TEST_TMPDIR/"
	echo 'int f(const char *c) { return system(c); }' > "$BATS_TEST_TMPDIR/src/a.c"
	echo 'void g(char *c) { char *v[] = { "sh", "-c", c, 0 }; execvp(v[0], v); }' > "$BATS_TEST_TMPDIR/src/b.c"
	echo 'void h(char *c) { execl("/bin/sh", "sh", c, (char *)0); }' > "$BATS_TEST_TMPDIR/src/c.c"
	echo 'void i(const char *c) { pclose(popen(c, "r")); }' > "$BATS_TEST_TMPDIR/src/d.c"
	run -1 "$BATS_TEST_TMPDIR/scripts/check-style.sh"
	local f
	for f in a b c d; do
		assert_output --partial "src/$f.c: runs a shell"
	done
	# and banned.h makes them compile errors where it is included
	printf '#include "compat.h"\nint f(const char *c);\nint f(const char *c) { return system(c); }\n' \
		> "$BATS_TEST_TMPDIR/e.c"
	run ${CC:-cc} -std=c11 -I"$REPO_DIR/src" -c "$BATS_TEST_TMPDIR/e.c" -o "$BATS_TEST_TMPDIR/e.o"
	[ "$status" -ne 0 ]
	assert_output --partial "sorry_system_is_a_banned_function"
}
