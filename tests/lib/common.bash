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

# katib_bg OUT ARGS...: katib in the background, as the process itself
# (not a subshell around it), so that a signal sent to $KATIB_PID reaches
# it; stdout goes to OUT and stderr to OUT.err.
katib_bg() {
	local out=$1
	shift
	(
		[ -n "${KATIB_VALGRIND:-}" ] &&
			exec env LC_ALL=C TZ=UTC NO_COLOR=1 HOME="$BATS_TEST_TMPDIR" \
				KATIB_LINT_CONFIG="${KATIB_LINT_CONFIG-}" \
				KUBECONFIG="$BATS_TEST_TMPDIR/kubeconfig" \
				valgrind -q --error-exitcode=126 --leak-check=full \
				--errors-for-leak-kinds=definite,indirect \
				--suppressions="$TESTS_DIR/valgrind.supp" "$KATIB_BIN" "$@"
		exec env LC_ALL=C TZ=UTC NO_COLOR=1 HOME="$BATS_TEST_TMPDIR" \
			KATIB_LINT_CONFIG="${KATIB_LINT_CONFIG-}" \
			KUBECONFIG="$BATS_TEST_TMPDIR/kubeconfig" "$KATIB_BIN" "$@"
	) > "$out" 2> "$out.err" &
	KATIB_PID=$!
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

# The replay server (katib-replay serve): the recorded cluster the tests
# talk to as a client talks to kube-apiserver.
: "${KATIB_REPLAY:=$REPO_DIR/build/katib-replay}"

# replay_serve DIR [ARGS...]: serves the recording DIR in the background,
# with ARGS (--fault, --token, --step, --log...).  Sets REPLAY_PID,
# REPLAY_CFG (a kubeconfig for it) and REPLAY_URL.  Its output is in
# $BATS_TEST_TMPDIR/replay.out, shown when it does not start.  With
# REPLAY_MEMCHECK=1 under KATIB_VALGRIND=1 the server runs under Valgrind
# too, and replay_stop fails on what Valgrind finds.
replay_serve() {
	local dir=$1
	local -a pre=()
	shift
	if [ -n "${REPLAY_MEMCHECK:-}" ] && [ -n "${KATIB_VALGRIND:-}" ]; then
		pre=(valgrind -q --error-exitcode=126 --leak-check=full
			--errors-for-leak-kinds=definite,indirect
			--suppressions="$TESTS_DIR/valgrind.supp")
	fi
	REPLAY_CFG="$BATS_TEST_TMPDIR/kubeconfig.replay"
	rm -f "$REPLAY_CFG"	# a previous server's would be read before this one's
	"${pre[@]}" "$KATIB_REPLAY" serve "$dir" --kubeconfig-out "$REPLAY_CFG" "$@" \
		> "$BATS_TEST_TMPDIR/replay.out" 2>&1 &
	REPLAY_PID=$!
	# It writes the kubeconfig (atomically) once it listens; Valgrind
	# makes that take seconds.
	for _ in $(seq 400); do
		[ -s "$REPLAY_CFG" ] && break
		kill -0 "$REPLAY_PID" 2>/dev/null || break
		sleep 0.05
	done
	if [ ! -s "$REPLAY_CFG" ]; then
		echo "katib-replay serve $dir did not start:"
		cat "$BATS_TEST_TMPDIR/replay.out"
		return 1
	fi
	REPLAY_URL=$(sed -n 's/^ *server: //p' "$REPLAY_CFG")
}

# replay_stop: stops the server with SIGTERM; fails unless it exits 0
# (126: Valgrind's finding).
replay_stop() {
	local rc=0
	[ -n "${REPLAY_PID:-}" ] || { echo "no replay server runs"; return 1; }
	kill -TERM "$REPLAY_PID" || return 1
	wait "$REPLAY_PID" || rc=$?
	REPLAY_PID=
	if [ "$rc" -ne 0 ]; then
		echo "katib-replay exited $rc"
		cat "$BATS_TEST_TMPDIR/replay.out"
		return 1
	fi
}

# replay_kill: for teardown: stops the server if one runs, whatever its
# state.
replay_kill() {
	if [ -n "${REPLAY_PID:-}" ]; then
		kill "$REPLAY_PID" 2>/dev/null && wait "$REPLAY_PID" 2>/dev/null
	fi
	REPLAY_PID=
	return 0
}

# need_kubectl: tests that talk through kubectl need it; locally they skip
# loudly without it, under CI its absence is a failure.
need_kubectl() {
	command -v kubectl >/dev/null && return 0
	[ "${CI:-}" = true ] && { echo "kubectl is missing under CI" >&2; return 1; }
	skip "kubectl is not installed"
}

# wait_for FILE TEXT [SECONDS]: until FILE holds TEXT (60 s at most, or
# SECONDS: Valgrind on a loaded machine is slow).
wait_for() {
	local _
	for _ in $(seq "$(( ${3:-60} * 10 ))"); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "'$2' never came in $1:"
	cat "$1"
	return 1
}

# wait_requests LOG PATTERN N: until the replay server's --log LOG holds N
# lines matching PATTERN (grep -E), 60 s at most: a client under Valgrind
# on a loaded machine is slow.  The server logs a request before it
# serves it, under the lock its timeline steps take, so a watch logged is
# a watch that sees every later step.
wait_requests() {
	local _ n
	for _ in $(seq 600); do
		n=$(grep -cE -- "$2" "$1" 2>/dev/null) || n=0
		[ "$n" -ge "$3" ] && return 0
		sleep 0.1
	done
	echo "$3 requests matching '$2' never came in $1:"
	cat "$1"
	return 1
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
# for unreadable input, or the fixture's `exit` file) and reports ID;
# good.yaml passes without ID.  Fixtures live in $RULES_DIR (tests/rules;
# the test library's self-test points it elsewhere).
#
# Helpers never rely on `set -e`: bats turns it off inside a function
# called from `||`, `&&`, `!` or `if`, and inside `run`, so a failing
# assertion there would be ignored.  Every check ends in `|| return 1`
# (scripts/check-tests.py enforces this).
check_rule() {
	local id=$1 dir="${RULES_DIR:-$TESTS_DIR/rules}/$1" args=() pid= cfg
	[ -d "$dir" ] || { echo "no fixtures for rule $id in $dir"; return 1; }
	if [ -f "$dir/args" ]; then read -r -a args < "$dir/args"; fi
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
	check_rule_run "$id" "$dir" "${args[@]}" || rc=$?
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	return $rc
}

check_rule_run() {
	local id=$1 dir=$2 want=1 severity
	shift 2
	local args=("$@")
	severity=$("$KATIB_BIN" validate --list-rules | awk -v id="$id" '$1 == id { print $2 }')
	[ -n "$severity" ] || { echo "rule $id is not in validate --list-rules"; return 1; }
	# Only errors fail a run; warnings and infos exit 0 (unless --strict).
	[ "$severity" = error ] || want=0
	if [ -f "$dir/exit" ]; then want=$(cat "$dir/exit"); fi
	cd "$(dirname "$dir")" || return 1
	run --separate-stderr katib validate --no-excerpt -q "${args[@]}" "$id/bad.yaml"
	refute_crash || return 1
	[ "$status" -eq "$want" ] || { echo "bad.yaml: exit $status, want $want"; echo "$output"; return 1; }
	# The rule must fire with its own severity, not merely be mentioned.
	grep -qE "^$id/bad.yaml:[0-9]+:[0-9]+: $severity: .* \[$id\]\$" <<< "$output" ||
		{ echo "bad.yaml: no $severity [$id] with a position"; echo "$output"; return 1; }
	assert_golden "$dir/expected.txt" || return 1
	# Every finding, of this rule or another, is where its path points.
	# (Positions do not depend on Valgrind, which the two other runs of
	# each fixture already give; without it here the Valgrind pass of
	# the suite is minutes shorter.)
	KATIB_VALGRIND= run --separate-stderr katib validate -o json "${args[@]}" "$id/bad.yaml"
	python3 "$TESTS_DIR/helper/check-positions.py" "$KATIB_TEST_TOOL" <<< "$output" || return 1
	run --separate-stderr katib validate --no-excerpt -q "${args[@]}" "$id/good.yaml"
	refute_crash || return 1
	[ "$status" -eq 0 ] || { echo "good.yaml: exit $status"; echo "$output"; return 1; }
	refute_output --partial "[$id]" || return 1
}

require_shared() {
	if [ ! -d "$SHARED_DIR/corpus" ]; then
		skip "the shared corpus is not beside this clone ($SHARED_DIR)"
	fi
}
