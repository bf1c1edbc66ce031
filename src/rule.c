#include "compat.h"
#include "rule.h"
#include "alloc.h"

/*
 * The checks look their rule up by id some seven times per Experiment,
 * most often with no finding to make, and the binary search's strcmp()
 * calls were a third of all those validating a stream makes.  An
 * open-addressing index by hash answers with one comparison.  It is
 * built before main(), so the webhook's threads only ever read it.
 */
#define RULE_SLOTS 512
static unsigned short rule_slot[RULE_SLOTS];	/* index in rules[] + 1; 0: empty */

static uint32_t rule_hash(const char *id)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (*id)
		h = (h ^ (unsigned char)*id++) * 16777619u;
	return h;
}

__attribute__((constructor)) static void rule_index_build(void)
{
	size_t i;

	if (nr_rules * 2 > RULE_SLOTS)
		BUG("%zu rules need more than %d hash slots", nr_rules, RULE_SLOTS);
	for (i = 0; i < nr_rules; i++) {
		uint32_t h = rule_hash(rules[i].id) % RULE_SLOTS;

		while (rule_slot[h])
			h = (h + 1) % RULE_SLOTS;
		rule_slot[h] = (unsigned short)(i + 1);
	}
}

const struct rule *rule_find(const char *id)
{
	uint32_t h = rule_hash(id) % RULE_SLOTS;

	for (; rule_slot[h]; h = (h + 1) % RULE_SLOTS) {
		const struct rule *r = &rules[rule_slot[h] - 1];

		if (!strcmp(r->id, id))
			return r;
	}
	return NULL;
}

const struct rule *rule_get(const char *id)
{
	const struct rule *r = rule_find(id);

	if (!r)
		BUG("no rule '%s' in the registry", id);
	return r;
}

size_t rule_index(const struct rule *rule)
{
	return (size_t)(rule - rules);
}

enum severity rule_severity(const struct rule *rule,
			    const enum severity *overrides)
{
	return overrides ? overrides[rule_index(rule)] : rule->severity;
}

void rule_run_all(const struct rule_ctx *ctx, struct diag_list *out)
{
	size_t i;

	for (i = 0; i < nr_rule_checks; i++)
		rule_checks[i](ctx, out);
}

const struct rule_doc *rule_doc_find(const char *id)
{
	size_t i;

	for (i = 0; i < nr_rule_docs; i++)
		if (!strcmp(rule_docs[i].id, id))
			return &rule_docs[i];
	return NULL;
}

enum severity *rule_severities_for(int minor)
{
	enum severity *sev = xcalloc(nr_rules, sizeof(*sev));
	size_t i;

	for (i = 0; i < nr_rules; i++)
		sev[i] = rules[i].since > minor ? SEV_OFF : rules[i].severity;
	return sev;
}
