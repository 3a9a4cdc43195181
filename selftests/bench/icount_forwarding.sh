#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Forwarding cost in guest instructions: the kernel instructions per
# 64-byte UDP packet forwarded hostA -> gw1 -> gw2 -> hostB, counted by
# the TCG plugin (selftests/bench/run gives icount_* scenarios --icount),
# for no module, nftables marking a 1,000-peer set (nft_marking.sh),
# hotline with 1, 1,000 and 100,000 host channels, as in forwarding.sh,
# and hotline with 1,000 prefix channels of 8 lengths (the hot one the
# shortest, so each lookup walks all eight).
# A count is not a time: it does not move with the host's load, so small
# differences are real. Reported: the median per packet of REPS runs,
# their spread, the cost added over no module and hotline's added cost as
# a fraction of nftables'.
#
# Each run: pktgen sends N packets back to back, bracketed by two reads
# of the counters. Back to back, not paced: a paced pktgen sleeps between
# packets, and the idle entry and exit and timer wakeups that costs vary
# by 10% from run to run; unpaced, each packet is forwarded to the end in
# the softirq its own transmit raises, and none is dropped (checked).
# pktgen's thread for CPU 0 sends, and veth hands each packet on in the
# same CPU's softirq, so the whole path from hostA to hostB runs on
# vCPU 0: the count is vCPU 0's kernel instructions, while this script,
# its reads and pktgen's control run on CPU 1 and stay out of it. The
# per-packet figure is that count / N, and counts only when hostB
# received all N. What the count holds besides forwarding (pktgen's own
# work, its timer wakeups, the guest's ticks on CPU 0) is the same in
# every setup and cancels in the added cost.
#
# The first run of each setup is also profiled (icount_profile: the
# plugin's block counts, all vCPUs, snapshotted around the run), and the
# functions that make up each setup's added cost are printed per packet
# beside no module's: what the module costs, and where. The snapshots
# sit outside the counted bracket, so they do not move the figures
# above; the profile holds CPU 1's share of the run (the script's reads),
# which is alike in every setup and cancels in the added columns.
#
# Environment: HOTLINE_BENCH_REPS (5), HOTLINE_BENCH_PACKETS (20000),
# HOTLINE_BENCH_TOP (25, profile lines).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/nft_marking.sh"
. "$(dirname "$0")/forwarding_setup.sh"

REPS=${HOTLINE_BENCH_REPS:-5}
N=${HOTLINE_BENCH_PACKETS:-20000}
TOP=${HOTLINE_BENCH_TOP:-25}
PKT=64
tmp=$(mktemp -d /tmp/bench_icount_fwd.XXXXXX)
declare -A RUNS=()

say() { echo "bench: $*" >&2; }

icount_read >/dev/null || { say "no instruction counts: run under selftests/vm/run --icount"; exit 1; }
require_modules pktgen
fwd_setup "$tmp" || { say "cannot set up the topology"; exit 1; }
fwd_pktgen_setup "$PKT" "$N" 0
# Everything here runs on CPU 1 from now on.
taskset -p -c 1 $$ >/dev/null || { say "cannot move to CPU 1"; exit 1; }
read -r _ OVERHEAD < <(icount_overhead 0)
say "$N packets a run, $REPS runs; a counter read on CPU 1 adds $OVERHEAD kernel instructions on CPU 0"

# count SETUP: one run; records kernel instructions per packet.
count() {
	local per
	[ "$rep" = 1 ] && icount_profile snap "$tmp/p0.$1"
	if ! per=$(fwd_icount_run "$N" "$OVERHEAD"); then
		say "rep $rep: ${LABEL[$1]}: run not counted"
		return
	fi
	[ "$rep" = 1 ] && icount_profile snap "$tmp/p1.$1" &&
		icount_profile diff "$tmp/p0.$1" "$tmp/p1.$1" "$N" >"$tmp/prof.$1"
	RUNS[$1]="${RUNS[$1]:-} $per"
	say "rep $rep: ${LABEL[$1]}: $per kernel instructions a packet"
}

for ((rep = 1; rep <= REPS; rep++)); do
	count nomod
	nft_marking_load "$NS_GW1" "$tmp/nft_peers" || say "nft ruleset refused"
	count nft
	nft_marking_unload "$NS_GW1"
	hl_load
	fwd_load "$tmp/one"
	count hl1
	fwd_load "$tmp/more"
	count hl1k
	fwd_load "$tmp/rest"
	count hl100k
	hl_unload || say "rmmod failed"
	hl_load
	fwd_load "$tmp/prefixes"
	count hlpfx
	hl_unload || say "rmmod failed"
done

# stats: "MEDIAN SPREAD_PCT" of the runs on stdin, one a line; the
# spread is (max - min) / median.
stats() {
	median_min_max | awk '$1 == "-" { print "- -"; next }
		{ printf "%s %.2f\n", $1, 100 * ($3 - $2) / $1 }'
}

declare -A MED=()
printf '\nkernel instructions per forwarded %d-byte packet, %d packets x %d runs, kernel %s\n\n' \
	"$PKT" "$N" "$REPS" "$(uname -r)"
printf '| %-26s | %12s | %10s | %10s | %s |\n' setup "median/pkt" "added" "spread %" runs
printf '|%s|%s|%s|%s|%s|\n' "----------------------------" "--------------" "------------" "------------" "------"
for s in $SETUPS; do
	read -r m sp < <(tr ' ' '\n' <<<"${RUNS[$s]:-}" | grep . | stats)
	MED[$s]=$m
	printf '| %-26s | %12s | %10s | %10s | %s |\n' "${LABEL[$s]}" "$m" \
		"$(awk -v a="$m" -v b="${MED[nomod]}" 'BEGIN { if (a != "-" && b != "-") printf "%+d", a - b; else print "-" }')" \
		"$sp" "${RUNS[$s]:-}"
done
echo
for s in hl1 hl1k hl100k hlpfx; do
	awk -v h="${MED[$s]}" -v f="${MED[nft]}" -v b="${MED[nomod]}" -v l="${LABEL[$s]}" 'BEGIN {
		if (h == "-" || f == "-" || b == "-" || f - b <= 0) exit
		printf "%s adds %.2f x what nftables adds\n", l, (h - b) / (f - b) }'
done

# The profile: per function, instructions a packet in each setup and
# what each adds over no module, the functions hotline adds most to first.
profiled=""
for s in $SETUPS; do
	[ -s "$tmp/prof.$s" ] && profiled="$profiled $s"
done
if [ -n "${profiled# nomod}" ] && [ -s "$tmp/prof.nomod" ]; then
	printf '\nkernel instructions per packet by function (first run of each setup; +: added over no module)\n\n'
	icount_profile_table "$tmp" "$profiled" "$TOP" nomod
	[ -s "$tmp/prof.hl100k" ] && awk '/ \[hotline\]$/ { n += $1 } END { printf "\nhotline.ko functions, %s: %.1f instructions a packet\n", s, n }' \
		s="${LABEL[hl100k]}" "$tmp/prof.hl100k"
fi
rm -rf "$tmp"
exit 0
