/*
 * lsp.h: the language server's core: the wire framing of the Language
 * Server Protocol (JSON-RPC 2.0 messages behind a Content-Length header),
 * the store of open documents, positions in UTF-16 code units, and the
 * answers to each method.  It reads bytes and writes framed messages into
 * a buffer; plugin/cmd-lsp.c moves them between stdin and stdout.
 */
#ifndef KATIB_SRC_LSP_H
#define KATIB_SRC_LSP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "doc-yaml.h"
#include "katib-config.h"

/*
 * A header longer than this is refused: real ones are two short lines,
 * and an endless one must not grow the buffer without bound.
 */
#define LSP_MAX_HEADER 4096
/* A body longer than this is refused and skipped without being kept. */
#define LSP_MAX_BODY ((uint64_t)64 << 20)

struct lsp_frame {
	struct buf in;
	uint64_t skip;		/* bytes of a refused body still to drop */
	int skip_header;	/* dropping an overlong header to its end */
};

#define LSP_FRAME_INIT { BUF_INIT, 0, 0 }

void lsp_frame_release(struct lsp_frame *f);
void lsp_frame_feed(struct lsp_frame *f, const char *data, size_t len);
/*
 * The next complete message: returns 1 with *body (NUL-terminated, caller
 * frees) and *len; 0 when more bytes are needed; -1 when a message was
 * refused (*why says why), after which reading goes on past it.
 */
int lsp_frame_next(struct lsp_frame *f, char **body, size_t *len,
		   const char **why);
/* Appends body with its header, as it goes on the wire. */
void lsp_frame_write(struct buf *out, const char *body, size_t len);

/*
 * Positions.  LSP counts lines from 0 and characters in UTF-16 code
 * units; our positions count lines and characters (code points) from 1.
 */
/* The byte offset of an LSP position, clamped to its line and the text. */
size_t lsp_offset(const char *text, size_t len, uint32_t line,
		  uint32_t character);
/* The LSP position of byte offset off. */
void lsp_position(const char *text, size_t len, size_t off, uint32_t *line,
		  uint32_t *character);
/* The UTF-16 character of 1-based line and code-point column. */
uint32_t lsp_character(const char *text, size_t len, uint32_t line,
		       uint32_t col);

/*
 * What the command line knows before the client says anything: the
 * settings of .katib-lint.yaml.  Strings are copied.
 */
struct lsp_defaults {
	const enum severity *severities;	/* per rule; -1 unset; may be NULL */
	const char *katib_version;		/* NULL: the latest */
	const char *katib_config;		/* a file, NULL: a default install */
};

struct lsp_doc;

struct lsp_server {
	struct lsp_doc *docs;
	/* The defaults and the client's settings, which win over them. */
	int *default_severities;	/* per rule; -1 unset */
	char *default_version, *default_config;
	int *severities_set;		/* per rule, the client's; -1 unset */
	char *version, *config_path;
	/* What validation runs with, from the above. */
	struct katib_config config;
	int config_loaded;
	enum severity *severities;
	struct doc_limits limits;
	/* Framed messages for the client. */
	struct buf out;
	int initialized, shutdown;
	int done;		/* exit received */
	int exit_status;	/* 0 when shutdown came before exit */
};

void lsp_server_init(struct lsp_server *s, const struct lsp_defaults *dflt);
void lsp_server_release(struct lsp_server *s);
/* Answers one message (a request, a notification or a response). */
void lsp_handle(struct lsp_server *s, const char *body, size_t len);
/* Answers a message the framing refused. */
void lsp_refused(struct lsp_server *s, const char *why);

#endif
