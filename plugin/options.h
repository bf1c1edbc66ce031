/*
 * options.h: one table of options per command.  getopt_long's table,
 * shell completion (__complete), the suggestion for a mistyped option,
 * --help and the man page all come from it, so a new option is written
 * once.
 */
#ifndef KATIB_PLUGIN_OPTIONS_H
#define KATIB_PLUGIN_OPTIONS_H

#include <getopt.h>
#include <stddef.h>

/* What an option's value completes to. */
enum complete_as {
	COMPLETE_NOTHING,	/* a value only the user knows */
	COMPLETE_FILE,		/* any file */
	COMPLETE_MANIFEST,	/* *.yaml, *.yml, *.json files and directories */
	COMPLETE_DIR,		/* a directory */
	COMPLETE_WORDS,		/* one of .words */
	COMPLETE_FN,		/* what .complete_fn prints */
};

struct cmd_option {
	const char *name;	/* the long name, without "--" */
	int short_name;		/* its letter, or 0 */
	int has_arg;		/* no_argument, required_argument, optional_argument */
	int val;		/* what getopt_long returns for it */
	enum complete_as complete;
	const char *const *words;	/* COMPLETE_WORDS: NULL-terminated */
	/*
	 * COMPLETE_FN: prints the candidates for word, one a line, and
	 * returns the completion directive (COMPLETE_DIRECTIVE_*).
	 */
	int (*complete_fn)(const char *word);
	/*
	 * The value's name as help shows it ("FILE", "ID=SEVERITY"; NULL for
	 * a flag); "[=D]" for an optional value is written right after the
	 * option's name.
	 */
	const char *arg;
	/*
	 * One paragraph for --help and the man page.  '\n' is where --help
	 * breaks the line (the man page lets roff fill it); a line that starts
	 * with spaces stays a line of its own in both.
	 */
	const char *help;
};

#define OPT_FLAG(name, short_name, val, help) \
	{ name, short_name, no_argument, val, COMPLETE_NOTHING, NULL, NULL, \
	  NULL, help }
#define OPT_VALUE(name, short_name, val, complete, arg, help) \
	{ name, short_name, required_argument, val, complete, NULL, NULL, \
	  arg, help }
#define OPT_WORDS(name, short_name, val, words, arg, help) \
	{ name, short_name, required_argument, val, COMPLETE_WORDS, words, \
	  NULL, arg, help }
#define OPT_FN(name, short_name, val, fn, arg, help) \
	{ name, short_name, required_argument, val, COMPLETE_FN, NULL, fn, \
	  arg, help }
#define OPT_END { NULL, 0, 0, 0, COMPLETE_NOTHING, NULL, NULL, NULL, NULL }

/* Cobra's ShellCompDirective bits, which kubectl's completion reads. */
enum {
	COMPLETE_DIRECTIVE_DEFAULT = 0,		/* the shell completes files */
	COMPLETE_DIRECTIVE_NO_SPACE = 2,
	COMPLETE_DIRECTIVE_NO_FILES = 4,
	COMPLETE_DIRECTIVE_FILTER_EXT = 8,	/* candidates are extensions */
	COMPLETE_DIRECTIVE_DIRS = 16,
};

/* Room for the getopt tables of the largest command. */
#define OPTIONS_MAX 64

struct getopt_tables {
	struct option longopts[OPTIONS_MAX + 1];
	char shortopts[2 + 3 * OPTIONS_MAX + 1];
};

/* Builds getopt_long's tables from opts (ended by OPT_END). */
void options_getopt(const struct cmd_option *opts, struct getopt_tables *t);

/* The option of opts that arg ("--name", "--name=v" or "-x") names. */
const struct cmd_option *options_find(const struct cmd_option *opts,
				      const char *arg);
/* The option of opts whose long name is name, or NULL. */
const struct cmd_option *options_named(const struct cmd_option *opts,
				       const char *name);

/*
 * After getopt_long returned c ('?' or ':') for arg (argv[optind - 1]):
 * prints why as command cmd (NULL: the top level) (an unknown option with
 * the closest known one, a missing value, a value given to a flag) and
 * returns 2.
 */
int options_usage_error(const char *cmd, const struct cmd_option *opts,
			int c, const char *arg);

#endif
