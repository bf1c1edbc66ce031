/*
 * libFuzzer target: what the API client does with a response body.  The
 * input is read as kube_get() reads a 200 answer (kube_parse_response),
 * its objects are taken in as a recording, and explain's snapshot and
 * diagnoses run over them, for the Experiment team-a/mnist the seeds
 * describe; the same bytes are then read as an error answer
 * (kube_api_error).  Any crash, hang, sanitizer report or leak is a bug.
 */
#include "compat.h"
#include "arena.h"
#include "diagnose.h"
#include "doc.h"
#include "katib-config.h"
#include "kube.h"
#include "re.h"
#include "recorded.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fail f = FAIL_INIT, ef = FAIL_INIT;
	struct recorded rec;
	struct snapshot snap;
	struct doc *d;

	/* Never a real directory, so no log file is ever read. */
	memset(&rec, 0, sizeof(rec));
	rec.dir = "fuzz-recording.invalid";
	if (!kube_parse_response((const char *)data, size, &d, &f)) {
		recorded_add(&rec, d);
		if (!snapshot_from_recorded(&rec, "team-a", "mnist", &snap, &f)) {
			struct diagnosis_list list;

			memset(&list, 0, sizeof(list));
			diagnose(&snap, &katib_config_default, &list);
			diagnosis_list_has_problem(&list);
			diagnosis_list_release(&list);
			snapshot_release(&snap);
		}
		recorded_release(&rec);
	}
	kube_api_error(500, (const char *)data, size, &ef);
	re_release();
	arena_drop_spare();
	return 0;
}
