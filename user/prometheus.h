/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Channels in the Prometheus text exposition format 0.0.4 (prometheus.c);
 * a pure function of the channels, for `stats --prometheus` and the tests.
 */
#ifndef HOTLINECTL_PROMETHEUS_H
#define HOTLINECTL_PROMETHEUS_H

#include <stddef.h>
#include <stdio.h>

#include "channel.h"

void prometheus_write(FILE *f, const struct hl_channel *chs, size_t n);

/* A label value with \, " and newline escaped as the format wants. */
void prometheus_label_escape(const char *s, char *buf, size_t len);

#endif
