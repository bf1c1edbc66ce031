/*
 * pos.h: positions in a source text.
 *
 * Lines and columns are 1-based.  Columns count characters (Unicode code
 * points) from the start of the line, as libyaml and most editors do, so
 * "été: x" puts x at column 6; a tab counts as one character.  off is the
 * byte offset from the start of the input file, which the output code uses
 * to cut the source line for an excerpt.  line == 0 means "no position": the
 * value came from an API response or was generated.  The YAML loader is the
 * only place that converts libyaml's 0-based character marks to these.
 */
#ifndef KATIB_SRC_POS_H
#define KATIB_SRC_POS_H

#include <stdint.h>

struct pos {
	uint32_t line;
	uint32_t col;
	uint64_t off;
};

/* A start without a byte offset (from an API response, or generated). */
#define POS_NO_OFFSET UINT64_MAX

/*
 * The end of a span keeps its line and column but no byte offset: nothing
 * cuts text at an end, and a large tree (10,000 Trials are 450,000 nodes
 * with two spans each) spent its time having the kernel zero its pages.
 */
struct line_col {
	uint32_t line;
	uint32_t col;
};

struct span {
	struct pos start;
	struct line_col end;	/* exclusive */
};

#endif
