/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hotline guard loader: attaches bpf/guard.bpf.c to a device with libbpf
 * and drives it through the maps it pins under
 * HOTLINE_GUARD_PIN_ROOT/<ifname>/ (link, config, bucket, peers4, peers6,
 * hosts4, hosts6, slots4, slots6, stats), so each hotlinectl invocation
 * finds the guard by device name.
 *
 * Every function returns 0 or a negative errno; on failure guard_error()
 * returns a one-line (or, for a verifier rejection, multi-line: the tail
 * of the verifier log) message naming what was wrong, without a trailing
 * newline, and nothing was changed.
 *
 * Pins are named by device only: bpffs belongs to the mount namespace,
 * device names to the network namespace. A tool managing devices in
 * several network namespaces gives each its own guard_set_pin_root().
 * Configuration updates are read-modify-write of one map value; two
 * tools changing the same device's config at the same instant may lose
 * one update (hotlinectl is the only writer in practice).
 */
#ifndef HOTLINE_USER_GUARD_H
#define HOTLINE_USER_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hotline/guard.h>

enum guard_mode {
	GUARD_MODE_OFF = HOTLINE_GUARD_OFF,
	GUARD_MODE_MONITOR = HOTLINE_GUARD_MONITOR,
	GUARD_MODE_ENFORCE = HOTLINE_GUARD_ENFORCE,
	GUARD_MODE_AUTO = HOTLINE_GUARD_AUTO,
};

/*
 * Rates for traffic that is not hotline's. Each dimension is independent:
 *   rate 0, burst 0   no limit in this dimension
 *   rate R, burst 0   burst defaults to one second's worth (R), capped
 *   rate R, burst B   B tokens at most, refilled at R per second
 *   rate 0, burst B   exactly B, never refilled (tests, emergencies)
 * Bytes are whole frames as XDP sees them (Ethernet header included).
 */
struct guard_limits {
	uint64_t pps;		/* packets per second */
	uint64_t pps_burst;	/* packets */
	uint64_t bps;		/* bytes per second */
	uint64_t bps_burst;	/* bytes */
};

#define GUARD_MAX_BURST	4000000000ULL	/* keeps burst * 1e9 below 2^62 */
#define GUARD_MAX_RATE	(1ULL << 50)

struct guard_prefix {
	uint8_t family;		/* 4 or 6 */
	uint8_t len;		/* 0..32 or 0..128; host bits must be zero */
	uint8_t addr[16];	/* network order; IPv4 in the first 4 bytes */
};

struct guard_stats {
	struct hotline_guard_counter c[HOTLINE_GUARD_STAT_MAX];
};

struct guard_info {
	char ifname[16];
	int ifindex;		/* where the link says it is attached */
	enum guard_mode mode;
	bool armed;
	struct guard_limits limits;
	const char *xdp_mode;	/* "native", "generic", "offload", or
				 * "detached" when the device went away */
	uint32_t prog_id;
	uint32_t link_id;
	size_t peers4, peers6;
};

/*
 * Attach (or, when hotline's guard is already on ifname, reconfigure:
 * mode and limits are replaced, the armed flag, peers and counters kept).
 * Native XDP where the driver has it, generic otherwise or when
 * force_skb_mode. limits may be NULL: no limit.
 */
int guard_attach(const char *ifname, enum guard_mode mode,
		 const struct guard_limits *limits, bool force_skb_mode);
/* Detach and remove the pins. -ENOENT when no guard is on ifname. */
int guard_detach(const char *ifname);

int guard_set_mode(const char *ifname, enum guard_mode mode);
/* Replaces the limits and refills the bucket. NULL: no limit. */
int guard_set_limits(const char *ifname, const struct guard_limits *limits);
/* ifname NULL: every device with a guard (none is not an error). */
int guard_set_armed(const char *ifname, bool armed);
/* Make the peer maps equal to list: add the missing, then drop the stale. */
int guard_sync_peers(const char *ifname, const struct guard_prefix *list,
		     size_t n);
int guard_read_stats(const char *ifname, struct guard_stats *st);
int guard_show(const char *ifname, struct guard_info *info);
/* Call fn for every device with a pinned guard, in directory order. */
int guard_foreach(int (*fn)(const char *ifname, void *arg), void *arg);

const char *guard_error(void);
const char *guard_mode_name(enum guard_mode mode);
int guard_mode_parse(const char *s, enum guard_mode *mode);
/* guard_mode_parse() without the message; guard_mode.c, no libbpf. */
int guard_mode_lookup(const char *s, enum guard_mode *mode);
const char *guard_stat_name(enum hotline_guard_stat stat);

/* Pin directory root, default HOTLINE_GUARD_PIN_ROOT (tests use their own). */
void guard_set_pin_root(const char *dir);

/* The map-level pieces, on open map fds (used by the above and by tests). */
int guard_config_encode(enum guard_mode mode, bool armed,
			const struct guard_limits *limits,
			struct hotline_guard_config *cfg);
void guard_config_decode(const struct hotline_guard_config *cfg,
			 struct guard_limits *limits);
int guard_bucket_refill(int bucket_fd, const struct hotline_guard_config *cfg);
/*
 * The peer maps of one guard; hosts4/hosts6 and slots4/slots6 -1 when it
 * has none (every field must be set: 0 is an fd).
 */
struct guard_peer_fds {
	int peers4, peers6, hosts4, hosts6, slots4, slots6;
};
int guard_sync_peers_fd(const struct guard_peer_fds *fds,
			const struct guard_prefix *list, size_t n);
int guard_read_stats_fd(int stats_fd, struct guard_stats *st);
int guard_prefix_parse(const char *s, struct guard_prefix *p);

#endif /* HOTLINE_USER_GUARD_H */
