#!/usr/bin/env bats
# validate --admission-review: the AdmissionReview response our rules give.

bats_require_minimum_version 1.5.0
load lib/common

review() {
	run --separate-stderr katib validate --admission-review "$TESTS_DIR/data/admission/$1" "${@:2}"
	refute_crash
}

@test "admission: a dotted name is denied with the field path and rule" {
	review dotted-name.yaml
	assert_equal "$status" 1
	assert_equal "$(jq -r .response.uid <<< "$output")" 7d3c1e2a-0001-4000-8000-000000000001
	assert_equal "$(jq -r .response.allowed <<< "$output")" false
	assert_equal "$(jq -r .response.status.code <<< "$output")" 400
	assert_equal "$(jq -r .response.status.message <<< "$output")" \
		"metadata.name: name 'mnist.v2' must consist of lower case letters, digits and '-', start with a letter and end with a letter or digit [name-invalid]"
	assert_equal "$(jq -r '.apiVersion + " " + .kind' <<< "$output")" "admission.k8s.io/v1 AdmissionReview"
}

@test "admission: a valid Experiment is allowed, with no status" {
	review valid.yaml
	assert_equal "$status" 0
	assert_output '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"7d3c1e2a-0002-4000-8000-000000000002","allowed":true}}'
}

@test "admission: warnings are allowed and listed in response.warnings" {
	review warning.yaml
	assert_equal "$status" 0
	assert_equal "$(jq -r .response.allowed <<< "$output")" true
	assert_equal "$(jq -r '.response.warnings | length' <<< "$output")" 1
	[[ "$(jq -r '.response.warnings[0]' <<< "$output")" == "spec.trialTemplate.trialSpec.spec.template: "*"[istio-sidecar-not-disabled]" ]]
}

@test "admission: --istio turns the istio warning into a denial" {
	review warning.yaml --istio
	assert_equal "$status" 1
	[[ "$(jq -r .response.status.message <<< "$output")" == *"[istio-sidecar-not-disabled]" ]]
}

@test "admission: several errors are joined as Kubernetes joins field errors" {
	review two-errors.yaml
	assert_equal "$status" 1
	msg=$(jq -r .response.status.message <<< "$output")
	[[ "$msg" == "[metadata.name: "*"[name-invalid], spec.maxTrialCount: "*"]" ]]
	[[ "$msg" == *"spec.parallelTrialCount: "* ]]
}

@test "admission: a DELETE is allowed without an object" {
	review delete.yaml
	assert_equal "$status" 0
	assert_equal "$(jq -r .response.allowed <<< "$output")" true
}

@test "admission: reads the review from stdin, as JSON too" {
	run --separate-stderr katib validate --admission-review - < "$TESTS_DIR/data/admission/dotted-name.yaml"
	refute_crash
	assert_equal "$status" 1
	assert_equal "$(jq -r .response.uid <<< "$output")" 7d3c1e2a-0001-4000-8000-000000000001
	run --separate-stderr katib validate --admission-review - <<< '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1","operation":"CREATE","object":{"apiVersion":"kubeflow.org/v1beta1","kind":"Experiment","metadata":{"name":"a.b"}}}}'
	refute_crash
	assert_equal "$status" 1
	assert_equal "$(jq -r .response.uid <<< "$output")" u1
	[[ "$(jq -r .response.status.message <<< "$output")" == *"metadata.name: name 'a.b'"* ]]
}

@test "admission: an object that is not an Experiment is allowed with a warning" {
	run --separate-stderr katib validate --admission-review - <<< '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u2","operation":"CREATE","object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}}}'
	refute_crash
	assert_equal "$status" 0
	[[ "$(jq -r '.response.warnings[0]' <<< "$output")" == *"checks only kubeflow.org/v1beta1 Experiments"* ]]
}

@test "admission: a response is not a request (exit 2)" {
	review response-only.yaml
	assert_equal "$status" 2
	assert_output ''
	[[ "$stderr" == *"response-only.yaml: the AdmissionReview has no request"* ]]
}

@test "admission: a request without uid is refused (exit 2)" {
	review no-uid.yaml
	assert_equal "$status" 2
	[[ "$stderr" == *"no-uid.yaml: the AdmissionReview request has no uid"* ]]
}

@test "admission: an Experiment is not an AdmissionReview (exit 2)" {
	run --separate-stderr katib validate --admission-review "$TESTS_DIR/rules/name-invalid/bad.yaml"
	refute_crash
	assert_equal "$status" 2
	[[ "$stderr" == *"not an AdmissionReview (kind is 'Experiment')"* ]]
}

@test "admission: broken YAML, several documents, an empty file: exit 2" {
	printf 'apiVersion: [\n' > "$BATS_TEST_TMPDIR/broken.yaml"
	run --separate-stderr katib validate --admission-review "$BATS_TEST_TMPDIR/broken.yaml"
	refute_crash
	assert_equal "$status" 2
	[[ "$stderr" == *"broken.yaml:2:"* ]]
	printf 'a: 1\n---\nb: 2\n' > "$BATS_TEST_TMPDIR/two.yaml"
	run --separate-stderr katib validate --admission-review "$BATS_TEST_TMPDIR/two.yaml"
	assert_equal "$status" 2
	[[ "$stderr" == *"expected one document, found more"* ]]
	: > "$BATS_TEST_TMPDIR/empty.yaml"
	run --separate-stderr katib validate --admission-review "$BATS_TEST_TMPDIR/empty.yaml"
	assert_equal "$status" 2
	[[ "$stderr" == *"the input is empty"* ]]
	run --separate-stderr katib validate --admission-review "$BATS_TEST_TMPDIR/missing.yaml"
	assert_equal "$status" 2
	[[ "$stderr" == *"missing.yaml"* ]]
}

@test "admission: takes no other input, and not with --suggestion-request" {
	run --separate-stderr katib validate --admission-review "$TESTS_DIR/data/admission/valid.yaml" x.yaml
	assert_equal "$status" 2
	[[ "$stderr" == *"takes no other input"* ]]
	run --separate-stderr katib validate --admission-review a --suggestion-request b
	assert_equal "$status" 2
	[[ "$stderr" == *"not both"* ]]
	run --separate-stderr katib validate --admission-review a -o sarif
	assert_equal "$status" 2
	[[ "$stderr" == *"writes text or json"* ]]
}

# update OLD NEW: an UPDATE review of valid.yaml's Experiment whose
# oldObject is the object edited by the jq filter OLD and whose object is
# oldObject edited by NEW; the file's path is in $review.
update() {
	review=$BATS_TEST_TMPDIR/update.json
	"$KATIB_TEST_TOOL" to-json "$TESTS_DIR/data/admission/valid.yaml" |
		jq ".request.operation = \"UPDATE\"
		    | .request.oldObject = (.request.object | $1)
		    | .request.object = (.request.oldObject | $2)" > "$review"
}

# An Experiment Katib's newer rules reject: a dotted name, and
# parallelTrialCount above maxTrialCount.
BROKEN='.metadata.name = "mnist.v2" | .spec.maxTrialCount = 1 | .metadata.finalizers = ["update-prometheus-metrics"]'

@test "admission: an UPDATE that leaves the spec alone is allowed, however broken" {
	update "$BROKEN" 'del(.metadata.finalizers) | .metadata.labels = {team: "a"}'
	run --separate-stderr katib validate --admission-review "$review"
	refute_crash
	assert_equal "$status" 0
	assert_output '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"7d3c1e2a-0002-4000-8000-000000000002","allowed":true}}'
	# The same object created is denied: the UPDATE was judged by its edit.
	jq '.request.operation = "CREATE" | del(.request.oldObject)' "$review" > "$BATS_TEST_TMPDIR/create.json"
	run --separate-stderr katib validate --admission-review "$BATS_TEST_TMPDIR/create.json"
	assert_equal "$status" 1
}

@test "admission: an UPDATE of the trial counts is judged by the count rules only" {
	update '.metadata.name = "mnist.v2"' '.spec.parallelTrialCount = 10'
	run --separate-stderr katib validate --admission-review "$review"
	refute_crash
	assert_equal "$status" 1
	assert_equal "$(jq -r .response.status.message <<< "$output")" \
		"spec.parallelTrialCount: parallelTrialCount (10) is greater than maxTrialCount (6) [parallel-trial-count-too-large]"
	# A good count edit of an Experiment with a dotted name is allowed.
	update '.metadata.name = "mnist.v2"' '.spec.maxTrialCount = 8 | .spec.maxFailedTrialCount = 3.0'
	run --separate-stderr katib validate --admission-review "$review"
	assert_equal "$status" 0
	assert_equal "$(jq -r .response.allowed <<< "$output")" true
}

@test "admission: an UPDATE of any other spec field is denied with Katib's message" {
	update '.' '.spec.objective.goal = 0.5 | .spec.maxTrialCount = 8'
	run --separate-stderr katib validate --admission-review "$review"
	refute_crash
	assert_equal "$status" 1
	assert_equal "$(jq -r .response.status.code <<< "$output")" 400
	assert_equal "$(jq -r .response.status.message <<< "$output")" \
		"spec: Forbidden: only spec.parallelTrialCount, spec.maxTrialCount and spec.maxFailedTrialCount are editable"
	# Key order and number spelling are not edits.
	update '.' '.spec |= (to_entries | reverse | from_entries) | .spec.maxTrialCount = 6.0'
	run --separate-stderr katib validate --admission-review "$review"
	assert_equal "$status" 0
}

# The old Experiment's status after it completed: CONDITION (Succeeded or
# Failed) True for REASON.
completed() {
	echo ".status = {trials: 6, conditions: [{type: \"$1\", status: \"True\", reason: \"$2\"}]}"
}

@test "admission: a restart of a completed Experiment needs LongRunning or FromVolume (KAT-UPD-01)" {
	# Succeeded by reaching maxTrialCount, resumePolicy LongRunning: more trials are fine.
	update ".spec.resumePolicy = \"LongRunning\" | $(completed Succeeded ExperimentMaxTrialsReached)" \
		'.spec.maxTrialCount = 10 | del(.status)'
	run --separate-stderr katib validate --admission-review "$review"
	refute_crash
	assert_equal "$status" 0
	# resumePolicy Never (the Experiment's own): denied, with Katib's words.
	update "$(completed Succeeded ExperimentMaxTrialsReached)" '.spec.maxTrialCount = 10 | del(.status)'
	run --separate-stderr katib validate --admission-review "$review"
	assert_equal "$status" 1
	assert_equal "$(jq -r .response.status.message <<< "$output")" \
		'spec.resumePolicy: Invalid value: "Never": Experiment can be restarted if it is in succeeded state by reaching max trials and spec.resumePolicy = LongRunning or spec.resumePolicy = FromVolume, when experiment is completed [experiment-not-restartable]'
	# Failed, or succeeded for another reason, never restarts.
	update ".spec.resumePolicy = \"FromVolume\" | $(completed Failed ExperimentMaxFailedTrialsReached)" '.spec.maxTrialCount = 10'
	run --separate-stderr katib validate --admission-review "$review"
	assert_equal "$status" 1
	[[ "$(jq -r .response.status.message <<< "$output")" == *"[experiment-not-restartable]" ]]
	update ".spec.resumePolicy = \"LongRunning\" | $(completed Succeeded ExperimentGoalReached)" '.spec.maxTrialCount = 10'
	run --separate-stderr katib validate --admission-review "$review"
	assert_equal "$status" 1
	# With another edit, every answer, in Katib's order.
	update "$(completed Succeeded ExperimentMaxTrialsReached)" '.spec.objective.goal = 0.5'
	run --separate-stderr katib validate --admission-review "$review"
	assert_equal "$status" 1
	[[ "$(jq -r .response.status.message <<< "$output")" == "[spec.resumePolicy: "*"[experiment-not-restartable], spec.maxTrialCount: "*"[max-trial-count-not-above-trials], spec: Forbidden: only "*" are editable]" ]]
	# A status update alone is not a restart.
	update "$(completed Failed ExperimentMaxFailedTrialsReached)" '.metadata.labels = {a: "b"}'
	run --separate-stderr katib validate --admission-review "$review"
	assert_equal "$status" 0
}

@test "admission: a restart needs maxTrialCount above the trials already run (KAT-UPD-02)" {
	# A running Experiment too: any spec edit is a restart.
	update '.status.trials = 6' '.spec.parallelTrialCount = 3'
	run --separate-stderr katib validate --admission-review "$review"
	refute_crash
	assert_equal "$status" 1
	assert_equal "$(jq -r .response.status.message <<< "$output")" \
		"spec.maxTrialCount: Invalid value: 6: must be greater than status.trials count (6 trials have run) [max-trial-count-not-above-trials]"
	update '.status.trials = 6' '.spec.maxTrialCount = 7'
	run --separate-stderr katib validate --admission-review "$review"
	assert_equal "$status" 0
	update '.status.trials = 6' '.metadata.labels = {a: "b"}'
	run --separate-stderr katib validate --admission-review "$review"
	assert_equal "$status" 0
}

@test "admission: an UPDATE without oldObject is judged as a whole" {
	update "$BROKEN" '.'
	jq 'del(.request.oldObject)' "$review" > "$BATS_TEST_TMPDIR/no-old.json"
	run --separate-stderr katib validate --admission-review "$BATS_TEST_TMPDIR/no-old.json"
	refute_crash
	assert_equal "$status" 1
	[[ "$(jq -r .response.status.message <<< "$output")" == *"[name-invalid]"* ]]
}
