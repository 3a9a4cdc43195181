#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Host unit tests of the health engine's shared headers (STAMP wire format,
# windows, jitter, replay window, state machine), builds of stamp_peer and
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
if ${CC:-gcc} $CFLAGS -o "$out/stamp_peer" "$top/selftests/stamp_peer.c" -lcrypto; then
	echo "PASS: stamp_peer_build"
else
	echo "FAIL: stamp_peer_build: does not compile"
	status=1
fi
# the VM tests (test_health.sh) run this one: no sanitizer runtime there
mkdir -p "$top/build/selftests"
if ${CC:-gcc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I$top/include/uapi \
	-I$top/include -o "$top/build/selftests/stamp_peer" "$top/selftests/stamp_peer.c" -lcrypto; then
	echo "PASS: stamp_peer_build_vm"
else
	echo "FAIL: stamp_peer_build_vm: does not compile"
	status=1
fi
# test_hostile.sh's frame generator, for the guest too
if ${CC:-gcc} -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I$top/include/uapi \
	-I$top/include -o "$top/build/selftests/hostile" "$top/selftests/hostile.c" -lcrypto; then
	echo "PASS: hostile_build_vm"
else
	echo "FAIL: hostile_build_vm: does not compile"
	status=1
fi
exit $status
