/*
 * Pod logs, from logs/<namespace>/<pod>/<container>.log of the recording.
 */
#include "compat.h"
#include "replay.h"

#include <dirent.h>

void serve_log(struct server *s, struct conn *c, const char *ns,
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

