#include "compat.h"
#include "cmd.h"
#include "buf.h"
#include "fail.h"

#include <errno.h>
#include <unistd.h>

/*
 * The bytes put_safe() replaces: C0 controls but tab and newline, DEL, and
 * 0xc2, the lead byte of the C1 controls (checked with its follower).
 * A table: validation prints a megabyte of findings per 4 MB of stream,
 * and the test per byte was a fifth of output's cost.
 */
static const unsigned char suspect[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1,
	[0x06] = 1, [0x07] = 1, [0x08] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1,
	[0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1,
	[0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1,
	[0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1,
	[0x7f] = 1, [0xc2] = 1,
};

/*
 * Writes s with each control character (C0 but tab and newline, DEL, and
 * C1 as UTF-8) as one '?': text from a hostile file, cluster or plugin
 * must not drive the terminal (set its title, clear it, fake a clean
 * run).  One character for one keeps the caret under its column.
 */
void put_safe(FILE *fp, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, run = 0;

	/* Safe runs go out whole: findings are printed in bulk. */
	for (i = 0; i < len; i++) {
		int c1;

		if (!suspect[u[i]])
			continue;
		c1 = u[i] == 0xc2;
		if (c1 && !(i + 1 < len && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f))
			continue;	/* 0xc2 leading a printable character */
		fwrite(s + run, 1, i - run, fp);
		fputc('?', fp);
		i += c1;
		run = i + 1;
	}
	fwrite(s + run, 1, len - run, fp);
}

void puts_safe(FILE *fp, const char *s)
{
	put_safe(fp, s, strlen(s));
}

/*
 * stderr for a message, after stdout's pending bytes: stdout is buffered
 * and stderr is not, so without the flush a summary or an error reaches
 * a pipe both share (2>&1 | head) before the findings written earlier.
 */
int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

FILE *errout(void)
{
	fflush(stdout);
	return stderr;
}

/* Messages quote files, clusters and plugins: each is put_safe(). */
static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;
	FILE *err = errout();

	buf_vaddf(&b, fmt, ap);
	fputs(prefix, err);
	put_safe(err, b.buf, b.len);
	fputc('\n', err);
	buf_release(&b);
}

void error_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("error: ", fmt, ap);
	va_end(ap);
}

void warning_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void hint_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("hint: ", fmt, ap);
	va_end(ap);
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("error: ", fmt, ap);
	va_end(ap);
	fprintf(errout(), "see 'kubectl katib%s%s --help'\n", cmd ? " " : "",
		cmd ? cmd : "");
	return STATUS_USAGE;
}

int api_failure(const struct fail *f)
{
	if (f->kind == FAIL_HTTP)
		fprintf(errout(), "%s\n", f->msg);
	else
		error_msg("%s", f->msg);
	if (f->hint[0])
		hint_msg("%s", f->hint);
	return STATUS_RUNTIME;
}
