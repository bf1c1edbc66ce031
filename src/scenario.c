#include "compat.h"
#include "scenario.h"
#include "admission.h"
#include "alloc.h"
#include "buf.h"
#include "diag.h"
#include "diagnose.h"
#include "doc.h"
#include "doc-json.h"
#include "doc-yaml.h"
#include "http.h"
#include "katib-config.h"
#include "recorded.h"
#include "rule.h"
#include "suggestion-request.h"
#include "validate.h"

#include <sys/stat.h>

/* What a scenario holds, read once. */
struct scenario {
	const char *dir;
	struct doc *expect, *experiment, *review, *sugg_request, *sugg_reply;
	struct katib_config config;
	int own_config;
	enum severity *severities;	/* rules of later releases are off */
	const char *ns, *name;
};

static char *path_in(const char *dir, const char *rel)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "%s/%s", dir, rel);
	return buf_detach(&b, NULL);
}

static int exists(const char *dir, const char *rel)
{
	char *p = path_in(dir, rel);
	struct stat st;
	int ret = !stat(p, &st);

	free(p);
	return ret;
}

int scenario_is(const char *dir)
{
	return exists(dir, "expect.yaml");
}

/* Reads dir/rel; an absent optional file leaves *out NULL. */
static int load(const char *dir, const char *rel, int optional,
		struct doc **out, struct fail *f)
{
	static const struct doc_limits limits = DOC_LIMITS_DEFAULT;
	char *p = path_in(dir, rel);
	int ret = 0;

	*out = NULL;
	if (optional && !exists(dir, rel)) {
		free(p);
		return 0;
	}
	if (doc_load_single(out, p, &limits, f)) {
		ret = -1;
	} else if ((*out)->error) {
		ret = doc_error_fail(*out, f);
		doc_free(*out);
		*out = NULL;
	}
	free(p);
	return ret;
}

static void scenario_release(struct scenario *s)
{
	doc_free(s->expect);
	doc_free(s->experiment);
	doc_free(s->review);
	doc_free(s->sugg_request);
	doc_free(s->sugg_reply);
	if (s->own_config)
		katib_config_release(&s->config);
	free(s->severities);
}

static int scenario_load(struct scenario *s, const char *dir, struct fail *f)
{
	const char *version;
	int minor = KATIB_MINOR_LATEST;

	memset(s, 0, sizeof(*s));
	s->dir = dir;
	if (load(dir, "expect.yaml", 0, &s->expect, f) ||
	    load(dir, "experiment.yaml", 0, &s->experiment, f) ||
	    load(dir, "admission.yaml", 1, &s->review, f) ||
	    load(dir, "suggestion-request.json", 1, &s->sugg_request, f) ||
	    load(dir, "suggestion-reply.json", 1, &s->sugg_reply, f))
		return -1;
	if (!s->expect->root || s->expect->root->kind != DOC_MAP)
		return fail_set(f, FAIL_PROTOCOL, "%s/expect.yaml: not a map", dir);
	version = doc_get_str(s->expect->root, "katibVersion");
	if (version)
		minor = katib_version_parse(version);
	if (minor < 0)
		return fail_set(f, FAIL_PROTOCOL,
				"%s/expect.yaml: unknown katibVersion '%s'", dir, version);
	if (exists(dir, "katib-config.yaml")) {
		char *p = path_in(dir, "katib-config.yaml");
		int ret = katib_config_load(&s->config, p, f);

		free(p);
		if (ret)
			return -1;
		s->own_config = 1;
	} else {
		s->config = katib_config_default;
		if (minor < 19)
			s->config.trial_resources = katib_config_default.trial_resources + 1;
	}
	s->config.minor = minor;
	if (version)
		s->config.version = version;
	s->severities = rule_severities_for(minor);
	s->name = doc_get_str(s->expect->root, "experiment");
	if (!s->name)
		s->name = doc_get_str(doc_get(s->experiment->root, "metadata"), "name");
	s->ns = doc_get_str(s->expect->root, "namespace");
	if (!s->ns)
		s->ns = doc_get_str(doc_get(s->experiment->root, "metadata"), "namespace");
	if (!s->ns)
		s->ns = "default";
	if (!s->name)
		return fail_set(f, FAIL_PROTOCOL,
				"%s: expect.yaml names no experiment and experiment.yaml has no name",
				dir);
	return 0;
}

static struct scenario_check *add_check(struct scenario_result *r,
					const char *what)
{
	struct scenario_check *c;

	ALLOC_GROW(r->checks, r->nr + 1, r->alloc);
	c = &r->checks[r->nr++];
	c->what = xstrdup(what);
	c->ok = 1;
	c->detail = NULL;
	return c;
}

static void check_fail(struct scenario_check *c, struct buf *detail)
{
	c->ok = 0;
	free(c->detail);
	c->detail = buf_detach(detail, NULL);
}

/* "rule at path" lines, sorted, for comparing sets of findings. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct strset {
	char **item;
	size_t nr, alloc;
};

/* Adds "rule at path", or just "rule" when path is NULL. */
static void strset_add(struct strset *s, const char *rule, const char *path)
{
	struct buf t = BUF_INIT;

	buf_adds(&t, rule);
	if (path)
		buf_addf(&t, " at %s", *path ? path : "(document)");
	ALLOC_GROW(s->item, s->nr + 1, s->alloc);
	s->item[s->nr++] = buf_detach(&t, NULL);
}

static void strset_release(struct strset *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		free(s->item[i]);
	free(s->item);
}

/* Appends "a, b, c" to out; "nothing" for an empty set. */
static void strset_join(struct strset *s, struct buf *out)
{
	size_t i;

	if (s->nr > 1)
		qsort(s->item, s->nr, sizeof(*s->item), cmp_str);
	if (!s->nr)
		buf_adds(out, "nothing");
	for (i = 0; i < s->nr; i++)
		buf_addf(out, "%s%s", i ? ", " : "", s->item[i]);
}

/* Compares two sets; on a difference describes it into detail. */
static int strset_same(struct strset *want, struct strset *got,
		       struct buf *detail)
{
	struct buf w = BUF_INIT, g = BUF_INIT;
	int same;

	strset_join(want, &w);
	strset_join(got, &g);
	same = !strcmp(w.buf, g.buf);
	if (!same)
		buf_addf(detail, "expected %s; got %s", w.buf, g.buf);
	else
		buf_adds(detail, g.buf);
	buf_release(&w);
	buf_release(&g);
	return same;
}

static void check_validate(struct scenario *s, struct scenario_result *r)
{
	const struct doc_node *v = doc_get(s->expect->root, "validate"), *c;
	struct diag_list diags = DIAG_LIST_INIT;
	struct scenario_check *chk = add_check(r, "validate");
	struct strset want = { 0 }, got = { 0 };
	struct buf detail = BUF_INIT;
	int64_t want_exit = 0;
	size_t i, errors = 0;
	int ok;

	diags.overrides = s->severities;
	diags.file = "experiment.yaml";
	validate_doc(s->experiment, &s->config, NULL, &diags);
	for (i = 0; i < diags.nr; i++) {
		const struct diag *d = &diags.item[i];

		if (d->severity < SEV_WARNING)
			continue;
		errors += d->severity == SEV_ERROR;
		strset_add(&got, d->rule->id, d->path);
	}
	for (c = doc_get(v, "findings") ? doc_get(v, "findings")->child : NULL; c; c = c->next) {
		const char *path = doc_get_str(c, "path");

		strset_add(&want, doc_get_str(c, "rule") ? doc_get_str(c, "rule") : "?",
			   path ? path : "");
	}
	doc_int(doc_get(v, "exit"), &want_exit);
	ok = strset_same(&want, &got, &detail);
	if (ok && want_exit != (errors ? 1 : 0)) {
		buf_reset(&detail);
		buf_addf(&detail, "expected exit %lld; got exit %d",
			 (long long)want_exit, errors ? 1 : 0);
		ok = 0;
	}
	if (ok)
		chk->detail = buf_detach(&detail, NULL);
	else
		check_fail(chk, &detail);
	buf_release(&detail);
	strset_release(&want);
	strset_release(&got);
	diag_list_release(&diags);
}

static int expect_bool(const struct doc_node *n, int *out)
{
	if (!n || n->kind != DOC_BOOL)
		return -1;
	*out = !strcmp(n->text, "true") || !strcmp(n->text, "True") ||
	       !strcmp(n->text, "TRUE") || !strcmp(n->text, "yes") ||
	       !strcmp(n->text, "on");
	return 0;
}

static void check_admission(struct scenario *s, struct scenario_result *r)
{
	const struct doc_node *ours = doc_lookup(s->expect->root, "admission.ours"), *c;
	struct scenario_check *chk = add_check(r, "admission");
	struct diag_list diags = DIAG_LIST_INIT;
	struct admission_verdict v;
	struct fail f = FAIL_INIT;
	struct strset want = { 0 }, got = { 0 };
	struct buf detail = BUF_INIT;
	int want_allowed = 1;
	size_t i;

	diags.overrides = s->severities;
	if (admission_review(s->review, &s->config, NULL, &diags, &v, &f)) {
		buf_adds(&detail, f.msg);
		check_fail(chk, &detail);
		diag_list_release(&diags);
		return;
	}
	expect_bool(doc_get(ours, "allowed"), &want_allowed);
	for (i = 0; i < diags.nr; i++)
		if (diags.item[i].severity == SEV_ERROR)
			strset_add(&got, diags.item[i].rule->id, NULL);
	for (c = doc_get(ours, "rules") ? doc_get(ours, "rules")->child : NULL; c; c = c->next)
		strset_add(&want, c->text, NULL);
	buf_addf(&detail, "%s", v.allowed ? "allowed" : "denied: ");
	if (want_allowed != v.allowed) {
		buf_reset(&detail);
		buf_addf(&detail, "expected %s; our rules %s", want_allowed ? "allowed" : "denied",
			 v.allowed ? "allow it" : "deny it");
		check_fail(chk, &detail);
	} else if (!v.allowed) {
		struct buf sets = BUF_INIT;

		if (!strset_same(&want, &got, &sets)) {
			buf_reset(&detail);
			buf_addf(&detail, "denied, but by other rules: %s", sets.buf);
			check_fail(chk, &detail);
		} else {
			buf_add(&detail, sets.buf, sets.len);
		}
		buf_release(&sets);
	}
	if (chk->ok)
		chk->detail = buf_detach(&detail, NULL);
	buf_release(&detail);
	strset_release(&want);
	strset_release(&got);
	admission_verdict_release(&v);
	diag_list_release(&diags);
}

/* The recorded answer of Katib's own webhook is what the scenario says. */
static void check_katib_admission(struct scenario *s, struct scenario_result *r)
{
	const struct doc_node *katib = doc_lookup(s->expect->root, "admission.katib");
	struct scenario_check *chk = add_check(r, "admission (Katib, recorded)");
	struct admission_verdict v;
	struct fail f = FAIL_INIT;
	struct buf detail = BUF_INIT;
	int want = 1;

	if (admission_recorded_verdict(s->review, &v, &f)) {
		buf_adds(&detail, f.msg);
		check_fail(chk, &detail);
		return;
	}
	expect_bool(doc_get(katib, "allowed"), &want);
	if (want != v.allowed) {
		buf_addf(&detail, "expect.yaml says Katib %s it; the recording says %s",
			 want ? "allowed" : "denied", v.allowed ? "allowed" : "denied");
		check_fail(chk, &detail);
	} else {
		buf_addf(&detail, "Katib %s %s", s->config.version ? s->config.version : "",
			 v.allowed ? "allowed it" : "denied it");
		chk->detail = buf_detach(&detail, NULL);
	}
	admission_verdict_release(&v);
}

/* The AdmissionReview with only its request, as an API server sends it. */
static char *request_json(const struct doc *review)
{
	struct buf b = BUF_INIT;
	char *req = doc_to_json(doc_get(review->root, "request"));

	buf_addf(&b, "{\"apiVersion\":\"%s\",\"kind\":\"AdmissionReview\",\"request\":%s}",
		 doc_get_str(review->root, "apiVersion"), req);
	free(req);
	return buf_detach(&b, NULL);
}

static void check_webhook(struct scenario *s, const struct scenario_opts *o,
			  struct scenario_result *r)
{
	static const struct doc_limits limits = DOC_LIMITS_DEFAULT;
	struct scenario_check *chk = add_check(r, "webhook");
	struct http_response resp = { 0 };
	struct admission_verdict rec, live;
	struct fail f = FAIL_INIT;
	struct buf detail = BUF_INIT;
	struct doc_reader *rd;
	struct doc *d = NULL;
	char *body = request_json(s->review);

	memset(&live, 0, sizeof(live));
	if (admission_recorded_verdict(s->review, &rec, &f)) {
		buf_adds(&detail, f.msg);
		goto fail;
	}
	if (http_request(o->webhook, "POST", o->webhook_url, "application/json",
			 body, strlen(body), &resp, &f)) {
		buf_addf(&detail, "%s: %s", o->webhook_url, f.msg);
		goto fail;
	}
	if (resp.status != 200) {
		buf_addf(&detail, "%s answered HTTP %ld", o->webhook_url, resp.status);
		goto fail;
	}
	doc_reader_open_mem(&rd, o->webhook_url, resp.body.buf, resp.body.len, &limits);
	if (doc_reader_next(rd, &d, &f) <= 0 || d->error ||
	    admission_recorded_verdict(d, &live, &f)) {
		buf_addf(&detail, "%s did not answer with an AdmissionReview response", o->webhook_url);
		doc_reader_free(rd);
		goto fail;
	}
	doc_reader_free(rd);
	if (live.allowed != rec.allowed ||
	    strcmp(live.message ? live.message : "", rec.message ? rec.message : "")) {
		buf_addf(&detail, "recorded: %s%s%s; the webhook: %s%s%s",
			 rec.allowed ? "allowed" : "denied",
			 rec.message ? ": " : "", rec.message ? rec.message : "",
			 live.allowed ? "allowed" : "denied",
			 live.message ? ": " : "", live.message ? live.message : "");
		goto fail;
	}
	buf_addf(&detail, "the webhook %s it, as recorded", live.allowed ? "allows" : "denies");
	chk->detail = buf_detach(&detail, NULL);
	goto out;
fail:
	check_fail(chk, &detail);
out:
	buf_release(&detail);
	buf_release(&resp.body);
	admission_verdict_release(&rec);
	admission_verdict_release(&live);
	doc_free(d);
	free(body);
}

static void check_suggestion(struct scenario *s, struct scenario_result *r)
{
	const char *want_code = doc_lookup(s->expect->root, "suggestion.code")
		? doc_get_str(doc_get(s->expect->root, "suggestion"), "code") : NULL;
	struct scenario_check *chk = add_check(r, "suggestion");
	struct suggestion_reply got, rec;
	struct fail f = FAIL_INIT;
	struct buf detail = BUF_INIT;

	memset(&rec, 0, sizeof(rec));
	if (!s->sugg_reply) {
		buf_adds(&detail, "suggestion-request.json has no suggestion-reply.json beside it");
		check_fail(chk, &detail);
		return;
	}
	if (suggestion_request_predict(s->sugg_request, &s->config, &got, &f) ||
	    suggestion_reply_read(s->sugg_reply, &rec, &f)) {
		buf_adds(&detail, f.msg);
		check_fail(chk, &detail);
		suggestion_reply_release(&got);
		return;
	}
	if (got.code != rec.code || strcmp(got.details, rec.details)) {
		buf_addf(&detail, "recorded %s \"%s\"; predicted %s \"%s\"",
			 grpc_code_name(rec.code), rec.details,
			 grpc_code_name(got.code), got.details);
		check_fail(chk, &detail);
	} else if (want_code && strcmp(want_code, grpc_code_name(got.code))) {
		buf_addf(&detail, "expect.yaml says %s; the recording says %s",
			 want_code, grpc_code_name(rec.code));
		check_fail(chk, &detail);
	} else {
		buf_addf(&detail, "%s%s%s", grpc_code_name(got.code),
			 *got.details ? ": " : "", got.details);
		chk->detail = buf_detach(&detail, NULL);
	}
	buf_release(&detail);
	suggestion_reply_release(&got);
	suggestion_reply_release(&rec);
}

static void check_explain(struct scenario *s, struct scenario_result *r)
{
	const char *want = doc_get_str(doc_get(s->expect->root, "explain"), "diagnosis");
	struct scenario_check *chk = add_check(r, "explain");
	struct diagnosis_list list = { 0 };
	struct recorded rec;
	struct snapshot snap;
	struct fail f = FAIL_INIT;
	struct buf detail = BUF_INIT;
	char *dir = path_in(s->dir, "cluster");

	if (recorded_load(&rec, dir, &f)) {
		buf_adds(&detail, f.msg);
		check_fail(chk, &detail);
		free(dir);
		return;
	}
	if (snapshot_from_recorded(&rec, s->ns, s->name, &snap, &f)) {
		buf_adds(&detail, f.msg);
		check_fail(chk, &detail);
	} else {
		diagnose(&snap, &s->config, &list);
		if (!list.nr || !want || strcmp(list.item[0].id, want)) {
			buf_addf(&detail, "expected diagnosis %s; got %s", want ? want : "(none)",
				 list.nr ? list.item[0].id : "none");
			check_fail(chk, &detail);
		} else {
			buf_addf(&detail, "%s", want);
			chk->detail = buf_detach(&detail, NULL);
		}
		diagnosis_list_release(&list);
		snapshot_release(&snap);
	}
	buf_release(&detail);
	recorded_release(&rec);
	free(dir);
}

char *scenario_name(const char *dir)
{
	size_t len = strlen(dir);
	const char *base;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	for (base = dir + len; base > dir && base[-1] != '/'; base--)
		;
	return xstrndup(base, (size_t)(dir + len - base));
}

int scenario_replay(const char *dir, const struct scenario_opts *opts,
		    struct scenario_result *out, struct fail *f)
{
	struct scenario s;

	memset(out, 0, sizeof(*out));
	out->name = scenario_name(dir);
	if (scenario_load(&s, dir, f)) {
		scenario_release(&s);
		return -1;
	}
	check_validate(&s, out);
	if (s.review) {
		check_admission(&s, out);
		check_katib_admission(&s, out);
		if (opts && opts->webhook_url)
			check_webhook(&s, opts, out);
	}
	if (s.sugg_request)
		check_suggestion(&s, out);
	if (exists(dir, "cluster"))
		check_explain(&s, out);
	scenario_release(&s);
	return 0;
}

void scenario_result_release(struct scenario_result *r)
{
	size_t i;

	for (i = 0; i < r->nr; i++) {
		free(r->checks[i].what);
		free(r->checks[i].detail);
	}
	free(r->checks);
	free(r->name);
	memset(r, 0, sizeof(*r));
}
