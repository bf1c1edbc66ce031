#!/usr/bin/env bats
# make dist: the release archive runs without our build dependencies, is
# reproducible, and its krew manifest passes krew's validation.

bats_require_minimum_version 1.5.0
load lib/common

MANIFEST_CHECK="$REPO_DIR/scripts/krew-manifest.py"
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
	replay_kill
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
	unpack
	mkdir "$BATS_TEST_TMPDIR/cluster"
	cp -R "$TESTS_DIR/data/explain/common/." "$TESTS_DIR/data/explain/healthy/." \
		"$BATS_TEST_TMPDIR/cluster/"
	replay_serve "$BATS_TEST_TMPDIR/cluster"
	run --separate-stderr -0 "$BATS_TEST_TMPDIR/x/kubectl-katib" explain experiment mnist \
		-n team-a --kubeconfig "$REPLAY_CFG" -o json
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

@test "--version, the archive's name and the krew manifest say the same version" {
	local version
	unpack
	version=$(sed -n 's/^  version: //p' "$DIST_DIR/krew-manifest.yaml")
	[ -n "$version" ]
	[[ "$ARCHIVE" == */kubectl-katib_"${version}"_linux_amd64.tar.gz ]]
	run -0 "$BATS_TEST_TMPDIR/x/kubectl-katib" --version
	assert_output "kubectl-katib $version"
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

@test "the generated krew manifest passes krew's checks against its archives" {
	local version archives a
	run -0 "$MANIFEST_CHECK" check --archive-dir "$DIST_DIR" "$DIST_DIR/krew-manifest.yaml"
	assert_output ''
	# One platform per archive of this version: linux/amd64, and
	# linux/arm64 when a cross build (make dist-arm64) put one beside it.
	version=$(sed -n 's/^  version: //p' "$DIST_DIR/krew-manifest.yaml")
	archives=("$DIST_DIR"/kubectl-katib_"$version"_linux_*.tar.gz)
	run -0 grep -c '^  - selector:' "$DIST_DIR/krew-manifest.yaml"
	assert_output "${#archives[@]}"
	for a in "${archives[@]}"; do
		grep -q "sha256: $(sha256sum "$a" | cut -d' ' -f1)\$" "$DIST_DIR/krew-manifest.yaml"
	done
	grep -q "sha256: $(sha256sum "$ARCHIVE" | cut -d' ' -f1)\$" "$DIST_DIR/krew-manifest.yaml"
	run grep -n '\${' "$DIST_DIR/krew-manifest.yaml"
	[ "$status" -eq 1 ]
}

# The cross build is never part of `make check` (it needs the cross
# toolchain, docs/release.md); this checks its archive when one is there.
@test "the linux/arm64 archive (make dist-arm64) holds an arm64 build that runs as the amd64 one does" {
	local version a64 qemu prefix x=$BATS_TEST_TMPDIR/arm64 f
	version=$(sed -n 's/^  version: //p' "$DIST_DIR/krew-manifest.yaml")
	a64=$DIST_DIR/kubectl-katib_${version}_linux_arm64.tar.gz
	[ -f "$a64" ] ||
		skip "no linux/arm64 archive of $version in $DIST_DIR (make dist-arm64, see docs/release.md)"
	qemu=$(command -v qemu-aarch64 || command -v qemu-aarch64-static) ||
		skip "qemu-aarch64 is not installed (Debian: qemu-user), cannot run the arm64 build"
	# The arm64 C library: the cross toolchain's, or multiarch's libc6:arm64.
	if [ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ]; then
		prefix=/usr/aarch64-linux-gnu
	elif [ -e /lib/ld-linux-aarch64.so.1 ]; then
		prefix=/
	else
		skip "no arm64 C library to run the arm64 build with (libc6-arm64-cross or libc6:arm64)"
	fi
	arm64() { "$qemu" -L "$prefix" "$x/kubectl-katib" "$@"; }

	# The manifest names it with its sha256, and krew's checks pass.
	grep -q "/kubectl-katib_${version}_linux_arm64\.tar\.gz\$" "$DIST_DIR/krew-manifest.yaml"
	grep -q "sha256: $(sha256sum "$a64" | cut -d' ' -f1)\$" "$DIST_DIR/krew-manifest.yaml"
	run -0 grep -c '^  - selector:' "$DIST_DIR/krew-manifest.yaml"
	assert_output 2
	run -0 "$MANIFEST_CHECK" check --archive-dir "$DIST_DIR" "$DIST_DIR/krew-manifest.yaml"
	assert_output ''

	# The same files, modes and owners as the amd64 archive, and the same
	# bytes but for the binary.
	diff <(tar -tvzf "$ARCHIVE" | awk '{print $1, $2, $NF}') \
		<(tar -tvzf "$a64" | awk '{print $1, $2, $NF}')
	unpack
	mkdir "$x"
	tar -xzf "$a64" -C "$x"
	for f in LICENSE THIRD-PARTY-NOTICES kubectl-katib.1 kubectl_complete-katib; do
		cmp "$BATS_TEST_TMPDIR/x/$f" "$x/$f"
	done

	# An arm64 executable with only the C library as shared libraries.
	run -0 readelf -h "$x/kubectl-katib"
	assert_output --regexp 'Machine: +AArch64'
	run -0 readelf -d "$x/kubectl-katib"
	assert_output --partial '[libc.so.6]'
	refute_output --regexp 'libyaml|libcjson|libpcre2|libcurl|libmicrohttpd|libgnutls'

	# It runs, and finds what the amd64 build finds.
	run -0 arm64 --version
	assert_output "$("$BATS_TEST_TMPDIR/x/kubectl-katib" --version)"
	cmp "$x/kubectl-katib.1" <(arm64 __man)
	run -0 arm64 validate -q --no-config "$REPO_DIR/examples/good-experiment.yaml"
	run --separate-stderr -1 arm64 validate -o json --no-config "$REPO_DIR/examples/broken-experiment.yaml"
	assert_output --partial '"rule": "name-invalid"'
	assert_output "$("$BATS_TEST_TMPDIR/x/kubectl-katib" validate -o json --no-config \
		"$REPO_DIR/examples/broken-experiment.yaml")"
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
