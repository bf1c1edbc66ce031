#include "compat.h"
#include "doc-yaml.h"
#include "alloc.h"
#include "buf.h"

#include <errno.h>
#include <yaml.h>

#define READ_CHUNK 65536
/*
 * Without source text, the window keeps from the last event on, trimmed
 * once this much is behind it: a 7 MB recording no longer holds all its
 * bytes in fresh pages while its tree is built.
 */
#define DROP_TEXT_TRIM (1u << 20)

struct anchor {
	char *name;
	struct doc_node *node;
};

/* State of the document being built. */
struct build {
	struct doc *doc;
	struct doc_node *cur;	/* open container, NULL before the root */
	unsigned depth;
	int have_key;		/* cur is a map and its next key is read */
	const char *key;
	size_t key_len;
	int key_plain;
	struct span key_span;
	struct anchor *anchors;
	size_t nr_anchors, alloc_anchors;
	size_t alias_nodes;
	const char *error;	/* set once; the rest of the doc is skipped */
	struct pos error_at;
	int error_limit;
};

struct doc_reader {
	FILE *fp;
	int own_fp;
	const char *mem;
	size_t mem_len, mem_pos;
	char *name;
	struct doc_limits lim;

	yaml_parser_t parser;
	int parser_live;
	int done;

	/* Raw bytes from the start of the current document on. */
	struct buf win;
	uint64_t win_off;	/* file offset of win.buf[0] */
	uint32_t win_line;	/* 0-based line of win.buf[0] */
	uint32_t win_col;	/* 1-based column of win.buf[0] */
	uint64_t fed;		/* file offset of the next byte for libyaml */
	uint64_t total;		/* bytes read from the input so far */
	int eof;
	int read_errno;
	int too_large;

	/* Where the current libyaml parser started reading. */
	uint64_t seg_off;
	uint32_t seg_line;	/* 0-based line of seg_off */

	/* A cursor mapping libyaml's character index to a byte offset. */
	uint64_t cur_idx;
	uint64_t cur_off;
	/*
	 * The bytes from cur_off up to ascii_end are known to be ASCII, so
	 * within them a character index maps to a byte offset by addition.
	 */
	uint64_t ascii_end;

	unsigned nr_docs;
	const char *pending_error;	/* reported as the next document */
	uint64_t next_doc_off;		/* where the next document's text starts */
	uint64_t pending_trim;		/* trim here at the next call (0: none) */
	struct pos pending_trim_at;
	int drop_text;			/* documents get no source text */
};

/* A limit's message: what, the option where the command has it, the rest. */
#define LIMIT_MSG(r, what, option, rest)                                      \
	((r)->lim.name_options ? what " (" option ")" rest : what rest)

static int fill(struct doc_reader *r)
{
	size_t n;

	if (r->eof)
		return 0;
	if (buf_grow(&r->win, READ_CHUNK))
		BUG("window buffer refused to grow");
	if (r->fp) {
		n = fread(r->win.buf + r->win.len, 1, READ_CHUNK, r->fp);
		if (n < READ_CHUNK) {
			if (ferror(r->fp)) {
				r->read_errno = errno ? errno : EIO;
				return -1;
			}
			r->eof = 1;
		}
	} else {
		n = r->mem_len - r->mem_pos;
		if (n > READ_CHUNK)
			n = READ_CHUNK;
		memcpy(r->win.buf + r->win.len, r->mem + r->mem_pos, n);
		r->mem_pos += n;
		if (r->mem_pos == r->mem_len)
			r->eof = 1;
	}
	r->win.len += n;
	r->win.buf[r->win.len] = '\0';
	r->total += n;
	if (r->lim.max_file_bytes && r->total > r->lim.max_file_bytes) {
		r->too_large = 1;
		return -1;
	}
	return (int)(n > 0);
}

static int read_handler(void *data, unsigned char *buffer, size_t size,
			size_t *size_read)
{
	struct doc_reader *r = data;
	uint64_t avail = r->win_off + r->win.len - r->fed;

	if (r->too_large)
		return 0;	/* refuse the whole stream, not just its tail */
	if (!avail) {
		if (fill(r) < 0)
			return 0;
		avail = r->win_off + r->win.len - r->fed;
	}
	if (avail > size)
		avail = size;
	memcpy(buffer, r->win.buf + (r->fed - r->win_off), avail);
	r->fed += avail;
	*size_read = avail;
	return 1;
}

static unsigned char win_byte(const struct doc_reader *r, uint64_t off)
{
	return (unsigned char)r->win.buf[off - r->win_off];
}

/*
 * Moves ascii_end forward over ASCII bytes, from where it stopped (or
 * from the cursor) to the first byte with its high bit set or the end of
 * the window.  Each byte is scanned once, however often this is called.
 */
static NOINLINE void extend_ascii(struct doc_reader *r)
{
	const unsigned char *base = (const unsigned char *)r->win.buf;
	uint64_t from = r->ascii_end > r->cur_off ? r->ascii_end : r->cur_off;
	const unsigned char *p = base + (from - r->win_off);
	const unsigned char *end = base + r->win.len;

	while (end - p >= 8) {
		uint64_t word;

		memcpy(&word, p, 8);
		if (word & 0x8080808080808080ULL)
			break;
		p += 8;
	}
	while (p < end && *p < 0x80)
		p++;
	r->ascii_end = r->win_off + (uint64_t)(p - base);
}

/* mark_offset()'s walk across non-ASCII text, or back. */
static NOINLINE uint64_t mark_offset_walk(struct doc_reader *r, size_t index)
{
	const unsigned char *base, *p, *end;
	uint64_t idx;

	base = (const unsigned char *)r->win.buf;
	p = base + (r->cur_off - r->win_off);
	end = base + r->win.len;
	idx = r->cur_idx;
	while (idx < index && p < end) {
		/* A character is a lead byte and its continuation bytes. */
		p++;
		while (p < end && (*p & 0xc0) == 0x80)
			p++;
		idx++;
	}
	while (idx > index && p > base) {
		p--;
		while (p > base && (*p & 0xc0) == 0x80)
			p--;
		idx--;
	}
	r->cur_idx = idx;
	r->cur_off = r->win_off + (uint64_t)(p - base);
	/* Nothing is known about the bytes after a walk, or after a step back. */
	r->ascii_end = r->cur_off;
	return r->cur_off;
}

/*
 * libyaml counts characters; findings and excerpts need bytes.  Every
 * node's start is mapped, so the common case is inline: marks mostly
 * move forward over ASCII, and then the offset is the cursor's plus the
 * number of characters, with no walk at all.
 */
static inline uint64_t mark_offset(struct doc_reader *r, size_t index)
{
	if (index >= r->cur_idx) {
		uint64_t want = r->cur_off + (index - r->cur_idx);

		if (want > r->ascii_end)
			extend_ascii(r);
		if (want <= r->ascii_end) {
			r->cur_idx = index;
			r->cur_off = want;
			return want;
		}
	}
	return mark_offset_walk(r, index);
}

static inline struct pos mark_pos(struct doc_reader *r, yaml_mark_t m)
{
	struct pos p;

	p.line = r->seg_line + (uint32_t)m.line + 1;
	p.col = (uint32_t)m.column + 1;
	p.off = mark_offset(r, m.index);
	return p;
}

/* Line and column of a byte offset in the window. */
static struct pos offset_pos(const struct doc_reader *r, uint64_t off)
{
	struct pos p = { r->win_line + 1, r->win_col, off };
	uint64_t i, end = r->win_off + r->win.len;

	if (off > end)
		off = end;
	p.off = off;
	for (i = r->win_off; i < off; i++) {
		unsigned char c = win_byte(r, i);

		if (c == '\n') {
			p.line++;
			p.col = 1;
		} else if ((c & 0xc0) != 0x80) {
			p.col++;
		}
	}
	return p;
}

static void reader_start_parser(struct doc_reader *r)
{
	if (!yaml_parser_initialize(&r->parser))
		BUG("yaml_parser_initialize failed");
	yaml_parser_set_input(&r->parser, read_handler, r);
	/*
	 * Positions are mapped assuming UTF-8; Kubernetes manifests are
	 * UTF-8, and a UTF-16 file is reported rather than guessed at.
	 */
	yaml_parser_set_encoding(&r->parser, YAML_UTF8_ENCODING);
	r->parser_live = 1;
	r->cur_idx = 0;
	r->cur_off = r->seg_off;
	r->ascii_end = r->seg_off;
	r->fed = r->seg_off;
}

static void reader_stop_parser(struct doc_reader *r)
{
	if (r->parser_live)
		yaml_parser_delete(&r->parser);
	r->parser_live = 0;
}

static void reader_init(struct doc_reader *r, const char *name,
			const struct doc_limits *lim)
{
	static const struct doc_limits defaults = DOC_LIMITS_DEFAULT;

	r->name = xstrdup(name);
	r->lim = lim ? *lim : defaults;
	buf_init(&r->win, 0);
	r->win_col = 1;
	if (fill(r) < 0 && r->read_errno)
		return;
	if (r->win.len >= 3 && !memcmp(r->win.buf, "\xef\xbb\xbf", 3))
		r->seg_off = 3;
	/* FF FE 00 00 is UTF-32's little-endian mark, not UTF-16's. */
	else if (r->win.len >= 4 && (!memcmp(r->win.buf, "\0\0\xfe\xff", 4) ||
				     !memcmp(r->win.buf, "\xff\xfe\0\0", 4)))
		r->pending_error =
			"input is UTF-32; Kubernetes manifests must be UTF-8";
	else if (r->win.len >= 2 && (!memcmp(r->win.buf, "\xff\xfe", 2) ||
				     !memcmp(r->win.buf, "\xfe\xff", 2)))
		r->pending_error =
			"input is UTF-16; Kubernetes manifests must be UTF-8";
}

int doc_reader_open(struct doc_reader **out, const char *path,
		    const char *name, const struct doc_limits *lim,
		    struct fail *f)
{
	struct doc_reader *r;
	FILE *fp;

	*out = NULL;
	if (!strcmp(path, "-")) {
		fp = stdin;
	} else {
		fp = fopen(path, "rb");
		if (!fp)
			return fail_set(f, errno == ENOENT ? FAIL_NOT_FOUND
							   : FAIL_IO,
					"cannot open '%s': %s", path,
					strerror(errno));
	}
	r = xcalloc(1, sizeof(*r));
	r->fp = fp;
	r->own_fp = fp != stdin;
	reader_init(r, name, lim);
	if (r->read_errno) {
		fail_set(f, FAIL_IO, "cannot read '%s': %s", path,
			 strerror(r->read_errno));
		doc_reader_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

void doc_reader_open_mem(struct doc_reader **out, const char *name,
			 const char *data, size_t len,
			 const struct doc_limits *lim)
{
	struct doc_reader *r = xcalloc(1, sizeof(*r));

	r->mem = data;
	r->mem_len = len;
	if (!len)
		r->eof = 1;
	reader_init(r, name, lim);
	*out = r;
}

void doc_reader_free(struct doc_reader *r)
{
	if (!r)
		return;
	reader_stop_parser(r);
	if (r->own_fp)
		fclose(r->fp);
	buf_release(&r->win);
	free(r->name);
	free(r);
}

/* ---- building the tree ---- */

static void build_error(struct build *b, const char *msg, struct pos at,
			int limit)
{
	if (b->error)
		return;
	b->error = msg;
	b->error_at = at;
	b->error_limit = limit;
}

static int is_plain_null(const char *s, size_t n)
{
	return !n || (n == 1 && *s == '~') ||
	       (n == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) ||
			   !memcmp(s, "NULL", 4)));
}

static int is_plain_bool(const char *s, size_t n)
{
	static const char *const words[] = {
		"y",	 "Y",	  "yes",   "Yes",   "YES",   "n",     "N",
		"no",	 "No",	  "NO",	   "true",  "True",  "TRUE",  "false",
		"False", "FALSE", "on",	   "On",    "ON",    "off",   "Off",
		"OFF",
	};
	size_t i;

	/* Every word is 1 to 5 letters starting with one of these. */
	if (n > 5 || !n || !strchr("yYnNtTfFoO", s[0]))
		return 0;
	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (words[i][0] == s[0] && strlen(words[i]) == n &&
		    !memcmp(words[i], s, n))
			return 1;
	return 0;
}

static int is_plain_int(const char *s, size_t n)
{
	size_t i = 0, digits = 0;
	int hex = 0, bin = 0, oct = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i + 1 < n && s[i] == '0' &&
	    (s[i + 1] == 'x' || s[i + 1] == 'X' || s[i + 1] == 'b' ||
	     s[i + 1] == 'B' || s[i + 1] == 'o' || s[i + 1] == 'O')) {
		hex = s[i + 1] == 'x' || s[i + 1] == 'X';
		bin = s[i + 1] == 'b' || s[i + 1] == 'B';
		oct = !hex && !bin;
		i += 2;
	} else if (i + 1 < n && s[i] == '0') {
		oct = 1;
	}
	for (; i < n; i++) {
		char c = s[i];

		if (c == '_')
			continue;
		if (hex ? !strchr("0123456789abcdefABCDEF", c) || !c
			: bin ? (c != '0' && c != '1')
			: oct ? (c < '0' || c > '7')
			      : (c < '0' || c > '9'))
			return 0;
		digits++;
	}
	return digits > 0;
}

static int is_plain_float(const char *s, size_t n)
{
	size_t i = 0, mant = 0;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	if (n - i == 4 && s[i] == '.' &&
	    (!memcmp(s + i, ".inf", 4) || !memcmp(s + i, ".Inf", 4) ||
	     !memcmp(s + i, ".INF", 4)))
		return 1;
	if (n == 4 && (!memcmp(s, ".nan", 4) || !memcmp(s, ".NaN", 4) ||
		       !memcmp(s, ".NAN", 4)))
		return 1;
	/* go-yaml v2: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
	while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_')) {
		i++;
		mant++;
	}
	if (i < n && s[i] == '.') {
		size_t frac = 0;

		i++;
		while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_')) {
			i++;
			frac++;
		}
		if (!mant && !frac)
			return 0;
		mant += frac;
	}
	if (!mant)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t exp = 0;

		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			i++;
			exp++;
		}
		if (!exp)
			return 0;
	}
	return i == n;
}

enum doc_kind doc_yaml_plain_kind(const char *s, size_t n)
{
	/* Most scalars are words: only these first bytes start anything else. */
	static const unsigned char special[256] = {
		['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
		['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['+'] = 1, ['-'] = 1,
		['.'] = 1, ['~'] = 1, ['n'] = 1, ['N'] = 1, ['y'] = 1, ['Y'] = 1,
		['t'] = 1, ['T'] = 1, ['f'] = 1, ['F'] = 1, ['o'] = 1, ['O'] = 1,
	};

	if (n && !special[(unsigned char)s[0]])
		return DOC_STR;
	if (is_plain_null(s, n))
		return DOC_NULL;
	if (is_plain_bool(s, n))
		return DOC_BOOL;
	if (is_plain_int(s, n))
		return DOC_INT;
	if (is_plain_float(s, n))
		return DOC_FLOAT;
	return DOC_STR;
}

static enum doc_kind resolve_scalar(const yaml_event_t *ev)
{
	const char *tag = (const char *)ev->data.scalar.tag;
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;

	if (tag) {
		if (!strcmp(tag, YAML_STR_TAG))
			return DOC_STR;
		if (!strcmp(tag, YAML_NULL_TAG))
			return DOC_NULL;
		if (!strcmp(tag, YAML_BOOL_TAG))
			return DOC_BOOL;
		if (!strcmp(tag, YAML_INT_TAG))
			return DOC_INT;
		if (!strcmp(tag, YAML_FLOAT_TAG))
			return DOC_FLOAT;
	}
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return DOC_STR;
	return doc_yaml_plain_kind(s, n);
}

static int count_nodes(const struct doc_node *n, size_t budget)
{
	const struct doc_node *c;
	size_t total = 1;

	for (c = n->child; c && total <= budget; c = c->next)
		total += (size_t)count_nodes(c, budget - total + 1);
	return total > budget ? (int)budget + 1 : (int)total;
}

static struct doc_node *copy_tree(struct doc *d, const struct doc_node *src)
{
	struct doc_node *n = doc_node_new(d, src->kind);
	const struct doc_node *c;

	n->quoted = src->quoted;
	n->from_alias = 1;
	n->span = src->span;
	n->text = src->text;
	n->len = src->len;
	for (c = src->child; c; c = c->next) {
		struct doc_node *cc = copy_tree(d, c);

		cc->key = c->key;
		cc->key_len = c->key_len;
		cc->key_span = c->key_span;
		cc->shadowed = c->shadowed;
		cc->duplicate = c->duplicate;
		doc_node_append(n, cc);
	}
	return n;
}

static void mark_duplicate(struct doc *d, struct doc_node *map,
			   struct doc_node *n)
{
	struct doc_node *c;

	for (c = map->child; c; c = c->next) {
		if (c != n && !c->shadowed && c->key_len == n->key_len &&
		    !memcmp(c->key, n->key, n->key_len)) {
			c->shadowed = 1;
			n->duplicate = 1;
			d->has_duplicates = 1;
		}
	}
}

static void attach(struct build *b, struct doc_node *n)
{
	struct doc_node *cur = b->cur;

	if (!cur) {
		b->doc->root = n;
		return;
	}
	if (cur->kind == DOC_MAP) {
		n->key = b->key;
		n->key_len = b->key_len;
		n->key_span = b->key_span;
		b->have_key = 0;
		doc_node_append(cur, n);
		mark_duplicate(b->doc, cur, n);
	} else {
		doc_node_append(cur, n);
	}
}

static void remember_anchor(struct build *b, const yaml_char_t *anchor,
			    struct doc_node *n)
{
	if (!anchor)
		return;
	ALLOC_GROW(b->anchors, b->nr_anchors + 1, b->alloc_anchors);
	b->anchors[b->nr_anchors].name = xstrdup((const char *)anchor);
	b->anchors[b->nr_anchors].node = n;
	b->nr_anchors++;
}

static struct doc_node *find_anchor(struct build *b, const char *name)
{
	size_t i = b->nr_anchors;

	/* A later anchor of the same name overrides an earlier one. */
	while (i--)
		if (!strcmp(b->anchors[i].name, name))
			return b->anchors[i].node;
	return NULL;
}

/*
 * Merge keys ("<<: *base") as go-yaml applies them: keys of the merged
 * maps that the map does not set itself are added, and "<<" goes away.
 */
static void apply_merges(struct build *b, struct doc_node *map)
{
	struct doc_node *c, *prev = NULL, *next;
	uint32_t i = 0;

	for (c = map->child; c; c = next) {
		next = c->next;
		if (c->key_len != 2 || memcmp(c->key, "<<", 2) || c->quoted)
			continue;
		/* go-yaml fails on any other merge value, null included. */
		if (c->kind != DOC_MAP && c->kind != DOC_SEQ) {
			build_error(b, "merge key '<<' needs a map or a list of maps",
				    c->span.start, 0);
			return;
		}
		{
			struct doc_node *src = c->kind == DOC_MAP ? c : c->child;

			for (; src; src = c->kind == DOC_MAP ? NULL : src->next) {
				struct doc_node *e;

				if (src->kind != DOC_MAP) {
					build_error(b,
						    "merge key '<<' needs a map or a list of maps",
						    c->span.start, 0);
					return;
				}
				for (e = src->child; e; e = e->next) {
					struct doc_node *cp;
					char *key;

					if (e->shadowed)
						continue;
					key = xstrndup(e->key, e->key_len);
					cp = doc_get(map, key);
					free(key);
					if (cp)
						continue;
					cp = copy_tree(b->doc, e);
					cp->key = e->key;
					cp->key_len = e->key_len;
					cp->key_span = c->key_span;
					doc_node_append(map, cp);
				}
			}
		}
		c->shadowed = 1;
	}
	/* Unlink the merge entries themselves. */
	for (c = map->child; c; c = next) {
		next = c->next;
		if (c->shadowed && c->key_len == 2 && !memcmp(c->key, "<<", 2) &&
		    !c->quoted) {
			if (prev)
				prev->next = next;
			else
				map->child = next;
			map->nr_children--;
			continue;
		}
		c->index = i++;
		prev = c;
	}
	map->last = prev;
}

static void build_event(struct doc_reader *r, struct build *b,
			const yaml_event_t *ev)
{
	struct doc *d = b->doc;
	struct doc_node *n;
	struct pos start;
	struct line_col end;

	if (b->error)
		return;
	start = mark_pos(r, ev->start_mark);
	/* Ends keep no byte offset: nothing cuts text at an end, and
	 * mapping every end mark cost a twentieth of the run. */
	end.line = r->seg_line + (uint32_t)ev->end_mark.line + 1;
	end.col = (uint32_t)ev->end_mark.column + 1;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.length > r->lim.max_scalar) {
			build_error(b, LIMIT_MSG(r, "scalar longer than the limit", "--max-scalar-bytes", ""),
				    start, 1);
			return;
		}
		if (b->cur && b->cur->kind == DOC_MAP && !b->have_key) {
			b->key = arena_strndup(&d->arena,
					       (const char *)ev->data.scalar.value,
					       ev->data.scalar.length);
			b->key_len = ev->data.scalar.length;
			b->key_plain = ev->data.scalar.style ==
				       YAML_PLAIN_SCALAR_STYLE;
			b->key_span.start = start;
			b->key_span.end = end;
			b->have_key = 1;
			return;
		}
		n = doc_node_new(d, resolve_scalar(ev));
		n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		n->text = arena_strndup(&d->arena,
					(const char *)ev->data.scalar.value,
					ev->data.scalar.length);
		n->len = ev->data.scalar.length;
		n->span.start = start;
		n->span.end = end;
		attach(b, n);
		remember_anchor(b, ev->data.scalar.anchor, n);
		break;

	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (b->cur && b->cur->kind == DOC_MAP && !b->have_key) {
			build_error(b, "complex mapping keys are not supported by Kubernetes",
				    start, 0);
			return;
		}
		if (++b->depth > r->lim.max_depth) {
			build_error(b, LIMIT_MSG(r, "nesting deeper than the limit", "--max-depth", ""),
				    start, 1);
			return;
		}
		n = doc_node_new(d, ev->type == YAML_SEQUENCE_START_EVENT
					    ? DOC_SEQ
					    : DOC_MAP);
		n->span.start = start;
		n->span.end = end;
		attach(b, n);
		remember_anchor(b, ev->type == YAML_SEQUENCE_START_EVENT
					   ? ev->data.sequence_start.anchor
					   : ev->data.mapping_start.anchor,
				n);
		b->cur = n;
		break;

	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (!b->cur)
			BUG("container end without a start");
		b->cur->span.end = end;
		if (b->cur->kind == DOC_MAP)
			apply_merges(b, b->cur);
		b->cur = b->cur->parent;
		b->depth--;
		b->have_key = 0;
		break;

	case YAML_ALIAS_EVENT: {
		struct doc_node *target =
			find_anchor(b, (const char *)ev->data.alias.anchor);
		size_t budget = r->lim.max_alias_nodes - b->alias_nodes;
		int size;

		if (!target) {
			build_error(b, "alias to an undefined anchor", start, 0);
			return;
		}
		/* go-yaml refuses it too: the copy would contain itself. */
		{
			const struct doc_node *up;

			for (up = b->cur; up; up = up->parent)
				if (up == target) {
					build_error(b, "alias to an anchor that contains it", start, 0);
					return;
				}
		}
		if (b->cur && b->cur->kind == DOC_MAP && !b->have_key) {
			build_error(b, "aliases as mapping keys are not supported",
				    start, 0);
			return;
		}
		size = count_nodes(target, budget);
		if ((size_t)size > budget ||
		    d->nr_nodes + (size_t)size > r->lim.max_nodes) {
			build_error(b, LIMIT_MSG(r, "aliases expand to more nodes than the limit", "--max-alias-nodes",
						  "; refusing a possible alias bomb"),
				    start, 1);
			return;
		}
		b->alias_nodes += (size_t)size;
		n = copy_tree(d, target);
		n->span.start = start;
		n->span.end = end;
		attach(b, n);
		break;
	}
	default:
		break;
	}
	if (d->nr_nodes > r->lim.max_nodes)
		build_error(b, LIMIT_MSG(r, "more nodes than the limit", "--max-nodes", ""), start,
			    1);
}

static void build_release(struct build *b)
{
	size_t i;

	for (i = 0; i < b->nr_anchors; i++)
		free(b->anchors[i].name);
	free(b->anchors);
}

/*
 * Gives d its source text.  A document that was read points into the
 * window (valid until the next doc_reader_next(): copying every document
 * cost a tenth of the run); an unreadable one keeps a copy, because
 * resynchronising moves the window at once.
 */
static void set_doc_text(struct doc_reader *r, struct doc *d, uint64_t from,
			 uint64_t to, int copy)
{
	uint64_t end = r->win_off + r->win.len;

	if (r->drop_text) {
		d->text = NULL;	/* as a document from a server */
		d->len = 0;
		d->text_off = from;
		return;
	}

	if (from < r->win_off)
		from = r->win_off;
	if (to > end)
		to = end;
	if (to < from)
		to = from;
	if (copy)
		d->text = arena_strndup(&d->arena, r->win.buf + (from - r->win_off),
					(size_t)(to - from));
	else
		d->text = r->win.buf + (from - r->win_off);
	d->len = (size_t)(to - from);
	d->text_off = from;
}

/*
 * Drops window bytes before off, which is at line/col: they belong to
 * documents already read.
 */
static void trim_window(struct doc_reader *r, uint64_t off, struct pos at)
{
	if (off <= r->win_off)
		return;
	if (off > r->fed)
		BUG("trimming bytes libyaml has not read");
	if (r->cur_off < off)
		BUG("trimming the window past the position cursor");
	buf_remove_head(&r->win, (size_t)(off - r->win_off));
	r->win_off = off;
	r->win_line = at.line - 1;
	r->win_col = at.col;
}

/* The byte at file offset i, reading more input as needed; -1 at the end. */
static int byte_at(struct doc_reader *r, uint64_t i)
{
	while (i >= r->win_off + r->win.len)
		if (r->eof || fill(r) <= 0)
			return -1;
	return win_byte(r, i);
}

static int skip_line(struct doc_reader *r, uint64_t *i)
{
	int c;

	do {
		c = byte_at(r, *i);
		if (c < 0)
			return -1;
		(*i)++;
	} while (c != '\n');
	return 0;
}

/* With no parser running, forgets the bytes before line start off. */
static void drop_to_line(struct doc_reader *r, uint64_t off, uint32_t line)
{
	struct pos at;

	at.line = line + 1;
	at.col = 1;
	at.off = off;
	r->cur_off = off;
	r->ascii_end = off;
	if (r->fed < off)
		r->fed = off;
	trim_window(r, off, at);
}

/*
 * After a syntax error libyaml cannot go on.  Find the next line that
 * starts a document ("---") at or after the line of off, and restart a
 * parser there.  Returns 0 when there is none.
 */
static int resync(struct doc_reader *r, uint64_t off, uint32_t line)
{
	uint64_t i = off < r->win_off ? r->win_off : off;

	reader_stop_parser(r);
	if (i > r->win_off && byte_at(r, i - 1) != '\n') {
		if (skip_line(r, &i))
			return 0;
		line++;
	}
	for (;;) {
		int c;

		if (byte_at(r, i) == '-' && byte_at(r, i + 1) == '-' &&
		    byte_at(r, i + 2) == '-') {
			c = byte_at(r, i + 3);
			if (c < 0 || c == ' ' || c == '\t' || c == '\n' ||
			    c == '\r')
				break;
		}
		if (skip_line(r, &i))
			return 0;
		line++;
		/* Keep memory flat while skipping a long broken document. */
		drop_to_line(r, i, line);
	}
	drop_to_line(r, i, line);
	r->seg_off = i;
	r->seg_line = line;
	reader_start_parser(r);
	return 1;
}

static struct doc *error_doc(struct doc_reader *r, const char *msg,
			     struct pos at, int limit)
{
	struct doc *d = doc_new(r->name, r->nr_docs++);

	d->error = arena_alloc(&d->arena, sizeof(*d->error));
	d->error->message = arena_strdup(&d->arena, msg);
	d->error->at = at;
	d->error->limit = limit ? 1 : 0;
	return d;
}

static int finish_doc_with_error(struct doc_reader *r, struct doc *d,
				 uint64_t text_from, struct doc **out)
{
	uint64_t line_end = d->error->at.off;
	uint64_t end = r->win_off + r->win.len;

	/* Keep the source through the end of the error's line. */
	while (line_end < end && win_byte(r, line_end) != '\n')
		line_end++;
	set_doc_text(r, d, text_from, line_end, 1);
	*out = d;
	return 1;
}

/*
 * A document that crossed a limit is not parsed any further: libyaml's
 * scanner does work proportional to the flow depth for every token, so
 * feeding it the rest of a document nested 50,000 deep cost seconds (a
 * webhook worker's for each such request).  Reading resumes at the next
 * "---" line, as after a syntax error, by a scan that is linear.
 */
static int stop_at_limit(struct doc_reader *r, struct build *b,
			 uint64_t text_from, struct doc **out)
{
	struct doc *d = b->doc;
	struct pos at = b->error_at;

	b->doc = NULL;
	d->root = NULL;
	d->error = arena_alloc(&d->arena, sizeof(*d->error));
	d->error->message = arena_strdup(&d->arena, b->error);
	d->error->at = at;
	d->error->limit = 1;
	build_release(b);
	finish_doc_with_error(r, d, text_from, out);
	if (!resync(r, at.off, at.line ? at.line - 1 : 0))
		r->done = 1;
	return 1;
}

static const char *reader_error_message(struct doc_reader *r,
					struct arena *a)
{
	const yaml_parser_t *p = &r->parser;

	if (r->too_large)
		return LIMIT_MSG(r, "input is larger than the limit", "--max-file-bytes", "");
	if (p->error == YAML_READER_ERROR) {
		if (p->problem_value != -1)
			return arena_printf(a, "%s (byte 0x%02x)", p->problem,
					    (unsigned)p->problem_value);
		return arena_strdup(a, p->problem ? p->problem : "read error");
	}
	return arena_strdup(a, p->problem ? p->problem : "syntax error");
}

int doc_reader_next(struct doc_reader *r, struct doc **out, struct fail *f)
{
	struct build b;
	yaml_event_t ev;
	uint64_t text_from;

	*out = NULL;
	if (r->pending_error) {
		struct pos at = { 1, 1, 0 };

		*out = error_doc(r, r->pending_error, at, 0);
		r->pending_error = NULL;
		r->done = 1;
		return 1;
	}
	if (r->done)
		return 0;
	if (!r->parser_live)
		reader_start_parser(r);
	if (r->pending_trim) {
		/* The previous document's text is no longer promised. */
		trim_window(r, r->pending_trim, r->pending_trim_at);
		r->pending_trim = 0;
	}

	memset(&b, 0, sizeof(b));
	text_from = r->next_doc_off > r->win_off ? r->next_doc_off : r->win_off;
	for (;;) {
		if (!yaml_parser_parse(&r->parser, &ev)) {
			struct doc *d;
			struct pos at;
			const char *msg;
			uint32_t line0;

			if (r->read_errno) {
				build_release(&b);
				doc_free(b.doc);
				r->done = 1;
				return fail_set(f, FAIL_IO, "cannot read '%s': %s",
						r->name, strerror(r->read_errno));
			}
			d = b.doc ? b.doc : doc_new(r->name, r->nr_docs++);
			b.doc = NULL;
			msg = reader_error_message(r, &d->arena);
			if (r->parser.error == YAML_READER_ERROR || r->too_large) {
				uint64_t off = r->seg_off + r->parser.problem_offset;

				if (r->too_large)
					off = r->win_off;
				at = offset_pos(r, off);
			} else {
				at = mark_pos(r, r->parser.problem_mark);
			}
			d->root = NULL;
			d->error = arena_alloc(&d->arena, sizeof(*d->error));
			d->error->message = msg;
			d->error->at = at;
			d->error->limit = r->too_large ? 1 : 0;
			if (r->parser.context) {
				d->error->context_at =
					mark_pos(r, r->parser.context_mark);
				d->error->context = arena_strdup(
					&d->arena, r->parser.context);
			}
			build_release(&b);
			finish_doc_with_error(r, d, text_from, out);
			line0 = at.line ? at.line - 1 : 0;
			if (r->too_large || !resync(r, at.off, line0))
				r->done = 1;
			return 1;
		}

		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_NO_EVENT:
			break;

		case YAML_STREAM_END_EVENT:
			yaml_event_delete(&ev);
			build_release(&b);
			if (b.doc)
				BUG("stream ended inside a document");
			r->done = 1;
			return 0;

		case YAML_DOCUMENT_START_EVENT:
			if (r->nr_docs >= r->lim.max_docs) {
				struct pos at = mark_pos(r, ev.start_mark);

				yaml_event_delete(&ev);
				build_release(&b);
				r->done = 1;
				*out = error_doc(r, LIMIT_MSG(r, "more documents than the limit", "--max-docs", ""),
						 at, 1);
				set_doc_text(r, *out, at.off, at.off, 1);
				return 1;
			}
			b.doc = doc_new(r->name, r->nr_docs++);
			break;

		case YAML_DOCUMENT_END_EVENT: {
			struct doc *d = b.doc;
			struct pos end_at = mark_pos(r, ev.end_mark);
			uint64_t end = end_at.off;

			yaml_event_delete(&ev);
			b.doc = NULL;
			if (b.error) {
				d->root = NULL;
				d->error = arena_alloc(&d->arena, sizeof(*d->error));
				d->error->message = arena_strdup(&d->arena, b.error);
				d->error->at = b.error_at;
				d->error->limit = b.error_limit ? 1 : 0;
			}
			d->nr_alias_nodes = b.alias_nodes;
			set_doc_text(r, d, text_from, end, 0);
			build_release(&b);
			r->next_doc_off = end;
			/*
			 * Drop what earlier documents used, but only once it
			 * is worth a memmove: trimming at every document
			 * moved the rest of the window each time.
			 */
			if (end - r->win_off >= READ_CHUNK) {
				r->pending_trim = end;
				r->pending_trim_at = end_at;
			}
			*out = d;
			return 1;
		}

		default:
			if (!b.doc)
				BUG("node event outside a document");
			build_event(r, &b, &ev);
			/* build_event() left the cursor at the event's start. */
			if (r->drop_text && r->cur_off - r->win_off >= DROP_TEXT_TRIM)
				trim_window(r, r->cur_off, mark_pos(r, ev.start_mark));
			if (!b.error && r->lim.max_doc_bytes &&
			    r->cur_off - text_from > r->lim.max_doc_bytes)
				build_error(&b, LIMIT_MSG(r, "document larger than the limit", "--max-doc-bytes", ""),
					    mark_pos(r, ev.start_mark), 1);
			if (b.error_limit) {
				yaml_event_delete(&ev);
				return stop_at_limit(r, &b, text_from, out);
			}
			break;
		}
		yaml_event_delete(&ev);
	}
}

void doc_reader_drop_text(struct doc_reader *r)
{
	r->drop_text = 1;
}

int doc_source_line(const struct doc *d, uint64_t off, const char **line,
		    size_t *len)
{
	size_t rel, s, e;

	if (!d->text)
		return -1;	/* a document read from a server keeps no source */
	if (off < d->text_off || off > d->text_off + d->len)
		return -1;
	rel = (size_t)(off - d->text_off);
	s = rel;
	while (s > 0 && d->text[s - 1] != '\n')
		s--;
	e = rel;
	while (e < d->len && d->text[e] != '\n')
		e++;
	if (e > s && d->text[e - 1] == '\r')
		e--;
	*line = d->text + s;
	*len = e - s;
	return 0;
}

int doc_load_single(struct doc **out, const char *path,
		    const struct doc_limits *lim, struct fail *f)
{
	struct doc_reader *r;
	struct doc *d = NULL, *extra = NULL;
	int ret;

	*out = NULL;
	if (doc_reader_open(&r, path, path, lim, f))
		return -1;
	ret = doc_reader_next(r, &d, f);
	if (ret > 0 && !d->error) {
		if (doc_reader_next(r, &extra, f) > 0) {
			ret = fail_set(f, FAIL_PROTOCOL,
				       "%s: expected one document, found more", path);
			doc_free(extra);
		}
	} else if (!ret) {
		ret = fail_set(f, FAIL_PROTOCOL, "%s: the input is empty", path);
	}
	doc_reader_free(r);
	if (ret < 0) {
		doc_free(d);
		return -1;
	}
	/* The reader owned the text; the nodes keep their own copies. */
	d->text = NULL;
	d->len = 0;
	*out = d;
	return 0;
}
