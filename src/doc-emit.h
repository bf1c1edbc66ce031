/*
 * doc-emit.h: documents written back as YAML, block style, the way people
 * write Kubernetes manifests.  Every string that a YAML 1.1 reader would
 * take for something else ("yes", "0.01", "1e3", "", ": x") is quoted, so
 * what is written reads back as the same tree.
 */
#ifndef KATIB_SRC_DOC_EMIT_H
#define KATIB_SRC_DOC_EMIT_H

struct buf;
struct doc_node;

/* Appends node as a YAML document (no "---" line) to out. */
void doc_emit_yaml(const struct doc_node *node, struct buf *out);

/* Appends one scalar string, quoted only when it must be. */
void doc_emit_yaml_str(const char *s, size_t len, struct buf *out);

#endif
