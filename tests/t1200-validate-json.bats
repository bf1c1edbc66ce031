#!/usr/bin/env bats
# validate -o json: the documented shape, machine-readable and complete.

bats_require_minimum_version 1.5.0
load lib/common

@test "-o json has findings with file, document, line, column, path, rule, severity, message, hint" {
	cd "$REPO_DIR"
	run --separate-stderr -1 katib validate -o json examples/broken-experiment.yaml
	printf '%s' "$output" | jq -e . >/dev/null
	first=$(printf '%s' "$output" | jq -c '.findings[0]')
	[ "$first" = '{"file":"examples/broken-experiment.yaml","document":0,"line":7,"column":9,"path":"metadata.name","rule":"name-invalid","severity":"error","message":"name '"'"'mnist.random'"'"' must consist of lower case letters, digits and '"'"'-'"'"', start with a letter and end with a letter or digit","hint":"Katib'"'"'s webhook lets dots through, but the suggestion Service '"'"'mnist.random-<algorithm>'"'"' can never be created and the Experiment stays Created forever; use '"'"'-'"'"' instead of '"'"'.'"'"'"}' ]
}

@test "-o json summary counts files, documents, errors and warnings" {
	run --separate-stderr -1 katib validate -o json "$REPO_DIR/examples"
	[ "$(printf '%s' "$output" | jq -c '.summary')" = '{"files":2,"documents":2,"experiments":2,"errors":8,"warnings":1,"infos":0}' ]
	[ "$(printf '%s' "$output" | jq '.findings | length')" = 9 ]
}

@test "-o json with no findings is an empty list" {
	run --separate-stderr -0 katib validate -o json "$REPO_DIR/examples/good-experiment.yaml"
	[ "$(printf '%s' "$output" | jq -c '.findings')" = '[]' ]
}

@test "-o json paths use Kubernetes field-error syntax" {
	run --separate-stderr -1 katib validate -o json "$REPO_DIR/examples/broken-experiment.yaml"
	paths=$(printf '%s' "$output" | jq -r '.findings[].path')
	[[ "$paths" == *"spec.parameters[0].feasibleSpace.min"* ]]
	[[ "$paths" == *"spec.trialTemplate.trialSpec.spec.template.spec.containers[0].imagePullPolice"* ]]
	[[ "$paths" == *"spec.trialTemplate.trialParameters[1].name"* ]]
}

@test "-o json escapes control characters and quotes in messages" {
	printf 'apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nmetadata:\n  name: "a\\tb\\"c"\n' \
		> "$BATS_TEST_TMPDIR/esc.yaml"
	run --separate-stderr -1 katib validate -o json "$BATS_TEST_TMPDIR/esc.yaml"
	[ "$(printf '%s' "$output" | jq -r '.findings[] | select(.rule == "name-invalid") | .message')" = "$(printf "name 'a\tb\"c' must consist of lower case letters, digits and '-', start with a letter and end with a letter or digit")" ]
}
