/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --dev names a filesystem; the tracepoints report its superblock's s_dev.
 * The two differ more often than not:
 *   - btrfs has an anonymous s_dev (0:NN), not its block device's, and
 *     stat() in a subvolume shows yet another anonymous dev per subvolume;
 *   - a device-mapper or partition node is a symlink or a minor of its own.
 * /proc/self/mountinfo field 3 is the superblock's s_dev, so every form
 * is resolved through it:
 *   MAJ:MIN       an s_dev as is when a mount has it; a block device
 *                 otherwise (resolved like a node); else taken literally
 *   /dev/node     the s_dev of the filesystem mounted from that block
 *                 device (symlinks such as /dev/mapper/x followed); not
 *                 mounted: its own dev_t (what ext4/xfs will report)
 *   a path        the s_dev of the mount it lives in (statx mount id)
 * A whole disk that holds partitions is refused, naming the partitions
 * and what is mounted from them: a filter matches one filesystem.
 * Plain C, no BPF: unit-tested on a fake mountinfo and sysfs.
 */
#ifndef WBG_DEVRES_H
#define WBG_DEVRES_H

#include <stddef.h>
#include <stdint.h>

struct wbg_devres_env {
	const char *mountinfo;		/* /proc/self/mountinfo */
	const char *class_block;	/* /sys/class/block */
};

/*
 * Resolve @arg to the kernel dev_t the tracepoints report. Returns 0, or
 * -1 with a one-line reason in @why. @env NULL: the running system.
 * @how (optional) gets a short note on what was matched, for the start
 * line, e.g. "btrfs on /mnt (s_dev 0:45)".
 */
int wbg_resolve_dev(const char *arg, const struct wbg_devres_env *env,
		    uint32_t *kdev, char *why, size_t why_len,
		    char *how, size_t how_len);

#endif
