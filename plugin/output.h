/*
 * output.h: renders findings as compiler-style text or as JSON.  JSON is
 * streamed (one finding at a time) so memory stays flat over a large
 * input.
 */
#ifndef KATIB_PLUGIN_OUTPUT_H
#define KATIB_PLUGIN_OUTPUT_H

#include <stdio.h>

struct buf;
struct diag_list;
struct doc;

enum output_format {
	OUTPUT_TEXT,
	OUTPUT_JSON,
	OUTPUT_SARIF,		/* SARIF 2.1.0, for code scanning */
	OUTPUT_GITHUB,		/* GitHub Actions workflow commands */
	OUTPUT_JUNIT,		/* JUnit XML, one test case per Experiment */
};

/* The formats' names, in the order of enum output_format; NULL-terminated. */
extern const char *const output_format_names[];

/* Parses "text", "json", ...; returns -1 for an unknown name. */
int output_format_parse(const char *name, enum output_format *out);

struct output {
	enum output_format format;
	FILE *fp;
	int color;
	int excerpts;
	unsigned nr_written;	/* JSON, SARIF: findings written so far */
	char *sarif_root;	/* SARIF: URIs are relative to it, or NULL */
	char *sarif_cwd;	/* SARIF: what relative file names start from */
	struct buf *junit;	/* JUnit: test cases, written at the end */
	unsigned junit_cases, junit_failures;
};

void output_begin(struct output *o);
/*
 * Writes the findings of one document; d (may be NULL) gives excerpts.
 * checked says whether the document was an Experiment (or unreadable).
 */
void output_findings(struct output *o, const struct diag_list *list,
		     const struct doc *d, int checked);
void output_end(struct output *o, unsigned files, unsigned documents,
		unsigned experiments, unsigned errors, unsigned warnings,
		unsigned infos);

/*
 * Replaces the file at path (a resolved path, not a symlink) with len
 * bytes of text and permissions mode, through a temporary file in the
 * same directory renamed over it: a reader sees the old file or the new
 * one, never half of one.  Returns 0, or -1 with errno set and nothing
 * left behind.
 */
int write_file_atomically(const char *path, unsigned mode, const char *text,
			  size_t len);

#endif
