#!/usr/bin/env bats
# kubectl's habits, which users bring to kubectl katib: the cluster
# options before the command, TYPE/NAME and a short name for an
# Experiment, and one exit-status convention said on every --help page.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
	CLUSTER="$BATS_TEST_TMPDIR/cluster"
	mkdir -p "$CLUSTER"
	cp -R "$TESTS_DIR/data/explain/common/." "$TESTS_DIR/data/explain/healthy/." "$CLUSTER/"
}

start_replay() {
	replay_serve "$CLUSTER"
}

teardown() {
	replay_kill
}

@test "cluster options may come before the command, as with kubectl" {
	start_replay
	run --separate-stderr -0 katib explain experiment mnist -n team-a --kubeconfig "$REPLAY_CFG" -o json
	local want=$output
	[ "$(jq -r .experiment <<< "$want")" = team-a/mnist ]
	run --separate-stderr -0 katib -n team-a --kubeconfig "$REPLAY_CFG" --request-timeout 5s explain experiment mnist -o json
	assert_output "$want"
	run --separate-stderr -0 katib --namespace=team-a --kubeconfig="$REPLAY_CFG" -v6 explain experiment mnist -o json
	assert_output "$want"
	[[ "$stderr" == *"GET "*"/namespaces/team-a/experiments/mnist"* ]]
	# the context named before the command is the one used
	run --separate-stderr -3 katib --kubeconfig "$REPLAY_CFG" --context no-such explain experiment mnist -n team-a
	[[ "$stderr" == *"no-such"* ]]
	# a bad duration before the command is refused as after it
	run --separate-stderr -2 katib --request-timeout soon explain experiment mnist
	[[ "$stderr" == *"soon"* ]]
	# they never become words of create's program, which follows --
	run --separate-stderr -0 katib -n team-a create t --image docker.io/library/python:3.12 \
		--objective acc --param lr=double:0.01:0.1 --dry-run=client -o json -- python t.py -n 1
	[ "$(jq -r .metadata.namespace <<< "$output")" = team-a ]
	[ "$(jq -c '.spec.trialTemplate.trialSpec.spec.template.spec.containers[0].command' <<< "$output")" = '["python","t.py","-n","1"]' ]
	# options with nothing after them, and a command that takes none
	run --separate-stderr -2 katib -n team-a
	[[ "$stderr" == *"give a command after 'team-a'"* ]]
	run --separate-stderr -2 katib --kubeconfig "$REPLAY_CFG"
	[[ "$stderr" == *"give a command after '$REPLAY_CFG'"* ]]
	run --separate-stderr -2 katib -n team-a lsp
	[[ "$stderr" == *"unknown option '-n'"* ]]
	[[ "$stderr" == *"kubectl katib lsp --help"* ]]
}

@test "an Experiment is named as kubectl names objects: TYPE NAME, TYPE/NAME, exp" {
	local ref want
	run --separate-stderr -0 katib explain experiment mnist -n team-a --from "$CLUSTER" -o json
	want=$output
	[ "$(jq -r .experiment <<< "$want")" = team-a/mnist ]
	for ref in "experiments mnist" "exp mnist" "EXP mnist" "experiment/mnist" "exp/mnist" \
		"experiments/mnist" "experiment.kubeflow.org/mnist" "Experiment.kubeflow.org/mnist" \
		"experiments.v1beta1.kubeflow.org mnist" "exp.kubeflow.org/mnist"; do
		# shellcheck disable=SC2086
		run --separate-stderr -0 katib explain $ref -n team-a --from "$CLUSTER" -o json
		[ "$output" = "$want" ] || { echo "explain $ref: $stderr"; false; }
	done
	# what create -o name prints names it for the next command
	run --separate-stderr -0 katib -n team-a explain experiment.kubeflow.org/mnist --from "$CLUSTER" -o json
	assert_output "$want"
	for ref in "experiment/" "trial/mnist" "experimentx/mnist" "exp mnist extra"; do
		# shellcheck disable=SC2086
		run --separate-stderr -2 katib explain $ref -n team-a --from "$CLUSTER"
		[ -z "$output" ] || { echo "explain $ref printed: $output"; false; }
	done
	# repro record takes the same names
	start_replay
	run --separate-stderr -0 katib repro record exp/mnist -n team-a --kubeconfig "$REPLAY_CFG" \
		-o "$BATS_TEST_TMPDIR/rec"
	[ -d "$BATS_TEST_TMPDIR/rec" ]
	run --separate-stderr -2 katib repro record trial/mnist -n team-a --kubeconfig "$REPLAY_CFG" \
		-o "$BATS_TEST_TMPDIR/rec2"
	[[ "$stderr" == *"give 'experiment NAME' or 'experiment/NAME'"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/rec2" ]
}

# The sentence, as --help prints it, on one line.
CONVENTION="Every command exits 2 for a usage error or unreadable input, and 3 when it could not run: the cluster could not be reached or refused the request, or the output could not be written.  Unlike kubectl, which exits 1 for any error, 1 means only what the command found."

@test "every --help page and the man page say the exit-status convention, the same way" {
	local page cmd
	run --separate-stderr -0 katib --help
	local commands
	commands=$(sed -n '/^Commands:/,/^$/p' <<< "$output" | awk 'NF { print $1 }' | grep -v Commands:)
	[ "$(wc -l <<< "$commands")" -ge 7 ]
	for page in "" $commands "repro replay" "repro record" "repro bundle" "webhook serve"; do
		# shellcheck disable=SC2086
		run --separate-stderr -0 katib $page --help
		[[ "$(tr '\n' ' ' <<< "$output")" == *"$CONVENTION"* ]] ||
			{ echo "'$page --help' does not say it"; return 1; }
	done
	run --separate-stderr -0 katib __man
	[[ "$(tr '\n' ' ' <<< "$output")" == *"$CONVENTION"* ]]
}

@test "the exit statuses are what the convention says" {
	# 3: the cluster could not be reached
	printf 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u, namespace: team-a}}]\ncurrent-context: x\n' \
		> "$BATS_TEST_TMPDIR/closed.cfg"
	run --separate-stderr -3 katib --kubeconfig "$BATS_TEST_TMPDIR/closed.cfg" --request-timeout 2s explain exp/mnist
	# 2: a usage error, and unreadable input
	run --separate-stderr -2 katib explain exp
	run --separate-stderr -2 katib validate "$BATS_TEST_TMPDIR/nope.yaml"
	# 1: only what was found
	run --separate-stderr -1 katib validate "$REPO_DIR/examples/broken-experiment.yaml"
}
