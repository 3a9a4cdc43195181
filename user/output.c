// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hotlinectl's output. Every value is printed with the formatters of
 * parse.c, so what a table shows can be typed back into `channel add`.
 *
 * JSON (-j) is for scripts and keeps this shape; fields are only ever added.
 *
 * `channel show`: an array (also for one NAME) of channel objects:
 *   {
 *     "id": 1,                          kernel-assigned
 *     "name": "cert",
 *     "peer": "198.51.100.0/24",        prefix, always with its length
 *     "local": null | "203.0.113.0/24",
 *     "proto": "any" | "tcp" | "udp" | "icmp" | "sctp",
 *     "port": null | "443" | "1000-2000",
 *     "dscp": 46,                       0..63
 *     "dscp_name": "ef" | null,         null when the value has no name
 *     "priority": "7" | "1:10",         string: decimal, or MAJ:MIN class id
 *     "mark": "0x10",                   "0x0" leaves the mark alone
 *     "mark_mask": "0xffffffff",
 *     "health": null | {
 *       "probe": "198.51.100.7:862" | "[2001:db8::7]:862" | null (paths),
 *       "local_port": 862,
 *       "interval_ms": 1000,
 *       "detect_mult": 3,
 *       "authenticated": true,
 *       "max_loss_pct": 0,              0 = off
 *       "max_rtt_ms": 0                 0 = off
 *     },
 *     "stats": { "rx_packets": 0, "rx_bytes": 0,
 *                "tx_packets": 0, "tx_bytes": 0 },  always present
 *     "failback_ms": 5000,              0..600000
 *     "nonrevertive": false,
 *     "paths": [ {                      [] without paths; in preference order
 *         "name": "isp-a", "pref": 10, as given
 *         "mark": "0x100", "mark_mask": "0xff00",
 *         "local": "192.0.2.1", "probe": "198.51.100.1",
 *         "probe_port": null | 9000,    null: the channel's (health.probe_port)
 *         "interval_ms", "detect_mult", "max_loss_pct", "max_rtt_ms":
 *                                       null (the channel's) or the override
 *         "active": true,
 *         "route": null | { "via": "192.0.2.254" | null, "device": "wan1",
 *                   "table": 256 }      what hotlinectl installed (show -j);
 *                                       null when the admin routes the path
 *         "status": status object (`show -j` only; null before its session)
 *     } ],
 *     "active_path": "isp-a" | null,    null: no path is up (main table)
 *     "active_since": "2026-...Z" | null, "active_since_ns": 1795...,
 *     "switches": 3
 *   }
 *
 * `qdisc DEV [show]` (qdisc.c): { "dev": "eth0", "qdiscs": [...],
 *   "classes": [...], "filters": [...] }, each entry with "kind", "handle",
 *   "parent" (tc's notation, "root" for the root) and "stats"
 *   ({"bytes","packets","drops","overlimits","requeues","qlen","backlog"}),
 *   plus "rate"/"ceil" (bits per second) and "prio" for HTB classes and
 *   "bands"/"priomap" for prio, "default" for HTB, "classid" for filters.
 */
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "route.h"
#include "status.h"

struct table {
	const struct table_col *cols;
	size_t ncols, nrows, cap;
	char **cells;		/* nrows * ncols */
};

struct table *table_new(const struct table_col *cols, size_t ncols)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		abort();
	t->cols = cols;
	t->ncols = ncols;
	return t;
}

void table_add(struct table *t, const char *const *cells)
{
	size_t i;

	if (t->nrows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->cells = realloc(t->cells, t->cap * t->ncols * sizeof(char *));
		if (!t->cells)
			abort();
	}
	for (i = 0; i < t->ncols; i++) {
		char *c = strdup(cells[i] ? cells[i] : "-");

		if (!c)
			abort();
		t->cells[t->nrows * t->ncols + i] = c;
	}
	t->nrows++;
}

static void table_cell(FILE *f, const struct table_col *col, const char *s,
		       size_t width, bool last)
{
	int pad = (int)(width - strlen(s));

	if (col->right)
		fprintf(f, "%*s%s", pad, "", s);
	else if (last)
		fputs(s, f);
	else
		fprintf(f, "%s%*s", s, pad, "");
	if (!last)
		fputs("  ", f);
}

void table_print(const struct table *t, FILE *f)
{
	size_t *w = calloc(t->ncols, sizeof(*w));
	size_t r, c;

	if (!w)
		abort();
	for (c = 0; c < t->ncols; c++) {
		w[c] = strlen(t->cols[c].head);
		for (r = 0; r < t->nrows; r++) {
			size_t l = strlen(t->cells[r * t->ncols + c]);

			if (l > w[c])
				w[c] = l;
		}
	}
	for (c = 0; c < t->ncols; c++)
		table_cell(f, &t->cols[c], t->cols[c].head, w[c], c + 1 == t->ncols);
	fputc('\n', f);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++)
			table_cell(f, &t->cols[c], t->cells[r * t->ncols + c],
				   w[c], c + 1 == t->ncols);
		fputc('\n', f);
	}
	free(w);
}

void table_free(struct table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void json_print(FILE *f, json_object *o)
{
	fprintf(f, "%s\n", json_object_to_json_string_ext(o,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static json_object *jstr(const char *s)
{
	return json_object_new_string(s);
}

static json_object *health_json(const struct hl_channel *ch)
{
	const struct hl_health *h = &ch->health;
	json_object *o = json_object_new_object();
	char buf[HL_FMT_MAX];

	json_object_object_add(o, "probe", !ch->npaths ?
			       jstr(format_probe(&h->probe, buf)) : NULL);
	json_object_object_add(o, "probe_port", json_object_new_int(h->probe.port));
	json_object_object_add(o, "local_port", json_object_new_int(h->local_port));
	json_object_object_add(o, "interval_ms",
			       json_object_new_int64(h->interval_ms));
	json_object_object_add(o, "detect_mult",
			       json_object_new_int(h->detect_mult));
	json_object_object_add(o, "authenticated",
			       json_object_new_boolean(h->keyed));
	json_object_object_add(o, "max_loss_pct",
			       json_object_new_int64(h->max_loss_pct));
	json_object_object_add(o, "max_rtt_ms",
			       json_object_new_int64(h->max_rtt_ms));
	return o;
}

static json_object *stats_json(const struct hl_stats *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "rx_packets", json_object_new_uint64(s->rx_packets));
	json_object_object_add(o, "rx_bytes", json_object_new_uint64(s->rx_bytes));
	json_object_object_add(o, "tx_packets", json_object_new_uint64(s->tx_packets));
	json_object_object_add(o, "tx_bytes", json_object_new_uint64(s->tx_bytes));
	return o;
}

static json_object *opt_u32(const struct hl_path *p, uint32_t flag, uint32_t v)
{
	return (p->has & flag) ? json_object_new_int64(v) : NULL;
}

json_object *path_json(const struct hl_path *p)
{
	json_object *o = json_object_new_object();
	char buf[HL_FMT_MAX];

	json_object_object_add(o, "name", jstr(p->name));
	json_object_object_add(o, "pref", json_object_new_int(p->pref));
	json_object_object_add(o, "mark", jstr(format_hex32(p->mark, buf)));
	json_object_object_add(o, "mark_mask", jstr(format_hex32(p->mark_mask, buf)));
	json_object_object_add(o, "local",
			       jstr(format_path_addr(p->family, &p->local, buf)));
	json_object_object_add(o, "probe",
			       jstr(format_path_addr(p->family, &p->probe, buf)));
	json_object_object_add(o, "probe_port", opt_u32(p, HL_P_PROBE_PORT, p->probe_port));
	json_object_object_add(o, "interval_ms", opt_u32(p, HL_P_INTERVAL, p->interval_ms));
	json_object_object_add(o, "detect_mult", opt_u32(p, HL_P_DETECT_MULT,
							 p->detect_mult));
	json_object_object_add(o, "max_loss_pct", opt_u32(p, HL_P_MAX_LOSS,
							  p->max_loss_pct));
	json_object_object_add(o, "max_rtt_ms", opt_u32(p, HL_P_MAX_RTT, p->max_rtt_ms));
	json_object_object_add(o, "active", json_object_new_boolean(p->active));
	if (p->has_route) {
		json_object *r = json_object_new_object();

		json_object_object_add(r, "via", p->has_via ?
				       jstr(format_path_addr(p->family, &p->via, buf)) : NULL);
		json_object_object_add(r, "device", jstr(p->dev));
		json_object_object_add(r, "table",
				       json_object_new_int64(path_route_table(p)));
		json_object_object_add(o, "route", r);
	} else {
		json_object_object_add(o, "route", NULL);
	}
	return o;
}

static void failover_json(json_object *o, const struct hl_channel *ch)
{
	json_object *arr = json_object_new_array();
	char buf[HL_STATUS_FMT_MAX];
	unsigned int i;

	json_object_object_add(o, "failback_ms", json_object_new_int64(ch->failback_ms));
	json_object_object_add(o, "nonrevertive",
			       json_object_new_boolean(ch->nonrevertive));
	for (i = 0; i < ch->npaths; i++)
		json_object_array_add(arr, path_json(&ch->paths[i]));
	json_object_object_add(o, "paths", arr);
	json_object_object_add(o, "active_path", ch->active_path[0] ?
			       jstr(ch->active_path) : NULL);
	json_object_object_add(o, "active_since", ch->active_since_ns ?
			       jstr(format_time(ch->active_since_ns, buf)) : NULL);
	json_object_object_add(o, "active_since_ns",
			       json_object_new_uint64(ch->active_since_ns));
	json_object_object_add(o, "switches", json_object_new_uint64(ch->switches));
}

json_object *channel_json(const struct hl_channel *ch)
{
	json_object *o = json_object_new_object();
	const char *dname = dscp_name(ch->dscp);
	char buf[HL_FMT_MAX];

	json_object_object_add(o, "id", json_object_new_int64(ch->id));
	json_object_object_add(o, "name", jstr(ch->name));
	json_object_object_add(o, "peer", jstr(format_prefix(&ch->peer, buf)));
	json_object_object_add(o, "local", (ch->has & HL_HAS_LOCAL) ?
			       jstr(format_prefix(&ch->local, buf)) : NULL);
	json_object_object_add(o, "proto", jstr(proto_name(ch->proto)));
	json_object_object_add(o, "port", (ch->has & HL_HAS_PORT) ?
			       jstr(format_port_range(ch->port_min, ch->port_max,
						      buf)) : NULL);
	json_object_object_add(o, "dscp", json_object_new_int(ch->dscp));
	json_object_object_add(o, "dscp_name", dname ? jstr(dname) : NULL);
	json_object_object_add(o, "priority",
			       jstr(format_priority(ch->priority, buf)));
	json_object_object_add(o, "mark", jstr(format_hex32(ch->mark, buf)));
	json_object_object_add(o, "mark_mask",
			       jstr(format_hex32(ch->mark_mask, buf)));
	json_object_object_add(o, "health", (ch->has & HL_HAS_HEALTH) ?
			       health_json(ch) : NULL);
	json_object_object_add(o, "stats", stats_json(&ch->stats));
	failover_json(o, ch);
	return o;
}

/* In the words `channel add` and `path add` take, so it can be typed back. */
static void health_words(const struct hl_channel *ch, char *buf, size_t len)
{
	const struct hl_health *h = &ch->health;
	char probe[HL_FMT_MAX];
	unsigned int i;
	int n = 0;

	if (!ch->npaths)	/* with paths, each has its probe */
		n = snprintf(buf, len, "probe %s", format_probe(&h->probe, probe));
	for (i = 0; i < ch->npaths; i++)
		n += snprintf(buf + n, len - (size_t)n, "%s%s", i ? "," : "paths ",
			      ch->paths[i].name);
	if (h->local_port != HOTLINE_DEFAULT_STAMP_PORT)
		n += snprintf(buf + n, len - (size_t)n, " local-port %u",
			      h->local_port);
	n += snprintf(buf + n, len - (size_t)n, " interval %u detect-mult %u",
		      h->interval_ms, h->detect_mult);
	if (h->max_loss_pct)
		n += snprintf(buf + n, len - (size_t)n, " max-loss %u",
			      h->max_loss_pct);
	if (h->max_rtt_ms)
		n += snprintf(buf + n, len - (size_t)n, " max-rtt %u",
			      h->max_rtt_ms);
	snprintf(buf + n, len - (size_t)n, " %s",
		 h->keyed ? "keyed" : "unauthenticated");
}

static const struct table_col channel_cols[] = {
	{ "ID", true }, { "NAME", false }, { "PEER", false },
	{ "LOCAL", false }, { "PROTO", false }, { "PORT", false },
	{ "DSCP", false }, { "PRIORITY", false }, { "MARK", false },
	{ "RX_PKTS", true }, { "RX_BYTES", true },
	{ "TX_PKTS", true }, { "TX_BYTES", true },
	{ "HEALTH", false },
};

static const struct table_col channel_cols_nostats[] = {
	{ "ID", true }, { "NAME", false }, { "PEER", false },
	{ "LOCAL", false }, { "PROTO", false }, { "PORT", false },
	{ "DSCP", false }, { "PRIORITY", false }, { "MARK", false },
	{ "HEALTH", false },
};

void channels_print(FILE *f, const struct hl_channel *chs, size_t n,
		    bool json, bool stats)
{
	struct table *t;
	size_t i;

	if (json) {
		json_object *arr = json_object_new_array();

		for (i = 0; i < n; i++)
			json_object_array_add(arr, channel_json(&chs[i]));
		json_print(f, arr);
		return;
	}
	t = stats ? table_new(channel_cols, 14) :
		    table_new(channel_cols_nostats, 10);
	for (i = 0; i < n; i++) {
		const struct hl_channel *ch = &chs[i];
		char id[16], peer[HL_FMT_MAX], local[HL_FMT_MAX];
		char port[HL_FMT_MAX], dscp[HL_FMT_MAX], prio[HL_FMT_MAX];
		char mark[HL_FMT_MAX], health[256];
		char rxp[24], rxb[24], txp[24], txb[24];
		const char *cells[14];
		size_t c = 0;

		snprintf(id, sizeof(id), "%u", ch->id);
		cells[c++] = id;
		cells[c++] = ch->name;
		cells[c++] = format_prefix(&ch->peer, peer);
		cells[c++] = (ch->has & HL_HAS_LOCAL) ?
			     format_prefix(&ch->local, local) : NULL;
		cells[c++] = proto_name(ch->proto);
		cells[c++] = (ch->has & HL_HAS_PORT) ?
			     format_port_range(ch->port_min, ch->port_max, port) : NULL;
		cells[c++] = format_dscp(ch->dscp, dscp);
		cells[c++] = format_priority(ch->priority, prio);
		cells[c++] = ch->mark ? format_mark(ch->mark, ch->mark_mask, mark) :
			     NULL;
		if (stats) {
			snprintf(rxp, sizeof(rxp), "%llu",
				 (unsigned long long)ch->stats.rx_packets);
			snprintf(rxb, sizeof(rxb), "%llu",
				 (unsigned long long)ch->stats.rx_bytes);
			snprintf(txp, sizeof(txp), "%llu",
				 (unsigned long long)ch->stats.tx_packets);
			snprintf(txb, sizeof(txb), "%llu",
				 (unsigned long long)ch->stats.tx_bytes);
			cells[c++] = rxp;
			cells[c++] = rxb;
			cells[c++] = txp;
			cells[c++] = txb;
		}
		if (ch->has & HL_HAS_HEALTH) {
			health_words(ch, health, sizeof(health));
			cells[c++] = health;
		} else {
			cells[c++] = NULL;
		}
		table_add(t, cells);
	}
	table_print(t, f);
	table_free(t);
}
