#!/usr/bin/env bats
# The API client (src/kube.c, src/kubeconfig.c) against the replay server:
# configuration like kubectl's, authentication, pagination, errors.

bats_require_minimum_version 1.5.0
load lib/common

start_replay() {
	# start_replay DIR [--token T]
	replay_serve "$@" --log "$BATS_TEST_TMPDIR/requests.log"
	SERVER=$REPLAY_URL
}

teardown() {
	replay_kill
}

tool() {
	HOME="$BATS_TEST_TMPDIR" "$KATIB_TEST_TOOL" "$@"
}

@test "kubeconfig: KUBECONFIG files merge in order, the first value winning" {
	cat > "$BATS_TEST_TMPDIR/a" <<-'EOF'
	apiVersion: v1
	kind: Config
	current-context: first
	contexts:
	- {name: first, context: {cluster: c1, user: u1, namespace: team-a}}
	clusters:
	- {name: c1, cluster: {server: "https://one.example:6443"}}
	users:
	- {name: u1, user: {token: secret-one}}
	EOF
	cat > "$BATS_TEST_TMPDIR/b" <<-'EOF'
	apiVersion: v1
	kind: Config
	current-context: second
	contexts:
	- {name: second, context: {cluster: c2, user: u1}}
	clusters:
	- {name: c1, cluster: {server: "https://ignored.example"}}
	- {name: c2, cluster: {server: "https://two.example"}}
	EOF
	KUBECONFIG="$BATS_TEST_TMPDIR/a:$BATS_TEST_TMPDIR/missing:$BATS_TEST_TMPDIR/b" run -0 tool kube-config
	assert_line "context: first"
	assert_line "server: https://one.example:6443"
	assert_line "namespace: team-a"
	assert_line "auth: token"
	refute_output --partial "secret-one"
	KUBECONFIG="$BATS_TEST_TMPDIR/a:$BATS_TEST_TMPDIR/b" run -0 tool kube-config --context second
	assert_line "server: https://two.example"
	assert_line "namespace: default"
	KUBECONFIG="$BATS_TEST_TMPDIR/a:$BATS_TEST_TMPDIR/b" run -0 tool kube-config --cluster c2 -n ml
	assert_line "server: https://two.example"
	assert_line "namespace: ml"
	KUBECONFIG="$BATS_TEST_TMPDIR/a" run -3 tool kube-config --context nope
	assert_output --partial "context 'nope' is not in the kubeconfig"
}

@test "kubeconfig: ~/.kube/config, then in-cluster, then a clear error" {
	run -3 env -u KUBECONFIG -u KUBERNETES_SERVICE_HOST HOME="$BATS_TEST_TMPDIR" "$KATIB_TEST_TOOL" kube-config
	assert_output --partial "no kubeconfig: give --kubeconfig, set KUBECONFIG, or create ~/.kube/config"
	run -0 env -u KUBECONFIG HOME="$BATS_TEST_TMPDIR" KUBERNETES_SERVICE_HOST=10.0.0.1 KUBERNETES_SERVICE_PORT=443 \
		"$KATIB_TEST_TOOL" kube-config
	assert_line "server: https://10.0.0.1:443"
	assert_line "source: in-cluster"
	mkdir -p "$BATS_TEST_TMPDIR/.kube"
	printf 'current-context: x\ncontexts: [{name: x, context: {cluster: x}}]\nclusters: [{name: x, cluster: {server: "http://127.0.0.1:1"}}]\n' \
		> "$BATS_TEST_TMPDIR/.kube/config"
	run -0 env -u KUBECONFIG HOME="$BATS_TEST_TMPDIR" "$KATIB_TEST_TOOL" kube-config
	assert_line "server: http://127.0.0.1:1"
}

@test "client: GET an object from the replay server" {
	start_replay "$TESTS_DIR/data/cluster-small"
	run -0 tool kube-get --kubeconfig "$REPLAY_CFG" /apis/kubeflow.org/v1beta1/namespaces/team-a/experiments/mnist-random
	[ "$(printf '%s' "$output" | jq -r .spec.algorithm.algorithmName)" = random ]
}

@test "client: API errors read as kubectl prints them" {
	start_replay "$TESTS_DIR/data/cluster-small"
	run --separate-stderr -1 tool kube-get --kubeconfig "$REPLAY_CFG" /apis/kubeflow.org/v1beta1/namespaces/team-a/experiments/nope
	[ "$stderr" = 'error: Error from server (NotFound): experiments.kubeflow.org "nope" not found' ]
}

@test "client: LIST pages through 1,200 objects 500 at a time" {
	mkdir -p "$BATS_TEST_TMPDIR/many"
	{
		echo 'apiVersion: v1'
		echo 'kind: List'
		echo 'items:'
		for i in $(seq 1200); do
			printf -- '- {apiVersion: v1, kind: Pod, metadata: {name: p%04d, namespace: big, labels: {n: "%d"}}}\n' "$i" $((i % 2))
		done
	} > "$BATS_TEST_TMPDIR/many/pods.yaml"
	start_replay "$BATS_TEST_TMPDIR/many"
	run -0 tool kube-list --kubeconfig "$REPLAY_CFG" /api/v1/namespaces/big/pods
	assert_line "1200 items in 3 requests"
	assert_line "big/p0001"
	assert_line "big/p1200"
	run -0 tool kube-list --kubeconfig "$REPLAY_CFG" -l n=1 /api/v1/namespaces/big/pods
	assert_line "600 items in 2 requests"
}

@test "client: bearer token, and a refused one says Unauthorized without the token" {
	start_replay "$TESTS_DIR/data/cluster-small" --token s3cr3t-t0ken
	run -0 tool kube-get --kubeconfig "$REPLAY_CFG" /api/v1/namespaces/team-a/pods/mnist-random-abc12345-x7k2p
	sed 's/s3cr3t-t0ken/wrong-t0ken/' "$REPLAY_CFG" > "$BATS_TEST_TMPDIR/wrong"
	run --separate-stderr -3 tool kube-get --kubeconfig "$BATS_TEST_TMPDIR/wrong" /api/v1/namespaces/team-a/pods/x
	[ "$stderr" = "error: You must be logged in to the server (Unauthorized)" ]
	[[ "$output$stderr" != *wrong-t0ken* ]]
}

@test "client: exec credential plugins run directly, with KUBERNETES_EXEC_INFO" {
	start_replay "$TESTS_DIR/data/cluster-small" --token from-plugin
	cat > "$BATS_TEST_TMPDIR/cred" <<-'EOF'
	#!/bin/sh
	# A credential plugin as EKS and GKE ship them: reads its exec info
	# and prints an ExecCredential.
	case "$KUBERNETES_EXEC_INFO" in *'"kind":"ExecCredential"'*) ;; *) echo "no exec info" >&2; exit 1 ;; esac
	[ "$1" = "--cluster" ] && [ "$2" = "a b;c" ] || { echo "bad arguments: $*" >&2; exit 1; }
	echo "$PLUGIN_MARK" >> "$RUNS_FILE"
	printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-plugin","expirationTimestamp":"2099-01-01T00:00:00Z"}}\n'
	EOF
	chmod +x "$BATS_TEST_TMPDIR/cred"
	cat > "$BATS_TEST_TMPDIR/kc" <<-EOF
	apiVersion: v1
	kind: Config
	current-context: r
	contexts: [{name: r, context: {cluster: r, user: plugin}}]
	clusters: [{name: r, cluster: {server: "$SERVER"}}]
	users:
	- name: plugin
	  user:
	    exec:
	      apiVersion: client.authentication.k8s.io/v1
	      command: $BATS_TEST_TMPDIR/cred
	      args: ["--cluster", "a b;c"]
	      env: [{name: PLUGIN_MARK, value: ran}, {name: RUNS_FILE, value: "$BATS_TEST_TMPDIR/runs"}]
	EOF
	run -0 tool kube-list --kubeconfig "$BATS_TEST_TMPDIR/kc" /api/v1/namespaces/team-a/pods
	assert_line "2 items in 1 requests"
	[ "$(cat "$BATS_TEST_TMPDIR/runs")" = ran ]
	sed -i 's/exit 1 ;; esac/exit 1 ;; esac\necho "token expired, log in again" >\&2; exit 4/' "$BATS_TEST_TMPDIR/cred"
	run --separate-stderr -3 tool kube-list --kubeconfig "$BATS_TEST_TMPDIR/kc" /api/v1/namespaces/team-a/pods
	[[ "$stderr" == *"the credential plugin '$BATS_TEST_TMPDIR/cred' failed (exit 4): token expired, log in again"* ]]
}

@test "client: an unreachable server fails fast with a clear message" {
	printf 'current-context: x\ncontexts: [{name: x, context: {cluster: x}}]\nclusters: [{name: x, cluster: {server: "http://127.0.0.1:9"}}]\n' \
		> "$BATS_TEST_TMPDIR/kc"
	run --separate-stderr -3 tool kube-get --kubeconfig "$BATS_TEST_TMPDIR/kc" /api/v1/namespaces/x/pods/y
	[[ "$stderr" == "error: cannot reach http://127.0.0.1:9/api/v1/namespaces/x/pods/y: "* ]]
}

@test "client: libcurl is loaded only to talk to a cluster, and its absence is explained" {
	printf 'current-context: x\ncontexts: [{name: x, context: {cluster: x}}]\nclusters: [{name: x, cluster: {server: "http://127.0.0.1:9"}}]\n' \
		> "$BATS_TEST_TMPDIR/kubeconfig"
	# The dynamic loader finds this unusable libcurl before the system's.
	mkdir "$BATS_TEST_TMPDIR/lib"
	: > "$BATS_TEST_TMPDIR/lib/libcurl.so.4"
	LD_LIBRARY_PATH="$BATS_TEST_TMPDIR/lib" run --separate-stderr -3 katib explain experiment mnist
	[[ "$stderr" == "error: cannot load libcurl.so.4: "*"; install libcurl4" ]]
	LD_LIBRARY_PATH="$BATS_TEST_TMPDIR/lib" run -0 katib validate -q --no-config \
		"$REPO_DIR/examples/good-experiment.yaml"
	# Nothing links it: offline commands start without it.
	run -0 readelf -d "$KATIB_BIN"
	refute_output --partial libcurl
}

# make_pki DIR: a CA, a server certificate for 127.0.0.1, a client one.
make_pki() {
	local d=$1
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca \
		-keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -subj /CN=replay -keyout "$d/server.key" \
		-out "$d/server.csr" 2>/dev/null
	printf 'subjectAltName=IP:127.0.0.1,DNS:replay.test\n' > "$d/san"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
		-CAcreateserial -days 2 -extfile "$d/san" -out "$d/server.crt" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -subj /CN=tester -keyout "$d/client.key" \
		-out "$d/client.csr" 2>/dev/null
	openssl x509 -req -in "$d/client.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
		-CAcreateserial -days 2 -out "$d/client.crt" 2>/dev/null
}

@test "client: TLS with the CA as a file and as data, and insecure-skip-tls-verify" {
	command -v openssl >/dev/null || skip "openssl is not installed"
	pki="$BATS_TEST_TMPDIR/pki"
	make_pki "$pki"
	start_replay "$TESTS_DIR/data/cluster-small" --tls-cert "$pki/server.crt" --tls-key "$pki/server.key" --tls-ca "$pki/ca.crt"
	[[ "$SERVER" == https://127.0.0.1:* ]]
	run -0 tool kube-list --kubeconfig "$REPLAY_CFG" /api/v1/namespaces/team-a/pods
	assert_line "2 items in 1 requests"
	ca_data=$(base64 -w0 < "$pki/ca.crt")
	printf 'current-context: x\ncontexts: [{name: x, context: {cluster: x}}]\nclusters: [{name: x, cluster: {server: "%s", certificate-authority-data: "%s"}}]\n' \
		"$SERVER" "$ca_data" > "$BATS_TEST_TMPDIR/kc-data"
	run -0 tool kube-list --kubeconfig "$BATS_TEST_TMPDIR/kc-data" /api/v1/namespaces/team-a/pods
	printf 'current-context: x\ncontexts: [{name: x, context: {cluster: x}}]\nclusters: [{name: x, cluster: {server: "%s"}}]\n' \
		"$SERVER" > "$BATS_TEST_TMPDIR/kc-none"
	run --separate-stderr -3 tool kube-list --kubeconfig "$BATS_TEST_TMPDIR/kc-none" /api/v1/namespaces/team-a/pods
	[[ "$stderr" == *"cannot reach $SERVER"* ]]
	printf 'current-context: x\ncontexts: [{name: x, context: {cluster: x}}]\nclusters: [{name: x, cluster: {server: "%s", insecure-skip-tls-verify: true}}]\n' \
		"$SERVER" > "$BATS_TEST_TMPDIR/kc-insecure"
	run -0 tool kube-list --kubeconfig "$BATS_TEST_TMPDIR/kc-insecure" /api/v1/namespaces/team-a/pods
}

@test "client: client certificate authentication, from files and from data" {
	command -v openssl >/dev/null || skip "openssl is not installed"
	pki="$BATS_TEST_TMPDIR/pki"
	make_pki "$pki"
	start_replay "$TESTS_DIR/data/cluster-small" --tls-cert "$pki/server.crt" --tls-key "$pki/server.key" \
		--tls-ca "$pki/ca.crt" --client-ca "$pki/ca.crt"
	run --separate-stderr -3 tool kube-list --kubeconfig "$REPLAY_CFG" /api/v1/namespaces/team-a/pods
	[ "$stderr" = "error: You must be logged in to the server (Unauthorized)" ]
	cat > "$BATS_TEST_TMPDIR/kc-files" <<-EOF
	current-context: x
	contexts: [{name: x, context: {cluster: x, user: me}}]
	clusters: [{name: x, cluster: {server: "$SERVER", certificate-authority: pki/ca.crt}}]
	users: [{name: me, user: {client-certificate: pki/client.crt, client-key: pki/client.key}}]
	EOF
	run -0 tool kube-list --kubeconfig "$BATS_TEST_TMPDIR/kc-files" /api/v1/namespaces/team-a/pods
	cat > "$BATS_TEST_TMPDIR/kc-data" <<-EOF
	current-context: x
	contexts: [{name: x, context: {cluster: x, user: me}}]
	clusters: [{name: x, cluster: {server: "$SERVER", certificate-authority: $pki/ca.crt}}]
	users: [{name: me, user: {client-certificate-data: "$(base64 -w0 < "$pki/client.crt")", client-key-data: "$(base64 -w0 < "$pki/client.key")"}}]
	EOF
	run -0 tool kube-list --kubeconfig "$BATS_TEST_TMPDIR/kc-data" /api/v1/namespaces/team-a/pods
	assert_line "2 items in 1 requests"
}

@test "client: 5xx and 429 are retried, 429 after Retry-After" {
	start_replay "$TESTS_DIR/data/cluster-small" --fault 'path=/pods,status=503,times=2' \
		--fault 'path=/experiments,status=429,times=1'
	run -0 tool kube-list --kubeconfig "$REPLAY_CFG" /api/v1/namespaces/team-a/pods
	assert_line "2 items in 1 requests"
	[ "$(grep -c '/pods' "$BATS_TEST_TMPDIR/requests.log")" -eq 3 ]
	SECONDS=0
	run -0 tool kube-get --kubeconfig "$REPLAY_CFG" /apis/kubeflow.org/v1beta1/namespaces/team-a/experiments/mnist-random
	[ "$SECONDS" -ge 1 ]
}

@test "client: every injected fault ends in one clear message and exit 3" {
	start_replay "$TESTS_DIR/data/cluster-small" \
		--fault 'path=/a500,status=500' --fault 'path=/a403,status=403' \
		--fault 'path=/a409,status=409' --fault 'path=/reset,reset' \
		--fault 'path=/trunc,truncate' --fault 'path=/slow,delay=3000'
	run --separate-stderr -3 tool kube-get --kubeconfig "$REPLAY_CFG" /api/v1/namespaces/a500/pods/x
	[ "$stderr" = "error: Error from server (InternalError): injected fault: HTTP 500" ]
	run --separate-stderr -3 tool kube-get --kubeconfig "$REPLAY_CFG" /api/v1/namespaces/a403/pods/x
	[ "$stderr" = "error: Error from server (Forbidden): injected fault: HTTP 403" ]
	run --separate-stderr -3 tool kube-get --kubeconfig "$REPLAY_CFG" /api/v1/namespaces/a409/pods/x
	[ "$stderr" = "error: Error from server (AlreadyExists): injected fault: HTTP 409" ]
	run --separate-stderr -3 tool kube-get --kubeconfig "$REPLAY_CFG" /api/v1/namespaces/reset/pods/x
	[[ "$stderr" == "error: cannot reach $SERVER/api/v1/namespaces/reset/pods/x: "* ]]
	run --separate-stderr -3 tool kube-list --kubeconfig "$REPLAY_CFG" /api/v1/namespaces/trunc/pods
	[ "$stderr" = "error: the server's answer is not JSON" ]
	SECONDS=0
	run --separate-stderr -3 tool kube-get --timeout 500 --kubeconfig "$REPLAY_CFG" /api/v1/namespaces/slow/pods/x
	[[ "$stderr" == *"Timeout was reached"* ]] || [[ "$stderr" == *"timed out"* ]]
	[ "$SECONDS" -lt 15 ]
	[ -z "$output" ]
}

@test "client: events of one object through a field selector" {
	start_replay "$TESTS_DIR/data/cluster-admission"
	run -0 tool kube-list --kubeconfig "$REPLAY_CFG" /api/v1/namespaces/team-a/events
	assert_line "2 items in 1 requests"
	HOME="$BATS_TEST_TMPDIR" run -0 "$KATIB_TEST_TOOL" kube-list --kubeconfig "$REPLAY_CFG" \
		-l '' /api/v1/namespaces/team-a/events?fieldSelector=involvedObject.name%3Dtrial-a
	assert_line "team-a/trial-a.1"
	assert_line "1 items in 1 requests"
}

@test "replay: a recorded AdmissionReview denial answers a matching create" {
	command -v kubectl >/dev/null || skip "kubectl is not installed"
	start_replay "$TESTS_DIR/data/cluster-admission"
	printf 'apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nmetadata: {name: 1bad, namespace: team-a}\nspec: {}\n' > "$BATS_TEST_TMPDIR/e.yaml"
	run --separate-stderr -1 env HOME="$BATS_TEST_TMPDIR" kubectl --kubeconfig "$REPLAY_CFG" create --validate=false -f "$BATS_TEST_TMPDIR/e.yaml"
	[[ "$stderr" == *'admission webhook "validator.experiment.katib.kubeflow.org" denied the request: metadata.name: Invalid value: "1bad"'* ]]
	sed 's/1bad/good-name/' "$BATS_TEST_TMPDIR/e.yaml" > "$BATS_TEST_TMPDIR/ok.yaml"
	run --separate-stderr -0 env HOME="$BATS_TEST_TMPDIR" kubectl --kubeconfig "$REPLAY_CFG" create --validate=false -f "$BATS_TEST_TMPDIR/ok.yaml"
}

@test "replay: a review of an object without a name is allowed, and the server lives on" {
	start_replay "$TESTS_DIR/data/cluster-admission"
	for object in '{"kind":"Experiment","metadata":{"generateName":"e-"}}' \
		'{"kind":"Experiment","metadata":{"name":{"a":1}}}' '{"metadata":{"name":"1bad"}}'; do
		run curl -s -X POST -H 'Content-Type: application/json' \
			-d '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1","operation":"CREATE","namespace":"team-a","object":'"$object"'}}' \
			"$SERVER/validate-experiment"
		assert_success
		assert_output '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u1","allowed":true}}'
	done
	run -0 tool kube-list --kubeconfig "$REPLAY_CFG" /api/v1/namespaces/team-a/events
}

@test "client: tls-server-name verifies a name other than the server's address" {
	command -v openssl >/dev/null || skip "openssl is not installed"
	d="$BATS_TEST_TMPDIR/pki"
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -subj /CN=replay -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
	printf 'subjectAltName=DNS:api.replay.test\n' > "$d/san"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
		-extfile "$d/san" -out "$d/server.crt" 2>/dev/null
	start_replay "$TESTS_DIR/data/cluster-small" --tls-cert "$d/server.crt" --tls-key "$d/server.key" --tls-ca "$d/ca.crt"
	run --separate-stderr -3 tool kube-list --kubeconfig "$REPLAY_CFG" /api/v1/namespaces/team-a/pods
	sed 's|    certificate-authority:|    tls-server-name: api.replay.test\n    certificate-authority:|' "$REPLAY_CFG" > "$BATS_TEST_TMPDIR/kc"
	run -0 tool kube-list --kubeconfig "$BATS_TEST_TMPDIR/kc" /api/v1/namespaces/team-a/pods
	assert_line "2 items in 1 requests"
}

@test "client: an exec credential the server refuses is fetched once more (v1beta1)" {
	start_replay "$TESTS_DIR/data/cluster-small" --token second
	cat > "$BATS_TEST_TMPDIR/cred" <<-'EOF'
	#!/bin/sh
	n=$(cat "$RUNS_FILE" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "$RUNS_FILE"
	case "$KUBERNETES_EXEC_INFO" in *v1beta1*) ;; *) exit 1 ;; esac
	if [ $n -eq 1 ]; then t=first; else t=second; fi
	printf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"%s"}}\n' $t
	EOF
	chmod +x "$BATS_TEST_TMPDIR/cred"
	cat > "$BATS_TEST_TMPDIR/kc" <<-EOF
	current-context: r
	contexts: [{name: r, context: {cluster: r, user: p}}]
	clusters: [{name: r, cluster: {server: "$SERVER"}}]
	users: [{name: p, user: {exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: $BATS_TEST_TMPDIR/cred, env: [{name: RUNS_FILE, value: "$BATS_TEST_TMPDIR/runs"}]}}}]
	EOF
	run -0 tool kube-list --kubeconfig "$BATS_TEST_TMPDIR/kc" /api/v1/namespaces/team-a/pods
	assert_line "2 items in 2 requests"
	[ "$(cat "$BATS_TEST_TMPDIR/runs")" = 2 ]
}

# A healthy Experiment in a Katib-enabled namespace.
healthy_cluster() {
	mkdir -p "$BATS_TEST_TMPDIR/healthy"
	cp -R "$TESTS_DIR/data/explain/common/namespace-team-a.yaml" \
		"$TESTS_DIR/data/explain/healthy/." "$BATS_TEST_TMPDIR/healthy/"
	echo "$BATS_TEST_TMPDIR/healthy"
}

@test "client: -v traces each request, never the credential" {
	start_replay "$(healthy_cluster)" --token s3cr3t-t0ken
	run --separate-stderr -0 katib explain experiment mnist -n team-a --kubeconfig "$REPLAY_CFG" -v 6
	[[ "$stderr" == *"trace: GET $SERVER/apis/kubeflow.org/v1beta1/namespaces/team-a/experiments/mnist 200 in "*" ms"* ]]
	[[ "$stderr" == *"trace: GET $SERVER/api/v1/namespaces/team-a/events 200 in "* ]]
	[[ "$stderr" != *"auth:"* ]]
	run --separate-stderr -0 katib explain experiment mnist -n team-a --kubeconfig "$REPLAY_CFG" -v 8
	[[ "$stderr" == *"trace:   auth: Bearer <masked>; response: "*" bytes"* ]]
	[[ "$output$stderr" != *s3cr3t* ]]
	run --separate-stderr -0 katib explain experiment mnist -n team-a --kubeconfig "$REPLAY_CFG"
	[ -z "$stderr" ]
	run --separate-stderr -2 katib explain experiment mnist --kubeconfig "$REPLAY_CFG" -v loud
	[[ "$stderr" == *"-v takes a level from 0 to 10"* ]]
}

@test "client: a fault on the Nth request only" {
	start_replay "$(healthy_cluster)" --fault 'nth=2,status=503,times=1'
	# explain's second request (the Suggestion) gets a 503 and is retried,
	# and only that one: the first and third go through once.
	run --separate-stderr -0 katib explain experiment mnist -n team-a --kubeconfig "$REPLAY_CFG"
	[ "$(sed -n 1p "$BATS_TEST_TMPDIR/requests.log")" = "GET /apis/kubeflow.org/v1beta1/namespaces/team-a/experiments/mnist" ]
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/requests.log")" = "GET /apis/kubeflow.org/v1beta1/namespaces/team-a/suggestions/mnist" ]
	[ "$(sed -n 3p "$BATS_TEST_TMPDIR/requests.log")" = "GET /apis/kubeflow.org/v1beta1/namespaces/team-a/suggestions/mnist" ]
	[[ "$(sed -n 4p "$BATS_TEST_TMPDIR/requests.log")" == "GET /apis/kubeflow.org/v1beta1/namespaces/team-a/trials "* ]]
}

@test "client: proxy-url sends every request through the proxy" {
	start_replay "$TESTS_DIR/data/cluster-small"
	# The replay server takes absolute-form requests, so it can be the
	# proxy for a cluster name that does not resolve.
	sed -e "s|server: .*|server: http://cluster.invalid:8080\n    proxy-url: $SERVER|" "$REPLAY_CFG" > "$BATS_TEST_TMPDIR/proxied"
	run -0 tool kube-get --kubeconfig "$BATS_TEST_TMPDIR/proxied" /api/v1/namespaces/team-a/pods/mnist-random-abc12345-x7k2p
	[[ "$output" == *'"name":"mnist-random-abc12345-x7k2p"'* ]]
	grep -qx "GET /api/v1/namespaces/team-a/pods/mnist-random-abc12345-x7k2p" "$BATS_TEST_TMPDIR/requests.log"
	# Without the proxy the same cluster cannot be reached at all.
	sed -e "s|server: .*|server: http://cluster.invalid:8080|" "$REPLAY_CFG" > "$BATS_TEST_TMPDIR/direct"
	run --separate-stderr -3 tool kube-get --kubeconfig "$BATS_TEST_TMPDIR/direct" /api/v1/namespaces/team-a/pods/x
}

# ---- watches (kube_watch_*: what status -w and get -w stand on) ----

TIMELINE_DIR="$TESTS_DIR/data/timeline-experiment"
WATCH_EXP=/apis/kubeflow.org/v1beta1/namespaces/team-a/experiments
WATCH_TRIALS=/apis/kubeflow.org/v1beta1/namespaces/team-a/trials

# steps N: applies N steps of the timeline, a little apart.
steps() {
	local i
	for ((i = 0; i < $1; i++)); do
		curl -sf -X POST "$SERVER/katib-replay/step" > /dev/null || return 1
		sleep 0.2
	done
}

@test "watch: two watches at once, their events in order, with their versions" {
	start_replay "$TIMELINE_DIR" --step
	tool kube-watch --kubeconfig "$REPLAY_CFG" --for 4000 "$WATCH_EXP" "$WATCH_TRIALS" \
		> "$BATS_TEST_TMPDIR/out" 2>&1 &
	wait_requests "$BATS_TEST_TMPDIR/requests.log" "^GET $WATCH_EXP$|^GET $WATCH_TRIALS$" 2 || return 1
	steps 3
	wait $!
	# Two connections: each watch's events are in order, not the two together.
	run grep "^0 " "$BATS_TEST_TMPDIR/out"
	assert_output "0 ADDED team-a/mnist-timeline 1
0 MODIFIED team-a/mnist-timeline 4
0 MODIFIED team-a/mnist-timeline 7
0 MODIFIED team-a/mnist-timeline 9"
	run grep "^1 " "$BATS_TEST_TMPDIR/out"
	assert_output "1 ADDED team-a/mnist-timeline-aaaa1111 5
1 ADDED team-a/mnist-timeline-bbbb2222 6
1 MODIFIED team-a/mnist-timeline-aaaa1111 8
1 MODIFIED team-a/mnist-timeline-bbbb2222 10"
	run tail -n 1 "$BATS_TEST_TMPDIR/out"
	assert_output "2 requests"
}

@test "watch: from a resourceVersion, only what changed after it" {
	start_replay "$TIMELINE_DIR" --step
	steps 1
	tool kube-watch --kubeconfig "$REPLAY_CFG" --rv 5 --for 1500 "$WATCH_TRIALS" \
		> "$BATS_TEST_TMPDIR/out" 2>&1 &
	wait_requests "$BATS_TEST_TMPDIR/requests.log" "^GET $WATCH_TRIALS$" 1 || return 1
	steps 1
	wait $!
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output "0 ADDED team-a/mnist-timeline-bbbb2222 6
0 MODIFIED team-a/mnist-timeline-aaaa1111 8
1 requests"
}

@test "watch: one the server ends goes on from the last version it saw" {
	# Each watch lasts a second; the steps come after two have ended.
	start_replay "$TIMELINE_DIR" --step --watch-timeout 1
	tool kube-watch --kubeconfig "$REPLAY_CFG" --for 5000 "$WATCH_EXP" \
		> "$BATS_TEST_TMPDIR/out" 2>&1 &
	# Two watches ended and a third runs, from the version they saw.
	wait_requests "$BATS_TEST_TMPDIR/requests.log" "^GET $WATCH_EXP$" 3 || return 1
	steps 3
	wait $!
	run cat "$BATS_TEST_TMPDIR/out"
	# Nothing twice, nothing lost: the restarts carried the version.
	assert_line --index 0 "0 ADDED team-a/mnist-timeline 1"
	assert_line --index 1 "0 MODIFIED team-a/mnist-timeline 4"
	assert_line --index 2 "0 MODIFIED team-a/mnist-timeline 7"
	assert_line --index 3 "0 MODIFIED team-a/mnist-timeline 9"
	[ "${#lines[@]}" -eq 5 ]
	[[ "${lines[4]}" =~ ^[0-9]+\ requests$ ]]
	(( ${lines[4]%% *} >= 3 ))
	# The first started from nothing, every later one from a version.
	run grep -c "GET $WATCH_EXP" "$BATS_TEST_TMPDIR/requests.log"
	[ "$output" -ge 3 ]
}

@test "watch: 410 Gone says the version is too old (list again), as its own failure" {
	start_replay "$TIMELINE_DIR" --fault "watch,status=410"
	run -4 tool kube-watch --kubeconfig "$REPLAY_CFG" --for 1000 "$WATCH_EXP"
	assert_line "error: Error from server (Expired): injected fault: HTTP 410"
}

@test "watch: a watch refused (403) or cut (reset) fails clearly, never hangs" {
	start_replay "$TIMELINE_DIR" --fault "path=/experiments,status=403"
	run -3 tool kube-watch --kubeconfig "$REPLAY_CFG" --for 1000 "$WATCH_EXP"
	assert_line --partial "error: Error from server (Forbidden)"
	replay_kill
	start_replay "$TIMELINE_DIR" --fault "path=/experiments,reset"
	run -3 tool kube-watch --kubeconfig "$REPLAY_CFG" --for 1000 "$WATCH_EXP"
	assert_line --partial "error: cannot reach $SERVER"
}
