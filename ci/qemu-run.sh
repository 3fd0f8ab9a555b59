#!/usr/bin/env bash
# Boot the test VM (qemu, TCG), stream its console to a log, collect the per-test results the
# guest prints, scan the guest's dmesg for kernel splats, and print "N passed, N failed[, N skipped]"
# as the final line. Exit 0 only when nothing failed, nothing splatted and the guest finished.
#
# Usage: ci/qemu-run.sh BZIMAGE INITRAMFS [OUTDIR]     (OUTDIR default build/vm)
# Env:   WBG_VM_TIMEOUT  seconds for the whole run (default 900)
#        WBG_VM_TESTS    run only guest tests whose name contains this string
#        WBG_VM_INJECT   test-only: fail = add a failing guest test, warn = raise a kernel WARN
#        WBG_VM_MEM      guest RAM in MiB (default 2048; 512 MiB at 1 GiB become /dev/pmem0)
#        WBG_VM_SMP      vCPUs (default 2)     WBG_VM_APPEND  extra kernel command line
#        WBG_VM_ALLOW_SPLAT  ERE of kernel log lines a mutation run expects (left out of the scan)
#        WBG_VM_QUIET=1  do not echo the console, only the results
#        WBG_VM_BIN      the guest binaries' directory (default <checkout>/build/vm)
#        WBG_VM_SUITE    the guest test directory, relative to the checkout (default tests/vm)
#        WBG_VM_MODROOT  a stock kernel's unpacked package: its lib/modules/<release> is what the guest's kmod loads
#        WBG_VM_STABLE_CHECK  on (default) | off | "": stable_writes_check= on the command line, the
#                        series' CONFIG_DEBUG_STABLE_WRITES check from boot (tests/vm/5x-stable-*);
#                        "" leaves the parameter out (kernels without it ignore it anyway)
#        WBG_VM_ICOUNT   N: instruction counting (-icount shift=N,sleep=off, single-threaded TCG): the
#                        guest's clock advances 2^N ns per instruction, so guest-timed benchmarks
#                        measure instructions, not how busy the host is (slower to run)
# The guest's root is this machine's root, read-only over virtio-9p (ci/guest-stage1.sh).
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
kernel=${1:?usage: qemu-run.sh BZIMAGE INITRAMFS [OUTDIR]}
initrd=${2:?usage: qemu-run.sh BZIMAGE INITRAMFS [OUTDIR]}
out=${3:-build/vm}
timeout_s=${WBG_VM_TIMEOUT:-900}
mem=${WBG_VM_MEM:-2048}
smp=${WBG_VM_SMP:-2}
mkdir -p "$out"
log=$out/console.log dmesg=$out/dmesg.txt results=$out/results.txt
: > "$results"

for f in "$kernel" "$initrd"; do
	[ -f "$f" ] || { echo "qemu-run: missing $f"; echo "0 passed, 1 failed"; exit 1; }
done
command -v qemu-system-x86_64 >/dev/null || { echo "qemu-run: qemu-system-x86_64 not installed (ci/deps.sh vm)"; echo "0 passed, 1 failed"; exit 1; }

pass=0 fail=0 skip=0
record() { # name PASS|FAIL|SKIP secs [note]
	echo "WBG-RESULT $*" >> "$results"
	case "$2" in PASS) pass=$((pass + 1)) ;; SKIP) skip=$((skip + 1)) ;; *) fail=$((fail + 1)) ;; esac
}

# Host-side, every run: the splat scanner must find every kind of splat in synthetic samples.
if st=$("$here/ci/splat-scan.sh" --selftest 2>&1); then
	echo "$st"; record host-splat-scan-selftest PASS 0
else
	echo "$st"; record host-splat-scan-selftest FAIL 0
fi

# /dev/pmem0: memmap=SIZE!START marks RAM as persistent (e820 type 12); CONFIG_X86_PMEM_LEGACY
# turns it into an nvdimm region and BLK_DEV_PMEM into /dev/pmem0. Keep it section (128M) aligned.
# It sits at 1 GiB, away from the top of RAM where the firmware keeps its tables.
pmem_mb=512 pmem_start_mb=1024
[ "$mem" -ge 2048 ] || { echo "qemu-run: WBG_VM_MEM must be >= 2048"; exit 2; }
append="console=ttyS0,115200 loglevel=5 printk.devkmsg=on panic=-1 log_buf_len=8M"
append+=" memmap=${pmem_mb}M!${pmem_start_mb}M"
append+=" scsi_debug.dif=1 scsi_debug.dix=1 scsi_debug.guard=0 scsi_debug.dev_size_mb=256"
stable_check=${WBG_VM_STABLE_CHECK-on}
[ -n "$stable_check" ] && append+=" stable_writes_check=$stable_check"
vmbin=${WBG_VM_BIN:-${VM_BUILD:-$here/build/vm}}
[ -d "$vmbin" ] && vmbin=$(cd "$vmbin" && pwd)
append+=" wbg.top=$here wbg.bin=$vmbin"
[ -n "${WBG_VM_SUITE:-}" ] && append+=" wbg.suite=$WBG_VM_SUITE"
[ -n "${WBG_VM_MODROOT:-}" ] && append+=" wbg.modroot=$WBG_VM_MODROOT"
[ -n "${WBG_VM_TESTS:-}" ] && append+=" wbg.tests=$WBG_VM_TESTS"
[ -n "${WBG_VM_INJECT:-}" ] && append+=" wbg.inject=$WBG_VM_INJECT"
[ -n "${WBG_VM_APPEND:-}" ] && append+=" $WBG_VM_APPEND"
# the host's root, read-only; multidevs=remap keeps inode numbers unique across host mounts
virtfs=(-virtfs local,path=/,mount_tag=wbgroot,security_model=none,readonly=on,multidevs=remap)
if [ "${WBG_VM_INTERACTIVE:-0}" = 1 ]; then
	# make vm-shell: console on this terminal, a shell instead of the tests
	exec qemu-system-x86_64 -accel tcg,thread=multi -smp "$smp" -m "$mem" -no-reboot \
		-display none -monitor none -serial stdio -nodefaults "${virtfs[@]}" \
		-kernel "$kernel" -initrd "$initrd" -append "$append wbg.shell=1"
fi

accel=(-accel tcg,thread=multi)
[ -n "${WBG_VM_ICOUNT:-}" ] &&
	accel=(-accel tcg,thread=single -icount "shift=$WBG_VM_ICOUNT,sleep=off")
qemu=(qemu-system-x86_64 "${accel[@]}" -smp "$smp" -m "$mem" -no-reboot
      -display none -monitor none -serial stdio -nodefaults "${virtfs[@]}"
      -kernel "$kernel" -initrd "$initrd" -append "$append")
echo "qemu-run: ${qemu[*]}"
echo "qemu-run: console -> $log (timeout ${timeout_s}s)"
t0=$(date +%s)
# The console streams to the log and (outside the dmesg dump) to our stdout.
timeout -k 10 "$timeout_s" "${qemu[@]}" </dev/null 2>&1 | tr -d '\r' | tee "$log" |
	if [ "${WBG_VM_QUIET:-0}" = 1 ]; then grep --line-buffered '^WBG-RESULT'; else
		awk '/^WBG-DMESG-BEGIN/ { d = 1; print "(guest dmesg -> '"$dmesg"')"; fflush(); next }
		     /^WBG-DMESG-END/ { d = 0; next } !d { print; fflush() }'; fi
qrc=${PIPESTATUS[0]}
t1=$(date +%s)
echo "qemu-run: qemu exit $qrc after $((t1 - t0))s"

# per-test results from the guest
grep -E '^WBG-RESULT ' "$log" | while read -r _ name res secs rest; do
	echo "$name $res $secs $rest"
done > "$out/guest-results.txt"
while read -r name res secs rest; do
	record "$name" "$res" "$secs" "$rest"
done < "$out/guest-results.txt"
boot=$(grep -oE '^WBG-BOOT uptime=[0-9.]+s' "$log" | head -n1 | cut -d= -f2)
s1=$(grep -oE '^WBG-BOOT .* stage1=[0-9.]+s' "$log" | head -n1 | grep -oE 'stage1=[0-9.]+s' | cut -d= -f2)

# completion: the guest prints WBG-DONE after its dmesg dump
if grep -q '^WBG-DONE' "$log"; then
	record vm-completed PASS $((t1 - t0)) "boot=${boot:-?}"
	sed -n '/^WBG-DMESG-BEGIN/,/^WBG-DMESG-END/p' "$log" | sed '1d;$d' > "$dmesg"
else
	if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then why="timeout after ${timeout_s}s"; else why="qemu exit $qrc, no WBG-DONE"; fi
	echo "qemu-run: the guest did not finish: $why"
	record vm-completed FAIL $((t1 - t0)) "$why"
	cp "$log" "$dmesg"   # no dump: scan whatever reached the console
fi
[ -s "$out/guest-results.txt" ] || { echo "qemu-run: no guest test results"; record guest-tests-ran FAIL 0; }

# kernel splats in the guest's log are failures
# A mutation run names the splat it is expected to cause (WBG_VM_ALLOW_SPLAT,
# an ERE); those lines are reported and left out of the scan, nothing else is.
scan_in=$dmesg
if [ -n "${WBG_VM_ALLOW_SPLAT:-}" ]; then
	scan_in=$out/dmesg-scanned.txt
	grep -vE -- "$WBG_VM_ALLOW_SPLAT" "$dmesg" > "$scan_in" || true
	echo "qemu-run: expected by this run ($(grep -cE -- "$WBG_VM_ALLOW_SPLAT" "$dmesg" || true) line(s)): $WBG_VM_ALLOW_SPLAT"
fi
if hits=$("$here/ci/splat-scan.sh" "$scan_in"); then
	record kernel-splat-scan PASS 0
else
	echo "qemu-run: kernel splats in the guest log ($dmesg):"
	printf '%s\n' "$hits" | head -n 40 | sed 's/^/  /'
	record kernel-splat-scan FAIL 0 "$(printf '%s\n' "$hits" | wc -l) line(s)"
fi

echo "---- results (also in $results)"
sed 's/^WBG-RESULT //' "$results" | awk '{ printf "  %-34s %-4s %6ss", $1, $2, $3; $1 = $2 = $3 = ""; print $0 }'
echo "guest boot to stage 2: ${boot:-?} (stage 1 done at ${s1:-?}); qemu wall time $((t1 - t0))s"
summary="$pass passed, $fail failed"
[ "$skip" -gt 0 ] && summary+=", $skip skipped"
echo "$summary"
[ "$fail" -eq 0 ]
