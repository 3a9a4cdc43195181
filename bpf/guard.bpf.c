// SPDX-License-Identifier: GPL-2.0
/*
 * hotline guard: XDP on the WAN-facing device.
 *
 * Order of decisions for each frame:
 *  1. not IP (ARP, LLDP, ...)            -> pass, NON_IP. ARP must live.
 *  2. IP source inside a hotline peer    -> pass, HOTLINE. Never limited,
 *     prefix (slot tables slots4/6, or      whatever the mode or the bucket.
 *     hash hosts4/6 for single addresses,
 *     then LPM tries peers4/6)
 *  3. IP header broken or truncated      -> MALFORMED_DROPPED while the
 *                                           guard enforces (the stack would
 *                                           discard it anyway, and junk must
 *                                           not eat the tokens of real
 *                                           traffic), else MALFORMED_PASSED.
 *  4. anything else: mode off            -> pass, PASSED
 *     else a token from the bucket        -> pass, PASSED
 *     no token, enforcing                 -> drop, DROPPED
 *     no token, monitoring                -> pass, WOULD_DROP
 * "Enforcing" is mode enforce, or mode auto with config.armed set (the
 * loader sets it while a channel is degraded or down).
 * Frames with more VLAN tags than the parser walks (three or more) count
 * as not IP: the stack delivers them only to stacked VLAN devices.
 *
 * The token bucket: one bucket per device, shared by all CPUs, guarded by
 * a bpf_spin_lock, so the global rate is exact. One bucket per CPU at
 * rate/ncpus would be lock-free but wrong where it matters: RSS hashes a
 * flood onto a few queues, so per-CPU buckets let through ncpus times the
 * burst and starve legitimate traffic that shares a CPU with the flood
 * while other CPUs' buckets sit full. What keeps the lock off the packet
 * path is a per-CPU cache in front of it: a CPU takes a batch of tokens
 * under the lock (1 ms of the rate, at most 1/64 of the burst and 64
 * packets; exactly what the packet needs when that is more) and spends
 * them without it; a CPU the bucket refused drops without asking again
 * for retry_ns (the time one batch takes to accrue, 1 us to 1 ms). Under
 * a flood on every queue the drop, the common case, then takes no lock at
 * all. Every token still comes out of the shared bucket; the error is the
 * batches CPUs hold (at most ncpus x batch of burst) and, after a refusal,
 * up to retry_ns before a CPU sees new tokens. Hotline packets never touch
 * the bucket.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>

#include <hotline/flow.h>
#include <hotline/guard.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hotline_guard_config);
} guard_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hotline_guard_bucket);
} guard_bucket SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hotline_guard_cache);
} guard_cache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, HOTLINE_GUARD_MAX_PEERS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct hotline_guard_key4);
	__type(value, __u32);
} guard_peers4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, HOTLINE_GUARD_MAX_PEERS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct hotline_guard_key6);
	__type(value, __u32);
} guard_peers6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HOTLINE_GUARD_MAX_PEERS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct hotline_guard_host4);
	__type(value, __u32);
} guard_hosts4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HOTLINE_GUARD_MAX_PEERS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct hotline_guard_host6);
	__type(value, __u32);
} guard_hosts6 SEC(".maps");

/* What the loader swaps into guard_slots4/6 (include/hotline/guard.h). */
struct guard_slot_table4 {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HOTLINE_GUARD_SLOT_ENTRIES);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
};

struct guard_slot_table6 {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HOTLINE_GUARD_SLOT_ENTRIES);
	__uint(map_flags, BPF_F_MMAPABLE);
	/*
	 * Sizes: clang gives BTF only a forward of the struct here, and the
	 * kernel takes BTF for both key and value or neither.
	 */
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct hotline_guard_slot6));
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct guard_slot_table4);
} guard_slots4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct guard_slot_table6);
} guard_slots6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, HOTLINE_GUARD_STAT_MAX);
	__type(key, __u32);
	__type(value, struct hotline_guard_counter);
} guard_stats SEC(".maps");

/*
 * Tests only: when the loader sets test_clock before loading, the bucket
 * reads its time from fake_now_ns, so refill is tested without sleeping.
 * In production test_clock is false and the verifier removes the branch.
 */
const volatile bool test_clock = false;
__u64 fake_now_ns = 0;

static __always_inline __u64 guard_now(void)
{
	if (test_clock)
		return fake_now_ns;
	return bpf_ktime_get_ns();
}

static __always_inline void guard_count(__u32 stat, __u64 bytes)
{
	struct hotline_guard_counter *c;

	c = bpf_map_lookup_elem(&guard_stats, &stat);
	if (c) {
		c->packets++;
		c->bytes += bytes;
	}
}

/* What a slot table says of an address. */
enum guard_slot_answer {
	GUARD_SLOT_PEER,	/* a single-address peer */
	GUARD_SLOT_NO_HOST,	/* certainly none: an empty slot on its way */
	GUARD_SLOT_ASK_HASH,	/* no table, or its probes all taken */
};

/*
 * Probe table from home on for an IPv4 slot equal to hi (v6 false) or an
 * IPv6 slot equal to hi, lo; an empty slot ends the search for good (see
 * include/hotline/guard.h). hi | lo is never 0: that is the empty slot.
 */
static __always_inline enum guard_slot_answer guard_slot_probe(void *table, __u32 home,
							     __u64 hi, __u64 lo,
							     bool v6)
{
#pragma unroll
	for (__u32 i = 0; i < HOTLINE_GUARD_SLOT_PROBES; i++) {
		__u32 idx = home + i;
		const __u64 *slot = bpf_map_lookup_elem(table, &idx);

		if (!slot)
			return GUARD_SLOT_ASK_HASH;
		if (slot[0] == hi && (!v6 || slot[1] == lo))
			return GUARD_SLOT_PEER;
		if (!(slot[0] | (v6 ? slot[1] : 0)))
			return GUARD_SLOT_NO_HOST;
	}
	return GUARD_SLOT_ASK_HASH;
}

static __always_inline enum guard_slot_answer guard_slot4(__u32 addr)
{
	__u32 zero = 0;
	void *table = bpf_map_lookup_elem(&guard_slots4, &zero);

	if (!table)
		return GUARD_SLOT_ASK_HASH;
	return guard_slot_probe(table, hotline_guard_home4(addr),
				HOTLINE_GUARD_SLOT4_USED | addr, 0, false);
}

/*
 * The slot's halves are the address's bytes 0-7 and 8-15 as a
 * little-endian load reads them, as the loader (user/guard.c) stores them.
 */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "slot halves are little-endian");

static __always_inline enum guard_slot_answer guard_slot6(const __u32 *w)
{
	__u64 hi = (__u64)w[1] << 32 | w[0], lo = (__u64)w[3] << 32 | w[2];
	__u32 zero = 0;
	void *table;

	/* :: is the empty slot: the hash keeps it */
	if (!(hi | lo))
		return GUARD_SLOT_ASK_HASH;
	table = bpf_map_lookup_elem(&guard_slots6, &zero);
	if (!table)
		return GUARD_SLOT_ASK_HASH;
	return guard_slot_probe(table, hotline_guard_home6(hi, lo), hi, lo, true);
}

/*
 * A single-address peer from the slot table, or when it cannot say, the
 * hash; only then the prefix trie.
 */
static __always_inline bool guard_is_peer(const struct hotline_flow *f)
{
	enum guard_slot_answer a;

	if (f->family == HOTLINE_FLOW_IPV4) {
		struct hotline_guard_key4 k = { .prefixlen = 32 };

		a = guard_slot4(f->saddr.v4);
		if (a == GUARD_SLOT_PEER)
			return true;
		if (a == GUARD_SLOT_ASK_HASH &&
		    bpf_map_lookup_elem(&guard_hosts4, &f->saddr.v4))
			return true;
		__builtin_memcpy(k.addr, &f->saddr.v4, 4);
		return bpf_map_lookup_elem(&guard_peers4, &k) != NULL;
	}
	if (f->family == HOTLINE_FLOW_IPV6) {
		struct hotline_guard_key6 k = { .prefixlen = 128 };

		a = guard_slot6(f->saddr.w);
		if (a == GUARD_SLOT_PEER)
			return true;
		if (a == GUARD_SLOT_ASK_HASH &&
		    bpf_map_lookup_elem(&guard_hosts6, f->saddr.v6))
			return true;
		__builtin_memcpy(k.addr, f->saddr.v6, 16);
		return bpf_map_lookup_elem(&guard_peers6, &k) != NULL;
	}
	return false;
}

/* Add elapsed_ns worth of tokens; elapsed is clamped so nothing overflows. */
static __always_inline __u64 guard_refill(__u64 tokens, __u64 elapsed,
					  __u64 rate, __u64 fill_ns, __u64 cap)
{
	if (elapsed > fill_ns)
		elapsed = fill_ns;
	tokens += elapsed * rate;
	return tokens > cap ? cap : tokens;
}

static __always_inline __u64 guard_min(__u64 a, __u64 b)
{
	return a < b ? a : b;
}

/* Why the bucket refused: no whole packet, or too few bytes for this one. */
enum guard_refusal { GUARD_GIVEN, GUARD_NO_PACKET, GUARD_NO_BYTES };

/*
 * Under the bucket's lock: refill it, then move into the CPU's cache what
 * it wants (want_*), or at least what the packet needs (need_*), of each
 * limited dimension; nothing at all if the bucket cannot give that much.
 */
static __always_inline enum guard_refusal guard_withdraw(const struct hotline_guard_config *cfg,
					   struct hotline_guard_bucket *b,
					   struct hotline_guard_cache *c,
					   __u64 now, __u64 need_p, __u64 want_p,
					   __u64 need_b, __u64 want_b)
{
	enum guard_refusal why = GUARD_GIVEN;
	__u64 elapsed, got_p = 0, got_b = 0;

	bpf_spin_lock(&b->lock);
	/* A clock that went backwards (or a fresh bucket) adds nothing. */
	elapsed = b->last_ns && now > b->last_ns ? now - b->last_ns : 0;
	if (now > b->last_ns)
		b->last_ns = now;
	if (cfg->flags & HOTLINE_GUARD_LIMIT_PKTS)
		b->pkt_tokens = guard_refill(b->pkt_tokens, elapsed,
					     cfg->pkt_rate, cfg->pkt_fill_ns,
					     cfg->pkt_cap);
	if (cfg->flags & HOTLINE_GUARD_LIMIT_BYTES)
		b->byte_tokens = guard_refill(b->byte_tokens, elapsed,
					      cfg->byte_rate, cfg->byte_fill_ns,
					      cfg->byte_cap);
	if (b->pkt_tokens < need_p)
		why = GUARD_NO_PACKET;
	else if (b->byte_tokens < need_b)
		why = GUARD_NO_BYTES;
	if (why == GUARD_GIVEN) {
		got_p = guard_min(want_p, b->pkt_tokens);
		got_b = guard_min(want_b, b->byte_tokens);
		b->pkt_tokens -= got_p;
		b->byte_tokens -= got_b;
	}
	bpf_spin_unlock(&b->lock);
	c->pkt_tokens += got_p;
	c->byte_tokens += got_b;
	return why;
}

/*
 * Take one packet and len bytes, from this CPU's cache when it holds
 * them, else from the shared bucket in a batch; false if either is short.
 */
static __always_inline bool guard_take(const struct hotline_guard_config *cfg,
				       __u64 len)
{
	bool pkts = cfg->flags & HOTLINE_GUARD_LIMIT_PKTS;
	bool bytes = cfg->flags & HOTLINE_GUARD_LIMIT_BYTES;
	__u64 need_p = 0, want_p = 0, need_b = 0, want_b = 0, now;
	enum guard_refusal why;
	struct hotline_guard_bucket *b;
	struct hotline_guard_cache *c;
	__u64 len_tokens;
	__u32 zero = 0;

	if (!pkts && !bytes)
		return true;
	c = bpf_map_lookup_elem(&guard_cache, &zero);
	if (!c)
		return true;
	if (c->gen != cfg->gen) {
		c->pkt_tokens = 0;
		c->byte_tokens = 0;
		c->retry_at_ns = 0;
		c->retry_len = 0;
		c->gen = cfg->gen;
	}
	len_tokens = len * HOTLINE_GUARD_TOKEN_SCALE;
	if (pkts && c->pkt_tokens < HOTLINE_GUARD_TOKEN_SCALE) {
		need_p = HOTLINE_GUARD_TOKEN_SCALE - c->pkt_tokens;
		want_p = cfg->pkt_batch > need_p ? cfg->pkt_batch : need_p;
	}
	if (bytes && c->byte_tokens < len_tokens) {
		need_b = len_tokens - c->byte_tokens;
		want_b = cfg->byte_batch > need_b ? cfg->byte_batch : need_b;
	}
	if (need_p || need_b) {
		now = guard_now();
		/* a smaller frame may fit where a larger one did not */
		if (now < c->retry_at_ns && len >= c->retry_len)
			return false;
		/* the shared bucket only when this CPU's batch ran out */
		b = bpf_map_lookup_elem(&guard_bucket, &zero);
		if (!b)
			return true;
		why = guard_withdraw(cfg, b, c, now, need_p, want_p, need_b,
				     want_b);
		if (why != GUARD_GIVEN) {
			c->retry_at_ns = now + cfg->retry_ns;
			c->retry_len = why == GUARD_NO_PACKET ? 0 : len;
			return false;
		}
	}
	if (pkts)
		c->pkt_tokens -= HOTLINE_GUARD_TOKEN_SCALE;
	if (bytes)
		c->byte_tokens -= len_tokens;
	return true;
}

SEC("xdp")
int hotline_guard(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 len = (__u64)ctx->data_end - ctx->data;
	const struct hotline_guard_config *cfg;
	struct hotline_flow f;
	const __u8 *ip;
	bool enforcing;
	__u32 zero = 0;
	int rc;

	/*
	 * A peer is known by its source alone: the head of the parse
	 * (the IP header checked, the source read) decides it, and only
	 * other traffic pays for the rest. A head that failed left no
	 * address, so the frame is no peer's.
	 */
	rc = hotline_parse_eth_head(data, data_end, &f, &ip);
	if (rc == HOTLINE_PARSE_NOT_IP) {
		guard_count(HOTLINE_GUARD_STAT_NON_IP, len);
		return XDP_PASS;
	}
	if (rc == HOTLINE_PARSE_OK) {
		if (guard_is_peer(&f)) {
			guard_count(HOTLINE_GUARD_STAT_HOTLINE, len);
			return XDP_PASS;
		}
		rc = hotline_parse_tail(ip, data_end, &f);
	}

	cfg = bpf_map_lookup_elem(&guard_config, &zero);
	if (!cfg)
		return XDP_PASS;
	enforcing = cfg->mode == HOTLINE_GUARD_ENFORCE ||
		    (cfg->mode == HOTLINE_GUARD_AUTO && cfg->armed);

	if (rc != HOTLINE_PARSE_OK) {
		if (enforcing) {
			guard_count(HOTLINE_GUARD_STAT_MALFORMED_DROPPED, len);
			return XDP_DROP;
		}
		guard_count(HOTLINE_GUARD_STAT_MALFORMED_PASSED, len);
		return XDP_PASS;
	}

	if (cfg->mode == HOTLINE_GUARD_OFF || guard_take(cfg, len)) {
		guard_count(HOTLINE_GUARD_STAT_PASSED, len);
		return XDP_PASS;
	}
	if (enforcing) {
		guard_count(HOTLINE_GUARD_STAT_DROPPED, len);
		return XDP_DROP;
	}
	guard_count(HOTLINE_GUARD_STAT_WOULD_DROP, len);
	return XDP_PASS;
}
