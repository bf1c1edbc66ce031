#include "compat.h"
#include "doc.h"
#include "fail.h"
#include "alloc.h"
#include "buf.h"
#include "numparse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>

struct doc *doc_new(const char *name, unsigned index)
{
	struct doc *d = xcalloc(1, sizeof(*d));

	d->name = arena_strdup(&d->arena, name);
	d->index = index;
	d->text = "";
	return d;
}

void doc_free(struct doc *d)
{
	if (!d)
		return;
	doc_free(d->part);
	arena_release(&d->arena);
	free(d);
}

struct doc_node *doc_node_new(struct doc *d, enum doc_kind kind)
{
	struct doc_node *n = arena_alloc(&d->arena, sizeof(*n));

	n->kind = kind;
	n->text = "";
	d->nr_nodes++;
	return n;
}

void doc_node_append(struct doc_node *parent, struct doc_node *child)
{
	child->parent = parent;
	child->index = parent->nr_children++;
	if (parent->last)
		parent->last->next = child;
	else
		parent->child = child;
	parent->last = child;
}

struct doc_node *doc_add(struct doc *d, struct doc_node *parent,
			 const char *key, enum doc_kind kind, const char *text)
{
	struct doc_node *n = doc_node_new(d, kind);

	if (key) {
		n->key = arena_strdup(&d->arena, key);
		n->key_len = strlen(key);
	}
	n->text = arena_strdup(&d->arena, text ? text : "");
	n->len = strlen(n->text);
	if (parent)
		doc_node_append(parent, n);
	return n;
}

void doc_set_text(struct doc *d, struct doc_node *node, const char *text,
		  size_t len)
{
	if (node->kind == DOC_SEQ || node->kind == DOC_MAP)
		BUG("doc_set_text on a %s", doc_kind_name(node->kind));
	node->text = arena_strndup(&d->arena, text, len);
	node->len = len;
	node->kind = DOC_STR;
	node->quoted = 1;
}

void doc_node_remove(struct doc_node *child)
{
	struct doc_node *parent = child->parent, **link, *c;

	if (!parent)
		return;
	for (link = &parent->child; *link != child; link = &(*link)->next)
		;
	*link = child->next;
	if (parent->last == child) {
		parent->last = NULL;
		for (c = parent->child; c; c = c->next)
			parent->last = c;
	}
	for (c = child->next; c; c = c->next)
		c->index--;
	parent->nr_children--;
	child->parent = NULL;
	child->next = NULL;
}

int doc_error_fail(const struct doc *d, struct fail *f)
{
	return fail_set(f, FAIL_PROTOCOL, "%s:%u:%u: %s", d->name,
			(unsigned)d->error->at.line, (unsigned)d->error->at.col,
			d->error->message);
}

int doc_is_key(const struct doc_node *node, const char *key)
{
	size_t n = strlen(key);

	return node->key && node->key_len == n && !memcmp(node->key, key, n);
}

struct doc_node *doc_lookup(const struct doc_node *node, const char *path)
{
	/*
	 * Each segment is looked up in place: status looks up a dozen paths
	 * in each of 10,000 Trials, and copying every segment out first was
	 * a tenth of its own work.
	 */
	while (node && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);

		node = doc_get_n(node, path, n);
		path += n + (dot ? 1 : 0);
	}
	return (struct doc_node *)node;
}

int doc_str_empty(const struct doc_node *node)
{
	return !node || node->kind == DOC_NULL ||
	       (node->kind == DOC_STR && !node->len);
}

static int parse_int_text(const char *s, size_t len, int64_t *out)
{
	char tmp[80];
	size_t i, n = 0;
	char *end;
	int base = 10;
	long long v;
	int neg = 0;
	const char *p;

	if (len >= sizeof(tmp))
		return -1;
	for (i = 0; i < len; i++)
		if (s[i] != '_')
			tmp[n++] = s[i];
	tmp[n] = '\0';
	p = tmp;
	if (*p == '-' || *p == '+') {
		neg = *p == '-';
		p++;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
		base = 2;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
		base = 8;
		p += 2;
	} else if (p[0] == '0' && p[1]) {
		base = 8;	/* Go's ParseInt with base 0, as go-yaml uses */
		p++;
	}
	if (!*p || *p == '-' || *p == '+')
		return -1;
	errno = 0;
	v = strtoll(p, &end, base);
	if (*end || errno)
		return -1;
	*out = neg ? -v : v;
	return 0;
}

int doc_int(const struct doc_node *node, int64_t *out)
{
	double d;

	if (!node)
		return -1;
	if (node->kind == DOC_INT)
		return parse_int_text(node->text, node->len, out);
	if (node->kind == DOC_FLOAT && !doc_float(node, &d) && isfinite(d) &&
	    d == floor(d) && fabs(d) < 9.2e18) {
		*out = (int64_t)d;
		return 0;
	}
	return -1;
}

int doc_float(const struct doc_node *node, double *out)
{
	char tmp[128];
	size_t i, n = 0;
	char *end;
	int64_t iv;
	const char *t;

	if (!node)
		return -1;
	if (node->kind == DOC_INT) {
		if (parse_int_text(node->text, node->len, &iv))
			return -1;
		*out = (double)iv;
		return 0;
	}
	if (node->kind != DOC_FLOAT || node->len >= sizeof(tmp))
		return -1;
	t = node->text;
	if (*t == '+' || *t == '-')
		t++;
	if (*t == '.' && (t[1] == 'i' || t[1] == 'I')) {
		*out = node->text[0] == '-' ? -INFINITY : INFINITY;
		return 0;
	}
	if (*t == '.' && (t[1] == 'n' || t[1] == 'N')) {
		*out = NAN;
		return 0;
	}
	for (i = 0; i < node->len; i++)
		if (node->text[i] != '_')
			tmp[n++] = node->text[i];
	tmp[n] = '\0';
	*out = num_strtod(tmp, &end);
	return *end ? -1 : 0;
}

const char *doc_kind_name(enum doc_kind kind)
{
	switch (kind) {
	case DOC_NULL:
		return "null";
	case DOC_BOOL:
		return "boolean";
	case DOC_INT:
		return "integer";
	case DOC_FLOAT:
		return "number";
	case DOC_STR:
		return "string";
	case DOC_SEQ:
		return "list";
	case DOC_MAP:
		return "map";
	}
	BUG("unknown doc kind %d", (int)kind);
}

static int is_identifier(const char *s, size_t n)
{
	size_t i;

	if (!n || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return 0;
	return 1;
}

void doc_add_key(struct buf *out, const char *key, size_t len)
{
	const char *nul;

	while ((nul = memchr(key, '\0', len))) {
		buf_add(out, key, (size_t)(nul - key));
		buf_add(out, "\\0", 2);
		len -= (size_t)(nul - key) + 1;
		key = nul + 1;
	}
	buf_add(out, key, len);
}

void doc_path(const struct doc_node *node, struct buf *out)
{
	const struct doc_node *chain[256];
	size_t n = 0;

	for (; node && node->parent && n < ARRAY_SIZE(chain);
	     node = node->parent)
		chain[n++] = node;
	while (n--) {
		const struct doc_node *c = chain[n];

		if (c->parent->kind == DOC_SEQ) {
			buf_addf(out, "[%u]", (unsigned)c->index);
		} else if (is_identifier(c->key, c->key_len)) {
			if (out->len)
				buf_addch(out, '.');
			buf_add(out, c->key, c->key_len);
		} else {
			buf_addch(out, '[');
			doc_add_key(out, c->key, c->key_len);
			buf_addch(out, ']');
		}
	}
}

static int check_node(const struct doc_node *n, const char **why)
{
	const struct doc_node *c;
	uint32_t count = 0;

	if (n->kind != DOC_SEQ && n->kind != DOC_MAP && n->child) {
		*why = "scalar with children";
		return -1;
	}
	if (!n->text) {
		*why = "node without text";
		return -1;
	}
	for (c = n->child; c; c = c->next) {
		if (c->parent != n) {
			*why = "child with a wrong parent link";
			return -1;
		}
		if (c->index != count) {
			*why = "child with a wrong index";
			return -1;
		}
		if ((n->kind == DOC_MAP) != (c->key != NULL)) {
			*why = "map child without key, or seq child with one";
			return -1;
		}
		if (!c->next && n->last != c) {
			*why = "wrong last-child link";
			return -1;
		}
		count++;
		if (check_node(c, why))
			return -1;
	}
	if (count != n->nr_children) {
		*why = "wrong child count";
		return -1;
	}
	return 0;
}

int doc_check(const struct doc *d, const char **why)
{
	*why = NULL;
	if (!d->root != !!d->error) {
		*why = "document must have a root or an error, not both";
		return -1;
	}
	if (d->root && d->root->parent) {
		*why = "root with a parent";
		return -1;
	}
	return d->root ? check_node(d->root, why) : 0;
}
