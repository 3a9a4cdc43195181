#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The health engine, measured inside the VM (one boot for all phases):
#
#   detection   time from a cut (netem loss 100% on gw2's wan0, so gw1's
#               session hears nothing) to gw1's "down" event, median and
#               max over HOTLINE_BENCH_CUTS (20) cuts, at 10 ms x 3 and
#               100 ms x 3, keyed; the bound is detect-mult x interval +
#               one interval. The clock starts when `tc` returns, a little
#               after the cut took effect, so the figures lean low by
#               that process's exit.
#   cpu         CPU time of 1,000 sessions per gateway at 100 ms (both
#               gateways live in this VM, so 2,000 senders and 2,000
#               reflectors), as a share of one CPU, against the same
#               period with no sessions: softirq+irq ticks, and all time
#               not idle (softirq work that spills to ksoftirqd counts as
#               system time, so that column misses nothing)
#   stress      false downs: 100 sessions per gateway at 20 ms x 3, 60 s
#               idle and then 60 s while stress-ng --cpu loads every CPU
#               in userspace: every state change (the kernel's flap
#               counter). Then FRR's bfdd
#               (bfdd.sh), 100 sessions per gateway at 20 ms x 3 on the
#               same link under the same load: its session-down counters.
#               One after the other, so neither loads the other.
#
# Prints numbers, asserts nothing. Environment: HOTLINE_BENCH_HEALTH (the
# phases, "detection cpu stress"), HOTLINE_BENCH_CUTS (20),
# HOTLINE_BENCH_SECONDS (cpu, 30), HOTLINE_BENCH_STRESS_SECONDS (60).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/bfdd.sh"

PHASES=${HOTLINE_BENCH_HEALTH:-detection cpu stress}
CUTS=${HOTLINE_BENCH_CUTS:-20}
CPU_SECS=${HOTLINE_BENCH_SECONDS:-30}
STRESS_SECS=${HOTLINE_BENCH_STRESS_SECONDS:-60}
HLH=$HOTLINE_ROOT/selftests/hlhealth.py
tmp=$(mktemp -d /tmp/bench_health.XXXXXX)
chmod 755 "$tmp"	# bfdd runs as frr and keeps its files below

say() { echo "bench: $*" >&2; }
h1() { ip netns exec "$NS_GW1" /usr/bin/python3 "$HLH" "$@"; }
h2() { ip netns exec "$NS_GW2" /usr/bin/python3 "$HLH" "$@"; }
c1() { "$HOTLINECTL" -N "$NS_GW1" "$@"; }
c2() { "$HOTLINECTL" -N "$NS_GW2" "$@"; }
flaps() { "$1" states "$2" | awk '$1 == "flaps" { print $2 }'; }
count_up() { "$1" states "$2" | awk '$1 == "up" { print $2 + 0 }'; }
all_up() { [ "$(count_up h1 "$1")" = "$2" ] && [ "$(count_up h2 "$1")" = "$2" ]; }
half() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (a - b) / 2 }'; }
# median and max of the numbers among the words on stdin, "- -" if none
stats() {
	tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -n | awk '
	{ v[NR] = $1 } END {
		if (!NR) { print "- -"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.1f %.1f\n", m, v[NR] }'
}

# stress_run SECS: every CPU busy in userspace for SECS
stress_run() {
	if command -v stress-ng >/dev/null; then
		stress-ng --cpu 0 --timeout "${1}s" --temp-path "$tmp" --quiet ||
			say "stress-ng failed"
	else
		sleep "$1"
	fi
}

phase_detection() {
	local ival i d runs med max missed
	declare -A det=()

	"$HOTLINECTL" genkey >"$tmp/key" && chmod 600 "$tmp/key"
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
		det[$ival]=$runs
		say "${ival} ms x 3: detection (ms):$runs"
		c1 channel del det
		c2 channel del det
	done

	printf '\ndetection time after a cut (%d cuts, keyed, detect-mult 3)\n' "$CUTS"
	printf '%-12s %10s %10s %10s %8s\n' interval "median ms" "max ms" "bound ms" missed
	for ival in 10 100; do
		read -r med max <<<"$(stats <<<"${det[$ival]}")"
		missed=$(tr ' ' '\n' <<<"${det[$ival]}" | grep -c none)
		printf '%-12s %10s %10s %10s %8s\n' "$ival ms" "$med" "$max" $((4 * ival)) "$missed"
	done
}

phase_cpu() {
	local idle_sirq idle_busy load_sirq load_busy up1 up2 cflaps t0 rmmod_secs

	read -r idle_sirq idle_busy <<<"$(cpu_share "$CPU_SECS")"
	t0=$SECONDS
	h1 bulk_add c 1000 "$GW2_WAN4/32" "$GW2_WAN4" 10000 20000 100 3
	h2 bulk_add c 1000 "$GW1_WAN4/32" "$GW1_WAN4" 20000 10000 100 3
	say "added 2 x 1,000 sessions in $((SECONDS - t0)) s"
	wait_for 120 all_up c 1000 || say "not all 2 x 1,000 up after 120 s"
	up1=$(count_up h1 c)
	up2=$(count_up h2 c)
	cflaps=$(( $(flaps h1 c) + $(flaps h2 c) ))
	read -r load_sirq load_busy <<<"$(cpu_share "$CPU_SECS")"
	cflaps=$(( $(flaps h1 c) + $(flaps h2 c) - cflaps ))
	say "cpu: idle $idle_sirq/$idle_busy, sessions $load_sirq/$load_busy"
	t0=$SECONDS
	hl_unload || say "rmmod failed"
	rmmod_secs=$((SECONDS - t0))
	hl_load

	printf '\nCPU: 2 x 1,000 sessions at 100 ms (%s + %s up), over %d s\n' "$up1" "$up2" "$CPU_SECS"
	printf '  %-34s %12s %10s\n' "% of one CPU" softirq+irq "not idle"
	printf '  %-34s %12s %10s\n' "no sessions" "$idle_sirq" "$idle_busy"
	printf '  %-34s %12s %10s\n' "2,000 senders + 2,000 reflectors" "$load_sirq" "$load_busy"
	printf '  %-34s %12s %10s\n' "per 1,000 sessions (one gateway)" \
		"$(half "$load_sirq" "$idle_sirq")" "$(half "$load_busy" "$idle_busy")"
	printf '  state changes among the 2,000 while measured: %d\n' "$cflaps"
	printf '  rmmod with 2,000 sessions probing: %d s\n' "$rmmod_secs"
}

# idle_then_loaded COUNT: "IDLE LOADED", how much COUNT's output grew over
# STRESS_SECS idle and then over STRESS_SECS under stress
idle_then_loaded() {
	local a b
	a=$("$1")
	sleep "$STRESS_SECS"
	b=$("$1")
	stress_run "$STRESS_SECS"
	echo "$((b - a)) $(( $("$1") - b ))"
}

phase_stress() {
	local stressor up0 quiet loaded upend

	if command -v stress-ng >/dev/null; then
		stressor="stress-ng --cpu $(nproc)"
	else
		stressor="nothing (stress-ng not installed: make deps)"
	fi
	printf '\nfalse downs: 2 x 100 sessions at 20 ms x 3, %d s idle, then %d s of %s\n' \
		"$STRESS_SECS" "$STRESS_SECS" "$stressor"
	printf '%-16s %10s %16s %16s %10s\n' "" "up before" "changes, idle" \
		"changes, loaded" "up after"

	# hotline: every state change (the kernel's flap counter)
	hl_changes() { echo $(( $(flaps h1 f) + $(flaps h2 f) )); }
	h1 bulk_add f 100 "$GW2_WAN4/32" "$GW2_WAN4" 10000 20000 20 3
	h2 bulk_add f 100 "$GW1_WAN4/32" "$GW1_WAN4" 20000 10000 20 3
	wait_for 60 all_up f 100 || say "hotline: not all 2 x 100 up"
	up0="$(count_up h1 f) + $(count_up h2 f)"
	read -r quiet loaded <<<"$(idle_then_loaded hl_changes)"
	upend="$(count_up h1 f) + $(count_up h2 f)"
	say "hotline: $quiet state changes idle, $loaded under load"
	printf '%-16s %10s %16s %16s %10s\n' hotline "$up0" "$quiet" "$loaded" "$upend"
	hl_unload || say "rmmod failed"

	if ! bfdd_available; then
		echo "FRR bfdd: not run (not installed: make deps installs frr)"
		hl_load
		return
	fi
	# bfdd: transitions to down (its session-down counters)
	bfdd_changes() { echo $(( $(bfdd_downs "$tmp/bfdd1") + $(bfdd_downs "$tmp/bfdd2") )); }
	bfdd_all_up() {
		[ "$(bfdd_up "$tmp/bfdd1")" = 100 ] && [ "$(bfdd_up "$tmp/bfdd2")" = 100 ]
	}
	bfdd_addrs "$NS_GW1" wan0 1 100
	bfdd_addrs "$NS_GW2" wan0 2 100
	bfdd_start "$NS_GW1" "$tmp/bfdd1" 1 2 100 20 3
	bfdd_start "$NS_GW2" "$tmp/bfdd2" 2 1 100 20 3
	# bfdd starts every session at its slow 1 s rate (RFC 5880 6.8.3)
	wait_for 180 bfdd_all_up || say "bfdd: not all 2 x 100 up after 180 s"
	up0="$(bfdd_up "$tmp/bfdd1") + $(bfdd_up "$tmp/bfdd2")"
	read -r quiet loaded <<<"$(idle_then_loaded bfdd_changes)"
	upend="$(bfdd_up "$tmp/bfdd1") + $(bfdd_up "$tmp/bfdd2")"
	bfdd_stop "$tmp/bfdd1"
	bfdd_stop "$tmp/bfdd2"
	say "bfdd: $quiet down events idle, $loaded under load"
	printf '%-16s %10s %16s %16s %10s\n' "bfdd $(bfdd_version)" "$up0" "$quiet downs" \
		"$loaded downs" "$upend"
	hl_load
}

topo_create v4
hl_load
printf '\nhealth engine, kernel %s, %d CPUs\n' "$(uname -r)" "$(nproc)"
for phase in $PHASES; do
	case $phase in
	detection|cpu|stress) "phase_$phase" ;;
	*) say "unknown phase '$phase' (detection, cpu, stress)"; exit 2 ;;
	esac
done
hl_unload 2>/dev/null
rm -rf "$tmp"
exit 0
