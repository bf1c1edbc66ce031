#include "compat.h"
#include "validate.h"
#include "buf.h"
#include "diag.h"
#include "doc.h"
#include "experiment.h"
#include "katib-config.h"
#include "levenshtein.h"
#include "rule.h"
#include "rules/rules.h"
#include "suppress.h"

static void report_duplicates(const struct doc_node *n, struct diag_list *out)
{
	const struct doc_node *c;

	for (c = n->child; c; c = c->next) {
		if (c->duplicate && !c->from_alias) {
			struct buf key = BUF_INIT;

			doc_add_key(&key, c->key, c->key_len);
			diag_hint(out, diag_add_key(out, rule_get("duplicate-key"), c,
						    "key '%s' appears more than once in this map; only the last value is used",
						    key.buf),
				  "remove one of the two '%s' entries", key.buf);
			buf_release(&key);
		}
		report_duplicates(c, out);
	}
}

/*
 * The kind and apiVersion a document must have for Katib, and how close a
 * kubeflow.org document comes to them: a kind one or two edits (or only
 * letter case) from "Experiment" was meant to be one, and kubectl would
 * refuse it ("no matches for kind"), so it is reported, not skipped.
 */
enum near_experiment {
	NOT_EXPERIMENT,
	EXPERIMENT,
	KIND_MISSPELLED,
};

static int kind_close(const char *kind)
{
	return levenshtein(kind, strlen(kind), "Experiment",
			   strlen("Experiment"), 1) <= 2;
}

static enum near_experiment is_experiment(const struct doc_node *root,
					  const char **api)
{
	const char *kind = doc_get_str(root, "kind");
	int katib_group;

	*api = doc_get_str(root, "apiVersion");
	/* Without an apiVersion it is most likely a Katib Experiment. */
	katib_group = !doc_get(root, "apiVersion") ||
		      (*api && !strncmp(*api, "kubeflow.org/", strlen("kubeflow.org/")));
	if (!kind || !katib_group)
		return NOT_EXPERIMENT;
	if (!strcmp(kind, "Experiment"))
		return EXPERIMENT;
	return kind_close(kind) ? KIND_MISSPELLED : NOT_EXPERIMENT;
}

static void validate_experiment(const struct doc *d,
				const struct doc_node *root,
				const struct katib_config *config,
				const struct cluster_facts *facts,
				struct diag_list *out)
{
	struct experiment e;
	struct rule_ctx ctx;
	const struct doc_node *spec;

	/* Walking every node for a mark most documents lack cost 1%. */
	if (d->has_duplicates)
		report_duplicates(root, out);
	experiment_index(&e, root);
	ctx.doc = d;
	ctx.exp = &e;
	ctx.config = config;
	ctx.facts = facts;
	spec = doc_get(root, "spec");
	if (!e.spec) {
		/* A spec of the wrong type is the type rule's finding. */
		if (!spec || spec->kind == DOC_NULL)
			diag_hint(out, spec ? diag_add(out, rule_get("spec-missing"), spec,
						       "the Experiment's spec is null")
					    : diag_add_missing(out, rule_get("spec-missing"), root,
							       "spec", "the Experiment has no spec"),
				  "an Experiment needs spec.objective, spec.algorithm, spec.parameters and spec.trialTemplate");
		check_types(&ctx, out);
		check_name(&ctx, out);
		return;
	}
	rule_run_all(&ctx, out);
}

/*
 * The API versions Katib has served Experiments in (kubeflow.org/...);
 * only the last is served today.
 */
static const char *const katib_versions[] = {
	"v1alpha1", "v1alpha2", "v1alpha3", "v1beta1",
};

static void report_api_version(const struct doc_node *root, const char *api,
			       struct diag_list *out)
{
	const char *version = api + strlen("kubeflow.org/");
	const char *closest = NULL;
	size_t i, best = SIZE_MAX;
	struct diag *d;

	for (i = 0; i < ARRAY_SIZE(katib_versions); i++) {
		size_t dist = levenshtein(version, strlen(version),
					  katib_versions[i],
					  strlen(katib_versions[i]), 0);

		if (!strcmp(version, katib_versions[i])) {
			closest = katib_versions[i];
			best = 0;
			break;
		}
		if (dist < best) {
			best = dist;
			closest = katib_versions[i];
		}
	}
	if (best == 0) {
		d = diag_add(out, rule_get("api-version-unsupported"),
			     doc_get(root, "apiVersion"),
			     "apiVersion '%s' is no longer served by Katib; Experiments are kubeflow.org/v1beta1",
			     api);
		if (!strcmp(version, "v1alpha3"))
			diag_hint(out, d, "port the Experiment to kubeflow.org/v1beta1 (v1alpha3 was removed in Katib v0.11)");
		else
			diag_hint(out, d, "port the Experiment to kubeflow.org/v1beta1");
		return;
	}
	d = diag_add(out, rule_get("api-version-unsupported"),
		     doc_get(root, "apiVersion"),
		     "apiVersion '%s' is not a Katib API version (the closest is kubeflow.org/%s); kubectl finds no Experiment there and the Experiment is never created",
		     api, closest);
	if (!strcmp(closest, "v1beta1"))
		diag_hint(out, d, "did you mean kubeflow.org/v1beta1?");
	else
		diag_hint(out, d, "Katib serves Experiments only as kubeflow.org/v1beta1");
}

static int validate_object(const struct doc *d, const struct doc_node *root,
			   const struct katib_config *config,
			   const struct cluster_facts *facts,
			   struct diag_list *out)
{
	const char *api;
	enum near_experiment what;

	if (!root || root->kind != DOC_MAP)
		return 0;
	what = is_experiment(root, &api);
	if (what == NOT_EXPERIMENT)
		return 0;
	if (what == KIND_MISSPELLED) {
		const char *kind = doc_get_str(root, "kind");

		/* kubectl's own words: no matches for kind "X" in version "Y". */
		diag_hint(out, diag_add(out, rule_get("kind-misspelled"),
					doc_get(root, "kind"),
					"no kind '%s' in %s: kubectl finds no matches for it and the Experiment is never created",
					kind, api ? api : "kubeflow.org/v1beta1"),
			  "did you mean Experiment?");
	}
	if (!api) {
		diag_hint(out, diag_add_missing(out, rule_get("api-version-unsupported"),
						root, "apiVersion",
						"the Experiment has no apiVersion; kubectl refuses to send it"),
			  "add 'apiVersion: kubeflow.org/v1beta1'");
	} else if (strcmp(api, "kubeflow.org/v1beta1")) {
		report_api_version(root, api, out);
		return 1;
	}
	validate_experiment(d, root, config, facts, out);
	return 1;
}

static enum validate_result validate_any(const struct doc *d,
					 const struct katib_config *config,
					 const struct cluster_facts *facts,
					 struct diag_list *out);

enum validate_result validate_doc(const struct doc *d,
				  const struct katib_config *config,
				  const struct cluster_facts *facts,
				  struct diag_list *out)
{
	size_t before = out->nr;
	enum validate_result res = validate_any(d, config, facts, out);

	suppress_apply(out, before, d);
	return res;
}

static enum validate_result validate_any(const struct doc *d,
					 const struct katib_config *config,
					 const struct cluster_facts *facts,
					 struct diag_list *out)
{
	const struct doc_node *root = d->root, *items, *c;
	int found = 0;

	if (d->error) {
		struct diag *f;
		struct span at = { d->error->at, { d->error->at.line, d->error->at.col } };

		f = diag_add_at(out, rule_get(d->error->limit ? "input-limit"
							      : "yaml-syntax"),
				at, "", "%s", d->error->message);
		if (f && d->error->context && d->error->context_at.line &&
		    d->error->context_at.line != d->error->at.line) {
			f->related.start = d->error->context_at;
			f->related.end.line = d->error->context_at.line;
			f->related.end.col = d->error->context_at.col;
			f->related_note = arena_printf(&out->arena, "%s", d->error->context);
		}
		return VALIDATE_UNREADABLE;
	}
	if (!root || root->kind != DOC_MAP)
		return VALIDATE_SKIPPED;
	items = doc_get(root, "items");
	if (doc_get_str(root, "kind") &&
	    !strcmp(doc_get_str(root, "kind"), "List") && items &&
	    items->kind == DOC_SEQ) {
		for (c = items->child; c; c = c->next)
			found |= validate_object(d, c, config, facts, out);
		return found ? VALIDATE_CHECKED : VALIDATE_SKIPPED;
	}
	return validate_object(d, root, config, facts, out) ? VALIDATE_CHECKED
							    : VALIDATE_SKIPPED;
}

/* Calls fn for root, or for each item when root is a List. */
static void each_object(const struct doc_node *root,
			void (*fn)(const struct doc_node *obj, void *data), void *data)
{
	const struct doc_node *items, *c;
	const char *kind = doc_get_str(root, "kind");

	if (!root || root->kind != DOC_MAP)
		return;
	items = doc_get_kind(root, "items", DOC_SEQ);
	if (kind && !strcmp(kind, "List") && items) {
		for (c = items->child; c; c = c->next)
			fn(c, data);
		return;
	}
	fn(root, data);
}

static int experiment_object(const struct doc_node *obj)
{
	const char *api;

	return obj && obj->kind == DOC_MAP &&
	       is_experiment(obj, &api) != NOT_EXPERIMENT;
}

struct namespace_visit {
	const char *dflt;
	void (*fn)(void *data, const char *ns);
	void *data;
};

static void object_namespace(const struct doc_node *obj, void *data)
{
	const struct namespace_visit *v = data;
	const char *ns;

	if (!experiment_object(obj))
		return;
	ns = doc_str(doc_lookup(obj, "metadata.namespace"));
	v->fn(v->data, ns && *ns ? ns : v->dflt);
}

void validate_namespaces(const struct doc *d, const char *dflt,
			 void (*fn)(void *data, const char *ns), void *data)
{
	struct namespace_visit v = { dflt, fn, data };

	each_object(d->root, object_namespace, &v);
}

struct config_map_visit {
	void (*fn)(void *data, const char *ns, const char *name);
	void *data;
};

static void object_config_map(const struct doc_node *obj, void *data)
{
	const struct config_map_visit *v = data;
	const struct doc_node *cm;
	const char *ns, *name;

	if (!experiment_object(obj))
		return;
	cm = doc_lookup(obj, "spec.trialTemplate.configMap");
	ns = doc_get_str(cm, "configMapNamespace");
	name = doc_get_str(cm, "configMapName");
	if (ns && *ns && name && *name)
		v->fn(v->data, ns, name);
}

void validate_config_maps(const struct doc_node *root,
			  void (*fn)(void *data, const char *ns, const char *name),
			  void *data)
{
	struct config_map_visit v = { fn, data };

	each_object(root, object_config_map, &v);
}
