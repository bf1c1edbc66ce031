/*
 * validate.h: the validation driver: decides which documents are Katib
 * Experiments, reports problems with the input itself, and runs the rule
 * checks over each Experiment.
 */
#ifndef KATIB_SRC_VALIDATE_H
#define KATIB_SRC_VALIDATE_H

struct doc;
struct doc_node;
struct diag_list;
struct katib_config;
struct cluster_facts;

enum validate_result {
	VALIDATE_SKIPPED,	/* not an Experiment */
	VALIDATE_CHECKED,	/* an Experiment; findings appended */
	VALIDATE_UNREADABLE,	/* the document could not be read */
};

/*
 * Validates d, appending findings to out (whose file and document fields
 * the caller sets).  A `kind: List` document has each Experiment item
 * validated.  Returns what the document turned out to be.
 */
enum validate_result validate_doc(const struct doc *d,
				  const struct katib_config *config,
				  const struct cluster_facts *facts,
				  struct diag_list *out);

/*
 * The namespaces the Experiments of d would be created in (their
 * metadata.namespace, or dflt): calls fn for each, so a caller can fetch
 * the facts about them before validate_doc().
 */
void validate_namespaces(const struct doc *d, const char *dflt,
			 void (*fn)(void *data, const char *ns), void *data);

/*
 * The ConfigMaps the trial templates of the Experiments under root (an
 * object or a List) come from: calls fn with each one's namespace and
 * name, so a caller can fetch them before validation (KAT-TT-08).
 */
void validate_config_maps(const struct doc_node *root,
			  void (*fn)(void *data, const char *ns, const char *name),
			  void *data);

#endif
