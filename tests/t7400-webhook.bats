#!/usr/bin/env bats
# kubectl katib webhook serve: the AdmissionReview verdicts of
# `validate --admission-review` over HTTPS, bad requests, health, metrics,
# certificate reloads and a clean shutdown.

bats_require_minimum_version 1.5.0
load lib/common

# A test CA and a server certificate for 127.0.0.1 signed by it, with
# serial $2 (default 1), as $1.crt and $1.key.
make_cert() {
	local name=$1 serial=${2:-1}
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/$name.key" -out "$T/$name.csr" -subj /CN=katib-webhook 2>/dev/null
	openssl x509 -req -in "$T/$name.csr" -CA "$T/ca.crt" -CAkey "$T/ca.key" \
		-set_serial "$serial" -days 2 -out "$T/$name.crt" \
		-extfile <(printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n') 2>/dev/null
}

setup() {
	T=$BATS_TEST_TMPDIR
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/ca.key" -out "$T/ca.crt" -days 2 -subj /CN=katib-test-ca 2>/dev/null
	make_cert server 1
	SERVER_PID=
}

teardown() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -KILL "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null || true
	fi
}

# The server as `katib` runs the plugin (under Valgrind with
# KATIB_VALGRIND=1), exec'd so that $! is the server itself.
serve_exec() {
	local -a pre=()
	if [ -n "${KATIB_VALGRIND:-}" ]; then
		pre=(valgrind -q --error-exitcode=126 --leak-check=full
			--errors-for-leak-kinds=definite,indirect
			--suppressions="$TESTS_DIR/valgrind.supp")
	fi
	LC_ALL=C TZ=UTC NO_COLOR=1 HOME="$T" exec "${pre[@]}" "$KATIB_BIN" webhook serve "$@"
}

# start [OPTIONS]: serves on a free port of 127.0.0.1; sets $PORT and $URL.
start() {
	rm -f "$T/port"
	serve_exec --tls-cert "$T/server.crt" --tls-key "$T/server.key" \
		--address 127.0.0.1 --port 0 --port-file "$T/port" \
		--request-timeout 2 --reload-interval 1 "$@" > "$T/out" 2> "$T/log" &
	SERVER_PID=$!
	for _ in $(seq 600); do
		[ -s "$T/port" ] && break
		kill -0 "$SERVER_PID" 2>/dev/null || { cat "$T/log" >&2; return 1; }
		sleep 0.05
	done
	PORT=$(cat "$T/port")
	URL=https://127.0.0.1:$PORT
}

# stop: SIGTERM; the server must exit 0 (and clean under the sanitizers).
stop() {
	kill -TERM "$SERVER_PID"
	local rc=0
	timeout 60 tail --pid="$SERVER_PID" -f /dev/null || true
	wait "$SERVER_PID" || rc=$?
	SERVER_PID=
	if [ "$rc" -ne 0 ]; then
		echo "server exited $rc" >&2
		cat "$T/log" >&2
		return 1
	fi
}

# post FILE [PATH]: POSTs FILE; sets $code and $body.
post() {
	code=$(curl -sS --max-time 30 --cacert "$T/ca.crt" -o "$T/body" -w '%{http_code}' \
		-H 'Content-Type: application/json' --data-binary "@$1" "$URL${2:-/validate-experiment}")
	body=$(cat "$T/body")
}

# get PATH [BASE]: GETs PATH; sets $code and $body.
get() {
	code=$(curl -sS --max-time 30 --cacert "$T/ca.crt" -o "$T/body" -w '%{http_code}' "${2:-$URL}$1")
	body=$(cat "$T/body")
}

# review_json FILE: the request part of an AdmissionReview as JSON.
review_json() {
	"$KATIB_TEST_TOOL" to-json "$1" | jq -c 'del(.response)' > "$T/review.json"
}

# update OLD NEW: as in t7000, an UPDATE of valid.yaml's Experiment.
update() {
	"$KATIB_TEST_TOOL" to-json "$TESTS_DIR/data/admission/valid.yaml" |
		jq -c ".request.operation = \"UPDATE\"
		    | .request.oldObject = (.request.object | $1)
		    | .request.object = (.request.oldObject | $2)" > "$T/review.json"
}

@test "webhook: --help, and serve needs a certificate and key" {
	run --separate-stderr katib webhook --help
	assert_equal "$status" 0
	assert_golden "$TESTS_DIR/golden/webhook-help.txt"
	run --separate-stderr katib webhook serve
	assert_equal "$status" 2
	[[ "$stderr" == *"serve needs --tls-cert and --tls-key"* ]]
	run --separate-stderr katib webhook serve --tls-cert "$T/ca.key" --tls-key "$T/server.key" --port 0
	refute_crash
	assert_equal "$status" 2
	[[ "$stderr" == *"the certificate cannot be read"* ]]
	run --separate-stderr katib webhook serve --tls-cert "$T/server.crt" --tls-key "$T/ca.key" --port 0
	assert_equal "$status" 2
	[[ "$stderr" == *"the key does not belong to the certificate"* ]]
	run --separate-stderr katib webhook serve --tls-cert "$T/server.crt" --tls-key "$T/server.key" --port 70000
	assert_equal "$status" 2
	run --separate-stderr katib webhook frobnicate
	assert_equal "$status" 2
	# --request-timeout is a duration, as for every other command
	run --separate-stderr katib webhook serve --tls-cert "$T/server.crt" --tls-key "$T/server.key" \
		--port 0 --request-timeout 10x
	assert_equal "$status" 2
	[[ "$stderr" == *"--request-timeout '10x' is not a duration up to 1h (10s, 1m, 1500ms)"* ]]
	run --separate-stderr katib webhook serve --tls-cert "$T/server.crt" --tls-key "$T/server.key" \
		--port 0 --request-timeout 0s
	assert_equal "$status" 2
}

@test "webhook: without a usable libmicrohttpd, serve says what to install and validate still works" {
	# The dynamic loader finds these unusable copies before the system's:
	# one that is no shared object, and one without MHD's functions.
	mkdir "$T/lib" "$T/lib2"
	: > "$T/lib/libmicrohttpd.so.12"
	LD_LIBRARY_PATH="$T/lib" run --separate-stderr -3 katib webhook serve \
		--tls-cert "$T/server.crt" --tls-key "$T/server.key" --address 127.0.0.1 --port 0
	[[ "$stderr" == "error: webhook: cannot load libmicrohttpd.so.12: "*"; install libmicrohttpd12" ]]
	LD_LIBRARY_PATH="$T/lib" run -0 katib validate -q --no-config \
		"$REPO_DIR/examples/good-experiment.yaml"
	if command -v cc >/dev/null; then
		echo 'int katib_not_mhd;' > "$T/fake.c"
		cc -shared -fPIC -o "$T/lib2/libmicrohttpd.so.12" "$T/fake.c"
		LD_LIBRARY_PATH="$T/lib2" run --separate-stderr -3 katib webhook serve \
			--tls-cert "$T/server.crt" --tls-key "$T/server.key" --address 127.0.0.1 --port 0
		assert_equal "$stderr" "error: webhook: cannot load libmicrohttpd.so.12: undefined symbol: MHD_start_daemon; install libmicrohttpd12"
	fi
	# Nothing links them: every other command starts without them.
	run -0 readelf -d "$KATIB_BIN"
	refute_output --partial libmicrohttpd
	refute_output --partial libgnutls
}

@test "webhook: every recorded review gets the verdict of validate --admission-review" {
	start
	local n=0 f
	for f in "$REPO_DIR"/fixtures/*/admission.yaml "$TESTS_DIR"/data/admission/{dotted-name,valid,warning,two-errors,delete}.yaml; do
		review_json "$f"
		post "$T/review.json"
		assert_equal "$code" 200
		run --separate-stderr katib validate --admission-review "$T/review.json"
		refute_crash
		assert_equal "$body" "$output"
		n=$((n + 1))
	done
	[ "$n" -ge 15 ]
	grep -q 'path=/validate-experiment status=200 .*verdict=denied rules=name-invalid' "$T/log"
	# The log names requests, never what they hold.
	run ! grep -q 'mnist' "$T/log"
	stop
}

@test "webhook: UPDATEs are judged by their edit of the spec" {
	start
	# Removing the finalizer of an Experiment our rules reject: allowed.
	update '.metadata.name = "mnist.v2" | .spec.maxTrialCount = 1 | .metadata.finalizers = ["update-prometheus-metrics"]' \
		'del(.metadata.finalizers)'
	post "$T/review.json"
	assert_equal "$code" 200
	assert_equal "$(jq -r .response.allowed <<< "$body")" true
	# A count edit meets the count rules.
	update '.' '.spec.parallelTrialCount = 10'
	post "$T/review.json"
	assert_equal "$(jq -r .response.allowed <<< "$body")" false
	[[ "$(jq -r .response.status.message <<< "$body")" == *"[parallel-trial-count-too-large]" ]]
	# Any other spec edit is denied with Katib's message.
	update '.' '.spec.algorithm.algorithmName = "tpe"'
	post "$T/review.json"
	assert_equal "$(jq -r .response.status.code <<< "$body")" 400
	assert_equal "$(jq -r .response.status.message <<< "$body")" \
		"spec: Forbidden: only spec.parallelTrialCount, spec.maxTrialCount and spec.maxFailedTrialCount are editable"
	# A restart the old object's status forbids is counted by its own id.
	update '.status.trials = 6' '.spec.parallelTrialCount = 3 | del(.status)'
	post "$T/review.json"
	[[ "$(jq -r .response.status.message <<< "$body")" == *"[max-trial-count-not-above-trials]" ]]
	get /metrics
	[[ "$body" == *'katib_webhook_denials_total{rule="max-trial-count-not-above-trials"} 1'* ]]
	[[ "$body" == *'katib_webhook_denials_total{rule="spec-not-editable"} 1'* ]]
	stop
}

@test "webhook: --warn-only allows, with the errors as warnings" {
	start --warn-only --metrics-port 0
	review_json "$TESTS_DIR/data/admission/dotted-name.yaml"
	post "$T/review.json"
	assert_equal "$code" 200
	assert_equal "$(jq -r .response.allowed <<< "$body")" true
	assert_equal "$(jq -r .response.status <<< "$body")" null
	[[ "$(jq -r '.response.warnings[0]' <<< "$body")" == "metadata.name: name 'mnist.v2' "*"[name-invalid]" ]]
	get /metrics
	[[ "$body" == *'katib_webhook_warn_only_denials_total{rule="name-invalid"} 1'* ]]
	[[ "$body" != *'katib_webhook_denials_total{'* ]]
	grep -q 'verdict=warned rules=name-invalid' "$T/log"
	stop
}

@test "webhook: bad requests get HTTP errors and the server keeps serving" {
	start
	printf 'not json {' > "$T/bad"
	post "$T/bad"
	assert_equal "$code" 400
	"$KATIB_TEST_TOOL" to-json "$TESTS_DIR/rules/name-invalid/bad.yaml" > "$T/experiment.json"
	post "$T/experiment.json"
	assert_equal "$code" 400
	[[ "$body" == *"not an AdmissionReview (kind is 'Experiment')"* ]]
	review_json "$TESTS_DIR/data/admission/no-uid.yaml"
	post "$T/review.json"
	assert_equal "$code" 400
	[[ "$body" == *"has no uid"* ]]
	head -c 2000000 /dev/zero | tr '\0' ' ' > "$T/big"
	post "$T/big"
	assert_equal "$code" 413
	# A limit's message names no option: the API server cannot pass one.
	{
		printf '{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", '
		printf '"request": {"uid": "1", "operation": "CREATE", "object": {"spec": '
		printf '%.0s[' {1..300}; printf '%.0s]' {1..300}
		echo '}}}'
	} > "$T/deep"
	post "$T/deep"
	[[ "$body" == *"nesting deeper than the limit"* ]]
	[[ "$body" != *"--max-depth"* ]]
	get /validate-experiment
	assert_equal "$code" 405
	get /no-such-path
	assert_equal "$code" 404
	review_json "$TESTS_DIR/data/admission/valid.yaml"
	post "$T/review.json"
	assert_equal "$code" 200
	assert_equal "$(jq -r .response.allowed <<< "$body")" true
	stop
}

@test "webhook: a client that stalls halfway through its body is cut off; others are served" {
	start --request-timeout 1500ms
	# Half a body, then silence: the server gives up after --request-timeout.
	(printf 'POST /validate-experiment HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"apiVersion":'
	 sleep 30) | timeout 60 openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$T/ca.crt" \
		-quiet > "$T/slow" 2>/dev/null &
	local slow=$!
	get /healthz
	assert_equal "$code" 200
	for _ in $(seq 600); do
		grep -q 'error="timed out"' "$T/log" && break
		sleep 0.1
	done
	grep -q 'path=/validate-experiment status=0 .*error="timed out"' "$T/log"
	run ! grep -q 'HTTP/1' "$T/slow"
	review_json "$TESTS_DIR/data/admission/dotted-name.yaml"
	post "$T/review.json"
	assert_equal "$code" 200
	kill "$slow" 2>/dev/null || true
	wait "$slow" 2>/dev/null || true
	stop
}

@test "webhook: /healthz, /readyz and metrics that count requests and denials" {
	start --metrics-port 0
	local metrics
	metrics=http://127.0.0.1:$(sed -n 's|^katib webhook: metrics on http://127.0.0.1:\([0-9]*\)/metrics$|\1|p' "$T/out")
	grep -q "^katib webhook: serving on https://127.0.0.1:$PORT\$" "$T/out"
	get /healthz
	assert_equal "$code" 200
	get /readyz
	assert_equal "$code" 200
	get /readyz "$metrics"
	assert_equal "$code" 200
	get /metrics "$metrics"
	[[ "$body" == *'katib_webhook_request_duration_seconds_count 0'* ]]
	review_json "$TESTS_DIR/data/admission/dotted-name.yaml"
	post "$T/review.json"
	post "$T/review.json"
	printf 'x' > "$T/bad"
	post "$T/bad"
	get /metrics "$metrics"
	[[ "$body" == *'katib_webhook_denials_total{rule="name-invalid"} 2'* ]]
	[[ "$body" == *'katib_webhook_requests_total{code="400"} 1'* ]]
	[[ "$body" == *'katib_webhook_request_duration_seconds_count 3'* ]]
	[[ "$body" == *'katib_webhook_request_duration_seconds_bucket{le="+Inf"} 3'* ]]
	# The same metrics on the HTTPS port.
	get /metrics
	assert_equal "$code" 200
	[[ "$body" == *'katib_webhook_denials_total{rule="name-invalid"} 2'* ]]
	stop
}

serial() {
	echo | timeout 30 openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$T/ca.crt" 2>/dev/null |
		openssl x509 -noout -serial
}

@test "webhook: SIGHUP and a changed file reload the certificate; a broken one is refused" {
	start --metrics-port 0
	assert_equal "$(serial)" "serial=01"
	make_cert next 2
	cp "$T/next.key" "$T/server.key"
	cp "$T/next.crt" "$T/server.crt"
	kill -HUP "$SERVER_PID"
	for _ in $(seq 600); do
		grep -q 'certificate reloaded' "$T/log" && break
		sleep 0.05
	done
	assert_equal "$(serial)" "serial=02"
	# A broken certificate: the old one stays, and the log says why.
	echo 'not a certificate' > "$T/server.crt"
	kill -HUP "$SERVER_PID"
	for _ in $(seq 600); do
		grep -q 'keeping the old certificate' "$T/log" && break
		sleep 0.05
	done
	grep -q 'level=error msg="keeping the old certificate: .*the certificate cannot be read' "$T/log"
	assert_equal "$(serial)" "serial=02"
	review_json "$TESTS_DIR/data/admission/valid.yaml"
	post "$T/review.json"
	assert_equal "$code" 200
	# Without a signal: the changed file is noticed (--reload-interval 1).
	make_cert third 3
	cp "$T/third.key" "$T/server.key"
	cp "$T/third.crt" "$T/server.crt"
	for _ in $(seq 600); do
		[ "$(serial)" = "serial=03" ] && break
		sleep 0.1
	done
	assert_equal "$(serial)" "serial=03"
	stop
}

@test "webhook: a changed katib-config is reloaded" {
	cp "$TESTS_DIR/data/katib-config-remapped.yaml" "$T/katib-config.yaml"
	start --katib-config "$T/katib-config.yaml"
	review_json "$TESTS_DIR/data/admission/valid.yaml"
	post "$T/review.json"
	assert_equal "$(jq -r .response.allowed <<< "$body")" true
	sed -i 's/algorithmName: random$/algorithmName: random-search/' "$T/katib-config.yaml"
	kill -HUP "$SERVER_PID"
	for _ in $(seq 600); do
		grep -q 'katib-config reloaded' "$T/log" && break
		sleep 0.05
	done
	post "$T/review.json"
	assert_equal "$(jq -r .response.allowed <<< "$body")" false
	[[ "$(jq -r .response.status.message <<< "$body")" == *"spec.algorithm.algorithmName"* ]]
	stop
}

@test "webhook: SIGTERM answers the request in flight and exits 0" {
	start
	review_json "$TESTS_DIR/data/admission/valid.yaml"
	post "$T/review.json"
	assert_equal "$code" 200
	stop
	grep -q 'level=info msg="stopped"' "$T/log"
}

@test "webhook: deploy/ renders with kustomize and passes a client-side dry run" {
	command -v kubectl > /dev/null || skip "kubectl is not installed"
	run --separate-stderr kubectl kustomize "$REPO_DIR/deploy"
	assert_equal "$status" 0
	printf '%s\n' "$output" > "$T/rendered.yaml"
	grep -q '^kind: ValidatingWebhookConfiguration$' "$T/rendered.yaml"
	grep -q 'cert-manager.io/inject-ca-from: katib-webhook/katib-webhook' "$T/rendered.yaml"
	grep -q '^  failurePolicy: Fail$' "$T/rendered.yaml"
	run ! grep -q -- '- --warn-only' "$T/rendered.yaml"
	# The first step of a rollout: warn-only, and an outage blocks nothing.
	run --separate-stderr kubectl kustomize "$REPO_DIR/deploy/warn-only"
	assert_equal "$status" 0
	[[ "$output" == *"- --warn-only"* ]]
	[[ "$output" == *"failurePolicy: Ignore"* ]]
	# kubectl maps kinds to resources through discovery even in a client
	# dry run, so it talks to the replay server, which serves discovery
	# for the kinds its recording holds: one object of each kind here,
	# named so that every object of deploy/ is "created".  Validation
	# against the OpenAPI document needs a real API server: off.
	mkdir "$T/kinds"
	cat > "$T/kinds/kinds.yaml" <<-'EOF'
	apiVersion: v1
	kind: List
	items:
	- {apiVersion: admissionregistration.k8s.io/v1, kind: ValidatingWebhookConfiguration, metadata: {name: other}}
	- {apiVersion: cert-manager.io/v1, kind: Certificate, metadata: {name: other, namespace: other}}
	- {apiVersion: cert-manager.io/v1, kind: Issuer, metadata: {name: other, namespace: other}}
	- {apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: other, namespace: other}}
	EOF
	"${KATIB_REPLAY:-$REPO_DIR/build/katib-replay}" serve "$T/kinds" \
		--kubeconfig-out "$T/kinds.kubeconfig" > "$T/replay.out" 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 100); do [ -s "$T/kinds.kubeconfig" ] && break; sleep 0.05; done
	run -0 --separate-stderr kubectl apply --dry-run=client --validate=false \
		-f "$T/rendered.yaml" --kubeconfig "$T/kinds.kubeconfig"
	assert_output --partial 'deployment.apps/katib-webhook created (dry run)'
	assert_output --partial 'validatingwebhookconfiguration.admissionregistration.k8s.io/katib-webhook created (dry run)'
	assert_output --partial 'certificate.cert-manager.io/katib-webhook created (dry run)'
	assert_equal "$(grep -c 'created (dry run)$' <<< "$output")" \
		"$(grep -c '^kind: ' "$T/rendered.yaml")"
}
