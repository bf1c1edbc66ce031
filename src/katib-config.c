#include "compat.h"
#include "katib-config.h"
#include "alloc.h"
#include "doc-yaml.h"
#include "experiment.h"

#include <ctype.h>

static const char *const default_algorithms[] = {
	"random", "tpe", "grid", "multivariate-tpe", "hyperband",
	"bayesianoptimization", "cmaes", "sobol", "enas", "darts", "pbt",
	NULL,
};

#define IMG "ghcr.io/kubeflow/katib/"
static const char *const default_algorithm_images[] = {
	IMG "suggestion-hyperopt:v0.19.0", IMG "suggestion-hyperopt:v0.19.0",
	IMG "suggestion-optuna:v0.19.0", IMG "suggestion-optuna:v0.19.0",
	IMG "suggestion-hyperband:v0.19.0", IMG "suggestion-skopt:v0.19.0",
	IMG "suggestion-goptuna:v0.19.0", IMG "suggestion-goptuna:v0.19.0",
	IMG "suggestion-enas:v0.19.0", IMG "suggestion-darts:v0.19.0",
	IMG "suggestion-pbt:v0.19.0", NULL,
};

static const char *const default_early_stoppings[] = { "medianstop", NULL };
static const char *const default_early_stopping_images[] = {
	IMG "earlystopping-medianstop:v0.19.0", NULL,
};

/* PrometheusMetric is a documented kind but has no entry by default. */
static const char *const default_collectors[] = {
	"StdOut", "File", "TensorFlowEvent", NULL,
};

static const char *const default_trial_resources[] = {
	"TrainJob.v1alpha1.trainer.kubeflow.org",
	"Job.v1.batch",
	"TFJob.v1.kubeflow.org",
	"PyTorchJob.v1.kubeflow.org",
	"MPIJob.v1.kubeflow.org",
	"XGBoostJob.v1.kubeflow.org",
	NULL,
};

const struct katib_config katib_config_default = {
	.version = "v0.19",
	.minor = KATIB_MINOR_LATEST,
	.source = "the default katib-config",
	.algorithms = default_algorithms,
	.algorithm_images = default_algorithm_images,
	.early_stoppings = default_early_stoppings,
	.early_stopping_images = default_early_stopping_images,
	.collectors = default_collectors,
	.trial_resources = default_trial_resources,
};

int kubernetes_version_parse(const char *s)
{
	char *end;
	long minor;

	if (*s == 'v')
		s++;
	if (strncmp(s, "1.", 2) || !isdigit((unsigned char)s[2]))
		return -1;
	minor = strtol(s + 2, &end, 10);
	if (*end == '.') {
		if (!isdigit((unsigned char)end[1]))
			return -1;
		strtol(end + 1, &end, 10);
	}
	return *end || minor < 20 || minor > 99 ? -1 : (int)minor;
}

int katib_config_has(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (**list == *name && !strcmp(*list, name))
			return 1;
	return 0;
}

const char *katib_config_image(const char *const *names,
			       const char *const *images, const char *name)
{
	size_t i;

	for (i = 0; names[i]; i++)
		if (!strcmp(names[i], name))
			return images[i] ? images[i] : "";
	return NULL;
}

const char *katib_config_join(const char *const *list)
{
	/* Per thread: the webhook validates on several at once. */
	static _Thread_local char out[1024];
	size_t n = 0;

	out[0] = '\0';
	for (; *list && n < sizeof(out); list++)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s",
				      n ? ", " : "", *list);
	return out;
}

int katib_version_parse(const char *s)
{
	char *end;
	long minor;

	if (*s == 'v')
		s++;
	if (strncmp(s, "0.", 2))
		return -1;
	minor = strtol(s + 2, &end, 10);
	if (end == s + 2 || (*end && *end != '.'))
		return -1;
	if (minor < KATIB_MINOR_OLDEST || minor > KATIB_MINOR_LATEST)
		return -1;
	return (int)minor;
}

const char *katib_config_service(const struct katib_config *cfg,
				 const char *algorithm)
{
	static const char *const services[] = {
		"suggestion-hyperopt", "suggestion-goptuna", "suggestion-optuna",
		"suggestion-skopt", "suggestion-hyperband", "suggestion-enas",
		"suggestion-darts", "suggestion-pbt",
	};
	size_t i, k;

	for (i = 0; algorithm && cfg->algorithms[i]; i++) {
		const char *img = cfg->algorithm_images[i];

		if (strcmp(cfg->algorithms[i], algorithm))
			continue;
		/* The image's last path component names the service. */
		for (k = 0; k < ARRAY_SIZE(services); k++) {
			const char *p = strstr(img, services[k]);
			size_t n = strlen(services[k]);

			if (p && (p == img || p[-1] == '/') &&
			    (!p[n] || p[n] == ':' || p[n] == '@'))
				return services[k] + strlen("suggestion-");
		}
		return NULL;
	}
	return NULL;
}

/* ---- loading ---- */

struct list_builder {
	const char **names;
	const char **images;
	size_t nr, alloc;
};

static void list_add(struct list_builder *l, const char *name,
		     const char *image)
{
	size_t i;

	/* The last entry of a name wins, as in Katib. */
	for (i = 0; i < l->nr; i++) {
		if (!strcmp(l->names[i], name)) {
			l->images[i] = image;
			return;
		}
	}
	ALLOC_GROW(l->names, l->nr + 2, l->alloc);
	l->images = xrealloc(l->images, l->alloc * sizeof(*l->images));
	l->names[l->nr] = name;
	l->images[l->nr] = image;
	l->nr++;
	l->names[l->nr] = NULL;
	l->images[l->nr] = NULL;
}

/* Copies the lists into the arena: names to *names, images to *images. */
static void list_finish(struct arena *a, struct list_builder *l,
			const char *const **names, const char *const **images)
{
	const char **n = arena_alloc(a, (l->nr + 1) * sizeof(*n));
	const char **img = arena_alloc(a, (l->nr + 1) * sizeof(*img));

	if (l->nr) {
		memcpy(n, l->names, l->nr * sizeof(*n));
		memcpy(img, l->images, l->nr * sizeof(*img));
	}
	free(l->names);
	free(l->images);
	memset(l, 0, sizeof(*l));
	*names = n;
	*images = img;
}

static void read_entries(struct arena *a, const struct doc_node *seq,
			 const char *key, struct list_builder *l)
{
	const struct doc_node *e;

	for (e = seq && seq->kind == DOC_SEQ ? seq->child : NULL; e; e = e->next) {
		const char *name = doc_get_str(e, key);
		const char *image = doc_get_str(e, "image");

		if (!name)
			continue;
		list_add(l, arena_strdup(a, name),
			 arena_strdup(a, image ? image : ""));
	}
}

static int load_runtime(struct katib_config *cfg, const struct doc_node *root,
			const char *path, struct fail *f)
{
	const struct doc_node *runtime = doc_get_kind(root, "runtime", DOC_MAP);
	const struct doc_node *res = doc_lookup(root, "init.controller.trialResources");
	struct list_builder algos = { 0 }, es = { 0 }, mcs = { 0 }, trs = { 0 };
	const struct doc_node *e;
	size_t i;

	if (!runtime)
		return fail_set(f, FAIL_PROTOCOL,
				"'%s' has no runtime section: is it a katib-config?", path);
	read_entries(&cfg->arena, doc_get(runtime, "suggestions"), "algorithmName", &algos);
	read_entries(&cfg->arena, doc_get(runtime, "earlyStoppings"), "algorithmName", &es);
	read_entries(&cfg->arena, doc_get(runtime, "metricsCollectors"), "kind", &mcs);
	list_finish(&cfg->arena, &algos, &cfg->algorithms, &cfg->algorithm_images);
	list_finish(&cfg->arena, &es, &cfg->early_stoppings, &cfg->early_stopping_images);
	{
		/* A collector kind with a blank image is as good as absent. */
		const char *const *kinds, *const *imgs;
		const char **keep;
		size_t n = 0;

		list_finish(&cfg->arena, &mcs, &kinds, &imgs);
		for (i = 0; kinds[i]; i++)
			;
		keep = arena_alloc(&cfg->arena, (i + 1) * sizeof(*keep));

		for (i = 0; kinds[i]; i++)
			if (*imgs[i])
				keep[n++] = kinds[i];
		cfg->collectors = keep;
	}
	if (res && res->kind == DOC_SEQ) {
		const char *const *unused;

		for (e = res->child; e; e = e->next)
			if (doc_str(e))
				list_add(&trs, arena_strdup(&cfg->arena, e->text), "");
		list_finish(&cfg->arena, &trs, &cfg->trial_resources, &unused);
	} else {
		static const char *const job_only[] = { "Job.v1.batch", NULL };

		cfg->trial_resources = job_only;	/* Katib's default */
	}
	return 0;
}

static int load_text(struct katib_config *cfg, const char *name,
		     const char *text, size_t len, const char *path,
		     struct fail *f);

/* Finds the KatibConfig (or the ConfigMap holding it) in a stream. */
static int load_stream(struct katib_config *cfg, struct doc_reader *r,
		       const char *path, struct fail *f)
{
	struct doc *d;
	int ret;

	while ((ret = doc_reader_next(r, &d, f)) > 0) {
		const char *kind = doc_get_str(d->root, "kind");
		int done = 0;

		if (d->error) {
			ret = fail_set(f, FAIL_PROTOCOL, "cannot read '%s': line %u: %s",
				       path, (unsigned)d->error->at.line,
				       d->error->message);
			doc_free(d);
			return ret;
		}
		if (kind && !strcmp(kind, "KatibConfig")) {
			ret = load_runtime(cfg, d->root, path, f);
			done = 1;
		} else if (kind && !strcmp(kind, "ConfigMap")) {
			const struct doc_node *data = doc_get_kind(d->root, "data", DOC_MAP);
			const struct doc_node *yaml = doc_get(data, "katib-config.yaml");

			if (!doc_str(yaml)) {
				ret = fail_set(f, FAIL_PROTOCOL,
					       "the ConfigMap in '%s' has no data key 'katib-config.yaml'",
					       path);
			} else {
				char *copy = arena_strndup(&cfg->arena, yaml->text, yaml->len);

				ret = load_text(cfg, path, copy, yaml->len, path, f);
			}
			done = 1;
		}
		doc_free(d);
		if (done)
			return ret;
	}
	if (ret < 0)
		return -1;
	return fail_set(f, FAIL_PROTOCOL,
			"'%s' holds no KatibConfig and no katib-config ConfigMap", path);
}

static int load_text(struct katib_config *cfg, const char *name,
		     const char *text, size_t len, const char *path,
		     struct fail *f)
{
	struct doc_reader *r;
	int ret;

	doc_reader_open_mem(&r, name, text, len, NULL);
	ret = load_stream(cfg, r, path, f);
	doc_reader_free(r);
	return ret;
}

int katib_config_load(struct katib_config *out, const char *path,
		      struct fail *f)
{
	struct doc_reader *r;
	int ret;

	memset(out, 0, sizeof(*out));
	out->version = katib_config_default.version;
	out->minor = katib_config_default.minor;
	out->source = arena_strdup(&out->arena, path);
	if (doc_reader_open(&r, path, path, NULL, f)) {
		arena_release(&out->arena);
		return -1;
	}
	ret = load_stream(out, r, path, f);
	doc_reader_free(r);
	if (ret)
		katib_config_release(out);
	return ret;
}

int katib_config_load_text(struct katib_config *out, const char *name,
			   const char *text, size_t len, struct fail *f)
{
	char *copy;
	int ret;

	memset(out, 0, sizeof(*out));
	out->version = katib_config_default.version;
	out->minor = katib_config_default.minor;
	out->source = arena_strdup(&out->arena, name);
	/* The loader keeps pointers into the text: it lives in the arena. */
	copy = arena_strndup(&out->arena, text, len);
	ret = load_text(out, name, copy, len, name, f);
	if (ret)
		katib_config_release(out);
	return ret;
}

void katib_config_release(struct katib_config *cfg)
{
	arena_release(&cfg->arena);
	memset(cfg, 0, sizeof(*cfg));
}
