#!/usr/bin/env bats
# kubectl katib get experiments / status experiment NAME: how searches
# are doing, against the recording tests/data/status/cluster served by the
# replay server, and the same read straight from it with --from.  The
# clock is pinned (KATIB_NOW) so that ages and estimates are stable.

bats_require_minimum_version 1.5.0
load lib/common

CLUSTER="$TESTS_DIR/data/status/cluster"
GOLDEN="$TESTS_DIR/golden/status"
export KATIB_NOW=2026-11-20T12:00:00Z

setup() {
	replay_serve "$CLUSTER"
}

teardown() {
	replay_kill
}

# both WANT-EXIT GOLDEN ARGS...: the live answer matches the golden file
# byte for byte, and the recording read with --from says the same.
both() {
	local want=$1 golden=$2
	shift 2
	run --separate-stderr katib "$@" --kubeconfig "$REPLAY_CFG"
	refute_crash || return 1
	[ "$status" -eq "$want" ] || { echo "exit $status, want $want: $stderr"; return 1; }
	assert_golden "$GOLDEN/$golden" || return 1
	local live=$output
	run --separate-stderr katib "$@" --from "$CLUSTER"
	[ "$status" -eq "$want" ] || { echo "--from: exit $status: $stderr"; return 1; }
	[ "$output" = "$live" ] || { diff <(echo "$live") <(echo "$output"); return 1; }
}

@test "get experiments: one line each, as kubectl prints a table" {
	both 0 get-ml.txt get experiments -n ml
	# the stuck search says so, with explain's diagnosis id
	[[ "${lines[3]}" == "stuck   Running (stuck: metrics-unavailable)   0/1/0 of 4 "* ]]
	both 0 get-all-wide.txt get exp -A -o wide
	[[ "${lines[0]}" == "NAMESPACE   NAME    STATE "* ]]
	both 0 get-all.json get experiment -A -o json
	jq -e '.items | length == 4' <<< "$output" > /dev/null
	jq -e '.items[0] | .name == "hpo" and .best.trial == "hpo-e6q1j8wb" and .best.objective == 0.08' <<< "$output" > /dev/null
	both 0 get-ml.yaml get experiments -n ml -o yaml
	# the resource with its group, as kubectl takes it
	both 0 get-ml.txt get experiments.kubeflow.org -n ml
}

@test "get experiments: each kind is listed once for all Experiments, not read per Experiment" {
	replay_kill
	# Four Experiments, then the same four again in other namespaces: the
	# same number of requests (only failed containers' logs are per pod).
	local dir=$BATS_TEST_TMPDIR/twice
	mkdir -p "$dir/a" "$dir/b"
	cp -R "$CLUSTER/." "$dir/a/"
	replay_serve "$dir/a" --log "$BATS_TEST_TMPDIR/one.log" || return 1
	run --separate-stderr -0 katib get experiments -A --kubeconfig "$REPLAY_CFG"
	local table=$output
	replay_stop || return 1
	cp -R "$CLUSTER/." "$dir/b/"
	# The copies live in namespaces of their own: ml2 and team-b2.
	sed -i -E 's/\b(ml|team-b)\b/\12/g' "$dir/b/"*.yaml
	replay_serve "$dir" --log "$BATS_TEST_TMPDIR/two.log" || return 1
	run --separate-stderr -0 katib get experiments -A --kubeconfig "$REPLAY_CFG"
	[ "${#lines[@]}" -gt "$(wc -l <<< "$table")" ] || { echo "no copies listed: $output"; return 1; }
	local one two
	one=$(grep -vc "/log" "$BATS_TEST_TMPDIR/one.log")
	two=$(grep -vc "/log" "$BATS_TEST_TMPDIR/two.log")
	assert_equal "$two" "$one" || return 1
	# No Experiment is read on its own.
	run grep -E "/experiments/[^ /]+$" "$BATS_TEST_TMPDIR/two.log"
	assert_failure
}

@test "get experiments: an empty namespace, and usage errors" {
	run --separate-stderr -0 katib get experiments -n nobody --kubeconfig "$REPLAY_CFG"
	[ -z "$output" ]
	[ "$stderr" = "No resources found in nobody namespace." ]
	run --separate-stderr -2 katib get trials --kubeconfig "$REPLAY_CFG"
	[[ "$stderr" == *"unknown resource type 'trials'"* ]]
	run --separate-stderr -2 katib get experiments -A -n ml --kubeconfig "$REPLAY_CFG"
	[[ "$stderr" == *"-A and -n cannot be used together"* ]]
	run --separate-stderr -2 katib get experiments -o toml --kubeconfig "$REPLAY_CFG"
}

@test "status experiment: a running search, its best trial, trials and chart" {
	both 0 status-hpo.txt status experiment hpo -n ml --width 60
	both 0 status-hpo-objective.txt status experiment/hpo -n ml --sort objective --top 3 --width 40
	both 0 status-hpo-objective.txt status experiment.kubeflow.org/hpo -n ml --sort objective --top 3 --width 40
	# the best trial comes first, marked; the rest are counted
	[[ "${lines[9]}" == "hpo-e6q1j8wb *   Succeeded "* ]]
	[ "${lines[${#lines[@]}-12]}" = "(5 more trials not shown)" ]
	# COLUMNS decides the chart's width when --width does not
	COLUMNS=60 run --separate-stderr -0 katib status exp hpo -n ml --from "$CLUSTER"
	assert_golden "$GOLDEN/status-hpo.txt"
}

@test "status experiment: finished, stuck, and as JSON and YAML" {
	both 0 status-mnist.txt status experiment mnist -n ml --width 50
	both 1 status-stuck.txt status experiment stuck -n ml --width 80
	[[ "$output" == *"see 'kubectl katib explain experiment stuck -n ml'"* ]]
	both 0 status-hpo.json status experiment hpo -n ml -o json --sort name
	jq -e '.remainingSeconds == 2300 and .elapsedSeconds == 7198 and (.trialList | length) == 8' <<< "$output" > /dev/null
	jq -e '.trialList[] | select(.name == "hpo-c9w3n5kd") | .reason | contains("BackoffLimitExceeded")' <<< "$output" > /dev/null
	both 0 status-mnist.yaml status experiment mnist -n ml -o yaml --sort objective --top 2
}

@test "status experiment: usage errors and a missing Experiment" {
	run --separate-stderr -2 katib status experiment
	run --separate-stderr -2 katib status trial x
	run --separate-stderr -2 katib status experiment hpo --sort loss
	run --separate-stderr -2 katib status experiment hpo --top 0
	run --separate-stderr -2 katib status experiment hpo extra
	run --separate-stderr -3 katib status experiment nope -n ml --kubeconfig "$REPLAY_CFG"
	[[ "$stderr" == *'"nope" not found'* ]]
}

@test "status --from reads a recording's .yml and .json files as its .yaml ones" {
	local dir="$BATS_TEST_TMPDIR/yml"
	cp -r "$CLUSTER" "$dir"
	mv "$dir/hpo-experiment.yaml" "$dir/hpo-experiment.yml"
	"$KATIB_TEST_TOOL" to-json "$dir/hpo-trials.yaml" > "$dir/hpo-trials.json"
	rm "$dir/hpo-trials.yaml"
	run --separate-stderr katib status experiment hpo -n ml -o json --sort name --from "$CLUSTER"
	assert_success
	local want=$output
	run --separate-stderr katib status experiment hpo -n ml -o json --sort name --from "$dir"
	assert_success
	[ "$output" = "$want" ] || { diff <(echo "$want") <(echo "$output"); return 1; }
}

@test "status --from and the replay server read a search of 20,000 trials; a recording beyond the limits is refused" {
	# validate's limits for one Experiment (500,000 nodes) refused this
	# recording's Trial List (600,000 nodes) before it was read whole.
	local dir="$BATS_TEST_TMPDIR/big"
	mkdir "$dir"
	cp "$CLUSTER/namespaces.yaml" "$dir/"
	sed 's/maxTrialCount: 12/maxTrialCount: 20000/' "$CLUSTER/hpo-experiment.yaml" > "$dir/hpo-experiment.yaml"
	awk 'BEGIN {
		print "apiVersion: v1"; print "kind: List"; print "items:"
		for (i = 1; i <= 20000; i++)
			printf "  - {apiVersion: kubeflow.org/v1beta1, kind: Trial, metadata: {name: hpo-t%06d, namespace: ml, creationTimestamp: \"2026-11-20T10:00:00Z\", labels: {katib.kubeflow.org/experiment: hpo}}, spec: {parameterAssignments: [{name: lr, value: \"0.01\"}]}, status: {startTime: \"2026-11-20T10:00:10Z\", completionTime: \"2026-11-20T11:00:10Z\", conditions: [{type: Succeeded, status: \"True\"}], observation: {metrics: [{name: loss, min: \"%d\", max: \"2\", latest: \"%d\"}]}}}\n", i, i, i
	}' > "$dir/hpo-trials.yaml"
	run --separate-stderr katib status experiment hpo -n ml --from "$dir" -o json
	assert_success
	[ "$(jq '.trialList | length' <<< "$output")" -eq 20000 ]
	replay_kill
	replay_serve "$dir"
	run --separate-stderr katib get experiments -n ml --kubeconfig "$REPLAY_CFG" -o json
	assert_success
	[ "$(jq '.items[0].trials.succeeded' <<< "$output")" -eq 20000 ]

	# A recording's limits name no option of status: none can raise them.
	python3 -c "print('a: ' + '[' * 300 + ']' * 300)" > "$dir/deep.yaml"
	run --separate-stderr -2 katib status experiment hpo -n ml --from "$dir"
	[ "$stderr" = "error: $dir/deep.yaml:1: nesting deeper than the limit for a recording" ]
}

# kubectl_trials N: a List of N Trials as `kubectl get -o yaml` writes it:
# items at column 0, block style, and the List's keys after them.
kubectl_trials() {
	awk -v n="$1" 'BEGIN {
		print "apiVersion: v1"; print "items:"
		for (i = 1; i <= n; i++) {
			printf "- apiVersion: kubeflow.org/v1beta1\n  kind: Trial\n  metadata:\n"
			printf "    creationTimestamp: \"2026-11-20T10:%02d:%02dZ\"\n", int(i / 60) % 60, i % 60
			printf "    labels:\n      katib.kubeflow.org/experiment: hpo\n    name: hpo-t%06d\n    namespace: ml\n", i
			printf "  spec:\n    parameterAssignments:\n    - name: lr\n      value: \"0.%04d\"\n", i
			printf "    - name: optimizer\n      value: sgd\n    - name: layers\n      value: \"%d\"\n", i % 5 + 1
			printf "  status:\n    completionTime: \"2026-11-20T11:00:10Z\"\n    conditions:\n"
			printf "    - reason: TrialSucceeded\n      status: \"True\"\n      type: Succeeded\n"
			printf "    observation:\n      metrics:\n      - latest: \"%.3f\"\n        max: \"2\"\n        min: \"0.1\"\n        name: loss\n", (i * 7919 % 1000) / 1000
			printf "    startTime: \"2026-11-20T10:00:10Z\"\n"
		}
		print "kind: List"; print "metadata:"; print "  resourceVersion: \"\""
	}'
}

@test "status --from: a large List read on two threads says what the serial reader's does" {
	# Over 1 MiB, a recording's List is read in two parts at once
	# (src/doc-split.h); the same Trials as JSON are read serially.
	local split="$BATS_TEST_TMPDIR/split" serial="$BATS_TEST_TMPDIR/serial"
	mkdir "$split"
	cp "$CLUSTER/namespaces.yaml" "$CLUSTER/hpo-suggestion.yaml" "$split/"
	sed 's/maxTrialCount: 12/maxTrialCount: 3000/' "$CLUSTER/hpo-experiment.yaml" > "$split/hpo-experiment.yaml"
	kubectl_trials 3000 > "$split/hpo-trials.yaml"
	[ "$(stat -c %s "$split/hpo-trials.yaml")" -gt 1048576 ]
	cp -r "$split" "$serial"
	"$KATIB_TEST_TOOL" to-json "$split/hpo-trials.yaml" > "$serial/hpo-trials.json"
	rm "$serial/hpo-trials.yaml"
	run --separate-stderr katib status experiment hpo -n ml -o json --sort name --from "$serial"
	assert_success
	local want=$output
	[ "$(jq '.trialList | length' <<< "$want")" -eq 3000 ]
	run --separate-stderr katib status experiment hpo -n ml -o json --sort name --from "$split"
	assert_success
	[ "$output" = "$want" ] || { diff <(echo "$want") <(echo "$output") | head; return 1; }

	# An error past the middle: the serial reader reports it, at its line.
	local bad=$(( $(wc -l < "$split/hpo-trials.yaml") * 3 / 4 ))
	sed -i "${bad}i\\  metadata: {name: [x}" "$split/hpo-trials.yaml"
	run --separate-stderr -2 katib status experiment hpo -n ml --from "$split"
	[[ "$stderr" == "error: $split/hpo-trials.yaml:$bad: "* ]] || { echo "$stderr"; return 1; }
}

# check_html FILE: well-formed, every SVG parses as XML, nothing to load.
check_html() {
	python3 - "$1" <<'PY' || return 1
import sys, re, html.parser, xml.dom.minidom
text = open(sys.argv[1], encoding="utf-8").read()
class P(html.parser.HTMLParser):
    void = {"meta", "br", "img", "input", "link", "hr"}
    def __init__(self):
        super().__init__(); self.stack = []
    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            assert k not in ("src", "href") and not k.startswith("on"), (tag, k, v)
        if tag not in self.void: self.stack.append(tag)
    def handle_startendtag(self, tag, attrs): pass
    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, ("unbalanced", tag, self.stack[-3:])
        self.stack.pop()
p = P(); p.feed(text); p.close()
assert not p.stack, p.stack
assert not re.search(r"https?://|url\(|<script|@import", text), "something to load"
svgs = re.findall(r"<svg.*?</svg>", text, re.S)
for s in svgs:
    xml.dom.minidom.parseString(s)
print(len(svgs), "svg")
PY
}

@test "status --html: one self-contained page with the plots and the table" {
	run --separate-stderr -0 katib status experiment hpo -n ml --kubeconfig "$REPLAY_CFG" --html "$BATS_TEST_TMPDIR/hpo.html"
	check_html "$BATS_TEST_TMPDIR/hpo.html"
	# best so far, parallel coordinates, one scatter per parameter (3)
	[ "$(grep -o '<svg class="[a-z]*"' "$BATS_TEST_TMPDIR/hpo.html" | sort | uniq -c | tr -s ' ')" = \
	  "$(printf ' 1 <svg class="curve"\n 1 <svg class="parallel"\n 3 <svg class="scatter"')" ]
	# five finished trials with an objective: five points, five lines
	[ "$(grep -o '<circle class="trial"' "$BATS_TEST_TMPDIR/hpo.html" | wc -l)" -eq 20 ]
	[ "$(grep -o '<polyline class="line' "$BATS_TEST_TMPDIR/hpo.html" | wc -l)" -eq 5 ]
	[ "$(grep -c '^<tr' "$BATS_TEST_TMPDIR/hpo.html")" -eq 9 ]
	# the best-so-far curve: a step per trial, from the first point to
	# the last, none past the plot's right edge (640 - 48)
	[ "$(grep -o '<polyline class="best" points="[^"]*"' "$BATS_TEST_TMPDIR/hpo.html")" = \
	  '<polyline class="best" points="48.0,202.4 184.0,202.4 184.0,259.9 320.0,259.9 320.0,259.9 456.0,259.9 456.0,272.0 592.0,272.0 592.0,272.0"' ]
	# no temporary file is left behind
	[ "$(ls "$BATS_TEST_TMPDIR" | grep -c katib-status)" -eq 0 ]
}

@test "status --html escapes what comes from the cluster" {
	local dir="$BATS_TEST_TMPDIR/hostile"
	mkdir -p "$dir"
	cp "$CLUSTER/namespaces.yaml" "$dir/"
	sed 's|value: "0.03"|value: "<script>alert(1)</script>\&amp;"|' "$CLUSTER/mnist.yaml" > "$dir/mnist.yaml"
	run --separate-stderr -0 katib status experiment mnist -n ml --from "$dir" --html "$BATS_TEST_TMPDIR/m.html"
	check_html "$BATS_TEST_TMPDIR/m.html"
	grep -q '&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;' "$BATS_TEST_TMPDIR/m.html"
	# a folder that is not there: exit 3, and nothing half-written
	run --separate-stderr -3 katib status experiment mnist -n ml --from "$dir" --html "$BATS_TEST_TMPDIR/no/such/m.html"
	[[ "$stderr" == *"cannot write $BATS_TEST_TMPDIR/no/such/m.html"* ]]
}
