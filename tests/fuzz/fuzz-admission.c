/*
 * libFuzzer target: the JSON requests kubectl-katib answers for others.
 * The input is read as `validate --admission-review` reads an
 * AdmissionReview (the webhook answers the same) and judged, and its
 * response written; the same bytes are then read as a suggestion
 * service's validation request and the reply predicted and written.  Any
 * crash, hang, sanitizer report or leak is a bug.
 */
#include "compat.h"
#include "admission.h"
#include "arena.h"
#include "diag.h"
#include "doc.h"
#include "doc-yaml.h"
#include "katib-config.h"
#include "re.h"
#include "suggestion-request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct doc *read_one(const uint8_t *data, size_t size)
{
	static const struct doc_limits limits = DOC_LIMITS_DEFAULT;
	struct doc_reader *r;
	struct doc *d = NULL;
	struct fail f = FAIL_INIT;

	doc_reader_open_mem(&r, "input", (const char *)data, size, &limits);
	if (doc_reader_next(r, &d, &f) <= 0)
		d = NULL;
	doc_reader_free(r);
	if (d) {
		d->text = NULL;	/* the reader owned it */
		d->len = 0;
	}
	return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc *d = read_one(data, size);
	struct diag_list diags = DIAG_LIST_INIT;
	struct admission_verdict v;
	struct suggestion_reply r;
	struct fail f = FAIL_INIT;

	if (!d)
		return 0;
	if (!admission_review(d, &katib_config_default, NULL, &diags, &v, &f)) {
		free(admission_response_json(&v));
		admission_verdict_release(&v);
	}
	fail_clear(&f);
	if (!suggestion_request_predict(d, &katib_config_default, &r, &f)) {
		free(suggestion_reply_json(&r));
		suggestion_reply_release(&r);
	}
	diag_list_release(&diags);
	doc_free(d);
	re_release();
	arena_drop_spare();
	return 0;
}
