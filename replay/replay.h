/*
 * replay.h: the parts of katib-replay and how a request flows through
 * them (HACKING.md, "The replay server"):
 *
 *   route.c      the handler: faults, authentication, then the route
 *   faults.c     injected faults (--fault)
 *   discovery.c  /api, /apis and each group version's resources
 *   objects.c    GET, LIST and POST over the store
 *   select.c     label and field selectors
 *   admission.c  recorded AdmissionReviews answering for Katib's webhook
 *   logs.c       pod logs
 *   patch.c      PATCH and DELETE
 *   watch.c      watch streams of the store's changes
 *   table.c      the Table answers kubectl asks for (its columns)
 *   openapi.c    /openapi/v3, the paths and kinds the server serves
 *   timeline.c   later states of the recording, stepped on a clock
 *   respond.c    bodies and Status objects
 *   store.c      the objects, from the recording and from the API
 */
#ifndef KATIB_REPLAY_REPLAY_H
#define KATIB_REPLAY_REPLAY_H

#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "doc.h"
#include "doc-json.h"
#include "doc-yaml.h"
#include "httpd.h"
#include "recorded.h"

#include <pthread.h>
#include <stdio.h>

struct object {
	const char *group;		/* "" for the core group */
	const char *version;
	const char *kind;
	const char *resource;		/* plural, lower case */
	const char *namespace;		/* NULL for cluster-scoped */
	const char *name;
	const struct doc_node *node;	/* in a doc of the server's */
	const char *json;		/* for objects created over the API */
	/*
	 * Its JSON as its latest change left it (the change log's copy):
	 * lists of thousands of objects are served without serializing.
	 */
	const char *current;
	unsigned long rv;		/* its metadata.resourceVersion */
	struct doc *doc;		/* the server's, holding node */
	int deleted;			/* over the API; kept for watches */
};

/*
 * A change to the store, as a watch sends it: every object the store
 * holds was ADDED once, in resourceVersion order, so a watch from any
 * resourceVersion finds what came after it.
 */
struct change {
	const char *type;		/* "ADDED", "MODIFIED", "DELETED" */
	size_t obj;			/* index into server.obj */
	unsigned long rv;
	const char *json;		/* the object as it was then */
};

struct resource_kind {
	const char *group, *version, *kind, *resource, *singular;
	int namespaced;
	const char *short_name;
};

/* Kinds every cluster serves, and Katib's, so discovery finds them. */
extern const struct resource_kind builtin_kinds[];
extern const size_t nr_builtin_kinds;

/*
 * An injected fault: "path=SUBSTRING" or "nth=N" (the Nth request), then
 * one action: "status=CODE", "delay=MS", "reset" or "truncate"; and
 * "times=K" to fire only K times.  Several are separated by commas.
 */
struct fault {
	const char *path;
	unsigned long nth;
	unsigned status;
	unsigned long delay_ms;
	int reset, truncate;
	int watch;			/* only watch requests */
	long times;			/* -1: always */
};

/* One step of a timeline: timeline/<offset>/ (fixtures/README, section 5). */
struct timeline_step {
	const char *name;		/* its folder's name */
	long offset_ms;			/* from the start */
	struct recorded put;		/* objects stored: MODIFIED or ADDED */
	struct recorded gone;		/* its deleted/: DELETED */
};

struct server {
	const char *dir;
	struct doc **docs;
	size_t nr_docs, alloc_docs;
	struct object *obj;
	size_t nr, alloc;
	FILE *log;
	const char *token;		/* when set, requests need this bearer */
	struct recorded rec;		/* the recording; owns its objects */
	int client_ca;			/* TLS: require a verified client cert */
	struct fault *faults;
	size_t nr_faults, alloc_faults;
	unsigned long requests;
	struct arena arena;
	unsigned long created;		/* objects created over the API */
	/*
	 * A thread serves each connection, so that a watch waits without
	 * holding up other requests: lock guards everything above and
	 * below, and changed is signalled when the store changes or the
	 * server stops.
	 */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	int stopping;
	unsigned long rv;		/* the store's last write */
	struct timeline_step *steps;	/* in offset order */
	size_t nr_steps, alloc_steps;
	size_t next_step;		/* the next to apply */
	int step_mode;			/* --step: steps only when asked */
	/*
	 * --watch-timeout: no watch lasts longer, whatever its
	 * timeoutSeconds, as when a proxy or load balancer ends long
	 * requests; 0: none.
	 */
	unsigned long watch_timeout;
	struct change *changes;
	size_t nr_changes, alloc_changes;
	int64_t now;			/* KATIB_NOW for tables' ages; 0: the clock */
};

/* A request being answered: what httpd passed to the handler. */
struct conn {
	const struct httpd_request *req;
	struct httpd_reply *reply;
};

/* A request path split into its parts by parse_route(). */
struct route {
	const char *group, *version, *ns, *resource, *name, *sub;
	int discovery;
	int watch;			/* a /watch/ path */
};

/* store.c */
/*
 * What a document's apiVersion, kind and metadata say it is: pointers
 * into its tree; namespace NULL when it names none, the group the first
 * group_len bytes of api ("" for the core group), version what follows.
 */
struct object_name {
	const char *api, *version, *kind, *namespace, *name;
	size_t group_len;
};
/* Fills on from n; returns -1 when n names no object. */
int read_object_name(const struct doc_node *n, struct object_name *on);
int add_object(struct server *s, struct doc *d);
int store_put(struct server *s, struct doc *d);
int store_remove(struct server *s, struct doc *d);
struct doc *store_copy(const struct doc_node *n);
int load_recording(struct server *s);
void object_json(const struct object *o, struct buf *b);
void store_changed(struct server *s, size_t idx, const char *type);
const char *kind_of_resource(const struct server *s, const char *group,
			     const char *resource);
const struct object *find_object(const struct server *s, const char *group,
				 const char *version, const char *resource,
				 const char *ns, const char *name);

/* faults.c */
int parse_fault(struct server *s, const char *spec);
struct fault *matching_fault(struct server *s, const char *url, int watch);
void respond_fault_status(struct conn *c, unsigned code);

/* respond.c: type is static; the body is copied. */
void respond(struct conn *c, unsigned status, const char *type,
	     const char *body, size_t len);
void respond_json(struct conn *c, unsigned status, const struct buf *b);
void respond_status(struct conn *c, unsigned code, const char *reason,
		    const char *message);

/* discovery.c */
struct kind_seen {
	const char *group, *version, *kind, *resource, *short_name;
	int namespaced;
};
size_t kinds_served(const struct server *s, struct kind_seen *out, size_t max);
void serve_discovery(struct server *s, struct conn *c, const char *group,
		     const char *version);

/* select.c */
int selector_matches(const struct object *o, const char *selector);
int field_selector_matches(const struct object *o, const char *sel);

/* objects.c */
void serve_list(struct server *s, struct conn *c, const char *group,
		const char *version, const char *resource, const char *ns);
void serve_get(struct server *s, struct conn *c, const char *group,
	       const char *version, const char *resource, const char *ns,
	       const char *name);
void serve_create(struct server *s, struct conn *c, const struct route *rt,
		  const char *body, size_t len);

/* admission.c */
const struct doc_node *matching_review(const struct server *s,
				      const struct doc_node *obj, const char *ns,
				      const char *operation);
/*
 * Answers c with the denial resp records, as the API server words a
 * webhook's, and returns 1; 0 when resp allows (or is NULL).
 */
int respond_denial(struct conn *c, const struct doc_node *resp);
void serve_webhook(struct server *s, struct conn *c, const char *body,
		   size_t len);

/* logs.c */
void serve_log(struct server *s, struct conn *c, const char *ns,
	       const char *pod);

/* patch.c */
void serve_patch(struct server *s, struct conn *c, const struct route *rt,
		 const char *body, size_t len);
void serve_delete(struct server *s, struct conn *c, const struct route *rt);

/* watch.c */
void serve_watch(struct server *s, struct conn *c, const struct route *rt);

/* table.c: a Table answer (kind Table of meta.k8s.io) being written. */
struct printer;
struct table {
	const char *api;		/* "meta.k8s.io/v1" or ".../v1beta1" */
	const struct printer *printer;
	const char *include;		/* includeObject: None, Metadata, Object */
	int64_t now;			/* ages are counted to it */
};
int builtin_group(const char *group);
int table_wanted(const struct server *s, struct conn *c, const char *group,
		 const char *resource, struct table *t);
void table_begin(const struct table *t, struct buf *b, unsigned long rv,
		 const char *cont, int headers);
void table_row(const struct table *t, struct buf *b, const struct doc_node *obj,
	       int first);
void table_end(struct buf *b);
void table_event(const struct table *t, struct buf *b, const char *type,
		 const char *json, unsigned long rv);

/* openapi.c */
void serve_openapi(struct server *s, struct conn *c, const char *path);

/* timeline.c */
int load_timeline(struct server *s, const char *dir);
const struct timeline_step *timeline_advance(struct server *s);
void serve_step(struct server *s, struct conn *c);
void timeline_release(struct server *s);

/* route.c */
int query_true(const char *v);
int parse_route(char *url, struct route *rt);
void handle(void *data, const struct httpd_request *req,
	    struct httpd_reply *reply);

#endif
