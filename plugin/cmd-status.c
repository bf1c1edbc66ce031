/*
 * cmd-status.c: `get experiments` (one line per search) and `status
 * experiment NAME` (one search: its settings, progress, best trial,
 * trials and a chart of the objective), over src/status.c.  Both read a
 * live cluster, or a recording with --from, as explain does.
 */
#include "compat.h"
#include "cmd.h"
#include "cluster.h"
#include "alloc.h"
#include "buf.h"
#include "diagnose.h"
#include "doc.h"
#include "doc-emit.h"
#include "doc-json.h"
#include "fail.h"
#include "kube.h"
#include "kubeconfig.h"
#include "numparse.h"
#include "recorded.h"
#include "screen.h"
#include "status.h"
#include "timefmt.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define EXPERIMENTS_PATH "/apis/kubeflow.org/v1beta1"

/* ---- where the snapshots come from ---- */

struct source {
	const char *from;		/* a recording, or NULL: the cluster */
	struct recorded rec;
	struct kube_config cfg;
	struct kube_client *kube;
	const char *ns;			/* -n, the context's, or "default" */
	/* Many Experiments at once (get): each list read once for them all. */
	struct snapshot_set *set;
};

static int source_open(struct source *src, const struct cluster_opts *copts)
{
	if (src->from) {
		int status = cluster_load_recording(&src->rec, src->from);

		if (status)
			return status;
		src->ns = copts->overrides.namespace ? copts->overrides.namespace : "default";
		return 0;
	}
	if (cluster_connect(copts, &src->cfg, &src->kube))
		return STATUS_RUNTIME;
	src->ns = src->cfg.namespace;
	return 0;
}

static void source_close(struct source *src)
{
	snapshot_set_free(src->set);
	src->set = NULL;
	if (src->from)
		recorded_release(&src->rec);
	else
		cluster_disconnect(&src->cfg, src->kube);
}

/* Prints why the snapshot could not be had and returns the exit status. */
static int source_snapshot(struct source *src, const char *ns, const char *name,
			   struct snapshot *snap)
{
	struct fail f = FAIL_INIT;

	if (src->from) {
		if (!snapshot_from_recorded(&src->rec, ns, name, snap, &f))
			return 0;
		error_msg("%s", f.msg);
		return STATUS_RUNTIME;
	}
	if (src->set && !snapshot_from_set(src->set, ns, name, snap, &f))
		return 0;
	/* Not in the lists (created since): read on its own. */
	if (src->set && f.kind != FAIL_NOT_FOUND)
		return api_failure(&f);
	fail_clear(&f);
	if (!snapshot_fetch(src->kube, ns, name, snap, &f))
		return 0;
	return api_failure(&f);
}

struct exp_ref {
	char *ns, *name;
};

struct exp_refs {
	struct exp_ref *item;
	size_t nr, alloc;
};

static void refs_add(struct exp_refs *refs, const struct doc_node *obj)
{
	const char *ns = doc_str(doc_lookup(obj, "metadata.namespace"));
	const char *name = doc_str(doc_lookup(obj, "metadata.name"));

	if (!name)
		return;
	ALLOC_GROW(refs->item, refs->nr + 1, refs->alloc);
	refs->item[refs->nr].ns = xstrdup(ns ? ns : "default");
	refs->item[refs->nr++].name = xstrdup(name);
}

static int list_item(void *data, const struct doc_node *item)
{
	refs_add(data, item);
	return 0;
}

static int by_ns_name(const void *pa, const void *pb)
{
	const struct exp_ref *a = pa, *b = pb;
	int c = strcmp(a->ns, b->ns);

	return c ? c : strcmp(a->name, b->name);
}

/*
 * The Experiments of ns (every namespace when ns is NULL), sorted as
 * kubectl sorts; *version (when version is not NULL) is the list's
 * resourceVersion, to watch from.  Returns 0, or -1 with f set.
 */
static int source_list(struct source *src, const char *ns, struct exp_refs *refs,
		       char **version, struct fail *f)
{
	struct buf path = BUF_INIT;
	size_t i;

	if (version)
		*version = NULL;
	if (src->from) {
		for (i = 0; i < src->rec.nr; i++) {
			const struct doc_node *o = src->rec.object[i];
			const char *api = doc_get_str(o, "apiVersion");
			const char *ons = doc_str(doc_lookup(o, "metadata.namespace"));

			if (!doc_get_str(o, "kind") || strcmp(doc_get_str(o, "kind"), "Experiment") ||
			    !api || strncmp(api, "kubeflow.org/", 13))
				continue;
			if (ns && strcmp(ons ? ons : "default", ns))
				continue;
			refs_add(refs, o);
		}
	} else {
		if (ns)
			buf_addf(&path, EXPERIMENTS_PATH "/namespaces/%s/experiments", ns);
		else
			buf_adds(&path, EXPERIMENTS_PATH "/experiments");
		if (kube_list(src->kube, path.buf, NULL, NULL, list_item, refs, version, f)) {
			buf_release(&path);
			return -1;
		}
		buf_release(&path);
	}
	if (refs->nr)
		qsort(refs->item, refs->nr, sizeof(*refs->item), by_ns_name);
	return 0;
}

static void refs_release(struct exp_refs *refs)
{
	size_t i;

	for (i = 0; i < refs->nr; i++) {
		free(refs->item[i].ns);
		free(refs->item[i].name);
	}
	free(refs->item);
}

/*
 * Now, in epoch seconds.  KATIB_NOW (an RFC 3339 time) pins it, so that
 * ages and estimates in tests and reproductions do not drift.
 */
static int get_now(int64_t *now, const char *cmd)
{
	const char *env = getenv("KATIB_NOW");

	if (env && *env) {
		*now = status_parse_time(env);
		if (*now == STATUS_NO_TIME)
			return usage_error(cmd, "KATIB_NOW='%s' is not an RFC 3339 time", env);
		return 0;
	}
	*now = (int64_t)time(NULL);
	return 0;
}

/* ---- text helpers ---- */

/*
 * Colour: only on a terminal, never with NO_COLOR, never in json, yaml
 * or HTML.  A table cell is painted by a prefix "\001SGR\002" (SGR
 * digits and ';' only), which table_print turns into the escape
 * sequence and text_width does not count; text from a cluster that looks
 * like one is printed as it is, control characters as '?'.
 */
static int color_on;

static void color_decide(int structured)
{
	const char *term = getenv("TERM");

	color_on = !structured && isatty(STDOUT_FILENO) && !getenv("NO_COLOR") &&
		   (!term || strcmp(term, "dumb"));
}

/* The SGR of a state: green done well, red failed, yellow stopped early or stuck. */
static const char *state_sgr(const char *state, int stuck)
{
	if (!strcmp(state, "Succeeded"))
		return stuck ? "33" : "32";
	if (!strcmp(state, "Failed") || !strcmp(state, "Killed") ||
	    !strcmp(state, "MetricsUnavailable"))
		return "31";
	if (!strcmp(state, "EarlyStopped") || stuck)
		return "33";
	return NULL;
}

/* The length of a cell's paint prefix, or 0. */
static size_t paint_len(const char *s)
{
	size_t n = 1;

	if (s[0] != '\001')
		return 0;
	while (n < 10 && ((s[n] >= '0' && s[n] <= '9') || s[n] == ';'))
		n++;
	return n > 1 && s[n] == '\002' ? n + 1 : 0;
}

/* text painted with sgr for a table cell (in b), or text when colour is off. */
static const char *paint(struct buf *b, const char *sgr, const char *text)
{
	if (!color_on || !sgr)
		return text;
	buf_reset(b);
	buf_addf(b, "\001%s\002%s", sgr, text);
	return b->buf;
}

/* Writes text (from outside) in sgr when colour is on. */
static void put_painted(FILE *fp, const char *sgr, const char *text)
{
	if (color_on && sgr)
		fprintf(fp, "\033[%sm", sgr);
	puts_safe(fp, text);
	if (color_on && sgr)
		fputs("\033[m", fp);
}

/* Characters, not bytes: a column of UTF-8 bars lines up. */
static size_t text_width(const char *s)
{
	size_t n = 0;

	s += paint_len(s);
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void fmt_duration(char *out, size_t size, int64_t sec)
{
	if (sec < 0)
		snprintf(out, size, "-");
	else
		time_human_duration(sec, out, size);
}

/*
 * width cells for the budget: succeeded, early stopped, failed, running,
 * then what is left (the legend of `status` names them).
 */
static void add_bar(struct buf *b, const struct status_report *r, int width)
{
	int64_t total = r->max_trials > 0 ? r->max_trials : (int64_t)r->nr_trials;
	size_t counts[4] = { r->succeeded, r->early_stopped, r->failed, r->running };
	static const char *const glyph[] = { "\xe2\x96\x88", "\xe2\x96\x93",
					     "\xe2\x95\xb3", "\xe2\x96\x92" };
	size_t i, k;
	int cell = 0, upto;
	double acc = 0;

	if (total <= 0)
		total = 1;
	for (i = 0; i < 4; i++) {
		acc += (double)counts[i];
		upto = (int)floor(acc * width / (double)total + 0.5);
		if (upto > width)
			upto = width;
		/* Whatever there is gets a cell, if one is left. */
		if (counts[i] && upto == cell && cell < width)
			upto = cell + 1;
		for (k = (size_t)cell; (int)k < upto; k++)
			buf_adds(b, glyph[i]);
		if (upto > cell)
			cell = upto;
	}
	for (; cell < width; cell++)
		buf_adds(b, "\xc2\xb7");
}

/*
 * A table printed as kubectl's printers do: a header in capitals, columns
 * padded to the widest cell and three spaces apart, the last one unpadded.
 */
struct table {
	size_t nr_cols;
	char **cell;		/* row-major, in arena */
	size_t nr_rows, nr_cells, alloc;
	struct arena arena;	/* zeroed is empty */
};

/*
 * Appends cells one by one; every nr_cols cells make a row.  The texts go
 * to an arena: 10,000 trials make 100,000 cells, and a malloc and a free
 * each were a tenth of the table's cost.
 */
static void cell(struct table *t, const char *text)
{
	ALLOC_GROW(t->cell, t->nr_cells + 1, t->alloc);
	t->cell[t->nr_cells++] = arena_strdup(&t->arena, text ? text : "");
	t->nr_rows = t->nr_cells / t->nr_cols;
}

/* n blanks, without a printf per cell. */
static void put_blanks(FILE *fp, size_t n)
{
	static const char blanks[] = "                                ";

	while (n) {
		size_t k = n < sizeof(blanks) - 1 ? n : sizeof(blanks) - 1;

		fwrite(blanks, 1, k, fp);
		n -= k;
	}
}

static int row_rest_empty(const struct table *t, size_t r, size_t from)
{
	for (; from < t->nr_cols; from++)
		if (*t->cell[r * t->nr_cols + from])
			return 0;
	return 1;
}

/* Prints t on fp (unless NULL) and frees it. */
static void table_print(FILE *fp, struct table *t)
{
	size_t *w = xcalloc(t->nr_cols ? t->nr_cols : 1, sizeof(*w)), r, c;

	for (r = 0; fp && r < t->nr_rows; r++)
		for (c = 0; c < t->nr_cols; c++) {
			size_t n = text_width(t->cell[r * t->nr_cols + c]);

			if (n > w[c])
				w[c] = n;
		}
	for (r = 0; fp && r < t->nr_rows; r++) {
		for (c = 0; c < t->nr_cols; c++) {
			const char *s = t->cell[r * t->nr_cols + c];
			size_t p = paint_len(s);

			if (p)
				fprintf(fp, "\033[%.*sm", (int)(p - 2), s + 1);
			puts_safe(fp, s + p);
			if (p)
				fputs("\033[m", fp);
			/* No trailing blanks after a last cell that is empty. */
			if (c + 1 < t->nr_cols && !row_rest_empty(t, r, c + 1))
				put_blanks(fp, w[c] - text_width(s) + 3);
		}
		fputc('\n', fp);
	}
	arena_release(&t->arena);
	free(t->cell);
	free(w);
	memset(t, 0, sizeof(*t));
}

static void upper(char *dst, size_t size, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < size; i++)
		dst[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
	dst[i] = 0;
}

static const char *state_text(struct buf *b, const struct status_report *r)
{
	buf_reset(b);
	buf_adds(b, r->phase);
	if (r->problem_id) {
		int done = !strcmp(r->phase, "Succeeded") || !strcmp(r->phase, "Failed");

		buf_addf(b, done ? " (%s)" : " (stuck: %s)", r->problem_id);
	} else if (r->phase_reason && (!strcmp(r->phase, "Succeeded") ||
				       !strcmp(r->phase, "Failed"))) {
		buf_addf(b, " (%s)", r->phase_reason);
	}
	return b->buf;
}

/* ---- JSON and YAML: one tree, written either way ---- */

static struct doc_node *add_str(struct doc *d, struct doc_node *p, const char *k, const char *v)
{
	return doc_add(d, p, k, v ? DOC_STR : DOC_NULL, v ? v : "null");
}

static void add_int(struct doc *d, struct doc_node *p, const char *k, int64_t v)
{
	char n[32];

	snprintf(n, sizeof(n), "%lld", (long long)v);
	doc_add(d, p, k, DOC_INT, n);
}

static void add_num(struct doc *d, struct doc_node *p, const char *k, double v)
{
	char n[40];

	num_shortest_g(n, sizeof(n), v);
	doc_add(d, p, k, strchr(n, '.') || strchr(n, 'e') ? DOC_FLOAT : DOC_INT, n);
}

static void add_time(struct doc *d, struct doc_node *p, const char *k, int64_t sec)
{
	if (sec < 0)
		doc_add(d, p, k, DOC_NULL, "null");
	else
		add_int(d, p, k, sec);
}

static void add_trial_tree(struct doc *d, struct doc_node *p,
			   const struct status_report *r, const struct status_trial *t)
{
	struct doc_node *o = doc_add(d, p, NULL, DOC_MAP, NULL), *m;
	size_t i;

	add_str(d, o, "name", t->name);
	add_str(d, o, "state", t->state);
	if (t->reason)
		add_str(d, o, "reason", t->reason);
	m = doc_add(d, o, "parameters", DOC_MAP, NULL);
	for (i = 0; i < r->nr_params; i++)
		add_str(d, m, r->params[i], t->values[i]);
	m = doc_add(d, o, "metrics", DOC_MAP, NULL);
	for (i = 0; i < r->nr_metrics; i++)
		if (t->has_metric[i])
			add_num(d, m, r->metrics[i].name, t->metric[i]);
		else
			doc_add(d, m, r->metrics[i].name, DOC_NULL, "null");
	add_time(d, o, "durationSeconds", t->duration);
}

/* full: everything `status` shows, with the first shown trials. */
static void add_summary_tree(struct doc *d, struct doc_node *o,
			     const struct status_report *r, int full, size_t shown)
{
	struct doc_node *n;
	size_t i;

	add_str(d, o, "namespace", r->ns);
	add_str(d, o, "name", r->name);
	add_str(d, o, "phase", r->phase);
	add_str(d, o, "reason", r->phase_reason);
	if (r->problem_id) {
		n = doc_add(d, o, "problem", DOC_MAP, NULL);
		add_str(d, n, "id", r->problem_id);
		add_str(d, n, "summary", r->problem_summary);
	} else {
		doc_add(d, o, "problem", DOC_NULL, "null");
	}
	if (full) {
		n = doc_add(d, o, "algorithm", DOC_MAP, NULL);
		add_str(d, n, "name", r->algorithm);
		add_str(d, n, "settings", r->settings);
		add_str(d, o, "earlyStopping", r->early_stopping);
	}
	n = doc_add(d, o, "objective", DOC_MAP, NULL);
	add_str(d, n, "type", r->objective_type);
	add_str(d, n, "metric", r->metrics[0].name);
	if (r->has_goal)
		add_num(d, n, "goal", r->goal);
	else
		doc_add(d, n, "goal", DOC_NULL, "null");
	n = doc_add(d, o, "trials", DOC_MAP, NULL);
	add_time(d, n, "max", r->max_trials);
	add_int(d, n, "succeeded", (int64_t)r->succeeded);
	add_int(d, n, "running", (int64_t)r->running);
	add_int(d, n, "failed", (int64_t)r->failed);
	add_int(d, n, "earlyStopped", (int64_t)r->early_stopped);
	add_int(d, n, "pending", (int64_t)r->pending);
	if (full) {
		add_time(d, o, "parallelTrialCount", r->parallel);
		add_time(d, o, "maxFailedTrialCount", r->max_failed);
	}
	if (r->best >= 0) {
		const struct status_trial *b = &r->trial[r->best];

		n = doc_add(d, o, "best", DOC_MAP, NULL);
		add_str(d, n, "trial", b->name);
		add_num(d, n, "objective", b->metric[0]);
		if (full) {
			struct doc_node *p = doc_add(d, n, "parameters", DOC_MAP, NULL);

			for (i = 0; i < r->nr_params; i++)
				add_str(d, p, r->params[i], b->values[i]);
		}
	} else {
		doc_add(d, o, "best", DOC_NULL, "null");
	}
	add_time(d, o, "ageSeconds", r->age);
	if (!full)
		return;
	add_time(d, o, "elapsedSeconds", r->elapsed);
	add_time(d, o, "remainingSeconds", r->remaining);
	n = doc_add(d, o, "bestSoFar", DOC_SEQ, NULL);
	for (i = 0; i < r->nr_points; i++)
		add_num(d, n, NULL, r->best_so_far[i]);
	n = doc_add(d, o, "trialList", DOC_SEQ, NULL);
	for (i = 0; i < shown; i++)
		add_trial_tree(d, n, r, &r->trial[i]);
}

static void print_tree(FILE *fp, const struct doc_node *root, int yaml)
{
	if (yaml) {
		struct buf b = BUF_INIT;

		doc_emit_yaml(root, &b);
		fwrite(b.buf, 1, b.len, fp);
		buf_release(&b);
	} else {
		char *s = doc_to_json_pretty(root);

		fputs(s, fp);
		fputc('\n', fp);
		free(s);
	}
}

/* ---- get experiments ---- */

enum {
	OPT_FROM = 256, OPT_SORT, OPT_TOP, OPT_WIDTH, OPT_HTML,
};

static const char *const get_formats[] = { "wide", "json", "yaml", NULL };

const struct cmd_option get_options[] = {
	OPT_FLAG("all-namespaces", 'A', 'A', "list the Experiments of every namespace"),
	OPT_FLAG("watch", 'w', 'w', "after the list, follow the Experiments as they\n"
		 "change, until Ctrl-C"),
	OPT_WORDS("output", 'o', 'o', get_formats, "FORMAT",
		  "wide (more columns), json or yaml"),
	OPT_VALUE("from", 0, OPT_FROM, COMPLETE_DIR, "DIR",
		  "read a recorded cluster instead of a live one"),
	OPT_FLAG("help", 'h', 'h', "show this help"),
	CLUSTER_OPTIONS,
	OPT_END,
};

static const struct help_item get_items[] = {
	{ "namespace", NULL, "the namespace to list (default: the context's)" },
	HELP_ITEM("all-namespaces"),
	HELP_ITEM("watch"),
	HELP_ITEM("output"),
	HELP_ITEM("from"),
	CLUSTER_HELP_ITEM,
	HELP_ITEM("help"),
	HELP_ITEM_END,
};

static const struct help_section get_sections[] = {
	{ HELP_TEXT, NULL,
	  "One line per Experiment: its state (with \"stuck\" and the diagnosis id\n"
	  "when 'kubectl katib explain experiment' finds a problem), its trials\n"
	  "succeeded/running/failed of maxTrialCount with a bar, the best\n"
	  "objective value so far, and its age.", NULL },
	{ HELP_TEXT, NULL,
	  "The bar has ten cells for maxTrialCount: full for succeeded, dark for\n"
	  "early stopped, a cross for failed, shaded for running, a dot for not\n"
	  "started.", NULL },
	{ HELP_TEXT, NULL,
	  "With -w the list is followed with a watch: on a terminal the table is\n"
	  "redrawn in place; piped, a row is printed again each time its\n"
	  "Experiment changes (\"Deleted\" when it goes), as kubectl get -w does,\n"
	  "and -o json or yaml prints one document per change.  When the cluster\n"
	  "goes away it says so and tries again after 1 s, then twice as long\n"
	  "each time, up to 30 s.", NULL },
	{ HELP_OPTIONS, "Options:", NULL, get_items },
	{ HELP_EXIT, NULL,
	  "Exit status: 0 listed, 2 bad usage, 3 the cluster could not be read;\n"
	  "with -w, 130 at Ctrl-C.", NULL },
	{ HELP_EXAMPLES, "Examples:",
	  "kubectl katib get experiments -n team-a\n"
	  "kubectl katib get exp -A -o wide\n"
	  "kubectl katib get experiments -n team-a -w", NULL },
	{ HELP_END, NULL, NULL, NULL },
};

const struct cmd_help get_help = {
	.name = "get",
	.synopsis = "get experiments [-n NS | -A] [-w] [-o wide|json|yaml]",
	.options = get_options,
	.column = 27,
	.sections = get_sections,
};

static int follow_get(struct source *src, int all, const char *format);

static void get_row(struct table *t, const struct status_report *r, int all, int wide)
{
	struct buf b = BUF_INIT;
	char n[64];

	if (all)
		cell(t, r->ns);
	cell(t, r->name);
	{
		struct buf painted = BUF_INIT;

		cell(t, paint(&painted, state_sgr(r->phase, r->problem_id != NULL),
			      state_text(&b, r)));
		buf_release(&painted);
	}
	buf_reset(&b);
	buf_addf(&b, "%zu/%zu/%zu", r->succeeded, r->running, r->failed);
	if (r->max_trials > 0)
		buf_addf(&b, " of %lld", (long long)r->max_trials);
	cell(t, b.buf);
	buf_reset(&b);
	add_bar(&b, r, 10);
	cell(t, b.buf);
	buf_reset(&b);
	if (r->best >= 0) {
		num_shortest_g(n, sizeof(n), r->trial[r->best].metric[0]);
		buf_addf(&b, "%s=%s", r->metrics[0].name, n);
	} else {
		buf_adds(&b, "<none>");
	}
	cell(t, b.buf);
	if (wide) {
		cell(t, r->algorithm);
		buf_reset(&b);
		buf_addf(&b, "%s %s", r->objective_type, r->metrics[0].name);
		if (r->has_goal) {
			num_shortest_g(n, sizeof(n), r->goal);
			buf_addf(&b, " %s %s", strcmp(r->objective_type, "minimize") ? ">=" : "<=", n);
		}
		cell(t, b.buf);
		snprintf(n, sizeof(n), "%zu", r->early_stopped);
		cell(t, n);
	}
	fmt_duration(n, sizeof(n), r->age);
	cell(t, n);
	buf_release(&b);
}

/* get's columns: -A adds the namespace, -o wide three more. */
static size_t get_columns(int all, int wide)
{
	return 6 + (size_t)all + (wide ? 3 : 0);
}

/* A table whose first row is get's header. */
static void get_header(struct table *t, int all, int wide)
{
	memset(t, 0, sizeof(*t));
	t->nr_cols = get_columns(all, wide);
	if (all)
		cell(t, "NAMESPACE");
	cell(t, "NAME");
	cell(t, "STATE");
	cell(t, "TRIALS (S/R/F)");
	cell(t, "PROGRESS");
	cell(t, "BEST");
	if (wide) {
		cell(t, "ALGORITHM");
		cell(t, "OBJECTIVE");
		cell(t, "EARLY-STOPPED");
	}
	cell(t, "AGE");
}

int cmd_get(int argc, char **argv)
{
	struct getopt_tables opt;
	struct cluster_opts copts;
	struct source src;
	struct exp_refs refs = { NULL, 0, 0 };
	struct table t;
	struct doc *d = NULL;
	struct doc_node *root = NULL, *items = NULL;
	struct fail f = FAIL_INIT;
	const char *format = NULL;
	int c, all = 0, watch = 0, status;
	int64_t now;
	size_t i;

	memset(&copts, 0, sizeof(copts));
	memset(&src, 0, sizeof(src));
	optind = 1;
	opterr = 0;
	options_getopt(get_options, &opt);
	while ((c = getopt_long(argc, argv, opt.shortopts, opt.longopts, NULL)) != -1) {
		int taken = cluster_opt(&copts, c, optarg, "get");

		if (taken < 0)
			return STATUS_USAGE;
		if (taken)
			continue;
		switch (c) {
		case 'A':
			all = 1;
			break;
		case 'w':
			watch = 1;
			break;
		case 'o':
			if (strcmp(optarg, "wide") && strcmp(optarg, "json") && strcmp(optarg, "yaml"))
				return usage_error("get", "unknown output format '%s' (use wide, json or yaml)", optarg);
			format = optarg;
			break;
		case OPT_FROM:
			src.from = optarg;
			break;
		case 'h':
			help_print(stdout, &get_help);
			return STATUS_OK;
		default:
			return options_usage_error("get", get_options, c, argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error("get", "give a resource type: experiments");
	if (!experiment_type(argv[optind], strlen(argv[optind])))
		return usage_error("get", "unknown resource type '%s' (katib gets experiments)",
				   argv[optind]);
	if (optind + 1 < argc)
		return usage_error("get", "unexpected argument '%s' (to see one Experiment, run 'kubectl katib status experiment %s')",
				   argv[optind + 1], argv[optind + 1]);
	if (all && copts.overrides.namespace)
		return usage_error("get", "-A and -n cannot be used together");
	color_decide(format && strcmp(format, "wide"));
	if (watch && src.from)
		return usage_error("get", "-w follows a cluster, and a recording does not change (serve it with 'katib-replay serve DIR --speed N' to replay its timeline)");
	if ((status = get_now(&now, "get")))
		return status;
	if ((status = source_open(&src, &copts)))
		return status;
	if (watch) {
		status = follow_get(&src, all, format);
		source_close(&src);
		return status;
	}
	if (source_list(&src, all ? NULL : src.ns, &refs, NULL, &f)) {
		source_close(&src);
		return api_failure(&f);
	}
	if (refs.nr && !src.from && snapshot_set_fetch(src.kube, all ? NULL : src.ns, &src.set, &f)) {
		refs_release(&refs);
		source_close(&src);
		return api_failure(&f);
	}
	if (!refs.nr && !format) {
		if (all)
			fputs("No resources found\n", errout());
		else
			fprintf(errout(), "No resources found in %s namespace.\n", src.ns);
		source_close(&src);
		return STATUS_OK;
	}

	memset(&t, 0, sizeof(t));
	if (format && strcmp(format, "wide")) {
		d = doc_new("get", 0);
		root = doc_add(d, NULL, NULL, DOC_MAP, NULL);
		items = doc_add(d, root, "items", DOC_SEQ, NULL);
	} else {
		get_header(&t, all, format != NULL);
	}
	status = STATUS_OK;
	for (i = 0; i < refs.nr; i++) {
		struct snapshot snap;
		struct status_report r;

		if ((status = source_snapshot(&src, refs.item[i].ns, refs.item[i].name, &snap)))
			break;
		status_build(&snap, now, &r);
		if (d)
			add_summary_tree(d, doc_add(d, items, NULL, DOC_MAP, NULL), &r, 0, 0);
		else
			get_row(&t, &r, all, format != NULL);
		status_release(&r);
		snapshot_release(&snap);
	}
	if (d) {
		if (!status)
			print_tree(stdout, root, !strcmp(format, "yaml"));
		doc_free(d);
	} else {
		table_print(status ? NULL : stdout, &t);
	}
	refs_release(&refs);
	source_close(&src);
	return status;
}

/* ---- status experiment NAME ---- */

static const char *const status_formats[] = { "json", "yaml", NULL };
static const char *const sort_keys[] = { "objective", "created", "name", NULL };

const struct cmd_option status_options[] = {
	OPT_WORDS("sort", 0, OPT_SORT, sort_keys, "KEY",
		  "order the trials by objective (best first), created\n"
		  "(default) or name"),
	OPT_VALUE("top", 0, OPT_TOP, COMPLETE_NOTHING, "N",
		  "show only the first N trials of that order"),
	OPT_WORDS("output", 'o', 'o', status_formats, "FORMAT", "json or yaml"),
	OPT_VALUE("html", 0, OPT_HTML, COMPLETE_FILE, "FILE",
		  "also write a self-contained HTML report with plots\n"
		  "(with -w, written again at each change)"),
	OPT_FLAG("watch", 'w', 'w', "follow the search until it ends"),
	OPT_VALUE("width", 0, OPT_WIDTH, COMPLETE_NOTHING, "COLUMNS",
		  "the width the chart fits (default: the terminal's,\n"
		  "or $COLUMNS, or 80)"),
	OPT_VALUE("from", 0, OPT_FROM, COMPLETE_DIR, "DIR",
		  "read a recorded cluster instead of a live one"),
	OPT_FLAG("help", 'h', 'h', "show this help"),
	CLUSTER_OPTIONS,
	OPT_END,
};

static const struct help_item status_items[] = {
	{ "namespace", NULL, "the Experiment's namespace (default: the context's)" },
	HELP_ITEM("sort"),
	HELP_ITEM("top"),
	HELP_ITEM("output"),
	HELP_ITEM("html"),
	HELP_ITEM("watch"),
	HELP_ITEM("width"),
	HELP_ITEM("from"),
	CLUSTER_HELP_ITEM,
	HELP_ITEM("help"),
	HELP_ITEM_END,
};

static const struct help_section status_sections[] = {
	{ HELP_TEXT, NULL,
	  "How a search is doing: its algorithm, objective and budget, a progress\n"
	  "bar to maxTrialCount, the time it has run and an estimate of the time\n"
	  "left (from how long its finished trials took), the best trial and its\n"
	  "parameters, a table of the trials with their parameters, metrics (as\n"
	  "each metric's strategy picks them), durations and reasons, and a chart\n"
	  "of each trial's objective and the best so far.  When 'kubectl katib\n"
	  "explain experiment' finds a problem, one line names it.", NULL },
	{ HELP_TEXT, NULL,
	  "With -w it follows the search with watches of the Experiment, its\n"
	  "Trials and its Suggestion: on a terminal the view is redrawn in place\n"
	  "(as many trials as fit); piped, a line with the time is printed for\n"
	  "each trial that appears or changes and for each change of the\n"
	  "search's state, progress or best trial; --html is written again at\n"
	  "each change.  It ends when the search does.  When the cluster goes\n"
	  "away it says so and tries again after 1 s, then twice as long each\n"
	  "time, up to 30 s.", NULL },
	{ HELP_OPTIONS, "Options:", NULL, status_items },
	{ HELP_EXIT, NULL,
	  "Exit status: 0 shown, 1 a problem was diagnosed, 2 bad usage,\n"
	  "3 the cluster could not be read or the report not written.  With -w:\n"
	  "0 the search succeeded, 1 it failed, 3 it was deleted, 130 Ctrl-C.", NULL },
	{ HELP_EXAMPLES, "Examples:",
	  "kubectl katib status experiment mnist -n team-a\n"
	  "kubectl katib status experiment/mnist --sort objective --top 5\n"
	  "kubectl katib status exp mnist --html mnist.html\n"
	  "kubectl katib status experiment mnist -w", NULL },
	{ HELP_END, NULL, NULL, NULL },
};

const struct cmd_help status_help = {
	.name = "status",
	.synopsis = "status experiment NAME [-n NS] [-w] [--sort KEY] [--top N] [-o json|yaml] [--html FILE]",
	.options = status_options,
	.column = 27,
	.sections = status_sections,
};

/* The width the chart may take: --width, else the terminal's, else $COLUMNS. */
static int terminal_width(long opt)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");
	char *end;
	long v;

	if (opt > 0)
		return (int)opt;
	if (env && *env) {
		v = strtol(env, &end, 10);
		if (!*end && v > 0 && v < 10000)
			return (int)v;
	}
	if (isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col)
		return ws.ws_col;
	return 80;
}

#define CHART_ROWS 8

static int chart_row(double v, double min, double max)
{
	if (!(max > min))
		return CHART_ROWS / 2;
	return (int)floor((v - min) / (max - min) * (CHART_ROWS - 1) + 0.5);
}

/*
 * Each finished trial's objective (●) by creation, and the best so far
 * (─) as a step line, in the columns the width leaves after the labels.
 */
static void print_chart(FILE *fp, const struct status_report *r, int width)
{
	char hi[40], lo[40];
	double min = INFINITY, max = -INFINITY;
	int label, plot, x, row, *col, (*grid)[2];
	size_t i, j, n = r->nr_points;

	if (!n)
		return;
	for (i = 0; i < n; i++) {
		if (r->objective[i] < min)
			min = r->objective[i];
		if (r->objective[i] > max)
			max = r->objective[i];
	}
	num_shortest_g(hi, sizeof(hi), max);
	num_shortest_g(lo, sizeof(lo), min);
	label = (int)(strlen(hi) > strlen(lo) ? strlen(hi) : strlen(lo));
	plot = width - label - 3;
	if (plot < 10)
		plot = 10;
	if ((size_t)plot > n * 4)
		plot = (int)n * 4;
	if (plot < 10)
		plot = 10;
	col = xcalloc(n, sizeof(*col));
	for (i = 0; i < n; i++)
		col[i] = n == 1 ? 0 : (int)((double)i * (plot - 1) / (double)(n - 1) + 0.5);
	/* grid[x] = { row of a point or -1, row of the best so far or -1 } */
	grid = xcalloc((size_t)plot, sizeof(*grid));
	for (x = 0; x < plot; x++)
		grid[x][0] = grid[x][1] = -1;
	for (i = 0; i < n; i++) {
		int pr = chart_row(r->objective[i], min, max);
		int end = i + 1 < n ? col[i + 1] : plot;
		int *p = &grid[col[i]][0];

		/* Trials sharing a column: the better one shows. */
		if (*p < 0 || (strcmp(r->objective_type, "minimize") ? pr > *p : pr < *p))
			*p = pr;
		/* The best so far only moves at a trial: a step line. */
		for (j = (size_t)col[i]; (int)j < end; j++)
			grid[j][1] = chart_row(r->best_so_far[i], min, max);
	}
	fprintf(fp, "\nObjective (%s, \xe2\x97\x8f each trial) and best so far (\xe2\x94\x80), by creation:\n",
		r->metrics[0].name);
	for (row = CHART_ROWS - 1; row >= 0; row--) {
		const char *l = row == CHART_ROWS - 1 ? hi : row == 0 ? lo : "";

		int last = plot - 1;

		/* No trailing blanks: stop at the row's last mark. */
		while (last >= 0 && grid[last][0] != row && grid[last][1] != row)
			last--;
		fprintf(fp, "%*s \xe2\x94\xa4", label, l);
		for (x = 0; x <= last; x++)
			fputs(grid[x][0] == row ? "\xe2\x97\x8f"
			      : grid[x][1] == row ? "\xe2\x94\x80" : " ", fp);
		fputc('\n', fp);
	}
	fprintf(fp, "%*s \xe2\x94\x94", label, "");
	for (x = 0; x < plot; x++)
		fputs("\xe2\x94\x80", fp);
	fprintf(fp, "\n%*s  1%*zu\n", label, "", plot - 1, n);
	free(grid);
	free(col);
}

static void print_status_text(FILE *fp, const struct status_report *r, size_t top,
			      int width, int chart)
{
	struct buf b = BUF_INIT;
	struct table t;
	char n[64], hd[64];
	size_t i, j, shown;

	fprintf(fp, "Experiment ");
	puts_safe(fp, r->ns);
	fputc('/', fp);
	puts_safe(fp, r->name);
	fputs(": ", fp);
	put_painted(fp, state_sgr(r->phase, r->problem_id != NULL), state_text(&b, r));
	fputc('\n', fp);

	fputs("  algorithm:      ", fp);
	puts_safe(fp, r->algorithm);
	if (*r->settings) {
		fputs(" (", fp);
		puts_safe(fp, r->settings);
		fputc(')', fp);
	}
	fputc('\n', fp);
	fprintf(fp, "  objective:      %s ", r->objective_type);
	puts_safe(fp, r->metrics[0].name);
	if (r->has_goal) {
		num_shortest_g(n, sizeof(n), r->goal);
		fprintf(fp, ", goal %s", n);
	}
	for (i = 1; i < r->nr_metrics; i++) {
		fputs(i == 1 ? "; also " : ", ", fp);
		puts_safe(fp, r->metrics[i].name);
	}
	fputc('\n', fp);
	fputs("  budget:         ", fp);
	if (r->max_trials > 0)
		fprintf(fp, "%lld trials", (long long)r->max_trials);
	else
		fputs("no maxTrialCount", fp);
	if (r->max_failed >= 0)
		fprintf(fp, ", at most %lld failed", (long long)r->max_failed);
	fprintf(fp, ", %lld in parallel\n", (long long)r->parallel);
	fputs("  early stopping: ", fp);
	puts_safe(fp, r->early_stopping ? r->early_stopping : "none");
	fputc('\n', fp);

	buf_reset(&b);
	add_bar(&b, r, 30);
	fprintf(fp, "\nProgress: %s %zu/", b.buf, r->succeeded + r->failed + r->early_stopped);
	if (r->max_trials > 0)
		fprintf(fp, "%lld", (long long)r->max_trials);
	else
		fputc('?', fp);
	fprintf(fp, " done: %zu succeeded, %zu early stopped, %zu failed; %zu running",
		r->succeeded, r->early_stopped, r->failed, r->running);
	if (r->pending)
		fprintf(fp, ", %zu pending", r->pending);
	fputc('\n', fp);
	fmt_duration(n, sizeof(n), r->elapsed);
	fprintf(fp, "Elapsed:  %s", n);
	if (r->remaining >= 0) {
		fmt_duration(n, sizeof(n), r->remaining);
		fprintf(fp, ", about %s left", n);
	}
	fputc('\n', fp);
	if (r->best >= 0) {
		const struct status_trial *bt = &r->trial[r->best];

		num_shortest_g(n, sizeof(n), bt->metric[0]);
		fputs("Best:     ", fp);
		puts_safe(fp, bt->name);
		fputs(" ", fp);
		puts_safe(fp, r->metrics[0].name);
		fprintf(fp, "=%s", n);
		for (j = 0; j < r->nr_params; j++) {
			fputs(j ? ", " : " with ", fp);
			puts_safe(fp, r->params[j]);
			fputc('=', fp);
			puts_safe(fp, bt->values[j] ? bt->values[j] : "?");
		}
		fputc('\n', fp);
	} else {
		fputs("Best:     none yet\n", fp);
	}

	if (r->problem_id) {
		fputc('\n', fp);
		put_painted(fp, "1;31", "Problem:");
		fputs("  ", fp);
		puts_safe(fp, r->problem_summary);
		fprintf(fp, " [%s]\n          see 'kubectl katib explain experiment ", r->problem_id);
		puts_safe(fp, r->name);
		fputs(" -n ", fp);
		puts_safe(fp, r->ns);
		fputs("'\n", fp);
	}

	shown = top && top < r->nr_trials ? top : r->nr_trials;
	if (shown) {
		memset(&t, 0, sizeof(t));
		t.nr_cols = 5 + r->nr_params + r->nr_metrics;
		cell(&t, "TRIAL");
		cell(&t, "STATE");
		for (j = 0; j < r->nr_params; j++) {
			upper(hd, sizeof(hd), r->params[j]);
			cell(&t, hd);
		}
		for (j = 0; j < r->nr_metrics; j++) {
			upper(hd, sizeof(hd), r->metrics[j].name);
			buf_reset(&b);
			buf_addf(&b, "%s(%s)", hd, r->metrics[j].strategy);
			cell(&t, b.buf);
		}
		cell(&t, "DURATION");
		cell(&t, "CREATED");
		cell(&t, "REASON");
		for (i = 0; i < shown; i++) {
			const struct status_trial *tr = &r->trial[i];

			buf_reset(&b);
			buf_addf(&b, "%s%s", tr->name, (ptrdiff_t)i == r->best ? " *" : "");
			cell(&t, b.buf);
			cell(&t, paint(&b, state_sgr(tr->state, 0), tr->state));
			for (j = 0; j < r->nr_params; j++)
				cell(&t, tr->values[j] ? tr->values[j] : "-");
			for (j = 0; j < r->nr_metrics; j++) {
				if (tr->has_metric[j])
					num_shortest_g(n, sizeof(n), tr->metric[j]);
				cell(&t, tr->has_metric[j] ? n : "-");
			}
			fmt_duration(n, sizeof(n), tr->duration);
			cell(&t, n);
			snprintf(n, sizeof(n), "#%zu", tr->order + 1);
			cell(&t, n);
			cell(&t, tr->reason ? tr->reason : "");
		}
		fputc('\n', fp);
		table_print(fp, &t);
		if (shown < r->nr_trials)
			fprintf(fp, "(%zu more trials not shown)\n", r->nr_trials - shown);
	}
	if (chart)
		print_chart(fp, r, width);
	buf_release(&b);
}

/* ---- -w: following searches as they change ---- */

/*
 * Events closer together than this make one refresh: a trial finishing
 * changes the Trial, the Experiment and the Suggestion at once.
 */
#define BURST_MS 100
#define BACKOFF_MAX_MS 30000

/* What a followed view does; the loop (follow_run) is the same for both. */
struct follow_ops {
	/*
	 * Reads what the view shows: everything when full (at the start,
	 * after the cluster was lost or the watch expired), else only what
	 * the events since the last refresh touched.  0, or -1 with f set.
	 */
	int (*refresh)(void *view, int full, struct fail *f);
	/* Adds the view's watches, from the versions of the last refresh. */
	int (*watch)(void *view, struct kube_watch *w, struct fail *f);
	/* Notes an event; a refresh follows. */
	void (*event)(void *view, const struct kube_event *e);
	/* Shows the view; lost says why the cluster is out of reach, or NULL. */
	void (*draw)(void *view, const char *lost);
	/* 0 to go on, else the exit status plus one. */
	int (*done)(void *view);
};

struct follow_ctx {
	const struct follow_ops *ops;
	void *view;
	int dirty;
};

static int follow_event(void *data, const struct kube_event *e)
{
	struct follow_ctx *ctx = data;

	ctx->ops->event(ctx->view, e);
	ctx->dirty = 1;
	return 0;
}

/*
 * List once, then watch; refresh after each burst of events; when the
 * cluster goes away, say so and try again with a doubling backoff; when
 * the watch expires (410), list again.  Ends when the view is done, or
 * at Ctrl-C (exit 130, the shell's for SIGINT).
 */
static int follow_run(struct source *src, const struct follow_ops *ops, void *view)
{
	struct follow_ctx ctx = { ops, view, 0 };
	struct kube_watch *w = NULL;
	struct fail f = FAIL_INIT;
	long backoff = 0;
	int need_refresh = 0, st, ret;
	char lost[sizeof(f.msg) + 64];

	follow_signals_catch();
	for (;;) {
		if ((st = ops->done(view)))
			break;
		if (follow_interrupted())
			break;
		if (need_refresh) {
			if (ops->refresh(view, 1, &f)) {
				/* Gone while followed: nothing more will happen to it. */
				if (f.kind == FAIL_HTTP && f.http_status == 404)
					break;
				goto lost;
			}
			need_refresh = 0;
			backoff = 0;
			ops->draw(view, NULL);
			continue;
		}
		if (!w && (kube_watch_new(src->kube, &w, &f) || ops->watch(view, w, &f)))
			goto lost;
		ctx.dirty = 0;
		ret = kube_watch_wait(w, 1000, follow_event, &ctx, &f);
		/* A burst of events makes one refresh. */
		if (!ret && ctx.dirty) {
			int more;

			do {
				ctx.dirty = 0;
				ret = kube_watch_wait(w, BURST_MS, follow_event, &ctx, &f);
				more = ctx.dirty;
			} while (!ret && more && !follow_interrupted());
			ctx.dirty = 1;
		}
		if (ret < 0) {
			kube_watch_free(w);
			w = NULL;
			if (f.http_status == 410) {
				need_refresh = 1;
				continue;
			}
			goto lost;
		}
		if (ctx.dirty && !follow_interrupted()) {
			if (ops->refresh(view, 0, &f)) {
				if (f.kind == FAIL_HTTP && f.http_status == 404)
					break;
				goto lost;
			}
			backoff = 0;
		}
		ops->draw(view, NULL);
		continue;
lost:
		kube_watch_free(w);
		w = NULL;
		backoff = backoff ? backoff * 2 : 1000;
		if (backoff > BACKOFF_MAX_MS)
			backoff = BACKOFF_MAX_MS;
		snprintf(lost, sizeof(lost), "%s; trying again in %lds", f.msg, backoff / 1000);
		fail_clear(&f);
		ops->draw(view, lost);
		follow_sleep(backoff);
		need_refresh = 1;
	}
	kube_watch_free(w);
	if (!st && follow_interrupted())
		return 128 + follow_interrupted();
	if (!st)
		return api_failure(&f);	/* it was deleted */
	return st - 1;
}

/* "12:00:05": the time of a change, as the lines of a piped view start. */
static void clock_text(char *out, size_t size, int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(out, size, "%H:%M:%S", &tm))
		snprintf(out, size, "--:--:--");
}

/* A search has ended: exit 0 when it succeeded, 1 when it failed. */
static int finished(const struct status_report *r)
{
	if (!strcmp(r->phase, "Succeeded"))
		return 1;
	if (!strcmp(r->phase, "Failed"))
		return 2;
	return 0;
}

/* ---- status experiment NAME -w ---- */

struct trial_seen {
	char *name, *shown;	/* shown: what its line said */
};

struct status_view {
	struct source *src;
	const char *name;
	enum status_sort sort;
	size_t top;
	long width_opt;
	const char *format, *html;
	int tty, drawn;
	struct screen screen;
	struct snapshot snap;
	int have_snap;
	int64_t now, refreshed;
	struct status_report r;
	int have_report;
	char *summary_shown, *tree_shown;
	struct trial_seen *seen;
	size_t nr_seen, alloc_seen;
	int html_failed;
};

static void view_build(struct status_view *v)
{
	if (v->have_report)
		status_release(&v->r);
	get_now(&v->now, "status");
	status_build(&v->snap, v->now, &v->r);
	status_sort(&v->r, v->sort);
	v->have_report = 1;
}

static int status_refresh(void *data, int full, struct fail *f)
{
	struct status_view *v = data;
	struct snapshot snap;

	(void)full;	/* a snapshot is a fixed number of requests either way */
	if (snapshot_fetch(v->src->kube, v->src->ns, v->name, &snap, f))
		return -1;
	if (v->have_report) {
		status_release(&v->r);
		v->have_report = 0;
	}
	if (v->have_snap)
		snapshot_release(&v->snap);
	v->snap = snap;
	v->have_snap = 1;
	view_build(v);
	v->refreshed = v->now;
	if (v->html && write_status_html(v->html, &v->r))
		v->html_failed = 1;
	return 0;
}

static int status_watch(void *data, struct kube_watch *w, struct fail *f)
{
	struct status_view *v = data;
	const char *ns = v->src->ns;
	const char *exp_version = doc_str(doc_lookup(v->snap.experiment->root,
						     "metadata.resourceVersion"));
	struct buf path = BUF_INIT, field = BUF_INIT, label = BUF_INIT;
	int ret;

	buf_addf(&field, "metadata.name=%s", v->name);
	buf_addf(&label, EXPERIMENT_LABEL "=%s", v->name);
	buf_addf(&path, EXPERIMENTS_PATH "/namespaces/%s/experiments", ns);
	ret = kube_watch_add(w, 0, path.buf, NULL, field.buf, exp_version, f);
	buf_reset(&path);
	buf_addf(&path, EXPERIMENTS_PATH "/namespaces/%s/trials", ns);
	if (!ret)
		ret = kube_watch_add(w, 1, path.buf, label.buf, NULL, v->snap.trials_version, f);
	/*
	 * The Suggestion may not exist yet: from the Experiment's version,
	 * its creation is an event too.
	 */
	buf_reset(&path);
	buf_addf(&path, EXPERIMENTS_PATH "/namespaces/%s/suggestions", ns);
	if (!ret)
		ret = kube_watch_add(w, 2, path.buf, NULL, field.buf,
				     v->snap.suggestion
					     ? doc_str(doc_lookup(v->snap.suggestion, "metadata.resourceVersion"))
					     : exp_version, f);
	buf_release(&path);
	buf_release(&field);
	buf_release(&label);
	return ret;
}

static void status_event(void *data, const struct kube_event *e)
{
	(void)data;
	(void)e;	/* the refresh reads everything again */
}

/* print_status_text into a string, with at most top trials. */
static char *status_text(const struct status_report *r, size_t top, int width, int chart)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = xopen_memstream(&text, &len);

	print_status_text(fp, r, top, width, chart);
	fclose(fp);
	return text;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The whole view, its trial table cut so that it fits the terminal. */
static void status_frame(struct status_view *v, const char *lost, struct buf *out)
{
	int rows = screen_rows(&v->screen), width = v->width_opt ? (int)v->width_opt
							      : v->screen.cols;
	size_t top = v->top && v->top < v->r.nr_trials ? v->top : v->r.nr_trials;
	int chart = 1;
	char *text = status_text(&v->r, top, width, chart), clock[16];
	size_t lines = count_lines(text) + 2;

	/*
	 * Too tall for the terminal: fewer trial rows, then no chart, then
	 * the rest cut; the header and the footer always show.
	 */
	while (lines > (size_t)rows && (top > 1 || chart)) {
		size_t excess = lines - (size_t)rows + (top == v->r.nr_trials);	/* + "(N more ...)" */

		if (top > 1)
			top = excess < top ? top - excess : 1;
		else
			chart = 0;
		free(text);
		text = status_text(&v->r, top, width, chart);
		lines = count_lines(text) + 2;
	}
	if (lines > (size_t)rows) {
		size_t n = 0, max = (size_t)rows - 2;
		char *p = text;

		while (*p && n < max) {
			p = strchr(p, '\n');
			if (!p)
				break;
			p++;
			n++;
		}
		if (p)
			*p = 0;
	}
	buf_adds(out, text);
	free(text);
	clock_text(clock, sizeof(clock), v->refreshed);
	buf_addch(out, '\n');
	if (lost)
		buf_addf(out, "! %s\n", lost);
	else if (!finished(&v->r))
		buf_addf(out, "Updated at %s; watching (Ctrl-C to stop).\n", clock);
	else
		buf_addf(out, "The search has ended (%s).\n", v->r.phase);
}

static int by_seen_name(const void *pa, const void *pb)
{
	return strcmp(((const struct trial_seen *)pa)->name, ((const struct trial_seen *)pb)->name);
}

/* What a trial's line says, without the time: it is printed when this changes. */
static void trial_line(struct buf *b, const struct status_report *r, const struct status_trial *t)
{
	char n[64];

	buf_reset(b);
	buf_addf(b, "trial %s %s", t->name, t->state);
	if (t->has_metric[0]) {
		num_shortest_g(n, sizeof(n), t->metric[0]);
		buf_addf(b, " %s=%s", r->metrics[0].name, n);
	}
	if (t->reason)
		buf_addf(b, " (%s)", t->reason);
}

static void summary_line(struct buf *b, const struct status_report *r)
{
	struct buf state = BUF_INIT;
	char n[64];

	buf_reset(b);
	buf_addf(b, "Experiment %s/%s: %s, %zu/", r->ns, r->name, state_text(&state, r),
		 r->succeeded + r->failed + r->early_stopped);
	if (r->max_trials > 0)
		buf_addf(b, "%lld", (long long)r->max_trials);
	else
		buf_addch(b, '?');
	buf_addf(b, " done, %zu running", r->running);
	if (r->best >= 0) {
		num_shortest_g(n, sizeof(n), r->trial[r->best].metric[0]);
		buf_addf(b, ", best %s=%s (%s)", r->metrics[0].name, n, r->trial[r->best].name);
	}
	buf_release(&state);
}

/*
 * Piped: after the first view, one line per change (a trial that appeared
 * or changed, the search's summary when it changed), each with its time.
 */
static void status_lines(struct status_view *v)
{
	struct buf line = BUF_INIT;
	struct trial_seen *next = NULL, key;
	size_t i, nr_next = 0, alloc_next = 0;
	char clock[16];

	clock_text(clock, sizeof(clock), v->now);
	for (i = 0; i < v->r.nr_trials; i++) {
		const struct status_trial *t = &v->r.trial[i];
		struct trial_seen *old;

		trial_line(&line, &v->r, t);
		key.name = (char *)t->name;
		old = v->seen ? bsearch(&key, v->seen, v->nr_seen, sizeof(*v->seen), by_seen_name) : NULL;
		if (v->drawn && (!old || strcmp(old->shown, line.buf))) {
			printf("%s ", clock);
			puts_safe(stdout, line.buf);
			putchar('\n');
		}
		ALLOC_GROW(next, nr_next + 1, alloc_next);
		next[nr_next].name = xstrdup(t->name);
		next[nr_next++].shown = xstrdup(line.buf);
	}
	for (i = 0; i < v->nr_seen; i++) {
		free(v->seen[i].name);
		free(v->seen[i].shown);
	}
	free(v->seen);
	if (nr_next)
		qsort(next, nr_next, sizeof(*next), by_seen_name);
	v->seen = next;
	v->nr_seen = nr_next;
	v->alloc_seen = alloc_next;
	summary_line(&line, &v->r);
	if (v->drawn && (!v->summary_shown || strcmp(v->summary_shown, line.buf))) {
		printf("%s ", clock);
		puts_safe(stdout, line.buf);
		putchar('\n');
	}
	free(v->summary_shown);
	v->summary_shown = buf_detach(&line, NULL);
}

static void status_draw(void *data, const char *lost)
{
	struct status_view *v = data;

	if (v->format) {
		struct doc *d;
		struct doc_node *root;
		struct buf text = BUF_INIT;
		char *s;

		if (lost) {
			warning_msg("%s", lost);
			return;
		}
		d = doc_new("status", 0);
		root = doc_add(d, NULL, NULL, DOC_MAP, NULL);
		add_summary_tree(d, root, &v->r, 1,
				 v->top && v->top < v->r.nr_trials ? v->top : v->r.nr_trials);
		if (!strcmp(v->format, "yaml")) {
			doc_emit_yaml(root, &text);
			s = buf_detach(&text, NULL);
		} else {
			s = doc_to_json_pretty(root);
		}
		doc_free(d);
		/* A stream of documents, one per change, as kubectl get -w -o prints. */
		if (!v->tree_shown || strcmp(v->tree_shown, s)) {
			if (v->tree_shown && !strcmp(v->format, "yaml"))
				fputs("---\n", stdout);
			fputs(s, stdout);
			if (strcmp(v->format, "yaml"))
				fputc('\n', stdout);
			fflush(stdout);
			free(v->tree_shown);
			v->tree_shown = s;
		} else {
			free(s);
		}
		return;
	}
	if (v->tty) {
		struct buf frame = BUF_INIT;

		/* A clock tick: the elapsed time moves on without a request. */
		if (!lost)
			view_build(v);
		status_frame(v, lost, &frame);
		screen_draw(&v->screen, frame.buf);
		buf_release(&frame);
		v->drawn = 1;
		return;
	}
	if (lost) {
		warning_msg("%s", lost);
		return;
	}
	if (!v->drawn)
		print_status_text(stdout, &v->r, v->top, terminal_width(v->width_opt), 1);
	status_lines(v);
	fflush(stdout);
	v->drawn = 1;
}

static int status_done(void *data)
{
	struct status_view *v = data;

	return finished(&v->r);
}

static const struct follow_ops status_follow_ops = {
	status_refresh, status_watch, status_event, status_draw, status_done,
};

/* status -w: the search, followed until it ends. */
static int follow_status(struct source *src, const char *name, enum status_sort sort,
			 long top, long width, const char *format, const char *html)
{
	struct status_view v;
	struct fail f = FAIL_INIT;
	size_t i;
	int status;

	memset(&v, 0, sizeof(v));
	v.src = src;
	v.name = name;
	v.sort = sort;
	v.top = (size_t)top;
	v.width_opt = width;
	v.format = format;
	v.html = html;
	v.tty = !format && screen_usable(STDOUT_FILENO);
	screen_open(&v.screen, STDOUT_FILENO);
	if (status_refresh(&v, 1, &f))
		return api_failure(&f);
	status_draw(&v, NULL);
	status = follow_run(src, &status_follow_ops, &v);
	if (v.html_failed && status < 2)
		status = STATUS_RUNTIME;
	screen_close(&v.screen);
	for (i = 0; i < v.nr_seen; i++) {
		free(v.seen[i].name);
		free(v.seen[i].shown);
	}
	free(v.seen);
	free(v.summary_shown);
	free(v.tree_shown);
	if (v.have_report)
		status_release(&v.r);
	if (v.have_snap)
		snapshot_release(&v.snap);
	return status;
}

/* ---- get experiments -w ---- */

struct get_entry {
	char *ns, *name;
	char **cells;		/* the row, or NULL until read */
	char *shown;		/* the row as last printed (piped) */
	int dirty, deleted;
};

struct get_view {
	struct source *src;
	const char *ns;		/* NULL: every namespace */
	int all, wide, tree;	/* tree: -o json or yaml */
	const char *format;
	int tty, drawn;
	struct screen screen;
	size_t nr_cols;
	struct get_entry *entry;
	size_t nr, alloc;
	char *version;		/* the list's, to watch from */
	int64_t now;
};

static void entry_free_cells(struct get_view *v, struct get_entry *e)
{
	size_t i;

	for (i = 0; e->cells && i < v->nr_cols; i++)
		free(e->cells[i]);
	free(e->cells);
	e->cells = NULL;
}

static struct get_entry *entry_find(struct get_view *v, const char *ns, const char *name, int add)
{
	struct get_entry *e;
	size_t i;

	for (i = 0; i < v->nr; i++)
		if (!strcmp(v->entry[i].ns, ns) && !strcmp(v->entry[i].name, name))
			return &v->entry[i];
	if (!add)
		return NULL;
	ALLOC_GROW(v->entry, v->nr + 1, v->alloc);
	e = &v->entry[v->nr++];
	memset(e, 0, sizeof(*e));
	e->ns = xstrdup(ns);
	e->name = xstrdup(name);
	return e;
}

static int by_entry(const void *pa, const void *pb)
{
	const struct get_entry *a = pa, *b = pb;
	int c = strcmp(a->ns, b->ns);

	return c ? c : strcmp(a->name, b->name);
}

/* Reads one Experiment into its row; a deleted one is marked so. */
static int entry_read(struct get_view *v, struct get_entry *e, struct fail *f)
{
	struct snapshot snap;
	struct status_report r;
	struct table t;
	size_t i;

	/* From the lists of a full refresh when they hold it, else on its own. */
	if ((!v->src->set || snapshot_from_set(v->src->set, e->ns, e->name, &snap, f)) &&
	    (fail_clear(f), snapshot_fetch(v->src->kube, e->ns, e->name, &snap, f))) {
		if (f->kind == FAIL_HTTP && f->http_status == 404) {
			fail_clear(f);
			e->deleted = 1;
			e->dirty = 0;
			return 0;
		}
		return -1;
	}
	status_build(&snap, v->now, &r);
	entry_free_cells(v, e);
	e->cells = xcalloc(v->nr_cols, sizeof(*e->cells));
	if (v->tree) {
		/* -o json|yaml: the one cell is the summary, as get -o prints each. */
		struct doc *d = doc_new("get", 0);
		struct doc_node *root = doc_add(d, NULL, NULL, DOC_MAP, NULL);
		char *text = NULL;
		size_t len = 0;
		FILE *fp = xopen_memstream(&text, &len);

		add_summary_tree(d, root, &r, 0, 0);
		print_tree(fp, root, !strcmp(v->format, "yaml"));
		fclose(fp);
		doc_free(d);
		e->cells[0] = text;
	} else {
		memset(&t, 0, sizeof(t));
		t.nr_cols = v->nr_cols;
		get_row(&t, &r, v->all, v->wide);
		for (i = 0; i < v->nr_cols; i++)
			e->cells[i] = xstrdup(t.cell[i]);
		table_print(NULL, &t);
	}
	status_release(&r);
	snapshot_release(&snap);
	e->dirty = 0;
	e->deleted = 0;
	return 0;
}

static int get_refresh(void *data, int full, struct fail *f)
{
	struct get_view *v = data;
	size_t i;

	get_now(&v->now, "get");
	if (full) {
		struct exp_refs refs = { NULL, 0, 0 };

		free(v->version);
		if (source_list(v->src, v->ns, &refs, &v->version, f))
			return -1;
		/* What the list no longer has was deleted while we could not see. */
		for (i = 0; i < v->nr; i++)
			v->entry[i].deleted = 1;
		for (i = 0; i < refs.nr; i++) {
			struct get_entry *e = entry_find(v, refs.item[i].ns, refs.item[i].name, 1);

			e->deleted = 0;
			e->dirty = 1;
		}
		if (refs.nr && snapshot_set_fetch(v->src->kube, v->ns, &v->src->set, f)) {
			refs_release(&refs);
			return -1;
		}
		refs_release(&refs);
	}
	for (i = 0; i < v->nr; i++)
		if (v->entry[i].dirty && !v->entry[i].deleted && entry_read(v, &v->entry[i], f))
			break;
	/* The lists are for one refresh: later ones read what changed. */
	snapshot_set_free(v->src->set);
	v->src->set = NULL;
	if (i < v->nr)
		return -1;
	if (v->nr)
		qsort(v->entry, v->nr, sizeof(*v->entry), by_entry);
	return 0;
}

static int get_watch(void *data, struct kube_watch *w, struct fail *f)
{
	struct get_view *v = data;
	struct buf path = BUF_INIT;
	int ret;

	if (v->ns)
		buf_addf(&path, EXPERIMENTS_PATH "/namespaces/%s/experiments", v->ns);
	else
		buf_adds(&path, EXPERIMENTS_PATH "/experiments");
	ret = kube_watch_add(w, 0, path.buf, NULL, NULL, v->version, f);
	buf_release(&path);
	return ret;
}

static void get_event(void *data, const struct kube_event *e)
{
	struct get_view *v = data;
	const char *ns = doc_str(doc_lookup(e->object, "metadata.namespace"));
	const char *name = doc_str(doc_lookup(e->object, "metadata.name"));
	struct get_entry *entry;

	if (!name)
		return;
	entry = entry_find(v, ns ? ns : "default", name, strcmp(e->type, "DELETED"));
	if (!entry)
		return;
	if (!strcmp(e->type, "DELETED"))
		entry->deleted = 1;
	else
		entry->dirty = 1;
}

/* A row's cells as one string, to see whether it changed. */
static char *row_key(struct get_view *v, char **cells)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < v->nr_cols; i++) {
		buf_adds(&b, cells[i]);
		buf_addch(&b, '\t');
	}
	return buf_detach(&b, NULL);
}

/* One row alone, its cells three spaces apart. */
static char *row_text(struct get_view *v, char **cells)
{
	struct table t;
	char *text = NULL;
	size_t len = 0, i;
	FILE *fp = xopen_memstream(&text, &len);

	memset(&t, 0, sizeof(t));
	t.nr_cols = v->nr_cols;
	for (i = 0; i < v->nr_cols; i++)
		cell(&t, cells[i]);
	table_print(fp, &t);
	fclose(fp);
	return text;
}

static void get_draw(void *data, const char *lost)
{
	struct get_view *v = data;
	size_t i, j;

	if (v->tty) {
		struct table t;
		struct buf frame = BUF_INIT;
		char *text = NULL, clock[16];
		size_t len = 0, rows = (size_t)screen_rows(&v->screen), shown = 0;
		FILE *fp = xopen_memstream(&text, &len);

		get_header(&t, v->all, v->wide);
		for (i = 0; i < v->nr; i++) {
			if (v->entry[i].deleted || !v->entry[i].cells)
				continue;
			/* The header, the rows that fit, a blank and the footer. */
			if (shown + 4 > rows)
				break;
			for (j = 0; j < v->nr_cols; j++)
				cell(&t, v->entry[i].cells[j]);
			shown++;
		}
		table_print(fp, &t);
		fclose(fp);
		buf_adds(&frame, text);
		free(text);
		for (j = 0; i < v->nr; i++)
			j += !v->entry[i].deleted && v->entry[i].cells;
		if (j)
			buf_addf(&frame, "(%zu more not shown: the terminal is full)\n", j);
		clock_text(clock, sizeof(clock), v->now);
		if (lost)
			buf_addf(&frame, "\n! %s\n", lost);
		else
			buf_addf(&frame, "\nUpdated at %s; watching (Ctrl-C to stop).\n", clock);
		screen_draw(&v->screen, frame.buf);
		buf_release(&frame);
		v->drawn = 1;
		return;
	}
	if (lost) {
		warning_msg("%s", lost);
		return;
	}
	if (v->tree) {
		/* One document per Experiment and change, as kubectl get -w -o prints. */
		for (i = 0; i < v->nr; i++) {
			struct get_entry *e = &v->entry[i];

			if (!e->cells || e->deleted || (e->shown && !strcmp(e->shown, e->cells[0])))
				continue;
			if (v->drawn && !strcmp(v->format, "yaml"))
				fputs("---\n", stdout);
			fputs(e->cells[0], stdout);
			free(e->shown);
			e->shown = xstrdup(e->cells[0]);
			v->drawn = 1;
		}
		fflush(stdout);
		return;
	}
	/*
	 * Piped: the table once, aligned, then each row again (alone) when it
	 * changes, as kubectl get -w prints.
	 */
	if (!v->drawn) {
		struct table t;

		get_header(&t, v->all, v->wide);
		for (i = 0; i < v->nr; i++)
			for (j = 0; v->entry[i].cells && !v->entry[i].deleted && j < v->nr_cols; j++)
				cell(&t, v->entry[i].cells[j]);
		table_print(stdout, &t);
	}
	for (i = 0; i < v->nr; i++) {
		struct get_entry *e = &v->entry[i];
		char *key;

		if (!e->cells)
			continue;
		if (e->deleted) {
			free(e->cells[v->all ? 2 : 1]);
			e->cells[v->all ? 2 : 1] = xstrdup("Deleted");
		}
		key = row_key(v, e->cells);
		if (v->drawn && (!e->shown || strcmp(e->shown, key))) {
			char *text = row_text(v, e->cells);

			fputs(text, stdout);
			free(text);
		}
		free(e->shown);
		e->shown = key;
		if (e->deleted)
			entry_free_cells(v, e);
	}
	fflush(stdout);
	v->drawn = 1;
}

static int get_done(void *data)
{
	(void)data;
	return 0;	/* a list is followed until Ctrl-C, as kubectl get -w */
}

static const struct follow_ops get_follow_ops = {
	get_refresh, get_watch, get_event, get_draw, get_done,
};

static int follow_get(struct source *src, int all, const char *format)
{
	struct get_view v;
	struct fail f = FAIL_INIT;
	size_t i;
	int status;

	memset(&v, 0, sizeof(v));
	v.src = src;
	v.ns = all ? NULL : src->ns;
	v.all = all;
	v.tree = format && strcmp(format, "wide");
	v.wide = format && !v.tree;
	v.format = format;
	v.nr_cols = v.tree ? 1 : get_columns(all, v.wide);
	v.tty = !v.tree && screen_usable(STDOUT_FILENO);
	screen_open(&v.screen, STDOUT_FILENO);
	if (get_refresh(&v, 1, &f))
		return api_failure(&f);
	get_draw(&v, NULL);
	status = follow_run(src, &get_follow_ops, &v);
	screen_close(&v.screen);
	for (i = 0; i < v.nr; i++) {
		entry_free_cells(&v, &v.entry[i]);
		free(v.entry[i].ns);
		free(v.entry[i].name);
		free(v.entry[i].shown);
	}
	free(v.entry);
	free(v.version);
	return status;
}

int cmd_status(int argc, char **argv)
{
	struct getopt_tables opt;
	struct cluster_opts copts;
	struct source src;
	struct snapshot snap;
	struct status_report r;
	const char *format = NULL, *html = NULL, *name;
	enum status_sort sort = STATUS_SORT_CREATED;
	long top = 0, width = 0;
	int c, used = 0, watch = 0, status;
	int64_t now;
	char *end;

	memset(&copts, 0, sizeof(copts));
	memset(&src, 0, sizeof(src));
	optind = 1;
	opterr = 0;
	options_getopt(status_options, &opt);
	while ((c = getopt_long(argc, argv, opt.shortopts, opt.longopts, NULL)) != -1) {
		int taken = cluster_opt(&copts, c, optarg, "status");

		if (taken < 0)
			return STATUS_USAGE;
		if (taken)
			continue;
		switch (c) {
		case 'o':
			if (strcmp(optarg, "json") && strcmp(optarg, "yaml"))
				return usage_error("status", "unknown output format '%s' (use json or yaml)", optarg);
			format = optarg;
			break;
		case OPT_SORT:
			if (!strcmp(optarg, "objective"))
				sort = STATUS_SORT_OBJECTIVE;
			else if (!strcmp(optarg, "name"))
				sort = STATUS_SORT_NAME;
			else if (!strcmp(optarg, "created"))
				sort = STATUS_SORT_CREATED;
			else
				return usage_error("status", "unknown sort key '%s' (use objective, created or name)", optarg);
			break;
		case OPT_TOP:
			errno = 0;
			top = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || top < 1)
				return usage_error("status", "--top wants a positive number of trials, not '%s'", optarg);
			break;
		case OPT_WIDTH:
			errno = 0;
			width = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || width < 20 || width > 10000)
				return usage_error("status", "--width wants a number of columns from 20 to 10000, not '%s'", optarg);
			break;
		case OPT_HTML:
			html = optarg;
			break;
		case 'w':
			watch = 1;
			break;
		case OPT_FROM:
			src.from = optarg;
			break;
		case 'h':
			help_print(stdout, &status_help);
			return STATUS_OK;
		default:
			return options_usage_error("status", status_options, c, argv[optind - 1]);
		}
	}
	used = experiment_ref(argc - optind, argv + optind, &name);
	if (!used)
		return usage_error("status", optind < argc
				   ? "want 'experiment NAME' or 'experiment/NAME', not '%s'"
				   : "give an Experiment: status experiment NAME%s",
				   optind < argc ? argv[optind] : "");
	if (optind + used < argc)
		return usage_error("status", "unexpected argument '%s'", argv[optind + used]);
	color_decide(format != NULL);
	if (watch && src.from)
		return usage_error("status", "-w follows a cluster, and a recording does not change (serve it with 'katib-replay serve DIR --speed N' to replay its timeline)");
	if ((status = get_now(&now, "status")))
		return status;
	if ((status = source_open(&src, &copts)))
		return status;
	if (watch) {
		status = follow_status(&src, name, sort, top, width, format, html);
		source_close(&src);
		return status;
	}
	if ((status = source_snapshot(&src, src.ns, name, &snap))) {
		source_close(&src);
		return status;
	}
	status_build(&snap, now, &r);
	status_sort(&r, sort);
	if (format) {
		struct doc *d = doc_new("status", 0);
		struct doc_node *root = doc_add(d, NULL, NULL, DOC_MAP, NULL);

		add_summary_tree(d, root, &r, 1,
				 top && (size_t)top < r.nr_trials ? (size_t)top : r.nr_trials);
		print_tree(stdout, root, !strcmp(format, "yaml"));
		doc_free(d);
	} else {
		print_status_text(stdout, &r, (size_t)top, terminal_width(width), 1);
	}
	status = r.problem_id ? STATUS_FINDINGS : STATUS_OK;
	if (html && write_status_html(html, &r))
		status = STATUS_RUNTIME;
	status_release(&r);
	snapshot_release(&snap);
	source_close(&src);
	return status;
}
