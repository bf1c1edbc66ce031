/*
 * recorded.h: a recorded cluster read from its directory (the format of
 * fixtures/README): every *.yaml, *.yml and *.json below it, each holding
 * objects, kind: Lists of them, or streams of either.  The replay server
 * serves it; `explain --from` diagnoses it directly.
 */
#ifndef KATIB_SRC_RECORDED_H
#define KATIB_SRC_RECORDED_H

#include <stddef.h>
#include <stdint.h>

#include "fail.h"

struct doc;
struct doc_node;

struct recorded {
	const char *dir;
	struct doc **docs;		/* every document read, in path order */
	size_t nr_docs, alloc_docs;
	const struct doc_node **object;	/* objects, Lists flattened */
	size_t nr, alloc;
	/*
	 * Each object's kind, namespace ("default" when it has none), name
	 * and metadata.labels, looked up once: finding an Experiment's
	 * objects scans them all, once per Experiment for get -A.
	 */
	struct recorded_key {
		const char *kind, *ns, *name;
		const struct doc_node *labels;
	} *key;
	size_t alloc_key;
	const struct doc_node **reviews;	/* AdmissionReviews */
	size_t nr_reviews, alloc_reviews;
	/*
	 * Sorted views of the objects for recorded_find(), built at its
	 * first call after an object was added; allocated with the first
	 * object, so that finding through a const recording may build them.
	 */
	struct recorded_index *index;
};

/*
 * One object in a sorted view, sorted by the hash of its namespace, kind
 * and name, then by them (so that sorting compares integers, not
 * strings), then by order.
 */
struct recorded_entry {
	uint64_t hash;
	const char *ns, *kind, *name;
	size_t at;			/* its index in object[] */
};

enum recorded_by {
	RECORDED_BY_NAME,		/* metadata.name */
	RECORDED_BY_EXPERIMENT,		/* the Experiment label's value */
	RECORDED_BY_KIND,		/* any name: every object of the kind */
};

/*
 * Reads dir into *out (release it with recorded_release()).  Names that
 * start with '.', the logs/ folder and dir's own timeline/ (later states,
 * fixtures/README section 5) are skipped.  Returns 0, or -1 with f set
 * naming the file and line of the first unreadable document.
 */
int recorded_load(struct recorded *out, const char *dir, struct fail *f);
/* The same, skipping dir's own entry named skip instead of timeline/. */
int recorded_load_skipping(struct recorded *out, const char *dir,
			   const char *skip, struct fail *f);
void recorded_release(struct recorded *r);

/*
 * The objects of kind in namespace ns whose name (or Experiment label, by
 * by) is name, in recording order: sets *first to the first of them and
 * returns how many there are.  With RECORDED_BY_KIND name is ignored.
 * A Namespace is found under namespace "", whatever it says: the kind is
 * cluster-scoped.  get -A finds a thousand Experiments' objects among
 * 100,000 this way, where a scan per Experiment took seconds.
 */
size_t recorded_find(const struct recorded *r, enum recorded_by by,
		     const char *ns, const char *kind, const char *name,
		     const struct recorded_entry **first);

/*
 * Whether s can name a folder or file of a recording (logs/NS/POD/C.log):
 * a Kubernetes name's characters only, so a hostile recording or server
 * cannot lead a path out of the recording.
 */
int recorded_name_ok(const char *s);

/*
 * Adds a document's objects (Lists flattened) to r, which takes d over;
 * r may start zeroed, as recorded_load() leaves it.
 */
void recorded_add(struct recorded *r, struct doc *d);

/*
 * Adds the items of a list the API server answered, which for built-in
 * kinds carry no kind of their own: item_kind (a string that outlives r)
 * is theirs.  r takes d over.
 */
void recorded_add_items(struct recorded *r, struct doc *d, const char *item_kind);

#endif
