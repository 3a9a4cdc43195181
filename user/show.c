// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `hotlinectl show [NAME]`: the health of each channel on one line.
 *
 *   NAME  PEER  STATE  SINCE  P50(ms)  P99(ms)  JITTER(ms)  LOSS(%)  PROBES
 *
 * STATE is "-" for a channel without probing; SINCE is how long ago the
 * state last changed; PROBES is sent/received. -s adds the channel's
 * packet counters and the probe anomaly counters.
 *
 * -j prints an array of the channel objects of `channel show -j` (see
 * output.c), each with one more member, "status": the object described at
 * the top of status.c, or null for a channel without probing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hotlinectl.h"
#include "nl.h"
#include "output.h"
#include "status.h"

static const struct table_col show_cols[] = {
	{ "NAME", false }, { "PEER", false }, { "STATE", false },
	{ "SINCE", true }, { "P50(ms)", true }, { "P99(ms)", true },
	{ "JITTER(ms)", true }, { "LOSS(%)", true }, { "PROBES", true },
	/* -s */
	{ "RX_PKTS", true }, { "RX_BYTES", true },
	{ "TX_PKTS", true }, { "TX_BYTES", true },
	{ "LOST", true }, { "DUP", true }, { "REORD", true }, { "LATE", true },
	{ "AUTHFAIL", true }, { "MALFORMED", true }, { "FLAPS", true },
};
#define SHOW_BASE_COLS	9
#define SHOW_ALL_COLS	(sizeof(show_cols) / sizeof(show_cols[0]))

static void show_table(const struct hl_channel *chs, size_t n, bool stats)
{
	struct table *t = table_new(show_cols, stats ? SHOW_ALL_COLS :
				    SHOW_BASE_COLS);
	uint64_t now = realtime_ns();
	char cell[SHOW_ALL_COLS][HL_FMT_MAX];
	const char *cells[SHOW_ALL_COLS];
	size_t i, c;

	for (i = 0; i < n; i++) {
		const struct hl_channel *ch = &chs[i];
		const struct hl_status *s = &ch->status;
		bool st = channel_has_status(ch);
		uint64_t counters[] = {
			ch->stats.rx_packets, ch->stats.rx_bytes,
			ch->stats.tx_packets, ch->stats.tx_bytes,
			s->lost, s->duplicates, s->reordered, s->late,
			s->auth_failures, s->malformed, s->flaps,
		};

		memset(cells, 0, sizeof(cells));
		cells[0] = ch->name;
		cells[1] = format_prefix(&ch->peer, cell[1]);
		if (st) {
			cells[2] = health_state_name(s->state);
			cells[3] = format_ago(now, s->since_ns, cell[3]);
			cells[4] = format_ms(s->rtt_p50, cell[4]);
			cells[5] = format_ms(s->rtt_p99, cell[5]);
			cells[6] = format_ms(s->jitter, cell[6]);
			cells[7] = format_loss_pct(s->loss_ppm, cell[7]);
			snprintf(cell[8], sizeof(cell[8]), "%llu/%llu",
				 (unsigned long long)s->probes_sent,
				 (unsigned long long)s->probes_recv);
			cells[8] = cell[8];
		}
		for (c = 0; stats && c < sizeof(counters) / sizeof(counters[0]); c++) {
			size_t col = SHOW_BASE_COLS + c;

			/* probe counters mean nothing without probing */
			if (c >= 4 && !st)
				continue;
			snprintf(cell[col], sizeof(cell[col]), "%llu",
				 (unsigned long long)counters[c]);
			cells[col] = cell[col];
		}
		table_add(t, cells);
	}
	table_print(t, stdout);
	table_free(t);
}

static void show_json(const struct hl_channel *chs, size_t n)
{
	json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_object *o = channel_json(&chs[i]);

		json_object_object_add(o, "status", channel_has_status(&chs[i]) ?
				       status_json(&chs[i].status) : NULL);
		json_object_array_add(arr, o);
	}
	json_print(stdout, arr);
}

int cmd_show(int argc, char **argv)
{
	char name[HOTLINE_NAME_MAX + 1];
	struct hl_channel_list l = { 0 };
	struct parse_error e;
	struct hl_nl nl;
	int err;

	if (argc > 2)
		return usage_error("usage: show [NAME]");
	if (argc == 2 && parse_name(argv[1], name, &e))
		return invalid_arg("name", argv[1], &e);
	if (hlnl_open(&nl))
		return EXIT_ERROR;
	err = channels_fetch(&nl, argc == 2 ? name : NULL, &l);
	if (!err) {
		if (opts.json)
			show_json(l.v, l.n);
		else
			show_table(l.v, l.n, opts.stats);
	}
	free(l.v);
	hlnl_close(&nl);
	return err ? EXIT_ERROR : EXIT_OK;
}
