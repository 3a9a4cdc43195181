// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of include/hotline/flow.h, the project's packet parser, in
 * userspace. Built with AddressSanitizer: every frame (and every
 * truncation and random mutation of it) is copied into a heap buffer of
 * exactly its length, so one byte read past data_end aborts the test.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hotline/flow.h>

#include "frames.h"

static int failures, passes;

#define CHECK(name, cond, ...)						\
	do {								\
		if (cond) {						\
			passes++;					\
			printf("PASS: %s\n", name);			\
		} else {						\
			failures++;					\
			printf("FAIL: %s: ", name);			\
			printf(__VA_ARGS__);				\
			printf("\n");					\
		}							\
	} while (0)

static const char *rc_name(int rc)
{
	switch (rc) {
	case HOTLINE_PARSE_OK: return "ok";
	case HOTLINE_PARSE_NOT_IP: return "not-ip";
	case HOTLINE_PARSE_TRUNCATED: return "truncated";
	case HOTLINE_PARSE_MALFORMED: return "malformed";
	}
	return "?";
}

/* Frames parsed, and those where the staged parse disagreed. */
static unsigned long staged_seen, staged_bad;
static char staged_first[160];

/*
 * The head of the same parse (hotline_parse_*_head), as the guard runs it,
 * must agree with the whole parse: a result other than OK is the whole
 * result with the same flow; on OK the family, source, l3_off and ip_len
 * are the whole parse's, and head then tail is the whole parse.
 */
static void staged_check(const uint8_t *copy, size_t len, bool from_ip,
			 int rc, const struct hotline_flow *whole)
{
	struct hotline_flow h;
	const uint8_t *ip;
	int hrc, trc = -1;
	bool ok;

	hrc = from_ip ? hotline_parse_ip_head(copy, copy + len, &h, &ip) :
			hotline_parse_eth_head(copy, copy + len, &h, &ip);
	if (hrc != HOTLINE_PARSE_OK) {
		ok = hrc == rc && !memcmp(&h, whole, sizeof(h));
	} else {
		ok = h.family == whole->family && h.l3_off == whole->l3_off &&
		     h.ip_len == whole->ip_len &&
		     !memcmp(&h.saddr, &whole->saddr, sizeof(h.saddr)) &&
		     ip == copy + h.l3_off;
		trc = hotline_parse_tail(ip, copy + len, &h);
		ok = ok && trc == rc && !memcmp(&h, whole, sizeof(h));
	}
	staged_seen++;
	if (!ok && !staged_bad++)
		snprintf(staged_first, sizeof(staged_first),
			 "first: %zu bytes, whole %s, head %s, tail %s",
			 len, rc_name(rc), rc_name(hrc), trc < 0 ? "-" : rc_name(trc));
}

/* Parse len bytes of f from an exact-size heap copy. */
static int parse_exact(const uint8_t *b, size_t len, struct hotline_flow *fl,
		       bool from_ip)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	memcpy(copy, b, len);
	rc = from_ip ? hotline_parse_ip(copy, copy + len, fl) :
		       hotline_parse_eth(copy, copy + len, fl);
	staged_check(copy, len, from_ip, rc, fl);
	free(copy);
	return rc;
}

static bool addr4_is(const struct hotline_flow *fl, bool src, const char *a)
{
	uint8_t want[4];

	inet_pton(AF_INET, a, want);
	return !memcmp(src ? (const void *)&fl->saddr.v4 : (const void *)&fl->daddr.v4,
		       want, 4);
}

static bool addr6_is(const struct hotline_flow *fl, bool src, const char *a)
{
	uint8_t want[16];

	inet_pton(AF_INET6, a, want);
	return !memcmp(src ? fl->saddr.v6 : fl->daddr.v6, want, 16);
}

static void test_ipv4(void)
{
	struct hotline_flow fl;
	struct frame f;
	int rc;

	frame_udp4(&f, 0, "198.51.100.7", "192.0.2.1", 12);
	rc = parse_exact(f.b, f.len, &fl, false);
	CHECK("flow ipv4 udp", rc == 0 && fl.family == 4 && fl.proto == 17 &&
	      fl.sport == 5000 && fl.dport == 862 && fl.l3_off == 14 &&
	      fl.l4_off == 34 && fl.ip_len == 40 && fl.tos == 0xb8 &&
	      fl.flags == HOTLINE_FLOW_F_PORTS &&
	      addr4_is(&fl, true, "198.51.100.7") &&
	      addr4_is(&fl, false, "192.0.2.1"),
	      "rc=%s family=%u proto=%u ports=%u/%u l3=%u l4=%u len=%u flags=%#x",
	      rc_name(rc), fl.family, fl.proto, fl.sport, fl.dport, fl.l3_off,
	      fl.l4_off, fl.ip_len, fl.flags);

	rc = parse_exact(f.b + 14, f.len - 14, &fl, true);
	CHECK("flow ipv4 from the IP header", rc == 0 && fl.family == 4 &&
	      fl.l3_off == 0 && fl.l4_off == 20 && fl.dport == 862,
	      "rc=%s l3=%u l4=%u", rc_name(rc), fl.l3_off, fl.l4_off);

	frame_ipv4(&f, 0, "198.51.100.7", "192.0.2.1", 6, 443, 51000, 20, 7, 0);
	rc = parse_exact(f.b, f.len, &fl, false);
	CHECK("flow ipv4 tcp with options", rc == 0 && fl.proto == 6 &&
	      fl.l4_off == 14 + 28 && fl.sport == 443 && fl.dport == 51000,
	      "rc=%s l4=%u ports=%u/%u", rc_name(rc), fl.l4_off, fl.sport, fl.dport);

	frame_ipv4(&f, 0, "198.51.100.7", "192.0.2.1", 17, 1, 2, 64, 5, 0x2000);
	rc = parse_exact(f.b, f.len, &fl, false);
	CHECK("flow ipv4 first fragment", rc == 0 &&
	      fl.flags == (HOTLINE_FLOW_F_FRAG | HOTLINE_FLOW_F_FRAG_1ST |
			   HOTLINE_FLOW_F_PORTS) && fl.dport == 2,
	      "rc=%s flags=%#x", rc_name(rc), fl.flags);

	frame_ipv4(&f, 0, "198.51.100.7", "192.0.2.1", 17, 1, 2, 64, 5, 0x0010);
	rc = parse_exact(f.b, f.len, &fl, false);
	CHECK("flow ipv4 later fragment has no ports", rc == 0 &&
	      fl.flags == HOTLINE_FLOW_F_FRAG && fl.sport == 0 &&
	      addr4_is(&fl, true, "198.51.100.7"),
	      "rc=%s flags=%#x", rc_name(rc), fl.flags);

	/* Ethernet padding after a short packet is not part of it. */
	frame_ipv4(&f, 0, "198.51.100.7", "192.0.2.1", 1, 0, 0, 8, 5, 0);
	f.len = 60;
	rc = parse_exact(f.b, f.len, &fl, false);
	CHECK("flow ipv4 icmp in a padded frame", rc == 0 && fl.proto == 1 &&
	      fl.ip_len == 28 && !(fl.flags & HOTLINE_FLOW_F_PORTS),
	      "rc=%s ip_len=%u", rc_name(rc), fl.ip_len);
}

static void test_ipv6(void)
{
	static const uint8_t chain[] = { 0, 60, 43, 44 };
	static const uint8_t ah[] = { 51 };
	static const uint8_t too_long[] = { 60, 60, 60, 60, 60, 60, 60 };
	struct hotline_flow fl;
	struct frame f;
	int rc;

	frame_udp6(&f, 0, "2001:db8:1::7", "2001:db8:2::1", 4);
	rc = parse_exact(f.b, f.len, &fl, false);
	CHECK("flow ipv6 udp", rc == 0 && fl.family == 6 && fl.proto == 17 &&
	      fl.sport == 5000 && fl.dport == 862 && fl.l4_off == 54 &&
	      fl.ip_len == 52 && fl.tos == 0xb8 &&
	      addr6_is(&fl, true, "2001:db8:1::7") &&
	      addr6_is(&fl, false, "2001:db8:2::1"),
	      "rc=%s family=%u proto=%u l4=%u len=%u tos=%#x", rc_name(rc),
	      fl.family, fl.proto, fl.l4_off, fl.ip_len, fl.tos);

	frame_ipv6(&f, 0, "2001:db8:1::7", "2001:db8:2::1", 6, 179, 40000, 20,
		   chain, 4, 0);
	rc = parse_exact(f.b, f.len, &fl, false);
	CHECK("flow ipv6 hop-by-hop, dest-opts, routing, fragment", rc == 0 &&
	      fl.proto == 6 && fl.sport == 179 && fl.l4_off == 54 + 32 &&
	      (fl.flags & HOTLINE_FLOW_F_FRAG_1ST),
	      "rc=%s proto=%u l4=%u flags=%#x", rc_name(rc), fl.proto,
	      fl.l4_off, fl.flags);

	frame_ipv6(&f, 0, "2001:db8:1::7", "2001:db8:2::1", 17, 1, 2, 16,
		   chain, 4, 3);
	rc = parse_exact(f.b, f.len, &fl, false);
	CHECK("flow ipv6 later fragment has no ports", rc == 0 &&
	      fl.proto == 17 && fl.flags == HOTLINE_FLOW_F_FRAG,
	      "rc=%s proto=%u flags=%#x", rc_name(rc), fl.proto, fl.flags);

	frame_ipv6(&f, 0, "2001:db8:1::7", "2001:db8:2::1", 17, 7, 8, 8, ah, 1, 0);
	rc = parse_exact(f.b, f.len, &fl, false);
	CHECK("flow ipv6 AH is skipped", rc == 0 && fl.proto == 17 &&
	      fl.l4_off == 54 + 12 && fl.dport == 8,
	      "rc=%s l4=%u", rc_name(rc), fl.l4_off);

	frame_ipv6(&f, 0, "2001:db8:1::7", "2001:db8:2::1", 17, 7, 8, 8,
		   too_long, 7, 0);
	rc = parse_exact(f.b, f.len, &fl, false);
	CHECK("flow ipv6 over-long extension chain is malformed, addresses kept",
	      rc == HOTLINE_PARSE_MALFORMED && fl.family == 6 &&
	      addr6_is(&fl, true, "2001:db8:1::7"),
	      "rc=%s family=%u", rc_name(rc), fl.family);
}

static void test_l2(void)
{
	struct hotline_flow fl;
	struct frame f;
	int rc;

	frame_udp4(&f, 1, "198.51.100.7", "192.0.2.1", 0);
	rc = parse_exact(f.b, f.len, &fl, false);
	CHECK("flow 802.1Q ipv4", rc == 0 && fl.l3_off == 18 &&
	      fl.vlan_id == 42 && (fl.flags & HOTLINE_FLOW_F_VLAN) &&
	      addr4_is(&fl, true, "198.51.100.7"),
	      "rc=%s l3=%u vid=%u", rc_name(rc), fl.l3_off, fl.vlan_id);

	frame_udp6(&f, 2, "2001:db8:1::7", "2001:db8:2::1", 0);
	rc = parse_exact(f.b, f.len, &fl, false);
	CHECK("flow 802.1ad+802.1Q ipv6", rc == 0 && fl.l3_off == 22 &&
	      fl.family == 6 && fl.l4_off == 62,
	      "rc=%s l3=%u", rc_name(rc), fl.l3_off);

	frame_udp4(&f, 3, "198.51.100.7", "192.0.2.1", 0);
	rc = parse_exact(f.b, f.len, &fl, false);
	CHECK("flow three tags are not IP to us", rc == HOTLINE_PARSE_NOT_IP,
	      "rc=%s", rc_name(rc));

	frame_arp(&f);
	rc = parse_exact(f.b, f.len, &fl, false);
	CHECK("flow arp is not ip", rc == HOTLINE_PARSE_NOT_IP &&
	      fl.ethertype == 0x0806 && fl.family == 0,
	      "rc=%s ethertype=%#x", rc_name(rc), fl.ethertype);
}

static void test_broken(void)
{
	struct hotline_flow fl;
	struct frame f;
	int rc;

	frame_udp4(&f, 0, "198.51.100.7", "192.0.2.1", 0);
	rc = parse_exact(f.b, 13, &fl, false);
	CHECK("flow 13-byte frame is truncated", rc == HOTLINE_PARSE_TRUNCATED,
	      "rc=%s", rc_name(rc));
	rc = parse_exact(f.b, 14 + 19, &fl, false);
	CHECK("flow 19-byte IPv4 header is truncated, no addresses",
	      rc == HOTLINE_PARSE_TRUNCATED && fl.family == 0,
	      "rc=%s family=%u", rc_name(rc), fl.family);
	rc = parse_exact(f.b, f.len - 1, &fl, false);
	CHECK("flow total length beyond the frame is truncated",
	      rc == HOTLINE_PARSE_TRUNCATED && fl.family == 0,
	      "rc=%s", rc_name(rc));

	frame_udp4(&f, 0, "198.51.100.7", "192.0.2.1", 0);
	f.b[14] = 0x44;
	rc = parse_exact(f.b, f.len, &fl, false);
	CHECK("flow ihl 4 is malformed", rc == HOTLINE_PARSE_MALFORMED,
	      "rc=%s", rc_name(rc));

	frame_udp4(&f, 0, "198.51.100.7", "192.0.2.1", 0);
	f.b[14] = 0x65;
	rc = parse_exact(f.b, f.len, &fl, false);
	CHECK("flow version 6 under ethertype IPv4 is malformed",
	      rc == HOTLINE_PARSE_MALFORMED, "rc=%s", rc_name(rc));

	frame_udp4(&f, 0, "198.51.100.7", "192.0.2.1", 0);
	put16(f.b + 16, 16);
	rc = parse_exact(f.b, f.len, &fl, false);
	CHECK("flow total length below ihl is malformed",
	      rc == HOTLINE_PARSE_MALFORMED, "rc=%s", rc_name(rc));

	/* UDP header cut by the IP total length: addresses are known. */
	frame_ipv4(&f, 0, "198.51.100.7", "192.0.2.1", 17, 1, 2, 2, 5, 0);
	rc = parse_exact(f.b, f.len, &fl, false);
	CHECK("flow udp without ports is truncated, addresses kept",
	      rc == HOTLINE_PARSE_TRUNCATED && fl.family == 4 &&
	      addr4_is(&fl, true, "198.51.100.7"),
	      "rc=%s family=%u", rc_name(rc), fl.family);

	frame_udp6(&f, 0, "2001:db8:1::7", "2001:db8:2::1", 0);
	put16(f.b + 18, 200);
	rc = parse_exact(f.b, f.len, &fl, false);
	CHECK("flow ipv6 payload length beyond the frame is truncated",
	      rc == HOTLINE_PARSE_TRUNCATED && fl.family == 0,
	      "rc=%s", rc_name(rc));
}

/* What must hold for any input, whatever the verdict. */
static bool flow_consistent(int rc, const struct hotline_flow *fl, size_t len)
{
	if (rc < HOTLINE_PARSE_OK || rc > HOTLINE_PARSE_MALFORMED)
		return false;
	if (rc == HOTLINE_PARSE_OK && !fl->family)
		return false;
	if (fl->family && (size_t)fl->l3_off + fl->ip_len > len)
		return false;
	if ((fl->flags & HOTLINE_FLOW_F_PORTS) &&
	    ((size_t)fl->l4_off + 4 > (size_t)fl->l3_off + fl->ip_len ||
	     rc != HOTLINE_PARSE_OK))
		return false;
	return true;
}

static void test_fuzz(void)
{
	static const uint8_t chain[] = { 0, 60, 43, 44, 51, 60 };
	struct frame samples[8];
	struct hotline_flow fl, full;
	unsigned long bad = 0, runs = 0, cut_bad = 0;
	int n = 0;

	frame_udp4(&samples[n++], 0, "198.51.100.7", "192.0.2.1", 10);
	frame_ipv4(&samples[n++], 1, "198.51.100.7", "192.0.2.1", 6, 1, 2, 20, 15, 0);
	frame_udp6(&samples[n++], 2, "2001:db8:1::7", "2001:db8:2::1", 10);
	frame_ipv6(&samples[n++], 0, "2001:db8::1", "2001:db8::2", 132, 1, 2, 12, chain, 6, 0);
	frame_ipv6(&samples[n++], 1, "2001:db8::1", "2001:db8::2", 17, 1, 2, 12, chain, 4, 9);
	frame_arp(&samples[n++]);

	/* Every truncation: never OK unless the whole IP packet is there. */
	for (int s = 0; s < n; s++) {
		int frc = parse_exact(samples[s].b, samples[s].len, &full, false);

		for (size_t len = 0; len <= samples[s].len; len++) {
			int rc = parse_exact(samples[s].b, len, &fl, false);

			runs++;
			if (!flow_consistent(rc, &fl, len))
				bad++;
			if (frc == 0 && len < (size_t)full.l3_off + full.ip_len &&
			    rc == 0)
				cut_bad++;
		}
	}
	CHECK("flow every truncation of every sample is safe and consistent",
	      !bad && !cut_bad, "%lu of %lu inconsistent, %lu cut packets parsed ok",
	      bad, runs, cut_bad);

	/* Random bytes flipped in random places, random lengths. */
	srand(12345);
	bad = runs = 0;
	for (int i = 0; i < 200000; i++) {
		struct frame m = samples[i % n];
		int flips = 1 + rand() % 4;
		size_t len;
		int rc;

		for (int k = 0; k < flips; k++)
			m.b[rand() % (int)m.len] = (uint8_t)rand();
		len = (size_t)rand() % (m.len + 1);
		rc = parse_exact(m.b, len, &fl, (i & 7) == 0 && len > 14);
		runs++;
		if (!flow_consistent(rc, &fl, len))
			bad++;
	}
	CHECK("flow 200000 random mutations are safe and consistent", !bad,
	      "%lu of %lu inconsistent", bad, runs);
}

int main(void)
{
	test_ipv4();
	test_ipv6();
	test_l2();
	test_broken();
	test_fuzz();
	CHECK("flow the staged parse (head, tail) agrees with the whole parse",
	      staged_seen > 200000 && !staged_bad, "%lu of %lu frames disagree (%s)",
	      staged_bad, staged_seen, staged_first);
	printf("# flow_test: %d passed, %d failed\n", passes, failures);
	return failures ? 1 : 0;
}
