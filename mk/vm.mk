# Kernel and VM targets (included by the top-level Makefile).
#
#   make kernel-source   pristine base in $(WBG_CACHE) (Debian linux-source-7.3, or KSRC=/path)
#   make kernel          base + git am patches/series, tinyconfig + kernel-config/*.config, bzImage + vmlinux (BTF)
#   make initramfs       stage 1 only: busybox-static + ci/guest-stage1.sh (the guest then runs
#                        on the host's root, read-only over 9p, with the checkout's build/vm binaries)
#   make vmtest          kernel + guest binaries + initramfs, boot qemu (TCG), run tests/vm/*.sh,
#                        scan dmesg for splats
#   make vm-shell        boot the same VM to an interactive shell (bash)
#   make stock-boot      Debian's stock kernels (6.1, 6.12, 7.3: ci/stock-kernel.sh) in the same
#                        guest, tests/stock/*.sh (modules from the package)
#
# Variables: KSRC (optional kernel tree, git or plain), KBUILD (O= dir), WBG_CACHE,
#   WBG_VM_TESTS=substr (only those guest tests), WBG_VM_TIMEOUT=s, WBG_VM_INJECT=fail|warn (test-only)

WBG_CACHE ?= $(HOME)/.cache/wbguard
KSRC ?=
ifeq ($(strip $(KSRC)),)
KBUILD ?= $(WBG_CACHE)/kbuild
else
KBUILD ?= $(WBG_CACHE)/kbuild-ksrc
endif
VM_BUILD ?= build/vm
VM_KERNEL := $(KBUILD)/arch/x86/boot/bzImage
VM_INITRAMFS := $(VM_BUILD)/initramfs.cpio.gz
WBG_VM_TESTS ?=
WBG_VM_TIMEOUT ?= 900
WBG_VM_INJECT ?=

VM_ENV := WBG_CACHE='$(WBG_CACHE)' KSRC='$(KSRC)' KBUILD='$(KBUILD)'
VM_RUN_ENV := WBG_VM_TESTS='$(WBG_VM_TESTS)' WBG_VM_TIMEOUT='$(WBG_VM_TIMEOUT)' WBG_VM_INJECT='$(WBG_VM_INJECT)'

# Guest binaries from the other half of the tree, built against the guest kernel's BTF, once
# their sources exist.
VM_HAVE_WBGUARD := $(wildcard tools/wbguard.c)
VM_HAVE_WORKLOADS := $(wildcard tests/workloads/*.c)
VM_GOALS := $(if $(VM_HAVE_WBGUARD),wbguard) $(if $(VM_HAVE_WORKLOADS),workloads)

.PHONY: kernel-source kernel vm-deps vm-bins initramfs vmtest vm-shell vm-splat-selftest stock-kernels stock-boot

vm-deps:
	@bash ci/deps.sh all

kernel-source: vm-deps
	@$(VM_ENV) bash ci/kernel-source.sh >/dev/null

kernel: vm-deps
	@$(VM_ENV) bash ci/kernel-build.sh

# fentry/fexit load check for the guest (tests/vm/10-fentry.sh): no vmlinux.h needed.
VM_FENTRY := $(VM_BUILD)/tests/fentry_probe
$(VM_BUILD)/tests/fentry_probe.bpf.o: tests/vm/fentry_probe.bpf.c | vm-deps
	@mkdir -p $(@D)
	clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I/usr/include/$(shell gcc -dumpmachine) -c $< -o $@
$(VM_BUILD)/tests/fentry_probe.skel.h: $(VM_BUILD)/tests/fentry_probe.bpf.o
	bpftool gen skeleton $< name fentry_probe_bpf > $@
$(VM_FENTRY): tests/vm/fentry_probe.c $(VM_BUILD)/tests/fentry_probe.skel.h
	gcc -O2 -g -Wall -I$(VM_BUILD)/tests -static -o $@ $< -lbpf -lelf -lz

# The series' bare tracepoint block_stable_bounce_tp, counted in the guest (tests/vm/54-stable-dmapin.sh).
VM_BOUNCE_COUNT := $(VM_BUILD)/tests/bounce_count
$(VM_BUILD)/tests/bounce_count.bpf.o: tests/vm/bounce_count.bpf.c | vm-deps
	@mkdir -p $(@D)
	clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I/usr/include/$(shell gcc -dumpmachine) -c $< -o $@
$(VM_BUILD)/tests/bounce_count.skel.h: $(VM_BUILD)/tests/bounce_count.bpf.o
	bpftool gen skeleton $< name bounce_count_bpf > $@
$(VM_BOUNCE_COUNT): tests/vm/bounce_count.c $(VM_BUILD)/tests/bounce_count.skel.h
	gcc -O2 -g -Wall -I$(VM_BUILD)/tests -static -o $@ $< -lbpf -lelf -lz

vm-bins: kernel $(VM_FENTRY) $(VM_BOUNCE_COUNT)
ifneq ($(VM_GOALS),)
	@$(MAKE) --no-print-directory $(VM_GOALS) BUILD=$(VM_BUILD) VMLINUX_BTF=$(KBUILD)/vmlinux
endif

# The guest reads the binaries from $(VM_BUILD) over 9p (ci/qemu-run.sh: wbg.bin=).
initramfs: vm-bins
	@WBG_KRELEASE=$$(cat $(KBUILD)/include/config/kernel.release) bash ci/initramfs.sh $(VM_INITRAMFS)

vmtest: initramfs
	@$(VM_RUN_ENV) WBG_VM_BIN=$(VM_BUILD) bash ci/qemu-run.sh $(VM_KERNEL) $(VM_INITRAMFS) $(VM_BUILD)

vm-shell: initramfs
	@WBG_VM_BIN=$(VM_BUILD) WBG_VM_INTERACTIVE=1 WBG_VM_TIMEOUT=86400 bash ci/qemu-run.sh $(VM_KERNEL) $(VM_INITRAMFS) $(VM_BUILD)/shell

# Debian's stock kernels (no build): fetched into $(WBG_CACHE)/stock, booted with their modules.
# WBG_STOCK_LINES picks lines (default: 6.1 6.12 7.3).
WBG_STOCK_LINES ?=
stock-kernels: vm-deps
	@WBG_CACHE='$(WBG_CACHE)' bash ci/stock-kernel.sh $(WBG_STOCK_LINES)

stock-boot: vm-deps
	@WBG_CACHE='$(WBG_CACHE)' $(VM_RUN_ENV) bash ci/stock-boot.sh $(WBG_STOCK_LINES)

vm-splat-selftest:
	@bash ci/splat-scan.sh --selftest
