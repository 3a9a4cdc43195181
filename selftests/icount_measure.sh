#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# icount_measure.sh: hotline's added cost in guest instructions, for the
# budget gate (selftests/host/test_icount_gate.sh boots each kernel with
# --icount and runs this). Prints two lines:
#
#   forward ADDED   kernel instructions hotline adds per forwarded 64-byte
#                   packet with 1,000 host channels on gw1, over no module
#                   (vCPU 0 only, median of RUNS runs each; the method of
#                   selftests/bench/icount_forwarding.sh)
#   probe COST      kernel instructions per probe round trip (sent, then
#                   reflected and checked, both gateways in this guest):
#                   20 unauthenticated sessions per gateway at 10 ms, all
#                   vCPUs over a 5 s window, less the same window with no
#                   sessions, over the probes sent in it (counted as the
#                   packets gw1's wan0 sent: its probes and its reflections
#                   of gw2's); the least of five such windows
#                   (HOTLINE_ICOUNT_WINDOWS), back to back
#
# Environment: HOTLINE_ICOUNT_RUNS (3), HOTLINE_ICOUNT_PACKETS (20000),
# HOTLINE_ICOUNT_WINDOWS (5).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bench/forwarding_setup.sh"
. "$(dirname "$0")/bench/probe_window.sh"

RUNS=${HOTLINE_ICOUNT_RUNS:-3}
N=${HOTLINE_ICOUNT_PACKETS:-20000}
WINDOWS=${HOTLINE_ICOUNT_WINDOWS:-5}
HLH=$HOTLINE_ROOT/selftests/hlhealth.py
tmp=$(mktemp -d /tmp/icount_measure.XXXXXX)

die() { echo "icount_measure: $*" >&2; exit 1; }

[[ $WINDOWS =~ ^[1-9][0-9]*$ ]] ||
	die "HOTLINE_ICOUNT_WINDOWS must be a count of windows (1 or more), got '$WINDOWS'"
icount_read >/dev/null || die "no instruction counts: run under selftests/vm/run --icount"
require_modules pktgen
fwd_setup "$tmp" 1000 || die "cannot set up the topology"
fwd_pktgen_setup 64 "$N" 0
taskset -p -c 1 $$ >/dev/null || die "cannot move to CPU 1"

read -r _ overhead < <(icount_overhead 0)

# per_packet: vCPU 0's kernel instructions per packet, median of RUNS.
per_packet() {
	local i
	for ((i = 0; i < RUNS; i++)); do
		fwd_icount_run "$N" "$overhead" || die "a forwarding run failed"
	done | median_min_max | cut -d' ' -f1
}

base=$(per_packet)
hl_load
fwd_load "$tmp/first1k"
with=$(per_packet)
echo "forward $((with - base))"
echo "icount_measure: per packet: no module $base, hotline 1,000 channels $with" >&2

read -r idle _ < <(probe_windows 1 5)
ip netns exec "$NS_GW1" /usr/bin/python3 "$HLH" bulk_add p 20 "$GW2_WAN4/32" "$GW2_WAN4" 11000 21000 10 3 ||
	die "cannot add gw1's sessions"
ip netns exec "$NS_GW2" /usr/bin/python3 "$HLH" bulk_add p 20 "$GW1_WAN4/32" "$GW1_WAN4" 21000 11000 10 3 ||
	die "cannot add gw2's sessions"
sleep 2
# The least of five windows: one within a boot still reads up to a
# fifth over another (16,502 to 20,539 on 6.12, 12-04), as the host
# schedules the guest: how many probes a softirq finds due at once. The
# windows of 12-03 and before read more still on a slow host (32,266 to
# 38,142 on 6.1) because each counted a dump of every channel's
# counters, seconds long, as instructions but half of it as probes.
probe_windows "$WINDOWS" 5 | while read -r busy probes; do
	[ "$probes" -gt 0 ] || die "no probes were sent"
	echo "icount_measure: idle window $idle, with 2 x 20 sessions $busy, $probes probes" >&2
	echo $(( (busy - idle) / probes ))
done >"$tmp/probe"
[ "$(wc -l <"$tmp/probe")" = "$WINDOWS" ] || die "$(wc -l <"$tmp/probe") of $WINDOWS windows measured"
echo "probe $(median_min_max <"$tmp/probe" | cut -d' ' -f2)"
echo "icount_measure: per probe (median min max): $(median_min_max <"$tmp/probe")" >&2
rm -rf "$tmp"
