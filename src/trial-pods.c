#include "compat.h"
#include "trial-pods.h"
#include "alloc.h"
#include "doc.h"
#include "experiment.h"

#include <strings.h>

static const char *const kubeflow_kinds[][2] = {
	{ "TFJob", "tfReplicaSpecs" },
	{ "PyTorchJob", "pytorchReplicaSpecs" },
	{ "MPIJob", "mpiReplicaSpecs" },
	{ "XGBoostJob", "xgbReplicaSpecs" },
	{ "PaddleJob", "paddleReplicaSpecs" },
	{ "JAXJob", "jaxReplicaSpecs" },
};

/* Replica types whose pods the training operator labels job-role=master. */
static int is_master_role(const char *replica)
{
	return !strcasecmp(replica, "Master") || !strcasecmp(replica, "Chief") ||
	       !strcasecmp(replica, "Launcher");
}

static struct trial_pod *add_pod(struct trial_pods *p, const char *role,
				 const struct doc_node *at)
{
	struct trial_pod *pod;

	ALLOC_GROW(p->pod, p->nr + 1, p->alloc);
	pod = &p->pod[p->nr++];
	memset(pod, 0, sizeof(*pod));
	pod->role = arena_strdup(&p->arena, role);
	pod->at = at;
	return pod;
}

static void set_containers(struct trial_pods *p, struct trial_pod *pod,
			   const struct doc_node *list, const char *prefix)
{
	const struct doc_node *c;
	size_t i = 0;

	if (!list || list->kind != DOC_SEQ)
		return;
	pod->containers = arena_alloc(&p->arena, sizeof(*pod->containers) *
						 (list->nr_children + 1));
	for (c = list->child; c; c = c->next) {
		const char *name = doc_get_str(c, "name");

		if (c->kind != DOC_MAP)
			continue;
		pod->containers[i].node = c;
		pod->containers[i].name = arena_concat(&p->arena, prefix,
							name ? name : "");
		i++;
	}
	pod->nr_containers = i;
}

/* A PodTemplateSpec: metadata + spec.containers. */
static void add_template(struct trial_pods *p, const char *role,
			 const struct doc_node *tmpl)
{
	const struct doc_node *meta = doc_get_kind(tmpl, "metadata", DOC_MAP);
	const struct doc_node *spec = doc_get_kind(tmpl, "spec", DOC_MAP);
	struct trial_pod *pod;

	if (!tmpl || tmpl->kind != DOC_MAP)
		return;
	pod = add_pod(p, role, tmpl);
	pod->labels = doc_get_kind(meta, "labels", DOC_MAP);
	pod->annotations = doc_get_kind(meta, "annotations", DOC_MAP);
	pod->pod_spec = spec;
	set_containers(p, pod, doc_get(spec, "containers"), "");
}

static void find_kubeflow(struct trial_pods *p, const struct doc_node *replicas)
{
	const struct doc_node *r;

	for (r = replicas ? replicas->child : NULL; r; r = r->next) {
		size_t before = p->nr;

		add_template(p, r->key, doc_get_kind(r, "template", DOC_MAP));
		if (p->nr > before && is_master_role(r->key))
			p->pod[before].role_label = "master";
	}
}

static void find_argo(struct trial_pods *p, const struct doc_node *spec)
{
	const struct doc_node *templates = doc_get_kind(spec, "templates", DOC_SEQ);
	const struct doc_node *pod_meta = doc_get_kind(spec, "podMetadata", DOC_MAP);
	const struct doc_node *t;

	for (t = templates ? templates->child : NULL; t; t = t->next) {
		const char *name = doc_get_str(t, "name");
		const struct doc_node *meta = doc_get_kind(t, "metadata", DOC_MAP);
		const struct doc_node *single = doc_get_kind(t, "container", DOC_MAP);
		const struct doc_node *set = doc_get_kind(t, "containerSet", DOC_MAP);
		struct trial_pod *pod;

		if (!single)
			single = doc_get_kind(t, "script", DOC_MAP);
		if (!single && !set)
			continue;	/* steps, dag, resource: no pod of its own */
		pod = add_pod(p, name ? name : "", t);
		pod->role = arena_printf(&p->arena, "template '%s'", name ? name : "");
		pod->labels = doc_get_kind(meta, "labels", DOC_MAP);
		if (!pod->labels)
			pod->labels = doc_get_kind(pod_meta, "labels", DOC_MAP);
		else	/* Argo merges both into the pod's labels */
			pod->more_labels = doc_get_kind(pod_meta, "labels", DOC_MAP);
		pod->annotations = doc_get_kind(meta, "annotations", DOC_MAP);
		if (single) {
			/* Argo always names the user's container "main". */
			pod->containers = arena_alloc(&p->arena, sizeof(*pod->containers));
			pod->containers[0].name = "main";
			pod->containers[0].node = single;
			pod->nr_containers = 1;
		} else {
			set_containers(p, pod, doc_get(set, "containers"), "");
		}
	}
}

static void find_tekton_tasks(struct trial_pods *p, const struct doc_node *tasks,
			      const struct doc_node *run_labels,
			      const char *member_of)
{
	const struct doc_node *t;

	for (t = tasks ? tasks->child : NULL; t; t = t->next) {
		const struct doc_node *ts = doc_get_kind(t, "taskSpec", DOC_MAP);
		const char *name = doc_get_str(t, "name");
		struct trial_pod *pod;

		if (!ts)
			continue;
		pod = add_pod(p, "", t);
		pod->role = arena_printf(&p->arena, "task '%s'", name ? name : "");
		/* Tekton copies the PipelineRun's labels onto every pod. */
		pod->labels = run_labels;
		pod->more_labels = doc_get_kind(doc_get_kind(ts, "metadata", DOC_MAP),
						"labels", DOC_MAP);
		pod->task = name ? arena_strdup(&p->arena, name) : NULL;
		pod->member_of = member_of;
		/* Tekton names a step's container "step-<step name>". */
		set_containers(p, pod, doc_get(ts, "steps"), "step-");
	}
}

/* Any map with a "containers" list is taken for a pod spec. */
static void find_by_shape(struct trial_pods *p, const struct doc_node *n)
{
	const struct doc_node *c;

	if (n->kind == DOC_MAP && doc_get_kind(n, "containers", DOC_SEQ)) {
		const struct doc_node *tmpl = n->parent;
		const struct doc_node *meta =
			tmpl ? doc_get_kind(tmpl, "metadata", DOC_MAP) : NULL;
		struct trial_pod *pod;

		pod = add_pod(p, "", n);
		pod->role = n->key ? arena_printf(&p->arena, "'%s'", n->key) : "";
		pod->pod_spec = n;
		pod->labels = doc_get_kind(meta, "labels", DOC_MAP);
		pod->annotations = doc_get_kind(meta, "annotations", DOC_MAP);
		set_containers(p, pod, doc_get(n, "containers"), "");
		return;
	}
	for (c = n->child; c; c = c->next)
		find_by_shape(p, c);
}

void trial_pods_find(struct trial_pods *p, const struct doc_node *ts)
{
	const char *kind = doc_get_str(ts, "kind");
	const char *api = doc_get_str(ts, "apiVersion");
	const struct doc_node *spec = doc_get_kind(ts, "spec", DOC_MAP);
	size_t i;

	memset(p, 0, sizeof(*p));
	p->kind = TRIAL_PODS_OTHER;
	p->kind_name = kind ? kind : "";
	if (!ts)
		return;
	if (kind && !strcmp(kind, "Job") && api && !strcmp(api, "batch/v1")) {
		p->kind = TRIAL_PODS_JOB;
		add_template(p, "", doc_get_kind(spec, "template", DOC_MAP));
		return;
	}
	for (i = 0; kind && i < ARRAY_SIZE(kubeflow_kinds); i++) {
		if (!strcmp(kind, kubeflow_kinds[i][0])) {
			p->kind = TRIAL_PODS_KUBEFLOW;
			find_kubeflow(p, doc_get_kind(spec, kubeflow_kinds[i][1], DOC_MAP));
			return;
		}
	}
	if (kind && !strcmp(kind, "TrainJob")) {
		p->kind = TRIAL_PODS_TRAINJOB;
		return;
	}
	if (kind && !strcmp(kind, "Workflow") && api &&
	    !strncmp(api, "argoproj.io/", 12)) {
		p->kind = TRIAL_PODS_ARGO;
		find_argo(p, spec);
		return;
	}
	if (kind && !strcmp(kind, "PipelineRun") && api &&
	    !strncmp(api, "tekton.dev/", 11)) {
		const struct doc_node *ps = doc_get_kind(spec, "pipelineSpec", DOC_MAP);
		const struct doc_node *meta = doc_get_kind(ts, "metadata", DOC_MAP);

		p->kind = TRIAL_PODS_TEKTON;
		find_tekton_tasks(p, doc_get_kind(ps, "tasks", DOC_SEQ),
				  doc_get_kind(meta, "labels", DOC_MAP), "tasks");
		find_tekton_tasks(p, doc_get_kind(ps, "finally", DOC_SEQ),
				  doc_get_kind(meta, "labels", DOC_MAP), "finally");
		return;
	}
	if (spec)
		find_by_shape(p, spec);
}

void trial_pods_release(struct trial_pods *p)
{
	free(p->pod);
	arena_release(&p->arena);
	memset(p, 0, sizeof(*p));
}

const struct trial_container *trial_pod_container(const struct trial_pod *pod,
						  const char *name)
{
	size_t i;

	for (i = 0; i < pod->nr_containers; i++)
		if (!strcmp(pod->containers[i].name, name))
			return &pod->containers[i];
	return NULL;
}
