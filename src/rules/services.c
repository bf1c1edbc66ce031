/*
 * rules/services.c: what the suggestion and early-stopping services say
 * about an Experiment's settings and search space (rules catalogue §3),
 * bug class 2.  Katib asks them only once the suggestion pod runs, minutes
 * after admission; these checks give the same verdict offline.
 *
 * Each service is emulated with the parsing it really does (Python int()
 * and float(), Go strconv) and quoted with the message it really sends.
 * Where a service answers with the first problem only, every problem is
 * reported here, each with what the service would say about it.
 */
#include "compat.h"
#include "rules/rules.h"
#include "rules/settings.h"
#include "alloc.h"
#include "buf.h"
#include "doc.h"
#include "experiment.h"
#include "katib-config.h"
#include "levenshtein.h"
#include "numparse.h"

#include <inttypes.h>
#include <math.h>

struct svc {
	const struct rule_ctx *ctx;
	struct diag_list *out;
	const char *service;		/* "hyperopt", ... */
	const char *algorithm;
	const struct doc_node *algorithm_node;
};

/* ---- reporting ---- */

static const char *validation_effect(void)
{
	return "Katib accepts the Experiment, then the Suggestion fails with 'Validation failed: ValidateAlgorithmSettings Error: ...' and the Experiment fails";
}

/*
 * grpc-python answers an uncaught exception with UNKNOWN; the services'
 * own checks abort with INVALID_ARGUMENT.
 */
static enum grpc_code reply_code(const char *details)
{
	static const char exception[] = "Exception calling application:";

	return strncmp(details, exception, strlen(exception))
		? GRPC_INVALID_ARGUMENT : GRPC_UNKNOWN;
}

/* The service rejects it in ValidateAlgorithmSettings: the Experiment fails. */
static struct diag *svc_reject(struct svc *s, const char *rule,
			       const struct doc_node *at, const char *what,
			       const char *details)
{
	struct diag *d = diag_add(s->out, rule_get(rule), at,
				  "%s: the %s service answers \"%s\"", what,
				  s->service, details);

	diag_hint(s->out, d, "%s", validation_effect());
	return diag_reply(s->out, d, reply_code(details), 0, details);
}

/* It passes validation and then fails every time trials are asked for. */
static struct diag *svc_hang(struct svc *s, const char *rule,
			     const struct doc_node *at, const char *what,
			     const char *details)
{
	return diag_add(s->out, rule_get(rule), at,
			"%s: the %s service fails with \"%s\" each time Katib asks it for trials, and the Experiment stays Running with no trials",
			what, s->service, details);
}

static const char *py_int_error(struct buf *b, const char *v)
{
	buf_reset(b);
	buf_adds(b, "invalid literal for int() with base 10: ");
	num_py_repr(b, v);
	return b->buf;
}

static const char *py_float_error(struct buf *b, const char *v)
{
	buf_reset(b);
	buf_adds(b, "could not convert string to float: ");
	num_py_repr(b, v);
	return b->buf;
}

/* ---- settings ---- */

struct setting {
	const struct doc_node *node;	/* the list entry */
	const struct doc_node *name_node;
	const struct doc_node *value_node;
	const char *name;
	const char *value;
};

static size_t read_settings(const struct doc_node *seq, struct setting **out)
{
	struct setting *list = NULL;
	size_t nr = 0, alloc = 0;
	const struct doc_node *e;

	for (e = seq && seq->kind == DOC_SEQ ? seq->child : NULL; e; e = e->next) {
		const char *name = doc_get_str(e, "name");
		const struct doc_node *v = doc_get(e, "value");

		if (!name || (v && v->kind != DOC_STR && v->kind != DOC_NULL))
			continue;	/* the type rule reports it */
		ALLOC_GROW(list, nr + 1, alloc);
		list[nr].node = e;
		list[nr].name_node = doc_get(e, "name");
		list[nr].value_node = v ? v : e;
		list[nr].name = name;
		list[nr].value = doc_str(v) ? v->text : "";
		nr++;
	}
	*out = list;
	return nr;
}

static const struct setting *find_setting(const struct setting *set, size_t nr,
					  const char *name)
{
	size_t i = nr;

	while (i--)	/* the last one wins when Python builds its dict */
		if (!strcmp(set[i].name, name))
			return &set[i];
	return NULL;
}

/*
 * Every service's settings (rules catalogue §3): the checks below take
 * their lists of known keys from here, and a user whose key belongs to
 * another backend is told which one ("n_ei_candidates" is optuna's
 * spelling).  Defaults marked with a library's name are that library's,
 * not Katib's.  The algorithms of hyperband, enas, darts and pbt are
 * NULL: those services never look at the name they are asked with.
 */
const struct service_setting service_settings[] = {
	{ "hyperopt", "tpe", "gamma", "float", "0 < v < 1", "0.25 (hyperopt's)" },
	{ "hyperopt", "tpe", "prior_weight", "float", "> 0", "1.0 (hyperopt's)" },
	{ "hyperopt", "tpe", "n_EI_candidates", "int", "> 0", "24 (hyperopt's)" },
	{ "hyperopt", "tpe and random", "random_state", "int", ">= 0", "unseeded" },
	{ "optuna", "tpe and multivariate-tpe", "n_startup_trials", "int", ">= 0",
	  "10 (optuna's)" },
	{ "optuna", "tpe and multivariate-tpe", "n_ei_candidates", "int", ">= 0",
	  "24 (optuna's)" },
	{ "optuna", "cmaes", "restart_strategy", "string", "ipop, None or none",
	  "None (no restart)" },
	{ "optuna", "cmaes", "sigma", "float", ">= 0",
	  "a sixth of the narrowest parameter range (optuna's)" },
	{ "optuna", "tpe, multivariate-tpe, cmaes, random and grid", "random_state",
	  "int", ">= 0", "unseeded" },
	{ "goptuna", "cmaes, tpe and random", "random_state", "int",
	  "any Go int (strconv.Atoi)", "goptuna's" },
	{ "goptuna", "cmaes", "sigma", "float", "any Go float (strconv.ParseFloat)",
	  "goptuna's" },
	{ "goptuna", "cmaes", "restart_strategy", "string", "ipop, bipop or none",
	  "none (no restart)" },
	{ "goptuna", "tpe", "n_startup_trials", "int", "any Go int (strconv.Atoi)",
	  "goptuna's" },
	{ "goptuna", "tpe", "n_ei_candidates", "int", "any Go int (strconv.Atoi)",
	  "goptuna's" },
	{ "skopt", "bayesianoptimization", "base_estimator", "string",
	  "GP, RF, ET or GBRT", "GP" },
	{ "skopt", "bayesianoptimization", "n_initial_points", "int", ">= 0", "10" },
	{ "skopt", "bayesianoptimization", "acq_func", "string",
	  "gp_hedge, LCB, EI, PI, EIps or PIps", "gp_hedge" },
	{ "skopt", "bayesianoptimization", "acq_optimizer", "string",
	  "auto, sampling or lbfgs", "auto" },
	{ "skopt", "bayesianoptimization", "random_state", "int", ">= 0", "unseeded" },
	{ "hyperband", NULL, "r_l", "float", ">= 0", "none: required" },
	{ "hyperband", NULL, "resource_name", "string", "the name of a parameter",
	  "none: required" },
	{ "hyperband", NULL, "eta", "float", "truncated to an int; <= 0 means 3", "3" },
	/* The enas ranges are printed as the service prints them. */
	{ "enas", NULL, "controller_hidden_size", "int", "[1, inf)", "64" },
	{ "enas", NULL, "controller_temperature", "float or None", "(0, inf)", "5.0" },
	{ "enas", NULL, "controller_tanh_const", "float or None", "(0, inf)", "2.25" },
	{ "enas", NULL, "controller_entropy_weight", "float or None", "(0.0, inf)", "1e-5" },
	{ "enas", NULL, "controller_baseline_decay", "float", "(0.0, 1.0)", "0.999" },
	{ "enas", NULL, "controller_learning_rate", "float", "(0.0, 1.0)", "5e-5" },
	{ "enas", NULL, "controller_skip_target", "float", "(0.0, 1.0)", "0.4" },
	{ "enas", NULL, "controller_skip_weight", "float or None", "(0.0, inf)", "0.8" },
	{ "enas", NULL, "controller_train_steps", "int", "[1, inf)", "50" },
	{ "enas", NULL, "controller_log_every_steps", "int", "[1, inf)", "10" },
	{ "darts", NULL, "num_epochs", "int", "> 0", "50" },
	{ "darts", NULL, "w_lr", "float", ">= 0", "0.025" },
	{ "darts", NULL, "w_lr_min", "float", ">= 0", "0.001" },
	{ "darts", NULL, "alpha_lr", "float", ">= 0", "3e-4" },
	{ "darts", NULL, "w_weight_decay", "float", ">= 0", "3e-4" },
	{ "darts", NULL, "alpha_weight_decay", "float", ">= 0", "1e-3" },
	{ "darts", NULL, "w_momentum", "float", ">= 0", "0.9" },
	{ "darts", NULL, "w_grad_clip", "float", ">= 0", "5.0" },
	{ "darts", NULL, "batch_size", "int or None", ">= 1", "128" },
	{ "darts", NULL, "num_workers", "int", ">= 0", "4" },
	{ "darts", NULL, "init_channels", "int", ">= 1", "16" },
	{ "darts", NULL, "print_step", "int", ">= 1", "50" },
	{ "darts", NULL, "num_nodes", "int", ">= 1", "4" },
	{ "darts", NULL, "stem_multiplier", "int", ">= 1", "3" },
	{ "pbt", NULL, "suggestion_trial_dir", "string", "a directory path",
	  "none: required" },
	{ "pbt", NULL, "n_population", "int", ">= 5", "none: required" },
	{ "pbt", NULL, "truncation_threshold", "float", "0 <= v <= 1",
	  "none: required" },
	{ "pbt", NULL, "resample_probability", "float",
	  "0 <= v <= 1, but the service fails on any value",
	  "unset: values are perturbed by 0.8 or 1.2" },
	{ "medianstop", "medianstop", "min_trials_required", "int", "> 0", "3" },
	{ "medianstop", "medianstop", "start_step", "int", ">= 1", "4" },
};
const size_t nr_service_settings = ARRAY_SIZE(service_settings);

/* Whether word is one of list's "a, b and c". */
static int words_have(const char *list, const char *word)
{
	size_t n = strlen(word);

	while (*list) {
		size_t k = strcspn(list, " ,");

		if (k == n && !strncmp(list, word, n) && strcmp(word, "and"))
			return 1;
		list += k;
		list += strspn(list, " ,");
	}
	return 0;
}

int service_setting_serves(const struct service_setting *st,
			   const char *service, const char *algorithm)
{
	/* The first byte first: every document asks this of every row. */
	return st->service[0] == service[0] && !strcmp(st->service, service) &&
	       (!st->algorithms || (algorithm && words_have(st->algorithms, algorithm)));
}

const char *service_of_settings(const struct katib_config *cfg,
				const char *algorithm, int early)
{
	const char *image;

	if (!early)
		return katib_config_service(cfg, algorithm);
	image = algorithm ? katib_config_image(cfg->early_stoppings,
					       cfg->early_stopping_images, algorithm)
			  : NULL;
	return image && strstr(image, "earlystopping-medianstop") ? "medianstop" : NULL;
}

#define MAX_KEYS 32

/* The keys algorithm takes from service, NULL-terminated in keys. */
static const char *const *known_keys(const char *service, const char *algorithm,
				     const char **keys)
{
	size_t i, n = 0;

	for (i = 0; i < nr_service_settings; i++)
		if (service_setting_serves(&service_settings[i], service, algorithm)) {
			if (n + 1 == MAX_KEYS)
				BUG("more than %d settings", MAX_KEYS - 1);
			keys[n++] = service_settings[i].name;
		}
	keys[n] = NULL;
	return keys;
}

static const struct service_setting *setting_row(const char *service,
						 const char *name)
{
	size_t i;

	for (i = 0; i < nr_service_settings; i++)
		if (!strcmp(service_settings[i].service, service) &&
		    !strcmp(service_settings[i].name, name))
			return &service_settings[i];
	return NULL;
}

/* "did you mean" over the keys a service knows, ignoring case. */
static void hint_known_keys(struct svc *s, struct diag *d, const char *name,
			    const char *const *known)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX, i;

	for (i = 0; i < nr_service_settings; i++) {
		const struct service_setting *other = &service_settings[i];
		const char *algs = other->algorithms ? other->algorithms : other->service;

		if (strcmp(other->name, name) || !strcmp(other->service, s->service))
			continue;
		for (best_d = 0; known[best_d]; best_d++)
			if (!levenshtein(name, strlen(name), known[best_d],
					 strlen(known[best_d]), 1))
				break;
		if (known[best_d])
			diag_hint(s->out, d, "'%s' is the %s service's spelling (for %s); the %s service serving %s here spells it '%s'",
				  name, other->service, algs,
				  s->service, s->algorithm, known[best_d]);
		else
			diag_hint(s->out, d, "'%s' is a setting of the %s service (for %s), but %s is served by the %s service here, which takes %s",
				  name, other->service, algs,
				  s->algorithm, s->service,
				  known[0] ? katib_config_join(known) : "no settings");
		return;
	}
	best_d = SIZE_MAX;

	for (i = 0; known[i]; i++) {
		size_t dist = levenshtein(name, strlen(name), known[i],
					  strlen(known[i]), 1);

		if (dist < best_d) {
			best_d = dist;
			best = known[i];
		}
	}
	if (best && best_d <= 3)
		diag_hint(s->out, d, "did you mean '%s'? (the %s service's spelling for %s; %s)",
			  best, s->service, s->algorithm, validation_effect());
	else if (known[0])
		diag_hint(s->out, d, "%s (%s service) takes: %s", s->algorithm,
			  s->service, katib_config_join(known));
	else
		diag_hint(s->out, d, "%s takes no settings", s->algorithm);
}

static void unknown_setting(struct svc *s, const struct setting *st,
			    const char *const *known, int rejected)
{
	struct buf details = BUF_INIT;
	struct diag *d;

	if (rejected) {
		buf_addf(&details, "unknown setting %s for algorithm %s", st->name,
			 s->algorithm);
		d = diag_add(s->out, rule_get("algorithm-setting-invalid"), st->name_node,
			     "%s does not know the setting '%s': the %s service answers \"%s\"",
			     s->algorithm, st->name, s->service, details.buf);
		diag_reply(s->out, d, GRPC_INVALID_ARGUMENT, 0, details.buf);
	} else {
		d = diag_add(s->out, rule_get("algorithm-setting-ignored"), st->name_node,
			     "%s does not know the setting '%s'; the %s service ignores it, so it has no effect",
			     s->algorithm, st->name, s->service);
	}
	hint_known_keys(s, d, st->name, known);
	buf_release(&details);
}

/*
 * Python-parsed numeric setting with a range; *ok is cleared on failure.
 * Returns the value.
 */
static double py_number(struct svc *s, const struct setting *st, int is_int,
			int *ok, const char *rule)
{
	struct buf why = BUF_INIT, details = BUF_INIT;
	int64_t iv;
	double v = 0;

	*ok = 1;
	if (is_int ? num_py_int(st->value, &iv) : num_py_float(st->value, &v)) {
		buf_addf(&details, "failed to validate %s(%s): %s", st->name, st->value,
			 is_int ? py_int_error(&why, st->value)
				: py_float_error(&why, st->value));
		svc_reject(s, rule, st->value_node,
			   is_int ? "the value is not an integer" : "the value is not a number",
			   details.buf);
		*ok = 0;
	} else if (is_int) {
		v = (double)iv;
	}
	buf_release(&why);
	buf_release(&details);
	return v;
}

/* Reports message when a value that parsed (ok) is not accepted. */
static void py_range(struct svc *s, const struct setting *st, int ok,
		     int accepted, const char *message)
{
	if (ok && !accepted)
		svc_reject(s, "algorithm-setting-invalid", st->value_node,
			   "the value is out of range", message);
}

/* ---- parameters ---- */

enum ptype { P_UNKNOWN, P_INT, P_DOUBLE, P_CATEGORICAL, P_DISCRETE };

struct param {
	const struct doc_node *node;
	const char *name;
	enum ptype type;
	const char *min, *max, *step;
	const char *dist;		/* after defaulting: "uniform" */
	const struct doc_node *fs;
	const struct doc_node *list;
};

static enum ptype parse_ptype(const char *t)
{
	if (!t)
		return P_UNKNOWN;
	if (!strcmp(t, "int"))
		return P_INT;
	if (!strcmp(t, "double"))
		return P_DOUBLE;
	if (!strcmp(t, "categorical"))
		return P_CATEGORICAL;
	if (!strcmp(t, "discrete"))
		return P_DISCRETE;
	return P_UNKNOWN;
}

static size_t read_params(const struct doc_node *seq, struct param **out)
{
	struct param *list = NULL;
	size_t nr = 0, alloc = 0;
	const struct doc_node *p;

	for (p = seq && seq->kind == DOC_SEQ ? seq->child : NULL; p; p = p->next) {
		const struct doc_node *fs = doc_get_kind(p, "feasibleSpace", DOC_MAP);
		const char *dist = doc_get_str(fs, "distribution");

		if (p->kind != DOC_MAP)
			continue;
		ALLOC_GROW(list, nr + 1, alloc);
		list[nr].node = p;
		list[nr].name = doc_get_str(p, "name") ? doc_get_str(p, "name") : "";
		list[nr].type = parse_ptype(doc_get_str(p, "parameterType"));
		list[nr].fs = fs;
		list[nr].min = doc_get_str(fs, "min") ? doc_get_str(fs, "min") : "";
		list[nr].max = doc_get_str(fs, "max") ? doc_get_str(fs, "max") : "";
		list[nr].step = doc_get_str(fs, "step") ? doc_get_str(fs, "step") : "";
		list[nr].dist = dist && *dist ? dist : "uniform";	/* DEF-11 */
		list[nr].list = doc_get_kind(fs, "list", DOC_SEQ);
		nr++;
	}
	*out = list;
	return nr;
}

static size_t continuous_dims(const struct param *p, size_t nr)
{
	size_t i, n = 0;

	for (i = 0; i < nr; i++)
		n += p[i].type == P_INT || p[i].type == P_DOUBLE;
	return n;
}

/* Warns that a service samples a parameter differently than asked. */
static void distribution_ignored(struct svc *s, const struct param *p,
				 const char *how)
{
	const struct doc_node *d = doc_get(p->fs, "distribution");

	if (!d || !strcmp(p->dist, "uniform"))
		return;
	diag_hint(s->out, diag_add(s->out, rule_get("algorithm-distribution-ignored"), d,
				   "the %s service %s: distribution '%s' of parameter '%s' has no effect",
				   s->service, how, p->dist, p->name),
		  "remove distribution, or choose an algorithm whose service honours it (random and tpe do)");
}

/* ---- hyperopt: random, tpe (§3.2) ---- */

static void svc_hyperopt(struct svc *s, const struct setting *set, size_t nr,
			 const struct param *par, size_t np)
{
	const char *known[MAX_KEYS];
	int tpe = !strcmp(s->algorithm, "tpe");
	size_t i;

	if (!tpe && strcmp(s->algorithm, "random")) {
		struct buf b = BUF_INIT;

		buf_addf(&b, "unknown algorithm name %s", s->algorithm);
		svc_reject(s, "algorithm-setting-invalid", s->algorithm_node,
			   "the hyperopt service does not implement this algorithm", b.buf);
		buf_release(&b);
		return;
	}
	for (i = 0; i < nr; i++) {
		const struct setting *st = &set[i];
		int ok;
		double v;

		if (tpe && !strcmp(st->name, "gamma")) {
			v = py_number(s, st, 0, &ok, "algorithm-setting-invalid");
			py_range(s, st, ok, v > 0 && v < 1, "gamma should be in the range of (0, 1)");
		} else if (tpe && !strcmp(st->name, "prior_weight")) {
			v = py_number(s, st, 0, &ok, "algorithm-setting-invalid");
			py_range(s, st, ok, v > 0, "prior_weight should be great than zero");
		} else if (tpe && !strcmp(st->name, "n_EI_candidates")) {
			v = py_number(s, st, 1, &ok, "algorithm-setting-invalid");
			py_range(s, st, ok, v > 0, "n_EI_candidates should be great than zero");
		} else if (!strcmp(st->name, "random_state")) {
			v = py_number(s, st, 1, &ok, "algorithm-setting-invalid");
			py_range(s, st, ok, v >= 0, "random_state should be great or equal than zero");
		} else {
			unknown_setting(s, st, known_keys(s->service, s->algorithm, known), 1);
		}
	}
	/* The search space is built at GetSuggestions (hyperopt/base_service.py). */
	for (i = 0; i < np; i++) {
		const struct param *p = &par[i];
		double lo, hi;

		if (p->type != P_INT && p->type != P_DOUBLE)
			continue;
		if ((!strcmp(p->dist, "logUniform") || !strcmp(p->dist, "logNormal")) &&
		    !num_py_float(p->min, &lo) && !num_py_float(p->max, &hi) &&
		    (lo <= 0 || hi <= 0))
			diag_hint(s->out, svc_hang(s, "algorithm-search-space-hangs", p->node,
						   "a log distribution needs min and max greater than 0",
						   "math domain error"),
				  "give parameter '%s' bounds above 0, or use distribution: uniform", p->name);
		else if (!strcmp(p->dist, "normal"))
			diag_hint(s->out, diag_add(s->out, rule_get("algorithm-distribution-ignored"),
						   doc_get(p->fs, "distribution"),
						   "the hyperopt service samples parameter '%s' from a normal distribution centred between min and max; values outside [%s, %s] will be tried",
						   p->name, p->min, p->max),
				  "use distribution: uniform if the training code cannot take values outside the bounds");
	}
}

/* ---- optuna: tpe, multivariate-tpe, cmaes, random, grid (§3.3) ---- */

/* Grid points of one parameter, computed as the optuna service does. */
static int grid_points(const struct param *p, double *out, struct buf *why)
{
	int64_t a, b, st = 1;
	double lo, hi, step, n;

	switch (p->type) {
	case P_INT:
		if (num_py_int(p->min, &a) || num_py_int(p->max, &b) ||
		    (*p->step && num_py_int(p->step, &st))) {
			const char *bad = num_py_int(p->min, &a) ? p->min
					: num_py_int(p->max, &b) ? p->max : p->step;

			buf_adds(why, "invalid literal for int() with base 10: ");
			num_py_repr(why, bad);
			return -1;
		}
		if (!st) {
			buf_adds(why, "range() arg 3 must not be zero");
			return -1;
		}
		b += 1;
		n = st > 0 ? (b > a ? ceil((double)(b - a) / (double)st) : 0)
			   : (a > b ? ceil((double)(a - b) / (double)-st) : 0);
		*out = n;
		return 0;
	case P_DOUBLE:
		if (!*p->step) {
			buf_addf(why, "Param %s step is nil; For discrete search space, all parameters must include step",
				 p->name);
			return -1;
		}
		if (num_py_float(p->min, &lo) || num_py_float(p->max, &hi) ||
		    num_py_float(p->step, &step)) {
			const char *bad = num_py_float(p->min, &lo) ? p->min
					: num_py_float(p->max, &hi) ? p->max : p->step;

			buf_adds(why, "could not convert string to float: ");
			num_py_repr(why, bad);
			return -1;
		}
		/* numpy 1.24's arange: its length is ceil((stop - start) / step). */
		if (step == 0) {
			buf_adds(why, "float division by zero");
			return -1;
		}
		n = ((hi + step) - lo) / step;
		if (isnan(n)) {
			buf_adds(why, "arange: cannot compute length");
			return -1;
		}
		if (n > 9.2e18) {
			buf_adds(why, "Maximum allowed size exceeded");
			return -1;
		}
		/*
		 * numpy.arange(min, max + step, step), the last point trimmed if
		 * > max.  arange fills point i with min + i * delta, where delta
		 * is (min + step) - min, not step: 0.1 + 3 * 0.30000000000000004
		 * exceeds 1, so min 0.1, max 1, step 0.3 has three points.
		 */
		n = ceil(((hi + step) - lo) / step);
		if (n <= 0) {	/* the service looks at the last point */
			buf_adds(why, "index -1 is out of bounds for axis 0 with size 0");
			return -1;
		}
		if (n > 1 && lo + (n - 1) * ((lo + step) - lo) > hi)
			n -= 1;
		else if (n == 1 && lo > hi)
			n = 0;	/* the one point is trimmed */
		*out = n;
		return 0;
	case P_CATEGORICAL:
	case P_DISCRETE:
		*out = p->list ? (double)p->list->nr_children : 0;
		return 0;
	default:
		buf_adds(why, "Unsupported parameter type UNKNOWN_TYPE");
		return -1;
	}
}

/*
 * Settings the optuna service accepts and its sampler then refuses, at
 * the first request for trials or once TPE leaves its random start-up
 * trials (optuna 3.1, recorded in tests/data/oracle/optuna.json).
 */
static void optuna_hangs(struct svc *s, const struct setting *set, size_t nr, int tpe)
{
	const struct setting *seed = find_setting(set, nr, "random_state");
	const struct setting *ei = find_setting(set, nr, "n_ei_candidates");
	const struct setting *startup = find_setting(set, nr, "n_startup_trials");
	int64_t v, n_startup = 10, max = s->ctx->exp->max_trial_count;
	int64_t par = s->ctx->exp->parallel_trial_count;

	if (seed && !num_py_int(seed->value, &v) && v > 4294967295LL)
		diag_hint(s->out, svc_hang(s, "algorithm-setting-hangs", seed->value_node,
					   "random_state becomes numpy's seed, which is at most 2**32 - 1",
					   "Seed must be between 0 and 2**32 - 1"),
			  "use a random_state from 0 to 4294967295");
	if (!tpe || !ei || num_py_int(ei->value, &v) || v != 0)
		return;
	if (startup && (num_py_int(startup->value, &n_startup) || n_startup < 0))
		return;
	if (par < 1)
		par = 1;
	/*
	 * Katib asks for parallelTrialCount trials at a time, each batch once
	 * the one before completed: the model is first used for the batch
	 * asked with n_startup_trials trials completed.
	 */
	if (max > 0 && (max - 1) / par * par < n_startup)
		return;
	diag_hint(s->out, svc_hang(s, "algorithm-setting-hangs", ei->value_node,
				   "with n_ei_candidates 0, TPE has no candidates to choose from once its start-up trials are done",
				   "The size of 'samples' should be more than 0.But samples.size = 0"),
		  "use n_ei_candidates of 1 or more (optuna's default is 24)");
}

static void svc_optuna(struct svc *s, const struct setting *set, size_t nr,
		       const struct param *par, size_t np)
{
	const char *a = s->algorithm;
	int tpe = !strcmp(a, "tpe") || !strcmp(a, "multivariate-tpe");
	int cmaes = !strcmp(a, "cmaes"), grid = !strcmp(a, "grid");
	int random = !strcmp(a, "random");
	const char *keys[MAX_KEYS];
	const char *const *known = known_keys(s->service, a, keys);
	size_t i;

	if (!tpe && !cmaes && !grid && !random) {
		struct buf b = BUF_INIT;

		buf_addf(&b, "unknown algorithm name %s", a);
		svc_reject(s, "algorithm-setting-invalid", s->algorithm_node,
			   "the optuna service does not implement this algorithm", b.buf);
		buf_release(&b);
		return;
	}
	for (i = 0; i < nr; i++) {
		const struct setting *st = &set[i];
		int ok;
		double v;

		if (tpe && (!strcmp(st->name, "n_startup_trials") ||
			    !strcmp(st->name, "n_ei_candidates"))) {
			struct buf m = BUF_INIT;

			v = py_number(s, st, 1, &ok, "algorithm-setting-invalid");
			buf_addf(&m, "%s should be greate or equal than zero", st->name);
			py_range(s, st, ok, v >= 0, m.buf);
			buf_release(&m);
		} else if (cmaes && !strcmp(st->name, "restart_strategy")) {
			if (strcmp(st->value, "ipop") && strcmp(st->value, "None") &&
			    strcmp(st->value, "none")) {
				struct buf m = BUF_INIT;

				buf_addf(&m, "restart_strategy %s is not supported in CMAES optimization",
					 st->value);
				diag_hint(s->out, svc_reject(s, "algorithm-setting-invalid", st->value_node,
							     "the restart strategy is not supported", m.buf),
					  "the optuna cmaes takes ipop or None (bipop is goptuna's)");
				buf_release(&m);
			}
		} else if (cmaes && !strcmp(st->name, "sigma")) {
			v = py_number(s, st, 0, &ok, "algorithm-setting-invalid");
			py_range(s, st, ok, v >= 0, "sigma should be greate or equal than zero");
		} else if (!strcmp(st->name, "random_state")) {
			v = py_number(s, st, 1, &ok, "algorithm-setting-invalid");
			if (ok && !(v >= 0)) {
				if (tpe || cmaes)
					py_range(s, st, ok, 0, "random_state should be greate or equal than zero");
				else
					diag_hint(s->out, diag_reply(s->out, diag_add(s->out, rule_get("algorithm-setting-invalid"),
								   st->value_node,
								   "random_state must not be negative: the optuna service rejects it with an empty message"),
								   GRPC_INVALID_ARGUMENT, 0, ""),
						  "Katib then reports 'Validation failed: ValidateAlgorithmSettings Error: ' with nothing after it, and the Experiment fails");
			}
		} else {
			unknown_setting(s, st, known, 1);
		}
	}
	optuna_hangs(s, set, nr, tpe);
	if (cmaes && continuous_dims(par, np) < 2)
		diag_hint(s->out, svc_reject(s, "algorithm-search-space-invalid", s->algorithm_node,
					     "cmaes needs at least two int or double parameters",
					     "cmaes only supports two or more dimensional continuous search space."),
			  "add another int or double parameter, or use another algorithm");
	if (grid) {
		double combos = 1;
		int good = 1;

		for (i = 0; i < np && good; i++) {
			struct buf why = BUF_INIT, m = BUF_INIT;
			double n;

			if (grid_points(&par[i], &n, &why)) {
				size_t k;

				/* The service prints its list of HyperParameter
				 * objects; their addresses are unknowable. */
				buf_adds(&m, "failed to validate parameters([");
				for (k = 0; k < np; k++)
					buf_addf(&m, "%s<pkg.suggestion.v1beta1.internal.search_space.HyperParameter object at 0x…>",
						 k ? ", " : "");
				buf_addf(&m, "]): %s", why.buf);
				diag_hint(s->out, svc_reject(s, "algorithm-search-space-invalid", par[i].node,
							     "grid cannot enumerate this parameter", m.buf),
					  "grid needs a step for every double parameter and whole numbers for int ones");
				good = 0;
			} else {
				combos *= n;
			}
			buf_release(&why);
			buf_release(&m);
		}
		if (good && s->ctx->exp->max_trial_count > 0 &&
		    (double)s->ctx->exp->max_trial_count > combos) {
			struct buf m = BUF_INIT;

			buf_addf(&m, "Max Trial Count: %lld > all possible search combinations: %.0f",
				 (long long)s->ctx->exp->max_trial_count, combos);
			diag_hint(s->out, svc_reject(s, "algorithm-search-space-invalid",
						     s->ctx->exp->max_trial_node,
						     "maxTrialCount is larger than the grid", m.buf),
				  "set maxTrialCount to at most %.0f, or make the grid finer", combos);
			buf_release(&m);
		}
		return;
	}
	for (i = 0; i < np; i++) {
		const struct param *p = &par[i];

		if (p->type != P_INT && p->type != P_DOUBLE)
			continue;
		if (!strcmp(p->dist, "normal") || !strcmp(p->dist, "logNormal")) {
			if (s->ctx->config->minor < 18)
				distribution_ignored(s, p, "ignores distributions before Katib v0.18");
			else
				diag_hint(s->out, diag_add(s->out, rule_get("algorithm-search-space-hangs"),
							   doc_get(p->fs, "distribution"),
							   "the optuna service does not support distribution '%s': Katib v0.18 and v0.19 silently drop parameter '%s' from the search space, so no trial can be created, and later releases fail with \"Unsupported distribution %s for parameter %s. The Optuna suggestion service supports only UNIFORM and LOG_UNIFORM for %s parameters.\"",
							   p->dist, p->name,
							   strcmp(p->dist, "normal") ? "LOG_NORMAL" : "NORMAL",
							   p->name, p->type == P_INT ? "int" : "double"),
					  "use uniform or logUniform with %s, or an algorithm served by hyperopt (random, tpe)", s->algorithm);
		}
	}
}

/* ---- goptuna: cmaes, sobol, tpe, random (§3.4) ---- */

/* Go's Atoi syntax: so a parse failure of such a text is an overflow. */
static int go_int_syntax(const char *t)
{
	if (*t == '+' || *t == '-')
		t++;
	if (!*t)
		return 0;
	for (; *t; t++)
		if (*t < '0' || *t > '9')
			return 0;
	return 1;
}

static void goptuna_internal(struct svc *s, const struct doc_node *at,
			     const char *what, const char *inner)
{
	struct buf m = BUF_INIT;

	buf_addf(&m, "Failed to create goptuna study and search space: %s", inner);
	diag_hint(s->out, diag_reply(s->out, diag_add(s->out, rule_get("algorithm-setting-hangs"), at,
				   "%s: the goptuna service answers \"%s\" with gRPC INTERNAL, which Katib's controller takes for success; every request for trials then fails the same way and the Experiment stays Running with no trials",
				   what, m.buf), GRPC_INTERNAL, 0, m.buf),
		  "fix the value; Katib will not report this error anywhere but the suggestion pod's log");
	buf_release(&m);
}

static void svc_goptuna(struct svc *s, const struct setting *set, size_t nr,
			const struct param *par, size_t np)
{
	const char *a = s->algorithm;
	int cmaes = !strcmp(a, "cmaes"), tpe = !strcmp(a, "tpe");
	int random = !strcmp(a, "random"), sobol = !strcmp(a, "sobol");
	const char *keys[MAX_KEYS];
	const char *const *known = known_keys(s->service, a, keys);
	struct buf inner = BUF_INIT;
	size_t i, j;
	int64_t iv;
	double dv;

	if (!cmaes && !tpe && !random && !sobol) {
		svc_reject(s, "algorithm-setting-invalid", s->algorithm_node,
			   "the goptuna service does not implement this algorithm",
			   "unsupported algorithm");
		return;
	}
	optuna_hangs(s, set, nr, tpe);
	if (cmaes && continuous_dims(par, np) < 2)
		diag_hint(s->out, svc_reject(s, "algorithm-search-space-invalid", s->algorithm_node,
					     "cmaes needs at least two int or double parameters",
					     "CMA-ES only supports two or more dimensional continuous search space."),
			  "add another int or double parameter, or use another algorithm");
	for (i = 0; i < np; i++)
		for (j = 0; j < i; j++)
			if (*par[i].name && !strcmp(par[i].name, par[j].name)) {
				buf_reset(&inner);
				buf_addf(&inner, "Detect duplicated parameter name: %s", par[i].name);
				svc_reject(s, "algorithm-search-space-invalid", doc_get(par[i].node, "name"),
					   "parameter names must be unique", inner.buf);
			}
	for (i = 0; i < nr; i++) {
		const struct setting *st = &set[i];

		buf_reset(&inner);
		if (!katib_config_has(known, st->name)) {
			unknown_setting(s, st, known, 0);
		} else if (!strcmp(st->name, "sigma")) {
			if (num_go_float(st->value, &dv)) {
				buf_addf(&inner, "strconv.ParseFloat: parsing \"%s\": invalid syntax", st->value);
				goptuna_internal(s, st->value_node, "sigma is not a number", inner.buf);
			}
		} else if (!strcmp(st->name, "restart_strategy")) {
			if (strcmp(st->value, "ipop") && strcmp(st->value, "bipop") &&
			    strcmp(st->value, "none")) {
				buf_addf(&inner, "invalid restart_strategy: '%s'", st->value);
				goptuna_internal(s, st->value_node,
						 "goptuna's cmaes takes ipop, bipop or none (lower case)",
						 inner.buf);
			}
		} else if (num_go_int(st->value, &iv)) {
			buf_addf(&inner, "strconv.Atoi: parsing \"%s\": %s", st->value,
				 go_int_syntax(st->value) ? "value out of range" : "invalid syntax");
			goptuna_internal(s, st->value_node, "the value is not an integer Go can parse",
					 inner.buf);
		}
	}
	for (i = 0; i < np; i++) {
		const struct param *p = &par[i];
		const char *fields[3] = { p->min, p->max, p->step };
		const char *names[3] = { "min", "max", "step" };
		size_t k;

		buf_reset(&inner);
		if (p->type == P_UNKNOWN) {
			goptuna_internal(s, p->node, "the parameter type is not supported",
					 "Unsupported parameter type: UNKNOWN_TYPE");
			continue;
		}
		for (k = 0; k < 3 && (p->type == P_INT || p->type == P_DOUBLE); k++) {
			if (!*fields[k] && k == 2)
				continue;
			if (p->type == P_INT ? num_go_int(fields[k], &iv)
					     : num_go_float(fields[k], &dv)) {
				buf_addf(&inner, "strconv.%s: parsing \"%s\": invalid syntax",
					 p->type == P_INT ? "Atoi" : "ParseFloat", fields[k]);
				goptuna_internal(s, doc_get(p->fs, names[k]) ? doc_get(p->fs, names[k]) : p->node,
						 p->type == P_INT ? "goptuna reads int bounds with Go's strconv.Atoi"
								  : "goptuna reads double bounds with Go's strconv.ParseFloat",
						 inner.buf);
				break;
			}
		}
		distribution_ignored(s, p, "samples every parameter uniformly");
	}
	buf_release(&inner);
}

/* ---- skopt: bayesianoptimization (§3.5) ---- */

static void svc_skopt(struct svc *s, const struct setting *set, size_t nr,
		      const struct param *par, size_t np)
{
	const char *keys[MAX_KEYS];
	static const char *const estimators[] = { "GP", "RF", "ET", "GBRT", NULL };
	static const char *const funcs[] = { "gp_hedge", "LCB", "EI", "PI", "EIps",
					     "PIps", NULL };
	static const char *const optimizers[] = { "auto", "sampling", "lbfgs", NULL };
	const struct setting *est, *opt;
	struct buf m = BUF_INIT;
	size_t i;

	if (strcmp(s->algorithm, "bayesianoptimization")) {
		buf_addf(&m, "unknown algorithm name %s", s->algorithm);
		svc_reject(s, "algorithm-setting-invalid", s->algorithm_node,
			   "the skopt service implements only bayesianoptimization", m.buf);
		buf_release(&m);
		return;
	}
	for (i = 0; i < nr; i++) {
		const struct setting *st = &set[i];
		int ok;
		double v;

		buf_reset(&m);
		if (!strcmp(st->name, "base_estimator") || !strcmp(st->name, "acq_func") ||
		    !strcmp(st->name, "acq_optimizer")) {
			const char *const *allowed = st->name[0] == 'b' ? estimators
						   : st->name[4] == 'f' ? funcs : optimizers;

			if (!katib_config_has(allowed, st->value)) {
				buf_addf(&m, "%s %s is not supported in Bayesian optimization",
					 st->name, st->value);
				diag_hint(s->out, svc_reject(s, "algorithm-setting-invalid", st->value_node,
							     "the value is not supported", m.buf),
					  "%s takes: %s", st->name, katib_config_join(allowed));
			} else if (!strcmp(st->name, "acq_func") &&
				   (!strcmp(st->value, "EIps") || !strcmp(st->value, "PIps"))) {
				svc_hang(s, "algorithm-setting-hangs", st->value_node,
					 "EIps and PIps need the time each trial took, which Katib never reports",
					 "expected y to be a list of (func_val, t)");
			}
		} else if (!strcmp(st->name, "n_initial_points")) {
			v = py_number(s, st, 1, &ok, "algorithm-setting-invalid");
			py_range(s, st, ok, v >= 0, "n_initial_points should be great or equal than zero");
			if (ok && v == 0)
				svc_hang(s, "algorithm-setting-hangs", st->value_node,
					 "with no initial random points there is no model to ask",
					 "Random evaluations exhausted and no model has been fit.");
		} else if (!strcmp(st->name, "random_state")) {
			v = py_number(s, st, 1, &ok, "algorithm-setting-invalid");
			py_range(s, st, ok, v >= 0, "random_state should be great or equal than zero");
		} else {
			unknown_setting(s, st, known_keys(s->service, s->algorithm, keys), 1);
		}
	}
	est = find_setting(set, nr, "base_estimator");
	opt = find_setting(set, nr, "acq_optimizer");
	if (est && strcmp(est->value, "GP") && katib_config_has(estimators, est->value) &&
	    opt && !strcmp(opt->value, "lbfgs"))
		diag_hint(s->out, svc_hang(s, "algorithm-setting-hangs", opt->value_node,
					   "tree-based estimators cannot use the lbfgs acquisition optimizer",
					   "Regressor should run with acq_optimizer='sampling'"),
			  "use acq_optimizer: sampling (or auto) with base_estimator %s", est->value);
	for (i = 0; i < np; i++) {
		const struct param *p = &par[i];
		double lo;

		if (p->type != P_DOUBLE)
			continue;
		if (!num_py_float(p->min, &lo) && lo <= 0)
			diag_hint(s->out, svc_hang(s, "algorithm-search-space-hangs",
						   doc_get(p->fs, "min") ? doc_get(p->fs, "min") : p->node,
						   "bayesianoptimization samples every double on a log scale, so min must be greater than 0",
						   "the lower bound of a log-uniform distribution must be positive"),
				  "give parameter '%s' a min above 0, or use another algorithm", p->name);
		else if (strcmp(p->dist, "logUniform"))
			distribution_ignored(s, p, "samples every double log-uniformly");
	}
	buf_release(&m);
}

/* ---- hyperband (§3.6) ---- */

static void svc_hyperband(struct svc *s, const struct setting *set, size_t nr,
			  const struct param *par, size_t np)
{
	static const char *const state_keys[] = { "s_max", "b_l", "r", "n",
						  "current_s", "current_i",
						  "evaluating_trials", NULL };
	const char *known[MAX_KEYS];
	const char *const *keys = known_keys(s->service, NULL, known);
	const struct setting *rl = find_setting(set, nr, "r_l");
	const struct setting *rn = find_setting(set, nr, "resource_name");
	const struct setting *eta_s = find_setting(set, nr, "eta");
	const struct experiment *e = s->ctx->exp;
	double r_l = 0, eta = 3;
	int rl_ok = 0;
	size_t i, j;

	for (i = 0; i < nr; i++) {
		if (katib_config_has(keys, set[i].name))
			continue;
		if (katib_config_has(state_keys, set[i].name))
			diag_hint(s->out, diag_add(s->out, rule_get("algorithm-setting-ignored"),
						   set[i].name_node,
						   "'%s' is hyperband's internal state; the service overwrites it as it runs",
						   set[i].name),
				  "remove it: only r_l, resource_name and eta are settings");
		else
			unknown_setting(s, &set[i], keys, 0);
	}
	if (!rl || !rn) {
		diag_hint(s->out, svc_reject(s, "algorithm-setting-invalid",
					     s->ctx->exp->algorithm,
					     "hyperband needs the settings r_l and resource_name",
					     "r_l and resource_name must be set."),
			  "r_l is the maximum budget (e.g. \"9\"), resource_name the parameter that receives it (e.g. \"epochs\")");
	}
	if (rl) {
		if (num_py_float(rl->value, &r_l) || r_l < 0)
			svc_reject(s, "algorithm-setting-invalid", rl->value_node,
				   "r_l must be a non-negative number", "r_l must be a positive float number.");
		else
			rl_ok = 1;
	}
	if (eta_s) {
		struct buf m = BUF_INIT;

		if (num_py_float(eta_s->value, &eta)) {
			buf_adds(&m, "Exception calling application: could not convert string to float: ");
			num_py_repr(&m, eta_s->value);
			svc_reject(s, "algorithm-setting-invalid", eta_s->value_node,
				   "eta is not a number", m.buf);
			eta = 3;
		} else {
			eta = isfinite(eta) ? trunc(eta) : eta;	/* int(float(eta)) */
			if (eta <= 0)
				eta = 3;
		}
		buf_release(&m);
	}
	if (rl_ok && rn) {
		const char *inner = NULL;
		double s_max_f, max_parallel;

		if (r_l == 0)
			inner = "math domain error";
		else if (isinf(r_l) || isinf(eta))
			inner = "cannot convert float infinity to integer";
		else if (isnan(r_l) || isnan(eta))
			inner = "cannot convert float NaN to integer";
		else if (eta == 1)
			inner = "float division by zero";
		if (inner) {
			struct buf m = BUF_INIT;

			buf_addf(&m, "Exception calling application: %s", inner);
			svc_reject(s, "algorithm-setting-invalid",
				   eta == 1 && eta_s ? eta_s->value_node : rl->value_node,
				   "the service crashes computing its brackets", m.buf);
			buf_release(&m);
		} else {
			s_max_f = trunc(log(r_l) / log(eta));
			max_parallel = ceil(pow(eta, s_max_f));
			if ((double)e->parallel_trial_count < max_parallel) {
				struct buf m = BUF_INIT;

				buf_addf(&m, "parallelTrialCount must be not less than %.0f.", max_parallel);
				if (e->parallel_node)
					diag_hint(s->out, svc_reject(s, "algorithm-search-space-invalid",
								     e->parallel_node,
								     "hyperband runs a whole bracket in parallel", m.buf),
						  "set parallelTrialCount to at least %.0f (eta^s_max with s_max = int(ln(r_l)/ln(eta)))",
						  max_parallel);
				else
					diag_hint(s->out, diag_reply(s->out, diag_add(s->out, rule_get("algorithm-search-space-invalid"),
								   e->spec, "hyperband runs a whole bracket in parallel, and parallelTrialCount defaults to 3: the hyperband service answers \"%s\"",
								   m.buf), GRPC_INVALID_ARGUMENT, 0, m.buf),
						  "set parallelTrialCount to at least %.0f", max_parallel);
				buf_release(&m);
			}
			if (r_l < 1)
				diag_hint(s->out, svc_hang(s, "algorithm-setting-hangs", rl->value_node,
							   "with r_l below 1 hyperband has no bracket to run",
							   "The response contains unexpected trials"),
					  "set r_l to 1 or more");
		}
	}
	if (rn) {
		for (i = 0; i < np; i++)
			if (!strcmp(par[i].name, rn->value))
				break;
		if (i == np)
			diag_hint(s->out, svc_reject(s, "algorithm-search-space-invalid", rn->value_node,
						     "resource_name must name a parameter",
						     "value of resource_name setting must be in parameters."),
				  "add a parameter named '%s' (its value is replaced by each bracket's budget)",
				  rn->value);
	}
	for (i = 0; i < np; i++) {
		const struct param *p = &par[i];
		const struct doc_node *v;

		for (j = 0; j < i; j++)
			if (*p->name && !strcmp(p->name, par[j].name))
				svc_hang(s, "algorithm-search-space-hangs", doc_get(p->node, "name"),
					 "hyperband needs unique parameter names",
					 "Parameter names are not unique.");
		if (p->type == P_DISCRETE && p->list)
			for (v = p->list->child; v; v = v->next) {
				int64_t iv;

				if (doc_str(v) && num_py_int(v->text, &iv)) {
					struct buf m = BUF_INIT;

					svc_hang(s, "algorithm-search-space-hangs", v,
						 "hyperband reads discrete values as integers",
						 py_int_error(&m, v->text));
					buf_release(&m);
					break;
				}
			}
		distribution_ignored(s, p, "samples uniformly");
	}
}

/* ---- NAS: common operation rules, ENAS, DARTS (§3.7-3.9) ---- */

static void nas_operations(struct svc *s)
{
	const struct doc_node *nas = s->ctx->exp->nas_config;
	const struct doc_node *ops = doc_get_kind(nas, "operations", DOC_SEQ), *op;

	for (op = ops ? ops->child : NULL; op; op = op->next) {
		const struct doc_node *params = doc_get_kind(op, "parameters", DOC_SEQ), *p;
		const char *type = doc_get_str(op, "operationType");

		if (!type || !*type) {
			svc_reject(s, "nas-operation-invalid", op, "an operation has no operationType",
				   "Missing operationType in Operation");
			continue;
		}
		if (!params || !params->nr_children) {
			svc_reject(s, "nas-operation-invalid", op, "an operation has no parameters",
				   "Missing ParameterConfigs in Operation");
			continue;
		}
		for (p = params->child; p; p = p->next) {
			const struct doc_node *fs = doc_get_kind(p, "feasibleSpace", DOC_MAP);
			const struct doc_node *list = doc_get_kind(fs, "list", DOC_SEQ);
			const char *name = doc_get_str(p, "name");
			enum ptype t = parse_ptype(doc_get_str(p, "parameterType"));
			const char *step = doc_get_str(fs, "step");
			double dv;

			if (!name || !*name)
				svc_reject(s, "nas-operation-invalid", p, "a parameter has no name",
					   "Missing Name in ParameterConfig");
			else if (t == P_UNKNOWN)
				svc_reject(s, "nas-operation-invalid", p, "a parameter has no known parameterType",
					   "Missing ParameterType in ParameterConfig");
			else if ((t == P_CATEGORICAL || t == P_DISCRETE) && (!list || !list->nr_children))
				svc_reject(s, "nas-operation-invalid", p, "a categorical parameter has no list",
					   "Missing List in ParameterConfig.feasibleSpace");
			else if ((t == P_INT || t == P_DOUBLE) &&
				 doc_str_empty(doc_get(fs, "min")) && doc_str_empty(doc_get(fs, "max")))
				svc_reject(s, "nas-operation-invalid", p, "an int or double parameter has neither min nor max",
					   "Missing Max and Min in ParameterConfig.feasibleSpace");
			else if (t == P_DOUBLE && step && *step && num_py_float(step, &dv)) {
				struct buf m = BUF_INIT, why = BUF_INIT;

				buf_addf(&m, "failed to validate ParameterConfig.feasibleSpace ...): %s",
					 py_float_error(&why, step));
				svc_reject(s, "nas-operation-invalid", doc_get(fs, "step"),
					   "step is not a number", m.buf);
				buf_release(&m);
				buf_release(&why);
			} else if (t == P_DOUBLE && (!step || !*step || !(dv > 0)))
				svc_reject(s, "nas-operation-invalid", fs ? fs : p,
					   "a double parameter needs a step greater than 0",
					   "Step parameter should be > 0 in ParameterConfig.feasibleSpace");
			else if (t == P_INT && !strcmp(s->service, "enas") && (!step || !*step))
				svc_hang(s, "algorithm-search-space-hangs", fs ? fs : p,
					 "enas enumerates int operation parameters by their step",
					 "invalid literal for int() with base 10: ''");
			else if (t == P_DISCRETE && !strcmp(s->service, "enas"))
				svc_hang(s, "algorithm-search-space-hangs", p,
					 "enas cannot build a search space from a discrete parameter",
					 "unsupported parameter type");
		}
	}
}

/*
 * The bounds of an enas range as the service prints it, "(0.0, 1.0)":
 * a float must be above low and at most high, an int at least low.
 */
static void enas_bounds(const char *range, double *low, double *high)
{
	const char *comma = strchr(range, ',');
	char *lo = xstrndup(range + 1, comma ? (size_t)(comma - range - 1) : 0);
	char *hi = comma ? xstrndup(comma + 2, strcspn(comma + 2, ")]")) : NULL;

	if (num_py_float(lo, low) || !hi || num_py_float(hi, high))
		BUG("enas range '%s'", range);
	free(lo);
	free(hi);
}

/* GraphConfig as Python's str() of the message prints it: each field set,
 * in the proto's order, a repeated one a line per element. */
static void enas_graph_text(struct buf *b, const struct doc_node *gc)
{
	static const char *const fields[][2] = {
		{ "numLayers", "num_layers" }, { "inputSizes", "input_sizes" },
		{ "outputSizes", "output_sizes" },
	};
	const struct doc_node *f, *e;
	int64_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		f = doc_get(gc, fields[i][0]);
		if (f && f->kind == DOC_SEQ) {
			for (e = f->child; e; e = e->next)
				buf_addf(b, "%s: %s\n", fields[i][1], e->text ? e->text : "");
		} else if (f && !doc_int(f, &v) && v) {
			buf_addf(b, "%s: %" PRId64 "\n", fields[i][1], v);
		}
	}
}

static void enas_graph_missing(struct svc *s, const struct doc_node *where,
			       const struct doc_node *gc, const char *what,
			       const char *field)
{
	struct buf m = BUF_INIT;

	buf_addf(&m, "Missing %s in GraphConfig:\n", field);
	enas_graph_text(&m, gc);
	svc_reject(s, "nas-operation-invalid", where, what, m.buf);
	buf_release(&m);
}

static void svc_enas(struct svc *s, const struct setting *set, size_t nr)
{
	/* pkg/suggestion/v1beta1/nas/enas/AlgorithmSettings.py */
	const char *keys[MAX_KEYS];
	const struct doc_node *nas = s->ctx->exp->nas_config;
	const struct doc_node *gc = doc_get_kind(nas, "graphConfig", DOC_MAP);
	/* Without nasConfig, the algorithm is what asks for a graph. */
	const struct doc_node *where = gc ? gc : nas ? nas : s->algorithm_node;
	const struct doc_node *in = doc_get_kind(gc, "inputSizes", DOC_SEQ);
	const struct doc_node *outs = doc_get_kind(gc, "outputSizes", DOC_SEQ);
	int64_t layers = 0;
	struct buf m = BUF_INIT, why = BUF_INIT;
	size_t i;

	if (!in || !in->nr_children)
		enas_graph_missing(s, where, gc, "enas needs graphConfig.inputSizes", "InputSizes");
	if (!outs || !outs->nr_children)
		enas_graph_missing(s, where, gc, "enas needs graphConfig.outputSizes", "OutputSizes");
	if (doc_int(doc_get(gc, "numLayers"), &layers) || !layers)
		enas_graph_missing(s, where, gc, "enas needs graphConfig.numLayers", "NumLayers");
	nas_operations(s);
	for (i = 0; i < nr; i++) {
		const struct setting *st = &set[i];
		const struct service_setting *t = setting_row("enas", st->name);
		double v, low, high;
		int64_t iv;
		int is_int;

		buf_reset(&m);
		if (!t) {
			struct diag *d;

			buf_addf(&m, "Unknown Algorithm Setting name: %s", st->name);
			d = svc_reject(s, "algorithm-setting-invalid", st->name_node,
				       "enas does not know this setting", m.buf);
			hint_known_keys(s, d, st->name, known_keys("enas", NULL, keys));
			continue;
		}
		if (strstr(t->type, "None") && !strcmp(st->value, "None"))
			continue;
		is_int = !strcmp(t->type, "int");
		enas_bounds(t->range, &low, &high);
		if (is_int ? num_py_int(st->value, &iv) : num_py_float(st->value, &v)) {
			buf_addf(&m, "Algorithm Setting %s must be %s type: exception %s", st->name,
				 is_int ? "int" : "float",
				 is_int ? py_int_error(&why, st->value)
					: py_float_error(&why, st->value));
			svc_reject(s, "algorithm-setting-invalid", st->value_node,
				   is_int ? "the value is not an integer" : "the value is not a number", m.buf);
			continue;
		}
		/* NaN fails neither comparison, as in the service. */
		if (is_int ? (double)iv < low
			   : (v <= low || (isfinite(high) && v > high))) {
			buf_addf(&m, "Algorithm Setting %s: ", st->name);
			if (is_int)
				num_py_int_str(&m, st->value);
			else
				num_py_float_repr(&m, v);
			buf_addf(&m, " with %s type must be in range %s",
				 is_int ? "int" : "float", t->range);
			svc_reject(s, "algorithm-setting-invalid", st->value_node, "the value is out of range", m.buf);
		}
	}
	buf_release(&m);
	buf_release(&why);
}

static void svc_darts(struct svc *s, const struct setting *set, size_t nr)
{
	static const char *const floats[] = { "w_lr", "w_lr_min", "alpha_lr",
					      "w_weight_decay", "alpha_weight_decay",
					      "w_momentum", "w_grad_clip", NULL };
	static const char *const ones[] = { "init_channels", "print_step",
					    "num_nodes", "stem_multiplier", NULL };
	const char *keys[MAX_KEYS];
	struct buf m = BUF_INIT;
	size_t i;

	nas_operations(s);
	for (i = 0; i < nr; i++) {
		const struct setting *st = &set[i];
		int ok;
		double v;

		buf_reset(&m);
		if (!strcmp(st->name, "num_epochs")) {
			v = py_number(s, st, 1, &ok, "algorithm-setting-invalid");
			py_range(s, st, ok, v > 0, "num_epochs should be greater than zero");
		} else if (katib_config_has(floats, st->name)) {
			v = py_number(s, st, 0, &ok, "algorithm-setting-invalid");
			buf_addf(&m, "%s should be greater than or equal to zero", st->name);
			py_range(s, st, ok, v >= 0, m.buf);
		} else if (!strcmp(st->name, "batch_size")) {
			if (strcmp(st->value, "None")) {
				v = py_number(s, st, 1, &ok, "algorithm-setting-invalid");
				py_range(s, st, ok, v >= 1, "batch_size should be greater than or equal to one");
			}
		} else if (!strcmp(st->name, "num_workers")) {
			v = py_number(s, st, 1, &ok, "algorithm-setting-invalid");
			py_range(s, st, ok, v >= 0, "num_workers should be greater than or equal to zero");
		} else if (katib_config_has(ones, st->name)) {
			v = py_number(s, st, 1, &ok, "algorithm-setting-invalid");
			buf_addf(&m, "%s should be greater than or equal to one", st->name);
			py_range(s, st, ok, v >= 1, m.buf);
		} else {
			struct diag *d = diag_add(s->out, rule_get("algorithm-setting-ignored"), st->name_node,
						  "darts does not know the setting '%s'; the service passes it on to the trials, whose code probably ignores it",
						  st->name);

			hint_known_keys(s, d, st->name, known_keys(s->service, NULL, keys));
		}
	}
	buf_release(&m);
}

/* ---- PBT (§3.10) ---- */

static void svc_pbt(struct svc *s, const struct setting *set, size_t nr,
		    const struct param *par, size_t np)
{
	static const char *const required[] = { "suggestion_trial_dir", "n_population",
						"truncation_threshold", NULL };
	const char *known[MAX_KEYS];
	const char *const *keys = known_keys(s->service, NULL, known);
	struct buf m = BUF_INIT, why = BUF_INIT;
	const struct setting *st;
	size_t i;

	for (i = 0; required[i]; i++)
		if (!find_setting(set, nr, required[i]))
			buf_addf(&m, "%s%s", m.len ? ", " : "", required[i]);
	if (m.len) {
		struct buf d = BUF_INIT;

		buf_addf(&d, "Required params missing: %s", m.buf);
		diag_hint(s->out, svc_reject(s, "algorithm-setting-invalid", s->ctx->exp->algorithm,
					     "pbt needs the settings suggestion_trial_dir, n_population and truncation_threshold",
					     d.buf),
			  "for example suggestion_trial_dir: /var/log/katib/checkpoints/, n_population: \"40\", truncation_threshold: \"0.2\"");
		buf_release(&d);
	}
	buf_reset(&m);
	st = find_setting(set, nr, "n_population");
	if (st) {
		int64_t iv;

		if (num_py_int(st->value, &iv)) {
			buf_addf(&m, "Exception calling application: %s", py_int_error(&why, st->value));
			svc_reject(s, "algorithm-setting-invalid", st->value_node, "n_population is not an integer", m.buf);
		} else if (iv < 5) {
			svc_reject(s, "algorithm-setting-invalid", st->value_node, "the population is too small",
				   "Param(n_population) should be >= 5");
		}
	}
	buf_reset(&m);
	st = find_setting(set, nr, "truncation_threshold");
	if (st) {
		double v;

		if (num_py_float(st->value, &v)) {
			buf_addf(&m, "Exception calling application: %s", py_float_error(&why, st->value));
			svc_reject(s, "algorithm-setting-invalid", st->value_node, "truncation_threshold is not a number", m.buf);
		} else if (!(v >= 0 && v <= 1)) {
			svc_reject(s, "algorithm-setting-invalid", st->value_node, "the threshold is out of range",
				   "Param(truncation_threshold) should be between 0 and 1, inclusive");
		}
	}
	st = find_setting(set, nr, "resample_probability");
	if (st)
		diag_hint(s->out, svc_reject(s, "algorithm-setting-invalid", st->name_node,
					     "the pbt service cannot validate resample_probability at all (it compares the text with numbers), so any value fails",
					     "Exception calling application: '<=' not supported between instances of 'int' and 'str'"),
			  "remove resample_probability: pbt then perturbs values by 0.8 or 1.2");
	for (i = 0; i < nr; i++)
		if (!katib_config_has(keys, set[i].name))
			unknown_setting(s, &set[i], keys, 0);
	for (i = 0; i < np; i++) {
		if (par[i].type == P_DOUBLE && !*par[i].step)
			diag_hint(s->out, svc_hang(s, "algorithm-search-space-hangs", par[i].node,
						   "pbt needs a step for every double parameter",
						   "could not convert string to float: ''"),
				  "give parameter '%s' a feasibleSpace.step", par[i].name);
		distribution_ignored(s, &par[i], "samples uniformly");
	}
	buf_release(&m);
	buf_release(&why);
}

/* ---- medianstop (§3.11) ---- */

static void check_medianstop(const struct rule_ctx *ctx, struct diag_list *out)
{
	const struct doc_node *es = ctx->exp->early_stopping;
	const char *name = doc_get_str(es, "algorithmName");
	const char *keys[MAX_KEYS];
	struct setting *set;
	struct svc s = { ctx, out, "medianstop", NULL, NULL };
	size_t nr, i;

	if (!name)
		return;
	if (!service_of_settings(ctx->config, name, 1))
		return;	/* not served, or a custom image */
	s.algorithm = name;
	if (strcmp(name, "medianstop")) {
		struct buf m = BUF_INIT;

		buf_addf(&m, "unknown algorithm name %s", name);
		diag_hint(out, diag_reply(out, diag_add(out, rule_get("early-stopping-setting-invalid"),
					doc_get(es, "algorithmName"),
					"the medianstop service implements only medianstop: it answers \"%s\"",
					m.buf), GRPC_INVALID_ARGUMENT, 1, m.buf),
			  "Katib accepts the Experiment, then the Suggestion fails with 'Validation failed: ValidateEarlyStoppingSettings Error: ...' and the Experiment fails");
		buf_release(&m);
		return;
	}
	nr = read_settings(doc_get(es, "algorithmSettings"), &set);
	for (i = 0; i < nr; i++) {
		const struct setting *st = &set[i];
		struct buf m = BUF_INIT, why = BUF_INIT;
		int64_t v;
		struct diag *d = NULL;
		int is_min = !strcmp(st->name, "min_trials_required");

		if (!is_min && strcmp(st->name, "start_step")) {
			buf_addf(&m, "unknown setting %s for algorithm medianstop", st->name);
			d = diag_add(out, rule_get("early-stopping-setting-invalid"), st->name_node,
				     "medianstop does not know the setting '%s': the service answers \"%s\"",
				     st->name, m.buf);
			hint_known_keys(&s, d, st->name, known_keys("medianstop", "medianstop", keys));
		} else if (num_py_int(st->value, &v)) {
			buf_addf(&m, "failed to validate %s(%s): %s", st->name, st->value,
				 py_int_error(&why, st->value));
			d = diag_add(out, rule_get("early-stopping-setting-invalid"), st->value_node,
				     "the value is not an integer: the medianstop service answers \"%s\"", m.buf);
		} else if (is_min ? v <= 0 : v < 1) {
			buf_adds(&m, is_min ? "min_trials_required must be greater than zero (>0)"
					    : "start_step must be greater or equal than one (>=1)");
			d = diag_add(out, rule_get("early-stopping-setting-invalid"), st->value_node,
				     "the value is out of range: the medianstop service answers \"%s\"",
				     m.buf);
		}
		diag_reply(out, d, GRPC_INVALID_ARGUMENT, 1, m.buf);
		if (d && !d->hint)
			diag_hint(out, d, "Katib accepts the Experiment, then the Suggestion fails with 'Validation failed: ValidateEarlyStoppingSettings Error: ...' and the Experiment fails");
		buf_release(&m);
		buf_release(&why);
	}
	free(set);
}

void check_services(const struct rule_ctx *ctx, struct diag_list *out)
{
	const struct experiment *e = ctx->exp;
	const char *service = katib_config_service(ctx->config, e->algorithm_name);
	struct setting *set = NULL;
	struct param *par = NULL;
	size_t nr, np;
	struct svc s;

	check_medianstop(ctx, out);
	if (!service)
		return;	/* not served, or a custom image: nothing is known */
	s.ctx = ctx;
	s.out = out;
	s.service = service;
	s.algorithm = e->algorithm_name;
	s.algorithm_node = doc_get(e->algorithm, "algorithmName");
	nr = read_settings(doc_get(e->algorithm, "algorithmSettings"), &set);
	np = read_params(e->parameters, &par);
	if (!strcmp(service, "hyperopt"))
		svc_hyperopt(&s, set, nr, par, np);
	else if (!strcmp(service, "optuna"))
		svc_optuna(&s, set, nr, par, np);
	else if (!strcmp(service, "goptuna"))
		svc_goptuna(&s, set, nr, par, np);
	else if (!strcmp(service, "skopt"))
		svc_skopt(&s, set, nr, par, np);
	else if (!strcmp(service, "hyperband"))
		svc_hyperband(&s, set, nr, par, np);
	/* They validate an absent nasConfig as an empty one. */
	else if (!strcmp(service, "enas"))
		svc_enas(&s, set, nr);
	else if (!strcmp(service, "darts"))
		svc_darts(&s, set, nr);
	else if (!strcmp(service, "pbt"))
		svc_pbt(&s, set, nr, par, np);
	free(set);
	free(par);
}
