#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make stress: the long forms of what make check runs briefly. The fuzzers
# get ten minutes each (STRESS_FUZZ_SECONDS), and the guest suite runs
# again on every kernel with a longer per-test limit and 200 health
# sessions on each gateway instead of 100 (for 120 s, not 30), the skb
# storm for 90 s instead of 20, a million hostile frames per
# class (test_hostile) instead of 100,000 (100,000 on the debug kernel,
# which takes five minutes for them). On Debian's kernels the
# selftests/systemd scripts run again too, each in a guest booting
# systemd (the packages from make deb, which stress builds first).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${STRESS_FUZZ_SECONDS:-600}
failed=0
"$root/selftests/fuzz/run.sh" "$secs" || failed=1
for k in $("$root/scripts/kernels.sh"); do
	hostile=1000000
	case $k in *-hotline-debug) hostile=100000 ;; esac
	"$root/selftests/vm/run" --kver "$k" --timeout 7200 -- \
		env HOTLINE_TEST_TIMEOUT=1800 HL_SCALE_N=200 HOTLINE_FI_APPLY_STRIDE=1 \
		HL_FUZZ_REQUESTS=1000000 HL_FUZZ_SECONDS=1500 HL_HOSTILE_COUNT=$hostile \
		HL_FLOOD_SECONDS=30 HL_SCALE_SECS=120 HL_SKB_SECS=90 \
		"$root/selftests/run_all.sh" || failed=1
	# the gateway from the packages, under systemd (selftests/systemd),
	# on the root with them installed (selftests/systemd/pkgroot.sh),
	# hotline-dkms upgraded and purged in the guest too
	case $k in *-hotline-debug) continue ;; esac
	for t in "$root"/selftests/systemd/test_*.sh; do
		HOTLINE_GATEWAY_DKMS=1 bash "$t" --kver "$k" || failed=1
	done
done
exit $failed
