/*
 * cmd-repro.c: `kubectl katib repro`: replay recorded scenarios as
 * regression tests, record one from a cluster, bundle one for an issue.
 */
#include "compat.h"
#include "cmd.h"
#include "alloc.h"
#include "bundle.h"
#include "cluster.h"
#include "help.h"
#include "http.h"
#include "kube.h"
#include "kubeconfig.h"
#include "options.h"
#include "record.h"
#include "screen.h"
#include "redact.h"
#include "scenario.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <sys/stat.h>

enum {
	OPT_WEBHOOK = 256, OPT_CA, OPT_INSECURE, OPT_TIMEOUT, OPT_REDACT,
	OPT_KATIB_NS, OPT_WATCH,
};

#define REDACT_OPTION                                                         \
	OPT_VALUE("redact", 0, OPT_REDACT, COMPLETE_NOTHING, "REGEX",        \
		  "also redact what REGEX matches (its first group if\n"      \
		  "it has one) by a placeholder of its shape, so that\n"      \
		  "names stay valid names; repeatable")

static const struct cmd_option replay_options[] = {
	OPT_VALUE("webhook", 0, OPT_WEBHOOK, COMPLETE_NOTHING, "URL",
		  "also POST each AdmissionReview request to this\n"
		  "validating webhook (e.g. a port-forwarded\n"
		  "Katib's /validate-experiment) and compare its\n"
		  "verdict with the recorded one"),
	OPT_VALUE("webhook-ca", 0, OPT_CA, COMPLETE_FILE, "FILE",
		  "the CA that signed the webhook's certificate"),
	OPT_FLAG("insecure-skip-tls-verify", 0, OPT_INSECURE,
		 "do not verify the webhook's certificate"),
	OPT_VALUE("request-timeout", 0, OPT_TIMEOUT, COMPLETE_NOTHING, "T",
		  "for each webhook request (default 10s)"),
	OPT_FLAG("quiet", 'q', 'q', "print only failed checks and the summary"),
	OPT_FLAG("help", 'h', 'h', "show this help"),
	OPT_END,
};

static const struct cmd_option record_options[] = {
	OPT_VALUE("output", 'o', 'o', COMPLETE_DIR, "DIR",
		  "the scenario directory to create"),
	REDACT_OPTION,
	OPT_VALUE("katib-namespace", 0, OPT_KATIB_NS, COMPLETE_NOTHING, "NS",
		  "where Katib runs (default kubeflow)"),
	OPT_VALUE("watch", 0, OPT_WATCH, COMPLETE_NOTHING, "DURATION",
		  "then watch for DURATION (30s, 10m, at most 24h)\n"
		  "and record what changes as a timeline"),
	OPT_FLAG("help", 'h', 'h', "show this help"),
	CLUSTER_OPTIONS,
	OPT_END,
};

static const struct cmd_option bundle_options[] = {
	OPT_VALUE("output", 'o', 'o', COMPLETE_FILE, "FILE",
		  "the archive to create"),
	REDACT_OPTION,
	OPT_FLAG("help", 'h', 'h', "show this help"),
	OPT_END,
};

/*
 * Before a subcommand: only --help.  After one, completion takes that
 * subcommand's table from its help page (repro_help.subcommands).
 */
const struct cmd_option repro_options[] = {
	OPT_FLAG("help", 'h', 'h', "show this help"),
	OPT_END,
};

static const char *const subcommands[] = { "replay", "record", "bundle", NULL };

int repro_complete(const char *word)
{
	const char *const *s;

	for (s = subcommands; *s; s++)
		if (!strncmp(*s, word, strlen(word)))
			complete_wordf("%s", *s);
	return COMPLETE_DIRECTIVE_NO_FILES;
}

static const struct help_section replay_sections[] = {
	{ HELP_TEXT, NULL,
	  "Replay recorded scenarios (default: fixtures/): each scenario's\n"
	  "Experiment through validate, its AdmissionReview request through our\n"
	  "admission rules, its suggestion-service request through the emulated\n"
	  "service, and its recorded cluster through explain; compare each with\n"
	  "expect.yaml and the answers Katib recorded.  A DIR is a scenario (it\n"
	  "holds expect.yaml) or a directory of scenarios.  Prints a line per\n"
	  "check and then \"N passed, N failed\".", NULL },
	{ HELP_OPTIONS, "Options:", NULL, NULL },
	{ HELP_EXIT, NULL,
	  "Exit status: 0 every check passed, 1 a check failed, 2 a scenario\n"
	  "could not be read or a usage error.", NULL },
	{ HELP_EXAMPLES, "Examples:",
	  "kubectl katib repro replay\n"
	  "kubectl katib repro replay fixtures/primary-container-not-found\n"
	  "kubectl -n kubeflow port-forward svc/katib-controller 8443:443 &\n"
	  "kubectl katib repro replay --webhook https://localhost:8443/validate-experiment \\\n"
	  "    --insecure-skip-tls-verify", NULL },
	{ HELP_END, NULL, NULL, NULL },
};

static const struct cmd_help replay_help = {
	.name = "repro replay",
	.synopsis = "repro replay [options] [DIR...]",
	.options = replay_options,
	.column = 27,
	.sections = replay_sections,
};

static const struct help_section record_sections[] = {
	{ HELP_TEXT, NULL,
	  "Record a failing Experiment from the cluster as a scenario directory in\n"
	  "the fixture format (fixtures/README): what explain reads (the Experiment,\n"
	  "its Suggestion and suggestion Deployment, Trials, jobs, pods, their\n"
	  "events and the tails of failed containers' logs), the katib-config, the\n"
	  "Experiment as submitted, an AdmissionReview request for it with the\n"
	  "cluster's own verdict (from a server-side dry-run create under the same\n"
	  "name: nothing is created), the suggestion service's validation exchange\n"
	  "when the Suggestion shows one, and an expect.yaml of what replaying it\n"
	  "gives now.  Secrets are never read; tokens, passwords, keys,\n"
	  "certificates and credential-looking values are replaced by stable\n"
	  "placeholders (REDACTED-1, ...) and listed, without their values, in\n"
	  "DIR/redactions.txt.  DIR must not exist: it is written beside, then\n"
	  "renamed into place, so a failure leaves nothing behind.", NULL },
	{ HELP_TEXT, NULL,
	  "With --watch DURATION it then watches the Experiment, its Suggestion,\n"
	  "Trials, pods, jobs, events and suggestion Deployment, and writes each\n"
	  "burst of changes as a step of a timeline (DIR/timeline/<offset>/, the\n"
	  "changed objects, redacted, and deleted/), which 'katib-replay serve\n"
	  "DIR' plays back: a live view can then be replayed offline.  It stops\n"
	  "sooner when the search ends, or at Ctrl-C, keeping what it has.", NULL },
	{ HELP_OPTIONS, "Options:", NULL, NULL },
	{ HELP_EXIT, NULL,
	  "Exit status: 0 recorded, 2 usage error or DIR exists, 3 the cluster\n"
	  "could not be read or DIR not written.", NULL },
	{ HELP_EXAMPLES, "Examples:",
	  "kubectl katib repro record experiment mnist -n team-a -o mnist-stuck\n"
	  "kubectl katib repro replay mnist-stuck\n"
	  "kubectl katib repro record experiment mnist -o mnist-run --watch 10m", NULL },
	{ HELP_END, NULL, NULL, NULL },
};

static const struct cmd_help record_help = {
	.name = "repro record",
	.synopsis = "repro record experiment NAME [-n NS] -o DIR [options]",
	.options = record_options,
	.column = 27,
	.sections = record_sections,
};

static const struct help_section bundle_sections[] = {
	{ HELP_TEXT, NULL,
	  "Pack the scenario in DIR (from 'repro record', perhaps edited since)\n"
	  "into a .tar.gz to attach to a GitHub issue: every file, redacted once\n"
	  "more (a Secret is left out; credential-looking values become\n"
	  "placeholders, the same value the same placeholder), under a folder named\n"
	  "after DIR, with ISSUE.md: what happened, the versions, the diagnosis, the\n"
	  "replay results and the commands that replay it.  What this pass redacted\n"
	  "is added to redactions.txt.  FILE must not exist; it appears, mode 0600,\n"
	  "only when complete.", NULL },
	{ HELP_OPTIONS, "Options:", NULL, NULL },
	{ HELP_EXIT, NULL,
	  "Exit status: 0 written, 2 usage error, not a scenario, or FILE exists,\n"
	  "3 could not be written.", NULL },
	{ HELP_EXAMPLES, "Examples:",
	  "kubectl katib repro bundle mnist-stuck -o mnist-stuck.tar.gz\n"
	  "tar -xzOf mnist-stuck.tar.gz mnist-stuck/ISSUE.md", NULL },
	{ HELP_END, NULL, NULL, NULL },
};

static const struct cmd_help bundle_help = {
	.name = "repro bundle",
	.synopsis = "repro bundle DIR -o FILE.tar.gz [options]",
	.options = bundle_options,
	.column = 27,
	.sections = bundle_sections,
};

static const struct help_section repro_sections[] = {
	{ HELP_TEXT, NULL,
	  "Turn a failing Katib scenario into a self-contained, redacted recording\n"
	  "that replays offline, becomes a regression test and attaches to an\n"
	  "issue.  See 'kubectl katib repro COMMAND --help'.", NULL },
	{ HELP_END, NULL, NULL, NULL },
};

/* A subcommand's page is listed here for the man page. */
static const struct cmd_help *const repro_subcommands[] = {
	&replay_help,
	&record_help,
	&bundle_help,
	NULL,
};

const struct cmd_help repro_help = {
	.name = "repro",
	.synopsis = "repro replay [options] [DIR...]\n"
		    "repro record experiment NAME [-n NS] -o DIR [options]\n"
		    "repro bundle DIR -o FILE.tar.gz [options]",
	.sections = repro_sections,
	.subcommands = repro_subcommands,
};

struct replay_run {
	struct scenario_opts opts;
	int quiet;
	unsigned passed, failed;
	int unreadable;
};

static void replay_one(struct replay_run *run, const char *dir)
{
	struct scenario_result r;
	struct fail f = FAIL_INIT;
	size_t i;

	if (scenario_replay(dir, &run->opts, &r, &f)) {
		error_msg("%s", f.msg);
		run->unreadable = 1;
		run->failed++;
		scenario_result_release(&r);
		return;
	}
	for (i = 0; i < r.nr; i++) {
		const struct scenario_check *c = &r.checks[i];

		if (c->ok)
			run->passed++;
		else
			run->failed++;
		if (c->ok && run->quiet)
			continue;
		printf("%-4s %s: %s%s%s\n", c->ok ? "ok" : "FAIL", r.name, c->what,
		       c->detail ? ": " : "", c->detail ? c->detail : "");
	}
	scenario_result_release(&r);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A scenario, or a directory whose sub-directories are scenarios. */
static void replay_path(struct replay_run *run, const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t nr = 0, alloc = 0, i;

	if (stat(path, &st)) {
		error_msg("cannot read '%s': %s", path, strerror(errno));
		run->unreadable = 1;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		error_msg("'%s' is not a directory: give a scenario directory", path);
		run->unreadable = 1;
		return;
	}
	if (scenario_is(path)) {
		replay_one(run, path);
		return;
	}
	d = opendir(path);
	if (!d) {
		error_msg("cannot read '%s': %s", path, strerror(errno));
		run->unreadable = 1;
		return;
	}
	while ((e = readdir(d))) {
		char *sub;

		if (e->d_name[0] == '.')
			continue;
		sub = xmalloc(strlen(path) + strlen(e->d_name) + 2);
		snprintf(sub, strlen(path) + strlen(e->d_name) + 2, "%s/%s", path,
			 e->d_name);
		if (scenario_is(sub)) {
			ALLOC_GROW(names, nr + 1, alloc);
			names[nr++] = sub;
		} else {
			free(sub);
		}
	}
	closedir(d);
	if (!nr) {
		error_msg("no scenarios in '%s' (a scenario directory holds expect.yaml)", path);
		run->unreadable = 1;
	}
	/* Directory order is the file system's; reports must not depend on it. */
	if (nr > 1)
		qsort(names, nr, sizeof(*names), cmp_name);
	for (i = 0; i < nr; i++) {
		replay_one(run, names[i]);
		free(names[i]);
	}
	free(names);
}

static int repro_replay(int argc, char **argv)
{
	struct getopt_tables opt;
	struct http_target target;
	struct replay_run run;
	int c;

	memset(&run, 0, sizeof(run));
	memset(&target, 0, sizeof(target));
	target.timeout_ms = 10000;
	optind = 1;
	opterr = 0;
	options_getopt(replay_options, &opt);
	while ((c = getopt_long(argc, argv, opt.shortopts, opt.longopts, NULL)) != -1) {
		switch (c) {
		case OPT_WEBHOOK:
			if (strncmp(optarg, "https://", 8) && strncmp(optarg, "http://", 7))
				return usage_error("repro replay",
						   "--webhook takes an http:// or https:// URL, not '%s'",
						   optarg);
			run.opts.webhook_url = optarg;
			break;
		case OPT_CA:
			target.ca_file = optarg;
			break;
		case OPT_INSECURE:
			target.insecure = 1;
			break;
		case OPT_TIMEOUT:
			target.timeout_ms = cluster_parse_timeout(optarg);
			if (target.timeout_ms <= 0)
				return usage_error("repro replay",
						   "--request-timeout takes a duration such as 10s or 500ms, not '%s'",
						   optarg);
			break;
		case 'q':
			run.quiet = 1;
			break;
		case 'h':
			help_print(stdout, &replay_help);
			return STATUS_OK;
		default:
			return options_usage_error("repro replay", replay_options, c,
						   argv[optind - 1]);
		}
	}
	run.opts.webhook = &target;
	if (optind == argc)
		replay_path(&run, "fixtures");
	for (; optind < argc; optind++)
		replay_path(&run, argv[optind]);
	printf("%u passed, %u failed\n", run.passed, run.failed);
	if (run.unreadable)
		return STATUS_USAGE;
	return run.failed ? STATUS_FINDINGS : STATUS_OK;
}

/* --redact's patterns, and the redactor made of them. */
struct redact_patterns {
	const char **item;
	size_t nr, alloc;
};

static void add_pattern(struct redact_patterns *p, const char *pattern)
{
	ALLOC_GROW(p->item, p->nr + 1, p->alloc);
	p->item[p->nr++] = pattern;
}

/* Returns 0, or prints why a pattern is refused and returns 2. */
static int make_redactor(const char *cmd, const struct redact_patterns *p,
			 struct redactor **out)
{
	struct fail f = FAIL_INIT;

	if (redactor_new(out, p->item, p->nr, &f))
		return usage_error(cmd, "%s", f.msg);
	return 0;
}

static int stop_requested(void *data)
{
	(void)data;
	return follow_interrupted();
}

static int repro_record(int argc, char **argv)
{
	struct getopt_tables opt;
	struct cluster_opts copts;
	struct kube_config cfg;
	struct kube_client *kube;
	struct record_opts o;
	struct record_result res;
	struct redactor *redactor = NULL;
	struct fail f = FAIL_INIT;
	struct redact_patterns patterns = { NULL, 0, 0 };
	const char *watch_arg = NULL;
	int c, used, status = STATUS_OK;

	memset(&copts, 0, sizeof(copts));
	memset(&o, 0, sizeof(o));
	o.katib_ns = "kubeflow";
	optind = 1;
	opterr = 0;
	options_getopt(record_options, &opt);
	while ((c = getopt_long(argc, argv, opt.shortopts, opt.longopts, NULL)) != -1) {
		int taken = cluster_opt(&copts, c, optarg, "repro record");

		if (taken < 0) {
			status = STATUS_USAGE;
			goto out;
		}
		if (taken)
			continue;
		switch (c) {
		case 'o':
			o.dir = optarg;
			break;
		case OPT_REDACT:
			add_pattern(&patterns, optarg);
			break;
		case OPT_KATIB_NS:
			o.katib_ns = optarg;
			break;
		case OPT_WATCH:
			watch_arg = optarg;
			o.watch_ms = cluster_parse_timeout(optarg);
			if (o.watch_ms <= 0 || o.watch_ms > 24L * 3600 * 1000) {
				status = usage_error("repro record", "--watch wants a duration from 1ms to 24h, such as 30s or 10m, not '%s'",
						     optarg);
				goto out;
			}
			break;
		case 'h':
			help_print(stdout, &record_help);
			goto out;
		default:
			status = options_usage_error("repro record", record_options, c,
						     argv[optind - 1]);
			goto out;
		}
	}
	used = experiment_ref(argc - optind, argv + optind, &o.name);
	if (!used || optind + used != argc) {
		status = usage_error("repro record", "give 'experiment NAME' or 'experiment/NAME'");
		goto out;
	}
	if (!o.dir) {
		status = usage_error("repro record", "give the directory to create with -o DIR");
		goto out;
	}
	status = make_redactor("repro record", &patterns, &redactor);
	if (status)
		goto out;
	o.redactor = redactor;
	if (cluster_connect(&copts, &cfg, &kube)) {
		status = STATUS_RUNTIME;
		goto out;
	}
	o.ns = cfg.namespace;
	if (o.watch_ms > 0) {
		/* Ctrl-C ends the timeline, not the recording. */
		follow_signals_catch();
		o.stop = stop_requested;
		fprintf(errout(), "recording %s/%s, then watching for at most %s (Ctrl-C to stop sooner)\n",
			o.ns, o.name, watch_arg);
	}
	if (record_scenario(kube, &o, &res, &f)) {
		if (f.kind == FAIL_USAGE) {
			error_msg("%s", f.msg);
			status = STATUS_USAGE;
		} else {
			status = api_failure(&f);
		}
	} else {
		printf("recorded %s/%s into %s: %u objects, %u logs", o.ns, o.name, o.dir,
		       res.objects, res.logs);
		if (o.watch_ms > 0)
			printf(", %u timeline step%s", res.steps, res.steps == 1 ? "" : "s");
		if (res.diagnosis)
			printf("; diagnosis: %s", res.diagnosis);
		printf("\n");
		printf("redacted %zu value%s (see %s/redactions.txt)\n", res.redactions,
		       res.redactions == 1 ? "" : "s", o.dir);
		if (res.admission_missing)
			warning_msg("no admission verdict was recorded: %s", res.admission_missing);
		if (res.timeline_cut)
			warning_msg("the timeline ends early: %s", res.timeline_cut);
		printf("replay it with: kubectl katib repro replay %s\n", o.dir);
		record_result_release(&res);
	}
	cluster_disconnect(&cfg, kube);
out:
	redactor_free(redactor);
	free(patterns.item);
	return status;
}

static int repro_bundle(int argc, char **argv)
{
	struct getopt_tables opt;
	struct bundle_opts o;
	struct bundle_result res;
	struct redactor *redactor = NULL;
	struct fail f = FAIL_INIT;
	struct redact_patterns patterns = { NULL, 0, 0 };
	int c, status = STATUS_OK;

	memset(&o, 0, sizeof(o));
	o.tool_version = KATIB_VERSION;
	optind = 1;
	opterr = 0;
	options_getopt(bundle_options, &opt);
	while ((c = getopt_long(argc, argv, opt.shortopts, opt.longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.out = optarg;
			break;
		case OPT_REDACT:
			add_pattern(&patterns, optarg);
			break;
		case 'h':
			help_print(stdout, &bundle_help);
			goto out;
		default:
			status = options_usage_error("repro bundle", bundle_options, c,
						     argv[optind - 1]);
			goto out;
		}
	}
	if (argc - optind != 1) {
		status = usage_error("repro bundle", "give one scenario directory");
		goto out;
	}
	o.dir = argv[optind];
	if (!o.out) {
		status = usage_error("repro bundle", "give the archive to create with -o FILE.tar.gz");
		goto out;
	}
	status = make_redactor("repro bundle", &patterns, &redactor);
	if (status)
		goto out;
	o.redactor = redactor;
	if (bundle_scenario(&o, &res, &f)) {
		error_msg("%s", f.msg);
		status = f.kind == FAIL_USAGE || f.kind == FAIL_PROTOCOL ? STATUS_USAGE
									: STATUS_RUNTIME;
		goto out;
	}
	printf("bundled %s into %s: %u files", o.dir, o.out, res.files);
	if (res.skipped)
		printf(" (%u links or special files left out)", res.skipped);
	printf("; %zu more value%s redacted\n", res.redactions,
	       res.redactions == 1 ? "" : "s");
	printf("attach it to the issue, with its ISSUE.md as the description\n");
out:
	redactor_free(redactor);
	free(patterns.item);
	return status;
}

int cmd_repro(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		help_print(argc < 2 ? errout() : stdout, &repro_help);
		return argc < 2 ? STATUS_USAGE : STATUS_OK;
	}
	if (!strcmp(argv[1], "replay"))
		return repro_replay(argc - 1, argv + 1);
	if (!strcmp(argv[1], "record"))
		return repro_record(argc - 1, argv + 1);
	if (!strcmp(argv[1], "bundle"))
		return repro_bundle(argc - 1, argv + 1);
	return usage_error("repro", "unknown command '%s' (use replay, record or bundle)",
			   argv[1]);
}
