/*
 * archive.h: writes a .tar.gz (POSIX ustar inside gzip) with no
 * compression library: a DEFLATE encoder of its own (LZ77 with hash
 * chains, fixed Huffman codes, stored blocks where those are smaller).
 *
 * Archives are reproducible: the gzip header has no name and mtime 0 (as
 * gzip -n), every entry has uid/gid 0, owner "root", and one mtime.
 *
 * The archive is written to a temporary file of mode 0600 in the
 * destination's directory; only archive_commit() renames it into place,
 * so a failed or aborted archive never leaves a partial file.
 */
#ifndef KATIB_SRC_ARCHIVE_H
#define KATIB_SRC_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct fail;

struct archive;

/*
 * Starts an archive that will become dest_path.  Returns 0, or -1 with f
 * set (FAIL_IO: the directory is missing or not writable).  The writer is
 * released by archive_commit() or archive_abort(), whatever happens.
 */
int archive_open(struct archive **out, const char *dest_path, struct fail *f);

/* The mtime of the entries added from now on (default 0, the epoch). */
void archive_set_mtime(struct archive *w, int64_t mtime);

/*
 * Adds a directory or a regular file.  name is relative, '/'-separated,
 * at most 255 bytes (a directory's trailing '/' is added when missing and
 * counts), with no "..", "." or empty components; a name that ustar
 * cannot split into its 155-byte prefix and 100-byte name fields is
 * refused too.  mode keeps its permission bits (07777).  Returns 0, or -1
 * with f set: FAIL_USAGE for a bad name, FAIL_TOO_LARGE for a file of
 * 8 GiB or more, FAIL_IO when writing failed.  After any failure the
 * temporary file is already gone and only archive_abort() remains to do.
 */
int archive_add_dir(struct archive *w, const char *name, unsigned mode,
		    struct fail *f);
int archive_add_file(struct archive *w, const char *name, const void *data,
		     size_t len, unsigned mode, struct fail *f);

/*
 * Finishes the archive, flushes and fsyncs it, and renames it to the
 * destination (mode 0600).  Frees w.  Returns 0, or -1 with f set and the
 * temporary file removed (f keeps an earlier failure of w if there was one).
 */
int archive_commit(struct archive *w, struct fail *f);
/* Removes the temporary file and frees w.  NULL is fine. */
void archive_abort(struct archive *w);

/* CRC-32 (ISO-HDLC, as gzip): crc 0 to start, then chain. */
uint32_t archive_crc32(uint32_t crc, const void *data, size_t len);

/* Appends data compressed as a gzip member (the archive's encoder) to out. */
void archive_gzip(const void *data, size_t len, struct buf *out);

#endif
