/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hotline: the XDP guard's maps, as seen by the BPF program (bpf/guard.bpf.c)
 * and by its loader (user/guard.c). Needs only UAPI headers.
 *
 * Maps, pinned per device under HOTLINE_GUARD_PIN_ROOT/<ifname>/ so that
 * every WAN device has its own bucket, peers and counters, and a later
 * hotlinectl finds them by device name:
 *
 *   link     the XDP bpf_link (holds the program on the device)
 *   config   ARRAY[1] of struct hotline_guard_config     mode, armed, limits
 *   bucket   ARRAY[1] of struct hotline_guard_bucket     token bucket state
 *            (each CPU's batch of tokens taken from it, struct
 *            hotline_guard_cache, is the program's own, not pinned)
 *   peers4   LPM_TRIE struct hotline_guard_key4 -> __u32  hotline peer
 *   peers6   LPM_TRIE struct hotline_guard_key6 -> __u32  prefixes
 *   hosts4   HASH __u8[4] -> __u32     hotline peers that are one address
 *   hosts6   HASH __u8[16] -> __u32    (/32, /128), found in one step
 *
 * A peer of 32 (128) bits goes to hosts4 (hosts6), every shorter prefix
 * to the trie. A trie's walk grows with its size: a peer inside a table
 * of 100,000 host peers costs ~80 ns more than one alone, while the
 * hash's look-up stays what it is. A guard pinned without the hosts maps
 * (attached by an older hotlinectl) keeps every peer in its tries.
 *   slots4   ARRAY_OF_MAPS[1] -> the slot table of the hosts4 peers
 *   slots6   ARRAY_OF_MAPS[1] -> ... of the hosts6 peers (see below)
 *   stats    PERCPU_ARRAY[HOTLINE_GUARD_STAT_MAX] of struct hotline_guard_counter
 *
 * A packet is "hotline" when its source address is inside a peer prefix:
 * on the WAN side those are the packets the far gateway sends us.
 */
#ifndef _HOTLINE_GUARD_H
#define _HOTLINE_GUARD_H

#include <linux/types.h>
#include <linux/bpf.h>		/* struct bpf_spin_lock */

#define HOTLINE_GUARD_PIN_ROOT	"/sys/fs/bpf/hotline"
/*
 * Per family. A channel table holds 100,000 channels and more, and the
 * guard must know every peer: the tries are not preallocated, so the
 * limit costs nothing until used.
 */
#define HOTLINE_GUARD_MAX_PEERS	262144

enum hotline_guard_mode {
	HOTLINE_GUARD_OFF = 0,		/* pass everything, count */
	HOTLINE_GUARD_MONITOR,		/* count what enforce would drop */
	HOTLINE_GUARD_ENFORCE,		/* drop what is over the rate */
	HOTLINE_GUARD_AUTO,		/* ENFORCE while armed, else MONITOR */
	HOTLINE_GUARD_MODE_MAX,
};

/* Verdict counters: every packet lands in exactly one. */
enum hotline_guard_stat {
	HOTLINE_GUARD_STAT_HOTLINE = 0,	/* from a peer: passed */
	HOTLINE_GUARD_STAT_PASSED,	/* other IP traffic: passed */
	HOTLINE_GUARD_STAT_DROPPED,	/* other IP traffic: over the rate, dropped */
	HOTLINE_GUARD_STAT_WOULD_DROP,	/* over the rate, passed (monitor) */
	HOTLINE_GUARD_STAT_NON_IP,	/* ARP, LLDP, ...: passed */
	HOTLINE_GUARD_STAT_MALFORMED_PASSED,	/* broken IP header: passed */
	HOTLINE_GUARD_STAT_MALFORMED_DROPPED,	/* ... dropped while enforcing */
	HOTLINE_GUARD_STAT_MAX,
};

/* config.flags: which dimensions of the bucket are limited */
#define HOTLINE_GUARD_LIMIT_PKTS	0x1
#define HOTLINE_GUARD_LIMIT_BYTES	0x2

/*
 * Tokens are counted in nano-units (1 packet = 1e9 tokens, 1 byte = 1e9
 * tokens) so that refill = elapsed_ns * rate is exact integer arithmetic.
 * Userspace precomputes the capacities and the time to fill an empty
 * bucket (fill_ns) so the program never divides nor overflows: elapsed is
 * clamped to fill_ns, and capacities are kept below 2^62.
 */
#define HOTLINE_GUARD_TOKEN_SCALE	1000000000ULL

struct hotline_guard_config {
	__u32	mode;		/* enum hotline_guard_mode */
	__u32	armed;		/* non-zero: AUTO enforces */
	__u32	flags;		/* HOTLINE_GUARD_LIMIT_* */
	__u32	gen;		/* changed with every refill: CPUs drop their batches */
	__u64	pkt_rate;	/* packets per second */
	__u64	pkt_cap;	/* burst in packets * TOKEN_SCALE */
	__u64	pkt_fill_ns;	/* time to fill the bucket from empty */
	__u64	byte_rate;	/* bytes per second (whole frames) */
	__u64	byte_cap;	/* burst in bytes * TOKEN_SCALE */
	__u64	byte_fill_ns;
	__u64	pkt_batch;	/* tokens a CPU takes from the bucket at once */
	__u64	byte_batch;	/* (at least what the packet needs) */
	__u64	retry_ns;	/* a CPU the bucket refused drops this long unasked */
};

/*
 * Userspace writes this with BPF_F_LOCK to refill the bucket when limits
 * change; last_ns == 0 means "not started": the first packet sets it.
 */
struct hotline_guard_bucket {
	struct bpf_spin_lock lock;
	__u32	pad;
	__u64	last_ns;
	__u64	pkt_tokens;
	__u64	byte_tokens;
};

/*
 * Per CPU: tokens taken from the bucket and not spent yet, and until when
 * the bucket is not asked again after it refused. Every token still comes
 * out of the one bucket, so the long-run rate is exact; what a CPU holds
 * (at most one batch) is burst that others cannot use meanwhile.
 */
struct hotline_guard_cache {
	__u64	pkt_tokens;
	__u64	byte_tokens;
	__u64	retry_at_ns;
	__u64	retry_len;	/* ... for frames this long or longer */
	__u32	gen;		/* config.gen these tokens were taken under */
	__u32	pad;
};

struct hotline_guard_key4 {
	__u32	prefixlen;
	__u8	addr[4];	/* network order */
};

struct hotline_guard_key6 {
	__u32	prefixlen;
	__u8	addr[16];
};

struct hotline_guard_host4 {
	__u8	addr[4];	/* network order */
};

struct hotline_guard_host6 {
	__u8	addr[16];
};

/*
 * The slot tables: the hosts peers once more, in an open-addressed table
 * of our own that the program reads with inlined array look-ups and one
 * multiplication, where the kernel's hash map costs a jhash and a bucket
 * walk behind a helper call. The hash maps stay the authoritative set.
 *
 * A table is an ARRAY of HOTLINE_GUARD_SLOT_ENTRIES slots. An address
 * lives in one of the HOTLINE_GUARD_SLOT_PROBES slots from its home
 * (hotline_guard_home4/6) on, without wrapping; one that finds them all
 * taken stays in the hash map alone. Tables are never edited, only
 * replaced: the loader fills a new one and swaps it into slots4/6
 * (ARRAY_OF_MAPS[1]) in one step, so a reader sees the old set or the
 * new, never a slot half written. With no deletions an empty slot ends a
 * search for good: a host that overflowed had all its probes taken, so
 * an empty one is on no host's way. Only a search that meets its probes
 * all taken, none its own, asks the hash (as does one with no table).
 */
#define HOTLINE_GUARD_SLOT_BITS		19
#define HOTLINE_GUARD_SLOTS		0x80000U	/* 2 ^ HOTLINE_GUARD_SLOT_BITS */
#define HOTLINE_GUARD_SLOT_PROBES	4
_Static_assert(HOTLINE_GUARD_SLOTS == 1ULL << HOTLINE_GUARD_SLOT_BITS, "slot bits");
#define HOTLINE_GUARD_SLOT_ENTRIES	(HOTLINE_GUARD_SLOTS + HOTLINE_GUARD_SLOT_PROBES - 1)
/* an IPv4 slot: this bit over the address as it sits in the packet */
#define HOTLINE_GUARD_SLOT4_USED	0x100000000ULL

struct hotline_guard_slot6 {
	__u64	hi;		/* the address's first and last 8 bytes, */
	__u64	lo;		/* as they sit in the packet; :: never */
};

/* Fibonacci hashing: the product's top bits, 0 .. HOTLINE_GUARD_SLOTS - 1. */
static inline __u32 hotline_guard_home4(__u32 addr)
{
	return (addr * 0x9E3779B1U) >> (32 - HOTLINE_GUARD_SLOT_BITS);
}

/*
 * One multiplication, on the address's halves folded: every bit of the
 * fold reaches the product's top bits. Folding lets pairs of addresses
 * share a home (the same hi ^ lo); they share only their first probes,
 * and the table is built from configured peers, not from what arrives.
 */
static inline __u32 hotline_guard_home6(__u64 hi, __u64 lo)
{
	__u64 x = (hi ^ lo) * 0x9E3779B97F4A7C15ULL;

	return (__u32)(x >> (64 - HOTLINE_GUARD_SLOT_BITS));
}

struct hotline_guard_counter {
	__u64	packets;
	__u64	bytes;		/* whole frames as XDP sees them */
};

#endif /* _HOTLINE_GUARD_H */
