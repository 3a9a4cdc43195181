#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make demo: boot the first test kernel in the VM and run the guided tour
# (selftests/demo/tour.sh) there. Every number it shows comes from a
# command it really ran in that VM.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kver=${KVER:-$("$root/scripts/kernels.sh" | head -n1)}
exec "$root/selftests/vm/run" --kver "$kver" --timeout 900 -- "$root/selftests/demo/tour.sh"
