/*
 * Label and field selectors, as list (and watch) requests give them.
 */
#include "compat.h"
#include "replay.h"

/* Does labels match one requirement ("k=v", "k!=v", "k", "!k", "k in (a,b)")? */
static int requirement_matches(const struct doc_node *labels, const char *req,
			       size_t len)
{
	char key[256], val[256];
	const char *p = req, *end = req + len, *op;
	size_t kl;
	const char *have;

	while (p < end && *p == ' ')
		p++;
	while (end > p && end[-1] == ' ')
		end--;
	if (p < end && *p == '!') {
		kl = (size_t)(end - p - 1);
		if (kl >= sizeof(key))
			return 0;
		memcpy(key, p + 1, kl);
		key[kl] = '\0';
		return !doc_get(labels, key);
	}
	op = p;
	while (op < end && *op != '=' && *op != '!' && *op != ' ')
		op++;
	kl = (size_t)(op - p);
	if (kl >= sizeof(key))
		return 0;
	memcpy(key, p, kl);
	key[kl] = '\0';
	have = doc_get_str(labels, key);
	if (op == end)
		return have != NULL;
	while (op < end && *op == ' ')
		op++;
	if (!strncmp(op, "in ", 3) || !strncmp(op, "notin ", 6)) {
		int negate = op[0] == 'n';
		const char *l = strchr(op, '('), *r = l ? memchr(l, ')', (size_t)(end - l)) : NULL;
		int hit = 0;

		if (!l || !r)
			return 0;
		for (p = l + 1; p < r;) {
			const char *q = memchr(p, ',', (size_t)(r - p));
			const char *e = q ? q : r, *a = p;

			while (a < e && *a == ' ')
				a++;
			while (e > a && e[-1] == ' ')
				e--;
			if (have && strlen(have) == (size_t)(e - a) && !memcmp(have, a, (size_t)(e - a)))
				hit = 1;
			p = q ? q + 1 : r;
		}
		return negate ? !hit : hit;
	}
	{
		int negate = op[0] == '!';
		size_t vl;

		op += negate ? 2 : (op[1] == '=' ? 2 : 1);
		vl = (size_t)(end - op);
		if (vl >= sizeof(val))
			return 0;
		memcpy(val, op, vl);
		val[vl] = '\0';
		return negate ? !have || strcmp(have, val) : have && !strcmp(have, val);
	}
}

int selector_matches(const struct object *o, const char *selector)
{
	const struct doc_node *labels;
	const char *p = selector;
	int depth = 0;

	if (!selector || !*selector)
		return 1;
	if (o->json)
		return 1;	/* created objects: no selector support needed */
	labels = doc_lookup(o->node, "metadata.labels");
	while (*p) {
		const char *q = p;

		/* Commas inside "in (a,b)" do not separate requirements. */
		for (depth = 0; *q && (depth || *q != ','); q++)
			depth += *q == '(' ? 1 : *q == ')' ? -1 : 0;
		if (!requirement_matches(labels, p, (size_t)(q - p)))
			return 0;
		p = *q ? q + 1 : q;
	}
	return 1;
}

/*
 * fieldSelector: "a.b=v", "a.b==v" or "a.b!=v", comma-separated, on any
 * field path (involvedObject.name for events, metadata.name, status.phase).
 */
int field_selector_matches(const struct object *o, const char *sel)
{
	char path[256], val[256];
	const char *p = sel;

	if (!sel || !*sel)
		return 1;
	if (o->json)
		return 1;
	while (*p) {
		const char *end = strchr(p, ','), *eq;
		size_t len = end ? (size_t)(end - p) : strlen(p), kl, vl;
		int negate;
		const char *have;

		eq = memchr(p, '=', len);
		if (!eq)
			return 0;
		negate = eq > p && eq[-1] == '!';
		kl = (size_t)(eq - p) - (size_t)negate;
		if (eq + 1 < p + len && eq[1] == '=')
			eq++;
		vl = (size_t)(p + len - eq - 1);
		if (kl >= sizeof(path) || vl >= sizeof(val))
			return 0;
		memcpy(path, p, kl);
		path[kl] = '\0';
		memcpy(val, eq + 1, vl);
		val[vl] = '\0';
		have = doc_str(doc_lookup(o->node, path));
		if (negate ? have && !strcmp(have, val) : !have || strcmp(have, val))
			return 0;
		p = end ? end + 1 : p + len;
	}
	return 1;
}
