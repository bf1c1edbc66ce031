#include "compat.h"
#include "doc-json.h"
#include "alloc.h"
#include "buf.h"
#include "doc.h"

#include <cjson/cJSON.h>
#include <math.h>

static int bool_true(const char *t)
{
	return t[0] == 'y' || t[0] == 'Y' || t[0] == 't' || t[0] == 'T' ||
	       !strcmp(t, "on") || !strcmp(t, "On") || !strcmp(t, "ON");
}

static cJSON *to_cjson(const struct doc_node *n)
{
	const struct doc_node *c;
	cJSON *j;
	int64_t iv;
	double dv;
	char num[64];

	switch (n->kind) {
	case DOC_NULL:
		return cJSON_CreateNull();
	case DOC_BOOL:
		return cJSON_CreateBool(bool_true(n->text));
	case DOC_INT:
	case DOC_FLOAT:
		/* Raw text keeps big integers exact; cJSON would round them. */
		if (!doc_int(n, &iv)) {
			snprintf(num, sizeof(num), "%lld", (long long)iv);
			return cJSON_CreateRaw(num);
		}
		if (!doc_float(n, &dv) && isfinite(dv)) {
			snprintf(num, sizeof(num), "%.17g", dv);
			return cJSON_CreateRaw(num);
		}
		return cJSON_CreateString(n->text);	/* .inf, .nan */
	case DOC_STR:
		return cJSON_CreateString(n->text);
	case DOC_SEQ:
		j = cJSON_CreateArray();
		for (c = n->child; c; c = c->next)
			cJSON_AddItemToArray(j, to_cjson(c));
		return j;
	case DOC_MAP:
		j = cJSON_CreateObject();
		for (c = n->child; c; c = c->next) {
			char *key;

			if (c->shadowed)
				continue;	/* the last of repeated keys wins */
			key = xstrndup(c->key, c->key_len);
			cJSON_AddItemToObject(j, key, to_cjson(c));
			free(key);
		}
		return j;
	}
	BUG("unknown doc kind %d", (int)n->kind);
}

static char *print_json(const struct doc_node *node, int pretty)
{
	cJSON *j = to_cjson(node);
	char *text = pretty ? cJSON_Print(j) : cJSON_PrintUnformatted(j);
	char *out;

	cJSON_Delete(j);
	if (!text)
		BUG("cJSON could not print a document");
	/* cJSON allocates with its own allocator: hand back ours. */
	out = xstrdup(text);
	cJSON_free(text);
	return out;
}

char *doc_to_json(const struct doc_node *node)
{
	return print_json(node, 0);
}

char *doc_to_json_pretty(const struct doc_node *node)
{
	return print_json(node, 1);
}

static struct doc_node *from_cjson(struct doc *d, struct doc_node *parent,
				   const char *key, const cJSON *j)
{
	struct doc_node *n;
	const cJSON *c;
	char num[64];

	if (cJSON_IsObject(j) || cJSON_IsArray(j)) {
		n = doc_add(d, parent, key, cJSON_IsObject(j) ? DOC_MAP : DOC_SEQ,
			    NULL);
		for (c = j->child; c; c = c->next)
			from_cjson(d, n, cJSON_IsObject(j) ? c->string : NULL, c);
		return n;
	}
	if (cJSON_IsString(j))
		return doc_add(d, parent, key, DOC_STR, j->valuestring);
	if (cJSON_IsBool(j))
		return doc_add(d, parent, key, DOC_BOOL,
			       cJSON_IsTrue(j) ? "true" : "false");
	if (cJSON_IsNumber(j)) {
		double v = j->valuedouble;

		if (v == floor(v) && fabs(v) < 9007199254740992.0) {
			snprintf(num, sizeof(num), "%.0f", v);
			return doc_add(d, parent, key, DOC_INT, num);
		}
		snprintf(num, sizeof(num), "%.17g", v);
		return doc_add(d, parent, key, DOC_FLOAT, num);
	}
	return doc_add(d, parent, key, DOC_NULL, "null");
}

struct doc *doc_from_json(const char *text, size_t len)
{
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	struct doc *d;

	if (!j)
		return NULL;
	/* Only white space may follow the value. */
	while (end && end < text + len &&
	       (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
		end++;
	if (end && end < text + len && *end) {
		cJSON_Delete(j);
		return NULL;
	}
	d = doc_new("json", 0);
	d->root = from_cjson(d, NULL, NULL, j);
	cJSON_Delete(j);
	return d;
}
