#include "compat.h"
#include "harness.h"
#include "buf.h"
#include "diag.h"
#include "re.h"
#include "rule.h"
#include "schema.h"

#include <ctype.h>

void test_rules_table(void)
{
	size_t i;

	OK(nr_rules > 50, "the registry has the webhook rules (%zu)", nr_rules);
	for (i = 0; i < nr_rules; i++) {
		const struct rule *r = &rules[i];
		const char *p;
		int kebab = islower((unsigned char)r->id[0]);
		size_t n = strlen(r->summary);

		for (p = r->id; *p; p++)
			if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
			    !(*p == '-' && p[1] && p[1] != '-'))
				kebab = 0;
		OK(kebab, "rule id '%s' is kebab-case", r->id);
		if (i)
			OK(strcmp(rules[i - 1].id, r->id) < 0,
			   "rule '%s' sorts after '%s'", r->id, rules[i - 1].id);
		OK(n && !isupper((unsigned char)r->summary[0]) && r->summary[n - 1] != '.',
		   "summary of '%s' starts lower case and has no final period", r->id);
		OK(r->severity >= SEV_INFO && r->severity <= SEV_ERROR,
		   "rule '%s' has a valid default severity", r->id);
		OK(rule_find(r->id) == r, "rule_find finds '%s'", r->id);
	}
	OK(rule_find("no-such-rule") == NULL, "rule_find returns NULL for unknown ids");
}

void test_diag(void)
{
	struct diag_list list = DIAG_LIST_INIT;
	const struct rule *r = rule_get("name-invalid");
	struct span a = { { 5, 3, 40 }, { 5, 4, 41 } };
	struct span b = { { 2, 1, 10 }, { 2, 2, 11 } };
	enum severity sev;

	list.file = "x.yaml";
	diag_add_at(&list, r, a, "metadata.name", "second %d", 2);
	diag_add_at(&list, r, b, "spec", "first");
	diag_add_at(&list, r, b, "spec", "first again");
	diag_sort(&list);
	STR_EQ(list.item[0].message, "first", "findings sort by line");
	STR_EQ(list.item[1].message, "first again", "ties keep insertion order");
	STR_EQ(list.item[2].message, "second 2", "messages are formatted");
	INT_EQ(list.count[SEV_ERROR], 3, "errors are counted");
	diag_list_release(&list);
	OK(!severity_parse("warning", &sev) && sev == SEV_WARNING, "severity names parse");
	OK(severity_parse("fatal", &sev) == -1, "unknown severities are refused");
}

void test_schema(void)
{
	const struct schema_field *f;

	f = schema_field(schema_experiment, "spec", 4);
	OK(f && !strcmp(f->type->name, "ExperimentSpec"), "Experiment.spec is an ExperimentSpec");
	f = schema_field(f->type, "maxTrialCount", 13);
	OK(f && f->type->kind == SCHEMA_INT32, "maxTrialCount is an int32");
	OK(!schema_field(schema_experiment, "specs", 5), "unknown fields are not found");
	STR_EQ(schema_suggest(schema_field(schema_experiment, "spec", 4)->type,
			      "parallelTrialCounts", 19),
	       "parallelTrialCount", "a near miss gets a suggestion");
	OK(schema_suggest(schema_experiment, "zzzzzzzz", 8) == NULL,
	   "a far miss gets none");
	f = schema_field(schema_batch_job, "spec", 4);
	OK(f && schema_field(f->type, "backoffLimit", 12), "batch/v1 JobSpec has backoffLimit");
}

void test_re(void)
{
	struct buf why = BUF_INIT;

	const char *filter = "([\\w|-]+)\\s*=\\s*([+-]?\\d*(\\.\\d+)?)";

	OK(!re_check_go(filter, strlen(filter), &why),
	   "a typical metrics filter is valid Go syntax");
	OK(re_check_go("[", 1, &why) == -1 && why.len, "an unclosed class is refused");
	buf_reset(&why);
	OK(re_check_go("(?=x)y", 6, &why) == -1 && strstr(why.buf, "look-ahead"),
	   "look-ahead is refused as Go refuses it");
	buf_reset(&why);
	OK(re_check_go("(a)\\1", 5, &why) == -1, "back-references are refused");
	buf_reset(&why);
	OK(!re_check_go("[\\1]", 4, &why), "an escaped digit inside a class is fine");
	INT_EQ(re_match("^a.c$", "abc", 3), 1, "re_match matches");
	INT_EQ(re_match("^a.c$", "a\nc", 3), 0, "'.' does not match a newline");
	buf_release(&why);
}
