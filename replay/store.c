/*
 * The object store: what a recording holds, indexed by group, version,
 * resource, namespace and name, and the objects created over the API.
 */
#include "compat.h"
#include "replay.h"
#include "experiment.h"

#include <ctype.h>

static const char *const cluster_scoped[] = {
	"Namespace", "PersistentVolume", "Node", "ClusterRole",
	"ClusterRoleBinding", "CustomResourceDefinition", "StorageClass",
	"PriorityClass", "ClusterTrainingRuntime", NULL,
};

static char *lower_plural(struct arena *a, const char *kind)
{
	size_t n = strlen(kind), i;
	char *p = arena_alloc(a, n + 3);

	for (i = 0; i < n; i++)
		p[i] = (char)tolower((unsigned char)kind[i]);
	if (n && p[n - 1] == 'y' && n > 1 && !strchr("aeiou", p[n - 2])) {
		p[n - 1] = 'i';
		memcpy(p + n, "es", 3);
	} else if (n && (p[n - 1] == 's' || p[n - 1] == 'x')) {
		memcpy(p + n, "es", 3);
	} else {
		memcpy(p + n, "s", 2);
	}
	return p;
}

static int is_cluster_scoped(const char *kind)
{
	const char *const *k;

	for (k = cluster_scoped; *k; k++)
		if (!strcmp(*k, kind))
			return 1;
	return 0;
}

/*
 * Gives the object at idx the store's next resourceVersion, in its
 * metadata as the API server writes it, and logs the change for watches.
 */
void store_changed(struct server *s, size_t idx, const char *type)
{
	struct doc *d = s->obj[idx].doc;
	struct doc_node *meta = doc_get(d->root, "metadata");
	struct doc_node *rv = doc_get(meta, "resourceVersion");
	struct change *ch;
	char text[32];
	char *json;

	s->obj[idx].rv = ++s->rv;
	snprintf(text, sizeof(text), "%lu", s->rv);
	if (rv)
		doc_set_text(d, rv, text, strlen(text));
	else if (meta)
		doc_add(d, meta, "resourceVersion", DOC_STR, text);
	json = doc_to_json(d->root);
	ALLOC_GROW(s->changes, s->nr_changes + 1, s->alloc_changes);
	ch = &s->changes[s->nr_changes++];
	ch->type = type;
	ch->obj = idx;
	ch->rv = s->rv;
	ch->json = arena_strdup(&s->arena, json);
	s->obj[idx].current = ch->json;
	free(json);
	pthread_cond_broadcast(&s->changed);
}

int read_object_name(const struct doc_node *n, struct object_name *on)
{
	const struct doc_node *meta = doc_get_kind(n, "metadata", DOC_MAP);
	const char *slash;

	on->api = doc_get_str(n, "apiVersion");
	on->kind = doc_get_str(n, "kind");
	on->name = doc_get_str(meta, "name");
	on->namespace = doc_get_str(meta, "namespace");
	if (!on->api || !on->kind || !on->name)
		return -1;
	slash = strchr(on->api, '/');
	on->group_len = slash ? (size_t)(slash - on->api) : 0;
	on->version = slash ? slash + 1 : on->api;
	return 0;
}

/*
 * Fills o with what d's apiVersion, kind and metadata say (strings in the
 * server's arena), or returns -1 when d is no object.
 */
static int object_of(struct server *s, struct doc *d, struct object *o)
{
	struct object_name on;
	size_t i;

	if (read_object_name(d->root, &on))
		return -1;
	memset(o, 0, sizeof(*o));
	o->group = arena_strndup(&s->arena, on.api, on.group_len);
	o->version = arena_strdup(&s->arena, on.version);
	o->kind = arena_strdup(&s->arena, on.kind);
	o->resource = NULL;
	for (i = 0; i < nr_builtin_kinds; i++)
		if (!strcmp(builtin_kinds[i].kind, on.kind) &&
		    !strcmp(builtin_kinds[i].group, o->group))
			o->resource = arena_strdup(&s->arena, builtin_kinds[i].resource);
	if (!o->resource)
		o->resource = lower_plural(&s->arena, on.kind);
	o->namespace = is_cluster_scoped(on.kind) ? NULL
		     : arena_strdup(&s->arena, on.namespace ? on.namespace : "default");
	o->name = arena_strdup(&s->arena, on.name);
	o->node = d->root;
	o->doc = d;
	return 0;
}

/* The stored object that o names, in any version, or NULL. */
static struct object *stored(struct server *s, const struct object *o)
{
	size_t i = s->nr;

	while (i--) {
		struct object *x = &s->obj[i];

		if (!x->deleted && !strcmp(x->group, o->group) &&
		    !strcmp(x->resource, o->resource) && !strcmp(x->name, o->name) &&
		    (!x->namespace) == (!o->namespace) &&
		    (!o->namespace || !strcmp(x->namespace, o->namespace)))
			return x;
	}
	return NULL;
}

/*
 * Adds an object the server now owns (d is freed with the server), or
 * returns -1, leaving d to the caller, when it is no object.
 */
int add_object(struct server *s, struct doc *d)
{
	struct object o;

	if (object_of(s, d, &o))
		return -1;
	ALLOC_GROW(s->docs, s->nr_docs + 1, s->alloc_docs);
	s->docs[s->nr_docs++] = d;
	ALLOC_GROW(s->obj, s->nr + 1, s->alloc);
	s->obj[s->nr++] = o;
	store_changed(s, s->nr - 1, "ADDED");
	return 0;
}

/*
 * Stores d (which the server now owns) as a new state of the object it
 * names, MODIFIED, or as a new object, ADDED; -1 when d is no object.
 */
int store_put(struct server *s, struct doc *d)
{
	struct object o, *x;

	if (object_of(s, d, &o))
		return -1;
	x = stored(s, &o);
	if (!x)
		return add_object(s, d);
	ALLOC_GROW(s->docs, s->nr_docs + 1, s->alloc_docs);
	s->docs[s->nr_docs++] = d;
	x->doc = d;
	x->node = d->root;
	store_changed(s, (size_t)(x - s->obj), "MODIFIED");
	return 0;
}

/*
 * Deletes the stored object that d names (d stays the caller's): -1 when
 * there is none.
 */
int store_remove(struct server *s, struct doc *d)
{
	struct object o, *x;

	if (object_of(s, d, &o) || !(x = stored(s, &o)))
		return -1;
	store_changed(s, (size_t)(x - s->obj), "DELETED");
	x->deleted = 1;
	return 0;
}

/* A copy of n in a doc of its own, for the store to own; NULL if no map. */
struct doc *store_copy(const struct doc_node *n)
{
	char *json = doc_to_json(n);
	struct doc_reader *r;
	struct doc *d = NULL;
	struct fail f = FAIL_INIT;

	doc_reader_open_mem(&r, "recording", json, strlen(json), NULL);
	if (doc_reader_next(r, &d, &f) <= 0 || d->error || !d->root ||
	    d->root->kind != DOC_MAP || !doc_get_kind(d->root, "metadata", DOC_MAP)) {
		doc_free(d);
		d = NULL;
		fail_clear(&f);
	}
	doc_reader_free(r);
	free(json);
	return d;
}

/*
 * The recording's objects become served objects, each a copy the store
 * owns, so that it can carry the store's resourceVersion.
 */
int load_recording(struct server *s)
{
	struct fail f = FAIL_INIT;
	size_t i;

	if (recorded_load(&s->rec, s->dir, &f)) {
		fprintf(stderr, "katib-replay: %s\n", f.msg);
		return -1;
	}
	for (i = 0; i < s->rec.nr; i++) {
		struct doc *d = store_copy(s->rec.object[i]);

		if (d && add_object(s, d))
			doc_free(d);
	}
	return 0;
}

/* The kind a resource lists, from the store or the built-in table. */
const char *kind_of_resource(const struct server *s, const char *group,
			     const char *resource)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (!strcmp(s->obj[i].group, group) && !strcmp(s->obj[i].resource, resource))
			return s->obj[i].kind;
	for (i = 0; i < nr_builtin_kinds; i++)
		if (!strcmp(builtin_kinds[i].resource, resource) &&
		    !strcmp(builtin_kinds[i].group, group))
			return builtin_kinds[i].kind;
	return NULL;
}

void object_json(const struct object *o, struct buf *b)
{
	char *json;

	if (o->json || o->current) {
		buf_adds(b, o->json ? o->json : o->current);
		return;
	}
	json = doc_to_json(o->node);
	buf_adds(b, json);
	free(json);
}

const struct object *find_object(const struct server *s, const char *group,
					const char *version, const char *resource,
					const char *ns, const char *name)
{
	size_t i = s->nr;

	while (i--) {	/* a created object shadows a recorded one */
		const struct object *o = &s->obj[i];

		if (!o->deleted && !strcmp(o->group, group) && !strcmp(o->version, version) &&
		    !strcmp(o->resource, resource) && !strcmp(o->name, name) &&
		    ((!ns && !o->namespace) || (ns && o->namespace && !strcmp(o->namespace, ns))))
			return o;
	}
	return NULL;
}
