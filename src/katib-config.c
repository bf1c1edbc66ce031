#include "compat.h"
#include "katib-config.h"

static const char *const default_algorithms[] = {
	"random", "tpe", "grid", "multivariate-tpe", "hyperband",
	"bayesianoptimization", "cmaes", "sobol", "enas", "darts", "pbt",
	NULL,
};

static const char *const default_early_stoppings[] = { "medianstop", NULL };

/* PrometheusMetric is a documented kind but has no entry by default. */
static const char *const default_collectors[] = {
	"StdOut", "File", "TensorFlowEvent", NULL,
};

static const char *const default_trial_resources[] = {
	"TrainJob.v1alpha1.trainer.kubeflow.org",
	"Job.v1.batch",
	"TFJob.v1.kubeflow.org",
	"PyTorchJob.v1.kubeflow.org",
	"MPIJob.v1.kubeflow.org",
	"XGBoostJob.v1.kubeflow.org",
	NULL,
};

const struct katib_config katib_config_default = {
	.version = "v0.19",
	.algorithms = default_algorithms,
	.early_stoppings = default_early_stoppings,
	.collectors = default_collectors,
	.trial_resources = default_trial_resources,
};

int katib_config_has(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (!strcmp(*list, name))
			return 1;
	return 0;
}

const char *katib_config_join(const char *const *list)
{
	static char out[512];
	size_t n = 0;

	out[0] = '\0';
	for (; *list && n < sizeof(out); list++)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s",
				      n ? ", " : "", *list);
	return out;
}
