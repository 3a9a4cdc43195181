#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The XDP guard on this kernel: its verifier must take the program, and
# the whole BPF suite (BPF_PROG_TEST_RUN verdicts, attach to veth, real
# frames) must pass here as it does on the host.  The binaries come from
# the host run of selftests/bpf/run.sh (make check runs it first), since
# the guest's tree is read-only.
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -x "$here/../build/selftests/bpf/guard_test" ]; then
	echo "FAIL: test_guard: build/selftests/bpf/guard_test is missing: run selftests/bpf/run.sh on the host first"
	exit 1
fi
# On the debug kernel the peer tries are filled with 10,000 peers, not
# 100,000 (guard_test.c: test_peers): each map call there costs half a
# millisecond under KASAN and lockdep, and the full fill took this test
# from 10 s to 295 s of the debug lane (cold run of 12-03).
case $(uname -r) in
*-hotline-debug) export HOTLINE_GUARD_TEST_PEERS=${HOTLINE_GUARD_TEST_PEERS:-10000} ;;
esac
exec "$here/bpf/run.sh" --no-build
