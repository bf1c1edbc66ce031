/*
 * rules/values.c: values Katib's webhook accepts but its services,
 * collectors or controllers then choke on (rules catalogue §1.10,
 * LINT-01..06, LINT-12, LINT-16).
 */
#include "compat.h"
#include "rules/rules.h"
#include "buf.h"
#include "doc.h"
#include "experiment.h"
#include "numparse.h"
#include "levenshtein.h"
#include "re.h"

#include <math.h>

/* A bound of an int or double parameter, parsed as Katib's services do. */
struct bound {
	const struct doc_node *node;
	int ok;
	double v;
};

static void parse_bound(const struct doc_node *fs, const char *key, int is_int,
			struct bound *b, struct diag_list *out)
{
	const char *t;
	int64_t iv;

	b->node = doc_get(fs, key);
	b->ok = 0;
	t = doc_str(b->node);
	if (!t || !*t)
		return;
	if (is_int && !num_py_int(t, &iv)) {
		b->ok = 1;
		b->v = (double)iv;
	} else if (!is_int && !num_py_float(t, &b->v) && !isnan(b->v)) {
		b->ok = 1;
	}
	if (!b->ok) {
		double dv;
		struct diag *d = diag_add(out, rule_get("parameter-value-invalid"), b->node,
					  "feasibleSpace.%s '%s' is not %s", key, t,
					  is_int ? "an integer" : "a number");

		if (is_int && !num_py_float(t, &dv))
			diag_hint(out, d, "int parameters need whole numbers: the suggestion services parse them with int(), which refuses '%s'", t);
		else
			diag_hint(out, d, "write a plain number, e.g. \"0.01\"");
	}
}

static void check_numeric(const struct doc_node *p, const struct doc_node *fs,
			  int is_int, struct diag_list *out)
{
	struct bound min, max, step;

	(void)p;
	parse_bound(fs, "min", is_int, &min, out);
	parse_bound(fs, "max", is_int, &max, out);
	parse_bound(fs, "step", is_int, &step, out);
	if (min.ok && max.ok && min.v > max.v)
		diag_hint(out, diag_add(out, rule_get("parameter-value-invalid"), min.node,
					"feasibleSpace.min (%s) is greater than max (%s)",
					min.node->text, max.node->text),
			  "swap min and max");
	if (step.ok && step.v <= 0)
		diag_hint(out, diag_add(out, rule_get("parameter-value-invalid"), step.node,
					"feasibleSpace.step (%s) must be greater than 0",
					step.node->text),
			  "remove step, or give a positive step");
}

void check_parameter_values(const struct rule_ctx *ctx, struct diag_list *out)
{
	const struct doc_node *params = ctx->exp->parameters, *p, *q;

	for (p = params ? params->child : NULL; p; p = p->next) {
		const struct doc_node *name = doc_get(p, "name");
		const char *type = doc_get_str(p, "parameterType");
		const struct doc_node *fs = doc_get_kind(p, "feasibleSpace", DOC_MAP);

		if (p->kind != DOC_MAP)
			continue;
		if (doc_str_empty(name)) {
			diag_hint(out, name ? diag_add(out, rule_get("parameter-name-duplicated"), name,
						       "parameter has an empty name")
					    : diag_add_missing(out, rule_get("parameter-name-duplicated"), p,
							       "name", "parameter has no name"),
				  "give every parameter a unique name; trial parameters reference it");
		} else if (doc_str(name)) {
			for (q = params->child; q != p; q = q->next)
				if (doc_get_str(q, "name") &&
				    !strcmp(doc_get_str(q, "name"), name->text))
					break;
			if (q != p)
				diag_hint(out, diag_add(out, rule_get("parameter-name-duplicated"), name,
							"parameter name '%s' is used twice; the suggestion services overwrite or refuse repeated names",
							name->text),
					  "give every parameter a unique name");
		}
		if (!type)
			continue;
		if (!strcmp(type, "int") || !strcmp(type, "double")) {
			check_numeric(p, fs, !strcmp(type, "int"), out);
		} else if (!strcmp(type, "categorical") || !strcmp(type, "discrete")) {
			const struct doc_node *list = doc_get(fs, "list");

			if (list && list->kind != DOC_SEQ && list->kind != DOC_NULL)
				continue;
			if (!list || !list->nr_children)
				diag_hint(out, list ? diag_add(out, rule_get("parameter-list-empty"), list,
							       "feasibleSpace.list of a %s parameter is empty", type)
						    : diag_add_missing(out, rule_get("parameter-list-empty"),
								       fs ? fs : p, fs ? "list" : "feasibleSpace",
								       "a %s parameter needs feasibleSpace.list", type),
					  "list the values to try; Katib accepts the Experiment but every suggestion fails");
		}
	}
}

static int is_metric(const struct doc_node *objective, const char *name)
{
	const struct doc_node *extra = doc_get_kind(objective, "additionalMetricNames", DOC_SEQ), *c;
	const char *obj = doc_get_str(objective, "objectiveMetricName");

	if (obj && !strcmp(obj, name))
		return 1;
	for (c = extra ? extra->child : NULL; c; c = c->next)
		if (doc_str(c) && !strcmp(c->text, name))
			return 1;
	return 0;
}

static void check_semicolon(const struct doc_node *n, const char *what,
			    struct diag_list *out)
{
	if (doc_str(n) && strchr(n->text, ';'))
		diag_hint(out, diag_add(out, rule_get("metric-name-semicolon"), n,
					"%s '%s' contains ';', which Katib uses to join names and filters for the collector",
					what, n->text),
			  "remove the ';': the collector splits the value there");
}

void check_metrics(const struct rule_ctx *ctx, struct diag_list *out)
{
	static const char *const strategies_ok[] = { "min", "max", "latest", NULL };
	const struct experiment *e = ctx->exp;
	const struct doc_node *o = e->objective, *c;
	const struct doc_node *strategies = doc_get_kind(o, "metricStrategies", DOC_SEQ);
	const struct doc_node *extra = doc_get_kind(o, "additionalMetricNames", DOC_SEQ);
	const struct doc_node *source = doc_get_kind(e->collector_spec, "source", DOC_MAP);
	const struct doc_node *formats = doc_lookup(source, "filter.metricsFormat");

	check_semicolon(doc_get(o, "objectiveMetricName"), "metric name", out);
	for (c = extra ? extra->child : NULL; c; c = c->next)
		check_semicolon(c, "metric name", out);
	for (c = formats && formats->kind == DOC_SEQ ? formats->child : NULL; c; c = c->next)
		check_semicolon(c, "metricsFormat", out);

	for (c = strategies ? strategies->child : NULL; c; c = c->next) {
		const struct doc_node *name = doc_get(c, "name");
		const struct doc_node *value = doc_get(c, "value");

		if (doc_str(value) && strcmp(value->text, "min") &&
		    strcmp(value->text, "max") && strcmp(value->text, "latest"))
			diag_fix(out, diag_hint(out, diag_add(out, rule_get("metric-strategy-invalid"), value,
							      "metric strategy '%s' is not min, max or latest; Katib then sends empty metric values to the suggestion service",
							      value->text),
						"use min, max or latest"),
				 FIX_SET_VALUE, value, NULL, NULL,
				 case_only_match(value->text, strategies_ok));
		if (doc_str(name) && !is_metric(o, name->text))
			diag_hint(out, diag_add(out, rule_get("metric-strategy-invalid"), name,
						"metric strategy for '%s', which is neither the objective metric nor an additional metric",
						name->text),
				  "name the objective metric or one of additionalMetricNames");
	}

	/* Katib skips filter checks for StdOut; the collector then never matches. */
	if (!strcmp(e->collector_kind, "StdOut") && formats && formats->kind == DOC_SEQ) {
		for (c = formats->child; c; c = c->next) {
			struct buf why = BUF_INIT;

			if (!doc_str(c))
				continue;
			if (re_check_go(c->text, c->len, &why))
				diag_hint(out, diag_add(out, rule_get("stdout-metrics-format-invalid"), c,
							"metricsFormat '%s' is not a valid Go regular expression (%s); Katib accepts it for StdOut, but the collector can never match a metric",
							c->text, why.buf),
					  "fix the regular expression (Go RE2 syntax)");
			else if (re_match("^.*\\(.*\\).*\\(.*\\).*$", c->text, c->len) != 1)
				diag_hint(out, diag_add(out, rule_get("stdout-metrics-format-invalid"), c,
							"metricsFormat '%s' needs two capture groups (name and value); the StdOut collector never finds a metric",
							c->text),
					  "for example '([\\w|-]+)\\s*=\\s*([+-]?\\d*(\\.\\d+)?([Ee][+-]?\\d+)?)'");
			buf_release(&why);
		}
	}
}

void check_run_settings(const struct rule_ctx *ctx, struct diag_list *out)
{
	const struct experiment *e = ctx->exp;
	const struct doc_node *settings = doc_get_kind(e->algorithm, "algorithmSettings", DOC_SEQ);
	const struct doc_node *policy = doc_get(e->spec, "resumePolicy"), *s;
	const char *pol = doc_str(policy) && policy->len ? policy->text : "Never";
	const struct doc_node *trial_dir = NULL;
	int pbt = e->algorithm_name && !strcmp(e->algorithm_name, "pbt");

	if (!e->max_trial_node && !doc_get(e->spec, "maxTrialCount"))
		diag_hint(out, diag_add_missing(out, rule_get("max-trial-count-missing"), e->spec,
						"maxTrialCount",
						"maxTrialCount is not set; the Experiment runs until the goal is reached, possibly forever"),
			  "set maxTrialCount to bound the number of trials");

	for (s = settings ? settings->child : NULL; s; s = s->next)
		if (doc_get_str(s, "name") && !strcmp(doc_get_str(s, "name"), "suggestion_trial_dir"))
			trial_dir = s;
	if ((pbt || trial_dir) && strcmp(pol, "FromVolume")) {
		struct diag *d;
		const char *why = pbt ? "the pbt algorithm keeps checkpoints on the suggestion's volume"
				      : "suggestion_trial_dir mounts the suggestion's volume into trial pods";

		if (policy)
			d = diag_add(out, rule_get("pbt-resume-policy"), policy,
				     "%s, which exists only with resumePolicy FromVolume; with '%s' the trial pods stay Pending",
				     why, pol);
		else
			d = diag_add_missing(out, rule_get("pbt-resume-policy"), e->spec, "resumePolicy",
					     "%s, which exists only with resumePolicy FromVolume; resumePolicy defaults to Never, so the trial pods stay Pending",
					     why);
		diag_hint(out, d, "set resumePolicy: FromVolume");
	}
}
