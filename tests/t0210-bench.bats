#!/usr/bin/env bats
# make bench must not time a validate that did not do its work: a crash
# or a wrong exit status ends the benchmark loudly instead of reading as
# a fast run.  (Only the failing paths run here, and five changes of the
# language server's benchmark whose timings are not looked at; a real
# benchmark takes minutes and belongs to `make bench`.)

bats_require_minimum_version 1.5.0
load lib/common

# fake_build STATUS-SCRIPT: a build directory whose kubectl-katib runs the
# given shell body instead of validating.
fake_build() {
	local o="$BATS_TEST_TMPDIR/o"
	mkdir -p "$o" || return 1
	printf '#!/bin/sh\n%s\n' "$1" > "$o/kubectl-katib" || return 1
	chmod +x "$o/kubectl-katib" || return 1
	ln -sf "$KATIB_TEST_TOOL" "$o/katib-test-tool" || return 1
	echo "$o"
}

@test "bench: a validate that crashes fails the benchmark" {
	o=$(fake_build 'kill -SEGV $$')
	O=$o run -1 "$REPO_DIR/scripts/bench/run"
	assert_output --partial "validate -q $o/bench/stream-1x.yaml' exited with status 139, expected 1"
	refute_output --partial 'ratio validate/floor'
}

@test "bench: a validate that finds nothing in the broken stream fails the benchmark" {
	o=$(fake_build 'exit 0')
	O=$o run -1 "$REPO_DIR/scripts/bench/run"
	assert_output --partial "exited with status 0, expected 1"
	refute_output --partial 'ratio validate/floor'
}

@test "bench: a single-file validate with findings fails the benchmark" {
	# The stream answers as expected; the one good file does not.
	o=$(fake_build 'for a; do case $a in *good-experiment.yaml) exit 1;; esac; done; exit 1')
	O=$o RUNS=1 run -1 "$REPO_DIR/scripts/bench/run"
	assert_output --partial "good-experiment.yaml' exited with status 1, expected 0"
	refute_output --partial 'single file wall time'
}

@test "katib-test-tool rss --expect fails on another exit status" {
	run -1 "$KATIB_TEST_TOOL" rss --expect 0 "$KATIB_BIN" validate -q "$REPO_DIR/examples/broken-experiment.yaml"
	assert_output --partial "exited with status 1, expected 0"
	run -0 "$KATIB_TEST_TOOL" rss --expect 1 "$KATIB_BIN" validate -q "$REPO_DIR/examples/broken-experiment.yaml"
	assert_output --regexp '^[0-9]+$'
}

# The language server's benchmark (scripts/bench/lsp): a few changes of
# the real server, then servers that cannot be timed.
@test "bench lsp: a short run reports the percentiles" {
	O=$(dirname "$KATIB_BIN") ITERATIONS=5 WARMUP=1 run -0 "$REPO_DIR/scripts/bench/lsp"
	assert_line --regexp '^lsp, 500-line Experiment \([0-9]+ bytes\), 0 diagnostics \([1-9][0-9]* with maxTrialCount 1\), 5 changes after 1 not counted:$'
	assert_line --regexp '^  change to publishDiagnostics: median [0-9.]+ ms, p90 [0-9.]+ ms, p99 [0-9.]+ ms, max [0-9.]+ ms \(target < 5 ms\)$'
}

@test "bench lsp: a server that exits fails the benchmark" {
	o=$(fake_build 'exit 0')
	O=$o run -1 "$REPO_DIR/scripts/bench/lsp"
	assert_output --regexp "the server (closed its output|stopped reading) \(exit 0\); the timings would be meaningless"
	refute_output --partial "median"
}

@test "bench lsp: a server that does not analyse the change fails the benchmark" {
	# Answers every message with the same empty diagnostics.
	cat > "$BATS_TEST_TMPDIR/same-answer.py" <<-'EOF'
	import sys
	body = (b'{"jsonrpc": "2.0", "id": 1, "result": {}, "method": '
	        b'"textDocument/publishDiagnostics", "params": {"diagnostics": []}}')
	while True:
	    header = sys.stdin.buffer.readline()
	    if not header:
	        break
	    sys.stdin.buffer.readline()
	    sys.stdin.buffer.read(int(header.split(b":")[1]))
	    sys.stdout.buffer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
	    sys.stdout.buffer.flush()
	EOF
	o=$(fake_build "exec python3 $BATS_TEST_TMPDIR/same-answer.py")
	O=$o run -1 "$REPO_DIR/scripts/bench/lsp"
	assert_output --partial "maxTrialCount 1 changed nothing in the diagnostics"
	refute_output --partial "median"
}

# status_build KATIB: a build directory with the given kubectl-katib and
# the real replay server.
status_build() {
	local o="$BATS_TEST_TMPDIR/s"
	mkdir -p "$o" || return 1
	ln -sf "$1" "$o/kubectl-katib" || return 1
	ln -sf "$KATIB_REPLAY" "$o/katib-replay" || return 1
	echo "$o"
}

@test "bench status: runs at a tiny size and prints every timing" {
	o=$(status_build "$KATIB_BIN")
	O=$o RUNS=1 run -0 "$REPO_DIR/scripts/bench/status" 7 3
	assert_line --regexp '^status experiment, 7 trials, --from: +[0-9]+ ms'
	assert_line --regexp '^status experiment, 7 trials, replay server: [0-9]+ ms$'
	assert_line --regexp '^get experiments -A, 3 Experiments, --from: +[0-9]+ ms'
	assert_line --regexp '^get experiments -A, 3 Experiments, 10 trials and Jobs each, --from: [0-9]+ ms$'
	assert_line --regexp '^get experiments -A, 3 Experiments, replay server: [0-9]+ ms$'
}

@test "bench status: a command that lists nothing fails the benchmark" {
	printf '#!/bin/sh\necho "{\\"items\\": [], \\"trialList\\": []}"\n' > "$BATS_TEST_TMPDIR/empty"
	chmod +x "$BATS_TEST_TMPDIR/empty"
	o=$(status_build "$BATS_TEST_TMPDIR/empty")
	O=$o RUNS=1 run -1 "$REPO_DIR/scripts/bench/status" 7 3
	assert_output --partial "did not list them all"
	refute_output --partial ' ms'
}
