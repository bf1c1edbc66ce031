#!/usr/bin/env bats
# The catalogue of hostile inputs (tests/data/hostile/catalogue): each
# case ends with its exit status and its message, never with a crash or a
# hang.  The catalogue's header says how to add a case.

bats_require_minimum_version 1.5.0
load lib/common

CATALOGUE="$TESTS_DIR/data/hostile/catalogue"
GROUPS_TESTED="yaml value fs kubeconfig exec api review"

# Generous: a case that needs it is hanging.  Valgrind is ~50 times slower.
LIMIT=20
[ -n "${KATIB_VALGRIND:-}" ] && LIMIT=600
# A sanitizer build beside other suites on two cores: 100 MB took >20 s.
[ -n "${ASAN_OPTIONS:-}" ] && LIMIT=120

teardown() {
	local pid
	for pid in ${REPLAY_PIDS:-}; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	# an unreadable directory would stop Bats from cleaning up
	chmod -R u+rwx "$BATS_TEST_TMPDIR" 2>/dev/null
	true
}

# ---- input generators: gen_NAME PATH [ARGS...] writes the input at PATH;
# ---- status 77 means the input cannot be made here (the case is skipped).

gen_random() { head -c "$2" /dev/urandom > "$1"; printf '\0' >> "$1"; }
gen_executable() { cp "$KATIB_BIN" "$1"; }
gen_empty() { : > "$1"; }
gen_directory() { mkdir -p "$1"; }
gen_bom() { { printf '\357\273\277'; cat "$REPO_DIR/examples/good-experiment.yaml"; } > "$1"; }
# gen_text PATH WORDS...: the words, with \n for line breaks
gen_text() { local p=$1; shift; printf '%b\n' "$*" > "$p"; }

# One scalar of N MiB: refused at the scalar limit, without reading it all
# into memory first.
gen_big_scalar() {
	{ printf 'a: "'; head -c "$(($2 << 20))" /dev/zero | tr '\0' x; printf '"\n'; } > "$1"
}

# N MiB of valid Experiments, one document each: all of them are read.
gen_big_stream() {
	local one="$BATS_TEST_TMPDIR/one.yaml" chunk="$BATS_TEST_TMPDIR/chunk.yaml" i
	{ echo '---'; cat "$REPO_DIR/examples/good-experiment.yaml"; } > "$one"
	for i in $(seq 1024); do cat "$one"; done > "$chunk"
	# whole documents only, as many as fit in N MiB
	local n=$((($2 << 20) / $(wc -c < "$chunk")))
	for i in $(seq "$n"); do cat "$chunk"; done > "$1"
}

gen_deep_flow() {
	{ printf 'a: '; head -c "$2" /dev/zero | tr '\0' '['; head -c "$2" /dev/zero | tr '\0' ']'; echo; } > "$1"
}
gen_deep_json() {
	{ printf '{"a": '; head -c "$2" /dev/zero | tr '\0' '['; head -c "$2" /dev/zero | tr '\0' ']'; echo '}'; } > "$1"
}
gen_deep_block() {
	awk -v n="$2" 'BEGIN { s = ""; for (i = 0; i < n; i++) { print s "k:"; s = s " " } print s "v" }' > "$1"
}
# A document nested N deep, then a valid Experiment: reading resumes after
# the limit without parsing the rest of the deep one.
gen_deep_then_good() {
	gen_deep_flow "$1" "$2"
	{ echo '---'; cat "$REPO_DIR/examples/good-experiment.yaml"; } >> "$1"
}
# gen_deep_review PATH N: an AdmissionReview whose object nests N lists
# deep; gen_deep_suggestion the same for a suggestion-service request.
deep_lists() { head -c "$1" /dev/zero | tr '\0' '['; head -c "$1" /dev/zero | tr '\0' ']'; }
gen_deep_review() {
	{
		printf '{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", '
		printf '"request": {"uid": "1", "operation": "CREATE", "object": {"spec": '
		deep_lists "$2"
		echo '}}}'
	} > "$1"
}
gen_deep_suggestion() { { printf '{"experiment": {"spec": '; deep_lists "$2"; echo '}}'; } > "$1"; }
# gen_deep_recording DIR N: a recorded cluster with one file nested N deep.
gen_deep_recording() {
	mkdir -p "$1"
	cp "$TESTS_DIR"/data/explain/common/* "$TESTS_DIR"/data/explain/healthy/* "$1/"
	gen_deep_flow "$1/zz-deep.yaml" "$2"
}
# gen_recording_read_error DIR: a recording one of whose files cannot be
# read (a link to /proc/self/mem, whose first page is unmapped: EIO).
gen_recording_read_error() {
	mkdir -p "$1"
	cp "$TESTS_DIR"/data/explain/common/* "$TESTS_DIR"/data/explain/healthy/* "$1/"
	ln -s /proc/self/mem "$1/zz.yaml"
}
# gen_trials_jobs_recording DIR N: hpo's recording with N small Trials and
# the N Jobs Katib made for them.  Matching each Job (and pod, and event)
# to its Trial by scanning every Trial is quadratic: minutes at 50,000.
gen_trials_jobs_recording() {
	mkdir -p "$1"
	cp "$TESTS_DIR"/data/status/cluster/{namespaces,hpo-experiment,hpo-suggestion}.yaml "$1/"
	awk -v n="$2" 'BEGIN {
		print "apiVersion: v1"; print "kind: List"; print "items:"
		for (i = 1; i <= n; i++)
			printf "  - {apiVersion: kubeflow.org/v1beta1, kind: Trial, metadata: {name: hpo-t%06d, namespace: ml, labels: {katib.kubeflow.org/experiment: hpo}}, status: {conditions: [{type: Running, status: \"True\"}]}}\n", i
	}' > "$1/trials.yaml"
	awk -v n="$2" 'BEGIN {
		print "apiVersion: v1"; print "kind: List"; print "items:"
		for (i = 1; i <= n; i++)
			printf "  - {apiVersion: batch/v1, kind: Job, metadata: {name: hpo-t%06d, namespace: ml}, status: {conditions: [{type: Complete, status: \"True\"}]}}\n", i
	}' > "$1/jobs.yaml"
}
gen_many_docs() { yes -- '---' | head -n "$2" > "$1"; }

gen_dir_loop() {
	mkdir -p "$1/a"
	ln -s .. "$1/a/up"
	cp "$REPO_DIR/examples/good-experiment.yaml" "$1/a/x.yaml"
}
gen_file_loop() {
	ln -s "$1.other" "$1"
	ln -s "$1" "$1.other"
}
# A FIFO nobody writes to, named like a manifest: opening it would block.
gen_fifo_dir() {
	mkdir -p "$1"
	mkfifo "$1/pipe.yaml" || return 77
	cp "$REPO_DIR/examples/good-experiment.yaml" "$1/x.yaml"
}
# Permissions do not stop root.
gen_unreadable() {
	[ "$(id -u)" -ne 0 ] || return 77
	cp "$REPO_DIR/examples/good-experiment.yaml" "$1"
	chmod 000 "$1"
}
gen_unreadable_dir() {
	[ "$(id -u)" -ne 0 ] || return 77
	mkdir -p "$1"
	cp "$REPO_DIR/examples/good-experiment.yaml" "$1/x.yaml"
	chmod 000 "$1"
}

# gen_exec PATH SCRIPT...: a kubeconfig at PATH whose user's credential
# plugin runs SCRIPT; the cluster is never reached unless the plugin
# succeeds.
gen_exec() {
	local p=$1
	shift
	printf '#!/bin/sh\n%s\n' "$*" > "$p.plugin"
	chmod +x "$p.plugin"
	exec_kubeconfig "$p" "$p.plugin"
}
gen_exec_missing() { exec_kubeconfig "$1" "$1.no-such-plugin"; }
exec_kubeconfig() {
	cat > "$1" <<-EOF
	current-context: x
	contexts: [{name: x, context: {cluster: c, user: u, namespace: team-a}}]
	clusters: [{name: c, cluster: {server: "http://127.0.0.1:9"}}]
	users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: "$2"}}}]
	EOF
}

# gen_replay PATH FAULT: a kubeconfig at PATH for a replay server with a
# healthy Experiment team-a/mnist and a katib-config, which injects FAULT.
gen_replay() {
	replay_cluster
	replay_start "$1" --fault "$2"
}

replay_cluster() {
	local dir="$BATS_TEST_TMPDIR/cluster"
	rm -rf "$dir"
	mkdir -p "$dir/explain" "$dir/facts"
	cp -R "$TESTS_DIR/data/explain/common/." "$TESTS_DIR/data/explain/healthy/." "$dir/explain/"
	cp "$TESTS_DIR/data/cluster-facts/katib-config.yaml" "$dir/facts/"
}

# replay_start KUBECONFIG ARGS...: serves the cluster replay_cluster made.
replay_start() {
	local cfg=$1
	shift
	"$KATIB_REPLAY" serve "$BATS_TEST_TMPDIR/cluster" --kubeconfig-out "$cfg" "$@" \
		> "$BATS_TEST_TMPDIR/replay.out" 2>&1 &
	REPLAY_PIDS="${REPLAY_PIDS:-} $!"
	for _ in $(seq 100); do [ -s "$cfg" ] && break; sleep 0.05; done
	[ -s "$cfg" ]
}

# gen_replay_escape PATH: the same cluster, whose Experiment's condition
# message carries terminal escapes.
gen_replay_escape() {
	replay_cluster
	sed -i 's/message: Experiment is running,/message: "Experiment \\e]0;pwned\\a\\e[2Jis running",/' \
		"$BATS_TEST_TMPDIR/cluster/explain/experiment.yaml"
	grep -q 'pwned' "$BATS_TEST_TMPDIR/cluster/explain/experiment.yaml" || return 1
	replay_start "$1"
}

# ---- the runner

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; printf '%s' "${s%"${s##*[![:space:]]}"}"; }

export -f katib
export KATIB_BIN TESTS_DIR KATIB_VALGRIND

# run_case LINE: runs one catalogue case; prints why and returns 1 if the
# user would see something else, returns 77 if it cannot run here.
run_case() {
	local name input want expect command
	IFS='|' read -r name input want expect command <<< "${1// | /|}"
	name=$(trim "$name") input=$(trim "$input") want=$(trim "$want")
	expect=$(trim "$expect") command=$(trim "$command")
	local work="$BATS_TEST_TMPDIR/$name" in ext=yaml good rc=0
	mkdir -p "$work"
	case "$input" in
	file:*)	in="$TESTS_DIR/data/hostile/${input#file:}" ;;
	gen:*)	local gen=${input#gen:} fn args
		fn=${gen%% *}
		args=${gen#"$fn"}
		[ "$fn" = deep_json ] && ext=json
		in="$work/input.$ext"
		# shellcheck disable=SC2086 # the arguments are words by design
		if [ -z "$args" ]; then "gen_$fn" "$in" || rc=$?
		elif [ "$fn" = exec ] || [ "$fn" = text ]; then "gen_$fn" "$in" "$(trim "$args")" || rc=$?
		else "gen_$fn" "$in" $args || rc=$?
		fi
		[ "$rc" -eq 77 ] && return 77
		[ "$rc" -eq 0 ] || { echo "$name: the input could not be made ($rc)"; return 1; } ;;
	-)	in= ;;
	*)	echo "$name: unknown input '$input'"; return 1 ;;
	esac
	good="$BATS_TEST_TMPDIR/good.yaml"
	sed 's/^  namespace: kubeflow$/  namespace: team-a/' "$REPO_DIR/examples/good-experiment.yaml" > "$good"
	local -a words args=()
	read -r -a words <<< "$command"
	local w stdin=/dev/null redirect=
	for w in "${words[@]}"; do
		w=${w//\{in\}/$in}
		w=${w//\{good\}/$good}
		w=${w//\{tmp\}/$work}
		# "< FILE" as the last words: the command reads FILE as stdin
		if [ "$w" = "<" ]; then redirect=1; continue; fi
		if [ -n "$redirect" ]; then stdin=$w; continue; fi
		args+=("$w")
	done
	cd "$work"
	run --separate-stderr timeout "$LIMIT" bash -c 'katib "$@"' katib "${args[@]}" < "$stdin"
	cd "$BATS_TEST_TMPDIR"
	if [ "$status" -eq 124 ]; then
		echo "$name: still running after ${LIMIT}s"
		return 1
	fi
	if [ "$status" -ge 126 ]; then
		printf '%s: crashed or leaked (exit %s)\n%s\n' "$name" "$status" "$stderr"
		return 1
	fi
	if [ "$status" -ne "$want" ]; then
		printf '%s: exit %s, want %s\nstdout: %s\nstderr: %s\n' "$name" "$status" "$want" \
			"$(head -c 2000 <<< "$output")" "$(head -c 2000 <<< "$stderr")"
		return 1
	fi
	# Hostile bytes must not reach a terminal: no control character but
	# tab and newline (colour is off), whatever the input held.
	local controls=$'[\001-\010\013-\037\177]'
	if [[ "$output$stderr" =~ $controls ]]; then
		printf '%s: a control character in the output\nstdout: %q\nstderr: %q\n' \
			"$name" "$(head -c 2000 <<< "$output")" "$(head -c 2000 <<< "$stderr")"
		return 1
	fi
	if [[ "$output$stderr" != *"$expect"* ]]; then
		printf '%s: no "%s" in\nstdout: %s\nstderr: %s\n' "$name" "$expect" \
			"$(head -c 2000 <<< "$output")" "$(head -c 2000 <<< "$stderr")"
		return 1
	fi
}

# run_group GROUP: every case of the group; fails listing each case that
# failed, after running them all.
run_group() {
	local line failed=() ran=0 skipped=0 rc
	while IFS= read -r line; do
		[[ -z "$line" || "$line" == \#* ]] && continue
		[[ "$line" == "$1-"* ]] || continue
		rc=0
		run_case "$line" || rc=$?
		case $rc in
		0) ran=$((ran + 1)) ;;
		77) skipped=$((skipped + 1)); echo "# ${line%% *}: cannot be made here" ;;
		*) failed+=("${line%% *}") ;;
		esac
	done < "$CATALOGUE"
	echo "# $1: $ran passed, ${#failed[@]} failed, $skipped not applicable"
	[ "${#failed[@]}" -eq 0 ] || { echo "failed: ${failed[*]}"; return 1; }
	[ "$ran" -gt 0 ]
}

@test "the catalogue: at least 40 cases, each in a tested group, names unique" {
	local names
	names=$(grep -v '^#' "$CATALOGUE" | grep . | sed 's/ .*//')
	[ "$(wc -l <<< "$names")" -ge 40 ]
	[ -z "$(sort <<< "$names" | uniq -d)" ]
	local n g ok
	for n in $names; do
		ok=
		for g in $GROUPS_TESTED; do [[ "$n" == "$g-"* ]] && ok=1; done
		[ -n "$ok" ] || { echo "$n is in no tested group"; return 1; }
	done
	# five fields each
	! grep -v '^#' "$CATALOGUE" | grep . | awk -F' [|] ' 'NF != 5 { print; bad = 1 } END { exit !bad }'
}

@test "hostile YAML: encodings, binaries, sizes, nesting, aliases, merge keys, empty streams" {
	run_group yaml
}

@test "hostile values: huge numbers, .nan and .inf, wrong types, duplicate keys" {
	run_group value
}

@test "hostile file systems: symlink loops, FIFOs, unreadable and missing files" {
	run_group fs
}

@test "hostile kubeconfigs" {
	run_group kubeconfig
}

@test "hostile credential plugins" {
	run_group exec
}

@test "hostile API responses" {
	run_group api
}

@test "hostile AdmissionReviews and suggestion-service requests" {
	run_group review
}

@test "C1 controls (UTF-8 c2 80 to c2 9f) never reach the output; other c2 characters do" {
	# \xc2\x9b is the one-byte CSI of C1: a terminal takes what follows
	# as an escape sequence.  \xc2\xa0 (no-break space) is printable.
	printf 'apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nmetadata:\n  name: "a\xc2\x9b31mb\xc2\xa0c"\n' \
		> "$BATS_TEST_TMPDIR/c1.yaml"
	run -2 "$KATIB_BIN" validate --color=never "$BATS_TEST_TMPDIR/c1.yaml"
	assert_output --partial $'  name: "a?31mb\xc2\xa0c"'
	refute_output --partial $'\xc2\x9b'
}
