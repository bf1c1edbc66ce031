#!/usr/bin/env bats
# The primary container and the Istio opt-out are found in the pods of
# every trial kind: Argo names its container "main", Tekton "step-<name>",
# and other kinds are searched for pod specs.

bats_require_minimum_version 1.5.0
load lib/common

# experiment PRIMARY TRIALSPEC-FILE [EXTRA-TEMPLATE-LINES]: an Experiment
# around a trialSpec (indented by 6 spaces).
experiment() {
	cat <<-EOF
	apiVersion: kubeflow.org/v1beta1
	kind: Experiment
	metadata:
	  name: kinds
	spec:
	  objective: {type: maximize, objectiveMetricName: accuracy}
	  algorithm: {algorithmName: random}
	  parallelTrialCount: 1
	  maxTrialCount: 2
	  parameters:
	    - {name: lr, parameterType: double, feasibleSpace: {min: "0.1", max: "0.5"}}
	  trialTemplate:
	    primaryContainerName: $1
	    successCondition: status.phase == "Succeeded"
	    failureCondition: status.phase == "Failed"
	    trialParameters:
	      - {name: lr, reference: lr}
	    trialSpec:
	EOF
	sed 's/^/      /' "$2"
}

@test "Argo: the primary container of a container template is 'main'" {
	cat > "$BATS_TEST_TMPDIR/argo.yaml" <<-'EOF'
	apiVersion: argoproj.io/v1alpha1
	kind: Workflow
	spec:
	  entrypoint: train
	  podMetadata:
	    labels:
	      sidecar.istio.io/inject: "false"
	  templates:
	    - name: train
	      container:
	        image: docker.io/library/python:3.12
	        command: [python, train.py, "--lr=${trialParameters.lr}"]
	EOF
	experiment main "$BATS_TEST_TMPDIR/argo.yaml" > "$BATS_TEST_TMPDIR/good.yaml"
	run --separate-stderr -0 katib validate -q --no-excerpt --disable trial-kind-not-watched "$BATS_TEST_TMPDIR/good.yaml"
	[ -z "$output" ]
	experiment train "$BATS_TEST_TMPDIR/argo.yaml" > "$BATS_TEST_TMPDIR/bad.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/bad.yaml"
	assert_output --partial "no container of the trial's pods is named 'train' (they are 'main')"
}

@test "Tekton: a step's container is 'step-<name>', and the PipelineRun's labels reach the pods" {
	cat > "$BATS_TEST_TMPDIR/tekton.yaml" <<-'EOF'
	apiVersion: tekton.dev/v1beta1
	kind: PipelineRun
	metadata:
	  labels:
	    sidecar.istio.io/inject: "false"
	spec:
	  pipelineSpec:
	    tasks:
	      - name: train
	        taskSpec:
	          steps:
	            - name: fit
	              image: docker.io/library/python:3.12
	              command: [python, train.py, "--lr=${trialParameters.lr}"]
	EOF
	experiment step-fit "$BATS_TEST_TMPDIR/tekton.yaml" > "$BATS_TEST_TMPDIR/good.yaml"
	run --separate-stderr -0 katib validate -q --no-excerpt --disable trial-kind-not-watched "$BATS_TEST_TMPDIR/good.yaml"
	[ -z "$output" ]
	experiment fit "$BATS_TEST_TMPDIR/tekton.yaml" > "$BATS_TEST_TMPDIR/bad.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/bad.yaml"
	assert_output --partial "no container of the trial's pods is named 'fit' (they are 'step-fit')"
	assert_output --partial "hint: did you mean 'step-fit'?"
}

@test "another CRD: pod specs are found by their containers list" {
	cat > "$BATS_TEST_TMPDIR/crd.yaml" <<-'EOF'
	apiVersion: example.com/v1
	kind: TrainingRun
	spec:
	  runner:
	    template:
	      metadata:
	        labels:
	          sidecar.istio.io/inject: "false"
	      spec:
	        containers:
	          - name: worker
	            image: docker.io/library/python:3.12
	            command: [python, train.py, "--lr=${trialParameters.lr}"]
	EOF
	experiment worker "$BATS_TEST_TMPDIR/crd.yaml" > "$BATS_TEST_TMPDIR/good.yaml"
	run --separate-stderr -0 katib validate -q --no-excerpt --disable trial-kind-not-watched "$BATS_TEST_TMPDIR/good.yaml"
	[ -z "$output" ]
	experiment trainer "$BATS_TEST_TMPDIR/crd.yaml" > "$BATS_TEST_TMPDIR/bad.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt --disable trial-kind-not-watched "$BATS_TEST_TMPDIR/bad.yaml"
	assert_output --partial "bad.yaml:13:27: error: no container of the trial's pods is named 'trainer' (they are 'worker')"
}

@test "--istio makes a missing Istio opt-out an error" {
	sed '/sidecar.istio.io\/inject/d' "$REPO_DIR/examples/good-experiment.yaml" > "$BATS_TEST_TMPDIR/x.yaml"
	run --separate-stderr -0 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/x.yaml"
	assert_output --partial "warning: pods of this template do not opt out of the Istio sidecar"
	run --separate-stderr -1 katib validate -q --no-excerpt --istio "$BATS_TEST_TMPDIR/x.yaml"
	assert_output --partial "error: pods of this template do not opt out of the Istio sidecar"
}

# A PyTorchJob of a Master and two Workers without the Istio opt-out.
pytorch_without_optout() {
	katib create pt --image ghcr.io/example/train:1.0 --command "python train.py" \
		--trial-kind PyTorchJob --workers 2 --param lr=double:0.01:0.1 --objective loss \
		--dry-run=client 2> /dev/null |
		sed 's|sidecar.istio.io/inject: "false"|app: train|' > "$1" || return 1
	[ -s "$1" ] || return 1
}

@test "the Istio opt-out: one warning per Experiment, naming every replica; --fix fixes them all" {
	cd "$BATS_TEST_TMPDIR"
	pytorch_without_optout pt.yaml
	run --separate-stderr -0 katib validate --no-excerpt pt.yaml
	run -0 grep -c "\[istio-sidecar-not-disabled\]" <<< "$output"
	assert_output 1
	run --separate-stderr -0 katib validate --no-excerpt pt.yaml
	assert_line --partial "warning: pods of Master, Worker do not opt out of the Istio sidecar"
	assert_line '   hint: add the label sidecar.istio.io/inject: "false" to each of these pod templates'"'"' metadata.labels'
	run --separate-stderr -0 katib validate --fix pt.yaml
	run -0 grep -c '^ *sidecar.istio.io/inject: "false"$' pt.yaml
	assert_output 2
	run --separate-stderr -0 katib validate pt.yaml
	refute_output --partial "istio-sidecar-not-disabled"
}

@test "--no-istio or 'istio: false' says once that the cluster has no Istio; the summary tells of it" {
	cd "$BATS_TEST_TMPDIR"
	sed '/sidecar.istio.io\/inject/d' "$REPO_DIR/examples/good-experiment.yaml" > x.yaml
	pytorch_without_optout pt.yaml
	local hint="(2 about the Istio sidecar: if the cluster has no Istio, say so once with --no-istio or 'istio: false' in .katib-lint.yaml)"
	run --separate-stderr -0 katib validate --no-excerpt x.yaml pt.yaml
	[ "$stderr" = "2 files, 2 documents, 2 Experiments: 0 errors, 2 warnings $hint" ]
	# not when Istio is a small part of what is wrong
	run --separate-stderr -1 katib validate --no-excerpt x.yaml "$REPO_DIR/examples/broken-experiment.yaml"
	[ "$stderr" = "2 files, 2 documents, 2 Experiments: 8 errors, 2 warnings" ]
	run --separate-stderr -0 katib validate --no-excerpt --no-istio x.yaml pt.yaml
	[ -z "$output" ]
	[ "$stderr" = "2 files, 2 documents, 2 Experiments: 0 errors, 0 warnings" ]
	printf 'istio: false\n' > .katib-lint.yaml
	run --separate-stderr -0 katib validate --no-excerpt --config .katib-lint.yaml x.yaml pt.yaml
	[ -z "$output" ]
	# the command line wins over the file, and an explicit --rule over both
	run --separate-stderr -1 katib validate -q --no-excerpt --config .katib-lint.yaml --istio x.yaml
	assert_output --partial "error: pods of this template do not opt out of the Istio sidecar"
	run --separate-stderr -0 katib validate -q --no-excerpt --no-istio \
		--rule istio-sidecar-not-disabled=warning x.yaml
	assert_output --partial "warning: pods of this template do not opt out of the Istio sidecar"
	printf 'istio: maybe\n' > .katib-lint.yaml
	run --separate-stderr -2 katib validate -q --config .katib-lint.yaml x.yaml
	[[ "$stderr" == *".katib-lint.yaml:1: expected true or false"* ]]
}

@test "an annotation-only Istio opt-out gets a hint to use the label" {
	sed 's/^            labels:$/            annotations:/' "$REPO_DIR/examples/good-experiment.yaml" > "$BATS_TEST_TMPDIR/x.yaml"
	run --separate-stderr -0 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/x.yaml"
	assert_output --partial "hint: only the annotation is set; since Katib v0.19 the label is the opt-out that works"
}

@test "--strict turns warnings into errors, and an explicit --rule still wins" {
	sed '/sidecar.istio.io\/inject/d' "$REPO_DIR/examples/good-experiment.yaml" > "$BATS_TEST_TMPDIR/x.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt --strict "$BATS_TEST_TMPDIR/x.yaml"
	assert_output --partial "error: pods of this template do not opt out"
	run --separate-stderr -0 katib validate -q --no-excerpt --strict \
		--rule istio-sidecar-not-disabled=warning "$BATS_TEST_TMPDIR/x.yaml"
	assert_output --partial "warning: pods of this template do not opt out"
}

@test "a TrainJob's primary container is reported as not checkable offline" {
	require_shared
	run --separate-stderr -0 katib validate -q --no-excerpt \
		"$SHARED_DIR/corpus/katib-examples/kubeflow-trainer/trainjob-pytorch.yaml"
	assert_output --partial "info: a TrainJob's containers are defined by its training runtime"
}

# with_labels FILE LABELS: the Experiment with primaryPodLabels LABELS.
with_labels() {
	sed "s|^\(  *\)primaryContainerName: .*|&\n\1primaryPodLabels: $2|" "$1"
}

@test "Argo: primaryPodLabels must match a template's or podMetadata's labels" {
	cat > "$BATS_TEST_TMPDIR/argo.yaml" <<-'EOF'
	apiVersion: argoproj.io/v1alpha1
	kind: Workflow
	spec:
	  entrypoint: train
	  podMetadata:
	    labels:
	      sidecar.istio.io/inject: "false"
	  templates:
	    - name: train
	      metadata:
	        labels:
	          role: model-training
	      container:
	        image: docker.io/library/python:3.12
	        command: [python, train.py, "--lr=${trialParameters.lr}"]
	EOF
	experiment main "$BATS_TEST_TMPDIR/argo.yaml" > "$BATS_TEST_TMPDIR/exp.yaml"
	for ok in '{role: model-training}' '{sidecar.istio.io/inject: "false"}' \
		  '{workflows.argoproj.io/workflow: anything}'; do
		with_labels "$BATS_TEST_TMPDIR/exp.yaml" "$ok" > "$BATS_TEST_TMPDIR/good.yaml"
		run --separate-stderr -0 katib validate -q --no-excerpt --disable trial-kind-not-watched "$BATS_TEST_TMPDIR/good.yaml"
		[ -z "$output" ] || { echo "$ok: $output"; return 1; }
	done
	with_labels "$BATS_TEST_TMPDIR/exp.yaml" '{role: training}' > "$BATS_TEST_TMPDIR/bad.yaml"
	run --separate-stderr -0 katib validate -q --no-excerpt --disable trial-kind-not-watched "$BATS_TEST_TMPDIR/bad.yaml"
	assert_line "$BATS_TEST_TMPDIR/bad.yaml:14:5: warning: primaryPodLabels match no pod of the Workflow; no pod gets the metrics collector and the Trial never reports metrics [primary-pod-labels-unmatched]"
	assert_line --partial "hint: put the same label under the training template's metadata.labels"
}

@test "Tekton: primaryPodLabels may name the pipeline task, a run label or a taskSpec label" {
	cat > "$BATS_TEST_TMPDIR/tekton.yaml" <<-'EOF'
	apiVersion: tekton.dev/v1beta1
	kind: PipelineRun
	metadata:
	  labels:
	    sidecar.istio.io/inject: "false"
	spec:
	  pipelineSpec:
	    tasks:
	      - name: model-training
	        taskSpec:
	          metadata:
	            labels:
	              stage: fit
	          steps:
	            - name: fit
	              image: docker.io/library/python:3.12
	              command: [python, train.py, "--lr=${trialParameters.lr}"]
	EOF
	experiment step-fit "$BATS_TEST_TMPDIR/tekton.yaml" > "$BATS_TEST_TMPDIR/exp.yaml"
	for ok in '{tekton.dev/pipelineTask: model-training}' '{stage: fit}' \
		  '{tekton.dev/memberOf: tasks}' '{tekton.dev/taskRun: anything}' \
		  '{sidecar.istio.io/inject: "false"}'; do
		with_labels "$BATS_TEST_TMPDIR/exp.yaml" "$ok" > "$BATS_TEST_TMPDIR/good.yaml"
		run --separate-stderr -0 katib validate -q --no-excerpt --disable trial-kind-not-watched "$BATS_TEST_TMPDIR/good.yaml"
		[ -z "$output" ] || { echo "$ok: $output"; return 1; }
	done
	with_labels "$BATS_TEST_TMPDIR/exp.yaml" '{tekton.dev/pipelineTask: model-trainng}' > "$BATS_TEST_TMPDIR/bad.yaml"
	run --separate-stderr -0 katib validate -q --no-excerpt --disable trial-kind-not-watched "$BATS_TEST_TMPDIR/bad.yaml"
	assert_line "$BATS_TEST_TMPDIR/bad.yaml:14:5: warning: primaryPodLabels match no pod of the PipelineRun; no pod gets the metrics collector and the Trial never reports metrics [primary-pod-labels-unmatched]"
	assert_line --partial "hint: did you mean tekton.dev/pipelineTask: model-training?"
	with_labels "$BATS_TEST_TMPDIR/exp.yaml" '{tekton.dev/memberOf: finally}' > "$BATS_TEST_TMPDIR/bad.yaml"
	run --separate-stderr -0 katib validate -q --no-excerpt --disable trial-kind-not-watched "$BATS_TEST_TMPDIR/bad.yaml"
	assert_output --partial "[primary-pod-labels-unmatched]"
}

@test "MPIJob v2beta1: what the MPI operator refuses after its defaults, and what it accepts" {
	cat > "$BATS_TEST_TMPDIR/mpi.yaml" <<-'EOF'
	apiVersion: kubeflow.org/v2beta1
	kind: MPIJob
	spec:
	  slotsPerWorker: 1
	  runPolicy:
	    cleanPodPolicy: Running
	  mpiReplicaSpecs:
	    Launcher:
	      replicas: 1
	      template:
	        metadata:
	          labels:
	            sidecar.istio.io/inject: "false"
	        spec:
	          containers:
	            - name: launcher
	              image: docker.io/kubeflow/mpi-horovod-mnist:latest
	              command: [mpirun, python, /examples/tensorflow_mnist.py, "--lr=${trialParameters.lr}"]
	    Worker:
	      replicas: 2
	      template:
	        metadata:
	          labels:
	            sidecar.istio.io/inject: "false"
	        spec:
	          containers:
	            - name: launcher
	              image: docker.io/kubeflow/mpi-horovod-mnist:latest
	EOF
	experiment launcher "$BATS_TEST_TMPDIR/mpi.yaml" > "$BATS_TEST_TMPDIR/good.yaml"
	run --separate-stderr -0 katib validate -q --no-excerpt --disable trial-kind-not-watched "$BATS_TEST_TMPDIR/good.yaml"
	[ -z "$output" ] || return 1
	# A Worker without replicas (defaulted to 0), two Launchers, a
	# restart policy and a clean policy the operator does not know.
	sed -e '/^    Worker:/{n;d}' -e 's/^      replicas: 1$/      replicas: 2\n      restartPolicy: Always/' \
		-e 's/cleanPodPolicy: Running/cleanPodPolicy: running/' "$BATS_TEST_TMPDIR/mpi.yaml" > "$BATS_TEST_TMPDIR/mpi-bad.yaml"
	experiment launcher "$BATS_TEST_TMPDIR/mpi-bad.yaml" > "$BATS_TEST_TMPDIR/bad.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt --disable trial-kind-not-watched "$BATS_TEST_TMPDIR/bad.yaml"
	assert_line --regexp '^.*bad\.yaml:[0-9]+:[0-9]+: error: spec\.runPolicy\.cleanPodPolicy: Unsupported value: "running": supported values: "All", "None", "Running"; the MPI operator records a ValidationError event and never runs the trial.s MPIJob, so no trial ever runs \[training-job-invalid\]$' || return 1
	assert_line --partial 'error: spec.mpiReplicaSpecs[Launcher].replicas: Invalid value: 2: must be 1;' || return 1
	assert_line --partial 'error: spec.mpiReplicaSpecs[Launcher].restartPolicy: Unsupported value: "Always": supported values: "Never", "OnFailure";' || return 1
	assert_line --partial 'error: spec.mpiReplicaSpecs[Worker].replicas: Invalid value: 0: must be greater than or equal to 1 (a Worker'"'"'s replicas default to 0);' || return 1
	[ "$(grep -c '\[training-job-invalid\]$' <<< "$output")" -eq 4 ]
}
