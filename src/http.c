#include "compat.h"
#include "http.h"
#include "alloc.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <time.h>

#define DEFAULT_TIMEOUT_MS 30000
#define DEFAULT_MAX_RESPONSE ((size_t)64 << 20)

/*
 * libcurl is loaded on the first request, not linked: it pulls in some
 * 37 shared objects (TLS, Kerberos, LDAP, ...) whose relocation and
 * constructors cost about 4 ms, more than an offline validate of a file
 * takes.  Commands that never talk to a cluster never load it.  The
 * headers still give the types and constants; the pointers below have
 * curl.h's prototypes, variadic ones included.
 */
#define LIBCURL "libcurl.so.4"

static struct {
	void *handle;
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
	CURLcode (*easy_perform)(CURL *curl);
	CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *curl);
	const char *(*easy_strerror)(CURLcode code);
	struct curl_slist *(*slist_append)(struct curl_slist *list,
					   const char *string);
	void (*slist_free_all)(struct curl_slist *list);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_add_handle)(CURLM *m, CURL *h);
	CURLMcode (*multi_remove_handle)(CURLM *m, CURL *h);
	CURLMcode (*multi_perform)(CURLM *m, int *running);
	CURLMcode (*multi_poll)(CURLM *m, struct curl_waitfd extra[],
				unsigned extra_nfds, int timeout_ms, int *numfds);
	CURLMsg *(*multi_info_read)(CURLM *m, int *queued);
	CURLMcode (*multi_cleanup)(CURLM *m);
} curl;

static const struct {
	const char *name;
	void *slot;		/* points at one of curl's function pointers */
} curl_symbols[] = {
	{ "curl_global_init", &curl.global_init },
	{ "curl_global_cleanup", &curl.global_cleanup },
	{ "curl_easy_init", &curl.easy_init },
	{ "curl_easy_setopt", &curl.easy_setopt },
	{ "curl_easy_perform", &curl.easy_perform },
	{ "curl_easy_getinfo", &curl.easy_getinfo },
	{ "curl_easy_cleanup", &curl.easy_cleanup },
	{ "curl_easy_strerror", &curl.easy_strerror },
	{ "curl_slist_append", &curl.slist_append },
	{ "curl_slist_free_all", &curl.slist_free_all },
	{ "curl_multi_init", &curl.multi_init },
	{ "curl_multi_add_handle", &curl.multi_add_handle },
	{ "curl_multi_remove_handle", &curl.multi_remove_handle },
	{ "curl_multi_perform", &curl.multi_perform },
	{ "curl_multi_poll", &curl.multi_poll },
	{ "curl_multi_info_read", &curl.multi_info_read },
	{ "curl_multi_cleanup", &curl.multi_cleanup },
};

/* dlerror() names the file first; the caller's message already does. */
static const char *load_error(void)
{
	const char *e = dlerror();

	if (!e)
		return "unknown error";
	if (!strncmp(e, LIBCURL ": ", strlen(LIBCURL ": ")))
		e += strlen(LIBCURL ": ");
	return e;
}

static int http_init(struct fail *f)
{
	size_t i;

	if (curl.handle)
		return 0;
	curl.handle = dlopen(LIBCURL, RTLD_NOW | RTLD_LOCAL);
	if (!curl.handle)
		return fail_set(f, FAIL_IO, "cannot load " LIBCURL ": %s; install libcurl4",
				load_error());
	for (i = 0; i < ARRAY_SIZE(curl_symbols); i++) {
		void *sym = dlsym(curl.handle, curl_symbols[i].name);

		if (!sym) {
			fail_set(f, FAIL_IO, "cannot load " LIBCURL ": %s; install libcurl4",
				 load_error());
			dlclose(curl.handle);
			memset(&curl, 0, sizeof(curl));
			return -1;
		}
		/* POSIX: a function pointer has a data pointer's representation. */
		memcpy(curl_symbols[i].slot, &sym, sizeof(sym));
	}
	if (curl.global_init(CURL_GLOBAL_DEFAULT)) {
		dlclose(curl.handle);
		memset(&curl, 0, sizeof(curl));
		return fail_set(f, FAIL_IO, "cannot initialise " LIBCURL);
	}
	return 0;
}

void http_release(void)
{
	if (!curl.handle)
		return;
	curl.global_cleanup();
	dlclose(curl.handle);
	memset(&curl, 0, sizeof(curl));
}

struct sink {
	struct buf *body;
	int too_large;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *data)
{
	struct sink *s = data;

	if (buf_add(s->body, ptr, size * nmemb)) {
		s->too_large = 1;
		return 0;	/* makes libcurl stop with CURLE_WRITE_ERROR */
	}
	return size * nmemb;
}

static void blob(CURL *h, CURLoption opt, const char *pem)
{
	struct curl_blob b;

	b.data = (void *)pem;
	b.len = strlen(pem);
	b.flags = CURL_BLOB_COPY;
	curl.easy_setopt(h, opt, &b);
}

/*
 * tls-server-name: verify (and send SNI for) another name than the URL's
 * host.  libcurl verifies the URL's host, so the URL names the TLS name
 * and CONNECT_TO sends the connection to the real host.
 */
static struct curl_slist *connect_to(const struct http_target *t,
				     const char *url, struct buf *rewritten)
{
	const char *host = strstr(url, "://"), *end, *port, *path;
	struct buf entry = BUF_INIT;
	struct curl_slist *list;

	if (!t->tls_server_name || !host)
		return NULL;
	host += 3;
	path = strchr(host, '/');
	end = path ? path : host + strlen(host);
	port = host[0] == '[' ? memchr(host, ']', (size_t)(end - host)) : host;
	port = port ? memchr(port, ':', (size_t)(end - port)) : NULL;
	buf_addf(&entry, "%s:%.*s:%.*s:%.*s", t->tls_server_name,
		 port ? (int)(end - port - 1) : 3, port ? port + 1 : "443",
		 (int)((port ? port : end) - host), host,
		 port ? (int)(end - port - 1) : 3, port ? port + 1 : "443");
	buf_addf(rewritten, "%.*s%s%.*s%s", (int)(host - url), url, t->tls_server_name,
		 port ? (int)(end - port) : 0, port ? port : "", end);
	list = curl.slist_append(NULL, entry.buf);
	buf_release(&entry);
	return list;
}

/* What a request's options point at, kept until it ends. */
struct request_setup {
	struct curl_slist *headers, *redirect;
	struct buf sni_url, auth, ctype;
};

static void setup_request(CURL *h, const struct http_target *t, const char *method,
			  const char *url, const char *content_type, const char *body,
			  size_t body_len, struct request_setup *rs)
{
	memset(rs, 0, sizeof(*rs));
	buf_init(&rs->sni_url, 0);
	buf_init(&rs->auth, 0);
	buf_init(&rs->ctype, 0);
	rs->redirect = connect_to(t, url, &rs->sni_url);
	curl.easy_setopt(h, CURLOPT_URL, rs->redirect ? rs->sni_url.buf : url);
	if (rs->redirect)
		curl.easy_setopt(h, CURLOPT_CONNECT_TO, rs->redirect);
	curl.easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, t->timeout_ms ? t->timeout_ms : DEFAULT_TIMEOUT_MS);
	curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl.easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl.easy_setopt(h, CURLOPT_USERAGENT, "kubectl-katib");
	/* Never follow redirects: a credential must not go elsewhere. */
	curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	if (!strcmp(method, "HEAD"))
		curl.easy_setopt(h, CURLOPT_NOBODY, 1L);
	if (body) {
		curl.easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	}
	rs->headers = curl.slist_append(rs->headers, "Accept: application/json, */*");
	if (content_type) {
		buf_addf(&rs->ctype, "Content-Type: %s", content_type);
		rs->headers = curl.slist_append(rs->headers, rs->ctype.buf);
	}
	if (t->bearer) {
		buf_addf(&rs->auth, "Authorization: Bearer %s", t->bearer);
		rs->headers = curl.slist_append(rs->headers, rs->auth.buf);
	}
	curl.easy_setopt(h, CURLOPT_HTTPHEADER, rs->headers);
	if (t->ca_file)
		curl.easy_setopt(h, CURLOPT_CAINFO, t->ca_file);
	if (t->ca_data)
		blob(h, CURLOPT_CAINFO_BLOB, t->ca_data);
	if (t->cert_file)
		curl.easy_setopt(h, CURLOPT_SSLCERT, t->cert_file);
	if (t->key_file)
		curl.easy_setopt(h, CURLOPT_SSLKEY, t->key_file);
	if (t->cert_data)
		blob(h, CURLOPT_SSLCERT_BLOB, t->cert_data);
	if (t->key_data)
		blob(h, CURLOPT_SSLKEY_BLOB, t->key_data);
	if (t->insecure) {
		curl.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (t->proxy_url)
		curl.easy_setopt(h, CURLOPT_PROXY, t->proxy_url);
}

static void setup_release(struct request_setup *rs)
{
	/* Wipe the header that carried the token before the memory is reused. */
	if (rs->auth.len)
		memset(rs->auth.buf, 0, rs->auth.len);
	buf_release(&rs->auth);
	buf_release(&rs->ctype);
	curl.slist_free_all(rs->headers);
	curl.slist_free_all(rs->redirect);
	buf_release(&rs->sni_url);
	rs->headers = rs->redirect = NULL;
}

/* The failure a transfer that ended with rc means. */
static int transfer_failure(const char *url, CURLcode rc, const char *errbuf,
			    struct fail *f)
{
	char *shown = http_redact_url(url);

	fail_set(f, FAIL_IO, "cannot reach %s: %s", shown,
		 *errbuf ? errbuf : curl.easy_strerror(rc));
	free(shown);
	return -1;
}

static int once(const struct http_target *t, const char *method,
		const char *url, const char *content_type, const char *body,
		size_t body_len, struct http_response *resp, struct fail *f,
		int *retryable)
{
	CURL *h = curl.easy_init();
	struct request_setup rs;
	struct sink sink;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;
	curl_off_t retry_after = 0;

	if (!h)
		return fail_set(f, FAIL_IO, "cannot start an HTTP request");
	buf_reset(&resp->body);
	sink.body = &resp->body;
	sink.too_large = 0;
	setup_request(h, t, method, url, content_type, body, body_len, &rs);
	curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl.easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	curl.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	rc = curl.easy_perform(h);
	setup_release(&rs);
	*retryable = 0;
	if (sink.too_large) {
		char *shown = http_redact_url(url);

		curl.easy_cleanup(h);
		fail_set(f, FAIL_TOO_LARGE, "the response from %s is larger than %zu bytes",
			 shown, resp->body.max);
		free(shown);
		return -1;
	}
	if (rc != CURLE_OK) {
		*retryable = rc == CURLE_COULDNT_CONNECT || rc == CURLE_RECV_ERROR ||
			     rc == CURLE_SEND_ERROR || rc == CURLE_GOT_NOTHING ||
			     rc == CURLE_PARTIAL_FILE;
		transfer_failure(url, rc, errbuf, f);
		curl.easy_cleanup(h);
		return -1;
	}
	curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
	curl.easy_getinfo(h, CURLINFO_RETRY_AFTER, &retry_after);
	resp->retry_after = (long)retry_after;
	curl.easy_cleanup(h);
	*retryable = resp->status == 429 || resp->status >= 500;
	return 0;
}

int http_request(const struct http_target *t, const char *method,
		 const char *url, const char *content_type, const char *body,
		 size_t body_len, struct http_response *resp, struct fail *f)
{
	int idempotent = !strcmp(method, "GET") || !strcmp(method, "HEAD");
	unsigned attempt, tries = idempotent ? t->retries + 1 : 1;
	long backoff_ms = 200;
	int ret = -1;

	buf_init(&resp->body, t->max_response ? t->max_response : DEFAULT_MAX_RESPONSE);
	resp->status = 0;
	resp->retry_after = 0;
	if (http_init(f))
		return -1;
	for (attempt = 0; attempt < tries; attempt++) {
		int retryable = 0;
		struct timespec ts;
		long wait_ms;

		ret = once(t, method, url, content_type, body, body_len, resp, f, &retryable);
		if (!retryable || attempt + 1 == tries)
			break;
		/* Retry-After wins; else a doubling backoff, both capped. */
		wait_ms = resp->retry_after > 0 ? resp->retry_after * 1000 : backoff_ms;
		if (wait_ms > 10000)
			wait_ms = 10000;
		backoff_ms *= 2;
		ts.tv_sec = wait_ms / 1000;
		ts.tv_nsec = (wait_ms % 1000) * 1000000L;
		nanosleep(&ts, NULL);
		fail_clear(f);
	}
	return ret;
}

char *http_redact_url(const char *url)
{
	const char *auth = strstr(url, "://"), *end, *at, *colon;
	struct buf b = BUF_INIT;

	if (!auth)
		return xstrdup(url);
	auth += 3;
	end = auth + strcspn(auth, "/?#");
	/* The last '@': an unescaped one in the password must not split it. */
	for (at = end; at > auth && at[-1] != '@'; at--)
		;
	at = at > auth ? at - 1 : NULL;
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (!colon)
		return xstrdup(url);
	buf_add(&b, url, (size_t)(colon + 1 - url));
	buf_adds(&b, "xxxxx");
	buf_adds(&b, at);
	return buf_detach(&b, NULL);
}

/* As curl_easy_escape: all but RFC 3986's unreserved characters. */
char *http_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf out = BUF_INIT;
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~') {
			buf_addch(&out, *p);
		} else {
			char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };

			buf_add(&out, esc, 3);
		}
	}
	return buf_detach(&out, NULL);
}

/*
 * ---- streams: long GETs whose bodies are read as they arrive ----
 *
 * A watch never ends by itself, so several run at once over one multi
 * handle and the caller waits on all of them.
 */

#define MAX_ERROR_BODY ((size_t)64 << 10)

struct http_stream {
	struct http_streams *set;
	CURL *h;
	size_t id;
	char *url;
	struct request_setup rs;
	struct buf error_body;	/* the body of a non-2xx answer */
	char errbuf[CURL_ERROR_SIZE];
	int stopped;		/* the piece callback asked to stop */
};

struct http_streams {
	CURLM *multi;
	struct http_stream **item;
	size_t nr, alloc;
	http_piece_fn *piece;
	http_end_fn *end;
	void *data;
};

int http_streams_new(struct http_streams **out, http_piece_fn *piece,
		     http_end_fn *end, void *data, struct fail *f)
{
	struct http_streams *s;

	*out = NULL;
	if (http_init(f))
		return -1;
	s = xcalloc(1, sizeof(*s));
	s->multi = curl.multi_init();
	if (!s->multi) {
		free(s);
		return fail_set(f, FAIL_IO, "cannot start HTTP streams");
	}
	s->piece = piece;
	s->end = end;
	s->data = data;
	*out = s;
	return 0;
}

static size_t on_piece(char *ptr, size_t size, size_t nmemb, void *data)
{
	struct http_stream *st = data;
	size_t len = size * nmemb;
	long status = 0;

	curl.easy_getinfo(st->h, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299) {
		/* An error's body is for its message: what fits is enough. */
		if (st->error_body.len < MAX_ERROR_BODY)
			buf_add(&st->error_body, ptr,
				len < MAX_ERROR_BODY - st->error_body.len
					? len : MAX_ERROR_BODY - st->error_body.len);
		return len;
	}
	if (st->set->piece(st->set->data, st->id, ptr, len)) {
		st->stopped = 1;
		return 0;	/* makes libcurl end it with CURLE_WRITE_ERROR */
	}
	return len;
}

int http_stream_start(struct http_streams *s, const struct http_target *t,
		      const char *url, size_t id, struct fail *f)
{
	struct http_stream *st;

	st = xcalloc(1, sizeof(*st));
	st->h = curl.easy_init();
	if (!st->h) {
		free(st);
		return fail_set(f, FAIL_IO, "cannot start an HTTP request");
	}
	st->set = s;
	st->id = id;
	st->url = xstrdup(url);
	buf_init(&st->error_body, 0);
	setup_request(st->h, t, "GET", url, NULL, NULL, 0, &st->rs);
	curl.easy_setopt(st->h, CURLOPT_WRITEFUNCTION, on_piece);
	curl.easy_setopt(st->h, CURLOPT_WRITEDATA, st);
	curl.easy_setopt(st->h, CURLOPT_ERRORBUFFER, st->errbuf);
	curl.easy_setopt(st->h, CURLOPT_PRIVATE, st);
	/* A quiet watch is normal; a dead peer must still be noticed. */
	curl.easy_setopt(st->h, CURLOPT_TCP_KEEPALIVE, 1L);
	if (curl.multi_add_handle(s->multi, st->h) != CURLM_OK) {
		setup_release(&st->rs);
		curl.easy_cleanup(st->h);
		free(st->url);
		free(st);
		return fail_set(f, FAIL_IO, "cannot start an HTTP request");
	}
	ALLOC_GROW(s->item, s->nr + 1, s->alloc);
	s->item[s->nr++] = st;
	return 0;
}

static void stream_free(struct http_streams *s, struct http_stream *st)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		if (s->item[i] == st) {
			s->item[i] = s->item[--s->nr];
			break;
		}
	curl.multi_remove_handle(s->multi, st->h);
	setup_release(&st->rs);
	curl.easy_cleanup(st->h);
	buf_release(&st->error_body);
	free(st->url);
	free(st);
}

/* Tells the owner how each finished stream ended, and frees it. */
static void reap(struct http_streams *s)
{
	CURLMsg *msg;
	int queued;

	while ((msg = curl.multi_info_read(s->multi, &queued))) {
		struct http_stream *st = NULL;
		struct http_stream_end e;
		struct fail f = FAIL_INIT;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl.easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&st);
		memset(&e, 0, sizeof(e));
		e.id = st->id;
		e.stopped = st->stopped;
		if (msg->data.result != CURLE_OK && !st->stopped)
			transfer_failure(st->url, msg->data.result, st->errbuf, &f);
		else
			curl.easy_getinfo(st->h, CURLINFO_RESPONSE_CODE, &e.status);
		e.failure = f.kind != FAIL_NONE ? &f : NULL;
		e.error_body = st->error_body.buf ? st->error_body.buf : "";
		e.error_len = st->error_body.len;
		s->end(s->data, &e);
		stream_free(s, st);
		fail_clear(&f);
	}
}

int http_streams_wait(struct http_streams *s, long timeout_ms, struct fail *f)
{
	int running = 0, numfds = 0;

	if (curl.multi_perform(s->multi, &running) != CURLM_OK)
		return fail_set(f, FAIL_IO, "HTTP streams failed");
	reap(s);
	if (!s->nr)
		return 0;
	/* A signal ends the wait early: the caller looks at its flags. */
	if (curl.multi_poll(s->multi, NULL, 0, (int)timeout_ms, &numfds) != CURLM_OK)
		return fail_set(f, FAIL_IO, "HTTP streams failed");
	if (curl.multi_perform(s->multi, &running) != CURLM_OK)
		return fail_set(f, FAIL_IO, "HTTP streams failed");
	reap(s);
	return 0;
}

size_t http_streams_running(const struct http_streams *s)
{
	return s->nr;
}

void http_streams_free(struct http_streams *s)
{
	if (!s)
		return;
	while (s->nr)
		stream_free(s, s->item[s->nr - 1]);
	free(s->item);
	curl.multi_cleanup(s->multi);
	free(s);
}
