#include "compat.h"
#include "recorded.h"
#include "alloc.h"
#include "buf.h"
#include "doc.h"
#include "doc-split.h"
#include "doc-yaml.h"
#include "experiment.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

/* Deeper trees are not recordings; a symlink loop must not recurse forever. */
#define MAX_DEPTH 32

/*
 * A recording holds a search's Trials as one List: validate's limits for
 * an Experiment (500,000 nodes, 16 MB a document) refused a search of
 * 11,200 Trials.  These fit about 90,000 (45 nodes each) and still bound
 * what a hostile file can make us allocate (4 million nodes: 512 MB).
 */
#define RECORDING_MAX_NODES 4000000

struct recorded_index {
	struct recorded_entry *view[3];	/* by enum recorded_by */
	size_t nr[3];
	size_t built;			/* objects in the views: rebuilt when r->nr differs */
};

static void add_object(struct recorded *r, const struct doc_node *obj)
{
	const char *ns = doc_str(doc_lookup(obj, "metadata.namespace"));

	if (!r->index)
		r->index = xcalloc(1, sizeof(*r->index));
	ALLOC_GROW(r->object, r->nr + 1, r->alloc);
	ALLOC_GROW(r->key, r->nr + 1, r->alloc_key);
	r->key[r->nr].kind = doc_get_str(obj, "kind");
	r->key[r->nr].ns = ns && *ns ? ns : "default";
	r->key[r->nr].name = doc_str(doc_lookup(obj, "metadata.name"));
	r->key[r->nr].labels = doc_lookup(obj, "metadata.labels");
	r->object[r->nr++] = obj;
}

static void add_root(struct recorded *r, const struct doc_node *root)
{
	const char *kind = doc_get_str(root, "kind");
	const struct doc_node *items = doc_get_kind(root, "items", DOC_SEQ), *c;

	if (!root || root->kind != DOC_MAP)
		return;
	/* AdmissionReviews answer creates; they are not objects. */
	if (kind && !strcmp(kind, "AdmissionReview")) {
		ALLOC_GROW(r->reviews, r->nr_reviews + 1, r->alloc_reviews);
		r->reviews[r->nr_reviews++] = root;
		return;
	}
	if (kind && strlen(kind) >= 4 && !strcmp(kind + strlen(kind) - 4, "List") && items) {
		for (c = items->child; c; c = c->next)
			if (c->kind == DOC_MAP)
				add_object(r, c);
		return;
	}
	add_object(r, root);
}

void recorded_add(struct recorded *r, struct doc *d)
{
	ALLOC_GROW(r->docs, r->nr_docs + 1, r->alloc_docs);
	r->docs[r->nr_docs++] = d;
	add_root(r, d->root);
}

void recorded_add_items(struct recorded *r, struct doc *d, const char *item_kind)
{
	const struct doc_node *items = doc_get_kind(d->root, "items", DOC_SEQ), *c;

	ALLOC_GROW(r->docs, r->nr_docs + 1, r->alloc_docs);
	r->docs[r->nr_docs++] = d;
	for (c = items ? items->child : NULL; c; c = c->next) {
		if (c->kind != DOC_MAP)
			continue;
		add_object(r, c);
		if (!r->key[r->nr - 1].kind)
			r->key[r->nr - 1].kind = item_kind;
	}
}

/*
 * A large file holding one List (a search's Trials) read on two threads
 * (doc-split.h); 0 when it is not one, for the serial reader to read (and
 * to report any error in it, as it does).
 */
static int load_split(struct recorded *r, const char *path, size_t size,
		      const struct doc_limits *lim)
{
	struct buf text = BUF_INIT;
	struct doc *d = NULL;
	FILE *fp;
	size_t n;

	if (size < DOC_SPLIT_MIN_BYTES || size > lim->max_file_bytes)
		return 0;
	fp = fopen(path, "rb");
	if (!fp)
		return 0;
	if (!buf_grow(&text, size)) {
		n = fread(text.buf, 1, size + 1, fp);
		/* A file that changed size since stat(): the serial reader's. */
		if (n == size && !ferror(fp))
			doc_read_split(&d, path, text.buf, size, lim);
	}
	fclose(fp);
	buf_release(&text);
	if (!d)
		return 0;
	recorded_add(r, d);
	return 1;
}

static int load_file(struct recorded *r, const char *path, off_t size,
		     struct fail *f)
{
	struct doc_reader *reader;
	struct doc *d;
	struct doc_limits lim = DOC_LIMITS_DEFAULT;
	int ret;

	lim.max_nodes = RECORDING_MAX_NODES;
	lim.max_doc_bytes = lim.max_file_bytes;
	if (size > 0 && load_split(r, path, (size_t)size, &lim))
		return 0;
	if (doc_reader_open(&reader, path, path, &lim, f))
		return -1;
	/* Nothing quotes a recording's lines; its errors give line numbers. */
	doc_reader_drop_text(reader);
	while ((ret = doc_reader_next(reader, &d, f)) > 0) {
		if (d->error) {
			fail_set(f, FAIL_PROTOCOL, "%s:%u: %s%s", path,
				 (unsigned)d->error->at.line, d->error->message,
				 d->error->limit ? " for a recording" : "");
			doc_free(d);
			doc_reader_free(reader);
			return -1;
		}
		recorded_add(r, d);
	}
	doc_reader_free(reader);
	return ret < 0 ? -1 : 0;
}

static int wanted(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && !strcmp(name + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(name + n - 4, ".yml")) ||
	       (n > 5 && !strcmp(name + n - 5, ".json"));
}

static int load_dir(struct recorded *r, const char *dir, int depth,
		    const char *skip, struct fail *f)
{
	struct dirent **list;
	int n, i, ret = 0;

	if (depth > MAX_DEPTH)
		return 0;
	n = scandir(dir, &list, NULL, alphasort);
	if (n < 0)
		return fail_set(f, errno == ENOENT ? FAIL_NOT_FOUND : FAIL_IO,
				"cannot read '%s': %s", dir, strerror(errno));
	for (i = 0; i < n; i++) {
		struct buf path = BUF_INIT;
		struct stat st;

		buf_addf(&path, "%s/%s", dir, list[i]->d_name);
		if (list[i]->d_name[0] != '.' && strcmp(list[i]->d_name, "logs") &&
		    (depth || strcmp(list[i]->d_name, skip)) &&
		    !stat(path.buf, &st) && !ret) {
			if (S_ISDIR(st.st_mode))
				ret = load_dir(r, path.buf, depth + 1, skip, f);
			/* Only regular files: a FIFO would wait for a writer. */
			else if (S_ISREG(st.st_mode) && wanted(list[i]->d_name))
				ret = load_file(r, path.buf, st.st_size, f);
		}
		buf_release(&path);
		free(list[i]);
	}
	free(list);
	return ret;
}

int recorded_load(struct recorded *out, const char *dir, struct fail *f)
{
	/* A timeline holds later states, not the cluster as recorded. */
	return recorded_load_skipping(out, dir, "timeline", f);
}

int recorded_load_skipping(struct recorded *out, const char *dir,
			   const char *skip, struct fail *f)
{
	struct stat st;

	memset(out, 0, sizeof(*out));
	out->dir = dir;
	if (stat(dir, &st))
		return fail_set(f, errno == ENOENT ? FAIL_NOT_FOUND : FAIL_IO,
				"cannot read '%s': %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail_set(f, FAIL_USAGE, "'%s' is not a directory", dir);
	if (load_dir(out, dir, 0, skip, f)) {
		recorded_release(out);
		return -1;
	}
	return 0;
}

void recorded_release(struct recorded *r)
{
	size_t i;

	for (i = 0; i < r->nr_docs; i++)
		doc_free(r->docs[i]);
	free(r->docs);
	free(r->object);
	free(r->key);
	free(r->reviews);
	if (r->index)
		for (i = 0; i < ARRAY_SIZE(r->index->view); i++)
			free(r->index->view[i]);
	free(r->index);
	memset(r, 0, sizeof(*r));
}

/* FNV-1a over the strings and their NULs: two keys differ in the hash. */
static uint64_t key_hash(const char *ns, const char *kind, const char *name)
{
	const char *part[3] = { ns, kind, name ? name : "" };
	uint64_t h = 14695981039346656037u;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(part); i++) {
		const unsigned char *p = (const unsigned char *)part[i];

		do {
			h ^= *p;
			h *= 1099511628211u;
		} while (*p++);
	}
	return h;
}

static struct recorded_entry entry(const char *ns, const char *kind,
				   const char *name, size_t at)
{
	return (struct recorded_entry){ key_hash(ns, kind, name), ns, kind, name, at };
}

static int same_key(const struct recorded_entry *x, const struct recorded_entry *y)
{
	return x->hash == y->hash && !strcmp(x->ns, y->ns) &&
	       !strcmp(x->kind, y->kind) &&
	       (!x->name || !y->name || !strcmp(x->name, y->name));
}

/* By hash, then order: no string is compared, however many objects share a key. */
static int hash_cmp(const void *a, const void *b)
{
	const struct recorded_entry *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

/* For keys whose hashes collide: by hash, the strings, then order. */
static int key_cmp(const void *a, const void *b)
{
	const struct recorded_entry *x = a, *y = b;
	int c;

	if (x->hash != y->hash || same_key(x, y))
		return hash_cmp(a, b);
	c = strcmp(x->ns, y->ns);
	if (!c)
		c = strcmp(x->kind, y->kind);
	return c ? c : strcmp(x->name, y->name);
}

/*
 * Sorts a view by hash and order, then any run of one hash that holds
 * more than one key (FNV-1a collides, and a hostile recording can make it)
 * by key too, so that every key's entries are contiguous.
 */
static void sort_view(struct recorded_entry *v, size_t nr)
{
	size_t run, end;

	qsort(v, nr, sizeof(*v), hash_cmp);
	for (run = 0; run < nr; run = end) {
		int mixed = 0;

		for (end = run + 1; end < nr && v[end].hash == v[run].hash; end++)
			if (!same_key(&v[end], &v[run]))
				mixed = 1;
		if (mixed)
			qsort(v + run, end - run, sizeof(*v), key_cmp);
	}
}

static void build_index(const struct recorded *r, struct recorded_index *ix)
{
	size_t i, by;

	for (by = 0; by < ARRAY_SIZE(ix->view); by++) {
		free(ix->view[by]);
		ix->view[by] = r->nr ? xcalloc(r->nr, sizeof(*ix->view[by])) : NULL;
		ix->nr[by] = 0;
	}
	for (i = 0; i < r->nr; i++) {
		const struct recorded_key *k = &r->key[i];
		const char *ns, *label;

		if (!k->kind || !k->name)
			continue;
		ns = !strcmp(k->kind, "Namespace") ? "" : k->ns;
		ix->view[RECORDED_BY_NAME][ix->nr[RECORDED_BY_NAME]++] =
			entry(ns, k->kind, k->name, i);
		ix->view[RECORDED_BY_KIND][ix->nr[RECORDED_BY_KIND]++] =
			entry(ns, k->kind, NULL, i);
		label = doc_str(doc_get(k->labels, EXPERIMENT_LABEL));
		if (label)
			ix->view[RECORDED_BY_EXPERIMENT][ix->nr[RECORDED_BY_EXPERIMENT]++] =
				entry(ns, k->kind, label, i);
	}
	for (by = 0; by < ARRAY_SIZE(ix->view); by++)
		if (ix->nr[by])
			sort_view(ix->view[by], ix->nr[by]);
	ix->built = r->nr;
}

size_t recorded_find(const struct recorded *r, enum recorded_by by,
		     const char *ns, const char *kind, const char *name,
		     const struct recorded_entry **first)
{
	struct recorded_index *ix = r->index;
	struct recorded_entry want;
	const struct recorded_entry *v;
	size_t lo = 0, hi, end;

	*first = NULL;
	if (!ix || !kind || !ns || (by != RECORDED_BY_KIND && !name))
		return 0;
	if (ix->built != r->nr)
		build_index(r, ix);
	want = entry(ns, kind, by == RECORDED_BY_KIND ? NULL : name, 0);
	v = ix->view[by];
	hi = ix->nr[by];
	while (lo < hi) {		/* the first entry of want's hash */
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].hash < want.hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Within the hash's run, want's entries are contiguous. */
	while (lo < ix->nr[by] && v[lo].hash == want.hash && !same_key(&v[lo], &want))
		lo++;
	for (end = lo; end < ix->nr[by] && same_key(&v[end], &want); end++)
		;
	*first = lo < end ? &v[lo] : NULL;
	return end - lo;
}

int recorded_name_ok(const char *s)
{
	if (!s || !*s || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '.' || *s == '_'))
			return 0;
	return 1;
}
