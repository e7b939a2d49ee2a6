#!/usr/bin/env bash
# Run a command of this project inside a VM booted on another kernel:
# Debian's packaged kernel, the host's root file system shared read-only
# under a tmpfs overlay, software emulation (TCG: no KVM needed). Exits
# with the command's status.
#
#   sudo tests/vm/run.sh [--kernel SERIES|PACKAGE] [--timeout SECONDS]
#                        [--skip-unavailable] [COMMAND]
#
# SERIES is 6.1 (default) or 6.12: the newest amd64 kernel of that series
# in the archive. The default command is the end-to-end suite
# (tests/vm/inside.sh). With --skip-unavailable, a kernel that cannot be
# had (no package, no download, not x86_64) is a skip, not a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$(pwd)
pkg=6.1 timeout=1500 skip_unavailable=
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) pkg=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--skip-unavailable) skip_unavailable=1; shift ;;
	--) shift; break ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || set -- "$top/tests/vm/inside.sh"
[ "$(id -u)" = 0 ] || { echo "run.sh: run it as root" >&2; exit 1; }
unavailable() {
	if [ -n "$skip_unavailable" ]; then
		echo "SKIP vm $pkg: $1"
		exit 0
	fi
	echo "run.sh: $1" >&2
	exit 1
}
[ "$(uname -m)" = x86_64 ] || unavailable "the test VM is x86_64 only"
for tool in qemu-system-x86_64 busybox cpio depmod modprobe xz; do
	command -v $tool >/dev/null || unavailable "$tool is missing (make vm-deps)"
done
case "$pkg" in
6.1) pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' | awk '{print $1}' | sort -V | tail -1) ;;
6.12) pkg=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb[0-9]+-amd64$' | awk '{print $1}' |
	sort -V | tail -1) ;;
esac
[ -n "$pkg" ] || unavailable "no kernel package of that series (apt-get update?)"
vm=$top/build/vm/$pkg
if [ ! -d "$vm/root/boot" ]; then
	mkdir -p "$vm"
	(cd "$vm" && apt-get download "$pkg" >/dev/null 2>&1) || unavailable "cannot download $pkg"
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
	name=$(basename "$ko")
	case "$ko" in # busybox insmod takes plain modules only
	*.xz) xz -dc "$ko" > "$ird/mods/${name%.xz}"; name=${name%.xz} ;;
	*.zst) zstd -qdc "$ko" > "$ird/mods/${name%.zst}"; name=${name%.zst} ;;
	*) cp "$ko" "$ird/mods/" ;;
	esac
	echo "$name" >> "$ird/mods/order"
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
	</dev/null 2>&1 | tee "$log" | sed -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' |
	grep -avE '^\[ *[0-9.]+\]|SeaBIOS|iPXE|Booting from|Press Ctrl-B|^[[:space:]]*$' || true
status=$(sed -n 's/^kn-vm-exit=\([0-9]*\).*/\1/p' "$log" | tail -1)
[ -n "$status" ] || { echo "run.sh: the VM did not finish its command (timeout or crash)" >&2; exit 1; }
exit "$status"
