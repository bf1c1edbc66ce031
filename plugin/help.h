/*
 * help.h: a command's --help page and its part of the man page, from one
 * description: its synopsis, its text, and groups of the options of its
 * table (options.h), whose value names and help the table holds.
 */
#ifndef KATIB_PLUGIN_HELP_H
#define KATIB_PLUGIN_HELP_H

#include <stdio.h>

#include "options.h"

struct cmd;

/*
 * A line of an option group.  Most name one option and take its value
 * name and help from the table; a line may show several options at once
 * (their help is the first one's), or say something of a shared option
 * that only holds for this command.
 */
struct help_item {
	/* The long names of the options this line covers, space-separated. */
	const char *options;
	/*
	 * What the line shows left of the help ("--cpu Q, --memory Q"); NULL:
	 * each covered option as "-x, --name VALUE", joined by ", ".
	 */
	const char *left;
	/* NULL: the first covered option's help from the table. */
	const char *help;
};

#define HELP_ITEM(options) { options, NULL, NULL }
#define HELP_ITEM_END { NULL, NULL, NULL }

enum help_kind {
	HELP_END,
	HELP_TEXT,	/* paragraphs; lines that start with "  " are examples */
	HELP_OPTIONS,	/* .title, then .items (NULL: the whole table in order) */
	HELP_EXIT,	/* what the exit status means */
	HELP_EXAMPLES,	/* "Examples:", then each line of .text indented */
	HELP_COMMANDS,	/* .title, then the commands of struct cmd_help */
};

struct help_section {
	enum help_kind kind;
	const char *title;	/* a heading line, e.g. "Options:" */
	const char *text;
	const struct help_item *items;
};

struct cmd_help {
	const char *name;	/* "validate", "repro replay"; NULL: the top level */
	/* One form a line, each after "kubectl katib ". */
	const char *synopsis;
	const struct cmd_option *options;
	int column;		/* where option help starts in --help */
	const struct help_section *sections;	/* ended by HELP_END */
	/* The top level's: the commands it lists. */
	const struct cmd *commands;
	size_t nr_commands;
	/* Subcommands with pages of their own, NULL-terminated. */
	const struct cmd_help *const *subcommands;
};

/* The options every command that talks to a cluster takes (cluster.c). */
extern const struct cmd_option cluster_options[];

/*
 * Prints the --help page on fp.  Every option of the table must be on a
 * line of it: a command whose page leaves one out is a bug, and dies.
 */
void help_print(FILE *fp, const struct cmd_help *h);

/* Writes the man page, kubectl-katib(1), as roff on fp. */
void help_man(FILE *fp, const struct cmd_help *top, const char *version);

#endif
