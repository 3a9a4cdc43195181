/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The smallest test harness that prints hotline's convention: one line per
 * check, "PASS: name" or "FAIL: name: why". A test binary's exit status is
 * the number of failures (capped), so run.sh needs no parsing.
 * argv[1], if given, is appended to every name (" [asan]").
 */
#ifndef HOTLINE_UNIT_H
#define HOTLINE_UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int unit_failures;
static const char *unit_tag = "";

static inline void unit_init(int argc, char **argv)
{
	if (argc > 1)
		unit_tag = argv[1];
}

static inline int unit_check(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline int unit_check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS: %s%s\n", name, unit_tag);
		return 1;
	}
	printf("FAIL: %s%s: ", name, unit_tag);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	unit_failures++;
	return 0;
}

#define CHECK(ok, name, ...) unit_check(!!(ok), name, __VA_ARGS__)

static inline int unit_done(void)
{
	fflush(stdout);
	return unit_failures > 100 ? 100 : unit_failures;
}

#endif
