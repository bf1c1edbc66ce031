/*
 * rules/pods.c: what goes wrong once Katib creates the trial's pods, which
 * its admission webhook never looks at: a primary container that no pod
 * has (bug class 3), Istio sidecars that keep pods alive (bug class 4),
 * commands the metrics collector's shell wrapper breaks, image references
 * and Job settings the API server refuses (rules catalogue §1.10, §5.5).
 */
#include "compat.h"
#include "rules/rules.h"
#include "alloc.h"
#include "buf.h"
#include "doc.h"
#include "experiment.h"
#include "katib-config.h"
#include "levenshtein.h"
#include "trial-pods.h"

#include <ctype.h>
#include <strings.h>

#define ISTIO_LABEL "sidecar.istio.io/inject"

/* Collectors whose sidecar wraps the primary container in `sh -c`. */
static int wrapping_collector(const char *kind)
{
	return !strcmp(kind, "StdOut") || !strcmp(kind, "File") ||
	       !strcmp(kind, "TensorFlowEvent");
}

static void list_names(const struct trial_pods *pods, struct buf *out)
{
	size_t i, j;

	for (i = 0; i < pods->nr; i++)
		for (j = 0; j < pods->pod[i].nr_containers; j++) {
			const char *n = pods->pod[i].containers[j].name;

			if (strstr(out->buf, n) && *n)
				continue;
			buf_addf(out, "%s'%s'", out->len ? ", " : "", n);
		}
}

static const char *closest_name(const struct trial_pods *pods, const char *name)
{
	const char *best = NULL;
	size_t i, j, best_d = SIZE_MAX;

	for (i = 0; i < pods->nr; i++)
		for (j = 0; j < pods->pod[i].nr_containers; j++) {
			const char *n = pods->pod[i].containers[j].name;
			size_t d = levenshtein(name, strlen(name), n, strlen(n), 1);
			size_t nl = strlen(n), ml = strlen(name);

			/* Tekton's "step-fit" for a step named "fit". */
			if (nl > ml && n[nl - ml - 1] == '-' && !strcmp(n + nl - ml, name))
				d = 1;
			if (d < best_d) {
				best_d = d;
				best = n;
			}
		}
	return best && best_d <= 3 ? best : NULL;
}

static void check_primary_container(const struct rule_ctx *ctx,
				    const struct trial_pods *pods,
				    struct diag_list *out)
{
	const struct doc_node *pcn = doc_get(ctx->exp->trial_template,
					     "primaryContainerName");
	const char *name = doc_str(pcn), *dc;
	size_t i, having = 0;
	struct diag *d;

	if (!name || !*name)
		return;	/* primary-container-name-missing reports it */
	if (pods->kind == TRIAL_PODS_TRAINJOB) {
		diag_hint(out, diag_add(out, rule_get("primary-container-unverifiable"), pcn,
					"a TrainJob's containers are defined by its training runtime, so primaryContainerName '%s' cannot be checked offline",
					name),
			  "check the ClusterTrainingRuntime the TrainJob uses: its trainer container is usually 'node'");
		return;
	}
	if (!pods->nr) {
		diag_hint(out, diag_add(out, rule_get("primary-container-unverifiable"), pcn,
					"found no pod template in the %s trialSpec, so primaryContainerName '%s' cannot be checked offline",
					*pods->kind_name ? pods->kind_name : "", name),
			  "make sure a pod of the trial has a container named '%s'", name);
		return;
	}
	for (i = 0; i < pods->nr; i++)
		if (trial_pod_container(&pods->pod[i], name))
			having++;
	if (!having) {
		struct buf names = BUF_INIT;
		const char *better = closest_name(pods, name);

		list_names(pods, &names);
		d = diag_add(out, rule_get("primary-container-not-found"), pcn,
			     "no container of the trial's pods is named '%s' (they are %s); Katib refuses to create the pods and the Trial stays Running forever",
			     name, names.len ? names.buf : "unnamed");
		if (better)
			diag_hint(out, d, "did you mean '%s'?", better);
		else
			diag_hint(out, d, "set primaryContainerName to the container that runs your training code");
		buf_release(&names);
		return;
	}
	/*
	 * Before v0.18 the pod webhook left non-primary pods alone.  When the
	 * primary container is the one the training operator's webhook
	 * requires, that webhook refuses the job before any pod exists:
	 * training-job-invalid says so.
	 */
	dc = pods->kind == TRIAL_PODS_KUBEFLOW ? training_job_container(ctx->exp->trial_spec) : NULL;
	for (i = 0; ctx->config->minor >= 18 && i < pods->nr; i++) {
		const struct trial_pod *pod = &pods->pod[i];

		if (trial_pod_container(pod, name) || (dc && !strcmp(dc, name)))
			continue;
		d = diag_add_key(out, rule_get("primary-container-missing-in-replica"), pod->at,
				 "pods of %s%s have no container '%s'; since Katib v0.18 the pod webhook refuses every trial pod without the primary container, so the job never completes",
				 *pod->role ? "" : "this template", pod->role, name);
		diag_hint(out, d, "name the training container of every replica '%s'", name);
	}
}

static int label_is(const struct doc_node *labels, const char *key,
		    const char *value)
{
	const char *v = doc_get_str(labels, key);

	return v && !strcmp(v, value);
}

/*
 * An Argo or Tekton pod's labels are those of its templates and the ones
 * the controller adds (workflows.argoproj.io/..., tekton.dev/..., from
 * Argo's workflow/common and Tekton's pod builder): all known offline
 * but the generated names.
 */
static int workflow_pod_has_label(const struct trial_pods *pods,
				  const struct trial_pod *pod, const char *key,
				  const char *value)
{
	if (label_is(pod->labels, key, value) || label_is(pod->more_labels, key, value))
		return 1;
	if (pods->kind == TRIAL_PODS_ARGO)
		return strncmp(key, "workflows.argoproj.io/", 22) ? 0 : -1;
	if (!strcmp(key, "tekton.dev/pipelineTask"))
		return !pod->task || strchr(pod->task, '$') ? -1 :
		       !strcmp(pod->task, value);
	if (!strcmp(key, "tekton.dev/memberOf"))
		return !strcmp(pod->member_of, value);
	if (!strcmp(key, "app.kubernetes.io/managed-by"))
		return !strcmp(value, "tekton-pipelines");
	return strncmp(key, "tekton.dev/", 11) ? 0 : -1;
}

/* Could a pod of this replica carry label key=value?  -1: cannot tell. */
static int pod_has_label(const struct trial_pods *pods,
			 const struct trial_pod *pod, const char *key,
			 const char *value)
{
	if (pods->kind == TRIAL_PODS_ARGO || pods->kind == TRIAL_PODS_TEKTON)
		return workflow_pod_has_label(pods, pod, key, value);
	if (label_is(pod->labels, key, value))
		return 1;
	if (!strcmp(key, "training.kubeflow.org/job-role"))
		return pod->role_label && !strcmp(pod->role_label, value);
	if (!strcmp(key, "training.kubeflow.org/replica-type"))
		return !strcasecmp(pod->role, value);
	if (!strncmp(key, "training.kubeflow.org/", 22))
		return -1;
	return doc_get(pod->labels, key) ? 0 : -1;
}

/* Does a step call a WorkflowTemplate, whose pods we cannot see? */
static int has_template_ref(const struct doc_node *n)
{
	const struct doc_node *c;

	if (n->kind == DOC_MAP && doc_get(n, "templateRef"))
		return 1;
	for (c = n->child; c; c = c->next)
		if (has_template_ref(c))
			return 1;
	return 0;
}

/* How to label the training pod of a Workflow or PipelineRun. */
static void workflow_labels_hint(const struct trial_pods *pods,
				 const struct doc_node *labels,
				 struct diag_list *out, struct diag *d)
{
	const char *task = doc_get_str(labels, "tekton.dev/pipelineTask");
	const char *best = NULL;
	size_t i, best_d = 3;

	for (i = 0; task && i < pods->nr; i++) {
		const char *t = pods->pod[i].task;
		size_t dist = t ? levenshtein(task, strlen(task), t, strlen(t), 1) : SIZE_MAX;

		if (dist < best_d) {
			best_d = dist;
			best = t;
		}
	}
	if (best)
		diag_hint(out, d, "did you mean tekton.dev/pipelineTask: %s? (the pipeline tasks are named by spec.pipelineSpec.tasks[].name)", best);
	else if (pods->kind == TRIAL_PODS_TEKTON)
		diag_hint(out, d, "match the training task's pod with tekton.dev/pipelineTask: <task name>, or a label of the PipelineRun's metadata.labels");
	else
		diag_hint(out, d, "put the same label under the training template's metadata.labels (Argo copies it, and spec.podMetadata.labels, to the pod)");
}

static void check_primary_pod_labels(const struct rule_ctx *ctx,
				     const struct trial_pods *pods,
				     struct diag_list *out)
{
	const struct doc_node *explicit_labels =
		doc_get_kind(ctx->exp->trial_template, "primaryPodLabels", DOC_MAP);
	const struct doc_node *l;
	size_t i;
	struct diag *d;

	int workflow = pods->kind == TRIAL_PODS_ARGO || pods->kind == TRIAL_PODS_TEKTON;

	if ((pods->kind != TRIAL_PODS_KUBEFLOW && !workflow) || !pods->nr)
		return;
	/* Without primaryPodLabels every pod of a workflow is primary. */
	if (workflow && (!explicit_labels || !explicit_labels->nr_children))
		return;
	if (pods->kind == TRIAL_PODS_ARGO && has_template_ref(ctx->exp->trial_spec))
		return;
	for (i = 0; i < pods->nr; i++) {
		int match = 1;

		if (!explicit_labels || !explicit_labels->nr_children) {
			match = pod_has_label(pods, &pods->pod[i],
					      "training.kubeflow.org/job-role", "master");
		} else {
			for (l = explicit_labels->child; l && match == 1; l = l->next) {
				char *key = xstrndup(l->key, l->key_len);

				match = doc_str(l) ? pod_has_label(pods, &pods->pod[i], key, l->text) : -1;
				free(key);
			}
		}
		if (match)
			return;	/* matches, or might */
	}
	if (workflow) {
		d = diag_add_key(out, rule_get("primary-pod-labels-unmatched"), explicit_labels,
				 "primaryPodLabels match no pod of the %s; no pod gets the metrics collector and the Trial never reports metrics",
				 pods->kind_name);
		workflow_labels_hint(pods, explicit_labels, out, d);
		return;
	}
	if (explicit_labels && explicit_labels->nr_children)
		d = diag_add_key(out, rule_get("primary-pod-labels-unmatched"), explicit_labels,
				 "primaryPodLabels match no replica of the %s; no pod gets the metrics collector and the Trial never reports metrics",
				 pods->kind_name);
	else
		d = diag_add_missing(out, rule_get("primary-pod-labels-unmatched"),
				     ctx->exp->trial_template, "primaryPodLabels",
				     "Katib defaults primaryPodLabels to training.kubeflow.org/job-role: master, but this %s has no Master, Chief or Launcher replica; no pod gets the metrics collector",
				     pods->kind_name);
	diag_hint(out, d, "set primaryPodLabels to a label of the replica that runs the training, e.g. training.kubeflow.org/replica-type: worker");
}

/* ${trialParameters.x} and $(VAR) are replaced before the shell sees them. */
static void strip_substitutions(const char *s, struct buf *out)
{
	const char *dollar;

	/* Runs between '$'s are copied whole; byte by byte was a hot spot. */
	while ((dollar = strchr(s, '$'))) {
		const char *end = NULL;

		if (dollar[1] == '{')
			end = strchr(dollar, '}');
		else if (dollar[1] == '(')
			end = strchr(dollar, ')');
		buf_add(out, s, (size_t)(dollar - s));
		if (end) {
			buf_addch(out, 'x');
			s = end + 1;
		} else {
			buf_addch(out, '$');
			s = dollar + 1;
		}
	}
	buf_adds(out, s);
}

/* What an unquoted byte means to the shell, for shell_trouble(). */
enum shell_byte {
	SH_PLAIN,
	SH_QUOTE,
	SH_BACKSLASH,
	SH_SPACE,
	SH_META,
	SH_GLOB,
	SH_LEADING,	/* '#' and '~', special at the start of a word */
};

static const unsigned char shell_bytes[256] = {
	['"'] = SH_QUOTE, ['\''] = SH_QUOTE, ['\\'] = SH_BACKSLASH,
	/* isspace() in the C locale */
	[' '] = SH_SPACE, ['\t'] = SH_SPACE, ['\n'] = SH_SPACE,
	['\v'] = SH_SPACE, ['\f'] = SH_SPACE, ['\r'] = SH_SPACE,
	['`'] = SH_META, ['$'] = SH_META, ['&'] = SH_META, ['|'] = SH_META,
	[';'] = SH_META, ['<'] = SH_META, ['>'] = SH_META, ['('] = SH_META,
	[')'] = SH_META,
	['*'] = SH_GLOB, ['?'] = SH_GLOB, ['['] = SH_GLOB,
	['#'] = SH_LEADING, ['~'] = SH_LEADING,
};

/*
 * What the shell will do to arg once Katib has joined the command into one
 * `sh -c` line.  Quoting is honoured: a user who quotes for that shell
 * (the NAS examples do) is right to.
 */
static const char *shell_trouble(const char *arg)
{
	struct buf b = BUF_INIT;
	const char *why = NULL, *p;
	char quote = 0;

	strip_substitutions(arg, &b);
	for (p = b.buf; *p && !why; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			else if (quote == '"' && *p == '\\' && p[1])
				p++;
			continue;
		}
		switch (shell_bytes[(unsigned char)*p]) {
		case SH_PLAIN:
			break;
		case SH_QUOTE:
			quote = *p;
			break;
		case SH_BACKSLASH:
			if (p[1])
				p++;
			break;
		case SH_SPACE:
			why = "an unquoted space, so the shell splits it";
			break;
		case SH_META:
			why = "an unquoted shell metacharacter";
			break;
		case SH_GLOB:
			why = "an unquoted glob character, which the shell may expand";
			break;
		case SH_LEADING:
			if (p == b.buf)
				why = "a leading '#' or '~', which the shell interprets";
			break;
		}
	}
	if (!why && quote)
		why = "an unbalanced quote";
	buf_release(&b);
	return why;
}

/* command followed by args, as the pod webhook joins them. */
static size_t command_words(const struct doc_node *c,
			    const struct doc_node ***out)
{
	static const char *const keys[] = { "command", "args" };
	const struct doc_node **words = NULL, *n;
	size_t nr = 0, alloc = 0, k;

	for (k = 0; k < ARRAY_SIZE(keys); k++)
		for (n = doc_get_kind(c, keys[k], DOC_SEQ) ?
			     doc_get_kind(c, keys[k], DOC_SEQ)->child : NULL;
		     n; n = n->next) {
			ALLOC_GROW(words, nr + 1, alloc);
			words[nr++] = n;
		}
	*out = words;
	return nr;
}

/*
 * Katib leaves a command alone only when its first word is exactly sh or
 * bash and its second -c (wrapWorkerContainer, pkg/webhook/v1beta1/pod/
 * utils.go): /bin/sh is not a shell to it.
 */
static int is_shell(const char *s)
{
	return s && (!strcmp(s, "sh") || !strcmp(s, "bash"));
}

/* /bin/sh, /usr/bin/bash: a shell Katib does not take for one. */
static int is_shell_path(const char *s)
{
	const char *base = s ? strrchr(s, '/') : NULL;

	return base && is_shell(base + 1);
}

static void check_command(const struct rule_ctx *ctx,
			  const struct trial_container *c, struct diag_list *out)
{
	const struct doc_node *cmd = doc_get_kind(c->node, "command", DOC_SEQ);
	const struct doc_node **words;
	const char *image = doc_get_str(c->node, "image");
	size_t nr, i;
	struct diag *d;

	if (!cmd || !cmd->nr_children) {
		d = diag_add_key(out, rule_get("primary-container-command-missing"), c->node,
				 "the primary container '%s' has no command; the %s collector must then read the entrypoint of image '%s' from its registry when each pod is created",
				 c->name, ctx->exp->collector_kind, image ? image : "");
		/*
		 * Katib's pod webhook, in the controller, reads the image's
		 * config from the registry with the pod's imagePullSecrets
		 * and service account (k8schain), takes ENTRYPOINT for a
		 * missing command and CMD for missing args, and indexes the
		 * result unchecked: an image with neither fails too.  Since
		 * v0.19.0 it parses the name with StrictValidation, so a
		 * registry, the full path and a tag or digest must be
		 * written out (pkg/webhook/v1beta1/pod/utils.go
		 * getContainerCommand, getRemoteImage, wrapWorkerContainer,
		 * kubeflow/katib@33c8ff4e5d18; StrictValidation from
		 * kubeflow/katib@7ab0939df819).
		 */
		diag_hint(out, d, "give the command explicitly; without it this works only when Katib's controller can reach the registry, the image is public or its pull secret is in the pod's imagePullSecrets or service account, the image has an ENTRYPOINT or CMD, and (Katib v0.19 and later) its name is fully qualified, with registry, path and tag or digest (docker.io/library/python:3.12, not python); otherwise the creation of every trial pod fails");
		return;
	}
	nr = command_words(c->node, &words);
	if (nr >= 2 && is_shell(doc_str(words[0])) && doc_str(words[1]) &&
	    !strcmp(words[1]->text, "-c")) {
		/* Katib keeps `sh -c` and appends to the script. */
		for (i = 2; i < nr; i++) {
			const char *t = doc_str(words[i]);

			if (t && (t[0] == '#' || strstr(t, " #") || strstr(t, "\n#"))) {
				diag_hint(out, diag_add(out, rule_get("primary-container-command-unsafe"), words[i],
							"the script has a '#' comment; Katib appends its completion marker to the script and the comment swallows it, so the Trial never completes"),
					  "remove the comment from the script");
				break;
			}
		}
		free(words);
		return;
	}
	for (i = 0; i < nr; i++) {
		const char *t = doc_str(words[i]);
		const char *why = t ? shell_trouble(t) : NULL;

		if (!why)
			continue;
		if (i == 2 && is_shell_path(doc_str(words[0])) && doc_str(words[1]) &&
		    !strcmp(words[1]->text, "-c")) {
			d = diag_add(out, rule_get("primary-container-command-unsafe"), words[0],
				     "Katib takes only 'sh' or 'bash' for a shell, not '%s': it runs the command inside its own sh -c, which splits the script into words, so '%s -c' runs only the first of them",
				     words[0]->text, words[0]->text);
			diag_hint(out, d, "write the shell as Katib compares it: command: [sh, -c, '...'] (or bash)");
			break;
		}
		if (strspn(t, "&|;<>12") == strlen(t))
			d = diag_add(out, rule_get("primary-container-command-unsafe"), words[i],
				     "argument '%s' is a shell operator; it works only because the %s collector runs the joined command with sh -c, and breaks with any other collector",
				     t, ctx->exp->collector_kind);
		else
			d = diag_add(out, rule_get("primary-container-command-unsafe"), words[i],
				     "argument '%s' has %s; the %s collector joins the command with spaces and runs it with sh -c, which changes it",
				     t, why, ctx->exp->collector_kind);
		diag_hint(out, d, "use command: [sh, -c, '<the whole command line, quoted as the shell needs>']");
		break;
	}
	free(words);
}

static void check_commands(const struct rule_ctx *ctx,
			   const struct trial_pods *pods, struct diag_list *out)
{
	const char *name = doc_get_str(ctx->exp->trial_template, "primaryContainerName");
	size_t i;

	if (!name || !wrapping_collector(ctx->exp->collector_kind))
		return;
	for (i = 0; i < pods->nr; i++) {
		const struct trial_container *c = trial_pod_container(&pods->pod[i], name);

		if (c) {
			check_command(ctx, c, out);
			return;	/* one report is enough: replicas share commands */
		}
	}
}

/* The PodTemplateSpec holding pod's spec, where its labels go. */
static const struct doc_node *pod_template_of(const struct trial_pod *pod)
{
	const struct doc_node *t = pod->pod_spec ? pod->pod_spec->parent : NULL;

	return t && t->kind == DOC_MAP && doc_get(t, "spec") == pod->pod_spec
		       ? t : NULL;
}

/*
 * One finding per Experiment, however many replicas lack the opt-out:
 * the fix is the same everywhere, and a PyTorchJob of Master and Worker
 * said it twice for each file.  The finding is at the first such pod
 * and names every role; --fix adds the label to one template a pass, and
 * passes run until none is left.
 */
static void check_istio(const struct rule_ctx *ctx,
			const struct trial_pods *pods, struct diag_list *out)
{
	const struct namespace_fact *ns = experiment_namespace(ctx);
	const struct trial_pod *pod = NULL;
	const struct doc_node *label;
	struct buf roles = BUF_INIT;
	size_t i, nr = 0;
	struct diag *d;

	for (i = 0; i < pods->nr; i++) {
		if (label_is(pods->pod[i].labels, ISTIO_LABEL, "false") ||
		    label_is(pods->pod[i].more_labels, ISTIO_LABEL, "false"))
			continue;
		if (!pod)
			pod = &pods->pod[i];
		if (*pods->pod[i].role) {
			if (nr)
				buf_adds(&roles, ", ");
			buf_adds(&roles, pods->pod[i].role);
		}
		nr++;
	}
	if (!pod)
		return;
	label = doc_get(pod->labels, ISTIO_LABEL);
	d = diag_add_key(out, rule_get("istio-sidecar-not-disabled"),
			 label ? label : pod->at,
			 "pods of %s do not opt out of the Istio sidecar; in a namespace with Istio injection the sidecar keeps each pod running after training ends, and the Trial never finishes",
			 roles.len ? roles.buf : "this template");
	buf_release(&roles);
	/* In a namespace Istio injects, the hang is certain. */
	if (d && ns && ns->istio && d->severity != SEV_ERROR) {
		out->count[d->severity]--;
		d->severity = SEV_ERROR;
		out->count[SEV_ERROR]++;
	}
	if (label && label->kind == DOC_BOOL) {
		diag_hint(out, d, "quote the value: %s: \"false\" (labels are strings)", ISTIO_LABEL);
		if (!strcmp(label->text, "false"))
			diag_fix(out, d, FIX_QUOTE, label, NULL, NULL, NULL);
	} else if (label_is(pod->annotations, ISTIO_LABEL, "false"))
		diag_hint(out, d, "only the annotation is set; since Katib v0.19 the label is the opt-out that works: add %s: \"false\" to the pod template's labels", ISTIO_LABEL);
	else if (pods->kind == TRIAL_PODS_TEKTON)
		diag_hint(out, d, "add the label %s: \"false\" to the PipelineRun's metadata.labels (Tekton copies them to its pods)", ISTIO_LABEL);
	else if (pods->kind == TRIAL_PODS_ARGO)
		diag_hint(out, d, "add the label %s: \"false\" under the Workflow's spec.podMetadata.labels", ISTIO_LABEL);
	else {
		diag_hint(out, d, "add the label %s: \"false\" to %s metadata.labels", ISTIO_LABEL,
			  nr > 1 ? "each of these pod templates'" : "the pod template's");
		/* A label set to something else was set on purpose. */
		if (!label && pod_template_of(pod))
			diag_fix(out, d, FIX_ADD_ENTRY, pod_template_of(pod),
				 "metadata.labels", ISTIO_LABEL, "false");
	}
}

/* ---- image references (github.com/distribution/reference grammar) ---- */

static int path_component_ok(const char *s, size_t n)
{
	size_t i = 0;

	if (!n || (!islower((unsigned char)s[0]) && !isdigit((unsigned char)s[0])))
		return 0;
	while (i < n) {
		size_t start = i;

		while (i < n && (islower((unsigned char)s[i]) || isdigit((unsigned char)s[i])))
			i++;
		if (i == start)
			return 0;
		if (i == n)
			return 1;
		/* separator: '.', '_', '__' or one or more '-' */
		if (s[i] == '.' || (s[i] == '_' && (i + 1 >= n || s[i + 1] != '_')))
			i++;
		else if (s[i] == '_' && s[i + 1] == '_')
			i += 2;
		else if (s[i] == '-')
			while (i < n && s[i] == '-')
				i++;
		else
			return 0;
		if (i == n)
			return 0;
	}
	return 1;
}

static int domain_ok(const char *s, size_t n)
{
	size_t i;
	const char *colon = memchr(s, ':', n);
	size_t hn = colon ? (size_t)(colon - s) : n;

	if (!hn)
		return 0;
	if (s[0] == '[')	/* IPv6 literal */
		return memchr(s, ']', n) != NULL;
	for (i = 0; i < hn; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-')
			return 0;
	if (s[0] == '-' || s[0] == '.' || s[hn - 1] == '-' || s[hn - 1] == '.')
		return 0;
	if (colon) {
		if (colon + 1 == s + n)
			return 0;
		for (i = hn + 1; i < n; i++)
			if (!isdigit((unsigned char)s[i]))
				return 0;
	}
	return 1;
}

/* Returns NULL if ref is a valid image reference, else what is wrong. */
static const char *image_problem(const char *ref)
{
	const char *at = strchr(ref, '@'), *name_end, *slash, *p, *tag = NULL;
	size_t len;

	if (!*ref)
		return "it is empty";
	for (p = ref; *p; p++)
		if (isspace((unsigned char)*p) || *p == '<' || *p == '>' || *p == '{' || *p == '}')
			return "it contains a space or a placeholder character";
	name_end = at ? at : ref + strlen(ref);
	/* A tag is after the last ':' that follows the last '/'. */
	slash = NULL;
	for (p = ref; p < name_end; p++)
		if (*p == '/')
			slash = p;
	for (p = slash ? slash : ref; p < name_end; p++)
		if (*p == ':')
			tag = p;
	if (tag) {
		size_t tl = (size_t)(name_end - tag - 1);

		if (!tl || tl > 128)
			return "the tag is empty or longer than 128 characters";
		if (!isalnum((unsigned char)tag[1]) && tag[1] != '_')
			return "the tag must start with a letter, digit or '_'";
		for (p = tag + 1; p < name_end; p++)
			if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
				return "the tag may only have letters, digits, '_', '.' and '-'";
		name_end = tag;
	}
	if (at) {
		const char *hex = strchr(at, ':');

		if (!hex || strlen(hex + 1) < 32)
			return "the digest is not algorithm:hex";
	}
	len = (size_t)(name_end - ref);
	p = ref;
	slash = memchr(p, '/', len);
	if (slash) {
		size_t first = (size_t)(slash - p);
		int is_domain = memchr(p, '.', first) || memchr(p, ':', first) ||
				(first == 9 && !memcmp(p, "localhost", 9));

		for (size_t i = 0; i < first && !is_domain; i++)
			if (isupper((unsigned char)p[i]))
				is_domain = 1;
		if (is_domain) {
			if (!domain_ok(p, first))
				return "the registry host is not a valid host name";
			p = slash + 1;
			len -= first + 1;
		}
	}
	while (len) {
		const char *s = memchr(p, '/', len);
		size_t n = s ? (size_t)(s - p) : len;

		if (!path_component_ok(p, n))
			return "repository names must be lower case letters, digits and separators ('.', '_', '-')";
		if (!s)
			break;
		p = s + 1;
		len -= n + 1;
		if (!len)
			return "the repository name ends with '/'";
	}
	return NULL;
}

static void check_images(const struct trial_pods *pods, struct diag_list *out)
{
	size_t i, j;

	for (i = 0; i < pods->nr; i++)
		for (j = 0; j < pods->pod[i].nr_containers; j++) {
			const struct doc_node *c = pods->pod[i].containers[j].node;
			const struct doc_node *img = doc_get(c, "image");
			const char *why;

			if (!img) {
				if (pods->kind == TRIAL_PODS_JOB || pods->kind == TRIAL_PODS_KUBEFLOW)
					diag_hint(out, diag_add_missing(out, rule_get("container-image-invalid"),
									c, "image",
									"container '%s' has no image; the API server refuses the pod",
									pods->pod[i].containers[j].name),
						  "set the image that runs this container");
				continue;
			}
			if (!doc_str(img) || strstr(img->text, "${") || strstr(img->text, "$("))
				continue;
			why = image_problem(img->text);
			if (why)
				diag_hint(out, diag_add(out, rule_get("container-image-invalid"), img,
							"image '%s' is not a valid image reference: %s", img->text, why),
					  "write it as [registry/]repository[:tag], e.g. docker.io/library/python:3.12");
		}
}

static void check_restart_policy(const struct trial_pods *pods,
				 struct diag_list *out)
{
	const struct doc_node *spec, *rp;
	const char *v;
	struct diag *d;

	if (pods->kind != TRIAL_PODS_JOB || !pods->nr || !pods->pod[0].pod_spec)
		return;
	spec = pods->pod[0].pod_spec;
	rp = doc_get(spec, "restartPolicy");
	v = doc_str(rp);
	if (v && (!strcmp(v, "Never") || !strcmp(v, "OnFailure")))
		return;
	if (rp && !v && rp->kind != DOC_NULL)
		return;	/* the type rule reports it */
	if (rp && v)
		d = diag_add(out, rule_get("job-restart-policy-invalid"), rp,
			     "restartPolicy '%s' is not allowed in a Job; the API server refuses every trial Job and the Trials stay Created",
			     v);
	else
		d = diag_add_missing(out, rule_get("job-restart-policy-invalid"), spec,
				     "restartPolicy",
				     "the Job's pod template has no restartPolicy; it defaults to Always, which the API server refuses for a Job, so the Trials stay Created");
	diag_hint(out, d, "set restartPolicy: Never (or OnFailure)");
	/* Never: Katib retries by running more trials, not the pod. */
	if (rp && rp->kind != DOC_NULL)
		diag_fix(out, d, FIX_SET_VALUE, rp, NULL, NULL, "Never");
	else if (!rp)
		diag_fix(out, d, FIX_ADD_ENTRY, spec, NULL, "restartPolicy", "Never");
}

static void check_trial_kind_watched(const struct rule_ctx *ctx,
				     struct diag_list *out)
{
	const struct doc_node *ts = ctx->exp->trial_spec;
	const char *kind = doc_get_str(ts, "kind");
	const char *api = doc_get_str(ts, "apiVersion");
	const char *slash;
	struct buf gvk = BUF_INIT;

	if (!kind || !*kind || !api || !*api)
		return;
	/* Kind.version.group, in pieces: printf cost a percent of a stream. */
	slash = strchr(api, '/');
	buf_adds(&gvk, kind);
	buf_addch(&gvk, '.');
	if (slash) {
		buf_adds(&gvk, slash + 1);
		buf_addch(&gvk, '.');
		buf_add(&gvk, api, (size_t)(slash - api));
	} else {
		buf_adds(&gvk, api);
	}
	if (!katib_config_has(ctx->config->trial_resources, gvk.buf))
		diag_hint(out, diag_add(out, rule_get("trial-kind-not-watched"),
					doc_get(ts, "kind"),
					"katib-config does not list %s in its trial resources; the controller will not follow these trials' status",
					gvk.buf),
			  "ask the Katib admin to add %s to init.controller.trialResources (and to katib-controller's RBAC)",
			  gvk.buf);
	buf_release(&gvk);
}

void check_pods(const struct rule_ctx *ctx, struct diag_list *out)
{
	struct trial_pods pods;

	if (!ctx->exp->trial_spec)
		return;
	trial_pods_find(&pods, ctx->exp->trial_spec);
	check_primary_container(ctx, &pods, out);
	check_primary_pod_labels(ctx, &pods, out);
	check_commands(ctx, &pods, out);
	check_istio(ctx, &pods, out);
	check_images(&pods, out);
	check_restart_policy(&pods, out);
	check_workload(ctx, &pods, out);
	check_trial_kind_watched(ctx, out);
	trial_pods_release(&pods);
}
