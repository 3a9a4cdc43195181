# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034 # variables are for the tests
#
# Shared helpers for the selftests that run inside the VM.  Source it
# first thing from a bash test script:
#
#	. "$(dirname "$0")/lib.sh"
#
# Run on the host, a test script re-runs itself inside the VM through
# selftests/vm/run (the host kernel cannot load hotline.ko).
#
# Output: one line per check, "PASS: <test>: <name>", "FAIL: <test>:
# <name>: <why>" or "SKIP: <test>: <name>: <why>", where <test> is the
# script's name without .sh.  The script exits non-zero when it printed
# a FAIL; cleanup runs on exit whatever happens.
#
# Topology (topo_create), four network namespaces in a line:
#
#	hostA eth0 -- lan0 gw1 wan0 ===== wan0 gw2 lan0 -- eth0 hostB
#
#	namespace    device  IPv4           IPv6
#	$NS_A        eth0    $A4  10.1.0.2  $A6  fd00:a::2    (default via gw1)
#	$NS_GW1      lan0    $GW1_LAN4 10.1.0.1   $GW1_LAN6 fd00:a::1
#	$NS_GW1      wan0    $GW1_WAN4 10.12.0.1  $GW1_WAN6 fd00:12::1
#	$NS_GW2      wan0    $GW2_WAN4 10.12.0.2  $GW2_WAN6 fd00:12::2
#	$NS_GW2      lan0    $GW2_LAN4 10.2.0.1   $GW2_LAN6 fd00:b::1
#	$NS_B        eth0    $B4  10.2.0.2  $B6  fd00:b::2    (default via gw2)
#
# Prefixes: $NET_A4 $NET_A6 (hostA's LAN), $NET_LINK4 $NET_LINK6 (the
# gateway link), $NET_B4 $NET_B6 (hostB's LAN); $PLEN4=24, $PLEN6=64.
# The gateways forward both families and route the far LAN via each
# other.  Namespace names carry the script's PID so concurrent runs don't
# collide.  Run commands in them with ns_a, ns_gw1, ns_gw2, ns_b
# (e.g. "ns_a ping -c1 $B4").  IPv6 DAD is off, so addresses work at once.

if [ ! -r /run/hotline-vm/root ] && [ -z "${HOTLINE_ON_HOST:-}" ]; then
	_hl_self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
	echo "${0##*/}: not inside the selftest VM; running it there" >&2
	exec "$(dirname "${BASH_SOURCE[0]}")/vm/run" -- "$_hl_self" "$@"
fi

HOTLINE_ROOT=${HOTLINE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
HOTLINE_KO=${HOTLINE_KO:-$HOTLINE_ROOT/build/kmod/$(uname -r)/kmod/hotline.ko}
HOTLINECTL=${HOTLINECTL:-$HOTLINE_ROOT/user/hotlinectl}
if [ -z "${HOTLINE_VERSION:-}" ]; then
	HOTLINE_VERSION=$(git -c safe.directory='*' -C "$HOTLINE_ROOT" \
		describe --always --dirty --tags 2>/dev/null || echo 0.1.0)
fi
export HOTLINE_ROOT HOTLINE_KO HOTLINECTL HOTLINE_VERSION
# The guest sees the tree read-only: without a writable cache every
# helper start compiles pyhotline.py again (a fifth of a second under TCG).
if [ -z "${PYTHONPYCACHEPREFIX:-}" ] && [ ! -w "$HOTLINE_ROOT/selftests" ]; then
	export PYTHONPYCACHEPREFIX=/tmp/hotline-pycache
fi

TEST=${0##*/}
TEST=${TEST%.sh}

# The debug kernel (scripts/debug-kernel.sh) runs KASAN, lockdep and
# kmemleak under TCG, several times slower than Debian's: tests with a
# time bound take their debug form there (fewer sessions, longer
# intervals) that still runs the same code.
HL_DEBUG_KERNEL=0
case $(uname -r) in
*-hotline-debug) HL_DEBUG_KERNEL=1 ;;
esac

PASS_COUNT=0
FAIL_COUNT=0
SKIP_COUNT=0

# HOTLINE_STAMPS=1 prints, before each result line, the seconds since the
# test began and since the last result: where a test's minutes go.
_hl_t0=${EPOCHREALTIME/./}
_hl_tl=$_hl_t0
_hl_stamp() {
	[ "${HOTLINE_STAMPS:-0}" = 1 ] || return 0
	local now=${EPOCHREALTIME/./}
	printf 'T: %s +%d.%01ds (+%d.%01ds)\n' "$TEST" \
		$(((now - _hl_t0) / 1000000)) $(((now - _hl_t0) / 100000 % 10)) \
		$(((now - _hl_tl) / 1000000)) $(((now - _hl_tl) / 100000 % 10))
	_hl_tl=$now
}

pass() {
	_hl_stamp
	echo "PASS: $TEST: $1"
	PASS_COUNT=$((PASS_COUNT + 1))
}

# fail NAME WHY [OUTPUT]: OUTPUT, if given, is shown indented below.
fail() {
	_hl_stamp
	echo "FAIL: $TEST: $1: $2"
	[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/    /'
	FAIL_COUNT=$((FAIL_COUNT + 1))
	return 0
}

skip() {
	_hl_stamp
	echo "SKIP: $TEST: $1: $2"
	SKIP_COUNT=$((SKIP_COUNT + 1))
}

# check NAME CMD...: PASS when CMD succeeds, else FAIL with its output.
check() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		pass "$name"
	else
		fail "$name" "'$*' exited $rc" "$out"
	fi
	return "$rc"
}

# check_fails NAME CMD...: PASS when CMD fails (bad input refused).
check_fails() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ]; then
		pass "$name"
		return 0
	fi
	fail "$name" "'$*' succeeded but should have failed" "$out"
	return 1
}

check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
		return 0
	fi
	fail "$1" "expected '$2', got '$3'"
	return 1
}

# wait_for TIMEOUT CMD...: poll CMD every 0.1 s (HL_POLL seconds if set)
# until it succeeds (0) or TIMEOUT seconds (decimals allowed) have passed
# (1). A CMD that starts processes, polled while a test measures RTT or
# jitter, wants a longer HL_POLL: each start keeps a guest CPU busy.
wait_for() {
	local end
	# a deadline, not a count of tries: under TCG one try can take seconds
	end=$(( ${EPOCHREALTIME/./} + $(awk -v t="$1" 'BEGIN { printf "%d", t * 1e6 }') ))
	shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "${EPOCHREALTIME/./}" -ge "$end" ] && return 1
		sleep "${HL_POLL:-0.1}"
	done
}

# cpu_share SECS: sleep SECS and print "SIRQ BUSY", the time all CPUs
# together spent in softirq+irq and not idle (user, nice, system, irq,
# softirq, steal) meanwhile, each in % of one CPU; from /proc/stat.
cpu_share() {
	local a b t0 t1
	a=$(awk '/^cpu / { print $7 + $8, $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)
	t0=$(date +%s.%N)
	sleep "$1"
	b=$(awk '/^cpu / { print $7 + $8, $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)
	t1=$(date +%s.%N)
	awk -v a="$a" -v b="$b" -v hz="$(getconf CLK_TCK)" -v t="$t0" -v u="$t1" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		printf "%.2f %.2f\n", 100 * (y[1] - x[1]) / hz / (u - t),
			100 * (y[2] - x[2]) / hz / (u - t) }'
}

# median_min_max: "MEDIAN MIN MAX" of the numbers on stdin, one a line
# (the median rounded to an integer; "- - -" for none).
median_min_max() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (!NR) { print "- - -"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.0f %s %s\n", m, v[1], v[NR] }'
}

# icount_read [CPU]: "USER KERNEL", the guest instructions executed so
# far on all vCPUs together (or on vCPU CPU alone), when the VM runs with
# --icount (selftests/vm/run); fails otherwise. Two reads bracket a
# phase; a read itself costs about 1.5 M user and 15 M kernel
# instructions on the CPU it runs on (icount_overhead measures it).
ICOUNT_FILE=/run/hotline-vm/icount
icount_read() {
	[ -r "$ICOUNT_FILE" ] && [ "$(head -c 8 "$ICOUNT_FILE")" = hlicount ] || return 1
	od -An -tu8 -w16 -v -j 16 "$ICOUNT_FILE" | awk -v cpu="${1:-}" '
		cpu == "" || NR == cpu + 1 { u += $1; k += $2 }
		END { printf "%.0f %.0f\n", u, k }'
}

# icount_profile snap OUT | diff BEFORE AFTER [UNITS]: the kernel's
# instructions by function between two snapshots of the plugin's block
# counts (selftests/vm/icount/profile.c), under --icount.
icount_profile() { "$HOTLINE_ROOT/build/vm/icount_profile" "$@"; }

# icount_profile_table DIR "SETUPS" TOP [BASE]: DIR/prof.SETUP (icount_profile
# diff's lines) side by side, a column a setup, the total first and then
# the TOP functions that cost most in the last setup; with BASE, a column
# more a setup for what it adds over BASE, ordered by what the last adds.
icount_profile_table() {
	local dir=$1 setups=$2 top=$3 base=${4:-} s
	for s in $setups; do
		sed "s/^/$s /" "$dir/prof.$s"
	done | awk -v setups="$setups" -v base="$base" '
	{ fn = $3; for (i = 4; i <= NF; i++) fn = fn " " $i; v[$1, fn] = $2; seen[fn] = 1 }
	END {
		n = split(setups, s, " ")
		head = sprintf("%-40s", "function")
		for (i = 1; i <= n; i++) head = head sprintf(" %9s", s[i])
		if (base != "")
			for (i = 1; i <= n; i++) if (s[i] != base) head = head sprintf(" %9s", "+" s[i])
		# a sort key first: the header, the total, then the order
		print "3e99\t" head
		for (fn in seen) {
			line = sprintf("%-40s", substr(fn, 1, 40))
			for (i = 1; i <= n; i++) line = line sprintf(" %9.1f", v[s[i], fn])
			if (base != "")
				for (i = 1; i <= n; i++) if (s[i] != base)
					line = line sprintf(" %+9.1f", v[s[i], fn] - v[base, fn])
			key = v[s[n], fn] - (base != "" ? v[base, fn] : 0)
			print (fn == "total" ? "2e99" : key) "\t" line
		}
	}' | sort -t "$(printf '\t')" -k1,1 -g -r | cut -f2- | head -n $((top + 2))
}

# icount_overhead [CPU]: "USER KERNEL" that one icount_read [CPU] adds
# to its own count, the median of five empty brackets.
icount_overhead() {
	local i a b
	for i in 1 2 3 4 5 6; do
		a=$(icount_read "$@") || return 1
		b=$(icount_read "$@") || return 1
		[ "$i" = 1 ] && continue	# the first read warms the caches
		echo "$a $b"
	done | awk '{ print $3 - $1, $4 - $2 }' | sort -n -k2,2 | sed -n 3p
}

# require_modules MOD...: load kernel modules the test needs; when one
# does not exist for this kernel, skip the whole script.
require_modules() {
	local m out
	for m in "$@"; do
		if ! out=$(modprobe "$m" 2>&1); then
			skip "all" "kernel module $m not available on $(uname -r): ${out:-modprobe failed}"
			exit 0
		fi
	done
}

# stalls_start SECS [PERIOD_US]: selftests/stallwatch on every CPU for
# at most SECS seconds (a real-time task per CPU; default wake-up every
# 1 ms); stalls_end: ends them early and sets stall to the longest time
# any CPU stood still, in ms (under TCG: a vCPU the host descheduled).
# Call stalls_end after reading what a stall would explain.
stalls_start() {
	local c sw=$HOTLINE_ROOT/build/selftests/stallwatch
	stall_pids=()
	stall_dir=$(mktemp -d /tmp/stall.XXXXXX)
	if [ ! -x "$sw" ]; then
		fail "stallwatch" "no $sw: run selftests/unit/health_run.sh on the host"
		exit 1
	fi
	for c in $(seq 0 $(($(nproc) - 1))); do
		"$sw" "$c" "$1" "${2:-1000}" >"$stall_dir/$c" 2>&1 &
		stall_pids+=($!)
	done
}
stalls_end() {
	kill -TERM "${stall_pids[@]}" 2>/dev/null
	wait "${stall_pids[@]}"
	stall=$(awk '$1 == "stall" && $5 > m { m = $5 } END { printf "%d", m / 1000 }' "$stall_dir"/*)
	rm -rf "$stall_dir"
}

# emulated: true under TCG (a hypervisor flag, and not KVM), where a vCPU
# the host deschedules stands still and the guest's packets wait for it.
emulated() {
	grep -q '^flags.* hypervisor' /proc/cpuinfo && ! dmesg | grep -q 'Hypervisor detected: KVM'
}
# backlog_drops: the packets this guest's receive backlogs dropped since
# boot (every CPU), read before and after a window for the difference
backlog_drops() {
	local n=0 d
	while read -r _ d _; do
		n=$((n + 16#$d))
	done </proc/net/softnet_stat
	echo "$n"
}
# guest_held LOST LATE DROPS: true when some reply came late and every
# probe declared lost was answered late or dropped by this guest's receive
# backlog. With both peers in this guest, only its CPUs can hold a reply
# past its loss timeout: the emulated machine's doing, no silent peer.
guest_held() {
	[ "$2" -gt 0 ] && [ "$1" -le $(($2 + $3)) ]
}

# wan_netem_idle NS...: an idle netem as wan0's root qdisc in each NS, for
# wan_netem to change in place later. Deleting or adding a root qdisc
# deactivates the device: until the swap's RCU grace period ends, every
# packet sent through it is dropped, and on a busy emulated CPU that can
# outlast a session's detection time (test_health_states saw a
# degraded->down->init->up flap on 6.12). Set it up before the sessions.
wan_netem_idle() {
	local ns
	for ns in "$@"; do
		tc -n "$ns" qdisc add dev wan0 root netem delay 0 ||
			fail "netem on $ns's wan0" "tc refused it"
	done
}
# wan_netem NS ARGS... | wan_netem NS off: the netem wan_netem_idle put
# on NS's wan0 takes ARGS (all of them: what ARGS leave out is reset),
# in place; off is no delay, no loss.
wan_netem() {
	local ns=$1
	shift
	[ "$1" = off ] && set -- delay 0
	tc -n "$ns" qdisc change dev wan0 root netem "$@" ||
		fail "netem $ns $*" "tc refused the change"
}

# hl_status NS NAME FIELD...: the health status fields of channel NAME in
# namespace NS on one line, named as the kernel's attributes are (rtt_p50,
# jitter: nanoseconds; an absent one reads "null"). hotlinectl and jq cost
# a tenth of a Python client's start under TCG, and tests poll this.
hl_status() {
	local ns=$1 name=$2 f q=
	shift 2
	for f; do
		case $f in rtt_* | jitter) f=${f}_ns ;; esac
		q+="${q:+, }.$f"
	done
	"$HOTLINECTL" -N "$ns" -j show "$name" |
		jq -r ".[0].status // {} | [$q] | map(tostring) | join(\" \")"
}

# hl_states NS PREFIX: how many of the PREFIX* channels in namespace NS
# are in each health state ("up 100", a line each, by state name), then
# their sums, from the same dump: state changes ("flaps N"), probes
# declared lost ("lost N") and replies that came after that ("late N").
hl_states() {
	"$HOTLINECTL" -N "$1" -j show | jq -r --arg p "$2" '
		[.[] | select(.name | startswith($p)) | .status // {}] |
		(group_by(.state)[] | "\(.[0].state) \(length)"),
		(("flaps", "lost", "late") as $k | "\($k) \(map(.[$k] // 0) | add // 0)")'
}
# hl_state_of KEY STATES: the figure after KEY in hl_states' output,
# its lines kept or joined into one
hl_state_of() {
	tr '\n' ' ' <<<"$2" | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'
}

# hl_load [PARAM=VALUE...]: insmod hotline.ko; the script cannot go on
# without it, so a failure ends it with a FAIL.
hl_load() {
	local out
	if [ ! -r "$HOTLINE_KO" ]; then
		fail "hl_load" "no $HOTLINE_KO (run 'make kmod')"
		exit 1
	fi
	# insmod does not resolve dependencies: the health engine's sockets
	# need the UDP tunnel helpers (HMAC-SHA-256 is built in or autoloaded)
	if ! out=$(modprobe -a udp_tunnel ip6_udp_tunnel 2>&1 &&
		   insmod "$HOTLINE_KO" "$@" 2>&1); then
		fail "hl_load" "insmod $HOTLINE_KO failed" "$out"
		exit 1
	fi
}

hl_is_loaded() { [ -d /sys/module/hotline ]; }

# hl_unload: rmmod hotline; returns rmmod's status and shows why it failed.
hl_unload() {
	local out
	hl_is_loaded || return 0
	if ! out=$(rmmod hotline 2>&1); then
		echo "    rmmod hotline: $out"
		return 1
	fi
	return 0
}

NS_A=hl-a-$$
NS_GW1=hl-gw1-$$
NS_GW2=hl-gw2-$$
NS_B=hl-b-$$
PLEN4=24
PLEN6=64
NET_A4=10.1.0.0/24     NET_A6=fd00:a::/64
NET_LINK4=10.12.0.0/24 NET_LINK6=fd00:12::/64
NET_B4=10.2.0.0/24     NET_B6=fd00:b::/64
A4=10.1.0.2            A6=fd00:a::2
GW1_LAN4=10.1.0.1      GW1_LAN6=fd00:a::1
GW1_WAN4=10.12.0.1     GW1_WAN6=fd00:12::1
GW2_WAN4=10.12.0.2     GW2_WAN6=fd00:12::2
GW2_LAN4=10.2.0.1      GW2_LAN6=fd00:b::1
B4=10.2.0.2            B6=fd00:b::2

ns_a()   { ip netns exec "$NS_A" "$@"; }
ns_gw1() { ip netns exec "$NS_GW1" "$@"; }
ns_gw2() { ip netns exec "$NS_GW2" "$@"; }

# pin_neighbours NS...: each IPv4 neighbour those namespaces have resolved
# made permanent. An entry left to age goes stale within a minute and is
# probed again: a counted run pays for it at random, and a peer that
# drops everything at its ingress (icount_health's role setups) stops
# answering ARP, so the probes would stop at the neighbour table instead
# of leaving.
pin_neighbours() {
	local ns ip dev mac
	for ns in "$@"; do
		ip -n "$ns" -4 neigh show | while read -r ip _ dev _ mac _; do
			[ -n "$mac" ] && ip -n "$ns" neigh replace "$ip" lladdr "$mac" \
				dev "$dev" nud permanent
		done
	done
}
ns_b()   { ip netns exec "$NS_B" "$@"; }

_hl_topo=0

# _topo_addr NS DEV ADDR4 ADDR6: whichever families topo_create was asked for.
_topo_addr() {
	if [ "$_topo_v4" = 1 ]; then
		ip -n "$1" addr add "$3/$PLEN4" dev "$2" || return 1
	fi
	if [ "$_topo_v6" = 1 ]; then
		ip -n "$1" addr add "$4/$PLEN6" dev "$2" nodad || return 1
	fi
}

# _topo_route NS PREFIX4 VIA4 PREFIX6 VIA6
_topo_route() {
	if [ "$_topo_v4" = 1 ]; then
		ip -n "$1" route add "$2" via "$3" || return 1
	fi
	if [ "$_topo_v6" = 1 ]; then
		ip -n "$1" -6 route add "$4" via "$5" || return 1
	fi
}

_topo_build() {
	local ns
	for ns in "$NS_A" "$NS_GW1" "$NS_GW2" "$NS_B"; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up || return 1
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 || return 1
	done
	for ns in "$NS_GW1" "$NS_GW2"; do
		ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 \
			net.ipv6.conf.all.forwarding=1 || return 1
	done

	ip link add eth0 netns "$NS_A" type veth peer name lan0 netns "$NS_GW1" || return 1
	ip link add wan0 netns "$NS_GW1" type veth peer name wan0 netns "$NS_GW2" || return 1
	ip link add lan0 netns "$NS_GW2" type veth peer name eth0 netns "$NS_B" || return 1

	_topo_addr "$NS_A" eth0 "$A4" "$A6" &&
	_topo_addr "$NS_GW1" lan0 "$GW1_LAN4" "$GW1_LAN6" &&
	_topo_addr "$NS_GW1" wan0 "$GW1_WAN4" "$GW1_WAN6" &&
	_topo_addr "$NS_GW2" wan0 "$GW2_WAN4" "$GW2_WAN6" &&
	_topo_addr "$NS_GW2" lan0 "$GW2_LAN4" "$GW2_LAN6" &&
	_topo_addr "$NS_B" eth0 "$B4" "$B6" || return 1

	ip -n "$NS_A" link set eth0 up &&
	ip -n "$NS_GW1" link set lan0 up &&
	ip -n "$NS_GW1" link set wan0 up &&
	ip -n "$NS_GW2" link set wan0 up &&
	ip -n "$NS_GW2" link set lan0 up &&
	ip -n "$NS_B" link set eth0 up || return 1

	_topo_route "$NS_A" default "$GW1_LAN4" default "$GW1_LAN6" &&
	_topo_route "$NS_B" default "$GW2_LAN4" default "$GW2_LAN6" &&
	_topo_route "$NS_GW1" "$NET_B4" "$GW2_WAN4" "$NET_B6" "$GW2_WAN6" &&
	_topo_route "$NS_GW2" "$NET_A4" "$GW1_WAN4" "$NET_A6" "$GW1_WAN6"
}

# topo_create [v4|v6|both]: build the topology above (default both);
# a failure to build it ends the script with a FAIL.
topo_create() {
	local fam=${1:-both} out
	case $fam in
	v4)   _topo_v4=1 _topo_v6=0 ;;
	v6)   _topo_v4=0 _topo_v6=1 ;;
	both) _topo_v4=1 _topo_v6=1 ;;
	*)    fail "topo_create" "unknown family '$fam' (v4, v6 or both)"; exit 1 ;;
	esac
	_hl_topo=1
	if ! out=$(_topo_build 2>&1); then
		fail "topo_create" "could not build the $fam topology" "$out"
		exit 1
	fi
}

topo_destroy() {
	local ns
	# shellcheck disable=SC2086 # a list of names (selftests/lib_paths.sh)
	for ns in "$NS_A" "$NS_GW1" "$NS_GW2" "$NS_B" ${_topo_more_ns:-}; do
		ip netns del "$ns" 2>/dev/null
	done
	_hl_topo=0
	return 0
}

# Runs on every exit: stop background jobs, remove the namespaces,
# unload the module, and make the exit status non-zero after any FAIL.
# With HOTLINE_KEEP_LOADED set (run_all.sh) the module stays loaded:
# run_all checks that everything it allocated was freed, then unloads it.
cleanup() {
	local rc=$? pids
	trap - EXIT
	pids=$(jobs -p)
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086
		kill $pids 2>/dev/null
		# shellcheck disable=SC2086
		wait $pids 2>/dev/null
	fi
	[ "$_hl_topo" = 1 ] && topo_destroy
	if hl_is_loaded && [ -z "${HOTLINE_KEEP_LOADED:-}" ]; then
		hl_unload || fail "cleanup" "hotline.ko would not unload"
	fi
	[ "$FAIL_COUNT" -gt 0 ] && [ "$rc" -eq 0 ] && rc=1
	exit "$rc"
}
trap cleanup EXIT
