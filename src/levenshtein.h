/*
 * levenshtein.h: edit distance, for "did you mean" hints.
 */
#ifndef KATIB_SRC_LEVENSHTEIN_H
#define KATIB_SRC_LEVENSHTEIN_H

#include <stddef.h>

/*
 * The edit distance between a[0..la) and b[0..lb); a change of letter case
 * costs nothing when fold_case is set ("primaryContainername").  Returns
 * SIZE_MAX for strings longer than 63 bytes: no hint is worth that.
 */
size_t levenshtein(const char *a, size_t la, const char *b, size_t lb,
		   int fold_case);

/*
 * The word of the NULL-terminated list that s differs from only in letter
 * case ("TPE" for "tpe"), or NULL: an enumerated value the API compares
 * exactly is then one "did you mean" away, and one certain fix.  NULL too
 * when two words of the list match, since then neither is certain.
 */
const char *case_only_match(const char *s, const char *const *list);

/*
 * The one word of the NULL-terminated list within two edits of s (letter
 * case free), or NULL: none is that close, or two are.
 */
const char *nearest_word(const char *s, const char *const *list);

#endif
