# Shared setup for the Bats suite.  Load with `load lib/common`.

bats_load_library bats-support
bats_load_library bats-assert
bats_load_library bats-file

TESTS_DIR=$(cd "$(dirname "${BATS_TEST_FILENAME}")" && pwd)
REPO_DIR=$(cd "$TESTS_DIR/.." && pwd)
: "${KATIB_BIN:=$REPO_DIR/build/kubectl-katib}"
: "${KATIB_TEST_TOOL:=$REPO_DIR/build/katib-test-tool}"

# The shared corpus sits beside the repository; a clone elsewhere has none.
SHARED_DIR=${KATIB_SHARED_DIR:-$(cd "$REPO_DIR/.." && pwd)/shared}

# Runs the plugin in a fixed environment (git's test-lib, jq's setup).
# Under KATIB_VALGRIND=1 it runs under Valgrind, and a memory error or a
# leak turns into exit status 126.
katib() {
	local -a pre=()
	if [ -n "${KATIB_VALGRIND:-}" ]; then
		pre=(valgrind -q --error-exitcode=126 --leak-check=full
			--errors-for-leak-kinds=definite,indirect
			--suppressions="$TESTS_DIR/valgrind.supp")
	fi
	LC_ALL=C TZ=UTC NO_COLOR=1 HOME="$BATS_TEST_TMPDIR" \
		KATIB_LINT_CONFIG=${KATIB_LINT_CONFIG-} \
		KUBECONFIG="$BATS_TEST_TMPDIR/kubeconfig" \
		"${pre[@]}" "$KATIB_BIN" "$@"
}

# Fails unless the last `run` ended with a controlled status, not a crash
# or a Valgrind report (git's test_must_fail).
refute_crash() {
	if [ "$status" -ge 126 ]; then
		echo "crashed or leaked: exit $status" >&2
		echo "$stderr" >&2
		return 1
	fi
}

# Compares $output with a golden file; UPDATE_GOLDEN=1 rewrites it.
assert_golden() {
	local golden=$1
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		printf '%s\n' "$output" > "$golden"
		return 0
	fi
	printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/actual"
	diff -u "$golden" "$BATS_TEST_TMPDIR/actual"
}

# check_rule ID: bad.yaml fails with exactly expected.txt (exit 1, or 2
# for unreadable input) and reports ID; good.yaml passes without ID.
check_rule() {
	local id=$1 dir="$TESTS_DIR/rules/$1" want=1 args=() pid= cfg
	[ -f "$dir/args" ] && read -r -a args < "$dir/args"
	# A rule about the cluster gets its recorded cluster from the replay server.
	if [ -d "$dir/cluster" ]; then
		cfg="$BATS_TEST_TMPDIR/rule-kubeconfig"
		"${KATIB_REPLAY:-$REPO_DIR/build/katib-replay}" serve "$dir/cluster" \
			--kubeconfig-out "$cfg" > /dev/null 2>&1 &
		pid=$!
		for _ in $(seq 100); do [ -s "$cfg" ] && break; sleep 0.05; done
		args+=(--cluster-facts --kubeconfig "$cfg")
	fi
	local rc=0
	check_rule_run "$id" "$dir" "$want" "${args[@]}" || rc=$?
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null || true
	fi
	return $rc
}

check_rule_run() {
	local id=$1 dir=$2 want=$3
	shift 3
	local args=("$@")
	# Only errors fail a run; warnings and infos exit 0 (unless --strict).
	"$KATIB_BIN" validate --list-rules | grep -q "^$id  *error " || want=0
	[ -f "$dir/exit" ] && want=$(cat "$dir/exit")
	cd "$TESTS_DIR/rules"
	run --separate-stderr katib validate --no-excerpt -q "${args[@]}" "$id/bad.yaml"
	refute_crash
	[ "$status" -eq "$want" ] || { echo "bad.yaml: exit $status, want $want"; echo "$output"; return 1; }
	assert_output --partial "[$id]"
	assert_golden "$dir/expected.txt"
	run --separate-stderr katib validate --no-excerpt -q "${args[@]}" "$id/good.yaml"
	refute_crash
	[ "$status" -eq 0 ] || { echo "good.yaml: exit $status"; echo "$output"; return 1; }
	refute_output --partial "[$id]"
}

require_shared() {
	if [ ! -d "$SHARED_DIR/corpus" ]; then
		skip "the shared corpus is not beside this clone ($SHARED_DIR)"
	fi
}
