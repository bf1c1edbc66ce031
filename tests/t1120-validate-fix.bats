#!/usr/bin/env bats
# validate --fix and --diff: the certain fixes of the findings, applied to
# the files as text edits (src/fix.c).

bats_require_minimum_version 1.5.0
load lib/common

# The rules whose bad.yaml fixture --fix repairs completely.
FIXABLE="collector-kind-invalid file-collector-format-invalid
istio-sidecar-not-disabled job-field-type job-field-unknown
job-restart-policy-invalid objective-type-invalid
parameter-distribution-invalid pod-value-unsupported trial-parameter-invalid
type-mismatch
unknown-field"

# The rules whose bad.yaml another rule's fix repairs: the volumes list
# indented into the container is moved to the pod spec by job-field-unknown.
FIXED_BY_ANOTHER="volume-mount-unknown"

# Rules whose fixtures hold findings --fix repairs (a case-only typo) and
# findings only the user can (a value that is not a typo).
PARTLY_FIXABLE="node-placement-invalid probe-invalid security-context-invalid"

# fix_fixture ID: --fix over the rule's bad.yaml.  A fixable rule is then
# gone and each fix is printed; any fixture: a second --fix changes
# nothing, and a fixture --fix did not touch is byte for byte the same.
fix_fixture() {
	local id=$1 dir="$TESTS_DIR/rules/$1" args=() f
	[ -f "$dir/args" ] && read -r -a args < "$dir/args"
	f="$BATS_TEST_TMPDIR/$id.yaml"
	cp "$dir/bad.yaml" "$f" || return 1
	run --separate-stderr katib validate --no-config "${args[@]}" "$f"
	local before=$(grep -o '\[[a-z0-9-]*\]$' <<< "$output" | sort -u) after before_output=$output
	run -0 --separate-stderr katib validate --no-config "${args[@]}" --fix --diff "$f"
	run --separate-stderr katib validate --no-config "${args[@]}" --fix "$f"
	refute_crash || return 1
	if [[ " $(echo $FIXABLE) " == *" $id "* ]]; then
		assert_output --partial "$f:" || return 1
		assert_output --partial ": fixed [$id]: " || return 1
		run --separate-stderr katib validate --no-config "${args[@]}" "$f"
		refute_output --partial "[$id]" || return 1
		# A fix brings no new finding (a broken indentation would).
		after=$(grep -o '\[[a-z0-9-]*\]$' <<< "$output" | sort -u)
		assert_equal "$(comm -13 <(echo "$before") <(echo "$after"))" "" || return 1
	elif [[ " $PARTLY_FIXABLE " == *" $id "* ]]; then
		assert_output --partial ": fixed [$id]: " || return 1
		local was now
		was=$(grep -c "\[$id\]$" <<< "$before_output")
		run --separate-stderr katib validate --no-config "${args[@]}" "$f"
		now=$(grep -c "\[$id\]$" <<< "$output")
		[ "$now" -gt 0 ] && [ "$now" -lt "$was" ] || { echo "$id: $was findings before --fix, $now after"; return 1; }
		after=$(grep -o '\[[a-z0-9-]*\]$' <<< "$output" | sort -u)
		assert_equal "$(comm -13 <(echo "$before") <(echo "$after"))" "" || return 1
	elif [[ " $FIXED_BY_ANOTHER " == *" $id "* ]]; then
		assert_output --partial ": fixed [" || return 1
		refute_output --partial "fixed [$id]" || return 1
		run --separate-stderr katib validate --no-config "${args[@]}" "$f"
		refute_output --partial "[$id]" || return 1
	else
		refute_output --partial "fixed [" || return 1
		cmp "$dir/bad.yaml" "$f" || return 1
	fi
	cp "$f" "$f.once" || return 1
	run -0 --separate-stderr katib validate --no-config "${args[@]}" --fix --diff "$f"
	assert_output "" || return 1
	run --separate-stderr katib validate --no-config "${args[@]}" --fix "$f"
	refute_output --partial "fixed [" || return 1
	cmp "$f.once" "$f" || return 1
}

@test "--fix over every rule fixture: fixed, then nothing more to fix" {
	local dir
	for dir in "$TESTS_DIR"/rules/*/; do
		# A rule about the cluster has nothing to fix in the file.
		[ -d "$dir/cluster" ] && continue
		fix_fixture "$(basename "$dir")" ||
			fail "rule $(basename "$dir")"
	done
}

@test "every rule listed as fixable has a fixture" {
	local id
	for id in $FIXABLE; do
		assert_file_exists "$TESTS_DIR/rules/$id/bad.yaml"
	done
}

@test "--diff prints a unified diff that git applies, and changes nothing" {
	cd "$BATS_TEST_TMPDIR"
	cp "$TESTS_DIR/rules/unknown-field/bad.yaml" exp.yaml
	cp exp.yaml orig.yaml
	run -1 --separate-stderr katib validate --fix --diff exp.yaml
	assert_line --index 0 -- "--- a/exp.yaml"
	assert_line --index 1 -- "+++ b/exp.yaml"
	assert_line --index 2 "@@ -12,7 +12,7 @@"
	assert_line -- "-  parallelTrialCounts: 2"
	assert_line -- "+  parallelTrialCount: 2"
	cmp orig.yaml exp.yaml
	printf '%s\n' "$output" > fix.patch
	git apply fix.patch
	cp exp.yaml patched.yaml
	cp orig.yaml exp.yaml
	run -0 --separate-stderr katib validate --fix -q exp.yaml
	assert_output "exp.yaml:15:3: fixed [unknown-field]: renamed the field to 'parallelTrialCount'"
	cmp patched.yaml exp.yaml
}

@test "--fix keeps comments, quoting style, indentation and other documents" {
	cd "$BATS_TEST_TMPDIR"
	sed -e "s/^    type: Maximize\$/    type: 'Maximize'   # réglé à la main/" \
		"$TESTS_DIR/rules/objective-type-invalid/bad.yaml" > exp.yaml
	grep -q "type: 'Maximize'   # réglé" exp.yaml
	printf -- '---\n# not an Experiment\nkind: ConfigMap\napiVersion: v1\n' >> exp.yaml
	run -0 --separate-stderr katib validate --fix exp.yaml
	assert_output "exp.yaml:8:11: fixed [objective-type-invalid]: wrote 'maximize'"
	# Exactly the value changed: the rest is the same bytes.
	sed -e "s/'Maximize'/'maximize'/" \
		"$TESTS_DIR/rules/objective-type-invalid/bad.yaml" > /dev/null
	run diff <(sed "s/'maximize'/'Maximize'/" exp.yaml) <(sed -e "s/^    type: Maximize\$/    type: 'Maximize'   # réglé à la main/" \
		"$TESTS_DIR/rules/objective-type-invalid/bad.yaml"; printf -- '---\n# not an Experiment\nkind: ConfigMap\napiVersion: v1\n')
	assert_success
	grep -q "^    type: 'maximize'   # réglé à la main\$" exp.yaml
}

@test "--fix creates the labels map a pod template lacks, indented as its siblings" {
	cd "$BATS_TEST_TMPDIR"
	# Drop the template's metadata: the istio fix writes it anew.
	awk '/^          metadata:$/ { skip = 1; next }
	     skip && /^            / { next }
	     { skip = 0; print }' "$TESTS_DIR/rules/istio-sidecar-not-disabled/bad.yaml" > exp.yaml
	refute grep -q "^          metadata:" exp.yaml
	run -0 --separate-stderr katib validate --fix exp.yaml
	assert_line --partial "fixed [istio-sidecar-not-disabled]: added sidecar.istio.io/inject: \"false\" under metadata.labels"
	run grep -A3 "^        template:" exp.yaml
	assert_line --index 1 "          metadata:"
	assert_line --index 2 "            labels:"
	assert_line --index 3 "              sidecar.istio.io/inject: \"false\""
	run -0 --separate-stderr katib validate exp.yaml
	refute_output --partial "istio-sidecar-not-disabled"
}

@test "--fix fixes several findings of a file, and quotes a number Katib reads as a string" {
	cd "$BATS_TEST_TMPDIR"
	sed -e 's/^    type: maximize$/    type: MAXIMIZE/' \
	    -e 's/^  parallelTrialCount: 2$/  parallelTrialCounts: 2/' \
	    -e 's/^              sidecar.istio.io\/inject: "false"$/              sidecar.istio.io\/inject: false/' \
		"$TESTS_DIR/rules/unknown-field/good.yaml" > exp.yaml
	run -1 --separate-stderr katib validate exp.yaml
	assert_output --partial "[objective-type-invalid]"
	assert_output --partial "[unknown-field]"
	assert_output --partial "[istio-sidecar-not-disabled]"
	run -0 --separate-stderr katib validate --fix exp.yaml
	assert_line --index 0 "exp.yaml:8:11: fixed [objective-type-invalid]: wrote 'maximize'"
	assert_line --index 1 "exp.yaml:15:3: fixed [unknown-field]: renamed the field to 'parallelTrialCount'"
	# The label's bool is first of all the wrong type for a label.
	assert_line --index 2 "exp.yaml:43:40: fixed [job-field-type]: quoted the value"
	assert_equal "$stderr" "$(printf '3 fixes in 1 file\n1 file, 1 document, 1 Experiment: 0 errors, 0 warnings')"
	cmp exp.yaml "$TESTS_DIR/rules/unknown-field/good.yaml"
}

@test "--fix writes through a symlink and keeps the file's mode" {
	cd "$BATS_TEST_TMPDIR"
	mkdir real
	cp "$TESTS_DIR/rules/type-mismatch/bad.yaml" real/exp.yaml
	chmod 640 real/exp.yaml
	ln -s real/exp.yaml link.yaml
	run -0 --separate-stderr katib validate --fix link.yaml
	assert_output "link.yaml:16:18: fixed [type-mismatch]: removed the quotes"
	assert [ -L link.yaml ]
	assert_equal "$(stat -c %a real/exp.yaml)" 640
	grep -q '^  maxTrialCount: 6$' real/exp.yaml
	# No temporary file is left behind.
	assert_equal "$(ls real)" exp.yaml
}

# Root writes into a read-only directory; into an immutable one it cannot.
# teardown lifts the flag, or bats could not remove the test's directory.
teardown() {
	if [ -n "${IMMUTABLE:-}" ]; then chattr -i "$IMMUTABLE"; fi
}

@test "--fix leaves a file it cannot write as it was" {
	cd "$BATS_TEST_TMPDIR"
	mkdir ro
	cp "$TESTS_DIR/rules/type-mismatch/bad.yaml" ro/exp.yaml
	if [ "$(id -u)" = 0 ]; then
		IMMUTABLE=$PWD/ro
		chattr +i ro || skip "root cannot make a directory unwritable on this file system (chattr +i)"
	else
		chmod 555 ro
	fi
	run -2 --separate-stderr katib validate --fix ro/exp.yaml
	# EPERM for root's immutable directory, EACCES for anyone else's.
	assert_regex "${stderr%%$'\n'*}" "^error: cannot write 'ro/exp.yaml': (Operation not permitted|Permission denied)$"
	cmp ro/exp.yaml "$TESTS_DIR/rules/type-mismatch/bad.yaml"
	assert_equal "$(ls ro)" exp.yaml
}

@test "a rule turned off is not fixed" {
	cd "$BATS_TEST_TMPDIR"
	cp "$TESTS_DIR/rules/unknown-field/bad.yaml" exp.yaml
	run -0 --separate-stderr katib validate --disable unknown-field --fix --diff exp.yaml
	assert_output ""
}

@test "--fix and --diff usage errors" {
	run -2 --separate-stderr katib validate --diff "$TESTS_DIR/rules/unknown-field/bad.yaml"
	assert_equal "$stderr" "$(printf "error: --diff shows what --fix would change: give both\nsee 'kubectl katib validate --help'")"
	run -2 --separate-stderr katib validate --fix - < "$TESTS_DIR/rules/unknown-field/bad.yaml"
	assert_equal "$stderr" "$(printf "error: --fix edits files; it cannot fix standard input\nsee 'kubectl katib validate --help'")"
	run -2 --separate-stderr katib validate --fix "$BATS_TEST_TMPDIR/none.yaml"
	assert_equal "${stderr%%$'\n'*}" "error: cannot read '$BATS_TEST_TMPDIR/none.yaml': No such file or directory"
}

@test "an entry added at the end of a file without a final line break adds none" {
	cd "$BATS_TEST_TMPDIR"
	# The last trial parameter, the file's last line, lacks its reference.
	awk '/^    trialParameters:/ { skip = 1; next }
	     skip && /^      - / { next } skip && /^        / { next }
	     { skip = 0; print }' "$REPO_DIR/examples/good-experiment.yaml" > exp.yaml
	printf '    trialParameters:\n      - name: learningRate\n        reference: lr\n      - name: momentum' >> exp.yaml
	run -0 --separate-stderr katib validate --no-config --fix exp.yaml
	assert_line --partial ": fixed [trial-parameter-invalid]: added reference: momentum"
	run -0 tail -c 44 exp.yaml
	assert_output "$(printf -- '- name: momentum\n        reference: momentum')"
}

@test "an empty quoted value is rewritten inside its quotes" {
	cd "$BATS_TEST_TMPDIR"
	sed 's/restartPolicy: Never/restartPolicy: ""/' "$REPO_DIR/examples/good-experiment.yaml" > exp.yaml
	run -0 --separate-stderr katib validate --no-config --fix exp.yaml
	assert_line --partial ": fixed [job-restart-policy-invalid]: wrote 'Never'"
	run -0 grep -c '^            restartPolicy: "Never"$' exp.yaml
}

@test "--fix adds a missing reference only when no other trial parameter references that search parameter" {
	local f="$BATS_TEST_TMPDIR/taken.yaml"
	# optimizer has no reference, and learningRate already references optimizer
	sed 's/^        reference: lr$/        reference: optimizer/' \
		"$TESTS_DIR/rules/trial-parameter-invalid/bad.yaml" > "$f"
	grep -q '^        reference: optimizer$' "$f"
	run --separate-stderr katib validate --no-config --fix "$f"
	refute_crash
	refute_output --partial 'fixed [trial-parameter-invalid]'
	run --separate-stderr katib validate --no-config "$f"
	assert_output --partial '[trial-parameter-invalid]'
}
