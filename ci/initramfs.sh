#!/usr/bin/env bash
# Build the test VM's initramfs: stage 1 only (ci/guest-stage1.sh as /init + busybox-static).
# Everything else, the Debian tools, our binaries and the tests, the guest reads from the host's
# root over virtio-9p after switch_root (see ci/guest-stage1.sh, ci/guest-init.sh).
#
# Usage: ci/initramfs.sh OUT.cpio.gz [--moddir DIR --modules "NAME..."]
#   --moddir DIR       a kernel's lib/modules/<release> (a stock kernel from ci/stock-kernel.sh)
#   --modules "N..."   modules stage 1 loads (with their modules.dep dependencies, in order,
#                      decompressed: busybox insmod reads plain .ko only); built-in ones
#                      (modules.builtin) are left out
# Env: WBG_KRELEASE  written to /etc/wbg-kernel-release (the guest test checks uname -r against it)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: initramfs.sh OUT.cpio.gz [--moddir DIR --modules \"NAME...\"]}
shift
moddir="" modules=""
while [ $# -gt 0 ]; do
	case "$1" in
	--moddir) moddir=$2; shift 2 ;;
	--modules) modules=$2; shift 2 ;;
	*) echo "initramfs: unknown argument $1" >&2; exit 2 ;;
	esac
done
die() { echo "initramfs: error: $*" >&2; exit 1; }

bb=$(command -v busybox || true)
[ -n "$bb" ] && file -L "$bb" 2>/dev/null | grep -q 'statically linked' ||
	{ [ -x /bin/busybox ] && bb=/bin/busybox; }
[ -x "${bb:-}" ] || die "busybox-static not installed (ci/deps.sh vm)"

stage=$(mktemp -d "${TMPDIR:-/tmp}/wbg-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,etc,proc,sys,dev,newroot,lib/modules}
cp "$bb" "$stage/bin/busybox"
for a in $("$bb" --list); do
	[ -e "$stage/bin/$a" ] || ln -s busybox "$stage/bin/$a"
done
cp "$here/ci/guest-stage1.sh" "$stage/init"
chmod 755 "$stage/init"
echo "${WBG_KRELEASE:-}" > "$stage/etc/wbg-kernel-release"
: > "$stage/etc/wbg-modules"

# modules.dep: "kernel/a/b.ko.xz: dep1 dep2": the deps are listed so that the last one is
# loaded first. Visit depth-first, each module after its dependencies.
if [ -n "$modules" ]; then
	[ -f "$moddir/modules.dep" ] || die "--modules needs --moddir with a modules.dep ($moddir)"
	declare -A path_of=() done_=()
	while IFS= read -r l; do
		p=${l%%:*}; n=${p##*/}; n=${n%%.ko*}; n=${n//-/_}
		path_of[$n]=$p
	done < "$moddir/modules.dep"
	declare -A builtin=()
	if [ -f "$moddir/modules.builtin" ]; then
		while IFS= read -r p; do n=${p##*/}; n=${n%%.ko*}; builtin[${n//-/_}]=1; done < "$moddir/modules.builtin"
	fi
	order=()
	visit() {
		local n=${1//-/_} p deps d i
		[ -z "${done_[$n]:-}" ] || return 0
		done_[$n]=1
		p=${path_of[$n]:-}
		if [ -z "$p" ]; then
			[ -n "${builtin[$n]:-}" ] && return 0
			# a kernel package without modules.builtin (trixie's split packages): not a module
			[ -f "$moddir/modules.builtin" ] && die "module $n: not in modules.dep nor modules.builtin"
			echo "initramfs: $n: not a module of this kernel, assumed built in" >&2
			return 0
		fi
		deps=$(grep -m1 "^$p:" "$moddir/modules.dep" | cut -d: -f2)
		read -r -a deps <<< "$deps"
		for ((i = ${#deps[@]} - 1; i >= 0; i--)); do
			d=${deps[$i]##*/}; visit "${d%%.ko*}"
		done
		order+=("$p")
	}
	for m in $modules; do visit "$m"; done
	for p in ${order[@]+"${order[@]}"}; do
		f=$moddir/$p b=${p##*/}; b=${b%%.ko*}.ko
		case "$p" in
		*.ko.xz) xz -dc "$f" > "$stage/lib/modules/$b" ;;
		*.ko.zst) zstd -qdc "$f" > "$stage/lib/modules/$b" ;;
		*.ko.gz) gzip -dc "$f" > "$stage/lib/modules/$b" ;;
		*.ko) cp "$f" "$stage/lib/modules/$b" ;;
		*) die "unknown module file $p" ;;
		esac
		echo "$b" >> "$stage/etc/wbg-modules"
	done
	echo "initramfs: modules (load order): $(tr '\n' ' ' < "$stage/etc/wbg-modules")" >&2
fi

if [ "$(id -u)" -eq 0 ]; then
	mknod -m 600 "$stage/dev/console" c 5 1
	mknod -m 666 "$stage/dev/null" c 1 3
fi

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
echo "initramfs: $out ($(du -h "$out" | cut -f1))" >&2
