/*
 * json-schema.c: the Experiment as a draft-07 JSON Schema (json-schema.h).
 *
 * Object types become definitions, referenced where they are used, so a
 * Kubernetes type that contains itself stays finite.  A definition is
 * written once, for one path: the field notes (defaults, accepted values)
 * are looked up there.  A type used at several paths (FeasibleSpace under
 * spec.parameters and under spec.nasConfig) is therefore defined first
 * at the path its notes name (define_noted()).
 */
#include "compat.h"
#include "json-schema.h"
#include "alloc.h"
#include "buf.h"
#include "doc.h"
#include "field-notes.h"
#include "katib-config.h"
#include "schema.h"

#include <ctype.h>

struct def {
	const struct schema_type *type;
	const char *name;
};

struct gen {
	struct doc *d;
	struct doc_node *defs;
	const struct katib_config *config;
	struct def *def;
	size_t nr, alloc;
};

static void emit_inline(struct gen *g, struct doc_node *node,
			const struct schema_type *t, const char *path);
static void apply_note(struct gen *g, struct doc_node *prop,
		       const struct schema_type *t, const char *path,
		       const char *doc);

static void add_str(struct gen *g, struct doc_node *map, const char *key,
		    const char *v)
{
	doc_add(g->d, map, key, DOC_STR, v);
}

/*
 * A field's type, or null: Go's decoder leaves a field whose value is
 * null at its zero value, and validate accepts it too (`key:` followed
 * by nothing, or by commented-out items only, is null).
 */
static void add_type(struct gen *g, struct doc_node *node, const char *type,
		     const char *also)
{
	struct doc_node *ty = doc_add(g->d, node, "type", DOC_SEQ, NULL);

	doc_add(g->d, ty, NULL, DOC_STR, type);
	if (also)
		doc_add(g->d, ty, NULL, DOC_STR, also);
	doc_add(g->d, ty, NULL, DOC_STR, "null");
}

/* The definition of object type t, written on first use; its name. */
static const char *define(struct gen *g, const struct schema_type *t,
			  const char *path)
{
	struct doc_node *node, *props;
	const char *base = t->name && *t->name ? t->name : "Object";
	char *name;
	size_t i, same = 0;

	for (i = 0; i < g->nr; i++) {
		if (g->def[i].type == t)
			return g->def[i].name;
		if (!strncmp(g->def[i].name, base, strlen(base)))
			same++;
	}
	/* Two types of one Go name (e.g. from two API groups) stay apart. */
	if (same) {
		struct buf b = BUF_INIT;

		buf_addf(&b, "%s%zu", base, same + 1);
		name = arena_strdup(&g->d->arena, b.buf);
		buf_release(&b);
	} else {
		name = arena_strdup(&g->d->arena, base);
	}
	ALLOC_GROW(g->def, g->nr + 1, g->alloc);
	g->def[g->nr].type = t;
	g->def[g->nr].name = name;
	g->nr++;

	node = doc_add(g->d, g->defs, name, DOC_MAP, NULL);
	add_type(g, node, "object", NULL);
	if (t->doc)
		add_str(g, node, "description", t->doc);
	props = doc_add(g->d, node, "properties", DOC_MAP, NULL);
	for (i = 0; i < t->nr_fields; i++) {
		const struct schema_field *f = &t->fields[i];
		struct doc_node *prop = doc_add(g->d, props, f->name, DOC_MAP, NULL);
		struct buf fpath = BUF_INIT;

		buf_addf(&fpath, "%s%s%s", path, *path ? "." : "", f->name);
		emit_inline(g, prop, f->type, fpath.buf);
		apply_note(g, prop, f->type, fpath.buf, f->doc);
		buf_release(&fpath);
	}
	/*
	 * Katib's decoder drops unknown fields without a word, and validate
	 * reports them (unknown-field, job-field-unknown): so does the schema.
	 */
	doc_add(g->d, node, "additionalProperties", DOC_BOOL, "false");
	return name;
}

static void add_ref(struct gen *g, struct doc_node *node,
		    const struct schema_type *t, const char *path)
{
	struct buf ref = BUF_INIT;

	buf_addf(&ref, "#/definitions/%s", define(g, t, path));
	add_str(g, node, "$ref", ref.buf);
	buf_release(&ref);
}

/* A value that the list of words accepts ("minimize, maximize"), or 0. */
static int word_list(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != ',' && *s != ' ' &&
		    *s != '-' && *s != '_')
			return 0;
	return 1;
}

/*
 * A note's default, when it is one value: "3", "StdOut", "uniform (since
 * v0.18)", "Never (LongRunning before v0.15)".  Prose gives none.
 */
static int note_default(const char *dflt, int minor, char *out, size_t size)
{
	size_t n = strcspn(dflt, " ");
	const char *rest = dflt + n;
	int since;
	char alt[64];

	if (n >= size)
		return -1;
	memcpy(out, dflt, n);
	out[n] = '\0';
	if (!*rest)
		return 0;
	if (sscanf(rest, " (since v0.%d)", &since) == 1)
		return minor >= since ? 0 : -1;
	if (sscanf(rest, " (%63s before v0.%d)", alt, &since) == 2) {
		if (minor < since)
			snprintf(out, size, "%s", alt);
		return 0;
	}
	return -1;
}

static void apply_note(struct gen *g, struct doc_node *prop,
		       const struct schema_type *t, const char *path,
		       const char *doc)
{
	const struct field_note *note = field_note_find(path);
	struct buf desc = BUF_INIT;
	char dflt[64];

	if (doc) {
		buf_adds(&desc, doc);
		/* Katib's comments often end without a full stop. */
		if (desc.len && desc.buf[desc.len - 1] != '.')
			buf_addch(&desc, '.');
	}
	if (note && note->dflt) {
		if (!note_default(note->dflt, g->config->minor, dflt, sizeof(dflt))) {
			enum doc_kind kind = DOC_STR;

			if ((t->kind == SCHEMA_INT32 || t->kind == SCHEMA_INT64) &&
			    strspn(dflt, "0123456789") == strlen(dflt))
				kind = DOC_INT;
			else if (t->kind == SCHEMA_BOOL)
				kind = DOC_BOOL;
			doc_add(g->d, prop, "default", kind, dflt);
		}
		buf_addf(&desc, "%sDefault: %s.", desc.len ? " " : "", note->dflt);
	}
	if (note && note->config_list) {
		const char *const *list = note->config_list == 1
						  ? g->config->algorithms
						  : g->config->early_stoppings;
		struct doc_node *e = doc_add(g->d, prop, "enum", DOC_SEQ, NULL);

		for (; *list; list++)
			doc_add(g->d, e, NULL, DOC_STR, *list);
		buf_addf(&desc, "%sAccepts what the katib-config serves; a default install of Katib v0.%d serves these.",
			 desc.len ? " " : "", g->config->minor);
	} else if (note && note->accepts && word_list(note->accepts)) {
		struct doc_node *e = doc_add(g->d, prop, "enum", DOC_SEQ, NULL);
		const char *p = note->accepts;

		while (*p) {
			size_t n = strcspn(p, ", ");
			char *w = xstrndup(p, n);

			doc_add(g->d, e, NULL, DOC_STR, w);
			free(w);
			p += n;
			p += strspn(p, ", ");
		}
	}
	if (desc.len)
		add_str(g, prop, "description", desc.buf);
	buf_release(&desc);
}

/*
 * trialSpec is unstructured in Katib's API; a Job's (the most common
 * template) is checked as batch/v1 Job, and the pod templates of the
 * Kubeflow training jobs' replica specs as pod templates.
 */
static void trial_spec(struct gen *g, struct doc_node *prop)
{
	struct doc_node *n, *m, *req;

	add_str(g, prop, "type", "object");
	req = doc_add(g->d, prop, "required", DOC_SEQ, NULL);
	doc_add(g->d, req, NULL, DOC_STR, "apiVersion");
	doc_add(g->d, req, NULL, DOC_STR, "kind");
	n = doc_add(g->d, prop, "if", DOC_MAP, NULL);
	m = doc_add(g->d, doc_add(g->d, n, "properties", DOC_MAP, NULL), "kind",
		    DOC_MAP, NULL);
	add_str(g, m, "const", "Job");
	doc_add(g->d, doc_add(g->d, n, "required", DOC_SEQ, NULL), NULL, DOC_STR,
		"kind");
	add_ref(g, doc_add(g->d, prop, "then", DOC_MAP, NULL), schema_batch_job, "");
	n = doc_add(g->d, prop, "else", DOC_MAP, NULL);
	n = doc_add(g->d, doc_add(g->d, n, "properties", DOC_MAP, NULL), "spec",
		    DOC_MAP, NULL);
	n = doc_add(g->d, doc_add(g->d, n, "patternProperties", DOC_MAP, NULL),
		    "ReplicaSpecs$", DOC_MAP, NULL);
	add_str(g, n, "type", "object");
	n = doc_add(g->d, n, "additionalProperties", DOC_MAP, NULL);
	add_str(g, n, "type", "object");
	n = doc_add(g->d, doc_add(g->d, n, "properties", DOC_MAP, NULL), "template",
		    DOC_MAP, NULL);
	add_ref(g, n, schema_pod_template_spec, "");
}

/* The schema of a value of type t at path, written into node. */
static void emit_inline(struct gen *g, struct doc_node *node,
			const struct schema_type *t, const char *path)
{
	struct doc_node *c;

	switch (t->kind) {
	case SCHEMA_OBJECT:
		if (!strcmp(path, "spec.trialTemplate.trialSpec")) {
			trial_spec(g, node);
			break;
		}
		c = doc_add(g->d, node, "allOf", DOC_SEQ, NULL);
		add_ref(g, doc_add(g->d, c, NULL, DOC_MAP, NULL), t, path);
		break;
	case SCHEMA_ARRAY:
	case SCHEMA_MAP:
		add_type(g, node, t->kind == SCHEMA_ARRAY ? "array" : "object", NULL);
		c = doc_add(g->d, node, t->kind == SCHEMA_ARRAY ? "items"
								: "additionalProperties",
			    DOC_MAP, NULL);
		if (t->elem->kind == SCHEMA_OBJECT)
			add_ref(g, c, t->elem, path);
		else
			emit_inline(g, c, t->elem, path);
		break;
	case SCHEMA_STRING:
		add_type(g, node, "string", NULL);
		break;
	case SCHEMA_INT32:
	case SCHEMA_INT64:
		add_type(g, node, "integer", NULL);
		break;
	case SCHEMA_NUMBER:
		add_type(g, node, "number", NULL);
		break;
	case SCHEMA_BOOL:
		add_type(g, node, "boolean", NULL);
		break;
	case SCHEMA_INT_OR_STRING:
	case SCHEMA_QUANTITY:
		add_type(g, node, t->kind == SCHEMA_QUANTITY ? "number" : "integer",
			 "string");
		break;
	case SCHEMA_ANY:
		if (!strcmp(path, "spec.trialTemplate.trialSpec"))
			trial_spec(g, node);
		break;
	}
}

static size_t count_dots(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '.';
	return n;
}

/*
 * Defines the type holding each noted field at the note's path, before
 * the walk from the root could reach it at another path first: deepest
 * notes first, since defining a type defines the types below it too.
 */
static void define_noted(struct gen *g)
{
	const struct field_note *note;
	size_t i, depth, deepest = 0;

	for (i = 0; (note = field_note_at(i)); i++)
		if (count_dots(note->path) > deepest)
			deepest = count_dots(note->path);
	for (depth = deepest; depth > 0; depth--) {
		for (i = 0; (note = field_note_at(i)); i++) {
			const struct schema_type *t = schema_experiment;
			const char *p = note->path, *dot;
			struct buf parent = BUF_INIT;

			if (count_dots(note->path) != depth)
				continue;
			while (t && (dot = strchr(p, '.'))) {
				const struct schema_field *f =
					schema_field(t, p, (size_t)(dot - p));

				t = f ? schema_object_of(f->type) : NULL;
				p = dot + 1;
			}
			if (t && schema_field(t, p, strlen(p))) {
				buf_add(&parent, note->path,
					(size_t)(p - 1 - note->path));
				define(g, t, parent.buf);
			}
			buf_release(&parent);
		}
	}
}

/* metadata.name: what Katib and the names derived from it allow. */
static void name_rules(struct gen *g, struct doc_node *props)
{
	struct doc_node *meta = doc_get(props, "metadata");
	struct doc_node *all = doc_get(meta, "allOf");
	struct doc_node *extra, *p, *n, *any;
	struct buf desc = BUF_INIT;

	if (!all)
		return;
	extra = doc_add(g->d, all, NULL, DOC_MAP, NULL);
	p = doc_add(g->d, extra, "properties", DOC_MAP, NULL);
	n = doc_add(g->d, p, "name", DOC_MAP, NULL);
	add_str(g, n, "type", "string");
	/*
	 * Stricter than Katib's webhook, which admits dots: the suggestion
	 * Service derived from the name then can never be created and the
	 * Experiment stays Created forever (rule name-invalid).
	 */
	add_str(g, n, "pattern", "^[a-z]([-a-z0-9]*[a-z0-9])?$");
	buf_adds(&desc, "Lower case letters, digits and '-', starting with a letter and ending with a letter or digit (stricter than Katib's webhook, which admits dots and then never creates the suggestion Service)");
	if (g->config->minor >= 18) {
		doc_add(g->d, n, "maxLength", DOC_INT, "40");
		buf_adds(&desc, "; at most 40 characters since Katib v0.18");
	}
	add_str(g, n, "description", desc.buf);
	n = doc_add(g->d, p, "generateName", DOC_MAP, NULL);
	add_str(g, n, "type", "string");
	add_str(g, n, "pattern", "^[a-z]([-a-z0-9]*[a-z0-9])?-?$");
	any = doc_add(g->d, extra, "anyOf", DOC_SEQ, NULL);
	doc_add(g->d, doc_add(g->d, doc_add(g->d, any, NULL, DOC_MAP, NULL),
			      "required", DOC_SEQ, NULL), NULL, DOC_STR, "name");
	doc_add(g->d, doc_add(g->d, doc_add(g->d, any, NULL, DOC_MAP, NULL),
			      "required", DOC_SEQ, NULL), NULL, DOC_STR,
		"generateName");
	buf_release(&desc);
}

struct doc *json_schema_experiment(const struct katib_config *config)
{
	struct gen g = { 0 };
	const struct schema_type *t = schema_experiment;
	struct doc_node *root, *props, *req;
	struct buf title = BUF_INIT;
	size_t i;

	g.d = doc_new("schema", 0);
	g.config = config;
	root = g.d->root = doc_add(g.d, NULL, NULL, DOC_MAP, NULL);
	add_str(&g, root, "$schema", "http://json-schema.org/draft-07/schema#");
	buf_addf(&title, "Katib Experiment (kubeflow.org/v1beta1), Katib v0.%d",
		 config->minor);
	add_str(&g, root, "title", title.buf);
	buf_release(&title);
	add_str(&g, root, "description", t->doc ? t->doc : "A Katib Experiment");
	add_str(&g, root, "type", "object");
	req = doc_add(g.d, root, "required", DOC_SEQ, NULL);
	doc_add(g.d, req, NULL, DOC_STR, "apiVersion");
	doc_add(g.d, req, NULL, DOC_STR, "kind");
	doc_add(g.d, req, NULL, DOC_STR, "metadata");
	doc_add(g.d, req, NULL, DOC_STR, "spec");
	props = doc_add(g.d, root, "properties", DOC_MAP, NULL);
	doc_add(g.d, root, "additionalProperties", DOC_BOOL, "false");
	g.defs = doc_add(g.d, root, "definitions", DOC_MAP, NULL);
	define_noted(&g);
	for (i = 0; i < t->nr_fields; i++) {
		const struct schema_field *f = &t->fields[i];
		struct doc_node *prop = doc_add(g.d, props, f->name, DOC_MAP, NULL);

		if (!strcmp(f->name, "apiVersion"))
			add_str(&g, prop, "const", "kubeflow.org/v1beta1");
		else if (!strcmp(f->name, "kind"))
			add_str(&g, prop, "const", "Experiment");
		else
			emit_inline(&g, prop, f->type, f->name);
		if (f->doc)
			add_str(&g, prop, "description", f->doc);
	}
	name_rules(&g, props);
	free(g.def);
	return g.d;
}
