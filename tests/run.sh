#!/usr/bin/env bash
# The test runner: unit (no root), host (BPF on the running kernel), vm
# (the patched kernel in qemu, via make vmtest). Prints one line per test
# and ends with "N passed, N failed, N skipped".
# Usage: tests/run.sh [unit|host|vm|stock|fentry|mut|all]...   (default: all, in that order)
#   vm: make vmtest, our kernel (v7.3.4 + the series) in qemu
#   stock: make stock-matrix, Debian's stock 6.1, 6.12 and 7.3.4 kernels in qemu
#   fentry: make fentry-ioend-series, one result per wbguard ioend run compared between
#           series mode and fentry mode on our kernel
#   mut: make mutations, one result per test-only mutation (must be caught)
#
# A suite that cannot build or run what it needs FAILS: nothing absent is
# turned into a skip. The only skips are tests that skip by design (exit
# 77, e.g. the benchmarks) and suites the user names in WBG_SKIP (a comma
# list of suite names, e.g. WBG_SKIP=vm,mut); those are listed in the
# closing line. CI never sets WBG_SKIP (.ci/run clears it).
# Test hooks (tests/unit/test_run_sh.sh): WBG_MAKE_<SUITE>=target replaces
# the make target a suite runs.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
pass=0 fail=0 skip=0
failed=()
skipped_on_request=()

record() {	# record NAME STATUS(PASS|FAIL|SKIP) [SECONDS]
	printf '%-4s %s%s\n' "$2" "$1" "${3:+ (${3}s)}"
	case $2 in
	PASS) pass=$((pass + 1)) ;;
	SKIP) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)); failed+=("$1") ;;
	esac
}

run_unit() {
	local t line fails n=0
	for t in "$BUILD"/unit/test_* tests/unit/test_*.sh; do
		[ -x "$t" ] || continue
		n=$((n + 1))
		fails=0
		while read -r line; do
			case $line in
			PASS\ *) record "unit/${t##*/}/${line#PASS }" PASS ;;
			FAIL\ *) echo "$line"; fails=1
				  record "unit/${t##*/}/${line#FAIL }" FAIL ;;
			EXIT\ 0) ;;
			# a crash or sanitizer abort outside any CHECK
			EXIT\ *) [ $fails -eq 1 ] || record "unit/${t##*/}/(${line})" FAIL ;;
			*) echo "    $line" ;;
			esac
		done < <("$t" 2>&1; echo "EXIT $?")
	done
	[ "$n" -gt 0 ] || record "unit (no test binaries in $BUILD/unit: make unit)" FAIL
}

run_host() {
	local t name rc t0 log
	mkdir -p "$BUILD/logs"
	for t in tests/host/[0-9]*.sh; do
		name=host/$(basename "$t" .sh)
		log=$BUILD/logs/$(basename "$t" .sh).log
		t0=$SECONDS
		rc=0
		WBG=$BUILD/wbguard REPRO=$BUILD/workloads/stable_repro \
			timeout 300 bash "$t" > "$log" 2>&1 || rc=$?
		case $rc in
		0) record "$name" PASS $((SECONDS - t0)) ;;
		77) record "$name" SKIP ;;
		*) sed 's/^/    /' "$log" | tail -n 20; record "$name" FAIL $((SECONDS - t0)) ;;
		esac
	done
}

# make_logged NAME MAKE-ARGS...: make into $BUILD/logs/NAME.log (and the
# terminal); returns make's status. make builds whatever the target needs
# (kernel, guest binaries): on a new machine that is the cold path, never a
# reason to skip. A make that fails is the suite's failure.
make_logged() {
	local name=$1
	shift
	mkdir -p "$BUILD/logs"
	make "$@" 2>&1 | tee "$BUILD/logs/$name.log"
	return "${PIPESTATUS[0]}"
}

# requested_skip SUITE: true (and recorded) when WBG_SKIP names SUITE.
requested_skip() {
	case ",${WBG_SKIP:-}," in
	*",$1,"*) record "$1 (WBG_SKIP)" SKIP; skipped_on_request+=("$1"); return 0 ;;
	esac
	return 1
}

# run_suite SUITE: the suite, unless WBG_SKIP names it.
run_suite() {
	requested_skip "$1" && return
	"run_$1"
}

# guest_suite NAME MAKE-ARGS...: a make target that boots guests and ends with the
# guest results' "N passed, N failed[, N skipped]"; those counts join ours.
guest_suite() {
	local name=$1 log=$BUILD/logs/$1.log line n rc=0
	shift
	make_logged "$name" "$@" || rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		record "$name/harness" FAIL	# nothing ran: the build or the boot failed
		return
	fi
	n=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line"); pass=$((pass + n))
	n=$(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line"); fail=$((fail + n))
	[ "$n" -eq 0 ] || failed+=("$name ($n)")
	n=$(sed -nE 's/.*, ([0-9]+) skipped.*/\1/p' <<<"$line"); skip=$((skip + ${n:-0}))
	# make failed although the guests' count shows no failure
	[ "$rc" = 0 ] || grep -qE '^[0-9]+ passed, [1-9]' <<<"$line" || record "$name/make" FAIL
}

run_vm() { guest_suite vm ${WBG_MAKE_VM:-vmtest}; }

# Debian's stock kernels (make stock-matrix): one result per guest test per kernel.
run_stock() { guest_suite stock ${WBG_MAKE_STOCK:-stock-matrix}; }

# Each test-only mutation (patches/mutations/) must be caught by its
# detector: one result per mutation, from the targets' closing lines.
run_mut() {
	local log=$BUILD/logs/mutations.log line name p
	make_logged mutations -k ${WBG_MAKE_MUT:-mutations}
	# every mutation in patches/mutations/ must report CAUGHT; one that
	# printed nothing (its build failed, make stopped early) fails too
	for p in ${WBG_MUTATIONS:-patches/mutations/*.patch}; do
		name=$(basename "$p" .patch)
		line=$(grep -aE "^mutation $name: (CAUGHT|NOT caught)" "$log" | tail -n 1)
		case $line in
		*": CAUGHT"*) record "mutation/$name" PASS ;;
		"") record "mutation/$name (no result)" FAIL ;;
		*) record "mutation/$name" FAIL ;;
		esac
	done
}

# The conversion-list tests in fentry mode must give the verdicts of series mode, both on
# our kernel: ci/ioend-compare.sh, one result per wbguard ioend run. (Against the bare
# v7.3.4 base: make fentry-ioend-base, a second kernel build; against Debian's stock
# 7.3.4: make fentry-ioend, which loses events there, README.)
run_fentry() {
	local log=$BUILD/logs/fentry.log rc=0 id same n=0
	make_logged fentry ${WBG_MAKE_FENTRY:-fentry-ioend-series} || rc=$?
	while read -r id same; do
		n=$((n + 1))
		[ "$same" = yes ] && record "fentry/$id" PASS || record "fentry/$id" FAIL
	done < <(sed -nE 's/^([0-9]+-ioend-[a-z-]+#[0-9]+) +\|.*\| *(yes|NO)$/\1 \2/p' "$log")
	# a missing log, a failed ioend test or a missing run fails even when every row matched
	[ "$rc" = 0 ] && [ "$n" -gt 0 ] && record fentry/compare PASS || record fentry/compare FAIL
}

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(all)
for s in "${suites[@]}"; do
	case $s in
	unit|host|vm|stock|fentry|mut) run_suite "$s" ;;
	all) for a in unit host vm stock fentry mut; do run_suite "$a"; done ;;
	*) echo "run.sh: unknown suite '$s' (unit|host|vm|stock|fentry|mut|all)" >&2; exit 2 ;;
	esac
done
[ ${#failed[@]} -eq 0 ] || echo "failed: ${failed[*]}"
[ ${#skipped_on_request[@]} -eq 0 ] ||
	echo "skipped on request (WBG_SKIP): ${skipped_on_request[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
