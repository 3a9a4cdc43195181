/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A channel as hotlinectl holds it, and its translation to and from the
 * hotline generic netlink attributes (channel_msg.c). The decoder is a pure
 * function of the message bytes, so tests and fuzzers can feed it anything.
 */
#ifndef HOTLINECTL_CHANNEL_H
#define HOTLINECTL_CHANNEL_H

#include <net/if.h>
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
	HL_HAS_PATHS		= 1u << 12,	/* npaths 0: clear */
	HL_HAS_FAILBACK		= 1u << 13,
	HL_HAS_REVERTIVE	= 1u << 14,	/* nonrevertive */
	HL_HAS_ACTIVE		= 1u << 15,	/* reply: active_since, switches */
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

/* Which optional path settings were given (hl_path.has). */
enum {
	HL_P_PREF		= 1u << 0,
	HL_P_MARK_MASK		= 1u << 1,
	HL_P_PROBE_PORT		= 1u << 2,	/* unset: the channel's */
	HL_P_INTERVAL		= 1u << 3,
	HL_P_DETECT_MULT	= 1u << 4,
	HL_P_MAX_LOSS		= 1u << 5,
	HL_P_MAX_RTT		= 1u << 6,
	HL_P_STATUS		= 1u << 7,	/* reply: status holds a value */
};

/* The overrides of the channel's health settings a path may carry. */
#define HL_P_OVERRIDES (HL_P_PROBE_PORT | HL_P_INTERVAL | HL_P_DETECT_MULT | \
			HL_P_MAX_LOSS | HL_P_MAX_RTT)

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
	uint64_t silence_ns;	/* no valid reply for that long at the last down */
};

/* One way to reach the peer gateway (HOTLINE_A_PATHS_PATH). */
struct hl_path {
	uint32_t has;
	char name[HOTLINE_PATH_NAME_MAX + 1];
	uint8_t pref;			/* default HOTLINE_DEFAULT_PATH_PREF */
	uint32_t mark, mark_mask;	/* mask default 0xffffffff */
	uint8_t family;			/* of local and probe */
	union hl_addr local, probe;
	uint16_t probe_port;
	uint32_t interval_ms;
	uint8_t detect_mult;
	uint32_t max_loss_pct, max_rtt_ms;
	bool active;			/* reply-only */
	struct hl_status status;	/* reply-only, with HL_P_STATUS */
	/* hotlinectl's, never sent: the route it installs (route.h) */
	bool has_route;			/* Device given */
	bool has_via;
	union hl_addr via;
	char dev[IF_NAMESIZE];
	uint32_t table;			/* 0: the path's mark */
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
	uint32_t failback_ms;
	bool nonrevertive;
	uint8_t npaths;
	struct hl_path paths[HOTLINE_PATHS_MAX];
	char active_path[HOTLINE_PATH_NAME_MAX + 1];	/* reply; "" none */
	uint64_t active_since_ns, switches;		/* reply */
};

/* A path's defaults of the contract. */
void path_init(struct hl_path *p);

/* The path named name, or NULL. */
struct hl_path *channel_path(struct hl_channel *ch, const char *name);
const struct hl_path *channel_path_find(const struct hl_channel *ch, const char *name);

/* Checks a path name that came from elsewhere; and one from a person. */
bool path_name_is_valid(const char *name);
int parse_path_name(const char *s, char name[HOTLINE_PATH_NAME_MAX + 1],
		    struct parse_error *e);

/* Why one path breaks the contract: 0, or -1 with the reason in e. */
int path_check(const struct hl_path *p, struct parse_error *e);
/* The Via/Device/Table rules alone (path_check applies them too). */
int path_route_check(const struct hl_path *p, struct parse_error *e);

/*
 * A path's route as people give it: DEV a device name (not checked to
 * exist: a file may be written for another host); VIA an address of the
 * path's family (0: not known yet); TABLE 1..2^32-1 but the kernel's own.
 */
bool ifname_is_valid(const char *s);
int parse_path_via(const char *s, uint8_t family, union hl_addr *a,
		   struct parse_error *e);
int parse_path_table(const char *s, uint32_t *table, struct parse_error *e);

/*
 * Why a list of paths cannot be one channel's (names twice, two families,
 * marks a rule cannot tell apart, a path the channel's peer family or
 * mask excludes): 0, or -1 with the reason naming the path in e.
 */
int paths_check(const struct hl_channel *ch, struct parse_error *e);

/* The active path, or NULL when the channel has none (main table). */
const struct hl_path *channel_active_path(const struct hl_channel *ch);

/*
 * A path's addresses as people give them: LOCAL a unicast address;
 * PROBE ADDR, ADDR:PORT or [IPv6]:PORT, port 0 when not given (the
 * channel's). The caller checks that both are of one family.
 */
int parse_path_addr(const char *s, uint8_t *family, union hl_addr *a,
		    struct parse_error *e);
int parse_path_probe(const char *s, uint8_t *family, union hl_addr *a,
		     uint16_t *port, struct parse_error *e);
/* What they parse back; the probe with its port only when it has its own. */
char *format_path_addr(uint8_t family, const union hl_addr *a, char *buf);
char *format_path_probe(const struct hl_path *p, char *buf);

/* The health settings a path overrides, in config and command-line words. */
struct path_override {
	const char *conf, *cli;		/* "MaxLoss", "max-loss" */
	uint32_t flag;			/* HL_P_INTERVAL .. HL_P_MAX_RTT */
	uint32_t value;
};
size_t path_overrides(const struct hl_path *p, struct path_override out[4]);

/* A switch of the active path, from a health event (HOTLINE_A_CHANNEL_SWITCH). */
struct hl_switch {
	char from[HOTLINE_PATH_NAME_MAX + 1];	/* "" none */
	char to[HOTLINE_PATH_NAME_MAX + 1];	/* "" none */
	uint8_t reason;				/* enum hotline_switch_reason */
};

/* The event-only attributes, checked as strictly as channel_decode(). */
int switch_decode(const struct nlattr *nest, struct hl_switch *sw,
		  struct parse_error *e);
int path_name_decode(const struct nlattr *a, const char *what,
		     char name[HOTLINE_PATH_NAME_MAX + 1], struct parse_error *e);

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
