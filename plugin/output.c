#include "compat.h"
#include "output.h"
#include "buf.h"
#include "diag.h"
#include "doc-yaml.h"
#include "rule.h"

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

static void excerpt(struct output *o, const struct doc *d, struct pos at)
{
	const char *line;
	size_t len, i, col;

	if (!d || !at.line || doc_source_line(d, at.off, &line, &len))
		return;
	fprintf(o->fp, "%5u | %.*s\n", (unsigned)at.line, (int)len, line);
	fputs("      | ", o->fp);
	/* Keep tabs so the caret lines up under the source. */
	for (i = 0, col = 1; i < len && col < at.col; i++) {
		if (((unsigned char)line[i] & 0xc0) == 0x80)
			continue;
		fputc(line[i] == '\t' ? '\t' : ' ', o->fp);
		col++;
	}
	fprintf(o->fp, "%s^%s\n", o->color ? C_BOLD : "", o->color ? C_RESET : "");
}

static void text_finding(struct output *o, const struct diag *f,
			 const struct doc *d)
{
	if (f->span.start.line)
		fprintf(o->fp, "%s%s:%u:%u:%s ", o->color ? C_BOLD : "", f->file,
			(unsigned)f->span.start.line, (unsigned)f->span.start.col,
			o->color ? C_RESET : "");
	else
		fprintf(o->fp, "%s%s:%s ", o->color ? C_BOLD : "", f->file,
			o->color ? C_RESET : "");
	fprintf(o->fp, "%s%s:%s %s [%s]\n", sev_color(o, f->severity),
		severity_name(f->severity), o->color ? C_RESET : "", f->message,
		f->rule->id);
	if (o->excerpts)
		excerpt(o, d, f->span.start);
	if (f->path && *f->path)
		fprintf(o->fp, "   at %s\n", f->path);
	if (f->related.start.line && f->related_note)
		fprintf(o->fp, "   note: %s:%u:%u: %s\n", f->file,
			(unsigned)f->related.start.line,
			(unsigned)f->related.start.col, f->related_note);
	if (f->hint)
		fprintf(o->fp, "   hint: %s\n", f->hint);
}

static void json_str(struct buf *b, const char *key, const char *s)
{
	buf_addf(b, "\"%s\": ", key);
	buf_add_json_str(b, s, strlen(s));
}

static void json_finding(struct output *o, const struct diag *f)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, o->nr_written ? ",\n    {" : "\n    {");
	json_str(&b, "file", f->file);
	buf_addf(&b, ", \"document\": %u, \"line\": %u, \"column\": %u, ",
		 f->document, (unsigned)f->span.start.line,
		 (unsigned)f->span.start.col);
	json_str(&b, "path", f->path ? f->path : "");
	buf_adds(&b, ", ");
	json_str(&b, "rule", f->rule->id);
	buf_adds(&b, ", ");
	json_str(&b, "severity", severity_name(f->severity));
	buf_adds(&b, ", ");
	json_str(&b, "message", f->message);
	buf_adds(&b, ", ");
	json_str(&b, "hint", f->hint ? f->hint : "");
	buf_adds(&b, "}");
	fwrite(b.buf, 1, b.len, o->fp);
	buf_release(&b);
	o->nr_written++;
}

void output_begin(struct output *o)
{
	o->nr_written = 0;
	if (o->format == OUTPUT_JSON)
		fputs("{\n  \"findings\": [", o->fp);
}

void output_findings(struct output *o, const struct diag_list *list,
		     const struct doc *d)
{
	size_t i;

	for (i = 0; i < list->nr; i++) {
		if (o->format == OUTPUT_JSON)
			json_finding(o, &list->item[i]);
		else
			text_finding(o, &list->item[i], d);
	}
}

void output_end(struct output *o, unsigned files, unsigned documents,
		unsigned experiments, unsigned errors, unsigned warnings,
		unsigned infos)
{
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
