#!/usr/bin/env bats
# The suggestion and early-stopping services' own unit tests (rules
# catalogue §3.12), replayed through `validate`: each case maps its
# algorithm to the service under test in a katib-config, as an admin may,
# and expects the same verdict.  "ok" means no error from a service rule
# (a warning about a setting the service ignores may come with it).

bats_require_minimum_version 1.5.0
load lib/common

SERVICE_RULES='algorithm-setting-invalid algorithm-setting-ignored algorithm-setting-hangs
algorithm-search-space-invalid algorithm-search-space-hangs nas-operation-invalid
early-stopping-setting-invalid'

# param SPEC: one spec.parameters entry from "TYPE:A:B[:step=S][:dist=D]"
# (int, double) or "TYPE:v1,v2" (categorical, discrete); names p0, p1, ...
param() {
	local i=$1 spec=$2 type rest min max extra=""
	type=${spec%%:*} rest=${spec#*:}
	echo "    - name: p$i"
	echo "      parameterType: $type"
	echo "      feasibleSpace:"
	case $type in
	categorical|discrete)
		echo "        list: [$(echo "$rest" | sed 's/\([^,]*\)/"\1"/g')]" ;;
	*)
		min=${rest%%:*} rest=${rest#*:}
		max=${rest%%:*}
		[ "$max" = "$rest" ] && rest="" || rest=${rest#*:}
		echo "        min: \"$min\""
		echo "        max: \"$max\""
		IFS=: read -r -a extra <<< "$rest"
		for e in "${extra[@]}"; do
			case $e in
			step=*) echo "        step: \"${e#step=}\"" ;;
			dist=*) echo "        distribution: ${e#dist=}" ;;
			esac
		done ;;
	esac
}

# experiment ALGORITHM SETTINGS PARAMS MAX [EARLY-STOPPING-SETTINGS]
# SETTINGS: "k=v,k=v"; PARAMS: "spec;spec"; MAX: maxTrialCount or "-".
experiment() {
	local algo=$1 settings=$2 params=$3 max=$4 es=${5-} i=0 kv p
	cat <<-EOF
	apiVersion: kubeflow.org/v1beta1
	kind: Experiment
	metadata:
	  name: service-case
	spec:
	  objective: {type: maximize, objectiveMetricName: accuracy}
	  algorithm:
	    algorithmName: $algo
	EOF
	if [ -n "$settings" ]; then
		echo "    algorithmSettings:"
		IFS=, read -r -a kvs <<< "$settings"
		for kv in "${kvs[@]}"; do
			echo "      - {name: \"${kv%%=*}\", value: \"${kv#*=}\"}"
		done
	fi
	if [ -n "$es" ]; then
		echo "  earlyStopping:"
		echo "    algorithmName: ${es%%|*}"
		es=${es#*|}
		if [ -n "$es" ]; then
			echo "    algorithmSettings:"
			IFS=, read -r -a kvs <<< "$es"
			for kv in "${kvs[@]}"; do
				echo "      - {name: \"${kv%%=*}\", value: \"${kv#*=}\"}"
			done
		fi
	fi
	echo "  parallelTrialCount: 1"
	[ "$max" != "-" ] && echo "  maxTrialCount: $max"
	echo "  parameters:"
	IFS=';' read -r -a ps <<< "$params"
	for p in "${ps[@]}"; do
		param $i "$p"
		i=$((i + 1))
	done
	[ $i -eq 0 ] && echo "    - {name: p0, parameterType: categorical, feasibleSpace: {list: [\"a\"]}}" && i=1
	echo "  trialTemplate:"
	echo "    primaryContainerName: main"
	echo "    trialParameters:"
	for ((k = 0; k < i; k++)); do echo "      - {name: p$k, reference: p$k}"; done
	cat <<-EOF
	    trialSpec:
	      apiVersion: batch/v1
	      kind: Job
	      spec:
	        template:
	          metadata:
	            labels: {sidecar.istio.io/inject: "false"}
	          spec:
	            restartPolicy: Never
	            containers:
	              - name: main
	                image: docker.io/library/python:3.12
	                command:
	                  - python
	                  - train.py
	EOF
	for ((k = 0; k < i; k++)); do echo "                  - --p$k=\${trialParameters.p$k}"; done
}

# config SERVICE ALGORITHM: a katib-config serving ALGORITHM from SERVICE.
config() {
	cat <<-EOF
	apiVersion: config.kubeflow.org/v1beta1
	kind: KatibConfig
	runtime:
	  suggestions:
	    - algorithmName: random
	      image: ghcr.io/kubeflow/katib/suggestion-hyperopt:v0.19.0
	    - algorithmName: $2
	      image: ghcr.io/kubeflow/katib/suggestion-$1:v0.19.0
	  earlyStoppings:
	    - algorithmName: ${3:-medianstop}
	      image: ghcr.io/kubeflow/katib/earlystopping-medianstop:v0.19.0
	  metricsCollectors:
	    - {kind: StdOut, image: ghcr.io/kubeflow/katib/file-metrics-collector:v0.19.0}
	EOF
}

# case SERVICE ALGORITHM SETTINGS PARAMS MAX EXPECT [MESSAGE] [ES]
# EXPECT is "ok" or the rule id; MESSAGE a part of the service's answer.
case_() {
	local service=$1 algo=$2 settings=$3 params=$4 max=$5 expect=$6 msg=${7-} es=${8-}
	config "$service" "$algo" "${es%%|*}" > "$BATS_TEST_TMPDIR/config.yaml"
	experiment "$algo" "$settings" "$params" "$max" "$es" > "$BATS_TEST_TMPDIR/e.yaml"
	run --separate-stderr katib validate -o json --katib-config "$BATS_TEST_TMPDIR/config.yaml" \
		"$BATS_TEST_TMPDIR/e.yaml"
	refute_crash || return 1
	found=$(printf '%s' "$output" | jq -r --arg rules "$SERVICE_RULES" \
		'.findings[] | select(.rule as $r | $rules | split("\\s+"; null) | index($r)) | "\(.rule): \(.message)"')
	if [ "$expect" = ok ]; then
		errors=$(printf '%s' "$output" | jq -r --arg rules "$SERVICE_RULES" \
			'.findings[] | select(.severity == "error") | select(.rule as $r | $rules | split("\\s+"; null) | index($r)) | .message')
		[ -z "$errors" ] || { echo "expected no service error, got:"; echo "$errors"; return 1; }
	else
		printf '%s\n' "$found" | grep -qF -- "$expect: " || { echo "no $expect finding in:"; echo "$found"; printf '%s\n' "$output"; return 1; }
		[ -z "$msg" ] || printf '%s\n' "$found" | grep -F -- "$expect: " | grep -qF -- "$msg" ||
			{ echo "no '$msg' in:"; echo "$found"; return 1; }
	fi
}

G1='int:1:5;categorical:cat1,cat2,cat3;discrete:3,2,6;double:1:5;double:1:5:step=0.5:dist=logUniform;double:1:5:dist=logUniform;double:5:10:step=0.8:dist=uniform;double:5:10:dist=uniform;double:5:10:step=0.8:dist=normal;double:5:10:dist=normal;double:5:10:step=0.8:dist=logNormal;double:5:10:dist=logNormal;int:1:5:dist=uniform;int:1:5:step=0.8:dist=uniform;int:5:10:dist=logUniform;int:5:10:step=0.01:dist=logUniform;int:5:100:dist=normal;int:5:100:step=0.01:dist=normal;int:32:64:dist=logNormal;int:32:64:step=0.01:dist=logNormal;double:32:64:step=0.01;int:32:64:step=0.01'

@test "T-HO-1 hyperopt tpe: valid settings" { case_ hyperopt tpe "random_state=10,gamma=0.25,prior_weight=1.0,n_EI_candidates=24" "" - ok; }
@test "T-HO-2 hyperopt: unknown algorithm" { case_ hyperopt unknown "" "" - algorithm-setting-invalid "unknown algorithm name unknown"; }
@test "T-HO-3 hyperopt random: unknown setting" { case_ hyperopt random "unknown_conf=1111" "" - algorithm-setting-invalid "unknown setting unknown_conf for algorithm random"; }
@test "T-HO-4 hyperopt tpe: gamma 1.5" { case_ hyperopt tpe "gamma=1.5" "" - algorithm-setting-invalid "gamma should be in the range of (0, 1)"; }
@test "T-HO-5 hyperopt tpe: n_EI_candidates 0" { case_ hyperopt tpe "n_EI_candidates=0" "" - algorithm-setting-invalid "n_EI_candidates should be great than zero"; }
@test "T-HO-6 hyperopt tpe: random_state -1" { case_ hyperopt tpe "random_state=-1" "" - algorithm-setting-invalid "random_state should be great or equal than zero"; }
@test "T-HO-7 hyperopt tpe: prior_weight aaa" { case_ hyperopt tpe "prior_weight=aaa" "" - algorithm-setting-invalid "failed to validate prior_weight(aaa)"; }
@test "T-HO-8 hyperopt tpe: the 22-parameter search space samples" {
	# Bounds are all > 0, so the log distributions sample (normal ones only warn).
	case_ hyperopt tpe "random_state=10,gamma=0.25,prior_weight=1.0,n_EI_candidates=24" "$G1" - ok
}

@test "T-OP-1 optuna: unknown algorithm" { case_ optuna invalid "" "" 1 algorithm-setting-invalid "unknown algorithm name invalid"; }
@test "T-OP-2 optuna tpe: valid settings" { case_ optuna tpe "n_startup_trials=5,n_ei_candidates=24,random_state=1" "" 100 ok; }
@test "T-OP-3 optuna tpe: unknown setting" { case_ optuna tpe "invalid=5" "" 100 algorithm-setting-invalid "unknown setting invalid for algorithm tpe"; }
@test "T-OP-4 optuna tpe: n_startup_trials -1" { case_ optuna tpe "n_startup_trials=-1" "" 100 algorithm-setting-invalid "n_startup_trials should be greate or equal than zero"; }
@test "T-OP-5 optuna tpe: misspelt n_ei_candidate" { case_ optuna tpe "n_ei_candidate=-1" "" 100 algorithm-setting-invalid "unknown setting n_ei_candidate for algorithm tpe"; }
@test "T-OP-6 optuna tpe: random_state -1" { case_ optuna tpe "random_state=-1" "" 100 algorithm-setting-invalid "random_state should be greate or equal than zero"; }
@test "T-OP-7 optuna multivariate-tpe: valid settings" { case_ optuna multivariate-tpe "n_startup_trials=5,n_ei_candidates=24,random_state=1" "" 100 ok; }
@test "T-OP-8 optuna cmaes: valid" { case_ optuna cmaes "restart_strategy=ipop,sigma=0.1,random_state=10" "int:1:5;int:9:10" 20 ok; }
@test "T-OP-9 optuna cmaes: unknown setting" { case_ optuna cmaes "invalid=invalid,sigma=0.1" "int:1:5;int:9:10" 100 algorithm-setting-invalid "unknown setting invalid for algorithm cmaes"; }
@test "T-OP-10 optuna cmaes: restart_strategy invalid" { case_ optuna cmaes "restart_strategy=invalid,sigma=0.1" "int:1:5;int:9:10" 15 algorithm-setting-invalid "restart_strategy invalid is not supported in CMAES optimization"; }
@test "T-OP-11 optuna cmaes: sigma -10" { case_ optuna cmaes "restart_strategy=None,sigma=-10" "int:1:5;int:9:10" 55 algorithm-setting-invalid "sigma should be greate or equal than zero"; }
@test "T-OP-12 optuna cmaes: random_state -20" { case_ optuna cmaes "sigma=0.2,random_state=-20" "int:1:5;int:9:10" 25 algorithm-setting-invalid "random_state should be greate or equal than zero"; }
@test "T-OP-13 optuna cmaes: one dimension" { case_ optuna cmaes "sigma=0.2" "int:1:5" 5 algorithm-search-space-invalid "cmaes only supports two or more dimensional continuous search space."; }
@test "T-OP-14 optuna random: valid" { case_ optuna random "random_state=10" "int:1:5;int:9:10" 23 ok; }
@test "T-OP-15 optuna random: unknown setting" { case_ optuna random "invalid=invalid" "" 33 algorithm-setting-invalid "unknown setting invalid for algorithm random"; }
@test "T-OP-16 optuna random: random_state -1 (empty message)" { case_ optuna random "random_state=-1" "" 33 algorithm-setting-invalid "rejects it with an empty message"; }
@test "T-OP-17 optuna grid: five points for five trials" { case_ optuna grid "random_state=10" "int:1:5" 5 ok; }
@test "T-OP-18 optuna grid: unknown setting" { case_ optuna grid "invalid=invalid" "" 33 algorithm-setting-invalid "unknown setting invalid for algorithm grid"; }
@test "T-OP-19 optuna grid: random_state -1 (empty message)" { case_ optuna grid "random_state=-1" "" 10 algorithm-setting-invalid "rejects it with an empty message"; }
@test "T-OP-20 optuna grid: double without step" { case_ optuna grid "random_state=1" "double:1:5" 26 algorithm-search-space-invalid "Param p0 step is nil; For discrete search space, all parameters must include step"; }
@test "T-OP-21 optuna grid: 25 points for 26 trials" { case_ optuna grid "random_state=1" "int:1:5;double:1:5:step=1" 26 algorithm-search-space-invalid "Max Trial Count: 26 > all possible search combinations: 25"; }
P12='int:1:5;categorical:cat1,cat2,cat3;discrete:3,2,6;double:1:5:step=1;int:1:5:step=2:dist=uniform;int:1:5:dist=uniform;int:1:5:step=2:dist=logUniform;int:1:5:dist=logUniform;double:1:11:step=2.5:dist=uniform;double:1:11:step=2.5:dist=logUniform;double:1:5:dist=uniform;double:1:5:dist=logUniform'
@test "T-OP-22 optuna tpe: the 12-parameter search space samples" { case_ optuna tpe "n_startup_trials=20,n_ei_candidates=10,random_state=71" "$P12" - ok; }
@test "T-OP-23 optuna multivariate-tpe: the 12-parameter search space samples" { case_ optuna multivariate-tpe "n_startup_trials=20,n_ei_candidates=10,random_state=71" "$P12" - ok; }
@test "T-OP-24 optuna cmaes: the 12-parameter search space samples" { case_ optuna cmaes "restart_strategy=ipop,sigma=2,random_state=71" "$P12" - ok; }
@test "T-OP-25 optuna random: the 12-parameter search space samples" { case_ optuna random "random_state=71" "$P12" - ok; }
@test "T-OP-26 optuna random: double with normal distribution" { case_ optuna random "" "double:0.1:0.9:dist=normal" - algorithm-search-space-hangs "does not support distribution 'normal'"; }
@test "T-OP-27 optuna random: double with logNormal distribution" { case_ optuna random "" "double:0.1:0.9:dist=logNormal" - algorithm-search-space-hangs "does not support distribution 'logNormal'"; }
@test "T-OP-28 optuna random: int with normal distribution" { case_ optuna random "" "int:1:9:dist=normal" - algorithm-search-space-hangs "does not support distribution 'normal'"; }
@test "T-OP-29 optuna random: int with logNormal distribution" { case_ optuna random "" "int:1:9:dist=logNormal" - algorithm-search-space-hangs "does not support distribution 'logNormal'"; }

@test "T-SK-1 skopt: valid" { case_ skopt bayesianoptimization "random_state=10" "" - ok; }
@test "T-SK-2 skopt: unknown algorithm" { case_ skopt unknown "" "" - algorithm-setting-invalid "unknown algorithm name unknown"; }
@test "T-SK-3 skopt: unknown setting" { case_ skopt bayesianoptimization "unknown_conf=1111" "" - algorithm-setting-invalid "unknown setting unknown_conf for algorithm bayesianoptimization"; }
@test "T-SK-4 skopt: base_estimator" { case_ skopt bayesianoptimization "base_estimator=unknown estimator" "" - algorithm-setting-invalid "base_estimator unknown estimator is not supported in Bayesian optimization"; }
@test "T-SK-5 skopt: n_initial_points -1" { case_ skopt bayesianoptimization "n_initial_points=-1" "" - algorithm-setting-invalid "n_initial_points should be great or equal than zero"; }
@test "T-SK-6 skopt: acq_func" { case_ skopt bayesianoptimization "acq_func=unknown" "" - algorithm-setting-invalid "acq_func unknown is not supported in Bayesian optimization"; }
@test "T-SK-7 skopt: acq_optimizer" { case_ skopt bayesianoptimization "acq_optimizer=unknown" "" - algorithm-setting-invalid "acq_optimizer unknown is not supported in Bayesian optimization"; }
@test "T-SK-8 skopt: random_state -1" { case_ skopt bayesianoptimization "random_state=-1" "" - algorithm-setting-invalid "random_state should be great or equal than zero"; }
@test "T-SK-9 skopt: the four-parameter search space samples" { case_ skopt bayesianoptimization "random_state=10" "int:1:5;categorical:cat1,cat2,cat3;discrete:3,2,6;double:1:5" - ok; }

GS='int:-10:10;categorical:cat1,cat2,cat3;discrete:3,2,6;double:-1.5:5.5'
@test "T-GS-1 goptuna cmaes: samples" { case_ goptuna cmaes "random_state=10" "$GS" - ok; }
@test "T-GS-2 goptuna tpe: samples" { case_ goptuna tpe "random_state=10" "$GS" - ok; }
@test "T-GS-3 goptuna random: samples" { case_ goptuna random "random_state=10" "$GS" - ok; }
@test "T-GC-1/2 goptuna converter: objective direction needs nothing" { case_ goptuna random "" "double:1.5:5.5" - ok; }
@test "T-GC-3 goptuna converter: double 1.5-5.5" { case_ goptuna random "" "double:1.5:5.5" - ok; }
@test "T-GC-4 goptuna converter: double with step 0.5" { case_ goptuna random "" "double:1.5:5.5:step=0.5" - ok; }
@test "T-GC-5 goptuna converter: int 1-5" { case_ goptuna random "" "int:1:5" - ok; }
@test "T-GC-6 goptuna converter: int with step 2" { case_ goptuna random "" "int:1:5:step=2" - ok; }
@test "T-GC-7 goptuna converter: discrete" { case_ goptuna random "" "discrete:3,2,6" - ok; }
@test "T-GC-8 goptuna converter: categorical" { case_ goptuna random "" "categorical:cat1,cat2,cat3" - ok; }
@test "goptuna cmaes: restart_strategy None is an INTERNAL error Katib ignores" { case_ goptuna cmaes "restart_strategy=None" "double:1:2;double:3:4" - algorithm-setting-hangs "invalid restart_strategy: 'None'"; }

# The unit test calls GetSuggestions only; ValidateAlgorithmSettings, which
# Katib calls first, refuses its settings: resource_name is not a parameter
# and eta 3 with r_l 10 needs 9 parallel trials.
@test "T-HB-1 hyperband: the unit test's settings fail validation" {
	case_ hyperband hyperband "r_l=10,resource_name=--num-epochs" "int:1:5;categorical:cat1,cat2,cat3;discrete:3,2,6;double:1:5" - \
		algorithm-search-space-invalid "value of resource_name setting must be in parameters."
	case_ hyperband hyperband "r_l=10,resource_name=--num-epochs" "int:1:5" - \
		algorithm-search-space-invalid "parallelTrialCount must be not less than 9."
}

nas_experiment() {
	# nas_experiment ALGORITHM SETTINGS OPERATIONS-YAML [GRAPH-YAML]
	local refs
	if [ "$1" = darts ]; then refs="algorithm-settings search-space num-layers"; else refs="architecture nn_config"; fi
	cat <<-EOF
	apiVersion: kubeflow.org/v1beta1
	kind: Experiment
	metadata: {name: nas-case}
	spec:
	  objective: {type: maximize, objectiveMetricName: accuracy}
	  algorithm:
	    algorithmName: $1
	EOF
	if [ -n "$2" ]; then
		echo "    algorithmSettings:"
		IFS=, read -r -a kvs <<< "$2"
		for kv in "${kvs[@]}"; do echo "      - {name: \"${kv%%=*}\", value: \"${kv#*=}\"}"; done
	fi
	echo "  parallelTrialCount: 1"
	echo "  maxTrialCount: 1"
	echo "  nasConfig:"
	echo "    graphConfig: ${4:-{numLayers: 3\}}"
	echo "    operations:"
	printf '%s\n' "$3" | sed 's/^/      /'
	echo "  trialTemplate:"
	echo "    primaryContainerName: main"
	echo "    trialParameters:"
	for r in $refs; do echo "      - {name: ${r//-/_}, reference: $r}"; done
	cat <<-EOF
	    trialSpec:
	      apiVersion: batch/v1
	      kind: Job
	      spec:
	        template:
	          metadata:
	            labels: {sidecar.istio.io/inject: "false"}
	          spec:
	            restartPolicy: Never
	            containers:
	              - name: main
	                image: docker.io/library/python:3.12
	                command:
	                  - python
	                  - run_trial.py
	EOF
	for r in $refs; do echo "                  - --$r=\"\${trialParameters.${r//-/_}}\""; done
}

nas_case() {
	# nas_case ALGORITHM SETTINGS OPERATIONS EXPECT [MESSAGE] [GRAPH]
	config "$1" "$1" > "$BATS_TEST_TMPDIR/config.yaml"
	nas_experiment "$1" "$2" "$3" "${6-}" > "$BATS_TEST_TMPDIR/e.yaml"
	run --separate-stderr katib validate -o json --katib-config "$BATS_TEST_TMPDIR/config.yaml" "$BATS_TEST_TMPDIR/e.yaml"
	refute_crash || return 1
	found=$(printf '%s' "$output" | jq -r --arg rules "$SERVICE_RULES" \
		'.findings[] | select(.rule as $r | $rules | split("\\s+"; null) | index($r)) | "\(.rule): \(.message)"')
	if [ "$4" = ok ]; then
		errors=$(printf '%s' "$output" | jq -r --arg rules "$SERVICE_RULES" \
			'.findings[] | select(.severity == "error") | select(.rule as $r | $rules | split("\\s+"; null) | index($r)) | .message')
		[ -z "$errors" ] || { echo "$errors"; return 1; }
	else
		printf '%s\n' "$found" | grep -F -- "$4: " | grep -qF -- "${5-}" || { echo "no $4 '${5-}' in:"; echo "$found"; return 1; }
	fi
}

OP_OK='- operationType: separable_convolution
  parameters:
    - {name: filter_size, parameterType: categorical, feasibleSpace: {list: ["3", "5"]}}'
DARTS_OK='num_epoch=10,w_lr=0.01,w_lr_min=0.01,alpha_lr=0.01,w_weight_decay=0.25,alpha_weight_decay=0.25,w_momentum=0.9,w_grad_clip=5.0,batch_size=100,num_workers=0,init_channels=1,print_step=100,num_nodes=4,stem_multiplier=3'
@test "T-DA-1 darts: valid settings (num_epoch is passed on, with a warning)" {
	nas_case darts "$DARTS_OK" "$OP_OK" ok
	printf '%s\n' "$found" | grep -qF "algorithm-setting-ignored: darts does not know the setting 'num_epoch'"
}
@test "T-DA-2 darts: num_epochs 0" { nas_case darts "num_epochs=0" "$OP_OK" algorithm-setting-invalid "num_epochs should be greater than zero"; }
@test "T-DA-3 darts: w_lr -0.1" { nas_case darts "w_lr=-0.1" "$OP_OK" algorithm-setting-invalid "w_lr should be greater than or equal to zero"; }
@test "T-DA-4 darts: alpha_weight_decay -0.02" { nas_case darts "alpha_weight_decay=-0.02" "$OP_OK" algorithm-setting-invalid "alpha_weight_decay should be greater than or equal to zero"; }
@test "T-DA-5 darts: w_momentum -0.8" { nas_case darts "w_momentum=-0.8" "$OP_OK" algorithm-setting-invalid "w_momentum should be greater than or equal to zero"; }
@test "T-DA-6 darts: batch_size 0" { nas_case darts "batch_size=0" "$OP_OK" algorithm-setting-invalid "batch_size should be greater than or equal to one"; }
@test "T-DA-7 darts: batch_size None" { nas_case darts "batch_size=None" "$OP_OK" ok; }
@test "T-DA-8 darts: print_step 0" { nas_case darts "print_step=0" "$OP_OK" algorithm-setting-invalid "print_step should be greater than or equal to one"; }
@test "T-DA-9 darts: one operation samples" { nas_case darts "num_epoch=10" "$OP_OK" ok; }

@test "T-NC-1 NAS operations: categorical, int with min > max, double with step" {
	nas_case darts "" '- operationType: separable_convolution
  parameters:
    - {name: filter_size, parameterType: categorical, feasibleSpace: {list: ["3", "5"]}}
    - {name: pool_size, parameterType: int, feasibleSpace: {min: "3", max: "2", step: "1"}}
    - {name: rate, parameterType: double, feasibleSpace: {min: "3.0", max: "1.0", step: "0.1"}}' ok
}
@test "T-NC-2 NAS operations: no operationType" { nas_case darts "" '- parameters: [{name: a, parameterType: categorical, feasibleSpace: {list: ["3"]}}]' nas-operation-invalid "Missing operationType in Operation"; }
@test "T-NC-3 NAS operations: no parameters" { nas_case darts "" '- {operationType: conv, parameters: []}' nas-operation-invalid "Missing ParameterConfigs in Operation"; }
@test "T-NC-4 NAS operations: parameter without name" { nas_case darts "" '- {operationType: conv, parameters: [{name: "", parameterType: categorical, feasibleSpace: {list: ["3"]}}]}' nas-operation-invalid "Missing Name in ParameterConfig"; }
@test "T-NC-5 NAS operations: parameter without type" { nas_case darts "" '- {operationType: conv, parameters: [{name: a, feasibleSpace: {list: ["3"]}}]}' nas-operation-invalid "Missing ParameterType in ParameterConfig"; }
@test "T-NC-6 NAS operations: categorical without list" { nas_case darts "" '- {operationType: conv, parameters: [{name: a, parameterType: categorical, feasibleSpace: {min: "2", max: "1"}}]}' nas-operation-invalid "Missing List in ParameterConfig.feasibleSpace"; }
@test "T-NC-7 NAS operations: int without min and max" { nas_case darts "" '- {operationType: conv, parameters: [{name: a, parameterType: int, feasibleSpace: {list: ["1", "2"]}}]}' nas-operation-invalid "Missing Max and Min in ParameterConfig.feasibleSpace"; }
@test "T-NC-8 NAS operations: double without step" { nas_case darts "" '- {operationType: conv, parameters: [{name: a, parameterType: double, feasibleSpace: {min: "3.0", max: "1.0"}}]}' nas-operation-invalid "Step parameter should be > 0 in ParameterConfig.feasibleSpace"; }

@test "T-EN-1 enas: the unit test's graph and operations sample" {
	nas_case enas "" '- operationType: convolution
  parameters:
    - {name: filter_size, parameterType: categorical, feasibleSpace: {list: ["5"]}}
    - {name: num_filter, parameterType: categorical, feasibleSpace: {list: ["128"]}}
    - {name: stride, parameterType: categorical, feasibleSpace: {list: ["1", "2"]}}
- operationType: reduction
  parameters:
    - {name: reduction_type, parameterType: categorical, feasibleSpace: {list: [max_pooling]}}
    - {name: pool_size, parameterType: int, feasibleSpace: {min: "2", max: "3", step: "1"}}' ok \
		"" "{numLayers: 4, inputSizes: [32, 32, 8], outputSizes: [10]}"
}
@test "enas: graphConfig without inputSizes" { nas_case enas "" "$OP_OK" nas-operation-invalid "Missing InputSizes in GraphConfig" "{numLayers: 4, outputSizes: [10]}"; }
@test "enas: float setting out of (0, 1]" { nas_case enas "controller_learning_rate=1.5" "$OP_OK" algorithm-setting-invalid "controller_learning_rate: 1.5 with float type must be in range (0.0, 1.0)" "{numLayers: 4, inputSizes: [32], outputSizes: [10]}"; }

@test "T-MS-1 medianstop: valid" { case_ hyperopt random "" "" - ok "" "medianstop|min_trials_required=2,start_step=5"; }
@test "T-MS-2 medianstop: unknown algorithm" { case_ hyperopt random "" "" - early-stopping-setting-invalid "unknown algorithm name unknown" "unknown|"; }
@test "T-MS-3 medianstop: unknown setting" { case_ hyperopt random "" "" - early-stopping-setting-invalid "unknown setting unknown_conf for algorithm medianstop" "medianstop|unknown_conf=100"; }
@test "T-MS-4 medianstop: min_trials_required 0" { case_ hyperopt random "" "" - early-stopping-setting-invalid "min_trials_required must be greater than zero (>0)" "medianstop|min_trials_required=0"; }
@test "T-MS-5 medianstop: start_step 0" { case_ hyperopt random "" "" - early-stopping-setting-invalid "start_step must be greater or equal than one (>=1)" "medianstop|start_step=0"; }
@test "T-MS-6 medianstop: rules for two bare trials need nothing" { case_ hyperopt random "" "" - ok "" "medianstop|"; }

@test "values parse as the owning service parses them: ' 7 ' is a Python int, not a Go one" {
	case_ hyperopt tpe "random_state= 7 " "" - ok
	case_ goptuna cmaes "random_state= 7 " "double:1:2;double:3:4" - algorithm-setting-hangs 'strconv.Atoi: parsing " 7 ": invalid syntax'
	case_ hyperopt tpe "n_EI_candidates=1.0" "" - algorithm-setting-invalid "invalid literal for int() with base 10: '1.0'"
	case_ hyperopt tpe "gamma=nan" "" - algorithm-setting-invalid "gamma should be in the range of (0, 1)"
	case_ hyperopt tpe "prior_weight=1e3" "" - ok
}

@test "PBT: resample_probability can never pass" { case_ pbt pbt "suggestion_trial_dir=/tmp/x,n_population=40,truncation_threshold=0.2,resample_probability=0.5" "double:1:5:step=0.5" - algorithm-setting-invalid "'<=' not supported between instances of 'int' and 'str'"; }
@test "PBT: required settings" { case_ pbt pbt "n_population=40" "double:1:5:step=0.5" - algorithm-setting-invalid "Required params missing: suggestion_trial_dir, truncation_threshold"; }

# Rules of §3 that the services' unit tests do not exercise.
@test "SUG-HO: a log distribution with a bound at 0 fails at GetSuggestions" { case_ hyperopt tpe "" "double:0:1:dist=logUniform" - algorithm-search-space-hangs "math domain error"; }
@test "SUG-OP-15: grid with an int step of 0" { case_ optuna grid "" "int:1:5:step=0" 3 algorithm-search-space-invalid "range() arg 3 must not be zero"; }
@test "SUG-GO-02: goptuna does not implement grid" { case_ goptuna grid "" "int:1:5" - algorithm-setting-invalid "unsupported algorithm"; }
@test "SUG-GO-04: goptuna refuses duplicate parameter names" {
	config goptuna random > "$BATS_TEST_TMPDIR/config.yaml"
	experiment random "" "int:1:5;int:2:6" - | sed 's/name: p1$/name: p0/' > "$BATS_TEST_TMPDIR/e.yaml"
	run --separate-stderr katib validate -o json --katib-config "$BATS_TEST_TMPDIR/config.yaml" "$BATS_TEST_TMPDIR/e.yaml"
	[[ "$output" == *'the goptuna service answers \"Detect duplicated parameter name: p0\"'* ]]
}
@test "SUG-GO-05: goptuna reads int bounds with Atoi" { case_ goptuna random "" "int:1.0:5" - algorithm-setting-hangs 'strconv.Atoi: parsing "1.0": invalid syntax'; }
@test "SUG-SK: a tree estimator with lbfgs fails at GetSuggestions" { case_ skopt bayesianoptimization "base_estimator=RF,acq_optimizer=lbfgs" "" - algorithm-setting-hangs "should run with acq_optimizer='sampling'"; }
@test "SUG-SK: no initial points fails at the first ask" { case_ skopt bayesianoptimization "n_initial_points=0" "" - algorithm-setting-hangs "Random evaluations exhausted"; }
@test "SUG-HB-01: hyperband without r_l" { case_ hyperband hyperband "resource_name=p0" "int:1:5" - algorithm-setting-invalid "r_l and resource_name must be set."; }
@test "SUG-HB-02: hyperband with a negative r_l" { case_ hyperband hyperband "r_l=-1,resource_name=p0" "int:1:5" - algorithm-setting-invalid "r_l must be a positive float number."; }
@test "SUG-HB-03: hyperband with an unparsable eta" { case_ hyperband hyperband "r_l=9,eta=abc,resource_name=p0" "int:1:5" - algorithm-setting-invalid "could not convert string to float: 'abc'"; }
@test "SUG-HB-06: hyperband with r_l 0 or eta 1" {
	case_ hyperband hyperband "r_l=0,resource_name=p0" "int:1:5" - algorithm-setting-invalid "math domain error"
	case_ hyperband hyperband "r_l=9,eta=1.5,resource_name=p0" "int:1:5" - algorithm-setting-invalid "float division by zero"
}
@test "SUG-HB: r_l below 1 passes validation and then yields no trials" { case_ hyperband hyperband "r_l=0.5,resource_name=p0" "int:1:5" - algorithm-setting-hangs "The response contains unexpected trials"; }
@test "SUG-HB-04: exact bracket arithmetic (r_l 1000, eta 10 needs 100)" { case_ hyperband hyperband "r_l=1000,eta=10,resource_name=p0" "int:1:5" - algorithm-search-space-invalid "parallelTrialCount must be not less than 100."; }
@test "SUG-PBT-02/03: population and threshold ranges" {
	case_ pbt pbt "suggestion_trial_dir=/x,n_population=3,truncation_threshold=0.2" "double:1:5:step=1" - algorithm-setting-invalid "Param(n_population) should be >= 5"
	case_ pbt pbt "suggestion_trial_dir=/x,n_population=40,truncation_threshold=2" "double:1:5:step=1" - algorithm-setting-invalid "Param(truncation_threshold) should be between 0 and 1, inclusive"
}
@test "SUG-EN-05/06/08: enas settings" {
	g="{numLayers: 4, inputSizes: [32], outputSizes: [10]}"
	nas_case enas "controller_hidden=64" "$OP_OK" algorithm-setting-invalid "Unknown Algorithm Setting name: controller_hidden" "$g"
	nas_case enas "controller_train_steps=ten" "$OP_OK" algorithm-setting-invalid "Algorithm Setting controller_train_steps must be int type" "$g"
	nas_case enas "controller_train_steps=0" "$OP_OK" algorithm-setting-invalid "controller_train_steps: 0 with int type must be in range [1, inf)" "$g"
	nas_case enas "controller_temperature=None,controller_skip_weight=nan" "$OP_OK" ok "" "$g"
}
@test "SUG-NAS-08: a step that is not a number" { nas_case darts "" '- {operationType: conv, parameters: [{name: a, parameterType: double, feasibleSpace: {min: "1", max: "2", step: abc}}]}' nas-operation-invalid "could not convert string to float: 'abc'"; }

# The NAS services validate whatever the search space holds: Katib's
# webhook admits spec.parameters with darts or enas, and the service then
# checks its settings (darts) or an empty graphConfig (enas) all the same.
@test "darts: settings are checked without nasConfig too" {
	case_ darts darts "num_epochs=0" "int:1:5" - algorithm-setting-invalid "num_epochs should be greater than zero"
}
@test "enas: without nasConfig the service finds no graphConfig" {
	case_ enas enas "controller_hidden_size=64" "int:1:5" - nas-operation-invalid "Missing InputSizes in GraphConfig"
}
