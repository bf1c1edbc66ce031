/*
 * experiment.h: an index of the parts of an Experiment document that rules
 * look at, with Katib's defaults (mutating webhook, §2 of the rules
 * catalogue) applied to the values, so every rule sees what the validating
 * webhook sees.  Pointers are into the document; a part of the wrong type
 * (a string where a map belongs) is indexed as absent, because the type
 * rule already reports it and Katib would reject the object before any
 * other check.
 */
#ifndef KATIB_SRC_EXPERIMENT_H
#define KATIB_SRC_EXPERIMENT_H

#include <stdint.h>

#include "doc.h"

/* The label Katib puts on an Experiment's Trials and their pods. */
#define EXPERIMENT_LABEL "katib.kubeflow.org/experiment"

struct experiment {
	const struct doc_node *root;
	const struct doc_node *metadata;
	const struct doc_node *name;		/* string node or NULL */
	const struct doc_node *generate_name;	/* string node or NULL */
	const struct doc_node *spec;

	const struct doc_node *objective;
	const struct doc_node *algorithm;
	const char *algorithm_name;		/* NULL when absent */
	const struct doc_node *early_stopping;
	const struct doc_node *parameters;	/* list */
	const struct doc_node *nas_config;
	const struct doc_node *trial_template;
	const struct doc_node *trial_spec;	/* map */
	const struct doc_node *config_map;	/* map */
	const struct doc_node *trial_parameters;	/* list */
	const struct doc_node *collector_spec;	/* metricsCollectorSpec */
	const char *collector_kind;		/* defaulted to StdOut */

	const struct doc_node *max_trial_node;
	const struct doc_node *parallel_node;
	const struct doc_node *max_failed_node;
	int64_t max_trial_count;	/* -1: unset */
	int64_t parallel_trial_count;	/* defaulted to 3 */
	int64_t max_failed_trial_count;	/* -1: unset */
};

void experiment_index(struct experiment *e, const struct doc_node *root);

/* child of map if it is of kind, else NULL (inline as doc_get()). */
static inline const struct doc_node *doc_get_kind(const struct doc_node *map,
						  const char *key, int kind)
{
	const struct doc_node *n = doc_get(map, key);

	return n && (int)n->kind == kind ? n : NULL;
}

#endif
