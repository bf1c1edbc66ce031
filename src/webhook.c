#include "compat.h"
#include "webhook.h"
#include "admission.h"
#include "alloc.h"
#include "buf.h"
#include "diag.h"
#include "doc-yaml.h"
#include "httpd.h"

#include <pthread.h>
#include <stdatomic.h>

/* The statuses the server answers with, for requests_total{code}. */
static const unsigned codes[] = { 0, 200, 400, 404, 405, 408, 413, 500, 503 };
#define NR_CODES (ARRAY_SIZE(codes) + 1)	/* and "other" */

/*
 * Latency buckets in seconds: a webhook sits in every `kubectl apply`,
 * so the interesting range is well under the API server's timeout.
 */
static const double buckets[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
	2.5, 5, 10,
};

struct webhook {
	pthread_rwlock_t lock;	/* guards config */
	struct katib_config config;
	int owned;
	enum severity *severities;
	int warn_only;
	atomic_int ready;

	atomic_ulong requests[NR_CODES];
	/* By rule index, then admission_update_ids[]. */
	atomic_ulong *denied;		/* enforced */
	atomic_ulong *warned;		/* would have denied (--warn-only) */
	atomic_ulong latency[ARRAY_SIZE(buckets)];
	atomic_ulong latency_count;
	atomic_ullong latency_sum_ns;
	atomic_ulong reloads[2][2];	/* [certificate, katib-config][ok] */
};

static size_t nr_update_ids(void)
{
	size_t n = 0;

	while (admission_update_ids[n])
		n++;
	return n;
}

struct webhook *webhook_new(const enum severity *severities, int warn_only)
{
	struct webhook *w = xcalloc(1, sizeof(*w));

	pthread_rwlock_init(&w->lock, NULL);
	w->config = katib_config_default;
	w->severities = xcalloc(nr_rules, sizeof(*w->severities));
	memcpy(w->severities, severities, nr_rules * sizeof(*severities));
	w->warn_only = warn_only;
	w->denied = xcalloc(nr_rules + nr_update_ids(), sizeof(*w->denied));
	w->warned = xcalloc(nr_rules + nr_update_ids(), sizeof(*w->warned));
	atomic_store(&w->ready, 1);
	return w;
}

void webhook_free(struct webhook *w)
{
	if (!w)
		return;
	if (w->owned)
		katib_config_release(&w->config);
	pthread_rwlock_destroy(&w->lock);
	free(w->severities);
	free((void *)w->denied);
	free((void *)w->warned);
	free(w);
}

void webhook_set_config(struct webhook *w, const struct katib_config *config,
			int owned)
{
	struct katib_config old;
	int old_owned;

	pthread_rwlock_wrlock(&w->lock);
	old = w->config;
	old_owned = w->owned;
	w->config = *config;
	w->owned = owned;
	pthread_rwlock_unlock(&w->lock);
	if (old_owned)
		katib_config_release(&old);
}

void webhook_set_ready(struct webhook *w, int ready)
{
	atomic_store(&w->ready, ready);
}

static void reply_text(struct httpd_reply *reply, unsigned status,
		       const char *text)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "%s\n", text);
	reply->status = status;
	reply->content_type = "text/plain; charset=utf-8";
	reply->body = buf_detach(&b, &reply->len);
}

static void bad_request(struct httpd_reply *reply, const char *why)
{
	struct buf note = BUF_INIT;

	reply_text(reply, 400, why);
	buf_adds(&note, "error=");
	buf_add_json_str(&note, why, strlen(why));
	reply->note = buf_detach(&note, NULL);
}

static size_t denial_index(const char *id)
{
	const struct rule *r = rule_find(id);
	size_t i;

	if (r)
		return rule_index(r);
	for (i = 0; admission_update_ids[i + 1]; i++)
		if (!strcmp(id, admission_update_ids[i]))
			break;
	return nr_rules + i;
}

static void review(struct webhook *w, const struct httpd_request *req,
		   struct httpd_reply *reply)
{
	static const struct doc_limits limits = DOC_LIMITS_DEFAULT;
	struct doc_reader *r;
	struct doc *d = NULL;
	struct fail f = FAIL_INIT;
	struct diag_list diags = DIAG_LIST_INIT;
	struct admission_verdict v;
	struct buf note = BUF_INIT;
	int ret, would_deny;
	size_t i;

	doc_reader_open_mem(&r, "request", req->body, req->body_len, &limits);
	ret = doc_reader_next(r, &d, &f);
	if (ret <= 0) {
		bad_request(reply, ret ? f.msg : "the request has no body");
		doc_reader_free(r);
		return;
	}
	diags.file = "request";
	diags.overrides = w->severities;
	pthread_rwlock_rdlock(&w->lock);
	ret = admission_review(d, &w->config, NULL, &diags, &v, &f);
	pthread_rwlock_unlock(&w->lock);
	doc_free(d);
	doc_reader_free(r);
	diag_list_release(&diags);
	if (ret) {
		bad_request(reply, f.msg);
		return;
	}
	would_deny = !v.allowed;
	for (i = 0; i < v.nr_denied_by; i++)
		atomic_fetch_add(w->warn_only ? &w->warned[denial_index(v.denied_by[i])]
					      : &w->denied[denial_index(v.denied_by[i])], 1);
	if (w->warn_only)
		admission_verdict_warn_only(&v);
	reply->status = 200;
	reply->content_type = "application/json";
	reply->body = admission_response_json(&v);
	reply->len = strlen(reply->body);
	/* The access log's fields: never the object or who sent it. */
	buf_addf(&note, "uid=%s op=%s verdict=%s", v.uid, v.operation,
		 !v.allowed ? "denied" : would_deny ? "warned" : "allowed");
	for (i = 0; i < v.nr_denied_by; i++)
		buf_addf(&note, "%s%s", i ? "," : " rules=", v.denied_by[i]);
	if (v.nr_warnings)
		buf_addf(&note, " warnings=%zu", v.nr_warnings);
	reply->note = buf_detach(&note, NULL);
	admission_verdict_release(&v);
}

void webhook_handle(void *data, const struct httpd_request *req,
		    struct httpd_reply *reply)
{
	struct webhook *w = data;
	int get = !strcmp(req->method, "GET") || !strcmp(req->method, "HEAD");

	if (!strcmp(req->path, WEBHOOK_PATH)) {
		if (strcmp(req->method, "POST"))
			reply_text(reply, 405, "only POST is allowed here");
		else
			review(w, req, reply);
	} else if (!strcmp(req->path, "/healthz") ||
		   !strcmp(req->path, "/readyz") ||
		   !strcmp(req->path, "/metrics")) {
		if (!get)
			reply_text(reply, 405, "only GET is allowed here");
		else if (!strcmp(req->path, "/healthz"))
			reply_text(reply, 200, "ok");
		else if (!strcmp(req->path, "/readyz"))
			reply_text(reply, atomic_load(&w->ready) ? 200 : 503,
				   atomic_load(&w->ready) ? "ok" : "shutting down");
		else {
			reply->status = 200;
			reply->content_type = "text/plain; version=0.0.4";
			reply->body = webhook_metrics_text(w);
			reply->len = strlen(reply->body);
		}
	} else {
		reply_text(reply, 404, "not found");
	}
}

void webhook_observe(struct webhook *w, const char *path, unsigned status,
		     double seconds)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(codes) && codes[i] != status; i++)
		;
	atomic_fetch_add(&w->requests[i], 1);
	if (strcmp(path, WEBHOOK_PATH))
		return;
	for (i = 0; i < ARRAY_SIZE(buckets); i++)
		if (seconds <= buckets[i])
			atomic_fetch_add(&w->latency[i], 1);
	atomic_fetch_add(&w->latency_count, 1);
	atomic_fetch_add(&w->latency_sum_ns,
			 (unsigned long long)(seconds * 1e9));
}

void webhook_count_reload(struct webhook *w, const char *what, int ok)
{
	atomic_fetch_add(&w->reloads[!!strcmp(what, "certificate")][!!ok], 1);
}

static void denials_text(struct buf *b, const char *name, const char *help,
			 atomic_ulong *counts)
{
	size_t i;

	buf_addf(b, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
	for (i = 0; i < nr_rules + nr_update_ids(); i++) {
		unsigned long n = atomic_load(&counts[i]);

		if (n)
			buf_addf(b, "%s{rule=\"%s\"} %lu\n", name,
				 i < nr_rules ? rules[i].id
					      : admission_update_ids[i - nr_rules], n);
	}
}

char *webhook_metrics_text(struct webhook *w)
{
	struct buf b = BUF_INIT;
	size_t i;
	int what, ok;

	buf_adds(&b, "# HELP katib_webhook_requests_total HTTP requests by status code (0: no answer was sent).\n"
		     "# TYPE katib_webhook_requests_total counter\n");
	for (i = 0; i < NR_CODES; i++) {
		if (i < ARRAY_SIZE(codes))
			buf_addf(&b, "katib_webhook_requests_total{code=\"%u\"} %lu\n",
				 codes[i], atomic_load(&w->requests[i]));
		else
			buf_addf(&b, "katib_webhook_requests_total{code=\"other\"} %lu\n",
				 atomic_load(&w->requests[i]));
	}
	denials_text(&b, "katib_webhook_denials_total",
		     "AdmissionReviews denied, by rule.", w->denied);
	denials_text(&b, "katib_webhook_warn_only_denials_total",
		     "AdmissionReviews that would have been denied without --warn-only, by rule.",
		     w->warned);
	buf_adds(&b, "# HELP katib_webhook_request_duration_seconds Time to answer an AdmissionReview.\n"
		     "# TYPE katib_webhook_request_duration_seconds histogram\n");
	for (i = 0; i < ARRAY_SIZE(buckets); i++)
		buf_addf(&b, "katib_webhook_request_duration_seconds_bucket{le=\"%g\"} %lu\n",
			 buckets[i], atomic_load(&w->latency[i]));
	buf_addf(&b, "katib_webhook_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n",
		 atomic_load(&w->latency_count));
	buf_addf(&b, "katib_webhook_request_duration_seconds_sum %.9f\n",
		 (double)atomic_load(&w->latency_sum_ns) / 1e9);
	buf_addf(&b, "katib_webhook_request_duration_seconds_count %lu\n",
		 atomic_load(&w->latency_count));
	buf_adds(&b, "# HELP katib_webhook_reloads_total Reloads of the certificate and the katib-config.\n"
		     "# TYPE katib_webhook_reloads_total counter\n");
	for (what = 0; what < 2; what++)
		for (ok = 1; ok >= 0; ok--)
			buf_addf(&b, "katib_webhook_reloads_total{what=\"%s\",result=\"%s\"} %lu\n",
				 what ? "katib-config" : "certificate",
				 ok ? "ok" : "failed", atomic_load(&w->reloads[what][ok]));
	buf_addf(&b, "# HELP katib_webhook_ready Whether the server takes requests.\n"
		     "# TYPE katib_webhook_ready gauge\nkatib_webhook_ready %d\n",
		 atomic_load(&w->ready));
	return buf_detach(&b, NULL);
}
