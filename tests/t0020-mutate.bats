#!/usr/bin/env bats
# scripts/mutate (make mutate): which mutants it makes.  Running them
# takes minutes per file and belongs to `make mutate`, not here.

bats_require_minimum_version 1.5.0
load lib/common

SAMPLE=tests/data/mutate/sample.c

@test "mutate: each operator, and nothing inside comments, strings or shifts" {
	cd "$REPO_DIR"
	run -0 scripts/mutate --list --max-per-file 0 "$SAMPLE"
	assert_equal "$(grep -c "^[0-9a-f]\{10\} $SAMPLE:" <<< "$output")" 16
	assert_output --partial "$(printf -- '-while (a > 3) {\n+while (a <= 3) {')"
	assert_output --partial "$(printf -- '-if (a <= b || b != 7)\n+if (a <= b || b == 7)')"
	assert_output --partial "$(printf -- '-if (a <= b || b != 7)\n+if (a <= b && b != 7)')"
	assert_output --partial "$(printf -- '-if (a <= b || b != 7)\n+if (!(a <= b || b != 7))')"
	assert_output --partial "$(printf -- '-while (a > 3) {\n+while (a > 4) {')"
	assert_output --partial "$(printf -- '-while (a > 3) {\n+while (a > 2) {')"
	assert_output --partial "$(printf -- '-break;\n+;')"
	assert_output --partial '-printf("%d -> %s\n", a, s);'$'\n''+;'
	assert_output --partial "$(printf -- '-return n;\n+return 0;')"
	# Lines 6 and 7 hold operators only in a comment and a string; 14's
	# shift is not a comparison.
	refute_output --regexp "sample.c:(6|7) "
	refute_output --partial '+n += a <= 1;'
}

@test "mutate: a sample is the same from run to run, and --only picks by id" {
	cd "$REPO_DIR"
	run -0 scripts/mutate --list --max-per-file 5 src/redact.c
	first=$output
	assert_equal "$(grep -c '^[0-9a-f]\{10\} src/redact.c:' <<< "$first")" 5
	run -0 scripts/mutate --list --max-per-file 5 src/redact.c
	assert_equal "$output" "$first"
	run -0 scripts/mutate --list --max-per-file 5 --seed 2 src/redact.c
	[ "$output" != "$first" ]
	id=$(head -1 <<< "$first" | cut -d' ' -f1)
	run -0 scripts/mutate --list --only "$id" src/redact.c
	assert_equal "${lines[0]}" "$(head -1 <<< "$first")"
	assert_equal "${#lines[@]}" 3
}

@test "mutate: every entry of tests/mutate-equivalent names a mutant that exists, with a reason" {
	cd "$REPO_DIR"
	local id reason files
	while IFS=$'\t' read -r id reason; do
		case $id in '#'*|'') continue ;; esac
		[ -n "$reason" ] || { echo "no reason for $id"; return 1; }
		run -0 scripts/mutate --list --max-per-file 0 --only "$id" src src/rules replay plugin
		[ "${#lines[@]}" -eq 3 ] || { echo "no mutant $id"; return 1; }
	done < tests/mutate-equivalent
}

@test "mutate: a file no tests are mapped to is refused" {
	cd "$REPO_DIR"
	run -1 scripts/mutate "$SAMPLE"
	assert_output "mutate: no tests are mapped to $SAMPLE; give --tests"
}
