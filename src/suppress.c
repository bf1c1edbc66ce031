#include "compat.h"
#include "suppress.h"
#include "diag.h"
#include "doc-yaml.h"
#include "rule.h"

#define MARK "katib:ignore"

/* Does the comment of line (text, len) suppress rule?  own: it may be
 * a trailing comment; otherwise the line must hold only the comment. */
static int line_suppresses(const char *line, size_t len, const char *rule,
			   int own)
{
	const char *hash = memchr(line, '#', len), *p, *end = line + len;
	size_t rl = strlen(rule);
	const char *q;

	if (!hash)
		return 0;
	if (!own)
		for (q = line; q < hash; q++)
			if (*q != ' ' && *q != '\t')
				return 0;
	/* The marker, then a comma-separated list of rule ids. */
	p = hash + 1;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if ((size_t)(end - p) < strlen(MARK) || memcmp(p, MARK, strlen(MARK)))
		return 0;
	p += strlen(MARK);
	while (p < end) {
		const char *w;

		while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
			p++;
		w = p;
		while (p < end && *p != ' ' && *p != '\t' && *p != ',')
			p++;
		if ((size_t)(p - w) == rl && !memcmp(w, rule, rl))
			return 1;
		if (p - w == 3 && !memcmp(w, "all", 3))
			return 1;
		if (p < end && *p != ',') {
			/* The list ends at the first word not followed by ','. */
			const char *s = p;

			while (s < end && (*s == ' ' || *s == '\t'))
				s++;
			if (s >= end || *s != ',')
				break;
		}
	}
	return 0;
}

static int suppressed(const struct diag *f, const struct doc *d)
{
	const char *line, *prev;
	size_t len, plen;
	uint64_t off = f->span.start.off;

	if (!f->span.start.line || doc_source_line(d, off, &line, &len))
		return 0;
	if (line_suppresses(line, len, f->rule->id, 1))
		return 1;
	if (line == d->text)
		return 0;
	/* The line above: step back over its line break. */
	if (doc_source_line(d, (uint64_t)(line - d->text) + d->text_off - 1,
			    &prev, &plen))
		return 0;
	return line_suppresses(prev, plen, f->rule->id, 0);
}

void suppress_apply(struct diag_list *list, size_t from, const struct doc *d)
{
	size_t i, keep = from;

	for (i = from; i < list->nr; i++) {
		if (suppressed(&list->item[i], d)) {
			list->count[list->item[i].severity]--;
			continue;
		}
		list->item[keep++] = list->item[i];
	}
	list->nr = keep;
}
