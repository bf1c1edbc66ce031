/*
 * fix.h: turns the fixes findings carry (struct diag_fix) into text edits
 * of the source, and applies them.  One engine serves `validate --fix`
 * and the language server's code actions.
 *
 * An edit replaces bytes of the source as written, so comments, quoting
 * style and indentation outside the edited value stay as they were.  A
 * fix whose text cannot be edited with certainty (a flow map, a block
 * scalar, a key that already exists) yields no edit.
 */
#ifndef KATIB_SRC_FIX_H
#define KATIB_SRC_FIX_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "pos.h"

struct buf;
struct diag;
struct diag_list;
struct doc;
struct doc_limits;
struct katib_config;

struct fix_edit {
	uint64_t off;		/* byte offset in the source */
	size_t len;		/* bytes replaced; 0 for an insertion */
	const char *text;	/* what replaces them */
	size_t group;		/* edits of one fix share a group */
};

struct fix_list {
	struct arena arena;	/* owns the edits' text */
	struct fix_edit *edit;
	size_t nr, alloc;
	size_t groups;
};

#define FIX_LIST_INIT { ARENA_INIT, NULL, 0, 0, 0 }

/*
 * Whether e only claims its place: an empty edit a fix adds at the start
 * of a map it adds to, so that two such fixes clash; it changes nothing
 * and is not sent to an editor.
 */
int fix_edit_is_claim(const struct fix_edit *e);

void fix_list_release(struct fix_list *list);

/*
 * Appends the edits that make d's fix in doc as a new group of list.
 * Positions are those of doc's nodes: byte offsets of the stream doc was
 * read from, whose bytes from doc->text_off on are doc->text.  Returns the
 * number of edits added: 0 when d has no fix or it cannot be made here.
 */
size_t fix_diag(struct fix_list *list, const struct doc *doc,
		const struct diag *d);

/*
 * What d's fix does, in one line ("renamed the key to 'maxTrialCount'"),
 * appended to out.
 */
void fix_describe(const struct diag *d, struct buf *out);

/*
 * Writes text (len bytes, stream offset 0) with the edits of list applied
 * to out.  A group whose edits overlap those of an earlier group is left
 * out (a later pass over the result makes it); applied[g] is set to 1 for
 * each group g applied when applied is not NULL (list->groups entries).
 * Returns the number of groups applied.
 */
size_t fix_apply(const struct fix_list *list, const char *text, size_t len,
		 struct buf *out, unsigned char *applied);

/* A fix fix_text() made. */
struct fix_done {
	const char *rule_id;	/* static */
	struct pos at;		/* the finding, in the text of its pass */
	const char *what;	/* fix_describe(), in the run's arena */
	size_t group;		/* its edits' group in its pass */
};

struct fix_run {
	struct arena arena;
	struct fix_done *done;
	size_t nr, alloc;
	unsigned passes;	/* passes that changed the text */
};

#define FIX_RUN_INIT { ARENA_INIT, NULL, 0, 0, 0 }

void fix_run_release(struct fix_run *run);

/*
 * Validates the stream text (len bytes, called name) with config and the
 * severities of diags->overrides, and applies every fix of its findings,
 * pass after pass until a pass finds nothing more to fix (fixes that
 * touch the same bytes go into separate passes), so that the result
 * has nothing fix_text() would change.  Writes the fixed text to out and
 * records the fixes in run.  Documents that cannot be read are left as
 * they are.  Returns the number of fixes made.
 */
size_t fix_text(const char *name, const char *text, size_t len,
		const struct katib_config *config,
		const struct doc_limits *limits, struct diag_list *diags,
		struct buf *out, struct fix_run *run);

#endif
