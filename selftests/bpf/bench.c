// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Cost of the XDP guard per packet, measured in the kernel with
 * BPF_PROG_TEST_RUN: each run repeats one frame `repeat` times; the mean
 * ns per repetition is the run's wall time over `repeat` (the kernel's
 * own figure is whole nanoseconds, 20 % of a 5 ns floor; the one system
 * call a run adds is under 0.1 % of it), and we print the median (and
 * min/max) over several runs. The production program is loaded (real
 * clock, real spin lock); numbers only, nothing asserted.
 *
 * Under a flood every receive queue runs the guard at once, and each
 * packet that is not hotline's takes the bucket's spin lock. The last
 * table runs the same frames from one thread per CPU together (each
 * pinned, started at a barrier) and prints the mean ns per packet per
 * CPU beside the one-CPU figure: a drop that grows with CPUs is the
 * shared bucket's cache line bouncing.
 *
 *   bench [-r REPEAT] [-n RUNS]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "guard.h"
#include "frames.h"
#include "guard_skel.h"

#define MAX_RUNS 31

static struct hotline_guard_bpf *skel;

static int configure(enum guard_mode mode, const struct guard_limits *l)
{
	struct hotline_guard_config cfg;
	__u32 zero = 0;

	if (guard_config_encode(mode, false, l, &cfg) ||
	    bpf_map_update_elem(bpf_map__fd(skel->maps.guard_config), &zero,
				&cfg, BPF_ANY) ||
	    guard_bucket_refill(bpf_map__fd(skel->maps.guard_bucket), &cfg)) {
		fprintf(stderr, "bench: configure: %s\n", guard_error());
		return -1;
	}
	return 0;
}

/*
 * n peers: the one the frame comes from plus n - 1 others, a mix of
 * host routes and prefixes spread over the address space, as a big
 * channel table would be.
 */
/* A host peer from the middle of the last table filled, for the rows
 * that look up a peer inside it, not one beside it. */
static char inner4[INET_ADDRSTRLEN], inner6[INET6_ADDRSTRLEN];
/* Beside inner4 (its last octet's top bit flipped): among the peers'
 * addresses, in no prefix, the source a flood spoofing them would use. */
static char near4[INET_ADDRSTRLEN];

static int fill_peers(size_t n)
{
	struct guard_prefix *p = calloc(n * 2, sizeof(*p));
	size_t k = 0;
	int err;

	if (!p)
		return -ENOMEM;
	guard_prefix_parse("198.51.100.7/32", &p[k++]);
	guard_prefix_parse("2001:db8:1::7/128", &p[k++]);
	srand(7);
	for (size_t i = 1; i < n; i++) {
		uint32_t a = (uint32_t)rand() << 1 ^ (uint32_t)rand();
		int len4 = i % 4 ? 32 : 24, len6 = i % 4 ? 128 : 48;
		struct guard_prefix *q4 = &p[k++], *q6 = &p[k++];

		/* avoid the benchmark's own addresses */
		a = (a & 0x3fffffff) | 0x40000000;
		q4->family = 4;
		q4->len = (uint8_t)len4;
		q4->addr[0] = a >> 24;
		q4->addr[1] = a >> 16;
		q4->addr[2] = a >> 8;
		q4->addr[3] = len4 == 32 ? (uint8_t)a : 0;
		q6->family = 6;
		q6->len = (uint8_t)len6;
		q6->addr[0] = 0x20;
		q6->addr[1] = 0x01;
		q6->addr[2] = (uint8_t)(a >> 24) | 0x80;	/* never 2001:db8 */
		q6->addr[3] = (uint8_t)(a >> 16);
		q6->addr[4] = (uint8_t)(a >> 8);
		q6->addr[5] = (uint8_t)a;
		if (len6 == 128) {
			memcpy(q6->addr + 6, &a, 2);
			memcpy(q6->addr + 8, &i, sizeof(i));
			q6->addr[15] |= 1;
		}
		if (i == n / 2 + 1 - (n / 2 + 1) % 4 + 1) {
			inet_ntop(AF_INET, q4->addr, inner4, sizeof(inner4));
			inet_ntop(AF_INET6, q6->addr, inner6, sizeof(inner6));
			q4->addr[3] ^= 0x80;
			inet_ntop(AF_INET, q4->addr, near4, sizeof(near4));
			q4->addr[3] ^= 0x80;
		}
	}
	err = guard_sync_peers_fd(&(struct guard_peer_fds){
					.peers4 = bpf_map__fd(skel->maps.guard_peers4),
					.peers6 = bpf_map__fd(skel->maps.guard_peers6),
					.hosts4 = bpf_map__fd(skel->maps.guard_hosts4),
					.hosts6 = bpf_map__fd(skel->maps.guard_hosts6),
					.slots4 = bpf_map__fd(skel->maps.guard_slots4),
					.slots6 = bpf_map__fd(skel->maps.guard_slots6) },
				  p, k);
	if (err)
		fprintf(stderr, "bench: peers: %s\n", guard_error());
	free(p);
	return err;
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

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* The program measure() runs: the guard, or the floor. */
static int prog_fd;
/* The floor's median, for the ratio column; 0 until measured. */
static double floor_ns;

/* Run the program repeat x 3 times, unmeasured. */
static void measure_warm_up(const struct frame *f, int repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f->b,
		    .data_size_in = (__u32)f->len, .repeat = repeat);

	for (int i = 0; i < 3; i++)
		(void)bpf_prog_test_run_opts(prog_fd, &o);
}

/*
 * Prints and returns the median ns per packet (0 after an error), and
 * its ratio to the floor once that is known.
 */
static double measure(const char *name, const struct frame *f, __u32 want,
		      int repeat, int runs)
{
	double ns[MAX_RUNS] = { 0 };	/* runs >= 1, but cppcheck cannot know */

	for (int r = 0; r < runs; r++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f->b,
			    .data_size_in = (__u32)f->len, .repeat = repeat);
		double t0 = now_ns();

		if (bpf_prog_test_run_opts(prog_fd, &o)) {
			printf("%-40s  error: %s\n", name, strerror(errno));
			return 0;
		}
		if (o.retval != want) {
			printf("%-40s  error: verdict %u, expected %u\n", name,
			       o.retval, want);
			return 0;
		}
		ns[r] = (now_ns() - t0) / repeat;
	}
	qsort(ns, (size_t)runs, sizeof(ns[0]), cmp_double);
	printf("%-40s %8.1f %8.1f %8.1f", name, ns[runs / 2], ns[0], ns[runs - 1]);
	if (floor_ns > 0)
		printf(" %7.2fx", ns[runs / 2] / floor_ns);
	printf("\n");
	return ns[runs / 2];
}

/*
 * The floor: an XDP program that only passes the packet, run the same
 * way. What BPF_PROG_TEST_RUN itself costs a packet (its loop, the
 * frame's setup, the dispatch) is in every row; the ratio to the floor
 * says what the guard adds to it.
 */
static int floor_prog(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "hl_floor", "GPL", insns,
			     sizeof(insns) / sizeof(insns[0]), NULL);
}

struct par_arg {
	pthread_barrier_t *start;
	const struct frame *f;
	int cpu, repeat, err;
	__u32 retval, ns;
};

static void *par_thread(void *p)
{
	struct par_arg *a = p;
	cpu_set_t set;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = a->f->b,
		    .data_size_in = (__u32)a->f->len, .repeat = a->repeat);

	CPU_ZERO(&set);
	CPU_SET(a->cpu, &set);
	a->err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	pthread_barrier_wait(a->start);
	if (!a->err && bpf_prog_test_run_opts(prog_fd, &o))
		a->err = errno;
	a->retval = o.retval;
	a->ns = o.duration;
	return NULL;
}

/*
 * One thread per CPU in @cpus runs @f at once; prints the median over
 * @runs of the mean ns per packet per CPU, and its ratio to @alone.
 */
static void measure_parallel(const char *name, const struct frame *f, __u32 want,
			     int repeat, int runs, int ncpu, double alone)
{
	struct par_arg a[64];
	pthread_t t[64];
	pthread_barrier_t start;
	__u32 ns[MAX_RUNS] = { 0 };

	if (ncpu > 64)
		ncpu = 64;
	for (int r = 0; r < runs; r++) {
		__u64 sum = 0;

		pthread_barrier_init(&start, NULL, (unsigned int)ncpu);
		for (int i = 0; i < ncpu; i++) {
			a[i] = (struct par_arg){ .start = &start, .f = f, .cpu = i,
						 .repeat = repeat };
			pthread_create(&t[i], NULL, par_thread, &a[i]);
		}
		for (int i = 0; i < ncpu; i++)
			pthread_join(t[i], NULL);
		pthread_barrier_destroy(&start);
		for (int i = 0; i < ncpu; i++) {
			if (a[i].err || a[i].retval != want) {
				printf("%-40s  error on CPU %d: %s, verdict %u (want %u)\n", name,
				       i, a[i].err ? strerror(a[i].err) : "none", a[i].retval, want);
				return;
			}
			sum += a[i].ns;
		}
		ns[r] = (__u32)(sum / (__u64)ncpu);
	}
	qsort(ns, (size_t)runs, sizeof(ns[0]), cmp_u32);
	printf("%-40s %8u %8u %8u   %.2fx one CPU's %.1f\n", name, ns[runs / 2], ns[0],
	       ns[runs - 1], alone > 0 ? ns[runs / 2] / alone : 0.0, alone);
}

int main(int argc, char **argv)
{
	struct guard_limits lots = { .pps = GUARD_MAX_RATE, .pps_burst = GUARD_MAX_BURST,
				     .bps = GUARD_MAX_RATE, .bps_burst = GUARD_MAX_BURST };
	struct guard_limits none_left = { .pps = 0, .pps_burst = 1 };
	int repeat = 1000000, runs = 7, c, ncpu;
	double alone;
	struct frame h4, h6, o4, arp, i4, i6, n4;
	struct utsname u;

	while ((c = getopt(argc, argv, "r:n:")) != -1) {
		if (c == 'r')
			repeat = atoi(optarg);
		else if (c == 'n')
			runs = atoi(optarg);
		else
			goto usage;
	}
	if (repeat < 1 || runs < 1 || runs > MAX_RUNS)
		goto usage;

	skel = hotline_guard_bpf__open_and_load();
	if (!skel) {
		printf("SKIP: bench: cannot load the guard: %s\n", strerror(errno));
		return 0;
	}
	frame_udp4(&h4, 0, "198.51.100.7", "192.0.2.1", 64);
	frame_udp6(&h6, 0, "2001:db8:1::7", "2001:db8:2::1", 64);
	frame_udp4(&o4, 0, "192.0.2.99", "192.0.2.1", 64);
	frame_arp(&arp);

	uname(&u);
	printf("# hotline guard, kernel %s, %d CPUs, repeat %d, %d runs\n",
	       u.release, libbpf_num_possible_cpus(), repeat, runs);
	printf("%-40s %8s %8s %8s %8s\n", "ns per packet", "median", "min", "max", "/floor");

	prog_fd = floor_prog();
	if (prog_fd < 0) {
		printf("SKIP: bench: cannot load the floor program: %s\n", strerror(errno));
		return 0;
	}
	/*
	 * One unprinted round first: the floor comes first, and measured
	 * cold it read up to twice its value while the CPU's clock rose.
	 */
	measure_warm_up(&h4, repeat);
	floor_ns = measure("floor: XDP_PASS and nothing else", &h4, XDP_PASS, repeat, runs);
	close(prog_fd);
	prog_fd = bpf_program__fd(skel->progs.hotline_guard);
	if (configure(GUARD_MODE_ENFORCE, &lots) || fill_peers(1))
		return 1;
	measure("hotline IPv4, 1 peer prefix", &h4, XDP_PASS, repeat, runs);
	measure("hotline IPv6, 1 peer prefix", &h6, XDP_PASS, repeat, runs);
	if (fill_peers(10000))
		return 1;
	printf("# peer maps now hold %zu IPv4 and %zu IPv6 prefixes (%zu and %zu in the tries)\n",
	       count_keys(skel->maps.guard_peers4) + count_keys(skel->maps.guard_hosts4),
	       count_keys(skel->maps.guard_peers6) + count_keys(skel->maps.guard_hosts6),
	       count_keys(skel->maps.guard_peers4), count_keys(skel->maps.guard_peers6));
	measure("hotline IPv4, 10000 peer prefixes", &h4, XDP_PASS, repeat, runs);
	measure("hotline IPv6, 10000 peer prefixes", &h6, XDP_PASS, repeat, runs);
	if (fill_peers(100000))
		return 1;
	printf("# peer maps now hold %zu IPv4 and %zu IPv6 prefixes (%zu and %zu in the tries)\n",
	       count_keys(skel->maps.guard_peers4) + count_keys(skel->maps.guard_hosts4),
	       count_keys(skel->maps.guard_peers6) + count_keys(skel->maps.guard_hosts6),
	       count_keys(skel->maps.guard_peers4), count_keys(skel->maps.guard_peers6));
	measure("hotline IPv4, 100000 peer prefixes", &h4, XDP_PASS, repeat, runs);
	measure("hotline IPv6, 100000 peer prefixes", &h6, XDP_PASS, repeat, runs);
	frame_udp4(&i4, 0, inner4, "192.0.2.1", 64);
	frame_udp6(&i6, 0, inner6, "2001:db8:2::1", 64);
	frame_udp4(&n4, 0, near4, "192.0.2.1", 64);
	printf("# a peer among the others: %s, %s; a source beside them: %s\n",
	       inner4, inner6, near4);
	measure("hotline IPv4, a peer among 100000", &i4, XDP_PASS, repeat, runs);
	measure("hotline IPv6, a peer among 100000", &i6, XDP_PASS, repeat, runs);
	measure("other IPv4, passed by the bucket", &o4, XDP_PASS, repeat, runs);
	measure("other IPv4 among the peers, passed", &n4, XDP_PASS, repeat, runs);
	configure(GUARD_MODE_OFF, NULL);
	measure("other IPv4, mode off (no bucket)", &o4, XDP_PASS, repeat, runs);
	configure(GUARD_MODE_ENFORCE, &none_left);
	measure("other IPv4, dropped by the bucket", &o4, XDP_DROP, repeat, runs);
	measure("ARP (not IP)", &arp, XDP_PASS, repeat, runs);

	ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	printf("# all %d online CPUs at once, one pinned thread each; ns per packet per CPU\n",
	       ncpu);
	printf("%-40s %8s %8s %8s\n", "ns per packet", "median", "min", "max");
	configure(GUARD_MODE_ENFORCE, &lots);
	alone = measure("hotline IPv4, 1 CPU", &h4, XDP_PASS, repeat, runs);
	measure_parallel("hotline IPv4, all CPUs", &h4, XDP_PASS, repeat, runs, ncpu, alone);
	alone = measure("other IPv4 passed by the bucket, 1 CPU", &o4, XDP_PASS,
			       repeat, runs);
	measure_parallel("other IPv4 passed by the bucket, all", &o4, XDP_PASS, repeat, runs,
			 ncpu, alone);
	configure(GUARD_MODE_ENFORCE, &none_left);
	alone = measure("other IPv4 dropped, 1 CPU", &o4, XDP_DROP, repeat, runs);
	measure_parallel("other IPv4 dropped, all CPUs", &o4, XDP_DROP, repeat, runs, ncpu,
			 alone);
	hotline_guard_bpf__destroy(skel);
	return 0;
usage:
	fprintf(stderr, "usage: bench [-r REPEAT] [-n RUNS (1..%d)]\n", MAX_RUNS);
	return 2;
}
