// SPDX-License-Identifier: GPL-2.0
/* Naming files and cgroups in reports (tools/where.c) and the JSON writer
 * (tools/jw.c): a fake /proc and cgroup tree, exact JSON text. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "wbg_test.h"
#include "jw.h"
#include "where.h"

static char root[] = "/tmp/wbg-where.XXXXXX";

static uint32_t kdev_of(dev_t d)
{
	return (major(d) << 20) | minor(d);
}

static void path_from_fd_then_maps(void)
{
	char p[512], target[512], buf[512];
	struct stat st;
	FILE *f;

	snprintf(target, sizeof(target), "%s/data file", root);
	f = fopen(target, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	fclose(f);
	CHECK(!stat(target, &st));
	snprintf(p, sizeof(p), "%s/proc/42/fd", root);
	CHECK(!mkdir(p, 0700) || 1);
	snprintf(p, sizeof(p), "%s/proc/42/fd/7", root);
	CHECK(!symlink(target, p));
	snprintf(p, sizeof(p), "%s/proc", root);
	CHECK(!wbg_file_path(p, kdev_of(st.st_dev), st.st_ino, 42, buf, sizeof(buf)));
	CHECK(!strcmp(buf, target));
	/* another inode, another device: not found */
	CHECK(wbg_file_path(p, kdev_of(st.st_dev), st.st_ino + 1, 42, buf, sizeof(buf)));
	CHECK(wbg_file_path(p, kdev_of(st.st_dev) + 1, st.st_ino, 42, buf, sizeof(buf)));
	/* a task that is gone */
	CHECK(wbg_file_path(p, kdev_of(st.st_dev), st.st_ino, 43, buf, sizeof(buf)));

	/* mapped only: /proc/PID/maps, hex MAJ:MIN */
	snprintf(p, sizeof(p), "%s/proc/44", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/proc/44/maps", root);
	f = fopen(p, "w");
	fprintf(f, "7f0000000000-7f0000001000 r--p 00000000 00:00 0 \n"
		"7f0000001000-7f0000201000 rw-s 00000000 %x:%x %llu      /mnt/pmem/f 1\n",
		259, 0x10, 12345ull);
	fclose(f);
	snprintf(p, sizeof(p), "%s/proc", root);
	CHECK(!wbg_file_path(p, (259u << 20) | 0x10, 12345, 44, buf, sizeof(buf)));
	CHECK(!strcmp(buf, "/mnt/pmem/f 1"));
	CHECK(wbg_file_path(p, (259u << 20) | 0x11, 12345, 44, buf, sizeof(buf)));
}

static void cgroup_by_inode_number(void)
{
	char p[512], buf[512];
	struct stat st;

	snprintf(p, sizeof(p), "%s/cg/system.slice/x.service", root);
	CHECK(!mkdir(p, 0700));
	CHECK(!stat(p, &st));
	snprintf(p, sizeof(p), "%s/cg", root);
	CHECK(!wbg_cgroup_path(p, st.st_ino, buf, sizeof(buf)));
	CHECK(!strcmp(buf, "/system.slice/x.service"));
	CHECK(!stat(p, &st));
	CHECK(!wbg_cgroup_path(p, st.st_ino, buf, sizeof(buf)));
	CHECK(!strcmp(buf, "/"));
	CHECK(wbg_cgroup_path(p, 0, buf, sizeof(buf)));
}

static void json_writer_exact(void)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct wbg_where w = { .dev = (7u << 20) | 3, .ino = 12, .cgroup_id = 99 };
	struct jw j;

	jw_begin(&j, f);
	jw_str(&j, "type", "violation");
	jw_str(&j, "what", "a \"b\"\n\\\x01");
	jw_u64(&j, "n", 18446744073709551615ull);
	jw_i64(&j, "e", -5);
	jw_bool(&j, "t", true);
	jw_double(&j, "s", 1.5, 3);
	jw_arr(&j, "a");
	jw_u64(&j, NULL, 1);
	jw_arr(&j, NULL);
	jw_u64(&j, NULL, 2);
	jw_u64(&j, NULL, 3);
	jw_arr_end(&j);
	jw_arr_end(&j);
	jw_obj(&j, "o");
	jw_null(&j, "z");
	jw_obj_end(&j);
	wbg_where_json(&j, &w);
	jw_end(&j);
	jw_begin(&j, f);
	jw_end(&j);
	fclose(f);
	CHECK(!strcmp(out,
		"{\"type\":\"violation\",\"what\":\"a \\\"b\\\"\\n\\\\\\u0001\","
		"\"n\":18446744073709551615,\"e\":-5,\"t\":true,\"s\":1.500,"
		"\"a\":[1,[2,3]],\"o\":{\"z\":null},\"dev\":\"7:3\",\"ino\":12,"
		"\"file\":null,\"cgroup_id\":99,\"cgroup\":null}\n{}\n"));
	free(out);
}

int main(void)
{
	int failures = 0;
	char cmd[600];

	if (!mkdtemp(root))
		return 1;
	snprintf(cmd, sizeof(cmd), "%s/proc", root);
	mkdir(cmd, 0700);
	snprintf(cmd, sizeof(cmd), "%s/proc/42", root);
	mkdir(cmd, 0700);
	snprintf(cmd, sizeof(cmd), "%s/cg", root);
	mkdir(cmd, 0700);
	snprintf(cmd, sizeof(cmd), "%s/cg/system.slice", root);
	mkdir(cmd, 0700);
	RUN(path_from_fd_then_maps);
	RUN(cgroup_by_inode_number);
	RUN(json_writer_exact);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		failures++;
	return failures ? 1 : 0;
}
