/*
 * katib-test-tool: exposes internals to the Bats suite (git's t/helper).
 * Each command is one entry of cmds[].
 */
#include "compat.h"
#include "archive.h"
#include "buf.h"
#include "doc-json.h"
#include "doc-yaml.h"
#include "http.h"
#include "kube.h"
#include "kubeconfig.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void dump_node(const struct doc_node *n)
{
	struct buf path = BUF_INIT;
	const struct doc_node *c;

	doc_path(n, &path);
	printf("%u:%u +%llu %s %s", (unsigned)n->span.start.line,
	       (unsigned)n->span.start.col,
	       (unsigned long long)n->span.start.off,
	       path.len ? path.buf : "(root)", doc_kind_name(n->kind));
	if (n->key)
		printf(" key@%u:%u", (unsigned)n->key_span.start.line,
		       (unsigned)n->key_span.start.col);
	if (n->duplicate)
		printf(" duplicate");
	if (n->kind != DOC_SEQ && n->kind != DOC_MAP)
		printf(" = %s", n->text);
	putchar('\n');
	buf_release(&path);
	for (c = n->child; c; c = c->next)
		dump_node(c);
}

static int cmd_doc_dump(int argc, const char **argv)
{
	struct doc_reader *r;
	struct fail f = FAIL_INIT;
	struct doc *d;
	int ret, status = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: katib-test-tool doc-dump FILE\n");
		return 2;
	}
	if (doc_reader_open(&r, argv[1], argv[1], NULL, &f)) {
		fprintf(stderr, "error: %s\n", f.msg);
		return 3;
	}
	while ((ret = doc_reader_next(r, &d, &f)) > 0) {
		const char *why;

		printf("--- document %u\n", d->index);
		if (doc_check(d, &why)) {
			printf("BROKEN TREE: %s\n", why);
			status = 1;
		}
		if (d->error) {
			printf("error %u:%u +%llu: %s\n", (unsigned)d->error->at.line,
			       (unsigned)d->error->at.col,
			       (unsigned long long)d->error->at.off,
			       d->error->message);
			if (d->error->context)
				printf("context %u:%u: %s\n",
				       (unsigned)d->error->context_at.line,
				       (unsigned)d->error->context_at.col,
				       d->error->context);
		} else {
			dump_node(d->root);
		}
		doc_free(d);
	}
	if (ret < 0) {
		fprintf(stderr, "error: %s\n", f.msg);
		status = 3;
	}
	doc_reader_free(r);
	return status;
}

/*
 * to-json FILE: the one YAML or JSON document in FILE as compact JSON, so
 * tests can build requests from YAML fixtures with jq.
 */
static int cmd_to_json(int argc, const char **argv)
{
	struct fail f = FAIL_INIT;
	struct doc *d;
	char *json;

	if (argc != 2) {
		fprintf(stderr, "usage: katib-test-tool to-json FILE\n");
		return 2;
	}
	if (doc_load_single(&d, argv[1], NULL, &f)) {
		fprintf(stderr, "error: %s\n", f.msg);
		return 3;
	}
	if (d->error) {
		fprintf(stderr, "error: %s: %s\n", argv[1], d->error->message);
		doc_free(d);
		return 1;
	}
	json = doc_to_json(d->root);
	printf("%s\n", json);
	free(json);
	doc_free(d);
	return 0;
}

/*
 * to-json-each FILE: each document of a YAML stream as compact JSON, one
 * a line (an empty document as null), so tests can check every document
 * of a multi-document file; exits 1 after printing the rest when one
 * cannot be read.
 */
static int cmd_to_json_each(int argc, const char **argv)
{
	struct doc_reader *r;
	struct fail f = FAIL_INIT;
	struct doc *d;
	int ret, status = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: katib-test-tool to-json-each FILE\n");
		return 2;
	}
	if (doc_reader_open(&r, argv[1], argv[1], NULL, &f)) {
		fprintf(stderr, "error: %s\n", f.msg);
		return 3;
	}
	while ((ret = doc_reader_next(r, &d, &f)) > 0) {
		if (d->error) {
			fprintf(stderr, "error: %s: document %u: %s\n", argv[1],
				d->index, d->error->message);
			status = 1;
		} else if (d->root) {
			char *json = doc_to_json(d->root);

			printf("%s\n", json);
			free(json);
		} else {
			printf("null\n");
		}
		doc_free(d);
	}
	if (ret < 0) {
		fprintf(stderr, "error: %s\n", f.msg);
		status = 3;
	}
	doc_reader_free(r);
	return status;
}

/*
 * rss [--expect STATUS] COMMAND ARGS...: runs the command with its output
 * discarded and prints its peak resident set size in KiB, so tests can
 * compare memory use without a timing dependency.  It fails when the
 * command crashed or, with --expect, exited otherwise: the memory of a
 * run that did not do its work means nothing.
 */
static int cmd_rss(int argc, const char **argv)
{
	struct rusage ru;
	int status, expect = -1;
	pid_t pid;

	if (argc >= 3 && !strcmp(argv[1], "--expect")) {
		expect = (int)strtol(argv[2], NULL, 10);
		argc -= 2;
		argv += 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: katib-test-tool rss [--expect STATUS] COMMAND ARGS...\n");
		return 2;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 3;
	}
	if (!pid) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(127);
		execvp(argv[1], (char *const *)(argv + 1));
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("wait4");
		return 3;
	}
	printf("%ld\n", ru.ru_maxrss);
	if (!WIFEXITED(status) || WEXITSTATUS(status) >= 126) {
		fprintf(stderr, "katib-test-tool: %s did not finish (status %d)\n", argv[1], status);
		return 1;
	}
	if (expect >= 0 && WEXITSTATUS(status) != expect) {
		fprintf(stderr, "katib-test-tool: %s exited with status %d, expected %d\n",
			argv[1], WEXITSTATUS(status), expect);
		return 1;
	}
	return 0;
}

/* Options shared by the kube-* commands; returns the index of PATH. */
static long kube_timeout_ms = 5000;

static int kube_opts(int argc, const char **argv, struct kube_overrides *o,
		     const char **selector)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--kubeconfig") && i + 1 < argc)
			o->kubeconfig = argv[++i];
		else if (!strcmp(argv[i], "--context") && i + 1 < argc)
			o->context = argv[++i];
		else if (!strcmp(argv[i], "--cluster") && i + 1 < argc)
			o->cluster = argv[++i];
		else if (!strcmp(argv[i], "--user") && i + 1 < argc)
			o->user = argv[++i];
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			o->namespace = argv[++i];
		else if (!strcmp(argv[i], "-l") && i + 1 < argc && selector)
			*selector = argv[++i];
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			kube_timeout_ms = strtol(argv[++i], NULL, 10);
		else
			break;
	}
	return i;
}

/* kube-config [OPTS]: the resolved configuration, without credentials. */
static int cmd_kube_config(int argc, const char **argv)
{
	struct kube_overrides o;
	struct kube_config cfg;
	struct fail f = FAIL_INIT;

	kube_opts(argc, argv, &o, NULL);
	if (kubeconfig_load(&cfg, &o, &f)) {
		fprintf(stderr, "error: %s\n", f.msg);
		return 3;
	}
	printf("source: %s\ncontext: %s\nserver: %s\nnamespace: %s\nauth: %s\n",
	       cfg.source, cfg.context, cfg.server, cfg.namespace,
	       cfg.exec ? "exec" : cfg.token ? "token" : cfg.token_file ? "token-file"
	       : (cfg.cert_file || cfg.cert_data) ? "client-certificate" : "none");
	kubeconfig_release(&cfg);
	return 0;
}

static int print_item(void *data, const struct doc_node *item)
{
	unsigned long *n = data;
	const char *ns = doc_get_str(doc_get(item, "metadata"), "namespace");

	printf("%s%s%s\n", ns ? ns : "", ns ? "/" : "",
	       doc_get_str(doc_get(item, "metadata"), "name"));
	(*n)++;
	return 0;
}

/* kube-get [OPTS] PATH / kube-list [OPTS] [-l SEL] PATH */
static int kube_cmd(int argc, const char **argv, int list)
{
	struct kube_overrides o;
	struct kube_config cfg;
	struct kube_client *c;
	struct fail f = FAIL_INIT;
	const char *selector = NULL;
	int i = kube_opts(argc, argv, &o, &selector), status = 0;
	unsigned long n = 0;

	if (i != argc - 1) {
		fprintf(stderr, "usage: katib-test-tool kube-%s [OPTS] PATH\n", list ? "list" : "get");
		return 2;
	}
	if (kubeconfig_load(&cfg, &o, &f) || kube_client_new(&c, &cfg, kube_timeout_ms, &f)) {
		fprintf(stderr, "error: %s\n", f.msg);
		return 3;
	}
	if (list) {
		if (kube_list(c, argv[i], selector, NULL, print_item, &n, NULL, &f)) {
			fprintf(stderr, "error: %s\n", f.msg);
			status = 3;
		} else {
			printf("%lu items in %lu requests\n", n, kube_requests(c));
		}
	} else {
		struct doc *d;

		if (kube_get(c, argv[i], &d, &f)) {
			fprintf(stderr, "error: %s\n", f.msg);
			status = f.kind == FAIL_HTTP && f.http_status == 404 ? 1 : 3;
		} else {
			char *json = doc_to_json(d->root);

			printf("%s\n", json);
			free(json);
			doc_free(d);
		}
	}
	kube_client_free(c);
	kubeconfig_release(&cfg);
	return status;
}

static int cmd_kube_get(int argc, const char **argv)
{
	return kube_cmd(argc, argv, 0);
}

static int cmd_kube_list(int argc, const char **argv)
{
	return kube_cmd(argc, argv, 1);
}

struct watch_count {
	long left;
};

static int print_event(void *data, const struct kube_event *e)
{
	struct watch_count *wc = data;
	const char *ns = doc_str(doc_lookup(e->object, "metadata.namespace"));

	printf("%zu %s %s%s%s %s\n", e->id, e->type, ns ? ns : "", ns ? "/" : "",
	       doc_str(doc_lookup(e->object, "metadata.name")),
	       doc_str(doc_lookup(e->object, "metadata.resourceVersion")));
	fflush(stdout);
	return --wc->left <= 0;
}

/*
 * kube-watch [OPTS] [-l SEL] [--rv V] [--events N] [--for MS] PATH...:
 * one line per event ("ID TYPE NS/NAME VERSION"), until N events or MS
 * milliseconds; a failure is "error: ..." and exit 3 (4 for 410 Gone).
 */
static int cmd_kube_watch(int argc, const char **argv)
{
	struct kube_overrides o;
	struct kube_config cfg;
	struct kube_client *c;
	struct kube_watch *w;
	struct fail f = FAIL_INIT;
	struct watch_count wc = { 1L << 30 };
	const char *selector = NULL, *rv = NULL;
	long for_ms = 3000, waited = 0;
	int i = kube_opts(argc, argv, &o, &selector), status = 0, first;

	for (; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--rv"))
			rv = argv[i + 1];
		else if (!strcmp(argv[i], "--events"))
			wc.left = strtol(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--for"))
			for_ms = strtol(argv[i + 1], NULL, 10);
		else
			break;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: katib-test-tool kube-watch [OPTS] PATH...\n");
		return 2;
	}
	if (kubeconfig_load(&cfg, &o, &f) || kube_client_new(&c, &cfg, kube_timeout_ms, &f)) {
		fprintf(stderr, "error: %s\n", f.msg);
		return 3;
	}
	if (kube_watch_new(c, &w, &f)) {
		fprintf(stderr, "error: %s\n", f.msg);
		status = 3;
	}
	for (first = i; !status && i < argc; i++)
		if (kube_watch_add(w, (size_t)(i - first), argv[i], selector, NULL, rv, &f)) {
			fprintf(stderr, "error: %s\n", f.msg);
			status = 3;
		}
	while (!status && waited < for_ms) {
		int ret = kube_watch_wait(w, 100, print_event, &wc, &f);

		if (ret < 0) {
			fprintf(stderr, "error: %s\n", f.msg);
			status = f.http_status == 410 ? 4 : 3;
		} else if (ret > 0) {
			break;
		}
		waited += 100;
	}
	printf("%lu requests\n", kube_requests(c));
	kube_watch_free(w);
	kube_client_free(c);
	kubeconfig_release(&cfg);
	return status;
}

static int slurp(const char *path, struct buf *out)
{
	FILE *fp = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int rc;

	if (!fp)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(out, chunk, n);
	rc = ferror(fp) ? -1 : 0;
	fclose(fp);
	return rc;
}

/*
 * tar OUT.tar.gz ENTRY...: writes an archive with src/archive.c.  An
 * ENTRY is NAME=FILE (a file with FILE's contents and permission bits) or
 * NAME/ (a directory, mode 0755).  Exit 1 when the writer refuses.
 */
static int cmd_tar(int argc, const char **argv)
{
	struct archive *w;
	struct fail f = FAIL_INIT;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: katib-test-tool tar OUT.tar.gz NAME=FILE|DIR/...\n");
		return 2;
	}
	if (archive_open(&w, argv[1], &f)) {
		fprintf(stderr, "error: %s\n", f.msg);
		return 1;
	}
	archive_set_mtime(w, 1700000000);
	for (i = 2; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		int rc;

		if (!eq) {
			rc = archive_add_dir(w, argv[i], 0755, &f);
		} else {
			struct buf name = BUF_INIT, data = BUF_INIT;
			struct stat st;

			buf_add(&name, argv[i], (size_t)(eq - argv[i]));
			if (stat(eq + 1, &st) || slurp(eq + 1, &data)) {
				fprintf(stderr, "error: cannot read %s\n", eq + 1);
				buf_release(&name);
				archive_abort(w);
				return 2;
			}
			rc = archive_add_file(w, name.buf, data.buf, data.len,
					      st.st_mode & 07777, &f);
			buf_release(&name);
			buf_release(&data);
		}
		if (rc) {
			fprintf(stderr, "error: %s\n", f.msg);
			archive_abort(w);
			return 1;
		}
	}
	if (archive_commit(w, &f)) {
		fprintf(stderr, "error: %s\n", f.msg);
		return 1;
	}
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int argc, const char **argv);
} cmds[] = {
	{ "kube-config", cmd_kube_config },
	{ "kube-get", cmd_kube_get },
	{ "kube-list", cmd_kube_list },
	{ "kube-watch", cmd_kube_watch },
	{ "doc-dump", cmd_doc_dump },
	{ "to-json", cmd_to_json },
	{ "to-json-each", cmd_to_json_each },
	{ "rss", cmd_rss },
	{ "tar", cmd_tar },
};

int main(int argc, const char **argv)
{
	size_t i;

	if (argc < 2) {
		fprintf(stderr, "usage: katib-test-tool COMMAND ARGS...\n");
		return 2;
	}
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(argv[1], cmds[i].name)) {
			int status = cmds[i].fn(argc - 1, argv + 1);

			http_release();
			return status;
		}
	fprintf(stderr, "katib-test-tool: unknown command '%s'\n", argv[1]);
	return 2;
}
