/*
 * rules/generation.c: what the experiment controller needs to turn a
 * suggestion into a trial (rules catalogue §1.10 GEN-01..03), and the names
 * the suggestion controller derives from the Experiment's name (§1.8,
 * LINT-17).  When these fail, Katib logs "Failed to reconcile" on every
 * reconcile and no trial is ever created.
 */
#include "compat.h"
#include "rules/rules.h"
#include "buf.h"
#include "doc.h"
#include "experiment.h"

#define DNS_LABEL_MAX 63
#define PBT_TRIAL_SUFFIX 37	/* "-" and a UUID4 */
#define GENERATE_NAME_SUFFIX 5

static const char *const meta_keys[] = {
	"Name", "Namespace", "Kind", "APIVersion", "Annotations", "Labels", NULL,
};

/*
 * Parses a meta reference: "${trialSpec.Labels[team]}" gives key "Labels"
 * and sub "team".  Returns 0 when ref is not of that form.
 */
static int meta_reference(const char *ref, char *key, size_t key_size,
			  char *sub, size_t sub_size)
{
	const char *p = strstr(ref, "${trialSpec."), *end, *br;
	size_t n;

	if (!p)
		return 0;
	p += strlen("${trialSpec.");
	end = strchr(p, '}');
	if (!end || end == p)
		return 0;
	n = (size_t)(end - p);
	sub[0] = '\0';
	br = memchr(p, '[', n);
	if (br && end[-1] == ']' && br > p) {
		size_t sn = (size_t)(end - 1 - br - 1);

		if (sn >= sub_size)
			sn = sub_size - 1;
		memcpy(sub, br + 1, sn);
		sub[sn] = '\0';
		n = (size_t)(br - p);
	}
	if (n >= key_size)
		n = key_size - 1;
	memcpy(key, p, n);
	key[n] = '\0';
	return 1;
}

static int is_meta_key(const char *key)
{
	const char *const *k;

	for (k = meta_keys; *k; k++)
		if (!strcmp(*k, key))
			return 1;
	return 0;
}

/* Outputs of the NAS services that trial parameters must reference. */
static const char *const *nas_outputs(const char *algorithm)
{
	static const char *const darts[] = { "algorithm-settings", "search-space",
					     "num-layers", NULL };
	static const char *const enas[] = { "architecture", "nn_config", NULL };

	if (algorithm && !strcmp(algorithm, "darts"))
		return darts;
	if (algorithm && !strcmp(algorithm, "enas"))
		return enas;
	return NULL;
}

static int in(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

static int param_named(const struct doc_node *params, const char *name)
{
	const struct doc_node *p;

	for (p = params ? params->child : NULL; p; p = p->next)
		if (doc_get_str(p, "name") && !strcmp(doc_get_str(p, "name"), name))
			return 1;
	return 0;
}

/* Every trial parameter has a name and a reference to a known, unique target. */
static int trial_parameters_sound(const struct experiment *e)
{
	const struct doc_node *tp = e->trial_parameters, *p, *q;
	char key[64], sub[256];

	if (!tp || !tp->nr_children)
		return 0;
	for (p = tp->child; p; p = p->next) {
		const char *ref = doc_get_str(p, "reference");
		const char *name = doc_get_str(p, "name");

		if (!ref || !*ref || !name || !*name)
			return 0;
		if (!meta_reference(ref, key, sizeof(key), sub, sizeof(sub)) &&
		    !param_named(e->parameters, ref))
			return 0;
		for (q = tp->child; q != p; q = q->next)
			if (doc_get_str(q, "reference") &&
			    !strcmp(doc_get_str(q, "reference"), ref))
				return 0;
	}
	return 1;
}

void check_generation(const struct rule_ctx *ctx, struct diag_list *out)
{
	const struct experiment *e = ctx->exp;
	const struct doc_node *tp = e->trial_parameters, *p, *q;
	const struct doc_node *meta = doc_get_kind(e->trial_spec, "metadata", DOC_MAP);
	const char *const *outputs = e->nas_config ? nas_outputs(e->algorithm_name) : NULL;
	char key[64], sub[256];

	for (p = tp ? tp->child : NULL; p; p = p->next) {
		const struct doc_node *refn = doc_get(p, "reference");
		const char *ref = doc_str(refn);

		if (!ref || !*ref)
			continue;
		if (meta_reference(ref, key, sizeof(key), sub, sizeof(sub))) {
			const char *where = !strcmp(key, "Labels") ? "labels"
					  : !strcmp(key, "Annotations") ? "annotations" : NULL;

			if (!is_meta_key(key)) {
				if (!e->parameters || !e->parameters->nr_children)
					diag_hint(out, diag_add(out, rule_get("trial-parameter-meta-unresolvable"), refn,
								"'%s' is not a trial metadata reference Katib knows; trials are never created",
								ref),
						  "use ${trialSpec.Name}, Namespace, Kind, APIVersion, Labels[key] or Annotations[key]");
			} else if (where && !*sub && !strchr(ref, '[')) {
				/*
				 * Katib keeps the key of the previous such reference
				 * (generator.go's metaRefIndex outlives its loop), or
				 * none: a value from another label, or no trials.
				 */
				diag_hint(out, diag_add(out, rule_get("trial-parameter-meta-unresolvable"), refn,
							"'%s' names no key of the trialSpec's %s: Katib takes the key of an earlier such reference instead, or with none never creates trials",
							ref, where),
					  "name the key: ${trialSpec.%s[KEY]}", key);
			} else if (where && e->trial_spec &&
				   !doc_get(doc_get_kind(meta, where, DOC_MAP), sub)) {
				diag_hint(out, diag_add(out, rule_get("trial-parameter-meta-unresolvable"), refn,
							"'%s' refers to %s '%s', which the trialSpec's metadata does not have; trials are never created",
							ref, where, sub),
					  "add %s '%s' to the trialSpec's top-level metadata.%s (not the pod template's)",
					  !strcmp(where, "labels") ? "label" : "annotation", sub, where);
			}
			continue;
		}
		if (outputs && !in(outputs, ref))
			diag_hint(out, diag_add(out, rule_get("nas-trial-parameter-reference"), refn,
						"reference '%s' is not an output of the %s service; trials are never created",
						ref, e->algorithm_name),
				  "%s trial parameters must reference: %s", e->algorithm_name,
				  !strcmp(e->algorithm_name, "darts") ? "algorithm-settings, search-space, num-layers"
								       : "architecture, nn_config");
	}
	if (outputs && tp) {
		const char *const *o;

		for (o = outputs; *o; o++) {
			for (q = tp->child; q; q = q->next)
				if (doc_get_str(q, "reference") &&
				    !strcmp(doc_get_str(q, "reference"), *o))
					break;
			if (!q)
				diag_hint(out, diag_add_key(out, rule_get("nas-trial-parameter-reference"), tp,
							    "no trial parameter references '%s', which the %s service returns for every trial; trials are never created",
							    *o, e->algorithm_name),
					  "add a trial parameter with reference: %s and use it in the template", *o);
		}
	}

	/*
	 * GEN-02: the controller wants one trial parameter per parameter.
	 * While the trial parameters themselves are wrong, the webhook rules
	 * say so, and fixing them usually fixes this too.
	 */
	if (!trial_parameters_sound(e))
		return;
	for (p = e->parameters ? e->parameters->child : NULL; p; p = p->next) {
		const struct doc_node *name = doc_get(p, "name");

		if (!doc_str(name) || !name->len)
			continue;
		for (q = tp->child; q; q = q->next)
			if (doc_get_str(q, "reference") &&
			    !strcmp(doc_get_str(q, "reference"), name->text))
				break;
		if (!q)
			diag_hint(out, diag_add(out, rule_get("search-parameter-unreferenced"), name,
						"parameter '%s' is not referenced by any trial parameter; Katib's controller fails to create every trial",
						name->text),
				  "add {name: %s, reference: %s} to trialTemplate.trialParameters and use ${trialParameters.%s} in the template, or remove the parameter",
				  name->text, name->text, name->text);
	}
}

static int dns_label_ok(const char *s, size_t n)
{
	size_t i;

	if (!n || n > DNS_LABEL_MAX || s[0] < 'a' || s[0] > 'z' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '-'))
			return 0;
	return 1;
}

void check_derived_names(const struct rule_ctx *ctx, struct diag_list *out)
{
	const struct experiment *e = ctx->exp;
	const struct doc_node *n = e->name ? e->name : e->generate_name;
	const char *algo = e->algorithm_name;
	struct buf derived = BUF_INIT;
	size_t len;

	if (!n || !n->len)
		return;
	len = n->len + (n == e->generate_name ? GENERATE_NAME_SUFFIX : 0);
	/* A name that is no DNS label at all is name-invalid's finding. */
	if (!dns_label_ok(n->text, n->len) && n != e->generate_name)
		return;
	if (algo && *algo) {
		/* Pieces, not buf_addf(): printf cost a percent of a stream. */
		buf_adds(&derived, n->text);
		if (n == e->generate_name)
			buf_adds(&derived, "xxxxx");
		buf_addch(&derived, '-');
		buf_adds(&derived, algo);
		if (!dns_label_ok(derived.buf, derived.len) && len <= 40)
			diag_hint(out, diag_add(out, rule_get("suggestion-name-invalid"), n,
						"the suggestion Service '%s' that Katib derives from the name and algorithm is not a valid DNS-1035 label of at most 63 characters; the Experiment stays Created forever",
						derived.buf),
				  "shorten the name to at most %zu characters", DNS_LABEL_MAX - 1 - strlen(algo));
	}
	if (algo && !strcmp(algo, "pbt") && len + PBT_TRIAL_SUFFIX > DNS_LABEL_MAX)
		diag_hint(out, diag_add(out, rule_get("pbt-name-too-long"), n,
					"pbt names trials '<name>-<uuid>', which needs a name of at most 26 characters; this one has %zu, so its trials' labels are too long",
					len),
			  "shorten the name to 26 characters or fewer");
	buf_release(&derived);
}
