/*
 * katib-replay: serves a recorded cluster over the Kubernetes API, so every
 * cluster-facing feature can be tested offline, by our tests and by kubectl
 * itself.  It serves through src/httpd.h, as `webhook serve` does, so
 * that only src/httpd.c knows libmicrohttpd and GnuTLS.
 *
 *	katib-replay serve DIR [--port N] [--kubeconfig-out FILE] [--log FILE]
 *
 * A recorded cluster is a directory tree: every *.yaml, *.yml and *.json
 * file holds Kubernetes objects as `kubectl get -o yaml|json` writes them
 * (one object, a kind: List, or a stream); pod logs are plain files at
 * logs/<namespace>/<pod>/<container>.log (fixtures/README has the format).
 *
 * It uses only the document layer of src/, never the rules or the API
 * client, so that it stays an independent oracle for them.
 */
#include "compat.h"
#include "alloc.h"
#include "buf.h"
#include "doc-json.h"
#include "doc-yaml.h"
#include "recorded.h"
#include "experiment.h"
#include "httpd.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <strings.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_BODY ((size_t)4 << 20)

struct object {
	const char *group;		/* "" for the core group */
	const char *version;
	const char *kind;
	const char *resource;		/* plural, lower case */
	const char *namespace;		/* NULL for cluster-scoped */
	const char *name;
	const struct doc_node *node;	/* in a doc of the server's */
	const char *json;		/* for objects created over the API */
};

struct resource_kind {
	const char *group, *version, *kind, *resource, *singular;
	int namespaced;
	const char *short_name;
};

/* Kinds every cluster serves, and Katib's, so discovery finds them. */
static const struct resource_kind builtin_kinds[] = {
	{ "", "v1", "Pod", "pods", "pod", 1, "po" },
	{ "", "v1", "Event", "events", "event", 1, "ev" },
	{ "", "v1", "Namespace", "namespaces", "namespace", 0, "ns" },
	{ "", "v1", "ConfigMap", "configmaps", "configmap", 1, "cm" },
	{ "", "v1", "Service", "services", "service", 1, "svc" },
	{ "", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", "persistentvolumeclaim", 1, "pvc" },
	{ "", "v1", "PersistentVolume", "persistentvolumes", "persistentvolume", 0, "pv" },
	{ "", "v1", "Node", "nodes", "node", 0, "no" },
	{ "apps", "v1", "Deployment", "deployments", "deployment", 1, "deploy" },
	{ "apps", "v1", "ReplicaSet", "replicasets", "replicaset", 1, "rs" },
	{ "batch", "v1", "Job", "jobs", "job", 1, NULL },
	{ "kubeflow.org", "v1beta1", "Experiment", "experiments", "experiment", 1, NULL },
	{ "kubeflow.org", "v1beta1", "Trial", "trials", "trial", 1, NULL },
	{ "kubeflow.org", "v1beta1", "Suggestion", "suggestions", "suggestion", 1, NULL },
};

static const char *const cluster_scoped[] = {
	"Namespace", "PersistentVolume", "Node", "ClusterRole",
	"ClusterRoleBinding", "CustomResourceDefinition", "StorageClass",
	"PriorityClass", "ClusterTrainingRuntime", NULL,
};

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
	long times;			/* -1: always */
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
};

/* ---- loading ---- */

static char *lower_plural(struct arena *a, const char *kind)
{
	size_t n = strlen(kind), i;
	char *p = arena_alloc(a, n + 3);

	for (i = 0; i < n; i++)
		p[i] = (char)tolower((unsigned char)kind[i]);
	if (n && p[n - 1] == 'y' && n > 1 && !strchr("aeiou", p[n - 2])) {
		p[n - 1] = 'i';
		memcpy(p + n, "es", 3);
	} else if (n && (p[n - 1] == 's' || p[n - 1] == 'x')) {
		memcpy(p + n, "es", 3);
	} else {
		memcpy(p + n, "s", 2);
	}
	return p;
}

static int is_cluster_scoped(const char *kind)
{
	const char *const *k;

	for (k = cluster_scoped; *k; k++)
		if (!strcmp(*k, kind))
			return 1;
	return 0;
}

static void add_object(struct server *s, const struct doc_node *n,
		       const char *json)
{
	const char *api = doc_get_str(n, "apiVersion");
	const char *kind = doc_get_str(n, "kind");
	const struct doc_node *meta = doc_get_kind(n, "metadata", DOC_MAP);
	const char *name = doc_get_str(meta, "name");
	const char *ns = doc_get_str(meta, "namespace");
	const char *slash;
	struct object *o;
	size_t i;

	if (!api || !kind || !name)
		return;
	ALLOC_GROW(s->obj, s->nr + 1, s->alloc);
	o = &s->obj[s->nr++];
	memset(o, 0, sizeof(*o));
	slash = strchr(api, '/');
	o->group = arena_strndup(&s->arena, api, slash ? (size_t)(slash - api) : 0);
	o->version = arena_strdup(&s->arena, slash ? slash + 1 : api);
	o->kind = arena_strdup(&s->arena, kind);
	o->resource = NULL;
	for (i = 0; i < ARRAY_SIZE(builtin_kinds); i++)
		if (!strcmp(builtin_kinds[i].kind, kind) &&
		    !strcmp(builtin_kinds[i].group, o->group))
			o->resource = arena_strdup(&s->arena, builtin_kinds[i].resource);
	if (!o->resource)
		o->resource = lower_plural(&s->arena, kind);
	o->namespace = is_cluster_scoped(kind) ? NULL
		     : arena_strdup(&s->arena, ns ? ns : "default");
	o->name = arena_strdup(&s->arena, name);
	o->node = n;
	o->json = json ? arena_strdup(&s->arena, json) : NULL;
}

/*
 * A recorded AdmissionReview whose request object has the same kind, name
 * and namespace as a created one answers for the admission chain.
 */
static const struct doc_node *matching_review(const struct server *s,
					      const struct doc_node *obj,
					      const char *ns)
{
	const char *kind = doc_get_str(obj, "kind");
	const char *name = doc_str(doc_lookup(obj, "metadata.name"));
	size_t i;

	for (i = 0; i < s->rec.nr_reviews; i++) {
		const struct doc_node *req = doc_get_kind(s->rec.reviews[i], "request", DOC_MAP);
		const struct doc_node *o = doc_get_kind(req, "object", DOC_MAP);
		const char *rns = doc_get_str(req, "namespace");

		if (!o || !kind || !name)
			continue;
		if (doc_get_str(o, "kind") && !strcmp(doc_get_str(o, "kind"), kind) &&
		    doc_str(doc_lookup(o, "metadata.name")) &&
		    !strcmp(doc_str(doc_lookup(o, "metadata.name")), name) &&
		    (!rns || !ns || !strcmp(rns, ns)))
			return doc_get_kind(s->rec.reviews[i], "response", DOC_MAP);
	}
	return NULL;
}

/* The recording's objects become served objects. */
static int load_recording(struct server *s)
{
	struct fail f = FAIL_INIT;
	size_t i;

	if (recorded_load(&s->rec, s->dir, &f)) {
		fprintf(stderr, "katib-replay: %s\n", f.msg);
		return -1;
	}
	for (i = 0; i < s->rec.nr; i++)
		add_object(s, s->rec.object[i], NULL);
	return 0;
}

/*
 * Every namespace an object lives in exists, as in a real cluster, even
 * when the recording did not capture the Namespace object: kubectl looks
 * it up to phrase its NotFound messages.
 */
static void add_namespaces(struct server *s)
{
	size_t i, j, nr = s->nr;

	for (i = 0; i < nr; i++) {
		const char *ns = s->obj[i].namespace;
		struct buf json = BUF_INIT;
		struct object *o;

		if (!ns)
			continue;
		for (j = 0; j < s->nr; j++)
			if (!s->obj[j].namespace && !strcmp(s->obj[j].kind, "Namespace") &&
			    !strcmp(s->obj[j].name, ns))
				break;
		if (j < s->nr)
			continue;
		buf_adds(&json, "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":");
		buf_add_json_str(&json, ns, strlen(ns));
		buf_adds(&json, "},\"status\":{\"phase\":\"Active\"}}");
		ALLOC_GROW(s->obj, s->nr + 1, s->alloc);
		o = &s->obj[s->nr++];
		memset(o, 0, sizeof(*o));
		o->group = "";
		o->version = "v1";
		o->kind = "Namespace";
		o->resource = "namespaces";
		o->name = arena_strdup(&s->arena, ns);
		o->json = arena_strndup(&s->arena, json.buf, json.len);
		buf_release(&json);
	}
}

static int parse_fault(struct server *s, const char *spec)
{
	char *copy = arena_strdup(&s->arena, spec), *p, *next;
	struct fault f;

	memset(&f, 0, sizeof(f));
	f.times = -1;
	for (p = copy; p; p = next) {
		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		if (!strncmp(p, "path=", 5))
			f.path = p + 5;
		else if (!strncmp(p, "nth=", 4))
			f.nth = strtoul(p + 4, NULL, 10);
		else if (!strncmp(p, "status=", 7))
			f.status = (unsigned)strtoul(p + 7, NULL, 10);
		else if (!strncmp(p, "delay=", 6))
			f.delay_ms = strtoul(p + 6, NULL, 10);
		else if (!strncmp(p, "times=", 6))
			f.times = strtol(p + 6, NULL, 10);
		else if (!strcmp(p, "reset"))
			f.reset = 1;
		else if (!strcmp(p, "truncate"))
			f.truncate = 1;
		else
			return -1;
	}
	if (!f.status && !f.delay_ms && !f.reset && !f.truncate)
		return -1;
	ALLOC_GROW(s->faults, s->nr_faults + 1, s->alloc_faults);
	s->faults[s->nr_faults++] = f;
	return 0;
}

static struct fault *matching_fault(struct server *s, const char *url)
{
	size_t i;

	for (i = 0; i < s->nr_faults; i++) {
		struct fault *f = &s->faults[i];

		if (!f->times)
			continue;
		if (f->path && !strstr(url, f->path))
			continue;
		if (f->nth && f->nth != s->requests)
			continue;
		if (f->times > 0)
			f->times--;
		return f;
	}
	return NULL;
}

/* ---- responses ---- */

/* A request being answered: what httpd passed to the handler. */
struct conn {
	const struct httpd_request *req;
	struct httpd_reply *reply;
};

/* type is static; the body is copied. */
static void respond(struct conn *c, unsigned status, const char *type,
		    const char *body, size_t len)
{
	char *copy = xmalloc(len + 1);

	memcpy(copy, body, len);
	copy[len] = '\0';
	c->reply->status = status;
	c->reply->content_type = type;
	c->reply->body = copy;
	c->reply->len = len;
}

static void respond_json(struct conn *c, unsigned status, const struct buf *b)
{
	respond(c, status, "application/json", b->buf, b->len);
}

static void respond_status(struct conn *c, unsigned code, const char *reason,
			   const char *message)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
		     "\"status\":\"Failure\",\"message\":");
	buf_add_json_str(&b, message, strlen(message));
	buf_adds(&b, ",\"reason\":");
	buf_add_json_str(&b, reason, strlen(reason));
	buf_addf(&b, ",\"code\":%u}", code);
	respond_json(c, code, &b);
	buf_release(&b);
}

static void object_json(const struct object *o, struct buf *b)
{
	char *json;

	if (o->json) {
		buf_adds(b, o->json);
		return;
	}
	json = doc_to_json(o->node);
	buf_adds(b, json);
	free(json);
}

/* ---- discovery ---- */

struct kind_seen {
	const char *group, *version, *kind, *resource, *short_name;
	int namespaced;
};

static size_t kinds_served(const struct server *s, struct kind_seen *out, size_t max)
{
	size_t n = 0, i, j;

	for (i = 0; i < ARRAY_SIZE(builtin_kinds) && n < max; i++) {
		out[n].group = builtin_kinds[i].group;
		out[n].version = builtin_kinds[i].version;
		out[n].kind = builtin_kinds[i].kind;
		out[n].resource = builtin_kinds[i].resource;
		out[n].namespaced = builtin_kinds[i].namespaced;
		out[n].short_name = builtin_kinds[i].short_name;
		n++;
	}
	for (i = 0; i < s->nr && n < max; i++) {
		for (j = 0; j < n; j++)
			if (!strcmp(out[j].group, s->obj[i].group) &&
			    !strcmp(out[j].version, s->obj[i].version) &&
			    !strcmp(out[j].kind, s->obj[i].kind))
				break;
		if (j < n)
			continue;
		out[n].group = s->obj[i].group;
		out[n].version = s->obj[i].version;
		out[n].kind = s->obj[i].kind;
		out[n].resource = s->obj[i].resource;
		out[n].namespaced = s->obj[i].namespace != NULL;
		out[n].short_name = NULL;
		n++;
	}
	return n;
}

static void serve_discovery(struct server *s, struct conn *c, const char *group,
			    const char *version)
{
	struct kind_seen k[512];
	size_t n = kinds_served(s, k, ARRAY_SIZE(k)), i, j, found = 0;
	struct buf b = BUF_INIT;

	if (group && !*group && !version) {	/* /api */
		buf_adds(&b, "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],"
			     "\"serverAddressByClientCIDRs\":[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1\"}]}");
	} else if (!group && !version) {	/* /apis */
		buf_adds(&b, "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[");
		for (i = 0; i < n; i++) {
			if (!*k[i].group)
				continue;
			for (j = 0; j < i; j++)
				if (!strcmp(k[j].group, k[i].group))
					break;
			if (j < i)
				continue;
			buf_addf(&b, "%s{\"name\":\"%s\",\"versions\":[{\"groupVersion\":\"%s/%s\",\"version\":\"%s\"}],"
				     "\"preferredVersion\":{\"groupVersion\":\"%s/%s\",\"version\":\"%s\"}}",
				 found++ ? "," : "", k[i].group, k[i].group, k[i].version,
				 k[i].version, k[i].group, k[i].version, k[i].version);
		}
		buf_adds(&b, "]}");
	} else {
		buf_addf(&b, "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"%s%s%s\",\"resources\":[",
			 group, *group ? "/" : "", version);
		for (i = 0; i < n; i++) {
			char singular[128];
			size_t m;

			if (strcmp(k[i].group, group) || strcmp(k[i].version, version))
				continue;
			for (m = 0; k[i].kind[m] && m + 1 < sizeof(singular); m++)
				singular[m] = (char)tolower((unsigned char)k[i].kind[m]);
			singular[m] = '\0';
			buf_addf(&b, "%s{\"name\":\"%s\",\"singularName\":\"%s\",\"namespaced\":%s,\"kind\":\"%s\","
				     "\"verbs\":[\"create\",\"get\",\"list\"]",
				 found++ ? "," : "", k[i].resource, singular,
				 k[i].namespaced ? "true" : "false", k[i].kind);
			if (k[i].short_name)
				buf_addf(&b, ",\"shortNames\":[\"%s\"]", k[i].short_name);
			buf_addch(&b, '}');
			if (!strcmp(k[i].resource, "pods") && !*group)
				buf_adds(&b, ",{\"name\":\"pods/log\",\"singularName\":\"\",\"namespaced\":true,"
					     "\"kind\":\"Pod\",\"verbs\":[\"get\"]}");
		}
		buf_adds(&b, "]}");
		if (!found) {
			buf_release(&b);
			respond_status(c, 404, "NotFound", "the server could not find the requested resource");
			return;
		}
	}
	respond_json(c, 200, &b);
	buf_release(&b);
}

/* ---- label selectors ---- */

/* Does labels match one requirement ("k=v", "k!=v", "k", "!k", "k in (a,b)")? */
static int requirement_matches(const struct doc_node *labels, const char *req,
			       size_t len)
{
	char key[256], val[256];
	const char *p = req, *end = req + len, *op;
	size_t kl;
	const char *have;

	while (p < end && *p == ' ')
		p++;
	while (end > p && end[-1] == ' ')
		end--;
	if (p < end && *p == '!') {
		kl = (size_t)(end - p - 1);
		if (kl >= sizeof(key))
			return 0;
		memcpy(key, p + 1, kl);
		key[kl] = '\0';
		return !doc_get(labels, key);
	}
	op = p;
	while (op < end && *op != '=' && *op != '!' && *op != ' ')
		op++;
	kl = (size_t)(op - p);
	if (kl >= sizeof(key))
		return 0;
	memcpy(key, p, kl);
	key[kl] = '\0';
	have = doc_get_str(labels, key);
	if (op == end)
		return have != NULL;
	while (op < end && *op == ' ')
		op++;
	if (!strncmp(op, "in ", 3) || !strncmp(op, "notin ", 6)) {
		int negate = op[0] == 'n';
		const char *l = strchr(op, '('), *r = l ? memchr(l, ')', (size_t)(end - l)) : NULL;
		int hit = 0;

		if (!l || !r)
			return 0;
		for (p = l + 1; p < r;) {
			const char *q = memchr(p, ',', (size_t)(r - p));
			const char *e = q ? q : r, *a = p;

			while (a < e && *a == ' ')
				a++;
			while (e > a && e[-1] == ' ')
				e--;
			if (have && strlen(have) == (size_t)(e - a) && !memcmp(have, a, (size_t)(e - a)))
				hit = 1;
			p = q ? q + 1 : r;
		}
		return negate ? !hit : hit;
	}
	{
		int negate = op[0] == '!';
		size_t vl;

		op += negate ? 2 : (op[1] == '=' ? 2 : 1);
		vl = (size_t)(end - op);
		if (vl >= sizeof(val))
			return 0;
		memcpy(val, op, vl);
		val[vl] = '\0';
		return negate ? !have || strcmp(have, val) : have && !strcmp(have, val);
	}
}

static int selector_matches(const struct object *o, const char *selector)
{
	const struct doc_node *labels;
	const char *p = selector;
	int depth = 0;

	if (!selector || !*selector)
		return 1;
	if (o->json)
		return 1;	/* created objects: no selector support needed */
	labels = doc_lookup(o->node, "metadata.labels");
	while (*p) {
		const char *q = p;

		/* Commas inside "in (a,b)" do not separate requirements. */
		for (depth = 0; *q && (depth || *q != ','); q++)
			depth += *q == '(' ? 1 : *q == ')' ? -1 : 0;
		if (!requirement_matches(labels, p, (size_t)(q - p)))
			return 0;
		p = *q ? q + 1 : q;
	}
	return 1;
}

/*
 * fieldSelector: "a.b=v", "a.b==v" or "a.b!=v", comma-separated, on any
 * field path (involvedObject.name for events, metadata.name, status.phase).
 */
static int field_selector_matches(const struct object *o, const char *sel)
{
	char path[256], val[256];
	const char *p = sel;

	if (!sel || !*sel)
		return 1;
	if (o->json)
		return 1;
	while (*p) {
		const char *end = strchr(p, ','), *eq;
		size_t len = end ? (size_t)(end - p) : strlen(p), kl, vl;
		int negate;
		const char *have;

		eq = memchr(p, '=', len);
		if (!eq)
			return 0;
		negate = eq > p && eq[-1] == '!';
		kl = (size_t)(eq - p) - (size_t)negate;
		if (eq + 1 < p + len && eq[1] == '=')
			eq++;
		vl = (size_t)(p + len - eq - 1);
		if (kl >= sizeof(path) || vl >= sizeof(val))
			return 0;
		memcpy(path, p, kl);
		path[kl] = '\0';
		memcpy(val, eq + 1, vl);
		val[vl] = '\0';
		have = doc_str(doc_lookup(o->node, path));
		if (negate ? have && !strcmp(have, val) : !have || strcmp(have, val))
			return 0;
		p = end ? end + 1 : p + len;
	}
	return 1;
}

/* ---- GET, LIST, logs, POST ---- */

static void serve_list(struct server *s, struct conn *c, const char *group,
		       const char *version, const char *resource,
		       const char *ns)
{
	const char *sel = httpd_arg(c->req, "labelSelector");
	const char *fsel = httpd_arg(c->req, "fieldSelector");
	const char *limit_s = httpd_arg(c->req, "limit");
	const char *cont = httpd_arg(c->req, "continue");
	unsigned long limit = limit_s ? strtoul(limit_s, NULL, 10) : 0;
	unsigned long skip = cont ? strtoul(cont, NULL, 10) : 0, seen = 0, sent = 0;
	const char *kind = NULL;
	struct buf items = BUF_INIT, b = BUF_INIT;
	size_t i;
	int more = 0;

	for (i = 0; i < s->nr; i++) {
		const struct object *o = &s->obj[i];

		if (strcmp(o->group, group) || strcmp(o->version, version) ||
		    strcmp(o->resource, resource))
			continue;
		kind = o->kind;
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
		if (sent++)
			buf_addch(&items, ',');
		object_json(o, &items);
	}
	if (!kind) {
		for (i = 0; i < ARRAY_SIZE(builtin_kinds); i++)
			if (!strcmp(builtin_kinds[i].resource, resource) &&
			    !strcmp(builtin_kinds[i].group, group))
				kind = builtin_kinds[i].kind;
		if (!kind) {
			buf_release(&items);
			respond_status(c, 404, "NotFound", "the server could not find the requested resource");
			return;
		}
	}
	buf_addf(&b, "{\"kind\":\"%sList\",\"apiVersion\":\"%s%s%s\",\"metadata\":{\"resourceVersion\":\"1\"",
		 kind, group, *group ? "/" : "", version);
	if (more)
		buf_addf(&b, ",\"continue\":\"%lu\"", skip + sent);
	buf_adds(&b, "},\"items\":[");
	buf_add(&b, items.buf, items.len);
	buf_adds(&b, "]}");
	respond_json(c, 200, &b);
	buf_release(&b);
	buf_release(&items);
}

static const struct object *find_object(const struct server *s, const char *group,
					const char *version, const char *resource,
					const char *ns, const char *name)
{
	size_t i = s->nr;

	while (i--) {	/* a created object shadows a recorded one */
		const struct object *o = &s->obj[i];

		if (!strcmp(o->group, group) && !strcmp(o->version, version) &&
		    !strcmp(o->resource, resource) && !strcmp(o->name, name) &&
		    ((!ns && !o->namespace) || (ns && o->namespace && !strcmp(o->namespace, ns))))
			return o;
	}
	return NULL;
}

static void serve_get(struct server *s, struct conn *c, const char *group,
		      const char *version, const char *resource, const char *ns,
		      const char *name)
{
	const struct object *o = find_object(s, group, version, resource, ns, name);
	struct buf b = BUF_INIT, msg = BUF_INIT;

	if (!o) {
		buf_addf(&msg, "%s%s%s \"%s\" not found", resource, *group ? "." : "",
			 group, name);
		respond_status(c, 404, "NotFound", msg.buf);
		buf_release(&msg);
		return;
	}
	object_json(o, &b);
	respond_json(c, 200, &b);
	buf_release(&b);
}

static void serve_log(struct server *s, struct conn *c, const char *ns,
		      const char *pod)
{
	const char *container = httpd_arg(c->req, "container");
	struct buf path = BUF_INIT, body = BUF_INIT, msg = BUF_INIT;
	FILE *fp;
	char chunk[8192];
	size_t n;

	if (!recorded_name_ok(ns) || !recorded_name_ok(pod) ||
	    (container && !recorded_name_ok(container))) {
		buf_addf(&msg, "pods \"%s\" not found", pod);
		respond_status(c, 404, "NotFound", msg.buf);
		buf_release(&msg);
		return;
	}
	if (!container) {
		/* A pod with one recorded log needs no container name. */
		struct dirent **list;
		int k, m, logs = 0;

		buf_addf(&path, "%s/logs/%s/%s", s->dir, ns, pod);
		m = scandir(path.buf, &list, NULL, alphasort);
		buf_reset(&path);
		for (k = 0; k < m; k++) {
			if (list[k]->d_name[0] != '.' && !logs++)
				buf_addf(&path, "%s/logs/%s/%s/%s", s->dir, ns, pod, list[k]->d_name);
			free(list[k]);
		}
		if (m > 0)
			free(list);
		if (logs != 1) {
			respond_status(c, 400, "BadRequest", "a container name must be specified");
			buf_release(&path);
			return;
		}
	} else {
		buf_addf(&path, "%s/logs/%s/%s/%s.log", s->dir, ns, pod, container);
	}
	fp = fopen(path.buf, "rb");
	if (!fp) {
		buf_addf(&msg, "pods \"%s\" not found", pod);
		respond_status(c, 404, "NotFound", msg.buf);
	} else {
		while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			buf_add(&body, chunk, n);
		fclose(fp);
		respond(c, 200, "text/plain", body.buf, body.len);
	}
	buf_release(&path);
	buf_release(&body);
	buf_release(&msg);
}

/* A request path split into its parts by parse_route(). */
struct route {
	const char *group, *version, *ns, *resource, *name, *sub;
	int discovery;
};

static void serve_create(struct server *s, struct conn *c,
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
	{
		const struct doc_node *resp = matching_review(s, d->root, ns);
		const struct doc_node *allowed = doc_get(resp, "allowed");

		if (resp && allowed && allowed->kind == DOC_BOOL &&
		    strchr("fFnN", allowed->text[0])) {
			const char *msg = doc_str(doc_lookup(resp, "status.message"));
			int64_t code = 400;
			struct buf m = BUF_INIT;

			doc_int(doc_lookup(resp, "status.code"), &code);
			buf_addf(&m, "admission webhook \"validator.experiment.katib.kubeflow.org\" denied the request: %s",
				 msg ? msg : "");
			doc_free(d);
			respond_status(c, code >= 400 && code < 600 ? (unsigned)code : 400,
				       code == 403 ? "Forbidden" : "BadRequest", m.buf);
			buf_release(&m);
			return;
		}
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
	json = doc_to_json(d->root);
	if (!dry || strcmp(dry, "All")) {
		ALLOC_GROW(s->docs, s->nr_docs + 1, s->alloc_docs);
		s->docs[s->nr_docs++] = d;
		add_object(s, d->root, json);
		if (ns && s->obj[s->nr - 1].namespace)
			s->obj[s->nr - 1].namespace = arena_strdup(&s->arena, ns);
		s->created++;
	} else {
		doc_free(d);
	}
	buf_adds(&b, json);
	free(json);
	respond_json(c, 201, &b);
	buf_release(&b);
}


/*
 * POST /validate-experiment: Katib's validating webhook as recorded.  A
 * recorded AdmissionReview for the same object answers (with the asking
 * request's uid); anything else is allowed.  `repro replay --webhook`
 * tests its comparison against this.
 */
static void serve_webhook(struct server *s, struct conn *c, const char *body,
			  size_t len)
{
	struct doc_reader *r;
	struct fail f = FAIL_INIT;
	struct doc *d = NULL;
	const struct doc_node *req, *resp, *allowed;
	struct buf b = BUF_INIT;
	int64_t code = 400;

	doc_reader_open_mem(&r, "request", body, len, NULL);
	if (doc_reader_next(r, &d, &f) <= 0 || d->error || !d->root ||
	    !(req = doc_get_kind(d->root, "request", DOC_MAP)) ||
	    !doc_get_str(req, "uid")) {
		doc_free(d);
		doc_reader_free(r);
		respond_status(c, 400, "BadRequest", "the request body is not an AdmissionReview request");
		return;
	}
	doc_reader_free(r);
	resp = matching_review(s, doc_get_kind(req, "object", DOC_MAP),
			       doc_get_str(req, "namespace"));
	allowed = doc_get(resp, "allowed");
	buf_adds(&b, "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":");
	buf_add_json_str(&b, doc_get_str(req, "uid"), strlen(doc_get_str(req, "uid")));
	if (resp && allowed && allowed->kind == DOC_BOOL && strchr("fFnN", allowed->text[0])) {
		const char *msg = doc_str(doc_lookup(resp, "status.message"));

		doc_int(doc_lookup(resp, "status.code"), &code);
		buf_addf(&b, ",\"allowed\":false,\"status\":{\"code\":%lld,\"message\":",
			 (long long)code);
		buf_add_json_str(&b, msg ? msg : "", msg ? strlen(msg) : 0);
		buf_adds(&b, "}}}");
	} else {
		buf_adds(&b, ",\"allowed\":true}}");
	}
	doc_free(d);
	respond_json(c, 200, &b);
	buf_release(&b);
}

/* Splits "/api/v1/..." or "/apis/g/v/..." into its parts. */
static int parse_route(char *url, struct route *rt)
{
	char *part[8];
	int n = 0, i = 0;
	char *p = url;

	memset(rt, 0, sizeof(*rt));
	while (*p == '/')
		p++;
	while (*p && n < 8) {
		part[n++] = p;
		p = strchr(p, '/');
		if (!p)
			break;
		*p++ = '\0';
	}
	if (p && *p)
		return -1;
	if (n >= 1 && !strcmp(part[0], "api")) {
		rt->group = "";
		i = 1;
		if (n == 1) {
			rt->discovery = 1;
			rt->version = NULL;
			return 0;
		}
		rt->version = part[i++];
	} else if (n >= 1 && !strcmp(part[0], "apis")) {
		if (n == 1) {
			rt->discovery = 1;
			return 0;
		}
		if (n == 2)
			return -1;
		rt->group = part[1];
		rt->version = part[2];
		i = 3;
	} else {
		return -1;
	}
	if (i == n) {
		rt->discovery = 1;
		return 0;
	}
	if (!strcmp(part[i], "namespaces") && n - i >= 3) {
		rt->ns = part[i + 1];
		i += 2;
	}
	rt->resource = part[i++];
	if (i < n)
		rt->name = part[i++];
	if (i < n)
		rt->sub = part[i++];
	return i == n ? 0 : -1;
}

static void respond_fault_status(struct conn *c, unsigned code)
{
	const char *reason = code == 429 ? "TooManyRequests"
			   : code == 401 ? "Unauthorized"
			   : code == 403 ? "Forbidden"
			   : code == 404 ? "NotFound"
			   : code == 409 ? "AlreadyExists"
			   : code == 503 ? "ServiceUnavailable" : "InternalError";
	struct buf b = BUF_INIT, msg = BUF_INIT;

	buf_addf(&msg, "injected fault: HTTP %u", code);
	buf_adds(&b, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":");
	buf_add_json_str(&b, msg.buf, msg.len);
	buf_addf(&b, ",\"reason\":\"%s\",\"code\":%u}", reason, code);
	respond_json(c, code, &b);
	if (code == 429)
		c->reply->retry_after = "1";
	buf_release(&b);
	buf_release(&msg);
}

static void log_request(struct server *s, const char *method, const char *url,
			struct conn *c)
{
	const char *keys[] = { "labelSelector", "fieldSelector", "limit", "continue",
			       "container", "dryRun" };
	size_t i;

	if (!s->log)
		return;
	fprintf(s->log, "%s %s", method, url);
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *v = httpd_arg(c->req, keys[i]);

		if (v)
			fprintf(s->log, " %s=%s", keys[i], v);
	}
	fputc('\n', s->log);
	fflush(s->log);
}

static void handle(void *data, const struct httpd_request *req,
		   struct httpd_reply *reply)
{
	struct server *s = data;
	struct conn conn = { req, reply }, *c = &conn;
	const char *url = req->path, *method = req->method;
	struct route rt;
	char *path;

	/*
	 * An absolute-form target ("GET http://host/api"), as a client sends
	 * to a proxy: HTTP/1.1 servers must take it, and it lets the server
	 * stand in for a forward proxy in proxy-url tests.
	 */
	if (!strncmp(url, "http://", 7) || !strncmp(url, "https://", 8)) {
		const char *p = strchr(strstr(url, "//") + 2, '/');

		url = p ? p : "/";
	}
	log_request(s, method, url, c);
	s->requests++;
	{
		struct fault *f = matching_fault(s, url);

		/* One worker serves every request: a delay holds them all. */
		if (f && f->delay_ms) {
			struct timespec ts = { (time_t)(f->delay_ms / 1000),
					       (long)(f->delay_ms % 1000) * 1000000L };

			nanosleep(&ts, NULL);
		}
		if (f && f->reset) {
			reply->drop = 1;
			return;
		}
		if (f && f->truncate) {
			static const char half[] = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"items\":[{\"metad";

			respond(c, 200, "application/json", half, sizeof(half) - 1);
			return;
		}
		if (f && f->status) {
			respond_fault_status(c, f->status);
			return;
		}
	}
	if (s->client_ca && !req->client_verified) {
		respond_status(c, 401, "Unauthorized", "Unauthorized");
		return;
	}
	if (s->token) {
		const char *auth = httpd_header(req, "Authorization");

		if (!auth || strncmp(auth, "Bearer ", 7) || strcmp(auth + 7, s->token)) {
			respond_status(c, 401, "Unauthorized", "Unauthorized");
			return;
		}
	}
	if (req->too_large) {
		respond_status(c, 413, "RequestEntityTooLarge", "the request body is too large");
		return;
	}
	path = xstrdup(url);
	if (!strcmp(method, "GET") && !strcmp(url, "/version")) {
		static const char version_json[] =
			"{\"major\":\"1\",\"minor\":\"34\",\"gitVersion\":\"v1.34.0-katib-replay\","
			"\"platform\":\"linux/amd64\"}";

		respond(c, 200, "application/json", version_json, sizeof(version_json) - 1);
	} else if (!strcmp(method, "POST") && !strcmp(url, "/validate-experiment")) {
		serve_webhook(s, c, req->body, req->body_len);
	} else if (parse_route(path, &rt)) {
		respond_status(c, 404, "NotFound", "the server could not find the requested resource");
	} else if (!strcmp(method, "GET") && rt.discovery) {
		serve_discovery(s, c, rt.group, rt.version);
	} else if (!strcmp(method, "GET") && rt.sub && !strcmp(rt.resource, "pods") &&
		   !strcmp(rt.sub, "log") && rt.ns) {
		serve_log(s, c, rt.ns, rt.name);
	} else if (!strcmp(method, "GET") && rt.name && !rt.sub) {
		serve_get(s, c, rt.group, rt.version, rt.resource, rt.ns, rt.name);
	} else if (!strcmp(method, "GET") && !rt.name) {
		serve_list(s, c, rt.group, rt.version, rt.resource, rt.ns);
	} else if (!strcmp(method, "POST") && !rt.name) {
		serve_create(s, c, &rt, req->body, req->body_len);
	} else {
		respond_status(c, 405, "MethodNotAllowed", "the replay server does not support this request");
	}
	free(path);
}

/* libmicrohttpd's complaints, on stderr as it would print them itself. */
static void server_log(void *data UNUSED, const char *msg)
{
	fprintf(stderr, "%s\n", msg);
}

/* Writes the kubeconfig atomically: a reader never sees half of it. */
static int write_kubeconfig(const char *path, unsigned port, const char *token,
			    int tls, const char *ca)
{
	struct buf tmp = BUF_INIT;
	FILE *fp;
	int ok;

	buf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	/* 0600: the file may hold the bearer token. */
	{
		int fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		fp = fd < 0 ? NULL : fdopen(fd, "w");
		if (!fp && fd >= 0)
			close(fd);
	}
	if (!fp) {
		fprintf(stderr, "katib-replay: cannot write '%s': %s\n", tmp.buf, strerror(errno));
		buf_release(&tmp);
		return -1;
	}
	fprintf(fp,
		"apiVersion: v1\nkind: Config\n"
		"clusters:\n- name: replay\n  cluster:\n    server: %s://127.0.0.1:%u\n%s%s%s"
		"users:\n- name: replay\n  user: {%s%s%s}\n"
		"contexts:\n- name: replay\n  context:\n    cluster: replay\n    user: replay\n    namespace: default\n"
		"current-context: replay\n", tls ? "https" : "http", port,
		ca ? "    certificate-authority: " : "", ca ? ca : "", ca ? "\n" : "",
		token ? "token: \"" : "",
		token ? token : "", token ? "\"" : "");
	ok = !ferror(fp) && !fclose(fp) && !rename(tmp.buf, path);
	if (!ok) {
		fprintf(stderr, "katib-replay: cannot write '%s': %s\n", path, strerror(errno));
		unlink(tmp.buf);
	}
	buf_release(&tmp);
	return ok ? 0 : -1;
}

/* A whole (small) file, or NULL after saying why. */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;

	if (!fp) {
		fprintf(stderr, "katib-replay: cannot read '%s': %s\n", path, strerror(errno));
		return NULL;
	}
	buf_init(&b, (size_t)1 << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, n);
	fclose(fp);
	return buf_detach(&b, NULL);
}

static const char usage[] =
	"usage: katib-replay serve DIR [--port N] [--kubeconfig-out FILE] [--log FILE]\n"
	"                          [--token T] [--tls-cert F --tls-key F [--tls-ca F]\n"
	"                          [--client-ca F]] [--fault RULE]...\n";

static int serve(int argc, char **argv)
{
	struct server s;
	struct httpd *h = NULL;
	struct httpd_options o;
	struct fail f = FAIL_INIT;
	const char *kubeconfig = NULL, *log_path = NULL;
	const char *tls_cert = NULL, *tls_key = NULL, *tls_ca = NULL, *client_ca = NULL;
	char *cert_pem = NULL, *key_pem = NULL, *client_ca_pem = NULL;
	unsigned port = 0;
	sigset_t set;
	int i, sig, status = 0;
	size_t k;

	memset(&s, 0, sizeof(s));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--port") && i + 1 < argc)
			port = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--kubeconfig-out") && i + 1 < argc)
			kubeconfig = argv[++i];
		else if (!strcmp(argv[i], "--log") && i + 1 < argc)
			log_path = argv[++i];
		else if (!strcmp(argv[i], "--token") && i + 1 < argc)
			s.token = argv[++i];
		else if (!strcmp(argv[i], "--tls-cert") && i + 1 < argc)
			tls_cert = argv[++i];
		else if (!strcmp(argv[i], "--tls-key") && i + 1 < argc)
			tls_key = argv[++i];
		else if (!strcmp(argv[i], "--tls-ca") && i + 1 < argc)
			tls_ca = argv[++i];
		else if (!strcmp(argv[i], "--client-ca") && i + 1 < argc)
			client_ca = argv[++i];
		else if (!strcmp(argv[i], "--fault") && i + 1 < argc) {
			if (parse_fault(&s, argv[++i])) {
				fprintf(stderr, "katib-replay: bad --fault '%s'\n", argv[i]);
				status = 2;
				goto out;
			}
		}
		else if (argv[i][0] != '-' && !s.dir)
			s.dir = argv[i];
		else {
			fputs(usage, stderr);
			return 2;
		}
	}
	if (!s.dir || port > 65535 || !tls_cert != !tls_key || (client_ca && !tls_cert)) {
		fputs(usage, stderr);
		return 2;
	}
	if (tls_cert && (!(cert_pem = slurp(tls_cert)) || !(key_pem = slurp(tls_key)) ||
			 (client_ca && !(client_ca_pem = slurp(client_ca))))) {
		status = 2;
		goto out;
	}
	s.client_ca = client_ca != NULL;
	if (load_recording(&s)) {
		status = 2;
		goto out;
	}
	add_namespaces(&s);
	if (log_path && !(s.log = fopen(log_path, "a"))) {
		fprintf(stderr, "katib-replay: cannot open '%s': %s\n", log_path, strerror(errno));
		status = 2;
		goto out;
	}
	/* SIGTERM and SIGINT are taken with sigwait() below. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	memset(&o, 0, sizeof(o));
	o.address = "127.0.0.1";
	o.port = port;
	/*
	 * One worker: requests are answered one at a time, so the handler
	 * needs no lock around the objects that creates add.
	 */
	o.threads = 1;
	o.max_body = MAX_BODY;
	o.timeout = 30;
	o.cert_pem = cert_pem;
	o.key_pem = key_pem;
	o.client_ca_pem = client_ca_pem;
	/* An oversized body gets a Status object, after faults and auth. */
	o.pass_too_large = 1;
	o.handler = handle;
	o.log = server_log;
	o.data = &s;
	if (httpd_start(&h, &o, &f)) {
		fprintf(stderr, "katib-replay: %s\n", f.msg);
		status = 3;
		goto out;
	}
	port = httpd_port(h);
	if (kubeconfig && write_kubeconfig(kubeconfig, port, s.token, tls_cert != NULL, tls_ca)) {
		httpd_stop(h, 0);
		status = 3;
		goto out;
	}
	printf("katib-replay: serving %zu objects from %s at %s://127.0.0.1:%u\n",
	       s.nr, s.dir, tls_cert ? "https" : "http", port);
	fflush(stdout);
	sigwait(&set, &sig);
	httpd_stop(h, 0);
out:
	/* Unloaded last, so that a leak checker sees everything freed. */
	httpd_release();
	free(cert_pem);
	free(key_pem);
	free(client_ca_pem);
	free(s.faults);
	recorded_release(&s.rec);
	if (s.log)
		fclose(s.log);
	for (k = 0; k < s.nr_docs; k++)
		doc_free(s.docs[k]);
	free(s.docs);
	free(s.obj);
	arena_release(&s.arena);
	arena_drop_spare();
	return status;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "serve"))
		return serve(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return 0;
	}
	fputs(usage, stderr);
	return 2;
}
