#include "compat.h"
#include "levenshtein.h"

#include <strings.h>

size_t levenshtein(const char *a, size_t la, const char *b, size_t lb,
		   int fold_case)
{
	size_t row[64], i, j;

	if (la >= ARRAY_SIZE(row) || lb >= ARRAY_SIZE(row))
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			int ca = a[i - 1], cb = b[j - 1];
			size_t up = row[j], best;

			if (fold_case && ca >= 'A' && ca <= 'Z')
				ca += 'a' - 'A';
			if (fold_case && cb >= 'A' && cb <= 'Z')
				cb += 'a' - 'A';
			best = diag + (ca != cb);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *case_only_match(const char *s, const char *const *list)
{
	const char *found = NULL;

	for (; s && list && *list; list++)
		if (strcmp(s, *list) && !strcasecmp(s, *list)) {
			if (found)
				return NULL;	/* two spellings: not certain */
			found = *list;
		}
	return found;
}

const char *nearest_word(const char *s, const char *const *list)
{
	const char *best = NULL;
	size_t i, best_d = 3, len = strlen(s);
	int tie = 0;

	for (i = 0; list[i]; i++) {
		size_t d = levenshtein(s, len, list[i], strlen(list[i]), 1);

		if (d < best_d) {
			best_d = d;
			best = list[i];
			tie = 0;
		} else if (d == best_d) {
			tie = 1;
		}
	}
	return tie ? NULL : best;
}
