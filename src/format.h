/*
 * format.h: vsnprintf() with a fast path for the conversions findings use.
 */
#ifndef KATIB_SRC_FORMAT_H
#define KATIB_SRC_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * As vsnprintf(out, room, fmt, ap): writes at most room - 1 bytes and a
 * NUL (nothing when room is 0) and returns the length of the whole text,
 * or -1.  A format of plain %s, %c, %d, %u, %zu, %lld and %% is written
 * here; any other (widths, precisions, %g, ...) goes to vsnprintf().  ap
 * is left as it was: the caller may format it again.
 */
int format_v(char *out, size_t room, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* Is fmt made only of the conversions format_v() writes itself? */
int format_is_plain(const char *fmt);

#endif
