#!/usr/bin/env bash
# The build never reads the build machine's kernel. Build again where
# /sys/kernel/btf does not exist (hidden in a private mount namespace) and
# where nothing of the first build is (a fresh build directory at the same
# path), then compare: the BPF objects and the binary are the same bytes.
# Run as root after `make all`.
set -euo pipefail
cd "$(dirname "$0")/.."
for f in build/kunai build/kunai.bpf.o build/kunai_compat.bpf.o; do
	[ -r "$f" ] || { echo "build-anywhere: $f is missing: run make all first" >&2; exit 1; }
done
out=$(mktemp -d /tmp/kunai-build-anywhere.XXXXXX)
trap 'rm -rf "$out"' EXIT
unshare --mount --propagation private bash -euc '
	if [ -d /sys/kernel/btf ]; then mount -t tmpfs none /sys/kernel/btf; fi
	if [ -e /sys/kernel/btf/vmlinux ]; then echo "build-anywhere: the BTF is still visible" >&2; exit 1; fi
	mount -t tmpfs none build
	make -s all >"$1/make.log" 2>&1 || { cat "$1/make.log" >&2; exit 1; }
	cp build/kunai build/kunai.bpf.o build/kunai_compat.bpf.o "$1/"
' build-anywhere "$out"
for f in kunai.bpf.o kunai_compat.bpf.o kunai; do
	cmp "build/$f" "$out/$f" || { echo "build-anywhere: $f differs without the kernel's BTF" >&2; exit 1; }
done
echo "build-anywhere: the same kunai ($(sha256sum build/kunai | cut -c1-16)) without /sys/kernel/btf and from scratch"
