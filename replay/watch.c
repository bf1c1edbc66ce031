/*
 * Watches: ?watch=true on a list, and the /watch/ paths, as kube-apiserver
 * streams them: one JSON event per line, chunked, until timeoutSeconds.
 *
 * Where it starts (the "Resource versions" section of the API concepts,
 * and pkg/apis/meta/internalversion/validation/validation.go,
 * validateWatchOptions, in kubernetes):
 *   - no resourceVersion, or "0": ADDED for every current object, then
 *     what changes;
 *   - resourceVersion=N: every change after N, none before;
 *   - sendInitialEvents=true (with resourceVersionMatch=NotOlderThan):
 *     ADDED for every current object, then, with allowWatchBookmarks, a
 *     BOOKMARK annotated k8s.io/initial-events-end, then what changes;
 *     sendInitialEvents=false starts as resourceVersion says.
 * Asked for Tables (kubectl get -w), each event's object is a Table of
 * its one row, with the columns, as table.c writes them.
 * With allowWatchBookmarks a BOOKMARK carries the store's resourceVersion
 * 2 seconds before the watch times out, as the watch cache does
 * (staging/src/k8s.io/apiserver/pkg/storage/cacher/cache_watcher.go,
 * nextBookmarkTime).
 */
#include "compat.h"
#include "replay.h"

#include <errno.h>
#include <time.h>

/* A watch without timeoutSeconds lasts as kube-apiserver's shortest one. */
#define DEFAULT_TIMEOUT 1800

struct watch {
	struct server *s;
	char *group, *version, *resource, *ns, *name, *sel, *fsel;
	const char *kind;
	size_t next;			/* the next change to look at */
	struct timespec deadline;	/* CLOCK_REALTIME, as the condition's */
	int bookmarks, bookmarked;
	struct buf out;			/* events not yet taken by httpd */
	size_t sent;
	int as_table;			/* objects as Tables of one row (table.c) */
	struct table table;
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int matches(const struct watch *w, const struct object *o)
{
	if (strcmp(o->group, w->group) || strcmp(o->version, w->version) ||
	    strcmp(o->resource, w->resource))
		return 0;
	if (w->ns && (!o->namespace || strcmp(o->namespace, w->ns)))
		return 0;
	if (w->name && strcmp(o->name, w->name))
		return 0;
	return selector_matches(o, w->sel) && field_selector_matches(o, w->fsel);
}

static void add_event(struct watch *w, struct buf *b, const char *type,
		      const char *json, unsigned long rv)
{
	if (w->as_table) {
		/* Ages as of the event, unless KATIB_NOW pins them. */
		if (!w->s->now)
			w->table.now = (int64_t)time(NULL);
		table_event(&w->table, b, type, json, rv);
		return;
	}
	buf_addf(b, "{\"type\":\"%s\",\"object\":", type);
	buf_adds(b, json);
	buf_adds(b, "}\n");
}

/* A BOOKMARK: an object of the kind with only its resourceVersion. */
static void add_bookmark(struct watch *w, int initial_end)
{
	/* Asked for Tables, a Table without rows carries the version. */
	if (w->as_table) {
		buf_adds(&w->out, "{\"type\":\"BOOKMARK\",\"object\":");
		table_begin(&w->table, &w->out, w->s->rv, NULL, 1);
		table_end(&w->out);
		buf_adds(&w->out, "}\n");
		return;
	}
	buf_addf(&w->out, "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"%s\",\"apiVersion\":\"%s%s%s\","
		 "\"metadata\":{\"resourceVersion\":\"%lu\",\"creationTimestamp\":null",
		 w->kind, w->group, *w->group ? "/" : "", w->version, w->s->rv);
	if (initial_end)
		buf_adds(&w->out, ",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}");
	buf_adds(&w->out, "}}}\n");
}

/* Queues the changes the watch has not seen; the server's lock is held. */
static void catch_up(struct watch *w)
{
	struct server *s = w->s;

	for (; w->next < s->nr_changes; w->next++) {
		const struct change *ch = &s->changes[w->next];

		if (matches(w, &s->obj[ch->obj]))
			add_event(w, &w->out, ch->type, ch->json, ch->rv);
	}
}

static int past(const struct timespec *t, long before_ms)
{
	struct timespec now;
	long long left;

	clock_gettime(CLOCK_REALTIME, &now);
	left = (long long)(t->tv_sec - now.tv_sec) * 1000 +
	       (t->tv_nsec - now.tv_nsec) / 1000000;
	return left <= before_ms;
}

static long watch_more(void *data, char *buf, size_t max)
{
	struct watch *w = data;
	struct server *s = w->s;
	size_t n;

	pthread_mutex_lock(&s->lock);
	if (w->sent == w->out.len) {
		buf_reset(&w->out);
		w->sent = 0;
		catch_up(w);
		if (!w->out.len && w->bookmarks && !w->bookmarked && past(&w->deadline, 2000)) {
			w->bookmarked = 1;
			add_bookmark(w, 0);
		}
		if (!w->out.len) {
			struct timespec until;

			if (s->stopping || past(&w->deadline, 0)) {
				pthread_mutex_unlock(&s->lock);
				return -1;
			}
			/*
			 * Wait for a change, a little at a time: httpd calls
			 * again at once, and so notices a client that left.
			 */
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += 250 * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			if (until.tv_sec > w->deadline.tv_sec ||
			    (until.tv_sec == w->deadline.tv_sec && until.tv_nsec > w->deadline.tv_nsec))
				until = w->deadline;
			pthread_cond_timedwait(&s->changed, &s->lock, &until);
			pthread_mutex_unlock(&s->lock);
			return 0;
		}
	}
	n = w->out.len - w->sent < max ? w->out.len - w->sent : max;
	memcpy(buf, w->out.buf + w->sent, n);
	w->sent += n;
	pthread_mutex_unlock(&s->lock);
	return (long)n;
}

static void watch_free(void *data)
{
	struct watch *w = data;

	free(w->group);
	free(w->version);
	free(w->resource);
	free(w->ns);
	free(w->name);
	free(w->sel);
	free(w->fsel);
	buf_release(&w->out);
	free(w);
}

static void invalid(struct conn *c, const char *why)
{
	struct buf msg = BUF_INIT;

	buf_addf(&msg, "ListOptions.meta.k8s.io \"\" is invalid: %s", why);
	respond_status(c, 422, "Invalid", msg.buf);
	buf_release(&msg);
}

void serve_watch(struct server *s, struct conn *c, const struct route *rt)
{
	const char *rv_s = httpd_arg(c->req, "resourceVersion");
	const char *match = httpd_arg(c->req, "resourceVersionMatch");
	const char *initial = httpd_arg(c->req, "sendInitialEvents");
	const char *bm = httpd_arg(c->req, "allowWatchBookmarks");
	const char *timeout_s = httpd_arg(c->req, "timeoutSeconds");
	const char *kind = kind_of_resource(s, rt->group, rt->resource);
	unsigned long rv = 0, timeout = DEFAULT_TIMEOUT;
	int from_now, send_initial;
	struct watch *w;
	struct buf body = BUF_INIT;
	struct table table;
	char *end;
	size_t i;
	int as_table;

	if (!kind) {
		respond_status(c, 404, "NotFound", "the server could not find the requested resource");
		return;
	}
	as_table = table_wanted(s, c, rt->group, rt->resource, &table);
	if (as_table < 0)
		return;
	if (initial && (!match || strcmp(match, "NotOlderThan"))) {
		invalid(c, "resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan");
		return;
	}
	if (match && !initial) {
		invalid(c, "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided");
		return;
	}
	if (match && strcmp(match, "NotOlderThan")) {
		invalid(c, "resourceVersionMatch: Unsupported value: the only supported value is \"NotOlderThan\"");
		return;
	}
	if (rv_s && *rv_s) {
		errno = 0;
		rv = strtoul(rv_s, &end, 10);
		if (*end || errno || *rv_s == '-') {
			struct buf msg = BUF_INIT;

			buf_addf(&msg, "invalid resource version: %s", rv_s);
			respond_status(c, 400, "BadRequest", msg.buf);
			buf_release(&msg);
			return;
		}
	}
	if (rv > s->rv) {
		/* The watch cache's answer to a version it has not reached. */
		struct buf msg = BUF_INIT;

		buf_addf(&msg, "Too large resource version: %lu, current: %lu", rv, s->rv);
		respond_status(c, 504, "Timeout", msg.buf);
		buf_release(&msg);
		return;
	}
	if (timeout_s) {
		timeout = strtoul(timeout_s, &end, 10);
		if (*end || !*timeout_s)
			timeout = DEFAULT_TIMEOUT;
	}
	if (s->watch_timeout && timeout > s->watch_timeout)
		timeout = s->watch_timeout;
	send_initial = initial ? query_true(initial) : !rv;
	from_now = send_initial || !rv;

	w = xcalloc(1, sizeof(*w));
	w->s = s;
	w->group = xstrdup(rt->group);
	w->version = xstrdup(rt->version);
	w->resource = xstrdup(rt->resource);
	w->ns = dup_or_null(rt->ns);
	w->name = dup_or_null(rt->name);
	w->sel = dup_or_null(httpd_arg(c->req, "labelSelector"));
	w->fsel = dup_or_null(httpd_arg(c->req, "fieldSelector"));
	w->kind = kind;
	w->as_table = as_table;
	w->table = table;
	w->bookmarks = query_true(bm);
	/* nextBookmarkTime schedules none when that time has already passed. */
	w->bookmarked = timeout <= 2;
	buf_init(&w->out, 0);
	clock_gettime(CLOCK_REALTIME, &w->deadline);
	w->deadline.tv_sec += (time_t)timeout;
	if (send_initial) {
		for (i = 0; i < s->nr; i++) {
			const struct object *o = &s->obj[i];

			/* A created object shadows a recorded one of its name. */
			if (!o->deleted && matches(w, o) &&
			    find_object(s, o->group, o->version, o->resource, o->namespace, o->name) == o) {
				struct buf json = BUF_INIT;

				object_json(o, &json);
				add_event(w, &body, "ADDED", json.buf, o->rv);
				buf_release(&json);
			}
		}
	}
	if (initial && send_initial && w->bookmarks) {
		struct buf saved = w->out;

		w->out = body;
		add_bookmark(w, 1);
		body = w->out;
		w->out = saved;
	}
	/* Changes after the start: now, or the resourceVersion asked for. */
	if (from_now)
		w->next = s->nr_changes;
	else
		for (w->next = 0; w->next < s->nr_changes && s->changes[w->next].rv <= rv; w->next++)
			;
	c->reply->status = 200;
	c->reply->content_type = "application/json";
	c->reply->len = body.len;
	c->reply->body = buf_detach(&body, NULL);
	c->reply->stream = watch_more;
	c->reply->stream_free = watch_free;
	c->reply->stream_data = w;
}
