/*
 * http.h: one HTTP request, one response; the only file that knows
 * libcurl, which it loads at the first request (offline commands never
 * pay for loading it).  Bodies are capped, requests time out, and idempotent requests
 * are retried a bounded number of times on connection errors, 429 (after
 * Retry-After) and 5xx.  Nothing here logs or prints a credential.
 */
#ifndef KATIB_SRC_HTTP_H
#define KATIB_SRC_HTTP_H

#include <stddef.h>

#include "buf.h"
#include "fail.h"

/* How to reach a server: TLS material and credentials. */
struct http_target {
	const char *ca_file;		/* PEM file, or NULL */
	const char *ca_data;		/* PEM text, or NULL */
	const char *cert_file, *key_file;
	const char *cert_data, *key_data;	/* PEM text */
	const char *bearer;		/* token, or NULL */
	const char *tls_server_name;
	const char *proxy_url;
	int insecure;			/* skip TLS verification */
	long timeout_ms;		/* whole request; 0: 30 s */
	size_t max_response;		/* cap on the body; 0: 64 MiB */
	unsigned retries;		/* for idempotent requests */
};

struct http_response {
	long status;
	struct buf body;		/* release with buf_release() */
	long retry_after;		/* seconds, 0 if none */
};

/*
 * Performs method (GET, POST, ...) on url.  body may be NULL.  On success
 * returns 0 and fills resp (any HTTP status counts as success here); on a
 * transport failure returns -1 with f set (FAIL_IO, FAIL_TOO_LARGE).
 * libcurl missing is a FAIL_IO too.  The caller releases resp->body.
 */
int http_request(const struct http_target *t, const char *method,
		 const char *url, const char *content_type, const char *body,
		 size_t body_len, struct http_response *resp, struct fail *f);

/*
 * url with the password of its user information shown as "xxxxx", as Go
 * (and so kubectl) prints URLs in messages (caller frees).
 */
char *http_redact_url(const char *url);

/* Percent-encodes s for a query string (caller frees). */
char *http_escape(const char *s);

/*
 * Streams: long GETs (watches) whose bodies are handed over piece by
 * piece as they arrive, several at once.  Each stream has the caller's
 * id.  The target's timeout_ms bounds each stream as a whole.
 */
struct http_streams;

/* A piece of a 2xx body; non-zero ends that stream (as stopped). */
typedef int http_piece_fn(void *data, size_t id, const char *piece, size_t len);

struct http_stream_end {
	size_t id;
	long status;			/* the HTTP status, 0 with a failure */
	const struct fail *failure;	/* the connection failed, or NULL */
	const char *error_body;		/* a non-2xx answer's body (capped) */
	size_t error_len;
	int stopped;			/* the piece callback ended it */
};

/* Called once for each stream, when it has ended; it is freed after. */
typedef void http_end_fn(void *data, const struct http_stream_end *e);

int http_streams_new(struct http_streams **out, http_piece_fn *piece,
		     http_end_fn *end, void *data, struct fail *f);

/* Starts a GET of url; 0, or -1 with f set. */
int http_stream_start(struct http_streams *s, const struct http_target *t,
		      const char *url, size_t id, struct fail *f);

/*
 * Moves every stream on, waiting at most timeout_ms for something to
 * arrive (less when a signal comes); calls the piece and end callbacks
 * from within.  Returns 0, or -1 with f set when the streams as a whole
 * failed.
 */
int http_streams_wait(struct http_streams *s, long timeout_ms, struct fail *f);

/* Streams not yet ended. */
size_t http_streams_running(const struct http_streams *s);

/* Ends every stream without calling back, and frees s. */
void http_streams_free(struct http_streams *s);

/*
 * Unloads libcurl, if a request loaded it, with everything it holds; a
 * later request loads it again.  The program calls it before it ends, so
 * a leak checker sees every allocation freed.
 */
void http_release(void);

#endif
