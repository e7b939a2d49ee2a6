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
ARCH       := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')

CFLAGS     ?= -O2 -g
CFLAGS     += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
              -D_GNU_SOURCE -DKUNAI_VERSION=\"$(VERSION)\" -Iinclude -Isrc -I$(BUILD)
LDLIBS     := -lbpf -lelf -lz -lcrypto -lm -lpthread
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Wall -Wno-unused-function \
              -Iinclude -I$(BUILD) -Ibpf

BPF_HDRS   := $(wildcard bpf/*.bpf.h bpf/lib/*.h) include/kunai/wire.h

LIB_SRCS   := $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
LIB_OBJS   := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
HDRS       := $(wildcard src/*/*.h) include/kunai/wire.h

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))

.PHONY: all deps vm-deps run test unit unit-asan e2e e2e-asan test-vm bench clean format

all: $(BUILD)/kunai

# Debian 12 packages needed to build, run and test; installs only what is missing.
DEPS := clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev libcmocka-dev libssl-dev pkg-config \
        make gcc python3 iproute2 util-linux procps
deps:
	@missing=$$(for p in $(DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	   | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# What the test VMs need (tests/vm/run.sh): emulator, initramfs tools.
VM_DEPS := qemu-system-x86 busybox-static cpio kmod xz-utils zstd
vm-deps:
	@missing=$$(for p in $(VM_DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	   | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

$(BUILD)/vmlinux.h:
	@mkdir -p $(@D)
	@test -r /sys/kernel/btf/vmlinux || { echo "this kernel exposes no BTF (/sys/kernel/btf/vmlinux): Kunai needs CONFIG_DEBUG_INFO_BTF=y" >&2; exit 1; }
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

$(BUILD)/kunai.bpf.o: bpf/kunai.bpf.c $(BPF_HDRS) $(BUILD)/vmlinux.h
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/kunai.skel.h: $(BUILD)/kunai.bpf.o
	$(BPFTOOL) gen skeleton $< name kunai_bpf > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/%.o: src/%.c $(HDRS) $(BUILD)/kunai.skel.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/kunai: $(BUILD)/obj/cli/main.o $(LIB_OBJS)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< $(LIB_OBJS) -o $@ $(LDLIBS) -lcmocka

run: deps
	$(MAKE) all
	./$(BUILD)/kunai run

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

# The same unit tests under AddressSanitizer and UndefinedBehaviorSanitizer.
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ASAN_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/asan/%,$(UNIT_SRCS))
$(BUILD)/asan/%: tests/unit/%.c $(LIB_SRCS) $(HDRS) $(BUILD)/kunai.skel.h
	@mkdir -p $(@D)
	$(CC) $(filter-out -O2,$(CFLAGS)) $(ASAN_FLAGS) $< $(LIB_SRCS) -o $@ $(LDLIBS) -lcmocka
# The sensor itself under the sanitizers, for the end-to-end suite.
$(BUILD)/asan/kunai: src/cli/main.c $(LIB_SRCS) $(HDRS) $(BUILD)/kunai.skel.h
	@mkdir -p $(@D)
	$(CC) $(filter-out -O2,$(CFLAGS)) $(ASAN_FLAGS) src/cli/main.c $(LIB_SRCS) -o $@ $(LDLIBS)
# The end-to-end suite on Debian's 6.1 and 6.12 kernels, in VMs: the same
# binary, built here, must load and work there (CO-RE).
test-vm: $(BUILD)/kunai
	-$(MAKE) vm-deps
	tests/vm/run.sh --kernel 6.1 --skip-unavailable
	tests/vm/run.sh --kernel 6.12 --skip-unavailable

# (resident memory under ASan grows with its quarantine: that test is for the real build)
e2e-asan: $(BUILD)/asan/kunai
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 $(PYTHON) tests/e2e/run.py --kunai $(BUILD)/asan/kunai \
		--skip test_memory_flat

unit-asan: $(ASAN_BINS)
	@set -e; for t in $(ASAN_BINS); do echo "== $$t"; $$t; done

e2e: $(BUILD)/kunai
	$(PYTHON) tests/e2e/run.py --kunai $(BUILD)/kunai

test: deps
	$(MAKE) all $(UNIT_BINS)
	$(MAKE) unit
	$(MAKE) unit-asan
	$(MAKE) e2e
	$(MAKE) e2e-asan
	$(MAKE) test-vm

bench: $(BUILD)/kunai
	$(PYTHON) bench/exec_storm.py --kunai $(BUILD)/kunai --execs 3000 --rounds 3
	$(PYTHON) bench/syscall_cost.py --kunai $(BUILD)/kunai --rounds 3

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)
