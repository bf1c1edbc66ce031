/*
 * harness.h: a minimal unit-test harness (cmark's style).  Each test file
 * defines test functions and registers them in unit-main.c's table; the
 * runner prints one TAP line per check and a closing count.
 */
#ifndef KATIB_TESTS_UNIT_HARNESS_H
#define KATIB_TESTS_UNIT_HARNESS_H

#include <stdint.h>

struct doc;
/* The first document of yaml, or NULL when it cannot be read.  Caller
 * frees it with doc_free(). */
struct doc *harness_parse(const char *yaml);
void harness_ok(int cond, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define OK(cond, ...) harness_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define INT_EQ(got, want, what)                                               \
	do {                                                                  \
		long long got_ = (long long)(got), want_ = (long long)(want); \
		harness_ok(got_ == want_, __FILE__, __LINE__,                 \
			   "%s: got %lld, want %lld", (what), got_, want_);   \
	} while (0)
#define STR_EQ(got, want, what)                                               \
	harness_ok((got) && !strcmp((got), (want)), __FILE__, __LINE__,       \
		   "%s: got '%s', want '%s'", (what), (got) ? (got) : "(null)", \
		   (want))

void test_arena(void);
void test_buf(void);
void test_strtod(void);
void test_format(void);
void test_numparse(void);
void test_shortest_precision(void);
void test_http_redact_url(void);
void test_doc_positions(void);
void test_doc_drop_text(void);
void test_doc_scalars(void);
void test_doc_errors(void);
void test_doc_aliases(void);
void test_doc_split(void);
void test_rules_table(void);
void test_webhook_parity(void);
void test_schema(void);
void test_re(void);
void test_emit_roundtrip(void);
void test_gen_param(void);
void test_diag(void);
void test_redact(void);
void test_archive(void);
void test_lsp_framing(void);
void test_lsp_positions(void);
void test_suggestion_request(void);
void test_status(void);
void test_kubeconfig(void);
void test_http_escape(void);
void test_json_write(void);
void test_json_read(void);

#endif
