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
 * A channel with paths is followed by one line per path, in preference
 * order, with that path's session; NAME is the path's, indented, and
 * the active one says since when it carries the traffic, PEER is the
 * path's probe address:
 *
 *   cert                        198.51.100.0/24  up    3m12s ...
 *     isp-a (active 3m12s)      198.51.100.1     up    3m15s ...
 *     isp-b                     203.0.113.1      down  10s   ...
 *
 * The channel's STATE is its traffic's (see channel_state()): with no
 * path up it is down, whatever the sessions' own states.
 *
 * -j prints an array of the channel objects of `channel show -j` (see
 * output.c), each with one more member, "status": the object described at
 * the top of status.c, or null for a channel without probing; each of its
 * "paths" gets its "status" too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hotlinectl.h"
#include "nl.h"
#include "output.h"
#include "route.h"
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

struct show_row {
	char cell[SHOW_ALL_COLS][HL_FMT_MAX];
	const char *cells[SHOW_ALL_COLS];
};

/* STATE .. PROBES and the probe counters of one session. */
static void status_cells(struct show_row *r, const struct hl_status *s,
			 uint8_t state, uint64_t now, bool stats)
{
	const uint64_t counters[] = {
		s->lost, s->duplicates, s->reordered, s->late,
		s->auth_failures, s->malformed, s->flaps,
	};
	size_t c;

	r->cells[2] = health_state_name(state);
	r->cells[3] = format_ago(now, s->since_ns, r->cell[3]);
	r->cells[4] = format_ms(s->rtt_p50, r->cell[4]);
	r->cells[5] = format_ms(s->rtt_p99, r->cell[5]);
	r->cells[6] = format_ms(s->jitter, r->cell[6]);
	r->cells[7] = format_loss_pct(s->loss_ppm, r->cell[7]);
	snprintf(r->cell[8], sizeof(r->cell[8]), "%llu/%llu",
		 (unsigned long long)s->probes_sent,
		 (unsigned long long)s->probes_recv);
	r->cells[8] = r->cell[8];
	for (c = 0; stats && c < sizeof(counters) / sizeof(counters[0]); c++) {
		size_t col = SHOW_BASE_COLS + 4 + c;

		snprintf(r->cell[col], sizeof(r->cell[col]), "%llu",
			 (unsigned long long)counters[c]);
		r->cells[col] = r->cell[col];
	}
}

static void channel_row(struct table *t, const struct hl_channel *ch,
			uint64_t now, bool stats)
{
	const uint64_t counters[] = {
		ch->stats.rx_packets, ch->stats.rx_bytes,
		ch->stats.tx_packets, ch->stats.tx_bytes,
	};
	struct show_row r;
	size_t c;

	memset(r.cells, 0, sizeof(r.cells));
	r.cells[0] = ch->name;
	r.cells[1] = format_prefix(&ch->peer, r.cell[1]);
	/* probe counters mean nothing without probing */
	if (channel_has_status(ch))
		status_cells(&r, &ch->status, channel_state(ch), now, stats);
	for (c = 0; stats && c < 4; c++) {
		snprintf(r.cell[SHOW_BASE_COLS + c], HL_FMT_MAX, "%llu",
			 (unsigned long long)counters[c]);
		r.cells[SHOW_BASE_COLS + c] = r.cell[SHOW_BASE_COLS + c];
	}
	table_add(t, r.cells);
}

static void path_row(struct table *t, const struct hl_channel *ch,
		     const struct hl_path *p, uint64_t now, bool stats)
{
	char ago[HL_STATUS_FMT_MAX];
	struct show_row r;

	memset(r.cells, 0, sizeof(r.cells));
	if (p->active)
		snprintf(r.cell[0], HL_FMT_MAX, "  %s (active %s)", p->name,
			 format_ago(now, ch->active_since_ns, ago));
	else
		snprintf(r.cell[0], HL_FMT_MAX, "  %s", p->name);
	r.cells[0] = r.cell[0];
	r.cells[1] = format_path_addr(p->family, &p->probe, r.cell[1]);
	/* no status: configured a moment ago, its session not started yet */
	if (p->has & HL_P_STATUS)
		status_cells(&r, &p->status, p->status.state, now, stats);
	table_add(t, r.cells);
}

static void show_table(const struct hl_channel *chs, size_t n, bool stats)
{
	struct table *t = table_new(show_cols, stats ? SHOW_ALL_COLS :
				    SHOW_BASE_COLS);
	uint64_t now = realtime_ns();
	unsigned int j;
	size_t i;

	for (i = 0; i < n; i++) {
		channel_row(t, &chs[i], now, stats);
		for (j = 0; j < chs[i].npaths; j++)
			path_row(t, &chs[i], &chs[i].paths[j], now, stats);
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

		json_object *paths = json_object_object_get(o, "paths");
		unsigned int j;

		json_object_object_add(o, "status", channel_has_status(&chs[i]) ?
				       status_json(&chs[i].status) : NULL);
		for (j = 0; j < chs[i].npaths; j++) {
			const struct hl_path *p = &chs[i].paths[j];

			json_object_object_add(json_object_array_get_idx(paths, j),
					       "status", (p->has & HL_P_STATUS) ?
					       status_json(&p->status) : NULL);
		}
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
	if (!err && opts.json)
		channels_attach_routes(l.v, l.n);
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
