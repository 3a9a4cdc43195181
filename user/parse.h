/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pure parsers and formatters for every value hotlinectl reads or prints.
 * No I/O, no globals: the command line, the config file and the tests all
 * share them. What a formatter prints, the matching parser accepts and
 * turns back into the same value.
 *
 * A parser returns 0 on success, or -1 with the reason in e->why, worded to
 * follow `invalid KEYWORD "VALUE": ` (see parse_fail_print()).
 */
#ifndef HOTLINECTL_PARSE_H
#define HOTLINECTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include <linux/hotline.h>

/* Room for any formatted value: "[v6-address]:65535", "v6/128", "0x../0x.." */
#define HL_FMT_MAX 64

struct parse_error {
	char why[192];
};

/* Fills @e with the message; returns -1, so "return parse_fail(e, ...)". */
int parse_fail(struct parse_error *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

union hl_addr {
	struct in_addr v4;
	struct in6_addr v6;
	uint8_t raw[16];
};

/* family 0 means "not set" */
struct hl_prefix {
	uint8_t family;
	uint8_t len;
	union hl_addr addr;
};

struct hl_endpoint {
	uint8_t family;
	uint16_t port;
	union hl_addr addr;
};

int parse_name(const char *s, char name[HOTLINE_NAME_MAX + 1],
	       struct parse_error *e);
int parse_prefix(const char *s, struct hl_prefix *p, struct parse_error *e);
int parse_proto(const char *s, uint8_t *proto, struct parse_error *e);
int parse_port_range(const char *s, uint16_t *min, uint16_t *max,
		     struct parse_error *e);
int parse_port(const char *s, uint16_t *port, struct parse_error *e);
int parse_dscp(const char *s, uint8_t *dscp, struct parse_error *e);
int parse_priority(const char *s, uint32_t *prio, struct parse_error *e);
int parse_mark(const char *s, uint32_t *mark, uint32_t *mask,
	       struct parse_error *e);
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *v,
	      struct parse_error *e);
int parse_duration_ms(const char *s, uint32_t min, uint32_t max,
		      uint32_t *ms, struct parse_error *e);
int parse_percent(const char *s, uint32_t *pct, struct parse_error *e);
int parse_probe(const char *s, uint16_t default_port, struct hl_endpoint *ep,
		struct parse_error *e);
int parse_rate(const char *s, uint64_t *bps, struct parse_error *e);	/* bit/s */

/* Checks a name that came from elsewhere (e.g. the kernel). */
bool name_is_valid(const char *name);
/* 1..max characters of A-Z a-z 0-9 . _ - (channel and path names) */
bool name_chars_valid(const char *name, size_t max);

const char *proto_name(uint8_t proto);	/* NULL when unknown */
const char *dscp_name(uint8_t dscp);	/* NULL when the value has no name */

/* Formatters write at most HL_FMT_MAX bytes and return buf. */
char *format_prefix(const struct hl_prefix *p, char *buf);
char *format_port_range(uint16_t min, uint16_t max, char *buf);
char *format_dscp(uint8_t dscp, char *buf);
char *format_priority(uint32_t prio, char *buf);
char *format_mark(uint32_t mark, uint32_t mask, char *buf);
char *format_hex32(uint32_t v, char *buf);
char *format_probe(const struct hl_endpoint *ep, char *buf);
char *format_rate(uint64_t bps, char *buf);	/* bps in bit/s */

#endif
