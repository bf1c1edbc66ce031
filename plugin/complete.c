/*
 * complete.c: shell completion.  `kubectl-katib __complete WORDS...`
 * speaks the protocol of Cobra programs, which kubectl (1.26 and later)
 * uses for plugins through kubectl_complete-katib: the candidates, one a
 * line, then ":DIRECTIVE".  `completion bash|zsh|fish` prints a script
 * that asks it the same way.  What completes comes from each command's table
 * of options (options.h) and its args in commands[].
 */
#include "compat.h"
#include "cmd.h"
#include "cluster.h"
#include "experiment.h"
#include "fail.h"
#include "kube.h"
#include "rule.h"

#include <stdarg.h>

/* The word being completed, and what to print before each candidate. */
static const char *complete_cur = "";
static const char *complete_prefix = "";

void complete_wordf(const char *fmt, ...)
{
	char word[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(word, sizeof(word), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(word))
		return;
	if (!strncmp(word, complete_cur, strlen(complete_cur)))
		printf("%s%s\n", complete_prefix, word);
}

int complete_rule_ids(const char *word, const char *suffix)
{
	size_t i;

	(void)word;
	for (i = 0; i < nr_rules; i++)
		complete_wordf("%s%s", rules[i].id, suffix);
	return COMPLETE_DIRECTIVE_NO_FILES;
}

static int complete_value(enum complete_as as, const char *const *words,
			  int (*fn)(const char *), const char *word)
{
	switch (as) {
	case COMPLETE_NOTHING:
		return COMPLETE_DIRECTIVE_NO_FILES;
	case COMPLETE_FILE:
		return COMPLETE_DIRECTIVE_DEFAULT;
	case COMPLETE_MANIFEST:
		/* Extensions, not candidates: the shell lists the files. */
		printf("yaml\nyml\njson\n");
		return COMPLETE_DIRECTIVE_FILTER_EXT;
	case COMPLETE_DIR:
		return COMPLETE_DIRECTIVE_DIRS;
	case COMPLETE_WORDS:
		for (; words && *words; words++)
			complete_wordf("%s", *words);
		return COMPLETE_DIRECTIVE_NO_FILES;
	case COMPLETE_FN:
		return fn ? fn(word) : COMPLETE_DIRECTIVE_NO_FILES;
	}
	return COMPLETE_DIRECTIVE_NO_FILES;
}

/*
 * Names from the cluster: the shell waits for them, so a cluster that does
 * not answer costs at most this long (unless --request-timeout says more),
 * and one that cannot be reached offers nothing and says nothing.
 */
#define CLUSTER_COMPLETE_TIMEOUT "2s"

/* What an item's name is offered with: the "experiment/" the word began with. */
struct name_words {
	const char *prefix;
	int prefix_len;
};

static int complete_item_name(void *data, const struct doc_node *item)
{
	const struct name_words *w = data;
	const char *name = doc_get_str(doc_get_kind(item, "metadata", DOC_MAP), "name");

	if (name)
		complete_wordf("%.*s%s", w->prefix_len, w->prefix, name);
	return 0;
}

/* what: "namespaces" or "experiments" (in the namespace in effect). */
static int complete_from_cluster(struct cluster_opts *o, const char *what,
				 const char *prefix, int prefix_len)
{
	struct kube_config cfg;
	struct kube_client *client;
	struct name_words w = { prefix, prefix_len };
	struct fail f = FAIL_INIT;
	struct buf path = BUF_INIT;

	if (!o->request_timeout)
		o->request_timeout = CLUSTER_COMPLETE_TIMEOUT;
	/* Whatever goes wrong, the shell shows no message mid-line. */
	if (!cluster_open(o, &cfg, &client, &f)) {
		if (!strcmp(what, "namespaces"))
			buf_adds(&path, "/api/v1/namespaces");
		else
			buf_addf(&path, "/apis/kubeflow.org/v1beta1/namespaces/%s/experiments",
				 cfg.namespace);
		kube_list(client, path.buf, NULL, NULL, complete_item_name, &w, NULL, &f);
		cluster_disconnect(&cfg, client);
	}
	buf_release(&path);
	return COMPLETE_DIRECTIVE_NO_FILES;
}

/*
 * The arguments of commands that name an Experiment on the cluster
 * (status, explain, repro record): the type, then the names the cluster
 * has, also as "experiment/NAME".  Returns -1 when cur is no such place.
 */
static int complete_experiment(struct cluster_opts *o, const char *cmd,
			       int npos, char **pos, const char *cur)
{
	const char *slash = strchr(cur, '/');

	if (npos == 0 && slash)
		return experiment_type(cur, (size_t)(slash - cur))
			       ? complete_from_cluster(o, "experiments", cur,
						       (int)(slash + 1 - cur))
			       : -1;
	if (npos == 1 && experiment_type(pos[0], strlen(pos[0])))
		return complete_from_cluster(o, "experiments", "", 0);
	/* explain's first word is as often a rule or a field. */
	if (npos == 0 && strcmp(cmd, "explain")) {
		complete_wordf("experiment");
		return COMPLETE_DIRECTIVE_NO_FILES;
	}
	return -1;
}

/* The options that say which cluster to ask, as the command would take them. */
static void take_cluster_option(struct cluster_opts *o,
				const struct cmd_option *opt, const char *value)
{
	/* -v and a bad --request-timeout would print; neither picks the cluster. */
	if (opt->val == 'v' || (opt->val == CLUSTER_OPT_REQUEST_TIMEOUT &&
				cluster_parse_timeout(value) < 0))
		return;
	cluster_opt(o, opt->val, value, "completion");
}

static const struct cmd_option *short_option(const struct cmd_option *opts,
					     int letter)
{
	for (; opts->name; opts++)
		if (opts->short_name == letter)
			return opts;
	return NULL;
}

static int complete(const struct cmd *cmds, size_t nr, int argc, char **argv)
{
	const struct cmd *cmd = NULL;
	const struct cmd_option *pending = NULL, *o, *opts;
	const char *cur = argc ? argv[argc - 1] : "";
	int i, first, after_dashdash = 0, npos = 0;
	struct cluster_opts copts = { { NULL, NULL, NULL, NULL, NULL }, NULL, 0 };
	char *pos[4];
	size_t k;

	complete_cur = cur;
	if (argc <= 1) {
		for (k = 0; k < nr; k++)
			complete_wordf("%s", cmds[k].name);
		complete_wordf("help");
		complete_wordf("version");
		return COMPLETE_DIRECTIVE_NO_FILES;
	}
	for (k = 0; k < nr; k++)
		if (!strcmp(argv[0], cmds[k].name))
			cmd = &cmds[k];
	if (!strcmp(argv[0], "help") && argc == 2) {
		for (k = 0; k < nr; k++)
			complete_wordf("%s", cmds[k].name);
		return COMPLETE_DIRECTIVE_NO_FILES;
	}
	if (!cmd)
		return COMPLETE_DIRECTIVE_NO_FILES;
	opts = cmd->options;
	first = 1;
	/* "repro record ...": the subcommand's own options, and files after. */
	if (cmd->help && cmd->help->subcommands && argc > 2) {
		const struct cmd_help *const *sub;

		for (sub = cmd->help->subcommands; *sub; sub++) {
			const char *n = strchr((*sub)->name, ' ');

			if (n && !strcmp(n + 1, argv[1])) {
				opts = (*sub)->options;
				first = 2;
				break;
			}
		}
	}

	for (i = first; i < argc - 1; i++) {
		const char *w = argv[i];

		if (pending) {
			take_cluster_option(&copts, pending, w);
			pending = NULL;
		} else if (after_dashdash) {
			continue;
		} else if (!strcmp(w, "--")) {
			after_dashdash = 1;
		} else if (w[0] == '-' && w[1] == '-') {
			o = options_find(opts, w);
			if (o && o->has_arg == required_argument && !strchr(w, '='))
				pending = o;
			else if (o && strchr(w, '='))
				take_cluster_option(&copts, o, strchr(w, '=') + 1);
		} else if (w[0] == '-' && w[1]) {
			o = short_option(opts, w[1]);
			if (o && o->has_arg == required_argument && !w[2])
				pending = o;
			else if (o && o->has_arg == required_argument)
				take_cluster_option(&copts, o, w + 2);
		} else if (npos < (int)ARRAY_SIZE(pos)) {
			pos[npos++] = argv[i];
		}
	}
	if (after_dashdash)	/* create's program and its arguments */
		return COMPLETE_DIRECTIVE_DEFAULT;
	if (pending && pending->val == 'n' && options_find(opts, "--kubeconfig"))
		return complete_from_cluster(&copts, "namespaces", "", 0);
	if (pending)
		return complete_value(pending->complete, pending->words,
				      pending->complete_fn, cur);
	if (cur[0] == '-' && cur[1] == '-' && strchr(cur, '=')) {
		static char prefix[128];
		const char *eq = strchr(cur, '=');

		o = options_find(opts, cur);
		if (!o || o->has_arg == no_argument ||
		    (size_t)(eq + 1 - cur) >= sizeof(prefix))
			return COMPLETE_DIRECTIVE_NO_FILES;
		memcpy(prefix, cur, (size_t)(eq + 1 - cur));
		prefix[eq + 1 - cur] = '\0';
		complete_prefix = prefix;
		complete_cur = eq + 1;
		return complete_value(o->complete, o->words, o->complete_fn,
				      eq + 1);
	}
	if (cur[0] == '-') {
		for (o = opts; o->name; o++)
			complete_wordf("--%s", o->name);
		return COMPLETE_DIRECTIVE_NO_FILES;
	}
	if (first == 2 && !strcmp(argv[1], "record")) {
		int d = complete_experiment(&copts, "repro record", npos, pos, cur);

		return d < 0 ? COMPLETE_DIRECTIVE_NO_FILES : d;
	}
	if (first == 2)
		return complete_value(COMPLETE_DIR, NULL, NULL, cur);
	if (!strcmp(cmd->name, "status") || !strcmp(cmd->name, "explain")) {
		int d = complete_experiment(&copts, cmd->name, npos, pos, cur);

		if (d >= 0 || !strcmp(cmd->name, "status"))
			return d < 0 ? COMPLETE_DIRECTIVE_NO_FILES : d;
		if (npos)	/* explain takes one rule, field or Experiment */
			return COMPLETE_DIRECTIVE_NO_FILES;
	}
	if (!strcmp(cmd->name, "get") && !npos) {
		complete_wordf("experiments");
		return COMPLETE_DIRECTIVE_NO_FILES;
	}
	return complete_value(cmd->args, cmd->args == COMPLETE_WORDS ?
			      completion_shells : NULL, cmd->args_fn, cur);
}

int cmd_complete(const struct cmd *cmds, size_t nr, int argc, char **argv)
{
	int directive = complete(cmds, nr, argc, argv);

	printf(":%d\n", directive);
	return STATUS_OK;
}

/* ---- completion bash|zsh|fish ---- */

const char *const completion_shells[] = { "bash", "zsh", "fish", NULL };

const struct cmd_option completion_options[] = {
	OPT_FLAG("help", 'h', 'h', "show this help"),
	OPT_END,
};

static const struct help_section completion_sections[] = {
	{ HELP_TEXT, NULL,
	  "Print a script that completes kubectl-katib's commands, options and\n"
	  "their values in bash, zsh or fish:", NULL },
	{ HELP_TEXT, NULL, "  source <(kubectl-katib completion bash)\n"
	  "  kubectl-katib completion fish | source", NULL },
	{ HELP_TEXT, NULL,
	  "kubectl 1.26 and later complete 'kubectl katib' by themselves when\n"
	  "kubectl_complete-katib is on the PATH.", NULL },
	{ HELP_TEXT, NULL,
	  "Experiment names and namespaces come from the cluster the words\n"
	  "name (--kubeconfig, --context, -n, ...), waiting at most 2s.", NULL },
	{ HELP_OPTIONS, "Options:", NULL, NULL },
	{ HELP_EXAMPLES, "Examples:",
	  "source <(kubectl-katib completion bash)\n"
	  "source <(kubectl-katib completion zsh)\n"
	  "kubectl-katib completion fish > ~/.config/fish/completions/kubectl-katib.fish", NULL },
	{ HELP_END, NULL, NULL, NULL },
};

const struct cmd_help completion_help = {
	.name = "completion",
	.synopsis = "completion bash|zsh|fish",
	.options = completion_options,
	.column = 27,
	.sections = completion_sections,
};

/*
 * One script for both shells (zsh runs it through bashcompinit).  It
 * hands the words up to the cursor to __complete, then applies the
 * directive: 8 lists files with the given extensions (and directories),
 * 16 directories, 4 only the candidates, 2 no space after them.
 */
static const char completion_script[] =
	"_kubectl_katib() {\n"
	"\tlocal line=${COMP_LINE:0:COMP_POINT} out directive word cand\n"
	"\tlocal -a words\n"
	"\tread -ra words <<< \"$line\"\n"
	"\t[[ $line == *[[:space:]] || ${#words[@]} -eq 0 ]] && words+=(\"\")\n"
	"\tword=${words[${#words[@]}-1]}\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]}\n"
	"\tout=$(kubectl-katib __complete \"${words[@]:1}\" 2>/dev/null) || return\n"
	"\tdirective=${out##*:}\n"
	"\tout=${out%:*}\n"
	"\tCOMPREPLY=()\n"
	"\tif (( directive & 8 )); then\n"
	"\t\ttype compopt >/dev/null 2>&1 && compopt -o filenames\n"
	"\t\twhile IFS= read -r cand; do\n"
	"\t\t\tif [[ -d $cand ]]; then COMPREPLY+=(\"$cand\"); continue; fi\n"
	"\t\t\tfor ext in $out; do\n"
	"\t\t\t\t[[ $cand == *.\"$ext\" ]] && COMPREPLY+=(\"$cand\")\n"
	"\t\t\tdone\n"
	"\t\tdone < <(compgen -f -- \"$cur\")\n"
	"\t\treturn\n"
	"\tfi\n"
	"\tif (( directive & 16 )); then\n"
	"\t\ttype compopt >/dev/null 2>&1 && compopt -o filenames\n"
	"\t\tmapfile -t COMPREPLY < <(compgen -d -- \"$cur\")\n"
	"\t\treturn\n"
	"\tfi\n"
	"\tif (( directive & 2 )); then\n"
	"\t\ttype compopt >/dev/null 2>&1 && compopt -o nospace\n"
	"\tfi\n"
	"\tif (( directive & 4 )) || [[ -n $out ]]; then\n"
	"\t\twhile IFS= read -r cand; do\n"
	"\t\t\t[[ -n $cand ]] || continue\n"
	"\t\t\t# bash splits words at '=' and ':': offer what follows cur's start.\n"
	"\t\t\tCOMPREPLY+=(\"${cand:${#word}-${#cur}}\")\n"
	"\t\tdone <<< \"$out\"\n"
	"\telse\n"
	"\t\tmapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
	"\tfi\n"
	"}\n"
	"complete -F _kubectl_katib kubectl-katib\n";

/*
 * fish asks the same way, with the words before the cursor and the one
 * under it, unescaped as the shell would pass it (and quoted: an empty
 * word is still a word).  fish adds no space
 * after a candidate ending in '=' or '.' (or '/') by itself, which is
 * where __complete says 2, so that bit needs nothing here.  The command
 * is declared -f: the function offers files itself, when the directive
 * lets it.
 */
static const char completion_fish[] =
	"function __kubectl_katib_complete\n"
	"\tset -l words (commandline -opc)\n"
	"\tset -e words[1]\n"
	"\tset -l cur (commandline -ct | string unescape)\n"
	"\tset -l out (kubectl-katib __complete $words \"$cur\" 2>/dev/null)\n"
	"\tor return\n"
	"\tset -l directive (string replace -r '^:' '' -- $out[-1])\n"
	"\tstring match -qr '^[0-9]+$' -- $directive\n"
	"\tor return\n"
	"\tset -e out[-1]\n"
	"\tif test (math \"bitand($directive, 8)\") -ne 0\n"
	"\t\t# out holds extensions: files with one of them, and directories\n"
	"\t\tset -l ext '\\.('(string join '|' -- (string escape --style=regex -- $out))')$'\n"
	"\t\tfor cand in (__fish_complete_path \"$cur\")\n"
	"\t\t\tset -l path (string split -f1 \\t -- $cand)\n"
	"\t\t\tif string match -q -- '*/' $path; or string match -qr -- $ext $path\n"
	"\t\t\t\tprintf '%s\\n' $path\n"
	"\t\t\tend\n"
	"\t\tend\n"
	"\t\treturn\n"
	"\tend\n"
	"\tif test (math \"bitand($directive, 16)\") -ne 0\n"
	"\t\t__fish_complete_directories \"$cur\"\n"
	"\t\treturn\n"
	"\tend\n"
	"\tif test (math \"bitand($directive, 4)\") -ne 0; or set -q out[1]\n"
	"\t\tprintf '%s\\n' $out\n"
	"\t\treturn\n"
	"\tend\n"
	"\t__fish_complete_path \"$cur\"\n"
	"end\n"
	"complete -c kubectl-katib -e\n"
	"complete -c kubectl-katib -f -a '(__kubectl_katib_complete)'\n";

int cmd_completion(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		help_print(stdout, &completion_help);
		return STATUS_OK;
	}
	if (argc != 2 || (strcmp(argv[1], "bash") && strcmp(argv[1], "zsh") &&
			  strcmp(argv[1], "fish")))
		return usage_error("completion", "give the shell: bash, zsh or fish");
	if (!strcmp(argv[1], "fish")) {
		printf("# fish completion for kubectl-katib: kubectl-katib completion fish | source\n");
		fputs(completion_fish, stdout);
		return STATUS_OK;
	}
	printf("# %s completion for kubectl-katib: source <(kubectl-katib completion %s)\n",
	       argv[1], argv[1]);
	if (!strcmp(argv[1], "zsh"))
		printf("autoload -U +X bashcompinit && bashcompinit\n");
	fputs(completion_script, stdout);
	return STATUS_OK;
}
