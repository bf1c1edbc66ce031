#!/usr/bin/env bats
# `completion fish`: a real fish completes with the script, as a person
# pressing Tab would see it (`complete -C` lists what fish would offer).
# Candidates come from __complete, so they are the ones bash and zsh get
# (tests/t0300-completion.bats).

bats_require_minimum_version 1.5.0
load lib/common

setup() {
	if ! command -v fish > /dev/null; then
		# scripts/install-deps installs it; CI must not pass by skipping.
		if [ "${CI:-}" = true ]; then
			echo "fish is missing: run scripts/install-deps (Debian package fish)" >&2
			return 1
		fi
		skip "FISH IS NOT INSTALLED: the fish completion tests did not run (scripts/install-deps)"
	fi
	mkdir -p "$BATS_TEST_TMPDIR/bin" "$BATS_TEST_TMPDIR/proj/sub dir" "$BATS_TEST_TMPDIR/proj/deploy"
	ln -s "$KATIB_BIN" "$BATS_TEST_TMPDIR/bin/kubectl-katib"
	katib completion fish > "$BATS_TEST_TMPDIR/katib.fish"
	touch "$BATS_TEST_TMPDIR/proj/"{e.yaml,f.yml,g.json,notes.txt,"sub dir/h.yaml"}
}

# fish_complete LINE...: what fish offers for each LINE, after "[LINE]",
# on one line (fish sorts them; a tab before a description is "_").
fish_complete() {
	local l script="source $BATS_TEST_TMPDIR/katib.fish"

	for l in "$@"; do
		script+=$'\n'"echo '[$l]'; complete -C '$l'"
	done
	cd "$BATS_TEST_TMPDIR/proj" || return 1
	HOME=$BATS_TEST_TMPDIR XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/config \
	XDG_DATA_HOME=$BATS_TEST_TMPDIR/data PATH="$BATS_TEST_TMPDIR/bin:$PATH" \
		run --separate-stderr fish --no-config -c "$script"
	[ "$status" -eq 0 ] || { echo "fish: exit $status: $stderr"; return 1; }
	[ -z "$stderr" ] || { echo "fish: $stderr"; return 1; }
	output=$(printf '%s\n' "${lines[@]}" | tr '\t\n' '_ ')
}

@test "completion fish completes commands, options and their values" {
	fish_complete "kubectl-katib val" "kubectl-katib validate --stri" \
		"kubectl-katib validate -o " "kubectl-katib validate --output=j" \
		"kubectl-katib create --trial-kind P" "kubectl-katib validate --rule name-inv" \
		"kubectl-katib explain experiment.spec.objective.ty" "kubectl-katib completion "
	assert_output '[kubectl-katib val] validate [kubectl-katib validate --stri] --strict [kubectl-katib validate -o ] github json junit sarif text [kubectl-katib validate --output=j] --output=json --output=junit [kubectl-katib create --trial-kind P] PyTorchJob [kubectl-katib validate --rule name-inv] name-invalid= [kubectl-katib explain experiment.spec.objective.ty] experiment.spec.objective.type [kubectl-katib completion ] bash fish zsh '
}

@test "completion fish offers manifests and directories where __complete says so" {
	fish_complete "kubectl-katib validate " "kubectl-katib validate -q sub" \
		"kubectl-katib explain --from " "kubectl-katib validate --kubeconfig n" \
		"kubectl-katib create --image "
	# Only YAML and JSON files, and directories, for a manifest; only
	# directories for --from; any file for --kubeconfig; nothing for an
	# image.
	assert_output '[kubectl-katib validate ] deploy/ e.yaml f.yml g.json sub dir/ [kubectl-katib validate -q sub] sub dir/ [kubectl-katib explain --from ] deploy/_Directory sub dir/_Directory [kubectl-katib validate --kubeconfig n] notes.txt [kubectl-katib create --image ] '
}

@test "completion fish completes inside a directory whose name is escaped or quoted" {
	fish_complete 'kubectl-katib validate sub\ dir/' 'kubectl-katib validate "sub dir/'
	assert_output '[kubectl-katib validate sub\ dir/] sub dir/h.yaml [kubectl-katib validate "sub dir/] sub dir/h.yaml '
}

@test "completion fish completes a subcommand's options from its own table" {
	fish_complete "kubectl-katib repro record --re" "kubectl-katib repro replay --we"
	assert_output '[kubectl-katib repro record --re] --redact --request-timeout [kubectl-katib repro replay --we] --webhook --webhook-ca '
}

@test "completion fish prints a script fish reads, and names how to load it" {
	run -0 katib completion fish
	assert_line --index 0 '# fish completion for kubectl-katib: kubectl-katib completion fish | source'
	run -0 fish --no-config -n "$BATS_TEST_TMPDIR/katib.fish"
}
