#include "compat.h"
#include "kubeconfig.h"
#include "alloc.h"
#include "buf.h"
#include "doc-yaml.h"
#include "experiment.h"

#include <errno.h>
#include <unistd.h>

#define SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

struct kc_file {
	char *path;
	struct doc *doc;
};

struct kc_files {
	struct kc_file *f;
	size_t nr, alloc;
};

static void files_release(struct kc_files *fs)
{
	size_t i;

	for (i = 0; i < fs->nr; i++) {
		free(fs->f[i].path);
		doc_free(fs->f[i].doc);
	}
	free(fs->f);
}

static int load_file(struct kc_files *fs, const char *path, struct fail *f)
{
	struct doc_reader *r;
	struct doc *d = NULL;
	int ret;

	if (doc_reader_open(&r, path, path, NULL, f))
		return -1;
	ret = doc_reader_next(r, &d, f);
	doc_reader_free(r);
	if (ret < 0)
		return -1;
	/* A document that failed to parse has no root either: not empty. */
	if (ret > 0 && d->error) {
		ret = fail_set(f, FAIL_PROTOCOL, "'%s' is not a kubeconfig: line %u: %s",
			       path, (unsigned)d->error->at.line, d->error->message);
		doc_free(d);
		return ret;
	}
	if (ret == 0 || !d->root || d->root->kind == DOC_NULL) {
		doc_free(d);
		return 0;	/* an empty kubeconfig is allowed */
	}
	if (d->root->kind != DOC_MAP) {
		ret = fail_set(f, FAIL_PROTOCOL, "'%s' is not a kubeconfig", path);
		doc_free(d);
		return ret;
	}
	ALLOC_GROW(fs->f, fs->nr + 1, fs->alloc);
	fs->f[fs->nr].path = xstrdup(path);
	fs->f[fs->nr].doc = d;
	fs->nr++;
	return 0;
}

/* The entry called name in the named list (clusters, users, contexts). */
static const struct doc_node *find_named(const struct kc_files *fs,
					 const char *list, const char *field,
					 const char *name, const char **from)
{
	size_t i;

	for (i = 0; i < fs->nr; i++) {
		const struct doc_node *l = doc_get_kind(fs->f[i].doc->root, list, DOC_SEQ);
		const struct doc_node *e;

		for (e = l ? l->child : NULL; e; e = e->next) {
			const char *n = doc_get_str(e, "name");

			if (n && !strcmp(n, name)) {
				*from = fs->f[i].path;
				return doc_get_kind(e, field, DOC_MAP);
			}
		}
	}
	return NULL;
}

static const char *copy(struct kube_config *c, const char *s)
{
	return s ? arena_strdup(&c->arena, s) : NULL;
}

/* A file named in a kubeconfig is relative to that kubeconfig. */
static const char *path_near(struct kube_config *c, const char *file,
			     const char *kubeconfig)
{
	const char *slash;

	if (!file || !*file)
		return NULL;
	if (file[0] == '/' || !(slash = strrchr(kubeconfig, '/')))
		return copy(c, file);
	return arena_printf(&c->arena, "%.*s/%s", (int)(slash - kubeconfig),
			    kubeconfig, file);
}

static int b64_value(int ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+' || ch == '-')
		return 62;
	if (ch == '/' || ch == '_')
		return 63;
	return -1;
}

/* Decodes base64 (*-data fields) into the arena; NULL if it is not base64. */
static const char *decode_b64(struct kube_config *c, const char *s)
{
	size_t n = strlen(s), i, o = 0;
	char *out = arena_alloc(&c->arena, n / 4 * 3 + 4);
	unsigned acc = 0;
	int bits = 0;

	for (i = 0; i < n; i++) {
		int v;

		if (s[i] == '=' || s[i] == '\n' || s[i] == '\r' || s[i] == ' ')
			continue;
		v = b64_value((unsigned char)s[i]);
		if (v < 0)
			return NULL;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[o] = '\0';
	return out;
}

static int data_field(struct kube_config *c, const struct doc_node *m,
		      const char *key, const char **out, struct fail *f)
{
	const char *v = doc_get_str(m, key);

	*out = NULL;
	if (!v || !*v)
		return 0;
	*out = decode_b64(c, v);
	if (!*out)
		return fail_set(f, FAIL_PROTOCOL, "%s in the kubeconfig is not base64", key);
	return 0;
}

static int read_exec(struct kube_config *c, const struct doc_node *e,
		     struct fail *f)
{
	const struct doc_node *args = doc_get_kind(e, "args", DOC_SEQ);
	const struct doc_node *env = doc_get_kind(e, "env", DOC_SEQ), *n;
	const char **a, **v;
	size_t i = 0;

	if (!doc_get_str(e, "command"))
		return fail_set(f, FAIL_PROTOCOL, "the kubeconfig's exec credential plugin has no command");
	c->exec = arena_alloc(&c->arena, sizeof(*c->exec));
	c->exec->command = copy(c, doc_get_str(e, "command"));
	c->exec->api_version = copy(c, doc_get_str(e, "apiVersion"));
	a = arena_alloc(&c->arena, ((args ? args->nr_children : 0) + 1) * sizeof(*a));
	for (n = args ? args->child : NULL; n; n = n->next)
		if (doc_str(n))
			a[i++] = copy(c, n->text);
	c->exec->args = a;
	i = 0;
	v = arena_alloc(&c->arena, ((env ? env->nr_children : 0) + 1) * sizeof(*v));
	for (n = env ? env->child : NULL; n; n = n->next)
		if (doc_get_str(n, "name"))
			v[i++] = arena_printf(&c->arena, "%s=%s", doc_get_str(n, "name"),
					      doc_get_str(n, "value") ? doc_get_str(n, "value") : "");
	c->exec->env = v;
	return 0;
}

static int in_cluster(struct kube_config *c, struct fail *f)
{
	const char *host = getenv("KUBERNETES_SERVICE_HOST");
	const char *port = getenv("KUBERNETES_SERVICE_PORT");
	FILE *fp;
	char ns[256];

	if (!host || !port || !*host || !*port)
		return fail_set(f, FAIL_NOT_FOUND,
				"no kubeconfig: give --kubeconfig, set KUBECONFIG, or create ~/.kube/config");
	c->source = "in-cluster";
	c->context = "";
	c->server = strchr(host, ':') ? arena_printf(&c->arena, "https://[%s]:%s", host, port)
				      : arena_printf(&c->arena, "https://%s:%s", host, port);
	c->ca_file = SA_DIR "/ca.crt";
	c->token_file = SA_DIR "/token";
	c->namespace = "default";
	fp = fopen(SA_DIR "/namespace", "r");
	if (fp) {
		if (fgets(ns, sizeof(ns), fp)) {
			ns[strcspn(ns, "\n")] = '\0';
			if (*ns)
				c->namespace = copy(c, ns);
		}
		fclose(fp);
	}
	return 0;
}

static int resolve(struct kube_config *c, const struct kc_files *fs,
		   const struct kube_overrides *o, struct fail *f)
{
	const char *ctx_name = o->context, *cluster_name, *user_name;
	const struct doc_node *ctx = NULL, *cluster, *user;
	const char *ctx_from = "", *cluster_from = "", *user_from = "";
	size_t i;

	for (i = 0; !ctx_name && i < fs->nr; i++) {
		const char *cur = doc_get_str(fs->f[i].doc->root, "current-context");

		if (cur && *cur)
			ctx_name = cur;
	}
	if (ctx_name && *ctx_name) {
		ctx = find_named(fs, "contexts", "context", ctx_name, &ctx_from);
		if (!ctx)
			return fail_set(f, FAIL_PROTOCOL, "context '%s' is not in the kubeconfig", ctx_name);
	} else if (!o->cluster) {
		return fail_set(f, FAIL_PROTOCOL,
				"the kubeconfig has no current-context; give --context");
	}
	c->context = copy(c, ctx_name ? ctx_name : "");
	cluster_name = o->cluster ? o->cluster : doc_get_str(ctx, "cluster");
	user_name = o->user ? o->user : doc_get_str(ctx, "user");
	if (!cluster_name || !(cluster = find_named(fs, "clusters", "cluster", cluster_name, &cluster_from)))
		return fail_set(f, FAIL_PROTOCOL, "cluster '%s' is not in the kubeconfig",
				cluster_name ? cluster_name : "");
	c->server = copy(c, doc_get_str(cluster, "server"));
	if (!c->server || !*c->server)
		return fail_set(f, FAIL_PROTOCOL, "cluster '%s' has no server", cluster_name);
	c->ca_file = path_near(c, doc_get_str(cluster, "certificate-authority"), cluster_from);
	if (data_field(c, cluster, "certificate-authority-data", &c->ca_data, f))
		return -1;
	c->tls_server_name = copy(c, doc_get_str(cluster, "tls-server-name"));
	c->proxy_url = copy(c, doc_get_str(cluster, "proxy-url"));
	c->insecure = doc_get(cluster, "insecure-skip-tls-verify") &&
		      doc_get(cluster, "insecure-skip-tls-verify")->kind == DOC_BOOL &&
		      strchr("tTyY", doc_get(cluster, "insecure-skip-tls-verify")->text[0]);
	if (user_name && *user_name) {
		user = find_named(fs, "users", "user", user_name, &user_from);
		if (!user)
			return fail_set(f, FAIL_PROTOCOL, "user '%s' is not in the kubeconfig", user_name);
		c->token = copy(c, doc_get_str(user, "token"));
		c->token_file = path_near(c, doc_get_str(user, "tokenFile"), user_from);
		c->cert_file = path_near(c, doc_get_str(user, "client-certificate"), user_from);
		c->key_file = path_near(c, doc_get_str(user, "client-key"), user_from);
		if (data_field(c, user, "client-certificate-data", &c->cert_data, f) ||
		    data_field(c, user, "client-key-data", &c->key_data, f))
			return -1;
		if (doc_get_kind(user, "exec", DOC_MAP) &&
		    read_exec(c, doc_get_kind(user, "exec", DOC_MAP), f))
			return -1;
	}
	c->namespace = copy(c, o->namespace ? o->namespace : doc_get_str(ctx, "namespace"));
	if (!c->namespace || !*c->namespace)
		c->namespace = "default";
	(void)ctx_from;
	return 0;
}

int kubeconfig_load(struct kube_config *out, const struct kube_overrides *o,
		    struct fail *f)
{
	static const struct kube_overrides none;
	struct kc_files fs = { NULL, 0, 0 };
	struct buf sources = BUF_INIT;
	const char *env = getenv("KUBECONFIG");
	int ret = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!o)
		o = &none;
	if (o->kubeconfig) {
		ret = load_file(&fs, o->kubeconfig, f);
	} else if (env && *env) {
		char *list = xstrdup(env), *p = list, *next;

		for (; p; p = next) {
			next = strchr(p, ':');
			if (next)
				*next++ = '\0';
			/* kubectl skips entries of the list that do not exist. */
			if (*p && !access(p, F_OK) && (ret = load_file(&fs, p, f)))
				break;
		}
		free(list);
	} else if (getenv("HOME")) {
		struct buf home = BUF_INIT;

		buf_addf(&home, "%s/.kube/config", getenv("HOME"));
		if (!access(home.buf, F_OK))
			ret = load_file(&fs, home.buf, f);
		buf_release(&home);
	}
	if (!ret && !fs.nr && !o->kubeconfig)
		ret = in_cluster(out, f);
	else if (!ret && !fs.nr)
		ret = fail_set(f, FAIL_PROTOCOL, "'%s' is an empty kubeconfig", o->kubeconfig);
	else if (!ret) {
		for (i = 0; i < fs.nr; i++)
			buf_addf(&sources, "%s%s", i ? ":" : "", fs.f[i].path);
		out->source = arena_strndup(&out->arena, sources.buf, sources.len);
		ret = resolve(out, &fs, o, f);
	}
	buf_release(&sources);
	files_release(&fs);
	if (ret)
		kubeconfig_release(out);
	return ret;
}

void kubeconfig_release(struct kube_config *cfg)
{
	arena_release(&cfg->arena);
	memset(cfg, 0, sizeof(*cfg));
}
