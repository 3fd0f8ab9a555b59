/* SPDX-License-Identifier: GPL-2.0 */
/* Shared plumbing of the wbguard subcommands: exit codes, preflight
 * checks, device parsing, the libbpf log, signals and the child command. */
#ifndef WBG_COMMON_H
#define WBG_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "verdict.h"

/* Kernel-internal dev_t (MINORBITS = 20), as found in sb->s_dev. */
static inline uint32_t wbg_kdev(unsigned int major, unsigned int minor)
{
	return (major << 20) | (minor & 0xfffff);
}

static inline unsigned int wbg_kdev_major(uint32_t kdev) { return kdev >> 20; }
static inline unsigned int wbg_kdev_minor(uint32_t kdev) { return kdev & 0xfffff; }

/* A decimal option value in [min, max], or exit WBG_EXIT_SETUP naming it. */
long wbg_parse_long(const char *cmd, const char *arg, long min, long max,
		    const char *what);

/* Print "wbguard <cmd>: <msg>" and exit WBG_EXIT_SETUP. */
void wbg_die(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/*
 * Parse a device argument: "MAJ:MIN", a block device node, or any path on
 * a mounted filesystem (its st_dev). On success stores the kernel dev_t.
 * Returns 0 or -1 with *why set to a static message.
 */
int wbg_parse_dev(const char *arg, uint32_t *kdev, const char **why);

struct wbg_kbtf;
/* Root, BTF and the named tp_btf tracepoints (NULL-terminated list), in
 * vmlinux or their module's BTF. Exits WBG_EXIT_SETUP with a one-line
 * message on failure (naming a module that is not loaded). With @keep the
 * kernel-BTF view stays open there for the caller (wbg_kbtf_close()). */
void wbg_preflight(const char *cmd, const char *const *tracepoints,
		   struct wbg_kbtf *keep);

/*
 * A bpf() load or attach failed with -@err (what: "load BPF programs").
 * EPERM/EACCES without CAP_BPF + CAP_PERFMON (or CAP_SYS_ADMIN) is one
 * line naming the missing capabilities; anything else names the error.
 * Exits WBG_EXIT_SETUP. No euid check anywhere: the kernel decides.
 */
void wbg_die_bpf(const char *cmd, const char *what, int err)
	__attribute__((noreturn));
/* How many of CAP_BPF, CAP_PERFMON are missing (named in @buf). */
int wbg_bpf_caps_missing(char *buf, size_t len);

/* WBG_VERSION (git describe at build time) */
const char *wbg_build_version(void);
/* Version line for --version: git describe at build time + libbpf's. */
const char *wbg_version(void);

/* CONFIG_CGROUPS (task_struct.cgroups in BTF): bpf_get_current_cgroup_id
 * exists; sets the BPF objects' have_cgroups. */
bool wbg_kernel_has_cgroups(void);

/* libbpf log goes to stderr only with -v. */
void wbg_setup_libbpf_log(bool verbose);

/* SIGINT/SIGTERM/SIGHUP set this; every loop checks it. SIGPIPE ignored. */
extern volatile int wbg_exiting;
void wbg_setup_signals(void);

/* The command given after "--": started after attach, stopped at the end. */
struct wbg_child {
	pid_t pid;
	int status;
	bool done;
};
int wbg_child_start(struct wbg_child *c, char *const argv[]);
/* Non-blocking: true once the child has exited. */
bool wbg_child_poll(struct wbg_child *c);
/* Terminate if still running and reap; returns WBG_EXIT_CHILD if it failed. */
int wbg_child_finish(struct wbg_child *c, const char *cmd);

uint64_t wbg_now_ns(void);

/* Ring buffer size in KiB -> bytes: a power of two, at least one page. */
int wbg_ringbuf_bytes(long kib, uint32_t *bytes);


#endif /* WBG_COMMON_H */
