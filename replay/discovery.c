/*
 * Discovery: /api, /apis and the resource lists of each group version,
 * for the built-in kinds and every kind the recording holds.
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

void serve_discovery(struct server *s, struct conn *c, const char *group,
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
				     "\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"watch\"]",
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
