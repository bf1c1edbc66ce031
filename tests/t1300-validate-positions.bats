#!/usr/bin/env bats
# Findings point at the right line and column whatever the file looks
# like: UTF-8 keys, CRLF line ends, tabs in comments, several documents,
# JSON.  Columns count characters.

bats_require_minimum_version 1.5.0
load lib/common

good() { cat "$REPO_DIR/examples/good-experiment.yaml"; }

@test "positions after UTF-8 text count characters" {
	good | sed -e 's/^# A random search.*/# Recherche aléatoire: étude №1/' \
		-e 's/  name: mnist-random/  name: Ünïcode-naмe/' > "$BATS_TEST_TMPDIR/u.yaml"
	run --separate-stderr -1 katib validate -q "$BATS_TEST_TMPDIR/u.yaml"
	assert_output --partial "u.yaml:6:9: error: name 'Ünïcode-naмe'"
	good | sed 's/    goal: 0.99/    goal: 0.99\n    "métrique-✓": 1/' > "$BATS_TEST_TMPDIR/k.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/k.yaml"
	assert_output --partial "k.yaml:12:5: error: unknown field 'métrique-✓' in ObjectiveSpec"
}

@test "CRLF line ends keep lines and columns" {
	sed 's/$/\r/' "$REPO_DIR/examples/broken-experiment.yaml" > "$BATS_TEST_TMPDIR/crlf.yaml"
	run --separate-stderr -1 katib validate -q "$BATS_TEST_TMPDIR/crlf.yaml"
	assert_output --partial "crlf.yaml:45:17: error: unknown field 'imagePullPolice'"
	assert_output --partial "$(printf '   45 |                 imagePullPolice: Always\n      |                 ^')"
}

@test "tabs in comments do not shift columns" {
	sed -e 's/^  name: mnist.random/  name: mnist.random\t# a\ttabbed\tcomment/' \
		-e 's/^# The same/#\tThe\tsame/' "$REPO_DIR/examples/broken-experiment.yaml" > "$BATS_TEST_TMPDIR/tab.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/tab.yaml"
	assert_output --partial "tab.yaml:7:9: error: name 'mnist.random'"
	assert_output --partial "tab.yaml:11:11: error: objective.type 'Maximize'"
}

@test "findings in later documents carry their own line numbers and document index" {
	{ good; echo '---'; cat "$REPO_DIR/examples/broken-experiment.yaml"; } > "$BATS_TEST_TMPDIR/multi.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/multi.yaml"
	assert_output --partial "multi.yaml:67:9: error: name 'mnist.random'"
	run --separate-stderr -1 katib validate -o json "$BATS_TEST_TMPDIR/multi.yaml"
	[ "$(printf '%s' "$output" | jq -c '[.findings[0].document, .findings[0].line]')" = '[1,67]' ]
}

@test "JSON input is read with positions" {
	cat > "$BATS_TEST_TMPDIR/e.json" <<-'JSON'
	{
	  "apiVersion": "kubeflow.org/v1beta1",
	  "kind": "Experiment",
	  "metadata": {"name": "json-exp"},
	  "spec": {
	    "objective": {"type": "maximize", "objectiveMetricName": "accuracy"},
	    "algorithm": {"algorithmName": "random"},
	    "maxTrialCount": "6",
	    "parameters": [{"name": "lr", "parameterType": "double",
	                    "feasibleSpace": {"min": "0.01", "max": "0.1"}}],
	    "trialTemplate": {
	      "primaryContainerName": "main",
	      "trialParameters": [{"name": "lr", "reference": "lr"}],
	      "trialSpec": {"apiVersion": "batch/v1", "kind": "Job",
	        "spec": {"template": {"spec": {"restartPolicy": "Never",
	          "containers": [{"name": "main", "image": "python:3.12",
	            "command": ["python", "train.py", "--lr=${trialParameters.lr}"]}]}}}}
	    }
	  }
	}
	JSON
	run --separate-stderr -1 katib validate -q --no-excerpt --disable istio-sidecar-not-disabled "$BATS_TEST_TMPDIR/e.json"
	assert_output --partial "e.json:8:22: error: maxTrialCount must be an integer (int32), not a string"
	[ "${#lines[@]}" -eq 3 ]
}

@test "a duplicate key is reported at the second key" {
	good | sed 's/^  maxTrialCount: 12/  maxTrialCount: 12\n  maxTrialCount: 3/' > "$BATS_TEST_TMPDIR/dup.yaml"
	run --separate-stderr -1 katib validate -q --no-excerpt "$BATS_TEST_TMPDIR/dup.yaml"
	assert_output --partial "dup.yaml:19:3: error: key 'maxTrialCount' appears more than once"
}

# Every finding of every Experiment the suite holds, and of the corpus, is
# where its path points (the rule fixtures are checked by check_rule).
@test "every finding's line:column is the node its path names, or its nearest ancestor" {
	local -a files
	mapfile -t files < <(find "$TESTS_DIR/data" "$REPO_DIR/examples" \
		-name '*.yaml' -size -1024k | sort)
	if [ -d "$SHARED_DIR/corpus" ]; then
		mapfile -t -O "${#files[@]}" files < <(find "$SHARED_DIR/corpus" -name '*.yaml' | sort)
	fi
	[ "${#files[@]}" -gt 100 ]
	run --separate-stderr katib validate -o json "${files[@]}"
	refute_crash
	[ "$(jq '.findings | length' <<< "$output")" -gt 100 ]
	run -0 python3 "$TESTS_DIR/helper/check-positions.py" "$KATIB_TEST_TOOL" <<< "$output"
	assert_output ''
}

@test "check-positions: a finding one line off, or with another path, is caught" {
	cd "$REPO_DIR"
	run --separate-stderr katib validate -o json examples/broken-experiment.yaml
	findings=$output
	moved=$(jq -c '.findings[0].line += 1' <<< "$findings")
	run -1 python3 "$TESTS_DIR/helper/check-positions.py" "$KATIB_TEST_TOOL" <<< "$moved"
	assert_output "examples/broken-experiment.yaml:8:9: [name-invalid] at metadata.name: metadata.name is at 7:3, 7:9"
	renamed=$(jq -c '.findings[2].path = "spec.algorithm.algorithmName"' <<< "$findings")
	run -1 python3 "$TESTS_DIR/helper/check-positions.py" "$KATIB_TEST_TOOL" <<< "$renamed"
	assert_output --partial "[objective-type-invalid] at spec.algorithm.algorithmName"
}
