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
 *
 * The health families have series only for channels with probing. Values
 * are printed exactly from the kernel's integers (ns, ppm), never through a
 * float, so a scrape shows what the kernel measured.
 */
#include <inttypes.h>
#include <string.h>

#include "parse.h"
#include "prometheus.h"
#include "status.h"

enum unit { U_COUNT, U_NS, U_PPM };

struct family {
	const char *name, *type, *help;
	bool health;				/* needs the health status */
	enum unit unit;
	uint64_t (*get)(const struct hl_channel *ch);
};

#define GETTER(fn, expr) \
	static uint64_t fn(const struct hl_channel *ch) { return (expr); }

GETTER(rx_packets, ch->stats.rx_packets)
GETTER(rx_bytes, ch->stats.rx_bytes)
GETTER(tx_packets, ch->stats.tx_packets)
GETTER(tx_bytes, ch->stats.tx_bytes)
GETTER(rtt_min, ch->status.rtt_min)
GETTER(rtt_max, ch->status.rtt_max)
GETTER(rtt_mean, ch->status.rtt_mean)
GETTER(jitter, ch->status.jitter)
GETTER(loss, ch->status.loss_ppm)
GETTER(probes_sent, ch->status.probes_sent)
GETTER(probes_recv, ch->status.probes_recv)
GETTER(lost, ch->status.lost)
GETTER(dup, ch->status.duplicates)
GETTER(reordered, ch->status.reordered)
GETTER(late, ch->status.late)
GETTER(malformed, ch->status.malformed)
GETTER(auth_failures, ch->status.auth_failures)
GETTER(reflected, ch->status.reflected)
GETTER(reflect_limited, ch->status.reflect_limited)
GETTER(flaps, ch->status.flaps)
GETTER(since, ch->status.since_ns)

static const struct family families[] = {
	{ "hotline_channel_rx_packets_total", "counter",
	  "Packets received from the channel's peer.", false, U_COUNT, rx_packets },
	{ "hotline_channel_rx_bytes_total", "counter",
	  "Bytes (IP header onward) received from the channel's peer.", false,
	  U_COUNT, rx_bytes },
	{ "hotline_channel_tx_packets_total", "counter",
	  "Packets sent to the channel's peer.", false, U_COUNT, tx_packets },
	{ "hotline_channel_tx_bytes_total", "counter",
	  "Bytes (IP header onward) sent to the channel's peer.", false,
	  U_COUNT, tx_bytes },
	/* hotline_health_state and hotline_health_rtt_seconds: see below */
	{ "hotline_health_rtt_min_seconds", "gauge",
	  "Smallest probe round-trip time over the window.", true, U_NS, rtt_min },
	{ "hotline_health_rtt_max_seconds", "gauge",
	  "Largest probe round-trip time over the window.", true, U_NS, rtt_max },
	{ "hotline_health_rtt_mean_seconds", "gauge",
	  "Mean probe round-trip time over the window.", true, U_NS, rtt_mean },
	{ "hotline_health_jitter_seconds", "gauge",
	  "Round-trip jitter (RFC 3550 estimator).", true, U_NS, jitter },
	{ "hotline_health_loss_ratio", "gauge",
	  "Fraction of probes lost over the window (0..1).", true, U_PPM, loss },
	{ "hotline_health_probes_sent_total", "counter",
	  "Health probes sent.", true, U_COUNT, probes_sent },
	{ "hotline_health_probes_received_total", "counter",
	  "Valid replies to health probes.", true, U_COUNT, probes_recv },
	{ "hotline_health_probes_lost_total", "counter",
	  "Health probes never answered.", true, U_COUNT, lost },
	{ "hotline_health_probes_duplicate_total", "counter",
	  "Duplicate replies to health probes.", true, U_COUNT, dup },
	{ "hotline_health_probes_reordered_total", "counter",
	  "Replies to health probes that arrived out of order.", true, U_COUNT,
	  reordered },
	{ "hotline_health_probes_late_total", "counter",
	  "Replies that arrived after the detection time.", true, U_COUNT, late },
	{ "hotline_health_probes_malformed_total", "counter",
	  "Malformed health probe packets.", true, U_COUNT, malformed },
	{ "hotline_health_auth_failures_total", "counter",
	  "Health probe packets that failed authentication.", true, U_COUNT,
	  auth_failures },
	{ "hotline_health_reflected_total", "counter",
	  "The peer's test packets reflected.", true, U_COUNT, reflected },
	{ "hotline_health_reflect_limited_total", "counter",
	  "The peer's test packets not reflected: over the reflector's rate.", true,
	  U_COUNT, reflect_limited },
	{ "hotline_health_transitions_total", "counter",
	  "Health state changes.", true, U_COUNT, flaps },
	{ "hotline_health_last_change_timestamp_seconds", "gauge",
	  "Unix time of the last health state change.", true, U_NS, since },
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

struct labels {
	char channel[2 * HOTLINE_NAME_MAX + 3];
	char peer[2 * HL_FMT_MAX + 3];
};

static void labels_of(const struct hl_channel *ch, struct labels *l)
{
	char peer[HL_FMT_MAX];

	prometheus_label_escape(ch->name, l->channel, sizeof(l->channel));
	prometheus_label_escape(format_prefix(&ch->peer, peer), l->peer,
				sizeof(l->peer));
}

static bool family_has_series(bool health, const struct hl_channel *chs,
			      size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!health || channel_has_status(&chs[i]))
			return true;
	return false;
}

static void header(FILE *f, const char *name, const char *type,
		   const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void write_family(FILE *f, const struct family *fam,
			 const struct hl_channel *chs, size_t n)
{
	struct labels l;
	size_t i;

	if (!family_has_series(fam->health, chs, n))
		return;
	header(f, fam->name, fam->type, fam->help);
	for (i = 0; i < n; i++) {
		if (fam->health && !channel_has_status(&chs[i]))
			continue;
		labels_of(&chs[i], &l);
		fprintf(f, "%s{channel=\"%s\",peer=\"%s\"} ", fam->name,
			l.channel, l.peer);
		print_value(f, fam->get(&chs[i]), fam->unit);
		fputc('\n', f);
	}
}

static void write_state(FILE *f, const struct hl_channel *chs, size_t n)
{
	static const char name[] = "hotline_health_state";
	struct labels l;
	size_t i;
	unsigned int s;

	if (!family_has_series(true, chs, n))
		return;
	header(f, name, "gauge",
	       "Health state: 1 for the current state, 0 for the others.");
	for (i = 0; i < n; i++) {
		if (!channel_has_status(&chs[i]))
			continue;
		labels_of(&chs[i], &l);
		for (s = 0; s <= HOTLINE_STATE_MAX; s++)
			fprintf(f, "%s{channel=\"%s\",peer=\"%s\",state=\"%s\"} %d\n",
				name, l.channel, l.peer, health_state_name((uint8_t)s),
				chs[i].status.state == s);
	}
}

static void write_rtt(FILE *f, const struct hl_channel *chs, size_t n)
{
	static const char name[] = "hotline_health_rtt_seconds";
	struct labels l;
	size_t i;

	if (!family_has_series(true, chs, n))
		return;
	header(f, name, "gauge",
	       "Probe round-trip time quantiles over the window.");
	for (i = 0; i < n; i++) {
		const struct hl_status *s = &chs[i].status;
		const struct { const char *q; uint64_t v; } qs[] = {
			{ "0.5", s->rtt_p50 }, { "0.9", s->rtt_p90 },
			{ "0.99", s->rtt_p99 },
		};
		size_t q;

		if (!channel_has_status(&chs[i]))
			continue;
		labels_of(&chs[i], &l);
		for (q = 0; q < 3; q++) {
			fprintf(f, "%s{channel=\"%s\",peer=\"%s\",quantile=\"%s\"} ",
				name, l.channel, l.peer, qs[q].q);
			print_value(f, qs[q].v, U_NS);
			fputc('\n', f);
		}
	}
}

void prometheus_write(FILE *f, const struct hl_channel *chs, size_t n)
{
	size_t i;

	for (i = 0; i < 4; i++)
		write_family(f, &families[i], chs, n);
	write_state(f, chs, n);
	write_rtt(f, chs, n);
	for (i = 4; i < sizeof(families) / sizeof(families[0]); i++)
		write_family(f, &families[i], chs, n);
}
