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

void re_release(void);

#endif
