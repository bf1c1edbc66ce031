#include "compat.h"
#include "experiment.h"
#include "doc.h"

static int64_t int_field(const struct doc_node *map, const char *key,
			 const struct doc_node **node, int64_t unset)
{
	const struct doc_node *n = doc_get(map, key);
	int64_t v;

	*node = NULL;
	if (!n || doc_int(n, &v) || v < INT32_MIN || v > INT32_MAX)
		return unset;
	*node = n;
	return v;
}

void experiment_index(struct experiment *e, const struct doc_node *root)
{
	const struct doc_node *n;

	memset(e, 0, sizeof(*e));
	e->root = root;
	e->metadata = doc_get_kind(root, "metadata", DOC_MAP);
	e->name = doc_get_kind(e->metadata, "name", DOC_STR);
	e->generate_name = doc_get_kind(e->metadata, "generateName", DOC_STR);
	e->spec = doc_get_kind(root, "spec", DOC_MAP);

	e->objective = doc_get_kind(e->spec, "objective", DOC_MAP);
	e->algorithm = doc_get_kind(e->spec, "algorithm", DOC_MAP);
	e->algorithm_name = doc_get_str(e->algorithm, "algorithmName");
	e->early_stopping = doc_get_kind(e->spec, "earlyStopping", DOC_MAP);
	e->parameters = doc_get_kind(e->spec, "parameters", DOC_SEQ);
	e->nas_config = doc_get_kind(e->spec, "nasConfig", DOC_MAP);
	e->trial_template = doc_get_kind(e->spec, "trialTemplate", DOC_MAP);
	e->trial_spec = doc_get_kind(e->trial_template, "trialSpec", DOC_MAP);
	e->config_map = doc_get_kind(e->trial_template, "configMap", DOC_MAP);
	e->trial_parameters =
		doc_get_kind(e->trial_template, "trialParameters", DOC_SEQ);

	e->collector_spec = doc_get_kind(e->spec, "metricsCollectorSpec",
					 DOC_MAP);
	n = doc_get_kind(e->collector_spec, "collector", DOC_MAP);
	/* DEF-07 defaults a missing collector; an empty kind stays empty. */
	if (!doc_get(e->collector_spec, "collector") ||
	    doc_get(e->collector_spec, "collector")->kind == DOC_NULL)
		e->collector_kind = "StdOut";
	else
		e->collector_kind = doc_get_str(n, "kind");
	if (!e->collector_kind)
		e->collector_kind = "";

	e->max_trial_count = int_field(e->spec, "maxTrialCount",
				       &e->max_trial_node, -1);
	e->parallel_trial_count = int_field(e->spec, "parallelTrialCount",
					    &e->parallel_node, 3);	/* DEF-01 */
	e->max_failed_trial_count = int_field(e->spec, "maxFailedTrialCount",
					      &e->max_failed_node, -1);
}
