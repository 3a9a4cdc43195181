#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# P6: a flood against a live hotline, guard off / enforce / auto, each
# phase HOTLINE_BENCH_FLOOD_SECONDS (default 30) long. It runs
# selftests/test_guard_flood.sh (the scenario is described there) and
# turns its phase lines into a table: the hotline's probe loss, RTT p50
# and p99 (the health engine's window at the phase's end), state changes,
# hostA's ping loss through the channel, and the frames/s the flood
# delivered onto the link. The test's own PASS/FAIL lines go to stderr:
# the bench asserts nothing.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
secs=${HOTLINE_BENCH_FLOOD_SECONDS:-30}
out=$(HL_FLOOD_SECONDS=$secs "$here/../test_guard_flood.sh" 2>&1)
rc=$?
grep -E '^(PASS|FAIL|SKIP):' <<<"$out" >&2
echo "# P6: flood against a keyed hotline (20 ms x 3), $secs s per phase (auto: $((secs + 4)) s), kernel $(uname -r)"
printf '%-10s %10s %9s %9s %7s %10s %12s\n' mode "probe loss" "p50 us" "p99 us" flaps "ping loss" "flood fr/s"
sed -n 's/^    \([a-z ]*\): probe loss \([0-9.]*\) % ([^)]*), RTT p50 \([0-9]*\) us p99 \([0-9]*\) us, \([0-9]*\) state changes, hostA.s ping loss \([0-9.?]*\) %, flood \([0-9]*\) frames\/s sent$/\1|\2|\3|\4|\5|\6|\7/p' <<<"$out" |
	while IFS='|' read -r mode loss p50 p99 flaps ping rate; do
		printf '%-10s %9s%% %9s %9s %7s %9.1f%% %12s\n' "${mode#guard }" "$loss" "$p50" "$p99" \
			"$flaps" "$ping" "$rate"
	done
grep -E '^    (watch: |auto: )' <<<"$out" | sed 's/^    /# /'
# the scenario could not run: no victim, no module, no VM tooling
grep -q '^FAIL: test_guard_flood: \(hl_load\|topo_create\|hostile\|gw2.s wan0 polled\)' <<<"$out" && exit 1
[ "$rc" -le 1 ] || exit 1
exit 0
