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

/*
 * cmd-explain.c: diagnoses a snapshot of an Experiment and prints it on
 * fp, as text or JSON; returns 1 when a problem was found, else 0.
 */
struct snapshot;
int explain_diagnosis(FILE *fp, const struct snapshot *s, int json);

/* report.c */
/*
 * Writes text from outside (files, clusters, plugins) with each control
 * character as '?', so that it cannot drive the terminal.
 */
void put_safe(FILE *fp, const char *s, size_t len);
void puts_safe(FILE *fp, const char *s);

void error_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hint_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warning_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the error and "see 'kubectl katib CMD --help'"; returns 2. */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Prints a failure to reach or use the cluster; an API server's own error
 * exactly as it wrote it (as kubectl does).  Returns 3.
 */
struct fail;
int api_failure(const struct fail *f);

#endif
