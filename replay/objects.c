/*
 * GET of one object, LIST of a resource, and POST: what kubectl and the
 * API clients read and create.  A GET or LIST asking for a Table gets
 * one (table.c) when the kind has columns.
 */
#include "compat.h"
#include "replay.h"

void serve_list(struct server *s, struct conn *c, const char *group,
		       const char *version, const char *resource,
		       const char *ns)
{
	const char *sel = httpd_arg(c->req, "labelSelector");
	const char *fsel = httpd_arg(c->req, "fieldSelector");
	const char *limit_s = httpd_arg(c->req, "limit");
	const char *cont = httpd_arg(c->req, "continue");
	unsigned long limit = limit_s ? strtoul(limit_s, NULL, 10) : 0;
	unsigned long skip = cont ? strtoul(cont, NULL, 10) : 0, seen = 0, sent = 0;
	const char *kind = kind_of_resource(s, group, resource);
	struct buf items = BUF_INIT, b = BUF_INIT;
	struct table t;
	size_t i;
	int more = 0, table;

	if (!kind) {
		respond_status(c, 404, "NotFound", "the server could not find the requested resource");
		return;
	}
	table = table_wanted(s, c, group, resource, &t);
	if (table < 0)
		return;
	for (i = 0; i < s->nr; i++) {
		const struct object *o = &s->obj[i];

		if (o->deleted || strcmp(o->group, group) || strcmp(o->version, version) ||
		    strcmp(o->resource, resource))
			continue;
		if (ns && (!o->namespace || strcmp(o->namespace, ns)))
			continue;
		if (!selector_matches(o, sel) || !field_selector_matches(o, fsel))
			continue;
		if (seen++ < skip)
			continue;
		if (limit && sent == limit) {
			more = 1;
			break;
		}
		if (table) {
			table_row(&t, &items, o->node, !sent++);
			continue;
		}
		if (sent++)
			buf_addch(&items, ',');
		object_json(o, &items);
	}
	if (table) {
		char cont_s[32];

		snprintf(cont_s, sizeof(cont_s), "%lu", skip + sent);
		table_begin(&t, &b, s->rv, more ? cont_s : NULL, 1);
		buf_add(&b, items.buf, items.len);
		table_end(&b);
		respond_json(c, 200, &b);
		buf_release(&b);
		buf_release(&items);
		return;
	}
	/* The store's resourceVersion: a watch from it sees what comes next. */
	buf_addf(&b, "{\"kind\":\"%sList\",\"apiVersion\":\"%s%s%s\",\"metadata\":{\"resourceVersion\":\"%lu\"",
		 kind, group, *group ? "/" : "", version, s->rv);
	if (more)
		buf_addf(&b, ",\"continue\":\"%lu\"", skip + sent);
	buf_adds(&b, "},\"items\":[");
	buf_add(&b, items.buf, items.len);
	buf_adds(&b, "]}");
	respond_json(c, 200, &b);
	buf_release(&b);
	buf_release(&items);
}

void serve_get(struct server *s, struct conn *c, const char *group,
		      const char *version, const char *resource, const char *ns,
		      const char *name)
{
	const struct object *o = find_object(s, group, version, resource, ns, name);
	struct buf b = BUF_INIT, msg = BUF_INIT;
	struct table t;

	if (!o) {
		buf_addf(&msg, "%s%s%s \"%s\" not found", resource, *group ? "." : "",
			 group, name);
		respond_status(c, 404, "NotFound", msg.buf);
		buf_release(&msg);
		return;
	}
	switch (table_wanted(s, c, group, resource, &t)) {
	case -1:
		return;
	case 1:
		table_begin(&t, &b, o->rv, NULL, 1);
		table_row(&t, &b, o->node, 1);
		table_end(&b);
		break;
	default:
		object_json(o, &b);
	}
	respond_json(c, 200, &b);
	buf_release(&b);
}

void serve_create(struct server *s, struct conn *c,
			 const struct route *rt, const char *body, size_t len)
{
	const char *ns = rt->ns;
	const char *dry = httpd_arg(c->req, "dryRun");
	struct doc_reader *r;
	struct fail f = FAIL_INIT;
	struct doc *d = NULL;
	struct buf b = BUF_INIT;
	char *json;

	doc_reader_open_mem(&r, "request", body, len, NULL);
	if (doc_reader_next(r, &d, &f) <= 0 || d->error || !d->root ||
	    d->root->kind != DOC_MAP || !doc_lookup(d->root, "metadata.name")) {
		doc_free(d);
		doc_reader_free(r);
		respond_status(c, 400, "BadRequest", "the request body is not an object with metadata.name");
		return;
	}
	doc_reader_free(r);
	/* Admission comes first; only then does the store see the name is taken. */
	if (respond_denial(c, matching_review(s, d->root, ns, "CREATE"))) {
		doc_free(d);
		return;
	}
	if (find_object(s, rt->group, rt->version, rt->resource, ns,
			doc_str(doc_lookup(d->root, "metadata.name")) ?
			doc_str(doc_lookup(d->root, "metadata.name")) : "")) {
		struct buf m = BUF_INIT;

		buf_addf(&m, "%s%s%s \"%s\" already exists", rt->resource,
			 *rt->group ? "." : "", rt->group,
			 doc_str(doc_lookup(d->root, "metadata.name")));
		doc_free(d);
		respond_status(c, 409, "AlreadyExists", m.buf);
		buf_release(&m);
		return;
	}
	/* The API server writes the namespace of the path into the object. */
	if (ns && !doc_get_str(doc_get(d->root, "metadata"), "namespace"))
		doc_add(d, doc_get(d->root, "metadata"), "namespace", DOC_STR, ns);
	if ((!dry || strcmp(dry, "All")) && !add_object(s, d)) {
		json = doc_to_json(d->root);
		s->created++;
	} else {
		json = doc_to_json(d->root);
		doc_free(d);
	}
	buf_adds(&b, json);
	free(json);
	respond_json(c, 201, &b);
	buf_release(&b);
}

