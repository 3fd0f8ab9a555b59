#!/usr/bin/env bash
# The test runner: unit (no root), host (BPF on the running kernel), vm
# (the patched kernel in qemu, via make vmtest). Prints one line per test
# and ends with "N passed, N failed, N skipped".
# Usage: tests/run.sh [unit|host|vm|mut|fentry|all]...   (default: all)
#   mut: make mutations, one result per test-only mutation (must be caught)
#   fentry: make fentry-ioend, one result per wbguard ioend run compared
#           between series mode (series kernel) and fentry mode (bare v7.3);
#           last in "all": it leaves the kernel build at the bare base
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
pass=0 fail=0 skip=0
failed=()

record() {	# record NAME STATUS(PASS|FAIL|SKIP) [SECONDS]
	printf '%-4s %s%s\n' "$2" "$1" "${3:+ (${3}s)}"
	case $2 in
	PASS) pass=$((pass + 1)) ;;
	SKIP) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)); failed+=("$1") ;;
	esac
}

run_unit() {
	local t line fails
	for t in "$BUILD"/unit/test_*; do
		[ -x "$t" ] || continue
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
# terminal); returns make's status, or 77 after recording NAME as skipped
# when make cannot even plan the target (a tool is missing).
make_logged() {
	local name=$1
	shift
	mkdir -p "$BUILD/logs"
	make -s -n "$@" >/dev/null 2>&1 || { record "$name" SKIP; return 77; }
	make "$@" 2>&1 | tee "$BUILD/logs/$name.log"
}

run_vm() {
	local log=$BUILD/logs/vm.log line n
	make_logged vm vmtest
	[ $? = 77 ] && return
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		record vm/harness FAIL
		return
	fi
	n=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line"); pass=$((pass + n))
	n=$(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line"); fail=$((fail + n))
	[ "$n" -eq 0 ] || failed+=("vm ($n)")
	n=$(sed -nE 's/.*, ([0-9]+) skipped.*/\1/p' <<<"$line"); skip=$((skip + ${n:-0}))
}

# Each test-only mutation (patches/mutations/) must be caught by its
# detector: one result per mutation, from the targets' closing lines.
run_mut() {
	local log=$BUILD/logs/mutations.log line name
	make_logged mutations -k mutations
	[ $? = 77 ] && return
	while read -r line; do
		name=${line#mutation }; name=${name%%:*}
		case $line in
		*"NOT caught"*) record "mutation/$name" FAIL ;;
		*) record "mutation/$name" PASS ;;
		esac
	done < <(grep -aE '^mutation [^ :]+: (CAUGHT|NOT caught)' "$log")
	grep -qaE '^mutation [^ :]+: ' "$log" || record mutations/harness FAIL
}

# The conversion-list tests in fentry mode on the unpatched kernel must
# give the verdicts of series mode on the patched one (ci/ioend-compare.sh).
run_fentry() {
	local log=$BUILD/logs/fentry-ioend.log rc=0 id same
	make_logged fentry-ioend fentry-ioend || rc=$?
	[ "$rc" = 77 ] && return
	while read -r id same; do
		[ "$same" = yes ] && record "fentry/$id" PASS || record "fentry/$id" FAIL
	done < <(sed -nE 's/^([0-9]+-ioend-[a-z-]+#[0-9]+) +\|.*\| *(yes|NO)$/\1 \2/p' "$log")
	# a failed boot or a missing run fails even when every row matched
	[ "$rc" = 0 ] && record fentry/boots PASS || record fentry/boots FAIL
}

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(all)
for s in "${suites[@]}"; do
	case $s in
	unit) run_unit ;;
	host) run_host ;;
	vm) run_vm ;;
	mut) run_mut ;;
	fentry) run_fentry ;;
	all) run_unit; run_host; run_vm; run_mut; run_fentry ;;
	*) echo "run.sh: unknown suite '$s' (unit|host|vm|mut|fentry|all)" >&2; exit 2 ;;
	esac
done
[ ${#failed[@]} -eq 0 ] || echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
