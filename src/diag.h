/*
 * diag.h: findings produced by validation (and later by diagnosis).
 *
 * A diag_list copies every string it keeps into its own arena; it never
 * points into a struct doc, so the two can be freed in any order.  The
 * only pointer it keeps is to the static rule descriptor.
 */
#ifndef KATIB_SRC_DIAG_H
#define KATIB_SRC_DIAG_H

#include <stddef.h>

#include "arena.h"
#include "pos.h"

struct rule;
struct doc_node;

enum severity {
	SEV_OFF,
	SEV_INFO,
	SEV_WARNING,
	SEV_ERROR,
};

/*
 * gRPC status codes (google.golang.org/grpc/codes) a suggestion or
 * early-stopping service answers a validation request with.
 */
enum grpc_code {
	GRPC_OK = 0,
	GRPC_UNKNOWN = 2,		/* an uncaught Python exception */
	GRPC_INVALID_ARGUMENT = 3,
	GRPC_INTERNAL = 13,
};

/* A service's answer: what the finding predicts it will say. */
struct diag_reply {
	enum grpc_code code;		/* GRPC_OK: not a service's answer */
	unsigned early_stopping : 1;	/* ValidateEarlyStoppingSettings */
	const char *details;
};

/*
 * A machine-applicable fix: what a rule is certain the value should be.
 * The rule says it in terms of the tree; src/fix.c turns it into text
 * edits that keep the file's comments, quoting and indentation.  A rule
 * sets one only when the result is certain (the one valid spelling of a
 * mistyped name, the quotes a type needs), never a guess.
 */
enum fix_kind {
	FIX_NONE,
	FIX_SET_VALUE,		/* the scalar becomes the string text */
	FIX_RENAME_KEY,		/* the node's key becomes text */
	FIX_QUOTE,		/* the plain scalar becomes a quoted string */
	FIX_UNQUOTE,		/* the quoted scalar becomes plain */
	FIX_ADD_ENTRY,		/* add key: text to the map at 'under' */
	FIX_MOVE,		/* move the entry text into the map at 'to' */
};

struct diag_fix {
	enum fix_kind kind;
	struct pos at;		/* start of the target node's value */
	const char *text;	/* a value or key as a string, unquoted */
	const char *key;	/* FIX_ADD_ENTRY: the key to add */
	/* FIX_ADD_ENTRY: dotted keys of the maps below the target that hold
	 * the entry, created when missing ("metadata.labels"); "" for the
	 * target itself. */
	const char *under;
	/* FIX_MOVE: the value of the map the entry goes into; with key set,
	 * the entry's own map, where a new map key: is made to hold it.
	 * into names that map for people. */
	struct pos to;
	const char *into;
};

struct diag {
	const struct rule *rule;	/* static; never NULL */
	enum severity severity;		/* after user overrides */
	const char *file;
	unsigned document;		/* index in the file's stream */
	struct span span;		/* line 0 when unknown */
	struct span related;		/* optional "started here"; line 0 if none */
	const char *related_note;
	const char *path;		/* spec.parameters[1].feasibleSpace.max */
	const char *message;		/* one line, no final period */
	const char *hint;		/* NULL if none */
	struct diag_reply reply;
	struct diag_fix fix;		/* kind FIX_NONE when none is certain */
	size_t seq;			/* insertion order, for a stable sort */
};

struct diag_list {
	struct arena arena;
	struct diag *item;
	size_t nr, alloc;
	unsigned count[SEV_ERROR + 1];
	/* Where new findings are said to be (set by the validation driver). */
	const char *file;
	unsigned document;
	/* Severities as overridden by the user, by rule index; may be NULL. */
	const enum severity *overrides;
};

#define DIAG_LIST_INIT { ARENA_INIT, NULL, 0, 0, { 0 }, NULL, 0, NULL }

void diag_list_release(struct diag_list *list);
/* Empties the list, keeping file/document/overrides. */
void diag_list_clear(struct diag_list *list);

/*
 * Adds a finding of rule at node (its value, or its key with
 * diag_add_key()); NULL node means the document as a whole.  Returns the
 * new finding, or NULL when the rule is turned off.
 */
struct diag *diag_add(struct diag_list *list, const struct rule *rule,
		      const struct doc_node *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
struct diag *diag_add_key(struct diag_list *list, const struct rule *rule,
			  const struct doc_node *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A finding about key missing from map parent: path "parent.key". */
struct diag *diag_add_missing(struct diag_list *list, const struct rule *rule,
			      const struct doc_node *parent, const char *key,
			      const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* A finding at an explicit position with an explicit path. */
struct diag *diag_add_at(struct diag_list *list, const struct rule *rule,
			 struct span span, const char *path,
			 const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Sets the hint of d (which may be NULL: then nothing happens); returns d. */
struct diag *diag_hint(struct diag_list *list, struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Attaches a fix of kind at node to d (which may be NULL, as may node,
 * and text unless the kind is FIX_QUOTE or FIX_UNQUOTE: then nothing
 * happens).  under and key serve FIX_ADD_ENTRY only (NULL
 * otherwise); text is copied.  Returns d.
 */
struct diag *diag_fix(struct diag_list *list, struct diag *d,
		      enum fix_kind kind, const struct doc_node *node,
		      const char *under, const char *key, const char *text);
/*
 * Attaches to d a fix that moves node's entry (whose key is name) into
 * the map to, or, with key set, into a new map key: made in node's own map
 * (then to must be that map).  into names the target for people.  Only
 * block maps are moved into: to must be a map.  Returns d.
 */
struct diag *diag_fix_move(struct diag_list *list, struct diag *d,
			   const struct doc_node *node, const char *name,
			   const struct doc_node *to, const char *key,
			   const char *into);
/*
 * Records what the service answers (code, details) in d, which may be NULL.
 * Returns d.
 */
struct diag *diag_reply(struct diag_list *list, struct diag *d,
			enum grpc_code code, int early_stopping,
			const char *details);
const char *grpc_code_name(enum grpc_code code);

/* Sorts by file, document, line, column, then insertion order. */
void diag_sort(struct diag_list *list);

const char *severity_name(enum severity sev);
/* Parses "error", "warning", "info", "off"; returns -1 if unknown. */
int severity_parse(const char *s, enum severity *out);

#endif
