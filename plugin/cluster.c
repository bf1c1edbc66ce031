#include "compat.h"
#include "cluster.h"
#include "alloc.h"
#include "cmd.h"
#include "kube.h"
#include "recorded.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* For the man page, which describes them once for every command. */
const struct cmd_option cluster_options[] = {
	CLUSTER_OPTIONS,
	OPT_END,
};

long cluster_parse_timeout(const char *s)
{
	char *end;
	double v;

	if (!s || !*s || !isdigit((unsigned char)*s))
		return -1;
	v = strtod(s, &end);
	if (!*end || !strcmp(end, "s"))
		v *= 1000;
	else if (!strcmp(end, "m"))
		v *= 60000;
	else if (!strcmp(end, "h"))
		v *= 3600000;
	else if (strcmp(end, "ms"))
		return -1;
	if (v > 86400000.0)
		return -1;
	return (long)v;
}

int cluster_parse_verbosity(const char *s)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	v = strtol(s, &end, 10);
	return *end || v < 0 || v > 10 ? -1 : (int)v;
}

int cluster_opt(struct cluster_opts *o, int c, const char *arg, const char *cmd)
{
	switch (c) {
	case CLUSTER_OPT_KUBECONFIG:
		o->overrides.kubeconfig = arg;
		return 1;
	case CLUSTER_OPT_CONTEXT:
		o->overrides.context = arg;
		return 1;
	case CLUSTER_OPT_CLUSTER:
		o->overrides.cluster = arg;
		return 1;
	case CLUSTER_OPT_USER:
		o->overrides.user = arg;
		return 1;
	case 'n':
		o->overrides.namespace = arg;
		return 1;
	case 'v':
		if ((o->verbosity = cluster_parse_verbosity(arg)) < 0) {
			usage_error(cmd, "-v takes a level from 0 to 10, not '%s'", arg);
			return -1;
		}
		return 1;
	case CLUSTER_OPT_REQUEST_TIMEOUT:
		if (cluster_parse_timeout(arg) < 0) {
			usage_error(cmd, "--request-timeout takes a duration such as 30s, 1m or 500ms, not '%s'",
				    arg);
			return -1;
		}
		o->request_timeout = arg;
		return 1;
	}
	return 0;
}

/* kubectl -v=6 shows each request; -v=8 adds what was sent and received. */
static void print_trace(void *data, const struct kube_trace *t)
{
	const struct cluster_opts *o = data;

	if (t->status)
		fprintf(errout(), "trace: %s %s %ld in %ld ms\n", t->method, t->url,
			t->status, t->ms);
	else
		fprintf(errout(), "trace: %s %s failed after %ld ms\n", t->method,
			t->url, t->ms);
	if (o->verbosity >= 8)
		fprintf(errout(), "trace:   auth: %s; response: %zu bytes\n", t->auth,
			t->response_bytes);
}

int cluster_open(const struct cluster_opts *o, struct kube_config *cfg,
		 struct kube_client **client, struct fail *f)
{
	long timeout = o->request_timeout ? cluster_parse_timeout(o->request_timeout) : 0;

	*client = NULL;
	if (kubeconfig_load(cfg, &o->overrides, f))
		return -1;
	if (kube_client_new(client, cfg, timeout, f)) {
		kubeconfig_release(cfg);
		return -1;
	}
	if (o->verbosity >= 6)
		kube_client_set_trace(*client, print_trace, (void *)o);
	return 0;
}

int cluster_connect(const struct cluster_opts *o, struct kube_config *cfg,
		    struct kube_client **client)
{
	struct fail f = FAIL_INIT;

	if (cluster_open(o, cfg, client, &f)) {
		error_msg("%s", f.msg);
		return -1;
	}
	return 0;
}

int cluster_load_recording(struct recorded *rec, const char *dir)
{
	struct fail f = FAIL_INIT;

	if (recorded_load(rec, dir, &f)) {
		error_msg("%s", f.msg);
		return STATUS_USAGE;
	}
	return 0;
}

void cluster_disconnect(struct kube_config *cfg, struct kube_client *client)
{
	kube_client_free(client);
	kubeconfig_release(cfg);
}

/*
 * Katib's CRD declares no short names; "exp" is ours, the one users
 * reach for (kubectl itself would not know it).
 */
int experiment_type(const char *s, size_t n)
{
	static const char *const names[] = { "experiments", "experiment", "exp" };
	static const char *const groups[] = { "", ".kubeflow.org", ".v1beta1.kubeflow.org" };
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		for (j = 0; j < ARRAY_SIZE(groups); j++) {
			size_t a = strlen(names[i]), b = strlen(groups[j]);

			if (n == a + b && !strncasecmp(s, names[i], a) &&
			    !strncasecmp(s + a, groups[j], b))
				return 1;
		}
	return 0;
}

int experiment_ref(int nr, char *const *args, const char **name)
{
	const char *slash;

	if (nr < 1)
		return 0;
	slash = strchr(args[0], '/');
	if (slash) {
		if (!slash[1] || !experiment_type(args[0], (size_t)(slash - args[0])))
			return 0;
		*name = slash + 1;
		return 1;
	}
	if (nr < 2 || !experiment_type(args[0], strlen(args[0])))
		return 0;
	*name = args[1];
	return 2;
}
