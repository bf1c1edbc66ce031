/*
 * admission.h: our rules as a validating admission webhook applies them.
 * An admission.k8s.io/v1 AdmissionReview request goes in (as the API
 * server sends it to Katib's webhook); the verdict comes out, and with it
 * the AdmissionReview response a webhook answers with.
 */
#ifndef KATIB_SRC_ADMISSION_H
#define KATIB_SRC_ADMISSION_H

#include <stddef.h>

#include "fail.h"

struct doc;
struct diag_list;
struct katib_config;
struct cluster_facts;

struct admission_verdict {
	char *api_version;	/* the review's, echoed in the response */
	char *uid;
	char *operation;	/* CREATE, UPDATE, DELETE or CONNECT */
	int allowed;
	int code;		/* HTTP status of a denial, 0 when allowed */
	char *message;		/* why it is denied; NULL when allowed */
	char **warnings;	/* shown by kubectl as "Warning: ..." */
	size_t nr_warnings;
};

/*
 * Judges the AdmissionReview request in review.  Errors deny (HTTP 400,
 * as Katib's webhook answers), their "path: message [rule]" texts joined
 * as the API machinery joins field errors; warnings become warnings;
 * informational findings are left out.  Every finding is also appended to
 * diags, positioned in the review's own text.  UPDATEs are validated as
 * a whole, as Katib does; DELETE and CONNECT are allowed.
 *
 * Returns 0 and fills *out (release it with admission_verdict_release()),
 * or -1 with f set when review is not an AdmissionReview request.
 */
int admission_review(const struct doc *review,
		     const struct katib_config *config,
		     const struct cluster_facts *facts,
		     struct diag_list *diags, struct admission_verdict *out,
		     struct fail *f);
void admission_verdict_release(struct admission_verdict *v);

/* The AdmissionReview response for v, as compact JSON.  Caller frees. */
char *admission_response_json(const struct admission_verdict *v);

/*
 * The verdict in a recorded AdmissionReview response (response.allowed,
 * status.code and status.message), for comparing webhooks.  Returns 0, or
 * -1 with f set when review holds no response.
 */
int admission_recorded_verdict(const struct doc *review,
			       struct admission_verdict *out, struct fail *f);

#endif
