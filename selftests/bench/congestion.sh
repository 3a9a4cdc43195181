#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The hotline's latency, loss and throughput across a saturated link:
#
#	hostA -- gw1 ==bottleneck== gw2 -- hostB
#
# The bottleneck is an HTB shaped to RATE on gw1's wan0 (hostA -> hostB)
# with netem adding 10 ms on gw2's wan0 (the way back), so the idle RTT is
# 10 ms plus what the VM costs. The hotline is hostA -> hostB UDP: a 50
# packets/s timestamped probe echoed by hostB (RTT percentiles, loss) and
# a UDP bulk transfer at RATE/10, also echoed by hostB (throughput: what
# comes back; the way back is not the bottleneck). Both are probe_stream,
# which needs no TCP control connection across the congested link (iperf3
# does, and under 500 flows it may not even connect). The load is TCP from hostA
# to hostB, 8 flows and then 500. Setups, all in this one VM boot:
#
#   1 idle       HTB with one class, leaf pfifo limit 1000, no load
#   2 default    same queue, loaded: what a shaped link does by default
#   3 fq_codel   HTB with one class, leaf fq_codel, no hotline
#   4 manual     nftables DSCP + meta priority, HTB prio classes by hand
#                (congestion_manual.sh)
#   5 hotline    hotlinectl apply + hotlinectl qdisc wan0 rate RATE
#
# "default" needs HTB too (the veth does not limit itself to RATE); its
# single pfifo of 1000 packets is what pfifo_fast would be with a default
# txqueuelen, so between 2, 3 and 5 only the queueing differs.
#
# RATE is 20 Mbit/s, but 10 Mbit/s under TCG, where the VM cannot keep
# an HTB at 20 Mbit/s busy (it says so; the "link" column shows what gw1
# really sent). The VM's unshaped TCP throughput is measured and printed. Prints the table on stdout, then one line
# of RTT samples (ms) per run for the CDF
# (selftests/bench/plot_congestion.gp reads them from the saved output).
# Asserts nothing; the goals are printed beside the numbers.
#
# Environment: HOTLINE_BENCH_SECONDS (15, per measurement),
# HOTLINE_BENCH_RATE_MBIT (pick from the measured capacity),
# HOTLINE_BENCH_LOADS ("8 500").
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/congestion_manual.sh"

SECS=${HOTLINE_BENCH_SECONDS:-15}
LOADS=${HOTLINE_BENCH_LOADS:-"8 500"}
WARM=5
PPS=50
PROBE_PORT=7000
LOAD_PORT=5201
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/bench_congestion.XXXXXX)

say() { echo "bench: $*" >&2; }

# clean_all: gw1 back to no shaping, no nftables table, no channel.
clean_all() {
	manual_unload "$NS_GW1" wan0
	ns_gw1 "$HOTLINECTL" channel del hotline >/dev/null 2>&1
	return 0
}

# servers_restart: fresh iperf3 servers on hostB, so no run inherits a
# server still busy with the killed clients of the one before.
servers_restart() {
	local pid p
	for pid in $(ip netns pids "$NS_B"); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = iperf3 ] && kill "$pid"
	done
	sleep 0.5
	for p in 0 1 2 3; do
		ns_b iperf3 -s -D -p $((LOAD_PORT + p)) >/dev/null 2>&1
	done
	sleep 0.5
}

# The probe: built on the host into build/bench by the Makefile rule when
# it is there and current, else compiled here (the repo is read-only in
# the guest, /tmp is not).
PROBE=$HOTLINE_ROOT/build/bench/probe_stream
src=$HOTLINE_ROOT/selftests/bench/probe_stream.c
if [ ! -x "$PROBE" ] || [ "$src" -nt "$PROBE" ]; then
	PROBE=$tmp/probe_stream
	say "compiling probe_stream in the guest"
	cc -std=c11 -O2 -Wall -Wextra -o "$PROBE" "$src" >&2 || {
		say "cannot compile $src"
		exit 1
	}
fi

require_modules sch_htb sch_netem sch_fq_codel
hl_load
topo_create v4
ns_a ping -c1 -W5 "$B4" >/dev/null || { say "hostA cannot reach hostB"; exit 1; }

tc -n "$NS_GW2" qdisc add dev wan0 root netem delay 10ms limit 10000 || exit 1

ns_b "$PROBE" echo "$PROBE_PORT" &
servers_restart

# What the VM forwards hostA -> hostB with no shaping at all.
ns_a iperf3 -c "$B4" -p "$LOAD_PORT" -P 8 -t 6 -O 1 -J >"$tmp/cap.json" 2>/dev/null
capacity=$($PY -c 'import json,sys
d = json.load(open(sys.argv[1]))
print("%.1f" % (d["end"]["sum_received"]["bits_per_second"] / 1e6))' "$tmp/cap.json" 2>/dev/null)
[ -n "$capacity" ] || { say "the capacity run of iperf3 failed"; exit 1; }
accel=$(cat "$HOTLINE_ROOT/build/vm/accel-$(uname -r)" 2>/dev/null || echo "?")
# Under TCG the shaper itself costs: in a first run at 20 Mbit/s the VM
# sent only 13-15 Mbit/s with 8 flows and 9-11 with 500, so the queue
# did not only form where it should. 10 Mbit/s it holds.
if [ -n "${HOTLINE_BENCH_RATE_MBIT:-}" ]; then
	RATE=$HOTLINE_BENCH_RATE_MBIT
elif [ "$accel" = kvm ]; then
	RATE=20
else
	RATE=10
fi
KBIT=$((RATE * 1000))
BULK_KBIT=$((KBIT / 10))
BULK_SIZE=1250			# bytes of UDP payload
BULK_PPS=$((BULK_KBIT / 10))	# BULK_KBIT at 1250-byte datagrams
SER_MS=$(awk -v r="$RATE" 'BEGIN { printf "%.2f", 1500 * 8 / (r * 1000) }')
say "the VM forwards $capacity Mbit/s unshaped: bottleneck $RATE Mbit/s, hotline bulk $BULK_KBIT kbit/s"

CONF=$tmp/hotline.conf
cat >"$CONF" <<EOF
# the hotline of the benchmark: hostA's UDP to hostB
[Channel hotline]
Peer = $B4/32
Protocol = udp
EOF

qdisc_single() {	# LEAF...: HTB at RATE with one class and that leaf
	tc -n "$NS_GW1" qdisc replace dev wan0 root handle 1: htb default 1 r2q 10 &&
	tc -n "$NS_GW1" class add dev wan0 parent 1: classid 1:1 htb \
		rate "${KBIT}kbit" ceil "${KBIT}kbit" &&
	tc -n "$NS_GW1" qdisc add dev wan0 parent 1:1 handle 10: "$@"
}

setup_up() {
	case $1 in
	idle|default) qdisc_single pfifo limit 1000 ;;
	fq_codel) qdisc_single fq_codel ;;
	manual) manual_load "$NS_GW1" wan0 "$KBIT" "$B4" ;;
	hotline)
		ns_gw1 "$HOTLINECTL" apply "$CONF" >&2 &&
		ns_gw1 "$HOTLINECTL" qdisc wan0 rate "${RATE}mbit" >&2 ;;
	esac
}

# load_start FLOWS SECONDS: FLOWS TCP flows hostA -> hostB, in processes
# of at most 125 flows (iperf3 takes 128 at most).
load_start() {
	local flows=$1 t=$2 p=0 n
	while [ "$flows" -gt 0 ]; do
		n=$((flows > 125 ? 125 : flows))
		ns_a iperf3 -c "$B4" -p $((LOAD_PORT + p)) -P "$n" -t "$t" \
			>/dev/null 2>&1 &
		flows=$((flows - n))
		p=$((p + 1))
	done
}

# measure ID SETUP FLOWS: one run; appends "ID p50 p99 max loss mbit link"
# to $tmp/results and keeps the RTT samples in $tmp/ID.rtt.
measure() {
	local id=$1 setup=$2 flows=$3 tx0 tx1 t0 probe bulk link loss p50 p99 max
	say "run $id: setup $setup, $flows flows, ${SECS}s"
	clean_all
	servers_restart
	if ! setup_up "$setup"; then
		say "setup $setup failed"
		echo "$id - - - - - -" >>"$tmp/results"
		clean_all
		return
	fi
	if [ "$flows" -gt 0 ]; then
		load_start "$flows" $((WARM + SECS + 4))
		sleep "$WARM"
	fi
	tx0=$(ns_gw1 cat /sys/class/net/wan0/statistics/tx_bytes)
	t0=$(date +%s.%N)
	ns_a "$PROBE" send "$B4" "$PROBE_PORT" "$BULK_PPS" "$SECS" - "$BULK_SIZE" \
		>"$tmp/$id.bulk" &
	local bulk_pid=$!
	probe=$(ns_a "$PROBE" send "$B4" "$PROBE_PORT" "$PPS" "$SECS" "$tmp/$id.rtt")
	wait "$bulk_pid"
	tx1=$(ns_gw1 cat /sys/class/net/wan0/statistics/tx_bytes)
	link=$(awk -v a="$tx0" -v b="$tx1" -v t0="$t0" -v t1="$(date +%s.%N)" \
		'BEGIN { printf "%.1f", (b - a) * 8 / (t1 - t0) / 1e6 }')
	# where the hotline's packets went: the priority class, when there is one
	tc -n "$NS_GW1" -s class show dev wan0 | awk -v r="$id" \
		'/^class htb 1:10 / { c = 1 } c && /Sent/ { print "bench: run " r ": class 1:10 sent " $4 " packets"; c = 0 }' >&2
	bulk=$(sed -n 's/.* mbit=\([0-9.]*\).*/\1/p' "$tmp/$id.bulk")
	[ -n "$bulk" ] || bulk=-
	# the load must be gone before the next setup
	ip netns pids "$NS_A" | xargs -r kill 2>/dev/null
	sleep 2
	clean_all
	say "run $id: $probe hotline=${bulk}Mbit/s link=${link}Mbit/s"
	# sent= received= loss= p50= p99= max= mbit=
	# shellcheck disable=SC2001 # a pattern per key is clearer in sed
	read -r _ _ loss p50 p99 max _ <<<"$(sed 's/[a-z0-9]*=//g' <<<"$probe")"
	echo "$id ${p50:--} ${p99:--} ${max:--} ${loss:--} $bulk $link" >>"$tmp/results"
}

: >"$tmp/results"
declare -A LABEL=(
	[idle]="1 idle (floor)"
	[default]="2 default: pfifo 1000"
	[fq_codel]="3 fq_codel"
	[manual]="4 by hand: nft + tc"
	[hotline]="5 hotline"
)
RUNS="idle:idle:0"
for f in $LOADS; do
	for s in default fq_codel manual hotline; do
		RUNS="$RUNS $s-$f:$s:$f"
	done
done
for r in $RUNS; do
	IFS=: read -r id setup flows <<<"$r"
	measure "$id" "$setup" "$flows"
done

get() { awk -v id="$1" -v c="$2" '$1 == id { print $c }' "$tmp/results"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
# le A B: A <= B (numbers), for the goals
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "-" && b != "-" && a + 0 <= b + 0) }'; }
yn() { if "$@"; then echo yes; else echo NO; fi; }

idle_p50=$(get idle 2) idle_p99=$(get idle 3)
echo "Congestion: hotline RTT, loss and throughput across a saturated link"
echo "kernel $(uname -r) in QEMU (${accel^^}, 2 vCPUs); the VM forwards $capacity Mbit/s of TCP unshaped"
echo "bottleneck: HTB $RATE Mbit/s on gw1 wan0 (hostA->hostB), netem delay 10ms on gw2 wan0 (way back)"
echo "hotline: UDP hostA->hostB, echoed by hostB: probe $PPS pkt/s of 100 B; bulk $BULK_KBIT kbit/s ($BULK_PPS pkt/s of $BULK_SIZE B)"
echo "load: TCP hostA->hostB, iperf3 (8 flows: -P 8; 500 flows: 4 x -P 125); ${SECS}s per run after ${WARM}s of load"
echo "physical floor: one 1500-byte packet at $RATE Mbit/s takes $SER_MS ms to serialise"
echo
printf '%-8s %-22s %8s %8s %8s %6s %8s %6s %8s %8s\n' \
	load setup "p50 ms" "p99 ms" "max ms" loss% "hl Mbit" link "p50/idl" "p99/idl"
for r in $RUNS; do
	IFS=: read -r id setup flows <<<"$r"
	[ "$flows" = 0 ] && fl=- || fl="$flows"
	printf '%-8s %-22s %8s %8s %8s %6s %8s %6s %8s %8s\n' "$fl" "${LABEL[$setup]}" \
		"$(get "$id" 2)" "$(get "$id" 3)" "$(get "$id" 4)" "$(get "$id" 5)" \
		"$(get "$id" 6)" "$(get "$id" 7)" \
		"$(ratio "$(get "$id" 2)" "$idle_p50")" "$(ratio "$(get "$id" 3)" "$idle_p99")"
done
echo "(hl Mbit: hotline bulk echoed back; link: what gw1 sent on wan0 during the run, Mbit/s)"
echo
goal_p99=$(awk -v p="$idle_p99" -v s="$SER_MS" 'BEGIN { if (p == "-") print "-"; else printf "%.2f", p + 2 * s }')
goal_bulk=$(awk -v k="$BULK_KBIT" 'BEGIN { printf "%.2f", k * 0.95 / 1000 }')
echo "Goals for setup 5 (printed, not asserted):"
for f in $LOADS; do
	h=hotline-$f m=manual-$f
	echo "  $f flows: p99 <= idle p99 + 2 x $SER_MS = $goal_p99 ms: $(yn le "$(get "$h" 3)" "$goal_p99");" \
		"loss 0: $(yn le "$(get "$h" 5)" 0);" \
		"throughput >= $goal_bulk Mbit/s: $(yn le "$goal_bulk" "$(get "$h" 6)")"
	echo "  $f flows, as good as by hand (4): p50 $(yn le "$(get "$h" 2)" "$(get "$m" 2)")," \
		"p99 $(yn le "$(get "$h" 3)" "$(get "$m" 3)"), max $(yn le "$(get "$h" 4)" "$(get "$m" 4)")," \
		"loss $(yn le "$(get "$h" 5)" "$(get "$m" 5)"), throughput $(yn le "$(get "$m" 6)" "$(get "$h" 6)")"
done
echo
echo "# RTT samples in ms, one line per run, for selftests/bench/plot_congestion.gp:"
for r in $RUNS; do
	IFS=: read -r id setup flows <<<"$r"
	printf 'rtt-samples %s %s\n' "$id" "$(paste -sd' ' "$tmp/$id.rtt" 2>/dev/null)"
done
rm -rf "$tmp"
