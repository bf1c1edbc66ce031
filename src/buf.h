/*
 * buf.h: a growable byte buffer.
 *
 * Invariants (as git's strbuf): after BUF_INIT or buf_init(), b->buf is never
 * NULL and b->buf[b->len] is always '\0', so b->buf can be used as a C
 * string when the content has no NUL.  b->max, when not zero, caps b->len:
 * buf_add*() refuse to grow past it and return -1, leaving the buffer as it
 * was.  buf_release() frees the memory and re-initialises the buffer;
 * buf_detach() hands the memory to the caller (free() it).
 */
#ifndef KATIB_SRC_BUF_H
#define KATIB_SRC_BUF_H

#include <stddef.h>

extern char buf_empty[];

struct buf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t max;		/* 0: no cap */
};

#define BUF_INIT { buf_empty, 0, 0, 0 }

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
char *buf_detach(struct buf *b, size_t *len);
void buf_reset(struct buf *b);
int buf_grow(struct buf *b, size_t extra);
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addch(struct buf *b, int c);
int buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Appends s as a JSON string literal, quotes included. */
int buf_add_json_str(struct buf *b, const char *s, size_t len);
/* Removes the first n bytes. */
void buf_remove_head(struct buf *b, size_t n);

#endif
