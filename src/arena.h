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

#include <stdint.h>
#include <string.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	char *cur;		/* the next free byte of head */
	char *end;		/* the end of head */
	size_t total;		/* bytes handed out, all blocks */
};

#define ARENA_INIT { NULL, NULL, NULL, 0 }
#define ARENA_ALIGN (_Alignof(max_align_t))

/* The slow path of arena_take(): a new block. */
void *arena_take_block(struct arena *a, size_t size, size_t align);

/*
 * size bytes aligned to align (a power of two), not zeroed.  Inline: a
 * large tree takes a million of these, and the call cost more than the
 * bump (status over 10,000 Trials spent 3% of its instructions here).
 */
static inline void *arena_take(struct arena *a, size_t size, size_t align)
{
	uintptr_t p = ((uintptr_t)a->cur + align - 1) & ~(uintptr_t)(align - 1);

	if (!size)
		size = 1;
	if (a->cur && p <= (uintptr_t)a->end && size <= (uintptr_t)a->end - p) {
		a->cur = (char *)p + size;
		a->total += size;
		return (void *)p;
	}
	return arena_take_block(a, size, align);
}

/* Zeroed and aligned for any type. */
static inline void *arena_alloc(struct arena *a, size_t size)
{
	void *p = arena_take(a, size, ARENA_ALIGN);

	memset(p, 0, size);
	return p;
}

/* Strings are not aligned: keys and scalars pack tightly. */
static inline char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_take(a, n + 1, 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s);
/* s1 then s2, without printf's cost: names are joined once per document. */
char *arena_concat(struct arena *a, const char *s1, const char *s2);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void arena_release(struct arena *a);
/* Frees the block arenas keep for reuse (before exit, for leak checkers). */
void arena_drop_spare(void);

#endif
