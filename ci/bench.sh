#!/usr/bin/env bash
# Run one guest benchmark and keep its result in the repo's bench format.
#   ci/bench.sh NAME KERNEL INITRAMFS OUTDIR
# Boots KERNEL with wbg.bench=NAME and only the guest tests named *NAME-bench*
# (tests/vm/), collects the "BENCH NAME ..." lines of the console into
# bench/NAME.txt under a header (date, kernel), prints them, and fails
# unless the summary line is there.
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: ci/bench.sh NAME KERNEL INITRAMFS OUTDIR" >&2; exit 2; }
name=$1 kernel=$2 initrd=$3 out=$4
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out" "$here/bench"
rc=0
WBG_VM_TESTS=$name-bench WBG_VM_APPEND="wbg.bench=$name" \
	bash "$here/ci/qemu-run.sh" "$kernel" "$initrd" "$out" || rc=$?
# the version string sits uncompressed in the bzImage's setup part
release=$( { strings "$kernel" 2>/dev/null || true; } | grep -oE '^[0-9]+\.[0-9]+\.[0-9]+[^ ]*' | head -n 1)
{
	echo "# make bench-$name, $(date -u +%Y-%m-%dT%H:%MZ), qemu TCG guest (2 vCPU${WBG_VM_ICOUNT:+, -icount shift=$WBG_VM_ICOUNT: guest time counts instructions}), kernel ${release:-unknown} ($kernel)"
	grep -h "^BENCH $name " "$out/console.log" | tr -d '\r'
} > "$here/bench/$name.txt"
cat "$here/bench/$name.txt"
grep -q "^BENCH $name summary" "$here/bench/$name.txt" ||
	{ echo "bench-$name: no summary (qemu-run exit $rc, see $out/console.log)" >&2; exit 1; }
