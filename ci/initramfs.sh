#!/usr/bin/env bash
# Build the test VM's initramfs: busybox-static, the Debian tools the guest tests call (with
# their shared libraries, found by ldd), our static binaries, tests/vm/*.sh and the /init.
#
# Usage: ci/initramfs.sh OUT.cpio.gz [--bin FILE]... [--dir SRC:DEST]...
#   --bin FILE      copy FILE to /bin/<name> in the guest
#   --dir SRC:DEST  copy directory SRC to DEST in the guest (e.g. build/vm/workloads:/bin/workloads)
# Env: WBG_KRELEASE  written to /etc/wbg-kernel-release (the guest test checks uname -r against it)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: initramfs.sh OUT.cpio.gz [--bin FILE]... [--dir SRC:DEST]...}
shift
bins=() dirs=()
while [ $# -gt 0 ]; do
	case "$1" in
	--bin) bins+=("$2"); shift 2 ;;
	--dir) dirs+=("$2"); shift 2 ;;
	*) echo "initramfs: unknown argument $1" >&2; exit 2 ;;
	esac
done
die() { echo "initramfs: error: $*" >&2; exit 1; }

bb=$(command -v busybox || true)
[ -n "$bb" ] && file -L "$bb" 2>/dev/null | grep -q 'statically linked' ||
	{ [ -x /bin/busybox ] && bb=/bin/busybox; }
[ -x "${bb:-}" ] || die "busybox-static not installed (ci/deps.sh vm)"

# Debian tools the guest tests call by full path (busybox would shadow the short names).
tools=(/usr/sbin/mke2fs /usr/sbin/mkfs.ext4 /usr/sbin/e2fsck /usr/sbin/fsck.ext4 /usr/sbin/tune2fs
       /usr/sbin/dumpe2fs /usr/sbin/debugfs /usr/sbin/mkfs.xfs /usr/sbin/xfs_io /usr/sbin/xfs_repair
       /usr/sbin/bpftool /usr/sbin/dmsetup /usr/sbin/losetup /usr/bin/xfs_io)

stage=$(mktemp -d "${TMPDIR:-/tmp}/wbg-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,usr/bin,usr/sbin,usr/lib,usr/lib64,etc,proc,sys,dev,tmp,run,mnt,root,tests/vm}
ln -s usr/sbin "$stage/sbin"; ln -s usr/lib "$stage/lib"; ln -s usr/lib64 "$stage/lib64"

cp "$bb" "$stage/bin/busybox"
for a in $("$bb" --list); do
	[ -e "$stage/bin/$a" ] || ln -s busybox "$stage/bin/$a"
done

# map a host path onto the guest's merged-/usr layout
gpath() { case "$1" in /lib/*|/lib64/*|/sbin/*) echo "/usr$1" ;; /bin/*) echo "/usr$1" ;; *) echo "$1" ;; esac; }
copy_with_libs() {
	local f=$1 dst
	dst=$stage$(gpath "$f")
	mkdir -p "$(dirname "$dst")"
	cp -L "$f" "$dst"
	ldd "$f" 2>/dev/null | grep -oE '/[^ ]+' | while read -r lib; do
		[ -f "$lib" ] || continue
		d=$stage$(gpath "$lib")
		[ -e "$d" ] && continue
		mkdir -p "$(dirname "$d")"
		cp -L "$lib" "$d"
	done
}
for t in "${tools[@]}"; do
	[ -x "$t" ] || continue
	copy_with_libs "$t"
done

for b in ${bins[@]+"${bins[@]}"}; do
	[ -f "$b" ] || die "--bin $b: no such file"
	cp "$b" "$stage/bin/$(basename "$b")"
	file -L "$b" | grep -q 'dynamically linked' && copy_with_libs "$b"
done
for d in ${dirs[@]+"${dirs[@]}"}; do
	src=${d%%:*} dest=${d#*:}
	[ -d "$src" ] || continue
	mkdir -p "$stage$dest"
	cp -r "$src"/. "$stage$dest"/
done

cp "$here/ci/guest-init.sh" "$stage/init"
chmod 755 "$stage/init"
for t in "$here"/tests/vm/*.sh; do
	[ -e "$t" ] && cp "$t" "$stage/tests/vm/"
done
# helpers shared by the guest tests (optional)
[ -f "$here/tests/vm/lib.sh" ] || true
echo "${WBG_KRELEASE:-}" > "$stage/etc/wbg-kernel-release"
echo "root:x:0:0:root:/root:/bin/sh" > "$stage/etc/passwd"
echo "root:x:0:" > "$stage/etc/group"
touch "$stage/etc/mtab"
ln -sf /proc/mounts "$stage/etc/mtab"
if [ "$(id -u)" -eq 0 ]; then
	mknod -m 600 "$stage/dev/console" c 5 1
	mknod -m 666 "$stage/dev/null" c 1 3
fi

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
echo "initramfs: $out ($(du -h "$out" | cut -f1))" >&2
