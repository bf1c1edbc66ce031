/*
 * rules/conditions.c: successCondition and failureCondition are GJSON
 * paths that Katib evaluates on the trial object's status to decide that
 * a Trial has finished (pkg/controller.v1beta1/trial/util/job_util.go).  A
 * path that is malformed, or that asks for a condition type the trial kind
 * never has, never matches: the Trial stays Running after its job is done
 * (kubeflow/katib#1655, #1863; rules catalogue LINT-07).
 */
#include "compat.h"
#include "rules/rules.h"
#include "buf.h"
#include "doc.h"
#include "experiment.h"

#include <ctype.h>

/* Condition types each kind's controller sets. */
static const struct {
	const char *kind;
	const char *types[8];
} kind_conditions[] = {
	{ "Job", { "Complete", "Failed", "Suspended", "FailureTarget",
		   "SuccessCriteriaMet", NULL } },
	{ "TFJob", { "Created", "Running", "Restarting", "Succeeded", "Failed",
		     "Suspended", NULL } },
	{ "PyTorchJob", { "Created", "Running", "Restarting", "Succeeded",
			  "Failed", "Suspended", NULL } },
	{ "MPIJob", { "Created", "Running", "Restarting", "Succeeded", "Failed",
		      "Suspended", NULL } },
	{ "XGBoostJob", { "Created", "Running", "Restarting", "Succeeded",
			  "Failed", "Suspended", NULL } },
	{ "PaddleJob", { "Created", "Running", "Restarting", "Succeeded",
			 "Failed", "Suspended", NULL } },
	{ "JAXJob", { "Created", "Running", "Restarting", "Succeeded", "Failed",
		      "Suspended", NULL } },
	{ "TrainJob", { "Created", "Complete", "Failed", "Suspended", NULL } },
	{ "PipelineRun", { "Succeeded", NULL } },
};

/*
 * Checks GJSON path syntax: balanced (), [] and {} outside strings,
 * closed strings, no empty path component, and comparison operators
 * followed by a value.  Returns NULL or what is wrong.
 */
static const char *gjson_problem(const char *s)
{
	char stack[64];
	size_t depth = 0;
	const char *p, *last_sep = s - 1;

	if (!*s)
		return "it is empty";
	for (p = s; *p; p++) {
		char c = *p;

		if (c == '\\' && p[1]) {
			p++;
			continue;
		}
		if (c == '"') {
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p)
				return "a quoted string is not closed";
			continue;
		}
		if (c == '(' || c == '[' || c == '{') {
			if (depth == sizeof(stack))
				return "it nests too deeply";
			stack[depth++] = c == '(' ? ')' : c == '[' ? ']' : '}';
			continue;
		}
		if (c == ')' || c == ']' || c == '}') {
			if (!depth || stack[depth - 1] != c)
				return "its brackets do not match";
			depth--;
			continue;
		}
		if (!depth && (c == '.' || c == '|')) {
			if (p == last_sep + 1)
				return "it has an empty path component";
			last_sep = p;
		}
		if (depth && (c == '=' || c == '!' || c == '<' || c == '>' || c == '%')) {
			const char *v = p + 1;

			if ((c == '=' && *v != '=') ||
			    (c == '!' && *v != '=' && *v != '%'))
				return "it has a comparison that is not ==, !=, <, <=, >, >=, % or !%";
			if (*v == '=' || *v == '%')
				v++;
			while (*v == ' ')
				v++;
			if (!*v || *v == ')')
				return "a comparison has no value";
			p = v - 1;
		}
	}
	if (depth)
		return "a bracket is not closed";
	if (p == last_sep + 1)
		return "it ends with '.' or '|'";
	return NULL;
}

static void check_condition(const struct doc_node *n, const char *kind,
			    struct diag_list *out)
{
	const char *why = gjson_problem(n->text);
	const char *p;
	size_t i;

	if (why) {
		diag_hint(out, diag_add(out, rule_get("trial-condition-invalid"), n,
					"%.*s '%s' is not a valid GJSON path (%s); it never matches and the Trial never finishes",
					(int)n->key_len, n->key, n->text, why),
			  "for a Job: status.conditions.#(type==\"Complete\")#|#(status==\"True\")#");
		return;
	}
	for (i = 0; kind && i < ARRAY_SIZE(kind_conditions); i++) {
		if (strcmp(kind_conditions[i].kind, kind))
			continue;
		for (p = strstr(n->text, "type"); p; p = strstr(p + 4, "type")) {
			const char *v = p + 4, *end;
			size_t j;
			int known = 0;

			while (*v == ' ')
				v++;
			if (v[0] != '=' || v[1] != '=')
				continue;
			v += 2;
			while (*v == ' ')
				v++;
			if (*v != '"' || !(end = strchr(v + 1, '"')))
				continue;
			v++;
			for (j = 0; kind_conditions[i].types[j]; j++)
				if (strlen(kind_conditions[i].types[j]) == (size_t)(end - v) &&
				    !memcmp(kind_conditions[i].types[j], v, (size_t)(end - v)))
					known = 1;
			if (!known) {
				struct buf types = BUF_INIT;

				for (j = 0; kind_conditions[i].types[j]; j++)
					buf_addf(&types, "%s%s", j ? ", " : "",
						 kind_conditions[i].types[j]);
				diag_hint(out, diag_add(out, rule_get("trial-condition-invalid"), n,
							"%.*s waits for a condition of type '%.*s', which a %s never has; the Trial never finishes",
							(int)n->key_len, n->key, (int)(end - v), v, kind),
					  "a %s's condition types are: %s", kind, types.buf);
				buf_release(&types);
			}
		}
	}
}

void check_trial_conditions(const struct rule_ctx *ctx, struct diag_list *out)
{
	static const char *const keys[] = { "successCondition", "failureCondition" };
	const char *kind = doc_get_str(ctx->exp->trial_spec, "kind");
	const char *api = doc_get_str(ctx->exp->trial_spec, "apiVersion");
	size_t i;

	/* A Job of another API group is not a batch/v1 Job. */
	if (kind && !strcmp(kind, "Job") && (!api || strcmp(api, "batch/v1")))
		kind = NULL;
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct doc_node *n = doc_get(ctx->exp->trial_template, keys[i]);

		if (doc_str(n) && n->len)
			check_condition(n, kind, out);
	}
}
