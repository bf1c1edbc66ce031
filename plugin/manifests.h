/*
 * manifests.h: the files a command line names, read as validate reads
 * them, so that `validate DIR` and `create -f DIR` see the same files.
 */
#ifndef KATIB_PLUGIN_MANIFESTS_H
#define KATIB_PLUGIN_MANIFESTS_H

#include <sys/types.h>

struct manifest_walk {
	/*
	 * Called for each file: named is 1 for a path given on the command
	 * line ("-" included), 0 for a file found in a directory.
	 */
	void (*file)(struct manifest_walk *w, const char *path, int named);
	void *data;		/* the caller's */
	int unreadable;		/* a path or directory could not be read */
	struct {
		dev_t dev;
		ino_t ino;
	} *dirs;
	size_t nr_dirs, alloc_dirs;
};

#define MANIFEST_WALK_INIT(fn, data) { (fn), (data), 0, NULL, 0, 0 }

/*
 * Hands path to w->file, or, for a directory, its *.yaml, *.yml and
 * *.json regular files and its subdirectories in name order, hidden ones
 * left out, each directory once.  A path that cannot be read is reported
 * on stderr and sets w->unreadable.
 */
void manifest_walk(struct manifest_walk *w, const char *path);

/* Frees what the walk kept; w can walk again. */
void manifest_walk_release(struct manifest_walk *w);

#endif
