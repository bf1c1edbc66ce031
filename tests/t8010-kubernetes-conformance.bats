#!/usr/bin/env bats
# Kubernetes' own validation tests, translated row by row into
# tests/conformance/kubernetes/ (see its README): each row's verdict must be
# the API server's, or say why it differs (stricter by design, a value the
# API server defaults before it validates).

bats_require_minimum_version 1.5.0
load lib/common

K8S=$TESTS_DIR/conformance/kubernetes
CHECK=$TESTS_DIR/conformance/k8s-check.py
UTIL=(TestIsDNS1123Label TestIsQualifiedName TestIsValidLabelValue TestIsValidPortNum
	TestIsValidPortName TestIsRelaxedEnvVarName TestIsValidUserID TestIsValidGroupID)
QUANTITY=(TestQuantityParse TestJSONWhitespace)
CORE=(TestValidateVolumes TestValidatePorts TestRelaxedValidateEnv TestValidateEnv
	TestValidateEnvFrom TestRelaxedValidateEnvFrom TestValidateVolumeMounts
	TestValidateProbe Test_validateProbe TestValidateHandler TestValidatePullPolicy
	TestValidateContainers TestValidateRestartPolicy TestValidateDNSPolicy
	TestValidateResourceRequirements TestValidatePodSpec TestValidatePod)

# rows N TEST...: every row of the tests agrees, and there are N of them (a
# row lost in a move would otherwise pass unnoticed).
rows() {
	local n=$1 t
	local -a dirs=()
	shift
	for t in "$@"; do
		dirs+=("$K8S/$t")
	done
	run python3 "$CHECK" "$KATIB_BIN" "${dirs[@]}"
	echo "$output"
	assert_success || return 1
	assert_line "$n rows, 0 disagree" || return 1
}

@test "kubernetes conformance: util/validation/validation_test.go (names, ports, labels, env names, ids)" {
	rows 172 "${UTIL[@]}"
}

@test "kubernetes conformance: api/resource/quantity_test.go (quantities)" {
	rows 110 "${QUANTITY[@]}"
}

@test "kubernetes conformance: core/validation/validation_test.go (containers, volumes, env, probes, pods)" {
	rows 351 "${CORE[@]}"
}

@test "kubernetes conformance: every row directory belongs to a test above" {
	run ls "$K8S"
	assert_success
	local t
	for t in "${UTIL[@]}" "${QUANTITY[@]}" "${CORE[@]}"; do
		assert_line "$t"
	done
	assert_equal "${#lines[@]}" "$((${#UTIL[@]} + ${#QUANTITY[@]} + ${#CORE[@]} + 2))"
	assert_line README
	assert_line skipped.tsv
}

@test "kubernetes conformance: an invalid row whose rule changes fails, naming the row" {
	cp -r "$K8S/TestIsDNS1123Label/14" "$BATS_TEST_TMPDIR/row"
	run grep -x 'row: badValues\[0\]' "$BATS_TEST_TMPDIR/row/expect"
	assert_success
	sed -i 's/^rule: container-name-invalid$/rule: volume-invalid/' "$BATS_TEST_TMPDIR/row/expect"
	run python3 "$CHECK" "$KATIB_BIN" "$BATS_TEST_TMPDIR/row"
	assert_failure
	assert_line --partial "$BATS_TEST_TMPDIR/row: no error of volume-invalid at spec.trialTemplate.trialSpec.spec.template.spec.containers[1].name (ours: container-name-invalid at spec.trialTemplate.trialSpec.spec.template.spec.containers[1].name)"
	assert_line --partial "(TestIsDNS1123Label row badValues[0])"
	assert_line "1 rows, 1 disagree"
	# The error must be where the row sets its value, not anywhere.
	sed -i 's/^rule: volume-invalid$/rule: container-name-invalid/; s/^at: .*/at: spec.trialTemplate.trialSpec.spec.template.spec.containers[0]/' \
		"$BATS_TEST_TMPDIR/row/expect"
	run python3 "$CHECK" "$KATIB_BIN" "$BATS_TEST_TMPDIR/row"
	assert_failure
	assert_line --partial "no error of container-name-invalid at spec.trialTemplate.trialSpec.spec.template.spec.containers[0] (ours:"
}

@test "kubernetes conformance: a valid row given an invalid value fails, naming the row" {
	cp -r "$K8S/TestIsDNS1123Label/01" "$BATS_TEST_TMPDIR/row"
	run grep -x -e 'row: goodValues\[0\]' -e '              - name: a' "$BATS_TEST_TMPDIR/row/expect" "$BATS_TEST_TMPDIR/row/experiment.yaml"
	assert_success
	assert_equal "${#lines[@]}" 2
	sed -i 's/^              - name: a$/              - name: A/' "$BATS_TEST_TMPDIR/row/experiment.yaml"
	run python3 "$CHECK" "$KATIB_BIN" "$BATS_TEST_TMPDIR/row"
	assert_failure
	assert_line "$BATS_TEST_TMPDIR/row: the API server admits this row; ours: errors of container-name-invalid (TestIsDNS1123Label row goodValues[0])"
	assert_line "1 rows, 1 disagree"
}

@test "kubernetes conformance: a gap that closes and a stricter rule that stops firing fail" {
	cp -r "$K8S/TestValidateDNSPolicy/06" "$BATS_TEST_TMPDIR/gap"
	run grep -c '^gap: ' "$BATS_TEST_TMPDIR/gap/expect"
	assert_success
	assert_output 1
	sed -i 's/dnsPolicy: ""/dnsPolicy: none/' "$BATS_TEST_TMPDIR/gap/experiment.yaml"
	run python3 "$CHECK" "$KATIB_BIN" "$BATS_TEST_TMPDIR/gap"
	assert_failure
	assert_line --partial "$BATS_TEST_TMPDIR/gap: the gap no longer holds: errors of pod-value-unsupported (TestValidateDNSPolicy row errorCases[1])"
	cp -r "$K8S/TestValidateRestartPolicy/01" "$BATS_TEST_TMPDIR/stricter"
	sed -i 's/^            restartPolicy: Always$/            restartPolicy: Never/' "$BATS_TEST_TMPDIR/stricter/experiment.yaml"
	run python3 "$CHECK" "$KATIB_BIN" "$BATS_TEST_TMPDIR/stricter"
	assert_failure
	assert_line --partial "the API server admits this row; ours: errors of no rule, expected job-restart-policy-invalid"
}

@test "kubernetes conformance: a row without what it expects fails" {
	cp -r "$K8S/TestIsValidPortNum/07" "$BATS_TEST_TMPDIR/row"
	sed -i '/^at: /d' "$BATS_TEST_TMPDIR/row/expect"
	run python3 "$CHECK" "$KATIB_BIN" "$BATS_TEST_TMPDIR/row"
	assert_failure
	assert_line --partial "an invalid row needs rule and at"
	run python3 "$CHECK" "$KATIB_BIN" "$BATS_TEST_TMPDIR/none"
	assert_failure
	assert_output "0 rows, 0 disagree"
}

@test "kubernetes conformance: docs/conformance-kubernetes.md is what the rows say (scripts/gen-k8s-conformance-doc.py)" {
	# The rows' own tests above check memory; this run only counts.
	KATIB_VALGRIND= run python3 "$REPO_DIR/scripts/gen-k8s-conformance-doc.py" "$K8S" "$KATIB_BIN"
	assert_success
	printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/conformance-kubernetes.md"
	diff -u "$REPO_DIR/docs/conformance-kubernetes.md" "$BATS_TEST_TMPDIR/conformance-kubernetes.md" ||
		{ echo "docs/conformance-kubernetes.md is stale: run scripts/gen-k8s-conformance-doc.py tests/conformance/kubernetes build/kubectl-katib > docs/conformance-kubernetes.md"; return 1; }
	# The counts are the binary's: a row it no longer agrees with shows.
	cp -r "$K8S" "$BATS_TEST_TMPDIR/k8s"
	sed -i 's/^rule: container-name-invalid$/rule: volume-invalid/' "$BATS_TEST_TMPDIR/k8s/TestIsDNS1123Label/14/expect"
	KATIB_VALGRIND= run python3 "$REPO_DIR/scripts/gen-k8s-conformance-doc.py" "$BATS_TEST_TMPDIR/k8s" "$KATIB_BIN"
	assert_success
	assert_line "| \`staging/src/k8s.io/apimachinery/pkg/util/validation/validation_test.go\` | TestIsDNS1123Label | 47 | 13 | 34 | 46 | 0 | 0 | 1 |"
	assert_line --regexp '^\| \*\*total\*\* \| \| 633 \| [0-9]+ \| [0-9]+ \| [0-9]+ \| [0-9]+ \| [0-9]+ \| 1 \|$'
	assert_line '- `TestIsDNS1123Label/14` (TestIsDNS1123Label row badValues[0])'
}
