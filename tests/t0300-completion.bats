#!/usr/bin/env bats
# Shell completion: __complete (Cobra's protocol, which kubectl uses for
# plugins), the kubectl_complete-katib helper, `completion bash|zsh` (fish:
# t0310-completion-fish.bats), and the closest option for a mistyped one.

bats_require_minimum_version 1.5.0
load lib/common

teardown() {
	replay_kill
}

# complete WORDS...: the candidates and the directive, on one line.
complete() {
	run --separate-stderr -0 katib __complete "$@"
	output=$(printf '%s\n' "${lines[@]}" | tr '\n' ' ')
}

@test "__complete completes commands, and prints no files for them" {
	complete ""
	assert_output 'validate create explain get status repro webhook lsp schema completion help version :4 '
	complete ex
	assert_output 'explain :4 '
}

@test "__complete completes each command's options from its table" {
	complete validate --ma
	assert_output '--max-file-bytes --max-doc-bytes --max-depth --max-nodes --max-alias-nodes --max-scalar-bytes --max-docs :4 '
	complete create --dry
	assert_output '--dry-run :4 '
	complete explain --rec
	assert_output '--recursive :4 '
	complete explain --kubec
	assert_output '--kubeconfig :4 '
}

@test "__complete completes option values from the tables of src/" {
	complete validate -o ""
	assert_output 'text json sarif github junit :4 '
	complete validate --output=j
	assert_output '--output=json --output=junit :4 '
	complete create --trial-kind ""
	assert_output 'Job PyTorchJob TFJob MPIJob XGBoostJob :4 '
	complete create --algorithm b
	assert_output 'bayesianoptimization :4 '
	complete create --dry-run=c
	assert_output '--dry-run=client :4 '
	complete validate --katib-version ""
	assert_output 'v0.19 v0.18 v0.17 v0.16 v0.15 :4 '
	complete validate --rule name-inv
	assert_output 'name-invalid= :6 '
	complete validate --rule name-invalid=w
	assert_output 'name-invalid=warning :4 '
	complete validate --disable name-in
	assert_output 'name-invalid :4 '
	complete create --image ""
	assert_output ':4 '
}

@test "__complete offers manifests for files, directories for --from" {
	complete validate ""
	assert_output 'yaml yml json :8 '
	complete validate -f ""
	assert_output 'yaml yml json :8 '
	complete validate --strict -q ""
	assert_output 'yaml yml json :8 '
	complete explain --from ""
	assert_output ':16 '
	complete validate --kubeconfig ""
	assert_output ':0 '
	complete create tune -- python ""
	assert_output ':0 '
}

@test "__complete completes explain's rule ids and field paths" {
	complete explain name-
	assert_output 'name-invalid name-missing :6 '
	complete explain exp
	assert_output 'experiment. :6 '
	complete explain experiment.spec.objective.ty
	assert_output 'experiment.spec.objective.type :6 '
	complete explain experiment.spec.trialTemplate.pri
	assert_output 'experiment.spec.trialTemplate.primaryContainerName experiment.spec.trialTemplate.primaryPodLabels :6 '
	complete explain experiment.spec.nosuch.x
	assert_output ':4 '
}

@test "kubectl_complete-katib runs __complete with its words" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -s "$KATIB_BIN" "$BATS_TEST_TMPDIR/bin/kubectl-katib"
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" run -0 "$REPO_DIR/completion/kubectl_complete-katib" validate -o ""
	assert_output $'text\njson\nsarif\ngithub\njunit\n:4'
}

@test "completion bash completes in bash" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -s "$KATIB_BIN" "$BATS_TEST_TMPDIR/bin/kubectl-katib"
	katib completion bash > "$BATS_TEST_TMPDIR/c.bash"
	cat > "$BATS_TEST_TMPDIR/t.bash" <<'SH'
source "$1"
try() {
	COMP_LINE=$2 COMP_POINT=${#2}
	read -ra COMP_WORDS <<< "$2"
	[[ $2 == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
	_kubectl_katib
	echo "$1: ${COMPREPLY[*]}"
}
try cmd "kubectl-katib val"
try opt "kubectl-katib validate --stri"
try val "kubectl-katib validate -o s"
SH
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" run -0 bash "$BATS_TEST_TMPDIR/t.bash" "$BATS_TEST_TMPDIR/c.bash"
	assert_line 'cmd: validate'
	assert_line 'opt: --strict'
	assert_line 'val: sarif'
	run -0 katib completion zsh
	assert_line --index 1 'autoload -U +X bashcompinit && bashcompinit'
	run --separate-stderr -2 katib completion tcsh
	[[ "$stderr" == *"give the shell: bash, zsh or fish"* ]]
}

@test "a mistyped option names the closest one, in every command" {
	local c
	for c in "validate --strictt x => --strict" "create --maximise => --maximize" \
		 "explain --recursve x => --recursive" "validate --katib-verison v0.19 x => --katib-version"; do
		run --separate-stderr -2 katib ${c% => *}
		[[ "$stderr" == *"unknown option '$(set -- ${c% => *}; echo "$2")'"* ]] ||
			{ echo "$c: $stderr"; return 1; }
		[[ "$stderr" == *"hint: did you mean '${c#* => }'?"* ]] ||
			{ echo "$c: $stderr"; return 1; }
	done
	run --separate-stderr -2 katib validate --strict=yes x
	[[ "$stderr" == *"option '--strict' takes no value"* ]]
	run --separate-stderr -2 katib create -f
	[[ "$stderr" == *"option '-f' needs a value"* ]]
	run --separate-stderr -2 katib explain --from
	[[ "$stderr" == *"option '--from' needs a value"* ]]
	run --separate-stderr -2 katib vaildate x
	[[ "$stderr" == *"hint: did you mean 'validate'?"* ]]
}

@test "__complete takes a subcommand's options from its own table" {
	run --separate-stderr katib __complete repro re
	assert_output "replay
record
:4"
	run --separate-stderr katib __complete repro record --
	assert_line --output
	assert_line --redact
	assert_line --namespace
	refute_line --webhook
	run --separate-stderr katib __complete repro replay --
	assert_line --webhook
	refute_line --redact
}

@test "__complete offers the cluster's Experiments and namespaces" {
	replay_serve "$REPO_DIR/fixtures/namespace-not-enabled"
	complete status --kubeconfig "$REPLAY_CFG" -n team-a experiment ""
	assert_output "mnist :4 "
	complete status --kubeconfig="$REPLAY_CFG" -nteam-a exp/m
	assert_output "exp/mnist :4 "
	complete explain --kubeconfig "$REPLAY_CFG" -n team-a experiment ""
	assert_output "mnist :4 "
	complete repro record --kubeconfig "$REPLAY_CFG" -n team-a experiment mn
	assert_output "mnist :4 "
	complete status --kubeconfig "$REPLAY_CFG" -n ""
	assert_output "team-a :4 "
	# Another namespace has none; the type comes first.
	complete status --kubeconfig "$REPLAY_CFG" -n default experiment ""
	assert_output ":4 "
	complete status ""
	assert_output "experiment :4 "
	complete get ""
	assert_output "experiments :4 "
	replay_stop
}

@test "__complete with a cluster it cannot reach offers nothing and says nothing" {
	cat > "$BATS_TEST_TMPDIR/kubeconfig" <<-'EOF2'
	apiVersion: v1
	kind: Config
	clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
	users: [{name: u, user: {}}]
	contexts: [{name: x, context: {cluster: c, user: u, namespace: team-a}}]
	current-context: x
	EOF2
	complete status --kubeconfig "$BATS_TEST_TMPDIR/kubeconfig" experiment ""
	assert_output ":4 "
	assert_equal "$stderr" ""
	complete status --kubeconfig "$BATS_TEST_TMPDIR/missing" -n ""
	assert_output ":4 "
	assert_equal "$stderr" ""
}
