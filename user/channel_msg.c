// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Channel <-> netlink attributes. The decoder trusts nothing it is given:
 * a reply from a buggy or hostile kernel module, or bytes from a fuzzer,
 * either decode into a channel that obeys the contract or are refused with
 * a reason. libmnl's attribute walkers stop quietly at a truncated
 * attribute, so the walk here is done by hand and treats leftovers as an
 * error.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "channel.h"

typedef int (*attr_fn)(const struct nlattr *a, void *data,
		       struct parse_error *e);


static int attrs_walk(const void *buf, size_t len, const char *where,
		      attr_fn fn, void *data, struct parse_error *e)
{
	const char *p = buf;

	while (len > 0) {
		const struct nlattr *a = (const void *)p;
		size_t alen;

		if (len < sizeof(*a))
			return parse_fail(e, "%s: %zu stray bytes after the last attribute",
				    where, len);
		alen = a->nla_len;
		if (alen < sizeof(*a) || alen > len)
			return parse_fail(e, "%s: attribute %u claims %zu bytes, %zu left",
				    where, a->nla_type & NLA_TYPE_MASK, alen, len);
		if (fn(a, data, e))
			return -1;
		alen = MNL_ALIGN(alen);
		if (alen >= len)
			break;
		p += alen;
		len -= alen;
	}
	return 0;
}

static int walk_nested(const struct nlattr *nest, const char *where, attr_fn fn,
		       void *data, struct parse_error *e)
{
	return attrs_walk(mnl_attr_get_payload(nest),
			  mnl_attr_get_payload_len(nest), where, fn, data, e);
}

static int check(const struct nlattr *a, enum mnl_attr_data_type type,
		 const char *name, struct parse_error *e)
{
	if (mnl_attr_validate(a, type) < 0)
		return parse_fail(e, "attribute %s has a wrong length (%u bytes)", name,
			    mnl_attr_get_payload_len(a));
	return 0;
}

static int check_len(const struct nlattr *a, size_t len, const char *name,
		     struct parse_error *e)
{
	if (mnl_attr_get_payload_len(a) != len)
		return parse_fail(e, "attribute %s is %u bytes, not %zu", name,
			    mnl_attr_get_payload_len(a), len);
	return 0;
}

/* ---- prefix ---- */

struct prefix_ctx {
	const char *name;
	struct hl_prefix *p;
	bool has_len;
};

static int prefix_attr(const struct nlattr *a, void *data, struct parse_error *e)
{
	struct prefix_ctx *c = data;
	char what[48];

	switch (mnl_attr_get_type(a)) {
	case HOTLINE_A_PREFIX_ADDR4:
	case HOTLINE_A_PREFIX_ADDR6: {
		bool v4 = mnl_attr_get_type(a) == HOTLINE_A_PREFIX_ADDR4;

		snprintf(what, sizeof(what), "%s ADDR%c", c->name, v4 ? '4' : '6');
		if (check_len(a, v4 ? 4 : 16, what, e))
			return -1;
		if (c->p->family)
			return parse_fail(e, "%s carries two addresses", c->name);
		c->p->family = v4 ? AF_INET : AF_INET6;
		memcpy(&c->p->addr, mnl_attr_get_payload(a), v4 ? 4 : 16);
		break;
	}
	case HOTLINE_A_PREFIX_LEN:
		snprintf(what, sizeof(what), "%s LEN", c->name);
		if (check(a, MNL_TYPE_U8, what, e))
			return -1;
		c->p->len = mnl_attr_get_u8(a);
		c->has_len = true;
		break;
	}
	return 0;
}

static int prefix_decode(const struct nlattr *nest, const char *name,
			 struct hl_prefix *p, struct parse_error *e)
{
	struct prefix_ctx c = { .name = name, .p = p };
	unsigned int bits, i;

	memset(p, 0, sizeof(*p));
	if (check(nest, MNL_TYPE_NESTED, name, e) ||
	    walk_nested(nest, name, prefix_attr, &c, e))
		return -1;
	if (!p->family && !c.has_len)
		return 0;	/* empty: not set */
	if (!p->family || !c.has_len)
		return parse_fail(e, "%s lacks its %s", name,
			    p->family ? "length" : "address");
	bits = p->family == AF_INET ? 32 : 128;
	if (p->len > bits)
		return parse_fail(e, "%s length %u is beyond %u", name, p->len, bits);
	for (i = p->len; i < bits; i++)
		if (p->addr.raw[i / 8] & (0x80 >> (i % 8)))
			return parse_fail(e, "%s has host bits set beyond /%u", name, p->len);
	return 0;
}

/* ---- health configuration ---- */

static int health_attr(const struct nlattr *a, void *data, struct parse_error *e)
{
	struct hl_health *h = data;

	switch (mnl_attr_get_type(a)) {
	case HOTLINE_A_HEALTH_PROBE_ADDR4:
	case HOTLINE_A_HEALTH_PROBE_ADDR6: {
		bool v4 = mnl_attr_get_type(a) == HOTLINE_A_HEALTH_PROBE_ADDR4;

		if (check_len(a, v4 ? 4 : 16, v4 ? "HEALTH_PROBE_ADDR4" :
			      "HEALTH_PROBE_ADDR6", e))
			return -1;
		if (h->has & HL_H_PROBE)
			return parse_fail(e, "health carries two probe addresses");
		h->probe.family = v4 ? AF_INET : AF_INET6;
		memcpy(&h->probe.addr, mnl_attr_get_payload(a), v4 ? 4 : 16);
		h->has |= HL_H_PROBE;
		break;
	}
	case HOTLINE_A_HEALTH_PROBE_PORT:
		if (check(a, MNL_TYPE_U16, "HEALTH_PROBE_PORT", e))
			return -1;
		h->probe.port = mnl_attr_get_u16(a);
		break;
	case HOTLINE_A_HEALTH_LOCAL_PORT:
		if (check(a, MNL_TYPE_U16, "HEALTH_LOCAL_PORT", e))
			return -1;
		h->local_port = mnl_attr_get_u16(a);
		h->has |= HL_H_LOCAL_PORT;
		break;
	case HOTLINE_A_HEALTH_INTERVAL_MS:
		if (check(a, MNL_TYPE_U32, "HEALTH_INTERVAL_MS", e))
			return -1;
		h->interval_ms = mnl_attr_get_u32(a);
		h->has |= HL_H_INTERVAL;
		break;
	case HOTLINE_A_HEALTH_DETECT_MULT:
		if (check(a, MNL_TYPE_U8, "HEALTH_DETECT_MULT", e))
			return -1;
		h->detect_mult = mnl_attr_get_u8(a);
		h->has |= HL_H_DETECT_MULT;
		break;
	case HOTLINE_A_HEALTH_KEY:
		/* never sent back by the contract; refuse rather than hold it */
		return parse_fail(e, "the kernel sent a health key back");
	case HOTLINE_A_HEALTH_UNAUTHENTICATED:
		if (check(a, MNL_TYPE_FLAG, "HEALTH_UNAUTHENTICATED", e))
			return -1;
		h->has |= HL_H_UNAUTH;
		break;
	case HOTLINE_A_HEALTH_KEYED:
		if (check(a, MNL_TYPE_FLAG, "HEALTH_KEYED", e))
			return -1;
		h->keyed = true;
		break;
	case HOTLINE_A_HEALTH_MAX_LOSS:
		if (check(a, MNL_TYPE_U32, "HEALTH_MAX_LOSS", e))
			return -1;
		h->max_loss_pct = mnl_attr_get_u32(a);
		h->has |= HL_H_MAX_LOSS;
		break;
	case HOTLINE_A_HEALTH_MAX_RTT_MS:
		if (check(a, MNL_TYPE_U32, "HEALTH_MAX_RTT_MS", e))
			return -1;
		h->max_rtt_ms = mnl_attr_get_u32(a);
		h->has |= HL_H_MAX_RTT;
		break;
	}
	return 0;
}

/* Returns 1 when the nest is empty (no health), 0 when decoded. */
static int health_decode(const struct nlattr *nest, struct hl_health *h,
			 struct parse_error *e)
{
	memset(h, 0, sizeof(*h));
	h->probe.port = HOTLINE_DEFAULT_STAMP_PORT;
	h->local_port = HOTLINE_DEFAULT_STAMP_PORT;
	h->interval_ms = HOTLINE_DEFAULT_INTERVAL_MS;
	h->detect_mult = HOTLINE_DEFAULT_DETECT_MULT;
	if (check(nest, MNL_TYPE_NESTED, "CHANNEL_HEALTH", e) ||
	    walk_nested(nest, "health", health_attr, h, e))
		return -1;
	if (mnl_attr_get_payload_len(nest) == 0)
		return 1;
	/* without a probe address only with paths: checked on the whole channel */
	if (h->probe.port == 0)
		return parse_fail(e, "health probe port is 0");
	if (h->interval_ms < HOTLINE_MIN_INTERVAL_MS ||
	    h->interval_ms > HOTLINE_MAX_INTERVAL_MS)
		return parse_fail(e, "health interval %u ms is outside %u..%u",
			    h->interval_ms, HOTLINE_MIN_INTERVAL_MS,
			    HOTLINE_MAX_INTERVAL_MS);
	if (h->detect_mult == 0)
		return parse_fail(e, "health detect-mult is 0");
	if (h->max_loss_pct > 100)
		return parse_fail(e, "health max-loss %u%% is beyond 100", h->max_loss_pct);
	if (h->keyed && (h->has & HL_H_UNAUTH))
		return parse_fail(e, "health is both keyed and unauthenticated");
	return 0;
}

/* ---- counters and health status ---- */

static int stats_attr(const struct nlattr *a, void *data, struct parse_error *e)
{
	struct hl_stats *s = data;
	uint64_t *dst;

	switch (mnl_attr_get_type(a)) {
	case HOTLINE_A_STATS_RX_PACKETS: dst = &s->rx_packets; break;
	case HOTLINE_A_STATS_RX_BYTES: dst = &s->rx_bytes; break;
	case HOTLINE_A_STATS_TX_PACKETS: dst = &s->tx_packets; break;
	case HOTLINE_A_STATS_TX_BYTES: dst = &s->tx_bytes; break;
	default: return 0;
	}
	if (check(a, MNL_TYPE_U64, "STATS counter", e))
		return -1;
	*dst = mnl_attr_get_u64(a);
	return 0;
}

static int status_attr(const struct nlattr *a, void *data, struct parse_error *e)
{
	struct hl_status *s = data;
	uint64_t *d64 = NULL;
	uint32_t *d32 = NULL;
	uint16_t type = mnl_attr_get_type(a);
	char what[32];

	snprintf(what, sizeof(what), "STATUS attribute %u", type);
	switch (type) {
	case HOTLINE_A_STATUS_STATE:
	case HOTLINE_A_STATUS_DIAG: {
		uint8_t v;

		if (check(a, MNL_TYPE_U8, what, e))
			return -1;
		v = mnl_attr_get_u8(a);
		if (type == HOTLINE_A_STATUS_STATE && v > HOTLINE_STATE_MAX)
			return parse_fail(e, "unknown health state %u", v);
		if (type == HOTLINE_A_STATUS_DIAG && v > HOTLINE_DIAG_MAX)
			return parse_fail(e, "unknown health diagnostic %u", v);
		*(type == HOTLINE_A_STATUS_STATE ? &s->state : &s->diag) = v;
		return 0;
	}
	case HOTLINE_A_STATUS_FLAPS: d32 = &s->flaps; break;
	case HOTLINE_A_STATUS_LOSS_PPM: d32 = &s->loss_ppm; break;
	case HOTLINE_A_STATUS_WINDOW: d32 = &s->window; break;
	case HOTLINE_A_STATUS_SINCE: d64 = &s->since_ns; break;
	case HOTLINE_A_STATUS_PROBES_SENT: d64 = &s->probes_sent; break;
	case HOTLINE_A_STATUS_PROBES_RECV: d64 = &s->probes_recv; break;
	case HOTLINE_A_STATUS_LOST: d64 = &s->lost; break;
	case HOTLINE_A_STATUS_DUPLICATES: d64 = &s->duplicates; break;
	case HOTLINE_A_STATUS_REORDERED: d64 = &s->reordered; break;
	case HOTLINE_A_STATUS_LATE: d64 = &s->late; break;
	case HOTLINE_A_STATUS_AUTH_FAILURES: d64 = &s->auth_failures; break;
	case HOTLINE_A_STATUS_MALFORMED: d64 = &s->malformed; break;
	case HOTLINE_A_STATUS_REFLECTED: d64 = &s->reflected; break;
	case HOTLINE_A_STATUS_REFLECT_LIMITED: d64 = &s->reflect_limited; break;
	case HOTLINE_A_STATUS_RTT_LAST: d64 = &s->rtt_last; break;
	case HOTLINE_A_STATUS_RTT_MIN: d64 = &s->rtt_min; break;
	case HOTLINE_A_STATUS_RTT_MAX: d64 = &s->rtt_max; break;
	case HOTLINE_A_STATUS_RTT_MEAN: d64 = &s->rtt_mean; break;
	case HOTLINE_A_STATUS_RTT_P50: d64 = &s->rtt_p50; break;
	case HOTLINE_A_STATUS_RTT_P90: d64 = &s->rtt_p90; break;
	case HOTLINE_A_STATUS_RTT_P99: d64 = &s->rtt_p99; break;
	case HOTLINE_A_STATUS_JITTER: d64 = &s->jitter; break;
	case HOTLINE_A_STATUS_SILENCE: d64 = &s->silence_ns; break;
	default: return 0;
	}
	if (d32) {
		if (check(a, MNL_TYPE_U32, what, e))
			return -1;
		*d32 = mnl_attr_get_u32(a);
	} else {
		if (check(a, MNL_TYPE_U64, what, e))
			return -1;
		*d64 = mnl_attr_get_u64(a);
	}
	return 0;
}

/* ---- paths ---- */

struct path_ctx {
	struct hl_path *p;
	uint8_t local_family, probe_family;
	bool has_name, has_mark;
};

/* One of a path's addresses: exactly one of ADDR4 and ADDR6. */
static int path_addr(const struct nlattr *a, bool v4, const char *what,
		     uint8_t *family, union hl_addr *addr, struct parse_error *e)
{
	char name[32];

	snprintf(name, sizeof(name), "PATH_%s_ADDR%c", what, v4 ? '4' : '6');
	if (check_len(a, v4 ? 4 : 16, name, e))
		return -1;
	if (*family)
		return parse_fail(e, "a path carries two %s addresses", what);
	*family = v4 ? AF_INET : AF_INET6;
	memcpy(addr, mnl_attr_get_payload(a), v4 ? 4 : 16);
	return 0;
}

static int path_u32(const struct nlattr *a, const char *name, uint32_t *v,
		    struct parse_error *e)
{
	if (check(a, MNL_TYPE_U32, name, e))
		return -1;
	*v = mnl_attr_get_u32(a);
	return 0;
}

static int path_attr(const struct nlattr *a, void *data, struct parse_error *e)
{
	struct path_ctx *c = data;
	struct hl_path *p = c->p;
	uint16_t type = mnl_attr_get_type(a);

	switch (type) {
	case HOTLINE_A_PATH_NAME:
		c->has_name = true;
		return path_name_decode(a, "PATH_NAME", p->name, e);
	case HOTLINE_A_PATH_PREF:
		if (check(a, MNL_TYPE_U8, "PATH_PREF", e))
			return -1;
		p->pref = mnl_attr_get_u8(a);
		p->has |= HL_P_PREF;
		return 0;
	case HOTLINE_A_PATH_MARK:
		c->has_mark = true;
		return path_u32(a, "PATH_MARK", &p->mark, e);
	case HOTLINE_A_PATH_MARK_MASK:
		p->has |= HL_P_MARK_MASK;
		return path_u32(a, "PATH_MARK_MASK", &p->mark_mask, e);
	case HOTLINE_A_PATH_LOCAL_ADDR4:
	case HOTLINE_A_PATH_LOCAL_ADDR6:
		return path_addr(a, type == HOTLINE_A_PATH_LOCAL_ADDR4, "LOCAL",
				 &c->local_family, &p->local, e);
	case HOTLINE_A_PATH_PROBE_ADDR4:
	case HOTLINE_A_PATH_PROBE_ADDR6:
		return path_addr(a, type == HOTLINE_A_PATH_PROBE_ADDR4, "PROBE",
				 &c->probe_family, &p->probe, e);
	case HOTLINE_A_PATH_PROBE_PORT:
		if (check(a, MNL_TYPE_U16, "PATH_PROBE_PORT", e))
			return -1;
		p->probe_port = mnl_attr_get_u16(a);
		p->has |= HL_P_PROBE_PORT;
		return 0;
	case HOTLINE_A_PATH_INTERVAL_MS:
		p->has |= HL_P_INTERVAL;
		return path_u32(a, "PATH_INTERVAL_MS", &p->interval_ms, e);
	case HOTLINE_A_PATH_DETECT_MULT:
		if (check(a, MNL_TYPE_U8, "PATH_DETECT_MULT", e))
			return -1;
		p->detect_mult = mnl_attr_get_u8(a);
		p->has |= HL_P_DETECT_MULT;
		return 0;
	case HOTLINE_A_PATH_MAX_LOSS:
		p->has |= HL_P_MAX_LOSS;
		return path_u32(a, "PATH_MAX_LOSS", &p->max_loss_pct, e);
	case HOTLINE_A_PATH_MAX_RTT_MS:
		p->has |= HL_P_MAX_RTT;
		return path_u32(a, "PATH_MAX_RTT_MS", &p->max_rtt_ms, e);
	case HOTLINE_A_PATH_STATUS:
		if (check(a, MNL_TYPE_NESTED, "PATH_STATUS", e) ||
		    walk_nested(a, "path status", status_attr, &p->status, e))
			return -1;
		p->has |= HL_P_STATUS;
		return 0;
	case HOTLINE_A_PATH_ACTIVE:
		if (check(a, MNL_TYPE_FLAG, "PATH_ACTIVE", e))
			return -1;
		p->active = true;
		return 0;
	}
	return 0;
}

static int path_decode(const struct nlattr *nest, struct hl_path *p,
		       struct parse_error *e)
{
	struct path_ctx c = { .p = p };

	path_init(p);
	if (check(nest, MNL_TYPE_NESTED, "PATHS_PATH", e) ||
	    walk_nested(nest, "path", path_attr, &c, e))
		return -1;
	if (!c.has_name)
		return parse_fail(e, "a path lacks its name");
	if (!c.has_mark)
		return parse_fail(e, "path \"%s\" lacks its mark", p->name);
	if (!c.local_family || !c.probe_family)
		return parse_fail(e, "path \"%s\" lacks its %s address", p->name,
				  c.local_family ? "probe" : "local");
	if (c.local_family != c.probe_family)
		return parse_fail(e, "path \"%s\": local and probe addresses are not of "
				  "one family", p->name);
	p->family = c.local_family;
	return path_check(p, e);
}

static int paths_attr(const struct nlattr *a, void *data, struct parse_error *e)
{
	struct hl_channel *ch = data;

	if (mnl_attr_get_type(a) != HOTLINE_A_PATHS_PATH)
		return 0;	/* a newer module's: skipped, as elsewhere */
	if (ch->npaths == HOTLINE_PATHS_MAX)
		return parse_fail(e, "more than %d paths", HOTLINE_PATHS_MAX);
	return path_decode(a, &ch->paths[ch->npaths++], e);
}

/* The reply-only view of the active path must agree with itself. */
static int active_check(const struct hl_channel *ch, struct parse_error *e)
{
	unsigned int i, flagged = 0;

	for (i = 0; i < ch->npaths; i++) {
		const struct hl_path *p = &ch->paths[i];

		if (!p->active)
			continue;
		if (++flagged > 1)
			return parse_fail(e, "two paths are flagged active");
		if (strcmp(p->name, ch->active_path) != 0)
			return parse_fail(e, "path \"%s\" is flagged active, the channel "
					  "says \"%s\"", p->name, ch->active_path);
	}
	return 0;
}

int path_name_decode(const struct nlattr *a, const char *what,
		     char name[HOTLINE_PATH_NAME_MAX + 1], struct parse_error *e)
{
	if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0 ||
	    mnl_attr_get_payload_len(a) > HOTLINE_PATH_NAME_MAX + 1 ||
	    !path_name_is_valid(mnl_attr_get_str(a)))
		return parse_fail(e, "attribute %s is not a valid path name", what);
	snprintf(name, HOTLINE_PATH_NAME_MAX + 1, "%s", mnl_attr_get_str(a));
	return 0;
}

struct switch_ctx {
	struct hl_switch *sw;
	bool has_reason;
};

static int switch_attr(const struct nlattr *a, void *data, struct parse_error *e)
{
	struct switch_ctx *c = data;

	switch (mnl_attr_get_type(a)) {
	case HOTLINE_A_SWITCH_FROM:
		return path_name_decode(a, "SWITCH_FROM", c->sw->from, e);
	case HOTLINE_A_SWITCH_TO:
		return path_name_decode(a, "SWITCH_TO", c->sw->to, e);
	case HOTLINE_A_SWITCH_REASON:
		if (check(a, MNL_TYPE_U8, "SWITCH_REASON", e))
			return -1;
		c->sw->reason = mnl_attr_get_u8(a);
		if (c->sw->reason > HOTLINE_SWITCH_MAX)
			return parse_fail(e, "unknown switch reason %u", c->sw->reason);
		c->has_reason = true;
		break;
	}
	return 0;
}

int switch_decode(const struct nlattr *nest, struct hl_switch *sw,
		  struct parse_error *e)
{
	struct switch_ctx c = { .sw = sw };

	memset(sw, 0, sizeof(*sw));
	if (check(nest, MNL_TYPE_NESTED, "CHANNEL_SWITCH", e) ||
	    walk_nested(nest, "switch", switch_attr, &c, e))
		return -1;
	if (!c.has_reason)
		return parse_fail(e, "a switch lacks its reason");
	if (!strcmp(sw->from, sw->to))
		return parse_fail(e, "a switch from \"%s\" to \"%s\" changes nothing",
				  sw->from, sw->to);
	return 0;
}

/* ---- channel ---- */

struct channel_ctx {
	struct hl_channel *ch;
	bool has_pmin, has_pmax, has_mark, has_mask;
	bool has_since, has_switches;
};

/* The failover attributes of a channel (see "Paths" in the UAPI). */
static int channel_path_attr(const struct nlattr *a, struct channel_ctx *c,
			     struct parse_error *e)
{
	struct hl_channel *ch = c->ch;

	switch (mnl_attr_get_type(a)) {
	case HOTLINE_A_CHANNEL_PATHS:
		if (ch->has & HL_HAS_PATHS)
			return parse_fail(e, "a channel carries two path lists");
		if (check(a, MNL_TYPE_NESTED, "CHANNEL_PATHS", e) ||
		    walk_nested(a, "paths", paths_attr, ch, e))
			return -1;
		ch->has |= HL_HAS_PATHS;
		break;
	case HOTLINE_A_CHANNEL_FAILBACK_MS:
		if (check(a, MNL_TYPE_U32, "CHANNEL_FAILBACK_MS", e))
			return -1;
		ch->failback_ms = mnl_attr_get_u32(a);
		if (ch->failback_ms > HOTLINE_MAX_FAILBACK_MS)
			return parse_fail(e, "failback %u ms is beyond %u", ch->failback_ms,
					  HOTLINE_MAX_FAILBACK_MS);
		ch->has |= HL_HAS_FAILBACK;
		break;
	case HOTLINE_A_CHANNEL_NONREVERTIVE:
		if (check(a, MNL_TYPE_U8, "CHANNEL_NONREVERTIVE", e))
			return -1;
		if (mnl_attr_get_u8(a) > 1)
			return parse_fail(e, "nonrevertive %u is not 0 or 1",
					  mnl_attr_get_u8(a));
		ch->nonrevertive = mnl_attr_get_u8(a);
		ch->has |= HL_HAS_REVERTIVE;
		break;
	case HOTLINE_A_CHANNEL_ACTIVE_PATH:
		return path_name_decode(a, "CHANNEL_ACTIVE_PATH", ch->active_path, e);
	case HOTLINE_A_CHANNEL_ACTIVE_SINCE:
		if (check(a, MNL_TYPE_U64, "CHANNEL_ACTIVE_SINCE", e))
			return -1;
		ch->active_since_ns = mnl_attr_get_u64(a);
		c->has_since = true;
		break;
	case HOTLINE_A_CHANNEL_SWITCHES:
		if (check(a, MNL_TYPE_U64, "CHANNEL_SWITCHES", e))
			return -1;
		ch->switches = mnl_attr_get_u64(a);
		c->has_switches = true;
		break;
	}
	/* unknown attributes come from a newer module: skipped */
	return 0;
}

static int channel_attr(const struct nlattr *a, void *data, struct parse_error *e)
{
	struct channel_ctx *c = data;
	struct hl_channel *ch = c->ch;
	int ret;

	switch (mnl_attr_get_type(a)) {
	case HOTLINE_A_CHANNEL_ID:
		if (check(a, MNL_TYPE_U32, "CHANNEL_ID", e))
			return -1;
		ch->id = mnl_attr_get_u32(a);
		ch->has |= HL_HAS_ID;
		break;
	case HOTLINE_A_CHANNEL_NAME:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0 ||
		    mnl_attr_get_payload_len(a) > HOTLINE_NAME_MAX + 1 ||
		    !name_is_valid(mnl_attr_get_str(a)))
			return parse_fail(e, "attribute CHANNEL_NAME is not a valid name");
		snprintf(ch->name, sizeof(ch->name), "%s", mnl_attr_get_str(a));
		ch->has |= HL_HAS_NAME;
		break;
	case HOTLINE_A_CHANNEL_PEER:
		if (prefix_decode(a, "peer", &ch->peer, e))
			return -1;
		if (!ch->peer.family)
			return parse_fail(e, "the peer prefix is empty");
		ch->has |= HL_HAS_PEER;
		break;
	case HOTLINE_A_CHANNEL_LOCAL:
		if (prefix_decode(a, "local", &ch->local, e))
			return -1;
		if (ch->local.family)
			ch->has |= HL_HAS_LOCAL;
		break;
	case HOTLINE_A_CHANNEL_PROTO:
		if (check(a, MNL_TYPE_U8, "CHANNEL_PROTO", e))
			return -1;
		ch->proto = mnl_attr_get_u8(a);
		if (ch->proto > HOTLINE_PROTO_MAX)
			return parse_fail(e, "unknown protocol %u", ch->proto);
		ch->has |= HL_HAS_PROTO;
		break;
	case HOTLINE_A_CHANNEL_PORT_MIN:
		if (check(a, MNL_TYPE_U16, "CHANNEL_PORT_MIN", e))
			return -1;
		ch->port_min = mnl_attr_get_u16(a);
		c->has_pmin = true;
		break;
	case HOTLINE_A_CHANNEL_PORT_MAX:
		if (check(a, MNL_TYPE_U16, "CHANNEL_PORT_MAX", e))
			return -1;
		ch->port_max = mnl_attr_get_u16(a);
		c->has_pmax = true;
		break;
	case HOTLINE_A_CHANNEL_DSCP:
		if (check(a, MNL_TYPE_U8, "CHANNEL_DSCP", e))
			return -1;
		ch->dscp = mnl_attr_get_u8(a);
		if (ch->dscp > 63)
			return parse_fail(e, "DSCP %u is beyond 63", ch->dscp);
		ch->has |= HL_HAS_DSCP;
		break;
	case HOTLINE_A_CHANNEL_PRIORITY:
		if (check(a, MNL_TYPE_U32, "CHANNEL_PRIORITY", e))
			return -1;
		ch->priority = mnl_attr_get_u32(a);
		ch->has |= HL_HAS_PRIORITY;
		break;
	case HOTLINE_A_CHANNEL_MARK:
		if (check(a, MNL_TYPE_U32, "CHANNEL_MARK", e))
			return -1;
		ch->mark = mnl_attr_get_u32(a);
		c->has_mark = true;
		break;
	case HOTLINE_A_CHANNEL_MARK_MASK:
		if (check(a, MNL_TYPE_U32, "CHANNEL_MARK_MASK", e))
			return -1;
		ch->mark_mask = mnl_attr_get_u32(a);
		c->has_mask = true;
		break;
	case HOTLINE_A_CHANNEL_STATS:
		if (check(a, MNL_TYPE_NESTED, "CHANNEL_STATS", e) ||
		    walk_nested(a, "stats", stats_attr, &ch->stats, e))
			return -1;
		ch->has |= HL_HAS_STATS;
		break;
	case HOTLINE_A_CHANNEL_HEALTH:
		ret = health_decode(a, &ch->health, e);
		if (ret < 0)
			return -1;
		if (ret == 0)
			ch->has |= HL_HAS_HEALTH;
		break;
	case HOTLINE_A_CHANNEL_HEALTH_STATUS:
		if (check(a, MNL_TYPE_NESTED, "CHANNEL_HEALTH_STATUS", e) ||
		    walk_nested(a, "health status", status_attr, &ch->status, e))
			return -1;
		ch->has |= HL_HAS_STATUS;
		break;
	default:
		return channel_path_attr(a, c, e);
	}
	return 0;
}

void channel_init(struct hl_channel *ch)
{
	memset(ch, 0, sizeof(*ch));
	ch->proto = HOTLINE_PROTO_ANY;
	ch->dscp = HOTLINE_DEFAULT_DSCP;
	ch->priority = HOTLINE_DEFAULT_PRIORITY;
	ch->mark_mask = UINT32_MAX;
	ch->failback_ms = HOTLINE_DEFAULT_FAILBACK_MS;
}

/* The rules across attributes that arrive in any order. */
static int channel_paths_finish(struct hl_channel *ch, const struct channel_ctx *c,
				struct parse_error *e)
{
	if (ch->npaths && !(ch->has & HL_HAS_HEALTH))
		return parse_fail(e, "a channel has paths but no health settings");
	if ((ch->has & HL_HAS_HEALTH) && !ch->npaths && !(ch->health.has & HL_H_PROBE))
		return parse_fail(e, "health lacks the probe address (and there are no paths)");
	if (ch->npaths && (ch->health.has & HL_H_PROBE))
		return parse_fail(e, "health has a probe address besides paths");
	if (ch->active_path[0] && !ch->npaths)
		return parse_fail(e, "an active path \"%s\" on a channel without paths",
				  ch->active_path);
	if (c->has_since != c->has_switches)
		return parse_fail(e, "the active path's %s comes without its %s",
				  c->has_since ? "time" : "switch count",
				  c->has_since ? "switch count" : "time");
	if (c->has_since)
		ch->has |= HL_HAS_ACTIVE;
	if (paths_check(ch, e))
		return -1;
	return active_check(ch, e);
}

int channel_decode(const struct nlmsghdr *nlh, struct hl_channel *ch,
		   struct parse_error *e)
{
	struct channel_ctx c = { .ch = ch };
	const struct genlmsghdr *g;

	channel_init(ch);
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return parse_fail(e, "message of %u bytes is too short", nlh->nlmsg_len);
	g = mnl_nlmsg_get_payload(nlh);
	if (g->cmd == HOTLINE_CMD_UNSPEC || g->cmd > HOTLINE_CMD_MAX)
		return parse_fail(e, "unknown command %u", g->cmd);
	if (attrs_walk((const char *)g + GENL_HDRLEN,
		       nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, "channel",
		       channel_attr, &c, e))
		return -1;
	if ((ch->has & (HL_HAS_ID | HL_HAS_NAME | HL_HAS_PEER)) !=
	    (HL_HAS_ID | HL_HAS_NAME | HL_HAS_PEER))
		return parse_fail(e, "a channel lacks its %s",
			    !(ch->has & HL_HAS_ID) ? "id" :
			    !(ch->has & HL_HAS_NAME) ? "name" : "peer");
	if (c.has_pmin != c.has_pmax)
		return parse_fail(e, "a port range lacks its %s",
			    c.has_pmin ? "end" : "start");
	if (c.has_pmin && (ch->port_min || ch->port_max)) {
		if (!ch->port_min || ch->port_max < ch->port_min)
			return parse_fail(e, "port range %u-%u is invalid",
				    ch->port_min, ch->port_max);
		ch->has |= HL_HAS_PORT;
	}
	if (c.has_mark || c.has_mask)
		ch->has |= HL_HAS_MARK;
	if ((ch->has & HL_HAS_LOCAL) && ch->local.family != ch->peer.family)
		return parse_fail(e, "the local prefix is not of the peer's family");
	return channel_paths_finish(ch, &c, e);
}

/* ---- encoder ---- */

static void prefix_encode(struct nlmsghdr *nlh, uint16_t type,
			  const struct hl_prefix *p)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	if (p->family == AF_INET)
		mnl_attr_put(nlh, HOTLINE_A_PREFIX_ADDR4, 4, &p->addr.v4);
	else if (p->family == AF_INET6)
		mnl_attr_put(nlh, HOTLINE_A_PREFIX_ADDR6, 16, &p->addr.v6);
	if (p->family)
		mnl_attr_put_u8(nlh, HOTLINE_A_PREFIX_LEN, p->len);
	mnl_attr_nest_end(nlh, nest);
}

static void health_encode(struct nlmsghdr *nlh, const struct hl_health *h)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_HEALTH);

	/* nothing at all clears; without a probe the paths have the addresses */
	if (h->has) {
		if ((h->has & HL_H_PROBE) && h->probe.family == AF_INET)
			mnl_attr_put(nlh, HOTLINE_A_HEALTH_PROBE_ADDR4, 4,
				     &h->probe.addr.v4);
		else if (h->has & HL_H_PROBE)
			mnl_attr_put(nlh, HOTLINE_A_HEALTH_PROBE_ADDR6, 16,
				     &h->probe.addr.v6);
		if (h->probe.port)
			mnl_attr_put_u16(nlh, HOTLINE_A_HEALTH_PROBE_PORT,
					 h->probe.port);
		if (h->has & HL_H_LOCAL_PORT)
			mnl_attr_put_u16(nlh, HOTLINE_A_HEALTH_LOCAL_PORT,
					 h->local_port);
		if (h->has & HL_H_INTERVAL)
			mnl_attr_put_u32(nlh, HOTLINE_A_HEALTH_INTERVAL_MS,
					 h->interval_ms);
		if (h->has & HL_H_DETECT_MULT)
			mnl_attr_put_u8(nlh, HOTLINE_A_HEALTH_DETECT_MULT,
					h->detect_mult);
		if (h->has & HL_H_KEY)
			mnl_attr_put(nlh, HOTLINE_A_HEALTH_KEY, HOTLINE_KEY_LEN,
				     h->key);
		if (h->has & HL_H_UNAUTH)
			mnl_attr_put(nlh, HOTLINE_A_HEALTH_UNAUTHENTICATED, 0, NULL);
		if (h->has & HL_H_MAX_LOSS)
			mnl_attr_put_u32(nlh, HOTLINE_A_HEALTH_MAX_LOSS,
					 h->max_loss_pct);
		if (h->has & HL_H_MAX_RTT)
			mnl_attr_put_u32(nlh, HOTLINE_A_HEALTH_MAX_RTT_MS,
					 h->max_rtt_ms);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void path_addr_encode(struct nlmsghdr *nlh, uint16_t t4, uint16_t t6,
			     uint8_t family, const union hl_addr *a)
{
	if (family == AF_INET)
		mnl_attr_put(nlh, t4, 4, &a->v4);
	else
		mnl_attr_put(nlh, t6, 16, &a->v6);
}

static void path_encode(struct nlmsghdr *nlh, const struct hl_path *p)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, HOTLINE_A_PATHS_PATH);

	mnl_attr_put_strz(nlh, HOTLINE_A_PATH_NAME, p->name);
	mnl_attr_put_u8(nlh, HOTLINE_A_PATH_PREF, p->pref);
	mnl_attr_put_u32(nlh, HOTLINE_A_PATH_MARK, p->mark);
	mnl_attr_put_u32(nlh, HOTLINE_A_PATH_MARK_MASK, p->mark_mask);
	path_addr_encode(nlh, HOTLINE_A_PATH_LOCAL_ADDR4, HOTLINE_A_PATH_LOCAL_ADDR6,
			 p->family, &p->local);
	path_addr_encode(nlh, HOTLINE_A_PATH_PROBE_ADDR4, HOTLINE_A_PATH_PROBE_ADDR6,
			 p->family, &p->probe);
	if (p->has & HL_P_PROBE_PORT)
		mnl_attr_put_u16(nlh, HOTLINE_A_PATH_PROBE_PORT, p->probe_port);
	if (p->has & HL_P_INTERVAL)
		mnl_attr_put_u32(nlh, HOTLINE_A_PATH_INTERVAL_MS, p->interval_ms);
	if (p->has & HL_P_DETECT_MULT)
		mnl_attr_put_u8(nlh, HOTLINE_A_PATH_DETECT_MULT, p->detect_mult);
	if (p->has & HL_P_MAX_LOSS)
		mnl_attr_put_u32(nlh, HOTLINE_A_PATH_MAX_LOSS, p->max_loss_pct);
	if (p->has & HL_P_MAX_RTT)
		mnl_attr_put_u32(nlh, HOTLINE_A_PATH_MAX_RTT_MS, p->max_rtt_ms);
	mnl_attr_nest_end(nlh, nest);
}

/* The whole list: the kernel replaces it, keeping unchanged paths' sessions. */
static void paths_encode(struct nlmsghdr *nlh, const struct hl_channel *ch)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_PATHS);
	unsigned int i;

	for (i = 0; i < ch->npaths; i++)
		path_encode(nlh, &ch->paths[i]);
	mnl_attr_nest_end(nlh, nest);
}

void channel_encode(struct nlmsghdr *nlh, const struct hl_channel *ch)
{
	if (ch->has & HL_HAS_NAME)
		mnl_attr_put_strz(nlh, HOTLINE_A_CHANNEL_NAME, ch->name);
	if (ch->has & HL_HAS_PEER)
		prefix_encode(nlh, HOTLINE_A_CHANNEL_PEER, &ch->peer);
	if (ch->has & HL_HAS_LOCAL)
		prefix_encode(nlh, HOTLINE_A_CHANNEL_LOCAL, &ch->local);
	if (ch->has & HL_HAS_PROTO)
		mnl_attr_put_u8(nlh, HOTLINE_A_CHANNEL_PROTO, ch->proto);
	if (ch->has & HL_HAS_PORT) {
		mnl_attr_put_u16(nlh, HOTLINE_A_CHANNEL_PORT_MIN, ch->port_min);
		mnl_attr_put_u16(nlh, HOTLINE_A_CHANNEL_PORT_MAX, ch->port_max);
	}
	if (ch->has & HL_HAS_DSCP)
		mnl_attr_put_u8(nlh, HOTLINE_A_CHANNEL_DSCP, ch->dscp);
	if (ch->has & HL_HAS_PRIORITY)
		mnl_attr_put_u32(nlh, HOTLINE_A_CHANNEL_PRIORITY, ch->priority);
	if (ch->has & HL_HAS_MARK) {
		mnl_attr_put_u32(nlh, HOTLINE_A_CHANNEL_MARK, ch->mark);
		mnl_attr_put_u32(nlh, HOTLINE_A_CHANNEL_MARK_MASK, ch->mark_mask);
	}
	if (ch->has & HL_HAS_FAILBACK)
		mnl_attr_put_u32(nlh, HOTLINE_A_CHANNEL_FAILBACK_MS, ch->failback_ms);
	if (ch->has & HL_HAS_REVERTIVE)
		mnl_attr_put_u8(nlh, HOTLINE_A_CHANNEL_NONREVERTIVE, ch->nonrevertive);
	if (ch->has & HL_HAS_PATHS)
		paths_encode(nlh, ch);
	if (ch->has & HL_HAS_HEALTH)
		health_encode(nlh, &ch->health);
}
