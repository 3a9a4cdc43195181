#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `hotlinectl qdisc` against the kernel, in two throwaway network namespaces
# joined by a veth pair: what tc sees installed, and where packets of each
# skb->priority are really queued (tc's class counters). Needs root; parts
# skip when the kernel lacks sch_prio, sch_htb, sch_fq_codel, cls_basic or
# em_meta (the host kernel may; the test VM's Debian kernels have them).
#
#   selftests/unit/qdisc_netns.sh [PATH-TO-HOTLINECTL] [TAG]
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
ctl=${1:-$root/user/hotlinectl}
tag=${2:-}
py=/usr/bin/python3
ns=hlq$$a
peer=hlq$$b

failures=0
pass() { echo "PASS: qdisc: $1$tag"; }
fail() { echo "FAIL: qdisc: $1$tag: $2"; failures=$((failures + 1)); }
skip() { echo "SKIP: qdisc: $1$tag: $2"; }

if [ "$(id -u)" != 0 ] || ! ip netns add "$ns" 2>/dev/null; then
	skip "all" "needs root and network namespaces"
	exit 0
fi
cleanup() { ip netns del "$ns" 2>/dev/null; ip netns del "$peer" 2>/dev/null; }
trap cleanup EXIT
ip netns add "$peer"
for n in "$ns" "$peer"; do
	# no IPv6: its MLD reports carry priority 7 and would blur the counts
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
ip -n "$ns" link add name ha type veth peer name hb netns "$peer"
ip -n "$ns" addr add 192.0.2.1/24 dev ha
ip -n "$peer" addr add 192.0.2.2/24 dev hb
ip -n "$ns" link set ha up
ip -n "$peer" link set hb up

# has_tc DESCRIPTION TC-ARGS...: can this kernel build that?
has() {
	local ok=0
	tc -n "$ns" qdisc del dev ha root 2>/dev/null
	"$@" >/dev/null 2>&1 || ok=1
	tc -n "$ns" qdisc del dev ha root 2>/dev/null
	return $ok
}
have_prio=0 have_htb_full=0 have_htb=0
has tc -n "$ns" qdisc add dev ha root handle 1: prio && have_prio=1
has tc -n "$ns" qdisc add dev ha root handle 1: htb && have_htb=1
has sh -c "tc -n $ns qdisc add dev ha root handle 1: htb default 20 &&
	tc -n $ns class add dev ha parent 1: classid 1:20 htb rate 1mbit &&
	tc -n $ns qdisc add dev ha parent 1:20 handle 20: fq_codel &&
	tc -n $ns filter add dev ha parent 1: prio 1 basic match 'meta(priority eq 7)' classid 1:20" &&
	have_htb_full=1

# send COUNT PRIORITY: UDP datagrams from ns to peer with SO_PRIORITY set
send() {
	ip netns exec "$ns" "$py" - "$1" "$2" <<'PY'
import socket, sys
n, prio = int(sys.argv[1]), int(sys.argv[2], 0)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PRIORITY, prio)
for _ in range(n):
    s.sendto(b"hotline" * 20, ("192.0.2.2", 9))
PY
}

# packets CLASSID: tc's packet counter of that class on ha (this tc has no
# JSON for classes, so its text is read)
packets() {
	tc -n "$ns" -s class show dev ha | awk -v h="$1" '
		$1 == "class" { cur = $3 }
		$1 == "Sent" && cur == h { print $4; found = 1; exit }
		END { if (!found) print -1 }'
}

# steer NAME PRIORITY WANT-CLASS OTHER-CLASS: 50 packets of PRIORITY must
# be counted in WANT-CLASS and not in OTHER-CLASS
steer() {
	local w0 o0 w1 o1
	w0=$(packets "$3"); o0=$(packets "$4")
	send 50 "$2"
	sleep 0.2
	w1=$(packets "$3"); o1=$(packets "$4")
	if [ "$w0" -ge 0 ] && [ $((w1 - w0)) -ge 50 ] && [ $((o1 - o0)) -lt 50 ]; then
		pass "$1"
	else
		fail "$1" "$3 counted $((w1 - w0)), $4 counted $((o1 - o0)) of 50"
	fi
}

# --- removing a root qdisc that is not ours, and an absent one ---
if [ $have_htb = 1 ]; then
	tc -n "$ns" qdisc add dev ha root handle 5: htb
	if "$ctl" -N "$ns" qdisc ha del && ! tc -n "$ns" qdisc show dev ha | grep -q 'htb 5:'; then
		pass "del removes any root qdisc"
	else
		fail "del removes any root qdisc" "$(tc -n "$ns" qdisc show dev ha)"
	fi
fi
if "$ctl" -N "$ns" qdisc ha del; then
	pass "del without a root qdisc is a no-op"
else
	fail "del without a root qdisc is a no-op" "exit $?"
fi
out=$("$ctl" -N "$ns" qdisc nosuchdev 2>&1)
rc=$?
if [ $rc = 1 ] && [[ $out == *'no device "nosuchdev" in netns '* ]]; then
	pass "unknown device"
else
	fail "unknown device" "exit $rc: $out"
fi

# --- prio ---
if [ $have_prio = 0 ]; then
	skip "prio" "the kernel lacks sch_prio"
else
	out=$("$ctl" -N "$ns" qdisc ha 2>&1)
	rc=$?
	q=$(tc -n "$ns" qdisc show dev ha)
	if [ $rc = 0 ] && [[ $q == *"qdisc prio 1: root"*"bands 3 priomap 1 2 2 2 1 2 1 0 1 1 1 1 1 1 1 1"* ]]; then
		pass "prio 1: with hotline's priomap"
	else
		fail "prio 1: with hotline's priomap" "exit $rc: $out / $q"
	fi
	[[ $out == *"qdisc prio 1: root bands 3 priomap 1 2 2 2 1 2 1 0"* ]] &&
		pass "prio install shows what it installed" ||
		fail "prio install shows what it installed" "$out"
	steer "prio: priority 7 goes to band 0 (1:1)" 7 1:1 1:2
	steer "prio: priority 6 no longer goes to band 0" 6 1:2 1:1
	steer "prio: priority 0 goes to band 1 (1:2)" 0 1:2 1:1
	steer "prio: priority 1:1 goes to band 0" 0x10001 1:1 1:2
fi

# --- htb ---
if [ $have_htb_full = 0 ]; then
	skip "htb" "the kernel lacks sch_htb, sch_fq_codel, cls_basic or em_meta"
	if [ $have_htb = 1 ]; then
		# what it can check here: a failed install leaves no half setup
		out=$("$ctl" -N "$ns" qdisc ha rate 20mbit 2>&1)
		rc=$?
		if [ $rc = 1 ] && [[ $out == *"cannot install"* ]] &&
		   ! tc -n "$ns" qdisc show dev ha | grep -q 'htb 1:'; then
			pass "a failed htb install is rolled back"
		else
			fail "a failed htb install is rolled back" "exit $rc: $out / $(tc -n "$ns" qdisc show dev ha)"
		fi
	fi
else
	out=$("$ctl" -N "$ns" qdisc ha rate 20mbit 2>&1)
	rc=$?
	cls=$(tc -n "$ns" class show dev ha)
	q=$(tc -n "$ns" qdisc show dev ha)
	f=$(tc -n "$ns" filter show dev ha)
	if [ $rc = 0 ] && [[ $q == *"qdisc htb 1: root"*"default 0x20"* ]] &&
	   [[ $q == *"qdisc fq_codel 20: parent 1:20"* ]]; then
		pass "htb 1: default 1:20 with fq_codel 20:"
	else
		fail "htb 1: default 1:20 with fq_codel 20:" "exit $rc: $out / $q"
	fi
	if [[ $cls == *"class htb 1:1 root rate 20Mbit ceil 20Mbit"* ]] &&
	   [[ $cls == *"class htb 1:10 parent 1:1 prio 0 rate 19Mbit ceil 20Mbit"* ]] &&
	   [[ $cls == *"class htb 1:20 parent 1:1 leaf 20: prio 1 rate 1Mbit ceil 20Mbit"* ]]; then
		pass "htb classes 1:1, 1:10 (prio 0), 1:20 (prio 1) at 20mbit"
	else
		fail "htb classes 1:1, 1:10 (prio 0), 1:20 (prio 1) at 20mbit" "$cls"
	fi
	if [[ $f == *"basic"*"flowid 1:10"* ]] && [[ $f == *"meta(priority eq 7)"* ]]; then
		pass "filter meta(priority eq 7) to 1:10"
	else
		fail "filter meta(priority eq 7) to 1:10" "$f"
	fi
	[[ $out == *"class htb 1:10 parent 1:1 prio 0 rate 19mbit ceil 20mbit"* ]] &&
		pass "htb install shows what it installed" ||
		fail "htb install shows what it installed" "$out"
	steer "htb: priority 7 goes to 1:10" 7 1:10 1:20
	steer "htb: priority 1:10 goes to 1:10" 0x10010 1:10 1:20
	steer "htb: priority 0 goes to 1:20" 0 1:20 1:10
	steer "htb: priority 6 goes to 1:20" 6 1:20 1:10

	# replacing: another rate, then prio, then back; no leftovers
	"$ctl" -N "$ns" qdisc ha rate 1gbit >/dev/null 2>&1
	cls=$(tc -n "$ns" class show dev ha)
	if [[ $cls == *"class htb 1:10 parent 1:1 prio 0 rate 950Mbit ceil 1Gbit"* ]]; then
		pass "a new rate replaces the old setup"
	else
		fail "a new rate replaces the old setup" "$cls"
	fi
	if [ $have_prio = 1 ]; then
		"$ctl" -N "$ns" qdisc ha >/dev/null 2>&1
		if tc -n "$ns" qdisc show dev ha | grep -q 'qdisc prio 1: root' &&
		   [ -z "$(tc -n "$ns" filter show dev ha)" ]; then
			pass "prio replaces htb without leftovers"
		else
			fail "prio replaces htb without leftovers" "$(tc -n "$ns" qdisc show dev ha)"
		fi
	fi
	js=$("$ctl" -N "$ns" -j qdisc ha rate 20mbit)
	if printf '%s' "$js" | "$py" -c '
import json, sys
d = json.load(sys.stdin)
c = {x["handle"]: x for x in d["classes"]}
assert d["dev"] == "ha"
assert c["1:10"]["rate"] == 19000000 and c["1:10"]["ceil"] == 20000000
assert c["1:10"]["prio"] == 0 and "packets" in c["1:10"]["stats"]
assert [f["classid"] for f in d["filters"] if f["kind"] == "basic"] == ["1:10"]
'; then
		pass "qdisc JSON"
	else
		fail "qdisc JSON" "$js"
	fi
	"$ctl" -N "$ns" qdisc ha del
	if ! tc -n "$ns" qdisc show dev ha | grep -q ' 1: root'; then
		pass "del returns to the default root"
	else
		fail "del returns to the default root" "$(tc -n "$ns" qdisc show dev ha)"
	fi
fi
[ $failures = 0 ]
