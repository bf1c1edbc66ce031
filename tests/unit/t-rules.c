#include "compat.h"
#include "harness.h"
#include "buf.h"
#include "diag.h"
#include "re.h"
#include "rule.h"
#include "katib-config.h"
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
		OK(r->source && *r->source, "rule '%s' names the Katib code or issue it comes from", r->id);
		OK(r->since >= 0 && r->since <= KATIB_MINOR_LATEST,
		   "rule '%s' names a release up to the latest (%d)", r->id, r->since);
		OK(!r->upstream || strncmp(r->upstream, "KAT-", 4) || r->since,
		   "webhook rule '%s' knows the release that introduced it", r->id);
	}
	OK(rule_find("no-such-rule") == NULL, "rule_find returns NULL for unknown ids");
	OK(rule_find("duplicate") == NULL, "rule_find does not take a prefix of an id");
	OK(rule_find("duplicate-keys") == NULL, "rule_find does not take an id's extension");
	OK(rule_find("") == NULL, "rule_find returns NULL for the empty id");
}

/* Every rule of Katib's validating webhook (rules catalogue §1.1-§1.7). */
static const char *const webhook_rules[] = {
	"KAT-WH-01", "KAT-WH-02", "KAT-WH-03", "KAT-WH-04", "KAT-WH-05",
	"KAT-WH-06", "KAT-WH-07", "KAT-NAME-01", "KAT-NAME-02",
	"KAT-COUNT-01", "KAT-COUNT-02", "KAT-COUNT-03", "KAT-COUNT-04",
	"KAT-COUNT-05", "KAT-UPD-01", "KAT-UPD-02", "KAT-UPD-03",
	"KAT-OBJ-01", "KAT-OBJ-02", "KAT-OBJ-03", "KAT-OBJ-04", "KAT-ALG-01",
	"KAT-ALG-02", "KAT-ALG-03", "KAT-ES-01", "KAT-ES-02", "KAT-RES-01",
	"KAT-TT-01", "KAT-TT-02", "KAT-TT-03", "KAT-TT-04", "KAT-TT-05",
	"KAT-TT-06", "KAT-TT-07", "KAT-TT-08", "KAT-TT-09", "KAT-TT-10",
	"KAT-TT-11", "KAT-TP-01", "KAT-TP-02", "KAT-TP-03", "KAT-TP-04",
	"KAT-TP-05", "KAT-TP-06", "KAT-JOB-01", "KAT-JOB-02", "KAT-JOB-03",
	"KAT-SPACE-01", "KAT-SPACE-02", "KAT-PARAM-01", "KAT-PARAM-02",
	"KAT-PARAM-03", "KAT-PARAM-04", "KAT-PARAM-05", "KAT-PARAM-06",
	"KAT-MC-01", "KAT-MC-02", "KAT-MC-03", "KAT-MC-04", "KAT-MC-05",
	"KAT-MC-06", "KAT-MC-07", "KAT-MC-08", "KAT-MC-09", "KAT-MC-10",
	"KAT-MC-11", "KAT-MC-12", "KAT-MC-13",
};

static int names_upstream(const char *list, const char *id)
{
	size_t n = strlen(id);
	const char *p;

	for (p = list; p && (p = strstr(p, id)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
}

void test_webhook_parity(void)
{
	size_t i, j;

	INT_EQ(ARRAY_SIZE(webhook_rules), 68, "the catalogue lists 68 webhook rules");
	for (i = 0; i < ARRAY_SIZE(webhook_rules); i++) {
		const char *id = webhook_rules[i];
		int covered = 0, gap = 0;

		for (j = 0; j < nr_rules; j++)
			covered |= names_upstream(rules[j].upstream, id);
		for (j = 0; j < nr_rule_gaps; j++)
			gap |= !strcmp(rule_gaps[j].upstream, id);
		OK(covered != gap, "%s is %s", id,
		   covered ? "checked by a rule" : gap ? "a documented gap" : "NOT accounted for");
	}
}

void test_diag(void)
{
	struct diag_list list = DIAG_LIST_INIT;
	const struct rule *r = rule_get("name-invalid");
	struct span a = { { 5, 3, 40 }, { 5, 4 } };
	struct span b = { { 2, 1, 10 }, { 2, 2 } };
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

/* Every field of every type under t is found by its name, and nothing else. */
static unsigned schema_lookup_misses(const struct schema_type *t, int depth)
{
	unsigned bad = 0;
	size_t i;

	if (!t || depth > 12)
		return 0;
	if (t->kind != SCHEMA_OBJECT)
		return schema_lookup_misses(t->elem, depth + 1);
	for (i = 0; i < t->nr_fields; i++) {
		const struct schema_field *f = &t->fields[i], *g;
		char name[128];

		bad += f->len != strlen(f->name) || f->first != (unsigned char)f->name[0] ||
		       schema_field(t, f->name, f->len) != f;
		memcpy(name, f->name, f->len + 1);
		/* A prefix or a longer key finds only a field of exactly that name. */
		g = schema_field(t, name, f->len - 1);
		bad += g && (g->len != f->len - 1 || memcmp(g->name, name, g->len));
		name[f->len] = 'z';
		g = schema_field(t, name, f->len + 1);
		bad += g && (g->len != f->len + 1 || memcmp(g->name, name, g->len));
		bad += schema_lookup_misses(f->type, depth + 1);
	}
	return bad;
}

void test_schema(void)
{
	const struct schema_field *f;

	INT_EQ(schema_lookup_misses(schema_experiment, 0), 0,
	       "every field of the Experiment's types is found by its name");
	INT_EQ(schema_lookup_misses(schema_batch_job, 0), 0,
	       "every field of the Job's types is found by its name");

	f = schema_field(schema_experiment, "spec", 4);
	OK(f && !strcmp(f->type->name, "ExperimentSpec"), "Experiment.spec is an ExperimentSpec");
	f = schema_field(f->type, "maxTrialCount", 13);
	OK(f && f->type->kind == SCHEMA_INT32, "maxTrialCount is an int32");
	OK(!schema_field(schema_experiment, "specs", 5), "unknown fields are not found");
	OK(!schema_field(schema_experiment, "spe", 3), "a field's prefix is not the field");
	OK(!schema_field(schema_experiment, "spec\0x", 6),
	   "a key with a NUL after a field's name is not the field");
	OK(schema_field(schema_experiment, "specification", 4) ==
	   schema_field(schema_experiment, "spec", 4),
	   "only the key's length is compared");
	OK(!schema_field(schema_experiment, "", 0), "an empty key is no field");
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

	/* Verdicts are remembered per subject: a repeat must answer as the first. */
	buf_reset(&why);
	OK(re_check_go("(?=x)y", 6, &why) == -1 && strstr(why.buf, "look-ahead"),
	   "a remembered refusal keeps its reason");
	buf_reset(&why);
	OK(re_check_go("(?=x)", 5, &why) == -1 && strstr(why.buf, "look-ahead"),
	   "a prefix of a remembered pattern is a question of its own");
	buf_reset(&why);
	OK(!re_check_go("[\\1]", 4, &why) && !why.len,
	   "a remembered pass adds no reason");
	INT_EQ(re_match("^a.c$", "abc", 3), 1, "a remembered match");
	INT_EQ(re_match("^a.d$", "abc", 3), 0, "another pattern, same subject");
	INT_EQ(re_match("^a.c$", "abcd", 3), 1, "the subject's length counts");
	INT_EQ(re_match("^a.c$", "abcd", 4), 0, "the subject's length counts, longer");
	{
		int round, i, wrong = 0;

		/* More patterns than the memo holds, twice over: none answers for another. */
		for (round = 0; round < 2; round++)
			for (i = 0; i < 40; i++) {
				char p[16];
				int n = snprintf(p, sizeof(p), i % 2 ? "(?=%d)" : "(%d)", i);

				buf_reset(&why);
				if ((re_check_go(p, (size_t)n, &why) == -1) != (i % 2) ||
				    (i % 2 && !strstr(why.buf, "look-ahead")))
					wrong++;
			}
		INT_EQ(wrong, 0, "verdicts stay right past the memo's size");
	}
	{
		char first[16][128];
		int i, wrong = 0;

		/*
		 * A slot taken over keeps nothing of its last answer: long
		 * reasons, then shorter refusals, then passes of the same
		 * length, each asked again.
		 */
		for (i = 0; i < 16; i++) {
			char p[16];

			snprintf(p, sizeof(p), "(?=%02d)", i);
			buf_reset(&why);
			re_check_go(p, strlen(p), &why);
		}
		for (i = 0; i < 16; i++) {
			char p[16];

			snprintf(p, sizeof(p), "(%02d", i);
			buf_reset(&why);
			wrong += re_check_go(p, 3, &why) != -1;
			snprintf(first[i], sizeof(first[i]), "%s", why.buf);
		}
		for (i = 0; i < 16; i++) {
			char p[16];

			snprintf(p, sizeof(p), "(%02d", i);
			buf_reset(&why);
			wrong += re_check_go(p, 3, &why) != -1 || strcmp(why.buf, first[i]);
		}
		for (i = 0; i < 32; i++) {	/* taken over, then remembered */
			char p[16];

			snprintf(p, sizeof(p), "a%02d", i % 16);
			buf_reset(&why);
			wrong += re_check_go(p, 3, &why) != 0 || why.len;
		}
		for (i = 0; i < 16; i++) {
			char p[16];

			snprintf(p, sizeof(p), "(%02d", i);
			buf_reset(&why);
			wrong += re_check_go(p, 3, &why) != -1 || strcmp(why.buf, first[i]);
			snprintf(p, sizeof(p), "a%02d", i);
			buf_reset(&why);
			wrong += re_check_go(p, 3, &why) != 0 || why.len;
		}
		/* A remembered longer subject that starts the same is another question. */
		buf_reset(&why);
		wrong += re_check_go("ab(", 3, &why) != -1;
		buf_reset(&why);
		wrong += re_check_go("ab", 2, &why) != 0;
		INT_EQ(wrong, 0, "a taken-over slot answers only for its new subject");
	}
	buf_release(&why);
}
