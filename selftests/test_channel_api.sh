#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The channel API, through both clients: hotlinectl and pyhotline (which
# can send what hotlinectl never would). Every field round-trips; every
# invalid request is refused with a message naming what was wrong and
# leaves the table exactly as it was; mutations need CAP_NET_ADMIN over
# the namespace, so an unprivileged user can read but not change, while
# root of its own user+net namespace manages that namespace's channels.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
HERE=$HOTLINE_ROOT/selftests
NS=hl-api-$$
NS_PY=hl-apipy-$$
tmp=$(mktemp -d /tmp/test_channel_api.XXXXXX)
chmod 755 "$tmp"
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

hl() { "$HOTLINECTL" -N "$NS" "$@"; }
dump() { hl -j channel show; }

hl_load
ip netns add "$NS"
ip netns add "$NS_PY"

# field NAME JQ: one field of channel NAME from hotlinectl's JSON.
field() { hl -j channel show "$1" | jq -c ".[0].$2"; }

# --- hotlinectl: add / show / set / del --------------------------------

check "hotlinectl add with every field" hl channel add api1 peer 198.51.100.0/24 \
	local 203.0.113.0/28 proto tcp port 443-445 dscp af41 priority 1:10 mark 0x10/0xff
got=$(hl -j channel show api1 | jq -c '.[0] | [.name, .peer, .local, .proto, .port,
	.dscp, .dscp_name, .priority, .mark, .mark_mask, .health]')
check_eq "hotlinectl show returns what was added" \
	'["api1","198.51.100.0/24","203.0.113.0/28","tcp","443-445",34,"af41","1:10","0x10","0xff",null]' \
	"$got"
# The kernel's own view, through the other client.
got=$(ip netns exec "$NS" "$PY" "$HERE/pyhotline.py" get api1 |
	jq -c '[.peer, .local, .proto, .port, .dscp, .priority, .mark, .mark_mask]')
check_eq "pyhotline sees the values hotlinectl sent" \
	'["198.51.100.0/24","203.0.113.0/28","tcp",[443,445],34,65552,16,255]' "$got"

id1=$(field api1 id)
check "hotlinectl set" hl channel set api1 dscp cs3 port none proto udp
got=$(hl -j channel show api1 | jq -c '.[0] | [.id, .peer, .local, .proto, .port, .dscp, .mark]')
check_eq "hotlinectl set changes only what is given" \
	"[$id1,\"198.51.100.0/24\",\"203.0.113.0/28\",\"udp\",null,24,\"0x10\"]" "$got"

check "hotlinectl add with defaults (bare v6 address)" hl channel add api2 peer 2001:db8::7
got=$(hl -j channel show api2 | jq -c '.[0] | [.peer, .local, .proto, .port, .dscp,
	.dscp_name, .priority, .mark, .mark_mask]')
check_eq "defaults: /128, any proto, ef, priority 7, no mark" \
	'["2001:db8::7/128",null,"any",null,46,"ef","7","0x0","0xffffffff"]' "$got"
check "hotlinectl add (third)" hl channel add api3 peer 192.0.2.0/24 proto icmp
check_eq "hotlinectl show lists all, in id order" "api1 api2 api3" \
	"$(dump | jq -r '.[].name' | xargs)"
check "hotlinectl del" hl channel del api2
check_eq "del removed exactly that channel" "api1 api3" "$(dump | jq -r '.[].name' | xargs)"
check_fails "show of a deleted channel fails" hl channel show api2

# --- hotlinectl: invalid input -----------------------------------------

# refused NAME WORD ARGS...: hotlinectl ARGS must fail (exit 1 or 2),
# say WORD (the attribute, case-insensitive) on stderr, and leave the
# table as it was ($table: the dump before it, which is the one after the
# refusal before it). Two process starts a refusal, not six: under KASAN
# each start costs a large part of a second.
table=$(dump)
refused() {
	local name=$1 word=$2 after err rc
	shift 2
	err=$(hl "$@" 2>&1 >/dev/null)
	rc=$?
	after=$(dump)
	if [ "$rc" -ne 1 ] && [ "$rc" -ne 2 ]; then
		fail "hotlinectl refuses $name" "exit status $rc (want 1 or 2)" "$err"
	elif [[ ${err,,} != *"${word,,}"* ]]; then
		fail "hotlinectl refuses $name" "message does not mention '$word'" "$err"
	else
		pass "hotlinectl refuses $name (exit $rc): ${err%%$'\n'*}"
	fi
	check_eq "hotlinectl $name: table unchanged" "$table" "$after"
	table=$after
}

refused "prefix length 33 (v4)" peer channel add x peer 10.0.0.0/33
refused "prefix length 129 (v6)" peer channel add x peer 2001:db8::/129
refused "host bits set" peer channel add x peer 10.0.0.1/24
refused "host bits set in local" local channel add x peer 10.0.0.0/8 local 10.1.1.1/24
refused "dscp 64" dscp channel add x peer 10.0.0.0/8 dscp 64
refused "an unknown dscp name" dscp channel add x peer 10.0.0.0/8 dscp af99
refused "a name of 32 bytes" name channel add "$(printf 'n%.0s' {1..32})" peer 10.0.0.0/8
refused "a name with a space" name channel add "bad name" peer 10.0.0.0/8
refused "a name with '!'" name channel add 'bad!' peer 10.0.0.0/8
refused "a missing peer" peer channel add x
refused "port range reversed" port channel add x peer 10.0.0.0/8 proto udp port 6000-5000
refused "port 0" port channel add x peer 10.0.0.0/8 proto udp port 0
refused "port 65536" port channel add x peer 10.0.0.0/8 proto udp port 65536
refused "a port with proto any" port channel add x peer 10.0.0.0/8 port 5000
refused "a port with proto icmp" port channel add x peer 10.0.0.0/8 proto icmp port 5000
refused "an unknown proto" proto channel add x peer 10.0.0.0/8 proto gre
refused "local of the other family" local channel add x peer 10.0.0.0/8 local 2001:db8::/32
refused "a mark that is not a number" mark channel add x peer 10.0.0.0/8 mark ten
refused "an unknown keyword" bogus channel add x peer 10.0.0.0/8 bogus 1
refused "a duplicate name" exist channel add api1 peer 10.0.0.0/8
refused "set of an unknown channel" "no such" channel set nope dscp 1
refused "del of an unknown channel" "no such" channel del nope
refused "set leaving a port on proto any" port channel set api1 proto any port 5000

# --- pyhotline: the same and more, straight to the kernel --------------

# report_py: turn channel_api.py's PASS/FAIL lines into ours.
report_py() {
	local kind name why n=0
	while IFS=$'\t' read -r kind name why; do
		case $kind in
		PASS) pass "pyhotline: $name"; n=$((n + 1)) ;;
		FAIL) fail "pyhotline: $name" "$why"; n=$((n + 1)) ;;
		*) echo "    $kind $name $why" ;;
		esac
	done
	[ "$n" -gt 0 ] || fail "pyhotline: $1" "channel_api.py reported nothing"
}
report_py api < <(ip netns exec "$NS_PY" "$PY" "$HERE/channel_api.py" api 2>&1)
check_eq "pyhotline checks leave the namespace empty" "[]" \
	"$("$HOTLINECTL" -N "$NS_PY" -j channel show | jq -c .)"

# --- permissions -------------------------------------------------------

before=$(dump)
check_fails "unprivileged hotlinectl add is refused" \
	ip netns exec "$NS" "${NOBODY[@]}" "$HOTLINECTL" channel add u peer 10.0.0.0/8
err=$(ip netns exec "$NS" "${NOBODY[@]}" "$HOTLINECTL" channel del api1 2>&1)
if grep -qi 'not permitted\|EPERM\|permission' <<<"$err"; then
	pass "unprivileged hotlinectl del: EPERM reported"
else
	fail "unprivileged hotlinectl del: EPERM reported" "message: $err"
fi
check_fails "unprivileged hotlinectl set is refused" \
	ip netns exec "$NS" "${NOBODY[@]}" "$HOTLINECTL" channel set api1 dscp 0
check_eq "unprivileged attempts changed nothing" "$before" "$(dump)"
check_eq "unprivileged hotlinectl show sees the channels" "$before" \
	"$(ip netns exec "$NS" "${NOBODY[@]}" "$HOTLINECTL" -j channel show)"
hl channel del api3 >/dev/null
report_py unpriv < <(ip netns exec "$NS" "${NOBODY[@]}" "$PY" \
	"$HERE/channel_api.py" unpriv api1 2>&1)

# Root of its own user and network namespace (made by an unprivileged
# user) manages that namespace's channels, invisibly to everyone else.
cat >"$tmp/userns.sh" <<EOF
set -e
"$HOTLINECTL" channel add userns peer 192.0.2.0/24
"$HOTLINECTL" -j channel show >"$tmp/inside.json"
echo added >"$tmp/state"
while [ ! -e "$tmp/go" ]; do sleep 0.1; done
"$HOTLINECTL" channel del userns
"$HOTLINECTL" -j channel show >"$tmp/after.json"
EOF
chmod 777 "$tmp"
"${NOBODY[@]}" unshare -Urn bash "$tmp/userns.sh" >"$tmp/userns.log" 2>&1 &
userns=$!
if wait_for 30 test -e "$tmp/state"; then
	check_eq "root of a user+net namespace adds a channel there" "userns" \
		"$(jq -r '.[].name' "$tmp/inside.json" | xargs)"
	if "$HOTLINECTL" -j channel show | jq -e '.[] | select(.name == "userns")' >/dev/null ||
		dump | jq -e '.[] | select(.name == "userns")' >/dev/null; then
		fail "the user namespace's channel is invisible outside" "seen from outside"
	else
		pass "the user namespace's channel is invisible outside"
	fi
	touch "$tmp/go"
	if wait "$userns"; then
		check_eq "root of a user+net namespace deletes it" "[]" "$(jq -c . "$tmp/after.json")"
	else
		fail "root of a user+net namespace deletes it" "failed" "$(cat "$tmp/userns.log")"
	fi
else
	fail "root of a user+net namespace adds a channel there" "failed" \
		"$(cat "$tmp/userns.log")"
	kill "$userns" 2>/dev/null
fi

ip netns del "$NS"
ip netns del "$NS_PY"
rm -rf "$tmp"
exit 0
