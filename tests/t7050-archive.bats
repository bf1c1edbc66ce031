#!/usr/bin/env bats
# The .tar.gz writer (src/archive.c) through katib-test-tool tar, checked
# with the system's gzip and tar: what a bundle's reader will use.

bats_require_minimum_version 1.5.0
load lib/common

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	mkdir in
	printf 'kind: Pod\nmetadata: {name: p}\n' > in/pod.yaml
	: > in/empty
	head -c 512 /dev/zero | tr '\0' 'x' > in/exact512
	head -c 5242880 /dev/urandom > in/random.bin
	for i in $(seq 3000); do echo "I0102 10:00:00 train.py:42] epoch $i loss=0.$i"; done > in/train.log
	chmod 0640 in/pod.yaml
	chmod 0644 in/empty in/random.bin in/train.log
	chmod 0755 in/exact512
	LONG=$(printf 'dir-567890/%.0s' $(seq 14))long-file-name-0123456789012345678901234567890123456789.yaml
}

@test "archive: gzip and tar read what the writer wrote" {
	run "$KATIB_TEST_TOOL" tar out.tar.gz scenario/ scenario/pod.yaml=in/pod.yaml \
		scenario/empty=in/empty scenario/exact512=in/exact512 \
		scenario/random.bin=in/random.bin scenario/logs/train.log=in/train.log \
		"$LONG=in/pod.yaml"
	assert_success
	run gzip -t out.tar.gz
	assert_success
	TZ=UTC run tar -tzvf out.tar.gz
	assert_success
	assert_line --regexp '^drwxr-xr-x root/root +0 2023-11-14 22:13 scenario/$'
	assert_line --regexp '^-rw-r----- root/root +30 .* scenario/pod\.yaml$'
	assert_line --regexp '^-rw-r--r-- root/root +0 .* scenario/empty$'
	assert_line --regexp '^-rwxr-xr-x root/root +512 .* scenario/exact512$'
	assert_line --regexp '^-rw-r--r-- root/root +5242880 .* scenario/random\.bin$'
	assert_line --regexp " $LONG\$"
	mkdir x
	tar -xzf out.tar.gz -C x
	cmp in/pod.yaml x/scenario/pod.yaml
	cmp in/empty x/scenario/empty
	cmp in/exact512 x/scenario/exact512
	cmp in/random.bin x/scenario/random.bin
	cmp in/train.log x/scenario/logs/train.log
	cmp in/pod.yaml "x/$LONG"
}

@test "archive: the result has mode 0600 and no temporary is left" {
	run "$KATIB_TEST_TOOL" tar out.tar.gz a.log=in/train.log
	assert_success
	[ "$(stat -c %a out.tar.gz)" = 600 ]
	run ls -A
	assert_output "$(printf 'in\nout.tar.gz')"
}

@test "archive: text compresses, and the same input gives the same bytes" {
	"$KATIB_TEST_TOOL" tar one.tar.gz train.log=in/train.log
	sleep 1
	"$KATIB_TEST_TOOL" tar two.tar.gz train.log=in/train.log
	cmp one.tar.gz two.tar.gz
	size=$(stat -c %s one.tar.gz)
	orig=$(stat -c %s in/train.log)
	[ "$((orig / size))" -ge 3 ]
}

@test "archive: a '../x' name is refused and leaves no file behind" {
	run "$KATIB_TEST_TOOL" tar out.tar.gz ok=in/pod.yaml ../x=in/pod.yaml
	assert_failure 1
	assert_output "error: cannot archive '../x': a '..' component"
	run ls -A
	assert_output in
}

@test "archive: an existing archive is only replaced by a complete one" {
	echo old > out.tar.gz
	run "$KATIB_TEST_TOOL" tar out.tar.gz /abs=in/pod.yaml
	assert_failure 1
	assert_output "error: cannot archive '/abs': an absolute name"
	[ "$(cat out.tar.gz)" = old ]
	run ls -A
	assert_output "$(printf 'in\nout.tar.gz')"
}
