/*
 * cmd-create.c: `kubectl katib create`, an Experiment from a few flags
 * (or a manifest), validated before anything reaches the cluster, then
 * created, dry-run by the server, or only printed.
 */
#include "compat.h"
#include "alloc.h"
#include "buf.h"
#include "cluster.h"
#include "cmd.h"
#include "diag.h"
#include "diagnose.h"
#include "doc.h"
#include "doc-emit.h"
#include "doc-json.h"
#include "doc-yaml.h"
#include "generate.h"
#include "katib-config.h"
#include "kube.h"
#include "levenshtein.h"
#include "manifests.h"
#include "output.h"
#include "rule.h"
#include "timefmt.h"
#include "validate.h"

#include <errno.h>
#include <getopt.h>
#include <time.h>
#include <unistd.h>

enum print_format { PRINT_NONE, PRINT_YAML, PRINT_JSON, PRINT_NAME };

struct create_run {
	struct arena arena;
	struct gen_experiment g;
	size_t alloc_params, alloc_settings, alloc_env, alloc_secrets;
	size_t alloc_metrics, alloc_command;
	const char *file;
	enum print_format print;
	int dry_run_client, dry_run_server;
	long wait_ms;			/* -1: do not wait */
	struct cluster_opts copts;
	struct kube_config kube_cfg;
	struct kube_client *kube;
};

static void print_doc(const struct doc_node *root, enum print_format fmt)
{
	struct buf out = BUF_INIT;

	if (fmt == PRINT_JSON) {
		char *json = doc_to_json_pretty(root);

		fputs(json, stdout);
		putchar('\n');
		free(json);
		return;
	}
	if (fmt == PRINT_NAME) {
		printf("experiment.kubeflow.org/%s\n",
		       doc_get_str(doc_get(root, "metadata"), "name"));
		return;
	}
	doc_emit_yaml(root, &out);
	fwrite(out.buf, 1, out.len, stdout);
	buf_release(&out);
}

/*
 * The flag that put the value at path into a generated Experiment: the
 * user wrote flags, not the YAML, so a finding names the flag.
 */
static void flag_of(const struct gen_experiment *g, const char *rule_id,
		    const char *path, struct buf *out)
{
	static const struct {
		const char *prefix, *flag;
	} spec_flags[] = {
		{ "metadata.name", "NAME" },
		{ "metadata.namespace", "--namespace" },
		{ "spec.parallelTrialCount", "--parallel" },
		{ "spec.maxTrialCount", "--max-trials" },
		{ "spec.maxFailedTrialCount", "--max-failed" },
		{ "spec.objective.goal", "--goal" },
		{ "spec.objective.additionalMetricNames", "--metric" },
		{ "spec.objective", "--objective" },
		{ "spec.algorithm.algorithmSettings", "--setting" },
		{ "spec.algorithm", "--algorithm" },
		{ "spec.earlyStopping", "--early-stopping" },
		{ "spec.metricsCollectorSpec.source.filter", "--metrics-format" },
		{ "spec.metricsCollectorSpec", "--collector" },
		{ "spec.trialTemplate.trialParameters", "--param" },
	};
	/* Inside the trial's pods, by the last field that says. */
	static const struct {
		const char *field, *flag;
	} pod_flags[] = {
		{ ".command", "--command" },
		{ ".args", "--param-format" },
		{ ".image", "--image" },
		{ ".env", "--env" },
		{ ".resources", "--cpu, --memory or --gpu" },
		{ ".imagePullSecrets", "--image-pull-secret" },
		{ "Worker", "--workers" },
	};
	size_t i;
	unsigned long n;

	if (!strcmp(rule_id, "primary-container-command-missing")) {
		buf_adds(out, "--command");
		return;
	}
	if (!path || !*path) {
		buf_adds(out, "the flags");
		return;
	}
	if (sscanf(path, "spec.parameters[%lu]", &n) == 1 && n < g->nr_params) {
		buf_addf(out, "--param %s", g->params[n].name);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(spec_flags); i++)
		if (!strncmp(path, spec_flags[i].prefix, strlen(spec_flags[i].prefix))) {
			buf_adds(out, spec_flags[i].flag);
			return;
		}
	for (i = 0; i < ARRAY_SIZE(pod_flags); i++)
		if (strstr(path, pod_flags[i].field)) {
			buf_adds(out, pod_flags[i].flag);
			return;
		}
	buf_adds(out, "--trial-kind");
}

/* A finding of a generated Experiment, told by the flag that caused it. */
static void print_generated(const struct gen_experiment *g, const struct diag *f)
{
	struct buf flag = BUF_INIT;
	FILE *err = errout();

	flag_of(g, f->rule->id, f->path, &flag);
	fprintf(err, "%s: ", severity_name(f->severity));
	puts_safe(err, flag.buf);
	fputs(": ", err);
	puts_safe(err, f->message);
	fprintf(err, " [%s]\n", f->rule->id);
	if (f->path && *f->path) {
		fputs("   at ", err);
		puts_safe(err, f->path);
		fputs(" of the Experiment written\n", err);
	}
	if (f->hint) {
		fputs("   hint: ", err);
		puts_safe(err, f->hint);
		fputc('\n', err);
	}
	buf_release(&flag);
}

/*
 * Validates d as the cluster would see it; prints any findings on stderr,
 * for a generated Experiment (g) by flag, for a file at its lines.
 * Returns the number of errors.
 */
static unsigned check_doc(const struct doc *d, const struct gen_experiment *g,
			  int *is_experiment)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct output out;
	enum validate_result res;
	unsigned errors;
	size_t i;

	memset(&out, 0, sizeof(out));
	out.fp = errout();
	out.excerpts = 1;
	diags.file = d->name;
	diags.document = d->index;
	res = validate_doc(d, &katib_config_default, NULL, &diags);
	*is_experiment = res == VALIDATE_CHECKED;
	diag_sort(&diags);
	if (g) {
		for (i = 0; i < diags.nr; i++)
			print_generated(g, &diags.item[i]);
	} else {
		output_findings(&out, &diags, d, res != VALIDATE_SKIPPED);
	}
	errors = diags.count[SEV_ERROR] + (res == VALIDATE_UNREADABLE);
	diag_list_release(&diags);
	return errors;
}

static int connect(struct create_run *run)
{
	if (run->kube)
		return 0;
	return cluster_connect(&run->copts, &run->kube_cfg, &run->kube);
}

/* The latest condition, for the progress line and the timeout message. */
static const struct doc_node *last_condition(const struct doc_node *status)
{
	const struct doc_node *list = doc_get(status, "conditions");

	return list && list->kind == DOC_SEQ ? list->last : NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * Why the Experiment is not progressing, as `explain experiment` says it
 * (on stderr: stdout carries what was created).
 */
static void explain_stall(struct create_run *run, const char *ns,
			  const char *name)
{
	struct snapshot snap;
	struct fail f = FAIL_INIT;

	if (snapshot_fetch(run->kube, ns, name, &snap, &f)) {
		warning_msg("cannot diagnose it: %s", f.msg);
		return;
	}
	fputc('\n', errout());
	explain_diagnosis(errout(), &snap, 0);
	snapshot_release(&snap);
}

/*
 * Follows the Experiment until a trial runs, it succeeds or fails, or the
 * deadline passes; progress goes to stderr, one updating line on a TTY.
 */
static int wait_for(struct create_run *run, const char *ns, const char *name)
{
	struct buf path = BUF_INIT, line = BUF_INIT;
	long deadline = monotonic_ms() + run->wait_ms;
	int tty = isatty(STDERR_FILENO), status = STATUS_RUNTIME;
	int64_t running = 0;

	buf_addf(&path, "/apis/kubeflow.org/v1beta1/namespaces/%s/experiments/%s",
		 ns, name);
	for (;;) {
		struct fail f = FAIL_INIT;
		struct doc *d;
		const struct doc_node *st, *c;
		char *prev;

		if (kube_get(run->kube, path.buf, &d, &f)) {
			status = api_failure(&f);
			break;
		}
		st = doc_get(d->root, "status");
		c = last_condition(st);
		if (doc_int(doc_get(st, "trialsRunning"), &running))
			running = 0;
		prev = buf_detach(&line, NULL);
		buf_addf(&line, "%s: %s, %lld trial(s) running", name,
			 c && doc_get_str(c, "type") ? doc_get_str(c, "type") : "waiting",
			 (long long)running);
		if (tty)
			fprintf(errout(), "\r\033[K%s", line.buf);
		else if (!prev || strcmp(prev, line.buf))
			fprintf(errout(), "%s\n", line.buf);
		free(prev);
		if ((c = object_condition(d->root, "Succeeded", "True")) || running > 0) {
			if (tty)
				fputc('\n', errout());
			doc_free(d);
			status = STATUS_OK;
			break;
		}
		if ((c = object_condition(d->root, "Failed", "True"))) {
			if (tty)
				fputc('\n', errout());
			error_msg("experiment %s failed: %s", name,
				  doc_get_str(c, "message") ? doc_get_str(c, "message")
							     : "no reason given");
			doc_free(d);
			explain_stall(run, ns, name);
			status = STATUS_FINDINGS;
			break;
		}
		if (monotonic_ms() >= deadline) {
			if (tty)
				fputc('\n', errout());
			error_msg("experiment %s has no running trial after waiting %.1fs",
				  name, run->wait_ms / 1000.0);
			doc_free(d);
			explain_stall(run, ns, name);
			status = STATUS_FINDINGS;
			break;
		}
		doc_free(d);
		sleep_ms(run->wait_ms < 10000 ? 200 : 2000);
	}
	buf_release(&path);
	buf_release(&line);
	return status;
}

/* Creates (or server-dry-runs) one validated Experiment. */
static int submit(struct create_run *run, const struct doc_node *root)
{
	const char *doc_ns = doc_get_str(doc_get(root, "metadata"), "namespace");
	const char *name = doc_get_str(doc_get(root, "metadata"), "name");
	const char *ns;
	struct fail f = FAIL_INIT;
	struct buf path = BUF_INIT;
	struct doc *created = NULL;
	char *json;
	int status;

	if (run->dry_run_client) {
		print_doc(root, run->print == PRINT_NONE ? PRINT_YAML : run->print);
		return STATUS_OK;
	}
	if (connect(run))
		return STATUS_RUNTIME;
	ns = run->kube_cfg.namespace;
	if (doc_ns && *doc_ns) {
		if (run->copts.overrides.namespace && strcmp(doc_ns, ns)) {
			error_msg("the namespace from the provided object \"%s\" does not match the namespace \"%s\". You must pass '--namespace=%s' to perform this operation.",
				  doc_ns, ns, doc_ns);
			return STATUS_USAGE;
		}
		ns = doc_ns;
	}
	json = doc_to_json(root);
	buf_addf(&path, "/apis/kubeflow.org/v1beta1/namespaces/%s/experiments", ns);
	if (kube_create(run->kube, path.buf, json, run->dry_run_server, &created, &f)) {
		free(json);
		buf_release(&path);
		return api_failure(&f);
	}
	free(json);
	buf_release(&path);
	if (run->print != PRINT_NONE && created->root)
		print_doc(created->root, run->print);
	else
		printf("experiment.kubeflow.org/%s created%s\n", name,
		       run->dry_run_server ? " (server dry run)" : "");
	doc_free(created);
	status = STATUS_OK;
	if (run->wait_ms >= 0 && !run->dry_run_server) {
		fflush(stdout);
		status = wait_for(run, ns, name);
	}
	return status;
}

static int create_generated(struct create_run *run)
{
	static const struct doc_limits limits = DOC_LIMITS_DEFAULT;
	struct doc *built = doc_new("<generated>", 0), *d = NULL;
	struct doc_reader *r;
	struct fail f = FAIL_INIT;
	struct buf yaml = BUF_INIT;
	const char *guessed;
	int status, is_experiment;

	if (gen_experiment_build(&run->g, built, &guessed, &f)) {
		doc_free(built);
		return usage_error("create", "%s", f.msg);
	}
	if (guessed)
		fprintf(errout(), "note: objective %s: %s (pass --%s to change)\n",
			run->g.objective, guessed,
			!strcmp(guessed, "minimize") ? "maximize" : "minimize");
	if (!run->g.parallel && gen_parallel(&run->g) < GEN_PARALLEL)
		fprintf(errout(), "note: --parallel %ld, not the default %d: no more than --max-trials %ld\n",
			gen_parallel(&run->g), GEN_PARALLEL, gen_max_trials(&run->g));
	if (run->g.max_failed < 0 && gen_max_failed(&run->g) < GEN_MAX_FAILED)
		fprintf(errout(), "note: --max-failed %ld, not the default %d: no more than --max-trials %ld\n",
			gen_max_failed(&run->g), GEN_MAX_FAILED, gen_max_trials(&run->g));
	doc_emit_yaml(built->root, &yaml);
	doc_free(built);

	/*
	 * Validate the text that is printed and sent, read back as the API
	 * server will read it, so findings point at its lines.
	 */
	doc_reader_open_mem(&r, run->g.name, yaml.buf, yaml.len, &limits);
	if (doc_reader_next(r, &d, &f) <= 0)
		BUG("generated YAML does not read back: %s", f.msg);
	if (check_doc(d, &run->g, &is_experiment)) {
		fprintf(errout(), "error: experiment %s was not created: fix the errors above\n",
			run->g.name);
		status = STATUS_FINDINGS;
	} else {
		status = submit(run, d->root);
	}
	doc_free(d);
	doc_reader_free(r);
	buf_release(&yaml);
	return status;
}

struct doc_set {
	struct doc **docs;
	size_t nr, alloc;
	unsigned errors;
	int status;
};

/*
 * Reads and checks the documents of one file into set.  A file named by
 * -f was meant to be created whole, so anything but an Experiment in it
 * is an error; in a directory, other manifests are passed over quietly,
 * as validate passes them.  Findings are printed now: excerpts need the
 * reader's buffer.
 */
static void read_file(struct doc_set *set, const char *path, int named)
{
	static const struct doc_limits limits = DOC_LIMITS_DEFAULT;
	struct doc_reader *r;
	struct fail f = FAIL_INIT;
	struct doc *d;
	int ret, is_experiment;

	if (doc_reader_open(&r, path, path, &limits, &f)) {
		error_msg("%s", f.msg);
		set->status = STATUS_USAGE;
		return;
	}
	while ((ret = doc_reader_next(r, &d, &f)) > 0) {
		set->errors += check_doc(d, NULL, &is_experiment);
		if (d->error) {
			set->status = STATUS_USAGE;	/* unreadable input */
			doc_free(d);
			continue;
		}
		if (!d->root || (d->root->kind == DOC_NULL && !is_experiment) ||
		    (!is_experiment && !named)) {
			doc_free(d);	/* empty, or another manifest of a directory */
			continue;
		}
		if (!is_experiment) {
			const char *kind = doc_get_str(d->root, "kind");

			error_msg("%s: document %u is %s%s, not an Experiment; create it with kubectl",
				  path, d->index + 1, kind ? "a " : "not a Kubernetes object",
				  kind ? kind : "");
			set->status = STATUS_USAGE;
		}
		ALLOC_GROW(set->docs, set->nr + 1, set->alloc);
		set->docs[set->nr++] = d;
	}
	if (ret < 0) {
		error_msg("%s", f.msg);
		set->status = STATUS_USAGE;
	}
	doc_reader_free(r);
}

/* One file of the walk (manifests.h). */
static void create_walked(struct manifest_walk *w, const char *path, int named)
{
	read_file(w->data, path, named);
}

static int create_from_file(struct create_run *run)
{
	struct doc_set set;
	struct manifest_walk walk = MANIFEST_WALK_INIT(create_walked, &set);
	size_t i;
	int status;

	memset(&set, 0, sizeof(set));
	set.status = STATUS_OK;
	/*
	 * Check every document before sending any, so a broken second
	 * Experiment does not leave the first one half a change behind.
	 */
	manifest_walk(&walk, run->file);
	manifest_walk_release(&walk);
	status = walk.unreadable ? STATUS_USAGE : set.status;
	if (!set.nr && status == STATUS_OK) {
		error_msg("%s: no Experiment to create", run->file);
		status = STATUS_USAGE;
	}
	if (status == STATUS_OK && set.errors) {
		fprintf(errout(), "error: nothing was created: fix the errors above\n");
		status = STATUS_FINDINGS;
	}
	for (i = 0; i < set.nr && status == STATUS_OK; i++)
		status = submit(run, set.docs[i]->root);
	for (i = 0; i < set.nr; i++)
		doc_free(set.docs[i]);
	free(set.docs);
	return status;
}

static int parse_count(const char *flag, const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < 0 || v > 1000000)
		return usage_error("create", "%s '%s' is not a count", flag, s);
	*out = v;
	return 0;
}

static int check_algorithm(const char *name)
{
	const char *const *a;

	if (katib_config_has(katib_config_default.algorithms, name))
		return 0;
	error_msg("unknown algorithm '%s'", name);
	for (a = katib_config_default.algorithms; *a; a++)
		if (levenshtein(name, strlen(name), *a, strlen(*a), 0) <= 3)
			hint_msg("did you mean '%s'?", *a);
	hint_msg("Katib serves: %s", katib_config_join(katib_config_default.algorithms));
	fputs("see 'kubectl katib create --help'\n", errout());
	return STATUS_USAGE;
}

/*
 * Splits --command as a POSIX shell splits words, without expanding
 * anything: 'single quotes' keep everything, "double quotes" keep all
 * but \\ \" \$ \` (escaped), and a backslash outside quotes keeps the
 * next character.  So --command "python t.py --name 'a b'" gives the
 * program four words, as typing it in a shell would.  Returns 0, or -1
 * for an unterminated quote.
 */
static int add_words(struct create_run *run, const char *s)
{
	const char *p = s;
	struct buf w = BUF_INIT;

	for (;;) {
		int in_word = 0;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		buf_reset(&w);
		while (*p && !(*p == ' ' || *p == '\t' || *p == '\n')) {
			in_word = 1;
			if (*p == '\'') {
				const char *end = strchr(p + 1, '\'');

				if (!end)
					goto unterminated;
				buf_add(&w, p + 1, (size_t)(end - p - 1));
				p = end + 1;
			} else if (*p == '"') {
				for (p++; *p && *p != '"'; p++) {
					if (*p == '\\' && p[1] && strchr("\\\"$`", p[1]))
						p++;
					buf_addch(&w, *p);
				}
				if (!*p)
					goto unterminated;
				p++;
			} else if (*p == '\\' && p[1]) {
				buf_addch(&w, p[1]);
				p += 2;
			} else {
				buf_addch(&w, *p++);
			}
		}
		if (in_word) {
			ALLOC_GROW(run->g.command, run->g.nr_command + 1, run->alloc_command);
			run->g.command[run->g.nr_command++] =
				arena_strndup(&run->arena, w.buf ? w.buf : "", w.len);
		}
	}
	buf_release(&w);
	return 0;
unterminated:
	buf_release(&w);
	return -1;
}

enum {
	OPT_IMAGE = 256, OPT_COMMAND, OPT_PARAM, OPT_PARAM_FORMAT,
	OPT_OBJECTIVE, OPT_MINIMIZE, OPT_MAXIMIZE, OPT_GOAL, OPT_METRIC,
	OPT_ALGORITHM, OPT_SETTING, OPT_MAX_TRIALS, OPT_PARALLEL,
	OPT_MAX_FAILED, OPT_EARLY_STOPPING, OPT_TRIAL_KIND, OPT_WORKERS,
	OPT_CPU, OPT_MEMORY, OPT_GPU, OPT_ENV, OPT_PULL_SECRET,
	OPT_COLLECTOR, OPT_METRICS_FORMAT, OPT_DRY_RUN, OPT_WAIT,
};

static const char *const print_formats[] = { "yaml", "json", "name", NULL };
static const char *const dry_run_modes[] = { "none", "client", "server", NULL };

static int complete_list(const char *const *words)
{
	for (; *words; words++)
		complete_wordf("%s", *words);
	return COMPLETE_DIRECTIVE_NO_FILES;
}

static int complete_algorithm(const char *word)
{
	(void)word;
	return complete_list(katib_config_default.algorithms);
}

static int complete_early_stopping(const char *word)
{
	(void)word;
	return complete_list(katib_config_default.early_stoppings);
}

static int complete_collector(const char *word)
{
	(void)word;
	return complete_list(katib_config_default.collectors);
}

const struct cmd_option create_options[] = {
	OPT_VALUE("image", 0, OPT_IMAGE, COMPLETE_NOTHING, "IMG",
		  "the training image (required)"),
	OPT_VALUE("command", 0, OPT_COMMAND, COMPLETE_NOTHING, "\"CMD ARGS\"",
		  "the program, split into words as a shell splits\n"
		  "them (quotes keep spaces; nothing is expanded), or\n"
		  "give it after --; without it, Katib's metrics\n"
		  "collector reads the image's ENTRYPOINT and CMD\n"
		  "from its registry, which works only if Katib's\n"
		  "controller can pull the image and (Katib v0.19+)\n"
		  "its name is fully qualified; a warning says so"),
	OPT_VALUE("param", 0, OPT_PARAM, COMPLETE_NOTHING, "NAME=SPEC",
		  "a hyperparameter to tune; SPEC is one of\n"
		  "  double:MIN:MAX[:log][:step=S]\n"
		  "  int:MIN:MAX[:step=S]\n"
		  "  categorical:A,B,C\n"
		  "  discrete:1,2,4"),
	OPT_VALUE("param-format", 0, OPT_PARAM_FORMAT, COMPLETE_NOTHING, "FMT",
		  "how a value reaches the program (default\n"
		  "'--{name}={value}', added to the container's args)"),
	OPT_VALUE("objective", 0, OPT_OBJECTIVE, COMPLETE_NOTHING, "METRIC",
		  "the metric the program prints (required)"),
	OPT_FLAG("minimize", 0, OPT_MINIMIZE,
		 "the direction (default: minimize for names with\n"
		 "loss or error in them, maximize otherwise)"),
	OPT_FLAG("maximize", 0, OPT_MAXIMIZE,
		 "maximize the objective (see --minimize)"),
	OPT_VALUE("goal", 0, OPT_GOAL, COMPLETE_NOTHING, "VALUE",
		  "stop once the objective reaches VALUE"),
	OPT_VALUE("metric", 0, OPT_METRIC, COMPLETE_NOTHING, "NAME",
		  "another metric to record"),
	OPT_FN("algorithm", 0, OPT_ALGORITHM, complete_algorithm, "NAME",
	       "random (default), tpe, bayesianoptimization, grid, ..."),
	OPT_VALUE("setting", 0, OPT_SETTING, COMPLETE_NOTHING, "KEY=VALUE",
		  "an algorithm setting"),
	OPT_VALUE("max-trials", 0, OPT_MAX_TRIALS, COMPLETE_NOTHING, "N",
		  "trials in all (default 12, or the grid's size)"),
	OPT_VALUE("parallel", 0, OPT_PARALLEL, COMPLETE_NOTHING, "N",
		  "trials at once (default 3, or --max-trials if fewer)"),
	OPT_VALUE("max-failed", 0, OPT_MAX_FAILED, COMPLETE_NOTHING, "N",
		  "failed trials before the Experiment fails (default 3,\n"
		  "or --max-trials if fewer)"),
	OPT_FN("early-stopping", 0, OPT_EARLY_STOPPING, complete_early_stopping,
	       "NAME", "e.g. medianstop"),
	OPT_WORDS("trial-kind", 0, OPT_TRIAL_KIND, gen_trial_kinds, "KIND",
		  "Job (default), PyTorchJob, TFJob, MPIJob, XGBoostJob"),
	OPT_VALUE("workers", 0, OPT_WORKERS, COMPLETE_NOTHING, "N",
		  "worker replicas besides the primary one"),
	OPT_VALUE("cpu", 0, OPT_CPU, COMPLETE_NOTHING, "Q",
		  "resource limits of every container"),
	OPT_VALUE("memory", 0, OPT_MEMORY, COMPLETE_NOTHING, "Q",
		  "the memory limit of every container (see --cpu)"),
	OPT_VALUE("gpu", 0, OPT_GPU, COMPLETE_NOTHING, "N",
		  "the GPU limit of every container (see --cpu)"),
	OPT_VALUE("env", 0, OPT_ENV, COMPLETE_NOTHING, "KEY=VALUE",
		  "an environment variable of the training container"),
	OPT_VALUE("image-pull-secret", 0, OPT_PULL_SECRET, COMPLETE_NOTHING, "S",
		  "a Secret to pull the image with"),
	OPT_FN("collector", 0, OPT_COLLECTOR, complete_collector, "KIND",
	       "StdOut (default), File:/PATH or TensorFlowEvent:/DIR"),
	OPT_VALUE("metrics-format", 0, OPT_METRICS_FORMAT, COMPLETE_NOTHING,
		  "REGEX", "how metrics appear in the output"),
	OPT_VALUE("filename", 'f', 'f', COMPLETE_MANIFEST, "FILE",
		  "create the Experiments of FILE ('-': stdin), or of\n"
		  "the manifests of a directory, as validate reads it"),
	OPT_WORDS("output", 'o', 'o', print_formats, "FORMAT",
		  "yaml, json or name: print the Experiment as created\n"
		  "(with --dry-run=client, as it would be sent)"),
	{ "dry-run", 0, optional_argument, OPT_DRY_RUN, COMPLETE_WORDS,
	  dry_run_modes, NULL, "MODE",
	  "none (default); client: only print; server: let\n"
	  "the cluster's webhooks judge it, keep nothing" },
	{ "wait", 0, optional_argument, OPT_WAIT, COMPLETE_NOTHING, NULL, NULL,
	  "[=DURATION]",
	  "follow the Experiment until a trial runs, it ends,\n"
	  "or DURATION passes (default 10m); when it fails\n"
	  "or stalls, say why as 'explain experiment' does" },
	OPT_FLAG("help", 'h', 'h', "show this help"),
	CLUSTER_OPTIONS,
	OPT_END,
};

static const struct help_item create_run_items[] = {
	HELP_ITEM("image"),
	HELP_ITEM("command"),
	HELP_ITEM("param"),
	HELP_ITEM("param-format"),
	HELP_ITEM("env"),
	HELP_ITEM("cpu memory gpu"),
	HELP_ITEM("image-pull-secret"),
	HELP_ITEM_END,
};

static const struct help_item create_optimize_items[] = {
	HELP_ITEM("objective"),
	HELP_ITEM("minimize maximize"),
	HELP_ITEM("goal"),
	HELP_ITEM("metric"),
	HELP_ITEM("collector"),
	HELP_ITEM("metrics-format"),
	HELP_ITEM_END,
};

static const struct help_item create_search_items[] = {
	HELP_ITEM("algorithm"),
	HELP_ITEM("setting"),
	HELP_ITEM("max-trials"),
	HELP_ITEM("parallel"),
	HELP_ITEM("max-failed"),
	HELP_ITEM("early-stopping"),
	HELP_ITEM("trial-kind"),
	HELP_ITEM("workers"),
	HELP_ITEM_END,
};

static const struct help_item create_submit_items[] = {
	HELP_ITEM("filename"),
	HELP_ITEM("namespace"),
	HELP_ITEM("output"),
	HELP_ITEM("dry-run"),
	HELP_ITEM("wait"),
	CLUSTER_HELP_ITEM,
	HELP_ITEM("help"),
	HELP_ITEM_END,
};

static const struct help_section create_sections[] = {
	{ HELP_TEXT, NULL,
	  "Write a correct Experiment from a few flags, validate it, and create it.\n"
	  "Nothing is sent while the Experiment has validation errors.", NULL },
	{ HELP_OPTIONS, "What to run:", NULL, create_run_items },
	{ HELP_OPTIONS, "What to optimize:", NULL, create_optimize_items },
	{ HELP_OPTIONS, "How to search:", NULL, create_search_items },
	{ HELP_OPTIONS, "Submitting:", NULL, create_submit_items },
	{ HELP_EXIT, NULL,
	  "Exit status: 0 created (or printed), 1 validation errors or a failed wait,\n"
	  "2 bad flags or input, 3 the cluster could not be reached or refused it.",
	  NULL },
	{ HELP_EXAMPLES, "Examples:",
	  "kubectl katib create mnist-tune -n team-a \\\n"
	  "    --image docker.io/kubeflowkatib/pytorch-mnist-cpu:v0.19.0 \\\n"
	  "    --objective accuracy --param lr=double:0.01:0.1:log --param epochs=int:1:5 \\\n"
	  "    -- python3 /opt/pytorch-mnist/mnist.py\n"
	  "kubectl katib create mnist-tune ... --dry-run=client -o yaml > experiment.yaml\n"
	  "kubectl katib create -f experiment.yaml --wait", NULL },
	{ HELP_END, NULL, NULL, NULL },
};

const struct cmd_help create_help = {
	.name = "create",
	.synopsis = "create NAME --image IMG --objective METRIC --param SPEC... [options] [-- CMD ARGS...]\n"
		    "create -f FILE|DIR [options]",
	.options = create_options,
	.column = 31,
	.sections = create_sections,
};

int cmd_create(int argc, char **argv)
{
	struct getopt_tables opt;
	struct create_run run;
	struct fail f = FAIL_INIT;
	int c, status = STATUS_OK, nargs = argc, i;

	memset(&run, 0, sizeof(run));
	run.g.trial_kind = "Job";
	run.g.parallel = 0;		/* the default, fitted to --max-trials */
	run.g.max_failed = -1;
	run.wait_ms = -1;

	/* Everything after "--" is the program; getopt must not see it. */
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			nargs = i;
			break;
		}
	for (i = nargs + 1; i < argc; i++) {
		ALLOC_GROW(run.g.command, run.g.nr_command + 1, run.alloc_command);
		run.g.command[run.g.nr_command++] = argv[i];
	}

	optind = 1;
	opterr = 0;
	options_getopt(create_options, &opt);
	while ((c = getopt_long(nargs, argv, opt.shortopts, opt.longopts, NULL)) != -1) {
		struct gen_pair *pair;
		int taken = cluster_opt(&run.copts, c, optarg, "create");

		if (taken < 0) {
			status = STATUS_USAGE;
			goto out;
		}
		if (taken)
			continue;
		switch (c) {
		case OPT_IMAGE:
			run.g.image = optarg;
			break;
		case OPT_COMMAND:
			if (nargs != argc) {
				status = usage_error("create", "give the program with --command or after --, not both");
				goto out;
			}
			if (add_words(&run, optarg)) {
				status = usage_error("create", "--command has a quote that is not closed: %s", optarg);
				goto out;
			}
			break;
		case OPT_PARAM:
			ALLOC_GROW(run.g.params, run.g.nr_params + 1, run.alloc_params);
			if (gen_param_parse(&run.arena, optarg,
					    &run.g.params[run.g.nr_params], &f)) {
				status = usage_error("create", "%s", f.msg);
				goto out;
			}
			run.g.nr_params++;
			break;
		case OPT_PARAM_FORMAT:
			run.g.param_format = optarg;
			break;
		case OPT_OBJECTIVE:
			run.g.objective = optarg;
			break;
		case OPT_MINIMIZE:
		case OPT_MAXIMIZE:
			run.g.objective_type = c == OPT_MINIMIZE ? GEN_MINIMIZE : GEN_MAXIMIZE;
			break;
		case OPT_GOAL:
			run.g.goal = optarg;
			break;
		case OPT_METRIC:
			ALLOC_GROW(run.g.metrics, run.g.nr_metrics + 1, run.alloc_metrics);
			run.g.metrics[run.g.nr_metrics++] = optarg;
			break;
		case OPT_ALGORITHM:
			if ((status = check_algorithm(optarg)))
				goto out;
			run.g.algorithm = optarg;
			break;
		case OPT_SETTING:
		case OPT_ENV:
			if (c == OPT_SETTING) {
				ALLOC_GROW(run.g.settings, run.g.nr_settings + 1, run.alloc_settings);
				pair = &run.g.settings[run.g.nr_settings++];
			} else {
				ALLOC_GROW(run.g.env, run.g.nr_env + 1, run.alloc_env);
				pair = &run.g.env[run.g.nr_env++];
			}
			if (gen_pair_parse(&run.arena, c == OPT_SETTING ? "--setting" : "--env",
					   optarg, pair, &f)) {
				status = usage_error("create", "%s", f.msg);
				goto out;
			}
			break;
		case OPT_MAX_TRIALS:
			if ((status = parse_count("--max-trials", optarg, &run.g.max_trials)))
				goto out;
			if (!run.g.max_trials) {
				status = usage_error("create", "--max-trials must be at least 1");
				goto out;
			}
			break;
		case OPT_PARALLEL:
			if ((status = parse_count("--parallel", optarg, &run.g.parallel)))
				goto out;
			if (!run.g.parallel) {
				status = usage_error("create", "--parallel must be at least 1");
				goto out;
			}
			break;
		case OPT_MAX_FAILED:
			if ((status = parse_count("--max-failed", optarg, &run.g.max_failed)))
				goto out;
			break;
		case OPT_WORKERS:
			if ((status = parse_count("--workers", optarg, &run.g.workers)))
				goto out;
			break;
		case OPT_EARLY_STOPPING:
			run.g.early_stopping = optarg;
			break;
		case OPT_TRIAL_KIND:
			run.g.trial_kind = optarg;
			break;
		case OPT_CPU:
			run.g.cpu = optarg;
			break;
		case OPT_MEMORY:
			run.g.memory = optarg;
			break;
		case OPT_GPU:
			run.g.gpu = optarg;
			break;
		case OPT_PULL_SECRET:
			ALLOC_GROW(run.g.pull_secrets, run.g.nr_pull_secrets + 1, run.alloc_secrets);
			run.g.pull_secrets[run.g.nr_pull_secrets++] = optarg;
			break;
		case OPT_COLLECTOR:
			run.g.collector = optarg;
			break;
		case OPT_METRICS_FORMAT:
			run.g.metrics_format = optarg;
			break;
		case 'f':
			run.file = optarg;
			break;
		case 'o':
			if (!strcmp(optarg, "yaml"))
				run.print = PRINT_YAML;
			else if (!strcmp(optarg, "json"))
				run.print = PRINT_JSON;
			else if (!strcmp(optarg, "name"))
				run.print = PRINT_NAME;
			else {
				status = usage_error("create", "unknown output format '%s' (use yaml, json or name)", optarg);
				goto out;
			}
			break;
		case OPT_DRY_RUN:
			if (!optarg || !strcmp(optarg, "client")) {
				run.dry_run_client = 1;
			} else if (!strcmp(optarg, "server")) {
				run.dry_run_server = 1;
			} else if (strcmp(optarg, "none")) {
				status = usage_error("create", "--dry-run takes none, client or server, not '%s'", optarg);
				goto out;
			}
			break;
		case OPT_WAIT:
			run.wait_ms = optarg ? cluster_parse_timeout(optarg) : 600000;
			if (run.wait_ms < 0) {
				status = usage_error("create", "--wait '%s' is not a duration (e.g. 90s, 10m)", optarg);
				goto out;
			}
			break;
		case 'h':
			help_print(stdout, &create_help);
			goto out;
		default:
			status = options_usage_error("create", create_options, c,
						     argv[optind - 1]);
			goto out;
		}
	}
	run.g.namespace = run.copts.overrides.namespace;
	if (run.wait_ms >= 0 && run.dry_run_client) {
		status = usage_error("create", "--wait needs an Experiment on the cluster, not --dry-run=client");
		goto out;
	}
	if (run.file) {
		if (optind < nargs || run.g.image || run.g.nr_params || run.g.nr_command) {
			status = usage_error("create", "-f creates a manifest as it is; it takes no NAME, --image, --param or command");
			goto out;
		}
		status = create_from_file(&run);
		goto out;
	}
	if (optind >= nargs) {
		status = usage_error("create", "give the Experiment a NAME, or a manifest with -f");
		goto out;
	}
	if (optind + 1 < nargs) {
		status = usage_error("create", "unexpected argument '%s' (a program goes after --)", argv[optind + 1]);
		goto out;
	}
	run.g.name = argv[optind];
	status = create_generated(&run);
out:
	if (run.kube)
		cluster_disconnect(&run.kube_cfg, run.kube);
	free(run.g.params);
	free(run.g.settings);
	free(run.g.env);
	free(run.g.metrics);
	free(run.g.pull_secrets);
	free(run.g.command);
	arena_release(&run.arena);
	return status;
}
