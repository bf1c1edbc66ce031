/*
 * webhook.h: kubectl-katib as a validating admission webhook: routes the
 * requests of `webhook serve` (AdmissionReview POSTs, health, readiness,
 * metrics), answers reviews with admission_review(), and keeps the
 * Prometheus counters.  Thread-safe: every worker thread calls in.
 */
#ifndef KATIB_SRC_WEBHOOK_H
#define KATIB_SRC_WEBHOOK_H

#include "katib-config.h"
#include "rule.h"

struct httpd_request;
struct httpd_reply;
struct webhook;

/* The path the ValidatingWebhookConfiguration calls. */
#define WEBHOOK_PATH "/validate-experiment"

/*
 * severities (nr_rules of them) are copied.  With warn_only, denials
 * become warnings.  The webhook starts with the default katib-config of
 * the latest release until webhook_set_config().
 */
struct webhook *webhook_new(const enum severity *severities, int warn_only);
void webhook_free(struct webhook *w);

/*
 * Judges with *config from now on, taking it over (owned: release it
 * with katib_config_release() when replaced); requests being judged
 * finish with the one they started with.
 */
void webhook_set_config(struct webhook *w, const struct katib_config *config,
			int owned);

/* /readyz answers 503 once not ready (shutting down). */
void webhook_set_ready(struct webhook *w, int ready);

/* httpd's handler: pass w as its data. */
void webhook_handle(void *w, const struct httpd_request *req,
		    struct httpd_reply *reply);

/* Counts a finished request: status 0 when none was sent. */
void webhook_observe(struct webhook *w, const char *path, unsigned status,
		     double seconds);
/* Counts a reload of what ("certificate", "katib-config"). */
void webhook_count_reload(struct webhook *w, const char *what, int ok);

/* The metrics in Prometheus' text format.  Caller frees. */
char *webhook_metrics_text(struct webhook *w);

#endif
