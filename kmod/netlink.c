// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "hotline" (include/uapi/linux/hotline.h).
 *
 * Policies reject what is malformed (types, lengths, ranges); the code
 * below rejects what is well-formed but makes no sense, always with an
 * extack message that starts with the field it is about ("peer: ...").
 * A request is parsed completely into a new configuration before the
 * table is touched, so a rejected request changes nothing.
 */
#include <linux/ctype.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/sock.h>
#include "channel.h"
#include "classify.h"
#include "netlink.h"

enum {
	MCGRP_CONFIG,
	MCGRP_HEALTH,
};

static const struct genl_multicast_group hotline_mcgrps[] = {
	[MCGRP_CONFIG] = { .name = HOTLINE_MCGRP_CONFIG },
	[MCGRP_HEALTH] = { .name = HOTLINE_MCGRP_HEALTH },
};

#define READ_ONLY(msg) { .type = NLA_REJECT, .reject_message = msg }

/*
 * The policies check types, strictly. Value ranges and binary lengths are
 * checked by hotline_check_limits() and the parsers instead, because a policy
 * rejection carries only the kernel's generic text ("integer out of
 * range"), while every rejection of ours names the attribute it is about.
 */
static const struct nla_policy prefix_policy[HOTLINE_A_PREFIX_MAX + 1] = {
	[HOTLINE_A_PREFIX_ADDR4] = { .type = NLA_BINARY },
	[HOTLINE_A_PREFIX_ADDR6] = { .type = NLA_BINARY },
	[HOTLINE_A_PREFIX_LEN] = { .type = NLA_U8 },
};

static const struct nla_policy health_policy[HOTLINE_A_HEALTH_MAX + 1] = {
	[HOTLINE_A_HEALTH_PROBE_ADDR4] = { .type = NLA_BINARY },
	[HOTLINE_A_HEALTH_PROBE_ADDR6] = { .type = NLA_BINARY },
	[HOTLINE_A_HEALTH_PROBE_PORT] = { .type = NLA_U16 },
	[HOTLINE_A_HEALTH_LOCAL_PORT] = { .type = NLA_U16 },
	[HOTLINE_A_HEALTH_INTERVAL_MS] = { .type = NLA_U32 },
	[HOTLINE_A_HEALTH_DETECT_MULT] = { .type = NLA_U8 },
	[HOTLINE_A_HEALTH_KEY] = { .type = NLA_BINARY },
	[HOTLINE_A_HEALTH_UNAUTHENTICATED] = { .type = NLA_FLAG },
	[HOTLINE_A_HEALTH_KEYED] = READ_ONLY("health: KEYED is reply-only; send KEY"),
	[HOTLINE_A_HEALTH_MAX_LOSS] = { .type = NLA_U32 },
	[HOTLINE_A_HEALTH_MAX_RTT_MS] = { .type = NLA_U32 },
};

static const struct hotline_attr_limit channel_limits[] = {
	{ HOTLINE_A_CHANNEL_PROTO, 1, 0, HOTLINE_PROTO_MAX,
	  "proto: unknown protocol (0 any, 1 tcp, 2 udp, 3 icmp, 4 sctp)" },
	{ HOTLINE_A_CHANNEL_DSCP, 1, 0, 63, "dscp: out of range 0..63" },
	{ HOTLINE_A_CHANNEL_FAILBACK_MS, 4, 0, HOTLINE_MAX_FAILBACK_MS,
	  "failback: out of range 0..600000 ms" },
	{ HOTLINE_A_CHANNEL_NONREVERTIVE, 1, 0, 1, "nonrevertive: 0 or 1" },
};

static const struct hotline_attr_limit health_limits[] = {
	{ HOTLINE_A_HEALTH_PROBE_ADDR4, 0, 4, 4,
	  "health probe: PROBE_ADDR4 must be 4 bytes" },
	{ HOTLINE_A_HEALTH_PROBE_ADDR6, 0, 16, 16,
	  "health probe: PROBE_ADDR6 must be 16 bytes" },
	{ HOTLINE_A_HEALTH_PROBE_PORT, 2, 1, U16_MAX,
	  "health probe port: out of range 1..65535" },
	{ HOTLINE_A_HEALTH_LOCAL_PORT, 2, 1, U16_MAX,
	  "health local port: out of range 1..65535" },
	{ HOTLINE_A_HEALTH_INTERVAL_MS, 4, HOTLINE_MIN_INTERVAL_MS, HOTLINE_MAX_INTERVAL_MS,
	  "health interval: out of range 10..60000 ms" },
	{ HOTLINE_A_HEALTH_DETECT_MULT, 1, 1, U8_MAX,
	  "health detect-mult: out of range 1..255" },
	{ HOTLINE_A_HEALTH_KEY, 0, HOTLINE_KEY_LEN, HOTLINE_KEY_LEN,
	  "health key: KEY must be 32 bytes" },
	{ HOTLINE_A_HEALTH_MAX_LOSS, 4, 0, 100,
	  "health max-loss: a percentage, 0..100" },
};

/*
 * Every rejection of ours goes through here: @msg names the attribute it
 * is about and @attr points at it (NULL: the request as a whole). What
 * NL_SET_ERR_MSG_ATTR() does, for a message that may be chosen at run time
 * from a table (limits, prefix roles): it must still outlive the request,
 * a literal, because the extack keeps the pointer. Returns -EINVAL.
 */
static int reject(struct netlink_ext_ack *extack, const struct nlattr *attr,
		  const char *msg)
{
	do_trace_netlink_extack(msg);
	if (extack) {
		extack->_msg = msg;
		extack->bad_attr = attr;
		extack->policy = NULL;
	}
	return -EINVAL;
}

int hotline_reject(struct netlink_ext_ack *extack, const struct nlattr *attr,
		   const char *msg)
{
	return reject(extack, attr, msg);
}

/* A required attribute @type is absent from @nest (NULL: the top level). */
static int reject_missing(struct netlink_ext_ack *extack,
			  const struct nlattr *nest, int type, const char *msg)
{
	NL_SET_ERR_ATTR_MISS(extack, nest, type);
	return reject(extack, nest, msg);
}

int hotline_check_limits(struct nlattr **tb, const struct hotline_attr_limit *lim,
			 size_t n, struct netlink_ext_ack *extack)
{
	const struct nlattr *a;
	u32 v;

	for (; n; n--, lim++) {
		a = tb[lim->type];
		if (!a)
			continue;
		switch (lim->width) {
		case 1:
			v = nla_get_u8(a);
			break;
		case 2:
			v = nla_get_u16(a);
			break;
		case 4:
			v = nla_get_u32(a);
			break;
		default:
			v = nla_len(a);
			break;
		}
		if (v < lim->min || v > lim->max) {
			reject(extack, a, lim->msg);
			return lim->width ? -ERANGE : -EINVAL;
		}
	}
	return 0;
}

const struct nla_policy hotline_channel_policy[HOTLINE_A_CHANNEL_MAX + 1] = {
	[HOTLINE_A_CHANNEL_ID] = READ_ONLY("id: assigned by the kernel, reply-only"),
	[HOTLINE_A_CHANNEL_NAME] = { .type = NLA_NUL_STRING },
	[HOTLINE_A_CHANNEL_PEER] = NLA_POLICY_NESTED(prefix_policy),
	[HOTLINE_A_CHANNEL_LOCAL] = NLA_POLICY_NESTED(prefix_policy),
	[HOTLINE_A_CHANNEL_PROTO] = { .type = NLA_U8 },
	[HOTLINE_A_CHANNEL_PORT_MIN] = { .type = NLA_U16 },
	[HOTLINE_A_CHANNEL_PORT_MAX] = { .type = NLA_U16 },
	[HOTLINE_A_CHANNEL_DSCP] = { .type = NLA_U8 },
	[HOTLINE_A_CHANNEL_PRIORITY] = { .type = NLA_U32 },
	[HOTLINE_A_CHANNEL_MARK] = { .type = NLA_U32 },
	[HOTLINE_A_CHANNEL_MARK_MASK] = { .type = NLA_U32 },
	[HOTLINE_A_CHANNEL_STATS] = READ_ONLY("stats: reply-only"),
	[HOTLINE_A_CHANNEL_HEALTH] = NLA_POLICY_NESTED(health_policy),
	[HOTLINE_A_CHANNEL_HEALTH_STATUS] = READ_ONLY("health status: reply-only"),
	[HOTLINE_A_CHANNEL_OLD_STATE] = READ_ONLY("old state: event-only"),
	[HOTLINE_A_CHANNEL_PAD] = READ_ONLY("pad: reply-only"),
	/* parsed by hotline_nl_apply(), nested in it: see kmod/apply.c */
	[HOTLINE_A_CHANNEL_STEP] = { .type = NLA_NESTED },
	/* validated by paths_parse() (kmod/path.c) */
	[HOTLINE_A_CHANNEL_PATHS] = { .type = NLA_NESTED },
	[HOTLINE_A_CHANNEL_FAILBACK_MS] = { .type = NLA_U32 },
	[HOTLINE_A_CHANNEL_NONREVERTIVE] = { .type = NLA_U8 },
	[HOTLINE_A_CHANNEL_ACTIVE_PATH] = READ_ONLY("active path: reply-only"),
	[HOTLINE_A_CHANNEL_ACTIVE_SINCE] = READ_ONLY("active since: reply-only"),
	[HOTLINE_A_CHANNEL_SWITCHES] = READ_ONLY("switches: reply-only"),
	[HOTLINE_A_CHANNEL_PATH] = READ_ONLY("path: event-only"),
	[HOTLINE_A_CHANNEL_SWITCH] = READ_ONLY("switch: event-only"),
};

static struct genl_family hotline_family;

/* Prefix errors name the prefix they are about: one set per role. */
struct prefix_msgs {
	const char *addr4_len;
	const char *addr6_len;
	const char *both;
	const char *no_addr;
	const char *no_len;
	const char *len4;
	const char *len6;
	const char *host_bits;
};

static const struct prefix_msgs peer_msgs = {
	.addr4_len = "peer: address: ADDR4 must be 4 bytes",
	.addr6_len = "peer: address: ADDR6 must be 16 bytes",
	.both = "peer: give ADDR4 or ADDR6, not both",
	.no_addr = "peer: address missing (ADDR4 or ADDR6)",
	.no_len = "peer: prefix length (LEN) missing",
	.len4 = "peer: prefix length above 32 for an IPv4 address",
	.len6 = "peer: prefix length above 128 for an IPv6 address",
	.host_bits = "peer: host bits set beyond the prefix length",
};

static const struct prefix_msgs local_msgs = {
	.addr4_len = "local: address: ADDR4 must be 4 bytes",
	.addr6_len = "local: address: ADDR6 must be 16 bytes",
	.both = "local: give ADDR4 or ADDR6, not both",
	.no_addr = "local: address missing (ADDR4 or ADDR6)",
	.no_len = "local: prefix length (LEN) missing",
	.len4 = "local: prefix length above 32 for an IPv4 address",
	.len6 = "local: prefix length above 128 for an IPv6 address",
	.host_bits = "local: host bits set beyond the prefix length",
};

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/* Fills @name (HOTLINE_NAME_SIZE bytes, zero-padded: it is a hash key). */
int hotline_parse_name(struct nlattr **a, struct netlink_ext_ack *extack, char *name)
{
	const struct nlattr *attr = a[HOTLINE_A_CHANNEL_NAME];
	const char *p;
	size_t len;

	/* every command but APPLY names a channel: none of them takes steps */
	if (a[HOTLINE_A_CHANNEL_STEP])
		return reject(extack, a[HOTLINE_A_CHANNEL_STEP],
			      "step: only in HOTLINE_CMD_APPLY, and not nested in a step");
	if (!attr)
		return reject_missing(extack, NULL, HOTLINE_A_CHANNEL_NAME,
				      "name: required");
	len = strnlen(nla_data(attr), nla_len(attr));
	if (len > HOTLINE_NAME_MAX)
		return reject(extack, attr, "name: longer than 31 bytes");
	/*
	 * The name ends at its NUL. nla_strscpy() would copy what follows it
	 * too, and the zero-padded name is the hash key: "dup\0x" would then
	 * be a second channel shown as "dup".
	 */
	memset(name, 0, HOTLINE_NAME_SIZE);
	memcpy(name, nla_data(attr), len);
	if (!name[0])
		return reject(extack, attr, "name: must not be empty");
	for (p = name; *p; p++)
		if (!name_char_ok(*p))
			return reject(extack, attr,
				      "name: only letters, digits, '.', '_' and '-' are allowed");
	return 0;
}

static int parse_prefix(const struct nlattr *nest, const struct prefix_msgs *m,
			struct hotline_prefix *p, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[HOTLINE_A_PREFIX_MAX + 1];
	const struct nlattr *addr;
	unsigned int maxlen;
	bool host_bits;
	int err;

	err = nla_parse_nested(tb, HOTLINE_A_PREFIX_MAX, nest, prefix_policy, extack);
	if (err)
		return err;
	if (tb[HOTLINE_A_PREFIX_ADDR4] &&
	    nla_len(tb[HOTLINE_A_PREFIX_ADDR4]) != sizeof(struct in_addr))
		return reject(extack, tb[HOTLINE_A_PREFIX_ADDR4], m->addr4_len);
	if (tb[HOTLINE_A_PREFIX_ADDR6] &&
	    nla_len(tb[HOTLINE_A_PREFIX_ADDR6]) != sizeof(struct in6_addr))
		return reject(extack, tb[HOTLINE_A_PREFIX_ADDR6], m->addr6_len);

	memset(p, 0, sizeof(*p));
	if (tb[HOTLINE_A_PREFIX_ADDR4] && tb[HOTLINE_A_PREFIX_ADDR6])
		return reject(extack, tb[HOTLINE_A_PREFIX_ADDR6], m->both);
	if (tb[HOTLINE_A_PREFIX_ADDR4]) {
		addr = tb[HOTLINE_A_PREFIX_ADDR4];
		p->family = AF_INET;
		p->addr.s6_addr32[0] = nla_get_in_addr(addr);
		maxlen = 32;
	} else if (tb[HOTLINE_A_PREFIX_ADDR6]) {
		addr = tb[HOTLINE_A_PREFIX_ADDR6];
		p->family = AF_INET6;
		p->addr = nla_get_in6_addr(addr);
		maxlen = 128;
	} else {
		return reject_missing(extack, nest, HOTLINE_A_PREFIX_ADDR4,
				      m->no_addr);
	}

	if (!tb[HOTLINE_A_PREFIX_LEN])
		return reject_missing(extack, nest, HOTLINE_A_PREFIX_LEN, m->no_len);
	p->len = nla_get_u8(tb[HOTLINE_A_PREFIX_LEN]);
	if (p->len > maxlen)
		return reject(extack, tb[HOTLINE_A_PREFIX_LEN],
			      maxlen == 32 ? m->len4 : m->len6);

	if (p->family == AF_INET) {
		host_bits = p->len < 32 && (ntohl(p->addr.s6_addr32[0]) << p->len);
	} else {
		struct in6_addr masked;

		ipv6_addr_prefix(&masked, &p->addr, p->len);
		host_bits = !ipv6_addr_equal(&masked, &p->addr);
	}
	if (host_bits)
		return reject(extack, addr, m->host_bits);
	return 0;
}

static int parse_probe_addr(struct nlattr **tb, struct hotline_health_cfg *h,
			    struct netlink_ext_ack *extack)
{
	const struct nlattr *a4 = tb[HOTLINE_A_HEALTH_PROBE_ADDR4];
	const struct nlattr *a6 = tb[HOTLINE_A_HEALTH_PROBE_ADDR6];

	if (a4 && a6)
		return reject(extack, a6,
			      "health probe: give PROBE_ADDR4 or PROBE_ADDR6, not both");
	if (a4) {
		__be32 v4 = nla_get_in_addr(a4);

		if (ipv4_is_zeronet(v4) || ipv4_is_multicast(v4) || ipv4_is_lbcast(v4))
			return reject(extack, a4, "health probe: not a unicast address");
		h->family = AF_INET;
		memset(&h->probe, 0, sizeof(h->probe));
		h->probe.v4 = v4;
	} else if (a6) {
		struct in6_addr v6 = nla_get_in6_addr(a6);

		if (ipv6_addr_any(&v6) || ipv6_addr_is_multicast(&v6))
			return reject(extack, a6, "health probe: not a unicast address");
		h->family = AF_INET6;
		h->probe.v6 = v6;
	}
	return 0;
}

/*
 * Fills @h from the health attributes in @tb over the current health
 * configuration of @cfg, or over the defaults when it has none.
 */
static int health_from_attrs(struct nlattr **tb, const struct nlattr *nest,
			     const struct hotline_channel_cfg *cfg,
			     struct hotline_health_cfg *h,
			     struct netlink_ext_ack *extack)
{
	int err;

	if (cfg->has_health) {
		*h = cfg->health;
	} else {
		memset(h, 0, sizeof(*h));
		h->probe_port = HOTLINE_DEFAULT_STAMP_PORT;
		h->local_port = HOTLINE_DEFAULT_STAMP_PORT;
		h->interval_ms = HOTLINE_DEFAULT_INTERVAL_MS;
		h->detect_mult = HOTLINE_DEFAULT_DETECT_MULT;
	}

	if (cfg->n_paths) {
		const struct nlattr *pa = tb[HOTLINE_A_HEALTH_PROBE_ADDR4] ?:
					  tb[HOTLINE_A_HEALTH_PROBE_ADDR6];

		if (pa)
			return reject(extack, pa,
				      "health probe: a channel with paths probes on each path (PROBE_ADDR of the path)");
		/* each path has its own; the channel's would never be used */
		h->family = 0;
		memset(&h->probe, 0, sizeof(h->probe));
	}
	err = parse_probe_addr(tb, h, extack);
	if (err)
		return err;
	if (!h->family && !cfg->n_paths)
		return reject_missing(extack, nest, HOTLINE_A_HEALTH_PROBE_ADDR4,
				      "health probe: address required (PROBE_ADDR4 or PROBE_ADDR6)");
	if (tb[HOTLINE_A_HEALTH_PROBE_PORT])
		h->probe_port = nla_get_u16(tb[HOTLINE_A_HEALTH_PROBE_PORT]);
	if (tb[HOTLINE_A_HEALTH_LOCAL_PORT])
		h->local_port = nla_get_u16(tb[HOTLINE_A_HEALTH_LOCAL_PORT]);
	if (tb[HOTLINE_A_HEALTH_INTERVAL_MS])
		h->interval_ms = nla_get_u32(tb[HOTLINE_A_HEALTH_INTERVAL_MS]);
	if (tb[HOTLINE_A_HEALTH_DETECT_MULT])
		h->detect_mult = nla_get_u8(tb[HOTLINE_A_HEALTH_DETECT_MULT]);

	if (tb[HOTLINE_A_HEALTH_KEY] && tb[HOTLINE_A_HEALTH_UNAUTHENTICATED])
		return reject(extack, tb[HOTLINE_A_HEALTH_UNAUTHENTICATED],
			      "health key: KEY and UNAUTHENTICATED are exclusive");
	if (tb[HOTLINE_A_HEALTH_KEY]) {
		h->keyed = true;
		nla_memcpy(h->key, tb[HOTLINE_A_HEALTH_KEY], sizeof(h->key));
	} else if (tb[HOTLINE_A_HEALTH_UNAUTHENTICATED]) {
		h->keyed = false;
		memzero_explicit(h->key, sizeof(h->key));
	} else if (!cfg->has_health) {
		return reject_missing(extack, nest, HOTLINE_A_HEALTH_KEY,
				      "health key: KEY or UNAUTHENTICATED required");
	}

	if (tb[HOTLINE_A_HEALTH_MAX_LOSS])
		h->max_loss_pct = nla_get_u32(tb[HOTLINE_A_HEALTH_MAX_LOSS]);
	if (tb[HOTLINE_A_HEALTH_MAX_RTT_MS])
		h->max_rtt_ms = nla_get_u32(tb[HOTLINE_A_HEALTH_MAX_RTT_MS]);
	return 0;
}

/*
 * In CHANNEL_SET the attributes given in the nest replace those of the
 * current health configuration and the rest stay, so an interval can be
 * changed without sending the key again. An empty nest turns health off.
 */
static int parse_health(const struct nlattr *nest, struct hotline_channel_cfg *cfg,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[HOTLINE_A_HEALTH_MAX + 1];
	struct hotline_health_cfg h;
	int err;

	if (!nla_len(nest)) {
		cfg->has_health = false;
		memzero_explicit(&cfg->health, sizeof(cfg->health));
		return 0;
	}
	err = nla_parse_nested(tb, HOTLINE_A_HEALTH_MAX, nest, health_policy, extack);
	if (!err)
		err = hotline_check_limits(tb, health_limits, ARRAY_SIZE(health_limits), extack);
	if (err)
		return err;

	err = health_from_attrs(tb, nest, cfg, &h, extack);
	if (!err) {
		cfg->health = h;
		cfg->has_health = true;
	}
	/* a copy of the key must not stay behind on the stack */
	memzero_explicit(&h, sizeof(h));
	return err;
}

static int parse_ports(struct nlattr **a, struct netlink_ext_ack *extack,
		       struct hotline_channel_cfg *cfg)
{
	const struct nlattr *amin = a[HOTLINE_A_CHANNEL_PORT_MIN];
	const struct nlattr *amax = a[HOTLINE_A_CHANNEL_PORT_MAX];
	u16 min, max;

	if (!amin && !amax)
		return 0;
	if (!amin || !amax)
		return reject(extack, amin ?: amax,
			      "port: give both PORT_MIN and PORT_MAX");
	min = nla_get_u16(amin);
	max = nla_get_u16(amax);
	if (!min != !max)
		return reject(extack, min ? amax : amin,
			      "port: 0 only with both 0, which clears the range");
	if (min > max)
		return reject(extack, amin, "port: PORT_MIN is above PORT_MAX");
	cfg->port_min = min;
	cfg->port_max = max;
	return 0;
}

static bool proto_has_ports(u8 proto)
{
	return proto == HOTLINE_PROTO_TCP || proto == HOTLINE_PROTO_UDP ||
	       proto == HOTLINE_PROTO_SCTP;
}

/*
 * Applies the request's attributes to @cfg: defaults for NEW, a copy of
 * the current configuration for SET.
 */
int hotline_parse_cfg(struct nlattr **a, struct netlink_ext_ack *extack,
		      struct hotline_channel_cfg *cfg, bool create)
{
	int err;

	err = hotline_check_limits(a, channel_limits, ARRAY_SIZE(channel_limits), extack);
	if (err)
		return err;
	if (a[HOTLINE_A_CHANNEL_PEER]) {
		err = parse_prefix(a[HOTLINE_A_CHANNEL_PEER], &peer_msgs, &cfg->peer, extack);
		if (err)
			return err;
	} else if (create) {
		return reject_missing(extack, NULL, HOTLINE_A_CHANNEL_PEER, "peer: required");
	}

	if (a[HOTLINE_A_CHANNEL_LOCAL]) {
		if (!nla_len(a[HOTLINE_A_CHANNEL_LOCAL])) {
			memset(&cfg->local, 0, sizeof(cfg->local));
		} else {
			err = parse_prefix(a[HOTLINE_A_CHANNEL_LOCAL], &local_msgs, &cfg->local,
					   extack);
			if (err)
				return err;
		}
	}

	if (a[HOTLINE_A_CHANNEL_PROTO])
		cfg->proto = nla_get_u8(a[HOTLINE_A_CHANNEL_PROTO]);
	err = parse_ports(a, extack, cfg);
	if (err)
		return err;
	if (a[HOTLINE_A_CHANNEL_DSCP])
		cfg->dscp = nla_get_u8(a[HOTLINE_A_CHANNEL_DSCP]);
	if (a[HOTLINE_A_CHANNEL_PRIORITY])
		cfg->priority = nla_get_u32(a[HOTLINE_A_CHANNEL_PRIORITY]);
	if (a[HOTLINE_A_CHANNEL_MARK])
		cfg->mark = nla_get_u32(a[HOTLINE_A_CHANNEL_MARK]);
	if (a[HOTLINE_A_CHANNEL_MARK_MASK])
		cfg->mark_mask = nla_get_u32(a[HOTLINE_A_CHANNEL_MARK_MASK]);
	if (a[HOTLINE_A_CHANNEL_FAILBACK_MS])
		cfg->failback_ms = nla_get_u32(a[HOTLINE_A_CHANNEL_FAILBACK_MS]);
	if (a[HOTLINE_A_CHANNEL_NONREVERTIVE])
		cfg->nonrevertive = nla_get_u8(a[HOTLINE_A_CHANNEL_NONREVERTIVE]);
	/* before health: with paths, health has no probe address of its own */
	if (a[HOTLINE_A_CHANNEL_PATHS]) {
		err = paths_parse(a[HOTLINE_A_CHANNEL_PATHS], cfg, extack);
		if (err)
			return err;
	}
	if (cfg->n_paths && cfg->has_health && cfg->health.family) {
		cfg->health.family = 0;
		memset(&cfg->health.probe, 0, sizeof(cfg->health.probe));
	}
	if (a[HOTLINE_A_CHANNEL_HEALTH]) {
		err = parse_health(a[HOTLINE_A_CHANNEL_HEALTH], cfg, extack);
		if (err)
			return err;
	}

	/*
	 * Rules across attributes, checked on the result: in SET one side
	 * may be old. The message points at the attribute this request sent.
	 */
	if (cfg->local.family && cfg->local.family != cfg->peer.family)
		return reject(extack, a[HOTLINE_A_CHANNEL_LOCAL] ?: a[HOTLINE_A_CHANNEL_PEER],
			      "local: not the same address family as peer");
	if (cfg->port_min && !proto_has_ports(cfg->proto))
		return reject(extack, a[HOTLINE_A_CHANNEL_PORT_MIN] ?: a[HOTLINE_A_CHANNEL_PROTO],
			      "port: only with proto tcp, udp or sctp");
	if (!cfg->n_paths && cfg->has_health && !cfg->health.family)
		return reject(extack, a[HOTLINE_A_CHANNEL_PATHS] ?: a[HOTLINE_A_CHANNEL_HEALTH],
			      "health probe: address required once the channel has no paths (PROBE_ADDR4 or PROBE_ADDR6)");
	return paths_check(a, cfg, extack);
}

static int put_prefix(struct sk_buff *skb, int type, const struct hotline_prefix *p)
{
	struct nlattr *nest = nla_nest_start(skb, type);
	int err;

	if (!nest)
		return -EMSGSIZE;
	if (p->family == AF_INET)
		err = nla_put_in_addr(skb, HOTLINE_A_PREFIX_ADDR4, p->addr.s6_addr32[0]);
	else
		err = nla_put_in6_addr(skb, HOTLINE_A_PREFIX_ADDR6, &p->addr);
	if (err || nla_put_u8(skb, HOTLINE_A_PREFIX_LEN, p->len)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int put_stats(struct sk_buff *skb, const struct hotline_channel *ch)
{
	struct hotline_stats st;
	struct nlattr *nest;

	channel_read_stats(ch, &st);
	nest = nla_nest_start(skb, HOTLINE_A_CHANNEL_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, HOTLINE_A_STATS_RX_PACKETS, st.rx_packets,
			      HOTLINE_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATS_RX_BYTES, st.rx_bytes,
			      HOTLINE_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATS_TX_PACKETS, st.tx_packets,
			      HOTLINE_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, HOTLINE_A_STATS_TX_BYTES, st.tx_bytes,
			      HOTLINE_A_STATS_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The configuration as it was given, except the key: only whether there is one. */
static int put_health(struct sk_buff *skb, const struct hotline_health_cfg *h)
{
	struct nlattr *nest = nla_nest_start(skb, HOTLINE_A_CHANNEL_HEALTH);
	int err;

	if (!nest)
		return -EMSGSIZE;
	if (h->family == AF_INET)
		err = nla_put_in_addr(skb, HOTLINE_A_HEALTH_PROBE_ADDR4, h->probe.v4);
	else if (h->family == AF_INET6)
		err = nla_put_in6_addr(skb, HOTLINE_A_HEALTH_PROBE_ADDR6, &h->probe.v6);
	else
		err = 0;	/* a channel with paths: they have the addresses */
	if (err ||
	    nla_put_u16(skb, HOTLINE_A_HEALTH_PROBE_PORT, h->probe_port) ||
	    nla_put_u16(skb, HOTLINE_A_HEALTH_LOCAL_PORT, h->local_port) ||
	    nla_put_u32(skb, HOTLINE_A_HEALTH_INTERVAL_MS, h->interval_ms) ||
	    nla_put_u8(skb, HOTLINE_A_HEALTH_DETECT_MULT, h->detect_mult) ||
	    nla_put_flag(skb, h->keyed ? HOTLINE_A_HEALTH_KEYED :
					 HOTLINE_A_HEALTH_UNAUTHENTICATED) ||
	    nla_put_u32(skb, HOTLINE_A_HEALTH_MAX_LOSS, h->max_loss_pct) ||
	    nla_put_u32(skb, HOTLINE_A_HEALTH_MAX_RTT_MS, h->max_rtt_ms)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static size_t prefix_size(void)
{
	return nla_total_size(0) + nla_total_size(sizeof(struct in6_addr)) +
	       nla_total_size(sizeof(u8));
}

/*
 * The largest channel message: CHANNEL_GET replies, config events and
 * health events (which carry a subset plus OLD_STATE). Health events are
 * allocated in softirq, so they should not ask for more than they need.
 */
static size_t channel_msg_size(void)
{
	return nla_total_size(sizeof(u32)) +			/* ID */
	       nla_total_size(HOTLINE_NAME_SIZE) +		/* NAME */
	       2 * prefix_size() +				/* PEER, LOCAL */
	       nla_total_size(sizeof(u8)) +			/* PROTO */
	       2 * nla_total_size(sizeof(u16)) +		/* PORT_MIN/MAX */
	       nla_total_size(sizeof(u8)) +			/* DSCP */
	       3 * nla_total_size(sizeof(u32)) +		/* PRIORITY, MARK, MARK_MASK */
	       nla_total_size(0) +				/* STATS */
	       4 * nla_total_size_64bit(sizeof(u64)) +
	       nla_total_size(0) +				/* HEALTH */
	       nla_total_size(sizeof(struct in6_addr)) +
	       2 * nla_total_size(sizeof(u16)) +
	       3 * nla_total_size(sizeof(u32)) +
	       nla_total_size(sizeof(u8)) + nla_total_size(0) +
	       health_status_size() +				/* HEALTH_STATUS */
	       nla_total_size(sizeof(u8)) +			/* OLD_STATE */
	       nla_total_size(HOTLINE_PATH_NAME_SIZE) +		/* PATH */
	       nla_total_size(0) + 2 * nla_total_size(HOTLINE_PATH_NAME_SIZE) +
	       nla_total_size(sizeof(u8));			/* SWITCH */
}

/* Replies and config events: the channel with its paths. */
static size_t channel_full_size(void)
{
	return channel_msg_size() + paths_msg_size();
}

/* The session whose status stands for the channel; RCU or the table mutex. */
static struct hotline_health *channel_status_session(const struct hotline_channel *ch)
{
	const struct hotline_pathset *ps = READ_ONCE(ch->paths);
	struct hotline_health *h = READ_ONCE(ch->health);

	if (!h && ps)
		h = paths_status_session(ps);
	return h;
}

/* The channel as CHANNEL_GET shows it. @cb is set for dumps. */
static int fill_channel(struct sk_buff *skb, const struct hotline_channel *ch,
			const struct hotline_channel_cfg *cfg, u32 portid, u32 seq,
			int flags, u8 cmd, struct netlink_callback *cb)
{
	const struct hotline_health *h;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &hotline_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);

	if (nla_put_u32(skb, HOTLINE_A_CHANNEL_ID, ch->id) ||
	    nla_put_string(skb, HOTLINE_A_CHANNEL_NAME, ch->name) ||
	    put_prefix(skb, HOTLINE_A_CHANNEL_PEER, &cfg->peer) ||
	    (cfg->local.family && put_prefix(skb, HOTLINE_A_CHANNEL_LOCAL, &cfg->local)) ||
	    nla_put_u8(skb, HOTLINE_A_CHANNEL_PROTO, cfg->proto) ||
	    (cfg->port_min &&
	     (nla_put_u16(skb, HOTLINE_A_CHANNEL_PORT_MIN, cfg->port_min) ||
	      nla_put_u16(skb, HOTLINE_A_CHANNEL_PORT_MAX, cfg->port_max))) ||
	    nla_put_u8(skb, HOTLINE_A_CHANNEL_DSCP, cfg->dscp) ||
	    nla_put_u32(skb, HOTLINE_A_CHANNEL_PRIORITY, cfg->priority) ||
	    nla_put_u32(skb, HOTLINE_A_CHANNEL_MARK, cfg->mark) ||
	    nla_put_u32(skb, HOTLINE_A_CHANNEL_MARK_MASK, cfg->mark_mask) ||
	    put_stats(skb, ch) ||
	    (cfg->has_health && put_health(skb, &cfg->health)) ||
	    paths_fill(skb, READ_ONCE(ch->paths), cfg))
		goto cancel;
	h = channel_status_session(ch);
	if (h && health_fill_status(skb, h))
		goto cancel;

	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* A config event, built while the channel is still in the table. */
struct sk_buff *hotline_config_event(struct net *net, const struct hotline_channel *ch,
				     const struct hotline_channel_cfg *cfg, u8 cmd)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&hotline_family, net, MCGRP_CONFIG))
		return NULL;
	skb = genlmsg_new(channel_full_size(), GFP_KERNEL);
	if (!skb)
		return NULL;
	if (fill_channel(skb, ch, cfg, 0, 0, 0, cmd, NULL)) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

void hotline_config_event_send(struct net *net, struct sk_buff *skb)
{
	if (skb)
		genlmsg_multicast_netns(&hotline_family, net, skb, 0, MCGRP_CONFIG,
					GFP_KERNEL);
}

void hotline_config_notify(struct net *net, const struct hotline_channel *ch,
			   const struct hotline_channel_cfg *cfg, u8 cmd)
{
	hotline_config_event_send(net, hotline_config_event(net, ch, cfg, cmd));
}

/*
 * A HEALTH_EVENT with the channel's id, name and peer, or NULL when nobody
 * listens or memory is short. Called from timers and softirqs as well as
 * from process context; RCU read side held. *@hdr for genlmsg_end().
 */
static struct sk_buff *health_event_start(struct net *net, struct hotline_channel *ch,
					  void **hdr)
{
	const struct hotline_channel_cfg *cfg = rcu_dereference(ch->cfg);
	struct sk_buff *skb;

	if (!genl_has_listeners(&hotline_family, net, MCGRP_HEALTH))
		return NULL;
	skb = genlmsg_new(channel_msg_size(), GFP_ATOMIC);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &hotline_family, 0, HOTLINE_CMD_HEALTH_EVENT);
	if (!*hdr || nla_put_u32(skb, HOTLINE_A_CHANNEL_ID, ch->id) ||
	    nla_put_string(skb, HOTLINE_A_CHANNEL_NAME, ch->name) ||
	    put_prefix(skb, HOTLINE_A_CHANNEL_PEER, &cfg->peer)) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

/* Sends what health_event_start() began, or frees it after an error. */
static void health_event_send(struct net *net, struct sk_buff *skb, void *hdr, int err)
{
	if (err) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&hotline_family, net, skb, 0, MCGRP_HEALTH, GFP_ATOMIC);
}

void hotline_nl_notify_health(struct net *net, struct hotline_channel *ch,
			      struct hotline_health *h, u8 old_state)
{
	struct sk_buff *skb;
	void *hdr;
	int err;

	rcu_read_lock();
	skb = health_event_start(net, ch, &hdr);
	if (!skb)
		goto out;
	err = nla_put_u8(skb, HOTLINE_A_CHANNEL_OLD_STATE, old_state);
	/*
	 * NULL only while CHANNEL_NEW/SET has not yet published the session
	 * that is reporting; the event then goes out without the metrics.
	 */
	if (!h)
		h = READ_ONCE(ch->health);
	if (!err && h && health_path_name(h)[0])
		err = nla_put_string(skb, HOTLINE_A_CHANNEL_PATH, health_path_name(h));
	if (!err && h)
		err = health_fill_status(skb, h);
	health_event_send(net, skb, hdr, err);
out:
	rcu_read_unlock();
}

void hotline_nl_notify_switch(struct net *net, struct hotline_channel *ch,
			      const char *from, const char *to, u8 reason,
			      struct hotline_health *h)
{
	struct sk_buff *skb;
	struct nlattr *nest;
	void *hdr;
	int err;

	skb = health_event_start(net, ch, &hdr);
	if (!skb)
		return;
	nest = nla_nest_start(skb, HOTLINE_A_CHANNEL_SWITCH);
	err = !nest ||
	      (from[0] && nla_put_string(skb, HOTLINE_A_SWITCH_FROM, from)) ||
	      (to[0] && nla_put_string(skb, HOTLINE_A_SWITCH_TO, to)) ||
	      nla_put_u8(skb, HOTLINE_A_SWITCH_REASON, reason);
	if (!err) {
		nla_nest_end(skb, nest);
		err = h ? health_fill_status(skb, h) : 0;
	}
	health_event_send(net, skb, hdr, err);
}

/* Probes are hotline traffic: marked like the channel they check. */
void hotline_health_marking(const struct hotline_channel_cfg *cfg,
			    struct hotline_health_marking *m)
{
	m->dscp = cfg->dscp;
	m->priority = cfg->priority;
	m->mark = cfg->mark;
	m->mark_mask = cfg->mark_mask;
}

static int hotline_nl_new(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct hotline_net *hn = hotline_pernet(net);
	struct hotline_channel_cfg *cfg;
	struct hotline_channel *ch;
	char name[HOTLINE_NAME_SIZE];
	int err;

	err = hotline_parse_name(info->attrs, info->extack, name);
	if (err)
		return err;
	cfg = channel_cfg_new();
	if (!cfg)
		return -ENOMEM;
	err = hotline_parse_cfg(info->attrs, info->extack, cfg, true);
	if (err)
		goto out_free;

	mutex_lock(&hn->lock);
	if (channel_find(hn, name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[HOTLINE_A_CHANNEL_NAME],
				    "name: a channel with this name exists");
		err = -EEXIST;
		goto out_unlock;
	}
	err = classify_hooks_need(net, hn, info->extack);
	if (err)
		goto out_unlock;
	ch = channel_create(hn, name, cfg, info->extack);
	if (IS_ERR(ch)) {
		err = PTR_ERR(ch);
		goto out_unlock;
	}
	if (cfg->n_paths) {
		struct paths_change pc;
		LIST_HEAD(none);

		err = paths_prepare(net, ch, NULL, cfg, &pc, info->extack);
		if (err) {
			channel_delete(hn, ch);
			cfg = NULL;	/* freed with the channel */
			goto out_unlock;
		}
		paths_commit(ch, cfg, &pc, &none);
	} else if (cfg->has_health) {
		struct hotline_health_marking marking;
		struct hotline_health *h;

		hotline_health_marking(cfg, &marking);
		h = health_create(net, ch, &cfg->health, &marking, info->extack);
		if (IS_ERR(h)) {
			/* nobody was told about the channel: take it back */
			channel_delete(hn, ch);
			cfg = NULL;	/* freed with the channel */
			err = PTR_ERR(h);
			goto out_unlock;
		}
		WRITE_ONCE(ch->health, h);
	}
	hotline_config_notify(net, ch, cfg, HOTLINE_CMD_CHANNEL_NEW);
	cfg = NULL;		/* the table's now */
out_unlock:
	classify_hooks_idle(net, hn);	/* a first channel that failed */
	mutex_unlock(&hn->lock);
out_free:
	channel_cfg_free(cfg);
	return err;
}

/*
 * CHANNEL_SET: installs @cfg and starts, changes or stops the channel's
 * health session to match, all or nothing. channel_update_prepare() makes
 * the table's one allocation first; then the health step, which fails
 * only before it changes anything (out of memory, port in use, address
 * already probed); then the commit, which cannot fail. So no step is
 * ever undone: a session restarted and restarted back would not be the
 * session it was.
 */
static int set_health(struct net *net, struct hotline_net *hn,
		      struct hotline_channel *ch, struct hotline_channel_cfg *cfg,
		      struct netlink_ext_ack *extack)
{
	struct hotline_health *h = ch->health, *fresh = NULL;
	/* a channel with paths has their sessions instead of its own */
	bool own = cfg->has_health && !cfg->n_paths;
	struct hotline_health_marking marking;
	struct health_change chg = {};
	struct paths_change pc;
	LIST_HEAD(retired);
	int err;

	err = channel_update_prepare(hn, ch, cfg, extack);
	if (err)
		return err;
	hotline_health_marking(cfg, &marking);
	if (h && !own)
		health_set_leaving(h, true);	/* its address is free for a path */
	if (!h && own) {
		fresh = health_prepare(net, ch, &cfg->health, &marking, extack);
		err = PTR_ERR_OR_ZERO(fresh);
		if (err)
			fresh = NULL;
	} else if (h && own) {
		/* keeps the session unless its identity changed */
		err = health_update_prepare(h, &cfg->health, &chg, extack);
	}
	if (!err) {
		err = paths_prepare(net, ch, ch->paths, cfg, &pc, extack);
		if (err && fresh)
			health_cancel(fresh);
		else if (err && h && own)
			health_update_abort(h, &chg);
	}
	if (err) {
		if (h && !own)
			health_set_leaving(h, false);
		channel_update_abort(hn, ch, cfg);
		return err;
	}
	channel_update_commit(hn, ch, cfg);
	if (fresh) {
		health_start(fresh);
		WRITE_ONCE(ch->health, fresh);
	} else if (h && own) {
		health_update_commit(h, &cfg->health, &marking, &chg);
	} else if (h) {
		WRITE_ONCE(ch->health, NULL);
		health_set_leaving(h, false);
		health_retire(h, &retired);
	}
	paths_commit(ch, cfg, &pc, &retired);
	health_reap(&retired);
	return 0;
}

/* The request named a channel that does not exist: -ENOENT. */
static int no_such_channel(struct genl_info *info)
{
	reject(info->extack, info->attrs[HOTLINE_A_CHANNEL_NAME], "name: no such channel");
	return -ENOENT;
}

static struct hotline_channel *find_or_report(struct hotline_net *hn, const char *name,
					      struct genl_info *info)
{
	struct hotline_channel *ch = channel_find(hn, name);

	if (!ch)
		no_such_channel(info);
	return ch;
}

static int hotline_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct hotline_net *hn = hotline_pernet(net);
	struct hotline_channel_cfg *cfg = NULL;
	struct hotline_channel *ch;
	char name[HOTLINE_NAME_SIZE];
	int err;

	err = hotline_parse_name(info->attrs, info->extack, name);
	if (err)
		return err;

	mutex_lock(&hn->lock);
	ch = find_or_report(hn, name, info);
	if (!ch) {
		err = -ENOENT;
		goto out;
	}
	cfg = channel_cfg_dup(channel_cfg_locked(hn, ch));
	if (!cfg) {
		err = -ENOMEM;
		goto out;
	}
	err = hotline_parse_cfg(info->attrs, info->extack, cfg, false);
	if (err)
		goto out;
	err = set_health(net, hn, ch, cfg, info->extack);
	if (err)
		goto out;
	hotline_config_notify(net, ch, cfg, HOTLINE_CMD_CHANNEL_SET);
	cfg = NULL;
out:
	mutex_unlock(&hn->lock);
	channel_cfg_free(cfg);
	return err;
}

void hotline_channel_remove(struct net *net, struct hotline_net *hn,
			    struct hotline_channel *ch)
{
	struct hotline_health *h = ch->health;
	struct sk_buff *event;
	LIST_HEAD(retired);

	event = hotline_config_event(net, ch, channel_cfg_locked(hn, ch),
				     HOTLINE_CMD_CHANNEL_DEL);
	WRITE_ONCE(ch->health, NULL);
	/* its timers use the channel: stopped before the channel is freed */
	health_retire(h, &retired);
	paths_retire(ch->paths, &retired);
	health_reap(&retired);
	paths_shutdown(ch->paths);
	channel_delete(hn, ch);
	hotline_config_event_send(net, event);
}

static int hotline_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct hotline_net *hn = hotline_pernet(net);
	struct hotline_channel *ch;
	char name[HOTLINE_NAME_SIZE];
	int err;

	err = hotline_parse_name(info->attrs, info->extack, name);
	if (err)
		return err;

	mutex_lock(&hn->lock);
	ch = find_or_report(hn, name, info);
	if (!ch) {
		mutex_unlock(&hn->lock);
		return -ENOENT;
	}
	hotline_channel_remove(net, hn, ch);
	classify_hooks_idle(net, hn);
	mutex_unlock(&hn->lock);
	return 0;
}

static int hotline_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct hotline_net *hn = hotline_pernet(genl_info_net(info));
	struct hotline_channel *ch;
	char name[HOTLINE_NAME_SIZE];
	struct sk_buff *msg;
	int err;

	err = hotline_parse_name(info->attrs, info->extack, name);
	if (err)
		return err;
	msg = genlmsg_new(channel_full_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	rcu_read_lock();
	ch = channel_find_rcu(hn, name);
	if (!ch) {
		err = no_such_channel(info);
	} else {
		err = fill_channel(msg, ch, rcu_dereference(ch->cfg), info->snd_portid,
				   info->snd_seq, 0, HOTLINE_CMD_CHANNEL_GET, NULL);
	}
	rcu_read_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * cb->args[0] is the id to continue from. Every change bumps the
 * namespace's generation, so a dump that spans one is flagged
 * NLM_F_DUMP_INTR.
 */
static int hotline_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct hotline_net *hn = hotline_pernet(sock_net(skb->sk));
	struct hotline_channel *ch;
	unsigned long id;
	int err = 0;

	rcu_read_lock();
	cb->seq = READ_ONCE(hn->genid);
	xa_for_each_start(&hn->channels, id, ch, cb->args[0]) {
		err = fill_channel(skb, ch, rcu_dereference(ch->cfg),
				   NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				   NLM_F_MULTI, HOTLINE_CMD_CHANNEL_GET, cb);
		if (err)
			break;
		cb->args[0] = ch->id + 1UL;
	}
	rcu_read_unlock();

	/* Not even one channel fits an empty message: don't loop forever. */
	if (err && !skb->len)
		return err;
	return skb->len;
}

static const struct genl_ops hotline_ops[] = {
	{
		.cmd = HOTLINE_CMD_CHANNEL_NEW,
		.doit = hotline_nl_new,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = HOTLINE_CMD_CHANNEL_SET,
		.doit = hotline_nl_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = HOTLINE_CMD_CHANNEL_DEL,
		.doit = hotline_nl_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = HOTLINE_CMD_CHANNEL_GET,
		.doit = hotline_nl_get,
		.dumpit = hotline_nl_dump,
	},
	{
		.cmd = HOTLINE_CMD_APPLY,
		.doit = hotline_nl_apply,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family hotline_family __ro_after_init = {
	.name = HOTLINE_GENL_NAME,
	.version = HOTLINE_GENL_VERSION,
	.maxattr = HOTLINE_A_CHANNEL_MAX,
	.policy = hotline_channel_policy,
	.netnsok = true,
	/* Our own per-namespace mutex serialises changes; GETs are RCU. */
	.parallel_ops = true,
	/* Every command is strict: reserved header bytes must be zero. */
	.resv_start_op = HOTLINE_CMD_CHANNEL_NEW,
	.module = THIS_MODULE,
	.ops = hotline_ops,
	.n_ops = ARRAY_SIZE(hotline_ops),
	.mcgrps = hotline_mcgrps,
	.n_mcgrps = ARRAY_SIZE(hotline_mcgrps),
};

int hotline_nl_init(void)
{
	return genl_register_family(&hotline_family);
}

void hotline_nl_exit(void)
{
	genl_unregister_family(&hotline_family);
}
