/*
 * libFuzzer target: the YAML loader and every rule.  Reads the input as a
 * stream, checks each document's tree invariants, validates it with the
 * default katib-config and throws the findings away.  Any crash, hang,
 * sanitizer report or leak is a bug.  The first byte picks the Katib
 * release (v0.15..v0.19), so version-gated paths are explored too.
 */
#include "compat.h"
#include "arena.h"
#include "diag.h"
#include "doc-yaml.h"
#include "katib-config.h"
#include "re.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc_limits lim = DOC_LIMITS_DEFAULT;
	struct katib_config cfg = katib_config_default;
	struct diag_list diags = DIAG_LIST_INIT;
	struct doc_reader *r;
	struct fail f = FAIL_INIT;
	struct doc *d;

	if (size) {
		cfg.minor = KATIB_MINOR_OLDEST + data[0] % (KATIB_MINOR_LATEST - KATIB_MINOR_OLDEST + 1);
		data++;
		size--;
	}
	/* Small limits keep each run fast and reach the limit paths. */
	lim.max_nodes = 20000;
	lim.max_alias_nodes = 2000;
	lim.max_depth = 64;
	doc_reader_open_mem(&r, "fuzz.yaml", (const char *)data, size, &lim);
	while (doc_reader_next(r, &d, &f) > 0) {
		const char *why;

		if (doc_check(d, &why))
			__builtin_trap();
		diags.file = "fuzz.yaml";
		diags.document = d->index;
		validate_doc(d, &cfg, NULL, &diags);
		diag_sort(&diags);
		diag_list_clear(&diags);
		doc_free(d);
	}
	doc_reader_free(r);
	diag_list_release(&diags);
	re_release();
	arena_drop_spare();
	return 0;
}
