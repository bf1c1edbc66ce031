/*
 * rule.h: the rule registry and the runner.
 *
 * A rule is one entry of rules[] (rule-list.c): a stable kebab-case id that
 * users type (--rule ID=warning, `explain ID`), a default severity and
 * documentation.  The checks (rule_checks[]) are separate: one check looks
 * at one area of the Experiment and reports any of that area's rules, the
 * way Katib's validator walks the spec.  A check is a pure function of the
 * Experiment and the facts it is given (the katib-config); it never prints
 * and never talks to a cluster.  The validation driver itself reports the
 * rules about reading input (yaml-syntax, duplicate-key).
 */
#ifndef KATIB_SRC_RULE_H
#define KATIB_SRC_RULE_H

#include <stddef.h>

#include "diag.h"

struct doc;
struct doc_node;
struct experiment;
struct katib_config;

/*
 * What is known about the target cluster's namespaces, when validate was
 * asked to look (NULL otherwise).  The plugin fetches them; rules only
 * read them, so they stay pure.
 */
struct namespace_fact {
	const char *name;
	int exists;
	int katib_enabled;	/* label metrics-collector-injection=enabled */
	int istio;		/* istio-injection=enabled or istio.io/rev */
};

/* A ConfigMap a trial template names (spec.trialTemplate.configMap). */
struct config_map_fact {
	const char *namespace;
	const char *name;
	int exists;
	const char *const *keys;	/* of its data, which Katib reads; NULL-terminated */
	size_t nr_keys;
	/* When it does not exist: the ConfigMaps of its namespace, NULL-terminated. */
	const char *const *siblings;
};

struct cluster_facts {
	const struct namespace_fact *namespaces;
	size_t nr_namespaces;
	const struct config_map_fact *config_maps;
	size_t nr_config_maps;
	const char *default_namespace;	/* for Experiments without one */
};

struct rule_ctx {
	const struct doc *doc;
	const struct experiment *exp;
	const struct katib_config *config;
	const struct cluster_facts *facts;	/* NULL when offline */
};

typedef void rule_check_fn(const struct rule_ctx *ctx, struct diag_list *out);

struct rule {
	const char *id;
	enum severity severity;		/* default */
	const char *summary;		/* one line, lowercase, no period */
	const char *upstream;		/* catalogue ids it mirrors, or NULL */
	const char *source;		/* Katib code path or issue it comes from */
	int since;			/* first Katib release 0.<since>; 0: ours */
};

extern const struct rule rules[];
extern const size_t nr_rules;
extern rule_check_fn *const rule_checks[];
extern const size_t nr_rule_checks;

/*
 * Katib webhook rules that `validate` does not check on a file, and why
 * (they need the cluster's state, or cannot fire).  With rules[].upstream
 * this accounts for every rule of Katib's validating webhook.
 */
struct rule_gap {
	const char *upstream;
	const char *why;
};

extern const struct rule_gap rule_gaps[];
extern const size_t nr_rule_gaps;

/*
 * What `explain RULE` shows besides the rule itself: a bad and a fixed
 * example, cut from the rule's test fixtures (src/rule-docs.c, generated
 * by scripts/gen-rule-docs.py), and the options the example needs.
 */
struct rule_doc {
	const char *id;
	const char *args;	/* validate options the fixtures need, or NULL */
	const char *bad, *good;	/* numbered lines "  12 | text\n" */
};

extern const struct rule_doc rule_docs[];
extern const size_t nr_rule_docs;

/* The examples of rule id, or NULL. */
const struct rule_doc *rule_doc_find(const char *id);

/* The rule with id, or NULL.  rule_get() BUG()s instead of NULL. */
const struct rule *rule_find(const char *id);
const struct rule *rule_get(const char *id);
size_t rule_index(const struct rule *rule);

/*
 * Every rule's default severity as Katib release 0.<minor> has it: rules
 * of later releases are off.  An array of nr_rules; caller frees.
 */
enum severity *rule_severities_for(int minor);

/* rule's severity after overrides (an array of nr_rules, or NULL). */
enum severity rule_severity(const struct rule *rule,
			    const enum severity *overrides);

/* Runs every check over ctx, appending findings to out. */
void rule_run_all(const struct rule_ctx *ctx, struct diag_list *out);

#endif
