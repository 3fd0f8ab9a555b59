# Sourced by the host benchmarks (ci/bench-overhead.sh, ci/bench-hot-ab.sh): the bench
# filesystem. bench_stable_fs PREFIX makes ext4 on a 512 MiB loop device with
# queue/stable_writes=1 (set before mount), mounted at $mnt under a private $tmp, and a trap
# that stops the PIDs in pids[], restores bpf_stats_enabled and removes it all.
bench_stable_fs() {
	tmp=$(mktemp -d "/var/tmp/$1.XXXXXX")
	loop= mnt=$tmp/mnt pids=()
	stats0=$(cat /proc/sys/kernel/bpf_stats_enabled)
	trap bench_cleanup EXIT
	# bpftrace 0.17 attaches classic tracepoints only through tracefs.
	mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing
	truncate -s 512M "$tmp/img"
	loop=$(losetup -f --show "$tmp/img")
	mkfs.ext4 -q -F "$loop"
	echo 1 > "/sys/block/$(basename "$loop")/queue/stable_writes"
	mkdir -p "$mnt"
	mount "$loop" "$mnt"
}

bench_cleanup() {
	local p
	for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	echo "$stats0" > /proc/sys/kernel/bpf_stats_enabled
	umount "$mnt" 2>/dev/null || true
	[ -n "$loop" ] && losetup -d "$loop" 2>/dev/null || true
	rm -rf "$tmp"
}
