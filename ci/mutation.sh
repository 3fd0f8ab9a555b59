#!/usr/bin/env bash
# Run one test-only mutation: the series plus patches/mutations/NAME.patch,
# built incrementally in the same O= directory as the clean kernel (a
# mutation touches one or two files), booted with wbg.mutation=NAME so the
# guest tests expect the violation, and only the tests named by TESTS.
# The guest tests pass when their detector fired; so does this script.
#
# Usage: ci/mutation.sh NAME TESTS [ALLOW_SPLAT_ERE]
#   TESTS            substring of the guest tests to run (wbg.tests=)
#   ALLOW_SPLAT_ERE  kernel log lines the mutation is expected to cause
#                    (e.g. the debug warning it provokes); other splats fail
# Env: WBG_CACHE, KBUILD, VM_BUILD (default build/vm), WBG_VM_TIMEOUT,
#      WBG_VM_APPEND (more kernel command line, e.g. a test's wbg.* knobs)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
name=${1:?usage: mutation.sh NAME TESTS [ALLOW_SPLAT_ERE]}
tests=${2:?usage: mutation.sh NAME TESTS [ALLOW_SPLAT_ERE]}
allow=${3:-}
WBG_CACHE=${WBG_CACHE:-$HOME/.cache/wbguard}
KBUILD=${KBUILD:-$WBG_CACHE/kbuild}
VM_BUILD=${VM_BUILD:-build/vm}
patch=$here/patches/mutations/$name.patch
[ -f "$patch" ] || { echo "mutation: no $patch" >&2; exit 2; }
out=$VM_BUILD/mut-$name
mkdir -p "$out"

t0=$(date +%s)
WBG_CACHE=$WBG_CACHE KBUILD=$KBUILD WBG_EXTRA_PATCHES=$patch bash "$here/ci/kernel-build.sh"
cp "$KBUILD/arch/x86/boot/bzImage" "$out/bzImage"
tb=$(( $(date +%s) - t0 ))

rc=0
WBG_VM_TESTS=$tests WBG_VM_APPEND="wbg.mutation=$name${WBG_VM_APPEND:+ $WBG_VM_APPEND}" WBG_VM_ALLOW_SPLAT=$allow \
	bash "$here/ci/qemu-run.sh" "$out/bzImage" "$VM_BUILD/initramfs.cpio.gz" "$out" || rc=$?
if [ "$rc" -eq 0 ]; then
	echo "mutation $name: CAUGHT (tests '$tests' saw the violation; build ${tb}s)"
else
	echo "mutation $name: NOT caught, or the harness failed (see $out/console.log)"
fi
exit "$rc"
