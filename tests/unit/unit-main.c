#include "compat.h"
#include "harness.h"
#include "doc.h"
#include "doc-yaml.h"
#include "fail.h"
#include "re.h"

static unsigned passed, failed;

void harness_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%s %u - ", cond ? "ok" : "not ok", passed + failed + 1);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (!cond)
		printf(" (%s:%d)", file, line);
	putchar('\n');
	if (cond)
		passed++;
	else
		failed++;
}

struct doc *harness_parse(const char *yaml)
{
	struct doc_reader *rd;
	struct fail f = FAIL_INIT;
	struct doc *d = NULL;

	doc_reader_open_mem(&rd, "t.yaml", yaml, strlen(yaml), NULL);
	if (doc_reader_next(rd, &d, &f) <= 0 || d->error) {
		doc_free(d);
		d = NULL;
	}
	doc_reader_free(rd);
	return d;
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "arena", test_arena },
	{ "buf", test_buf },
	{ "format", test_format },
	{ "numparse", test_numparse },
	{ "strtod", test_strtod },
	{ "shortest precision", test_shortest_precision },
	{ "http-redact-url", test_http_redact_url },
	{ "http-escape", test_http_escape },
	{ "kubeconfig", test_kubeconfig },
	{ "doc-positions", test_doc_positions },
	{ "doc-drop-text", test_doc_drop_text },
	{ "doc-scalars", test_doc_scalars },
	{ "doc-errors", test_doc_errors },
	{ "doc-aliases", test_doc_aliases },
	{ "doc-split", test_doc_split },
	{ "json-write", test_json_write },
	{ "json-read", test_json_read },
	{ "diag", test_diag },
	{ "rules-table", test_rules_table },
	{ "webhook-parity", test_webhook_parity },
	{ "schema", test_schema },
	{ "re", test_re },
	{ "emit-roundtrip", test_emit_roundtrip },
	{ "gen-param", test_gen_param },
	{ "redact", test_redact },
	{ "archive", test_archive },
	{ "lsp-framing", test_lsp_framing },
	{ "lsp-positions", test_lsp_positions },
	{ "suggestion-request", test_suggestion_request },
	{ "status", test_status },
};

int main(int argc, char **argv)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		if (argc > 1 && strcmp(argv[1], tests[i].name))
			continue;
		printf("# %s\n", tests[i].name);
		tests[i].fn();
	}
	re_release();
	printf("1..%u\n", passed + failed);
	printf("unit: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
