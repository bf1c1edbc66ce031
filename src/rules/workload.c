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
#include <inttypes.h>
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
	if (n->kind != DOC_STR)
		return -1;
	/*
	 * Quantity.UnmarshalJSON, which decodes every manifest the API
	 * server and Katib's webhook read, trims white space (TrimSpace)
	 * before ParseQuantity: " 1" is 1 (quantity_test.go TestJSONWhitespace).
	 */
	if (n->len && (isspace((unsigned char)n->text[0]) ||
		       isspace((unsigned char)n->text[n->len - 1]))) {
		size_t a = 0, b = n->len;
		char *t;
		int r;

		while (a < b && isspace((unsigned char)n->text[a]))
			a++;
		while (b > a && isspace((unsigned char)n->text[b - 1]))
			b--;
		t = xstrndup(n->text + a, b - a);
		r = parse_quantity(t, out);
		free(t);
		return r;
	}
	return parse_quantity(n->text, out);
}

/* "4GB" -> "4G or 4Gi": the suffixes people write for bytes. */
static void suggest_suffix(const char *s, struct buf *out)
{
	const char *p = s;
	char c;

	while (*p == '+' || *p == '-' || *p == '.' || isdigit((unsigned char)*p))
		p++;
	c = (char)toupper((unsigned char)*p);
	/* strchr() finds the terminating NUL too: "1.2.3" has no suffix. */
	if (p == s || !c || !strchr("KMGTPE", c))
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

/*
 * IsQualifiedName, as for a label key (rules/metadata.c): a DNS-1123
 * subdomain prefix checked label by label ("example..com" is none).
 */
static int qualified_name(const char *s)
{
	const char *msgs[K8S_MAX_PROBLEMS];

	return !k8s_label_key_problems(s, strlen(s), msgs);
}

static const char *const standard_resources[] = {
	"cpu", "memory", "ephemeral-storage", NULL
};

/* validateContainerResourceName */
static void check_resource_name(const struct trial_pods *pods,
				const struct doc_node *q, struct diag_list *out)
{
	char *name = xstrndup(q->key, q->key_len);
	/* A NUL would end name early: such a key is no resource name. */
	int nul = memchr(q->key, '\0', q->key_len) != NULL;
	const char *fix = NULL;
	struct diag *d = NULL;
	struct buf shown = BUF_INIT;

	doc_add_key(&shown, q->key, q->key_len);
	if (!memchr(q->key, '/', q->key_len)) {
		if (!nul && (is_hugepages(name) ||
			     !strcmp(name, "cpu") || !strcmp(name, "memory") ||
			     !strcmp(name, "ephemeral-storage")))
			goto done;
		d = diag_add_key(out, rule_get("resource-name-invalid"), q,
				 "Invalid value: \"%s\": must be a standard resource for containers; %s",
				 shown.buf, refused_effect(pods));
		fix = case_only_match(name, standard_resources);
		if (fix)
			diag_hint(out, d, "did you mean '%s'?", fix);
		else if (strstr(name, "gpu"))
			diag_hint(out, d, "a GPU is an extended resource named by its vendor's device plugin, e.g. nvidia.com/gpu or amd.com/gpu");
		else
			diag_hint(out, d, "use cpu, memory, ephemeral-storage, hugepages-<size>, or an extended resource such as nvidia.com/gpu");
	} else if (nul || !qualified_name(name) || (!is_native(name) && !is_extended(name))) {
		d = diag_add_key(out, rule_get("resource-name-invalid"), q,
				 "Invalid value: \"%s\": doesn't follow extended resource name standard; %s",
				 shown.buf, refused_effect(pods));
		/* The prefix a ResourceQuota gives a resource it limits. */
		if (!nul && !strncmp(name, "requests.", 9) && qualified_name(name + 9) &&
		    is_extended(name + 9))
			diag_hint(out, d, "'requests.' is how a ResourceQuota names a resource, not a container: write '%s'",
				  name + 9);
		else
			diag_hint(out, d, "an extended resource is DOMAIN/NAME in lower case, e.g. nvidia.com/gpu");
	}
done:
	buf_release(&shown);
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

/* ---- enumerated values (validatePullPolicy, validateDNSPolicy, ...) ---- */

static const char *const pull_policies[] = { "Always", "IfNotPresent", "Never", NULL };
static const char *const message_policies[] = { "File", "FallbackToLogsOnError", NULL };
static const char *const dns_policies[] = {
	"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None", NULL
};
static const char *const restart_policies[] = { "Always", "OnFailure", "Never", NULL };
static const char *const protocols[] = { "TCP", "UDP", "SCTP", NULL };

static void check_enum_as(const struct trial_pods *pods, const struct doc_node *map,
			  const char *key, const char *const *values,
			  const char *rule_id, struct diag_list *out)
{
	const struct doc_node *n = doc_get(map, key);
	const char *v = doc_str(n), *fix;
	struct buf list = BUF_INIT;
	struct diag *d;
	size_t i;

	if (!v || strstr(v, "${") || strstr(v, "$(") || katib_config_has(values, v))
		return;	/* absent (defaulted), or the type rule's, or fine */
	for (i = 0; values[i]; i++)
		buf_addf(&list, "%s\"%s\"", i ? ", " : "", values[i]);
	d = diag_add(out, rule_get(rule_id), n,
		     "%s: Unsupported value: \"%s\": supported values: %s; %s",
		     key, v, list.buf, refused_effect(pods));
	fix = case_only_match(v, values);
	if (fix) {
		diag_hint(out, d, "did you mean '%s'? (the API server compares exactly)", fix);
		diag_fix(out, d, FIX_SET_VALUE, n, NULL, NULL, fix);
	} else if ((fix = nearest_word(v, values))) {
		/* A typo: likely, not certain, so a hint and no fix. */
		diag_hint(out, d, "did you mean '%s'? (supported values: %s)", fix, list.buf);
	} else {
		diag_hint(out, d, "use one of %s", list.buf);
	}
	buf_release(&list);
}

/*
 * The API server's defaulting fills each of these in when it is empty
 * (SetDefaults_Container, _ContainerPort, _PodSpec, _HTTPGetAction), so
 * "" is as good as absent and never reaches validation.
 */
static void check_defaulted_enum_as(const struct trial_pods *pods,
				    const struct doc_node *map, const char *key,
				    const char *const *values, const char *rule_id,
				    struct diag_list *out)
{
	const char *v = doc_get_str(map, key);

	if (!v || *v)
		check_enum_as(pods, map, key, values, rule_id, out);
}

static void check_enum(const struct trial_pods *pods, const struct doc_node *map,
		       const char *key, const char *const *values,
		       struct diag_list *out)
{
	check_defaulted_enum_as(pods, map, key, values, "pod-value-unsupported", out);
}

/* ---- names (k8s.io/apimachinery/pkg/util/validation) ---- */

/* IsDNS1123Label; NULL or what is wrong. */
static const char *dns_label_problem(const char *s)
{
	size_t n = strlen(s), i;

	if (n > 63)
		return "must be no more than 63 characters";
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
		    s[i] != '-')
			break;
	if (!n || i < n || s[0] == '-' || s[n - 1] == '-')
		return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
	return NULL;
}

/* IsValidPortName (IANA_SVC_NAME); NULL or what is wrong. */
static const char *port_name_problem(const char *s)
{
	size_t n = strlen(s), i;
	int letter = 0;

	if (n > 15)
		return "must be no more than 15 characters";
	for (i = 0; i < n; i++) {
		if (islower((unsigned char)s[i]))
			letter = 1;
		else if (!isdigit((unsigned char)s[i]) && s[i] != '-')
			return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
	}
	if (strstr(s, "--"))
		return "must not contain consecutive hyphens";
	if (!letter)
		return "must contain at least one letter (a-z)";
	if (s[0] == '-' || s[n - 1] == '-')
		return "must not begin or end with a hyphen";
	return NULL;
}

static int has_placeholder(const char *s)
{
	return strstr(s, "${") || strstr(s, "$(");
}

/* Is there an earlier item of list before `item` whose key equals its? */
static const struct doc_node *earlier_with(const struct doc_node *first,
					   const struct doc_node *item,
					   const char *key, const char *value)
{
	const struct doc_node *c;

	for (c = first; c && c != item; c = c->next) {
		const char *v = doc_get_str(c, key);

		if (v && !strcmp(v, value))
			return c;
	}
	return NULL;
}

static void check_container_name(const struct trial_pods *pods,
				 const struct doc_node *c,
				 const struct doc_node *const *lists,
				 struct diag_list *out)
{
	const struct doc_node *n = doc_get(c, "name");
	const char *name = doc_str(n), *why;
	size_t l;

	if (!n) {
		diag_hint(out, diag_add_missing(out, rule_get("container-name-invalid"), c, "name",
						"name: Required value; %s", refused_effect(pods)),
			  "give every container a name");
		return;
	}
	if (!name || has_placeholder(name))
		return;
	if ((why = dns_label_problem(name))) {
		diag_hint(out, diag_add(out, rule_get("container-name-invalid"), n,
					"name: Invalid value: \"%s\": %s; %s",
					name, why, refused_effect(pods)),
			  "container names are lower case letters, digits and '-'");
		return;
	}
	/* Names are unique across init and regular containers. */
	for (l = 0; lists[l]; l++) {
		if (earlier_with(lists[l]->child, c, "name", name)) {
			diag_hint(out, diag_add(out, rule_get("container-name-invalid"), n,
						"name: Duplicate value: \"%s\"; %s",
						name, refused_effect(pods)),
				  "give each container of a pod its own name");
			return;
		}
		if (c->parent == lists[l])
			return;
	}
}

static void check_ports(const struct trial_pods *pods,
			const struct doc_node *c, struct diag_list *out)
{
	const struct doc_node *ports = doc_get_kind(c, "ports", DOC_SEQ), *p;

	for (p = ports ? ports->child : NULL; p; p = p->next) {
		const struct doc_node *cp = doc_get(p, "containerPort");
		const struct doc_node *nn = doc_get(p, "name");
		const char *name = doc_str(nn), *why;
		int64_t v;

		if (!cp)
			diag_add_missing(out, rule_get("container-port-invalid"), p, "containerPort",
					 "containerPort: Required value; %s", refused_effect(pods));
		else if (!doc_int(cp, &v) && (v < 1 || v > 65535))
			diag_add(out, rule_get("container-port-invalid"), cp,
				 "containerPort: Invalid value: %" PRId64 ": must be between 1 and 65535, inclusive; %s",
				 v, refused_effect(pods));
		/* validateContainerPorts: a hostPort is optional (0), else a port. */
		if (!doc_int(doc_get(p, "hostPort"), &v) && v && (v < 1 || v > 65535))
			diag_add(out, rule_get("container-port-invalid"), doc_get(p, "hostPort"),
				 "hostPort: Invalid value: %" PRId64 ": must be between 1 and 65535, inclusive; %s",
				 v, refused_effect(pods));
		check_enum(pods, p, "protocol", protocols, out);
		/* An empty name is no name: the server checks names that are set. */
		if (!name || !*name || has_placeholder(name))
			continue;
		if ((why = port_name_problem(name)))
			diag_add(out, rule_get("container-port-invalid"), nn,
				 "name: Invalid value: \"%s\": %s; %s", name, why,
				 refused_effect(pods));
		else if (earlier_with(ports->child, p, "name", name))
			diag_add(out, rule_get("container-port-invalid"), nn,
				 "name: Duplicate value: \"%s\"; %s", name,
				 refused_effect(pods));
	}
}

/* A port's hostIP/protocol/hostPort, the protocol defaulted as the server does. */
static int host_port_key(const struct doc_node *port, struct buf *out)
{
	const char *ip = doc_get_str(port, "hostIP"), *proto = doc_get_str(port, "protocol");
	int64_t n;

	if (doc_int(doc_get(port, "hostPort"), &n) || !n)
		return -1;
	buf_reset(out);
	buf_addf(out, "%s/%s/%" PRId64, ip ? ip : "", proto && *proto ? proto : "TCP", n);
	return 0;
}

static const struct doc_node *first_port(const struct doc_node *container)
{
	const struct doc_node *ports = doc_get_kind(container, "ports", DOC_SEQ);

	return ports ? ports->child : NULL;
}

/* Is there a port before `port`, in any of the containers, with this key? */
static int host_port_taken(const struct doc_node *containers,
			   const struct doc_node *port, const char *key)
{
	const struct doc_node *c, *p;
	struct buf other = BUF_INIT;
	int taken = 0;

	for (c = containers->child; c; c = c->next)
		for (p = first_port(c); p; p = p->next) {
			if (p == port)
				goto done;
			if (!host_port_key(p, &other) && !strcmp(key, other.buf)) {
				taken = 1;
				goto done;
			}
		}
done:
	buf_release(&other);
	return taken;
}

/*
 * checkHostPortConflicts: no two ports of the pod's containers take the
 * same hostIP/protocol/hostPort.
 */
static void check_host_ports(const struct trial_pods *pods,
			     const struct doc_node *containers, struct diag_list *out)
{
	const struct doc_node *c, *p;
	struct buf key = BUF_INIT;

	for (c = containers ? containers->child : NULL; c; c = c->next)
		for (p = first_port(c); p; p = p->next)
			if (!host_port_key(p, &key) && host_port_taken(containers, p, key.buf))
				diag_hint(out, diag_add(out, rule_get("container-port-invalid"), doc_get(p, "hostPort"),
							"hostPort: Duplicate value: \"%s\"; %s",
							key.buf, refused_effect(pods)),
					  "two ports of a pod cannot take the same host port and protocol: drop hostPort (a trial seldom needs one) or use another");
	buf_release(&key);
}

/*
 * A 'volumes' list one level off (in the pod template or the container)
 * that declares name: the mount is right, the list misplaced.
 */
static const struct doc_node *misplaced_volumes(const struct doc_node *pod_spec,
						const struct doc_node *c,
						const char *name)
{
	const struct doc_node *where[2], *v;
	size_t i;

	where[0] = doc_get_kind(pod_spec->parent, "volumes", DOC_SEQ);
	where[1] = doc_get_kind(c, "volumes", DOC_SEQ);
	for (i = 0; i < 2; i++)
		if ((v = where[i]) && earlier_with(v->child, NULL, "name", name))
			return v;
	return NULL;
}

/* Every volumeMount names a volume of the pod (validateVolumeMounts). */
static void check_mounts(const struct trial_pods *pods,
			 const struct doc_node *pod_spec,
			 const struct doc_node *c, struct diag_list *out)
{
	const struct doc_node *mounts = doc_get_kind(c, "volumeMounts", DOC_SEQ), *m;
	const struct doc_node *volumes = doc_get(pod_spec, "volumes");

	if (volumes && volumes->kind != DOC_SEQ)
		return;	/* the type rule reports it */
	for (m = mounts ? mounts->child : NULL; m; m = m->next) {
		const struct doc_node *nn = doc_get(m, "name");
		const char *name = doc_str(nn);
		const struct doc_node *elsewhere;
		struct diag *d;

		if (!name || has_placeholder(name) ||
		    (volumes && earlier_with(volumes->child, NULL, "name", name)))
			continue;
		d = diag_add(out, rule_get("volume-mount-unknown"), nn,
			     "name: Not found: \"%s\": no volume of the pod has that name; %s",
			     name, refused_effect(pods));
		if ((elsewhere = misplaced_volumes(pod_spec, c, name)))
			diag_hint(out, d, "'%s' is declared in the 'volumes' at line %u, where the API server does not look: move that list into the pod spec, beside 'containers'",
				  name, (unsigned)elsewhere->key_span.start.line);
		else
			diag_hint(out, d, "declare the volume under the pod spec's volumes (beside containers), or mount one that is declared");
	}
}

/* The fields of core/v1 VolumeSource: each is one kind of volume. */
static const char *const volume_sources[] = {
	"awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder",
	"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "fc",
	"flexVolume", "flocker", "gcePersistentDisk", "gitRepo", "glusterfs",
	"hostPath", "image", "iscsi", "nfs", "persistentVolumeClaim",
	"photonPersistentDisk", "portworxVolume", "projected", "quobyte", "rbd",
	"scaleIO", "secret", "storageos", "vsphereVolume", NULL
};

static int is_volume_source(const struct doc_node *k)
{
	size_t i;

	for (i = 0; volume_sources[i]; i++)
		if (doc_is_key(k, volume_sources[i]))
			return 1;
	return 0;
}

/* validateVolumes: names are DNS labels, unique, and each has one source. */
static void check_volumes(const struct trial_pods *pods,
			  const struct doc_node *pod_spec, struct diag_list *out)
{
	const struct doc_node *volumes = doc_get_kind(pod_spec, "volumes", DOC_SEQ), *v, *k;

	for (v = volumes ? volumes->child : NULL; v; v = v->next) {
		const struct doc_node *nn = doc_get(v, "name");
		const char *name = doc_str(nn), *why;
		size_t sources = 0;

		if (v->kind != DOC_MAP)
			continue;
		for (k = v->child; k; k = k->next)
			if (!k->shadowed && is_volume_source(k))
				sources++;
		if (!nn)
			diag_add_missing(out, rule_get("volume-invalid"), v, "name",
					 "name: Required value; %s", refused_effect(pods));
		else if (name && !has_placeholder(name) && (why = dns_label_problem(name)))
			diag_add(out, rule_get("volume-invalid"), nn,
				 "name: Invalid value: \"%s\": %s; %s", name, why,
				 refused_effect(pods));
		else if (name && earlier_with(volumes->child, v, "name", name))
			diag_add(out, rule_get("volume-invalid"), nn,
				 "name: Duplicate value: \"%s\"; %s", name,
				 refused_effect(pods));
		if (!sources)
			diag_hint(out, diag_add_key(out, rule_get("volume-invalid"), v,
						    "Required value: must specify a volume type; %s",
						    refused_effect(pods)),
				  "give the volume one source: emptyDir: {}, persistentVolumeClaim, configMap, secret, ...");
		else if (sources > 1)
			diag_hint(out, diag_add_key(out, rule_get("volume-invalid"), v,
						    "Forbidden: may not specify more than 1 volume type; %s",
						    refused_effect(pods)),
				  "split it into one volume per source, or indent the extra field under the source it belongs to");
	}
}

/* ---- where the pods may run: nodeSelector and tolerations ---- */

static const char *const toleration_operators[] = { "Equal", "Exists", NULL };
/* validateTaintEffect's order, which its message keeps. */
static const char *const taint_effects[] = { "NoSchedule", "PreferNoSchedule", "NoExecute", NULL };

static int is_placeholder_text(const char *s)
{
	return s && (strstr(s, "${") || strstr(s, "$("));
}

/* ValidatePodSpec: the nodeSelector is validated as labels are (ValidateLabels). */
static void check_node_selector(const struct trial_pods *pods,
				const struct doc_node *pod_spec, struct diag_list *out)
{
	const struct doc_node *sel = doc_get_kind(pod_spec, "nodeSelector", DOC_MAP), *l;
	const char *msgs[K8S_MAX_PROBLEMS];
	struct buf shown = BUF_INIT;
	size_t i, nr;

	for (l = sel ? sel->child : NULL; l; l = l->next) {
		const char *v = doc_str(l);

		if (l->shadowed || !l->key || is_placeholder_text(l->key))
			continue;
		nr = k8s_label_key_problems(l->key, l->key_len, msgs);
		buf_reset(&shown);
		doc_add_key(&shown, l->key, l->key_len);
		for (i = 0; i < nr; i++)
			diag_hint(out, diag_add_key(out, rule_get("node-placement-invalid"), l,
						    "nodeSelector: Invalid value: \"%s\": %s; %s",
						    shown.buf, msgs[i], refused_effect(pods)),
				  "a node label key is NAME or DOMAIN/NAME, as kubectl get nodes --show-labels lists them");
		if (!v || is_placeholder_text(v))
			continue;
		nr = k8s_label_value_problems(v, l->len, msgs);
		buf_reset(&shown);
		doc_add_key(&shown, v, l->len);
		for (i = 0; i < nr; i++)
			diag_hint(out, diag_add(out, rule_get("node-placement-invalid"), l,
						"nodeSelector: Invalid value: \"%s\": %s; %s",
						shown.buf, msgs[i], refused_effect(pods)),
				  "a node label value is at most 63 letters, digits, '-', '_' or '.'");
	}
	buf_release(&shown);
}

/*
 * The toleration as Go prints a core.Toleration ("%#v"), which is how the
 * API server shows it in the one message that names the whole toleration.
 * A tolerationSeconds shows as a pointer, whose address is the server's.
 */
static void go_toleration(struct buf *b, const struct doc_node *t)
{
	const char *k = doc_get_str(t, "key"), *op = doc_get_str(t, "operator");
	const char *v = doc_get_str(t, "value"), *e = doc_get_str(t, "effect");
	const struct doc_node *secs = doc_get(t, "tolerationSeconds");

	buf_addf(b, "core.Toleration{Key:\"%s\", Operator:\"%s\", Value:\"%s\", Effect:\"%s\", TolerationSeconds:(*int64)(%s)}",
		 k ? k : "", op ? op : "", v ? v : "", e ? e : "",
		 secs && secs->kind != DOC_NULL ? "0x..." : "nil");
}

/* ValidateTolerations and validateTaintEffect, in their order. */
static void check_tolerations(const struct trial_pods *pods,
			      const struct doc_node *pod_spec, struct diag_list *out)
{
	const struct doc_node *list = doc_get_kind(pod_spec, "tolerations", DOC_SEQ), *t;
	const struct rule *r;

	if (!list)
		return;
	r = rule_get("node-placement-invalid");
	for (t = list->child; t; t = t->next) {
		const struct doc_node *kn = doc_get(t, "key"), *on = doc_get(t, "operator");
		const struct doc_node *vn = doc_get(t, "value"), *en = doc_get(t, "effect");
		const struct doc_node *secs = doc_get(t, "tolerationSeconds");
		const char *key = doc_str(kn), *op = doc_str(on), *val = doc_str(vn);
		const char *effect = doc_str(en), *msgs[K8S_MAX_PROBLEMS];
		const struct doc_node *at = on ? on : t;
		size_t i, nr;

		if (t->kind != DOC_MAP || is_placeholder_text(key) || is_placeholder_text(op) ||
		    is_placeholder_text(val) || is_placeholder_text(effect))
			continue;
		if (!op)
			op = "";
		if (!val)
			val = "";
		if (key && *key) {
			nr = k8s_label_key_problems(key, strlen(key), msgs);
			for (i = 0; i < nr; i++)
				diag_add(out, r, kn, "key: Invalid value: \"%s\": %s; %s",
					 key, msgs[i], refused_effect(pods));
		} else if (strcmp(op, "Exists")) {
			struct diag *d = at == t
				? diag_add_key(out, r, t, "operator: Invalid value: \"%s\": operator must be Exists when `key` is empty, which means \"match all values and all keys\"; %s",
					       op, refused_effect(pods))
				: diag_add(out, r, at, "operator: Invalid value: \"%s\": operator must be Exists when `key` is empty, which means \"match all values and all keys\"; %s",
					   op, refused_effect(pods));

			diag_hint(out, d, "name the taint's key, or write operator: Exists to tolerate every taint");
		}
		if (secs && secs->kind != DOC_NULL && (!effect || strcmp(effect, "NoExecute")))
			diag_hint(out, en ? diag_add(out, r, en, "effect: Invalid value: \"%s\": effect must be 'NoExecute' when `tolerationSeconds` is set; %s",
						     effect ? effect : "", refused_effect(pods))
					  : diag_add_key(out, r, secs, "effect: Invalid value: \"\": effect must be 'NoExecute' when `tolerationSeconds` is set; %s",
							 refused_effect(pods)),
				  "tolerationSeconds says how long a pod stays on a node tainted NoExecute: set effect: NoExecute, or remove tolerationSeconds");
		if (!*op || !strcmp(op, "Equal")) {
			nr = k8s_label_value_problems(val, strlen(val), msgs);
			if (nr) {
				struct buf joined = BUF_INIT;

				/* The server joins the messages with ";" and names the operator. */
				for (i = 0; i < nr; i++)
					buf_addf(&joined, "%s%s", i ? ";" : "", msgs[i]);
				diag_add(out, r, vn, "operator: Invalid value: \"%s\": %s; %s",
					 val, joined.buf, refused_effect(pods));
				buf_release(&joined);
			}
		} else if (!strcmp(op, "Exists")) {
			if (*val) {
				struct buf go = BUF_INIT;

				go_toleration(&go, t);
				diag_hint(out, diag_add(out, r, vn, "operator: Invalid value: %s: value must be empty when `operator` is 'Exists'; %s",
							go.buf, refused_effect(pods)),
					  "Exists matches any value: remove value, or use operator: Equal to match this one");
				buf_release(&go);
			}
		} else {
			check_enum_as(pods, t, "operator", toleration_operators, "node-placement-invalid", out);
		}
		if (effect && *effect)
			check_enum_as(pods, t, "effect", taint_effects, "node-placement-invalid", out);
	}
}

/* ---- env and envFrom (ValidateEnv, ValidateEnvFrom) ---- */

/* RelaxedEnvironmentVariableValidation: beta, on by default, from 1.32 (KEP-4369). */
#define RELAXED_ENV_MINOR 32

static const char env_name_strict_msg[] =
	"a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";
static const char env_name_relaxed_msg[] =
	"a valid environment variable name must consist only of printable ASCII characters other than '='";

/*
 * IsEnvVarName (up to 1.31) or IsRelaxedEnvVarName (1.32 on), in
 * k8s.io/apimachinery/pkg/util/validation/validation.go: at most 2
 * messages into msgs.
 */
static size_t env_name_problems(const char *s, int kube_minor, const char **msgs)
{
	size_t nr = 0, i;

	if (!kube_minor || kube_minor >= RELAXED_ENV_MINOR) {
		if (!*s)
			msgs[nr++] = "environment variable name must be non-empty";
		for (i = 0; s[i]; i++)
			if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f || s[i] == '=') {
				msgs[nr++] = env_name_relaxed_msg;
				break;
			}
		return nr;
	}
	if (!(isalpha((unsigned char)s[0]) || s[0] == '-' || s[0] == '.' || s[0] == '_'))
		msgs[nr++] = env_name_strict_msg;
	else
		for (i = 1; s[i]; i++)
			if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.' && s[i] != '_') {
				msgs[nr++] = env_name_strict_msg;
				break;
			}
	/* hasChDirPrefix */
	if (!strcmp(s, "."))
		msgs[nr++] = "must not be '.'";
	else if (!strcmp(s, ".."))
		msgs[nr++] = "must not be '..'";
	else if (!strncmp(s, "..", 2))
		msgs[nr++] = "must not start with '..'";
	return nr;
}

static const char *env_name_hint(int kube_minor)
{
	return !kube_minor || kube_minor >= RELAXED_ENV_MINOR
		       ? "an environment variable name is printable ASCII without '='"
		       : "before Kubernetes 1.32 a name is letters, digits, '_', '-' and '.', not starting with a digit (MY_VAR); 1.32 and later accept any printable ASCII but '='";
}

static size_t count_keys(const struct doc_node *map, const char *const *keys)
{
	size_t n = 0, i;

	for (i = 0; keys[i]; i++) {
		const struct doc_node *v = doc_get(map, keys[i]);

		n += v && v->kind != DOC_NULL;
	}
	return n;
}

static void check_env(const struct rule_ctx *ctx, const struct trial_pods *pods,
		      const struct doc_node *c, struct diag_list *out)
{
	static const char *const value_sources[] = {
		"fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", NULL
	};
	static const char *const env_sources[] = { "configMapRef", "secretRef", NULL };
	const struct doc_node *env = doc_get_kind(c, "env", DOC_SEQ), *e;
	const struct doc_node *env_from = doc_get_kind(c, "envFrom", DOC_SEQ);
	int kube_minor = ctx->config->kube_minor;
	const struct rule *r;
	const char *msgs[4];
	size_t i, nr;

	/* Every container of every document comes here; most have no env. */
	if (!env && !env_from)
		return;
	r = rule_get("env-invalid");

	for (e = env ? env->child : NULL; e; e = e->next) {
		const struct doc_node *nn = doc_get(e, "name"), *vf = doc_get(e, "valueFrom");
		const char *name = doc_str(nn), *value = doc_get_str(e, "value");

		if (e->kind != DOC_MAP)
			continue;
		if (!nn || (name && !*name)) {
			diag_hint(out, nn ? diag_add(out, r, nn, "name: Required value; %s", refused_effect(pods))
					  : diag_add_missing(out, r, e, "name", "name: Required value; %s",
							     refused_effect(pods)),
				  "give the variable a name: - name: MY_VAR");
		} else if (name && !has_placeholder(name)) {
			nr = env_name_problems(name, kube_minor, msgs);
			for (i = 0; i < nr; i++)
				diag_hint(out, diag_add(out, r, nn, "name: Invalid value: \"%s\": %s; %s",
							name, msgs[i], refused_effect(pods)),
					  "%s", env_name_hint(kube_minor));
		}
		if (!vf || vf->kind != DOC_MAP)
			continue;
		nr = count_keys(vf, value_sources);
		if (!nr)
			diag_hint(out, diag_add_key(out, r, vf, "valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`; %s",
						    refused_effect(pods)),
				  "say where the value comes from: valueFrom: {secretKeyRef: {name: ..., key: ...}}");
		else if (value && *value)
			diag_hint(out, diag_add_key(out, r, vf, "valueFrom: Invalid value: \"\": may not be specified when `value` is not empty; %s",
						    refused_effect(pods)),
				  "keep value or valueFrom, not both");
		else if (nr > 1)
			diag_hint(out, diag_add_key(out, r, vf, "valueFrom: Invalid value: \"\": may not have more than one field specified at a time; %s",
						    refused_effect(pods)),
				  "one source per variable: split it into two variables");
	}
	for (e = env_from ? env_from->child : NULL; e; e = e->next) {
		const struct doc_node *pn = doc_get(e, "prefix");
		const char *prefix = doc_str(pn);

		if (e->kind != DOC_MAP)
			continue;
		if (prefix && *prefix && !has_placeholder(prefix)) {
			nr = env_name_problems(prefix, kube_minor, msgs);
			for (i = 0; i < nr; i++)
				diag_hint(out, diag_add(out, r, pn, "prefix: Invalid value: \"%s\": %s; %s",
							prefix, msgs[i], refused_effect(pods)),
					  "%s", env_name_hint(kube_minor));
		}
		/* The server names the list, not the entry, in these two. */
		nr = count_keys(e, env_sources);
		if (!nr)
			diag_hint(out, diag_add_key(out, r, e, "envFrom: Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`; %s",
						    refused_effect(pods)),
				  "name the source: - configMapRef: {name: ...} or - secretRef: {name: ...}");
		else if (nr > 1)
			diag_hint(out, diag_add_key(out, r, e, "envFrom: Invalid value: \"\": may not have more than one field specified at a time; %s",
						    refused_effect(pods)),
				  "one source per entry: split it into two entries");
	}
}

/* ---- probes and lifecycle hooks (validateProbe, validateHandler, validateLifecycle) ---- */

/* IntOrString ports (validatePortNumOrName). */
static void check_handler_port(const struct trial_pods *pods, const struct doc_node *port,
			       const char *where, struct diag_list *out)
{
	const struct rule *r;
	const char *why;

	if (!port)
		return;
	r = rule_get("probe-invalid");
	if (port->kind == DOC_INT) {
		long v = strtol(port->text, NULL, 10);

		if (v < 1 || v > 65535)
			diag_hint(out, diag_add(out, r, port, "%s.port: Invalid value: %s: must be between 1 and 65535, inclusive; %s",
						where, port->text, refused_effect(pods)),
				  "give the port the container listens on, or the name of one of its ports");
	} else if (doc_str(port) && !has_placeholder(port->text) &&
		   (why = port_name_problem(port->text))) {
		diag_hint(out, diag_add(out, r, port, "%s.port: Invalid value: \"%s\": %s; %s",
					where, port->text, why, refused_effect(pods)),
			  "a port is a number, or the name of one of the container's ports");
	}
}

/* validateHTTPGetAction: each header name passes IsHTTPHeaderName. */
static void check_http_headers(const struct trial_pods *pods, const struct doc_node *get,
			       const char *where, struct diag_list *out)
{
	const struct doc_node *hs = doc_get_kind(get, "httpHeaders", DOC_SEQ), *h;

	for (h = hs ? hs->child : NULL; h; h = h->next) {
		const struct doc_node *nn = doc_get(h, "name");
		const char *name = doc_str(nn), *p;

		if (!name || has_placeholder(name))
			continue;
		for (p = name; *p && (isalnum((unsigned char)*p) || *p == '-'); p++)
			;
		if (*name && !*p)
			continue;
		diag_hint(out, diag_add(out, rule_get("probe-invalid"), nn,
					"%s.httpHeaders: Invalid value: \"%s\": a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+'); %s",
					where, name, refused_effect(pods)),
			  "a header name is letters, digits and '-': write Host, not Host:");
	}
}

/* Exactly one handler; each checked as the server checks it. */
static void check_handler(const struct trial_pods *pods, const struct doc_node *h,
			  const char *where, int lifecycle, struct diag_list *out)
{
	static const char *const probe_handlers[] = { "exec", "httpGet", "tcpSocket", "grpc", NULL };
	static const char *const hook_handlers[] = { "exec", "httpGet", "tcpSocket", "sleep", NULL };
	static const char *const schemes[] = { "HTTP", "HTTPS", NULL };
	const char *const *names = lifecycle ? hook_handlers : probe_handlers;
	const struct rule *r = rule_get("probe-invalid");
	struct buf path = BUF_INIT;
	size_t i, seen = 0;

	for (i = 0; names[i]; i++) {
		const struct doc_node *n = doc_get(h, names[i]);

		if (!n || n->kind == DOC_NULL)
			continue;
		if (seen++) {
			diag_hint(out, diag_add_key(out, r, n, "%s.%s: Forbidden: may not specify more than 1 handler type; %s",
						    where, names[i], refused_effect(pods)),
				  "keep one of %s", lifecycle ? "exec, httpGet, tcpSocket and sleep" : "exec, httpGet, tcpSocket and grpc");
			continue;
		}
		buf_reset(&path);
		buf_addf(&path, "%s.%s", where, names[i]);
		if (!strcmp(names[i], "exec")) {
			const struct doc_node *cmd = doc_get(n, "command");

			if (n->kind == DOC_MAP && (!cmd || (cmd->kind == DOC_SEQ && !cmd->child)))
				diag_hint(out, cmd ? diag_add(out, r, cmd, "%s.command: Required value; %s", path.buf, refused_effect(pods))
						   : diag_add_missing(out, r, n, "command", "%s.command: Required value; %s",
								      path.buf, refused_effect(pods)),
					  "give the command to run: exec: {command: [cat, /tmp/healthy]}");
		} else if (!strcmp(names[i], "httpGet") || !strcmp(names[i], "tcpSocket")) {
			const struct doc_node *port = doc_get(n, "port");

			if (n->kind == DOC_MAP && !port)
				diag_hint(out, diag_add_missing(out, r, n, "port", "%s.port: Invalid value: 0: must be between 1 and 65535, inclusive; %s",
								path.buf, refused_effect(pods)),
					  "give the port to connect to");
			check_handler_port(pods, port, path.buf, out);
			if (!strcmp(names[i], "httpGet")) {
				check_defaulted_enum_as(pods, n, "scheme", schemes, "probe-invalid", out);
				check_http_headers(pods, n, path.buf, out);
			}
		}
	}
	if (!seen && h->kind == DOC_MAP)
		diag_hint(out, diag_add_key(out, r, h, "%s: Required value: must specify a handler type; %s",
					    where, refused_effect(pods)),
			  lifecycle ? "give the hook one of exec, httpGet, tcpSocket or sleep"
				    : "give the probe one of exec, httpGet, tcpSocket or grpc");
	buf_release(&path);
}

static void check_probe(const struct trial_pods *pods, const struct doc_node *c,
			const char *which, struct diag_list *out)
{
	static const char *const timings[] = {
		"initialDelaySeconds", "timeoutSeconds", "periodSeconds",
		"successThreshold", "failureThreshold", NULL
	};
	const struct doc_node *p = doc_get_kind(c, which, DOC_MAP), *n;
	const struct rule *r;
	size_t i;

	if (!p)
		return;
	r = rule_get("probe-invalid");
	check_handler(pods, p, which, 0, out);
	for (i = 0; timings[i]; i++) {
		n = doc_get(p, timings[i]);
		if (n && n->kind == DOC_INT && n->text[0] == '-')
			diag_hint(out, diag_add(out, r, n, "%s.%s: Invalid value: %s: must be greater than or equal to 0; %s",
						which, timings[i], n->text, refused_effect(pods)),
				  "timings and thresholds are seconds and counts, 0 or more");
	}
	n = doc_get(p, "successThreshold");
	/* 0 is defaulted to 1 before validation; any other value must be 1. */
	if (strcmp(which, "readinessProbe") && n && n->kind == DOC_INT &&
	    strcmp(n->text, "1") && strcmp(n->text, "0") && n->text[0] != '-')
		diag_hint(out, diag_add(out, r, n, "%s.successThreshold: Invalid value: %s: must be 1; %s",
					which, n->text, refused_effect(pods)),
			  "only a readinessProbe may need several successes; remove successThreshold here");
	n = doc_get(p, "terminationGracePeriodSeconds");
	if (n && n->kind == DOC_INT) {
		if (!strcmp(which, "readinessProbe"))
			diag_hint(out, diag_add(out, r, n, "readinessProbe.terminationGracePeriodSeconds: Invalid value: %s: must not be set for readinessProbes; %s",
						n->text, refused_effect(pods)),
				  "a readiness probe never kills the container: remove terminationGracePeriodSeconds");
		else if (n->text[0] == '-' || !strcmp(n->text, "0"))
			diag_hint(out, diag_add(out, r, n, "%s.terminationGracePeriodSeconds: Invalid value: %s: must be greater than 0; %s",
						which, n->text, refused_effect(pods)),
				  "give the seconds a killed container has to stop, 1 or more");
	}
}

static void check_probes(const struct trial_pods *pods, const struct doc_node *c,
			 struct diag_list *out)
{
	const struct doc_node *lc = doc_get_kind(c, "lifecycle", DOC_MAP), *h;

	check_probe(pods, c, "livenessProbe", out);
	check_probe(pods, c, "readinessProbe", out);
	check_probe(pods, c, "startupProbe", out);
	if ((h = doc_get_kind(lc, "postStart", DOC_MAP)))
		check_handler(pods, h, "lifecycle.postStart", 1, out);
	if ((h = doc_get_kind(lc, "preStop", DOC_MAP)))
		check_handler(pods, h, "lifecycle.preStop", 1, out);
}

/* ---- security contexts (ValidateSecurityContext, validatePodSpecSecurityContext) ---- */

/* IsValidUserID and IsValidGroupID: 0 to 2147483647. */
static void check_id(const struct trial_pods *pods, const struct doc_node *map,
		     const char *key, const char *where, struct diag_list *out)
{
	const struct doc_node *n = doc_get(map, key);
	char *end;
	long long v;

	if (!n || n->kind != DOC_INT)
		return;
	v = strtoll(n->text, &end, 10);
	if (v < 0 || v > 2147483647LL)
		diag_hint(out, diag_add(out, rule_get("security-context-invalid"), n,
					"%s.%s: Invalid value: %s: must be between 0 and 2147483647, inclusive; %s",
					where, key, n->text, refused_effect(pods)),
			  "user and group ids are 0 (root) to 2147483647");
}

static void check_seccomp(const struct trial_pods *pods, const struct doc_node *sc,
			  const char *where, struct diag_list *out)
{
	static const char *const types[] = { "Localhost", "RuntimeDefault", "Unconfined", NULL };
	const struct rule *r = rule_get("security-context-invalid");
	const struct doc_node *p = doc_get_kind(sc, "seccompProfile", DOC_MAP);
	const char *type = doc_get_str(p, "type");
	const struct doc_node *lp = doc_get(p, "localhostProfile");

	if (!p)
		return;
	if (!type) {
		diag_hint(out, diag_add_missing(out, r, p, "type", "%s.seccompProfile.type: Required value; %s",
						where, refused_effect(pods)),
			  "most trials want type: RuntimeDefault");
		return;
	}
	if (!katib_config_has(types, type)) {
		check_enum_as(pods, p, "type", types, "security-context-invalid", out);
		return;
	}
	if (!strcmp(type, "Localhost") && (!lp || !doc_str(lp) || !*doc_str(lp)))
		diag_hint(out, lp ? diag_add(out, r, lp, "%s.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost; %s",
					     where, refused_effect(pods))
				  : diag_add_missing(out, r, p, "localhostProfile",
						     "%s.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost; %s",
						     where, refused_effect(pods)),
			  "name the profile file under the kubelet's seccomp directory");
	else if (strcmp(type, "Localhost") && lp && lp->kind != DOC_NULL)
		diag_hint(out, diag_add(out, r, lp, "%s.seccompProfile.localhostProfile: Invalid value: \"%s\": can only be set when seccomp type is Localhost; %s",
					where, lp->text ? lp->text : "", refused_effect(pods)),
			  "remove localhostProfile, or set type: Localhost");
}

static void check_container_security(const struct trial_pods *pods, const struct doc_node *c,
				     struct diag_list *out)
{
	static const char *const proc_mounts[] = { "Default", "Unmasked", NULL };
	const struct doc_node *sc = doc_get_kind(c, "securityContext", DOC_MAP);
	const struct doc_node *ape = doc_get(sc, "allowPrivilegeEscalation");
	const struct doc_node *priv = doc_get(sc, "privileged");

	if (!sc)
		return;
	check_id(pods, sc, "runAsUser", "securityContext", out);
	check_id(pods, sc, "runAsGroup", "securityContext", out);
	check_enum_as(pods, sc, "procMount", proc_mounts, "security-context-invalid", out);
	check_seccomp(pods, sc, "securityContext", out);
	if (ape && ape->kind == DOC_BOOL && strchr("fFnN", ape->text[0]) &&
	    priv && priv->kind == DOC_BOOL && strchr("tTyY", priv->text[0]))
		diag_hint(out, diag_add(out, rule_get("security-context-invalid"), ape,
					"securityContext: Invalid value: &core.SecurityContext{...}: cannot set `allowPrivilegeEscalation` to false and `privileged` to true; %s",
					refused_effect(pods)),
			  "a privileged container can always escalate: drop one of the two");
}

static void check_pod_security(const struct trial_pods *pods, const struct doc_node *pod_spec,
			       struct diag_list *out)
{
	const struct doc_node *sc = doc_get_kind(pod_spec, "securityContext", DOC_MAP), *g;
	const struct doc_node *groups = doc_get_kind(sc, "supplementalGroups", DOC_SEQ);

	if (!sc)
		return;
	check_id(pods, sc, "runAsUser", "securityContext", out);
	check_id(pods, sc, "runAsGroup", "securityContext", out);
	check_id(pods, sc, "fsGroup", "securityContext", out);
	for (g = groups ? groups->child : NULL; g; g = g->next) {
		char *end;
		long long v = g->kind == DOC_INT ? strtoll(g->text, &end, 10) : 0;

		if (v < 0 || v > 2147483647LL)
			diag_hint(out, diag_add(out, rule_get("security-context-invalid"), g,
						"securityContext.supplementalGroups: Invalid value: %s: must be between 0 and 2147483647, inclusive; %s",
						g->text, refused_effect(pods)),
				  "group ids are 0 to 2147483647");
	}
	check_seccomp(pods, sc, "securityContext", out);
}

static void check_container(const struct rule_ctx *ctx,
			    const struct trial_pods *pods,
			    const struct doc_node *c, struct diag_list *out)
{
	const struct doc_node *res = doc_get_kind(c, "resources", DOC_MAP);

	check_enum(pods, c, "imagePullPolicy", pull_policies, out);
	check_enum(pods, c, "terminationMessagePolicy", message_policies, out);
	check_ports(pods, c, out);
	check_env(ctx, pods, c, out);
	check_probes(pods, c, out);
	check_container_security(pods, c, out);

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

/* Each map once: Argo's podMetadata and Tekton's run labels are shared. */
static int first_visit(const struct doc_node **seen, size_t *nr,
		       const struct doc_node *n)
{
	size_t i;

	if (!n)
		return 0;
	for (i = 0; i < *nr; i++)
		if (seen[i] == n)
			return 0;
	seen[(*nr)++] = n;
	return 1;
}

/* ObjectMeta of the trial's object and of every pod it makes. */
static void check_template_metadata(const struct rule_ctx *ctx,
				    const struct trial_pods *pods,
				    struct diag_list *out)
{
	const struct doc_node *meta = doc_get_kind(ctx->exp->trial_spec, "metadata", DOC_MAP);
	const struct doc_node **seen = xcalloc(3 * pods->nr + 2, sizeof(*seen));
	const char *where = pods->kind == TRIAL_PODS_JOB ? "spec.template." : "metadata.";
	struct buf effect = BUF_INIT;
	size_t nr = 0, i;

	if (meta) {
		const struct doc_node *l = doc_get(meta, "labels");
		const struct doc_node *a = doc_get(meta, "annotations");

		first_visit(seen, &nr, l);
		first_visit(seen, &nr, a);
		if (l || a) {
			buf_addf(&effect, "the API server refuses every trial %s and the Trials stay Created",
				 *pods->kind_name ? pods->kind_name : "object");
			check_object_labels(l, a, "metadata.", effect.buf, out);
		}
	}
	for (i = 0; i < pods->nr; i++) {
		const struct trial_pod *pod = &pods->pod[i];
		const struct doc_node *l = pod->labels, *a = pod->annotations;

		if (!first_visit(seen, &nr, l))
			l = NULL;
		if (!first_visit(seen, &nr, a))
			a = NULL;
		check_object_labels(l, a, where, refused_effect(pods), out);
		if (first_visit(seen, &nr, pod->more_labels))
			check_object_labels(pod->more_labels, NULL, where,
					    refused_effect(pods), out);
	}
	buf_release(&effect);
	free(seen);
}

void check_workload(const struct rule_ctx *ctx, const struct trial_pods *pods,
		    struct diag_list *out)
{
	size_t i, j;
	const struct doc_node *c;

	check_template_metadata(ctx, pods, out);

	for (i = 0; i < pods->nr; i++) {
		const struct trial_pod *pod = &pods->pod[i];
		const struct doc_node *inits = init_containers(pod);

		const struct doc_node *lists[3] = { inits, NULL, NULL };
		/* Argo and Tekton name the containers themselves. */
		int named = pods->kind != TRIAL_PODS_ARGO && pods->kind != TRIAL_PODS_TEKTON;

		lists[inits ? 1 : 0] = doc_get_kind(pod->pod_spec, "containers", DOC_SEQ);
		for (j = 0; j < pod->nr_containers; j++) {
			c = pod->containers[j].node;
			check_container(ctx, pods, c, out);
			if (named && pod->pod_spec)
				check_container_name(pods, c, lists, out);
			if (pod->pod_spec)
				check_mounts(pods, pod->pod_spec, c, out);
		}
		for (c = inits ? inits->child : NULL; c; c = c->next) {
			if (c->kind != DOC_MAP)
				continue;
			check_container(ctx, pods, c, out);
			check_container_name(pods, c, lists, out);
			check_mounts(pods, pod->pod_spec, c, out);
		}
		if (!pod->pod_spec)
			continue;
		if (named)
			check_host_ports(pods, lists[inits ? 1 : 0], out);
		check_volumes(pods, pod->pod_spec, out);
		check_node_selector(pods, pod->pod_spec, out);
		check_pod_security(pods, pod->pod_spec, out);
		check_tolerations(pods, pod->pod_spec, out);
		check_enum(pods, pod->pod_spec, "dnsPolicy", dns_policies, out);
		/*
		 * A Job's is job-restart-policy-invalid's; the training
		 * operator sets its replicas' from the replica spec.
		 */
		if (pods->kind == TRIAL_PODS_OTHER)
			check_enum(pods, pod->pod_spec, "restartPolicy", restart_policies, out);
	}
}
