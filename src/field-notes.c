#include "compat.h"
#include "field-notes.h"

/* From Katib's SetDefault and the validators' accepted sets. */
static const struct field_note notes[] = {
	{ "spec.parallelTrialCount", "3", NULL, 0 },
	{ "spec.maxTrialCount", "none: trials run until the goal is reached", NULL, 0 },
	{ "spec.resumePolicy", "Never (LongRunning before v0.15)",
	  "Never, LongRunning, FromVolume", 0 },
	{ "spec.objective.type", NULL, "minimize, maximize", 0 },
	{ "spec.objective.metricStrategies",
	  "one per metric: min when the objective type is minimize, max when maximize", NULL, 0 },
	{ "spec.objective.metricStrategies.value", NULL, "min, max, latest", 0 },
	{ "spec.algorithm.algorithmName", NULL, "what the katib-config serves", 1 },
	{ "spec.earlyStopping.algorithmName", NULL, "what the katib-config serves", 2 },
	{ "spec.parameters.parameterType", NULL, "double, int, categorical, discrete", 0 },
	{ "spec.parameters.feasibleSpace.distribution", "uniform (since v0.18)",
	  "uniform, logUniform, normal, logNormal", 0 },
	{ "spec.metricsCollectorSpec.collector", "{kind: StdOut}", NULL, 0 },
	{ "spec.metricsCollectorSpec.collector.kind", "StdOut",
	  "StdOut, File, TensorFlowEvent, PrometheusMetric, Custom, None", 0 },
	{ "spec.metricsCollectorSpec.source.fileSystemPath.kind",
	  "File for the File collector, Directory for TensorFlowEvent", "File, Directory", 0 },
	{ "spec.metricsCollectorSpec.source.fileSystemPath.path",
	  "/var/log/katib/metrics.log (File), /var/log/katib/tfevent/ (TensorFlowEvent)", NULL, 0 },
	{ "spec.metricsCollectorSpec.source.fileSystemPath.format",
	  "TEXT for the File collector", "TEXT, JSON", 0 },
	{ "spec.metricsCollectorSpec.source.httpGet.path", "/metrics (PrometheusMetric)", NULL, 0 },
	{ "spec.metricsCollectorSpec.source.httpGet.port", "8080 (PrometheusMetric)", NULL, 0 },
	{ "spec.trialTemplate.successCondition",
	  "for a Job: status.conditions.#(type==\"Complete\")#|#(status==\"True\")#; "
	  "for TFJob, PyTorchJob, XGBoostJob, MPIJob: status.conditions.#(type==\"Succeeded\")#|#(status==\"True\")#",
	  NULL, 0 },
	{ "spec.trialTemplate.failureCondition",
	  "for Job, TFJob, PyTorchJob, XGBoostJob, MPIJob and TrainJob: "
	  "status.conditions.#(type==\"Failed\")#|#(status==\"True\")#", NULL, 0 },
	{ "spec.trialTemplate.primaryPodLabels",
	  "for TFJob, PyTorchJob, XGBoostJob, MPIJob: training.kubeflow.org/job-role: master", NULL, 0 },
	{ "spec.trialTemplate.retain", "false", NULL, 0 },
};

const struct field_note *field_note_at(size_t i)
{
	return i < ARRAY_SIZE(notes) ? &notes[i] : NULL;
}

const struct field_note *field_note_find(const char *path)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(notes); i++)
		if (!strcmp(notes[i].path, path))
			return &notes[i];
	return NULL;
}
