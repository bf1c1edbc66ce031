#include "compat.h"
#include "diag.h"
#include "alloc.h"
#include "buf.h"
#include "doc.h"
#include "rule.h"

void diag_list_release(struct diag_list *list)
{
	arena_release(&list->arena);
	free(list->item);
	list->item = NULL;
	list->nr = list->alloc = 0;
	memset(list->count, 0, sizeof(list->count));
}

void diag_list_clear(struct diag_list *list)
{
	arena_release(&list->arena);
	list->nr = 0;
	memset(list->count, 0, sizeof(list->count));
}

static struct diag *diag_new(struct diag_list *list, const struct rule *rule,
			     const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static struct diag *diag_new(struct diag_list *list, const struct rule *rule,
			     const char *fmt, va_list ap)
{
	enum severity sev = rule_severity(rule, list->overrides);
	struct diag *d;

	if (sev == SEV_OFF)
		return NULL;
	ALLOC_GROW(list->item, list->nr + 1, list->alloc);
	d = &list->item[list->nr];
	memset(d, 0, sizeof(*d));
	d->seq = list->nr++;
	d->rule = rule;
	d->severity = sev;
	d->file = list->file ? arena_strdup(&list->arena, list->file) : "-";
	d->document = list->document;
	d->message = arena_vprintf(&list->arena, fmt, ap);
	d->path = "";
	list->count[sev]++;
	return d;
}

static void set_path(struct diag_list *list, struct diag *d,
		     const struct doc_node *at, const char *key)
{
	struct buf path = BUF_INIT;

	if (at)
		doc_path(at, &path);
	if (key) {
		if (path.len)
			buf_addch(&path, '.');
		buf_adds(&path, key);
	}
	d->path = arena_strndup(&list->arena, path.buf, path.len);
	buf_release(&path);
}

struct diag *diag_add(struct diag_list *list, const struct rule *rule,
		      const struct doc_node *at, const char *fmt, ...)
{
	va_list ap;
	struct diag *d;

	va_start(ap, fmt);
	d = diag_new(list, rule, fmt, ap);
	va_end(ap);
	if (d && at) {
		d->span = at->span;
		set_path(list, d, at, NULL);
	}
	return d;
}

struct diag *diag_add_key(struct diag_list *list, const struct rule *rule,
			  const struct doc_node *at, const char *fmt, ...)
{
	va_list ap;
	struct diag *d;

	va_start(ap, fmt);
	d = diag_new(list, rule, fmt, ap);
	va_end(ap);
	if (d && at) {
		d->span = at->key ? at->key_span : at->span;
		set_path(list, d, at, NULL);
	}
	return d;
}

struct diag *diag_add_missing(struct diag_list *list, const struct rule *rule,
			      const struct doc_node *parent, const char *key,
			      const char *fmt, ...)
{
	va_list ap;
	struct diag *d;

	va_start(ap, fmt);
	d = diag_new(list, rule, fmt, ap);
	va_end(ap);
	if (d && parent) {
		/* Point at the map's key, where the user would add it. */
		d->span = parent->key ? parent->key_span : parent->span;
		set_path(list, d, parent, key);
	} else if (d && key) {
		set_path(list, d, NULL, key);
	}
	return d;
}

struct diag *diag_add_at(struct diag_list *list, const struct rule *rule,
			 struct span span, const char *path,
			 const char *fmt, ...)
{
	va_list ap;
	struct diag *d;

	va_start(ap, fmt);
	d = diag_new(list, rule, fmt, ap);
	va_end(ap);
	if (d) {
		d->span = span;
		d->path = arena_strdup(&list->arena, path ? path : "");
	}
	return d;
}

struct diag *diag_fix(struct diag_list *list, struct diag *d,
		      enum fix_kind kind, const struct doc_node *node,
		      const char *under, const char *key, const char *text)
{
	/* A node copied through an alias has the anchor's position: an
	 * edit there would change every use of the anchor. */
	if (!d || !node || node->from_alias || !node->span.start.line ||
	    (!text && kind != FIX_QUOTE && kind != FIX_UNQUOTE))
		return d;
	d->fix.kind = kind;
	d->fix.at = node->span.start;
	d->fix.text = arena_strdup(&list->arena, text ? text : "");
	d->fix.key = key ? arena_strdup(&list->arena, key) : NULL;
	d->fix.under = arena_strdup(&list->arena, under ? under : "");
	return d;
}

struct diag *diag_fix_move(struct diag_list *list, struct diag *d,
			   const struct doc_node *node, const char *name,
			   const struct doc_node *to, const char *key,
			   const char *into)
{
	if (!to || to->kind != DOC_MAP || to->from_alias || !to->span.start.line ||
	    (key && to != node->parent))
		return d;
	if (!diag_fix(list, d, FIX_MOVE, node, NULL, key, name) ||
	    d->fix.kind != FIX_MOVE)
		return d;
	d->fix.to = to->span.start;
	d->fix.into = arena_strdup(&list->arena, into ? into : "");
	return d;
}

struct diag *diag_reply(struct diag_list *list, struct diag *d,
			enum grpc_code code, int early_stopping,
			const char *details)
{
	if (!d)
		return NULL;
	d->reply.code = code;
	d->reply.early_stopping = !!early_stopping;
	d->reply.details = arena_strdup(&list->arena, details);
	return d;
}

const char *grpc_code_name(enum grpc_code code)
{
	switch (code) {
	case GRPC_OK:
		return "OK";
	case GRPC_UNKNOWN:
		return "UNKNOWN";
	case GRPC_INVALID_ARGUMENT:
		return "INVALID_ARGUMENT";
	case GRPC_INTERNAL:
		return "INTERNAL";
	}
	return "UNKNOWN";
}

struct diag *diag_hint(struct diag_list *list, struct diag *d, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return NULL;
	va_start(ap, fmt);
	d->hint = arena_vprintf(&list->arena, fmt, ap);
	va_end(ap);
	return d;
}

static int cmp_diag(const void *va, const void *vb)
{
	const struct diag *a = va, *b = vb;
	int c = strcmp(a->file, b->file);

	if (c)
		return c;
	if (a->document != b->document)
		return a->document < b->document ? -1 : 1;
	if (a->span.start.line != b->span.start.line)
		return a->span.start.line < b->span.start.line ? -1 : 1;
	if (a->span.start.col != b->span.start.col)
		return a->span.start.col < b->span.start.col ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void diag_sort(struct diag_list *list)
{
	if (list->nr > 1)
		qsort(list->item, list->nr, sizeof(*list->item), cmp_diag);
}

const char *severity_name(enum severity sev)
{
	switch (sev) {
	case SEV_OFF:
		return "off";
	case SEV_INFO:
		return "info";
	case SEV_WARNING:
		return "warning";
	case SEV_ERROR:
		return "error";
	}
	BUG("bad severity %d", (int)sev);
}

int severity_parse(const char *s, enum severity *out)
{
	static const enum severity all[] = { SEV_OFF, SEV_INFO, SEV_WARNING,
					     SEV_ERROR };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all); i++) {
		if (!strcmp(s, severity_name(all[i]))) {
			*out = all[i];
			return 0;
		}
	}
	return -1;
}
