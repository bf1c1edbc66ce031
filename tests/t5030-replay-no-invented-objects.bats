#!/usr/bin/env bats
# The replay server serves what was recorded and nothing more: a
# Namespace the recording lacks is 404, as it would be for a user who may
# not read it, and `explain` through the server then says what `explain
# --from` of the same recording says, never that the namespace "lacks
# Katib's label".

bats_require_minimum_version 1.5.0
load lib/common

teardown() {
	replay_kill
}

k() {
	HOME="$BATS_TEST_TMPDIR" kubectl --kubeconfig "$REPLAY_CFG" "$@"
}

@test "no invented objects: an unrecorded Namespace is 404, its objects are still listed" {
	if ! command -v kubectl >/dev/null; then
		[ "${CI:-}" = true ] && { echo "kubectl is missing under CI" >&2; return 1; }
		skip "kubectl is not installed"
	fi
	local dir="$BATS_TEST_TMPDIR/cluster"
	mkdir -p "$dir"
	cp "$TESTS_DIR/data/cluster-small/pods.yaml" "$dir/"
	replay_serve "$dir"
	run --separate-stderr -1 k get namespace team-a
	[[ "$stderr" == *'namespaces "team-a" not found'* ]]
	run --separate-stderr -0 k get namespaces -o name
	[ -z "$output" ]
	run --separate-stderr -0 k get pods -n team-a -o name
	[ "${#lines[@]}" -eq 2 ]
}

@test "no invented objects: explain through the server equals explain --from without a Namespace" {
	local dir="$BATS_TEST_TMPDIR/cluster"
	mkdir -p "$dir"
	# The scenario without its namespace: explain must call it unknown.
	cp -R "$TESTS_DIR/data/explain/common/noise.yaml" "$REPO_DIR/fixtures/metrics-unavailable/cluster/." "$dir/"
	replay_serve "$dir"
	run --separate-stderr katib explain experiment mnist -n team-a --kubeconfig "$REPLAY_CFG" -o json
	refute_crash
	local live=$output live_status=$status
	[[ "$live" != *namespace-not-enabled* ]] || { echo "$live"; return 1; }
	run --separate-stderr katib explain experiment mnist -n team-a --from "$dir" -o json
	[ "$status" -eq "$live_status" ]
	[[ "$output" != *namespace-not-enabled* ]]
	[ "$(jq -c '[.diagnoses[].id]' <<< "$output")" = "$(jq -c '[.diagnoses[].id]' <<< "$live")" ]
}

@test "no invented objects: a scenario folder serves its cluster once" {
	replay_serve "$REPO_DIR/fixtures/metrics-unavailable/cluster"
	local want
	want=$(sed -n 's/^katib-replay: serving \([0-9]*\) objects.*/\1/p' "$BATS_TEST_TMPDIR/replay.out")
	[ -n "$want" ]
	replay_kill
	replay_serve "$REPO_DIR/fixtures/metrics-unavailable"
	run cat "$BATS_TEST_TMPDIR/replay.out"
	assert_output --regexp "^katib-replay: serving $want objects from .*metrics-unavailable/cluster at "
}

# serve_scenario SCENARIO [FAULT]: the scenario's cluster over the shared
# noise, as explain's own tests serve it.
serve_scenario() {
	local dir="$BATS_TEST_TMPDIR/cluster"
	rm -rf "$dir"
	mkdir -p "$dir"
	cp -R "$TESTS_DIR/data/explain/common/." "$REPO_DIR/fixtures/$1/cluster/." "$dir/"
	replay_serve "$dir" ${2:+--fault "$2"}
}

@test "no invented objects: a namespace explain may not read (403) is unknown, not unlabelled" {
	# The control: readable, the namespace's missing label is diagnosed.
	serve_scenario namespace-not-enabled
	run --separate-stderr katib explain experiment mnist -n team-a --kubeconfig "$REPLAY_CFG" -o json
	[ "$(jq -r '.diagnoses[0].id' <<< "$output")" = namespace-not-enabled ]
	replay_kill
	# A user without cluster rights: the same cluster, the Namespace 403.
	serve_scenario namespace-not-enabled 'path=/api/v1/namespaces/team-a$,status=403'
	run --separate-stderr katib explain experiment mnist -n team-a --kubeconfig "$REPLAY_CFG" -o json
	refute_crash
	[ -n "$output" ]
	run jq -r '[.diagnoses[].id] | index("namespace-not-enabled")' <<< "$output"
	assert_output null
}

@test "no invented objects: repro record says when it could not read the namespace" {
	serve_scenario namespace-not-enabled 'path=/api/v1/namespaces/team-a$,status=403'
	run --separate-stderr katib repro record experiment mnist -n team-a --kubeconfig "$REPLAY_CFG" \
		-o "$BATS_TEST_TMPDIR/out"
	refute_crash
	assert_equal "$status" 0
	[ ! -e "$BATS_TEST_TMPDIR/out/cluster/namespace.yaml" ]
	run sed -n '/^unrecorded:/,/^[a-z]/p' "$BATS_TEST_TMPDIR/out/expect.yaml"
	assert_line --index 1 "  - object: Namespace"
	assert_line --index 2 "    name: team-a"
	assert_line --index 3 "    status: 403"
	# and the explain it recorded does not blame the namespace's labels
	run grep -A1 '^explain:' "$BATS_TEST_TMPDIR/out/expect.yaml"
	refute_output --partial namespace-not-enabled
	replay_kill
	# Readable, the Namespace is recorded with its labels, and no note.
	serve_scenario namespace-not-enabled
	rm -rf "$BATS_TEST_TMPDIR/out"
	run --separate-stderr katib repro record experiment mnist -n team-a --kubeconfig "$REPLAY_CFG" \
		-o "$BATS_TEST_TMPDIR/out"
	assert_equal "$status" 0
	run grep -c 'kubernetes.io/metadata.name: team-a' "$BATS_TEST_TMPDIR/out/cluster/namespace.yaml"
	assert_output 1
	run grep -c '^unrecorded:' "$BATS_TEST_TMPDIR/out/expect.yaml"
	assert_output 0
}
