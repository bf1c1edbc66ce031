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
	/*
	 * Each error of a denial on its own ("path: message [rule]"), and
	 * the ids of the rules that denied it, once each (a denied spec
	 * edit is "spec-not-editable"): for --warn-only and metrics.
	 */
	char **errors;
	size_t nr_errors;
	char **denied_by;
	size_t nr_denied_by;
};

/* Katib's answer to an UPDATE that edits more than the trial counts. */
#define ADMISSION_NOT_EDITABLE \
	"spec: Forbidden: only spec.parallelTrialCount, spec.maxTrialCount and spec.maxFailedTrialCount are editable"
#define ADMISSION_NOT_EDITABLE_ID "spec-not-editable"

/*
 * Katib's answers to a restart (an UPDATE that changes the spec) that the
 * old object's status forbids: a completed Experiment that cannot be
 * resumed (KAT-UPD-01), and a maxTrialCount not above the trials already
 * run (KAT-UPD-02).  Katib's own words, then our id in brackets.
 */
#define ADMISSION_NOT_RESTARTABLE_ID "experiment-not-restartable"
#define ADMISSION_NOT_RESTARTABLE \
	"Experiment can be restarted if it is in succeeded state by reaching max trials and spec.resumePolicy = LongRunning or spec.resumePolicy = FromVolume, when experiment is completed"
#define ADMISSION_TRIALS_REACHED_ID "max-trial-count-not-above-trials"

/*
 * The ids an UPDATE is denied with besides the rules' (for the webhook's
 * metrics), NULL-terminated.
 */
extern const char *const admission_update_ids[];
/* What the denial with one of admission_update_ids means, or NULL. */
const char *admission_update_meaning(const char *id);


/*
 * Judges the AdmissionReview request in review.  Errors deny (HTTP 400,
 * as Katib's webhook answers), their "path: message [rule]" texts joined
 * as the API machinery joins field errors; warnings become warnings;
 * informational findings are left out.  Every finding is also appended to
 * diags, positioned in the review's own text.  DELETE and CONNECT are
 * allowed.
 *
 * An UPDATE with request.oldObject is judged by what it changes, not as
 * a whole (Katib re-validates the whole object and so can block even the
 * removal of its own finalizer from an Experiment that a newer rule
 * rejects): an unchanged spec is allowed; a change of only
 * spec.parallelTrialCount, maxTrialCount and maxFailedTrialCount is
 * judged by the count rules only; any other spec change is denied with
 * ADMISSION_NOT_EDITABLE, as Katib denies it.  Any change of the spec is
 * a restart, judged as Katib judges it by the old object's spec and
 * status (ADMISSION_NOT_RESTARTABLE_ID, ADMISSION_TRIALS_REACHED_ID).
 * An UPDATE without oldObject is judged as a whole.
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

/*
 * --warn-only: a denial becomes an allowed answer whose warnings start
 * with each of its errors.
 */
void admission_verdict_warn_only(struct admission_verdict *v);

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
