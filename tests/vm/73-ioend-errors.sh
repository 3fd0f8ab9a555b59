#!/bin/sh
# Workload (d) under wbguard ioend. dm-flakey fails every write for 2 s (after 3 s up)
# in each 4 s (error_writes) while scattered writes split unwritten
# extents: conversions of failed I/O are reported (C4 failures > 0), each
# surfaced by fsync (C4 = 0), no io_end leaks (C1 = 0), and the workload
# sees the errors. Then ENOSPC: a full filesystem, what fdatasync accepted
# reads back. The kernel must not splat (dmesg is scanned at the end).
. /tests/vm/ioend_lib.sh
[ -z "$mutation$bench" ] || exit 77
# 12 s of writes span two of dm-flakey's 2 s error windows (3 s up, 2 s down):
# with one window (8 s) a slow guest sometimes had no unwritten io_end in it.
ioend_mkfs 256
umount $mnt
sz=$((256 * 2048))
/usr/sbin/dmsetup create wbgflakey --table "0 $sz flakey $loop 0 3 2 1 error_writes" || fail dmsetup
# no udev in the guest: the kernel's own /dev/dm-N node (devtmpfs)
dmdev=/dev/dm-$(/usr/sbin/dmsetup info -c --noheadings -o minor wbgflakey | tr -d ' ')
[ -b $dmdev ] || fail "no $dmdev"
mount -t ext4 -o errors=continue $dmdev $mnt || fail "mount flakey"
out=/tmp/ioend-d.json rc=0
$w ioend --mode $MODE --json --dev $mnt -- $wl/ioend_errors -m eio -e -f $mnt/f -s 32M -t 2 -d 12 \
	> $out 2>/tmp/ioend-d.err || rc=$?
tail -n 3 /tmp/ioend-d.err; grep '^ioend_errors' $out; grep '"conversion_failed"' $out | head -n 3
ioend_line $out $rc
umount $mnt 2>/dev/null || umount -l $mnt
/usr/sbin/dmsetup remove wbgflakey
[ "$rc" = 0 ] || fail "wbguard ioend exit $rc"
# fentry mode sees no conversion of failed I/O: ext4_end_io_end skips
# ext4_convert_unwritten_io_end_vec for it (the series' convert_end has it)
[ "$MODE" = fentry ] || [ "$(field $out conversions_failed)" -gt 0 ] || fail "no failed conversion reported"
[ "$(field $out C4)" = 0 ] || fail "a failed conversion was swallowed by fsync"
[ "$(field $out leaks)" = 0 ] || fail "io_end leak"

ioend_mkfs 192
out=/tmp/ioend-d2.json rc=0
$w ioend --mode $MODE --json --dev $mnt -- $wl/ioend_errors -m enospc -f $mnt/f -t 2 -d 4 > $out 2>&1 || rc=$?
grep '^ioend_errors' $out
ioend_line $out $rc
[ "$rc" = 0 ] || fail "ENOSPC run: exit $rc"
ioend_cleanup
