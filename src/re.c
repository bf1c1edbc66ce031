#include "compat.h"
#include "re.h"
#include "alloc.h"
#include "buf.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>

struct re {
	pcre2_code *code;
	uint32_t groups;
};

struct re_entry {
	char *pattern;
	struct re re;
	struct re_entry *next;
};

/*
 * Compiled patterns, shared by the webhook's worker threads: entries are
 * only added (until re_release()), so one found stays valid unlocked, and
 * matching allocates its own match data.
 */
static struct re_entry *cache;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* Compiles pattern; when it does not compile, says why into why (if any). */
static pcre2_code *compile(const char *pattern, size_t len, struct buf *why)
{
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, len,
					 PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
					 &errcode, &erroff, NULL);

	if (!code && why) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(errcode, msg, sizeof(msg));
		buf_addf(why, "%s at offset %zu", (const char *)msg,
			 (size_t)erroff);
	}
	return code;
}

const struct re *re_cached(const char *pattern)
{
	struct re_entry *e;
	pcre2_code *code;

	pthread_mutex_lock(&cache_lock);
	for (e = cache; e; e = e->next)
		if (!strcmp(e->pattern, pattern)) {
			pthread_mutex_unlock(&cache_lock);
			return &e->re;
		}
	code = compile(pattern, strlen(pattern), NULL);
	if (!code) {
		pthread_mutex_unlock(&cache_lock);
		return NULL;
	}
	e = xmalloc(sizeof(*e));
	e->pattern = xstrdup(pattern);
	e->re.code = code;
	pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &e->re.groups);
	e->next = cache;
	cache = e;
	pthread_mutex_unlock(&cache_lock);
	return &e->re;
}

struct re *re_compile(const char *pattern, size_t len, struct buf *why)
{
	pcre2_code *code = compile(pattern, len, why);
	struct re *re;

	if (!code)
		return NULL;
	re = xmalloc(sizeof(*re));
	re->code = code;
	pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &re->groups);
	return re;
}

void re_free(struct re *re)
{
	if (!re)
		return;
	pcre2_code_free(re->code);
	free(re);
}

int re_capture_count(const struct re *re)
{
	return (int)re->groups;
}

int re_find(const struct re *re, const char *subject, size_t len, size_t from,
	    struct re_span *m, size_t nr)
{
	pcre2_match_data *md;
	PCRE2_SIZE *ov;
	uint32_t pairs;
	size_t i;
	int rc;

	if (from > len)
		return 0;
	md = pcre2_match_data_create_from_pattern(re->code, NULL);
	rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, from, 0, md,
			 NULL);
	if (rc < 0) {
		pcre2_match_data_free(md);
		return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
	}
	ov = pcre2_get_ovector_pointer(md);
	pairs = pcre2_get_ovector_count(md);
	for (i = 0; i < nr; i++) {
		if (i < pairs && i <= re->groups &&
		    ov[2 * i] != PCRE2_UNSET) {
			m[i].start = ov[2 * i];
			m[i].end = ov[2 * i + 1];
		} else {
			m[i].start = m[i].end = RE_UNSET;
		}
	}
	pcre2_match_data_free(md);
	return 1;
}

/*
 * Verdicts on recent subjects, per thread (the webhook's workers check
 * concurrently).  Experiments copied from one example repeat the same
 * metricsFormat filter thousands of times in a stream, and compiling it
 * costs PCRE2's cold code and allocations each time: a fifth of the
 * rules' time on the benchmark's stream, for an answer already known.
 * Keys are short (longer subjects are not kept); a verdict's reason is
 * kept with it so that a remembered refusal reads as the first did.
 */
#define MEMO_SLOTS 16
#define MEMO_KEY 120
#define MEMO_WHY 200

struct memo {
	const void *what;	/* which question: a cached pattern, or check_go */
	uint32_t len;
	int rc;
	char key[MEMO_KEY];
	char why[MEMO_WHY];
};

static _Thread_local struct memo memo[MEMO_SLOTS];
static _Thread_local unsigned memo_next;
static const char check_go_question[] = "check_go";

static const struct memo *memo_find(const void *what, const char *key,
				    size_t len)
{
	unsigned i;

	for (i = 0; i < MEMO_SLOTS; i++)
		if (memo[i].what == what && memo[i].len == len &&
		    !memcmp(memo[i].key, key, len))
			return &memo[i];
	return NULL;
}

static void memo_keep(const void *what, const char *key, size_t len, int rc,
		      const struct buf *why)
{
	struct memo *m;

	if (len > MEMO_KEY || (why && why->len >= MEMO_WHY))
		return;
	m = &memo[memo_next++ % MEMO_SLOTS];
	m->what = what;
	m->len = (uint32_t)len;
	m->rc = rc;
	memcpy(m->key, key, len);
	m->why[0] = '\0';
	if (why && why->len)
		memcpy(m->why, why->buf, why->len + 1);
}

int re_match(const char *pattern, const char *subject, size_t len)
{
	const struct memo *m;
	const struct re *re;
	pcre2_match_data *md;
	int rc;

	re = re_cached(pattern);
	if (!re)
		return -1;
	m = memo_find(re, subject, len);
	if (m)
		return m->rc;
	md = pcre2_match_data_create_from_pattern(re->code, NULL);
	rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	rc = rc >= 0 ? 1 : 0;
	memo_keep(re, subject, len, rc, NULL);
	return rc;
}

/* Constructs RE2 does not have, found by a scan that honours escapes. */
static const char *go_unsupported(const char *p, size_t len)
{
	size_t i;
	int in_class = 0;

	for (i = 0; i < len; i++) {
		if (p[i] == '\\' && i + 1 < len) {
			char c = p[i + 1];

			if (!in_class && c >= '1' && c <= '9')
				return "back-references (\\1) are not supported by Go's regexp";
			if (!in_class && (c == 'Z' || c == 'G' || c == 'K' ||
					  c == 'R' || c == 'X' || c == 'g' ||
					  c == 'k' || c == 'h' || c == 'H' ||
					  c == 'V' || c == 'N'))
				return "this escape is not supported by Go's regexp";
			i++;
			continue;
		}
		if (in_class) {
			if (p[i] == ']')
				in_class = 0;
			continue;
		}
		if (p[i] == '[') {
			in_class = 1;
			if (i + 1 < len && p[i + 1] == '^')
				i++;
			if (i + 1 < len && p[i + 1] == ']')
				i++;
			continue;
		}
		if (p[i] == '(' && i + 2 < len && p[i + 1] == '?') {
			char c = p[i + 2];

			if (c == '=' || c == '!')
				return "look-ahead (?= and (?! are not supported by Go's regexp";
			if (c == '<' && i + 3 < len &&
			    (p[i + 3] == '=' || p[i + 3] == '!'))
				return "look-behind (?<= and (?<! are not supported by Go's regexp";
			if (c == '>')
				return "atomic groups (?> are not supported by Go's regexp";
			if (c == '|' || c == '#' || c == '&' || c == '(' ||
			    c == 'R' || (c >= '0' && c <= '9'))
				return "this group syntax is not supported by Go's regexp";
		}
		if ((p[i] == '+' || p[i] == '*' || p[i] == '?' || p[i] == '}') &&
		    i + 1 < len && p[i + 1] == '+')
			return "possessive quantifiers are not supported by Go's regexp";
	}
	return NULL;
}

static int check_go(const char *pattern, size_t len, struct buf *why)
{
	pcre2_code *code = compile(pattern, len, why);
	const char *unsupported;

	if (!code)
		return -1;
	pcre2_code_free(code);
	unsupported = go_unsupported(pattern, len);
	if (unsupported) {
		buf_adds(why, unsupported);
		return -1;
	}
	return 0;
}

int re_check_go(const char *pattern, size_t len, struct buf *why)
{
	const struct memo *m = memo_find(check_go_question, pattern, len);
	struct buf reason = BUF_INIT;
	int rc;

	if (m) {
		if (m->why[0])
			buf_adds(why, m->why);
		return m->rc;
	}
	rc = check_go(pattern, len, &reason);
	memo_keep(check_go_question, pattern, len, rc, &reason);
	if (reason.len)
		buf_add(why, reason.buf, reason.len);
	buf_release(&reason);
	return rc;
}

int re_groups(const char *pattern, size_t len)
{
	uint32_t n;
	pcre2_code *code = compile(pattern, len, NULL);

	if (!code)
		return -1;
	pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &n);
	pcre2_code_free(code);
	return (int)n;
}

void re_release(void)
{
	/* A pattern compiled after this may take a freed entry's address. */
	memset(memo, 0, sizeof(memo));
	while (cache) {
		struct re_entry *next = cache->next;

		pcre2_code_free(cache->re.code);
		free(cache->pattern);
		free(cache);
		cache = next;
	}
}
