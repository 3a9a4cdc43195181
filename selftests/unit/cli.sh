#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# hotlinectl's command line without a kernel module: bad input exits 2 with
# a message naming the keyword and the value, a missing module exits 1 with
# the hint to load it, help and version work.
#
#   selftests/unit/cli.sh [PATH-TO-HOTLINECTL] [TAG]
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
ctl=${1:-$root/user/hotlinectl}
tag=${2:-}
tmp=$(mktemp -d /tmp/hotline-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS: cli: $1$tag"; }
fail() { echo "FAIL: cli: $1$tag: $2"; }

# expect NAME STATUS STDERR-SUBSTRING -- ARGS...
expect() {
	local name=$1 want_rc=$2 want_err=$3 rc
	shift 4
	"$ctl" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" != "$want_rc" ]; then
		fail "$name" "exit $rc, not $want_rc; stderr: $(head -c 300 "$tmp/err")"
	elif ! grep -qF -- "$want_err" "$tmp/err"; then
		fail "$name" "stderr lacks '$want_err': $(head -c 300 "$tmp/err")"
	else
		pass "$name"
	fi
}

# exact NAME STATUS STDERR -- ARGS...: the whole of stderr must match
exact() {
	local name=$1 want_rc=$2 want_err=$3 rc
	shift 4
	"$ctl" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" != "$want_rc" ]; then
		fail "$name" "exit $rc, not $want_rc; stderr: $(head -c 300 "$tmp/err")"
	elif [ "$(cat "$tmp/err")" != "$want_err" ]; then
		fail "$name" "stderr is '$(head -c 300 "$tmp/err")', not '$want_err'"
	else
		pass "$name"
	fi
}

# same NAME WANT GOT
same() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "got '$3', not '$2'"
	fi
}

P=198.51.100.0/24
"$ctl" genkey >"$tmp/good.key"
exact "bad dscp names value and range" 2 \
	'hotlinectl: invalid dscp "64": must be 0..63 or a name (ef, csN, afNN)' -- \
	channel add cert peer $P dscp 64
exact "host bits suggest the network" 2 \
	'hotlinectl: invalid peer "198.51.100.7/24": host bits are set; the network is 198.51.100.0/24' -- \
	channel add cert peer 198.51.100.7/24
exact "bad name" 2 \
	'hotlinectl: invalid name "no/slash": must be 1..31 characters of A-Z a-z 0-9 . _ -' -- \
	channel add no/slash peer $P
expect "bad port" 2 'invalid port "0"' -- channel add c peer $P proto tcp port 0
expect "bad priority" 2 'invalid priority "1:10000"' -- channel add c peer $P priority 1:10000
expect "bad mark" 2 'invalid mark "0x100/0xff"' -- channel add c peer $P mark 0x100/0xff
expect "bad interval" 2 'invalid interval "5"' -- channel add c peer $P probe 198.51.100.7 unauthenticated interval 5
expect "bad detect-mult" 2 'invalid detect-mult "256"' -- channel add c peer $P probe 198.51.100.7 unauthenticated detect-mult 256
expect "bad max-loss" 2 'invalid max-loss "101"' -- channel add c peer $P probe 198.51.100.7 unauthenticated max-loss 101
expect "bad probe" 2 'invalid probe "[198.51.100.7]:862"' -- channel add c peer $P probe '[198.51.100.7]:862' unauthenticated
expect "bad proto" 2 'invalid proto "gre"' -- channel add c peer $P proto gre
expect "port needs a port protocol" 2 'port needs proto tcp, udp or sctp' -- channel add c peer $P port 443
expect "unknown keyword" 2 'unknown keyword "colour" for channel add' -- channel add c peer $P colour red
expect "keyword without value" 2 'keyword "dscp" needs a value' -- channel add c peer $P dscp
expect "keyword twice" 2 'keyword "dscp" is given twice' -- channel add c peer $P dscp ef dscp 0
expect "add needs peer" 2 'channel add needs peer PREFIX' -- channel add c dscp ef
expect "add needs a name" 2 'channel add needs a NAME' -- channel add
expect "families must agree" 2 'must both be IPv4 or both IPv6' -- channel add c peer $P local 2001:db8::/32
expect "probe needs a key or unauthenticated" 2 'probe needs key-file PATH' -- channel add c peer $P probe 198.51.100.7
expect "health options need probe" 2 'health options need probe' -- channel add c peer $P interval 100
expect "key-file and unauthenticated exclude" 2 'exclude each other' -- \
	channel add c peer $P probe 198.51.100.7 unauthenticated key-file "$tmp/good.key"
expect "health none only on set" 2 'unknown keyword "health" for channel add' -- channel add c peer $P health none
expect "health none alone" 2 'health none cannot go with' -- channel set c health none interval 100
expect "set needs a change" 2 'nothing to change' -- channel set c
expect "unknown channel verb" 2 'unknown channel command "frob"' -- channel frob
expect "del needs one name" 2 'usage: channel del NAME' -- channel del a b
expect "show takes one name" 2 'usage: channel show [NAME]' -- channel show a b
# paths: every argument checked before the kernel is asked
A="local 192.0.2.1 probe 198.51.100.1 mark 0x100/0xff00"
exact "path add: bad path name" 2 \
	'hotlinectl: invalid path "a-path-name-too-long": must be 1..15 characters of A-Z a-z 0-9 . _ -' -- \
	path add cert a-path-name-too-long $A
exact "path add: local a prefix" 2 \
	'hotlinectl: invalid local "192.0.2.0/24": must be an address, not a prefix' -- \
	path add cert isp-a local 192.0.2.0/24 probe 198.51.100.1 mark 0x100
expect "path add: multicast probe" 2 'invalid probe "224.0.0.1": must be a unicast address' -- \
	path add cert isp-a local 192.0.2.1 probe 224.0.0.1 mark 0x100
expect "path add: bad probe port" 2 'invalid probe "198.51.100.1:0"' -- \
	path add cert isp-a local 192.0.2.1 probe 198.51.100.1:0 mark 0x100
expect "path add: families differ" 2 'local and probe must both be IPv4 or both IPv6' -- \
	path add cert isp-a local 192.0.2.1 probe 2001:db8::1 mark 0x100
expect "path add: needs local, probe and mark" 2 'path add needs local ADDR, probe ADDR[:PORT] and mark' -- \
	path add cert isp-a local 192.0.2.1 probe 198.51.100.1
expect "path add: bad mark" 2 'invalid mark "0x100/0xff"' -- path add cert isp-a local 192.0.2.1 probe 198.51.100.1 mark 0x100/0xff
expect "path add: pref beyond 255" 2 'invalid pref "256"' -- path add cert isp-a $A pref 256
expect "path add: bad interval" 2 'invalid interval "5"' -- path add cert isp-a $A interval 5
expect "path add: bad max-loss" 2 'invalid max-loss "101"' -- path add cert isp-a $A max-loss 101
expect "path add: keyword twice" 2 'keyword "pref" is given twice' -- path add cert isp-a $A pref 1 pref 2
expect "path add: unknown keyword" 2 'unknown keyword "colour" for path add' -- path add cert isp-a $A colour red
expect "path add: keyword without value" 2 'keyword "pref" needs a value' -- path add cert isp-a $A pref
expect "path add: a device name with a slash" 2 'invalid dev "a/b": must be a device name' -- \
	path add cert isp-a $A dev a/b
expect "path add: the main table" 2 'invalid table "254": tables 253 (default), 254 (main) and 255 (local)' -- \
	path add cert isp-a $A dev wan0 table 254
expect "path add: via a prefix" 2 'invalid via "192.0.2.0/24": must be an address' -- \
	path add cert isp-a $A dev wan0 via 192.0.2.0/24
expect "path add: via of the other family" 2 'via must be of the path'"'"'s address family' -- \
	path add cert isp-a $A dev wan0 via 2001:db8::1
expect "path add: via without dev" 2 'via needs dev: the path'"'"'s route is installed only with its device' -- \
	path add cert isp-a $A via 192.0.2.254
expect "path add: key-file and unauthenticated" 2 'exclude each other' -- \
	path add cert isp-a $A unauthenticated key-file "$tmp/good.key"
expect "path add: needs a channel and a path" 2 'path add needs a CHANNEL and a PATH name' -- path add cert
expect "path set: nothing to change" 2 'path set cert isp-a: nothing to change' -- path set cert isp-a
expect "path set: key-file is channel set's" 2 'unknown keyword "key-file" for path set' -- \
	path set cert isp-a key-file "$tmp/good.key"
expect "path set: bad detect-mult" 2 'invalid detect-mult "0"' -- path set cert isp-a detect-mult 0
expect "path del: one path only" 2 'unknown keyword "isp-b" for path del' -- path del cert isp-a isp-b
expect "path: unknown verb" 2 'unknown path command "frob"' -- path frob
expect "path: needs a verb" 2 'path needs add, set or del' -- path
expect "channel add: failback beyond 600 s" 2 'invalid failback "601s"' -- channel add c peer $P failback 601s
expect "channel add: revertive not yes or no" 2 'invalid revertive "maybe": must be yes or no' -- \
	channel add c peer $P revertive maybe
expect "qdisc needs a device" 2 'qdisc needs a device' -- qdisc
expect "qdisc bad rate" 2 'invalid rate "20mbt"' -- qdisc lo rate 20mbt
expect "qdisc rate needs a value" 2 'keyword "rate" needs a value' -- qdisc lo rate
expect "qdisc unknown keyword" 2 'unknown keyword "frob" for qdisc' -- qdisc lo frob
expect "qdisc bad device name" 2 'invalid device' -- qdisc a-name-far-too-long-for-linux
expect "unknown command" 2 'unknown command "frob"' -- frob
expect "unknown option" 2 'unknown option "-x"' -- -x channel
expect "-N needs a value" 2 'option -N needs' -- -N
expect "no command" 2 'Usage: hotlinectl' --
expect "genkey takes no arguments" 2 'genkey takes no arguments' -- genkey now

echo "this is not a key" >"$tmp/bad.key"
chmod 600 "$tmp/bad.key"
expect "garbage key file names the file" 2 "invalid key-file \"$tmp/bad.key\": it must hold the base64 of a 32-byte key" -- \
	channel add c peer $P probe 198.51.100.7 key-file "$tmp/bad.key"
# genkey > FILE: the shell makes FILE with its umask (0644 here); genkey
# makes it private before writing the key, and key-file takes it
(umask 022 && "$ctl" genkey >"$tmp/made.key")
mode=$(stat -c %a "$tmp/made.key")
if [ "$mode" = 600 ] && [ "$(wc -c <"$tmp/made.key")" = 45 ]; then
	pass "genkey > FILE under umask 022 makes FILE 0600"
else
	fail "genkey > FILE under umask 022 makes FILE 0600" "mode $mode, $(wc -c <"$tmp/made.key") bytes"
fi
cp "$tmp/made.key" "$tmp/open.key"
for m in 644 640 604 660; do
	chmod "$m" "$tmp/open.key"
	expect "a key file of mode $m is refused" 2 \
		"invalid key-file \"$tmp/open.key\": it is open to group or others (mode 0$m): chmod 600 it" -- \
		channel add c peer $P probe 198.51.100.7 key-file "$tmp/open.key"
done
# genkey's private output is taken: it gets as far as the missing module
chmod 600 "$tmp/open.key"
"$ctl" channel add c peer $P probe 198.51.100.7 key-file "$tmp/open.key" >/dev/null 2>"$tmp/err"
if ! grep -q 'key-file' "$tmp/err"; then
	pass "a key file of mode 600 is taken"
else
	fail "a key file of mode 600 is taken" "$(head -c 300 "$tmp/err")"
fi
if [ "$(id -u)" = 0 ]; then
	chown 65534 "$tmp/open.key"
	expect "a key file of another user is refused" 2 \
		"invalid key-file \"$tmp/open.key\": it belongs to uid 65534, neither root nor us: chown it" -- \
		channel add c peer $P probe 198.51.100.7 key-file "$tmp/open.key"
fi
expect "missing key file names the file" 2 "invalid key-file \"$tmp/none.key\": cannot open it" -- \
	channel add c peer $P probe 198.51.100.7 key-file "$tmp/none.key"

# help comes from the one command table
"$ctl" help >"$tmp/help" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q '^  channel' "$tmp/help" && grep -q '^  qdisc DEV' "$tmp/help" &&
   grep -q '^  genkey' "$tmp/help" && grep -q '^  version' "$tmp/help"; then
	pass "help lists the commands"
else
	fail "help lists the commands" "exit $rc: $(head -c 300 "$tmp/help")"
fi
"$ctl" help channel >"$tmp/h1" 2>&1
"$ctl" channel help >"$tmp/h2" 2>&1
if grep -q 'channel add NAME peer PREFIX' "$tmp/h1" && cmp -s "$tmp/h1" "$tmp/h2"; then
	pass "help channel and channel help agree"
else
	fail "help channel and channel help agree" "$(head -c 200 "$tmp/h1")"
fi
expect "help of an unknown command" 2 'no help for "frob"' -- help frob
expect "guard watch: hold not a number" 2 'invalid hold "soon"' -- guard watch wan0 hold soon
expect "guard watch: hold over a day" 2 'invalid hold "86401"' -- guard watch wan0 hold 86401
expect "guard watch: a word it does not know" 2 'usage: guard watch DEV [hold SECS]' -- \
	guard watch wan0 linger 5

# genkey: 32 random bytes in base64, accepted by key-file
k1=$("$ctl" genkey)
k2=$("$ctl" genkey)
if [[ $k1 =~ ^[A-Za-z0-9+/]{43}=$ ]] && [ "$(printf '%s' "$k1" | base64 -d | wc -c)" = 32 ] &&
   [ "$k1" != "$k2" ]; then
	pass "genkey prints a new 32-byte key in base64"
else
	fail "genkey prints a new 32-byte key in base64" "'$k1' '$k2'"
fi

"$ctl" version >"$tmp/out" 2>&1
if grep -q '^hotlinectl ' "$tmp/out" && grep -q '^hotline module ' "$tmp/out"; then
	pass "version names both versions"
else
	fail "version names both versions" "$(cat "$tmp/out")"
fi

expect "missing netns" 1 'network namespace "hotline-no-such-ns" not found' -- \
	-N hotline-no-such-ns channel show

# ---- systemd-generator: the drop-in that waits for each interface's ----
# ---- device and wants each auto guard's watch                         ----
gen=$tmp/gen
dropin=$gen/hotline.service.d/50-interfaces.conf
expect "systemd-generator without DIR" 2 'systemd-generator needs DIR' -- systemd-generator
expect "systemd-generator with too much" 2 'systemd-generator needs DIR' -- \
	systemd-generator "$gen" "$tmp/x.conf" extra
# no_dropin NAME: the generator wrote nothing into $gen
no_dropin() {
	if [ -e "$gen/hotline.service.d" ]; then
		fail "$1" "$(ls -R "$gen"; cat "$dropin" 2>/dev/null)"
	else
		pass "$1"
	fi
}
mkdir -p "$gen"
exact "systemd-generator: no file, nothing wanted" 0 "" -- systemd-generator "$gen" "$tmp/none.conf"
no_dropin "systemd-generator: no file writes nothing"
printf '[Channel c]\nPeer = %s\nProbe = 198.51.100.7\nKeyFile = %s\n\n[Interface wan0]\nGuard = auto\nGuardRate = 500\n\n[Interface lan0]\nQdisc = prio\nGuard = enforce\n\n[Interface wan-1.2]\nGuard = auto\n' \
	"$P" "$tmp/no-such.key" >"$tmp/gen.conf"
exact "systemd-generator: a good file (its key file unread)" 0 "" -- systemd-generator "$gen" "$tmp/gen.conf"
want="# Written by hotline-generator from $tmp/gen.conf: the channels wait
# for each [Interface DEV]'s device; Guard = auto there gets
# its guard watch with them.
[Unit]
Wants=sys-subsystem-net-devices-wan0.device
After=sys-subsystem-net-devices-wan0.device
Wants=sys-subsystem-net-devices-lan0.device
After=sys-subsystem-net-devices-lan0.device
Wants=sys-subsystem-net-devices-wan\x2d1.2.device
After=sys-subsystem-net-devices-wan\x2d1.2.device
Wants=hotline-guard@wan0.service
Wants=hotline-guard@wan-1.2.service"
if [ "$(cat "$dropin" 2>&1)" = "$want" ]; then
	pass "systemd-generator: hotline.service waits for each interface's device, wants the watch of each auto guard, no other"
else
	fail "systemd-generator: hotline.service waits for each device, wants the watch of each auto guard" \
		"$(diff <(echo "$want") "$dropin" 2>&1)"
fi
# the device units as systemd names them (systemd-escape --path)
if command -v systemd-escape >/dev/null; then
	got=$(sed -n 's/^After=//p' "$dropin" | paste -sd' ')
	exp=$(for d in wan0 lan0 wan-1.2; do
		echo "$(systemd-escape --path "/sys/subsystem/net/devices/$d").device"; done | paste -sd' ')
	same "systemd-generator: device units named as systemd-escape names them" "$exp" "$got"
fi
rm -rf "$gen" && mkdir -p "$gen"
printf '[Channel c]\nPeer = %s\n' "$P" >"$tmp/gen1.conf"
exact "systemd-generator: no [Interface] section" 0 "" -- systemd-generator "$gen" "$tmp/gen1.conf"
no_dropin "systemd-generator: no [Interface] section, no drop-in"
printf '[Interface wan0]\nGuard = enforce\n' >"$tmp/gen2.conf"
exact "systemd-generator: no auto guard" 0 "" -- systemd-generator "$gen" "$tmp/gen2.conf"
same "systemd-generator: no auto guard, the device waited for, no watch" \
	"Wants=sys-subsystem-net-devices-wan0.device|After=sys-subsystem-net-devices-wan0.device" \
	"$(grep -v '^#\|^\[' "$dropin" | paste -sd'|')"
rm -rf "$gen" && mkdir -p "$gen"
printf '[Interface wan0]\nGuard = auto\n\n[Interface lan0]\nGuard = sometimes\n' >"$tmp/gen3.conf"
exact "systemd-generator: a broken file wants nothing, its errors printed" 1 \
	"$tmp/gen3.conf:5: invalid Guard \"sometimes\": must be none (no guard) or a guard mode: off, monitor, enforce or auto
hotlinectl: systemd-generator: $tmp/gen3.conf: 1 error, nothing wanted" -- \
	systemd-generator "$gen" "$tmp/gen3.conf"
no_dropin "systemd-generator: a broken file writes nothing"
printf '[Interface wan@1]\nGuard = auto\n' >"$tmp/gen4.conf"
exact "systemd-generator: a name no unit instance carries is named and left out" 0 \
	"hotlinectl: systemd-generator: $tmp/gen4.conf:1: [Interface wan@1]: not a name hotline-guard@.service can carry (letters, digits, _ - . only); no guard watch for it" -- \
	systemd-generator "$gen" "$tmp/gen4.conf"
same "systemd-generator: its device waited for all the same (escaped), no watch" \
	'Wants=sys-subsystem-net-devices-wan\x401.device|After=sys-subsystem-net-devices-wan\x401.device' \
	"$(grep -v '^#\|^\[' "$dropin" | paste -sd'|')"

# Without the module: exit 1 and the hint. Skipped where it is loaded.
if [ -e /sys/module/hotline ]; then
	echo "SKIP: cli: commands without the module$tag: the hotline module is loaded here"
else
	nl='hotlinectl: hotline module not loaded: modprobe hotline (or: modprobe -a udp_tunnel ip6_udp_tunnel && insmod hotline.ko)'
	exact "channel show without the module" 1 "$nl" -- channel show
	exact "plain channel is show" 1 "$nl" -- channel
	exact "channel show -j without the module" 1 "$nl" -- -j channel show cert
	exact "channel del without the module" 1 "$nl" -- channel del cert
	exact "path add without the module" 1 "$nl" -- path add cert isp-a $A pref 10
	exact "path set without the module" 1 "$nl" -- path set cert isp-a interval default
	exact "path del without the module" 1 "$nl" -- path del cert isp-a
	exact "a genkey key file is accepted" 1 "$nl" -- \
		channel add c peer $P probe 198.51.100.7 key-file "$tmp/good.key"
	if "$ctl" version | grep -q '^hotline module not loaded$'; then
		pass "version says the module is not loaded"
	else
		fail "version says the module is not loaded" "$("$ctl" version)"
	fi
fi
