/*
 * cmd-repro.c: `kubectl katib repro`: replay recorded scenarios as
 * regression tests, record one from a cluster, bundle one for an issue.
 */
#include "compat.h"
#include "cmd.h"
#include "alloc.h"
#include "http.h"
#include "options.h"
#include "scenario.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <sys/stat.h>

enum { OPT_WEBHOOK = 256, OPT_CA, OPT_INSECURE, OPT_TIMEOUT };

const struct cmd_option repro_options[] = {
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

static const char *const subcommands[] = { "replay", NULL };

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
	.options = repro_options,
	.column = 27,
	.sections = replay_sections,
};

static const struct help_section repro_sections[] = {
	{ HELP_TEXT, NULL,
	  "Recorded failing Katib scenarios, replayed offline as regression\n"
	  "tests.  See 'kubectl katib repro replay --help'.", NULL },
	{ HELP_END, NULL, NULL, NULL },
};

/* A subcommand's page is listed here for the man page. */
static const struct cmd_help *const repro_subcommands[] = {
	&replay_help,
	NULL,
};

const struct cmd_help repro_help = {
	.name = "repro",
	.synopsis = "repro replay [options] [DIR...]",
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

static int parse_timeout_ms(const char *s, long *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || v <= 0)
		return -1;
	if (!strcmp(end, "ms"))
		*out = (long)v;
	else if (!strcmp(end, "s") || !*end)
		*out = (long)(v * 1000);
	else if (!strcmp(end, "m"))
		*out = (long)(v * 60000);
	else
		return -1;
	return *out > 0 ? 0 : -1;
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
	options_getopt(repro_options, &opt);
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
			if (parse_timeout_ms(optarg, &target.timeout_ms))
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
			return options_usage_error("repro replay", repro_options, c,
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

int cmd_repro(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		help_print(argc < 2 ? stderr : stdout, &repro_help);
		return argc < 2 ? STATUS_USAGE : STATUS_OK;
	}
	if (!strcmp(argv[1], "replay"))
		return repro_replay(argc - 1, argv + 1);
	return usage_error("repro", "unknown command '%s' (use replay)", argv[1]);
}
