#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The VM runner itself, from the host: on every test kernel it returns
# the guest command's output and exit status, keeps kernel messages out
# of stdout, and fails (125) when the guest kernel WARNs, even though the
# command exits 0.  Bad arguments and a hung guest fail too; a kernel
# that faults while booting is booted again; --icount counts the guest's
# instructions; a run the emulator broke is run again.  Boots 2 VMs per
# production kernel plus six for the boot faults, two for the emulator
# fault, two for a boot that hangs, one for the counts and one for the
# hang.  Nothing here needs the debug kernel (test_debug_kernel.sh does)
# and only a hang is timed, so make check runs it beside the debug
# kernel's build (selftests/check.sh's BESIDE_BUILD).
# shellcheck source=selftests/host/runner_lib.sh
. "$(dirname "$0")/runner_lib.sh"

"$run" --kver no-such-kernel -- true >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 125 ] && grep -q 'no-such-kernel' "$tmp/err"; then
	pass "unknown --kver refused"
else
	fail "unknown --kver refused" "exit $rc" "$(cat "$tmp/err")"
fi
"$run" --timeout 0 -- true >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 125 ] && grep -q -- '--timeout' "$tmp/err"; then
	pass "bad --timeout refused"
else
	fail "bad --timeout refused" "exit $rc" "$(cat "$tmp/err")"
fi
for args in "--layer $tmp" "--systemd --layer $tmp/none"; do
	# shellcheck disable=SC2086 # split on purpose
	"$run" $args -- true >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 125 ] && grep -q -- '--layer' "$tmp/err"; then
		pass "${args%% /*} without a layer made for a --systemd run refused: $(cat "$tmp/err")"
	else
		fail "${args%% /*} without a layer made for a --systemd run refused" "exit $rc" "$(cat "$tmp/err")"
	fi
done

first=
for k in $("$HOTLINE_ROOT/scripts/kernels.sh"); do
	# the debug kernel's own reports: test_debug_kernel.sh
	case $k in *-hotline-debug) continue ;; esac
	first=${first:-$k}

	"$run" --kver "$k" --timeout 300 -- \
		sh -c 'uname -r; echo hotline-stderr >&2; exit 3' \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	check_eq "[$k] stdout is the command's output only" "$k" "$(cat "$tmp/out")"
	check_eq "[$k] exit status propagates" 3 "$rc"
	if grep -qx hotline-stderr "$tmp/err"; then
		pass "[$k] stderr comes back on stderr"
	else
		fail "[$k] stderr comes back on stderr" "not in the runner's stderr" "$(cat "$tmp/err")"
	fi

	ko=$HOTLINE_ROOT/build/kmod/$k/kmod/hotline.ko
	if [ ! -r "$ko" ]; then
		fail "[$k] guest WARN fails the run" "no $ko to inject a WARN with (run 'make kmod')"
		continue
	fi
	# shellcheck disable=SC2016 # expanded in the guest
	"$run" --kver "$k" --timeout 300 -- sh -c \
		'modprobe -a udp_tunnel ip6_udp_tunnel && insmod "$HOTLINE_KO" && echo 1 > /sys/kernel/debug/hotline/inject_warn; exit 0' \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 125 ] && grep -q 'WARNING:' "$tmp/err" &&
	   grep -q '^vm: --- full console log: ' "$tmp/err" &&
	   ! grep -q 'booting again' "$tmp/err"; then
		pass "[$k] guest WARN fails the run and shows the console"
	else
		fail "[$k] guest WARN fails the run and shows the console" \
			"exit $rc (want 125 with the WARNING in the console tail, no second boot)" \
			"$(tail -n 20 "$tmp/err")"
	fi
	forget_run "$tmp/err"
done

if [ -z "$first" ]; then
	fail "kernels" "scripts/kernels.sh found no test kernel"
	exit 1
fi

# A kernel fault while booting, before the command starts, cannot be the
# test's: the runner boots again, up to three boots, and says so.  The
# seam crashes the first N boots from the initramfs.
HOTLINE_VM_BOOT_FAULTS=2 "$run" --kver "$first" --timeout 300 -- \
	sh -c 'echo after-boot-faults; exit 5' >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 5 ] && [ "$(cat "$tmp/out")" = after-boot-faults ] &&
   [ "$(grep -c 'faulted while booting, before the command started' "$tmp/err")" -eq 2 ] &&
   grep -q 'booting again (attempt 3 of 3)' "$tmp/err"; then
	pass "[$first] two faulted boots are retried, the third runs the command"
else
	fail "[$first] two faulted boots are retried, the third runs the command" \
		"exit $rc, stdout '$(cat "$tmp/out")'" "$(grep '^vm:' "$tmp/err")"
fi
forget_run "$tmp/err"
HOTLINE_VM_BOOT_FAULTS=3 "$run" --kver "$first" --timeout 300 -- \
	sh -c 'echo never; exit 0' >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 125 ] && [ ! -s "$tmp/out" ] &&
   grep -q "FAILED on $first .*sysrq triggered crash" "$tmp/err"; then
	pass "[$first] three faulted boots fail the run with the fault"
else
	fail "[$first] three faulted boots fail the run with the fault" \
		"exit $rc (want 125), stdout '$(cat "$tmp/out")'" "$(grep '^vm:' "$tmp/err")"
fi
forget_run "$tmp/err"
# A boot that never starts the command (the seam stalls init) is killed
# and booted again: the first, silent, once its console has said nothing
# for HOTLINE_VM_BOOT_SILENCE seconds; the second, writing a line a
# second, at HOTLINE_VM_BOOT_LIMIT seconds; the third starts the command.
# The silence starts when init stalls, after the kernel's boot, which on a
# host busy building the debug kernel took over 15 s: the limit leaves the
# silent boot 50 s to get there.
HOTLINE_VM_BOOT_HANGS=2 HOTLINE_VM_BOOT_SILENCE=10 HOTLINE_VM_BOOT_LIMIT=60 \
	"$run" --kver "$first" --timeout 300 -- \
	sh -c 'echo after-boot-hang' >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 0 ] && [ "$(cat "$tmp/out")" = after-boot-hang ] &&
   grep -q "the boot hung (the guest's console was silent for 10s before it started the command, [0-9]*s after boot).*attempt 2 of 3" "$tmp/err" &&
   grep -q 'the boot hung (the guest had not started the command 60s after boot).*attempt 3 of 3' "$tmp/err"; then
	pass "[$first] a boot that hangs before the command is killed and booted again: silent 10 s, or not started in 60 s"
else
	fail "[$first] a boot that hangs before the command is booted again (silent, then talking)" \
		"exit $rc, stdout '$(cat "$tmp/out")'" "$(grep '^vm:' "$tmp/err")"
fi
forget_run "$tmp/err"
HOTLINE_VM_BOOT_HANGS=-1 "$run" --kver "$first" -- true >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 125 ] && grep -q 'HOTLINE_VM_BOOT_HANGS' "$tmp/err"; then
	pass "bad HOTLINE_VM_BOOT_HANGS refused"
else
	fail "bad HOTLINE_VM_BOOT_HANGS refused" "exit $rc" "$(cat "$tmp/err")"
fi
HOTLINE_VM_BOOT_SILENCE=0x "$run" --kver "$first" -- true >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 125 ] && grep -q 'HOTLINE_VM_BOOT_SILENCE' "$tmp/err"; then
	pass "bad HOTLINE_VM_BOOT_SILENCE refused"
else
	fail "bad HOTLINE_VM_BOOT_SILENCE refused" "exit $rc" "$(cat "$tmp/err")"
fi
HOTLINE_VM_BOOT_FAULTS=x "$run" --kver "$first" -- true >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 125 ] && grep -q 'HOTLINE_VM_BOOT_FAULTS' "$tmp/err"; then
	pass "bad HOTLINE_VM_BOOT_FAULTS refused"
else
	fail "bad HOTLINE_VM_BOOT_FAULTS refused" "exit $rc" "$(cat "$tmp/err")"
fi

# A kernel report whose register dump holds an EFLAGS no x86 CPU can is
# the emulator's: the classifier names it, and only it.  Lines as the
# console has them (the first from a 6.12 guest under TCG).
ef=$HOTLINE_ROOT/selftests/vm/emulator_fault.awk
efsplat='Oops|WARNING: |BUG: '
emu_case() { # NAME WANT(flags or "no") LINES...
	local name=$1 want=$2 got
	shift 2
	printf '%s\n' "$@" >"$tmp/console"
	got=$(awk -v splat="$efsplat" -f "$ef" "$tmp/console") || got=no
	check_eq "emulator fault: $name" "$want" "$got"
}
emu_case "double fault with EFLAGS c293fe02 (bits 22-31 set)" c293fe02 \
	'[  850.942138] traps: PANIC: double fault, error_code: 0x0' \
	'[  850.942744] Oops: double fault: 0000 [#1] PREEMPT SMP NOPTI' \
	'[  850.942744] RIP: 0010:kmem_cache_alloc_node_noprof+0x70/0x330' \
	'[  850.942744] RSP: 0018:ff7c8d22c04938e0 EFLAGS: c293fe02'
emu_case "EFLAGS with bit 1 clear (00000244)" 00000244 \
	'[ 1.0] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI' \
	'[ 1.0] RSP: 0018:ffffa0 EFLAGS: 00000244'
emu_case "a double fault a CPU can report (EFLAGS 00010046)" no \
	'[ 1.0] Oops: double fault: 0000 [#1] PREEMPT SMP NOPTI' \
	'[ 1.0] RSP: 0018:ff7c8d22c04938e0 EFLAGS: 00010046'
emu_case "only the first report counts" no \
	'[ 1.0] WARNING: CPU: 0 PID: 1 at kmod/health.c:1 x' \
	'[ 1.0] RSP: 0018:ffffa0 EFLAGS: 00010202' \
	'[ 2.0] Oops: double fault: 0000 [#1]' \
	'[ 2.0] RSP: 0018:ffffa0 EFLAGS: c293fe02'
emu_case "no report, no fault" no \
	'[ 1.0] RSP: 0018:ffffa0 EFLAGS: c293fe02'

# ...and the runner runs such a command again, once, saying so, and
# hands the second run what the first wrote to its "done" file; the seam
# logs the report after the command has started, so the fault is seen
# once the first run has ended. run_all.sh then runs none of the tests
# named there again, and one that had failed keeps its status failing:
# the first run names test_wire failed before run_all.sh starts (which
# therefore never runs it) and completes test_fault_inject (a quick
# skip on the production kernels).
# shellcheck disable=SC2016 # expanded in the guest
HOTLINE_VM_EMU_FAULTS=1 "$run" --kver "$first" --timeout 300 -- bash -c '
	[ -s /run/hotline-vm/done ] || echo "test_wire failed" >>/run/hotline-vm/done
	sed "s/^/had: /" /run/hotline-vm/done
	HOTLINE_TESTS="test_wire test_fault_inject" selftests/run_all.sh
	echo "run_all exit $?"; exit 4' >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 4 ] && [ "$(grep -c '^run_all exit 1$' "$tmp/out")" -eq 2 ] &&
   [ "$(grep -c '^had: test_wire failed$' "$tmp/out")" -eq 2 ] &&
   [ "$(grep -c '^had: test_fault_inject ok$' "$tmp/out")" -eq 1 ] &&
   [ "$(grep -c "EFLAGS c293fe02 .*running the command again, after the 2 steps it completed (test_wire test_fault_inject)" "$tmp/err")" -eq 1 ] &&
   [ "$(grep -c '^run_all: test_fault_inject took' "$tmp/err")" -eq 1 ] &&
   [ "$(grep -c '^run_all: test_fault_inject ran before the emulator fault (ok): not run again$' "$tmp/err")" -eq 1 ] &&
   [ "$(grep -c '^run_all: test_wire ran before the emulator fault (failed): not run again$' "$tmp/err")" -eq 2 ]; then
	pass "[$first] an emulator fault runs the command again, once, from what it had not completed"
else
	fail "[$first] an emulator fault runs the command again, once, from what it had not completed" \
		"exit $rc (want 4), stdout '$(grep -v '^[A-Z]*: ' "$tmp/out")'" "$(grep '^vm:\|^run_all:' "$tmp/err")"
fi
forget_run "$tmp/err"

# --icount: the guest reads its own instruction counts at phase
# boundaries. The same user-space loop twice costs the same count (the
# point of counting instead of timing), a syscall loop is mostly kernel,
# an idle second costs little, and the run's totals end stderr.
# shellcheck disable=SC2016 # expanded in the guest
"$run" --kver "$first" --timeout 300 --icount -- bash -c '
	. selftests/lib.sh
	phase() { local a b; a=$(icount_read) || exit 9; "$@"; b=$(icount_read) || exit 9
		echo "$a $b" | awk "{ print \$3 - \$1, \$4 - \$2 }"; }
	loop() { local i; for ((i = 0; i < 20000; i++)); do :; done; }
	phase loop >/dev/null
	echo "loop $(phase loop)"
	echo "loop $(phase loop)"
	echo "syscalls $(phase dd if=/dev/zero of=/dev/null bs=1 count=20000 status=none)"
	echo "idle $(phase sleep 1)"
	icount_profile snap /tmp/p0 || exit 9
	dd if=/dev/zero of=/dev/null bs=1 count=20000 status=none
	icount_profile snap /tmp/p1 || exit 9
	icount_profile diff /tmp/p0 /tmp/p1 40000 >/tmp/prof || exit 9
	head -n 5 /tmp/prof >&2
	echo "profile $(awk "\$2 == \"total\" { print \$1 }" /tmp/prof)" \
		"$(grep -Ecx "[0-9.]+ (vfs_read|vfs_write)" /tmp/prof)"' >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 0 ] && awk '
	$1 == "loop" { n++; u[n] = $2 }
	$1 == "syscalls" { su = $2; sk = $3 }
	$1 == "idle" { iu = $2; ik = $3 }
	$1 == "profile" { pt = $2; pf = $3 }
	END {
		d = u[1] - u[2]; if (d < 0) d = -d
		exit !(n == 2 && u[1] > 10000000 && d < u[1] / 100 &&
		       sk > 20000 * 500 && sk > su && iu + ik < u[1] &&
		       pt > 250 && pf == 2)
	}' "$tmp/out" && grep -Eq '^vm: instructions: user [0-9]+ kernel [0-9]+$' "$tmp/err"; then
	pass "[$first] --icount: loops equal within 1%, syscalls in the kernel, idle cheap: $(tr '\n' ';' <"$tmp/out")"
else
	fail "[$first] --icount counts the guest's instructions" "exit $rc" \
		"$(cat "$tmp/out"; grep '^vm:' "$tmp/err")"
fi
HOTLINE_VM_ACCEL=kvm "$run" --kver "$first" --icount -- true >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 125 ] && grep -q 'TCG only' "$tmp/err"; then
	pass "--icount under KVM refused"
else
	fail "--icount under KVM refused" "exit $rc" "$(cat "$tmp/err")"
fi

"$run" --kver "$first" --timeout 20 -- sleep 600 >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 125 ] && grep -q 'did not finish within 20s' "$tmp/err"; then
	pass "[$first] hung guest fails the run"
else
	fail "[$first] hung guest fails the run" "exit $rc" "$(tail -n 5 "$tmp/err")"
fi
forget_run "$tmp/err"
exit 0
