/*
 * rules/rules.h: check functions of the rule table (rule-list.c), and
 * helpers they share.
 */
#ifndef KATIB_SRC_RULES_RULES_H
#define KATIB_SRC_RULES_RULES_H

#include "rule.h"

/* spec.c */
rule_check_fn check_name;
rule_check_fn check_counts;
rule_check_fn check_objective;
rule_check_fn check_algorithm;
rule_check_fn check_early_stopping;
rule_check_fn check_resume_policy;
rule_check_fn check_search_space;
rule_check_fn check_parameters;
/* trial-template.c */
rule_check_fn check_trial_template;
rule_check_fn check_trial_parameters;
rule_check_fn check_job;
/* collector.c */
rule_check_fn check_collector;
/* types.c */
rule_check_fn check_types;

#endif
