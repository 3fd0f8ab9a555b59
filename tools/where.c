// SPDX-License-Identifier: GPL-2.0
/* File and cgroup names for reports: see where.h. Plain C. */
#define _GNU_SOURCE
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "jw.h"
#include "where.h"

/* Kernel dev_t (MINORBITS 20) -> the user-space dev_t stat() reports. */
static dev_t user_dev(uint32_t kdev)
{
	return makedev(kdev >> 20, kdev & 0xfffff);
}

static int from_fds(const char *proc, dev_t dev, uint64_t ino, uint32_t pid,
		    char *buf, size_t len)
{
	char dir[256], link[512];
	struct dirent *d;
	struct stat st;
	int found = -1;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/%u/fd", proc, pid);
	dp = opendir(dir);
	if (!dp)
		return -1;
	while (found < 0 && (d = readdir(dp))) {
		ssize_t n;

		if (d->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, d->d_name);
		if (stat(link, &st) || st.st_ino != ino || st.st_dev != dev)
			continue;
		n = readlink(link, buf, len - 1);
		if (n > 0) {
			buf[n] = 0;
			found = 0;
		}
	}
	closedir(dp);
	return found;
}

/* /proc/PID/maps: "start-end perms offset MAJ:MIN inode   path" (hex dev) */
static int from_maps(const char *proc, dev_t dev, uint64_t ino, uint32_t pid,
		     char *buf, size_t len)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	int found = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%u/maps", proc, pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (found < 0 && getline(&line, &cap, f) > 0) {
		unsigned int maj, min;
		unsigned long long i;
		int off = 0;

		if (sscanf(line, "%*s %*s %*s %x:%x %llu %n", &maj, &min, &i, &off) < 3 ||
		    !off || i != ino || makedev(maj, min) != dev)
			continue;
		line[strcspn(line, "\n")] = 0;
		snprintf(buf, len, "%s", line + off);
		found = buf[0] ? 0 : -1;
	}
	free(line);
	fclose(f);
	return found;
}

int wbg_file_path(const char *proc, uint32_t kdev, uint64_t ino, uint32_t pid,
		  char *buf, size_t len)
{
	dev_t dev = user_dev(kdev);

	if (!pid || len < 2)
		return -1;
	if (!from_fds(proc, dev, ino, pid, buf, len))
		return 0;
	return from_maps(proc, dev, ino, pid, buf, len);
}

static uint64_t want_id;
static char *found_path;

static int visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (flag != FTW_D || st->st_ino != want_id)
		return 0;
	found_path = strdup(path);
	return 1;	/* stop the walk */
}

int wbg_cgroup_path(const char *root, uint64_t id, char *buf, size_t len)
{
	size_t rl = strlen(root);
	int rc = -1;

	if (!id)
		return -1;
	want_id = id;
	found_path = NULL;
	nftw(root, visit, 16, FTW_PHYS | FTW_MOUNT);
	if (found_path) {
		snprintf(buf, len, "%s", found_path[rl] ? found_path + rl : "/");
		free(found_path);
		rc = 0;
	}
	return rc;
}

/*
 * cgroup id -> path, remembered: reports come in bursts from the same few
 * cgroups, and a walk of /sys/fs/cgroup must not hold up the ring buffer
 * reader each time. A miss is remembered too (as "").
 */
#define CG_CACHE 16

/* Where cgroup2 is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified on
 * a hybrid v1+v2 host), from /proc/self/mountinfo; NULL if nowhere. */
static const char *cgroup2_root(void)
{
	static char root[512];
	static int done;
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	if (done)
		return root[0] ? root : NULL;
	done = 1;
	f = fopen("/proc/self/mountinfo", "r");
	if (!f)
		return NULL;
	while (getline(&line, &cap, f) > 0) {
		char mnt[512];
		const char *sep = strstr(line, " - ");

		if (!sep || strncmp(sep, " - cgroup2 ", 11) ||
		    sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1)
			continue;
		snprintf(root, sizeof(root), "%s", mnt);
		break;
	}
	free(line);
	fclose(f);
	return root[0] ? root : NULL;
}

static void cgroup_cached(uint64_t id, char *buf, size_t len)
{
	static struct { uint64_t id; char path[512]; } cache[CG_CACHE];
	static unsigned int next;
	unsigned int i;

	buf[0] = 0;
	if (!id)
		return;
	for (i = 0; i < CG_CACHE; i++)
		if (cache[i].id == id) {
			snprintf(buf, len, "%s", cache[i].path);
			return;
		}
	if (!cgroup2_root() || wbg_cgroup_path(cgroup2_root(), id, buf, len))
		buf[0] = 0;
	i = next++ % CG_CACHE;
	cache[i].id = id;
	snprintf(cache[i].path, sizeof(cache[i].path), "%s", buf);
}

void wbg_where_fill(struct wbg_where *w, uint32_t kdev, uint64_t ino,
		    uint32_t pid, uint32_t pid2, uint64_t cgroup_id)
{
	memset(w, 0, sizeof(*w));
	w->dev = kdev;
	w->ino = ino;
	w->cgroup_id = cgroup_id;
	if (ino && wbg_file_path("/proc", kdev, ino, pid, w->file, sizeof(w->file)) &&
	    (!pid2 || pid2 == pid ||
	     wbg_file_path("/proc", kdev, ino, pid2, w->file, sizeof(w->file))))
		w->file[0] = 0;
	cgroup_cached(cgroup_id, w->cgroup, sizeof(w->cgroup));
}

void wbg_where_json(struct jw *j, const struct wbg_where *w)
{
	jw_dev(j, "dev", w->dev);
	jw_u64(j, "ino", w->ino);
	jw_str(j, "file", w->file[0] ? w->file : NULL);
	jw_u64(j, "cgroup_id", w->cgroup_id);
	jw_str(j, "cgroup", w->cgroup[0] ? w->cgroup : NULL);
}

void wbg_where_text(FILE *f, const struct wbg_where *w)
{
	if (w->file[0])
		fprintf(f, " file %s (dev %u:%u ino %llu)", w->file, w->dev >> 20,
			w->dev & 0xfffff, (unsigned long long)w->ino);
	else
		fprintf(f, " dev %u:%u ino %llu", w->dev >> 20, w->dev & 0xfffff,
			(unsigned long long)w->ino);
	if (w->cgroup[0])
		fprintf(f, " cgroup %s (id %llu)", w->cgroup, (unsigned long long)w->cgroup_id);
	else if (w->cgroup_id)
		fprintf(f, " cgroup id %llu", (unsigned long long)w->cgroup_id);
}
