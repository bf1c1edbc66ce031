/*
 * katib-config.h: what a Katib installation serves: the facts that
 * algorithm, early-stopping and collector rules check names against.
 * katib_config_default is the katib-config of a default install of the
 * latest release (v0.19).
 */
#ifndef KATIB_SRC_KATIB_CONFIG_H
#define KATIB_SRC_KATIB_CONFIG_H

#include <stddef.h>

struct katib_config {
	const char *version;
	const char *const *algorithms;
	const char *const *early_stoppings;
	const char *const *collectors;	/* kinds with a collector image */
	const char *const *trial_resources;	/* Kind.version.group */
};

extern const struct katib_config katib_config_default;

/* Whether name is in the NULL-terminated list. */
int katib_config_has(const char *const *list, const char *name);
/* The list joined with ", " into a static buffer (for hints). */
const char *katib_config_join(const char *const *list);

#endif
