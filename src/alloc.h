/*
 * alloc.h: allocation that cannot fail, and BUG().
 *
 * Running out of memory is not a condition the program recovers from: the
 * x*() functions print "kubectl-katib: out of memory" and abort().  Every
 * pointer they return is released with free().
 */
#ifndef KATIB_SRC_ALLOC_H
#define KATIB_SRC_ALLOC_H

#include <stddef.h>
#include <stdio.h>
#include <stdnoreturn.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* open_memstream(): text printed to a FILE, collected in *text (freed by the caller). */
FILE *xopen_memstream(char **text, size_t *len);

/* Grows (*array) so that it holds at least nr elements; alloc tracks size. */
#define ALLOC_GROW(array, nr, alloc)                                          \
	do {                                                                  \
		if ((nr) > (alloc)) {                                         \
			size_t new_alloc_ = (alloc) < 8 ? 8 : (alloc) * 2;    \
			if (new_alloc_ < (nr))                                \
				new_alloc_ = (nr);                            \
			(array) = xrealloc((array),                           \
					   new_alloc_ * sizeof(*(array)));    \
			(alloc) = new_alloc_;                                 \
		}                                                             \
	} while (0)

/* A programming error: prints where and aborts (so sanitizers see it). */
#define BUG(...) bug_at(__FILE__, __LINE__, __VA_ARGS__)
noreturn void bug_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
