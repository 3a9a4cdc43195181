// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The guard's mode names, apart from the loader: hotline.conf spells them
 * too, and the config parser (unit tests, fuzzer) must not need libbpf.
 */
#include <string.h>

#include "guard.h"

static const char *const mode_names[] = {
	[GUARD_MODE_OFF] = "off",
	[GUARD_MODE_MONITOR] = "monitor",
	[GUARD_MODE_ENFORCE] = "enforce",
	[GUARD_MODE_AUTO] = "auto",
};

const char *guard_mode_name(enum guard_mode mode)
{
	if ((unsigned int)mode >= HOTLINE_GUARD_MODE_MAX)
		return "?";
	return mode_names[mode];
}

int guard_mode_lookup(const char *s, enum guard_mode *mode)
{
	for (unsigned int i = 0; i < HOTLINE_GUARD_MODE_MAX; i++) {
		if (!strcmp(s, mode_names[i])) {
			*mode = (enum guard_mode)i;
			return 0;
		}
	}
	return -1;
}
