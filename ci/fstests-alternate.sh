#!/usr/bin/env bash
# Run one fstests list on the base and the series kernel alternately, CHUNK list lines at a
# time (ci/fstests-run.sh on ever longer prefixes of the list: it skips what has a result),
# so that when the run is stopped both kernels have results for the same tests.
# Appends "LABEL CHUNK_END SECONDS" per ci/fstests-run.sh call to OUTDIR/walltime.txt
# (the wall time each kernel took, boots and reruns included).
#
# Usage: ci/fstests-alternate.sh LIST CHUNK BASE_BZIMAGE SERIES_BZIMAGE OUTDIR
# Env: WBG_FSTESTS_FIRST (lines of the first chunk, default CHUNK: a list may start with a
#      group of a different size), WBG_FSTESTS_SHARD (tests per boot, default CHUNK), and
#      as ci/fstests-run.sh otherwise.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
list=${1:?usage: fstests-alternate.sh LIST CHUNK BASE_BZIMAGE SERIES_BZIMAGE OUTDIR}
chunk=${2:?} base=${3:?} series=${4:?} out=${5:?}
mkdir -p "$out"
export WBG_FSTESTS_SHARD=${WBG_FSTESTS_SHARD:-$chunk}
WBG_FSTESTS_DIR=${WBG_FSTESTS_DIR:-$(bash "$here/ci/fstests-build.sh")} || exit 1
export WBG_FSTESTS_DIR
lines=$(grep -vcE '^[[:space:]]*(#|$)' "$list")
prefix=$out/.prefix-list.txt
n=0 step=${WBG_FSTESTS_FIRST:-$chunk}
while [ "$n" -lt "$lines" ]; do
	n=$((n + step)) step=$chunk
	grep -vE '^[[:space:]]*(#|$)' "$list" | head -n "$n" > "$prefix"
	for k in base series; do
		[ "$k" = base ] && img=$base || img=$series
		t0=$(date +%s)
		bash "$here/ci/fstests-run.sh" "$k" "$img" "$prefix" "$out"
		echo "$k $n $(( $(date +%s) - t0 ))" >> "$out/walltime.txt"
	done
done
