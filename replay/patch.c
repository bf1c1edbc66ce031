/*
 * PATCH and DELETE of stored objects, kept in memory as creates are, and
 * logged as MODIFIED and DELETED for watches.
 *
 * Patches as kube-apiserver takes them (staging/src/k8s.io/apiserver/
 * pkg/endpoints/handlers/patch.go, in kubernetes), by Content-Type:
 *   application/merge-patch+json           RFC 7386
 *   application/json-patch+json            RFC 6902 (add, remove,
 *                                          replace, test, copy, move)
 *   application/strategic-merge-patch+json for built-in kinds: maps
 *                                          merge, lists with a merge key
 *                                          merge by it (containers by
 *                                          name, ...), with the $patch,
 *                                          $deleteFromPrimitiveList and
 *                                          $retainKeys directives
 *                                          (staging/src/k8s.io/
 *                                          apimachinery/pkg/util/
 *                                          strategicpatch/patch.go); a
 *                                          custom resource's is 415, as
 *                                          the apiserver answers
 * anything else is 415, as for server-side apply, which the server lacks.
 */
#include "compat.h"
#include "replay.h"

/* A copy of src (and all below it) in d, under parent. */
static struct doc_node *copy_node(struct doc *d, struct doc_node *parent,
				  const char *key, const struct doc_node *src)
{
	struct doc_node *n = doc_add(d, parent, key, src->kind,
				     src->kind == DOC_MAP || src->kind == DOC_SEQ ? NULL : src->text);
	const struct doc_node *c;

	n->quoted = src->quoted;
	for (c = src->child; c; c = c->next)
		copy_node(d, n, src->kind == DOC_MAP ? c->key : NULL, c);
	return n;
}

/* Removes key from map, every repeat of it. */
static void remove_key(struct doc_node *map, const char *key)
{
	struct doc_node *c, *next;

	for (c = map->child; c; c = next) {
		next = c->next;
		if (c->key && !strcmp(c->key, key))
			doc_node_remove(c);
	}
}

/* RFC 7386: null removes, a map merges into a map, anything else replaces. */
static void merge(struct doc *d, struct doc_node *target, const struct doc_node *patch)
{
	const struct doc_node *p;

	for (p = patch->child; p; p = p->next) {
		struct doc_node *t = doc_get(target, p->key);

		if (p->kind == DOC_NULL) {
			remove_key(target, p->key);
		} else if (p->kind == DOC_MAP && t && t->kind == DOC_MAP) {
			merge(d, t, p);
		} else {
			struct doc_node *n;

			remove_key(target, p->key);
			if (p->kind == DOC_MAP) {
				n = doc_add(d, target, p->key, DOC_MAP, NULL);
				merge(d, n, p);	/* drops the patch's nulls */
			} else {
				copy_node(d, target, p->key, p);
			}
		}
	}
}

/*
 * The patchMergeKey of a list field of the built-in kinds an
 * Experiment's trials make (k8s.io/api/core/v1 and meta/v1 types.go:
 * `patchStrategy:"merge" patchMergeKey:"..."`), by the field's name;
 * "" merges a list of scalars as a set; NULL replaces the list.
 */
static const char *merge_key(const char *field, const struct doc_node *list)
{
	static const char *const keys[][2] = {
		{ "containers", "name" }, { "initContainers", "name" },
		{ "ephemeralContainers", "name" }, { "env", "name" },
		{ "volumes", "name" }, { "volumeMounts", "mountPath" },
		{ "volumeDevices", "devicePath" }, { "imagePullSecrets", "name" },
		{ "hostAliases", "ip" }, { "conditions", "type" },
		{ "ownerReferences", "uid" }, { "topologySpreadConstraints", "topologyKey" },
		{ "resourceClaims", "name" }, { "finalizers", "" },
	};
	size_t i;

	/* A container's ports merge by containerPort, a Service's by port. */
	if (!strcmp(field, "ports"))
		return list->child && doc_get(list->child, "containerPort") ? "containerPort" : "port";
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(field, keys[i][0]))
			return keys[i][1];
	return NULL;
}

static int is_directive(const char *key)
{
	return key && key[0] == '$';
}

/* The element of list whose key has the text of want's, or NULL. */
static struct doc_node *element_by(struct doc_node *list, const char *key,
				   const struct doc_node *want)
{
	struct doc_node *e;
	const struct doc_node *wk = doc_get(want, key);

	for (e = list->child; wk && e; e = e->next) {
		const struct doc_node *ek = doc_get(e, key);

		if (ek && ek->text && wk->text && !strcmp(ek->text, wk->text))
			return e;
	}
	return NULL;
}

/* A copy of a patch map without its directives, under parent. */
static struct doc_node *copy_plain(struct doc *d, struct doc_node *parent,
				   const char *key, const struct doc_node *src);

static void smerge(struct doc *d, struct doc_node *target, const struct doc_node *patch);

static void smerge_list(struct doc *d, struct doc_node *target, const char *field,
			const struct doc_node *patch)
{
	struct doc_node *t = doc_get(target, field);
	const char *key = merge_key(field, patch);
	const struct doc_node *p;

	if (!t || t->kind != DOC_SEQ || !key) {
		remove_key(target, field);
		copy_plain(d, target, field, patch);
		return;
	}
	/* {"$patch": "replace"} in a list: the rest of it replaces the list. */
	for (p = patch->child; p; p = p->next)
		if (p->kind == DOC_MAP && doc_get_str(p, "$patch") &&
		    !strcmp(doc_get_str(p, "$patch"), "replace")) {
			remove_key(target, field);
			t = doc_add(d, target, field, DOC_SEQ, NULL);
			for (p = patch->child; p; p = p->next)
				if (!(p->kind == DOC_MAP && doc_get(p, "$patch")))
					copy_plain(d, t, NULL, p);
			return;
		}
	for (p = patch->child; p; p = p->next) {
		struct doc_node *e;

		if (!*key) {
			/* A set of scalars: add what is missing. */
			for (e = t->child; e; e = e->next)
				if (e->text && p->text && !strcmp(e->text, p->text))
					break;
			if (!e)
				copy_plain(d, t, NULL, p);
			continue;
		}
		if (p->kind != DOC_MAP)
			continue;
		e = element_by(t, key, p);
		if (doc_get_str(p, "$patch") && !strcmp(doc_get_str(p, "$patch"), "delete")) {
			if (e)
				doc_node_remove(e);
		} else if (e) {
			smerge(d, e, p);
		} else {
			copy_plain(d, t, NULL, p);
		}
	}
}

static struct doc_node *copy_plain(struct doc *d, struct doc_node *parent,
				   const char *key, const struct doc_node *src)
{
	struct doc_node *n;
	const struct doc_node *c;

	if (src->kind != DOC_MAP)
		return copy_node(d, parent, key, src);
	n = doc_add(d, parent, key, DOC_MAP, NULL);
	for (c = src->child; c; c = c->next)
		if (!is_directive(c->key) && c->kind != DOC_NULL)
			copy_plain(d, n, c->key, c);
	return n;
}

/* A strategic merge patch on a map of a built-in kind. */
static void smerge(struct doc *d, struct doc_node *target, const struct doc_node *patch)
{
	const struct doc_node *p, *retain = doc_get(patch, "$retainKeys");

	if (doc_get_str(patch, "$patch") && !strcmp(doc_get_str(patch, "$patch"), "replace")) {
		while (target->child)
			doc_node_remove(target->child);
		for (p = patch->child; p; p = p->next)
			if (!is_directive(p->key) && p->kind != DOC_NULL)
				copy_plain(d, target, p->key, p);
		return;
	}
	/* $retainKeys: the keys of target not listed go. */
	if (retain && retain->kind == DOC_SEQ) {
		struct doc_node *c, *next;

		for (c = target->child; c; c = next) {
			const struct doc_node *k;

			next = c->next;
			for (k = retain->child; k; k = k->next)
				if (k->text && c->key && !strcmp(k->text, c->key))
					break;
			if (!k)
				doc_node_remove(c);
		}
	}
	for (p = patch->child; p; p = p->next) {
		struct doc_node *t;

		if (p->key && !strncmp(p->key, "$deleteFromPrimitiveList/", 25)) {
			struct doc_node *list = doc_get(target, p->key + 25), *e, *next;
			const struct doc_node *v;

			for (e = list && list->kind == DOC_SEQ ? list->child : NULL; e; e = next) {
				next = e->next;
				for (v = p->child; v; v = v->next)
					if (e->text && v->text && !strcmp(e->text, v->text))
						doc_node_remove(e);
			}
			continue;
		}
		if (is_directive(p->key))
			continue;	/* $setElementOrder, $patch, $retainKeys: done or order only */
		t = doc_get(target, p->key);
		if (p->kind == DOC_NULL) {
			remove_key(target, p->key);
		} else if (p->kind == DOC_MAP && doc_get_str(p, "$patch") &&
			   !strcmp(doc_get_str(p, "$patch"), "delete")) {
			remove_key(target, p->key);
		} else if (p->kind == DOC_MAP && t && t->kind == DOC_MAP) {
			smerge(d, t, p);
		} else if (p->kind == DOC_SEQ) {
			smerge_list(d, target, p->key, p);
		} else {
			remove_key(target, p->key);
			copy_plain(d, target, p->key, p);
		}
	}
}


/* Links child into parent before "before" (NULL: at the end). */
static void insert_before(struct doc_node *parent, struct doc_node *child,
			  struct doc_node *before)
{
	struct doc_node **link = &parent->child, *prev = NULL, *c;
	uint32_t i = 0;

	doc_node_remove(child);
	while (*link && *link != before) {
		prev = *link;
		link = &(*link)->next;
	}
	child->next = before;
	*link = child;
	child->parent = parent;
	if (!before)
		parent->last = child;
	(void)prev;
	parent->nr_children++;
	for (c = parent->child; c; c = c->next)
		c->index = i++;
}

/*
 * Resolves a JSON pointer to the parent container and the last token
 * (unescaped, "~1" -> "/", "~0" -> "~"); NULL when the parent is missing.
 */
static struct doc_node *pointer_parent(struct doc_node *root, const char *ptr,
				       struct buf *last)
{
	struct doc_node *n = root;
	const char *p = ptr;

	buf_reset(last);
	if (*p != '/')
		return NULL;
	for (;;) {
		const char *end = strchr(p + 1, '/');
		size_t len = end ? (size_t)(end - p - 1) : strlen(p + 1);
		size_t k;

		buf_reset(last);
		for (k = 0; k < len; k++) {
			char ch = p[1 + k];

			if (ch == '~' && k + 1 < len && (p[2 + k] == '0' || p[2 + k] == '1')) {
				buf_addch(last, p[2 + k] == '1' ? '/' : '~');
				k++;
			} else {
				buf_addch(last, ch);
			}
		}
		if (!end)
			return n;
		if (n->kind == DOC_MAP) {
			n = doc_get(n, last->buf);
		} else if (n->kind == DOC_SEQ) {
			char *e;
			unsigned long idx = strtoul(last->buf, &e, 10);
			struct doc_node *c = n->child;

			if (*e || !*last->buf)
				return NULL;
			while (c && idx--)
				c = c->next;
			n = c;
		} else {
			return NULL;
		}
		if (!n)
			return NULL;
		p = end;
	}
}

/* The member of container named by token; NULL when there is none. */
static struct doc_node *member(struct doc_node *container, const char *token)
{
	struct doc_node *c;
	char *e;
	unsigned long idx;

	if (container->kind == DOC_MAP)
		return doc_get(container, token);
	if (container->kind != DOC_SEQ)
		return NULL;
	idx = strtoul(token, &e, 10);
	if (*e || !*token)
		return NULL;
	for (c = container->child; c && idx; c = c->next)
		idx--;
	return c;
}

/* Two values equal as JSON values are. */
static int same(const struct doc_node *a, const struct doc_node *b)
{
	char *ja = doc_to_json(a), *jb = doc_to_json(b);
	int eq = !strcmp(ja, jb);

	free(ja);
	free(jb);
	return eq;
}

/* Places value at the pointer's last token: add's semantics. */
static int put(struct doc *d, struct doc_node *parent, const char *token,
	       const struct doc_node *value)
{
	struct doc_node *n;

	if (parent->kind == DOC_MAP) {
		remove_key(parent, token);
		copy_node(d, parent, token, value);
		return 0;
	}
	if (parent->kind != DOC_SEQ)
		return -1;
	if (strcmp(token, "-")) {
		struct doc_node *before = member(parent, token);
		char *e;
		unsigned long idx = strtoul(token, &e, 10);

		if (*e || !*token || (!before && idx != parent->nr_children))
			return -1;
		n = copy_node(d, parent, NULL, value);
		insert_before(parent, n, before);
		return 0;
	}
	copy_node(d, parent, NULL, value);
	return 0;
}

/* RFC 6902.  Returns NULL, or why the patch cannot be applied. */
static const char *json_patch(struct doc *d, const struct doc_node *ops)
{
	const struct doc_node *op;
	struct buf token = BUF_INIT, from_token = BUF_INIT;
	const char *why = NULL;

	if (ops->kind != DOC_SEQ)
		return "the patch is not a list of operations";
	for (op = ops->child; op && !why; op = op->next) {
		const char *name = doc_get_str(op, "op"), *path = doc_get_str(op, "path");
		const char *from = doc_get_str(op, "from");
		const struct doc_node *value = doc_get(op, "value");
		struct doc_node *parent, *target, *src = NULL;

		if (!name || !path) {
			why = "an operation lacks op or path";
			break;
		}
		if (!*path) {
			why = "the replay server does not replace whole objects";
			break;
		}
		parent = pointer_parent(d->root, path, &token);
		target = parent ? member(parent, token.buf) : NULL;
		if (!parent) {
			why = "doc is missing path";
		} else if (!strcmp(name, "add")) {
			if (!value || put(d, parent, token.buf, value))
				why = "doc is missing path";
		} else if (!strcmp(name, "remove")) {
			if (!target)
				why = "doc is missing path";
			else
				doc_node_remove(target);
		} else if (!strcmp(name, "replace")) {
			if (!target || !value) {
				why = "doc is missing key";
			} else if (parent->kind == DOC_SEQ) {
				struct doc_node *n = copy_node(d, parent, NULL, value);

				insert_before(parent, n, target);
				doc_node_remove(target);
			} else {
				put(d, parent, token.buf, value);
			}
		} else if (!strcmp(name, "test")) {
			if (!target || !value || !same(target, value))
				why = "testing value failed";
		} else if (!strcmp(name, "copy") || !strcmp(name, "move")) {
			struct doc_node *fp = from ? pointer_parent(d->root, from, &from_token) : NULL;

			src = fp ? member(fp, from_token.buf) : NULL;
			if (!src) {
				why = "doc is missing from path";
			} else {
				/* The value is copied before the source goes. */
				struct doc *tmp = doc_new("patch", 0);
				struct doc_node *v = copy_node(tmp, NULL, NULL, src);

				if (!strcmp(name, "move"))
					doc_node_remove(src);
				if (put(d, parent, token.buf, v))
					why = "doc is missing path";
				doc_free(tmp);
			}
		} else {
			why = "unknown operation";
		}
	}
	buf_release(&token);
	buf_release(&from_token);
	return why;
}

static void not_found(struct conn *c, const struct route *rt)
{
	struct buf msg = BUF_INIT;

	buf_addf(&msg, "%s%s%s \"%s\" not found", rt->resource, *rt->group ? "." : "",
		 rt->group, rt->name);
	respond_status(c, 404, "NotFound", msg.buf);
	buf_release(&msg);
}

static int dry_run(struct conn *c)
{
	const char *dry = httpd_arg(c->req, "dryRun");

	return dry && !strcmp(dry, "All");
}

void serve_patch(struct server *s, struct conn *c, const struct route *rt,
		 const char *body, size_t len)
{
	const char *type = httpd_header(c->req, "Content-Type");
	struct object *o = (struct object *)find_object(s, rt->group, rt->version,
							rt->resource, rt->ns, rt->name);
	struct doc_reader *r;
	struct fail f = FAIL_INIT;
	struct doc *patch = NULL, *work;
	const char *why = NULL, *name, *ns;
	struct buf b = BUF_INIT;
	char *json;
	int merge_kind, strategic;

	if (!o) {
		not_found(c, rt);
		return;
	}
	strategic = type && !strncmp(type, "application/strategic-merge-patch+json", 38);
	merge_kind = strategic || (type && !strncmp(type, "application/merge-patch+json", 28));
	if (strategic && !builtin_group(rt->group)) {
		/* What the apiserver's custom resource handler accepts. */
		respond_status(c, 415, "UnsupportedMediaType",
			       "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
		return;
	}
	if (!type || (!merge_kind && strncmp(type, "application/json-patch+json", 27))) {
		struct buf msg = BUF_INIT;

		buf_addf(&msg, "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json");
		respond_status(c, 415, "UnsupportedMediaType", msg.buf);
		buf_release(&msg);
		return;
	}
	doc_reader_open_mem(&r, "patch", body, len, NULL);
	if (doc_reader_next(r, &patch, &f) <= 0 || patch->error || !patch->root ||
	    (merge_kind && patch->root->kind != DOC_MAP)) {
		doc_free(patch);
		doc_reader_free(r);
		fail_clear(&f);
		respond_status(c, 400, "BadRequest", "the patch is not valid JSON of its type");
		return;
	}
	doc_reader_free(r);
	/* Patched on a copy: a patch that fails, or a dry run, changes nothing. */
	json = doc_to_json(o->doc->root);
	doc_reader_open_mem(&r, "object", json, strlen(json), NULL);
	work = NULL;
	if (doc_reader_next(r, &work, &f) <= 0 || !work->root) {
		doc_free(work);
		work = NULL;
	}
	doc_reader_free(r);
	free(json);
	fail_clear(&f);
	if (!work) {
		doc_free(patch);
		respond_status(c, 500, "InternalError", "the stored object could not be read back");
		return;
	}
	if (strategic)
		smerge(work, work->root, patch->root);
	else if (merge_kind)
		merge(work, work->root, patch->root);
	else
		why = json_patch(work, patch->root);
	doc_free(patch);
	name = doc_str(doc_lookup(work->root, "metadata.name"));
	ns = doc_str(doc_lookup(work->root, "metadata.namespace"));
	if (!why && (!name || strcmp(name, o->name) ||
		     (o->namespace && (!ns || strcmp(ns, o->namespace)))))
		why = "a patch may not change the object's name or namespace";
	if (why) {
		doc_free(work);
		respond_status(c, 422, "Invalid", why);
		return;
	}
	/* Admission judges the patched object, dry run or not, as for a create. */
	if (respond_denial(c, matching_review(s, work->root, o->namespace, "UPDATE"))) {
		doc_free(work);
		return;
	}
	if (dry_run(c)) {
		json = doc_to_json(work->root);
		doc_free(work);
	} else {
		o->doc = work;
		o->node = work->root;
		ALLOC_GROW(s->docs, s->nr_docs + 1, s->alloc_docs);
		s->docs[s->nr_docs++] = work;
		store_changed(s, (size_t)(o - s->obj), "MODIFIED");
		json = doc_to_json(o->node);
	}
	buf_adds(&b, json);
	free(json);
	respond_json(c, 200, &b);
	buf_release(&b);
}

void serve_delete(struct server *s, struct conn *c, const struct route *rt)
{
	struct object *o = (struct object *)find_object(s, rt->group, rt->version,
							rt->resource, rt->ns, rt->name);
	struct buf b = BUF_INIT;

	if (!o) {
		not_found(c, rt);
		return;
	}
	if (!dry_run(c)) {
		store_changed(s, (size_t)(o - s->obj), "DELETED");
		o->deleted = 1;
	}
	/* What the generic registry answers for an object deleted at once. */
	buf_adds(&b, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Success\",\"details\":{\"name\":");
	buf_add_json_str(&b, o->name, strlen(o->name));
	buf_adds(&b, ",\"group\":");
	buf_add_json_str(&b, o->group, strlen(o->group));
	buf_adds(&b, ",\"kind\":");
	buf_add_json_str(&b, o->resource, strlen(o->resource));
	buf_adds(&b, "}}");
	respond_json(c, 200, &b);
	buf_release(&b);
}
