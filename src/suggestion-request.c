#include "compat.h"
#include "suggestion-request.h"
#include "alloc.h"
#include "buf.h"
#include "doc.h"
#include "doc-json.h"
#include "katib-config.h"
#include "validate.h"

#define ALGORITHM_METHOD "/api.v1.beta1.Suggestion/ValidateAlgorithmSettings"
#define EARLY_STOPPING_METHOD "/api.v1.beta1.EarlyStopping/ValidateEarlyStoppingSettings"

/* protobuf's JSON mapping accepts the proto name and the lowerCamelCase one. */
static const struct doc_node *pget(const struct doc_node *map,
				   const char *proto, const char *camel)
{
	const struct doc_node *n = doc_get(map, camel);

	return n ? n : doc_get(map, proto);
}

/*
 * The proto enums of the request and the CRD's spelling of each value,
 * by number: ConvertExperiment() maps one way, the request is read back
 * the other.
 */
struct proto_enum {
	const char *const *proto;
	const char *const *crd;
	size_t nr;
};

static const char *const type_proto[] = {
	"UNKNOWN_TYPE", "DOUBLE", "INT", "DISCRETE", "CATEGORICAL",
};
static const char *const type_crd[] = {
	"unknown", "double", "int", "discrete", "categorical",
};
static const struct proto_enum parameter_types = {
	type_proto, type_crd, ARRAY_SIZE(type_proto),
};

static const char *const distribution_proto[] = {
	"DISTRIBUTION_UNSPECIFIED", "UNIFORM", "LOG_UNIFORM", "NORMAL", "LOG_NORMAL",
};
static const char *const distribution_crd[] = {
	"", "uniform", "logUniform", "normal", "logNormal",
};
static const struct proto_enum distributions = {
	distribution_proto, distribution_crd, ARRAY_SIZE(distribution_proto),
};

static const char *const objective_proto[] = { "UNKNOWN", "MINIMIZE", "MAXIMIZE" };
static const char *const objective_crd[] = { "", "minimize", "maximize" };
static const struct proto_enum objective_types = {
	objective_proto, objective_crd, ARRAY_SIZE(objective_proto),
};

/* An enum given by name or by number, as the CRD spells it; NULL if unset. */
static const char *enum_value(const struct doc_node *n, const struct proto_enum *e)
{
	int64_t v;
	size_t i;

	if (!n || n->kind == DOC_NULL)
		return NULL;
	if (!doc_int(n, &v))
		return v > 0 && (uint64_t)v < e->nr ? e->crd[v] : "unknown";
	for (i = 0; i < e->nr; i++)
		if (!strcmp(n->text, e->proto[i]))
			return e->crd[i];
	return "unknown";
}

/* A set value, as the CRD spells it; NULL for unset or unknown. */
static const char *set_value(const struct doc_node *n, const struct proto_enum *e)
{
	const char *v = enum_value(n, e);

	return v && *v && strcmp(v, "unknown") ? v : NULL;
}

/* A scalar copied with its type: proto strings stay strings. */
static void copy_scalar(struct doc *d, struct doc_node *parent,
			const char *key, const struct doc_node *v)
{
	if (v && v->kind != DOC_SEQ && v->kind != DOC_MAP && v->kind != DOC_NULL)
		doc_add(d, parent, key, v->kind, v->text);
}

static void copy_int32(struct doc *d, struct doc_node *parent,
		       const char *key, const struct doc_node *v)
{
	int64_t n;
	char num[32];

	/* proto3 leaves zero out: the controller sends 0 for "not set". */
	if (!v || doc_int(v, &n)) {
		if (v && doc_str(v) && *v->text) {
			char *end;
			long long l = strtoll(v->text, &end, 10);

			if (*end || !l)
				return;
			n = l;
		} else {
			return;
		}
	}
	if (!n)
		return;
	snprintf(num, sizeof(num), "%lld", (long long)n);
	doc_add(d, parent, key, DOC_INT, num);
}

static void copy_settings(struct doc *d, struct doc_node *parent,
			  const struct doc_node *settings)
{
	struct doc_node *seq;
	const struct doc_node *c;

	if (!settings || settings->kind != DOC_SEQ)
		return;
	seq = doc_add(d, parent, "algorithmSettings", DOC_SEQ, NULL);
	for (c = settings->child; c; c = c->next) {
		struct doc_node *m = doc_add(d, seq, NULL, DOC_MAP, NULL);
		const char *name = doc_get_str(c, "name");
		const char *value = doc_get_str(c, "value");

		doc_add(d, m, "name", DOC_STR, name ? name : "");
		doc_add(d, m, "value", DOC_STR, value ? value : "");
	}
}

static void copy_parameters(struct doc *d, struct doc_node *parent,
			    const struct doc_node *params)
{
	struct doc_node *seq;
	const struct doc_node *p;

	if (!params || params->kind != DOC_SEQ)
		return;
	seq = doc_add(d, parent, "parameters", DOC_SEQ, NULL);
	for (p = params->child; p; p = p->next) {
		struct doc_node *m = doc_add(d, seq, NULL, DOC_MAP, NULL);
		const struct doc_node *fs = pget(p, "feasible_space", "feasibleSpace");
		const struct doc_node *list = doc_get(fs, "list"), *c;
		const char *type = enum_value(pget(p, "parameter_type", "parameterType"), &parameter_types);
		const char *dist = set_value(doc_get(fs, "distribution"), &distributions);
		struct doc_node *out;

		copy_scalar(d, m, "name", doc_get(p, "name"));
		doc_add(d, m, "parameterType", DOC_STR, type ? type : "unknown");
		out = doc_add(d, m, "feasibleSpace", DOC_MAP, NULL);
		/* proto3 sends "" for an unset string; the CRD leaves it out. */
		if (doc_get_str(fs, "max") && *doc_get_str(fs, "max"))
			doc_add(d, out, "max", DOC_STR, doc_get_str(fs, "max"));
		if (doc_get_str(fs, "min") && *doc_get_str(fs, "min"))
			doc_add(d, out, "min", DOC_STR, doc_get_str(fs, "min"));
		if (doc_get_str(fs, "step") && *doc_get_str(fs, "step"))
			doc_add(d, out, "step", DOC_STR, doc_get_str(fs, "step"));
		if (list && list->kind == DOC_SEQ && list->nr_children) {
			struct doc_node *l = doc_add(d, out, "list", DOC_SEQ, NULL);

			for (c = list->child; c; c = c->next)
				doc_add(d, l, NULL, DOC_STR, c->text);
		}
		if (dist)
			doc_add(d, out, "distribution", DOC_STR, dist);
	}
}

static void copy_sizes(struct doc *d, struct doc_node *parent, const char *key,
		       const struct doc_node *seq)
{
	struct doc_node *out;
	const struct doc_node *c;

	if (!seq || seq->kind != DOC_SEQ || !seq->nr_children)
		return;
	out = doc_add(d, parent, key, DOC_SEQ, NULL);
	for (c = seq->child; c; c = c->next)
		doc_add(d, out, NULL, c->kind, c->text);
}

static void copy_nas(struct doc *d, struct doc_node *spec,
		     const struct doc_node *nas)
{
	const struct doc_node *gc = pget(nas, "graph_config", "graphConfig");
	const struct doc_node *ops = doc_get(doc_get(nas, "operations"), "operation");
	struct doc_node *out = doc_add(d, spec, "nasConfig", DOC_MAP, NULL);
	const struct doc_node *op;

	if (gc) {
		struct doc_node *g = doc_add(d, out, "graphConfig", DOC_MAP, NULL);

		copy_int32(d, g, "numLayers", pget(gc, "num_layers", "numLayers"));
		copy_sizes(d, g, "inputSizes", pget(gc, "input_sizes", "inputSizes"));
		copy_sizes(d, g, "outputSizes", pget(gc, "output_sizes", "outputSizes"));
	}
	if (!ops || ops->kind != DOC_SEQ)
		return;
	out = doc_add(d, out, "operations", DOC_SEQ, NULL);
	for (op = ops->child; op; op = op->next) {
		struct doc_node *m = doc_add(d, out, NULL, DOC_MAP, NULL);

		copy_scalar(d, m, "operationType", pget(op, "operation_type", "operationType"));
		copy_parameters(d, m, doc_get(pget(op, "parameter_specs", "parameterSpecs"),
					      "parameters"));
	}
}

static void copy_objective(struct doc *d, struct doc_node *spec,
			   const struct doc_node *obj)
{
	struct doc_node *out = doc_add(d, spec, "objective", DOC_MAP, NULL);
	const char *type = set_value(doc_get(obj, "type"), &objective_types);
	const struct doc_node *names;

	if (type)
		doc_add(d, out, "type", DOC_STR, type);
	copy_scalar(d, out, "goal", doc_get(obj, "goal"));
	copy_scalar(d, out, "objectiveMetricName",
		    pget(obj, "objective_metric_name", "objectiveMetricName"));
	names = pget(obj, "additional_metric_names", "additionalMetricNames");
	copy_sizes(d, out, "additionalMetricNames", names);
}

/*
 * The Experiment Katib's ConvertExperiment() made the request from, as
 * far as the request tells: what the services look at.
 */
static struct doc_node *experiment_from(struct doc *d, const struct doc_node *exp,
					const struct doc_node *early_stopping)
{
	const struct doc_node *spec = exp ? doc_get(exp, "spec") : NULL;
	const struct doc_node *alg = doc_get(spec, "algorithm"), *nas;
	struct doc_node *root = doc_add(d, NULL, NULL, DOC_MAP, NULL);
	struct doc_node *meta, *out, *a;
	const char *name = exp ? doc_get_str(exp, "name") : NULL;

	doc_add(d, root, "apiVersion", DOC_STR, "kubeflow.org/v1beta1");
	doc_add(d, root, "kind", DOC_STR, "Experiment");
	meta = doc_add(d, root, "metadata", DOC_MAP, NULL);
	doc_add(d, meta, "name", DOC_STR, name && *name ? name : "experiment");
	out = doc_add(d, root, "spec", DOC_MAP, NULL);
	if (spec) {
		copy_int32(d, out, "parallelTrialCount",
			   pget(spec, "parallel_trial_count", "parallelTrialCount"));
		copy_int32(d, out, "maxTrialCount",
			   pget(spec, "max_trial_count", "maxTrialCount"));
		copy_objective(d, out, doc_get(spec, "objective"));
		a = doc_add(d, out, "algorithm", DOC_MAP, NULL);
		copy_scalar(d, a, "algorithmName", pget(alg, "algorithm_name", "algorithmName"));
		copy_settings(d, a, pget(alg, "algorithm_settings", "algorithmSettings"));
		copy_parameters(d, out, doc_get(pget(spec, "parameter_specs", "parameterSpecs"),
						"parameters"));
		nas = pget(spec, "nas_config", "nasConfig");
		if (nas && nas->kind == DOC_MAP)
			copy_nas(d, out, nas);
		early_stopping = pget(spec, "early_stopping", "earlyStopping");
	}
	if (early_stopping && early_stopping->kind == DOC_MAP) {
		a = doc_add(d, out, "earlyStopping", DOC_MAP, NULL);
		copy_scalar(d, a, "algorithmName",
			    pget(early_stopping, "algorithm_name", "algorithmName"));
		copy_settings(d, a, pget(early_stopping, "algorithm_settings",
					 "algorithmSettings"));
	}
	return root;
}

void suggestion_reply_release(struct suggestion_reply *r)
{
	free(r->service);
	free(r->details);
	memset(r, 0, sizeof(*r));
}

static int owning_service(const struct katib_config *config, int early,
			  const char *algorithm, struct suggestion_reply *out,
			  struct fail *f)
{
	const char *image;

	if (!algorithm || !*algorithm)
		return fail_set(f, FAIL_PROTOCOL,
				"the request names no algorithm (algorithm_name is empty)");
	image = early ? katib_config_image(config->early_stoppings,
					   config->early_stopping_images, algorithm)
		      : katib_config_image(config->algorithms,
					   config->algorithm_images, algorithm);
	if (!image)
		return fail_set(f, FAIL_USAGE,
				"%s does not serve %s '%s': Katib would not start a service to ask",
				config->source, early ? "early stopping" : "algorithm",
				algorithm);
	if (early) {
		if (!strstr(image, "earlystopping-medianstop"))
			return fail_set(f, FAIL_USAGE,
					"'%s' is served by image %s, whose answers kubectl-katib does not know",
					algorithm, image);
		out->service = xstrdup("medianstop");
		return 0;
	}
	if (!katib_config_service(config, algorithm))
		return fail_set(f, FAIL_USAGE,
				"'%s' is served by image %s, whose answers kubectl-katib does not know",
				algorithm, *image ? image : "(blank)");
	out->service = xstrdup(katib_config_service(config, algorithm));
	return 0;
}

int suggestion_request_predict(const struct doc *request,
			       const struct katib_config *config,
			       struct suggestion_reply *out, struct fail *f)
{
	const struct doc_node *root = request->root, *exp, *es;
	struct diag_list diags = DIAG_LIST_INIT;
	struct doc *d;
	const char *alg;
	size_t i;
	int early;

	memset(out, 0, sizeof(*out));
	if (request->error)
		return doc_error_fail(request, f);
	exp = doc_get(root, "experiment");
	es = pget(root, "early_stopping", "earlyStopping");
	if ((!exp || exp->kind != DOC_MAP) && (!es || es->kind != DOC_MAP))
		return fail_set(f, FAIL_PROTOCOL,
				"%s: not a ValidateAlgorithmSettingsRequest ({\"experiment\": ...}) nor a ValidateEarlyStoppingSettingsRequest ({\"early_stopping\": ...})",
				request->name);
	early = !exp || exp->kind != DOC_MAP;
	d = doc_new(request->name, 0);
	d->root = experiment_from(d, early ? NULL : exp, early ? es : NULL);
	alg = early ? doc_get_str(doc_lookup(d->root, "spec.earlyStopping"), "algorithmName")
		    : doc_get_str(doc_lookup(d->root, "spec.algorithm"), "algorithmName");
	if (owning_service(config, early, alg, out, f)) {
		doc_free(d);
		return -1;
	}
	out->method = early ? EARLY_STOPPING_METHOD : ALGORITHM_METHOD;
	validate_doc(d, config, NULL, &diags);
	out->code = GRPC_OK;
	for (i = 0; i < diags.nr; i++) {
		const struct diag_reply *r = &diags.item[i].reply;

		if (r->code != GRPC_OK && r->early_stopping == early) {
			out->code = r->code;
			out->details = xstrdup(r->details);
			break;
		}
	}
	if (!out->details)
		out->details = xstrdup("");
	diag_list_release(&diags);
	doc_free(d);
	return 0;
}

void suggestion_reply_effect(const struct suggestion_reply *r, struct buf *out)
{
	const char *rpc = strrchr(r->method, '/') + 1;

	switch (r->code) {
	case GRPC_OK:
		buf_adds(out, "Katib's controller takes the settings as valid and the Suggestion runs");
		break;
	case GRPC_INVALID_ARGUMENT:
	case GRPC_UNKNOWN:
		buf_addf(out, "the Suggestion fails with 'Validation failed: %s Error: %s' and the Experiment fails",
			 rpc, r->details);
		break;
	case GRPC_INTERNAL:
		buf_adds(out, "Katib's controller takes INTERNAL for success: the Suggestion runs, every request for trials fails the same way, and the Experiment gets no trials");
		break;
	}
}

int grpc_code_parse(const char *name)
{
	static const enum grpc_code codes[] = {
		GRPC_OK, GRPC_UNKNOWN, GRPC_INVALID_ARGUMENT, GRPC_INTERNAL,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(codes); i++)
		if (!strcmp(name, grpc_code_name(codes[i])))
			return codes[i];
	return -1;
}

char *suggestion_reply_json(const struct suggestion_reply *r)
{
	struct doc *d = doc_new("reply", 0);
	struct doc_node *root = doc_add(d, NULL, NULL, DOC_MAP, NULL);
	char *json;

	d->root = root;
	doc_add(d, root, "method", DOC_STR, r->method);
	if (r->service)
		doc_add(d, root, "service", DOC_STR, r->service);
	doc_add(d, root, "code", DOC_STR, grpc_code_name(r->code));
	doc_add(d, root, "details", DOC_STR, r->details ? r->details : "");
	json = doc_to_json(root);
	doc_free(d);
	return json;
}

int suggestion_reply_read(const struct doc *recorded,
			  struct suggestion_reply *out, struct fail *f)
{
	const struct doc_node *root = recorded->root;
	const char *method = doc_get_str(root, "method");
	const char *code = doc_get_str(root, "code");
	const char *details = doc_get_str(root, "details");
	int c;

	memset(out, 0, sizeof(*out));
	if (recorded->error || !root || root->kind != DOC_MAP)
		return fail_set(f, FAIL_PROTOCOL, "%s: a recorded reply is a map",
				recorded->name);
	if (!method || (strcmp(method, ALGORITHM_METHOD) &&
			strcmp(method, EARLY_STOPPING_METHOD)))
		return fail_set(f, FAIL_PROTOCOL,
				"%s: method must be %s or %s", recorded->name,
				ALGORITHM_METHOD, EARLY_STOPPING_METHOD);
	if (!code || (c = grpc_code_parse(code)) < 0)
		return fail_set(f, FAIL_PROTOCOL,
				"%s: code must be OK, UNKNOWN, INVALID_ARGUMENT or INTERNAL",
				recorded->name);
	out->method = !strcmp(method, ALGORITHM_METHOD) ? ALGORITHM_METHOD
							: EARLY_STOPPING_METHOD;
	out->code = c;
	out->details = xstrdup(details ? details : "");
	if (doc_get_str(root, "service"))
		out->service = xstrdup(doc_get_str(root, "service"));
	return 0;
}

/* ---- the request Katib's controller sends (ConvertExperiment) ---- */

/* The proto name of the CRD's value crd; the enum's zero value if none. */
static const char *proto_name(const char *crd, const struct proto_enum *e)
{
	size_t i;

	for (i = 0; crd && i < e->nr; i++)
		if (!strcmp(crd, e->crd[i]))
			return e->proto[i];
	return e->proto[0];
}

static void proto_parameters(struct doc *d, struct doc_node *parent,
			     const struct doc_node *params)
{
	struct doc_node *seq = doc_add(d, parent, "parameters", DOC_SEQ, NULL);
	const struct doc_node *p, *c;

	for (p = params && params->kind == DOC_SEQ ? params->child : NULL; p; p = p->next) {
		const struct doc_node *fs = doc_get(p, "feasibleSpace");
		struct doc_node *m = doc_add(d, seq, NULL, DOC_MAP, NULL), *out;
		static const char *const keys[] = { "max", "min", "step" };
		size_t i;

		doc_add(d, m, "name", DOC_STR, doc_get_str(p, "name") ? doc_get_str(p, "name") : "");
		doc_add(d, m, "parameter_type", DOC_STR,
			proto_name(doc_get_str(p, "parameterType"), &parameter_types));
		out = doc_add(d, m, "feasible_space", DOC_MAP, NULL);
		for (i = 0; i < ARRAY_SIZE(keys); i++) {
			const struct doc_node *v = doc_get(fs, keys[i]);

			if (v && v->kind != DOC_MAP && v->kind != DOC_SEQ && v->kind != DOC_NULL)
				doc_add(d, out, keys[i], DOC_STR, v->text);
		}
		if (doc_get(fs, "list") && doc_get(fs, "list")->kind == DOC_SEQ) {
			struct doc_node *l = doc_add(d, out, "list", DOC_SEQ, NULL);

			for (c = doc_get(fs, "list")->child; c; c = c->next)
				doc_add(d, l, NULL, DOC_STR, c->text);
		}
		doc_add(d, out, "distribution", DOC_STR,
			proto_name(doc_get_str(fs, "distribution"), &distributions));
	}
}

/* algorithm_name and algorithm_settings of spec (an algorithm), into a. */
static void proto_settings(struct doc *d, struct doc_node *a,
			   const struct doc_node *spec)
{
	struct doc_node *seq;
	const struct doc_node *c, *settings = doc_get(spec, "algorithmSettings");

	doc_add(d, a, "algorithm_name", DOC_STR,
		doc_get_str(spec, "algorithmName") ? doc_get_str(spec, "algorithmName") : "");
	seq = doc_add(d, a, "algorithm_settings", DOC_SEQ, NULL);
	for (c = settings && settings->kind == DOC_SEQ ? settings->child : NULL; c; c = c->next) {
		struct doc_node *m = doc_add(d, seq, NULL, DOC_MAP, NULL);
		const struct doc_node *v = doc_get(c, "value");

		doc_add(d, m, "name", DOC_STR, doc_get_str(c, "name") ? doc_get_str(c, "name") : "");
		doc_add(d, m, "value", DOC_STR, v && v->kind != DOC_MAP && v->kind != DOC_SEQ ? v->text : "");
	}
}

char *suggestion_request_from_experiment(const struct doc_node *exp, int early)
{
	const struct doc_node *spec = doc_get(exp, "spec"), *obj, *names, *c;
	struct doc *d = doc_new("request", 0);
	struct doc_node *root, *e, *s, *o, *a;
	char *json;

	root = d->root = doc_add(d, NULL, NULL, DOC_MAP, NULL);
	if (early) {
		a = doc_add(d, root, "early_stopping", DOC_MAP, NULL);
		proto_settings(d, a, doc_get(spec, "earlyStopping"));
		goto out;
	}
	e = doc_add(d, root, "experiment", DOC_MAP, NULL);
	doc_add(d, e, "name", DOC_STR, doc_str(doc_lookup(exp, "metadata.name")) ?
		doc_str(doc_lookup(exp, "metadata.name")) : "");
	s = doc_add(d, e, "spec", DOC_MAP, NULL);
	proto_parameters(d, doc_add(d, s, "parameter_specs", DOC_MAP, NULL),
			 doc_get(spec, "parameters"));
	obj = doc_get(spec, "objective");
	o = doc_add(d, s, "objective", DOC_MAP, NULL);
	doc_add(d, o, "type", DOC_STR,
		proto_name(doc_get_str(obj, "type"), &objective_types));
	if (doc_get(obj, "goal") && (doc_get(obj, "goal")->kind == DOC_INT ||
				     doc_get(obj, "goal")->kind == DOC_FLOAT))
		doc_add(d, o, "goal", DOC_FLOAT, doc_get(obj, "goal")->text);
	doc_add(d, o, "objective_metric_name", DOC_STR,
		doc_get_str(obj, "objectiveMetricName") ? doc_get_str(obj, "objectiveMetricName") : "");
	names = doc_get(obj, "additionalMetricNames");
	if (names && names->kind == DOC_SEQ && names->nr_children) {
		struct doc_node *l = doc_add(d, o, "additional_metric_names", DOC_SEQ, NULL);

		for (c = names->child; c; c = c->next)
			doc_add(d, l, NULL, DOC_STR, c->text);
	}
	a = doc_add(d, s, "algorithm", DOC_MAP, NULL);
	proto_settings(d, a, doc_get(spec, "algorithm"));
	if (doc_get(spec, "parallelTrialCount") && doc_get(spec, "parallelTrialCount")->kind == DOC_INT)
		doc_add(d, s, "parallel_trial_count", DOC_INT, doc_get(spec, "parallelTrialCount")->text);
	if (doc_get(spec, "maxTrialCount") && doc_get(spec, "maxTrialCount")->kind == DOC_INT)
		doc_add(d, s, "max_trial_count", DOC_INT, doc_get(spec, "maxTrialCount")->text);
out:
	json = doc_to_json_pretty(root);
	doc_free(d);
	return json;
}
