#include "compat.h"
#include "schema.h"
#include "buf.h"
#include "doc.h"
#include "levenshtein.h"

#include <math.h>

const struct schema_field *schema_field(const struct schema_type *t,
					const char *name, size_t len)
{
	size_t lo = 0, hi;

	if (!t || t->kind != SCHEMA_OBJECT)
		return NULL;
	hi = t->nr_fields;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct schema_field *f = &t->fields[mid];
		int key0 = len ? (unsigned char)name[0] : -1;
		int field0 = f->first;	/* names are never empty */
		int cmp;

		/*
		 * strcmp()'s order, from the lengths: most probes differ in
		 * the first byte and need no call, and a key with a NUL in
		 * it is compared whole (it sorts after the field that is
		 * its head).
		 */
		if (field0 != key0)
			cmp = field0 < key0 ? -1 : 1;
		else if (!(cmp = memcmp(f->name, name, f->len < len ? f->len : len)))
			cmp = f->len < len ? -1 : f->len > len;
		if (!cmp)
			return f;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int fits_int(const struct doc_node *n, double lo, double hi)
{
	int64_t v;

	if (doc_int(n, &v))
		return 0;
	return (double)v >= lo && (double)v <= hi;
}

/* Would Go's JSON decoder accept n (after YAML-to-JSON) as type t? */
static int accepts(const struct schema_type *t, const struct doc_node *n)
{
	if (n->kind == DOC_NULL)
		return 1;	/* null leaves the zero value */
	switch (t->kind) {
	case SCHEMA_ANY:
		return 1;
	case SCHEMA_OBJECT:
	case SCHEMA_MAP:
		return n->kind == DOC_MAP;
	case SCHEMA_ARRAY:
		return n->kind == DOC_SEQ;
	case SCHEMA_STRING:
		return n->kind == DOC_STR;
	case SCHEMA_INT32:
		return fits_int(n, -2147483648.0, 2147483647.0);
	case SCHEMA_INT64:
		return fits_int(n, -9.2233720368547758e18, 9.2233720368547758e18);
	case SCHEMA_NUMBER: {
		double d;

		return (n->kind == DOC_INT || n->kind == DOC_FLOAT) &&
		       !doc_float(n, &d) && isfinite(d);
	}
	case SCHEMA_BOOL:
		return n->kind == DOC_BOOL;
	case SCHEMA_INT_OR_STRING:
		return n->kind == DOC_STR ||
		       fits_int(n, -2147483648.0, 2147483647.0);
	case SCHEMA_QUANTITY:
		return n->kind == DOC_STR || n->kind == DOC_INT ||
		       n->kind == DOC_FLOAT;
	}
	return 0;
}

unsigned schema_check(const struct schema_type *t, const struct doc_node *n,
		      schema_report_fn *report, void *data)
{
	const struct doc_node *c;
	unsigned problems = 0;

	if (!t || !n)
		return 0;
	if (!accepts(t, n)) {
		report(data, SCHEMA_WRONG_TYPE, n, t->name, t);
		return 1;
	}
	switch (t->kind) {
	case SCHEMA_OBJECT:
		for (c = n->child; c; c = c->next) {
			const struct schema_field *f =
				schema_field(t, c->key, c->key_len);

			if (!f) {
				report(data, SCHEMA_UNKNOWN_FIELD, c, t->name, t);
				problems++;
				continue;
			}
			problems += schema_check(f->type, c, report, data);
		}
		break;
	case SCHEMA_MAP:
	case SCHEMA_ARRAY:
		for (c = n->child; c; c = c->next)
			problems += schema_check(t->elem, c, report, data);
		break;
	default:
		break;
	}
	return problems;
}

const struct schema_type *schema_type_at(const struct schema_type *t,
					 const struct doc_node *root,
					 const struct doc_node *node)
{
	const struct schema_field *f;

	if (!t || !node)
		return NULL;
	if (node == root)
		return t;
	t = schema_type_at(t, root, node->parent);
	if (!t)
		return NULL;
	switch (t->kind) {
	case SCHEMA_OBJECT:
		f = node->key ? schema_field(t, node->key, node->key_len) : NULL;
		return f ? f->type : NULL;
	case SCHEMA_MAP:
	case SCHEMA_ARRAY:
		return t->elem;
	default:
		return NULL;
	}
}

const struct schema_type *schema_object_of(const struct schema_type *t)
{
	if (t && (t->kind == SCHEMA_ARRAY || t->kind == SCHEMA_MAP))
		t = t->elem;
	return t && t->kind == SCHEMA_OBJECT ? t : NULL;
}

const char *schema_suggest(const struct schema_type *t, const char *name,
			   size_t len)
{
	const char *best = NULL;
	size_t i, best_d = SIZE_MAX;

	if (!t || t->kind != SCHEMA_OBJECT)
		return NULL;
	for (i = 0; i < t->nr_fields; i++) {
		const char *f = t->fields[i].name;
		size_t d = levenshtein(name, len, f, strlen(f), 1);

		if (d < best_d) {
			best_d = d;
			best = f;
		}
	}
	/* A case-only difference counts 0: "primaryContainername". */
	if (best && best_d <= (len < 6 ? 1 : len / 3))
		return best;
	return NULL;
}

const char *schema_kind_phrase(const struct schema_type *t)
{
	switch (t->kind) {
	case SCHEMA_ANY:
		return "any value";
	case SCHEMA_OBJECT:
	case SCHEMA_MAP:
		return "a map";
	case SCHEMA_ARRAY:
		return "a list";
	case SCHEMA_STRING:
		return "a string";
	case SCHEMA_INT32:
		return "an integer (int32)";
	case SCHEMA_INT64:
		return "an integer (int64)";
	case SCHEMA_NUMBER:
		return "a number";
	case SCHEMA_BOOL:
		return "a boolean";
	case SCHEMA_INT_OR_STRING:
		return "an integer or a string";
	case SCHEMA_QUANTITY:
		return "a quantity such as \"500m\" or \"1Gi\"";
	}
	return "a value";
}

void schema_type_label(const struct schema_type *t, struct buf *out)
{
	switch (t->kind) {
	case SCHEMA_ARRAY:
		buf_adds(out, "[]");
		schema_type_label(t->elem, out);
		return;
	case SCHEMA_MAP:
		buf_adds(out, "map[string]");
		schema_type_label(t->elem, out);
		return;
	case SCHEMA_OBJECT:
		buf_adds(out, t->name && *t->name ? t->name : "Object");
		return;
	case SCHEMA_ANY:
		buf_adds(out, "Object");
		return;
	case SCHEMA_STRING:
		buf_adds(out, "string");
		return;
	case SCHEMA_INT32:
	case SCHEMA_INT64:
		buf_adds(out, "integer");
		return;
	case SCHEMA_NUMBER:
		buf_adds(out, "number");
		return;
	case SCHEMA_BOOL:
		buf_adds(out, "boolean");
		return;
	case SCHEMA_INT_OR_STRING:
		buf_adds(out, "IntOrString");
		return;
	case SCHEMA_QUANTITY:
		buf_adds(out, "Quantity");
		return;
	}
}
