/*
 * cmd-validate.c: `kubectl katib validate`.
 */
#include "compat.h"
#include "cmd.h"
#include "admission.h"
#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "doc-yaml.h"
#include "katib-config.h"
#include "lint-config.h"
#include "manifests.h"
#include "cluster.h"
#include "doc.h"
#include "experiment.h"
#include "fix.h"
#include "http.h"
#include "kube.h"
#include "output.h"
#include "re.h"
#include "rule.h"
#include "suggestion-request.h"
#include "textdiff.h"
#include "validate.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <sys/stat.h>
#include <unistd.h>

struct validate_run {
	struct output out;
	struct katib_config config;
	/* With --cluster-facts: */
	struct kube_config kube_cfg;
	struct kube_client *kube;
	struct namespace_fact *ns_facts;
	size_t nr_ns, alloc_ns;
	struct config_map_fact *cm_facts;
	size_t nr_cm, alloc_cm;
	struct cluster_facts facts;
	int cluster_failed;
	struct doc_limits limits;
	struct diag_list diags;
	enum severity *severities;
	unsigned files, documents, experiments;
	unsigned errors, warnings, infos;
	unsigned istio_warnings;
	int unreadable;
	/* --fix and --diff */
	int fix, diff;
	unsigned fixes, fixed_files;
	struct manifest_walk walk;
};

/* A positive count, with an optional K, M or G (binary) suffix. */
static int parse_limit(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || !v)
		return -1;
	if (*end == 'K' || *end == 'M' || *end == 'G') {
		int shift = *end == 'K' ? 10 : *end == 'M' ? 20 : 30;

		if (v > (UINT64_MAX >> shift))
			return -1;
		v <<= shift;
		end++;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

static int list_rules(void)
{
	size_t i;

	for (i = 0; i < nr_rules; i++)
		printf("%-38s %-8s %s\n", rules[i].id,
		       severity_name(rules[i].severity), rules[i].summary);
	return STATUS_OK;
}

static int set_rule(struct validate_run *run, const char *spec, int off,
		    unsigned char *explicit_rule)
{
	const char *eq = off ? NULL : strchr(spec, '=');
	char id[128];
	size_t n = eq ? (size_t)(eq - spec) : strlen(spec);
	const struct rule *r;
	enum severity sev = SEV_OFF;

	if (!off && !eq)
		return usage_error("validate", "--rule needs ID=SEVERITY, not '%s'", spec);
	if (n >= sizeof(id))
		return usage_error("validate", "unknown rule '%s'", spec);
	memcpy(id, spec, n);
	id[n] = '\0';
	r = rule_find(id);
	if (!r) {
		usage_error("validate", "unknown rule '%s'", id);
		hint_msg("'kubectl katib validate --list-rules' lists them");
		return STATUS_USAGE;
	}
	if (eq && severity_parse(eq + 1, &sev))
		return usage_error("validate",
				   "unknown severity '%s' (use error, warning, info or off)",
				   eq + 1);
	run->severities[rule_index(r)] = sev;
	explicit_rule[rule_index(r)] = 1;
	return 0;
}

static void tally(struct validate_run *run)
{
	size_t i;

	run->errors += run->diags.count[SEV_ERROR];
	run->warnings += run->diags.count[SEV_WARNING];
	run->infos += run->diags.count[SEV_INFO];
	for (i = 0; i < run->diags.nr; i++)
		if (run->diags.item[i].severity == SEV_WARNING &&
		    !strcmp(run->diags.item[i].rule->id, "istio-sidecar-not-disabled"))
			run->istio_warnings++;
}

/* Learns what validation needs about namespace ns, once per namespace. */
static void fetch_namespace(void *data, const char *ns)
{
	struct validate_run *run = data;
	struct namespace_fact *nf;
	struct fail f = FAIL_INIT;
	struct doc *d = NULL;
	char *e;
	size_t i;
	char path[512];

	for (i = 0; i < run->nr_ns; i++)
		if (!strcmp(run->ns_facts[i].name, ns))
			return;
	if (run->cluster_failed)
		return;
	e = http_escape(ns);
	snprintf(path, sizeof(path), "/api/v1/namespaces/%s", e);
	free(e);
	ALLOC_GROW(run->ns_facts, run->nr_ns + 1, run->alloc_ns);
	nf = &run->ns_facts[run->nr_ns];
	memset(nf, 0, sizeof(*nf));
	if (kube_get(run->kube, path, &d, &f)) {
		if (f.http_status != 404) {
			error_msg("%s", f.msg);
			run->cluster_failed = 1;
			return;
		}
	} else {
		const struct doc_node *labels = doc_lookup(d->root, "metadata.labels");
		const char *v = doc_get_str(labels, "katib.kubeflow.org/metrics-collector-injection");
		const char *istio = doc_get_str(labels, "istio-injection");

		nf->exists = 1;
		nf->katib_enabled = v && !strcmp(v, "enabled");
		nf->istio = (istio && !strcmp(istio, "enabled")) ||
			    doc_get(labels, "istio.io/rev") != NULL;
		doc_free(d);
	}
	nf->name = xstrdup(ns);
	run->nr_ns++;
}

static int add_item_name(void *data, const struct doc_node *item)
{
	struct buf *names = data;
	const char *name = doc_str(doc_lookup(item, "metadata.name"));
	char *copy;

	if (name) {
		copy = xstrdup(name);
		buf_add(names, &copy, sizeof(copy));
	}
	return 0;
}

/*
 * The names of the ConfigMaps the list at path holds, NULL-terminated, for
 * "did you mean"; NULL when they cannot be listed (a user may read one
 * ConfigMap without the right to list them all).
 */
static const char *const *config_map_names(struct kube_client *kube, const char *path)
{
	struct buf names = BUF_INIT;
	struct fail f = FAIL_INIT;
	char *end = NULL;
	size_t n;

	if (kube_list(kube, path, NULL, NULL, add_item_name, &names, NULL, &f)) {
		n = names.len / sizeof(char *);
		while (n--)
			free(((char **)names.buf)[n]);
		buf_release(&names);
		return NULL;
	}
	buf_add(&names, &end, sizeof(end));
	return (const char *const *)buf_detach(&names, NULL);
}

static void free_names(const char *const *names)
{
	size_t i;

	for (i = 0; names && names[i]; i++)
		free((char *)names[i]);
	free((char **)names);
}

/*
 * Learns whether the ConfigMap ns/name exists and which keys its data has,
 * once per ConfigMap: Katib's webhook reads the trial template from it.
 */
static void fetch_config_map(void *data, const char *ns, const char *name)
{
	struct validate_run *run = data;
	struct config_map_fact *cf;
	struct fail f = FAIL_INIT;
	struct doc *d = NULL;
	char *ens, *ename;
	char path[1024];
	size_t i;

	for (i = 0; i < run->nr_cm; i++)
		if (!strcmp(run->cm_facts[i].namespace, ns) &&
		    !strcmp(run->cm_facts[i].name, name))
			return;
	if (run->cluster_failed)
		return;
	ens = http_escape(ns);
	ename = http_escape(name);
	snprintf(path, sizeof(path), "/api/v1/namespaces/%s/configmaps/%s", ens, ename);
	free(ename);
	ALLOC_GROW(run->cm_facts, run->nr_cm + 1, run->alloc_cm);
	cf = &run->cm_facts[run->nr_cm];
	memset(cf, 0, sizeof(*cf));
	if (kube_get(run->kube, path, &d, &f)) {
		if (f.http_status != 404) {
			error_msg("%s", f.msg);
			free(ens);
			run->cluster_failed = 1;
			return;
		}
		snprintf(path, sizeof(path), "/api/v1/namespaces/%s/configmaps", ens);
		cf->siblings = config_map_names(run->kube, path);
	} else {
		const struct doc_node *c, *cmdata = doc_get_kind(d->root, "data", DOC_MAP);
		/* NULL-terminated, for nearest_word(). */
		const char **keys = xcalloc((cmdata ? cmdata->nr_children : 0) + 1, sizeof(*keys));
		size_t n = 0;

		for (c = cmdata ? cmdata->child : NULL; c; c = c->next)
			keys[n++] = xstrndup(c->key, c->key_len);
		cf->exists = 1;
		cf->keys = keys;
		cf->nr_keys = n;
		doc_free(d);
	}
	free(ens);
	cf->namespace = xstrdup(ns);
	cf->name = xstrdup(name);
	run->nr_cm++;
}

/* Fetches what the Experiments under root need from the cluster. */
static void fetch_facts(struct validate_run *run, const struct doc_node *root)
{
	validate_config_maps(root, fetch_config_map, run);
	run->facts.namespaces = run->ns_facts;
	run->facts.nr_namespaces = run->nr_ns;
	run->facts.config_maps = run->cm_facts;
	run->facts.nr_config_maps = run->nr_cm;
}

/* The katib-config the cluster runs with; the default one if it has none. */
static int fetch_katib_config(struct validate_run *run, const char *katib_ns)
{
	struct fail f = FAIL_INIT;
	struct doc *d = NULL;
	const char *text;
	char path[512], name[600];
	char *e = http_escape(katib_ns);

	snprintf(path, sizeof(path), "/api/v1/namespaces/%s/configmaps/katib-config", e);
	free(e);
	if (kube_get(run->kube, path, &d, &f)) {
		if (f.http_status == 404) {
			warning_msg("no ConfigMap katib-config in namespace '%s'; checking against a default install's",
				    katib_ns);
			return 1;
		}
		error_msg("%s", f.msg);
		return -1;
	}
	text = doc_get_str(doc_get(d->root, "data"), "katib-config.yaml");
	if (!text) {
		warning_msg("the katib-config ConfigMap has no key katib-config.yaml; checking against a default install's");
		doc_free(d);
		return 1;
	}
	snprintf(name, sizeof(name), "katib-config in namespace %s", katib_ns);
	if (katib_config_load_text(&run->config, name, text, strlen(text), &f)) {
		error_msg("%s", f.msg);
		doc_free(d);
		return -1;
	}
	doc_free(d);
	return 0;
}

/* The whole of the regular file fp, up to max bytes. */
static int read_all(FILE *fp, uint64_t max, struct buf *out)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (max && out->len + n > max) {
			errno = EFBIG;
			return -1;
		}
		buf_add(out, chunk, n);
	}
	return ferror(fp) ? -1 : 0;
}

/* --fix: applies the certain fixes to path, or with --diff shows them. */
static void fix_file(struct validate_run *run, const char *path)
{
	struct buf in = BUF_INIT, fixed = BUF_INIT, diff = BUF_INIT;
	struct fix_run fr = FIX_RUN_INIT;
	char real[PATH_MAX];
	struct stat st;
	FILE *fp;
	size_t i;

	/* A symlink stays one: the file it names is what changes. */
	if (!realpath(path, real) || !(fp = fopen(real, "rb"))) {
		error_msg("cannot read '%s': %s", path, strerror(errno));
		run->unreadable = 1;
		return;
	}
	if (fstat(fileno(fp), &st) || !S_ISREG(st.st_mode) ||
	    read_all(fp, run->limits.max_file_bytes, &in)) {
		error_msg("cannot read '%s': %s", path,
			  S_ISREG(st.st_mode) ? strerror(errno) : "not a regular file");
		fclose(fp);
		run->unreadable = 1;
		buf_release(&in);
		return;
	}
	fclose(fp);
	fix_text(path, in.buf, in.len, &run->config, &run->limits, &run->diags,
		 &fixed, &fr);
	if (fr.nr && run->diff) {
		struct buf a = BUF_INIT, b = BUF_INIT;

		buf_addf(&a, "a/%s", path);
		buf_addf(&b, "b/%s", path);
		textdiff_unified(in.buf, in.len, fixed.buf, fixed.len, a.buf,
				 b.buf, &diff);
		fwrite(diff.buf, 1, diff.len, stdout);
		buf_release(&a);
		buf_release(&b);
	} else if (fr.nr) {
		if (write_file_atomically(real, st.st_mode & 07777, fixed.buf, fixed.len)) {
			error_msg("cannot write '%s': %s", path, strerror(errno));
			run->unreadable = 1;
			goto out;
		}
		for (i = 0; i < fr.nr; i++) {
			printf("%s:%u:%u: fixed [%s]: ", path, fr.done[i].at.line,
			       fr.done[i].at.col, fr.done[i].rule_id);
			puts_safe(stdout, fr.done[i].what);
			putchar('\n');
		}
	}
	if (fr.nr) {
		run->fixes += fr.nr;
		run->fixed_files++;
	}
out:
	fix_run_release(&fr);
	buf_release(&in);
	buf_release(&fixed);
	buf_release(&diff);
}

static int validate_stream(struct validate_run *run, const char *path,
			   const char *name, int named)
{
	unsigned experiments = run->experiments;
	int unreadable = run->unreadable;
	struct doc_reader *r;
	struct fail f = FAIL_INIT;
	struct doc *d;
	int ret;

	if (run->fix) {
		fix_file(run, path);
		if (run->diff)
			return 0;
	}
	if (doc_reader_open(&r, path, name, &run->limits, &f)) {
		error_msg("%s", f.msg);
		run->unreadable = 1;
		return 0;
	}
	run->files++;
	while ((ret = doc_reader_next(r, &d, &f)) > 0) {
		enum validate_result res;

		run->documents++;
		run->diags.file = name;
		run->diags.document = d->index;
		if (run->kube) {
			validate_namespaces(d, run->facts.default_namespace,
					    fetch_namespace, run);
			fetch_facts(run, d->root);
		}
		if (run->cluster_failed) {
			doc_free(d);
			break;
		}
		res = validate_doc(d, &run->config, run->kube ? &run->facts : NULL,
				   &run->diags);
		if (res == VALIDATE_CHECKED)
			run->experiments++;
		else if (res == VALIDATE_UNREADABLE)
			run->unreadable = 1;
		diag_sort(&run->diags);
		output_findings(&run->out, &run->diags, d, res != VALIDATE_SKIPPED);
		tally(run);
		diag_list_clear(&run->diags);
		doc_free(d);
	}
	if (ret < 0) {
		error_msg("%s", f.msg);
		run->unreadable = 1;
	}
	doc_reader_free(r);
	/*
	 * A file named on the command line was meant to hold an Experiment:
	 * "0 Experiments" alone reads like a pass.  A directory's other
	 * manifests are passed over quietly.
	 */
	if (named && run->experiments == experiments &&
	    run->unreadable == unreadable)
		warning_msg("%s: no Katib Experiment in this file (kind: Experiment, apiVersion: kubeflow.org/v1beta1); nothing was checked",
			    name);
	return 0;
}

/* One file of the walk (manifests.h). */
static void validate_walked(struct manifest_walk *w, const char *path,
			    int named)
{
	validate_stream(w->data, path, path, named);
}

/* Each directory is read once over all the paths of the command line. */
static void validate_path(struct validate_run *run, const char *path)
{
	run->walk.file = validate_walked;
	run->walk.data = run;
	manifest_walk(&run->walk, path);
	if (run->walk.unreadable)
		run->unreadable = 1;
}

/* --admission-review: the AdmissionReview response on stdout. */
static int answer_review(struct validate_run *run, const char *path)
{
	struct fail f = FAIL_INIT;
	struct admission_verdict v;
	struct doc *d;
	char *json;
	int allowed;

	if (doc_load_single(&d, path, &run->limits, &f)) {
		error_msg("%s", f.msg);
		return STATUS_USAGE;
	}
	run->diags.file = path;
	/*
	 * Katib's webhook reads the trial template's ConfigMap while it
	 * judges; with --cluster-facts so do we.
	 */
	if (run->kube) {
		fetch_facts(run, doc_lookup(d->root, "request.object"));
		if (run->cluster_failed) {
			doc_free(d);
			return STATUS_RUNTIME;
		}
	}
	if (admission_review(d, &run->config, run->kube ? &run->facts : NULL,
			     &run->diags, &v, &f)) {
		error_msg("%s", f.msg);
		doc_free(d);
		return STATUS_USAGE;
	}
	json = admission_response_json(&v);
	printf("%s\n", json);
	free(json);
	allowed = v.allowed;
	admission_verdict_release(&v);
	doc_free(d);
	return allowed ? STATUS_OK : STATUS_FINDINGS;
}

/* --suggestion-request: the predicted gRPC reply on stdout. */
static int answer_suggestion_request(struct validate_run *run, const char *path)
{
	struct fail f = FAIL_INIT;
	struct suggestion_reply r;
	struct doc *d;
	int ok;

	if (doc_load_single(&d, path, &run->limits, &f)) {
		error_msg("%s", f.msg);
		return STATUS_USAGE;
	}
	if (suggestion_request_predict(d, &run->config, &r, &f)) {
		error_msg("%s", f.msg);
		doc_free(d);
		return STATUS_USAGE;
	}
	if (run->out.format == OUTPUT_JSON) {
		char *json = suggestion_reply_json(&r);

		printf("%s\n", json);
		free(json);
	} else {
		struct buf effect = BUF_INIT;

		printf("%s (%s service): %s\n", strrchr(r.method, '/') + 1,
		       r.service, grpc_code_name(r.code));
		/* The details quote the request: never a terminal's escape. */
		if (*r.details) {
			fputs("  ", stdout);
			puts_safe(stdout, r.details);
			putchar('\n');
		}
		suggestion_reply_effect(&r, &effect);
		fputs("Katib: ", stdout);
		puts_safe(stdout, effect.buf);
		putchar('\n');
		buf_release(&effect);
	}
	ok = r.code == GRPC_OK;
	suggestion_reply_release(&r);
	doc_free(d);
	return ok ? STATUS_OK : STATUS_FINDINGS;
}

enum {
	OPT_RULE = 256, OPT_DISABLE, OPT_LIST, OPT_NO_EXCERPT, OPT_COLOR,
	OPT_MAX_FILE, OPT_MAX_DOC, OPT_MAX_DEPTH, OPT_MAX_NODES,
	OPT_MAX_ALIAS, OPT_MAX_SCALAR, OPT_MAX_DOCS, OPT_STRICT, OPT_ISTIO,
	OPT_NO_ISTIO,
	OPT_KATIB_CONFIG, OPT_KATIB_VERSION, OPT_KUBE_VERSION, OPT_CONFIG, OPT_NO_CONFIG,
	OPT_CLUSTER_FACTS, OPT_KATIB_NS, OPT_ADMISSION, OPT_SUGGESTION,
	OPT_FIX, OPT_DIFF,
};

static const char *const colors[] = { "auto", "always", "never", NULL };

static int complete_rule_severity(const char *word)
{
	const char *eq = strchr(word, '=');
	size_t i;
	static const enum severity all[] = { SEV_ERROR, SEV_WARNING, SEV_INFO,
					     SEV_OFF };

	if (!eq)
		return complete_rule_ids(word, "=") | COMPLETE_DIRECTIVE_NO_SPACE;
	for (i = 0; i < ARRAY_SIZE(all); i++)
		complete_wordf("%.*s%s", (int)(eq + 1 - word), word,
			       severity_name(all[i]));
	return COMPLETE_DIRECTIVE_NO_FILES;
}

static int complete_disable(const char *word)
{
	return complete_rule_ids(word, "");
}

int complete_katib_version(const char *word)
{
	int minor;

	(void)word;
	for (minor = KATIB_MINOR_LATEST; minor >= KATIB_MINOR_OLDEST; minor--)
		complete_wordf("v0.%d", minor);
	return COMPLETE_DIRECTIVE_NO_FILES;
}

const struct cmd_option validate_options[] = {
	OPT_VALUE("filename", 'f', 'f', COMPLETE_MANIFEST, "FILE",
		  "a file, directory or '-' to validate (repeatable)"),
	OPT_WORDS("output", 'o', 'o', output_format_names, "FORMAT",
		  "text (default), json, sarif (code scanning),\n"
		  "github (Actions annotations) or junit"),
	OPT_FN("rule", 0, OPT_RULE, complete_rule_severity, "ID=SEVERITY",
	       "set a rule's severity: error, warning, info or off"),
	OPT_FN("disable", 0, OPT_DISABLE, complete_disable, "ID",
	       "turn a rule off (same as --rule ID=off)"),
	OPT_FLAG("list-rules", 0, OPT_LIST,
		 "list every rule with its severity and summary"),
	OPT_FLAG("no-excerpt", 0, OPT_NO_EXCERPT,
		 "do not quote the source line under a finding"),
	OPT_WORDS("color", 0, OPT_COLOR, colors, "WHEN",
		  "auto (default), always or never"),
	OPT_FLAG("quiet", 'q', 'q', "do not print the summary line"),
	OPT_VALUE("max-file-bytes", 0, OPT_MAX_FILE, COMPLETE_NOTHING, "N",
		  "bytes in one input stream (default 256 MiB)"),
	OPT_VALUE("max-doc-bytes", 0, OPT_MAX_DOC, COMPLETE_NOTHING, "N",
		  "bytes in one document (default 16 MiB)"),
	OPT_VALUE("max-depth", 0, OPT_MAX_DEPTH, COMPLETE_NOTHING, "N",
		  "nesting of maps and lists (default 200)"),
	OPT_VALUE("max-nodes", 0, OPT_MAX_NODES, COMPLETE_NOTHING, "N",
		  "values in one document (default 500000)"),
	OPT_VALUE("max-alias-nodes", 0, OPT_MAX_ALIAS, COMPLETE_NOTHING, "N",
		  "values copied through YAML aliases (default 50000)"),
	OPT_VALUE("max-scalar-bytes", 0, OPT_MAX_SCALAR, COMPLETE_NOTHING, "N",
		  "bytes in one value (default 4 MiB)"),
	OPT_VALUE("max-docs", 0, OPT_MAX_DOCS, COMPLETE_NOTHING, "N",
		  "documents in one stream (default 1000000)"),
	OPT_FLAG("strict", 0, OPT_STRICT,
		 "report warnings as errors (they then fail the run)"),
	OPT_FLAG("istio", 0, OPT_ISTIO,
		 "trial pods run where Istio injects sidecars: a\n"
		 "missing opt-out is an error, not a warning"),
	OPT_FLAG("no-istio", 0, OPT_NO_ISTIO,
		 "the cluster has no Istio: no warning about the\n"
		 "sidecar opt-out (.katib-lint.yaml: istio: false)"),
	OPT_VALUE("katib-config", 0, OPT_KATIB_CONFIG, COMPLETE_MANIFEST, "FILE",
		  "the katib-config of the target cluster (a KatibConfig\n"
		  "or the katib-config ConfigMap) instead of a default\n"
		  "install's"),
	OPT_FN("katib-version", 0, OPT_KATIB_VERSION, complete_katib_version, "V",
	       "behave like Katib release V (v0.15 to v0.19; default\n"
	       "v0.19)"),
	OPT_VALUE("kubernetes-version", 0, OPT_KUBE_VERSION, COMPLETE_NOTHING, "V",
		  "judge pod templates as Kubernetes V's API server does\n"
		  "(1.20 and later; default: a current release)"),
	OPT_VALUE("config", 0, OPT_CONFIG, COMPLETE_MANIFEST, "FILE",
		  "read settings from FILE instead of the first\n"
		  ".katib-lint.yaml found from here upwards"),
	OPT_FLAG("no-config", 0, OPT_NO_CONFIG, "read no settings file"),
	OPT_FLAG("cluster-facts", 0, OPT_CLUSTER_FACTS,
		 "read the katib-config, each Experiment's namespace\n"
		 "and its trial template's ConfigMap from the cluster\n"
		 "(with the options below)"),
	OPT_VALUE("katib-namespace", 0, OPT_KATIB_NS, COMPLETE_NOTHING, "NS",
		  "where Katib runs (default kubeflow)"),
	OPT_VALUE("admission-review", 0, OPT_ADMISSION, COMPLETE_MANIFEST, "FILE",
		  "answer an AdmissionReview request ('-': stdin)"),
	OPT_VALUE("suggestion-request", 0, OPT_SUGGESTION, COMPLETE_MANIFEST, "FILE",
		  "predict a suggestion service's validation reply"),
	OPT_FLAG("fix", 0, OPT_FIX,
		 "apply the fixes whose result is certain to the files,\n"
		 "keeping comments, quoting and indentation, and print\n"
		 "each; then report what is left"),
	OPT_FLAG("diff", 0, OPT_DIFF,
		 "with --fix: print the changes as a unified diff and\n"
		 "change nothing (exit 1 when there are any)"),
	OPT_FLAG("help", 'h', 'h', "show this help"),
	CLUSTER_OPTIONS,
	OPT_END,
};

static const struct help_item validate_main_items[] = {
	HELP_ITEM("filename"),
	HELP_ITEM("fix"),
	HELP_ITEM("diff"),
	HELP_ITEM("admission-review"),
	HELP_ITEM("suggestion-request"),
	HELP_ITEM("output"),
	HELP_ITEM("rule"),
	HELP_ITEM("disable"),
	HELP_ITEM("katib-config"),
	HELP_ITEM("katib-version"),
	HELP_ITEM("kubernetes-version"),
	HELP_ITEM("cluster-facts"),
	/* The cluster options only serve --cluster-facts here. */
	{ "kubeconfig", NULL, "with --cluster-facts: the kubeconfig to use" },
	{ "context cluster user", "--context NAME",
	  "... its context, --cluster NAME, --user NAME" },
	{ "namespace", NULL, "... the namespace of Experiments that name none" },
	{ "request-timeout", NULL, "... for each request (30s, 1m, 500ms)" },
	HELP_ITEM("v"),
	HELP_ITEM("katib-namespace"),
	HELP_ITEM("strict"),
	HELP_ITEM("config"),
	HELP_ITEM("no-config"),
	HELP_ITEM("istio"),
	HELP_ITEM("no-istio"),
	HELP_ITEM("list-rules"),
	HELP_ITEM("no-excerpt"),
	HELP_ITEM("color"),
	HELP_ITEM("quiet"),
	HELP_ITEM_END,
};

static const struct help_item validate_limit_items[] = {
	HELP_ITEM("max-file-bytes"),
	HELP_ITEM("max-doc-bytes"),
	HELP_ITEM("max-depth"),
	HELP_ITEM("max-nodes"),
	HELP_ITEM("max-alias-nodes"),
	HELP_ITEM("max-scalar-bytes"),
	HELP_ITEM("max-docs"),
	HELP_ITEM("help"),
	HELP_ITEM_END,
};

static const struct help_section validate_sections[] = {
	{ HELP_TEXT, NULL,
	  "Check Katib Experiments offline, before you submit them: everything\n"
	  "Katib's admission webhook rejects, at the line and field where it is.\n"
	  "Directories are searched recursively for *.yaml, *.yml and *.json;\n"
	  "'-' reads standard input.  Documents that are not Experiments are\n"
	  "skipped.", NULL },
	{ HELP_TEXT, NULL,
	  "With --admission-review, judge an admission.k8s.io/v1 AdmissionReview\n"
	  "request as Katib's validating webhook receives it, and print the\n"
	  "AdmissionReview response these rules give (exit 1 when it denies).\n"
	  "An UPDATE with oldObject is judged by what it changes in the spec.\n"
	  "With --suggestion-request, predict the reply of the suggestion or\n"
	  "early-stopping service to a ValidateAlgorithmSettingsRequest or\n"
	  "ValidateEarlyStoppingSettingsRequest in protobuf JSON (exit 1 unless OK).",
	  NULL },
	{ HELP_OPTIONS, "Options:", NULL, validate_main_items },
	{ HELP_OPTIONS, "Limits (hostile or broken input is refused, not expanded):",
	  NULL, validate_limit_items },
	{ HELP_EXIT, NULL,
	  "Exit status: 0 no errors, 1 errors found, 2 usage error or unreadable\n"
	  "input, 3 could not run.", NULL },
	{ HELP_EXAMPLES, "Examples:",
	  "kubectl katib validate experiment.yaml\n"
	  "kubectl katib validate -o json manifests/\n"
	  "kubectl katib validate --fix --diff experiment.yaml\n"
	  "helm template . | kubectl katib validate -\n"
	  "kubectl katib validate --admission-review review.json\n"
	  "kubectl katib validate --suggestion-request request.json -o json", NULL },
	{ HELP_END, NULL, NULL, NULL },
};

const struct cmd_help validate_help = {
	.name = "validate",
	.synopsis = "validate [options] [-f] FILE|DIR|- ...\n"
		    "validate --fix [--diff] [options] FILE|DIR ...\n"
		    "validate [options] --admission-review FILE|-\n"
		    "validate [options] --suggestion-request FILE|-",
	.options = validate_options,
	.column = 27,
	.sections = validate_sections,
};

int cmd_validate(int argc, char **argv)
{
	struct getopt_tables opt;
	static const struct doc_limits default_limits = DOC_LIMITS_DEFAULT;
	struct validate_run run;
	const char **paths = NULL;
	uint64_t n;
	size_t nr_paths = 0, alloc_paths = 0, i;
	int c, quiet = 0, strict = 0, status = STATUS_OK;
	enum istio_setting istio = ISTIO_UNKNOWN;
	int minor = KATIB_MINOR_LATEST, kube_minor = 0, loaded_config = 0;
	const char *version = NULL, *config_path = NULL, *lint_path = NULL;
	int no_lint_config = 0, cluster_facts = 0;
	struct lint_config lint;
	struct cluster_opts copts;
	const char *katib_ns = "kubeflow";
	const char *review_path = NULL, *request_path = NULL;
	unsigned char *explicit_rule;
	const char *color = "auto";

	memset(&run, 0, sizeof(run));
	memset(&lint, 0, sizeof(lint));
	memset(&copts, 0, sizeof(copts));
	run.out.fp = stdout;
	run.limits = default_limits;
	run.limits.name_options = true;
	run.out.excerpts = 1;
	run.severities = xcalloc(nr_rules, sizeof(*run.severities));
	explicit_rule = xcalloc(nr_rules, 1);
	for (i = 0; i < nr_rules; i++)
		run.severities[i] = rules[i].severity;

	optind = 1;
	opterr = 0;
	options_getopt(validate_options, &opt);
	while ((c = getopt_long(argc, argv, opt.shortopts, opt.longopts, NULL)) != -1) {
		int taken = cluster_opt(&copts, c, optarg, "validate");

		if (taken < 0) {
			status = STATUS_USAGE;
			goto out;
		}
		if (taken)
			continue;
		switch (c) {
		case 'f':
			ALLOC_GROW(paths, nr_paths + 1, alloc_paths);
			paths[nr_paths++] = optarg;
			break;
		case 'o':
			if (output_format_parse(optarg, &run.out.format)) {
				status = usage_error("validate",
						     "unknown output format '%s' (use text, json, sarif, github or junit)",
						     optarg);
				goto out;
			}
			break;
		case OPT_RULE:
		case OPT_DISABLE:
			if ((status = set_rule(&run, optarg, c == OPT_DISABLE,
					       explicit_rule)))
				goto out;
			break;
		case OPT_STRICT:
			strict = 1;
			break;
		case OPT_ISTIO:
			istio = ISTIO_INJECTS;
			break;
		case OPT_NO_ISTIO:
			istio = ISTIO_ABSENT;
			break;
		case OPT_KATIB_CONFIG:
			config_path = optarg;
			break;
		case OPT_CONFIG:
			lint_path = optarg;
			break;
		case OPT_NO_CONFIG:
			no_lint_config = 1;
			break;
		case OPT_CLUSTER_FACTS:
			cluster_facts = 1;
			break;
		case OPT_KATIB_NS:
			katib_ns = optarg;
			break;
		case OPT_ADMISSION:
			review_path = optarg;
			break;
		case OPT_SUGGESTION:
			request_path = optarg;
			break;
		case OPT_FIX:
			run.fix = 1;
			break;
		case OPT_DIFF:
			run.diff = 1;
			break;
		case OPT_KATIB_VERSION:
			version = optarg;
			break;
		case OPT_KUBE_VERSION:
			kube_minor = kubernetes_version_parse(optarg);
			if (kube_minor < 0) {
				status = usage_error("validate", "unknown Kubernetes version '%s' (give one such as 1.31 or v1.32.4)",
						     optarg);
				goto out;
			}
			break;
		case OPT_LIST:
			status = list_rules();
			goto out;
		case OPT_NO_EXCERPT:
			run.out.excerpts = 0;
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") &&
			    strcmp(optarg, "never")) {
				status = usage_error("validate",
						     "--color takes auto, always or never, not '%s'",
						     optarg);
				goto out;
			}
			color = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case OPT_MAX_FILE:
		case OPT_MAX_DOC:
		case OPT_MAX_DEPTH:
		case OPT_MAX_NODES:
		case OPT_MAX_ALIAS:
		case OPT_MAX_SCALAR:
		case OPT_MAX_DOCS:
			if (parse_limit(optarg, &n) ||
			    (c == OPT_MAX_DEPTH && n > 10000) ||
			    ((c == OPT_MAX_DOCS || c == OPT_MAX_DEPTH) && n > UINT32_MAX) ||
			    /* a node keeps a text's length in 32 bits */
			    (c == OPT_MAX_SCALAR && n >= UINT32_MAX)) {
				status = usage_error("validate", "'%s' is not a valid limit for --%s",
						     optarg, validate_options[c - OPT_MAX_FILE + 8].name);
				goto out;
			}
			if (c == OPT_MAX_FILE)
				run.limits.max_file_bytes = n;
			else if (c == OPT_MAX_DOC)
				run.limits.max_doc_bytes = n;
			else if (c == OPT_MAX_DEPTH)
				run.limits.max_depth = (unsigned)n;
			else if (c == OPT_MAX_NODES)
				run.limits.max_nodes = (size_t)n;
			else if (c == OPT_MAX_ALIAS)
				run.limits.max_alias_nodes = (size_t)n;
			else if (c == OPT_MAX_SCALAR)
				run.limits.max_scalar = (size_t)n;
			else
				run.limits.max_docs = (unsigned)n;
			break;
		case 'h':
			help_print(stdout, &validate_help);
			goto out;
		default:
			status = options_usage_error("validate", validate_options,
						     c, argv[optind - 1]);
			goto out;
		}
	}
	for (; optind < argc; optind++) {
		ALLOC_GROW(paths, nr_paths + 1, alloc_paths);
		paths[nr_paths++] = argv[optind];
	}
	if (review_path && request_path) {
		status = usage_error("validate", "give --admission-review or --suggestion-request, not both");
		goto out;
	}
	if ((review_path || request_path) && nr_paths) {
		status = usage_error("validate", "--%s reads one request; it takes no other input",
				     review_path ? "admission-review" : "suggestion-request");
		goto out;
	}
	if ((review_path || request_path) && run.out.format != OUTPUT_TEXT &&
	    run.out.format != OUTPUT_JSON) {
		status = usage_error("validate", "--%s writes text or json",
				     review_path ? "admission-review" : "suggestion-request");
		goto out;
	}
	if (run.diff && !run.fix) {
		status = usage_error("validate", "--diff shows what --fix would change: give both");
		goto out;
	}
	if (run.fix && (review_path || request_path)) {
		status = usage_error("validate", "--fix edits Experiment files, not requests");
		goto out;
	}
	for (i = 0; run.fix && i < nr_paths; i++)
		if (!strcmp(paths[i], "-")) {
			status = usage_error("validate", "--fix edits files; it cannot fix standard input");
			goto out;
		}
	if (!nr_paths && !review_path && !request_path) {
		status = usage_error("validate", "no input: give a file, a directory or '-'");
		goto out;
	}

	/* The settings file fills in what the command line left open. */
	if (!no_lint_config && lint_config_load(&lint, lint_path)) {
		status = STATUS_USAGE;
		goto out;
	}
	for (i = 0; lint.severities && i < nr_rules; i++)
		if (!explicit_rule[i] && (int)lint.severities[i] >= 0) {
			run.severities[i] = lint.severities[i];
			explicit_rule[i] = 1;
		}
	strict |= lint.strict;
	if (istio == ISTIO_UNKNOWN)
		istio = lint.istio;
	if (!version)
		version = lint.katib_version;
	if (!config_path)
		config_path = lint.katib_config;
	if (version) {
		minor = katib_version_parse(version);
		if (minor < 0) {
			status = usage_error("validate",
					     "unknown Katib version '%s' (give v0.%d to v0.%d)",
					     version, KATIB_MINOR_OLDEST, KATIB_MINOR_LATEST);
			goto out;
		}
	}
	if (config_path) {
		struct fail f = FAIL_INIT;

		if (katib_config_load(&run.config, config_path, &f)) {
			error_msg("%s", f.msg);
			status = STATUS_USAGE;	/* unreadable input */
			goto out;
		}
		loaded_config = 1;
	} else {
		run.config = katib_config_default;
		/* A default install serves TrainJobs since v0.19. */
		if (minor < 19)
			run.config.trial_resources = katib_config_default.trial_resources + 1;
	}
	if (cluster_facts) {
		if (cluster_connect(&copts, &run.kube_cfg, &run.kube)) {
			status = STATUS_RUNTIME;
			goto out;
		}
		run.facts.default_namespace = run.kube_cfg.namespace;
		if (!config_path) {
			int got = fetch_katib_config(&run, katib_ns);

			if (got < 0) {
				status = STATUS_RUNTIME;
				goto out;
			}
			loaded_config = !got;
		}
	}
	run.config.minor = minor;
	run.config.kube_minor = kube_minor;
	if (version)
		run.config.version = version;
	run.out.color = !strcmp(color, "always") ||
			(!strcmp(color, "auto") && isatty(STDOUT_FILENO) &&
			 !getenv("NO_COLOR") && run.out.format == OUTPUT_TEXT);
	/* Rules of later releases than the one asked for do not apply. */
	for (i = 0; i < nr_rules; i++)
		if (!explicit_rule[i] && rules[i].since > minor)
			run.severities[i] = SEV_OFF;
	/* An explicit --rule wins over --istio, --no-istio and --strict. */
	if (istio != ISTIO_UNKNOWN &&
	    !explicit_rule[rule_index(rule_get("istio-sidecar-not-disabled"))])
		run.severities[rule_index(rule_get("istio-sidecar-not-disabled"))] =
			istio == ISTIO_INJECTS ? SEV_ERROR : SEV_OFF;
	for (i = 0; strict && i < nr_rules; i++)
		if (!explicit_rule[i] && run.severities[i] == SEV_WARNING)
			run.severities[i] = SEV_ERROR;
	run.diags.overrides = run.severities;
	if (review_path) {
		status = answer_review(&run, review_path);
		goto out;
	}
	if (request_path) {
		status = answer_suggestion_request(&run, request_path);
		goto out;
	}
	if (run.diff) {
		for (i = 0; i < nr_paths; i++)
			validate_path(&run, paths[i]);
		status = run.unreadable ? STATUS_USAGE
			 : run.fixes ? STATUS_FINDINGS : STATUS_OK;
		goto out;
	}
	output_begin(&run.out);
	for (i = 0; i < nr_paths; i++)
		validate_path(&run, paths[i]);
	output_end(&run.out, run.files, run.documents, run.experiments,
		   run.errors, run.warnings, run.infos);
	if (!quiet && run.fix)
		fprintf(errout(), "%u %s in %u %s\n", run.fixes,
			run.fixes == 1 ? "fix" : "fixes", run.fixed_files,
			run.fixed_files == 1 ? "file" : "files");
	if (!quiet) {
		fprintf(errout(), "%u %s, %u %s, %u %s: %u %s, %u %s",
			run.files, run.files == 1 ? "file" : "files",
			run.documents, run.documents == 1 ? "document" : "documents",
			run.experiments,
			run.experiments == 1 ? "Experiment" : "Experiments",
			run.errors, run.errors == 1 ? "error" : "errors",
			run.warnings, run.warnings == 1 ? "warning" : "warnings");
		/*
		 * Most of what a run says is about Istio: on a cluster
		 * without it that is noise, and one setting silences it.
		 */
		if (run.istio_warnings &&
		    2 * run.istio_warnings > run.errors + run.warnings)
			fprintf(stderr, " (%u about the Istio sidecar: if the cluster has no Istio, say so once with --no-istio or 'istio: false' in .katib-lint.yaml)",
				run.istio_warnings);
		fputc('\n', stderr);
	}
	if (run.cluster_failed)
		status = STATUS_RUNTIME;
	else if (run.unreadable)
		status = STATUS_USAGE;
	else if (run.errors)
		status = STATUS_FINDINGS;
out:
	lint_config_release(&lint);
	for (i = 0; i < run.nr_ns; i++)
		free((char *)run.ns_facts[i].name);
	free(run.ns_facts);
	for (i = 0; i < run.nr_cm; i++) {
		size_t k;

		for (k = 0; k < run.cm_facts[i].nr_keys; k++)
			free((char *)run.cm_facts[i].keys[k]);
		free((char **)run.cm_facts[i].keys);
		free_names(run.cm_facts[i].siblings);
		free((char *)run.cm_facts[i].namespace);
		free((char *)run.cm_facts[i].name);
	}
	free(run.cm_facts);
	if (run.kube)
		cluster_disconnect(&run.kube_cfg, run.kube);
	if (loaded_config)
		katib_config_release(&run.config);
	diag_list_release(&run.diags);
	manifest_walk_release(&run.walk);
	free(run.severities);
	free(explicit_rule);
	free(paths);
	re_release();
	arena_drop_spare();
	return status;
}
