#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run the selftests inside the VM: every selftests/test_*.sh, or only
# those named in HOTLINE_TESTS (space-separated, with or without .sh),
# one at a time, each under a time limit (HOTLINE_TEST_TIMEOUT seconds,
# default 600).  Their PASS/FAIL/SKIP lines pass through; a script that
# exits non-zero without a FAIL line, or runs out of time, gets one here.
# Between scripts stray namespaces are removed and hotline.ko is
# unloaded, so no test sees another's leftovers; a module that will not
# unload is a FAIL.  Before unloading, every object the module counts in
# debugfs (channels, sessions, sockets, timers, pending RCU frees...) must
# have been freed: what a test leaves behind once its namespaces are gone
# is a leak, and a FAIL.  Exits non-zero if anything failed.

here=$(cd "$(dirname "$0")" && pwd)
limit=${HOTLINE_TEST_TIMEOUT:-600}
failed=0
passes=0 fails=0 skips=0

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
	failed=1
}

tests=()
if [ -n "${HOTLINE_TESTS:-}" ]; then
	for t in $HOTLINE_TESTS; do
		t=${t##*/}
		t=${t%.sh}.sh
		if [ ! -r "$here/$t" ]; then
			fail "run_all: no test script selftests/$t (from HOTLINE_TESTS)"
			continue
		fi
		tests+=("$here/$t")
	done
else
	for t in "$here"/test_*.sh; do
		[ -r "$t" ] && tests+=("$t")
	done
fi

[ ${#tests[@]} -gt 0 ] || fail "run_all: no test scripts to run in $here"

# QEMU's TCG does not make cross-vCPU code patching safe: when the last
# netfilter hook of a family went away (rmmod hotline under traffic), the
# kernel flipped the nf_hooks_needed static key while the other vCPU ran
# ip_rcv, and that vCPU hit the patch's int3 after it was gone: an Oops
# on 6.12. One idle base chain per hook, for the whole suite, keeps those
# keys on, so no test flips them; the hooks hotline registers and removes
# are the same as on real hardware.
if ! out=$(nft -f - 2>&1 <<'NFT'
table inet hotline_selftest_keepalive {
	chain c_pre { type filter hook prerouting priority 0; policy accept; }
	chain c_in { type filter hook input priority 0; policy accept; }
	chain c_fw { type filter hook forward priority 0; policy accept; }
	chain c_out { type filter hook output priority 0; policy accept; }
	chain c_post { type filter hook postrouting priority 0; policy accept; }
}
NFT
); then
	fail "run_all: could not install the static-key keepalive chains: $out"
fi

# The same for keys that sockets hold: ping and probe_stream turn socket
# timestamps on and off (netstamp_needed_key, patched at the top of
# __netif_receive_skb_core and netif_rx_internal: int3 Oopses there on
# 6.12), and every netns's first and last health session creates and
# closes hotline's UDP tunnel sockets (udp_encap_needed_key and its IPv6
# twin, in udp_queue_rcv_skb). One process holds a socket with
# SO_TIMESTAMP and one UDP-encap socket per family for the whole suite.
# Python names neither option: SO_TIMESTAMP(_OLD) is 29 and UDP_ENCAP
# 100 on x86; the encapsulation is UDP_ENCAP_L2TPINUDP (3), the one every
# kernel takes (ESP-in-UDP needs CONFIG_XFRM, which the debug kernel has
# not), with no receive hook: an unbound socket receives nothing anyway.
keys_ready=$(mktemp /tmp/run_all_keys.XXXXXX)
/usr/bin/python3 -c 'import socket, sys, time
held = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM)]
held[0].setsockopt(socket.SOL_SOCKET, 29, 1)
for family in (socket.AF_INET, socket.AF_INET6):
    held.append(socket.socket(family, socket.SOCK_DGRAM))
    held[-1].setsockopt(socket.IPPROTO_UDP, 100, 3)
with open(sys.argv[1], "w") as f:
    f.write("held\n")
time.sleep(1 << 30)' "$keys_ready" </dev/null >/dev/null 2>"$keys_ready.err" &
keys_keepalive=$!
trap 'kill "$keys_keepalive" 2>/dev/null; rm -f "$keys_ready" "$keys_ready.err"' EXIT
for _ in $(seq 300); do
	[ -s "$keys_ready" ] && break
	kill -0 "$keys_keepalive" 2>/dev/null || break
	sleep 0.1
done
[ -s "$keys_ready" ] ||
	fail "run_all: the socket static-key keepalive did not start: $(cat "$keys_ready.err")"

objects=/sys/kernel/debug/hotline/objects

# leftover_objects: the counts in $objects that are not zero, as
# "name value, name value"; nothing when all are zero.
leftover_objects() {
	if [ ! -r "$objects" ]; then
		echo "cannot read $objects"
		return
	fi
	awk '$2 != 0 { printf "%s%s %s", sep, $1, $2; sep = ", " }' "$objects"
}

# wait_objects_freed SECONDS: until every count is zero, or print those
# that are not and fail. Deleted namespaces are torn down by a kernel
# worker (cleanup_net) after `ip netns delete` has returned, and frees
# wait for RCU grace periods, so this may take a moment.
wait_objects_freed() {
	local end=$((SECONDS + $1)) left
	while :; do
		left=$(leftover_objects)
		[ -z "$left" ] && return 0
		[ "$SECONDS" -ge "$end" ] && break
		sleep 0.2
	done
	echo "$left"
	return 1
}

# lib.sh's cleanup leaves the module loaded for the check below.
export HOTLINE_KEEP_LOADED=1

# In the VM, each test that has finished is named in the runner's "done"
# file with how it ended: when the emulator faults, the runner runs this
# again (selftests/vm/run) and the tests named there are not run twice.
done_file=
[ -f /run/hotline-vm/done ] && [ -w /run/hotline-vm/done ] &&
	done_file=/run/hotline-vm/done

log=$(mktemp /tmp/run_all.XXXXXX)
for t in "${tests[@]}"; do
	name=${t##*/}
	name=${name%.sh}
	if [ -n "$done_file" ] &&
	   prev=$(awk -v n="$name" '$1 == n { print $2; f = 1; exit } END { exit !f }' "$done_file"); then
		echo "run_all: $name ran before the emulator fault ($prev): not run again" >&2
		[ "$prev" = ok ] || failed=1
		continue
	fi
	failed_before=$fails
	t0=$SECONDS
	timeout -k 10 "$limit" bash "$t" </dev/null 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	echo "run_all: $name took $((SECONDS - t0))s" >&2
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		fail "$name: timed out after ${limit}s"
	elif [ "$rc" -ne 0 ]; then
		failed=1
		grep -q '^FAIL:' "$log" || fail "$name: exited $rc"
	fi
	# Namespaces first, since their teardown frees their channels; then
	# the counts, before rmmod would free any leftovers and hide them.
	ip -all netns delete 2>/dev/null
	if [ -d /sys/module/hotline ]; then
		if ! left=$(wait_objects_freed 30); then
			fail "$name: leaked objects after cleanup: $left"
		fi
		if ! out=$(rmmod hotline 2>&1); then
			fail "$name: left hotline.ko loaded and it would not unload: $out"
		fi
	fi
	passes=$((passes + $(grep -c '^PASS:' "$log")))
	fails=$((fails + $(grep -c '^FAIL:' "$log")))
	skips=$((skips + $(grep -c '^SKIP:' "$log")))
	if [ -n "$done_file" ]; then
		if [ "$fails" -eq "$failed_before" ] && [ "$rc" -eq 0 ]; then
			echo "$name ok" >>"$done_file"
		else
			echo "$name failed" >>"$done_file"
		fi
	fi
done
rm -f "$log"
echo "run_all on $(uname -r): $passes passed, $fails failed, $skips skipped (${#tests[@]} scripts)" >&2
exit "$failed"
