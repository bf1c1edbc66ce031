#include "compat.h"
#include "bundle.h"
#include "alloc.h"
#include "archive.h"
#include "buf.h"
#include "diagnose.h"
#include "doc.h"
#include "doc-emit.h"
#include "doc-json.h"
#include "doc-yaml.h"
#include "katib-config.h"
#include "recorded.h"
#include "redact.h"
#include "scenario.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct bundler {
	const struct bundle_opts *o;
	char **files;			/* below the scenario, in name order */
	size_t nr_files, alloc_files;
	struct archive *ar;
	struct fail *f;
	struct bundle_result *out;
	const char *name;		/* the scenario's, the archive's top folder */
	struct buf report;		/* this pass's redactions */
	size_t entries_before;
};

static size_t nr_entries(const struct redactor *r)
{
	const struct redact_entry *e;

	return redactor_entries(r, &e);
}

static int read_whole(const char *path, struct buf *out, struct fail *f)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	char chunk[65536];
	ssize_t n;

	if (fd < 0)
		return fail_set(f, FAIL_IO, "cannot read '%s': %s", path, strerror(errno));
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return fail_set(f, FAIL_IO, "cannot read '%s': %s", path, strerror(errno));
		}
		if (out->len + (size_t)n > BUNDLE_MAX_FILE) {
			close(fd);
			return fail_set(f, FAIL_TOO_LARGE, "'%s' is larger than %zu MiB",
					path, BUNDLE_MAX_FILE >> 20);
		}
		buf_add(out, chunk, (size_t)n);
	}
	close(fd);
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static int is_object_file(const char *rel)
{
	return ends_with(rel, ".yaml") || ends_with(rel, ".yml") || ends_with(rel, ".json");
}

/*
 * YAML and JSON files redacted as objects.  A file whose objects need no
 * change keeps its bytes (and comments); one that does is written back
 * from the redacted tree.
 */
static int redact_objects(struct bundler *b, const char *rel, const char *path,
			  const struct buf *in, struct buf *out)
{
	static const struct doc_limits limits = DOC_LIMITS_DEFAULT;
	struct doc_reader *r;
	struct doc *d;
	struct buf rewritten = BUF_INIT;
	size_t before = nr_entries(b->o->redactor);
	int ret, json = ends_with(rel, ".json"), docs = 0;

	doc_reader_open_mem(&r, path, in->buf ? in->buf : "", in->len, &limits);
	while ((ret = doc_reader_next(r, &d, b->f)) > 0) {
		int dropped;

		if (d->error) {
			doc_error_fail(d, b->f);
			doc_free(d);
			ret = -1;
			break;
		}
		dropped = d->root ? redact_object(b->o->redactor, d, d->root, rel, b->f) : 0;
		if (dropped < 0) {
			doc_free(d);
			ret = -1;
			break;
		}
		if (!dropped && d->root) {
			if (json) {
				char *s = doc_to_json_pretty(d->root);

				buf_adds(&rewritten, s);
				buf_addch(&rewritten, '\n');
				free(s);
			} else {
				if (docs++)
					buf_adds(&rewritten, "---\n");
				doc_emit_yaml(d->root, &rewritten);
			}
		}
		doc_free(d);
	}
	doc_reader_free(r);
	if (ret >= 0) {
		if (nr_entries(b->o->redactor) == before)
			buf_add(out, in->buf ? in->buf : "", in->len);
		else
			buf_add(out, rewritten.buf ? rewritten.buf : "", rewritten.len);
	}
	buf_release(&rewritten);
	return ret < 0 ? -1 : 0;
}

static int add_file(struct bundler *b, const char *rel)
{
	struct buf path = BUF_INIT, in = BUF_INIT, out = BUF_INIT, name = BUF_INIT;
	int ret;

	buf_addf(&path, "%s/%s", b->o->dir, rel);
	ret = read_whole(path.buf, &in, b->f);
	if (!ret && !strcmp(rel, "redactions.txt")) {
		/* Amended at the end with this pass's report. */
		buf_add(&b->report, in.buf ? in.buf : "", in.len);
		goto out;
	}
	if (!ret) {
		if (is_object_file(rel))
			ret = redact_objects(b, rel, path.buf, &in, &out);
		else
			ret = redact_text(b->o->redactor, in.buf ? in.buf : "", in.len, rel,
					  &out, b->f);
	}
	if (!ret) {
		buf_addf(&name, "%s/%s", b->name, rel);
		ret = archive_add_file(b->ar, name.buf, out.buf ? out.buf : "", out.len,
				       0644, b->f);
		b->out->files += !ret;
	}
out:
	buf_release(&path);
	buf_release(&in);
	buf_release(&out);
	buf_release(&name);
	return ret;
}

static int cmp_names(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Lists the files below rel ("" for the scenario itself), in name order. */
static int list_tree(struct bundler *b, const char *rel)
{
	struct buf path = BUF_INIT;
	char **names = NULL;
	size_t nr = 0, alloc = 0, i;
	struct dirent *e;
	DIR *d;
	int ret = 0;

	buf_addf(&path, "%s%s%s", b->o->dir, *rel ? "/" : "", rel);
	d = opendir(path.buf);
	if (!d) {
		ret = fail_set(b->f, FAIL_IO, "cannot read '%s': %s", path.buf, strerror(errno));
		buf_release(&path);
		return ret;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		ALLOC_GROW(names, nr + 1, alloc);
		names[nr++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (nr > 1)
		qsort(names, nr, sizeof(*names), cmp_names);
	for (i = 0; i < nr && !ret; i++) {
		struct buf sub = BUF_INIT, full = BUF_INIT;
		struct stat st;

		buf_addf(&sub, "%s%s%s", rel, *rel ? "/" : "", names[i]);
		buf_addf(&full, "%s/%s", b->o->dir, sub.buf);
		if (lstat(full.buf, &st))
			ret = fail_set(b->f, FAIL_IO, "cannot read '%s': %s", full.buf,
				       strerror(errno));
		else if (S_ISDIR(st.st_mode))
			ret = list_tree(b, sub.buf);
		else if (S_ISREG(st.st_mode) && strcmp(sub.buf, "ISSUE.md")) {
			ALLOC_GROW(b->files, b->nr_files + 1, b->alloc_files);
			b->files[b->nr_files++] = xstrdup(sub.buf);
		} else
			b->out->skipped++;	/* links could point anywhere */
		buf_release(&sub);
		buf_release(&full);
	}
	for (i = 0; i < nr; i++)
		free(names[i]);
	free(names);
	buf_release(&path);
	return ret;
}

/* ---- ISSUE.md ---- */

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static void issue_diagnosis(struct bundler *b, const struct doc_node *expect,
			    struct buf *md)
{
	struct recorded rec;
	struct snapshot snap;
	struct diagnosis_list list = { 0 };
	struct fail f = FAIL_INIT;
	struct buf dir = BUF_INIT;
	const char *ns = doc_get_str(expect, "namespace");
	const char *name = doc_get_str(expect, "experiment");
	size_t i, j;

	buf_addf(&dir, "%s/cluster", b->o->dir);
	if (!name || recorded_load(&rec, dir.buf, &f)) {
		buf_release(&dir);
		return;
	}
	if (!snapshot_from_recorded(&rec, ns ? ns : "default", name, &snap, &f)) {
		diagnose(&snap, &katib_config_default, &list);
		buf_adds(md, "## Diagnosis (`kubectl katib explain`)\n\n");
		for (i = 0; i < list.nr; i++) {
			const struct diagnosis *d = &list.item[i];

			buf_addf(md, "- **%s** `%s`: %s\n", severity_name(d->severity), d->id,
				 d->summary);
			for (j = 0; j < d->nr_evidence; j++)
				buf_addf(md, "  - %s %s: `%s`\n", d->evidence[j].object,
					 or_empty(d->evidence[j].field), d->evidence[j].text);
			if (d->fix)
				buf_addf(md, "  - fix: %s\n", d->fix);
		}
		buf_addch(md, '\n');
		diagnosis_list_release(&list);
		snapshot_release(&snap);
	}
	recorded_release(&rec);
	buf_release(&dir);
}

static void issue_replay(struct bundler *b, struct buf *md)
{
	struct scenario_result r;
	struct fail f = FAIL_INIT;
	size_t i;

	if (scenario_replay(b->o->dir, NULL, &r, &f)) {
		buf_addf(md, "Replaying it failed: %s\n\n", f.msg);
		return;
	}
	buf_addf(md, "## Replayed with kubectl-katib %s\n\n```\n", b->o->tool_version);
	for (i = 0; i < r.nr; i++)
		buf_addf(md, "%-4s %s: %s%s%s\n", r.checks[i].ok ? "ok" : "FAIL", b->name,
			 r.checks[i].what, r.checks[i].detail ? ": " : "",
			 or_empty(r.checks[i].detail));
	buf_adds(md, "```\n\n");
	scenario_result_release(&r);
}

static int add_issue(struct bundler *b)
{
	static const struct doc_limits limits = DOC_LIMITS_DEFAULT;
	struct buf md = BUF_INIT, path = BUF_INIT, at = BUF_INIT, safe = BUF_INIT;
	struct buf name = BUF_INIT;
	struct doc *expect = NULL;
	const struct doc_node *e, *up;
	struct fail f = FAIL_INIT;
	const char *ns, *exp;
	int ret;

	buf_addf(&path, "%s/expect.yaml", b->o->dir);
	if (doc_load_single(&expect, path.buf, &limits, b->f)) {
		buf_release(&path);
		return -1;
	}
	e = expect->root;
	up = doc_get(e, "upstream");
	ns = or_empty(doc_get_str(e, "namespace"));
	exp = or_empty(doc_get_str(e, "experiment"));
	buf_reset(&path);
	buf_addf(&path, "%s/cluster/recorded-at", b->o->dir);
	read_whole(path.buf, &at, &f);
	while (at.len && (at.buf[at.len - 1] == '\n' || at.buf[at.len - 1] == '\r'))
		at.buf[--at.len] = '\0';
	buf_addf(&md, "# Katib Experiment %s/%s: %s\n\n", ns, exp,
		 doc_get_str(doc_get(e, "explain"), "diagnosis")
			 ? doc_get_str(doc_get(e, "explain"), "diagnosis") : "scenario");
	buf_adds(&md, "## What happened\n\n");
	buf_addf(&md, "%s\n\n", doc_get_str(up, "behaviour") && *doc_get_str(up, "behaviour")
		 ? doc_get_str(up, "behaviour") : "(describe what you expected and what happened)");
	if (doc_get_str(up, "issue"))
		buf_addf(&md, "Upstream: %s\n\n", doc_get_str(up, "issue"));
	buf_adds(&md, "## Versions\n\n");
	buf_addf(&md, "- Katib: %s\n", doc_get_str(e, "katibVersion")
		 ? doc_get_str(e, "katibVersion") : "unknown (a default install assumed)");
	buf_addf(&md, "- kubectl-katib: %s\n", b->o->tool_version);
	if (at.len)
		buf_addf(&md, "- recorded at: %s\n", at.buf);
	buf_addch(&md, '\n');
	issue_diagnosis(b, e, &md);
	issue_replay(b, &md);
	buf_adds(&md, "## Replay it\n\n```sh\n");
	buf_addf(&md, "mkdir repro && tar -xzf %s -C repro\n",
		 strrchr(b->o->out, '/') ? strrchr(b->o->out, '/') + 1 : b->o->out);
	buf_addf(&md, "kubectl katib repro replay repro/%s\n", b->name);
	buf_addf(&md, "kubectl katib explain experiment %s -n %s --from repro/%s/cluster\n",
		 exp, ns, b->name);
	buf_addf(&md, "kubectl katib validate repro/%s/experiment.yaml\n", b->name);
	buf_adds(&md, "```\n\nSecrets were never collected; credential-looking values are replaced\n"
		      "by placeholders listed, without their values, in redactions.txt.\n");
	/* The diagnosis quotes the recording: redact what it quotes too. */
	ret = redact_text(b->o->redactor, md.buf, md.len, "ISSUE.md", &safe, b->f);
	if (!ret) {
		buf_addf(&name, "%s/ISSUE.md", b->name);
		ret = archive_add_file(b->ar, name.buf, safe.buf, safe.len, 0644, b->f);
		b->out->files += !ret;
	}
	doc_free(expect);
	buf_release(&md);
	buf_release(&path);
	buf_release(&at);
	buf_release(&safe);
	buf_release(&name);
	return ret;
}

int bundle_scenario(const struct bundle_opts *o, struct bundle_result *out,
		    struct fail *f)
{
	struct bundler b;
	struct buf top = BUF_INIT;
	struct stat st;
	char *name;
	size_t i;
	int ret;

	memset(out, 0, sizeof(*out));
	memset(&b, 0, sizeof(b));
	b.o = o;
	b.f = f;
	b.out = out;
	if (!scenario_is(o->dir))
		return fail_set(f, FAIL_USAGE,
				"'%s' is not a scenario (a scenario directory holds expect.yaml)",
				o->dir);
	if (!lstat(o->out, &st))
		return fail_set(f, FAIL_USAGE, "'%s' already exists: a bundle never writes over a file",
				o->out);
	name = scenario_name(o->dir);
	b.name = name;
	if (!strcmp(b.name, ".") || !strcmp(b.name, "..") || !*b.name) {
		free(name);
		return fail_set(f, FAIL_USAGE, "name the scenario directory, not '%s'", o->dir);
	}
	b.entries_before = nr_entries(o->redactor);
	if (archive_open(&b.ar, o->out, f)) {
		free(name);
		return -1;
	}
	archive_set_mtime(b.ar, (int64_t)time(NULL));
	ret = archive_add_dir(b.ar, b.name, 0755, f);
	if (!ret)
		ret = list_tree(&b, "");
	/*
	 * Objects first: a secret redacted in an object is then known, and
	 * caught where a log prints it bare.
	 */
	for (i = 0; !ret && i < b.nr_files; i++)
		if (is_object_file(b.files[i]))
			ret = add_file(&b, b.files[i]);
	for (i = 0; !ret && i < b.nr_files; i++)
		if (!is_object_file(b.files[i]))
			ret = add_file(&b, b.files[i]);
	if (!ret)
		ret = add_issue(&b);
	if (!ret) {
		/* What this pass replaced joins the recording's own report. */
		struct buf mine = BUF_INIT;

		out->redactions = nr_entries(o->redactor) - b.entries_before;
		redactor_report(o->redactor, &mine);
		if (mine.len) {
			if (b.report.len && !ends_with(b.report.buf, "\n"))
				buf_addch(&b.report, '\n');
			buf_adds(&b.report, "# redacted when bundled:\n");
			buf_add(&b.report, mine.buf, mine.len);
		}
		if (!b.report.len)
			buf_adds(&b.report, "nothing was redacted\n");
		buf_addf(&top, "%s/redactions.txt", b.name);
		ret = archive_add_file(b.ar, top.buf, b.report.buf, b.report.len, 0644, f);
		out->files += !ret;
		buf_release(&mine);
	}
	if (!ret)
		ret = archive_commit(b.ar, f);
	else
		archive_abort(b.ar);
	for (i = 0; i < b.nr_files; i++)
		free(b.files[i]);
	free(b.files);
	buf_release(&b.report);
	free(name);
	buf_release(&top);
	return ret;
}
