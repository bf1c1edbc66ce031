/*
 * Injected faults (--fault): errors, delays, resets and truncated bodies,
 * so that clients can be tested against a server that misbehaves.
 */
#include "compat.h"
#include "replay.h"

int parse_fault(struct server *s, const char *spec)
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
		else if (!strcmp(p, "watch"))
			f.watch = 1;
		else
			return -1;
	}
	if (!f.status && !f.delay_ms && !f.reset && !f.truncate)
		return -1;
	ALLOC_GROW(s->faults, s->nr_faults + 1, s->alloc_faults);
	s->faults[s->nr_faults++] = f;
	return 0;
}

/*
 * A path contained in the URL; one ending in '$' must end it, so that a
 * fault can hit a namespace and not everything under it.
 */
static int path_matches(const char *url, const char *path)
{
	size_t ul = strlen(url), pl = strlen(path);

	if (pl && path[pl - 1] == '$')
		return ul >= pl - 1 && !strncmp(url + ul - (pl - 1), path, pl - 1);
	return strstr(url, path) != NULL;
}

struct fault *matching_fault(struct server *s, const char *url, int watch)
{
	size_t i;

	for (i = 0; i < s->nr_faults; i++) {
		struct fault *f = &s->faults[i];

		if (!f->times)
			continue;
		if (f->path && !path_matches(url, f->path))
			continue;
		if (f->watch && !watch)
			continue;
		if (f->nth && f->nth != s->requests)
			continue;
		if (f->times > 0)
			f->times--;
		return f;
	}
	return NULL;
}

void respond_fault_status(struct conn *c, unsigned code)
{
	const char *reason = code == 429 ? "TooManyRequests"
			   : code == 401 ? "Unauthorized"
			   : code == 403 ? "Forbidden"
			   : code == 404 ? "NotFound"
			   : code == 409 ? "AlreadyExists"
			   /* kube-apiserver's reason for a version too old to watch from */
			   : code == 410 ? "Expired"
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
