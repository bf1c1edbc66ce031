#!/usr/bin/env bats
# validate --suggestion-request: the reply a suggestion service would give.

bats_require_minimum_version 1.5.0
load lib/common

predict() {
	run --separate-stderr katib validate --suggestion-request "$TESTS_DIR/data/suggestion/$1" "${@:2}"
	refute_crash
}

@test "suggestion: hyperopt rejects a random_state that is not an integer" {
	predict hyperopt-random-state.json
	assert_equal "$status" 1
	assert_output "ValidateAlgorithmSettings (hyperopt service): INVALID_ARGUMENT
  failed to validate random_state(abc): invalid literal for int() with base 10: 'abc'
Katib: the Suggestion fails with 'Validation failed: ValidateAlgorithmSettings Error: failed to validate random_state(abc): invalid literal for int() with base 10: 'abc'' and the Experiment fails"
}

@test "suggestion: the service answers with the first setting it fails, in request order" {
	# hyperopt's _validate_tpe_setting loops over algorithm_settings and
	# returns at the first failure (pkg/suggestion/v1beta1/hyperopt/service.py,
	# kubeflow/katib 33c8ff4e5d1814b59abd308e6819e839e9906bc2); the same three
	# wrong settings in the other order get the other answer.
	predict hyperopt-two-errors.json -o json
	assert_equal "$status" 1
	assert_equal "$(jq -r .details <<< "$output")" "gamma should be in the range of (0, 1)"
	predict hyperopt-two-errors-reordered.json -o json
	assert_equal "$status" 1
	assert_equal "$(jq -r .details <<< "$output")" "failed to validate random_state(abc): invalid literal for int() with base 10: 'abc'"
}

@test "suggestion: -o json writes the recorded-reply format" {
	predict hyperopt-random-state.json -o json
	assert_equal "$status" 1
	assert_output '{"method":"/api.v1.beta1.Suggestion/ValidateAlgorithmSettings","service":"hyperopt","code":"INVALID_ARGUMENT","details":"failed to validate random_state(abc): invalid literal for int() with base 10: '"'abc'"'"}'
}

@test "suggestion: valid settings get OK (exit 0)" {
	predict hyperopt-ok.json
	assert_equal "$status" 0
	assert_line --index 0 "ValidateAlgorithmSettings (hyperopt service): OK"
}

@test "suggestion: camelCase names and numeric enums; goptuna answers INTERNAL" {
	predict camel-case-numeric-enums.json -o json
	assert_equal "$status" 1
	assert_equal "$(jq -r .service <<< "$output")" goptuna
	assert_equal "$(jq -r .code <<< "$output")" INTERNAL
	assert_equal "$(jq -r .details <<< "$output")" 'Failed to create goptuna study and search space: strconv.ParseFloat: parsing "x": invalid syntax'
}

@test "suggestion: hyperband needs its resource settings" {
	predict hyperband-no-resource.json -o json
	assert_equal "$status" 1
	assert_equal "$(jq -r .details <<< "$output")" "r_l and resource_name must be set."
}

@test "suggestion: an early-stopping request goes to medianstop" {
	predict medianstop-min-trials.json -o json
	assert_equal "$status" 1
	assert_equal "$(jq -r .method <<< "$output")" /api.v1.beta1.EarlyStopping/ValidateEarlyStoppingSettings
	assert_equal "$(jq -r .details <<< "$output")" "min_trials_required must be greater than zero (>0)"
}

@test "suggestion: the katib-config decides the owning service" {
	# The remapped config serves tpe from optuna, which knows no
	# n_EI_candidates: the request hyperopt accepts is rejected.
	predict hyperopt-ok.json --katib-config "$TESTS_DIR/data/katib-config-remapped.yaml" -o json
	assert_equal "$status" 1
	assert_equal "$(jq -r .service <<< "$output")" optuna
	assert_equal "$(jq -r .details <<< "$output")" "unknown setting n_EI_candidates for algorithm tpe"
}

@test "suggestion: a custom image's answer cannot be predicted (exit 2)" {
	run --separate-stderr katib validate --katib-config "$TESTS_DIR/data/katib-config-remapped.yaml" \
		--suggestion-request - <<< '{"experiment": {"spec": {"algorithm": {"algorithm_name": "my-search"}}}}'
	refute_crash
	assert_equal "$status" 2
	[[ "$stderr" == *"'my-search' is served by image registry.example.com/ml/my-suggestion:1.0"* ]]
}

@test "suggestion: an algorithm no service serves cannot be predicted (exit 2)" {
	predict unknown-algorithm.json
	assert_equal "$status" 2
	assert_output ''
	[[ "$stderr" == *"does not serve algorithm 'simulated-annealing'"* ]]
}

@test "suggestion: not a request, or not JSON/YAML (exit 2)" {
	run --separate-stderr katib validate --suggestion-request - <<< '{"trials": []}'
	refute_crash
	assert_equal "$status" 2
	[[ "$stderr" == *"not a ValidateAlgorithmSettingsRequest"* ]]
	run --separate-stderr katib validate --suggestion-request - <<< '{"experiment": {'
	refute_crash
	assert_equal "$status" 2
	[[ "$stderr" == *"-:"* ]]
	run --separate-stderr katib validate --suggestion-request - <<< '{"experiment": {"spec": {"algorithm": {}}}}'
	assert_equal "$status" 2
	[[ "$stderr" == *"names no algorithm"* ]]
}

# enas_details SETTINGS NAS: the details of the enas service's answer to a
# request with these algorithm settings and nas_config (JSON texts), as a
# JSON string: a trailing newline of the service's details shows.
enas_details() {
	jq -n --argjson s "$1" --argjson n "$2" \
		'{experiment: {name: "e", spec: {algorithm: {algorithm_name: "enas", algorithm_settings: $s}, nas_config: $n}}}' \
		> "$BATS_TEST_TMPDIR/enas.json" || return 1
	run --separate-stderr katib validate --suggestion-request "$BATS_TEST_TMPDIR/enas.json" -o json
	refute_crash || return 1
	jq .details <<< "$output"
}

# The graph and one operation the enas service accepts.
ENAS_NAS='{"graph_config": {"num_layers": 4, "input_sizes": [32, 32, 8], "output_sizes": [10]}, "operations": {"operation": [{"operation_type": "convolution", "parameter_specs": {"parameters": [{"name": "filter_size", "parameter_type": "CATEGORICAL", "feasible_space": {"list": ["3"]}}]}}]}}'

@test "suggestion: enas quotes the exception int() or float() raised" {
	# ValidateAlgorithmSettings formats "must be {type} type: exception {e}"
	# (pkg/suggestion/v1beta1/nas/enas/service.py, kubeflow/katib
	# 33c8ff4e5d1814b59abd308e6819e839e9906bc2).
	run enas_details '[{"name": "controller_hidden_size", "value": "abc"}]' "$ENAS_NAS"
	assert_output "\"Algorithm Setting controller_hidden_size must be int type: exception invalid literal for int() with base 10: 'abc'\""
	run enas_details '[{"name": "controller_temperature", "value": "1,5"}]' "$ENAS_NAS"
	assert_output "\"Algorithm Setting controller_temperature must be float type: exception could not convert string to float: '1,5'\""
}

@test "suggestion: enas prints the converted value and its table's bounds, as Python prints them" {
	# The value is the int or float the service read, and the bounds are
	# AlgorithmSettings.py's: (0, inf) for temperature, (0.0, inf) for
	# entropy weight, (0.0, 1.0) for the decay.
	run enas_details '[{"name": "controller_baseline_decay", "value": "2"}]' "$ENAS_NAS"
	assert_output '"Algorithm Setting controller_baseline_decay: 2.0 with float type must be in range (0.0, 1.0)"'
	run enas_details '[{"name": "controller_temperature", "value": "-1e20"}]' "$ENAS_NAS"
	assert_output '"Algorithm Setting controller_temperature: -1e+20 with float type must be in range (0, inf)"'
	run enas_details '[{"name": "controller_skip_weight", "value": "٠"}]' "$ENAS_NAS"
	assert_output '"Algorithm Setting controller_skip_weight: 0.0 with float type must be in range (0.0, inf)"'
	run enas_details '[{"name": "controller_learning_rate", "value": "Infinity"}]' "$ENAS_NAS"
	assert_output '"Algorithm Setting controller_learning_rate: inf with float type must be in range (0.0, 1.0)"'
	run enas_details '[{"name": "controller_skip_target", "value": "-0.000012"}]' "$ENAS_NAS"
	assert_output '"Algorithm Setting controller_skip_target: -1.2e-05 with float type must be in range (0.0, 1.0)"'
	run enas_details '[{"name": "controller_train_steps", "value": " -00_5 "}]' "$ENAS_NAS"
	assert_output '"Algorithm Setting controller_train_steps: -5 with int type must be in range [1, inf)"'
	run enas_details '[{"name": "controller_log_every_steps", "value": "-123456789012345678901234567890"}]' "$ENAS_NAS"
	assert_output '"Algorithm Setting controller_log_every_steps: -123456789012345678901234567890 with int type must be in range [1, inf)"'
	# NaN passes both comparisons, and None the settings that take it.
	run enas_details '[{"name": "controller_learning_rate", "value": "nan"}, {"name": "controller_temperature", "value": "None"}]' "$ENAS_NAS"
	assert_output '""'
}

@test "suggestion: enas prints the graph config it found incomplete, whether or not there is a nasConfig" {
	run enas_details '[]' 'null'
	assert_output '"Missing InputSizes in GraphConfig:\n"'
	run enas_details '[]' '{"graph_config": {"num_layers": 4, "output_sizes": [10]}}'
	assert_output '"Missing InputSizes in GraphConfig:\nnum_layers: 4\noutput_sizes: 10\n"'
	run enas_details '[]' '{"graph_config": {"num_layers": 4, "input_sizes": [32, 32, 8]}}'
	assert_output '"Missing OutputSizes in GraphConfig:\nnum_layers: 4\ninput_sizes: 32\ninput_sizes: 32\ninput_sizes: 8\n"'
	run enas_details '[]' '{"graph_config": {"input_sizes": [3], "output_sizes": [10]}}'
	assert_output '"Missing NumLayers in GraphConfig:\ninput_sizes: 3\noutput_sizes: 10\n"'
}
