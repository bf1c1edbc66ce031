/*
 * manifests.c: see manifests.h.
 */
#include "compat.h"
#include "manifests.h"

#include "alloc.h"
#include "cmd.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int wanted_file(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && !strcmp(name + n - 5, ".yaml")) ||
	       (n > 4 && !strcmp(name + n - 4, ".yml")) ||
	       (n > 5 && !strcmp(name + n - 5, ".json"));
}

static void walk_path(struct manifest_walk *w, const char *path, int named);

static void walk_dir(struct manifest_walk *w, const char *path,
		     const struct stat *st)
{
	struct dirent **list;
	int n, i;
	size_t k;

	/* A symlink loop would recurse forever: visit each directory once. */
	for (k = 0; k < w->nr_dirs; k++)
		if (w->dirs[k].dev == st->st_dev && w->dirs[k].ino == st->st_ino)
			return;
	ALLOC_GROW(w->dirs, w->nr_dirs + 1, w->alloc_dirs);
	w->dirs[w->nr_dirs].dev = st->st_dev;
	w->dirs[w->nr_dirs].ino = st->st_ino;
	w->nr_dirs++;

	n = scandir(path, &list, NULL, alphasort);
	if (n < 0) {
		error_msg("cannot read directory '%s': %s", path, strerror(errno));
		w->unreadable = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		const char *e = list[i]->d_name;
		char *child;
		struct stat cst;
		size_t len;

		if (e[0] == '.') {
			free(list[i]);
			continue;
		}
		len = strlen(path) + strlen(e) + 2;
		child = xmalloc(len);
		snprintf(child, len, "%s%s%s", path,
			 path[strlen(path) - 1] == '/' ? "" : "/", e);
		/* Only regular files: opening a FIFO would wait for a writer. */
		if (!stat(child, &cst) &&
		    (S_ISDIR(cst.st_mode) || (S_ISREG(cst.st_mode) && wanted_file(e))))
			walk_path(w, child, 0);
		free(child);
		free(list[i]);
	}
	free(list);
}

static void walk_path(struct manifest_walk *w, const char *path, int named)
{
	struct stat st;

	if (!strcmp(path, "-")) {
		w->file(w, "-", named);
		return;
	}
	if (stat(path, &st)) {
		error_msg("cannot read '%s': %s", path, strerror(errno));
		w->unreadable = 1;
		return;
	}
	if (S_ISDIR(st.st_mode))
		walk_dir(w, path, &st);
	else
		w->file(w, path, named);
}

void manifest_walk(struct manifest_walk *w, const char *path)
{
	walk_path(w, path, 1);
}

void manifest_walk_release(struct manifest_walk *w)
{
	free(w->dirs);
	w->dirs = NULL;
	w->nr_dirs = w->alloc_dirs = 0;
}
