/*
 * cluster.h: the kubectl-style options of commands that talk to a
 * cluster (--kubeconfig, --context, --cluster, --user, -n/--namespace,
 * --request-timeout), and connecting with them.
 */
#ifndef KATIB_PLUGIN_CLUSTER_H
#define KATIB_PLUGIN_CLUSTER_H

#include "kubeconfig.h"
#include "options.h"

struct kube_client;

struct cluster_opts {
	struct kube_overrides overrides;
	const char *request_timeout;	/* "30s", "1m", "500ms", or NULL */
	int verbosity;			/* -v N: 6 traces requests, 8 more */
};

/*
 * An Experiment named as kubectl names objects: "experiment NAME" or
 * "experiment/NAME", with the plural, the short name "exp", or the group
 * ("experiments.kubeflow.org", "experiment.v1beta1.kubeflow.org", what
 * `create -o name` prints), in any case.  Reads args[0] (and args[1]);
 * returns how many it used (1 or 2) and sets *name, or 0 when args[0]
 * is no such reference.  An empty NAME ("experiment/") is not one.
 */
int experiment_ref(int nr, char *const *args, const char **name);
/* Whether the n bytes at s name the Experiment type ("experiment", "exp", ...). */
int experiment_type(const char *s, size_t n);

/* Parses -v's level (0 to 10); -1 if it is not one. */
int cluster_parse_verbosity(const char *s);

/*
 * The entries of those options, for a command's table of options (its
 * own option values must stay below CLUSTER_OPT_FIRST).
 */
enum {
	CLUSTER_OPT_FIRST = 0x1000,
	CLUSTER_OPT_KUBECONFIG = CLUSTER_OPT_FIRST,
	CLUSTER_OPT_CONTEXT,
	CLUSTER_OPT_CLUSTER,
	CLUSTER_OPT_USER,
	CLUSTER_OPT_REQUEST_TIMEOUT,
};

#define CLUSTER_OPTIONS                                                       \
	OPT_VALUE("kubeconfig", 0, CLUSTER_OPT_KUBECONFIG, COMPLETE_FILE,     \
		  "FILE", "the kubeconfig file to use"),                      \
	OPT_VALUE("context", 0, CLUSTER_OPT_CONTEXT, COMPLETE_NOTHING,        \
		  "NAME", "the kubeconfig context to use"),                   \
	OPT_VALUE("cluster", 0, CLUSTER_OPT_CLUSTER, COMPLETE_NOTHING,        \
		  "NAME", "the kubeconfig cluster to use"),                   \
	OPT_VALUE("user", 0, CLUSTER_OPT_USER, COMPLETE_NOTHING,              \
		  "NAME", "the kubeconfig user to use"),                      \
	OPT_VALUE("namespace", 'n', 'n', COMPLETE_NOTHING,                    \
		  "NS", "the namespace (default: the context's)"),            \
	OPT_VALUE("request-timeout", 0, CLUSTER_OPT_REQUEST_TIMEOUT,          \
		  COMPLETE_NOTHING,                                           \
		  "T", "how long to wait for each request (30s, 1m, 500ms)"), \
	OPT_VALUE("v", 'v', 'v', COMPLETE_NOTHING, "N",                      \
		  "trace requests on stderr (6; 8 adds more), as kubectl;\n"  \
		  "credentials are never shown")

/*
 * The line of a command's --help that stands for those options but -n
 * (whose meaning each command says itself); the man page describes each
 * of them once, from CLUSTER_OPTIONS.
 */
#define CLUSTER_HELP_ITEM                                                     \
	{ "kubeconfig context cluster user request-timeout v",                \
	  "--kubeconfig, --context, --cluster, --user, --request-timeout, -v N", \
	  "as for kubectl" }

/*
 * Takes getopt's option c with argument arg into o when it is one of
 * those.  Returns 1 when taken, 0 when c is not one of them, and for a
 * bad value prints why (as command cmd) and returns -1: exit 2.
 */
int cluster_opt(struct cluster_opts *o, int c, const char *arg, const char *cmd);

/* Parses a kubectl duration ("30s", "2m", "500ms", "10" = seconds) into
 * milliseconds; -1 if it is not one. */
long cluster_parse_timeout(const char *s);

/*
 * Loads the configuration and makes a client; on failure prints why and
 * returns -1 (the caller exits 3).  Release with cluster_disconnect().
 */
int cluster_connect(const struct cluster_opts *o, struct kube_config *cfg,
		    struct kube_client **client);
/* The same, silent: why it failed is in f (for shell completion). */
int cluster_open(const struct cluster_opts *o, struct kube_config *cfg,
		 struct kube_client **client, struct fail *f);
void cluster_disconnect(struct kube_config *cfg, struct kube_client *client);

struct recorded;
/*
 * Loads a recording of a cluster (--from DIR); on failure prints why and
 * returns the exit status: 2, since a recording is input, missing or
 * unreadable as validate's files are.  Release with recorded_release().
 */
int cluster_load_recording(struct recorded *rec, const char *dir);

#endif
