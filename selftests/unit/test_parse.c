// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of user/parse.c: every value form, its refusals, round trips. */
#include <arpa/inet.h>
#include <stdlib.h>

#include "parse.h"
#include "unit.h"

static struct parse_error e;

static void prefix_ok(const char *in, const char *want)
{
	struct hl_prefix p;
	char buf[HL_FMT_MAX], name[128];
	int r = parse_prefix(in, &p, &e);

	snprintf(name, sizeof(name), "prefix \"%s\" reads as %s", in, want);
	CHECK(r == 0 && !strcmp(format_prefix(&p, buf), want), name,
	      "got %d, \"%s\"", r, r ? e.why : format_prefix(&p, buf));
}

static void prefix_bad(const char *in, const char *why_part)
{
	struct hl_prefix p;
	char name[128];
	int r = parse_prefix(in, &p, &e);

	snprintf(name, sizeof(name), "prefix \"%s\" refused", in);
	CHECK(r == -1 && strstr(e.why, why_part), name, "got %d, \"%s\"", r,
	      r ? e.why : "");
}

static void test_names(void)
{
	char n[HOTLINE_NAME_MAX + 1];
	char long32[40];

	memset(long32, 'a', 32);
	long32[32] = '\0';
	CHECK(parse_name("cert.gov_1-a", n, &e) == 0 && !strcmp(n, "cert.gov_1-a"),
	      "name with . _ - accepted", "%s", e.why);
	CHECK(parse_name(long32 + 1, n, &e) == 0, "name of 31 bytes accepted",
	      "%s", e.why);
	CHECK(parse_name(long32, n, &e) == -1, "name of 32 bytes refused", "accepted");
	CHECK(parse_name("", n, &e) == -1, "empty name refused", "accepted");
	CHECK(parse_name("a b", n, &e) == -1 && strstr(e.why, "A-Z a-z 0-9 . _ -"),
	      "name with a space refused", "%s", e.why);
	CHECK(parse_name("a/b", n, &e) == -1, "name with a slash refused", "accepted");
}

static void test_prefixes(void)
{
	prefix_ok("198.51.100.0/24", "198.51.100.0/24");
	prefix_ok("198.51.100.7", "198.51.100.7/32");
	prefix_ok("0.0.0.0/0", "0.0.0.0/0");
	prefix_ok("2001:db8::/48", "2001:db8::/48");
	prefix_ok("2001:db8::7", "2001:db8::7/128");
	prefix_ok("::/0", "::/0");
	prefix_ok("2001:db8:0:0:0:0:0:0/32", "2001:db8::/32");
	prefix_bad("198.51.100.7/24", "the network is 198.51.100.0/24");
	prefix_bad("2001:db8::1/48", "the network is 2001:db8::/48");
	prefix_bad("198.51.100.0/33", "0..32");
	prefix_bad("2001:db8::/129", "0..128");
	prefix_bad("198.51.100.0/", "0..32");
	prefix_bad("198.51.100.0/-1", "0..32");
	prefix_bad("198.51.100.0/+8", "0..32");
	prefix_bad("198.51.100.0/24x", "0..32");
	prefix_bad("198.51.100/24", "not an IPv4 or IPv6");
	prefix_bad("cert.example", "not an IPv4 or IPv6");
	prefix_bad("", "address");
	prefix_bad("/24", "address");
}

static void test_proto_port(void)
{
	static const char *const names[] = { "any", "tcp", "udp", "icmp", "sctp" };
	uint16_t a, b;
	uint8_t p;
	unsigned int i;
	int ok = 1;

	for (i = 0; i < 5; i++)
		ok &= parse_proto(names[i], &p, &e) == 0 && p == i &&
		      !strcmp(proto_name(p), names[i]);
	CHECK(ok, "proto names round-trip", "mismatch");
	CHECK(parse_proto("gre", &p, &e) == -1 && strstr(e.why, "tcp"),
	      "proto gre refused", "%s", e.why);
	CHECK(proto_name(9) == NULL, "unknown proto has no name", "has one");

	CHECK(parse_port_range("443", &a, &b, &e) == 0 && a == 443 && b == 443,
	      "port 443", "%s", e.why);
	CHECK(parse_port_range("1000-2000", &a, &b, &e) == 0 && a == 1000 && b == 2000,
	      "port range 1000-2000", "%s", e.why);
	CHECK(parse_port_range("1-65535", &a, &b, &e) == 0 && a == 1 && b == 65535,
	      "port range 1-65535", "%s", e.why);
	CHECK(parse_port_range("2000-1000", &a, &b, &e) == -1 &&
	      strstr(e.why, "below its start"), "reversed port range refused",
	      "%s", e.why);
	CHECK(parse_port_range("0", &a, &b, &e) == -1, "port 0 refused", "accepted");
	CHECK(parse_port_range("65536", &a, &b, &e) == -1, "port 65536 refused",
	      "accepted");
	CHECK(parse_port_range("1-", &a, &b, &e) == -1, "port \"1-\" refused",
	      "accepted");
	CHECK(parse_port_range("-5", &a, &b, &e) == -1, "port \"-5\" refused",
	      "accepted");
	CHECK(parse_port_range("443 ", &a, &b, &e) == -1, "port with a space refused",
	      "accepted");
	CHECK(parse_port_range("0x1bb", &a, &b, &e) == -1, "hex port refused",
	      "accepted");
	{
		char buf[HL_FMT_MAX];

		CHECK(!strcmp(format_port_range(443, 443, buf), "443") &&
		      !strcmp(format_port_range(1000, 2000, buf), "1000-2000"),
		      "port ranges format as typed", "got %s", buf);
	}
}

static void test_dscp(void)
{
	static const struct { const char *in; uint8_t v; } ok[] = {
		{ "ef", 46 }, { "EF", 46 }, { "cs0", 0 }, { "cs1", 8 }, { "cs6", 48 },
		{ "cs7", 56 }, { "af11", 10 }, { "af23", 22 }, { "af41", 34 },
		{ "af43", 38 }, { "le", 1 }, { "default", 0 }, { "46", 46 },
		{ "0x2e", 46 }, { "63", 63 }, { "0", 0 },
	};
	char buf[HL_FMT_MAX], name[64];
	unsigned int i;
	uint8_t d;
	int rt = 1;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(name, sizeof(name), "dscp \"%s\" is %u", ok[i].in, ok[i].v);
		CHECK(parse_dscp(ok[i].in, &d, &e) == 0 && d == ok[i].v, name,
		      "got %u", d);
	}
	CHECK(parse_dscp("64", &d, &e) == -1 &&
	      !strcmp(e.why, "must be 0..63 or a name (ef, csN, afNN)"),
	      "dscp 64 refused with the documented message", "%s", e.why);
	CHECK(parse_dscp("-1", &d, &e) == -1, "dscp -1 refused", "accepted");
	CHECK(parse_dscp("af44", &d, &e) == -1, "dscp af44 refused", "accepted");
	CHECK(parse_dscp("", &d, &e) == -1, "empty dscp refused", "accepted");
	CHECK(!strcmp(format_dscp(46, buf), "ef") && !strcmp(format_dscp(45, buf), "45") &&
	      !strcmp(format_dscp(10, buf), "af11"), "dscp formats by name when it has one",
	      "got %s", buf);
	for (i = 0; i < 64; i++)
		rt &= parse_dscp(format_dscp((uint8_t)i, buf), &d, &e) == 0 && d == i;
	CHECK(rt, "dscp 0..63 round-trip through the formatter", "mismatch");
}

static void test_priority_mark(void)
{
	char buf[HL_FMT_MAX];
	uint32_t p, m, mask;
	uint32_t samples[] = { 0, 7, 0xffff, 0x10000, 0x10010, 0x12345678, UINT32_MAX };
	unsigned int i;
	int rt = 1;

	CHECK(parse_priority("7", &p, &e) == 0 && p == 7, "priority 7", "%s", e.why);
	CHECK(parse_priority("1:10", &p, &e) == 0 && p == 0x10010,
	      "priority 1:10 is class 0x10010", "got 0x%x", p);
	CHECK(parse_priority("ffff:ffff", &p, &e) == 0 && p == UINT32_MAX,
	      "priority ffff:ffff", "got 0x%x", p);
	CHECK(parse_priority("4294967295", &p, &e) == 0 && p == UINT32_MAX,
	      "priority 4294967295", "got %u", p);
	CHECK(parse_priority("4294967296", &p, &e) == -1 && strstr(e.why, "MAJ:MIN"),
	      "priority 2^32 refused", "%s", e.why);
	CHECK(parse_priority("1:", &p, &e) == -1, "priority \"1:\" refused", "accepted");
	CHECK(parse_priority(":1", &p, &e) == -1, "priority \":1\" refused", "accepted");
	CHECK(parse_priority("10000:1", &p, &e) == -1, "priority major of 5 digits refused",
	      "accepted");
	CHECK(parse_priority("1:g", &p, &e) == -1, "priority \"1:g\" refused", "accepted");
	CHECK(!strcmp(format_priority(7, buf), "7") &&
	      !strcmp(format_priority(0x10010, buf), "1:10"),
	      "priority formats as 7 and 1:10", "got %s", buf);
	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		rt &= parse_priority(format_priority(samples[i], buf), &p, &e) == 0 &&
		      p == samples[i];
	CHECK(rt, "priorities round-trip through the formatter", "mismatch");

	CHECK(parse_mark("0x10", &m, &mask, &e) == 0 && m == 0x10 && mask == UINT32_MAX,
	      "mark 0x10 has the full mask", "got 0x%x/0x%x", m, mask);
	CHECK(parse_mark("16/0xff", &m, &mask, &e) == 0 && m == 16 && mask == 0xff,
	      "mark 16/0xff", "got 0x%x/0x%x", m, mask);
	CHECK(parse_mark("0x100/0xff", &m, &mask, &e) == -1 && strstr(e.why, "outside"),
	      "mark outside its mask refused", "%s", e.why);
	CHECK(parse_mark("1/0", &m, &mask, &e) == -1, "mark mask 0 refused", "accepted");
	CHECK(parse_mark("0x", &m, &mask, &e) == -1, "mark \"0x\" refused", "accepted");
	CHECK(parse_mark("0x123456789", &m, &mask, &e) == -1, "mark over 32 bits refused",
	      "accepted");
	CHECK(parse_mark("4294967296", &m, &mask, &e) == -1, "mark 2^32 refused",
	      "accepted");
	CHECK(parse_mark(format_mark(0x10, 0xff, buf), &m, &mask, &e) == 0 &&
	      m == 0x10 && mask == 0xff && !strcmp(buf, "0x10/0xff"),
	      "mark 0x10/0xff round-trips", "got %s", buf);
	CHECK(!strcmp(format_mark(0x10, UINT32_MAX, buf), "0x10"),
	      "full mask is not printed", "got %s", buf);
}

static void test_numbers(void)
{
	uint32_t v;

	CHECK(parse_duration_ms("200", 10, 60000, &v, &e) == 0 && v == 200,
	      "interval 200", "%s", e.why);
	CHECK(parse_duration_ms("200ms", 10, 60000, &v, &e) == 0 && v == 200,
	      "interval 200ms", "%s", e.why);
	CHECK(parse_duration_ms("2s", 10, 60000, &v, &e) == 0 && v == 2000,
	      "interval 2s is 2000 ms", "got %u", v);
	CHECK(parse_duration_ms("9", 10, 60000, &v, &e) == -1 && strstr(e.why, "10..60000"),
	      "interval 9 refused with its range", "%s", e.why);
	CHECK(parse_duration_ms("61s", 10, 60000, &v, &e) == -1, "interval 61s refused",
	      "accepted");
	CHECK(parse_duration_ms("1.5s", 10, 60000, &v, &e) == -1, "interval 1.5s refused",
	      "accepted");
	CHECK(parse_duration_ms("100us", 10, 60000, &v, &e) == -1, "interval 100us refused",
	      "accepted");
	CHECK(parse_percent("5", &v, &e) == 0 && v == 5, "percent 5", "%s", e.why);
	CHECK(parse_percent("5%", &v, &e) == 0 && v == 5, "percent 5%", "%s", e.why);
	CHECK(parse_percent("100", &v, &e) == 0 && v == 100, "percent 100", "%s", e.why);
	CHECK(parse_percent("101", &v, &e) == -1, "percent 101 refused", "accepted");
	CHECK(parse_percent("-1", &v, &e) == -1, "percent -1 refused", "accepted");
	CHECK(parse_u32("255", 1, 255, &v, &e) == 0 && v == 255, "u32 255 in 1..255",
	      "%s", e.why);
	CHECK(parse_u32("0", 1, 255, &v, &e) == -1 && strstr(e.why, "1..255"),
	      "u32 0 refused for 1..255", "%s", e.why);
	CHECK(parse_u32("99999999999999999999", 0, UINT32_MAX, &v, &e) == -1,
	      "u32 overflow refused", "accepted");
}

static void probe_ok(const char *in, const char *want)
{
	struct hl_endpoint ep;
	char buf[HL_FMT_MAX], name[128];
	int r = parse_probe(in, 862, &ep, &e);

	snprintf(name, sizeof(name), "probe \"%s\" is %s", in, want);
	CHECK(r == 0 && !strcmp(format_probe(&ep, buf), want), name, "got %d \"%s\"",
	      r, r ? e.why : buf);
	if (r == 0) {
		struct hl_endpoint back;

		snprintf(name, sizeof(name), "probe %s round-trips", want);
		CHECK(parse_probe(buf, 1, &back, &e) == 0 && !memcmp(&back, &ep, sizeof(ep)),
		      name, "mismatch");
	}
}

static void test_probe(void)
{
	struct hl_endpoint ep;

	probe_ok("198.51.100.7", "198.51.100.7:862");
	probe_ok("198.51.100.7:9000", "198.51.100.7:9000");
	probe_ok("2001:db8::7", "[2001:db8::7]:862");
	probe_ok("[2001:db8::7]", "[2001:db8::7]:862");
	probe_ok("[2001:db8::7]:9000", "[2001:db8::7]:9000");
	CHECK(parse_probe("[198.51.100.7]:5", 862, &ep, &e) == -1, "IPv4 in [ ] refused",
	      "accepted");
	CHECK(parse_probe("198.51.100.7:0", 862, &ep, &e) == -1, "probe port 0 refused",
	      "accepted");
	CHECK(parse_probe("198.51.100.7:65536", 862, &ep, &e) == -1,
	      "probe port 65536 refused", "accepted");
	CHECK(parse_probe("[2001:db8::7", 862, &ep, &e) == -1 && strstr(e.why, "]"),
	      "unclosed [ refused", "%s", e.why);
	CHECK(parse_probe("[2001:db8::7]x", 862, &ep, &e) == -1, "junk after ] refused",
	      "accepted");
	CHECK(parse_probe("peer.example:862", 862, &ep, &e) == -1 &&
	      strstr(e.why, "not an IPv4 or IPv6"), "host names refused", "%s", e.why);
	CHECK(parse_probe("198.51.100.7:", 862, &ep, &e) == -1, "empty port refused",
	      "accepted");
}

static void test_rate(void)
{
	static const struct { const char *in; uint64_t bps; } ok[] = {
		{ "20mbit", 20000000 }, { "20Mbit", 20000000 }, { "1gbit", 1000000000 },
		{ "500kbit", 500000 }, { "1.5mbit", 1500000 }, { "1000", 1000 },
		{ "1000bit", 1000 }, { "1mbps", 8000000 }, { "1kibit", 1024 },
		{ "10tbit", 10000000000000ULL },
	};
	static const char *const bad[] = {
		"", "999", "0", "20mbitx", ".5mbit", "1..5mbit", "5.mbit", "-1mbit",
		"1e6", "11tbit", "mbit", "20 mbit",
	};
	char buf[HL_FMT_MAX], name[64];
	uint64_t v;
	unsigned int i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(name, sizeof(name), "rate \"%s\"", ok[i].in);
		CHECK(parse_rate(ok[i].in, &v, &e) == 0 && v == ok[i].bps, name,
		      "got %llu (%s)", (unsigned long long)v, e.why);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "rate \"%s\" refused", bad[i]);
		CHECK(parse_rate(bad[i], &v, &e) == -1 && strstr(e.why, "20mbit"), name,
		      "accepted as %llu", (unsigned long long)v);
	}
	CHECK(!strcmp(format_rate(20000000, buf), "20mbit") &&
	      !strcmp(format_rate(1500000, buf), "1500kbit") &&
	      !strcmp(format_rate(1001, buf), "1001bit"),
	      "rates format in the largest exact unit", "got %s", buf);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (parse_rate(ok[i].in, &v, &e) || parse_rate(format_rate(v, buf), &v, &e) ||
		    v != ok[i].bps)
			break;
	}
	CHECK(i == sizeof(ok) / sizeof(ok[0]), "rates round-trip", "\"%s\" did not",
	      i < sizeof(ok) / sizeof(ok[0]) ? ok[i].in : "");
}

int main(int argc, char **argv)
{
	unit_init(argc, argv);
	test_names();
	test_prefixes();
	test_proto_port();
	test_dscp();
	test_priority_mark();
	test_numbers();
	test_probe();
	test_rate();
	return unit_done();
}
