#include "compat.h"

#include <inttypes.h>

#include "admission.h"
#include "alloc.h"
#include "buf.h"
#include "diag.h"
#include "doc.h"
#include "doc-json.h"
#include "katib-config.h"
#include "rule.h"
#include "validate.h"

/* Katib's webhook answers a failed validation with 400 Bad Request. */
#define DENIED_CODE 400

void admission_verdict_release(struct admission_verdict *v)
{
	size_t i;

	free(v->api_version);
	free(v->uid);
	free(v->operation);
	free(v->message);
	for (i = 0; i < v->nr_warnings; i++)
		free(v->warnings[i]);
	free(v->warnings);
	for (i = 0; i < v->nr_errors; i++)
		free(v->errors[i]);
	free(v->errors);
	for (i = 0; i < v->nr_denied_by; i++)
		free(v->denied_by[i]);
	free(v->denied_by);
	memset(v, 0, sizeof(*v));
}

static int is_review(const struct doc *review, const struct doc_node **request,
		     struct fail *f)
{
	const struct doc_node *root = review->root;
	const char *kind, *api;

	if (review->error)
		return doc_error_fail(review, f);
	if (!root || root->kind != DOC_MAP)
		return fail_set(f, FAIL_PROTOCOL,
				"%s: not an AdmissionReview: the document is not a map",
				review->name);
	kind = doc_get_str(root, "kind");
	api = doc_get_str(root, "apiVersion");
	if (!kind || strcmp(kind, "AdmissionReview"))
		return fail_set(f, FAIL_PROTOCOL,
				"%s: not an AdmissionReview (kind is '%s')",
				review->name, kind ? kind : "missing");
	if (!api || (strcmp(api, "admission.k8s.io/v1") &&
		     strcmp(api, "admission.k8s.io/v1beta1")))
		return fail_set(f, FAIL_PROTOCOL,
				"%s: AdmissionReview apiVersion '%s' is not admission.k8s.io/v1",
				review->name, api ? api : "missing");
	*request = doc_get(root, "request");
	return 0;
}

/* "path: message [rule]", the way a field error names its field. */
static char *finding_text(const struct diag *d)
{
	struct buf b = BUF_INIT;

	if (*d->path)
		buf_addf(&b, "%s: ", d->path);
	buf_addf(&b, "%s [%s]", d->message, d->rule->id);
	return buf_detach(&b, NULL);
}

static void add_unique(char ***list, size_t *nr, size_t *alloc, char *s)
{
	size_t i;

	for (i = 0; i < *nr; i++)
		if (!strcmp((*list)[i], s)) {
			free(s);
			return;
		}
	ALLOC_GROW(*list, *nr + 1, *alloc);
	(*list)[(*nr)++] = s;
}

/*
 * One error is its own text; several are "[e1, e2]" with repeats left
 * out, as apimachinery's ToAggregate() renders Katib's field errors.
 */
static char *aggregate(char *const *errors, size_t nr)
{
	struct buf b = BUF_INIT;
	size_t i;

	if (nr == 1)
		return xstrdup(errors[0]);
	buf_addch(&b, '[');
	for (i = 0; i < nr; i++)
		buf_addf(&b, "%s%s", i ? ", " : "", errors[i]);
	buf_addch(&b, ']');
	return buf_detach(&b, NULL);
}

static int same_value(const struct doc_node *a, const struct doc_node *b);

static size_t nr_keys(const struct doc_node *map)
{
	const struct doc_node *c;
	size_t n = 0;

	for (c = map->child; c; c = c->next)
		n += !c->shadowed;
	return n;
}

/* Maps with the same keys and values, in any order, except the keys skip. */
static int same_map(const struct doc_node *a, const struct doc_node *b,
		    const char *const *skip)
{
	const struct doc_node *c;
	size_t i, skipped_a = 0, skipped_b = 0;

	for (i = 0; skip && skip[i]; i++) {
		skipped_a += doc_get(a, skip[i]) != NULL;
		skipped_b += doc_get(b, skip[i]) != NULL;
	}
	if (nr_keys(a) - skipped_a != nr_keys(b) - skipped_b)
		return 0;
	for (c = a->child; c; c = c->next) {
		if (c->shadowed)
			continue;
		for (i = 0; skip && skip[i] && !doc_is_key(c, skip[i]); i++)
			;
		if (skip && skip[i])
			continue;
		if (!same_value(c, doc_get(b, c->key)))
			return 0;
	}
	return 1;
}

/*
 * Whether a and b are the same JSON value (Katib compares specs with
 * equality.Semantic.DeepEqual): key order and the spelling of a number
 * do not count.
 */
static int same_value(const struct doc_node *a, const struct doc_node *b)
{
	const struct doc_node *x, *y;
	double fa, fb;
	int64_t ia, ib;

	if (!a || !b)
		return a == b;
	if ((a->kind == DOC_INT || a->kind == DOC_FLOAT) &&
	    (b->kind == DOC_INT || b->kind == DOC_FLOAT)) {
		if (a->kind == DOC_INT && b->kind == DOC_INT &&
		    !doc_int(a, &ia) && !doc_int(b, &ib))
			return ia == ib;
		if (!doc_float(a, &fa) && !doc_float(b, &fb))
			return fa == fb;
	}
	if (a->kind != b->kind)
		return 0;
	switch (a->kind) {
	case DOC_MAP:
		return same_map(a, b, NULL);
	case DOC_SEQ:
		if (a->nr_children != b->nr_children)
			return 0;
		for (x = a->child, y = b->child; x && y; x = x->next, y = y->next)
			if (!same_value(x, y))
				return 0;
		return 1;
	default:
		return a->len == b->len && !memcmp(a->text, b->text, a->len);
	}
}

static const char *const editable[] = {
	"parallelTrialCount", "maxTrialCount", "maxFailedTrialCount", NULL,
};

enum spec_edit { SPEC_SAME, SPEC_COUNTS, SPEC_OTHER };

static enum spec_edit spec_edit(const struct doc_node *spec,
				const struct doc_node *old)
{
	size_t i;

	if (!spec || !old || spec->kind != DOC_MAP || old->kind != DOC_MAP)
		return same_value(spec, old) ? SPEC_SAME : SPEC_OTHER;
	if (!same_map(spec, old, editable))
		return SPEC_OTHER;
	for (i = 0; editable[i]; i++)
		if (!same_value(doc_get(spec, editable[i]), doc_get(old, editable[i])))
			return SPEC_COUNTS;
	return SPEC_SAME;
}

/* The rules that judge an edit of the trial counts (Katib's KAT-COUNT-*). */
static int is_count_rule(const struct rule *r)
{
	static const char *const ids[] = {
		"max-failed-trial-count-negative",
		"max-failed-trial-count-too-large",
		"max-trial-count-invalid",
		"parallel-trial-count-invalid",
		"parallel-trial-count-too-large",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ids); i++)
		if (!strcmp(r->id, ids[i]))
			return 1;
	return 0;
}

const char *const admission_update_ids[] = {
	ADMISSION_NOT_EDITABLE_ID,
	ADMISSION_NOT_RESTARTABLE_ID,
	ADMISSION_TRIALS_REACHED_ID,
	NULL,
};

const char *admission_update_meaning(const char *id)
{
	if (!strcmp(id, ADMISSION_NOT_EDITABLE_ID))
		return "an UPDATE changes a field of the spec that Katib "
		       "does not let change after creation; only "
		       "parallelTrialCount, maxTrialCount and "
		       "maxFailedTrialCount are editable";
	if (!strcmp(id, ADMISSION_NOT_RESTARTABLE_ID))
		return "an UPDATE restarts a completed Experiment that cannot "
		       "be resumed: it must have succeeded by reaching "
		       "maxTrialCount, with resumePolicy LongRunning or "
		       "FromVolume";
	if (!strcmp(id, ADMISSION_TRIALS_REACHED_ID))
		return "an UPDATE restarts an Experiment with a maxTrialCount "
		       "that is not above the number of trials already run";
	return NULL;
}

struct denials {
	size_t alloc_errors, alloc_rules;
};

static void deny(struct admission_verdict *out, struct denials *d,
		 char *text, const char *id)
{
	out->allowed = 0;
	add_unique(&out->errors, &out->nr_errors, &d->alloc_errors, text);
	add_unique(&out->denied_by, &out->nr_denied_by, &d->alloc_rules,
		   xstrdup(id));
}

/* Whether the Experiment's condition of this type has status "True". */
static const struct doc_node *true_condition(const struct doc_node *exp,
					     const char *type)
{
	const struct doc_node *c;
	const char *t, *st;

	c = doc_get(doc_get(exp, "status"), "conditions");
	if (!c || c->kind != DOC_SEQ)
		return NULL;
	/* Katib's getCondition() takes the first of a type. */
	for (c = c->child; c; c = c->next) {
		t = doc_get_str(c, "type");
		if (!t || strcmp(t, type))
			continue;
		st = doc_get_str(c, "status");
		return st && !strcmp(st, "True") ? c : NULL;
	}
	return NULL;
}

/*
 * Katib's IsCompletedExperimentRestartable(): succeeded by reaching
 * maxTrialCount, with a resumePolicy that keeps the suggestion.  An
 * absent resumePolicy is the mutating webhook's default (DEF-02).
 */
static int restartable(const struct doc_node *old,
		       const struct katib_config *config)
{
	const struct doc_node *ok = true_condition(old, "Succeeded");
	const char *reason = ok ? doc_get_str(ok, "reason") : NULL;
	const char *policy = doc_get_str(doc_get(old, "spec"), "resumePolicy");

	if (!reason || strcmp(reason, "ExperimentMaxTrialsReached"))
		return 0;
	if (!policy || !*policy)
		policy = config->minor >= 15 ? "Never" : "LongRunning";
	return !strcmp(policy, "LongRunning") || !strcmp(policy, "FromVolume");
}

/*
 * The restart checks of Katib's ValidateExperiment (its oldInst branch),
 * which any change of the spec meets, in Katib's order.
 */
static void judge_restart(const struct doc_node *object,
			  const struct doc_node *old,
			  const struct katib_config *config,
			  struct admission_verdict *out, struct denials *d)
{
	const struct doc_node *spec = doc_get(object, "spec");
	int64_t max, trials;
	struct buf b = BUF_INIT;

	if ((true_condition(old, "Succeeded") || true_condition(old, "Failed")) &&
	    !restartable(old, config)) {
		const char *policy = doc_get_str(spec, "resumePolicy");

		buf_addf(&b, "spec.resumePolicy: Invalid value: \"%s\": %s [%s]",
			 policy ? policy : "", ADMISSION_NOT_RESTARTABLE,
			 ADMISSION_NOT_RESTARTABLE_ID);
		deny(out, d, buf_detach(&b, NULL), ADMISSION_NOT_RESTARTABLE_ID);
	}
	if (!doc_int(doc_get(spec, "maxTrialCount"), &max) &&
	    !doc_int(doc_get(doc_get(old, "status"), "trials"), &trials) &&
	    max <= trials) {
		buf_addf(&b, "spec.maxTrialCount: Invalid value: %" PRId64
			 ": must be greater than status.trials count (%" PRId64
			 " trials have run) [%s]", max, trials,
			 ADMISSION_TRIALS_REACHED_ID);
		deny(out, d, buf_detach(&b, NULL), ADMISSION_TRIALS_REACHED_ID);
	}
}

int admission_review(const struct doc *review,
		     const struct katib_config *config,
		     const struct cluster_facts *facts,
		     struct diag_list *diags, struct admission_verdict *out,
		     struct fail *f)
{
	const struct doc_node *request, *uid, *object, *old;
	const char *op;
	struct doc view;
	size_t from = diags->nr, i, alloc_warnings = 0;
	struct denials den = { 0, 0 };
	enum validate_result res;
	int counts_only = 0;

	memset(out, 0, sizeof(*out));
	if (is_review(review, &request, f))
		return -1;
	if (!request || request->kind != DOC_MAP)
		return fail_set(f, FAIL_PROTOCOL,
				"%s: the AdmissionReview has no request (a response is not a request)",
				review->name);
	uid = doc_get(request, "uid");
	if (uid && !doc_str(uid))
		return fail_set(f, FAIL_PROTOCOL,
				"%s: the AdmissionReview request's uid must be a string",
				review->name);
	if (!uid || !uid->len)
		return fail_set(f, FAIL_PROTOCOL,
				"%s: the AdmissionReview request has no uid",
				review->name);
	op = doc_get_str(request, "operation");
	if (!op)
		op = "CREATE";
	if (strcmp(op, "CREATE") && strcmp(op, "UPDATE") &&
	    strcmp(op, "DELETE") && strcmp(op, "CONNECT"))
		return fail_set(f, FAIL_PROTOCOL,
				"%s: unknown AdmissionReview operation '%s'",
				review->name, op);
	out->api_version = xstrdup(doc_get_str(review->root, "apiVersion"));
	out->uid = xstrdup(uid->text);
	out->operation = xstrdup(op);
	out->allowed = 1;
	if (!strcmp(op, "DELETE") || !strcmp(op, "CONNECT"))
		return 0;
	object = doc_get(request, "object");
	if (!object || object->kind != DOC_MAP) {
		admission_verdict_release(out);
		return fail_set(f, FAIL_PROTOCOL,
				"%s: the AdmissionReview request has no object to %s",
				review->name, !strcmp(op, "CREATE") ? "create" : "update");
	}
	old = doc_get(request, "oldObject");
	if (!strcmp(op, "UPDATE") && old && old->kind == DOC_MAP) {
		enum spec_edit edit = spec_edit(doc_get(object, "spec"),
						doc_get(old, "spec"));

		/*
		 * Finalizers, labels, status: never block them, or an
		 * Experiment our rules reject could not be deleted.
		 */
		if (edit == SPEC_SAME)
			return 0;
		judge_restart(object, old, config, out, &den);
		if (edit == SPEC_OTHER) {
			deny(out, &den, xstrdup(ADMISSION_NOT_EDITABLE),
			     ADMISSION_NOT_EDITABLE_ID);
			out->code = DENIED_CODE;
			out->message = aggregate(out->errors, out->nr_errors);
			return 0;
		}
		counts_only = 1;
	}
	/* The object is judged in place, so findings point into the review. */
	view = *review;
	view.root = (struct doc_node *)object;
	res = validate_doc(&view, config, facts, diags);
	if (res == VALIDATE_SKIPPED) {
		out->warnings = xcalloc(1, sizeof(*out->warnings));
		out->warnings[out->nr_warnings++] =
			xstrdup("kubectl-katib checks only kubeflow.org/v1beta1 Experiments; this object was not checked");
		from = diags->nr;	/* nothing to judge, but a restart */
	}
	for (i = from; i < diags->nr; i++) {
		struct diag *d = &diags->item[i];
		static const char prefix[] = "request.object.";

		/* Paths name the Experiment's fields, as Katib's do. */
		if (!strncmp(d->path, prefix, strlen(prefix)))
			d->path += strlen(prefix);
		if (counts_only && !is_count_rule(d->rule))
			continue;
		if (d->severity == SEV_ERROR) {
			deny(out, &den, finding_text(d), d->rule->id);
		} else if (d->severity == SEV_WARNING) {
			ALLOC_GROW(out->warnings, out->nr_warnings + 1,
				   alloc_warnings);
			out->warnings[out->nr_warnings++] = finding_text(d);
		}
	}
	if (!out->allowed) {
		out->code = DENIED_CODE;
		out->message = aggregate(out->errors, out->nr_errors);
	}
	return 0;
}

void admission_verdict_warn_only(struct admission_verdict *v)
{
	char **w;
	size_t i;

	if (v->allowed)
		return;
	w = xcalloc(v->nr_errors + v->nr_warnings + 1, sizeof(*w));
	for (i = 0; i < v->nr_errors; i++)
		w[i] = xstrdup(v->errors[i]);
	for (i = 0; i < v->nr_warnings; i++)
		w[v->nr_errors + i] = v->warnings[i];
	free(v->warnings);
	v->warnings = w;
	v->nr_warnings += v->nr_errors;
	free(v->message);
	v->message = NULL;
	v->allowed = 1;
	v->code = 0;
}

char *admission_response_json(const struct admission_verdict *v)
{
	struct doc *d = doc_new("response", 0);
	struct doc_node *root, *resp, *st, *w;
	char code[16];
	char *json;
	size_t i;

	root = doc_add(d, NULL, NULL, DOC_MAP, NULL);
	d->root = root;
	doc_add(d, root, "apiVersion", DOC_STR,
		v->api_version ? v->api_version : "admission.k8s.io/v1");
	doc_add(d, root, "kind", DOC_STR, "AdmissionReview");
	resp = doc_add(d, root, "response", DOC_MAP, NULL);
	doc_add(d, resp, "uid", DOC_STR, v->uid);
	doc_add(d, resp, "allowed", DOC_BOOL, v->allowed ? "true" : "false");
	if (!v->allowed) {
		st = doc_add(d, resp, "status", DOC_MAP, NULL);
		snprintf(code, sizeof(code), "%d", v->code);
		doc_add(d, st, "code", DOC_INT, code);
		doc_add(d, st, "message", DOC_STR, v->message);
	}
	if (v->nr_warnings) {
		w = doc_add(d, resp, "warnings", DOC_SEQ, NULL);
		for (i = 0; i < v->nr_warnings; i++)
			doc_add(d, w, NULL, DOC_STR, v->warnings[i]);
	}
	json = doc_to_json(root);
	doc_free(d);
	return json;
}

int admission_recorded_verdict(const struct doc *review,
			       struct admission_verdict *out, struct fail *f)
{
	const struct doc_node *request, *resp, *allowed, *status;
	int64_t code;

	memset(out, 0, sizeof(*out));
	if (is_review(review, &request, f))
		return -1;
	resp = doc_get(review->root, "response");
	allowed = doc_get(resp, "allowed");
	if (!allowed || allowed->kind != DOC_BOOL)
		return fail_set(f, FAIL_PROTOCOL,
				"%s: the AdmissionReview has no response.allowed",
				review->name);
	out->allowed = !strcmp(allowed->text, "true");
	status = doc_get(resp, "status");
	if (!out->allowed)
		out->code = doc_int(doc_get(status, "code"), &code) ? 0 : (int)code;
	if (doc_get_str(status, "message"))
		out->message = xstrdup(doc_get_str(status, "message"));
	if (doc_get_str(resp, "uid"))
		out->uid = xstrdup(doc_get_str(resp, "uid"));
	return 0;
}
