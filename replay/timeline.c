/*
 * The timeline: later states of a recording (fixtures/README, section 5),
 * read and checked when the server starts, then applied one step at a
 * time, as the clock in replayd.c or a POST to /katib-replay/step says.
 * A step changes the store as PATCH and DELETE do, so every watch sees
 * ADDED, MODIFIED and DELETED events with new resourceVersions.
 */
#include "compat.h"
#include "replay.h"
#include "experiment.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

/* Offsets beyond a day are no recording of one Experiment. */
#define MAX_OFFSET_MS 86400000.0

/*
 * A step's folder name, "1500ms", "5s", "2.5s", "3m" or "1h", as
 * milliseconds from the start; -1 when it is none, -2 beyond a day.
 */
static long parse_offset(const char *name)
{
	char *end;
	double v;

	if (!isdigit((unsigned char)*name))
		return -1;
	errno = 0;
	v = strtod(name, &end);
	if (errno)
		return -1;
	if (!strcmp(end, "ms"))
		;
	else if (!strcmp(end, "s"))
		v *= 1000;
	else if (!strcmp(end, "m"))
		v *= 60000;
	else if (!strcmp(end, "h"))
		v *= 3600000;
	else
		return -1;
	return v > MAX_OFFSET_MS ? -2 : (long)v;
}

static int by_offset(const void *a, const void *b)
{
	const struct timeline_step *x = a, *y = b;

	return x->offset_ms < y->offset_ms ? -1 : x->offset_ms > y->offset_ms;
}

/* "group kind namespace name": which object a step's document names. */
static char *object_key(const struct doc_node *n)
{
	struct object_name on;
	struct buf b = BUF_INIT;

	if (read_object_name(n, &on))
		return NULL;
	buf_add(&b, on.api, on.group_len);
	buf_addf(&b, " %s %s %s", on.kind,
		 on.namespace ? on.namespace : "default", on.name);
	return buf_detach(&b, NULL);
}

struct keys {
	char **key;
	size_t nr, alloc;
};

static size_t find_key(const struct keys *k, const char *key)
{
	size_t i;

	for (i = 0; i < k->nr; i++)
		if (!strcmp(k->key[i], key))
			return i;
	return k->nr;
}

static void keys_release(struct keys *k)
{
	size_t i;

	for (i = 0; i < k->nr; i++)
		free(k->key[i]);
	free(k->key);
}

static int step_error(const struct timeline_step *st, const char *why)
{
	fprintf(stderr, "katib-replay: timeline/%s: %s\n", st->name, why);
	return -1;
}

/*
 * Plays the timeline through on object names only, so that a step that
 * deletes what is not there then is refused when the server starts, not
 * found out at the step.
 */
static int check_steps(const struct server *s)
{
	struct keys k = { NULL, 0, 0 };
	size_t i, j;
	int ret = 0;

	for (i = 0; i < s->nr; i++) {
		char *key = object_key(s->obj[i].node);

		ALLOC_GROW(k.key, k.nr + 1, k.alloc);
		k.key[k.nr++] = key ? key : xstrdup("");
	}
	for (i = 0; !ret && i < s->nr_steps; i++) {
		const struct timeline_step *st = &s->steps[i];

		if (i && st->offset_ms == s->steps[i - 1].offset_ms) {
			ret = step_error(st, "two steps at the same offset");
			break;
		}
		if (!st->put.nr && !st->gone.nr)
			ret = step_error(st, "a step changes nothing: it holds no objects and no deleted/ folder with any");
		for (j = 0; !ret && j < st->put.nr; j++) {
			char *key = object_key(st->put.object[j]);

			if (!key) {
				ret = step_error(st, "an object without apiVersion, kind or metadata.name");
			} else if (find_key(&k, key) < k.nr) {
				free(key);
			} else {
				ALLOC_GROW(k.key, k.nr + 1, k.alloc);
				k.key[k.nr++] = key;
			}
		}
		for (j = 0; !ret && j < st->gone.nr; j++) {
			char *key = object_key(st->gone.object[j]);
			size_t at = key ? find_key(&k, key) : k.nr;

			if (!key) {
				ret = step_error(st, "deleted/ holds an object without apiVersion, kind or metadata.name");
			} else if (at == k.nr) {
				struct buf msg = BUF_INIT;

				buf_addf(&msg, "deleted/ names %s, which does not exist at that point", key);
				ret = step_error(st, msg.buf);
				buf_release(&msg);
			} else {
				free(k.key[at]);
				k.key[at] = k.key[--k.nr];
			}
			free(key);
		}
	}
	keys_release(&k);
	return ret;
}

/* Reads one step's folder: its objects, and those of its deleted/. */
static int load_step(struct timeline_step *st, const char *path)
{
	struct fail f = FAIL_INIT;
	struct buf gone = BUF_INIT;
	struct stat sb;
	int ret = 0;

	if (recorded_load_skipping(&st->put, path, "deleted", &f)) {
		ret = step_error(st, f.msg);
		fail_clear(&f);
		return ret;
	}
	buf_addf(&gone, "%s/deleted", path);
	if (!stat(gone.buf, &sb)) {
		if (!S_ISDIR(sb.st_mode)) {
			ret = step_error(st, "deleted is not a folder");
		} else if (recorded_load(&st->gone, gone.buf, &f)) {
			ret = step_error(st, f.msg);
			fail_clear(&f);
		}
	}
	buf_release(&gone);
	return ret;
}

int load_timeline(struct server *s, const char *dir)
{
	struct dirent **list;
	struct stat sb;
	int n, i, ret = 0;

	if (stat(dir, &sb))
		return errno == ENOENT ? 0 : (fprintf(stderr, "katib-replay: cannot read '%s': %s\n",
						      dir, strerror(errno)), -1);
	if (!S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "katib-replay: '%s' is not a folder of steps\n", dir);
		return -1;
	}
	n = scandir(dir, &list, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "katib-replay: cannot read '%s': %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		const char *name = list[i]->d_name;
		struct timeline_step *st;
		struct buf path = BUF_INIT;

		if (name[0] == '.' || ret) {
			free(list[i]);
			continue;
		}
		ALLOC_GROW(s->steps, s->nr_steps + 1, s->alloc_steps);
		st = &s->steps[s->nr_steps++];
		memset(st, 0, sizeof(*st));
		st->name = arena_strdup(&s->arena, name);
		buf_addf(&path, "%s/%s", dir, name);
		st->offset_ms = parse_offset(name);
		if (st->offset_ms == -2)
			ret = step_error(st, "a step is at most a day (24h) from the start");
		else if (st->offset_ms < 0)
			ret = step_error(st, "a step's folder is named by its offset from the start, such as 1500ms, 5s or 2m");
		else if (stat(path.buf, &sb) || !S_ISDIR(sb.st_mode))
			ret = step_error(st, "a step is a folder of objects");
		else
			ret = load_step(st, path.buf);
		buf_release(&path);
		free(list[i]);
	}
	free(list);
	if (ret)
		return -1;
	qsort(s->steps, s->nr_steps, sizeof(*s->steps), by_offset);
	return check_steps(s);
}

/*
 * Applies the next step: its objects are stored (MODIFIED or ADDED), then
 * its deleted/ objects are DELETED.  The caller holds the lock.  Returns
 * the step, or NULL when the timeline has ended.
 */
const struct timeline_step *timeline_advance(struct server *s)
{
	const struct timeline_step *st;
	size_t i;

	if (s->next_step >= s->nr_steps)
		return NULL;
	st = &s->steps[s->next_step++];
	for (i = 0; i < st->put.nr; i++) {
		struct doc *d = store_copy(st->put.object[i]);

		if (d && store_put(s, d))
			doc_free(d);
	}
	for (i = 0; i < st->gone.nr; i++) {
		struct doc *d = store_copy(st->gone.object[i]);

		if (d)
			store_remove(s, d);
		doc_free(d);
	}
	printf("katib-replay: step %s: %zu stored, %zu deleted, resourceVersion %lu\n",
	       st->name, st->put.nr, st->gone.nr, s->rv);
	fflush(stdout);
	return st;
}

/* POST /katib-replay/step: the next step, answered once it is applied. */
void serve_step(struct server *s, struct conn *c)
{
	const struct timeline_step *st;
	struct buf b = BUF_INIT;

	if (!s->step_mode) {
		respond_status(c, 409, "Conflict", "the replay server steps on its own clock; start it with --step");
		return;
	}
	if (!(st = timeline_advance(s))) {
		respond_status(c, 409, "Conflict", "the timeline has no more steps");
		return;
	}
	buf_adds(&b, "{\"step\":");
	buf_add_json_str(&b, st->name, strlen(st->name));
	buf_addf(&b, ",\"offsetMilliseconds\":%ld,\"resourceVersion\":\"%lu\",\"remaining\":%zu}",
		 st->offset_ms, s->rv, s->nr_steps - s->next_step);
	respond_json(c, 200, &b);
	buf_release(&b);
}

void timeline_release(struct server *s)
{
	size_t i;

	for (i = 0; i < s->nr_steps; i++) {
		recorded_release(&s->steps[i].put);
		recorded_release(&s->steps[i].gone);
	}
	free(s->steps);
}
