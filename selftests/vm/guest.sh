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
	/bin/busybox poweroff -f
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

argv=()
if [ -s "$share/argv" ]; then
	mapfile -d '' -t argv <"$share/argv"
else
	argv=(/bin/bash "$repo/selftests/run_all.sh")
fi
envv=()
[ -s "$share/env" ] && mapfile -d '' -t envv <"$share/env"

cd "$repo" || { console "cannot enter $repo"; off; }
env -i "${envv[@]}" "${argv[@]}" </dev/null >"$out" 2>"$err"
rc=$?

# Whatever the command left behind must not outlive it: stop it before
# reading the taint, so late splats still count.
kill -TERM -1 2>/dev/null
sleep 0.2
kill -KILL -1 2>/dev/null

taint=$(</proc/sys/kernel/tainted)
printf 'rc=%d taint=%d time=%d\n' "$rc" "$taint" "$(date +%s)" >"$share/sentinel.tmp" &&
	mv "$share/sentinel.tmp" "$share/sentinel"
console "command exited $rc, taint $taint"
off
