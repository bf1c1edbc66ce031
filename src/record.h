/*
 * record.h: a failing Experiment recorded from a cluster as a scenario
 * (the fixture format of fixtures/README, section 4): what explain reads,
 * the katib-config, an AdmissionReview request built from the Experiment
 * with the cluster's own verdict on it, and the suggestion service's
 * validation exchange where the Suggestion shows one.  Everything written
 * is redacted first; Secrets are never read.
 */
#ifndef KATIB_SRC_RECORD_H
#define KATIB_SRC_RECORD_H

#include "fail.h"

struct kube_client;
struct redactor;

struct record_opts {
	const char *ns, *name;		/* the Experiment */
	const char *katib_ns;		/* where katib-config lives */
	const char *dir;		/* to create; must not exist */
	struct redactor *redactor;
	/*
	 * > 0: after the first state, watch this long and record what
	 * changes as a timeline (fixtures/README, section 5); it ends sooner
	 * when the search ends, or when stop (if set) returns non-zero.
	 */
	long watch_ms;
	int (*stop)(void *data);
	void *stop_data;
};

struct record_result {
	unsigned objects, logs;
	/* Why the cluster's admission verdict is missing, or NULL. */
	char *admission_missing;
	int suggestion;			/* the validation exchange was recorded */
	char *diagnosis;		/* explain's first diagnosis id */
	size_t redactions;
	unsigned steps;			/* of the timeline */
	char *timeline_cut;		/* why the watch ended early, or NULL */
};

/*
 * Records the scenario into o->dir: built in a temporary directory beside
 * it (mode 0700, files 0600) and renamed into place only when complete,
 * so a failure leaves nothing behind.  Returns 0, or -1 with f set:
 * FAIL_USAGE when o->dir exists, API failures as kube.h reports them.
 * Release *out with record_result_release().
 */
int record_scenario(struct kube_client *c, const struct record_opts *o,
		    struct record_result *out, struct fail *f);
void record_result_release(struct record_result *r);

/*
 * Removes the directory tree at path (for a failed recording); never
 * follows symbolic links.  Returns 0 or -1.
 */
int record_remove_tree(const char *path);

#endif
