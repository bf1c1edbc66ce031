#include "compat.h"
#include "harness.h"
#include "alloc.h"
#include "doc-yaml.h"
#include "fail.h"
#include "suggestion-request.h"

/*
 * The request repro record writes beside a recorded reply is what Katib's
 * controller would send (ConvertExperiment): the recorded reply is only
 * evidence if the request that produced it is reproduced exactly.
 */

/* The request as TAP comment lines, to see what a failed check saw. */
static void show(const char *req)
{
	const char *nl;

	for (; *req; req = nl + !!*nl) {
		nl = strchrnul(req, '\n');
		printf("# %.*s\n", (int)(nl - req), req);
	}
}

/* Whether the request for yaml holds each of the lines of want, in order. */
static void request_has(const char *what, const char *yaml, int early,
			const char *const *want)
{
	struct doc *d = harness_parse(yaml);
	const char *at;
	char *req;

	OK(d != NULL, "%s: the Experiment parses", what);
	if (!d)
		return;
	req = suggestion_request_from_experiment(d->root, early);
	for (at = req; *want; want++) {
		const char *hit = strstr(at, *want);

		OK(hit != NULL, "%s: the request holds '%s' after what came before",
		   what, *want);
		if (hit)
			at = hit + strlen(*want);
		else
			show(req);
	}
	free(req);
	doc_free(d);
}

static void test_types_and_feasible_space(void)
{
	static const char *const want[] = {
		"\"name\": \"lr\"",
		"\"parameter_type\": \"DOUBLE\"",
		"\"max\": \"0.5\"", "\"min\": \"0.01\"", "\"step\": \"0.01\"",
		"\"name\": \"layers\"",
		"\"parameter_type\": \"INT\"",
		"\"max\": \"5\"", "\"min\": \"1\"",
		"\"name\": \"optimizer\"",
		"\"parameter_type\": \"CATEGORICAL\"",
		"\"list\"", "\"sgd\"", "\"adam\"",
		"\"name\": \"untyped\"",
		/* An unset enum is the proto enum's zero value, as Go's
		 * zero value converts. */
		"\"parameter_type\": \"UNKNOWN_TYPE\"",
		"\"objective\"", "\"type\": \"MAXIMIZE\"", "\"goal\": 0.9",
		NULL,
	};

	request_has("parameters and goal",
		    "apiVersion: kubeflow.org/v1beta1\n"
		    "kind: Experiment\n"
		    "metadata: {name: x}\n"
		    "spec:\n"
		    "  objective: {type: maximize, goal: 0.9, objectiveMetricName: acc}\n"
		    "  algorithm: {algorithmName: random}\n"
		    "  parameters:\n"
		    "  - name: lr\n"
		    "    parameterType: double\n"
		    "    feasibleSpace: {min: \"0.01\", max: \"0.5\", step: \"0.01\"}\n"
		    "  - name: layers\n"
		    "    parameterType: int\n"
		    "    feasibleSpace: {min: \"1\", max: \"5\"}\n"
		    "  - name: optimizer\n"
		    "    parameterType: categorical\n"
		    "    feasibleSpace: {list: [sgd, adam]}\n"
		    "  - name: untyped\n"
		    "    feasibleSpace: {min: \"1\", max: \"2\"}\n",
		    0, want);
}

static void test_objective(void)
{
	static const char *const int_goal[] = {
		"\"type\": \"MINIMIZE\"", "\"goal\": 3", NULL,
	};
	static const char *const no_type[] = { "\"type\": \"UNKNOWN\"", NULL };

	request_has("an integer goal",
		    "kind: Experiment\nmetadata: {name: x}\n"
		    "spec:\n  objective: {type: minimize, goal: 3, objectiveMetricName: loss}\n",
		    0, int_goal);
	request_has("no objective type",
		    "kind: Experiment\nmetadata: {name: x}\n"
		    "spec:\n  objective: {objectiveMetricName: loss}\n",
		    0, no_type);
}

/* A goal Katib's Go type (*float64) could not hold is not sent at all. */
static void test_string_goal_not_sent(void)
{
	struct doc *d = harness_parse("kind: Experiment\nmetadata: {name: x}\n"
			      "spec:\n  objective: {type: minimize, goal: \"0.5\"}\n");
	char *req;

	OK(d != NULL, "the Experiment parses");
	if (!d)
		return;
	req = suggestion_request_from_experiment(d->root, 0);
	OK(!strstr(req, "\"goal\""), "a string goal is not sent");
	free(req);
	doc_free(d);
}

/* A reply released twice (as an error path may) frees nothing twice. */
static void test_reply_release_twice(void)
{
	struct suggestion_reply r = { 0 };

	r.service = xstrdup("hyperopt");
	r.details = xstrdup("bad");
	r.code = GRPC_INVALID_ARGUMENT;
	suggestion_reply_release(&r);
	OK(!r.service && !r.details && !r.method && !r.code,
	   "a released reply is empty");
	suggestion_reply_release(&r);
}

void test_suggestion_request(void)
{
	test_types_and_feasible_space();
	test_objective();
	test_string_goal_not_sent();
	test_reply_release_twice();
}
