// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of user/output.c: the channel JSON object is exactly the
 * documented shape, and the table is aligned and prints values that the
 * parsers read back as the same channel.
 */
#include <stdlib.h>

#include "output.h"
#include "unit.h"

static struct hl_channel sample(void)
{
	struct hl_channel ch;
	struct parse_error e;

	channel_init(&ch);
	ch.has = HL_HAS_ID | HL_HAS_NAME | HL_HAS_PEER | HL_HAS_HEALTH | HL_HAS_STATS |
		 HL_HAS_PORT | HL_HAS_PROTO;
	ch.id = 1;
	strcpy(ch.name, "cert");
	parse_prefix("198.51.100.0/24", &ch.peer, &e);
	ch.proto = HOTLINE_PROTO_TCP;
	ch.port_min = 1000;
	ch.port_max = 2000;
	ch.mark = 0x10;
	parse_probe("198.51.100.7", 862, &ch.health.probe, &e);
	ch.health.local_port = 862;
	ch.health.interval_ms = 1000;
	ch.health.detect_mult = 3;
	ch.health.keyed = true;
	ch.health.max_loss_pct = 5;
	ch.health.max_rtt_ms = 100;
	ch.stats.rx_packets = 10;
	ch.stats.rx_bytes = 1000;
	ch.stats.tx_packets = 20;
	ch.stats.tx_bytes = 2000;
	return ch;
}

static char *render(const struct hl_channel *chs, size_t n, bool json, bool stats)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	channels_print(f, chs, n, json, stats);
	fclose(f);
	return out;
}

static void test_json(void)
{
	struct hl_channel ch[2];
	struct parse_error e;
	char *out;
	const char *want =
		"[{\"id\":1,\"name\":\"cert\",\"peer\":\"198.51.100.0/24\",\"local\":null,"
		"\"proto\":\"tcp\",\"port\":\"1000-2000\",\"dscp\":46,\"dscp_name\":\"ef\","
		"\"priority\":\"7\",\"mark\":\"0x10\",\"mark_mask\":\"0xffffffff\","
		"\"health\":{\"probe\":\"198.51.100.7:862\",\"probe_port\":862,\"local_port\":862,"
		"\"interval_ms\":1000,\"detect_mult\":3,\"authenticated\":true,"
		"\"max_loss_pct\":5,\"max_rtt_ms\":100},"
		"\"stats\":{\"rx_packets\":10,\"rx_bytes\":1000,\"tx_packets\":20,"
		"\"tx_bytes\":2000},"
		"\"failback_ms\":5000,\"nonrevertive\":false,\"paths\":[],\"active_path\":null,"
		"\"active_since\":null,\"active_since_ns\":0,\"switches\":0},"
		"{\"id\":2,\"name\":\"v6\",\"peer\":\"2001:db8::/48\","
		"\"local\":\"2001:db8:1::/64\",\"proto\":\"any\",\"port\":null,\"dscp\":45,"
		"\"dscp_name\":null,\"priority\":\"1:10\",\"mark\":\"0x0\","
		"\"mark_mask\":\"0xffffffff\",\"health\":null,"
		"\"stats\":{\"rx_packets\":0,\"rx_bytes\":0,\"tx_packets\":0,\"tx_bytes\":0},"
		"\"failback_ms\":5000,\"nonrevertive\":false,\"paths\":[],\"active_path\":null,"
		"\"active_since\":null,\"active_since_ns\":0,\"switches\":0}]\n";

	ch[0] = sample();
	channel_init(&ch[1]);
	ch[1].has = HL_HAS_ID | HL_HAS_NAME | HL_HAS_PEER | HL_HAS_LOCAL;
	ch[1].id = 2;
	strcpy(ch[1].name, "v6");
	parse_prefix("2001:db8::/48", &ch[1].peer, &e);
	parse_prefix("2001:db8:1::/64", &ch[1].local, &e);
	ch[1].dscp = 45;
	ch[1].priority = 0x10010;
	out = render(ch, 2, true, false);
	CHECK(!strcmp(out, want), "channel JSON has the documented shape",
	      "got\n%s", out);
	free(out);
	out = render(ch, 0, true, false);
	CHECK(!strcmp(out, "[]\n"), "no channels print an empty JSON array", "got %s", out);
	free(out);
}

static void test_table(void)
{
	struct hl_channel ch[2];
	struct parse_error e;
	char *out, *line2, *tok, *save;
	struct hl_prefix p;
	uint16_t a, b;
	uint8_t d;
	uint32_t prio, mark, mask;
	const char *want_head =
		"ID  NAME  PEER             LOCAL  PROTO  PORT       DSCP  PRIORITY  MARK  HEALTH\n";

	ch[0] = sample();
	ch[1] = sample();
	ch[1].id = 12;
	strcpy(ch[1].name, "c2");
	out = render(ch, 2, false, false);
	CHECK(!strncmp(out, want_head, strlen(want_head)),
	      "table header is aligned to the widest cell", "got\n%s", out);
	line2 = strchr(out, '\n') + 1;
	CHECK(!strncmp(line2, " 1  cert  198.51.100.0/24  -      tcp    1000-2000  ef    7         0x10  "
		       "probe 198.51.100.7:862 interval 1000 detect-mult 3 max-loss 5 "
		       "max-rtt 100 keyed\n", 150),
	      "table row is aligned, numbers to the right", "got\n%s", line2);
	/* what the table shows, the parsers take back */
	strtok_r(line2, " \n", &save);		/* id */
	strtok_r(NULL, " \n", &save);		/* name */
	tok = strtok_r(NULL, " \n", &save);
	CHECK(parse_prefix(tok, &p, &e) == 0 && !memcmp(&p, &ch[0].peer, sizeof(p)),
	      "table PEER parses back", "%s", tok);
	strtok_r(NULL, " \n", &save);		/* local "-" */
	strtok_r(NULL, " \n", &save);		/* proto */
	tok = strtok_r(NULL, " \n", &save);
	CHECK(parse_port_range(tok, &a, &b, &e) == 0 && a == 1000 && b == 2000,
	      "table PORT parses back", "%s", tok);
	tok = strtok_r(NULL, " \n", &save);
	CHECK(parse_dscp(tok, &d, &e) == 0 && d == 46, "table DSCP parses back", "%s", tok);
	tok = strtok_r(NULL, " \n", &save);
	CHECK(parse_priority(tok, &prio, &e) == 0 && prio == 7,
	      "table PRIORITY parses back", "%s", tok);
	tok = strtok_r(NULL, " \n", &save);
	CHECK(parse_mark(tok, &mark, &mask, &e) == 0 && mark == 0x10 && mask == UINT32_MAX,
	      "table MARK parses back", "%s", tok);
	free(out);

	out = render(ch, 1, false, true);
	CHECK(strstr(out, "RX_PKTS  RX_BYTES  TX_PKTS  TX_BYTES  HEALTH\n") &&
	      strstr(out, "     10      1000       20      2000  probe"),
	      "-s adds right-aligned counters", "got\n%s", out);
	free(out);
	out = render(ch, 1, false, false);
	CHECK(!strstr(out, "RX_PKTS"), "counters only with -s", "got\n%s", out);
	free(out);
	out = render(ch, 0, false, false);
	CHECK(!strcmp(out, "ID  NAME  PEER  LOCAL  PROTO  PORT  DSCP  PRIORITY  MARK  HEALTH\n"),
	      "no channels print the header only", "got\n%s", out);
	free(out);
}

static void test_paths_json(void)
{
	struct parse_error e;
	struct hl_channel ch;
	struct hl_path *p;
	const char *js;
	json_object *o;

	channel_init(&ch);
	ch.has = HL_HAS_ID | HL_HAS_NAME | HL_HAS_PEER | HL_HAS_HEALTH | HL_HAS_PATHS;
	strcpy(ch.name, "cert");
	parse_prefix("198.51.100.0/24", &ch.peer, &e);
	ch.health.has = HL_H_UNAUTH;
	ch.health.probe.port = 862;
	ch.npaths = 1;
	ch.switches = 2;
	p = &ch.paths[0];
	path_init(p);
	strcpy(p->name, "isp-a");
	p->mark = 0x100;
	p->mark_mask = 0xff00;
	parse_path_addr("192.0.2.1", &p->family, &p->local, &e);
	parse_path_probe("198.51.100.1", &p->family, &p->probe, &p->probe_port, &e);
	p->active = true;
	strcpy(ch.active_path, "isp-a");
	o = channel_json(&ch);
	js = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	CHECK(strstr(js, "\"probe\":null") &&
	      strstr(js, "\"paths\":[{\"name\":\"isp-a\",\"pref\":100,\"mark\":\"0x100\","
		     "\"mark_mask\":\"0xff00\",\"local\":\"192.0.2.1\",\"probe\":"
		     "\"198.51.100.1\",\"probe_port\":null,\"interval_ms\":null,") &&
	      strstr(js, "\"active\":true,\"route\":null}]") && strstr(js, "\"active_path\":\"isp-a\"") &&
	      strstr(js, "\"switches\":2") && strstr(js, "\"failback_ms\":5000") &&
	      strstr(js, "\"nonrevertive\":false"),
	      "channel JSON carries paths, the active one and failover settings",
	      "%s", js);
	json_object_put(o);
}

int main(int argc, char **argv)
{
	unit_init(argc, argv);
	test_paths_json();
	test_json();
	test_table();
	return unit_done();
}
