#include "compat.h"
#include "harness.h"
#include "arena.h"
#include "buf.h"
#include "format.h"
#include "http.h"
#include "numparse.h"
#include <limits.h>
#include <math.h>

void test_arena(void)
{
	struct arena a = ARENA_INIT;
	char *s, *big;
	int *p;
	size_t i;

	p = arena_alloc(&a, sizeof(*p) * 4);
	OK(p[0] == 0 && p[3] == 0, "arena memory is zeroed");
	OK(((uintptr_t)p % _Alignof(max_align_t)) == 0, "arena memory is aligned");
	s = arena_strndup(&a, "hello world", 5);
	STR_EQ(s, "hello", "arena_strndup copies n bytes and terminates");
	s = arena_printf(&a, "%s-%d", "exp", 42);
	STR_EQ(s, "exp-42", "arena_printf formats");
	{
		/* Longer than any block's room: measured, then formatted in a block of its own. */
		char *text = malloc(40001);
		size_t k;

		for (k = 0; k < 40000; k++)
			text[k] = (char)('a' + k % 26);
		text[40000] = '\0';
		s = arena_printf(&a, "<%s>%d", text, 7);
		OK(s && strlen(s) == 40003 && s[0] == '<' && !memcmp(s + 1, text, 40000) &&
		   !strcmp(s + 40001, ">7"), "arena_printf formats a text larger than a block");
		free(text);
	}
	s = arena_concat(&a, "step-", "main");
	STR_EQ(s, "step-main", "arena_concat joins two strings");
	s = arena_concat(&a, "", "");
	STR_EQ(s, "", "arena_concat of two empty strings is empty");
	big = arena_alloc(&a, 100000);
	big[99999] = 'x';
	s = arena_strdup(&a, "after big");
	STR_EQ(s, "after big", "small allocations still work after a large one");
	for (i = 0; i < 10000; i++)
		arena_alloc(&a, 24);
	OK(a.total >= 10000 * 24, "arena counts what it handed out");
	arena_release(&a);
	OK(a.head == NULL && a.total == 0, "arena_release empties the arena");
}

void test_buf(void)
{
	struct buf b = BUF_INIT;
	struct buf capped;
	char *s;
	size_t len;

	OK(b.buf && b.buf[0] == '\0', "BUF_INIT is an empty C string");
	buf_adds(&b, "abc");
	buf_addf(&b, "-%d", 7);
	STR_EQ(b.buf, "abc-7", "buf_adds and buf_addf append");
	buf_remove_head(&b, 2);
	STR_EQ(b.buf, "c-7", "buf_remove_head drops the front");
	buf_reset(&b);
	buf_add_json_str(&b, "a\"b\\c\nd\x01", 8);
	STR_EQ(b.buf, "\"a\\\"b\\\\c\\nd\\u0001\"", "JSON strings are escaped");
	s = buf_detach(&b, &len);
	INT_EQ(len, 18, "buf_detach reports the length");
	free(s);
	OK(b.buf[0] == '\0' && b.len == 0, "buf_detach leaves an empty buffer");

	buf_init(&capped, 8);
	INT_EQ(buf_adds(&capped, "12345678"), 0, "appending up to the cap works");
	INT_EQ(buf_adds(&capped, "9"), -1, "appending past the cap fails");
	STR_EQ(capped.buf, "12345678", "a refused append leaves the buffer as it was");
	INT_EQ(buf_addf(&capped, "%s", "x"), -1, "buf_addf honours the cap too");
	buf_release(&capped);
}

/* An input and the string a function of http.c must make of it. */
struct string_case {
	const char *in, *want;
};

/* Checks fn (which returns a string to free) on each of the n cases. */
static void check_string_fn(char *(*fn)(const char *),
			    const struct string_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *got = fn(cases[i].in);

		STR_EQ(got, cases[i].want, cases[i].in);
		free(got);
	}
}

void test_http_redact_url(void)
{
	static const struct string_case cases[] = {
		{ "https://admin:s3cret@10.0.0.1:6443/api?x=1", "https://admin:xxxxx@10.0.0.1:6443/api?x=1" },
		{ "http://admin:@h/", "http://admin:xxxxx@h/" },
		{ "https://user@h/p", "https://user@h/p" },
		{ "https://h:6443/a@b:c", "https://h:6443/a@b:c" },
		{ "https://h/?q=a:b@c", "https://h/?q=a:b@c" },
		{ "https://[::1]:6443/x", "https://[::1]:6443/x" },
		{ "https://u:p:q@[::1]/x", "https://u:xxxxx@[::1]/x" },
		{ "http://u:p@ss@h/x", "http://u:xxxxx@h/x" },
		{ "no scheme:pw@h", "no scheme:pw@h" },
	};

	check_string_fn(http_redact_url, cases, ARRAY_SIZE(cases));
}

void test_http_escape(void)
{
	static const struct string_case cases[] = {
		{ "app=mnist,tier!=web", "app%3Dmnist%2Ctier%21%3Dweb" },
		{ "AZaz09-._~", "AZaz09-._~" },
		{ "a b/{}", "a%20b%2F%7B%7D" },
		{ "\xc3\xa9", "%C3%A9" },
	};

	check_string_fn(http_escape, cases, ARRAY_SIZE(cases));
}

/*
 * Python 3.11's int(), float() and repr() on texts a C parser reads
 * differently (Unicode digits and spaces, underscores, any length); the
 * expected values are Python's own answers.
 */
void test_numparse(void)
{
	static const struct {
		const char *text;
		int ok;
		int64_t value;
	} ints[] = {
		{ " 7 ", 1, 7 }, { "+3", 1, 3 }, { "1_000", 1, 1000 },
		{ "1__0", 0, 0 }, { "_1", 0, 0 }, { "1_", 0, 0 },
		{ "\xd9\xa3", 1, 3 },			/* ARABIC-INDIC 3 */
		{ "\xef\xbc\x91\xef\xbc\x92", 1, 12 },	/* FULLWIDTH 12 */
		{ "\xd9\xa3_\xd9\xa4", 1, 34 },
		{ "\xc2\xa0" "5\xe3\x80\x80", 1, 5 },	/* NBSP, IDEOGRAPHIC SPACE */
		{ "\xc2\x85" "5", 1, 5 }, { "\x1c" "5", 0, 0 },
		{ "\xe2\x80\x8b" "1", 0, 0 },		/* ZERO WIDTH SPACE */
		{ "\xf0\x9d\x9f\x99", 1, 1 },		/* MATHEMATICAL DOUBLE-STRUCK 1 */
		{ "99999999999999999999", 1, INT64_MAX },
		{ "-99999999999999999999", 1, INT64_MIN },
		{ "1.5", 0, 0 }, { "1e3", 0, 0 }, { "", 0, 0 }, { "-0", 1, 0 },
	};
	static const struct {
		const char *text;
		int ok;
		double value;
	} floats[] = {
		{ "\xd9\xa3.\xd9\xa5", 1, 3.5 }, { "1_0.5", 1, 10.5 },
		{ "\xef\xbc\x91\xef\xbc\x92.\xef\xbc\x95" "e-1", 1, 1.25 },
		{ "0x10", 0, 0 }, { "1e", 0, 0 }, { ".5", 1, 0.5 }, { "5.", 1, 5 },
		/* Python's float() wants a digit in the mantissa */
		{ ".", 0, 0 }, { "-.e5", 0, 0 }, { "e5", 0, 0 },
		/* plain decimals, read without cleaning */
		{ "-2.5e-3", 1, -0.0025 }, { "+7", 1, 7 }, { "1E+2", 1, 100 },
		{ "0.1", 1, 0.1 }, { " 0.5 ", 1, 0.5 }, { "1_e5", 0, 0 },
		/* words, in any case */
		{ "inf", 1, INFINITY }, { "Infinity", 1, INFINITY },
		{ "-INF", 1, -INFINITY }, { "+iNfInItY", 1, INFINITY },
		{ "infinit", 0, 0 }, { "nanx", 0, 0 },
	};
	static const struct {
		const char *text, *repr;
	} reprs[] = {
		{ "abc", "'abc'" }, { "it's", "\"it's\"" },
		{ "a\"b'c", "'a\"b\\'c'" }, { "\t1x", "'\\t1x'" },
		{ "\xe2\x80\x8b" "1", "'\\u200b1'" }, { "\xd9\xa3", "'\xd9\xa3'" },
		{ "\xc2\xa0", "'\\xa0'" },
	};
	static const struct {
		double value;
		const char *repr;
	} float_reprs[] = {
		{ 2.0, "2.0" }, { -1e20, "-1e+20" }, { 0.1, "0.1" }, { 1e16, "1e+16" },
		{ 1e15, "1000000000000000.0" }, { 1234567890123456.7, "1234567890123456.8" },
		{ 0.0001, "0.0001" }, { 0.00001, "1e-05" }, { -0.0, "-0.0" },
		{ 5e-324, "5e-324" }, { 1.7976931348623157e308, "1.7976931348623157e+308" },
		{ 123.456, "123.456" }, { 1.0 / 3, "0.3333333333333333" },
		{ INFINITY, "inf" }, { -INFINITY, "-inf" }, { NAN, "nan" },
	};
	static const struct {
		const char *text, *str;
	} int_strs[] = {
		{ "-00_5", "-5" }, { "+0", "0" }, { "-0", "0" }, { "007", "7" },
		{ "  \xd9\xa3\xd9\xa4 ", "34" },
		{ "-123456789012345678901234567890", "-123456789012345678901234567890" },
		{ "1.5", NULL }, { "", NULL },
	};
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(float_reprs) / sizeof(*float_reprs); i++) {
		buf_reset(&b);
		num_py_float_repr(&b, float_reprs[i].value);
		STR_EQ(b.buf, float_reprs[i].repr, float_reprs[i].repr);
	}
	for (i = 0; i < sizeof(int_strs) / sizeof(*int_strs); i++) {
		int ok;

		buf_reset(&b);
		ok = !num_py_int_str(&b, int_strs[i].text);
		INT_EQ(ok, int_strs[i].str != NULL, int_strs[i].text);
		if (ok && int_strs[i].str)
			STR_EQ(b.buf, int_strs[i].str, int_strs[i].text);
	}
	for (i = 0; i < sizeof(ints) / sizeof(*ints); i++) {
		int64_t v = 0;
		int ok = !num_py_int(ints[i].text, &v);

		INT_EQ(ok, ints[i].ok, ints[i].text);
		if (ok)
			INT_EQ(v, ints[i].value, ints[i].text);
	}
	for (i = 0; i < sizeof(floats) / sizeof(*floats); i++) {
		double v = 0;
		int ok = !num_py_float(floats[i].text, &v);

		INT_EQ(ok, floats[i].ok, floats[i].text);
		if (ok)
			OK(v == floats[i].value, "float(%s): got %g", floats[i].text, v);
	}
	{
		static const char *const nans[] = { "nan", "NaN", "-nan", "NAN" };
		double v = 0;

		for (i = 0; i < ARRAY_SIZE(nans); i++)
			OK(!num_py_float(nans[i], &v) && isnan(v), "float(%s) is nan", nans[i]);
	}
	for (i = 0; i < sizeof(reprs) / sizeof(*reprs); i++) {
		buf_reset(&b);
		num_py_repr(&b, reprs[i].text);
		STR_EQ(b.buf, reprs[i].repr, reprs[i].text);
	}
	buf_release(&b);
}

/* Same bits and the same end as libc's strtod(). */
static int strtod_agrees(const char *t)
{
	char *end1, *end2;
	double a = num_strtod(t, &end1), b = strtod(t, &end2);

	return !memcmp(&a, &b, sizeof(a)) && end1 == end2;
}

void test_strtod(void)
{
	static const char *const texts[] = {
		"0", "-0", "+0", "0.0", "-0.0", ".5", "5.", "-.5e1", "1e22",
		"1e23", "1e-22", "1e-23", "9007199254740992", "9007199254740993",
		"-9007199254740993", "1234567890123456789", "12345678901234567890",
		"0.1", "0.3", "2.5e-3", "1E+2", "00000000000000000000001.5",
		"1.0000000000000000000000", "123456789e-30", "1e99999", "1e",
		"1e+", ".", "-", "", " 1", "1 ", "1.5x", "0x10", "0x1p3", "inf",
		"-Infinity", "nan", "1_0", "4.9e-324", "1.7976931348623157e308",
	};
	size_t i;
	unsigned x = 12345;
	int bad = 0;

	for (i = 0; i < ARRAY_SIZE(texts); i++)
		OK(strtod_agrees(texts[i]), "num_strtod('%s') is strtod's", texts[i]);
	/* Random decimals around the fast path's limits: 15 to 20 digits, scales past 22. */
	for (i = 0; i < 20000; i++) {
		char t[64];
		int n = 0, digits, point, k;

		x = x * 1103515245u + 12345u;
		digits = 1 + (int)(x >> 16) % 20;
		point = (int)(x >> 8) % (digits + 1);
		if (x & 1)
			t[n++] = '-';
		for (k = 0; k < digits; k++) {
			if (k == point)
				t[n++] = '.';
			x = x * 1103515245u + 12345u;
			t[n++] = (char)('0' + (x >> 16) % 10);
		}
		if (x & 2)
			n += snprintf(t + n, sizeof(t) - (size_t)n, "e%d",
				      (int)((x >> 20) % 61) - 30);
		t[n] = '\0';
		bad += !strtod_agrees(t);
	}
	INT_EQ(bad, 0, "num_strtod agrees with strtod on 20,000 random decimals");
	{
		/* The fast path is the point: short decimals must take it. */
		static const char *const fast[] = {
			"0", "-0", "+7", "0.1", "-2.5e-3", "1E+22", "1e-22", "5.",
			".5", "9007199254740992", "00000000000000000000001.5",
			"1234567890123e-20", "-.5e1", "0.0000000000000000000000",
		};
		static const char *const slow[] = {
			"1e23", "1e-23", "9007199254740993", "1234567890123456789e-30",
			"18446744073709551621",	/* 2^64 + 5: wraps to 5 in 64 bits */ "12345678901234567890",
			"1.0000000000000000000000", "1e99999", "1e", "1e+", ".", "-",
			"", " 1", "1 ", "1.5x", "0x10", "inf", "nan", "1_0", "1e-",
		};
		double v;

		for (i = 0; i < ARRAY_SIZE(fast); i++)
			OK(!num_strtod_fast(fast[i], &v) && v == strtod(fast[i], NULL) &&
			   signbit(v) == signbit(strtod(fast[i], NULL)),
			   "'%s' is read by the fast path", fast[i]);
		for (i = 0; i < ARRAY_SIZE(slow); i++)
			OK(num_strtod_fast(slow[i], &v) == -1, "'%s' is left to strtod", slow[i]);
	}
}

/* The precision found by printing and reading back at each in turn. */
static int shortest_by_search(double v)
{
	char t[40];
	int p;

	for (p = 1; p < 17; p++) {
		snprintf(t, sizeof(t), "%.*e", p - 1, v);
		if (strtod(t, NULL) == v)
			return p;
	}
	return 17;
}

void test_shortest_precision(void)
{
	static const struct {
		double v;
		int p;
		const char *g;
	} cases[] = {
		{ 0.0, 1, "0" }, { -0.0, 1, "-0" }, { 2.0, 1, "2" }, { 0.1, 1, "0.1" },
		{ 0.3, 1, "0.3" }, { 0.1 + 0.2, 17, "0.30000000000000004" },
		{ 1.0 / 3, 16, "0.3333333333333333" }, { 2.675, 4, "2.675" },
		{ 123.456, 6, "123.456" }, { 1e21, 1, "1e+21" }, { 1e23, 1, "1e+23" },
		{ 5e-324, 1, "5e-324" }, { 1e-7, 1, "1e-07" },
		{ 1.7976931348623157e308, 17, "1.7976931348623157e+308" },
		{ 9007199254740993.0, 16, "9007199254740992" },
		{ INFINITY, 1, "inf" }, { -INFINITY, 1, "-inf" },
		{ 100.0, 1, "1e+02" }, { 1e15, 1, "1e+15" }, { 0.5, 1, "0.5" },
		{ 123456789012345.0, 15, "123456789012345" },
		{ 1234567890123456.0, 16, "1234567890123456" },
		{ -0.001, 1, "-0.001" }, { 1e-22, 1, "1e-22" }, { 1e-23, 1, "1e-23" },
		{ 1.5e-320, 2, "1.5e-320" }, { 0.07, 1, "0.07" },
		{ 0.029999999999999999, 1, "0.03" }, { 299792458.0, 9, "299792458" },
	};
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t bad = 0, tried = 0;
	char got[40];
	const char *text = got;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		INT_EQ(num_shortest_precision(cases[i].v), cases[i].p, cases[i].g);
		num_shortest_g(got, sizeof(got), cases[i].v);
		STR_EQ(text, cases[i].g, cases[i].g);
	}
	INT_EQ(num_shortest_precision(NAN), 17, "NaN");
	/*
	 * Short decimals are found without printing: that path must agree
	 * with the search everywhere.  Random bit patterns (17 digits: the
	 * search) and decimals of up to 9 or 16 digits over a wide range of
	 * exponents (the fast path and its edges), 5,000 of each.
	 */
	for (i = 0; i < 10000; i++) {
		double v;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (i % 2) {
			memcpy(&v, &x, sizeof(v));
			if (!isfinite(v))
				continue;
		} else {
			unsigned long long m = (x >> 11) % (i % 8 ? 1000000000ULL : 10000000000000000ULL);
			char t[40];

			snprintf(t, sizeof(t), "%s%llue%d", x & 1 ? "-" : "", m, (int)((x >> 2) % 80) - 40);
			v = strtod(t, NULL);
		}
		tried++;
		if (num_shortest_precision(v) != shortest_by_search(v) && bad++ < 5)
			OK(0, "%.17g: %d, the search %d", v, num_shortest_precision(v),
			   shortest_by_search(v));
		/* The text is printf's own, without printf on the fast path. */
		{
			char want[40];

			snprintf(want, sizeof(want), "%.*g", shortest_by_search(v), v);
			num_shortest_g(got, sizeof(got), v);
			if (strcmp(got, want) && bad++ < 5)
				OK(0, "%.17g: '%s', printf '%s'", v, got, want);
		}
	}
	OK(bad == 0 && tried > 9900, "%zu of %zu values disagree", bad, tried);
	{
		/* A short buffer gets the start of the text, terminated. */
		char small[4];
		const char *cut = small;

		num_shortest_g(small, sizeof(small), 123.456);
		STR_EQ(cut, "123", "num_shortest_g cuts at the buffer's size");
		num_shortest_g(small, sizeof(small), -2.5e-7);
		STR_EQ(cut, "-2.", "num_shortest_g cuts an exponent form too");
	}
}

/* format_v() against libc's vsnprintf(), at every room from 0 up. */
static int format_both(char *ours, char *libc, size_t room, int *n_ours,
		       int *n_libc, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int format_both(char *ours, char *libc, size_t room, int *n_ours,
		       int *n_libc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*n_ours = format_v(ours, room, fmt, ap);
	/* ap is left as it was: the second formatting sees the same values. */
	*n_libc = vsnprintf(libc, room, fmt, ap);
	va_end(ap);
	return *n_ours == *n_libc && (!room || !strcmp(ours, libc));
}

void test_format(void)
{
	char ours[96], libc[96];
	int n1, n2, bad = 0;
	size_t room;
	const char *volatile none = NULL;	/* opaque: gcc refuses a known NULL */

	for (room = 0; room < 64; room++) {
		memset(ours, 'x', sizeof(ours));
		memset(libc, 'x', sizeof(libc));
		bad += !format_both(ours, libc, room, &n1, &n2,
				    "key '%s' at %zu: %d, %u, %lld%c %% %s|", "team",
				    (size_t)-1, INT_MIN, UINT_MAX, LLONG_MIN, '!', none);
		/* Nothing is written past the room given. */
		bad += memcmp(ours + room, libc + room, sizeof(ours) - room) != 0;
		bad += !format_both(ours, libc, room, &n1, &n2, "%d %lld %zu",
				    0, LLONG_MAX, (size_t)0);
		bad += !format_both(ours, libc, room, &n1, &n2, "no conversion");
		bad += !format_both(ours, libc, room, &n1, &n2, "%s%s", "", "");
		/* Left to libc: widths, precisions, flags, other conversions. */
		bad += !format_both(ours, libc, room, &n1, &n2, "%5u|%.*s|%-3d|%g|%02X",
				    7u, 2, "abc", 4, 0.5, 10u);
	}
	INT_EQ(bad, 0, "format_v writes what vsnprintf writes, at every room");
	/* The fast path is the point: messages' formats must take it. */
	OK(format_is_plain("key '%s' at %zu: %d, %u, %lld%c %%"), "plain conversions are written here");
	OK(format_is_plain("no conversion"), "a format without conversions is plain");
	OK(!format_is_plain("%5u") && !format_is_plain("%.*s") && !format_is_plain("%g") &&
	   !format_is_plain("%02X") && !format_is_plain("%lu") && !format_is_plain("%zd") &&
	   !format_is_plain("%ld") && !format_is_plain("%lld%llu") && !format_is_plain("%"),
	   "widths, precisions, flags and other conversions go to vsnprintf");
	/* Each conversion is stepped over whole, no more and no less. */
	OK(!format_is_plain("%s%g") && !format_is_plain("%zu%g") &&
	   !format_is_plain("%lld%g") && !format_is_plain("%%%g") &&
	   format_is_plain("100%% %%5u"), "a conversion right after another is judged");
	OK(!format_is_plain("%xld") && !format_is_plain("%lxd") && !format_is_plain("%zd"),
	   "only %%zu and %%lld have length modifiers");
}
