#include "compat.h"
#include "harness.h"
#include "alloc.h"
#include "lsp.h"

/* Feeds all of data at once, or byte by byte, and reads what comes out. */
struct got {
	unsigned messages, refused;
	char last[256];
	char why[64];
};

static void drain(struct lsp_frame *f, struct got *g)
{
	char *body;
	size_t len;
	const char *why;
	int r;

	while ((r = lsp_frame_next(f, &body, &len, &why))) {
		if (r < 0) {
			g->refused++;
			snprintf(g->why, sizeof(g->why), "%s", why);
			continue;
		}
		g->messages++;
		snprintf(g->last, sizeof(g->last), "%.*s", (int)len, body);
		free(body);
	}
}

static struct got frame_all(const char *data, size_t len, int bytewise)
{
	struct lsp_frame f = LSP_FRAME_INIT;
	struct got g;
	size_t i;

	memset(&g, 0, sizeof(g));
	if (!bytewise) {
		lsp_frame_feed(&f, data, len);
		drain(&f, &g);
	}
	for (i = 0; bytewise && i < len; i++) {
		lsp_frame_feed(&f, data + i, 1);
		drain(&f, &g);
	}
	lsp_frame_release(&f);
	return g;
}

#define MSG(body) "Content-Length: " #body "\r\n\r\n"
#define FRAME(s) frame_all((s), strlen(s), 0)

void test_lsp_framing(void)
{
	static const char two[] =
		"Content-Length: 7\r\n\r\n{\"a\":1}"
		"content-length:  2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n[]";
	struct got g;
	char *big;
	size_t n;
	int bytewise;

	for (bytewise = 0; bytewise <= 1; bytewise++) {
		g = frame_all(two, sizeof(two) - 1, bytewise);
		INT_EQ(g.messages, 2, bytewise ? "two messages fed byte by byte"
					       : "two messages in one read");
		INT_EQ(g.refused, 0, "nothing refused");
		STR_EQ(g.last, "[]", "the header name is case-insensitive; other headers are ignored");
	}

	g = FRAME("Content-Length: 5\r\n\r\n{\"a\"");
	INT_EQ(g.messages, 0, "a partial body waits for more");

	g = FRAME("Content-Type: x\r\n\r\nContent-Length: 2\r\n\r\n{}");
	INT_EQ(g.refused, 1, "a header without Content-Length is refused");
	STR_EQ(g.why, "no Content-Length header", "and says why");
	INT_EQ(g.messages, 1, "the next message is still read");

	g = FRAME("Content-Length: 1x\r\n\r\nContent-Length: 2\r\n\r\n{}");
	STR_EQ(g.why, "invalid Content-Length", "a length that is not a number is refused");
	INT_EQ(g.messages, 1, "reading goes on after it");

	g = FRAME("Content-Length: \r\n\r\nContent-Length: 2\r\n\r\n{}");
	STR_EQ(g.why, "invalid Content-Length", "an empty length is refused");

	g = FRAME("garbage\r\n\r\nContent-Length: 2\r\n\r\n{}");
	STR_EQ(g.why, "malformed header line", "a header line without a colon is refused");
	INT_EQ(g.messages, 1, "and the next message is read");

	{
		static const char huge_len[] =
			"Content-Length: 99999999999999999999999999\r\n\r\n"
			"Content-Length: 2\r\n\r\n{}";
		struct lsp_frame f = LSP_FRAME_INIT;

		memset(&g, 0, sizeof(g));
		lsp_frame_feed(&f, huge_len, sizeof(huge_len) - 1);
		drain(&f, &g);
		STR_EQ(g.why, "message too large", "a length beyond the cap is refused without overflow");
		INT_EQ(g.messages, 0, "its announced body is skipped, not parsed");
		OK(f.in.len == 0, "and not kept in memory");
		lsp_frame_release(&f);
	}

	/* An endless header: the buffer stays bounded, and reading resyncs. */
	n = 3 * LSP_MAX_HEADER;
	big = xmalloc(n + 64);
	memset(big, 'X', n);
	memcpy(big + n, "\r\n\r\n" MSG(2) "{}", 4 + 21 + 2);
	for (bytewise = 0; bytewise <= 1; bytewise++) {
		struct lsp_frame f = LSP_FRAME_INIT;
		size_t i, max = 0;

		memset(&g, 0, sizeof(g));
		for (i = 0; i < n + 27; i += bytewise ? 1 : 1000) {
			size_t k = bytewise ? 1 : (n + 27 - i < 1000 ? n + 27 - i : 1000);

			lsp_frame_feed(&f, big + i, k);
			drain(&f, &g);
			if (f.in.len > max)
				max = f.in.len;
		}
		INT_EQ(g.refused, 1, "an overlong header is refused once");
		STR_EQ(g.why, "header too long", "and says why");
		INT_EQ(g.messages, 1, "the message after it is read");
		OK(max <= LSP_MAX_HEADER + 1004, "the buffer never holds much more than a header (%zu)", max);
		lsp_frame_release(&f);
	}
	free(big);

	{
		struct buf out = BUF_INIT;

		lsp_frame_write(&out, "{}", 2);
		STR_EQ(out.buf, "Content-Length: 2\r\n\r\n{}", "a message is written with its length");
		buf_release(&out);
	}
}

void test_lsp_positions(void)
{
	/* "é" is 2 bytes, 1 UTF-16 unit; "😀" 4 bytes, 2 units (a surrogate pair). */
	static const char t[] = "a: x\r\nname: \"é😀\" # z\nlast";
	size_t len = sizeof(t) - 1;
	uint32_t line, ch;
	size_t name_x = 6 + strlen("name: \"é😀\" ");

	INT_EQ(lsp_offset(t, len, 0, 2), 2, "line 0, character 2");
	INT_EQ(lsp_offset(t, len, 0, 99), 4, "a character past the end of a line stops before its CRLF");
	INT_EQ(lsp_offset(t, len, 1, 8), 6 + 7 + 2, "'é' is one UTF-16 unit of two bytes");
	INT_EQ(lsp_offset(t, len, 1, 10), 6 + 7 + 2 + 4, "'😀' is two UTF-16 units of four bytes");
	INT_EQ(lsp_offset(t, len, 1, 12), name_x, "after the emoji");
	INT_EQ(lsp_offset(t, len, 7, 0), len, "a line past the end is the end");
	lsp_position(t, len, name_x, &line, &ch);
	INT_EQ(line, 1, "byte offset to line");
	INT_EQ(ch, 12, "byte offset to UTF-16 character");
	lsp_position(t, len, len, &line, &ch);
	INT_EQ(line, 2, "the end's line");
	INT_EQ(ch, 4, "the end's character");
	/* Our columns count code points from 1: '#' is column 12 of line 2. */
	INT_EQ(lsp_character(t, len, 2, 12), 12, "code-point column 12 after é and 😀 is UTF-16 character 12");
	INT_EQ(lsp_character(t, len, 2, 9), 8, "column 9 (the emoji) is character 8");
	INT_EQ(lsp_character(t, len, 2, 10), 10, "column 10 is character 10");
	INT_EQ(lsp_character(t, len, 0, 5), 0, "no line is character 0");
}
