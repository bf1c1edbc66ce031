#include "compat.h"
#include "redact.h"
#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "doc.h"
#include "fail.h"
#include "re.h"

#include <ctype.h>
#include <strings.h>

#define PLACEHOLDER_PREFIX "REDACTED-"
/* Shorter values are too likely to occur by chance to be replaced blindly. */
#define MIN_KNOWN_VALUE 8
/* A PEM block spanning more lines than this is not joined (see redact_text). */
#define MAX_PEM_LINES 256
/* A run of hex digits this long is kept hex by a shaped placeholder. */
#define MIN_HEX_RUN 7

struct secret {
	char *value;
	size_t len;
	char *placeholder;
	unsigned shaped : 1;	/* a shape-keeping placeholder (user patterns) */
};

struct redactor {
	struct arena arena;	/* the entries' strings */
	struct redact_entry *entries;
	size_t nr_entries, alloc_entries;
	struct secret *secrets;	/* in order of first sight */
	size_t nr_secrets, alloc_secrets;
	size_t *table;		/* open addressing: index + 1 into secrets */
	size_t table_size;
	struct re **user;
	size_t nr_user;
};

/* Where the string being rewritten comes from, for the entries. */
struct site {
	const char *where;
	const char *path;	/* objects: the field path */
	size_t line;		/* text: the number of the first line, else 0 */
	int in_args;		/* an item of a container's args or command */
	int text;		/* text mode: PEM blocks keep their line count */
	int multiline;		/* text: a joined PEM block, count its lines */
	struct fail *f;
};

enum rule_kind {
	RULE_PEM,		/* a whole BEGIN..END block */
	RULE_PEM_OPEN,		/* a private key cut off before its END */
	RULE_JWT,
	RULE_BEARER,
	RULE_URL,
	RULE_ENV_JSON,
	RULE_KEY_VALUE,
	RULE_FLAG_SPACE,
	RULE_FIXED,		/* a token shape: the whole match, fixed reason */
};

/* The value of a "key: value" or key=value, quoted or not. */
#define VALUE_RE                                                              \
	"((?<=\")[^\"\\\\\\n]{1,4096}(?=\\\\?\")|(?<=')[^'\\n]{1,4096}(?=')"  \
	"|[^\\s\"'\\\\,;&}{\\]\\[]{1,4096})"

static const struct rule {
	enum rule_kind kind;
	const char *pattern;
	const char *reason;
} rules[] = {
	{ RULE_PEM, "-----BEGIN ([A-Z0-9 ]{1,64})-----[\\s\\S]*?-----END \\1-----", NULL },
	{ RULE_PEM_OPEN, "-----BEGIN ([A-Z0-9 ]{0,64}PRIVATE KEY)-----[\\s\\S]*", NULL },
	{ RULE_JWT, "eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*", "JWT" },
	{ RULE_FIXED, "(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])", "AWS access key id" },
	{ RULE_FIXED, "(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})", "GitHub token" },
	{ RULE_FIXED, "(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,255}", "Slack token" },
	{ RULE_URL, "(?i)(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,31}://[^/\\s:@\"'<>]{0,256}:([^/\\s@\"'<>]{1,256})@", "URL password" },
	{ RULE_BEARER, "(?i)(?<![A-Za-z0-9_])bearer[ \\t]+([A-Za-z0-9._~+/=-]{8,4096})", "Bearer token" },
	{ RULE_ENV_JSON, "\"name\"[ \\t]*:[ \\t]*\"([^\"\\\\\\n]{1,256})\"[ \\t]*,[ \\t]*\"value\"[ \\t]*:[ \\t]*\"([^\"\\\\\\n]{1,4096})\"", NULL },
	{ RULE_KEY_VALUE, "(?i)(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{0,64}(?:token|password|passwd|passphrase|secret|credentials?|auth|authorization|bearer|kubeconfig|key|data))\\\\?[\"']?[ \\t]*[:=][ \\t]*\\\\?[\"']?(?:(?:bearer|basic|token)[ \\t]+)?" VALUE_RE, NULL },
	{ RULE_FLAG_SPACE, "(?<![^\\s])--?([A-Za-z0-9][A-Za-z0-9_.-]{0,63})[ \\t]+(?!-)([^\\s\"'\\\\;|&]{1,4096})", NULL },
};

/* Words of a key, the last ones kept: how credential_key() reads keys. */
#define KEY_WORDS 3

struct word {
	const char *s;
	size_t len;
};

static int word_is(const struct word *w, const char *lit)
{
	size_t n = strlen(lit);

	return w->len == n && !strncasecmp(w->s, lit, n);
}

/*
 * Splits key into words at separators and camelCase humps ("apiKey",
 * "APIKey", "api_key", "client-key-data") and keeps the last KEY_WORDS,
 * last first.  Returns how many it kept.
 */
static size_t last_words(const char *key, size_t len, struct word *w)
{
	size_t i = len, n = 0;

	while (i > 0 && n < KEY_WORDS) {
		size_t end;

		while (i > 0 && !isalnum((unsigned char)key[i - 1]))
			i--;
		if (!i)
			break;
		end = i;
		while (i > 0 && isalnum((unsigned char)key[i - 1])) {
			unsigned char c = key[i - 1];

			if (i < end && isupper(c) &&
			    islower((unsigned char)key[i]))
				{ i--; break; }	/* "Key" of "apiKey" */
			if (i < end && (islower(c) || isdigit(c)) &&
			    isupper((unsigned char)key[i]))
				break;	/* "Key" of "APIKey" stops at "I" */
			i--;
		}
		w[n].s = key + i;
		w[n].len = end - i;
		n++;
	}
	return n;
}

static int pair_is(const struct word *w, size_t n, const char *a,
		   const char *b)
{
	return n >= 2 && word_is(&w[1], a) && word_is(&w[0], b);
}

/*
 * Whether a map key, env name or flag names a credential.  Only the last
 * words decide, so a key that names where a secret is (secretName,
 * secretRef, tokenFile, tokenExpirationSeconds) is not one.
 */
static int credential_key(const char *key, size_t len)
{
	static const char *const last[] = {
		"token", "password", "passwd", "passphrase", "secret",
		"credentials", "credential", "auth", "authorization",
		"bearer", "kubeconfig", "apikey", "accesskey", "secretkey",
		"privatekey", "clientsecret",
	};
	static const char *const pairs[][2] = {
		{ "api", "key" }, { "access", "key" }, { "secret", "key" },
		{ "private", "key" },
	};
	struct word w[KEY_WORDS];
	size_t n = last_words(key, len, w), i;

	if (!n)
		return 0;
	for (i = 0; i < ARRAY_SIZE(last); i++)
		if (word_is(&w[0], last[i]))
			return 1;
	for (i = 0; i < ARRAY_SIZE(pairs); i++)
		if (pair_is(w, n, pairs[i][0], pairs[i][1]))
			return 1;
	/* kubeconfig's client-key-data and friends */
	return n == 3 && word_is(&w[0], "data") &&
	       ((word_is(&w[2], "client") &&
		 (word_is(&w[1], "key") || word_is(&w[1], "certificate"))) ||
		(word_is(&w[2], "certificate") && word_is(&w[1], "authority")));
}

/* Values that are clearly not secrets: flags, nulls, references. */
static int not_a_secret(const char *v, size_t len)
{
	static const char *const words[] = {
		"true", "false", "null", "none", "nil", "<nil>", "<none>",
		"~", "redacted", "[redacted]", "<redacted>",
	};
	size_t i;

	if (!len || v[0] == '$')	/* $(VAR), ${trialParameters.x} */
		return 1;
	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (strlen(words[i]) == len && !strncasecmp(v, words[i], len))
			return 1;
	for (i = 0; i < len && v[i] == '*'; i++)
		;
	return i == len;	/* already masked */
}

static size_t placeholder_len(const char *s, size_t len)
{
	size_t n = strlen(PLACEHOLDER_PREFIX), i;

	if (len <= n || memcmp(s, PLACEHOLDER_PREFIX, n))
		return 0;
	for (i = n; i < len && isdigit((unsigned char)s[i]); i++)
		;
	return i > n ? i : 0;
}

static int is_placeholder(const char *s, size_t len)
{
	return len && placeholder_len(s, len) == len;
}

/* Whether [start, end) of s touches a placeholder: never redact those. */
static int touches_placeholder(const char *s, size_t len, size_t start,
			       size_t end)
{
	size_t prefix = strlen(PLACEHOLDER_PREFIX);
	size_t from = start > 31 ? start - 31 : 0;
	const char *p = s + from;
	const char *stop = s + (end + prefix < len ? end + prefix : len);

	while (p < stop &&
	       (p = memmem(p, (size_t)(stop - p), PLACEHOLDER_PREFIX,
			   strlen(PLACEHOLDER_PREFIX)))) {
		size_t off = (size_t)(p - s);
		size_t n = placeholder_len(p, len - off);

		if (n && off < end && off + n > start)
			return 1;
		p++;
	}
	return 0;
}

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static void table_insert(struct redactor *r, size_t idx)
{
	size_t mask = r->table_size - 1;
	size_t i = hash_bytes(r->secrets[idx].value, r->secrets[idx].len) &
		   mask;

	while (r->table[i])
		i = (i + 1) & mask;
	r->table[i] = idx + 1;
}

/*
 * A placeholder with the shape of value, for the k-th secret: the same
 * length, letters where it has letters (of the same case; a-f within a
 * run of hex digits as long as a short commit id, so a digest stays hex),
 * digits where it has digits (0 where it has 0, so no number gains a
 * leading zero), and the rest kept.  A name stays a DNS
 * label of the same kind and length, an image a valid reference, so a
 * redacted scenario gets the verdicts of the original.  The letters spell
 * k first, so two secrets of one shape get two placeholders; nothing is
 * derived from the value but its shape.
 */
static char *shaped_placeholder(const char *value, size_t len, size_t k)
{
	static const char word[] = "redacted";
	char letters[64], digits[32], *out = xmalloc(len + 1);
	size_t nl = 0, nd, li = 0, di = 0, i, hex_run_end = 0;
	int in_hex = 0;

	/* k in base 26 (least significant first), then "redacted". */
	for (i = k; nl < 16; i /= 26) {
		letters[nl++] = (char)('a' + i % 26);
		if (i < 26)
			break;
	}
	memcpy(letters + nl, word, sizeof(word) - 1);
	nl += sizeof(word) - 1;
	nd = (size_t)snprintf(digits, sizeof(digits), "%zu", k);
	for (i = 0; i < nd; i++)
		if (digits[i] == '0')
			digits[i] = '9';
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];
		unsigned char l = (unsigned char)letters[li++ % nl];

		if (hex_run_end <= i) {
			/* Where the next run of hex digits ends. */
			for (hex_run_end = i; hex_run_end < len &&
			     isxdigit((unsigned char)value[hex_run_end]); hex_run_end++)
				;
			in_hex = hex_run_end - i >= MIN_HEX_RUN;
			if (hex_run_end == i)
				hex_run_end++;
		}
		if (isdigit(c)) {
			li--;
			out[i] = c == '0' ? '0' : digits[di++ % nd];
			continue;
		}
		if (!isalpha(c) || c >= 0x80) {
			li--;
			out[i] = (char)c;
			continue;
		}
		if (in_hex)	/* a digest stays hex */
			l = (unsigned char)('a' + (l - 'a') % 6);
		out[i] = (char)(isupper(c) ? toupper(l) : l);
	}
	out[len] = '\0';
	return out;
}

/* Whether s is a shape-keeping placeholder given out already. */
static int is_shaped_placeholder(const struct redactor *r, const char *s,
				 size_t len)
{
	size_t k;

	for (k = 0; k < r->nr_secrets; k++)
		if (r->secrets[k].shaped && r->secrets[k].len == len &&
		    !memcmp(r->secrets[k].placeholder, s, len))
			return 1;
	return 0;
}

/*
 * The placeholder of value, given one on first sight: REDACTED-<n>, or
 * with shaped one of the value's shape.  A value keeps the placeholder it
 * got first.
 */
static const char *placeholder_for(struct redactor *r, const char *value,
				   size_t len, int shaped)
{
	size_t mask, i;
	struct secret *s;

	if (r->table_size) {
		mask = r->table_size - 1;
		for (i = hash_bytes(value, len) & mask; r->table[i];
		     i = (i + 1) & mask) {
			s = &r->secrets[r->table[i] - 1];
			if (s->len == len && !memcmp(s->value, value, len))
				return s->placeholder;
		}
	}
	if ((r->nr_secrets + 1) * 2 > r->table_size) {
		size_t n = r->table_size ? r->table_size * 2 : 64, k;

		free(r->table);
		r->table = xcalloc(n, sizeof(*r->table));
		r->table_size = n;
		for (k = 0; k < r->nr_secrets; k++)
			table_insert(r, k);
	}
	ALLOC_GROW(r->secrets, r->nr_secrets + 1, r->alloc_secrets);
	s = &r->secrets[r->nr_secrets];
	s->value = xmalloc(len + 1);
	memcpy(s->value, value, len);
	s->value[len] = '\0';
	s->len = len;
	s->shaped = !!shaped;
	if (shaped) {
		s->placeholder = shaped_placeholder(value, len, r->nr_secrets + 1);
	} else {
		s->placeholder = xmalloc(32);
		snprintf(s->placeholder, 32, PLACEHOLDER_PREFIX "%zu",
			 r->nr_secrets + 1);
	}
	r->nr_secrets++;
	table_insert(r, r->nr_secrets - 1);
	return s->placeholder;
}

/* A copy for the report: one line, bounded, no control characters. */
static const char *report_str(struct redactor *r, const char *s, size_t len)
{
	char *p;
	size_t i;

	if (len > 200)
		len = 200;
	p = arena_strndup(&r->arena, s, len);
	for (i = 0; i < len; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			p[i] = '?';
	return p;
}

static void add_entry(struct redactor *r, const char *where, const char *at,
		      const char *reason, const char *placeholder)
{
	struct redact_entry *e;

	ALLOC_GROW(r->entries, r->nr_entries + 1, r->alloc_entries);
	e = &r->entries[r->nr_entries++];
	e->where = report_str(r, where, strlen(where));
	e->at = report_str(r, at, strlen(at));
	e->reason = report_str(r, reason, strlen(reason));
	/* secrets[] moves as it grows: the entry keeps its own copy */
	e->placeholder = placeholder ? arena_strdup(&r->arena, placeholder) :
		NULL;
}

/* Records a redaction at offset off of cur; returns the placeholder. */
static const char *redacted(struct redactor *r, const struct site *s,
			    const struct buf *cur, size_t off,
			    const char *value, size_t len, const char *reason,
			    int shaped)
{
	const char *ph = placeholder_for(r, value, len, shaped);
	char at[64];

	if (s->path) {
		add_entry(r, s->where, s->path, reason, ph);
	} else {
		size_t line = s->line, i;

		for (i = 0; s->multiline && i < off; i++)
			line += cur->buf[i] == '\n';
		snprintf(at, sizeof(at), "line %zu", line);
		add_entry(r, s->where, at, reason, ph);
	}
	return ph;
}

static const struct re *rule_re(const struct rule *rule)
{
	const struct re *re = re_cached(rule->pattern);

	if (!re)
		BUG("redact pattern does not compile: %s", rule->pattern);
	return re;
}

static int gave_up(const struct site *s, const char *what)
{
	return fail_set(s->f, FAIL_TOO_LARGE,
			"%s: cannot redact: the %s pattern gave up on a string "
			"too complex to scan", s->where, what);
}

static size_t next_char(const char *s, size_t len, size_t i)
{
	i++;
	while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
		i++;
	return i;
}

static int span_set(const struct re_span *m)
{
	return m->start != RE_UNSET && m->end > m->start;
}

/*
 * Decides whether a match of a built-in rule is a secret: sets *target to
 * the bytes to replace and writes the reason.  Returns 0 to keep the match.
 */
static int judge(const struct rule *rule, const struct site *s,
		 const char *str, const struct re_span *m,
		 struct re_span *target, char *reason, size_t size)
{
	const struct re_span *key = &m[1];
	size_t i;

	switch (rule->kind) {
	case RULE_PEM:
	case RULE_PEM_OPEN:
		*target = m[0];
		if (memmem(str + m[1].start, m[1].end - m[1].start,
			   "PRIVATE KEY", 11))
			snprintf(reason, size, "PEM private key");
		else
			snprintf(reason, size, "PEM %.*s block",
				 (int)(m[1].end - m[1].start), str + m[1].start);
		return 1;
	case RULE_JWT:
	case RULE_FIXED:
		*target = m[0];
		snprintf(reason, size, "%s", rule->reason);
		return 1;
	case RULE_URL:
		*target = m[1];
		snprintf(reason, size, "%s", rule->reason);
		return span_set(target) &&
		       !not_a_secret(str + m[1].start, m[1].end - m[1].start);
	case RULE_BEARER:
		/* a token has digits; "bearer authentication" has none */
		*target = m[1];
		for (i = m[1].start; i < m[1].end; i++)
			if (isdigit((unsigned char)str[i]))
				break;
		snprintf(reason, size, "%s", rule->reason);
		return i < m[1].end;
	case RULE_ENV_JSON:
		*target = m[2];
		snprintf(reason, size, "env value of %.*s",
			 (int)(key->end - key->start), str + key->start);
		break;
	case RULE_FLAG_SPACE:
		if (!s->in_args)
			return 0;
		*target = m[2];
		snprintf(reason, size, "value of argument --%.*s",
			 (int)(key->end - key->start), str + key->start);
		break;
	case RULE_KEY_VALUE:
		for (i = 2; i < 5 && !span_set(&m[i]); i++)
			;
		if (i == 5)
			return 0;
		*target = m[i];
		snprintf(reason, size, "value of key %.*s",
			 (int)(key->end - key->start), str + key->start);
		break;
	}
	return span_set(target) &&
	       credential_key(str + key->start, key->end - key->start) &&
	       !not_a_secret(str + target->start, target->end - target->start);
}

/*
 * Replaces the matches of one pattern in cur.  rule is NULL for a user
 * pattern (number user_no).  Returns the number of replacements or -1.
 */
static int apply(struct redactor *r, const struct site *s, struct buf *cur,
		 const struct re *re, const struct rule *rule, size_t user_no)
{
	struct buf out = BUF_INIT;
	struct re_span m[5], target = { RE_UNSET, RE_UNSET };
	size_t pos = 0, from = 0;
	char reason[160];
	int n = 0, rc;

	while ((rc = re_find(re, cur->buf, cur->len, from, m, ARRAY_SIZE(m))) > 0) {
		const char *ph;
		size_t lines = 0, i;

		from = m[0].end > m[0].start ? m[0].end :
			next_char(cur->buf, cur->len, m[0].start);
		if (rule) {
			if (!judge(rule, s, cur->buf, m, &target, reason,
				   sizeof(reason)))
				continue;
		} else {
			target = span_set(&m[1]) ? m[1] : m[0];
			snprintf(reason, sizeof(reason), "user pattern %zu",
				 user_no);
		}
		if (!span_set(&target) ||
		    touches_placeholder(cur->buf, cur->len, target.start,
					target.end) ||
		    (!rule && is_shaped_placeholder(r, cur->buf + target.start,
						    target.end - target.start)))
			continue;
		/*
		 * A user's pattern may match a name or an image, whose
		 * shape its verdicts depend on: its placeholder keeps it.
		 */
		ph = redacted(r, s, cur, target.start, cur->buf + target.start,
			      target.end - target.start, reason, !rule);
		buf_add(&out, cur->buf + pos, target.start - pos);
		buf_adds(&out, ph);
		if (s->text)	/* keep line numbers valid in the output */
			for (i = target.start; i < target.end; i++)
				lines += cur->buf[i] == '\n';
		while (lines--)
			buf_addch(&out, '\n');
		pos = target.end;
		n++;
	}
	if (rc < 0) {
		buf_release(&out);
		return gave_up(s, rule ? "built-in" : "user");
	}
	if (n) {
		struct buf tmp;

		buf_add(&out, cur->buf + pos, cur->len - pos);
		tmp = *cur;
		*cur = out;
		out = tmp;
	}
	buf_release(&out);
	return n;
}

/* Replaces every occurrence of a value redacted before. */
static int apply_known(struct redactor *r, const struct site *s,
		       struct buf *cur)
{
	size_t k;
	int n = 0;

	for (k = 0; k < r->nr_secrets; k++) {
		const struct secret *sec = &r->secrets[k];
		struct buf out = BUF_INIT;
		size_t pos = 0, from = 0;
		const char *p;
		int hits = 0;

		if (sec->len < MIN_KNOWN_VALUE)
			continue;
		while (from < cur->len &&
		       (p = memmem(cur->buf + from, cur->len - from, sec->value,
				   sec->len))) {
			size_t off = (size_t)(p - cur->buf);

			from = off + 1;
			if (touches_placeholder(cur->buf, cur->len, off,
						off + sec->len))
				continue;
			redacted(r, s, cur, off, sec->value, sec->len,
				 "known secret value", sec->shaped);
			buf_add(&out, cur->buf + pos, off - pos);
			buf_adds(&out, sec->placeholder);
			pos = from = off + sec->len;
			hits++;
		}
		if (hits) {
			struct buf tmp;

			buf_add(&out, cur->buf + pos, cur->len - pos);
			tmp = *cur;
			*cur = out;
			out = tmp;
			n += hits;
		}
		buf_release(&out);
	}
	return n;
}

/* All patterns over one string; returns the number of replacements or -1. */
static int rewrite(struct redactor *r, const struct site *s, struct buf *cur)
{
	size_t i;
	int n = 0, rc;

	for (i = 0; i < ARRAY_SIZE(rules); i++) {
		rc = apply(r, s, cur, rule_re(&rules[i]), &rules[i], 0);
		if (rc < 0)
			return -1;
		n += rc;
	}
	for (i = 0; i < r->nr_user; i++) {
		rc = apply(r, s, cur, r->user[i], NULL, i + 1);
		if (rc < 0)
			return -1;
		n += rc;
	}
	rc = apply_known(r, s, cur);
	return rc < 0 ? -1 : n + rc;
}

int redactor_new(struct redactor **out, const char *const *patterns,
		 size_t nr_patterns, struct fail *f)
{
	struct redactor *r = xcalloc(1, sizeof(*r));
	size_t i;

	*out = NULL;
	r->user = xcalloc(nr_patterns ? nr_patterns : 1, sizeof(*r->user));
	for (i = 0; i < nr_patterns; i++) {
		struct buf why = BUF_INIT;

		r->user[i] = re_compile(patterns[i], strlen(patterns[i]), &why);
		if (!r->user[i]) {
			fail_set(f, FAIL_USAGE,
				 "invalid --redact pattern %zu '%s': %s", i + 1,
				 patterns[i], why.buf);
			buf_release(&why);
			redactor_free(r);
			return -1;
		}
		r->nr_user++;
	}
	*out = r;
	return 0;
}

static void wipe(char *p, size_t len)
{
	volatile char *v = p;

	while (len--)
		*v++ = 0;
}

void redactor_free(struct redactor *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nr_secrets; i++) {
		wipe(r->secrets[i].value, r->secrets[i].len);
		free(r->secrets[i].value);
		free(r->secrets[i].placeholder);
	}
	free(r->secrets);
	free(r->table);
	for (i = 0; i < r->nr_user; i++)
		re_free(r->user[i]);
	free(r->user);
	free(r->entries);
	arena_release(&r->arena);
	free(r);
}

size_t redactor_entries(const struct redactor *r,
			const struct redact_entry **entries)
{
	*entries = r->entries;
	return r->nr_entries;
}

void redactor_report(const struct redactor *r, struct buf *out)
{
	size_t i;

	for (i = 0; i < r->nr_entries; i++) {
		const struct redact_entry *e = &r->entries[i];

		if (!e->placeholder)
			buf_addf(out, "%s%s%s: %s\n", e->where, *e->at ? " " : "",
				 e->at, e->reason);
		else
			buf_addf(out, "%s %s: %s -> %s\n", e->where, e->at,
				 e->reason, e->placeholder);
	}
}

/* Objects. */

struct walk {
	struct redactor *r;
	struct doc *d;
	const char *where;
	struct fail *f;
	int known_only;		/* second pass: values found anywhere */
};

static int is_scalar_value(const struct doc_node *n)
{
	return n->kind == DOC_STR || n->kind == DOC_INT || n->kind == DOC_FLOAT;
}

static void node_path(const struct doc_node *n, struct buf *path)
{
	buf_reset(path);
	doc_path(n, path);
}

/* Replaces the whole value of n when it is a secret. */
static void redact_value(struct walk *w, struct doc_node *n, const char *reason)
{
	struct buf path = BUF_INIT;
	const char *ph;

	if (!is_scalar_value(n) || not_a_secret(n->text, n->len) ||
	    is_placeholder(n->text, n->len))
		return;
	node_path(n, &path);
	ph = placeholder_for(w->r, n->text, n->len, 0);
	add_entry(w->r, w->where, path.buf, reason, ph);
	doc_set_text(w->d, n, ph, strlen(ph));
	buf_release(&path);
}

static int rewrite_node(struct walk *w, struct doc_node *n, int in_args)
{
	struct buf cur = BUF_INIT, path = BUF_INIT;
	struct site s = { w->where, NULL, 0, in_args, 0, 0, w->f };
	int rc;

	if (n->kind != DOC_STR || !n->len)
		return 0;
	node_path(n, &path);
	s.path = path.buf;
	buf_add(&cur, n->text, n->len);
	rc = w->known_only ? apply_known(w->r, &s, &cur) :
		rewrite(w->r, &s, &cur);
	if (rc > 0)
		doc_set_text(w->d, n, cur.buf, cur.len);
	buf_release(&cur);
	buf_release(&path);
	return rc < 0 ? -1 : 0;
}

/* "--token=V" and "--password V" items of args and command. */
static void redact_args(struct walk *w, struct doc_node *seq)
{
	struct doc_node *c;
	char reason[160];

	for (c = seq->child; c; c = c->next) {
		const char *t = c->text, *name, *eq;
		size_t dashes;

		if (c->kind != DOC_STR)
			continue;
		for (dashes = 0; dashes < 2 && t[dashes] == '-'; dashes++)
			;
		if (!dashes || !isalnum((unsigned char)t[dashes]))
			continue;
		name = t + dashes;
		eq = memchr(name, '=', c->len - dashes);
		if (!credential_key(name, eq ? (size_t)(eq - name) :
				    c->len - dashes))
			continue;
		snprintf(reason, sizeof(reason), "value of argument --%.*s",
			 (int)(eq ? (size_t)(eq - name) : c->len - dashes),
			 name);
		if (eq) {
			struct buf path = BUF_INIT, v = BUF_INIT;
			size_t vlen = c->len - (size_t)(eq + 1 - t);
			const char *ph;

			if (not_a_secret(eq + 1, vlen) ||
			    is_placeholder(eq + 1, vlen))
				continue;
			node_path(c, &path);
			ph = placeholder_for(w->r, eq + 1, vlen, 0);
			add_entry(w->r, w->where, path.buf, reason, ph);
			buf_add(&v, t, (size_t)(eq + 1 - t));
			buf_adds(&v, ph);
			doc_set_text(w->d, c, v.buf, v.len);
			buf_release(&v);
			buf_release(&path);
		} else if (c->next && c->next->kind != DOC_SEQ &&
			   c->next->kind != DOC_MAP &&
			   c->next->text[0] != '-') {
			redact_value(w, c->next, reason);
		}
	}
}

static void redact_env(struct walk *w, struct doc_node *seq)
{
	struct doc_node *c;
	char reason[160];

	for (c = seq->child; c; c = c->next) {
		const char *name = doc_get_str(c, "name");
		struct doc_node *value = doc_get(c, "value");

		if (!name || !value || !credential_key(name, strlen(name)))
			continue;
		snprintf(reason, sizeof(reason), "env value of %s", name);
		redact_value(w, value, reason);
	}
}

static int walk_node(struct walk *w, struct doc_node *n, int in_args)
{
	struct doc_node *c;

	if (n->kind == DOC_STR)
		return rewrite_node(w, n, in_args);
	if (n->kind != DOC_MAP && n->kind != DOC_SEQ)
		return 0;
	for (c = n->child; c; c = c->next) {
		int args = 0;

		if (!w->known_only && n->kind == DOC_MAP) {
			if (is_scalar_value(c) &&
			    credential_key(c->key, c->key_len)) {
				char reason[160];

				snprintf(reason, sizeof(reason),
					 "value of key %.*s",
					 (int)(c->key_len > 64 ? 64 : c->key_len),
					 c->key);
				redact_value(w, c, reason);
			} else if (c->kind == DOC_SEQ && doc_is_key(c, "env")) {
				redact_env(w, c);
			} else if (c->kind == DOC_SEQ &&
				   (doc_is_key(c, "args") ||
				    doc_is_key(c, "command"))) {
				redact_args(w, c);
				args = 1;
			}
		}
		if (walk_node(w, c, args || (in_args && n->kind == DOC_SEQ)))
			return -1;
	}
	return 0;
}

static int is_secret_kind(const struct doc_node *obj)
{
	const char *kind = doc_get_str(obj, "kind");

	return kind && (!strcmp(kind, "Secret") || !strcmp(kind, "SecretList"));
}

static void add_dropped(struct redactor *r, const char *where, const char *at,
			const struct doc_node *obj)
{
	const char *ns = doc_get_str(doc_get(obj, "metadata"), "namespace");
	const char *name = doc_get_str(doc_get(obj, "metadata"), "name");
	const char *kind = doc_get_str(obj, "kind");
	char reason[300];

	snprintf(reason, sizeof(reason), "dropped %s %s%s%s", kind,
		 ns ? ns : "", ns ? "/" : "", name ? name : "(unnamed)");
	add_entry(r, where, at, reason, NULL);
}

int redact_object(struct redactor *r, struct doc *d, struct doc_node *obj,
		  const char *where, struct fail *f)
{
	struct walk w = { r, d, where, f, 0 };
	struct doc_node *items, *c, *next;

	if (!obj || obj->kind != DOC_MAP)
		return obj ? walk_node(&w, obj, 0) : 0;
	if (is_secret_kind(obj)) {
		add_dropped(r, where, "", obj);
		return 1;
	}
	items = doc_get(obj, "items");
	if (items && items->kind == DOC_SEQ) {
		for (c = items->child; c; c = next) {
			next = c->next;
			if (c->kind == DOC_MAP && is_secret_kind(c)) {
				struct buf path = BUF_INIT;

				doc_path(c, &path);
				add_dropped(r, where, path.buf, c);
				buf_release(&path);
				doc_node_remove(c);
			}
		}
	}
	if (walk_node(&w, obj, 0))
		return -1;
	w.known_only = 1;
	return walk_node(&w, obj, 0);
}

/* Text. */

/* Whether line opens a PEM block that it does not close. */
static int opens_pem(const char *line, size_t len)
{
	const char *begin = memmem(line, len, "-----BEGIN ", 11);

	return begin && !memmem(begin, len - (size_t)(begin - line),
				"-----END ", 9);
}

int redact_text(struct redactor *r, const char *text, size_t len,
		const char *where, struct buf *out, struct fail *f)
{
	struct buf cur = BUF_INIT;
	size_t pos = 0, line = 1;

	while (pos < len) {
		struct site s = { where, NULL, line, 0, 1, 0, f };
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) + 1 : len;

		/* A PEM block is one string, so its pattern sees it whole. */
		if (opens_pem(text + pos, end - pos)) {
			size_t e = end, n = 1;
			int closed = 0;

			while (e < len && n < MAX_PEM_LINES && !closed) {
				const char *nl2 = memchr(text + e, '\n', len - e);
				size_t e2 = nl2 ? (size_t)(nl2 - text) + 1 : len;

				closed = memmem(text + e, e2 - e, "-----END ",
						9) != NULL;
				e = e2;
				n++;
			}
			/* a key cut off by the end of a log is joined too */
			if (closed || e == len) {
				end = e;
				s.multiline = 1;
			}
		}
		buf_reset(&cur);
		buf_add(&cur, text + pos, end - pos);
		if (rewrite(r, &s, &cur) < 0) {
			buf_release(&cur);
			return -1;
		}
		buf_add(out, cur.buf, cur.len);
		for (; pos < end; pos++)
			line += text[pos] == '\n';
	}
	buf_release(&cur);
	return 0;
}
