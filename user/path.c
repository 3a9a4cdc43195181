// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Paths of a channel (see "Paths" in include/uapi/linux/hotline.h): their
 * defaults, names and the rules across the paths of one channel. Pure
 * functions, shared by the decoder, the config file, the command line and
 * the tests, so all of them refuse the same lists for the same reason and
 * a person hears it before the kernel says it.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include "channel.h"
#include "route.h"

void path_init(struct hl_path *p)
{
	memset(p, 0, sizeof(*p));
	p->pref = HOTLINE_DEFAULT_PATH_PREF;
	p->mark_mask = UINT32_MAX;
}

const struct hl_path *channel_path_find(const struct hl_channel *ch, const char *name)
{
	unsigned int i;

	for (i = 0; i < ch->npaths; i++)
		if (!strcmp(ch->paths[i].name, name))
			return &ch->paths[i];
	return NULL;
}

struct hl_path *channel_path(struct hl_channel *ch, const char *name)
{
	return (struct hl_path *)channel_path_find(ch, name);
}

const struct hl_path *channel_active_path(const struct hl_channel *ch)
{
	unsigned int i;

	for (i = 0; ch->active_path[0] && i < ch->npaths; i++)
		if (!strcmp(ch->paths[i].name, ch->active_path))
			return &ch->paths[i];
	return NULL;
}

bool path_name_is_valid(const char *name)
{
	return name_chars_valid(name, HOTLINE_PATH_NAME_MAX);
}

int parse_path_name(const char *s, char name[HOTLINE_PATH_NAME_MAX + 1],
		    struct parse_error *e)
{
	if (!path_name_is_valid(s))
		return parse_fail(e, "must be 1..%d characters of A-Z a-z 0-9 . _ -",
				  HOTLINE_PATH_NAME_MAX);
	snprintf(name, HOTLINE_PATH_NAME_MAX + 1, "%s", s);
	return 0;
}

static size_t addr_len(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

/* The kernel's own refusals: probes need a unicast source and target. */
static bool addr_is_unicast(uint8_t family, const union hl_addr *a)
{
	static const uint8_t any6[16];

	if (family == AF_INET)
		return a->raw[0] != 0 && (a->raw[0] & 0xf0) != 0xe0 &&
		       a->v4.s_addr != 0xffffffff;
	return memcmp(a->raw, any6, 16) != 0 && a->raw[0] != 0xff;
}

int path_check(const struct hl_path *p, struct parse_error *e)
{
	if (!path_name_is_valid(p->name))
		return parse_fail(e, "a path name is not valid");
	if (!p->mark_mask)
		return parse_fail(e, "path \"%s\": mark mask 0", p->name);
	if (!p->mark)
		return parse_fail(e, "path \"%s\": mark 0 (the mark of no path)", p->name);
	if (p->mark & ~p->mark_mask)
		return parse_fail(e, "path \"%s\": mark 0x%x has bits outside mask 0x%x",
				  p->name, p->mark, p->mark_mask);
	if (p->family != AF_INET && p->family != AF_INET6)
		return parse_fail(e, "path \"%s\" lacks its addresses", p->name);
	if (!addr_is_unicast(p->family, &p->local) ||
	    !addr_is_unicast(p->family, &p->probe))
		return parse_fail(e, "path \"%s\": its addresses must be unicast", p->name);
	if ((p->has & HL_P_PROBE_PORT) && !p->probe_port)
		return parse_fail(e, "path \"%s\": probe port 0", p->name);
	if ((p->has & HL_P_INTERVAL) && (p->interval_ms < HOTLINE_MIN_INTERVAL_MS ||
					 p->interval_ms > HOTLINE_MAX_INTERVAL_MS))
		return parse_fail(e, "path \"%s\": interval %u ms is outside %u..%u",
				  p->name, p->interval_ms, HOTLINE_MIN_INTERVAL_MS,
				  HOTLINE_MAX_INTERVAL_MS);
	if ((p->has & HL_P_DETECT_MULT) && !p->detect_mult)
		return parse_fail(e, "path \"%s\": detect-mult 0", p->name);
	if ((p->has & HL_P_MAX_LOSS) && p->max_loss_pct > 100)
		return parse_fail(e, "path \"%s\": max-loss %u%% is beyond 100",
				  p->name, p->max_loss_pct);
	return path_route_check(p, e);
}

int path_route_check(const struct hl_path *p, struct parse_error *e)
{
	const char *why;

	if (!p->has_route) {
		if (p->has_via)
			return parse_fail(e, "path \"%s\": Via needs Device (the device "
					  "the next hop is reached on)", p->name);
		if (p->table)
			return parse_fail(e, "path \"%s\": Table is the table of the "
					  "route hotlinectl installs: it needs Device",
					  p->name);
		return 0;
	}
	if (!ifname_is_valid(p->dev))
		return parse_fail(e, "path \"%s\": \"%s\" is not a device name",
				  p->name, p->dev);
	if (p->has_via && !addr_is_unicast(p->family, &p->via))
		return parse_fail(e, "path \"%s\": Via must be a unicast address", p->name);
	why = route_table_refused(path_route_table(p));
	if (why)
		return parse_fail(e, "path \"%s\": its table %u (%s): %s", p->name,
				  path_route_table(p), p->table ? "Table" :
				  "the path's mark, when no Table is given", why);
	return 0;
}

uint32_t path_route_table(const struct hl_path *p)
{
	return p->table ? p->table : p->mark;
}

const char *route_table_refused(uint32_t table)
{
	switch (table) {
	case 0:
		return "table 0 is no table";
	case RT_TABLE_DEFAULT:
	case RT_TABLE_MAIN:
	case RT_TABLE_LOCAL:
		return "tables 253 (default), 254 (main) and 255 (local) are the "
		       "kernel's own";
	default:
		return NULL;
	}
}

bool ifname_is_valid(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < IF_NAMESIZE && !strchr(s, '/') && !strpbrk(s, " \t\n:") &&
	       strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

int parse_path_via(const char *s, uint8_t family, union hl_addr *a,
		   struct parse_error *e)
{
	uint8_t f = 0;

	if (parse_path_addr(s, &f, a, e))
		return -1;
	if (family && f != family)
		return parse_fail(e, "not of the path's address family");
	return 0;
}

int parse_path_table(const char *s, uint32_t *table, struct parse_error *e)
{
	const char *why;

	if (parse_u32(s, 1, UINT32_MAX, table, e))
		return -1;
	why = route_table_refused(*table);
	if (why)
		return parse_fail(e, "%s", why);
	return 0;
}

/* The kernel steers by `ip rule fwmark`: two marks equal under their
 * common mask would send both paths' traffic to one table. */
static bool marks_clash(const struct hl_path *a, const struct hl_path *b)
{
	uint32_t common = a->mark_mask & b->mark_mask;

	return common && (a->mark & common) == (b->mark & common);
}

static int pair_check(const struct hl_path *o, const struct hl_path *p,
		      struct parse_error *e)
{
	if (!strcmp(o->name, p->name))
		return parse_fail(e, "path \"%s\" is named twice", p->name);
	if (o->family != p->family)
		return parse_fail(e, "paths \"%s\" and \"%s\" are not of one address family",
				  o->name, p->name);
	if (marks_clash(o, p))
		return parse_fail(e, "paths \"%s\" and \"%s\" have the same mark under "
				  "their common mask", o->name, p->name);
	if (!memcmp(&o->local, &p->local, addr_len(p->family)) &&
	    !memcmp(&o->probe, &p->probe, addr_len(p->family)))
		return parse_fail(e, "paths \"%s\" and \"%s\" probe the same address "
				  "from the same local address", o->name, p->name);
	return 0;
}

int paths_check(const struct hl_channel *ch, struct parse_error *e)
{
	unsigned int i, j;

	if (ch->npaths > HOTLINE_PATHS_MAX)
		return parse_fail(e, "%u paths: at most %d per channel", ch->npaths,
				  HOTLINE_PATHS_MAX);
	for (i = 0; i < ch->npaths; i++) {
		const struct hl_path *p = &ch->paths[i];

		for (j = 0; j < i; j++)
			if (pair_check(&ch->paths[j], p, e))
				return -1;
		if ((ch->has & HL_HAS_PEER) && p->family != ch->peer.family)
			return parse_fail(e, "path \"%s\" is not of the peer's address family",
					  p->name);
		if ((ch->has & HL_HAS_MARK) && ch->mark && (p->mark_mask & ch->mark_mask))
			return parse_fail(e, "path \"%s\": its mark mask shares bits with "
					  "the channel's", p->name);
	}
	return 0;
}

int parse_path_addr(const char *s, uint8_t *family, union hl_addr *a,
		    struct parse_error *e)
{
	struct hl_prefix p;

	if (parse_prefix(s, &p, e))
		return -1;
	if (p.len != (p.family == AF_INET ? 32 : 128))
		return parse_fail(e, "must be an address, not a prefix");
	if (!addr_is_unicast(p.family, &p.addr))
		return parse_fail(e, "must be a unicast address");
	*family = p.family;
	*a = p.addr;
	return 0;
}

int parse_path_probe(const char *s, uint8_t *family, union hl_addr *a,
		     uint16_t *port, struct parse_error *e)
{
	struct hl_endpoint ep;

	if (parse_probe(s, 0, &ep, e))
		return -1;
	if (!addr_is_unicast(ep.family, &ep.addr))
		return parse_fail(e, "must be a unicast address");
	*family = ep.family;
	*a = ep.addr;
	*port = ep.port;
	return 0;
}

char *format_path_addr(uint8_t family, const union hl_addr *a, char *buf)
{
	if (!inet_ntop(family, a, buf, HL_FMT_MAX))
		snprintf(buf, HL_FMT_MAX, "?");
	return buf;
}

char *format_path_probe(const struct hl_path *p, char *buf)
{
	struct hl_endpoint ep = { .family = p->family, .port = p->probe_port,
				  .addr = p->probe };

	if (!(p->has & HL_P_PROBE_PORT))
		return format_path_addr(p->family, &p->probe, buf);
	return format_probe(&ep, buf);
}

size_t path_overrides(const struct hl_path *p, struct path_override out[4])
{
	const struct path_override all[] = {
		{ "Interval", "interval", HL_P_INTERVAL, p->interval_ms },
		{ "DetectMult", "detect-mult", HL_P_DETECT_MULT, p->detect_mult },
		{ "MaxLoss", "max-loss", HL_P_MAX_LOSS, p->max_loss_pct },
		{ "MaxRTT", "max-rtt", HL_P_MAX_RTT, p->max_rtt_ms },
	};
	size_t i, n = 0;

	for (i = 0; i < 4; i++)
		if (p->has & all[i].flag)
			out[n++] = all[i];
	return n;
}
