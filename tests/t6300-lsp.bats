#!/usr/bin/env bats
# kubectl katib lsp: the language server, driven by a scripted client
# (tests/helper/lsp-client.py) that prints what an editor would show.
# What it reports is compared with what validate reports on the same file.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
	if ! command -v python3 > /dev/null; then
		# scripts/install-deps installs it; CI must not pass by skipping.
		if [ "${CI:-}" = true ]; then
			echo "python3 is missing: run scripts/install-deps" >&2
			return 1
		fi
		skip "python3 is not installed: these tests need it (scripts/install-deps)"
	fi
	export KATIB_BIN
}

client() {
	run --separate-stderr timeout 300 python3 "$TESTS_DIR/helper/lsp-client.py" "$@"
}

# validate's findings as "file:line:col: severity rule", the client's format.
validate_lines() {
	katib validate --no-config -o json "$@" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    print("%s:%d:%d: %s %s" % (f["file"], f["line"], f["column"], f["severity"], f["rule"]))
' | sort -t: -k1,1 -k2,2n -k3,3n
}

@test "lsp --help" {
	run --separate-stderr -0 katib lsp --help
	assert_output --partial "Usage: kubectl katib lsp [options]"
	run --separate-stderr -2 katib lsp extra
	[[ "$stderr" == *"unexpected argument 'extra'"* ]]
	run --separate-stderr -2 katib lsp --katib-version v9
	[[ "$stderr" == *"unknown Katib version 'v9'"* ]]
}

@test "lsp publishes what validate finds, for every rule fixture" {
	cd "$TESTS_DIR/rules"
	local files=() f
	for f in */bad.yaml */good.yaml; do
		# Fixtures that need options or a cluster are validate's business.
		[ -f "${f%/*}/args" ] || [ -d "${f%/*}/cluster" ] || files+=("$f")
	done
	client diagnostics "${files[@]}"
	assert_success
	refute_output --partial "no diagnostics published"
	printf '%s\n' "$output" | sort -t: -k1,1 -k2,2n -k3,3n > "$BATS_TEST_TMPDIR/lsp"
	validate_lines "${files[@]}" > "$BATS_TEST_TMPDIR/validate"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/validate")" -gt 80 ]
	diff -u "$BATS_TEST_TMPDIR/validate" "$BATS_TEST_TMPDIR/lsp"
}

@test "lsp publishes nothing for a document without an Experiment" {
	cat > "$BATS_TEST_TMPDIR/cm.yaml" <<-'EOF'
	apiVersion: v1
	kind: ConfigMap
	metadata:
	  name: settings
	data:
	  algorithmName: bayesian
	EOF
	cp "$REPO_DIR/examples/good-experiment.yaml" "$BATS_TEST_TMPDIR/good.yaml"
	client diagnostics "$BATS_TEST_TMPDIR/cm.yaml" "$BATS_TEST_TMPDIR/good.yaml"
	assert_success
	assert_output "$BATS_TEST_TMPDIR/cm.yaml: no diagnostics published"
}

@test "lsp positions are UTF-16 code units, after non-ASCII text" {
	sed 's/^    algorithmName: bayesian/    {"😀é": 1, algorithmName: bayesian}/' \
		"$TESTS_DIR/rules/algorithm-unknown/bad.yaml" > "$BATS_TEST_TMPDIR/u.yaml"
	client utf16 "$BATS_TEST_TMPDIR/u.yaml"
	assert_success
	# "bayesian" is code point 30 of line 14; the emoji is two UTF-16 units.
	assert_line "algorithm-unknown 13:30-13:38"
	# The quoted key "😀é" spans 4 code points, 5 UTF-16 units.
	assert_line "unknown-field 13:5-13:10"
	run --separate-stderr katib validate --no-config --no-excerpt "$BATS_TEST_TMPDIR/u.yaml"
	assert_output --partial "u.yaml:14:30: error: algorithm 'bayesian'"
	assert_output --partial "u.yaml:14:6: error: unknown field"
}

@test "lsp relates the two places of a finding that has them" {
	client utf16 "$TESTS_DIR/rules/yaml-syntax/bad.yaml"
	assert_success
	assert_line "yaml-syntax 27:2-27:2"
	assert_line "  related 26:14 while parsing a flow sequence"
}

@test "lsp code actions make the same edits as validate --fix" {
	local rule
	for rule in objective-type-invalid istio-sidecar-not-disabled unknown-field \
		    job-restart-policy-invalid collector-kind-invalid; do
		cp "$TESTS_DIR/rules/$rule/bad.yaml" "$BATS_TEST_TMPDIR/$rule.yaml"
		client fix "$BATS_TEST_TMPDIR/$rule.yaml" "$rule" "$BATS_TEST_TMPDIR/$rule.lsp.yaml"
		assert_success
		run --separate-stderr katib validate --no-config --fix "$BATS_TEST_TMPDIR/$rule.yaml"
		refute_crash
		cmp "$BATS_TEST_TMPDIR/$rule.yaml" "$BATS_TEST_TMPDIR/$rule.lsp.yaml" ||
			{ echo "$rule: the code action differs from --fix"; return 1; }
		run --separate-stderr katib validate --no-config --no-excerpt "$BATS_TEST_TMPDIR/$rule.lsp.yaml"
		refute_output --partial "[$rule]"
	done
}

@test "lsp offers a misplaced block's move as a code action" {
	local f=node-selector-in-container
	cp "$TESTS_DIR/data/move-hints/$f.yaml" "$BATS_TEST_TMPDIR/$f.yaml"
	client fix "$BATS_TEST_TMPDIR/$f.yaml" job-field-unknown "$BATS_TEST_TMPDIR/$f.lsp.yaml"
	assert_success
	grep -qF "title: moved 'nodeSelector' into 'spec'" <<< "$stderr"
	cmp "$BATS_TEST_TMPDIR/$f.lsp.yaml" "$TESTS_DIR/data/move-hints/fixed/$f.yaml"
}

@test "lsp hover shows explain's field documentation" {
	cd "$REPO_DIR"
	client hover examples/good-experiment.yaml 17 4
	assert_success
	assert_line --index 0 '**parallelTrialCount** `<integer>`'
	run --separate-stderr -0 katib explain experiment.spec.parallelTrialCount
	local desc
	desc=$(printf '%s\n' "$output" | sed -n '/^DESCRIPTION:/{n;p}' | sed 's/^ *//')
	client hover examples/good-experiment.yaml 17 4
	assert_line "$desc"
	assert_line "Default: 3"
	client hover examples/good-experiment.yaml 16 6
	assert_output --partial "Accepts: what the katib-config serves; here: random, tpe, grid"
	# Below a Job trial template, the Job's own fields.
	client hover examples/good-experiment.yaml 59 14
	assert_line --index 0 '**restartPolicy** `<string>`'
	# Nothing to say about a comment.
	client hover examples/good-experiment.yaml 1 3
	assert_output "no hover"
}

@test "lsp hover on a finding shows its rule's page" {
	client hover "$TESTS_DIR/rules/algorithm-unknown/bad.yaml" 14 22
	assert_success
	assert_line --index 0 "**algorithm-unknown** (error): the algorithm must be one the katib-config serves"
	assert_line "algorithm 'bayesian' is not served by the default katib-config (Katib v0.19)"
	assert_line "Bad:"
	assert_line "Fixed:"
	assert_output --partial "validate --disable algorithm-unknown"
}

@test "lsp completes field names, values, algorithms and trial parameters" {
	cat > "$BATS_TEST_TMPDIR/c.yaml" <<-'EOF'
	apiVersion: kubeflow.org/v1beta1
	kind: Experiment
	metadata:
	  name: x
	spec:
	  objective:
	    type: 
	  algorithm:
	    algorithmName: 
	  trialTemplate:
	    trialParameters:
	      - name: lr
	        reference: lr
	      - description: momentum
	        name: "momentum"
	    trialSpec:
	      apiVersion: batch/v1
	      kind: Job
	      spec:
	        template:
	          spec:
	            containers:
	              - name: c
	                command: ["--lr=${trialParameters."]
	                ima
	            rest
	  maxT
	EOF
	local f=$BATS_TEST_TMPDIR/c.yaml
	client complete "$f" 7 11
	assert_output "$(printf 'minimize\nmaximize')"
	client complete "$f" 9 20
	assert_line --index 0 $'random\talgorithm'
	assert_line $'bayesianoptimization\talgorithm'
	client complete "$f" 24 53
	assert_output "$(printf 'lr\ttrial parameter\nmomentum\ttrial parameter')"
	client complete "$f" 25 20
	assert_line $'image\tstring'
	assert_line $'imagePullPolicy\tstring'
	refute_line --partial "maxTrialCount"
	client complete "$f" 26 17
	assert_line $'restartPolicy\tstring'
	client complete "$f" 27 7
	assert_line $'maxTrialCount\tinteger'
	assert_line $'parameters\t[]ParameterSpec'
}

@test "lsp completes the algorithms of the katib-config in effect" {
	cat > "$BATS_TEST_TMPDIR/katib-config.yaml" <<-'EOF'
	apiVersion: config.kubeflow.org/v1beta1
	kind: KatibConfig
	runtime:
	  suggestions:
	    - algorithmName: random
	      image: docker.io/kubeflowkatib/suggestion-hyperopt:latest
	    - algorithmName: my-search
	      image: example.com/my-search:1
	EOF
	printf 'apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nspec:\n  algorithm:\n    algorithmName: \n' \
		> "$BATS_TEST_TMPDIR/a.yaml"
	client complete "$BATS_TEST_TMPDIR/a.yaml" 5 20 \
		"{\"katibConfig\": \"$BATS_TEST_TMPDIR/katib-config.yaml\"}"
	assert_success
	assert_output --partial $'random\talgorithm'
	assert_output --partial $'my-search\talgorithm'
	refute_output --partial "tpe"
}

# The settings each service takes, as validate's rules know them
# (rules catalogue §3): with the default katib-config tpe is hyperopt's,
# multivariate-tpe optuna's and cmaes goptuna's.
@test "lsp completes the setting names of the algorithm in effect" {
	cat > "$BATS_TEST_TMPDIR/s.yaml" <<-'EOF'
	apiVersion: kubeflow.org/v1beta1
	kind: Experiment
	spec:
	  algorithm:
	    algorithmSettings:
	      - name: 
	        value: "3"
	      - name: gamma
	        
	    algorithmName: "tpe"  # after the settings, and quoted
	  earlyStopping:
	    algorithmName: medianstop
	    algorithmSettings:
	      - value: "2"
	        name: 
	EOF
	local f=$BATS_TEST_TMPDIR/s.yaml
	client complete "$f" 6 15
	assert_success
	assert_output "$(printf '%s\n' \
		$'gamma\tfloat, 0 < v < 1, default 0.25 (hyperopt\'s)' \
		$'prior_weight\tfloat, > 0, default 1.0 (hyperopt\'s)' \
		$'n_EI_candidates\tint, > 0, default 24 (hyperopt\'s)' \
		$'random_state\tint, >= 0, default unseeded')"
	# The next key of a setting.
	client complete "$f" 9 9
	assert_line $'value\tstring'
	client complete "$f" 15 15
	assert_output "$(printf '%s\n' $'min_trials_required\tint, > 0, default 3' \
		$'start_step\tint, >= 1, default 4')"

	sed -i 's/"tpe"/multivariate-tpe/' "$f"
	client complete "$f" 6 15
	assert_output "$(printf '%s\n' \
		$'n_startup_trials\tint, >= 0, default 10 (optuna\'s)' \
		$'n_ei_candidates\tint, >= 0, default 24 (optuna\'s)' \
		$'random_state\tint, >= 0, default unseeded')"
	sed -i 's/multivariate-tpe/cmaes/' "$f"
	client complete "$f" 6 15
	assert_output "$(printf '%s\n' \
		$'random_state\tint, any Go int (strconv.Atoi), default goptuna\'s' \
		$'sigma\tfloat, any Go float (strconv.ParseFloat), default goptuna\'s' \
		$'restart_strategy\tstring, ipop, bipop or none, default none (no restart)')"
	# Unknown to Katib, or served by a custom image: nothing is known.
	sed -i 's/cmaes/no-such-search/; s/medianstop/my-stopper/' "$f"
	client complete "$f" 6 15
	assert_success
	assert_output ""
	client complete "$f" 15 15
	assert_success
	assert_output ""
	# No algorithm named yet.
	sed -i '/algorithmName: no-such-search/d' "$f"
	client complete "$f" 6 15
	assert_success
	assert_output ""
}

@test "lsp completes setting names for the service the katib-config names" {
	cat > "$BATS_TEST_TMPDIR/katib-config.yaml" <<-'EOF'
	apiVersion: config.kubeflow.org/v1beta1
	kind: KatibConfig
	runtime:
	  suggestions:
	    - algorithmName: tpe
	      image: docker.io/kubeflowkatib/suggestion-optuna:v0.18.0
	    - algorithmName: cmaes
	      image: docker.io/kubeflowkatib/suggestion-optuna:v0.18.0
	EOF
	printf '%s\n' 'apiVersion: kubeflow.org/v1beta1' 'kind: Experiment' 'spec:' \
		'  algorithm:' '    algorithmName: tpe' '    algorithmSettings:' \
		'      - name: ' > "$BATS_TEST_TMPDIR/a.yaml"
	local cfg="{\"katibConfig\": \"$BATS_TEST_TMPDIR/katib-config.yaml\"}"
	client complete "$BATS_TEST_TMPDIR/a.yaml" 7 15 "$cfg"
	assert_success
	assert_line --index 0 --partial $'n_startup_trials\tint'
	assert_line --index 1 --partial $'n_ei_candidates\tint'
	assert_line --index 2 --partial $'random_state\tint'
	[ "${#lines[@]}" -eq 3 ]
	sed -i 's/tpe/cmaes/' "$BATS_TEST_TMPDIR/a.yaml"
	client complete "$BATS_TEST_TMPDIR/a.yaml" 7 15 "$cfg"
	assert_output "$(printf '%s\n' \
		$'restart_strategy\tstring, ipop, None or none, default None (no restart)' \
		$'sigma\tfloat, >= 0, default a sixth of the narrowest parameter range (optuna\'s)' \
		$'random_state\tint, >= 0, default unseeded')"
}

@test "lsp follows incremental changes" {
	cp "$TESTS_DIR/rules/algorithm-unknown/bad.yaml" "$BATS_TEST_TMPDIR/e.yaml"
	client edit "$BATS_TEST_TMPDIR/e.yaml" bayesian random
	assert_success
	assert_output "before:
$BATS_TEST_TMPDIR/e.yaml:14:20: error algorithm-unknown
after:"
	# An edit after non-ASCII text on its line.
	sed 's/^    algorithmName: bayesian/    {"😀é": 1, algorithmName: random}/' \
		"$TESTS_DIR/rules/algorithm-unknown/bad.yaml" > "$BATS_TEST_TMPDIR/u.yaml"
	client edit "$BATS_TEST_TMPDIR/u.yaml" random tpX
	assert_success
	assert_line "$BATS_TEST_TMPDIR/u.yaml:14:30: error algorithm-unknown"
	validate_lines "$BATS_TEST_TMPDIR/u.yaml"
}

@test "lsp settings: rule severities and the Katib version, then a change" {
	cp "$TESTS_DIR/rules/algorithm-unknown/bad.yaml" "$BATS_TEST_TMPDIR/e.yaml"
	client settings "$BATS_TEST_TMPDIR/e.yaml" \
		'{"rules": {"algorithm-unknown": "warning"}}' \
		'{"katib": {"rules": {"algorithm-unknown": "off"}, "katibVersion": "v0.99"}}'
	assert_success
	assert_output "initializationOptions:
$BATS_TEST_TMPDIR/e.yaml:14:20: warning algorithm-unknown
didChangeConfiguration:
message: katib: unknown Katib version 'v0.99' (give v0.15 to v0.19); checking as v0.19"
	client settings "$BATS_TEST_TMPDIR/e.yaml" '{}' '{"katibConfig": "/nonexistent/katib-config.yaml"}'
	assert_success
	assert_line "message: katib: cannot open '/nonexistent/katib-config.yaml': No such file or directory; checking against a default install's katib-config"
}

@test "lsp answers hostile wire input with errors, never a crash or a hang" {
	client wire
	assert_success
	assert_output "before initialize: error -32002 not initialized
invalid JSON: error -32700 invalid JSON
not an object: error -32600 a message must be a JSON object
bad length: error -32700 invalid Content-Length
no length: error -32700 no Content-Length header
huge header: error -32700 header too long
huge body: error -32700 message too large
unknown method: error -32601 unknown method 'katib/nothing'
missing params: error -32602 need an open document and a position
still serving: result null
after shutdown: error -32600 shutting down
exit status: 0
absurd length: error -32700 message too large
end of input without exit: status 1"
}
