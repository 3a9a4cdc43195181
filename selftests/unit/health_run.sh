#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Host unit tests of the health engine's shared headers (STAMP wire format,
# windows, jitter, replay window, state machine, the failover rule), builds of stamp_peer and
# of the hostile-frame generator, all with -Wall -Wextra -Werror and ASan/UBSan.
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/unit
mkdir -p "$out"
CFLAGS="-std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all -I$top/include/uapi -I$top/include"
status=0
if ${CC:-gcc} $CFLAGS -o "$out/health_math_test" "$top/selftests/unit/health_math_test.c"; then
	"$out/health_math_test" || status=1
else
	echo "FAIL: health_math_test_build: does not compile"
	status=1
fi
if ${CC:-gcc} $CFLAGS -o "$out/path_choice_test" "$top/selftests/unit/path_choice_test.c"; then
	"$out/path_choice_test" || status=1
else
	echo "FAIL: path_choice_test_build: does not compile"
	status=1
fi
if ${CC:-gcc} $CFLAGS -o "$out/stamp_peer" "$top/selftests/stamp_peer.c" -lcrypto; then
	echo "PASS: stamp_peer_build"
else
	echo "FAIL: stamp_peer_build: does not compile"
	status=1
fi
# Tools the VM tests run (test_health, test_reflector: stamp_peer;
# test_hostile, test_guard_flood: hostile, stallwatch; test_paths:
# probe_stream), built without sanitizers: the guest has no sanitizer
# runtime.
mkdir -p "$top/build/selftests"
for tool in stamp_peer hostile stallwatch bench/probe_stream; do
	gnu=-D_GNU_SOURCE
	[ "$tool" = bench/probe_stream ] && gnu=	# it defines it itself
	if ${CC:-gcc} -std=c11 $gnu -O2 -Wall -Wextra -Werror -I$top/include/uapi \
		-I$top/include -o "$top/build/selftests/${tool#bench/}" "$top/selftests/$tool.c" -lcrypto; then
		echo "PASS: ${tool#bench/}_build_vm"
	else
		echo "FAIL: ${tool#bench/}_build_vm: does not compile"
		status=1
	fi
done
# hotlinectl with the kernel's answer to an apply lost (test_paths)
if ${CC:-gcc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -fPIC -shared -I$top/include/uapi \
	-o "$top/build/selftests/lose_answer.so" "$top/selftests/lose_answer.c" -ldl; then
	echo "PASS: lose_answer_build_vm"
else
	echo "FAIL: lose_answer_build_vm: does not compile"
	status=1
fi
exit $status
