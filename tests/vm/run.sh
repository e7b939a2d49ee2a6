#!/usr/bin/env bash
# Run something of this project inside a VM booted on one of Debian's
# packaged kernels, under software emulation (TCG: no KVM needed). Exits
# with the status of what ran inside.
#
#   sudo tests/vm/run.sh [--kernel SERIES] [--timeout SECONDS] [COMMAND]
#   sudo tests/vm/run.sh [--kernel SERIES] [--timeout SECONDS] --static BINARY
#
# SERIES: 5.10 (bullseye), 6.1 (default) or 6.12 (bookworm); the newest
# package of the series, fetched through tools/kernel.sh (private apt
# configuration, cached under build/kernels).
#
# COMMAND (default: tests/vm/inside.sh, the end-to-end suite) runs on the
# host's root file system, shared read-only over 9p under a tmpfs overlay,
# with the kernel's modules.
#
# --static BINARY boots an initramfs holding busybox and BINARY alone (no
# shared libraries, no host files) and runs `BINARY check` there.
#
# Exit status 3: the kernel cannot be had here (no package, no download,
# not x86_64, a tool missing); the caller decides whether that fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$(pwd)
series=6.1 timeout=1500 static=
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) series=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--static) static=$2; shift 2 ;;
	--) shift; break ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || set -- "$top/tests/vm/inside.sh"
# the VM starts the command from /: a path of this tree becomes absolute
case "$1" in /*) ;; *) [ -e "$1" ] && set -- "$top/$1" "${@:2}" ;; esac
[ "$(id -u)" = 0 ] || { echo "run.sh: run it as root" >&2; exit 1; }
unavailable() {
	echo "run.sh: vm $series: $1" >&2
	exit 3
}
[ "$(uname -m)" = x86_64 ] || unavailable "the test VM is x86_64 only"
for tool in qemu-system-x86_64 busybox cpio depmod modprobe xz zstd; do
	command -v $tool >/dev/null || unavailable "$tool is missing (make vm-deps)"
done
root=$(tools/kernel.sh fetch "$series") || { rc=$?; [ $rc = 3 ] && unavailable "kernel package not available"; exit $rc; }
kver=$(basename "$root"/boot/vmlinuz-*)
kver=${kver#vmlinuz-}
kernel=$root/boot/vmlinuz-$kver
vm=$top/build/vm/$series${static:+-static}
rm -rf "$vm"
mkdir -p "$vm"
ird=$vm/initrd
mkdir -p "$ird"/{bin,proc,sys,dev,tmp}
cp "$(command -v busybox)" "$ird/bin/busybox"
if [ -n "$static" ]; then
	# nothing but busybox and the binary under test
	cp "$static" "$ird/kunai"
	cp tests/vm/init-static "$ird/init"
	append="console=ttyS0 quiet panic=-1"
	shares=()
else
	mods=$root/lib/modules
	depmod -b "$root" "$kver"
	mkdir -p "$ird"/{mods,lower,upper,root}
	# the modules that reach the shares, in dependency order as modprobe
	# lists them (some are built in: nothing to load)
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		modprobe -d "$root" -S "$kver" --show-depends "$m" 2>/dev/null | awk '$1 == "insmod" {print $2}'
	done | awk '!seen[$0]++' | while read -r ko; do
		name=$(basename "$ko")
		case "$ko" in # busybox insmod takes plain modules only
		*.xz) xz -dc "$ko" > "$ird/mods/${name%.xz}"; name=${name%.xz} ;;
		*.zst) zstd -qdc "$ko" > "$ird/mods/${name%.zst}"; name=${name%.zst} ;;
		*) cp "$ko" "$ird/mods/" ;;
		esac
		echo "$name" >> "$ird/mods/order"
	done
	touch "$ird/mods/order"
	cp tests/vm/init "$ird/init"
	cmd=$(printf '%q ' "$@")
	cmd=${cmd% }
	case "$cmd" in *" "*) echo "run.sh: the command must be one path without spaces" >&2; exit 2 ;; esac
	append="console=ttyS0 quiet panic=-1 kn.cmd=$cmd"
	shares=(-virtfs "local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap"
		-virtfs "local,path=$mods,mount_tag=modules,security_model=none,readonly=on,multidevs=remap")
fi
chmod +x "$ird/init"
(cd "$ird" && find . | cpio -o -H newc 2>/dev/null | gzip -1) > "$vm/initrd.gz"
log=$vm/console.log
echo "booting $kver${static:+ (static binary alone)} (console in $log)"
timeout "$timeout" qemu-system-x86_64 -accel tcg -cpu max -m 3072 -smp 2 -nographic -no-reboot \
	-kernel "$kernel" -initrd "$vm/initrd.gz" -append "$append" "${shares[@]}" \
	</dev/null 2>&1 | tee "$log" | sed -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' |
	grep -avE '^\[ *[0-9.]+\]|SeaBIOS|iPXE|Booting from|Press Ctrl-B|^[[:space:]]*$' || true
status=$(sed -n 's/^kn-vm-exit=\([0-9]*\).*/\1/p' "$log" | tail -1)
[ -n "$status" ] || { echo "run.sh: the VM did not finish its command (timeout or crash)" >&2; exit 1; }
exit "$status"
