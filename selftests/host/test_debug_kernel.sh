#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The debug kernel's own reports fail a VM run, as the debug lane relies
# on: hotline.ko is built with UBSAN's checks, a leak hotline made fails
# the run with kmemleak's report, a use after free with KASAN's.  Two
# debug boots.  Apart from test_vm_runner.sh, which make check runs
# beside the debug kernel's build: this one needs the kernel built.
# shellcheck source=selftests/host/runner_lib.sh
. "$(dirname "$0")/runner_lib.sh"

# debug_kernel_checks KVER: a leak hotline made (found by kmemleak after
# the module is gone, so by its bare module addresses) and a read after
# free (KASAN).  Two boots: a debug boot costs minutes.
debug_kernel_checks() {
	local k=$1 ko=$HOTLINE_ROOT/build/kmod/$1/kmod/hotline.ko
	if [ ! -r "$ko" ]; then
		fail "[$k] hotline leak fails the run" "no $ko (run 'make kmod')"
		return
	fi
	# the kernel itself is not UBSAN-instrumented, hotline.ko must be
	if nm -u "$ko" | grep -q ' __ubsan_handle_out_of_bounds$' &&
	   nm -u "$ko" | grep -q ' __ubsan_handle_shift_out_of_bounds$'; then
		pass "[$k] hotline.ko is built with UBSAN bounds and shift checks"
	else
		fail "[$k] hotline.ko is built with UBSAN bounds and shift checks" \
			"no __ubsan_handle_* references in $ko"
	fi
	# shellcheck disable=SC2016 # expanded in the guest
	"$run" --kver "$k" --timeout 900 -- sh -c \
		'uname -r; modprobe -a udp_tunnel ip6_udp_tunnel && insmod "$HOTLINE_KO" &&
		 echo 1 > /sys/kernel/debug/hotline/inject_leak && rmmod hotline; exit 0' \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	check_eq "[$k] stdout is the command's output only" "$k" "$(cat "$tmp/out")"
	if [ "$rc" -eq 125 ] && grep -q 'kmemleak: [0-9]* leaked object' "$tmp/err" &&
	   grep -q '^unreferenced object' "$tmp/err"; then
		pass "[$k] a leak by hotline fails the run and shows kmemleak's report"
	else
		fail "[$k] a leak by hotline fails the run and shows kmemleak's report" \
			"exit $rc (want 125 with the leaks)" "$(tail -n 20 "$tmp/err")"
	fi
	forget_run "$tmp/err"
	# shellcheck disable=SC2016 # expanded in the guest
	"$run" --kver "$k" --timeout 900 -- sh -c \
		'modprobe -a udp_tunnel ip6_udp_tunnel && insmod "$HOTLINE_KO" &&
		 echo 1 > /sys/kernel/debug/hotline/inject_kasan; exit 0' \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 125 ] && grep -q 'KASAN: use-after-free' "$tmp/err"; then
		pass "[$k] a use after free by hotline fails the run (KASAN)"
	else
		fail "[$k] a use after free by hotline fails the run (KASAN)" \
			"exit $rc (want 125 with a KASAN report)" "$(tail -n 20 "$tmp/err")"
	fi
	forget_run "$tmp/err"
}

n=0
for k in $("$HOTLINE_ROOT/scripts/kernels.sh"); do
	case $k in *-hotline-debug) ;; *) continue ;; esac
	debug_kernel_checks "$k"
	n=$((n + 1))
done
# make check builds it (check.sh --build-debug-kernel, which fails
# when the build does); a run by hand may have none
[ "$n" -gt 0 ] || skip "debug kernel" "none installed (make debug-kernel)"
exit 0
