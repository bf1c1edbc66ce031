#include "compat.h"
#include "harness.h"
#include "buf.h"
#include "diagnose.h"
#include "doc-yaml.h"
#include "fail.h"
#include "recorded.h"
#include "status.h"
#include "timefmt.h"

static const char cluster[] =
	"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n"
	"  labels: {katib.kubeflow.org/metrics-collector-injection: enabled}\n"
	"---\napiVersion: kubeflow.org/v1beta1\nkind: Experiment\n"
	"metadata: {name: e, namespace: ns, creationTimestamp: \"2026-01-01T00:00:00Z\"}\n"
	"spec:\n  objective: {type: minimize, objectiveMetricName: loss,\n"
	"    additionalMetricNames: [acc], metricStrategies: [{name: acc, value: max}]}\n"
	"  algorithm: {algorithmName: random}\n  maxTrialCount: 6\n  parallelTrialCount: 2\n"
	"  parameters: [{name: lr, parameterType: double, feasibleSpace: {min: \"0.1\", max: \"1\"}}]\n"
	"status:\n  startTime: \"2026-01-01T00:00:00Z\"\n"
	"  conditions: [{type: Running, status: \"True\", reason: ExperimentRunning}]\n"
	"---\napiVersion: kubeflow.org/v1beta1\nkind: Trial\n"
	"metadata: {name: t2, namespace: ns, creationTimestamp: \"2026-01-01T00:02:00Z\","
	" labels: {katib.kubeflow.org/experiment: e}}\n"
	"spec: {parameterAssignments: [{name: lr, value: \"0.5\"}]}\n"
	"status: {startTime: \"2026-01-01T00:02:00Z\", completionTime: \"2026-01-01T00:12:00Z\",\n"
	"  conditions: [{type: Succeeded, status: \"True\"}],\n"
	"  observation: {metrics: [{name: loss, min: \"0.2\", max: \"0.9\", latest: \"0.3\"},"
	" {name: acc, min: \"0.1\", max: \"0.8\", latest: \"0.7\"}]}}\n"
	"---\napiVersion: kubeflow.org/v1beta1\nkind: Trial\n"
	"metadata: {name: t1, namespace: ns, creationTimestamp: \"2026-01-01T00:01:00+00:00\","
	" labels: {katib.kubeflow.org/experiment: e}}\n"
	"spec: {parameterAssignments: [{name: lr, value: \"0.9\"}]}\n"
	"status: {startTime: \"2026-01-01T00:01:00Z\", completionTime: \"2026-01-01T00:21:00Z\",\n"
	"  conditions: [{type: Succeeded, status: \"True\"}],\n"
	"  observation: {metrics: [{name: loss, min: \"0.4\", max: \"0.9\", latest: \"0.5\"}]}}\n"
	"---\napiVersion: kubeflow.org/v1beta1\nkind: Trial\n"
	"metadata: {name: t3, namespace: ns, creationTimestamp: \"2026-01-01T00:03:00Z\","
	" labels: {katib.kubeflow.org/experiment: e}}\n"
	"status: {startTime: \"2026-01-01T00:03:00Z\", conditions: [{type: Running, status: \"True\"}]}\n";

static void test_times(void)
{
	char s[32];
	const char *out = s;

	INT_EQ(status_parse_time("1970-01-01T00:00:00Z"), 0, "epoch");
	INT_EQ(status_parse_time("2026-11-20T12:00:00Z"), 1795176000, "a Z time");
	INT_EQ(status_parse_time("2026-11-20T13:30:00.123+01:30"), 1795176000, "an offset");
	INT_EQ(status_parse_time("2024-02-29T00:00:00Z") - status_parse_time("2024-02-28T00:00:00Z"),
	       86400, "a leap day");
	OK(status_parse_time("2026-11-20 12:00:00") == STATUS_NO_TIME, "no T: no time");
	OK(status_parse_time("2026-13-20T12:00:00Z") == STATUS_NO_TIME, "month 13");
	OK(status_parse_time(NULL) == STATUS_NO_TIME, "NULL");
	INT_EQ(status_parse_time("2026-11-20T06:30:00-05:30"), 1795176000, "a negative offset");
	OK(status_parse_time("2026-11-20T12:00:00.Z") == STATUS_NO_TIME,
	   "a fraction without digits, which metav1.Time refuses");
	OK(status_parse_time("2026-11-20T12:00:00Zx") == STATUS_NO_TIME, "text after the zone");
	time_human_duration(119, s, sizeof(s));
	STR_EQ(out, "119s", "under two minutes");
	time_human_duration(200, s, sizeof(s));
	STR_EQ(out, "3m20s", "minutes and seconds");
	time_human_duration(7199, s, sizeof(s));
	STR_EQ(out, "119m", "under three hours");
	time_human_duration(4 * 3600 + 60, s, sizeof(s));
	STR_EQ(out, "4h1m", "hours and minutes");
	time_human_duration(3 * 86400 + 3600, s, sizeof(s));
	STR_EQ(out, "3d1h", "days and hours");
	time_human_duration(-5, s, sizeof(s));
	STR_EQ(out, "<invalid>", "the future");
	time_human_duration(-1, s, sizeof(s));
	STR_EQ(out, "0s", "a clock a second behind");
	time_human_duration(3 * 365 * 86400 + 20 * 86400, s, sizeof(s));
	STR_EQ(out, "3y20d", "years and days");
}

/* Adds the documents of text to rec, as recorded_load() adds a file's. */
static void record_text(struct recorded *rec, const char *name, const char *text, size_t len)
{
	struct doc_reader *rd;
	struct fail f = FAIL_INIT;
	struct doc *d;

	doc_reader_open_mem(&rd, name, text, len, NULL);
	while (doc_reader_next(rd, &d, &f) > 0)
		recorded_add(rec, d);
	doc_reader_free(rd);
}

static void test_report(void)
{
	struct recorded rec;
	struct snapshot snap;
	struct status_report r;
	struct fail f = FAIL_INIT;
	int64_t now = status_parse_time("2026-01-01T01:00:00Z");

	memset(&rec, 0, sizeof(rec));
	rec.dir = "unit";
	record_text(&rec, "c.yaml", cluster, strlen(cluster));
	if (snapshot_from_recorded(&rec, "ns", "e", &snap, &f)) {
		OK(0, "snapshot: %s", f.msg);
		recorded_release(&rec);
		return;
	}
	status_build(&snap, now, &r);
	INT_EQ(r.nr_trials, 3, "trials");
	STR_EQ(r.trial[0].name, "t1", "by creation, whatever the offset's form");
	INT_EQ(r.succeeded, 2, "succeeded");
	INT_EQ(r.running, 1, "running");
	STR_EQ(r.metrics[0].strategy, "min", "minimize defaults to min");
	STR_EQ(r.metrics[1].strategy, "max", "a metricStrategy wins");
	OK(r.trial[1].has_metric[0] && r.trial[1].metric[0] == 0.2, "loss by min");
	OK(r.trial[1].has_metric[1] && r.trial[1].metric[1] == 0.8, "acc by max");
	OK(!r.trial[0].has_metric[1], "no acc: no value");
	INT_EQ(r.best, 1, "the lower loss is best");
	INT_EQ(r.nr_points, 2, "points");
	OK(r.best_so_far[0] == 0.4 && r.best_so_far[1] == 0.2, "best so far");
	INT_EQ(r.trial[2].duration, 57 * 60, "running: to now");
	/* 20 and 10 minutes: 15 on average; 4 left, 2 at a time. */
	INT_EQ(r.remaining, 2 * 15 * 60, "remaining");
	INT_EQ(r.elapsed, 3600, "elapsed");
	status_sort(&r, STATUS_SORT_OBJECTIVE);
	STR_EQ(r.trial[0].name, "t2", "objective: best first");
	STR_EQ(r.trial[2].name, "t3", "no objective: last");
	INT_EQ(r.best, 0, "best follows the sort");
	status_sort(&r, STATUS_SORT_NAME);
	STR_EQ(r.trial[0].name, "t1", "by name");
	status_release(&r);
	snapshot_release(&snap);
	recorded_release(&rec);
}

/*
 * Which recorded objects an Experiment's snapshot gets: found through
 * recorded_find()'s sorted views, they must be what a scan of every
 * object found, in recording order, a later object replacing an earlier.
 */
static const char two_namespaces[] =
	"kind: Experiment\nmetadata: {name: e, namespace: a, uid: first}\n"
	"spec: {algorithm: {algorithmName: random}, trialTemplate: {trialSpec: {kind: Job}}}\n"
	"---\nkind: Experiment\nmetadata: {name: e, namespace: b}\n"
	"spec: {algorithm: {algorithmName: random}, trialTemplate: {trialSpec: {kind: Job}}}\n"
	"---\nkind: Job\nmetadata: {name: t2, namespace: a}\n"
	"---\nkind: List\nitems:\n"
	"- {kind: Trial, metadata: {name: t2, namespace: a, labels: {katib.kubeflow.org/experiment: e}}}\n"
	"- {kind: Trial, metadata: {name: t1, namespace: a, labels: {katib.kubeflow.org/experiment: e}}}\n"
	"- {kind: Trial, metadata: {name: t9, namespace: b, labels: {katib.kubeflow.org/experiment: e}}}\n"
	"- {kind: Trial, metadata: {name: t8, namespace: a, labels: {katib.kubeflow.org/experiment: other}}}\n"
	"- {kind: Pod, metadata: {name: t1-pod, namespace: a, labels: {katib.kubeflow.org/experiment: e}}}\n"
	"- {kind: Event, metadata: {name: ev2, namespace: a}}\n"
	"- {kind: Event, metadata: {name: ev1, namespace: a}}\n"
	"- {kind: Event, metadata: {name: ev3, namespace: b}}\n"
	"- {kind: Job, metadata: {name: t1, namespace: a}}\n"
	"- {kind: Job, metadata: {name: t1, namespace: b}}\n"
	"- {kind: Job, metadata: {name: t8, namespace: a}}\n"
	"- {kind: Deployment, metadata: {name: e-random, namespace: a}}\n"
	"- {kind: Deployment, metadata: {name: e-randomx, namespace: a}}\n"
	"- {kind: Namespace, metadata: {name: a, namespace: odd}}\n"
	"- {kind: Namespace, metadata: {name: b}}\n"
	"- {kind: Suggestion, metadata: {name: e, namespace: a}}\n";

static const char *node_name(const struct doc_node *n)
{
	return doc_str(doc_lookup(n, "metadata.name"));
}

static void test_snapshot_objects(void)
{
	static const char later[] =
		"kind: Experiment\nmetadata: {name: e, namespace: a, uid: second}\n"
		"spec: {algorithm: {algorithmName: random}, trialTemplate: {trialSpec: {kind: Job}}}\n";
	struct recorded rec;
	const struct recorded_entry *e;
	struct snapshot snap;
	struct fail f = FAIL_INIT;

	memset(&rec, 0, sizeof(rec));
	OK(recorded_find(&rec, RECORDED_BY_KIND, "a", "Event", NULL, &e) == 0 && !e,
	   "an empty recording finds nothing");
	record_text(&rec, "c.yaml", two_namespaces, strlen(two_namespaces));
	INT_EQ(recorded_find(&rec, RECORDED_BY_KIND, "a", "Event", NULL, &e), 2, "a's events");
	STR_EQ(node_name(rec.object[e[0].at]), "ev2", "events in recording order");
	INT_EQ(recorded_find(&rec, RECORDED_BY_EXPERIMENT, "a", "Trial", "e", &e), 2,
	       "e's trials in a, not b's or other's");
	INT_EQ(recorded_find(&rec, RECORDED_BY_NAME, "a", "Job", "t", &e), 0,
	       "a name's prefix is not the name");
	INT_EQ(recorded_find(&rec, RECORDED_BY_NAME, "", "Namespace", "a", &e), 1,
	       "a Namespace is found whatever namespace it names");

	/* Added after a find: the views are rebuilt. */
	record_text(&rec, "later.yaml", later, strlen(later));
	if (snapshot_from_recorded(&rec, "a", "e", &snap, &f)) {
		OK(0, "snapshot: %s", f.msg);
		recorded_release(&rec);
		return;
	}
	STR_EQ(doc_str(doc_lookup(snap.experiment->root, "metadata.uid")), "second",
	       "the Experiment recorded last replaces the first");
	INT_EQ(snap.trials.nr, 2, "trials");
	STR_EQ(node_name(snap.trials.item[0]), "t2", "trials in recording order");
	INT_EQ(snap.pods.nr, 1, "pods");
	INT_EQ(snap.events.nr, 2, "the namespace's events");
	INT_EQ(snap.jobs.nr, 2, "the trials' Jobs, none of another namespace or Experiment");
	OK(snap.jobs.nr == 2 && !strcmp(node_name(snap.jobs.item[0]), "t2") &&
	   !strcmp(node_name(snap.jobs.item[1]), "t1"), "Jobs in recording order");
	STR_EQ(node_name(snap.deployment), "e-random", "the Deployment <name>-<algorithm>");
	STR_EQ(node_name(snap.namespace), "a", "the Namespace");
	STR_EQ(node_name(snap.suggestion), "e", "the Suggestion");
	snapshot_release(&snap);
	OK(snapshot_from_recorded(&rec, "c", "e", &snap, &f) == -1 && f.kind == FAIL_NOT_FOUND,
	   "an Experiment of another namespace is not found");
	fail_clear(&f);
	recorded_release(&rec);
}

/* Hundreds of keys: every one found, its objects in order (the sort is whole). */
static void test_find_many(void)
{
	struct recorded rec;
	struct buf y = BUF_INIT;
	const struct recorded_entry *e;
	int i, bad = 0;

	memset(&rec, 0, sizeof(rec));
	buf_adds(&y, "kind: List\nitems:\n");
	for (i = 0; i < 300; i++)
		buf_addf(&y, "- {kind: Job, metadata: {name: j%03d, namespace: n%d,"
			 " labels: {katib.kubeflow.org/experiment: e%02d}}}\n",
			 (i * 7) % 300, i % 3, i % 50);
	record_text(&rec, "many.yaml", y.buf, y.len);
	for (i = 0; i < 300; i++) {
		char name[8], ns[4];

		snprintf(name, sizeof(name), "j%03d", (i * 7) % 300);
		snprintf(ns, sizeof(ns), "n%d", i % 3);
		if (recorded_find(&rec, RECORDED_BY_NAME, ns, "Job", name, &e) != 1 ||
		    e->at != (size_t)i)
			bad++;
	}
	INT_EQ(bad, 0, "each of 300 names is found, once, where it was recorded");
	for (i = 0, bad = 0; i < 50; i++) {
		char label[4];
		size_t n, j, want;

		snprintf(label, sizeof(label), "e%02d", i);
		n = recorded_find(&rec, RECORDED_BY_EXPERIMENT, "n0", "Job", label, &e);
		for (j = 1; j < n; j++)
			if (e[j].at <= e[j - 1].at)
				bad++;
		for (j = (size_t)i, want = 0; j < 300; j += 50)
			want += j % 3 == 0;
		if (n != want)
			bad++;
	}
	INT_EQ(bad, 0, "a label's objects in recording order");
	INT_EQ(recorded_find(&rec, RECORDED_BY_KIND, "n1", "Job", NULL, &e), 100,
	       "a namespace's 100 Jobs");
	buf_release(&y);
	recorded_release(&rec);
}

static void test_name_ok(void)
{
	OK(recorded_name_ok("team-a") && recorded_name_ok("mnist-x.1_y"), "names a path may hold");
	OK(!recorded_name_ok(NULL) && !recorded_name_ok(""), "no name");
	OK(!recorded_name_ok(".") && !recorded_name_ok(".."), "no name that leads out");
	OK(!recorded_name_ok("a/b") && !recorded_name_ok("a b"), "no separator or blank");
}

void test_status(void)
{
	test_times();
	test_report();
	test_snapshot_objects();
	test_find_many();
	test_name_ok();
}
