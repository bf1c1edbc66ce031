/*
 * lint-config.h: the project configuration file, .katib-lint.yaml:
 *
 *	rules:
 *	  istio-sidecar-not-disabled: error
 *	  max-trial-count-missing: off
 *	strict: false
 *	istio: false		# the cluster has no Istio; true: it injects
 *	katibVersion: v0.18
 *	katibConfig: deploy/katib-config.yaml	# relative to this file
 *
 * Command-line options win over the file.
 */
#ifndef KATIB_PLUGIN_LINT_CONFIG_H
#define KATIB_PLUGIN_LINT_CONFIG_H

#include "diag.h"

/* What is known of Istio where trials run (--istio, --no-istio, istio:). */
enum istio_setting {
	ISTIO_UNKNOWN,		/* a missing opt-out is a warning */
	ISTIO_INJECTS,		/* ... an error: the trial hangs */
	ISTIO_ABSENT,		/* ... nothing: no sidecar to keep pods running */
};

struct lint_config {
	char *path;			/* the file read, NULL if none */
	enum severity *severities;	/* per rule; -1 where not set */
	int strict;
	enum istio_setting istio;
	char *katib_version;
	char *katib_config;		/* resolved against the file's dir */
};

/*
 * Reads path, or when path is NULL the file $KATIB_LINT_CONFIG names (none
 * if it is empty), or else the first .katib-lint.yaml found from the
 * current directory upwards (none is fine).  Returns 0, or -1 after
 * printing why (a usage error).
 */
int lint_config_load(struct lint_config *cfg, const char *path);
void lint_config_release(struct lint_config *cfg);

#endif
