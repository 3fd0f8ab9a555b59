// SPDX-License-Identifier: GPL-2.0
/* --dev to the superblock's s_dev; see devres.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "common.h"
#include "devres.h"

struct mnt {
	int id;
	uint32_t sdev;
	char point[512];
	char fstype[32];
	char source[512];
};

struct mounts {
	struct mnt *v;
	size_t n;
};

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = 0;
}

/* "36 35 98:0 /root /mnt/point opts [optional...] - fstype source superopts" */
static int parse_line(char *line, struct mnt *m)
{
	char *save = NULL, *tok, *f[6];
	unsigned int maj, min;
	int i = 0;

	for (tok = strtok_r(line, " \n", &save); tok && i < 6;
	     tok = strtok_r(NULL, " \n", &save))
		f[i++] = tok;
	if (i < 6 || sscanf(f[2], "%u:%u", &maj, &min) != 2)
		return -1;
	while (tok && strcmp(tok, "-"))
		tok = strtok_r(NULL, " \n", &save);
	if (!tok)
		return -1;
	m->id = atoi(f[0]);
	m->sdev = wbg_kdev(maj, min);
	unescape(f[4]);
	snprintf(m->point, sizeof(m->point), "%s", f[4]);
	tok = strtok_r(NULL, " \n", &save);
	snprintf(m->fstype, sizeof(m->fstype), "%s", tok ? tok : "?");
	tok = strtok_r(NULL, " \n", &save);
	if (tok)
		unescape(tok);
	snprintf(m->source, sizeof(m->source), "%s", tok ? tok : "");
	return 0;
}

static int read_mounts(const char *path, struct mounts *ms)
{
	char line[4096];
	FILE *f = fopen(path, "r");

	ms->v = NULL;
	ms->n = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct mnt m, *v;

		if (parse_line(line, &m))
			continue;
		v = realloc(ms->v, (ms->n + 1) * sizeof(*v));
		if (!v)
			break;
		ms->v = v;
		ms->v[ms->n++] = m;
	}
	fclose(f);
	return 0;
}

/* "MAJ:MIN" in a sysfs file -> kdev, or 0 */
static uint32_t read_devfile(const char *path)
{
	unsigned int maj, min;
	FILE *f = fopen(path, "r");
	int n;

	if (!f)
		return 0;
	n = fscanf(f, "%u:%u", &maj, &min);
	fclose(f);
	return n == 2 ? wbg_kdev(maj, min) : 0;
}

/* The block device a mount source names: the node's rdev (symlinks
 * followed), else sysfs by its base name. 0: not a block device. */
static uint32_t source_dev(const struct wbg_devres_env *env, const char *src)
{
	char path[PATH_MAX];
	const char *base;
	struct stat st;

	if (src[0] != '/')
		return 0;
	if (!stat(src, &st))
		return S_ISBLK(st.st_mode) ? wbg_kdev(major(st.st_rdev), minor(st.st_rdev)) : 0;
	base = strrchr(src, '/') + 1;
	snprintf(path, sizeof(path), "%s/%s/dev", env->class_block, base);
	return read_devfile(path);
}

/* The name of block device @dev in class/block, or false. */
static bool block_name(const struct wbg_devres_env *env, uint32_t dev,
		       char *name, size_t len)
{
	DIR *d = opendir(env->class_block);
	struct dirent *de;
	bool found = false;

	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		char path[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/dev", env->class_block, de->d_name);
		if (read_devfile(path) == dev) {
			snprintf(name, len, "%s", de->d_name);
			found = true;
		}
	}
	closedir(d);
	return found;
}

static void fmt_dev(char *buf, size_t len, uint32_t dev)
{
	snprintf(buf, len, "%u:%u", wbg_kdev_major(dev), wbg_kdev_minor(dev));
}

static const struct mnt *mount_of_sdev(const struct mounts *ms, uint32_t sdev)
{
	size_t i;

	for (i = 0; i < ms->n; i++)
		if (ms->v[i].sdev == sdev)
			return &ms->v[i];
	return NULL;
}

/*
 * Block device @dev: the s_dev of what is mounted from it; refuse a whole
 * disk with partitions; not mounted: @dev itself.
 */
static int resolve_bdev(const struct wbg_devres_env *env, const struct mounts *ms,
			const char *arg, uint32_t dev, uint32_t *kdev,
			char *why, size_t why_len, char *how, size_t how_len)
{
	char name[256], path[PATH_MAX], d[32];
	const struct mnt *hit = NULL;
	size_t i, off;
	DIR *dir;
	struct dirent *de;
	int nparts = 0;

	for (i = 0; i < ms->n; i++) {
		if (source_dev(env, ms->v[i].source) != dev)
			continue;
		if (hit && hit->sdev != ms->v[i].sdev) {
			snprintf(why, why_len, "%s is the source of two filesystems (%s on %s, %s on %s): name a mount point",
				 arg, hit->fstype, hit->point, ms->v[i].fstype, ms->v[i].point);
			return -1;
		}
		if (!hit)
			hit = &ms->v[i];
	}
	if (hit) {
		*kdev = hit->sdev;
		fmt_dev(d, sizeof(d), hit->sdev);
		snprintf(how, how_len, "%s on %s, s_dev %s", hit->fstype, hit->point, d);
		return 0;
	}
	/* not mounted: a whole disk whose partitions hold the filesystems? */
	if (block_name(env, dev, name, sizeof(name))) {
		snprintf(path, sizeof(path), "%s/%s", env->class_block, name);
		dir = opendir(path);
		off = (size_t)snprintf(why, why_len, "%s is a whole disk with partitions; name one of them:", arg);
		while (dir && (de = readdir(dir))) {
			char p[PATH_MAX + 512];
			uint32_t pdev;
			const struct mnt *pm = NULL;

			snprintf(p, sizeof(p), "%s/%s/partition", path, de->d_name);
			if (de->d_name[0] == '.' || access(p, F_OK))
				continue;
			snprintf(p, sizeof(p), "%s/%s/dev", path, de->d_name);
			pdev = read_devfile(p);
			for (i = 0; i < ms->n && !pm; i++)
				if (source_dev(env, ms->v[i].source) == pdev)
					pm = &ms->v[i];
			fmt_dev(d, sizeof(d), pdev);
			if (off < why_len)
				off += (size_t)snprintf(why + off, why_len - off, "%s /dev/%s (%s%s%s%s%s)",
							nparts ? "," : "", de->d_name, d,
							pm ? ", " : ", not mounted", pm ? pm->fstype : "",
							pm ? " on " : "", pm ? pm->point : "");
			nparts++;
		}
		if (dir)
			closedir(dir);
		if (nparts)
			return -1;
	}
	*kdev = dev;
	fmt_dev(d, sizeof(d), dev);
	snprintf(how, how_len, "block device %s, not mounted now", d);
	return 0;
}

int wbg_resolve_dev(const char *arg, const struct wbg_devres_env *env,
		    uint32_t *kdev, char *why, size_t why_len,
		    char *how, size_t how_len)
{
	static const struct wbg_devres_env sys = {
		.mountinfo = "/proc/self/mountinfo",
		.class_block = "/sys/class/block",
	};
	const char *syntax_why = NULL;
	char howbuf[8], d[32], blk[PATH_MAX];
	struct mounts ms;
	const struct mnt *m;
	struct statx stx;
	struct stat st;
	uint32_t dev;
	int ret = 0;

	if (!env)
		env = &sys;
	if (!how) {
		how = howbuf;
		how_len = sizeof(howbuf);
	}
	how[0] = 0;
	read_mounts(env->mountinfo, &ms);	/* none: literal forms only */

	if (strchr(arg, ':') && arg[0] != '/' && arg[0] != '.') {
		if (wbg_parse_dev(arg, &dev, &syntax_why)) {
			snprintf(why, why_len, "%s", syntax_why);
			ret = -1;
		} else if ((m = mount_of_sdev(&ms, dev))) {
			*kdev = dev;
			snprintf(how, how_len, "%s on %s", m->fstype, m->point);
		} else {
			fmt_dev(d, sizeof(d), dev);
			if (block_name(env, dev, blk, sizeof(blk)))
				ret = resolve_bdev(env, &ms, arg, dev, kdev, why, why_len,
						   how, how_len);
			else {
				*kdev = dev;
				snprintf(how, how_len, "s_dev %s, no filesystem mounted with it now", d);
			}
		}
		goto out;
	}
	if (stat(arg, &st)) {
		snprintf(why, why_len, "no such device, file or mount point");
		ret = -1;
		goto out;
	}
	if (S_ISBLK(st.st_mode)) {
		ret = resolve_bdev(env, &ms, arg, wbg_kdev(major(st.st_rdev), minor(st.st_rdev)),
				   kdev, why, why_len, how, how_len);
		goto out;
	}
	/* a path: the mount it lives in (btrfs: stat's st_dev is the
	 * subvolume's, the superblock's s_dev is in mountinfo) */
	if (!statx(AT_FDCWD, arg, 0, STATX_MNT_ID, &stx) && (stx.stx_mask & STATX_MNT_ID)) {
		size_t i;

		for (i = 0; i < ms.n; i++) {
			if ((uint64_t)ms.v[i].id != stx.stx_mnt_id)
				continue;
			*kdev = ms.v[i].sdev;
			fmt_dev(d, sizeof(d), ms.v[i].sdev);
			snprintf(how, how_len, "%s on %s, s_dev %s", ms.v[i].fstype,
				 ms.v[i].point, d);
			goto out;
		}
	}
	*kdev = wbg_kdev(major(st.st_dev), minor(st.st_dev));
out:
	free(ms.v);
	return ret;
}
