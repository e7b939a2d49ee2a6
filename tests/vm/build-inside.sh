#!/bin/sh
# Inside a test VM: build the project from scratch on that kernel (its own
# /sys/kernel/btf, which the build must not read) and compare with the
# binary built on the host. Run by hand: sudo tests/vm/run.sh --kernel 6.1
# --timeout 3000 tests/vm/build-inside.sh (about 3 minutes under emulation).
cd "$(dirname "$0")/../.." || exit 1
echo "kernel $(uname -r)"
host=$(mktemp -d)
cp build/kunai build/kunai.bpf.o build/kunai_compat.bpf.o "$host/" || exit 1
# the VM's root is an overlay: this removes the build directory here only
rm -rf build
start=$(date +%s)
make -s all > /tmp/build-inside.log 2>&1 || { tail -20 /tmp/build-inside.log; exit 1; }
echo "built in $(( $(date +%s) - start )) s"
for f in kunai.bpf.o kunai_compat.bpf.o kunai; do
	cmp "$host/$f" "build/$f" || { echo "build-inside: $f differs from the host's"; exit 1; }
done
echo "build-inside: the same kunai as on the host ($(sha256sum build/kunai | cut -c1-16))"
