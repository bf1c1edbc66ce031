/*
 * lsp.c: the language server's core (lsp.h).  Messages are read with
 * doc_from_json() and written as text into s->out; the answers reuse the
 * validation driver, the fix engine and the field documentation that
 * `validate` and `explain` use, so the editor says what they say.
 */
#include "compat.h"
#include "lsp.h"
#include "alloc.h"
#include "doc-json.h"
#include "field-notes.h"
#include "fix.h"
#include "rule.h"
#include "rules/settings.h"
#include "schema.h"
#include "validate.h"

#include <ctype.h>
#include <strings.h>

/* ---- framing ---- */

/* A NUL-terminated copy of n bytes, which may hold NULs themselves. */
static char *dupz(const char *p, size_t n)
{
	char *c = xmalloc(n + 1);

	memcpy(c, p, n);
	c[n] = '\0';
	return c;
}

void lsp_frame_release(struct lsp_frame *f)
{
	buf_release(&f->in);
}

void lsp_frame_feed(struct lsp_frame *f, const char *data, size_t len)
{
	buf_add(&f->in, data, len);
}

static const char *find_blank_line(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 3 < len; i++)
		if (p[i] == '\r' && p[i + 1] == '\n' && p[i + 2] == '\r' &&
		    p[i + 3] == '\n')
			return p + i;
	return NULL;
}

/* Parses the header lines in [p, end); returns 0 and *length, or -1. */
static int parse_header(const char *p, const char *end, uint64_t *length,
			const char **why)
{
	int have = 0;

	while (p < end) {
		const char *eol = p, *colon, *v;
		uint64_t n = 0;

		while (eol < end && *eol != '\r')
			eol++;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (!colon) {
			*why = "malformed header line";
			return -1;
		}
		if ((size_t)(colon - p) == 14 && !strncasecmp(p, "Content-Length", 14)) {
			v = colon + 1;
			while (v < eol && *v == ' ')
				v++;
			if (v == eol) {
				*why = "invalid Content-Length";
				return -1;
			}
			for (; v < eol && *v >= '0' && *v <= '9'; v++) {
				if (n > LSP_MAX_BODY)
					break;	/* refused below, without overflow */
				n = n * 10 + (uint64_t)(*v - '0');
			}
			while (v < eol && *v == ' ')
				v++;
			if (v < eol && n <= LSP_MAX_BODY) {
				*why = "invalid Content-Length";
				return -1;
			}
			*length = n;
			have = 1;
		}
		p = eol + 2;
	}
	if (!have) {
		*why = "no Content-Length header";
		return -1;
	}
	return 0;
}

int lsp_frame_next(struct lsp_frame *f, char **body, size_t *len,
		   const char **why)
{
	const char *blank;
	size_t hlen;
	uint64_t length = 0;

	for (;;) {
		if (f->skip) {
			size_t n = f->skip < f->in.len ? (size_t)f->skip : f->in.len;

			buf_remove_head(&f->in, n);
			f->skip -= n;
			if (f->skip)
				return 0;
		}
		if (!f->skip_header)
			break;
		blank = find_blank_line(f->in.buf, f->in.len);
		if (!blank) {
			/* Keep what could be the start of the blank line. */
			if (f->in.len > 3)
				buf_remove_head(&f->in, f->in.len - 3);
			return 0;
		}
		buf_remove_head(&f->in, (size_t)(blank - f->in.buf) + 4);
		f->skip_header = 0;
	}
	blank = find_blank_line(f->in.buf, f->in.len < LSP_MAX_HEADER + 4
						  ? f->in.len : LSP_MAX_HEADER + 4);
	if (!blank) {
		if (f->in.len < LSP_MAX_HEADER + 4)
			return 0;
		f->skip_header = 1;
		buf_remove_head(&f->in, f->in.len - 3);
		*why = "header too long";
		return -1;
	}
	hlen = (size_t)(blank - f->in.buf) + 4;
	if (parse_header(f->in.buf, blank, &length, why)) {
		buf_remove_head(&f->in, hlen);
		return -1;
	}
	if (length > LSP_MAX_BODY) {
		buf_remove_head(&f->in, hlen);
		f->skip = length;
		*why = "message too large";
		return -1;
	}
	if (f->in.len - hlen < length)
		return 0;
	*body = dupz(f->in.buf + hlen, (size_t)length);
	*len = (size_t)length;
	buf_remove_head(&f->in, hlen + (size_t)length);
	return 1;
}

void lsp_frame_write(struct buf *out, const char *body, size_t len)
{
	buf_addf(out, "Content-Length: %zu\r\n\r\n", len);
	buf_add(out, body, len);
}

/* ---- positions ---- */

static int line_end(const char *t, size_t len, size_t i)
{
	return i >= len || t[i] == '\n' ||
	       (t[i] == '\r' && (i + 1 == len || t[i + 1] == '\n'));
}

/* Steps over one character at t[i]; adds its UTF-16 units to *units. */
static size_t step_char(const char *t, size_t len, size_t i, uint32_t *units)
{
	unsigned char c = (unsigned char)t[i];

	*units += c >= 0xF0 && c < 0xF8 ? 2 : 1;
	i++;
	if (c >= 0xC0)
		while (i < len && ((unsigned char)t[i] & 0xC0) == 0x80)
			i++;
	return i;
}

static size_t line_start(const char *t, size_t len, uint32_t line, int *found)
{
	size_t i = 0;
	uint32_t l = 0;

	while (l < line && i < len) {
		const char *nl = memchr(t + i, '\n', len - i);

		if (!nl) {
			i = len;
			break;
		}
		i = (size_t)(nl - t) + 1;
		l++;
	}
	*found = l == line;
	return i;
}

size_t lsp_offset(const char *text, size_t len, uint32_t line,
		  uint32_t character)
{
	int found;
	size_t i = line_start(text, len, line, &found);
	uint32_t units = 0;

	if (!found)
		return len;
	while (!line_end(text, len, i) && units < character)
		i = step_char(text, len, i, &units);
	return i;
}

void lsp_position(const char *text, size_t len, size_t off, uint32_t *line,
		  uint32_t *character)
{
	size_t i = 0, start = 0;
	uint32_t l = 0, units = 0;

	if (off > len)
		off = len;
	for (i = 0; i < off; i++)
		if (text[i] == '\n') {
			l++;
			start = i + 1;
		}
	for (i = start; i < off && !line_end(text, len, i);)
		i = step_char(text, len, i, &units);
	*line = l;
	*character = units;
}

uint32_t lsp_character(const char *text, size_t len, uint32_t line,
		       uint32_t col)
{
	int found;
	size_t i;
	uint32_t units = 0, n;

	if (!line)
		return 0;
	i = line_start(text, len, line - 1, &found);
	for (n = 1; n < col && found && !line_end(text, len, i); n++)
		i = step_char(text, len, i, &units);
	return units;
}

/* ---- documents ---- */

struct lsp_doc {
	struct lsp_doc *next;
	char *uri;
	struct buf text;
	int experiment;		/* diagnostics were published for it */
};

static struct lsp_doc *doc_find(struct lsp_server *s, const char *uri)
{
	struct lsp_doc *d;

	for (d = s->docs; d; d = d->next)
		if (!strcmp(d->uri, uri))
			return d;
	return NULL;
}

static void doc_drop(struct lsp_server *s, struct lsp_doc *doc)
{
	struct lsp_doc **link;

	for (link = &s->docs; *link; link = &(*link)->next)
		if (*link == doc) {
			*link = doc->next;
			break;
		}
	free(doc->uri);
	buf_release(&doc->text);
	free(doc);
}

/* ---- messages out ---- */

static void add_str(struct buf *b, const char *s)
{
	buf_add_json_str(b, s, strlen(s));
}

/* The id of a request as it came, for the response. */
static void add_id(struct buf *b, const struct doc_node *id)
{
	if (id && id->kind == DOC_INT)
		buf_adds(b, id->text);
	else if (id && id->kind == DOC_STR)
		add_str(b, id->text);
	else
		buf_adds(b, "null");
}

static void send(struct lsp_server *s, struct buf *msg)
{
	lsp_frame_write(&s->out, msg->buf, msg->len);
	buf_release(msg);
}

static void reply_result(struct lsp_server *s, const struct doc_node *id,
			 const char *result)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "{\"jsonrpc\":\"2.0\",\"id\":");
	add_id(&b, id);
	buf_addf(&b, ",\"result\":%s}", result);
	send(s, &b);
}

/* JSON-RPC and LSP error codes. */
enum {
	ERR_PARSE = -32700,
	ERR_INVALID_REQUEST = -32600,
	ERR_METHOD_NOT_FOUND = -32601,
	ERR_INVALID_PARAMS = -32602,
	ERR_NOT_INITIALIZED = -32002,
};

static void reply_error(struct lsp_server *s, const struct doc_node *id,
			int code, const char *message)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "{\"jsonrpc\":\"2.0\",\"id\":");
	add_id(&b, id);
	buf_addf(&b, ",\"error\":{\"code\":%d,\"message\":", code);
	add_str(&b, message);
	buf_adds(&b, "}}");
	send(s, &b);
}

void lsp_refused(struct lsp_server *s, const char *why)
{
	reply_error(s, NULL, ERR_PARSE, why);
}

static void show_message(struct lsp_server *s, int type, const char *text)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "{\"jsonrpc\":\"2.0\",\"method\":\"window/showMessage\","
		     "\"params\":{\"type\":%d,\"message\":", type);
	add_str(&b, text);
	buf_adds(&b, "}}");
	send(s, &b);
}

static void add_range(struct buf *b, uint32_t l1, uint32_t c1, uint32_t l2,
		      uint32_t c2)
{
	buf_addf(b, "{\"start\":{\"line\":%u,\"character\":%u},"
		    "\"end\":{\"line\":%u,\"character\":%u}}",
		 l1, c1, l2, c2);
}

/* ---- settings ---- */

static void apply_settings(struct lsp_server *s)
{
	const char *version = s->version ? s->version : s->default_version;
	const char *path = s->config_path ? s->config_path : s->default_config;
	int minor = KATIB_MINOR_LATEST;
	size_t i;

	if (version) {
		minor = katib_version_parse(version);
		if (minor < 0) {
			char msg[256];

			snprintf(msg, sizeof(msg),
				 "katib: unknown Katib version '%.64s' (give v0.%d to v0.%d); checking as v0.%d",
				 version, KATIB_MINOR_OLDEST, KATIB_MINOR_LATEST,
				 KATIB_MINOR_LATEST);
			show_message(s, 2, msg);
			minor = KATIB_MINOR_LATEST;
			version = NULL;
		}
	}
	if (s->config_loaded)
		katib_config_release(&s->config);
	s->config_loaded = 0;
	if (path) {
		struct fail f = FAIL_INIT;

		if (katib_config_load(&s->config, path, &f)) {
			struct buf msg = BUF_INIT;

			buf_addf(&msg, "katib: %s; checking against a default install's katib-config",
				 f.msg);
			show_message(s, 1, msg.buf);
			buf_release(&msg);
			path = NULL;
		} else {
			s->config_loaded = 1;
		}
	}
	if (!path) {
		s->config = katib_config_default;
		/* A default install serves TrainJobs since v0.19. */
		if (minor < 19)
			s->config.trial_resources = katib_config_default.trial_resources + 1;
	}
	s->config.minor = minor;
	if (version)
		s->config.version = version;
	for (i = 0; i < nr_rules; i++) {
		int set = s->severities_set[i] >= 0 ? s->severities_set[i]
						    : s->default_severities[i];

		if (set >= 0)
			s->severities[i] = (enum severity)set;
		else if (rules[i].since > minor)
			s->severities[i] = SEV_OFF;	/* a later release's rule */
		else
			s->severities[i] = rules[i].severity;
	}
}

static void replace_str(char **dst, const struct doc_node *n)
{
	const char *v = doc_str(n);

	if (!n)
		return;
	free(*dst);
	*dst = v && *v ? xstrdup(v) : NULL;
}

/* Reads the client's settings: {katibVersion, katibConfig, rules}. */
static void read_settings(struct lsp_server *s, const struct doc_node *set)
{
	const struct doc_node *rules_node, *c;

	if (doc_get(set, "katib"))
		set = doc_get(set, "katib");
	if (!set || set->kind != DOC_MAP)
		return;
	replace_str(&s->version, doc_get(set, "katibVersion"));
	replace_str(&s->config_path, doc_get(set, "katibConfig"));
	rules_node = doc_get(set, "rules");
	if (rules_node && rules_node->kind == DOC_MAP) {
		size_t i;

		for (i = 0; i < nr_rules; i++)
			s->severities_set[i] = -1;
		for (c = rules_node->child; c; c = c->next) {
			const struct rule *r = rule_find(c->key);
			enum severity sev;

			if (r && doc_str(c) && !severity_parse(c->text, &sev))
				s->severities_set[rule_index(r)] = (int)sev;
		}
	}
}

void lsp_server_init(struct lsp_server *s, const struct lsp_defaults *dflt)
{
	struct doc_limits lim = DOC_LIMITS_DEFAULT;
	size_t i;

	memset(s, 0, sizeof(*s));
	s->limits = lim;
	s->out = (struct buf)BUF_INIT;
	s->exit_status = 1;
	s->default_severities = xcalloc(nr_rules, sizeof(int));
	s->severities_set = xcalloc(nr_rules, sizeof(int));
	s->severities = xcalloc(nr_rules, sizeof(enum severity));
	for (i = 0; i < nr_rules; i++) {
		s->default_severities[i] = dflt && dflt->severities
						   ? (int)dflt->severities[i] : -1;
		s->severities_set[i] = -1;
	}
	if (dflt && dflt->katib_version)
		s->default_version = xstrdup(dflt->katib_version);
	if (dflt && dflt->katib_config)
		s->default_config = xstrdup(dflt->katib_config);
	s->config = katib_config_default;
	for (i = 0; i < nr_rules; i++)
		s->severities[i] = rules[i].severity;
}

void lsp_server_release(struct lsp_server *s)
{
	while (s->docs)
		doc_drop(s, s->docs);
	if (s->config_loaded)
		katib_config_release(&s->config);
	free(s->default_severities);
	free(s->severities_set);
	free(s->severities);
	free(s->default_version);
	free(s->default_config);
	free(s->version);
	free(s->config_path);
	buf_release(&s->out);
}

/* ---- validation ---- */

/*
 * Called for each readable document of a text with its findings; for
 * the answers that need the tree (code actions, hover).
 */
typedef void each_doc_fn(void *data, const struct doc *d,
			 const struct diag_list *diags);

/*
 * Validates the text of doc, calling fn for each document that is read.
 * Returns whether the text holds an Experiment.  All findings go to all.
 */
static int analyse(struct lsp_server *s, const struct lsp_doc *doc,
		   struct diag_list *all, each_doc_fn *fn, void *data)
{
	struct doc_reader *r;
	struct doc *d;
	struct fail f = FAIL_INIT;
	int experiment = 0, unreadable = 0;

	all->overrides = s->severities;
	all->file = doc->uri;
	doc_reader_open_mem(&r, doc->uri, doc->text.buf, doc->text.len,
			    &s->limits);
	while (doc_reader_next(r, &d, &f) > 0) {
		size_t first = all->nr;
		enum validate_result res;

		all->document = d->index;
		res = validate_doc(d, &s->config, NULL, all);
		if (res == VALIDATE_CHECKED)
			experiment = 1;
		else if (res == VALIDATE_UNREADABLE)
			unreadable = 1;
		if (fn && !d->error) {
			struct diag_list mine = *all;

			mine.item = all->item + first;
			mine.nr = all->nr - first;
			fn(data, d, &mine);
		}
		doc_free(d);
	}
	doc_reader_free(r);
	/*
	 * A file that cannot be read may still be an Experiment being typed:
	 * it is one if it was one before or says so.
	 */
	return experiment ||
	       (unreadable && (doc->experiment ||
			       memmem(doc->text.buf, doc->text.len, "Experiment", 10)));
}

static void diag_range(const struct lsp_doc *doc, const struct span *sp,
		       struct buf *b)
{
	const char *t = doc->text.buf;
	size_t n = doc->text.len;
	uint32_t l1 = sp->start.line ? sp->start.line - 1 : 0;
	uint32_t l2 = sp->end.line ? sp->end.line - 1 : l1;
	uint32_t c1 = lsp_character(t, n, sp->start.line, sp->start.col);
	uint32_t c2 = sp->end.line ? lsp_character(t, n, sp->end.line, sp->end.col)
				   : c1;

	if (l2 < l1 || (l2 == l1 && c2 < c1)) {
		l2 = l1;
		c2 = c1;
	}
	add_range(b, l1, c1, l2, c2);
}

static const int lsp_severity[] = {
	[SEV_OFF] = 4, [SEV_INFO] = 3, [SEV_WARNING] = 2, [SEV_ERROR] = 1,
};

static void add_diagnostic(const struct lsp_doc *doc, const struct diag *d,
			   struct buf *b)
{
	buf_adds(b, "{\"range\":");
	diag_range(doc, &d->span, b);
	buf_addf(b, ",\"severity\":%d,\"code\":", lsp_severity[d->severity]);
	add_str(b, d->rule->id);
	buf_adds(b, ",\"source\":\"katib\",\"message\":");
	if (d->hint) {
		struct buf m = BUF_INIT;

		buf_addf(&m, "%s\nhint: %s", d->message, d->hint);
		add_str(b, m.buf);
		buf_release(&m);
	} else {
		add_str(b, d->message);
	}
	if (d->related.start.line) {
		buf_adds(b, ",\"relatedInformation\":[{\"location\":{\"uri\":");
		add_str(b, doc->uri);
		buf_adds(b, ",\"range\":");
		diag_range(doc, &d->related, b);
		buf_adds(b, "},\"message\":");
		add_str(b, d->related_note ? d->related_note : "related");
		buf_adds(b, "}]");
	}
	buf_adds(b, ",\"data\":{\"path\":");
	add_str(b, d->path ? d->path : "");
	if (d->hint) {
		buf_adds(b, ",\"hint\":");
		add_str(b, d->hint);
	}
	buf_adds(b, "}}");
}

static void publish(struct lsp_server *s, struct lsp_doc *doc)
{
	struct diag_list diags = DIAG_LIST_INIT;
	struct buf b = BUF_INIT;
	int experiment = analyse(s, doc, &diags, NULL, NULL);
	size_t i;

	if (experiment || doc->experiment) {
		diag_sort(&diags);
		buf_adds(&b, "{\"jsonrpc\":\"2.0\",\"method\":"
			     "\"textDocument/publishDiagnostics\",\"params\":{\"uri\":");
		add_str(&b, doc->uri);
		buf_adds(&b, ",\"diagnostics\":[");
		for (i = 0; experiment && i < diags.nr; i++) {
			if (i)
				buf_addch(&b, ',');
			add_diagnostic(doc, &diags.item[i], &b);
		}
		buf_adds(&b, "]}}");
		send(s, &b);
	}
	doc->experiment = experiment;
	diag_list_release(&diags);
}

static void publish_cleared(struct lsp_server *s, const struct lsp_doc *doc)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "{\"jsonrpc\":\"2.0\",\"method\":"
		     "\"textDocument/publishDiagnostics\",\"params\":{\"uri\":");
	add_str(&b, doc->uri);
	buf_adds(&b, ",\"diagnostics\":[]}}");
	send(s, &b);
}

/* ---- text sync ---- */

static const char *param_uri(const struct doc_node *params)
{
	return doc_get_str(doc_get(params, "textDocument"), "uri");
}

static int get_u32(const struct doc_node *n, uint32_t *out)
{
	int64_t v;

	if (doc_int(n, &v) || v < 0 || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int get_position(const struct doc_node *pos, uint32_t *line,
			uint32_t *character)
{
	return get_u32(doc_get(pos, "line"), line) ||
	       get_u32(doc_get(pos, "character"), character) ? -1 : 0;
}

static void did_open(struct lsp_server *s, const struct doc_node *params)
{
	const struct doc_node *td = doc_get(params, "textDocument");
	const char *uri = doc_get_str(td, "uri");
	const char *text = doc_get_str(td, "text");
	struct lsp_doc *doc;

	if (!uri || !text)
		return;
	doc = doc_find(s, uri);
	if (!doc) {
		doc = xcalloc(1, sizeof(*doc));
		doc->uri = xstrdup(uri);
		doc->text = (struct buf)BUF_INIT;
		doc->next = s->docs;
		s->docs = doc;
	}
	buf_reset(&doc->text);
	buf_adds(&doc->text, text);
	publish(s, doc);
}

static void did_change(struct lsp_server *s, const struct doc_node *params)
{
	struct lsp_doc *doc = doc_find(s, param_uri(params) ? param_uri(params) : "");
	const struct doc_node *c;

	if (!doc)
		return;
	for (c = doc_get(params, "contentChanges") ? doc_get(params, "contentChanges")->child
						   : NULL;
	     c; c = c->next) {
		const struct doc_node *range = doc_get(c, "range");
		const char *text = doc_get_str(c, "text");
		uint32_t l1, c1, l2, c2;
		size_t a, z;
		struct buf next = BUF_INIT;

		if (!text)
			continue;
		if (!range || get_position(doc_get(range, "start"), &l1, &c1) ||
		    get_position(doc_get(range, "end"), &l2, &c2)) {
			buf_reset(&doc->text);
			buf_adds(&doc->text, text);
			continue;
		}
		a = lsp_offset(doc->text.buf, doc->text.len, l1, c1);
		z = lsp_offset(doc->text.buf, doc->text.len, l2, c2);
		if (z < a)
			z = a;
		buf_add(&next, doc->text.buf, a);
		buf_adds(&next, text);
		buf_add(&next, doc->text.buf + z, doc->text.len - z);
		buf_release(&doc->text);
		doc->text = next;
	}
	publish(s, doc);
}

static void did_close(struct lsp_server *s, const struct doc_node *params)
{
	struct lsp_doc *doc = doc_find(s, param_uri(params) ? param_uri(params) : "");

	if (!doc)
		return;
	if (doc->experiment)
		publish_cleared(s, doc);
	doc_drop(s, doc);
}

/* ---- code actions ---- */

struct actions {
	struct lsp_server *s;
	const struct lsp_doc *doc;
	uint32_t l1, l2;	/* the lines asked about */
	struct buf out;
	unsigned nr;
};

static void actions_of_doc(void *data, const struct doc *d,
			   const struct diag_list *diags)
{
	struct actions *a = data;
	const char *t = a->doc->text.buf;
	size_t n = a->doc->text.len, i, j, edits;

	for (i = 0; i < diags->nr; i++) {
		const struct diag *dg = &diags->item[i];
		struct fix_list fixes = FIX_LIST_INIT;
		struct buf title = BUF_INIT;
		uint32_t dl1, dl2;

		if (dg->fix.kind == FIX_NONE || !dg->span.start.line)
			continue;
		dl1 = dg->span.start.line - 1;
		dl2 = dg->span.end.line ? dg->span.end.line - 1 : dl1;
		if (dl2 < a->l1 || dl1 > a->l2)
			continue;
		if (!fix_diag(&fixes, d, dg)) {
			fix_list_release(&fixes);
			continue;
		}
		fix_describe(dg, &title);
		if (a->nr++)
			buf_addch(&a->out, ',');
		buf_adds(&a->out, "{\"title\":");
		add_str(&a->out, title.buf);
		buf_adds(&a->out, ",\"kind\":\"quickfix\",\"isPreferred\":true,"
				  "\"diagnostics\":[");
		add_diagnostic(a->doc, dg, &a->out);
		buf_adds(&a->out, "],\"edit\":{\"changes\":{");
		add_str(&a->out, a->doc->uri);
		buf_adds(&a->out, ":[");
		for (j = edits = 0; j < fixes.nr; j++) {
			const struct fix_edit *e = &fixes.edit[j];
			uint32_t sl, sc, el, ec;

			if (fix_edit_is_claim(e))
				continue;
			lsp_position(t, n, (size_t)e->off, &sl, &sc);
			lsp_position(t, n, (size_t)e->off + e->len, &el, &ec);
			if (edits++)
				buf_addch(&a->out, ',');
			buf_adds(&a->out, "{\"range\":");
			add_range(&a->out, sl, sc, el, ec);
			buf_adds(&a->out, ",\"newText\":");
			add_str(&a->out, e->text);
			buf_addch(&a->out, '}');
		}
		buf_adds(&a->out, "]}}}");
		buf_release(&title);
		fix_list_release(&fixes);
	}
}

static void code_action(struct lsp_server *s, const struct doc_node *id,
			const struct doc_node *params)
{
	const struct doc_node *range = doc_get(params, "range");
	struct lsp_doc *doc = doc_find(s, param_uri(params) ? param_uri(params) : "");
	struct diag_list diags = DIAG_LIST_INIT;
	struct actions a = { s, doc, 0, 0, BUF_INIT, 0 };
	uint32_t c1, c2;

	if (!doc || get_position(doc_get(range, "start"), &a.l1, &c1) ||
	    get_position(doc_get(range, "end"), &a.l2, &c2)) {
		reply_error(s, id, ERR_INVALID_PARAMS, "need an open document and a range");
		return;
	}
	buf_addch(&a.out, '[');
	analyse(s, doc, &diags, actions_of_doc, &a);
	buf_addch(&a.out, ']');
	reply_result(s, id, a.out.buf);
	buf_release(&a.out);
	diag_list_release(&diags);
}

/* ---- hover ---- */

static int pos_before(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2)
{
	return l1 < l2 || (l1 == l2 && c1 < c2);
}

static int span_has(const struct span *sp, uint32_t line, uint32_t col)
{
	if (!sp->start.line)
		return 0;
	return !pos_before(line, col, sp->start.line, sp->start.col) &&
	       (pos_before(line, col, sp->end.line, sp->end.col) ||
		(line == sp->end.line && col == sp->end.col));
}

/* The deepest node at line:col (1-based, code points); *on_key when on its key. */
static const struct doc_node *node_at(const struct doc_node *n, uint32_t line,
				      uint32_t col, int *on_key)
{
	const struct doc_node *c;

	for (c = n ? n->child : NULL; c; c = c->next) {
		if (c->key && span_has(&c->key_span, line, col)) {
			*on_key = 1;
			return c;
		}
		if (span_has(&c->span, line, col)) {
			const struct doc_node *deeper = node_at(c, line, col, on_key);

			if (deeper)
				return deeper;
			*on_key = 0;
			return c;
		}
	}
	return NULL;
}

/* A field's path as field-notes name it: keys only, "spec.parameters.name". */
static void note_path(const struct doc_node *n, struct buf *out)
{
	const struct doc_node *chain[256];
	size_t nr = 0;

	for (; n && n->parent && nr < 256; n = n->parent)
		if (n->key)
			chain[nr++] = n;
	while (nr--) {
		buf_add(out, chain[nr]->key, chain[nr]->key_len);
		if (nr)
			buf_addch(out, '.');
	}
}

/* What `explain FIELD` says about field at path, as Markdown. */
static void field_markdown(const struct schema_field *field, const char *path,
			   const struct katib_config *config, struct buf *out)
{
	const struct field_note *note = field_note_find(path);

	buf_addf(out, "**%s** `<", field->name);
	schema_type_label(field->type, out);
	buf_adds(out, ">`\n\n");
	buf_adds(out, field->doc ? field->doc : "<empty>");
	buf_addf(out, "\n\n`%s`", path);
	if (note && note->dflt)
		buf_addf(out, "\n\nDefault: %s", note->dflt);
	if (note && note->accepts) {
		buf_addf(out, "\n\nAccepts: %s", note->accepts);
		if (note->config_list)
			buf_addf(out, "; here: %s",
				 katib_config_join(note->config_list == 1
							   ? config->algorithms
							   : config->early_stoppings));
	}
}

static void rule_markdown(const struct diag *d, struct buf *out)
{
	const struct rule_doc *rd = rule_doc_find(d->rule->id);

	buf_addf(out, "**%s** (%s): %s\n\n%s", d->rule->id,
		 severity_name(d->severity), d->rule->summary, d->message);
	if (d->hint)
		buf_addf(out, "\n\nhint: %s", d->hint);
	if (d->rule->source)
		buf_addf(out, "\n\nFrom: %s", d->rule->source);
	if (rd && rd->bad)
		buf_addf(out, "\n\nBad:\n```\n%s```", rd->bad);
	if (rd && rd->good)
		buf_addf(out, "\n\nFixed:\n```\n%s```", rd->good);
	buf_addf(out, "\n\nTurn it off with `validate --disable %s`, or for one line with `# katib:ignore %s <reason>`.",
		 d->rule->id, d->rule->id);
}

/*
 * The object type that holds node's key: the Experiment's, or below a
 * trialSpec of kind Job, batch/v1 Job's (the template the trials copy).
 */
static const struct schema_type *parent_type(const struct doc_node *root,
					     const struct doc_node *node)
{
	const struct doc_node *a;

	for (a = node->parent; a && a->parent; a = a->parent)
		if (doc_is_key(a, "trialSpec") && doc_is_key(a->parent, "trialTemplate")) {
			const char *kind = doc_get_str(a, "kind");

			if (!kind || strcmp(kind, "Job"))
				return NULL;
			return schema_object_of(schema_type_at(schema_batch_job, a,
							       node->parent));
		}
	return schema_object_of(schema_type_at(schema_experiment, root,
					       node->parent));
}

struct hover {
	struct lsp_server *s;
	const struct lsp_doc *doc;
	uint32_t line, col;	/* 1-based, code points */
	struct buf md;
};

static void hover_doc(void *data, const struct doc *d,
		      const struct diag_list *diags)
{
	struct hover *h = data;
	const struct doc_node *n;
	int on_key = 0;
	size_t i;

	for (i = 0; i < diags->nr; i++) {
		const struct diag *dg = &diags->item[i];

		if (span_has(&dg->span, h->line, h->col)) {
			if (h->md.len)
				buf_adds(&h->md, "\n\n---\n\n");
			rule_markdown(dg, &h->md);
		}
	}
	n = node_at(d->root, h->line, h->col, &on_key);
	if (n && n->key && doc_get_str(d->root, "kind") &&
	    !strcmp(doc_get_str(d->root, "kind"), "Experiment")) {
		const struct schema_type *pt = parent_type(d->root, n);
		const struct schema_field *f = pt ? schema_field(pt, n->key, n->key_len)
						  : NULL;

		if (f) {
			struct buf path = BUF_INIT;

			note_path(n, &path);
			if (h->md.len)
				buf_adds(&h->md, "\n\n---\n\n");
			field_markdown(f, path.buf, &h->s->config, &h->md);
			buf_release(&path);
		}
	}
}

/* 1-based line and code-point column of an LSP position. */
static void code_point_pos(const struct lsp_doc *doc, uint32_t line,
			   uint32_t character, uint32_t *l1, uint32_t *c1)
{
	const char *t = doc->text.buf;
	size_t n = doc->text.len;
	size_t off = lsp_offset(t, n, line, character);
	int found;
	size_t i = line_start(t, n, line, &found);
	uint32_t col = 1, units = 0;

	while (i < off) {
		i = step_char(t, n, i, &units);
		col++;
	}
	*l1 = line + 1;
	*c1 = col;
}

static void hover(struct lsp_server *s, const struct doc_node *id,
		  const struct doc_node *params)
{
	struct lsp_doc *doc = doc_find(s, param_uri(params) ? param_uri(params) : "");
	struct diag_list diags = DIAG_LIST_INIT;
	struct hover h = { s, doc, 0, 0, BUF_INIT };
	uint32_t line, character;

	if (!doc || get_position(doc_get(params, "position"), &line, &character)) {
		reply_error(s, id, ERR_INVALID_PARAMS, "need an open document and a position");
		return;
	}
	code_point_pos(doc, line, character, &h.line, &h.col);
	analyse(s, doc, &diags, hover_doc, &h);
	if (!h.md.len) {
		reply_result(s, id, "null");
	} else {
		struct buf r = BUF_INIT;

		buf_adds(&r, "{\"contents\":{\"kind\":\"markdown\",\"value\":");
		add_str(&r, h.md.buf);
		buf_adds(&r, "}}");
		reply_result(s, id, r.buf);
		buf_release(&r);
	}
	buf_release(&h.md);
	diag_list_release(&diags);
}

/* ---- completion ---- */

/*
 * Completion reads the text around the cursor rather than the tree: the
 * line being typed ("    maxTr") seldom parses.  The keys the cursor is
 * under come from indentation, the way YAML nests block mappings.
 */
struct line_shape {
	size_t start, end;	/* the line's bytes, without its break */
	size_t dash;		/* column of a leading "- ", or SIZE_MAX */
	size_t key;		/* column of the key */
	size_t key_len;		/* 0: no "key:" on the line */
	int opens;		/* "key:" with nothing after it */
};

static void shape_line(const char *t, size_t start, size_t end,
		       struct line_shape *ls)
{
	size_t i = start, k;

	ls->start = start;
	ls->end = end;
	ls->dash = SIZE_MAX;
	ls->key_len = 0;
	ls->opens = 0;
	while (i < end && t[i] == ' ')
		i++;
	while (i + 1 < end && t[i] == '-' && t[i + 1] == ' ') {
		if (ls->dash == SIZE_MAX)
			ls->dash = i - start;
		i += 2;
		while (i < end && t[i] == ' ')
			i++;
	}
	ls->key = i - start;
	for (k = i; k < end && t[k] != ':' && t[k] != '#' && t[k] != ' '; k++)
		;
	if (k < end && t[k] == ':' && k > i && (k + 1 == end || t[k + 1] == ' ')) {
		size_t v = k + 1;

		ls->key_len = k - i;
		while (v < end && t[v] == ' ')
			v++;
		ls->opens = v == end || t[v] == '#';
	}
}

/* The keys of the maps that hold line start (outermost first). */
static size_t parent_keys(const char *t, size_t start, size_t anchor,
			  int dash, struct line_shape *keys, size_t max)
{
	struct line_shape chain[64];
	size_t nr = 0, i;

	while (start > 0 && nr < 64) {
		size_t end = start - 1, s0 = end;
		struct line_shape ls;

		if (end && t[end - 1] == '\r')
			end--;
		while (s0 > 0 && t[s0 - 1] != '\n')
			s0--;
		start = s0;
		shape_line(t, s0, end, &ls);
		if (!ls.key_len || !ls.opens)
			continue;
		if (ls.key < anchor ||
		    (dash && ls.dash == SIZE_MAX && ls.key == anchor)) {
			chain[nr++] = ls;
			anchor = ls.dash != SIZE_MAX ? ls.dash : ls.key;
			dash = ls.dash != SIZE_MAX;
			if (!anchor && !dash)
				break;
		}
	}
	for (i = 0; i < nr && i < max; i++)
		keys[i] = chain[nr - 1 - i];
	return i < nr ? 0 : nr;
}

/* The type the keys lead to from an Experiment's root, or NULL. */
static const struct schema_type *walk_keys(const char *t,
					   const struct line_shape *keys,
					   size_t nr, struct buf *path)
{
	const struct schema_type *ty = schema_experiment;
	size_t i;

	for (i = 0; i < nr; i++) {
		const struct schema_type *obj = schema_object_of(ty);
		const char *k = t + keys[i].start + keys[i].key;
		const struct schema_field *f =
			obj ? schema_field(obj, k, keys[i].key_len) : NULL;

		if (!f)
			return NULL;
		if (path->len)
			buf_addch(path, '.');
		buf_adds(path, f->name);
		ty = f->type;
		/* A trial template is most often a Job: complete its fields. */
		if (!strcmp(f->name, "trialSpec") && ty->kind == SCHEMA_ANY)
			ty = schema_batch_job;
	}
	return ty;
}

static void add_item(struct buf *b, unsigned *nr, const char *label, int kind,
		     const char *detail, const char *doc, const char *insert)
{
	if ((*nr)++)
		buf_addch(b, ',');
	buf_adds(b, "{\"label\":");
	add_str(b, label);
	buf_addf(b, ",\"kind\":%d", kind);
	if (detail) {
		buf_adds(b, ",\"detail\":");
		add_str(b, detail);
	}
	if (doc) {
		buf_adds(b, ",\"documentation\":{\"kind\":\"markdown\",\"value\":");
		add_str(b, doc);
		buf_addch(b, '}');
	}
	if (insert) {
		buf_adds(b, ",\"insertText\":");
		add_str(b, insert);
	}
	buf_addch(b, '}');
}

/* The plain or quoted scalar after a line's "key:", in [*v, *e). */
static void key_value(const char *t, const struct line_shape *ls, size_t *v,
		      size_t *e)
{
	size_t a = ls->start + ls->key + ls->key_len + 1, z = ls->end;
	const char *p;

	while (a < z && t[a] == ' ')
		a++;
	if (a < z && (t[a] == '"' || t[a] == '\'')) {
		p = memchr(t + a + 1, t[a], z - a - 1);
		if (p)
			z = (size_t)(p - t) + 1;	/* a comment may follow */
	} else {
		for (p = t + a; p < t + z && !(*p == '#' && t[p - t - 1] == ' '); p++)
			;
		z = (size_t)(p - t);
	}
	while (z > a && t[z - 1] == ' ')
		z--;
	if (z - a >= 2 && (t[a] == '"' || t[a] == '\'') && t[z - 1] == t[a]) {
		a++;
		z--;
	}
	*v = a;
	*e = z;
}

enum {
	ITEM_PROPERTY = 10,
	ITEM_VALUE = 12,
	ITEM_VARIABLE = 6,
	ITEM_ENUM_MEMBER = 20,
};

/*
 * Declared trial parameters: the names of the items of the block list
 * under a "trialParameters:" line.
 */
static void trial_parameters(const char *t, size_t len, struct buf *b,
			     unsigned *nr)
{
	size_t i = 0, under = SIZE_MAX, item = SIZE_MAX, item_key = SIZE_MAX;

	while (i < len) {
		const char *nl = memchr(t + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - t) : len, first;
		struct line_shape ls;

		if (end > i && t[end - 1] == '\r')
			end--;
		shape_line(t, i, end, &ls);
		first = ls.dash != SIZE_MAX ? ls.dash : ls.key;
		if (i + first >= end || t[i + first] == '#') {
			i = nl ? (size_t)(nl - t) + 1 : len;
			continue;	/* blank or a comment */
		}
		if (under != SIZE_MAX &&
		    (first < under || (first == under && ls.dash == SIZE_MAX)))
			under = SIZE_MAX;	/* the list has ended */
		if (under != SIZE_MAX && item == SIZE_MAX && ls.dash != SIZE_MAX) {
			item = ls.dash;
			item_key = ls.key;
		}
		if (ls.key_len == 15 && !memcmp(t + i + ls.key, "trialParameters", 15)) {
			under = first;
			item = item_key = SIZE_MAX;
		} else if (under != SIZE_MAX && ls.key_len == 4 &&
			   !memcmp(t + i + ls.key, "name", 4) && ls.key == item_key &&
			   (ls.dash == item || ls.dash == SIZE_MAX)) {
			size_t v, e;

			key_value(t, &ls, &v, &e);
			if (e > v) {
				char *name = dupz(t + v, e - v);

				add_item(b, nr, name, ITEM_VARIABLE, "trial parameter",
					 NULL, NULL);
				free(name);
			}
		}
		i = nl ? (size_t)(nl - t) + 1 : len;
	}
}

/* Words of a field note's accepted values: "minimize, maximize". */
static void note_values(const char *accepts, struct buf *b, unsigned *nr)
{
	const char *p = accepts;

	while (*p) {
		size_t n = strcspn(p, ", ;(");
		size_t k;
		int word = n > 0;

		for (k = 0; k < n; k++)
			if (!isalnum((unsigned char)p[k]) && p[k] != '-' && p[k] != '_')
				word = 0;
		if (word && (p[n] == ',' || p[n] == '\0')) {
			char *v = dupz(p, n);

			add_item(b, nr, v, ITEM_ENUM_MEMBER, NULL, NULL, NULL);
			free(v);
		}
		p += n;
		if (*p && *p != ',')
			break;	/* prose follows the list */
		while (*p == ',' || *p == ' ')
			p++;
	}
}

static void complete_values(struct lsp_server *s, const char *path,
			    const struct schema_type *ty, struct buf *b,
			    unsigned *nr)
{
	const struct field_note *note = field_note_find(path);
	const char *const *list = NULL;

	if (note && note->config_list)
		list = note->config_list == 1 ? s->config.algorithms
					      : s->config.early_stoppings;
	if (list) {
		for (; *list; list++)
			add_item(b, nr, *list, ITEM_ENUM_MEMBER,
				 note->config_list == 1 ? "algorithm" : "early stopping",
				 s->config.source, NULL);
		return;
	}
	if (note && note->accepts)
		note_values(note->accepts, b, nr);
	if (ty && ty->kind == SCHEMA_BOOL) {
		add_item(b, nr, "true", ITEM_VALUE, NULL, NULL, NULL);
		add_item(b, nr, "false", ITEM_VALUE, NULL, NULL, NULL);
	}
}

/*
 * The value of the key "algorithmName" beside the list line "settings",
 * in the block of the map line "block" ("algorithm:"), or NULL.
 */
static char *sibling_algorithm(const char *t, size_t len,
			       const struct line_shape *block,
			       const struct line_shape *settings)
{
	size_t i = block->end, inner = block->key;

	while (i < len) {
		const char *nl;
		size_t end, first, v, e;
		struct line_shape ls;

		i += t[i] == '\r';
		i += i < len && t[i] == '\n';
		nl = memchr(t + i, '\n', len - i);
		end = nl ? (size_t)(nl - t) : len;
		if (end > i && t[end - 1] == '\r')
			end--;
		shape_line(t, i, end, &ls);
		first = ls.dash != SIZE_MAX ? ls.dash : ls.key;
		if (i + first < end && t[i + first] != '#') {
			if (first <= inner)
				break;	/* the block has ended */
			if (ls.dash == SIZE_MAX && ls.key == settings->key &&
			    ls.key_len == 13 && !memcmp(t + i + ls.key, "algorithmName", 13)) {
				key_value(t, &ls, &v, &e);
				return e > v ? dupz(t + v, e - v) : NULL;
			}
		}
		i = end;
	}
	return NULL;
}

/*
 * The names of the settings the algorithm beside the list takes, as the
 * service that validates them defines them: nothing for an algorithm no
 * known service serves.
 */
static void complete_settings(struct lsp_server *s, const char *t, size_t len,
			      const struct line_shape *keys, size_t nk, int early,
			      struct buf *b, unsigned *nr)
{
	char *algorithm = nk >= 2 ? sibling_algorithm(t, len, &keys[nk - 2],
						      &keys[nk - 1]) : NULL;
	const char *service = algorithm ? service_of_settings(&s->config, algorithm, early)
					: NULL;
	size_t i;

	for (i = 0; service && i < nr_service_settings; i++) {
		const struct service_setting *st = &service_settings[i];
		struct buf detail = BUF_INIT, doc = BUF_INIT;

		if (!service_setting_serves(st, service, algorithm))
			continue;
		buf_addf(&detail, "%s, %s, default %s", st->type, st->range, st->dflt);
		buf_addf(&doc, "Setting of %s, validated by the %s %s service.", algorithm,
			 service, early ? "early-stopping" : "suggestion");
		add_item(b, nr, st->name, ITEM_ENUM_MEMBER, detail.buf, doc.buf, NULL);
		buf_release(&detail);
		buf_release(&doc);
	}
	free(algorithm);
}

static void complete_keys(const struct schema_type *ty, const char *path,
			  const struct katib_config *config, struct buf *b,
			  unsigned *nr)
{
	const struct schema_type *obj = schema_object_of(ty);
	size_t i;

	for (i = 0; obj && i < obj->nr_fields; i++) {
		const struct schema_field *f = &obj->fields[i];
		struct buf detail = BUF_INIT, doc = BUF_INIT, fpath = BUF_INIT;
		struct buf insert = BUF_INIT;

		schema_type_label(f->type, &detail);
		buf_addf(&fpath, "%s%s%s", path, *path ? "." : "", f->name);
		field_markdown(f, fpath.buf, config, &doc);
		buf_addf(&insert, "%s: ", f->name);
		add_item(b, nr, f->name, ITEM_PROPERTY, detail.buf, doc.buf, insert.buf);
		buf_release(&insert);
		buf_release(&detail);
		buf_release(&doc);
		buf_release(&fpath);
	}
}

static void completion(struct lsp_server *s, const struct doc_node *id,
		       const struct doc_node *params)
{
	struct lsp_doc *doc = doc_find(s, param_uri(params) ? param_uri(params) : "");
	struct buf b = BUF_INIT, path = BUF_INIT;
	struct line_shape ls, keys[64];
	const char *t;
	size_t n, off, start;
	uint32_t line, character;
	unsigned nr = 0;
	const char *tp;

	if (!doc || get_position(doc_get(params, "position"), &line, &character)) {
		reply_error(s, id, ERR_INVALID_PARAMS, "need an open document and a position");
		return;
	}
	t = doc->text.buf;
	n = doc->text.len;
	off = lsp_offset(t, n, line, character);
	start = off;
	while (start > 0 && t[start - 1] != '\n')
		start--;
	buf_addch(&b, '[');
	/* A reference being typed: "${trialParameters.lea" */
	tp = NULL;
	{
		size_t k;

		for (k = start; k + 18 <= off; k++)
			if (!memcmp(t + k, "${trialParameters.", 18))
				tp = t + k + 18;
		if (tp && memchr(tp, '}', (size_t)(t + off - tp)))
			tp = NULL;
	}
	if (tp) {
		trial_parameters(t, n, &b, &nr);
	} else {
		size_t nk;
		const struct schema_type *ty;

		shape_line(t, start, off, &ls);
		nk = parent_keys(t, start, ls.dash != SIZE_MAX ? ls.dash : ls.key,
				 ls.dash != SIZE_MAX, keys, 63);
		if (ls.key_len) {
			/* After "key: ": the values of that field. */
			keys[nk] = ls;
			ty = walk_keys(t, keys, nk + 1, &path);
			if (!strcmp(path.buf, "spec.algorithm.algorithmSettings.name") ||
			    !strcmp(path.buf, "spec.earlyStopping.algorithmSettings.name"))
				complete_settings(s, t, n, keys, nk, path.buf[5] == 'e',
						  &b, &nr);
			else if (ty)
				complete_values(s, path.buf, ty, &b, &nr);
		} else {
			ty = walk_keys(t, keys, nk, &path);
			if (ty)
				complete_keys(ty, path.buf, &s->config, &b, &nr);
		}
	}
	buf_addch(&b, ']');
	reply_result(s, id, b.buf);
	buf_release(&b);
	buf_release(&path);
}

/* ---- dispatch ---- */

static void initialize(struct lsp_server *s, const struct doc_node *id,
		       const struct doc_node *params)
{
	read_settings(s, doc_get(params, "initializationOptions"));
	apply_settings(s);
	s->initialized = 1;
	reply_result(s, id,
		     "{\"capabilities\":{"
		     "\"textDocumentSync\":{\"openClose\":true,\"change\":2},"
		     "\"hoverProvider\":true,"
		     "\"completionProvider\":{\"triggerCharacters\":[\".\",\" \"]},"
		     "\"codeActionProvider\":{\"codeActionKinds\":[\"quickfix\"]}},"
		     "\"serverInfo\":{\"name\":\"kubectl-katib\"}}");
}

static void did_change_configuration(struct lsp_server *s,
				     const struct doc_node *params)
{
	struct lsp_doc *d;

	read_settings(s, doc_get(params, "settings"));
	apply_settings(s);
	for (d = s->docs; d; d = d->next)
		publish(s, d);
}

void lsp_handle(struct lsp_server *s, const char *body, size_t len)
{
	struct doc *msg = doc_from_json(body, len);
	const struct doc_node *root, *id, *params;
	const char *method;

	if (!msg) {
		reply_error(s, NULL, ERR_PARSE, "invalid JSON");
		return;
	}
	root = msg->root;
	if (root->kind != DOC_MAP) {
		reply_error(s, NULL, ERR_INVALID_REQUEST, "a message must be a JSON object");
		doc_free(msg);
		return;
	}
	id = doc_get(root, "id");
	if (id && id->kind != DOC_INT && id->kind != DOC_STR && id->kind != DOC_NULL) {
		reply_error(s, NULL, ERR_INVALID_REQUEST, "an id must be a number or a string");
		doc_free(msg);
		return;
	}
	method = doc_get_str(root, "method");
	params = doc_get(root, "params");
	if (!method) {
		/* A response to a request of ours (we send none): nothing to do. */
		if (!id || (!doc_get(root, "result") && !doc_get(root, "error")))
			reply_error(s, id, ERR_INVALID_REQUEST, "a message needs a method");
		doc_free(msg);
		return;
	}
	if (!strcmp(method, "exit")) {
		s->done = 1;
		s->exit_status = s->shutdown ? 0 : 1;
	} else if (!strcmp(method, "initialize")) {
		if (s->initialized)
			reply_error(s, id, ERR_INVALID_REQUEST, "already initialized");
		else
			initialize(s, id, params);
	} else if (!s->initialized) {
		if (id)
			reply_error(s, id, ERR_NOT_INITIALIZED, "not initialized");
	} else if (s->shutdown) {
		if (id)
			reply_error(s, id, ERR_INVALID_REQUEST, "shutting down");
	} else if (!strcmp(method, "shutdown")) {
		s->shutdown = 1;
		reply_result(s, id, "null");
	} else if (!strcmp(method, "textDocument/didOpen")) {
		did_open(s, params);
	} else if (!strcmp(method, "textDocument/didChange")) {
		did_change(s, params);
	} else if (!strcmp(method, "textDocument/didClose")) {
		did_close(s, params);
	} else if (!strcmp(method, "workspace/didChangeConfiguration")) {
		did_change_configuration(s, params);
	} else if (id && !strcmp(method, "textDocument/hover")) {
		hover(s, id, params);
	} else if (id && !strcmp(method, "textDocument/completion")) {
		completion(s, id, params);
	} else if (id && !strcmp(method, "textDocument/codeAction")) {
		code_action(s, id, params);
	} else if (id) {
		struct buf m = BUF_INIT;

		buf_addf(&m, "unknown method '%.100s'", method);
		reply_error(s, id, ERR_METHOD_NOT_FOUND, m.buf);
		buf_release(&m);
	}
	/* Other notifications (initialized, didSave, $/...) need nothing. */
	doc_free(msg);
}
