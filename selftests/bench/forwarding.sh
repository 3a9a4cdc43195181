#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Forwarding throughput through gw1 (hostA -> gw1 -> gw2 -> hostB) with
# fixed-size UDP packets, received packets per second counted at hostB,
# for: no module; hotline with 1, 1,000 and 100,000 host channels (the
# traffic hits one of them: DSCP, priority, fwmark and counters all
# applied); and nftables marking the same traffic by hand for a set of
# 1,000 peers (nft_marking.sh). Runs inside the VM (one boot for all);
# setups are interleaved across repetitions and the median is reported
# with its ratio to no module. Prints numbers, asserts nothing.
#
# Traffic comes from pktgen on hostA when the kernel has it, else from
# iperf3 -u at a rate above what the VM can forward.
#
# Environment: HOTLINE_BENCH_REPS (3), HOTLINE_BENCH_SECONDS (5),
# HOTLINE_BENCH_PKT (64, bytes on the wire without the FCS).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/nft_marking.sh"
. "$(dirname "$0")/forwarding_setup.sh"

REPS=${HOTLINE_BENCH_REPS:-3}
SECS=${HOTLINE_BENCH_SECONDS:-5}
PKT=${HOTLINE_BENCH_PKT:-64}
tmp=$(mktemp -d /tmp/bench_forwarding.XXXXXX)
declare -A RUNS=()

say() { echo "bench: $*" >&2; }

fwd_setup "$tmp" || { say "cannot set up the topology"; exit 1; }

if modprobe pktgen 2>/dev/null; then
	METHOD=pktgen
else
	METHOD=iperf3
fi
say "traffic: $METHOD, $PKT-byte packets, ${SECS}s per run, $REPS repetitions"

# measure: packets per second hostB received over SECS, after a second
# of warm-up.
measure() {
	local gen a b
	if [ "$METHOD" = pktgen ]; then
		ip netns exec "$NS_A" sh -c 'echo start >/proc/net/pktgen/pgctrl' 2>/dev/null &
		gen=$!
	else
		ip netns exec "$NS_A" iperf3 -c "$B4" -u -b 1G -l "$((PKT - 28))" \
			-t $((SECS + 3)) >/dev/null 2>&1 &
		gen=$!
	fi
	sleep 1
	a=$(fwd_rx_packets)
	sleep "$SECS"
	b=$(fwd_rx_packets)
	if [ "$METHOD" = pktgen ]; then
		ip netns exec "$NS_A" sh -c 'echo stop >/proc/net/pktgen/pgctrl'
	else
		kill "$gen" 2>/dev/null
	fi
	wait "$gen" 2>/dev/null
	echo $(( (b - a) / SECS ))
}

record() {
	RUNS[$1]="${RUNS[$1]:-} $2"
	say "rep $rep: ${LABEL[$1]}: $2 pps"
}

if [ "$METHOD" = iperf3 ]; then
	ip netns exec "$NS_B" iperf3 -s >/dev/null 2>&1 &
	sleep 2
else
	fwd_pktgen_setup "$PKT" 0 0
fi

for ((rep = 1; rep <= REPS; rep++)); do
	record nomod "$(measure)"

	nft_marking_load "$NS_GW1" "$tmp/nft_peers" || say "nft ruleset refused"
	record nft "$(measure)"
	nft_marking_unload "$NS_GW1"

	hl_load
	fwd_load "$tmp/one"
	record hl1 "$(measure)"
	fwd_load "$tmp/more"
	record hl1k "$(measure)"
	fwd_load "$tmp/rest"
	record hl100k "$(measure)"
	hot_tx=$("$HOTLINECTL" -N "$NS_GW1" -j -s channel show hot | jq -r '.[0].stats.tx_packets')
	say "  channel 'hot' counted $hot_tx packets (proof the traffic hit it)"
	t0=$SECONDS
	hl_unload || say "rmmod failed"
	say "  rmmod with 100,000 channels took $((SECONDS - t0)) s"
	hl_load
	fwd_load "$tmp/prefixes"
	record hlpfx "$(measure)"
	hl_unload || say "rmmod failed"
done

median() { tr ' ' '\n' | grep . | median_min_max | cut -d' ' -f1; }

base=$(median <<<"${RUNS[nomod]}")
declare -A MED=()
printf '\nforwarding through gw1, %d-byte UDP, %s, %s s x %d runs, kernel %s\n\n' \
	"$PKT" "$METHOD" "$SECS" "$REPS" "$(uname -r)"
printf '%-28s %12s %8s   %s\n' "setup" "median pps" "ratio" "runs"
for s in $SETUPS; do
	MED[$s]=$(median <<<"${RUNS[$s]}")
	printf '%-28s %12s %8s  %s\n' "${LABEL[$s]}" "${MED[$s]}" \
		"$(awk -v a="${MED[$s]}" -v b="$base" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }')" \
		"${RUNS[$s]}"
done
r100k=$(awk -v a="${MED[hl100k]}" -v b="$base" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print 0 }')
vs_nft=$(awk -v a="${MED[hl100k]}" -v b="${MED[nft]}" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print 0 }')
printf '\ntarget: hotline with 100,000 channels >= 0.95 of no module: %s (%s)\n' "$r100k" \
	"$(awk -v r="$r100k" 'BEGIN { print (r >= 0.95) ? "met" : "not met" }')"
printf 'target: hotline with 100,000 channels not below nftables: %s x nftables (%s)\n' "$vs_nft" \
	"$(awk -v r="$vs_nft" 'BEGIN { print (r >= 1.0) ? "met" : "not met" }')"
rm -rf "$tmp"
exit 0
