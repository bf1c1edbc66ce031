#include "compat.h"
#include "harness.h"
#include "doc-json.h"
#include "doc-yaml.h"
#include "doc.h"

/* text (YAML) read and written back as compact JSON. */
static char *yaml_to_json(const char *text, int pretty)
{
	struct doc_reader *r;
	struct fail f = FAIL_INIT;
	struct doc *d = NULL;
	char *json = NULL;

	doc_reader_open_mem(&r, "t.yaml", text, strlen(text), NULL);
	if (doc_reader_next(r, &d, &f) > 0 && d->root)
		json = pretty ? doc_to_json_pretty(d->root) : doc_to_json(d->root);
	doc_free(d);
	doc_reader_free(r);
	return json;
}

static void expect_json(const char *yaml, const char *want, const char *what)
{
	char *got = yaml_to_json(yaml, 0);

	STR_EQ(got, want, what);
	free(got);
}

/* Written as Go's encoding/json writes it: kubectl's output, the API server's answers. */
void test_json_write(void)
{
	char *got;

	expect_json("a: \"<b>&\"", "{\"a\":\"\\u003cb\\u003e\\u0026\"}", "HTML characters escaped as Go does");
	expect_json("a: \"x\\by\\fz\\u0001\\u007f\"", "{\"a\":\"x\\by\\fz\\u0001\x7f\"}", "control characters");
	expect_json("a: \"\\u2028\\u2029\"", "{\"a\":\"\\u2028\\u2029\"}", "line and paragraph separators");
	expect_json("a: été", "{\"a\":\"été\"}", "UTF-8 kept");
	expect_json("a: 0.05", "{\"a\":0.05}", "a float in its shortest form");
	expect_json("a: 0.1e-6", "{\"a\":1e-7}", "a small float with Go's exponent");
	expect_json("a: 1.5e+21", "{\"a\":1.5e+21}", "a large float with Go's exponent");
	expect_json("a: 150000000000000000000.0", "{\"a\":150000000000000000000}", "below 1e21: fixed");
	expect_json("a: 0.000001", "{\"a\":0.000001}", "1e-6 is fixed");
	expect_json("a: 9007199254740993", "{\"a\":9007199254740993}", "an integer beyond 2^53 kept exact");
	expect_json("a: 0x1F", "{\"a\":31}", "a YAML 1.1 hex integer");
	expect_json("a: .inf", "{\"a\":\".inf\"}", "infinity as a string");
	expect_json("a: {}\nb: []\nc: ~\nd: yes", "{\"a\":{},\"b\":[],\"c\":null,\"d\":true}", "empty containers, null, bool");
	expect_json("a: 1\na: 2", "{\"a\":2}", "the last of repeated keys");
	/* JSON input is not checked for UTF-8: what is not, Go writes as U+FFFD. */
	{
		static const struct {
			const char *in, *want, *what;
		} bytes[] = {
			{ "{\"a\":\"\xe0\x9f\xbf\"}", "{\"a\":\"\\ufffd\\ufffd\\ufffd\"}",
			  "an overlong 3-byte form (U+07FF)" },
			{ "{\"a\":\"\xf0\x8f\xbf\xbf\"}",
			  "{\"a\":\"\\ufffd\\ufffd\\ufffd\\ufffd\"}",
			  "an overlong 4-byte form (U+FFFF)" },
			{ "{\"a\":\"\xed\xa0\x80\"}", "{\"a\":\"\\ufffd\\ufffd\\ufffd\"}",
			  "a surrogate (U+D800)" },
			{ "{\"a\":\"\xf4\x90\x80\x80\"}",
			  "{\"a\":\"\\ufffd\\ufffd\\ufffd\\ufffd\"}",
			  "beyond U+10FFFF" },
			{ "{\"a\":\"\xe0\xa0\x80\"}", "{\"a\":\"\xe0\xa0\x80\"}",
			  "the first 3-byte code point (U+0800) kept" },
		};
		size_t i;

		for (i = 0; i < ARRAY_SIZE(bytes); i++) {
			struct doc *d = doc_from_json(bytes[i].in, strlen(bytes[i].in));

			got = d ? doc_to_json(d->root) : NULL;
			STR_EQ(got ? got : "(unread)", bytes[i].want, bytes[i].what);
			free(got);
			doc_free(d);
		}
	}
	got = yaml_to_json("a:\n  b: [1, {}]\n  c: {}\n", 1);
	STR_EQ(got, "{\n    \"a\": {\n        \"b\": [\n            1,\n            {}\n        ],\n        \"c\": {}\n    }\n}",
	       "indented as kubectl -o json");
	free(got);
}

static void expect_read(const char *json, const char *path, enum doc_kind kind,
			const char *text, const char *what)
{
	struct doc *d = doc_from_json_exact(json, strlen(json));
	const struct doc_node *n = d ? doc_lookup(d->root, path) : NULL;
	const char *got = n ? n->text : "(none)";

	OK(n && n->kind == kind, "%s: the kind", what);
	STR_EQ(got, text, what);
	doc_free(d);
}

void test_json_read(void)
{
	static const char bad[] = "{\"a\": 1} x";
	struct doc *d;

	expect_read("{\"a\": {\"b\": \"x\\u003cy\"}}", "a.b", DOC_STR, "x<y", "an escaped string");
	expect_read("{\"a\": 0.05}", "a", DOC_FLOAT, "0.05", "a float keeps Go's text");
	expect_read("{\"a\": 1.0}", "a", DOC_INT, "1", "an integral float reads as Go wrote it");
	expect_read("{\"a\": -12}", "a", DOC_INT, "-12", "an integer");
	expect_read("{\"a\": [true, null]}", "a", DOC_SEQ, "", "a list");
	d = doc_from_json_exact("{\"a\": 9007199254740993}", 22);
	OK(!d, "an integer beyond 2^53 is left to the YAML reader");
	doc_free(d);
	d = doc_from_json_exact("{\"a\": 1e-7}", 11);
	OK(!d, "a float Go writes with an exponent is left to the YAML reader");
	doc_free(d);
	d = doc_from_json_exact(bad, sizeof(bad) - 1);
	OK(!d, "text after the value");
	doc_free(d);
	d = doc_from_json("{\"a\": 1e-7}", 11);
	OK(d && doc_lookup(d->root, "a") && doc_lookup(d->root, "a")->kind == DOC_FLOAT,
	   "doc_from_json takes what the exact reader leaves");
	doc_free(d);
}
