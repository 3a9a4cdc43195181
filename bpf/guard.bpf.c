// SPDX-License-Identifier: GPL-2.0
/*
 * hotline guard: XDP on the WAN-facing device.
 *
 * Order of decisions for each frame:
 *  1. not IP (ARP, LLDP, ...)            -> pass, NON_IP. ARP must live.
 *  2. IP source inside a hotline peer    -> pass, HOTLINE. Never limited,
 *     prefix (LPM tries peers4/peers6)      whatever the mode or the bucket.
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
 * a bpf_spin_lock. The alternative, one bucket per CPU at rate/ncpus, is
 * lock-free but wrong in the cases that matter here: RSS hashes a flood
 * onto a few queues, so a per-CPU bucket lets through ncpus times the
 * burst, and starves legitimate traffic that happens to share a CPU with
 * the flood while other CPUs' buckets sit full. The lock is held for a
 * few arithmetic instructions on one cache line; under a multi-queue flood
 * that line bounces, which costs tens of nanoseconds per packet - cheap
 * next to passing the packet to the stack, and it buys an exact global
 * rate. Hotline packets never touch the bucket, so its contention never
 * delays them.
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

static __always_inline bool guard_is_peer(const struct hotline_flow *f)
{
	if (f->family == HOTLINE_FLOW_IPV4) {
		struct hotline_guard_key4 k = { .prefixlen = 32 };

		__builtin_memcpy(k.addr, &f->saddr.v4, 4);
		return bpf_map_lookup_elem(&guard_peers4, &k) != NULL;
	}
	if (f->family == HOTLINE_FLOW_IPV6) {
		struct hotline_guard_key6 k = { .prefixlen = 128 };

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

/* Take one packet and len bytes from the bucket; false if either is short. */
static __always_inline bool guard_take(const struct hotline_guard_config *cfg,
				       __u64 len)
{
	struct hotline_guard_bucket *b;
	__u64 now, elapsed, need_bytes;
	__u32 zero = 0;
	bool ok = true;

	if (!(cfg->flags & (HOTLINE_GUARD_LIMIT_PKTS | HOTLINE_GUARD_LIMIT_BYTES)))
		return true;
	b = bpf_map_lookup_elem(&guard_bucket, &zero);
	if (!b)
		return true;
	now = guard_now();
	need_bytes = len * HOTLINE_GUARD_TOKEN_SCALE;

	bpf_spin_lock(&b->lock);
	/* A clock that went backwards (or a fresh bucket) adds nothing. */
	elapsed = b->last_ns && now > b->last_ns ? now - b->last_ns : 0;
	if (now > b->last_ns)
		b->last_ns = now;
	if (cfg->flags & HOTLINE_GUARD_LIMIT_PKTS) {
		b->pkt_tokens = guard_refill(b->pkt_tokens, elapsed,
					     cfg->pkt_rate, cfg->pkt_fill_ns,
					     cfg->pkt_cap);
		if (b->pkt_tokens < HOTLINE_GUARD_TOKEN_SCALE)
			ok = false;
	}
	if (cfg->flags & HOTLINE_GUARD_LIMIT_BYTES) {
		b->byte_tokens = guard_refill(b->byte_tokens, elapsed,
					      cfg->byte_rate, cfg->byte_fill_ns,
					      cfg->byte_cap);
		if (b->byte_tokens < need_bytes)
			ok = false;
	}
	if (ok) {
		if (cfg->flags & HOTLINE_GUARD_LIMIT_PKTS)
			b->pkt_tokens -= HOTLINE_GUARD_TOKEN_SCALE;
		if (cfg->flags & HOTLINE_GUARD_LIMIT_BYTES)
			b->byte_tokens -= need_bytes;
	}
	bpf_spin_unlock(&b->lock);
	return ok;
}

SEC("xdp")
int hotline_guard(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 len = (__u64)ctx->data_end - ctx->data;
	const struct hotline_guard_config *cfg;
	struct hotline_flow f;
	bool enforcing;
	__u32 zero = 0;
	int rc;

	rc = hotline_parse_eth(data, data_end, &f);
	if (rc == HOTLINE_PARSE_NOT_IP) {
		guard_count(HOTLINE_GUARD_STAT_NON_IP, len);
		return XDP_PASS;
	}
	/* The addresses are trustworthy as soon as family is set. */
	if (guard_is_peer(&f)) {
		guard_count(HOTLINE_GUARD_STAT_HOTLINE, len);
		return XDP_PASS;
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
