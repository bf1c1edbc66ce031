/*
 * rules/workload.c: what the API server refuses in the pods a trial
 * template describes.  Katib passes the trialSpec to the API server
 * untouched (only a batch/v1 Job is decoded by its webhook), so a pod
 * template the API server refuses makes every trial fail the same way;
 * these checks say so before the Experiment is created, worded as the
 * API server words it.
 *
 * Translated from Kubernetes pkg/apis/core/validation/validation.go
 * (ValidateResourceRequirements, validateContainers, validatePullPolicy,
 * validateDNSPolicy) and staging/src/k8s.io/apimachinery/pkg/api/resource
 * (the quantity grammar), commit a7264f95ffc8b56377da16e83461aa59467ebb3e.
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
#include <errno.h>
#include <math.h>

#define QUANTITY_REGEXP "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"

/* What a pod template the API server refuses does to the trials. */
static const char *refused_effect(const struct trial_pods *pods)
{
	switch (pods->kind) {
	case TRIAL_PODS_JOB:
		return "the API server refuses every trial Job and the Trials stay Created";
	case TRIAL_PODS_KUBEFLOW:
		return "the API server refuses the pods the training operator creates, so no trial ever runs";
	case TRIAL_PODS_ARGO:
		return "Argo cannot create the step's pod and every Workflow fails, so every Trial fails";
	case TRIAL_PODS_TEKTON:
		return "Tekton cannot create the task's pod and every PipelineRun fails, so every Trial fails";
	default:
		return "the API server refuses the trial's pods, so no trial ever runs";
	}
}

/* ---- quantities (resource.ParseQuantity) ---- */

/*
 * The value of a quantity as the API server parses it.  Returns 0 and
 * sets *out, or -1 when the text is not a quantity.  A long double holds
 * every value users write exactly enough for requests and limits to
 * compare as the API server compares them: each value is rounded once.
 */
static int parse_quantity(const char *s, long double *out)
{
	static const char binary[] = "KMGTPE";
	static const char decimal[] = "numkMGTPE";
	static const int decimal_exp[] = { -9, -6, -3, 3, 6, 9, 12, 15, 18 };
	long double mant = 0;
	int neg = 0, digits = 0, frac = 0, exp10 = 0, exp2 = 0, seen_dot = 0;
	const char *p = s, *q;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	for (; isdigit((unsigned char)*p) || (*p == '.' && !seen_dot); p++) {
		if (*p == '.') {
			seen_dot = 1;
			continue;
		}
		mant = mant * 10 + (*p - '0');
		digits++;
		frac += seen_dot;
	}
	if (!digits)
		return -1;
	exp10 = -frac;
	if (!*p) {
		/* no suffix */
	} else if (p[1] == 'i' && !p[2] && (q = strchr(binary, p[0]))) {
		exp2 = 10 * (int)(q - binary + 1);
	} else if (!p[1] && (q = strchr(decimal, p[0]))) {
		exp10 += decimal_exp[q - decimal];
	} else if (*p == 'e' || *p == 'E') {
		char *end;
		long e;

		p++;
		if (!*p || (!isdigit((unsigned char)*p) && !(*p == '+' || *p == '-')))
			return -1;
		errno = 0;
		e = strtol(p, &end, 10);
		if (*end || end == p || errno || e > 1000 || e < -1000)
			return -1;
		exp10 += (int)e;
	} else {
		return -1;
	}
	if (exp10 >= 0)
		mant *= powl(10, exp10);
	else
		mant /= powl(10, -exp10);
	mant = ldexpl(mant, exp2);
	*out = neg ? -mant : mant;
	return 0;
}

/* The quantity a YAML scalar decodes to; -1 when it is not one. */
static int node_quantity(const struct doc_node *n, long double *out)
{
	int64_t i;
	double f;

	/* A YAML number reaches the API server as a JSON number. */
	if (n->kind == DOC_INT && !doc_int(n, &i)) {
		*out = (long double)i;
		return 0;
	}
	if (n->kind == DOC_FLOAT && !doc_float(n, &f) && isfinite(f)) {
		*out = f;
		return 0;
	}
	return n->kind == DOC_STR ? parse_quantity(n->text, out) : -1;
}

/* "4GB" -> "4G or 4Gi": the suffixes people write for bytes. */
static void suggest_suffix(const char *s, struct buf *out)
{
	const char *p = s;
	char c;

	while (*p == '+' || *p == '-' || *p == '.' || isdigit((unsigned char)*p))
		p++;
	c = (char)toupper((unsigned char)*p);
	if (p == s || !strchr("KMGTPE", c))
		return;
	if (c == 'K')
		buf_addf(out, "write %.*sk (10^3) or %.*sKi (2^10)",
			 (int)(p - s), s, (int)(p - s), s);
	else
		buf_addf(out, "write %.*s%c (10^n) or %.*s%ci (2^n): the API server knows no other suffix",
			 (int)(p - s), s, c, (int)(p - s), s, c);
}

static int is_hugepages(const char *name)
{
	return !strncmp(name, "hugepages-", 10);
}

/* IsNativeResource: no domain, or a kubernetes.io one. */
static int is_native(const char *name)
{
	return !strchr(name, '/') || strstr(name, "kubernetes.io/");
}

/* Resources whose request must equal their limit (IsOvercommitAllowed). */
static int no_overcommit(const char *name)
{
	return !is_native(name) || is_hugepages(name);
}

static int is_extended(const char *name)
{
	return !is_native(name) && strncmp(name, "requests.", 9);
}

/* A qualified name's prefix: a DNS-1123 subdomain. */
static int dns_subdomain(const char *s, size_t n)
{
	size_t i;

	if (!n || n > 253 || !isalnum((unsigned char)s[0]) ||
	    !isalnum((unsigned char)s[n - 1]))
		return 0;
	for (i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
		      s[i] == '-' || s[i] == '.'))
			return 0;
	return 1;
}

/* The name part of a qualified name. */
static int qualified_part(const char *s, size_t n)
{
	size_t i;

	if (!n || n > 63 || !isalnum((unsigned char)s[0]) ||
	    !isalnum((unsigned char)s[n - 1]))
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
			return 0;
	return 1;
}

static int qualified_name(const char *s)
{
	const char *slash = strchr(s, '/');

	if (!slash)
		return qualified_part(s, strlen(s));
	return dns_subdomain(s, (size_t)(slash - s)) &&
	       qualified_part(slash + 1, strlen(slash + 1));
}

static const char *const standard_resources[] = {
	"cpu", "memory", "ephemeral-storage", NULL
};

/* validateContainerResourceName */
static void check_resource_name(const struct trial_pods *pods,
				const struct doc_node *q, struct diag_list *out)
{
	char *name = xstrndup(q->key, q->key_len);
	const char *fix = NULL;
	struct diag *d = NULL;

	if (!strchr(name, '/')) {
		if (is_hugepages(name) ||
		    !strcmp(name, "cpu") || !strcmp(name, "memory") ||
		    !strcmp(name, "ephemeral-storage"))
			goto done;
		d = diag_add_key(out, rule_get("resource-name-invalid"), q,
				 "Invalid value: \"%s\": must be a standard resource for containers; %s",
				 name, refused_effect(pods));
		fix = case_only_match(name, standard_resources);
		if (fix)
			diag_hint(out, d, "did you mean '%s'?", fix);
		else if (strstr(name, "gpu"))
			diag_hint(out, d, "a GPU is an extended resource named by its vendor's device plugin, e.g. nvidia.com/gpu or amd.com/gpu");
		else
			diag_hint(out, d, "use cpu, memory, ephemeral-storage, hugepages-<size>, or an extended resource such as nvidia.com/gpu");
	} else if (!qualified_name(name) || (!is_native(name) && !is_extended(name))) {
		d = diag_add_key(out, rule_get("resource-name-invalid"), q,
				 "Invalid value: \"%s\": doesn't follow extended resource name standard; %s",
				 name, refused_effect(pods));
		diag_hint(out, d, "an extended resource is DOMAIN/NAME in lower case, e.g. nvidia.com/gpu");
	}
done:
	free(name);
}

struct resource_entry {
	const struct doc_node *node;
	long double value;
	int ok;
};

/* The quantities of one map (limits or requests), checked one by one. */
static size_t read_quantities(const struct rule_ctx *ctx,
			      const struct trial_pods *pods,
			      const struct doc_node *map,
			      struct resource_entry *e, struct diag_list *out)
{
	const struct doc_node *q;
	size_t nr = 0;

	for (q = map->child; q; q = q->next) {
		struct resource_entry *r = &e[nr++];
		char *name;

		r->node = q;
		r->ok = 0;
		check_resource_name(pods, q, out);
		if (q->kind == DOC_NULL || q->kind == DOC_MAP || q->kind == DOC_SEQ ||
		    q->kind == DOC_BOOL || strstr(q->text, "${") || strstr(q->text, "$("))
			continue;	/* type-mismatch or a placeholder */
		if (node_quantity(q, &r->value)) {
			struct buf hint = BUF_INIT;
			struct diag *d;

			d = diag_add(out, rule_get("resource-quantity-invalid"), q,
				     "'%s' is not a quantity: quantities must match the regular expression '%s'; %s",
				     q->text, QUANTITY_REGEXP,
				     /* validateTrialJob decodes the Job since v0.15. */
				     pods->kind == TRIAL_PODS_JOB && ctx->config->minor >= 15
					     ? "Katib cannot decode the trial Job and refuses the Experiment"
					     : refused_effect(pods));
			suggest_suffix(q->text, &hint);
			diag_hint(out, d, "%s", hint.len ? hint.buf
					: "a quantity is a number with an optional suffix: m, k, M, G, T, Ki, Mi, Gi, Ti or an exponent (e.g. 500m, 4Gi, 1e3)");
			buf_release(&hint);
			continue;
		}
		name = xstrndup(q->key, q->key_len);
		if (r->value < 0) {
			diag_hint(out, diag_add(out, rule_get("resource-quantity-invalid"), q,
						"Invalid value: \"%s\": must be greater than or equal to 0; %s",
						q->text, refused_effect(pods)),
				  "resources are amounts: remove the sign");
		} else if (is_extended(name) && floorl(r->value) != r->value) {
			diag_hint(out, diag_add(out, rule_get("resource-quantity-invalid"), q,
						"Invalid value: \"%s\": must be an integer (%s is an extended resource, allocated in whole devices); %s",
						q->text, name, refused_effect(pods)),
				  "ask for whole devices; sharing a GPU is set up in its device plugin (time-slicing, MIG), which then advertises more devices");
		} else {
			r->ok = 1;
		}
		free(name);
	}
	return nr;
}

static const struct resource_entry *entry_named(const struct resource_entry *e,
						size_t nr, const struct doc_node *like)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (e[i].node->key_len == like->key_len &&
		    !memcmp(e[i].node->key, like->key, like->key_len))
			return &e[i];
	return NULL;
}

/* ValidateResourceRequirements, for one container's resources. */
static void check_resources(const struct rule_ctx *ctx,
			    const struct trial_pods *pods,
			    const struct doc_node *res, struct diag_list *out)
{
	const struct doc_node *lim = doc_get_kind(res, "limits", DOC_MAP);
	const struct doc_node *req = doc_get_kind(res, "requests", DOC_MAP);
	struct resource_entry *le, *re;
	size_t nl = 0, nq = 0, i;
	int cpu_or_memory = 0, hugepages = 0;

	if (!lim && !req)
		return;
	le = xcalloc((lim ? lim->nr_children : 0) + 1, sizeof(*le));
	re = xcalloc((req ? req->nr_children : 0) + 1, sizeof(*re));
	if (lim)
		nl = read_quantities(ctx, pods, lim, le, out);
	if (req)
		nq = read_quantities(ctx, pods, req, re, out);
	for (i = 0; i < nl + nq; i++) {
		const struct doc_node *n = i < nl ? le[i].node : re[i - nl].node;

		if ((n->key_len == 3 && !memcmp(n->key, "cpu", 3)) ||
		    (n->key_len == 6 && !memcmp(n->key, "memory", 6)))
			cpu_or_memory = 1;
		if (n->key_len > 10 && !memcmp(n->key, "hugepages-", 10))
			hugepages = 1;
	}
	for (i = 0; i < nq; i++) {
		const struct resource_entry *r = &re[i], *l = entry_named(le, nl, r->node);
		char *name = xstrndup(r->node->key, r->node->key_len);
		struct diag *d;

		if (!l && no_overcommit(name)) {
			d = diag_add_key(out, rule_get("resource-limit-mismatch"), r->node,
					 "Required value: Limit must be set for non overcommitable resources (%s has a request and no limit); %s",
					 name, refused_effect(pods));
			diag_hint(out, d, "put %s under limits: the request then defaults to the limit", name);
		} else if (l && r->ok && l->ok && r->value != l->value && no_overcommit(name)) {
			d = diag_add(out, rule_get("resource-limit-mismatch"), r->node,
				     "Invalid value: \"%s\": must be equal to %s limit of %s; %s",
				     r->node->text, name, l->node->text, refused_effect(pods));
			diag_hint(out, d, "%s cannot be overcommitted: give the same amount in requests and limits, or only a limit", name);
		} else if (l && r->ok && l->ok && r->value > l->value) {
			d = diag_add(out, rule_get("resource-limit-mismatch"), r->node,
				     "Invalid value: \"%s\": must be less than or equal to %s limit of %s; %s",
				     r->node->text, name, l->node->text, refused_effect(pods));
			diag_hint(out, d, "raise the limit or lower the request");
		}
		free(name);
	}
	if (hugepages && !cpu_or_memory)
		diag_hint(out, diag_add_key(out, rule_get("resource-limit-mismatch"), res,
					    "Forbidden: HugePages require cpu or memory; %s",
					    refused_effect(pods)),
			  "add a memory limit beside the hugepages");
	free(le);
	free(re);
}

static void check_container(const struct rule_ctx *ctx,
			    const struct trial_pods *pods,
			    const struct doc_node *c, struct diag_list *out)
{
	const struct doc_node *res = doc_get_kind(c, "resources", DOC_MAP);

	/* Tekton v1 steps call it computeResources. */
	if (!res && pods->kind == TRIAL_PODS_TEKTON)
		res = doc_get_kind(c, "computeResources", DOC_MAP);
	if (res)
		check_resources(ctx, pods, res, out);
}

/* The init containers of pod, which trial_pods does not list. */
static const struct doc_node *init_containers(const struct trial_pod *pod)
{
	return doc_get_kind(pod->pod_spec, "initContainers", DOC_SEQ);
}

void check_workload(const struct rule_ctx *ctx, const struct trial_pods *pods,
		    struct diag_list *out)
{
	size_t i, j;
	const struct doc_node *c;

	for (i = 0; i < pods->nr; i++) {
		const struct trial_pod *pod = &pods->pod[i];
		const struct doc_node *inits = init_containers(pod);

		for (j = 0; j < pod->nr_containers; j++)
			check_container(ctx, pods, pod->containers[j].node, out);
		for (c = inits ? inits->child : NULL; c; c = c->next)
			if (c->kind == DOC_MAP)
				check_container(ctx, pods, c, out);
	}
}
