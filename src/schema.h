/*
 * schema.h: the shapes of the Kubernetes and Katib types an Experiment is
 * decoded into, and a checker that reports what the Go decoder would
 * reject (a value of the wrong JSON type) or drop (a field the type does
 * not have).  The tables live in schema-data.c, generated from Katib's
 * OpenAPI document by scripts/gen-schema.py.
 */
#ifndef KATIB_SRC_SCHEMA_H
#define KATIB_SRC_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct doc_node;

enum schema_kind {
	SCHEMA_ANY,		/* anything (unstructured, raw) */
	SCHEMA_OBJECT,		/* a Go struct: known fields */
	SCHEMA_MAP,		/* map[string]elem */
	SCHEMA_ARRAY,		/* []elem */
	SCHEMA_STRING,
	SCHEMA_INT32,
	SCHEMA_INT64,
	SCHEMA_NUMBER,
	SCHEMA_BOOL,
	SCHEMA_INT_OR_STRING,
	SCHEMA_QUANTITY,
};

struct schema_field;

struct schema_type {
	const char *name;	/* Go type name: "ExperimentSpec", "int32" */
	enum schema_kind kind;
	const struct schema_field *fields;	/* SCHEMA_OBJECT, sorted */
	size_t nr_fields;
	const struct schema_type *elem;	/* SCHEMA_MAP, SCHEMA_ARRAY */
	const char *doc;	/* NULL when not kept */
};

struct schema_field {
	const char *name;
	uint32_t len;		/* of name: lookups compare lengths, not NULs */
	/* name[0], in the entry: most of a lookup's probes need no more. */
	unsigned char first;
	const struct schema_type *type;
	const char *doc;
};

extern const struct schema_type *const schema_experiment;
extern const struct schema_type *const schema_trial;
extern const struct schema_type *const schema_suggestion;
extern const struct schema_type *const schema_pod_template_spec;
extern const struct schema_type *const schema_batch_job;

/* The field called name of an object type, or NULL. */
const struct schema_field *schema_field(const struct schema_type *t,
					const char *name, size_t len);

enum schema_problem {
	SCHEMA_WRONG_TYPE,	/* the decoder rejects the value */
	SCHEMA_UNKNOWN_FIELD,	/* the decoder drops the key */
};

/*
 * Called for each problem: node is the offending value (for an unknown
 * field, the value under the unknown key); struct_name and want say what
 * was expected there (want->name is the Go type).
 */
typedef void schema_report_fn(void *data, enum schema_problem problem,
			      const struct doc_node *node,
			      const char *struct_name,
			      const struct schema_type *want);

/*
 * Walks node against type t and reports each problem.  Does not descend
 * into a value of the wrong type.  Returns the number of problems.
 */
unsigned schema_check(const struct schema_type *t, const struct doc_node *node,
		      schema_report_fn *report, void *data);

/*
 * The type the value node decodes to, when root (of type t) holds it;
 * NULL when the way down leaves the known types.  For hints: it walks
 * node's parents, so it is not for every node of a large document.
 */
const struct schema_type *schema_type_at(const struct schema_type *t,
					 const struct doc_node *root,
					 const struct doc_node *node);

/* An object type's own type, or its element's for a list or map. */
const struct schema_type *schema_object_of(const struct schema_type *t);

/* Closest field name of t to name (edit distance), or NULL. */
const char *schema_suggest(const struct schema_type *t, const char *name,
			   size_t len);

/* How `explain` labels t: "[]ParameterSpec", "integer", "Quantity". */
void schema_type_label(const struct schema_type *t, struct buf *out);
/* How a message names what t accepts: "an integer (int32)". */
const char *schema_kind_phrase(const struct schema_type *t);

#endif
