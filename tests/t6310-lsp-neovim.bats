#!/usr/bin/env bats
# kubectl katib lsp with a real client: Neovim's built-in LSP client
# (Debian's neovim, 0.7 on bookworm), headless, scripted by
# tests/helper/lsp-neovim.lua.  What Neovim shows is compared with what
# validate and validate --fix do to the same file.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
	if ! command -v nvim > /dev/null; then
		# scripts/install-deps installs it; CI must not pass by skipping.
		if [ "${CI:-}" = true ]; then
			echo "nvim is missing: run scripts/install-deps (Debian package neovim)" >&2
			return 1
		fi
		skip "NEOVIM IS NOT INSTALLED: the real-client LSP tests did not run (scripts/install-deps)"
	fi
}

# neovim FILE [VAR=VALUE...]: opens FILE in Neovim with the server; what
# Neovim shows goes to $BATS_TEST_TMPDIR/nvim.out and $output.
neovim() {
	local file=$1
	shift
	run env "$@" KATIB_BIN="$KATIB_BIN" LSP_FILE="$file" \
		LSP_OUT="$BATS_TEST_TMPDIR/nvim.out" HOME="$BATS_TEST_TMPDIR" \
		XDG_STATE_HOME="$BATS_TEST_TMPDIR" XDG_DATA_HOME="$BATS_TEST_TMPDIR" \
		timeout 300 nvim --headless --clean -u NONE \
		-c "luafile $TESTS_DIR/helper/lsp-neovim.lua" < /dev/null
	local rc=$status
	output=$(cat "$BATS_TEST_TMPDIR/nvim.out")
	mapfile -t lines < "$BATS_TEST_TMPDIR/nvim.out"
	[ "$rc" -eq 0 ] || { echo "nvim exited $rc"; echo "$output"; return 1; }
}

# validate's findings in the format the Lua script writes.
validate_lines() {
	katib validate --no-config -o json "$@" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    print("%s:%d:%d: %s %s" % (f["file"], f["line"], f["column"], f["severity"], f["rule"]))
'
}

# The "diagnostics:" section of $output, sorted as validate sorts.
nvim_diagnostics() {
	printf '%s\n' "$output" | sed -n '/^diagnostics:$/,/^[a-z]*:$/p' |
		grep -v ':$' | sort -t: -k1,1 -k2,2n -k3,3n
}

# --fix with every rule but one turned off: that rule's fix alone.
fix_only() {
	local rule=$1 file=$2 id args=()
	while read -r id _; do
		[ "$id" = "$rule" ] || args+=(--disable "$id")
	done < <("$KATIB_BIN" validate --list-rules)
	katib validate --no-config -q --fix "${args[@]}" "$file" > /dev/null 2>&1
}

@test "neovim shows validate's findings, hover, completion and a fix" {
	local f=$BATS_TEST_TMPDIR/broken.yaml
	cp "$REPO_DIR/examples/broken-experiment.yaml" "$f"
	validate_lines "$f" | sort -t: -k1,1 -k2,2n -k3,3n > "$BATS_TEST_TMPDIR/validate.diag"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/validate.diag")" -ge 5 ]

	neovim "$f" LSP_HOVER=17:4 LSP_COMPLETE=12:5 LSP_FIX=istio-sidecar-not-disabled
	nvim_diagnostics > "$BATS_TEST_TMPDIR/nvim.diag"
	diff -u "$BATS_TEST_TMPDIR/validate.diag" "$BATS_TEST_TMPDIR/nvim.diag"

	# Hover: explain's documentation of the field.
	assert_line '**maxTrialCount** `<integer>`'
	run --separate-stderr -0 katib explain experiment.spec.maxTrialCount
	assert_line "    Max completed trials to mark experiment as succeeded"
	output=$(cat "$BATS_TEST_TMPDIR/nvim.out")
	mapfile -t lines < "$BATS_TEST_TMPDIR/nvim.out"
	assert_line "Max completed trials to mark experiment as succeeded"

	# Completion of a field name under spec.objective.
	assert_line "objectiveMetricName"
	assert_line "additionalMetricNames"
	refute_line "maxTrialCount"

	# The code action, applied by Neovim and written, is --fix's edit.
	assert_line 'action: added sidecar.istio.io/inject: "false" under metadata.labels'
	cp "$REPO_DIR/examples/broken-experiment.yaml" "$BATS_TEST_TMPDIR/cli.yaml"
	fix_only istio-sidecar-not-disabled "$BATS_TEST_TMPDIR/cli.yaml"
	! cmp -s "$BATS_TEST_TMPDIR/cli.yaml" "$REPO_DIR/examples/broken-experiment.yaml"
	diff -u "$BATS_TEST_TMPDIR/cli.yaml" "$f"
	run --separate-stderr katib validate --no-config --no-excerpt "$f"
	refute_output --partial "[istio-sidecar-not-disabled]"
}

@test "neovim puts findings after non-ASCII text where validate does" {
	local f=$BATS_TEST_TMPDIR/u.yaml
	sed 's/^    algorithmName: bayesian/    {"😀é": 1, algorithmName: bayesian}/' \
		"$TESTS_DIR/rules/algorithm-unknown/bad.yaml" > "$f"
	neovim "$f"
	assert_line "$f:14:30: error algorithm-unknown"
	nvim_diagnostics > "$BATS_TEST_TMPDIR/nvim.diag"
	validate_lines "$f" | sort -t: -k1,1 -k2,2n -k3,3n > "$BATS_TEST_TMPDIR/validate.diag"
	diff -u "$BATS_TEST_TMPDIR/validate.diag" "$BATS_TEST_TMPDIR/nvim.diag"
}

@test "neovim completes the setting names of the algorithm" {
	local f=$BATS_TEST_TMPDIR/s.yaml
	printf '%s\n' 'apiVersion: kubeflow.org/v1beta1' 'kind: Experiment' 'spec:' \
		'  algorithm:' '    algorithmName: multivariate-tpe' \
		'    algorithmSettings:' '      - name: ' > "$f"
	neovim "$f" LSP_COMPLETE=7:15
	assert_output --partial "$(printf '%s\n' completion: n_startup_trials \
		n_ei_candidates random_state)"
	refute_line "n_EI_candidates"
}

@test "neovim applies a misplaced block's move as --fix does" {
	local f=$BATS_TEST_TMPDIR/exp.yaml
	cp "$TESTS_DIR/data/move-hints/containers-in-template.yaml" "$f"
	neovim "$f" LSP_FIX=job-field-unknown
	# Two blocks are misplaced; one action moves the first of them, and
	# the second is moved by the next action, as by --fix's next pass.
	assert_line "action: moved 'containers' into a new 'spec:' in 'template'"
	neovim "$f" LSP_FIX=job-field-unknown
	assert_line "action: moved 'restartPolicy' into 'spec'"
	cmp "$f" "$TESTS_DIR/data/move-hints/fixed/containers-in-template.yaml"
}
