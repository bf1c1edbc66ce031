/*
 * cmd-schema.c: `kubectl katib schema`: the Experiment as a JSON Schema
 * (src/json-schema.c) on standard output, for editors that read one.
 */
#include "compat.h"
#include "cmd.h"
#include "doc.h"
#include "doc-json.h"
#include "json-schema.h"
#include "katib-config.h"

#include <getopt.h>

enum {
	OPT_KATIB_CONFIG = 256,
	OPT_KATIB_VERSION,
};

const struct cmd_option schema_options[] = {
	OPT_VALUE("katib-config", 0, OPT_KATIB_CONFIG, COMPLETE_MANIFEST, "FILE",
		  "accept the algorithms FILE's katib-config serves\n"
		  "instead of a default install's"),
	OPT_FN("katib-version", 0, OPT_KATIB_VERSION, complete_katib_version, "V",
	       "describe Katib release V (v0.15 to v0.19; default the\n"
	       "latest): its defaults and name limits"),
	OPT_FLAG("help", 'h', 'h', "show this help"),
	OPT_END,
};

static const struct help_section schema_sections[] = {
	{ HELP_TEXT, NULL,
	  "Print a JSON Schema (draft-07) of the Experiment, for editors that\n"
	  "check YAML against a schema (VS Code's YAML extension, any client of\n"
	  "yaml-language-server): field types and descriptions, defaults,\n"
	  "accepted values, the name rules, a Job trial template's Job and the\n"
	  "pod templates of a training job's replicas.  It catches less than\n"
	  "validate (no cross-field rules, no suggestion-service checks); the\n"
	  "one thing it sees that validate does not is an unknown field in a\n"
	  "replica's pod template, which the API server drops.\n"
	  "docs/editors.md shows how to use it.", NULL },
	{ HELP_OPTIONS, "Options:", NULL, NULL },
	{ HELP_EXIT, NULL,
	  "Exit status: 0 schema written, 2 usage error or unreadable\n"
	  "katib-config, 3 could not write the output.", NULL },
	{ HELP_EXAMPLES, "Examples:",
	  "kubectl katib schema > katib-experiment.schema.json\n"
	  "kubectl katib schema --katib-version v0.17 --katib-config katib-config.yaml",
	  NULL },
	{ HELP_END, NULL, NULL, NULL },
};

const struct cmd_help schema_help = {
	.name = "schema",
	.synopsis = "schema [options]",
	.options = schema_options,
	.column = 27,
	.sections = schema_sections,
};

int cmd_schema(int argc, char **argv)
{
	struct getopt_tables opt;
	struct katib_config config = katib_config_default;
	const char *version = NULL, *config_path = NULL;
	int minor = KATIB_MINOR_LATEST, loaded = 0, c;
	struct doc *schema;
	char *json;

	optind = 1;
	opterr = 0;
	options_getopt(schema_options, &opt);
	while ((c = getopt_long(argc, argv, opt.shortopts, opt.longopts, NULL)) != -1) {
		switch (c) {
		case OPT_KATIB_CONFIG:
			config_path = optarg;
			break;
		case OPT_KATIB_VERSION:
			version = optarg;
			minor = katib_version_parse(optarg);
			if (minor < 0)
				return usage_error("schema",
						   "unknown Katib version '%s' (give v0.%d to v0.%d)",
						   optarg, KATIB_MINOR_OLDEST,
						   KATIB_MINOR_LATEST);
			break;
		case 'h':
			help_print(stdout, &schema_help);
			return STATUS_OK;
		default:
			return options_usage_error("schema", schema_options, c,
						   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("schema", "unexpected argument '%s'", argv[optind]);
	if (config_path) {
		struct fail f = FAIL_INIT;

		if (katib_config_load(&config, config_path, &f)) {
			error_msg("%s", f.msg);
			return STATUS_USAGE;
		}
		loaded = 1;
	}
	config.minor = minor;
	if (version)
		config.version = version;
	schema = json_schema_experiment(&config);
	json = doc_to_json_pretty(schema->root);
	fputs(json, stdout);
	putchar('\n');
	free(json);
	doc_free(schema);
	if (loaded)
		katib_config_release(&config);
	return STATUS_OK;
}
