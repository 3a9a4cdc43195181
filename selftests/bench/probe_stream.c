// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe_stream: a paced UDP latency probe for the congestion benchmark.
 *
 *   probe_stream echo PORT [SECONDS LOG_FILE]
 *	reflect every datagram received on PORT back to its sender, until
 *	killed; with SECONDS, for that long, and then write to LOG_FILE the
 *	sequence number of every probe that arrived, one a line, ascending
 *	(what reached this end of a round trip: the forward leg).
 *   probe_stream sink PORT SECONDS LOG_FILE
 *	the same without reflecting: the far end of a one-way stream.
 *   probe_stream send ADDR PORT PPS SECONDS [SAMPLES_FILE [SIZE]]
 *	send PPS datagrams of SIZE bytes (100) a second for SECONDS to
 *	ADDR:PORT, each carrying its sequence number and its send time
 *	(CLOCK_MONOTONIC), take the RTT of every echo, wait 2 s for
 *	stragglers, then print one line "sent=N received=N loss=PCT p50=MS
 *	p99=MS max=MS mbit=RATE" (RATE: the echoed bytes a second over
 *	SECONDS) and write the RTT of each echoed packet, in ms, one a line,
 *	to SAMPLES_FILE ("-": none).
 *   probe_stream trace ADDR PORT PPS SECONDS TRACE_FILE [SIZE]
 *	the same stream and summary, but TRACE_FILE gets one line per
 *	packet sent, "SEQ RTT_MS SENT_MS", with "lost" for the RTT of a
 *	packet whose echo never came and SENT_MS the ms since the first
 *	packet left: packet SEQ is due SEQ/PPS seconds after the first, so
 *	the file shows when an outage began, how long it lasted (in packets
 *	and in time, which differ where the sender fell behind and caught
 *	up), and (by the RTT) which path carried each packet.
 *   probe_stream oneway ADDR PORT PPS SECONDS [TIMES_FILE]
 *	the same paced stream to a sink, waiting for nothing; prints
 *	"sent=N" and writes "SEQ SENT_MS" a line to TIMES_FILE.
 *
 * The send times come from the sending process's own clock, so the RTT
 * covers both directions and everything queued on the way; a packet whose
 * echo never comes back (or comes back after the wait) counts as lost.
 * Packets are sent on an absolute schedule so a late wakeup does not
 * lower the rate.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROBE_MAGIC	0x686c7072u	/* "hlpr" */
#define PROBE_LEN	100		/* bytes of UDP payload unless told */
#define PROBE_MAX	1472
#define STRAGGLER_NS	2000000000ull
#define SEQ_MAX		(10000ul * 3600)	/* PPS x SECONDS at most */

struct probe {
	uint32_t magic;
	uint32_t seq;
	uint64_t sent_ns;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: probe_stream echo PORT [SECONDS LOG_FILE]\n"
		"       probe_stream sink PORT SECONDS LOG_FILE\n"
		"       probe_stream send ADDR PORT PPS SECONDS [SAMPLES_FILE [SIZE]]\n"
		"       probe_stream trace ADDR PORT PPS SECONDS TRACE_FILE [SIZE]\n"
		"       probe_stream oneway ADDR PORT PPS SECONDS [TIMES_FILE]\n");
	return 2;
}

static int parse_uint(const char *what, const char *s, unsigned long max,
		      unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v > max) {
		fprintf(stderr, "probe_stream: %s must be 1..%lu, got '%s'\n",
			what, max, s);
		return -1;
	}
	*out = v;
	return 0;
}

static int resolve(const char *addr, const char *port, struct addrinfo **res)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_DGRAM,
		.ai_flags = AI_NUMERICHOST,
	};
	int err = getaddrinfo(addr, port, &hints, res);

	if (err) {
		fprintf(stderr, "probe_stream: address '%s' port '%s': %s\n",
			addr, port, gai_strerror(err));
		return -1;
	}
	return 0;
}

/* the sequence numbers seen by echo or sink, for its log */
struct seen {
	uint8_t *bits;
	uint32_t max;		/* highest seen + 1 */
};

static void seen_add(struct seen *sn, const char *buf, ssize_t n)
{
	struct probe p;

	if (!sn->bits || (size_t)n < sizeof(p))
		return;
	memcpy(&p, buf, sizeof(p));
	if (p.magic != PROBE_MAGIC || p.seq >= SEQ_MAX)
		return;
	sn->bits[p.seq / 8] |= (uint8_t)(1u << (p.seq % 8));
	if (p.seq >= sn->max)
		sn->max = p.seq + 1;
}

static int seen_write(const struct seen *sn, const char *path)
{
	FILE *f = fopen(path, "w");
	uint32_t i;

	if (!f) {
		fprintf(stderr, "probe_stream: cannot write %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	for (i = 0; i < sn->max; i++)
		if (sn->bits[i / 8] & (1u << (i % 8)))
			fprintf(f, "%u\n", i);
	if (fclose(f)) {
		fprintf(stderr, "probe_stream: writing %s failed\n", path);
		return 1;
	}
	return 0;
}

/*
 * echo and sink. With SECONDS and LOG_FILE (argv[3], argv[4]) they stop
 * after SECONDS and log what arrived; echo without them runs until killed.
 */
static int do_echo(int argc, char **argv, bool reflect)
{
	struct sockaddr_in6 sa6 = { .sin6_family = AF_INET6,
				    .sin6_addr = IN6ADDR_ANY_INIT };
	struct sockaddr_in sa4 = { .sin_family = AF_INET };
	struct seen sn = { NULL, 0 };
	unsigned long p, secs = 0;
	uint64_t end = 0;
	char buf[2048];
	int fd, rc, off = 0;

	if (parse_uint("PORT", argv[2], 65535, &p) ||
	    (argc > 3 && parse_uint("SECONDS", argv[3], 3600, &secs)))
		return 2;
	sa6.sin6_port = htons((uint16_t)p);
	sa4.sin_port = htons((uint16_t)p);
	/* one dual-stack socket serves both families; IPv4 alone without IPv6 */
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	if (fd >= 0 &&
	    (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) ||
	     bind(fd, (struct sockaddr *)&sa6, sizeof(sa6)))) {
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sa4, sizeof(sa4))) {
			perror("probe_stream: bind");
			return 1;
		}
	}
	if (secs) {
		sn.bits = calloc(SEQ_MAX / 8 + 1, 1);
		if (!sn.bits) {
			fprintf(stderr, "probe_stream: out of memory\n");
			close(fd);
			return 1;
		}
		end = now_ns() + (uint64_t)secs * 1000000000ull;
	}
	for (;;) {
		struct sockaddr_storage from;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		socklen_t fl = sizeof(from);
		uint64_t t = now_ns();
		ssize_t n;

		if (end) {
			if (t >= end)
				break;
			if (poll(&pfd, 1, (int)((end - t) / 1000000) + 1) <= 0)
				continue;
		}
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			     &fl);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("probe_stream: recvfrom");
			close(fd);
			free(sn.bits);
			return 1;
		}
		seen_add(&sn, buf, n);
		if (reflect)
			sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from,
			       fl);
	}
	close(fd);
	rc = secs ? seen_write(&sn, argv[4]) : 0;
	free(sn.bits);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* nearest-rank percentile of the n sorted values */
static double pct(const double *v, size_t n, double p)
{
	size_t r;

	if (!n)
		return 0;
	r = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (r < 1)
		r = 1;
	if (r > n)
		r = n;
	return v[r - 1];
}

static void take_reply(int fd, double *rtt, uint32_t total, size_t *nrecv)
{
	char buf[2048];
	struct probe p;
	uint64_t t;
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		t = now_ns();
		if ((size_t)n < sizeof(p))
			continue;
		memcpy(&p, buf, sizeof(p));
		if (p.magic != PROBE_MAGIC || p.seq >= total || rtt[p.seq] >= 0)
			continue;
		rtt[p.seq] = (double)(t - p.sent_ns) / 1e6;
		(*nrecv)++;
	}
}

enum send_mode { SEND_RTT, SEND_TRACE, SEND_ONEWAY };

static int do_send(int argc, char **argv, enum send_mode mode)
{
	unsigned long pps, secs, size = PROBE_LEN;
	struct addrinfo *ai;
	uint32_t total, seq;
	size_t nrecv = 0, i, k;
	uint64_t start, gap, next, end, *sent;
	double *rtt, *sorted;
	char buf[PROBE_MAX];
	FILE *f = NULL;
	int fd;

	if (parse_uint("PPS", argv[4], 10000, &pps) ||
	    parse_uint("SECONDS", argv[5], 3600, &secs))
		return 2;
	if (mode != SEND_ONEWAY && argc > 7 &&
	    parse_uint("SIZE", argv[7], PROBE_MAX, &size))
		return 2;
	if (size < sizeof(struct probe)) {
		fprintf(stderr, "probe_stream: SIZE must be at least %zu\n",
			sizeof(struct probe));
		return 2;
	}
	if (resolve(argv[2], argv[3], &ai))
		return 2;
	if (argc > 6 && strcmp(argv[6], "-")) {
		f = fopen(argv[6], "w");
		if (!f) {
			fprintf(stderr, "probe_stream: cannot write %s: %s\n",
				argv[6], strerror(errno));
			return 1;
		}
	}
	fd = socket(ai->ai_family, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		perror("probe_stream: connect");
		return 1;
	}
	freeaddrinfo(ai);

	total = (uint32_t)(pps * secs);
	rtt = malloc(total * sizeof(*rtt));
	sorted = malloc(total * sizeof(*sorted));
	sent = calloc(total, sizeof(*sent));
	if (!rtt || !sorted || !sent) {
		fprintf(stderr, "probe_stream: out of memory\n");
		return 1;
	}
	for (i = 0; i < total; i++)
		rtt[i] = -1;
	memset(buf, 0, sizeof(buf));

	gap = 1000000000ull / pps;
	start = now_ns();
	next = start;
	seq = 0;
	end = start + (uint64_t)secs * 1000000000ull + STRAGGLER_NS;
	if (mode == SEND_ONEWAY)
		end = 0;	/* no echo to wait for */
	for (;;) {
		uint64_t t = now_ns();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t until;

		if (seq < total && t >= next) {
			struct probe p = { PROBE_MAGIC, seq, now_ns() };

			sent[seq] = p.sent_ns - start;
			memcpy(buf, &p, sizeof(p));
			/* a refused send (ICMP error, full queue) is a loss */
			send(fd, buf, size, 0);
			seq++;
			next = start + (uint64_t)seq * gap;
			if (seq == total && mode != SEND_ONEWAY)
				end = now_ns() + STRAGGLER_NS;
			continue;
		}
		if (seq == total && (t >= end || nrecv == total))
			break;
		until = seq < total ? next : end;
		/*
		 * A ms timeout: gaps under 1 ms are spun through, which keeps
		 * the schedule where a sleep's wakeup under emulation would not.
		 */
		poll(&pfd, 1, until > t ? (int)((until - t) / 1000000) : 0);
		/* recv also takes a pending ICMP error, which poll reports */
		if (pfd.revents & (POLLIN | POLLERR))
			take_reply(fd, rtt, total, &nrecv);
	}

	if (mode == SEND_ONEWAY) {
		for (i = 0; f && i < total; i++)
			fprintf(f, "%zu %.3f\n", i, (double)sent[i] / 1e6);
		free(rtt);
		free(sorted);
		free(sent);
		close(fd);
		if (f && fclose(f)) {
			fprintf(stderr, "probe_stream: writing %s failed\n", argv[6]);
			return 1;
		}
		printf("sent=%u\n", total);
		return 0;
	}
	for (i = 0, k = 0; i < total; i++) {
		if (rtt[i] < 0) {
			if (f && mode == SEND_TRACE)
				fprintf(f, "%zu lost %.3f\n", i,
					(double)sent[i] / 1e6);
			continue;
		}
		sorted[k++] = rtt[i];
		if (f && mode == SEND_TRACE)
			fprintf(f, "%zu %.3f %.3f\n", i, rtt[i],
				(double)sent[i] / 1e6);
		else if (f)
			fprintf(f, "%.3f\n", rtt[i]);
	}
	if (f && fclose(f)) {
		fprintf(stderr, "probe_stream: writing %s failed\n", argv[6]);
		return 1;
	}
	qsort(sorted, k, sizeof(*sorted), cmp_double);
	printf("sent=%u received=%zu loss=%.2f p50=%.2f p99=%.2f max=%.2f mbit=%.2f\n",
	       total, k, 100.0 * (double)(total - k) / (double)total,
	       pct(sorted, k, 50), pct(sorted, k, 99), k ? sorted[k - 1] : 0.0,
	       (double)k * (double)size * 8 / (double)secs / 1e6);
	free(rtt);
	free(sorted);
	free(sent);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if ((argc == 3 || argc == 5) && !strcmp(argv[1], "echo"))
		return do_echo(argc, argv, true);
	if (argc == 5 && !strcmp(argv[1], "sink"))
		return do_echo(argc, argv, false);
	if (argc >= 6 && argc <= 8 && !strcmp(argv[1], "send"))
		return do_send(argc, argv, SEND_RTT);
	if (argc >= 7 && argc <= 8 && !strcmp(argv[1], "trace") &&
	    strcmp(argv[6], "-"))
		return do_send(argc, argv, SEND_TRACE);
	if (argc >= 6 && argc <= 7 && !strcmp(argv[1], "oneway"))
		return do_send(argc, argv, SEND_ONEWAY);
	return usage();
}
