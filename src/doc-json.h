/*
 * doc-json.h: documents as JSON text, the only file that knows cJSON.
 * Reading JSON needs no second parser: JSON is YAML, and doc-yaml.c keeps
 * positions.  Writing uses cJSON, as Kubernetes objects go to API clients.
 */
#ifndef KATIB_SRC_DOC_JSON_H
#define KATIB_SRC_DOC_JSON_H

struct doc_node;

/*
 * node as compact JSON, the way the API server encodes it (YAML 1.1
 * scalars become JSON numbers, booleans and null).  Caller frees.
 */
char *doc_to_json(const struct doc_node *node);
/* The same, indented for people. */
char *doc_to_json_pretty(const struct doc_node *node);

#endif
