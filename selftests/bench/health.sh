#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The health engine, measured inside the VM (one boot for all):
#
#   detection   time from a cut (netem loss 100% on gw2's wan0, so gw1's
#               session hears nothing) to gw1's "down" event, median and
#               max over HOTLINE_BENCH_CUTS (20) cuts, at 10 ms x 3 and
#               100 ms x 3, keyed; the bound is detect-mult x interval +
#               one interval
#   cpu         softirq + irq time (from /proc/stat) of 1,000 sessions
#               per gateway at 100 ms (both gateways live in this VM, so
#               2,000 senders and 2,000 reflectors), as a share of one
#               CPU, against the same interval with no sessions
#   false downs 100 sessions per gateway at 20 ms x 3 for 60 s while
#               stress-ng --cpu loads every CPU: transitions away from
#               up (the kernel's flap counter)
#
# Prints numbers, asserts nothing. Environment: HOTLINE_BENCH_CUTS (20),
# HOTLINE_BENCH_SECONDS (for the CPU and stress phases; 30 and 60).
. "$(dirname "$0")/../lib.sh"

CUTS=${HOTLINE_BENCH_CUTS:-20}
CPU_SECS=${HOTLINE_BENCH_SECONDS:-30}
STRESS_SECS=${HOTLINE_BENCH_STRESS_SECONDS:-60}
HLH=$HOTLINE_ROOT/selftests/hlhealth.py
tmp=$(mktemp -d /tmp/bench_health.XXXXXX)

say() { echo "bench: $*" >&2; }
h1() { ip netns exec "$NS_GW1" /usr/bin/python3 "$HLH" "$@"; }
h2() { ip netns exec "$NS_GW2" /usr/bin/python3 "$HLH" "$@"; }
c1() { "$HOTLINECTL" -N "$NS_GW1" "$@"; }
c2() { "$HOTLINECTL" -N "$NS_GW2" "$@"; }
stat_ticks() { awk '/^cpu / { print $7 + $8 }' /proc/stat; }
flaps() { "$1" states "$2" | awk '$1 == "flaps" { print $2 }'; }
count_up() { "$1" states "$2" | awk '$1 == "up" { print $2 }'; }
all_up() { [ "$(count_up h1 "$1")" = "$2" ] && [ "$(count_up h2 "$1")" = "$2" ]; }

topo_create v4
hl_load
"$HOTLINECTL" genkey >"$tmp/key" && chmod 600 "$tmp/key"

# ---- detection time ----------------------------------------------------------
declare -A DET=()
for ival in 10 100; do
	c1 channel add det peer "$GW2_WAN4/32" probe "$GW2_WAN4" interval $ival \
		detect-mult 3 key-file "$tmp/key" || say "add det failed"
	c2 channel add det peer "$GW1_WAN4/32" probe "$GW1_WAN4" interval $ival \
		detect-mult 3 key-file "$tmp/key" || say "add det failed"
	runs=""
	for ((i = 1; i <= CUTS; i++)); do
		h1 wait det up 10 >/dev/null || say "det not up before cut $i"
		# let a few replies through, at a phase unrelated to the probes
		sleep "0.$((RANDOM % 5 + 3))"
		d=$(h1 cut 10 det tc -n "$NS_GW2" qdisc add dev wan0 root netem loss 100%)
		tc -n "$NS_GW2" qdisc del dev wan0 root
		runs="$runs $(awk -v d="$d" 'BEGIN { if (d == "none") print "none"; else printf "%.1f", d * 1000 }')"
	done
	DET[$ival]=$runs
	say "${ival} ms x 3: detection (ms):$runs"
	c1 channel del det
	c2 channel del det
done

# ---- CPU cost of 1,000 sessions at 100 ms ---------------------------------------
hz=$(getconf CLK_TCK)
a=$(stat_ticks)
sleep "$CPU_SECS"
b=$(stat_ticks)
idle_cpu=$(awk -v d=$((b - a)) -v hz="$hz" -v t="$CPU_SECS" 'BEGIN { printf "%.2f", 100 * d / hz / t }')
t0=$SECONDS
h1 bulk_add c 1000 "$GW2_WAN4/32" "$GW2_WAN4" 10000 20000 100 3
h2 bulk_add c 1000 "$GW1_WAN4/32" "$GW1_WAN4" 20000 10000 100 3
say "added 2 x 1,000 sessions in $((SECONDS - t0)) s"
wait_for 120 all_up c 1000
up1=$(count_up h1 c)
up2=$(count_up h2 c)
a=$(stat_ticks)
sirq_a=$(awk '/HRTIMER|NET_RX|NET_TX|TIMER/ { s = 0; for (i = 2; i <= NF; i++) s += $i; printf "%s=%d ", $1, s }' /proc/softirqs)
sleep "$CPU_SECS"
b=$(stat_ticks)
sirq_b=$(awk '/HRTIMER|NET_RX|NET_TX|TIMER/ { s = 0; for (i = 2; i <= NF; i++) s += $i; printf "%s=%d ", $1, s }' /proc/softirqs)
load_cpu=$(awk -v d=$((b - a)) -v hz="$hz" -v t="$CPU_SECS" 'BEGIN { printf "%.2f", 100 * d / hz / t }')
say "softirqs before: $sirq_a"
say "softirqs after:  $sirq_b"
t0=$SECONDS
hl_unload || say "rmmod failed"
rmmod_secs=$((SECONDS - t0))

# ---- false downs under CPU stress -------------------------------------------------
hl_load
h1 bulk_add f 100 "$GW2_WAN4/32" "$GW2_WAN4" 10000 20000 20 3
h2 bulk_add f 100 "$GW1_WAN4/32" "$GW1_WAN4" 20000 10000 20 3
wait_for 60 all_up f 100
fup1=$(count_up h1 f)
fup2=$(count_up h2 f)
f0=$(( $(flaps h1 f) + $(flaps h2 f) ))
if command -v stress-ng >/dev/null; then
	stress-ng --cpu 0 --timeout "${STRESS_SECS}s" --quiet &
	stress=$!
	stressor="stress-ng --cpu $(nproc)"
else
	stressor="none (stress-ng not installed: run make deps)"
	sleep "$STRESS_SECS" &
	stress=$!
fi
wait $stress
f1=$(( $(flaps h1 f) + $(flaps h2 f) ))
fdown1=$(count_up h1 f)
fdown2=$(count_up h2 f)
hl_unload || say "rmmod failed"

# ---- report ----------------------------------------------------------------------
stats() { tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -n | awk '
	{ v[NR] = $1 } END {
		if (!NR) { print "- -"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.1f %.1f\n", m, v[NR] }'; }
printf '\nhealth engine, kernel %s, %d CPUs\n\n' "$(uname -r)" "$(nproc)"
printf 'detection time after a cut (%d cuts, keyed, detect-mult 3)\n' "$CUTS"
printf '%-12s %10s %10s %10s %8s\n' interval "median ms" "max ms" "bound ms" missed
for ival in 10 100; do
	read -r med max <<<"$(stats <<<"${DET[$ival]}")"
	missed=$(tr ' ' '\n' <<<"${DET[$ival]}" | grep -c none)
	printf '%-12s %10s %10s %10s %8s\n' "$ival ms" "$med" "$max" $((4 * ival)) "$missed"
done
printf '\nCPU: 2 x 1,000 sessions at 100 ms (%s + %s up), softirq+irq over %d s\n' "$up1" "$up2" "$CPU_SECS"
printf '  idle:          %6s%% of one CPU\n' "$idle_cpu"
printf '  with sessions: %6s%% of one CPU (both gateways: 2,000 senders + 2,000 reflectors)\n' "$load_cpu"
printf '  per 1,000 sessions (one gateway): %s%% of one CPU\n' \
	"$(awk -v a="$load_cpu" -v b="$idle_cpu" 'BEGIN { printf "%.2f", (a - b) / 2 }')"
printf '  rmmod with 2,000 sessions: %d s\n' "$rmmod_secs"
printf '\nfalse downs: 2 x 100 sessions at 20 ms x 3 (%s + %s up), %d s of %s\n' \
	"$fup1" "$fup2" "$STRESS_SECS" "$stressor"
printf '  state changes during the load: %d; up at the end: %s + %s\n' $((f1 - f0)) "$fdown1" "$fdown2"
rm -rf "$tmp"
exit 0
