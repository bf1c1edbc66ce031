#!/usr/bin/env bats
# make dist: the release archive runs without our build dependencies, is
# reproducible, and its krew manifest passes krew's validation.

bats_require_minimum_version 1.5.0
load lib/common

MANIFEST_CHECK="$REPO_DIR/scripts/krew-manifest.py"
: "${KATIB_REPLAY:=$REPO_DIR/build/katib-replay}"

setup() {
	DIST_DIR=${KATIB_DIST_DIR:-$REPO_DIR/dist}
	[ -f "$DIST_DIR/krew-manifest.yaml" ] ||
		skip "no release build in $DIST_DIR (make dist; make check builds it)"
	# The archive the manifest names for this machine.
	ARCHIVE=$DIST_DIR/$(sed -n 's|^    uri: .*/\(kubectl-katib_.*_linux_amd64\.tar\.gz\)$|\1|p' \
		"$DIST_DIR/krew-manifest.yaml")
	[ -f "$ARCHIVE" ]
}

unpack() {
	mkdir -p "$BATS_TEST_TMPDIR/x"
	tar -xzf "$ARCHIVE" -C "$BATS_TEST_TMPDIR/x"
}

teardown() {
	[ -n "${REPLAY_PID:-}" ] && kill "$REPLAY_PID" 2>/dev/null && wait "$REPLAY_PID" 2>/dev/null
	true
}

@test "the release binary needs none of libyaml, cJSON, PCRE2, libmicrohttpd and GnuTLS, and runs" {
	unpack
	run -0 ldd "$BATS_TEST_TMPDIR/x/kubectl-katib"
	refute_output --partial libyaml
	refute_output --partial libcjson
	refute_output --partial libpcre2
	# libcurl is the system's, loaded when a command talks to a cluster;
	# libmicrohttpd and GnuTLS too, loaded by `webhook serve`.
	refute_output --partial libcurl
	refute_output --partial libmicrohttpd
	refute_output --partial libgnutls
	run -0 "$BATS_TEST_TMPDIR/x/kubectl-katib" --version
	assert_output --regexp '^kubectl-katib [^ ]+$'
	run -0 "$BATS_TEST_TMPDIR/x/kubectl-katib" webhook --help
	assert_line --index 0 --partial 'kubectl katib webhook serve'
}

@test "the release binary loads the system's libcurl and talks to a cluster" {
	local cfg="$BATS_TEST_TMPDIR/kubeconfig"
	unpack
	mkdir "$BATS_TEST_TMPDIR/cluster"
	cp -R "$TESTS_DIR/data/explain/common/." "$TESTS_DIR/data/explain/healthy/." \
		"$BATS_TEST_TMPDIR/cluster/"
	"$KATIB_REPLAY" serve "$BATS_TEST_TMPDIR/cluster" --kubeconfig-out "$cfg" \
		> "$BATS_TEST_TMPDIR/replay.out" 2>&1 &
	REPLAY_PID=$!
	for _ in $(seq 100); do [ -s "$cfg" ] && break; sleep 0.05; done
	[ -s "$cfg" ]
	run --separate-stderr -0 "$BATS_TEST_TMPDIR/x/kubectl-katib" explain experiment mnist \
		-n team-a --kubeconfig "$cfg" -o json
	[ "$(jq -r '.diagnoses[0].id' <<< "$output")" = healthy ]
}

@test "the release binary loads the system's libmicrohttpd and GnuTLS and serves the webhook" {
	local t=$BATS_TEST_TMPDIR
	command -v openssl >/dev/null || skip "openssl is not installed"
	unpack
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj /CN=katib-webhook -addext 'subjectAltName=IP:127.0.0.1' \
		-keyout "$t/tls.key" -out "$t/tls.crt" 2>/dev/null
	"$BATS_TEST_TMPDIR/x/kubectl-katib" webhook serve --tls-cert "$t/tls.crt" \
		--tls-key "$t/tls.key" --address 127.0.0.1 --port 0 --port-file "$t/port" \
		> "$t/out" 2> "$t/log" &
	REPLAY_PID=$!	# teardown stops it
	for _ in $(seq 200); do [ -s "$t/port" ] && break; sleep 0.05; done
	[ -s "$t/port" ] || { cat "$t/log"; return 1; }
	run -0 curl -sS --max-time 30 --cacert "$t/tls.crt" "https://127.0.0.1:$(cat "$t/port")/healthz"
	assert_output --partial ok
	# A clean stop: exit 0.
	kill -TERM "$REPLAY_PID"
	wait "$REPLAY_PID"
	REPLAY_PID=
}

@test "the release binary validates, with YAML, JSON and regular expressions" {
	unpack
	run -1 "$BATS_TEST_TMPDIR/x/kubectl-katib" validate -o json --no-config \
		"$REPO_DIR/examples/broken-experiment.yaml"
	assert_output --partial '"rule": "name-invalid"'
	run -0 "$BATS_TEST_TMPDIR/x/kubectl-katib" validate -q --no-config \
		"$REPO_DIR/examples/good-experiment.yaml"
}

@test "the archive holds the binary, its man page, the licenses and the completion helper, owned by root" {
	run -0 tar -tvzf "$ARCHIVE"
	assert_line --index 0 --regexp '^-rw-r--r-- 0/0 .* LICENSE$'
	assert_line --index 1 --regexp '^-rw-r--r-- 0/0 .* THIRD-PARTY-NOTICES$'
	assert_line --index 2 --regexp '^-rwxr-xr-x 0/0 .* kubectl-katib$'
	assert_line --index 3 --regexp '^-rw-r--r-- 0/0 .* kubectl-katib\.1$'
	assert_line --index 4 --regexp '^-rwxr-xr-x 0/0 .* kubectl_complete-katib$'
	[ "${#lines[@]}" -eq 5 ]
	unpack
	# The release binary's own page.
	cmp "$BATS_TEST_TMPDIR/x/kubectl-katib.1" <("$BATS_TEST_TMPDIR/x/kubectl-katib" __man)
	cmp "$BATS_TEST_TMPDIR/x/LICENSE" "$REPO_DIR/LICENSE"
	grep -q 'Apache License' "$BATS_TEST_TMPDIR/x/LICENSE"
	grep -q '==== libyaml' "$BATS_TEST_TMPDIR/x/THIRD-PARTY-NOTICES"
	grep -q '==== libpcre2' "$BATS_TEST_TMPDIR/x/THIRD-PARTY-NOTICES"
	# libmicrohttpd is the system's, loaded at run time: not ours to ship.
	run ! grep -q 'microhttpd' "$BATS_TEST_TMPDIR/x/THIRD-PARTY-NOTICES"
	grep -q '==== cJSON' "$BATS_TEST_TMPDIR/x/THIRD-PARTY-NOTICES"
}

@test "the archive is the same bytes when built again" {
	local bin="$BATS_TEST_TMPDIR/x/kubectl-katib"
	unpack
	cd "$REPO_DIR"
	VERSION=1.2.3 SOURCE_DATE_EPOCH=1700000000 run -0 scripts/dist "$bin" "$BATS_TEST_TMPDIR/x/kubectl-katib.1" "$BATS_TEST_TMPDIR/a"
	sleep 1	# a second apart: no time stamp may differ
	VERSION=1.2.3 SOURCE_DATE_EPOCH=1700000000 run -0 scripts/dist "$bin" "$BATS_TEST_TMPDIR/x/kubectl-katib.1" "$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/a/kubectl-katib_v1.2.3_linux_amd64.tar.gz" \
		"$BATS_TEST_TMPDIR/b/kubectl-katib_v1.2.3_linux_amd64.tar.gz"
	run -0 tar -tvzf "$BATS_TEST_TMPDIR/a/kubectl-katib_v1.2.3_linux_amd64.tar.gz"
	assert_line --index 0 --partial ' 2023-11-14 22:13 LICENSE'
	cmp "$BATS_TEST_TMPDIR/a/krew-manifest.yaml" "$BATS_TEST_TMPDIR/b/krew-manifest.yaml"
	# gzip -n: no name and no time in the gzip header (bytes 4-7 are zero).
	run -0 od -An -tx1 -j4 -N4 "$BATS_TEST_TMPDIR/a/kubectl-katib_v1.2.3_linux_amd64.tar.gz"
	assert_output ' 00 00 00 00'
}

@test "the version is krew's: a 'v' and a semantic version" {
	local bin="$BATS_TEST_TMPDIR/x/kubectl-katib"
	unpack
	cd "$REPO_DIR"
	VERSION=v0.4.0-3-gabc1234-dirty run -0 scripts/dist "$bin" "$BATS_TEST_TMPDIR/x/kubectl-katib.1" "$BATS_TEST_TMPDIR/a"
	grep -qx '  version: v0.4.0-3-gabc1234-dirty' "$BATS_TEST_TMPDIR/a/krew-manifest.yaml"
	VERSION=0abc123 run -0 scripts/dist "$bin" "$BATS_TEST_TMPDIR/x/kubectl-katib.1" "$BATS_TEST_TMPDIR/b"
	grep -qx '  version: v0.0.0-g0abc123' "$BATS_TEST_TMPDIR/b/krew-manifest.yaml"
	[ -f "$BATS_TEST_TMPDIR/b/kubectl-katib_v0.0.0-g0abc123_linux_amd64.tar.gz" ]
}

@test "the generated krew manifest passes krew's checks against its archive" {
	run -0 "$MANIFEST_CHECK" check --archive-dir "$DIST_DIR" "$DIST_DIR/krew-manifest.yaml"
	assert_output ''
	run -0 grep -c '^  - selector:' "$DIST_DIR/krew-manifest.yaml"
	assert_output 1		# linux/arm64 comes from a cross build
	grep -q "sha256: $(sha256sum "$ARCHIVE" | cut -d' ' -f1)\$" "$DIST_DIR/krew-manifest.yaml"
	run grep -n '\${' "$DIST_DIR/krew-manifest.yaml"
	[ "$status" -eq 1 ]
}

@test "the manifest template passes krew's checks, with placeholders only for release values" {
	run -0 "$MANIFEST_CHECK" check --template "$REPO_DIR/krew-manifest.yaml"
	assert_output ''
	run -0 grep -c '^  - selector:' "$REPO_DIR/krew-manifest.yaml"
	assert_output 2
	sed 's/^  shortDescription: .*/  shortDescription: ${SUMMARY}/' \
		"$REPO_DIR/krew-manifest.yaml" > "$BATS_TEST_TMPDIR/m.yaml"
	run -1 "$MANIFEST_CHECK" check --template "$BATS_TEST_TMPDIR/m.yaml"
	assert_output --partial 'spec.shortDescription'
}

# Each case: a sed expression => the complaint it must cause.
@test "the manifest checker catches what krew refuses" {
	local cases=(
		's/^  name: katib/  name: Katib/ => lowercase words'
		's/^  name: katib/  name: k.atib/ => not a safe plugin name'
		's/^  version: v/  version: / => not a semantic version'
		's/^    sha256: .*/    sha256: abc/ => not 64 lowercase hex digits'
		's/^    bin: .*/    bin: kubectl-katib-x/ => bin '\''kubectl-katib-x'\'' is not among'
		's/^    - from: LICENSE/    - from: COPYING/ => files.from '\''COPYING'\'' is not in'
		's/^        arch: amd64/        cpu: amd64/ => key '\''cpu'\'' not supported'
		's/^apiVersion: .*/apiVersion: v1/ => apiVersion'
		's/^  shortDescription: .*/  shortDescription: ""/ => shortDescription is missing'
		's|^    uri: \(.*\)\.tar\.gz|    uri: \1.zip| =>  is not a .tar.gz'
		's|^    uri: https:|    uri: http:| =>  is not https'
		's/^  version: .*/  version: ${VERSION}/ => unfilled placeholder'
	)
	local c expr want
	for c in "${cases[@]}"; do
		expr=${c%% => *}
		want=${c#* => }
		sed "$expr" "$DIST_DIR/krew-manifest.yaml" > "$BATS_TEST_TMPDIR/m.yaml"
		! cmp -s "$BATS_TEST_TMPDIR/m.yaml" "$DIST_DIR/krew-manifest.yaml" ||
			{ echo "no change: $expr"; return 1; }
		run -1 "$MANIFEST_CHECK" check --archive-dir "$DIST_DIR" "$BATS_TEST_TMPDIR/m.yaml"
		[[ "$output" == *"$want"* ]] ||
			{ echo "$expr: want '$want', got: $output"; return 1; }
	done
}
