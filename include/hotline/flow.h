/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hotline: the one packet parser of the project, shared by the kernel
 * module, the XDP guard (BPF C) and userspace tests.
 *
 * Contract
 * --------
 * hotline_parse_eth(data, data_end, f) parses an Ethernet frame: an
 * optional 802.1ad/802.1Q tag, at most two of them (QinQ), then IPv4 or
 * IPv6. hotline_parse_ip(data, data_end, f) parses from the first byte of
 * the IP header; the version nibble picks IPv4 or IPv6.
 *
 * Each also comes as two stages, hotline_parse_eth_head() or
 * hotline_parse_ip_head() and then hotline_parse_tail(), for a reader
 * that decides on the source address before it needs the rest (the
 * guard): the head stops after the IP header's own checks, with family,
 * saddr, l3_off and ip_len set when it returns HOTLINE_PARSE_OK; the tail
 * fills the rest and returns what the whole parse would. Any other result
 * of a head is the whole parse's result.
 *
 *  - Nothing is read outside [data, data_end). Every access is checked
 *    against data_end right before it, in the shape the BPF verifier can
 *    follow (pointer + size compared to data_end), so the same code passes
 *    the verifier and is safe on arbitrary buffers.
 *  - The IP header is trusted only after its own checks: IPv4 version,
 *    IHL >= 5, IHL*4 <= total length <= bytes present; IPv6 version and
 *    40 + payload length <= bytes present. Bytes after the IP packet
 *    (Ethernet padding) are ignored.
 *  - IPv6 extension headers: up to HOTLINE_IPV6_MAX_EXT of hop-by-hop,
 *    routing, fragment, destination options and AH are skipped; a longer
 *    chain is reported as MALFORMED (addresses are still valid).
 *  - Ports are read for TCP, UDP, UDP-Lite and SCTP from the first
 *    fragment only; a non-first fragment sets HOTLINE_FLOW_F_FRAG without
 *    HOTLINE_FLOW_F_PORTS.
 *
 * Return codes (enum hotline_parse_result):
 *  HOTLINE_PARSE_OK         the flow is filled; f->flags says what is known
 *  HOTLINE_PARSE_NOT_IP     a well-formed frame of another ethertype (ARP,
 *                           LLDP, ...); f->ethertype holds it
 *  HOTLINE_PARSE_TRUNCATED  the buffer ends before a header does
 *  HOTLINE_PARSE_MALFORMED  a header is present but inconsistent
 * On TRUNCATED/MALFORMED, f->family is non-zero exactly when the IP
 * addresses were read from a complete, consistent IP header (the error
 * is further in); otherwise it is zero and the addresses are unset.
 *
 * Addresses are kept in network byte order, ports in host byte order.
 *
 * Freestanding: only fixed-width types from linux/types.h and compiler
 * builtins. Compiles as kernel C, BPF C and C11 userspace.
 */
#ifndef _HOTLINE_FLOW_H
#define _HOTLINE_FLOW_H

#include <linux/types.h>

#define HOTLINE_FLOW_IPV4	4
#define HOTLINE_FLOW_IPV6	6

/* f->flags */
#define HOTLINE_FLOW_F_FRAG	0x01	/* a fragment (any) */
#define HOTLINE_FLOW_F_FRAG_1ST	0x02	/* ... and it is the first one */
#define HOTLINE_FLOW_F_PORTS	0x04	/* sport/dport are valid */
#define HOTLINE_FLOW_F_VLAN	0x08	/* the frame carried a VLAN tag */

#define HOTLINE_IPV6_MAX_EXT	6
#define HOTLINE_MAX_VLAN_TAGS	2

enum hotline_parse_result {
	HOTLINE_PARSE_OK = 0,
	HOTLINE_PARSE_NOT_IP,
	HOTLINE_PARSE_TRUNCATED,
	HOTLINE_PARSE_MALFORMED,
};

struct hotline_flow {
	__u8	family;		/* 0 (unknown), HOTLINE_FLOW_IPV4 or _IPV6 */
	__u8	proto;		/* final L4 protocol (after IPv6 ext headers) */
	__u8	flags;		/* HOTLINE_FLOW_F_* */
	__u8	tos;		/* IPv4 TOS / IPv6 traffic class (DSCP+ECN) */
	__u16	ethertype;	/* host order, after VLAN tags */
	__u16	vlan_id;	/* innermost tag's VID when F_VLAN */
	__u16	sport;		/* host order, when F_PORTS */
	__u16	dport;
	__u16	l3_off;		/* IP header offset from the start of data */
	__u16	l4_off;		/* L4 header offset, when proto was reached */
	__u32	ip_len;		/* IP packet length from its header onward */
	union {
		__be32	v4;
		__u8	v6[16];
		__u32	w[4];	/* v6 as words, for word loads */
	} saddr, daddr;
};

/* Ethertypes, IP protocol numbers: spelled out to stay freestanding. */
#define HOTLINE_ETH_P_IP	0x0800
#define HOTLINE_ETH_P_IPV6	0x86DD
#define HOTLINE_ETH_P_8021Q	0x8100
#define HOTLINE_ETH_P_8021AD	0x88A8
#define HOTLINE_ETH_HLEN	14
#define HOTLINE_VLAN_HLEN	4

#define HOTLINE_IPPROTO_HOPOPTS	0
#define HOTLINE_IPPROTO_TCP	6
#define HOTLINE_IPPROTO_UDP	17
#define HOTLINE_IPPROTO_ROUTING	43
#define HOTLINE_IPPROTO_FRAGMENT 44
#define HOTLINE_IPPROTO_AH	51
#define HOTLINE_IPPROTO_DSTOPTS	60
#define HOTLINE_IPPROTO_SCTP	132
#define HOTLINE_IPPROTO_UDPLITE	136

/*
 * Loads from the packet; the caller has checked the bytes are there.
 * clang compiles a read through a byte pointer, or a memcpy from one, into
 * one BPF load per byte, as BPF has no load of its own for a word at any
 * alignment. The verifier takes a misaligned load from a packet wherever
 * the CPU does it (without BPF_F_STRICT_ALIGNMENT, on x86-64 and arm64,
 * whose JITs emit a plain load), so BPF code loads the word; C elsewhere
 * copies it, which is defined at any alignment and compiles to one load.
 */
static inline __u32 hotline_load32(const __u8 *p)
{
#if defined(__bpf__)
	return *(const __u32 *)p;
#else
	__u32 v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
#endif
}

/* A big-endian u16 at p, in host order. */
static inline __u16 hotline_get_be16(const __u8 *p)
{
#if defined(__bpf__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap16(*(const __u16 *)p);
#else
	return (__u16)((__u16)p[0] << 8 | p[1]);
#endif
}

/*
 * v & mask, with the mask kept in BPF code. The compiler knows e.g. that a
 * 16-bit load fits 0xffff and would drop the AND; older verifiers (6.1)
 * lose the bound through the shift-and-or of hotline_get_be16() and then
 * refuse pointer arithmetic with the value. The empty asm hides what the
 * compiler knows, so the AND reaches the verifier.
 */
static inline __u32 hotline_bound(__u32 v, __u32 mask)
{
#if defined(__bpf__)
	asm volatile("" : "+r"(v));
#endif
	return v & mask;
}

static inline int hotline_has_ports(__u8 proto)
{
	return proto == HOTLINE_IPPROTO_TCP || proto == HOTLINE_IPPROTO_UDP ||
	       proto == HOTLINE_IPPROTO_SCTP ||
	       proto == HOTLINE_IPPROTO_UDPLITE;
}

/*
 * Logical lengths (what the IP header says) are kept as scalars and
 * compared as scalars; every memory access is guarded by its own
 * "pointer + constant > end" test, the only form the verifier turns into
 * a proven packet range. Packet pointers are never subtracted or compared
 * with each other, which unprivileged-style verification would refuse.
 */

/* The L4 header is at l4 (offset l4_off), with avail bytes of the IP
 * packet left. Read the ports if the protocol has them.
 */
static inline int hotline_parse_l4(const __u8 *l4, __u32 l4_off, __u32 avail,
				   const __u8 *end, struct hotline_flow *f)
{
	f->l4_off = (__u16)l4_off;
	if (!hotline_has_ports(f->proto))
		return HOTLINE_PARSE_OK;
	if (avail < 4 || l4 + 4 > end)
		return HOTLINE_PARSE_TRUNCATED;
	f->sport = hotline_get_be16(l4);
	f->dport = hotline_get_be16(l4 + 2);
	f->flags |= HOTLINE_FLOW_F_PORTS;
	return HOTLINE_PARSE_OK;
}

/* The IP parsers' heads and tails: see "two stages" in the contract above. */
static inline int hotline_ipv4_head(const __u8 *ip, __u32 l3_off,
				    const void *data_end,
				    struct hotline_flow *f)
{
	const __u8 *end = (const __u8 *)data_end;
	__u32 ihl, tot_len;

	if (ip + 20 > end)
		return HOTLINE_PARSE_TRUNCATED;
	if ((ip[0] >> 4) != 4)
		return HOTLINE_PARSE_MALFORMED;
	ihl = (__u32)(ip[0] & 0x0f) * 4;
	tot_len = hotline_bound(hotline_get_be16(ip + 2), 0xffff);
	if (ihl < 20 || tot_len < ihl)
		return HOTLINE_PARSE_MALFORMED;
	if (ip + tot_len > end)
		return HOTLINE_PARSE_TRUNCATED;
	f->l3_off = (__u16)l3_off;
	f->ip_len = tot_len;
	f->saddr.v4 = hotline_load32(ip + 12);
	f->family = HOTLINE_FLOW_IPV4;
	return HOTLINE_PARSE_OK;
}

/* After hotline_ipv4_head(): ip + ip_len is inside the buffer. */
static inline int hotline_ipv4_tail(const __u8 *ip, const void *data_end,
				    struct hotline_flow *f)
{
	const __u8 *end = (const __u8 *)data_end;
	__u32 ihl, tot_len = f->ip_len;
	__u16 frag;

	ihl = hotline_bound((__u32)(ip[0] & 0x0f) * 4, 0x3c);
	f->tos = ip[1];
	f->proto = ip[9];
	f->daddr.v4 = hotline_load32(ip + 16);
	frag = hotline_get_be16(ip + 6);
	if (frag & 0x3fff) {			/* MF set or offset != 0 */
		f->flags |= HOTLINE_FLOW_F_FRAG;
		if (frag & 0x1fff)		/* later fragment: no L4 */
			return HOTLINE_PARSE_OK;
		f->flags |= HOTLINE_FLOW_F_FRAG_1ST;
	}
	return hotline_parse_l4(ip + ihl, f->l3_off + ihl, tot_len - ihl, end, f);
}

static inline void hotline_load_addr6(__u32 *w, const __u8 *p)
{
	w[0] = hotline_load32(p);
	w[1] = hotline_load32(p + 4);
	w[2] = hotline_load32(p + 8);
	w[3] = hotline_load32(p + 12);
}

static inline int hotline_ipv6_is_ext(__u8 nexthdr)
{
	return nexthdr == HOTLINE_IPPROTO_HOPOPTS ||
	       nexthdr == HOTLINE_IPPROTO_ROUTING ||
	       nexthdr == HOTLINE_IPPROTO_FRAGMENT ||
	       nexthdr == HOTLINE_IPPROTO_AH ||
	       nexthdr == HOTLINE_IPPROTO_DSTOPTS;
}

/*
 * A zero payload length (a jumbogram's, RFC 2675) is read literally as an
 * empty payload: jumbograms cannot cross the links hotline runs on.
 */
static inline int hotline_ipv6_head(const __u8 *ip, __u32 l3_off,
				    const void *data_end,
				    struct hotline_flow *f)
{
	const __u8 *end = (const __u8 *)data_end;
	__u32 ip_len;

	if (ip + 40 > end)
		return HOTLINE_PARSE_TRUNCATED;
	if ((ip[0] >> 4) != 6)
		return HOTLINE_PARSE_MALFORMED;
	ip_len = 40 + hotline_bound(hotline_get_be16(ip + 4), 0xffff);
	if (ip + ip_len > end)
		return HOTLINE_PARSE_TRUNCATED;
	f->l3_off = (__u16)l3_off;
	f->ip_len = ip_len;
	hotline_load_addr6(f->saddr.w, ip + 8);
	f->family = HOTLINE_FLOW_IPV6;
	return HOTLINE_PARSE_OK;
}

/* After hotline_ipv6_head(): ip + ip_len is inside the buffer. */
static inline int hotline_ipv6_tail(const __u8 *ip, const void *data_end,
				    struct hotline_flow *f)
{
	const __u8 *end = (const __u8 *)data_end;
	__u32 ip_len = hotline_bound(f->ip_len, 0x1ffff), off = 40;
	const __u8 *p = ip + 40;
	__u8 nexthdr;
	int i;

	f->tos = (__u8)((ip[0] & 0x0f) << 4 | ip[1] >> 4);
	hotline_load_addr6(f->daddr.w, ip + 24);
	nexthdr = ip[6];
	/* bounded, and unrolled by clang so BPF sees straight-line code */
#ifdef __clang__
#pragma unroll
#endif
	for (i = 0; i < HOTLINE_IPV6_MAX_EXT; i++) {
		__u32 hlen;

		if (!hotline_ipv6_is_ext(nexthdr))
			break;
		if (off + 8 > ip_len || p + 8 > end)
			return HOTLINE_PARSE_TRUNCATED;
		if (nexthdr == HOTLINE_IPPROTO_FRAGMENT) {
			f->flags |= HOTLINE_FLOW_F_FRAG;
			if (hotline_get_be16(p + 2) & 0xfff8) {
				/* a later fragment: no L4 header here */
				f->proto = p[0];
				return HOTLINE_PARSE_OK;
			}
			f->flags |= HOTLINE_FLOW_F_FRAG_1ST;
			hlen = 8;
		} else if (nexthdr == HOTLINE_IPPROTO_AH) {
			hlen = ((__u32)p[1] + 2) * 4;
		} else {
			hlen = ((__u32)p[1] + 1) * 8;
		}
		nexthdr = p[0];
		if (hlen > ip_len - off)
			return HOTLINE_PARSE_TRUNCATED;
		hlen = hotline_bound(hlen, 0xfff);	/* <= 2048 already */
		p += hlen;
		off += hlen;
	}
	f->proto = nexthdr;
	if (hotline_ipv6_is_ext(nexthdr))
		return HOTLINE_PARSE_MALFORMED;	/* chain longer than we walk */
	return hotline_parse_l4(p, f->l3_off + off, ip_len - off, end, f);
}

/* The rest of the parse after a head that returned HOTLINE_PARSE_OK. */
static inline int hotline_parse_tail(const __u8 *ip, const void *data_end,
				     struct hotline_flow *f)
{
	if (f->family == HOTLINE_FLOW_IPV4)
		return hotline_ipv4_tail(ip, data_end, f);
	return hotline_ipv6_tail(ip, data_end, f);
}

/*
 * The head of hotline_parse_ip(): on HOTLINE_PARSE_OK *ip is the IP
 * header, for hotline_parse_tail(); any other result is final.
 */
static inline int hotline_parse_ip_head(const void *data, const void *data_end,
					struct hotline_flow *f, const __u8 **ip)
{
	const __u8 *p = (const __u8 *)data;

	__builtin_memset(f, 0, sizeof(*f));
	*ip = p;
	if (p + 1 > (const __u8 *)data_end)
		return HOTLINE_PARSE_TRUNCATED;
	switch (p[0] >> 4) {
	case 4:
		f->ethertype = HOTLINE_ETH_P_IP;
		return hotline_ipv4_head(p, 0, data_end, f);
	case 6:
		f->ethertype = HOTLINE_ETH_P_IPV6;
		return hotline_ipv6_head(p, 0, data_end, f);
	}
	return HOTLINE_PARSE_MALFORMED;
}

/* Parse from the IP header; the version nibble chooses the family. */
static inline int hotline_parse_ip(const void *data, const void *data_end,
				   struct hotline_flow *f)
{
	const __u8 *ip;
	int rc = hotline_parse_ip_head(data, data_end, f, &ip);

	return rc == HOTLINE_PARSE_OK ? hotline_parse_tail(ip, data_end, f) : rc;
}

/*
 * The head of hotline_parse_eth(): the link header (up to two VLAN tags),
 * then the IP header's head; as hotline_parse_ip_head().
 */
static inline int hotline_parse_eth_head(const void *data, const void *data_end,
					 struct hotline_flow *f, const __u8 **ip)
{
	const __u8 *end = (const __u8 *)data_end;
	const __u8 *p = (const __u8 *)data;
	__u32 off = HOTLINE_ETH_HLEN;
	__u16 proto;
	int i;

	__builtin_memset(f, 0, sizeof(*f));
	*ip = p;
	if (p + HOTLINE_ETH_HLEN > end)
		return HOTLINE_PARSE_TRUNCATED;
	proto = hotline_get_be16(p + 12);
	p += HOTLINE_ETH_HLEN;
	/* bounded; unrolled for BPF as in hotline_ipv6_tail() */
#ifdef __clang__
#pragma unroll
#endif
	for (i = 0; i < HOTLINE_MAX_VLAN_TAGS; i++) {
		if (proto != HOTLINE_ETH_P_8021Q &&
		    proto != HOTLINE_ETH_P_8021AD)
			break;
		if (p + HOTLINE_VLAN_HLEN > end)
			return HOTLINE_PARSE_TRUNCATED;
		f->flags |= HOTLINE_FLOW_F_VLAN;
		f->vlan_id = hotline_get_be16(p) & 0x0fff;
		proto = hotline_get_be16(p + 2);
		p += HOTLINE_VLAN_HLEN;
		off += HOTLINE_VLAN_HLEN;
	}
	f->ethertype = proto;
	*ip = p;
	if (proto == HOTLINE_ETH_P_IP)
		return hotline_ipv4_head(p, off, data_end, f);
	if (proto == HOTLINE_ETH_P_IPV6)
		return hotline_ipv6_head(p, off, data_end, f);
	/* A third tag is deeper than we walk: not IP to us either. */
	return HOTLINE_PARSE_NOT_IP;
}

/* Parse an Ethernet frame (with up to two VLAN tags). */
static inline int hotline_parse_eth(const void *data, const void *data_end,
				    struct hotline_flow *f)
{
	const __u8 *ip;
	int rc = hotline_parse_eth_head(data, data_end, f, &ip);

	return rc == HOTLINE_PARSE_OK ? hotline_parse_tail(ip, data_end, f) : rc;
}

#endif /* _HOTLINE_FLOW_H */
