#!/usr/bin/env bats
# Every API failure mode (tests/data/faults/table) ends every command that
# talks to a cluster with one clear line and exit 3: explain experiment,
# create, create --dry-run=server and validate --cluster-facts.  Nothing
# reaches stdout, and nothing waits past --request-timeout.

bats_require_minimum_version 1.5.0
load lib/common

TABLE="$TESTS_DIR/data/faults/table"
LIMIT=30
[ -n "${KATIB_VALGRIND:-}" ] && LIMIT=600

setup() {
	CLUSTER="$BATS_TEST_TMPDIR/cluster"
	mkdir -p "$CLUSTER/explain" "$CLUSTER/facts"
	cp -R "$TESTS_DIR/data/explain/common/." "$TESTS_DIR/data/explain/healthy/." "$CLUSTER/explain/"
	cp "$TESTS_DIR/data/cluster-facts/katib-config.yaml" "$CLUSTER/facts/"
	# create makes mnist-random in team-a, which the recording lacks
	GOOD="$BATS_TEST_TMPDIR/good.yaml"
	sed 's/^  namespace: kubeflow$/  namespace: team-a/' "$REPO_DIR/examples/good-experiment.yaml" > "$GOOD"
}

teardown() {
	stop_server
	true
}

stop_server() {
	replay_kill
	REPLAY_PID=
}

# make_pki DIR: a CA and a certificate for a name that is not 127.0.0.1.
make_pki() {
	[ -s "$1/server.crt" ] && return 0
	mkdir -p "$1"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca \
		-keyout "$1/ca.key" -out "$1/ca.crt" 2>/dev/null &&
	openssl req -newkey rsa:2048 -nodes -subj /CN=replay -keyout "$1/server.key" \
		-out "$1/server.csr" 2>/dev/null &&
	printf 'subjectAltName=DNS:elsewhere.test\n' > "$1/san" &&
	openssl x509 -req -in "$1/server.csr" -CA "$1/ca.crt" -CAkey "$1/ca.key" \
		-CAcreateserial -days 2 -extfile "$1/san" -out "$1/server.crt" 2>/dev/null
}

# serve SERVER-FIELD: starts the failing server; KC is the kubeconfig to use.
serve() {
	local how=${1%% *} arg= cfg extra=()
	[ "$how" != "$1" ] && arg=${1#* }
	case $how in
	fault)	local r
		for r in $arg; do
			# A delay must outlast the request timeout, which
			# run_command stretches from 1 s to 10 s under
			# Valgrind; the server stops only once it is over.
			if [ -n "${KATIB_VALGRIND:-}" ] && [[ "$r" =~ delay=([0-9]+) ]]; then
				r=${r/delay=${BASH_REMATCH[1]}/delay=$((BASH_REMATCH[1] * 3))}
			fi
			extra+=(--fault "$r")
		done ;;
	token|exec) extra=(--token the-right-one) ;;
	tls-name)
		command -v openssl > /dev/null || return 77
		make_pki "$BATS_TEST_TMPDIR/pki" || return 1
		extra=(--tls-cert "$BATS_TEST_TMPDIR/pki/server.crt"
			--tls-key "$BATS_TEST_TMPDIR/pki/server.key"
			--tls-ca "$BATS_TEST_TMPDIR/pki/ca.crt") ;;
	*)	echo "unknown server kind '$how'"; return 1 ;;
	esac
	replay_serve "$CLUSTER" "${extra[@]}" || return 1
	cfg=$REPLAY_CFG KC=$REPLAY_CFG
	case $how in
	token)	sed 's/the-right-one/a-wrong-one/' "$cfg" > "$cfg.wrong"
		KC=$cfg.wrong ;;
	exec)	printf '#!/bin/sh\n%s\n' "$arg" > "$BATS_TEST_TMPDIR/plugin"
		chmod +x "$BATS_TEST_TMPDIR/plugin"
		local server
		server=$(sed -n 's/.*server: //p' "$cfg")
		cat > "$cfg.exec" <<-EOF
		current-context: x
		contexts: [{name: x, context: {cluster: c, user: u}}]
		clusters: [{name: c, cluster: {server: "$server"}}]
		users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: "$BATS_TEST_TMPDIR/plugin"}}}]
		EOF
		KC=$cfg.exec ;;
	esac
}

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; printf '%s' "${s%"${s##*[![:space:]]}"}"; }

export -f katib
export KATIB_BIN TESTS_DIR KATIB_VALGRIND

# run_command CMD: the command CMD of the table against $KC.
run_command() {
	local -a args
	case $1 in
	explain) args=(explain experiment mnist -n team-a) ;;
	create) args=(create -f "$GOOD") ;;
	create-server) args=(create -f "$GOOD" --dry-run=server) ;;
	validate) args=(validate -q --cluster-facts "$GOOD") ;;
	esac
	# Under Valgrind a TLS handshake alone can take more than a second,
	# and the case would time out before the server's answer shows.
	local rt=1s
	[ -n "${KATIB_VALGRIND:-}" ] && rt=10s
	run --separate-stderr timeout "$LIMIT" bash -c 'katib "$@"' katib \
		"${args[@]}" --kubeconfig "$KC" --request-timeout "$rt"
}

# every_fault CMD: runs CMD against each case of the table that names it.
every_fault() {
	local line name server cmds want message failed=() n=0 rc
	while IFS= read -r line; do
		[[ -z "$line" || "$line" == \#* ]] && continue
		IFS='|' read -r name server cmds want message <<< "${line// | /|}"
		name=$(trim "$name") server=$(trim "$server") cmds=" $(trim "$cmds") "
		want=$(trim "$want") message=$(trim "$message")
		[[ "$cmds" == " all " || "$cmds" == *" $1 "* ]] || continue
		rc=0
		serve "$server" || rc=$?
		if [ "$rc" -eq 77 ]; then
			echo "# $name: cannot be set up here"
			stop_server
			continue
		fi
		[ "$rc" -eq 0 ] || { failed+=("$name"); echo "$name: no server"; stop_server; continue; }
		run_command "$1"
		stop_server
		n=$((n + 1))
		if [ "$status" -ne "$want" ] || [ -n "$output" ] ||
		   [ "$(printf '%s\n' "$stderr" | wc -l)" -ne 1 ] ||
		   [[ "$stderr" != *"$message"* ]]; then
			printf '%s: exit %s (want %s)\nstdout: %s\nstderr: %s\n' \
				"$name" "$status" "$want" "$output" "$stderr"
			failed+=("$name")
		fi
	done < "$TABLE"
	echo "# $1: $n cases, ${#failed[@]} failed"
	[ "${#failed[@]}" -eq 0 ] || { echo "failed: ${failed[*]}"; return 1; }
	[ "$n" -gt 0 ]
}

@test "explain experiment: every API failure is one line and exit 3" {
	every_fault explain
}

@test "create: every API failure is one line and exit 3" {
	every_fault create
}

@test "create --dry-run=server: every API failure is one line and exit 3" {
	every_fault create-server
}

@test "validate --cluster-facts: every API failure is one line and exit 3" {
	every_fault validate
}

@test "a fault path ending in \$ hits that path, not one under it or one that differs in its last character" {
	replay_serve "$CLUSTER" --fault 'path=/api/v1/namespaces/team-a$,status=403'
	run -0 curl -s -o /dev/null -w '%{http_code}' "$REPLAY_URL/api/v1/namespaces/team-a"
	assert_output 403
	run -0 curl -s -o /dev/null -w '%{http_code}' "$REPLAY_URL/api/v1/namespaces/team-b"
	refute_output 403
	run -0 curl -s -o /dev/null -w '%{http_code}' "$REPLAY_URL/api/v1/namespaces/team-a/pods"
	assert_output 200
}
