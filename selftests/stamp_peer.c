// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stamp_peer: a small STAMP (RFC 8762) Session-Sender / Session-Reflector
 * for hotline's tests, built on include/hotline/stamp.h. Besides honest
 * probing and reflecting it crafts the packets a health engine must
 * refuse: a wrong key, replays, unauthenticated packets to a keyed
 * session, and replies to probes that were never sent.
 *
 *   stamp_peer send ADDR [options]      probe ADDR, print each reply
 *   stamp_peer reflect [options]        answer test packets
 *
 * Options:
 *   -p PORT      peer port (send; default 862)
 *   -l PORT      local port (default: any for send, 862 for reflect)
 *   -k HEX       64 hex digits: authenticated mode with this key
 *   -c N         packets to send / reflect, then exit (default 5; 0 = no limit)
 *   -i MS        interval between packets (default 100)
 *   -w MS        send: wait for replies after the last packet; reflect: stop
 *                after MS (default 1000)
 *   -s SEQ       first sequence number (default 0)
 *   -W           send: HMAC with a wrong key
 *   -R           send: replay, i.e. repeat the first packet verbatim
 *   -U           send: unauthenticated packets even with -k (length mismatch)
 *   -F           send: forge reflector packets ("replies" to unsent probes)
 *   -P BYTES     send: test packets of BYTES bytes (zero padding after the
 *                STAMP fields; at least the STAMP length, at most 1472)
 *   -A SECS      send: timestamps SECS seconds ahead of the clock
 *   -T BYTES     send: cut each test packet to BYTES bytes (0 up to one
 *                short of the STAMP length: a datagram too short to parse)
 *
 * Output: one line per reply ("reply ... len=BYTES") or reflection ("reflected ..."),
 * then "sent N received M" (send) or "reflected N rejected M" (reflect).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <hotline/stamp.h>

struct opts {
	int reflect;
	const char *addr;
	unsigned int port, lport, count, interval_ms, wait_ms, seq, pad, ahead;
	int cut;	/* -T: bytes to send, or -1 */
	int keyed, wrong_key, replay, unauth, forge;
	unsigned char key[32];
};

static void usage(void)
{
	fprintf(stderr,
		"usage: stamp_peer send ADDR [-p PORT] [-l PORT] [-k HEX] [-c N] [-i MS] [-w MS] [-s SEQ] [-P BYTES] [-A SECS] [-T BYTES] [-W] [-R] [-U] [-F]\n"
		"       stamp_peer reflect [-l PORT] [-k HEX] [-c N] [-w MS]\n");
	exit(2);
}

static unsigned int num(const char *opt, const char *s, unsigned int max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v > max) {
		fprintf(stderr, "stamp_peer: %s: '%s' is not a number 0..%u\n",
			opt, s, max);
		exit(2);
	}
	return (unsigned int)v;
}

static void parse_key(const char *s, unsigned char *key)
{
	int i;

	if (strlen(s) != 64)
		goto bad;
	for (i = 0; i < 32; i++) {
		unsigned int b;

		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			goto bad;
		key[i] = (unsigned char)b;
	}
	return;
bad:
	fprintf(stderr, "stamp_peer: -k: want 64 hex digits (a 32-byte key)\n");
	exit(2);
}

static uint64_t now_ntp(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return stamp_ntp_from_unix((uint64_t)ts.tv_sec, (uint32_t)ts.tv_nsec);
}

static uint64_t now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void sign(const struct opts *o, unsigned char *pkt, int wrong)
{
	unsigned char key[32], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	memcpy(key, o->key, sizeof(key));
	if (wrong)
		key[0] ^= 0x5a;
	HMAC(EVP_sha256(), key, sizeof(key), pkt, STAMP_HMAC_OFF, md, &mdlen);
	memcpy(pkt + STAMP_HMAC_OFF, md, STAMP_HMAC_LEN);
}

static int verify(const struct opts *o, const unsigned char *pkt)
{
	unsigned char copy[STAMP_AUTH_LEN];

	memcpy(copy, pkt, sizeof(copy));
	sign(o, copy, 0);
	return !memcmp(copy + STAMP_HMAC_OFF, pkt + STAMP_HMAC_OFF,
		       STAMP_HMAC_LEN);
}

union sa {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

static int open_sock(int family, unsigned int lport)
{
	union sa a;
	int fd, on = 1, ttl = STAMP_TTL;

	fd = socket(family, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("stamp_peer: socket");
		exit(1);
	}
	memset(&a, 0, sizeof(a));
	if (family == AF_INET) {
		a.in.sin_family = AF_INET;
		a.in.sin_port = htons(lport);
		setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on));
		setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
	} else {
		a.in6.sin6_family = AF_INET6;
		a.in6.sin6_port = htons(lport);
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on));
		setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl));
	}
	if (bind(fd, &a.sa, family == AF_INET ? sizeof(a.in) : sizeof(a.in6))) {
		fprintf(stderr, "stamp_peer: bind to port %u: %s\n", lport,
			strerror(errno));
		exit(1);
	}
	return fd;
}

/* Receives one datagram within @ms; returns its length or -1. */
static int recv_one(int fd, unsigned char *buf, size_t len, union sa *from,
		    int *ttl, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char cbuf[256];
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr m = {
		.msg_name = from, .msg_namelen = sizeof(*from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return -1;
	n = recvmsg(fd, &m, 0);
	if (n < 0)
		return -1;
	*ttl = 0;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
		    (c->cmsg_level == IPPROTO_IPV6 &&
		     c->cmsg_type == IPV6_HOPLIMIT))
			memcpy(ttl, CMSG_DATA(c), sizeof(*ttl));
	return (int)n;
}

static int run_send(const struct opts *o)
{
	unsigned char pkt[1472] = { 0 }, first[1472], buf[2048];
	int auth_wire = o->keyed && !o->unauth;
	int len = stamp_len(auth_wire), family, fd;
	uint64_t t1[1024];
	unsigned int sent = 0, got = 0, i;
	union sa to, from;

	memset(&to, 0, sizeof(to));
	if (inet_pton(AF_INET, o->addr, &to.in.sin_addr) == 1) {
		family = AF_INET;
		to.in.sin_family = AF_INET;
		to.in.sin_port = htons(o->port);
	} else if (inet_pton(AF_INET6, o->addr, &to.in6.sin6_addr) == 1) {
		family = AF_INET6;
		to.in6.sin6_family = AF_INET6;
		to.in6.sin6_port = htons(o->port);
	} else {
		fprintf(stderr, "stamp_peer: '%s' is not an IPv4 or IPv6 address\n",
			o->addr);
		return 2;
	}
	if (o->pad) {
		if (o->pad < (unsigned int)len) {
			fprintf(stderr, "stamp_peer: -P %u is shorter than a test packet (%d)\n",
				o->pad, len);
			return 2;
		}
		len = (int)o->pad;
	}
	if (o->cut >= 0) {
		if (o->pad || o->cut >= len) {
			fprintf(stderr, "stamp_peer: -T %d must be shorter than a test packet (%d), without -P\n",
				o->cut, len);
			return 2;
		}
		len = o->cut;
	}
	fd = open_sock(family, o->lport);
	/* OpenSSL's first call is slow; keep it out of the timestamp path */
	if (o->keyed)
		sign(o, pkt, 0);
	for (i = 0; !o->count || i < o->count; i++) {
		struct stamp_view v = { .seq = o->seq + i,
					.ts = now_ntp() + ((uint64_t)o->ahead << 32),
					.err = STAMP_ERR_ESTIMATE };
		uint64_t deadline;
		int n, ttl;

		if (o->forge) {
			/* looks reflected: a receive timestamp and an echo */
			v.rx_ts = v.ts;
			v.sender_seq = o->seq + i;
			v.sender_ts = v.ts;
			v.sender_ttl = 255;
		}
		if (o->replay && i > 0) {
			memcpy(pkt, first, sizeof(pkt));
		} else {
			stamp_build(pkt, auth_wire, o->forge, &v);
			if (auth_wire)
				sign(o, pkt, o->wrong_key);
			memcpy(first, pkt, sizeof(first));
		}
		t1[i % 1024] = now_mono();
		if (sendto(fd, pkt, len, 0, &to.sa, family == AF_INET ?
			   sizeof(to.in) : sizeof(to.in6)) != len) {
			perror("stamp_peer: sendto");
			return 1;
		}
		sent++;
		deadline = now_mono() + (uint64_t)(o->count && i + 1 == o->count ?
					 o->wait_ms : o->interval_ms) * 1000000ULL;
		for (;;) {
			uint64_t now = now_mono();
			struct stamp_view r;

			if (now >= deadline)
				break;
			n = recv_one(fd, buf, sizeof(buf), &from, &ttl,
				     (int)((deadline - now) / 1000000ULL) + 1);
			if (n < 0)
				continue;
			if (n < stamp_len(o->keyed)) {
				printf("short reply of %d bytes\n", n);
				continue;
			}
			if (o->keyed && !verify(o, buf)) {
				printf("reply with a bad HMAC\n");
				continue;
			}
			stamp_parse(buf, o->keyed, &r);
			got++;
			printf("reply seq=%u sender_seq=%u fwd_ns=%lld rtt_ns=%lld ttl=%d sender_ttl=%u len=%d\n",
			       r.seq, r.sender_seq,
			       (long long)stamp_ntp_diff_ns(r.rx_ts, r.sender_ts),
			       (long long)(now_mono() - t1[r.sender_seq % 1024]) -
			       (long long)stamp_ntp_diff_ns(r.ts, r.rx_ts),
			       ttl, r.sender_ttl, n);
		}
	}
	printf("sent %u received %u\n", sent, got);
	close(fd);
	return 0;
}

static int run_reflect(const struct opts *o)
{
	unsigned char buf[2048], out[STAMP_AUTH_LEN];
	unsigned int done = 0, rejected = 0, seq = 0;
	int fd4 = open_sock(AF_INET, o->lport), fd6 = open_sock(AF_INET6, o->lport);
	int len = stamp_len(o->keyed);
	uint64_t end = now_mono() + (uint64_t)o->wait_ms * 1000000ULL;

	while ((!o->count || done < o->count) && now_mono() < end) {
		int fds[2] = { fd4, fd6 }, k;

		for (k = 0; k < 2; k++) {
			struct stamp_view v, r;
			union sa from;
			uint64_t rx;
			int n, ttl;

			n = recv_one(fds[k], buf, sizeof(buf), &from, &ttl, 10);
			if (n < 0)
				continue;
			rx = now_ntp();
			if (n < len || (o->keyed && !verify(o, buf)) ||
			    stamp_is_reflected(buf, o->keyed)) {
				rejected++;
				printf("rejected %d bytes\n", n);
				continue;
			}
			stamp_parse(buf, o->keyed, &v);
			memset(&r, 0, sizeof(r));
			r.seq = seq++;
			r.err = STAMP_ERR_ESTIMATE;
			r.rx_ts = rx;
			r.sender_seq = v.seq;
			r.sender_ts = v.ts;
			r.sender_err = v.err;
			r.sender_ttl = (uint8_t)ttl;
			r.ts = now_ntp();
			stamp_build(out, o->keyed, 1, &r);
			if (o->keyed)
				sign(o, out, 0);
			sendto(fds[k], out, len, 0, &from.sa,
			       k ? sizeof(from.in6) : sizeof(from.in));
			done++;
			printf("reflected seq=%u ttl=%d\n", v.seq, ttl);
		}
	}
	printf("reflected %u rejected %u\n", done, rejected);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .port = STAMP_PORT, .count = 5, .interval_ms = 100,
			  .wait_ms = 1000, .cut = -1 };
	int c;

	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "reflect")) {
		o.reflect = 1;
		o.lport = STAMP_PORT;
		argv++;
		argc--;
	} else if (!strcmp(argv[1], "send") && argc >= 3) {
		o.addr = argv[2];
		argv += 2;
		argc -= 2;
	} else {
		usage();
	}
	while ((c = getopt(argc, argv, "p:l:k:c:i:w:s:P:A:T:WRUF")) != -1) {
		switch (c) {
		case 'p': o.port = num("-p", optarg, 65535); break;
		case 'l': o.lport = num("-l", optarg, 65535); break;
		case 'k': parse_key(optarg, o.key); o.keyed = 1; break;
		case 'c': o.count = num("-c", optarg, 1000000); break;
		case 'i': o.interval_ms = num("-i", optarg, 600000); break;
		case 'w': o.wait_ms = num("-w", optarg, 3600000); break;
		case 's': o.seq = num("-s", optarg, 0xffffffffU); break;
		case 'P': o.pad = num("-P", optarg, 1472); break;
		case 'A': o.ahead = num("-A", optarg, 1U << 30); break;
		case 'T': o.cut = (int)num("-T", optarg, 1472); break;
		case 'W': o.wrong_key = 1; break;
		case 'R': o.replay = 1; break;
		case 'U': o.unauth = 1; break;
		case 'F': o.forge = 1; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if ((o.wrong_key || o.unauth) && !o.keyed) {
		fprintf(stderr, "stamp_peer: -W and -U need a key (-k)\n");
		return 2;
	}
	return o.reflect ? run_reflect(&o) : run_send(&o);
}
