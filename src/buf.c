#include "compat.h"
#include "buf.h"
#include "alloc.h"
#include "format.h"

char buf_empty[1];

void buf_init(struct buf *b, size_t max)
{
	b->buf = buf_empty;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
}

void buf_release(struct buf *b)
{
	if (b->alloc)
		free(b->buf);
	buf_init(b, b->max);
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (len)
		*len = b->len;
	if (!b->alloc)
		p = xstrdup("");
	else
		p = b->buf;
	buf_init(b, b->max);
	return p;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->alloc)
		b->buf[0] = '\0';
}

int buf_grow(struct buf *b, size_t extra)
{
	size_t want;

	if (extra > SIZE_MAX / 2 - b->len)
		return -1;
	want = b->len + extra + 1;
	if (b->max && b->len + extra > b->max)
		return -1;
	if (want > b->alloc) {
		size_t n = b->alloc ? b->alloc : 64;

		while (n < want)
			n *= 2;
		if (!b->alloc)
			b->buf = NULL;
		b->buf = xrealloc(b->buf, n);
		if (!b->alloc)
			b->buf[0] = '\0';
		b->alloc = n;
	}
	return 0;
}

int buf_add(struct buf *b, const void *data, size_t len)
{
	if (buf_grow(b, len))
		return -1;
	memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addch(struct buf *b, int c)
{
	char ch = (char)c;

	return buf_add(b, &ch, 1);
}

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	int n;

	n = format_v(b->buf + b->len, b->alloc ? b->alloc - b->len : 0,
		     fmt, ap);
	if (n < 0)
		BUG("vsnprintf failed for '%s'", fmt);
	if (b->alloc && (size_t)n < b->alloc - b->len) {
		if (b->max && b->len + (size_t)n > b->max) {
			b->buf[b->len] = '\0';
			return -1;
		}
		b->len += (size_t)n;
		return 0;
	}
	if (buf_grow(b, (size_t)n))
		return -1;
	format_v(b->buf + b->len, b->alloc - b->len, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return ret;
}

int buf_add_json_str(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	if (buf_addch(b, '"'))
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7];
		int r;

		switch (c) {
		case '"':
			r = buf_add(b, "\\\"", 2);
			break;
		case '\\':
			r = buf_add(b, "\\\\", 2);
			break;
		case '\n':
			r = buf_add(b, "\\n", 2);
			break;
		case '\r':
			r = buf_add(b, "\\r", 2);
			break;
		case '\t':
			r = buf_add(b, "\\t", 2);
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				r = buf_add(b, esc, 6);
			} else {
				r = buf_addch(b, c);
			}
		}
		if (r)
			return -1;
	}
	return buf_addch(b, '"');
}

void buf_remove_head(struct buf *b, size_t n)
{
	if (n >= b->len) {
		buf_reset(b);
		return;
	}
	memmove(b->buf, b->buf + n, b->len - n);
	b->len -= n;
	b->buf[b->len] = '\0';
}
