/*
 * arena.h: a bump allocator for trees and their strings.
 *
 * Everything allocated from an arena lives until arena_release(), which
 * frees it all at once; nothing is freed on its own.  Allocation aborts on
 * out of memory like xmalloc().
 */
#ifndef KATIB_SRC_ARENA_H
#define KATIB_SRC_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t used;		/* bytes in use in head */
	size_t total;		/* bytes handed out, all blocks */
};

#define ARENA_INIT { NULL, 0, 0 }

void *arena_alloc(struct arena *a, size_t size);	/* zeroed, aligned */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void arena_release(struct arena *a);
/* Frees the block arenas keep for reuse (before exit, for leak checkers). */
void arena_drop_spare(void);

#endif
