/*
 * doc-json.h: documents as JSON text, the only file that knows cJSON.
 * Reading JSON files needs no second parser: JSON is YAML, and doc-yaml.c
 * keeps positions.  Writing uses cJSON, as Kubernetes objects go to API
 * clients, and so does reading the language server's messages and the
 * API server's answers, which need no positions and must be read fast.
 */
#ifndef KATIB_SRC_DOC_JSON_H
#define KATIB_SRC_DOC_JSON_H
#include <stddef.h>

struct doc_node;

/*
 * node as compact JSON, the way the API server encodes it (YAML 1.1
 * scalars become JSON numbers, booleans and null).  Caller frees.
 */
char *doc_to_json(const struct doc_node *node);
/* The same, indented for people. */
char *doc_to_json_pretty(const struct doc_node *node);

/*
 * Parses len bytes of JSON text (a protocol message, not a file: its
 * nodes carry no positions) into a new document; free with doc_free().
 * Integral numbers become DOC_INT, others DOC_FLOAT, both with their
 * text.  Returns NULL when the text is not one JSON value.
 */
struct doc *doc_from_json(const char *text, size_t len);

/*
 * The same, for an API server's answers, read many times faster than
 * libyaml reads them: a number keeps the text Go wrote for it (the
 * shortest that reads back the same), and where cJSON cannot give that
 * text (an integer beyond 2^53, a float Go writes with an exponent) it
 * returns NULL, and the caller reads the answer as YAML instead.
 */
struct doc *doc_from_json_exact(const char *text, size_t len);

#endif
