// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel-BTF view (tools/kbtf.c) on a fake /sys tree: a synthetic
 * vmlinux BTF, an ext4 module's split BTF written the way the kernel
 * exposes it in /sys/kernel/btf/ext4, /sys/module/<m>/initstate for a
 * loaded module, and a modules.dep. Covers what the 6.18 host (ext4 built
 * in, no modules) cannot show: names found in module BTF, and the one-line
 * reasons when they are not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/btf.h>
#include "wbg_test.h"
#include "kbtf.h"

static char root[] = "/tmp/wbg-kbtf-XXXXXX";
static char btf_dir[256], mod_dir[256], dep[256];

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(data, 1, len, f) != len) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

static void write_btf(const struct btf *b, const char *name)
{
	char path[512];
	const void *raw;
	__u32 sz;

	raw = btf__raw_data(b, &sz);
	if (!raw) {
		perror("btf__raw_data");
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s", btf_dir, name);
	write_file(path, raw, sz);
}

/* typedef btf_trace_<tp> = void (*)(void *__data, int, ..., int) */
static void add_tp(struct btf *b, int int_id, const char *tp, int nargs)
{
	char name[128];
	int void_ptr = btf__add_ptr(b, 0);	/* before the proto: params follow it */
	int proto, i;

	proto = btf__add_func_proto(b, 0);
	btf__add_func_param(b, "__data", void_ptr);
	for (i = 0; i < nargs; i++)
		btf__add_func_param(b, "a", int_id);
	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	btf__add_typedef(b, name, btf__add_ptr(b, proto));
}

static void add_func(struct btf *b, int int_id, const char *fn)
{
	int proto = btf__add_func_proto(b, int_id);

	btf__add_func(b, fn, BTF_FUNC_GLOBAL, proto);
}

static void make_tree(void)
{
	struct btf *vm, *ext4;
	char path[512];
	int int_id;
	static const char deps[] =
		"kernel/fs/ext4/ext4.ko.xz: kernel/fs/jbd2/jbd2.ko.xz kernel/lib/crc16.ko.xz\n"
		"kernel/fs/jbd2/jbd2.ko.xz:\n"
		"kernel/fs/nilfs2/nilfs2.ko.xz:\n"
		"kernel/lib/crc16.ko.xz:\n";

	if (!mkdtemp(root)) {
		perror("mkdtemp");
		exit(1);
	}
	snprintf(btf_dir, sizeof(btf_dir), "%s/btf", root);
	snprintf(mod_dir, sizeof(mod_dir), "%s/module", root);
	snprintf(dep, sizeof(dep), "%s/modules.dep", root);
	mkdir(btf_dir, 0755);
	mkdir(mod_dir, 0755);
	write_file(dep, deps, strlen(deps));

	/* vmlinux: sched_switch (3 args), xfs built in, a function */
	vm = btf__new_empty();
	int_id = btf__add_int(vm, "int", 4, BTF_INT_SIGNED);
	add_tp(vm, int_id, "sched_switch", 3);
	add_tp(vm, int_id, "xfs_buf_init", 1);
	add_func(vm, int_id, "folio_wait_bit");
	write_btf(vm, "vmlinux");

	/* ext4 as a loaded module with BTF: split on vmlinux */
	ext4 = btf__new_empty_split(vm);
	add_tp(ext4, int_id, "ext4_sync_file_enter", 2);
	add_tp(ext4, int_id, "ext4_convert_unwritten_extents", 6);
	add_func(ext4, int_id, "ext4_init_io_end");
	write_btf(ext4, "ext4");
	snprintf(path, sizeof(path), "%s/ext4", mod_dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/ext4/initstate", mod_dir);
	write_file(path, "live\n", 5);

	/* btrfs loaded, but built without module BTF */
	snprintf(path, sizeof(path), "%s/btrfs", mod_dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/btrfs/initstate", mod_dir);
	write_file(path, "live\n", 5);
	/* a built-in with parameters has /sys/module/<name>, no initstate */
	snprintf(path, sizeof(path), "%s/printk", mod_dir);
	mkdir(path, 0755);

	btf__free(ext4);
	btf__free(vm);
}

static void open_tree(struct wbg_kbtf *k)
{
	int err = wbg_kbtf_open(k, btf_dir, mod_dir, dep);

	CHECK(err == 0);
	if (err)
		exit(1);
}

static void vmlinux_names(void)
{
	struct wbg_kbtf k;

	open_tree(&k);
	CHECK(wbg_kbtf_have_tp(&k, "sched_switch"));
	CHECK(wbg_kbtf_tp_nargs(&k, "sched_switch") == 3);
	CHECK(wbg_kbtf_have_func(&k, "folio_wait_bit"));
	CHECK(!wbg_kbtf_have_tp(&k, "sched_wakeup"));
	wbg_kbtf_close(&k);
}

static void module_names(void)
{
	struct wbg_kbtf k;

	open_tree(&k);
	CHECK(wbg_kbtf_have_tp(&k, "ext4_sync_file_enter"));
	CHECK(wbg_kbtf_tp_nargs(&k, "ext4_sync_file_enter") == 2);
	CHECK(wbg_kbtf_tp_nargs(&k, "ext4_convert_unwritten_extents") == 6);
	CHECK(wbg_kbtf_have_func(&k, "ext4_init_io_end"));
	/* a module's name is not looked for in another module */
	CHECK(!wbg_kbtf_have_tp(&k, "jbd2_ext4_sync_file_enter"));
	CHECK(!wbg_kbtf_have_func(&k, "ext4_no_such_function"));
	wbg_kbtf_close(&k);
}

static void module_not_loaded(void)
{
	struct wbg_kbtf k;
	char why[256] = "";

	open_tree(&k);
	CHECK(!wbg_kbtf_have_tp(&k, "jbd2_commit_flushing"));
	CHECK(wbg_kbtf_why_missing(&k, "jbd2_commit_flushing", true, why, sizeof(why)));
	CHECK(strstr(why, "tracepoint jbd2_commit_flushing: module jbd2 is not loaded"));
	/* a module only modules.dep knows of */
	CHECK(wbg_kbtf_why_missing(&k, "nilfs2_segment_usage_check", true, why, sizeof(why)));
	CHECK(strstr(why, "module nilfs2 is not loaded"));
	/* a function of an unloaded module */
	CHECK(wbg_kbtf_why_missing(&k, "jbd2_journal_start", false, why, sizeof(why)));
	CHECK(strstr(why, "function jbd2_journal_start: module jbd2 is not loaded"));
	wbg_kbtf_close(&k);
}

static void missing_elsewhere(void)
{
	struct wbg_kbtf k;
	char why[256] = "";

	open_tree(&k);
	/* loaded module without BTF */
	CHECK(!wbg_kbtf_why_missing(&k, "btrfs_sync_file", true, why, sizeof(why)));
	CHECK(strstr(why, "module btrfs is loaded but has no BTF"));
	CHECK(strstr(why, "CONFIG_DEBUG_INFO_BTF_MODULES"));
	/* module loaded with BTF, tracepoint not in it (no series) */
	CHECK(!wbg_kbtf_why_missing(&k, "ext4_io_end_alloc", true, why, sizeof(why)));
	CHECK(strstr(why, "tracepoint ext4_io_end_alloc is missing in the running kernel"));
	CHECK(strstr(why, "module ext4's BTF"));
	/* xfs built in (vmlinux has xfs tracepoints): plainly missing */
	CHECK(!wbg_kbtf_why_missing(&k, "xfs_no_such_event", true, why, sizeof(why)));
	CHECK(!strcmp(why, "tracepoint xfs_no_such_event is missing in the running kernel"));
	/* not a module at all */
	CHECK(!wbg_kbtf_why_missing(&k, "printk_foo", true, why, sizeof(why)));
	CHECK(strstr(why, "is missing in the running kernel"));
	CHECK(!wbg_kbtf_why_missing(&k, "dax_no_such_event", true, why, sizeof(why)));
	CHECK(!strcmp(why, "tracepoint dax_no_such_event is missing in the running kernel"));
	wbg_kbtf_close(&k);
}

static void no_vmlinux_btf(void)
{
	struct wbg_kbtf k;

	CHECK(wbg_kbtf_open(&k, mod_dir, mod_dir, dep) < 0);
}

static void cleanup(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", root);
}

int main(void)
{
	int failures = 0;

	make_tree();
	RUN(vmlinux_names);
	RUN(module_names);
	RUN(module_not_loaded);
	RUN(missing_elsewhere);
	RUN(no_vmlinux_btf);
	cleanup();
	return failures ? 1 : 0;
}
