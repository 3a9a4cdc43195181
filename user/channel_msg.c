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
	if (!(h->has & HL_H_PROBE))
		return parse_fail(e, "health lacks the probe address");
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

/* ---- channel ---- */

struct channel_ctx {
	struct hl_channel *ch;
	bool has_pmin, has_pmax, has_mark, has_mask;
};

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
	}
	/* unknown attributes come from a newer module: skipped */
	return 0;
}

void channel_init(struct hl_channel *ch)
{
	memset(ch, 0, sizeof(*ch));
	ch->proto = HOTLINE_PROTO_ANY;
	ch->dscp = HOTLINE_DEFAULT_DSCP;
	ch->priority = HOTLINE_DEFAULT_PRIORITY;
	ch->mark_mask = UINT32_MAX;
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
	return 0;
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

	if (h->has & HL_H_PROBE) {
		if (h->probe.family == AF_INET)
			mnl_attr_put(nlh, HOTLINE_A_HEALTH_PROBE_ADDR4, 4,
				     &h->probe.addr.v4);
		else
			mnl_attr_put(nlh, HOTLINE_A_HEALTH_PROBE_ADDR6, 16,
				     &h->probe.addr.v6);
		mnl_attr_put_u16(nlh, HOTLINE_A_HEALTH_PROBE_PORT, h->probe.port);
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
	if (ch->has & HL_HAS_HEALTH)
		health_encode(nlh, &ch->health);
}
