#include "compat.h"
#include "harness.h"
#include "buf.h"
#include "doc-split.h"
#include "doc-yaml.h"

/* The serial reader's only document of text (no source text kept), or NULL. */
static struct doc *serial(const char *text, size_t len,
			  const struct doc_limits *lim)
{
	struct doc_reader *r;
	struct fail f = FAIL_INIT;
	struct doc *d = NULL, *more = NULL;

	doc_reader_open_mem(&r, "t.yaml", text, len, lim);
	doc_reader_drop_text(r);
	if (doc_reader_next(r, &d, &f) <= 0 || d->error ||
	    doc_reader_next(r, &more, &f) != 0) {
		doc_free(d);
		d = NULL;
	}
	doc_free(more);
	doc_reader_free(r);
	return d;
}

/*
 * The first difference between two trees, as a path of child indexes and
 * what differs, in out; 0 when every node agrees in everything a reader
 * sets: kind, flags, key, text, positions, counts, index, links.
 */
static int tree_diff(const struct doc_node *a, const struct doc_node *b,
		     struct buf *out)
{
	const struct doc_node *ca, *cb;
	const char *what = NULL;

	if (a->kind != b->kind)
		what = "kind";
	else if (a->quoted != b->quoted || a->duplicate != b->duplicate ||
		 a->shadowed != b->shadowed || a->from_alias != b->from_alias)
		what = "flags";
	else if (!a->key != !b->key || a->key_len != b->key_len ||
		 (a->key && memcmp(a->key, b->key, a->key_len)))
		what = "key";
	else if (a->len != b->len || memcmp(a->text, b->text, a->len))
		what = "text";
	else if (a->nr_children != b->nr_children || a->index != b->index)
		what = "count or index";
	else if (a->span.start.line != b->span.start.line ||
		 a->span.start.col != b->span.start.col ||
		 a->span.start.off != b->span.start.off ||
		 a->span.end.line != b->span.end.line ||
		 a->span.end.col != b->span.end.col)
		what = "span";
	else if (a->key_span.start.line != b->key_span.start.line ||
		 a->key_span.start.col != b->key_span.start.col ||
		 a->key_span.start.off != b->key_span.start.off ||
		 a->key_span.end.line != b->key_span.end.line ||
		 a->key_span.end.col != b->key_span.end.col)
		what = "key span";
	else if ((a->last == NULL) != (b->last == NULL))
		what = "last child";
	if (what) {
		buf_addf(out, " (line %u): %s", (unsigned)a->span.start.line, what);
		return 1;
	}
	for (ca = a->child, cb = b->child; ca && cb; ca = ca->next, cb = cb->next) {
		if (ca->parent != a || cb->parent != b) {
			buf_addf(out, "/%u: parent link", (unsigned)ca->index);
			return 1;
		}
		if (tree_diff(ca, cb, out)) {
			buf_addf(out, " <- [%u]", (unsigned)ca->index);
			return 1;
		}
	}
	if (ca || cb || a->last != (a->child ? a->last : NULL)) {
		buf_adds(out, ": children");
		return 1;
	}
	return 0;
}

/*
 * Reads text both ways: 1 when the split reader took it and its tree is
 * the serial reader's, 0 when it declined, -1 (why in *why) when it took
 * it and got anything else.
 */
static int split_vs_serial(const char *text, size_t len,
			   const struct doc_limits *lim, struct buf *why)
{
	struct doc *s = serial(text, len, lim), *p = NULL;
	int took = doc_read_split(&p, "t.yaml", text, len, lim), ret = 0;
	const char *broken = NULL;

	if (took != !!p) {
		buf_adds(why, "returned a document but declined, or the reverse");
		ret = -1;
	} else if (p && doc_check(p, &broken)) {
		buf_addf(why, "an inconsistent tree: %s", broken);
		ret = -1;
	} else if (p && (!s || p->text || s->nr_nodes != p->nr_nodes ||
			 tree_diff(s->root, p->root, why))) {
		buf_addf(why, " (nodes %zu, %zu)", s ? s->nr_nodes : 0, p->nr_nodes);
		ret = -1;
	} else if (p) {
		ret = 1;
	}
	doc_free(s);
	doc_free(p);
	return ret;
}

static int check_split(const char *text, size_t len,
		       const struct doc_limits *lim, const char *what)
{
	struct buf why = BUF_INIT;
	int ret = split_vs_serial(text, len, lim, &why);

	OK(ret >= 0, "%s: the serial reader's tree, or declined%s%s", what,
	   why.len ? ": " : "", why.buf);
	buf_release(&why);
	return ret > 0;
}

/* n items, prefix then {n: I} for I from 0, each on a line of its own. */
static void add_items(struct buf *t, const char *prefix, int n)
{
	int i;

	for (i = 0; i < n; i++)
		buf_addf(t, "%s{n: %d}\n", prefix, i);
}

/* A List as kubectl writes it: items at column 0, keys after them. */
static void kubectl_list(struct buf *t, int items, const char *nl)
{
	int i;

	buf_addf(t, "apiVersion: v1%sitems:%s", nl, nl);
	for (i = 0; i < items; i++) {
		buf_addf(t, "- apiVersion: kubeflow.org/v1beta1%s", nl);
		buf_addf(t, "  kind: Trial%s  metadata:%s    name: tr\xc3\xaf" "al-%04d%s", nl, nl, i, nl);
		buf_addf(t, "    labels: {katib.kubeflow.org/experiment: hpo}%s", nl);
		buf_addf(t, "  spec:%s    parameterAssignments:%s", nl, nl);
		buf_addf(t, "    - name: lr%s      value: \"0.%03d\"%s", nl, i % 1000, nl);
		buf_addf(t, "    - {name: optimizer, value: sgd}%s", nl);
		buf_addf(t, "    command: |%s      - not an item%s      echo %d%s", nl, nl, i, nl);
		buf_addf(t, "  status: {conditions: [{type: Succeeded, status: \"True\"}]}%s", nl);
	}
	buf_addf(t, "kind: List%smetadata:%s  resourceVersion: \"\"%s", nl, nl, nl);
}

static void test_accepted(void)
{
	struct doc_limits lim = DOC_LIMITS_DEFAULT;
	struct buf t = BUF_INIT;
	unsigned indent;
	int i;

	kubectl_list(&t, 200, "\n");
	OK(check_split(t.buf, t.len, &lim, "kubectl's List"), "kubectl's List is split");
	OK(doc_split_point(t.buf, t.len, &indent) > t.len / 2 && indent == 0,
	   "cut past the middle, at an item of column 0");

	buf_reset(&t);
	kubectl_list(&t, 200, "\r\n");
	OK(check_split(t.buf, t.len, &lim, "CRLF"), "a List with CRLF lines is split");

	/* Items indented under their key, last in the document; "---" first. */
	buf_reset(&t);
	buf_adds(&t, "---\n# recorded\napiVersion: v1\nkind: List\nitems:\n");
	for (i = 0; i < 300; i++)
		buf_addf(&t, "  - {kind: Job, metadata: {name: j%d}, status: {succeeded: 1}}\n", i);
	OK(check_split(t.buf, t.len, &lim, "indented items"), "indented items are split");
	doc_split_point(t.buf, t.len, &indent);
	INT_EQ(indent, 2, "the cut line's dash column");

	/* Anchors and aliases, both in the second part. */
	buf_reset(&t);
	buf_adds(&t, "items:\n");
	for (i = 0; i < 100; i++)
		buf_addf(&t, "- {name: a%d}\n", i);
	buf_adds(&t, "- &base {image: x, args: [1, 2]}\n- *base\n- {<<: *base, image: y}\nkind: List\n");
	OK(check_split(t.buf, t.len, &lim, "aliases"), "aliases within the second part are split");

	/* Comments and blank lines around the cut. */
	buf_reset(&t);
	buf_adds(&t, "items:\n");
	for (i = 0; i < 100; i++)
		buf_addf(&t, "# item %d\n\n- name: n%d\n  v: %d\n", i, i, i);
	OK(check_split(t.buf, t.len, &lim, "comments"), "comments between items are split");

	/* Root keys after the items, one as long as a key before them. */
	buf_reset(&t);
	buf_adds(&t, "kind: List\nitems:\n");
	add_items(&t, "- ", 100);
	buf_adds(&t, "other: 1\nmore: {a: [1, 2]}\n");
	OK(check_split(t.buf, t.len, &lim, "root keys after"), "root keys after the items are split");

	/* Exactly as many nodes as the limit: the whole is within it. */
	{
		struct doc *whole = serial(t.buf, t.len, &lim);

		lim.max_nodes = whole ? whole->nr_nodes : 0;
		OK(check_split(t.buf, t.len, &lim, "at the node limit"), "a List at the node limit is split");
		lim.max_nodes--;
		OK(!check_split(t.buf, t.len, &lim, "a node over"), "a List a node over the limit is declined");
		doc_free(whole);
	}
	buf_release(&t);
}

static void test_declined(void)
{
	struct doc_limits lim = DOC_LIMITS_DEFAULT;
	struct buf t = BUF_INIT;
	int i;

	/* The cut line is inside a quoted scalar: the first part ends in it. */
	buf_adds(&t, "items:\n- a: \"");
	for (i = 0; i < 100; i++)
		buf_adds(&t, "\n- fake");
	buf_adds(&t, "\"\nkind: List\n");
	OK(!check_split(t.buf, t.len, &lim, "quoted"), "a cut inside a quoted scalar is declined");

	/* ... or inside a flow collection. */
	buf_reset(&t);
	buf_adds(&t, "items:\n- [\n");
	for (i = 0; i < 100; i++)
		buf_adds(&t, "  a,\n");
	buf_adds(&t, "  b]\n");
	for (i = 0; i < 100; i++)
		buf_adds(&t, "- c\n");
	buf_adds(&t, "kind: List\n");
	/* (the least indented line is an item here: only the shape matters) */
	check_split(t.buf, t.len, &lim, "flow");

	/* An alias to an anchor of the first part. */
	buf_reset(&t);
	buf_adds(&t, "items:\n- &first {a: 1}\n");
	add_items(&t, "- ", 100);
	buf_adds(&t, "- *first\n");
	OK(!check_split(t.buf, t.len, &lim, "alias across"), "an alias across the cut is declined");

	/* A second document. */
	buf_reset(&t);
	buf_adds(&t, "items:\n");
	add_items(&t, "- ", 100);
	buf_adds(&t, "---\nb: 1\n");
	OK(!check_split(t.buf, t.len, &lim, "two documents"), "a second document is declined");

	/* ... also when a lone CR, not a newline, ends the line before it. */
	buf_reset(&t);
	buf_adds(&t, "items:\n");
	add_items(&t, "- ", 100);
	buf_adds(&t, "- last\r---\rb: 1\n");
	OK(!check_split(t.buf, t.len, &lim, "CR then ---"), "a second document after a CR is declined");

	/* A root key after the items that the first part has too, or the
	 * second part's own key, or a merge key at the root. */
	{
		static const char *const tails[] = {
			"apiVersion: v2", "x: 1", "<<: {a: 1}", "<<: {apiVersion: v3}",
		};
		size_t k;

		for (k = 0; k < ARRAY_SIZE(tails); k++) {
			buf_reset(&t);
			buf_adds(&t, "apiVersion: v1\nitems:\n");
			for (i = 0; i < 100; i++)
				buf_addf(&t, "- {n: %d}\n", i);
			buf_addf(&t, "%s\n", tails[k]);
			OK(!check_split(t.buf, t.len, &lim, tails[k]),
			   "root key after the items declined: %s", tails[k]);
		}
	}

	/* A tag handle declared for the document. */
	buf_reset(&t);
	buf_adds(&t, "%TAG !e! tag:example.com,2000:\n---\nitems:\n");
	add_items(&t, "- !e!item ", 100);
	OK(!check_split(t.buf, t.len, &lim, "tag handle"), "a document's tag handles are declined");

	/* A document that is not at column 0, or not a map. */
	buf_reset(&t);
	buf_adds(&t, "  items:\n");
	add_items(&t, "  - ", 100);
	OK(!check_split(t.buf, t.len, &lim, "indented root"), "an indented root is declined");
	buf_reset(&t);
	add_items(&t, "- ", 100);
	OK(!check_split(t.buf, t.len, &lim, "root sequence"), "a root sequence is declined");

	/* The long list nested under a key, not the root's. */
	buf_reset(&t);
	buf_adds(&t, "kind: List\nspec:\n  items:\n");
	add_items(&t, "  - ", 100);
	OK(!check_split(t.buf, t.len, &lim, "nested list"), "a list nested under a key is declined");

	/* The least indented dash past the middle is a nested list's. */
	buf_reset(&t);
	buf_adds(&t, "items:\n- name: one\n  list:\n");
	for (i = 0; i < 100; i++)
		buf_addf(&t, "  - %d\n", i);
	OK(!check_split(t.buf, t.len, &lim, "list in the last item"), "a cut in a nested list is declined");

	/*
	 * The first part's last key holds, at the cut line's column, a flow
	 * sequence or a map whose first key starts with a dash; then come
	 * dash lines, an error only the whole text shows.
	 */
	{
		static const char *const firsts[] = { "[a0", "-k0: v" };
		static const char *const ends[] = { "]\n", "\n" };
		size_t k;

		for (k = 0; k < ARRAY_SIZE(firsts); k++) {
			buf_reset(&t);
			buf_addf(&t, "kind: List\nitems:\n  %s", firsts[k]);
			for (i = 1; i < 100; i++)
				buf_addf(&t, k ? "\n  k%d: v" : ",\n   a%d", i);
			buf_adds(&t, ends[k]);
			for (i = 0; i < 50; i++)
				buf_addf(&t, "  - %d\n", i);
			OK(!check_split(t.buf, t.len, &lim, firsts[k]),
			   "dash lines after %s are declined", k ? "a map" : "a flow sequence");
		}
	}

	/* A merge at the root before the items: its keys come after them. */
	buf_reset(&t);
	buf_adds(&t, "base: &b\n list:\n - 1\n<<: *b\nitems:\n");
	add_items(&t, " - ", 100);
	OK(!check_split(t.buf, t.len, &lim, "root merge"), "a merge at the root is declined");

	/* Limits that the whole would break and each part keeps. */
	buf_reset(&t);
	buf_adds(&t, "items:\n");
	add_items(&t, "- ", 100);
	lim.max_nodes = 150;	/* each part has about 102 */
	OK(!check_split(t.buf, t.len, &lim, "node limit"), "more nodes than the limit is declined");
	lim = (struct doc_limits)DOC_LIMITS_DEFAULT;
	lim.max_doc_bytes = t.len - 1;
	OK(!check_split(t.buf, t.len, &lim, "size limit"), "a document over the size limit is declined");
	lim = (struct doc_limits)DOC_LIMITS_DEFAULT;
	buf_reset(&t);
	buf_adds(&t, "items:\n- &a [1, 2, 3, 4, 5]\n");
	for (i = 0; i < 40; i++)
		buf_adds(&t, "- [*a, *a]\n");
	lim.max_alias_nodes = 300;	/* each part copies fewer */
	OK(!check_split(t.buf, t.len, &lim, "alias limit"), "more alias copies than the limit is declined");

	OK(!doc_read_split(&(struct doc *){ NULL }, "t", "", 0, &lim), "empty text declined");
	buf_release(&t);
}

/*
 * The same varied List with the middle moved over every line of it (by
 * padding a comment before it): wherever the cut falls, the split reader
 * gives the serial reader's tree or declines.
 */
static void test_every_cut(void)
{
	static const char *const items[] = {
		"- {name: a, value: \"1\"}\n",
		"- name: b\n  list:\n  - x\n  - y\n",
		"- name: c\n  text: |\n    - no\n    more\n",
		"- \"quoted\n  - over lines\"\n",
		"- plain\n  continued\n",
		"-   spaced: [1,\n    2]\n",
		"- # comment\n  k: v\n",
		"-\n  late: value\n",
		"- &an {anchored: 1}\n- *an\n",
		"- caf\xc3\xa9: \xe2\x82\xac\n",
	};
	struct doc_limits lim = DOC_LIMITS_DEFAULT;
	struct buf body = BUF_INIT, t = BUF_INIT, why = BUF_INIT;
	int pad, took = 0, declined = 0, wrong = 0, rounds;
	size_t i;

	buf_adds(&body, "apiVersion: v1\nitems:\n");
	for (rounds = 0; rounds < 3; rounds++)
		for (i = 0; i < ARRAY_SIZE(items); i++)
			buf_adds(&body, items[i]);
	buf_adds(&body, "kind: List\nmetadata: {resourceVersion: \"\"}\n");
	for (pad = 0; pad < (int)body.len * 2; pad += 2) {
		buf_reset(&t);
		buf_adds(&t, "#");
		while ((int)t.len < pad)
			buf_addch(&t, 'p');
		buf_addch(&t, '\n');
		buf_add(&t, body.buf, body.len);
		switch (split_vs_serial(t.buf, t.len, &lim, &why)) {
		case 1:
			took++;
			break;
		case 0:
			declined++;
			break;
		default:
			if (!wrong++)
				OK(0, "cut with %d bytes before: %s", pad, why.buf);
		}
		buf_reset(&why);
	}
	INT_EQ(wrong, 0, "cuts that read another tree");
	OK(took > 50 && declined > 5, "cuts split (%d) and declined (%d)", took, declined);
	buf_release(&why);
	buf_release(&body);
	buf_release(&t);
}

static void expect_point(const char *text, size_t want, unsigned want_indent,
			 const char *what)
{
	unsigned indent = 99;
	size_t got = doc_split_point(text, strlen(text), &indent);

	OK(got == want && indent == want_indent, "split point of %s: %zu, column %u (want %zu, %u)",
	   what, got, indent, want, want_indent);
}

static void test_split_point(void)
{
	struct buf t = BUF_INIT;
	size_t far, at;
	unsigned indent;

	expect_point("a: b\nc: d\ne: f\n", 0, 0, "no item lines");
	expect_point("items:\n-x\n--- \n-\tx\n", 0, 0, "dashes that start no item");
	expect_point("items:\n  xx\n-\n", 12, 0, "a dash alone, last");
	expect_point("items:\n  xx\n-\r\nz", 12, 0, "a dash alone before CRLF");
	expect_point("items:\n  xxxx\n  - a\n- b\n", 20, 0, "the least indented");
	expect_point("items:\n  xxxx\n  - a\n  - b\n", 14, 2, "the first of the least indented");
	expect_point("items:\n  xxxxxxxxxxx\n-", 0, 0, "a dash ending the text");
	expect_point("---\nitems:\n  xxxx\n- a\n", 18, 0, "a document started by ---");
	expect_point("items:\n  xxxx\n- a\n---\n", 0, 0, "a second document");
	expect_point("items:\n  xxxx\n- a\n...\n", 0, 0, "a document end");
	expect_point("items:\n  xxxx\n- a\n--", 14, 0, "a last line of two dashes");
	expect_point("items:\n  xxxx\n- a\n---", 0, 0, "a last line of three");
	expect_point("items:\n  xxxx\n- a\n-.-\n", 14, 0, "mixed marks");
	expect_point("items:\n  xxxx\n- a\n--x\n", 14, 0, "two dashes and a letter");
	expect_point("items:\n  xxxx\n- a\n..x\n", 14, 0, "two dots and a letter");

	/* Only the window past the middle is looked at. */
	buf_adds(&t, "items:\n");
	add_items(&t, "  - ", 20000);
	far = t.len;
	buf_adds(&t, "more:\n- a\n");
	at = doc_split_point(t.buf, t.len, &indent);
	OK(at > t.len / 2 && at < far && indent == 2,
	   "a dash beyond the window is not the cut (%zu, column %u)", at, indent);
	buf_release(&t);
}

void test_doc_split(void)
{
	test_split_point();
	test_accepted();
	test_declined();
	test_every_cut();
}
