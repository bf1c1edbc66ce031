/*
 * Admission replay: recorded AdmissionReviews answer for Katib's webhook,
 * both on creates through the API and on POST /validate-experiment.
 */
#include "compat.h"
#include "replay.h"
#include "experiment.h"

/*
 * A recorded AdmissionReview whose request object has the same kind, name
 * and namespace as a created (or patched) one answers for the admission
 * chain, when it records the same operation (an UPDATE is judged against
 * the stored object, so a CREATE's verdict says nothing of it); NULL
 * matches any.
 */
const struct doc_node *matching_review(const struct server *s,
				      const struct doc_node *obj, const char *ns,
				      const char *operation)
{
	const char *kind = doc_get_str(obj, "kind");
	const char *name = doc_str(doc_lookup(obj, "metadata.name"));
	size_t i;

	for (i = 0; i < s->rec.nr_reviews; i++) {
		const struct doc_node *req = doc_get_kind(s->rec.reviews[i], "request", DOC_MAP);
		const struct doc_node *o = doc_get_kind(req, "object", DOC_MAP);
		const char *rns = doc_get_str(req, "namespace");

		if (!o || !kind || !name)
			continue;
		/* A review without an operation is taken for a CREATE. */
		if (operation && strcmp(doc_get_str(req, "operation") ? doc_get_str(req, "operation")
								   : "CREATE", operation))
			continue;
		if (doc_get_str(o, "kind") && !strcmp(doc_get_str(o, "kind"), kind) &&
		    doc_str(doc_lookup(o, "metadata.name")) &&
		    !strcmp(doc_str(doc_lookup(o, "metadata.name")), name) &&
		    (!rns || !ns || !strcmp(rns, ns)))
			return doc_get_kind(s->rec.reviews[i], "response", DOC_MAP);
	}
	return NULL;
}

int respond_denial(struct conn *c, const struct doc_node *resp)
{
	const struct doc_node *allowed = doc_get(resp, "allowed");
	const char *msg;
	int64_t code = 400;
	struct buf m = BUF_INIT;

	if (!resp || !allowed || allowed->kind != DOC_BOOL || !strchr("fFnN", allowed->text[0]))
		return 0;
	msg = doc_str(doc_lookup(resp, "status.message"));
	doc_int(doc_lookup(resp, "status.code"), &code);
	buf_addf(&m, "admission webhook \"validator.experiment.katib.kubeflow.org\" denied the request: %s",
		 msg ? msg : "");
	respond_status(c, code >= 400 && code < 600 ? (unsigned)code : 400,
		       code == 403 ? "Forbidden" : "BadRequest", m.buf);
	buf_release(&m);
	return 1;
}

/*
 * POST /validate-experiment: Katib's validating webhook as recorded.  A
 * recorded AdmissionReview for the same object answers (with the asking
 * request's uid); anything else is allowed.  `repro replay --webhook`
 * tests its comparison against this.
 */
void serve_webhook(struct server *s, struct conn *c, const char *body,
			  size_t len)
{
	struct doc_reader *r;
	struct fail f = FAIL_INIT;
	struct doc *d = NULL;
	const struct doc_node *req, *resp, *allowed;
	struct buf b = BUF_INIT;
	int64_t code = 400;

	doc_reader_open_mem(&r, "request", body, len, NULL);
	if (doc_reader_next(r, &d, &f) <= 0 || d->error || !d->root ||
	    !(req = doc_get_kind(d->root, "request", DOC_MAP)) ||
	    !doc_get_str(req, "uid")) {
		doc_free(d);
		doc_reader_free(r);
		respond_status(c, 400, "BadRequest", "the request body is not an AdmissionReview request");
		return;
	}
	doc_reader_free(r);
	resp = matching_review(s, doc_get_kind(req, "object", DOC_MAP),
			       doc_get_str(req, "namespace"), doc_get_str(req, "operation"));
	allowed = doc_get(resp, "allowed");
	buf_adds(&b, "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":");
	buf_add_json_str(&b, doc_get_str(req, "uid"), strlen(doc_get_str(req, "uid")));
	if (resp && allowed && allowed->kind == DOC_BOOL && strchr("fFnN", allowed->text[0])) {
		const char *msg = doc_str(doc_lookup(resp, "status.message"));

		doc_int(doc_lookup(resp, "status.code"), &code);
		buf_addf(&b, ",\"allowed\":false,\"status\":{\"code\":%lld,\"message\":",
			 (long long)code);
		buf_add_json_str(&b, msg ? msg : "", msg ? strlen(msg) : 0);
		buf_adds(&b, "}}}");
	} else {
		buf_adds(&b, ",\"allowed\":true}}");
	}
	doc_free(d);
	respond_json(c, 200, &b);
	buf_release(&b);
}

