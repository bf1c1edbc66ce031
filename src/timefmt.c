#include "compat.h"
#include "timefmt.h"

#include <time.h>

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* n decimal digits at s; -1 when one is not a digit. */
static int digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int time_parse_rfc3339(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0;
	int64_t t;

	if (!s || strlen(s) < 20 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':' ||
	    digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
	    digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) ||
	    digits(s + 17, 2, &sec) || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 60)
		return -1;
	s += 19;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return -1;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		int sign = *s == '-' ? -1 : 1;

		if (strlen(s) != 6 || s[3] != ':' || digits(s + 1, 2, &oh) ||
		    digits(s + 4, 2, &om))
			return -1;
		oh *= sign;
		om *= sign;
		s += 6;
	} else {
		return -1;
	}
	if (*s)
		return -1;
	t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 +
	    mi * 60 + sec;
	*out = t - oh * 3600 - om * 60;
	return 0;
}

void time_human_duration(int64_t secs, char *out, size_t size)
{
	long long m = secs / 60, h = secs / 3600, days = h / 24;

	if (secs < -1)
		snprintf(out, size, "<invalid>");
	else if (secs < 0)
		snprintf(out, size, "0s");
	else if (secs < 120)
		snprintf(out, size, "%llds", (long long)secs);
	else if (m < 10 && secs % 60)
		snprintf(out, size, "%lldm%llds", m, (long long)(secs % 60));
	else if (m < 180)
		snprintf(out, size, "%lldm", m);
	else if (h < 8 && m % 60)
		snprintf(out, size, "%lldh%lldm", h, m % 60);
	else if (h < 48)
		snprintf(out, size, "%lldh", h);
	else if (h < 24 * 8 && h % 24)
		snprintf(out, size, "%lldd%lldh", days, h % 24);
	else if (h < 24 * 365 * 2)
		snprintf(out, size, "%lldd", days);
	else if (h < 24 * 365 * 8 && days % 365)
		snprintf(out, size, "%lldy%lldd", days / 365, days % 365);
	else
		snprintf(out, size, "%lldy", days / 365);
}

long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
