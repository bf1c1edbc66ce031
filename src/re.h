/*
 * re.h: regular expressions, the only file that knows PCRE2.
 *
 * Compiled patterns are cached for the life of the process; re_release()
 * frees the cache (call it before exit so leak checkers stay quiet).
 */
#ifndef KATIB_SRC_RE_H
#define KATIB_SRC_RE_H

#include <stddef.h>

struct buf;

/*
 * Matches pattern against subject (anywhere, like Go's MatchString).
 * Returns 1 on a match, 0 on none, -1 if pattern does not compile.
 */
int re_match(const char *pattern, const char *subject, size_t len);

/*
 * Checks that pattern is a regular expression Go's regexp package (RE2
 * syntax) compiles.  Returns 0, or -1 with the reason appended to why.
 * PCRE2 accepts more than RE2 (look-around, back-references, possessive
 * and atomic groups); those are refused here as Go would refuse them.
 */
int re_check_go(const char *pattern, size_t len, struct buf *why);

/* Number of capturing groups in a valid pattern, or -1. */
int re_groups(const char *pattern, size_t len);

/*
 * A compiled pattern.  re_compile() hands one to the caller, who frees it
 * with re_free(); re_cached() lends one from the process-wide cache, which
 * the caller never frees.  Subjects may be invalid UTF-8 (binary logs): the
 * invalid bytes never match, they do not make matching fail.
 */
struct re;

/* Byte offsets of a match or a group; RE_UNSET when a group took no part. */
struct re_span {
	size_t start, end;
};
#define RE_UNSET ((size_t)-1)

/*
 * Compiles pattern (PCRE2 syntax).  Returns NULL and appends the reason
 * with its offset ("missing closing parenthesis at offset 4") to why.
 */
struct re *re_compile(const char *pattern, size_t len, struct buf *why);
void re_free(struct re *re);
/* The cached compiled form of a constant pattern, NULL if it is invalid. */
const struct re *re_cached(const char *pattern);
int re_capture_count(const struct re *re);

/*
 * Finds the first match of re in subject[from, len).  On a match returns 1
 * and fills m[0] with the whole match and m[1..nr-1] with the capturing
 * groups (RE_UNSET beyond the pattern's groups).  Returns 0 when there is
 * none, -1 when matching gave up (PCRE2's match or depth limit), so that a
 * caller that must not miss a match can tell "none" from "unknown".
 * Lookbehind and \b see the bytes before from.
 */
int re_find(const struct re *re, const char *subject, size_t len, size_t from,
	    struct re_span *m, size_t nr);

void re_release(void);

#endif
