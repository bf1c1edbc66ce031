/*
 * kube.h: a Kubernetes API client over http.c, configured from a
 * struct kube_config.  Answers come back as documents; API errors come
 * back as failures whose message reads the way kubectl prints it
 * ("Error from server (NotFound): pods \"x\" not found").  Credentials
 * from exec plugins are cached until they expire and fetched once more
 * when the server answers 401.
 */
#ifndef KATIB_SRC_KUBE_H
#define KATIB_SRC_KUBE_H

#include "buf.h"
#include "fail.h"

struct doc;
struct doc_node;
struct kube_config;
struct kube_client;

/*
 * A client for cfg (which must outlive it).  timeout_ms bounds each
 * request (0: 30 s).  Returns 0, or -1 with f set (a token file that
 * cannot be read).  Free with kube_client_free().
 */
int kube_client_new(struct kube_client **out, const struct kube_config *cfg,
		    long timeout_ms, struct fail *f);
void kube_client_free(struct kube_client *c);

/*
 * What a -v trace shows of one request.  It never carries a credential:
 * auth says only which kind was sent.
 */
struct kube_trace {
	const char *method;
	const char *url;
	long status;		/* 0: no answer (connection error) */
	long ms;
	const char *auth;	/* "Bearer <masked>", "client certificate", "none" */
	size_t response_bytes;
};

typedef void kube_trace_fn(void *data, const struct kube_trace *t);

/* Calls fn after every request c makes. */
void kube_client_set_trace(struct kube_client *c, kube_trace_fn *fn, void *data);

/* Requests made so far (for tests of request counts). */
unsigned long kube_requests(const struct kube_client *c);

/* GET path (e.g. /api/v1/namespaces/ns/pods/p): *out is the object. */
int kube_get(struct kube_client *c, const char *path, struct doc **out,
	     struct fail *f);

/*
 * Every item of a list, page by page (limit/continue); fn is called with
 * each item and returns 0 to go on, non-zero to stop (which kube_list
 * returns).  Selectors may be NULL.  When version is not NULL, *version
 * is the list's resourceVersion, to watch from (caller frees; NULL when
 * the server gave none).
 */
typedef int kube_item_fn(void *data, const struct doc_node *item);
int kube_list(struct kube_client *c, const char *path,
	      const char *label_selector, const char *field_selector,
	      kube_item_fn *fn, void *data, char **version, struct fail *f);

/* POST json to path; dry_run asks the server to keep nothing. */
int kube_create(struct kube_client *c, const char *path, const char *json,
		int dry_run, struct doc **out, struct fail *f);

/*
 * A dry-run POST of json to path, for the server's verdict: 0 when it
 * would be created; else -1 with f set and, when the server answered with
 * a Status object, *status that object in full (caller frees), since a
 * webhook's message may be longer than a failure holds.
 */
int kube_dry_run_create(struct kube_client *c, const char *path,
			const char *json, struct doc **status, struct fail *f);

/*
 * The document a response body holds (the server's JSON, read with the
 * default input limits), or a FAIL_PROTOCOL failure.  *out's nodes do
 * not point into body.
 */
int kube_parse_response(const char *body, size_t len, struct doc **out,
			struct fail *f);

/* The failure an error response (status >= 400) means, as kubectl words it. */
int kube_api_error(long status, const char *body, size_t len, struct fail *f);

/*
 * Watches of lists, as kubectl's and client-go's: each from a
 * resourceVersion (NULL: the current objects come first, as ADDED), with
 * bookmarks keeping the version fresh; one the server ends (its
 * timeoutSeconds) starts again from the last version seen.  Several run
 * at once; one wait serves them all.
 */
struct kube_watch;

struct kube_event {
	size_t id;			/* the watch's, as added */
	const char *type;		/* ADDED, MODIFIED or DELETED */
	const struct doc_node *object;	/* valid during the call only */
};

/* Returns 0 to go on; non-zero ends the wait, which returns it. */
typedef int kube_event_fn(void *data, const struct kube_event *e);

int kube_watch_new(struct kube_client *c, struct kube_watch **out, struct fail *f);

/* Starts watching path (a list) with optional selectors; 0, or -1 with f set. */
int kube_watch_add(struct kube_watch *w, size_t id, const char *path,
		   const char *label_selector, const char *field_selector,
		   const char *resource_version, struct fail *f);

/*
 * Waits at most timeout_ms (less when a signal comes) and calls fn with
 * each event that arrived, in order.  Returns 0, fn's non-zero answer,
 * or -1 with f set: FAIL_HTTP with http_status 410 when the version is
 * too old to go on from (list again, then watch anew), FAIL_IO when the
 * server cannot be reached (a later wait tries again from the last
 * version seen), or the server's refusal as kubectl words it.
 */
int kube_watch_wait(struct kube_watch *w, long timeout_ms, kube_event_fn *fn,
		    void *data, struct fail *f);
void kube_watch_free(struct kube_watch *w);

/* A container's log, capped at max_bytes (0: 4 MiB), into out. */
int kube_logs(struct kube_client *c, const char *ns, const char *pod,
	      const char *container, long tail_lines, size_t max_bytes,
	      struct buf *out, struct fail *f);

#endif
