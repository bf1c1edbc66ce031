#include "compat.h"
#include "harness.h"
#include "buf.h"
#include "doc-yaml.h"

/* Reads all documents of text; returns how many, storing up to max. */
static size_t load(const char *text, size_t len, struct doc **docs,
		   size_t max, const struct doc_limits *lim)
{
	struct doc_reader *r;
	struct fail f = FAIL_INIT;
	struct doc *d;
	size_t n = 0;

	doc_reader_open_mem(&r, "t.yaml", text, len, lim);
	while (doc_reader_next(r, &d, &f) > 0) {
		const char *why = NULL;
		int broken = doc_check(d, &why);

		OK(!broken, "document %zu is a consistent tree%s%s", n,
		   why ? ": " : "", why ? why : "");
		if (n < max)
			docs[n] = d;
		else
			doc_free(d);
		n++;
	}
	doc_reader_free(r);
	return n;
}

static void free_docs(struct doc **docs, size_t n)
{
	while (n--)
		doc_free(docs[n]);
}

static void expect_pos(const struct doc_node *n, unsigned line, unsigned col,
		       unsigned long off, const char *what)
{
	OK(n && n->span.start.line == line && n->span.start.col == col &&
		   n->span.start.off == off,
	   "%s at %u:%u +%lu (got %u:%u +%lu)", what, line, col, off,
	   n ? (unsigned)n->span.start.line : 0,
	   n ? (unsigned)n->span.start.col : 0,
	   n ? (unsigned long)n->span.start.off : 0);
}

void test_doc_positions(void)
{
	static const char utf8[] = "été: x\nspec:\n  naïve: \"ü\"\n";
	static const char crlf[] = "a: 1\r\nb:\r\n  c: two\r\n";
	static const char tabs[] = "# a\tcomment\nkey:\t# tab in comment\n  val: 1\n";
	static const char multi[] = "a: 1\n---\nb: 2\n---\n# only a comment\n---\nc: [3]\n";
	static const char json[] = "{\n\t\"spec\": {\"n\": [1, \"x\"]}\n}\n";
	static const char bom[] = "\xef\xbb\xbfk: v\n";
	struct doc *d[8];
	struct buf path = BUF_INIT;
	size_t n;

	n = load(utf8, sizeof(utf8) - 1, d, 8, NULL);
	INT_EQ(n, 1, "UTF-8 document count");
	expect_pos(doc_get(d[0]->root, "été"), 1, 6, 7,
		   "value after a UTF-8 key (columns count characters)");
	expect_pos(doc_lookup(d[0]->root, "spec.naïve"), 3, 10, 25,
		   "value after a nested UTF-8 key");
	OK(doc_get(d[0]->root, "été")->key_span.start.col == 1,
	   "key position of a UTF-8 key");
	free_docs(d, n);

	n = load(crlf, sizeof(crlf) - 1, d, 8, NULL);
	expect_pos(doc_lookup(d[0]->root, "b.c"), 3, 6, 15, "value in a CRLF file");
	free_docs(d, n);

	n = load(tabs, sizeof(tabs) - 1, d, 8, NULL);
	expect_pos(doc_lookup(d[0]->root, "key.val"), 3, 8, 41,
		   "value after tabs in comments");
	free_docs(d, n);

	n = load(multi, sizeof(multi) - 1, d, 8, NULL);
	INT_EQ(n, 4, "multi-document stream count (an empty one included)");
	expect_pos(doc_get(d[1]->root, "b"), 3, 4, 12, "value in the second document");
	OK(d[2]->root && d[2]->root->kind == DOC_NULL, "a comment-only document is null");
	expect_pos(doc_get(d[3]->root, "c")->child, 7, 5, 43, "value in the fourth document");
	INT_EQ(d[3]->index, 3, "documents are numbered from 0");
	free_docs(d, n);

	n = load(json, sizeof(json) - 1, d, 8, NULL);
	expect_pos(doc_lookup(d[0]->root, "spec.n")->child->next, 2, 20, 21,
		   "string in a JSON list");
	doc_path(doc_lookup(d[0]->root, "spec.n")->child->next, &path);
	STR_EQ(path.buf, "spec.n[1]", "path of a list item");
	buf_release(&path);
	free_docs(d, n);

	n = load(bom, sizeof(bom) - 1, d, 8, NULL);
	expect_pos(doc_get(d[0]->root, "k"), 1, 4, 6, "value after a byte order mark");
	free_docs(d, n);
}

void test_doc_scalars(void)
{
	static const char text[] =
		"s: \"3\"\ni: 3\nf: 1.10\nb: yes\nn: ~\ne:\nh: 0x1F\nx: 1e3\n"
		"v: v1.2\nq: 'on'\nt: 2024-01-01\nneg: -7\nlabels:\n  app.kubernetes.io/name: x\n";
	struct doc *d[1];
	struct buf path = BUF_INIT;
	int64_t v;
	double fv;

	load(text, sizeof(text) - 1, d, 1, NULL);
	INT_EQ(doc_get(d[0]->root, "s")->kind, DOC_STR, "a quoted number is a string");
	INT_EQ(doc_get(d[0]->root, "i")->kind, DOC_INT, "3 is an integer");
	INT_EQ(doc_get(d[0]->root, "f")->kind, DOC_FLOAT, "1.10 is a number, as Kubernetes reads it");
	INT_EQ(doc_get(d[0]->root, "b")->kind, DOC_BOOL, "yes is a boolean (YAML 1.1)");
	INT_EQ(doc_get(d[0]->root, "n")->kind, DOC_NULL, "~ is null");
	INT_EQ(doc_get(d[0]->root, "e")->kind, DOC_NULL, "an empty value is null");
	OK(!doc_int(doc_get(d[0]->root, "h"), &v) && v == 31, "0x1F is 31");
	OK(!doc_int(doc_get(d[0]->root, "x"), &v) && v == 1000, "1e3 is the integer 1000");
	INT_EQ(doc_get(d[0]->root, "v")->kind, DOC_STR, "v1.2 is a string");
	INT_EQ(doc_get(d[0]->root, "q")->kind, DOC_STR, "a quoted 'on' is a string");
	INT_EQ(doc_get(d[0]->root, "t")->kind, DOC_STR, "a date stays a string");
	OK(!doc_int(doc_get(d[0]->root, "neg"), &v) && v == -7, "-7 is -7");
	OK(!doc_float(doc_get(d[0]->root, "f"), &fv) && fv == 1.1, "1.10 reads as 1.1");
	doc_path(doc_lookup(d[0]->root, "labels")->child, &path);
	STR_EQ(path.buf, "labels[app.kubernetes.io/name]", "map keys that are not identifiers use brackets");
	buf_release(&path);
	doc_free(d[0]);
}

void test_doc_errors(void)
{
	static const char broken[] = "a: 1\n---\nx: [1,\n---\nok: true\n";
	static const char dup[] = "a: 1\nb: 2\na: 3\n";
	static const char deep_prefix[] = "a: ";
	struct doc *d[4];
	struct buf deep = BUF_INIT;
	size_t n, i;

	n = load(broken, sizeof(broken) - 1, d, 4, NULL);
	INT_EQ(n, 3, "a syntax error does not end the stream");
	OK(d[1]->error && !d[1]->root, "the broken document has an error and no root");
	INT_EQ(d[1]->error->at.line, 4, "the error is reported where libyaml saw it");
	OK(d[2]->root && doc_get(d[2]->root, "ok"), "the document after the error is read");
	INT_EQ(doc_get(d[2]->root, "ok")->span.start.line, 5, "and keeps its true line numbers");
	free_docs(d, n);

	n = load(dup, sizeof(dup) - 1, d, 4, NULL);
	OK(doc_get(d[0]->root, "a")->duplicate, "a repeated key is marked");
	OK(!doc_int(doc_get(d[0]->root, "a"), &(int64_t){ 0 }) &&
		   doc_get(d[0]->root, "a")->span.start.line == 3,
	   "the last of repeated keys wins");
	INT_EQ(d[0]->root->nr_children, 3, "both repeats are kept in the tree");
	free_docs(d, n);

	buf_adds(&deep, deep_prefix);
	for (i = 0; i < 10000; i++)
		buf_addch(&deep, '[');
	for (i = 0; i < 10000; i++)
		buf_addch(&deep, ']');
	n = load(deep.buf, deep.len, d, 4, NULL);
	OK(n == 1 && d[0]->error && d[0]->error->limit,
	   "10,000-deep nesting is refused as a limit");
	free_docs(d, n < 4 ? n : 4);
	buf_release(&deep);

	n = load("a: b\n\x01\n", 7, d, 4, NULL);
	OK(n == 1 && d[0]->error && d[0]->error->at.line == 2,
	   "a control character is an error at its line");
	free_docs(d, n);

	n = load("\xff\xfe" "a\0:\0", 6, d, 4, NULL);
	OK(n == 1 && d[0]->error && strstr(d[0]->error->message, "UTF-16"),
	   "UTF-16 input is reported as such");
	free_docs(d, n);

	n = load("", 0, d, 4, NULL);
	INT_EQ(n, 0, "an empty input has no documents");
}

void test_doc_aliases(void)
{
	static const char merge[] = "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n";
	struct doc *d[2];
	struct buf bomb = BUF_INIT;
	struct doc_limits lim = DOC_LIMITS_DEFAULT;
	int64_t v;
	size_t n, i;

	n = load(merge, sizeof(merge) - 1, d, 2, NULL);
	OK(!doc_int(doc_lookup(d[0]->root, "m.x"), &v) && v == 1, "merge keys add missing keys");
	OK(!doc_int(doc_lookup(d[0]->root, "m.y"), &v) && v == 3, "explicit keys win over merged ones");
	OK(!doc_get(doc_get(d[0]->root, "m"), "<<"), "the merge key itself goes away");
	free_docs(d, n);

	/* Billion laughs: 9 levels of 9 aliases each. */
	buf_adds(&bomb, "a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
	for (i = 1; i < 10; i++)
		buf_addf(&bomb, "a%zu: &a%zu [*a%zu, *a%zu, *a%zu, *a%zu, *a%zu, *a%zu, *a%zu, *a%zu, *a%zu]\n",
			 i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	n = load(bomb.buf, bomb.len, d, 2, &lim);
	OK(n == 1 && d[0]->error && d[0]->error->limit &&
		   strstr(d[0]->error->message, "alias"),
	   "an alias bomb is refused, not expanded");
	free_docs(d, n);
	buf_release(&bomb);
}

/* Every node's spans, depth first, into a comparable text. */
static void spans_of(const struct doc_node *n, struct buf *out)
{
	const struct doc_node *c;

	buf_addf(out, "%u:%u+%llu-%u:%u k%u:%u+%llu %s\n", (unsigned)n->span.start.line,
		 (unsigned)n->span.start.col, (unsigned long long)n->span.start.off,
		 (unsigned)n->span.end.line, (unsigned)n->span.end.col,
		 (unsigned)n->key_span.start.line, (unsigned)n->key_span.start.col,
		 (unsigned long long)n->key_span.start.off, n->text);
	for (c = n->child; c; c = c->next)
		spans_of(c, out);
}

void test_doc_drop_text(void)
{
	struct buf text = BUF_INIT, kept = BUF_INIT, dropped = BUF_INIT;
	struct doc_limits lim = DOC_LIMITS_DEFAULT;
	struct fail f = FAIL_INIT;
	int i, pass;

	/*
	 * Three documents, the middle one 3 MB (non-ASCII in places, so that
	 * the window's character-to-byte mapping is tested across trims):
	 * read without text, the window is trimmed inside it, and every
	 * position must still be what the reader that keeps text finds.
	 */
	buf_adds(&text, "a: 1\n---\nitems:\n");
	for (i = 0; i < 40000; i++)
		buf_addf(&text, "- {name: tri\xc3\xa1l-%06d, value: \"%d\", note: caf\xc3\xa9}\n", i, i * 7);
	buf_adds(&text, "---\nlast: [x, {y: z}]\n");
	for (pass = 0; pass < 2; pass++) {
		struct doc_reader *r;
		struct doc *d;
		int n = 0;

		doc_reader_open_mem(&r, "t.yaml", text.buf, text.len, &lim);
		if (pass)
			doc_reader_drop_text(r);
		while (doc_reader_next(r, &d, &f) > 0) {
			OK(!d->error, "document %d reads without error", n);
			if (pass)
				OK(!d->text && !d->len, "document %d keeps no text", n);
			else
				OK(d->text && d->len, "document %d keeps its text", n);
			if (d->root)
				spans_of(d->root, pass ? &dropped : &kept);
			doc_free(d);
			n++;
		}
		INT_EQ(n, 3, "documents");
		doc_reader_free(r);
	}
	OK(kept.len > 3000000 && kept.len == dropped.len &&
	   !memcmp(kept.buf, dropped.buf, kept.len),
	   "the same positions with and without text (%zu and %zu bytes of spans)",
	   kept.len, dropped.len);

	/* A byte that is not UTF-8 deep in the large document: its error is
	 * placed from the window's start, trimmed many times by then. */
	buf_reset(&kept);
	buf_reset(&dropped);
	buf_reset(&text);
	buf_adds(&text, "items:\n");
	for (i = 0; i < 100000; i++)	/* 2.4 MB: trimmed twice */
		buf_addf(&text, "- {name: tri\xc3\xa1l-%06d}\n", i);
	buf_adds(&text, "- caf\xc3\xa9 \xff\n");
	for (pass = 0; pass < 2; pass++) {
		struct doc_reader *r;
		struct doc *d;

		doc_reader_open_mem(&r, "t.yaml", text.buf, text.len, &lim);
		if (pass)
			doc_reader_drop_text(r);
		while (doc_reader_next(r, &d, &f) > 0) {
			if (d->error)
				buf_addf(pass ? &dropped : &kept, "%u:%u+%llu %s\n",
					 (unsigned)d->error->at.line, (unsigned)d->error->at.col,
					 (unsigned long long)d->error->at.off, d->error->message);
			doc_free(d);
		}
		doc_reader_free(r);
	}
	OK(kept.len && !strcmp(kept.buf, dropped.buf),
	   "the same error position with and without text: '%s' and '%s'",
	   kept.buf, dropped.buf);
	buf_release(&text);
	buf_release(&kept);
	buf_release(&dropped);
}
