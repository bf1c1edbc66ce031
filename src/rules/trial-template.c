/*
 * rules/trial-template.c: the trial template, its trial parameters and the
 * batch/v1 Job conversion (rules catalogue §1.5).
 */
#include "compat.h"
#include "rules/rules.h"
#include "alloc.h"
#include "buf.h"
#include "doc.h"
#include "experiment.h"
#include "katib-config.h"
#include "levenshtein.h"
#include "schema.h"

#include <inttypes.h>

#define PLACEHOLDER "${trialParameters."

/* Kinds whose success and failure conditions Katib defaults (DEF-04..06). */
static const char *const defaulted_kinds[] = {
	"Job", "TFJob", "PyTorchJob", "XGBoostJob", "MPIJob", "TrainJob", NULL,
};

static int in_list(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

/*
 * With --cluster-facts: the ConfigMap a configMap source names must exist
 * and hold templatePath among its data keys, or Katib's webhook refuses
 * the Experiment (KAT-TT-08); deleted later, the controller fails on it
 * at every reconcile (GEN-04).
 */
static void check_config_map_template(const struct rule_ctx *ctx,
				      const struct doc_node *source,
				      struct diag_list *out)
{
	const struct rule *r = rule_get("config-map-template-missing");
	const char *ns = doc_get_str(source, "configMapNamespace");
	const char *name = doc_get_str(source, "configMapName");
	const char *path = doc_get_str(source, "templatePath");
	const struct config_map_fact *cm = NULL;
	const char *near;
	struct diag *d;
	struct buf keys = BUF_INIT;
	size_t i;

	if (!ctx->facts || !ns || !*ns || !name || !*name || !path || !*path)
		return;
	for (i = 0; i < ctx->facts->nr_config_maps && !cm; i++)
		if (!strcmp(ctx->facts->config_maps[i].namespace, ns) &&
		    !strcmp(ctx->facts->config_maps[i].name, name))
			cm = &ctx->facts->config_maps[i];
	if (!cm)
		return;
	if (!cm->exists) {
		d = diag_add(out, r, doc_get(source, "configMapName"),
			     "unable to parse spec.trialTemplate: configMap not found: configmaps \"%s\" not found (namespace %s)",
			     name, ns);
		if (cm->siblings && (near = nearest_word(name, cm->siblings)))
			diag_hint(out, d, "did you mean '%s'?", near);
		else
			diag_hint(out, d, "create the ConfigMap %s in namespace %s with the template under the key %s, or put the trial's Job under trialTemplate.trialSpec",
				  name, ns, path);
		return;
	}
	for (i = 0; i < cm->nr_keys; i++)
		if (!strcmp(cm->keys[i], path))
			return;
	d = diag_add(out, r, doc_get(source, "templatePath"),
		     "unable to parse spec.trialTemplate: unable to find trial template in ConfigMap: TemplatePath: %s (ConfigMap %s/%s)",
		     path, ns, name);
	if ((near = nearest_word(path, cm->keys))) {
		diag_hint(out, d, "did you mean '%s'?", near);
		return;
	}
	for (i = 0; i < cm->nr_keys; i++)
		buf_addf(&keys, "%s%s", i ? ", " : "", cm->keys[i]);
	if (cm->nr_keys)
		diag_hint(out, d, "templatePath names a key of the ConfigMap's data; it has: %s", keys.buf);
	else
		diag_hint(out, d, "the ConfigMap has no data: put the template under the key %s", path);
	buf_release(&keys);
}

void check_trial_template(const struct rule_ctx *ctx, struct diag_list *out)
{
	const struct experiment *e = ctx->exp;
	const struct doc_node *tt = e->trial_template, *n;
	const char *kind;
	struct diag *d;
	int conditions_defaulted;

	if (!tt) {
		if (!doc_get(e->spec, "trialTemplate") ||
		    doc_get(e->spec, "trialTemplate")->kind == DOC_NULL)
			diag_hint(out, diag_add_missing(out, rule_get("trial-template-missing"),
							e->spec, "trialTemplate",
							"the Experiment has no trialTemplate"),
				  "describe the job that runs one trial under spec.trialTemplate.trialSpec");
		return;
	}
	n = doc_get(tt, "primaryContainerName");
	if (doc_str_empty(n)) {
		d = n ? diag_add(out, rule_get("primary-container-name-missing"), n,
				 "trialTemplate.primaryContainerName is empty")
		      : diag_add_missing(out, rule_get("primary-container-name-missing"),
					 tt, "primaryContainerName",
					 "trialTemplate.primaryContainerName is missing");
		diag_hint(out, d, "name the container that runs your training code; Katib attaches the metrics collector to it");
	}

	if (!e->trial_spec && !e->config_map) {
		diag_hint(out, diag_add_missing(out, rule_get("trial-source-missing"),
						tt, "trialSpec",
						"trialTemplate has neither trialSpec nor configMap"),
			  "put the trial's Job under trialTemplate.trialSpec");
		return;
	}
	if (e->trial_spec && e->config_map) {
		diag_hint(out, diag_add_key(out, rule_get("trial-source-conflict"),
					    doc_get(tt, "configMap"),
					    "trialTemplate has both trialSpec and configMap"),
			  "keep only one of them");
		return;
	}
	if (e->config_map) {
		static const char *const keys[] = { "configMapName",
						    "configMapNamespace",
						    "templatePath" };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(keys); i++) {
			const struct doc_node *k = doc_get(e->config_map, keys[i]);

			if (!doc_str_empty(k))
				continue;
			d = k ? diag_add(out, rule_get("config-map-source-incomplete"), k,
					 "configMap.%s is empty", keys[i])
			      : diag_add_missing(out, rule_get("config-map-source-incomplete"),
						 e->config_map, keys[i],
						 "configMap.%s is missing", keys[i]);
			diag_hint(out, d, "configMap needs configMapName, configMapNamespace and templatePath");
		}
		check_config_map_template(ctx, e->config_map, out);
	}

	kind = e->trial_spec ? doc_get_str(e->trial_spec, "kind") : NULL;
	/* Without a kind Katib cannot decode the Experiment at all. */
	conditions_defaulted = e->trial_spec &&
			       (!kind || !*kind || in_list(kind, defaulted_kinds));
	/* Katib defaults a TrainJob's conditions since v0.19 (DEF-06). */
	if (kind && !strcmp(kind, "TrainJob") && ctx->config->minor < 19)
		conditions_defaulted = 0;
	if (!conditions_defaulted) {
		static const char *const keys[] = { "successCondition",
						    "failureCondition" };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(keys); i++) {
			const struct doc_node *k = doc_get(tt, keys[i]);

			if (!doc_str_empty(k))
				continue;
			d = k ? diag_add(out, rule_get("trial-conditions-missing"), k,
					 "trialTemplate.%s is empty", keys[i])
			      : diag_add_missing(out, rule_get("trial-conditions-missing"),
						 tt, keys[i],
						 "trialTemplate.%s is missing; Katib %s defaults it only for Job, TFJob, PyTorchJob, XGBoostJob, MPIJob%s",
						 keys[i], ctx->config->version,
						 ctx->config->minor >= 19 ? " and TrainJob" : "");
			diag_hint(out, d, "give a GJSON condition on the trial object's status, e.g. status.conditions.#(type==\"Complete\")#|#(status==\"True\")#");
		}
	}

	if (!e->trial_spec)
		return;
	n = doc_get(e->trial_spec, "kind");
	if (doc_str_empty(n))
		diag_hint(out, n ? diag_add(out, rule_get("trial-spec-kind-missing"), n,
					    "trialSpec.kind is empty")
				 : diag_add_missing(out, rule_get("trial-spec-kind-missing"),
						    e->trial_spec, "kind",
						    "trialSpec has no kind; Katib cannot decode the Experiment"),
			  "set the kind of the trial job, e.g. 'kind: Job' with 'apiVersion: batch/v1'");
	n = doc_get(e->trial_spec, "apiVersion");
	if (doc_str_empty(n))
		diag_hint(out, n ? diag_add(out, rule_get("trial-spec-api-version-missing"), n,
					    "trialSpec.apiVersion is empty")
				 : diag_add_missing(out, rule_get("trial-spec-api-version-missing"),
						    e->trial_spec, "apiVersion",
						    "trialSpec has no apiVersion"),
			  "set the API version of the trial job, e.g. 'apiVersion: batch/v1'");
	n = doc_get_kind(e->trial_spec, "metadata", DOC_MAP);
	if (n) {
		static const char *const keys[] = { "name", "namespace" };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(keys); i++) {
			const struct doc_node *k = doc_get(n, keys[i]);

			if (doc_str_empty(k))
				continue;
			diag_hint(out, diag_add_key(out, rule_get("trial-spec-name-set"), k,
						    "trialSpec sets metadata.%s; Katib names each trial job itself",
						    keys[i]),
				  "remove metadata.%s from the trialSpec", keys[i]);
		}
	}
}

/* ---- trial parameters ---- */

/*
 * Calls fn on each string in the template: values and keys, which is
 * what Katib searches when it looks at the template as JSON text.
 */
static int template_find(const struct doc_node *n, const char *needle,
			 size_t nlen)
{
	const struct doc_node *c;

	if (n->key && n->key_len >= nlen &&
	    memmem(n->key, n->key_len, needle, nlen))
		return 1;
	if (n->kind == DOC_STR && n->len >= nlen &&
	    memmem(n->text, n->len, needle, nlen))
		return 1;
	for (c = n->child; c; c = c->next)
		if (template_find(c, needle, nlen))
			return 1;
	return 0;
}

/* Is ref a meta reference like ${trialSpec.Name} or ${trialSpec.Labels[k]}? */
static int is_meta_reference(const char *ref)
{
	static const char *const keys[] = { "Name", "Namespace", "Kind",
					    "APIVersion", "Annotations", "Labels",
					    NULL };
	const char *p = strstr(ref, "${trialSpec.");
	const char *end, *br;
	size_t i, n;

	if (!p)
		return 0;
	p += strlen("${trialSpec.");
	end = strchr(p, '}');
	if (!end || end == p)
		return 0;
	n = (size_t)(end - p);
	br = memchr(p, '[', n);
	if (br && end[-1] == ']' && br > p && br + 1 < end - 1)
		n = (size_t)(br - p);
	for (i = 0; keys[i]; i++)
		if (strlen(keys[i]) == n && !memcmp(keys[i], p, n))
			return 1;
	return 0;
}

struct valid_param {
	const char *name;
	const char *reference;
};

static int param_listed(const struct doc_node *params, const char *name)
{
	const struct doc_node *p;

	for (p = params ? params->child : NULL; p; p = p->next)
		if (doc_get_str(p, "name") && !strcmp(doc_get_str(p, "name"), name))
			return 1;
	return 0;
}

/* A ${trialParameters.NAME} found in the template. */
struct placeholder {
	const char *name;
	size_t len;
	const struct doc_node *node;
	int in_key;
};

struct placeholders {
	struct placeholder *item;
	size_t nr, alloc;
};

static void scan_text(struct placeholders *ph, const struct doc_node *n,
		      const char *s, size_t len, int in_key)
{
	const char *end = s + len, *p = s;
	size_t pl = strlen(PLACEHOLDER);

	/* memchr first: most strings have no '$' at all. */
	while ((p = memchr(p, '$', (size_t)(end - p)))) {
		const char *name, *q;

		if ((size_t)(end - p) < pl || memcmp(p, PLACEHOLDER, pl)) {
			p++;
			continue;
		}
		name = p + pl;
		/* Katib's leftover regex: \$\{trialParameters\..+?\} */
		for (q = name; q < end && *q != '}' && *q != '\n'; q++)
			;
		if (q >= end || *q != '}' || q == name) {
			p = name;
			continue;
		}
		ALLOC_GROW(ph->item, ph->nr + 1, ph->alloc);
		ph->item[ph->nr].name = name;
		ph->item[ph->nr].len = (size_t)(q - name);
		ph->item[ph->nr].node = n;
		ph->item[ph->nr].in_key = in_key;
		ph->nr++;
		p = q;
	}
}

/* Collects every placeholder of the template, in keys and string values. */
static void collect_placeholders(struct placeholders *ph, const struct doc_node *n)
{
	const struct doc_node *c;

	if (n->key)
		scan_text(ph, n, n->key, n->key_len, 1);
	if (n->kind == DOC_STR)
		scan_text(ph, n, n->text, n->len, 0);
	for (c = n->child; c; c = c->next)
		collect_placeholders(ph, c);
}

static int placeholder_used(const struct placeholders *ph, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < ph->nr; i++)
		if (ph->item[i].len == n && !memcmp(ph->item[i].name, name, n))
			return 1;
	return 0;
}

/* Reports ${trialParameters.X} in the template with no trial parameter X. */
static void report_unknown_placeholders(const struct placeholders *ph,
					const struct valid_param *valid,
					size_t nr_valid, struct diag_list *out)
{
	size_t i, j;

	for (i = 0; i < ph->nr; i++) {
		const struct placeholder *p = &ph->item[i];
		struct diag *d;
		int known = 0;

		for (j = 0; j < nr_valid; j++)
			if (strlen(valid[j].name) == p->len &&
			    !memcmp(valid[j].name, p->name, p->len))
				known = 1;
		if (known)
			continue;
		d = p->in_key ? diag_add_key(out, rule_get("trial-template-placeholder-unknown"), p->node,
					     "the template uses ${trialParameters.%.*s}, which trialParameters does not define",
					     (int)p->len, p->name)
			      : diag_add(out, rule_get("trial-template-placeholder-unknown"), p->node,
					 "the template uses ${trialParameters.%.*s}, which trialParameters does not define",
					 (int)p->len, p->name);
		diag_hint(out, d, "add a trial parameter named '%.*s' or fix the placeholder",
			  (int)p->len, p->name);
	}
}

/*
 * A trial parameter called name with no reference can only mean the
 * search parameter of that name, when no trial parameter references it.
 */
static int sole_reference(const struct experiment *e, const char *name)
{
	const struct doc_node *c;
	int found = 0;

	for (c = e->parameters ? e->parameters->child : NULL; c; c = c->next) {
		const char *pn = doc_get_str(c, "name");

		if (pn && !strcmp(pn, name))
			found = 1;
	}
	for (c = e->trial_parameters ? e->trial_parameters->child : NULL; c; c = c->next) {
		const char *ref = doc_get_str(c, "reference");

		if (ref && !strcmp(ref, name))
			return 0;
	}
	return found;
}

void check_trial_parameters(const struct rule_ctx *ctx, struct diag_list *out)
{
	const struct experiment *e = ctx->exp;
	const struct doc_node *tp = e->trial_parameters, *p;
	struct valid_param *valid = NULL;
	struct placeholders ph = { NULL, 0, 0 };
	size_t nr = 0, alloc = 0, i;
	int have_params = e->parameters && e->parameters->nr_children;

	if (!e->trial_template)
		return;
	if (!tp || !tp->nr_children) {
		const struct doc_node *n = doc_get(e->trial_template, "trialParameters");

		if (n && n->kind != DOC_SEQ && n->kind != DOC_NULL)
			return;	/* the type rule reports it */
		diag_hint(out, n ? diag_add(out, rule_get("trial-parameters-missing"), n,
					    "trialTemplate.trialParameters is empty")
				 : diag_add_missing(out, rule_get("trial-parameters-missing"),
						    e->trial_template, "trialParameters",
						    "trialTemplate.trialParameters is missing"),
			  "map each search parameter to a placeholder, e.g. {name: learningRate, reference: lr} used as ${trialParameters.learningRate}");
		return;
	}
	if (e->trial_spec)
		collect_placeholders(&ph, e->trial_spec);
	for (p = tp->child; p; p = p->next) {
		const char *name = doc_get_str(p, "name");
		const char *ref = doc_get_str(p, "reference");
		struct diag *d;

		if (p->kind != DOC_MAP)
			continue;
		if (!name || !*name || !ref || !*ref || strchr(name, '{') ||
		    strchr(name, '}')) {
			if (name && (strchr(name, '{') || strchr(name, '}')))
				d = diag_add(out, rule_get("trial-parameter-invalid"),
					     doc_get(p, "name"),
					     "trial parameter name '%s' must not contain '{' or '}'",
					     name);
			else if (!name || !*name)
				d = doc_get(p, "name")
					    ? diag_add(out, rule_get("trial-parameter-invalid"),
						       doc_get(p, "name"),
						       "trial parameter has an empty name")
					    : diag_add_missing(out, rule_get("trial-parameter-invalid"),
							       p, "name",
							       "trial parameter has no name");
			else
				d = doc_get(p, "reference")
					    ? diag_add(out, rule_get("trial-parameter-invalid"),
						       doc_get(p, "reference"),
						       "trial parameter '%s' has an empty reference",
						       name)
					    : diag_add_missing(out, rule_get("trial-parameter-invalid"),
							       p, "reference",
							       "trial parameter '%s' has no reference",
							       name);
			diag_hint(out, d, "each trial parameter needs a name (used as ${trialParameters.NAME}) and a reference (a spec.parameters name)");
			if (name && *name && !strchr(name, '{') &&
			    !strchr(name, '}') && !doc_get(p, "reference") &&
			    sole_reference(e, name))
				diag_fix(out, d, FIX_ADD_ENTRY, p, NULL,
					 "reference", name);
			continue;
		}
		for (i = 0; i < nr; i++)
			if (!strcmp(valid[i].name, name))
				break;
		if (i < nr) {
			diag_hint(out, diag_add(out, rule_get("trial-parameter-name-duplicated"),
						doc_get(p, "name"),
						"trial parameter name '%s' is used twice", name),
				  "give each trial parameter its own name");
			continue;
		}
		for (i = 0; i < nr; i++)
			if (!strcmp(valid[i].reference, ref))
				break;
		if (i < nr) {
			diag_hint(out, diag_add(out, rule_get("trial-parameter-reference-duplicated"),
						doc_get(p, "reference"),
						"reference '%s' is used by two trial parameters ('%s' and '%s')",
						ref, valid[i].name, name),
				  "reference each search parameter from one trial parameter only");
			continue;
		}
		ALLOC_GROW(valid, nr + 1, alloc);
		valid[nr].name = name;
		valid[nr].reference = ref;
		nr++;
		if (have_params && !is_meta_reference(ref) &&
		    !param_listed(e->parameters, ref)) {
			if (strstr(ref, "${trialSpec."))
				d = diag_add(out, rule_get("trial-parameter-reference-unknown"),
					     doc_get(p, "reference"),
					     "reference '%s' names no trial metadata Katib knows (Name, Namespace, Kind, APIVersion, Labels[KEY], Annotations[KEY]); Katib fails to build every Trial",
					     ref);
			else
				d = diag_add(out, rule_get("trial-parameter-reference-unknown"),
					     doc_get(p, "reference"),
					     "reference '%s' names no parameter in spec.parameters",
					     ref);
			diag_hint(out, d, "use the name of a spec.parameters entry, or a meta reference such as ${trialSpec.Name}");
		}
		if (e->trial_spec && !placeholder_used(&ph, name)) {
			d = diag_add(out, rule_get("trial-parameter-unused"),
				     doc_get(p, "name"),
				     "trial parameter '%s' is not used in trialSpec as ${trialParameters.%s}",
				     name, name);
			if (template_find(e->trial_spec, name, strlen(name)))
				diag_hint(out, d, "the template mentions '%s' but not as ${trialParameters.%s}; Katib substitutes only that form",
					  name, name);
			else
				diag_hint(out, d, "pass it to the training program, e.g. '--%s=${trialParameters.%s}'",
					  name, name);
		}
	}
	report_unknown_placeholders(&ph, valid, nr, out);
	free(ph.item);
	free(valid);
}

/* ---- batch/v1 Job conversion (KAT-JOB-01, KAT-JOB-02) ---- */

/*
 * The API server's ValidateJobSpec (kubernetes/kubernetes
 * pkg/apis/batch/validation/validation.go, 3989b185), which Katib's
 * webhook does not run: it only decodes the Job.
 */
static void check_job_spec(const struct doc_node *ts, struct diag_list *out)
{
	/* Each with what leaving it out means (k8s.io/api batch/v1 types.go). */
	static const struct { const char *name, *unset; } nonnegative[] = {
		{ "parallelism", "1 pod at a time" },
		{ "completions", "done when one pod succeeds" },
		{ "activeDeadlineSeconds", "no deadline" },
		{ "backoffLimit", "6 retries" },
		{ "ttlSecondsAfterFinished", "the Job is kept" },
		{ NULL, NULL }
	};
	static const char *const modes[] = { "NonIndexed", "Indexed", NULL };
	static const char effect[] = "the API server refuses every trial Job and the Trials stay Created";
	const struct rule *r = rule_get("job-spec-invalid");
	const struct doc_node *spec = doc_get_kind(ts, "spec", DOC_MAP), *n;
	const char *mode, *fix;
	struct diag *d;
	int64_t v;
	size_t i;

	for (i = 0; nonnegative[i].name; i++) {
		n = doc_get(spec, nonnegative[i].name);
		if (n && !doc_int(n, &v) && v < 0)
			diag_hint(out, diag_add(out, r, n,
						"spec.%s: Invalid value: %" PRId64 ": must be greater than or equal to 0; %s",
						nonnegative[i].name, v, effect),
				  "a Job's counts and durations are 0 or more; without %s: %s",
				  nonnegative[i].name, nonnegative[i].unset);
	}
	n = doc_get(spec, "completionMode");
	mode = doc_str(n);
	if (!mode || strstr(mode, "${"))
		return;
	if (strcmp(mode, "NonIndexed") && strcmp(mode, "Indexed")) {
		d = diag_add(out, r, n,
			     "spec.completionMode: Unsupported value: \"%s\": supported values: \"NonIndexed\", \"Indexed\"; %s",
			     mode, effect);
		if ((fix = case_only_match(mode, modes))) {
			diag_hint(out, d, "did you mean '%s'? (the API server compares exactly)", fix);
			diag_fix(out, d, FIX_SET_VALUE, n, NULL, NULL, fix);
		} else {
			diag_hint(out, d, "use NonIndexed (the default) or Indexed");
		}
		return;
	}
	if (strcmp(mode, "Indexed"))
		return;
	if (!doc_get(spec, "completions"))
		diag_hint(out, diag_add_missing(out, r, spec, "completions",
						"spec.completions: Required value: when completion mode is Indexed; %s",
						effect),
			  "an Indexed Job runs one pod per index 0..completions-1: set completions");
	n = doc_get(spec, "parallelism");
	if (n && !doc_int(n, &v) && v > 100000)
		diag_add(out, r, n,
			 "spec.parallelism: Invalid value: %" PRId64 ": must be less than or equal to 100000 when completion mode is Indexed; %s",
			 v, effect);
}

void check_job(const struct rule_ctx *ctx, struct diag_list *out)
{
	const struct doc_node *ts = ctx->exp->trial_spec;
	const char *api = doc_get_str(ts, "apiVersion");
	const char *kind = doc_get_str(ts, "kind");
	struct schema_report rep = {
		.out = out,
		.type_rule = "job-field-type",
		.unknown_rule = "job-field-unknown",
		.where = " (batch/v1 Job)",
		.type_effect = "Katib rejects the trial template",
		.unknown_effect = "Katib rejects the trial template",
		.root_type = schema_batch_job,
		.root = ts,
	};

	/* Katib converts only batch/v1 Jobs to a typed object (v0.15+). */
	if (!api || !kind || strcmp(api, "batch/v1") || strcmp(kind, "Job"))
		return;
	schema_check(schema_batch_job, ts, report_schema_problem, &rep);
	check_job_spec(ts, out);
}
