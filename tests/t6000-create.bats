#!/usr/bin/env bats
# kubectl katib create: the Experiment written from flags, its validation,
# and its submission to a cluster (the replay server).

bats_require_minimum_version 1.5.0
load lib/common

IMG=ghcr.io/example/train:1.0

start_cluster() {
	replay_serve "$TESTS_DIR/data/cluster-create"
}

# bats-assert before 2.1 has no assert_stderr.
stderr_has() {
	if [[ "$stderr" != *"$1"* ]]; then
		printf 'stderr lacks: %s\nstderr was:\n%s\n' "$1" "$stderr" >&2
		return 1
	fi
}

teardown() {
	replay_kill
}

# Generates NAME with extra flags, compares with golden/create/NAME.yaml,
# and checks that the output passes validate --strict with no finding.
golden_create() {
	local name=$1
	shift
	run --separate-stderr -0 katib create "$name" --image "$IMG" --dry-run=client "$@"
	CREATE_STDERR=$stderr
	assert_golden "$TESTS_DIR/golden/create/$name.yaml" || return 1
	printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/$name.yaml"
	run --separate-stderr -0 katib validate --strict -q "$BATS_TEST_TMPDIR/$name.yaml"
	[ -z "$output" ]
}

@test "create --help lists the flags scripts rely on" {
	run --separate-stderr -0 katib create --help
	for flag in --image --command --param --objective --minimize --maximize --goal \
		--metric --algorithm --setting --max-trials --parallel --max-failed \
		--early-stopping --trial-kind --workers --cpu --memory --gpu --env \
		--image-pull-secret --collector --metrics-format --namespace --output \
		--dry-run --wait --filename; do
		assert_output --partial -- "$flag"
	done
	run --separate-stderr -0 katib help create
	assert_output --partial "Usage: kubectl katib create NAME"
}

@test "create: a Job with every parameter type" {
	golden_create job-random --objective loss \
		--param lr=double:0.0001:0.1:log --param layers=int:2:8:step=2 \
		--param optimizer=categorical:sgd,adam,ftrl --param batch=discrete:16,32,64 \
		-- python /opt/train.py --epochs 3
	[ "$CREATE_STDERR" = "note: objective loss: minimize (pass --maximize to change)" ]
}

@test "create: PyTorchJob with workers, resources, env and a pull secret" {
	golden_create pytorchjob --objective accuracy --maximize --goal 0.99 \
		--trial-kind PyTorchJob --workers 2 --cpu 2 --memory 4Gi --gpu 1 \
		--env DATA=/data --image-pull-secret regcred \
		--param lr=double:0.001:0.1 --command "python3 /opt/mnist.py --epochs=1"
	[ -z "$CREATE_STDERR" ]
}

@test "create: TFJob, MPIJob and XGBoostJob" {
	golden_create tfjob --objective accuracy --trial-kind TFJob --workers 1 \
		--param lr=double:0.001:0.1 -- python /opt/tf.py
	golden_create mpijob --objective loss --trial-kind MPIJob --workers 2 \
		--param lr=double:0.001:0.1 -- mpirun -np 2 python /opt/hvd.py
	golden_create xgboostjob --objective auc --trial-kind XGBoostJob --workers 2 \
		--param lr=double:0.01:0.3 --param-format "--learning_rate={value}" -- python /opt/xgb.py
}

@test "create: algorithm families (grid, bayesian optimization, tpe with early stopping)" {
	golden_create grid --objective accuracy --algorithm grid \
		--param lr=double:0.01:0.05:step=0.01 --param opt=categorical:sgd,adam -- python t.py
	golden_create bayes --objective accuracy --algorithm bayesianoptimization \
		--setting random_state=10 --param lr=double:0.01:0.05 -- python t.py
	golden_create tpe-file --objective accuracy --algorithm tpe --early-stopping medianstop \
		--collector File:/var/log/katib/metrics.log --metric loss \
		--metrics-format '([\w|-]+)\s*=\s*([+-]?\d*(\.\d+)?([Ee][+-]?\d+)?)' \
		--param lr=double:0.01:0.05 -- python t.py
}

@test "create -o json prints the same Experiment as JSON" {
	run --separate-stderr -0 katib create tune --image "$IMG" --objective acc --dry-run=client -o json \
		--param lr=double:0.01:0.05 -- python t.py
	[ "$(printf '%s' "$output" | jq -r '.spec.trialTemplate.trialSpec.spec.template.spec.containers[0].args[0]')" = '--lr=${trialParameters.lr}' ]
	[ "$(printf '%s' "$output" | jq -r '.spec.parameters[0].feasibleSpace.min')" = 0.01 ]
	[ "$(printf '%s' "$output" | jq -r '.spec.maxTrialCount')" = 12 ]
}

@test "create: bad flags are refused with exit 2 and say why" {
	local base=(--image "$IMG" --objective acc --dry-run=client)
	run --separate-stderr -2 katib create t "${base[@]}" --param lr=double:0.1:0.01 -- p
	stderr_has "error: --param lr=double:0.1:0.01: min 0.1 is not below max 0.01"
	run --separate-stderr -2 katib create t "${base[@]}" --param lr=double:0.01:0.1 --algorithm tpee -- p
	stderr_has "error: unknown algorithm 'tpee'"
	stderr_has "did you mean 'tpe'?"
	run --separate-stderr -2 katib create t "${base[@]}" --param lr=double:0.01:0.1 --memory 4GB -- p
	stderr_has "error: --memory '4GB' is not a quantity"
	run --separate-stderr -2 katib create t "${base[@]}" --param lr=float:0:1 -- p
	stderr_has "unknown type 'float'"
	run --separate-stderr -2 katib create t "${base[@]}" --param lr=int:1.5:4 -- p
	stderr_has "MIN and MAX must be integers"
	run --separate-stderr -2 katib create t "${base[@]}" --param lr=double:0:1:log -- p
	stderr_has "a log scale needs MIN above 0"
	run --separate-stderr -2 katib create t "${base[@]}" --param lr=double:0:1 --param lr=int:1:2 -- p
	stderr_has "--param 'lr' is given twice"
	run --separate-stderr -2 katib create t "${base[@]}" --param lr=double:0:1 --trial-kind Deployment -- p
	stderr_has "--trial-kind 'Deployment' is not one create can lay out"
	run --separate-stderr -2 katib create t "${base[@]}" --param lr=double:0:1 --collector File:relative -- p
	stderr_has "needs an absolute path"
	run --separate-stderr -2 katib create t "${base[@]}" --param lr=double:0:1 --command "python 't.py"
	stderr_has "error: --command has a quote that is not closed: python 't.py"
	run --separate-stderr -2 katib create t "${base[@]}" --param lr=double:0:1 --parallel 0 -- p
	stderr_has "error: --parallel must be at least 1"
	run --separate-stderr -2 katib create t "${base[@]}" --param lr=double:0:1 --param-format "--x" -- p
	stderr_has "must contain {value} exactly once"
	run --separate-stderr -2 katib create t "${base[@]}" --param lr=double:0:1 --parallel x -- p
	stderr_has "--parallel 'x' is not a count"
	run --separate-stderr -2 katib create --image "$IMG"
	stderr_has "give the Experiment a NAME"
	[ -z "$output" ]
}

@test "create refuses an Experiment that fails validation and sends nothing" {
	start_cluster
	run --separate-stderr -1 katib create Tune.A --image "$IMG" --objective acc \
		--param lr=double:0.01:0.1 --kubeconfig "$REPLAY_CFG" -n team-a -- python t.py
	# the user wrote flags, not YAML: the finding names the flag
	stderr_has "error: NAME: name 'Tune.A' must consist of lower case letters"
	stderr_has "   at metadata.name of the Experiment written"
	[[ "$stderr" != *"Tune.A:4:9"* ]]
	stderr_has "[name-invalid]"
	stderr_has "error: experiment Tune.A was not created"
	[ -z "$output" ]
	# bug class 2: grid cannot search a double without a step
	run --separate-stderr -1 katib create tune --image "$IMG" --objective acc --algorithm grid \
		--param lr=double:0.01:0.1 --kubeconfig "$REPLAY_CFG" -n team-a -- python t.py
	stderr_has "[algorithm-search-space-invalid]"
	run --separate-stderr -1 "$KATIB_TEST_TOOL" kube-get --kubeconfig "$REPLAY_CFG" \
		/apis/kubeflow.org/v1beta1/namespaces/team-a/experiments/tune
	grep -q '"POST' "$BATS_TEST_TMPDIR/replay.out" && return 1
	true
}

@test "create submits to the cluster, and the object is there afterwards" {
	start_cluster
	run --separate-stderr -0 katib create tune-a --image "$IMG" --objective acc \
		--param lr=double:0.01:0.1 --kubeconfig "$REPLAY_CFG" -n team-a -- python t.py
	[ "$output" = "experiment.kubeflow.org/tune-a created" ]
	run --separate-stderr -0 "$KATIB_TEST_TOOL" kube-get --kubeconfig "$REPLAY_CFG" \
		/apis/kubeflow.org/v1beta1/namespaces/team-a/experiments/tune-a
	assert_output --partial '"primaryContainerName":"training-container"'
	# A second create is refused by the server, printed as kubectl prints it.
	run --separate-stderr -3 katib create tune-a --image "$IMG" --objective acc \
		--param lr=double:0.01:0.1 --kubeconfig "$REPLAY_CFG" -n team-a -- python t.py
	stderr_has 'Error from server (AlreadyExists)'
}

@test "create --dry-run=server: the cluster's webhooks judge it and keep nothing" {
	start_cluster
	run --separate-stderr -0 katib create tune-b --image "$IMG" --objective acc \
		--param lr=double:0.01:0.1 --kubeconfig "$REPLAY_CFG" -n team-a --dry-run=server -- python t.py
	[ "$output" = "experiment.kubeflow.org/tune-b created (server dry run)" ]
	run --separate-stderr -1 "$KATIB_TEST_TOOL" kube-get --kubeconfig "$REPLAY_CFG" \
		/apis/kubeflow.org/v1beta1/namespaces/team-a/experiments/tune-b
	run --separate-stderr -3 katib create too-many-gpus --image "$IMG" --objective acc --maximize --gpu 8 \
		--param lr=double:0.01:0.1 --kubeconfig "$REPLAY_CFG" -n team-a --dry-run=server -- python t.py
	[ "$stderr" = 'Error from server (Forbidden): admission webhook "validator.experiment.katib.kubeflow.org" denied the request: spec.parallelTrialCount: Forbidden: 3 parallel trials with 8 GPUs each exceed the namespace quota of 8 GPUs' ]
	[ -z "$output" ]
}

@test "create -f validates a manifest first, then creates it" {
	start_cluster
	run --separate-stderr -1 katib create -f "$REPO_DIR/examples/broken-experiment.yaml" \
		--kubeconfig "$REPLAY_CFG" -n team-a
	stderr_has "error: nothing was created"
	sed 's/^  namespace: kubeflow$/  namespace: team-a/' "$REPO_DIR/examples/good-experiment.yaml" > "$BATS_TEST_TMPDIR/e.yaml"
	run --separate-stderr -0 katib create -f "$BATS_TEST_TMPDIR/e.yaml" --kubeconfig "$REPLAY_CFG" -o name
	[ "$output" = "experiment.kubeflow.org/mnist-random" ]
	run --separate-stderr -2 katib create -f "$BATS_TEST_TMPDIR/e.yaml" --kubeconfig "$REPLAY_CFG" -n other
	stderr_has 'the namespace from the provided object "team-a" does not match the namespace "other"'
	printf 'a: [\n' > "$BATS_TEST_TMPDIR/bad.yaml"
	run --separate-stderr -2 katib create -f "$BATS_TEST_TMPDIR/bad.yaml" --kubeconfig "$REPLAY_CFG"
	refute_crash
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n' > "$BATS_TEST_TMPDIR/cm.yaml"
	run --separate-stderr -2 katib create -f "$BATS_TEST_TMPDIR/cm.yaml" --kubeconfig "$REPLAY_CFG"
	stderr_has "document 1 is a ConfigMap, not an Experiment"
}

@test "create --wait: returns once a trial runs, and says so when none does in time" {
	start_cluster
	run --separate-stderr -1 katib create idle --image "$IMG" --objective acc \
		--param lr=double:0.01:0.1 --kubeconfig "$REPLAY_CFG" -n team-a --wait=1s -- python t.py
	stderr_has "error: experiment idle has no running trial after waiting 1.0s"
	# and says why, as explain does: here, nothing is wrong yet
	stderr_has "Experiment team-a/idle: Pending"
	stderr_has "[starting]"
	# The replay server keeps what it is sent, status included.
	katib create running --image "$IMG" --objective acc --param lr=double:0.01:0.1 \
		--dry-run=client -- python t.py > "$BATS_TEST_TMPDIR/r.yaml"
	printf 'status:\n  trialsRunning: 1\n  conditions:\n    - {type: Running, status: "True"}\n' >> "$BATS_TEST_TMPDIR/r.yaml"
	run --separate-stderr -0 katib create -f "$BATS_TEST_TMPDIR/r.yaml" --kubeconfig "$REPLAY_CFG" -n team-a --wait=30s
	stderr_has "running: Running, 1 trial(s) running"
	run --separate-stderr -2 katib create x --image "$IMG" --objective acc --param lr=double:0:1 --dry-run=client --wait -- p
	stderr_has "--wait needs an Experiment on the cluster"
}

# The program of the generated Experiment's trial container, one word a line.
command_words() {
	jq -r '.spec.trialTemplate.trialSpec.spec.template.spec.containers[0].command[]' <<< "$1"
}

@test "create --command splits as a shell does: quotes keep a word together" {
	run --separate-stderr -0 katib create t --image "$IMG" --objective acc \
		--param lr=double:0.01:0.1 --dry-run=client -o json \
		--command "python  t.py --name 'a b' \"c \\\"d\\\"\" e\\ f ''"
	run -0 command_words "$output"
	assert_output "$(printf '%s\n' python t.py --name 'a b' 'c "d"' 'e f' '')"
}

@test "create: a finding about the generated Experiment names the flag that caused it" {
	# a word with a space does not survive Katib's sh -c: a warning, on --command
	run --separate-stderr -0 katib create t --image "$IMG" --objective acc \
		--param lr=double:0.01:0.1 --dry-run=client --command "python t.py --name 'a b'"
	stderr_has "warning: --command: "
	stderr_has "[primary-container-command-unsafe]"
	# an explicit --parallel above --max-trials is the user's: refused, by flag
	run --separate-stderr -1 katib create t --image "$IMG" --objective acc \
		--param lr=double:0.01:0.1 --dry-run=client --max-trials 2 --parallel 5 -- python t.py
	stderr_has "error: --parallel: "
	stderr_has "[parallel-trial-count-too-large]"
	[ -z "$output" ]
	run --separate-stderr -1 katib create t --image "$IMG" --objective acc --algorithm grid \
		--param lr=double:0.01:0.1 --dry-run=client -- python t.py
	stderr_has "error: --param lr: "
	stderr_has "[algorithm-search-space-invalid]"
}

@test "create: the defaults of --parallel and --max-failed shrink to a small --max-trials, with a note" {
	run --separate-stderr -0 katib create t --image "$IMG" --objective acc \
		--param lr=double:0.01:0.1 --dry-run=client -o json --max-trials 2 -- python t.py
	[ "$(jq .spec.parallelTrialCount <<< "$output")" = 2 ]
	[ "$(jq .spec.maxFailedTrialCount <<< "$output")" = 2 ]
	[ "$(jq .spec.maxTrialCount <<< "$output")" = 2 ]
	stderr_has "note: --parallel 2, not the default 3: no more than --max-trials 2"
	stderr_has "note: --max-failed 2, not the default 3: no more than --max-trials 2"
	# a grid of two points is two trials: the same
	run --separate-stderr -0 katib create t --image "$IMG" --objective acc --algorithm grid \
		--param opt=categorical:sgd,adam --dry-run=client -o json -- python t.py
	[ "$(jq .spec.parallelTrialCount <<< "$output")" = 2 ]
	# the defaults stay where they fit, without a note
	run --separate-stderr -0 katib create t --image "$IMG" --objective acc \
		--param lr=double:0.01:0.1 --dry-run=client -o json --max-trials 5 -- python t.py
	[ "$(jq .spec.parallelTrialCount <<< "$output")" = 3 ]
	[[ "$stderr" != *"note: --parallel"* ]]
}

@test "create without --command: created, with a warning on --command saying when that works" {
	run --separate-stderr -0 katib create t --image "$IMG" --objective acc \
		--param lr=double:0.01:0.1 --dry-run=client -o json
	[ "$(jq '.spec.trialTemplate.trialSpec.spec.template.spec.containers[0] | has("command")' <<< "$output")" = false ]
	stderr_has "warning: --command: the primary container 'training-container' has no command"
	stderr_has "[primary-container-command-missing]"
	# kubeflow/katib@33c8ff4e5d18 pkg/webhook/v1beta1/pod/utils.go getRemoteImage:
	# k8schain with the pod's pull secrets and service account, StrictValidation (v0.19.0)
	stderr_has "works only when Katib's controller can reach the registry, the image is public or its pull secret is in the pod's imagePullSecrets or service account, the image has an ENTRYPOINT or CMD"
	stderr_has "(Katib v0.19 and later) its name is fully qualified, with registry, path and tag or digest"
	run --separate-stderr -0 katib create --help
	assert_output --partial "from its registry, which works only if Katib's"
}

@test "create -f DIR reads a directory as validate does" {
	local d=$BATS_TEST_TMPDIR/manifests
	start_cluster
	mkdir -p "$d/sub" "$d/.hidden"
	sed -e 's/^  namespace: kubeflow$/  namespace: team-a/' -e 's/^  name: mnist-random$/  name: b-second/' \
		"$REPO_DIR/examples/good-experiment.yaml" > "$d/sub/b.yaml"
	sed -e 's/^  namespace: kubeflow$/  namespace: team-a/' -e 's/^  name: mnist-random$/  name: a-first/' \
		"$REPO_DIR/examples/good-experiment.yaml" > "$d/a.yml"
	cp "$d/a.yml" "$d/.hidden/a.yaml"
	cp "$d/a.yml" "$d/notes.txt"
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n' > "$d/cm.yaml"
	ln -s .. "$d/sub/loop"
	run --separate-stderr -0 katib create -f "$d" --kubeconfig "$REPLAY_CFG" -o name
	assert_output "$(printf 'experiment.kubeflow.org/a-first\nexperiment.kubeflow.org/b-second')"
	# a broken Experiment anywhere in it: nothing is created
	cp "$REPO_DIR/examples/broken-experiment.yaml" "$d/sub/c.yaml"
	run --separate-stderr -1 katib create -f "$d" --kubeconfig "$REPLAY_CFG" -o name
	stderr_has "sub/c.yaml:7:9: error: name 'mnist.random'"
	stderr_has "error: nothing was created"
	[ -z "$output" ]
	# the same files validate reads
	run --separate-stderr -1 katib validate "$d"
	assert_output --partial "sub/c.yaml:7:9: error: name 'mnist.random'"
	[[ "$output" != *hidden* && "$output" != *notes.txt* ]]
	run --separate-stderr -2 katib create -f "$d/nope" --kubeconfig "$REPLAY_CFG"
	stderr_has "error: cannot read '$d/nope': No such file or directory"
	mkdir "$BATS_TEST_TMPDIR/empty"
	run --separate-stderr -2 katib create -f "$BATS_TEST_TMPDIR/empty" --kubeconfig "$REPLAY_CFG"
	stderr_has "empty: no Experiment to create"
}
