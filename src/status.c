/*
 * status.c: a search's progress from a snapshot of its Experiment.  The
 * problem line reuses explain's diagnoses (diagnose.c) as they are, so
 * that `status` and `explain` never disagree about what is wrong.
 */
#include "compat.h"
#include "status.h"
#include "alloc.h"
#include "buf.h"
#include "diagnose.h"
#include "doc.h"
#include "katib-config.h"
#include "timefmt.h"

#include <math.h>

int64_t status_parse_time(const char *s)
{
	int64_t t;

	return time_parse_rfc3339(s, &t) ? STATUS_NO_TIME : t;
}

static int64_t time_at(const struct doc_node *n, const char *path)
{
	return status_parse_time(doc_str(doc_lookup(n, path)));
}

static int64_t int_at(const struct doc_node *n, const char *path, int64_t dflt)
{
	int64_t v;

	return doc_int(doc_lookup(n, path), &v) ? dflt : v;
}

/* A scalar's text, whatever its YAML type ("0.01" and 0.01 alike). */
static const char *scalar(const struct doc_node *n)
{
	return n && n->kind != DOC_MAP && n->kind != DOC_SEQ && n->kind != DOC_NULL
		       ? n->text : NULL;
}

/* The latest condition with status True: Katib appends them in order. */
static const struct doc_node *latest_true_of(const struct doc_node *list)
{
	const struct doc_node *c, *last = NULL;

	if (!list || list->kind != DOC_SEQ)
		return NULL;
	for (c = list->child; c; c = c->next)
		if (!strcmp(doc_get_str(c, "status") ? doc_get_str(c, "status") : "", "True"))
			last = c;
	return last;
}

static const struct doc_node *latest_true(const struct doc_node *obj)
{
	return latest_true_of(doc_lookup(obj, "status.conditions"));
}

int status_better(const struct status_report *r, double a, double b)
{
	return strcmp(r->objective_type, "minimize") ? a > b : a < b;
}

/*
 * A trial's value of metric m as its strategy picks it from list, its
 * status.observation.metrics; "unavailable" and the like are no value.
 */
static int trial_metric(const struct doc_node *list, const struct status_metric *m,
			double *out)
{
	const struct doc_node *e;
	const char *v;
	char *end;

	if (!list || list->kind != DOC_SEQ)
		return 0;
	for (e = list->child; e; e = e->next) {
		if (!doc_get_str(e, "name") || strcmp(doc_get_str(e, "name"), m->name))
			continue;
		v = scalar(doc_get(e, m->strategy));
		if (!v || !*v)
			return 0;
		*out = strtod(v, &end);
		return !*end && isfinite(*out);
	}
	return 0;
}

static void add_settings(struct status_report *r, const struct doc_node *exp)
{
	const struct doc_node *list = doc_lookup(exp, "spec.algorithm.algorithmSettings"), *s;
	struct buf b = BUF_INIT;

	if (list && list->kind == DOC_SEQ)
		for (s = list->child; s; s = s->next)
			buf_addf(&b, "%s%s=%s", b.len ? ", " : "",
				 doc_get_str(s, "name") ? doc_get_str(s, "name") : "?",
				 scalar(doc_get(s, "value")) ? scalar(doc_get(s, "value")) : "");
	r->settings = arena_strdup(&r->arena, b.len ? b.buf : "");
	buf_release(&b);
}

/* The objective and the additional metrics, each with its strategy. */
static void add_metrics(struct status_report *r, const struct doc_node *exp)
{
	const struct doc_node *obj = doc_lookup(exp, "spec.objective"), *n, *strat;
	const char *name = doc_get_str(obj, "objectiveMetricName");
	size_t nr = 1, i;

	n = doc_get(obj, "additionalMetricNames");
	if (n && n->kind == DOC_SEQ)
		nr += n->nr_children;
	r->metrics = arena_alloc(&r->arena, nr * sizeof(*r->metrics));
	r->metrics[0].name = name ? name : "objective";
	/* Katib's defaults: the objective's by its type, the others latest. */
	r->metrics[0].strategy = strcmp(r->objective_type, "minimize") ? "max" : "min";
	r->nr_metrics = 1;
	if (n && n->kind == DOC_SEQ)
		for (n = n->child; n; n = n->next)
			if (doc_str(n)) {
				r->metrics[r->nr_metrics].name = doc_str(n);
				r->metrics[r->nr_metrics++].strategy = "latest";
			}
	strat = doc_get(obj, "metricStrategies");
	if (strat && strat->kind == DOC_SEQ)
		for (n = strat->child; n; n = n->next)
			for (i = 0; i < r->nr_metrics; i++) {
				const char *v = doc_get_str(n, "value");

				if (doc_get_str(n, "name") && v &&
				    !strcmp(doc_get_str(n, "name"), r->metrics[i].name) &&
				    (!strcmp(v, "min") || !strcmp(v, "max") || !strcmp(v, "latest")))
					r->metrics[i].strategy = v;
			}
}

/*
 * The Trial's metadata, spec and status are found once: a lookup from the
 * root visits the siblings before them, and in a tree of 10,000 Trials
 * built long before, each visit missed the cache (a tenth of status).
 */
static void add_trial(struct status_report *r, const struct doc_node *t,
		      int64_t now, struct status_trial *out)
{
	const struct doc_node *md = doc_get(t, "metadata"), *spec = doc_get(t, "spec");
	const struct doc_node *st = doc_get(t, "status");
	const struct doc_node *c = latest_true_of(doc_get(st, "conditions")), *a, *assign;
	const struct doc_node *metrics = doc_lookup(st, "observation.metrics");
	size_t i;

	out->name = doc_get_str(md, "name");
	if (!out->name)
		out->name = "";
	out->state = c && doc_get_str(c, "type") ? doc_get_str(c, "type") : "Pending";
	if (c && (!strcmp(out->state, "Failed") || !strcmp(out->state, "EarlyStopped") ||
		  !strcmp(out->state, "Killed") || !strcmp(out->state, "MetricsUnavailable")))
		out->reason = doc_get_str(c, "message") && *doc_get_str(c, "message")
				      ? doc_get_str(c, "message") : doc_get_str(c, "reason");
	out->values = arena_alloc(&r->arena, (r->nr_params + 1) * sizeof(*out->values));
	assign = doc_get(spec, "parameterAssignments");
	if (assign && assign->kind == DOC_SEQ)
		for (a = assign->child; a; a = a->next)
			for (i = 0; i < r->nr_params; i++)
				if (doc_get_str(a, "name") &&
				    !strcmp(doc_get_str(a, "name"), r->params[i]))
					out->values[i] = scalar(doc_get(a, "value"));
	out->metric = arena_alloc(&r->arena, r->nr_metrics * sizeof(*out->metric));
	out->has_metric = arena_alloc(&r->arena, r->nr_metrics);
	for (i = 0; i < r->nr_metrics; i++)
		out->has_metric[i] = (unsigned char)trial_metric(metrics, &r->metrics[i], &out->metric[i]);
	out->created = status_parse_time(doc_get_str(md, "creationTimestamp"));
	out->started = status_parse_time(doc_get_str(st, "startTime"));
	out->completed = status_parse_time(doc_get_str(st, "completionTime"));
	out->duration = -1;
	if (out->started != STATUS_NO_TIME) {
		if (out->completed != STATUS_NO_TIME)
			out->duration = out->completed - out->started;
		else if (!strcmp(out->state, "Running"))
			out->duration = now - out->started;
	}

	if (!strcmp(out->state, "Succeeded"))
		r->succeeded++;
	else if (!strcmp(out->state, "Failed") || !strcmp(out->state, "Killed") ||
		 !strcmp(out->state, "MetricsUnavailable"))
		r->failed++;
	else if (!strcmp(out->state, "EarlyStopped"))
		r->early_stopped++;
	else if (!strcmp(out->state, "Running"))
		r->running++;
	else
		r->pending++;
}

static int finished_with_objective(const struct status_trial *t)
{
	return t->has_metric[0] &&
	       (!strcmp(t->state, "Succeeded") || !strcmp(t->state, "EarlyStopped"));
}

static int by_created(const void *pa, const void *pb)
{
	const struct status_trial *a = pa, *b = pb;

	if (a->created != b->created)
		return a->created < b->created ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int by_name(const void *pa, const void *pb)
{
	const struct status_trial *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	return c ? c : (a->order > b->order) - (a->order < b->order);
}

/* qsort() has no context argument; the sort runs on one thread. */
static _Thread_local const struct status_report *sorting;

static int by_objective(const void *pa, const void *pb)
{
	const struct status_trial *a = pa, *b = pb;
	int ha = finished_with_objective(a), hb = finished_with_objective(b);

	if (ha != hb)
		return hb - ha;
	if (ha && a->metric[0] != b->metric[0])
		return status_better(sorting, a->metric[0], b->metric[0]) ? -1 : 1;
	return (a->order > b->order) - (a->order < b->order);
}

void status_sort(struct status_report *r, enum status_sort by)
{
	const char *best = r->best >= 0 ? r->trial[r->best].name : NULL;
	size_t i;

	if (!r->nr_trials)
		return;
	sorting = r;
	qsort(r->trial, r->nr_trials, sizeof(*r->trial),
	      by == STATUS_SORT_NAME ? by_name
	      : by == STATUS_SORT_OBJECTIVE ? by_objective : by_created);
	sorting = NULL;
	r->best = -1;
	for (i = 0; best && i < r->nr_trials; i++)
		if (r->trial[i].name == best)
			r->best = (ptrdiff_t)i;
}

/*
 * Time left: the unfinished part of the budget, run parallelTrialCount
 * at a time, each as long as the finished trials took on average.
 */
static int64_t estimate_remaining(const struct status_report *r)
{
	size_t i, n = 0, finished = r->succeeded + r->failed + r->early_stopped;
	double sum = 0, waves;
	int64_t parallel = r->parallel > 0 ? r->parallel : 3;

	if (r->completed != STATUS_NO_TIME || r->max_trials <= 0 ||
	    !strcmp(r->phase, "Succeeded") || !strcmp(r->phase, "Failed"))
		return -1;
	for (i = 0; i < r->nr_trials; i++)
		if (r->trial[i].completed != STATUS_NO_TIME && r->trial[i].duration >= 0) {
			sum += (double)r->trial[i].duration;
			n++;
		}
	if (!n)
		return -1;
	if ((int64_t)finished >= r->max_trials)
		return 0;
	waves = ceil((double)(r->max_trials - (int64_t)finished) / (double)parallel);
	return (int64_t)llround(waves * sum / (double)n);
}

void status_build(const struct snapshot *s, int64_t now, struct status_report *r)
{
	const struct doc_node *exp = s->experiment->root, *c, *n;
	struct diagnosis_list list;
	size_t i;

	memset(r, 0, sizeof(*r));
	r->ns = arena_strdup(&r->arena, s->ns);
	r->name = arena_strdup(&r->arena, s->name);

	memset(&list, 0, sizeof(list));
	diagnose(s, &katib_config_default, &list);
	r->phase = arena_strdup(&r->arena, list.phase && *list.phase ? list.phase : "Pending");
	for (i = 0; i < list.nr; i++)
		if (list.item[i].severity >= SEV_WARNING) {
			r->problem_id = arena_strdup(&r->arena, list.item[i].id);
			r->problem_summary = arena_strdup(&r->arena, list.item[i].summary);
			break;
		}
	diagnosis_list_release(&list);
	c = latest_true(exp);
	if (c && doc_get_str(c, "reason") && doc_get_str(c, "type") &&
	    !strcmp(doc_get_str(c, "type"), r->phase))
		r->phase_reason = doc_get_str(c, "reason");

	r->algorithm = doc_str(doc_lookup(exp, "spec.algorithm.algorithmName"));
	if (!r->algorithm)
		r->algorithm = "";
	add_settings(r, exp);
	r->early_stopping = doc_str(doc_lookup(exp, "spec.earlyStopping.algorithmName"));
	r->objective_type = doc_str(doc_lookup(exp, "spec.objective.type"));
	if (!r->objective_type || strcmp(r->objective_type, "minimize"))
		r->objective_type = "maximize";
	r->has_goal = !doc_float(doc_lookup(exp, "spec.objective.goal"), &r->goal);
	r->max_trials = int_at(exp, "spec.maxTrialCount", -1);
	r->parallel = int_at(exp, "spec.parallelTrialCount", 3);
	r->max_failed = int_at(exp, "spec.maxFailedTrialCount", -1);
	add_metrics(r, exp);

	n = doc_lookup(exp, "spec.parameters");
	if (n && n->kind == DOC_SEQ) {
		r->params = arena_alloc(&r->arena, (n->nr_children + 1) * sizeof(*r->params));
		for (n = n->child; n; n = n->next)
			r->params[r->nr_params++] = doc_get_str(n, "name") ? doc_get_str(n, "name") : "?";
	}

	r->trial = arena_alloc(&r->arena, (s->trials.nr + 1) * sizeof(*r->trial));
	for (i = 0; i < s->trials.nr; i++) {
		if (i + 2 < s->trials.nr)
			doc_prefetch(s->trials.item[i + 2], DOC_PREFETCH_OBJECT);
		add_trial(r, s->trials.item[i], now, &r->trial[r->nr_trials++]);
	}
	if (r->nr_trials)
		qsort(r->trial, r->nr_trials, sizeof(*r->trial), by_created);

	r->best = -1;
	r->objective = arena_alloc(&r->arena, (r->nr_trials + 1) * sizeof(double));
	r->best_so_far = arena_alloc(&r->arena, (r->nr_trials + 1) * sizeof(double));
	for (i = 0; i < r->nr_trials; i++) {
		struct status_trial *t = &r->trial[i];
		double v;

		t->order = i;
		if (!finished_with_objective(t))
			continue;
		v = t->metric[0];
		if (r->best < 0 || status_better(r, v, r->trial[r->best].metric[0]))
			r->best = (ptrdiff_t)i;
		r->objective[r->nr_points] = v;
		r->best_so_far[r->nr_points++] = r->trial[r->best].metric[0];
	}

	r->created = time_at(exp, "metadata.creationTimestamp");
	r->started = time_at(exp, "status.startTime");
	r->completed = time_at(exp, "status.completionTime");
	r->age = r->created != STATUS_NO_TIME ? now - r->created : -1;
	if (r->started == STATUS_NO_TIME)
		r->started = r->created;
	r->elapsed = r->started == STATUS_NO_TIME ? -1
		     : (r->completed != STATUS_NO_TIME ? r->completed : now) - r->started;
	r->remaining = estimate_remaining(r);
}

void status_release(struct status_report *r)
{
	arena_release(&r->arena);
	memset(r, 0, sizeof(*r));
}
