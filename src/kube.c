#include "compat.h"
#include "kube.h"
#include "alloc.h"
#include "doc-json.h"
#include "doc-yaml.h"
#include "experiment.h"
#include "http.h"
#include "kubeconfig.h"
#include "timefmt.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE_SIZE 500
#define EXEC_OUTPUT_MAX ((size_t)1 << 20)
/* A credential plugin's time when no --request-timeout is given. */
#define EXEC_TIMEOUT_MS 60000L

extern char **environ;


struct kube_client {
	const struct kube_config *cfg;
	struct http_target target;
	char *token;			/* from a token, a token file or exec */
	char *cert, *key;		/* PEM from an exec plugin */
	time_t expires;			/* exec credential expiry; 0: none */
	unsigned long requests;
	kube_trace_fn *trace;
	void *trace_data;
};

static void wipe_free(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

static int read_token_file(struct kube_client *c, const char *path,
			   struct fail *f)
{
	FILE *fp = fopen(path, "r");
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;

	if (!fp)
		return fail_set(f, FAIL_IO, "cannot read the token file '%s': %s",
				path, strerror(errno));
	buf_init(&b, 64 * 1024);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (buf_add(&b, chunk, n))
			break;
	fclose(fp);
	while (b.len && (b.buf[b.len - 1] == '\n' || b.buf[b.len - 1] == '\r'))
		b.buf[--b.len] = '\0';
	wipe_free(c->token);
	c->token = buf_detach(&b, NULL);
	return 0;
}

/*
 * Runs the exec credential plugin directly (never through a shell) and
 * reads its ExecCredential.  stderr is collected for the failure message.
 */
static int run_exec(struct kube_client *c, struct fail *f)
{
	const struct kube_exec *e = c->cfg->exec;
	int out_pipe[2], err_pipe[2], status;
	pid_t pid;
	struct buf out = BUF_INIT, err = BUF_INIT;
	struct doc_reader *r;
	struct doc *d = NULL;
	const struct doc_node *st;
	char chunk[4096];
	ssize_t n;
	size_t i, nr_args = 0;
	const char *api = e->api_version ? e->api_version : "client.authentication.k8s.io/v1";
	char *info;
	int64_t expires;
	int ret = -1;

	for (i = 0; e->args[i]; i++)
		nr_args++;
	if (pipe(out_pipe) || pipe(err_pipe))
		return fail_set(f, FAIL_IO, "cannot run the credential plugin: %s", strerror(errno));
	info = NULL;
	{
		struct buf b = BUF_INIT;

		buf_addf(&b, "KUBERNETES_EXEC_INFO={\"apiVersion\":\"%s\",\"kind\":\"ExecCredential\","
			     "\"spec\":{\"interactive\":false}}", api);
		info = buf_detach(&b, NULL);
	}
	pid = fork();
	if (pid < 0) {
		free(info);
		return fail_set(f, FAIL_IO, "cannot run the credential plugin: %s", strerror(errno));
	}
	if (!pid) {
		char **argv = calloc(nr_args + 2, sizeof(*argv));

		dup2(out_pipe[1], 1);
		dup2(err_pipe[1], 2);
		/*
		 * Only 1 and 2 may hold the pipes: a helper the plugin leaves
		 * running (a credential cache) would otherwise keep them open
		 * after the plugin is done.
		 */
		close(out_pipe[0]);
		close(err_pipe[0]);
		close(out_pipe[1]);
		close(err_pipe[1]);
		if (!argv)
			_exit(127);
		argv[0] = (char *)e->command;
		for (i = 0; i < nr_args; i++)
			argv[i + 1] = (char *)e->args[i];
		putenv(info);
		for (i = 0; e->env[i]; i++)
			putenv((char *)e->env[i]);
		execvp(e->command, argv);
		/* Into the pipe the parent reads, for its failure message. */
		dprintf(2, "cannot run '%s': %s\n", e->command, strerror(errno));
		_exit(127);
	}
	free(info);
	close(out_pipe[1]);
	close(err_pipe[1]);
	buf_init(&out, EXEC_OUTPUT_MAX);
	buf_init(&err, 64 * 1024);
	/*
	 * Both pipes at once: a plugin that fills the stderr pipe while we
	 * wait for the end of its stdout would otherwise block forever, and
	 * one that never finishes is stopped at the request timeout.
	 */
	{
		struct pollfd fds[2] = {
			{ .fd = out_pipe[0], .events = POLLIN },
			{ .fd = err_pipe[0], .events = POLLIN },
		};
		long limit = c->target.timeout_ms ? c->target.timeout_ms : EXEC_TIMEOUT_MS;
		long deadline = monotonic_ms() + limit;
		int open_fds = 2, timed_out = 0;

		while (open_fds) {
			long left = deadline - monotonic_ms();
			int k;

			if (left <= 0) {
				timed_out = 1;
				break;
			}
			if (poll(fds, 2, (int)(left < INT_MAX ? left : INT_MAX)) < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			for (k = 0; k < 2; k++) {
				if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR)))
					continue;
				n = read(fds[k].fd, chunk, sizeof(chunk));
				if (n > 0) {
					buf_add(k ? &err : &out, chunk, (size_t)n);
				} else if (n == 0 || errno != EINTR) {
					fds[k].fd = -1;
					open_fds--;
				}
			}
		}
		close(out_pipe[0]);
		close(err_pipe[0]);
		/* It may close both pipes and still not exit. */
		while (!timed_out) {
			pid_t w = waitpid(pid, &status, WNOHANG);
			struct timespec tick = { 0, 10 * 1000000L };

			if (w == pid)
				break;
			if (w < 0 && errno != EINTR) {
				fail_set(f, FAIL_IO, "cannot wait for the credential plugin '%s': %s",
					 e->command, strerror(errno));
				goto out;
			}
			if (monotonic_ms() >= deadline)
				timed_out = 1;
			else if (w == 0)
				nanosleep(&tick, NULL);
		}
		if (timed_out) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fail_set(f, FAIL_AUTH, "the credential plugin '%s' did not finish within %ld ms",
				 e->command, limit);
			goto out;
		}
	}
	if (WIFSIGNALED(status)) {
		fail_set(f, FAIL_AUTH, "the credential plugin '%s' was killed by signal %d",
			 e->command, WTERMSIG(status));
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		while (err.len && err.buf[err.len - 1] == '\n')
			err.buf[--err.len] = '\0';
		fail_set(f, FAIL_AUTH, "the credential plugin '%s' failed (exit %d)%s%s",
			 e->command, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
			 err.len ? ": " : "", err.len ? (strrchr(err.buf, '\n') ? strrchr(err.buf, '\n') + 1 : err.buf) : "");
		goto out;
	}
	doc_reader_open_mem(&r, "ExecCredential", out.buf, out.len, NULL);
	if (doc_reader_next(r, &d, f) <= 0 || d->error || !d->root ||
	    !(st = doc_get_kind(d->root, "status", DOC_MAP))) {
		doc_reader_free(r);
		fail_set(f, FAIL_AUTH, "the credential plugin '%s' did not print an ExecCredential with a status",
			 e->command);
		goto out;
	}
	doc_reader_free(r);
	wipe_free(c->token);
	wipe_free(c->cert);
	wipe_free(c->key);
	c->token = doc_get_str(st, "token") ? xstrdup(doc_get_str(st, "token")) : NULL;
	c->cert = doc_get_str(st, "clientCertificateData") ? xstrdup(doc_get_str(st, "clientCertificateData")) : NULL;
	c->key = doc_get_str(st, "clientKeyData") ? xstrdup(doc_get_str(st, "clientKeyData")) : NULL;
	/* Without a readable expiry the credential is used until refused. */
	c->expires = time_parse_rfc3339(doc_get_str(st, "expirationTimestamp"), &expires)
			     ? 0 : (time_t)expires;
	if (!c->token && !(c->cert && c->key)) {
		fail_set(f, FAIL_AUTH, "the credential plugin '%s' returned neither a token nor a client certificate",
			 e->command);
		goto out;
	}
	ret = 0;
out:
	doc_free(d);
	if (out.len)
		memset(out.buf, 0, out.len);
	buf_release(&out);
	buf_release(&err);
	return ret;
}

static void apply_credentials(struct kube_client *c)
{
	c->target.bearer = c->token;
	if (c->cert && c->key) {
		c->target.cert_data = c->cert;
		c->target.key_data = c->key;
	}
}

static int credentials(struct kube_client *c, int force, struct fail *f)
{
	if (!c->cfg->exec)
		return 0;
	/* Cached until a minute before it expires. */
	if (!force && (c->token || c->cert) && (!c->expires || time(NULL) < c->expires - 60))
		return 0;
	if (run_exec(c, f))
		return -1;
	apply_credentials(c);
	return 0;
}

int kube_client_new(struct kube_client **out, const struct kube_config *cfg,
		    long timeout_ms, struct fail *f)
{
	struct kube_client *c = xcalloc(1, sizeof(*c));

	*out = NULL;
	c->cfg = cfg;
	c->target.ca_file = cfg->ca_file;
	c->target.ca_data = cfg->ca_data;
	c->target.cert_file = cfg->cert_file;
	c->target.key_file = cfg->key_file;
	c->target.cert_data = cfg->cert_data;
	c->target.key_data = cfg->key_data;
	c->target.tls_server_name = cfg->tls_server_name;
	c->target.proxy_url = cfg->proxy_url;
	c->target.insecure = cfg->insecure;
	c->target.timeout_ms = timeout_ms;
	c->target.retries = 3;
	if (cfg->token)
		c->token = xstrdup(cfg->token);
	else if (cfg->token_file && read_token_file(c, cfg->token_file, f)) {
		kube_client_free(c);
		return -1;
	}
	apply_credentials(c);
	*out = c;
	return 0;
}

void kube_client_free(struct kube_client *c)
{
	if (!c)
		return;
	wipe_free(c->token);
	wipe_free(c->cert);
	wipe_free(c->key);
	free(c);
}

void kube_client_set_trace(struct kube_client *c, kube_trace_fn *fn, void *data)
{
	c->trace = fn;
	c->trace_data = data;
}

/* Tells the trace function of c about a request (status 0: no answer). */
static void emit_trace(struct kube_client *c, const char *method, const char *url,
		       long status, long start, size_t bytes)
{
	struct kube_trace t;
	char *shown;

	if (!c->trace)
		return;
	shown = http_redact_url(url);
	t.method = method;
	t.url = shown;
	t.status = status;
	t.ms = monotonic_ms() - start;
	t.auth = c->target.bearer ? "Bearer <masked>"
		 : (c->target.cert_data || c->target.cert_file) ? "client certificate"
							       : "none";
	t.response_bytes = bytes;
	c->trace(c->trace_data, &t);
	free(shown);
}

static void trace(struct kube_client *c, const char *method, const char *url,
		  const struct http_response *resp, int ret, long start)
{
	emit_trace(c, method, url, ret ? 0 : resp->status, start, ret ? 0 : resp->body.len);
}

unsigned long kube_requests(const struct kube_client *c)
{
	return c->requests;
}

int kube_api_error(long status, const char *body, size_t len, struct fail *f)
{
	struct doc_reader *r;
	struct doc *d = NULL;
	struct fail ignore = FAIL_INIT;
	const char *message = NULL, *reason = NULL;
	int ret;

	doc_reader_open_mem(&r, "response", body, len, NULL);
	if (doc_reader_next(r, &d, &ignore) > 0 && d->root &&
	    doc_get_str(d->root, "kind") && !strcmp(doc_get_str(d->root, "kind"), "Status")) {
		message = doc_get_str(d->root, "message");
		reason = doc_get_str(d->root, "reason");
	}
	if (status == 401)
		ret = fail_set(f, FAIL_AUTH, "You must be logged in to the server (Unauthorized)");
	else if (message)
		ret = fail_set(f, FAIL_HTTP, "Error from server (%s): %s",
			       reason && *reason ? reason : "Unknown", message);
	else
		ret = fail_set(f, FAIL_HTTP, "the server answered HTTP %ld", status);
	f->http_status = status;
	doc_free(d);
	doc_reader_free(r);
	return ret;
}

/* One request; any HTTP status is an answer (resp->body is the caller's). */
static int call_raw(struct kube_client *c, const char *method, const char *path,
		    const char *body, struct http_response *resp, struct fail *f)
{
	struct buf url = BUF_INIT;
	int ret, attempt;

	buf_addf(&url, "%s%s", c->cfg->server, path);
	/* Trailing slashes on the server URL are common in kubeconfigs. */
	for (attempt = 0; attempt < 2; attempt++) {
		if (credentials(c, attempt > 0, f)) {
			ret = -1;
			break;
		}
		long start = monotonic_ms();

		c->requests++;
		ret = http_request(&c->target, method, url.buf,
				   body ? "application/json" : NULL, body,
				   body ? strlen(body) : 0, resp, f);
		trace(c, method, url.buf, resp, ret, start);
		/* A 401 with an exec plugin: the credential may have expired. */
		if (ret || resp->status != 401 || !c->cfg->exec || attempt)
			break;
		buf_release(&resp->body);
	}
	buf_release(&url);
	return ret;
}

/* One request; an error status is a failure worded as kubectl's. */
static int call(struct kube_client *c, const char *method, const char *path,
		const char *body, struct http_response *resp, struct fail *f)
{
	int ret = call_raw(c, method, path, body, resp, f);

	if (!ret && resp->status >= 400) {
		ret = kube_api_error(resp->status, resp->body.buf, resp->body.len, f);
		buf_release(&resp->body);
	}
	return ret;
}

int kube_parse_response(const char *body, size_t len, struct doc **out,
			struct fail *f)
{
	struct doc_reader *r;
	int ret;

	/* A list of 10,000 Trials: 0.15 s through libyaml, a third with cJSON. */
	*out = doc_from_json_exact(body, len);
	if (*out)
		return 0;
	doc_reader_open_mem(&r, "response", body, len, NULL);
	ret = doc_reader_next(r, out, f);
	doc_reader_free(r);
	if (ret <= 0 || (*out)->error || !(*out)->root) {
		doc_free(*out);
		*out = NULL;
		return fail_set(f, FAIL_PROTOCOL, "the server's answer is not JSON");
	}
	/* The text was the response body, which the caller frees. */
	(*out)->text = NULL;
	(*out)->len = 0;
	return 0;
}

int kube_get(struct kube_client *c, const char *path, struct doc **out,
	     struct fail *f)
{
	struct http_response resp;
	int ret;

	*out = NULL;
	if (call(c, "GET", path, NULL, &resp, f))
		return -1;
	ret = kube_parse_response(resp.body.buf, resp.body.len, out, f);
	buf_release(&resp.body);
	return ret;
}

int kube_list(struct kube_client *c, const char *path,
	      const char *label_selector, const char *field_selector,
	      kube_item_fn *fn, void *data, char **version, struct fail *f)
{
	char *cont = NULL;
	int ret = 0;

	if (version)
		*version = NULL;

	do {
		struct buf url = BUF_INIT;
		struct doc *d;
		const struct doc_node *items, *it;
		const char *next;

		buf_addf(&url, "%s%climit=%d", path, strchr(path, '?') ? '&' : '?', PAGE_SIZE);
		if (label_selector && *label_selector) {
			char *e = http_escape(label_selector);

			buf_addf(&url, "&labelSelector=%s", e);
			free(e);
		}
		if (field_selector && *field_selector) {
			char *e = http_escape(field_selector);

			buf_addf(&url, "&fieldSelector=%s", e);
			free(e);
		}
		if (cont) {
			char *e = http_escape(cont);

			buf_addf(&url, "&continue=%s", e);
			free(e);
		}
		ret = kube_get(c, url.buf, &d, f);
		buf_release(&url);
		free(cont);
		cont = NULL;
		if (ret)
			break;
		/* The first page's version: the later pages are of the same snapshot. */
		if (version && !*version) {
			const char *v = doc_str(doc_lookup(d->root, "metadata.resourceVersion"));

			*version = v && *v ? xstrdup(v) : NULL;
		}
		items = doc_get_kind(d->root, "items", DOC_SEQ);
		for (it = items ? items->child : NULL; it && !ret; it = it->next)
			ret = fn(data, it);
		next = doc_lookup(d->root, "metadata.continue") ? doc_str(doc_lookup(d->root, "metadata.continue")) : NULL;
		if (next && *next && !ret)
			cont = xstrdup(next);
		doc_free(d);
	} while (cont);
	return ret;
}

int kube_create(struct kube_client *c, const char *path, const char *json,
		int dry_run, struct doc **out, struct fail *f)
{
	struct http_response resp;
	struct buf url = BUF_INIT;
	int ret;

	*out = NULL;
	buf_addf(&url, "%s%s", path, dry_run ? (strchr(path, '?') ? "&dryRun=All" : "?dryRun=All") : "");
	ret = call(c, "POST", url.buf, json, &resp, f);
	buf_release(&url);
	if (ret)
		return -1;
	ret = kube_parse_response(resp.body.buf, resp.body.len, out, f);
	buf_release(&resp.body);
	return ret;
}

int kube_dry_run_create(struct kube_client *c, const char *path,
			const char *json, struct doc **status, struct fail *f)
{
	struct http_response resp;
	struct buf url = BUF_INIT;
	struct fail ignore = FAIL_INIT;
	int ret;

	*status = NULL;
	buf_addf(&url, "%s%s", path, strchr(path, '?') ? "&dryRun=All" : "?dryRun=All");
	ret = call_raw(c, "POST", url.buf, json, &resp, f);
	buf_release(&url);
	if (ret)
		return -1;
	if (resp.status >= 400) {
		/* A body that is no Status is no reason to lose the failure. */
		if (kube_parse_response(resp.body.buf, resp.body.len, status, &ignore))
			*status = NULL;
		ret = kube_api_error(resp.status, resp.body.buf, resp.body.len, f);
	}
	buf_release(&resp.body);
	return ret;
}

int kube_logs(struct kube_client *c, const char *ns, const char *pod,
	      const char *container, long tail_lines, size_t max_bytes,
	      struct buf *out, struct fail *f)
{
	struct http_response resp;
	struct buf path = BUF_INIT;
	char *ens = http_escape(ns), *epod = http_escape(pod);
	size_t cap = max_bytes ? max_bytes : (size_t)4 << 20;
	int ret;

	buf_addf(&path, "/api/v1/namespaces/%s/pods/%s/log?limitBytes=%zu", ens, epod, cap);
	if (container) {
		char *e = http_escape(container);

		buf_addf(&path, "&container=%s", e);
		free(e);
	}
	if (tail_lines > 0)
		buf_addf(&path, "&tailLines=%ld", tail_lines);
	free(ens);
	free(epod);
	ret = call(c, "GET", path.buf, NULL, &resp, f);
	buf_release(&path);
	if (ret)
		return -1;
	buf_add(out, resp.body.buf, resp.body.len < cap ? resp.body.len : cap);
	buf_release(&resp.body);
	return 0;
}

/*
 * ---- watches ----
 *
 * As client-go's reflector runs them: a watch on a list from a
 * resourceVersion, with bookmarks so that the version stays fresh, and
 * the server's timeoutSeconds; a watch the server ends is started again
 * from the last version seen.  Events are one JSON object per line.
 */

#define WATCH_TIMEOUT_S 300
#define MAX_EVENT ((size_t)16 << 20)

struct watch_stream {
	size_t id;			/* the caller's */
	char *path, *label_selector, *field_selector;
	char *version;			/* the last resourceVersion seen */
	struct buf line;		/* an event still arriving */
	char *url;			/* of the running request, for traces */
	long start_ms;
	size_t bytes;
	int running, auth_retried;
};

struct watch_event {
	size_t id;
	struct doc *doc;
};

struct kube_watch {
	struct kube_client *c;
	struct http_streams *streams;
	struct watch_stream *stream;
	size_t nr, alloc;
	struct watch_event *queue;
	size_t nr_queue, alloc_queue;
	struct fail failure;		/* the first, until a wait returns it */
};

static void watch_failed(struct kube_watch *w, const struct fail *f)
{
	if (w->failure.kind == FAIL_NONE)
		w->failure = *f;
}

/* One complete line of a stream: an event to queue, a bookmark or an error. */
static int watch_line(struct kube_watch *w, struct watch_stream *ws,
		      const char *line, size_t len)
{
	struct fail f = FAIL_INIT;
	struct doc *d = NULL;
	const struct doc_node *object;
	const char *type, *version;

	if (!len)
		return 0;
	if (kube_parse_response(line, len, &d, &f)) {
		fail_set(&f, FAIL_PROTOCOL, "a watch event from the server is not JSON");
		watch_failed(w, &f);
		return -1;
	}
	type = doc_get_str(d->root, "type");
	object = doc_get_kind(d->root, "object", DOC_MAP);
	if (!type || !object) {
		doc_free(d);
		fail_set(&f, FAIL_PROTOCOL, "a watch event from the server has no type or object");
		watch_failed(w, &f);
		return -1;
	}
	if (!strcmp(type, "ERROR")) {
		/* A Status: 410 Gone says the version is too old to go on from. */
		const struct doc_node *code = doc_get(object, "code");
		const char *message = doc_get_str(object, "message");
		const char *reason = doc_get_str(object, "reason");

		fail_set(&f, FAIL_HTTP, "Error from server (%s): %s",
			 reason && *reason ? reason : "Unknown",
			 message ? message : "the watch failed");
		f.http_status = code && doc_str(code) ? strtol(doc_str(code), NULL, 10) : 0;
		watch_failed(w, &f);
		doc_free(d);
		return -1;
	}
	version = doc_str(doc_lookup(object, "metadata.resourceVersion"));
	if (version && *version) {
		free(ws->version);
		ws->version = xstrdup(version);
	}
	if (!strcmp(type, "BOOKMARK")) {
		doc_free(d);
		return 0;
	}
	ALLOC_GROW(w->queue, w->nr_queue + 1, w->alloc_queue);
	w->queue[w->nr_queue].id = ws->id;
	w->queue[w->nr_queue++].doc = d;
	return 0;
}

static int watch_piece(void *data, size_t index, const char *piece, size_t len)
{
	struct kube_watch *w = data;
	struct watch_stream *ws = &w->stream[index];
	size_t start = 0, i;

	ws->bytes += len;
	if (buf_add(&ws->line, piece, len)) {
		struct fail f = FAIL_INIT;

		fail_set(&f, FAIL_TOO_LARGE, "a watch event from the server is larger than %zu bytes",
			 MAX_EVENT);
		watch_failed(w, &f);
		return 1;
	}
	for (i = 0; i < ws->line.len; i++) {
		if (ws->line.buf[i] != '\n')
			continue;
		if (watch_line(w, ws, ws->line.buf + start, i - start))
			return 1;
		start = i + 1;
	}
	buf_remove_head(&ws->line, start);
	return 0;
}

static void watch_end(void *data, const struct http_stream_end *e)
{
	struct kube_watch *w = data;
	struct watch_stream *ws = &w->stream[e->id];
	struct fail f = FAIL_INIT;

	ws->running = 0;
	emit_trace(w->c, "GET", ws->url, e->status, ws->start_ms, ws->bytes);
	buf_reset(&ws->line);
	if (e->failure) {
		watch_failed(w, e->failure);
	} else if (e->stopped) {
		/* watch_piece has said why. */
	} else if (e->status == 401 && w->c->cfg->exec && !ws->auth_retried) {
		/* The credential may have expired: the next start fetches one. */
		ws->auth_retried = 2;
	} else if (e->status >= 300) {
		kube_api_error(e->status, e->error_body, e->error_len, &f);
		watch_failed(w, &f);
	} else {
		ws->auth_retried = 0;
	}
}

int kube_watch_new(struct kube_client *c, struct kube_watch **out, struct fail *f)
{
	struct kube_watch *w = xcalloc(1, sizeof(*w));

	w->c = c;
	if (http_streams_new(&w->streams, watch_piece, watch_end, w, f)) {
		free(w);
		*out = NULL;
		return -1;
	}
	*out = w;
	return 0;
}

static int watch_start(struct kube_watch *w, size_t index, struct fail *f)
{
	struct watch_stream *ws = &w->stream[index];
	struct kube_client *c = w->c;
	struct http_target target;
	struct buf url = BUF_INIT;

	if (credentials(c, ws->auth_retried == 2, f))
		return -1;
	if (ws->auth_retried == 2)
		ws->auth_retried = 1;
	buf_addf(&url, "%s%s%cwatch=1&allowWatchBookmarks=true&timeoutSeconds=%d",
		 c->cfg->server, ws->path, strchr(ws->path, '?') ? '&' : '?', WATCH_TIMEOUT_S);
	if (ws->version) {
		char *e = http_escape(ws->version);

		buf_addf(&url, "&resourceVersion=%s", e);
		free(e);
	}
	if (ws->label_selector && *ws->label_selector) {
		char *e = http_escape(ws->label_selector);

		buf_addf(&url, "&labelSelector=%s", e);
		free(e);
	}
	if (ws->field_selector && *ws->field_selector) {
		char *e = http_escape(ws->field_selector);

		buf_addf(&url, "&fieldSelector=%s", e);
		free(e);
	}
	target = c->target;
	/* The server ends the watch; the client's bound only guards a silent peer. */
	target.timeout_ms = (WATCH_TIMEOUT_S + 30) * 1000L;
	free(ws->url);
	ws->url = buf_detach(&url, NULL);
	ws->start_ms = monotonic_ms();
	ws->bytes = 0;
	c->requests++;
	if (http_stream_start(w->streams, &target, ws->url, index, f))
		return -1;
	ws->running = 1;
	return 0;
}

int kube_watch_add(struct kube_watch *w, size_t id, const char *path,
		   const char *label_selector, const char *field_selector,
		   const char *resource_version, struct fail *f)
{
	struct watch_stream *ws;

	ALLOC_GROW(w->stream, w->nr + 1, w->alloc);
	ws = &w->stream[w->nr++];
	memset(ws, 0, sizeof(*ws));
	ws->id = id;
	ws->path = xstrdup(path);
	ws->label_selector = label_selector ? xstrdup(label_selector) : NULL;
	ws->field_selector = field_selector ? xstrdup(field_selector) : NULL;
	ws->version = resource_version && *resource_version ? xstrdup(resource_version) : NULL;
	buf_init(&ws->line, MAX_EVENT);
	return watch_start(w, w->nr - 1, f);
}

static void drop_queue(struct kube_watch *w, size_t from)
{
	size_t i;

	for (i = from; i < w->nr_queue; i++)
		doc_free(w->queue[i].doc);
	w->nr_queue = 0;
}

int kube_watch_wait(struct kube_watch *w, long timeout_ms, kube_event_fn *fn,
		    void *data, struct fail *f)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < w->nr && w->failure.kind == FAIL_NONE; i++)
		if (!w->stream[i].running && watch_start(w, i, &w->failure))
			break;
	if (w->failure.kind == FAIL_NONE)
		http_streams_wait(w->streams, timeout_ms, &w->failure);
	for (i = 0; i < w->nr_queue && !ret; i++) {
		struct kube_event e;

		e.id = w->queue[i].id;
		e.type = doc_get_str(w->queue[i].doc->root, "type");
		e.object = doc_get(w->queue[i].doc->root, "object");
		ret = fn(data, &e);
		doc_free(w->queue[i].doc);
	}
	drop_queue(w, i);
	if (ret)
		return ret;
	if (w->failure.kind != FAIL_NONE) {
		*f = w->failure;
		fail_clear(&w->failure);
		return -1;
	}
	return 0;
}

void kube_watch_free(struct kube_watch *w)
{
	size_t i;

	if (!w)
		return;
	http_streams_free(w->streams);
	drop_queue(w, 0);
	free(w->queue);
	for (i = 0; i < w->nr; i++) {
		struct watch_stream *ws = &w->stream[i];

		free(ws->path);
		free(ws->label_selector);
		free(ws->field_selector);
		free(ws->version);
		free(ws->url);
		buf_release(&ws->line);
	}
	free(w->stream);
	free(w);
}
