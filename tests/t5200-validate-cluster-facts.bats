#!/usr/bin/env bats
# validate --cluster-facts: the katib-config and the namespaces come from
# the cluster (here the replay server).

bats_require_minimum_version 1.5.0
load lib/common

setup() {
	replay_serve "$TESTS_DIR/data/cluster-facts"
}

teardown() {
	replay_kill
}

exp_in() {
	sed "s/^  namespace: kubeflow$/  namespace: $1/" "$REPO_DIR/examples/good-experiment.yaml"
}

@test "--cluster-facts: a Katib-enabled namespace passes" {
	exp_in team-a > "$BATS_TEST_TMPDIR/e.yaml"
	run --separate-stderr -0 katib validate -q --no-excerpt --cluster-facts --kubeconfig "$REPLAY_CFG" "$BATS_TEST_TMPDIR/e.yaml"
	[ -z "$output" ]
}

@test "--cluster-facts: a namespace without Katib's label is refused as Katib refuses it" {
	exp_in plain > "$BATS_TEST_TMPDIR/e.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt --cluster-facts --kubeconfig "$REPLAY_CFG" "$BATS_TEST_TMPDIR/e.yaml"
	assert_output --partial "e.yaml:7:14: error: namespace 'plain' lacks the label katib.kubeflow.org/metrics-collector-injection=enabled"
	assert_output --partial "hint: kubectl label namespace plain katib.kubeflow.org/metrics-collector-injection=enabled"
	exp_in nowhere > "$BATS_TEST_TMPDIR/e.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt --cluster-facts --kubeconfig "$REPLAY_CFG" "$BATS_TEST_TMPDIR/e.yaml"
	assert_output --partial "namespace 'nowhere' does not exist in the cluster [namespace-not-katib-enabled]"
}

@test "--cluster-facts: an Istio-injected namespace makes the missing opt-out an error" {
	exp_in team-mesh | sed '/sidecar.istio.io\/inject/d' > "$BATS_TEST_TMPDIR/e.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt --cluster-facts --kubeconfig "$REPLAY_CFG" "$BATS_TEST_TMPDIR/e.yaml"
	assert_output --partial "error: pods of this template do not opt out of the Istio sidecar"
	exp_in team-a | sed '/sidecar.istio.io\/inject/d' > "$BATS_TEST_TMPDIR/e.yaml"
	run --separate-stderr -0 katib validate -q --no-excerpt --cluster-facts --kubeconfig "$REPLAY_CFG" "$BATS_TEST_TMPDIR/e.yaml"
	assert_output --partial "warning: pods of this template do not opt out of the Istio sidecar"
}

@test "--cluster-facts: the cluster's katib-config decides the algorithms" {
	exp_in team-a | sed 's/algorithmName: random/algorithmName: my-search/' > "$BATS_TEST_TMPDIR/e.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/e.yaml"
	assert_output --partial "[algorithm-unknown]"
	run --separate-stderr -0 katib validate -q --no-excerpt --cluster-facts --kubeconfig "$REPLAY_CFG" "$BATS_TEST_TMPDIR/e.yaml"
	exp_in team-a | sed 's/algorithmName: random/algorithmName: tpe/' > "$BATS_TEST_TMPDIR/e.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt --cluster-facts --kubeconfig "$REPLAY_CFG" "$BATS_TEST_TMPDIR/e.yaml"
	assert_output --partial "algorithm 'tpe' is not served by katib-config in namespace kubeflow"
}

@test "--cluster-facts: -n names the namespace of Experiments that have none, and each is fetched once" {
	exp_in team-a | sed '/^  namespace: team-a$/d' > "$BATS_TEST_TMPDIR/e.yaml"
	{ cat "$BATS_TEST_TMPDIR/e.yaml"; echo '---'; cat "$BATS_TEST_TMPDIR/e.yaml"; } > "$BATS_TEST_TMPDIR/two.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt --cluster-facts --kubeconfig "$REPLAY_CFG" -n plain "$BATS_TEST_TMPDIR/two.yaml"
	[ "$(printf '%s\n' "$output" | grep -c "namespace 'plain' lacks the label")" -eq 2 ]
	run --separate-stderr -0 katib validate -q --no-excerpt --cluster-facts --kubeconfig "$REPLAY_CFG" -n team-a "$BATS_TEST_TMPDIR/two.yaml"
}

@test "--cluster-facts: an unreachable cluster exits 3 with one clear message" {
	printf 'current-context: x\ncontexts: [{name: x, context: {cluster: x}}]\nclusters: [{name: x, cluster: {server: "http://127.0.0.1:9"}}]\n' > "$BATS_TEST_TMPDIR/kc"
	run --separate-stderr -3 katib validate -q --cluster-facts --kubeconfig "$BATS_TEST_TMPDIR/kc" --request-timeout 2s "$REPO_DIR/examples/good-experiment.yaml"
	[[ "$stderr" == "error: cannot reach http://127.0.0.1:9/api/v1/namespaces/kubeflow/configmaps/katib-config: "* ]]
	[ -z "$output" ]
	run --separate-stderr -2 katib validate --cluster-facts --request-timeout soon "$REPO_DIR/examples"
	[[ "$stderr" == *"--request-timeout takes a duration"* ]]
}
