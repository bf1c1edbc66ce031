/*
 * json-schema.h: the Experiment as a JSON Schema (draft-07, as
 * yaml-language-server reads it), for editors without our language
 * server: the types of src/schema-data.c with their descriptions, the
 * defaults and accepted values of src/field-notes.c, the name rules, and
 * a Job trial template's Job and Pod parts.
 */
#ifndef KATIB_SRC_JSON_SCHEMA_H
#define KATIB_SRC_JSON_SCHEMA_H

struct doc;
struct katib_config;

/*
 * The schema as a tree (free with doc_free()), for the Katib release and
 * algorithms of config (its minor and lists).
 */
struct doc *json_schema_experiment(const struct katib_config *config);

#endif
