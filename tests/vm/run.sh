#!/usr/bin/env bash
# Run a command of this project inside a VM booted on another kernel:
# Debian's packaged kernel (default: the newest linux-image-6.1 of the
# archive), the host's root file system shared read-only under a tmpfs
# overlay, software emulation (TCG). Exits with the command's status.
#
#   sudo tests/vm/run.sh [--kernel PACKAGE] [--timeout SECONDS] [COMMAND...]
#
# The default command is the end-to-end suite: tests/vm/inside.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$(pwd)
pkg= timeout=1500
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) pkg=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--) shift; break ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || set -- "$top/tests/vm/inside.sh"
[ "$(id -u)" = 0 ] || { echo "run.sh: run it as root" >&2; exit 1; }
for tool in qemu-system-x86_64 busybox cpio depmod modprobe; do
	command -v $tool >/dev/null || { echo "run.sh: $tool is missing (make vm-deps)" >&2; exit 1; }
done
if [ -z "$pkg" ]; then
	pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' | awk '{print $1}' | sort -V | tail -1)
	[ -n "$pkg" ] || { echo "run.sh: no linux-image-6.1 package found (apt-get update?)" >&2; exit 1; }
fi
vm=$top/build/vm/$pkg
if [ ! -d "$vm/root/boot" ]; then
	mkdir -p "$vm"
	(cd "$vm" && apt-get download "$pkg" >/dev/null 2>&1) || { echo "run.sh: cannot download $pkg" >&2; exit 1; }
	dpkg-deb -x "$vm"/*.deb "$vm/root"
	rm -f "$vm"/*.deb
fi
kver=${pkg#linux-image-}
kernel=$vm/root/boot/vmlinuz-$kver
mods=$vm/root/lib/modules
depmod -b "$vm/root" "$kver"
# the initramfs: busybox, the modules that reach the shares (in dependency
# order, as modprobe lists them), the init
ird=$vm/initrd
rm -rf "$ird"
mkdir -p "$ird"/{bin,mods,proc,sys,dev,lower,upper,root}
cp "$(command -v busybox)" "$ird/bin/busybox"
for m in virtio_pci 9pnet_virtio 9p overlay; do
	modprobe -d "$vm/root" -S "$kver" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
done | awk '!seen[$0]++' | while read -r ko; do
	cp "$ko" "$ird/mods/"
	basename "$ko" >> "$ird/mods/order"
done
cp tests/vm/init "$ird/init"
chmod +x "$ird/init"
(cd "$ird" && find . | cpio -o -H newc 2>/dev/null | gzip -1) > "$vm/initrd.gz"
cmd=$(printf '%q ' "$@")
cmd=${cmd% }
case "$cmd" in *" "*) echo "run.sh: the command must be one path without spaces" >&2; exit 2 ;; esac
log=$vm/console.log
echo "booting $pkg (console in $log)"
timeout "$timeout" qemu-system-x86_64 -accel tcg -cpu max -m 3072 -smp 2 -nographic -no-reboot \
	-kernel "$kernel" -initrd "$vm/initrd.gz" \
	-append "console=ttyS0 quiet panic=-1 kn.cmd=$cmd" \
	-virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
	-virtfs local,path="$mods",mount_tag=modules,security_model=none,readonly=on,multidevs=remap \
	</dev/null 2>&1 | tee "$log" | grep -v '^\[ *[0-9.]*\]' || true
status=$(sed -n 's/^kn-vm-exit=\([0-9]*\).*/\1/p' "$log" | tail -1)
[ -n "$status" ] || { echo "run.sh: the VM did not finish its command (timeout or crash)" >&2; exit 1; }
exit "$status"
