/*
 * Routing: a request's path split into group, version, namespace,
 * resource, name and subresource, then faults, authentication, and the
 * handler that answers it.
 */
#include "compat.h"
#include "replay.h"

#include <time.h>

/* Splits "/api/v1/..." or "/apis/g/v/..." into its parts. */
int parse_route(char *url, struct route *rt)
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
	/* The deprecated /watch/ paths kube-apiserver still serves. */
	if (i < n && !strcmp(part[i], "watch") && n - i >= 2) {
		rt->watch = 1;
		i++;
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

/*
 * A boolean query parameter as kube-apiserver reads it: present and not
 * "0" or "false" in any case, so the Python client's "watch=True" is a
 * watch (Convert_Slice_string_To_bool, staging/src/k8s.io/apimachinery/
 * pkg/runtime/conversion.go, in kubernetes).
 */
int query_true(const char *v)
{
	return v && strcmp(v, "0") && strcasecmp(v, "false");
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

static void handle_locked(struct server *s, const struct httpd_request *req,
			  struct httpd_reply *reply);

/* Requests are answered one at a time; a watch waits outside the lock. */
void handle(void *data, const struct httpd_request *req,
	    struct httpd_reply *reply)
{
	struct server *s = data;

	pthread_mutex_lock(&s->lock);
	handle_locked(s, req, reply);
	pthread_mutex_unlock(&s->lock);
}

static void handle_locked(struct server *s, const struct httpd_request *req,
			  struct httpd_reply *reply)
{
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
		/* A watch, as the routing below tells one (?watch= or /watch/). */
		int watch = query_true(httpd_arg(req, "watch")) || strstr(url, "/watch/") != NULL;
		struct fault *f = matching_fault(s, url, watch);

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
	if (!strcmp(method, "GET") && (!strcmp(url, "/version") || !strcmp(url, "/version/"))) {
		static const char version_json[] =
			"{\"major\":\"1\",\"minor\":\"34\",\"gitVersion\":\"v1.34.0-katib-replay\","
			"\"platform\":\"linux/amd64\"}";

		respond(c, 200, "application/json", version_json, sizeof(version_json) - 1);
	} else if (!strcmp(method, "GET") && (!strcmp(url, "/openapi/v3") ||
					      !strncmp(url, "/openapi/v3/", 12))) {
		serve_openapi(s, c, url + 11);
	} else if (!strcmp(method, "POST") && !strcmp(url, "/katib-replay/step")) {
		serve_step(s, c);
	} else if (!strcmp(method, "POST") && !strcmp(url, "/validate-experiment")) {
		serve_webhook(s, c, req->body, req->body_len);
	} else if (parse_route(path, &rt)) {
		respond_status(c, 404, "NotFound", "the server could not find the requested resource");
	} else if (!strcmp(method, "GET") && rt.discovery) {
		serve_discovery(s, c, rt.group, rt.version);
	} else if (!strcmp(method, "GET") && rt.sub && !strcmp(rt.resource, "pods") &&
		   !strcmp(rt.sub, "log") && rt.ns) {
		serve_log(s, c, rt.ns, rt.name);
	} else if (!strcmp(method, "GET") && !rt.sub &&
		   (rt.watch || (!rt.name && query_true(httpd_arg(req, "watch"))))) {
		serve_watch(s, c, &rt);
	} else if (!strcmp(method, "GET") && rt.name && !rt.sub) {
		serve_get(s, c, rt.group, rt.version, rt.resource, rt.ns, rt.name);
	} else if (!strcmp(method, "GET") && !rt.name) {
		serve_list(s, c, rt.group, rt.version, rt.resource, rt.ns);
	} else if (!strcmp(method, "POST") && !rt.name) {
		serve_create(s, c, &rt, req->body, req->body_len);
	} else if (!strcmp(method, "PATCH") && rt.name && !rt.sub) {
		serve_patch(s, c, &rt, req->body, req->body_len);
	} else if (!strcmp(method, "DELETE") && rt.name && !rt.sub) {
		serve_delete(s, c, &rt);
	} else {
		respond_status(c, 405, "MethodNotAllowed", "the replay server does not support this request");
	}
	free(path);
}
