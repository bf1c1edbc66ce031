/*
 * rules/training-job.c: what the training operator's validating webhooks
 * refuse in the job kinds a trial template may be: every replica needs
 * its framework's container (a PyTorchJob's "pytorch"), a known replica
 * type, and one Master.  The webhook runs when Katib creates each
 * trial's job, after the Experiment was admitted, so a refused job
 * leaves every Trial without a job; these checks say so before.
 *
 * Translated from kubeflow/training-operator pkg/webhooks/<framework>/
 * (validatePyTorchReplicaSpecs, validateTFReplicaSpecs,
 * validateXGBReplicaSpecs, paddlepaddle validateSpec,
 * validateJAXReplicaSpecs) and pkg/common/util/webhooks.go
 * (ValidateRunPolicy) at v1.9.0, commit 6f74c7f6; v1.8.1 (0f8735fa)
 * checks the same replicas, without the runPolicy and elastic checks.
 * The webhook sees the job as submitted: nothing defaults replicas
 * before it (the CRD schema has no default), so a Master without
 * replicas is refused as one with 2.
 *
 * An MPIJob (kubeflow.org/v2beta1) has no webhook: the MPI operator
 * defaults it and then validates it (kubeflow/mpi-operator
 * pkg/apis/kubeflow/validation/validation.go ValidateMPIJob, with
 * pkg/apis/kubeflow/v2beta1/default.go, v0.8.2, caa3c47f), and an
 * invalid one gets a ValidationError event and is never run.
 */
#include "compat.h"
#include "rules/rules.h"
#include "alloc.h"
#include "buf.h"
#include "doc.h"
#include "experiment.h"
#include "katib-config.h"
#include "levenshtein.h"

struct job_kind {
	const char *kind, *replicas_key, *container;
	const char *const *types;	/* the replica types it knows; NULL: any */
	int master_one;			/* Master, when present, has exactly 1 replica */
	int master_required;
	int one_chief;			/* at most one Chief or Master */
	int quote_container;		/* the message quotes the name (%q) */
};

static const char *const master_worker[] = { "Master", "Worker", NULL };
static const char *const worker_only[] = { "Worker", NULL };

static const struct job_kind job_kinds[] = {
	{ "PyTorchJob", "pytorchReplicaSpecs", "pytorch", master_worker, 1, 0, 0, 0 },
	{ "TFJob", "tfReplicaSpecs", "tensorflow", NULL, 0, 0, 1, 0 },
	{ "XGBoostJob", "xgbReplicaSpecs", "xgboost", master_worker, 1, 1, 0, 0 },
	{ "PaddleJob", "paddleReplicaSpecs", "paddle", master_worker, 0, 0, 0, 1 },
	{ "JAXJob", "jaxReplicaSpecs", "jax", worker_only, 0, 0, 0, 0 },
};

/* RunPolicy.ManagedBy's values (v1.MultiKueueController, v1.KubeflowJobsController). */
static const char *const job_managers[] = {
	"kueue.x-k8s.io/multikueue", "kubeflow.org/training-operator", NULL
};

static int templated(const char *s)
{
	return s && (strstr(s, "${") || strstr(s, "$("));
}

static void list_values(struct buf *b, const char *const *values)
{
	size_t i;

	for (i = 0; values[i]; i++)
		buf_addf(b, "%s\"%s\"", i ? ", " : "", values[i]);
}

static const char *effect_of(const struct job_kind *k, struct buf *b)
{
	buf_reset(b);
	buf_addf(b, "the training operator's webhook refuses every trial %s, so no trial ever runs",
		 k->kind);
	return b->buf;
}

/* One replica spec, rtype its key in the map. */
static void check_replica(const struct job_kind *k, const struct doc_node *r,
			  const char *primary, const char *effect, struct diag_list *out)
{
	const struct rule *rule = rule_get("training-job-invalid");
	const char *rtype = r->key;
	const struct doc_node *spec = doc_lookup(r, "template.spec");
	const struct doc_node *containers = doc_get_kind(spec, "containers", DOC_SEQ), *c;
	const struct doc_node *at = containers ? (const struct doc_node *)containers : r;
	struct buf path = BUF_INIT;
	int found = 0;

	buf_addf(&path, "spec.%s[%s]", k->replicas_key, rtype);
	if (k->types && !katib_config_has(k->types, rtype)) {
		struct buf list = BUF_INIT;
		const char *fix = case_only_match(rtype, k->types);
		struct diag *d;

		list_values(&list, k->types);
		d = diag_add_key(out, rule, r, "%s: Unsupported value: \"%s\": supported values: %s; %s",
				 path.buf, rtype, list.buf, effect);
		if (fix)
			diag_hint(out, d, "did you mean '%s'? (replica types are compared exactly)", fix);
		else
			diag_hint(out, d, "a %s's replicas are %s", k->kind, list.buf);
		buf_release(&list);
	}
	if (!containers || !containers->child) {
		if (r->kind == DOC_MAP)
			diag_hint(out, containers ? diag_add(out, rule, containers,
							     "%s.template.spec.containers: Required value: must be specified; %s",
							     path.buf, effect)
					: diag_add_key(out, rule, r,
						       "%s.template.spec.containers: Required value: must be specified; %s",
						       path.buf, effect),
				  "give the replica a pod template with its containers: template: {spec: {containers: [{name: %s, image: ...}]}}",
				  k->container);
		buf_release(&path);
		return;
	}
	for (c = containers->child; c; c = c->next) {
		const char *name = doc_get_str(c, "name");

		if (name && (!strcmp(name, k->container) || templated(name)))
			found = 1;
	}
	if (!found) {
		struct diag *d = diag_add(out, rule, at,
					  k->quote_container
						  ? "%s.template.spec.containers: Required value: must have at least one container with name \"%s\"; %s"
						  : "%s.template.spec.containers: Required value: must have at least one container with name %s; %s",
					  path.buf, k->container, effect);

		if (primary && strcmp(primary, k->container))
			diag_hint(out, d, "name the training container '%s' and set spec.trialTemplate.primaryContainerName: %s: the operator finds the framework's container by that name",
				  k->container, k->container);
		else
			diag_hint(out, d, "name the training container '%s': the operator finds the framework's container by that name",
				  k->container);
	}
	if (k->master_one && !strcmp(rtype, "Master")) {
		const struct doc_node *n = doc_get(r, "replicas");

		/* A string is the type rule's, or a ${...} Katib fills in. */
		if (!n || (n->kind == DOC_INT && strcmp(n->text, "1")))
			diag_hint(out, n ? diag_add(out, rule, n, "%s.replicas: Forbidden: must be 1; %s",
						    path.buf, effect)
					 : diag_add_missing(out, rule, r, "replicas",
							    "%s.replicas: Forbidden: must be 1 (the webhook sees no default); %s",
							    path.buf, effect),
				  "a %s has one Master: replicas: 1; more processes go in Worker", k->kind);
	} else if (!strcmp(k->kind, "PyTorchJob")) {
		const struct doc_node *n = doc_get(r, "replicas");

		if (n && n->kind == DOC_INT && strtol(n->text, NULL, 10) < 1)
			diag_hint(out, diag_add(out, rule, n, "%s.replicas: Forbidden: must be at least 1; %s",
						path.buf, effect),
				  "a replica type with no replicas is left out of pytorchReplicaSpecs");
	}
	buf_release(&path);
}

/* ---- MPIJob v2beta1, as the MPI operator validates it after defaulting ---- */

static const char mpi_effect[] =
	"the MPI operator records a ValidationError event and never runs the trial's MPIJob, so no trial ever runs";

/* A negative int field (ValidateNonnegativeField). */
static void mpi_nonnegative(const struct doc_node *map, const char *key, const char *path,
			    struct diag_list *out)
{
	const struct doc_node *n = doc_get(map, key);

	if (n && n->kind == DOC_INT && n->text[0] == '-')
		diag_hint(out, diag_add(out, rule_get("training-job-invalid"), n,
					"%s.%s: Invalid value: %s: must be greater than or equal to 0; %s",
					path, key, n->text, mpi_effect),
			  "give 0 or more");
}

/* An enumerated field the operator checks after its default (absent: fine). */
static void mpi_enum(const struct doc_node *map, const char *key, const char *path,
		     const char *const *sorted_values, struct diag_list *out)
{
	const struct doc_node *n = doc_get(map, key);
	const char *v = doc_str(n), *fix;
	struct buf list = BUF_INIT;
	struct diag *d;

	if (!v || !*v || templated(v) || katib_config_has(sorted_values, v))
		return;
	list_values(&list, sorted_values);
	d = diag_add(out, rule_get("training-job-invalid"), n,
		     "%s.%s: Unsupported value: \"%s\": supported values: %s; %s",
		     path, key, v, list.buf, mpi_effect);
	fix = case_only_match(v, sorted_values);
	if (fix) {
		diag_hint(out, d, "did you mean '%s'? (the operator compares exactly)", fix);
		diag_fix(out, d, FIX_SET_VALUE, n, NULL, NULL, fix);
	} else {
		diag_hint(out, d, "use one of %s", list.buf);
	}
	buf_release(&list);
}

static void mpi_replica(const struct doc_node *replicas, const char *rtype, int launcher,
			struct diag_list *out)
{
	static const char *const restart_policies[] = { "Never", "OnFailure", NULL };
	const struct rule *rule = rule_get("training-job-invalid");
	const struct doc_node *r = doc_get(replicas, rtype), *n, *containers;
	struct buf path = BUF_INIT;

	if (!r || r->kind != DOC_MAP) {
		if (launcher && !r)
			diag_hint(out, diag_add_key(out, rule, replicas,
						    "spec.mpiReplicaSpecs[Launcher]: Required value: must have Launcher replica spec; %s",
						    mpi_effect),
				  "an MPIJob runs mpirun in its Launcher: add a Launcher replica with the training container");
		return;
	}
	buf_addf(&path, "spec.mpiReplicaSpecs[%s]", rtype);
	mpi_enum(r, "restartPolicy", path.buf, restart_policies, out);
	containers = doc_lookup(r, "template.spec.containers");
	if (!containers || (containers->kind == DOC_SEQ && !containers->child))
		diag_hint(out, containers ? diag_add(out, rule, containers,
						     "%s.template.spec.containers: Required value: must define at least one container; %s",
						     path.buf, mpi_effect)
				 : diag_add_key(out, rule, r,
						"%s.template.spec.containers: Required value: must define at least one container; %s",
						path.buf, mpi_effect),
			  "give the replica a pod template with its container");
	n = doc_get(r, "replicas");
	if (launcher && n && n->kind == DOC_INT && strcmp(n->text, "1"))
		diag_hint(out, diag_add(out, rule, n, "%s.replicas: Invalid value: %s: must be 1; %s",
					path.buf, n->text, mpi_effect),
			  "an MPIJob has one Launcher: replicas: 1");
	/* The operator defaults a Worker's replicas to 0, which it then refuses. */
	if (!launcher && (!n || (n->kind == DOC_INT && (n->text[0] == '-' || !strcmp(n->text, "0")))))
		diag_hint(out, n ? diag_add(out, rule, n, "%s.replicas: Invalid value: %s: must be greater than or equal to 1; %s",
					    path.buf, n->text, mpi_effect)
				 : diag_add_missing(out, rule, r, "replicas",
						    "%s.replicas: Invalid value: 0: must be greater than or equal to 1 (a Worker's replicas default to 0); %s",
						    path.buf, mpi_effect),
			  "give the number of workers: replicas: 2");
	buf_release(&path);
}

static void check_mpi_job(const struct doc_node *ts, struct diag_list *out)
{
	static const char *const clean_policies[] = { "All", "None", "Running", NULL };
	static const char *const implementations[] = { "Intel", "MPICH", "OpenMPI", NULL };
	static const char *const managers[] = { "kubeflow.org/mpi-operator", "kueue.x-k8s.io/multikueue", NULL };
	const struct doc_node *spec = doc_get_kind(ts, "spec", DOC_MAP);
	const struct doc_node *replicas = doc_get(spec, "mpiReplicaSpecs");
	const struct doc_node *policy = doc_get_kind(spec, "runPolicy", DOC_MAP);

	if (!spec)
		return;
	if (!replicas || replicas->kind == DOC_NULL)
		diag_hint(out, diag_add_missing(out, rule_get("training-job-invalid"), spec, "mpiReplicaSpecs",
						"spec.mpiReplicaSpecs: Required value: must have replica specs; %s",
						mpi_effect),
			  "describe the Launcher and Worker replicas under spec.mpiReplicaSpecs");
	else if (replicas->kind == DOC_MAP) {
		mpi_replica(replicas, "Launcher", 1, out);
		mpi_replica(replicas, "Worker", 0, out);
	}
	mpi_nonnegative(spec, "slotsPerWorker", "spec", out);
	mpi_enum(spec, "mpiImplementation", "spec", implementations, out);
	if (policy) {
		mpi_enum(policy, "cleanPodPolicy", "spec.runPolicy", clean_policies, out);
		mpi_nonnegative(policy, "ttlSecondsAfterFinished", "spec.runPolicy", out);
		mpi_nonnegative(policy, "activeDeadlineSeconds", "spec.runPolicy", out);
		mpi_nonnegative(policy, "backoffLimit", "spec.runPolicy", out);
		mpi_enum(policy, "managedBy", "spec.runPolicy", managers, out);
	}
}

static const struct job_kind *job_kind_of(const struct doc_node *ts)
{
	const char *kind = doc_get_str(ts, "kind"), *api = doc_get_str(ts, "apiVersion");
	size_t i;

	if (!kind || !api || strcmp(api, "kubeflow.org/v1"))
		return NULL;
	for (i = 0; i < ARRAY_SIZE(job_kinds); i++)
		if (!strcmp(kind, job_kinds[i].kind))
			return &job_kinds[i];
	return NULL;
}

const char *training_job_container(const struct doc_node *trial_spec)
{
	const struct job_kind *k = job_kind_of(trial_spec);

	return k ? k->container : NULL;
}

void check_training_job(const struct rule_ctx *ctx, struct diag_list *out)
{
	const struct doc_node *ts = ctx->exp->trial_spec, *spec, *replicas, *r;
	const struct rule *rule = rule_get("training-job-invalid");
	const struct job_kind *k = job_kind_of(ts);
	struct buf effect = BUF_INIT;
	size_t chiefs = 0;

	if (!k) {
		if (doc_get_str(ts, "kind") && !strcmp(doc_get_str(ts, "kind"), "MPIJob") &&
		    doc_get_str(ts, "apiVersion") && !strcmp(doc_get_str(ts, "apiVersion"), "kubeflow.org/v2beta1"))
			check_mpi_job(ts, out);
		return;
	}
	effect_of(k, &effect);
	spec = doc_get_kind(ts, "spec", DOC_MAP);
	replicas = doc_get(spec, k->replicas_key);
	if (!replicas || replicas->kind == DOC_NULL) {
		if (spec)
			diag_hint(out, diag_add_missing(out, rule, spec, k->replicas_key,
							"spec.%s: Required value: must be required; %s",
							k->replicas_key, effect.buf),
				  "describe the job's replicas under spec.%s", k->replicas_key);
		buf_release(&effect);
		return;
	}
	if (replicas->kind != DOC_MAP) {
		buf_release(&effect);
		return;	/* the type rule's */
	}
	for (r = replicas->child; r; r = r->next) {
		if (r->shadowed || !r->key)
			continue;
		check_replica(k, r, doc_str(doc_lookup(ctx->exp->root, "spec.trialTemplate.primaryContainerName")),
			      effect.buf, out);
		chiefs += !strcmp(r->key, "Chief") || !strcmp(r->key, "Master");
	}
	if (k->one_chief && chiefs > 1)
		diag_hint(out, diag_add_key(out, rule, replicas,
					    "spec.%s: Forbidden: must not have more than 1 Chief or Master role; %s",
					    k->replicas_key, effect.buf),
			  "keep one of Chief and Master");
	if (k->master_required && !doc_get(replicas, "Master"))
		diag_hint(out, diag_add_key(out, rule, replicas,
					    "spec.%s[Master]: Required value: must be present; %s",
					    k->replicas_key, effect.buf),
			  "an %s needs a Master replica (replicas: 1) beside its Workers", k->kind);
	if (!strcmp(k->kind, "PyTorchJob") && doc_get_kind(spec, "elasticPolicy", DOC_MAP)) {
		const struct doc_node *ep = doc_get(spec, "elasticPolicy");

		if (!doc_get(replicas, "Worker"))
			diag_hint(out, diag_add_key(out, rule, ep,
						    "spec.pytorchReplicaSpecs[Worker]: Required value: must be configured if elastic policy is used; %s",
						    effect.buf),
				  "an elastic PyTorchJob scales its Workers: add a Worker replica");
		if (doc_get(ep, "nProcPerNode") && doc_get(spec, "nprocPerNode"))
			diag_hint(out, diag_add_key(out, rule, doc_get(ep, "nProcPerNode"),
						    "spec.elasticPolicy.nProcPerNode: Forbidden: must not be used with spec.nprocPerNode; %s",
						    effect.buf),
				  "keep spec.nprocPerNode (elasticPolicy.nProcPerNode is deprecated)");
	}
	{
		const struct doc_node *m = doc_lookup(spec, "runPolicy.managedBy");
		const char *v = doc_str(m);

		if (v && !templated(v) && !katib_config_has(job_managers, v)) {
			struct buf list = BUF_INIT;

			list_values(&list, job_managers);
			diag_hint(out, diag_add(out, rule, m,
						"spec.runPolicy.managedBy: Unsupported value: \"%s\": supported values: %s; %s (training operator v1.9)",
						v, list.buf, effect.buf),
				  "leave managedBy out for the training operator to run the job");
			buf_release(&list);
		}
	}
	buf_release(&effect);
}
