#!/bin/sh
# The guest runs our v7.3 kernel (the release the host just built) and exposes BTF.
set -e
r=$(uname -r)
want=$(cat /run/wbg/kernel-release 2>/dev/null || true)
echo "uname -r: $r (built: ${want:-unknown})"
case "$r" in 7.3|7.3.*|7.3-*|7.3.*-*) ;; *) echo "not a 7.3 kernel"; exit 1 ;; esac
[ -z "$want" ] || [ "$r" = "$want" ] || { echo "release differs from the build"; exit 1; }
[ -s /sys/kernel/btf/vmlinux ] || { echo "no /sys/kernel/btf/vmlinux"; exit 1; }
echo "BTF: $(wc -c </sys/kernel/btf/vmlinux) bytes"
[ -d /sys/kernel/tracing/events/writeback ] || { echo "no writeback tracepoints in tracefs"; exit 1; }
echo "cmdline: $(cat /proc/cmdline)"
