#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Failover: what a hotline stream loses when its path is cut beyond the
# first hop. Two gateways joined by two disjoint paths (selftests/
# lib_paths.sh: 10 ms and 25 ms each way); while the path carrying the
# hotline is cut for a while and then restored, three probe_stream
# streams of 1,000 packets/s run:
#   round trip  hostA -> hostB and back (an echo): what a request/answer
#               exchange loses
#   A->B        the same requests as counted where they arrive (the echo's
#               log): a one-way stream hostA -> hostB, switched by gw1
#   B->A        a one-way stream hostB -> hostA (to a sink), switched by gw2
# A one-way stream loses what its gateway sends into the dead path until
# it switches. A round trip loses that and, before it, the answers to the
# requests that crossed just before the cut (one one-way delay of the cut
# path: they meet the cut on their way back). Per cut: the packets lost
# in each stream, the round trip's outage (its longest run of lost
# packets, in ms at 1,000/s) and what the three lost on fail-back (after
# the restore). For the setups a user has without hotline's failover:
#   single    one path, no failover: the loss lasts until the restore
#   multipath the kernel's own multipath route, both paths as nexthops,
#             fib_multipath_use_neigh=1: it reacts to dead neighbours,
#             and a cut beyond the first hop leaves them alive
#   tracker   a ping tracker as mwan3-style tools run it
#             (ping_tracker.sh: 1 s pings, switch after 3 misses, back
#             after 3 replies), on both gateways
#   hotline100, hotline10
#             hotline's failover: a channel on each gateway with two
#             keyed paths probing at 100 ms or 10 ms x 3 (hotlineMS[xMULT]:
#             any interval and detect-mult, as hotline10x2), steering by
#             mark (fwmark -> the path's table; the main table sends
#             the far LAN over path 2), fail-back hold 2 s
# Setups are interleaved cut by cut; medians and maxima over the cuts.
# Prints numbers, asserts nothing.
#
# Environment: HOTLINE_BENCH_CUTS (20), HOTLINE_BENCH_PPS (1000),
# HOTLINE_BENCH_DOWN (5, seconds each cut lasts).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_paths.sh"

CUTS=${HOTLINE_BENCH_CUTS:-20}
PPS=${HOTLINE_BENCH_PPS:-1000}
DOWN=${HOTLINE_BENCH_DOWN:-5}
LEAD=2			# seconds of stream before the cut
TAIL=5			# after the restore: the tracker needs 3 s to come back,
			# hotline its fail-back hold (2 s) and a few probes
PORT=7100
SETUPS=${HOTLINE_BENCH_SETUPS:-"single multipath tracker hotline100 hotline10"}
tmp=$(mktemp -d /tmp/bench_failover.XXXXXX)
declare -A LABEL=(
	[single]="one path, no failover"
	[multipath]="kernel multipath, use_neigh=1"
	[tracker]="ping tracker, 1 s x 3"
)
declare -A IVAL MULT	# a hotline setup's interval (ms) and detect-mult
for s in $SETUPS; do
	case $s in
	single | multipath | tracker) ;;
	hotline[1-9]*)
		if [[ $s =~ ^hotline([1-9][0-9]*)(x([1-9][0-9]?))?$ ]]; then
			IVAL[$s]=${BASH_REMATCH[1]} MULT[$s]=${BASH_REMATCH[3]:-3}
			LABEL[$s]="hotline, ${IVAL[$s]} ms x ${MULT[$s]}"
		else
			echo "bench: setup '$s' is not hotlineMS nor hotlineMSxMULT" >&2
			rm -rf "$tmp"
			exit 1
		fi ;;
	*) echo "bench: unknown setup '$s' in HOTLINE_BENCH_SETUPS (single multipath tracker hotlineMS[xMULT])" >&2; rm -rf "$tmp"; exit 1 ;;
	esac
done
HLH=$HOTLINE_ROOT/selftests/hlhealth.py
HOLD=2000

say() { echo "bench: $*" >&2; }

PROBE=$HOTLINE_ROOT/build/bench/probe_stream
if [ ! -x "$PROBE" ] || [ "$PROBE" -ot "$HOTLINE_ROOT/selftests/bench/probe_stream.c" ]; then
	PROBE=$tmp/probe_stream
	say "compiling probe_stream in the guest"
	cc -std=c11 -O2 -Wall -Wextra -Werror -o "$PROBE" \
		"$HOTLINE_ROOT/selftests/bench/probe_stream.c" || exit 1
fi

paths_topo_create
hl_load
# hotline's paths route by mark; without a mark the main table decides
route_by_mark() { # NS VIA1 VIA2
	ip -n "$1" rule add fwmark 0x100/0xff00 lookup 101 pref 100 &&
	ip -n "$1" rule add fwmark 0x200/0xff00 lookup 102 pref 101 &&
	ip -n "$1" route add default via "$2" table 101 &&
	ip -n "$1" route add default via "$3" table 102
}
route_by_mark "$NS_GW1" "$P1_R1A" "$P2_R2A" && route_by_mark "$NS_GW2" "$P1_R1B" "$P2_R2B" ||
	{ say "cannot install the path rules"; exit 1; }
KEY=$(od -An -tu1 -N32 /dev/urandom | tr -s ' \n' ',' | sed 's/^,//; s/,$//')
# hotline_start IVAL MULT: the channels on both gateways, both paths up
hotline_start() {
	local side ns l1 p1 l2 p2 peer
	for side in 1 2; do
		if [ $side = 1 ]; then
			ns=$NS_GW1 l1=$P1_GW1 p1=$P1_GW2 l2=$P2_GW1 p2=$P2_GW2 peer=$NET_B4
		else
			ns=$NS_GW2 l1=$P1_GW2 p1=$P1_GW1 l2=$P2_GW2 p2=$P2_GW1 peer=$NET_A4
		fi
		ip netns exec "$ns" /usr/bin/python3 "$HLH" add bench "{\"peer\": \"$peer\",
 \"failback\": $HOLD, \"health\": {\"interval\": $1, \"detect_mult\": $2, \"key\": [$KEY]},
 \"paths\": [{\"name\": \"p1\", \"pref\": 10, \"mark\": 256, \"mark_mask\": 65280, \"local\": \"$l1\", \"probe\": \"$p1\"},
  {\"name\": \"p2\", \"pref\": 20, \"mark\": 512, \"mark_mask\": 65280, \"local\": \"$l2\", \"probe\": \"$p2\"}]}" \
			>/dev/null || return 1
	done
	wait_for 20 hotline_ready
}
# both paths up and p1 active on both gateways (hotlinectl: a Python
# start takes seconds under TCG)
hotline_ready() {
	local ns
	for ns in "$NS_GW1" "$NS_GW2"; do
		[ "$("$HOTLINECTL" -N "$ns" -j show bench | jq -r '.[0] |
			"\(.active_path) \([.paths[] | select(.status.state == "up")] | length)"')" = "p1 2" ] ||
			return 1
	done
}
# hl_path_field NS PATH FIELD: a field of the path's row in hotlinectl -j show
hl_path_field() {
	"$HOTLINECTL" -N "$1" -j show bench |
		jq -r --arg p "$2" ".[0].paths[] | select(.name == \$p) | $3"
}
# hl_actives: "GW1_PATH GW2_PATH", the active path of each gateway
hl_actives() {
	local ns
	for ns in "$NS_GW1" "$NS_GW2"; do
		"$HOTLINECTL" -N "$ns" -j show bench | jq -r '.[0].active_path // "none"'
	done | xargs
}
both_on_one_path() {
	local a1 a2
	read -r a1 a2 < <(hl_actives)
	[ "$a1" != none ] && [ "$a1" = "$a2" ]
}
hotline_stop() {
	ip netns exec "$NS_GW1" /usr/bin/python3 "$HOTLINE_ROOT/selftests/pyhotline.py" del bench 2>/dev/null
	ip netns exec "$NS_GW2" /usr/bin/python3 "$HOTLINE_ROOT/selftests/pyhotline.py" del bench 2>/dev/null
	return 0
}
for ns in "$NS_GW1" "$NS_GW2"; do
	ip netns exec "$ns" sysctl -qw net.ipv4.fib_multipath_use_neigh=1 || exit 1
done
ns_b "$PROBE" echo "$PORT" &
paths_lan_route 1 || { say "cannot route over path 1"; exit 1; }
wait_for 10 ns_a ping -c1 -W1 "$B4" || { say "hostA cannot reach hostB"; exit 1; }

tracker_pids=()
tracker_start() {
	ip netns exec "$NS_GW1" bash "$HOTLINE_ROOT/selftests/bench/ping_tracker.sh" \
		"$P1_GW2" "$NET_B4" "$P1_R1A" "$P2_R2A" 2>>"$tmp/tracker.log" &
	tracker_pids+=($!)
	ip netns exec "$NS_GW2" bash "$HOTLINE_ROOT/selftests/bench/ping_tracker.sh" \
		"$P1_GW1" "$NET_A4" "$P1_R1B" "$P2_R2B" 2>>"$tmp/tracker.log" &
	tracker_pids+=($!)
}
tracker_stop() {
	[ ${#tracker_pids[@]} -gt 0 ] || return 0
	kill "${tracker_pids[@]}" 2>/dev/null
	wait "${tracker_pids[@]}" 2>/dev/null
	tracker_pids=()
}

# which_router: the router that carries hostA -> hostB now (by a short
# stream and the routers' counters).
which_router() {
	local a1 a2 b1 b2
	a1=$(paths_forwarded "$NS_R1") a2=$(paths_forwarded "$NS_R2")
	ns_a "$PROBE" send "$B4" "$PORT" 200 1 >/dev/null
	b1=$(paths_forwarded "$NS_R1") b2=$(paths_forwarded "$NS_R2")
	if [ $((b1 - a1)) -ge $((b2 - a2)) ]; then echo "$NS_R1"; else echo "$NS_R2"; fi
}

# cut_once SETUP N: the streams through one cut; the round trip's trace in
# $tmp/SETUP.N, what arrived at hostB and hostA in $tmp/SETUP.N.ab and .ba.
cut_once() {
	local setup=$1 n=$2 r t0 secs=$((LEAD + DOWN + TAIL)) logs
	case $setup in
	single)    paths_lan_route 1 ;;
	multipath) paths_lan_route multi ;;
	tracker)   paths_lan_route 1 && tracker_start ;;
	hotline*) paths_lan_route 2 && hotline_start "${IVAL[$setup]}" "${MULT[$setup]}" ||
			say "hotline paths not ready" ;;
	esac
	sleep 1
	r=$(which_router)
	# the logging ends outlive the senders (and the round trip's 2 s wait)
	ns_b "$PROBE" echo $((PORT + 1)) $((secs + 4)) "$tmp/$setup.$n.ab" &
	logs=$!
	ns_a "$PROBE" sink $((PORT + 2)) $((secs + 4)) "$tmp/$setup.$n.ba" &
	logs="$logs $!"
	sleep 0.5
	ns_a "$PROBE" trace "$B4" $((PORT + 1)) "$PPS" "$secs" \
		"$tmp/$setup.$n" >"$tmp/$setup.$n.sum" &
	local sender=$!
	ns_b "$PROBE" oneway "$A4" $((PORT + 2)) "$PPS" "$secs" "$tmp/$setup.$n.bat" >/dev/null &
	sender="$sender $!"
	sleep "$LEAD"
	# which path each gateway sends on as the cut comes: a path that
	# flapped since which_router looked may have moved the streams, and a
	# gateway off the cut path loses nothing one way. Both on one path,
	# that path's router is cut.
	local act=
	if [[ $setup == hotline* ]]; then
		wait_for 5 both_on_one_path
		act=$(hl_actives)
		case $act in
		"p1 "*) r=$NS_R1 ;;
		"p2 "*) r=$NS_R2 ;;
		esac
	fi
	t0=${EPOCHREALTIME/./}
	paths_cut "$r"
	sleep "$DOWN"
	if [[ $setup == hotline* ]]; then
		# the kernel's silence at the cut path's down, on each gateway
		local p=p2 ns sil
		[ "$r" = "$NS_R1" ] && p=p1
		for ns in "$NS_GW1" "$NS_GW2"; do
			sil=$(hl_path_field "$ns" "$p" '.status.silence_ns')
			act+=" $(awk -v n="$sil" 'BEGIN { printf "%.1f", n / 1e6 }')"
		done
		echo "$act" >"$tmp/$setup.$n.hl"
	fi
	paths_restore "$r"
	# from before the cut began to after the restore took effect
	window_us=$((${EPOCHREALTIME/./} - t0))
	# shellcheck disable=SC2086 # two pids each
	wait $sender $logs
	tracker_stop
	hotline_stop
	say "$setup cut $n of $CUTS on ${r%-*}: $(cat "$tmp/$setup.$n.sum")"
}

# window_loss TIMES: reads the sequence numbers of one stream's lost
# packets, prints "LOST OUTAGE_MS FAILBACK_LOST DARK_MS" for its cut. The
# cut begins at the first lost packet; what is lost later than the cut's
# whole window (cut_once's window_us, which includes the time nft took to
# cut and to restore) after it is fail-back loss. DARK_MS is the same cut
# loss in the sender's time (TIMES: "SEQ ... SENT_MS" a line): from the
# send time of the first packet lost to that of the last, plus one gap.
# It equals the packets lost while the sender keeps its schedule; it is
# less where the sender fell behind and sent its backlog into the dead
# path at once, and more where it stood still inside the cut (the path
# was dark that long; the sender had nothing to send). A sender that
# stood still just before the cut does not lengthen it.
window_loss() {
	awk -v pps="$PPS" -v win="$window_us" '
	FNR == NR { t[$1] = $NF; next }
	{ lost[$1] = 1; if (first == "") first = $1 }
	END {
		if (first == "") { print 0, 0, 0, 0; exit }
		back = first + int(win * pps / 1e6) + 1
		last = first
		for (s in lost) {
			s += 0
			if (s < back) { cut++; if (s > last) last = s } else fb++
		}
		run = 0; best = 0
		for (s = first; s < back + 10 * pps; s++) {
			if (s in lost) { run++; if (run > best) best = run } else run = 0
		}
		dark = -1
		if (first in t && last in t)
			dark = t[last] - t[first] + 1000 / pps
		printf "%d %.0f %d %.1f\n", cut + fb, best * 1000 / pps, fb, dark
	}' "$1" -
}

# missing LOG: the sequence numbers a one-way stream sent that LOG lacks
missing() {
	awk -v total=$((PPS * (LEAD + DOWN + TAIL))) '
	{ got[$1] = 1 }
	END { for (s = 0; s < total; s++) if (!(s in got)) print s }' "$1"
}

# analyse SETUP N: "RT_LOST RT_OUTAGE_MS FAILBACK_LOST AB_LOST BA_LOST
# AB_DARK_MS BA_DARK_MS" for one cut, the fail-back loss of all three
# streams together
analyse() {
	local rt ab ba
	rt=$(awk '$2 == "lost" { print $1 }' "$tmp/$1.$2" | window_loss "$tmp/$1.$2")
	ab=$(missing "$tmp/$1.$2.ab" | window_loss "$tmp/$1.$2")
	ba=$(missing "$tmp/$1.$2.ba" | window_loss "$tmp/$1.$2.bat")
	set -- $rt $ab $ba
	echo "$1 $2 $(($3 + $7 + ${11})) $5 $9 $8 ${12}"
}

for ((n = 1; n <= CUTS; n++)); do
	for s in $SETUPS; do
		cut_once "$s" "$n"
		analyse "$s" "$n" >>"$tmp/$s.res"
		[ ! -f "$tmp/$s.$n.hl" ] || cat "$tmp/$s.$n.hl" >>"$tmp/$s.hl"
	done
done

# stat_col FILE C: "MEDIAN MAX" of column C of FILE
stat_col() { cut -d' ' -f"$2" "$1" | median_min_max | cut -d' ' -f1,3; }

# hotline_detail: what each hotline cut's loss is made of. A gateway's
# kernel takes the cut path down the detection time after its last valid
# reply (HOTLINE_A_STATUS_SILENCE; here probes are always in flight, the
# path's RTT being over the interval), and that reply came at most the
# path's one-way delay after the cut: a one-way stream loses at most
# detection + one-way delay by design. A loss counted in packets also
# holds what a sender that fell behind sent late, all at once, into the
# dead path; in the sender's time (ms) it does not. What the silence
# shows beyond the detection time is the guest noticing late; the last
# column takes it off the loss in ms, cut by cut, leaving the design's.
hotline_detail() {
	local s d f m x
	local -A v
	for s in $SETUPS; do
		[ -f "$tmp/$s.hl" ] || continue
		d=$((IVAL[$s] * MULT[$s]))
		echo
		echo "${LABEL[$s]}, per cut (A -> B / B -> A): the active paths of gw1 and gw2 as the cut"
		echo "came, the kernel's silence at the cut path's down on gw1 / gw2 (detection $d ms), the"
		echo "one-way losses in packets and in the sender's ms, and those ms less the silence beyond"
		echo "the detection time:"
		paste -d' ' "$tmp/$s.hl" "$tmp/$s.res" | awk -v d="$d" -v o="$tmp/$s" '
		function late(x) { return x > d ? x - d : 0 }
		{
			printf "  %s %s  silence %s / %s  lost %d / %d  ms %s / %s  design %.1f / %.1f\n",
				$1, $2, $3, $4, $8, $9, $10, $11,
				$10 - late($3), $11 - late($4)
			print late($3) >(o ".lab"); print late($4) >(o ".lba")
			print $10 >(o ".mab"); print $11 >(o ".mba")
			print $10 - late($3) >(o ".dab"); print $11 - late($4) >(o ".dba")
		}'
		for f in lab lba mab mba dab dba; do
			read -r m _ x < <(median_min_max <"$tmp/$s.$f")
			v[$f]="$m / $x"
		done
		echo "  median / max: late gw1 ${v[lab]}, gw2 ${v[lba]} ms; lost in ms A -> B ${v[mab]}," \
			"B -> A ${v[mba]}; less the lateness A -> B ${v[dab]}, B -> A ${v[dba]}"
	done
}

echo "Failover: $PPS packets/s each stream, $CUTS cuts of ${DOWN} s beyond the first hop, path 1 ${P1_DELAY_MS} ms / path 2 ${P2_DELAY_MS} ms each way"
echo "Packets lost per cut, median / max: the round trip hostA -> hostB -> hostA, one-way hostA -> hostB"
echo "(the same requests where they arrive) and hostB -> hostA; outage: the round trip's longest gap;"
echo "fail-back: lost after the restore, the three streams together."
echo
printf '| %-30s | %13s | %13s | %13s | %13s | %13s |\n' "setup" "round trip" "A -> B" "B -> A" "outage ms" "fail-back"
printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..32})" "$(printf -- '-%.0s' {1..15})" \
	"$(printf -- '-%.0s' {1..15})" "$(printf -- '-%.0s' {1..15})" "$(printf -- '-%.0s' {1..15})" "$(printf -- '-%.0s' {1..15})"
for s in $SETUPS; do
	cols=()
	for c in 1 4 5 2 3; do
		read -r m x < <(stat_col "$tmp/$s.res" "$c")
		cols+=("$m / $x")
	done
	printf '| %-30s | %13s | %13s | %13s | %13s | %13s |\n' "${LABEL[$s]}" "${cols[@]}"
done
echo
echo "Per cut (round_trip_lost outage_ms failback_lost a_to_b_lost b_to_a_lost a_to_b_ms b_to_a_ms;"
echo "the last two: the one-way losses in the sender's time, -1 where it could not be told):"
for s in $SETUPS; do
	echo "  $s: $(tr '\n' ',' <"$tmp/$s.res" | sed 's/,$//; s/,/; /g')"
done
hotline_detail
rm -rf "$tmp"
