/*
 * format.c: the common case of vsnprintf() without its set-up.
 *
 * Every finding's message and hint is formatted, and glibc's vsnprintf()
 * spends several hundred instructions a call before the first byte (a
 * string FILE, the locale, the generic conversion loop) and evicts the
 * rules' code from the instruction cache on the way: on the benchmark's
 * stream, where most documents have a finding, it was one call in four
 * of the rules' library calls.  Messages use a handful of conversions
 * with no flags; those are written here and the rest is left to libc.
 */
#include "compat.h"
#include "format.h"

#include <limits.h>
#include <stdio.h>

int format_is_plain(const char *f)
{
	/* strchr() looks at a word at a time: messages are long. */
	while ((f = strchr(f, '%'))) {
		f++;
		if (*f == 's' || *f == 'c' || *f == 'd' || *f == 'u' || *f == '%')
			f++;
		else if (f[0] == 'z' && f[1] == 'u')
			f += 2;
		else if (f[0] == 'l' && f[1] == 'l' && f[2] == 'd')
			f += 3;
		else
			return 0;
	}
	return 1;
}

struct out {
	char *p;
	size_t room, len;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len < o->room) {
		size_t fit = o->room - 1 - o->len;

		memcpy(o->p + o->len, s, n < fit ? n : fit);
	}
	o->len += n;
}

static void put_unsigned(struct out *o, unsigned long long v, int negative)
{
	char digits[24];
	size_t n = sizeof(digits);

	do {
		digits[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (negative)
		digits[--n] = '-';
	put(o, digits + n, sizeof(digits) - n);
}

static void put_signed(struct out *o, long long v)
{
	/* -(v + 1) + 1 does not overflow for LLONG_MIN. */
	if (v < 0)
		put_unsigned(o, (unsigned long long)-(v + 1) + 1, 1);
	else
		put_unsigned(o, (unsigned long long)v, 0);
}

static size_t format_fast(char *p, size_t room, const char *f, va_list ap)
{
	struct out o = { p, room, 0 };
	const char *run = f;

	while ((f = strchr(run, '%'))) {
		const char *s;
		char c;

		put(&o, run, (size_t)(f - run));
		switch (*++f) {
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";	/* as glibc prints it */
			put(&o, s, strlen(s));
			break;
		case 'c':
			c = (char)va_arg(ap, int);
			put(&o, &c, 1);
			break;
		case 'd':
			put_signed(&o, va_arg(ap, int));
			break;
		case 'u':
			put_unsigned(&o, va_arg(ap, unsigned), 0);
			break;
		case 'z':
			f++;
			put_unsigned(&o, va_arg(ap, size_t), 0);
			break;
		case 'l':
			f += 2;
			put_signed(&o, va_arg(ap, long long));
			break;
		default:
			put(&o, "%", 1);
			break;
		}
		run = f + 1;
	}
	put(&o, run, strlen(run));
	if (room)
		p[o.len < room ? o.len : room - 1] = '\0';
	return o.len;
}

int format_v(char *out, size_t room, const char *fmt, va_list ap)
{
	va_list cp;
	size_t n;
	int r;

	va_copy(cp, ap);
	if (format_is_plain(fmt)) {
		n = format_fast(out, room, fmt, cp);
		r = n > INT_MAX ? -1 : (int)n;
	} else {
		r = vsnprintf(out, room, fmt, cp);
	}
	va_end(cp);
	return r;
}
