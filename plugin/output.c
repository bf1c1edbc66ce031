#include "compat.h"
#include "output.h"
#include "cmd.h"
#include "alloc.h"
#include "buf.h"
#include "diag.h"
#include "doc-yaml.h"
#include "rule.h"

#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef KATIB_VERSION
#define KATIB_VERSION "0.1.0-dev"
#endif

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_YELLOW "\033[1;33m"
#define C_CYAN "\033[1;36m"

static const char *sev_color(const struct output *o, enum severity s)
{
	if (!o->color)
		return "";
	return s == SEV_ERROR ? C_RED : s == SEV_WARNING ? C_YELLOW : C_CYAN;
}

/*
 * Writes v in decimal, right-aligned in width columns like "%*u".  Text
 * findings are written with these and fputs(): they are most of a large
 * run's output, and printf's format parsing was a tenth of validate's own
 * time on a stream where most documents have a finding.
 */
static void put_uint(FILE *fp, unsigned v, int width)
{
	char digits[16];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (; width > n; width--)
		putc(' ', fp);
	while (n)
		putc(digits[--n], fp);
}

/*
 * A longer line is cut around the column, as compilers cut theirs: a
 * minified JSON Experiment is one line, and printing it whole under every
 * finding wrote megabytes.
 */
#define EXCERPT_CHARS 100
#define EXCERPT_BEFORE 40	/* characters kept before the column */
/* The most bytes of one message, path, hint or note a finding prints. */
#define FIELD_MAX 1024

/* The byte offset of character n (0-based) of s, or len past its end. */
static size_t char_off(const char *s, size_t len, size_t n)
{
	size_t i = 0;

	while (i < len && n--) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
	}
	return i;
}

static size_t nr_chars(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

/*
 * How many bytes of s a finding prints: all of it, or FIELD_MAX cut at a
 * character's start (then *cut is set and "..." follows).
 */
static size_t field_len(const char *s, int *cut)
{
	size_t n = strnlen(s, FIELD_MAX + 1);

	*cut = n > FIELD_MAX;
	if (!*cut)
		return n;
	n = FIELD_MAX;
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

static void put_field(FILE *fp, const char *s)
{
	int cut;

	put_safe(fp, s, field_len(s, &cut));
	if (cut)
		fputs("...", fp);
}

/* s as a finding prints it: s itself, or a bounded copy in tmp. */
static const char *bounded(struct buf *tmp, const char *s)
{
	int cut;
	size_t n = field_len(s, &cut);

	if (!cut)
		return s;
	buf_reset(tmp);
	buf_add(tmp, s, n);
	buf_adds(tmp, "...");
	return tmp->buf;
}

static void excerpt(struct output *o, const struct doc *d, struct pos at)
{
	const char *line;
	size_t len, i, col, total, from = 0, to, first = 0;
	char pad[128];
	size_t nr_pad = 0;

	if (!d || !at.line || doc_source_line(d, at.off, &line, &len))
		return;
	to = len;
	total = nr_chars(line, len);
	if (total > EXCERPT_CHARS) {
		size_t want = at.col > 1 ? at.col - 1 : 0;

		first = want > EXCERPT_BEFORE ? want - EXCERPT_BEFORE : 0;
		if (first + EXCERPT_CHARS > total)
			first = total - EXCERPT_CHARS;
		from = char_off(line, len, first);
		to = from + char_off(line + from, len - from, EXCERPT_CHARS);
	}
	put_uint(o->fp, (unsigned)at.line, 5);
	fputs(" | ", o->fp);
	if (from)
		fputs("...", o->fp);
	put_safe(o->fp, line + from, to - from);
	if (to < len)
		fputs("...", o->fp);
	fputc('\n', o->fp);
	fputs(from ? "      |    " : "      | ", o->fp);
	/* Keep tabs so the caret lines up under the source. */
	for (i = from, col = first + 1; i < to && col < at.col; i++) {
		if (((unsigned char)line[i] & 0xc0) == 0x80)
			continue;
		if (nr_pad == sizeof(pad)) {
			fwrite(pad, 1, nr_pad, o->fp);
			nr_pad = 0;
		}
		pad[nr_pad++] = line[i] == '\t' ? '\t' : ' ';
		col++;
	}
	fwrite(pad, 1, nr_pad, o->fp);
	fputs(o->color ? C_BOLD "^" C_RESET "\n" : "^\n", o->fp);
}

static void text_finding(struct output *o, const struct diag *f,
			 const struct doc *d)
{
	const char *reset = o->color ? C_RESET : "";

	fputs(o->color ? C_BOLD : "", o->fp);
	puts_safe(o->fp, f->file);
	putc(':', o->fp);
	if (f->span.start.line) {
		put_uint(o->fp, (unsigned)f->span.start.line, 0);
		putc(':', o->fp);
		put_uint(o->fp, (unsigned)f->span.start.col, 0);
		putc(':', o->fp);
	}
	fputs(reset, o->fp);
	putc(' ', o->fp);
	fputs(sev_color(o, f->severity), o->fp);
	fputs(severity_name(f->severity), o->fp);
	putc(':', o->fp);
	fputs(reset, o->fp);
	putc(' ', o->fp);
	put_field(o->fp, f->message);
	fputs(" [", o->fp);
	fputs(f->rule->id, o->fp);
	fputs("]\n", o->fp);
	if (o->excerpts)
		excerpt(o, d, f->span.start);
	if (f->path && *f->path) {
		fputs("   at ", o->fp);
		put_field(o->fp, f->path);
		fputc('\n', o->fp);
	}
	if (f->related.start.line && f->related_note) {
		fputs("   note: ", o->fp);
		puts_safe(o->fp, f->file);
		fprintf(o->fp, ":%u:%u: ", (unsigned)f->related.start.line,
			(unsigned)f->related.start.col);
		put_field(o->fp, f->related_note);
		fputc('\n', o->fp);
	}
	if (f->hint) {
		fputs("   hint: ", o->fp);
		put_field(o->fp, f->hint);
		fputc('\n', o->fp);
	}
}

static void json_str(struct buf *b, const char *key, const char *s)
{
	buf_addf(b, "\"%s\": ", key);
	buf_add_json_str(b, s, strlen(s));
}

static void json_finding(struct output *o, const struct diag *f)
{
	struct buf b = BUF_INIT, tmp = BUF_INIT;

	buf_adds(&b, o->nr_written ? ",\n    {" : "\n    {");
	json_str(&b, "file", f->file);
	buf_addf(&b, ", \"document\": %u, \"line\": %u, \"column\": %u, ",
		 f->document, (unsigned)f->span.start.line,
		 (unsigned)f->span.start.col);
	json_str(&b, "path", bounded(&tmp, f->path ? f->path : ""));
	buf_adds(&b, ", ");
	json_str(&b, "rule", f->rule->id);
	buf_adds(&b, ", ");
	json_str(&b, "severity", severity_name(f->severity));
	buf_adds(&b, ", ");
	json_str(&b, "message", bounded(&tmp, f->message));
	buf_adds(&b, ", ");
	json_str(&b, "hint", bounded(&tmp, f->hint ? f->hint : ""));
	buf_adds(&b, "}");
	fwrite(b.buf, 1, b.len, o->fp);
	buf_release(&b);
	buf_release(&tmp);
	o->nr_written++;
}

const char *const output_format_names[] = {
	"text", "json", "sarif", "github", "junit", NULL,
};

int output_format_parse(const char *name, enum output_format *out)
{
	size_t i;

	for (i = 0; output_format_names[i]; i++) {
		if (!strcmp(name, output_format_names[i])) {
			*out = (enum output_format)i;
			return 0;
		}
	}
	return -1;
}

/* ---- GitHub Actions workflow commands ---- */

static void gh_escape(struct buf *b, const char *s, int property)
{
	for (; *s; s++) {
		if (*s == '%')
			buf_adds(b, "%25");
		else if (*s == '\r')
			buf_adds(b, "%0D");
		else if (*s == '\n')
			buf_adds(b, "%0A");
		else if (property && *s == ':')
			buf_adds(b, "%3A");
		else if (property && *s == ',')
			buf_adds(b, "%2C");
		else if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			buf_addch(b, '?');	/* the log shows escapes as colours */
		else
			buf_addch(b, *s);
	}
}

static void github_finding(struct output *o, const struct diag *f)
{
	struct buf b = BUF_INIT, tmp = BUF_INIT;

	buf_addf(&b, "::%s file=", f->severity == SEV_ERROR ? "error"
				  : f->severity == SEV_WARNING ? "warning" : "notice");
	gh_escape(&b, f->file, 1);
	if (f->span.start.line)
		buf_addf(&b, ",line=%u,col=%u", (unsigned)f->span.start.line,
			 (unsigned)f->span.start.col);
	buf_adds(&b, ",title=");
	gh_escape(&b, f->rule->id, 1);
	buf_adds(&b, "::");
	gh_escape(&b, bounded(&tmp, f->message), 0);
	if (f->path && *f->path) {
		buf_adds(&b, "%0Aat ");
		gh_escape(&b, bounded(&tmp, f->path), 0);
	}
	if (f->hint) {
		buf_adds(&b, "%0Ahint: ");
		gh_escape(&b, bounded(&tmp, f->hint), 0);
	}
	buf_addch(&b, '\n');
	fwrite(b.buf, 1, b.len, o->fp);
	buf_release(&b);
	buf_release(&tmp);
}

/* ---- SARIF 2.1.0 ---- */

static const char *sarif_level(enum severity s)
{
	return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "note";
}

/*
 * SARIF locations are URIs relative to the repository's root, named by
 * SRCROOT, as code scanning wants them: it matches them to the files of
 * the commit, wherever the checkout was on the runner.  The root is
 * KATIB_SARIF_ROOT when set, else the top of the git work tree holding
 * the current directory (the nearest with a .git, a directory or a
 * worktree's file), else the current directory.  A file outside it keeps
 * an absolute file:// URI.
 */
#define SRCROOT "%SRCROOT%"

/* path, absolute and with ".", ".." and repeated slashes taken out. */
static void normalize_path(struct buf *out, const char *cwd, const char *path)
{
	struct buf joined = BUF_INIT;
	const char *p;

	if (path[0] != '/')
		buf_addf(&joined, "%s/", cwd);
	buf_adds(&joined, path);
	buf_reset(out);
	for (p = joined.buf; *p;) {
		const char *seg;
		size_t n;

		while (*p == '/')
			p++;
		seg = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - seg);
		if (!n || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			while (out->len && out->buf[out->len - 1] != '/')
				out->len--;
			if (out->len)
				out->len--;
			out->buf[out->len] = '\0';
			continue;
		}
		buf_addch(out, '/');
		buf_add(out, seg, n);
	}
	if (!out->len)
		buf_addch(out, '/');
	buf_release(&joined);
}

static int has_git(const char *dir)
{
	struct buf cand = BUF_INIT;
	struct stat st;
	int found;

	buf_addf(&cand, "%s/.git", strcmp(dir, "/") ? dir : "");
	found = !stat(cand.buf, &st);
	buf_release(&cand);
	return found;
}

/* Sets o->sarif_cwd and o->sarif_root; leaves them NULL when unknown. */
static void sarif_find_root(struct output *o)
{
	char cwd[PATH_MAX];
	const char *env = getenv("KATIB_SARIF_ROOT");
	struct buf root = BUF_INIT;

	if (!getcwd(cwd, sizeof(cwd)))
		return;
	if (env && *env) {
		normalize_path(&root, cwd, env);
	} else {
		normalize_path(&root, cwd, ".");
		while (!has_git(root.buf) && strcmp(root.buf, "/")) {
			while (root.len && root.buf[root.len - 1] != '/')
				root.len--;
			if (root.len > 1)
				root.len--;
			root.buf[root.len] = '\0';
		}
		if (!has_git(root.buf))
			normalize_path(&root, cwd, ".");
	}
	o->sarif_cwd = xstrdup(cwd);
	o->sarif_root = buf_detach(&root, NULL);
}

/* s as a URI's path: every byte but unreserved ones and '/' %-encoded. */
static void uri_path(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~/", c))
			buf_addch(b, c);
		else
			buf_addf(b, "%%%02X", c);
	}
}

/* The body of an artifactLocation for file, without its braces. */
static void sarif_location(const struct output *o, struct buf *b,
			   const char *file)
{
	struct buf path = BUF_INIT, uri = BUF_INIT;
	size_t n;

	if (!o->sarif_root || !strcmp(file, "-")) {
		buf_adds(b, "\"uri\": ");
		buf_add_json_str(b, file, strlen(file));
		return;
	}
	normalize_path(&path, o->sarif_cwd, file);
	n = strcmp(o->sarif_root, "/") ? strlen(o->sarif_root) : 0;
	if (!strncmp(path.buf, o->sarif_root, n) && path.buf[n] == '/') {
		uri_path(&uri, path.buf + n + 1);
		buf_adds(b, "\"uri\": ");
		buf_add_json_str(b, uri.buf, uri.len);
		buf_adds(b, ", \"uriBaseId\": \"" SRCROOT "\"");
	} else {
		buf_adds(&uri, "file://");
		uri_path(&uri, path.buf);
		buf_adds(b, "\"uri\": ");
		buf_add_json_str(b, uri.buf, uri.len);
	}
	buf_release(&path);
	buf_release(&uri);
}

static void sarif_begin(struct output *o)
{
	struct buf b = BUF_INIT;
	size_t i;

	sarif_find_root(o);

	buf_adds(&b, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
		     "  \"version\": \"2.1.0\",\n  \"runs\": [{\n    \"tool\": {\"driver\": {"
		     "\"name\": \"kubectl-katib\", \"version\": ");
	buf_add_json_str(&b, KATIB_VERSION, strlen(KATIB_VERSION));
	buf_adds(&b, ", \"informationUri\": \"https://github.com/kubeflow/katib\", \"rules\": [");
	for (i = 0; i < nr_rules; i++) {
		buf_adds(&b, i ? ",\n      {\"id\": " : "\n      {\"id\": ");
		buf_add_json_str(&b, rules[i].id, strlen(rules[i].id));
		buf_adds(&b, ", \"shortDescription\": {\"text\": ");
		buf_add_json_str(&b, rules[i].summary, strlen(rules[i].summary));
		buf_adds(&b, "}, \"fullDescription\": {\"text\": ");
		buf_add_json_str(&b, rules[i].source, strlen(rules[i].source));
		buf_addf(&b, "}, \"defaultConfiguration\": {\"level\": \"%s\"}}",
			 sarif_level(rules[i].severity));
	}
	buf_adds(&b, "]}},\n");
	if (o->sarif_root) {
		struct buf uri = BUF_INIT;

		buf_adds(&uri, "file://");
		uri_path(&uri, o->sarif_root);
		if (strcmp(o->sarif_root, "/"))
			buf_addch(&uri, '/');	/* a base URI ends in a slash */
		buf_adds(&b, "    \"originalUriBaseIds\": {\"" SRCROOT "\": {\"uri\": ");
		buf_add_json_str(&b, uri.buf, uri.len);
		buf_adds(&b, "}},\n");
		buf_release(&uri);
	}
	buf_adds(&b, "    \"results\": [");
	fwrite(b.buf, 1, b.len, o->fp);
	buf_release(&b);
}

static void sarif_finding(struct output *o, const struct diag *f)
{
	struct buf b = BUF_INIT, text = BUF_INIT, tmp = BUF_INIT;

	buf_adds(&b, o->nr_written ? ",\n      {" : "\n      {");
	buf_adds(&b, "\"ruleId\": ");
	buf_add_json_str(&b, f->rule->id, strlen(f->rule->id));
	buf_addf(&b, ", \"ruleIndex\": %zu, \"level\": \"%s\", \"message\": {\"text\": ",
		 rule_index(f->rule), sarif_level(f->severity));
	buf_adds(&text, bounded(&tmp, f->message));
	if (f->hint)
		buf_addf(&text, " (hint: %s)", bounded(&tmp, f->hint));
	buf_add_json_str(&b, text.buf, text.len);
	buf_adds(&b, "}, \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {");
	sarif_location(o, &b, f->file);
	buf_adds(&b, "}");
	if (f->span.start.line)
		buf_addf(&b, ", \"region\": {\"startLine\": %u, \"startColumn\": %u}",
			 (unsigned)f->span.start.line, (unsigned)f->span.start.col);
	buf_adds(&b, "}");
	if (f->path && *f->path) {
		buf_adds(&b, ", \"logicalLocations\": [{\"fullyQualifiedName\": ");
		const char *path = bounded(&tmp, f->path);

		buf_add_json_str(&b, path, strlen(path));
		buf_adds(&b, "}]");
	}
	buf_adds(&b, "}]}");
	fwrite(b.buf, 1, b.len, o->fp);
	buf_release(&b);
	buf_release(&text);
	buf_release(&tmp);
	o->nr_written++;
}

/* ---- JUnit XML ---- */

static void xml_escape(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '&')
			buf_adds(b, "&amp;");
		else if (c == '<')
			buf_adds(b, "&lt;");
		else if (c == '>')
			buf_adds(b, "&gt;");
		else if (c == '"')
			buf_adds(b, "&quot;");
		else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			buf_addch(b, '?');	/* XML 1.0 has no way to write these */
		else
			buf_addch(b, (char)c);
	}
}

/*
 * A test case is named by its Experiment, as a report lists it beside a
 * run's other tests: "NAMESPACE/NAME (FILE)", or "NAME (FILE)" when the
 * manifest leaves the namespace to kubectl.  A document with no name to
 * give (unreadable, or metadata.name missing or not a string) is
 * "document N (FILE)", N counted from 0 as -o json's "document" is.
 */
static void junit_case_name(struct buf *b, const struct doc *d)
{
	const struct doc_node *meta = d ? doc_get(d->root, "metadata") : NULL;
	const char *name = doc_get_str(meta, "name");
	const char *ns = doc_get_str(meta, "namespace");
	struct buf tmp = BUF_INIT;

	if (name && *name) {
		if (ns && *ns) {
			xml_escape(b, bounded(&tmp, ns));
			buf_addch(b, '/');
		}
		xml_escape(b, bounded(&tmp, name));
	} else {
		buf_addf(b, "document %u", d ? d->index : 0);
	}
	buf_adds(b, " (");
	xml_escape(b, d ? d->name : "-");
	buf_addch(b, ')');
	buf_release(&tmp);
}

static void junit_document(struct output *o, const struct diag_list *list,
			   const struct doc *d)
{
	struct buf *b = o->junit, tmp = BUF_INIT;
	size_t i, failing = 0;

	for (i = 0; i < list->nr; i++)
		failing += list->item[i].severity >= SEV_WARNING;
	buf_adds(b, "    <testcase classname=\"");
	xml_escape(b, d ? d->name : "-");
	buf_adds(b, "\" name=\"");
	junit_case_name(b, d);
	buf_adds(b, "\" file=\"");
	xml_escape(b, d ? d->name : "-");
	buf_adds(b, "\"");
	if (!failing) {
		buf_adds(b, "/>\n");
	} else {
		const struct diag *first = &list->item[0];

		buf_adds(b, ">\n      <failure type=\"");
		xml_escape(b, first->rule->id);
		buf_adds(b, "\" message=\"");
		xml_escape(b, bounded(&tmp, first->message));
		buf_adds(b, "\">");
		for (i = 0; i < list->nr; i++) {
			const struct diag *f = &list->item[i];

			xml_escape(b, f->file);
			buf_addf(b, ":%u:%u: %s: ", (unsigned)f->span.start.line,
				 (unsigned)f->span.start.col, severity_name(f->severity));
			xml_escape(b, bounded(&tmp, f->message));
			buf_adds(b, " [");
			xml_escape(b, f->rule->id);
			buf_adds(b, "]\n");
		}
		buf_adds(b, "</failure>\n    </testcase>\n");
		o->junit_failures++;
	}
	o->junit_cases++;
	buf_release(&tmp);
}

void output_begin(struct output *o)
{
	o->nr_written = 0;
	if (o->format == OUTPUT_JSON)
		fputs("{\n  \"findings\": [", o->fp);
	else if (o->format == OUTPUT_SARIF)
		sarif_begin(o);
	else if (o->format == OUTPUT_JUNIT) {
		o->junit = xcalloc(1, sizeof(*o->junit));
		buf_init(o->junit, 0);
	}
}

void output_findings(struct output *o, const struct diag_list *list,
		     const struct doc *d, int checked)
{
	size_t i;

	if (o->format == OUTPUT_JUNIT) {
		if (checked)
			junit_document(o, list, d);
		return;
	}
	for (i = 0; i < list->nr; i++) {
		if (o->format == OUTPUT_JSON)
			json_finding(o, &list->item[i]);
		else if (o->format == OUTPUT_SARIF)
			sarif_finding(o, &list->item[i]);
		else if (o->format == OUTPUT_GITHUB)
			github_finding(o, &list->item[i]);
		else
			text_finding(o, &list->item[i], d);
	}
}

void output_end(struct output *o, unsigned files, unsigned documents,
		unsigned experiments, unsigned errors, unsigned warnings,
		unsigned infos)
{
	if (o->format == OUTPUT_SARIF) {
		fprintf(o->fp, "%s]\n  }]\n}\n", o->nr_written ? "\n    " : "");
		free(o->sarif_root);
		free(o->sarif_cwd);
		o->sarif_root = o->sarif_cwd = NULL;
		return;
	}
	if (o->format == OUTPUT_JUNIT) {
		fprintf(o->fp,
			"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			"<testsuites name=\"kubectl katib validate\" tests=\"%u\" failures=\"%u\" errors=\"0\">\n"
			"  <testsuite name=\"kubectl katib validate\" tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"0\">\n"
			"%s  </testsuite>\n</testsuites>\n",
			o->junit_cases, o->junit_failures, o->junit_cases,
			o->junit_failures, o->junit->buf);
		buf_release(o->junit);
		free(o->junit);
		o->junit = NULL;
		return;
	}
	if (o->format == OUTPUT_JSON) {
		fprintf(o->fp,
			"%s],\n  \"summary\": {\"files\": %u, \"documents\": %u, "
			"\"experiments\": %u, \"errors\": %u, \"warnings\": %u, "
			"\"infos\": %u}\n}\n",
			o->nr_written ? "\n  " : "", files, documents,
			experiments, errors, warnings, infos);
		return;
	}
	(void)infos;
}

/* Its temporary file is private (mkstemp's 0600) until renamed. */
int write_file_atomically(const char *path, unsigned mode, const char *text,
			  size_t len)
{
	struct buf tmp = BUF_INIT;
	int fd, ok;
	size_t done = 0;

	buf_addf(&tmp, "%s.katib-XXXXXX", path);
	fd = mkstemp(tmp.buf);
	if (fd < 0) {
		buf_release(&tmp);
		return -1;
	}
	ok = !fchmod(fd, (mode_t)mode);
	while (ok && done < len) {
		ssize_t w = write(fd, text + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		ok = w > 0;
		if (ok)
			done += (size_t)w;
	}
	ok = ok && !fsync(fd);
	ok = !close(fd) && ok;
	ok = ok && !rename(tmp.buf, path);
	if (!ok) {
		int e = errno;

		unlink(tmp.buf);
		errno = e;
	}
	buf_release(&tmp);
	return ok ? 0 : -1;
}
