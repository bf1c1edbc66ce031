/*
 * rules/rules.h: check functions of the rule table (rule-list.c), and
 * helpers they share.
 */
#ifndef KATIB_SRC_RULES_RULES_H
#define KATIB_SRC_RULES_RULES_H

#include "rule.h"
#include "schema.h"

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
/* pods.c */
rule_check_fn check_pods;
/* training-job.c: the training operator's webhooks. */
rule_check_fn check_training_job;
/*
 * The container the training operator's webhook requires in every
 * replica of trial_spec's kind ("pytorch" for a PyTorchJob), or NULL for
 * a kind it does not validate.
 */
const char *training_job_container(const struct doc_node *trial_spec);
/* workload.c: the API server's checks of the trial's pods. */
struct trial_pods;
void check_workload(const struct rule_ctx *ctx, const struct trial_pods *pods,
		    struct diag_list *out);
/* metadata.c: the API server's ObjectMeta checks. */
rule_check_fn check_metadata;
/* An object's labels and annotations; where prefixes the field path. */
void check_object_labels(const struct doc_node *labels,
			 const struct doc_node *annotations, const char *where,
			 const char *effect, struct diag_list *out);
/*
 * The API server's messages for s (at most K8S_MAX_PROBLEMS); returns
 * their number.
 */
#define K8S_MAX_PROBLEMS 4
size_t k8s_dns1123_label_problems(const char *s, size_t n, const char **msgs);
size_t k8s_label_key_problems(const char *s, size_t n, const char **msgs);
size_t k8s_label_value_problems(const char *s, size_t n, const char **msgs);
/* values.c */
rule_check_fn check_parameter_values;
rule_check_fn check_metrics;
rule_check_fn check_run_settings;
/* generation.c */
rule_check_fn check_generation;
rule_check_fn check_derived_names;
/* conditions.c */
rule_check_fn check_trial_conditions;
/* cluster.c */
rule_check_fn check_namespace;
/* The facts about the Experiment's namespace, or NULL. */
const struct namespace_fact *experiment_namespace(const struct rule_ctx *ctx);
/* services.c */
rule_check_fn check_services;
/* collector.c */
rule_check_fn check_collector;
/* types.c */
rule_check_fn check_types;

/* How schema_check() problems become findings (see report_schema_problem). */
struct schema_report {
	struct diag_list *out;
	const char *type_rule;		/* rule id for a value of the wrong type */
	const char *unknown_rule;	/* rule id for an unknown field */
	const char *where;		/* appended to the struct name */
	const char *type_effect;	/* what Katib then does */
	const char *unknown_effect;
	/* What schema_check() started from, to say where a field belongs. */
	const struct schema_type *root_type;
	const struct doc_node *root;
};

/* A schema_report_fn; data is a struct schema_report. */
schema_report_fn report_schema_problem;

#endif
