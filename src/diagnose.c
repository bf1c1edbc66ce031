#include "compat.h"
#include "diagnose.h"
#include "alloc.h"
#include "buf.h"
#include "doc.h"
#include "kube.h"
#include "recorded.h"
#include "rule.h"
#include "validate.h"

#include <ctype.h>
#include <stdio.h>

#define POD_WEBHOOK "\"mutator.pod.katib.kubeflow.org\" denied the request"

/* ---- reading ---- */

/* Query-string escaping for a label selector. */
static void add_escaped(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			buf_addch(b, c);
		else
			buf_addf(b, "%%%02X", c);
	}
}

static int get(struct kube_client *c, struct buf *path, struct doc **out,
	       int missing_ok, struct fail *f)
{
	int ret = kube_get(c, path->buf, out, f);

	buf_reset(path);
	if (ret && missing_ok && f->kind == FAIL_HTTP && f->http_status == 404) {
		fail_clear(f);
		*out = NULL;
		return 0;
	}
	return ret;
}

static void own(struct snapshot *s, struct doc *d)
{
	ALLOC_GROW(s->owned, s->nr_owned + 1, s->alloc_owned);
	s->owned[s->nr_owned++] = d;
}

static void push(struct node_list *l, const struct doc_node *n)
{
	ALLOC_GROW(l->item, l->nr + 1, l->alloc);
	l->item[l->nr++] = n;
}

/* GETs a list and keeps its items. */
/* The resourceVersion of the list get_items() read last, or NULL. */
static const char *last_list_version(const struct snapshot *s)
{
	const char *v = doc_str(doc_lookup(s->owned[s->nr_owned - 1]->root,
					   "metadata.resourceVersion"));

	return v && *v ? v : NULL;
}

static int get_items(struct kube_client *c, struct snapshot *s, struct buf *path,
		     struct node_list *into, struct fail *f)
{
	struct doc *d;
	const struct doc_node *items, *it;

	if (get(c, path, &d, 0, f))
		return -1;
	own(s, d);
	items = doc_get(d->root, "items");
	for (it = items && items->kind == DOC_SEQ ? items->child : NULL; it; it = it->next)
		if (it->kind == DOC_MAP)
			push(into, it);
	return 0;
}

/*
 * The training container of pod when it failed (exited non-zero, now or
 * before a restart), else NULL.
 */
static const char *failed_container(const struct snapshot *s,
				    const struct doc_node *pod)
{
	const char *primary = doc_str(doc_lookup(s->experiment->root,
						 "spec.trialTemplate.primaryContainerName"));
	const struct doc_node *list = doc_lookup(pod, "status.containerStatuses"), *c;
	int64_t code;

	if (!primary)
		return NULL;
	for (c = list && list->kind == DOC_SEQ ? list->child : NULL; c; c = c->next) {
		if (!doc_str(doc_get(c, "name")) || strcmp(doc_str(doc_get(c, "name")), primary))
			continue;
		if ((!doc_int(doc_lookup(c, "state.terminated.exitCode"), &code) && code) ||
		    (!doc_int(doc_lookup(c, "lastState.terminated.exitCode"), &code) && code))
			return primary;
	}
	return NULL;
}

static void add_log(struct snapshot *s, const char *pod, const char *container,
		    const char *text, size_t len)
{
	struct pod_log *l;

	ALLOC_GROW(s->logs, s->nr_logs + 1, s->alloc_logs);
	l = &s->logs[s->nr_logs++];
	l->pod = xstrdup(pod);
	l->container = xstrdup(container);
	l->text = xstrndup(text, len);
}

/* The last n lines of text. */
static const char *tail_lines(const char *text, size_t len, unsigned n)
{
	const char *p = text + len;

	if (p > text && p[-1] == '\n')
		p--;
	while (p > text) {
		if (p[-1] == '\n' && !n--)
			break;
		p--;
	}
	return p;
}

/*
 * Where the job objects of experiment's trials are listed, in ns or, when
 * NULL, every namespace, appended to path; *kind (when kind is not NULL)
 * is their kind, a string of experiment's.  -1 when the template names
 * no kind.
 */
static int trial_job_path(const struct doc_node *experiment, const char *ns,
			  struct buf *path, const char **kind)
{
	const struct doc_node *ts = doc_lookup(experiment, "spec.trialTemplate.trialSpec");
	const char *api = doc_get_str(ts, "apiVersion"), *k = doc_get_str(ts, "kind");
	const char *p;

	if (!api || !k || !*k || strchr(k, '/') || strchr(api, '?'))
		return -1;
	buf_addf(path, strchr(api, '/') ? "/apis/%s" : "/api/%s", api);
	if (ns)
		buf_addf(path, "/namespaces/%s", ns);
	buf_addch(path, '/');
	for (p = k; *p; p++)
		buf_addch(path, tolower((unsigned char)*p));
	buf_addch(path, 's');
	if (kind)
		*kind = k;
	return 0;
}

int snapshot_job_path(const struct snapshot *s, struct buf *path)
{
	return trial_job_path(s->experiment->root, s->ns, path, NULL);
}

static int is_trial_of(const struct snapshot *s, const struct doc_node *obj);
static void index_names(const struct node_list *list, struct snapshot_name **out,
			size_t *nr);

/* The tails of the failed training containers' logs: one request each. */
static void fetch_logs(struct kube_client *c, struct snapshot *out, struct fail *f)
{
	size_t i;

	for (i = 0; i < out->pods.nr && out->nr_logs < SNAPSHOT_MAX_LOGS; i++) {
		const char *pod = doc_str(doc_lookup(out->pods.item[i], "metadata.name"));
		const char *container = failed_container(out, out->pods.item[i]);
		struct buf log = BUF_INIT;

		if (pod && container &&
		    !kube_logs(c, out->ns, pod, container, SNAPSHOT_LOG_LINES, 64 << 10, &log, f))
			add_log(out, pod, container, log.buf, log.len);
		fail_clear(f);
		buf_release(&log);
	}
}

int snapshot_fetch(struct kube_client *c, const char *ns, const char *name,
		   struct snapshot *out, struct fail *f)
{
	struct buf path = BUF_INIT, sel = BUF_INIT;
	unsigned long before = kube_requests(c);
	struct doc *sug;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	out->ns = ns;
	out->name = name;
	buf_adds(&sel, EXPERIMENT_LABEL "=");
	buf_adds(&sel, name);

	buf_addf(&path, "/apis/kubeflow.org/v1beta1/namespaces/%s/experiments/%s", ns, name);
	if (get(c, &path, &out->experiment, 0, f))
		goto out;
	/* Anything else answered with 200 (a Status, a proxy's page) is no diagnosis. */
	if (!doc_get_str(out->experiment->root, "kind") ||
	    strcmp(doc_get_str(out->experiment->root, "kind"), "Experiment")) {
		fail_set(f, FAIL_PROTOCOL, "the server answered with %s, not the Experiment %s/%s",
			 doc_get_str(out->experiment->root, "kind")
				 ? doc_get_str(out->experiment->root, "kind") : "an object without a kind",
			 ns, name);
		goto out;
	}
	buf_addf(&path, "/apis/kubeflow.org/v1beta1/namespaces/%s/suggestions/%s", ns, name);
	if (get(c, &path, &sug, 1, f))
		goto out;
	if (sug) {
		own(out, sug);
		out->suggestion = sug->root;
	}
	/* One list each, not one GET per trial: 5 or 500 trials cost the same. */
	buf_addf(&path, "/apis/kubeflow.org/v1beta1/namespaces/%s/trials?labelSelector=", ns);
	add_escaped(&path, sel.buf);
	if (get_items(c, out, &path, &out->trials, f))
		goto out;
	out->trials_version = last_list_version(out);
	index_names(&out->trials, &out->trial_names, &out->nr_trial_names);
	buf_addf(&path, "/api/v1/namespaces/%s/pods?labelSelector=", ns);
	add_escaped(&path, sel.buf);
	if (get_items(c, out, &path, &out->pods, f))
		goto out;
	out->pods_version = last_list_version(out);
	buf_addf(&path, "/api/v1/namespaces/%s/events", ns);
	if (get_items(c, out, &path, &out->events, f))
		goto out;
	out->events_version = last_list_version(out);
	{
		struct doc *nsdoc;
		size_t i;

		/* A namespace the user may not read is no reason to give up. */
		buf_addf(&path, "/api/v1/namespaces/%s", ns);
		if (get(c, &path, &nsdoc, 1, f)) {
			out->namespace_status = f->http_status;
		} else if (!nsdoc) {
			out->namespace_status = 404;
		} else {
			own(out, nsdoc);
			/* Only a Namespace has its labels: a proxy's 200 page has none. */
			if (doc_get_str(nsdoc->root, "kind") &&
			    !strcmp(doc_get_str(nsdoc->root, "kind"), "Namespace"))
				out->namespace = nsdoc->root;
		}
		fail_clear(f);
		buf_addf(&path, "/apis/apps/v1/namespaces/%s/deployments/%s-%s", ns, name,
			 doc_str(doc_lookup(out->experiment->root, "spec.algorithm.algorithmName"))
				 ? doc_str(doc_lookup(out->experiment->root, "spec.algorithm.algorithmName"))
				 : "");
		if (!get(c, &path, &nsdoc, 1, f) && nsdoc) {
			own(out, nsdoc);
			out->deployment = nsdoc->root;
		}
		fail_clear(f);
		/* Jobs by name: Katib puts no Experiment label on them. */
		if (out->trials.nr && !snapshot_job_path(out, &path)) {
			struct node_list all = { NULL, 0, 0 };

			if (!get_items(c, out, &path, &all, f))
				out->jobs_version = last_list_version(out);
			for (i = 0; i < all.nr; i++)
				if (is_trial_of(out, all.item[i]))
					push(&out->jobs, all.item[i]);
			free(all.item);
			index_names(&out->jobs, &out->job_names, &out->nr_job_names);
		}
		buf_reset(&path);
		fail_clear(f);
		fetch_logs(c, out, f);
	}
	ret = 0;
out:
	out->requests = kube_requests(c) - before;
	buf_release(&path);
	buf_release(&sel);
	if (ret)
		snapshot_release(out);
	return ret;
}

/* The last of the objects recorded_find() finds (a later one replaces). */
static const struct doc_node *find_last(const struct recorded *r, const char *ns,
					const char *kind, const char *name)
{
	const struct recorded_entry *e;
	size_t n = recorded_find(r, RECORDED_BY_NAME, ns, kind, name, &e);

	return n ? r->object[e[n - 1].at] : NULL;
}

static void push_found(const struct recorded *r, struct node_list *list,
		       enum recorded_by by, const char *ns, const char *kind,
		       const char *name)
{
	const struct recorded_entry *e;
	size_t i, n = recorded_find(r, by, ns, kind, name, &e);

	for (i = 0; i < n; i++)
		push(list, r->object[e[i].at]);
}

static int by_position(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

int snapshot_from_recorded(const struct recorded *r, const char *ns,
			   const char *name, struct snapshot *out,
			   struct fail *f)
{
	const struct doc_node *exp;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->ns = ns;
	out->name = name;
	exp = find_last(r, ns, "Experiment", name);
	if (!exp) {
		snapshot_release(out);
		return fail_set(f, FAIL_NOT_FOUND,
				"experiment \"%s\" in namespace \"%s\" is not in the recording %s",
				name, ns, r->dir ? r->dir : "(the lists read from the cluster)");
	}
	out->suggestion = find_last(r, ns, "Suggestion", name);
	push_found(r, &out->trials, RECORDED_BY_EXPERIMENT, ns, "Trial", name);
	push_found(r, &out->pods, RECORDED_BY_EXPERIMENT, ns, "Pod", name);
	push_found(r, &out->events, RECORDED_BY_KIND, ns, "Event", NULL);
	out->namespace = find_last(r, "", "Namespace", ns);
	index_names(&out->trials, &out->trial_names, &out->nr_trial_names);
	{
		const struct doc_node *ts = doc_lookup(exp, "spec.trialTemplate.trialSpec");
		const char *job_kind = doc_get_str(ts, "kind");
		const char *alg = doc_str(doc_lookup(exp, "spec.algorithm.algorithmName"));
		size_t *at = NULL, nr_at = 0, alloc_at = 0;

		if (alg) {
			struct buf deployment = BUF_INIT;

			buf_addf(&deployment, "%s-%s", name, alg);
			out->deployment = find_last(r, ns, "Deployment", deployment.buf);
			buf_release(&deployment);
		}
		/* The jobs are known by their trials' names, and kept in recording order. */
		for (i = 0; job_kind && i < out->nr_trial_names; i++) {
			const struct recorded_entry *e;
			size_t j, n;

			if (i && !strcmp(out->trial_names[i].name, out->trial_names[i - 1].name))
				continue;
			n = recorded_find(r, RECORDED_BY_NAME, ns, job_kind,
					  out->trial_names[i].name, &e);
			for (j = 0; j < n; j++) {
				ALLOC_GROW(at, nr_at + 1, alloc_at);
				at[nr_at++] = e[j].at;
			}
		}
		if (nr_at)
			qsort(at, nr_at, sizeof(*at), by_position);
		for (i = 0; i < nr_at; i++)
			push(&out->jobs, r->object[at[i]]);
		free(at);
		index_names(&out->jobs, &out->job_names, &out->nr_job_names);
	}
	/* A document of its own, for the offline rules; the node stays r's. */
	out->experiment = doc_new(r->dir ? r->dir : "response", 0);
	out->experiment->root = (struct doc_node *)exp;
	for (i = 0; i < out->pods.nr && out->nr_logs < SNAPSHOT_MAX_LOGS; i++) {
		const char *pod = doc_str(doc_lookup(out->pods.item[i], "metadata.name"));
		const char *container = failed_container(out, out->pods.item[i]);
		struct buf path = BUF_INIT, log = BUF_INIT;
		FILE *fp;

		/* Names from the recording become a path: plain names only. */
		if (!r->dir || !recorded_name_ok(ns) || !recorded_name_ok(pod) ||
		    !recorded_name_ok(container))
			continue;
		buf_addf(&path, "%s/logs/%s/%s/%s.log", r->dir, ns, pod, container);
		fp = fopen(path.buf, "rb");
		if (fp) {
			char chunk[4096];
			size_t n;

			while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0 && log.len < (1 << 20))
				buf_add(&log, chunk, n);
			fclose(fp);
			{
				const char *t = tail_lines(log.buf, log.len, SNAPSHOT_LOG_LINES);

				add_log(out, pod, container, t, log.len - (size_t)(t - log.buf));
			}
		}
		buf_release(&path);
		buf_release(&log);
	}
	return 0;
}

struct snapshot_set {
	struct recorded r;
	struct kube_client *c;
	unsigned long before;
	/* How reading the Namespaces was refused (snapshot.namespace_status), or 0. */
	long namespace_status;
};

/* Lists path (with an optional label selector) into the set's objects. */
static int set_list(struct snapshot_set *set, const char *path, const char *selector,
		    const char *item_kind, int optional, struct fail *f)
{
	struct buf url = BUF_INIT;
	struct doc *d;
	int ret;

	buf_adds(&url, path);
	if (selector) {
		buf_adds(&url, "?labelSelector=");
		add_escaped(&url, selector);
	}
	ret = kube_get(set->c, url.buf, &d, f);
	buf_release(&url);
	if (ret) {
		/* A user without the right to list a kind still gets the rest. */
		if (optional) {
			fail_clear(f);
			return 0;
		}
		return -1;
	}
	recorded_add_items(&set->r, d, item_kind);
	return 0;
}

/* "/apis/G/V" or "/api/v1", then "/namespaces/NS" when ns is set, then "/RESOURCE". */
static void scoped_path(struct buf *b, const char *prefix, const char *ns, const char *resource)
{
	buf_reset(b);
	buf_adds(b, prefix);
	if (ns)
		buf_addf(b, "/namespaces/%s", ns);
	buf_addf(b, "/%s", resource);
}

/*
 * What a set lists, in this order (the Experiments first).  Katib labels
 * an Experiment's Trials, their pods and its suggestion Deployment with
 * the Experiment; Deployments are optional: a user who may not list them
 * still gets the rest.
 */
static const struct {
	const char *prefix, *resource, *selector, *kind;
	int optional;
} set_lists[] = {
	{ "/apis/kubeflow.org/v1beta1", "experiments", NULL, "Experiment", 0 },
	{ "/apis/kubeflow.org/v1beta1", "suggestions", NULL, "Suggestion", 0 },
	{ "/apis/kubeflow.org/v1beta1", "trials", EXPERIMENT_LABEL, "Trial", 0 },
	{ "/api/v1", "pods", EXPERIMENT_LABEL, "Pod", 0 },
	{ "/api/v1", "events", NULL, "Event", 0 },
	{ "/apis/apps/v1", "deployments", EXPERIMENT_LABEL, "Deployment", 1 },
};

int snapshot_set_fetch(struct kube_client *c, const char *ns,
		       struct snapshot_set **out, struct fail *f)
{
	struct snapshot_set *set = xcalloc(1, sizeof(*set));
	struct doc *nsdoc;
	struct buf path = BUF_INIT;
	size_t i, nr_experiments = 0;
	int ret = -1;

	set->c = c;
	set->before = kube_requests(c);
	*out = NULL;
	for (i = 0; i < ARRAY_SIZE(set_lists); i++) {
		scoped_path(&path, set_lists[i].prefix, ns, set_lists[i].resource);
		if (set_list(set, path.buf, set_lists[i].selector, set_lists[i].kind,
			     set_lists[i].optional, f))
			goto out;
		/* The Experiments come first: their objects are the first ones. */
		if (!i)
			nr_experiments = set->r.nr;
	}
	/*
	 * The Namespaces: listing them takes cluster rights that reading
	 * one's own does not; then each Experiment's, one GET each.
	 */
	if (ns) {
		struct doc *d;

		buf_reset(&path);
		buf_addf(&path, "/api/v1/namespaces/%s", ns);
		if (!kube_get(c, path.buf, &d, f))
			recorded_add(&set->r, d);
		else
			set->namespace_status = f->http_status;
		fail_clear(f);
	} else if (kube_get(c, "/api/v1/namespaces", &nsdoc, f)) {
		set->namespace_status = f->http_status;
		fail_clear(f);
	} else {
		recorded_add_items(&set->r, nsdoc, "Namespace");
	}
	/* The job objects, one list per kind the trial templates name. */
	{
		char **seen = xcalloc(nr_experiments + 1, sizeof(*seen));
		size_t nr_seen = 0, j;
		const char *kind;

		for (i = 0; i < nr_experiments; i++) {
			buf_reset(&path);
			if (trial_job_path(set->r.object[i], ns, &path, &kind))
				continue;
			for (j = 0; j < nr_seen && strcmp(seen[j], path.buf); j++)
				;
			if (j < nr_seen)
				continue;
			seen[nr_seen++] = xstrdup(path.buf);
			/* kind is the Experiment's own string, which the set keeps. */
			set_list(set, path.buf, NULL, kind, 1, f);
		}
		for (j = 0; j < nr_seen; j++)
			free(seen[j]);
		free(seen);
	}
	ret = 0;
out:
	buf_release(&path);
	if (ret)
		snapshot_set_free(set);
	else
		*out = set;
	return ret;
}

int snapshot_from_set(const struct snapshot_set *set, const char *ns,
		      const char *name, struct snapshot *out, struct fail *f)
{
	unsigned long before = kube_requests(set->c);

	if (snapshot_from_recorded(&set->r, ns, name, out, f))
		return -1;
	/* Not among the Namespaces listed: there is none; not listed: unknown. */
	if (!out->namespace)
		out->namespace_status = set->namespace_status ? set->namespace_status : 404;
	fetch_logs(set->c, out, f);
	out->requests = kube_requests(set->c) - before;
	return 0;
}

unsigned long snapshot_set_requests(const struct snapshot_set *set)
{
	return kube_requests(set->c) - set->before;
}

void snapshot_set_free(struct snapshot_set *set)
{
	if (!set)
		return;
	recorded_release(&set->r);
	free(set);
}

void snapshot_release(struct snapshot *s)
{
	size_t i;

	doc_free(s->experiment);
	for (i = 0; i < s->nr_owned; i++)
		doc_free(s->owned[i]);
	free(s->owned);
	free(s->trials.item);
	free(s->pods.item);
	free(s->events.item);
	free(s->jobs.item);
	free(s->trial_names);
	free(s->job_names);
	for (i = 0; i < s->nr_logs; i++) {
		free(s->logs[i].pod);
		free(s->logs[i].container);
		free(s->logs[i].text);
	}
	free(s->logs);
	memset(s, 0, sizeof(*s));
}

/* ---- helpers over objects ---- */

static const char *str_at(const struct doc_node *n, const char *path)
{
	return doc_str(doc_lookup(n, path));
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

const struct doc_node *object_condition(const struct doc_node *obj,
					const char *type, const char *status)
{
	const struct doc_node *list = doc_lookup(obj, "status.conditions"), *c;

	if (!list || list->kind != DOC_SEQ)
		return NULL;
	for (c = list->child; c; c = c->next)
		if (!strcmp(or_empty(doc_get_str(c, "type")), type) &&
		    !strcmp(or_empty(doc_get_str(c, "status")), status))
			return c;
	return NULL;
}

/* The condition of type whose status is "True", or NULL. */
static const struct doc_node *condition(const struct doc_node *obj,
					const char *type)
{
	return object_condition(obj, type, "True");
}

static int cmp_snapshot_name(const void *va, const void *vb)
{
	const struct snapshot_name *a = va, *b = vb;
	int c = strcmp(a->name, b->name);

	return c ? c : a->pos < b->pos ? -1 : a->pos > b->pos;
}

static void index_names(const struct node_list *list, struct snapshot_name **out,
			size_t *nr)
{
	size_t i, n = 0;

	*out = xcalloc(list->nr + 1, sizeof(**out));
	for (i = 0; i < list->nr; i++) {
		const char *name = str_at(list->item[i], "metadata.name");

		if (!name)
			continue;
		(*out)[n].name = name;
		(*out)[n].node = list->item[i];
		(*out)[n].pos = i;
		n++;
	}
	qsort(*out, n, sizeof(**out), cmp_snapshot_name);
	*nr = n;
}

/* The first object of the list called name, or NULL. */
static const struct doc_node *find_name(const struct snapshot_name *index,
					size_t nr, const char *name)
{
	size_t lo = 0, hi = nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(index[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nr && !strcmp(index[lo].name, name) ? index[lo].node : NULL;
}

static int is_trial_name(const struct snapshot *s, const char *name)
{
	return find_name(s->trial_names, s->nr_trial_names, name) != NULL;
}

static int is_trial_of(const struct snapshot *s, const struct doc_node *obj)
{
	const char *name = doc_str(doc_lookup(obj, "metadata.name"));

	return name && is_trial_name(s, name);
}

/* ---- building diagnoses ---- */

struct ctx {
	const struct snapshot *s;
	struct diagnosis_list *out;
	struct arena *a;
};

/* ---- the ids a diagnosis may have ---- */

/* Sorted by id; add() refuses an id that is not here. */
const struct diagnosis_kind diagnosis_kinds[] = {
	{ "algorithm-settings-rejected", SEV_ERROR,
	  "the suggestion service rejected the algorithm's or early stopping's "
	  "settings, and the Experiment failed with it",
	  "correct the settings the message names and recreate the Experiment; "
	  "`kubectl katib validate` runs the same checks offline" },
	{ "healthy", SEV_INFO,
	  "the Experiment is Running and nothing wrong was found", NULL },
	{ "invalid-derived-name", SEV_ERROR,
	  "the Experiment's name makes an invalid name for its suggestion "
	  "Service and Deployment ('<name>-<algorithm>'), so they are never "
	  "created and no trial is suggested",
	  "recreate the Experiment under a name of lower case letters, digits "
	  "and '-', starting with a letter, at most 40 characters" },
	{ "istio-sidecar-blocks-completion", SEV_ERROR,
	  "training finished, but the istio-proxy sidecar keeps the trial "
	  "pods, and so the trials, running",
	  "add the label sidecar.istio.io/inject: \"false\" to every pod "
	  "template of the trialSpec, or use a namespace without Istio "
	  "injection" },
	{ "max-failed-trials-reached", SEV_ERROR,
	  "the Experiment failed because maxFailedTrialCount trials failed; "
	  "the trials' own reasons are diagnosed with it",
	  "fix what makes the trials fail, or raise spec.maxFailedTrialCount" },
	{ "metrics-unavailable", SEV_ERROR,
	  "trial jobs finish, but no metrics collector reports, so the Trials "
	  "stay Running",
	  "make primaryPodLabels match the pod that trains, and label the "
	  "namespace katib.kubeflow.org/metrics-collector-injection=enabled" },
	{ "namespace-not-enabled", SEV_ERROR,
	  "the namespace lacks katib.kubeflow.org/metrics-collector-injection="
	  "enabled: no metrics collector is injected, so trials never report",
	  "label the namespace, then recreate the Experiment" },
	{ "primary-container-not-found", SEV_ERROR,
	  "Katib's pod webhook refuses every trial pod: no container has the "
	  "name in spec.trialTemplate.primaryContainerName",
	  "set primaryContainerName to the training container's name, or "
	  "rename that container in every replica" },
	{ "spec-invalid", SEV_ERROR,
	  "the Experiment on the cluster breaks rules that `kubectl katib "
	  "validate` checks (each rule is named in the evidence)",
	  "run `kubectl katib explain RULE` for each rule, fix the spec and "
	  "recreate the Experiment" },
	{ "starting", SEV_INFO,
	  "no trial yet and nothing wrong found: Katib may still be starting "
	  "the suggestion service",
	  "look again in a minute; an Experiment that stays like this has its "
	  "reason on the Suggestion" },
	{ "succeeded", SEV_INFO, "the Experiment finished successfully", NULL },
	{ "suggestion-error", SEV_ERROR,
	  "the suggestion service keeps failing to produce trials, or the "
	  "katib-config no longer serves the Experiment's algorithm",
	  "fix the search space or settings the message names, or have the "
	  "algorithm restored in the katib-config" },
	{ "suggestion-not-ready", SEV_ERROR,
	  "the suggestion Deployment never becomes available (an image pull "
	  "error, a crash loop, no capacity), so no trial is suggested",
	  "ask the Katib admins to fix the algorithm's image, resources or "
	  "service in the katib-config" },
	{ "trial-generation-failed", SEV_ERROR,
	  "the controller cannot build trials from the trial template",
	  "fix the trial template as the message says; `kubectl katib "
	  "validate` finds these offline" },
	{ "trial-job-rejected", SEV_ERROR,
	  "the API server refuses the trials' job objects",
	  "make the trialSpec a valid object of its kind, and check that its "
	  "CRD is installed and that Katib may create it (RBAC)" },
	{ "trial-pods-pending", SEV_ERROR, "trial pods cannot be scheduled",
	  "lower the trials' resource requests or add capacity; check node "
	  "selectors and tolerations" },
	{ "trials-failing", SEV_WARNING,
	  "training containers exit with errors; the Experiment fails once "
	  "maxFailedTrialCount trials have failed",
	  "fix the error the log shows" },
};

const size_t nr_diagnosis_kinds = ARRAY_SIZE(diagnosis_kinds);

const struct diagnosis_kind *diagnosis_kind_find(const char *id)
{
	size_t i;

	for (i = 0; i < nr_diagnosis_kinds; i++)
		if (!strcmp(diagnosis_kinds[i].id, id))
			return &diagnosis_kinds[i];
	return NULL;
}

static struct diagnosis *find(struct ctx *x, const char *id)
{
	size_t i;

	for (i = 0; i < x->out->nr; i++)
		if (!strcmp(x->out->item[i].id, id))
			return &x->out->item[i];
	return NULL;
}

static struct diagnosis *add(struct ctx *x, const char *id, enum severity sev,
			     const char *summary, const char *fix,
			     const char *upstream)
{
	struct diagnosis *d = find(x, id);

	if (d)
		return d;	/* one diagnosis per id, with all its evidence */
	if (!diagnosis_kind_find(id))
		BUG("diagnosis '%s' is not in diagnosis_kinds[]: explain cannot explain it", id);
	ALLOC_GROW(x->out->item, x->out->nr + 1, x->out->alloc);
	d = &x->out->item[x->out->nr++];
	memset(d, 0, sizeof(*d));
	d->id = id;
	d->severity = sev;
	d->summary = arena_strdup(x->a, summary);
	d->fix = fix ? arena_strdup(x->a, fix) : NULL;
	d->upstream = upstream;
	return d;
}

/* Evidence beyond a few items says nothing new; keep the screen short. */
#define MAX_EVIDENCE 5

static void evidence(struct ctx *x, struct diagnosis *d, const char *kind,
		     const char *name, const char *field, const char *text)
{
	struct evidence *e;

	if (d->nr_evidence >= MAX_EVIDENCE)
		return;
	ALLOC_GROW(d->evidence, d->nr_evidence + 1, d->alloc_evidence);
	e = &d->evidence[d->nr_evidence++];
	e->object = arena_printf(x->a, "%s/%s/%s", kind, x->s->ns, name);
	e->field = arena_strdup(x->a, field);
	e->text = arena_strdup(x->a, or_empty(text));
}

static void condition_evidence(struct ctx *x, struct diagnosis *d,
			       const char *kind, const char *name,
			       const struct doc_node *c)
{
	char *field = arena_printf(x->a, "status.conditions[%s]",
				   or_empty(doc_get_str(c, "type")));
	const char *reason = doc_get_str(c, "reason");
	const char *msg = doc_get_str(c, "message");

	evidence(x, d, kind, name, field,
		 reason ? arena_printf(x->a, "%s: %s", reason, or_empty(msg)) : msg);
}

/* ---- the diagnoses ---- */

static const char *algorithm_name(const struct snapshot *s)
{
	return or_empty(str_at(s->experiment->root, "spec.algorithm.algorithmName"));
}

/* One diagnosis, whether a pod event or the Suggestion's condition says it. */
static struct diagnosis *suggestion_not_ready(struct ctx *x)
{
	return add(x, "suggestion-not-ready", SEV_ERROR,
		   arena_printf(x->a, "the suggestion Deployment '%s-%s' never becomes available, so no trial is suggested",
				x->s->name, algorithm_name(x->s)),
		   "ask the Katib admins to fix the algorithm's image in the katib-config (a pull error), its resources (quota, scheduling) or the service itself (a crash loop)",
		   NULL);
}

static void check_events(struct ctx *x)
{
	const struct snapshot *s = x->s;
	size_t i;
	char *suggestion_prefix = arena_printf(x->a, "%s-%s-", s->name, algorithm_name(s));

	for (i = 0; i < s->events.nr; i++) {
		const struct doc_node *ev = s->events.item[i];
		const char *kind = or_empty(str_at(ev, "involvedObject.kind"));
		const char *name = or_empty(str_at(ev, "involvedObject.name"));
		const char *reason = or_empty(doc_get_str(ev, "reason"));
		const char *msg = or_empty(doc_get_str(ev, "message"));
		const char *ns = str_at(ev, "involvedObject.namespace");
		struct diagnosis *d;

		if (ns && strcmp(ns, s->ns))
			continue;
		if (!strcmp(kind, "Suggestion") && !strcmp(name, s->name)) {
			if (strstr(msg, " is invalid") &&
			    (strstr(msg, "Service \"") || strstr(msg, "Deployment.apps \""))) {
				d = add(x, "invalid-derived-name", SEV_ERROR,
					arena_printf(x->a, "the suggestion Service and Deployment '%s-%s' cannot be created, so no trial is ever suggested",
						     s->name, algorithm_name(s)),
					"recreate the Experiment under a name of lower case letters, digits and '-', starting with a letter, at most 40 characters (e.g. replace '.' with '-'); `kubectl katib validate` catches this before submission",
					"https://github.com/kubeflow/katib/issues/1538");
				evidence(x, d, "Suggestion", name, "events[ReconcileError]", msg);
			} else if (strstr(msg, "rpc error: code =")) {
				d = add(x, "suggestion-error", SEV_ERROR,
					"the suggestion service keeps failing to produce trials",
					"fix the search space or settings the service chokes on (see the message); `kubectl katib validate` checks the algorithm's settings and search space offline",
					"https://github.com/kubeflow/katib/issues/2665");
				evidence(x, d, "Suggestion", name, "events[ReconcileError]", msg);
			} else if (strstr(msg, "failed to find suggestion config for algorithm")) {
				d = add(x, "suggestion-error", SEV_ERROR,
					"the katib-config no longer serves this Experiment's algorithm",
					"ask the Katib admins to restore the algorithm in the katib-config ConfigMap, or recreate the Experiment with an algorithm it serves",
					NULL);
				evidence(x, d, "Suggestion", name, "events[ReconcileError]", msg);
			}
			continue;
		}
		if (!strcmp(kind, "Experiment") && !strcmp(name, s->name) &&
		    !strcmp(reason, "ReconcileError")) {
			d = add(x, "trial-generation-failed", SEV_ERROR,
				"the controller cannot build trials from the trial template",
				"fix the trial template as the message says (e.g. reference every parameter in trialParameters); `kubectl katib validate` finds these offline",
				NULL);
			evidence(x, d, "Experiment", name, "events[ReconcileError]", msg);
			continue;
		}
		if (!strcmp(kind, "Trial") && is_trial_name(s, name) &&
		    !strcmp(reason, "ReconcileError")) {
			d = add(x, "trial-job-rejected", SEV_ERROR,
				"the API server refuses the trials' job objects",
				"make the trialSpec a valid object of its kind and check that its CRD is installed and Katib may create it (RBAC)",
				NULL);
			evidence(x, d, "Trial", name, "events[ReconcileError]", msg);
			continue;
		}
		if (strstr(msg, POD_WEBHOOK) && strstr(msg, "Unable to find primary container") &&
		    is_trial_name(s, name)) {
			const char *list = strrchr(msg, '[');
			const char *fix = list
				? arena_printf(x->a, "set spec.trialTemplate.primaryContainerName to the training container's name (the pod has %s), or rename that container; every replica needs a container of that name", list)
				: "set spec.trialTemplate.primaryContainerName to the training container's name, or rename that container; every replica needs a container of that name";

			d = add(x, "primary-container-not-found", SEV_ERROR,
				arena_printf(x->a, "Katib's pod webhook refuses every trial pod: no container is named '%s'",
					     or_empty(str_at(s->experiment->root,
							     "spec.trialTemplate.primaryContainerName"))),
				fix, "https://github.com/kubeflow/katib/issues/1542");
			evidence(x, d, kind, name, arena_printf(x->a, "events[%s]", reason), msg);
			continue;
		}
		if (!strncmp(name, suggestion_prefix, strlen(suggestion_prefix)) &&
		    !strcmp(kind, "Pod") &&
		    (!strcmp(reason, "Failed") || !strcmp(reason, "BackOff") ||
		     !strcmp(reason, "FailedScheduling"))) {
			d = suggestion_not_ready(x);
			evidence(x, d, kind, name, arena_printf(x->a, "events[%s]", reason), msg);
		}
	}
}

static void check_suggestion(struct ctx *x)
{
	const struct doc_node *sug = x->s->suggestion;
	const struct doc_node *c;
	struct diagnosis *d;

	if (!sug)
		return;
	if ((c = condition(sug, "Failed"))) {
		const char *msg = or_empty(doc_get_str(c, "message"));

		if (strstr(msg, "Validation failed")) {
			d = add(x, "algorithm-settings-rejected", SEV_ERROR,
				"the suggestion service rejected the algorithm or early-stopping settings, and the Experiment failed with it",
				"correct the settings the message names, then recreate the Experiment; `kubectl katib validate` runs the same checks offline",
				"https://github.com/kubeflow/katib/issues/1126");
		} else {
			d = add(x, "suggestion-error", SEV_ERROR,
				"the Suggestion failed", "see the message; recreate the Experiment once it is fixed",
				NULL);
		}
		condition_evidence(x, d, "Suggestion", x->s->name, c);
		return;
	}
	if (!condition(sug, "Succeeded") && (c = object_condition(sug, "DeploymentReady", "False"))) {
		const struct doc_node *dep = x->s->deployment, *dc, *list;

		d = suggestion_not_ready(x);
		condition_evidence(x, d, "Suggestion", x->s->name, c);
		/* The Deployment says why: quota, PodSecurity, a missing service account. */
		list = doc_lookup(dep, "status.conditions");
		for (dc = list && list->kind == DOC_SEQ ? list->child : NULL; dc; dc = dc->next) {
			const char *type = or_empty(doc_get_str(dc, "type"));
			const char *st = or_empty(doc_get_str(dc, "status"));

			if ((!strcmp(type, "ReplicaFailure") && !strcmp(st, "True")) ||
			    (!strcmp(type, "Available") && !strcmp(st, "False")))
				condition_evidence(x, d, "Deployment",
						   or_empty(str_at(dep, "metadata.name")), dc);
		}
	}
}

/* A container's status; istio's native sidecar is an init container. */
static const struct doc_node *container_status(const struct doc_node *pod,
					       const char *name)
{
	static const char *const lists[] = { "status.containerStatuses",
					     "status.initContainerStatuses" };
	const struct doc_node *list, *c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lists); i++) {
		list = doc_lookup(pod, lists[i]);
		for (c = list && list->kind == DOC_SEQ ? list->child : NULL; c; c = c->next)
			if (!strcmp(or_empty(doc_get_str(c, "name")), name))
				return c;
	}
	return NULL;
}

static void check_pods(struct ctx *x)
{
	const char *primary = or_empty(str_at(x->s->experiment->root,
					      "spec.trialTemplate.primaryContainerName"));
	size_t i;

	for (i = 0; i < x->s->pods.nr; i++) {
		const struct doc_node *pod = x->s->pods.item[i];
		const char *name = or_empty(str_at(pod, "metadata.name"));
		const char *phase = or_empty(str_at(pod, "status.phase"));
		const struct doc_node *main_c = container_status(pod, primary);
		const struct doc_node *proxy = container_status(pod, "istio-proxy");
		const struct doc_node *list, *c;
		struct diagnosis *d;
		int64_t code = -1;

		if (!strcmp(phase, "Running") && main_c && proxy &&
		    doc_lookup(main_c, "state.terminated") &&
		    !doc_int(doc_lookup(main_c, "state.terminated.exitCode"), &code) &&
		    code == 0 && doc_lookup(proxy, "state.running")) {
			d = add(x, "istio-sidecar-blocks-completion", SEV_ERROR,
				"training finished, but the istio-proxy sidecar keeps the trial pods, and so the trials, running",
				"add the label sidecar.istio.io/inject: \"false\" to every pod template of the trialSpec (or create the Experiment in a namespace without istio injection)",
				"https://github.com/kubeflow/katib/issues/1412");
			evidence(x, d, "Pod", name, "status.containerStatuses",
				 arena_printf(x->a, "%s terminated with exit code 0; istio-proxy still running", primary));
			continue;
		}
		if (strcmp(phase, "Pending"))
			continue;
		if ((c = object_condition(pod, "PodScheduled", "False"))) {
			d = add(x, "trial-pods-pending", SEV_ERROR,
				"trial pods cannot start",
				"lower the trials' resource requests or ask for capacity; check node selectors and tolerations",
				NULL);
			condition_evidence(x, d, "Pod", name, c);
		}
		list = doc_lookup(pod, "status.containerStatuses");
		for (c = list && list->kind == DOC_SEQ ? list->child : NULL; c; c = c->next) {
			const char *why = str_at(c, "state.waiting.reason");

			if (why && (strstr(why, "ImagePull") ||
				    !strcmp(why, "InvalidImageName") ||
				    !strcmp(why, "CreateContainerConfigError"))) {
				d = add(x, "trial-pods-pending", SEV_ERROR,
					"trial pods cannot start",
					"fix the image reference or its pull secret (imagePullSecrets), or the missing ConfigMap/Secret the message names",
					NULL);
				evidence(x, d, "Pod", name,
					 arena_printf(x->a, "status.containerStatuses[%s].state.waiting",
						      or_empty(doc_get_str(c, "name"))),
					 arena_printf(x->a, "%s: %s", why,
						      or_empty(str_at(c, "state.waiting.message"))));
			}
		}
	}
}

static const struct doc_node *job_of(const struct snapshot *s, const char *trial)
{
	return find_name(s->job_names, s->nr_job_names, trial);
}

/*
 * A trial whose job succeeded but which never left Running: no metrics
 * collector reported (the sidecar was never injected).  Katib requeues it
 * silently, with no condition and no event.
 */
static void check_unreported(struct ctx *x, const struct doc_node *t)
{
	const char *name = or_empty(str_at(t, "metadata.name"));
	const struct doc_node *job = job_of(x->s, name), *done;
	struct diagnosis *d;

	if (!job || !condition(t, "Running") || condition(t, "Succeeded") ||
	    condition(t, "Failed") || condition(t, "MetricsUnavailable"))
		return;
	done = condition(job, "Complete");
	if (!done)
		done = condition(job, "Succeeded");
	if (!done)
		return;
	d = add(x, "metrics-unavailable", SEV_ERROR,
		"trial jobs finish, but no metrics collector reports, so the Trials stay Running",
		"make primaryPodLabels match the pod that trains (for a TFJob with only Workers: training.kubeflow.org/replica-type: worker), and check the namespace has katib.kubeflow.org/metrics-collector-injection=enabled",
		NULL);
	condition_evidence(x, d, or_empty(doc_get_str(job, "kind")), name, done);
}

static void check_trials(struct ctx *x, struct diagnosis *failed_exp)
{
	const struct doc_node *c;
	size_t i;

	for (i = 0; i < x->s->trials.nr; i++) {
		const struct doc_node *t = x->s->trials.item[i];
		const char *name = or_empty(str_at(t, "metadata.name"));

		if (i + 2 < x->s->trials.nr)
			doc_prefetch(x->s->trials.item[i + 2], DOC_PREFETCH_OBJECT);

		if ((c = condition(t, "MetricsUnavailable"))) {
			struct diagnosis *d = add(x, "metrics-unavailable", SEV_ERROR,
				arena_printf(x->a, "trials finish, but their objective metric '%s' is never collected",
					     or_empty(str_at(x->s->experiment->root,
							     "spec.objective.objectiveMetricName"))),
				"make the program print the metric as NAME=VALUE on its own line (or set metricsCollectorSpec.source.filter.metricsFormat to match what it prints), under exactly the objectiveMetricName",
				NULL);
			condition_evidence(x, d, "Trial", name, c);
			if (failed_exp)
				condition_evidence(x, failed_exp, "Trial", name, c);
		} else if (failed_exp && (c = condition(t, "Failed"))) {
			condition_evidence(x, failed_exp, "Trial", name, c);
		} else {
			check_unreported(x, t);
		}
	}
}

/*
 * Since v0.18 Katib's pod webhook only sees namespaces with this label:
 * elsewhere no metrics collector is injected and trials never finish.
 */
static void check_namespace(struct ctx *x)
{
	const char *v;
	struct diagnosis *d;

	if (!x->s->namespace)
		return;
	v = doc_str(doc_get(doc_lookup(x->s->namespace, "metadata.labels"),
			    "katib.kubeflow.org/metrics-collector-injection"));
	if (v && !strcmp(v, "enabled"))
		return;
	d = add(x, "namespace-not-enabled", SEV_ERROR,
		"the namespace lacks Katib's label: no metrics collector is injected into trial pods, so trials never report and never finish",
		arena_printf(x->a, "kubectl label namespace %s katib.kubeflow.org/metrics-collector-injection=enabled (then recreate the Experiment)",
			     x->s->ns),
		NULL);
	evidence(x, d, "Namespace", x->s->ns, "metadata.labels",
		 v ? arena_printf(x->a, "katib.kubeflow.org/metrics-collector-injection=%s", v)
		   : "no katib.kubeflow.org/metrics-collector-injection label");
}

/* Failing training containers' own last words. */
static void check_logs(struct ctx *x, struct diagnosis *failed_exp)
{
	struct diagnosis *d = failed_exp;
	size_t i;

	for (i = 0; i < x->s->nr_logs; i++) {
		const struct pod_log *l = &x->s->logs[i];

		if (!d)
			d = add(x, "trials-failing", SEV_WARNING,
				"training containers exit with errors; the Experiment fails once maxFailedTrialCount trials have failed",
				"fix the error the log shows (run the container locally with one set of parameters to reproduce it)",
				NULL);
		evidence(x, d, "Pod", l->pod,
			 arena_printf(x->a, "log of %s (last lines)", l->container), l->text);
	}
}

static void check_spec(struct ctx *x, const struct katib_config *config)
{
	struct diag_list findings = DIAG_LIST_INIT;
	struct diagnosis *d = NULL;
	size_t i;

	findings.file = "cluster";
	validate_doc(x->s->experiment, config, NULL, &findings);
	for (i = 0; i < findings.nr; i++) {
		const struct diag *f = &findings.item[i];

		if (f->severity != SEV_ERROR)
			continue;
		if (!d)
			d = add(x, "spec-invalid", SEV_ERROR,
				"the Experiment's spec breaks rules that `kubectl katib validate` checks",
				"run `kubectl katib explain RULE` for each rule named above, fix the spec and recreate the Experiment",
				NULL);
		evidence(x, d, "Experiment", x->s->name, f->path ? f->path : "",
			 arena_printf(x->a, "%s [%s]", f->message, f->rule->id));
	}
	diag_list_release(&findings);
}

/* Most severe first; in the order found among equals (a stable sort). */
static void sort_by_severity(struct diagnosis_list *out)
{
	size_t i, j;

	for (i = 1; i < out->nr; i++) {
		struct diagnosis d = out->item[i];

		for (j = i; j > 0 && out->item[j - 1].severity < d.severity; j--)
			out->item[j] = out->item[j - 1];
		out->item[j] = d;
	}
}

void diagnose(const struct snapshot *s, const struct katib_config *config,
	      struct diagnosis_list *out)
{
	const struct doc_node *exp = s->experiment->root, *c, *list;
	struct ctx x = { s, out, &out->arena };
	struct diagnosis *failed = NULL, *d;
	int64_t running = 0, done = 0;

	list = doc_lookup(exp, "status.conditions");
	out->phase = list && list->kind == DOC_SEQ && list->last
			     ? arena_strdup(&out->arena, or_empty(doc_get_str(list->last, "type")))
			     : "Pending";

	check_suggestion(&x);
	check_events(&x);
	if ((c = condition(exp, "Failed")) &&
	    strstr(or_empty(doc_get_str(c, "message")), "max failed count")) {
		failed = add(&x, "max-failed-trials-reached", SEV_ERROR,
			     "the Experiment failed: too many trials failed (their own reasons follow)",
			     "fix what makes the trials fail (see each Trial's reason and its pod's logs), or raise spec.maxFailedTrialCount",
			     NULL);
		condition_evidence(&x, failed, "Experiment", s->name, c);
	}
	check_trials(&x, failed);
	check_logs(&x, failed);
	check_pods(&x);
	check_namespace(&x);
	check_spec(&x, config);

	if (!out->nr) {
		doc_int(doc_lookup(exp, "status.trialsRunning"), &running);
		doc_int(doc_lookup(exp, "status.trialsSucceeded"), &done);
		if ((c = condition(exp, "Succeeded"))) {
			d = add(&x, "succeeded", SEV_INFO, "the Experiment finished successfully",
				NULL, NULL);
			condition_evidence(&x, d, "Experiment", s->name, c);
		} else if ((c = condition(exp, "Running"))) {
			d = add(&x, "healthy", SEV_INFO,
				arena_printf(&out->arena, "running normally: %lld trial(s) running, %lld succeeded",
					     (long long)running, (long long)done),
				NULL, NULL);
			condition_evidence(&x, d, "Experiment", s->name, c);
		} else {
			d = add(&x, "starting", SEV_INFO,
				"no trial yet, and nothing wrong found: Katib may still be starting the suggestion service",
				"look again in a minute; an Experiment that stays like this has its reason on the Suggestion",
				NULL);
		}
	}
	sort_by_severity(out);
}

void diagnosis_list_release(struct diagnosis_list *list)
{
	size_t i;

	for (i = 0; i < list->nr; i++)
		free(list->item[i].evidence);
	free(list->item);
	arena_release(&list->arena);
	memset(list, 0, sizeof(*list));
}

int diagnosis_list_has_problem(const struct diagnosis_list *list)
{
	size_t i;

	for (i = 0; i < list->nr; i++)
		if (list->item[i].severity >= SEV_WARNING)
			return 1;
	return 0;
}
