/*
 * cmd-validate.c: `kubectl katib validate`.
 */
#include "compat.h"
#include "cmd.h"
#include "alloc.h"
#include "arena.h"
#include "diag.h"
#include "doc-yaml.h"
#include "katib-config.h"
#include "lint-config.h"
#include "cluster.h"
#include "doc.h"
#include "experiment.h"
#include "http.h"
#include "kube.h"
#include "output.h"
#include "re.h"
#include "rule.h"
#include "validate.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage_text[] =
	"Usage: kubectl katib validate [options] [-f] FILE|DIR|- ...\n"
	"\n"
	"Check Katib Experiments offline, before you submit them: everything\n"
	"Katib's admission webhook rejects, at the line and field where it is.\n"
	"Directories are searched recursively for *.yaml, *.yml and *.json;\n"
	"'-' reads standard input.  Documents that are not Experiments are\n"
	"skipped.\n"
	"\n"
	"Options:\n"
	"  -f, --filename FILE      a file, directory or '-' to validate (repeatable)\n"
	"  -o, --output FORMAT      text (default), json, sarif (code scanning),\n"
	"                           github (Actions annotations) or junit\n"
	"      --rule ID=SEVERITY   set a rule's severity: error, warning, info or off\n"
	"      --disable ID         turn a rule off (same as --rule ID=off)\n"
	"      --katib-config FILE  the katib-config of the target cluster (a KatibConfig\n"
	"                           or the katib-config ConfigMap) instead of a default\n"
	"                           install's\n"
	"      --katib-version V    behave like Katib release V (v0.15 to v0.19; default\n"
	"                           v0.19)\n"
	"      --cluster-facts      read the katib-config and each Experiment's\n"
	"                           namespace from the cluster (with the options below)\n"
	"      --kubeconfig FILE    with --cluster-facts: the kubeconfig to use\n"
	"      --context NAME       ... its context, --cluster NAME, --user NAME\n"
	"  -n, --namespace NS       ... the namespace of Experiments that name none\n"
	"      --request-timeout T  ... for each request (30s, 1m, 500ms)\n"
	"  -v, --v N                trace requests on stderr (6; 8 adds more), as kubectl;\n"
	"                           credentials are never shown\n"
	"      --katib-namespace NS where Katib runs (default kubeflow)\n"
	"      --strict             report warnings as errors (they then fail the run)\n"
	"      --config FILE        read settings from FILE instead of the first\n"
	"                           .katib-lint.yaml found from here upwards\n"
	"      --no-config          read no settings file\n"
	"      --istio              trial pods run where Istio injects sidecars: a\n"
	"                           missing opt-out is an error, not a warning\n"
	"      --list-rules         list every rule with its severity and summary\n"
	"      --no-excerpt         do not quote the source line under a finding\n"
	"      --color WHEN         auto (default), always or never\n"
	"  -q, --quiet              do not print the summary line\n"
	"\n"
	"Limits (hostile or broken input is refused, not expanded):\n"
	"      --max-file-bytes N   bytes in one input stream (default 256 MiB)\n"
	"      --max-doc-bytes N    bytes in one document (default 16 MiB)\n"
	"      --max-depth N        nesting of maps and lists (default 200)\n"
	"      --max-nodes N        values in one document (default 500000)\n"
	"      --max-alias-nodes N  values copied through YAML aliases (default 50000)\n"
	"      --max-scalar-bytes N bytes in one value (default 4 MiB)\n"
	"      --max-docs N         documents in one stream (default 1000000)\n"
	"  -h, --help               show this help\n"
	"\n"
	"Exit status: 0 no errors, 1 errors found, 2 usage error or unreadable\n"
	"input, 3 could not run.\n"
	"\n"
	"Examples:\n"
	"  kubectl katib validate experiment.yaml\n"
	"  kubectl katib validate -o json manifests/\n"
	"  helm template . | kubectl katib validate -\n";

struct validate_run {
	struct output out;
	struct katib_config config;
	/* With --cluster-facts: */
	struct kube_config kube_cfg;
	struct kube_client *kube;
	struct namespace_fact *ns_facts;
	size_t nr_ns, alloc_ns;
	struct cluster_facts facts;
	int cluster_failed;
	struct doc_limits limits;
	struct diag_list diags;
	enum severity *severities;
	unsigned files, documents, experiments;
	unsigned errors, warnings, infos;
	int unreadable;
	struct {
		dev_t dev;
		ino_t ino;
	} *dirs;
	size_t nr_dirs, alloc_dirs;
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
	run->errors += run->diags.count[SEV_ERROR];
	run->warnings += run->diags.count[SEV_WARNING];
	run->infos += run->diags.count[SEV_INFO];
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

static int validate_stream(struct validate_run *run, const char *path,
			   const char *name)
{
	struct doc_reader *r;
	struct fail f = FAIL_INIT;
	struct doc *d;
	int ret;

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
		if (run->kube)
			validate_namespaces(d, run->facts.default_namespace,
					    fetch_namespace, run);
		if (run->cluster_failed) {
			doc_free(d);
			break;
		}
		run->facts.namespaces = run->ns_facts;
		run->facts.nr_namespaces = run->nr_ns;
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
	return 0;
}

static int wanted_file(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && !strcmp(name + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(name + n - 4, ".yml")) ||
	       (n > 5 && !strcmp(name + n - 5, ".json"));
}

static int validate_path(struct validate_run *run, const char *path);

static void validate_dir(struct validate_run *run, const char *path,
			 const struct stat *st)
{
	struct dirent **list;
	int n, i;
	size_t k;

	/* A symlink loop would recurse forever: visit each directory once. */
	for (k = 0; k < run->nr_dirs; k++)
		if (run->dirs[k].dev == st->st_dev && run->dirs[k].ino == st->st_ino)
			return;
	ALLOC_GROW(run->dirs, run->nr_dirs + 1, run->alloc_dirs);
	run->dirs[run->nr_dirs].dev = st->st_dev;
	run->dirs[run->nr_dirs].ino = st->st_ino;
	run->nr_dirs++;

	n = scandir(path, &list, NULL, alphasort);
	if (n < 0) {
		error_msg("cannot read directory '%s': %s", path, strerror(errno));
		run->unreadable = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		const char *e = list[i]->d_name;
		char *child;
		struct stat cst;
		size_t len;

		if (e[0] == '.') {
			free(list[i]);
			continue;
		}
		len = strlen(path) + strlen(e) + 2;
		child = xmalloc(len);
		snprintf(child, len, "%s%s%s", path,
			 path[strlen(path) - 1] == '/' ? "" : "/", e);
		/* Only regular files: opening a FIFO would wait for a writer. */
		if (!stat(child, &cst) &&
		    (S_ISDIR(cst.st_mode) || (S_ISREG(cst.st_mode) && wanted_file(e))))
			validate_path(run, child);
		free(child);
		free(list[i]);
	}
	free(list);
}

static int validate_path(struct validate_run *run, const char *path)
{
	struct stat st;

	if (!strcmp(path, "-"))
		return validate_stream(run, "-", "-");
	if (stat(path, &st)) {
		error_msg("cannot read '%s': %s", path, strerror(errno));
		run->unreadable = 1;
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		validate_dir(run, path, &st);
		return 0;
	}
	return validate_stream(run, path, path);
}

int cmd_validate(int argc, char **argv)
{
	enum {
		OPT_RULE = 256, OPT_DISABLE, OPT_LIST, OPT_NO_EXCERPT, OPT_COLOR,
		OPT_MAX_FILE, OPT_MAX_DOC, OPT_MAX_DEPTH, OPT_MAX_NODES,
		OPT_MAX_ALIAS, OPT_MAX_SCALAR, OPT_MAX_DOCS, OPT_STRICT, OPT_ISTIO,
		OPT_KATIB_CONFIG, OPT_KATIB_VERSION, OPT_CONFIG, OPT_NO_CONFIG,
		OPT_CLUSTER_FACTS, OPT_KATIB_NS,
	};
	static const struct option longopts[] = {
		{ "filename", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "rule", required_argument, NULL, OPT_RULE },
		{ "disable", required_argument, NULL, OPT_DISABLE },
		{ "list-rules", no_argument, NULL, OPT_LIST },
		{ "no-excerpt", no_argument, NULL, OPT_NO_EXCERPT },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "quiet", no_argument, NULL, 'q' },
		{ "max-file-bytes", required_argument, NULL, OPT_MAX_FILE },
		{ "max-doc-bytes", required_argument, NULL, OPT_MAX_DOC },
		{ "max-depth", required_argument, NULL, OPT_MAX_DEPTH },
		{ "max-nodes", required_argument, NULL, OPT_MAX_NODES },
		{ "max-alias-nodes", required_argument, NULL, OPT_MAX_ALIAS },
		{ "max-scalar-bytes", required_argument, NULL, OPT_MAX_SCALAR },
		{ "max-docs", required_argument, NULL, OPT_MAX_DOCS },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "istio", no_argument, NULL, OPT_ISTIO },
		{ "katib-config", required_argument, NULL, OPT_KATIB_CONFIG },
		{ "katib-version", required_argument, NULL, OPT_KATIB_VERSION },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "no-config", no_argument, NULL, OPT_NO_CONFIG },
		{ "cluster-facts", no_argument, NULL, OPT_CLUSTER_FACTS },
		{ "katib-namespace", required_argument, NULL, OPT_KATIB_NS },
		{ "help", no_argument, NULL, 'h' },
		CLUSTER_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct doc_limits default_limits = DOC_LIMITS_DEFAULT;
	struct validate_run run;
	const char **paths = NULL;
	uint64_t n;
	size_t nr_paths = 0, alloc_paths = 0, i;
	int c, quiet = 0, strict = 0, istio = 0, status = STATUS_OK;
	int minor = KATIB_MINOR_LATEST, loaded_config = 0;
	const char *version = NULL, *config_path = NULL, *lint_path = NULL;
	int no_lint_config = 0, cluster_facts = 0;
	struct lint_config lint;
	struct cluster_opts copts;
	const char *katib_ns = "kubeflow";
	unsigned char *explicit_rule;
	const char *color = "auto";

	memset(&run, 0, sizeof(run));
	memset(&lint, 0, sizeof(lint));
	memset(&copts, 0, sizeof(copts));
	run.out.fp = stdout;
	run.limits = default_limits;
	run.out.excerpts = 1;
	run.severities = xcalloc(nr_rules, sizeof(*run.severities));
	explicit_rule = xcalloc(nr_rules, 1);
	for (i = 0; i < nr_rules; i++)
		run.severities[i] = rules[i].severity;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:o:qhn:v:", longopts, NULL)) != -1) {
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
			istio = 1;
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
		case OPT_KATIB_VERSION:
			version = optarg;
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
			    ((c == OPT_MAX_DOCS || c == OPT_MAX_DEPTH) && n > UINT32_MAX)) {
				status = usage_error("validate", "'%s' is not a valid limit for --%s",
						     optarg, longopts[c - OPT_MAX_FILE + 8].name);
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
			fputs(usage_text, stdout);
			goto out;
		default:
			if (optopt && strchr("fon", optopt))
				status = usage_error("validate", "option '-%c' needs a value", optopt);
			else if (optopt)
				status = usage_error("validate", "unknown option '-%c'", optopt);
			else
				status = usage_error("validate", "unknown option '%s'",
						     argv[optind - 1]);
			goto out;
		}
	}
	for (; optind < argc; optind++) {
		ALLOC_GROW(paths, nr_paths + 1, alloc_paths);
		paths[nr_paths++] = argv[optind];
	}
	if (!nr_paths) {
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
	istio |= lint.istio;
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
	if (version)
		run.config.version = version;
	run.out.color = !strcmp(color, "always") ||
			(!strcmp(color, "auto") && isatty(STDOUT_FILENO) &&
			 !getenv("NO_COLOR") && run.out.format == OUTPUT_TEXT);
	/* Rules of later releases than the one asked for do not apply. */
	for (i = 0; i < nr_rules; i++)
		if (!explicit_rule[i] && rules[i].since > minor)
			run.severities[i] = SEV_OFF;
	/* An explicit --rule wins over --istio and --strict. */
	if (istio && !explicit_rule[rule_index(rule_get("istio-sidecar-not-disabled"))])
		run.severities[rule_index(rule_get("istio-sidecar-not-disabled"))] = SEV_ERROR;
	for (i = 0; strict && i < nr_rules; i++)
		if (!explicit_rule[i] && run.severities[i] == SEV_WARNING)
			run.severities[i] = SEV_ERROR;
	run.diags.overrides = run.severities;
	output_begin(&run.out);
	for (i = 0; i < nr_paths; i++)
		validate_path(&run, paths[i]);
	output_end(&run.out, run.files, run.documents, run.experiments,
		   run.errors, run.warnings, run.infos);
	if (!quiet)
		fprintf(stderr, "%u %s, %u %s, %u %s: %u %s, %u %s\n",
			run.files, run.files == 1 ? "file" : "files",
			run.documents, run.documents == 1 ? "document" : "documents",
			run.experiments,
			run.experiments == 1 ? "Experiment" : "Experiments",
			run.errors, run.errors == 1 ? "error" : "errors",
			run.warnings, run.warnings == 1 ? "warning" : "warnings");
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
	if (run.kube)
		cluster_disconnect(&run.kube_cfg, run.kube);
	if (loaded_config)
		katib_config_release(&run.config);
	diag_list_release(&run.diags);
	free(run.severities);
	free(explicit_rule);
	free(run.dirs);
	free(paths);
	re_release();
	arena_drop_spare();
	return status;
}
