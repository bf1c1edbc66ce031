/*
 * cmd.h: subcommands and what the front end shares between them.  Only
 * plugin/ prints and picks exit codes.
 */
#ifndef KATIB_PLUGIN_CMD_H
#define KATIB_PLUGIN_CMD_H

#include <stdio.h>

enum exit_status {
	STATUS_OK = 0,
	STATUS_FINDINGS = 1,
	STATUS_USAGE = 2,
	STATUS_RUNTIME = 3,
};

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

int cmd_validate(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_explain(int argc, char **argv);

/* cmd-explain.c: a live Experiment's diagnosis, for people. */
struct snapshot;
struct diagnosis_list;
void explain_report(FILE *fp, const struct snapshot *s,
		    const struct diagnosis_list *list);

/* report.c */
void error_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hint_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warning_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the error and "see 'kubectl katib CMD --help'"; returns 2. */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
