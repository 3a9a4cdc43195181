/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PASS/FAIL lines of the host unit tests of the shared kernel
 * headers (health_math_test.c, path_choice_test.c): one line per check,
 * the runner counts them. main() returns failures ? 1 : 0.
 */
#ifndef HOTLINE_UNIT_CHECK_H
#define HOTLINE_UNIT_CHECK_H

#include <stdio.h>

static int failures;

#define CHECK(name, cond, ...)						\
	do {								\
		if (cond) {						\
			printf("PASS: %s\n", name);			\
		} else {						\
			printf("FAIL: %s: ", name);			\
			printf(__VA_ARGS__);				\
			printf("\n");					\
			failures++;					\
		}							\
	} while (0)

#endif
