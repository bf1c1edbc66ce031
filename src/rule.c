#include "compat.h"
#include "rule.h"
#include "alloc.h"

const struct rule *rule_find(const char *id)
{
	size_t lo = 0, hi = nr_rules;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(rules[mid].id, id);

		if (!cmp)
			return &rules[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
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
