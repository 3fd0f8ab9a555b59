#!/usr/bin/env bash
# Build fstests from ../shared/fstests.tar.gz (kdave/xfstests at 63a29724) into
# $WBG_CACHE/fstests/<key>/fstests, once per tarball and set of our additions. fstests is a
# suite we build and run, never code we copy. Prints the build directory.
#
# Our additions, proposed to fstests (tests/fstests/): the test program
# dio-read-mmap-race.c and the generic tests in tests/fstests/generic/. They go into the
# extracted tree as a git commit on top of the pristine one, so that
#   ci/fstests-build.sh --export DIR
# writes them as a patch against fstests (git format-patch) into DIR.
# Env: WBG_CACHE (default ~/.cache/wbguard), WBG_FSTESTS_TARBALL.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cache=${WBG_CACHE:-$HOME/.cache/wbguard}
tarball=${WBG_FSTESTS_TARBALL:-$here/../shared/fstests.tar.gz}
log() { echo "fstests-build: $*" >&2; }

export_dir=""
[ "${1:-}" = --export ] && export_dir=${2:?usage: fstests-build.sh [--export DIR]}
[ -r "$tarball" ] || { log "no fstests tarball at $tarball (set WBG_FSTESTS_TARBALL)"; exit 2; }
bash "$here/ci/deps.sh" fstests
# fstests runs some tests as these users; the guest sees this machine's /etc (read-only).
# They need a shell: _require_user runs `su fsgqa` (with nologin, generic/462 did not run).
# No password is set, so no one logs in as them.
for u in fsgqa fsgqa2 123456-fsgqa; do
	id "$u" > /dev/null 2>&1 || useradd -M -s /bin/bash "$u" 2>/dev/null || true
	[ "$(getent passwd "$u" | cut -d: -f7)" = /bin/bash ] || usermod -s /bin/bash "$u" 2>/dev/null || true
done
adds=$here/tests/fstests
key=$( { sha256sum "$tarball"; cat "$adds/dio-read-mmap-race.c" "$adds"/generic/*; } | sha256sum | cut -c1-16)
top=$cache/fstests/$key
if [ -f "$top/built" ] && [ -z "$export_dir" ]; then
	echo "$top/fstests"
	exit 0
fi
rm -rf "$top"
mkdir -p "$top"
tar xzf "$tarball" -C "$top"
src=$top/fstests
[ -x "$src/check" ] || { log "$tarball holds no fstests/check"; exit 2; }
g() { git -C "$src" -c user.name="$(git -C "$here" config user.name)" \
	-c user.email="$(git -C "$here" config user.email)" "$@"; }
g init -q && g add -A && g commit -q -m "fstests as in $(basename "$tarball")"
cp "$adds/dio-read-mmap-race.c" "$src/src/"
sed -i 's/^\(\tdio-writeback-race unlink-fsync\)$/\1 dio-read-mmap-race/' "$src/src/Makefile"
grep -q 'dio-read-mmap-race' "$src/src/Makefile" || { log "src/Makefile: TARGETS line not found"; exit 1; }
sed -i 's|^/src/dio-writeback-race$|&\n/src/dio-read-mmap-race|' "$src/.gitignore"
cp "$adds"/generic/* "$src/tests/generic/"
g add -A
g commit -q -F "$adds/commit-message.txt"
if [ -n "$export_dir" ]; then
	mkdir -p "$export_dir"
	g format-patch -q -1 -o "$(cd "$export_dir" && pwd)" --subject-prefix="PATCH fstests"
	log "exported to $export_dir"
fi
t0=$(date +%s)
# configure runs from make; a failure is the build's, shown in full
if ! make -C "$top/fstests" -j"$(nproc)" > "$top/build.log" 2>&1; then
	tail -30 "$top/build.log" >&2
	log "build failed (log: $top/build.log)"
	exit 1
fi
log "built in $(( $(date +%s) - t0 )) s: $top/fstests"
touch "$top/built"
echo "$top/fstests"
