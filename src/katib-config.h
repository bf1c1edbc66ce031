/*
 * katib-config.h: what a Katib installation serves, the facts that the
 * algorithm, early-stopping, collector and trial-kind rules check against:
 * the katib-config of a default install (katib_config_default, for the
 * latest release), or one read from a file, and the Katib release the
 * rules should behave like.
 */
#ifndef KATIB_SRC_KATIB_CONFIG_H
#define KATIB_SRC_KATIB_CONFIG_H

#include <stddef.h>

#include "arena.h"
#include "fail.h"

/* The oldest and newest Katib releases whose behaviour the rules know. */
#define KATIB_MINOR_OLDEST 15
#define KATIB_MINOR_LATEST 19

struct katib_config {
	const char *version;		/* "v0.19" */
	int minor;			/* 19 */
	const char *source;		/* "the default katib-config" or a file */
	/* NULL-terminated; images[i] belongs to names[i] ("" if blank). */
	const char *const *algorithms;
	const char *const *algorithm_images;
	const char *const *early_stoppings;
	const char *const *early_stopping_images;
	const char *const *collectors;	/* kinds with a collector image */
	const char *const *trial_resources;	/* Kind.version.group */
	/*
	 * The target cluster's Kubernetes minor version (31 for 1.31), for
	 * the API server's checks that changed between releases; 0: a
	 * current release.
	 */
	int kube_minor;
	struct arena arena;		/* owns a loaded config's strings */
};

/*
 * "1.31", "v1.31" or "1.31.4": the minor version (31), or -1 when s is
 * not a Kubernetes 1.x version from 1.20 on.
 */
int kubernetes_version_parse(const char *s);

extern const struct katib_config katib_config_default;

/*
 * Reads a KatibConfig document, or the katib-config ConfigMap as
 * `kubectl get cm katib-config -o yaml` writes it, into *out (release it
 * with katib_config_release()).  Returns 0, or -1 with f set.
 */
int katib_config_load(struct katib_config *out, const char *path,
		      struct fail *f);
/* The same from text in memory (e.g. the ConfigMap's data fetched from a
 * cluster); name says where it came from in messages. */
int katib_config_load_text(struct katib_config *out, const char *name,
			   const char *text, size_t len, struct fail *f);
void katib_config_release(struct katib_config *cfg);

/* Parses "v0.18", "0.18" or "v0.18.1" into 18; -1 if unknown. */
int katib_version_parse(const char *s);

/* Whether name is in the NULL-terminated list. */
int katib_config_has(const char *const *list, const char *name);
/* The image of name in names/images, "" if blank, NULL if absent. */
const char *katib_config_image(const char *const *names,
			       const char *const *images, const char *name);
/* The list joined with ", " into a static buffer (for hints). */
const char *katib_config_join(const char *const *list);

/*
 * The suggestion service that serves algorithm according to cfg ("optuna",
 * "hyperopt", ...), found from its image name; NULL for a custom image or
 * an algorithm cfg does not serve.
 */
const char *katib_config_service(const struct katib_config *cfg,
				 const char *algorithm);

#endif
