#include "compat.h"
#include "doc-json.h"
#include "numparse.h"
#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "doc.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>

static int bool_true(const char *t)
{
	return t[0] == 'y' || t[0] == 'Y' || t[0] == 't' || t[0] == 'T' ||
	       !strcmp(t, "on") || !strcmp(t, "On") || !strcmp(t, "ON");
}

/*
 * v as Go's encoding/json writes a float64 (and so the API server): the
 * fewest digits that read back as v, in fixed notation, or where Go
 * writes an exponent (|v| < 1e-6 or >= 1e21) in Go's exponent form, and
 * then returns -1: a YAML 1.1 reader would not take that text for a
 * number.
 */
static int json_float_text(double v, char *out, size_t size)
{
	double a = fabs(v);
	char e[32], *x;
	int p, exp10;

	p = num_shortest_precision(v);
	snprintf(e, sizeof(e), "%.*e", p - 1, v);
	x = strchr(e, 'e');
	exp10 = (int)strtol(x + 1, NULL, 10);
	if (a != 0 && (a < 1e-6 || a >= 1e21)) {
		/* Go writes e-07 as e-7. */
		if (x[1] == '-' && x[2] == '0')
			memmove(x + 2, x + 3, strlen(x + 3) + 1);
		snprintf(out, size, "%s", e);
		return -1;
	}
	snprintf(out, size, "%.*f", p - 1 - exp10 > 0 ? p - 1 - exp10 : 0, v);
	return 0;
}

/*
 * The length of the UTF-8 sequence of a code point at p (2 to 4 bytes), or
 * 0 when p does not start one: overlong forms, surrogates and code points
 * beyond U+10FFFF are not UTF-8.
 */
static size_t utf8_valid_len(const unsigned char *p, size_t left)
{
	size_t n, i;
	uint32_t cp;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * s as Go's encoding/json writes a string, so that what we print reads as
 * kubectl's output and what the replay server sends as the API server's:
 * <, > and & escaped for HTML, U+2028 and U+2029 escaped, and bytes that
 * are not UTF-8 replaced by U+FFFD.  Runs that need nothing are copied in
 * one piece: lists of thousands of objects go through here.
 */
static void add_go_string(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	buf_addch(b, '"');
	while (p < end) {
		const unsigned char *run = p;
		char esc[7];
		size_t n;

		while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' &&
		       *p != '\\' && *p != '<' && *p != '>' && *p != '&')
			p++;
		buf_add(b, run, (size_t)(p - run));
		if (p == end)
			break;
		if (*p < 0x80) {
			switch (*p) {
			case '"': buf_add(b, "\\\"", 2); break;
			case '\\': buf_add(b, "\\\\", 2); break;
			case '\n': buf_add(b, "\\n", 2); break;
			case '\r': buf_add(b, "\\r", 2); break;
			case '\t': buf_add(b, "\\t", 2); break;
			case '\b': buf_add(b, "\\b", 2); break;
			case '\f': buf_add(b, "\\f", 2); break;
			default:
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[*p >> 4];
				esc[5] = hex[*p & 15];
				buf_add(b, esc, 6);
			}
			p++;
			continue;
		}
		n = utf8_valid_len(p, (size_t)(end - p));
		if (!n) {
			buf_add(b, "\\ufffd", 6);
			p++;
		} else if (n == 3 && p[0] == 0xe2 && p[1] == 0x80 &&
			   (p[2] == 0xa8 || p[2] == 0xa9)) {
			buf_add(b, p[2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
			p += n;
		} else {
			buf_add(b, p, n);
			p += n;
		}
	}
	buf_addch(b, '"');
}

static void add_indent(struct buf *b, int pretty, int depth)
{
	if (!pretty)
		return;
	buf_addch(b, '\n');
	while (depth-- > 0)
		buf_add(b, "    ", 4);
}

/* n as Go's json.Marshal (pretty: json.MarshalIndent with four spaces). */
static void add_json(struct buf *b, const struct doc_node *n, int pretty,
		     int depth)
{
	const struct doc_node *c;
	int64_t iv;
	double dv;
	char num[64];
	int first = 1;

	switch (n->kind) {
	case DOC_NULL:
		buf_add(b, "null", 4);
		return;
	case DOC_BOOL:
		buf_adds(b, bool_true(n->text) ? "true" : "false");
		return;
	case DOC_INT:
	case DOC_FLOAT:
		if (!doc_int(n, &iv)) {
			buf_addf(b, "%lld", (long long)iv);
			return;
		}
		if (!doc_float(n, &dv) && isfinite(dv)) {
			json_float_text(dv, num, sizeof(num));
			buf_adds(b, num);
			return;
		}
		add_go_string(b, n->text, n->len);	/* .inf, .nan */
		return;
	case DOC_STR:
		add_go_string(b, n->text, n->len);
		return;
	case DOC_SEQ:
		if (!n->child) {
			buf_add(b, "[]", 2);
			return;
		}
		buf_addch(b, '[');
		for (c = n->child; c; c = c->next) {
			if (!first)
				buf_addch(b, ',');
			first = 0;
			add_indent(b, pretty, depth + 1);
			add_json(b, c, pretty, depth + 1);
		}
		add_indent(b, pretty, depth);
		buf_addch(b, ']');
		return;
	case DOC_MAP:
		buf_addch(b, '{');
		for (c = n->child; c; c = c->next) {
			if (c->shadowed)
				continue;	/* the last of repeated keys wins */
			if (!first)
				buf_addch(b, ',');
			first = 0;
			add_indent(b, pretty, depth + 1);
			add_go_string(b, c->key, c->key_len);
			buf_add(b, pretty ? ": " : ":", pretty ? 2 : 1);
			add_json(b, c, pretty, depth + 1);
		}
		if (!first)
			add_indent(b, pretty, depth);
		buf_addch(b, '}');
		return;
	}
	BUG("unknown doc kind %d", (int)n->kind);
}

static char *print_json(const struct doc_node *node, int pretty)
{
	struct buf b = BUF_INIT;

	add_json(&b, node, pretty, 0);
	return buf_detach(&b, NULL);
}

char *doc_to_json(const struct doc_node *node)
{
	return print_json(node, 0);
}

char *doc_to_json_pretty(const struct doc_node *node)
{
	return print_json(node, 1);
}

/*
 * cJSON allocates through hooks, which are global: while a thread parses,
 * they take memory from the arena of the document being built, so that a
 * list of 10,000 objects (600,000 values) costs no malloc() and no free()
 * of its own, and the document's nodes point at cJSON's strings instead of
 * copying them.  Other uses of cJSON (none outside this file) and other
 * threads get malloc() and free().
 */
static _Thread_local struct arena *parse_arena;

static void *hook_malloc(size_t n)
{
	return parse_arena ? arena_alloc(parse_arena, n) : malloc(n);
}

static void hook_free(void *p)
{
	if (!parse_arena)
		free(p);
}

static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void install_hooks(void)
{
	cJSON_Hooks hooks = { hook_malloc, hook_free };

	cJSON_InitHooks(&hooks);
}

static struct doc_node *add_node(struct doc *d, struct doc_node *parent,
				 const char *key, enum doc_kind kind,
				 const char *text, size_t len)
{
	struct doc_node *n = doc_node_new(d, kind);

	if (key) {
		n->key = key;
		n->key_len = strlen(key);
	}
	n->text = text;
	n->len = len;
	if (parent)
		doc_node_append(parent, n);
	return n;
}

/*
 * Sets *inexact when a number cannot be given the text its sender wrote
 * (cJSON keeps only the double): integers beyond 2^53, and floats that Go
 * writes with an exponent.  The strings of j live in d's arena.
 */
static struct doc_node *from_cjson(struct doc *d, struct doc_node *parent,
				   const char *key, const cJSON *j,
				   int *inexact)
{
	struct doc_node *n;
	const cJSON *c;
	char num[64];

	if (cJSON_IsObject(j) || cJSON_IsArray(j)) {
		n = add_node(d, parent, key, cJSON_IsObject(j) ? DOC_MAP : DOC_SEQ,
			     "", 0);
		for (c = j->child; c; c = c->next)
			from_cjson(d, n, cJSON_IsObject(j) ? c->string : NULL, c,
				   inexact);
		return n;
	}
	if (cJSON_IsString(j))
		return add_node(d, parent, key, DOC_STR, j->valuestring,
				strlen(j->valuestring));
	if (cJSON_IsBool(j))
		return cJSON_IsTrue(j) ? add_node(d, parent, key, DOC_BOOL, "true", 4)
				       : add_node(d, parent, key, DOC_BOOL, "false", 5);
	if (cJSON_IsNumber(j)) {
		double v = j->valuedouble;
		enum doc_kind kind = DOC_FLOAT;

		if (v == floor(v) && fabs(v) < 9007199254740992.0) {
			snprintf(num, sizeof(num), "%.0f", v);
			kind = DOC_INT;
		} else if (json_float_text(v, num, sizeof(num)) || v == floor(v)) {
			*inexact = 1;
		}
		return add_node(d, parent, key, kind,
				arena_strdup(&d->arena, num), strlen(num));
	}
	return add_node(d, parent, key, DOC_NULL, "null", 4);
}

static struct doc *parse(const char *text, size_t len, int *inexact)
{
	const char *end = NULL;
	struct doc *d = doc_new("json", 0);
	cJSON *j;

	pthread_once(&hooks_once, install_hooks);
	parse_arena = &d->arena;
	j = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	parse_arena = NULL;
	if (!j) {
		doc_free(d);
		return NULL;
	}
	/* Only white space may follow the value. */
	while (end && end < text + len &&
	       (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
		end++;
	if (end && end < text + len && *end) {
		doc_free(d);
		return NULL;
	}
	d->root = from_cjson(d, NULL, NULL, j, inexact);
	return d;
}

struct doc *doc_from_json(const char *text, size_t len)
{
	int inexact = 0;

	return parse(text, len, &inexact);
}

struct doc *doc_from_json_exact(const char *text, size_t len)
{
	int inexact = 0;
	struct doc *d = parse(text, len, &inexact);

	if (d && inexact) {
		doc_free(d);
		return NULL;
	}
	return d;
}
