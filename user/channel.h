/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A channel as hotlinectl holds it, and its translation to and from the
 * hotline generic netlink attributes (channel_msg.c). The decoder is a pure
 * function of the message bytes, so tests and fuzzers can feed it anything.
 */
#ifndef HOTLINECTL_CHANNEL_H
#define HOTLINECTL_CHANNEL_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/netlink.h>

#include "parse.h"

/* Which parts of a struct hl_channel carry a value (hl_channel.has). */
enum {
	HL_HAS_ID		= 1u << 0,
	HL_HAS_NAME		= 1u << 1,
	HL_HAS_PEER		= 1u << 2,
	HL_HAS_LOCAL		= 1u << 3,	/* family 0: clear */
	HL_HAS_PROTO		= 1u << 4,
	HL_HAS_PORT		= 1u << 5,	/* 0-0: clear */
	HL_HAS_DSCP		= 1u << 6,
	HL_HAS_PRIORITY		= 1u << 7,
	HL_HAS_MARK		= 1u << 8,	/* mark and mask */
	HL_HAS_HEALTH		= 1u << 9,	/* probe family 0: clear */
	HL_HAS_STATS		= 1u << 10,
	HL_HAS_STATUS		= 1u << 11,
};

/* Which health settings were given (hl_health.has), for merging on set. */
enum {
	HL_H_PROBE		= 1u << 0,
	HL_H_LOCAL_PORT		= 1u << 1,
	HL_H_INTERVAL		= 1u << 2,
	HL_H_DETECT_MULT	= 1u << 3,
	HL_H_KEY		= 1u << 4,
	HL_H_UNAUTH		= 1u << 5,
	HL_H_MAX_LOSS		= 1u << 6,
	HL_H_MAX_RTT		= 1u << 7,
};

struct hl_health {
	uint32_t has;
	struct hl_endpoint probe;
	uint16_t local_port;
	uint32_t interval_ms;
	uint8_t detect_mult;
	bool keyed;		/* reported by the kernel; the key never is */
	uint8_t key[HOTLINE_KEY_LEN];
	uint32_t max_loss_pct;
	uint32_t max_rtt_ms;
};

struct hl_stats {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
};

struct hl_status {
	uint8_t state, diag;
	uint64_t since_ns;
	uint32_t flaps;
	uint64_t probes_sent, probes_recv, lost, duplicates, reordered, late;
	uint64_t auth_failures, malformed, reflected, reflect_limited;
	uint64_t rtt_last, rtt_min, rtt_max, rtt_mean, rtt_p50, rtt_p90, rtt_p99;
	uint64_t jitter;
	uint32_t loss_ppm, window;
};

struct hl_channel {
	uint32_t has;
	uint32_t id;
	char name[HOTLINE_NAME_MAX + 1];
	struct hl_prefix peer, local;
	uint8_t proto;
	uint16_t port_min, port_max;
	uint8_t dscp;
	uint32_t priority;
	uint32_t mark, mark_mask;
	struct hl_health health;
	struct hl_stats stats;
	struct hl_status status;
};

/* Defaults of the contract, for a channel the kernel reports partially. */
void channel_init(struct hl_channel *ch);

/*
 * Decodes a whole hotline message (netlink header, genl header and
 * attributes). Every attribute is checked for length, type and range, and
 * the message for truncation; returns 0, or -1 with the reason in e.
 */
int channel_decode(const struct nlmsghdr *nlh, struct hl_channel *ch,
		   struct parse_error *e);

/* Appends the attributes that ch->has names to a message being built. */
void channel_encode(struct nlmsghdr *nlh, const struct hl_channel *ch);

#endif
