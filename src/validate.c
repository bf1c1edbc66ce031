#include "compat.h"
#include "validate.h"
#include "diag.h"
#include "doc.h"
#include "experiment.h"
#include "katib-config.h"
#include "rule.h"
#include "rules/rules.h"
#include "suppress.h"

static void report_duplicates(const struct doc_node *n, struct diag_list *out)
{
	const struct doc_node *c;

	for (c = n->child; c; c = c->next) {
		if (c->duplicate && !c->from_alias)
			diag_hint(out, diag_add_key(out, rule_get("duplicate-key"), c,
						    "key '%.*s' appears more than once in this map; only the last value is used",
						    (int)c->key_len, c->key),
				  "remove one of the two '%.*s' entries",
				  (int)c->key_len, c->key);
		report_duplicates(c, out);
	}
}

static int is_experiment(const struct doc_node *root, const char **api)
{
	const char *kind = doc_get_str(root, "kind");

	*api = doc_get_str(root, "apiVersion");
	if (!kind || strcmp(kind, "Experiment"))
		return 0;
	/* Without an apiVersion it is most likely a Katib Experiment. */
	return !doc_get(root, "apiVersion") ||
	       (*api && !strncmp(*api, "kubeflow.org/", strlen("kubeflow.org/")));
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
			diag_hint(out, diag_add_missing(out, rule_get("spec-missing"), root,
							"spec", "the Experiment has no spec"),
				  "an Experiment needs spec.objective, spec.algorithm, spec.parameters and spec.trialTemplate");
		check_types(&ctx, out);
		check_name(&ctx, out);
		return;
	}
	rule_run_all(&ctx, out);
}

static int validate_object(const struct doc *d, const struct doc_node *root,
			   const struct katib_config *config,
			   const struct cluster_facts *facts,
			   struct diag_list *out)
{
	const char *api;

	if (!root || root->kind != DOC_MAP)
		return 0;
	if (!is_experiment(root, &api))
		return 0;
	if (!api) {
		diag_hint(out, diag_add_missing(out, rule_get("api-version-unsupported"),
						root, "apiVersion",
						"the Experiment has no apiVersion; kubectl refuses to send it"),
			  "add 'apiVersion: kubeflow.org/v1beta1'");
	} else if (strcmp(api, "kubeflow.org/v1beta1")) {
		diag_hint(out, diag_add(out, rule_get("api-version-unsupported"),
					doc_get(root, "apiVersion"),
					"apiVersion '%s' is no longer served by Katib; Experiments are kubeflow.org/v1beta1",
					api),
			  "port the Experiment to kubeflow.org/v1beta1 (v1alpha3 was removed in Katib v0.11)");
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
		struct span at = { d->error->at, d->error->at };

		f = diag_add_at(out, rule_get(d->error->limit ? "input-limit"
							      : "yaml-syntax"),
				at, "", "%s", d->error->message);
		if (f && d->error->context && d->error->context_at.line &&
		    d->error->context_at.line != d->error->at.line) {
			f->related.start = d->error->context_at;
			f->related.end = d->error->context_at;
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

static void object_namespace(const struct doc_node *root, const char *dflt,
			     void (*fn)(void *data, const char *ns), void *data)
{
	const char *api;
	const char *ns;

	if (!root || root->kind != DOC_MAP || !is_experiment(root, &api))
		return;
	ns = doc_str(doc_lookup(root, "metadata.namespace"));
	fn(data, ns && *ns ? ns : dflt);
}

void validate_namespaces(const struct doc *d, const char *dflt,
			 void (*fn)(void *data, const char *ns), void *data)
{
	const struct doc_node *root = d->root, *items, *c;
	const char *kind = doc_get_str(root, "kind");

	if (!root || root->kind != DOC_MAP)
		return;
	items = doc_get_kind(root, "items", DOC_SEQ);
	if (kind && !strcmp(kind, "List") && items) {
		for (c = items->child; c; c = c->next)
			object_namespace(c, dflt, fn, data);
		return;
	}
	object_namespace(root, dflt, fn, data);
}
