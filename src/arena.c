#include "compat.h"
#include "arena.h"
#include "alloc.h"

#define ARENA_BLOCK 16384
#define ARENA_ALIGN (_Alignof(max_align_t))

struct arena_block {
	struct arena_block *next;
	size_t size;
	max_align_t data[];
};

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_block *b = a->head;
	void *p;

	size = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	if (!size)
		size = ARENA_ALIGN;
	if (!b || b->size - a->used < size) {
		size_t bsize = size > ARENA_BLOCK / 2 ? size : ARENA_BLOCK;

		/*
		 * A large request gets a block of its own behind the head,
		 * so the rest of the head block is not wasted.
		 */
		b = xmalloc(sizeof(*b) + bsize);
		b->size = bsize;
		if (bsize != ARENA_BLOCK && a->head) {
			b->next = a->head->next;
			a->head->next = b;
			memset(b->data, 0, size);
			a->total += size;
			return b->data;
		}
		b->next = a->head;
		a->head = b;
		a->used = 0;
	}
	p = (char *)b->data + a->used;
	a->used += size;
	a->total += size;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		BUG("vsnprintf failed for '%s'", fmt);
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void arena_release(struct arena *a)
{
	struct arena_block *b = a->head;

	while (b) {
		struct arena_block *next = b->next;

		free(b);
		b = next;
	}
	a->head = NULL;
	a->used = 0;
	a->total = 0;
}
