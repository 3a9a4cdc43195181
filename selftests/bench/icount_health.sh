#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The health engine's cost in guest instructions: kernel instructions per
# probe round trip (sent by one gateway, reflected by the other, the reply
# checked by the first; both gateways in this guest), unauthenticated and
# keyed, and the functions it goes to; then the same split by role (the
# probe sent, the test packet reflected, the reply checked).
#
# The method of the gate (selftests/icount_measure.sh): 20 sessions per
# gateway at 10 ms, all vCPUs' kernel instructions over a 5 s window less
# the same window with no sessions, over the probes both gateways sent in
# it; REPS windows a mode, each printed, the median and spread reported.
# The first window of each mode and the idle one are also profiled
# (icount_profile snapshots around them): per function, the window's
# instructions less the idle window's, over the probes, so what is left
# is the probes' own cost. What the count holds besides the probes (the
# guest's ticks, the counter reads, this script) is in the idle window
# too and cancels; how the host schedules the guest still moves a window
# by a few per cent (how many probes a softirq finds due at once).
#
# Environment: HOTLINE_BENCH_REPS (5), HOTLINE_BENCH_TOP (25).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/probe_window.sh"

REPS=${HOTLINE_BENCH_REPS:-5}
TOP=${HOTLINE_BENCH_TOP:-25}
SECS=5
HLH=$HOTLINE_ROOT/selftests/hlhealth.py
KEY=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
tmp=$(mktemp -d /tmp/bench_icount_health.XXXXXX)
declare -A RUNS=()

say() { echo "bench: $*" >&2; }

icount_read >/dev/null || { say "no instruction counts: run under selftests/vm/run --icount"; exit 1; }
topo_create v4
# gw1's wan0 counts the probes (probe_window.sh: wan_probes), so they
# must leave it in every setup, the one where gw2 drops all it receives
ns_gw1 ping -c1 -W5 "$GW2_WAN4" >/dev/null
pin_neighbours "$NS_GW1" "$NS_GW2"
# A Debian gateway's udev loads the x86 SHA-256 (sha256_ssse3: AVX2 under
# this guest's CPU) from the CPU's modalias; this guest has no udev, and
# the keyed sessions would hash with the generic C code
modprobe -q sha256_ssse3 2>/dev/null || say "no sha256_ssse3: keyed sessions hash in generic C"
hl_load
# this script and its reads on CPU 1; the probes run where their timers
# and packets take them, which is why every vCPU is counted
taskset -p -c 1 $$ >/dev/null || { say "cannot move to CPU 1"; exit 1; }

read -r idle _ < <(probe_windows 1 "$SECS" "$tmp/idle")
say "idle window: $idle kernel instructions"

# sessions MODE add|del: 20 sessions each way, unauthenticated or keyed
sessions() {
	local key=
	[ "$1" = keyed ] && key=$KEY
	if [ "$2" = add ]; then
		HL_BULK_KEY=$key ip netns exec "$NS_GW1" /usr/bin/python3 "$HLH" bulk_add p 20 \
			"$GW2_WAN4/32" "$GW2_WAN4" 11000 21000 10 3 &&
			HL_BULK_KEY=$key ip netns exec "$NS_GW2" /usr/bin/python3 "$HLH" bulk_add p 20 \
				"$GW1_WAN4/32" "$GW1_WAN4" 21000 11000 10 3
	else
		ip netns exec "$NS_GW1" /usr/bin/python3 "$HLH" bulk_del p 20 &&
			ip netns exec "$NS_GW2" /usr/bin/python3 "$HLH" bulk_del p 20
	fi
}

MODES="unauthenticated keyed"
for mode in $MODES; do
	sessions "$mode" add || { say "$mode: cannot add the sessions"; exit 1; }
	sleep 2
	for ((rep = 1; rep <= REPS; rep++)); do
		prof=
		[ "$rep" = 1 ] && prof=$tmp/busy
		read -r busy probes < <(probe_windows 1 "$SECS" "$prof")
		if [ "$probes" -le 0 ]; then
			say "$mode: no probes were sent"
			continue
		fi
		per=$(( (busy - idle) / probes ))
		RUNS[$mode]="${RUNS[$mode]:-} $per"
		say "$mode window $rep: $busy kernel instructions, $probes probes: $per a probe"
		if [ "$rep" = 1 ]; then
			icount_profile diff "$tmp/busy.0" "$tmp/busy.1" "$probes" >"$tmp/b"
			icount_profile diff "$tmp/idle.0" "$tmp/idle.1" "$probes" >"$tmp/i"
			# the window's cost less the idle window's, a probe
			awk 'FNR == NR { fn = $2; for (i = 3; i <= NF; i++) fn = fn " " $i; idle[fn] = $1; next }
			{ fn = $2; for (i = 3; i <= NF; i++) fn = fn " " $i
			  printf "%.1f %s\n", $1 - idle[fn], fn }' "$tmp/i" "$tmp/b" >"$tmp/prof.$mode"
		fi
	done
	[ "$mode" = keyed ] && say "keyed sessions' HMAC: $(awk '$1 == "name" { n = $3 }
		$1 == "driver" && n == "hmac(sha256)" { print $3 }' /proc/crypto | sort -u | xargs)"
	sessions "$mode" del || say "$mode: cannot delete the sessions"
	sleep 1
done

# ---- by role ------------------------------------------------------------------
# Each role ends where the next one's packets are dropped at the peer's
# tc ingress (a matchall drop on a clsact both wan0s hold throughout, so
# the static key it turns on flips once, here, with no traffic):
#   sent       gw1 probes a gw2 that drops them;
#   reflected  gw2 reflects, gw1 drops the replies: this less "sent";
#   checked    nothing dropped: this less the one before.
# gw2's own sessions (which it needs to reflect) probe once a minute, and
# its probes, a handful in a window, count in the divisor. gw1's sessions
# are down while nothing comes back: each probe is then expired as lost,
# where an answered one is matched, which is part of what it costs.
drop() { # drop NS | drop NS off
	if [ "${2:-}" = off ]; then
		tc -n "$1" filter del dev wan0 ingress
	else
		tc -n "$1" filter add dev wan0 ingress matchall action drop
	fi
}
role_sessions() { # role_sessions MODE GW add|del [IVAL]
	local key='' ns=$NS_GW1 name=r args=("$GW2_WAN4/32" "$GW2_WAN4" 12000 22000)
	[ "$1" = keyed ] && key=$KEY
	[ "$2" = gw2 ] && ns=$NS_GW2 args=("$GW1_WAN4/32" "$GW1_WAN4" 22000 12000)
	if [ "$3" = add ]; then
		HL_BULK_KEY=$key ip netns exec "$ns" /usr/bin/python3 "$HLH" bulk_add "$name" 20 \
			"${args[@]}" "$4" 3
	else
		ip netns exec "$ns" /usr/bin/python3 "$HLH" bulk_del "$name" 20
	fi
}
declare -A ROLE=()
role_windows() { # role_windows MODE SETUP
	local rep busy probes
	for ((rep = 1; rep <= REPS; rep++)); do
		read -r busy probes < <(probe_windows 1 "$SECS")
		[ "$probes" -gt 0 ] || { say "$1 $2: no probes were sent"; continue; }
		ROLE[$1.$2]="${ROLE[$1.$2]:-} $(( (busy - idle) / probes ))"
	done
	say "$1 $2: a probe costs${ROLE[$1.$2]:-}"
}
roles_ok=1
for ns in "$NS_GW1" "$NS_GW2"; do
	tc -n "$ns" qdisc add dev wan0 clsact || roles_ok=0
done
sleep 1
if [ "$roles_ok" = 1 ]; then
	for mode in $MODES; do
		role_sessions "$mode" gw1 add 10 || { say "$mode: cannot add gw1's sessions"; roles_ok=0; break; }
		drop "$NS_GW2"
		sleep 2
		role_windows "$mode" sent
		drop "$NS_GW2" off
		role_sessions "$mode" gw2 add 60000 || { say "$mode: cannot add gw2's sessions"; roles_ok=0; break; }
		drop "$NS_GW1"
		sleep 2
		role_windows "$mode" reflected
		drop "$NS_GW1" off
		sleep 2
		role_windows "$mode" checked
		role_sessions "$mode" gw1 del
		role_sessions "$mode" gw2 del
		sleep 1
	done
fi

printf '\nkernel instructions per probe round trip (sent, reflected, checked), 2 x 20 sessions at 10 ms, %d windows of %d s, kernel %s\n\n' \
	"$REPS" "$SECS" "$(uname -r)"
printf '| %-16s | %10s | %9s | %s |\n' mode "median" "spread %" windows
printf '|%s|%s|%s|%s|\n' "------------------" "------------" "-----------" "------"
for mode in $MODES; do
	read -r m lo hi < <(tr ' ' '\n' <<<"${RUNS[$mode]:-}" | grep . | median_min_max)
	printf '| %-16s | %10s | %9s | %s |\n' "$mode" "$m" \
		"$(awk -v m="$m" -v a="$lo" -v b="$hi" 'BEGIN { if (m > 0) printf "%.2f", 100 * (b - a) / m; else print "-" }')" \
		"${RUNS[$mode]:-}"
done
if [ -s "$tmp/prof.unauthenticated" ] && [ -s "$tmp/prof.keyed" ]; then
	printf '\nkernel instructions per probe round trip by function (first window of each mode, less the idle window)\n\n'
	icount_profile_table "$tmp" "unauthenticated keyed" "$TOP"
	for mode in $MODES; do
		awk -v m="$mode" '/ \[hotline\]$/ { n += $1 } END { printf "hotline.ko functions, %s: %.1f a probe\n", m, n }' \
			"$tmp/prof.$mode"
	done
fi
if [ "$roles_ok" = 1 ]; then
	printf '\nkernel instructions per probe by role, 20 sessions at 10 ms (gw2 reflecting), medians of %d windows of %d s\n\n' "$REPS" "$SECS"
	printf '| %-16s | %10s | %10s | %10s | %10s |\n' mode sent reflected checked "round trip"
	printf '|%s|%s|%s|%s|%s|\n' "------------------" "------------" "------------" "------------" "------------"
	for mode in $MODES; do
		for setup in sent reflected checked; do
			read -r m _ < <(tr ' ' '\n' <<<"${ROLE[$mode.$setup]:-}" | grep . | median_min_max)
			declare "m_$setup=${m:-0}"
		done
		# shellcheck disable=SC2154 # set by the declare above
		printf '| %-16s | %10s | %10s | %10s | %10s |\n' "$mode" "$m_sent" \
			"$((m_reflected - m_sent))" "$((m_checked - m_reflected))" "$m_checked"
	done
	echo
	echo "setups' windows (a probe): $(for k in "${!ROLE[@]}"; do printf '%s:%s; ' "$k" "${ROLE[$k]}"; done)"
fi
rm -rf "$tmp"
exit 0
