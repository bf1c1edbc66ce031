/*
 * status.h: how a search is doing, from a snapshot of its Experiment
 * (diagnose.h): the trials as rows of parameter values and metrics, the
 * counts against the budget, the best trial, the best-so-far curve and an
 * estimate of the time left.  `get experiments` and `status experiment`
 * print it; nothing here prints.
 */
#ifndef KATIB_SRC_STATUS_H
#define KATIB_SRC_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

struct snapshot;

/* A time we could not read (or that has not happened yet). */
#define STATUS_NO_TIME INT64_MIN

struct status_metric {
	const char *name;
	const char *strategy;	/* "latest", "min" or "max" */
};

struct status_trial {
	const char *name;
	const char *state;	/* the Trial's latest true condition */
	const char *reason;	/* failed, killed or early-stopped: why; else NULL */
	const char **values;	/* one per parameter; NULL when unassigned */
	double *metric;		/* one per status_report.metrics, [0] the objective */
	unsigned char *has_metric;
	int64_t created, started, completed;	/* epoch seconds */
	int64_t duration;	/* seconds, to now when still running; -1 unknown */
	size_t order;		/* 0-based position by creation */
};

enum status_sort {
	STATUS_SORT_CREATED,
	STATUS_SORT_OBJECTIVE,
	STATUS_SORT_NAME,
};

struct status_report {
	struct arena arena;
	const char *ns, *name;
	const char *phase;	/* Created, Running, Restarting, Succeeded, Failed, Pending */
	const char *phase_reason;	/* the condition's reason, or NULL */
	/* The most important problem explain's diagnoses found, or NULL. */
	const char *problem_id, *problem_summary;

	const char *algorithm;
	const char *settings;	/* "name=value, ..." or "" */
	const char *early_stopping;	/* its algorithm, or NULL */
	const char *objective_type;	/* "maximize" or "minimize" */
	double goal;
	int has_goal;
	int64_t max_trials, parallel, max_failed;	/* -1: unset */

	const char **params;
	size_t nr_params;
	struct status_metric *metrics;	/* [0] the objective */
	size_t nr_metrics;

	struct status_trial *trial;	/* in display order (status_sort) */
	size_t nr_trials;
	size_t succeeded, running, failed, early_stopped, pending;
	ptrdiff_t best;		/* index into trial, -1 when none */

	/*
	 * The objective of each finished trial with a value, by creation,
	 * and the best of them so far.
	 */
	double *objective, *best_so_far;
	size_t nr_points;

	int64_t created, started, completed;	/* epoch seconds */
	int64_t age, elapsed;	/* seconds to now; elapsed stops at completion */
	int64_t remaining;	/* estimated seconds left, -1 when unknown */
};

/*
 * Builds r from s as of now (epoch seconds); the trials come sorted by
 * creation.  r's strings may point into s: release r before s, with
 * status_release().
 */
void status_build(const struct snapshot *s, int64_t now,
		  struct status_report *r);
void status_release(struct status_report *r);

/* Reorders r's trials; ties, and trials without an objective, by creation. */
void status_sort(struct status_report *r, enum status_sort by);

/* Whether a is a better objective value than b for r's objective type. */
int status_better(const struct status_report *r, double a, double b);

/* An RFC 3339 time ("2026-11-20T09:00:00Z") in epoch seconds, or STATUS_NO_TIME. */
int64_t status_parse_time(const char *s);


#endif
