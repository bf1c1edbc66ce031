#include "compat.h"
#include "doc-emit.h"
#include "buf.h"
#include "doc.h"
#include "doc-yaml.h"

/* Characters that start something other than a plain scalar. */
static int is_indicator(unsigned char c)
{
	return c && strchr(",[]{}#&*!|>'\"%@`=<~ \t", c) != NULL;
}

/* "-", "?" and ":" are indicators only before a space or at the end. */
static int starts_indicator(const char *s, size_t n)
{
	if (is_indicator((unsigned char)s[0]))
		return 1;
	if (s[0] == '-' || s[0] == '?' || s[0] == ':')
		return n == 1 || s[1] == ' ' || s[1] == '\t' ||
		       (n >= 3 && !strncmp(s, "---", 3));
	return 0;
}

static int must_quote(const char *s, size_t n)
{
	size_t i;

	if (!n || starts_indicator(s, n) ||
	    s[n - 1] == ' ' || s[n - 1] == ':')
		return 1;
	if (doc_yaml_plain_kind(s, n) != DOC_STR)
		return 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return 1;
		if ((c == ':' || c == ',' || c == '[' || c == ']' || c == '{' ||
		     c == '}') && (i + 1 == n || s[i + 1] == ' '))
			return 1;
		if (c == ':' && i + 1 < n && s[i + 1] == '\t')
			return 1;
		if (c == '#' && i && s[i - 1] == ' ')
			return 1;
	}
	return 0;
}

void doc_emit_yaml_str(const char *s, size_t n, struct buf *out)
{
	size_t i;

	if (!must_quote(s, n)) {
		buf_add(out, s, n);
		return;
	}
	buf_addch(out, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"':
			buf_adds(out, "\\\"");
			break;
		case '\\':
			buf_adds(out, "\\\\");
			break;
		case '\n':
			buf_adds(out, "\\n");
			break;
		case '\t':
			buf_adds(out, "\\t");
			break;
		case '\r':
			buf_adds(out, "\\r");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				buf_addf(out, "\\x%02x", c);
			else
				buf_addch(out, c);
		}
	}
	buf_addch(out, '"');
}

static void emit_scalar(const struct doc_node *n, struct buf *out)
{
	switch (n->kind) {
	case DOC_STR:
		doc_emit_yaml_str(n->text, n->len, out);
		break;
	case DOC_NULL:
		buf_adds(out, "null");
		break;
	default:
		/*
		 * Numbers and booleans keep their text; a JSON "1e3" or "true"
		 * reads back as the same kind in YAML.
		 */
		buf_add(out, n->text, n->len);
	}
}

static void indent(struct buf *out, unsigned level)
{
	unsigned i;

	for (i = 0; i < level; i++)
		buf_adds(out, "  ");
}

static int is_empty_container(const struct doc_node *n)
{
	return (n->kind == DOC_MAP || n->kind == DOC_SEQ) && !n->child;
}

static void emit_node(const struct doc_node *n, unsigned level, struct buf *out);

/* After "key:" or "- ": a scalar or empty container stays on the line. */
static void emit_value(const struct doc_node *v, unsigned level,
		       struct buf *out)
{
	if (v->kind == DOC_MAP && v->child) {
		buf_addch(out, '\n');
		emit_node(v, level, out);
	} else if (v->kind == DOC_SEQ && v->child) {
		buf_addch(out, '\n');
		emit_node(v, level, out);
	} else if (is_empty_container(v)) {
		buf_adds(out, v->kind == DOC_MAP ? " {}\n" : " []\n");
	} else {
		buf_addch(out, ' ');
		emit_scalar(v, out);
		buf_addch(out, '\n');
	}
}

static void emit_map_entries(const struct doc_node *n, unsigned level,
			     int first_inline, struct buf *out)
{
	const struct doc_node *c;

	for (c = n->child; c; c = c->next) {
		if (c->shadowed)
			continue;	/* the last of repeated keys wins */
		if (!first_inline || c != n->child)
			indent(out, level);
		doc_emit_yaml_str(c->key, c->key_len, out);
		buf_addch(out, ':');
		emit_value(c, level + 1, out);
	}
}

static void emit_node(const struct doc_node *n, unsigned level, struct buf *out)
{
	const struct doc_node *c;

	if (n->kind == DOC_MAP && n->child) {
		emit_map_entries(n, level, 0, out);
		return;
	}
	if (n->kind == DOC_SEQ && n->child) {
		for (c = n->child; c; c = c->next) {
			indent(out, level);
			buf_addch(out, '-');
			if (c->kind == DOC_MAP && c->child) {
				/* "- key: v" then the other keys under it */
				buf_addch(out, ' ');
				emit_map_entries(c, level + 1, 1, out);
			} else {
				emit_value(c, level + 1, out);
			}
		}
		return;
	}
	indent(out, level);
	if (is_empty_container(n))
		buf_adds(out, n->kind == DOC_MAP ? "{}" : "[]");
	else
		emit_scalar(n, out);
	buf_addch(out, '\n');
}

void doc_emit_yaml(const struct doc_node *node, struct buf *out)
{
	emit_node(node, 0, out);
}
