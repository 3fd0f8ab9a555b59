// SPDX-License-Identifier: GPL-2.0
/*
 * --dev resolution (tools/devres.c) on a fake /proc/self/mountinfo and
 * /sys/class/block: btrfs's anonymous s_dev named by MAJ:MIN, by its block
 * device and through a subvolume mount; a whole disk with partitions
 * refused with the partitions named; escaped mount points; bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "wbg_test.h"
#include "common.h"
#include "devres.h"

static char root[] = "/tmp/wbg-devres-XXXXXX";
static char mi[300], cb[300];
static struct wbg_devres_env env;

static void put(const char *rel, const char *text)
{
	char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static void dir(const char *rel)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	mkdir(path, 0755);
}

static void make_tree(void)
{
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(mi, sizeof(mi), "%s/mountinfo", root);
	snprintf(cb, sizeof(cb), "%s/block", root);
	env.mountinfo = mi;
	env.class_block = cb;
	put("mountinfo",
	    "30 1 254:0 / / rw,relatime shared:1 - ext4 /dev/wbgfake-vda rw\n"
	    "40 30 0:45 / /mnt/btr rw,relatime shared:2 - btrfs /dev/wbgfake-loop1 rw,subvolid=5\n"
	    "41 30 0:45 /sub /mnt/sub rw,relatime - btrfs /dev/wbgfake-loop1 rw,subvolid=256\n"
	    "50 30 259:1 / /mnt/p\\0401 rw - xfs /dev/wbgfake-loop2p1 rw\n"
	    "60 30 0:23 / /dev/shm rw - tmpfs tmpfs rw\n"
	    "garbage line\n");
	dir("block");
	dir("block/wbgfake-vda");
	put("block/wbgfake-vda/dev", "254:0\n");
	dir("block/wbgfake-loop1");
	put("block/wbgfake-loop1/dev", "7:1\n");
	dir("block/wbgfake-loop2");
	put("block/wbgfake-loop2/dev", "7:2\n");
	dir("block/wbgfake-loop2/wbgfake-loop2p1");
	put("block/wbgfake-loop2/wbgfake-loop2p1/dev", "259:1\n");
	put("block/wbgfake-loop2/wbgfake-loop2p1/partition", "1\n");
	dir("block/wbgfake-loop2/wbgfake-loop2p2");
	put("block/wbgfake-loop2/wbgfake-loop2p2/dev", "259:2\n");
	put("block/wbgfake-loop2/wbgfake-loop2p2/partition", "2\n");
	dir("block/wbgfake-loop2/queue");	/* not a partition */
	dir("block/wbgfake-loop2p1");
	put("block/wbgfake-loop2p1/dev", "259:1\n");
	dir("block/wbgfake-loop2p2");
	put("block/wbgfake-loop2p2/dev", "259:2\n");
}

static int resolve(const char *arg, uint32_t *d, char *why, char *how)
{
	*d = 0;
	why[0] = how[0] = 0;
	return wbg_resolve_dev(arg, &env, d, why, 512, how, 512);
}

static void btrfs_anonymous_sdev(void)
{
	char why[512], how[512];
	uint32_t d;

	/* the s_dev itself */
	CHECK(resolve("0:45", &d, why, how) == 0);
	CHECK(d == wbg_kdev(0, 45));
	CHECK(strstr(how, "btrfs on /mnt/btr"));
	/* its block device, by MAJ:MIN: the superblock's anonymous s_dev */
	CHECK(resolve("7:1", &d, why, how) == 0);
	CHECK(d == wbg_kdev(0, 45));
	CHECK(strstr(how, "s_dev 0:45"));
}

static void partitions(void)
{
	char why[512], how[512];
	uint32_t d;

	/* a partition's dev_t is the s_dev of the filesystem on it */
	CHECK(resolve("259:1", &d, why, how) == 0);
	CHECK(d == wbg_kdev(259, 1));
	CHECK(strstr(how, "xfs on /mnt/p 1"));
	/* a partition not mounted: its own dev_t */
	CHECK(resolve("259:2", &d, why, how) == 0);
	CHECK(d == wbg_kdev(259, 2));
	CHECK(strstr(how, "not mounted"));
	/* the whole disk: refused, naming each partition and its mount */
	CHECK(resolve("7:2", &d, why, how) == -1);
	CHECK(strstr(why, "whole disk with partitions"));
	CHECK(strstr(why, "/dev/wbgfake-loop2p1 (259:1, xfs on /mnt/p 1)"));
	CHECK(strstr(why, "/dev/wbgfake-loop2p2 (259:2, not mounted)"));
	CHECK(!strstr(why, "queue"));
}

static void literal_and_bad(void)
{
	char why[512], how[512];
	uint32_t d;

	/* nothing mounted with it, not a block device: taken as is */
	CHECK(resolve("8:99", &d, why, how) == 0);
	CHECK(d == wbg_kdev(8, 99));
	CHECK(strstr(how, "no filesystem mounted"));
	CHECK(resolve("5000:1", &d, why, how) == -1);
	CHECK(strstr(why, "out of range"));
	CHECK(resolve("/no/such/path", &d, why, how) == -1);
	CHECK(strstr(why, "no such"));
}

/* A path on the running system: its mount's s_dev (here not btrfs, so
 * equal to stat's st_dev), through the real mountinfo. */
static void real_path(void)
{
	char why[512], how[512];
	struct stat st;
	uint32_t d = 0;

	CHECK(stat("/proc", &st) == 0);
	CHECK(wbg_resolve_dev("/proc", NULL, &d, why, sizeof(why), how, sizeof(how)) == 0);
	CHECK(d == wbg_kdev(major(st.st_dev), minor(st.st_dev)));
	CHECK(strstr(how, "proc on /proc"));
}

int main(void)
{
	int failures = 0;
	char cmd[300];

	make_tree();
	RUN(btrfs_anonymous_sdev);
	RUN(partitions);
	RUN(literal_and_bad);
	RUN(real_path);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", root);
	return failures ? 1 : 0;
}
