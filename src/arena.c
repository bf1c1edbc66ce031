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

/*
 * A few released standard blocks are kept for the next arenas:
 * validation builds and frees a document, and a list of its findings, per
 * YAML document, and a malloc/free pair of 16 KiB per document showed up
 * in profiles (with one spare, the document and the findings took turns
 * to miss it).  Per thread, so that concurrent users never share them.
 */
#define ARENA_SPARES 4
static _Thread_local struct arena_block *spare;
static _Thread_local unsigned nr_spare;

static struct arena_block *block_new(size_t bsize)
{
	struct arena_block *b;

	if (bsize == ARENA_BLOCK && spare) {
		b = spare;
		spare = b->next;
		nr_spare--;
		return b;
	}
	b = xmalloc(sizeof(*b) + bsize);
	b->size = bsize;
	return b;
}

/* Like arena_alloc(), but the memory is not zeroed. */
static void *arena_alloc_raw(struct arena *a, size_t size)
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
		b = block_new(bsize);
		if (bsize != ARENA_BLOCK && a->head) {
			b->next = a->head->next;
			a->head->next = b;
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
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	void *p = arena_alloc_raw(a, size);

	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	/* Every byte is written: zeroing first would be wasted. */
	char *p = arena_alloc_raw(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	struct arena_block *b = a->head;
	va_list cp;
	int n;
	char *p;

	/*
	 * Format straight into the rest of the head block; only when the
	 * text does not fit is it measured and formatted a second time.
	 * Findings' messages are formatted here, one or two per document.
	 */
	if (b && b->size > a->used) {
		size_t room = b->size - a->used;

		p = (char *)b->data + a->used;
		va_copy(cp, ap);
		n = vsnprintf(p, room, fmt, cp);
		va_end(cp);
		if (n < 0)
			BUG("vsnprintf failed for '%s'", fmt);
		if ((size_t)n < room) {
			size_t size = ((size_t)n + 1 + ARENA_ALIGN - 1) &
				      ~(ARENA_ALIGN - 1);

			a->used += size;
			a->total += size;
			return p;
		}
	}
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		BUG("vsnprintf failed for '%s'", fmt);
	p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void arena_drop_spare(void)
{
	while (spare) {
		struct arena_block *next = spare->next;

		free(spare);
		spare = next;
	}
	nr_spare = 0;
}

void arena_release(struct arena *a)
{
	struct arena_block *b = a->head;

	while (b) {
		struct arena_block *next = b->next;

		if (b->size == ARENA_BLOCK && nr_spare < ARENA_SPARES) {
			b->next = spare;
			spare = b;
			nr_spare++;
		} else {
			free(b);
		}
		b = next;
	}
	a->head = NULL;
	a->used = 0;
	a->total = 0;
}
