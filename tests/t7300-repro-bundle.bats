#!/usr/bin/env bats
# kubectl katib repro bundle: a scenario as a redacted .tar.gz with an
# ISSUE.md, that unpacks and replays with the same verdicts.

bats_require_minimum_version 1.5.0
load lib/common

teardown() {
	replay_kill
}

bundle() {
	run --separate-stderr katib repro bundle "$@"
	refute_crash
}

@test "repro bundle: a fixture as a private .tar.gz with ISSUE.md" {
	cd "$BATS_TEST_TMPDIR"
	bundle "$REPO_DIR/fixtures/primary-container-not-found" -o pc.tar.gz
	assert_equal "$status" 0
	assert_line --regexp '^bundled .*/fixtures/primary-container-not-found into pc.tar.gz: [0-9]+ files; 0 more values redacted$'
	[ "$(stat -c %a pc.tar.gz)" = 600 ]
	gzip -t pc.tar.gz
	run tar -tzf pc.tar.gz
	assert_line primary-container-not-found/
	assert_line primary-container-not-found/ISSUE.md
	assert_line primary-container-not-found/expect.yaml
	assert_line primary-container-not-found/admission.yaml
	assert_line primary-container-not-found/cluster/events.yaml
	assert_line primary-container-not-found/redactions.txt
	run tar -xzOf pc.tar.gz primary-container-not-found/ISSUE.md
	assert_line "# Katib Experiment team-a/mnist: primary-container-not-found"
	assert_line "- Katib: v0.19"
	assert_line --partial "Upstream: https://github.com/kubeflow/katib/issues/1542"
	assert_line --regexp '^- \*\*error\*\* `primary-container-not-found`: '
	assert_line "ok   primary-container-not-found: explain: primary-container-not-found"
	assert_line "mkdir repro && tar -xzf pc.tar.gz -C repro"
	assert_line "kubectl katib repro replay repro/primary-container-not-found"
	assert_line "kubectl katib explain experiment mnist -n team-a --from repro/primary-container-not-found/cluster"
}

@test "repro bundle: unpacked, it replays exactly as the scenario does" {
	cd "$BATS_TEST_TMPDIR"
	for s in algorithm-settings-rejected namespace-not-enabled; do
		bundle "$REPO_DIR/fixtures/$s" -o "$s.tar.gz"
		assert_equal "$status" 0
		mkdir -p "unpacked"
		tar -xzf "$s.tar.gz" -C unpacked
		want=$(cd "$REPO_DIR/fixtures" && katib repro replay "$s")
		run --separate-stderr katib repro replay "unpacked/$s"
		assert_equal "$status" 0
		assert_equal "$output" "$want"
		# Files that needed no redaction keep their bytes, comments and all.
		cmp "$REPO_DIR/fixtures/$s/expect.yaml" "unpacked/$s/expect.yaml"
		cmp "$REPO_DIR/fixtures/$s/admission.yaml" "unpacked/$s/admission.yaml"
	done
}

@test "repro bundle: record, bundle, unpack, replay: the same verdicts" {
	local dir="$BATS_TEST_TMPDIR/cluster"
	mkdir -p "$dir"
	cp -R "$TESTS_DIR/data/explain/common/." "$REPO_DIR/fixtures/trial-generation-failed/cluster/." "$dir/"
	replay_serve "$dir"
	
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr katib repro record experiment mnist -n team-a --kubeconfig "$REPLAY_CFG" -o stuck
	assert_equal "$status" 0
	want=$(katib repro replay stuck)
	bundle stuck -o stuck.tar.gz
	assert_equal "$status" 0
	mkdir unpacked
	tar -xzf stuck.tar.gz -C unpacked
	run --separate-stderr katib repro replay unpacked/stuck
	assert_equal "$status" 0
	assert_equal "$output" "$want"
	assert_line "ok   stuck: explain: trial-generation-failed"
}

@test "repro bundle: secrets planted in a hand-edited scenario are redacted" {
	cd "$BATS_TEST_TMPDIR"
	cp -R "$REPO_DIR/fixtures/istio-sidecar-blocks-completion" edited
	token='hf_PlantedHuggingFaceToken0123456789'
	jwt='eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.cGxhbnRlZC1zaWduYXR1cmUtdmFsdWU'
	sed -i "s|^\(\( *\)- name: training-container\)$|\1\n\2  env: [{name: HF_TOKEN, value: $token}]|" edited/experiment.yaml
	grep -q HF_TOKEN edited/experiment.yaml
	printf 'apiVersion: v1\nkind: Secret\nmetadata: {name: hf, namespace: team-a}\nstringData: {token: planted-secret-data-31}\n' > edited/cluster/secret.yaml
	mkdir -p edited/cluster/logs/team-a/mnist-x/training-container
	printf 'calling the hub with Authorization: Bearer %s\nthen %s again\n' "$jwt" "$token" \
		> edited/cluster/logs/team-a/mnist-x/training-container.log
	ln -s /etc/hostname edited/cluster/link.yaml
	bundle edited -o edited.tar.gz
	assert_equal "$status" 0
	assert_line --regexp '^bundled edited into edited.tar.gz: [0-9]+ files \(1 links or special files left out\); [1-9][0-9]* more values redacted$'
	mkdir unpacked
	tar -xzf edited.tar.gz -C unpacked
	for secret in "$token" "$jwt" planted-secret-data-31; do
		run grep -rF -- "$secret" unpacked
		assert_failure
	done
	run grep -rl 'kind: Secret' unpacked
	assert_failure
	assert_not_exists unpacked/edited/cluster/link.yaml
	run cat unpacked/edited/redactions.txt
	assert_line "# redacted when bundled:"
	assert_line --partial "env value of HF_TOKEN"
	assert_line --partial "dropped Secret team-a/hf"
	refute_output --partial "$token"
	# The same token got the same placeholder in the Experiment and the log.
	p=$(grep -o 'REDACTED-[0-9]*' unpacked/edited/experiment.yaml | head -1)
	grep -q "$p" unpacked/edited/cluster/logs/team-a/mnist-x/training-container.log
}

@test "repro bundle: never writes over a file, and a failure leaves nothing" {
	cd "$BATS_TEST_TMPDIR"
	echo mine > taken.tar.gz
	bundle "$REPO_DIR/fixtures/suggestion-error" -o taken.tar.gz
	assert_equal "$status" 2
	[[ "$stderr" == *"'taken.tar.gz' already exists: a bundle never writes over a file"* ]]
	assert_equal "$(cat taken.tar.gz)" mine
	bundle "$REPO_DIR/fixtures" -o x.tar.gz
	assert_equal "$status" 2
	[[ "$stderr" == *"is not a scenario"* ]]
	bundle "$REPO_DIR/fixtures/suggestion-error" -o missing-dir/x.tar.gz
	assert_equal "$status" 3
	# A scenario with a broken file: refused, and no archive or temporary file.
	cp -R "$REPO_DIR/fixtures/suggestion-error" broken
	printf 'kind: [\n' > broken/cluster/bad.yaml
	bundle broken -o broken.tar.gz
	assert_equal "$status" 2
	[[ "$stderr" == *"broken/cluster/bad.yaml:2:"* ]]
	assert_not_exists broken.tar.gz
	run ls -A
	refute_output --partial '.tmp'
}

@test "repro bundle: usage errors" {
	bundle "$REPO_DIR/fixtures/suggestion-error"
	assert_equal "$status" 2
	[[ "$stderr" == *"-o FILE.tar.gz"* ]]
	bundle -o x.tar.gz
	assert_equal "$status" 2
	[[ "$stderr" == *"give one scenario directory"* ]]
	bundle "$REPO_DIR/fixtures/suggestion-error" -o x.tar.gz --redact '['
	assert_equal "$status" 2
	bundle --help
	assert_equal "$status" 0
	assert_line --index 0 "Usage: kubectl katib repro bundle DIR -o FILE.tar.gz [options]"
}
