// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Health status: names, formatting and the health event decoder (see
 * status.h). The kernel reports times in ns; people read milliseconds and
 * "3m12s ago", scripts get the exact integers.
 *
 * JSON "status" object (`show -j`, `monitor -j`); times and RTTs are
 * integers in nanoseconds (exact, no float rounding), loss in parts per
 * million as the kernel counts it:
 *   {
 *     "state": "up", "diag": "none",
 *     "since": "2026-11-26T22:13:32.123Z" | null, "since_ns": 1795...,
 *     "flaps": 1, "probes_sent": 10, "probes_recv": 10, "lost": 0,
 *     "duplicates": 0, "reordered": 0, "late": 0, "auth_failures": 0,
 *     "malformed": 0, "reflected": 10, "reflect_limited": 0,
 *     "rtt_last_ns": ..., "rtt_min_ns": ..., "rtt_max_ns": ...,
 *     "rtt_mean_ns": ..., "rtt_p50_ns": ..., "rtt_p90_ns": ...,
 *     "rtt_p99_ns": ..., "jitter_ns": ..., "loss_ppm": 0, "window": 10,
 *     "silence_ns": 0  (no valid reply for that long at the last down)
 *   }
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "status.h"

static const char *const state_names[] = {
	[HOTLINE_STATE_ADMIN_DOWN] = "admin-down",
	[HOTLINE_STATE_DOWN] = "down",
	[HOTLINE_STATE_INIT] = "init",
	[HOTLINE_STATE_UP] = "up",
	[HOTLINE_STATE_DEGRADED] = "degraded",
};

static const char *const diag_names[] = {
	[HOTLINE_DIAG_NONE] = "none",
	[HOTLINE_DIAG_DETECT_EXPIRED] = "detect-expired",
	[HOTLINE_DIAG_AUTH_FAILURES] = "auth-failures",
	[HOTLINE_DIAG_ADMIN_DOWN] = "admin-down",
	[HOTLINE_DIAG_PEER_UNREACHABLE] = "peer-unreachable",
	[HOTLINE_DIAG_THRESHOLD] = "threshold",
};

static const char *const switch_names[] = {
	[HOTLINE_SWITCH_NONE] = "none",
	[HOTLINE_SWITCH_UP] = "up",
	[HOTLINE_SWITCH_DOWN] = "down",
	[HOTLINE_SWITCH_DEGRADED] = "degraded",
	[HOTLINE_SWITCH_FAILBACK] = "failback",
	[HOTLINE_SWITCH_CONFIG] = "config",
};

const char *switch_reason_name(uint8_t reason)
{
	return reason <= HOTLINE_SWITCH_MAX ? switch_names[reason] : "?";
}

const char *health_state_name(uint8_t state)
{
	return state <= HOTLINE_STATE_MAX ? state_names[state] : "?";
}

const char *health_diag_name(uint8_t diag)
{
	return diag <= HOTLINE_DIAG_MAX ? diag_names[diag] : "?";
}

bool channel_has_status(const struct hl_channel *ch)
{
	return (ch->has & HL_HAS_HEALTH) && (ch->has & HL_HAS_STATUS);
}

uint8_t channel_state(const struct hl_channel *ch)
{
	const struct hl_path *active = channel_active_path(ch);
	unsigned int i;

	if (!ch->npaths)
		return ch->status.state;
	if (active)
		return active->has & HL_P_STATUS ? active->status.state : ch->status.state;
	/*
	 * No path carries the traffic. A path on its way up (init, or up a
	 * moment before the kernel chooses it) makes that a start, like a
	 * single session's init; anything else is the channel down.
	 */
	for (i = 0; i < ch->npaths; i++) {
		const struct hl_path *p = &ch->paths[i];

		if ((p->has & HL_P_STATUS) && p->status.state >= HOTLINE_STATE_INIT)
			return HOTLINE_STATE_INIT;
	}
	return HOTLINE_STATE_DOWN;
}

bool health_state_is_bad(uint8_t state)
{
	return state == HOTLINE_STATE_DOWN || state == HOTLINE_STATE_DEGRADED;
}

char *format_ms(uint64_t ns, char *buf)
{
	/* decide the precision on the rounded value, so 9.996 ms is "10.0" */
	double ms = (double)ns / 1e6;

	if (ns == 0)
		snprintf(buf, HL_STATUS_FMT_MAX, "0");
	else if (ms < 0.9995)
		snprintf(buf, HL_STATUS_FMT_MAX, "%.3f", ms);
	else if (ms < 9.995)
		snprintf(buf, HL_STATUS_FMT_MAX, "%.2f", ms);
	else if (ms < 99.95)
		snprintf(buf, HL_STATUS_FMT_MAX, "%.1f", ms);
	else
		snprintf(buf, HL_STATUS_FMT_MAX, "%.0f", ms);
	return buf;
}

char *format_loss_pct(uint32_t ppm, char *buf)
{
	/* exact: ppm / 10^4 percent, printed as a decimal without float */
	uint32_t whole = ppm / 10000, frac = ppm % 10000;
	size_t len;

	if (!frac) {
		snprintf(buf, HL_STATUS_FMT_MAX, "%u", whole);
		return buf;
	}
	snprintf(buf, HL_STATUS_FMT_MAX, "%u.%04u", whole, frac);
	len = strlen(buf);
	while (buf[len - 1] == '0')
		buf[--len] = '\0';
	return buf;
}

char *format_ago(uint64_t now_ns, uint64_t then_ns, char *buf)
{
	uint64_t s;

	if (!then_ns || then_ns > now_ns) {
		snprintf(buf, HL_STATUS_FMT_MAX, "-");
		return buf;
	}
	s = (now_ns - then_ns) / 1000000000ULL;
	if (s < 60)
		snprintf(buf, HL_STATUS_FMT_MAX, "%llus", (unsigned long long)s);
	else if (s < 3600)
		snprintf(buf, HL_STATUS_FMT_MAX, "%llum%02llus",
			 (unsigned long long)(s / 60), (unsigned long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, HL_STATUS_FMT_MAX, "%lluh%02llum",
			 (unsigned long long)(s / 3600),
			 (unsigned long long)(s % 3600 / 60));
	else
		snprintf(buf, HL_STATUS_FMT_MAX, "%llud%02lluh",
			 (unsigned long long)(s / 86400),
			 (unsigned long long)(s % 86400 / 3600));
	return buf;
}

char *format_time(uint64_t ns, char *buf)
{
	time_t t = (time_t)(ns / 1000000000ULL);
	struct tm tm;
	size_t len;

	if (!gmtime_r(&t, &tm) || tm.tm_year > 9000) {
		snprintf(buf, HL_STATUS_FMT_MAX, "-");
		return buf;
	}
	len = strftime(buf, HL_STATUS_FMT_MAX, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + len, HL_STATUS_FMT_MAX - len, ".%03uZ",
		 (unsigned int)(ns % 1000000000ULL / 1000000));
	return buf;
}

uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void add_u64(json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

json_object *status_json(const struct hl_status *s)
{
	json_object *o = json_object_new_object();
	char buf[HL_STATUS_FMT_MAX];

	json_object_object_add(o, "state",
			       json_object_new_string(health_state_name(s->state)));
	json_object_object_add(o, "diag",
			       json_object_new_string(health_diag_name(s->diag)));
	json_object_object_add(o, "since", s->since_ns ?
			       json_object_new_string(format_time(s->since_ns, buf)) :
			       NULL);
	add_u64(o, "since_ns", s->since_ns);
	add_u64(o, "flaps", s->flaps);
	add_u64(o, "probes_sent", s->probes_sent);
	add_u64(o, "probes_recv", s->probes_recv);
	add_u64(o, "lost", s->lost);
	add_u64(o, "duplicates", s->duplicates);
	add_u64(o, "reordered", s->reordered);
	add_u64(o, "late", s->late);
	add_u64(o, "auth_failures", s->auth_failures);
	add_u64(o, "malformed", s->malformed);
	add_u64(o, "reflected", s->reflected);
	add_u64(o, "reflect_limited", s->reflect_limited);
	add_u64(o, "rtt_last_ns", s->rtt_last);
	add_u64(o, "rtt_min_ns", s->rtt_min);
	add_u64(o, "rtt_max_ns", s->rtt_max);
	add_u64(o, "rtt_mean_ns", s->rtt_mean);
	add_u64(o, "rtt_p50_ns", s->rtt_p50);
	add_u64(o, "rtt_p90_ns", s->rtt_p90);
	add_u64(o, "rtt_p99_ns", s->rtt_p99);
	add_u64(o, "jitter_ns", s->jitter);
	add_u64(o, "loss_ppm", s->loss_ppm);
	add_u64(o, "window", s->window);
	add_u64(o, "silence_ns", s->silence_ns);
	return o;
}

static int fail(struct parse_error *e, const char *why)
{
	snprintf(e->why, sizeof(e->why), "%s", why);
	return -1;
}

/* channel_decode() has checked every attribute's bounds by then. */
int health_event_decode(const struct nlmsghdr *nlh, struct hl_health_event *ev,
			struct parse_error *e)
{
	const struct genlmsghdr *g;
	const struct nlattr *a, *in;
	bool has_old = false, has_state = false;

	memset(ev, 0, sizeof(*ev));
	if (channel_decode(nlh, &ev->ch, e))
		return -1;
	g = mnl_nlmsg_get_payload(nlh);
	if (g->cmd != HOTLINE_CMD_HEALTH_EVENT)
		return fail(e, "not a health event");
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(a)) {
		case HOTLINE_A_CHANNEL_PATH:
			if (path_name_decode(a, "CHANNEL_PATH", ev->path, e))
				return -1;
			break;
		case HOTLINE_A_CHANNEL_SWITCH:
			if (switch_decode(a, &ev->sw, e))
				return -1;
			ev->is_switch = true;
			break;
		case HOTLINE_A_CHANNEL_OLD_STATE:
			if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
				return fail(e, "attribute CHANNEL_OLD_STATE has a wrong length");
			ev->old_state = mnl_attr_get_u8(a);
			if (ev->old_state > HOTLINE_STATE_MAX)
				return fail(e, "unknown old health state");
			has_old = true;
			break;
		case HOTLINE_A_CHANNEL_HEALTH_STATUS:
			mnl_attr_for_each_nested(in, a)
				if (mnl_attr_get_type(in) == HOTLINE_A_STATUS_STATE)
					has_state = true;
			break;
		}
	}
	if (ev->is_switch && ev->path[0])
		return fail(e, "a health event is both a path's and a switch");
	if ((ev->ch.has & HL_HAS_STATUS) && !has_state)
		return fail(e, "a health event lacks the new state");
	if (ev->is_switch)
		return 0;	/* its status, if any, is a path's */
	if (!(ev->ch.has & HL_HAS_STATUS))
		return fail(e, "a health event lacks the health status");
	if (!has_old)
		return fail(e, "a health event lacks the old state");
	return 0;
}
