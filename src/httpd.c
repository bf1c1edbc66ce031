#include "compat.h"
#include "httpd.h"
#include "alloc.h"
#include "arena.h"
#include "buf.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

/* Room for a server certificate and its intermediates. */
#define MAX_CHAIN 8

/*
 * libmicrohttpd and GnuTLS are loaded when a server starts, not linked:
 * GnuTLS brings some 14 shared objects whose relocation and constructors
 * doubled the start-up time of every command (a one-file validate went
 * from 1.0 to 2.2 ms), and only `webhook serve` needs them.  The headers
 * still give the types and constants; each pointer below takes the type
 * of the function it is resolved for, so a call is checked against the
 * real prototype, variadic ones included.
 */
#define LIBMHD "libmicrohttpd.so.12"
#define LIBMHD_PACKAGE "libmicrohttpd12"
#define LIBGNUTLS "libgnutls.so.30"
#define LIBGNUTLS_PACKAGE "libgnutls30"

/* X(library, function) for each function this file calls. */
#define HTTPD_FUNCTIONS(X) \
	X(mhd, MHD_start_daemon) \
	X(mhd, MHD_stop_daemon) \
	X(mhd, MHD_quiesce_daemon) \
	X(mhd, MHD_get_daemon_info) \
	X(mhd, MHD_get_connection_info) \
	X(mhd, MHD_lookup_connection_value) \
	X(mhd, MHD_create_response_from_buffer) \
	X(mhd, MHD_create_response_from_callback) \
	X(mhd, MHD_set_connection_option) \
	X(mhd, MHD_add_response_header) \
	X(mhd, MHD_queue_response) \
	X(mhd, MHD_destroy_response) \
	X(gnutls, gnutls_strerror) \
	X(gnutls, gnutls_pcert_list_import_x509_raw) \
	X(gnutls, gnutls_pcert_deinit) \
	X(gnutls, gnutls_privkey_init) \
	X(gnutls, gnutls_privkey_import_x509_raw) \
	X(gnutls, gnutls_privkey_sign_data) \
	X(gnutls, gnutls_privkey_deinit) \
	X(gnutls, gnutls_pubkey_get_pk_algorithm) \
	X(gnutls, gnutls_pubkey_verify_data2) \
	X(gnutls, gnutls_pk_to_sign) \
	X(gnutls, gnutls_certificate_verify_peers2) \
	X(gnutls, gnutls_certificate_get_peers)

#define DECLARE(lib, fn) __typeof__(fn) *fn;
static struct {
	void *mhd, *gnutls;	/* dlopen() handles; NULL when not loaded */
	HTTPD_FUNCTIONS(DECLARE)
	/* gnutls_free is a variable holding GnuTLS's deallocator. */
	gnutls_free_function free;
} dl;
#undef DECLARE

/* A library, and the package that installs it on Debian-like systems. */
struct library {
	const char *file, *package;
	void **handle;
};

static const struct library mhd_lib = { LIBMHD, LIBMHD_PACKAGE, &dl.mhd };
static const struct library gnutls_lib = { LIBGNUTLS, LIBGNUTLS_PACKAGE, &dl.gnutls };

#define SYMBOL(lib, fn) { &lib##_lib, #fn, &dl.fn },
static const struct {
	const struct library *lib;
	const char *name;
	void *slot;		/* points at one of dl's function pointers */
} symbols[] = {
	HTTPD_FUNCTIONS(SYMBOL)
};
#undef SYMBOL

/*
 * dlerror() starts with the file it failed on (a path, for dlsym()); the
 * message already names the library, so that part goes.
 */
static const char *load_error(const char *file)
{
	const char *e = dlerror(), *p;

	if (!e)
		return "unknown error";
	p = strstr(e, file);
	if (p && !strncmp(p + strlen(file), ": ", 2) &&
	    (p == e || (p[-1] == '/' && !memchr(e, ' ', (size_t)(p - e)))))
		return p + strlen(file) + 2;
	return e;
}

static int load_failed(const struct library *lib, struct fail *f)
{
	return fail_set(f, FAIL_IO, "cannot load %s: %s; install %s", lib->file,
			load_error(lib->file), lib->package);
}

static int httpd_load(struct fail *f)
{
	const struct library *libs[] = { &mhd_lib, &gnutls_lib };
	void *sym;
	size_t i;

	if (dl.mhd)
		return 0;
	/*
	 * libmicrohttpd first: it loads the GnuTLS it was built with, and
	 * opening libgnutls.so.30 then finds that same copy, whose
	 * certificates and keys MHD's sessions accept.
	 */
	for (i = 0; i < ARRAY_SIZE(libs); i++) {
		*libs[i]->handle = dlopen(libs[i]->file, RTLD_NOW | RTLD_LOCAL);
		if (!*libs[i]->handle) {
			load_failed(libs[i], f);
			goto fail;
		}
	}
	for (i = 0; i < ARRAY_SIZE(symbols); i++) {
		const struct library *lib = symbols[i].lib;

		if (!(sym = dlsym(*lib->handle, symbols[i].name))) {
			load_failed(lib, f);
			goto fail;
		}
		/* POSIX: a function pointer has a data pointer's representation. */
		memcpy(symbols[i].slot, &sym, sizeof(sym));
	}
	if (!(sym = dlsym(dl.gnutls, "gnutls_free"))) {
		load_failed(&gnutls_lib, f);
		goto fail;
	}
	dl.free = *(gnutls_free_function *)sym;
	return 0;
fail:
	httpd_release();
	return -1;
}

void httpd_release(void)
{
	/* Unloaded in the reverse order, each only when loaded. */
	if (dl.gnutls)
		dlclose(dl.gnutls);
	if (dl.mhd)
		dlclose(dl.mhd);
	memset(&dl, 0, sizeof(dl));
}

/* One certificate chain with its key, as GnuTLS serves it. */
struct cred {
	gnutls_pcert_st pcert[MAX_CHAIN];
	unsigned nr_pcert;
	gnutls_privkey_t key;
	/*
	 * Replaced pairs are kept until httpd_stop(): a handshake that
	 * picked one up may still be using it, and replacements are rare.
	 */
	struct cred *older;
};

struct httpd {
	struct MHD_Daemon *daemon;
	struct httpd_options o;
	unsigned port;
	pthread_mutex_t lock;	/* guards cred */
	struct cred *cred;
	atomic_uint in_flight;
};

struct request {
	struct buf body;
	struct timespec start;
	size_t seen;		/* body bytes received, kept or not */
	unsigned status;	/* what was queued, 0 before */
	int too_large;		/* the body went past max_body */
	char *note;
	const char *error;	/* static */
	char remote[INET6_ADDRSTRLEN];
	char *method, *path;
};

static double since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void cred_free(struct cred *c)
{
	unsigned i;

	while (c) {
		struct cred *older = c->older;

		for (i = 0; i < c->nr_pcert; i++)
			dl.gnutls_pcert_deinit(&c->pcert[i]);
		if (c->key)
			dl.gnutls_privkey_deinit(c->key);
		free(c);
		c = older;
	}
}

/* The key must sign what the certificate's public key verifies. */
static int key_matches(struct cred *c)
{
	static const char probe[] = "kubectl-katib key check";
	gnutls_datum_t data = { (unsigned char *)probe, sizeof(probe) - 1 };
	gnutls_datum_t sig = { NULL, 0 };
	gnutls_sign_algorithm_t algo;
	int pk, ok;

	pk = dl.gnutls_pubkey_get_pk_algorithm(c->pcert[0].pubkey, NULL);
	algo = dl.gnutls_pk_to_sign((gnutls_pk_algorithm_t)pk, GNUTLS_DIG_SHA256);
	if (dl.gnutls_privkey_sign_data(c->key, GNUTLS_DIG_SHA256, 0, &data, &sig) < 0)
		return 0;
	ok = dl.gnutls_pubkey_verify_data2(c->pcert[0].pubkey, algo, 0, &data, &sig) >= 0;
	dl.free(sig.data);
	return ok;
}

static struct cred *cred_load(const char *cert_pem, const char *key_pem,
			      struct fail *f)
{
	struct cred *c = xcalloc(1, sizeof(*c));
	gnutls_datum_t cert = { (unsigned char *)cert_pem, (unsigned)strlen(cert_pem) };
	gnutls_datum_t key = { (unsigned char *)key_pem, (unsigned)strlen(key_pem) };
	unsigned n = MAX_CHAIN;
	int ret;

	ret = dl.gnutls_pcert_list_import_x509_raw(c->pcert, &n, &cert,
						GNUTLS_X509_FMT_PEM, 0);
	if (ret < 0 || !n) {
		fail_set(f, FAIL_PROTOCOL, "the certificate cannot be read: %s",
			 ret < 0 ? dl.gnutls_strerror(ret) : "no certificate in it");
		free(c);
		return NULL;
	}
	c->nr_pcert = n;
	if ((ret = dl.gnutls_privkey_init(&c->key)) < 0 ||
	    (ret = dl.gnutls_privkey_import_x509_raw(c->key, &key, GNUTLS_X509_FMT_PEM,
						  NULL, 0)) < 0) {
		fail_set(f, FAIL_PROTOCOL, "the key cannot be read: %s",
			 dl.gnutls_strerror(ret));
		cred_free(c);
		return NULL;
	}
	if (!key_matches(c)) {
		fail_set(f, FAIL_PROTOCOL, "the key does not belong to the certificate");
		cred_free(c);
		return NULL;
	}
	return c;
}

int httpd_check_cert(const char *cert_pem, const char *key_pem, struct fail *f)
{
	struct cred *c;

	if (httpd_load(f))
		return -1;
	c = cred_load(cert_pem, key_pem, f);
	cred_free(c);
	return c ? 0 : -1;
}

/*
 * MHD starts one daemon per listening socket and TLS setup; the daemon's
 * closure cannot be reached from GnuTLS's callback, so the one server
 * that uses it is found here.  (Several HTTPS servers in one process
 * would need GnuTLS session data; we run one.)
 */
static struct httpd *tls_server;

static int retrieve_cert(gnutls_session_t session UNUSED,
			 const gnutls_datum_t *req_ca_dn UNUSED, int nreqs UNUSED,
			 const gnutls_pk_algorithm_t *pk_algos UNUSED,
			 int pk_algos_length UNUSED, gnutls_pcert_st **pcert,
			 unsigned int *pcert_length, gnutls_privkey_t *key)
{
	struct httpd *h = tls_server;

	if (!h)
		return -1;
	pthread_mutex_lock(&h->lock);
	*pcert = h->cred->pcert;
	*pcert_length = h->cred->nr_pcert;
	*key = h->cred->key;
	pthread_mutex_unlock(&h->lock);
	return 0;
}

int httpd_set_cert(struct httpd *h, const char *cert_pem, const char *key_pem,
		   struct fail *f)
{
	struct cred *c = cred_load(cert_pem, key_pem, f);

	if (!c)
		return -1;
	pthread_mutex_lock(&h->lock);
	c->older = h->cred;
	h->cred = c;
	pthread_mutex_unlock(&h->lock);
	return 0;
}

static enum MHD_Result send_reply(struct MHD_Connection *c, struct request *req,
				  unsigned status, const char *type, char *body,
				  size_t len, const char *retry_after)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = dl.MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	dl.MHD_add_response_header(r, "Content-Type", type);
	if (retry_after)
		dl.MHD_add_response_header(r, "Retry-After", retry_after);
	ret = dl.MHD_queue_response(c, status, r);
	dl.MHD_destroy_response(r);
	if (ret == MHD_YES)
		req->status = status;
	return ret;
}

/* A streamed reply: the handler's body first, then its stream. */
struct stream {
	char *body;
	size_t len, sent;
	long (*more)(void *data, char *buf, size_t max);
	void (*free)(void *data);
	void *data;
};

static ssize_t stream_read(void *cls, uint64_t pos UNUSED, char *buf, size_t max)
{
	struct stream *st = cls;
	long n;

	if (st->sent < st->len) {
		size_t k = st->len - st->sent < max ? st->len - st->sent : max;

		memcpy(buf, st->body + st->sent, k);
		st->sent += k;
		return (ssize_t)k;
	}
	n = st->more(st->data, buf, max);
	return n < 0 ? MHD_CONTENT_READER_END_OF_STREAM : (ssize_t)n;
}

static void stream_done(void *cls)
{
	struct stream *st = cls;

	if (st->free)
		st->free(st->data);
	free(st->body);
	free(st);
}

static enum MHD_Result send_stream(struct MHD_Connection *c, struct request *req,
				   struct httpd_reply *reply)
{
	struct stream *st = xcalloc(1, sizeof(*st));
	struct MHD_Response *r;
	enum MHD_Result ret;
	unsigned status = reply->status ? reply->status : 200;

	st->body = reply->body;
	st->len = reply->body ? reply->len : 0;
	st->more = reply->stream;
	st->free = reply->stream_free;
	st->data = reply->stream_data;
	r = dl.MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read,
						 st, stream_done);
	if (!r) {
		stream_done(st);
		return MHD_NO;
	}
	dl.MHD_add_response_header(r, "Content-Type",
				   reply->content_type ? reply->content_type : "text/plain");
	/* The stream ends when it decides; an idle minute is no reason to cut it. */
	dl.MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT, 0U);
	ret = dl.MHD_queue_response(c, status, r);
	dl.MHD_destroy_response(r);
	if (ret == MHD_YES)
		req->status = status;
	return ret;
}

/* An answer httpd gives on its own: a one-line text body. */
static enum MHD_Result refuse(struct MHD_Connection *c, struct request *req,
			      unsigned status, const char *why)
{
	struct buf b = BUF_INIT;

	req->error = why;
	buf_addf(&b, "%s\n", why);
	return send_reply(c, req, status, "text/plain; charset=utf-8",
			  buf_detach(&b, NULL), b.len, NULL);
}

static void client_address(struct MHD_Connection *c, char *out, size_t size)
{
	const union MHD_ConnectionInfo *info =
		dl.MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = info ? info->client_addr : NULL;

	snprintf(out, size, "?");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			  out, (socklen_t)size);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  out, (socklen_t)size);
}

const char *httpd_arg(const struct httpd_request *req, const char *name)
{
	return dl.MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *httpd_header(const struct httpd_request *req, const char *name)
{
	return dl.MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

/* Did the client present a certificate that the trusted CAs signed? */
static int client_verified(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *info =
		dl.MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	gnutls_session_t session;
	unsigned status = 0, n = 0;

	if (!info || !info->tls_session)
		return 0;
	session = (gnutls_session_t)info->tls_session;
	/* Verification passes vacuously when no certificate was sent. */
	if (dl.gnutls_certificate_verify_peers2(session, &status) || status)
		return 0;
	return dl.gnutls_certificate_get_peers(session, &n) != NULL && n;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version UNUSED,
			      const char *upload, size_t *upload_size, void **state)
{
	struct httpd *h = cls;
	struct request *req = *state;
	struct httpd_request hr;
	struct httpd_reply reply;

	if (!req) {
		const char *cl;

		req = xcalloc(1, sizeof(*req));
		clock_gettime(CLOCK_MONOTONIC, &req->start);
		buf_init(&req->body, h->o.max_body);
		req->method = xstrdup(method);
		req->path = xstrdup(url);
		client_address(c, req->remote, sizeof(req->remote));
		*state = req;
		atomic_fetch_add(&h->in_flight, 1);
		/* Refuse an announced oversized body before reading it. */
		cl = dl.MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (!h->o.pass_too_large && cl &&
		    strtoull(cl, NULL, 10) > h->o.max_body)
			return refuse(c, req, MHD_HTTP_CONTENT_TOO_LARGE,
				      "request body too large");
		return MHD_YES;
	}
	if (req->status) {	/* answered early; the rest is discarded */
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;

		*upload_size = 0;
		req->seen += n;
		if (buf_add(&req->body, upload, n)) {
			if (!h->o.pass_too_large)
				return refuse(c, req, MHD_HTTP_CONTENT_TOO_LARGE,
					      "request body too large");
			req->too_large = 1;	/* the rest is discarded */
		}
		/* A client that trickles its body must not hold a worker's slot. */
		if (h->o.timeout && since(&req->start) > h->o.timeout)
			return refuse(c, req, MHD_HTTP_REQUEST_TIMEOUT,
				      "request took too long");
		return MHD_YES;
	}
	hr.method = method;
	hr.path = url;
	hr.body = req->body.buf;
	hr.body_len = req->body.len;
	hr.remote = req->remote;
	hr.too_large = req->too_large;
	hr.client_verified = h->o.client_ca_pem && client_verified(c);
	hr.conn = c;
	memset(&reply, 0, sizeof(reply));
	h->o.handler(h->o.data, &hr, &reply);
	free(req->note);
	req->note = reply.note;
	if (reply.drop) {
		free(reply.body);
		if (reply.stream_free)
			reply.stream_free(reply.stream_data);
		return MHD_NO;	/* MHD closes the connection unanswered */
	}
	if (reply.stream)
		return send_stream(c, req, &reply);
	if (!reply.body)
		reply.body = xstrdup("");
	return send_reply(c, req, reply.status ? reply.status : 500,
			  reply.content_type ? reply.content_type : "text/plain",
			  reply.body, reply.len, reply.retry_after);
}

static void request_done(void *cls, struct MHD_Connection *c UNUSED,
			 void **state, enum MHD_RequestTerminationCode code)
{
	struct httpd *h = cls;
	struct request *req = *state;

	if (req) {
		struct httpd_done d;
		const char *why = req->error;

		if (code != MHD_REQUEST_TERMINATED_COMPLETED_OK)
			why = code == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ?
				"timed out" :
			      code == MHD_REQUEST_TERMINATED_CLIENT_ABORT ?
				"client went away" :
			      code == MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN ?
				"server shut down" : "connection failed";
		d.method = req->method;
		d.path = req->path;
		d.remote = req->remote;
		d.status = code == MHD_REQUEST_TERMINATED_COMPLETED_OK ? req->status : 0;
		d.seconds = since(&req->start);
		d.body_len = req->seen;
		d.note = req->note ? req->note : "";
		d.error = why;
		if (h->o.done)
			h->o.done(h->o.data, &d);
		buf_release(&req->body);
		free(req->note);
		free(req->method);
		free(req->path);
		free(req);
		*state = NULL;
		atomic_fetch_sub(&h->in_flight, 1);
	}
	/* Spare arena blocks are per thread: this worker's would outlive it. */
	arena_drop_spare();
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* libmicrohttpd's own messages, to the server's log. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct httpd *h = cls;
	struct buf b = BUF_INIT;

	if (!h->o.log)
		return;
	buf_vaddf(&b, fmt, ap);
	while (b.len && b.buf[b.len - 1] == '\n')
		b.buf[--b.len] = '\0';
	h->o.log(h->o.data, b.buf);
	buf_release(&b);
}

int httpd_start(struct httpd **out, const struct httpd_options *o,
		struct fail *f)
{
	struct httpd *h = xcalloc(1, sizeof(*h));
	struct sockaddr_in addr;
	const union MHD_DaemonInfo *info;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
			 MHD_USE_AUTO;
	struct MHD_OptionItem opts[8];
	size_t n = 0;

	*out = NULL;
	if (httpd_load(f)) {
		free(h);
		return -1;
	}
	h->o = *o;
	pthread_mutex_init(&h->lock, NULL);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)o->port);
	if (inet_pton(AF_INET, o->address ? o->address : "0.0.0.0",
		      &addr.sin_addr) != 1) {
		free(h);
		return fail_set(f, FAIL_USAGE, "'%s' is not an IPv4 address",
				o->address);
	}
	if (o->client_ca_pem && !o->cert_pem) {
		free(h);
		return fail_set(f, FAIL_USAGE, "client certificates need HTTPS");
	}
	if (o->cert_pem) {
		if (tls_server) {
			free(h);
			return fail_set(f, FAIL_USAGE, "only one HTTPS server per process");
		}
		if (!(h->cred = cred_load(o->cert_pem, o->key_pem, f))) {
			free(h);
			return -1;
		}
		tls_server = h;
		flags |= MHD_USE_TLS;
		gnutls_certificate_retrieve_function2 *cb = retrieve_cert;
		void *cb_ptr;

		/* MHD's option array carries the callback as a data pointer. */
		memcpy(&cb_ptr, &cb, sizeof(cb_ptr));
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_CERT_CALLBACK, 0,
						     cb_ptr };
	}
	if (o->client_ca_pem) {
		/* MHD then asks each client for a certificate. */
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_TRUST, 0,
						     (void *)o->client_ca_pem };
	}
	if (o->thread_per_connection)
		flags |= MHD_USE_THREAD_PER_CONNECTION;
	else if (o->threads > 1)
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE,
						     (intptr_t)o->threads, NULL };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	if (o->log)
		flags |= MHD_USE_ERROR_LOG;
	/* The logger must come first, or MHD logs the options on stderr. */
	h->daemon = dl.MHD_start_daemon(flags, 0, NULL, NULL, handle, h,
				     MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h,
				     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
				     MHD_OPTION_CONNECTION_TIMEOUT, o->timeout,
				     MHD_OPTION_NOTIFY_COMPLETED, request_done, h,
				     MHD_OPTION_ARRAY, opts,
				     MHD_OPTION_END);
	if (!h->daemon) {
		int err = errno;

		if (tls_server == h)
			tls_server = NULL;
		cred_free(h->cred);
		pthread_mutex_destroy(&h->lock);
		free(h);
		return fail_set(f, FAIL_IO, "cannot listen on %s:%u: %s",
				o->address ? o->address : "0.0.0.0", o->port,
				err ? strerror(err) : "the server did not start");
	}
	info = dl.MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info ? info->port : o->port;
	*out = h;
	return 0;
}

unsigned httpd_port(const struct httpd *h)
{
	return h->port;
}

void httpd_stop(struct httpd *h, unsigned drain)
{
	struct timespec start, tick = { 0, 20 * 1000 * 1000 };
	MHD_socket fd;

	if (!h)
		return;
	clock_gettime(CLOCK_MONOTONIC, &start);
	/* No new connections; the listening socket is ours to close. */
	fd = dl.MHD_quiesce_daemon(h->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	while (atomic_load(&h->in_flight) && since(&start) < drain)
		nanosleep(&tick, NULL);
	dl.MHD_stop_daemon(h->daemon);
	if (tls_server == h)
		tls_server = NULL;
	cred_free(h->cred);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
