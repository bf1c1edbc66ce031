/*
 * rules/metadata.c: the API server's ObjectMeta validation of the
 * Experiment and of the objects a trial template creates: the namespace,
 * label keys and values, annotation keys and the annotations' total size.
 * The Experiment's name is name-invalid's (Katib's limit is stricter than
 * the API server's DNS subdomain).
 *
 * Translated from kubernetes/apimachinery (staging/src/k8s.io/apimachinery
 * of kubernetes/kubernetes) at commit
 * eed236ceee2c19c2753a3d93ac0631dc20750454: pkg/api/validation/objectmeta.go
 * (validateObjectMetaAccessorWithOptsCommon, ValidateAnnotations),
 * pkg/apis/meta/v1/validation/validation.go (ValidateLabels),
 * pkg/api/validate/content/kube.go (IsLabelKey, IsLabelValue) and
 * pkg/util/validation/validation.go (IsDNS1123Label, IsDNS1123Subdomain),
 * with the messages those return, so a finding reads as kubectl would
 * print the refusal.
 */
#include "compat.h"
#include "rules/rules.h"
#include "alloc.h"
#include "buf.h"
#include "doc.h"
#include "experiment.h"
#include "trial-pods.h"

#include <ctype.h>

#define ANNOTATIONS_SIZE_LIMIT (256 * 1024)

static const char dns_label_msg[] =
	"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
static const char key_name_msg[] =
	"name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
static const char key_slashes_msg[] =
	"a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
static const char prefix_msg[] =
	"prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
static const char value_msg[] =
	"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

static int lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int ascii_alnum(char c)
{
	return lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? */
static int dns_label_shape(const char *s, size_t n)
{
	size_t i;

	if (!n || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return 0;
	for (i = 1; i + 1 < n; i++)
		if (!lower_alnum(s[i]) && s[i] != '-')
			return 0;
	return 1;
}

/* Labels joined by single dots. */
static int dns_subdomain_shape(const char *s, size_t n)
{
	const char *end = s + n, *dot;

	for (;;) {
		dot = memchr(s, '.', (size_t)(end - s));
		if (!dns_label_shape(s, (size_t)((dot ? dot : end) - s)))
			return 0;
		if (!dot)
			return 1;
		s = dot + 1;
	}
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] */
static int key_name_shape(const char *s, size_t n)
{
	size_t i;

	if (!n || !ascii_alnum(s[0]) || !ascii_alnum(s[n - 1]))
		return 0;
	/* strchr() finds the terminating NUL too: a NUL is no '-'. */
	for (i = 1; i + 1 < n; i++)
		if (!ascii_alnum(s[i]) && !(s[i] && strchr("-_.", s[i])))
			return 0;
	return 1;
}

size_t k8s_dns1123_label_problems(const char *s, size_t n, const char **msgs)
{
	size_t nr = 0;

	if (n > 63)
		msgs[nr++] = "must be no more than 63 bytes";
	if (!dns_label_shape(s, n))
		msgs[nr++] = dns_subdomain_shape(s, n) ? "must not contain dots"
						       : dns_label_msg;
	return nr;
}

size_t k8s_label_key_problems(const char *s, size_t n, const char **msgs)
{
	const char *slash = memchr(s, '/', n), *name = s;
	size_t nr = 0, name_len = n;

	if (slash) {
		size_t plen = (size_t)(slash - s);

		if (memchr(slash + 1, '/', n - plen - 1)) {
			msgs[0] = key_slashes_msg;
			return 1;
		}
		if (!plen) {
			msgs[nr++] = "prefix part must be non-empty";
		} else {
			if (plen > 253)
				msgs[nr++] = "prefix part must be no more than 253 bytes";
			if (!dns_subdomain_shape(s, plen))
				msgs[nr++] = prefix_msg;
		}
		name = slash + 1;
		name_len = n - plen - 1;
	}
	if (!name_len)
		msgs[nr++] = "name part must be non-empty";
	else if (name_len > 63)
		msgs[nr++] = "name part must be no more than 63 bytes";
	if (!key_name_shape(name, name_len))
		msgs[nr++] = key_name_msg;
	return nr;
}

size_t k8s_label_value_problems(const char *s, size_t n, const char **msgs)
{
	size_t nr = 0;

	if (n > 63)
		msgs[nr++] = "must be no more than 63 bytes";
	if (n && !key_name_shape(s, n))
		msgs[nr++] = value_msg;
	return nr;
}

/* Katib fills these in before the object reaches the API server. */
static int has_placeholder(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++)
		if ((s[i] == '$' && (s[i + 1] == '{' || s[i + 1] == '(')))
			return 1;
	return 0;
}

static void report(struct diag_list *out, const struct doc_node *at, int key,
		   const char *field, const char *value, size_t len,
		   const char *msg, const char *effect, const char *hint)
{
	const struct rule *r = rule_get("metadata-invalid");
	struct buf shown = BUF_INIT;
	struct diag *d;

	doc_add_key(&shown, value, len);
	if (key)
		d = diag_add_key(out, r, at, "%s: Invalid value: \"%s\": %s; %s",
				 field, shown.buf, msg, effect);
	else
		d = diag_add(out, r, at, "%s: Invalid value: \"%s\": %s; %s",
			     field, shown.buf, msg, effect);
	buf_release(&shown);
	diag_hint(out, d, "%s", hint);
}

static void check_labels(const struct doc_node *labels, const char *field,
			 const char *effect, struct diag_list *out)
{
	const struct doc_node *l;
	const char *msgs[K8S_MAX_PROBLEMS];
	size_t i, nr;

	if (!labels || labels->kind != DOC_MAP)
		return;
	for (l = labels->child; l; l = l->next) {
		const char *v = doc_str(l);

		if (l->shadowed || !l->key)
			continue;
		if (!has_placeholder(l->key, l->key_len)) {
			nr = k8s_label_key_problems(l->key, l->key_len, msgs);
			for (i = 0; i < nr; i++)
				report(out, l, 1, field, l->key, l->key_len, msgs[i], effect,
				       "a label key is NAME or DOMAIN/NAME: letters, digits, '-', '_' and '.', at most 63 characters in the name");
		}
		/* Anything but a string is the type rule's (or a decode error). */
		if (!v || has_placeholder(v, l->len))
			continue;
		nr = k8s_label_value_problems(v, l->len, msgs);
		for (i = 0; i < nr; i++)
			report(out, l, 0, field, v, l->len, msgs[i], effect,
			       "a label value is at most 63 letters, digits, '-', '_' or '.'; put longer or free text in an annotation");
	}
}

static void check_annotations(const struct doc_node *ann, const char *field,
			      const char *effect, struct diag_list *out)
{
	const struct doc_node *a;
	const char *msgs[K8S_MAX_PROBLEMS];
	size_t i, nr, total = 0;

	if (!ann || ann->kind != DOC_MAP)
		return;
	for (a = ann->child; a; a = a->next) {
		char *lower;

		if (a->shadowed || !a->key)
			continue;
		total += a->key_len + (a->kind == DOC_STR ? a->len : 0);
		if (has_placeholder(a->key, a->key_len))
			continue;
		/* Annotation keys are label keys in any case. */
		lower = xstrndup(a->key, a->key_len);
		for (i = 0; i < a->key_len; i++)
			lower[i] = (char)tolower((unsigned char)lower[i]);
		nr = k8s_label_key_problems(lower, a->key_len, msgs);
		for (i = 0; i < nr; i++)
			report(out, a, 1, field, a->key, a->key_len, msgs[i], effect,
			       "an annotation key is NAME or DOMAIN/NAME: letters, digits, '-', '_' and '.', at most 63 characters in the name");
		free(lower);
	}
	if (total > ANNOTATIONS_SIZE_LIMIT)
		diag_hint(out, diag_add_key(out, rule_get("metadata-invalid"), ann,
					    "%s: Too long: may not be more than %d bytes (the keys and values take %zu); %s",
					    field, ANNOTATIONS_SIZE_LIMIT, total, effect),
			  "keep large data in a ConfigMap and mount it");
}

/* where then name into out; both are the rules' own constants. */
static const char *join(char *out, size_t size, const char *where,
			const char *name)
{
	size_t n = strlen(where), m = strlen(name);

	if (n + m >= size)
		BUG("field name %s%s is too long", where, name);
	memcpy(out, where, n);
	memcpy(out + n, name, m);
	out[n + m] = '\0';
	return out;
}

void check_object_labels(const struct doc_node *labels,
			 const struct doc_node *annotations, const char *where,
			 const char *effect, struct diag_list *out)
{
	char field[64];

	/* Every template and pod of every document comes here: no printf. */
	if (labels)
		check_labels(labels, join(field, sizeof(field), where, "labels"),
			     effect, out);
	if (annotations)
		check_annotations(annotations,
				  join(field, sizeof(field), where, "annotations"),
				  effect, out);
}

void check_metadata(const struct rule_ctx *ctx, struct diag_list *out)
{
	static const char effect[] = "the API server refuses the Experiment, so no Trial is ever created";
	const struct doc_node *meta = ctx->exp->metadata;
	const struct doc_node *ns = doc_get(meta, "namespace");
	const char *v = doc_str(ns), *msgs[2];
	size_t i, nr;

	if (v && ns->len) {
		/* NAMESPACE, ${NAMESPACE}, <your namespace>: a template's blank. */
		int blank = strpbrk(v, "$<{") || (isupper((unsigned char)v[0]) &&
						   !strpbrk(v, "abcdefghijklmnopqrstuvwxyz"));

		nr = k8s_dns1123_label_problems(v, ns->len, msgs);
		for (i = 0; i < nr; i++)
			report(out, ns, 0, "metadata.namespace", v, ns->len, msgs[i], effect,
			       blank ? "this looks like a blank left unfilled: write the namespace, or remove 'namespace:' to use kubectl's current one"
				     : "a namespace name is lower case letters, digits and '-', at most 63 characters");
	}
	check_object_labels(doc_get(meta, "labels"), doc_get(meta, "annotations"),
			    "metadata.", effect, out);
}
