#!/usr/bin/env bash
# Usage: dmapin_hole.sh FSTYPE
# A known hole of the stock kernel (issue 13), shown on this host: O_DIRECT
# reads into a MAP_SHARED mapping of a file on a stable-writes filesystem
# while that file is under writeback (tests/workloads/stable_dmapin). The
# pinned folios are dirtied and changed by the read without waiting for
# writeback (bio_set_pages_dirty() in the reader, bio_check_pages_dirty()'s
# work item in a kworker), so on an unfixed kernel `wbguard stable` must
# report S1 > 0 and exit 1. A kernel that bounces pinned folios for
# writeback makes this test fail: it is then to be turned around (S1 = 0).
#
#   ext4, xfs: loop device with queue/stable_writes=1
#   btrfs:     data checksums make its mappings stable (stable_writes=0
#              on the loop device); the race must also leave a data
#              checksum error in the mapped file that `btrfs scrub` finds.
#
# The source of the reads lives on a second loop device (ext4, not
# stable): its reads run in another loop worker, really concurrent with
# the target's writeback. With the source on the btrfs itself, S1 was
# 112-577 per 5 s run and scrub found nothing in 6 runs.
#
# Prints the S1 count, who dirtied (the reports' comm, kworker/N:M folded
# into kworker) and the seconds from the start of the race to the first S1.
. "$(dirname "$0")/lib.sh"
fstype=$1
DMAPIN=${DMAPIN:-$(dirname "$WBG")/workloads/stable_dmapin}
SECS=${SECS:-6}
TRIES=${TRIES:-3}	# btrfs: runs until a scrub sees the corruption

[ -x "$DMAPIN" ] || fail "no $DMAPIN (make workloads)"
wbg_fs ext4 0
SRC=$MNT
case $fstype in
btrfs)	# commit=1: the extents the race wrote reach a committed tree,
	# which is what scrub reads, before the test scrubs
	wbg_fs btrfs 0 commit=1
	wl_opts=(-k) ;;
*)	wbg_fs "$fstype" 1
	wl_opts=(-D) ;;
esac

# one_run N: the reproducer under wbguard stable; sets s1 and prints the figures
one_run() {
	local n=$1 out=$WBG_TMP/out-$1.json wl=$WBG_TMP/wl-$1.txt rc=0 start first
	# The workload's own output goes to a file of its own: sharing wbguard's
	# stdout file would splice it into the middle of a JSON line.
	"$WBG" stable --json -m 1000000 --dev "$MNT" -- \
		bash -c 'exec "$0" "$@" > "'"$wl"'"' "$DMAPIN" -f "$MNT/f" -s "$SRC/src$n" \
		-t "$SECS" -q "${wl_opts[@]}" > "$out" || rc=$?
	cat "$wl"
	grep -v '"type":"S1"' "$out" || true
	grep -q 'result=ok' "$wl" || fail "reproducer data check (run $n)"
	s1=$(json_field "$out" S1)
	echo "run $n: wbguard exit $rc, S1 = $s1 (dirtied $(json_field "$out" dirtied_stable) stable folios, lost $(json_field "$out" lost))"
	echo "writers (S1 reports by comm):"
	grep '"type":"S1"' "$out" | jq -r '.comm | sub("^kworker/.*"; "kworker")' |
		sort | uniq -c | sort -rn | sed 's/^/  /'
	start=$(sed -n 's/.*race_start_ns=\([0-9]*\).*/\1/p' "$wl")
	first=$(grep -m1 '"type":"S1"' "$out" | jq -r .ts_ns || true)
	[ -n "$first" ] && [ -n "$start" ] &&
		echo "first S1 $(( (first - start) / 1000000 )) ms after the race began"
	[ "$rc" -eq 1 ] || fail "wbguard exit $rc, want 1 (violation) on the unfixed kernel"
	[ "$(json_field "$out" verdict)" = violation ] || fail "verdict not violation"
	[ "$s1" -gt 0 ] || fail "S1 = 0: the hole did not show"
	[ "$(grep -c '"type":"S1"' "$out")" -eq "$s1" ] || fail "S1 reports != S1 count"
}

if [ "$fstype" != btrfs ]; then
	one_run 1
	echo "PASS: $fstype: S1 = $s1 on the stock kernel (known hole, issue 13)"
	exit 0
fi

# btrfs: scrub reads the committed tree; the workload exits without fsync,
# so each page's last racing writeback stays referenced. Wait two commit
# intervals, then scrub; count the checksum errors dmesg names in file f.
for try in $(seq 1 "$TRIES"); do
	one_run "$try"
	sleep 2
	since=$(cut -d' ' -f1 /proc/uptime)	# dmesg's clock; its buffer may be full
	srub=$WBG_TMP/scrub-$try.txt
	btrfs scrub start -B "$MNT" > "$srub" 2>&1 || true
	cat "$srub"
	csum=$(sed -n 's/.*csum=\([0-9]*\).*/\1/p' "$srub" | head -n 1)
	infile=$(dmesg | awk -F'[][]' -v t="$since" '$2 + 0 >= t' |
		grep -c "(device $(basename "$LOOP")): scrub: checksum error at .*(path: f)" || true)
	echo "try $try: scrub csum errors ${csum:-0}, in the mapped file (dmesg): $infile"
	# f is the only data file of this filesystem (the source is on ext4);
	# dmesg names it in rate-limited lines, so it is printed, not counted on
	if [ "${csum:-0}" -gt 0 ]; then
		echo "PASS: btrfs: S1 = $s1, scrub found $csum checksum error(s) in the mapped file (try $try of $TRIES)"
		exit 0
	fi
done
fail "btrfs: S1 > 0 in $TRIES runs, but no scrub saw a checksum error"
