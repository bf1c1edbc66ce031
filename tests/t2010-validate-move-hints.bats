#!/usr/bin/env bats
# An unknown field that is a real field a level or two away was indented
# wrongly: the hint says where it belongs, and never to delete it.
# The Experiments are examples/good-experiment.yaml with one block moved.

bats_require_minimum_version 1.5.0
load lib/common

hints() {
	cd "$TESTS_DIR/data/move-hints"
	run --separate-stderr -1 katib validate -q --no-excerpt "$1"
}

@test "min and max beside feasibleSpace belong under it" {
	hints min-max-beside.yaml
	assert_output --partial "min-max-beside.yaml:22:7: error: unknown field 'min' in ParameterSpec"
	assert_output --partial "hint: 'min' belongs in 'feasibleSpace' (FeasibleSpace): indent it under 'feasibleSpace:' at line 21"
	assert_output --partial "hint: 'max' belongs in 'feasibleSpace' (FeasibleSpace): indent it under 'feasibleSpace:' at line 21"
	refute_output --partial "remove it"
}

@test "containers directly under a pod template belong in its spec" {
	hints containers-in-template.yaml
	assert_output --partial "containers-in-template.yaml:46:11: error: unknown field 'containers' in PodTemplateSpec (batch/v1 Job)"
	assert_output --partial "hint: 'containers' belongs in 'spec' (PodSpec): add 'spec:' under 'template:' at line 42 and indent it there"
	refute_output --partial "remove it"
}

@test "nodeSelector inside a container belongs in the pod spec" {
	hints node-selector-in-container.yaml
	assert_output --partial "node-selector-in-container.yaml:57:17: error: unknown field 'nodeSelector' in Container (batch/v1 Job)"
	assert_output --partial "hint: 'nodeSelector' belongs one level up, in PodSpec: unindent it to line up with 'containers:' at line 47"
	refute_output --partial "remove it"
}

@test "a name found nowhere nearby is still to be removed" {
	hints nowhere.yaml
	assert_output --partial "unknown field 'flavour' in PodSpec"
	assert_output --partial "hint: remove it: the API has no such field here"
}
