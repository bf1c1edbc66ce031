/*
 * main.c: `kubectl katib`, a kubectl plugin for Kubeflow Katib.
 * Dispatches to the subcommand of commands[] and checks that stdout was
 * really written before reporting success.
 */
#include "compat.h"
#include "alloc.h"
#include "cmd.h"
#include "http.h"
#include "httpd.h"
#include "levenshtein.h"

#include <errno.h>
#include <unistd.h>

#ifndef KATIB_VERSION
#define KATIB_VERSION "0.1.0-dev"
#endif

/* Each command's options and arguments also feed shell completion. */
static const struct cmd commands[] = {
	{ "validate", cmd_validate,
	  "check Experiments offline against Katib's rules",
	  validate_options, COMPLETE_MANIFEST, NULL, &validate_help },
	{ "create", cmd_create,
	  "write, validate and submit an Experiment from a few flags",
	  create_options, COMPLETE_NOTHING, NULL, &create_help },
	{ "explain", cmd_explain,
	  "explain a rule, a field, or why an Experiment is stuck",
	  explain_options, COMPLETE_FN, explain_complete, &explain_help },
	{ "get", cmd_get,
	  "list Experiments: state, trials, best objective, age",
	  get_options, COMPLETE_NOTHING, NULL, &get_help },
	{ "status", cmd_status,
	  "how a search is doing: progress, best trial, trials, plots",
	  status_options, COMPLETE_NOTHING, NULL, &status_help },
	{ "repro", cmd_repro,
	  "replay recorded failures as tests; record and bundle new ones",
	  repro_options, COMPLETE_FN, repro_complete, &repro_help },
	{ "webhook", cmd_webhook,
	  "serve the rules as a validating admission webhook",
	  webhook_options, COMPLETE_FN, webhook_complete, &webhook_help },
	{ "lsp", cmd_lsp,
	  "serve the rules to editors: a Language Server over stdio",
	  lsp_options, COMPLETE_NOTHING, NULL, &lsp_help },
	{ "schema", cmd_schema,
	  "print the Experiment's JSON Schema, for editors' YAML checkers",
	  schema_options, COMPLETE_NOTHING, NULL, &schema_help },
	{ "completion", cmd_completion,
	  "print a bash, zsh or fish script completing commands and options",
	  completion_options, COMPLETE_WORDS, NULL, &completion_help },
};

/* Dispatched by hand below; the table gives --help and the man page. */
static const struct cmd_option main_options[] = {
	OPT_FLAG("help", 'h', 'h', "show this help"),
	OPT_FLAG("version", 0, 'V', "show the version"),
	OPT_END,
};

static const struct help_section main_sections[] = {
	{ HELP_TEXT, NULL,
	  "Catch Kubeflow Katib Experiment mistakes before you submit them.", NULL },
	{ HELP_COMMANDS, "Commands:", NULL, NULL },
	{ HELP_OPTIONS, "Options:", NULL, NULL },
	{ HELP_TEXT, NULL,
	  "Run 'kubectl katib COMMAND --help' for a command's options.", NULL },
	{ HELP_TEXT, NULL,
	  "As with kubectl, the cluster options (-n, --kubeconfig, --context,\n"
	  "--cluster, --user, --request-timeout, -v) may come before the\n"
	  "command, and an Experiment is named 'experiment NAME', 'exp NAME' or\n"
	  "'experiment/NAME':\n"
	  "\n"
	  "  kubectl katib -n team-a explain exp/mnist", NULL },
	{ HELP_END, NULL, NULL, NULL },
};

static const struct cmd_help main_help = {
	.synopsis = "COMMAND [options]",
	.options = main_options,
	.column = 17,
	.sections = main_sections,
	.commands = commands,
	.nr_commands = ARRAY_SIZE(commands),
};

/*
 * The number of words of argv, from i, that make one of kubectl's cluster
 * options (-n NS, --namespace=NS, --kubeconfig FILE, ...), or 0.
 */
static int cluster_option_words(int argc, char **argv, int i)
{
	const struct cmd_option *o;
	const char *a = argv[i];

	for (o = cluster_options; o->name; o++) {
		size_t n = strlen(o->name);

		if (a[0] == '-' && a[1] == '-' && !strncmp(a + 2, o->name, n)) {
			if (a[2 + n] == '=')
				return 1;
			if (!a[2 + n])
				return i + 1 < argc ? 2 : 0;
		}
		if (o->short_name && a[0] == '-' && a[1] == o->short_name) {
			if (a[2])
				return 1;
			return i + 1 < argc ? 2 : 0;
		}
	}
	return 0;
}

/*
 * kubectl's habit: `kubectl katib -n team-a explain experiment x`.  The
 * cluster options before the command move behind its arguments (before a
 * "--", which ends them), where the command's own parser reads them.
 * Returns the new argv, which the caller frees, or NULL when no command
 * follows the options.
 */
static char **move_global_options(int argc, char **argv, int *out_argc)
{
	char **moved;
	int i = 1, n, end, j, k = 0;

	while (i < argc && (n = cluster_option_words(argc, argv, i)))
		i += n;
	if (i >= argc)
		return NULL;
	for (end = i + 1; end < argc; end++)
		if (!strcmp(argv[end], "--"))
			break;
	moved = xcalloc((size_t)argc + 1, sizeof(*moved));
	moved[k++] = argv[0];
	for (j = i; j < end; j++)
		moved[k++] = argv[j];
	for (j = 1; j < i; j++)
		moved[k++] = argv[j];
	for (j = end; j < argc; j++)
		moved[k++] = argv[j];
	*out_argc = k;
	return moved;
}

/* git's run_builtin: a full disk or closed pipe must not look like success. */
static int finish_stdout(int status)
{
	if (fflush(stdout) || ferror(stdout)) {
		error_msg("cannot write output: %s", strerror(errno ? errno : EIO));
		return STATUS_RUNTIME;
	}
	if (fclose(stdout)) {
		error_msg("cannot write output: %s", strerror(errno));
		return STATUS_RUNTIME;
	}
	return status;
}

static int run(int argc, char **argv);

int main(int argc, char **argv)
{
	/*
	 * Validating a stream prints megabytes of findings, and stdio's
	 * buffer for a pipe or a file is a page: a write() per 4 KiB was a
	 * percent of the run.  A terminal keeps its line buffering.
	 */
	static char stdout_buf[1 << 16];
	char **moved;
	int nargs, status;

	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, stdout_buf, _IOFBF, sizeof(stdout_buf));
	if (argc < 2 || !cluster_option_words(argc, argv, 1))
		return run(argc, argv);
	moved = move_global_options(argc, argv, &nargs);
	if (!moved)
		return usage_error(NULL, "give a command after '%s'", argv[argc - 1]);
	status = run(nargs, moved);
	free(moved);
	return status;
}

static int run(int argc, char **argv)
{
	size_t i;
	const char *name;

	if (argc < 2) {
		help_print(errout(), &main_help);
		return STATUS_USAGE;
	}
	name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help") ||
	    !strcmp(name, "help")) {
		if (!strcmp(name, "help") && argc > 2) {
			char *sub[] = { argv[2], (char *)"--help", NULL };

			for (i = 0; i < ARRAY_SIZE(commands); i++)
				if (!strcmp(argv[2], commands[i].name))
					return finish_stdout(commands[i].fn(2, sub));
		}
		help_print(stdout, &main_help);
		return finish_stdout(STATUS_OK);
	}
	/* Hidden: `make man` writes the man page with it. */
	if (!strcmp(name, "__man") && argc == 2) {
		help_man(stdout, &main_help, KATIB_VERSION);
		return finish_stdout(STATUS_OK);
	}
	if (!strcmp(name, "__complete"))
		return finish_stdout(cmd_complete(commands, ARRAY_SIZE(commands),
						  argc - 2, argv + 2));
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("kubectl-katib %s\n", KATIB_VERSION);
		return finish_stdout(STATUS_OK);
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(name, commands[i].name)) {
			int status = commands[i].fn(argc - 1, argv + 1);

			/* libcurl, if the command talked to a server; */
			http_release();
			/* libmicrohttpd and GnuTLS, if it served. */
			httpd_release();
			return finish_stdout(status);
		}

	if (name[0] == '-' && name[1] == '-')
		return options_usage_error(NULL, main_options, '?', name);
	if (name[0] == '-')
		return usage_error(NULL, "unknown option '%s'", name);
	error_msg("unknown command '%s'", name);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (levenshtein(name, strlen(name), commands[i].name,
				strlen(commands[i].name), 0) <= 2)
			hint_msg("did you mean '%s'?", commands[i].name);
	fputs("see 'kubectl katib --help'\n", errout());
	return STATUS_USAGE;
}
