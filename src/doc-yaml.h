/*
 * doc-yaml.h: reads YAML and JSON streams into struct doc, one document at
 * a time, with positions.  The only file that knows libyaml.
 *
 * The reader streams: it holds the bytes of the current document only, so
 * memory is bounded by the largest document, not by the stream.  A
 * document that cannot be read (syntax error, a limit) comes back as a doc
 * with ->error set and no root; the reader then resumes at the next "---"
 * line so the rest of the stream is still read.
 */
#ifndef KATIB_SRC_DOC_YAML_H
#define KATIB_SRC_DOC_YAML_H

#include <stddef.h>
#include <stdint.h>

#include "doc.h"
#include "fail.h"

struct doc_limits {
	uint64_t max_file_bytes;	/* whole stream; 0: unlimited */
	uint64_t max_doc_bytes;		/* one document */
	unsigned max_depth;		/* nesting of maps and lists */
	size_t max_nodes;		/* per document, aliases expanded */
	size_t max_alias_nodes;		/* nodes copied through aliases */
	size_t max_scalar;		/* bytes in one scalar */
	unsigned max_docs;		/* documents per stream */
	/*
	 * A limit's message names the option that raises it ("(--max-depth)")
	 * only for a command that has the options: validate.  A kubeconfig,
	 * a recording, an editor or the API server calling the webhook
	 * could do nothing with the name.
	 */
	bool name_options;
};

#define DOC_LIMITS_DEFAULT                                                    \
	{                                                                     \
		.max_file_bytes = (uint64_t)256 << 20,                        \
		.max_doc_bytes = (uint64_t)16 << 20,                          \
		.max_depth = 200,                                             \
		.max_nodes = 500000,                                          \
		.max_alias_nodes = 50000,                                     \
		.max_scalar = (size_t)4 << 20,                                \
		.max_docs = 1000000,                                          \
	}

struct doc_reader;

/*
 * Opens path ("-" reads stdin) for reading; name is how findings name it.
 * On failure returns -1 with *out NULL and f set (FAIL_IO/FAIL_NOT_FOUND).
 * Free with doc_reader_free().
 */
int doc_reader_open(struct doc_reader **out, const char *path,
		    const char *name, const struct doc_limits *lim,
		    struct fail *f);
/* The same over a memory buffer, which must outlive the reader. */
void doc_reader_open_mem(struct doc_reader **out, const char *name,
			 const char *data, size_t len,
			 const struct doc_limits *lim);

/*
 * Reads the next document into *out (free with doc_free()).  Its ->text
 * (for excerpts) lasts only until the next call; its nodes until
 * doc_free().  Returns 1 with
 * a document (possibly one with ->error set), 0 at the end of the stream,
 * or -1 when the input could not be read at all (I/O error; f is set).
 */
int doc_reader_next(struct doc_reader *r, struct doc **out, struct fail *f);
/*
 * Documents read from now on keep no source text (->text NULL, as one
 * from a server), so the reader need not hold a large document's bytes
 * while it builds the tree: for recordings, whose findings are never
 * shown with excerpts.
 */
void doc_reader_drop_text(struct doc_reader *r);
void doc_reader_free(struct doc_reader *r);

/*
 * Reads path ("-": stdin), which must hold exactly one document, into
 * *out (free with doc_free(); its ->text is NULL).  A document with a
 * syntax error is returned as such, with ->error set.  Returns 0, or -1
 * with f set when the file cannot be read, is empty or holds more.
 */
int doc_load_single(struct doc **out, const char *path,
		    const struct doc_limits *lim, struct fail *f);

/*
 * The source line of d containing byte offset off: sets *line and *len
 * (without the line break) and returns 0, or -1 when off is outside d.
 */
int doc_source_line(const struct doc *d, uint64_t off, const char **line,
		    size_t *len);

/*
 * The kind a plain (unquoted) scalar with this text resolves to under the
 * YAML 1.1 rules the API server applies: what a writer must quote.
 */
enum doc_kind doc_yaml_plain_kind(const char *s, size_t n);

#endif
