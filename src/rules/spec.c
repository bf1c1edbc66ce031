/*
 * rules/spec.c: name, trial counts, objective, algorithm, early stopping,
 * resume policy and the search space (rules catalogue §1.2-§1.4, §1.6).
 */
#include "compat.h"
#include "rules/rules.h"
#include "levenshtein.h"
#include "doc.h"
#include "experiment.h"
#include "katib-config.h"

#include <strings.h>

#define KATIB_NAME_MAX 40
#define GENERATE_NAME_SUFFIX 5

static int name_shape_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (i = 1; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return 0;
	}
	return s[n - 1] != '-';
}

void check_name(const struct rule_ctx *ctx, struct diag_list *out)
{
	const struct experiment *e = ctx->exp;
	const struct doc_node *n = e->name;
	size_t len, max = KATIB_NAME_MAX;
	struct diag *d;

	if (!n && e->generate_name) {
		/* The API server appends 5 characters before Katib checks. */
		n = e->generate_name;
		max -= GENERATE_NAME_SUFFIX;
	}
	if (!n || !n->len) {
		if (!doc_get(e->metadata, "name") &&
		    !doc_get(e->metadata, "generateName"))
			diag_hint(out, diag_add_missing(out, rule_get("name-missing"),
							e->metadata ? e->metadata : e->root,
							e->metadata ? "name" : "metadata.name",
							"the Experiment has no name"),
				  "set metadata.name, e.g. 'name: my-experiment'");
		return;
	}
	len = n->len;
	if (n == e->generate_name) {
		/* generateName may end with '-': the suffix follows it. */
		if (!name_shape_ok(n->text, len) &&
		    !(len > 1 && n->text[len - 1] == '-' &&
		      name_shape_ok(n->text, len - 1))) {
			d = diag_add(out, rule_get("name-invalid"), n,
				     "generateName '%s' must consist of lower case letters, digits and '-' and start with a letter",
				     n->text);
			diag_hint(out, d, "Katib uses the name in Service and Deployment names, which allow no other characters");
		} else if (len > max && ctx->config->minor >= 18) {
			d = diag_add(out, rule_get("name-invalid"), n,
				     "generateName '%s' is %zu characters long; with the 5 generated characters the name exceeds Katib's limit of 40",
				     n->text, len);
			diag_hint(out, d, "shorten generateName to at most %zu characters", max);
		}
		return;
	}
	if (!name_shape_ok(n->text, len)) {
		d = diag_add(out, rule_get("name-invalid"), n,
			     "name '%s' must consist of lower case letters, digits and '-', start with a letter and end with a letter or digit",
			     n->text);
		if (memchr(n->text, '.', len))
			diag_hint(out, d, "Katib's webhook lets dots through, but the suggestion Service '%s-<algorithm>' can never be created and the Experiment stays Created forever; use '-' instead of '.'",
				  n->text);
		else
			diag_hint(out, d, "for example 'my-experiment' or 'mnist-tune-2'");
	} else if (len > max && ctx->config->minor >= 18) {
		/* The 40-character cap arrived in Katib v0.18 (#2468). */
		d = diag_add(out, rule_get("name-invalid"), n,
			     "name '%s' is %zu characters long; Katib allows at most %zu",
			     n->text, len, max);
		diag_hint(out, d, "shorten the name: Katib derives Service and Deployment names from it");
	}
}

void check_counts(const struct rule_ctx *ctx, struct diag_list *out)
{
	const struct experiment *e = ctx->exp;
	struct diag *d;

	if (e->max_failed_node && e->max_failed_trial_count < 0)
		diag_add(out, rule_get("max-failed-trial-count-negative"),
			 e->max_failed_node,
			 "maxFailedTrialCount is %lld; it must not be negative",
			 (long long)e->max_failed_trial_count);
	if (e->max_trial_node && e->max_trial_count <= 0)
		diag_hint(out, diag_add(out, rule_get("max-trial-count-invalid"),
					e->max_trial_node,
					"maxTrialCount is %lld; it must be greater than 0",
					(long long)e->max_trial_count),
			  "remove maxTrialCount to run until the goal is reached, or set it to the number of trials to run");
	if (e->parallel_node && e->parallel_trial_count <= 0)
		diag_add(out, rule_get("parallel-trial-count-invalid"),
			 e->parallel_node,
			 "parallelTrialCount is %lld; it must be greater than 0",
			 (long long)e->parallel_trial_count);
	if (e->max_failed_node && e->max_trial_node &&
	    e->max_failed_trial_count > e->max_trial_count) {
		d = diag_add(out, rule_get("max-failed-trial-count-too-large"),
			     e->max_failed_node,
			     "maxFailedTrialCount (%lld) is greater than maxTrialCount (%lld)",
			     (long long)e->max_failed_trial_count,
			     (long long)e->max_trial_count);
		/* maxTrialCount's own finding comes first: no count is below 0. */
		if (e->max_trial_count <= 0)
			diag_hint(out, d, "make maxTrialCount greater than 0 first; maxFailedTrialCount may then be up to it");
		else
			diag_hint(out, d, "set maxFailedTrialCount to at most %lld",
				  (long long)e->max_trial_count);
	}
	if (e->max_trial_node && e->max_trial_count > 0 &&
	    e->parallel_trial_count > e->max_trial_count) {
		if (e->parallel_node) {
			d = diag_add(out, rule_get("parallel-trial-count-too-large"),
				     e->parallel_node,
				     "parallelTrialCount (%lld) is greater than maxTrialCount (%lld)",
				     (long long)e->parallel_trial_count,
				     (long long)e->max_trial_count);
			diag_hint(out, d, "set parallelTrialCount to at most %lld",
				  (long long)e->max_trial_count);
		} else {
			d = diag_add_missing(out, rule_get("parallel-trial-count-too-large"),
					     e->spec, "parallelTrialCount",
					     "parallelTrialCount defaults to 3, which is greater than maxTrialCount (%lld)",
					     (long long)e->max_trial_count);
			diag_hint(out, d, "add 'parallelTrialCount: %lld' to spec",
				  (long long)e->max_trial_count);
		}
	}
}

void check_objective(const struct rule_ctx *ctx, struct diag_list *out)
{
	static const char *const objective_types[] = { "minimize", "maximize",
						       NULL };
	const struct experiment *e = ctx->exp;
	const struct doc_node *o = e->objective, *type, *name, *extra, *c;
	const char *metric;

	if (!o) {
		if (!doc_get(e->spec, "objective") ||
		    doc_get(e->spec, "objective")->kind == DOC_NULL)
			diag_hint(out, diag_add_missing(out, rule_get("objective-missing"),
							e->spec, "objective",
							"the Experiment has no objective"),
				  "add spec.objective with type (minimize or maximize) and objectiveMetricName");
		return;
	}
	type = doc_get(o, "type");
	if (!doc_str(type) || (strcmp(type->text, "minimize") &&
			       strcmp(type->text, "maximize"))) {
		struct diag *d;

		if (!type)
			d = diag_add_missing(out, rule_get("objective-type-invalid"),
					     o, "type",
					     "objective.type is missing; it must be minimize or maximize");
		else if (type->kind != DOC_STR)
			d = NULL;	/* the type rule reports it */
		else
			d = diag_add(out, rule_get("objective-type-invalid"), type,
				     "objective.type '%s' must be minimize or maximize",
				     type->text);
		if (type && doc_str(type) &&
		    (!strcmp(type->text, "Minimize") || !strcmp(type->text, "Maximize") ||
		     !strcmp(type->text, "MINIMIZE") || !strcmp(type->text, "MAXIMIZE")))
			diag_hint(out, d, "the value is case-sensitive: write it in lower case");
		if (type && doc_str(type))
			diag_fix(out, d, FIX_SET_VALUE, type, NULL, NULL,
				 case_only_match(type->text, objective_types));
	}
	name = doc_get(o, "objectiveMetricName");
	metric = doc_str(name);
	if (doc_str_empty(name))
		diag_hint(out, name ? diag_add(out, rule_get("objective-metric-name-missing"),
					       name, "objective.objectiveMetricName is empty")
				    : diag_add_missing(out, rule_get("objective-metric-name-missing"),
						       o, "objectiveMetricName",
						       "objective.objectiveMetricName is missing"),
			  "name the metric your training code prints, e.g. 'accuracy'");
	extra = doc_get_kind(o, "additionalMetricNames", DOC_SEQ);
	if (metric && *metric && extra)
		for (c = extra->child; c; c = c->next)
			if (doc_str(c) && !strcmp(c->text, metric))
				diag_hint(out, diag_add(out, rule_get("objective-metric-repeated"), c,
							"additionalMetricNames repeats the objective metric '%s'",
							metric),
					  "remove it from additionalMetricNames: the objective metric is always collected");
}

void check_algorithm(const struct rule_ctx *ctx, struct diag_list *out)
{
	const struct experiment *e = ctx->exp;
	const struct doc_node *name;
	struct diag *d;

	if (!e->algorithm) {
		if (!doc_get(e->spec, "algorithm") ||
		    doc_get(e->spec, "algorithm")->kind == DOC_NULL)
			diag_hint(out, diag_add_missing(out, rule_get("algorithm-missing"),
							e->spec, "algorithm",
							"the Experiment has no algorithm"),
				  "add 'algorithm: {algorithmName: random}' to spec, or another algorithm: %s",
				  katib_config_join(ctx->config->algorithms));
		return;
	}
	name = doc_get(e->algorithm, "algorithmName");
	if (doc_str_empty(name)) {
		d = name ? diag_add(out, rule_get("algorithm-name-missing"), name,
				    "algorithm.algorithmName is empty")
			 : diag_add_missing(out, rule_get("algorithm-name-missing"),
					    e->algorithm, "algorithmName",
					    "algorithm.algorithmName is missing");
		diag_hint(out, d, "choose one of: %s",
			  katib_config_join(ctx->config->algorithms));
		return;
	}
	if (!doc_str(name))
		return;
	if (!katib_config_has(ctx->config->algorithms, name->text)) {
		d = diag_add(out, rule_get("algorithm-unknown"), name,
			     "algorithm '%s' is not served by %s (Katib %s)",
			     name->text, ctx->config->source, ctx->config->version);
		if (case_only_match(name->text, ctx->config->algorithms))
			diag_hint(out, d, "did you mean '%s'? Katib compares algorithm names exactly",
				  case_only_match(name->text, ctx->config->algorithms));
		else
			diag_hint(out, d, "choose one of: %s",
				  katib_config_join(ctx->config->algorithms));
		diag_fix(out, d, FIX_SET_VALUE, name, NULL, NULL,
			 case_only_match(name->text, ctx->config->algorithms));
	} else if (!*katib_config_image(ctx->config->algorithms,
					ctx->config->algorithm_images, name->text)) {
		diag_hint(out, diag_add(out, rule_get("algorithm-unknown"), name,
					"algorithm '%s' has no image in %s: Katib answers \"required value for image configuration of algorithm name: %s\"",
					name->text, ctx->config->source, name->text),
			  "ask the Katib admin to set the image of '%s' in katib-config", name->text);
	}
}

void check_early_stopping(const struct rule_ctx *ctx, struct diag_list *out)
{
	const struct experiment *e = ctx->exp;
	const struct doc_node *name;
	struct diag *d;

	if (!e->early_stopping)
		return;
	name = doc_get(e->early_stopping, "algorithmName");
	if (doc_str_empty(name)) {
		d = name ? diag_add(out, rule_get("early-stopping-name-missing"), name,
				    "earlyStopping.algorithmName is empty")
			 : diag_add_missing(out, rule_get("early-stopping-name-missing"),
					    e->early_stopping, "algorithmName",
					    "earlyStopping.algorithmName is missing");
		diag_hint(out, d, "use one of: %s, or remove earlyStopping",
			  katib_config_join(ctx->config->early_stoppings));
		return;
	}
	if (doc_str(name) &&
	    (!katib_config_has(ctx->config->early_stoppings, name->text) ||
	     !*katib_config_image(ctx->config->early_stoppings,
				  ctx->config->early_stopping_images, name->text))) {
		d = diag_add(out, rule_get("early-stopping-unknown"), name,
			     "early stopping algorithm '%s' is not served by %s (Katib %s)",
			     name->text, ctx->config->source, ctx->config->version);
		diag_hint(out, d, "use one of: %s",
			  katib_config_join(ctx->config->early_stoppings));
		diag_fix(out, d, FIX_SET_VALUE, name, NULL, NULL,
			 case_only_match(name->text, ctx->config->early_stoppings));
	}
}

void check_resume_policy(const struct rule_ctx *ctx, struct diag_list *out)
{
	const struct doc_node *n = doc_get(ctx->exp->spec, "resumePolicy");
	static const char *const ok[] = { "", "Never", "LongRunning",
					   "FromVolume", NULL };

	if (!doc_str(n) || katib_config_has(ok, n->text))
		return;
	diag_fix(out, diag_hint(out, diag_add(out, rule_get("resume-policy-invalid"), n,
						  "resumePolicy '%s' is not a resume policy",
						  n->text),
				    "use Never (the default), LongRunning or FromVolume"),
		 FIX_SET_VALUE, n, NULL, NULL, case_only_match(n->text, ok + 1));
}

void check_search_space(const struct rule_ctx *ctx, struct diag_list *out)
{
	const struct experiment *e = ctx->exp;
	int has_params = e->parameters && e->parameters->nr_children;

	if (!e->spec)
		return;
	if (!has_params && !e->nas_config)
		diag_hint(out, diag_add_missing(out, rule_get("search-space-missing"),
						e->spec, "parameters",
						"the Experiment has neither parameters nor nasConfig"),
			  "list the hyperparameters to tune under spec.parameters");
	else if (has_params && e->nas_config)
		diag_hint(out, diag_add_key(out, rule_get("search-space-conflict"),
					    doc_get(e->spec, "nasConfig"),
					    "the Experiment has both parameters and nasConfig"),
			  "keep parameters for hyperparameter tuning, or nasConfig for neural architecture search");
}

static int is_one_of(const char *s, const char *const *list)
{
	return s && katib_config_has(list, s);
}

static const struct doc_node *nonempty(const struct doc_node *fs,
				       const char *key)
{
	const struct doc_node *n = doc_get(fs, key);

	return doc_str_empty(n) ? NULL : n;
}

static void check_parameter(const struct rule_ctx *ctx,
			    const struct doc_node *p, struct diag_list *out)
{
	static const char *const types[] = { "int", "double", "categorical",
					     "discrete", "unknown", NULL };
	static const char *const numeric[] = { "int", "double", NULL };
	static const char *const listed[] = { "categorical", "discrete", NULL };
	static const char *const dists[] = { "uniform", "logUniform", "normal",
					     "logNormal", "unknown", NULL };
	const struct doc_node *type = doc_get(p, "parameterType");
	const struct doc_node *fs = doc_get_kind(p, "feasibleSpace", DOC_MAP);
	const struct doc_node *dist = doc_get(fs, "distribution");
	const char *t = doc_str(type);
	struct diag *d;

	if (type && type->kind != DOC_STR && type->kind != DOC_NULL)
		return;	/* the type rule reports it */
	if (!is_one_of(t ? t : "", types)) {
		if (!type)
			d = diag_add_missing(out, rule_get("parameter-type-invalid"),
					     p, "parameterType",
					     "parameter has no parameterType");
		else
			d = diag_add(out, rule_get("parameter-type-invalid"), type,
				     "parameterType '%s' is not supported", t ? t : "");
		if (case_only_match(t, types))
			diag_hint(out, d, "did you mean '%s'?", case_only_match(t, types));
		else if (t && (!strcasecmp(t, "float") || !strcasecmp(t, "number")))
			diag_hint(out, d, "did you mean 'double'? Katib calls a real-valued parameter double");
		else if (t && !strcasecmp(t, "integer"))
			diag_hint(out, d, "did you mean 'int'?");
		else
			diag_hint(out, d, "use int, double, categorical or discrete");
		diag_fix(out, d, FIX_SET_VALUE, type, NULL, NULL,
			 case_only_match(t, types));
	}
	if (doc_str(dist) && dist->len && !is_one_of(dist->text, dists)) {
		d = diag_add(out, rule_get("parameter-distribution-invalid"), dist,
			     "distribution '%s' is not supported", dist->text);
		if (case_only_match(dist->text, dists))
			diag_hint(out, d, "did you mean '%s'? distributions are case-sensitive",
				  case_only_match(dist->text, dists));
		else
			diag_hint(out, d, "use uniform, logUniform, normal or logNormal (case-sensitive)");
		diag_fix(out, d, FIX_SET_VALUE, dist, NULL, NULL,
			 case_only_match(dist->text, dists));
	}
	if (is_one_of(t, numeric)) {
		const struct doc_node *list = doc_get_kind(fs, "list", DOC_SEQ);

		if (list && list->nr_children)
			diag_hint(out, diag_add_key(out, rule_get("parameter-list-not-allowed"), list,
						    "feasibleSpace.list is not supported for parameterType %s",
						    t),
				  "give min and max (and optionally step), or make the parameter categorical");
		/* Before v0.18 Katib wanted only one of the two bounds. */
		if ((ctx->config->minor >= 18 &&
		     (!nonempty(fs, "min") || !nonempty(fs, "max"))) ||
		    (!nonempty(fs, "min") && !nonempty(fs, "max"))) {
			const char *which = !nonempty(fs, "min") ? "min" : "max";
			const struct doc_node *at = doc_get(fs, which);

			if (!fs)
				d = diag_add_missing(out, rule_get("parameter-bounds-missing"),
						     p, "feasibleSpace",
						     "parameterType %s needs feasibleSpace.min and feasibleSpace.max",
						     t);
			else if (at)
				d = diag_add(out, rule_get("parameter-bounds-missing"), at,
					     "feasibleSpace.%s is empty; parameterType %s needs min and max",
					     which, t);
			else
				d = diag_add_missing(out, rule_get("parameter-bounds-missing"),
						     fs, which,
						     "feasibleSpace.%s is missing; parameterType %s needs min and max",
						     which, t);
			diag_hint(out, d, "give both bounds as strings, e.g. min: \"0.01\" and max: \"0.1\"");
		}
	} else if (is_one_of(t, listed)) {
		static const char *const keys[] = { "min", "max", "step" };
		size_t i;

		for (i = 0; i < ARRAY_SIZE(keys); i++) {
			const struct doc_node *n = nonempty(fs, keys[i]);

			if (n)
				diag_hint(out, diag_add_key(out, rule_get("parameter-bounds-not-allowed"), n,
							    "feasibleSpace.%s is not supported for parameterType %s",
							    keys[i], t),
					  "list the values under feasibleSpace.list instead");
		}
	}
}

void check_parameters(const struct rule_ctx *ctx, struct diag_list *out)
{
	const struct doc_node *p;

	if (!ctx->exp->parameters)
		return;
	for (p = ctx->exp->parameters->child; p; p = p->next)
		if (p->kind == DOC_MAP)
			check_parameter(ctx, p, out);
}
