# Kunai: one binary embedding every probe.
#   make            build build/kunai
#   sudo make run   install dependencies, build, run with the default configuration
#   sudo make test  install dependencies, build, run the whole test suite

VERSION    := 0.1.0
# bpftool, depmod, modprobe, insmod live in sbin, which a root shell's PATH
# may lack
export PATH := $(PATH):/usr/local/sbin:/usr/sbin:/sbin
BUILD      := build
CC         ?= cc
CLANG      ?= clang
BPFTOOL    ?= bpftool
PYTHON     ?= /usr/bin/python3
ARCH       ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

CFLAGS     ?= -O2 -g
# Paths in the binary are relative to the tree: the same sources give the
# same bytes wherever they are checked out.
CFLAGS     += -ffile-prefix-map=$(CURDIR)=.
CFLAGS     += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
              -D_GNU_SOURCE -DKUNAI_VERSION=\"$(VERSION)\" -Iinclude -Isrc -I$(BUILD)
LDLIBS     := -lbpf -lelf -lmagic -lyaml -lz -lcrypto -lm -lpthread
# libmagic's own compression libraries, for the static link
STATIC_LDLIBS := -lbpf -lelf -lmagic -lyaml -llzma -lbz2 -lz -lcrypto -lm -lpthread
LLVM_STRIP ?= llvm-strip
# The kernel's types come from a checked-in header (bpf/vmlinux/ARCH/), never
# from the build machine's kernel: the same sources give the same binary on
# any build host; CO-RE adapts it to the running kernel at load.
VMLINUX_H  := bpf/vmlinux/$(ARCH)/vmlinux.h
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Wall -Wno-unused-function \
              -ffile-prefix-map=$(CURDIR)=. \
              -Iinclude -Ibpf/vmlinux/$(ARCH) -Ibpf

BPF_HDRS   := $(wildcard bpf/*.bpf.h bpf/lib/*.h) include/kunai/wire.h

LIB_SRCS   := $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
LIB_OBJS   := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
HDRS       := $(wildcard src/*/*.h) include/kunai/wire.h

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

.PHONY: all static deps vm-deps vmlinux-h run test unit unit-asan e2e e2e-asan test-vm build-anywhere bench clean format

all: $(BUILD)/kunai

# Debian 12 packages needed to build, run and test; installs only what is missing.
DEPS := clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev libcmocka-dev libssl-dev pkg-config \
        libmagic-dev libmagic-mgc liblzma-dev libbz2-dev libyaml-dev \
        make gcc python3 iproute2 util-linux procps file
deps:
	@missing=$$(for p in $(DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	   | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# What the test VMs need (tests/vm/run.sh, tools/kernel.sh): emulator,
# initramfs tools, the archive keys of the suites the kernels come from.
VM_DEPS := qemu-system-x86 busybox-static cpio kmod xz-utils zstd debian-archive-keyring
vm-deps:
	@missing=$$(for p in $(VM_DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	   | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# Regenerate the checked-in headers (x86 and arm64) from the BTF of Debian's
# newest 6.12 kernel packages: `make vmlinux-h`.
VMLINUX_SERIES := 6.12
vmlinux-h:
	@mkdir -p $(BUILD)
	for a in x86:amd64 arm64:arm64; do \
	  dir=bpf/vmlinux/$${a%%:*}; mkdir -p $$dir && \
	  KERNEL_ARCH=$${a##*:} tools/kernel.sh btf $(VMLINUX_SERIES) $(BUILD)/vmlinux-$${a##*:}.btf && \
	  $(BPFTOOL) btf dump file $(BUILD)/vmlinux-$${a##*:}.btf format c > $$dir/vmlinux.h.tmp && \
	  mv $$dir/vmlinux.h.tmp $$dir/vmlinux.h || exit 1; \
	done

# Two objects of the same sources: the path walker on bpf_loop (5.17+) or on
# a bounded loop (bpf_loop's callback cannot even be parsed before 5.13);
# the sensor loads the one the running kernel can run. DWARF is stripped
# (libbpf needs the BTF only).
$(BUILD)/kunai.bpf.o: bpf/kunai.bpf.c $(BPF_HDRS) $(VMLINUX_H)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -DKN_WALK_LOOP=1 -c $< -o $@.tmp
	$(LLVM_STRIP) -g $@.tmp -o $@
	@rm -f $@.tmp
$(BUILD)/kunai_compat.bpf.o: bpf/kunai.bpf.c $(BPF_HDRS) $(VMLINUX_H)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -DKN_WALK_LOOP=0 -c $< -o $@.tmp
	$(LLVM_STRIP) -g $@.tmp -o $@
	@rm -f $@.tmp

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@.tmp && mv $@.tmp $@
SKELS := $(BUILD)/kunai.skel.h $(BUILD)/kunai_compat.skel.h

$(BUILD)/obj/%.o: src/%.c $(HDRS) $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/kunai: $(BUILD)/obj/cli/main.o $(LIB_OBJS)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

# One statically linked kunai (make static): libbpf, libelf, libmagic, zlib, libcrypto
# and the C library inside, user and group names read from /etc/passwd and
# /etc/group (no NSS modules); it runs on any x86_64 Linux with BTF.
$(BUILD)/static/kunai: src/cli/main.c $(LIB_SRCS) $(HDRS) $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -DKN_USERS_FILES -static src/cli/main.c $(LIB_SRCS) -o $@.tmp $(STATIC_LDLIBS) 2> $@.log || \
		{ cat $@.log >&2; exit 1; }
	@! readelf -lW $@.tmp | grep -q 'INTERP\|DYNAMIC' || { echo "$@ is not static" >&2; exit 1; }
	mv $@.tmp $@
static: $(BUILD)/static/kunai

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< $(LIB_OBJS) -o $@ $(LDLIBS) -lcmocka

run: deps
	$(MAKE) all
	./$(BUILD)/kunai run

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done
	@echo "== tests/schema/test_check.py"; $(PYTHON) tests/schema/test_check.py

# The same unit tests under AddressSanitizer and UndefinedBehaviorSanitizer.
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ASAN_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/asan/%,$(UNIT_SRCS))
$(BUILD)/asan/%: tests/unit/%.c $(LIB_SRCS) $(HDRS) $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(filter-out -O2,$(CFLAGS)) $(ASAN_FLAGS) $< $(LIB_SRCS) -o $@ $(LDLIBS) -lcmocka
# The sensor itself under the sanitizers, for the end-to-end suite.
$(BUILD)/asan/kunai: src/cli/main.c $(LIB_SRCS) $(HDRS) $(SKELS)
	@mkdir -p $(@D)
	$(CC) $(filter-out -O2,$(CFLAGS)) $(ASAN_FLAGS) src/cli/main.c $(LIB_SRCS) -o $@ $(LDLIBS)
# The kernel matrix: the end-to-end suite in VMs on Debian's 5.10, 6.1 and
# 6.12 kernels (the binary built here: CO-RE), then the static binary alone
# in a bare initramfs running `kunai check`, on each. A kernel that cannot be
# had fails, unless named in KUNAI_SKIP_KERNELS (e.g. "5.10 6.12", or all).
VM_KERNELS := 5.10 6.1 6.12
test-vm: vm-deps $(BUILD)/kunai $(BUILD)/static/kunai
	tests/vm/matrix.sh $(BUILD)/static/kunai $(VM_KERNELS)

# The build reads nothing of the build machine's kernel: the same bytes
# without /sys/kernel/btf, from scratch.
build-anywhere: $(BUILD)/kunai
	tests/build-anywhere.sh

# (resident memory under ASan grows with its quarantine: that test is for
# the real build; so are three of the kernel side's behaviours alone, the
# same in both builds: a map under 90000 reads, the ids of a PID
# namespace, throttling)
e2e-asan: $(BUILD)/asan/kunai
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 $(PYTHON) tests/e2e/run.py --kunai $(BUILD)/asan/kunai \
		--skip test_memory_flat --skip test_write_close_not_evicted --skip test_check_pid_namespace \
		--skip test_throttle

unit-asan: $(ASAN_BINS)
	@set -e; for t in $(ASAN_BINS); do echo "== $$t"; $$t; done

e2e: $(BUILD)/kunai
	$(PYTHON) tests/e2e/run.py --kunai $(BUILD)/kunai --helper-combos

test: deps
	$(MAKE) all static $(UNIT_BINS)
	$(MAKE) unit
	$(MAKE) unit-asan
	$(MAKE) build-anywhere
	$(MAKE) e2e
	$(MAKE) e2e-asan
	$(MAKE) test-vm

$(BUILD)/bench/serialize: bench/serialize.c $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< $(LIB_OBJS) -o $@ $(LDLIBS)

bench: $(BUILD)/kunai $(BUILD)/bench/serialize
	$(BUILD)/bench/serialize 20000
	$(PYTHON) bench/replay.py --kunai $(BUILD)/kunai --serialize $(BUILD)/bench/serialize
	$(PYTHON) bench/exec_storm.py --kunai $(BUILD)/kunai --execs 3000 --rounds 3
	$(PYTHON) bench/syscall_cost.py --kunai $(BUILD)/kunai --rounds 3

format:
	clang-format -i $$(git ls-files '*.c' '*.h' | grep -v '^bpf/vmlinux/')

clean:
	rm -rf $(BUILD)
