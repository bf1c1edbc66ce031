#include "compat.h"
#include "harness.h"
#include "fail.h"
#include "kubeconfig.h"

#include <unistd.h>

/* Loads the kubeconfig text from a file of its own; returns what
 * kubeconfig_load() does, with cfg to release when it is 0. */
static int load(const char *text, struct kube_config *cfg, struct fail *f)
{
	const char *dir = getenv("TMPDIR");
	struct kube_overrides o = { NULL, NULL, NULL, NULL, NULL };
	char path[4096];
	FILE *fp;
	int fd, rc;

	snprintf(path, sizeof(path), "%s/kubeconfig.XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	OK(fd >= 0, "a temporary kubeconfig can be made");
	if (fd < 0)
		return -2;
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
	o.kubeconfig = path;
	rc = kubeconfig_load(cfg, &o, f);
	unlink(path);
	return rc;
}

#define CONFIG_WITH(user)                                                    \
	"apiVersion: v1\nkind: Config\n"                                     \
	"clusters: [{name: c, cluster: {server: 'https://h:6443',\n"         \
	"  certificate-authority-data: Pz8/Pz8_}}]\n"                        \
	"users: [{name: u, user: " user "}]\n"                               \
	"contexts: [{name: x, context: {cluster: c, user: u}}]\n"            \
	"current-context: x\n"

void test_kubeconfig(void)
{
	struct kube_config cfg;
	struct fail f = FAIL_INIT;
	int rc;

	/* Both base64 alphabets: '/' (standard) and '_' (URL-safe) are 63. */
	rc = load(CONFIG_WITH("{token: t}"), &cfg, &f);
	INT_EQ(rc, 0, "a kubeconfig with CA data loads");
	if (!rc) {
		STR_EQ(cfg.ca_data, "??????", "the CA data, decoded from either alphabet");
		STR_EQ(cfg.namespace, "default", "no namespace in the context");
		kubeconfig_release(&cfg);
	}

	/* Data that is not base64 stops the load, saying where. */
	f = (struct fail)FAIL_INIT;
	rc = load(CONFIG_WITH("{client-certificate-data: 'not base64!'}"), &cfg, &f);
	OK(rc < 0, "client-certificate-data that is not base64 fails the load");
	OK(strstr(f.msg, "client-certificate-data") != NULL,
	   "the message names the field: %s", f.msg);
	if (!rc)
		kubeconfig_release(&cfg);

	/* A file that is not YAML is not taken for an empty kubeconfig. */
	f = (struct fail)FAIL_INIT;
	rc = load("clusters: [\n  - {name: c\n", &cfg, &f);
	OK(rc < 0, "a kubeconfig that does not parse fails the load");
	OK(strstr(f.msg, "is not a kubeconfig: line ") != NULL,
	   "the message says so, with the line: %s", f.msg);
	if (!rc)
		kubeconfig_release(&cfg);
}
