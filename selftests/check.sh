#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# selftests/check.sh [--host-only|--vm-only]: what `make check` runs once
# everything is built.
#
#   host: selftests/unit/run.sh, selftests/bpf/run.sh, selftests/fuzz/run.sh
#         (each if present), then every selftests/host/test_*.sh
#   vm:   the guest suite (selftests/run_all.sh) booted on every kernel
#         from scripts/kernels.sh, result lines tagged with the kernel:
#         "PASS: [6.1.0-56-amd64] test_module: loads"
#
# Everything is also written to build/check.log.  The last line is the
# count of PASS, FAIL and SKIP lines, "N passed, N failed, N skipped";
# the exit status is non-zero if anything failed or nothing passed.
# HOTLINE_TESTS restricts the guest suite (see selftests/run_all.sh).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
log=$root/build/check.log

host=1
vm=1
case ${1:-} in
"") ;;
--host-only) vm=0 ;;
--vm-only) host=0 ;;
*)
	echo "usage: selftests/check.sh [--host-only|--vm-only]" >&2
	exit 2
	;;
esac
[ $# -le 1 ] || { echo "usage: selftests/check.sh [--host-only|--vm-only]" >&2; exit 2; }

mkdir -p "$root/build"
: >"$log"

say() { echo "$*" | tee -a "$log"; }
note() { echo "$*" | tee -a "$log" >&2; }

out=$(mktemp)
trap 'rm -f "$out"' EXIT

# stage NAME CMD...: run CMD with its output shown and logged; a failure
# that printed no FAIL line of its own still counts as one.
stage() {
	local name=$1 t0=$SECONDS rc
	shift
	"$@" </dev/null 2>&1 | tee "$out" | tee -a "$log"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -ne 0 ] && ! grep -q '^FAIL:' "$out"; then
		say "FAIL: $name: exited $rc"
	fi
	note "check: $name: $((SECONDS - t0))s"
}

# The debug kernel's lane (scripts/debug-kernel.sh): everything that
# exercises the module's own code under KASAN, lockdep, kmemleak and
# fault injection, in the debug forms the tests pick on that kernel
# (lib.sh: HL_DEBUG_KERNEL).  The tests left out only repeat, slower,
# datapath timings already checked on the production kernels; the
# budget (make check within 75 minutes, cold) decides what fits.
# test_health and test_monitor are left to the production kernels: their
# timings (RTT, jitter, detection) are what they check, and the engine
# paths they run are in test_health_scale, test_module (keyed sessions)
# and test_fault_inject (rekeying) here. test_probe_churn is left to them
# too: with its fix reverted, three debug-lane runs of it (3-4 minutes
# each) did not hit the race it was written for, so its minutes here buy
# nothing the production lanes do not. test_paths is left to make stress
# here (which runs every test on the debug kernel): its debug form took
# 578 s of a 2,266 s lane on 12-01, and the lane must leave CI (90 min)
# its margin. The path code still runs here under KASAN and failslab in
# test_fault_inject (fi_paths: paths created, changed, applied, removed
# with every allocation failed in turn, their sessions running).
DEBUG_TESTS=${HOTLINE_DEBUG_TESTS:-"test_module test_netns test_channel_api
test_channel_scale test_apply test_rmmod_traffic test_guard
test_health_scale test_fault_inject test_nl_fuzz test_hostile"}

# vm_stage KVER: the guest suite on one kernel, tagged with its name.
vm_stage() {
	local k=$1 t0=$SECONDS rc why envs=()
	case $k in
	*-hotline-debug)
		[ -n "${HOTLINE_TESTS:-}" ] || envs+=("HOTLINE_TESTS=$(echo $DEBUG_TESTS)")
		envs+=("HOTLINE_TEST_TIMEOUT=${HOTLINE_TEST_TIMEOUT:-900}")
		# nlfuzz is bounded by time there (110-160 requests/s under
		# KASAN): 60 s of it, make stress gives it more; the time it gave up
		# went to test_hostile's malformed frames under KASAN
		envs+=("HOTLINE_FUZZ_SECONDS=${HOTLINE_FUZZ_SECONDS:-60}")
		# fault injection at two levels of the four (about 30 s each):
		# 5 % fails requests deep in their work, 20 % early; make
		# stress runs 1, 5, 10 and 20
		envs+=("HOTLINE_FI_LEVELS=${HOTLINE_FI_LEVELS:-5 20}")
		;;
	esac
	env "${envs[@]}" "$root/selftests/vm/run" --kver "$k" --timeout 5400 </dev/null 2>&1 | tee "$out" |
		sed -u "s/^\(PASS\|FAIL\|SKIP\): /\1: [$k] /" | tee -a "$log"
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 125 ]; then
		why=$(sed -n 's/^vm: FAILED on [^:]*: //p' "$out" | head -n 1)
		say "FAIL: [$k] vm: ${why:-the VM run failed (exit 125)}"
	elif [ "$rc" -ne 0 ] && ! grep -q '^FAIL:' "$out"; then
		say "FAIL: [$k] vm: selftests/run_all.sh exited $rc without a FAIL line"
	fi
	note "check: vm $k: $((SECONDS - t0))s"
}

start=$SECONDS
if [ "$host" = 1 ]; then
	stage lint "$root/scripts/lint.sh"
	for s in unit bpf fuzz; do
		[ -x "$here/$s/run.sh" ] && stage "$s" "$here/$s/run.sh"
	done
	for t in "$here"/host/test_*.sh; do
		[ -r "$t" ] || continue
		n=${t##*/}
		stage "host/${n%.sh}" bash "$t"
	done
fi

if [ "$vm" = 1 ]; then
	kvers=$("$root/scripts/kernels.sh")
	if [ -z "$kvers" ]; then
		say "FAIL: vm: no test kernel found (scripts/kernels.sh printed none; run 'make deps')"
	fi
	for k in $kvers; do
		vm_stage "$k"
	done
fi

passed=$(grep -c '^PASS:' "$log")
failed=$(grep -c '^FAIL:' "$log")
skipped=$(grep -c '^SKIP:' "$log")
note "check: total $((SECONDS - start))s, log in $log"
say "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
