#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# PID 1 of the selftest VM once /init has switched to the host root.
# Runs the command the runner asked for (the NUL-separated argv file in
# the run share, or selftests/run_all.sh) with a clean environment, its
# stdout and stderr on the virtio-serial ports "hotline.stdout" and
# "hotline.stderr", then writes the success sentinel and powers off.
#
# The sentinel is the runner's only proof of a clean run: it is written
# last, with the command's exit status, the kernel's taint mask and the
# guest's clock (so the runner can tell a guest whose time ran wrong), and
# anything that goes wrong before that (a panic, a hang) leaves none.

share=/run/hotline-vm
repo=$(<"$share/root")

console() { echo "hotline-guest: $*" >/dev/console; }

off() {
	sync
	# Without ACPI (the debug kernel boots with acpi=off) the kernel cannot
	# power off, and PID 1 would exit into a panic: reboot instead, which
	# ends QEMU as well (-no-reboot).
	if [ -d /sys/firmware/acpi ]; then
		/bin/busybox poweroff -f
	else
		/bin/busybox reboot -f
	fi
	# poweroff can only fail if reboot(2) is refused: stop here rather
	# than let PID 1 exit and panic the kernel.
	while :; do sleep 60; done
}

port() {
	local p
	for p in /sys/class/virtio-ports/*; do
		if [ "$(cat "$p/name" 2>/dev/null)" = "$1" ]; then
			echo "/dev/${p##*/}"
			return 0
		fi
	done
	return 1
}

out=$(port hotline.stdout) || { console "no hotline.stdout port"; off; }
err=$(port hotline.stderr) || { console "no hotline.stderr port"; off; }

hostname hotline-vm 2>/dev/null
ip link set lo up

# Kernels built with kmemleak (the debug kernel) are scanned after the
# command; only leaks with hotline's frames count (see below).
kmemleak=/sys/kernel/debug/kmemleak

argv=()
if [ -s "$share/argv" ]; then
	mapfile -d '' -t argv <"$share/argv"
else
	argv=(/bin/bash "$repo/selftests/run_all.sh")
fi
envv=()
[ -s "$share/env" ] && mapfile -d '' -t envv <"$share/env"

cd "$repo" || { console "cannot enter $repo"; off; }
# The runner tells a kernel fault during boot from one the command caused
# by this line (see boot_fault in selftests/vm/run).
console "command started"
# The runner's test of its emulator-fault rerun: a kernel report whose
# register dump holds an EFLAGS no CPU can (emulator_fault.awk), written
# as the kernel would, at alert level so the console shows it.
if [ -e "$share/emu-fault" ]; then
	printf '<1>Oops: double fault: 0000 [#1] hotline-vm test: emulator fault on purpose\n' >/dev/kmsg
	printf '<1>RSP: 0018:ff7c8d22c04938e0 EFLAGS: c293fe02\n' >/dev/kmsg
fi
env -i "${envv[@]}" "${argv[@]}" </dev/null >"$out" 2>"$err"
rc=$?

# Whatever the command left behind must not outlive it: stop it before
# reading the taint, so late splats still count.
kill -TERM -1 2>/dev/null
sleep 0.2
kill -KILL -1 2>/dev/null

# The leak check runs after the last rmmod.  A leaked object's backtrace
# names hotline while the module is loaded; once it is gone, its frames
# print as bare addresses in module space, so both count.  Objects must
# be older than kmemleak's minimum age (5 s) to be reported.
leaks=0
if [ -w "$kmemleak" ]; then
	[ -d /sys/module/hotline ] && rmmod hotline 2>/dev/null
	sleep 6
	# An object whose contents changed since the previous scan counts as
	# in use for one more scan: the second is the one that reports.
	echo scan >"$kmemleak"
	echo scan >"$kmemleak"
	cat "$kmemleak" >"$share/kmemleak.all" 2>/dev/null
	leaks=$(awk '
		/^unreferenced object/ { if (hit) n++; hit = 0 }
		/\[hotline\]/ { hit = 1 }
		/\] 0xffffffff[a-f][0-9a-f]+$/ { hit = 1 }
		END { if (hit) n++; print n + 0 }' "$share/kmemleak.all")
	[ "$leaks" -gt 0 ] && cp "$share/kmemleak.all" "$share/kmemleak"
	console "kmemleak: $(grep -c '^unreferenced object' "$share/kmemleak.all") suspected, $leaks from hotline"
fi

taint=$(</proc/sys/kernel/tainted)
printf 'rc=%d taint=%d time=%d leaks=%d\n' "$rc" "$taint" "$(date +%s)" "$leaks" >"$share/sentinel.tmp" &&
	mv "$share/sentinel.tmp" "$share/sentinel"
console "command exited $rc, taint $taint"
off
