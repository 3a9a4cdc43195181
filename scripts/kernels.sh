#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Print the test kernels: every /boot/vmlinuz-KVER whose headers are
# installed, so hotline.ko can be built for it and booted in the VM.
# Nothing is hard-coded to a point release; `make deps` installs the
# Debian 12 6.1 and 6.12 series.
for img in /boot/vmlinuz-*; do
	[ -e "$img" ] || continue
	kver=${img#/boot/vmlinuz-}
	[ -d "/lib/modules/$kver/build" ] || continue
	echo "$kver"
done | sort -V
