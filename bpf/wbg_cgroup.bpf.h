/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The current task's cgroup v2 id, for naming the writer in a report.
 * bpf_get_current_cgroup_id() exists only with CONFIG_CGROUPS (the test
 * VM's tinyconfig has none), so userspace sets have_cgroups from the
 * kernel's BTF before load; the verifier then drops the call on a kernel
 * without cgroups (a frozen .rodata constant: dead branch).
 */
#ifndef WBG_CGROUP_BPF_H
#define WBG_CGROUP_BPF_H

const volatile __u32 have_cgroups = 0;

static __always_inline __u64 wbg_cgroup_id(void)
{
	if (!have_cgroups)
		return 0;
	return bpf_get_current_cgroup_id();
}

#endif
