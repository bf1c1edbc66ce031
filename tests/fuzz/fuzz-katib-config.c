/*
 * libFuzzer target: a katib-config (the ConfigMap or its config.yaml, as
 * --katib-config and --cluster-facts read it).  A config that loads is
 * then asked what validation asks of it.  Any crash, hang, sanitizer
 * report or leak is a bug.
 */
#include "compat.h"
#include "arena.h"
#include "katib-config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct katib_config cfg;
	struct fail f = FAIL_INIT;
	size_t i;

	if (katib_config_load_text(&cfg, "fuzz.yaml", (const char *)data, size, &f))
		return 0;
	for (i = 0; cfg.algorithms && cfg.algorithms[i]; i++) {
		katib_config_service(&cfg, cfg.algorithms[i]);
		katib_config_image(cfg.algorithms, cfg.algorithm_images, cfg.algorithms[i]);
	}
	if (cfg.early_stoppings)
		katib_config_join(cfg.early_stoppings);
	if (cfg.collectors)
		katib_config_join(cfg.collectors);
	if (cfg.trial_resources)
		katib_config_has(cfg.trial_resources, "Job.v1.batch");
	katib_config_release(&cfg);
	arena_drop_spare();
	return 0;
}
