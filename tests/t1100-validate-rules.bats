#!/usr/bin/env bats
# One test per rule: a failing fixture (tests/rules/ID/bad.yaml, whose
# output must equal expected.txt) and a passing one (good.yaml).

bats_require_minimum_version 1.5.0
load lib/common

@test "rule algorithm-distribution-ignored" { check_rule algorithm-distribution-ignored; }
@test "rule algorithm-missing" { check_rule algorithm-missing; }
@test "rule algorithm-name-missing" { check_rule algorithm-name-missing; }
@test "rule algorithm-search-space-hangs" { check_rule algorithm-search-space-hangs; }
@test "rule algorithm-search-space-invalid" { check_rule algorithm-search-space-invalid; }
@test "rule algorithm-setting-hangs" { check_rule algorithm-setting-hangs; }
@test "rule algorithm-setting-ignored" { check_rule algorithm-setting-ignored; }
@test "rule algorithm-setting-invalid" { check_rule algorithm-setting-invalid; }
@test "rule algorithm-unknown" { check_rule algorithm-unknown; }
@test "rule api-version-unsupported" { check_rule api-version-unsupported; }
@test "rule collector-kind-invalid" { check_rule collector-kind-invalid; }
@test "rule collector-kind-unavailable" { check_rule collector-kind-unavailable; }
@test "rule config-map-source-incomplete" { check_rule config-map-source-incomplete; }
@test "rule config-map-template-missing" { check_rule config-map-template-missing; }
@test "rule container-image-invalid" { check_rule container-image-invalid; }
@test "rule container-name-invalid" { check_rule container-name-invalid; }
@test "rule container-port-invalid" { check_rule container-port-invalid; }
@test "rule custom-collector-missing" { check_rule custom-collector-missing; }
@test "rule custom-collector-source-invalid" { check_rule custom-collector-source-invalid; }
@test "rule duplicate-key" { check_rule duplicate-key; }
@test "rule early-stopping-name-missing" { check_rule early-stopping-name-missing; }
@test "rule early-stopping-setting-invalid" { check_rule early-stopping-setting-invalid; }
@test "rule early-stopping-unknown" { check_rule early-stopping-unknown; }
@test "rule env-invalid" { check_rule env-invalid; }
@test "rule file-collector-format-invalid" { check_rule file-collector-format-invalid; }
@test "rule file-collector-json-filter" { check_rule file-collector-json-filter; }
@test "rule file-collector-path-invalid" { check_rule file-collector-path-invalid; }
@test "rule input-limit" { check_rule input-limit; }
@test "rule istio-sidecar-not-disabled" { check_rule istio-sidecar-not-disabled; }
@test "rule job-field-type" { check_rule job-field-type; }
@test "rule job-field-unknown" { check_rule job-field-unknown; }
@test "rule job-restart-policy-invalid" { check_rule job-restart-policy-invalid; }
@test "rule job-spec-invalid" { check_rule job-spec-invalid; }
@test "rule kind-misspelled" { check_rule kind-misspelled; }
@test "rule max-failed-trial-count-negative" { check_rule max-failed-trial-count-negative; }
@test "rule max-failed-trial-count-too-large" { check_rule max-failed-trial-count-too-large; }
@test "rule max-trial-count-invalid" { check_rule max-trial-count-invalid; }
@test "rule max-trial-count-missing" { check_rule max-trial-count-missing; }
@test "rule metadata-invalid" { check_rule metadata-invalid; }
@test "rule metric-name-semicolon" { check_rule metric-name-semicolon; }
@test "rule metric-strategy-invalid" { check_rule metric-strategy-invalid; }
@test "rule metrics-format-groups" { check_rule metrics-format-groups; }
@test "rule metrics-format-invalid" { check_rule metrics-format-invalid; }
@test "rule name-invalid" { check_rule name-invalid; }
@test "rule name-missing" { check_rule name-missing; }
@test "rule namespace-not-katib-enabled" { check_rule namespace-not-katib-enabled; }
@test "rule nas-operation-invalid" { check_rule nas-operation-invalid; }
@test "rule nas-trial-parameter-reference" { check_rule nas-trial-parameter-reference; }
@test "rule node-placement-invalid" { check_rule node-placement-invalid; }
@test "rule objective-metric-name-missing" { check_rule objective-metric-name-missing; }
@test "rule objective-metric-repeated" { check_rule objective-metric-repeated; }
@test "rule objective-missing" { check_rule objective-missing; }
@test "rule objective-type-invalid" { check_rule objective-type-invalid; }
@test "rule parallel-trial-count-invalid" { check_rule parallel-trial-count-invalid; }
@test "rule parallel-trial-count-too-large" { check_rule parallel-trial-count-too-large; }
@test "rule parameter-bounds-missing" { check_rule parameter-bounds-missing; }
@test "rule parameter-bounds-not-allowed" { check_rule parameter-bounds-not-allowed; }
@test "rule parameter-distribution-invalid" { check_rule parameter-distribution-invalid; }
@test "rule parameter-list-empty" { check_rule parameter-list-empty; }
@test "rule parameter-list-not-allowed" { check_rule parameter-list-not-allowed; }
@test "rule parameter-name-duplicated" { check_rule parameter-name-duplicated; }
@test "rule parameter-type-invalid" { check_rule parameter-type-invalid; }
@test "rule parameter-value-invalid" { check_rule parameter-value-invalid; }
@test "rule pbt-name-too-long" { check_rule pbt-name-too-long; }
@test "rule pbt-resume-policy" { check_rule pbt-resume-policy; }
@test "rule pod-value-unsupported" { check_rule pod-value-unsupported; }
@test "rule probe-invalid" { check_rule probe-invalid; }
@test "rule primary-container-command-missing" { check_rule primary-container-command-missing; }
@test "rule primary-container-command-unsafe" { check_rule primary-container-command-unsafe; }
@test "rule primary-container-missing-in-replica" { check_rule primary-container-missing-in-replica; }
@test "rule primary-container-name-missing" { check_rule primary-container-name-missing; }
@test "rule primary-container-not-found" { check_rule primary-container-not-found; }
@test "rule primary-container-unverifiable" { check_rule primary-container-unverifiable; }
@test "rule primary-pod-labels-unmatched" { check_rule primary-pod-labels-unmatched; }
@test "rule prometheus-collector-path-invalid" { check_rule prometheus-collector-path-invalid; }
@test "rule prometheus-collector-port-invalid" { check_rule prometheus-collector-port-invalid; }
@test "rule resource-limit-mismatch" { check_rule resource-limit-mismatch; }
@test "rule resource-name-invalid" { check_rule resource-name-invalid; }
@test "rule resource-quantity-invalid" { check_rule resource-quantity-invalid; }
@test "rule resume-policy-invalid" { check_rule resume-policy-invalid; }
@test "rule search-parameter-unreferenced" { check_rule search-parameter-unreferenced; }
@test "rule search-space-conflict" { check_rule search-space-conflict; }
@test "rule search-space-missing" { check_rule search-space-missing; }
@test "rule security-context-invalid" { check_rule security-context-invalid; }
@test "rule spec-missing" { check_rule spec-missing; }
@test "rule stdout-metrics-format-invalid" { check_rule stdout-metrics-format-invalid; }
@test "rule suggestion-name-invalid" { check_rule suggestion-name-invalid; }
@test "rule tfevent-collector-format-set" { check_rule tfevent-collector-format-set; }
@test "rule tfevent-collector-path-invalid" { check_rule tfevent-collector-path-invalid; }
@test "rule training-job-invalid" { check_rule training-job-invalid; }
@test "rule trial-condition-invalid" { check_rule trial-condition-invalid; }
@test "rule trial-conditions-missing" { check_rule trial-conditions-missing; }
@test "rule trial-kind-not-watched" { check_rule trial-kind-not-watched; }
@test "rule trial-parameter-invalid" { check_rule trial-parameter-invalid; }
@test "rule trial-parameter-meta-unresolvable" { check_rule trial-parameter-meta-unresolvable; }
@test "rule trial-parameter-name-duplicated" { check_rule trial-parameter-name-duplicated; }
@test "rule trial-parameter-reference-duplicated" { check_rule trial-parameter-reference-duplicated; }
@test "rule trial-parameter-reference-unknown" { check_rule trial-parameter-reference-unknown; }
@test "rule trial-parameter-unused" { check_rule trial-parameter-unused; }
@test "rule trial-parameters-missing" { check_rule trial-parameters-missing; }
@test "rule trial-source-conflict" { check_rule trial-source-conflict; }
@test "rule trial-source-missing" { check_rule trial-source-missing; }
@test "rule trial-spec-api-version-missing" { check_rule trial-spec-api-version-missing; }
@test "rule trial-spec-kind-missing" { check_rule trial-spec-kind-missing; }
@test "rule trial-spec-name-set" { check_rule trial-spec-name-set; }
@test "rule trial-template-missing" { check_rule trial-template-missing; }
@test "rule trial-template-placeholder-unknown" { check_rule trial-template-placeholder-unknown; }
@test "rule type-mismatch" { check_rule type-mismatch; }
@test "rule unknown-field" { check_rule unknown-field; }
@test "rule volume-invalid" { check_rule volume-invalid; }
@test "rule volume-mount-unknown" { check_rule volume-mount-unknown; }
@test "rule yaml-syntax" { check_rule yaml-syntax; }

@test "every rule has a fixture directory, and every directory a rule" {
	run --separate-stderr katib validate --list-rules
	[ "$status" -eq 0 ]
	ids=$(printf '%s\n' "$output" | awk '{print $1}')
	dirs=$(cd "$TESTS_DIR/rules" && ls)
	[ "$ids" = "$dirs" ] || { diff <(echo "$ids") <(echo "$dirs"); return 1; }
}

@test "every rule directory has bad.yaml, good.yaml and expected.txt" {
	for d in "$TESTS_DIR"/rules/*/; do
		assert_file_exists "$d/bad.yaml"
		assert_file_exists "$d/good.yaml"
		assert_file_exists "$d/expected.txt"
	done
}

@test "every rule has a test in this file" {
	for d in "$TESTS_DIR"/rules/*/; do
		id=$(basename "$d")
		grep -q "^@test \"rule $id\" { check_rule $id; }$" "$BATS_TEST_FILENAME" ||
			{ echo "no test for $id"; return 1; }
	done
}

@test "trial-condition-invalid: a condition nested 64 deep is read, 65 deep is refused" {
	local good="$TESTS_DIR/rules/trial-condition-invalid/good.yaml" depth open close
	for depth in 64 65; do
		open=$(printf '(%.0s' $(seq "$depth"))
		close=$(printf ')%.0s' $(seq "$depth"))
		sed "s|^\(    successCondition: \).*|\1'status.conditions.#${open}type==\"Complete\"${close}#'|" \
			"$good" > "$BATS_TEST_TMPDIR/nested.yaml"
		grep -q "#${open}type" "$BATS_TEST_TMPDIR/nested.yaml"
		run --separate-stderr katib validate --no-config "$BATS_TEST_TMPDIR/nested.yaml"
		refute_crash
		if [ "$depth" = 64 ]; then
			refute_output --partial 'nests too deeply'
		else
			assert_output --partial '(it nests too deeply); it never matches and the Trial never finishes [trial-condition-invalid]'
		fi
	done
}

@test "max-failed-trial-count-too-large: no hint to go below 0 when maxTrialCount is not positive" {
	sed -e 's/^\(  maxTrialCount:\).*/\1 -5/' -e 's/^\(  maxFailedTrialCount:\).*/\1 3/' \
		"$TESTS_DIR/rules/max-failed-trial-count-too-large/good.yaml" > "$BATS_TEST_TMPDIR/counts.yaml"
	grep -q '^  maxTrialCount: -5$' "$BATS_TEST_TMPDIR/counts.yaml"
	run --separate-stderr -1 katib validate --no-config --no-excerpt "$BATS_TEST_TMPDIR/counts.yaml"
	assert_output --partial 'maxFailedTrialCount (3) is greater than maxTrialCount (-5) [max-failed-trial-count-too-large]'
	assert_output --partial 'hint: make maxTrialCount greater than 0 first; maxFailedTrialCount may then be up to it'
	refute_output --partial 'at most -5'
}
