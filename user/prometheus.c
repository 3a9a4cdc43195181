// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Prometheus text exposition (format 0.0.4) of the channels. Every series
 * carries the labels channel="NAME" and peer="PREFIX"; units are the base
 * ones (seconds, bytes, ratios 0..1); counters end in _total. Each family
 * is printed whole, HELP and TYPE once, and only when it has a series.
 *
 *   hotline_channel_{rx,tx}_{packets,bytes}_total        counter, every channel
 *   hotline_health_state{state="..."}                    gauge, one series per
 *       state (admin-down, down, init, up, degraded): 1 for the current one,
 *       0 for the others, so `hotline_health_state{state="up"} == 0` alerts
 *   hotline_health_rtt_seconds{quantile="0.5|0.9|0.99"}  gauge, over the window
 *   hotline_health_rtt_{min,max,mean}_seconds            gauge, over the window
 *   hotline_health_jitter_seconds                        gauge, RFC 3550
 *   hotline_health_loss_ratio                            gauge, over the window
 *   hotline_health_probes_{sent,received,lost,duplicate,reordered,late,
 *       malformed}_total, hotline_health_auth_failures_total,
 *   hotline_health_reflected_total, hotline_health_reflect_limited_total
 *                                                        counter
 *   hotline_health_transitions_total                     counter (flaps)
 *   hotline_health_last_change_timestamp_seconds         gauge, Unix time
 *   hotline_health_down_silence_seconds                  gauge, how long no
 *       valid reply had come at the last down (0 before any): above the
 *       detection time plus one interval, the host noticed late (timers,
 *       softirqs)
 *
 * Paths (a channel's failover sessions) get the same health families under
 * hotline_path_ instead of hotline_health_ (hotline_path_state,
 * hotline_path_rtt_seconds, hotline_path_loss_ratio, ...), labelled
 * path="NAME" besides channel and peer, and:
 *   hotline_path_active                                  gauge, 1 for the path
 *       the channel's traffic takes, 0 for the others (all 0: main table)
 *   hotline_channel_path_switches_total                  counter, per channel
 *       with paths
 *
 * The health families have series only for channels with probing. Values
 * are printed exactly from the kernel's integers (ns, ppm), never through a
 * float, so a scrape shows what the kernel measured.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "prometheus.h"
#include "status.h"

enum unit { U_COUNT, U_NS, U_PPM };

/* A channel family (get) or a health family (sget, of a session's status). */
struct family {
	const char *name, *type, *help;
	enum unit unit;
	uint64_t (*get)(const struct hl_channel *ch);
	uint64_t (*sget)(const struct hl_status *s);
};

#define GETTER(fn, expr) \
	static uint64_t fn(const struct hl_channel *ch) { return (expr); }
#define SGETTER(fn, expr) \
	static uint64_t fn(const struct hl_status *s) { return (expr); }

GETTER(rx_packets, ch->stats.rx_packets)
GETTER(rx_bytes, ch->stats.rx_bytes)
GETTER(tx_packets, ch->stats.tx_packets)
GETTER(tx_bytes, ch->stats.tx_bytes)
SGETTER(rtt_min, s->rtt_min)
SGETTER(rtt_max, s->rtt_max)
SGETTER(rtt_mean, s->rtt_mean)
SGETTER(jitter, s->jitter)
SGETTER(loss, s->loss_ppm)
SGETTER(probes_sent, s->probes_sent)
SGETTER(probes_recv, s->probes_recv)
SGETTER(lost, s->lost)
SGETTER(dup, s->duplicates)
SGETTER(reordered, s->reordered)
SGETTER(late, s->late)
SGETTER(malformed, s->malformed)
SGETTER(auth_failures, s->auth_failures)
SGETTER(reflected, s->reflected)
SGETTER(reflect_limited, s->reflect_limited)
SGETTER(flaps, s->flaps)
SGETTER(since, s->since_ns)
SGETTER(silence, s->silence_ns)

static const struct family channel_families[] = {
	{ "hotline_channel_rx_packets_total", "counter",
	  "Packets received from the channel's peer.", U_COUNT, rx_packets, NULL },
	{ "hotline_channel_rx_bytes_total", "counter",
	  "Bytes (IP header onward) received from the channel's peer.",
	  U_COUNT, rx_bytes, NULL },
	{ "hotline_channel_tx_packets_total", "counter",
	  "Packets sent to the channel's peer.", U_COUNT, tx_packets, NULL },
	{ "hotline_channel_tx_bytes_total", "counter",
	  "Bytes (IP header onward) sent to the channel's peer.",
	  U_COUNT, tx_bytes, NULL },
};

/* After hotline_health_state and _rtt_seconds; named "hotline_health_"
 * for channels, "hotline_path_" for paths. */
static const struct family health_families[] = {
	{ "rtt_min_seconds", "gauge",
	  "Smallest probe round-trip time over the window.", U_NS, NULL, rtt_min },
	{ "rtt_max_seconds", "gauge",
	  "Largest probe round-trip time over the window.", U_NS, NULL, rtt_max },
	{ "rtt_mean_seconds", "gauge",
	  "Mean probe round-trip time over the window.", U_NS, NULL, rtt_mean },
	{ "jitter_seconds", "gauge",
	  "Round-trip jitter (RFC 3550 estimator).", U_NS, NULL, jitter },
	{ "loss_ratio", "gauge",
	  "Fraction of probes lost over the window (0..1).", U_PPM, NULL, loss },
	{ "probes_sent_total", "counter",
	  "Health probes sent.", U_COUNT, NULL, probes_sent },
	{ "probes_received_total", "counter",
	  "Valid replies to health probes.", U_COUNT, NULL, probes_recv },
	{ "probes_lost_total", "counter",
	  "Health probes never answered.", U_COUNT, NULL, lost },
	{ "probes_duplicate_total", "counter",
	  "Duplicate replies to health probes.", U_COUNT, NULL, dup },
	{ "probes_reordered_total", "counter",
	  "Replies to health probes that arrived out of order.", U_COUNT, NULL,
	  reordered },
	{ "probes_late_total", "counter",
	  "Replies that arrived after the detection time.", U_COUNT, NULL, late },
	{ "probes_malformed_total", "counter",
	  "Malformed health probe packets.", U_COUNT, NULL, malformed },
	{ "auth_failures_total", "counter",
	  "Health probe packets that failed authentication.", U_COUNT, NULL,
	  auth_failures },
	{ "reflected_total", "counter",
	  "The peer's test packets reflected.", U_COUNT, NULL, reflected },
	{ "reflect_limited_total", "counter",
	  "The peer's test packets not reflected: over the reflector's rate.",
	  U_COUNT, NULL, reflect_limited },
	{ "transitions_total", "counter",
	  "Health state changes.", U_COUNT, NULL, flaps },
	{ "last_change_timestamp_seconds", "gauge",
	  "Unix time of the last health state change.", U_NS, NULL, since },
	{ "down_silence_seconds", "gauge",
	  "How long no valid reply had come at the last down: the detection time, up to one interval more, and how late the host noticed.",
	  U_NS, NULL, silence },
};

void prometheus_label_escape(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 3 < len; s++) {
		if (*s == '\\' || *s == '"') {
			buf[o++] = '\\';
			buf[o++] = *s;
		} else if (*s == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else {
			buf[o++] = *s;
		}
	}
	buf[o] = '\0';
}

/* Integer v / 10^digits as an exact decimal without trailing zeros. */
static void print_scaled(FILE *f, uint64_t v, unsigned int digits, uint64_t scale)
{
	uint64_t whole = v / scale, frac = v % scale;
	char buf[24];
	size_t len;

	if (!frac) {
		fprintf(f, "%" PRIu64, whole);
		return;
	}
	snprintf(buf, sizeof(buf), "%0*" PRIu64, (int)digits, frac);
	len = strlen(buf);
	while (len && buf[len - 1] == '0')
		buf[--len] = '\0';
	fprintf(f, "%" PRIu64 ".%s", whole, buf);
}

static void print_value(FILE *f, uint64_t v, enum unit unit)
{
	switch (unit) {
	case U_COUNT:
		fprintf(f, "%" PRIu64, v);
		break;
	case U_NS:
		print_scaled(f, v, 9, 1000000000ULL);
		break;
	case U_PPM:
		print_scaled(f, v, 6, 1000000ULL);
		break;
	}
}

/*
 * A series' source: a channel, or one of its paths' sessions. labels is
 * what every sample of it carries: channel="..",peer=".." and, for a
 * path, ,path="..".
 */
struct session {
	char labels[2 * (HOTLINE_NAME_MAX + HL_FMT_MAX + HOTLINE_PATH_NAME_MAX) + 64];
	const struct hl_channel *ch;
	const struct hl_path *path;		/* NULL: the channel's */
	const struct hl_status *status;		/* NULL: no health status */
};

struct sessions {
	struct session *v;
	size_t n;
};

static void session_add(struct sessions *ss, const struct hl_channel *ch,
			const struct hl_path *p)
{
	char channel[2 * HOTLINE_NAME_MAX + 3], peer[2 * HL_FMT_MAX + 3];
	char path[2 * HOTLINE_PATH_NAME_MAX + 3], buf[HL_FMT_MAX];
	struct session *s = &ss->v[ss->n++];

	prometheus_label_escape(ch->name, channel, sizeof(channel));
	prometheus_label_escape(format_prefix(&ch->peer, buf), peer, sizeof(peer));
	s->ch = ch;
	s->path = p;
	if (!p) {
		s->status = channel_has_status(ch) ? &ch->status : NULL;
		snprintf(s->labels, sizeof(s->labels), "channel=\"%s\",peer=\"%s\"",
			 channel, peer);
		return;
	}
	prometheus_label_escape(p->name, path, sizeof(path));
	s->status = (p->has & HL_P_STATUS) ? &p->status : NULL;
	snprintf(s->labels, sizeof(s->labels),
		 "channel=\"%s\",peer=\"%s\",path=\"%s\"", channel, peer, path);
}

/* One session per channel (paths false) or per path (paths true). */
static void sessions_of(const struct hl_channel *chs, size_t n, bool paths,
			struct sessions *ss)
{
	size_t i, total = 0;
	unsigned int j;

	for (i = 0; i < n; i++)
		total += paths ? chs[i].npaths : 1;
	ss->n = 0;
	ss->v = total ? calloc(total, sizeof(*ss->v)) : NULL;
	if (total && !ss->v)
		abort();
	for (i = 0; i < n; i++) {
		if (!paths)
			session_add(ss, &chs[i], NULL);
		for (j = 0; paths && j < chs[i].npaths; j++)
			session_add(ss, &chs[i], &chs[i].paths[j]);
	}
}

static bool has_status(const struct sessions *ss)
{
	size_t i;

	for (i = 0; i < ss->n; i++)
		if (ss->v[i].status)
			return true;
	return false;
}

static void header(FILE *f, const char *name, const char *type,
		   const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void sample(FILE *f, const char *name, const char *labels,
		   const char *extra, uint64_t v, enum unit unit)
{
	fprintf(f, "%s{%s%s} ", name, labels, extra);
	print_value(f, v, unit);
	fputc('\n', f);
}

static void write_channel_family(FILE *f, const struct family *fam,
				 const struct sessions *ss)
{
	size_t i;

	if (!ss->n)
		return;
	header(f, fam->name, fam->type, fam->help);
	for (i = 0; i < ss->n; i++)
		sample(f, fam->name, ss->v[i].labels, "", fam->get(ss->v[i].ch),
		       fam->unit);
}

static void write_health_family(FILE *f, const char *prefix,
				const struct family *fam, const struct sessions *ss)
{
	char name[96];
	size_t i;

	if (!has_status(ss))
		return;
	snprintf(name, sizeof(name), "%s%s", prefix, fam->name);
	header(f, name, fam->type, fam->help);
	for (i = 0; i < ss->n; i++)
		if (ss->v[i].status)
			sample(f, name, ss->v[i].labels, "", fam->sget(ss->v[i].status),
			       fam->unit);
}

static void write_state(FILE *f, const char *prefix, const struct sessions *ss)
{
	char name[64], extra[32];
	unsigned int st;
	size_t i;

	if (!has_status(ss))
		return;
	snprintf(name, sizeof(name), "%sstate", prefix);
	header(f, name, "gauge",
	       "Health state: 1 for the current state, 0 for the others.");
	for (i = 0; i < ss->n; i++) {
		for (st = 0; ss->v[i].status && st <= HOTLINE_STATE_MAX; st++) {
			snprintf(extra, sizeof(extra), ",state=\"%s\"",
				 health_state_name((uint8_t)st));
			sample(f, name, ss->v[i].labels, extra,
			       ss->v[i].status->state == st, U_COUNT);
		}
	}
}

static void write_rtt(FILE *f, const char *prefix, const struct sessions *ss)
{
	static const char *const q[] = { "0.5", "0.9", "0.99" };
	char name[64], extra[32];
	size_t i, k;

	if (!has_status(ss))
		return;
	snprintf(name, sizeof(name), "%srtt_seconds", prefix);
	header(f, name, "gauge", "Probe round-trip time quantiles over the window.");
	for (i = 0; i < ss->n; i++) {
		const struct hl_status *s = ss->v[i].status;
		const uint64_t v[] = { s ? s->rtt_p50 : 0, s ? s->rtt_p90 : 0,
				       s ? s->rtt_p99 : 0 };

		for (k = 0; s && k < 3; k++) {
			snprintf(extra, sizeof(extra), ",quantile=\"%s\"", q[k]);
			sample(f, name, ss->v[i].labels, extra, v[k], U_NS);
		}
	}
}

static void write_health(FILE *f, const char *prefix, const struct sessions *ss)
{
	size_t i;

	write_state(f, prefix, ss);
	write_rtt(f, prefix, ss);
	for (i = 0; i < sizeof(health_families) / sizeof(health_families[0]); i++)
		write_health_family(f, prefix, &health_families[i], ss);
}

/* Which path carries the channel's traffic, and how often that changed. */
static void write_failover(FILE *f, const struct sessions *chs,
			   const struct sessions *paths)
{
	static const char active[] = "hotline_path_active";
	static const char switches[] = "hotline_channel_path_switches_total";
	size_t i;

	if (!paths->n)
		return;
	header(f, active, "gauge",
	       "1 for the path the channel's traffic takes, 0 for the others.");
	for (i = 0; i < paths->n; i++)
		sample(f, active, paths->v[i].labels, "", paths->v[i].path->active,
		       U_COUNT);
	header(f, switches, "counter", "Switches of the channel's active path.");
	for (i = 0; i < chs->n; i++)
		if (chs->v[i].ch->npaths)
			sample(f, switches, chs->v[i].labels, "", chs->v[i].ch->switches,
			       U_COUNT);
}

void prometheus_write(FILE *f, const struct hl_channel *chs, size_t n)
{
	struct sessions ch, paths;
	size_t i;

	sessions_of(chs, n, false, &ch);
	sessions_of(chs, n, true, &paths);
	for (i = 0; i < sizeof(channel_families) / sizeof(channel_families[0]); i++)
		write_channel_family(f, &channel_families[i], &ch);
	write_health(f, "hotline_health_", &ch);
	write_health(f, "hotline_path_", &paths);
	write_failover(f, &ch, &paths);
	free(ch.v);
	free(paths.v);
}
