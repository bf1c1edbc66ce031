#include "compat.h"
#include "numparse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "buf.h"

/*
 * The code points of digit zero of every Unicode decimal digit run (category
 * Nd) in Unicode 14.0, the database of Python 3.11, which Katib's service
 * images run: int() and float() read any of them as the ASCII digit.
 */
static const uint32_t nd_zeros[] = {
	0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6,
	0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090,
	0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0,
	0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50,
	0xabf0, 0xff10, 0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0,
	0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0,
	0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50,
	0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0,
	0x1e950, 0x1fbf0,
};

/* What int() and float() strip: Python's str.isspace() but for the
 * ASCII separators 0x1c-0x1f, which they keep (and then refuse). */
static int py_space(uint32_t c)
{
	return (c >= 0x9 && c <= 0xd) || c == 0x20 || c == 0x85 ||
	       c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
	       c == 0x3000;
}

static int py_digit(uint32_t c)
{
	size_t i;

	for (i = 0; i < sizeof(nd_zeros) / sizeof(*nd_zeros); i++)
		if (c >= nd_zeros[i] && c < nd_zeros[i] + 10)
			return (int)(c - nd_zeros[i]);
	return -1;
}

/* Decodes one UTF-8 sequence at *s; returns 0xFFFFFFFF when malformed. */
static uint32_t utf8_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t c = *p++;
	int n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2
		: (c & 0xf8) == 0xf0 ? 3 : -1;

	if (n < 0) {
		*s = p;
		return 0xFFFFFFFF;
	}
	c &= n ? 0x3f >> n : 0x7f;
	while (n--) {
		if ((*p & 0xc0) != 0x80) {
			*s = p;
			return 0xFFFFFFFF;
		}
		c = c << 6 | (*p++ & 0x3f);
	}
	*s = p;
	return c;
}

/*
 * As Python's int() and float() first do: every Unicode decimal digit
 * becomes its ASCII digit and every space a ' ' (any other non-ASCII
 * character makes the text invalid), surrounding spaces go, and '_'
 * between two digits goes.  Returns the text (caller frees) or NULL.
 */
static char *py_clean(const char *s)
{
	size_t len = strlen(s), n = 0, i, start, end;
	const unsigned char *p = (const unsigned char *)s;
	char *t = xmalloc(len + 1), *out;

	while (*p) {
		uint32_t c = utf8_next(&p);
		int d;

		if (c < 0x80 && !py_space(c))
			t[n++] = (char)c;
		else if (py_space(c))
			t[n++] = ' ';
		else if ((d = py_digit(c)) >= 0)
			t[n++] = (char)('0' + d);
		else {
			free(t);
			return NULL;
		}
	}
	start = 0;
	end = n;
	while (start < end && t[start] == ' ')
		start++;
	while (end > start && t[end - 1] == ' ')
		end--;
	out = xmalloc(end - start + 1);
	for (n = 0, i = start; i < end; i++) {
		if (t[i] == '_') {
			if (i == end - 1 || !n || !isdigit((unsigned char)out[n - 1]) ||
			    !isdigit((unsigned char)t[i + 1])) {
				free(t);
				free(out);
				return NULL;
			}
			continue;
		}
		out[n++] = t[i];
	}
	out[n] = '\0';
	free(t);
	if (!n) {
		free(out);
		return NULL;
	}
	return out;
}

static int decimal_int(const char *p, int64_t *out)
{
	const char *d = p;
	char *end;
	long long v;

	if (*d == '+' || *d == '-')
		d++;
	if (!isdigit((unsigned char)*d))
		return -1;
	for (; *d; d++)
		if (!isdigit((unsigned char)*d))
			return -1;
	errno = 0;
	v = strtoll(p, &end, 10);
	if (*end)
		return -1;
	*out = v;
	return errno == ERANGE ? 1 : 0;
}

int num_py_int(const char *s, int64_t *out)
{
	char *t = py_clean(s);
	int r;

	if (!t)
		return -1;
	/* A Python int has no size limit: beyond int64, the nearest one. */
	r = decimal_int(t, out);
	free(t);
	return r < 0 ? -1 : 0;
}

int num_py_int_str(struct buf *out, const char *s)
{
	char *t = py_clean(s);
	const char *d;
	int64_t ignored;

	if (!t || decimal_int(t, &ignored) < 0) {
		free(t);
		return -1;
	}
	d = t + (*t == '+' || *t == '-');
	while (*d == '0' && d[1])
		d++;
	if (*t == '-' && strcmp(d, "0"))
		buf_addch(out, '-');
	buf_adds(out, d);
	free(t);
	return 0;
}

int num_go_int(const char *s, int64_t *out)
{
	return decimal_int(s, out) ? -1 : 0;
}

static int special_float(const char *p, double *out)
{
	int neg = *p == '-';

	if (*p == '+' || *p == '-')
		p++;
	/* Most texts are digits: no calls for those. */
	if (*p != 'i' && *p != 'I' && *p != 'n' && *p != 'N')
		return -1;
	if (!strcasecmp(p, "inf") || !strcasecmp(p, "infinity")) {
		*out = neg ? -INFINITY : INFINITY;
		return 0;
	}
	if (!strcasecmp(p, "nan")) {
		*out = NAN;
		return 0;
	}
	return -1;
}

static const double exact_pow10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/*
 * A whole text [sign] digits [. digits] [(e|E) [sign] digits] whose
 * significant digits fit 2^53 and whose scale is within 10^+-22: the
 * digits and the power of ten are then exact doubles, and one IEEE
 * multiplication or division rounds their product once, correctly, as
 * strtod() does (Clinger's fast path).  Returns 0 and sets *out, or -1
 * for strtod() to decide.  glibc's strtod() was a twentieth of the
 * instruction-cache misses on a stream of Experiments: it is large, and
 * each document calls it a few times for feasible-space bounds.
 */
int num_strtod_fast(const char *s, double *out)
{
	const char *p = s;
	uint64_t m = 0;
	int negative = 0, digits = 0, sig = 0, scale = 0, exp = 0, exp_digits = 0;
	int exp_negative = 0, point = 0;

	if (*p == '+' || *p == '-')
		negative = *p++ == '-';
	/* The digits, with at most one point among them: each after it scales. */
	for (;; p++) {
		if (*p == '.' && !point) {
			point = 1;
			continue;
		}
		if (*p < '0' || *p > '9')
			break;
		digits++;
		scale -= point;
		if (m || *p != '0') {
			if (++sig > 19)
				return -1;
			m = m * 10 + (uint64_t)(*p - '0');
		}
	}
	if (!digits)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			exp_negative = *p++ == '-';
		for (; *p >= '0' && *p <= '9'; p++)
			if (++exp_digits > 4)
				return -1;
			else
				exp = exp * 10 + (*p - '0');
		if (!exp_digits)
			return -1;
	}
	if (*p || m > (UINT64_C(1) << 53))
		return -1;
	scale += exp_negative ? -exp : exp;
	if (!m)
		*out = 0;
	else if (scale >= 0 && scale <= 22)
		*out = (double)m * exact_pow10[scale];
	else if (scale < 0 && scale >= -22)
		*out = (double)m / exact_pow10[-scale];
	else
		return -1;
	if (negative)
		*out = -*out;
	return 0;
}

double num_strtod(const char *s, char **end)
{
	double v;

	if (!num_strtod_fast(s, &v)) {
		if (end)
			*end = (char *)(uintptr_t)(s + strlen(s));
		return v;
	}
	return strtod(s, end);
}

/* [sign] (digits [. digits*] | . digits) [(e|E) [sign] digits] */
static int decimal_float(const char *p, double *out)
{
	const char *d = p;
	size_t mant = 0;
	char *end;

	if (*d == '+' || *d == '-')
		d++;
	while (isdigit((unsigned char)*d)) {
		d++;
		mant++;
	}
	if (*d == '.') {
		d++;
		while (isdigit((unsigned char)*d)) {
			d++;
			mant++;
		}
	}
	if (!mant)
		return -1;
	if (*d == 'e' || *d == 'E') {
		d++;
		if (*d == '+' || *d == '-')
			d++;
		if (!isdigit((unsigned char)*d))
			return -1;
		while (isdigit((unsigned char)*d))
			d++;
	}
	if (*d)
		return -1;
	*out = num_strtod(p, &end);
	return *end ? -1 : 0;
}

int num_py_float(const char *s, double *out)
{
	char *t;
	int r;

	/* A plain short decimal is read as float() reads it, without copies. */
	if (!num_strtod_fast(s, out))
		return 0;
	t = py_clean(s);
	if (!t)
		return -1;
	r = special_float(t, out) ? decimal_float(t, out) : 0;
	free(t);
	return r;
}

/* v as %.*g at the fewest digits that read back as v, into out; returns
 * that precision.  Printed and read back at each precision in turn. */
static int shortest_g(char *out, size_t size, double v)
{
	int p;

	for (p = 1; p < 17; p++) {
		snprintf(out, size, "%.*g", p, v);
		if (strtod(out, NULL) == v)
			return p;
	}
	snprintf(out, size, "%.17g", v);
	return 17;
}

/*
 * The shortest precision found without printing, or 0 to search by
 * printing.  Metrics and parameters are short decimals, and printing and
 * reading back at each precision was the largest cost of a status over
 * 10,000 trials.
 *
 * For k = -E - 1, -E, ... (E about log10 |v|), m is |v| x 10^k rounded
 * to an integer: 0 or 1 at first, then one digit more each step.
 * While m < 10^15 and |k| <= 22, m and 10^|k| are exact doubles, so one
 * IEEE multiplication or division gives exactly what strtod() gives for
 * the decimal m x 10^-k (Clinger's fast path): that decides whether it
 * reads back as v.  The first m that does is the shortest, and a decimal
 * of at most 15 digits that reads back as v is the only one (DBL_DIG):
 * the rounding %.*g does at that precision prints it.  Starting a step
 * early makes an E one too large or small harmless.  Returns the number
 * of digits, and v = +-mantissa x 10^-scale.
 */
static int shortest_fast_digits(double v, uint64_t *mantissa, int *scale)
{
	const double *pow10 = exact_pow10;
	double a = fabs(v), m, back;
	int k, digits;

	if (v == 0 || !isfinite(v))
		return 0;
	for (k = -(int)floor(log10(a)) - 1;; k++) {
		if (k > 22 || k < -22)
			return 0;
		m = nearbyint(k >= 0 ? a * pow10[k] : a / pow10[-k]);
		if (m >= 1e15)
			return 0;
		back = k >= 0 ? m / pow10[k] : m * pow10[-k];
		if (back == a)
			break;
	}
	*mantissa = (uint64_t)m;
	*scale = k;
	for (digits = 0; m >= 1; digits++)
		m = floor(m / 10);
	return digits;
}

static int shortest_fast(double v)
{
	uint64_t m;
	int k;

	return v == 0 ? 1 : shortest_fast_digits(v, &m, &k);
}

/*
 * What snprintf("%.*g", p, v) prints, for v = +-m x 10^-k with m of p
 * digits, as shortest_fast_digits() finds them: printing a double was
 * most of the cost of status's table (20,000 metric values).  %g chooses
 * the exponent style when the exponent is below -4 or at least p, drops
 * trailing zeros, and gives the exponent two digits at least.  m has no
 * trailing zero (m / 10 would have read back as v a step earlier), and
 * |k| <= 22 keeps the exponent to two digits.
 */
static void format_g(char *out, size_t size, int negative, uint64_t m, int p, int k)
{
	char digits[24], text[48];
	int x = p - 1 - k, n = 0, i, last = p - 1;

	for (i = p - 1; i >= 0; i--, m /= 10)
		digits[i] = (char)('0' + m % 10);
	if (negative)
		text[n++] = '-';
	if (x < -4 || x >= p) {
		text[n++] = digits[0];
		if (last > 0) {
			text[n++] = '.';
			memcpy(text + n, digits + 1, (size_t)last);
			n += last;
		}
		text[n++] = 'e';
		text[n++] = x < 0 ? '-' : '+';
		if (x < 0)
			x = -x;
		text[n++] = (char)('0' + x / 10);
		text[n++] = (char)('0' + x % 10);
	} else if (x >= 0) {
		memcpy(text + n, digits, (size_t)x + 1);
		n += x + 1;
		if (last > x) {
			text[n++] = '.';
			memcpy(text + n, digits + x + 1, (size_t)(last - x));
			n += last - x;
		}
	} else {
		text[n++] = '0';
		text[n++] = '.';
		for (i = x + 1; i < 0; i++)
			text[n++] = '0';
		memcpy(text + n, digits, (size_t)last + 1);
		n += last + 1;
	}
	if (!size)
		return;
	if ((size_t)n >= size)
		n = (int)size - 1;
	memcpy(out, text, (size_t)n);
	out[n] = '\0';
}

int num_shortest_precision(double v)
{
	char t[40];
	int p = shortest_fast(v);

	return p ? p : shortest_g(t, sizeof(t), v);
}

void num_shortest_g(char *out, size_t size, double v)
{
	uint64_t m;
	int k, p = shortest_fast_digits(v, &m, &k);

	if (p)
		format_g(out, size, v < 0, m, p, k);
	else
		shortest_g(out, size, v);
}

void num_py_float_repr(struct buf *out, double v)
{
	char e[32], digits[20];
	int p, exp, n = 0, point, i;
	const char *c;

	if (isnan(v)) {
		buf_adds(out, "nan");
		return;
	}
	if (isinf(v)) {
		buf_adds(out, v < 0 ? "-inf" : "inf");
		return;
	}
	if (v == 0) {
		buf_adds(out, signbit(v) ? "-0.0" : "0.0");
		return;
	}
	/* The fewest significant digits that read back as v, as repr() keeps. */
	p = num_shortest_precision(v);
	snprintf(e, sizeof(e), "%.*e", p - 1, v);
	for (c = e; *c != 'e'; c++)
		if (isdigit((unsigned char)*c))
			digits[n++] = *c;
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = '\0';
	exp = (int)strtol(c + 1, NULL, 10);
	point = exp + 1;	/* digits before the decimal point */
	if (v < 0)
		buf_addch(out, '-');
	/* repr() switches to an exponent below 1e-4 and from 1e16 on. */
	if (point <= -4 || point > 16) {
		buf_addch(out, digits[0]);
		if (n > 1)
			buf_addf(out, ".%s", digits + 1);
		buf_addf(out, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
	} else if (point <= 0) {
		buf_adds(out, "0.");
		for (i = point; i < 0; i++)
			buf_addch(out, '0');
		buf_adds(out, digits);
	} else {
		for (i = 0; i < point; i++)
			buf_addch(out, i < n ? digits[i] : '0');
		buf_addch(out, '.');
		buf_adds(out, point < n ? digits + point : "0");
	}
}

int num_go_float(const char *s, double *out)
{
	if (!special_float(s, out))
		return 0;
	return decimal_float(s, out);
}

/* Python's str.isprintable(), for the characters repr() escapes in texts
 * a user writes: controls, and the spaces and format characters. */
static int py_printable(uint32_t c)
{
	if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || c == 0xad)
		return 0;
	if (c > 0xa0 && (py_space(c) || (c >= 0x200b && c <= 0x200f) ||
			 (c >= 0x202a && c <= 0x202e) ||
			 (c >= 0x2060 && c <= 0x206f) || c == 0xfeff ||
			 (c >= 0xd800 && c <= 0xdfff) || (c >= 0xfff9 && c <= 0xfffb)))
		return 0;
	return 1;
}

void num_py_repr(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';

	buf_addch(out, q);
	while (*p) {
		const unsigned char *from = p;
		uint32_t c = utf8_next(&p);

		if (c == 0xFFFFFFFF)	/* never in a JSON or YAML text */
			buf_addf(out, "\\x%02x", *from);
		else if (c == (uint32_t)q || c == '\\')
			buf_addf(out, "\\%c", (int)c);
		else if (c == '\t')
			buf_adds(out, "\\t");
		else if (c == '\n')
			buf_adds(out, "\\n");
		else if (c == '\r')
			buf_adds(out, "\\r");
		else if (py_printable(c))
			buf_add(out, from, (size_t)(p - from));
		else if (c < 0x100)
			buf_addf(out, "\\x%02x", (unsigned)c);
		else if (c < 0x10000)
			buf_addf(out, "\\u%04x", (unsigned)c);
		else
			buf_addf(out, "\\U%08x", (unsigned)c);
	}
	buf_addch(out, q);
}
