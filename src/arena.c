#include "compat.h"
#include "arena.h"
#include "alloc.h"
#include "format.h"

#include <sys/mman.h>

#define ARENA_BLOCK 16384

/*
 * A large tree (10,000 Trials listed at once: 600,000 nodes) spent a fifth
 * of its time in page faults, one per 4 KiB its blocks touched.  So an
 * arena's blocks grow with it, and from ARENA_HUGE on they are mapped on
 * their own, aligned so that the kernel can back them with huge pages.
 */
#define ARENA_HUGE (2u << 20)
#define ARENA_BLOCK_MAX (8u << 20)

struct arena_block {
	struct arena_block *next;
	size_t size;
	unsigned mapped : 1;	/* mmap()ed: released with munmap() */
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
	if (bsize >= ARENA_HUGE) {
		size_t len = sizeof(*b) + bsize, extra = ARENA_HUGE;
		char *m = mmap(NULL, len + extra, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m != MAP_FAILED) {
			char *start = (char *)(((uintptr_t)m + ARENA_HUGE - 1) &
					       ~(uintptr_t)(ARENA_HUGE - 1));
			size_t head = (size_t)(start - m);

			/* Keep only the aligned part. */
			if (head)
				munmap(m, head);
			if (extra - head)
				munmap(start + len, extra - head);
#ifdef MADV_HUGEPAGE
			madvise(start, len, MADV_HUGEPAGE);
#endif
			b = (struct arena_block *)start;
			b->size = bsize;
			b->mapped = 1;
			return b;
		}
	}
	b = xmalloc(sizeof(*b) + bsize);
	b->size = bsize;
	b->mapped = 0;
	return b;
}

static void block_free(struct arena_block *b)
{
	if (b->mapped)
		munmap(b, sizeof(*b) + b->size);
	else
		free(b);
}

/*
 * The size of an arena's next block: as much as it holds (so blocks
 * double), bounded: a large tree reaches huge-page blocks after 2 MiB.
 */
static size_t block_size_for(const struct arena *a)
{
	size_t want = a->total;

	if (want <= ARENA_BLOCK)
		return ARENA_BLOCK;
	if (want >= ARENA_BLOCK_MAX)
		return ARENA_BLOCK_MAX;
	return want;
}

void *arena_take_block(struct arena *a, size_t size, size_t align)
{
	size_t std = block_size_for(a);
	size_t bsize = size > std / 2 ? size : std;
	struct arena_block *b;

	/* Block data is aligned for any type; nothing asks for more.  (size
	 * is at least 1: arena_take() saw to it.) */
	if (align > ARENA_ALIGN)
		BUG("arena alignment %zu", align);
	b = block_new(bsize);
	a->total += size;
	/*
	 * A large request gets a block of its own behind the head, so the
	 * rest of the head block is not wasted.
	 */
	if (bsize != std && a->head) {
		b->next = a->head->next;
		a->head->next = b;
		return b->data;
	}
	b->next = a->head;
	a->head = b;
	a->cur = (char *)b->data + size;
	a->end = (char *)b->data + b->size;
	return b->data;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_concat(struct arena *a, const char *s1, const char *s2)
{
	size_t n1 = strlen(s1), n2 = strlen(s2);
	char *p = arena_take(a, n1 + n2 + 1, 1);

	memcpy(p, s1, n1);
	memcpy(p + n1, s2, n2);
	p[n1 + n2] = '\0';
	return p;
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	int n;
	char *p;

	/*
	 * Format straight into the rest of the head block; only when the
	 * text does not fit is it measured and formatted a second time.
	 * Findings' messages are formatted here, one or two per document.
	 */
	if (a->cur && a->end > a->cur) {
		size_t room = (size_t)(a->end - a->cur);

		p = a->cur;
		n = format_v(p, room, fmt, ap);
		if (n < 0)
			BUG("vsnprintf failed for '%s'", fmt);
		if ((size_t)n < room) {
			a->cur += (size_t)n + 1;
			a->total += (size_t)n + 1;
			return p;
		}
	}
	n = format_v(NULL, 0, fmt, ap);
	if (n < 0)
		BUG("vsnprintf failed for '%s'", fmt);
	p = arena_take(a, (size_t)n + 1, 1);
	format_v(p, (size_t)n + 1, fmt, ap);
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

		block_free(spare);
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
			block_free(b);
		}
		b = next;
	}
	a->head = NULL;
	a->cur = NULL;
	a->end = NULL;
	a->total = 0;
}
