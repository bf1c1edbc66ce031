/*
 * suggestion-request.h: what a suggestion (or early-stopping) service
 * answers Katib's validation call.  Katib's controller sends
 * ValidateAlgorithmSettingsRequest once the suggestion pod runs, minutes
 * after admission; this predicts the reply offline from the same request,
 * in protobuf's JSON form (rules catalogue §7), with the emulated
 * services of src/rules/services.c.
 */
#ifndef KATIB_SRC_SUGGESTION_REQUEST_H
#define KATIB_SRC_SUGGESTION_REQUEST_H

#include "diag.h"
#include "fail.h"

struct buf;
struct doc;
struct doc_node;
struct katib_config;

struct suggestion_reply {
	const char *method;	/* "/api.v1.beta1.Suggestion/ValidateAlgorithmSettings" */
	char *service;		/* "hyperopt", ...; owned */
	enum grpc_code code;
	char *details;		/* "" when OK; owned */
};

/*
 * Predicts the reply to request, a ValidateAlgorithmSettingsRequest
 * ({"experiment": ...}) or ValidateEarlyStoppingSettingsRequest
 * ({"early_stopping": ...}); proto field names and lowerCamelCase JSON
 * names are both read, enums by name or number.  The reply is the first
 * problem in the service's own order of checks, as the service stops at
 * it.  Returns 0 and fills *out (release with suggestion_reply_release()),
 * or -1 with f set: FAIL_PROTOCOL when request is not such a request,
 * FAIL_USAGE when no emulated service serves the algorithm (a custom image
 * or one config does not list).
 */
int suggestion_request_predict(const struct doc *request,
			       const struct katib_config *config,
			       struct suggestion_reply *out, struct fail *f);
void suggestion_reply_release(struct suggestion_reply *r);

/*
 * The reply as JSON: {"method", "service", "code", "details"}, the
 * format of recorded replies (fixtures/README).  Caller frees.
 */
char *suggestion_reply_json(const struct suggestion_reply *r);

/*
 * Reads a recorded reply (the same format) into *out.  Returns 0, or -1
 * with f set.
 */
int suggestion_reply_read(const struct doc *recorded,
			  struct suggestion_reply *out, struct fail *f);

/* What Katib's controller makes of a reply, in one sentence, into out. */
void suggestion_reply_effect(const struct suggestion_reply *r, struct buf *out);

/*
 * The request Katib's controller sends for Experiment exp (its
 * ConvertExperiment(), rules catalogue §3.0), as indented protobuf JSON
 * with proto field names: ValidateAlgorithmSettingsRequest, or with early
 * set ValidateEarlyStoppingSettingsRequest.  Caller frees.
 */
char *suggestion_request_from_experiment(const struct doc_node *exp, int early);

/* GRPC code from its name ("INVALID_ARGUMENT"); -1 if unknown. */
int grpc_code_parse(const char *name);

#endif
