#!/usr/bin/env bats
# Real Experiments written by others, read in place from the shared
# corpus beside the repository.

bats_require_minimum_version 1.5.0
load lib/common

# Checked against Katib's own code (see the corpus README): Katib rejects
# the first three, so a faithful validator must report errors on them
# (darts-gpu.yaml fails in the DARTS suggestion service).
# mpijob-horovod.yaml is accepted but cannot run on Katib v0.18 or later:
# its launcher's container is 'mpi-launcher' and its workers' is
# 'mpi-worker', and since v0.18 the pod webhook refuses every trial pod
# without the primary container (rules catalogue §9.13), so the workers
# are never created.
GENUINELY_INVALID="hp-tuning/simple-pbt.yaml tekton/pipeline-run.yaml nas/darts-gpu.yaml"
GENUINELY_INVALID="$GENUINELY_INVALID kubeflow-training-operator/mpijob-horovod.yaml"

@test "every upstream example validates without errors, except the genuinely invalid ones" {
	require_shared
	cd "$SHARED_DIR/corpus/katib-examples"
	checked=0 total=$(find . -name '*.yaml' | wc -l)
	for f in $(find . -name '*.yaml' | sed 's#^\./##' | sort); do
		case " $GENUINELY_INVALID " in *" $f "*) continue ;; esac
		run --separate-stderr katib validate -q --no-excerpt "$f"
		[ "$status" -eq 0 ] || { echo "$f: exit $status"; echo "$output"; return 1; }
		checked=$((checked + 1))
	done
	[ "$checked" -eq $((total - 4)) ]
}

@test "simple-pbt.yaml: maxFailedTrialCount 3 > maxTrialCount 2" {
	require_shared
	cd "$SHARED_DIR/corpus/katib-examples"
	run --separate-stderr -1 katib validate -q --no-excerpt hp-tuning/simple-pbt.yaml
	assert_output --partial "hp-tuning/simple-pbt.yaml:10:24: error: maxFailedTrialCount (3) is greater than maxTrialCount (2) [max-failed-trial-count-too-large]"
}

@test "pipeline-run.yaml: trial parameter used with Tekton's \$(...) syntax" {
	require_shared
	cd "$SHARED_DIR/corpus/katib-examples"
	run --separate-stderr -1 katib validate -q --no-excerpt tekton/pipeline-run.yaml
	assert_output --partial "tekton/pipeline-run.yaml:38:15: error: trial parameter 'learningRate' is not used in trialSpec"
	assert_output --partial "at spec.trialTemplate.trialParameters[0].name"
}

@test "katib-e2e valid-experiment.yaml has no errors" {
	require_shared
	run --separate-stderr -0 katib validate "$SHARED_DIR/corpus/katib-e2e/valid-experiment.yaml"
	refute_output --partial "error:"
}

@test "mpijob-horovod.yaml: the workers lack the primary container" {
	require_shared
	cd "$SHARED_DIR/corpus/katib-examples"
	run --separate-stderr -1 katib validate -q --no-excerpt kubeflow-training-operator/mpijob-horovod.yaml
	assert_output --partial "mpijob-horovod.yaml:88:13: error: pods of Worker have no container 'mpi-launcher'"
	[ "$(printf '%s\n' "$output" | grep -c ': error: ')" -eq 1 ]
}

@test "katib-e2e invalid-experiment.yaml fails at spec.algorithm.algorithmName" {
	require_shared
	run --separate-stderr -1 katib validate -q --no-excerpt "$SHARED_DIR/corpus/katib-e2e/invalid-experiment.yaml"
	assert_output --partial "[algorithm-unknown]"
	assert_output --partial "at spec.algorithm.algorithmName"
	[ "$(printf '%s\n' "$output" | grep -c ': error: ')" -eq 1 ]
}

@test "the wild corpus never crashes and every file gets a verdict" {
	require_shared
	for f in "$SHARED_DIR"/corpus/wild/*/*.yaml; do
		run --separate-stderr katib validate -q --no-excerpt "$f"
		refute_crash
		[ "$status" -le 2 ] || { echo "$f: exit $status"; return 1; }
	done
}

@test "every v1alpha3 Experiment of the wild corpus is reported as no longer served" {
	require_shared
	run --separate-stderr -1 katib validate -q --no-excerpt "$SHARED_DIR"/corpus/wild/v1alpha3
	[ "$(printf '%s\n' "$output" | grep -c '\[api-version-unsupported\]')" -eq \
	  "$(ls "$SHARED_DIR"/corpus/wild/v1alpha3/*.yaml | wc -l)" ]
}

# Pins the verdict on every file of the wild corpus: its exit status and
# the rules it breaks.  A change here must be deliberate:
# UPDATE_GOLDEN=1 rewrites the golden file, and the diff is reviewed.
@test "the wild corpus verdicts match the pinned golden file" {
	require_shared
	cd "$SHARED_DIR/corpus/wild"
	output=$(for f in */*.yaml; do
		rc=0
		ids=$("$KATIB_BIN" validate -q -o json "$f" 2>/dev/null) || rc=$?
		printf '%s %s %s\n' "$f" "$rc" \
			"$(printf '%s' "$ids" | jq -r '[.findings[].rule] | unique | join(",")')"
	done)
	assert_golden "$TESTS_DIR/golden/wild-corpus.txt"
}
