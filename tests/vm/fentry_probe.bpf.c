// SPDX-License-Identifier: GPL-2.0
/* Guest check that fentry/fexit programs load and attach on our kernel (they need BTF and
 * ftrace direct calls; the host kernel refuses them). No vmlinux.h needed: only pointers. */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

int target_tgid = 0;
__u64 hits_entry = 0;
__u64 hits_exit = 0;
__u64 hits_probe = 0;

static __always_inline int mine(void)
{
	return (int)(bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

/* The syscall wrapper: reached through the syscall table, so never inlined (vfs_fsync_range,
 * for one, is inlined into vfs_fsync and its out-of-line copy does not run for fsync(2)). */
SEC("fentry/__x64_sys_fsync")
int BPF_PROG(on_fsync, void *regs)
{
	if (mine())
		__sync_fetch_and_add(&hits_entry, 1);
	return 0;
}

SEC("fexit/__x64_sys_fsync")
int BPF_PROG(on_fsync_exit, void *regs, long ret)
{
	if (mine() && ret == 0)
		__sync_fetch_and_add(&hits_exit, 1);
	return 0;
}

/* attach target set at run time (bpf_program__set_attach_target): probes whether a kernel
 * function can be hooked at all (exists in BTF, not inlined, ftrace-able) */
SEC("fentry/__x64_sys_fsync")
int BPF_PROG(probe)
{
	__sync_fetch_and_add(&hits_probe, 1);
	return 0;
}
