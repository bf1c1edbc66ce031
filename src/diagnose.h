/*
 * diagnose.h: why an Experiment on a cluster is stuck or failed, from
 * the objects around it: the Experiment, its Suggestion, its Trials, their
 * pods, and the namespace's Events.  Katib keeps the reason on whichever
 * of these it happened to touch; a diagnosis names it, quotes the decisive
 * evidence and gives the fix.
 */
#ifndef KATIB_SRC_DIAGNOSE_H
#define KATIB_SRC_DIAGNOSE_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "experiment.h"
#include "fail.h"

struct doc;
struct doc_node;
struct katib_config;
struct kube_client;

/* The end of a failed container's log. */
struct pod_log {
	char *pod, *container;
	char *text;
};

/* Failing pods whose logs are read: a few say why; more cost requests. */
#define SNAPSHOT_MAX_LOGS 2
#define SNAPSHOT_LOG_LINES 20

struct node_list {
	const struct doc_node **item;
	size_t nr, alloc;
};

/* An object by its metadata.name, in a snapshot's sorted indexes. */
struct snapshot_name {
	const char *name;
	const struct doc_node *node;
	size_t pos;		/* in its list: the first of a repeated name wins */
};

/*
 * What was read from a cluster (live or recorded) about one Experiment.
 * The nodes live in docs the snapshot owns.
 */
struct snapshot {
	const char *ns, *name;
	struct doc *experiment;		/* its root is the Experiment */
	const struct doc_node *suggestion;	/* NULL: none (yet) */
	struct node_list trials;	/* labelled with the Experiment */
	/*
	 * The resourceVersions of the lists read (NULL when not read or not
	 * given), to watch from: status -w, repro record --watch.
	 */
	const char *trials_version, *pods_version, *events_version, *jobs_version;
	struct node_list pods;		/* of its trials */
	struct node_list events;	/* of the namespace */
	const struct doc_node *namespace;	/* NULL: not readable */
	/*
	 * Why the namespace is NULL: the HTTP status that refused it (404, or
	 * 403 for a user without cluster rights), or 0 when no answer came.
	 * Unknown is not unlabelled: nothing is diagnosed from it.
	 */
	long namespace_status;
	const struct doc_node *deployment;	/* the suggestion's, or NULL */
	struct node_list jobs;		/* the trials' job objects */
	/*
	 * The trials and the jobs by name, sorted.  Each job, pod and event
	 * is matched to its trial by name, and scanning every trial for each
	 * took minutes for a search of 50,000 trials and their jobs.
	 */
	struct snapshot_name *trial_names, *job_names;
	size_t nr_trial_names, nr_job_names;
	struct pod_log *logs;		/* tails of failing training containers */
	size_t nr_logs, alloc_logs;
	struct doc **owned;
	size_t nr_owned, alloc_owned;
	unsigned long requests;		/* API requests it took */
};

/*
 * Reads the Experiment ns/name and what belongs to it with a fixed number
 * of requests, however many trials there are: lists go by label selector,
 * never one GET per trial.  Returns 0, or -1 with f set (FAIL_HTTP with
 * status 404 when the Experiment does not exist).
 */
int snapshot_fetch(struct kube_client *c, const char *ns, const char *name,
		   struct snapshot *out, struct fail *f);
void snapshot_release(struct snapshot *s);

/*
 * Where the trials' job objects are listed (the trial template's group,
 * version and kind as a resource: Job -> .../jobs, TFJob -> .../tfjobs),
 * appended to path; -1 when the template names no kind.
 */
struct buf;
int snapshot_job_path(const struct snapshot *s, struct buf *path);

struct recorded;

/*
 * The same from a recorded cluster (the replay format of
 * fixtures/README).  Returns 0, or -1 with f set (FAIL_NOT_FOUND when
 * the Experiment was not recorded).
 */
int snapshot_from_recorded(const struct recorded *r, const char *ns,
			   const char *name, struct snapshot *out,
			   struct fail *f);

/*
 * Many Experiments' snapshots from one read of each list (get -A): the
 * Experiments, Suggestions, Trials, their pods and suggestion
 * Deployments, the Events and the Namespaces, and the job objects of each
 * kind the trial templates name; per Experiment then, only the logs of
 * failed training containers.  A few requests in all, not seven per
 * Experiment.
 */
struct snapshot_set;

/*
 * Reads the lists of ns (every namespace when NULL).  Returns 0, or -1
 * with f set.  Free with snapshot_set_free().
 */
int snapshot_set_fetch(struct kube_client *c, const char *ns,
		       struct snapshot_set **out, struct fail *f);

/*
 * The snapshot of ns/name, as snapshot_fetch() would read it; its nodes
 * live in set, which must outlive it.  Returns 0, or -1 with f set
 * (FAIL_NOT_FOUND when the lists did not hold the Experiment).
 */
int snapshot_from_set(const struct snapshot_set *set, const char *ns,
		      const char *name, struct snapshot *out, struct fail *f);
void snapshot_set_free(struct snapshot_set *set);

/* API requests made so far for set and the snapshots taken from it. */
unsigned long snapshot_set_requests(const struct snapshot_set *set);

struct evidence {
	const char *object;	/* "Kind/namespace/name" */
	const char *field;	/* where in it, e.g. "status.conditions[Failed]" */
	const char *text;	/* the exact message */
};

struct diagnosis {
	const char *id;		/* a contract: see the ids in diagnose.c */
	enum severity severity;
	const char *summary;
	struct evidence *evidence;
	size_t nr_evidence, alloc_evidence;
	const char *fix;
	const char *upstream;	/* the upstream issue, or NULL */
};

/*
 * Every id a diagnosis may have, for `explain ID` and `explain --list`:
 * what it means on any cluster, and what fixes it.
 */
struct diagnosis_kind {
	const char *id;
	enum severity severity;
	const char *meaning;
	const char *fix;	/* NULL: nothing to fix */
};

extern const struct diagnosis_kind diagnosis_kinds[];
extern const size_t nr_diagnosis_kinds;
const struct diagnosis_kind *diagnosis_kind_find(const char *id);

struct diagnosis_list {
	struct arena arena;
	struct diagnosis *item;
	size_t nr, alloc;
	const char *phase;	/* the Experiment's latest condition type */
};

/*
 * Diagnoses s, most important first.  config checks the Experiment's spec
 * with the offline rules as well.
 */
void diagnose(const struct snapshot *s, const struct katib_config *config,
	      struct diagnosis_list *out);
void diagnosis_list_release(struct diagnosis_list *list);

/* The condition of obj with this type and status ("True", "False"), or NULL. */
const struct doc_node *object_condition(const struct doc_node *obj,
					const char *type, const char *status);

/* True when list holds a problem (anything but healthy/succeeded/starting). */
int diagnosis_list_has_problem(const struct diagnosis_list *list);

#endif
