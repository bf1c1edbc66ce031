/*
 * rules/cluster.c: rules that need facts about the target cluster
 * (validate --cluster-facts): the namespace must exist and carry Katib's
 * injection label (KAT-WH-04), and an Istio-injected namespace makes a
 * missing sidecar opt-out fatal.  Without facts they are silent.
 */
#include "compat.h"
#include "rules/rules.h"
#include "doc.h"
#include "experiment.h"

#define KATIB_LABEL "katib.kubeflow.org/metrics-collector-injection"

const struct namespace_fact *experiment_namespace(const struct rule_ctx *ctx)
{
	const struct cluster_facts *f = ctx->facts;
	const char *ns = doc_str(doc_lookup(ctx->exp->root, "metadata.namespace"));
	size_t i;

	if (!f)
		return NULL;
	if (!ns || !*ns)
		ns = f->default_namespace;
	for (i = 0; ns && i < f->nr_namespaces; i++)
		if (!strcmp(f->namespaces[i].name, ns))
			return &f->namespaces[i];
	return NULL;
}

void check_namespace(const struct rule_ctx *ctx, struct diag_list *out)
{
	const struct namespace_fact *ns = experiment_namespace(ctx);
	const struct doc_node *at = doc_lookup(ctx->exp->root, "metadata.namespace");
	const char *name = doc_str(doc_lookup(ctx->exp->root, "metadata.name"));
	struct diag *d;

	if (!ns)
		return;
	if (!at)
		at = ctx->exp->metadata ? ctx->exp->metadata : ctx->exp->root;
	if (!ns->exists) {
		d = diag_add(out, rule_get("namespace-not-katib-enabled"), at,
			     "namespace '%s' does not exist in the cluster", ns->name);
		diag_hint(out, d, "create it, label it %s=enabled, or pick another with --namespace",
			  KATIB_LABEL);
	} else if (!ns->katib_enabled) {
		d = diag_add(out, rule_get("namespace-not-katib-enabled"), at,
			     "namespace '%s' lacks the label %s=enabled: Katib answers \"Cannot create the Experiment \"%s\" in namespace \"%s\": the namespace lacks label \"%s: enabled\"\"",
			     ns->name, KATIB_LABEL, name ? name : "", ns->name, KATIB_LABEL);
		diag_hint(out, d, "kubectl label namespace %s %s=enabled", ns->name, KATIB_LABEL);
	}
}
