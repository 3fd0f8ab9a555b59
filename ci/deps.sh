#!/usr/bin/env bash
# Install the Debian packages wbguard needs, idempotently.
# Usage: ci/deps.sh [host|vm|all|fstests]   (default: all)
#   host: BPF toolchain + filesystems for building and host tests,
#         bpftrace for make bench-overhead
#   vm:   adds the kernel build and qemu toolchain
#   fstests: adds what fstests' README asks for on Debian (make fstests only)
# Fast when everything is present: one dpkg-query, no apt-get.
set -euo pipefail

want=${1:-all}
host_pkgs=(clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev make gcc pkg-config
	   e2fsprogs xfsprogs btrfs-progs fdisk dmsetup util-linux jq libaio-dev liburing-dev bpftrace)
# promtool (Prometheus' own text-format parser) checks --metrics output in a
# host test; Debian 12 ships it in prometheus (2.42).
host_pkgs+=(prometheus)
vm_pkgs=(qemu-system-x86 busybox-static cpio bc bison flex libssl-dev dwarves ccache
	 xz-utils kmod rsync dpkg-dev btrfs-progs fio)
# git send-email: sending the series (ci/cc-cmd.sh as its --cc-cmd) and the
# dry run of it (README, "The patch series").
vm_pkgs+=(git-email)
# build coverage of the series (make series-buildcov): clang 19 (7.3 needs LLVM >= 17;
# Debian 12's default clang is 14): clang-19, lld-19, llvm-19 (LLVM=-19). sparse for make C=2:
# Debian 12's 0.6.4 cannot parse 7.3's headers, so ci/sparse.sh builds a newer one from a
# newer suite's Debian source (dpkg-dev, above) unless the installed one passes kbuild's gate.
vm_pkgs+=(sparse clang-19 lld-19 llvm-19)
# fstests' README (Debian section), less what only other filesystems, network
# tests or dump/restore tests use.
fstests_pkgs=(acl attr autoconf automake bc gawk indent libacl1-dev libattr1-dev libaio-dev
	      libcap-dev libgdbm-dev libgdbm-compat-dev libtool libtool-bin liburing-dev psmisc
	      quota sqlite3 uuid-dev uuid-runtime xfslibs-dev xfsdump dbench lvm2)

case "$want" in
host) pkgs=("${host_pkgs[@]}") ;;
vm|all) pkgs=("${host_pkgs[@]}" "${vm_pkgs[@]}") ;;
fstests) pkgs=("${host_pkgs[@]}" "${vm_pkgs[@]}" "${fstests_pkgs[@]}") ;;
*) echo "deps.sh: unknown set '$want' (host|vm|all|fstests)" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages (${missing[*]}) and not root to install them" >&2
	exit 2
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# A stale or empty package list makes apt-get install fail: refresh once.
apt-get update -qq >/dev/null || true
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Only promtool is wanted: a Prometheus server the install just started on a
# systemd machine is stopped and disabled again (one the user had stays).
case " ${missing[*]} " in
*" prometheus "*)
	if command -v systemctl > /dev/null && [ -d /run/systemd/system ]; then
		systemctl disable --now prometheus.service > /dev/null 2>&1 || true
	fi ;;
esac
