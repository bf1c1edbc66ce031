#!/bin/sh
# Checks the layering rules of HACKING.md that a compiler cannot:
#  - only plugin/ prints or exits (src/alloc.c may, for BUG and OOM);
#  - each third-party library is included by exactly one wrapper file;
#  - src/ never includes plugin/ headers;
#  - nothing runs a shell: no system(), popen(), execl*(), wordexp(), and
#    no exec of sh or bash (banned.h makes most of these compile errors;
#    this also covers files that do not include it).
# Prints each violation and exits 1 if there is any.
set -u
cd "$(dirname "$0")/.." || exit 2
bad=0

report() {
	echo "check-style: $*"
	bad=1
}

for f in $(find src -name '*.[ch]' | sort); do
	case "$f" in src/alloc.c) continue ;; esac
	hits=$(grep -nE '(^|[^_a-z])(printf|fprintf|puts|fputs|putchar|perror|exit)[[:space:]]*\(' "$f" |
		grep -vE '^[0-9]+:[[:space:]]*(/\*|\*)')
	[ -n "$hits" ] && report "$f: only plugin/ prints or exits:
$hits"
	grep -qE '#include "(cmd|output)\.h"' "$f" &&
		report "$f: src/ must not include plugin/ headers"
done

check_wrapper() {
	header=$1 owner=$2 also=${3-}
	for f in $(grep -rlE "#include <$header" src plugin tests replay 2>/dev/null); do
		[ "$f" = "$owner" ] || [ "$f" = "$also" ] ||
			report "$f: includes <$header>; only $owner may"
	done
}
check_wrapper 'yaml\.h' src/doc-yaml.c
check_wrapper 'pcre2\.h' src/re.c
check_wrapper 'cjson/' src/doc-json.c
check_wrapper 'curl/' src/http.c
# libcurl, and libmicrohttpd with GnuTLS, are loaded at run time, each by
# its own wrapper only.
check_wrapper 'dlfcn\.h' src/http.c src/httpd.c
check_wrapper 'microhttpd\.h' src/httpd.c
check_wrapper 'gnutls/' src/httpd.c

# No user-controlled string may ever reach a shell.
for f in $(find src plugin replay tests/helper tests/unit tests/fuzz -name '*.[ch]' 2>/dev/null | sort); do
	case "$f" in src/banned.h) continue ;; esac
	hits=$(grep -nE '(^|[^_a-zA-Z0-9])(system|popen|execl|execlp|execle|wordexp)[[:space:]]*\(|exec[lv]p?e?[[:space:]]*\([[:space:]]*"(/bin/|/usr/bin/)?(ba|da|z|k)?sh"|"(ba|da|z|k)?sh",[[:space:]]*"-c"' "$f" |
		grep -vE '^[0-9]+:[[:space:]]*(/\*|\*)')
	[ -n "$hits" ] && report "$f: runs a shell; run programs with an argv (execvp):
$hits"
done

# replay/ stays an independent oracle: the document layer only, and the
# server (httpd.h) but not the API client (http.h) it would be judging.
for f in replay/*.c; do
	[ -e "$f" ] || continue
	grep -E '#include "(rule|rules/|validate|kube|http|diag)' "$f" |
		grep -qvE '#include "httpd\.h"' &&
		report "$f: replay/ may use only the base and document layers of src/ and httpd.h"
done

exit $bad
