/*
 * trial-pods.h: the pods a trial template will create, found in the
 * template of each trial kind Katib runs: a batch/v1 Job, a Kubeflow
 * training job's replicas, an Argo Workflow's templates, a Tekton
 * PipelineRun's steps, or any other object with pod templates in it.
 * Container names are the names the pods will really have ("main" for an
 * Argo container, "step-<name>" for a Tekton step), because those are what
 * primaryContainerName must match.
 */
#ifndef KATIB_SRC_TRIAL_PODS_H
#define KATIB_SRC_TRIAL_PODS_H

#include <stddef.h>

#include "arena.h"

struct doc_node;

enum trial_pods_kind {
	TRIAL_PODS_JOB,		/* batch/v1 Job */
	TRIAL_PODS_KUBEFLOW,	/* TFJob, PyTorchJob, ...: replica specs */
	TRIAL_PODS_TRAINJOB,	/* containers live in the training runtime */
	TRIAL_PODS_ARGO,	/* Argo Workflow */
	TRIAL_PODS_TEKTON,	/* Tekton PipelineRun */
	TRIAL_PODS_OTHER,	/* any other kind: pod templates found by shape */
};

struct trial_container {
	const char *name;		/* as the pod will name it */
	const struct doc_node *node;	/* the container map */
};

struct trial_pod {
	const char *role;		/* "Worker", "template 'train'", "" */
	const struct doc_node *at;	/* where findings about it point */
	const struct doc_node *labels;	/* its template's labels, or NULL */
	/*
	 * Labels the pod also gets, for primaryPodLabels: an Argo
	 * Workflow's spec.podMetadata, a Tekton taskSpec's metadata.
	 */
	const struct doc_node *more_labels;
	const char *task;		/* Tekton: the pipeline task's name */
	const char *member_of;		/* Tekton: "tasks" or "finally" */
	const struct doc_node *annotations;
	const struct doc_node *pod_spec;	/* map with containers, or NULL */
	const char *role_label;		/* operator's job-role label value */
	struct trial_container *containers;
	size_t nr_containers;
};

struct trial_pods {
	enum trial_pods_kind kind;
	const char *kind_name;
	struct trial_pod *pod;
	size_t nr, alloc;
	struct arena arena;		/* owns names and container arrays */
};

/* Fills out from a trialSpec map; release with trial_pods_release(). */
void trial_pods_find(struct trial_pods *out, const struct doc_node *trial_spec);
void trial_pods_release(struct trial_pods *pods);

/* The container of pod named name, or NULL. */
const struct trial_container *trial_pod_container(const struct trial_pod *pod,
						  const char *name);

#endif
