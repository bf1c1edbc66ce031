/*
 * field-notes.h: what Katib's OpenAPI document does not say about a
 * field and `explain FIELD` adds: the default Katib's defaulting webhook
 * fills in, and the values it accepts.
 */
#ifndef KATIB_SRC_FIELD_NOTES_H
#define KATIB_SRC_FIELD_NOTES_H

#include <stddef.h>

struct field_note {
	const char *path;	/* "spec.parallelTrialCount", in an Experiment */
	const char *dflt;	/* NULL: not defaulted */
	const char *accepts;	/* NULL: no fixed set */
	/* The accepted values are the katib-config's: 1 algorithms, 2 early stopping. */
	int config_list;
};

/* The i-th note, or NULL past the last (to go through them all). */
const struct field_note *field_note_at(size_t i);

/* The note for path (without the leading kind), or NULL. */
const struct field_note *field_note_find(const char *path);

#endif
