/*
 * kubeconfig.h: where the cluster is and who we are, resolved the way
 * kubectl resolves it: --kubeconfig, else $KUBECONFIG (a ':'-separated
 * list merged in order, the first value of each name winning), else
 * ~/.kube/config, else the in-cluster service account.  --context,
 * --cluster, --user and --namespace override the current context's.
 *
 * A struct kube_config owns all its strings (release it with
 * kubeconfig_release()).  Credentials stay in it and in http.c: nothing
 * prints them.
 */
#ifndef KATIB_SRC_KUBECONFIG_H
#define KATIB_SRC_KUBECONFIG_H

#include "arena.h"
#include "fail.h"

struct kube_overrides {
	const char *kubeconfig;		/* a file, instead of $KUBECONFIG */
	const char *context, *cluster, *user, *namespace;
};

/* An exec credential plugin (client.authentication.k8s.io). */
struct kube_exec {
	const char *command;
	const char *const *args;	/* NULL-terminated */
	const char *const *env;		/* "NAME=value", NULL-terminated */
	const char *api_version;
};

struct kube_config {
	const char *source;		/* the file(s) it came from, or "in-cluster" */
	const char *context;		/* the context used, or "" */
	const char *server;
	const char *namespace;		/* never NULL: "default" at worst */
	const char *ca_file, *ca_data;	/* ca_data is PEM, decoded */
	const char *tls_server_name;
	const char *proxy_url;
	int insecure;
	const char *token, *token_file;
	const char *cert_file, *key_file;
	const char *cert_data, *key_data;	/* PEM, decoded */
	struct kube_exec *exec;		/* NULL unless the user has one */
	struct arena arena;
};

/*
 * Resolves the configuration into *out.  Returns 0, or -1 with f set
 * (FAIL_NOT_FOUND: no configuration at all; FAIL_PROTOCOL: a file that is
 * not a kubeconfig, or a context/cluster/user that does not exist).
 */
int kubeconfig_load(struct kube_config *out, const struct kube_overrides *o,
		    struct fail *f);
void kubeconfig_release(struct kube_config *cfg);

#endif
