#!/usr/bin/env bash
# The kernel matrix of `make test`: for each kernel series, the end-to-end
# suite in a VM (the binary built here, on the host's root file system),
# then the static binary alone in a bare initramfs running `kunai check`.
# Ends with one summary line per kernel.
#
#   sudo tests/vm/matrix.sh STATIC_BINARY SERIES...
#
# A kernel whose package cannot be had fails the run, unless it is named in
# KUNAI_SKIP_KERNELS (space- or comma-separated series, or "all"): an
# explicit opt-out, reported as such.
set -uo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 2 ] || { echo "usage: $0 STATIC_BINARY SERIES..." >&2; exit 2; }
static=$1
shift
skip=" $(echo "${KUNAI_SKIP_KERNELS:-}" | tr ',' ' ') "
summary=()
failed=0
for k in "$@"; do
	if [[ "$skip" == *" all "* || "$skip" == *" $k "* ]]; then
		summary+=("vm $k: not run (KUNAI_SKIP_KERNELS)")
		continue
	fi
	echo "== vm $k: end-to-end suite"
	out=$(mktemp)
	tests/vm/run.sh --kernel "$k" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	counts=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -1 | tr -d '\r')
	if [ "$rc" = 3 ]; then
		summary+=("vm $k: FAILED, the kernel cannot be had here ($(grep -a 'run.sh: vm' "$out" | tail -1 | sed 's/^run.sh: vm [^:]*: //'); KUNAI_SKIP_KERNELS=$k opts out)")
		failed=1
		rm -f "$out"
		continue
	fi
	if [ "$rc" != 0 ] || [ -z "$counts" ]; then
		summary+=("vm $k: ${counts:-no result} (FAILED, exit $rc)")
		failed=1
	else
		summary+=("vm $k: $counts")
	fi
	echo "== vm $k: the static binary alone, kunai check"
	tests/vm/run.sh --kernel "$k" --timeout 600 --static "$static" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	line=$(grep -a ' events this kernel supports fired; ' "$out" | tail -1 | tr -d '\r')
	if [ "$rc" != 0 ] || [ -z "$line" ]; then
		summary+=("vm $k: static kunai check FAILED (exit $rc): ${line:-no result}")
		failed=1
	else
		summary+=("vm $k: static kunai check: $line")
	fi
	rm -f "$out"
done
echo
printf '%s\n' "${summary[@]}"
exit $failed
