/*
 * libFuzzer target: the kubeconfig reader.  The input is written to a
 * file (kubeconfig_load() reads files, as kubectl does) and loaded with
 * no overrides; the second time with a context, cluster and user named
 * by the seeds, so the override paths run too.  Any crash, hang,
 * sanitizer report or leak is a bug.
 */
#include "compat.h"
#include "arena.h"
#include "kubeconfig.h"

#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[4096];

static void remove_file(void)
{
	unlink(path);
}

static void load(const struct kube_overrides *o)
{
	struct kube_config cfg;
	struct fail f = FAIL_INIT;

	if (!kubeconfig_load(&cfg, o, &f))
		kubeconfig_release(&cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kube_overrides o = { 0 };
	FILE *fp;

	if (!*path) {
		int fd;

		const char *tmp = getenv("TMPDIR");

		snprintf(path, sizeof(path), "%s/fuzz-kubeconfig.XXXXXX",
			 tmp && *tmp ? tmp : "/tmp");
		fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
		atexit(remove_file);
		/* Only the file's own settings count. */
		unsetenv("KUBERNETES_SERVICE_HOST");
		unsetenv("KUBECONFIG");
	}
	fp = fopen(path, "wb");
	if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp))
		abort();
	o.kubeconfig = path;
	load(&o);
	o.context = "kind";
	o.cluster = "c1";
	o.user = "u1";
	o.namespace = "team-a";
	load(&o);
	arena_drop_spare();
	return 0;
}
