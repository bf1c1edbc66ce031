/*
 * suppress.h: inline suppressions.  A YAML comment
 *
 *	# katib:ignore RULE[,RULE...] [reason]
 *
 * on the line of a finding, or alone on the line just above it, drops the
 * findings of those rules at that line.  "all" matches every rule.
 */
#ifndef KATIB_SRC_SUPPRESS_H
#define KATIB_SRC_SUPPRESS_H

#include <stddef.h>

struct diag_list;
struct doc;

/* Drops the suppressed findings among list->item[from..]; d gives the text. */
void suppress_apply(struct diag_list *list, size_t from, const struct doc *d);

#endif
