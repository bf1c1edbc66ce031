/*
 * scenario.h: a recorded failing scenario (the fixture format of
 * fixtures/README, section 4) replayed offline: the Experiment through
 * validate, the AdmissionReview request through our admission handler,
 * the suggestion service's validation request through the emulated
 * service, and the recorded cluster through explain's diagnosis; each
 * compared with the scenario's expect.yaml and recorded answers.
 */
#ifndef KATIB_SRC_SCENARIO_H
#define KATIB_SRC_SCENARIO_H

#include <stddef.h>

#include "fail.h"

struct http_target;

struct scenario_check {
	char *what;		/* "validate", "admission", ... */
	int ok;
	char *detail;		/* what held, or what differed */
};

struct scenario_result {
	char *name;		/* the scenario directory's base name */
	struct scenario_check *checks;
	size_t nr, alloc;
};

struct scenario_opts {
	/*
	 * Also POST the AdmissionReview request to this validating webhook
	 * (e.g. a port-forwarded Katib, https://localhost:8443/validate-experiment)
	 * and compare its verdict with the one Katib recorded.  NULL: offline.
	 */
	const char *webhook_url;
	const struct http_target *webhook;
};

/* A scenario's name: dir's last part, trailing slashes aside.  Caller frees. */
char *scenario_name(const char *dir);

/* Whether dir holds a scenario (an expect.yaml). */
int scenario_is(const char *dir);

/*
 * Replays the scenario in dir into *out (release with
 * scenario_result_release()).  A check that fails is a result, not an
 * error: returns 0 then too.  Returns -1 with f set only when the
 * scenario itself cannot be read (missing or malformed files).
 */
int scenario_replay(const char *dir, const struct scenario_opts *opts,
		    struct scenario_result *out, struct fail *f);
void scenario_result_release(struct scenario_result *r);

#endif
