/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Naming what a violation is about, on that rare path only: the file
 * (a path when the writer still has it open or mapped, else device +
 * inode) and the writer's cgroup (id from BPF, path by a walk of
 * /sys/fs/cgroup: a cgroup v2 id is its directory's inode number).
 */
#ifndef WBG_WHERE_H
#define WBG_WHERE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Path of the file (kernel dev_t @kdev, inode @ino) as task @pid sees it:
 * its open file descriptors, then its mappings. Returns 0 and the path in
 * @buf, or -1 (the task is gone or has no such file). @proc: "/proc"
 * (tests pass another root).
 */
int wbg_file_path(const char *proc, uint32_t kdev, uint64_t ino, uint32_t pid,
		  char *buf, size_t len);

/* Path of cgroup v2 @id under @root ("/sys/fs/cgroup"), as "/a/b" ("/" for
 * the root). Returns 0, or -1 if not found. */
int wbg_cgroup_path(const char *root, uint64_t id, char *buf, size_t len);



#include <stdbool.h>
#include <stdio.h>
struct jw;

/* What a report names: filled once per printed report. */
struct wbg_where {
	uint32_t dev;
	uint64_t ino;
	char file[512];		/* "" when not resolved */
	uint64_t cgroup_id;
	char cgroup[512];	/* "" when not resolved */
};

/* Resolve through @pid, then @pid2 (0: none), in /proc and /sys/fs/cgroup. */
void wbg_where_fill(struct wbg_where *w, uint32_t kdev, uint64_t ino,
		    uint32_t pid, uint32_t pid2, uint64_t cgroup_id);
/* "dev","ino","file" (null if unresolved),"cgroup_id","cgroup" */
void wbg_where_json(struct jw *j, const struct wbg_where *w);
/* " file PATH" or " dev M:m ino N", then " cgroup PATH (id N)" */
void wbg_where_text(FILE *f, const struct wbg_where *w);
#endif
