/*
 * rules/types.c: what Kubernetes and Katib do with the Experiment's YAML
 * before any rule runs: decode it into Katib's Go types.  A value of the
 * wrong JSON type makes the decoder reject the whole object (KAT-WH-01);
 * a key the types do not have is silently dropped by the defaulting
 * webhook, so the user's setting vanishes.
 */
#include "compat.h"
#include "rules/rules.h"
#include "doc.h"
#include "doc-yaml.h"
#include "experiment.h"
#include "schema.h"

void report_schema_problem(void *data, enum schema_problem problem,
			   const struct doc_node *node, const char *struct_name,
			   const struct schema_type *want)
{
	const struct schema_report *rep = data;
	struct diag_list *out = rep->out;
	const char *article = node->kind == DOC_INT ? "an" : "a";
	struct diag *d;

	if (problem == SCHEMA_UNKNOWN_FIELD) {
		const char *better = schema_suggest(want, node->key, node->key_len);

		d = diag_add_key(out, rule_get(rep->unknown_rule), node,
				 "unknown field '%.*s' in %s%s; %s",
				 (int)node->key_len, node->key, struct_name,
				 rep->where, rep->unknown_effect);
		if (better) {
			diag_hint(out, d, "did you mean '%s'?", better);
			/* A key the map already has would then repeat. */
			if (!doc_get(node->parent, better))
				diag_fix(out, d, FIX_RENAME_KEY, node, NULL,
					 NULL, better);
		}
		else
			diag_hint(out, d, "remove it: the API has no such field here");
		return;
	}
	/*
	 * The kind is the one wanted and the value is not: a number too
	 * large for the Go type, or a .nan or .inf, which JSON cannot carry.
	 * "must be an integer, not an integer" would say nothing.
	 */
	if ((node->kind == DOC_INT && (want->kind == SCHEMA_INT32 || want->kind == SCHEMA_INT64 ||
				       want->kind == SCHEMA_NUMBER)) ||
	    (node->kind == DOC_FLOAT && want->kind == SCHEMA_NUMBER)) {
		diag_add(out, rule_get(rep->type_rule), node,
			 node->kind == DOC_INT ? "%s must be %s, and %s is out of its range; %s"
					       : "%s must be %s, and %s is not a finite number (JSON has no NaN or infinity); %s",
			 node->key ? node->key : "list item", schema_kind_phrase(want),
			 node->text, rep->type_effect);
		return;
	}
	d = diag_add(out, rule_get(rep->type_rule), node,
		     "%s must be %s, not %s %s; %s",
		     node->key ? node->key : "list item", schema_kind_phrase(want),
		     article, doc_kind_name(node->kind), rep->type_effect);
	if (want->kind == SCHEMA_STRING &&
	    (node->kind == DOC_INT || node->kind == DOC_FLOAT ||
	     node->kind == DOC_BOOL)) {
		diag_hint(out, d, "quote the value: \"%s\" (YAML reads it as %s %s)",
			  node->text, article, doc_kind_name(node->kind));
		diag_fix(out, d, FIX_QUOTE, node, NULL, NULL, NULL);
	} else if (node->kind == DOC_STR && strstr(node->text, "${trialParameters."))
		diag_hint(out, d, "Katib checks the template with every placeholder replaced by 'test-value', so a trial parameter cannot fill a field of this type");
	else if (node->kind == DOC_STR &&
		 (want->kind == SCHEMA_INT32 || want->kind == SCHEMA_INT64 ||
		  want->kind == SCHEMA_NUMBER || want->kind == SCHEMA_BOOL)) {
		enum doc_kind plain = doc_yaml_plain_kind(node->text, node->len);

		diag_hint(out, d, "remove the quotes around the value");
		/* Certain only when the bare value has the kind wanted. */
		if (want->kind == SCHEMA_BOOL ? plain == DOC_BOOL
		    : want->kind == SCHEMA_NUMBER ? plain == DOC_INT || plain == DOC_FLOAT
						  : plain == DOC_INT)
			diag_fix(out, d, FIX_UNQUOTE, node, NULL, NULL, NULL);
	}
}

void check_types(const struct rule_ctx *ctx, struct diag_list *out)
{
	struct schema_report rep = {
		.out = out,
		.type_rule = "type-mismatch",
		.unknown_rule = "unknown-field",
		.where = "",
		.type_effect = "Katib rejects the Experiment",
		.unknown_effect = "Katib silently drops it",
	};

	schema_check(schema_experiment, ctx->exp->root, report_schema_problem, &rep);
}
