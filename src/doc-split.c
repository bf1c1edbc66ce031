#include "compat.h"
#include "doc-split.h"
#include "alloc.h"
#include "arena.h"

#include <pthread.h>

/*
 * How far past the middle to look for the least indented item line: a
 * recorded Trial is under 1 KiB; an item longer than this only costs the
 * split (a nested sequence's line is picked, and the first part's shape
 * check declines).
 */
#define SPLIT_WINDOW ((size_t)64 << 10)

/* The second part's own key: the root map's, at column 0. */
static const char part_key[] = "x:\n";
#define PART_KEY_LEN (sizeof(part_key) - 1)

/* The offset just past the next newline at or after from, or len. */
static size_t next_line(const char *data, size_t len, size_t from)
{
	const char *nl = memchr(data + from, '\n', len - from);

	return nl ? (size_t)(nl - data) + 1 : len;
}

/* Where the text is cut, and what the second part needs to know of it. */
struct cut {
	size_t at;		/* offset of the cut line; 0: no cut */
	unsigned indent;	/* its dash's column, 0-based */
	uint32_t lines;		/* newlines before it */
};

/*
 * The cut line: the least indented item line ("- " or a dash ending the
 * line) in the window past the middle, the first of them.  Then one pass
 * over every line: a line after the first that starts with "---" or
 * "..." (a document marker, most likely) means no cut, since the split
 * would decline only after reading it all, and a stream of many small
 * documents would be read twice; the same pass counts the lines before
 * the cut, which the second part's positions are moved by.
 */
static void find_cut(const char *data, size_t len, struct cut *cut)
{
	size_t at = next_line(data, len, len / 2);
	size_t end = len - at > SPLIT_WINDOW ? at + SPLIT_WINDOW : len;
	const char *p = data, *stop = data + len;

	memset(cut, 0, sizeof(*cut));
	while (at < end) {
		size_t i = at;

		while (i < len && data[i] == ' ')
			i++;
		/* An item's dash: followed by a space or the line's end. */
		if (i + 1 < len && data[i] == '-' &&
		    (data[i + 1] == ' ' || data[i + 1] == '\n' ||
		     data[i + 1] == '\r') &&
		    (!cut->at || i - at < cut->indent)) {
			cut->at = at;
			cut->indent = (unsigned)(i - at);
			if (!cut->indent)
				break;
		}
		at = next_line(data, len, i);
	}
	if (!cut->at)
		return;
	while ((p = memchr(p, '\n', (size_t)(stop - p)))) {
		if (++p <= data + cut->at)
			cut->lines++;
		if (stop - p >= 3 &&
		    (!memcmp(p, "---", 3) || !memcmp(p, "...", 3))) {
			memset(cut, 0, sizeof(*cut));
			return;
		}
	}
}

size_t doc_split_point(const char *data, size_t len, unsigned *indent)
{
	struct cut cut;

	find_cut(data, len, &cut);
	*indent = cut.indent;
	return cut.at;
}

struct part {
	const char *name;
	const char *data;
	size_t len;
	const struct doc_limits *lim;
	/* The second part's: where it starts in the whole text. */
	const struct cut *cut;
	struct doc *doc;	/* NULL unless read cleanly as one document */
};

static void move_positions(struct doc_node *root, uint32_t lines, uint64_t off)
{
	struct doc_node *n = root;

	/* Depth first without a stack: the tree has parent links. */
	while (n) {
		if (n->span.start.line) {
			n->span.start.line += lines;
			n->span.end.line += lines;
			if (n->span.start.off != POS_NO_OFFSET)
				n->span.start.off += off;
		}
		if (n->key_span.start.line) {
			n->key_span.start.line += lines;
			n->key_span.end.line += lines;
			if (n->key_span.start.off != POS_NO_OFFSET)
				n->key_span.start.off += off;
		}
		if (n->child) {
			n = n->child;
			continue;
		}
		/* Up to the nearest ancestor with a next sibling, below root. */
		while (n != root && !n->next)
			n = n->parent;
		n = n != root ? n->next : NULL;
	}
}

static void read_part(struct part *p)
{
	struct doc_reader *r;
	struct doc *d = NULL, *more = NULL;
	struct fail f = FAIL_INIT;

	doc_reader_open_mem(&r, p->name, p->data, p->len, p->lim);
	doc_reader_drop_text(r);
	/*
	 * One document, read without error (so with a root).  A second one
	 * may start after a lone CR, which find_cut() does not see as a line.
	 */
	if (doc_reader_next(r, &d, &f) > 0 && !d->error &&
	    doc_reader_next(r, &more, &f) == 0) {
		p->doc = d;
		d = NULL;
	}
	doc_free(more);
	doc_free(d);
	doc_reader_free(r);
	fail_clear(&f);
	/* Its line 1 is its own "x:", its line 2 the whole text's lines + 1. */
	if (p->doc && p->cut)
		move_positions(p->doc->root, p->cut->lines - 1,
			       (uint64_t)p->cut->at - PART_KEY_LEN);
}

static void *read_second_part(void *arg)
{
	read_part(arg);
	/* The thread ends here: the blocks it kept for reuse with it. */
	arena_drop_spare();
	return NULL;
}

static int same_key(const struct doc_node *a, const struct doc_node *b)
{
	return a->key && b->key && a->key_len == b->key_len &&
	       !memcmp(a->key, b->key, a->key_len);
}

/*
 * Whether the parts join into what the serial reader would read: the first
 * ends with the root map's last key holding a block sequence at the cut
 * line's column; the second is that column's sequence under its own key,
 * then root keys the first part does not have.  (The first part's last
 * key is its sequence's own: root keys merged in would come after it.)
 */
static int parts_join(const struct doc *a, const struct doc *b,
		      const char *data, unsigned indent,
		      const struct doc_limits *lim)
{
	const struct doc_node *seq = a->root->last, *x = b->root->child, *c, *k;

	/*
	 * The first part's last key must hold the sequence the cut line's
	 * item continues: a block one (a flow one closed before a dash line
	 * is an error only the whole text shows) at the line's column.
	 */
	if (a->root->kind != DOC_MAP || a->root->span.start.col != 1 ||
	    !seq || seq->kind != DOC_SEQ ||
	    seq->span.start.col != indent + 1 ||
	    data[seq->span.start.off] != '-')
		return 0;
	/*
	 * (The second part needs no such check: "x:" then an item line at
	 * that column is read as a sequence there, or not at all.)
	 *
	 * A merge key at the root adds its keys after the root's own, which
	 * only the whole text has: its copies (from_alias) end the split.
	 */
	for (k = a->root->child; k; k = k->next)
		if (k->from_alias)
			return 0;
	for (c = x->next; c; c = c->next) {
		if (same_key(c, x) || c->from_alias)
			return 0;
		for (k = a->root->child; k; k = k->next)
			if (same_key(c, k))
				return 0;
	}
	return a->nr_nodes + b->nr_nodes - 2 <= lim->max_nodes &&
	       a->nr_alias_nodes + b->nr_alias_nodes <= lim->max_alias_nodes;
}

static void join(struct doc *a, struct doc *b)
{
	struct doc_node *seq = a->root->last, *x = b->root->child, *c, *next;

	for (c = x->child; c; c = next) {
		next = c->next;
		c->next = NULL;
		doc_node_append(seq, c);
	}
	seq->span.end = x->span.end;
	for (c = x->next; c; c = next) {
		next = c->next;
		c->next = NULL;
		doc_node_append(a->root, c);
	}
	a->root->span.end = b->root->span.end;
	a->nr_nodes += b->nr_nodes - 2;
	a->nr_alias_nodes += b->nr_alias_nodes;
	a->has_duplicates |= b->has_duplicates;
	a->part = b;
}

int doc_read_split(struct doc **out, const char *name, const char *data,
		   size_t len, const struct doc_limits *lim)
{
	struct cut cut;
	struct part first = { .name = name, .data = data, .lim = lim };
	struct part second;
	char *text;
	pthread_t thread;

	*out = NULL;
	/* Limits on the whole text are the serial reader's to report. */
	if ((lim->max_file_bytes && len > lim->max_file_bytes) ||
	    (lim->max_doc_bytes && len > lim->max_doc_bytes))
		return 0;
	find_cut(data, len, &cut);
	if (!cut.at)
		return 0;
	first.len = cut.at;
	text = xmalloc(PART_KEY_LEN + len - cut.at);
	memcpy(text, part_key, PART_KEY_LEN);
	memcpy(text + PART_KEY_LEN, data + cut.at, len - cut.at);
	second = (struct part){ .name = name, .data = text,
				.len = PART_KEY_LEN + len - cut.at, .lim = lim,
				.cut = &cut };
	if (pthread_create(&thread, NULL, read_second_part, &second)) {
		free(text);
		return 0;
	}
	read_part(&first);
	pthread_join(thread, NULL);
	free(text);
	if (first.doc && second.doc &&
	    parts_join(first.doc, second.doc, data, cut.indent, lim)) {
		join(first.doc, second.doc);
		*out = first.doc;
		return 1;
	}
	doc_free(first.doc);
	doc_free(second.doc);
	return 0;
}
