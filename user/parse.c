// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parsers and formatters of hotlinectl's values. Strict on purpose: a value
 * that is not exactly one of the documented forms is refused with a reason,
 * never half-read (no atoi, no trailing junk, no silent truncation).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

int parse_fail(struct parse_error *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/*
	 * e->why is written, not read: callers pass a struct parse_error
	 * they have not filled, which cppcheck's whole-program pass (run
	 * with -j 1) takes for a read of uninitialised memory.
	 */
	/* cppcheck-suppress ctuuninitvar */
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
	return -1;
}

/* Plain decimal digits only: no sign, no spaces, no base prefix. */
static int dec_u64(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t n = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (n > (max - (uint64_t)(*s - '0')) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	*v = n;
	return 0;
}

/* Decimal, or hex with a 0x prefix. */
static int num_u32(const char *s, uint32_t *v)
{
	uint64_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		if (!*s || strlen(s) > 8)
			return -1;
		for (; *s; s++) {
			if (!isxdigit((unsigned char)*s))
				return -1;
			n = n * 16 + (uint64_t)(isdigit((unsigned char)*s) ?
				*s - '0' : tolower((unsigned char)*s) - 'a' + 10);
		}
	} else if (dec_u64(s, UINT32_MAX, &n)) {
		return -1;
	}
	*v = (uint32_t)n;
	return 0;
}

static int hex_u16(const char *s, size_t len, uint16_t *v)
{
	uint32_t n = 0;
	size_t i;

	if (len == 0 || len > 4)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!isxdigit(c))
			return -1;
		n = n * 16 + (uint32_t)(isdigit(c) ? c - '0' : tolower(c) - 'a' + 10);
	}
	*v = (uint16_t)n;
	return 0;
}

bool name_chars_valid(const char *name, size_t max)
{
	size_t len = strlen(name);
	size_t i;

	if (len < 1 || len > max)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!isalnum(c) && c != '.' && c != '_' && c != '-')
			return false;
	}
	return true;
}

bool name_is_valid(const char *name)
{
	return name_chars_valid(name, HOTLINE_NAME_MAX);
}

int parse_name(const char *s, char name[HOTLINE_NAME_MAX + 1],
	       struct parse_error *e)
{
	if (!name_is_valid(s))
		return parse_fail(e, "must be 1..%d characters of A-Z a-z 0-9 . _ -",
			    HOTLINE_NAME_MAX);
	snprintf(name, HOTLINE_NAME_MAX + 1, "%s", s);
	return 0;
}

static int addr_parse(const char *s, uint8_t *family, union hl_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->v4) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->v6) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

static unsigned int addr_bits(uint8_t family)
{
	return family == AF_INET ? 32 : 128;
}

/* Clears the bits beyond len; true when any was set. */
static bool mask_host_bits(union hl_addr *a, uint8_t family, unsigned int len)
{
	unsigned int bytes = addr_bits(family) / 8;
	bool had = false;
	unsigned int i;

	for (i = 0; i < bytes; i++) {
		unsigned int keep = len >= 8 * (i + 1) ? 8 :
				    len > 8 * i ? len - 8 * i : 0;
		uint8_t m = keep ? (uint8_t)(0xff << (8 - keep)) : 0;

		if (a->raw[i] & ~m)
			had = true;
		a->raw[i] &= m;
	}
	return had;
}

int parse_prefix(const char *s, struct hl_prefix *p, struct parse_error *e)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	struct hl_prefix r = { 0 };
	uint64_t len;

	if (alen == 0 || alen >= sizeof(addr))
		return parse_fail(e, "must be an IPv4 or IPv6 address with an optional /LEN");
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (addr_parse(addr, &r.family, &r.addr))
		return parse_fail(e, "\"%s\" is not an IPv4 or IPv6 address", addr);
	if (!slash) {
		len = addr_bits(r.family);
	} else if (dec_u64(slash + 1, addr_bits(r.family), &len)) {
		return parse_fail(e, "prefix length must be 0..%u for %s",
			    addr_bits(r.family),
			    r.family == AF_INET ? "IPv4" : "IPv6");
	}
	r.len = (uint8_t)len;
	if (mask_host_bits(&r.addr, r.family, r.len)) {
		char net[HL_FMT_MAX];

		return parse_fail(e, "host bits are set; the network is %s",
			    format_prefix(&r, net));
	}
	*p = r;
	return 0;
}

static const char *const proto_names[] = {
	[HOTLINE_PROTO_ANY] = "any",
	[HOTLINE_PROTO_TCP] = "tcp",
	[HOTLINE_PROTO_UDP] = "udp",
	[HOTLINE_PROTO_ICMP] = "icmp",
	[HOTLINE_PROTO_SCTP] = "sctp",
};

const char *proto_name(uint8_t proto)
{
	return proto <= HOTLINE_PROTO_MAX ? proto_names[proto] : NULL;
}

int parse_proto(const char *s, uint8_t *proto, struct parse_error *e)
{
	unsigned int i;

	for (i = 0; i <= HOTLINE_PROTO_MAX; i++) {
		if (!strcasecmp(s, proto_names[i])) {
			*proto = (uint8_t)i;
			return 0;
		}
	}
	return parse_fail(e, "must be any, tcp, udp, icmp or sctp");
}

int parse_port(const char *s, uint16_t *port, struct parse_error *e)
{
	uint64_t v;

	if (dec_u64(s, 65535, &v) || v == 0)
		return parse_fail(e, "must be a port 1..65535");
	*port = (uint16_t)v;
	return 0;
}

int parse_port_range(const char *s, uint16_t *min, uint16_t *max,
		     struct parse_error *e)
{
	const char *dash = strchr(s, '-');
	char first[8];
	uint64_t a, b;

	if (!dash) {
		if (dec_u64(s, 65535, &a) || a == 0)
			return parse_fail(e, "must be a port 1..65535 or a range N-M");
		*min = *max = (uint16_t)a;
		return 0;
	}
	if ((size_t)(dash - s) >= sizeof(first))
		return parse_fail(e, "must be a port 1..65535 or a range N-M");
	memcpy(first, s, (size_t)(dash - s));
	first[dash - s] = '\0';
	if (dec_u64(first, 65535, &a) || a == 0 ||
	    dec_u64(dash + 1, 65535, &b) || b == 0)
		return parse_fail(e, "must be a port 1..65535 or a range N-M");
	if (b < a)
		return parse_fail(e, "the range ends (%u) below its start (%u)",
			    (unsigned int)b, (unsigned int)a);
	*min = (uint16_t)a;
	*max = (uint16_t)b;
	return 0;
}

/* The first name of a value is the one printed. */
static const struct {
	const char *name;
	uint8_t value;
} dscp_names[] = {
	{ "cs0", 0 }, { "cs1", 8 }, { "cs2", 16 }, { "cs3", 24 },
	{ "cs4", 32 }, { "cs5", 40 }, { "cs6", 48 }, { "cs7", 56 },
	{ "af11", 10 }, { "af12", 12 }, { "af13", 14 },
	{ "af21", 18 }, { "af22", 20 }, { "af23", 22 },
	{ "af31", 26 }, { "af32", 28 }, { "af33", 30 },
	{ "af41", 34 }, { "af42", 36 }, { "af43", 38 },
	{ "ef", 46 }, { "va", 44 }, { "le", 1 },
	{ "default", 0 }, { "df", 0 }, { "be", 0 },
};

const char *dscp_name(uint8_t dscp)
{
	size_t i;

	for (i = 0; i < sizeof(dscp_names) / sizeof(dscp_names[0]); i++)
		if (dscp_names[i].value == dscp)
			return dscp_names[i].name;
	return NULL;
}

int parse_dscp(const char *s, uint8_t *dscp, struct parse_error *e)
{
	uint32_t v;
	size_t i;

	for (i = 0; i < sizeof(dscp_names) / sizeof(dscp_names[0]); i++) {
		if (!strcasecmp(s, dscp_names[i].name)) {
			*dscp = dscp_names[i].value;
			return 0;
		}
	}
	if (num_u32(s, &v) || v > 63)
		return parse_fail(e, "must be 0..63 or a name (ef, csN, afNN)");
	*dscp = (uint8_t)v;
	return 0;
}

int parse_priority(const char *s, uint32_t *prio, struct parse_error *e)
{
	const char *colon = strchr(s, ':');
	uint16_t maj, min;
	uint64_t v;

	if (!colon) {
		if (dec_u64(s, UINT32_MAX, &v))
			goto bad;
		*prio = (uint32_t)v;
		return 0;
	}
	if (hex_u16(s, (size_t)(colon - s), &maj) ||
	    hex_u16(colon + 1, strlen(colon + 1), &min))
		goto bad;
	*prio = (uint32_t)maj << 16 | min;
	return 0;
bad:
	return parse_fail(e, "must be 0..4294967295 or a class id MAJ:MIN in hex (like 1:10)");
}

int parse_mark(const char *s, uint32_t *mark, uint32_t *mask,
	       struct parse_error *e)
{
	const char *slash = strchr(s, '/');
	char val[16];
	uint32_t v, m = UINT32_MAX;

	if (slash) {
		if ((size_t)(slash - s) >= sizeof(val))
			goto bad;
		memcpy(val, s, (size_t)(slash - s));
		val[slash - s] = '\0';
		if (num_u32(val, &v) || num_u32(slash + 1, &m))
			goto bad;
		if (m == 0)
			return parse_fail(e, "the mask must not be 0");
	} else if (num_u32(s, &v)) {
		goto bad;
	}
	if (v & ~m)
		return parse_fail(e, "the value has bits outside the mask");
	*mark = v;
	*mask = m;
	return 0;
bad:
	return parse_fail(e, "must be VALUE[/MASK], each 32-bit decimal or 0x hex");
}

int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *v,
	      struct parse_error *e)
{
	uint64_t n;

	if (dec_u64(s, max, &n) || n < min)
		return parse_fail(e, "must be a number %u..%u", min, max);
	*v = (uint32_t)n;
	return 0;
}

int parse_duration_ms(const char *s, uint32_t min, uint32_t max,
		      uint32_t *ms, struct parse_error *e)
{
	char num[16];
	size_t n = strspn(s, "0123456789");
	uint64_t scale = 1, v;

	if (n == 0 || n >= sizeof(num))
		goto bad;
	if (!strcmp(s + n, "s"))
		scale = 1000;
	else if (s[n] && strcmp(s + n, "ms") != 0)
		goto bad;
	memcpy(num, s, n);
	num[n] = '\0';
	if (dec_u64(num, UINT32_MAX, &v) || v * scale < min || v * scale > max)
		goto bad;
	*ms = (uint32_t)(v * scale);
	return 0;
bad:
	return parse_fail(e, "must be a duration of %u..%u ms (like 200, 200ms or 2s)",
		    min, max);
}

int parse_percent(const char *s, uint32_t *pct, struct parse_error *e)
{
	char num[8];
	size_t n = strspn(s, "0123456789");
	uint64_t v;

	if (n == 0 || n >= sizeof(num) || (s[n] && strcmp(s + n, "%") != 0))
		goto bad;
	memcpy(num, s, n);
	num[n] = '\0';
	if (dec_u64(num, 100, &v))
		goto bad;
	*pct = (uint32_t)v;
	return 0;
bad:
	return parse_fail(e, "must be a percentage 0..100");
}

int parse_probe(const char *s, uint16_t default_port, struct hl_endpoint *ep,
		struct parse_error *e)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *port = NULL, *end;
	struct hl_endpoint r = { 0 };
	bool bracketed = s[0] == '[';
	size_t alen;

	if (bracketed) {
		end = strchr(s, ']');
		if (!end)
			return parse_fail(e, "an IPv6 address in [ ] lacks its ]");
		alen = (size_t)(end - s - 1);
		s++;
		if (end[1] == ':')
			port = end + 2;
		else if (end[1])
			return parse_fail(e, "must be ADDR, ADDR:PORT or [IPv6]:PORT");
	} else {
		end = strchr(s, ':');
		if (end && !strchr(end + 1, ':')) {
			alen = (size_t)(end - s);
			port = end + 1;
		} else {
			alen = strlen(s);
		}
	}
	if (alen == 0 || alen >= sizeof(addr))
		return parse_fail(e, "must be ADDR, ADDR:PORT or [IPv6]:PORT");
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (addr_parse(addr, &r.family, &r.addr))
		return parse_fail(e, "\"%s\" is not an IPv4 or IPv6 address", addr);
	if (bracketed && r.family != AF_INET6)
		return parse_fail(e, "only IPv6 addresses go in [ ]");
	r.port = default_port;
	if (port) {
		uint64_t v;

		if (dec_u64(port, 65535, &v) || v == 0)
			return parse_fail(e, "the port must be 1..65535");
		r.port = (uint16_t)v;
	}
	*ep = r;
	return 0;
}

static const struct {
	const char *unit;
	double scale;	/* bits per second */
} rate_units[] = {
	{ "bit", 1 }, { "kbit", 1e3 }, { "mbit", 1e6 }, { "gbit", 1e9 },
	{ "tbit", 1e12 }, { "kibit", 1024.0 }, { "mibit", 1048576.0 },
	{ "gibit", 1073741824.0 }, { "tibit", 1099511627776.0 },
	/* bytes per second, as tc spells them */
	{ "bps", 8 }, { "kbps", 8e3 }, { "mbps", 8e6 }, { "gbps", 8e9 },
	{ "tbps", 8e12 }, { "kibps", 8192.0 }, { "mibps", 8388608.0 },
	{ "gibps", 8589934592.0 }, { "tibps", 8796093022208.0 },
};

#define RATE_MIN	1000ULL			/* 1kbit */
#define RATE_MAX	10000000000000ULL	/* 10tbit */

int parse_rate(const char *s, uint64_t *bps, struct parse_error *e)
{
	size_t n = strspn(s, "0123456789.");
	char num[32];
	double v, scale = 1;
	size_t i;

	if (n == 0 || n >= sizeof(num) || !isdigit((unsigned char)s[0]))
		goto bad;
	memcpy(num, s, n);
	num[n] = '\0';
	if (strchr(num, '.') != strrchr(num, '.') || num[n - 1] == '.')
		goto bad;
	if (s[n]) {
		for (i = 0; i < sizeof(rate_units) / sizeof(rate_units[0]); i++)
			if (!strcasecmp(s + n, rate_units[i].unit))
				break;
		if (i == sizeof(rate_units) / sizeof(rate_units[0]))
			goto bad;
		scale = rate_units[i].scale;
	}
	errno = 0;
	v = strtod(num, NULL) * scale;
	if (errno || !isfinite(v) || v < (double)RATE_MIN || v > (double)RATE_MAX)
		goto bad;
	*bps = (uint64_t)llround(v);
	return 0;
bad:
	return parse_fail(e, "must be a rate of at least 1kbit, like 500kbit, 20mbit or 1gbit");
}

char *format_prefix(const struct hl_prefix *p, char *buf)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(p->family, &p->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, HL_FMT_MAX, "%s/%u", a, p->len);
	return buf;
}

char *format_port_range(uint16_t min, uint16_t max, char *buf)
{
	if (min == max)
		snprintf(buf, HL_FMT_MAX, "%u", min);
	else
		snprintf(buf, HL_FMT_MAX, "%u-%u", min, max);
	return buf;
}

char *format_dscp(uint8_t dscp, char *buf)
{
	const char *name = dscp_name(dscp);

	if (name)
		snprintf(buf, HL_FMT_MAX, "%s", name);
	else
		snprintf(buf, HL_FMT_MAX, "%u", dscp);
	return buf;
}

char *format_priority(uint32_t prio, char *buf)
{
	if (prio >= 0x10000)
		snprintf(buf, HL_FMT_MAX, "%x:%x", prio >> 16, prio & 0xffff);
	else
		snprintf(buf, HL_FMT_MAX, "%u", prio);
	return buf;
}

char *format_hex32(uint32_t v, char *buf)
{
	snprintf(buf, HL_FMT_MAX, "0x%x", v);
	return buf;
}

char *format_mark(uint32_t mark, uint32_t mask, char *buf)
{
	if (mask == UINT32_MAX)
		snprintf(buf, HL_FMT_MAX, "0x%x", mark);
	else
		snprintf(buf, HL_FMT_MAX, "0x%x/0x%x", mark, mask);
	return buf;
}

char *format_probe(const struct hl_endpoint *ep, char *buf)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(ep->family, &ep->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	if (ep->family == AF_INET6)
		snprintf(buf, HL_FMT_MAX, "[%s]:%u", a, ep->port);
	else
		snprintf(buf, HL_FMT_MAX, "%s:%u", a, ep->port);
	return buf;
}

char *format_rate(uint64_t bps, char *buf)
{
	static const struct {
		const char *unit;
		uint64_t scale;
	} units[] = {
		{ "tbit", 1000000000000ULL }, { "gbit", 1000000000ULL },
		{ "mbit", 1000000ULL }, { "kbit", 1000ULL },
	};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (bps >= units[i].scale && bps % units[i].scale == 0) {
			snprintf(buf, HL_FMT_MAX, "%llu%s",
				 (unsigned long long)(bps / units[i].scale),
				 units[i].unit);
			return buf;
		}
	}
	snprintf(buf, HL_FMT_MAX, "%llubit", (unsigned long long)bps);
	return buf;
}
