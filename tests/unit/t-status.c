#include "compat.h"
#include "harness.h"
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

static void test_report(void)
{
	struct doc_reader *rd;
	struct recorded rec;
	struct snapshot snap;
	struct status_report r;
	struct fail f = FAIL_INIT;
	struct doc *d;
	int64_t now = status_parse_time("2026-01-01T01:00:00Z");

	memset(&rec, 0, sizeof(rec));
	rec.dir = "unit";
	doc_reader_open_mem(&rd, "c.yaml", cluster, strlen(cluster), NULL);
	while (doc_reader_next(rd, &d, &f) > 0)
		recorded_add(&rec, d);
	doc_reader_free(rd);
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

void test_status(void)
{
	test_times();
	test_report();
}
