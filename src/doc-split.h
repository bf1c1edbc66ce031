/*
 * doc-split.h: reads one large YAML document on two threads.
 *
 * A recording's search of 10,000 Trials is one 7 MB List, and libyaml's
 * parse of it alone took longer than status's whole budget: parsing is
 * serial, and the machine has a second core.  A List as kubectl writes
 * it is a root map whose items are one block sequence, each item starting
 * on a line of its own ("- " at the sequence's column).  Such a line past
 * the middle splits the text: the first part ends there (the sequence's
 * first items), the second starts there behind a one-line key of its own
 * ("x:\n"), which gives libyaml the same indentation context the line had
 * in the whole document, so the second part's items parse as they would
 * have.  Each part is read by the ordinary reader, one on a thread of its
 * own, and the second part's items and the root's later keys are joined
 * to the first part's tree, their positions moved to the whole text's.
 *
 * Nothing is guessed: a part that does not read cleanly as exactly the
 * expected shape (a line inside a quoted scalar or a flow collection makes
 * the first part end inside it; an alias to an anchor of the other part,
 * an undefined tag handle, a second document, a repeated or merge key at
 * the root) makes doc_read_split() decline, and the caller reads the text
 * serially, so that every error and every limit is reported exactly as the
 * serial reader reports it.  tests/unit/t-doc-split.c compares the two
 * readers' trees node by node.
 */
#ifndef KATIB_SRC_DOC_SPLIT_H
#define KATIB_SRC_DOC_SPLIT_H

#include <stddef.h>

#include "doc.h"
#include "doc-yaml.h"

/*
 * Below this a second thread costs more than it saves (starting it and
 * copying the second part against 0.1 ms of parsing per 4 KiB).
 */
#define DOC_SPLIT_MIN_BYTES ((size_t)1 << 20)

/*
 * Reads data (one YAML document, len bytes, named name in messages) on two
 * threads as above, under the limits lim.  Returns 1 with *out set to the
 * document (no source text kept: doc->text is NULL, as with
 * doc_reader_drop_text()), or 0 with *out NULL when the text has not that
 * shape, or either part is not read cleanly: the caller then reads it
 * with doc_reader_next().  Any size is accepted; callers skip texts under
 * DOC_SPLIT_MIN_BYTES.
 */
int doc_read_split(struct doc **out, const char *name, const char *data,
		   size_t len, const struct doc_limits *lim);

/*
 * Where doc_read_split() would cut data: the offset of the line it would
 * start the second part with, and that line's dash column (0-based) in
 * *indent; 0 when there is no such line, or a line after the first starts
 * with "---" or "..." (a second document, most likely).  For tests.
 */
size_t doc_split_point(const char *data, size_t len, unsigned *indent);

#endif
