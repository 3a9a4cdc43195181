// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the channel decoder and encoder (user/channel_msg.c) with
 * hand-built netlink messages: what the contract allows decodes; truncated,
 * oversized, wrong-typed or out-of-range attributes are refused; and no
 * truncation or byte flip of a valid message makes the decoder misbehave
 * (run under ASan/UBSan by run.sh).
 */
#include <arpa/inet.h>
#include <stdlib.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "channel.h"
#include "unit.h"

static uint64_t buf[4096 / 8];	/* 8-aligned, as a receive buffer is */

/* What a mutation may do to the message the builder writes. */
enum variant {
	V_GOOD,
	V_NO_ID, V_NO_NAME, V_NO_PEER,
	V_DSCP_U32, V_PRIO_U16, V_DSCP_64, V_PROTO_9,
	V_NAME_NO_NUL, V_NAME_LONG, V_NAME_SPACE,
	V_PEER_ADDR5, V_PEER_TWO_ADDRS, V_PEER_NO_LEN, V_PEER_LEN33,
	V_PEER_HOSTBITS, V_PEER_EMPTY,
	V_PORT_MIN_ONLY, V_PORT_REVERSED,
	V_HEALTH_INTERVAL_5, V_HEALTH_KEY, V_HEALTH_NO_PROBE,
	V_STATS_U32, V_LOCAL_V6, V_STATE_9, V_UNKNOWN_ATTR,
	V_NEST_SHORT,
};

static void put_prefix4(struct nlmsghdr *nlh, uint16_t type, const char *addr,
			uint8_t len)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, type);
	struct in_addr a;

	inet_pton(AF_INET, addr, &a);
	mnl_attr_put(nlh, HOTLINE_A_PREFIX_ADDR4, 4, &a);
	mnl_attr_put_u8(nlh, HOTLINE_A_PREFIX_LEN, len);
	mnl_attr_nest_end(nlh, n);
}

static struct nlmsghdr *build(enum variant v)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	struct nlattr *n;
	/* pad is never read: it sizes the union for ADDR5 */
	/* cppcheck-suppress unusedStructMember */
	union { struct in_addr a; uint8_t pad[16]; } a4;	/* room for ADDR5 */
	struct in6_addr a6;
#define a a4.a

	memset(buf, 0, sizeof(buf));
	memset(&a4, 0, sizeof(a4));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = 0x20;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = HOTLINE_CMD_CHANNEL_GET;
	g->version = HOTLINE_GENL_VERSION;

	if (v != V_NO_ID)
		mnl_attr_put_u32(nlh, HOTLINE_A_CHANNEL_ID, 7);
	if (v == V_NAME_NO_NUL)
		mnl_attr_put(nlh, HOTLINE_A_CHANNEL_NAME, 4, "cert");
	else if (v == V_NAME_LONG)
		mnl_attr_put_strz(nlh, HOTLINE_A_CHANNEL_NAME,
				  "a-name-that-is-longer-than-31-bytes");
	else if (v == V_NAME_SPACE)
		mnl_attr_put_strz(nlh, HOTLINE_A_CHANNEL_NAME, "ce rt");
	else if (v != V_NO_NAME)
		mnl_attr_put_strz(nlh, HOTLINE_A_CHANNEL_NAME, "cert");

	if (v == V_NO_PEER) {
		/* nothing */
	} else if (v == V_PEER_EMPTY) {
		n = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_PEER);
		mnl_attr_nest_end(nlh, n);
	} else {
		n = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_PEER);
		inet_pton(AF_INET, v == V_PEER_HOSTBITS ? "198.51.100.7" : "198.51.100.0", &a);
		mnl_attr_put(nlh, HOTLINE_A_PREFIX_ADDR4, v == V_PEER_ADDR5 ? 5 : 4, &a4);
		if (v == V_PEER_TWO_ADDRS) {
			inet_pton(AF_INET6, "2001:db8::", &a6);
			mnl_attr_put(nlh, HOTLINE_A_PREFIX_ADDR6, 16, &a6);
		}
		if (v != V_PEER_NO_LEN)
			mnl_attr_put_u8(nlh, HOTLINE_A_PREFIX_LEN, v == V_PEER_LEN33 ? 33 : 24);
		mnl_attr_nest_end(nlh, n);
	}
	if (v == V_LOCAL_V6) {
		n = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_LOCAL);
		inet_pton(AF_INET6, "2001:db8::", &a6);
		mnl_attr_put(nlh, HOTLINE_A_PREFIX_ADDR6, 16, &a6);
		mnl_attr_put_u8(nlh, HOTLINE_A_PREFIX_LEN, 32);
		mnl_attr_nest_end(nlh, n);
	} else {
		put_prefix4(nlh, HOTLINE_A_CHANNEL_LOCAL, "203.0.113.0", 25);
	}
	mnl_attr_put_u8(nlh, HOTLINE_A_CHANNEL_PROTO,
			v == V_PROTO_9 ? 9 : HOTLINE_PROTO_TCP);
	mnl_attr_put_u16(nlh, HOTLINE_A_CHANNEL_PORT_MIN, v == V_PORT_REVERSED ? 2000 : 443);
	if (v != V_PORT_MIN_ONLY)
		mnl_attr_put_u16(nlh, HOTLINE_A_CHANNEL_PORT_MAX,
				 v == V_PORT_REVERSED ? 1000 : 443);
	if (v == V_DSCP_U32)
		mnl_attr_put_u32(nlh, HOTLINE_A_CHANNEL_DSCP, 46);
	else
		mnl_attr_put_u8(nlh, HOTLINE_A_CHANNEL_DSCP, v == V_DSCP_64 ? 64 : 46);
	if (v == V_PRIO_U16)
		mnl_attr_put_u16(nlh, HOTLINE_A_CHANNEL_PRIORITY, 7);
	else
		mnl_attr_put_u32(nlh, HOTLINE_A_CHANNEL_PRIORITY, 0x10010);
	mnl_attr_put_u32(nlh, HOTLINE_A_CHANNEL_MARK, 0x10);
	mnl_attr_put_u32(nlh, HOTLINE_A_CHANNEL_MARK_MASK, 0xff);

	n = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_STATS);
	if (v == V_STATS_U32)
		mnl_attr_put_u32(nlh, HOTLINE_A_STATS_RX_PACKETS, 1);
	else
		mnl_attr_put_u64(nlh, HOTLINE_A_STATS_RX_PACKETS, 11);
	mnl_attr_put_u64(nlh, HOTLINE_A_STATS_RX_BYTES, 1100);
	mnl_attr_put_u64(nlh, HOTLINE_A_STATS_TX_PACKETS, 22);
	mnl_attr_put_u64(nlh, HOTLINE_A_STATS_TX_BYTES, 2200);
	mnl_attr_nest_end(nlh, n);

	n = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_HEALTH);
	if (v != V_HEALTH_NO_PROBE) {
		inet_pton(AF_INET, "198.51.100.7", &a);
		mnl_attr_put(nlh, HOTLINE_A_HEALTH_PROBE_ADDR4, 4, &a);
	}
	mnl_attr_put_u16(nlh, HOTLINE_A_HEALTH_PROBE_PORT, 9000);
	mnl_attr_put_u16(nlh, HOTLINE_A_HEALTH_LOCAL_PORT, 9001);
	mnl_attr_put_u32(nlh, HOTLINE_A_HEALTH_INTERVAL_MS,
			 v == V_HEALTH_INTERVAL_5 ? 5 : 200);
	mnl_attr_put_u8(nlh, HOTLINE_A_HEALTH_DETECT_MULT, 5);
	mnl_attr_put(nlh, HOTLINE_A_HEALTH_KEYED, 0, NULL);
	if (v == V_HEALTH_KEY) {
		uint8_t key[HOTLINE_KEY_LEN] = { 1 };

		mnl_attr_put(nlh, HOTLINE_A_HEALTH_KEY, sizeof(key), key);
	}
	mnl_attr_put_u32(nlh, HOTLINE_A_HEALTH_MAX_LOSS, 5);
	mnl_attr_put_u32(nlh, HOTLINE_A_HEALTH_MAX_RTT_MS, 100);
	mnl_attr_nest_end(nlh, n);

	n = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_HEALTH_STATUS);
	mnl_attr_put_u8(nlh, HOTLINE_A_STATUS_STATE,
			v == V_STATE_9 ? 9 : HOTLINE_STATE_UP);
	mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_RTT_P99, 1234567);
	mnl_attr_put_u32(nlh, HOTLINE_A_STATUS_LOSS_PPM, 250);
	mnl_attr_nest_end(nlh, n);

	if (v == V_UNKNOWN_ATTR)
		mnl_attr_put_u32(nlh, 200, 1);
	if (v == V_NEST_SHORT) {
		/* a STATS nest whose 2 bytes of payload cannot hold an attribute */
		mnl_attr_put(nlh, HOTLINE_A_CHANNEL_STATS, 2, "xx");
	}
	return nlh;
#undef a
}

static void test_good(void)
{
	struct hl_channel ch;
	struct parse_error e = { "" };
	char b[HL_FMT_MAX];
	int r = channel_decode(build(V_GOOD), &ch, &e);

	CHECK(r == 0, "a full channel message decodes", "%s", e.why);
	if (r)
		return;
	CHECK(ch.id == 7 && !strcmp(ch.name, "cert"), "id and name", "%u %s", ch.id,
	      ch.name);
	CHECK(!strcmp(format_prefix(&ch.peer, b), "198.51.100.0/24"), "peer prefix",
	      "%s", b);
	CHECK((ch.has & HL_HAS_LOCAL) && !strcmp(format_prefix(&ch.local, b),
	      "203.0.113.0/25"), "local prefix", "%s", b);
	CHECK(ch.proto == HOTLINE_PROTO_TCP && (ch.has & HL_HAS_PORT) &&
	      ch.port_min == 443 && ch.port_max == 443, "proto and port", "%u %u-%u",
	      ch.proto, ch.port_min, ch.port_max);
	CHECK(ch.dscp == 46 && ch.priority == 0x10010 && ch.mark == 0x10 &&
	      ch.mark_mask == 0xff, "dscp, priority, mark", "%u 0x%x 0x%x/0x%x",
	      ch.dscp, ch.priority, ch.mark, ch.mark_mask);
	CHECK(ch.stats.rx_packets == 11 && ch.stats.rx_bytes == 1100 &&
	      ch.stats.tx_packets == 22 && ch.stats.tx_bytes == 2200, "counters",
	      "%llu", (unsigned long long)ch.stats.rx_packets);
	CHECK((ch.has & HL_HAS_HEALTH) &&
	      !strcmp(format_probe(&ch.health.probe, b), "198.51.100.7:9000") &&
	      ch.health.local_port == 9001 && ch.health.interval_ms == 200 &&
	      ch.health.detect_mult == 5 && ch.health.keyed &&
	      ch.health.max_loss_pct == 5 && ch.health.max_rtt_ms == 100,
	      "health settings", "%s", b);
	CHECK((ch.has & HL_HAS_STATUS) && ch.status.state == HOTLINE_STATE_UP &&
	      ch.status.rtt_p99 == 1234567 && ch.status.loss_ppm == 250,
	      "health status", "state %u", ch.status.state);
}

static void test_minimal_defaults(void)
{
	struct hl_channel ch;
	struct parse_error e = { "" };
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = HOTLINE_CMD_CHANNEL_NEW;
	mnl_attr_put_u32(nlh, HOTLINE_A_CHANNEL_ID, 1);
	mnl_attr_put_strz(nlh, HOTLINE_A_CHANNEL_NAME, "a");
	put_prefix4(nlh, HOTLINE_A_CHANNEL_PEER, "0.0.0.0", 0);
	CHECK(channel_decode(nlh, &ch, &e) == 0 && ch.dscp == 46 && ch.priority == 7 &&
	      ch.proto == HOTLINE_PROTO_ANY && ch.mark_mask == UINT32_MAX &&
	      !(ch.has & (HL_HAS_LOCAL | HL_HAS_PORT | HL_HAS_HEALTH)),
	      "a minimal channel gets the contract's defaults", "%s", e.why);
}

static void refused(enum variant v, const char *name, const char *why_part)
{
	struct hl_channel ch;
	struct parse_error e = { "" };
	int r = channel_decode(build(v), &ch, &e);

	CHECK(r == -1 && strstr(e.why, why_part), name, "got %d, \"%s\"", r, e.why);
}

static void test_refusals(void)
{
	struct hl_channel ch;
	struct parse_error e = { "" };
	struct nlmsghdr *nlh;
	size_t full;

	refused(V_NO_ID, "channel without id refused", "id");
	refused(V_NO_NAME, "channel without name refused", "name");
	refused(V_NO_PEER, "channel without peer refused", "peer");
	refused(V_DSCP_U32, "DSCP sent as u32 refused", "CHANNEL_DSCP");
	refused(V_PRIO_U16, "priority sent as u16 refused", "CHANNEL_PRIORITY");
	refused(V_DSCP_64, "DSCP 64 refused", "beyond 63");
	refused(V_PROTO_9, "unknown protocol refused", "protocol");
	refused(V_NAME_NO_NUL, "name without NUL refused", "CHANNEL_NAME");
	refused(V_NAME_LONG, "name over 31 bytes refused", "CHANNEL_NAME");
	refused(V_NAME_SPACE, "name with a space refused", "CHANNEL_NAME");
	refused(V_PEER_ADDR5, "5-byte IPv4 address refused", "ADDR4");
	refused(V_PEER_TWO_ADDRS, "prefix with two addresses refused", "two addresses");
	refused(V_PEER_NO_LEN, "prefix without length refused", "length");
	refused(V_PEER_LEN33, "IPv4 prefix /33 refused", "beyond 32");
	refused(V_PEER_HOSTBITS, "prefix with host bits refused", "host bits");
	refused(V_PEER_EMPTY, "empty peer refused", "peer");
	refused(V_PORT_MIN_ONLY, "port start without end refused", "end");
	refused(V_PORT_REVERSED, "reversed port range refused", "2000-1000");
	refused(V_HEALTH_INTERVAL_5, "health interval 5 ms refused", "interval");
	refused(V_HEALTH_KEY, "a key sent back refused", "key");
	refused(V_HEALTH_NO_PROBE, "health without probe (and no paths) refused", "probe");
	refused(V_STATS_U32, "32-bit counter refused", "STATS");
	refused(V_LOCAL_V6, "local of the other family refused", "family");
	refused(V_STATE_9, "unknown health state refused", "state");
	refused(V_NEST_SHORT, "nest too short for an attribute refused", "STATS");
	CHECK(channel_decode(build(V_UNKNOWN_ATTR), &ch, &e) == 0,
	      "unknown attribute of a newer module skipped", "%s", e.why);

	/* truncated: the last attribute loses its tail */
	nlh = build(V_GOOD);
	nlh->nlmsg_len -= 2;
	CHECK(channel_decode(nlh, &ch, &e) == -1 && strstr(e.why, "claims"),
	      "truncated attribute refused", "%s", e.why);
	/* oversized: an attribute claims more than the message holds */
	nlh = build(V_GOOD);
	full = nlh->nlmsg_len;
	((struct nlattr *)((char *)buf + NLMSG_HDRLEN + GENL_HDRLEN))->nla_len = 0x7ff0;
	CHECK(channel_decode(nlh, &ch, &e) == -1 && strstr(e.why, "claims"),
	      "attribute longer than the message refused", "%s", e.why);
	/* an attribute shorter than its own header */
	nlh = build(V_GOOD);
	((struct nlattr *)((char *)buf + NLMSG_HDRLEN + GENL_HDRLEN))->nla_len = 2;
	CHECK(channel_decode(nlh, &ch, &e) == -1, "attribute of length 2 refused",
	      "accepted");
	/* stray bytes after the last attribute */
	nlh = build(V_GOOD);
	nlh->nlmsg_len += 2;
	CHECK(channel_decode(nlh, &ch, &e) == -1 && strstr(e.why, "stray"),
	      "stray trailing bytes refused", "%s", e.why);
	nlh = build(V_GOOD);
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	CHECK(channel_decode(nlh, &ch, &e) == -1 && strstr(e.why, "too short"),
	      "message shorter than the genl header refused", "%s", e.why);
	(void)full;
}

/* Every prefix and every single-byte flip, each in a buffer of exactly its
 * length so ASan sees any read beyond it. */
static void test_mutations(void)
{
	struct hl_channel ch;
	struct parse_error e;
	struct nlmsghdr *good = build(V_GOOD);
	size_t len = good->nlmsg_len, cut, i;
	uint8_t *copy = malloc(len), *orig = malloc(len);
	unsigned int decoded = 0, refused_n = 0;

	memcpy(orig, good, len);
	for (cut = NLMSG_HDRLEN; cut <= len; cut++) {
		uint8_t *m = malloc(cut);

		memcpy(m, orig, cut);
		((struct nlmsghdr *)(void *)m)->nlmsg_len = (uint32_t)cut;
		if (channel_decode((struct nlmsghdr *)(void *)m, &ch, &e) == 0)
			decoded++;
		else
			refused_n++;
		free(m);
	}
	CHECK(decoded >= 1 && refused_n > 0, "every truncation decodes or is refused",
	      "%u decoded, %u refused", decoded, refused_n);
	for (i = NLMSG_HDRLEN; i < len; i++) {
		memcpy(copy, orig, len);
		copy[i] ^= 0xff;
		if (channel_decode((struct nlmsghdr *)(void *)copy, &ch, &e) == 0) {
			/* whatever decoded must still obey the contract */
			if (!name_is_valid(ch.name) || ch.dscp > 63 ||
			    ch.proto > HOTLINE_PROTO_MAX ||
			    ch.peer.len > (ch.peer.family == AF_INET ? 32 : 128))
				break;
		}
	}
	CHECK(i == len, "every byte flip decodes within the contract or is refused",
	      "flip at %zu decoded out of contract", i);
	free(copy);
	free(orig);
}

static void test_roundtrip(void)
{
	struct hl_channel in, out;
	struct parse_error e = { "" };
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	channel_init(&in);
	in.has = HL_HAS_NAME | HL_HAS_PEER | HL_HAS_LOCAL | HL_HAS_PROTO | HL_HAS_PORT |
		 HL_HAS_DSCP | HL_HAS_PRIORITY | HL_HAS_MARK | HL_HAS_HEALTH;
	strcpy(in.name, "gov-cert");
	parse_prefix("2001:db8::/48", &in.peer, &e);
	parse_prefix("2001:db8:1::/64", &in.local, &e);
	in.proto = HOTLINE_PROTO_UDP;
	in.port_min = 1000;
	in.port_max = 2000;
	in.dscp = 34;
	in.priority = 0x10010;
	in.mark = 0x100;
	in.mark_mask = 0xf00;
	in.health.has = HL_H_PROBE | HL_H_INTERVAL | HL_H_DETECT_MULT | HL_H_UNAUTH |
			HL_H_MAX_LOSS | HL_H_MAX_RTT | HL_H_LOCAL_PORT;
	parse_probe("[2001:db8::7]:9000", 862, &in.health.probe, &e);
	in.health.local_port = 9001;
	in.health.interval_ms = 50;
	in.health.detect_mult = 4;
	in.health.max_loss_pct = 10;
	in.health.max_rtt_ms = 30;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = HOTLINE_CMD_CHANNEL_NEW;
	mnl_attr_put_u32(nlh, HOTLINE_A_CHANNEL_ID, 3);	/* the kernel adds it */
	channel_encode(nlh, &in);
	CHECK(channel_decode(nlh, &out, &e) == 0 && !strcmp(out.name, in.name) &&
	      !memcmp(&out.peer, &in.peer, sizeof(in.peer)) &&
	      !memcmp(&out.local, &in.local, sizeof(in.local)) &&
	      out.proto == in.proto && out.port_min == 1000 && out.port_max == 2000 &&
	      out.dscp == 34 && out.priority == 0x10010 && out.mark == 0x100 &&
	      out.mark_mask == 0xf00 &&
	      !memcmp(&out.health.probe, &in.health.probe, sizeof(in.health.probe)) &&
	      out.health.local_port == 9001 && out.health.interval_ms == 50 &&
	      out.health.detect_mult == 4 && (out.health.has & HL_H_UNAUTH) &&
	      out.health.max_loss_pct == 10 && out.health.max_rtt_ms == 30,
	      "encode then decode gives the channel back", "%s", e.why);

	/* clearing: empty LOCAL and HEALTH nests, port 0-0 */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = HOTLINE_CMD_CHANNEL_SET;
	channel_init(&in);
	in.has = HL_HAS_NAME | HL_HAS_LOCAL | HL_HAS_PORT | HL_HAS_HEALTH;
	strcpy(in.name, "gov-cert");
	channel_encode(nlh, &in);
	{
		const struct nlattr *a;
		int local_empty = 0, health_empty = 0, port0 = 0;

		mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
			if (mnl_attr_get_type(a) == HOTLINE_A_CHANNEL_LOCAL)
				local_empty = mnl_attr_get_payload_len(a) == 0;
			if (mnl_attr_get_type(a) == HOTLINE_A_CHANNEL_HEALTH)
				health_empty = mnl_attr_get_payload_len(a) == 0;
			if (mnl_attr_get_type(a) == HOTLINE_A_CHANNEL_PORT_MIN)
				port0 = mnl_attr_get_u16(a) == 0;
		}
		CHECK(local_empty && health_empty && port0,
		      "clearing sends empty nests and port 0", "%d %d %d",
		      local_empty, health_empty, port0);
	}
}

/* ---- paths ---- */

enum pvariant {
	P_GOOD, P_NINE, P_DUP_NAME, P_NO_MARK, P_MARK_0, P_MARK_OUTSIDE,
	P_NO_LOCAL, P_TWO_LOCALS, P_MIXED_FAMILY, P_PATH_V6_PEER_V4, P_LONG_NAME,
	P_BAD_NAME, P_MARK_CLASH, P_INTERVAL_5, P_LOSS_101, P_NO_HEALTH,
	P_HEALTH_PROBE, P_ACTIVE_WRONG, P_TWO_ACTIVE, P_FAILBACK_BIG,
	P_NONREV_2, P_SINCE_ONLY, P_ACTIVE_NO_PATHS, P_MULTICAST, P_PREF_U32,
	P_HEALTH_LAST,
};

static void put_addr(struct nlmsghdr *nlh, uint16_t t4, uint16_t t6, const char *s)
{
	union { struct in_addr a4; struct in6_addr a6; } a;

	if (inet_pton(AF_INET, s, &a.a4) == 1)
		mnl_attr_put(nlh, t4, 4, &a.a4);
	else if (inet_pton(AF_INET6, s, &a.a6) == 1)
		mnl_attr_put(nlh, t6, 16, &a.a6);
}

static void put_path(struct nlmsghdr *nlh, enum pvariant v, const char *name,
		     uint32_t mark, const char *local, const char *probe, bool active)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, HOTLINE_A_PATHS_PATH), *st;

	mnl_attr_put_strz(nlh, HOTLINE_A_PATH_NAME, name);
	if (v == P_PREF_U32)
		mnl_attr_put_u32(nlh, HOTLINE_A_PATH_PREF, 10);
	else
		mnl_attr_put_u8(nlh, HOTLINE_A_PATH_PREF, 10);
	if (v != P_NO_MARK)
		mnl_attr_put_u32(nlh, HOTLINE_A_PATH_MARK, v == P_MARK_0 ? 0 :
				 v == P_MARK_OUTSIDE ? 0x10001 : mark);
	mnl_attr_put_u32(nlh, HOTLINE_A_PATH_MARK_MASK, 0xff00);
	if (v != P_NO_LOCAL)
		put_addr(nlh, HOTLINE_A_PATH_LOCAL_ADDR4, HOTLINE_A_PATH_LOCAL_ADDR6, local);
	if (v == P_TWO_LOCALS)
		put_addr(nlh, HOTLINE_A_PATH_LOCAL_ADDR4, HOTLINE_A_PATH_LOCAL_ADDR6,
			 "192.0.2.99");
	put_addr(nlh, HOTLINE_A_PATH_PROBE_ADDR4, HOTLINE_A_PATH_PROBE_ADDR6,
		 v == P_MIXED_FAMILY ? "2001:db8::1" : v == P_MULTICAST ? "224.0.0.1" :
		 probe);
	mnl_attr_put_u16(nlh, HOTLINE_A_PATH_PROBE_PORT, 9000);
	mnl_attr_put_u32(nlh, HOTLINE_A_PATH_INTERVAL_MS, v == P_INTERVAL_5 ? 5 : 20);
	mnl_attr_put_u32(nlh, HOTLINE_A_PATH_MAX_LOSS, v == P_LOSS_101 ? 101 : 7);
	st = mnl_attr_nest_start(nlh, HOTLINE_A_PATH_STATUS);
	mnl_attr_put_u8(nlh, HOTLINE_A_STATUS_STATE, active ? HOTLINE_STATE_UP :
			HOTLINE_STATE_DOWN);
	mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_RTT_P50, active ? 2000000 : 0);
	mnl_attr_nest_end(nlh, st);
	if (active)
		mnl_attr_put(nlh, HOTLINE_A_PATH_ACTIVE, 0, NULL);
	mnl_attr_nest_end(nlh, n);
}

static void put_health_nopr(struct nlmsghdr *nlh, bool with_probe)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_HEALTH);

	if (with_probe)
		put_addr(nlh, HOTLINE_A_HEALTH_PROBE_ADDR4, 0, "198.51.100.7");
	mnl_attr_put_u16(nlh, HOTLINE_A_HEALTH_PROBE_PORT, 862);
	mnl_attr_put_u32(nlh, HOTLINE_A_HEALTH_INTERVAL_MS, 100);
	mnl_attr_put(nlh, HOTLINE_A_HEALTH_UNAUTHENTICATED, 0, NULL);
	mnl_attr_nest_end(nlh, n);
}

/* A channel with paths as the kernel replies; v breaks one thing. */
static struct nlmsghdr *build_paths(enum pvariant v)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	struct nlattr *n;
	const char *const names[] = { "isp-a", "isp-b", "c", "d", "e", "f", "g", "h", "i" };
	unsigned int i;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = HOTLINE_CMD_CHANNEL_GET;
	mnl_attr_put_u32(nlh, HOTLINE_A_CHANNEL_ID, 9);
	mnl_attr_put_strz(nlh, HOTLINE_A_CHANNEL_NAME, "cert");
	put_prefix4(nlh, HOTLINE_A_CHANNEL_PEER, "198.51.100.0", 24);
	/* health after the paths in P_HEALTH_LAST: order is not guaranteed */
	if (v != P_NO_HEALTH && v != P_HEALTH_LAST)
		put_health_nopr(nlh, v == P_HEALTH_PROBE || v == P_ACTIVE_NO_PATHS);
	mnl_attr_put_u32(nlh, HOTLINE_A_CHANNEL_FAILBACK_MS, v == P_FAILBACK_BIG ?
			 600001 : 3000);
	mnl_attr_put_u8(nlh, HOTLINE_A_CHANNEL_NONREVERTIVE, v == P_NONREV_2 ? 2 : 1);
	if (v == P_ACTIVE_NO_PATHS) {
		mnl_attr_put_strz(nlh, HOTLINE_A_CHANNEL_ACTIVE_PATH, "isp-a");
		return nlh;
	}
	mnl_attr_put_strz(nlh, HOTLINE_A_CHANNEL_ACTIVE_PATH,
			  v == P_ACTIVE_WRONG ? "isp-b" : "isp-a");
	mnl_attr_put_u64(nlh, HOTLINE_A_CHANNEL_ACTIVE_SINCE, 1764195212000000000ULL);
	if (v != P_SINCE_ONLY)
		mnl_attr_put_u64(nlh, HOTLINE_A_CHANNEL_SWITCHES, 4);
	n = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_PATHS);
	put_path(nlh, v, "isp-a", 0x100, "192.0.2.1", "198.51.100.1", true);
	put_path(nlh, v == P_MULTICAST || v == P_MIXED_FAMILY ? P_GOOD : v,
		 v == P_DUP_NAME ? "isp-a" : v == P_LONG_NAME ? "sixteen-bytes-xx" :
		 v == P_BAD_NAME ? "isp b" : "isp-b",
		 v == P_MARK_CLASH ? 0x100 : 0x200,
		 v == P_PATH_V6_PEER_V4 ? "2001:db8::2" : "203.0.113.1",
		 v == P_PATH_V6_PEER_V4 ? "2001:db8::3" : "198.51.100.2",
		 v == P_TWO_ACTIVE);
	for (i = 2; v == P_NINE && i < 9; i++)
		put_path(nlh, P_GOOD, names[i], (i + 1) << 8, "192.0.2.1",
			 "198.51.100.1", false);
	mnl_attr_nest_end(nlh, n);
	if (v == P_HEALTH_LAST)
		put_health_nopr(nlh, false);
	return nlh;
}

static void path_refused(enum pvariant v, const char *name, const char *why_part)
{
	struct hl_channel ch;
	struct parse_error e = { "" };
	int r = channel_decode(build_paths(v), &ch, &e);

	CHECK(r == -1 && strstr(e.why, why_part), name, "got %d, \"%s\"", r, e.why);
}

static void test_paths_decode(void)
{
	struct hl_channel ch;
	struct parse_error e = { "" };
	const struct hl_path *a, *b;
	char buf1[HL_FMT_MAX], buf2[HL_FMT_MAX];
	int r = channel_decode(build_paths(P_GOOD), &ch, &e);

	CHECK(r == 0, "a channel with paths decodes (health without a probe)", "%s", e.why);
	if (r)
		return;
	a = &ch.paths[0];
	b = &ch.paths[1];
	CHECK(ch.npaths == 2 && !strcmp(a->name, "isp-a") && !strcmp(b->name, "isp-b") &&
	      a->pref == 10 && a->mark == 0x100 && a->mark_mask == 0xff00 &&
	      a->family == AF_INET &&
	      !strcmp(format_path_addr(a->family, &a->local, buf1), "192.0.2.1") &&
	      !strcmp(format_path_probe(a, buf2), "198.51.100.1:9000") &&
	      a->interval_ms == 20 && (a->has & HL_P_INTERVAL) &&
	      !(a->has & HL_P_DETECT_MULT) && a->max_loss_pct == 7,
	      "path settings decode", "%u paths, %s %s", ch.npaths, buf1, buf2);
	CHECK((ch.has & HL_HAS_ACTIVE) && !strcmp(ch.active_path, "isp-a") &&
	      a->active && !b->active && ch.switches == 4 &&
	      ch.active_since_ns == 1764195212000000000ULL &&
	      (a->has & HL_P_STATUS) && a->status.state == HOTLINE_STATE_UP &&
	      a->status.rtt_p50 == 2000000 && b->status.state == HOTLINE_STATE_DOWN,
	      "active path, switches and per-path status decode", "%s", ch.active_path);
	CHECK(ch.failback_ms == 3000 && ch.nonrevertive &&
	      (ch.has & (HL_HAS_FAILBACK | HL_HAS_REVERTIVE | HL_HAS_PATHS)) ==
	      (HL_HAS_FAILBACK | HL_HAS_REVERTIVE | HL_HAS_PATHS) &&
	      !(ch.health.has & HL_H_PROBE), "failback and nonrevertive decode",
	      "%u %d", ch.failback_ms, ch.nonrevertive);
	CHECK(channel_decode(build_paths(P_HEALTH_LAST), &ch, &e) == 0,
	      "health after the paths in the message decodes too", "%s", e.why);

	path_refused(P_NINE, "nine paths refused", "more than 8");
	path_refused(P_DUP_NAME, "a path name twice refused", "named twice");
	path_refused(P_NO_MARK, "a path without mark refused", "lacks its mark");
	path_refused(P_MARK_0, "path mark 0 refused", "mark 0");
	path_refused(P_MARK_OUTSIDE, "path mark outside its mask refused", "outside mask");
	path_refused(P_NO_LOCAL, "a path without local address refused", "local");
	path_refused(P_TWO_LOCALS, "a path with two local addresses refused", "two LOCAL");
	path_refused(P_MIXED_FAMILY, "a path of two families refused", "one family");
	path_refused(P_PATH_V6_PEER_V4, "paths of two families refused", "family");
	path_refused(P_LONG_NAME, "a path name over 15 bytes refused", "PATH_NAME");
	path_refused(P_BAD_NAME, "a path name with a space refused", "PATH_NAME");
	path_refused(P_MARK_CLASH, "two paths with one mark refused", "same mark");
	path_refused(P_INTERVAL_5, "path interval 5 ms refused", "interval");
	path_refused(P_LOSS_101, "path max-loss 101 refused", "max-loss");
	path_refused(P_NO_HEALTH, "paths without health refused", "no health");
	path_refused(P_HEALTH_PROBE, "health probe beside paths refused", "besides paths");
	path_refused(P_ACTIVE_WRONG, "ACTIVE flag on another path refused", "flagged active");
	path_refused(P_TWO_ACTIVE, "two active paths refused", "two paths");
	path_refused(P_FAILBACK_BIG, "failback beyond 600 s refused", "failback");
	path_refused(P_NONREV_2, "nonrevertive 2 refused", "nonrevertive");
	path_refused(P_SINCE_ONLY, "active since without switches refused", "switch count");
	path_refused(P_ACTIVE_NO_PATHS, "an active path without paths refused", "without paths");
	path_refused(P_MULTICAST, "a multicast probe address refused", "unicast");
	path_refused(P_PREF_U32, "path pref as u32 refused", "PATH_PREF");
}

/* Every truncation and byte flip of a channel with paths, as for the rest. */
static void test_paths_mutations(void)
{
	struct nlmsghdr *good = build_paths(P_GOOD);
	size_t len = good->nlmsg_len, i;
	uint8_t *copy = malloc(len), *orig = malloc(len);
	struct parse_error e;
	struct hl_channel ch;
	unsigned int bad = 0;

	memcpy(orig, good, len);
	for (i = NLMSG_HDRLEN; i < len; i++) {
		memcpy(copy, orig, len);
		copy[i] ^= 0xff;
		((struct nlmsghdr *)(void *)copy)->nlmsg_len = (uint32_t)len;
		if (channel_decode((struct nlmsghdr *)(void *)copy, &ch, &e) == 0 &&
		    (ch.npaths > HOTLINE_PATHS_MAX || paths_check(&ch, &e) ||
		     (ch.npaths && !(ch.has & HL_HAS_HEALTH))))
			bad++;
	}
	CHECK(!bad, "every byte flip of a channel with paths decodes within the contract",
	      "%u out of contract", bad);
	free(copy);
	free(orig);
}

static void test_paths_roundtrip(void)
{
	struct hl_channel in, out;
	struct parse_error e = { "" };
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	struct hl_path *p;
	int ok;

	channel_init(&in);
	in.has = HL_HAS_NAME | HL_HAS_PEER | HL_HAS_HEALTH | HL_HAS_PATHS |
		 HL_HAS_FAILBACK | HL_HAS_REVERTIVE;
	strcpy(in.name, "gov");
	parse_prefix("2001:db8::/48", &in.peer, &e);
	in.health.has = HL_H_UNAUTH | HL_H_INTERVAL;
	in.health.probe.port = 862;
	in.health.interval_ms = 30;
	in.failback_ms = 0;
	in.nonrevertive = true;
	in.npaths = 2;
	p = &in.paths[0];
	path_init(p);
	strcpy(p->name, "a");
	p->mark = 0x1;
	p->mark_mask = 0xf;
	parse_path_addr("2001:db8:1::1", &p->family, &p->local, &e);
	parse_path_probe("[2001:db8::1]:7000", &p->family, &p->probe, &p->probe_port, &e);
	p->has = HL_P_PROBE_PORT | HL_P_DETECT_MULT | HL_P_MAX_RTT;
	p->detect_mult = 9;
	p->max_rtt_ms = 0;
	p = &in.paths[1];
	path_init(p);
	strcpy(p->name, "b.2");
	p->pref = 0;
	p->mark = 0x2;
	p->mark_mask = 0xf;
	parse_path_addr("2001:db8:2::1", &p->family, &p->local, &e);
	parse_path_probe("2001:db8::2", &p->family, &p->probe, &p->probe_port, &e);

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = HOTLINE_CMD_CHANNEL_NEW;
	mnl_attr_put_u32(nlh, HOTLINE_A_CHANNEL_ID, 3);
	channel_encode(nlh, &in);
	ok = channel_decode(nlh, &out, &e) == 0;
	CHECK(ok && out.npaths == 2 && out.failback_ms == 0 && out.nonrevertive &&
	      !(out.health.has & HL_H_PROBE) && out.health.interval_ms == 30 &&
	      !strcmp(out.paths[0].name, "a") && out.paths[0].probe_port == 7000 &&
	      (out.paths[0].has & HL_P_OVERRIDES) ==
	      (HL_P_PROBE_PORT | HL_P_DETECT_MULT | HL_P_MAX_RTT) &&
	      out.paths[0].detect_mult == 9 && !strcmp(out.paths[1].name, "b.2") &&
	      out.paths[1].pref == 0 && !(out.paths[1].has & HL_P_OVERRIDES) &&
	      !memcmp(&out.paths[1].probe, &in.paths[1].probe, 16) &&
	      !memcmp(&out.paths[0].local, &in.paths[0].local, 16),
	      "paths: encode then decode gives them back", "%s", e.why);

	/* an empty list clears */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = HOTLINE_CMD_CHANNEL_SET;
	channel_init(&in);
	in.has = HL_HAS_NAME | HL_HAS_PATHS;
	strcpy(in.name, "gov");
	channel_encode(nlh, &in);
	{
		const struct nlattr *a;
		int empty = -1;

		mnl_attr_for_each(a, nlh, GENL_HDRLEN)
			if (mnl_attr_get_type(a) == HOTLINE_A_CHANNEL_PATHS)
				empty = mnl_attr_get_payload_len(a) == 0;
		CHECK(empty == 1, "no paths sends an empty PATHS nest", "%d", empty);
	}
}

static void test_switch_decode(void)
{
	struct parse_error e = { "" };
	struct hl_switch sw;
	struct nlmsghdr *nlh;
	struct nlattr *n;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	n = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_SWITCH);
	mnl_attr_put_strz(nlh, HOTLINE_A_SWITCH_FROM, "isp-a");
	mnl_attr_put_u8(nlh, HOTLINE_A_SWITCH_REASON, HOTLINE_SWITCH_DOWN);
	mnl_attr_nest_end(nlh, n);
	CHECK(switch_decode(n, &sw, &e) == 0 && !strcmp(sw.from, "isp-a") &&
	      sw.to[0] == '\0' && sw.reason == HOTLINE_SWITCH_DOWN,
	      "a switch to no path decodes", "%s", e.why);
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	n = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_SWITCH);
	mnl_attr_put_u8(nlh, HOTLINE_A_SWITCH_REASON, HOTLINE_SWITCH_MAX + 1);
	mnl_attr_nest_end(nlh, n);
	CHECK(switch_decode(n, &sw, &e) == -1 && strstr(e.why, "reason"),
	      "an unknown switch reason refused", "%s", e.why);
}

int main(int argc, char **argv)
{
	unit_init(argc, argv);
	test_paths_decode();
	test_paths_mutations();
	test_paths_roundtrip();
	test_switch_decode();
	test_good();
	test_minimal_defaults();
	test_refusals();
	test_mutations();
	test_roundtrip();
	return unit_done();
}
