/*
 * textdiff.h: a unified diff (diff -u, three lines of context) between
 * two texts, as `validate --fix --diff` shows what it would change.
 */
#ifndef KATIB_SRC_TEXTDIFF_H
#define KATIB_SRC_TEXTDIFF_H

#include <stddef.h>

struct buf;

/*
 * Appends to out the unified diff turning a (alen bytes, labelled
 * name_a) into b (name_b): nothing when they are equal.  A text whose
 * last line has no line break gets diff's "\ No newline at end of file".
 */
void textdiff_unified(const char *a, size_t alen, const char *b, size_t blen,
		      const char *name_a, const char *name_b, struct buf *out);

#endif
