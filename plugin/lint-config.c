#include "compat.h"
#include "lint-config.h"
#include "alloc.h"
#include "cmd.h"
#include "doc-yaml.h"
#include "experiment.h"
#include "rule.h"

#include <limits.h>
#include <unistd.h>

#define LINT_CONFIG_NAME ".katib-lint.yaml"

static char *find_upwards(void)
{
	char dir[PATH_MAX], cand[PATH_MAX + sizeof(LINT_CONFIG_NAME) + 1];

	if (!getcwd(dir, sizeof(dir)))
		return NULL;
	for (;;) {
		char *slash;

		snprintf(cand, sizeof(cand), "%s/%s", strcmp(dir, "/") ? dir : "",
			 LINT_CONFIG_NAME);
		if (!access(cand, R_OK))
			return xstrdup(cand);
		slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			break;
		*slash = '\0';
	}
	snprintf(cand, sizeof(cand), "/%s", LINT_CONFIG_NAME);
	return access(cand, R_OK) ? NULL : xstrdup(cand);
}

static int bad(const struct lint_config *cfg, const struct doc_node *n,
	       const char *what)
{
	error_msg("%s:%u: %s", cfg->path, n ? (unsigned)n->span.start.line : 1, what);
	return -1;
}

static int read_root(struct lint_config *cfg, const struct doc_node *root)
{
	const struct doc_node *c, *r;
	enum severity sev;

	if (!root || root->kind != DOC_MAP)
		return root && root->kind == DOC_NULL ? 0 : bad(cfg, root, "expected a map of settings");
	for (c = root->child; c; c = c->next) {
		if (doc_is_key(c, "rules")) {
			if (c->kind != DOC_MAP)
				return bad(cfg, c, "'rules' must map rule ids to severities");
			for (r = c->child; r; r = r->next) {
				char *id = xstrndup(r->key, r->key_len);
				const struct rule *rule = rule_find(id);
				const char *v = doc_str(r);

				free(id);
				if (!rule)
					return bad(cfg, r, "unknown rule id (see 'kubectl katib validate --list-rules')");
				if (r->kind == DOC_BOOL && !strcmp(r->text, "off"))
					v = "off";	/* YAML 1.1 reads a bare off as false */
				if (!v || severity_parse(v, &sev))
					return bad(cfg, r, "severity must be error, warning, info or off");
				cfg->severities[rule_index(rule)] = sev;
			}
		} else if (doc_is_key(c, "strict") || doc_is_key(c, "istio")) {
			int on;

			if (c->kind != DOC_BOOL)
				return bad(cfg, c, "expected true or false");
			on = c->text[0] == 't' || c->text[0] == 'T' || c->text[0] == 'y' ||
			     c->text[0] == 'Y' || !strcmp(c->text, "on") || !strcmp(c->text, "On") ||
			     !strcmp(c->text, "ON");
			if (doc_is_key(c, "strict"))
				cfg->strict = on;
			else
				cfg->istio = on ? ISTIO_INJECTS : ISTIO_ABSENT;
		} else if (doc_is_key(c, "katibVersion")) {
			if (!doc_str(c) && c->kind != DOC_FLOAT)
				return bad(cfg, c, "katibVersion must be a release such as v0.18");
			cfg->katib_version = xstrdup(c->text);
		} else if (doc_is_key(c, "katibConfig")) {
			const char *slash = strrchr(cfg->path, '/');
			size_t n;

			if (!doc_str(c))
				return bad(cfg, c, "katibConfig must be a file name");
			if (c->text[0] == '/' || !slash) {
				cfg->katib_config = xstrdup(c->text);
			} else {
				n = (size_t)(slash - cfg->path) + 1 + c->len + 1;
				cfg->katib_config = xmalloc(n);
				snprintf(cfg->katib_config, n, "%.*s/%s",
					 (int)(slash - cfg->path), cfg->path, c->text);
			}
		} else {
			return bad(cfg, c, "unknown setting (rules, strict, istio, katibVersion, katibConfig)");
		}
	}
	return 0;
}

int lint_config_load(struct lint_config *cfg, const char *path)
{
	struct doc_reader *r;
	struct fail f = FAIL_INIT;
	struct doc *d = NULL;
	size_t i;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	cfg->severities = xmalloc(nr_rules * sizeof(*cfg->severities));
	for (i = 0; i < nr_rules; i++)
		cfg->severities[i] = (enum severity)-1;
	/* KATIB_LINT_CONFIG names the file; set but empty, there is none. */
	if (!path && getenv("KATIB_LINT_CONFIG")) {
		if (!*getenv("KATIB_LINT_CONFIG"))
			return 0;
		path = getenv("KATIB_LINT_CONFIG");
	}
	cfg->path = path ? xstrdup(path) : find_upwards();
	if (!cfg->path)
		return 0;
	if (doc_reader_open(&r, cfg->path, cfg->path, NULL, &f)) {
		error_msg("%s", f.msg);
		return -1;
	}
	ret = doc_reader_next(r, &d, &f);
	if (ret < 0) {
		error_msg("%s", f.msg);
	} else if (ret > 0 && d->error) {
		error_msg("%s:%u: %s", cfg->path, (unsigned)d->error->at.line,
			  d->error->message);
		ret = -1;
	} else if (ret > 0) {
		ret = read_root(cfg, d->root);
	}
	doc_free(d);
	doc_reader_free(r);
	return ret < 0 ? -1 : 0;
}

void lint_config_release(struct lint_config *cfg)
{
	free(cfg->path);
	free(cfg->severities);
	free(cfg->katib_version);
	free(cfg->katib_config);
	memset(cfg, 0, sizeof(*cfg));
}
