#!/usr/bin/env bash
# Debian's packaged kernels, for the test VMs and for the checked-in BTF
# header. Packages come through a private apt configuration under
# build/apt (the machine's own sources are neither read nor changed) and
# are cached, extracted, under build/kernels.
#
#   tools/kernel.sh package SERIES    the newest package name of a series
#   tools/kernel.sh fetch SERIES      fetch and extract it; prints its root
#   tools/kernel.sh btf SERIES OUT    the kernel's BTF, raw (for bpftool)
#
# SERIES: 5.10 (bullseye), 6.1 (bookworm), 6.12 (bookworm). KERNEL_ARCH:
# amd64 (default) or arm64. Exit status 3: the package cannot be had (no
# network, no such package); 1: other errors.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
arch=${KERNEL_ARCH:-amd64}
case "$arch" in amd64 | arm64) ;; *) echo "kernel.sh: KERNEL_ARCH: amd64 or arm64" >&2; exit 2 ;; esac
apt_dir=$top/build/apt/$arch
cache=$top/build/kernels
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

die() { echo "kernel.sh: $1" >&2; exit "${2:-1}"; }

apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
	-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
	-o "Dir::Etc::Preferences=/dev/null" -o "Dir::Etc::PreferencesParts=/dev/null"
	-o "APT::Architecture=$arch" -o "APT::Architectures::=$arch" -o "APT::Sandbox::User=root"
	-o "Acquire::Retries=3")

apt_setup() {
	mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
	[ -r "$keyring" ] || die "$keyring is missing (package debian-archive-keyring)"
	cat > "$apt_dir/sources.list.new" <<SRC
deb [signed-by=$keyring] http://deb.debian.org/debian bullseye main
deb [signed-by=$keyring] http://deb.debian.org/debian-security bullseye-security main
deb [signed-by=$keyring] http://deb.debian.org/debian bookworm main
deb [signed-by=$keyring] http://deb.debian.org/debian-security bookworm-security main
deb [signed-by=$keyring] http://deb.debian.org/debian bookworm-backports main
SRC
	mv "$apt_dir/sources.list.new" "$apt_dir/sources.list"
	# package lists are refreshed at most every 6 hours; offline, older
	# lists (and the packages cached under build/kernels) still serve
	if [ -z "$(find "$apt_dir/lists" -maxdepth 1 -name '*Packages*' -mmin -360 2>/dev/null | head -1)" ]; then
		if ! apt-get "${apt_opts[@]}" -qq update >&2; then
			[ -n "$(find "$apt_dir/lists" -maxdepth 1 -name '*Packages*' 2>/dev/null | head -1)" ] ||
				die "apt-get update of the private configuration failed" 3
			echo "kernel.sh: apt-get update failed; using the package lists fetched before" >&2
		fi
	fi
}

series_re() {
	case "$1" in
	5.10) echo "^linux-image-5\\.10\\.0-[0-9]+-$arch-unsigned\$" ;;
	6.1) echo "^linux-image-6\\.1\\.0-[0-9]+-$arch-unsigned\$" ;;
	6.12) echo "^linux-image-6\\.12\\.[0-9]+\\+(deb12|bpo)-$arch-unsigned\$" ;;
	linux-image-*) echo "^$1\$" ;;
	*) die "unknown kernel series '$1' (5.10, 6.1 or 6.12)" 2 ;;
	esac
}

package() {
	local re
	re=$(series_re "$1") || exit $?
	case "$1" in linux-image-*) echo "$1"; return ;; esac
	apt_setup
	apt-cache "${apt_opts[@]}" search --names-only "$re" | awk '{print $1}' | grep -E "$re" | sort -V | tail -1
}

# The newest package of a series already extracted in the cache.
cached() {
	local re
	re=$(series_re "$1") || return 1
	find "$cache" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | grep -E "$re" |
		while read -r p; do [ -d "$cache/$p/root/boot" ] && echo "$p"; done | sort -V | tail -1
}

fetch() {
	local pkg dir
	pkg=$(package "$1") || pkg=
	if [ -z "$pkg" ]; then
		pkg=$(cached "$1")
		[ -n "$pkg" ] || die "no kernel package of series $1 in bullseye/bookworm (nor in $cache)" 3
		echo "kernel.sh: using $pkg from the cache" >&2
	fi
	dir=$cache/$pkg
	if [ ! -d "$dir/root/boot" ]; then
		rm -rf "$dir"
		mkdir -p "$dir/dl"
		(cd "$dir/dl" && apt-get "${apt_opts[@]}" -qq download "$pkg:$arch" >&2) || die "cannot download $pkg" 3
		dpkg-deb -x "$dir"/dl/*.deb "$dir/root.new"
		rm -rf "$dir/dl"
		mv "$dir/root.new" "$dir/root"
	fi
	echo "$dir/root"
}

# The BTF blob inside the kernel image (x86: in the ELF the boot header's
# payload decompresses to; arm64: in the Image itself, gzipped or not):
# the one place a BTF header (magic, version 1, 24-byte header, types then
# strings) stands with consistent sizes.
btf() {
	local root
	root=$(fetch "$1")
	/usr/bin/python3 - "$root"/boot/vmlinuz-* "$2" "$arch" <<'PY'
import gzip, lzma, struct, subprocess, sys
src, out, arch = sys.argv[1:4]
d = open(src, "rb").read()
if arch == "amd64":
    setup = (d[0x1f1] or 4) + 1
    off, length = struct.unpack_from("<II", d, 0x248)
    d = d[setup * 512 + off: setup * 512 + off + length - 4]
if d[:4] == b"\x28\xb5\x2f\xfd":
    d = subprocess.run(["zstd", "-dcq"], input=d, capture_output=True, check=True).stdout
elif d[:6] == b"\xfd7zXZ\x00":
    d = lzma.decompress(d)
elif d[:2] == b"\x1f\x8b":
    d = gzip.decompress(d)
i = 0
while True:
    i = d.find(b"\x9f\xeb\x01\x00", i)
    if i < 0:
        sys.exit("no BTF in %s" % src)
    hlen, toff, tlen, soff, slen = struct.unpack_from("<IIIII", d, i + 4)
    end = i + hlen + soff + slen
    if hlen == 24 and toff == 0 and soff == tlen and end <= len(d) and d[i + hlen + soff] == 0 and d[end - 1] == 0:
        open(out, "wb").write(d[i:end])
        break
    i += 1
PY
}

case "${1:-}" in
package) [ $# -eq 2 ] || die "usage: $0 package SERIES" 2; package "$2" ;;
fetch) [ $# -eq 2 ] || die "usage: $0 fetch SERIES" 2; fetch "$2" ;;
btf) [ $# -eq 3 ] || die "usage: $0 btf SERIES OUT" 2; btf "$2" "$3" ;;
*) die "usage: $0 package|fetch|btf SERIES [OUT]" 2 ;;
esac
