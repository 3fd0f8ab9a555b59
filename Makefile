# wbguard — the only entry point a user needs. See README.md.
#
#   make demo      the main job on the running kernel (root)
#   make check     every test: unit, host, and the VM suite
#
# Variables:
#   BUILD=dir            output directory (default build)
#   VMLINUX_BTF=file     kernel whose BTF vmlinux.h is made from
#                        (default: the running kernel)
#   WBG_CACHE=dir        kernel trees, build dirs, ccache (default ~/.cache/wbguard)

BUILD ?= build
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
WBG_CACHE ?= $(HOME)/.cache/wbguard
CLANG ?= clang
BPFTOOL ?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
CC ?= gcc
ARCH := x86

CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Wno-unused-function

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_NAMES := $(notdir $(BPF_SRCS:.bpf.c=))
SKELS := $(addprefix $(BUILD)/,$(addsuffix .skel.h,$(BPF_NAMES)))
TOOL_SRCS := $(wildcard tools/*.c)
TOOL_OBJS := $(patsubst tools/%.c,$(BUILD)/tools/%.o,$(TOOL_SRCS))
# Verdict code and helpers free of BPF: what unit tests link against.
PLAIN_SRCS := $(wildcard tools/*_verdict.c) tools/hist.c tools/util.c tools/devres.c tools/keymap.c tools/jw.c tools/where.c tools/snap.c
PLAIN_OBJS := $(patsubst tools/%.c,$(BUILD)/tools/%.o,$(PLAIN_SRCS))

WORKLOAD_SRCS := $(wildcard tests/workloads/*.c)
WORKLOADS := $(patsubst tests/workloads/%.c,$(BUILD)/workloads/%,$(WORKLOAD_SRCS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNITS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))

DEPS_STAMP := $(BUILD)/.deps-host

# What --version prints: git describe at build time (override: WBG_VERSION=...).
WBG_VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo unknown)

.PHONY: all deps wbguard workloads unit host-test check demo clean install uninstall soak
.DELETE_ON_ERROR:
.SECONDARY:

all: wbguard workloads

# Installs Debian packages only when something is missing (fast otherwise).
deps: $(DEPS_STAMP)
$(DEPS_STAMP): ci/deps.sh
	@mkdir -p $(@D)
	bash ci/deps.sh host
	@touch $@

$(BUILD)/vmlinux.h: $(VMLINUX_BTF) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@test -r "$(VMLINUX_BTF)" || { echo "no BTF at $(VMLINUX_BTF)" >&2; exit 2; }
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

$(BUILD)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) $(BUILD)/vmlinux.h
	$(CLANG) $(BPF_CFLAGS) -I$(BUILD) -Ibpf -c $< -o $@
	llvm-strip -g $@ 2>/dev/null || true

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $*_bpf > $@

$(BUILD)/tools/%.o: tools/%.c $(wildcard tools/*.h bpf/*.h) $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -I$(BUILD) -Itools -c $< -o $@

# Rewritten only when the version changes, so only wbguard.o rebuilds.
$(BUILD)/version.h: FORCE
	@mkdir -p $(@D)
	@echo '#define WBG_VERSION "$(WBG_VERSION)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/tools/wbguard.o: $(BUILD)/version.h
.PHONY: FORCE
FORCE:

# One static binary: runs on the host and inside the VM alike.
$(BUILD)/wbguard: $(TOOL_OBJS)
	$(CC) $(CFLAGS) -static -o $@ $^ -lbpf -lelf -lz
wbguard: $(BUILD)/wbguard

$(BUILD)/workloads/%: tests/workloads/%.c $(wildcard tests/workloads/*.h) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -static -o $@ $< -lpthread
workloads: $(WORKLOADS)

# Unit tests: plain C, no BPF, no root.
$(BUILD)/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(PLAIN_SRCS) $(wildcard tools/*.h bpf/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -Itools -fsanitize=address,undefined -o $@ $< $(PLAIN_SRCS)
# The kernel-BTF view needs libbpf (btf__*), unlike the verdict code.
$(BUILD)/unit/test_kbtf: tests/unit/test_kbtf.c tests/unit/wbg_test.h tools/kbtf.c tools/kbtf.h | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) -Itools -fsanitize=address,undefined -o $@ $< tools/kbtf.c -lbpf -lelf -lz
unit: $(UNITS)
	@tests/run.sh unit

host-test: wbguard workloads
	@tests/run.sh host

# Not in make check (tests/host/80 is its 3-minute version): SOAK_SECS of the
# stable reproducer under wbguard, RSS / map fill / events/s every SOAK_EVERY s.
SOAK_SECS ?= 1800
SOAK_EVERY ?= 60
soak: wbguard workloads
	@SOAK_SECS=$(SOAK_SECS) SOAK_EVERY=$(SOAK_EVERY) bash ci/soak.sh $(BUILD)

demo: wbguard workloads
	@bash tests/demo.sh $(BUILD)

check: wbguard workloads $(UNITS)
	@tests/run.sh all

clean:
	rm -rf $(BUILD)

# make install [PREFIX=/usr/local] [DESTDIR=staging]: the binary, the man
# page and an example systemd unit (its ExecStart names the installed binary).
PREFIX ?= /usr/local
SBINDIR = $(PREFIX)/sbin
MANDIR = $(PREFIX)/share/man
UNITDIR = $(PREFIX)/lib/systemd/system
install: $(BUILD)/wbguard
	install -D -m 0755 $(BUILD)/wbguard $(DESTDIR)$(SBINDIR)/wbguard
	install -d $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR)
	sed 's|@UNITDIR@|$(UNITDIR)|g' contrib/wbguard.8 > $(DESTDIR)$(MANDIR)/man8/wbguard.8
	sed 's|@SBINDIR@|$(SBINDIR)|g' contrib/wbguard-stable.service.in \
		> $(DESTDIR)$(UNITDIR)/wbguard-stable.service
	chmod 0644 $(DESTDIR)$(MANDIR)/man8/wbguard.8 $(DESTDIR)$(UNITDIR)/wbguard-stable.service
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/wbguard $(DESTDIR)$(MANDIR)/man8/wbguard.8 \
		$(DESTDIR)$(UNITDIR)/wbguard-stable.service

# Kernel, VM and patch-series targets.
-include mk/*.mk
