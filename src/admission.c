#include "compat.h"
#include "admission.h"
#include "alloc.h"
#include "buf.h"
#include "diag.h"
#include "doc.h"
#include "doc-json.h"
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
	memset(v, 0, sizeof(*v));
}

static int is_review(const struct doc *review, const struct doc_node **request,
		     struct fail *f)
{
	const struct doc_node *root = review->root;
	const char *kind, *api;

	if (review->error)
		return fail_set(f, FAIL_PROTOCOL, "%s:%u:%u: %s", review->name,
				review->error->at.line, review->error->at.col,
				review->error->message);
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

/*
 * One error is its own text; several are "[e1, e2]" with repeats left
 * out, as apimachinery's ToAggregate() renders Katib's field errors.
 */
static char *aggregate(const struct diag_list *diags, size_t from)
{
	struct buf b = BUF_INIT;
	char **seen = xcalloc(diags->nr - from + 1, sizeof(*seen));
	size_t i, j, n = 0;

	for (i = from; i < diags->nr; i++) {
		char *t;

		if (diags->item[i].severity != SEV_ERROR)
			continue;
		t = finding_text(&diags->item[i]);
		for (j = 0; j < n && strcmp(seen[j], t); j++)
			;
		if (j < n) {
			free(t);
			continue;
		}
		seen[n++] = t;
	}
	if (n == 1) {
		buf_adds(&b, seen[0]);
	} else {
		buf_addch(&b, '[');
		for (i = 0; i < n; i++)
			buf_addf(&b, "%s%s", i ? ", " : "", seen[i]);
		buf_addch(&b, ']');
	}
	for (i = 0; i < n; i++)
		free(seen[i]);
	free(seen);
	return buf_detach(&b, NULL);
}

int admission_review(const struct doc *review,
		     const struct katib_config *config,
		     const struct cluster_facts *facts,
		     struct diag_list *diags, struct admission_verdict *out,
		     struct fail *f)
{
	const struct doc_node *request, *uid, *object;
	const char *op;
	struct doc view;
	size_t from = diags->nr, i, alloc_warnings = 0;
	enum validate_result res;

	memset(out, 0, sizeof(*out));
	if (is_review(review, &request, f))
		return -1;
	if (!request || request->kind != DOC_MAP)
		return fail_set(f, FAIL_PROTOCOL,
				"%s: the AdmissionReview has no request (a response is not a request)",
				review->name);
	uid = doc_get(request, "uid");
	if (!doc_str(uid) || !uid->len)
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
	/* The object is judged in place, so findings point into the review. */
	view = *review;
	view.root = (struct doc_node *)object;
	res = validate_doc(&view, config, facts, diags);
	if (res == VALIDATE_SKIPPED) {
		out->warnings = xcalloc(1, sizeof(*out->warnings));
		out->warnings[out->nr_warnings++] =
			xstrdup("kubectl-katib checks only kubeflow.org/v1beta1 Experiments; this object was not checked");
		return 0;
	}
	for (i = from; i < diags->nr; i++) {
		struct diag *d = &diags->item[i];
		static const char prefix[] = "request.object.";

		/* Paths name the Experiment's fields, as Katib's do. */
		if (!strncmp(d->path, prefix, strlen(prefix)))
			d->path += strlen(prefix);
		if (d->severity == SEV_ERROR) {
			out->allowed = 0;
		} else if (d->severity == SEV_WARNING) {
			ALLOC_GROW(out->warnings, out->nr_warnings + 1,
				   alloc_warnings);
			out->warnings[out->nr_warnings++] = finding_text(d);
		}
	}
	if (!out->allowed) {
		out->code = DENIED_CODE;
		out->message = aggregate(diags, from);
	}
	return 0;
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
