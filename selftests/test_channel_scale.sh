#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# 10,000 channels in one namespace (IPv4 and IPv6, hosts and prefixes of
# several lengths): a few hundred added with hotlinectl, the rest through
# pyhotline in one process; both clients then dump the table completely
# (every channel, each once, with its peer; pyhotline's socket with a
# struct decoder, as pyroute2's own takes minutes for this in the VM),
# and after deleting them all
# (again through both) both dumps are empty. Each phase prints its time.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
HERE=$HOTLINE_ROOT/selftests
TOTAL=${HOTLINE_SCALE_CHANNELS:-10000}
# Debug form: the same table paths (rhashtable growth, dumps across
# messages, bulk delete) with fewer channels, as KASAN under TCG makes
# each request ~15 times dearer.
[ "$HL_DEBUG_KERNEL" = 1 ] && TOTAL=${HOTLINE_SCALE_CHANNELS:-250}
BY_CTL=200	# added and deleted one by one with hotlinectl
# each of those is a process start, the dearest part under KASAN (half a
# second each: 80 took 41 s each way on 12-02); 40 run the same requests
[ "$HL_DEBUG_KERNEL" = 1 ] && BY_CTL=40
NS=hl-scale-$$
tmp=$(mktemp -d /tmp/test_channel_scale.XXXXXX)

hl() { "$HOTLINECTL" -N "$NS" "$@"; }
api() { ip netns exec "$NS" "$PY" "$HERE/channel_api.py" "$@"; }

# timed NAME CMD...: run CMD, report its wall time next to PASS/FAIL.
timed() {
	local name=$1 t0 out rc
	shift
	t0=$(date +%s.%N)
	out=$("$@" 2>&1)
	rc=$?
	name="$name ($(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'))"
	if [ "$rc" -eq 0 ]; then
		pass "$name"
		[ -n "$out" ] && tail -n 1 <<<"$out" | sed 's/^/    /'
	else
		fail "$name" "exited $rc" "$(tail -n 15 <<<"$out")"
	fi
	return "$rc"
}

hl_load
ip netns add "$NS"

api gen "$TOTAL" "$tmp/all" || { fail "generate" "channel_api.py gen failed"; exit 1; }
head -n "$BY_CTL" "$tmp/all" >"$tmp/ctl"
tail -n +"$((BY_CTL + 1))" "$tmp/all" >"$tmp/py"
sort "$tmp/all" >"$tmp/want"

add_by_ctl() {
	local name peer
	while read -r name peer; do
		hl channel add "$name" peer "$peer" || return 1
	done <"$tmp/ctl"
}
del_by_ctl() {
	local name peer
	while read -r name peer; do
		hl channel del "$name" || return 1
	done <"$tmp/ctl"
}

timed "add $BY_CTL channels with hotlinectl" add_by_ctl
timed "add $((TOTAL - BY_CTL)) channels with pyhotline (batched)" api add "$tmp/py"

timed "dump with pyhotline" sh -c "ip netns exec '$NS' '$PY' '$HERE/channel_api.py' names >'$tmp/py.dump'"
sort "$tmp/py.dump" >"$tmp/py.sorted"
check_eq "pyhotline dump: $TOTAL channels" "$TOTAL" "$(wc -l <"$tmp/py.sorted")"
check_eq "pyhotline dump: no channel twice" "0" "$(cut -d' ' -f1 "$tmp/py.sorted" | uniq -d | wc -l)"
if cmp -s "$tmp/want" "$tmp/py.sorted"; then
	pass "pyhotline dump: exactly the (name, peer) pairs added"
else
	fail "pyhotline dump: exactly the (name, peer) pairs added" "differs (- added, + dumped)" \
		"$(diff "$tmp/want" "$tmp/py.sorted" | grep '^[<>]' | head -n 10)"
fi

timed "dump with hotlinectl -j" sh -c "'$HOTLINECTL' -N '$NS' -j channel show >'$tmp/ctl.json'"
jq -r '.[] | "\(.name) \(.peer)"' "$tmp/ctl.json" | sort >"$tmp/ctl.sorted"
check_eq "hotlinectl dump: $TOTAL channels" "$TOTAL" "$(wc -l <"$tmp/ctl.sorted")"
if cmp -s "$tmp/want" "$tmp/ctl.sorted"; then
	pass "hotlinectl dump: exactly the (name, peer) pairs added"
else
	fail "hotlinectl dump: exactly the (name, peer) pairs added" "differs (- added, + dumped)" \
		"$(diff "$tmp/want" "$tmp/ctl.sorted" | grep '^[<>]' | head -n 10)"
fi
check_eq "hotlinectl dump: ids unique and ascending" "ok" \
	"$(jq -r '[.[].id] as $i | if ($i == ($i | unique)) then "ok" else "no" end' "$tmp/ctl.json")"

timed "del $BY_CTL channels with hotlinectl" del_by_ctl
timed "del $((TOTAL - BY_CTL)) channels with pyhotline (batched)" api del "$tmp/py"
check_eq "pyhotline dump empty after deleting all" "0" "$(api names | wc -l)"
check_eq "hotlinectl dump empty after deleting all" "[]" "$(hl -j channel show | jq -c .)"

ip netns del "$NS"
rm -rf "$tmp"
exit 0
