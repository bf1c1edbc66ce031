/*
 * rules/types.c: what Kubernetes and Katib do with the Experiment's YAML
 * before any rule runs: decode it into Katib's Go types.  A value of the
 * wrong JSON type makes the decoder reject the whole object (KAT-WH-01);
 * a key the types do not have is silently dropped by the defaulting
 * webhook, so the user's setting vanishes.
 */
#include "compat.h"
#include "rules/rules.h"
#include "buf.h"
#include "doc.h"
#include "doc-yaml.h"
#include "experiment.h"
#include "schema.h"

/* The map that holds a map's value: a list item's list is skipped. */
static const struct doc_node *holder(const struct doc_node *map)
{
	const struct doc_node *up = map ? map->parent : NULL;

	if (up && up->kind == DOC_SEQ)
		up = up->parent;
	return up;
}

/*
 * A field of mt (but skip) whose object type has a field called name;
 * *unique is set to whether it is the only one, so that a fix moving the
 * entry there is certain.
 */
static const struct schema_field *field_holding(const struct schema_type *mt,
						const char *name, size_t len,
						const char *skip, int *unique)
{
	const struct schema_field *found = NULL;
	size_t i, nr = 0;

	for (i = 0; mt && i < mt->nr_fields; i++) {
		const struct schema_type *ft = schema_object_of(mt->fields[i].type);

		if (skip && !strcmp(mt->fields[i].name, skip))
			continue;
		if (ft && schema_field(ft, name, len)) {
			if (!found)
				found = &mt->fields[i];
			nr++;
		}
	}
	*unique = nr == 1;
	return found;
}

static const char *key_of(const struct doc_node *n)
{
	return n && n->key ? n->key : NULL;
}

/*
 * An unknown field that is a real one a level away was indented wrongly
 * (the commonest YAML mistake): says where it belongs, so that the hint
 * moves the user's work instead of deleting it.  Looks in the map's own
 * children, then one level up, then in the siblings of the map.
 */
static int hint_move(struct diag_list *out, struct diag *d,
		     const struct schema_report *rep,
		     const struct doc_node *node, const struct schema_type *mt)
{
	const struct doc_node *map = node->parent, *up, *there;
	const struct schema_type *upt;
	const struct schema_field *f;
	char name[64];
	int unique;

	if (!rep->root_type || node->key_len >= sizeof(name))
		return 0;
	memcpy(name, node->key, node->key_len);
	name[node->key_len] = '\0';
	f = field_holding(mt, node->key, node->key_len, NULL, &unique);
	if (f) {
		const struct schema_type *ft = schema_object_of(f->type);

		there = doc_get(map, f->name);
		if (there)
			diag_hint(out, d, "'%s' belongs in '%s' (%s): indent it under '%s:' at line %u",
				  name, f->name, ft->name, f->name,
				  (unsigned)there->key_span.start.line);
		else if (key_of(map))
			diag_hint(out, d, "'%s' belongs in '%s' (%s): add '%s:' under '%s:' at line %u and indent it there",
				  name, f->name, ft->name, f->name, map->key,
				  (unsigned)map->key_span.start.line);
		else
			diag_hint(out, d, "'%s' belongs in '%s' (%s): add '%s:' here and indent it under it",
				  name, f->name, ft->name, f->name);
		/* Two fields that could hold it: which one was meant is a guess. */
		if (unique && there)
			diag_fix_move(out, d, node, name, there, NULL, f->name);
		else if (unique)
			diag_fix_move(out, d, node, name, map, f->name,
				      key_of(map) ? map->key : ft->name);
		return 1;
	}
	/* The keyed node that holds map: map, or the list it is an item of. */
	there = map->parent && map->parent->kind == DOC_SEQ ? map->parent : map;
	up = holder(map);
	if (!up || up->kind != DOC_MAP || !key_of(there))
		return 0;
	upt = schema_object_of(schema_type_at(rep->root_type, rep->root, up));
	if (!upt)
		return 0;
	if (schema_field(upt, node->key, node->key_len)) {
		diag_hint(out, d, "'%s' belongs one level up, in %s: unindent it to line up with '%s:' at line %u",
			  name, upt->name, there->key,
			  (unsigned)there->key_span.start.line);
		diag_fix_move(out, d, node, name, up, NULL,
			      key_of(up) ? up->key : upt->name);
		return 1;
	}
	f = field_holding(upt, node->key, node->key_len, there->key, &unique);
	if (f) {
		const struct doc_node *sib = doc_get(up, f->name);

		if (sib) {
			diag_hint(out, d, "'%s' belongs in '%s' (%s), not in '%s': move it under '%s:' at line %u",
				  name, f->name, schema_object_of(f->type)->name,
				  there->key, f->name,
				  (unsigned)sib->key_span.start.line);
			if (unique)
				diag_fix_move(out, d, node, name, sib, NULL,
					      f->name);
		} else
			diag_hint(out, d, "'%s' belongs in '%s' (%s), not in '%s': add '%s:' beside '%s:' at line %u and move it there",
				  name, f->name, schema_object_of(f->type)->name,
				  there->key, f->name, there->key,
				  (unsigned)there->key_span.start.line);
		return 1;
	}
	return 0;
}

void report_schema_problem(void *data, enum schema_problem problem,
			   const struct doc_node *node, const char *struct_name,
			   const struct schema_type *want)
{
	const struct schema_report *rep = data;
	struct diag_list *out = rep->out;
	const char *article = node->kind == DOC_INT ? "an" : "a";
	struct buf name = BUF_INIT, text = BUF_INIT;
	struct diag *d;

	if (problem == SCHEMA_UNKNOWN_FIELD) {
		const char *better = schema_suggest(want, node->key, node->key_len);
		struct buf key = BUF_INIT;

		doc_add_key(&key, node->key, node->key_len);
		d = diag_add_key(out, rule_get(rep->unknown_rule), node,
				 "unknown field '%s' in %s%s; %s",
				 key.buf, struct_name, rep->where,
				 rep->unknown_effect);
		buf_release(&key);
		if (better) {
			diag_hint(out, d, "did you mean '%s'?", better);
			/* A key the map already has would then repeat. */
			if (!doc_get(node->parent, better))
				diag_fix(out, d, FIX_RENAME_KEY, node, NULL,
					 NULL, better);
		} else if (!hint_move(out, d, rep, node, want))
			diag_hint(out, d, "remove it: the API has no such field here");
		return;
	}
	doc_add_key(&name, node->key ? node->key : "list item",
		    node->key ? node->key_len : strlen("list item"));
	/*
	 * The kind is the one wanted and the value is not: a number too
	 * large for the Go type, or a .nan or .inf, which JSON cannot carry.
	 * "must be an integer, not an integer" would say nothing.
	 */
	if ((node->kind == DOC_INT && (want->kind == SCHEMA_INT32 || want->kind == SCHEMA_INT64 ||
				       want->kind == SCHEMA_NUMBER)) ||
	    (node->kind == DOC_FLOAT && want->kind == SCHEMA_NUMBER)) {
		/* An explicit !!int can tag any text: "0x-5" is no number at all. */
		int malformed = node->kind == DOC_INT &&
				doc_yaml_plain_kind(node->text, node->len) != DOC_INT;

		doc_add_key(&text, node->text, node->len);
		diag_add(out, rule_get(rep->type_rule), node,
			 malformed ? "%s must be %s, and %s is not one; %s"
			 : node->kind == DOC_INT ? "%s must be %s, and %s is out of its range; %s"
					       : "%s must be %s, and %s is not a finite number (JSON has no NaN or infinity); %s",
			 name.buf, schema_kind_phrase(want), text.buf, rep->type_effect);
		buf_release(&name);
		buf_release(&text);
		return;
	}
	d = diag_add(out, rule_get(rep->type_rule), node,
		     "%s must be %s, not %s %s; %s",
		     name.buf, schema_kind_phrase(want),
		     article, doc_kind_name(node->kind), rep->type_effect);
	buf_release(&name);
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
		.root_type = schema_experiment,
		.root = ctx->exp->root,
	};

	schema_check(schema_experiment, ctx->exp->root, report_schema_problem, &rep);
}
