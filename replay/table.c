/*
 * Tables: what kube-apiserver answers a client that asks for
 * "application/json;as=Table;v=v1;g=meta.k8s.io" (kubectl get, for its
 * columns): a meta.k8s.io Table (staging/src/k8s.io/apimachinery/pkg/
 * apis/meta/v1/types.go, in kubernetes) whose rows carry cells and, as
 * includeObject says, the object's metadata (PartialObjectMetadata, the
 * default), the whole object or nothing (staging/src/k8s.io/apiserver/
 * pkg/endpoints/handlers/response.go, asTable).
 *
 * The columns are the apiserver's:
 *   - pods and namespaces: pkg/printers/internalversion/printers.go
 *     (printPod, printNamespace), which the apiserver always runs wide, so
 *     a row has every column and kubectl hides those of priority 1 unless
 *     -o wide;
 *   - custom resources: their CRD's additionalPrinterColumns, a NAME
 *     column first, AGE alone when a CRD has none (staging/src/
 *     k8s.io/apiextensions-apiserver/pkg/registry/customresource/
 *     tableconvertor/tableconvertor.go); Katib's are below.
 * Other built-in kinds get the plain list, which kubectl prints itself as
 * NAME and AGE, as it does for a server without tables.
 *
 * Ages are counted to now, or to KATIB_NOW (an RFC 3339 time) when set,
 * so that tests print the same table every day.
 */
#include "compat.h"
#include "replay.h"
#include "timefmt.h"

#include <time.h>

/* ObjectMeta's field documentation, which the columns quote. */
#define NAME_DOC "Name must be unique within a namespace. Is required when creating " \
	"resources, although some resources may allow a client to request the " \
	"generation of a name automatically. Name is primarily intended for creation " \
	"idempotence and configuration definition. Cannot be updated. More info: " \
	"https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
#define AGE_DOC "CreationTimestamp is a timestamp representing the server time when " \
	"this object was created. It is not guaranteed to be set in happens-before " \
	"order across separate operations. Clients may not set this value. It is " \
	"represented in RFC3339 form and is in UTC.\n\nPopulated by the system. " \
	"Read-only. Null for lists. More info: https://git.k8s.io/community/" \
	"contributors/devel/sig-architecture/api-conventions.md#metadata"

struct column {
	const char *name, *type, *format, *description;
	int priority;
	const char *json_path;		/* custom resources: the cell's value */
};

struct printer {
	const char *group, *resource;
	const struct column *columns;
	size_t nr_columns;
	/* Appends the row's cells (and conditions); NULL: the columns' paths. */
	void (*row)(const struct table *t, const struct doc_node *obj, struct buf *b);
};

static void pod_row(const struct table *t, const struct doc_node *pod, struct buf *b);
static void namespace_row(const struct table *t, const struct doc_node *ns, struct buf *b);

static const struct column pod_columns[] = {
	{ "Name", "string", "name", NAME_DOC, 0, NULL },
	{ "Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic.", 0, NULL },
	{ "Status", "string", "", "The aggregate status of the containers in this pod.", 0, NULL },
	{ "Restarts", "string", "", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.", 0, NULL },
	{ "Age", "string", "", AGE_DOC, 0, NULL },
	{ "IP", "string", "", "podIP address allocated to the pod.", 1, NULL },
	{ "Node", "string", "", "NodeName indicates in which node this pod is scheduled.", 1, NULL },
	{ "Nominated Node", "string", "", "nominatedNodeName is set only when this pod preempts other pods on the node.", 1, NULL },
	{ "Readiness Gates", "string", "", "If specified, all readiness gates will be evaluated for pod readiness.", 1, NULL },
};

static const struct column namespace_columns[] = {
	{ "Name", "string", "name", NAME_DOC, 0, NULL },
	{ "Status", "string", "", "The status of the namespace", 0, NULL },
	{ "Age", "string", "", AGE_DOC, 0, NULL },
};

/*
 * Katib's additionalPrinterColumns, as its CRDs declare them
 * (manifests/v1beta1/components/crd/experiment.yaml, trial.yaml and
 * suggestion.yaml, in kubeflow/katib at commit 33c8ff4e5d18).  The
 * description is the one the apiserver writes for a column without one.
 */
#define CRD_COLUMN(name, type, path) \
	{ name, type, "", "Custom resource definition column (in JSONPath format): " path, 0, path }

static const struct column experiment_columns[] = {
	{ "Name", "string", "name", NAME_DOC, 0, NULL },
	CRD_COLUMN("Type", "string", ".status.conditions[-1:].type"),
	CRD_COLUMN("Status", "string", ".status.conditions[-1:].status"),
	CRD_COLUMN("Age", "date", ".metadata.creationTimestamp"),
};

static const struct column suggestion_columns[] = {
	{ "Name", "string", "name", NAME_DOC, 0, NULL },
	CRD_COLUMN("Type", "string", ".status.conditions[-1:].type"),
	CRD_COLUMN("Status", "string", ".status.conditions[-1:].status"),
	CRD_COLUMN("Requested", "string", ".spec.requests"),
	CRD_COLUMN("Assigned", "string", ".status.suggestionCount"),
	CRD_COLUMN("Age", "date", ".metadata.creationTimestamp"),
};

/* A CRD without additionalPrinterColumns: the apiserver's default. */
static const struct column default_crd_columns[] = {
	{ "Name", "string", "name", NAME_DOC, 0, NULL },
	{ "Age", "date", "", AGE_DOC, 0, ".metadata.creationTimestamp" },
};

static const struct printer printers[] = {
	{ "", "pods", pod_columns, ARRAY_SIZE(pod_columns), pod_row },
	{ "", "namespaces", namespace_columns, ARRAY_SIZE(namespace_columns), namespace_row },
	{ "kubeflow.org", "experiments", experiment_columns, ARRAY_SIZE(experiment_columns), NULL },
	{ "kubeflow.org", "trials", experiment_columns, ARRAY_SIZE(experiment_columns), NULL },
	{ "kubeflow.org", "suggestions", suggestion_columns, ARRAY_SIZE(suggestion_columns), NULL },
};

static const struct printer default_crd = {
	NULL, NULL, default_crd_columns, ARRAY_SIZE(default_crd_columns), NULL
};

/* Groups kube-apiserver serves itself; any other is a CRD's. */
int builtin_group(const char *group)
{
	static const char *const plain[] = { "", "apps", "batch", "autoscaling", "policy" };
	size_t i, n = strlen(group);

	for (i = 0; i < ARRAY_SIZE(plain); i++)
		if (!strcmp(group, plain[i]))
			return 1;
	return n >= 7 && !strcmp(group + n - 7, ".k8s.io");
}

/* ---- time ---- */

/* kubectl's way of writing a duration, appended to b. */
static void human_duration(struct buf *b, int64_t secs)
{
	char text[32];

	time_human_duration(secs, text, sizeof(text));
	buf_adds(b, text);
}

/* The age of a timestamp as a JSON string: "<unknown>" without one. */
static void age_cell(const struct table *t, const char *when, struct buf *b)
{
	struct buf age = BUF_INIT;
	int64_t at;

	if (!when)
		buf_adds(&age, "<unknown>");
	else if (time_parse_rfc3339(when, &at))
		buf_adds(&age, "<invalid>");
	else
		human_duration(&age, t->now - at);
	buf_add_json_str(b, age.buf, age.len);
	buf_release(&age);
}

/* ---- JSONPath, as the apiserver evaluates a column's ---- */

/*
 * The first value a simple JSONPath (".a.b", "[2]", "[-1:]", "[*]") finds
 * under n, or NULL: a missing key, an index out of range or a slice the
 * apiserver's jsonpath refuses (staging/src/k8s.io/client-go/util/
 * jsonpath/jsonpath.go, evalArray) all leave the cell empty.
 */
static const struct doc_node *first_match(const struct doc_node *n, const char *p)
{
	const struct doc_node *c, *found;
	char key[256];
	size_t len;

	if (!n)
		return NULL;
	if (!*p)
		return n;
	if (*p == '.') {
		p++;
		len = strcspn(p, ".[");
		if (!len || len >= sizeof(key))
			return NULL;
		memcpy(key, p, len);
		key[len] = '\0';
		if (!strcmp(key, "*")) {
			for (c = n->child; c; c = c->next)
				if ((found = first_match(c, p + len)))
					return found;
			return NULL;
		}
		return first_match(doc_get(n, key), p + len);
	}
	if (*p == '[') {
		const char *end = strchr(p, ']');
		long start, stop, size = (long)n->nr_children, i;
		int slice, has_start, has_stop;
		char *e;

		if (!end || n->kind != DOC_SEQ)
			return NULL;
		if (!strncmp(p, "[*]", 3)) {
			for (c = n->child; c; c = c->next)
				if ((found = first_match(c, end + 1)))
					return found;
			return NULL;
		}
		p++;
		has_start = *p != ':';
		start = has_start ? strtol(p, &e, 10) : 0;
		if (has_start)
			p = e;
		slice = *p == ':';
		if (slice)
			p++;
		has_stop = slice && *p != ']';
		stop = has_stop ? strtol(p, &e, 10) : 0;
		if (has_stop)
			p = e;
		if (p != end)
			return NULL;
		if (start < 0)
			start += size;
		if (!slice)
			stop = start + 1;
		else if (!has_stop)
			stop = size;
		else if (stop < 0)
			stop += size;
		if (start == stop || start < 0 || start >= size || stop > size || stop < 0 ||
		    start > stop)
			return NULL;
		for (c = n->child, i = 0; c && i < stop; c = c->next, i++)
			if (i >= start && (found = first_match(c, end + 1)))
				return found;
		return NULL;
	}
	return NULL;
}

/*
 * A custom resource's cell: a "string" column prints what it finds as
 * jsonpath prints it (numbers and booleans as their text), a "date" one
 * an age; anything of another type than the column's is null.
 */
static void path_cell(const struct table *t, const struct column *col,
		      const struct doc_node *obj, struct buf *b)
{
	const struct doc_node *v = first_match(obj, col->json_path);
	const char *type = col->type;

	if (!v || v->kind == DOC_NULL) {
		buf_adds(b, "null");
	} else if (!strcmp(type, "string")) {
		if (v->kind == DOC_MAP || v->kind == DOC_SEQ) {
			char *json = doc_to_json(v);

			buf_add_json_str(b, json, strlen(json));
			free(json);
		} else {
			buf_add_json_str(b, v->text, strlen(v->text));
		}
	} else if (!strcmp(type, "date")) {
		if (v->kind == DOC_STR)
			age_cell(t, v->text, b);
		else
			buf_adds(b, "null");
	} else if ((!strcmp(type, "integer") && v->kind == DOC_INT) ||
		   (!strcmp(type, "number") && (v->kind == DOC_INT || v->kind == DOC_FLOAT)) ||
		   (!strcmp(type, "boolean") && v->kind == DOC_BOOL)) {
		char *json = doc_to_json(v);

		buf_adds(b, json);
		free(json);
	} else {
		buf_adds(b, "null");
	}
}

/* ---- rows of built-in kinds ---- */

static void add_str_cell(struct buf *b, const char *s)
{
	buf_addch(b, ',');
	buf_add_json_str(b, s, strlen(s));
}

static int is_true(const struct doc_node *n)
{
	return n && n->kind == DOC_BOOL && strchr("tTyY", n->text[0]);
}

/* The status of the pod condition of type, or NULL. */
static const char *pod_condition(const struct doc_node *pod, const char *type)
{
	const struct doc_node *c;

	for (c = doc_lookup(pod, "status.conditions") ? doc_lookup(pod, "status.conditions")->child : NULL;
	     c; c = c->next)
		if (doc_get_str(c, "type") && !strcmp(doc_get_str(c, "type"), type))
			return doc_get_str(c, "status");
	return NULL;
}

/* A sidecar: an init container that keeps running (restartPolicy: Always). */
static int restartable_init(const struct doc_node *pod, const char *name)
{
	const struct doc_node *c;

	for (c = doc_lookup(pod, "spec.initContainers") ? doc_lookup(pod, "spec.initContainers")->child : NULL;
	     c; c = c->next)
		if (name && doc_get_str(c, "name") && !strcmp(doc_get_str(c, "name"), name))
			return doc_get_str(c, "restartPolicy") &&
			       !strcmp(doc_get_str(c, "restartPolicy"), "Always");
	return 0;
}

/* A container's restarts, and its last termination if later than *last. */
static int64_t count_restarts(const struct doc_node *status, int64_t *last)
{
	int64_t n = 0, at;
	const char *when = doc_str(doc_lookup(status, "lastState.terminated.finishedAt"));

	doc_int(doc_get(status, "restartCount"), &n);
	if (when && !time_parse_rfc3339(when, &at) && at > *last)
		*last = at;
	return n;
}

/* A terminated state's reason: its own, else its signal or exit code. */
static void terminated_reason(const struct doc_node *term, const char *prefix,
			      struct buf *reason)
{
	int64_t signal = 0, code = 0;

	buf_reset(reason);
	if (!doc_str_empty(doc_get(term, "reason")) && doc_get_str(term, "reason")) {
		buf_addf(reason, "%s%s", prefix, doc_get_str(term, "reason"));
		return;
	}
	doc_int(doc_get(term, "signal"), &signal);
	doc_int(doc_get(term, "exitCode"), &code);
	if (signal)
		buf_addf(reason, "%sSignal:%lld", prefix, (long long)signal);
	else
		buf_addf(reason, "%sExitCode:%lld", prefix, (long long)code);
}

/*
 * printPod's READY, STATUS and RESTARTS: init containers first (a
 * failing or waiting one is the status, "Init:N/M" one still running),
 * then the containers, last to first, whose waiting or terminated
 * reason wins; a pod being deleted is Terminating (Unknown on a lost
 * node) unless it already ended.
 */
static void pod_row(const struct table *t, const struct doc_node *pod, struct buf *b)
{
	const struct doc_node *status = doc_get(pod, "status"), *c;
	const struct doc_node *inits = doc_get(status, "initContainerStatuses");
	const struct doc_node *spec_inits = doc_lookup(pod, "spec.initContainers");
	const char *phase = doc_get_str(status, "phase");
	struct buf reason = BUF_INIT, cell = BUF_INIT;
	int64_t restarts = 0, sidecar_restarts = 0, last = 0, sidecar_last = 0;
	long total = 0, ready = 0, i = 0;
	int initializing = 0;

	buf_adds(&reason, phase ? phase : "");
	if (!doc_str_empty(doc_get(status, "reason")) && doc_get_str(status, "reason")) {
		buf_reset(&reason);
		buf_adds(&reason, doc_get_str(status, "reason"));
	}
	for (c = doc_get(status, "conditions") ? doc_get(status, "conditions")->child : NULL; c; c = c->next)
		if (doc_get_str(c, "type") && !strcmp(doc_get_str(c, "type"), "PodScheduled") &&
		    doc_get_str(c, "reason") && !strcmp(doc_get_str(c, "reason"), "SchedulingGated")) {
			buf_reset(&reason);
			buf_adds(&reason, "SchedulingGated");
		}
	total = doc_lookup(pod, "spec.containers") ? (long)doc_lookup(pod, "spec.containers")->nr_children : 0;
	for (c = spec_inits ? spec_inits->child : NULL; c; c = c->next)
		if (restartable_init(pod, doc_get_str(c, "name")))
			total++;
	for (c = inits ? inits->child : NULL; c; c = c->next, i++) {
		const struct doc_node *term = doc_lookup(c, "state.terminated");
		const char *waiting = doc_str(doc_lookup(c, "state.waiting.reason"));
		int sidecar = restartable_init(pod, doc_get_str(c, "name"));
		int64_t code = 0;

		restarts += count_restarts(c, &last);
		if (sidecar)
			sidecar_restarts += count_restarts(c, &sidecar_last);
		doc_int(doc_get(term, "exitCode"), &code);
		if (term && !code)
			continue;
		if (sidecar && is_true(doc_get(c, "started"))) {
			if (is_true(doc_get(c, "ready")))
				ready++;
			continue;
		}
		if (term) {
			terminated_reason(term, "Init:", &reason);
		} else if (waiting && *waiting && strcmp(waiting, "PodInitializing")) {
			buf_reset(&reason);
			buf_addf(&reason, "Init:%s", waiting);
		} else {
			buf_reset(&reason);
			buf_addf(&reason, "Init:%ld/%u", i, spec_inits ? spec_inits->nr_children : 0);
		}
		initializing = 1;
		break;
	}
	if (!initializing || (pod_condition(pod, "Initialized") &&
			      !strcmp(pod_condition(pod, "Initialized"), "True"))) {
		const struct doc_node *statuses = doc_get(status, "containerStatuses");
		int running = 0;
		uint32_t k;

		restarts = sidecar_restarts;
		last = sidecar_last;
		/* Last to first: the first container's state is the one shown. */
		for (k = statuses ? statuses->nr_children : 0; k-- > 0;) {
			const struct doc_node *cs = statuses->child, *term;
			const char *waiting;
			uint32_t j;

			for (j = 0; j < k; j++)
				cs = cs->next;
			term = doc_lookup(cs, "state.terminated");
			waiting = doc_str(doc_lookup(cs, "state.waiting.reason"));
			restarts += count_restarts(cs, &last);
			if (waiting && *waiting) {
				buf_reset(&reason);
				buf_adds(&reason, waiting);
			} else if (term) {
				terminated_reason(term, "", &reason);
			} else if (is_true(doc_get(cs, "ready")) && doc_lookup(cs, "state.running")) {
				running = 1;
				ready++;
			}
		}
		if (!strcmp(reason.buf, "Completed") && running) {
			const char *r = pod_condition(pod, "Ready");

			buf_reset(&reason);
			buf_adds(&reason, r && !strcmp(r, "True") ? "Running" : "NotReady");
		}
	}
	if (doc_lookup(pod, "metadata.deletionTimestamp")) {
		const char *why = doc_get_str(status, "reason");

		if (why && !strcmp(why, "NodeLost")) {
			buf_reset(&reason);
			buf_adds(&reason, "Unknown");
		} else if (!phase || (strcmp(phase, "Succeeded") && strcmp(phase, "Failed"))) {
			buf_reset(&reason);
			buf_adds(&reason, "Terminating");
		}
	}

	buf_adds(b, "\"cells\":[");
	buf_add_json_str(b, doc_str(doc_lookup(pod, "metadata.name")),
			 strlen(doc_str(doc_lookup(pod, "metadata.name"))));
	buf_addf(&cell, "%ld/%ld", ready, total);
	add_str_cell(b, cell.buf);
	add_str_cell(b, reason.buf);
	buf_reset(&cell);
	buf_addf(&cell, "%lld", (long long)restarts);
	if (restarts && last) {
		buf_adds(&cell, " (");
		human_duration(&cell, t->now - last);
		buf_adds(&cell, " ago)");
	}
	add_str_cell(b, cell.buf);
	buf_addch(b, ',');
	age_cell(t, doc_str(doc_lookup(pod, "metadata.creationTimestamp")), b);
	{
		const struct doc_node *ips = doc_get(status, "podIPs");
		const char *ip = ips && ips->child ? doc_get_str(ips->child, "ip") : NULL;
		const char *node = doc_str(doc_lookup(pod, "spec.nodeName"));
		const char *nominated = doc_get_str(status, "nominatedNodeName");
		const struct doc_node *gates = doc_lookup(pod, "spec.readinessGates");

		add_str_cell(b, ip && *ip ? ip : "<none>");
		add_str_cell(b, node && *node ? node : "<none>");
		add_str_cell(b, nominated && *nominated ? nominated : "<none>");
		buf_reset(&cell);
		if (gates && gates->nr_children) {
			long met = 0;

			for (c = gates->child; c; c = c->next) {
				const char *type = doc_get_str(c, "conditionType");
				const char *st = type ? pod_condition(pod, type) : NULL;

				met += st && !strcmp(st, "True");
			}
			buf_addf(&cell, "%ld/%u", met, gates->nr_children);
		} else {
			buf_adds(&cell, "<none>");
		}
		add_str_cell(b, cell.buf);
	}
	buf_addch(b, ']');
	/* A pod that ended is a completed row (podSuccessConditions). */
	if (phase && !strcmp(phase, "Succeeded"))
		buf_adds(b, ",\"conditions\":[{\"type\":\"Completed\",\"status\":\"True\","
			    "\"reason\":\"Succeeded\",\"message\":\"The pod has completed successfully.\"}]");
	else if (phase && !strcmp(phase, "Failed"))
		buf_adds(b, ",\"conditions\":[{\"type\":\"Completed\",\"status\":\"True\","
			    "\"reason\":\"Failed\",\"message\":\"The pod failed.\"}]");
	buf_release(&reason);
	buf_release(&cell);
}

static void namespace_row(const struct table *t, const struct doc_node *ns, struct buf *b)
{
	const char *phase = doc_str(doc_lookup(ns, "status.phase"));

	buf_adds(b, "\"cells\":[");
	buf_add_json_str(b, doc_str(doc_lookup(ns, "metadata.name")),
			 strlen(doc_str(doc_lookup(ns, "metadata.name"))));
	add_str_cell(b, phase ? phase : "");
	buf_addch(b, ',');
	age_cell(t, doc_str(doc_lookup(ns, "metadata.creationTimestamp")), b);
	buf_addch(b, ']');
}

/* ---- the Table ---- */

/*
 * The Table version the Accept header asks for first, or NULL when the
 * first it can have is plain JSON (or it asks for no Table at all).
 */
static const char *accepted_table(const char *accept)
{
	const char *p = accept;

	while (p && *p) {
		size_t len = strcspn(p, ",");
		char range[256];
		int table = 0, meta = 0;
		const char *version = NULL;
		char *param, *save = NULL;

		if (len < sizeof(range)) {
			memcpy(range, p, len);
			range[len] = '\0';
			param = strtok_r(range, ";", &save);
			while (param && *param == ' ')
				param++;
			if (param && (!strcmp(param, "application/json") || !strcmp(param, "*/*") ||
				      !strcmp(param, "application/*"))) {
				int plain = 1;

				while ((param = strtok_r(NULL, ";", &save))) {
					while (*param == ' ')
						param++;
					plain = 0;
					if (!strcmp(param, "as=Table"))
						table = 1;
					else if (!strcmp(param, "g=meta.k8s.io"))
						meta = 1;
					else if (!strcmp(param, "v=v1"))
						version = "meta.k8s.io/v1";
					else if (!strcmp(param, "v=v1beta1"))
						version = "meta.k8s.io/v1beta1";
				}
				if (table && meta && version)
					return version;
				if (plain)
					return NULL;
			}
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return NULL;
}

/*
 * Whether the request gets a Table of group's resource (t filled): 1
 * yes, 0 no (the plain answer), -1 answered already (a bad includeObject).
 */
int table_wanted(const struct server *s, struct conn *c, const char *group,
		 const char *resource, struct table *t)
{
	const char *api = accepted_table(httpd_header(c->req, "Accept"));
	const char *include = httpd_arg(c->req, "includeObject");
	size_t i;

	memset(t, 0, sizeof(*t));
	if (!api)
		return 0;
	for (i = 0; i < ARRAY_SIZE(printers) && !t->printer; i++)
		if (!strcmp(printers[i].group, group) && !strcmp(printers[i].resource, resource))
			t->printer = &printers[i];
	if (!t->printer && !builtin_group(group))
		t->printer = &default_crd;
	if (!t->printer)
		return 0;
	if (include && strcmp(include, "None") && strcmp(include, "Metadata") &&
	    strcmp(include, "Object")) {
		struct buf msg = BUF_INIT;

		buf_addf(&msg, "unrecognized includeObject value: \"%s\"", include);
		respond_status(c, 400, "BadRequest", msg.buf);
		buf_release(&msg);
		return -1;
	}
	t->api = api;
	t->include = include ? include : "Metadata";
	t->now = s->now ? s->now : (int64_t)time(NULL);
	return 1;
}

/* {"kind":"Table",...,"rows":[ -- the rows follow, then table_end(). */
void table_begin(const struct table *t, struct buf *b, unsigned long rv,
		 const char *cont, int headers)
{
	size_t i;

	buf_addf(b, "{\"kind\":\"Table\",\"apiVersion\":\"%s\",\"metadata\":{\"resourceVersion\":\"%lu\"",
		 t->api, rv);
	if (cont)
		buf_addf(b, ",\"continue\":\"%s\"", cont);
	buf_adds(b, "},\"columnDefinitions\":");
	if (!headers) {
		buf_adds(b, "null");
	} else {
		buf_addch(b, '[');
		for (i = 0; i < t->printer->nr_columns; i++) {
			const struct column *col = &t->printer->columns[i];

			buf_adds(b, i ? ",{\"name\":" : "{\"name\":");
			buf_add_json_str(b, col->name, strlen(col->name));
			buf_addf(b, ",\"type\":\"%s\",\"format\":\"%s\",\"description\":", col->type, col->format);
			buf_add_json_str(b, col->description, strlen(col->description));
			buf_addf(b, ",\"priority\":%d}", col->priority);
		}
		buf_addch(b, ']');
	}
	buf_adds(b, ",\"rows\":[");
}

/* One row for obj, a comma first unless first. */
void table_row(const struct table *t, struct buf *b, const struct doc_node *obj,
	       int first)
{
	size_t i;

	buf_adds(b, first ? "{" : ",{");
	if (t->printer->row) {
		t->printer->row(t, obj, b);
	} else {
		const char *name = doc_str(doc_lookup(obj, "metadata.name"));

		buf_adds(b, "\"cells\":[");
		buf_add_json_str(b, name ? name : "", name ? strlen(name) : 0);
		for (i = 1; i < t->printer->nr_columns; i++) {
			buf_addch(b, ',');
			path_cell(t, &t->printer->columns[i], obj, b);
		}
		buf_addch(b, ']');
	}
	if (!strcmp(t->include, "Object")) {
		char *json = doc_to_json(obj);

		buf_adds(b, ",\"object\":");
		buf_adds(b, json);
		free(json);
	} else if (!strcmp(t->include, "Metadata")) {
		const struct doc_node *meta = doc_get(obj, "metadata");
		char *json = meta ? doc_to_json(meta) : NULL;

		buf_addf(b, ",\"object\":{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"%s\",\"metadata\":%s}",
			 t->api, json ? json : "{}");
		free(json);
	} else {
		buf_adds(b, ",\"object\":null");
	}
	buf_addch(b, '}');
}

void table_end(struct buf *b)
{
	buf_adds(b, "]}");
}

/*
 * A watch event's object, json, as a Table of its one row: every event
 * carries the columns, which kubectl prints only when they change.
 */
void table_event(const struct table *t, struct buf *b, const char *type,
		 const char *json, unsigned long rv)
{
	struct doc_reader *r;
	struct doc *d = NULL;
	struct fail f = FAIL_INIT;

	buf_addf(b, "{\"type\":\"%s\",\"object\":", type);
	table_begin(t, b, rv, NULL, 1);
	doc_reader_open_mem(&r, "event", json, strlen(json), NULL);
	if (doc_reader_next(r, &d, &f) > 0 && !d->error && d->root)
		table_row(t, b, d->root, 1);
	fail_clear(&f);
	doc_free(d);
	doc_reader_free(r);
	table_end(b);
	buf_adds(b, "}\n");
}
