/*
 * fix.c: text edits for the fixes findings carry (see fix.h).
 */
#include "compat.h"
#include "fix.h"
#include "alloc.h"
#include "buf.h"
#include "diag.h"
#include "doc.h"
#include "doc-yaml.h"
#include "rule.h"
#include "validate.h"

/* Indentation a new nested map gets when none is there to copy. */
#define DEFAULT_STEP 2

void fix_list_release(struct fix_list *list)
{
	arena_release(&list->arena);
	free(list->edit);
	list->edit = NULL;
	list->nr = list->alloc = list->groups = 0;
}

/* The source of doc, as offsets of the stream. */
struct source {
	const char *text;
	uint64_t base;		/* stream offset of text[0] */
	uint64_t end;		/* stream offset after the last byte */
};

static int source_byte(const struct source *s, uint64_t off)
{
	if (off < s->base || off >= s->end)
		return -1;
	return (unsigned char)s->text[off - s->base];
}

/*
 * The stream offset of position to, walking from from (which has an
 * offset): columns count code points, as pos.h says.  Returns -1 when the
 * walk leaves the source.
 */
static int64_t offset_of(const struct source *s, struct pos from, struct line_col to)
{
	uint64_t off = from.off;
	uint32_t line = from.line, col = from.col;

	while (line < to.line || (line == to.line && col < to.col)) {
		int c = source_byte(s, off);

		if (c < 0)
			return -1;
		off++;
		if (c == '\n') {
			line++;
			col = 1;
			continue;
		}
		while (source_byte(s, off) >= 0 &&
		       (source_byte(s, off) & 0xc0) == 0x80)
			off++;
		col++;
	}
	if (line != to.line || col != to.col)
		return -1;
	return (int64_t)off;
}

static uint64_t line_start(const struct source *s, uint64_t off)
{
	while (off > s->base && source_byte(s, off - 1) != '\n')
		off--;
	return off;
}

/*
 * The node of the tree whose value starts at at (not a copy of an alias);
 * with map set, only a map will do.
 */
static const struct doc_node *find_node(const struct doc_node *n, struct pos at,
					int map)
{
	const struct doc_node *c, *found;

	if (!n->from_alias && n->span.start.line == at.line &&
	    n->span.start.col == at.col && n->span.start.off == at.off &&
	    (!map || n->kind == DOC_MAP))
		return n;
	for (c = n->child; c; c = c->next) {
		/* Only a subtree that spans at can hold it. */
		if (c->span.start.line > at.line)
			continue;
		found = find_node(c, at, map);
		if (found)
			return found;
	}
	return NULL;
}

/* Whether text written plain would read back as the string text. */
static int plain_ok(const char *text)
{
	size_t n = strlen(text);

	if (!n || doc_yaml_plain_kind(text, n) != DOC_STR)
		return 0;
	if (strchr("-?:,[]{}#&*!|>'\"%@` ", text[0]) || text[n - 1] == ' ')
		return 0;
	return !strstr(text, ": ") && !strstr(text, " #") &&
	       text[n - 1] != ':' && !strpbrk(text, "\t\n\r");
}

/* text as a YAML scalar that reads back as the string text. */
static void add_scalar(struct buf *out, const char *text, int quote)
{
	const char *p;

	if (!quote && plain_ok(text)) {
		buf_adds(out, text);
		return;
	}
	if (quote == '\'' && !strpbrk(text, "'\n")) {
		buf_addf(out, "'%s'", text);
		return;
	}
	buf_addch(out, '"');
	for (p = text; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_addch(out, '\\');
		buf_addch(out, *p);
	}
	buf_addch(out, '"');
}

static void add_edit(struct fix_list *list, uint64_t off, size_t len,
		     const char *text, size_t n)
{
	struct fix_edit *e;

	ALLOC_GROW(list->edit, list->nr + 1, list->alloc);
	e = &list->edit[list->nr++];
	e->off = off;
	e->len = len;
	e->text = arena_strndup(&list->arena, text, n);
	e->group = list->groups;
}

/*
 * The byte range of a single-line scalar (with its quotes): the only kind
 * of value a fix rewrites.  Returns the quote character (0 when plain) or
 * -1 when the value is not such a scalar.
 */
static int scalar_range(const struct source *s, const struct doc_node *n,
			struct span span, uint64_t *start, uint64_t *end)
{
	int64_t e;
	int c;

	if (n->kind == DOC_MAP || n->kind == DOC_SEQ ||
	    span.start.line != span.end.line || span.start.off == POS_NO_OFFSET)
		return -1;
	e = offset_of(s, span.start, span.end);
	c = source_byte(s, span.start.off);
	if (e < 0 || c < 0 || c == '|' || c == '>' || c == '&' || c == '*' ||
	    c == '!')
		return -1;
	*start = span.start.off;
	*end = (uint64_t)e;
	if (c == '"' || c == '\'')
		return source_byte(s, *end - 1) == c && *end - *start >= 2 ? c : -1;
	return 0;
}

static size_t fix_scalar(struct fix_list *list, const struct source *s,
			 const struct doc_node *n, struct span span,
			 const char *text)
{
	uint64_t start, end;
	int q = scalar_range(s, n, span, &start, &end);
	struct buf b = BUF_INIT;

	if (q < 0)
		return 0;
	add_scalar(&b, text, q);
	add_edit(list, start, end - start, b.buf, b.len);
	buf_release(&b);
	return 1;
}

/* The map's children are in block style, one key a line. */
static int block_map(const struct source *s, const struct doc_node *map)
{
	return map && map->kind == DOC_MAP && map->child &&
	       source_byte(s, map->span.start.off) != '{' &&
	       map->child->key_span.start.off != POS_NO_OFFSET;
}

static void add_spaces(struct buf *b, size_t n)
{
	while (n--)
		buf_addch(b, ' ');
}

/*
 * An empty edit at the start of map: it changes nothing, but two fixes
 * that add to one map both make it, so only one is applied a pass and
 * the next pass sees what the first added (no key added twice).
 */
static void claim_map(struct fix_list *list, const struct doc_node *map)
{
	add_edit(list, map->span.start.off, 0, "", 0);
}

/* The offset just past off's line: after its line break, or the end. */
static uint64_t line_end(const struct source *s, uint64_t off)
{
	while (source_byte(s, off) >= 0 && source_byte(s, off) != '\n')
		off++;
	return source_byte(s, off) < 0 ? off : off + 1;
}

/*
 * Inserts lines (each ending in a line break) at at: the start of a line,
 * or the end of a file whose last line has no break; then they go after
 * a break of their own, and the file still ends without one.
 */
static void insert_lines(struct fix_list *list, const struct source *s,
			 uint64_t at, const struct buf *lines)
{
	struct buf b = BUF_INIT;

	if (source_byte(s, at) >= 0 || at == s->base ||
	    source_byte(s, at - 1) == '\n') {
		add_edit(list, at, 0, lines->buf, lines->len);
		return;
	}
	buf_addch(&b, '\n');
	buf_add(&b, lines->buf, lines->len - 1);
	add_edit(list, at, 0, b.buf, b.len);
	buf_release(&b);
}

/*
 * FIX_ADD_ENTRY: key: text in the map under the target, the maps named
 * by under created where missing.  The lines go before the map's first
 * entry when that starts its line, else after the first entry's line,
 * at the first entry's indentation.
 */
static size_t fix_add_entry(struct fix_list *list, const struct source *s,
			    const struct doc_node *map, const char *under,
			    const char *key, const char *text)
{
	const char *missing = NULL;
	const struct doc_node *first, *c;
	struct buf b = BUF_INIT;
	uint64_t at, ls, off;
	size_t indent, step = DEFAULT_STEP, depth = 0;
	char name[256];

	while (*under) {
		const char *dot = strchr(under, '.');
		size_t n = dot ? (size_t)(dot - under) : strlen(under);
		const struct doc_node *next;

		if (n >= sizeof(name))
			return 0;
		memcpy(name, under, n);
		name[n] = '\0';
		if (!block_map(s, map))
			return 0;
		next = doc_get(map, name);
		if (!next) {
			missing = under;
			break;
		}
		/* An empty or scalar value there: not certain what was meant. */
		if (next->kind != DOC_MAP)
			return 0;
		if (map->child->kind == DOC_MAP && block_map(s, next) &&
		    next->child->key_span.start.col > map->child->key_span.start.col)
			step = next->child->key_span.start.col -
			       map->child->key_span.start.col;
		map = next;
		under += n + !!dot;
	}
	if (!block_map(s, map) || (!missing && doc_get(map, key)))
		return 0;
	first = map->child;
	for (c = first; c; c = c->next)
		if (c->kind == DOC_MAP && block_map(s, c) &&
		    c->child->key_span.start.col > c->key_span.start.col) {
			step = c->child->key_span.start.col - c->key_span.start.col;
			break;
		}
	indent = first->key_span.start.col - 1;
	ls = line_start(s, first->key_span.start.off);
	for (off = ls; off < first->key_span.start.off; off++)
		if (source_byte(s, off) != ' ')
			break;
	if (off == first->key_span.start.off) {
		at = ls;
	} else {
		int64_t e;

		/* "- name: x": the entry shares its line; go after it. */
		if (first->span.start.line != first->key_span.start.line ||
		    first->span.end.line != first->span.start.line ||
		    first->kind == DOC_MAP || first->kind == DOC_SEQ)
			return 0;
		e = offset_of(s, first->span.start, first->span.end);
		if (e < 0)
			return 0;
		at = line_end(s, (uint64_t)e);
	}
	while (missing && *missing) {
		const char *dot = strchr(missing, '.');
		size_t n = dot ? (size_t)(dot - missing) : strlen(missing);

		add_spaces(&b, indent + depth * step);
		buf_add(&b, missing, n);
		buf_adds(&b, ":\n");
		depth++;
		missing += n + !!dot;
	}
	add_spaces(&b, indent + depth * step);
	add_scalar(&b, key, 0);
	buf_adds(&b, ": ");
	add_scalar(&b, text, 0);
	buf_addch(&b, '\n');
	insert_lines(list, s, at, &b);
	claim_map(list, map);
	buf_release(&b);
	return 2;
}

/* A collection written in flow style: {...} or [...]. */
static int flow(const struct source *s, const struct doc_node *n)
{
	int c = source_byte(s, n->span.start.off);

	return c == '{' || c == '[';
}

/*
 * The line an entry's text ends on: where its last scalar or flow
 * collection ends.  0 when that is not certain: a block scalar's end mark
 * lies past its trailing lines, and an empty value's at the next token.
 */
static uint32_t last_line(const struct source *s, const struct doc_node *n)
{
	int c;

	while ((n->kind == DOC_MAP || n->kind == DOC_SEQ) && n->last &&
	       !flow(s, n))
		n = n->last;
	c = source_byte(s, n->span.start.off);
	if (c == '|' || c == '>')
		return 0;
	if (n->kind == DOC_NULL && !n->len && !n->quoted)
		return n->key ? n->key_span.end.line : 0;
	return n->span.end.line;
}

/*
 * The bytes of the entry n (its key line to its last line, with the line
 * break): [*start, *end).  Returns 0 when they are not certain.
 */
static int entry_range(const struct source *s, const struct doc_node *n,
		       uint64_t *start, uint64_t *end)
{
	uint32_t last = last_line(s, n), line = n->key_span.start.line;
	uint64_t off = n->key_span.start.off;

	if (!n->key || !last || off == POS_NO_OFFSET || last < line)
		return 0;
	*start = line_start(s, off);
	for (; line < last; line++) {
		off = line_end(s, off);
		if (source_byte(s, off) < 0)
			return 0;
	}
	*end = line_end(s, off);
	return 1;
}

/*
 * Whether the entry n reads the same anywhere once re-indented: no
 * anchor, alias, tag, merge key or block scalar, whose meaning or
 * indentation an edit of whole lines could change, and every scalar on
 * one line.
 */
static int movable(const struct source *s, const struct doc_node *n)
{
	const struct doc_node *c;
	int b;

	if (n->from_alias || n->span.start.off == POS_NO_OFFSET)
		return 0;
	if (n->key) {
		b = source_byte(s, n->key_span.start.off);
		if (b < 0 || strchr("&*!?|>", b) || !strcmp(n->key, "<<") ||
		    n->key_span.start.line != n->key_span.end.line)
			return 0;
	}
	b = source_byte(s, n->span.start.off);
	if (b < 0 || strchr("&*!|>", b))
		return 0;
	if ((n->kind != DOC_MAP && n->kind != DOC_SEQ) || flow(s, n))
		return n->span.start.line == n->span.end.line;
	for (c = n->child; c; c = c->next)
		if (!movable(s, c))
			return 0;
	return 1;
}

/*
 * The lines [start, end) moved from indentation from to indentation to;
 * blank lines stay blank.  The result ends with a line break.
 */
static void reindent(struct buf *b, const struct source *s, uint64_t start,
		     uint64_t end, size_t from, size_t to)
{
	uint64_t off = start, e;
	size_t lead;

	while (off < end) {
		for (lead = 0; source_byte(s, off + lead) == ' '; lead++)
			;
		e = line_end(s, off);
		if (source_byte(s, off + lead) == '\n' || off + lead >= end) {
			buf_addch(b, '\n');
			off = e;
			continue;
		}
		add_spaces(b, to);
		off += lead < from ? lead : from;
		buf_add(b, s->text + (off - s->base), e - off);
		off = e;
	}
	if (!b->len || b->buf[b->len - 1] != '\n')
		buf_addch(b, '\n');
}

/*
 * The indentation one level of nesting adds in this file, read off the
 * nearest enclosing map written below its key.
 */
static size_t nested_step(const struct doc_node *n)
{
	const struct doc_node *m;

	for (m = n->parent; m; m = m->parent)
		if (m->kind == DOC_MAP && m->key && m->child &&
		    m->child->key_span.start.line > m->key_span.start.line &&
		    m->child->key_span.start.col > m->key_span.start.col)
			return m->child->key_span.start.col - m->key_span.start.col;
	return DEFAULT_STEP;
}

/*
 * Comment lines right above an entry, at its indentation, speak of it:
 * they move with it.  Returns where its lines then start.
 */
static uint64_t with_comments_above(const struct source *s, uint64_t start,
				    size_t indent)
{
	while (start > s->base) {
		uint64_t prev = line_start(s, start - 1);
		size_t lead = 0;

		while (source_byte(s, prev + lead) == ' ')
			lead++;
		if (lead != indent || source_byte(s, prev + lead) != '#')
			break;
		start = prev;
	}
	return start;
}

/* Whether the entry starts its line, so that its lines are its own. */
static int starts_line(const struct source *s, const struct doc_node *n)
{
	uint64_t off;

	for (off = line_start(s, n->key_span.start.off);
	     off < n->key_span.start.off; off++)
		if (source_byte(s, off) != ' ')
			return 0;
	return 1;
}

/*
 * The entry's lines [start, end) into the empty flow map to ("key: {}"):
 * the {} gives way to the lines, one level below to's key.
 */
static size_t into_empty(struct fix_list *list, const struct source *s,
			 const struct doc_node *n, const struct doc_node *to,
			 uint64_t start, uint64_t end)
{
	uint64_t open = to->span.start.off, colon = open, stop;
	int64_t close = offset_of(s, to->span.start, to->span.end);
	struct buf b = BUF_INIT;
	size_t indent;

	if (close < 0 || !to->key || source_byte(s, open) != '{' ||
	    source_byte(s, (uint64_t)close - 1) != '}')
		return 0;
	for (stop = (uint64_t)close; source_byte(s, stop) == ' '; stop++)
		;
	if (source_byte(s, stop) >= 0 && source_byte(s, stop) != '\n')
		return 0;	/* a comment or more after the {} */
	while (colon > s->base && source_byte(s, colon - 1) == ' ')
		colon--;
	if (colon == s->base || source_byte(s, colon - 1) != ':')
		return 0;
	if (colon < end && start < stop)
		return 0;	/* the entry is on the target's own line */
	indent = to->key_span.start.col - 1 + nested_step(n);
	buf_addch(&b, '\n');
	reindent(&b, s, start, end, n->key_span.start.col - 1, indent);
	b.len--;		/* the line break after {} stays */
	add_edit(list, colon, stop - colon, b.buf, b.len);
	add_edit(list, start, end - start, "", 0);
	buf_release(&b);
	return 2;
}

/*
 * FIX_MOVE: the entry n's lines leave its map for the map to, re-indented
 * to to's entries, after its last one; with key, a new key: made where n
 * was holds them.  Refused where the result is not certain: an entry
 * that shares its line, a map it would leave empty or that is written in
 * flow style (its lines end in its commas and braces), a target that
 * already has the key or is not written as a block.
 */
static size_t fix_move(struct fix_list *list, const struct source *s,
		       const struct doc *doc, const struct diag_fix *fx)
{
	const struct doc_node *n = find_node(doc->root, fx->at, 0);
	const struct doc_node *to = find_node(doc->root, fx->to, 1), *up;
	uint64_t start, end, at, last_start;
	size_t from, before = list->nr;
	struct buf b = BUF_INIT;

	if (!n || !to || !n->key || !block_map(s, n->parent) ||
	    n->parent->nr_children < 2 || !movable(s, n) ||
	    !starts_line(s, n) || !entry_range(s, n, &start, &end))
		return 0;
	for (up = to; up; up = up->parent)
		if (up == n)
			return 0;	/* not into itself */
	from = n->key_span.start.col - 1;
	start = with_comments_above(s, start, from);
	if (fx->key) {
		if (to != n->parent || doc_get(to, fx->key))
			return 0;
		add_spaces(&b, from);
		add_scalar(&b, fx->key, 0);
		buf_adds(&b, ":\n");
		reindent(&b, s, start, end, from, from + nested_step(n));
		add_edit(list, start, end - start, b.buf, b.len);
		claim_map(list, to);
		buf_release(&b);
		return list->nr - before;
	}
	if (doc_get(to, n->key))
		return 0;
	if (!to->child)
		return into_empty(list, s, n, to, start, end);
	if (!block_map(s, to) || !entry_range(s, to->last, &last_start, &at) ||
	    (at > start && at < end))
		return 0;
	reindent(&b, s, start, end, from, to->child->key_span.start.col - 1);
	if (at == start) {
		add_edit(list, start, end - start, b.buf, b.len);
	} else {
		add_edit(list, start, end - start, "", 0);
		insert_lines(list, s, at, &b);
	}
	claim_map(list, to);
	buf_release(&b);
	return list->nr - before;
}

size_t fix_diag(struct fix_list *list, const struct doc *doc,
		const struct diag *d)
{
	struct source s;
	const struct doc_node *n;
	uint64_t start, end;
	size_t added = 0;
	int q;

	if (d->fix.kind == FIX_NONE || !doc->root || !doc->text)
		return 0;
	s.text = doc->text;
	s.base = doc->text_off;
	s.end = doc->text_off + doc->len;
	n = find_node(doc->root, d->fix.at, 0);
	if (!n)
		return 0;
	switch (d->fix.kind) {
	case FIX_NONE:
		break;
	case FIX_SET_VALUE:
		if (n->kind == DOC_STR || n->kind == DOC_NULL ||
		    n->kind == DOC_BOOL || n->kind == DOC_INT ||
		    n->kind == DOC_FLOAT)
			added = fix_scalar(list, &s, n, n->span, d->fix.text);
		break;
	case FIX_RENAME_KEY:
		if (n->key && n->key_span.start.line)
			added = fix_scalar(list, &s, n, n->key_span, d->fix.text);
		break;
	case FIX_QUOTE:
		q = scalar_range(&s, n, n->span, &start, &end);
		if (q != 0 || n->kind == DOC_STR || n->kind == DOC_NULL ||
		    strchr(n->text, '"') || strchr(n->text, '\\'))
			break;
		add_edit(list, start, 0, "\"", 1);
		add_edit(list, end, 0, "\"", 1);
		added = 2;
		break;
	case FIX_UNQUOTE:
		q = scalar_range(&s, n, n->span, &start, &end);
		if (q <= 0 || n->kind != DOC_STR ||
		    doc_yaml_plain_kind(n->text, n->len) == DOC_STR)
			break;
		add_edit(list, start, end - start, n->text, n->len);
		added = 1;
		break;
	case FIX_ADD_ENTRY:
		added = fix_add_entry(list, &s, n, d->fix.under, d->fix.key,
				      d->fix.text);
		break;
	case FIX_MOVE:
		added = fix_move(list, &s, doc, &d->fix);
		break;
	}
	if (added)
		list->groups++;
	return added;
}

void fix_describe(const struct diag *d, struct buf *out)
{
	switch (d->fix.kind) {
	case FIX_NONE:
		break;
	case FIX_SET_VALUE:
		buf_addf(out, "wrote '%s'", d->fix.text);
		break;
	case FIX_RENAME_KEY:
		buf_addf(out, "renamed the field to '%s'", d->fix.text);
		break;
	case FIX_QUOTE:
		buf_adds(out, "quoted the value");
		break;
	case FIX_UNQUOTE:
		buf_adds(out, "removed the quotes");
		break;
	case FIX_ADD_ENTRY:
		buf_addf(out, "added %s: ", d->fix.key);
		add_scalar(out, d->fix.text, 0);
		if (*d->fix.under)
			buf_addf(out, " under %s", d->fix.under);
		break;
	case FIX_MOVE:
		if (d->fix.key)
			buf_addf(out, "moved '%s' into a new '%s:' in '%s'",
				 d->fix.text, d->fix.key, d->fix.into);
		else
			buf_addf(out, "moved '%s' into '%s'", d->fix.text,
				 d->fix.into);
		break;
	}
}

/* Two edits touch the same bytes, or insert at the same place. */
static int edits_clash(const struct fix_edit *a, const struct fix_edit *b)
{
	if (a->off == b->off)
		return 1;
	return a->off < b->off + b->len && b->off < a->off + a->len;
}

int fix_edit_is_claim(const struct fix_edit *e)
{
	return !e->len && !*e->text;
}

/* Two edits of one fix would write over each other. */
static int edits_overlap(const struct fix_edit *a, const struct fix_edit *b)
{
	if (fix_edit_is_claim(a) || fix_edit_is_claim(b))
		return 0;
	if (a->off == b->off && (!a->len || !b->len))
		return !a->len && !b->len;
	return a->off < b->off + b->len && b->off < a->off + a->len;
}

static int cmp_edit(const void *pa, const void *pb)
{
	const struct fix_edit *a = *(const struct fix_edit *const *)pa;
	const struct fix_edit *b = *(const struct fix_edit *const *)pb;

	if (a->off != b->off)
		return a->off < b->off ? -1 : 1;
	/* An insertion goes before the bytes an edit at its place replaces. */
	if (!a->len != !b->len)
		return a->len ? 1 : -1;
	return a->group < b->group ? -1 : a->group > b->group;
}

size_t fix_apply(const struct fix_list *list, const char *text, size_t len,
		 struct buf *out, unsigned char *applied)
{
	const struct fix_edit **take = xcalloc(list->nr + 1, sizeof(*take));
	unsigned char *ok = xcalloc(list->groups + 1, 1);
	size_t nr = 0, i, j, k, groups = 0;
	uint64_t pos = 0;

	for (i = 0; i < list->nr; i = j) {
		int clash = 0;

		for (j = i; j < list->nr && list->edit[j].group == list->edit[i].group; j++) {
			if (list->edit[j].off + list->edit[j].len > len)
				clash = 1;
			for (k = i; k < j && !clash; k++)
				clash = edits_overlap(&list->edit[j], &list->edit[k]);
			for (k = 0; k < nr && !clash; k++)
				clash = edits_clash(&list->edit[j], take[k]);
		}
		if (clash)
			continue;
		for (k = i; k < j; k++)
			take[nr++] = &list->edit[k];
		ok[list->edit[i].group] = 1;
		groups++;
	}
	qsort(take, nr, sizeof(*take), cmp_edit);
	for (i = 0; i < nr; i++) {
		if (fix_edit_is_claim(take[i]))
			continue;
		buf_add(out, text + pos, take[i]->off - pos);
		buf_adds(out, take[i]->text);
		pos = take[i]->off + take[i]->len;
	}
	buf_add(out, text + pos, len - pos);
	if (applied)
		memcpy(applied, ok, list->groups);
	free(ok);
	free(take);
	return groups;
}

void fix_run_release(struct fix_run *run)
{
	arena_release(&run->arena);
	free(run->done);
	run->done = NULL;
	run->nr = run->alloc = 0;
	run->passes = 0;
}

/* No loop of fixes runs forever, even if two fixes undid each other. */
#define MAX_PASSES 8

static int cmp_done(const void *pa, const void *pb)
{
	const struct fix_done *a = pa, *b = pb;

	if (a->at.line != b->at.line)
		return a->at.line < b->at.line ? -1 : 1;
	if (a->at.col != b->at.col)
		return a->at.col < b->at.col ? -1 : 1;
	return a->group < b->group ? -1 : a->group > b->group;
}

/* One pass: fixes what the findings of text say; returns fixes made. */
static size_t fix_pass(const char *name, const char *text, size_t len,
		       const struct katib_config *config,
		       const struct doc_limits *limits,
		       struct diag_list *diags, struct buf *out,
		       struct fix_run *run)
{
	struct fix_list edits = FIX_LIST_INIT;
	struct fix_done *pending = NULL;
	size_t nr_pending = 0, alloc_pending = 0, i, made;
	struct doc_reader *r;
	struct fail f = FAIL_INIT;
	struct doc *d;
	unsigned char *applied;

	doc_reader_open_mem(&r, name, text, len, limits);
	while (doc_reader_next(r, &d, &f) > 0) {
		diags->file = name;
		diags->document = d->index;
		/* Moves first: where a fix would add an entry the user wrote
		 * in the wrong place, moving theirs keeps their value. */
		if (validate_doc(d, config, NULL, diags) == VALIDATE_CHECKED)
			for (i = 0; i < 2 * diags->nr; i++) {
				const struct diag *g = &diags->item[i % diags->nr];
				struct buf what = BUF_INIT;

				if ((g->fix.kind == FIX_MOVE) != (i < diags->nr) ||
				    !fix_diag(&edits, d, g))
					continue;
				fix_describe(g, &what);
				ALLOC_GROW(pending, nr_pending + 1, alloc_pending);
				pending[nr_pending].rule_id = g->rule->id;
				pending[nr_pending].group = nr_pending;
				pending[nr_pending].at = g->span.start;
				pending[nr_pending].what =
					arena_strndup(&run->arena, what.buf, what.len);
				nr_pending++;
				buf_release(&what);
			}
		diag_list_clear(diags);
		doc_free(d);
	}
	doc_reader_free(r);
	applied = xcalloc(edits.groups + 1, 1);
	made = fix_apply(&edits, text, len, out, applied);
	/* In the order of the file, as findings are reported; qsort() may
	 * not be given the NULL of a pass that found nothing to fix. */
	if (nr_pending)
		qsort(pending, nr_pending, sizeof(*pending), cmp_done);
	for (i = 0; i < nr_pending; i++)
		if (applied[pending[i].group]) {
			ALLOC_GROW(run->done, run->nr + 1, run->alloc);
			run->done[run->nr++] = pending[i];
		}
	free(applied);
	free(pending);
	fix_list_release(&edits);
	return made;
}

size_t fix_text(const char *name, const char *text, size_t len,
		const struct katib_config *config,
		const struct doc_limits *limits, struct diag_list *diags,
		struct buf *out, struct fix_run *run)
{
	struct buf cur = BUF_INIT, next = BUF_INIT;
	size_t total = 0, made;
	unsigned pass;

	buf_add(&cur, text, len);
	for (pass = 0; pass < MAX_PASSES; pass++) {
		buf_reset(&next);
		made = fix_pass(name, cur.buf, cur.len, config, limits, diags,
				&next, run);
		if (!made)
			break;
		total += made;
		run->passes++;
		buf_release(&cur);
		cur = next;
		buf_init(&next, 0);
	}
	buf_add(out, cur.buf, cur.len);
	buf_release(&cur);
	buf_release(&next);
	return total;
}
