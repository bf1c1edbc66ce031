/*
 * cmd.h: subcommands and what the front end shares between them.  Only
 * plugin/ prints and picks exit codes.
 */
#ifndef KATIB_PLUGIN_CMD_H
#define KATIB_PLUGIN_CMD_H

#include <stdio.h>

#include "help.h"
#include "options.h"

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
	/* Its options, and what its arguments complete to (complete.c). */
	const struct cmd_option *options;
	enum complete_as args;
	int (*args_fn)(const char *word);	/* for COMPLETE_FN */
	const struct cmd_help *help;	/* its --help page, and the man page's */
};

int cmd_validate(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_repro(int argc, char **argv);
int cmd_completion(int argc, char **argv);
int cmd_webhook(int argc, char **argv);
int cmd_lsp(int argc, char **argv);
int cmd_schema(int argc, char **argv);
int cmd_get(int argc, char **argv);
int cmd_status(int argc, char **argv);
extern const struct cmd_option validate_options[], create_options[],
	explain_options[], completion_options[], repro_options[],
	webhook_options[], lsp_options[], schema_options[], get_options[],
	status_options[];
extern const struct cmd_help validate_help, create_help, explain_help,
	completion_help, repro_help, webhook_help, lsp_help, schema_help,
	get_help, status_help;
/* --katib-version's values: the releases the rules know. */
int complete_katib_version(const char *word);
/* webhook's arguments: its subcommands. */
int webhook_complete(const char *word);
/* repro's arguments: its subcommands. */
int repro_complete(const char *word);
/* explain's arguments: rule ids and field paths. */
int explain_complete(const char *word);

/*
 * complete.c: `__complete WORDS...`, the words after `kubectl katib`,
 * the last one being completed: prints the candidates and ":DIRECTIVE".
 */
int cmd_complete(const struct cmd *cmds, size_t nr, int argc, char **argv);
/* For completion functions: prints a candidate that starts with the word. */
void complete_wordf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints each rule id followed by suffix. */
int complete_rule_ids(const char *word, const char *suffix);
extern const char *const completion_shells[];

/*
 * cmd-explain.c: diagnoses a snapshot of an Experiment and prints it on
 * fp, as text or JSON; returns 1 when a problem was found, else 0.
 */
struct snapshot;
int explain_diagnosis(FILE *fp, const struct snapshot *s, int json);

/* status-html.c: `status --html`; prints why and returns -1 on failure. */
struct status_report;
int write_status_html(const char *path, const struct status_report *r);

/* report.c */
/* stderr, once stdout's buffered bytes are out: messages keep their order. */
FILE *errout(void);
/*
 * Writes text from outside (files, clusters, plugins) with each control
 * character as '?', so that it cannot drive the terminal.
 */
void put_safe(FILE *fp, const char *s, size_t len);
void puts_safe(FILE *fp, const char *s);
/* Writes n bytes to fd, through short writes and EINTR; 0, or -1 (errno). */
int write_all(int fd, const char *p, size_t n);

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
