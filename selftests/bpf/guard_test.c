// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tests of the XDP guard on the running kernel.
 *
 *   guard_test                  the program through BPF_PROG_TEST_RUN on
 *                               crafted frames (needs CAP_BPF, no device)
 *   guard_test --attach ROOT    the loader library (user/guard.c) on veth
 *                               devices, pinning under ROOT; run it in a
 *                               private network and mount namespace with
 *                               a BPF filesystem mounted on ROOT's parent
 *   guard_test --verifier-only  load the production program (no test
 *                               clock) and run one frame: proves this
 *                               kernel's verifier accepts it
 *
 * Token bucket tests use the program's test clock (rodata test_clock,
 * bss fake_now_ns), never wall time: they cannot flake on a loaded host.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>

#include "guard.h"
#include "frames.h"
#include "guard_skel.h"

static int passes, failures;

__attribute__((format(printf, 2, 3)))
static void check(bool ok, const char *fmt, ...)
{
	char name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	if (ok) {
		passes++;
		printf("PASS: %s\n", name);
	} else {
		failures++;
		printf("FAIL: %s", name);
	}
}

/* check() printed "FAIL: name" without a newline: finish it with why. */
#define CHECK(cond, name, ...)						\
	do {								\
		bool ok_ = (cond);					\
		check(ok_, "%s", name);					\
		if (!ok_) {						\
			printf(": ");					\
			printf(__VA_ARGS__);				\
			printf("\n");					\
		}							\
	} while (0)

static struct hotline_guard_bpf *skel;
static int prog_fd;

static const char *verdict_name(int v)
{
	return v == XDP_PASS ? "pass" : v == XDP_DROP ? "drop" : "other";
}

/* Run a frame through the program; returns the XDP verdict, or -errno. */
static int run(const struct frame *f, int repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, o,
		    .data_in = f->b,
		    .data_size_in = (__u32)f->len,
		    .repeat = repeat);
	int err = bpf_prog_test_run_opts(prog_fd, &o);

	return err ? -errno : (int)o.retval;
}

static void reset_stats(void)
{
	int ncpus = libbpf_num_possible_cpus();
	struct hotline_guard_counter *zero = calloc((size_t)ncpus, sizeof(*zero));
	int fd = bpf_map__fd(skel->maps.guard_stats);

	for (__u32 k = 0; k < HOTLINE_GUARD_STAT_MAX; k++)
		bpf_map_update_elem(fd, &k, zero, BPF_ANY);
	free(zero);
}

static struct guard_stats stats(void)
{
	struct guard_stats st;

	if (guard_read_stats_fd(bpf_map__fd(skel->maps.guard_stats), &st)) {
		printf("FAIL: read stats: %s\n", guard_error());
		failures++;
		memset(&st, 0, sizeof(st));
	}
	return st;
}

/*
 * Configure, refill the bucket and zero the counters; a new generation,
 * as hotlinectl gives new limits, so no CPU keeps an earlier batch.
 */
static int configure(enum guard_mode mode, bool armed, const struct guard_limits *l)
{
	static __u32 gen;
	struct hotline_guard_config cfg;
	__u32 zero = 0;
	int err;

	err = guard_config_encode(mode, armed, l, &cfg);
	cfg.gen = ++gen;
	if (!err && bpf_map_update_elem(bpf_map__fd(skel->maps.guard_config),
					&zero, &cfg, BPF_ANY))
		err = -errno;
	if (!err)
		err = guard_bucket_refill(bpf_map__fd(skel->maps.guard_bucket), &cfg);
	if (err) {
		printf("FAIL: configure: %s\n", guard_error());
		failures++;
	}
	reset_stats();
	return err;
}

static void set_armed(bool armed)
{
	struct hotline_guard_config cfg;
	int fd = bpf_map__fd(skel->maps.guard_config);
	__u32 zero = 0;

	bpf_map_lookup_elem(fd, &zero, &cfg);
	cfg.armed = armed;
	bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY);
}

/* Send n copies; return how many got `want`. */
static int run_n(const struct frame *f, int n, int want)
{
	int got = 0;

	for (int i = 0; i < n; i++)
		got += run(f, 1) == want;
	return got;
}

static const char *peer_list[] = {
	"198.51.100.7/32", "203.0.113.0/24", "2001:db8:1::7/128",
	"2001:db8:100::/48",
};

/* The skeleton's peer maps; without the hosts maps and slot tables, as a
 * guard an older hotlinectl attached has them. */
static struct guard_peer_fds peer_fds(bool hosts)
{
	return (struct guard_peer_fds){
		.peers4 = bpf_map__fd(skel->maps.guard_peers4),
		.peers6 = bpf_map__fd(skel->maps.guard_peers6),
		.hosts4 = hosts ? bpf_map__fd(skel->maps.guard_hosts4) : -1,
		.hosts6 = hosts ? bpf_map__fd(skel->maps.guard_hosts6) : -1,
		.slots4 = hosts ? bpf_map__fd(skel->maps.guard_slots4) : -1,
		.slots6 = hosts ? bpf_map__fd(skel->maps.guard_slots6) : -1,
	};
}

static int sync_peers(const char *const *names, size_t n)
{
	struct guard_peer_fds fds = peer_fds(true);
	struct guard_prefix p[16];

	for (size_t i = 0; i < n; i++)
		if (guard_prefix_parse(names[i], &p[i]))
			return -EINVAL;
	return guard_sync_peers_fd(&fds, p, n);
}

static size_t count_keys(struct bpf_map *m)
{
	unsigned char key[32], prev[32];
	size_t n = 0;

	/*
	 * cppcheck takes prev in the conditional for a read; only its
	 * address is passed, and only once the first key filled it.
	 */
	/* cppcheck-suppress legacyUninitvar */
	while (!bpf_map_get_next_key(bpf_map__fd(m), n ? prev : NULL, key)) {
		memcpy(prev, key, sizeof(key));
		n++;
	}
	return n;
}

/* Peers of a family, in its trie and its hosts hash together. */
static size_t peers4(void)
{
	return count_keys(skel->maps.guard_peers4) + count_keys(skel->maps.guard_hosts4);
}

static size_t peers6(void)
{
	return count_keys(skel->maps.guard_peers6) + count_keys(skel->maps.guard_hosts6);
}

static void test_hotline_always_passes(void)
{
	struct guard_limits l = { .pps = 0, .pps_burst = 1 };
	struct frame other, f;
	struct guard_stats st;
	int v;

	configure(GUARD_MODE_ENFORCE, false, &l);
	frame_udp4(&other, 0, "192.0.2.99", "192.0.2.1", 20);
	run(&other, 1);			/* the only token */
	v = run(&other, 1);
	CHECK(v == XDP_DROP, "guard: empty bucket drops other traffic in enforce",
	      "verdict %s", verdict_name(v));

	frame_udp4(&f, 0, "198.51.100.7", "192.0.2.1", 20);
	CHECK(run_n(&f, 5, XDP_PASS) == 5, "guard: hotline IPv4 host /32 passes with an empty bucket",
	      "not every packet passed");
	frame_udp4(&f, 0, "203.0.113.200", "192.0.2.1", 20);
	CHECK(run_n(&f, 5, XDP_PASS) == 5, "guard: hotline IPv4 inside a /24 passes with an empty bucket",
	      "not every packet passed");
	frame_udp6(&f, 0, "2001:db8:1::7", "2001:db8:2::1", 20);
	CHECK(run_n(&f, 5, XDP_PASS) == 5, "guard: hotline IPv6 host /128 passes with an empty bucket",
	      "not every packet passed");
	frame_udp6(&f, 0, "2001:db8:100:abcd::1", "2001:db8:2::1", 20);
	CHECK(run_n(&f, 5, XDP_PASS) == 5, "guard: hotline IPv6 inside a /48 passes with an empty bucket",
	      "not every packet passed");
	frame_udp4(&f, 1, "198.51.100.7", "192.0.2.1", 20);
	CHECK(run_n(&f, 5, XDP_PASS) == 5, "guard: 802.1Q-tagged hotline IPv4 passes",
	      "not every packet passed");
	frame_udp6(&f, 2, "2001:db8:100::5", "2001:db8:2::1", 20);
	CHECK(run_n(&f, 5, XDP_PASS) == 5, "guard: QinQ-tagged hotline IPv6 passes",
	      "not every packet passed");

	/* Neighbours of the prefixes are not hotline. */
	frame_udp4(&f, 0, "198.51.100.8", "192.0.2.1", 20);
	v = run(&f, 1);
	CHECK(v == XDP_DROP, "guard: the address next to a /32 peer is limited",
	      "verdict %s", verdict_name(v));
	frame_udp4(&f, 0, "203.0.114.1", "192.0.2.1", 20);
	v = run(&f, 1);
	CHECK(v == XDP_DROP, "guard: an address outside the /24 is limited",
	      "verdict %s", verdict_name(v));
	frame_udp6(&f, 0, "2001:db8:101::1", "2001:db8:2::1", 20);
	v = run(&f, 1);
	CHECK(v == XDP_DROP, "guard: an IPv6 address outside the /48 is limited",
	      "verdict %s", verdict_name(v));
	/* A destination in the peer prefix does not make it hotline. */
	frame_udp4(&f, 0, "192.0.2.1", "198.51.100.7", 20);
	v = run(&f, 1);
	CHECK(v == XDP_DROP, "guard: only the source address selects hotline",
	      "verdict %s", verdict_name(v));

	st = stats();
	CHECK(st.c[HOTLINE_GUARD_STAT_HOTLINE].packets == 30 &&
	      st.c[HOTLINE_GUARD_STAT_PASSED].packets == 1 &&
	      st.c[HOTLINE_GUARD_STAT_DROPPED].packets == 5,
	      "guard: counters hotline 30, passed 1, dropped 5",
	      "hotline %llu passed %llu dropped %llu",
	      (unsigned long long)st.c[HOTLINE_GUARD_STAT_HOTLINE].packets,
	      (unsigned long long)st.c[HOTLINE_GUARD_STAT_PASSED].packets,
	      (unsigned long long)st.c[HOTLINE_GUARD_STAT_DROPPED].packets);
}

static void test_modes(void)
{
	struct guard_limits l = { .pps = 0, .pps_burst = 3 };
	struct frame f;
	struct guard_stats st;
	int v;

	frame_udp4(&f, 0, "192.0.2.99", "192.0.2.1", 100);

	configure(GUARD_MODE_ENFORCE, false, &l);
	CHECK(run_n(&f, 3, XDP_PASS) == 3 && run_n(&f, 4, XDP_DROP) == 4,
	      "guard: enforce with burst 3 at rate 0 passes exactly 3",
	      "wrong verdicts");
	st = stats();
	CHECK(st.c[HOTLINE_GUARD_STAT_PASSED].packets == 3 &&
	      st.c[HOTLINE_GUARD_STAT_DROPPED].packets == 4 &&
	      st.c[HOTLINE_GUARD_STAT_DROPPED].bytes == 4 * f.len,
	      "guard: enforce counts 3 passed, 4 dropped with their bytes",
	      "passed %llu dropped %llu (%llu bytes)",
	      (unsigned long long)st.c[HOTLINE_GUARD_STAT_PASSED].packets,
	      (unsigned long long)st.c[HOTLINE_GUARD_STAT_DROPPED].packets,
	      (unsigned long long)st.c[HOTLINE_GUARD_STAT_DROPPED].bytes);

	configure(GUARD_MODE_MONITOR, false, &l);
	CHECK(run_n(&f, 10, XDP_PASS) == 10, "guard: monitor passes everything",
	      "something was dropped");
	st = stats();
	CHECK(st.c[HOTLINE_GUARD_STAT_PASSED].packets == 3 &&
	      st.c[HOTLINE_GUARD_STAT_WOULD_DROP].packets == 7 &&
	      st.c[HOTLINE_GUARD_STAT_DROPPED].packets == 0,
	      "guard: monitor counts 7 would-drop over a burst of 3",
	      "passed %llu would_drop %llu dropped %llu",
	      (unsigned long long)st.c[HOTLINE_GUARD_STAT_PASSED].packets,
	      (unsigned long long)st.c[HOTLINE_GUARD_STAT_WOULD_DROP].packets,
	      (unsigned long long)st.c[HOTLINE_GUARD_STAT_DROPPED].packets);

	configure(GUARD_MODE_OFF, false, &l);
	CHECK(run_n(&f, 10, XDP_PASS) == 10, "guard: off passes everything",
	      "something was dropped");
	st = stats();
	CHECK(st.c[HOTLINE_GUARD_STAT_PASSED].packets == 10 &&
	      st.c[HOTLINE_GUARD_STAT_WOULD_DROP].packets == 0,
	      "guard: off counts all 10 as passed", "passed %llu would_drop %llu",
	      (unsigned long long)st.c[HOTLINE_GUARD_STAT_PASSED].packets,
	      (unsigned long long)st.c[HOTLINE_GUARD_STAT_WOULD_DROP].packets);
	/* Off spends no tokens: enforce still has the whole burst. */
	{
		struct hotline_guard_config cfg;
		__u32 zero = 0;
		int fd = bpf_map__fd(skel->maps.guard_config);

		bpf_map_lookup_elem(fd, &zero, &cfg);
		cfg.mode = HOTLINE_GUARD_ENFORCE;
		bpf_map_update_elem(fd, &zero, &cfg, BPF_ANY);
	}
	CHECK(run_n(&f, 3, XDP_PASS) == 3 && run(&f, 1) == XDP_DROP,
	      "guard: off spends no tokens", "the bucket was not full");

	configure(GUARD_MODE_AUTO, false, &l);
	CHECK(run_n(&f, 6, XDP_PASS) == 6, "guard: auto, disarmed, passes over the rate",
	      "dropped while disarmed");
	set_armed(true);
	v = run(&f, 1);
	CHECK(v == XDP_DROP, "guard: auto, armed, drops over the rate",
	      "verdict %s", verdict_name(v));
	set_armed(false);
	v = run(&f, 1);
	CHECK(v == XDP_PASS, "guard: auto, disarmed again, passes",
	      "verdict %s", verdict_name(v));
	st = stats();
	CHECK(st.c[HOTLINE_GUARD_STAT_WOULD_DROP].packets == 4 &&
	      st.c[HOTLINE_GUARD_STAT_DROPPED].packets == 1,
	      "guard: auto counts would-drop while disarmed, dropped while armed",
	      "would_drop %llu dropped %llu",
	      (unsigned long long)st.c[HOTLINE_GUARD_STAT_WOULD_DROP].packets,
	      (unsigned long long)st.c[HOTLINE_GUARD_STAT_DROPPED].packets);

	configure(GUARD_MODE_ENFORCE, false, NULL);
	CHECK(run_n(&f, 50, XDP_PASS) == 50, "guard: enforce without limits passes everything",
	      "something was dropped");
}

static void test_bytes(void)
{
	struct guard_limits l = { .bps = 0, .bps_burst = 1000 };
	struct frame big, small;

	frame_udp4(&big, 0, "192.0.2.99", "192.0.2.1", 400 - 42);	/* 400 B */
	frame_udp4(&small, 0, "192.0.2.99", "192.0.2.1", 100 - 42);	/* 100 B */
	configure(GUARD_MODE_ENFORCE, false, &l);
	CHECK(run_n(&big, 2, XDP_PASS) == 2 && run(&big, 1) == XDP_DROP &&
	      run_n(&small, 2, XDP_PASS) == 2 && run(&small, 1) == XDP_DROP,
	      "guard: a 1000-byte burst passes 400+400+100+100 bytes, no more",
	      "wrong verdicts (frames %zu and %zu bytes)", big.len, small.len);
}

static void advance(__u64 ns)
{
	skel->bss->fake_now_ns += ns;
}

static void test_refill(void)
{
	struct guard_limits l = { .pps = 10, .pps_burst = 2 };
	struct frame f;
	int got, more;

	frame_udp4(&f, 0, "192.0.2.99", "192.0.2.1", 20);
	skel->bss->fake_now_ns = 1000000000ULL;
	configure(GUARD_MODE_ENFORCE, false, &l);
	CHECK(run_n(&f, 2, XDP_PASS) == 2 && run(&f, 1) == XDP_DROP,
	      "guard: 10 pps burst 2 passes the burst then drops",
	      "wrong verdicts");
	advance(99000000);
	CHECK(run(&f, 1) == XDP_DROP, "guard: 99 ms later there is no whole token",
	      "passed early");
	advance(1000000);
	CHECK(run(&f, 1) == XDP_PASS && run(&f, 1) == XDP_DROP,
	      "guard: 100 ms later exactly one token", "wrong verdicts");
	advance(10000000000ULL);
	got = run_n(&f, 5, XDP_PASS);
	CHECK(got == 2, "guard: after 10 s idle the bucket holds its burst, not more",
	      "%d passed", got);
	advance(1000000000ULL);
	got = run_n(&f, 20, XDP_PASS);
	CHECK(got == 2, "guard: one second refills to the cap (2), not 10",
	      "%d passed", got);
	skel->bss->fake_now_ns -= 500000000ULL;
	got = run_n(&f, 3, XDP_PASS);
	CHECK(got == 0, "guard: a clock going backwards adds no tokens",
	      "%d passed", got);

	/* The fastest rate after an hour idle: no overflow, just the cap. */
	l.pps = GUARD_MAX_RATE;
	l.pps_burst = 2;
	configure(GUARD_MODE_ENFORCE, false, &l);
	run_n(&f, 3, XDP_PASS);
	advance(3600ULL * 1000000000ULL);
	got = run_n(&f, 5, XDP_PASS);
	CHECK(got == 2, "guard: max rate after an hour idle refills to the cap, no overflow",
	      "%d passed", got);

	/* Large rate: 1e6 pps over 1 ms gives exactly 1000. */
	l.pps = 1000000;
	l.pps_burst = 5000;
	skel->bss->fake_now_ns = 5000000000ULL;
	configure(GUARD_MODE_ENFORCE, false, &l);
	got = run_n(&f, 6000, XDP_PASS);
	advance(1000000);
	more = run_n(&f, 1500, XDP_PASS);
	CHECK(got == 5000 && more == 1000,
	      "guard: 1e6 pps: burst 5000, then 1000 per ms",
	      "first %d then %d", got, more);
}

/* config.gen of DEV's pinned guard; ~0 when it cannot be read */
static __u32 pinned_gen(const char *root, const char *dev)
{
	struct hotline_guard_config cfg;
	char path[512];
	__u32 zero = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%s/config", root, dev);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return ~0U;
	if (bpf_map_lookup_elem(fd, &zero, &cfg))
		cfg.gen = ~0U;
	close(fd);
	return cfg.gen;
}

/* The CPUs this test may use, as it started (main pins it to one). */
static cpu_set_t all_cpus;

/* Pin this thread to one CPU; false if the kernel refuses. */
static bool on_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return !sched_setaffinity(0, sizeof(set), &set);
}

/*
 * The per-CPU cache in front of the bucket: batches, the refused CPU's
 * lock-free drops for retry_ns, and one global burst across CPUs.
 */
static void test_cpu_cache(void)
{
	struct guard_limits l = { .pps = 1000000, .pps_burst = 5000 };
	struct hotline_guard_config cfg;
	int ncpus = libbpf_num_possible_cpus();
	struct frame f;
	int a, b, c;

	CHECK(!guard_config_encode(GUARD_MODE_ENFORCE, false, &l, &cfg) &&
	      cfg.pkt_batch == 64 * HOTLINE_GUARD_TOKEN_SCALE && cfg.retry_ns == 64000,
	      "guard: 1e6 pps burst 5000: batches of 64 packets, a refused CPU asks again after 64 us",
	      "batch %llu retry %llu ns", (unsigned long long)cfg.pkt_batch,
	      (unsigned long long)cfg.retry_ns);
	l = (struct guard_limits){ .pps = 10, .pps_burst = 2 };
	CHECK(!guard_config_encode(GUARD_MODE_ENFORCE, false, &l, &cfg) &&
	      cfg.pkt_batch == HOTLINE_GUARD_TOKEN_SCALE && cfg.retry_ns == 1000000,
	      "guard: 10 pps burst 2: one packet at a time, asks again after 1 ms at most",
	      "batch %llu retry %llu ns", (unsigned long long)cfg.pkt_batch,
	      (unsigned long long)cfg.retry_ns);
	l = (struct guard_limits){ .bps = 1000000000, .bps_burst = 1000000 };
	CHECK(!guard_config_encode(GUARD_MODE_ENFORCE, false, &l, &cfg) &&
	      cfg.byte_batch == 15625 * HOTLINE_GUARD_TOKEN_SCALE,
	      "guard: 1 GB/s burst 1 MB: byte batches of 1/64 of the burst",
	      "batch %llu", (unsigned long long)(cfg.byte_batch / HOTLINE_GUARD_TOKEN_SCALE));

	frame_udp4(&f, 0, "192.0.2.99", "192.0.2.1", 20);
	l = (struct guard_limits){ .pps = 1000000, .pps_burst = 5000 };
	skel->bss->fake_now_ns = 7000000000ULL;
	configure(GUARD_MODE_ENFORCE, false, &l);
	a = run_n(&f, 6000, XDP_PASS);
	advance(63000);
	b = run(&f, 1) == XDP_DROP;
	advance(1000);
	c = run(&f, 1) == XDP_PASS;
	CHECK(a == 5000 && b && c,
	      "guard: refused, a CPU drops for retry_ns though tokens accrue, then takes them",
	      "burst %d, at 63 us %s, at 64 us %s", a, b ? "dropped" : "passed",
	      c ? "passed" : "dropped");

	if (ncpus < 2 || !CPU_ISSET(0, &all_cpus) || !CPU_ISSET(1, &all_cpus)) {
		printf("SKIP: guard: one burst across CPUs (needs CPUs 0 and 1)\n");
		return;
	}
	configure(GUARD_MODE_ENFORCE, false, &l);
	a = b = c = -1;
	if (on_cpu(0))
		a = run_n(&f, 1, XDP_PASS);	/* CPU 0 takes 64, spends 1 */
	if (on_cpu(1))
		b = run_n(&f, 6000, XDP_PASS);	/* CPU 1 gets the rest */
	if (on_cpu(0))
		c = run_n(&f, 100, XDP_PASS);	/* CPU 0 spends its 63 */
	CHECK(a == 1 && b == 5000 - 64 && c == 63,
	      "guard: one burst of 5000 across two CPUs: a batch held by one is not spent by the other",
	      "cpu0 %d, cpu1 %d, cpu0 again %d", a, b, c);
	on_cpu(0);
}

static void test_non_ip_and_malformed(void)
{
	struct guard_limits l = { .pps = 0, .pps_burst = 1 };
	struct frame f, lldp;
	struct guard_stats st;
	int v;

	configure(GUARD_MODE_ENFORCE, false, &l);
	frame_udp4(&f, 0, "192.0.2.99", "192.0.2.1", 20);
	run(&f, 1);			/* empty the bucket */
	frame_arp(&f);
	CHECK(run_n(&f, 5, XDP_PASS) == 5, "guard: ARP passes in enforce with an empty bucket",
	      "ARP dropped");
	frame_eth(&lldp, 0x88cc, 0, 0);
	lldp.len = 60;
	CHECK(run(&lldp, 1) == XDP_PASS, "guard: LLDP passes", "LLDP dropped");

	/* Broken IPv4 headers are dropped while enforcing... */
	frame_udp4(&f, 0, "192.0.2.99", "192.0.2.1", 20);
	f.b[14] = 0x44;			/* IHL 4 */
	v = run(&f, 1);
	CHECK(v == XDP_DROP, "guard: malformed IPv4 (IHL 4) is dropped while enforcing",
	      "verdict %s", verdict_name(v));
	frame_udp4(&f, 0, "192.0.2.99", "192.0.2.1", 20);
	f.len = 14 + 10;		/* IP header cut short */
	v = run(&f, 1);
	CHECK(v == XDP_DROP, "guard: truncated IPv4 header is dropped while enforcing",
	      "verdict %s", verdict_name(v));
	/* ... except from a hotline peer, whose address could be read. */
	frame_ipv4(&f, 0, "198.51.100.7", "192.0.2.1", 17, 1, 2, 2, 5, 0);
	v = run(&f, 1);
	CHECK(v == XDP_PASS, "guard: hotline packet with a cut UDP header still passes",
	      "verdict %s", verdict_name(v));
	st = stats();
	CHECK(st.c[HOTLINE_GUARD_STAT_NON_IP].packets == 6 &&
	      st.c[HOTLINE_GUARD_STAT_MALFORMED_DROPPED].packets == 2 &&
	      st.c[HOTLINE_GUARD_STAT_HOTLINE].packets == 1,
	      "guard: counters non-ip 6, malformed dropped 2, hotline 1",
	      "non_ip %llu malformed_dropped %llu hotline %llu",
	      (unsigned long long)st.c[HOTLINE_GUARD_STAT_NON_IP].packets,
	      (unsigned long long)st.c[HOTLINE_GUARD_STAT_MALFORMED_DROPPED].packets,
	      (unsigned long long)st.c[HOTLINE_GUARD_STAT_HOTLINE].packets);

	configure(GUARD_MODE_MONITOR, false, &l);
	frame_udp4(&f, 0, "192.0.2.99", "192.0.2.1", 20);
	f.b[14] = 0x44;
	v = run(&f, 1);
	st = stats();
	CHECK(v == XDP_PASS && st.c[HOTLINE_GUARD_STAT_MALFORMED_PASSED].packets == 1,
	      "guard: malformed IPv4 passes (and is counted) in monitor",
	      "verdict %s, malformed_passed %llu", verdict_name(v),
	      (unsigned long long)st.c[HOTLINE_GUARD_STAT_MALFORMED_PASSED].packets);
}

static void test_counters_per_cpu(void)
{
	int ncpus = libbpf_num_possible_cpus(), used = 0;
	struct frame f;
	struct guard_stats st;
	cpu_set_t set, old;

	configure(GUARD_MODE_OFF, false, NULL);
	frame_udp4(&f, 0, "192.0.2.99", "192.0.2.1", 58);	/* 100 B */
	sched_getaffinity(0, sizeof(old), &old);
	/* The same frames from every CPU we may run on: sums must add up. */
	for (int c = 0; c < ncpus && c < CPU_SETSIZE; c++) {
		if (!CPU_ISSET(c, &all_cpus))
			continue;
		CPU_ZERO(&set);
		CPU_SET(c, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			continue;
		run(&f, 1000);
		used++;
	}
	sched_setaffinity(0, sizeof(old), &old);
	st = stats();
	CHECK(used > 0 && st.c[HOTLINE_GUARD_STAT_PASSED].packets == 1000ULL * used &&
	      st.c[HOTLINE_GUARD_STAT_PASSED].bytes == 100000ULL * used,
	      "guard: per-CPU counters sum across CPUs",
	      "%d CPUs: %llu packets, %llu bytes", used,
	      (unsigned long long)st.c[HOTLINE_GUARD_STAT_PASSED].packets,
	      (unsigned long long)st.c[HOTLINE_GUARD_STAT_PASSED].bytes);
	printf("# counters summed over %d CPU(s)\n", used);
}

/*
 * How many peers test_peer_limit fills: HOTLINE_GUARD_TEST_PEERS, 100,000
 * unless set. The debug kernel's lane sets 10,000 (selftests/
 * test_guard.sh): there each of the ~500,000 map calls of a 100,000 fill,
 * count and sync back costs half a millisecond under KASAN and lockdep,
 * about four minutes for paths that 10,000 run as well.
 */
static size_t peers_fit;

static size_t test_peers(void)
{
	const char *s = getenv("HOTLINE_GUARD_TEST_PEERS");
	char *end;
	unsigned long v;

	if (!s || !*s)
		return 100000;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > HOTLINE_GUARD_MAX_PEERS) {
		fprintf(stderr, "guard_test: HOTLINE_GUARD_TEST_PEERS must be 1 to %d, got '%s'\n",
			HOTLINE_GUARD_MAX_PEERS, s);
		exit(2);
	}
	return v;
}

/*
 * A 100,000-channel table's peers fit (every one found by the program),
 * and one more than the tries hold is refused by name, changing nothing.
 */
static void test_peer_limit(void)
{
	size_t n = HOTLINE_GUARD_MAX_PEERS + 1, fit = peers_fit, before;
	struct guard_peer_fds fds = peer_fds(true);
	struct guard_prefix *p = calloc(n, sizeof(*p));
	struct frame f;
	char last[16], name[64];
	int err;

	if (!p) {
		CHECK(0, "guard: peer limit", "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		p[i].family = 4;
		p[i].len = 32;
		p[i].addr[0] = 10;
		p[i].addr[1] = (unsigned char)(i >> 16);
		p[i].addr[2] = (unsigned char)(i >> 8);
		p[i].addr[3] = (unsigned char)i;
	}
	err = guard_sync_peers_fd(&fds, p, fit);
	snprintf(last, sizeof(last), "%u.%u.%u.%u", p[fit - 1].addr[0], p[fit - 1].addr[1],
		 p[fit - 1].addr[2], p[fit - 1].addr[3]);
	frame_udp4(&f, 0, last, "192.0.2.1", 20);
	snprintf(name, sizeof(name), "guard: %zu IPv4 peers fit, the last one passes", fit);
	CHECK(!err && peers4() == fit && run(&f, 1) == XDP_PASS,
	      name, "err %d (%s), %zu keys", err, guard_error(),
	      peers4());
	before = peers4();
	err = guard_sync_peers_fd(&fds, p, n);
	CHECK(err == -E2BIG && strstr(guard_error(), "exceed the guard's") &&
	      peers4() == before,
	      "guard: one peer more than the tries hold is refused, nothing changed",
	      "err %d, '%s', %zu keys (had %zu)", err, guard_error(),
	      peers4(), before);
	free(p);
}

/* run() of a UDP frame from src (IPv4 or IPv6) */
static __u32 run_from(const char *src)
{
	struct frame f;

	if (strchr(src, ':'))
		frame_udp6(&f, 0, src, "2001:db8:2::1", 20);
	else
		frame_udp4(&f, 0, src, "192.0.2.1", 20);
	return run(&f, 1);
}

/*
 * Single addresses go to the hosts hashes and prefixes to the tries; a
 * guard without hosts maps (attached by an older hotlinectl) gets all of
 * them in its tries, and a sync by a newer one moves the addresses over
 * without a gap. Runs under a bucket that drops everything else.
 */
static void test_peer_maps(void)
{
	struct guard_peer_fds old = peer_fds(false), fds = peer_fds(true);
	struct guard_prefix p[4];
	int err;

	for (size_t i = 0; i < 4; i++)
		guard_prefix_parse(peer_list[i], &p[i]);
	err = guard_sync_peers_fd(&fds, p, 0);
	CHECK(!err && peers4() == 0 && peers6() == 0 &&
	      run_from("198.51.100.7") == XDP_DROP,
	      "guard: an empty list empties every peer map", "err %d, %zu/%zu", err,
	      peers4(), peers6());
	err = guard_sync_peers_fd(&old, p, 4);
	CHECK(!err && count_keys(skel->maps.guard_peers4) == 2 &&
	      count_keys(skel->maps.guard_peers6) == 2 &&
	      count_keys(skel->maps.guard_hosts4) == 0 &&
	      count_keys(skel->maps.guard_hosts6) == 0 &&
	      run_from("198.51.100.7") == XDP_PASS && run_from("2001:db8:1::7") == XDP_PASS,
	      "guard: without hosts maps every peer goes to the tries, and passes",
	      "err %d", err);
	err = guard_sync_peers_fd(&fds, p, 4);
	CHECK(!err && count_keys(skel->maps.guard_peers4) == 1 &&
	      count_keys(skel->maps.guard_peers6) == 1 &&
	      count_keys(skel->maps.guard_hosts4) == 1 &&
	      count_keys(skel->maps.guard_hosts6) == 1 &&
	      run_from("198.51.100.7") == XDP_PASS && run_from("2001:db8:1::7") == XDP_PASS &&
	      run_from("203.0.113.9") == XDP_PASS && run_from("2001:db8:100::9") == XDP_PASS,
	      "guard: a sync moves /32 and /128 peers into the hosts hashes, prefixes stay in the tries",
	      "err %d, tries %zu/%zu, hosts %zu/%zu", err, count_keys(skel->maps.guard_peers4),
	      count_keys(skel->maps.guard_peers6), count_keys(skel->maps.guard_hosts4),
	      count_keys(skel->maps.guard_hosts6));
	CHECK(run_from("198.51.100.8") == XDP_DROP && run_from("2001:db8:1::8") == XDP_DROP &&
	      run_from("203.0.114.1") == XDP_DROP,
	      "guard: an address beside a host peer, or outside a prefix, is limited",
	      "passed");
	err = guard_sync_peers_fd(&fds, p + 1, 1);
	CHECK(!err && peers4() == 1 && peers6() == 0 &&
	      run_from("198.51.100.7") == XDP_DROP && run_from("2001:db8:1::7") == XDP_DROP &&
	      run_from("203.0.113.9") == XDP_PASS,
	      "guard: a host peer removed by sync leaves its hash and is limited again",
	      "err %d, %zu/%zu", err, peers4(), peers6());
}

/*
 * k addresses that share one home slot: 10.0.0.0/8 (family 4) or
 * 2001:db8:5::/64 with the last 24 bits counted up (family 6), searched
 * until some home has gathered k of them.
 */
static bool same_home(int family, struct guard_prefix *out, size_t k)
{
	unsigned char *count = calloc(HOTLINE_GUARD_SLOT_ENTRIES, 1);
	__u32 found = 0, home;
	size_t got = 0;

	if (!count)
		return false;
	for (int pass = 0; pass < 2 && got < k; pass++) {
		for (__u32 i = 1; i < 1U << 24 && got < k; i++) {
			struct guard_prefix p = { .family = (unsigned char)family };
			__u64 w[2];
			__u32 a;

			if (family == 4) {
				p.len = 32;
				p.addr[0] = 10;
				p.addr[1] = (unsigned char)(i >> 16);
				p.addr[2] = (unsigned char)(i >> 8);
				p.addr[3] = (unsigned char)i;
				memcpy(&a, p.addr, 4);
				home = hotline_guard_home4(a);
			} else {
				p.len = 128;
				inet_pton(AF_INET6, "2001:db8:5::", p.addr);
				p.addr[13] = (unsigned char)(i >> 16);
				p.addr[14] = (unsigned char)(i >> 8);
				p.addr[15] = (unsigned char)i;
				memcpy(w, p.addr, 16);
				home = hotline_guard_home6(w[0], w[1]);
			}
			if (pass == 0 && ++count[home] == k)
				found = home;
			else if (pass == 1 && home == found)
				out[got++] = p;
		}
	}
	free(count);
	return got == k;
}

/* The id of the table in a slots map, 0 for none. */
static __u32 slot_table_id(int slots)
{
	__u32 id = 0;

	if (bpf_map_lookup_elem(slots, &(__u32){ 0 }, &id))
		return 0;
	return id;
}

static void prefix_name(const struct guard_prefix *p, char *buf, size_t len)
{
	inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->addr, buf, (socklen_t)len);
}

/*
 * One family's slot table: it answers for the hosts alone (one deleted
 * from the hash behind the loader's back still passes), a host that
 * found its probes taken is still found, in the hash, and an address
 * that shares their home but is no peer is limited. Without a table the
 * hash answers. Runs under a bucket that drops everything else.
 */
static void slot_table_family(int family)
{
	struct guard_peer_fds fds = peer_fds(true);
	int hosts = family == 4 ? fds.hosts4 : fds.hosts6;
	int slots = family == 4 ? fds.slots4 : fds.slots6;
	size_t k = HOTLINE_GUARD_SLOT_PROBES + 2;
	struct guard_prefix p[HOTLINE_GUARD_SLOT_PROBES + 2], dup[2];
	char first[INET6_ADDRSTRLEN], over[INET6_ADDRSTRLEN], beside[INET6_ADDRSTRLEN];
	char name[160];
	__u32 id0, id1;
	int err;

	if (!same_home(family, p, k)) {
		CHECK(0, "guard: slot tables", "no %zu IPv%d addresses share a home", k, family);
		return;
	}
	prefix_name(&p[0], first, sizeof(first));
	prefix_name(&p[k - 2], over, sizeof(over));
	prefix_name(&p[k - 1], beside, sizeof(beside));

	/* the first peer alone: the table answers without the hash */
	err = guard_sync_peers_fd(&fds, p, 1);
	bpf_map_delete_elem(hosts, p[0].addr);
	snprintf(name, sizeof(name),
		 "guard: IPv%d slot table: %s passes from the table alone (hash entry gone)",
		 family, first);
	CHECK(!err && run_from(first) == XDP_PASS, name, "err %d (%s)", err, guard_error());
	/* no table: the hash is the answer, and it has lost that peer */
	bpf_map_delete_elem(slots, &(__u32){ 0 });
	snprintf(name, sizeof(name),
		 "guard: IPv%d without a slot table the hash answers (the peer deleted from it is limited)",
		 family);
	CHECK(run_from(first) == XDP_DROP, name, "passed");
	err = guard_sync_peers_fd(&fds, p, 1);
	bpf_map_delete_elem(slots, &(__u32){ 0 });
	snprintf(name, sizeof(name), "guard: IPv%d without a slot table a hashed peer passes",
		 family);
	CHECK(!err && run_from(first) == XDP_PASS, name, "err %d", err);

	/* a sync that changes no host keeps the table; one with none builds it */
	id0 = slot_table_id(slots);
	err = guard_sync_peers_fd(&fds, p, 1);
	id1 = slot_table_id(slots);
	snprintf(name, sizeof(name),
		 "guard: IPv%d a sync with the hosts unchanged (one listed twice) keeps the table, one without a table builds it",
		 family);
	dup[0] = dup[1] = p[0];
	CHECK(!err && id0 == 0 && id1 && slot_table_id(slots) == id1 &&
	      !guard_sync_peers_fd(&fds, dup, 2) && slot_table_id(slots) == id1,
	      name, "err %d, table ids %u, %u, %u", err, id0, id1, slot_table_id(slots));

	/* k - 1 peers with one home: the last one overflows to the hash */
	err = guard_sync_peers_fd(&fds, p, k - 1);
	snprintf(name, sizeof(name),
		 "guard: IPv%d %zu peers with one home all pass, the one beyond %d probes from the hash",
		 family, k - 1, HOTLINE_GUARD_SLOT_PROBES);
	CHECK(!err && run_from(first) == XDP_PASS && run_from(over) == XDP_PASS, name,
	      "err %d (%s): %s %s, %s %s", err, guard_error(), first,
	      verdict_name(run_from(first)), over, verdict_name(run_from(over)));
	snprintf(name, sizeof(name),
		 "guard: IPv%d %s, same home, no peer, is limited", family, beside);
	CHECK(run_from(beside) == XDP_DROP, name, "passed");
	bpf_map_delete_elem(hosts, p[k - 2].addr);
	bpf_map_delete_elem(hosts, p[0].addr);
	snprintf(name, sizeof(name),
		 "guard: IPv%d the overflowed peer is the hash's alone, the others the table's",
		 family);
	CHECK(run_from(over) == XDP_DROP && run_from(first) == XDP_PASS, name,
	      "%s %s, %s %s", over, verdict_name(run_from(over)), first,
	      verdict_name(run_from(first)));

	/* removal swaps in a table without it */
	id0 = slot_table_id(slots);
	err = guard_sync_peers_fd(&fds, p + 1, k - 2);
	snprintf(name, sizeof(name),
		 "guard: IPv%d a host removed by sync is gone from the table too", family);
	CHECK(!err && run_from(first) == XDP_DROP && run_from(over) == XDP_PASS &&
	      slot_table_id(slots) && slot_table_id(slots) != id0, name,
	      "err %d: %s %s, table %u (was %u)", err, first, verdict_name(run_from(first)),
	      slot_table_id(slots), id0);
	err = guard_sync_peers_fd(&fds, p, 0);
	CHECK(!err, "guard: slot tables emptied", "err %d", err);
}

static void test_slot_tables(void)
{
	struct guard_limits l = { .pps = 0, .pps_burst = 1 };
	struct frame o;

	configure(GUARD_MODE_ENFORCE, false, &l);
	frame_udp4(&o, 0, "192.0.2.99", "192.0.2.1", 20);
	run(&o, 1);
	slot_table_family(4);
	slot_table_family(6);
}

static void test_peer_sync(void)
{
	static const char *moved[] = {
		"198.51.100.7/32", "203.0.113.0/25", "2001:db8:100::/48",
	};
	struct guard_limits l = { .pps = 0, .pps_burst = 1 };
	struct guard_peer_fds fds = peer_fds(true);
	struct guard_prefix bad[2];
	struct frame f, o;
	int err;

	configure(GUARD_MODE_ENFORCE, false, &l);
	frame_udp4(&o, 0, "192.0.2.99", "192.0.2.1", 20);
	run(&o, 1);
	err = sync_peers(moved, 3);
	CHECK(!err && peers4() == 2 &&
	      peers6() == 1,
	      "guard: sync makes the tries equal to the list (2 IPv4, 1 IPv6)",
	      "err %d (%s), %zu/%zu keys", err, guard_error(),
	      peers4(), peers6());
	frame_udp4(&f, 0, "203.0.113.200", "192.0.2.1", 20);
	CHECK(run(&f, 1) == XDP_DROP, "guard: a peer removed by sync is limited again",
	      "still passes");
	frame_udp4(&f, 0, "203.0.113.100", "192.0.2.1", 20);
	CHECK(run(&f, 1) == XDP_PASS, "guard: the narrowed prefix still passes",
	      "dropped");
	frame_udp6(&f, 0, "2001:db8:1::7", "2001:db8:2::1", 20);
	CHECK(run(&f, 1) == XDP_DROP, "guard: a removed IPv6 host is limited again",
	      "still passes");

	guard_prefix_parse("192.0.2.0/24", &bad[0]);
	memset(&bad[1], 0, sizeof(bad[1]));
	bad[1].family = 4;
	bad[1].len = 8;
	bad[1].addr[0] = 10;
	bad[1].addr[3] = 1;		/* host bits */
	err = guard_sync_peers_fd(&fds, bad, 2);
	CHECK(err == -EINVAL && strstr(guard_error(), "host bits") &&
	      peers4() == 2,
	      "guard: a bad prefix is rejected by name and changes nothing",
	      "err %d, '%s', %zu keys", err, guard_error(),
	      peers4());
	CHECK(guard_prefix_parse("198.51.100.7/24", &bad[0]) == -EINVAL &&
	      guard_prefix_parse("2001:db8::/129", &bad[0]) == -EINVAL &&
	      guard_prefix_parse("nonsense", &bad[0]) == -EINVAL &&
	      guard_prefix_parse("2001:db8::/32", &bad[0]) == 0 && bad[0].len == 32,
	      "guard: prefix parsing rejects host bits, long lengths, garbage",
	      "'%s'", guard_error());

	test_peer_limit();
	test_peer_maps();
	test_slot_tables();
	err = sync_peers(peer_list, 4);
	CHECK(!err && peers4() == 2 &&
	      peers6() == 2,
	      "guard: sync back to the original list", "err %d", err);
}

static void test_limits_validation(void)
{
	struct hotline_guard_config cfg;
	struct guard_limits l = { .pps = 1000 }, back;
	int err;

	err = guard_config_encode(GUARD_MODE_ENFORCE, false, &l, &cfg);
	guard_config_decode(&cfg, &back);
	CHECK(!err && back.pps == 1000 && back.pps_burst == 1000 && !back.bps,
	      "guard: a rate without burst gets one second of burst",
	      "err %d, pps %llu burst %llu", err, (unsigned long long)back.pps,
	      (unsigned long long)back.pps_burst);
	l.pps_burst = GUARD_MAX_BURST + 1;
	err = guard_config_encode(GUARD_MODE_ENFORCE, false, &l, &cfg);
	CHECK(err == -ERANGE && strstr(guard_error(), "burst"),
	      "guard: an oversized burst is refused", "err %d '%s'", err,
	      guard_error());
	err = guard_config_encode((enum guard_mode)7, false, NULL, &cfg);
	CHECK(err == -EINVAL, "guard: an unknown mode is refused", "err %d", err);
}

static int load(bool test_clock)
{
	int err;

	skel = hotline_guard_bpf__open();
	if (!skel)
		return -errno;
	skel->rodata->test_clock = test_clock;
	err = hotline_guard_bpf__load(skel);
	if (err) {
		hotline_guard_bpf__destroy(skel);
		skel = NULL;
		return err;
	}
	prog_fd = bpf_program__fd(skel->progs.hotline_guard);
	return 0;
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int verifier_only(void)
{
	struct utsname u;
	struct frame f;
	int err, v;

	uname(&u);
	err = load(false);
	if (err) {
		printf("FAIL: guard: verifier of %s accepts the guard: %s\n",
		       u.release, strerror(-err));
		return 1;
	}
	printf("PASS: guard: verifier of %s accepts the guard\n", u.release);
	configure(GUARD_MODE_ENFORCE, false, NULL);
	frame_udp4(&f, 0, "192.0.2.99", "192.0.2.1", 20);
	v = run(&f, 1);
	if (v == -524 /* ENOTSUPP */ || v == -EOPNOTSUPP) {
		printf("SKIP: guard: test run on %s: BPF_PROG_TEST_RUN unsupported\n",
		       u.release);
	} else {
		CHECK(v == XDP_PASS, "guard: the production program runs a frame",
		      "verdict %d", v);
	}
	hotline_guard_bpf__destroy(skel);
	return failures ? 1 : 0;
}

/* ---- the loader library on real devices -------------------------------- */

static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* Send n frames out of dev with a packet socket. */
static int send_frames(const char *dev, const struct frame *f, int n)
{
	struct sockaddr_ll sa = {
		.sll_family = AF_PACKET,
		.sll_ifindex = (int)if_nametoindex(dev),
		.sll_halen = 6,
	};
	int fd = socket(AF_PACKET, SOCK_RAW, 0), sent = 0;

	if (fd < 0)
		return -errno;
	for (int i = 0; i < n; i++)
		sent += sendto(fd, f->b, f->len, 0, (struct sockaddr *)&sa,
			       sizeof(sa)) == (ssize_t)f->len;
	close(fd);
	return sent;
}

static bool pinned(const char *root, const char *dev, const char *what)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s/%s", root, dev, what);
	return !stat(path, &st);
}

static int attach_tests(const char *root)
{
	struct guard_limits l = { .pps = 1000, .pps_burst = 100 };
	struct guard_prefix peers[2];
	struct guard_info info;
	struct guard_stats st;
	struct frame f;
	int err, link_id;
	__u32 gen;

	guard_set_pin_root(root);
	/* No IPv6 chatter (DAD, MLD, RS) to disturb the exact counts. */
	sh("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 2>/dev/null");
	if (sh("ip link add hlg0 type veth peer name hlg1 && ip link set hlg0 up && ip link set hlg1 up"
	       " && ip link add hlg2 type veth peer name hlg3 && ip link set hlg2 up && ip link set hlg3 up")) {
		printf("SKIP: guard attach: cannot create veth devices\n");
		return 0;
	}

	err = guard_attach("hlg-nope", GUARD_MODE_MONITOR, &l, false);
	CHECK(err == -ENODEV && strstr(guard_error(), "hlg-nope"),
	      "guard attach: a missing device is named in the error",
	      "err %d '%s'", err, guard_error());
	l.pps_burst = GUARD_MAX_BURST * 2;
	err = guard_attach("hlg0", GUARD_MODE_MONITOR, &l, false);
	CHECK(err == -ERANGE && !pinned(root, "hlg0", "link"),
	      "guard attach: bad limits are refused and nothing is attached",
	      "err %d '%s'", err, guard_error());
	l.pps_burst = 100;

	err = guard_attach("hlg0", GUARD_MODE_MONITOR, &l, false);
	CHECK(!err, "guard attach: attach to a veth", "%s", guard_error());
	CHECK(pinned(root, "hlg0", "link") && pinned(root, "hlg0", "config") &&
	      pinned(root, "hlg0", "peers4") && pinned(root, "hlg0", "hosts4") &&
	      pinned(root, "hlg0", "hosts6") && pinned(root, "hlg0", "slots4") &&
	      pinned(root, "hlg0", "slots6") && pinned(root, "hlg0", "stats"),
	      "guard attach: link and maps pinned under ROOT/hlg0", "missing pins");
	err = guard_show("hlg0", &info);
	CHECK(!err && info.mode == GUARD_MODE_MONITOR && info.prog_id &&
	      info.ifindex == (int)if_nametoindex("hlg0") &&
	      info.limits.pps == 1000 && info.limits.pps_burst == 100 &&
	      !strcmp(info.xdp_mode, "native"),
	      "guard attach: show reports monitor, 1000 pps burst 100, native XDP",
	      "err %d mode %s pps %llu burst %llu xdp %s", err,
	      guard_mode_name(info.mode), (unsigned long long)info.limits.pps,
	      (unsigned long long)info.limits.pps_burst, info.xdp_mode);
	link_id = (int)info.link_id;

	err = guard_attach("hlg0", GUARD_MODE_ENFORCE, NULL, false);
	guard_show("hlg0", &info);
	CHECK(!err && info.mode == GUARD_MODE_ENFORCE && (int)info.link_id == link_id &&
	      info.limits.pps == 0,
	      "guard attach: attaching again reconfigures in place",
	      "err %d mode %s link %d->%u", err, guard_mode_name(info.mode),
	      link_id, info.link_id);

	err = guard_set_armed(NULL, true);
	guard_show("hlg0", &info);
	CHECK(!err && info.armed, "guard attach: set_armed(all) arms the device",
	      "err %d", err);
	err = guard_set_mode("hlg0", GUARD_MODE_AUTO);
	guard_show("hlg0", &info);
	CHECK(!err && info.mode == GUARD_MODE_AUTO && info.armed,
	      "guard attach: set_mode keeps the armed flag", "err %d", err);

	guard_prefix_parse("198.51.100.7", &peers[0]);
	guard_prefix_parse("2001:db8:100::/48", &peers[1]);
	err = guard_sync_peers("hlg0", peers, 2);
	guard_show("hlg0", &info);
	CHECK(!err && info.peers4 == 1 && info.peers6 == 1,
	      "guard attach: sync_peers through the pins", "err %d %zu/%zu",
	      err, info.peers4, info.peers6);

	/* Real frames through the veth: 0 pps burst 2, armed auto. */
	l = (struct guard_limits){ .pps = 0, .pps_burst = 2 };
	gen = pinned_gen(root, "hlg0");
	err = guard_set_limits("hlg0", &l);
	CHECK(!err && pinned_gen(root, "hlg0") == gen + 1,
	      "guard attach: set_limits 0 pps burst 2, a new generation for the CPUs' batches",
	      "err %d, generation %u -> %u", err, gen, pinned_gen(root, "hlg0"));
	gen = pinned_gen(root, "hlg0");
	guard_set_mode("hlg0", GUARD_MODE_AUTO);
	CHECK(pinned_gen(root, "hlg0") == gen,
	      "guard attach: a mode change keeps the generation (and the batches)",
	      "generation %u -> %u", gen, pinned_gen(root, "hlg0"));
	guard_read_stats("hlg0", &st);
	{
		struct guard_stats before = st;
		int sent;

		frame_udp4(&f, 0, "198.51.100.7", "192.0.2.1", 20);
		sent = send_frames("hlg1", &f, 5);
		frame_udp4(&f, 0, "192.0.2.99", "192.0.2.1", 20);
		sent += send_frames("hlg1", &f, 5);
		/* veth runs XDP from its NAPI poll: wait for all 10, 5 s at most. */
		for (int i = 0; i < 100; i++) {
			__u64 seen = 0;

			err = guard_read_stats("hlg0", &st);
			for (int k = HOTLINE_GUARD_STAT_HOTLINE; k <= HOTLINE_GUARD_STAT_DROPPED; k++)
				seen += st.c[k].packets - before.c[k].packets;
			if (err || seen >= 10)
				break;
			usleep(50000);
		}
		usleep(50000);	/* and let a stray 11th show up if there is one */
		err = guard_read_stats("hlg0", &st);
		CHECK(!err && sent == 10 &&
		      st.c[HOTLINE_GUARD_STAT_HOTLINE].packets -
		      before.c[HOTLINE_GUARD_STAT_HOTLINE].packets == 5 &&
		      st.c[HOTLINE_GUARD_STAT_PASSED].packets -
		      before.c[HOTLINE_GUARD_STAT_PASSED].packets == 2 &&
		      st.c[HOTLINE_GUARD_STAT_DROPPED].packets -
		      before.c[HOTLINE_GUARD_STAT_DROPPED].packets == 3,
		      "guard attach: frames on the wire: 5 hotline, 2 passed, 3 dropped",
		      "sent %d, hotline %llu passed %llu dropped %llu", sent,
		      (unsigned long long)(st.c[HOTLINE_GUARD_STAT_HOTLINE].packets -
					   before.c[HOTLINE_GUARD_STAT_HOTLINE].packets),
		      (unsigned long long)(st.c[HOTLINE_GUARD_STAT_PASSED].packets -
					   before.c[HOTLINE_GUARD_STAT_PASSED].packets),
		      (unsigned long long)(st.c[HOTLINE_GUARD_STAT_DROPPED].packets -
					   before.c[HOTLINE_GUARD_STAT_DROPPED].packets));
	}

	/* Someone else's XDP program on the device: say so, take nothing. */
	{
		struct hotline_guard_bpf *other = hotline_guard_bpf__open_and_load();
		int idx = (int)if_nametoindex("hlg2");

		if (other && !bpf_xdp_attach(idx, bpf_program__fd(other->progs.hotline_guard),
					     XDP_FLAGS_SKB_MODE, NULL)) {
			err = guard_attach("hlg2", GUARD_MODE_OFF, NULL, false);
			CHECK((err == -EBUSY || err == -EEXIST) &&
			      strstr(guard_error(), "another XDP program") &&
			      !pinned(root, "hlg2", "config"),
			      "guard attach: a foreign XDP program is reported, nothing pinned",
			      "err %d '%s'", err, guard_error());
			bpf_xdp_detach(idx, XDP_FLAGS_SKB_MODE, NULL);
		} else {
			printf("SKIP: guard attach: foreign XDP program: cannot attach one\n");
		}
		hotline_guard_bpf__destroy(other);
	}

	err = guard_attach("hlg2", GUARD_MODE_OFF, NULL, true);
	guard_show("hlg2", &info);
	CHECK(!err && !strcmp(info.xdp_mode, "generic"),
	      "guard attach: force_skb_mode attaches generic XDP",
	      "err %d '%s' xdp %s", err, guard_error(), info.xdp_mode);
	sh("ip link set dev hlg2 xdp off 2>/dev/null");

	err = guard_detach("hlg0");
	{
		LIBBPF_OPTS(bpf_xdp_query_opts, q);

		bpf_xdp_query((int)if_nametoindex("hlg0"), 0, &q);
		CHECK(!err && !pinned(root, "hlg0", "link") &&
		      !pinned(root, "hlg0", "config") && q.prog_id == 0,
		      "guard attach: detach removes the program and the pins",
		      "err %d '%s' prog %u", err, guard_error(), q.prog_id);
	}
	err = guard_detach("hlg0");
	CHECK(err == -ENOENT && strstr(guard_error(), "no hotline guard on hlg0"),
	      "guard attach: detaching twice says there is no guard",
	      "err %d '%s'", err, guard_error());
	err = guard_detach("../etc");
	CHECK(err == -EINVAL, "guard attach: a path is not a device name",
	      "err %d", err);
	guard_detach("hlg2");

	/* The device goes away under the guard, then comes back. */
	if (!sh("ip link add hlg4 type veth peer name hlg5")) {
		err = guard_attach("hlg4", GUARD_MODE_MONITOR, NULL, false);
		sh("ip link del hlg4");
		guard_show("hlg4", &info);
		CHECK(!err && !strcmp(info.xdp_mode, "detached") && info.ifindex == 0,
		      "guard attach: show says detached once the device is gone",
		      "err %d xdp %s ifindex %d", err, info.xdp_mode, info.ifindex);
		sh("ip link add hlg4 type veth peer name hlg5");
		err = guard_attach("hlg4", GUARD_MODE_ENFORCE, NULL, false);
		guard_show("hlg4", &info);
		CHECK(!err && info.ifindex == (int)if_nametoindex("hlg4") &&
		      info.mode == GUARD_MODE_ENFORCE,
		      "guard attach: attaching to the re-created device replaces stale pins",
		      "err %d '%s' ifindex %d", err, guard_error(), info.ifindex);
		guard_detach("hlg4");
		sh("ip link del hlg4");
	}

	/* A pin root that is not on a BPF filesystem. */
	guard_set_pin_root("/tmp/hotline-not-bpffs/hotline");
	err = guard_attach("hlg0", GUARD_MODE_MONITOR, NULL, false);
	CHECK(err < 0 && strstr(guard_error(), "BPF filesystem"),
	      "guard attach: no bpffs is reported as such",
	      "err %d '%s'", err, guard_error());
	guard_set_pin_root(root);

	sh("ip link del hlg0 2>/dev/null; ip link del hlg2 2>/dev/null");
	return 0;
}

int main(int argc, char **argv)
{
	int err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(silent);
	peers_fit = test_peers();
	if (argc > 1 && !strcmp(argv[1], "--verifier-only"))
		return verifier_only();
	if (argc > 2 && !strcmp(argv[1], "--attach")) {
		attach_tests(argv[2]);
		printf("# guard_test --attach: %d passed, %d failed\n", passes, failures);
		return failures ? 1 : 0;
	}
	if (argc > 1) {
		fprintf(stderr, "usage: guard_test [--verifier-only | --attach PINROOT]\n");
		return 2;
	}

	/*
	 * One CPU throughout (test_cpu_cache and test_counters_per_cpu move
	 * it on purpose): a batch of tokens cached on the CPU a run left
	 * would otherwise make exact counts depend on the scheduler.
	 */
	if (sched_getaffinity(0, sizeof(all_cpus), &all_cpus))
		CPU_ZERO(&all_cpus);
	on_cpu(sched_getcpu() > 0 ? sched_getcpu() : 0);
	err = load(true);
	if (err == -EPERM || err == -EACCES) {
		printf("SKIP: guard: the kernel refuses BPF here (%s)\n", strerror(-err));
		return 0;
	}
	if (err) {
		printf("FAIL: guard: load the program: %s\n", strerror(-err));
		return 1;
	}
	printf("PASS: guard: the program loads with the test clock\n");
	passes++;
	if (sync_peers(peer_list, 4)) {
		printf("FAIL: guard: fill the peer tries: %s\n", guard_error());
		return 1;
	}
	test_limits_validation();
	test_hotline_always_passes();
	test_modes();
	test_bytes();
	test_refill();
	test_cpu_cache();
	test_non_ip_and_malformed();
	test_peer_sync();
	test_counters_per_cpu();
	hotline_guard_bpf__destroy(skel);
	printf("# guard_test: %d passed, %d failed\n", passes, failures);
	return failures ? 1 : 0;
}
