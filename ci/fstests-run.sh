#!/usr/bin/env bash
# Run a list of fstests in the guest on one kernel, resumably, one result file per test.
#
# Usage: ci/fstests-run.sh LABEL BZIMAGE LIST OUTDIR
#   LIST    lines "<config> <test>" (tests/fstests/list.txt; configs: tests/fstests/00-fstests.sh)
#   OUTDIR  results go to OUTDIR/LABEL/<config>/<test>.res: "pass|fail|notrun SECS [reason]"
# Tests that already have a result are not run again, so an interrupted run resumes where it
# stopped. Each VM boot takes the next WBG_FSTESTS_SHARD tests (default 12). A test that
# fails is run once more in a later boot; it is judged fail only if it fails again (the
# first result is kept in <test>.res.1, the verdict says "flaky" when the rerun passes).
# A test during which the guest died or hung gets "fail crash". Prints a summary line
# "LABEL: N pass, N fail, N notrun, N flaky" at the end.
# Env: WBG_FSTESTS_DIR (the fstests build, default: ci/fstests-build.sh), WBG_FSTESTS_SHARD,
#      WBG_VM_MEM (default here 6144: the loop images live in guest RAM), WBG_VM_TIMEOUT per boot.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
label=${1:?usage: fstests-run.sh LABEL BZIMAGE LIST OUTDIR}
kernel=${2:?}
list=${3:?}
[ -f "$kernel" ] || { echo "fstests-run[$label]: no kernel $kernel" >&2; exit 1; }
# results belong to one kernel image
label=$label-$(sha256sum "$kernel" | cut -c1-12)
out=${4:?}/$label
shard=${WBG_FSTESTS_SHARD:-12}
log() { echo "fstests-run[$label]: $*" >&2; }

[ -r "$list" ] || { log "no list $list"; exit 1; }
fst=${WBG_FSTESTS_DIR:-$(bash "$here/ci/fstests-build.sh")} || { log "fstests build failed"; exit 1; }
initrd=$here/build/vm/initramfs.cpio.gz
[ -f "$initrd" ] || { log "no $initrd (make initramfs)"; exit 1; }
mkdir -p "$out"

res_of() { echo "$out/$1/$2.res"; }
# the tests still to run (first pass: no result; second pass: failed once, not rerun yet)
pending() {
	grep -vE '^[[:space:]]*(#|$)' "$list" | while read -r cfg t _; do
		r=$(res_of "$cfg" "$t")
		if [ ! -f "$r" ]; then
			echo "$cfg $t"
		elif [ "$(cut -d' ' -f1 "$r")" = fail ] && [ ! -f "$r.1" ]; then
			echo "$cfg $t"
		fi
	done
}

# boots are numbered on from an earlier run's (resumed or on a longer list): their logs stay
boot=$(ls -d "$out"/boot-* 2>/dev/null | sed 's/.*boot-//' | sort -n | tail -n1)
boot=${boot:-0}
while :; do
	todo=$(pending | head -n "$shard")
	[ -n "$todo" ] || break
	boot=$((boot + 1))
	bdir=$out/boot-$boot
	mkdir -p "$bdir"
	printf '%s\n' "$todo" > "$bdir/plan.txt"
	# a test that failed once is rerun: keep its first result
	while read -r cfg t; do
		r=$(res_of "$cfg" "$t")
		[ -f "$r" ] && mv "$r" "$r.1"
	done <<< "$todo"
	log "boot $boot: $(wc -l < "$bdir/plan.txt") tests"
	# the stable-writes check stays off unless asked for: base and series run the same way
	WBG_VM_STABLE_CHECK=${WBG_VM_STABLE_CHECK-off} \
	WBG_VM_MEM=${WBG_VM_MEM:-6144} WBG_VM_TIMEOUT=${WBG_VM_TIMEOUT:-$((shard * 600 + 300))} \
	WBG_VM_QUIET=1 WBG_VM_SUITE=tests/fstests WBG_VM_BIN="${WBG_VM_BIN:-$here/build/vm}" \
	WBG_VM_APPEND="wbg.share.plan=$(cd "$bdir" && pwd) wbg.share.fstests=$fst wbg.test_timeout=$((shard * 600 + 200))" \
		bash "$here/ci/qemu-run.sh" "$kernel" "$initrd" "$bdir" > "$bdir/qemu-run.txt" 2>&1
	ran=0
	while read -r _ cfg t res secs why; do
		mkdir -p "$(dirname "$(res_of "$cfg" "$t")")"
		echo "$res $secs $why" > "$(res_of "$cfg" "$t")"
		ran=$((ran + 1))
	done < <(grep -E '^WBG-FSTEST ' "$bdir/console.log")
	# the test the guest was in when it died or hung
	last=$(grep -E '^WBG-FSTEST-BEGIN ' "$bdir/console.log" | tail -n1)
	if [ -n "$last" ]; then
		set -- $last
		r=$(res_of "$2" "$3")
		[ -f "$r" ] || { mkdir -p "$(dirname "$r")"; echo "fail 0 crash" > "$r"; ran=$((ran + 1)); }
	fi
	if [ "$ran" -eq 0 ]; then
		log "boot $boot ran nothing (see $bdir/console.log)"
		tail -n 20 "$bdir/qemu-run.txt" >&2
		exit 1
	fi
done

pass=0 fail=0 notrun=0 flaky=0
while read -r cfg t _; do
	r=$(res_of "$cfg" "$t")
	case "$(cut -d' ' -f1 "$r" 2>/dev/null)" in
	pass) pass=$((pass + 1)); [ -f "$r.1" ] && flaky=$((flaky + 1)) ;;
	notrun) notrun=$((notrun + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
done < <(grep -vE '^[[:space:]]*(#|$)' "$list")
echo "$label: $pass pass, $fail fail, $notrun notrun, $flaky flaky (rerun passed)"
