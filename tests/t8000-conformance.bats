#!/usr/bin/env bats
# Katib's own test tables, translated row by row into tests/conformance/
# (see its README): each row's verdict must agree with Katib's, or say
# why it differs (stricter by design, a default, a known gap).

bats_require_minimum_version 1.5.0
load lib/common

CONF=$TESTS_DIR/conformance

# rows DIR N: every row under DIR agrees, and there are N of them (a row
# lost in a move would otherwise pass unnoticed).
rows() {
	run python3 "$CONF/check.py" "$KATIB_BIN" "$CONF/$1"
	echo "$output"
	assert_success || return 1
	assert_line "$2 rows, 0 disagree" || return 1
}

@test "conformance: validator_test.go TestValidateExperiment (UPDATE rows with old objects)" {
	rows webhook/TestValidateExperiment 27
}

@test "conformance: validator_test.go TestValidateParameters" {
	rows webhook/TestValidateParameters 7
}

@test "conformance: validator_test.go TestValidateTrialTemplate" {
	rows webhook/TestValidateTrialTemplate 22
}

@test "conformance: validator_test.go TestValidateTrialJob" {
	rows webhook/TestValidateTrialJob 4
}

@test "conformance: validator_test.go TestValidateMetricsCollector" {
	rows webhook/TestValidateMetricsCollector 13
}

@test "conformance: validator_test.go TestValidateConfigData" {
	rows webhook/TestValidateConfigData 3
}

@test "conformance: test_hyperopt_service.py test_validate_algorithm_settings" {
	rows services/test_hyperopt_service 7
}

@test "conformance: test_optuna_service.py test_validate_algorithm_settings" {
	rows services/test_optuna_service 21
}

@test "conformance: test_darts_service.py test_validate_algorithm_spec (no nasConfig)" {
	rows services/test_darts_service 8
}

@test "conformance: test_skopt_service.py test_validate_algorithm_settings" {
	rows services/test_skopt_service 8
}

@test "conformance: test_medianstop_service.py test_validate_early_stopping_settings" {
	rows services/test_medianstop_service 5
}

@test "conformance: test_enas_service.py test_get_suggestion (its experiment's validation)" {
	rows services/test_enas_service 1
}

@test "conformance: test_hyperband_service.py test_get_suggestion (refused by the service's own validation)" {
	rows services/test_hyperband_service 1
}

@test "conformance: goptuna service_test.go TestSuggestionService_GetSuggestions" {
	rows services/goptuna_service_test 3
}

@test "conformance: goptuna converter_test.go Test_toGoptunaSearchSpace" {
	rows services/goptuna_converter_test 6
}

@test "conformance: a GetSuggestions row the service's validation refuses must be answered exactly so" {
	cp -r "$CONF/services/test_hyperband_service/test_get_suggestion/01" "$BATS_TEST_TMPDIR/row"
	sed -i 's/not less than 9\./not less than 8./' "$BATS_TEST_TMPDIR/row/expect"
	run python3 "$CONF/check.py" "$KATIB_BIN" "$BATS_TEST_TMPDIR/row"
	assert_failure
	assert_line --partial "INVALID_ARGUMENT 'parallelTrialCount must be not less than 9.', the service's validation answers INVALID_ARGUMENT 'parallelTrialCount must be not less than 8.'"
	# Only a test that skips validation may be answered by a refusal.
	sed -i 's/not less than 8\./not less than 9./; /^upstream-method/d' "$BATS_TEST_TMPDIR/row/expect"
	run python3 "$CONF/check.py" "$KATIB_BIN" "$BATS_TEST_TMPDIR/row"
	assert_failure
	assert_line --partial "service-refuses needs a test that skips validation"
}

@test "conformance: an expect line that is not key: value stops the check" {
	cp -r "$CONF/webhook/TestValidateExperiment/03" "$BATS_TEST_TMPDIR/row"
	# A colon without its space: before, the whole line became a key
	# without a value and the row still passed.
	sed -i 's/^upstream: denied/upstream:denied/' "$BATS_TEST_TMPDIR/row/expect"
	run python3 "$CONF/check.py" "$KATIB_BIN" "$BATS_TEST_TMPDIR/row"
	assert_failure
	assert_output --partial "not a \`key: value\` line: 'upstream:denied'"
}

@test "conformance: a service row whose reply changes fails, naming the row" {
	cp -r "$CONF/services/test_hyperopt_service/test_validate_algorithm_settings/04" "$BATS_TEST_TMPDIR/row"
	sed -i 's/(0, 1)/[0, 1]/' "$BATS_TEST_TMPDIR/row/expect"
	run python3 "$CONF/check.py" "$KATIB_BIN" "$BATS_TEST_TMPDIR/row"
	assert_failure
	assert_line --partial "details 'gamma should be in the range of (0, 1)', Katib's test expects 'gamma should be in the range of [0, 1]'"
}

@test "conformance: a row whose verdict changes fails, naming the row" {
	cp -r "$CONF/webhook/TestValidateExperiment/03" "$BATS_TEST_TMPDIR/row"
	sed -i 's/^upstream: denied/upstream: allowed/; /^upstream-error/d' "$BATS_TEST_TMPDIR/row/expect"
	run python3 "$CONF/check.py" "$KATIB_BIN" "$BATS_TEST_TMPDIR/row"
	assert_failure
	assert_line --partial "row: Katib allows; only stricter rules may deny (TestValidateExperiment Objective is nil row 3)"
	assert_line "1 rows, 1 disagree"
	# A stricter rule that no longer fires is a disagreement too.
	cp -r "$CONF/webhook/TestValidateExperiment/11" "$BATS_TEST_TMPDIR/ok"
	sed -i 's/^stricter: job-restart-policy-invalid/stricter: name-invalid/' "$BATS_TEST_TMPDIR/ok/expect"
	run python3 "$CONF/check.py" "$KATIB_BIN" "$BATS_TEST_TMPDIR/ok"
	assert_failure
	assert_line --partial "rules: ours job-restart-policy-invalid, expected name-invalid"
}

# The answers of Katib's real optuna service (scripts/oracle/record),
# each reproduced by validate and validate --suggestion-request.
@test "oracle: every recorded answer of Katib's optuna service is reproduced" {
	run jq -r '"\(.katib) optuna \(.libraries.optuna) pinned \(."katib-pins".optuna) \(.cases | length)"' "$TESTS_DIR/data/oracle/optuna.json"
	assert_output "33c8ff4e5d1814b59abd308e6819e839e9906bc2 optuna 3.1.0 pinned ==3.3.0 372"
	run python3 "$CONF/oracle.py" "$KATIB_BIN" "$TESTS_DIR/data/oracle/optuna.json"
	echo "$output"
	assert_success
	assert_line "372 cases, 0 disagree"
}

@test "oracle: the recording covers every algorithm, refusals and failures at GetSuggestions" {
	run jq -r '[.cases[] | "\(.name | split("/")[0]) \(.validate.code) \(."get-suggestions".code // "-")"] | group_by(.) | map("\(.[0]) \(length)") | .[]' "$TESTS_DIR/data/oracle/optuna.json"
	for a in tpe multivariate-tpe cmaes random grid; do
		assert_line --regexp "^$a OK OK [0-9]+$"
		assert_line --regexp "^$a INVALID_ARGUMENT - [0-9]+$"
		assert_line --regexp "^$a OK UNKNOWN [0-9]+$"
	done
}

@test "oracle: an answer we no longer reproduce fails, naming the case" {
	jq '.cases |= map(if .name == "cmaes/sigma='"'"'٣.٥'"'"'" then .validate = {"code": "INVALID_ARGUMENT", "details": "x"} elif .name == "tpe/random_state='"'"'4294967296'"'"'" then ."get-suggestions".details = "Exception calling application: other" else . end)' \
		"$TESTS_DIR/data/oracle/optuna.json" > "$BATS_TEST_TMPDIR/optuna.json"
	run python3 "$CONF/oracle.py" "$KATIB_BIN" "$BATS_TEST_TMPDIR/optuna.json" "cmaes/sigma='٣.٥'" "tpe/random_state='4294967296'"
	assert_failure
	assert_line --partial "cmaes/sigma='٣.٥': ValidateAlgorithmSettings: code OK, the service answers INVALID_ARGUMENT"
	assert_line --partial "tpe/random_state='4294967296': validate: GetSuggestions raises ValueError('other') at call 1; we report algorithm-setting-hangs"
	assert_line "2 cases, 2 disagree"
}

@test "oracle: a note naming no recorded case fails" {
	cp "$TESTS_DIR/data/oracle/optuna.json" "$BATS_TEST_TMPDIR/optuna.json"
	printf 'tpe/none\tstricter\tname-invalid\twhy\n' > "$BATS_TEST_TMPDIR/optuna.notes"
	run python3 "$CONF/oracle.py" "$KATIB_BIN" "$BATS_TEST_TMPDIR/optuna.json" "tpe/unknown"
	assert_failure
	assert_line "tpe/none: a note names no recorded case"
}

@test "conformance: docs/conformance.md is what the rows say (scripts/gen-conformance-doc.py)" {
	# The oracle test above checks memory; this run only counts.
	KATIB_VALGRIND= run python3 "$REPO_DIR/scripts/gen-conformance-doc.py" "$CONF" "$KATIB_BIN" "$TESTS_DIR/data/oracle/optuna.json"
	assert_success
	printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/conformance.md"
	diff -u "$REPO_DIR/docs/conformance.md" "$BATS_TEST_TMPDIR/conformance.md" ||
		{ echo "docs/conformance.md is stale: run scripts/gen-conformance-doc.py tests/conformance build/kubectl-katib tests/data/oracle/optuna.json > docs/conformance.md"; return 1; }
	# The counts are the rows': one more gap shows.
	cp -r "$CONF" "$BATS_TEST_TMPDIR/conf"
	echo "gap: a test of the test" >> "$BATS_TEST_TMPDIR/conf/webhook/TestValidateExperiment/03/expect"
	KATIB_VALGRIND= run python3 "$REPO_DIR/scripts/gen-conformance-doc.py" "$BATS_TEST_TMPDIR/conf" "$KATIB_BIN"
	assert_line --partial "| **total** | | 144 | 128 |"
	assert_line --partial "TestValidateExperiment row 3, Objective is nil: a test of the test"
	# The oracle's counts are the binary's: a case it no longer reproduces shows.
	jq '.cases |= map(if .name == "cmaes/sigma='"'"'٣.٥'"'"'" then .validate = {"code": "INVALID_ARGUMENT", "details": "x"} else . end)' \
		"$TESTS_DIR/data/oracle/optuna.json" > "$BATS_TEST_TMPDIR/optuna.json"
	KATIB_VALGRIND= run python3 "$REPO_DIR/scripts/gen-conformance-doc.py" "$BATS_TEST_TMPDIR/conf" "$KATIB_BIN" "$BATS_TEST_TMPDIR/optuna.json"
	assert_line "| cmaes | 63 | 20 | 6 | 37 | 0 | 62 | 1 |"
}
