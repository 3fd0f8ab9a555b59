#!/bin/sh
# Every tracepoint the series adds exists under tracing/events and fires:
# a BPF program is attached to each (wbguard tpcount) while a workload
# drives every path: buffered writes into unwritten extents with fsync
# (io_end lifecycle), direct I/O into unwritten extents (conversion
# without a reserved handle), writeback (folio start/end), DAX write and
# read faults on pmem (dax_fault_iomap, ext4_dax_iomap_write).
# The series' bare tracepoints (DECLARE_TRACE: no tracefs event, BPF only)
# must be in the kernel's BTF: block_stable_bounce_tp (counted in
# tests/vm/54) and block_stable_mismatch_tp (patch 5's stable-writes check,
# wbguard stable's S2, tests/vm/51 and 54).
ev=/sys/kernel/tracing/events
[ -d $ev/ext4/ext4_io_end_alloc ] || { echo "FAIL: kernel without the series"; exit 1; }

events="ext4:ext4_io_end_alloc ext4:ext4_io_end_submit_bio ext4:ext4_io_end_defer
ext4:ext4_io_end_convert_start ext4:ext4_io_end_convert_end ext4:ext4_io_end_release
ext4:ext4_convert_unwritten_extents ext4:ext4_dax_iomap_write
writeback:writeback_folio_start writeback:writeback_folio_end
fs_dax:dax_fault_iomap"
fail=0
for e in $events; do
	[ -d "$ev/${e%%:*}/${e#*:}" ] || { echo "FAIL: $e missing"; fail=1; }
done
for t in block_stable_bounce_tp block_stable_mismatch_tp; do
	bpftool btf dump file /sys/kernel/btf/vmlinux 2>/dev/null | grep -q "'btf_trace_$t'" ||
		{ echo "FAIL: bare tracepoint $t not in the kernel's BTF"; fail=1; }
done
[ $fail = 0 ] || exit 1

xio=xfs_io
cat > /tmp/series-workload.sh <<'WL'
#!/bin/sh
set -e
xio=xfs_io
# ext4 on a loop device: unwritten extents written through the page cache
truncate -s 128M /tmp/ext4.img
mkfs.ext4 -q -F /tmp/ext4.img
mkdir -p /mnt/l
mount -o loop /tmp/ext4.img /mnt/l
$xio -f -c 'falloc 0 4m' -c 'pwrite -b 64k 0 4m' -c fsync /mnt/l/buffered
$xio -f -d -c 'falloc 0 4m' -c 'pwrite -b 64k 0 1m' /mnt/l/direct
umount /mnt/l
# ext4 -o dax on pmem: write faults into unwritten extents, PTE and PMD
mkfs.ext4 -q -F /dev/pmem0
mkdir -p /mnt/p
mount -o dax /dev/pmem0 /mnt/p
$xio -f -c 'falloc 0 8m' -c 'mmap -rw 0 8m' -c 'mwrite 0 8m' -c 'mread 0 8m' -c msync /mnt/p/dax
$xio -f -c 'truncate 8m' -c 'mmap -r 0 8m' -c 'mread 0 8m' /mnt/p/holes
umount /mnt/p
WL
$WBG_BIN/wbguard tpcount --json $events -- sh /tmp/series-workload.sh > /tmp/tpcount.json
rc=$?
cat /tmp/tpcount.json
[ $rc = 0 ] || { echo "FAIL: tpcount/workload exit $rc"; exit 1; }
for e in $events; do
	n=$(grep -oE "\"$e\":[0-9]+" /tmp/tpcount.json | cut -d: -f3)
	[ "${n:-0}" -gt 0 ] || { echo "FAIL: $e never fired"; fail=1; }
	echo "WBG-METRIC tracepoint $e $n"
done
exit $fail
