#include "compat.h"
#include "record.h"
#include "admission.h"
#include "alloc.h"
#include "buf.h"
#include "diag.h"
#include "diagnose.h"
#include "doc.h"
#include "doc-emit.h"
#include "doc-json.h"
#include "doc-yaml.h"
#include "http.h"
#include "katib-config.h"
#include "kube.h"
#include "recorded.h"
#include "redact.h"
#include "rule.h"
#include "scenario.h"
#include "suggestion-request.h"
#include "timefmt.h"
#include "validate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define KATIB_VALIDATOR "admission webhook \"validator.experiment.katib.kubeflow.org\" denied the request: "
#define KATIB_DEFAULTER "admission webhook \"defaulter.experiment.katib.kubeflow.org\" denied the request: "

struct recorder {
	const struct record_opts *o;
	char *tmp;			/* the directory being written */
	struct fail *f;
	struct record_result *out;
	struct katib_config config;
	int own_config;
	struct doc **docs;		/* copies made for writing */
	size_t nr_docs, alloc_docs;
};

/* ---- files ---- */

int record_remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int ret = 0;

	if (!d)
		return unlink(path) && errno != ENOENT ? -1 : 0;
	while ((e = readdir(d))) {
		struct buf sub = BUF_INIT;
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		buf_addf(&sub, "%s/%s", path, e->d_name);
		if (!lstat(sub.buf, &st) && S_ISDIR(st.st_mode))
			ret |= record_remove_tree(sub.buf);
		else if (unlink(sub.buf))
			ret = -1;
		buf_release(&sub);
	}
	closedir(d);
	return rmdir(path) ? -1 : ret;
}

/* Creates the directories of rel (a path below the recording) as needed. */
static int make_dirs(struct recorder *rc, const char *rel)
{
	struct buf p = BUF_INIT;
	const char *s;

	for (s = strchr(rel, '/'); s; s = strchr(s + 1, '/')) {
		buf_reset(&p);
		buf_addf(&p, "%s/%.*s", rc->tmp, (int)(s - rel), rel);
		if (mkdir(p.buf, 0700) && errno != EEXIST) {
			fail_set(rc->f, FAIL_IO, "cannot create '%s': %s", p.buf, strerror(errno));
			buf_release(&p);
			return -1;
		}
	}
	buf_release(&p);
	return 0;
}

static int write_file(struct recorder *rc, const char *rel, const char *data,
		      size_t len)
{
	struct buf p = BUF_INIT;
	int fd, ret = 0;

	if (make_dirs(rc, rel))
		return -1;
	buf_addf(&p, "%s/%s", rc->tmp, rel);
	fd = open(p.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = fail_set(rc->f, FAIL_IO, "cannot create '%s': %s", p.buf, strerror(errno));
		goto out;
	}
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = fail_set(rc->f, FAIL_IO, "cannot write '%s': %s", p.buf,
				       strerror(errno));
			break;
		}
		data += n;
		len -= (size_t)n;
	}
	if (!ret && fsync(fd))
		ret = fail_set(rc->f, FAIL_IO, "cannot write '%s': %s", p.buf, strerror(errno));
	close(fd);
out:
	buf_release(&p);
	return ret;
}

/* Writes node as YAML under a comment that says what the file is. */
static int write_yaml(struct recorder *rc, const char *rel, const char *comment,
		      const struct doc_node *node)
{
	struct buf yaml = BUF_INIT;
	int ret;

	buf_adds(&yaml, comment);
	doc_emit_yaml(node, &yaml);
	ret = write_file(rc, rel, yaml.buf, yaml.len);
	buf_release(&yaml);
	return ret;
}

/* ---- objects ---- */

/*
 * A private copy of obj to change and redact (YAML out and back in).
 * Returns NULL with rc->f set when it cannot be read back.
 */
static struct doc *copy_object(struct recorder *rc, const struct doc_node *obj)
{
	static const struct doc_limits limits = DOC_LIMITS_DEFAULT;
	struct buf yaml = BUF_INIT;
	struct doc_reader *r;
	struct doc *d = NULL;

	doc_emit_yaml(obj, &yaml);
	doc_reader_open_mem(&r, "object", yaml.buf, yaml.len, &limits);
	if (doc_reader_next(r, &d, rc->f) <= 0 || d->error || !d->root) {
		if (!rc->f->kind)
			fail_set(rc->f, FAIL_PROTOCOL, "an object from the cluster cannot be written back as YAML");
		doc_free(d);
		d = NULL;
	}
	doc_reader_free(r);
	buf_release(&yaml);
	if (d) {
		d->text = NULL;
		d->len = 0;
		ALLOC_GROW(rc->docs, rc->nr_docs + 1, rc->alloc_docs);
		rc->docs[rc->nr_docs++] = d;
	}
	return d;
}

/*
 * Appends obj, redacted, to out as a document of a YAML stream.  Returns
 * 0, 1 when it is left out (a Secret), or -1.
 */
static int add_object(struct recorder *rc, const struct doc_node *obj,
		      const char *rel, struct buf *out)
{
	struct doc *d = copy_object(rc, obj);
	int dropped;

	if (!d)
		return -1;
	dropped = redact_object(rc->o->redactor, d, d->root, rel, rc->f);
	if (dropped)
		return dropped;
	if (out->len)
		buf_adds(out, "---\n");
	doc_emit_yaml(d->root, out);
	rc->out->objects++;
	return 0;
}

static int write_objects(struct recorder *rc, const char *rel,
			 const struct doc_node *const *obj, size_t nr)
{
	struct buf out = BUF_INIT;
	size_t i;
	int ret = 0;

	for (i = 0; i < nr && ret >= 0; i++)
		if (obj[i])
			ret = add_object(rc, obj[i], rel, &out);
	if (ret >= 0 && out.len)
		ret = write_file(rc, rel, out.buf, out.len);
	buf_release(&out);
	return ret < 0 ? -1 : 0;
}

/* An object named after the Experiment ("NAME" or "NAME-..."). */
static int named_after(const struct snapshot *s, const char *n)
{
	size_t len = strlen(s->name);

	return n && !strncmp(n, s->name, len) && (!n[len] || n[len] == '-');
}

/* Events about the Experiment and the objects named after it only. */
static int event_of(const struct snapshot *s, const struct doc_node *ev)
{
	return named_after(s, doc_str(doc_lookup(ev, "involvedObject.name")));
}

static int write_cluster(struct recorder *rc, const struct snapshot *s,
			 const struct doc_node *katib_config)
{
	const struct doc_node *one[1];
	const struct doc_node **events = xcalloc(s->events.nr + 1, sizeof(*events));
	size_t i, n = 0;
	char when[64];
	time_t now = time(NULL);
	struct tm tm;
	int ret = 0;

	for (i = 0; i < s->events.nr; i++)
		if (event_of(s, s->events.item[i]))
			events[n++] = s->events.item[i];
	one[0] = s->experiment->root;
	if (write_objects(rc, "cluster/experiment.yaml", one, 1) ||
	    write_objects(rc, "cluster/suggestion.yaml", &s->suggestion, 1) ||
	    write_objects(rc, "cluster/deployment.yaml", &s->deployment, 1) ||
	    write_objects(rc, "cluster/namespace.yaml", &s->namespace, 1) ||
	    write_objects(rc, "cluster/trials.yaml", s->trials.item, s->trials.nr) ||
	    write_objects(rc, "cluster/jobs.yaml", s->jobs.item, s->jobs.nr) ||
	    write_objects(rc, "cluster/pods.yaml", s->pods.item, s->pods.nr) ||
	    write_objects(rc, "cluster/events.yaml", events, n) ||
	    write_objects(rc, "katib-config.yaml", &katib_config, 1))
		ret = -1;
	free(events);
	for (i = 0; !ret && i < s->nr_logs; i++) {
		const struct pod_log *l = &s->logs[i];
		struct buf rel = BUF_INIT, text = BUF_INIT;

		/* Names from the server become paths: only plain names do. */
		if (recorded_name_ok(s->ns) && recorded_name_ok(l->pod) &&
		    recorded_name_ok(l->container)) {
			buf_addf(&rel, "cluster/logs/%s/%s/%s.log", s->ns, l->pod, l->container);
			if (redact_text(rc->o->redactor, l->text, strlen(l->text), rel.buf,
					&text, rc->f) ||
			    write_file(rc, rel.buf, text.buf ? text.buf : "", text.len))
				ret = -1;
			else
				rc->out->logs++;
		}
		buf_release(&rel);
		buf_release(&text);
	}
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ\n", &tm);
	if (!ret)
		ret = write_file(rc, "cluster/recorded-at", when, strlen(when));
	return ret;
}

/* ---- the timeline: what changed while watching (--watch) ---- */

/* Events closer together than this are one step of the timeline. */
#define STEP_GAP_MS 100

enum { W_EXPERIMENT, W_SUGGESTION, W_TRIALS, W_PODS, W_EVENTS, W_DEPLOYMENT, W_JOBS };

struct timeline {
	struct recorder *rc;
	const struct snapshot *s;
	long start_ms, offset_ms, last_ms, prev_offset_ms;
	struct buf changed, deleted;	/* the step being gathered */
	unsigned in_step;
	int failed, ended;
};

static int timeline_event(void *data, const struct kube_event *e)
{
	struct timeline *t = data;
	struct buf rel = BUF_INIT;
	int deleted = !strcmp(e->type, "DELETED"), ret;

	if (t->failed)
		return 0;
	/* The namespace's events and jobs are many: only the Experiment's. */
	if ((e->id == W_EVENTS && !event_of(t->s, e->object)) ||
	    (e->id == W_JOBS && !named_after(t->s, doc_str(doc_lookup(e->object, "metadata.name")))))
		return 0;
	t->last_ms = monotonic_ms();
	if (!t->in_step) {
		t->offset_ms = t->last_ms - t->start_ms;
		/* Steps need distinct offsets, in order. */
		if (t->offset_ms <= t->prev_offset_ms)
			t->offset_ms = t->prev_offset_ms + 1;
	}
	buf_addf(&rel, "timeline/%ldms/%sobjects.yaml", t->offset_ms, deleted ? "deleted/" : "");
	ret = add_object(t->rc, e->object, rel.buf, deleted ? &t->deleted : &t->changed);
	buf_release(&rel);
	if (ret < 0) {
		t->failed = 1;
		return 0;
	}
	t->in_step += ret == 0;
	if (e->id == W_EXPERIMENT && !deleted) {
		const struct doc_node *c = doc_lookup(e->object, "status.conditions"), *it;

		for (it = c && c->kind == DOC_SEQ ? c->child : NULL; it; it = it->next) {
			const char *type = doc_get_str(it, "type"), *st = doc_get_str(it, "status");

			if (type && st && !strcmp(st, "True") &&
			    (!strcmp(type, "Succeeded") || !strcmp(type, "Failed")))
				t->ended = 1;
		}
	} else if (e->id == W_EXPERIMENT) {
		t->ended = 1;
	}
	return 0;
}

/* Writes the step gathered so far as timeline/<offset>ms/. */
static int timeline_flush(struct timeline *t)
{
	struct buf rel = BUF_INIT;
	int ret = 0;

	if (!t->in_step)
		return 0;
	if (t->changed.len) {
		buf_addf(&rel, "timeline/%ldms/objects.yaml", t->offset_ms);
		ret = write_file(t->rc, rel.buf, t->changed.buf, t->changed.len);
	}
	if (!ret && t->deleted.len) {
		buf_reset(&rel);
		buf_addf(&rel, "timeline/%ldms/deleted/objects.yaml", t->offset_ms);
		ret = write_file(t->rc, rel.buf, t->deleted.buf, t->deleted.len);
	}
	buf_release(&rel);
	buf_reset(&t->changed);
	buf_reset(&t->deleted);
	t->prev_offset_ms = t->offset_ms;
	t->in_step = 0;
	t->rc->out->steps++;
	return ret;
}

static int watch_named(struct kube_watch *w, size_t id, const char *path, const char *name,
		       const struct doc_node *obj, struct fail *f)
{
	struct buf field = BUF_INIT;
	int ret;

	buf_addf(&field, "metadata.name=%s", name);
	/* From the object's version; one that does not exist yet comes as ADDED. */
	ret = kube_watch_add(w, id, path, NULL, field.buf,
			     obj ? doc_str(doc_lookup(obj, "metadata.resourceVersion")) : NULL, f);
	buf_release(&field);
	return ret;
}

static int timeline_watches(struct kube_watch *w, const struct snapshot *s, struct fail *f)
{
	struct buf path = BUF_INIT, sel = BUF_INIT;
	const char *alg = doc_str(doc_lookup(s->experiment->root, "spec.algorithm.algorithmName"));
	int ret;

	buf_addf(&sel, EXPERIMENT_LABEL "=%s", s->name);
	buf_addf(&path, "/apis/kubeflow.org/v1beta1/namespaces/%s/experiments", s->ns);
	ret = watch_named(w, W_EXPERIMENT, path.buf, s->name, s->experiment->root, f);
	buf_reset(&path);
	buf_addf(&path, "/apis/kubeflow.org/v1beta1/namespaces/%s/suggestions", s->ns);
	if (!ret)
		ret = watch_named(w, W_SUGGESTION, path.buf, s->name, s->suggestion, f);
	buf_reset(&path);
	buf_addf(&path, "/apis/kubeflow.org/v1beta1/namespaces/%s/trials", s->ns);
	if (!ret)
		ret = kube_watch_add(w, W_TRIALS, path.buf, sel.buf, NULL, s->trials_version, f);
	buf_reset(&path);
	buf_addf(&path, "/api/v1/namespaces/%s/pods", s->ns);
	if (!ret)
		ret = kube_watch_add(w, W_PODS, path.buf, sel.buf, NULL, s->pods_version, f);
	buf_reset(&path);
	buf_addf(&path, "/api/v1/namespaces/%s/events", s->ns);
	if (!ret)
		ret = kube_watch_add(w, W_EVENTS, path.buf, NULL, NULL, s->events_version, f);
	if (!ret && alg) {
		struct buf name = BUF_INIT;

		buf_reset(&path);
		buf_addf(&path, "/apis/apps/v1/namespaces/%s/deployments", s->ns);
		buf_addf(&name, "%s-%s", s->name, alg);
		ret = watch_named(w, W_DEPLOYMENT, path.buf, name.buf, s->deployment, f);
		buf_release(&name);
	}
	buf_reset(&path);
	/* Jobs from the list's version; without one (no trials yet), from now. */
	if (!ret && !snapshot_job_path(s, &path))
		ret = kube_watch_add(w, W_JOBS, path.buf, NULL, NULL, s->jobs_version, f);
	buf_release(&path);
	buf_release(&sel);
	return ret;
}

/*
 * Watches what the snapshot holds for o->watch_ms (less when the search
 * ends or o->stop says so) and writes each burst of changes as a step of
 * the timeline (fixtures/README, section 5).  A watch that fails ends the
 * timeline where it is, with out->timeline_cut saying why.
 */
static int record_timeline(struct recorder *rc, struct kube_client *c,
			   const struct snapshot *s, long start_ms)
{
	const struct record_opts *o = rc->o;
	struct kube_watch *w = NULL;
	struct timeline t;
	struct fail wf = FAIL_INIT;
	long deadline = start_ms + o->watch_ms;
	int ret = 0;

	memset(&t, 0, sizeof(t));
	t.rc = rc;
	t.s = s;
	t.start_ms = start_ms;
	t.prev_offset_ms = -1;
	if (kube_watch_new(c, &w, &wf) || timeline_watches(w, s, &wf)) {
		rc->out->timeline_cut = xstrdup(wf.msg);
		kube_watch_free(w);
		return 0;
	}
	for (;;) {
		long now = monotonic_ms(), wait = deadline - now;

		if (t.in_step && now - t.last_ms >= STEP_GAP_MS && timeline_flush(&t)) {
			ret = -1;
			break;
		}
		if (wait <= 0 || t.failed || (t.ended && !t.in_step) ||
		    (o->stop && o->stop(o->stop_data)))
			break;
		if (kube_watch_wait(w, t.in_step ? STEP_GAP_MS : (wait < 500 ? wait : 500),
				    timeline_event, &t, &wf) < 0) {
			rc->out->timeline_cut = xstrdup(wf.msg);
			break;
		}
	}
	if (t.failed || (!ret && timeline_flush(&t)))
		ret = -1;
	kube_watch_free(w);
	buf_release(&t.changed);
	buf_release(&t.deleted);
	return ret;
}

/* ---- the submitted Experiment and the admission exchange ---- */

static void remove_key(struct doc_node *map, const char *key)
{
	struct doc_node *n;

	while ((n = doc_get(map, key)))
		doc_node_remove(n);
}

/* The Experiment as submitted: without what the server and Katib added. */
/*
 * The Experiment as submitted, from the recorded one; redacted unless
 * redact is 0 (the form a dry run sends the cluster, which must judge the
 * real Experiment: a redacted namespace would not even match the URL's).
 */
static struct doc *submitted(struct recorder *rc, const struct doc_node *exp,
			     int redact)
{
	static const char *const server_fields[] = {
		"uid", "resourceVersion", "generation", "creationTimestamp",
		"managedFields", "finalizers", "selfLink", "deletionTimestamp",
		"deletionGracePeriodSeconds", "ownerReferences",
	};
	struct doc *d = copy_object(rc, exp);
	struct doc_node *meta;
	size_t i;

	if (!d)
		return NULL;
	if (redact && redact_object(rc->o->redactor, d, d->root, "experiment.yaml", rc->f) < 0)
		return NULL;
	remove_key(d->root, "status");
	meta = doc_get(d->root, "metadata");
	for (i = 0; i < ARRAY_SIZE(server_fields); i++)
		remove_key(meta, server_fields[i]);
	return d;
}

static void random_uid(char *out, size_t size)
{
	unsigned char b[16] = { 0 };
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, b, sizeof(b)) != (ssize_t)sizeof(b))
			memset(b, 0, sizeof(b));
		close(fd);
	}
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, size,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
		 b[11], b[12], b[13], b[14], b[15]);
}

/*
 * The cluster's verdict on creating a copy of the Experiment, from a
 * dry-run create under the same name: admission runs before the store
 * notices the name is taken, so AlreadyExists means admitted.  Returns 1
 * with *allowed (and for a denial code and message) set, or 0 when the
 * cluster gave no verdict of Katib's webhook (why in rc->out).
 */
static int cluster_verdict(struct recorder *rc, struct kube_client *c,
			   const struct doc *sub, int *allowed, long *code,
			   char **message)
{
	struct fail f = FAIL_INIT;
	struct doc *status = NULL;
	struct buf path = BUF_INIT;
	char *json = doc_to_json(sub->root), *e = http_escape(rc->o->ns);
	const char *msg;
	int ret = 0;

	*message = NULL;
	buf_addf(&path, "/apis/kubeflow.org/v1beta1/namespaces/%s/experiments", e);
	free(e);
	if (!kube_dry_run_create(c, path.buf, json, &status, &f)) {
		*allowed = 1;
		ret = 1;
		goto out;
	}
	msg = status ? doc_get_str(status->root, "message") : NULL;
	if (f.http_status == 409) {
		*allowed = 1;
		ret = 1;
	} else if (msg && (strstr(msg, KATIB_VALIDATOR) || strstr(msg, KATIB_DEFAULTER))) {
		const char *m = strstr(msg, KATIB_VALIDATOR) ? strstr(msg, KATIB_VALIDATOR) +
			strlen(KATIB_VALIDATOR) : strstr(msg, KATIB_DEFAULTER) + strlen(KATIB_DEFAULTER);

		*allowed = 0;
		*code = f.http_status;
		*message = xstrdup(m);
		ret = 1;
	} else {
		rc->out->admission_missing = xstrdup(f.msg);
	}
out:
	doc_free(status);
	buf_release(&path);
	free(json);
	return ret;
}

/*
 * s as it may be written into the scenario at where: redacted like the
 * objects, since it can name what the user's patterns hide (the
 * Experiment, its namespace, a container).  NULL on failure (rc->f set).
 */
static char *redacted_copy(struct recorder *rc, const char *s, const char *where)
{
	struct buf out = BUF_INIT;

	if (redact_text(rc->o->redactor, s, strlen(s), where, &out, rc->f)) {
		buf_release(&out);
		return NULL;
	}
	return buf_detach(&out, NULL);
}

/* The Experiment's name or namespace as the (redacted) recording has it. */
static const char *recorded_meta(const struct doc *sub, const char *key,
				 const char *fallback)
{
	const char *v = doc_str(doc_lookup(doc_get(sub->root, "metadata"), key));

	return v && *v ? v : fallback;
}

/*
 * An AdmissionReview with request (around sub's root) and response;
 * message is already redacted.
 */
static struct doc *review_doc(const struct recorder *rc, struct doc *sub,
			      int allowed, long code, const char *message)
{
	struct doc *d = doc_new("admission.yaml", 0);
	struct doc_node *root, *req, *k, *resp, *st;
	char uid[40], num[32];

	random_uid(uid, sizeof(uid));
	root = d->root = doc_add(d, NULL, NULL, DOC_MAP, NULL);
	doc_add(d, root, "apiVersion", DOC_STR, "admission.k8s.io/v1");
	doc_add(d, root, "kind", DOC_STR, "AdmissionReview");
	req = doc_add(d, root, "request", DOC_MAP, NULL);
	doc_add(d, req, "uid", DOC_STR, uid);
	k = doc_add(d, req, "kind", DOC_MAP, NULL);
	doc_add(d, k, "group", DOC_STR, "kubeflow.org");
	doc_add(d, k, "version", DOC_STR, "v1beta1");
	doc_add(d, k, "kind", DOC_STR, "Experiment");
	k = doc_add(d, req, "resource", DOC_MAP, NULL);
	doc_add(d, k, "group", DOC_STR, "kubeflow.org");
	doc_add(d, k, "version", DOC_STR, "v1beta1");
	doc_add(d, k, "resource", DOC_STR, "experiments");
	doc_add(d, req, "name", DOC_STR, recorded_meta(sub, "name", rc->o->name));
	doc_add(d, req, "namespace", DOC_STR, recorded_meta(sub, "namespace", rc->o->ns));
	doc_add(d, req, "operation", DOC_STR, "CREATE");
	doc_add(d, req, "dryRun", DOC_BOOL, "true");
	/* The submitted Experiment itself becomes request.object. */
	sub->root->key = "object";
	sub->root->key_len = strlen("object");
	doc_node_append(req, sub->root);
	resp = doc_add(d, root, "response", DOC_MAP, NULL);
	doc_add(d, resp, "uid", DOC_STR, uid);
	doc_add(d, resp, "allowed", DOC_BOOL, allowed ? "true" : "false");
	if (!allowed) {
		st = doc_add(d, resp, "status", DOC_MAP, NULL);
		snprintf(num, sizeof(num), "%ld", code);
		doc_add(d, st, "code", DOC_INT, num);
		doc_add(d, st, "message", DOC_STR, message ? message : "");
	}
	return d;
}

/* ---- the suggestion service's validation exchange ---- */

/*
 * What the service answered, as the Suggestion shows it: a Failed
 * condition quoting the reply, or Running (it said OK, or INTERNAL, which
 * the controller takes for OK and its events then show).  Returns 0 when
 * the Suggestion shows no answer.
 */
static int recorded_reply(const struct snapshot *s, struct suggestion_reply *r,
			  int *early)
{
	static const char alg[] = "Validation failed: ValidateAlgorithmSettings Error: ";
	static const char es[] = "Validation failed: ValidateEarlyStoppingSettings Error: ";
	static const char internal[] = "code = Internal desc = ";
	const struct doc_node *failed = object_condition(s->suggestion, "Failed", "True");
	const char *msg = doc_get_str(failed, "message");
	size_t i;

	memset(r, 0, sizeof(*r));
	*early = 0;
	if (msg && (!strncmp(msg, alg, strlen(alg)) || !strncmp(msg, es, strlen(es)))) {
		*early = !strncmp(msg, es, strlen(es));
		r->details = xstrdup(msg + strlen(*early ? es : alg));
		r->code = strncmp(r->details, "Exception calling application:",
				  strlen("Exception calling application:"))
			? GRPC_INVALID_ARGUMENT : GRPC_UNKNOWN;
		return 1;
	}
	if (!object_condition(s->suggestion, "Running", "True"))
		return 0;
	for (i = 0; i < s->events.nr; i++) {
		const char *m = doc_get_str(s->events.item[i], "message");
		const char *kind = doc_str(doc_lookup(s->events.item[i], "involvedObject.kind"));

		if (m && kind && !strcmp(kind, "Suggestion") && strstr(m, internal)) {
			r->code = GRPC_INTERNAL;
			r->details = xstrdup(strstr(m, internal) + strlen(internal));
			return 1;
		}
	}
	r->code = GRPC_OK;
	r->details = xstrdup("");
	return 1;
}

static int write_suggestion(struct recorder *rc, const struct snapshot *s,
			    const struct doc *sub)
{
	struct suggestion_reply r;
	struct buf text = BUF_INIT;
	const char *alg;
	char *req, *json;
	int early, ret;

	if (!s->suggestion || !recorded_reply(s, &r, &early))
		return 0;
	alg = doc_str(doc_lookup(sub->root, early ? "spec.earlyStopping.algorithmName"
						  : "spec.algorithm.algorithmName"));
	/* Only what an emulated service serves can be replayed. */
	if (early ? !alg || strcmp(alg, "medianstop")
		  : !alg || !katib_config_service(&rc->config, alg)) {
		suggestion_reply_release(&r);
		return 0;
	}
	r.method = early ? "/api.v1.beta1.EarlyStopping/ValidateEarlyStoppingSettings"
			 : "/api.v1.beta1.Suggestion/ValidateAlgorithmSettings";
	r.service = xstrdup(early ? "medianstop" : katib_config_service(&rc->config, alg));
	req = suggestion_request_from_experiment(sub->root, early);
	json = suggestion_reply_json(&r);
	ret = redact_text(rc->o->redactor, req, strlen(req), "suggestion-request.json",
			  &text, rc->f);
	if (!ret) {
		buf_addch(&text, '\n');
		ret = write_file(rc, "suggestion-request.json", text.buf, text.len);
	}
	buf_reset(&text);
	if (!ret)
		ret = redact_text(rc->o->redactor, json, strlen(json), "suggestion-reply.json",
				  &text, rc->f);
	if (!ret) {
		buf_addch(&text, '\n');
		ret = write_file(rc, "suggestion-reply.json", text.buf, text.len);
	}
	rc->out->suggestion = !ret;
	buf_release(&text);
	free(req);
	free(json);
	suggestion_reply_release(&r);
	return ret;
}

/* ---- expect.yaml ---- */

static struct doc_node *add_str(struct doc *d, struct doc_node *map,
				const char *key, const char *value)
{
	return doc_add(d, map, key, DOC_STR, value);
}

static int write_expect(struct recorder *rc, const struct snapshot *snap,
			const struct doc *sub, const struct doc *review,
			const struct diagnosis_list *diag, const char *version)
{
	struct doc *d = doc_new("expect.yaml", 0);
	struct doc_node *root, *m, *seq, *k;
	struct diag_list diags = DIAG_LIST_INIT;
	enum severity *sev = rule_severities_for(rc->config.minor);
	size_t i, errors = 0;
	char *name, *behaviour;
	int ret;

	diags.overrides = sev;
	root = d->root = doc_add(d, NULL, NULL, DOC_MAP, NULL);
	name = scenario_name(rc->o->dir);
	add_str(d, root, "scenario", name);
	free(name);
	m = doc_add(d, root, "upstream", DOC_MAP, NULL);
	/* The summary comes from the objects before redaction. */
	behaviour = redacted_copy(rc, diag->nr ? diag->item[0].summary : "",
				  "expect.yaml");
	if (!behaviour) {
		doc_free(d);
		free(sev);
		return -1;
	}
	add_str(d, m, "behaviour", behaviour);
	free(behaviour);
	if (version)
		add_str(d, root, "katibVersion", version);
	add_str(d, root, "namespace", recorded_meta(sub, "namespace", rc->o->ns));
	add_str(d, root, "experiment", recorded_meta(sub, "name", rc->o->name));
	if (!snap->namespace) {
		/*
		 * Without it the replay cannot know the namespace's labels:
		 * say so, rather than let a reader take its absence for a
		 * namespace without Katib's label.
		 */
		char status[32];

		m = doc_add(d, root, "unrecorded", DOC_SEQ, NULL);
		k = doc_add(d, m, NULL, DOC_MAP, NULL);
		add_str(d, k, "object", "Namespace");
		add_str(d, k, "name", recorded_meta(sub, "namespace", rc->o->ns));
		snprintf(status, sizeof(status), "%ld", snap->namespace_status);
		doc_add(d, k, "status", DOC_INT, status);
	}
	validate_doc(sub, &rc->config, NULL, &diags);
	m = doc_add(d, root, "validate", DOC_MAP, NULL);
	for (i = 0; i < diags.nr; i++)
		errors += diags.item[i].severity == SEV_ERROR;
	doc_add(d, m, "exit", DOC_INT, errors ? "1" : "0");
	seq = doc_add(d, m, "findings", DOC_SEQ, NULL);
	for (i = 0; i < diags.nr; i++) {
		if (diags.item[i].severity < SEV_WARNING)
			continue;
		k = doc_add(d, seq, NULL, DOC_MAP, NULL);
		add_str(d, k, "rule", diags.item[i].rule->id);
		add_str(d, k, "path", diags.item[i].path);
	}
	diag_list_clear(&diags);
	if (review) {
		struct admission_verdict ours, katib;
		struct fail f = FAIL_INIT;

		m = doc_add(d, root, "admission", DOC_MAP, NULL);
		if (!admission_recorded_verdict(review, &katib, &f)) {
			k = doc_add(d, m, "katib", DOC_MAP, NULL);
			doc_add(d, k, "allowed", DOC_BOOL, katib.allowed ? "true" : "false");
			admission_verdict_release(&katib);
		}
		if (!admission_review(review, &rc->config, NULL, &diags, &ours, &f)) {
			k = doc_add(d, m, "ours", DOC_MAP, NULL);
			doc_add(d, k, "allowed", DOC_BOOL, ours.allowed ? "true" : "false");
			if (!ours.allowed) {
				seq = doc_add(d, k, "rules", DOC_SEQ, NULL);
				for (i = 0; i < diags.nr; i++)
					if (diags.item[i].severity == SEV_ERROR)
						doc_add(d, seq, NULL, DOC_STR, diags.item[i].rule->id);
			}
			admission_verdict_release(&ours);
		}
	}
	if (rc->out->suggestion) {
		struct suggestion_reply r;
		struct doc *reply = NULL;
		struct buf p = BUF_INIT;
		struct fail f = FAIL_INIT;
		static const struct doc_limits limits = DOC_LIMITS_DEFAULT;

		buf_addf(&p, "%s/suggestion-reply.json", rc->tmp);
		if (!doc_load_single(&reply, p.buf, &limits, &f) &&
		    !suggestion_reply_read(reply, &r, &f)) {
			m = doc_add(d, root, "suggestion", DOC_MAP, NULL);
			add_str(d, m, "code", grpc_code_name(r.code));
			suggestion_reply_release(&r);
		}
		doc_free(reply);
		buf_release(&p);
	}
	if (diag->nr) {
		m = doc_add(d, root, "explain", DOC_MAP, NULL);
		add_str(d, m, "diagnosis", diag->item[0].id);
	}
	ret = write_yaml(rc, "expect.yaml",
			 "# What replaying this scenario gave when it was recorded (fixtures/README,\n"
			 "# section 4).  Review it: it becomes the regression test's expectation.\n",
			 root);
	diag_list_release(&diags);
	free(sev);
	doc_free(d);
	return ret;
}

/* ---- the cluster's Katib ---- */

/* "v0.17" from the katib-controller image's tag, or NULL. */
static char *katib_version(struct kube_client *c, const char *katib_ns)
{
	struct fail f = FAIL_INIT;
	struct buf path = BUF_INIT;
	struct doc *d = NULL;
	const struct doc_node *containers;
	const char *image, *tag;
	char *e = http_escape(katib_ns), *v = NULL;
	int minor;

	buf_addf(&path, "/apis/apps/v1/namespaces/%s/deployments/katib-controller", e);
	free(e);
	if (!kube_get(c, path.buf, &d, &f)) {
		containers = doc_lookup(d->root, "spec.template.spec.containers");
		image = containers && containers->child ? doc_get_str(containers->child, "image") : NULL;
		tag = image ? strrchr(image, ':') : NULL;
		minor = tag ? katib_version_parse(tag + 1) : -1;
		if (minor >= 0) {
			struct buf b = BUF_INIT;

			buf_addf(&b, "v0.%d", minor);
			v = buf_detach(&b, NULL);
		}
	}
	doc_free(d);
	buf_release(&path);
	return v;
}

static const struct doc_node *katib_config_map(struct recorder *rc,
					       struct kube_client *c,
					       struct doc **owner)
{
	struct fail f = FAIL_INIT;
	struct buf path = BUF_INIT;
	char *e = http_escape(rc->o->katib_ns);
	const char *text;

	*owner = NULL;
	buf_addf(&path, "/api/v1/namespaces/%s/configmaps/katib-config", e);
	free(e);
	if (kube_get(c, path.buf, owner, &f)) {
		buf_release(&path);
		return NULL;	/* then a default install's */
	}
	buf_release(&path);
	text = doc_get_str(doc_get((*owner)->root, "data"), "katib-config.yaml");
	if (text) {
		struct katib_config loaded;

		/* One that cannot be read leaves the default in place. */
		if (!katib_config_load_text(&loaded, "the cluster's katib-config",
					    text, strlen(text), &f)) {
			rc->config = loaded;
			rc->own_config = 1;
		}
	}
	return (*owner)->root;
}

/* ---- the whole ---- */

static int temp_dir(struct recorder *rc)
{
	const char *dir = rc->o->dir;
	const char *slash = strrchr(dir, '/');
	struct buf b = BUF_INIT;
	struct stat st;

	if (!*dir || (slash && !slash[1]))
		return fail_set(rc->f, FAIL_USAGE, "'%s' is not a directory name to create", dir);
	if (!lstat(dir, &st))
		return fail_set(rc->f, FAIL_USAGE,
				"'%s' already exists: recording never writes over a directory", dir);
	if (slash)
		buf_addf(&b, "%.*s/.%s.tmp-XXXXXX", (int)(slash - dir), dir, slash + 1);
	else
		buf_addf(&b, ".%s.tmp-XXXXXX", dir);
	if (!mkdtemp(b.buf)) {
		fail_set(rc->f, FAIL_IO, "cannot create a directory beside '%s': %s", dir,
			 strerror(errno));
		buf_release(&b);
		return -1;
	}
	rc->tmp = buf_detach(&b, NULL);
	return 0;
}

int record_scenario(struct kube_client *c, const struct record_opts *o,
		    struct record_result *out, struct fail *f)
{
	struct recorder rc;
	struct snapshot snap;
	struct diagnosis_list diag = { 0 };
	struct doc *cm = NULL, *sub = NULL, *raw = NULL, *review = NULL;
	struct buf report = BUF_INIT;
	const struct doc_node *config_node;
	char *version = NULL, *message = NULL;
	int allowed = 1, ret = -1;
	long code = 0, start_ms;
	size_t i;

	memset(out, 0, sizeof(*out));
	memset(&rc, 0, sizeof(rc));
	rc.o = o;
	rc.f = f;
	rc.out = out;
	rc.config = katib_config_default;
	if (temp_dir(&rc))
		return -1;
	if (snapshot_fetch(c, o->ns, o->name, &snap, f))
		goto fail;
	start_ms = monotonic_ms();
	config_node = katib_config_map(&rc, c, &cm);
	version = katib_version(c, o->katib_ns);
	if (version) {
		rc.config.minor = katib_version_parse(version);
		rc.config.version = version;
		if (!rc.own_config && rc.config.minor < 19)
			rc.config.trial_resources = katib_config_default.trial_resources + 1;
	}
	if (write_cluster(&rc, &snap, config_node))
		goto fail_snap;
	if (o->watch_ms > 0 && record_timeline(&rc, c, &snap, start_ms))
		goto fail_snap;
	raw = submitted(&rc, snap.experiment->root, 0);
	sub = submitted(&rc, snap.experiment->root, 1);
	if (!raw || !sub)
		goto fail_snap;
	if (write_yaml(&rc, "experiment.yaml",
		       "# The Experiment as submitted: the recorded one without its status\n"
		       "# and the fields the API server sets.\n", sub->root))
		goto fail_snap;
	diagnose(&snap, &rc.config, &diag);
	/* validate judges the submitted form before it is wrapped in a review. */
	if (cluster_verdict(&rc, c, raw, &allowed, &code, &message)) {
		/* sub stays whole for expect's validate: the review gets a copy. */
		struct doc *copy = copy_object(&rc, sub->root);
		char *said = message ? redacted_copy(&rc, message, "admission.yaml") : NULL;

		if (!copy || (message && !said))
			goto fail_snap;
		review = review_doc(&rc, copy, allowed, code, said);
		free(said);
		if (write_yaml(&rc, "admission.yaml",
			       "# A dry-run create of the Experiment: the AdmissionReview request the\n"
			       "# API server sent Katib's validating webhook, and its response.\n",
			       review->root))
			goto fail_snap;
	}
	if (write_suggestion(&rc, &snap, sub) ||
	    write_expect(&rc, &snap, sub, review, &diag, version))
		goto fail_snap;
	redactor_report(o->redactor, &report);
	{
		const struct redact_entry *entries;

		out->redactions = redactor_entries(o->redactor, &entries);
	}
	if (!report.len)
		buf_adds(&report, "nothing was redacted\n");
	if (write_file(&rc, "redactions.txt", report.buf, report.len))
		goto fail_snap;
	if (diag.nr)
		out->diagnosis = xstrdup(diag.item[0].id);
	if (rename(rc.tmp, o->dir)) {
		fail_set(f, errno == EEXIST || errno == ENOTEMPTY ? FAIL_USAGE : FAIL_IO,
			 "cannot create '%s': %s", o->dir, strerror(errno));
		goto fail_snap;
	}
	ret = 0;
fail_snap:
	snapshot_release(&snap);
fail:
	if (ret && rc.tmp)
		record_remove_tree(rc.tmp);
	diagnosis_list_release(&diag);
	doc_free(cm);
	doc_free(review);
	for (i = 0; i < rc.nr_docs; i++)
		doc_free(rc.docs[i]);
	free(rc.docs);
	if (rc.own_config)
		katib_config_release(&rc.config);
	buf_release(&report);
	free(version);
	free(message);
	free(rc.tmp);
	return ret;
}

void record_result_release(struct record_result *r)
{
	free(r->admission_missing);
	free(r->timeline_cut);
	free(r->diagnosis);
	memset(r, 0, sizeof(*r));
}
