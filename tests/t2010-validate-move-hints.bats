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

# --fix makes the move the hint describes; fixed/ holds the files as a
# person would have re-indented them.
moved() {
	cp "$TESTS_DIR/data/move-hints/$1.yaml" "$BATS_TEST_TMPDIR/$1.yaml" || return 1
	cd "$BATS_TEST_TMPDIR" || return 1
	run -0 --separate-stderr katib validate --no-config --fix "$1.yaml" || return 1
	cmp "$1.yaml" "$TESTS_DIR/data/move-hints/fixed/$1.yaml" || return 1
	run -0 --separate-stderr katib validate --no-config "$1.yaml"
}

@test "--fix moves min and max into the empty feasibleSpace beside them" {
	moved min-max-beside
	cp "$TESTS_DIR/data/move-hints/min-max-beside.yaml" again.yaml
	run -0 --separate-stderr katib validate --no-config --fix again.yaml
	assert_line "again.yaml:22:7: fixed [unknown-field]: moved 'min' into 'feasibleSpace'"
	assert_line "again.yaml:23:7: fixed [unknown-field]: moved 'max' into 'feasibleSpace'"
}

@test "--fix makes the pod template's missing spec and moves containers and restartPolicy into it" {
	moved containers-in-template
	cp "$TESTS_DIR/data/move-hints/containers-in-template.yaml" again.yaml
	run -0 --separate-stderr katib validate --no-config --fix again.yaml
	assert_line "again.yaml:46:11: fixed [job-field-unknown]: moved 'containers' into a new 'spec:' in 'template'"
	assert_line "again.yaml:57:11: fixed [job-field-unknown]: moved 'restartPolicy' into 'spec'"
}

@test "--fix moves nodeSelector out of the container to the end of the pod spec" {
	moved node-selector-in-container
	cp "$TESTS_DIR/data/move-hints/node-selector-in-container.yaml" again.yaml
	run -1 --separate-stderr katib validate --no-config --fix --diff again.yaml
	assert_output --partial "-                nodeSelector: {disk: ssd}"
	assert_output --partial "+            nodeSelector: {disk: ssd}"
	cmp again.yaml "$TESTS_DIR/data/move-hints/node-selector-in-container.yaml"
}

@test "a moved file needs no second --fix" {
	local f
	cd "$BATS_TEST_TMPDIR"
	for f in min-max-beside containers-in-template node-selector-in-container; do
		cp "$TESTS_DIR/data/move-hints/fixed/$f.yaml" "$f.yaml"
		run -0 --separate-stderr katib validate --no-config --fix "$f.yaml"
		refute_output --partial "fixed ["
		cmp "$f.yaml" "$TESTS_DIR/data/move-hints/fixed/$f.yaml"
	done
}

# no_move SED KEY: min-max-beside.yaml edited by SED; --fix must leave
# KEY where it is (the move is not certain there), and the hint stays.
no_move() {
	cd "$BATS_TEST_TMPDIR" || return 1
	sed -e "$1" "$TESTS_DIR/data/move-hints/min-max-beside.yaml" > exp.yaml || return 1
	run --separate-stderr katib validate --no-config exp.yaml
	assert_output --partial "hint: '$2' belongs in 'feasibleSpace'" || return 1
	run --separate-stderr katib validate --no-config --fix exp.yaml
	refute_crash || return 1
	refute_output --partial "moved '$2'" || return 1
	run --separate-stderr katib validate --no-config exp.yaml
	assert_output --partial "unknown field '$2' in ParameterSpec"
}

@test "a move that is not certain is not made" {
	# An anchor would move away from its aliases.
	no_move 's/min: "0.01"/min: \&lo "0.01"/' min
	# A block scalar's lines carry their own indentation.
	no_move 's/max: "0.05"/max: >-\n        0.05/' max
	# A flow map with content: where the entry goes is not a line.
	no_move 's/feasibleSpace: {}/feasibleSpace: {step: "0.01"}/' min
	# A comment after the {}: nowhere certain to keep it.
	no_move 's/feasibleSpace: {}/feasibleSpace: {} # to do/' max
	# The target has the key already: the two values would clash.
	no_move 's/feasibleSpace: {}/feasibleSpace:\n        min: "0.02"/' min
}

@test "with the target holding one key, only the other moves" {
	cd "$BATS_TEST_TMPDIR"
	sed -e 's/feasibleSpace: {}/feasibleSpace:\n        min: "0.02"/' \
		"$TESTS_DIR/data/move-hints/min-max-beside.yaml" > exp.yaml
	run --separate-stderr katib validate --no-config --fix exp.yaml
	assert_line "exp.yaml:24:7: fixed [unknown-field]: moved 'max' into 'feasibleSpace'"
	run -0 grep -A3 'feasibleSpace:$' exp.yaml
	assert_line --index 1 '        min: "0.02"'
	assert_line --index 2 '        max: "0.05"'
	assert_line --index 3 '      min: "0.01"'
}

@test "a move to the end of a file without a final line break adds none" {
	cd "$BATS_TEST_TMPDIR"
	printf '%s' "$(cat "$TESTS_DIR/data/move-hints/node-selector-in-container.yaml")" > exp.yaml
	run -0 --separate-stderr katib validate --no-config --fix exp.yaml
	assert_line "exp.yaml:57:17: fixed [job-field-unknown]: moved 'nodeSelector' into 'spec'"
	run -0 tail -c 29 exp.yaml
	assert_output "    nodeSelector: {disk: ssd}"
	cmp exp.yaml <(printf '%s' "$(cat "$TESTS_DIR/data/move-hints/fixed/node-selector-in-container.yaml")")
}

@test "comments in and beside a moved block move with it" {
	cd "$BATS_TEST_TMPDIR"
	sed -e 's|^\(            - name: training-container\)$|            # the trainer\n\1|' \
		-e 's|^\(          restartPolicy: Never\)$|          # a Job'"'"'s pods\n\1  # Katib needs it|' \
		"$TESTS_DIR/data/move-hints/containers-in-template.yaml" > exp.yaml
	grep -q "# the trainer" exp.yaml
	run -0 --separate-stderr katib validate --no-config --fix exp.yaml
	run -0 grep -n "# " exp.yaml
	assert_line "48:              # the trainer"
	# A comment line right above an entry is about it: it moves along.
	assert_line "58:            # a Job's pods"
	assert_line "59:            restartPolicy: Never  # Katib needs it"
	assert_equal "${#lines[@]}" 3
}

@test "an entry that shares its line with a list's dash stays; the rest of its item moves" {
	cd "$BATS_TEST_TMPDIR"
	sed -e 's|^    - name: lr$|    - min: "0.01"\n      name: lr|' -e '/^      min: "0.01"$/d' \
		"$TESTS_DIR/data/move-hints/min-max-beside.yaml" > exp.yaml
	run --separate-stderr katib validate --no-config exp.yaml
	assert_output --partial "hint: 'min' belongs in 'feasibleSpace'"
	run --separate-stderr katib validate --no-config --fix exp.yaml
	assert_output --partial "moved 'max' into 'feasibleSpace'"
	refute_output --partial "moved 'min'"
	run -0 grep -c '^    - min: "0.01"$' exp.yaml
}

@test "nothing is moved out of a map written in flow style" {
	# Its lines end in the map's commas and braces: moving one would
	# break the YAML.
	cd "$BATS_TEST_TMPDIR"
	cp "$TESTS_DIR/data/move-hints/flow-container.yaml" exp.yaml
	run -1 --separate-stderr katib validate --no-config --fix exp.yaml
	refute_output --partial "moved 'nodeSelector'"
	assert_output --partial "hint: 'nodeSelector' belongs one level up, in PodSpec"
	cmp exp.yaml "$TESTS_DIR/data/move-hints/flow-container.yaml"
}

@test "a name that more than one field could hold is hinted, not moved" {
	# periodSeconds is a field of every probe: which one was meant is a
	# guess, so the hint names the probe there is and --fix leaves it.
	cd "$BATS_TEST_TMPDIR"
	cp "$TESTS_DIR/data/move-hints/period-beside-probe.yaml" exp.yaml
	run -1 --separate-stderr katib validate --no-config --fix exp.yaml
	assert_output --partial "hint: 'periodSeconds' belongs in 'livenessProbe' (Probe): indent it under 'livenessProbe:' at line 57"
	refute_output --partial "moved '"
	cmp exp.yaml "$TESTS_DIR/data/move-hints/period-beside-probe.yaml"
}
