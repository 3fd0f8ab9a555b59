#!/bin/sh
# Every tracepoint the series adds exists and fires: a BPF program is
# attached to each (wbguard tpcount) while a workload drives every path:
# buffered writes into unwritten extents with fsync (the io_end
# lifecycle), direct I/O into unwritten extents (conversion without a
# reserved handle) and writeback (folio end).
# Bare tracepoints (DECLARE_TRACE: no tracefs event, BPF only) are counted
# as raw tracepoints and must be in the kernel's BTF; writeback_folio_end
# is a trace event of writeback's folio class. block_stable_bounce_tp and
# block_stable_mismatch_tp fire only when a pinned folio is bounced or data
# changes in flight: their presence is checked here, their firing by
# tests/vm/54 (bounces) and tests/vm/51 and 54 with the mutations.
ev=/sys/kernel/tracing/events
bpftool btf dump file /sys/kernel/btf/vmlinux > /tmp/vmlinux-btf.txt 2>/dev/null
btf_has() { grep -q "'btf_trace_$1'" /tmp/vmlinux-btf.txt; }
btf_has ext4_io_end_alloc_tp || { echo "FAIL: kernel without the series"; exit 1; }

events="raw:ext4_io_end_alloc_tp raw:ext4_io_end_submit_bio_tp raw:ext4_io_end_defer_tp
raw:ext4_io_end_convert_enter_tp raw:ext4_io_end_convert_exit_tp raw:ext4_io_end_release_tp
raw:ext4_convert_unwritten_extents_tp writeback:writeback_folio_end"
fail=0
[ -d $ev/writeback/writeback_folio_end ] || { echo "FAIL: writeback:writeback_folio_end missing"; fail=1; }
bare=$(for e in $events; do case $e in raw:*) echo ${e#raw:};; esac; done)
for t in $bare block_stable_bounce_tp block_stable_mismatch_tp; do
	btf_has $t || { echo "FAIL: bare tracepoint $t not in the kernel's BTF"; fail=1; }
	[ ! -d $ev/ext4/${t%_tp} ] || { echo "FAIL: $t is also a trace event (tracefs ABI)"; fail=1; }
done
[ $fail = 0 ] || exit 1

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
