#include "compat.h"
#include "archive.h"
#include "alloc.h"
#include "buf.h"
#include "fail.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* DEFLATE (RFC 1951). */

#define WSIZE 32768		/* the LZ77 window */
#define BLOCK 65535		/* one block: a stored block holds at most this */
#define HASH_BITS 15
#define MAX_CHAIN 128		/* candidates tried per position */
#define MIN_MATCH 3
#define MAX_MATCH 258
#define NO_POS UINT64_MAX

struct deflater {
	unsigned char win[WSIZE + BLOCK];	/* history, then the pending block */
	size_t hist, pend;
	uint64_t base;		/* stream position of win[0] */
	uint64_t head[1 << HASH_BITS];	/* latest position of each hash */
	uint64_t prev[WSIZE];	/* the previous one with that hash */
	uint16_t lit[BLOCK];	/* literal, or length when dist != 0 */
	uint16_t dist[BLOCK];
	size_t ntok;
	uint64_t bits;
	unsigned nbits;
	uint32_t crc, isize;
	struct buf *out;
};

static const uint16_t len_base[] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51,
	59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
};
static const uint8_t len_extra[] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
	5, 5, 5, 5, 0,
};
static const uint16_t dist_base[] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385,
	513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385,
	24577,
};
static const uint8_t dist_extra[] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10,
	10, 11, 11, 12, 12, 13, 13,
};

static uint32_t crc_table[256];

uint32_t archive_crc32(uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = data;

	if (!crc_table[1]) {
		uint32_t i, k, c;

		for (i = 0; i < 256; i++) {
			for (c = i, k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			crc_table[i] = c;
		}
	}
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void put_bits(struct deflater *d, uint32_t value, unsigned n)
{
	d->bits |= (uint64_t)value << d->nbits;
	d->nbits += n;
	while (d->nbits >= 8) {
		buf_addch(d->out, (int)(d->bits & 0xff));
		d->bits >>= 8;
		d->nbits -= 8;
	}
}

/* Huffman codes are sent most significant bit first. */
static void put_code(struct deflater *d, uint32_t code, unsigned n)
{
	uint32_t rev = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		rev |= ((code >> i) & 1) << (n - 1 - i);
	put_bits(d, rev, n);
}

static void align_byte(struct deflater *d)
{
	if (d->nbits)
		put_bits(d, 0, 8 - d->nbits);
}

/* The fixed code of a literal/length symbol (RFC 1951 3.2.6). */
static void put_fixed(struct deflater *d, unsigned sym)
{
	if (sym < 144)
		put_code(d, 0x30 + sym, 8);
	else if (sym < 256)
		put_code(d, 0x190 + sym - 144, 9);
	else if (sym < 280)
		put_code(d, sym - 256, 7);
	else
		put_code(d, 0xc0 + sym - 280, 8);
}

static unsigned fixed_len(unsigned sym)
{
	return sym < 144 ? 8 : sym < 256 ? 9 : sym < 280 ? 7 : 8;
}

static unsigned len_code(unsigned len)
{
	unsigned i = ARRAY_SIZE(len_base) - 1;

	while (len_base[i] > len)
		i--;
	return i;
}

static unsigned dist_code(unsigned dist)
{
	unsigned i = ARRAY_SIZE(dist_base) - 1;

	while (dist_base[i] > dist)
		i--;
	return i;
}

static unsigned hash3(const unsigned char *p)
{
	uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];

	return (v * 2654435761u) >> (32 - HASH_BITS);
}

static void insert(struct deflater *d, size_t i)
{
	unsigned h = hash3(d->win + i);
	uint64_t pos = d->base + i;

	d->prev[pos & (WSIZE - 1)] = d->head[h];
	d->head[h] = pos;
}

/* Greedy LZ77 over the pending bytes; matches stay inside the block. */
static void find_tokens(struct deflater *d)
{
	size_t i = d->hist, end = d->hist + d->pend;

	d->ntok = 0;
	while (i < end) {
		size_t best = 0, best_dist = 0;

		if (i + MIN_MATCH <= end) {
			uint64_t pos = d->base + i;
			uint64_t cand = d->head[hash3(d->win + i)];
			size_t max = end - i < MAX_MATCH ? end - i : MAX_MATCH;
			unsigned chain = 0;

			/* positions only decrease; anything else is stale */
			while (cand != NO_POS && cand < pos && cand >= d->base &&
			       pos - cand < WSIZE && chain++ < MAX_CHAIN) {
				const unsigned char *a = d->win + (cand - d->base);
				const unsigned char *b = d->win + i;
				size_t n = 0;
				uint64_t next;

				while (n < max && a[n] == b[n])
					n++;
				if (n > best) {
					best = n;
					best_dist = (size_t)(pos - cand);
					if (n == max)
						break;
				}
				next = d->prev[cand & (WSIZE - 1)];
				if (next == NO_POS || next >= cand)
					break;
				cand = next;
			}
		}
		if (best >= MIN_MATCH) {
			size_t k;

			d->lit[d->ntok] = (uint16_t)best;
			d->dist[d->ntok++] = (uint16_t)best_dist;
			for (k = 0; k < best; k++, i++)
				if (i + MIN_MATCH <= end)
					insert(d, i);
		} else {
			d->lit[d->ntok] = d->win[i];
			d->dist[d->ntok++] = 0;
			if (i + MIN_MATCH <= end)
				insert(d, i);
			i++;
		}
	}
}

static uint64_t fixed_cost(const struct deflater *d)
{
	uint64_t bits = 3 + 7;	/* header, end of block */
	size_t t;

	for (t = 0; t < d->ntok; t++) {
		if (!d->dist[t]) {
			bits += fixed_len(d->lit[t]);
		} else {
			unsigned lc = len_code(d->lit[t]);

			bits += fixed_len(257 + lc) + len_extra[lc] + 5 +
				dist_extra[dist_code(d->dist[t])];
		}
	}
	return bits;
}

static void write_block(struct deflater *d, int final)
{
	uint64_t stored = ((d->nbits + 3 + 7) / 8) * 8 - d->nbits + 32 +
			  8 * (uint64_t)d->pend;
	size_t t;

	find_tokens(d);
	if (fixed_cost(d) <= stored) {
		put_bits(d, final ? 1 : 0, 1);
		put_bits(d, 1, 2);
		for (t = 0; t < d->ntok; t++) {
			unsigned lc, dc;

			if (!d->dist[t]) {
				put_fixed(d, d->lit[t]);
				continue;
			}
			lc = len_code(d->lit[t]);
			dc = dist_code(d->dist[t]);
			put_fixed(d, 257 + lc);
			put_bits(d, d->lit[t] - len_base[lc], len_extra[lc]);
			put_code(d, dc, 5);
			put_bits(d, d->dist[t] - dist_base[dc], dist_extra[dc]);
		}
		put_fixed(d, 256);
	} else {
		put_bits(d, final ? 1 : 0, 1);
		put_bits(d, 0, 2);
		align_byte(d);
		put_bits(d, (uint32_t)d->pend, 16);
		put_bits(d, (uint32_t)~d->pend & 0xffff, 16);
		buf_add(d->out, d->win + d->hist, d->pend);
	}
	/* keep the last WSIZE bytes as the next block's history */
	{
		size_t total = d->hist + d->pend;
		size_t keep = total < WSIZE ? total : WSIZE;

		memmove(d->win, d->win + total - keep, keep);
		d->base += total - keep;
		d->hist = keep;
		d->pend = 0;
	}
}

static struct deflater *deflater_new(struct buf *out)
{
	static const unsigned char header[10] = {
		0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3,	/* as gzip -n on Unix */
	};
	struct deflater *d = xmalloc(sizeof(*d));
	size_t i;

	d->hist = d->pend = 0;
	d->base = 0;
	for (i = 0; i < ARRAY_SIZE(d->head); i++)
		d->head[i] = NO_POS;
	for (i = 0; i < ARRAY_SIZE(d->prev); i++)
		d->prev[i] = NO_POS;
	d->bits = 0;
	d->nbits = 0;
	d->crc = 0;
	d->isize = 0;
	d->out = out;
	buf_add(out, header, sizeof(header));
	return d;
}

static void deflater_write(struct deflater *d, const void *data, size_t len)
{
	const unsigned char *p = data;

	d->crc = archive_crc32(d->crc, data, len);
	d->isize += (uint32_t)len;
	while (len) {
		size_t n = BLOCK - d->pend < len ? BLOCK - d->pend : len;

		memcpy(d->win + d->hist + d->pend, p, n);
		d->pend += n;
		p += n;
		len -= n;
		if (d->pend == BLOCK)
			write_block(d, 0);
	}
}

static void put_le32(struct buf *out, uint32_t v)
{
	unsigned char b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff,
			       v >> 24 };

	buf_add(out, b, 4);
}

/* Writes the last block and the gzip trailer, and frees d. */
static void deflater_finish(struct deflater *d)
{
	write_block(d, 1);
	align_byte(d);
	put_le32(d->out, d->crc);
	put_le32(d->out, d->isize);
	free(d);
}

void archive_gzip(const void *data, size_t len, struct buf *out)
{
	struct deflater *d = deflater_new(out);

	deflater_write(d, data, len);
	deflater_finish(d);
}

/* ustar (POSIX.1-1988, pax's "ustar" format). */

#define TAR_BLOCK 512
#define TAR_RECORD 10240	/* what tar(1) reads at once: pad to it */
#define MAX_OCTAL_11 077777777777ULL

struct archive {
	FILE *fp;
	char *tmp_path;
	char *dest_path;
	struct deflater *z;
	struct buf zout;
	uint64_t tar_len;
	uint64_t mtime;
	int broken;		/* a write failed: the temporary is gone */
};

/* Removes the temporary after a failure; later calls then fail. */
static void discard(struct archive *w)
{
	if (w->broken)
		return;
	if (w->fp)
		fclose(w->fp);
	w->fp = NULL;
	unlink(w->tmp_path);
	w->broken = 1;
}

static int broken(struct archive *w, struct fail *f, const char *what)
{
	int err = errno;

	discard(w);
	return fail_set(f, FAIL_IO, "%s: %s: %s", w->dest_path, what,
			strerror(err));
}

static int flush_out(struct archive *w, struct fail *f, size_t keep_below)
{
	if (w->zout.len < keep_below)
		return 0;
	if (fwrite(w->zout.buf, 1, w->zout.len, w->fp) != w->zout.len)
		return broken(w, f, "cannot write");
	buf_reset(&w->zout);
	return 0;
}

static int tar_write(struct archive *w, const void *data, size_t len,
		     struct fail *f)
{
	const char *p = data;

	while (len) {
		size_t n = len < (1 << 20) ? len : (1 << 20);

		deflater_write(w->z, p, n);
		w->tar_len += n;
		p += n;
		len -= n;
		if (flush_out(w, f, 1 << 18))
			return -1;
	}
	return 0;
}

static int tar_pad(struct archive *w, uint64_t to, struct fail *f)
{
	static const char zeros[TAR_BLOCK];
	size_t n = (size_t)((to - w->tar_len % to) % to);

	while (n) {
		size_t k = n < sizeof(zeros) ? n : sizeof(zeros);

		if (tar_write(w, zeros, k, f))
			return -1;
		n -= k;
	}
	return 0;
}

int archive_open(struct archive **out, const char *dest_path, struct fail *f)
{
	struct archive *w;
	const char *slash = strrchr(dest_path, '/');
	struct buf tmp = BUF_INIT;
	int fd;

	*out = NULL;
	if (!*dest_path || (slash && !slash[1]))
		return fail_set(f, FAIL_USAGE, "'%s' is not a file name",
				dest_path);
	if (slash)
		buf_add(&tmp, dest_path, (size_t)(slash - dest_path) + 1);
	buf_addf(&tmp, ".%s.tmp-XXXXXX", slash ? slash + 1 : dest_path);
	fd = mkstemp(tmp.buf);	/* mode 0600 */
	if (fd < 0) {
		int err = errno;

		buf_release(&tmp);
		return fail_set(f, FAIL_IO, "%s: cannot create a file there: %s",
				dest_path, strerror(err));
	}
	w = xcalloc(1, sizeof(*w));
	w->tmp_path = buf_detach(&tmp, NULL);
	w->dest_path = xstrdup(dest_path);
	w->fp = fdopen(fd, "wb");
	if (!w->fp) {
		close(fd);
		broken(w, f, "cannot open");
		archive_abort(w);
		return -1;
	}
	buf_init(&w->zout, 0);
	w->z = deflater_new(&w->zout);
	*out = w;
	return 0;
}

void archive_set_mtime(struct archive *w, int64_t mtime)
{
	w->mtime = mtime < 0 ? 0 : (uint64_t)mtime > MAX_OCTAL_11 ?
		MAX_OCTAL_11 : (uint64_t)mtime;
}

/* Why name cannot be an archive member, or NULL. */
static const char *bad_name(const char *name, size_t len)
{
	size_t i = 0;

	if (!len)
		return "an empty name";
	if (name[0] == '/')
		return "an absolute name";
	while (i < len) {
		size_t j = i;

		while (j < len && name[j] != '/')
			j++;
		if (j == i && j < len)
			return "an empty path component";
		if (j - i == 2 && name[i] == '.' && name[i + 1] == '.')
			return "a '..' component";
		if (j - i == 1 && name[i] == '.')
			return "a '.' component";
		i = j + 1;
	}
	return NULL;
}

static void octal(char *field, size_t width, uint64_t v)
{
	snprintf(field, width, "%0*llo", (int)width - 1, (unsigned long long)v);
}

static int add_entry(struct archive *w, const char *name, int dir,
		     uint64_t size, unsigned mode, struct fail *f)
{
	char h[TAR_BLOCK];
	struct buf full = BUF_INIT;
	const char *why;
	size_t len, split = 0;
	unsigned sum = 0, i;

	if (w->broken)
		return fail_set(f, FAIL_IO, "%s: not written after an earlier error",
				w->dest_path);
	buf_adds(&full, name);
	if (dir && (!full.len || full.buf[full.len - 1] != '/'))
		buf_addch(&full, '/');
	len = full.len;
	why = !dir && len && full.buf[len - 1] == '/' ?
		"a file name ending in '/'" :
		bad_name(full.buf, dir ? len - 1 : len);
	if (!why && len > 255)
		why = "a name longer than 255 bytes";
	if (!why && len > 100) {
		/* prefix '/' name: the name part at most 100 bytes, not empty */
		for (split = len - 2; split > 0; split--)
			if (full.buf[split] == '/' && split <= 155 &&
			    len - split - 1 <= 100)
				break;
		if (!split)
			why = "a name ustar cannot split into prefix and name";
	}
	if (why) {
		int rc = fail_set(f, FAIL_USAGE, "cannot archive '%s': %s", name,
				  why);

		buf_release(&full);
		discard(w);
		return rc;
	}
	if (size > MAX_OCTAL_11) {
		buf_release(&full);
		discard(w);
		return fail_set(f, FAIL_TOO_LARGE,
				"cannot archive '%s': 8 GiB or larger", name);
	}
	memset(h, 0, sizeof(h));
	if (split) {
		memcpy(h + 345, full.buf, split);
		memcpy(h, full.buf + split + 1, len - split - 1);
	} else {
		memcpy(h, full.buf, len);
	}
	buf_release(&full);
	octal(h + 100, 8, mode & 07777);
	octal(h + 108, 8, 0);
	octal(h + 116, 8, 0);
	octal(h + 124, 12, size);
	octal(h + 136, 12, w->mtime);
	h[156] = dir ? '5' : '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memcpy(h + 265, "root", 4);
	memcpy(h + 297, "root", 4);
	octal(h + 329, 8, 0);
	octal(h + 337, 8, 0);
	memset(h + 148, ' ', 8);
	for (i = 0; i < TAR_BLOCK; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 8, "%06o", sum);	/* then NUL, then the space */
	return tar_write(w, h, sizeof(h), f);
}

int archive_add_dir(struct archive *w, const char *name, unsigned mode,
		    struct fail *f)
{
	return add_entry(w, name, 1, 0, mode, f);
}

int archive_add_file(struct archive *w, const char *name, const void *data,
		     size_t len, unsigned mode, struct fail *f)
{
	if (add_entry(w, name, 0, len, mode, f) || tar_write(w, data, len, f))
		return -1;
	return tar_pad(w, TAR_BLOCK, f);
}

static void free_archive(struct archive *w)
{
	if (w->z)
		free(w->z);
	buf_release(&w->zout);
	free(w->tmp_path);
	free(w->dest_path);
	free(w);
}

/* Best effort: makes the rename itself durable. */
static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, (size_t)(slash - path) + 1) :
		xstrdup(".");
	int fd = open(dir, O_RDONLY);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int archive_commit(struct archive *w, struct fail *f)
{
	static const char zeros[2 * TAR_BLOCK];
	int rc = -1;

	if (w->broken) {
		fail_set(f, FAIL_IO, "%s: not written after an earlier error",
			 w->dest_path);
		goto out;
	}
	if (tar_write(w, zeros, sizeof(zeros), f) ||
	    tar_pad(w, TAR_RECORD, f))
		goto out;
	deflater_finish(w->z);
	w->z = NULL;
	if (flush_out(w, f, 0))
		goto out;
	if (fflush(w->fp) || fsync(fileno(w->fp))) {
		broken(w, f, "cannot write");
		goto out;
	}
	if (fclose(w->fp)) {
		w->fp = NULL;
		broken(w, f, "cannot write");
		goto out;
	}
	w->fp = NULL;
	if (rename(w->tmp_path, w->dest_path)) {
		broken(w, f, "cannot rename the finished archive into place");
		goto out;
	}
	sync_dir(w->dest_path);
	rc = 0;
out:
	free_archive(w);
	return rc;
}

void archive_abort(struct archive *w)
{
	if (!w)
		return;
	discard(w);
	free_archive(w);
}
