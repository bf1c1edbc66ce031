/*
 * cmd-explain.c: `kubectl katib explain`, what a rule checks and why, or
 * what a field of an Experiment, Trial or Suggestion means, in the layout
 * of `kubectl explain` (which shows nothing for Katib's schemaless CRDs).
 */
#include "compat.h"
#include "admission.h"
#include "buf.h"
#include "cluster.h"
#include "cmd.h"
#include "diag.h"
#include "diagnose.h"
#include "kube.h"
#include "recorded.h"
#include "field-notes.h"
#include "katib-config.h"
#include "levenshtein.h"
#include "rule.h"
#include "schema.h"

#include <getopt.h>

struct resource {
	const char *singular, *plural, *kind;
	const struct schema_type *const *type;
};

static const struct resource resources[] = {
	{ "experiment", "experiments", "Experiment", &schema_experiment },
	{ "trial", "trials", "Trial", &schema_trial },
	{ "suggestion", "suggestions", "Suggestion", &schema_suggestion },
};

/* ---- diagnoses and admission denials ---- */

/*
 * The ids `explain experiment NAME` and the webhook show in brackets
 * besides the rules': a user who sees one asks `explain ID` next.
 */
static void explain_diagnosis_kind(const struct diagnosis_kind *k, int after_rule)
{
	if (after_rule)
		printf("\nAlso a diagnosis of 'kubectl katib explain experiment NAME' (%s):\n",
		       severity_name(k->severity));
	else
		printf("%s (%s, a diagnosis of 'kubectl katib explain experiment NAME')\n\n",
		       k->id, severity_name(k->severity));
	printf("Means:      %s.\n", k->meaning);
	if (k->fix)
		printf("Fix:        %s.\n", k->fix);
	if (!after_rule)
		printf("\nIt is diagnosed on a live Experiment (or a recorded one, --from)\n"
		       "from the objects around it; the evidence quotes them.\n");
}

static int explain_admission_id(const char *id, const char *meaning)
{
	printf("%s (error, a denial of 'kubectl katib webhook serve' and\n"
	       "'validate --admission-review' for an UPDATE)\n\n", id);
	printf("Means:      %s.\n", meaning);
	printf("Why:        Katib's webhook denies the same UPDATE with the same words;\n"
	       "            the id in brackets is ours.\n");
	return STATUS_OK;
}

static int explain_list(void)
{
	size_t i;

	printf("Rules (validate, and the webhook's denials):\n");
	for (i = 0; i < nr_rules; i++)
		printf("  %-38s %-8s %s\n", rules[i].id,
		       severity_name(rules[i].severity), rules[i].summary);
	printf("\nDiagnoses (explain experiment NAME):\n");
	for (i = 0; i < nr_diagnosis_kinds; i++)
		printf("  %-38s %-8s %s\n", diagnosis_kinds[i].id,
		       severity_name(diagnosis_kinds[i].severity),
		       diagnosis_kinds[i].meaning);
	printf("\nUpdate denials (the webhook, validate --admission-review):\n");
	for (i = 0; admission_update_ids[i]; i++)
		printf("  %-38s %-8s %s\n", admission_update_ids[i], "error",
		       admission_update_meaning(admission_update_ids[i]));
	return STATUS_OK;
}

/* ---- rules ---- */

static void print_example(const char *title, const char *lines)
{
	printf("%s\n%s", title, lines);
}

static int explain_rule(const struct rule *r)
{
	const struct rule_doc *doc = rule_doc_find(r->id);

	printf("%s (%s)\n\n", r->id, severity_name(r->severity));
	printf("Checks:     %s.\n", r->summary);
	if (r->since == 0)
		printf("Applies to: every Katib release; Katib itself does not check this\n"
		       "            before admission, so the Experiment is accepted and then fails.\n");
	else if (r->since <= KATIB_MINOR_OLDEST)
		printf("Applies to: every release kubectl-katib knows (v0.%d to v0.%d).\n",
		       KATIB_MINOR_OLDEST, KATIB_MINOR_LATEST);
	else
		printf("Applies to: Katib v0.%d and later (--katib-version v0.%d or older turns it off).\n",
		       r->since, r->since - 1);
	if (r->upstream && strcmp(r->upstream, "LINT"))
		printf("Upstream:   %s (ids of the rule catalogue it mirrors)\n", r->upstream);
	printf("Why:        %s\n", r->source);
	if (doc && doc->bad && doc->good) {
		putchar('\n');
		if (doc->args)
			printf("The examples are checked with: validate %s\n", doc->args);
		print_example("Bad:", doc->bad);
		print_example("Fixed:", doc->good);
	}
	printf("\nTurn it off with 'validate --disable %s', or for one line with\n"
	       "the comment '# katib:ignore %s <reason>'.\n", r->id, r->id);
	if (diagnosis_kind_find(r->id))
		explain_diagnosis_kind(diagnosis_kind_find(r->id), 1);
	return STATUS_OK;
}

/* ---- fields ---- */

/* Words of text wrapped at 80 columns, each line indented. */
static void print_wrapped(const char *text, unsigned indent)
{
	const char *p = text;
	unsigned col = 0;

	while (*p) {
		size_t n;

		while (*p == ' ' || *p == '\n')
			p++;
		n = strcspn(p, " \n");
		if (!n)
			break;
		if (col && col + 1 + n > 80) {
			putchar('\n');
			col = 0;
		}
		if (!col) {
			printf("%*s", indent, "");
			col = indent;
		} else {
			putchar(' ');
			col++;
		}
		fwrite(p, 1, n, stdout);
		col += (unsigned)n;
		p += n;
	}
	if (col)
		putchar('\n');
}

/* Objects below arrays and maps: what a path segment steps into. */
static const struct schema_type *object_of(const struct schema_type *t)
{
	while (t && (t->kind == SCHEMA_ARRAY || t->kind == SCHEMA_MAP))
		t = t->elem;
	return t;
}

static void print_fields_recursive(const struct schema_type *t, unsigned depth,
				   const struct schema_type **stack)
{
	size_t i, j;

	t = object_of(t);
	if (!t || t->kind != SCHEMA_OBJECT || depth > 15)
		return;
	for (j = 0; j < depth; j++)
		if (stack[j] == t)
			return;	/* a type that contains itself */
	stack[depth] = t;
	for (i = 0; i < t->nr_fields; i++) {
		struct buf label = BUF_INIT;

		schema_type_label(t->fields[i].type, &label);
		printf("%*s%s\t<%s>\n", 2 + 2 * depth, "", t->fields[i].name, label.buf);
		buf_release(&label);
		print_fields_recursive(t->fields[i].type, depth + 1, stack);
	}
}

static void print_notes(const char *path)
{
	const struct field_note *n = field_note_find(path);

	if (!n)
		return;
	if (n->dflt)
		printf("\nDEFAULT:\n    %s\n", n->dflt);
	if (n->accepts) {
		struct buf b = BUF_INIT;

		buf_adds(&b, n->accepts);
		if (n->config_list)
			buf_addf(&b, "; by default: %s",
				 katib_config_join(n->config_list == 1
							   ? katib_config_default.algorithms
							   : katib_config_default.early_stoppings));
		printf("\nACCEPTS:\n");
		print_wrapped(b.buf, 4);
		buf_release(&b);
	}
}

static int explain_field(const struct resource *res, const char *path,
			 int recursive)
{
	const struct schema_type *t = *res->type;
	const struct schema_field *field = NULL;
	struct buf label = BUF_INIT, walked = BUF_INIT;
	const char *p = path, *dot;

	while (p && *p) {
		const struct schema_type *obj = object_of(t);
		size_t n;

		dot = strchr(p, '.');
		n = dot ? (size_t)(dot - p) : strlen(p);
		field = obj && obj->kind == SCHEMA_OBJECT ? schema_field(obj, p, n) : NULL;
		if (!field) {
			const char *near = obj && obj->kind == SCHEMA_OBJECT
						   ? schema_suggest(obj, p, n) : NULL;

			error_msg("field \"%.*s\" does not exist in %s%s%s", (int)n, p,
				  res->singular, walked.len ? "." : "", walked.buf);
			if (near)
				hint_msg("did you mean '%s'?", near);
			buf_release(&walked);
			return STATUS_USAGE;
		}
		if (walked.len)
			buf_addch(&walked, '.');
		buf_add(&walked, p, n);
		t = field->type;
		p = dot ? dot + 1 : NULL;
	}

	printf("GROUP:      kubeflow.org\nKIND:       %s\nVERSION:    v1beta1\n\n",
	       res->kind);
	schema_type_label(t, &label);
	if (field)
		printf("FIELD: %s <%s>\n\n", field->name, label.buf);
	printf("DESCRIPTION:\n");
	if (field && field->doc)
		print_wrapped(field->doc, 4);
	else if (!field && t->doc)
		print_wrapped(t->doc, 4);
	else if (object_of(t) && object_of(t)->doc)
		print_wrapped(object_of(t)->doc, 4);
	else
		printf("    <empty>\n");
	if (field)
		print_notes(walked.buf);

	t = object_of(t);
	if (t && t->kind == SCHEMA_OBJECT && t->nr_fields) {
		size_t i;

		printf("\nFIELDS:\n");
		if (recursive) {
			const struct schema_type *stack[16];

			print_fields_recursive(t, 0, stack);
		} else {
			for (i = 0; i < t->nr_fields; i++) {
				buf_reset(&label);
				schema_type_label(t->fields[i].type, &label);
				printf("  %s\t<%s>\n", t->fields[i].name, label.buf);
				if (t->fields[i].doc)
					print_wrapped(t->fields[i].doc, 4);
				putchar('\n');
			}
		}
	}
	buf_release(&label);
	buf_release(&walked);
	return STATUS_OK;
}


/* ---- live Experiments ---- */

static void json_str(struct buf *b, const char *s)
{
	buf_add_json_str(b, s, strlen(s));
}

static void print_json(FILE *fp, const struct snapshot *s,
		       const struct diagnosis_list *list)
{
	struct buf b = BUF_INIT;
	size_t i, j;
	struct buf id = BUF_INIT;

	buf_addf(&id, "%s/%s", s->ns, s->name);
	buf_adds(&b, "{\"experiment\": ");
	json_str(&b, id.buf);
	buf_release(&id);
	buf_adds(&b, ", \"phase\": ");
	json_str(&b, list->phase);
	buf_adds(&b, ", \"diagnoses\": [");
	for (i = 0; i < list->nr; i++) {
		const struct diagnosis *d = &list->item[i];

		buf_adds(&b, i ? ",\n  {\"id\": " : "\n  {\"id\": ");
		json_str(&b, d->id);
		buf_adds(&b, ", \"severity\": ");
		json_str(&b, severity_name(d->severity));
		buf_adds(&b, ", \"summary\": ");
		json_str(&b, d->summary);
		buf_adds(&b, ", \"evidence\": [");
		for (j = 0; j < d->nr_evidence; j++) {
			buf_adds(&b, j ? ", {\"object\": " : "{\"object\": ");
			json_str(&b, d->evidence[j].object);
			buf_adds(&b, ", \"field\": ");
			json_str(&b, d->evidence[j].field);
			buf_adds(&b, ", \"text\": ");
			json_str(&b, d->evidence[j].text);
			buf_addch(&b, '}');
		}
		buf_adds(&b, "], \"fix\": ");
		if (d->fix)
			json_str(&b, d->fix);
		else
			buf_adds(&b, "null");
		if (d->upstream) {
			buf_adds(&b, ", \"upstream\": ");
			json_str(&b, d->upstream);
		}
		buf_addch(&b, '}');
	}
	buf_adds(&b, list->nr ? "\n]}\n" : "]}\n");
	fwrite(b.buf, 1, b.len, fp);
	buf_release(&b);
}

static void print_text(FILE *fp, const struct snapshot *s,
		       const struct diagnosis_list *list)
{
	size_t i, j;

	fprintf(fp, "Experiment %s/%s: ", s->ns, s->name);
	puts_safe(fp, list->phase);
	fputc('\n', fp);
	for (i = 0; i < list->nr; i++) {
		const struct diagnosis *d = &list->item[i];

		fprintf(fp, "\n%s: ", severity_name(d->severity));
		puts_safe(fp, d->summary);
		fprintf(fp, " [%s]\n", d->id);
		/* Evidence quotes the cluster (messages, logs): put_safe(). */
		for (j = 0; j < d->nr_evidence; j++) {
			const char *t = d->evidence[j].text;

			fputs("  evidence: ", fp);
			puts_safe(fp, d->evidence[j].object);
			fputc(' ', fp);
			puts_safe(fp, d->evidence[j].field);
			fputs(":\n", fp);
			/* Log tails span lines: keep each under the evidence. */
			while (*t) {
				size_t n = strcspn(t, "\n");

				fputs("    ", fp);
				put_safe(fp, t, n);
				fputc('\n', fp);
				t += n + (t[n] == '\n');
			}
		}
		if (d->fix) {
			fputs("  fix: ", fp);
			puts_safe(fp, d->fix);
			fputc('\n', fp);
		}
		if (d->upstream)
			fprintf(fp, "  upstream: %s\n", d->upstream);
	}
}

int explain_diagnosis(FILE *fp, const struct snapshot *snap, int json)
{
	struct diagnosis_list list;
	int problem;

	memset(&list, 0, sizeof(list));
	diagnose(snap, &katib_config_default, &list);
	if (json)
		print_json(fp, snap, &list);
	else
		print_text(fp, snap, &list);
	problem = diagnosis_list_has_problem(&list);
	diagnosis_list_release(&list);
	return problem;
}

static int explain_recorded(const char *dir, const char *name, const char *ns,
			    int json)
{
	struct recorded rec;
	struct snapshot snap;
	struct fail f = FAIL_INIT;
	int status;

	if ((status = cluster_load_recording(&rec, dir)))
		return status;
	if (snapshot_from_recorded(&rec, ns ? ns : "default", name, &snap, &f)) {
		error_msg("%s", f.msg);
		recorded_release(&rec);
		return STATUS_RUNTIME;
	}
	status = explain_diagnosis(stdout, &snap, json) ? STATUS_FINDINGS : STATUS_OK;
	snapshot_release(&snap);
	recorded_release(&rec);
	return status;
}

static int explain_live(const char *name, const struct cluster_opts *copts,
			int json)
{
	struct kube_config cfg;
	struct kube_client *kube;
	struct snapshot snap;
	struct fail f = FAIL_INIT;
	int status;

	if (cluster_connect(copts, &cfg, &kube))
		return STATUS_RUNTIME;
	if (snapshot_fetch(kube, cfg.namespace, name, &snap, &f)) {
		cluster_disconnect(&cfg, kube);
		return api_failure(&f);
	}
	status = explain_diagnosis(stdout, &snap, json) ? STATUS_FINDINGS : STATUS_OK;
	snapshot_release(&snap);
	cluster_disconnect(&cfg, kube);
	return status;
}

static const struct resource *find_resource(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(resources); i++)
		if ((strlen(resources[i].singular) == n &&
		     !strncasecmp(s, resources[i].singular, n)) ||
		    (strlen(resources[i].plural) == n &&
		     !strncasecmp(s, resources[i].plural, n)))
			return &resources[i];
	return NULL;
}

static int unknown_topic(const char *arg)
{
	size_t i, len = strlen(arg);

	error_msg("'%s' is neither a rule, a diagnosis nor a field of experiment, trial or suggestion",
		  arg);
	for (i = 0; i < nr_rules; i++)
		if (levenshtein(arg, len, rules[i].id, strlen(rules[i].id), 0) <= 3)
			hint_msg("did you mean '%s'?", rules[i].id);
	for (i = 0; i < nr_diagnosis_kinds; i++)
		if (levenshtein(arg, len, diagnosis_kinds[i].id,
				strlen(diagnosis_kinds[i].id), 0) <= 3 &&
		    !rule_find(diagnosis_kinds[i].id))
			hint_msg("did you mean '%s'?", diagnosis_kinds[i].id);
	fputs("see 'kubectl katib explain --list' and 'kubectl katib explain --help'\n",
	      errout());
	return STATUS_USAGE;
}

enum {
	OPT_RECURSIVE = 256, OPT_FROM, OPT_LIST,
};

static const char *const explain_formats[] = { "text", "json", NULL };

const struct cmd_option explain_options[] = {
	OPT_FLAG("recursive", 0, OPT_RECURSIVE,
		 "list every field below, without descriptions"),
	OPT_FLAG("list", 0, OPT_LIST,
		 "list every id explain knows: the rules, the diagnoses\n"
		 "and the webhook's update denials"),
	OPT_VALUE("from", 0, OPT_FROM, COMPLETE_DIR, "DIR",
		  "diagnose a recorded cluster instead of a live one"),
	OPT_WORDS("output", 'o', 'o', explain_formats, "FORMAT",
		  "text (default) or json (a live Experiment)"),
	OPT_FLAG("help", 'h', 'h', "show this help"),
	CLUSTER_OPTIONS,
	OPT_END,
};

static const struct help_item explain_items[] = {
	HELP_ITEM("list"),
	HELP_ITEM("recursive"),
	HELP_ITEM("output"),
	{ "namespace", NULL,
	  "the Experiment's namespace (default: the context's,\n"
	  "or \"default\" with --from)" },
	HELP_ITEM("from"),
	CLUSTER_HELP_ITEM,
	HELP_ITEM("help"),
	HELP_ITEM_END,
};

static const struct help_section explain_sections[] = {
	{ HELP_TEXT, NULL,
	  "Explain any id shown in brackets: a validate rule (what it checks, why\n"
	  "Katib fails without it, a bad and a fixed example, the Katib releases\n"
	  "it applies to), a diagnosis of a live Experiment, or a denial of the\n"
	  "webhook.  Or document a field of an Experiment, Trial or Suggestion,\n"
	  "with the default Katib fills in and the values it accepts.", NULL },
	{ HELP_TEXT, NULL,
	  "  kubectl katib explain name-invalid\n"
	  "  kubectl katib explain experiment.spec.trialTemplate.primaryContainerName\n"
	  "  kubectl katib explain experiment.spec.objective --recursive\n"
	  "  kubectl katib explain experiment mnist-random -n team-a", NULL },
	{ HELP_TEXT, NULL,
	  "The last form reads an Experiment from the cluster, with its Suggestion,\n"
	  "Trials, their pods and the namespace's events, and says why it is stuck\n"
	  "or failed: the evidence and the fix.  With --from, the same from a\n"
	  "recorded cluster (a folder of `kubectl get -o yaml` dumps).", NULL },
	{ HELP_OPTIONS, "Options:", NULL, explain_items },
	{ HELP_EXIT, NULL,
	  "Exit status for a live Experiment: 0 healthy, succeeded or starting,\n"
	  "1 a problem was diagnosed, 3 the cluster could not be read.", NULL },
	{ HELP_TEXT, NULL,
	  "'kubectl katib explain --list' lists every id.", NULL },
	{ HELP_EXAMPLES, "Examples:",
	  "kubectl katib explain primary-container-not-found\n"
	  "kubectl katib explain experiment.spec.algorithm --recursive\n"
	  "kubectl katib explain experiment mnist -n team-a\n"
	  "kubectl katib explain experiment mnist -n team-a --from recorded/cluster -o json",
	  NULL },
	{ HELP_END, NULL, NULL, NULL },
};

const struct cmd_help explain_help = {
	.name = "explain",
	.synopsis = "explain ID\n"
		    "explain --list\n"
		    "explain RESOURCE[.FIELD...] [--recursive]\n"
		    "explain experiment NAME [-n NS] [--from DIR] [-o text|json]",
	.options = explain_options,
	.column = 27,
	.sections = explain_sections,
};

/*
 * Completes a rule id, a resource, or the next field of a path:
 * "experiment.spec.obj" -> "experiment.spec.objective".
 */
int explain_complete(const char *word)
{
	const char *dot = strchr(word, '.'), *p, *last;
	const struct resource *res;
	const struct schema_type *t;
	size_t i;

	if (!dot) {
		complete_rule_ids(word, "");
		for (i = 0; i < ARRAY_SIZE(resources); i++)
			complete_wordf("%s.", resources[i].singular);
		return COMPLETE_DIRECTIVE_NO_FILES | COMPLETE_DIRECTIVE_NO_SPACE;
	}
	res = find_resource(word, (size_t)(dot - word));
	if (!res)
		return COMPLETE_DIRECTIVE_NO_FILES;
	t = *res->type;
	last = strrchr(word, '.');
	for (p = dot + 1; p < last;) {
		const struct schema_type *obj = object_of(t);
		const struct schema_field *f;
		size_t n = strcspn(p, ".");

		f = obj && obj->kind == SCHEMA_OBJECT ? schema_field(obj, p, n) : NULL;
		if (!f)
			return COMPLETE_DIRECTIVE_NO_FILES;
		t = f->type;
		p += n + 1;
	}
	t = object_of(t);
	if (!t || t->kind != SCHEMA_OBJECT)
		return COMPLETE_DIRECTIVE_NO_FILES;
	for (i = 0; i < t->nr_fields; i++) {
		const struct schema_type *ft = object_of(t->fields[i].type);
		int more = ft && ft->kind == SCHEMA_OBJECT && ft->nr_fields;

		complete_wordf("%.*s%s%s", (int)(last + 1 - word), word,
		       t->fields[i].name, more ? "." : "");
	}
	return COMPLETE_DIRECTIVE_NO_FILES | COMPLETE_DIRECTIVE_NO_SPACE;
}

int cmd_explain(int argc, char **argv)
{
	struct getopt_tables opt;
	const struct resource *res;
	const struct rule *r;
	const char *arg, *dot, *from = NULL, *name = NULL;
	int c, recursive = 0, json = 0, list = 0, used;
	const struct diagnosis_kind *k;
	const char *meaning;
	struct cluster_opts copts;

	memset(&copts, 0, sizeof(copts));
	optind = 1;
	opterr = 0;
	options_getopt(explain_options, &opt);
	while ((c = getopt_long(argc, argv, opt.shortopts, opt.longopts, NULL)) != -1) {
		int taken = cluster_opt(&copts, c, optarg, "explain");

		if (taken < 0)
			return STATUS_USAGE;
		if (taken)
			continue;
		switch (c) {
		case OPT_RECURSIVE:
			recursive = 1;
			break;
		case OPT_FROM:
			from = optarg;
			break;
		case OPT_LIST:
			list = 1;
			break;
		case 'o':
			if (strcmp(optarg, "json") && strcmp(optarg, "text"))
				return usage_error("explain", "unknown output format '%s' (use text or json)", optarg);
			json = !strcmp(optarg, "json");
			break;
		case 'h':
			help_print(stdout, &explain_help);
			return STATUS_OK;
		default:
			return options_usage_error("explain", explain_options, c,
						   argv[optind - 1]);
		}
	}
	if (list) {
		if (optind < argc)
			return usage_error("explain", "--list takes no argument");
		return explain_list();
	}
	if (optind >= argc)
		return usage_error("explain", "give an id or a field, e.g. experiment.spec");
	arg = argv[optind];
	used = experiment_ref(argc - optind, argv + optind, &name);
	if (used && optind + used == argc) {
		if (recursive)
			return usage_error("explain", "--recursive is for fields");
		if (from)
			return explain_recorded(from, name, copts.overrides.namespace,
						json);
		return explain_live(name, &copts, json);
	}
	if (optind + 1 < argc)
		return usage_error("explain", "unexpected argument '%s'",
				   argv[optind + (used ? used : 1)]);
	if (from)
		return usage_error("explain", "--from is for 'explain experiment NAME'");
	if ((r = rule_find(arg))) {
		if (recursive)
			return usage_error("explain", "--recursive is for fields, not rules");
		return explain_rule(r);
	}
	if ((k = diagnosis_kind_find(arg)) || (meaning = admission_update_meaning(arg))) {
		if (recursive)
			return usage_error("explain", "--recursive is for fields, not ids");
		if (!k)
			return explain_admission_id(arg, meaning);
		explain_diagnosis_kind(k, 0);
		return STATUS_OK;
	}
	dot = strchr(arg, '.');
	res = find_resource(arg, dot ? (size_t)(dot - arg) : strlen(arg));
	if (!res)
		return unknown_topic(arg);
	return explain_field(res, dot ? dot + 1 : NULL, recursive);
}
