#!/usr/bin/env bats
# Credentials never reach stdout, stderr or a -v trace: a bearer token, a
# client key, an exec credential's token and a password in a server URL,
# from the kubeconfig; a password in an Experiment's env or args, from
# the manifest and from the cluster.  Every command that talks to a
# cluster or prints objects is run with each, at -v 0 and -v 8, on
# success and on failure.

bats_require_minimum_version 1.5.0
load lib/common

# Distinct, so a leak says which secret leaked.
TOKEN=tok-8f3kq0-bearer
EXEC_TOKEN=tok-71xzpp-exec
URL_PASSWORD=pw-2m9vlr-url
ENV_PASSWORD=pw-q4n8sd-env
ARG_PASSWORD=pw-c6w1hy-arg

setup() {
	CLUSTER="$BATS_TEST_TMPDIR/cluster"
	mkdir -p "$CLUSTER/explain" "$CLUSTER/facts"
	cp -R "$TESTS_DIR/data/explain/common/." "$TESTS_DIR/data/explain/healthy/." "$CLUSTER/explain/"
	cp "$TESTS_DIR/data/cluster-facts/katib-config.yaml" "$CLUSTER/facts/"
	# The recorded Experiment and the manifest both carry the passwords.
	plant_passwords "$CLUSTER/explain/experiment.yaml"
	MANIFEST="$BATS_TEST_TMPDIR/experiment.yaml"
	sed 's/^  namespace: kubeflow$/  namespace: team-a/' "$REPO_DIR/examples/good-experiment.yaml" > "$MANIFEST"
	plant_passwords "$MANIFEST"
	grep -q "$ENV_PASSWORD" "$MANIFEST" || return 1
	grep -q "$ARG_PASSWORD" "$CLUSTER/explain/experiment.yaml"
}

teardown() {
	replay_kill
}

# plant_passwords FILE: an env value and an argument on the first container.
plant_passwords() {
	awk -v env="$ENV_PASSWORD" -v arg="$ARG_PASSWORD" '
		!done && /^ *- name: training-container/ {
			print
			ind = $0; sub(/-.*/, "", ind)
			print ind "  env: [{name: DB_PASSWORD, value: \"" env "\"}]"
			print ind "  args: [\"--db-password=" arg "\"]"
			done = 1; next
		}
		{ print }' "$1" > "$1.tmp" && mv "$1.tmp" "$1"
}


# refute_secrets KUBECONFIG SECRET...: runs every command with the
# kubeconfig, at -v 0 and -v 8, and fails if any output has a secret.
refute_secrets() {
	local kc=$1 cmd v s
	shift
	local -a cmds=(
		"validate --cluster-facts $MANIFEST"
		"validate --cluster-facts -o json $MANIFEST"
		"create -f $MANIFEST --dry-run=server"
		"create -f $MANIFEST --dry-run=server -o name"
		"create -f $MANIFEST"
		"explain experiment mnist -n team-a"
		"explain experiment mnist -n team-a -o json"
		"explain experiment nope -n team-a"
	)
	for cmd in "${cmds[@]}"; do
		for v in 0 8; do
			# shellcheck disable=SC2086 # the command is words
			run --separate-stderr katib $cmd --kubeconfig "$kc" -v "$v" --request-timeout 5s
			refute_crash || return 1
			for s in "$@"; do
				if [[ "$output$stderr" == *"$s"* ]]; then
					printf 'leaked %s: %s -v %s (exit %s)\nstdout: %s\nstderr: %s\n' \
						"$s" "$cmd" "$v" "$status" "$output" "$stderr"
					return 1
				fi
			done
		done
	done
}

ALL_SECRETS=("$TOKEN" "$EXEC_TOKEN" "$URL_PASSWORD" "$ENV_PASSWORD" "$ARG_PASSWORD")

@test "a bearer token in the kubeconfig never appears, accepted or refused" {
	replay_serve "$CLUSTER" --token "$TOKEN"
	grep -q "$TOKEN" "$REPLAY_CFG"
	refute_secrets "$REPLAY_CFG" "${ALL_SECRETS[@]}"
	# the server's explain output did run: the check above saw real answers
	run --separate-stderr -0 katib explain experiment mnist -n team-a --kubeconfig "$REPLAY_CFG"
	sed "s/$TOKEN/$TOKEN-but-wrong/" "$REPLAY_CFG" > "$REPLAY_CFG.wrong"
	refute_secrets "$REPLAY_CFG.wrong" "${ALL_SECRETS[@]}"
}

@test "a password in the server URL is masked as kubectl masks it" {
	replay_serve "$CLUSTER"
	sed "s#server: http://#server: http://admin:$URL_PASSWORD@#" "$REPLAY_CFG" > "$REPLAY_CFG.url"
	refute_secrets "$REPLAY_CFG.url" "${ALL_SECRETS[@]}"
	run --separate-stderr -0 katib explain experiment mnist -n team-a --kubeconfig "$REPLAY_CFG.url" -v 6
	[[ "$stderr" == *"trace: GET http://admin:xxxxx@127.0.0.1:"* ]]
	# and when the server is gone, in the error
	teardown
	run --separate-stderr -3 katib explain experiment mnist -n team-a --kubeconfig "$REPLAY_CFG.url"
	[[ "$stderr" == "error: cannot reach http://admin:xxxxx@127.0.0.1:"* ]]
	[[ "$stderr" != *"$URL_PASSWORD"* ]]
}

@test "a client key never appears" {
	command -v openssl > /dev/null || skip "openssl is not installed"
	local d="$BATS_TEST_TMPDIR/pki"
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca \
		-keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -subj /CN=replay -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
	printf 'subjectAltName=IP:127.0.0.1\n' > "$d/san"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
		-days 2 -extfile "$d/san" -out "$d/server.crt" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -subj /CN=tester -keyout "$d/client.key" -out "$d/client.csr" 2>/dev/null
	openssl x509 -req -in "$d/client.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
		-days 2 -out "$d/client.crt" 2>/dev/null
	replay_serve "$CLUSTER" --tls-cert "$d/server.crt" --tls-key "$d/server.key" --tls-ca "$d/ca.crt" --client-ca "$d/ca.crt"
	local key_data key_line
	key_data=$(base64 -w0 < "$d/client.key")
	key_line=$(sed -n 2p "$d/client.key")
	cat > "$BATS_TEST_TMPDIR/kc" <<-EOF
	current-context: x
	contexts: [{name: x, context: {cluster: x, user: me}}]
	clusters: [{name: x, cluster: {server: "$REPLAY_URL", certificate-authority: $d/ca.crt}}]
	users: [{name: me, user: {client-certificate-data: "$(base64 -w0 < "$d/client.crt")", client-key-data: "$key_data"}}]
	EOF
	run --separate-stderr -0 katib explain experiment mnist -n team-a --kubeconfig "$BATS_TEST_TMPDIR/kc"
	refute_secrets "$BATS_TEST_TMPDIR/kc" "${key_data:0:40}" "$key_line" "${ALL_SECRETS[@]}"
	# a key that is not PEM: the error names the field, never the bytes
	sed "s#client-key-data: \"[^\"]*\"#client-key-data: \"$(printf 'not-a-key-%s' "$TOKEN" | base64 -w0)\"#" \
		"$BATS_TEST_TMPDIR/kc" > "$BATS_TEST_TMPDIR/kc.bad"
	refute_secrets "$BATS_TEST_TMPDIR/kc.bad" "$TOKEN" "${ALL_SECRETS[@]}"
}

@test "an exec credential's token never appears, accepted or refused" {
	replay_serve "$CLUSTER" --token "$EXEC_TOKEN"
	cat > "$BATS_TEST_TMPDIR/plugin" <<-EOF
	#!/bin/sh
	printf '{"kind":"ExecCredential","status":{"token":"%s"}}\n' "\$TOKEN_TO_GIVE"
	EOF
	chmod +x "$BATS_TEST_TMPDIR/plugin"
	local t
	for t in "$EXEC_TOKEN" "$EXEC_TOKEN-refused"; do
		cat > "$BATS_TEST_TMPDIR/kc" <<-EOF
		current-context: x
		contexts: [{name: x, context: {cluster: c, user: u}}]
		clusters: [{name: c, cluster: {server: "$REPLAY_URL"}}]
		users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: "$BATS_TEST_TMPDIR/plugin", env: [{name: TOKEN_TO_GIVE, value: "$t"}]}}}]
		EOF
		refute_secrets "$BATS_TEST_TMPDIR/kc" "${ALL_SECRETS[@]}"
	done
	run --separate-stderr -3 katib explain experiment mnist -n team-a --kubeconfig "$BATS_TEST_TMPDIR/kc"
	[ "$stderr" = "error: You must be logged in to the server (Unauthorized)" ]
}

@test "create --dry-run=client prints the Experiment, and no credential of the kubeconfig" {
	replay_serve "$CLUSTER" --token "$TOKEN"
	local v
	for v in 0 8; do
		run --separate-stderr -0 katib create -f "$MANIFEST" --dry-run=client --kubeconfig "$REPLAY_CFG" -v "$v"
		# the object is the output: its env is there, the token is not
		[[ "$output" == *"$ENV_PASSWORD"* ]]
		[[ "$output$stderr" != *"$TOKEN"* ]]
		run --separate-stderr -0 katib create tune --image x.io/t:1 --objective acc --maximize \
			--param lr=double:0.01:0.1 --env "DB_PASSWORD=$ENV_PASSWORD" --dry-run=client \
			--kubeconfig "$REPLAY_CFG" -v "$v" -- python t.py
		[[ "$output$stderr" != *"$TOKEN"* ]]
	done
}
