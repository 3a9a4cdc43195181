# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# What the per-probe instruction counts share (sourced, not a scenario):
# selftests/icount_measure.sh (the gate) and selftests/bench/icount_health.sh.

# probes_sent: the probes gw1 and gw2 have sent so far, all sessions.
probes_sent() {
	local ns
	for ns in "$NS_GW1" "$NS_GW2"; do
		"$HOTLINECTL" -N "$ns" -j show
	done | jq -s '[.[][] | .status.probes_sent // 0] | add // 0'
}

# probe_window SECONDS [PROFILE]: "KERNEL PROBES", all vCPUs' kernel
# instructions and the probes sent over SECONDS, the two counted over the
# same span (the reads of the probe counters inside it cost the same with
# sessions and without). With PROFILE, icount_profile snapshots
# PROFILE.0 and PROFILE.1 bracket the window, outside the count.
probe_window() {
	local a b s0 s1
	[ -n "${2:-}" ] && icount_profile snap "$2.0"
	a=$(icount_read)
	s0=$(probes_sent)
	sleep "$1"
	s1=$(probes_sent)
	b=$(icount_read)
	[ -n "${2:-}" ] && icount_profile snap "$2.1"
	echo "$(( ${b#* } - ${a#* } )) $((s1 - s0))"
}
