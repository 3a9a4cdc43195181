# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# What the per-probe instruction counts share (sourced, not a scenario):
# selftests/icount_measure.sh (the gate) and selftests/bench/icount_health.sh.

# wan_probes: the packets gw1's wan0 has sent, which is the probes both
# gateways have sent: each crosses it once, gw1's as sent, gw2's as gw1
# reflects them (in the role setups of icount_health, where one side
# drops at its tc ingress, gw2 has no sessions or probes once a minute).
# Read in about a tenth of a second: the engine's own probes_sent, read
# by dumping every channel of both gateways, took about 3 s under TCG
# with 40 sessions probing and 1,000 channels to dump, and a read inside
# a window shifts the probes' span against the instructions' by up to
# half its time (the gate's five windows spread 14,842-21,162 on 6.12
# with it).
wan_probes() { ns_gw1 cat /sys/class/net/wan0/statistics/tx_packets; }

# probe_windows N SECONDS [PROFILE]: N windows of SECONDS back to back, a
# line "KERNEL PROBES" each: all vCPUs' kernel instructions and the probes
# sent over the same span. Each count starts right after its reading and
# a window ends with the same two reads in the same order, which the next
# window starts from, so both spans are SECONDS and one read of each
# long; the idle window to subtract (N = 1) holds the same reads. (Until
# 12-04 the probe counters were read by a dump, seconds long, and both
# dumps sat inside the instruction count but only half of each inside
# the probe count: 25,400 a round trip on 6.12 where 18,000 is the cost,
# and more on a slower host.) With PROFILE, icount_profile snapshots
# PROFILE.0 and PROFILE.1 bracket the instruction count of all N.
probe_windows() {
	local i a b s0 s1
	s0=$(wan_probes)
	[ -n "${3:-}" ] && icount_profile snap "$3.0"
	a=$(icount_read)
	for ((i = 0; i < $1; i++)); do
		sleep "$2"
		s1=$(wan_probes)
		b=$(icount_read)
		echo "$(( ${b#* } - ${a#* } )) $((s1 - s0))"
		a=$b s0=$s1
	done
	[ -n "${3:-}" ] && icount_profile snap "$3.1"
}
