#!/usr/bin/env bash
# make series-debian-full: the last prefix of the series, Debian's 7.3.4 stock config
# (ci/debian-config.sh, olddefconfig), the FULL build: vmlinux + all modules (make all).
# Not part of make series-check: on 2 cores it takes hours (README, "The patch series").
# Same build dir as series-buildcov's debian part ($WBG_CACHE/buildcov/debian), so its touched
# directories are reused; incremental and ccache'd like the other build-coverage dirs.
# Holds the kernel-build lock for the whole make (other kernel builds wait).
. "$(dirname "$0")/series-lib.sh"
. "$here/ci/buildcov-lib.sh"
series_base
buildcov_tree
dir=$buildcov/debian
cfg=$("$here/ci/debian-config.sh")
tree_at "${commits[-1]}"
if [ ! -f "$dir/.config" ] || [ "$(cat "$dir/.wbg-src-config" 2>/dev/null)" != "$cfg" ]; then
	debian_config_into "$dir" "$cfg"
	echo "$cfg" > "$dir/.wbg-src-config"
fi
# A stopped build resumes where it was, so each run keeps its own log: an object compiled in an
# earlier run prints its warnings only there, and the verdict counts them over every part.
logs=$buildcov/logs/debian-full
mkdir -p "$logs"
log=$logs/$(date +%Y%m%d-%H%M%S).log
t0=$(date +%s)
kmake "$dir" -s CC="$ccache gcc" olddefconfig >/dev/null
if kmake "$dir" CC="$ccache gcc" all > "$log" 2>&1; then
	n=$(find "$dir" -name '*.ko' | wc -l)
	objs=$(find "$dir" -name '*.o' | wc -l)
	warn=$(cat "$logs"/*.log | grep -c -E '(warning|error):' || true)
	echo "series-debian-full: ok, vmlinux + $n modules ($objs objects), $warn warnings over $(ls "$logs"/*.log | wc -l) run(s); this run $(( $(date +%s) - t0 - lock_wait ))s (+${lock_wait}s lock wait); logs $logs"
	[ "$warn" = 0 ] || { cat "$logs"/*.log | grep -E '(warning|error):' | sort -u | head -n 40 >&2; exit 1; }
else
	tail -n 40 "$log" >&2
	echo "series-debian-full: FAILED after $(( $(date +%s) - t0 ))s; log $log"
	exit 1
fi
