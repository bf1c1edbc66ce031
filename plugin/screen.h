/*
 * screen.h: a view that follows a cluster (status -w, get -w).  On a
 * terminal each frame replaces the last in place: the cursor goes back
 * to the frame's first line and every line is rewritten and cleared to
 * its end, in one write, so nothing flickers and the scrollback keeps
 * what was there before.  Lines are cut to the terminal's width and the
 * frame to its height, or the cursor arithmetic would not hold.
 *
 * It also owns the signals such a view answers: Ctrl-C (and SIGTERM)
 * ends it, a resize redraws it.
 */
#ifndef KATIB_PLUGIN_SCREEN_H
#define KATIB_PLUGIN_SCREEN_H

#include <stddef.h>

struct screen {
	int fd;
	int cols, rows;
	size_t lines;		/* of the frame on the screen */
	char *shown;		/* that frame, to skip redrawing the same */
};

/* Whether fd is a terminal a frame can be redrawn on (TERM is not "dumb"). */
int screen_usable(int fd);

void screen_open(struct screen *s, int fd);

/* Rows a frame may have: one less than the terminal's, at least 3. */
int screen_rows(const struct screen *s);

/*
 * Draws frame (lines ending in '\n') over the last one.  A resize since
 * the last frame clears the screen first: wrapped lines have moved.
 */
void screen_draw(struct screen *s, const char *frame);
void screen_close(struct screen *s);

/* Catches SIGINT, SIGTERM and SIGWINCH, without SA_RESTART: a wait ends. */
void follow_signals_catch(void);

/* The signal that asked the view to end (SIGINT, SIGTERM), or 0. */
int follow_interrupted(void);

/* Whether SIGWINCH came since the last call. */
int follow_resized(void);

/*
 * Sleeps ms, or less when a signal comes.  Returns 0, or -1 once
 * follow_interrupted() is set.
 */
int follow_sleep(long ms);

#endif
