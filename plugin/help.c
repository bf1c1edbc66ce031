/*
 * help.c: --help pages and the man page, both from the commands' help
 * descriptions (help.h) and option tables (options.h), so neither can
 * forget an option the command takes.
 */
#include "compat.h"
#include "alloc.h"
#include "cmd.h"
#include "help.h"

#include <ctype.h>
#include <stdarg.h>

/* Calls fn for each space-separated long name of an item's list. */
static void each_name(const char *list, void (*fn)(const char *name, size_t n,
						   void *data), void *data)
{
	while (*list) {
		size_t n = strcspn(list, " ");

		if (n)
			fn(list, n, data);
		list += n;
		list += strspn(list, " ");
	}
}

struct coverage {
	const struct cmd_help *h;
	unsigned char shown[OPTIONS_MAX];
};

static size_t option_index(const struct cmd_help *h, const char *name, size_t n)
{
	size_t i;

	for (i = 0; h->options && h->options[i].name; i++)
		if (strlen(h->options[i].name) == n &&
		    !strncmp(h->options[i].name, name, n))
			return i;
	BUG("the help of '%s' names --%.*s, which it does not take",
	    h->name ? h->name : "kubectl-katib", (int)n, name);
}

static void mark_shown(const char *name, size_t n, void *data)
{
	struct coverage *c = data;

	c->shown[option_index(c->h, name, n)] = 1;
}

/*
 * Every option of the table must be on the page (and nothing else): what
 * getopt accepts and what --help and the man page list stay the same set.
 */
static void check_coverage(const struct cmd_help *h)
{
	struct coverage c;
	const struct help_section *s;
	const struct help_item *it;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.h = h;
	for (s = h->sections; s->kind != HELP_END; s++) {
		if (s->kind != HELP_OPTIONS)
			continue;
		if (!s->items) {
			for (i = 0; h->options[i].name; i++)
				c.shown[i] = 1;
			continue;
		}
		for (it = s->items; it->options; it++)
			each_name(it->options, mark_shown, &c);
	}
	for (i = 0; h->options && h->options[i].name; i++)
		if (!c.shown[i])
			BUG("the help of '%s' leaves out --%s",
			    h->name ? h->name : "kubectl-katib", h->options[i].name);
}

/* The table's entry of an item's first option. */
static const struct cmd_option *first_option(const struct cmd_help *h,
					     const struct help_item *it)
{
	return &h->options[option_index(h, it->options,
					 strcspn(it->options, " "))];
}

static const char *item_help(const struct cmd_help *h, const struct help_item *it)
{
	return it->help ? it->help : first_option(h, it)->help;
}

/* ---- --help ---- */

struct left_text {
	const struct cmd_help *h;
	char buf[256];
	size_t len;
	int first;
};

static void left_add(struct left_text *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void left_add(struct left_text *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(l->buf) - l->len)
		BUG("an option line of '%s' is too long", l->h->name);
	l->len += (size_t)n;
}

/* "-x, --name VALUE", or "--name[=VALUE]", each after the first one ", ". */
static void left_option(const char *name, size_t n, void *data)
{
	struct left_text *l = data;
	const struct cmd_option *o = &l->h->options[option_index(l->h, name, n)];

	if (!l->first)
		left_add(l, ", ");
	if (o->short_name && l->first)
		left_add(l, "-%c, ", o->short_name);
	l->first = 0;
	left_add(l, "--%s", o->name);
	if (o->arg)
		left_add(l, "%s%s", o->arg[0] == '[' ? "" : " ", o->arg);
}

static void print_item(FILE *fp, const struct cmd_help *h,
		       const struct help_item *it)
{
	struct left_text l;
	const char *help = item_help(h, it), *nl;
	int short_first;

	memset(&l, 0, sizeof(l));
	l.h = h;
	if (it->left) {
		short_first = it->left[0] == '-' && it->left[1] != '-';
		left_add(&l, "%s%s", short_first ? "  " : "      ", it->left);
	} else {
		short_first = first_option(h, it)->short_name != 0;
		/* Options without a letter line up with the long names. */
		left_add(&l, "%s", short_first ? "  " : "      ");
		l.first = 1;
		each_name(it->options, left_option, &l);
	}
	if (l.len < (size_t)h->column)
		fprintf(fp, "%-*s", h->column, l.buf);
	else
		fprintf(fp, "%s\n%*s", l.buf, h->column, "");
	for (;;) {
		nl = strchr(help, '\n');
		fprintf(fp, "%.*s\n", nl ? (int)(nl - help) : (int)strlen(help), help);
		if (!nl)
			break;
		help = nl + 1;
		fprintf(fp, "%*s", h->column, "");
	}
}

static void print_lines(FILE *fp, const char *indent, const char *text)
{
	const char *nl;

	for (; *text; text = nl ? nl + 1 : text + strlen(text)) {
		nl = strchr(text, '\n');
		fprintf(fp, "%s%.*s\n", indent,
			nl ? (int)(nl - text) : (int)strlen(text), text);
		if (!nl)
			break;
	}
}

/*
 * The exit statuses every command shares, said the same way on every
 * --help page and in the man page.  kubectl exits 1 for any error; we
 * keep 1 for what was found so that CI can tell a finding from a broken
 * run, and 3 apart so that a retry is worth trying.
 */
static const char exit_convention[] =
	"Every command exits 2 for a usage error or unreadable input, and 3\n"
	"when it could not run: the cluster could not be reached or refused\n"
	"the request, or the output could not be written.  Unlike kubectl,\n"
	"which exits 1 for any error, 1 means only what the command found.";

void help_print(FILE *fp, const struct cmd_help *h)
{
	int said_exit = 0;
	const struct help_section *s;
	const struct help_item *it;
	const char *line, *nl;
	size_t i, width = 0;

	check_coverage(h);
	for (line = h->synopsis; line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		fprintf(fp, "%s kubectl katib %.*s\n",
			line == h->synopsis ? "Usage:" : "   or:",
			nl ? (int)(nl - line) : (int)strlen(line), line);
	}
	for (s = h->sections; s->kind != HELP_END; s++) {
		fputc('\n', fp);
		if (s->title)
			fprintf(fp, "%s\n", s->title);
		switch (s->kind) {
		case HELP_TEXT:
			print_lines(fp, "", s->text);
			break;
		case HELP_EXIT:
			print_lines(fp, "", s->text);
			print_lines(fp, "", exit_convention);
			said_exit = 1;
			break;
		case HELP_EXAMPLES:
			print_lines(fp, "  ", s->text);
			break;
		case HELP_OPTIONS:
			if (s->items) {
				for (it = s->items; it->options; it++)
					print_item(fp, h, it);
				break;
			}
			for (i = 0; h->options[i].name; i++) {
				struct help_item one = { h->options[i].name, NULL, NULL };

				print_item(fp, h, &one);
			}
			break;
		case HELP_COMMANDS:
			for (i = 0; i < h->nr_commands; i++)
				if (strlen(h->commands[i].name) > width)
					width = strlen(h->commands[i].name);
			for (i = 0; i < h->nr_commands; i++)
				fprintf(fp, "  %-*s %s\n", (int)width,
					h->commands[i].name, h->commands[i].summary);
			break;
		case HELP_END:
			break;
		}
	}
	if (!said_exit) {
		fputc('\n', fp);
		print_lines(fp, "", exit_convention);
	}
}

/* ---- the man page ---- */

/*
 * Writes n bytes of text for roff: a backslash, '-' (a minus, as options
 * and commands need to be copied), quotes and a leading control
 * character would otherwise mean something else.
 */
static void roff_text(FILE *fp, const char *s, size_t n, int line_start)
{
	size_t i;

	if (line_start && n && (s[0] == '.' || s[0] == '\''))
		fputs("\\&", fp);
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '\\':
			fputs("\\e", fp);
			break;
		case '-':
			fputs("\\-", fp);
			break;
		case '\'':
			fputs("\\(aq", fp);
			break;
		case '`':
			fputs("\\(ga", fp);
			break;
		default:
			fputc(s[i], fp);
		}
	}
}

static void roff_str(FILE *fp, const char *s)
{
	roff_text(fp, s, strlen(s), 0);
}

/*
 * Text lines for roff to fill; a line indented beyond the others starts
 * a line of its own.
 */
static void roff_lines(FILE *fp, const char *text)
{
	const char *nl;
	size_t n, skip;

	for (; *text; text = nl ? nl + 1 : text + n) {
		nl = strchr(text, '\n');
		n = nl ? (size_t)(nl - text) : strlen(text);
		skip = strspn(text, " ");
		if (skip && skip < n)
			fputs(".br\n", fp);
		if (skip < n) {
			roff_text(fp, text + skip, n - skip, 1);
			fputc('\n', fp);
		}
		if (!nl)
			break;
	}
}

/* Lines kept as they are, indented: commands to type. */
static void roff_example(FILE *fp, const char *text, size_t n)
{
	const char *end = text + n, *nl;
	size_t len;

	fputs(".RS 4\n.nf\n", fp);
	for (; text < end; text = nl + 1) {
		nl = memchr(text, '\n', (size_t)(end - text));
		if (!nl)
			nl = end;
		len = (size_t)(nl - text);
		if (len >= 2 && !strncmp(text, "  ", 2)) {
			text += 2;
			len -= 2;
		}
		roff_text(fp, text, len, 1);
		fputc('\n', fp);
	}
	fputs(".fi\n.RE\n", fp);
}

/* Paragraphs (split at blank lines); one of indented lines is an example. */
static void roff_paragraphs(FILE *fp, const char *text)
{
	while (*text) {
		const char *end = strstr(text, "\n\n");
		size_t n = end ? (size_t)(end - text) : strlen(text);
		char *para = xmalloc(n + 1);

		memcpy(para, text, n);
		para[n] = '\0';
		if (!strncmp(para, "  ", 2)) {
			fputs(".PP\n", fp);
			roff_example(fp, para, n);
		} else {
			fputs(".PP\n", fp);
			roff_lines(fp, para);
		}
		free(para);
		text += n;
		text += strspn(text, "\n");
	}
}

struct roff_left {
	FILE *fp;
	const struct cmd_help *h;
	int first;
};

static void roff_left_option(const char *name, size_t n, void *data)
{
	struct roff_left *l = data;
	const struct cmd_option *o = &l->h->options[option_index(l->h, name, n)];

	if (!l->first)
		fputs(", ", l->fp);
	if (o->short_name && l->first)
		fprintf(l->fp, "\\fB\\-%c\\fR, ", o->short_name);
	l->first = 0;
	fputs("\\fB\\-\\-", l->fp);
	roff_str(l->fp, o->name);
	fputs("\\fR", l->fp);
	if (o->arg) {
		fputs(o->arg[0] == '[' ? "[\\fI" : " \\fI", l->fp);
		roff_str(l->fp, o->arg[0] == '[' ? o->arg + 1 : o->arg);
		fputs("\\fR", l->fp);
	}
}

static void roff_item(FILE *fp, const struct cmd_help *h,
		      const struct help_item *it)
{
	fputs(".TP\n", fp);
	if (it->left) {
		roff_text(fp, it->left, strlen(it->left), 1);
	} else {
		struct roff_left l = { fp, h, 1 };

		each_name(it->options, roff_left_option, &l);
	}
	fputc('\n', fp);
	roff_lines(fp, item_help(h, it));
}

static void roff_options(FILE *fp, const struct cmd_help *h,
			 const struct help_section *s)
{
	const struct help_item *it;
	size_t i;

	if (s->items) {
		for (it = s->items; it->options; it++)
			roff_item(fp, h, it);
		return;
	}
	for (i = 0; h->options[i].name; i++) {
		struct help_item one = { h->options[i].name, NULL, NULL };

		roff_item(fp, h, &one);
	}
}

static void roff_synopsis(FILE *fp, const struct cmd_help *h)
{
	const char *line, *nl;
	size_t n, name = h->name ? strlen(h->name) : 0;

	for (line = h->synopsis; line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		n = nl ? (size_t)(nl - line) : strlen(line);
		fputs("\\fBkubectl katib", fp);
		if (name && n >= name && !strncmp(line, h->name, name)) {
			fputc(' ', fp);
			roff_text(fp, line, name, 0);
			line += name;
			n -= name;
		} else {
			fputc(' ', fp);
		}
		fputs("\\fR", fp);
		roff_text(fp, line, n, 0);
		fputs(nl ? "\n.br\n" : "\n", fp);
	}
}

/* A command's subsection of COMMANDS, then its subcommands'. */
static void roff_command(FILE *fp, const struct cmd_help *h)
{
	const struct help_section *s;
	const struct cmd_help *const *sub;

	check_coverage(h);
	fprintf(fp, ".SS %s\n", h->name);
	/* A command of subcommands: their synopses, below, say it all. */
	if (!h->subcommands)
		roff_synopsis(fp, h);
	for (s = h->sections; s->kind != HELP_END; s++) {
		switch (s->kind) {
		case HELP_TEXT:
		case HELP_EXIT:
			roff_paragraphs(fp, s->text);
			break;
		case HELP_OPTIONS:
			fputs(".PP\n", fp);
			roff_lines(fp, s->title);
			roff_options(fp, h, s);
			break;
		case HELP_EXAMPLES:	/* all in EXAMPLES */
		case HELP_COMMANDS:
		case HELP_END:
			break;
		}
	}
	for (sub = h->subcommands; sub && *sub; sub++)
		roff_command(fp, *sub);
}

static void roff_examples(FILE *fp, const struct cmd_help *h)
{
	const struct help_section *s;
	const struct cmd_help *const *sub;

	/* An examples section, or a paragraph of commands in the text. */
	for (s = h->sections; s->kind != HELP_END; s++)
		if (s->kind == HELP_EXAMPLES ||
		    (s->kind == HELP_TEXT && !strncmp(s->text, "  ", 2))) {
			fputs(".PP\n", fp);
			roff_example(fp, s->text, strlen(s->text));
		}
	for (sub = h->subcommands; sub && *sub; sub++)
		roff_examples(fp, *sub);
}

/* What only the man page says: the whole program's environment and files. */
static const char man_exit_status[] =
	".TP\n0\nSuccess: no errors found, every check passed, the Experiment was created.\n"
	".TP\n1\nFindings: validation errors, a failed replay check, a diagnosed problem,\n"
	"or a failed wait.\n"
	".TP\n2\nA usage error, or input that could not be read.\n"
	".TP\n3\nCould not run: the cluster could not be reached or refused the request,\n"
	"or the output could not be written.\n"
	".PP\nEach command above says what its status means.\n";

static const char man_environment[] =
	".TP\n.B KUBECONFIG\n"
	"A colon-separated list of kubeconfig files, as for kubectl; read when\n"
	"\\fB\\-\\-kubeconfig\\fR is not given.\n"
	".TP\n.B HOME\n"
	"Without \\fBKUBECONFIG\\fR, the kubeconfig is \\fI$HOME/.kube/config\\fR.\n"
	".TP\n.BR KUBERNETES_SERVICE_HOST \", \" KUBERNETES_SERVICE_PORT\n"
	"Without any kubeconfig, inside a pod: the API server to use, with the\n"
	"pod's service account.\n"
	".TP\n.B NO_COLOR\n"
	"When set, \\fBvalidate \\-\\-color=auto\\fR does not color its output.\n"
	".TP\n.B KATIB_LINT_CONFIG\n"
	"The settings file \\fBvalidate\\fR reads instead of searching for\n"
	"\\fI.katib\\-lint.yaml\\fR; set but empty, it reads none.\n"
	".TP\n.B KATIB_SARIF_ROOT\n"
	"The root that \\fBvalidate \\-o sarif\\fR writes file locations relative\n"
	"to (as \\fB%SRCROOT%\\fR); by default the top of the git work tree\n"
	"holding the current directory, or the current directory outside one.\n";

static const char man_files[] =
	".TP\n.I .katib\\-lint.yaml\n"
	"Settings of \\fBvalidate\\fR (rule severities, strict, istio, the Katib\n"
	"version and katib\\-config): the first one found in the current directory\n"
	"or above, unless \\fB\\-\\-config\\fR or \\fB\\-\\-no\\-config\\fR is given.\n"
	".TP\n.I ~/.kube/config\n"
	"The kubeconfig when neither \\fB\\-\\-kubeconfig\\fR nor \\fBKUBECONFIG\\fR\n"
	"names one.\n";

void help_man(FILE *fp, const struct cmd_help *top, const char *version)
{
	const struct help_section *s;
	const char *summary = NULL;
	size_t i, n;

	fputs(".\\\" kubectl-katib(1), written by `kubectl-katib __man` from the\n"
	      ".\\\" commands' option tables: edit those, not this.\n", fp);
	fputs(".TH KUBECTL\\-KATIB 1 \"\" \"kubectl\\-katib ", fp);
	roff_str(fp, version);
	fputs("\" \"User Commands\"\n", fp);
	/* Option names must not be hyphenated or stretched apart. */
	fputs(".nh\n.ad l\n", fp);

	for (s = top->sections; s->kind != HELP_END && !summary; s++)
		if (s->kind == HELP_TEXT)
			summary = s->text;
	if (!summary)
		BUG("the top-level help has no text");
	n = strcspn(summary, ".\n");
	fputs(".SH NAME\nkubectl\\-katib \\- ", fp);
	fputc(tolower((unsigned char)summary[0]), fp);
	roff_text(fp, summary + 1, n - 1, 0);
	fputc('\n', fp);

	fputs(".SH SYNOPSIS\n", fp);
	roff_synopsis(fp, top);
	fputs(".br\n", fp);
	for (i = 0; i < top->nr_commands; i++) {
		const struct cmd_help *h = top->commands[i].help;
		const struct cmd_help *const *sub;

		if (!h->subcommands)
			roff_synopsis(fp, h);
		for (sub = h->subcommands; sub && *sub; sub++) {
			if (sub != h->subcommands)
				fputs(".br\n", fp);
			roff_synopsis(fp, *sub);
		}
		if (i + 1 < top->nr_commands)
			fputs(".br\n", fp);
	}

	check_coverage(top);
	fputs(".SH DESCRIPTION\n", fp);
	for (s = top->sections; s->kind != HELP_END; s++)
		if (s->kind == HELP_TEXT)
			roff_paragraphs(fp, s->text);
	for (s = top->sections; s->kind != HELP_END; s++)
		if (s->kind == HELP_OPTIONS) {
			fputs(".SH OPTIONS\n", fp);
			roff_options(fp, top, s);
		}

	fputs(".SH COMMANDS\n", fp);
	for (i = 0; i < top->nr_commands; i++)
		roff_command(fp, top->commands[i].help);

	fputs(".SH CLUSTER OPTIONS\n"
	      "The commands that talk to a cluster take kubectl\\(aqs options for\n"
	      "reaching it:\n", fp);
	{
		static const struct help_section all[] = {
			{ HELP_OPTIONS, NULL, NULL, NULL },
			{ HELP_END, NULL, NULL, NULL },
		};
		struct cmd_help cluster = { "cluster options", "", cluster_options,
					    0, all, NULL, 0, NULL };

		check_coverage(&cluster);
		roff_options(fp, &cluster, &all[0]);
	}

	fputs(".SH EXIT STATUS\n", fp);
	fputs(man_exit_status, fp);
	roff_paragraphs(fp, exit_convention);
	fputs(".SH ENVIRONMENT\n", fp);
	fputs(man_environment, fp);
	fputs(".SH FILES\n", fp);
	fputs(man_files, fp);
	fputs(".SH EXAMPLES\n", fp);
	for (i = 0; i < top->nr_commands; i++)
		roff_examples(fp, top->commands[i].help);
	fputs(".SH SEE ALSO\n.BR kubectl (1)\n", fp);
}
