#include "compat.h"
#include "harness.h"
#include "archive.h"
#include "buf.h"
#include "fail.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * A small inflater for what the encoder emits (stored and fixed-Huffman
 * blocks), written from RFC 1951 so the tests do not trust the encoder's
 * own tables.
 */
struct in {
	const unsigned char *p;
	size_t len, pos;
	unsigned bit;
	int bad;
};

static unsigned get_bit(struct in *in)
{
	unsigned b;

	if (in->pos >= in->len) {
		in->bad = 1;
		return 0;
	}
	b = (in->p[in->pos] >> in->bit) & 1;
	if (++in->bit == 8) {
		in->bit = 0;
		in->pos++;
	}
	return b;
}

static unsigned get_bits(struct in *in, unsigned n)
{
	unsigned v = 0, i;

	for (i = 0; i < n; i++)
		v |= get_bit(in) << i;
	return v;
}

static unsigned get_msb(struct in *in, unsigned code, unsigned n)
{
	while (n--)
		code = code << 1 | get_bit(in);
	return code;
}

static int fixed_symbol(struct in *in)
{
	unsigned c = get_msb(in, 0, 7);

	if (c <= 0x17)
		return 256 + (int)c;
	c = get_msb(in, c, 1);
	if (c >= 0x30 && c <= 0xbf)
		return (int)c - 0x30;
	if (c >= 0xc0 && c <= 0xc7)
		return 280 + (int)c - 0xc0;
	c = get_msb(in, c, 1);
	return 144 + (int)c - 0x190;
}

static int inflate_raw(struct in *in, struct buf *out)
{
	static const unsigned lbase[] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
	static const unsigned lextra[] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
	static const unsigned dbase[] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
	static const unsigned dextra[] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };
	unsigned final;

	do {
		unsigned type;

		final = get_bit(in);
		type = get_bits(in, 2);
		if (type == 0) {
			unsigned len, nlen;

			if (in->bit) {
				in->bit = 0;
				in->pos++;
			}
			len = get_bits(in, 16);
			nlen = get_bits(in, 16);
			if ((len ^ 0xffff) != nlen || in->pos + len > in->len)
				return -1;
			buf_add(out, in->p + in->pos, len);
			in->pos += len;
		} else if (type == 1) {
			for (;;) {
				int sym = fixed_symbol(in);
				unsigned len, dist, d;

				if (in->bad || sym > 285)
					return -1;
				if (sym < 256) {
					buf_addch(out, sym);
					continue;
				}
				if (sym == 256)
					break;
				len = lbase[sym - 257] + get_bits(in, lextra[sym - 257]);
				d = get_msb(in, 0, 5);
				if (d > 29)
					return -1;
				dist = dbase[d] + get_bits(in, dextra[d]);
				if (dist > out->len || dist > 32768)
					return -1;
				while (len--)
					buf_addch(out, out->buf[out->len - dist]);
			}
		} else {
			return -1;	/* the encoder never writes these */
		}
		if (in->bad)
			return -1;
	} while (!final);
	return 0;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Decodes one gzip member; checks the header, CRC-32 and ISIZE. */
static int gunzip(const void *data, size_t len, struct buf *out)
{
	static const unsigned char header[] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
	struct in in = { data, len, 10, 0, 0 };

	if (len < 18 || memcmp(data, header, sizeof(header)))
		return -1;
	if (inflate_raw(&in, out))
		return -1;
	if (in.bit)
		in.pos++;
	if (in.pos + 8 != len)
		return -1;
	if (le32(in.p + in.pos) != archive_crc32(0, out->buf, out->len) ||
	    le32(in.p + in.pos + 4) != (uint32_t)out->len)
		return -1;
	return 0;
}

static void round_trip(const void *data, size_t len, const char *what,
		       size_t max_out)
{
	struct buf z = BUF_INIT, back = BUF_INIT;

	archive_gzip(data, len, &z);
	OK(!gunzip(z.buf, z.len, &back) && back.len == len &&
	   !memcmp(back.buf, data, len), "%s: gzip round trip", what);
	OK(z.len <= max_out, "%s: %zu bytes compress to %zu (at most %zu)",
	   what, len, z.len, max_out);
	buf_release(&z);
	buf_release(&back);
}

static void test_deflate(void)
{
	struct buf text = BUF_INIT, rnd = BUF_INIT;
	uint32_t x = 42;
	size_t i;

	INT_EQ(archive_crc32(0, "123456789", 9), 0xcbf43926u, "CRC-32 check value");
	INT_EQ(archive_crc32(0, "", 0), 0, "CRC-32 of nothing");
	INT_EQ(archive_crc32(archive_crc32(0, "1234", 4), "56789", 5), 0xcbf43926u,
	       "CRC-32 chains");
	INT_EQ(archive_crc32(0, "The quick brown fox jumps over the lazy dog", 43),
	       0x414fa339u, "CRC-32 of the fox");

	round_trip("", 0, "empty", 20);
	round_trip("a", 1, "one byte", 21);
	for (i = 0; i < 20000; i++)
		buf_addf(&text, "- name: trial-%zu\n  status: {phase: Succeeded, accuracy: 0.9%zu}\n",
			 i, i % 7);
	round_trip(text.buf, text.len, "YAML-like text", text.len / 4);
	buf_reset(&text);
	for (i = 0; i < 3000; i++)
		buf_addf(&text, "I0102 10:00:%02zu.%06zu train.py:42] epoch %zu loss=%.4f\n",
			 i % 60, i * 37 % 1000000, i / 100, 1.0 / (double)(i + 1));
	round_trip(text.buf, text.len, "a log", text.len / 3);
	for (i = 0; i < 300000; i++) {
		x = x * 1103515245 + 12345;
		buf_addch(&rnd, (int)(x >> 16) & 0xff);
	}
	round_trip(rnd.buf, rnd.len, "random bytes fall back to stored blocks",
		   rnd.len + rnd.len / 65535 * 5 + 30);
	/* a repeat 40000 bytes back is beyond the window: still correct */
	buf_add(&rnd, rnd.buf + 100000, 40000);
	buf_add(&rnd, rnd.buf + rnd.len - 30000, 30000);
	round_trip(rnd.buf, rnd.len, "repeats within and beyond the window",
		   rnd.len - 20000);
	buf_reset(&text);
	for (i = 0; i < 1000000; i++)
		buf_addch(&text, 'z');
	round_trip(text.buf, text.len, "a long run", 10000);
	buf_release(&text);
	buf_release(&rnd);
}

static char tmpdir[256];

static int count_dir_entries(void)
{
	DIR *dir = opendir(tmpdir);
	struct dirent *de;
	int n = 0;

	while (dir && (de = readdir(dir)))
		n += de->d_name[0] != '.' || (de->d_name[1] && de->d_name[1] != '.');
	if (dir)
		closedir(dir);
	return n;
}

static int read_file(const char *path, struct buf *out)
{
	FILE *fp = fopen(path, "rb");
	char chunk[8192];
	size_t n;

	if (!fp)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(out, chunk, n);
	fclose(fp);
	return 0;
}

static void test_tar(void)
{
	const char *base = getenv("TMPDIR");
	struct archive *w;
	struct fail f = FAIL_INIT;
	struct buf path = BUF_INIT, gz = BUF_INIT, tar = BUF_INIT, name = BUF_INIT;
	struct stat st;
	const unsigned char *h;
	unsigned sum = 0, i;
	char field[160];

	snprintf(tmpdir, sizeof(tmpdir), "%s/katib-archive-XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir)) {
		OK(0, "a temporary directory");
		return;
	}
	buf_addf(&path, "%s/out.tar.gz", tmpdir);

	/* refused names leave nothing behind */
	OK(!archive_open(&w, path.buf, &f), "archive_open");
	INT_EQ(count_dir_entries(), 1, "only the temporary file exists while writing");
	OK(archive_add_file(w, "../x", "x", 1, 0644, &f) == -1 && f.kind == FAIL_USAGE &&
	   strstr(f.msg, "'..'"), "a '..' component is refused: %s", f.msg);
	INT_EQ(count_dir_entries(), 0, "the temporary is gone after a refusal");
	OK(archive_add_file(w, "ok", "x", 1, 0644, &f) == -1,
	   "later additions fail too");
	OK(archive_commit(w, &f) == -1 && stat(path.buf, &st) == -1,
	   "and the commit, which writes nothing");

	OK(!archive_open(&w, path.buf, &f), "archive_open again");
	OK(archive_add_file(w, "/etc/passwd", "", 0, 0644, &f) == -1, "an absolute name is refused");
	archive_abort(w);
	OK(!archive_open(&w, path.buf, &f), "archive_open again");
	OK(archive_add_dir(w, "a/./b", 0755, &f) == -1, "a '.' component is refused");
	archive_abort(w);
	OK(!archive_open(&w, path.buf, &f), "archive_open again");
	OK(archive_add_file(w, "a//b", "", 0, 0644, &f) == -1, "an empty component is refused");
	archive_abort(w);
	OK(!archive_open(&w, path.buf, &f), "archive_open again");
	for (i = 0; i < 26; i++)
		buf_adds(&name, "dir-567890/");
	buf_adds(&name, "f");
	OK(archive_add_file(w, name.buf, "", 0, 0644, &f) == -1 &&
	   strstr(f.msg, "255"), "a name over 255 bytes is refused: %s", f.msg);
	archive_abort(w);
	INT_EQ(count_dir_entries(), 0, "aborts leave nothing");

	/* a good archive */
	buf_reset(&name);
	for (i = 0; i < 14; i++)
		buf_adds(&name, "dir-567890/");	/* 154 bytes of prefix */
	buf_adds(&name, "file-with-a-long-name-0123456789012345678901234567890123456789.yaml");
	OK(!archive_open(&w, path.buf, &f), "archive_open");
	archive_set_mtime(w, 1700000000);
	OK(!archive_add_dir(w, "scenario", 0755, &f), "a directory");
	OK(!archive_add_file(w, "scenario/a.yaml", "kind: Pod\n", 10, 0644, &f), "a file");
	OK(!archive_add_file(w, name.buf, "x", 1, 0600, &f), "a long name: %s", f.msg);
	OK(!archive_commit(w, &f), "commit: %s", f.msg);
	OK(!stat(path.buf, &st) && (st.st_mode & 0777) == 0600, "the archive has mode 0600");
	INT_EQ(count_dir_entries(), 1, "and no temporary is left");
	OK(!read_file(path.buf, &gz) && !gunzip(gz.buf, gz.len, &tar),
	   "the archive is one valid gzip member");
	INT_EQ(tar.len % 10240, 0, "the tar is padded to whole records");
	h = (const unsigned char *)tar.buf;
	STR_EQ(tar.buf, "scenario/", "a directory's name ends in '/'");
	OK(h[156] == '5' && !memcmp(h + 257, "ustar\0" "00", 8), "a ustar directory entry");
	memcpy(field, h + 148, 8);
	memset((char *)tar.buf + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += h[i];
	OK(strtoul(field, NULL, 8) == sum, "the header checksum is right");
	h += 512;
	STR_EQ((const char *)h, "scenario/a.yaml", "the file's name");
	STR_EQ((const char *)h + 100, "0000644", "its mode");
	STR_EQ((const char *)h + 124, "00000000012", "its size");
	STR_EQ((const char *)h + 136, "14524770400", "its mtime");
	STR_EQ((const char *)h + 265, "root", "its owner");
	OK(!memcmp(h + 512, "kind: Pod\n\0", 11), "its contents, padded with NULs");
	h += 1024;
	snprintf(field, sizeof(field), "%.155s", (const char *)h + 345);
	OK(strlen(field) == 153 && !strncmp(name.buf, field, 153) &&
	   !strcmp((const char *)h, name.buf + 154),
	   "a long name is split into prefix and name");
	buf_release(&gz);
	buf_release(&tar);

	/* a missing directory is an I/O failure */
	buf_addf(&path, ".d/none/x.tar.gz");
	OK(archive_open(&w, path.buf, &f) == -1 && f.kind == FAIL_IO,
	   "a destination in a missing directory: %s", f.msg);
	buf_reset(&path);
	buf_addf(&path, "%s/out.tar.gz", tmpdir);
	unlink(path.buf);
	rmdir(tmpdir);
	buf_release(&path);
	buf_release(&name);
}

void test_archive(void)
{
	test_deflate();
	test_tar();
}
