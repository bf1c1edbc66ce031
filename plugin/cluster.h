/*
 * cluster.h: the kubectl-style options of commands that talk to a
 * cluster (--kubeconfig, --context, --cluster, --user, -n/--namespace,
 * --request-timeout), and connecting with them.
 */
#ifndef KATIB_PLUGIN_CLUSTER_H
#define KATIB_PLUGIN_CLUSTER_H

#include "kubeconfig.h"

struct kube_client;

struct cluster_opts {
	struct kube_overrides overrides;
	const char *request_timeout;	/* "30s", "1m", "500ms", or NULL */
	int verbosity;			/* -v N: 6 traces requests, 8 more */
};

/* Parses -v's level (0 to 10); -1 if it is not one. */
int cluster_parse_verbosity(const char *s);

/* Parses a kubectl duration ("30s", "2m", "500ms", "10" = seconds) into
 * milliseconds; -1 if it is not one. */
long cluster_parse_timeout(const char *s);

/*
 * Loads the configuration and makes a client; on failure prints why and
 * returns -1 (the caller exits 3).  Release with cluster_disconnect().
 */
int cluster_connect(const struct cluster_opts *o, struct kube_config *cfg,
		    struct kube_client **client);
void cluster_disconnect(struct kube_config *cfg, struct kube_client *client);

#endif
