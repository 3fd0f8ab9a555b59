/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The running kernel's BTF as wbguard's preflight and mode selection see
 * it: vmlinux plus the module BTF (/sys/kernel/btf/<module>) of whatever
 * module owns a name. Distribution kernels build ext4, jbd2, xfs and
 * btrfs as modules; their tracepoints' btf_trace_* typedefs and their
 * functions live in the module's split BTF, not in vmlinux.
 *
 * The owner of a tracepoint or function is taken from its name: the part
 * before the first '_' ("ext4_sync_file_enter" -> ext4). libbpf itself
 * (>= 0.3, so Debian's 1.1.2) already resolves tp_btf/fentry targets and
 * CO-RE relocations in module BTF at load time; this view only lets us
 * decide before loading, and explain what is missing in one line.
 */
#ifndef WBG_KBTF_H
#define WBG_KBTF_H

#include <stdbool.h>
#include <stddef.h>

struct btf;

#define WBG_KBTF_MAX_MODS 8

struct wbg_kbtf {
	const char *btf_dir;		/* /sys/kernel/btf */
	const char *mod_dir;		/* /sys/module */
	const char *modules_dep;	/* /lib/modules/$(uname -r)/modules.dep */
	struct btf *vmlinux;
	struct {
		char name[56];
		struct btf *btf;	/* NULL: looked, no BTF file */
	} mods[WBG_KBTF_MAX_MODS];
	int nr_mods;
};

/*
 * Open the view. @btf_dir, @mod_dir, @modules_dep may be NULL for the
 * running kernel's paths (the unit tests pass a fake tree). Returns 0, or
 * a negative errno when vmlinux BTF cannot be read.
 */
int wbg_kbtf_open(struct wbg_kbtf *k, const char *btf_dir, const char *mod_dir,
		  const char *modules_dep);
void wbg_kbtf_close(struct wbg_kbtf *k);

/* Id of @name of BTF @kind in vmlinux or its owner module's BTF, or < 0;
 * *owner (if given) gets the BTF it was found in. */
int wbg_kbtf_find(struct wbg_kbtf *k, const char *name, int kind,
		  const struct btf **owner);
/* The tp_btf tracepoint @tp exists (its btf_trace_<tp> typedef). */
bool wbg_kbtf_have_tp(struct wbg_kbtf *k, const char *tp);
/* Number of arguments of tracepoint @tp, -1 if it does not exist. */
int wbg_kbtf_tp_nargs(struct wbg_kbtf *k, const char *tp);
/* The function @fn exists in BTF (an fentry/fexit target). */
bool wbg_kbtf_have_func(struct wbg_kbtf *k, const char *fn);

/*
 * Why @name (a tracepoint if @tp, else a function) is missing, as one
 * line into @buf, e.g. "tracepoint ext4_sync_file_enter: module ext4 is
 * not loaded". Returns true when the owner module is simply not loaded.
 */
bool wbg_kbtf_why_missing(struct wbg_kbtf *k, const char *name, bool tp,
			  char *buf, size_t len);

#endif
