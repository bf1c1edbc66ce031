/*
 * generate.h: an Experiment built from what only its author knows (the
 * image, the command, the search space, the objective), with everything
 * else filled in the way Katib needs it for the trial kind: the primary
 * container and pod labels, the istio opt-out on every pod template, a
 * restartPolicy the kind accepts, its success and failure conditions, and
 * each parameter passed to the program exactly once.
 */
#ifndef KATIB_SRC_GENERATE_H
#define KATIB_SRC_GENERATE_H

#include <stddef.h>

#include "arena.h"
#include "fail.h"

struct doc;

enum gen_param_type {
	GEN_DOUBLE,
	GEN_INT,
	GEN_CATEGORICAL,
	GEN_DISCRETE,
};

struct gen_param {
	const char *name;
	enum gen_param_type type;
	const char *min, *max, *step;	/* GEN_DOUBLE, GEN_INT */
	const char *distribution;	/* "logUniform", ... or NULL */
	const char **list;		/* GEN_CATEGORICAL, GEN_DISCRETE */
	size_t nr_list;
};

/* A "key=value" flag, split. */
struct gen_pair {
	const char *key, *value;
};

enum gen_objective {
	GEN_OBJECTIVE_GUESS,	/* from the metric's name */
	GEN_MINIMIZE,
	GEN_MAXIMIZE,
};

struct gen_experiment {
	const char *name, *namespace;
	const char *image;
	const char **command;		/* argv, or NULL: the image's own */
	size_t nr_command;
	struct gen_param *params;
	size_t nr_params;
	/* How a parameter reaches the program; {name} and {value} expand. */
	const char *param_format;
	const char *objective;
	enum gen_objective objective_type;
	const char *goal;
	const char **metrics;		/* additional metric names */
	size_t nr_metrics;
	const char *algorithm;
	struct gen_pair *settings;
	size_t nr_settings;
	/*
	 * 0 (max_failed -1): the default, GEN_PARALLEL and GEN_MAX_FAILED
	 * lowered to fit maxTrialCount; max_trials 0: 12 or the grid's size.
	 */
	long max_trials, parallel, max_failed;
	const char *early_stopping;
	const char *trial_kind;		/* Job, PyTorchJob, TFJob, ... */
	long workers;			/* replicas besides the primary */
	const char *cpu, *memory, *gpu;
	struct gen_pair *env;
	size_t nr_env;
	const char **pull_secrets;
	size_t nr_pull_secrets;
	const char *collector;		/* StdOut, File:/p, TensorFlowEvent:/d */
	const char *metrics_format;
};

#define GEN_PARAM_FORMAT_DEFAULT "--{name}={value}"

/*
 * Parses a --param flag: NAME=double:MIN:MAX[:log][:step=S],
 * NAME=int:MIN:MAX[:step=S], NAME=categorical:A,B,C, NAME=discrete:1,2,4.
 * Strings are allocated in a.  Returns 0, or -1 with f (FAIL_USAGE) set.
 */
int gen_param_parse(struct arena *a, const char *spec, struct gen_param *out,
		    struct fail *f);

/* Splits "KEY=VALUE" (KEY non-empty); -1 with f set otherwise. */
int gen_pair_parse(struct arena *a, const char *flag, const char *spec,
		   struct gen_pair *out, struct fail *f);

/* A Kubernetes resource quantity ("500m", "4Gi", "1e3")? */
int gen_is_quantity(const char *s);

/* The trial kinds create knows how to lay out, NULL-terminated. */
extern const char *const gen_trial_kinds[];

#define GEN_PARALLEL 3
#define GEN_MAX_FAILED 3

/* The counts g asks for, its defaults applied (the Experiment's values). */
long gen_max_trials(const struct gen_experiment *g);
long gen_parallel(const struct gen_experiment *g);
long gen_max_failed(const struct gen_experiment *g);

/*
 * Checks what the rules cannot see once the tree is built (a min above
 * its max, a bad quantity, an unknown trial kind or collector) and builds
 * the Experiment into d.  The objective type, when guessed, is reported
 * through *guessed (NULL: not guessed).  Returns 0, or -1 with f set.
 */
int gen_experiment_build(const struct gen_experiment *g, struct doc *d,
			 const char **guessed, struct fail *f);

#endif
