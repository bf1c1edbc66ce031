/*
 * fail.h: why an operation could not be carried out.
 *
 * Findings about the input are not failures; they go into a diag_list.  A
 * failure is "could not do the job": I/O, limits, protocol.  Setting one
 * never allocates.
 */
#ifndef KATIB_SRC_FAIL_H
#define KATIB_SRC_FAIL_H

enum fail_kind {
	FAIL_NONE,
	FAIL_IO,		/* cannot read or write */
	FAIL_NOT_FOUND,
	FAIL_USAGE,		/* the caller passed a bad value */
	FAIL_TOO_LARGE,		/* a limit was hit */
	FAIL_PROTOCOL,		/* input is not what it claims to be */
	FAIL_AUTH,		/* credentials missing, refused or expired */
	FAIL_HTTP,		/* the API server answered with an error */
};

struct fail {
	enum fail_kind kind;
	long http_status;	/* with FAIL_HTTP and FAIL_AUTH, else 0 */
	char msg[512];
	char hint[256];
};

#define FAIL_INIT { FAIL_NONE, 0, "", "" }

/* Sets *f and returns -1, so callers can write: return fail_set(f, ...); */
int fail_set(struct fail *f, enum fail_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void fail_hint(struct fail *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fail_clear(struct fail *f);

#endif
