#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A gateway set up as an admin sets one up, under a real systemd: the
# guest boots Debian's systemd as PID 1 (selftests/vm/run --systemd) on a
# writable overlay of the host root, and this test runs as its unit.
#
#   packages  the root is the one selftests/systemd/pkgroot.sh made on the
#             host: dpkg -i of build/deb's hotline-dkms and hotlinectl in
#             a chroot, DKMS building hotline.ko for every kernel there
#             (natively: seconds, where this guest takes two minutes a
#             kernel and a minute for each depmod). Here: DKMS's module
#             for the running kernel is the one modprobe finds and loads,
#             the versions agree, the units and the conffile are in place
#   units     systemd-analyze verify, and security's exposure of each
#             unit under its budget; hotline.service started brings up
#             the channels, the qdisc and the guard hotline.conf names;
#             reload applies an edited file with only its changes; a
#             broken file fails the reload with FILE:LINE errors in the
#             journal and changes nothing; hotline-monitor writes health
#             events to the journal; Guard = auto in the file makes
#             hotline.service start hotline-guard@wan0 (hotline-generator),
#             which watches the guard; stop leaves the hotline running
#             (docs/packaging.md)
#   boot      everything torn down (module, qdisc, guard, wan0 itself),
#             then hotline started from nothing as at boot: it waits for
#             wan0's device unit (hotline-generator's After=) with nothing
#             applied; wan0 made, the file's channels, qdisc, guard and the
#             guard's watch are back
#   upgrade   hotlinectl one version up (selftests/systemd/nextdeb.sh)
#             over the running channels, its maintainer scripts talking to
#             this systemd: hotline.service neither stopped nor
#             restarted, the loaded module and its channels untouched, the
#             admin's edited hotline.conf kept
#   purge     hotlinectl purged: config, binary and units gone, no unit
#             stopped
#
# hotline-dkms's own upgrade (DKMS building the new module for each
# kernel, the old one removed) and purge are checked in the chroot, by
# selftests/host/test_deb.sh; make stress (HOTLINE_GATEWAY_DKMS=1) runs
# them here as well, beside the loaded module: it stays until the admin
# asks (rmmod, restart), the new one waiting on disk, then running.
if [ ! -r /run/hotline-vm/root ]; then
	self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
	echo "${0##*/}: not inside the selftest VM; running it there under systemd" >&2
	vmargs=()
	if [ "${1:-}" = --kver ] && [ $# -ge 2 ]; then
		vmargs=(--kver "$2")
		shift 2
	fi
	layer=${HOTLINE_PKG_LAYERS:-/dev/shm/hotline-pkgroot}/installed
	if ! plog=$("$(dirname "$0")/pkgroot.sh" --installed "$layer" 2>&1); then
		echo "FAIL: test_gateway: the packages installed in a chroot of the host: $(tail -n 1 <<<"$plog")"
		tail -n 20 "$layer/log" 2>/dev/null | sed 's/^/    /'
		exit 1
	fi
	echo "$plog" >&2
	exec "$(dirname "$0")/../vm/run" --systemd --layer "$layer" "${vmargs[@]}" -- "$self" "$@"
fi
. "$(dirname "$0")/../lib.sh"

debs=$HOTLINE_ROOT/build/deb
kver=$(uname -r)
arch=$(dpkg --print-architecture)
conf=/etc/hotline/hotline.conf
tmp=$(mktemp -d /tmp/test_gateway.XXXXXX)
# the units' exposure budgets (systemd-analyze security, 0 best .. 10),
# a little above what they score: root (the keys, the pins), netlink,
# and for hotline.service module loading and bpf(2)
declare -A EXPOSURE_MAX=([hotline.service]=2.5 [hotline-monitor.service]=1.5
	[hotline-guard@wan0.service]=2.0)
if [ "$(cat /proc/1/comm)" != systemd ]; then
	fail "systemd is PID 1" "PID 1 is $(cat /proc/1/comm): run it with selftests/vm/run --systemd"
	exit 1
fi
pass "systemd $(systemctl --version | sed -n '1s/^systemd \([0-9]*\).*/\1/p') is PID 1"
dkms_deb=$(find "$debs" -maxdepth 1 -name 'hotline-dkms_*_all.deb' 2>/dev/null)
ctl_deb=$(find "$debs" -maxdepth 1 -name "hotlinectl_*_$arch.deb" 2>/dev/null)
if [ ! -f "$dkms_deb" ] || [ ! -f "$ctl_deb" ]; then
	fail "the packages" "no hotline-dkms and hotlinectl .deb in $debs: run 'make deb'" \
		"$(ls "$debs" 2>&1)"
	exit 1
fi
ver=$(dpkg-deb -f "$ctl_deb" Version)
modver=$(dpkg-deb --fsys-tarfile "$dkms_deb" |
	tar -xOf - --wildcards './usr/src/hotline-*/dkms.conf' |
	sed -n 's/.*HOTLINE_VERSION=\([^ ]*\) .*/\1/p')

# journal UNIT: what UNIT logged since the test began
t_start=$(date '+%Y-%m-%d %H:%M:%S')
journal() { journalctl --no-pager -o cat -u "$1" --since "$t_start" 2>&1; }
# journal_has UNIT REGEX: UNIT logged a line matching REGEX. journald
# takes a unit's output through a stream: wait for it with wait_for.
journal_has() { journal "$1" | grep -q -- "$2"; }
names() { hotlinectl -j channel show | jq -r '.[].name' | sort | xargs; }
# dpkg_timed TITLE ARGS...: dpkg, its time in the title and each line of
# its output with the second it came (where the time of a trigger goes)
dpkg_timed() {
	local title=$1 t0=$SECONDS rc
	shift
	DEBIAN_FRONTEND=noninteractive dpkg "$@" </dev/null >"$tmp/dpkg.out" 2>&1 &
	local pid=$!
	: >"$tmp/dpkg.lines"
	tail -n +1 -f --pid="$pid" "$tmp/dpkg.out" 2>/dev/null | while IFS= read -r l; do
		printf '    dpkg +%ds: %s\n' $((SECONDS - t0)) "$l"
	done >"$tmp/dpkg.lines"
	wait "$pid"
	rc=$?
	grep -v '^    dpkg +[0-9]*s: *$' "$tmp/dpkg.lines"
	if [ "$rc" -eq 0 ]; then
		pass "$title ($((SECONDS - t0)) s)"
	else
		fail "$title" "dpkg $* failed"
		exit 1
	fi
}
modversion() { cat /sys/module/hotline/version 2>&1; }

# ---- packages ----
# man-db's trigger reindexes every manual page (minutes under TCG); the
# index is not what is tested here
rm -f /var/lib/man-db/auto-update
check_eq "the root as the chroot left it: both packages installed at $ver" \
	"install ok installed $ver|install ok installed $ver" \
	"$(dpkg-query -W -f '${Status} ${Version}\n' hotline-dkms hotlinectl 2>&1 | paste -sd'|')"
check_eq "dkms status: hotline $ver installed for $kver" 1 \
	"$(dkms status hotline 2>&1 | grep -c "^hotline/$ver, $kver, [^:]*: installed")"
check_eq "hotline.ko in /lib/modules/$kver/updates/dkms, version $modver" \
	"/lib/modules/$kver/updates/dkms/hotline.ko $modver" \
	"$(modinfo -n hotline 2>&1 | sed 's/\.xz$//; s/\.zst$//') $(modinfo -F version hotline 2>&1)"
missing=
for f in /usr/sbin/hotlinectl "$conf" /lib/systemd/system/hotline.service \
	/lib/systemd/system/hotline-monitor.service /lib/systemd/system/hotline-guard@.service \
	/usr/share/man/man8/hotlinectl.8.gz /usr/share/man/man5/hotline.conf.5.gz \
	/usr/share/bash-completion/completions/hotlinectl; do
	[ -e "$f" ] || missing+=" $f"
done
check_eq "hotlinectl installed its binary, config, units, manual pages and completion" "" "$missing"
check_eq "hotline.service enabled, not started by the install" "enabled inactive" \
	"$(systemctl is-enabled hotline.service) $(systemctl is-active hotline.service)"
check_eq "the module not loaded by the install" "no" "$(hl_is_loaded && echo yes || echo no)"

# ---- the units, statically ----
out=$(systemd-analyze verify hotline.service hotline-monitor.service hotline-guard@wan0.service 2>&1)
check_eq "systemd-analyze verify: nothing to say about the units" "" "$out"
for u in "${!EXPOSURE_MAX[@]}"; do
	e=$(systemd-analyze security "$u" 2>&1 | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	if [ -n "$e" ] && awk -v e="$e" -v m="${EXPOSURE_MAX[$u]}" 'BEGIN { exit !(e <= m) }'; then
		pass "systemd-analyze security $u: exposure $e (at most ${EXPOSURE_MAX[$u]})"
	else
		fail "systemd-analyze security $u: exposure at most ${EXPOSURE_MAX[$u]}" "got '${e:-none}'" \
			"$(systemd-analyze security "$u" 2>&1 | grep '✗' | head -n 15)"
	fi
done

# ---- hotline.service ----
ip link add wan0 type veth peer name wan0p && ip link set wan0 up && ip link set wan0p up
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
cp "$conf" "$tmp/example.conf"
cat >>"$conf" <<'EOF'

[Channel cert]
Peer = 192.0.2.0/24
DSCP = ef

[Channel noc]
Peer = 198.51.100.0/24
DSCP = af41

[Interface wan0]
Qdisc = htb
Rate = 100mbit
Guard = auto
GuardRate = 20000
EOF
# up_as_file NAMES: the channels (NAMES), qdisc and guard the file names
up_as_file() {
	[ "$(names)" = "$1" ] &&
		tc qdisc show dev wan0 | grep -q '^qdisc htb 1: root' &&
		[ "$(hotlinectl -j guard show wan0 | jq -r '.[0].mode')" = auto ]
}
# the generator reads the file at every daemon-reload (and boot)
check "systemctl daemon-reload (hotline-generator reads the file)" systemctl daemon-reload
check_eq "hotline.service wants hotline-guard@wan0 (Guard = auto in the file)" 1 \
	"$(systemctl show -p Wants --value hotline.service | tr ' ' '\n' | grep -cx 'hotline-guard@wan0.service')"
check_eq "hotline.service waits for wan0's device unit ([Interface wan0] in the file)" "1 1" \
	"$(for p in Wants After; do systemctl show -p $p --value hotline.service | tr ' ' '\n' |
		grep -cx 'sys-subsystem-net-devices-wan0.device'; done | paste -sd ' ')"
t0=$SECONDS
check "systemctl start hotline" systemctl start hotline
echo "    started in $((SECONDS - t0)) s"
check_eq "hotline.service loaded the DKMS module ($modver)" "$modver" "$(modversion)"
check_eq "hotlinectl version: tool and module agree" "hotlinectl $modver|hotline module $modver" \
	"$(hotlinectl version | paste -sd '|')"
if up_as_file "cert noc"; then
	pass "hotline.service brought up the file's channels (cert noc), htb on wan0 and the guard in auto"
else
	fail "hotline.service brought up the file's channels, qdisc and guard" \
		"channels '$(names)'" "$(tc qdisc show dev wan0; hotlinectl guard show wan0 2>&1; journal hotline.service)"
fi

# reload: one changed key, one channel more; cert untouched
sed -i 's/^DSCP = af41$/DSCP = cs3/' "$conf"
printf '\n[Channel ops]\nPeer = 203.0.113.0/24\n' >>"$conf"
check "systemctl reload hotline (an edited file)" systemctl reload hotline
wait_for 10 journal_has hotline.service '^+ add ops'
j=$(journal hotline.service)
check_eq "reload applied only the changes" \
	"~ set noc DSCP: af41 -> cs3|+ add ops peer 203.0.113.0/24 dscp ef priority 7" \
	"$(grep -E '^[-~+] ' <<<"$j" | grep -v '^~ interface\|^+ add cert\|^+ add noc' | paste -sd '|')"
check_eq "the channels after reload" "cert noc ops" "$(names)"

# a broken file: reload fails, the journal names FILE:LINE, nothing changes
cp "$conf" "$tmp/good.conf"
before=$(hotlinectl -j channel show | jq -c 'map({name, dscp})')
printf '\n[Channel bad]\nPeer = 192.0.2.300/24\nColour = blue\n' >>"$conf"
line=$(grep -n '^Peer = 192.0.2.300/24$' "$conf" | cut -d: -f1)
if systemctl reload hotline 2>/dev/null; then
	fail "reload of a broken file fails" "systemctl reload succeeded"
else
	pass "reload of a broken file fails"
fi
wait_for 10 journal_has hotline.service "^$conf:$((line + 1)): "
j=$(journal hotline.service)
check_eq "the journal names each error by $conf:LINE" "2" \
	"$(grep -cE "^$conf:($line|$((line + 1))): " <<<"$j")"
check_eq "the broken file changed nothing" "$before" "$(hotlinectl -j channel show | jq -c 'map({name, dscp})')"
check_eq "hotline.service stays active after the failed reload" active "$(systemctl is-active hotline)"
cp "$tmp/good.conf" "$conf"

# hotline-monitor: health events to the journal
check "systemctl start hotline-monitor" systemctl start hotline-monitor
# the monitor subscribes after its start: a channel added and deleted
# each second until the journal has one
seen=0
for i in $(seq 1 20); do
	hotlinectl channel add "probe-me$i" peer 192.0.2.77/32 >/dev/null &&
		hotlinectl channel del "probe-me$i" >/dev/null
	sleep 1
	if journal_has hotline-monitor "config new probe-me$i "; then
		seen=$i
		break
	fi
done
if [ "$seen" -gt 0 ]; then
	pass "hotline-monitor wrote the events to the journal ($(journal hotline-monitor | grep -m1 "config new probe-me$seen " | cut -c1-60)...)"
else
	fail "hotline-monitor writes events to the journal" "no line naming probe-me" "$(journal hotline-monitor)"
fi

# hotline-guard@wan0: the watch of the auto guard, started with hotline
check_eq "hotline-guard@wan0 started with hotline.service" active "$(systemctl is-active hotline-guard@wan0)"
if wait_for 20 journal_has hotline-guard@wan0 'guard wan0 disarmed'; then
	pass "hotline-guard@wan0 watches the guard (journal: $(journal hotline-guard@wan0 | grep -m1 'guard wan0 disarmed'))"
else
	fail "hotline-guard@wan0 watches the guard" "no 'disarmed' line" "$(journal hotline-guard@wan0)"
fi

# stop: the hotline keeps running
check "systemctl stop hotline-guard@wan0 hotline-monitor hotline" \
	systemctl stop hotline-guard@wan0 hotline-monitor hotline
if up_as_file "cert noc ops"; then
	pass "stop left the channels, the qdisc and the guard running"
else
	fail "stop leaves the hotline running" "channels '$(names)'"
fi

# ---- boot: from nothing, as the units bring it up ----
hotlinectl guard detach wan0 >/dev/null 2>&1
tc qdisc del dev wan0 root 2>/dev/null
if ! rmmod hotline; then
	fail "everything torn down" "rmmod hotline failed"
	exit 1
fi
# ...and wan0 not there yet, as when udev announces a NIC after the
# service has been started: the start waits for it (the generator's
# After= on its device unit) instead of an apply that would change
# nothing for want of it
ip link del wan0
t0=$SECONDS
check "systemctl start --no-block hotline (as at boot, wan0 not there yet)" \
	systemctl start --no-block hotline
sleep 3
jobs=$(systemctl list-jobs --no-legend 2>&1)
if grep -Eq '^ *[0-9]+ +hotline\.service +start +waiting' <<<"$jobs" &&
   grep -Eq '^ *[0-9]+ +sys-subsystem-net-devices-wan0\.device +start +running' <<<"$jobs" &&
   ! hl_is_loaded; then
	pass "the start waits for wan0's device unit, nothing applied (the module not even loaded)"
else
	fail "the start waits for wan0's device unit, nothing applied" \
		"module $(hl_is_loaded && echo loaded || echo 'not loaded')" "$jobs"
fi
t1=$SECONDS
ip link add wan0 type veth peer name wan0p && ip link set wan0 up && ip link set wan0p up
if wait_for 60 up_as_file "cert noc ops" &&
   wait_for 20 sh -c '[ "$(systemctl is-active hotline hotline-guard@wan0 | paste -sd " ")" = "active active" ]'; then
	pass "from nothing, wan0 made $((t1 - t0)) s after the start: up $((SECONDS - t1)) s later, channels, qdisc, guard and its watch as the file says"
else
	fail "from nothing: channels, qdisc and guard as the file says once wan0 is there" "channels '$(names)'" \
		"$(systemctl list-jobs --no-legend; tc qdisc show dev wan0; journal hotline.service)"
fi
systemctl stop hotline-guard@wan0

# ---- upgrade ----
# HOTLINE_GATEWAY_DKMS=1 (make stress) upgrades and purges hotline-dkms
# here too, beside the loaded module: DKMS builds the new module in this
# guest (two minutes under TCG, a minute for each depmod), so the root
# shows only the running kernel's /boot/config (dh_dkms's postinst would
# build for the newest kernel as well)
dkms_too=${HOTLINE_GATEWAY_DKMS:-0}
newver=$ver.1
newmod=$modver.next
printf '# the admin was here\n' >>"$conf"
sum_edited=$(md5sum <"$conf")
active_since=$(systemctl show -p ActiveEnterTimestampMonotonic --value hotline)
pkgs=hotlinectl
if next=$("$HOTLINE_ROOT/selftests/systemd/nextdeb.sh" "$ctl_deb" "$newver" "$newmod" "$tmp") &&
	{ [ "$dkms_too" != 1 ] ||
	  { pkgs="hotline-dkms hotlinectl" &&
	    dnext=$("$HOTLINE_ROOT/selftests/systemd/nextdeb.sh" "$dkms_deb" "$newver" "$newmod" "$tmp") &&
	    next="$dnext $next"; }; }; then
	pass "$pkgs repacked as version $newver"
else
	fail "$pkgs repacked as version $newver" "nextdeb.sh failed"
	exit 1
fi
if [ "$dkms_too" = 1 ]; then
	for c in /boot/config-*; do
		[ "$c" = "/boot/config-$kver" ] || rm -f "$c"
	done
fi
# shellcheck disable=SC2086 # one or two paths without spaces
dpkg_timed "dpkg -i $pkgs $newver over $ver with the hotline running" -i $next
# shellcheck disable=SC2086
check_eq "dpkg: $pkgs at $newver" "$pkgs" \
	"$(dpkg-query -W -f '${Package} ${Version}\n' $pkgs | awk -v v="$newver" '$2 == v { print $1 }' | xargs)"
check_eq "the upgrade kept the admin's edited hotline.conf" "$sum_edited" "$(md5sum <"$conf")"
check_eq "hotline.service neither stopped nor restarted by the upgrade" \
	"active $active_since enabled" \
	"$(systemctl is-active hotline) $(systemctl show -p ActiveEnterTimestampMonotonic --value hotline) $(systemctl is-enabled hotline)"
check_eq "the loaded module stayed $modver, its channels running" "$modver cert noc ops" \
	"$(modversion) $(names)"
if [ "$dkms_too" = 1 ]; then
	check_eq "dkms: $newver installed for $kver, $ver gone" "1 0" \
		"$(dkms status hotline | grep -c "^hotline/$newver, $kver, [^:]*: installed") $(dkms status hotline | grep -c "^hotline/$ver,")"
	check_eq "the new hotline.ko waits on disk ($newmod)" "$newmod" "$(modinfo -F version hotline 2>&1)"
	# asked, as docs/packaging.md tells the admin
	check "asked: rmmod hotline && systemctl restart hotline" sh -c 'rmmod hotline && systemctl restart hotline'
	check_eq "the new module runs ($newmod) with the file's channels" "$newmod cert noc ops" \
		"$(modversion) $(names)"
fi

# ---- purge ----
# shellcheck disable=SC2086
dpkg_timed "dpkg --purge $pkgs" --purge $pkgs
check_eq "purge stops no unit: hotline.service still active, its channels running" \
	"active cert noc ops" "$(systemctl is-active hotline) $("$HOTLINECTL" -j channel show | jq -r '.[].name' | sort | xargs)"
systemctl stop hotline
left=$(ls -d /etc/hotline /usr/sbin/hotlinectl /lib/systemd/system/hotline*.service \
	/lib/systemd/system-generators/hotline-generator \
	/etc/systemd/system/multi-user.target.wants/hotline.service 2>/dev/null)
check_eq "purge removed the config, the binary, the generator and the units" "" "$left"
if [ "$dkms_too" = 1 ]; then
	check_eq "purge removed the module, the DKMS tree and the sources" "" \
		"$(ls -d /usr/src/hotline-* /var/lib/dkms/hotline "/lib/modules/$kver/updates/dkms/hotline.ko"* 2>/dev/null)"
	check_eq "dpkg knows no hotline package" "" \
		"$(dpkg-query -W -f '${db:Status-Abbrev}${Package}\n' 'hotline*' 2>/dev/null | grep -v '^un')"
	check_eq "modprobe no longer finds hotline; the running module is left to the admin" \
		"not found $newmod" \
		"$(modprobe -n hotline >/dev/null 2>&1 && echo found || echo "not found") $(modversion)"
else
	check_eq "dpkg: hotlinectl purged, hotline-dkms left installed" "hotline-dkms" \
		"$(dpkg-query -W -f '${db:Status-Abbrev}${Package}\n' 'hotline*' 2>/dev/null | grep -v '^un' | awk '{ print $2 }')"
fi
"$HOTLINECTL" guard detach wan0 >/dev/null 2>&1
tc qdisc del dev wan0 root 2>/dev/null
ip link del wan0
check "rmmod hotline" rmmod hotline
rm -rf "$tmp"
exit 0
