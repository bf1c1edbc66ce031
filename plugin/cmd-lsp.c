/*
 * cmd-lsp.c: `kubectl katib lsp`: the language server (src/lsp.c) over
 * standard input and output, the way editors start one.
 */
#include "compat.h"
#include "cmd.h"
#include "lint-config.h"
#include "lsp.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <unistd.h>

enum {
	OPT_KATIB_CONFIG = 256,
	OPT_KATIB_VERSION,
	OPT_CONFIG,
	OPT_NO_CONFIG,
	OPT_STDIO,
};

const struct cmd_option lsp_options[] = {
	OPT_VALUE("katib-config", 0, OPT_KATIB_CONFIG, COMPLETE_MANIFEST, "FILE",
		  "the katib-config of the target cluster instead of a\n"
		  "default install's (the client's katibConfig wins)"),
	OPT_FN("katib-version", 0, OPT_KATIB_VERSION, complete_katib_version, "V",
	       "behave like Katib release V (v0.15 to v0.19; the\n"
	       "client's katibVersion wins)"),
	OPT_VALUE("config", 0, OPT_CONFIG, COMPLETE_MANIFEST, "FILE",
		  "read settings from FILE instead of the first\n"
		  ".katib-lint.yaml found from here upwards"),
	OPT_FLAG("no-config", 0, OPT_NO_CONFIG, "read no settings file"),
	OPT_FLAG("stdio", 0, OPT_STDIO,
		 "talk over standard input and output (the only\n"
		 "transport; accepted because clients pass it)"),
	OPT_FLAG("help", 'h', 'h', "show this help"),
	OPT_END,
};

static const struct help_section lsp_sections[] = {
	{ HELP_TEXT, NULL,
	  "Serve validate's findings to an editor as you type: a Language Server\n"
	  "(LSP 3.17) over standard input and output.  It publishes diagnostics\n"
	  "for documents that hold a Katib Experiment, offers validate --fix's\n"
	  "fixes as quick fixes, shows explain's field documentation and rule\n"
	  "pages on hover, and completes field names, values, algorithm names,\n"
	  "the settings the algorithm in effect takes (with type, range and\n"
	  "default, as its suggestion or early-stopping service checks them)\n"
	  "and ${trialParameters.NAME} references.  The client's settings\n"
	  "(initializationOptions or workspace/didChangeConfiguration:\n"
	  "katibVersion, katibConfig, rules) win over the options and the\n"
	  "settings file.  docs/editors.md shows how to set up editors.", NULL },
	{ HELP_OPTIONS, "Options:", NULL, NULL },
	{ HELP_EXIT, NULL,
	  "Exit status: 0 after shutdown and exit, 1 when the client left\n"
	  "without shutdown, 2 usage error, 3 could not write to the client.", NULL },
	{ HELP_EXAMPLES, "Examples:",
	  "kubectl katib lsp\n"
	  "kubectl katib lsp --katib-version v0.17 --katib-config katib-config.yaml",
	  NULL },
	{ HELP_END, NULL, NULL, NULL },
};

const struct cmd_help lsp_help = {
	.name = "lsp",
	.synopsis = "lsp [options]",
	.options = lsp_options,
	.column = 27,
	.sections = lsp_sections,
};

static int serve(struct lsp_server *s)
{
	struct lsp_frame frame = LSP_FRAME_INIT;
	char chunk[65536];
	int status = STATUS_FINDINGS;	/* the client left without exit */

	for (;;) {
		ssize_t n = read(STDIN_FILENO, chunk, sizeof(chunk));
		char *body;
		size_t len;
		const char *why;
		int got;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		lsp_frame_feed(&frame, chunk, (size_t)n);
		while (!s->done && (got = lsp_frame_next(&frame, &body, &len, &why))) {
			if (got < 0) {
				lsp_refused(s, why);
			} else {
				lsp_handle(s, body, len);
				free(body);
			}
		}
		if (write_all(STDOUT_FILENO, s->out.buf, s->out.len)) {
			error_msg("lsp: cannot write to the client: %s",
				  strerror(errno));
			status = STATUS_RUNTIME;
			break;
		}
		buf_reset(&s->out);
		if (s->done) {
			status = s->exit_status;
			break;
		}
	}
	lsp_frame_release(&frame);
	return status;
}

int cmd_lsp(int argc, char **argv)
{
	struct getopt_tables opt;
	struct lint_config lint;
	struct lsp_defaults dflt = { NULL, NULL, NULL };
	struct lsp_server server;
	const char *version = NULL, *config_path = NULL, *lint_path = NULL;
	int no_lint_config = 0, c, status;

	memset(&lint, 0, sizeof(lint));
	optind = 1;
	opterr = 0;
	options_getopt(lsp_options, &opt);
	while ((c = getopt_long(argc, argv, opt.shortopts, opt.longopts, NULL)) != -1) {
		switch (c) {
		case OPT_KATIB_CONFIG:
			config_path = optarg;
			break;
		case OPT_KATIB_VERSION:
			if (katib_version_parse(optarg) < 0)
				return usage_error("lsp",
						   "unknown Katib version '%s' (give v0.%d to v0.%d)",
						   optarg, KATIB_MINOR_OLDEST,
						   KATIB_MINOR_LATEST);
			version = optarg;
			break;
		case OPT_CONFIG:
			lint_path = optarg;
			break;
		case OPT_NO_CONFIG:
			no_lint_config = 1;
			break;
		case OPT_STDIO:
			break;
		case 'h':
			help_print(stdout, &lsp_help);
			return STATUS_OK;
		default:
			return options_usage_error("lsp", lsp_options, c,
						   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("lsp", "unexpected argument '%s'", argv[optind]);
	if (!no_lint_config && lint_config_load(&lint, lint_path))
		return STATUS_USAGE;
	dflt.severities = lint.severities;
	dflt.katib_version = version ? version : lint.katib_version;
	dflt.katib_config = config_path ? config_path : lint.katib_config;
	signal(SIGPIPE, SIG_IGN);
	lsp_server_init(&server, &dflt);
	status = serve(&server);
	lsp_server_release(&server);
	lint_config_release(&lint);
	return status;
}
