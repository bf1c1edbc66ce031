/*
 * rules/collector.c: the metrics collector (rules catalogue §1.7), with the
 * defaults of DEF-07..10 applied first.
 */
#include "compat.h"
#include "rules/rules.h"
#include "buf.h"
#include "doc.h"
#include "experiment.h"
#include "katib-config.h"
#include "levenshtein.h"
#include "re.h"

static const char *const known_kinds[] = {
	"StdOut", "File", "TensorFlowEvent", "PrometheusMetric", "Custom",
	"Push", NULL,
};

/* Kinds whose sidecar image comes from katib-config. */
static const char *const injected_kinds[] = {
	"StdOut", "TensorFlowEvent", "File", "PrometheusMetric", NULL,
};

static void check_filters(const struct doc_node *source, struct diag_list *out)
{
	const struct doc_node *filter = doc_get_kind(source, "filter", DOC_MAP);
	const struct doc_node *formats = doc_get_kind(filter, "metricsFormat",
						      DOC_SEQ);
	const struct doc_node *f;

	for (f = formats ? formats->child : NULL; f; f = f->next) {
		struct buf why = BUF_INIT;

		if (!doc_str(f))
			continue;
		if (re_check_go(f->text, f->len, &why)) {
			diag_hint(out, diag_add(out, rule_get("metrics-format-invalid"), f,
						"metricsFormat '%s' is not a valid Go regular expression: %s",
						f->text, why.buf),
				  "Katib compiles filters with Go's regexp (RE2 syntax)");
		} else if (re_match("^.*\\(.*\\).*\\(.*\\).*$", f->text, f->len) != 1) {
			diag_hint(out, diag_add(out, rule_get("metrics-format-groups"), f,
						"metricsFormat '%s' needs two capture groups, the metric name and its value",
						f->text),
				  "for example '([\\w|-]+)\\s*=\\s*([+-]?\\d*(\\.\\d+)?([Ee][+-]?\\d+)?)'");
		}
		buf_release(&why);
	}
}

static int is_abs(const char *p)
{
	return p && p[0] == '/';
}

void check_collector(const struct rule_ctx *ctx, struct diag_list *out)
{
	static const char *const file_formats[] = { "TEXT", "JSON", NULL };
	const struct experiment *e = ctx->exp;
	const char *kind = e->collector_kind;
	const struct doc_node *mc = e->collector_spec;
	const struct doc_node *collector = doc_get_kind(mc, "collector", DOC_MAP);
	const struct doc_node *kind_node = doc_get(collector, "kind");
	const struct doc_node *source = doc_get_kind(mc, "source", DOC_MAP);
	const struct doc_node *fsp = doc_get_kind(source, "fileSystemPath", DOC_MAP);
	const struct doc_node *at;
	const char *path, *fkind, *format;
	struct diag *d;

	if (kind_node && kind_node->kind != DOC_STR && kind_node->kind != DOC_NULL)
		return;	/* the type rule reports it */
	/* Katib v0.18 renamed the collector kind None to Push. */
	if (ctx->config->minor < 18 ? !strcmp(kind, "Push") ||
				      (!katib_config_has(known_kinds, kind) && strcmp(kind, "None"))
				    : !katib_config_has(known_kinds, kind)) {
		d = kind_node ? diag_add(out, rule_get("collector-kind-invalid"), kind_node,
					 "metrics collector kind '%s' is not supported", kind)
			      : diag_add_missing(out, rule_get("collector-kind-invalid"),
						 collector, "kind",
						 "metrics collector has no kind");
		if (!strcmp(kind, "None"))
			diag_hint(out, d, "the kind None was renamed Push in Katib v0.18");
		else if (!strcmp(kind, "Push"))
			diag_hint(out, d, "Katib %s calls this kind None; Push arrived in v0.18", ctx->config->version);
		else
			diag_hint(out, d, "use one of: StdOut, File, TensorFlowEvent, PrometheusMetric, Custom, Push");
		if (!strcmp(kind, "None") && ctx->config->minor >= 18)
			diag_fix(out, d, FIX_SET_VALUE, kind_node, NULL, NULL, "Push");
		else if (ctx->config->minor >= 18 ||
			 strcasecmp(kind, "Push"))
			diag_fix(out, d, FIX_SET_VALUE, kind_node, NULL, NULL,
				 case_only_match(kind, known_kinds));
		return;
	}
	if (katib_config_has(injected_kinds, kind) &&
	    !katib_config_has(ctx->config->collectors, kind)) {
		d = kind_node ? diag_add(out, rule_get("collector-kind-unavailable"), kind_node,
					 "metrics collector kind '%s' has no collector image in katib-config",
					 kind)
			      : NULL;
		diag_hint(out, d, "a default Katib %s install has collectors for: %s",
			  ctx->config->version,
			  katib_config_join(ctx->config->collectors));
		/* Go on: the settings below fail next, once the image exists. */
	}
	path = doc_get_str(fsp, "path");
	fkind = doc_get_str(fsp, "kind");
	format = doc_get_str(fsp, "format");

	if (!strcmp(kind, "File")) {
		/* DEF-09: kind File, path /var/log/katib/metrics.log, TEXT. */
		if ((path && *path && !is_abs(path)) ||
		    (fkind && *fkind && strcmp(fkind, "File"))) {
			at = path && *path && !is_abs(path) ? doc_get(fsp, "path")
							    : doc_get(fsp, "kind");
			diag_hint(out, diag_add(out, rule_get("file-collector-path-invalid"), at,
						"the File collector needs an absolute path of kind File"),
				  "for example 'fileSystemPath: {kind: File, path: /var/log/katib/metrics.log}'");
		}
		if (format && *format && strcmp(format, "TEXT") &&
		    strcmp(format, "JSON"))
			diag_fix(out, diag_hint(out, diag_add(out, rule_get("file-collector-format-invalid"),
							      doc_get(fsp, "format"),
							      "metrics file format '%s' is not TEXT or JSON", format),
						"use TEXT (the default) or JSON, in upper case"),
				 FIX_SET_VALUE, doc_get(fsp, "format"), NULL, NULL,
				 case_only_match(format, file_formats));
		if (format && !strcmp(format, "JSON") && doc_get(source, "filter") &&
		    doc_get(source, "filter")->kind != DOC_NULL)
			diag_hint(out, diag_add_key(out, rule_get("file-collector-json-filter"),
						    doc_get(source, "filter"),
						    "a filter cannot be used with the JSON metrics format"),
				  "remove source.filter, or use format TEXT");
	} else if (!strcmp(kind, "TensorFlowEvent")) {
		/* DEF-10: kind Directory, path /var/log/katib/tfevent/. */
		if ((path && *path && !is_abs(path)) ||
		    (fkind && *fkind && strcmp(fkind, "Directory"))) {
			at = path && *path && !is_abs(path) ? doc_get(fsp, "path")
							    : doc_get(fsp, "kind");
			diag_hint(out, diag_add(out, rule_get("tfevent-collector-path-invalid"), at,
						"the TensorFlowEvent collector needs an absolute directory path of kind Directory"),
				  "for example 'fileSystemPath: {kind: Directory, path: /var/log/katib/tfevent/}'");
		}
		if (format && *format)
			diag_hint(out, diag_add(out, rule_get("tfevent-collector-format-set"),
						doc_get(fsp, "format"),
						"the TensorFlowEvent collector takes no format"),
				  "remove fileSystemPath.format");
	} else if (!strcmp(kind, "PrometheusMetric")) {
		const struct doc_node *http = doc_get_kind(source, "httpGet", DOC_MAP);
		const struct doc_node *port = doc_get(http, "port");
		const char *hpath = doc_get_str(http, "path");
		int64_t v;

		if (port && port->kind == DOC_STR && port->len &&
		    strcmp(port->text, "0") && (doc_int(port, &v) || v <= 0)) {
			/* A quoted number is fine: Katib reads its string form. */
			const char *t = port->text;
			int digits = *t != 0;

			for (; *t; t++)
				if (*t < '0' || *t > '9')
					digits = 0;
			if (!digits || !strtoll(port->text, NULL, 10))
				diag_hint(out, diag_add(out, rule_get("prometheus-collector-port-invalid"), port,
							"httpGet.port '%s' must be a port number", port->text),
					  "named ports are not supported by the PrometheusMetric collector");
		} else if (port && !doc_int(port, &v) && v < 0) {
			diag_add(out, rule_get("prometheus-collector-port-invalid"), port,
				 "httpGet.port %lld must be a positive number", (long long)v);
		}
		if (hpath && *hpath && hpath[0] != '/')
			diag_hint(out, diag_add(out, rule_get("prometheus-collector-path-invalid"),
						doc_get(http, "path"),
						"httpGet.path '%s' must start with '/'", hpath),
				  "for example /metrics");
	} else if (!strcmp(kind, "Custom")) {
		const struct doc_node *cc = doc_get(collector, "customCollector");

		if (!cc || cc->kind == DOC_NULL)
			diag_hint(out, diag_add_missing(out, rule_get("custom-collector-missing"),
							collector, "customCollector",
							"the Custom collector kind needs collector.customCollector"),
				  "describe the collector container under collector.customCollector");
		if (fsp && (!is_abs(path) ||
			    (!fkind || (strcmp(fkind, "Directory") &&
					strcmp(fkind, "File")))))
			diag_hint(out, diag_add_key(out, rule_get("custom-collector-source-invalid"),
						    doc_get(source, "fileSystemPath"),
						    "source.fileSystemPath of a Custom collector needs an absolute path and kind File or Directory"),
				  "for example 'fileSystemPath: {kind: File, path: /var/log/metrics.log}'");
	}
	if (strcmp(kind, "StdOut") && strcmp(kind, "Push") && strcmp(kind, "None"))
		check_filters(source, out);
}
