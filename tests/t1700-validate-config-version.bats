#!/usr/bin/env bats
# --katib-config (the facts of the target cluster) and --katib-version
# (rules whose behaviour changed between releases).

bats_require_minimum_version 1.5.0
load lib/common

good() { cat "$REPO_DIR/examples/good-experiment.yaml"; }

@test "--katib-config: a remapped algorithm gets its new service's rules" {
	good | sed 's/algorithmName: random/algorithmName: tpe\n    algorithmSettings:\n      - {name: n_startup_trials, value: "5"}/' \
		> "$BATS_TEST_TMPDIR/tpe.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/tpe.yaml"
	assert_output --partial 'the hyperopt service answers "unknown setting n_startup_trials for algorithm tpe"'
	run --separate-stderr -0 katib validate -q --no-excerpt \
		--katib-config "$TESTS_DIR/data/katib-config-remapped.yaml" "$BATS_TEST_TMPDIR/tpe.yaml"
	[ -z "$output" ]
}

@test "--katib-config: algorithms and collectors come from the file" {
	good | sed 's/algorithmName: random/algorithmName: my-search/' > "$BATS_TEST_TMPDIR/custom.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/custom.yaml"
	assert_output --partial "algorithm 'my-search' is not served by the default katib-config (Katib v0.19)"
	run --separate-stderr -0 katib validate -q --no-excerpt \
		--katib-config "$TESTS_DIR/data/katib-config-remapped.yaml" "$BATS_TEST_TMPDIR/custom.yaml"
	[ -z "$output" ]
	good | sed 's/algorithmName: random/algorithmName: bayesianoptimization/' > "$BATS_TEST_TMPDIR/bo.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt \
		--katib-config "$TESTS_DIR/data/katib-config-remapped.yaml" "$BATS_TEST_TMPDIR/bo.yaml"
	assert_output --partial "katib-config-remapped.yaml (Katib v0.19) [algorithm-unknown]"
}

@test "--katib-config: an algorithm with a blank image is reported as Katib reports it" {
	good | sed 's/algorithmName: random/algorithmName: broken/' > "$BATS_TEST_TMPDIR/broken.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt \
		--katib-config "$TESTS_DIR/data/katib-config-remapped.yaml" "$BATS_TEST_TMPDIR/broken.yaml"
	assert_output --partial 'Katib answers "required value for image configuration of algorithm name: broken"'
}

@test "--katib-config reads the katib-config ConfigMap as kubectl prints it" {
	{
		echo 'apiVersion: v1'
		echo 'kind: ConfigMap'
		echo 'metadata: {name: katib-config, namespace: kubeflow}'
		echo 'data:'
		echo '  katib-config.yaml: |'
		sed 's/^/    /' "$TESTS_DIR/data/katib-config-remapped.yaml"
	} > "$BATS_TEST_TMPDIR/cm.yaml"
	good | sed 's/algorithmName: random/algorithmName: my-search/' > "$BATS_TEST_TMPDIR/custom.yaml"
	run --separate-stderr -0 katib validate -q --no-excerpt --katib-config "$BATS_TEST_TMPDIR/cm.yaml" \
		"$BATS_TEST_TMPDIR/custom.yaml"
	[ -z "$output" ]
}

@test "--katib-config: the trial resources and collector kinds of the file apply" {
	good | sed 's/^spec:$/spec:\n  metricsCollectorSpec:\n    collector: {kind: PrometheusMetric}/' > "$BATS_TEST_TMPDIR/prom.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/prom.yaml"
	assert_output --partial "[collector-kind-unavailable]"
	run --separate-stderr -0 katib validate -q --no-excerpt \
		--katib-config "$TESTS_DIR/data/katib-config-remapped.yaml" "$BATS_TEST_TMPDIR/prom.yaml"
	refute_output --partial "[collector-kind-unavailable]"
}

@test "--katib-config: a missing or wrong file exits 2 with a clear message" {
	run --separate-stderr -2 katib validate --katib-config "$BATS_TEST_TMPDIR/nope.yaml" "$REPO_DIR/examples"
	[[ "$stderr" == *"error: cannot open '$BATS_TEST_TMPDIR/nope.yaml': No such file or directory"* ]]
	run --separate-stderr -2 katib validate --katib-config "$REPO_DIR/examples/good-experiment.yaml" "$REPO_DIR/examples"
	[[ "$stderr" == *"holds no KatibConfig and no katib-config ConfigMap"* ]]
}

@test "--katib-version: an unknown release is a usage error" {
	run --separate-stderr -2 katib validate --katib-version v0.9 "$REPO_DIR/examples"
	[[ "$stderr" == *"unknown Katib version 'v0.9' (give v0.15 to v0.19)"* ]]
}

@test "--katib-version: the collector kind None became Push in v0.18" {
	good | sed 's/^spec:$/spec:\n  metricsCollectorSpec:\n    collector: {kind: None}/' > "$BATS_TEST_TMPDIR/none.yaml"
	run --separate-stderr -0 katib validate -q --no-excerpt --katib-version v0.17 "$BATS_TEST_TMPDIR/none.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt --katib-version v0.18 "$BATS_TEST_TMPDIR/none.yaml"
	assert_output --partial "hint: the kind None was renamed Push in Katib v0.18"
	sed 's/kind: None/kind: Push/' "$BATS_TEST_TMPDIR/none.yaml" > "$BATS_TEST_TMPDIR/push.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt --katib-version v0.17 "$BATS_TEST_TMPDIR/push.yaml"
	assert_output --partial "Push arrived in v0.18"
	run --separate-stderr -0 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/push.yaml"
}

@test "--katib-version: names longer than 40 characters are refused from v0.18" {
	good | sed 's/name: mnist-random/name: mnist-random-search-with-a-forty-five-chars/' > "$BATS_TEST_TMPDIR/long.yaml"
	run --separate-stderr -0 katib validate -q --no-excerpt --katib-version v0.17 "$BATS_TEST_TMPDIR/long.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt --katib-version v0.18 "$BATS_TEST_TMPDIR/long.yaml"
	assert_output --partial "Katib allows at most 40 [name-invalid]"
}

@test "--katib-version: int and double parameters need both bounds from v0.18" {
	good | sed '0,/        min: "0.01"/{/        min: "0.01"/d}' > "$BATS_TEST_TMPDIR/max-only.yaml"
	run --separate-stderr -0 katib validate -q --no-excerpt --katib-version v0.17 "$BATS_TEST_TMPDIR/max-only.yaml"
	refute_output --partial "[parameter-bounds-missing]"
	run --separate-stderr -1 katib validate -q --no-excerpt --katib-version v0.18 "$BATS_TEST_TMPDIR/max-only.yaml"
	assert_output --partial "feasibleSpace.min is missing; parameterType double needs min and max [parameter-bounds-missing]"
}

@test "--katib-version: every trial pod needs the primary container from v0.18" {
	require_shared
	f="$SHARED_DIR/corpus/katib-examples/kubeflow-training-operator/mpijob-horovod.yaml"
	run --separate-stderr -0 katib validate -q --no-excerpt --katib-version v0.17 "$f"
	refute_output --partial "[primary-container-missing-in-replica]"
	run --separate-stderr -1 katib validate -q --no-excerpt --katib-version v0.18 "$f"
	assert_output --partial "[primary-container-missing-in-replica]"
}

@test "--katib-version: optuna ignored distributions before v0.18 and drops normal ones since" {
	good | sed -e 's/algorithmName: random/algorithmName: multivariate-tpe/' \
		-e '0,/        max: "0.05"/s//        max: "0.05"\n        distribution: normal/' > "$BATS_TEST_TMPDIR/normal.yaml"
	run --separate-stderr -0 katib validate -q --no-excerpt --katib-version v0.17 "$BATS_TEST_TMPDIR/normal.yaml"
	assert_output --partial "warning: the optuna service ignores distributions before Katib v0.18"
	run --separate-stderr -1 katib validate -q --no-excerpt --katib-version v0.19 "$BATS_TEST_TMPDIR/normal.yaml"
	assert_output --partial "silently drop parameter 'lr' from the search space"
}

@test "--katib-version: distribution arrived in v0.18" {
	good | sed '0,/        max: "0.05"/s//        max: "0.05"\n        distribution: loguniform/' > "$BATS_TEST_TMPDIR/dist.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/dist.yaml"
	assert_output --partial "[parameter-distribution-invalid]"
	run --separate-stderr katib validate -q --no-excerpt --katib-version v0.17 "$BATS_TEST_TMPDIR/dist.yaml"
	refute_output --partial "[parameter-distribution-invalid]"
}

@test "--katib-version: Katib defaults a TrainJob's conditions and watches TrainJobs since v0.19" {
	require_shared
	f="$SHARED_DIR/corpus/katib-examples/kubeflow-trainer/trainjob-pytorch.yaml"
	run --separate-stderr -0 katib validate -q --no-excerpt "$f"
	refute_output --partial "[trial-conditions-missing]"
	run --separate-stderr -1 katib validate -q --no-excerpt --katib-version v0.18 "$f"
	assert_output --partial "Katib v0.18 defaults it only for Job, TFJob, PyTorchJob, XGBoostJob, MPIJob [trial-conditions-missing]"
	assert_output --partial "katib-config does not list TrainJob.v1alpha1.trainer.kubeflow.org"
}

@test "--kubernetes-version: env names are relaxed from 1.32 (KEP-4369), strict before" {
	local f=$BATS_TEST_TMPDIR/env.yaml
	good | awk '{ print } /^ *image: / && !done { sub(/image:.*/, ""); print $0 "env: [{name: 2ND_STAGE, value: x}, {name: \"LR=0.1\", value: y}]"; done = 1 }' > "$f"
	grep -q "2ND_STAGE" "$f" || { echo "the env was not added"; return 1; }
	# A current release (the default) and 1.32: only the '=' is refused.
	run --separate-stderr -1 katib validate -q --no-excerpt "$f"
	refute_output --partial '"2ND_STAGE"' || return 1
	assert_output --partial "name: Invalid value: \"LR=0.1\": a valid environment variable name must consist only of printable ASCII characters other than '='" || return 1
	run --separate-stderr -1 katib validate -q --no-excerpt --kubernetes-version v1.32.0 "$f"
	refute_output --partial '"2ND_STAGE"' || return 1
	# 1.31: a name may not start with a digit either.
	run --separate-stderr -1 katib validate -q --no-excerpt --kubernetes-version 1.31 "$f"
	assert_output --partial 'name: Invalid value: "2ND_STAGE": a valid environment variable name must consist of alphabetic characters, digits' || return 1
	[ "$(grep -c '\[env-invalid\]$' <<< "$output")" -eq 2 ] || return 1
	run --separate-stderr -2 katib validate --kubernetes-version 2.0 "$f"
	assert_equal "$stderr" "error: unknown Kubernetes version '2.0' (give one such as 1.31 or v1.32.4)
see 'kubectl katib validate --help'"
}
