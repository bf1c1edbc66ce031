/*
 * options.c: getopt tables and mistyped options, from a command's table
 * of options (options.h).
 */
#include "compat.h"
#include "alloc.h"
#include "cmd.h"
#include "levenshtein.h"
#include "options.h"

void options_getopt(const struct cmd_option *opts, struct getopt_tables *t)
{
	size_t n = 0, s = 0;

	/* Return ':' for a missing value, so it is not "unknown". */
	t->shortopts[s++] = ':';
	for (; opts->name; opts++) {
		if (n == OPTIONS_MAX)
			BUG("more than %d options", OPTIONS_MAX);
		t->longopts[n].name = opts->name;
		t->longopts[n].has_arg = opts->has_arg;
		t->longopts[n].flag = NULL;
		t->longopts[n].val = opts->val;
		n++;
		if (opts->short_name) {
			t->shortopts[s++] = (char)opts->short_name;
			if (opts->has_arg == required_argument)
				t->shortopts[s++] = ':';
		}
	}
	memset(&t->longopts[n], 0, sizeof(t->longopts[n]));
	t->shortopts[s] = '\0';
}

const struct cmd_option *options_find(const struct cmd_option *opts,
				      const char *arg)
{
	if (arg[0] != '-')
		return NULL;
	if (arg[1] == '-') {
		size_t n = strcspn(arg + 2, "=");

		for (; opts->name; opts++)
			if (strlen(opts->name) == n && !strncmp(opts->name, arg + 2, n))
				return opts;
		return NULL;
	}
	for (; opts->name; opts++)
		if (opts->short_name && opts->short_name == arg[1])
			return opts;
	return NULL;
}

const struct cmd_option *options_named(const struct cmd_option *opts,
				       const char *name)
{
	for (; opts->name; opts++)
		if (!strcmp(opts->name, name))
			return opts;
	return NULL;
}

int options_usage_error(const char *cmd, const struct cmd_option *opts,
			int c, const char *arg)
{
	const struct cmd_option *o, *best = NULL;
	size_t len;
	unsigned d, best_d = 3;

	if (c == ':')	/* getopt: a known option without its value */
		return usage_error(cmd, "option '%s' needs a value", arg);
	if (arg[0] != '-' || arg[1] != '-')
		return usage_error(cmd, "unknown option '-%c'", optopt);
	o = options_find(opts, arg);
	if (o && o->has_arg == no_argument)
		return usage_error(cmd, "option '--%s' takes no value", o->name);
	error_msg("unknown option '%s'", arg);
	len = strcspn(arg + 2, "=");
	for (o = opts; o->name; o++) {
		d = (unsigned)levenshtein(arg + 2, len, o->name, strlen(o->name), 0);
		if (d < best_d) {
			best_d = d;
			best = o;
		}
	}
	if (best)
		hint_msg("did you mean '--%s'?", best->name);
	fprintf(errout(), "see 'kubectl katib %s%s--help'\n", cmd ? cmd : "",
		cmd ? " " : "");
	return STATUS_USAGE;
}
