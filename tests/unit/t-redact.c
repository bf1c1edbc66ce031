#include "compat.h"
#include <ctype.h>
#include "harness.h"
#include "alloc.h"
#include "buf.h"
#include "doc-emit.h"
#include "doc-yaml.h"
#include "fail.h"
#include "redact.h"

/*
 * Redacts one YAML object and returns it written back as YAML (free it);
 * *dropped tells whether the object was dropped.
 */
static char *redact_yaml(struct redactor *r, const char *yaml,
			 const char *where, int *dropped)
{
	struct fail f = FAIL_INIT;
	struct doc *d = harness_parse(yaml);
	struct buf out = BUF_INIT;
	const char *why = NULL;
	int rc;

	OK(d != NULL, "%s parses", where);
	if (!d)
		return xstrdup("");
	rc = redact_object(r, d, d->root, where, &f);
	OK(rc >= 0, "%s: redact_object succeeds%s%s", where, rc < 0 ? ": " : "",
	   rc < 0 ? f.msg : "");
	OK(!doc_check(d, &why), "%s: the tree stays consistent%s%s", where,
	   why ? ": " : "", why ? why : "");
	if (dropped)
		*dropped = rc == 1;
	doc_emit_yaml(d->root, &out);
	doc_free(d);
	return buf_detach(&out, NULL);
}

static char *redact_str(struct redactor *r, const char *text, const char *where)
{
	struct fail f = FAIL_INIT;
	struct buf out = BUF_INIT;

	OK(!redact_text(r, text, strlen(text), where, &out, &f),
	   "%s: redact_text succeeds", where);
	return buf_detach(&out, NULL);
}

static struct redactor *new_redactor(void)
{
	struct redactor *r;
	struct fail f = FAIL_INIT;

	if (redactor_new(&r, NULL, 0, &f))
		return NULL;
	return r;
}

/* The entry whose at (field path or line) is at, or NULL. */
static const struct redact_entry *entry_at(const struct redactor *r,
					   const char *at)
{
	const struct redact_entry *e;
	size_t n = redactor_entries(r, &e), i;

	for (i = 0; i < n; i++)
		if (!strcmp(e[i].at, at))
			return &e[i];
	return NULL;
}

static void expect_entry(const struct redactor *r, const char *at,
			 const char *reason, const char *placeholder)
{
	const struct redact_entry *e = entry_at(r, at);

	OK(e != NULL, "an entry for %s", at);
	if (!e)
		return;
	STR_EQ(e->reason, reason, at);
	if (placeholder)
		STR_EQ(e->placeholder, placeholder, at);
}

static size_t nr_entries(const struct redactor *r)
{
	const struct redact_entry *e;

	return redactor_entries(r, &e);
}

static const char jwt[] =
	"eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9."
	"eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ."
	"c2lnbmF0dXJlLWJ5dGVz_-x";

static void test_keys(void)
{
	struct redactor *r = new_redactor();
	char *y;
	static const char *const secret_keys[] = {
		"token", "password", "passwd", "secret", "apiKey", "api_key",
		"accessKey", "secretKey", "privateKey", "clientSecret",
		"credentials", "auth", "authorization", "bearer",
		"client-key-data", "client-certificate-data",
		"certificate-authority-data", "kubeconfig", "AWS_SECRET_ACCESS_KEY",
		"access_token", "X-Api-Key",
	};
	struct buf in = BUF_INIT, at = BUF_INIT;
	size_t i;

	buf_adds(&in, "kind: ConfigMap\nmetadata: {name: cm, namespace: ns}\ndata:\n");
	for (i = 0; i < ARRAY_SIZE(secret_keys); i++)
		buf_addf(&in, "  %s: value-%zu-xyz\n", secret_keys[i], i);
	y = redact_yaml(r, in.buf, "cm.yaml", NULL);
	for (i = 0; i < ARRAY_SIZE(secret_keys); i++) {
		char v[32], reason[96];

		snprintf(v, sizeof(v), "value-%zu-xyz", i);
		OK(!strstr(y, v), "the value of %s is gone", secret_keys[i]);
		buf_reset(&at);
		buf_addf(&at, strchr(secret_keys[i], '-') ? "data[%s]" : "data.%s",
			 secret_keys[i]);
		snprintf(reason, sizeof(reason), "value of key %s",
			 secret_keys[i]);
		expect_entry(r, at.buf, reason, NULL);
	}
	OK(strstr(y, "password: REDACTED-2\n") != NULL,
	   "placeholders count in order of first sight: %s", y);
	INT_EQ(nr_entries(r), ARRAY_SIZE(secret_keys), "one entry per secret");
	free(y);
	buf_release(&in);
	buf_release(&at);
	redactor_free(r);
}

static void test_false_positives(void)
{
	struct redactor *r = new_redactor();
	static const char obj[] =
		"apiVersion: kubeflow.org/v1beta1\n"
		"kind: Experiment\n"
		"metadata: {name: e, namespace: ns}\n"
		"spec:\n"
		"  parameters:\n"
		"  - name: tokenizer\n"
		"    parameterType: categorical\n"
		"    feasibleSpace: {list: [bert, gpt2]}\n"
		"  - name: max_tokens\n"
		"    parameterType: int\n"
		"    feasibleSpace: {min: '128', max: '512'}\n"
		"  trialTemplate:\n"
		"    trialSpec:\n"
		"      spec:\n"
		"        template:\n"
		"          spec:\n"
		"            automountServiceAccountToken: false\n"
		"            volumes:\n"
		"            - name: creds\n"
		"              secret: {secretName: aws-creds}\n"
		"            - name: sa\n"
		"              projected:\n"
		"                sources:\n"
		"                - serviceAccountToken: {path: token, expirationSeconds: 3600}\n"
		"            containers:\n"
		"            - name: train\n"
		"              args: [--learning-rate=0.01, '--tokenizer=${trialParameters.tokenizer}', --token-file, /var/run/token, --batch-size, '32']\n"
		"              env:\n"
		"              - {name: TOKENIZERS_PARALLELISM, value: 'false'}\n"
		"              - {name: USE_AUTH_TOKEN, value: 'true'}\n"
		"              - {name: PASSWORD_FILE, value: /etc/db/password}\n"
		"              - name: DB_PASSWORD\n"
		"                valueFrom: {secretKeyRef: {name: db, key: password}}\n"
		"              envFrom:\n"
		"              - secretRef: {name: wandb}\n"
		"              - configMapRef: {name: settings}\n"
		"            tokenExpirationSeconds: 600\n"
		"            passwordSecretRef: {name: pw}\n"
		"            key: some-key\n"
		"            token: ''\n"
		"            password: ${DB_PASSWORD}\n";
	char *y = redact_yaml(r, obj, "exp.yaml", NULL);
	struct buf want = BUF_INIT;
	struct doc *d = harness_parse(obj);

	doc_emit_yaml(d->root, &want);
	STR_EQ(y, want.buf, "harmless keys, names of secrets and references are kept");
	INT_EQ(nr_entries(r), 0, "nothing is reported");
	doc_free(d);
	buf_release(&want);
	free(y);
	redactor_free(r);
}

static void test_env_and_args(void)
{
	struct redactor *r = new_redactor();
	static const char pod[] =
		"kind: Pod\n"
		"metadata: {name: p, namespace: ns}\n"
		"spec:\n"
		"  containers:\n"
		"  - name: c\n"
		"    env:\n"
		"    - {name: AWS_ACCESS_KEY_ID, value: not-an-akia-id}\n"
		"    - {name: LOG_LEVEL, value: debug}\n"
		"    - {name: AWS_SECRET_ACCESS_KEY, value: wJalrXUtnFEMI/K7MDENG}\n"
		"    - {name: WANDB_API_KEY, value: wandb-0123456789}\n"
		"    - {name: HF_TOKEN, value: hf_abcdefghij}\n"
		"    - {name: DB_PASSWORD, value: hunter2hunter2}\n"
		"    - {name: GITHUB_TOKEN, value: plain-gh-token-1}\n"
		"    command: [python, train.py, --token=abc123secret, --password, s3cr3t-pw,\n"
		"              'Authorization: Bearer tok3n-value-xyz', Bearer other-tok3n-99,\n"
		"              'sh -c \"run --api-key k3y-in-shell-1\"', --learning-rate=0.01]\n"
		"  tips: ['pass --token carefully-worded']\n";
	char *y = redact_yaml(r, pod, "pod.yaml", NULL);
	static const char *const gone[] = {
		"wJalrXUtnFEMI", "wandb-0123456789", "hf_abcdefghij",
		"hunter2hunter2", "plain-gh-token-1", "abc123secret",
		"s3cr3t-pw", "tok3n-value-xyz", "other-tok3n-99",
		"k3y-in-shell-1",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(gone); i++)
		OK(!strstr(y, gone[i]), "%s is redacted", gone[i]);
	OK(strstr(y, "not-an-akia-id") && strstr(y, "debug") &&
	   strstr(y, "--learning-rate=0.01"), "other env and args are kept");
	OK(strstr(y, "pass --token carefully-worded"),
	   "'--flag value' is an argument only in args and command, not in any list: %s", y);
	expect_entry(r, "spec.containers[0].env[2].value",
		     "env value of AWS_SECRET_ACCESS_KEY", "REDACTED-1");
	expect_entry(r, "spec.containers[0].env[3].value",
		     "env value of WANDB_API_KEY", "REDACTED-2");
	expect_entry(r, "spec.containers[0].env[4].value",
		     "env value of HF_TOKEN", NULL);
	expect_entry(r, "spec.containers[0].env[5].value",
		     "env value of DB_PASSWORD", NULL);
	expect_entry(r, "spec.containers[0].command[2]",
		     "value of argument --token", NULL);
	expect_entry(r, "spec.containers[0].command[4]",
		     "value of argument --password", NULL);
	expect_entry(r, "spec.containers[0].command[5]", "Bearer token", NULL);
	expect_entry(r, "spec.containers[0].command[6]", "Bearer token", NULL);
	expect_entry(r, "spec.containers[0].command[7]",
		     "value of argument --api-key", NULL);
	OK(strstr(y, "--token=REDACTED-") && strstr(y, "Authorization: Bearer REDACTED-"),
	   "the flag and the scheme stay, only the value goes: %s", y);
	free(y);
	redactor_free(r);
}

static void test_string_shapes(void)
{
	struct redactor *r = new_redactor();
	static const char cm[] =
		"kind: ConfigMap\n"
		"metadata: {name: cm, namespace: ns}\n"
		"data:\n"
		"  jwt: 'x eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJlLWJ5dGVz_-x y'\n"
		"  pem: |\n"
		"    before\n"
		"    -----BEGIN RSA PRIVATE KEY-----\n"
		"    MIIEowIBAAKCAQEA7\n"
		"    -----END RSA PRIVATE KEY-----\n"
		"    after\n"
		"  cert: \"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\"\n"
		"  aws: key AKIAIOSFODNN7EXAMPLE here\n"
		"  gh: ghp_0123456789abcdefghijklmnopqrstuvwxyz\n"
		"  pat: github_pat_11ABCDEFG0123456789_abcdefghijklmnop\n"
		"  slack: xoxb-123456789012-abcdefghij\n"
		"  url: https://user:p4ssw0rd@registry.example.com/v2/\n"
		"  url2: https://registry.example.com/v2/\n"
		"  config.yaml: |\n"
		"    users:\n"
		"    - name: u\n"
		"      user:\n"
		"        token: kubeconfig-tok-1\n"
		"        client-key-data: LS0tLS1CRUdJTi\n"
		"    db:\n"
		"      password: \"two words\"\n"
		"    tokens per second: 512\n";
	char *y = redact_yaml(r, cm, "cm.yaml", NULL);
	static const char *const gone[] = {
		"eyJhbGci", "MIIEowIBAAKCAQEA7", "MIIB", "AKIAIOSFODNN7EXAMPLE",
		"ghp_0123", "github_pat_", "xoxb-", "p4ssw0rd",
		"kubeconfig-tok-1", "LS0tLS1CRUdJTi", "two words",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(gone); i++)
		OK(!strstr(y, gone[i]), "%s is redacted", gone[i]);
	OK(strstr(y, "before\\nREDACTED-2\\nafter\\n") && strstr(y, "x REDACTED-1 y") &&
	   strstr(y, "key REDACTED-") && strstr(y, "https://user:REDACTED-") &&
	   strstr(y, "https://registry.example.com/v2/\n") &&
	   strstr(y, "tokens per second: 512"),
	   "what surrounds a secret is kept: %s", y);
	expect_entry(r, "data.jwt", "JWT", "REDACTED-1");
	expect_entry(r, "data.pem", "PEM private key", "REDACTED-2");
	expect_entry(r, "data.cert", "PEM CERTIFICATE block", NULL);
	expect_entry(r, "data.aws", "AWS access key id", NULL);
	expect_entry(r, "data.gh", "GitHub token", NULL);
	expect_entry(r, "data.pat", "GitHub token", NULL);
	expect_entry(r, "data.slack", "Slack token", NULL);
	expect_entry(r, "data.url", "URL password", NULL);
	expect_entry(r, "data[config.yaml]", "value of key token", NULL);
	free(y);
	redactor_free(r);
}

static void test_last_applied_and_stability(void)
{
	struct redactor *r = new_redactor();
	static const char job[] =
		"kind: Job\n"
		"metadata:\n"
		"  name: j\n"
		"  namespace: ns\n"
		"  annotations:\n"
		"    kubectl.kubernetes.io/last-applied-configuration: |\n"
		"      {\"kind\":\"Job\",\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"env\":[{\"name\":\"HF_TOKEN\",\"value\":\"hf-live-token-123\"},{\"name\":\"MODE\",\"value\":\"fast\"}],\"args\":[\"--x\",\"opaque-but-known-99\"],\"password\":\"json-pw-1\"}]}}}}\n"
		"spec:\n"
		"  template:\n"
		"    spec:\n"
		"      containers:\n"
		"      - name: c\n"
		"        args: [--x, opaque-but-known-99]\n"
		"        env:\n"
		"        - {name: HF_TOKEN, value: hf-live-token-123}\n"
		"        - {name: SECRET, value: opaque-but-known-99}\n";
	static const char pod[] =
		"kind: Pod\n"
		"metadata: {name: p, namespace: ns}\n"
		"spec:\n"
		"  containers:\n"
		"  - name: c\n"
		"    env:\n"
		"    - {name: HF_TOKEN, value: hf-live-token-123}\n";
	char *y1 = redact_yaml(r, job, "job.yaml", NULL);
	char *y2 = redact_yaml(r, pod, "pod.yaml", NULL);
	char *log = redact_str(r, "step 1\nusing token hf-live-token-123 for the hub\n"
			       "Authorization: Bearer n3w-t0ken-abc\n", "trial.log");
	char *y3;

	OK(!strstr(y1, "hf-live-token-123") && !strstr(y1, "json-pw-1") &&
	   !strstr(y1, "opaque-but-known-99"),
	   "the annotation's JSON copy is redacted too: %s", y1);
	OK(strstr(y1, "\\\"MODE\\\",\\\"value\\\":\\\"fast\\\"") ||
	   strstr(y1, "\"MODE\",\"value\":\"fast\""),
	   "harmless env in the annotation is kept");
	expect_entry(r, "spec.template.spec.containers[0].env[0].value",
		     "env value of HF_TOKEN", "REDACTED-1");
	expect_entry(r, "metadata.annotations[kubectl.kubernetes.io/last-applied-configuration]",
		     "env value of HF_TOKEN", "REDACTED-1");
	OK(strstr(y2, "value: REDACTED-1"), "the same value has the same placeholder in another object");
	STR_EQ(log, "step 1\nusing token REDACTED-1 for the hub\n"
	       "Authorization: Bearer REDACTED-4\n",
	       "and in a log, bare, once it was seen in an object");
	expect_entry(r, "line 2", "known secret value", "REDACTED-1");
	expect_entry(r, "line 3", "Bearer token", "REDACTED-4");

	/* Idempotence: redacting the output again changes nothing. */
	{
		size_t before = nr_entries(r);
		struct redactor *fresh = new_redactor();
		char *again = redact_yaml(r, y1, "job.yaml", NULL);
		char *again2 = redact_yaml(fresh, y1, "job.yaml", NULL);
		char *log2 = redact_str(r, log, "trial.log");

		STR_EQ(again, y1, "a second pass over an object changes nothing");
		STR_EQ(again2, y1, "nor does a pass with a new redactor");
		STR_EQ(log2, log, "a second pass over text changes nothing");
		INT_EQ(nr_entries(r), before, "and reports nothing new");
		INT_EQ(nr_entries(fresh), 0, "a new redactor reports nothing");
		free(again);
		free(again2);
		free(log2);
		redactor_free(fresh);
	}
	y3 = redact_yaml(r, pod, "pod2.yaml", NULL);
	STR_EQ(y3, y2, "the same object redacts the same way later");
	free(y1);
	free(y2);
	free(y3);
	free(log);
	redactor_free(r);
}

static void test_secrets_dropped(void)
{
	struct redactor *r = new_redactor();
	struct buf rep = BUF_INIT;
	int dropped = 0;
	char *y;

	y = redact_yaml(r, "apiVersion: v1\nkind: Secret\nmetadata: {name: aws, namespace: team}\n"
			"data: {key: c2VjcmV0}\n", "secret.yaml", &dropped);
	OK(dropped, "a Secret is dropped");
	free(y);
	y = redact_yaml(r, "apiVersion: v1\nkind: List\nitems:\n"
			"- {kind: ConfigMap, metadata: {name: a}, data: {x: '1'}}\n"
			"- {kind: Secret, metadata: {name: s, namespace: team}, data: {k: dg==}}\n"
			"- {kind: ConfigMap, metadata: {name: b}, data: {password: pw-in-list-1}}\n",
			"list.yaml", &dropped);
	OK(!dropped, "a List is kept");
	OK(!strstr(y, "Secret") && !strstr(y, "dg==") && strstr(y, "name: a") &&
	   strstr(y, "name: b") && !strstr(y, "pw-in-list-1"),
	   "without its Secret items: %s", y);
	/* a redaction's path is in the output, where the Secret is gone */
	expect_entry(r, "items[1].data.password", "value of key password", NULL);
	free(y);
	y = redact_yaml(r, "kind: SecretList\nitems: []\n", "sl.yaml", &dropped);
	OK(dropped, "a SecretList is dropped");
	free(y);
	redactor_report(r, &rep);
	STR_EQ(rep.buf,
	       "secret.yaml: dropped Secret team/aws\n"
	       "list.yaml items[1]: dropped Secret team/s\n"
	       "list.yaml items[1].data.password: value of key password -> REDACTED-1\n"
	       "sl.yaml: dropped SecretList (unnamed)\n",
	       "the report has one line per entry, in order, and no values");
	buf_release(&rep);
	redactor_free(r);
}

static void test_text(void)
{
	struct redactor *r = new_redactor();
	static const char log[] =
		"epoch 1: tokens per second: 512\n"
		"loading tokenizer: bert-base\n"
		"the bearer token was refused\n"
		"config: {\"token\": \"t0k-in-json\", \"max_tokens\": 512}\n"
		"-----BEGIN PRIVATE KEY-----\n"
		"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n"
		"-----END PRIVATE KEY-----\n"
		"password=pw1234567 user=bob\n"
		"escaped {\\\"password\\\":\\\"esc-pw-99\\\"}\n"
		"--learning-rate=0.01 --token abc\n"
		"last line without newline token: tail-tok-1";
	char *out = redact_str(r, log, "trial.log");
	struct buf rep = BUF_INIT;
	size_t lines = 0, i;

	for (i = 0; out[i]; i++)
		lines += out[i] == '\n';
	INT_EQ(lines, 10, "line numbers stay valid: a PEM block keeps its line breaks");
	OK(strstr(out, "epoch 1: tokens per second: 512\nloading tokenizer: bert-base\n"
		  "the bearer token was refused\n"),
	   "prose with the words token and bearer is kept: %s", out);
	OK(strstr(out, "\"max_tokens\": 512") && !strstr(out, "t0k-in-json") &&
	   !strstr(out, "MIIEv") && !strstr(out, "pw1234567") &&
	   strstr(out, "user=bob") && !strstr(out, "esc-pw-99") &&
	   !strstr(out, "tail-tok-1") && strstr(out, "--token abc"),
	   "secrets in text are redacted, a --flag value only in args: %s", out);
	redactor_report(r, &rep);
	STR_EQ(rep.buf,
	       "trial.log line 4: value of key token -> REDACTED-1\n"
	       "trial.log line 5: PEM private key -> REDACTED-2\n"
	       "trial.log line 8: value of key password -> REDACTED-3\n"
	       "trial.log line 9: value of key password -> REDACTED-4\n"
	       "trial.log line 11: value of key token -> REDACTED-5\n",
	       "text entries name lines");
	buf_release(&rep);
	free(out);

	/* A private key cut off by the end of the log is still redacted. */
	out = redact_str(r, "x\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI\nABCD", "cut.log");
	STR_EQ(out, "x\nREDACTED-6\n\n", "a truncated private key is redacted to the end");
	free(out);
	redactor_free(r);
}

/* Whether s is a DNS-1035 label (what Katib asks of an Experiment name). */
static int dns1035(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n > 63 || !islower((unsigned char)s[0]) || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
		    s[i] != '-')
			return 0;
	return 1;
}

/*
 * What a user's pattern matches may be a name or an image: its
 * placeholder keeps its shape, so the verdicts on it stay the same.
 */
static void test_shaped_placeholders(void)
{
	struct redactor *r;
	struct fail f = FAIL_INIT;
	const char *pats[] = { "acme[a-z0-9-]*", "sha256:([0-9a-f]+)", "Corp" };
	char *out, *a, *b;

	OK(!redactor_new(&r, pats, 3, &f), "user patterns compile");
	out = redact_yaml(r,
		"metadata: {name: acme-lr-0, namespace: acme-ml}\n"
		"spec:\n"
		"  image: registry.acme-corp.io:5000/ml/train:v2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
		"  team: AcmeCorp\n",
		"shape.yaml", NULL);
	a = strstr(out, "name: ");
	b = strstr(out, "namespace: ");
	OK(a && b, "the names are kept: %s", out);
	if (a && b) {
		char name[64] = "", ns[64] = "";

		sscanf(a + 6, "%63[^,}\n]", name);
		sscanf(b + 11, "%63[^,}\n]", ns);
		OK(dns1035(name) && strlen(name) == strlen("acme-lr-0") && strcmp(name, "acme-lr-0"),
		   "a redacted name is a DNS-1035 label of the same length: %s", name);
		OK(dns1035(ns) && strlen(ns) == strlen("acme-ml") && strcmp(ns, name),
		   "another name of the same shape gets another placeholder: %s", ns);
	}
	OK(!strstr(out, "acme") && strstr(out, "registry.") && strstr(out, ".io:5000/ml/train:v2@sha256:"),
	   "the image keeps its grammar around what was redacted: %s", out);
	a = strstr(out, "sha256:");
	OK(a && strspn(a + 7, "0123456789abcdef") == 64,
	   "a redacted digest is still 64 hex digits: %s", a ? a : out);
	OK(strstr(out, "team: AcmeC") == NULL && strstr(out, "team: Acme") && strstr(out, "Corp") == NULL,
	   "letters keep their case: %s", out);
	free(out);
	redactor_free(r);
}

static void test_user_patterns(void)
{
	struct redactor *r;
	struct fail f = FAIL_INIT;
	const char *pats[] = { "internal-[0-9]{4}", "tenant=(\\w+)", "x*" };
	const char *bad[] = { "ok", "(unclosed" };
	char *out;

	OK(!redactor_new(&r, pats, 3, &f), "user patterns compile");
	out = redact_str(r, "host internal-1234 tenant=acme end\n", "u.log");
	STR_EQ(out, "host bredacte-1111 tenant=cred end\n",
	       "the whole match, or group 1 when the pattern has one, by a placeholder of its shape; empty matches are ignored");
	expect_entry(r, "line 1", "user pattern 1", "bredacte-1111");
	free(out);
	out = redact_str(r, "host bredacte-1111 tenant=cred end\n", "u.log");
	STR_EQ(out, "host bredacte-1111 tenant=cred end\n",
	       "a user pattern never matches a placeholder");
	free(out);
	redactor_free(r);
	test_shaped_placeholders();

	OK(redactor_new(&r, bad, 2, &f) == -1 && r == NULL, "a bad pattern is refused");
	INT_EQ(f.kind, FAIL_USAGE, "as a usage error");
	OK(strstr(f.msg, "pattern 2") && strstr(f.msg, "(unclosed") &&
	   strstr(f.msg, "missing closing parenthesis"),
	   "naming the pattern and why: %s", f.msg);
}

static void test_hostile_text(void)
{
	struct redactor *r = new_redactor();
	struct fail f = FAIL_INIT;
	struct buf in = BUF_INIT, out = BUF_INIT;
	size_t i;
	uint32_t x = 12345;
	static const char tail[] = "\0\0token: bin-tok-12345\n\x80\x80";

	/* 2 MB of separators and words: many candidate starts, one secret */
	for (i = 0; i < 200000; i++)
		buf_adds(&in, "a.token-");
	buf_adds(&in, " ");
	buf_adds(&in, jwt);
	for (i = 0; i < 20000; i++)
		buf_adds(&in, "password");
	OK(!redact_text(r, in.buf, in.len, "long.log", &out, &f),
	   "a 2 MB line is redacted: %s", f.msg);
	OK(!strstr(out.buf, "eyJhbGci") && strstr(out.buf, "REDACTED-1"),
	   "and its secret is found");
	buf_reset(&out);

	/* binary: NULs, invalid UTF-8, and a secret in the middle */
	buf_reset(&in);
	for (i = 0; i < 65536; i++) {
		x = x * 1103515245 + 12345;
		buf_addch(&in, (int)(x >> 16) & 0xff);
	}
	buf_adds(&in, " AKIAIOSFODNN7EXAMPLE \xff\xfe\xc3");
	buf_add(&in, tail, sizeof(tail) - 1);
	OK(!redact_text(r, in.buf, in.len, "bin.log", &out, &f),
	   "binary text is redacted: %s", f.msg);
	OK(!memmem(out.buf, out.len, "AKIAIOSFODNN7EXAMPLE", 20) &&
	   !memmem(out.buf, out.len, "bin-tok-12345", 13),
	   "secrets amid invalid UTF-8 and NULs are found");
	OK(out.len >= 65536 && !memcmp(out.buf, in.buf, 1000),
	   "the bytes around them are kept");
	buf_release(&in);
	buf_release(&out);
	redactor_free(r);
}

/*
 * A secret seen once in an object is replaced wherever it appears again,
 * down to MIN_KNOWN_VALUE bytes; a shorter one only where a rule finds
 * it, since a short string recurs by chance.  Both sides of the bound.
 */
static void test_known_value_length(void)
{
	struct redactor *r = new_redactor();
	static const char pod[] =
		"kind: Pod\n"
		"metadata: {name: p, namespace: ns}\n"
		"spec:\n"
		"  containers:\n"
		"  - name: c\n"
		"    env:\n"
		"    - {name: DB_PASSWORD, value: pw-12345}\n"
		"    - {name: API_TOKEN, value: tk-1234}\n";
	char *y = redact_yaml(r, pod, "pod.yaml", NULL);
	char *log = redact_str(r, "connect with pw-12345 then pw-12345\nsent tk-1234\n",
			       "trial.log");

	OK(!strstr(y, "pw-12345") && !strstr(y, "tk-1234"),
	   "both are redacted where a rule finds them: %s", y);
	STR_EQ(log, "connect with REDACTED-1 then REDACTED-1\nsent tk-1234\n",
	       "an 8-byte secret is replaced at each later sight, a 7-byte one is not");
	expect_entry(r, "line 1", "known secret value", "REDACTED-1");
	free(y);
	free(log);
	redactor_free(r);
}

void test_redact(void)
{
	test_keys();
	test_false_positives();
	test_env_and_args();
	test_string_shapes();
	test_last_applied_and_stability();
	test_known_value_length();
	test_secrets_dropped();
	test_text();
	test_user_patterns();
	test_hostile_text();
}
