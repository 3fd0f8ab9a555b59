#!/usr/bin/env bash
# Unit test of tests/run.sh itself: a suite whose make target cannot be
# planned or built is a FAIL, never a SKIP; WBG_SKIP is the only way to
# skip a suite and the closing line says so. Prints PASS/FAIL lines like
# the C unit tests (tests/unit/wbg_test.h).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

# A makefile standing in for the kernel half: one target that cannot be
# planned (its prerequisite has no rule, as on a new machine before the
# kernel exists), one whose recipe fails, one that reports guest results.
cat > "$tmp/fake.mk" <<'MK'
unplannable: $(BUILD)/no-such-vmlinux
	@echo never
broken:
	@echo "building..."; exit 2
guest-ok:
	@echo "3 passed, 0 failed"
guest-fail-late:
	@echo "3 passed, 0 failed"; exit 1
mut-one:
	@echo "mutation fake: CAUGHT (test)"
MK
: > "$tmp/fake.patch"

# check NAME EXPECTED-EXIT(0|nonzero) GREP-PATTERN... -- ENV... run.sh ARGS
out=$tmp/out
check() {
	local name=$1 want=$2; shift 2
	local pats=() rc=0 p ok=1
	while [ "$1" != -- ]; do pats+=("$1"); shift; done
	shift
	# the caller's WBG_SKIP (e.g. a quick WBG_SKIP=vm,... make check) is not ours
	env -u WBG_SKIP BUILD="$tmp/build" "$@" > "$out" 2>&1 || rc=$?
	case $want in
	0) [ "$rc" = 0 ] || ok=0 ;;
	*) [ "$rc" != 0 ] || ok=0 ;;
	esac
	for p in "${pats[@]}"; do grep -qE -- "$p" "$out" || { ok=0; echo "    missing /$p/"; }; done
	if [ $ok = 1 ]; then echo "PASS $name"; else
		echo "FAIL $name (exit $rc)"; sed 's/^/    | /' "$out" | tail -n 8
		failures=$((failures + 1)); fi
}
mk() { echo "-f $tmp/fake.mk BUILD=$tmp/build $1"; }

check unplannable_target_fails 1 '^FAIL vm/harness' '^0 passed, 1 failed, 0 skipped$' -- \
	WBG_MAKE_VM="$(mk unplannable)" "$top/tests/run.sh" vm
check failed_build_fails 1 '^FAIL vm/harness' '^0 passed, 1 failed, 0 skipped$' -- \
	WBG_MAKE_VM="$(mk broken)" "$top/tests/run.sh" vm
check guest_counts_added 0 '^3 passed, 0 failed, 0 skipped$' -- \
	WBG_MAKE_VM="$(mk guest-ok)" "$top/tests/run.sh" vm
check make_failure_after_count_fails 1 '^FAIL vm/make' '^3 passed, 1 failed' -- \
	WBG_MAKE_VM="$(mk guest-fail-late)" "$top/tests/run.sh" vm
check mutation_without_result_fails 1 '^FAIL mutation/fake \(no result\)' -- \
	WBG_MAKE_MUT="$(mk broken)" WBG_MUTATIONS="$tmp/fake.patch" "$top/tests/run.sh" mut
check mutation_caught_passes 0 '^PASS mutation/fake' '^1 passed, 0 failed' -- \
	WBG_MAKE_MUT="$(mk mut-one)" WBG_MUTATIONS="$tmp/fake.patch" "$top/tests/run.sh" mut
check stock_unplannable_fails 1 '^FAIL stock/harness' '^0 passed, 1 failed, 0 skipped$' -- \
	WBG_MAKE_STOCK="$(mk unplannable)" "$top/tests/run.sh" stock
check fentry_without_logs_fails 1 '^FAIL fentry/compare' -- \
	WBG_MAKE_FENTRY="$(mk broken)" "$top/tests/run.sh" fentry
check skip_only_on_request 0 '^SKIP vm \(WBG_SKIP\)' '^skipped on request \(WBG_SKIP\): vm$' \
	'^0 passed, 0 failed, 1 skipped$' -- \
	WBG_SKIP=vm WBG_MAKE_VM="$(mk broken)" "$top/tests/run.sh" vm
exit $((failures > 0))
