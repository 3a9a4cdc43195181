#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `hotlinectl qdisc` on this kernel: the host's checks of what tc sees
# installed and where each priority is really queued
# (selftests/unit/qdisc_netns.sh), run in the VM so both test kernels'
# sch_prio, sch_htb, sch_fq_codel and cls_basic are exercised. Fails when
# any of its checks fails.
. "$(dirname "$0")/lib.sh"

out=$("$HOTLINE_ROOT/selftests/unit/qdisc_netns.sh" "$HOTLINECTL" " [$(uname -r)]" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ "$rc" -ne 0 ] && ! grep -q '^FAIL:' <<<"$out"; then
	fail "qdisc_netns.sh" "exited $rc without saying why"
fi
grep -q '^PASS:' <<<"$out" || fail "qdisc_netns.sh" "no check passed"
exit "$rc"
