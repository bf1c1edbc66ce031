#include "compat.h"
#include "harness.h"
#include "arena.h"
#include "buf.h"
#include "http.h"

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

void test_http_redact_url(void)
{
	static const struct {
		const char *url, *want;
	} cases[] = {
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
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = http_redact_url(cases[i].url);

		STR_EQ(got, cases[i].want, cases[i].url);
		free(got);
	}
}
