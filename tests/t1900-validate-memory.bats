#!/usr/bin/env bats
# validate streams: its memory is bounded by the largest document, not by
# the number of documents.  (Machine-independent: it compares two runs'
# peak memory, never times anything; `make bench` measures speed.)

bats_require_minimum_version 1.5.0
load lib/common

@test "peak memory does not grow with the number of documents" {
	if grep -q __asan_init "$KATIB_BIN"; then
		skip "a sanitizer build keeps freed memory in quarantine"
	fi
	chunk="$BATS_TEST_TMPDIR/chunk.yaml"
	for i in $(seq 50); do
		echo '---'
		cat "$REPO_DIR/examples/good-experiment.yaml"
	done > "$chunk"
	for i in $(seq 20); do echo "$chunk"; done | xargs cat > "$BATS_TEST_TMPDIR/x1.yaml"
	for i in $(seq 10); do echo "$BATS_TEST_TMPDIR/x1.yaml"; done | xargs cat > "$BATS_TEST_TMPDIR/x10.yaml"
	small=$("$KATIB_TEST_TOOL" rss --expect 0 "$KATIB_BIN" validate -q "$BATS_TEST_TMPDIR/x1.yaml")
	large=$("$KATIB_TEST_TOOL" rss --expect 0 "$KATIB_BIN" validate -q "$BATS_TEST_TMPDIR/x10.yaml")
	echo "1000 documents: $small KiB; 10000 documents: $large KiB"
	[ $((large - small)) -lt 2048 ]
}
