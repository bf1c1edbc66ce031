/*
 * doc.h: a YAML or JSON document as a tree of nodes that remember where
 * they came from.
 *
 * A struct doc owns everything reachable from it: every node and every
 * string lives in doc->arena and is released by doc_free().  Never free a
 * node on its own; pointers into a doc stay valid until doc_free().
 *
 * Scalars keep the text exactly as written (after YAML unescaping) and a
 * kind resolved the way Kubernetes' YAML-to-JSON conversion resolves it
 * (YAML 1.1 rules of go-yaml v2: "yes" is a bool, "1.10" a float, a quoted
 * "3" a string), because that kind decides what the API server decodes.
 */
#ifndef KATIB_SRC_DOC_H
#define KATIB_SRC_DOC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "pos.h"

struct buf;
struct fail;

enum doc_kind {
	DOC_NULL,
	DOC_BOOL,
	DOC_INT,
	DOC_FLOAT,
	DOC_STR,
	DOC_SEQ,
	DOC_MAP,
};

struct doc_node {
	/*
	 * What a key lookup and a walk read comes first, within one cache
	 * line: a 10,000-Trial tree is 54 MB that status walks once after
	 * reading it, and with the positions first every node visited cost
	 * two lines.
	 */
	enum doc_kind kind : 8;
	unsigned quoted : 1;	/* quoted or block scalar: always a string */
	unsigned duplicate : 1;	/* a later repeat of a sibling key */
	unsigned shadowed : 1;	/* an earlier key that a repeat overrides */
	unsigned from_alias : 1;	/* copied from an anchored node */
	/*
	 * Lengths in 32 bits: no text reaches 4 GiB (the reader's limits
	 * stop far below), and a 10,000-Trial tree is 450,000 nodes.
	 */
	uint32_t key_len;
	const char *key;	/* NULL unless the parent is a map */
	struct doc_node *next;	/* next sibling */
	struct doc_node *child;	/* first child */
	const char *text;	/* scalars: the text; "" for containers */
	uint32_t len;
	uint32_t nr_children;
	struct doc_node *parent;
	uint32_t index;		/* position among the parent's children */
	struct span span;	/* of the value */
	struct span key_span;	/* of the key, when the parent is a map */
	struct doc_node *last;	/* last child */
};

/* Why a document could not be read (it then has no root). */
struct doc_error {
	const char *message;	/* one line, lowercase */
	struct pos at;
	const char *context;	/* e.g. "while parsing a flow sequence" */
	struct pos context_at;	/* line 0 when there is none */
	unsigned limit : 1;	/* a loader limit, not a syntax error */
};

struct doc {
	struct arena arena;
	const char *name;	/* display name of the file, "-" for stdin */
	unsigned index;		/* 0-based position in its stream */
	/*
	 * The source of this document.  For a document a doc_reader read
	 * without error it points into the reader's buffer and is valid only
	 * until the next doc_reader_next() or doc_reader_free(); nodes keep
	 * their own copies of their text and stay valid until doc_free().
	 */
	const char *text;
	size_t len;
	uint64_t text_off;	/* file offset of text[0] */
	struct doc_node *root;	/* NULL when error is set */
	struct doc_error *error;
	size_t nr_nodes;
	size_t nr_alias_nodes;	/* of them, copied through aliases */
	/*
	 * A document read in two parts (doc-split.h): the second part, whose
	 * arena holds some of this tree's nodes; freed with it.
	 */
	struct doc *part;
	/* Some node is marked duplicate (a reader sets it with the mark). */
	unsigned has_duplicates : 1;
};

/* Allocates an empty document; free with doc_free(). */
struct doc *doc_new(const char *name, unsigned index);
void doc_free(struct doc *d);

/* Node allocation for loaders: the node belongs to d. */
struct doc_node *doc_node_new(struct doc *d, enum doc_kind kind);
void doc_node_append(struct doc_node *parent, struct doc_node *child);
/*
 * For trees built by code rather than read: a node of kind with its own
 * copies of key (NULL in a sequence or for the root) and text (NULL for
 * containers), appended to parent unless parent is NULL.
 */
struct doc_node *doc_add(struct doc *d, struct doc_node *parent,
			 const char *key, enum doc_kind kind, const char *text);

/*
 * Makes node a string scalar with a copy of text (in d's arena), for tools
 * that rewrite a tree, e.g. redaction.  Positions are kept: they still
 * name where the old value was.
 */
void doc_set_text(struct doc *d, struct doc_node *node, const char *text,
		  size_t len);
/*
 * Unlinks child from its parent and renumbers the later siblings; the node
 * stays allocated (in the arena) until doc_free().
 */
void doc_node_remove(struct doc_node *child);

/*
 * The value of key in map node (NULL if node is not a map or has no such
 * key).  When a key repeats, the last one wins, as in Kubernetes.
 *
 * Inline because the rules look fields up by literal names some 170
 * times per Experiment: with the name's length known where it is called,
 * the compiler compares a key in a few loads, where the strlen() and
 * memcmp() calls of a shared function cost 4% of validating a stream.
 * doc_get_n() takes the key's length: a key inside a longer text.
 */
static inline struct doc_node *doc_get_n(const struct doc_node *map,
					 const char *key, size_t n)
{
	struct doc_node *c;

	if (!map || map->kind != DOC_MAP)
		return NULL;
	for (c = map->child; c; c = c->next)
		if (c->key_len == n && !c->shadowed && c->key &&
		    !memcmp(c->key, key, n))
			return c;
	return NULL;
}

static inline struct doc_node *doc_get(const struct doc_node *map,
				       const char *key)
{
	return doc_get_n(map, key, strlen(key));
}

/*
 * Asks the cache for the first bytes of node's subtree, for a loop that
 * looks into many objects of a tree read long before: status waited on
 * memory for half of its pass over 10,000 recorded Trials (54 MB of
 * nodes), and asking two objects ahead halved that pass.  The YAML reader
 * allocates a subtree, nodes and text, after its root and before the
 * root's next sibling, so that span is asked for; a tree laid out
 * otherwise (built by code) gets a useless hint, never a wrong result.
 * DOC_PREFETCH_OBJECT is about a recorded Trial: 45 nodes and their text.
 */
#define DOC_PREFETCH_OBJECT 6144

static inline void doc_prefetch(const struct doc_node *node, size_t bytes)
{
	uintptr_t at = (uintptr_t)node, end, next;
	size_t span;

	if (!node)
		return;
	next = (uintptr_t)node->next;
	span = next > at && next - at < bytes ? next - at
	       : node->next ? bytes : sizeof(*node);
	for (end = at + span; at < end; at += 64)
		__builtin_prefetch((const void *)at);
}

/* doc_get() along a dotted path of keys: doc_lookup(n, "spec.objective"). */
struct doc_node *doc_lookup(const struct doc_node *node, const char *path);

/* The text of a string scalar, or NULL for anything else. */
static inline const char *doc_str(const struct doc_node *node)
{
	return node && node->kind == DOC_STR ? node->text : NULL;
}

/* The string at key of map, or NULL when absent or not a string. */
static inline const char *doc_get_str(const struct doc_node *map,
				      const char *key)
{
	return doc_str(doc_get(map, key));
}
/* True when node is a string (or absent/null, when allow_null) and empty. */
int doc_str_empty(const struct doc_node *node);
/*
 * An integral value: DOC_INT, or a DOC_FLOAT with no fraction (the YAML to
 * JSON conversion turns 3.0 into 3).  Returns 0 and sets *out, else -1.
 */
int doc_int(const struct doc_node *node, int64_t *out);
int doc_float(const struct doc_node *node, double *out);
int doc_is_key(const struct doc_node *node, const char *key);

/*
 * For a document that could not be read (d->error set): sets f to
 * FAIL_PROTOCOL "NAME:LINE:COL: why", NAME being d->name, and returns -1.
 */
int doc_error_fail(const struct doc *d, struct fail *f);

/* "string", "integer", ...: how a message names a kind. */
const char *doc_kind_name(enum doc_kind kind);

/*
 * Appends node's field path in Kubernetes' field-error syntax to out:
 * spec.parameters[1].feasibleSpace.min; keys that are not identifiers are
 * written as metadata.labels[app.kubernetes.io/name].
 */
void doc_path(const struct doc_node *node, struct buf *out);

/*
 * Appends a key (or any text of the document) as messages show it: a NUL
 * (JSON's \u0000, YAML's "\0") as \0, since a message is a C string and
 * would end there and name another field or value.
 */
void doc_add_key(struct buf *out, const char *key, size_t len);

/*
 * Checks the tree's invariants (parent links, counts, key presence);
 * returns 0 or -1 and a description in *why.  For tests and fuzzers.
 */
int doc_check(const struct doc *d, const char **why);

#endif
