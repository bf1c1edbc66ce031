#include "compat.h"
#include "screen.h"
#include "alloc.h"
#include "buf.h"
#include "cmd.h"

#include <errno.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted, resized;

static void on_signal(int sig)
{
	if (sig == SIGWINCH)
		resized = 1;
	else
		interrupted = sig;
}

void follow_signals_catch(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a poll or sleep in progress must end. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGWINCH, &sa, NULL);
}

int follow_interrupted(void)
{
	return interrupted;
}

int follow_resized(void)
{
	int r = resized;

	resized = 0;
	return r;
}

int follow_sleep(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (!interrupted && nanosleep(&ts, &ts) && errno == EINTR)
		;
	return interrupted ? -1 : 0;
}

int screen_usable(int fd)
{
	const char *term = getenv("TERM");

	return isatty(fd) && (!term || strcmp(term, "dumb"));
}

static void read_size(struct screen *s)
{
	struct winsize ws;

	s->cols = 80;
	s->rows = 24;
	if (!ioctl(s->fd, TIOCGWINSZ, &ws) && ws.ws_col && ws.ws_row) {
		s->cols = ws.ws_col;
		s->rows = ws.ws_row;
	}
}

void screen_open(struct screen *s, int fd)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	read_size(s);
}

int screen_rows(const struct screen *s)
{
	return s->rows > 4 ? s->rows - 1 : 3;
}

/*
 * One line cut to cols columns: UTF-8 sequences count as one column
 * (the view's glyphs are narrow) and escape sequences as none.
 */
static void add_cut(struct buf *out, const char *line, size_t len, int cols)
{
	size_t i = 0;
	int col = 0, escaped = 0;

	while (i < len) {
		unsigned char c = (unsigned char)line[i];
		size_t n = 1;

		if (c == 0x1b && i + 1 < len && line[i + 1] == '[') {
			/* A CSI sequence runs to its final byte, @ to ~. */
			n = 2;
			while (i + n < len && !((unsigned char)line[i + n] >= 0x40 &&
						(unsigned char)line[i + n] <= 0x7e))
				n++;
			n = i + n < len ? n + 1 : n;
			buf_add(out, line + i, n);
			escaped = 1;
			i += n;
			continue;
		}
		if (col >= cols)
			break;
		if (c >= 0xc0)
			while (i + n < len && ((unsigned char)line[i + n] & 0xc0) == 0x80)
				n++;
		buf_add(out, line + i, n);
		col++;
		i += n;
	}
	if (escaped && i < len)
		buf_adds(out, "\033[m");
}

void screen_draw(struct screen *s, const char *frame)
{
	struct buf out = BUF_INIT;
	const char *p = frame;
	size_t lines = 0, max;
	int was_resized = follow_resized();

	if (was_resized)
		read_size(s);
	if (!was_resized && s->shown && !strcmp(s->shown, frame))
		return;
	max = (size_t)screen_rows(s);
	buf_adds(&out, "\033[?25l");
	if (was_resized)
		buf_adds(&out, "\033[H\033[2J");
	else if (s->lines)
		buf_addf(&out, "\r\033[%zuA", s->lines);
	while (*p && lines < max) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		add_cut(&out, p, len, s->cols);
		buf_adds(&out, "\033[K\n");
		lines++;
		p += len + (nl != NULL);
	}
	buf_adds(&out, "\033[J\033[?25h");
	/* A terminal gone away loses the frame: nothing to do about it. */
	(void)write_all(s->fd, out.buf, out.len);
	buf_release(&out);
	s->lines = lines;
	free(s->shown);
	s->shown = xstrdup(frame);
}

void screen_close(struct screen *s)
{
	free(s->shown);
	s->shown = NULL;
}
