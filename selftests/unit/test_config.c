// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of user/config.c: every error class with its FILE:LINE and
 * message, all errors of a file reported, comments and case, key files,
 * and the round trip print -> parse on generated channel sets.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "key.h"
#include "route.h"
#include "unit.h"

static char dir[] = "/tmp/hotline-conf-XXXXXX";
static char good_key[256], short_key[256];

static size_t parse(const char *text, struct conf *c)
{
	return conf_parse(text, strlen(text), "t.conf", dir, CONF_READ_KEYS, c);
}

static bool has_error(const struct conf *c, const char *want)
{
	size_t i;

	for (i = 0; i < c->nerrors; i++)
		if (!strcmp(c->errors[i], want))
			return true;
	return false;
}

static void errors_print(const struct conf *c)
{
	size_t i;

	for (i = 0; i < c->nerrors; i++)
		printf("    %s\n", c->errors[i]);
}

/* The file gives exactly the one error want (and so no channels). */
static void expect_error(const char *name, const char *text, const char *want)
{
	struct conf c;
	size_t n = parse(text, &c);

	if (!CHECK(n == 1 && c.n == 0 && has_error(&c, want), name,
		   "%zu errors, %zu channels; wanted only \"%s\"", n, c.n, want))
		errors_print(&c);
	conf_free(&c);
}

static void test_errors(void)
{
	char text[1024], want[512];

	expect_error("unknown key", "[Channel a]\nPeer = 192.0.2.1\nColour = red\n",
		     "t.conf:3: unknown key \"Colour\"");
	expect_error("unknown section", "[Peer x]\nPeer = 192.0.2.1\n",
		     "t.conf:1: unknown section \"[Peer x]\": only [Channel NAME], [Path CHANNEL NAME] and [Interface DEV] are known");
	expect_error("key outside a section", "# head\nPeer = 192.0.2.1\n",
		     "t.conf:2: Peer outside a [Channel NAME] section");
	expect_error("bad prefix", "[Channel a]\n\nPeer = 192.0.2.1/24\n",
		     "t.conf:3: invalid Peer \"192.0.2.1/24\": host bits are set; "
		     "the network is 192.0.2.0/24");
	expect_error("duplicate channel",
		     "[Channel a]\nPeer = 192.0.2.1\n[Channel a]\nPeer = 192.0.2.2\n",
		     "t.conf:3: duplicate channel \"a\" (first at line 1)");
	expect_error("duplicate key", "[Channel a]\nPeer = 192.0.2.1\npeer = 192.0.2.2\n",
		     "t.conf:3: duplicate key Peer (first at line 2)");
	expect_error("missing Peer", "\n[Channel a]\nDSCP = ef\n",
		     "t.conf:2: channel \"a\" has no Peer");
	expect_error("key file unreadable",
		     "[Channel a]\nPeer = 192.0.2.1\nProbe = 192.0.2.1\nKeyFile = nope.key\n",
		     "t.conf:4: invalid KeyFile \"nope.key\": cannot open it: "
		     "No such file or directory");
	snprintf(text, sizeof(text),
		 "[Channel a]\nPeer = 192.0.2.1\nProbe = 192.0.2.1\nKeyFile = %s\n",
		 short_key);
	snprintf(want, sizeof(want), "t.conf:4: invalid KeyFile \"%s\": it must hold "
		 "the base64 of a 32-byte key (hotlinectl genkey makes one)", short_key);
	expect_error("key file of the wrong size", text, want);
	chmod(good_key, 0644);
	snprintf(text, sizeof(text),
		 "[Channel a]\nPeer = 192.0.2.1\nProbe = 192.0.2.1\nKeyFile = %s\n",
		 good_key);
	snprintf(want, sizeof(want), "t.conf:4: invalid KeyFile \"%s\": it is open to "
		 "group or others (mode 0644): chmod 600 it", good_key);
	expect_error("key file others can read", text, want);
	chmod(good_key, 0600);
	expect_error("value out of range",
		     "[Channel a]\nPeer = 192.0.2.1\nProbe = 192.0.2.1\n"
		     "Unauthenticated = yes\nInterval = 5\n",
		     "t.conf:5: invalid Interval \"5\": must be a duration of "
		     "10..60000 ms (like 200, 200ms or 2s)");
	expect_error("DSCP out of range", "[Channel a]\nPeer = 192.0.2.1\nDSCP = 64\n",
		     "t.conf:3: invalid DSCP \"64\": must be 0..63 or a name (ef, csN, afNN)");
	expect_error("health key without Probe",
		     "[Channel a]\nPeer = 192.0.2.1\nMaxRTT = 50\n",
		     "t.conf:3: MaxRTT needs Probe (or [Path a NAME] sections)");
	expect_error("Probe without KeyFile or Unauthenticated",
		     "[Channel a]\nPeer = 192.0.2.1\nProbe = 192.0.2.1\n",
		     "t.conf:3: Probe needs KeyFile (see hotlinectl genkey) or "
		     "Unauthenticated = yes");
	expect_error("Unauthenticated = no is not enough",
		     "[Channel a]\nPeer = 192.0.2.1\nProbe = 192.0.2.1\nUnauthenticated = no\n",
		     "t.conf:3: Probe needs KeyFile (see hotlinectl genkey) or "
		     "Unauthenticated = yes");
	snprintf(text, sizeof(text),
		 "[Channel a]\nPeer = 192.0.2.1\nProbe = 192.0.2.1\nKeyFile = %s\n"
		 "Unauthenticated = yes\n", good_key);
	expect_error("KeyFile and Unauthenticated", text,
		     "t.conf:5: KeyFile and Unauthenticated = yes exclude each other");
	expect_error("bad yes/no", "[Channel a]\nPeer = 192.0.2.1\nProbe = 192.0.2.1\n"
		     "Unauthenticated = maybe\n",
		     "t.conf:4: invalid Unauthenticated \"maybe\": must be yes or no");
	expect_error("Port needs a protocol", "[Channel a]\nPeer = 192.0.2.1\nPort = 443\n",
		     "t.conf:3: Port needs Protocol tcp, udp or sctp");
	expect_error("Local of the other family",
		     "[Channel a]\nPeer = 192.0.2.1\nLocal = 2001:db8::/64\n",
		     "t.conf:3: Local and Peer must both be IPv4 or both IPv6");
	expect_error("bad channel name", "[Channel a/b]\nPeer = 192.0.2.1\n",
		     "t.conf:1: invalid channel name \"a/b\": must be 1..31 "
		     "characters of A-Z a-z 0-9 . _ -");
	expect_error("section without a name", "[Channel]\nPeer = 192.0.2.1\n",
		     "t.conf:1: [Channel] needs a name: [Channel NAME]");
	expect_error("header without ]", "[Channel a\nPeer = 192.0.2.1\n",
		     "t.conf:1: section header \"[Channel a\" lacks its ]");
	expect_error("line without =", "[Channel a]\nPeer 192.0.2.1\n",
		     "t.conf:2: expected KEY = VALUE or [Channel NAME], not \"Peer 192.0.2.1\"");
	expect_error("two channels probe one reflector from one port",
		     "[Channel a]\nPeer = 192.0.2.0/24\nProbe = 192.0.2.1\n"
		     "Unauthenticated = yes\n[Channel b]\nPeer = 192.0.2.1\n"
		     "Probe = 192.0.2.1\nLocalPort = 863\nUnauthenticated = yes\n"
		     "[Channel c]\nPeer = 192.0.2.9\nProbe = 192.0.2.1:4\n"
		     "Unauthenticated = yes\n",
		     "t.conf:10: channel \"c\" probes 192.0.2.1 from LocalPort 862 "
		     "like channel \"a\" (line 1): one probe session per address "
		     "and local port");
	expect_error("empty value", "[Channel a]\nPeer = 192.0.2.1\nMark =\n",
		     "t.conf:3: Mark needs a value");
}

/* A NUL inside the text, which strlen-based helpers cannot express. */
static void test_nul(void)
{
	static const char text[] = "[Channel a]\nPeer = 192.0.2.1\0\n";
	struct conf c;
	size_t n = conf_parse(text, sizeof(text) - 1, "t.conf", NULL, 0, &c);

	CHECK(n == 1 && has_error(&c, "t.conf:2: a NUL byte in the line"),
	      "NUL byte in a line", "%zu errors", n);
	conf_free(&c);
}

/*
 * "KeyFile =#k" once read as the key file "#k", which conf_print wrote
 * back as "KeyFile = #k": a comment, so the channel lost its key.
 */
static void test_comment_after_equals(void)
{
	static const char text[] = "[Channel a]\nPeer = 192.0.2.1\n"
				   "Probe = 192.0.2.1\nKeyFile =#k\nMark =;1\n";
	struct conf c;
	size_t n = conf_parse(text, sizeof(text) - 1, "t.conf", NULL, 0, &c);

	CHECK(n == 2 && c.n == 0 && has_error(&c, "t.conf:4: KeyFile needs a value") &&
	      has_error(&c, "t.conf:5: Mark needs a value"),
	      "a # or ; right after = starts a comment", "%zu errors", n);
	if (n != 2)
		errors_print(&c);
	conf_free(&c);
}

static void test_all_errors(void)
{
	static const char text[] =
		"Peer = 192.0.2.9\n"			/* 1 outside */
		"[Channel a]\n"
		"Peer = 192.0.2.1/33\n"			/* 3 bad prefix */
		"Colour = red\n"			/* 4 unknown key */
		"[Channel b]\n"				/* 5 no Peer */
		"DSCP = 99\n"				/* 6 out of range */
		"[Channel a]\n"				/* 7 duplicate */
		"Peer = 192.0.2.7\n";
	struct conf c;
	size_t n = parse(text, &c);

	if (!CHECK(n == 6 && c.n == 0 &&
		   has_error(&c, "t.conf:1: Peer outside a [Channel NAME] section") &&
		   has_error(&c, "t.conf:3: invalid Peer \"192.0.2.1/33\": prefix length "
			     "must be 0..32 for IPv4") &&
		   has_error(&c, "t.conf:4: unknown key \"Colour\"") &&
		   has_error(&c, "t.conf:5: channel \"b\" has no Peer") &&
		   has_error(&c, "t.conf:6: invalid DSCP \"99\": must be 0..63 or a "
			     "name (ef, csN, afNN)") &&
		   has_error(&c, "t.conf:7: duplicate channel \"a\" (first at line 2)"),
		   "every error of a file is reported", "%zu errors", n))
		errors_print(&c);
	conf_free(&c);
}

static void test_syntax(void)
{
	char text[1024];
	struct conf c;
	size_t n;

	snprintf(text, sizeof(text),
		 "# a comment\n"
		 "; another\n"
		 "\n"
		 "   [ channel   cert ]   \r\n"
		 "PEER=198.51.100.0/24   # the CERT's net\n"
		 "\tlocal   =   203.0.113.0/24\n"
		 "protocol = TCP\n"
		 "port = 443-444 ; ranges\n"
		 "dscp = af41\n"
		 "priority = 1:10\n"
		 "MARK = 0x10/0xff\n"
		 "probe = [2001:db8::7]:8620\n"
		 "localport = 863\n"
		 "interval = 2s\n"
		 "detectmult = 5\n"
		 "keyfile = %s\n"
		 "maxloss = 5%%\n"
		 "maxrtt = 150ms\n"
		 "\n"
		 "[Channel v6]\n"
		 "Peer = 2001:db8::1\n"
		 "Probe = 2001:db8::1\n"
		 "Unauthenticated = Yes\n",
		 strrchr(good_key, '/') + 1);
	n = parse(text, &c);
	if (!CHECK(n == 0 && c.n == 2, "comments, blanks, case, whitespace",
		   "%zu errors, %zu channels", n, c.n)) {
		errors_print(&c);
		conf_free(&c);
		return;
	}
	{
		const struct hl_channel *a = &c.v[0].ch, *b = &c.v[1].ch;
		const struct hl_health *h = &a->health;
		char p[HL_FMT_MAX], l[HL_FMT_MAX], pr[HL_FMT_MAX];

		CHECK(!strcmp(a->name, "cert") && c.v[0].line == 4 &&
		      !strcmp(format_prefix(&a->peer, p), "198.51.100.0/24") &&
		      !strcmp(format_prefix(&a->local, l), "203.0.113.0/24") &&
		      a->proto == HOTLINE_PROTO_TCP && a->port_min == 443 &&
		      a->port_max == 444 && a->dscp == 34 && a->priority == 0x10010 &&
		      a->mark == 0x10 && a->mark_mask == 0xff,
		      "values of the first channel", "name %s peer %s local %s",
		      a->name, p, l);
		CHECK((a->has & HL_HAS_HEALTH) && h->keyed && (h->has & HL_H_KEY) &&
		      !strcmp(format_probe(&h->probe, pr), "[2001:db8::7]:8620") &&
		      h->local_port == 863 && h->interval_ms == 2000 &&
		      h->detect_mult == 5 && h->max_loss_pct == 5 &&
		      h->max_rtt_ms == 150 && h->key[0] == 0x01 && h->key[31] == 0x20 &&
		      c.v[0].key_file && !strcmp(c.v[0].key_file, good_key),
		      "health of the first channel, key file relative to the config",
		      "probe %s key file %s", pr, c.v[0].key_file);
		CHECK(!strcmp(b->name, "v6") && (b->has & HL_HAS_HEALTH) &&
		      !b->health.keyed && (b->health.has & HL_H_UNAUTH) &&
		      b->health.probe.port == 862 && b->health.interval_ms == 1000 &&
		      b->health.detect_mult == 3 && b->dscp == 46 && b->priority == 7 &&
		      b->mark == 0 && b->mark_mask == UINT32_MAX && !c.v[1].key_file,
		      "defaults of the second channel", "dscp %u", b->dscp);
	}
	conf_free(&c);

	n = parse("", &c);
	CHECK(n == 0 && c.n == 0, "an empty file is no channels", "%zu", n);
	conf_free(&c);
	n = parse("[Channel a]\nPeer = 192.0.2.1", &c);
	CHECK(n == 0 && c.n == 1, "last line without a newline", "%zu", n);
	conf_free(&c);
}

/* ---- round trip ---- */

static uint32_t rnd(uint32_t n)
{
	return (uint32_t)random() % n;
}

static void random_prefix(struct hl_prefix *p, uint8_t family)
{
	unsigned int bits = family == AF_INET ? 32 : 128, i;

	memset(p, 0, sizeof(*p));
	p->family = family;
	p->len = (uint8_t)rnd(bits + 1);
	for (i = 0; i < bits / 8; i++)
		p->addr.raw[i] = (uint8_t)rnd(256);
	for (i = p->len; i < bits; i++)
		p->addr.raw[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
}

static void random_channel(struct hl_channel *ch, unsigned int i, char **key_file)
{
	uint8_t fam = rnd(2) ? AF_INET : AF_INET6;
	struct hl_health *h = &ch->health;

	channel_init(ch);
	snprintf(ch->name, sizeof(ch->name), "ch-%u.%c", i, 'a' + (int)rnd(26));
	ch->has = HL_HAS_NAME | HL_HAS_PEER | HL_HAS_PROTO | HL_HAS_DSCP |
		  HL_HAS_PRIORITY | HL_HAS_MARK;
	random_prefix(&ch->peer, fam);
	if (rnd(2)) {
		ch->has |= HL_HAS_LOCAL;
		random_prefix(&ch->local, fam);
	}
	ch->proto = (uint8_t)rnd(HOTLINE_PROTO_MAX + 1);
	if ((ch->proto == HOTLINE_PROTO_TCP || ch->proto == HOTLINE_PROTO_UDP ||
	     ch->proto == HOTLINE_PROTO_SCTP) && rnd(2)) {
		ch->has |= HL_HAS_PORT;
		ch->port_min = (uint16_t)(1 + rnd(65535));
		ch->port_max = (uint16_t)(ch->port_min + rnd(65536 - ch->port_min));
	}
	ch->dscp = (uint8_t)rnd(64);
	ch->priority = rnd(2) ? rnd(16) : (uint32_t)random();
	if (rnd(2)) {
		ch->mark_mask = rnd(2) ? UINT32_MAX : (uint32_t)random() | 1;
		ch->mark = (uint32_t)random() & ch->mark_mask;
	}
	*key_file = NULL;
	if (!rnd(2))
		return;
	ch->has |= HL_HAS_HEALTH;
	h->has = HL_H_PROBE | HL_H_LOCAL_PORT | HL_H_INTERVAL | HL_H_DETECT_MULT |
		 HL_H_MAX_LOSS | HL_H_MAX_RTT;
	h->probe.family = rnd(2) ? AF_INET : AF_INET6;
	memset(&h->probe.addr, 0, sizeof(h->probe.addr));
	for (unsigned int j = 0; j < (h->probe.family == AF_INET ? 4u : 16u); j++)
		h->probe.addr.raw[j] = (uint8_t)rnd(256);
	h->probe.port = (uint16_t)(1 + rnd(65535));
	h->local_port = rnd(2) ? HOTLINE_DEFAULT_STAMP_PORT : (uint16_t)(1 + rnd(65535));
	h->interval_ms = HOTLINE_MIN_INTERVAL_MS +
			 rnd(HOTLINE_MAX_INTERVAL_MS - HOTLINE_MIN_INTERVAL_MS + 1);
	h->detect_mult = (uint8_t)(1 + rnd(255));
	h->max_loss_pct = rnd(2) ? 0 : rnd(101);
	h->max_rtt_ms = rnd(2) ? 0 : rnd(3600001);
	if (rnd(2)) {
		h->keyed = true;
		h->has |= HL_H_KEY;
		*key_file = good_key;
	} else {
		h->has |= HL_H_UNAUTH;
	}
}

static void test_round_trip(void)
{
	unsigned int round, fails = 0, total = 0;

	srandom(20240611);
	for (round = 0; round < 300; round++) {
		struct hl_channel chs[8];
		const char *keys[8];
		char *text = NULL;
		size_t len = 0, n = 1 + rnd(8), i;
		FILE *f = open_memstream(&text, &len);
		struct conf c;

		for (i = 0; i < n; i++)
			random_channel(&chs[i], (unsigned int)i, (char **)&keys[i]);
		conf_print(f, chs, keys, n);
		fclose(f);
		total++;
		if (conf_parse(text, len, "gen.conf", NULL, 0, &c) || c.n != n) {
			if (!fails++) {
				printf("    round %u:\n%s", round, text);
				errors_print(&c);
			}
		} else {
			for (i = 0; i < n; i++) {
				bool keyok = !keys[i] ? !c.v[i].key_file :
					     c.v[i].key_file && !strcmp(keys[i], c.v[i].key_file);

				if (!conf_channel_equal(&chs[i], &c.v[i].ch) || !keyok) {
					if (!fails++)
						printf("    round %u channel %zu differs:\n%s",
						       round, i, text);
					break;
				}
			}
		}
		conf_free(&c);
		free(text);
	}
	CHECK(fails == 0, "round trip: 300 generated channel sets print and parse "
	      "back equal", "%u of %u differ", fails, total);
}

static void test_showconf_comment(void)
{
	struct hl_channel ch;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct conf c;
	size_t n;

	channel_init(&ch);
	strcpy(ch.name, "k");
	ch.has = HL_HAS_NAME | HL_HAS_PEER | HL_HAS_HEALTH;
	parse_prefix("192.0.2.0/24", &ch.peer, &(struct parse_error){ 0 });
	parse_probe("192.0.2.1", 862, &ch.health.probe, &(struct parse_error){ 0 });
	ch.health.local_port = 862;
	ch.health.interval_ms = 1000;
	ch.health.detect_mult = 3;
	ch.health.keyed = true;
	conf_print(f, &ch, NULL, 1);
	fclose(f);
	CHECK(strstr(text, "\n# KeyFile = <set: the kernel never returns keys") != NULL,
	      "a keyed channel without its key file prints a KeyFile comment", "%s", text);
	/* and is refused until the key file is named */
	n = conf_parse(text, len, "s.conf", NULL, 0, &c);
	CHECK(n == 1 && has_error(&c, "s.conf:5: Probe needs KeyFile (see hotlinectl "
				  "genkey) or Unauthenticated = yes"),
	      "that output needs its KeyFile before apply takes it", "%zu errors", n);
	conf_free(&c);
	free(text);
}

/* ---- [Interface DEV] ---- */

/* The file gives exactly the one error want, and no interface. */
static void iface_error(const char *name, const char *text, const char *want)
{
	struct conf c;
	size_t n = parse(text, &c);

	if (!CHECK(n == 1 && c.nifs == 0 && c.ifs == NULL && has_error(&c, want), name,
		   "%zu errors, %zu interfaces; wanted only \"%s\"", n, c.nifs, want))
		errors_print(&c);
	conf_free(&c);
}

static void test_iface_accept(void)
{
	const char *text =
		"[Channel a]\nPeer = 192.0.2.1\n\n"
		"[interface wan0]   # case of the word as [Channel]\n"
		"Qdisc = htb\nRate = 100mbit\nGuard = auto\nGuardRate = 20000\n"
		"GuardBytes = 80mbit\n\n"
		"[Interface wan1]\nQdisc = prio\nGuard = enforce\nGuardRate = 10\n"
		"GuardBurst = 3\nGuardBytes = 8kbit\nGuardByteBurst = 1514\n\n"
		"[Interface eth.100]\n"
		"[Interface lan-0]\nQdisc = none\nGuard = none\n";
	const struct conf_iface *f;
	struct conf c;
	size_t n = parse(text, &c);

	if (!CHECK(n == 0 && c.n == 1 && c.nifs == 4, "interfaces: a good file is taken",
		   "%zu errors, %zu channels, %zu interfaces", n, c.n, c.nifs)) {
		errors_print(&c);
		conf_free(&c);
		return;
	}
	f = &c.ifs[0];
	CHECK(!strcmp(f->dev, "wan0") && f->line == 4 && f->qdisc == CONF_QDISC_HTB &&
	      f->rate == 100000000ULL && f->guard && f->guard_mode == GUARD_MODE_AUTO &&
	      f->limits.pps == 20000 && f->limits.pps_burst == 20000 &&
	      f->limits.bps == 10000000 && f->limits.bps_burst == 10000000,
	      "interfaces: htb, rate, guard auto; bursts default to a second's worth",
	      "dev %s line %u qdisc %d rate %llu guard %d mode %d pps %llu/%llu bps %llu/%llu",
	      f->dev, f->line, f->qdisc, (unsigned long long)f->rate, f->guard,
	      f->guard_mode, (unsigned long long)f->limits.pps,
	      (unsigned long long)f->limits.pps_burst, (unsigned long long)f->limits.bps,
	      (unsigned long long)f->limits.bps_burst);
	f = &c.ifs[1];
	CHECK(f->qdisc == CONF_QDISC_PRIO && f->guard && f->guard_mode == GUARD_MODE_ENFORCE &&
	      f->limits.pps == 10 && f->limits.pps_burst == 3 && f->limits.bps == 1000 &&
	      f->limits.bps_burst == 1514,
	      "interfaces: prio, guard enforce with every limit given", "qdisc %d mode %d",
	      f->qdisc, f->guard_mode);
	CHECK(c.ifs[2].qdisc == CONF_QDISC_NONE && !c.ifs[2].guard &&
	      c.ifs[3].qdisc == CONF_QDISC_NONE && !c.ifs[3].guard,
	      "interfaces: an empty section and Qdisc/Guard = none say hotline has nothing there",
	      "qdisc %d guard %d", c.ifs[2].qdisc, c.ifs[2].guard);
	conf_free(&c);
}

static void test_iface_errors(void)
{
	iface_error("interface: unknown key", "[Interface wan0]\nQdisc = prio\nColour = red\n",
		    "t.conf:3: unknown key \"Colour\"");
	iface_error("interface: bad Qdisc", "[Interface wan0]\nQdisc = fq\n",
		    "t.conf:2: invalid Qdisc \"fq\": must be prio, htb or none");
	iface_error("interface: bad Rate", "[Interface wan0]\nQdisc = htb\nRate = fast\n",
		    "t.conf:3: invalid Rate \"fast\": must be a rate of at least 1kbit, "
		    "like 500kbit, 20mbit or 1gbit");
	iface_error("interface: Rate without htb", "[Interface wan0]\nQdisc = prio\nRate = 1mbit\n",
		    "t.conf:3: Rate needs Qdisc = htb (prio and none take no rate)");
	iface_error("interface: Rate without Qdisc", "[Interface wan0]\nRate = 1mbit\n",
		    "t.conf:2: Rate needs Qdisc = htb (prio and none take no rate)");
	iface_error("interface: htb without Rate", "[Interface wan0]\n\nQdisc = htb\n",
		    "t.conf:3: Qdisc = htb needs Rate (the link's rate, like 100mbit)");
	iface_error("interface: bad Guard", "[Interface wan0]\nGuard = on\n",
		    "t.conf:2: invalid Guard \"on\": must be none (no guard) or a guard "
		    "mode: off, monitor, enforce or auto");
	iface_error("interface: GuardRate without Guard", "[Interface wan0]\nGuardRate = 5\n",
		    "t.conf:2: GuardRate needs Guard = off, monitor, enforce or auto");
	iface_error("interface: GuardBytes with Guard = none",
		    "[Interface wan0]\nGuard = none\nGuardBytes = 1mbit\n",
		    "t.conf:3: GuardBytes needs Guard = off, monitor, enforce or auto");
	iface_error("interface: GuardBurst without GuardRate",
		    "[Interface wan0]\nGuard = auto\nGuardBurst = 5\n",
		    "t.conf:3: GuardBurst needs GuardRate");
	iface_error("interface: GuardByteBurst without GuardBytes",
		    "[Interface wan0]\nGuard = auto\nGuardByteBurst = 5\n",
		    "t.conf:3: GuardByteBurst needs GuardBytes");
	iface_error("interface: GuardRate 0", "[Interface wan0]\nGuard = auto\nGuardRate = 0\n",
		    "t.conf:3: invalid GuardRate \"0\": must be a number 1..4294967295");
	iface_error("interface: GuardBurst over the guard's",
		    "[Interface wan0]\nGuard = auto\nGuardRate = 5\nGuardBurst = 4294967295\n",
		    "t.conf:4: invalid GuardBurst \"4294967295\": must be at most 4000000000");
	iface_error("interface: duplicate section",
		    "[Interface wan0]\nQdisc = prio\n\n[Interface wan0]\nQdisc = htb\nRate = 1mbit\n",
		    "t.conf:4: duplicate interface \"wan0\" (first at line 1)");
	iface_error("interface: duplicate key", "[Interface wan0]\nQdisc = prio\nqdisc = htb\n",
		    "t.conf:3: duplicate key Qdisc (first at line 2)");
	iface_error("interface: a device name with /", "[Interface a/b]\n",
		    "t.conf:1: invalid device \"a/b\": must be an interface name (1..15 "
		    "bytes, no / : or spaces)");
	iface_error("interface: a device name too long", "[Interface abcdefghijklmnop]\n",
		    "t.conf:1: invalid device \"abcdefghijklmnop\": must be an interface "
		    "name (1..15 bytes, no / : or spaces)");
	iface_error("interface: a device name with a space", "[Interface wan 0]\n",
		    "t.conf:1: invalid device \"wan 0\": must be an interface name (1..15 "
		    "bytes, no / : or spaces)");
	iface_error("interface: a device name ..", "[Interface ..]\n",
		    "t.conf:1: invalid device \"..\": must be an interface name (1..15 "
		    "bytes, no / : or spaces)");
	iface_error("interface: no device", "[Interface]\nQdisc = prio\n",
		    "t.conf:1: [Interface] needs a device: [Interface DEV]");
	iface_error("interface: a channel key", "[Interface wan0]\nPeer = 192.0.2.1\n",
		    "t.conf:2: Peer is not a key of an [Interface DEV] section");
	iface_error("interface: its key in a channel",
		    "[Channel a]\nPeer = 192.0.2.1\nQdisc = prio\n",
		    "t.conf:3: Qdisc belongs in an [Interface DEV] section");
	iface_error("interface: its key outside a section", "Guard = auto\n",
		    "t.conf:1: Guard outside an [Interface DEV] section");
	iface_error("interface: a channel's error leaves no interface",
		    "[Channel a]\nPeer = 192.0.2.1/8\n[Interface wan0]\nQdisc = prio\n",
		    "t.conf:2: invalid Peer \"192.0.2.1/8\": host bits are set; the network "
		    "is 192.0.0.0/8");
}

/* What conf_print_ifaces() writes parses back equal, defaults left out. */
static void test_iface_round_trip(void)
{
	struct conf_iface v[4];
	unsigned int round, fails = 0;

	srandom(20261203);
	for (round = 0; round < 200; round++) {
		char *text = NULL;
		size_t len = 0, n = 1 + rnd(4), i;
		FILE *f = open_memstream(&text, &len);
		struct conf c;

		memset(v, 0, sizeof(v));
		for (i = 0; i < n; i++) {
			snprintf(v[i].dev, sizeof(v[i].dev), "eth%zu", i);
			v[i].qdisc = (enum conf_qdisc)rnd(3);
			if (v[i].qdisc == CONF_QDISC_HTB)
				v[i].rate = 8000ULL * (1 + rnd(1000000));
			v[i].guard = rnd(2);
			v[i].guard_mode = (enum guard_mode)rnd(4);
			if (v[i].guard && rnd(2)) {
				v[i].limits.pps = 1 + rnd(100000);
				v[i].limits.pps_burst = rnd(2) ? 1 + rnd(1000) :
					conf_guard_burst(v[i].limits.pps);
			}
			if (v[i].guard && rnd(2)) {
				v[i].limits.bps = 125 * (1 + rnd(100000));
				v[i].limits.bps_burst = rnd(2) ? 1514 + rnd(100000) :
					conf_guard_burst(v[i].limits.bps);
			}
			if (!v[i].guard)
				v[i].guard_mode = GUARD_MODE_OFF;
		}
		conf_print_ifaces(f, v, n, false);
		fclose(f);
		if (conf_parse(text, len, "gen.conf", NULL, 0, &c) || c.nifs != n) {
			if (!fails++) {
				printf("    round %u:\n%s", round, text);
				errors_print(&c);
			}
		} else {
			for (i = 0; i < n; i++) {
				if (!conf_iface_equal(&v[i], &c.ifs[i])) {
					if (!fails++)
						printf("    round %u interface %zu differs:\n%s",
						       round, i, text);
					break;
				}
			}
		}
		conf_free(&c);
		free(text);
	}
	CHECK(fails == 0, "interfaces: 200 generated sets print and parse back equal",
	      "%u of 200 differ", fails);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	chmod(path, 0600);
}

static const char paths_conf[] =
	"[Channel cert]\n"			/* 1 */
	"Peer = 198.51.100.0/24\n"
	"Unauthenticated = yes\n"
	"Interval = 20ms\n"
	"FailbackHold = 7s        # 0..600s\n"	/* 5 */
	"Revertive = no\n"
	"\n"
	"[Path cert isp-a]\n"			/* 8 */
	"Local = 192.0.2.1\n"
	"Probe = 198.51.100.1\n"
	"Mark = 0x100/0xff00\n"
	"Preference = 10\n"
	"\n"
	"[Path cert isp-b]\n"			/* 14 */
	"Local = 203.0.113.1\n"
	"Probe = 198.51.100.2:9000\n"
	"Mark = 0x200/0xff00\n"
	"Preference = 20\n"
	"Interval = 50\n"
	"MaxLoss = 10\n";

static void test_paths(void)
{
	struct conf c, back;
	char *text = NULL;
	size_t len = 0, n;
	FILE *f;
	const struct hl_channel *ch;

	n = parse(paths_conf, &c);
	if (!CHECK(n == 0 && c.n == 1, "a channel with two path sections parses",
		   "%zu errors", n)) {
		errors_print(&c);
		conf_free(&c);
		return;
	}
	ch = &c.v[0].ch;
	CHECK((ch->has & (HL_HAS_HEALTH | HL_HAS_PATHS)) == (HL_HAS_HEALTH | HL_HAS_PATHS) &&
	      !(ch->health.has & HL_H_PROBE) && (ch->health.has & HL_H_UNAUTH) &&
	      ch->health.interval_ms == 20 && ch->failback_ms == 7000 &&
	      ch->nonrevertive && ch->npaths == 2,
	      "the channel gets its paths, FailbackHold and Revertive",
	      "%u paths, failback %u", ch->npaths, ch->failback_ms);
	CHECK(!strcmp(ch->paths[0].name, "isp-a") && ch->paths[0].pref == 10 &&
	      ch->paths[0].mark == 0x100 && ch->paths[0].mark_mask == 0xff00 &&
	      !(ch->paths[0].has & HL_P_OVERRIDES) &&
	      !strcmp(ch->paths[1].name, "isp-b") && ch->paths[1].probe_port == 9000 &&
	      (ch->paths[1].has & HL_P_OVERRIDES) ==
	      (HL_P_PROBE_PORT | HL_P_INTERVAL | HL_P_MAX_LOSS) &&
	      ch->paths[1].interval_ms == 50 && ch->paths[1].max_loss_pct == 10,
	      "path keys, with overrides only where given", "%s", ch->paths[1].name);

	f = open_memstream(&text, &len);
	conf_print(f, ch, NULL, 1);
	fclose(f);
	CHECK(strstr(text, "\n[Path cert isp-a]\nLocal = 192.0.2.1\nProbe = 198.51.100.1\n"
		     "Mark = 0x100/0xff00\nPreference = 10\n") &&
	      strstr(text, "Probe = 198.51.100.2:9000\n") &&
	      strstr(text, "FailbackHold = 7s\nRevertive = no\n") &&
	      !strstr(text, "\nProbe = ::"),
	      "showconf prints paths as their own sections", "%s", text);
	n = conf_parse(text, len, "s.conf", NULL, 0, &back);
	CHECK(n == 0 && back.n == 1 && conf_channel_equal(ch, &back.v[0].ch),
	      "paths: print then parse gives the channel back", "%zu errors", n);
	conf_free(&back);
	/* a change on one path is a difference */
	c.v[0].ch.paths[1].has &= ~HL_P_MAX_LOSS;
	n = conf_parse(text, len, "s.conf", NULL, 0, &back);
	CHECK(n == 0 && !conf_channel_equal(&c.v[0].ch, &back.v[0].ch),
	      "an override dropped from one path makes the channels differ", "%zu", n);
	back.v[0].ch.paths[1].has &= ~HL_P_MAX_LOSS;
	back.v[0].ch.failback_ms = 1;
	CHECK(!conf_channel_equal(&c.v[0].ch, &back.v[0].ch),
	      "FailbackHold is compared", "equal");
	conf_free(&back);
	free(text);
	conf_free(&c);
}

/* Via, Device and Table: hotlinectl's own routing of a path. */
static void test_path_routes(void)
{
	static const char routed[] =
		"[Channel c]\nPeer = 2001:db8:b::/48\nUnauthenticated = yes\n"
		"[Path c a]\nLocal = 2001:db8:1::1\nProbe = 2001:db8:b::1\nMark = 0x100/0xff00\n"
		"Device = wan0\nVia = fe80::1\n"
		"[Path c b]\nLocal = 2001:db8:2::1\nProbe = 2001:db8:b::2\nMark = 0x200/0xff00\n"
		"Device = tun1\nTable = 4000\n";
	const struct hl_path *a, *b;
	struct conf c, back;
	char *text = NULL;
	size_t len = 0, n;
	FILE *f;

	n = parse(routed, &c);
	if (!CHECK(n == 0 && c.n == 1 && c.v[0].ch.npaths == 2,
		   "paths with Device, Via and Table parse", "%zu errors", n)) {
		errors_print(&c);
		conf_free(&c);
		return;
	}
	a = &c.v[0].ch.paths[0];
	b = &c.v[0].ch.paths[1];
	CHECK(a->has_route && a->has_via && !strcmp(a->dev, "wan0") && !a->table &&
	      path_route_table(a) == 0x100 && a->via.raw[0] == 0xfe &&
	      b->has_route && !b->has_via && !strcmp(b->dev, "tun1") &&
	      path_route_table(b) == 4000,
	      "the route of each path: device, next hop, table (the mark by default)",
	      "a table %u, b table %u", path_route_table(a), path_route_table(b));
	f = open_memstream(&text, &len);
	conf_print(f, &c.v[0].ch, NULL, 1);
	fclose(f);
	CHECK(strstr(text, "Via = fe80::1\nDevice = wan0\n") &&
	      strstr(text, "Device = tun1\nTable = 4000\n") &&
	      !strstr(text, "Table = 256"),
	      "showconf prints the routes, Table only when not the mark's", "%s", text);
	n = conf_parse(text, len, "s.conf", NULL, 0, &back);
	CHECK(n == 0 && back.n == 1 && conf_channel_equal(&c.v[0].ch, &back.v[0].ch),
	      "routes: print then parse gives the paths back", "%zu errors", n);
	back.v[0].ch.paths[0].has_via = false;
	CHECK(!conf_channel_equal(&c.v[0].ch, &back.v[0].ch),
	      "a dropped Via makes the channels differ", "equal");
	conf_free(&back);
	free(text);
	conf_free(&c);
}

/* The text of paths_conf with one line replaced (1-based) or appended. */
static void path_error(const char *name, unsigned int line, const char *repl,
		       const char *want)
{
	char text[2048] = "";
	const char *p = paths_conf;
	unsigned int l = 1;

	while (*p) {
		const char *nl = strchr(p, '\n');

		if (l == line)
			strcat(text, repl);
		else
			strncat(text, p, (size_t)(nl - p + 1));
		p = nl + 1;
		l++;
	}
	if (line >= l)
		strcat(text, repl);
	expect_error(name, text, want);
}

/* name, line of paths_conf replaced, its replacement, the error wanted */
static const struct path_case {
	const char *name;
	unsigned int line;
	const char *repl, *want;
} path_errors[] = {
	{ "a path of no channel", 8, "[Path cret isp-a]\n",
	  "t.conf:8: path \"isp-a\": there is no [Channel cret] in this file" },
	{ "a path section without a path name", 8, "[Path cert]\n",
	  "t.conf:8: a path section is [Path CHANNEL NAME]" },
	{ "a path name too long", 8, "[Path cert a-path-name-too-long]\n",
	  "t.conf:8: invalid path name \"a-path-name-too-long\": must be "
	  "1..15 characters of A-Z a-z 0-9 . _ -" },
	{ "a path named twice", 14, "[Path cert isp-a]\n",
	  "t.conf:14: duplicate path \"isp-a\" of channel \"cert\" (first at line 8)" },
	{ "a path without Local", 9, "\n",
	  "t.conf:8: path \"isp-a\" of channel \"cert\" has no Local" },
	{ "a path's Local a prefix", 9, "Local = 192.0.2.0/24\n",
	  "t.conf:9: invalid Local \"192.0.2.0/24\": must be an address, not a prefix" },
	{ "a path of two families", 10, "Probe = 2001:db8::1\n",
	  "t.conf:10: Local and Probe must both be IPv4 or both IPv6" },
	{ "two paths with one mark", 17, "Mark = 0x100/0xff00\n",
	  "t.conf:14: paths \"isp-a\" and \"isp-b\" have the same mark under "
	  "their common mask" },
	{ "a path mark 0", 11, "Mark = 0/0xff00\n",
	  "t.conf:11: path \"isp-a\": mark 0 (the mark of no path)" },
	{ "a channel key in a path section", 12, "DSCP = ef\n",
	  "t.conf:12: DSCP is not a key of a [Path CHANNEL NAME] section" },
	{ "Preference in a channel section", 6, "Preference = 1\n",
	  "t.conf:6: Preference belongs in a [Path CHANNEL NAME] section" },
	{ "a Probe besides paths", 6, "Probe = 198.51.100.9\n",
	  "t.conf:6: a channel with paths has no Probe of its own: each "
	  "[Path cert NAME] has its Probe" },
	{ "paths need a key or unauthenticated", 3, "\n",
	  "t.conf:1: a channel with paths needs KeyFile (see hotlinectl genkey) "
	  "or Unauthenticated = yes" },
	{ "FailbackHold beyond 600 s", 5, "FailbackHold = 601s\n",
	  "t.conf:5: invalid FailbackHold \"601s\": must be a duration of "
	  "0..600000 ms (like 200, 200ms or 2s)" },
	{ "Revertive not a yes or no", 6, "Revertive = maybe\n",
	  "t.conf:6: invalid Revertive \"maybe\": must be yes or no" },
	{ "a path's Preference beyond 255", 12, "Preference = 256\n",
	  "t.conf:12: invalid Preference \"256\": must be a number 0..255" },
	{ "Via without Device", 12, "Via = 192.0.2.254\n",
	  "t.conf:12: Via needs Device: the path's route is installed only "
	  "with its device" },
	{ "Table without Device", 12, "Table = 100\n",
	  "t.conf:12: Table needs Device: the path's route is installed only "
	  "with its device" },
	{ "Via of the other family", 12, "Device = wan0\nVia = 2001:db8::1\n",
	  "t.conf:13: Via must be of the path's address family (its Local's)" },
	{ "a Device name with a slash", 12, "Device = a/b\n",
	  "t.conf:12: invalid Device \"a/b\": must be a device name (1..15 "
	  "bytes, no / : or spaces)" },
	{ "the main table", 12, "Device = wan0\nTable = 254\n",
	  "t.conf:13: invalid Table \"254\": tables 253 (default), 254 (main) "
	  "and 255 (local) are the kernel's own" },
	{ "a mark that is a kernel table", 11,
	  "Mark = 0xfe/0xff\nDevice = wan0\n",
	  "t.conf:11: path \"isp-a\": its table 254 (the path's mark, when no "
	  "Table is given): tables 253 (default), 254 (main) and 255 (local) "
	  "are the kernel's own" },
};

static void test_path_errors(void)
{
	const struct path_case *pc;

	for (pc = path_errors; pc < path_errors + sizeof(path_errors) / sizeof(path_errors[0]); pc++)
		path_error(pc->name, pc->line, pc->repl, pc->want);
	{
		struct conf c;
		char text[2048];
		size_t n;

		snprintf(text, sizeof(text), "%s", paths_conf);
		memcpy(strstr(text, "198.51.100.0/24"), "2001:db8::/32  ", 15);
		n = parse(text, &c);
		CHECK(n == 2 && has_error(&c, "t.conf:8: path \"isp-a\" is not of the "
					  "peer's address family") &&
		      has_error(&c, "t.conf:14: path \"isp-b\" is not of the peer's "
				"address family"),
		      "paths of the other family than the peer, each said", "%zu", n);
		conf_free(&c);
	}
	expect_error("FailbackHold without paths",
		     "[Channel a]\nPeer = 192.0.2.1\nFailbackHold = 1s\n",
		     "t.conf:3: FailbackHold needs [Path a NAME] sections");
	{
		char text[4096];
		int i, off = snprintf(text, sizeof(text), "%s", paths_conf);

		for (i = 0; i < 7; i++)
			off += snprintf(text + off, sizeof(text) - (size_t)off,
					"[Path cert p%d]\nLocal = 192.0.2.%d\nProbe = 198.51.100.1\n"
					"Mark = 0x%x/0xff00\n", i, 10 + i, 0x300 + 0x100 * i);
		expect_error("nine paths", text,
			     "t.conf:45: channel \"cert\" has more than 8 paths");
	}
}

int main(int argc, char **argv)
{
	uint8_t raw[HOTLINE_KEY_LEN];
	char b64[KEY_B64_LEN + 2], cmd[64];
	int ret, i;

	unit_init(argc, argv);
	test_paths();
	test_path_routes();
	test_path_errors();
	if (!mkdtemp(dir)) {
		printf("FAIL: config tests: cannot make a temporary directory\n");
		return 1;
	}
	for (i = 0; i < HOTLINE_KEY_LEN; i++)
		raw[i] = (uint8_t)(i + 1);
	base64_encode(raw, sizeof(raw), b64);
	strcat(b64, "\n");
	snprintf(good_key, sizeof(good_key), "%s/good.key", dir);
	snprintf(short_key, sizeof(short_key), "%s/short.key", dir);
	write_file(good_key, b64);
	write_file(short_key, "AAAA\n");

	test_errors();
	test_nul();
	test_all_errors();
	test_syntax();
	test_comment_after_equals();
	test_round_trip();
	test_showconf_comment();
	test_iface_accept();
	test_iface_errors();
	test_iface_round_trip();
	ret = unit_done();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		printf("FAIL: config tests: cannot remove %s\n", dir);
	return ret;
}
