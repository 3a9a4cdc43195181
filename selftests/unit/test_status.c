// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the health status (user/status.c): the HEALTH_STATUS nest
 * and the health event decoded from hand-built netlink messages; every
 * truncation, wrong-sized or out-of-range attribute refused; random byte
 * flips survived (ASan/UBSan in run.sh); and the formatting people read
 * (milliseconds, loss percent, "3m12s", RFC 3339 times) and the JSON.
 */
#include <arpa/inet.h>
#include <stdlib.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "status.h"
#include "unit.h"

static uint64_t buf[4096 / 8];

enum variant {
	V_GOOD, V_GET,
	V_NO_STATUS, V_NO_STATE, V_NO_OLD,
	V_STATE_U16, V_STATE_9, V_DIAG_9, V_OLD_7, V_OLD_U32,
	V_P50_U32, V_FLAPS_U64, V_LOSS_U64, V_SINCE_U8,
	V_STATUS_STRAY, V_STATUS_NOT_NEST,
};

static struct nlmsghdr *build(enum variant v)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	struct nlattr *n;
	struct in6_addr a6;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = 0x20;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = v == V_GET ? HOTLINE_CMD_CHANNEL_GET : HOTLINE_CMD_HEALTH_EVENT;
	g->version = HOTLINE_GENL_VERSION;

	mnl_attr_put_u32(nlh, HOTLINE_A_CHANNEL_ID, 3);
	mnl_attr_put_strz(nlh, HOTLINE_A_CHANNEL_NAME, "cert-b");
	n = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_PEER);
	inet_pton(AF_INET6, "2001:db8:1::", &a6);
	mnl_attr_put(nlh, HOTLINE_A_PREFIX_ADDR6, 16, &a6);
	mnl_attr_put_u8(nlh, HOTLINE_A_PREFIX_LEN, 48);
	mnl_attr_nest_end(nlh, n);

	if (v == V_STATUS_NOT_NEST) {
		mnl_attr_put_u8(nlh, HOTLINE_A_CHANNEL_HEALTH_STATUS, 3);
	} else if (v != V_NO_STATUS) {
		n = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_HEALTH_STATUS);
		if (v == V_STATE_U16)
			mnl_attr_put_u16(nlh, HOTLINE_A_STATUS_STATE, HOTLINE_STATE_UP);
		else if (v != V_NO_STATE)
			mnl_attr_put_u8(nlh, HOTLINE_A_STATUS_STATE,
					v == V_STATE_9 ? 9 : HOTLINE_STATE_DEGRADED);
		mnl_attr_put_u8(nlh, HOTLINE_A_STATUS_DIAG,
				v == V_DIAG_9 ? 9 : HOTLINE_DIAG_THRESHOLD);
		if (v == V_SINCE_U8)
			mnl_attr_put_u8(nlh, HOTLINE_A_STATUS_SINCE, 1);
		else
			mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_SINCE,
					 1764195212123456789ULL);
		if (v == V_FLAPS_U64)
			mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_FLAPS, 4);
		else
			mnl_attr_put_u32(nlh, HOTLINE_A_STATUS_FLAPS, 4);
		mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_PROBES_SENT, 1000);
		mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_PROBES_RECV, 990);
		mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_LOST, 10);
		mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_DUPLICATES, 1);
		mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_REORDERED, 2);
		mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_LATE, 3);
		mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_AUTH_FAILURES, 5);
		mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_MALFORMED, 6);
		mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_REFLECTED, 995);
		mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_REFLECT_LIMITED, 17);
		mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_SILENCE, 31250000);
		mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_RTT_LAST, 20100000);
		mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_RTT_MIN, 19000000);
		mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_RTT_MAX, 45000000);
		mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_RTT_MEAN, 20500000);
		if (v == V_P50_U32)
			mnl_attr_put_u32(nlh, HOTLINE_A_STATUS_RTT_P50, 20);
		else
			mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_RTT_P50, 20250000);
		mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_RTT_P90, 30000000);
		mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_RTT_P99, 44321000);
		mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_JITTER, 1234567);
		if (v == V_LOSS_U64)
			mnl_attr_put_u64(nlh, HOTLINE_A_STATUS_LOSS_PPM, 10000);
		else
			mnl_attr_put_u32(nlh, HOTLINE_A_STATUS_LOSS_PPM, 10000);
		mnl_attr_put_u32(nlh, HOTLINE_A_STATUS_WINDOW, 1000);
		if (v == V_STATUS_STRAY) {
			/* an attribute header claiming 0 bytes, inside the nest */
			char *tail = mnl_nlmsg_get_payload_tail(nlh);

			memset(tail, 0, 4);
			nlh->nlmsg_len += 4;
		}
		mnl_attr_nest_end(nlh, n);
	}
	/* last, so that every truncation of the message loses it */
	if (v == V_OLD_U32)
		mnl_attr_put_u32(nlh, HOTLINE_A_CHANNEL_OLD_STATE, HOTLINE_STATE_UP);
	else if (v != V_NO_OLD)
		mnl_attr_put_u8(nlh, HOTLINE_A_CHANNEL_OLD_STATE,
				v == V_OLD_7 ? 7 : HOTLINE_STATE_UP);
	return nlh;
}

static void test_good(void)
{
	struct hl_health_event ev;
	struct parse_error e = { "" };
	const struct hl_status *s = &ev.ch.status;
	int r = health_event_decode(build(V_GOOD), &ev, &e);

	CHECK(r == 0, "health event decodes", "%s", e.why);
	CHECK(ev.ch.id == 3 && !strcmp(ev.ch.name, "cert-b"),
	      "health event id and name", "id %u name %s", ev.ch.id, ev.ch.name);
	CHECK(ev.old_state == HOTLINE_STATE_UP && s->state == HOTLINE_STATE_DEGRADED &&
	      s->diag == HOTLINE_DIAG_THRESHOLD, "health event states",
	      "old %u new %u diag %u", ev.old_state, s->state, s->diag);
	CHECK(s->since_ns == 1764195212123456789ULL && s->flaps == 4,
	      "status since and flaps", "%llu %u",
	      (unsigned long long)s->since_ns, s->flaps);
	CHECK(s->probes_sent == 1000 && s->probes_recv == 990 && s->lost == 10 &&
	      s->duplicates == 1 && s->reordered == 2 && s->late == 3 &&
	      s->auth_failures == 5 && s->malformed == 6 && s->reflected == 995 &&
	      s->reflect_limited == 17 && s->silence_ns == 31250000,
	      "status counters", "sent %llu recv %llu",
	      (unsigned long long)s->probes_sent, (unsigned long long)s->probes_recv);
	CHECK(s->rtt_last == 20100000 && s->rtt_min == 19000000 &&
	      s->rtt_max == 45000000 && s->rtt_mean == 20500000 &&
	      s->rtt_p50 == 20250000 && s->rtt_p90 == 30000000 &&
	      s->rtt_p99 == 44321000 && s->jitter == 1234567,
	      "status RTTs and jitter", "p50 %llu", (unsigned long long)s->rtt_p50);
	CHECK(s->loss_ppm == 10000 && s->window == 1000, "status loss and window",
	      "%u %u", s->loss_ppm, s->window);
}

static void test_get(void)
{
	struct hl_health_event ev;
	struct hl_channel ch;
	struct parse_error e = { "" };

	CHECK(channel_decode(build(V_GET), &ch, &e) == 0 &&
	      (ch.has & HL_HAS_STATUS) && ch.status.rtt_p99 == 44321000,
	      "CHANNEL_GET reply carries the status", "%s", e.why);
	CHECK(!channel_has_status(&ch), "status without health settings is not shown",
	      "has %#x", ch.has);
	CHECK(health_event_decode(build(V_GET), &ev, &e) < 0,
	      "a CHANNEL_GET reply is not a health event", "accepted");
}

static void test_rejects(void)
{
	static const struct { enum variant v; const char *name; } bad[] = {
		{ V_NO_STATUS, "rejects an event without status" },
		{ V_NO_STATE, "rejects an event without new state" },
		{ V_NO_OLD, "rejects an event without old state" },
		{ V_STATE_U16, "rejects STATE as u16" },
		{ V_STATE_9, "rejects unknown state 9" },
		{ V_DIAG_9, "rejects unknown diag 9" },
		{ V_OLD_7, "rejects unknown old state 7" },
		{ V_OLD_U32, "rejects OLD_STATE as u32" },
		{ V_P50_U32, "rejects RTT_P50 as u32" },
		{ V_FLAPS_U64, "rejects FLAPS as u64" },
		{ V_LOSS_U64, "rejects LOSS_PPM as u64" },
		{ V_SINCE_U8, "rejects SINCE as u8" },
		{ V_STATUS_STRAY, "rejects a 0-length attribute in the status nest" },
		{ V_STATUS_NOT_NEST, "rejects a status that is not a nest" },
	};
	struct hl_health_event ev;
	struct parse_error e;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e.why[0] = '\0';
		CHECK(health_event_decode(build(bad[i].v), &ev, &e) < 0 && e.why[0],
		      bad[i].name, "accepted");
	}
}

static void test_truncated(void)
{
	struct hl_health_event ev;
	struct parse_error e;
	struct nlmsghdr *nlh = build(V_GOOD);
	/* the last attribute (OLD_STATE, 5 bytes) is padded to 8: cutting
	 * only padding loses nothing */
	uint32_t full = nlh->nlmsg_len - 3, len;
	unsigned int accepted = 0;

	for (len = NLMSG_HDRLEN; len < full; len++) {
		nlh = build(V_GOOD);
		nlh->nlmsg_len = len;
		if (health_event_decode(nlh, &ev, &e) == 0)
			accepted++;
	}
	CHECK(accepted == 0, "every truncation is refused", "%u of %u accepted",
	      accepted, full - NLMSG_HDRLEN);
}

static void test_flips(void)
{
	struct hl_health_event ev;
	struct parse_error e;
	uint32_t full = build(V_GOOD)->nlmsg_len;
	unsigned int i, ok = 0;

	srand(7);
	for (i = 0; i < 20000; i++) {
		struct nlmsghdr *nlh = build(V_GOOD);
		unsigned char *p = (unsigned char *)nlh;
		unsigned int k, flips = 1 + (unsigned int)rand() % 4;

		for (k = 0; k < flips; k++)
			p[NLMSG_HDRLEN + (unsigned int)rand() % (full - NLMSG_HDRLEN)] ^=
				(unsigned char)(1 + rand() % 255);
		if (health_event_decode(nlh, &ev, &e) == 0) {
			ok++;
			/* whatever got through still obeys the contract */
			if (ev.ch.status.state > HOTLINE_STATE_MAX ||
			    ev.old_state > HOTLINE_STATE_MAX ||
			    !name_is_valid(ev.ch.name))
				break;
		}
	}
	CHECK(i == 20000, "20000 byte-flipped events decode sanely or are refused",
	      "flip %u produced an invalid event", i);
}

static void test_format(void)
{
	static const struct { uint64_t ns; const char *s; } ms[] = {
		{ 0, "0" }, { 45000, "0.045" }, { 999400, "0.999" },
		{ 999600, "1.00" }, { 1234567, "1.23" }, { 9996000, "10.0" },
		{ 12345678, "12.3" }, { 99960000, "100" }, { 123456789, "123" },
		{ 20250000, "20.2" },
	};
	static const struct { uint32_t ppm; const char *s; } loss[] = {
		{ 0, "0" }, { 250, "0.025" }, { 10000, "1" }, { 123456, "12.3456" },
		{ 1000000, "100" }, { 1, "0.0001" },
	};
	static const struct { uint64_t ago_s; const char *s; } ago[] = {
		{ 0, "0s" }, { 45, "45s" }, { 192, "3m12s" }, { 3599, "59m59s" },
		{ 7500, "2h05m" }, { 273600, "3d04h" },
	};
	char b[HL_STATUS_FMT_MAX];
	uint64_t now = 1764195212000000000ULL;
	size_t i;

	for (i = 0; i < sizeof(ms) / sizeof(ms[0]); i++)
		CHECK(!strcmp(format_ms(ms[i].ns, b), ms[i].s), "format_ms",
		      "%llu ns: got %s, want %s", (unsigned long long)ms[i].ns, b,
		      ms[i].s);
	for (i = 0; i < sizeof(loss) / sizeof(loss[0]); i++)
		CHECK(!strcmp(format_loss_pct(loss[i].ppm, b), loss[i].s),
		      "format_loss_pct", "%u ppm: got %s, want %s", loss[i].ppm, b,
		      loss[i].s);
	for (i = 0; i < sizeof(ago) / sizeof(ago[0]); i++)
		CHECK(!strcmp(format_ago(now, now - ago[i].ago_s * 1000000000ULL, b),
			      ago[i].s), "format_ago", "%llu s: got %s, want %s",
		      (unsigned long long)ago[i].ago_s, b, ago[i].s);
	CHECK(!strcmp(format_ago(now, now + 5000000000ULL, b), "-") &&
	      !strcmp(format_ago(now, 0, b), "-"), "format_ago future or never",
	      "got %s", b);
	CHECK(!strcmp(format_time(1764195212123456789ULL, b),
		      "2025-11-26T22:13:32.123Z"), "format_time RFC 3339",
	      "got %s", b);
	CHECK(!strcmp(health_state_name(HOTLINE_STATE_ADMIN_DOWN), "admin-down") &&
	      !strcmp(health_state_name(HOTLINE_STATE_DEGRADED), "degraded") &&
	      !strcmp(health_state_name(200), "?") &&
	      !strcmp(health_diag_name(HOTLINE_DIAG_DETECT_EXPIRED), "detect-expired") &&
	      !strcmp(health_diag_name(HOTLINE_DIAG_MAX + 1), "?"),
	      "state and diag names", "wrong name");
	CHECK(health_state_is_bad(HOTLINE_STATE_DOWN) &&
	      health_state_is_bad(HOTLINE_STATE_DEGRADED) &&
	      !health_state_is_bad(HOTLINE_STATE_UP) &&
	      !health_state_is_bad(HOTLINE_STATE_INIT) &&
	      !health_state_is_bad(HOTLINE_STATE_ADMIN_DOWN),
	      "down and degraded are the bad states", "wrong");
}

static void test_json(void)
{
	struct hl_health_event ev;
	struct parse_error e;
	json_object *o, *v;
	const char *want = "{\"state\":\"degraded\",\"diag\":\"threshold\","
		"\"since\":\"2025-11-26T22:13:32.123Z\",\"since_ns\":1764195212123456789,"
		"\"flaps\":4,\"probes_sent\":1000,\"probes_recv\":990,\"lost\":10,"
		"\"duplicates\":1,\"reordered\":2,\"late\":3,\"auth_failures\":5,"
		"\"malformed\":6,\"reflected\":995,\"reflect_limited\":17,"
		"\"rtt_last_ns\":20100000,"
		"\"rtt_min_ns\":19000000,\"rtt_max_ns\":45000000,"
		"\"rtt_mean_ns\":20500000,\"rtt_p50_ns\":20250000,"
		"\"rtt_p90_ns\":30000000,\"rtt_p99_ns\":44321000,"
		"\"jitter_ns\":1234567,\"loss_ppm\":10000,\"window\":1000,"
		"\"silence_ns\":31250000}";

	if (health_event_decode(build(V_GOOD), &ev, &e)) {
		CHECK(0, "status JSON", "decode: %s", e.why);
		return;
	}
	o = status_json(&ev.ch.status);
	CHECK(!strcmp(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
		      want), "status JSON", "got %s",
	      json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	ev.ch.status.since_ns = 0;
	o = status_json(&ev.ch.status);
	CHECK(json_object_object_get_ex(o, "since", &v) && v == NULL,
	      "status JSON since is null when never changed", "not null");
	json_object_put(o);
}

/* Health events of a channel with paths: a path's session, a switch. */
enum ev_kind { EV_PATH, EV_SWITCH_DOWN, EV_SWITCH_NO_STATUS, EV_PATH_NO_OLD,
	       EV_SWITCH_NO_REASON, EV_PATH_AND_SWITCH, EV_SWITCH_SAME,
	       EV_PATH_BAD_NAME };

static struct nlmsghdr *build_path_event(enum ev_kind k)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	struct nlattr *n;
	struct in_addr a;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = HOTLINE_CMD_HEALTH_EVENT;
	mnl_attr_put_u32(nlh, HOTLINE_A_CHANNEL_ID, 4);
	mnl_attr_put_strz(nlh, HOTLINE_A_CHANNEL_NAME, "cert");
	n = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_PEER);
	inet_pton(AF_INET, "198.51.100.0", &a);
	mnl_attr_put(nlh, HOTLINE_A_PREFIX_ADDR4, 4, &a);
	mnl_attr_put_u8(nlh, HOTLINE_A_PREFIX_LEN, 24);
	mnl_attr_nest_end(nlh, n);
	if (k == EV_PATH || k == EV_PATH_NO_OLD || k == EV_PATH_AND_SWITCH)
		mnl_attr_put_strz(nlh, HOTLINE_A_CHANNEL_PATH, "isp-b");
	if (k == EV_PATH_BAD_NAME)
		mnl_attr_put_strz(nlh, HOTLINE_A_CHANNEL_PATH, "isp b");
	if (k == EV_PATH || k == EV_PATH_AND_SWITCH || k == EV_PATH_BAD_NAME)
		mnl_attr_put_u8(nlh, HOTLINE_A_CHANNEL_OLD_STATE, HOTLINE_STATE_UP);
	if (k >= EV_SWITCH_DOWN && k != EV_PATH_NO_OLD && k != EV_PATH_BAD_NAME) {
		n = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_SWITCH);
		mnl_attr_put_strz(nlh, HOTLINE_A_SWITCH_FROM, "isp-a");
		if (k == EV_SWITCH_SAME)
			mnl_attr_put_strz(nlh, HOTLINE_A_SWITCH_TO, "isp-a");
		if (k != EV_SWITCH_NO_REASON)
			mnl_attr_put_u8(nlh, HOTLINE_A_SWITCH_REASON, HOTLINE_SWITCH_DOWN);
		mnl_attr_nest_end(nlh, n);
	}
	if (k != EV_SWITCH_NO_STATUS) {
		n = mnl_attr_nest_start(nlh, HOTLINE_A_CHANNEL_HEALTH_STATUS);
		mnl_attr_put_u8(nlh, HOTLINE_A_STATUS_STATE, HOTLINE_STATE_DOWN);
		mnl_attr_put_u8(nlh, HOTLINE_A_STATUS_DIAG, HOTLINE_DIAG_DETECT_EXPIRED);
		mnl_attr_nest_end(nlh, n);
	}
	return nlh;
}

static void test_path_events(void)
{
	struct hl_health_event ev;
	struct parse_error e = { "" };
	static const struct { enum ev_kind k; const char *name; } bad[] = {
		{ EV_PATH_NO_OLD, "a path's event without its old state refused" },
		{ EV_SWITCH_NO_REASON, "a switch without its reason refused" },
		{ EV_PATH_AND_SWITCH, "an event both a path's and a switch refused" },
		{ EV_SWITCH_SAME, "a switch from a path to itself refused" },
		{ EV_PATH_BAD_NAME, "a path event with a bad path name refused" },
	};
	size_t i;

	CHECK(health_event_decode(build_path_event(EV_PATH), &ev, &e) == 0 &&
	      !strcmp(ev.path, "isp-b") && !ev.is_switch &&
	      ev.old_state == HOTLINE_STATE_UP && ev.ch.status.state == HOTLINE_STATE_DOWN,
	      "a path's session event names the path", "%s", e.why);
	CHECK(health_event_decode(build_path_event(EV_SWITCH_DOWN), &ev, &e) == 0 &&
	      ev.is_switch && !strcmp(ev.sw.from, "isp-a") && ev.sw.to[0] == '\0' &&
	      ev.sw.reason == HOTLINE_SWITCH_DOWN && ev.path[0] == '\0',
	      "a switch to no path decodes without an old state", "%s", e.why);
	CHECK(health_event_decode(build_path_event(EV_SWITCH_NO_STATUS), &ev, &e) == 0 &&
	      ev.is_switch && !(ev.ch.has & HL_HAS_STATUS),
	      "a switch without a status decodes", "%s", e.why);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e.why[0] = '\0';
		CHECK(health_event_decode(build_path_event(bad[i].k), &ev, &e) < 0 &&
		      e.why[0], bad[i].name, "accepted");
	}
	CHECK(!strcmp(switch_reason_name(HOTLINE_SWITCH_UP), "up") &&
	      !strcmp(switch_reason_name(HOTLINE_SWITCH_DOWN), "down") &&
	      !strcmp(switch_reason_name(HOTLINE_SWITCH_DEGRADED), "degraded") &&
	      !strcmp(switch_reason_name(HOTLINE_SWITCH_FAILBACK), "failback") &&
	      !strcmp(switch_reason_name(HOTLINE_SWITCH_CONFIG), "config") &&
	      !strcmp(switch_reason_name(HOTLINE_SWITCH_MAX + 1), "?"),
	      "switch reason names", "%s", switch_reason_name(1));
}

/* What `guard watch` arms on: the traffic's state, not a path's session. */
static void test_channel_state(void)
{
	struct hl_channel ch;

	channel_init(&ch);
	ch.has = HL_HAS_HEALTH | HL_HAS_STATUS | HL_HAS_PATHS;
	ch.npaths = 2;
	path_init(&ch.paths[0]);
	path_init(&ch.paths[1]);
	strcpy(ch.paths[0].name, "isp-a");
	strcpy(ch.paths[1].name, "isp-b");
	ch.paths[0].has = ch.paths[1].has = HL_P_STATUS;
	/* the preferred path is down, the backup carries the traffic */
	ch.status.state = HOTLINE_STATE_UP;
	ch.paths[0].status.state = HOTLINE_STATE_DOWN;
	ch.paths[1].status.state = HOTLINE_STATE_UP;
	ch.paths[1].active = true;
	strcpy(ch.active_path, "isp-b");
	CHECK(!health_state_is_bad(channel_state(&ch)),
	      "a down path beside an active one leaves the channel up", "%s",
	      health_state_name(channel_state(&ch)));
	ch.paths[1].status.state = HOTLINE_STATE_DEGRADED;
	CHECK(channel_state(&ch) == HOTLINE_STATE_DEGRADED,
	      "a degraded active path makes the channel degraded", "%s",
	      health_state_name(channel_state(&ch)));
	/* all down: no active path; the status reported is the preferred
	 * path's, which may say init: the channel is still down */
	ch.active_path[0] = '\0';
	ch.paths[1].active = false;
	ch.paths[1].status.state = HOTLINE_STATE_DOWN;
	ch.status.state = HOTLINE_STATE_ADMIN_DOWN;
	CHECK(channel_state(&ch) == HOTLINE_STATE_DOWN,
	      "a switch to no path counts as the channel down", "%s",
	      health_state_name(channel_state(&ch)));
	ch.paths[0].status.state = HOTLINE_STATE_INIT;
	CHECK(channel_state(&ch) == HOTLINE_STATE_INIT,
	      "no active path while one starts is init", "%s",
	      health_state_name(channel_state(&ch)));
	ch.npaths = 0;
	ch.status.state = HOTLINE_STATE_UP;
	CHECK(channel_state(&ch) == HOTLINE_STATE_UP,
	      "without paths the channel's own session counts", "%s",
	      health_state_name(channel_state(&ch)));
}

int main(int argc, char **argv)
{
	unit_init(argc, argv);
	test_path_events();
	test_channel_state();
	test_good();
	test_get();
	test_rejects();
	test_truncated();
	test_flips();
	test_format();
	test_json();
	return unit_done();
}
