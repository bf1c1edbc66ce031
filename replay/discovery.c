/*
 * Discovery: /api, /apis and the resource lists of each group version,
 * for the built-in kinds and every kind the recording holds.  A client
 * that asks for aggregated discovery (Accept: ...;g=apidiscovery.k8s.io;
 * v=v2;as=APIGroupDiscoveryList, as kubectl 1.32 and client-go do) gets
 * every group's resources from /api and /apis at once, as kube-apiserver
 * answers (staging/src/k8s.io/api/apidiscovery/v2/types.go and
 * staging/src/k8s.io/apiserver/pkg/endpoints/discovery/aggregated, in
 * kubernetes); any other client the legacy documents.
 */
#include "compat.h"
#include "replay.h"

#include <ctype.h>

/* Kinds every cluster serves, and Katib's, so discovery finds them. */
const struct resource_kind builtin_kinds[] = {
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
const size_t nr_builtin_kinds = ARRAY_SIZE(builtin_kinds);

/* The built-in kinds, then each other kind the store holds, once. */
size_t kinds_served(const struct server *s, struct kind_seen *out, size_t max)
{
	size_t n = 0, i, j;

	for (i = 0; i < nr_builtin_kinds && n < max; i++) {
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

/* The apidiscovery version the client takes ("v2", "v2beta1"), or NULL. */
static const char *aggregated_wanted(struct conn *c)
{
	const char *accept = httpd_header(c->req, "Accept");

	if (!accept || !strstr(accept, "as=APIGroupDiscoveryList") ||
	    !strstr(accept, "g=apidiscovery.k8s.io"))
		return NULL;
	if (strstr(accept, "v=v2;") || strstr(accept, "v=v2,"))
		return "v2";
	return strstr(accept, "v=v2beta1") ? "v2beta1" : NULL;
}

/* A kind's singular resource name: Experiment -> experiment.  Caller frees. */
static char *singular_of(const char *kind)
{
	char *out = xstrdup(kind), *p;

	for (p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

/* One resource as APIResourceDiscovery. */
static void add_resource_discovery(struct buf *b, const struct kind_seen *k)
{
	char *singular = singular_of(k->kind);

	buf_addf(b, "{\"resource\":\"%s\",\"responseKind\":{\"group\":\"%s\",\"version\":\"%s\",\"kind\":\"%s\"},"
		    "\"scope\":\"%s\",\"singularResource\":\"%s\","
		    "\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"watch\"]",
		 k->resource, k->group, k->version, k->kind,
		 k->namespaced ? "Namespaced" : "Cluster", singular);
	free(singular);
	if (k->short_name)
		buf_addf(b, ",\"shortNames\":[\"%s\"]", k->short_name);
	if (!strcmp(k->resource, "pods") && !*k->group)
		buf_adds(b, ",\"subresources\":[{\"subresource\":\"log\",\"responseKind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"verbs\":[\"get\"]}]");
	buf_addch(b, '}');
}

/*
 * /api (core) or /apis (every other group) as an APIGroupDiscoveryList:
 * a group each, its one version, its resources.
 */
static void serve_aggregated(struct conn *c, const struct kind_seen *k, size_t n, int core,
			     const char *version)
{
	struct buf b = BUF_INIT;
	size_t i, j, groups = 0;

	buf_addf(&b, "{\"kind\":\"APIGroupDiscoveryList\",\"apiVersion\":\"apidiscovery.k8s.io/%s\","
		    "\"metadata\":{},\"items\":[", version);
	for (i = 0; i < n; i++) {
		size_t resources = 0;

		if ((*k[i].group == '\0') != core)
			continue;
		for (j = 0; j < i; j++)
			if (!strcmp(k[j].group, k[i].group) && !strcmp(k[j].version, k[i].version))
				break;
		if (j < i)
			continue;
		if (core)
			buf_addf(&b, "%s{\"metadata\":{\"creationTimestamp\":null},", groups++ ? "," : "");
		else
			buf_addf(&b, "%s{\"metadata\":{\"name\":\"%s\",\"creationTimestamp\":null},",
				 groups++ ? "," : "", k[i].group);
		buf_addf(&b, "\"versions\":[{\"version\":\"%s\",\"resources\":[", k[i].version);
		for (j = i; j < n; j++) {
			if (strcmp(k[j].group, k[i].group) || strcmp(k[j].version, k[i].version))
				continue;
			if (resources++)
				buf_addch(&b, ',');
			add_resource_discovery(&b, &k[j]);
		}
		buf_adds(&b, "],\"freshness\":\"Current\"}]}");
	}
	buf_adds(&b, "]}");
	/* respond() keeps the type's pointer until the answer is sent. */
	respond(c, 200, strcmp(version, "v2")
			? "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"
			: "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
		b.buf, b.len);
	buf_release(&b);
}

void serve_discovery(struct server *s, struct conn *c, const char *group,
			    const char *version)
{
	struct kind_seen k[512];
	size_t n = kinds_served(s, k, ARRAY_SIZE(k)), i, j, found = 0;
	struct buf b = BUF_INIT;
	const char *aggregated = aggregated_wanted(c);

	if (aggregated && !version && (!group || !*group)) {
		serve_aggregated(c, k, n, group != NULL, aggregated);
		return;
	}
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
			char *singular;

			if (strcmp(k[i].group, group) || strcmp(k[i].version, version))
				continue;
			singular = singular_of(k[i].kind);
			buf_addf(&b, "%s{\"name\":\"%s\",\"singularName\":\"%s\",\"namespaced\":%s,\"kind\":\"%s\","
				     "\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"watch\"]",
				 found++ ? "," : "", k[i].resource, singular,
				 k[i].namespaced ? "true" : "false", k[i].kind);
			free(singular);
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
