#!/bin/sh
# Workload (d) under wbguard ioend. dm-flakey fails the writes to the
# test file's own blocks for 2 s in each 5 s (3 s up, error_writes) while
# scattered writes split its unwritten extents; the rest of the device
# (journal, extent tree, bitmaps) stays healthy, so every window fails data
# I/O and never aborts the journal (with the whole device failing, a journal
# abort in the first window sometimes left no unwritten io_end to fail).
# Failed I/O is released without a conversion (no failed conversion
# reported), fsync surfaces the errors (C4 = 0), no io_end leaks (C1 = 0),
# and the workload sees the errors. Then ENOSPC: a full filesystem, what fdatasync accepted reads
# back. The kernel must not splat (dmesg is scanned at the end).
. $WBG_TOP/tests/vm/ioend_lib.sh
[ -z "$mutation$bench" ] || exit 77
ioend_mkfs 256
xfs_io -f -c "falloc 0 32m" -c fsync $mnt/f || fail "fallocate"
# the file's extents, in 512-byte sectors: "N: [off..off]: start..end"
ext=$(xfs_io -c fiemap $mnt/f | awk '$2 ~ /^\[/ && $3 ~ /\.\./ {
	split($3, r, /\.\./); print r[1], r[2] }' | sort -n)
[ -n "$ext" ] || fail "no extent from fiemap"
umount $mnt
sz=$((256 * 2048))
table=$(echo "$ext" | awk -v dev=$loop -v sz=$sz '
	{ s = $1; e = $2 + 1
	  if (s > pos) printf "%d %d linear %s %d\n", pos, s - pos, dev, pos
	  printf "%d %d flakey %s %d 3 2 1 error_writes\n", s, e - s, dev, s
	  pos = e }
	END { if (pos < sz) printf "%d %d linear %s %d\n", pos, sz - pos, dev, pos }')
echo "dm table:"; echo "$table"
echo "$table" | dmsetup create wbgflakey || fail dmsetup
# no udev in the guest: the kernel's own /dev/dm-N node (devtmpfs)
dmdev=/dev/dm-$(dmsetup info -c --noheadings -o minor wbgflakey | tr -d ' ')
[ -b $dmdev ] || fail "no $dmdev"
mount -t ext4 -o errors=continue $dmdev $mnt || fail "mount flakey"
out=/tmp/ioend-d.json rc=0
$w ioend --mode $MODE --json --dev $mnt -- $wl/ioend_errors -m eio -e -k -f $mnt/f -t 2 -d 12 \
	> $out 2>/tmp/ioend-d.err || rc=$?
tail -n 3 /tmp/ioend-d.err; grep '^ioend_errors' $out; grep '"conversion_failed"' $out | head -n 3
ioend_line $out $rc
umount $mnt 2>/dev/null || umount -l $mnt
dmsetup remove wbgflakey
[ "$rc" = 0 ] || fail "wbguard ioend exit $rc"
# Failed I/O is not converted: ext4_end_io_end skips the conversion, and
# neither mode sees one for it (the series' convert pair fires only for
# conversions). A conversion that fails on its own is tests/vm/74's.
[ "$(field $out conversions_failed)" = 0 ] || fail "a conversion of failed I/O reported as a failed conversion"
[ "$(field $out C4)" = 0 ] || fail "a failed conversion was swallowed by fsync"
[ "$(field $out leaks)" = 0 ] || fail "io_end leak"

ioend_mkfs 192
out=/tmp/ioend-d2.json rc=0
$w ioend --mode $MODE --json --dev $mnt -- $wl/ioend_errors -m enospc -f $mnt/f -t 2 -d 4 > $out 2>&1 || rc=$?
grep '^ioend_errors' $out
ioend_line $out $rc
[ "$rc" = 0 ] || fail "ENOSPC run: exit $rc"
ioend_cleanup
