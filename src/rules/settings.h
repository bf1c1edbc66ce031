/*
 * rules/settings.h: the algorithm settings each suggestion and
 * early-stopping service knows, with what it accepts.  The checks of
 * rules/services.c and the editor's completion read the same table.
 */
#ifndef KATIB_SRC_RULES_SETTINGS_H
#define KATIB_SRC_RULES_SETTINGS_H

#include "katib-config.h"

struct service_setting {
	const char *service;	/* "optuna", ..., "medianstop" */
	const char *algorithms;	/* those that take it: "tpe and random" */
	const char *name;
	const char *type;	/* "int", "float", "string", "float or None" */
	const char *range;	/* what the service accepts, in its words */
	const char *dflt;	/* what the service does when it is unset */
};

extern const struct service_setting service_settings[];
extern const size_t nr_service_settings;

/* Whether algorithm (of service) takes the setting. */
int service_setting_serves(const struct service_setting *st,
			   const char *service, const char *algorithm);

/*
 * The service that validates algorithm's settings according to cfg:
 * a suggestion service, or "medianstop" when early is set.  NULL when
 * cfg does not serve it or serves it with a custom image.
 */
const char *service_of_settings(const struct katib_config *cfg,
				const char *algorithm, int early);

#endif
