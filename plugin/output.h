/*
 * output.h: renders findings as compiler-style text or as JSON.  JSON is
 * streamed (one finding at a time) so memory stays flat over a large
 * input.
 */
#ifndef KATIB_PLUGIN_OUTPUT_H
#define KATIB_PLUGIN_OUTPUT_H

#include <stdio.h>

struct diag_list;
struct doc;

enum output_format {
	OUTPUT_TEXT,
	OUTPUT_JSON,
};

struct output {
	enum output_format format;
	FILE *fp;
	int color;
	int excerpts;
	unsigned nr_written;	/* JSON: findings written so far */
};

void output_begin(struct output *o);
/* Writes the findings of one document; d (may be NULL) gives excerpts. */
void output_findings(struct output *o, const struct diag_list *list,
		     const struct doc *d);
void output_end(struct output *o, unsigned files, unsigned documents,
		unsigned experiments, unsigned errors, unsigned warnings,
		unsigned infos);

#endif
