#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make stress: the long forms of what make check runs briefly. The fuzzers
# get ten minutes each (STRESS_FUZZ_SECONDS), and the guest suite runs
# again on every kernel with a longer per-test limit.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${STRESS_FUZZ_SECONDS:-600}
failed=0
"$root/selftests/fuzz/run.sh" "$secs" || failed=1
for k in $("$root/scripts/kernels.sh"); do
	HOTLINE_TEST_TIMEOUT=1800 "$root/selftests/vm/run" --kver "$k" --timeout 7200 || failed=1
done
exit $failed
