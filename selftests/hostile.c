// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hostile: malformed and adversarial frames at volume, written raw onto a
 * link (AF_PACKET) so nothing in our own stack tidies them up. One run
 * sends COUNT frames of one class, each a random variant of it, from a
 * seed, so a failure can be replayed exactly.
 *
 *   hostile IFNAME DSTMAC CLASS COUNT SEED -4 SRC4 -6 SRC6 -t DST4 -T DST6
 *           [-k HEX] [-p PORT]
 *
 * SRC4/SRC6 are the source addresses (a configured peer, to reach the
 * reflector and the channels' classification), DST4/DST6 the target
 * gateway's addresses; PORT is the target session's local port (STAMP
 * replies go there; default 862). With -k, keyed test packets and replies
 * carry a valid HMAC under that key (their sequence numbers and echoes are
 * still wrong), otherwise a random one. A quarter of the non-STAMP frames
 * come from a random address outside every peer prefix (240.0.0.0/4 and
 * 3fff::/20), so the guard's own checks see them too.
 *
 * Classes:
 *   ip4    bad IHL (under 5, beyond the frame), total length shorter than
 *          the header or longer than the frame, fragments at random offsets
 *          (first ones cut inside the transport header), truncated TCP/UDP
 *          headers, options of garbage, bad checksums, random bytes
 *   ip6    extension-header chains: long (up to 40 headers), lengths that
 *          point past the end, chains cut short, fragment headers at random
 *          offsets, payload lengths that lie, unknown next headers
 *   vlan   the ip4 and ip6 frames behind one, two (QinQ) or three tags
 *   flood  well-formed UDP from spoofed sources outside every peer prefix,
 *          half to a closed port, half to the STAMP port (with -d SECS,
 *          for SECS at most: COUNT 0xffffffff floods for SECS)
 *   stamp  UDP to the STAMP port: every length 0..1500, unauthenticated and
 *          keyed layouts, wrong HMACs, replayed and reordered sequence
 *          numbers, replies to probes never sent, and the peer's address
 *          from the wrong port
 *
 * Prints "sent N" and the count of each variant; exits 0 if every frame
 * was written.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <hotline/stamp.h>

#define MAX_FRAME	1600
#define NVARIANT	16

struct ctx {
	unsigned char dmac[6], smac[6];
	struct in_addr src4, dst4;
	struct in6_addr src6, dst6;
	unsigned char key[32];
	int keyed;
	unsigned int port;
	unsigned long long rng;
	unsigned long variant[NVARIANT];
	__u32 seq;
};

static __u32 rnd(struct ctx *c)
{
	/* xorshift64*: fast, and the seed replays a run exactly */
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return (__u32)((c->rng * 2685821657736338717ULL) >> 32);
}

static __u32 below(struct ctx *c, __u32 n)
{
	return n ? rnd(c) % n : 0;
}

static void fill_random(struct ctx *c, unsigned char *p, size_t n)
{
	while (n--)
		*p++ = (unsigned char)rnd(c);
}

static __u16 csum_fold(__u32 s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (__u16)~s;
}

static __u32 csum_add(__u32 s, const unsigned char *p, size_t n)
{
	for (; n > 1; p += 2, n -= 2)
		s += (__u32)(p[0] << 8 | p[1]);
	if (n)
		s += (__u32)(p[0] << 8);
	return s;
}

static size_t eth(struct ctx *c, unsigned char *f, __u16 type)
{
	memcpy(f, c->dmac, 6);
	memcpy(f + 6, c->smac, 6);
	f[12] = (unsigned char)(type >> 8);
	f[13] = (unsigned char)type;
	return 14;
}

/* A well-formed IPv4 header (no options) at @h, checksum included. */
static void ip4_hdr(unsigned char *h, __u16 tot, __u8 proto,
		    const struct in_addr *s, const struct in_addr *d)
{
	__u16 ck;

	memset(h, 0, 20);
	h[0] = 0x45;
	h[2] = (unsigned char)(tot >> 8);
	h[3] = (unsigned char)tot;
	h[6] = 0x40;	/* DF */
	h[8] = 64;
	h[9] = proto;
	memcpy(h + 12, s, 4);
	memcpy(h + 16, d, 4);
	ck = csum_fold(csum_add(0, h, 20));
	h[10] = (unsigned char)(ck >> 8);
	h[11] = (unsigned char)ck;
}

static void ip4_recsum(unsigned char *h, size_t hlen)
{
	__u16 ck;

	h[10] = h[11] = 0;
	ck = csum_fold(csum_add(0, h, hlen));
	h[10] = (unsigned char)(ck >> 8);
	h[11] = (unsigned char)ck;
}

static void ip6_hdr(unsigned char *h, __u16 plen, __u8 next,
		    const struct in6_addr *s, const struct in6_addr *d)
{
	memset(h, 0, 40);
	h[0] = 0x60;
	h[4] = (unsigned char)(plen >> 8);
	h[5] = (unsigned char)plen;
	h[6] = next;
	h[7] = 64;
	memcpy(h + 8, s, 16);
	memcpy(h + 24, d, 16);
}

/* UDP header + payload at @u with a correct checksum over the v4/v6 pseudo-header. */
static void udp_fill(unsigned char *u, __u16 sport, __u16 dport, size_t plen,
		     int v6, const void *src, const void *dst)
{
	__u16 len = (__u16)(8 + plen), ck;
	__u32 s = 0;

	u[0] = (unsigned char)(sport >> 8);
	u[1] = (unsigned char)sport;
	u[2] = (unsigned char)(dport >> 8);
	u[3] = (unsigned char)dport;
	u[4] = (unsigned char)(len >> 8);
	u[5] = (unsigned char)len;
	u[6] = u[7] = 0;
	s = csum_add(s, src, v6 ? 16 : 4);
	s = csum_add(s, dst, v6 ? 16 : 4);
	s += IPPROTO_UDP + len;
	s = csum_add(s, u, len);
	ck = csum_fold(s);
	if (!ck)
		ck = 0xffff;
	u[6] = (unsigned char)(ck >> 8);
	u[7] = (unsigned char)ck;
}

static void stranger4(struct ctx *c, struct in_addr *a)
{
	a->s_addr = htonl(0xf0000000U | (rnd(c) & 0x0fffffffU));
}

static void stranger6(struct ctx *c, struct in6_addr *a)
{
	fill_random(c, a->s6_addr, 16);
	a->s6_addr[0] = 0x3f;
	a->s6_addr[1] = 0xff;
	a->s6_addr[2] &= 0x0f;
}

/* ------------------------------------------------------------------ */

static size_t gen_ip4_at(struct ctx *c, unsigned char *f, size_t off)
{
	unsigned char *h = f + off;
	struct in_addr src = c->src4;
	__u8 proto = below(c, 2) ? IPPROTO_UDP : IPPROTO_TCP;
	size_t l4 = proto == IPPROTO_UDP ? 8 : 20, pay = below(c, 64), n;
	__u32 v = below(c, 9);
	__u16 tot;

	if (!below(c, 4))
		stranger4(c, &src);
	n = 20 + l4 + pay;
	fill_random(c, h + 20, l4 + pay);
	ip4_hdr(h, (__u16)n, proto, &src, &c->dst4);
	c->variant[v]++;
	switch (v) {
	case 0:		/* IHL under 5 */
		h[0] = (unsigned char)(0x40 | below(c, 5));
		break;
	case 1:		/* IHL beyond the frame */
		h[0] = 0x4f;
		n = 20 + below(c, 40);
		break;
	case 2:		/* total length shorter than the header */
		tot = (__u16)below(c, 20);
		h[2] = (unsigned char)(tot >> 8);
		h[3] = (unsigned char)tot;
		break;
	case 3:		/* total length longer than the frame */
		tot = (__u16)(n + 1 + below(c, 60000));
		h[2] = (unsigned char)(tot >> 8);
		h[3] = (unsigned char)tot;
		break;
	case 4:		/* a fragment: first (cut in the L4 header) or not */
		tot = (__u16)(below(c, 2) ? 0x2000 : below(c, 0x2000));
		if (tot & 0x2000) {
			n = 20 + below(c, (__u32)l4);
			h[2] = (unsigned char)(n >> 8);
			h[3] = (unsigned char)n;
		}
		h[6] = (unsigned char)(tot >> 8 | (below(c, 2) ? 0x20 : 0));
		h[7] = (unsigned char)tot;
		break;
	case 5:		/* transport header cut short */
		n = 20 + below(c, (__u32)l4);
		h[2] = (unsigned char)(n >> 8);
		h[3] = (unsigned char)n;
		break;
	case 6: {	/* options of garbage */
		size_t ol = 4 * (1 + below(c, 10));

		memmove(h + 20 + ol, h + 20, l4 + pay);
		fill_random(c, h + 20, ol);
		h[0] = (unsigned char)(0x40 | (5 + ol / 4));
		n += ol;
		h[2] = (unsigned char)(n >> 8);
		h[3] = (unsigned char)n;
		break;
	}
	case 7:		/* bad checksum */
		h[10] ^= 0x5a;
		return off + n;
	default:	/* random bytes after an IPv4 ethertype */
		n = below(c, 80);
		fill_random(c, h, n);
		return off + n;
	}
	ip4_recsum(h, 20);
	return off + n;
}

static size_t gen_ip6_at(struct ctx *c, unsigned char *f, size_t off)
{
	static const __u8 exts[] = { 0, 43, 60, 44, 135, 139, 140 };
	unsigned char *h = f + off, *p;
	struct in6_addr src = c->src6;
	__u32 v = below(c, 7), i, nh;
	size_t n, plen;
	__u8 *nextp;

	if (!below(c, 4))
		stranger6(c, &src);
	ip6_hdr(h, 0, IPPROTO_UDP, &src, &c->dst6);
	p = h + 40;
	nextp = &h[6];
	c->variant[v]++;
	nh = v == 1 ? 1 + below(c, 40) : below(c, 4);
	for (i = 0; i < nh && p - h < 1300; i++) {
		__u8 t = exts[below(c, sizeof(exts))];
		size_t len = t == 44 ? 8 : 8 * (1 + below(c, 4));

		*nextp = t;
		memset(p, 0, len);
		p[1] = (unsigned char)(t == 44 ? 0 : len / 8 - 1);
		if (t == 44) {	/* fragment: random offset, M flag */
			__u16 fo = (__u16)(below(c, 0x2000) << 3 | below(c, 2));

			p[2] = (unsigned char)(fo >> 8);
			p[3] = (unsigned char)fo;
			fill_random(c, p + 4, 4);
		} else if (len > 2) {
			p[2] = 1;	/* PadN covering the rest */
			p[3] = (unsigned char)(len - 4);
		}
		nextp = &p[0];
		p += len;
	}
	*nextp = below(c, 2) ? IPPROTO_UDP : IPPROTO_TCP;
	fill_random(c, p, 8 + below(c, 40));
	n = (size_t)(p - h) + 8 + below(c, 40);
	plen = n - 40;
	switch (v) {
	case 2:		/* an extension length that points past the end */
		if (nh) {
			h[40 + 1] = 0xff;
			break;
		}
		/* fall through */
	case 3:		/* the chain cut short */
		n = 40 + below(c, (__u32)(p - h - 40 + 1));
		break;
	case 4:		/* payload length that lies */
		plen = below(c, 2) ? below(c, (__u32)plen) : plen + 1 + below(c, 2000);
		break;
	case 5:		/* an unknown next header */
		*nextp = (__u8)(143 + below(c, 100));
		break;
	case 6:		/* random bytes after an IPv6 ethertype */
		n = below(c, 120);
		fill_random(c, h, n);
		return off + n;
	default:
		break;
	}
	h[4] = (unsigned char)(plen >> 8);
	h[5] = (unsigned char)plen;
	return off + n;
}

static size_t gen_ip4(struct ctx *c, unsigned char *f)
{
	return gen_ip4_at(c, f, eth(c, f, ETH_P_IP));
}

static size_t gen_ip6(struct ctx *c, unsigned char *f)
{
	return gen_ip6_at(c, f, eth(c, f, ETH_P_IPV6));
}

static size_t gen_vlan(struct ctx *c, unsigned char *f)
{
	__u32 tags = 1 + below(c, 3), i;
	size_t off = eth(c, f, tags > 1 ? 0x88a8 : ETH_P_8021Q);
	int v6 = (int)below(c, 2);

	c->variant[8 + tags]++;
	for (i = 0; i < tags; i++) {
		__u16 tci = (__u16)below(c, 4096), type;

		type = i + 1 < tags ? ETH_P_8021Q : (v6 ? ETH_P_IPV6 : ETH_P_IP);
		f[off] = (unsigned char)(tci >> 8);
		f[off + 1] = (unsigned char)tci;
		f[off + 2] = (unsigned char)(type >> 8);
		f[off + 3] = (unsigned char)type;
		off += 4;
	}
	return v6 ? gen_ip6_at(c, f, off) : gen_ip4_at(c, f, off);
}

static void sign(struct ctx *c, unsigned char *pkt, int wrong)
{
	unsigned char mac[32];
	unsigned int mlen = 0;

	if (wrong || !c->keyed) {
		fill_random(c, pkt + STAMP_HMAC_OFF, STAMP_HMAC_LEN);
		return;
	}
	HMAC(EVP_sha256(), c->key, sizeof(c->key), pkt, STAMP_HMAC_OFF, mac, &mlen);
	memcpy(pkt + STAMP_HMAC_OFF, mac, STAMP_HMAC_LEN);
}

static size_t gen_stamp(struct ctx *c, unsigned char *f)
{
	int v6 = (int)below(c, 2), auth = (int)below(c, 2), reflected;
	__u32 v = below(c, 7);
	unsigned char *ip, *u, *pay;
	size_t hl = v6 ? 40 : 20, plen;
	__u16 sport = STAMP_PORT, dport = STAMP_PORT;
	struct stamp_view sv = { .err = STAMP_ERR_ESTIMATE };
	size_t off = eth(c, f, v6 ? ETH_P_IPV6 : ETH_P_IP);

	ip = f + off;
	u = ip + hl;
	pay = u + 8;
	plen = (size_t)stamp_len(auth);
	reflected = v == 4;
	sv.seq = c->seq;
	sv.ts = ((__u64)rnd(c) << 32) | rnd(c);
	c->variant[v]++;
	switch (v) {
	case 0:		/* any length 0..1500-headers, random bytes */
		plen = below(c, (__u32)(1500 - hl - 8 + 1));
		fill_random(c, pay, plen);
		goto out;
	case 1:		/* a well-formed test packet with a wrong HMAC */
		break;
	case 2:		/* replayed: the same sequence number again */
		sv.seq = c->seq - below(c, 2);
		break;
	case 3:		/* reordered: a little behind */
		sv.seq = c->seq - 1 - below(c, 300);
		break;
	case 4:		/* a reply to a probe never sent, to the session's port */
		sv.sender_seq = rnd(c);
		sv.sender_ts = sv.ts;
		sv.rx_ts = sv.ts;
		sv.sender_ttl = 255;
		dport = (__u16)c->port;
		break;
	case 5:		/* the peer's address, the wrong source port */
		sport = (__u16)(1024 + below(c, 60000));
		dport = below(c, 2) ? STAMP_PORT : (__u16)c->port;
		break;
	default:	/* a test packet padded to a random length */
		plen += below(c, (__u32)(1500 - hl - 8 - plen + 1));
		break;
	}
	c->seq++;
	memset(pay, 0, plen);
	stamp_build(pay, auth, reflected, &sv);
	if (auth)
		sign(c, pay, v == 1);
out:
	if (v6) {
		ip6_hdr(ip, (__u16)(8 + plen), IPPROTO_UDP, &c->src6, &c->dst6);
		udp_fill(u, sport, dport, plen, 1, &c->src6, &c->dst6);
	} else {
		ip4_hdr(ip, (__u16)(hl + 8 + plen), IPPROTO_UDP, &c->src4, &c->dst4);
		udp_fill(u, sport, dport, plen, 0, &c->src4, &c->dst4);
	}
	return off + hl + 8 + plen;
}

/*
 * Not malformed at all: what a flood against a gateway looks like. UDP
 * from spoofed sources in 198.18.0.0/15 (outside every peer prefix), half
 * to a closed port (7000-7999), half to the STAMP port, 18 bytes of
 * payload (the 64-byte minimum frame with its FCS).
 */
static size_t gen_flood(struct ctx *c, unsigned char *f)
{
	size_t off = eth(c, f, ETH_P_IP);
	struct in_addr src = { htonl(0xc6120000u | below(c, 0x20000)) };
	int stamp = (int)below(c, 2);
	__u16 dport = stamp ? STAMP_PORT : (__u16)(7000 + below(c, 1000));

	c->variant[stamp]++;
	fill_random(c, f + off + 28, 18);
	ip4_hdr(f + off, 20 + 8 + 18, IPPROTO_UDP, &src, &c->dst4);
	udp_fill(f + off + 20, (__u16)(1024 + below(c, 60000)), dport, 18, 0, &src, &c->dst4);
	return off + 28 + 18;
}

static int parse_mac(const char *s, unsigned char m[6])
{
	unsigned int b[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		m[i] = (unsigned char)b[i];
	return 0;
}

static int parse_key(const char *s, unsigned char k[32])
{
	if (strlen(s) != 64)
		return -1;
	for (int i = 0; i < 32; i++) {
		unsigned int b;

		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			return -1;
		k[i] = (unsigned char)b;
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: hostile IFNAME DSTMAC ip4|ip6|vlan|stamp|flood COUNT SEED "
		"-4 SRC4 -6 SRC6 -t DST4 -T DST6 [-k HEX] [-p PORT] [-d SECS] [-r PPS]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static struct ctx c = { .port = STAMP_PORT };
	size_t (*gen)(struct ctx *, unsigned char *);
	unsigned char frame[MAX_FRAME];
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	unsigned long count, sent = 0, i, secs = 0, pps = 0;
	struct timespec t0;
	int fd, opt, have = 0;
	time_t end = 0;

	if (argc < 6)
		return usage();
	if (!strcmp(argv[3], "ip4"))
		gen = gen_ip4;
	else if (!strcmp(argv[3], "ip6"))
		gen = gen_ip6;
	else if (!strcmp(argv[3], "vlan"))
		gen = gen_vlan;
	else if (!strcmp(argv[3], "stamp"))
		gen = gen_stamp;
	else if (!strcmp(argv[3], "flood"))
		gen = gen_flood;
	else
		return usage();
	count = strtoul(argv[4], NULL, 0);
	c.rng = strtoull(argv[5], NULL, 0) * 0x9e3779b97f4a7c15ULL | 1;
	if (parse_mac(argv[2], c.dmac))
		return usage();
	optind = 6;
	while ((opt = getopt(argc, argv, "4:6:t:T:k:p:d:r:")) != -1) {
		switch (opt) {
		case '4': have |= inet_pton(AF_INET, optarg, &c.src4) == 1; break;
		case '6': have |= (inet_pton(AF_INET6, optarg, &c.src6) == 1) << 1; break;
		case 't': have |= (inet_pton(AF_INET, optarg, &c.dst4) == 1) << 2; break;
		case 'T': have |= (inet_pton(AF_INET6, optarg, &c.dst6) == 1) << 3; break;
		case 'k':
			if (parse_key(optarg, c.key))
				return usage();
			c.keyed = 1;
			break;
		case 'p': c.port = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'd': secs = strtoul(optarg, NULL, 0); break;
		case 'r': pps = strtoul(optarg, NULL, 0); break;
		default: return usage();
		}
	}
	if (have != 15 || !c.port || c.port > 65535)
		return usage();
	c.seq = rnd(&c);

	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	if (!sll.sll_ifindex) {
		fprintf(stderr, "hostile: no interface %s\n", argv[1]);
		return 1;
	}
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("hostile: socket");
		return 1;
	}
	{
		struct ifreq ifr = { 0 };
		int s = socket(AF_INET, SOCK_DGRAM, 0);

		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[1]);
		if (s < 0 || ioctl(s, SIOCGIFHWADDR, &ifr) < 0) {
			perror("hostile: SIOCGIFHWADDR");
			return 1;
		}
		memcpy(c.smac, ifr.ifr_hwaddr.sa_data, 6);
		close(s);
	}
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, c.dmac, 6);
	if (secs)
		end = time(NULL) + (time_t)secs;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count; i++) {
		size_t n = gen(&c, frame);

		/* with -d, COUNT is at most: stop at the deadline */
		if (end && (i & 255) == 0 && time(NULL) >= end)
			break;
		/* with -r, frame i leaves no earlier than i / PPS seconds in */
		if (pps && (i & 15) == 0) {
			unsigned long long due = (unsigned long long)i * 1000000000ULL / pps;
			struct timespec ts = {
				.tv_sec = t0.tv_sec + (time_t)(due / 1000000000ULL),
				.tv_nsec = t0.tv_nsec + (long)(due % 1000000000ULL),
			};

			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		}

		if (n < 14)
			n = 14;	/* the link needs its header; the rest may be nothing */
		if (sendto(fd, frame, n, 0, (struct sockaddr *)&sll, sizeof(sll)) == (ssize_t)n) {
			sent++;
		} else if (errno == ENOBUFS || errno == EAGAIN) {
			usleep(1000);
			i--;
		} else {
			fprintf(stderr, "hostile: sendto (%zu bytes): %s\n", n, strerror(errno));
			return 1;
		}
	}
	{
		struct timespec now;

		/* when the last frame left, for a test that times what follows */
		clock_gettime(CLOCK_REALTIME, &now);
		printf("end_ms %lld ", (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000);
	}
	printf("sent %lu", sent);
	for (i = 0; i < NVARIANT; i++)
		if (c.variant[i])
			printf(" v%lu=%lu", i, c.variant[i]);
	printf("\n");
	close(fd);
	return sent == count || (end && sent == i) ? 0 : 1;
}
