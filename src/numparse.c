#include "compat.h"
#include "numparse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <strings.h>

#define NUM_MAX 128

/* Copies s without surrounding whitespace and without '_' between digits;
 * returns -1 if an underscore is misplaced or the text is too long. */
static int py_clean(const char *s, char *out)
{
	size_t n = 0;
	const char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	for (; s < end; s++) {
		if (*s == '_') {
			if (s == end - 1 || !n || !isdigit((unsigned char)out[n - 1]) ||
			    !isdigit((unsigned char)s[1]))
				return -1;
			continue;
		}
		if (n + 1 >= NUM_MAX)
			return -1;
		out[n++] = *s;
	}
	out[n] = '\0';
	return n ? 0 : -1;
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
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int num_py_int(const char *s, int64_t *out)
{
	char buf[NUM_MAX];

	if (py_clean(s, buf))
		return -1;
	return decimal_int(buf, out);
}

int num_go_int(const char *s, int64_t *out)
{
	return decimal_int(s, out);
}

static int special_float(const char *p, double *out)
{
	int neg = *p == '-';

	if (*p == '+' || *p == '-')
		p++;
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
	*out = strtod(p, &end);
	return *end ? -1 : 0;
}

int num_py_float(const char *s, double *out)
{
	char buf[NUM_MAX];

	if (py_clean(s, buf))
		return -1;
	if (!special_float(buf, out))
		return 0;
	return decimal_float(buf, out);
}

int num_go_float(const char *s, double *out)
{
	if (strlen(s) >= NUM_MAX)
		return -1;
	if (!special_float(s, out))
		return 0;
	return decimal_float(s, out);
}
