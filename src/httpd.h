/*
 * httpd.h: a small HTTP(S) server: a fixed pool of worker threads, a cap
 * on request bodies, a deadline per request, a certificate that can be
 * replaced while serving, and a stop that lets requests in flight finish.
 * The only file that knows libmicrohttpd and GnuTLS, which it loads at
 * run time: the first httpd_start() (or httpd_check_cert()) loads them,
 * and fails with FAIL_IO, naming the package to install, when they are
 * missing.
 *
 * The handler runs on a worker thread and must be safe to run on several
 * at once.  It answers by filling a struct httpd_reply; httpd sends it.
 */
#ifndef KATIB_SRC_HTTPD_H
#define KATIB_SRC_HTTPD_H

#include <stddef.h>

#include "fail.h"

struct httpd;

struct httpd_request {
	const char *method;
	const char *path;	/* without the query string */
	const char *body;	/* NUL-terminated; "" when there is none */
	size_t body_len;
	const char *remote;	/* the client's address, "?" when unknown */
	/* With httpd_options.pass_too_large: the body was cut at max_body. */
	int too_large;
	/*
	 * With httpd_options.client_ca_pem: the client presented a
	 * certificate that one of those CAs signed.
	 */
	int client_verified;
	void *conn;		/* httpd's own, for httpd_arg() and httpd_header() */
};

/* A query argument or a request header, NULL when absent. */
const char *httpd_arg(const struct httpd_request *req, const char *name);
const char *httpd_header(const struct httpd_request *req, const char *name);

struct httpd_reply {
	unsigned status;
	const char *content_type;	/* static */
	char *body;		/* malloc()ed, freed by httpd */
	size_t len;
	/* What the access log should add about this request; malloc()ed. */
	char *note;
	const char *retry_after;	/* static; the Retry-After header */
	/*
	 * Close the connection without answering (the rest of the reply is
	 * ignored): how a server that fails mid-request looks to a client.
	 */
	int drop;
	/*
	 * A reply of unknown length, sent chunked after body (which may be
	 * empty), as a watch is: httpd calls stream(stream_data, buf, max)
	 * whenever the client can take more; it returns the bytes it wrote
	 * into buf, 0 when it has none yet (after waiting a little: it is
	 * called again at once), or -1 to end the reply.  stream_free(
	 * stream_data), if set, when the reply is over however it ended.
	 * The connection's idle timeout does not apply: the stream decides
	 * when it ends.  Needs httpd_options.thread_per_connection, since a
	 * stream holds its thread while it waits.
	 */
	long (*stream)(void *data, char *buf, size_t max);
	void (*stream_free)(void *data);
	void *stream_data;
};

/*
 * How a request ended, for the access log and metrics: status is what was
 * sent (0 when nothing was: the client went away or stalled past the
 * deadline), note the handler's, error why httpd answered on its own or
 * the request failed.
 */
struct httpd_done {
	const char *method;
	const char *path;
	const char *remote;
	unsigned status;
	double seconds;
	size_t body_len;
	const char *note;	/* never NULL */
	const char *error;	/* NULL unless something went wrong */
};

struct httpd_options {
	const char *address;	/* IPv4 address to listen on */
	unsigned port;		/* 0: any free port (see httpd_port()) */
	unsigned threads;	/* worker threads, at least 1 */
	/*
	 * 1: a thread for each connection instead (threads is ignored), so
	 * that a long streamed reply holds up no other request.
	 */
	int thread_per_connection;
	size_t max_body;	/* larger bodies get 413 */
	unsigned timeout;	/* seconds a request (or idle connection) may take */
	/* PEM certificate chain and key: HTTPS; NULL: plain HTTP. */
	const char *cert_pem, *key_pem;
	/*
	 * With HTTPS, PEM CA certificates: clients are asked for a
	 * certificate, and httpd_request.client_verified says whether one
	 * of these signed it.  The handler decides what an unverified
	 * client gets.  NULL: no client certificates.
	 */
	const char *client_ca_pem;
	/*
	 * 0: httpd answers an oversized body with 413 itself.  1: the
	 * handler is called anyway, with too_large set, and answers in its
	 * own format.
	 */
	int pass_too_large;
	void (*handler)(void *data, const struct httpd_request *req,
			struct httpd_reply *reply);
	void (*done)(void *data, const struct httpd_done *d);	/* may be NULL */
	/* The server library's own complaints (TLS handshakes, sockets). */
	void (*log)(void *data, const char *msg);		/* may be NULL */
	void *data;
};

/*
 * Starts serving.  Returns 0, or -1 with f set (bad certificate, port
 * taken).  A handler may sleep: it holds only its worker thread.
 */
int httpd_start(struct httpd **out, const struct httpd_options *o,
		struct fail *f);
unsigned httpd_port(const struct httpd *h);

/*
 * Serves new TLS handshakes with this certificate chain and key from now
 * on; connections already open keep theirs.  A chain that cannot be read,
 * or a key that does not match it, is refused with f set and the current
 * pair stays.
 */
int httpd_set_cert(struct httpd *h, const char *cert_pem, const char *key_pem,
		   struct fail *f);

/* Checks that cert_pem and key_pem form a usable pair, without serving it. */
int httpd_check_cert(const char *cert_pem, const char *key_pem, struct fail *f);

/*
 * Stops accepting connections, waits up to drain seconds for the requests
 * in flight to be answered, then stops and frees h.
 */
void httpd_stop(struct httpd *h, unsigned drain);

/*
 * Unloads libmicrohttpd and GnuTLS, if a server loaded them; every server
 * must be stopped.  The program calls it before it ends, so a leak
 * checker sees every allocation freed.
 */
void httpd_release(void);

#endif
