#!/bin/sh
# A Debian stock kernel in the guest (make stock-boot): the release is the package's, ext4 is a
# module that the host's kmod loads from the package (bound on /lib/modules/<release> by
# stage 1), and the module's BTF is there for CO-RE / tp_btf.
r=$(uname -r)
want=$(cat /run/wbg/kernel-release 2>/dev/null || true)
echo "uname -r: $r (package: ${want:-unknown})"
[ -n "$want" ] && [ "$r" = "$want" ] || { echo "FAIL: release differs from the package's"; exit 1; }
[ -s /sys/kernel/btf/vmlinux ] || { echo "FAIL: no /sys/kernel/btf/vmlinux"; exit 1; }
modprobe ext4 || { echo "FAIL: modprobe ext4"; exit 1; }
[ -s /sys/kernel/btf/ext4 ] || { echo "FAIL: no /sys/kernel/btf/ext4 after modprobe ext4"; exit 1; }
echo "ext4 BTF: $(wc -c </sys/kernel/btf/ext4) bytes; modules: $(cut -d' ' -f1 /proc/modules | tr '\n' ' ')"
