#include "compat.h"
#include "generate.h"
#include "alloc.h"
#include "buf.h"
#include "doc.h"
#include "numparse.h"

#include <ctype.h>
#include <math.h>

#define ISTIO_LABEL "sidecar.istio.io/inject"
#define ROLE_LABEL "training.kubeflow.org/job-role"

const char *const gen_trial_kinds[] = {
	"Job", "PyTorchJob", "TFJob", "MPIJob", "XGBoostJob", NULL,
};

/*
 * How each kind lays out its pods: the replica map, the primary replica
 * (which gets the metrics collector) and the name of the training
 * container.  Job has no replicas.
 */
struct kind_layout {
	const char *kind, *api_version;
	const char *replica_specs;
	const char *primary_replica, *worker_replica;
	const char *container, *worker_container;
	const char *restart_policy;
	const char *success, *failure;
};

static const struct kind_layout layouts[] = {
	{ "Job", "batch/v1", NULL, NULL, NULL, "training-container", NULL,
	  "Never",
	  "status.conditions.#(type==\"Complete\")#|#(status==\"True\")#",
	  "status.conditions.#(type==\"Failed\")#|#(status==\"True\")#" },
	{ "PyTorchJob", "kubeflow.org/v1", "pytorchReplicaSpecs", "Master",
	  "Worker", "pytorch", "pytorch", "OnFailure",
	  "status.conditions.#(type==\"Succeeded\")#|#(status==\"True\")#",
	  "status.conditions.#(type==\"Failed\")#|#(status==\"True\")#" },
	{ "TFJob", "kubeflow.org/v1", "tfReplicaSpecs", "Chief", "Worker",
	  "tensorflow", "tensorflow", "OnFailure",
	  "status.conditions.#(type==\"Succeeded\")#|#(status==\"True\")#",
	  "status.conditions.#(type==\"Failed\")#|#(status==\"True\")#" },
	{ "MPIJob", "kubeflow.org/v1", "mpiReplicaSpecs", "Launcher", "Worker",
	  /*
	   * One name for both: Katib's pod webhook refuses any trial pod
	   * without the primary container, workers included.
	   */
	  "mpi", "mpi", "OnFailure",
	  "status.conditions.#(type==\"Succeeded\")#|#(status==\"True\")#",
	  "status.conditions.#(type==\"Failed\")#|#(status==\"True\")#" },
	{ "XGBoostJob", "kubeflow.org/v1", "xgbReplicaSpecs", "Master",
	  "Worker", "xgboost", "xgboost", "OnFailure",
	  "status.conditions.#(type==\"Succeeded\")#|#(status==\"True\")#",
	  "status.conditions.#(type==\"Failed\")#|#(status==\"True\")#" },
};

/* ---- flag parsing ---- */

static int is_number(const char *s, double *out)
{
	return !num_go_float(s, out) && isfinite(*out);
}

static int is_integer(const char *s)
{
	int64_t v;

	return !num_go_int(s, &v);
}

static const char **split_list(struct arena *a, const char *s, size_t *nr)
{
	const char **list;
	size_t n = 1, i = 0;
	const char *p, *comma;

	for (p = s; *p; p++)
		n += *p == ',';
	list = arena_alloc(a, n * sizeof(*list));
	for (p = s;; p = comma + 1) {
		comma = strchr(p, ',');
		if (!comma) {
			list[i++] = arena_strdup(a, p);
			break;
		}
		list[i++] = arena_strndup(a, p, (size_t)(comma - p));
	}
	*nr = i;
	return list;
}

static int parse_range_options(struct arena *a, const char *spec, char *opts,
			       struct gen_param *p, struct fail *f)
{
	char *opt, *save = NULL;

	for (opt = strtok_r(opts, ":", &save); opt; opt = strtok_r(NULL, ":", &save)) {
		double step;

		if (!strcmp(opt, "log") && p->type == GEN_DOUBLE) {
			p->distribution = "logUniform";
		} else if (!strncmp(opt, "step=", 5)) {
			if (p->type == GEN_INT ? !is_integer(opt + 5)
					       : !is_number(opt + 5, &step)) {
				return fail_set(f, FAIL_USAGE,
						"--param %s: step '%s' is not %s",
						spec, opt + 5,
						p->type == GEN_INT ? "an integer" : "a number");
			}
			if (!is_number(opt + 5, &step) || step <= 0)
				return fail_set(f, FAIL_USAGE,
						"--param %s: step must be above 0", spec);
			p->step = arena_strdup(a, opt + 5);
		} else if (!strncmp(opt, "distribution=", 13)) {
			p->distribution = arena_strdup(a, opt + 13);
		} else {
			return fail_set(f, FAIL_USAGE,
					"--param %s: unknown option '%s' (use %sstep=N or distribution=NAME)",
					spec, opt, p->type == GEN_DOUBLE ? "log, " : "");
		}
	}
	return 0;
}

int gen_param_parse(struct arena *a, const char *spec, struct gen_param *out,
		    struct fail *f)
{
	static const char *const types[] = { "double", "int", "categorical",
					     "discrete" };
	const char *eq = strchr(spec, '='), *colon;
	char *rest, *min, *max, *opts;
	size_t i, tlen;
	double lo, hi;

	memset(out, 0, sizeof(*out));
	if (!eq || eq == spec)
		return fail_set(f, FAIL_USAGE,
				"--param '%s': expected NAME=TYPE:..., e.g. lr=double:0.0001:0.1",
				spec);
	out->name = arena_strndup(a, spec, (size_t)(eq - spec));
	colon = strchr(eq + 1, ':');
	tlen = colon ? (size_t)(colon - eq - 1) : strlen(eq + 1);
	for (i = 0; i < ARRAY_SIZE(types); i++)
		if (strlen(types[i]) == tlen && !strncmp(eq + 1, types[i], tlen))
			break;
	if (i == ARRAY_SIZE(types))
		return fail_set(f, FAIL_USAGE,
				"--param %s: unknown type '%.*s' (use double, int, categorical or discrete)",
				spec, (int)tlen, eq + 1);
	out->type = (enum gen_param_type)i;
	if (!colon || !colon[1])
		return fail_set(f, FAIL_USAGE, "--param %s: no values after '%s:'",
				spec, types[i]);

	if (out->type == GEN_CATEGORICAL || out->type == GEN_DISCRETE) {
		out->list = split_list(a, colon + 1, &out->nr_list);
		for (i = 0; i < out->nr_list; i++) {
			size_t j;

			if (!*out->list[i])
				return fail_set(f, FAIL_USAGE,
						"--param %s: empty value in the list", spec);
			if (out->type == GEN_DISCRETE && !is_number(out->list[i], &lo))
				return fail_set(f, FAIL_USAGE,
						"--param %s: discrete value '%s' is not a number",
						spec, out->list[i]);
			for (j = 0; j < i; j++)
				if (!strcmp(out->list[i], out->list[j]))
					return fail_set(f, FAIL_USAGE,
							"--param %s: '%s' is listed twice",
							spec, out->list[i]);
		}
		return 0;
	}

	rest = arena_strdup(a, colon + 1);
	min = rest;
	max = strchr(min, ':');
	if (!max)
		return fail_set(f, FAIL_USAGE, "--param %s: expected %s:MIN:MAX",
				spec, types[out->type]);
	*max++ = '\0';
	opts = strchr(max, ':');
	if (opts)
		*opts++ = '\0';
	if (out->type == GEN_INT ? !is_integer(min) || !is_integer(max)
				 : !is_number(min, &lo) || !is_number(max, &hi))
		return fail_set(f, FAIL_USAGE, "--param %s: MIN and MAX must be %s",
				spec, out->type == GEN_INT ? "integers" : "numbers");
	is_number(min, &lo);
	is_number(max, &hi);
	if (!(lo < hi))
		return fail_set(f, FAIL_USAGE,
				"--param %s: min %s is not below max %s", spec, min, max);
	out->min = min;
	out->max = max;
	if (opts && parse_range_options(a, spec, opts, out, f))
		return -1;
	if (out->distribution && !strcmp(out->distribution, "logUniform") && lo <= 0)
		return fail_set(f, FAIL_USAGE,
				"--param %s: a log scale needs MIN above 0", spec);
	return 0;
}

int gen_pair_parse(struct arena *a, const char *flag, const char *spec,
		   struct gen_pair *out, struct fail *f)
{
	const char *eq = strchr(spec, '=');

	if (!eq || eq == spec)
		return fail_set(f, FAIL_USAGE, "%s '%s': expected KEY=VALUE", flag,
				spec);
	out->key = arena_strndup(a, spec, (size_t)(eq - spec));
	out->value = arena_strdup(a, eq + 1);
	return 0;
}

int gen_is_quantity(const char *s)
{
	static const char *const suffixes[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi",
						"Ei", "n", "u", "m", "k", "M",
						"G", "T", "P", "E" };
	const char *p = s;
	size_t i, digits = 0;

	if (*p == '+')
		p++;
	while (isdigit((unsigned char)*p))
		p++, digits++;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			digits++;
	if (!digits)
		return 0;
	if ((*p == 'e' || *p == 'E') && p[1]) {
		const char *e = p + 1;

		if (*e == '+' || *e == '-')
			e++;
		if (isdigit((unsigned char)*e)) {
			while (isdigit((unsigned char)*e))
				e++;
			return !*e;
		}
	}
	for (i = 0; i < ARRAY_SIZE(suffixes); i++)
		if (!strcmp(p, suffixes[i]))
			return 1;
	return 0;
}

/* ---- building the tree ---- */

struct builder {
	struct doc *d;
};

static struct doc_node *add(struct builder *b, struct doc_node *parent,
			    const char *key, enum doc_kind kind, const char *text)
{
	return doc_add(b->d, parent, key, kind, text);
}

static struct doc_node *add_map(struct builder *b, struct doc_node *parent,
				const char *key)
{
	return add(b, parent, key, DOC_MAP, NULL);
}

static struct doc_node *add_seq(struct builder *b, struct doc_node *parent,
				const char *key)
{
	return add(b, parent, key, DOC_SEQ, NULL);
}

static void add_str(struct builder *b, struct doc_node *parent, const char *key,
		    const char *value)
{
	add(b, parent, key, DOC_STR, value);
}

static void add_int(struct builder *b, struct doc_node *parent, const char *key,
		    long value)
{
	char num[32];

	snprintf(num, sizeof(num), "%ld", value);
	add(b, parent, key, DOC_INT, num);
}

static const struct kind_layout *find_layout(const char *kind)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(layouts); i++)
		if (!strcmp(layouts[i].kind, kind))
			return &layouts[i];
	return NULL;
}

static const char *guess_objective_type(const char *metric)
{
	static const char *const lower_is_better[] = {
		"loss", "error", "err", "mse", "mae", "rmse", "perplexity",
		"latency", "cost", "wer",
	};
	char *lower = xstrdup(metric);
	const char *type = "maximize";
	size_t i;

	for (i = 0; lower[i]; i++)
		lower[i] = (char)tolower((unsigned char)lower[i]);
	for (i = 0; i < ARRAY_SIZE(lower_is_better); i++)
		if (strstr(lower, lower_is_better[i]))
			type = "minimize";
	free(lower);
	return type;
}

static int expand_param_format(struct arena *a, const char *fmt,
			       const char *name, const char **out,
			       struct fail *f)
{
	struct buf b;
	const char *p;
	unsigned values = 0;

	buf_init(&b, 0);
	for (p = fmt; *p; p++) {
		if (!strncmp(p, "{name}", 6)) {
			buf_adds(&b, name);
			p += 5;
		} else if (!strncmp(p, "{value}", 7)) {
			buf_addf(&b, "${trialParameters.%s}", name);
			values++;
			p += 6;
		} else {
			buf_addch(&b, *p);
		}
	}
	*out = arena_strndup(a, b.buf, b.len);
	buf_release(&b);
	if (values != 1)
		return fail_set(f, FAIL_USAGE,
				"--param-format '%s' must contain {value} exactly once",
				fmt);
	return 0;
}

static void add_container(struct builder *b, struct doc_node *containers,
			  const struct gen_experiment *g, const char *name,
			  int runs_training, const char *const *args)
{
	struct doc_node *c = add_map(b, containers, NULL);
	struct doc_node *list;
	size_t i;

	add_str(b, c, "name", name);
	add_str(b, c, "image", g->image);
	if (runs_training && g->nr_command) {
		list = add_seq(b, c, "command");
		for (i = 0; i < g->nr_command; i++)
			add_str(b, list, NULL, g->command[i]);
	}
	if (runs_training && g->nr_params) {
		list = add_seq(b, c, "args");
		for (i = 0; i < g->nr_params; i++)
			add_str(b, list, NULL, args[i]);
	}
	if (g->nr_env) {
		list = add_seq(b, c, "env");
		for (i = 0; i < g->nr_env; i++) {
			struct doc_node *e = add_map(b, list, NULL);

			add_str(b, e, "name", g->env[i].key);
			add_str(b, e, "value", g->env[i].value);
		}
	}
	if (g->cpu || g->memory || g->gpu) {
		struct doc_node *limits = add_map(b, add_map(b, c, "resources"),
						  "limits");

		if (g->cpu)
			add_str(b, limits, "cpu", g->cpu);
		if (g->memory)
			add_str(b, limits, "memory", g->memory);
		if (g->gpu)
			add_str(b, limits, "nvidia.com/gpu", g->gpu);
	}
}

/* A pod template: the istio opt-out label, restartPolicy, containers. */
static void add_pod_template(struct builder *b, struct doc_node *parent,
			     const struct gen_experiment *g,
			     const char *restart_policy, const char *container,
			     int runs_training, const char *const *args)
{
	struct doc_node *tmpl = add_map(b, parent, "template");
	struct doc_node *labels = add_map(b, add_map(b, tmpl, "metadata"), "labels");
	struct doc_node *spec;
	size_t i;

	/*
	 * Without it an injected istio-proxy keeps every trial pod running
	 * after training ends, and the Trial never finishes.
	 */
	add_str(b, labels, ISTIO_LABEL, "false");
	spec = add_map(b, tmpl, "spec");
	if (restart_policy)
		add_str(b, spec, "restartPolicy", restart_policy);
	if (g->nr_pull_secrets) {
		struct doc_node *list = add_seq(b, spec, "imagePullSecrets");

		for (i = 0; i < g->nr_pull_secrets; i++)
			add_str(b, add_map(b, list, NULL), "name", g->pull_secrets[i]);
	}
	add_container(b, add_seq(b, spec, "containers"), g, container,
		      runs_training, args);
}

static void add_trial_spec(struct builder *b, struct doc_node *tt,
			   const struct gen_experiment *g,
			   const struct kind_layout *l, const char *const *args)
{
	struct doc_node *ts = add_map(b, tt, "trialSpec");
	struct doc_node *spec, *replicas, *r;

	add_str(b, ts, "apiVersion", l->api_version);
	add_str(b, ts, "kind", l->kind);
	spec = add_map(b, ts, "spec");
	if (!l->replica_specs) {
		add_pod_template(b, spec, g, l->restart_policy, l->container, 1, args);
		return;
	}
	if (!strcmp(l->kind, "MPIJob"))
		add_int(b, spec, "slotsPerWorker", 1);
	replicas = add_map(b, spec, l->replica_specs);
	r = add_map(b, replicas, l->primary_replica);
	add_int(b, r, "replicas", 1);
	add_str(b, r, "restartPolicy", l->restart_policy);
	add_pod_template(b, r, g, NULL, l->container, 1, args);
	if (g->workers > 0) {
		int mpi = !strcmp(l->kind, "MPIJob");

		r = add_map(b, replicas, l->worker_replica);
		add_int(b, r, "replicas", g->workers);
		add_str(b, r, "restartPolicy", l->restart_policy);
		/* MPI workers only host the ranks the launcher's mpirun starts. */
		add_pod_template(b, r, g, NULL, l->worker_container, !mpi, args);
	}
}

static void add_feasible_space(struct builder *b, struct doc_node *p,
			       const struct gen_param *gp)
{
	static const char *const type_names[] = { "double", "int", "categorical",
						  "discrete" };
	struct doc_node *fs;
	size_t i;

	add_str(b, p, "name", gp->name);
	add_str(b, p, "parameterType", type_names[gp->type]);
	fs = add_map(b, p, "feasibleSpace");
	if (gp->list) {
		struct doc_node *list = add_seq(b, fs, "list");

		for (i = 0; i < gp->nr_list; i++)
			add_str(b, list, NULL, gp->list[i]);
		return;
	}
	add_str(b, fs, "min", gp->min);
	add_str(b, fs, "max", gp->max);
	if (gp->step)
		add_str(b, fs, "step", gp->step);
	if (gp->distribution)
		add_str(b, fs, "distribution", gp->distribution);
}

static int add_collector(struct builder *b, struct doc_node *spec,
			 const struct gen_experiment *g, struct fail *f)
{
	const char *kind = g->collector ? g->collector : "StdOut";
	const char *colon = strchr(kind, ':');
	size_t kind_len = colon ? (size_t)(colon - kind) : strlen(kind);
	struct doc_node *mc, *source;
	char *name = arena_strndup(&b->d->arena, kind, kind_len);

	if (strcmp(name, "StdOut") && strcmp(name, "File") &&
	    strcmp(name, "TensorFlowEvent"))
		return fail_set(f, FAIL_USAGE,
				"--collector '%s': unknown kind (use StdOut, File:/PATH or TensorFlowEvent:/DIR)",
				kind);
	if (!strcmp(name, "StdOut") ? colon != NULL : !colon || colon[1] != '/')
		return fail_set(f, FAIL_USAGE,
				"--collector '%s': %s", kind,
				colon && !strcmp(name, "StdOut")
					? "StdOut takes no path"
					: "needs an absolute path, e.g. File:/var/log/katib/metrics.log");
	mc = add_map(b, spec, "metricsCollectorSpec");
	add_str(b, add_map(b, mc, "collector"), "kind", name);
	if (!colon && !g->metrics_format)
		return 0;
	source = add_map(b, mc, "source");
	if (colon) {
		struct doc_node *fsp = add_map(b, source, "fileSystemPath");

		add_str(b, fsp, "path", colon + 1);
		add_str(b, fsp, "kind", !strcmp(name, "File") ? "File" : "Directory");
	}
	if (g->metrics_format)
		add_str(b, add_seq(b, add_map(b, source, "filter"), "metricsFormat"),
			NULL, g->metrics_format);
	return 0;
}

/*
 * Points in a grid search's space, or 0 when it has no finite grid (a
 * double without a step): grid runs each point once and refuses a
 * maxTrialCount above their number.
 */
static double grid_size(const struct gen_experiment *g)
{
	double size = 1, lo, hi, step;
	size_t i;

	for (i = 0; i < g->nr_params; i++) {
		const struct gen_param *p = &g->params[i];

		if (p->list) {
			size *= (double)p->nr_list;
			continue;
		}
		if (!p->step && p->type == GEN_DOUBLE)
			return 0;
		is_number(p->min, &lo);
		is_number(p->max, &hi);
		step = 1;
		if (p->step)
			is_number(p->step, &step);
		size *= floor((hi - lo) / step + 1e-9) + 1;
	}
	return size;
}

static long default_max_trials(const struct gen_experiment *g)
{
	double size;

	if (!g->algorithm || strcmp(g->algorithm, "grid"))
		return 12;
	size = grid_size(g);
	return size >= 1 && size < 12 ? (long)size : 12;
}

long gen_max_trials(const struct gen_experiment *g)
{
	return g->max_trials ? g->max_trials : default_max_trials(g);
}

/*
 * Katib's webhook refuses a parallelTrialCount or maxFailedTrialCount
 * above maxTrialCount; a default that the user never chose must not
 * fail `create --max-trials 2`, so it shrinks to fit.
 */
long gen_parallel(const struct gen_experiment *g)
{
	if (g->parallel)
		return g->parallel;
	return gen_max_trials(g) < GEN_PARALLEL ? gen_max_trials(g) : GEN_PARALLEL;
}

long gen_max_failed(const struct gen_experiment *g)
{
	if (g->max_failed >= 0)
		return g->max_failed;
	return gen_max_trials(g) < GEN_MAX_FAILED ? gen_max_trials(g) : GEN_MAX_FAILED;
}

static int check_flags(const struct gen_experiment *g, struct fail *f)
{
	size_t i, j;
	double goal;

	if (!g->image || !*g->image)
		return fail_set(f, FAIL_USAGE, "--image is required");
	if (!g->objective || !*g->objective)
		return fail_set(f, FAIL_USAGE,
				"--objective is required: the metric the trials report");
	if (g->goal && !is_number(g->goal, &goal))
		return fail_set(f, FAIL_USAGE, "--goal '%s' is not a number", g->goal);
	if (!g->nr_params)
		return fail_set(f, FAIL_USAGE,
				"at least one --param is needed: there is nothing to tune");
	for (i = 0; i < g->nr_params; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(g->params[i].name, g->params[j].name))
				return fail_set(f, FAIL_USAGE,
						"--param '%s' is given twice",
						g->params[i].name);
	if (g->max_trials < 0 || g->parallel < 0 || g->max_failed < -1)
		return fail_set(f, FAIL_USAGE,
				"--max-trials and --parallel must be at least 1, --max-failed at least 0");
	if (g->workers < 0)
		return fail_set(f, FAIL_USAGE, "--workers must be at least 0");
	if (g->cpu && !gen_is_quantity(g->cpu))
		return fail_set(f, FAIL_USAGE,
				"--cpu '%s' is not a quantity (e.g. 2 or 500m)", g->cpu);
	if (g->memory && !gen_is_quantity(g->memory))
		return fail_set(f, FAIL_USAGE,
				"--memory '%s' is not a quantity (e.g. 4Gi or 512Mi)",
				g->memory);
	if (g->gpu && !is_integer(g->gpu))
		return fail_set(f, FAIL_USAGE,
				"--gpu '%s' is not a whole number of GPUs", g->gpu);
	if (!find_layout(g->trial_kind))
		return fail_set(f, FAIL_USAGE,
				"--trial-kind '%s' is not one create can lay out (use Job, PyTorchJob, TFJob, MPIJob or XGBoostJob)",
				g->trial_kind);
	if (g->workers && !strcmp(g->trial_kind, "Job"))
		return fail_set(f, FAIL_USAGE,
				"--workers needs a distributed --trial-kind (PyTorchJob, TFJob, MPIJob or XGBoostJob)");
	if (!strcmp(g->trial_kind, "MPIJob") && g->workers < 1)
		return fail_set(f, FAIL_USAGE, "an MPIJob needs --workers 1 or more");
	return 0;
}

int gen_experiment_build(const struct gen_experiment *g, struct doc *d,
			 const char **guessed, struct fail *f)
{
	struct builder b = { d };
	const struct kind_layout *l;
	struct doc_node *root, *md, *spec, *obj, *alg, *list, *tt, *pl;
	const char **args;
	const char *type;
	size_t i;

	*guessed = NULL;
	if (check_flags(g, f))
		return -1;
	l = find_layout(g->trial_kind);
	args = arena_alloc(&d->arena, g->nr_params * sizeof(*args));
	for (i = 0; i < g->nr_params; i++)
		if (expand_param_format(&d->arena,
					g->param_format ? g->param_format
							: GEN_PARAM_FORMAT_DEFAULT,
					g->params[i].name, &args[i], f))
			return -1;

	root = d->root = doc_node_new(d, DOC_MAP);
	root->text = "";
	add_str(&b, root, "apiVersion", "kubeflow.org/v1beta1");
	add_str(&b, root, "kind", "Experiment");
	md = add_map(&b, root, "metadata");
	add_str(&b, md, "name", g->name);
	if (g->namespace)
		add_str(&b, md, "namespace", g->namespace);
	spec = add_map(&b, root, "spec");

	obj = add_map(&b, spec, "objective");
	if (g->objective_type == GEN_OBJECTIVE_GUESS)
		*guessed = type = guess_objective_type(g->objective);
	else
		type = g->objective_type == GEN_MINIMIZE ? "minimize" : "maximize";
	add_str(&b, obj, "type", type);
	if (g->goal)
		add(&b, obj, "goal", DOC_FLOAT, g->goal);
	add_str(&b, obj, "objectiveMetricName", g->objective);
	if (g->nr_metrics) {
		list = add_seq(&b, obj, "additionalMetricNames");
		for (i = 0; i < g->nr_metrics; i++)
			add_str(&b, list, NULL, g->metrics[i]);
	}

	alg = add_map(&b, spec, "algorithm");
	add_str(&b, alg, "algorithmName", g->algorithm ? g->algorithm : "random");
	if (g->nr_settings) {
		list = add_seq(&b, alg, "algorithmSettings");
		for (i = 0; i < g->nr_settings; i++) {
			struct doc_node *s = add_map(&b, list, NULL);

			add_str(&b, s, "name", g->settings[i].key);
			add_str(&b, s, "value", g->settings[i].value);
		}
	}
	if (g->early_stopping)
		add_str(&b, add_map(&b, spec, "earlyStopping"), "algorithmName",
			g->early_stopping);
	add_int(&b, spec, "parallelTrialCount", gen_parallel(g));
	add_int(&b, spec, "maxTrialCount", gen_max_trials(g));
	add_int(&b, spec, "maxFailedTrialCount", gen_max_failed(g));
	if (add_collector(&b, spec, g, f))
		return -1;

	list = add_seq(&b, spec, "parameters");
	for (i = 0; i < g->nr_params; i++)
		add_feasible_space(&b, add_map(&b, list, NULL), &g->params[i]);

	tt = add_map(&b, spec, "trialTemplate");
	add_str(&b, tt, "primaryContainerName", l->container);
	if (l->primary_replica)
		add_str(&b, add_map(&b, tt, "primaryPodLabels"), ROLE_LABEL, "master");
	add_str(&b, tt, "successCondition", l->success);
	add_str(&b, tt, "failureCondition", l->failure);
	pl = add_seq(&b, tt, "trialParameters");
	for (i = 0; i < g->nr_params; i++) {
		struct doc_node *tp = add_map(&b, pl, NULL);

		add_str(&b, tp, "name", g->params[i].name);
		add_str(&b, tp, "reference", g->params[i].name);
	}
	add_trial_spec(&b, tt, g, l, args);
	return 0;
}
