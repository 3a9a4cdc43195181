// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of `stats --prometheus` (user/prometheus.c): the exposition
 * of a fixed set of channels compared with the expected text, and the
 * format's rules checked on it independently: HELP and TYPE once per
 * family and before its samples, families contiguous, counters named
 * _total, every sample labelled channel and peer, label values escaped.
 */
#include <arpa/inet.h>
#include <stdlib.h>

#include "prometheus.h"
#include "status.h"
#include "unit.h"

static void channels(struct hl_channel ch[3])
{
	struct parse_error e;

	channel_init(&ch[0]);
	ch[0].has = HL_HAS_ID | HL_HAS_NAME | HL_HAS_PEER | HL_HAS_STATS |
		    HL_HAS_HEALTH | HL_HAS_STATUS;
	ch[0].id = 1;
	strcpy(ch[0].name, "cert");
	parse_prefix("198.51.100.0/24", &ch[0].peer, &e);
	ch[0].stats = (struct hl_stats){ 11, 1100, 22, 2200 };
	parse_probe("198.51.100.7", 862, &ch[0].health.probe, &e);
	ch[0].status = (struct hl_status){
		.state = HOTLINE_STATE_UP, .since_ns = 1764195212123456789ULL,
		.flaps = 2, .probes_sent = 100, .probes_recv = 99, .lost = 1,
		.duplicates = 0, .reordered = 3, .late = 0, .auth_failures = 4,
		.malformed = 5, .reflected = 98, .reflect_limited = 7, .rtt_min = 1000000,
		.rtt_max = 25000000, .rtt_mean = 2500000, .rtt_p50 = 2000000,
		.rtt_p90 = 12345678, .rtt_p99 = 20000001, .jitter = 1500,
		.loss_ppm = 10000, .window = 100, .silence_ns = 31250000,
	};

	channel_init(&ch[1]);
	ch[1].has = HL_HAS_ID | HL_HAS_NAME | HL_HAS_PEER | HL_HAS_STATS;
	ch[1].id = 2;
	strcpy(ch[1].name, "gov.backup-1");
	parse_prefix("2001:db8::/48", &ch[1].peer, &e);
	ch[1].stats = (struct hl_stats){ 0, 0, 18446744073709551615ULL, 1 };

	channel_init(&ch[2]);
	ch[2].has = HL_HAS_ID | HL_HAS_NAME | HL_HAS_PEER | HL_HAS_STATS |
		    HL_HAS_HEALTH | HL_HAS_STATUS;
	ch[2].id = 3;
	strcpy(ch[2].name, "B_2");
	parse_prefix("2001:db8:ffff::1/128", &ch[2].peer, &e);
	parse_probe("[2001:db8:ffff::1]:9000", 862, &ch[2].health.probe, &e);
	ch[2].status = (struct hl_status){ .state = HOTLINE_STATE_DOWN,
					   .diag = HOTLINE_DIAG_DETECT_EXPIRED,
					   .loss_ppm = 1000000 };
}

static const char expected[] =
"# HELP hotline_channel_rx_packets_total Packets received from the channel's peer.\n"
"# TYPE hotline_channel_rx_packets_total counter\n"
"hotline_channel_rx_packets_total{channel=\"cert\",peer=\"198.51.100.0/24\"} 11\n"
"hotline_channel_rx_packets_total{channel=\"gov.backup-1\",peer=\"2001:db8::/48\"} 0\n"
"hotline_channel_rx_packets_total{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n"
"# HELP hotline_channel_rx_bytes_total Bytes (IP header onward) received from the channel's peer.\n"
"# TYPE hotline_channel_rx_bytes_total counter\n"
"hotline_channel_rx_bytes_total{channel=\"cert\",peer=\"198.51.100.0/24\"} 1100\n"
"hotline_channel_rx_bytes_total{channel=\"gov.backup-1\",peer=\"2001:db8::/48\"} 0\n"
"hotline_channel_rx_bytes_total{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n"
"# HELP hotline_channel_tx_packets_total Packets sent to the channel's peer.\n"
"# TYPE hotline_channel_tx_packets_total counter\n"
"hotline_channel_tx_packets_total{channel=\"cert\",peer=\"198.51.100.0/24\"} 22\n"
"hotline_channel_tx_packets_total{channel=\"gov.backup-1\",peer=\"2001:db8::/48\"} 18446744073709551615\n"
"hotline_channel_tx_packets_total{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n"
"# HELP hotline_channel_tx_bytes_total Bytes (IP header onward) sent to the channel's peer.\n"
"# TYPE hotline_channel_tx_bytes_total counter\n"
"hotline_channel_tx_bytes_total{channel=\"cert\",peer=\"198.51.100.0/24\"} 2200\n"
"hotline_channel_tx_bytes_total{channel=\"gov.backup-1\",peer=\"2001:db8::/48\"} 1\n"
"hotline_channel_tx_bytes_total{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n"
"# HELP hotline_health_state Health state: 1 for the current state, 0 for the others.\n"
"# TYPE hotline_health_state gauge\n"
"hotline_health_state{channel=\"cert\",peer=\"198.51.100.0/24\",state=\"admin-down\"} 0\n"
"hotline_health_state{channel=\"cert\",peer=\"198.51.100.0/24\",state=\"down\"} 0\n"
"hotline_health_state{channel=\"cert\",peer=\"198.51.100.0/24\",state=\"init\"} 0\n"
"hotline_health_state{channel=\"cert\",peer=\"198.51.100.0/24\",state=\"up\"} 1\n"
"hotline_health_state{channel=\"cert\",peer=\"198.51.100.0/24\",state=\"degraded\"} 0\n"
"hotline_health_state{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\",state=\"admin-down\"} 0\n"
"hotline_health_state{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\",state=\"down\"} 1\n"
"hotline_health_state{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\",state=\"init\"} 0\n"
"hotline_health_state{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\",state=\"up\"} 0\n"
"hotline_health_state{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\",state=\"degraded\"} 0\n"
"# HELP hotline_health_rtt_seconds Probe round-trip time quantiles over the window.\n"
"# TYPE hotline_health_rtt_seconds gauge\n"
"hotline_health_rtt_seconds{channel=\"cert\",peer=\"198.51.100.0/24\",quantile=\"0.5\"} 0.002\n"
"hotline_health_rtt_seconds{channel=\"cert\",peer=\"198.51.100.0/24\",quantile=\"0.9\"} 0.012345678\n"
"hotline_health_rtt_seconds{channel=\"cert\",peer=\"198.51.100.0/24\",quantile=\"0.99\"} 0.020000001\n"
"hotline_health_rtt_seconds{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\",quantile=\"0.5\"} 0\n"
"hotline_health_rtt_seconds{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\",quantile=\"0.9\"} 0\n"
"hotline_health_rtt_seconds{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\",quantile=\"0.99\"} 0\n"
"# HELP hotline_health_rtt_min_seconds Smallest probe round-trip time over the window.\n"
"# TYPE hotline_health_rtt_min_seconds gauge\n"
"hotline_health_rtt_min_seconds{channel=\"cert\",peer=\"198.51.100.0/24\"} 0.001\n"
"hotline_health_rtt_min_seconds{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n"
"# HELP hotline_health_rtt_max_seconds Largest probe round-trip time over the window.\n"
"# TYPE hotline_health_rtt_max_seconds gauge\n"
"hotline_health_rtt_max_seconds{channel=\"cert\",peer=\"198.51.100.0/24\"} 0.025\n"
"hotline_health_rtt_max_seconds{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n"
"# HELP hotline_health_rtt_mean_seconds Mean probe round-trip time over the window.\n"
"# TYPE hotline_health_rtt_mean_seconds gauge\n"
"hotline_health_rtt_mean_seconds{channel=\"cert\",peer=\"198.51.100.0/24\"} 0.0025\n"
"hotline_health_rtt_mean_seconds{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n"
"# HELP hotline_health_jitter_seconds Round-trip jitter (RFC 3550 estimator).\n"
"# TYPE hotline_health_jitter_seconds gauge\n"
"hotline_health_jitter_seconds{channel=\"cert\",peer=\"198.51.100.0/24\"} 0.0000015\n"
"hotline_health_jitter_seconds{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n"
"# HELP hotline_health_loss_ratio Fraction of probes lost over the window (0..1).\n"
"# TYPE hotline_health_loss_ratio gauge\n"
"hotline_health_loss_ratio{channel=\"cert\",peer=\"198.51.100.0/24\"} 0.01\n"
"hotline_health_loss_ratio{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 1\n"
"# HELP hotline_health_probes_sent_total Health probes sent.\n"
"# TYPE hotline_health_probes_sent_total counter\n"
"hotline_health_probes_sent_total{channel=\"cert\",peer=\"198.51.100.0/24\"} 100\n"
"hotline_health_probes_sent_total{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n"
"# HELP hotline_health_probes_received_total Valid replies to health probes.\n"
"# TYPE hotline_health_probes_received_total counter\n"
"hotline_health_probes_received_total{channel=\"cert\",peer=\"198.51.100.0/24\"} 99\n"
"hotline_health_probes_received_total{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n"
"# HELP hotline_health_probes_lost_total Health probes never answered.\n"
"# TYPE hotline_health_probes_lost_total counter\n"
"hotline_health_probes_lost_total{channel=\"cert\",peer=\"198.51.100.0/24\"} 1\n"
"hotline_health_probes_lost_total{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n"
"# HELP hotline_health_probes_duplicate_total Duplicate replies to health probes.\n"
"# TYPE hotline_health_probes_duplicate_total counter\n"
"hotline_health_probes_duplicate_total{channel=\"cert\",peer=\"198.51.100.0/24\"} 0\n"
"hotline_health_probes_duplicate_total{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n"
"# HELP hotline_health_probes_reordered_total Replies to health probes that arrived out of order.\n"
"# TYPE hotline_health_probes_reordered_total counter\n"
"hotline_health_probes_reordered_total{channel=\"cert\",peer=\"198.51.100.0/24\"} 3\n"
"hotline_health_probes_reordered_total{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n"
"# HELP hotline_health_probes_late_total Replies that arrived after the detection time.\n"
"# TYPE hotline_health_probes_late_total counter\n"
"hotline_health_probes_late_total{channel=\"cert\",peer=\"198.51.100.0/24\"} 0\n"
"hotline_health_probes_late_total{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n"
"# HELP hotline_health_probes_malformed_total Malformed health probe packets.\n"
"# TYPE hotline_health_probes_malformed_total counter\n"
"hotline_health_probes_malformed_total{channel=\"cert\",peer=\"198.51.100.0/24\"} 5\n"
"hotline_health_probes_malformed_total{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n"
"# HELP hotline_health_auth_failures_total Health probe packets that failed authentication.\n"
"# TYPE hotline_health_auth_failures_total counter\n"
"hotline_health_auth_failures_total{channel=\"cert\",peer=\"198.51.100.0/24\"} 4\n"
"hotline_health_auth_failures_total{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n"
"# HELP hotline_health_reflected_total The peer's test packets reflected.\n"
"# TYPE hotline_health_reflected_total counter\n"
"hotline_health_reflected_total{channel=\"cert\",peer=\"198.51.100.0/24\"} 98\n"
"hotline_health_reflected_total{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n"
"# HELP hotline_health_reflect_limited_total The peer's test packets not reflected: over the reflector's rate.\n"
"# TYPE hotline_health_reflect_limited_total counter\n"
"hotline_health_reflect_limited_total{channel=\"cert\",peer=\"198.51.100.0/24\"} 7\n"
"hotline_health_reflect_limited_total{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n"
"# HELP hotline_health_transitions_total Health state changes.\n"
"# TYPE hotline_health_transitions_total counter\n"
"hotline_health_transitions_total{channel=\"cert\",peer=\"198.51.100.0/24\"} 2\n"
"hotline_health_transitions_total{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n"
"# HELP hotline_health_last_change_timestamp_seconds Unix time of the last health state change.\n"
"# TYPE hotline_health_last_change_timestamp_seconds gauge\n"
"hotline_health_last_change_timestamp_seconds{channel=\"cert\",peer=\"198.51.100.0/24\"} 1764195212.123456789\n"
"hotline_health_last_change_timestamp_seconds{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n"
"# HELP hotline_health_down_silence_seconds How long no valid reply had come at the last down: the detection time, up to one interval more, and how late the host noticed.\n"
"# TYPE hotline_health_down_silence_seconds gauge\n"
"hotline_health_down_silence_seconds{channel=\"cert\",peer=\"198.51.100.0/24\"} 0.03125\n"
"hotline_health_down_silence_seconds{channel=\"B_2\",peer=\"2001:db8:ffff::1/128\"} 0\n";

static char *render(const struct hl_channel *ch, size_t n)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		abort();
	prometheus_write(f, ch, n);
	fclose(f);
	return out;
}

/* The first line where a and b differ, for a readable failure. */
static void first_diff(const char *a, const char *b, char *why, size_t len)
{
	unsigned int line = 1;

	while (*a && *a == *b) {
		if (*a == '\n')
			line++;
		a++;
		b++;
	}
	snprintf(why, len, "line %u: got \"%.80s\"", line, a);
}

/* Checks the exposition's rules on any text; returns NULL or why not. */
static const char *lint(char *text, char *why, size_t len)
{
	char seen[64][80];
	char cur[80] = "";
	size_t nseen = 0, i;
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[80], type[16];

		if (sscanf(line, "# TYPE %79s %15s", name, type) == 2) {
			for (i = 0; i < nseen; i++)
				if (!strcmp(seen[i], name)) {
					snprintf(why, len, "TYPE %s twice", name);
					return why;
				}
			if (nseen == 64)
				return "too many families";
			strcpy(seen[nseen++], name);
			strcpy(cur, name);
			if (!strcmp(type, "counter") !=
			    (strlen(name) > 6 && !strcmp(name + strlen(name) - 6, "_total"))) {
				snprintf(why, len, "%s: counters, and only they, end in _total",
					 name);
				return why;
			}
			if (strncmp(name, "hotline_", 8)) {
				snprintf(why, len, "%s is not under hotline_", name);
				return why;
			}
			continue;
		}
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%79[^{ ]", name) != 1 || strcmp(name, cur)) {
			snprintf(why, len, "sample outside its family: %.80s", line);
			return why;
		}
		if (!strstr(line, "{channel=\"") || !strstr(line, "\",peer=\"")) {
			snprintf(why, len, "sample without channel and peer: %.80s", line);
			return why;
		}
	}
	return NULL;
}

/* A channel whose traffic takes its backup path. */
static void test_paths(void)
{
	struct hl_channel ch;
	struct parse_error e;
	char why[256], *out;
	const char *bad;

	channel_init(&ch);
	ch.has = HL_HAS_ID | HL_HAS_NAME | HL_HAS_PEER | HL_HAS_STATS | HL_HAS_HEALTH |
		 HL_HAS_STATUS | HL_HAS_PATHS | HL_HAS_ACTIVE;
	strcpy(ch.name, "cert");
	parse_prefix("198.51.100.0/24", &ch.peer, &e);
	ch.npaths = 2;
	ch.switches = 3;
	path_init(&ch.paths[0]);
	path_init(&ch.paths[1]);
	strcpy(ch.paths[0].name, "isp-a");
	strcpy(ch.paths[1].name, "isp-b");
	ch.paths[0].has = ch.paths[1].has = HL_P_STATUS;
	ch.paths[0].status = (struct hl_status){ .state = HOTLINE_STATE_DOWN,
						 .loss_ppm = 1000000, .lost = 9 };
	ch.paths[1].status = (struct hl_status){ .state = HOTLINE_STATE_UP,
						 .rtt_p50 = 12500000 };
	ch.paths[1].active = true;
	strcpy(ch.active_path, "isp-b");
	ch.status = ch.paths[1].status;

	out = render(&ch, 1);
	CHECK(strstr(out, "hotline_path_state{channel=\"cert\",peer=\"198.51.100.0/24\","
		     "path=\"isp-a\",state=\"down\"} 1\n") &&
	      strstr(out, "hotline_path_rtt_seconds{channel=\"cert\",peer=\"198.51.100.0/24\","
		     "path=\"isp-b\",quantile=\"0.5\"} 0.0125\n") &&
	      strstr(out, "hotline_path_loss_ratio{channel=\"cert\",peer=\"198.51.100.0/24\","
		     "path=\"isp-a\"} 1\n") &&
	      strstr(out, "hotline_path_probes_lost_total{channel=\"cert\",peer=\"198.51.100.0/24\","
		     "path=\"isp-a\"} 9\n"),
	      "per-path health series carry a path label", "%s", out);
	CHECK(strstr(out, "hotline_path_active{channel=\"cert\",peer=\"198.51.100.0/24\","
		     "path=\"isp-a\"} 0\n") &&
	      strstr(out, "hotline_path_active{channel=\"cert\",peer=\"198.51.100.0/24\","
		     "path=\"isp-b\"} 1\n") &&
	      strstr(out, "# TYPE hotline_channel_path_switches_total counter\n"
		     "hotline_channel_path_switches_total{channel=\"cert\","
		     "peer=\"198.51.100.0/24\"} 3\n"),
	      "active path gauge and switch counter", "%s", out);
	CHECK(strstr(out, "hotline_health_state{channel=\"cert\",peer=\"198.51.100.0/24\","
		     "state=\"up\"} 1\n") != NULL,
	      "the channel's own series stay without a path label", "%s", out);
	bad = lint(out, why, sizeof(why));
	CHECK(!bad, "with paths: HELP/TYPE once, families whole, names and labels",
	      "%s", bad);
	free(out);
}

int main(int argc, char **argv)
{
	struct hl_channel ch[3];
	char why[256], esc[64];
	char *out;
	const char *bad;

	unit_init(argc, argv);
	test_paths();
	channels(ch);

	out = render(ch, 3);
	if (strcmp(out, expected))
		first_diff(out, expected, why, sizeof(why));
	CHECK(!strcmp(out, expected), "exposition of three channels", "%s", why);
	bad = lint(out, why, sizeof(why));
	CHECK(!bad, "HELP/TYPE once, families whole, names and labels", "%s", bad);
	free(out);

	out = render(ch + 1, 1);
	CHECK(!strstr(out, "hotline_health_") && strstr(out, "hotline_channel_"),
	      "no health families without probing channels", "%s", out);
	free(out);

	out = render(ch, 0);
	CHECK(out[0] == '\0', "no channels, no output", "%s", out);
	free(out);

	prometheus_label_escape("a\"b\\c\nd:/", esc, sizeof(esc));
	CHECK(!strcmp(esc, "a\\\"b\\\\c\\nd:/"), "label value escaping",
	      "got %s", esc);
	prometheus_label_escape("\"\"\"\"\"\"\"\"", esc, 8);
	CHECK(strlen(esc) < 8 && strlen(esc) % 2 == 0,
	      "label escaping stops whole at the buffer's end", "got %s", esc);
	return unit_done();
}
