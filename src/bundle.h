/*
 * bundle.h: a recorded scenario packed for a GitHub issue: a .tar.gz of
 * the scenario directory, redacted once more (it may have been edited by
 * hand since it was recorded), with an ISSUE.md to paste: what happened,
 * the versions, the diagnosis, and the commands that replay it.
 */
#ifndef KATIB_SRC_BUNDLE_H
#define KATIB_SRC_BUNDLE_H

#include <stddef.h>

#include "fail.h"

struct redactor;

struct bundle_opts {
	const char *dir;		/* the scenario */
	const char *out;		/* FILE.tar.gz; must not exist */
	struct redactor *redactor;
	const char *tool_version;	/* kubectl-katib's, for ISSUE.md */
};

struct bundle_result {
	unsigned files;
	size_t redactions;		/* made by this pass */
	unsigned skipped;		/* symbolic links and special files */
};

/* The largest file a bundle takes. */
#define BUNDLE_MAX_FILE ((size_t)64 << 20)

/*
 * Writes the bundle: every regular file below o->dir (names starting with
 * '.' and symbolic links are left out) under a top folder named after the
 * scenario, YAML and JSON objects redacted as objects (a Secret is left
 * out) and everything else as text, plus NAME/ISSUE.md; NAME/redactions.txt
 * gains what this pass replaced.  The archive appears only when complete.
 * Returns 0, or -1 with f set: FAIL_USAGE when o->dir is no scenario or
 * o->out exists, FAIL_PROTOCOL for a file that cannot be read as what
 * its name says, FAIL_IO and FAIL_TOO_LARGE otherwise.
 */
int bundle_scenario(const struct bundle_opts *o, struct bundle_result *out,
		    struct fail *f);

#endif
