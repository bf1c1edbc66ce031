/*
 * Pod logs, from logs/<namespace>/<pod>/<container>.log of the recording
 * (and <container>.previous.log for ?previous=true), answered as the API
 * server answers them: the container is checked against the pod's spec
 * (pkg/registry/core/pod/strategy.go, LogLocation, in kubernetes), a
 * container without a recorded log has an empty one, and tailLines and
 * limitBytes cut what is sent.
 *
 * timestamps=true puts the time before each line as the kubelet does
 * (pkg/kubelet/kuberuntime/logs/logs.go: RFC3339NanoFixed and a space).
 * A recorded line that starts with such a time keeps it (a log recorded
 * with timestamps); one without gets the container's start time, the
 * closest the recording knows.  Without timestamps=true recorded times
 * are taken off, as the kubelet would not have sent them.  Only the
 * kubelet's fixed form counts as its time.
 */
#include "compat.h"
#include "replay.h"
#include "experiment.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>

/* Does the pod's spec have a container (of any sort) with this name? */
static int pod_has_container(const struct doc_node *pod, const char *name)
{
	static const char *const lists[] = {
		"spec.containers", "spec.initContainers", "spec.ephemeralContainers",
	};
	const struct doc_node *e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lists); i++) {
		const struct doc_node *l = doc_lookup(pod, lists[i]);

		for (e = l && l->kind == DOC_SEQ ? l->child : NULL; e; e = e->next) {
			const char *n = doc_get_str(e, "name");

			if (n && !strcmp(n, name))
				return 1;
		}
	}
	return 0;
}

static void add_names(struct buf *b, const struct doc_node *l)
{
	const struct doc_node *e;

	for (e = l && l->kind == DOC_SEQ ? l->child : NULL; e; e = e->next) {
		const char *n = doc_get_str(e, "name");

		buf_addf(b, "%s%s", e != l->child ? " " : "", n ? n : "");
	}
}

/*
 * The container a request without ?container= reads: the one named by
 * kubectl's default-container annotation, or the pod's only container.
 * NULL after answering 400 as the API server words it.
 */
static const char *default_container(struct conn *c, const struct doc_node *pod,
				     const char *name)
{
	const struct doc_node *list = doc_lookup(pod, "spec.containers");
	const struct doc_node *init = doc_lookup(pod, "spec.initContainers");
	const char *def = doc_get_str(doc_lookup(pod, "metadata.annotations"),
				      "kubectl.kubernetes.io/default-container");
	struct buf msg = BUF_INIT;

	if (def && pod_has_container(pod, def))
		return def;
	if (list && list->kind == DOC_SEQ && list->nr_children == 1)
		return doc_get_str(list->child, "name");
	if (!list || list->kind != DOC_SEQ || !list->nr_children) {
		buf_addf(&msg, "a container name must be specified for pod %s", name);
	} else {
		buf_addf(&msg, "a container name must be specified for pod %s, choose one of: [", name);
		add_names(&msg, list);
		buf_addch(&msg, ']');
		if (init && init->kind == DOC_SEQ && init->nr_children) {
			buf_adds(&msg, " or one of the init containers: [");
			add_names(&msg, init);
			buf_addch(&msg, ']');
		}
	}
	respond_status(c, 400, "BadRequest", msg.buf);
	buf_release(&msg);
	return NULL;
}

/*
 * A non-negative integer argument, or -1 when absent; -2 after answering
 * 400 for one that is not.
 */
static long long count_arg(struct conn *c, const char *key)
{
	const char *v = httpd_arg(c->req, key);
	struct buf msg = BUF_INIT;
	char *end;
	long long n;

	if (!v)
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (*v && !*end && !errno && n >= 0)
		return n;
	buf_addf(&msg, "%s must be a non-negative integer", key);
	respond_status(c, 400, "BadRequest", msg.buf);
	buf_release(&msg);
	return -2;
}

/*
 * The length of the kubelet's time and its space at the start of line, or
 * 0.  Only its fixed form, nine digits of nanoseconds: a program's own
 * log lines often start with a time too ("2026-11-20T09:02:11Z INFO"),
 * and those are the log's text.
 */
static size_t time_prefix(const char *line, size_t len)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.ddddddddd";
	size_t i;

	if (len < sizeof(shape))
		return 0;
	for (i = 0; i + 1 < sizeof(shape); i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)line[i]) : line[i] != shape[i])
			return 0;
	if (i < len && line[i] == 'Z')
		i++;
	else if (i + 6 <= len && (line[i] == '+' || line[i] == '-') && line[i + 3] == ':')
		i += 6;
	else
		return 0;
	return i < len && line[i] == ' ' ? i + 1 : 0;
}

/*
 * The container's start ("2026-01-10T09:00:02Z") as RFC3339NanoFixed
 * ("2026-01-10T09:00:02.000000000Z"), into out; "" when unknown.
 */
static void start_time(const struct doc_node *pod, const char *container, int previous,
		       char *out, size_t size)
{
	const struct doc_node *lists[2] = { doc_lookup(pod, "status.containerStatuses"),
					    doc_lookup(pod, "status.initContainerStatuses") };
	const char *t = NULL;
	size_t i;

	for (i = 0; i < 2 && !t; i++) {
		const struct doc_node *c;

		for (c = lists[i] && lists[i]->kind == DOC_SEQ ? lists[i]->child : NULL; c; c = c->next) {
			const char *name = doc_get_str(c, "name");

			if (!name || strcmp(name, container))
				continue;
			t = previous ? doc_str(doc_lookup(c, "lastState.terminated.startedAt"))
				     : doc_str(doc_lookup(c, "state.running.startedAt"));
			if (!t && !previous)
				t = doc_str(doc_lookup(c, "state.terminated.startedAt"));
			break;
		}
	}
	*out = 0;
	if (t && strlen(t) == 20 && t[19] == 'Z')
		snprintf(out, size, "%.19s.000000000Z", t);
}

/*
 * Each line of b with its time (want) or without (not want); a line
 * without a recorded time gets fallback, when there is one.
 */
static void set_timestamps(struct buf *b, int want, const char *fallback)
{
	struct buf out = BUF_INIT;
	size_t at = 0;

	while (at < b->len) {
		const char *line = b->buf + at, *nl = memchr(line, '\n', b->len - at);
		size_t len = nl ? (size_t)(nl - line) + 1 : b->len - at;
		size_t t = time_prefix(line, len);

		if (want && !t && *fallback) {
			buf_adds(&out, fallback);
			buf_addch(&out, ' ');
		}
		buf_add(&out, line + (want ? 0 : t), len - (want ? 0 : t));
		at += len;
	}
	buf_release(b);
	*b = out;
}

/* Keeps the last n lines of b (a last line without a newline counts). */
static void keep_tail(struct buf *b, long long n)
{
	size_t at = b->len;
	long long lines = 0;

	if (at && b->buf[at - 1] == '\n')
		at--;
	while (at > 0) {
		if (b->buf[at - 1] == '\n' && ++lines == n)
			break;
		at--;
	}
	if (!n)
		at = b->len;
	buf_remove_head(b, at);
}

static int read_file(const char *path, struct buf *out)
{
	FILE *fp = fopen(path, "rb");
	char chunk[8192];
	size_t n;

	if (!fp)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(out, chunk, n);
	fclose(fp);
	return 0;
}

/*
 * A log without a recorded pod: the one recorded log there is, as older
 * recordings were served.
 */
static int only_log(struct server *s, const char *ns, const char *pod,
		    struct buf *path)
{
	struct dirent **list;
	int k, m, logs = 0;

	buf_addf(path, "%s/logs/%s/%s", s->dir, ns, pod);
	m = scandir(path->buf, &list, NULL, alphasort);
	buf_reset(path);
	for (k = 0; k < m; k++) {
		if (list[k]->d_name[0] != '.' && !logs++)
			buf_addf(path, "%s/logs/%s/%s/%s", s->dir, ns, pod, list[k]->d_name);
		free(list[k]);
	}
	if (m > 0)
		free(list);
	return logs == 1 ? 0 : -1;
}

void serve_log(struct server *s, struct conn *c, const char *ns,
	       const char *pod)
{
	const char *container = httpd_arg(c->req, "container");
	const char *prev = httpd_arg(c->req, "previous");
	int previous = query_true(prev);
	const struct object *o;
	struct buf path = BUF_INIT, body = BUF_INIT, msg = BUF_INIT;
	long long tail, limit;

	if (!recorded_name_ok(ns) || !recorded_name_ok(pod) ||
	    (container && !recorded_name_ok(container))) {
		buf_addf(&msg, "pods \"%s\" not found", pod);
		respond_status(c, 404, "NotFound", msg.buf);
		buf_release(&msg);
		return;
	}
	if ((tail = count_arg(c, "tailLines")) == -2 ||
	    (limit = count_arg(c, "limitBytes")) == -2)
		return;
	o = find_object(s, "", "v1", "pods", ns, pod);
	if (o) {
		if (container && !pod_has_container(o->node, container)) {
			buf_addf(&msg, "container %s is not valid for pod %s", container, pod);
			respond_status(c, 400, "BadRequest", msg.buf);
			buf_release(&msg);
			return;
		}
		if (!container && !(container = default_container(c, o->node, pod)))
			return;
		buf_addf(&path, "%s/logs/%s/%s/%s%s.log", s->dir, ns, pod, container,
			 previous ? ".previous" : "");
		if (read_file(path.buf, &body) && previous) {
			/* The kubelet's answer when no container ran before. */
			buf_addf(&msg, "previous terminated container \"%s\" in pod \"%s\" not found",
				 container, pod);
			respond_status(c, 400, "BadRequest", msg.buf);
			goto out;
		}
	} else if (container) {
		buf_addf(&path, "%s/logs/%s/%s/%s.log", s->dir, ns, pod, container);
		if (read_file(path.buf, &body)) {
			buf_addf(&msg, "pods \"%s\" not found", pod);
			respond_status(c, 404, "NotFound", msg.buf);
			goto out;
		}
	} else if (only_log(s, ns, pod, &path) || read_file(path.buf, &body)) {
		buf_addf(&msg, "pods \"%s\" not found", pod);
		respond_status(c, 404, "NotFound", msg.buf);
		goto out;
	}
	{
		char fallback[40] = "";

		if (o)
			start_time(o->node, container, previous, fallback, sizeof(fallback));
		set_timestamps(&body, query_true(httpd_arg(c->req, "timestamps")), fallback);
	}
	if (tail >= 0)
		keep_tail(&body, tail);
	if (limit >= 0 && (unsigned long long)limit < body.len)
		body.len = (size_t)limit;
	respond(c, 200, "text/plain", body.len ? body.buf : "", body.len);
out:
	buf_release(&path);
	buf_release(&body);
	buf_release(&msg);
}
