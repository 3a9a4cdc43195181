/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Crafted Ethernet frames for the parser and guard tests. Each builder
 * writes a complete, checksum-free frame (neither the parser nor XDP
 * looks at checksums) and returns its length.
 */
#ifndef HOTLINE_SELFTEST_FRAMES_H
#define HOTLINE_SELFTEST_FRAMES_H

#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#define FRAME_MAX 2048

struct frame {
	uint8_t b[FRAME_MAX];
	size_t len;
};

/* Ethernet header plus `tags` VLAN tags (outer 802.1ad, inner 802.1Q). */
static inline size_t frame_eth(struct frame *f, uint16_t type, int tags,
			       uint16_t vid)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	size_t o = 12;

	memset(f, 0, sizeof(*f));
	memcpy(f->b, dst, 6);
	memcpy(f->b + 6, src, 6);
	for (int i = 0; i < tags; i++) {
		uint16_t tpid = (tags == 2 && i == 0) ? 0x88a8 : 0x8100;

		f->b[o] = tpid >> 8;
		f->b[o + 1] = tpid & 0xff;
		f->b[o + 2] = (uint8_t)(vid >> 8);
		f->b[o + 3] = vid & 0xff;
		o += 4;
	}
	f->b[o] = type >> 8;
	f->b[o + 1] = type & 0xff;
	return o + 2;
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* L4 bytes: ports for TCP/UDP/SCTP, then filler up to l4len. */
static inline void frame_l4(uint8_t *p, uint8_t proto, uint16_t sport,
			    uint16_t dport, size_t l4len)
{
	memset(p, 0xab, l4len);
	if ((proto == 6 || proto == 17 || proto == 132) && l4len >= 4) {
		put16(p, sport);
		put16(p + 2, dport);
	}
}

/*
 * IPv4: src/dst as dotted strings, ihl in 32-bit words (5 = no options),
 * frag = the flags+offset field, l4len bytes of L4 after the header.
 */
static inline size_t frame_ipv4(struct frame *f, int tags, const char *src,
				const char *dst, uint8_t proto, uint16_t sport,
				uint16_t dport, size_t l4len, int ihl,
				uint16_t frag)
{
	size_t o = frame_eth(f, 0x0800, tags, 42);
	uint8_t *ip = f->b + o;
	size_t hl = (size_t)ihl * 4;

	ip[0] = (uint8_t)(0x40 | ihl);
	ip[1] = 0xb8;			/* EF */
	put16(ip + 2, (uint16_t)(hl + l4len));
	put16(ip + 6, frag);
	ip[8] = 64;
	ip[9] = proto;
	inet_pton(AF_INET, src, ip + 12);
	inet_pton(AF_INET, dst, ip + 16);
	memset(ip + 20, 1, hl > 20 ? hl - 20 : 0);	/* NOP options */
	frame_l4(ip + hl, proto, sport, dport, l4len);
	f->len = o + hl + l4len;
	return f->len;
}

static inline size_t frame_udp4(struct frame *f, int tags, const char *src,
				const char *dst, size_t payload)
{
	return frame_ipv4(f, tags, src, dst, 17, 5000, 862, 8 + payload, 5, 0);
}

/*
 * IPv6 with a chain of extension headers: ext[] lists their protocol
 * numbers in order (0 hop-by-hop, 43 routing, 44 fragment, 51 AH,
 * 60 dest-opts), each 8 bytes long (AH 12); frag_off for a fragment
 * header (in 8-byte units).
 */
static inline size_t frame_ipv6(struct frame *f, int tags, const char *src,
				const char *dst, uint8_t proto, uint16_t sport,
				uint16_t dport, size_t l4len, const uint8_t *ext,
				int next, uint16_t frag_off)
{
	size_t o = frame_eth(f, 0x86dd, tags, 7);
	uint8_t *ip = f->b + o;
	uint8_t *p = ip + 40;
	size_t plen = 0;

	ip[0] = 0x6b;			/* version 6, traffic class 0xb8 */
	ip[1] = 0x80;
	ip[7] = 64;
	inet_pton(AF_INET6, src, ip + 8);
	inet_pton(AF_INET6, dst, ip + 24);
	ip[6] = next ? ext[0] : proto;
	for (int i = 0; i < next; i++) {
		uint8_t nh = i + 1 < next ? ext[i + 1] : proto;
		size_t hl = ext[i] == 51 ? 12 : 8;

		memset(p, 0, hl);
		p[0] = nh;
		if (ext[i] == 51)
			p[1] = 1;		/* (1 + 2) * 4 = 12 */
		else if (ext[i] == 44)
			put16(p + 2, (uint16_t)(frag_off << 3));
		/* others: p[1] = 0 -> 8 bytes */
		p += hl;
		plen += hl;
	}
	frame_l4(p, proto, sport, dport, l4len);
	plen += l4len;
	put16(ip + 4, (uint16_t)plen);
	f->len = o + 40 + plen;
	return f->len;
}

static inline size_t frame_udp6(struct frame *f, int tags, const char *src,
				const char *dst, size_t payload)
{
	return frame_ipv6(f, tags, src, dst, 17, 5000, 862, 8 + payload,
			  NULL, 0, 0);
}

static inline size_t frame_arp(struct frame *f)
{
	size_t o = frame_eth(f, 0x0806, 0, 0);

	/* who-has 192.0.2.1 tell 192.0.2.2 */
	static const uint8_t arp[28] = {
		0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 2, 192, 0, 2, 2,
		0, 0, 0, 0, 0, 0, 192, 0, 2, 1,
	};
	memcpy(f->b + o, arp, sizeof(arp));
	f->len = 60;			/* padded to the Ethernet minimum */
	return f->len;
}

#endif /* HOTLINE_SELFTEST_FRAMES_H */
