# Sourced by the tests/stock/ guest tests (Debian's stock kernels, make stock-matrix):
# the modules a test needs, loaded with the host's kmod from the kernel's own package
# (ci/guest-init.sh points modprobe there), and the paths of our binaries for the
# scripts shared with the host suite (tests/host/stable_mode.sh) and the VM suite
# (tests/vm/7x-ioend-*.sh).
export WBG=$WBG_BIN/wbguard REPRO=$WBG_BIN/workloads/stable_repro
[ -x "$WBG" ] || { echo "FAIL: no $WBG (make vm-bins)"; exit 1; }

# stock_modules NAME...: each loaded, or built into this kernel
stock_modules() {
	for m in "$@"; do
		modprobe "$m" 2>/tmp/modprobe.err ||
			[ -d "/sys/module/$(echo "$m" | tr - _)" ] ||
			{ echo "FAIL: modprobe $m: $(cat /tmp/modprobe.err)"; exit 1; }
	done
}

# scsi_debug_disk: the scsi_debug disk's name (sdX); its dif/dix/guard/size come from the
# kernel command line (ci/qemu-run.sh)
scsi_debug_disk() {
	stock_modules scsi_debug sd_mod
	for i in 1 2 3 4 5 6 7 8 9 10; do
		for b in /sys/block/sd*; do
			case "$(cat "$b/device/model" 2>/dev/null)" in
			scsi_debug*) echo "${b##*/}"; return 0 ;;
			esac
		done
		sleep 1
	done
	echo "FAIL: no scsi_debug disk" >&2
	return 1
}
# The stable workloads run 4 s here (6 s on the host): three kernels x six filesystem
# cases under TCG are most of make stock-matrix's time.
export WBG_STABLE_SECS=${WBG_STABLE_SECS:-4}
