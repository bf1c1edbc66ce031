/*
 * redact.h: removes secrets from Kubernetes objects and from text (pod
 * logs, files) before they leave the machine, e.g. in a bundle attached to
 * a public issue.
 *
 * A secret is replaced by a placeholder REDACTED-<n>, numbered in order of
 * first sight.  Within one redactor the same value always gets the same
 * placeholder, in objects, logs and files alike, so a reader can still see
 * that the token in a pod's env is the one in its log.  The number is never
 * derived from the value (a hash of a short password could be brute-forced).
 *
 * What a user's pattern matches may be a name, a namespace or an image,
 * whose shape verdicts depend on (DNS labels, lengths, reference grammar):
 * it gets a placeholder of its shape instead (see shaped_placeholder() in
 * redact.c), so a redacted scenario replays with the original's verdicts.
 *
 * Redaction is idempotent: a placeholder is never taken for a secret, so
 * redacting redacted output changes nothing and reports nothing (for a
 * shaped placeholder, within one redactor: nothing marks it as one).
 *
 * What counts as a secret:
 *  - the value of a map key that names a credential (token, password,
 *    secret, apiKey, accessKey, privateKey, clientSecret, credentials,
 *    auth, authorization, bearer, kubeconfig, client-key-data, ...): the
 *    key is split into words (camelCase, snake_case, kebab-case) and its
 *    last word(s) decide, so secretName, secretRef, tokenFile and
 *    tokenExpirationSeconds, which name a secret, are kept;
 *  - the value of an env entry {name: X, value: Y} whose name X names a
 *    credential by the same rule (DB_PASSWORD, HF_TOKEN, WANDB_API_KEY);
 *  - in args and command lists: --token=V, and V after a lone --password;
 *  - anywhere in any string, and on each line of text: JWTs, PEM blocks,
 *    AWS access key ids, GitHub and Slack tokens, Bearer tokens, the
 *    password of a URL's user:password@, "token: V" / "password=V" /
 *    "client-key-data: V" (kubeconfig or JSON inside text, e.g. the
 *    last-applied-configuration annotation), and the user's patterns;
 *  - any occurrence of a value already redacted (8 bytes or longer), so a
 *    token printed bare in a log is caught once the env that holds it was
 *    redacted: redact objects before logs.
 * Objects of kind Secret (and SecretList) are dropped whole, and so are
 * Secret items of a List.
 */
#ifndef KATIB_SRC_REDACT_H
#define KATIB_SRC_REDACT_H

#include <stddef.h>

struct buf;
struct doc;
struct doc_node;
struct fail;

struct redactor;

/* One redaction (or dropped object); never holds the secret itself. */
struct redact_entry {
	const char *where;	/* the caller's label, e.g. a file name */
	/*
	 * A field path (spec.containers[0].env[2].value), "line 12" for
	 * text, "" for a dropped object.
	 */
	const char *at;
	/* "env value of HF_TOKEN", "JWT", "user pattern 1", "dropped Secret ns/name" */
	const char *reason;
	const char *placeholder;	/* NULL for a dropped object */
};

/*
 * Creates a redactor with the user's extra patterns (PCRE2 syntax, as given
 * to --redact).  A pattern's whole match is replaced, or its first
 * capturing group when it has one ("api-id=(\\w+)" keeps "api-id=").
 * Returns 0, or -1 with FAIL_USAGE naming the pattern and the reason when
 * one does not compile.  Free with redactor_free().
 */
int redactor_new(struct redactor **out, const char *const *patterns,
		 size_t nr_patterns, struct fail *f);
/* Frees r; the secrets it remembered are wiped first.  NULL is fine. */
void redactor_free(struct redactor *r);

/*
 * Redacts the Kubernetes object obj (usually d->root) of document d in
 * place; replacement strings live in d's arena.  where labels the entries.
 * Returns 1 when the object must be dropped entirely (a Secret; nothing of
 * it is changed), 0 when it is kept (perhaps changed; a List loses its
 * Secret items), -1 on failure (a pattern gave up on a pathological
 * string: f is set, and the object must not be published).
 */
int redact_object(struct redactor *r, struct doc *d, struct doc_node *obj,
		  const char *where, struct fail *f);

/*
 * Appends text[0, len) to out with secrets replaced, line by line (a PEM
 * block spanning lines is replaced whole); entries say "line N".  The text
 * may be binary or invalid UTF-8.  Returns 0, or -1 with f set when a
 * pattern gave up (out then holds a partial result: do not publish it).
 */
int redact_text(struct redactor *r, const char *text, size_t len,
		const char *where, struct buf *out, struct fail *f);

/* The entries so far, in the order they were made; owned by r. */
size_t redactor_entries(const struct redactor *r,
			const struct redact_entry **entries);

/*
 * Appends the report to out, one line per entry, in order:
 *   WHERE AT: REASON -> PLACEHOLDER
 *   WHERE: dropped Secret ns/name
 */
void redactor_report(const struct redactor *r, struct buf *out);

#endif
