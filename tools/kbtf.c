// SPDX-License-Identifier: GPL-2.0
/* vmlinux + module BTF of the running kernel; see kbtf.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "kbtf.h"

/* Filesystems distribution kernels build as modules: named even when
 * modules.dep cannot be read (a container, a kernel built elsewhere). */
static const char *const known_modules[] = { "ext4", "jbd2", "xfs", "btrfs", NULL };

int wbg_kbtf_open(struct wbg_kbtf *k, const char *btf_dir, const char *mod_dir,
		  const char *modules_dep)
{
	static char dep[256];
	char path[512];
	struct utsname u;

	memset(k, 0, sizeof(*k));
	k->btf_dir = btf_dir ? btf_dir : "/sys/kernel/btf";
	k->mod_dir = mod_dir ? mod_dir : "/sys/module";
	if (!modules_dep && !uname(&u)) {
		snprintf(dep, sizeof(dep), "/lib/modules/%s/modules.dep", u.release);
		modules_dep = dep;
	}
	k->modules_dep = modules_dep;
	snprintf(path, sizeof(path), "%s/vmlinux", k->btf_dir);
	k->vmlinux = btf__parse_raw(path);
	if (!k->vmlinux)
		return -errno ? -errno : -ENOENT;
	return 0;
}

void wbg_kbtf_close(struct wbg_kbtf *k)
{
	int i;

	for (i = 0; i < k->nr_mods; i++)
		btf__free(k->mods[i].btf);
	btf__free(k->vmlinux);
	memset(k, 0, sizeof(*k));
}

/* The owner module of @name: its part before the first '_'. */
static bool owner_of(const char *name, char *mod, size_t len)
{
	const char *us = strchr(name, '_');
	size_t n = us ? (size_t)(us - name) : 0;

	if (!n || n >= len)
		return false;
	memcpy(mod, name, n);
	mod[n] = 0;
	return strcmp(mod, "vmlinux") != 0;
}

/* Module @mod's BTF, loaded once; NULL when it has none (not loaded). */
static struct btf *module_btf(struct wbg_kbtf *k, const char *mod)
{
	char path[512];
	int i;

	for (i = 0; i < k->nr_mods; i++)
		if (!strcmp(k->mods[i].name, mod))
			return k->mods[i].btf;
	if (k->nr_mods == WBG_KBTF_MAX_MODS)
		return NULL;
	snprintf(k->mods[i].name, sizeof(k->mods[i].name), "%s", mod);
	snprintf(path, sizeof(path), "%s/%s", k->btf_dir, mod);
	k->mods[i].btf = access(path, R_OK) ? NULL : btf__parse_raw_split(path, k->vmlinux);
	k->nr_mods++;
	return k->mods[i].btf;
}

int wbg_kbtf_find(struct wbg_kbtf *k, const char *name, int kind,
		  const struct btf **owner)
{
	const char *bare = strncmp(name, "btf_trace_", 10) ? name : name + 10;
	char mod[sizeof(k->mods[0].name)];
	struct btf *b = k->vmlinux;
	int id = btf__find_by_name_kind(b, name, kind);

	if (id < 0 && owner_of(bare, mod, sizeof(mod))) {
		b = module_btf(k, mod);
		id = b ? btf__find_by_name_kind(b, name, kind) : -ENOENT;
	}
	if (id >= 0 && owner)
		*owner = b;
	return id;
}

bool wbg_kbtf_have_tp(struct wbg_kbtf *k, const char *tp)
{
	char name[160];

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	return wbg_kbtf_find(k, name, BTF_KIND_TYPEDEF, NULL) >= 0;
}

bool wbg_kbtf_have_func(struct wbg_kbtf *k, const char *fn)
{
	return wbg_kbtf_find(k, fn, BTF_KIND_FUNC, NULL) >= 0;
}

int wbg_kbtf_tp_nargs(struct wbg_kbtf *k, const char *tp)
{
	const struct btf *b = NULL;
	const struct btf_type *t;
	char name[160];
	int id;

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = wbg_kbtf_find(k, name, BTF_KIND_TYPEDEF, &b);
	if (id < 0)
		return -1;
	t = btf__type_by_id(b, id);			/* typedef */
	t = t ? btf__type_by_id(b, t->type) : NULL;	/* pointer */
	if (!t || !btf_is_ptr(t))
		return -1;
	t = btf__type_by_id(b, t->type);		/* func_proto */
	if (!t || !btf_is_func_proto(t))
		return -1;
	return btf_vlen(t) - 1;				/* minus void *__data */
}

/* vmlinux has some tracepoint (function) of @mod: it is built in. */
static bool built_in(const struct wbg_kbtf *k, const char *mod, bool tp)
{
	char prefix[96];
	size_t plen;
	__u32 id, n = btf__type_cnt(k->vmlinux);

	snprintf(prefix, sizeof(prefix), "%s%s_", tp ? "btf_trace_" : "", mod);
	plen = strlen(prefix);
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(k->vmlinux, id);
		const char *s;

		if (!t || btf_kind(t) != (tp ? BTF_KIND_TYPEDEF : BTF_KIND_FUNC))
			continue;
		s = btf__name_by_offset(k->vmlinux, t->name_off);
		if (s && !strncmp(s, prefix, plen))
			return true;
	}
	return false;
}

static bool is_loaded(const struct wbg_kbtf *k, const char *mod)
{
	char path[512];

	/* built-in modules may have /sys/module/<name> too, never initstate */
	snprintf(path, sizeof(path), "%s/%s/initstate", k->mod_dir, mod);
	return access(path, F_OK) == 0;
}

/* The kernel has a module file named @mod (modules.dep lists .../mod.ko*). */
static bool is_module(const struct wbg_kbtf *k, const char *mod)
{
	const char *const *m;
	char line[4096], pat[80];
	bool found = false;
	FILE *f;

	for (m = known_modules; *m; m++)
		if (!strcmp(*m, mod))
			return true;
	if (!k->modules_dep || !(f = fopen(k->modules_dep, "r")))
		return false;
	snprintf(pat, sizeof(pat), "/%s.ko", mod);
	while (!found && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *hit;

		if (colon)
			*colon = 0;	/* only the module itself, not its deps */
		hit = strstr(line, pat);
		found = hit && (hit[strlen(pat)] == 0 || hit[strlen(pat)] == '.');
	}
	fclose(f);
	return found;
}

bool wbg_kbtf_why_missing(struct wbg_kbtf *k, const char *name, bool tp,
			  char *buf, size_t len)
{
	const char *what = tp ? "tracepoint" : "function";
	char mod[sizeof(k->mods[0].name)];

	if (!owner_of(name, mod, sizeof(mod)) || built_in(k, mod, tp)) {
		snprintf(buf, len, "%s %s is missing in the running kernel", what, name);
		return false;
	}
	if (module_btf(k, mod)) {
		snprintf(buf, len, "%s %s is missing in the running kernel (not in module %s's BTF)",
			 what, name, mod);
		return false;
	}
	if (is_loaded(k, mod)) {
		snprintf(buf, len, "%s %s: module %s is loaded but has no BTF (%s/%s; the kernel needs CONFIG_DEBUG_INFO_BTF_MODULES=y)",
			 what, name, mod, k->btf_dir, mod);
		return false;
	}
	if (is_module(k, mod)) {
		snprintf(buf, len, "%s %s: module %s is not loaded (modprobe %s, or mount a filesystem of that type, first)",
			 what, name, mod, mod);
		return true;
	}
	snprintf(buf, len, "%s %s is missing in the running kernel", what, name);
	return false;
}
