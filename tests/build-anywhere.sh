#!/usr/bin/env bash
# The build never reads the build machine's kernel. Build a copy of the tree
# elsewhere, where /sys/kernel/btf does not exist (hidden in a private mount
# namespace) and nothing of the first build is, then compare: the BPF
# objects and the binary are the same bytes. Run as root after `make all`.
set -euo pipefail
cd "$(dirname "$0")/.."
for f in build/kunai build/kunai.bpf.o build/kunai_compat.bpf.o; do
	[ -r "$f" ] || { echo "build-anywhere: $f is missing: run make all first" >&2; exit 1; }
done
copy=$(mktemp -d /tmp/kunai-build-anywhere.XXXXXX)
trap 'rm -rf "$copy"' EXIT
# the tree without its build (git may not be installed)
tar --exclude=./build --exclude=./.git -cf - . | tar -xf - -C "$copy"
# The namespace's /sys is made a slave first: the tmpfs that hides the BTF
# must not reach the host (this also works in a chroot, whose root is not a
# mount point).
unshare --mount --propagation unchanged bash -euc '
	if [ -d /sys/kernel/btf ]; then
		mount --make-rslave /sys
		mount -t tmpfs none /sys/kernel/btf
	fi
	if [ -e /sys/kernel/btf/vmlinux ]; then echo "build-anywhere: the BTF is still visible" >&2; exit 1; fi
	make -s -C "$1" all >"$1/make.log" 2>&1 || { cat "$1/make.log" >&2; exit 1; }
' build-anywhere "$copy"
[ -e /sys/kernel/btf/vmlinux ] || [ ! -d /sys/kernel/btf ] || { echo "build-anywhere: the host lost its BTF" >&2; exit 1; }
for f in kunai.bpf.o kunai_compat.bpf.o kunai; do
	cmp "build/$f" "$copy/build/$f" || { echo "build-anywhere: $f differs without the kernel's BTF" >&2; exit 1; }
done
echo "build-anywhere: the same kunai ($(sha256sum build/kunai | cut -c1-16)) built elsewhere, without /sys/kernel/btf"
