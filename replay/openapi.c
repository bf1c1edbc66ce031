/*
 * OpenAPI v3: /openapi/v3, the index of group versions, and
 * /openapi/v3/api/v1, /openapi/v3/apis/GROUP/VERSION, one document each,
 * written from the kinds the server serves (discovery.c's), as
 * kube-apiserver publishes them (staging/src/k8s.io/kube-openapi/pkg/
 * handler3/handler.go, the index; staging/src/k8s.io/apiserver/pkg/
 * endpoints/installer.go, the paths, their operations and parameters).
 *
 * kubectl needs them before it sends ?fieldValidation: apply, create and
 * replace look for a PATCH operation of the kind (x-kubernetes-group-
 * version-kind) that takes fieldValidation (staging/src/k8s.io/
 * client-go/openapi3 and kubectl's pkg/util/openapi, in kubernetes) and
 * otherwise fall back to /openapi/v2, which the server does not serve.
 *
 * The schemas say only what a kind is: apiVersion, kind, metadata and
 * x-kubernetes-preserve-unknown-fields, which is all Katib's CRDs say
 * (manifests/v1beta1/components/crd/, kubeflow/katib at commit
 * 33c8ff4e5d18); built-in kinds get the same.  So their PATCH lists no
 * application/strategic-merge-patch+json, though the server takes one:
 * kubectl would then compute its patch from these schemas, which lack
 * the merge keys, instead of from its own built-in types.
 */
#include "compat.h"
#include "replay.h"

#include <ctype.h>

/* The query parameters, by name, as their documents describe them. */
struct param {
	const char *name, *type, *description;
};

static const struct param params[] = {
	{ "allowWatchBookmarks", "boolean", "allowWatchBookmarks requests watch events with type \"BOOKMARK\"." },
	{ "continue", "string", "The continue option should be set when retrieving more results from the server." },
	{ "dryRun", "string", "When present, indicates that modifications should not be persisted. Valid value: All." },
	{ "fieldManager", "string", "fieldManager is a name associated with the actor or entity that is making these changes." },
	{ "fieldSelector", "string", "A selector to restrict the list of returned objects by their fields." },
	{ "fieldValidation", "string", "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields: Ignore, Warn or Strict." },
	{ "force", "boolean", "Force is going to \"force\" Apply requests." },
	{ "gracePeriodSeconds", "integer", "The duration in seconds before the object should be deleted." },
	{ "labelSelector", "string", "A selector to restrict the list of returned objects by their labels." },
	{ "limit", "integer", "limit is a maximum number of responses to return for a list call." },
	{ "orphanDependents", "boolean", "Deprecated: please use the PropagationPolicy." },
	{ "propagationPolicy", "string", "Whether and how garbage collection will be performed." },
	{ "resourceVersion", "string", "resourceVersion sets a constraint on what resource versions a request may be served from." },
	{ "resourceVersionMatch", "string", "resourceVersionMatch determines how resourceVersion is applied to list calls." },
	{ "sendInitialEvents", "boolean", "sendInitialEvents=true may be set together with watch=true to stream the current objects first." },
	{ "timeoutSeconds", "integer", "Timeout for the list/watch call." },
	{ "watch", "boolean", "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications." },
	{ "container", "string", "The container for which to stream logs." },
	{ "limitBytes", "integer", "If set, the number of bytes to read from the server before terminating the log output." },
	{ "previous", "boolean", "Return previous terminated container logs." },
	{ "tailLines", "integer", "If set, the number of lines from the end of the logs to show." },
	{ "pretty", "string", "If 'true', then the output is pretty printed." },
};

/* Each action's query parameters, as installer.go gives them. */
static const char *const list_params[] = {
	"allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit",
	"resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds",
	"watch", NULL,
};
static const char *const create_params[] = { "dryRun", "fieldManager", "fieldValidation", NULL };
static const char *const patch_params[] = { "dryRun", "fieldManager", "fieldValidation", "force", NULL };
static const char *const delete_params[] = {
	"dryRun", "gracePeriodSeconds", "orphanDependents", "propagationPolicy", NULL,
};
static const char *const log_params[] = { "container", "limitBytes", "previous", "tailLines", NULL };
static const char *const no_params[] = { NULL };

/* A kind's names in a document: schema, operation ids, tag. */
struct names {
	char schema[256];		/* "io.k8s.api.core.v1.Pod" */
	char camel[128];		/* "CoreV1", "KubeflowOrgV1beta1" */
	char tag[128];			/* "core_v1", "kubeflowOrg_v1beta1" */
	const struct kind_seen *k;
	const char *base;		/* "/api/v1", "/apis/kubeflow.org/v1beta1" */
};

/* Appends word with its first letter in upper case. */
static void add_capital(char *out, size_t max, const char *word, size_t len)
{
	size_t n = strlen(out);

	if (!len || n + len + 1 > max)
		return;
	memcpy(out + n, word, len);
	out[n] = (char)toupper((unsigned char)out[n]);
	out[n + len] = '\0';
}

/*
 * How kube-apiserver names a group's definitions and operations: the
 * core group is "core", a *.k8s.io group its first label, a built-in
 * group itself, and a CRD's group its labels reversed ("org.kubeflow").
 */
static void name_kind(const struct kind_seen *k, const char *base, struct names *nm)
{
	const char *g = k->group, *p;
	char word[128];
	size_t len;

	memset(nm, 0, sizeof(*nm));
	nm->k = k;
	nm->base = base;
	if (!*g) {
		snprintf(nm->schema, sizeof(nm->schema), "io.k8s.api.core.%s.%s", k->version, k->kind);
		add_capital(nm->camel, sizeof(nm->camel), "core", 4);
	} else if (builtin_group(g)) {
		len = strcspn(g, ".");
		snprintf(nm->schema, sizeof(nm->schema), "io.k8s.api.%.*s.%s.%s", (int)len, g,
			 k->version, k->kind);
		for (p = g; *p && strcmp(p, "k8s.io");) {
			len = strcspn(p, ".-");
			add_capital(nm->camel, sizeof(nm->camel), p, len);
			p += len;
			if (*p)
				p++;
		}
	} else {
		const char *end = g + strlen(g);

		while (end > g) {
			const char *dot = end;

			while (dot > g && dot[-1] != '.')
				dot--;
			len = strlen(nm->schema);
			snprintf(nm->schema + len, sizeof(nm->schema) - len, "%.*s.",
				 (int)(end - dot), dot);
			end = dot > g ? dot - 1 : g;
		}
		len = strlen(nm->schema);
		snprintf(nm->schema + len, sizeof(nm->schema) - len, "%s.%s", k->version, k->kind);
		for (p = g; *p;) {
			len = strcspn(p, ".-");
			add_capital(nm->camel, sizeof(nm->camel), p, len);
			p += len;
			if (*p)
				p++;
		}
	}
	snprintf(nm->tag, sizeof(nm->tag), "%s", nm->camel);
	nm->tag[0] = (char)tolower((unsigned char)nm->tag[0]);
	len = strlen(nm->tag);
	snprintf(nm->tag + len, sizeof(nm->tag) - len, "_%s", k->version);
	snprintf(word, sizeof(word), "%s", k->version);
	add_capital(nm->camel, sizeof(nm->camel), word, strlen(word));
}

static const struct param *find_param(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(params); i++)
		if (!strcmp(params[i].name, name))
			return &params[i];
	return NULL;
}

static void add_param(struct buf *b, const char *name, const char *in, int *first)
{
	const struct param *p = find_param(name);

	buf_addf(b, "%s{\"name\":\"%s\",\"in\":\"%s\",\"description\":", *first ? "" : ",", name, in);
	buf_add_json_str(b, p ? p->description : "", p ? strlen(p->description) : 0);
	if (!strcmp(in, "path"))
		buf_adds(b, ",\"required\":true");
	buf_addf(b, ",\"schema\":{\"type\":\"%s\",\"uniqueItems\":true}}", p ? p->type : "string");
	*first = 0;
}

static void add_ref(struct buf *b, const char *schema)
{
	buf_addf(b, "{\"$ref\":\"#/components/schemas/%s\"}", schema);
}

/*
 * One operation: verb is the HTTP method's key, action kube-apiserver's
 * x-kubernetes-action, and the operationId is id, the group version,
 * scope, the kind and tail ("listCoreV1NamespacedPod",
 * "watchCoreV1PodListForAllNamespaces"); response names its schema.
 */
static void add_operation(struct buf *b, const struct names *nm, const char *verb,
			  const char *action, const char *id, const char *scope,
			  const char *tail, const char *const *query,
			  const char *response, int first)
{
	const struct kind_seen *k = nm->k;
	int p = 1;
	size_t i;

	buf_addf(b, "%s\"%s\":{\"tags\":[\"%s\"],\"description\":\"%s %s of kind %s\","
		 "\"operationId\":\"%s%s%s%s%s\",\"parameters\":[",
		 first ? "" : ",", verb, nm->tag, action, strstr(action, "list") ? "objects" : "the specified",
		 k->kind, id, nm->camel, scope, k->kind, tail);
	for (i = 0; query[i]; i++)
		add_param(b, query[i], "query", &p);
	buf_addch(b, ']');
	if (!strcmp(verb, "post")) {
		buf_adds(b, ",\"requestBody\":{\"content\":{\"application/json\":{\"schema\":");
		add_ref(b, nm->schema);
		buf_adds(b, "}},\"required\":true}");
	} else if (!strcmp(verb, "patch")) {
		buf_adds(b, ",\"requestBody\":{\"content\":{");
		buf_adds(b, "\"application/json-patch+json\":{\"schema\":");
		add_ref(b, "io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
		buf_adds(b, "},\"application/merge-patch+json\":{\"schema\":");
		add_ref(b, "io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
		buf_adds(b, "}},\"required\":true}");
	}
	buf_addf(b, ",\"responses\":{\"%s\":{\"description\":\"%s\",\"content\":{\"%s\":{\"schema\":",
		 !strcmp(verb, "post") ? "201" : "200", !strcmp(verb, "post") ? "Created" : "OK",
		 strcmp(tail, "Log") ? "application/json" : "text/plain");
	if (!strcmp(response, "string"))
		buf_adds(b, "{\"type\":\"string\"}");
	else
		add_ref(b, response);
	buf_addf(b, "}}},\"401\":{\"description\":\"Unauthorized\"}},\"x-kubernetes-action\":\"%s\","
		 "\"x-kubernetes-group-version-kind\":{\"group\":\"%s\",\"version\":\"%s\",\"kind\":\"%s\"}}",
		 action, k->group, k->version, k->kind);
}

/* The parameters of a path: its path parameters, then pretty. */
static void add_path_params(struct buf *b, int namespaced, int named)
{
	int p = 1;

	buf_adds(b, ",\"parameters\":[");
	if (named)
		add_param(b, "name", "path", &p);
	if (namespaced)
		add_param(b, "namespace", "path", &p);
	add_param(b, "pretty", "query", &p);
	buf_addch(b, ']');
}

/* The paths of one kind: its collection, its objects, their watches. */
static void add_kind_paths(struct buf *b, const struct names *nm, int *first)
{
	const struct kind_seen *k = nm->k;
	const char *ns = k->namespaced ? "/namespaces/{namespace}" : "";
	const char *scope = k->namespaced ? "Namespaced" : "";
	const char *event = "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent";
	char list[300];

	snprintf(list, sizeof(list), "%sList", nm->schema);
	buf_addf(b, "%s\"%s%s/%s\":{", *first ? "" : ",", nm->base, ns, k->resource);
	*first = 0;
	add_operation(b, nm, "get", "list", "list", scope, "", list_params, list, 1);
	add_operation(b, nm, "post", "post", "create", scope, "", create_params, nm->schema, 0);
	add_path_params(b, k->namespaced, 0);
	buf_addf(b, "},\"%s%s/%s/{name}\":{", nm->base, ns, k->resource);
	add_operation(b, nm, "get", "get", "read", scope, "", no_params, nm->schema, 1);
	add_operation(b, nm, "patch", "patch", "patch", scope, "", patch_params, nm->schema, 0);
	add_operation(b, nm, "delete", "delete", "delete", scope, "", delete_params,
		      "io.k8s.apimachinery.pkg.apis.meta.v1.Status", 0);
	add_path_params(b, k->namespaced, 1);
	buf_addf(b, "},\"%s/watch%s/%s\":{", nm->base, ns, k->resource);
	add_operation(b, nm, "get", "watchlist", "watch", scope, "List", list_params, event, 1);
	add_path_params(b, k->namespaced, 0);
	buf_addf(b, "},\"%s/watch%s/%s/{name}\":{", nm->base, ns, k->resource);
	add_operation(b, nm, "get", "watch", "watch", scope, "", list_params, event, 1);
	add_path_params(b, k->namespaced, 1);
	buf_addch(b, '}');
	if (k->namespaced) {
		/* Lists and watches across namespaces. */
		buf_addf(b, ",\"%s/%s\":{", nm->base, k->resource);
		add_operation(b, nm, "get", "list", "list", "", "ForAllNamespaces", list_params, list, 1);
		add_path_params(b, 0, 0);
		buf_addf(b, "},\"%s/watch/%s\":{", nm->base, k->resource);
		add_operation(b, nm, "get", "watchlist", "watch", "", "ListForAllNamespaces",
			      list_params, event, 1);
		add_path_params(b, 0, 0);
		buf_addch(b, '}');
	}
	if (!strcmp(k->resource, "pods") && !*k->group) {
		buf_addf(b, ",\"%s/namespaces/{namespace}/pods/{name}/log\":{", nm->base);
		add_operation(b, nm, "get", "get", "read", "Namespaced", "Log", log_params, "string", 1);
		add_path_params(b, 1, 1);
		buf_addch(b, '}');
	}
}

/* The metadata kinds' schemas, which every document refers to. */
static const char meta_schemas[] =
	"\"io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta\":{\"description\":\"ObjectMeta is "
	"metadata that all persisted resources must have.\",\"type\":\"object\","
	"\"x-kubernetes-preserve-unknown-fields\":true},"
	"\"io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta\":{\"description\":\"ListMeta describes "
	"metadata that synthetic resources must have.\",\"type\":\"object\",\"properties\":{"
	"\"continue\":{\"type\":\"string\"},\"resourceVersion\":{\"type\":\"string\"}}},"
	"\"io.k8s.apimachinery.pkg.apis.meta.v1.Patch\":{\"description\":\"Patch is provided to "
	"give a concrete name and type to the Kubernetes PATCH request body.\",\"type\":\"object\"},"
	"\"io.k8s.apimachinery.pkg.apis.meta.v1.Status\":{\"description\":\"Status is a return "
	"value for calls that don't return other objects.\",\"type\":\"object\","
	"\"x-kubernetes-preserve-unknown-fields\":true,\"x-kubernetes-group-version-kind\":"
	"[{\"group\":\"\",\"kind\":\"Status\",\"version\":\"v1\"}]},"
	"\"io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent\":{\"description\":\"Event represents "
	"a single event to a watched resource.\",\"type\":\"object\",\"required\":[\"type\","
	"\"object\"],\"properties\":{\"object\":{\"type\":\"object\"},\"type\":{\"type\":"
	"\"string\"}}}";

/* A kind's schema and its list's. */
static void add_kind_schemas(struct buf *b, const struct names *nm)
{
	const struct kind_seen *k = nm->k;

	buf_addf(b, ",\"%s\":{\"description\":\"%s is served from a recording; its fields are "
		 "not described.\",\"type\":\"object\",\"properties\":{\"apiVersion\":{\"type\":\"string\"},"
		 "\"kind\":{\"type\":\"string\"},\"metadata\":{\"default\":{},\"allOf\":[",
		 nm->schema, k->kind);
	add_ref(b, "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
	buf_addf(b, "]}},\"x-kubernetes-preserve-unknown-fields\":true,"
		 "\"x-kubernetes-group-version-kind\":[{\"group\":\"%s\",\"kind\":\"%s\",\"version\":\"%s\"}]}",
		 k->group, k->kind, k->version);
	buf_addf(b, ",\"%sList\":{\"description\":\"%sList is a list of %s.\",\"type\":\"object\","
		 "\"required\":[\"items\"],\"properties\":{\"apiVersion\":{\"type\":\"string\"},"
		 "\"items\":{\"type\":\"array\",\"items\":{\"default\":{},\"allOf\":[",
		 nm->schema, k->kind, k->kind);
	add_ref(b, nm->schema);
	buf_adds(b, "]}},\"kind\":{\"type\":\"string\"},\"metadata\":{\"default\":{},\"allOf\":[");
	add_ref(b, "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta");
	buf_addf(b, "]}},\"x-kubernetes-group-version-kind\":[{\"group\":\"%s\",\"kind\":\"%sList\","
		 "\"version\":\"%s\"}]}", k->group, k->kind, k->version);
}

/* The document of one group version; 0 when the server serves none of it. */
static size_t gv_document(const struct server *s, const char *group,
			  const char *version, struct buf *b)
{
	struct kind_seen k[512];
	struct names nm;
	size_t n = kinds_served(s, k, ARRAY_SIZE(k)), i, found = 0;
	struct buf base = BUF_INIT;
	int first = 1;

	if (*group)
		buf_addf(&base, "/apis/%s/%s", group, version);
	else
		buf_addf(&base, "/api/%s", version);
	buf_adds(b, "{\"openapi\":\"3.0.0\",\"info\":{\"title\":\"Kubernetes\","
		    "\"version\":\"v1.34.0-katib-replay\"},\"paths\":{");
	for (i = 0; i < n; i++) {
		if (strcmp(k[i].group, group) || strcmp(k[i].version, version))
			continue;
		name_kind(&k[i], base.buf, &nm);
		add_kind_paths(b, &nm, &first);
		found++;
	}
	buf_adds(b, "},\"components\":{\"schemas\":{");
	buf_adds(b, meta_schemas);
	for (i = 0; i < n; i++) {
		if (strcmp(k[i].group, group) || strcmp(k[i].version, version))
			continue;
		name_kind(&k[i], base.buf, &nm);
		add_kind_schemas(b, &nm);
	}
	buf_adds(b, "}}}");
	buf_release(&base);
	return found;
}

/* FNV-1a: the index names each document's version, as a cache key. */
static uint64_t hash_of(const struct buf *b)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < b->len; i++) {
		h ^= (unsigned char)b->buf[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void serve_index(const struct server *s, struct conn *c)
{
	struct kind_seen k[512];
	size_t n = kinds_served(s, k, ARRAY_SIZE(k)), i, j;
	struct buf b = BUF_INIT, doc = BUF_INIT;

	buf_adds(&b, "{\"paths\":{");
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (!strcmp(k[j].group, k[i].group) && !strcmp(k[j].version, k[i].version))
				break;
		if (j < i)
			continue;
		buf_reset(&doc);
		gv_document(s, k[i].group, k[i].version, &doc);
		if (*k[i].group)
			buf_addf(&b, "%s\"apis/%s/%s\":{\"serverRelativeURL\":\"/openapi/v3/apis/%s/%s?hash=%016llX\"}",
				 i ? "," : "", k[i].group, k[i].version, k[i].group, k[i].version,
				 (unsigned long long)hash_of(&doc));
		else
			buf_addf(&b, "%s\"api/%s\":{\"serverRelativeURL\":\"/openapi/v3/api/%s?hash=%016llX\"}",
				 i ? "," : "", k[i].version, k[i].version, (unsigned long long)hash_of(&doc));
	}
	buf_adds(&b, "}}");
	respond_json(c, 200, &b);
	buf_release(&b);
	buf_release(&doc);
}

/* GET /openapi/v3 and /openapi/v3/<path>: path is what follows "/openapi/v3". */
void serve_openapi(struct server *s, struct conn *c, const char *path)
{
	struct buf b = BUF_INIT;
	char group[256] = "", version[64] = "";
	int n = 0;

	if (!*path || !strcmp(path, "/")) {
		serve_index(s, c);
		return;
	}
	if (!((sscanf(path, "/api/%63[^/]%n", version, &n) == 1 && !path[n]) ||
	      (sscanf(path, "/apis/%255[^/]/%63[^/]%n", group, version, &n) == 2 && !path[n])) ||
	    !gv_document(s, group, version, &b)) {
		buf_release(&b);
		respond_status(c, 404, "NotFound", "the server could not find the requested resource");
		return;
	}
	respond_json(c, 200, &b);
	buf_release(&b);
}
