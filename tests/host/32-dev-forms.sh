#!/usr/bin/env bash
# --dev names a filesystem in every form, and matches the superblock s_dev
# the tracepoints report: ext4 and xfs by mount point, file, block device and
# MAJ:MIN; btrfs (anonymous s_dev 0:NN) by mount point, a subvolume mount,
# its block device and that device's MAJ:MIN; a filesystem on a partition
# (loop -P + an sfdisk table) by partition node and MAJ:MIN; dm-linear by
# /dev/mapper/NAME and /dev/dm-N. Each form must see the workload's
# folios (and pass: the devices are stable). A whole disk with partitions
# is refused naming them; an idle filter ends unchecked (exit 5).
. "$(dirname "$0")/lib.sh"
for t in mkfs.btrfs sfdisk dmsetup jq; do
	command -v $t > /dev/null || fail "$t missing (ci/deps.sh installs it)"
done

# sees FORM DIR [WANT_RC]: the reproducer on DIR under --dev FORM sees its folios
sees() {
	local form=$1 dir=$2 want=${3:-0} rc=0 out=$WBG_TMP/sees.json n
	"$WBG" stable --json --dev "$form" -- "$REPRO" -f "$dir/f" -t 1.5 -q -y write \
		> "$out" 2> "$WBG_TMP/sees.err" || rc=$?
	n=$(json_field "$out" dirtied || true)
	printf '%-44s dirtied %8s dirtied_stable %8s exit %s %s\n' "--dev $form" "$n" \
		"$(json_field "$out" dirtied_stable)" "$rc" "$(json_field "$out" verdict)"
	[ "${n:-0}" -gt 100 ] || { cat "$WBG_TMP/sees.err"; fail "--dev $form saw ${n:-no} folios"; }
	[ "$rc" -eq "$want" ] || { cat "$WBG_TMP/sees.err"; fail "--dev $form: exit $rc, want $want"; }
}

# ext4 and xfs on whole loop devices (stable_writes=1)
for fs in ext4 xfs; do
	wbg_fs $fs 1
	touch "$MNT/f"
	sees "$MNT" "$MNT"
	sees "$MNT/f" "$MNT"
	sees "$LOOP" "$MNT"
	sees "$(wbg_majmin "$LOOP")" "$MNT"
done

# btrfs: the superblock's s_dev is anonymous, stat in a subvolume another
wbg_fs btrfs 1
btr=$MNT bdev=$LOOP
sdev=$(findmnt -n -o MAJ:MIN "$btr" | tr -d " ")
echo "btrfs on $bdev ($(wbg_majmin "$bdev")): s_dev $sdev, stat st_dev of the mount point $(stat -c %d "$btr")"
[ "$sdev" != "$(wbg_majmin "$bdev")" ] || fail "btrfs s_dev equals its block device: test premise"
btrfs subvolume create "$btr/sub" > /dev/null
mkdir -p "$WBG_TMP/sub"
mount -o subvol=sub "$bdev" "$WBG_TMP/sub"
WBG_MNTS+=("$WBG_TMP/sub")
sees "$btr" "$btr"
sees "$bdev" "$btr"
sees "$(wbg_majmin "$bdev")" "$btr"
sees "$sdev" "$btr"
sees "$WBG_TMP/sub" "$WBG_TMP/sub"
sees "$btr/sub" "$WBG_TMP/sub"

# a partition table: ext4 on p1, xfs on p2
wbg_loop 1024
disk=$LOOP
printf 'label: dos\n,400M,L\n,,L\n' | sfdisk -q "$disk"
partx -u "$disk" 2>/dev/null || true
udevadm settle 2>/dev/null || true
for i in $(seq 50); do [ -b "${disk}p2" ] && break; sleep 0.1; done
[ -b "${disk}p1" ] && [ -b "${disk}p2" ] || fail "no partitions on $disk"
echo 1 > "/sys/block/$(basename "$disk")/queue/stable_writes"
wbg_mkfs_mount ext4 "${disk}p1"; p1=$MNT
wbg_mkfs_mount xfs "${disk}p2"; p2=$MNT
sees "${disk}p1" "$p1"
sees "$(wbg_majmin "${disk}p1")" "$p1"
sees "${disk}p2" "$p2"
rc=0; "$WBG" stable -d 1 --dev "$disk" > /dev/null 2> "$WBG_TMP/err" || rc=$?
cat "$WBG_TMP/err"
[ "$rc" -eq 2 ] || fail "whole disk with partitions: exit $rc, want 2"
grep -q "whole disk with partitions" "$WBG_TMP/err" || fail "no reason given"
grep -q "${disk}p1 (.*ext4 on $p1)" "$WBG_TMP/err" || fail "partition 1 and its mount not named"
grep -q "${disk}p2 (.*xfs on $p2)" "$WBG_TMP/err" || fail "partition 2 and its mount not named"
[ "$(wc -l < "$WBG_TMP/err")" -eq 1 ] || fail "more than one line"

# device-mapper: dm-linear over a loop device. The 6.18 host kernel has no
# device-mapper (no /sys/class/misc/device-mapper, no modules): said in one
# line, and the rest of the test still counts; the guest kernel has dm.
if [ -e /sys/class/misc/device-mapper ] || modprobe dm-mod 2>/dev/null; then
	wbg_loop 512
	dm=wbg-host-$$
	dmsetup create "$dm" --table "0 $(blockdev --getsz "$LOOP") linear $LOOP 0"
	WBG_DMS+=("$dm")
	wbg_mkfs_mount ext4 "/dev/mapper/$dm"; dmm=$MNT
	dmnode=/dev/$(basename "$(readlink -f "/dev/mapper/$dm")")
	# dm-linear may or may not pass stable_writes on: pass or unchecked
	want=0; [ "$(cat "/sys/block/$(basename "$dmnode")/queue/stable_writes")" = 1 ] || want=5
	sees "/dev/mapper/$dm" "$dmm" $want
	sees "$dmnode" "$dmm" $want
	sees "$dmm" "$dmm" $want
else
	echo "NOTE: this kernel has no device-mapper: dm-linear forms not tried here"
fi

# an idle filter judged nothing: unchecked, exit 5, never a pass
rc=0
"$WBG" stable --json --dev "$p2" -- "$REPRO" -f "$p1/f" -t 1 -q -y write > "$WBG_TMP/idle" || rc=$?
grep '"type":"summary"' "$WBG_TMP/idle"
[ "$rc" -eq 5 ] || fail "idle filter: exit $rc, want 5"
[ "$(json_field "$WBG_TMP/idle" dirtied)" -eq 0 ] || fail "idle filter saw folios"
[ "$(json_field "$WBG_TMP/idle" verdict)" = unchecked ] || fail "idle filter: verdict not unchecked"
echo "every --dev form saw its workload"
