// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `hotlinectl stats [NAME] [--prometheus|-p]`: the channels' counters.
 *
 * --prometheus: the text exposition described in prometheus.c, e.g. for
 * node_exporter's textfile collector or a scrape wrapper.
 *
 * Otherwise a table (packets and bytes per direction, and the probe
 * counters of channels with probing), or with -j an array of
 *   { "id": 1, "name": "cert", "peer": "198.51.100.0/24",
 *     "stats": { "rx_packets", "rx_bytes", "tx_packets", "tx_bytes" },
 *     "probes": null | { "sent", "received", "lost", "duplicates",
 *                        "reordered", "late", "auth_failures",
 *                        "malformed", "reflected", "reflect_limited",
 *                        "transitions" } }
 */
#include <stdlib.h>
#include <string.h>

#include "hotlinectl.h"
#include "nl.h"
#include "output.h"
#include "prometheus.h"
#include "status.h"

static const struct table_col stats_cols[] = {
	{ "NAME", false }, { "RX_PKTS", true }, { "RX_BYTES", true },
	{ "TX_PKTS", true }, { "TX_BYTES", true }, { "PROBES_TX", true },
	{ "PROBES_RX", true }, { "LOST", true }, { "DUP", true },
	{ "REORD", true }, { "LATE", true }, { "AUTHFAIL", true },
	{ "MALFORMED", true }, { "REFLECTED", true }, { "FLAPS", true },
};
#define NSTATS_COLS (sizeof(stats_cols) / sizeof(stats_cols[0]))

static void stats_table(const struct hl_channel *chs, size_t n)
{
	struct table *t = table_new(stats_cols, NSTATS_COLS);
	char cell[NSTATS_COLS][24];
	const char *cells[NSTATS_COLS];
	size_t i, c;

	for (i = 0; i < n; i++) {
		const struct hl_channel *ch = &chs[i];
		const struct hl_status *s = &ch->status;
		uint64_t v[NSTATS_COLS - 1] = {
			ch->stats.rx_packets, ch->stats.rx_bytes,
			ch->stats.tx_packets, ch->stats.tx_bytes,
			s->probes_sent, s->probes_recv, s->lost, s->duplicates,
			s->reordered, s->late, s->auth_failures, s->malformed,
			s->reflected, s->flaps,
		};

		memset(cells, 0, sizeof(cells));
		cells[0] = ch->name;
		for (c = 0; c < NSTATS_COLS - 1; c++) {
			if (c >= 4 && !channel_has_status(ch))
				break;	/* "-": no probing */
			snprintf(cell[c + 1], sizeof(cell[c + 1]), "%llu",
				 (unsigned long long)v[c]);
			cells[c + 1] = cell[c + 1];
		}
		table_add(t, cells);
	}
	table_print(t, stdout);
	table_free(t);
}

static void add_u64(json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

static json_object *probes_json(const struct hl_status *s)
{
	json_object *o = json_object_new_object();

	add_u64(o, "sent", s->probes_sent);
	add_u64(o, "received", s->probes_recv);
	add_u64(o, "lost", s->lost);
	add_u64(o, "duplicates", s->duplicates);
	add_u64(o, "reordered", s->reordered);
	add_u64(o, "late", s->late);
	add_u64(o, "auth_failures", s->auth_failures);
	add_u64(o, "malformed", s->malformed);
	add_u64(o, "reflected", s->reflected);
	add_u64(o, "reflect_limited", s->reflect_limited);
	add_u64(o, "transitions", s->flaps);
	return o;
}

static void stats_json(const struct hl_channel *chs, size_t n)
{
	json_object *arr = json_object_new_array();
	char peer[HL_FMT_MAX];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct hl_channel *ch = &chs[i];
		json_object *o = json_object_new_object();
		json_object *st = json_object_new_object();

		add_u64(o, "id", ch->id);
		json_object_object_add(o, "name", json_object_new_string(ch->name));
		json_object_object_add(o, "peer", json_object_new_string(
					       format_prefix(&ch->peer, peer)));
		add_u64(st, "rx_packets", ch->stats.rx_packets);
		add_u64(st, "rx_bytes", ch->stats.rx_bytes);
		add_u64(st, "tx_packets", ch->stats.tx_packets);
		add_u64(st, "tx_bytes", ch->stats.tx_bytes);
		json_object_object_add(o, "stats", st);
		json_object_object_add(o, "probes", channel_has_status(ch) ?
				       probes_json(&ch->status) : NULL);
		json_object_array_add(arr, o);
	}
	json_print(stdout, arr);
}

int cmd_stats(int argc, char **argv)
{
	char name[HOTLINE_NAME_MAX + 1];
	const char *wanted = NULL;
	struct hl_channel_list l = { 0 };
	struct parse_error e;
	bool prom = false;
	struct hl_nl nl;
	int i, err;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--prometheus") || !strcmp(argv[i], "-p") ||
		    !strcmp(argv[i], "prometheus")) {
			prom = true;
		} else if (!wanted) {
			if (parse_name(argv[i], name, &e))
				return invalid_arg("name", argv[i], &e);
			wanted = name;
		} else {
			return usage_error("usage: stats [NAME] [--prometheus]");
		}
	}
	if (prom && opts.json)
		return usage_error("stats: --prometheus and -j exclude each other");
	if (hlnl_open(&nl))
		return EXIT_ERROR;
	err = channels_fetch(&nl, wanted, &l);
	if (!err) {
		if (prom)
			prometheus_write(stdout, l.v, l.n);
		else if (opts.json)
			stats_json(l.v, l.n);
		else
			stats_table(l.v, l.n);
	}
	free(l.v);
	hlnl_close(&nl);
	return err ? EXIT_ERROR : EXIT_OK;
}
