#!/usr/bin/env bats
# `kubectl katib schema`: a draft-07 JSON Schema of the Experiment, for
# editors that check YAML against a schema.  It must never refuse what
# validate passes (every upstream example in the shared corpus), and it
# must refuse known mistakes at the right path.  The validator is Ajv,
# which scripts/install-deps installs into build/npm; without it the file
# skips locally and fails under CI=true.

bats_require_minimum_version 1.5.0
load lib/common

NPM_MODULES=${KATIB_NPM_MODULES:-$REPO_DIR/build/npm/node_modules}

setup() {
	local missing=
	command -v node >/dev/null || missing="node is not installed"
	[ -n "$missing" ] || [ -d "$NPM_MODULES/ajv" ] ||
		missing="no Ajv in $NPM_MODULES: run scripts/install-deps"
	if [ -n "$missing" ]; then
		if [ "${CI:-}" = true ]; then
			echo "$missing" >&2
			return 1
		fi
		skip "$missing"
	fi
	katib schema > "$BATS_TEST_TMPDIR/schema.json" || return 1
}

# check FILE...: the documents (JSON files) against the schema, with Ajv.
check() {
	KATIB_NPM_MODULES=$NPM_MODULES run node "$TESTS_DIR/npm/validate-json.js" \
		"$BATS_TEST_TMPDIR/schema.json" "$@"
}

# experiments FILE DIR: each Experiment document of the YAML stream FILE
# as its own JSON file in DIR; prints their names.
experiments() {
	local file=$1 dir=$2 n=0 line
	mkdir -p "$dir" || return 1
	"$KATIB_TEST_TOOL" to-json-each "$file" > "$dir/all" || return 1
	while IFS= read -r line; do
		n=$((n + 1))
		printf '%s\n' "$line" | jq -e '.kind == "Experiment"' >/dev/null || continue
		printf '%s\n' "$line" > "$dir/$n.json" || return 1
		echo "$dir/$n.json"
	done < "$dir/all"
}

# doc YAML: the YAML text (one document) as $BATS_TEST_TMPDIR/doc.json.
doc() {
	printf '%s\n' "$1" > "$BATS_TEST_TMPDIR/doc.yaml" || return 1
	"$KATIB_TEST_TOOL" to-json "$BATS_TEST_TMPDIR/doc.yaml" > "$BATS_TEST_TMPDIR/doc.json" || return 1
}

GOOD='apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: random-example
spec:
  objective:
    type: maximize
    objectiveMetricName: accuracy
  algorithm:
    algorithmName: random
  parallelTrialCount: 3
  maxTrialCount: 12
  parameters:
    - name: lr
      parameterType: double
      feasibleSpace: {min: "0.01", max: "0.05"}
  trialTemplate:
    primaryContainerName: training-container
    trialParameters:
      - name: learningRate
        reference: lr
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        template:
          metadata:
            labels:
              sidecar.istio.io/inject: "false"
          spec:
            containers:
              - name: training-container
                image: docker.io/kubeflowkatib/mxnet-mnist:latest
                command: ["python3", "/opt/mxnet-mnist/mnist.py", "--lr=${trialParameters.learningRate}"]
            restartPolicy: Never'

@test "schema prints a draft-07 JSON Schema that Ajv compiles" {
	run --separate-stderr -0 katib schema
	[ "$(printf '%s\n' "$output" | jq -r '."$schema"')" = "http://json-schema.org/draft-07/schema#" ]
	[ "$(printf '%s\n' "$output" | jq -r '.title')" = "Katib Experiment (kubeflow.org/v1beta1), Katib v0.19" ]
	# Every reference resolves to a definition.
	[ -z "$(printf '%s\n' "$output" | jq -r '[.. | objects | ."$ref"? // empty | ltrimstr("#/definitions/")] - (.definitions | keys) | .[]')" ]
	doc "$GOOD"
	check "$BATS_TEST_TMPDIR/doc.json"
	assert_success
	assert_output ''
}

@test "the meta-schema check catches a schema that is not draft-07" {
	jq '.definitions.ExperimentSpec.type = "struct"' "$BATS_TEST_TMPDIR/schema.json" > "$BATS_TEST_TMPDIR/bad.json"
	mv "$BATS_TEST_TMPDIR/bad.json" "$BATS_TEST_TMPDIR/schema.json"
	doc "$GOOD"
	check "$BATS_TEST_TMPDIR/doc.json"
	assert_failure 2
	assert_output --partial "schema is invalid: data/definitions/ExperimentSpec/type must be equal to one of the allowed values"
}

@test "every corpus Experiment that validate passes passes the schema" {
	local f checked=0 files=() dir=$BATS_TEST_TMPDIR/corpus
	require_shared
	cd "$SHARED_DIR/corpus"
	for f in $(find katib-examples katib-e2e wild/v1beta1 -name '*.yaml' | sort); do
		# w22: its imagePullSecrets item holds a container's command and
		# args, mis-indented; the API server prunes them from the
		# PyTorchJob's pod template without a word.  The schema sees the
		# pod template of every replica; validate schema-checks only a
		# Job's, and warns here about the missing command instead.
		[ "$f" = wild/v1beta1/w22.yaml ] && continue
		run --separate-stderr katib validate -q --no-config --no-excerpt "$f"
		refute_crash
		[ "$status" -eq 0 ] || continue
		files+=($(experiments "$f" "$dir/${f//\//_}")) || { echo "$f: unreadable"; return 1; }
	done
	# The upstream examples, the e2e valid one and the wild ones validate
	# passes: 57 Experiments in all today (two wild ones leave their
	# namespace a blank to fill in, which metadata-invalid reports).
	[ "${#files[@]}" -ge 57 ] || { echo "only ${#files[@]} Experiments"; return 1; }
	check "${files[@]}"
	assert_success
	assert_output ''
}

@test "the schema refuses a mis-indented container field in a replica's pod template" {
	require_shared
	experiments "$SHARED_DIR/corpus/wild/v1beta1/w22.yaml" "$BATS_TEST_TMPDIR/w22" > "$BATS_TEST_TMPDIR/list"
	check $(cat "$BATS_TEST_TMPDIR/list")
	assert_failure 1
	assert_output --partial "/spec/trialTemplate/trialSpec/spec/pytorchReplicaSpecs/Master/template/spec/imagePullSecrets/0 must NOT have additional properties 'command'"
}

@test "known mistakes fail the schema at their path" {
	doc "${GOOD/algorithmName: random/algorithmName: randm}"
	check "$BATS_TEST_TMPDIR/doc.json"
	assert_failure 1
	assert_output "$BATS_TEST_TMPDIR/doc.json: /spec/algorithm/algorithmName must be equal to one of the allowed values"

	doc "${GOOD/name: random-example/name: random.example}"
	check "$BATS_TEST_TMPDIR/doc.json"
	assert_failure 1
	assert_output --partial '/metadata/name must match pattern "^[a-z]([-a-z0-9]*[a-z0-9])?$"'

	doc "${GOOD/parallelTrialCount: 3/parallelTrialCount: \"3\"}"
	check "$BATS_TEST_TMPDIR/doc.json"
	assert_failure 1
	assert_output "$BATS_TEST_TMPDIR/doc.json: /spec/parallelTrialCount must be integer,null"

	doc "${GOOD/maxTrialCount: 12/maxTrialCounts: 12}"
	check "$BATS_TEST_TMPDIR/doc.json"
	assert_failure 1
	assert_output --partial "/spec must NOT have additional properties 'maxTrialCounts'"

	doc "${GOOD/type: maximize/type: maximise}"
	check "$BATS_TEST_TMPDIR/doc.json"
	assert_failure 1
	assert_output --partial "/spec/objective/type must be equal to one of the allowed values"

	doc "${GOOD/                image: /                imagee: }"
	check "$BATS_TEST_TMPDIR/doc.json"
	assert_failure 1
	assert_output --partial "/spec/trialTemplate/trialSpec/spec/template/spec/containers/0 must NOT have additional properties 'imagee'"

	doc "${GOOD/restartPolicy: Never/restartPolicy: [Never]}"
	check "$BATS_TEST_TMPDIR/doc.json"
	assert_failure 1
	assert_output --partial "/spec/trialTemplate/trialSpec/spec/template/spec/restartPolicy must be string,null"
}

@test "validate reports each known mistake too" {
	doc "$GOOD"
	run --separate-stderr -0 katib validate -q --no-config --no-excerpt "$BATS_TEST_TMPDIR/doc.yaml"
	printf '%s\n' "${GOOD/maxTrialCount: 12/maxTrialCounts: 12}" > "$BATS_TEST_TMPDIR/typo.yaml"
	run --separate-stderr -1 katib validate -q --no-config --no-excerpt "$BATS_TEST_TMPDIR/typo.yaml"
	assert_output --partial "maxTrialCounts"
	printf '%s\n' "${GOOD/name: random-example/name: random.example}" > "$BATS_TEST_TMPDIR/name.yaml"
	run --separate-stderr -1 katib validate -q --no-config --no-excerpt "$BATS_TEST_TMPDIR/name.yaml"
	assert_output --partial "[name-invalid]"
}

@test "defaults, accepted values and descriptions come from explain's field notes" {
	local s=$BATS_TEST_TMPDIR/schema.json
	[ "$(jq -c '.definitions.ExperimentSpec.properties.parallelTrialCount.default' "$s")" = 3 ]
	[ "$(jq -r '.definitions.ExperimentSpec.properties.parallelTrialCount.description' "$s")" = \
		"How many trials can be processed in parallel. Defaults to 3. Default: 3." ]
	[ "$(jq -c '.definitions.ObjectiveSpec.properties.type.enum' "$s")" = '["minimize","maximize"]' ]
	[ "$(jq -c '.definitions.ExperimentSpec.properties.resumePolicy.default' "$s")" = '"Never"' ]
	jq -e '.definitions.AlgorithmSpec.properties.algorithmName.enum | index("random") and index("bayesianoptimization")' "$s"
	# A type used at two paths carries the notes of the path they name.
	[ "$(jq -c '.definitions.FeasibleSpace.properties.distribution.default' "$s")" = '"uniform"' ]
	# The trial template's Job and Pod parts.
	[ "$(jq -r '.definitions.ExperimentSpec.properties.trialTemplate.allOf[0]."$ref"' "$s")" = "#/definitions/TrialTemplate" ]
	[ "$(jq -r '.definitions.TrialTemplate.properties.trialSpec.then."$ref"' "$s")" = "#/definitions/Job" ]
	jq -e '.definitions.Container.properties.image.type | index("string")' "$s"
}

@test "--katib-version: the defaults and name limits of that release" {
	run --separate-stderr -0 katib schema --katib-version v0.17
	printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/v17.json"
	[ "$(jq -c '.definitions.FeasibleSpace.properties.distribution.default' "$BATS_TEST_TMPDIR/v17.json")" = null ]
	[ "$(jq -c '.properties.metadata.allOf[1].properties.name.maxLength' "$BATS_TEST_TMPDIR/v17.json")" = null ]
	[ "$(jq -c '.properties.metadata.allOf[1].properties.name.maxLength' "$BATS_TEST_TMPDIR/schema.json")" = 40 ]
	long=abcdefghij-abcdefghij-abcdefghij-abcdefghij
	doc "${GOOD/name: random-example/name: $long}"
	check "$BATS_TEST_TMPDIR/doc.json"
	assert_failure 1
	assert_output --partial "/metadata/name must NOT have more than 40 characters"
	mv "$BATS_TEST_TMPDIR/v17.json" "$BATS_TEST_TMPDIR/schema.json"
	check "$BATS_TEST_TMPDIR/doc.json"
	assert_success
}

@test "--katib-config: the algorithms that katib-config serves" {
	cat > "$BATS_TEST_TMPDIR/katib-config.yaml" <<'YAML'
apiVersion: config.kubeflow.org/v1beta1
kind: KatibConfig
runtime:
  suggestions:
    - algorithmName: random
      image: docker.io/kubeflowkatib/suggestion-hyperopt:v0.19.0
    - algorithmName: my-search
      image: registry.example.com/my-search:1
YAML
	run --separate-stderr -0 katib schema --katib-config "$BATS_TEST_TMPDIR/katib-config.yaml"
	[ "$(printf '%s\n' "$output" | jq -c '.definitions.AlgorithmSpec.properties.algorithmName.enum')" = '["random","my-search"]' ]
}

@test "schema: usage errors exit 2" {
	run --separate-stderr -2 katib schema --katib-version v0.3
	assert_output ''
	[[ "$stderr" == *"unknown Katib version 'v0.3'"* ]]
	run --separate-stderr -2 katib schema extra
	[[ "$stderr" == *"unexpected argument 'extra'"* ]]
	run --separate-stderr -2 katib schema --katib-config "$BATS_TEST_TMPDIR/none.yaml"
	assert_output ''
	run --separate-stderr -2 katib schema --bogus
}
