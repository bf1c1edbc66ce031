/*
 * textdiff.c: unified diffs of two texts, by lines, with Myers' O(ND)
 * algorithm ("An O(ND) Difference Algorithm and Its Variations", 1986)
 * over the lines between the common head and tail.
 */
#include "compat.h"
#include "textdiff.h"
#include "alloc.h"
#include "buf.h"

#define CONTEXT 3
/* Beyond this many differing lines the middle is shown as one change. */
#define MAX_D 4000
/* ... or when remembering the search would take more than 64 MiB. */
#define MAX_TRACE ((size_t)8 << 20)

struct line {
	const char *s;
	size_t n;		/* with its line break */
};

enum op { OP_SAME, OP_DEL, OP_ADD };

static size_t split_lines(const char *t, size_t len, struct line **out)
{
	size_t nr = 0, alloc = 0, i = 0;

	*out = NULL;
	while (i < len) {
		const char *nl = memchr(t + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (t + i)) + 1 : len - i;

		ALLOC_GROW(*out, nr + 1, alloc);
		(*out)[nr].s = t + i;
		(*out)[nr].n = n;
		nr++;
		i += n;
	}
	return nr;
}

static int same(const struct line *a, const struct line *b)
{
	return a->n == b->n && !memcmp(a->s, b->s, a->n);
}

/*
 * The edit script turning a[0..n) into b[0..m) as ops appended to *ops
 * (in order).  Returns 0, or -1 when more than MAX_D lines differ.
 */
static int myers(const struct line *a, size_t n, const struct line *b,
		 size_t m, unsigned char **ops, size_t *nr, size_t *alloc)
{
	long max = (long)(n + m), d, k, x, y, off = max;
	long *v = xcalloc((size_t)(2 * max + 2), sizeof(*v));
	long **trace = NULL;
	size_t nr_trace = 0, alloc_trace = 0, len, i;
	unsigned char *rev = NULL;
	size_t nr_rev = 0, alloc_rev = 0;
	int found = 0;

	for (d = 0; d <= max && d <= MAX_D && !found; d++) {
		/* The saved frontiers cost (d + 1) * (2 * max + 2) longs. */
		if ((size_t)(d + 1) * (size_t)(2 * max + 2) > MAX_TRACE)
			break;
		ALLOC_GROW(trace, nr_trace + 1, alloc_trace);
		trace[nr_trace] = xmalloc((size_t)(2 * max + 2) * sizeof(*v));
		memcpy(trace[nr_trace++], v, (size_t)(2 * max + 2) * sizeof(*v));
		for (k = -d; k <= d; k += 2) {
			if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
				x = v[off + k + 1];
			else
				x = v[off + k - 1] + 1;
			y = x - k;
			while (x < (long)n && y < (long)m && same(&a[x], &b[y]))
				x++, y++;
			v[off + k] = x;
			if (x >= (long)n && y >= (long)m) {
				found = 1;
				break;
			}
		}
	}
	if (!found) {
		for (i = 0; i < nr_trace; i++)
			free(trace[i]);
		free(trace);
		free(v);
		return -1;
	}
	/* Walk back through the saved frontiers. */
	x = (long)n;
	y = (long)m;
	for (d = (long)nr_trace - 1; d >= 0; d--) {
		long *vd = trace[d], prev_k, prev_x, prev_y;

		k = x - y;
		if (k == -d || (k != d && vd[off + k - 1] < vd[off + k + 1]))
			prev_k = k + 1;
		else
			prev_k = k - 1;
		prev_x = vd[off + prev_k];
		prev_y = prev_x - prev_k;
		while (x > prev_x && y > prev_y) {
			ALLOC_GROW(rev, nr_rev + 1, alloc_rev);
			rev[nr_rev++] = OP_SAME;
			x--, y--;
		}
		if (d > 0) {
			ALLOC_GROW(rev, nr_rev + 1, alloc_rev);
			rev[nr_rev++] = x == prev_x ? OP_ADD : OP_DEL;
		}
		x = prev_x;
		y = prev_y;
	}
	len = nr_rev;
	for (i = 0; i < len; i++) {
		ALLOC_GROW(*ops, *nr + 1, *alloc);
		(*ops)[(*nr)++] = rev[len - 1 - i];
	}
	free(rev);
	for (i = 0; i < nr_trace; i++)
		free(trace[i]);
	free(trace);
	free(v);
	return 0;
}

static void add_line(struct buf *out, char mark, const struct line *l)
{
	buf_addch(out, mark);
	buf_add(out, l->s, l->n);
	if (!l->n || l->s[l->n - 1] != '\n')
		buf_adds(out, "\n\\ No newline at end of file\n");
}

static void add_range(struct buf *out, size_t start, size_t len)
{
	/* An empty range names the line before it, as diff -u does. */
	buf_addf(out, "%zu,%zu", len ? start + 1 : start, len);
}

void textdiff_unified(const char *a, size_t alen, const char *b, size_t blen,
		      const char *name_a, const char *name_b, struct buf *out)
{
	struct line *la, *lb;
	size_t na = split_lines(a, alen, &la), nb = split_lines(b, blen, &lb);
	size_t head = 0, tail = 0, nr = 0, alloc = 0, i, j;
	unsigned char *ops = NULL;

	while (head < na && head < nb && same(&la[head], &lb[head]))
		head++;
	while (tail < na - head && tail < nb - head &&
	       same(&la[na - 1 - tail], &lb[nb - 1 - tail]))
		tail++;
	if (head == na && head == nb) {
		free(la);
		free(lb);
		return;
	}
	for (i = 0; i < head; i++) {
		ALLOC_GROW(ops, nr + 1, alloc);
		ops[nr++] = OP_SAME;
	}
	if (myers(la + head, na - head - tail, lb + head, nb - head - tail,
		  &ops, &nr, &alloc)) {
		for (i = head; i < na - tail; i++) {
			ALLOC_GROW(ops, nr + 1, alloc);
			ops[nr++] = OP_DEL;
		}
		for (i = head; i < nb - tail; i++) {
			ALLOC_GROW(ops, nr + 1, alloc);
			ops[nr++] = OP_ADD;
		}
	}
	for (i = 0; i < tail; i++) {
		ALLOC_GROW(ops, nr + 1, alloc);
		ops[nr++] = OP_SAME;
	}

	buf_addf(out, "--- %s\n+++ %s\n", name_a, name_b);
	i = 0;
	while (i < nr) {
		size_t start, end, ai = 0, bi = 0, k, a0, b0, ac = 0, bc = 0;

		while (i < nr && ops[i] == OP_SAME)
			i++;
		if (i == nr)
			break;
		/* The hunk: this change and every one within 2 * CONTEXT. */
		start = i > CONTEXT ? i - CONTEXT : 0;
		end = i;
		for (j = i; j < nr; j++) {
			if (ops[j] != OP_SAME)
				end = j + 1;
			else if (j - end >= 2 * CONTEXT)
				break;
		}
		end = end + CONTEXT < nr ? end + CONTEXT : nr;
		for (k = 0; k < start; k++) {
			ai += ops[k] != OP_ADD;
			bi += ops[k] != OP_DEL;
		}
		a0 = ai;
		b0 = bi;
		for (k = start; k < end; k++) {
			ac += ops[k] != OP_ADD;
			bc += ops[k] != OP_DEL;
		}
		buf_adds(out, "@@ -");
		add_range(out, a0, ac);
		buf_adds(out, " +");
		add_range(out, b0, bc);
		buf_adds(out, " @@\n");
		for (k = start; k < end; k++) {
			if (ops[k] == OP_SAME) {
				add_line(out, ' ', &la[ai++]);
				bi++;
			} else if (ops[k] == OP_DEL) {
				add_line(out, '-', &la[ai++]);
			} else {
				add_line(out, '+', &lb[bi++]);
			}
		}
		i = end;
	}
	free(ops);
	free(la);
	free(lb);
}
