#!/bin/sh
# fentry/fexit programs load and attach in the guest (BTF + ftrace direct calls), and the
# ext4 io_end functions the ioend collector hooks are attachable (reported, not required).
# "attachable" is not "called": gcc may inline a function into callers in the same file and
# keep an out-of-line copy that fentry attaches to but that never runs. vfs_fsync_range is
# one: inlined into vfs_fsync, so fsync(2) does not reach the fentry (measured: 0 hits); the
# probe therefore counts on __x64_sys_fsync, reached through the syscall table.
set -e
p=$WBG_BIN/tests/fentry_probe
[ -x $p ] || { echo "no $p (not built: make vm-bins)"; exit 1; }
$p vfs_fsync_range ext4_end_io_rsv_work ext4_put_io_end ext4_put_io_end_defer ext4_release_io_end \
	ext4_init_io_end ext4_end_io_end ext4_convert_unwritten_io_end_vec \
	ext4_iomap_begin dax_iomap_fault folio_wait_stable
