// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hotline.conf, read and written. A hand parser rather than a library: the
 * format is small, and a hand parser can report every mistake with its line
 * instead of stopping at the first. Values go through parse.c, so a file
 * accepts exactly what the command line accepts, and the printer uses the
 * formatters of parse.c, so what it prints parses back to the same channel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "key.h"

#define LINE_MAX_LEN	4096
#define FILE_MAX_LEN	(16u << 20)

enum conf_key {
	K_PEER, K_LOCAL, K_PROTOCOL, K_PORT, K_DSCP, K_PRIORITY, K_MARK,
	K_PROBE, K_LOCALPORT, K_INTERVAL, K_DETECTMULT, K_KEYFILE, K_UNAUTH,
	K_MAXLOSS, K_MAXRTT, K_FAILBACK, K_REVERTIVE, K_PREFERENCE, K_VIA,
	K_DEVICE, K_TABLE,
	/* [Interface DEV] */
	K_QDISC, K_RATE, K_GUARD, K_GUARDRATE, K_GUARDBURST, K_GUARDBYTES,
	K_GUARDBYTEBURST, K_COUNT
};

/* Spelled as the documentation and the printer spell them. */
static const char *const key_names[K_COUNT] = {
	[K_PEER] = "Peer", [K_LOCAL] = "Local", [K_PROTOCOL] = "Protocol",
	[K_PORT] = "Port", [K_DSCP] = "DSCP", [K_PRIORITY] = "Priority",
	[K_MARK] = "Mark", [K_PROBE] = "Probe", [K_LOCALPORT] = "LocalPort",
	[K_INTERVAL] = "Interval", [K_DETECTMULT] = "DetectMult",
	[K_KEYFILE] = "KeyFile", [K_UNAUTH] = "Unauthenticated",
	[K_MAXLOSS] = "MaxLoss", [K_MAXRTT] = "MaxRTT",
	[K_FAILBACK] = "FailbackHold", [K_REVERTIVE] = "Revertive",
	[K_PREFERENCE] = "Preference", [K_VIA] = "Via", [K_DEVICE] = "Device",
	[K_TABLE] = "Table", [K_QDISC] = "Qdisc", [K_RATE] = "Rate",
	[K_GUARD] = "Guard", [K_GUARDRATE] = "GuardRate",
	[K_GUARDBURST] = "GuardBurst", [K_GUARDBYTES] = "GuardBytes",
	[K_GUARDBYTEBURST] = "GuardByteBurst",
};

/* The keys of an [Interface DEV] section, and only of it. */
static bool key_is_iface(enum conf_key k)
{
	return k >= K_QDISC && k < K_COUNT;
}

/* The keys of a [Path CHANNEL NAME] section; the rest are the channel's. */
static bool key_is_path(enum conf_key k)
{
	return k == K_LOCAL || k == K_PROBE || k == K_MARK || k == K_PREFERENCE ||
	       k == K_INTERVAL || k == K_DETECTMULT || k == K_MAXLOSS || k == K_MAXRTT ||
	       k == K_VIA || k == K_DEVICE || k == K_TABLE;
}

/* The keys that only mean something with Probe (or paths). */
static bool key_is_health(enum conf_key k)
{
	return k >= K_LOCALPORT && k <= K_MAXRTT;
}

/* The keys that only mean something with paths. */
static bool key_is_failover(enum conf_key k)
{
	return k == K_FAILBACK || k == K_REVERTIVE;
}

#define MAX_RTT_MS	3600000u

struct parser {
	struct conf *c;
	const char *fname;
	const char *base_dir;
	unsigned int flags;
	unsigned int line;
	/* the section being read */
	enum { SEC_NONE, SEC_CHANNEL, SEC_PATH, SEC_IFACE, SEC_IGNORED } sec;
	struct conf_channel cur;
	struct conf_path {		/* a [Path CHANNEL NAME] section */
		char channel[HOTLINE_NAME_MAX + 1];
		struct hl_path path;
		uint8_t local_family, probe_family, via_family;
		unsigned int line;
	} cur_path, *paths;		/* read, attached at the end */
	size_t npaths;
	/* what the health rules need of each channel, once paths are known */
	struct chan_keys {
		char name[HOTLINE_NAME_MAX + 1];
		unsigned int line;
		unsigned int key_line[K_COUNT];
		bool key_bad[K_COUNT];
		bool unauth;
	} *chans;
	size_t nchans;
	bool cur_dup;			/* a repeated name: checked, not kept */
	bool unauth;			/* Unauthenticated = yes */
	unsigned int key_line[K_COUNT];	/* 0: not given */
	bool key_bad[K_COUNT];		/* given with a value refused */
	bool syntax_bad;		/* a line that is not KEY = VALUE */
	size_t errors_at_start;
	unsigned int *error_lines;	/* of c->errors, to sort them */
	struct seen_name {		/* every section name, kept or not */
		char name[HOTLINE_NAME_MAX + 1];
		unsigned int line;
	} *seen;
	size_t nseen, seen_cap;
	struct name_index seen_ix;	/* name -> index in seen */
	struct conf_iface cur_if;	/* an [Interface DEV] section */
	struct seen_if {		/* every interface named, kept or not */
		char dev[IF_NAMESIZE];
		unsigned int line;
	} *ifseen;
	size_t nifseen;
};

static void conf_error(struct parser *p, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void conf_error(struct parser *p, unsigned int line, const char *fmt, ...)
{
	struct conf *c = p->c;
	char *msg, *full;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	if (line)
		n = asprintf(&full, "%s:%u: %s", p->fname, line, msg);
	else
		n = asprintf(&full, "%s: %s", p->fname, msg);
	free(msg);
	if (n < 0)
		abort();
	c->errors = realloc(c->errors, (c->nerrors + 1) * sizeof(*c->errors));
	p->error_lines = realloc(p->error_lines,
				 (c->nerrors + 1) * sizeof(*p->error_lines));
	if (!c->errors || !p->error_lines)
		abort();
	p->error_lines[c->nerrors] = line;
	c->errors[c->nerrors++] = full;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/*
 * A comment starts a line, or follows whitespace or the =. The = counts
 * because conf_print writes "KEY = VALUE": a KeyFile "#k" read from
 * "KeyFile =#k" would print back as a comment and lose the key.
 */
static void strip_comment(char *s)
{
	char *q;

	for (q = s; *q; q++) {
		if ((*q == '#' || *q == ';') &&
		    (q == s || q[-1] == ' ' || q[-1] == '\t' || q[-1] == '=')) {
			*q = '\0';
			return;
		}
	}
}

static int parse_bool(const char *s, bool *v, struct parse_error *e)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (!strcasecmp(s, yes[i])) {
			*v = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*v = false;
			return 0;
		}
	}
	snprintf(e->why, sizeof(e->why), "must be yes or no");
	return -1;
}

static char *key_path(const struct parser *p, const char *v)
{
	char *path;

	if (v[0] == '/' || !p->base_dir)
		path = strdup(v);
	else if (asprintf(&path, "%s/%s", p->base_dir, v) < 0)
		path = NULL;
	if (!path)
		abort();
	return path;
}

/* Parses one value into the section's channel; -1 with e set when bad. */
static int key_value(struct parser *p, enum conf_key k, const char *v,
		     struct parse_error *e)
{
	struct hl_channel *ch = &p->cur.ch;
	struct hl_health *h = &ch->health;
	bool revertive;
	uint32_t n;

	switch (k) {
	case K_PEER:
		ch->has |= HL_HAS_PEER;
		return parse_prefix(v, &ch->peer, e);
	case K_LOCAL:
		ch->has |= HL_HAS_LOCAL;
		return parse_prefix(v, &ch->local, e);
	case K_PROTOCOL:
		return parse_proto(v, &ch->proto, e);
	case K_PORT:
		ch->has |= HL_HAS_PORT;
		return parse_port_range(v, &ch->port_min, &ch->port_max, e);
	case K_DSCP:
		return parse_dscp(v, &ch->dscp, e);
	case K_PRIORITY:
		return parse_priority(v, &ch->priority, e);
	case K_MARK:
		return parse_mark(v, &ch->mark, &ch->mark_mask, e);
	case K_PROBE:
		h->has |= HL_H_PROBE;
		return parse_probe(v, HOTLINE_DEFAULT_STAMP_PORT, &h->probe, e);
	case K_LOCALPORT:
		return parse_port(v, &h->local_port, e);
	case K_INTERVAL:
		return parse_duration_ms(v, HOTLINE_MIN_INTERVAL_MS,
					 HOTLINE_MAX_INTERVAL_MS, &h->interval_ms, e);
	case K_DETECTMULT:
		if (parse_u32(v, 1, 255, &n, e))
			return -1;
		h->detect_mult = (uint8_t)n;
		return 0;
	case K_KEYFILE:
		free(p->cur.key_file);
		p->cur.key_file = key_path(p, v);
		h->has |= HL_H_KEY;
		h->keyed = true;
		if (!(p->flags & CONF_READ_KEYS))
			return 0;
		return key_file_read(p->cur.key_file, h->key, e);
	case K_UNAUTH:
		return parse_bool(v, &p->unauth, e);
	case K_MAXLOSS:
		return parse_percent(v, &h->max_loss_pct, e);
	case K_MAXRTT:
		return parse_duration_ms(v, 0, MAX_RTT_MS, &h->max_rtt_ms, e);
	case K_FAILBACK:
		return parse_duration_ms(v, 0, HOTLINE_MAX_FAILBACK_MS, &ch->failback_ms, e);
	case K_REVERTIVE:
		if (parse_bool(v, &revertive, e))
			return -1;
		ch->nonrevertive = !revertive;
		return 0;
	default:	/* a path's or an interface's: refused before */
		break;
	}
	return -1;
}

/* Parses one value into the path section's path; -1 with e set when bad. */
static int path_key_value(struct parser *p, enum conf_key k, const char *v,
			  struct parse_error *e)
{
	struct conf_path *cp = &p->cur_path;
	struct hl_path *path = &cp->path;
	uint32_t n;

	switch (k) {
	case K_LOCAL:
		return parse_path_addr(v, &cp->local_family, &path->local, e);
	case K_PROBE:
		if (parse_path_probe(v, &cp->probe_family, &path->probe,
				     &path->probe_port, e))
			return -1;
		if (path->probe_port)
			path->has |= HL_P_PROBE_PORT;
		return 0;
	case K_MARK:
		return parse_mark(v, &path->mark, &path->mark_mask, e);
	case K_PREFERENCE:
		if (parse_u32(v, 0, 255, &n, e))
			return -1;
		path->pref = (uint8_t)n;
		return 0;
	case K_INTERVAL:
		path->has |= HL_P_INTERVAL;
		return parse_duration_ms(v, HOTLINE_MIN_INTERVAL_MS,
					 HOTLINE_MAX_INTERVAL_MS, &path->interval_ms, e);
	case K_DETECTMULT:
		path->has |= HL_P_DETECT_MULT;
		if (parse_u32(v, 1, 255, &n, e))
			return -1;
		path->detect_mult = (uint8_t)n;
		return 0;
	case K_MAXLOSS:
		path->has |= HL_P_MAX_LOSS;
		return parse_percent(v, &path->max_loss_pct, e);
	case K_MAXRTT:
		path->has |= HL_P_MAX_RTT;
		return parse_duration_ms(v, 0, MAX_RTT_MS, &path->max_rtt_ms, e);
	case K_VIA:
		path->has_via = true;
		return parse_path_addr(v, &cp->via_family, &path->via, e);
	case K_DEVICE:
		if (!ifname_is_valid(v))
			return parse_fail(e, "must be a device name (1..%d bytes, no / : "
					  "or spaces)", IF_NAMESIZE - 1);
		path->has_route = true;
		snprintf(path->dev, sizeof(path->dev), "%s", v);
		return 0;
	case K_TABLE:
		return parse_path_table(v, &path->table, e);
	default:
		break;
	}
	return -1;
}

static bool port_proto(uint8_t proto)
{
	return proto == HOTLINE_PROTO_TCP || proto == HOTLINE_PROTO_UDP ||
	       proto == HOTLINE_PROTO_SCTP;
}

static void section_reset(struct parser *p)
{
	memset(&p->cur, 0, sizeof(p->cur));
	channel_init(&p->cur.ch);
	p->cur.ch.health.probe.port = HOTLINE_DEFAULT_STAMP_PORT;
	p->cur.ch.health.local_port = HOTLINE_DEFAULT_STAMP_PORT;
	p->cur.ch.health.interval_ms = HOTLINE_DEFAULT_INTERVAL_MS;
	p->cur.ch.health.detect_mult = HOTLINE_DEFAULT_DETECT_MULT;
	memset(&p->cur_path, 0, sizeof(p->cur_path));
	path_init(&p->cur_path.path);
	p->cur_dup = false;
	p->unauth = false;
	p->syntax_bad = false;
	memset(p->key_line, 0, sizeof(p->key_line));
	memset(p->key_bad, 0, sizeof(p->key_bad));
}

/* Keeps what the health rules need until the paths are known. */
static void chan_keys_save(struct parser *p)
{
	struct chan_keys *k;

	if (p->cur_dup)
		return;
	p->chans = realloc(p->chans, (p->nchans + 1) * sizeof(*p->chans));
	if (!p->chans)
		abort();
	k = &p->chans[p->nchans++];
	memcpy(k->name, p->cur.ch.name, sizeof(k->name));
	k->line = p->cur.line;
	memcpy(k->key_line, p->key_line, sizeof(k->key_line));
	memcpy(k->key_bad, p->key_bad, sizeof(k->key_bad));
	k->unauth = p->unauth;
}

/* The rules within one [Path CHANNEL NAME] section. */
static void path_section_end(struct parser *p)
{
	static const enum conf_key required[] = { K_LOCAL, K_PROBE, K_MARK };
	struct conf_path *cp = &p->cur_path;
	struct parse_error e;
	size_t i;

	if (p->cur_dup)
		return;
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!p->key_line[required[i]] && !p->syntax_bad)
			conf_error(p, cp->line, "path \"%s\" of channel \"%s\" has no %s",
				   cp->path.name, cp->channel, key_names[required[i]]);
	if (p->key_line[K_LOCAL] && p->key_line[K_PROBE] && !p->key_bad[K_LOCAL] &&
	    !p->key_bad[K_PROBE] && cp->local_family != cp->probe_family) {
		conf_error(p, p->key_line[K_PROBE],
			   "Local and Probe must both be IPv4 or both IPv6");
		return;
	}
	if (p->key_line[K_LOCAL] && p->key_line[K_VIA] && !p->key_bad[K_LOCAL] &&
	    !p->key_bad[K_VIA] && cp->local_family != cp->via_family) {
		conf_error(p, p->key_line[K_VIA], "Via must be of the path's address "
			   "family (its Local's)");
		return;
	}
	if ((p->key_line[K_VIA] || p->key_line[K_TABLE]) && !p->key_line[K_DEVICE] &&
	    !p->syntax_bad) {
		conf_error(p, p->key_line[K_VIA] ? p->key_line[K_VIA] : p->key_line[K_TABLE],
			   "%s needs Device: the path's route is installed only with "
			   "its device", p->key_line[K_VIA] ? "Via" : "Table");
		return;
	}
	if (p->c->nerrors > p->errors_at_start)
		return;
	cp->path.family = cp->local_family;
	if (path_check(&cp->path, &e)) {
		conf_error(p, p->key_line[K_MARK], "%s", e.why);
		return;
	}
	p->paths = realloc(p->paths, (p->npaths + 1) * sizeof(*p->paths));
	if (!p->paths)
		abort();
	p->paths[p->npaths++] = *cp;
}

static void iface_section_end(struct parser *p);

/* The rules across keys, once the whole section has been read. */
static void section_end(struct parser *p)
{
	struct conf_channel *cc = &p->cur;
	struct hl_channel *ch = &cc->ch;
	struct hl_health *h = &ch->health;
	const char *name = ch->name;
	struct conf *c = p->c;

	if (p->sec == SEC_PATH) {
		path_section_end(p);
		goto out;
	}
	if (p->sec == SEC_IFACE) {
		iface_section_end(p);
		goto out;
	}
	if (p->sec != SEC_CHANNEL)
		goto out;
	/*
	 * A rule is checked only when the keys it is about were read well:
	 * one mistake gets one message, not a cascade.
	 */
	if (!p->key_line[K_PEER] && !p->syntax_bad)
		conf_error(p, cc->line, "channel \"%s\" has no Peer", name);
	if (p->key_line[K_PEER] && p->key_line[K_LOCAL] && !p->key_bad[K_PEER] &&
	    !p->key_bad[K_LOCAL] && ch->local.family != ch->peer.family)
		conf_error(p, p->key_line[K_LOCAL],
			   "Local and Peer must both be IPv4 or both IPv6");
	if (p->key_line[K_PORT] && !p->key_bad[K_PORT] &&
	    !p->key_bad[K_PROTOCOL] && !port_proto(ch->proto))
		conf_error(p, p->key_line[K_PORT],
			   "Port needs Protocol tcp, udp or sctp");
	chan_keys_save(p);
	ch->has |= HL_HAS_PROTO | HL_HAS_DSCP | HL_HAS_PRIORITY | HL_HAS_MARK |
		   HL_HAS_FAILBACK | HL_HAS_REVERTIVE;
	if (p->cur_dup || c->nerrors > p->errors_at_start)
		goto out;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->v = realloc(c->v, c->cap * sizeof(*c->v));
		if (!c->v)
			abort();
	}
	/* the name is new: a repeated one set cur_dup above */
	if (name_index_put(&c->ix, cc->ch.name, c->n) < 0)
		abort();
	c->v[c->n++] = *cc;
	p->sec = SEC_NONE;
	return;
out:
	free(cc->key_file);
	explicit_bzero(h->key, sizeof(h->key));
	p->sec = SEC_NONE;
}

/* [Path CHANNEL NAME]; the channel may come later in the file. */
static void path_section_start(struct parser *p, char *words)
{
	struct conf_path *cp = &p->cur_path;
	char *pname = words + strcspn(words, " \t");
	struct parse_error e;
	size_t i;

	p->sec = SEC_PATH;
	cp->line = p->line;
	p->cur_dup = true;	/* until the header is known good */
	if (*pname)
		*pname++ = '\0';
	pname = trim(pname);
	if (!*words || !*pname || strpbrk(pname, " \t")) {
		conf_error(p, p->line, "a path section is [Path CHANNEL NAME]");
		return;
	}
	if (parse_name(words, cp->channel, &e)) {
		conf_error(p, p->line, "invalid channel name \"%s\": %s", words, e.why);
		return;
	}
	if (parse_path_name(pname, cp->path.name, &e)) {
		conf_error(p, p->line, "invalid path name \"%s\": %s", pname, e.why);
		return;
	}
	for (i = 0; i < p->npaths; i++) {
		if (!strcmp(p->paths[i].channel, cp->channel) &&
		    !strcmp(p->paths[i].path.name, cp->path.name)) {
			conf_error(p, p->line, "duplicate path \"%s\" of channel \"%s\" "
				   "(first at line %u)", cp->path.name, cp->channel,
				   p->paths[i].line);
			return;
		}
	}
	p->cur_dup = false;
}

/* ---- [Interface DEV] ---- */

static const char *const qdisc_names[] = {
	[CONF_QDISC_NONE] = "none", [CONF_QDISC_PRIO] = "prio",
	[CONF_QDISC_HTB] = "htb",
};

const char *conf_qdisc_name(enum conf_qdisc q)
{
	return (unsigned int)q < 3 ? qdisc_names[q] : "?";
}

uint64_t conf_guard_burst(uint64_t rate)
{
	return rate < GUARD_MAX_BURST ? rate : GUARD_MAX_BURST;
}

/* A guard burst as `guard attach` takes it, within what the guard holds. */
static int parse_guard_burst(const char *v, uint64_t *burst, struct parse_error *e)
{
	uint32_t n;

	if (parse_u32(v, 1, UINT32_MAX, &n, e))
		return -1;
	if (n > GUARD_MAX_BURST)
		return parse_fail(e, "must be at most %llu",
				  (unsigned long long)GUARD_MAX_BURST);
	*burst = n;
	return 0;
}

/* Parses one value into the interface section; -1 with e set when bad. */
static int iface_key_value(struct parser *p, enum conf_key k, const char *v,
			   struct parse_error *e)
{
	struct conf_iface *f = &p->cur_if;
	uint32_t n;
	size_t i;

	switch (k) {
	case K_QDISC:
		for (i = 0; i < sizeof(qdisc_names) / sizeof(qdisc_names[0]); i++) {
			if (!strcmp(v, qdisc_names[i])) {
				f->qdisc = (enum conf_qdisc)i;
				return 0;
			}
		}
		return parse_fail(e, "must be prio, htb or none");
	case K_RATE:
		return parse_rate(v, &f->rate, e);
	case K_GUARD:
		if (!strcmp(v, "none")) {
			f->guard = false;
			return 0;
		}
		if (guard_mode_lookup(v, &f->guard_mode))
			return parse_fail(e, "must be none (no guard) or a guard mode: "
					  "off, monitor, enforce or auto");
		f->guard = true;
		return 0;
	case K_GUARDRATE:
		if (parse_u32(v, 1, UINT32_MAX, &n, e))
			return -1;
		f->limits.pps = n;
		return 0;
	case K_GUARDBURST:
		return parse_guard_burst(v, &f->limits.pps_burst, e);
	case K_GUARDBYTES:
		if (parse_rate(v, &f->limits.bps, e))
			return -1;
		if (f->limits.bps / 8 > GUARD_MAX_RATE)
			return parse_fail(e, "must be at most %llu bytes a second",
					  (unsigned long long)GUARD_MAX_RATE);
		f->limits.bps /= 8;	/* the guard counts bytes */
		return 0;
	case K_GUARDBYTEBURST:
		return parse_guard_burst(v, &f->limits.bps_burst, e);
	default:
		break;
	}
	return -1;
}

/* "needs" rules across the section's keys, each said at the key. */
static void iface_rules(struct parser *p)
{
	static const struct {
		enum conf_key key, needs;
	} needs_key[] = {
		{ K_GUARDBURST, K_GUARDRATE }, { K_GUARDBYTEBURST, K_GUARDBYTES },
	};
	const struct conf_iface *f = &p->cur_if;
	const unsigned int *line = p->key_line;
	bool qdisc_ok = line[K_QDISC] && !p->key_bad[K_QDISC];
	bool guard_ok = line[K_GUARD] && !p->key_bad[K_GUARD];
	enum conf_key k;
	size_t i;

	if (line[K_RATE] && (!line[K_QDISC] || (qdisc_ok && f->qdisc != CONF_QDISC_HTB)))
		conf_error(p, line[K_RATE], "Rate needs Qdisc = htb (prio and none "
			   "take no rate)");
	if (qdisc_ok && f->qdisc == CONF_QDISC_HTB && !line[K_RATE] && !p->syntax_bad)
		conf_error(p, line[K_QDISC], "Qdisc = htb needs Rate (the link's "
			   "rate, like 100mbit)");
	for (k = K_GUARDRATE; k <= K_GUARDBYTEBURST; k++)
		if (line[k] && (!line[K_GUARD] || (guard_ok && !f->guard)))
			conf_error(p, line[k], "%s needs Guard = off, monitor, enforce "
				   "or auto", key_names[k]);
	for (i = 0; i < sizeof(needs_key) / sizeof(needs_key[0]); i++)
		if (line[needs_key[i].key] && !line[needs_key[i].needs] &&
		    guard_ok && f->guard)
			conf_error(p, line[needs_key[i].key], "%s needs %s",
				   key_names[needs_key[i].key],
				   key_names[needs_key[i].needs]);
}

static void iface_section_end(struct parser *p)
{
	struct conf_iface *f = &p->cur_if;
	struct conf *c = p->c;

	if (p->cur_dup)
		return;
	iface_rules(p);
	if (c->nerrors > p->errors_at_start)
		return;
	/* what the kernel keeps: HTB rates are whole bytes a second */
	f->rate -= f->rate % 8;
	/* as the guard fills them in, so the file compares to what it reports */
	if (f->limits.pps && !f->limits.pps_burst)
		f->limits.pps_burst = conf_guard_burst(f->limits.pps);
	if (f->limits.bps && !f->limits.bps_burst)
		f->limits.bps_burst = conf_guard_burst(f->limits.bps);
	c->ifs = realloc(c->ifs, (c->nifs + 1) * sizeof(*c->ifs));
	if (!c->ifs)
		abort();
	c->ifs[c->nifs++] = *f;
}

/* [Interface DEV]: a device name as the kernel takes it. */
static void iface_section_start(struct parser *p, const char *dev)
{
	struct conf_iface *f = &p->cur_if;
	size_t i;

	p->sec = SEC_IFACE;
	p->cur_dup = true;	/* until the header is known good */
	memset(f, 0, sizeof(*f));
	f->line = p->line;
	if (!*dev) {
		conf_error(p, p->line, "[Interface] needs a device: [Interface DEV]");
		return;
	}
	if (!ifname_is_valid(dev) || !strcmp(dev, ".") || !strcmp(dev, "..")) {
		conf_error(p, p->line, "invalid device \"%s\": must be an interface "
			   "name (1..%d bytes, no / : or spaces)", dev, IF_NAMESIZE - 1);
		return;
	}
	for (i = 0; i < p->nifseen; i++) {
		if (!strcmp(p->ifseen[i].dev, dev)) {
			conf_error(p, p->line, "duplicate interface \"%s\" (first at "
				   "line %u)", dev, p->ifseen[i].line);
			return;
		}
	}
	p->ifseen = realloc(p->ifseen, (p->nifseen + 1) * sizeof(*p->ifseen));
	if (!p->ifseen)
		abort();
	snprintf(p->ifseen[p->nifseen].dev, sizeof(p->ifseen[0].dev), "%s", dev);
	p->ifseen[p->nifseen++].line = p->line;
	snprintf(f->dev, sizeof(f->dev), "%s", dev);
	p->cur_dup = false;
}

static void section_start(struct parser *p, char *s)
{
	size_t len = strlen(s), i;
	struct parse_error e;
	char *word, *name;

	section_end(p);
	section_reset(p);
	p->errors_at_start = p->c->nerrors;
	p->sec = SEC_IGNORED;
	if (s[len - 1] != ']') {
		conf_error(p, p->line, "section header \"%s\" lacks its ]", s);
		return;
	}
	s[len - 1] = '\0';
	word = trim(s + 1);
	name = word + strcspn(word, " \t");
	if (*name)
		*name++ = '\0';
	name = trim(name);
	if (!strcasecmp(word, "Path")) {
		path_section_start(p, name);
		return;
	}
	if (!strcasecmp(word, "Interface")) {
		iface_section_start(p, name);
		return;
	}
	if (strcasecmp(word, "Channel") != 0) {
		conf_error(p, p->line, "unknown section \"[%s%s%s]\": only [Channel NAME], "
			   "[Path CHANNEL NAME] and [Interface DEV] are known", word,
			   *name ? " " : "", name);
		return;
	}
	p->sec = SEC_CHANNEL;
	p->cur.line = p->line;
	if (!*name) {
		conf_error(p, p->line, "[Channel] needs a name: [Channel NAME]");
		p->cur_dup = true;
		return;
	}
	if (parse_name(name, p->cur.ch.name, &e)) {
		conf_error(p, p->line, "invalid channel name \"%s\": %s", name, e.why);
		p->cur_dup = true;
		return;
	}
	p->cur.ch.has |= HL_HAS_NAME;
	i = name_index_get(&p->seen_ix, p->cur.ch.name);
	if (i != NAME_INDEX_NONE) {
		conf_error(p, p->line, "duplicate channel \"%s\" (first at line %u)",
			   name, p->seen[i].line);
		p->cur_dup = true;
		return;
	}
	if (p->nseen == p->seen_cap) {
		p->seen_cap = p->seen_cap ? 2 * p->seen_cap : 64;
		p->seen = realloc(p->seen, p->seen_cap * sizeof(*p->seen));
		if (!p->seen)
			abort();
	}
	if (name_index_put(&p->seen_ix, p->cur.ch.name, p->nseen) < 0)
		abort();
	memcpy(p->seen[p->nseen].name, p->cur.ch.name,
	       sizeof(p->seen[p->nseen].name));
	p->seen[p->nseen++].line = p->line;
}

static void key_line(struct parser *p, char *s)
{
	char *eq = strchr(s, '=');
	struct parse_error e;
	char *key, *val;
	int k;

	if (!eq) {
		conf_error(p, p->line, "expected KEY = VALUE or [Channel NAME], not \"%s\"", s);
		p->syntax_bad = true;
		return;
	}
	*eq = '\0';
	key = trim(s);
	val = trim(eq + 1);
	if (!*key) {
		conf_error(p, p->line, "a value without a key");
		return;
	}
	for (k = 0; k < K_COUNT; k++)
		if (!strcasecmp(key, key_names[k]))
			break;
	if (p->sec == SEC_NONE) {
		conf_error(p, p->line, "%s outside a%s section",
			   k < K_COUNT ? key_names[k] : key,
			   k < K_COUNT && key_is_iface(k) ? "n [Interface DEV]" :
			   " [Channel NAME]");
		return;
	}
	if (p->sec == SEC_IGNORED)
		return;		/* said once, at the section header */
	if (k == K_COUNT) {
		conf_error(p, p->line, "unknown key \"%s\"", key);
		return;
	}
	if (p->sec == SEC_IFACE && !key_is_iface(k)) {
		conf_error(p, p->line, "%s is not a key of an [Interface DEV] section",
			   key_names[k]);
		return;
	}
	if (p->sec != SEC_IFACE && key_is_iface(k)) {
		conf_error(p, p->line, "%s belongs in an [Interface DEV] section",
			   key_names[k]);
		return;
	}
	if (p->sec == SEC_PATH && !key_is_path(k)) {
		conf_error(p, p->line, "%s is not a key of a [Path CHANNEL NAME] section",
			   key_names[k]);
		return;
	}
	if (p->sec == SEC_CHANNEL && (k == K_PREFERENCE || k == K_VIA || k == K_DEVICE ||
				      k == K_TABLE)) {
		conf_error(p, p->line, "%s belongs in a [Path CHANNEL NAME] section",
			   key_names[k]);
		return;
	}
	if (p->key_line[k]) {
		conf_error(p, p->line, "duplicate key %s (first at line %u)",
			   key_names[k], p->key_line[k]);
		return;
	}
	p->key_line[k] = p->line;
	if (!*val) {
		conf_error(p, p->line, "%s needs a value", key_names[k]);
		p->key_bad[k] = true;
		return;
	}
	if (p->sec == SEC_IFACE ? iface_key_value(p, k, val, &e) :
	    p->sec == SEC_PATH ? path_key_value(p, k, val, &e) :
	    key_value(p, k, val, &e)) {
		conf_error(p, p->line, "invalid %s \"%s\": %s", key_names[k], val, e.why);
		p->key_bad[k] = true;
	}
}

struct conf_channel *conf_find(const struct conf *c, const char *name)
{
	size_t i = name_index_get(&c->ix, name);

	return i == NAME_INDEX_NONE ? NULL : &c->v[i];
}

static const struct chan_keys *chan_keys_find(const struct parser *p,
					      const char *name)
{
	size_t i;

	for (i = 0; i < p->nchans; i++)
		if (!strcmp(p->chans[i].name, name))
			return &p->chans[i];
	return NULL;
}

/* Gives each channel its paths, in the order of the file (which breaks
 * ties of Preference); a path its channel cannot take is an error at it. */
static void paths_attach(struct parser *p)
{
	struct parse_error e;
	size_t i;

	for (i = 0; i < p->npaths; i++) {
		const struct conf_path *cp = &p->paths[i];
		struct conf_channel *cc;
		struct hl_channel *ch;

		if (!chan_keys_find(p, cp->channel)) {
			conf_error(p, cp->line, "path \"%s\": there is no [Channel %s] "
				   "in this file", cp->path.name, cp->channel);
			continue;
		}
		cc = conf_find(p->c, cp->channel);
		if (!cc)
			continue;	/* the channel's own errors are said */
		ch = &cc->ch;
		if (ch->npaths == HOTLINE_PATHS_MAX) {
			conf_error(p, cp->line, "channel \"%s\" has more than %d paths",
				   ch->name, HOTLINE_PATHS_MAX);
			continue;
		}
		ch->paths[ch->npaths++] = cp->path;
		if (paths_check(ch, &e)) {
			conf_error(p, cp->line, "%s", e.why);
			ch->npaths--;
		}
	}
}

static bool has_paths(const struct parser *p, const char *channel)
{
	size_t i;

	for (i = 0; i < p->npaths; i++)
		if (!strcmp(p->paths[i].channel, channel))
			return true;
	return false;
}

/* Probe, or paths, and the keys that need one of them. */
static void health_keys_check(struct parser *p, const struct chan_keys *k,
			      bool paths)
{
	const unsigned int *line = k->key_line;
	int i;

	if (paths && line[K_PROBE]) {
		conf_error(p, line[K_PROBE], "a channel with paths has no Probe of its "
			   "own: each [Path %s NAME] has its Probe", k->name);
		return;
	}
	for (i = 0; i < K_COUNT; i++) {
		if (!line[i] || paths || line[K_PROBE])
			continue;
		if (key_is_health(i))
			conf_error(p, line[i], "%s needs Probe (or [Path %s NAME] sections)",
				   key_names[i], k->name);
		else if (key_is_failover(i))
			conf_error(p, line[i], "%s needs [Path %s NAME] sections",
				   key_names[i], k->name);
	}
	if ((!paths && !line[K_PROBE]) || k->key_bad[K_PROBE] ||
	    k->key_bad[K_KEYFILE] || k->key_bad[K_UNAUTH])
		return;	/* said already, or no probing */
	if (line[K_KEYFILE] && k->unauth)
		conf_error(p, line[K_UNAUTH],
			   "KeyFile and Unauthenticated = yes exclude each other");
	else if (!line[K_KEYFILE] && !k->unauth)
		conf_error(p, paths ? k->line : line[K_PROBE],
			   "%s needs KeyFile (see hotlinectl genkey) or "
			   "Unauthenticated = yes", paths ? "a channel with paths" : "Probe");
}

/* The health rules, once every channel's paths are known. */
static void channels_finish(struct parser *p)
{
	size_t i;

	for (i = 0; i < p->nchans; i++) {
		const struct chan_keys *k = &p->chans[i];
		struct conf_channel *cc = conf_find(p->c, k->name);
		/* sections given count, even those refused: no cascade */
		bool paths = has_paths(p, k->name);
		struct hl_health *h;

		health_keys_check(p, k, paths);
		if (!cc)
			continue;
		h = &cc->ch.health;
		if (paths)
			cc->ch.has |= HL_HAS_PATHS;
		if (!paths && !(h->has & HL_H_PROBE)) {
			memset(h, 0, sizeof(*h));
			continue;
		}
		cc->ch.has |= HL_HAS_HEALTH;
		h->has |= HL_H_LOCAL_PORT | HL_H_INTERVAL | HL_H_DETECT_MULT |
			  HL_H_MAX_LOSS | HL_H_MAX_RTT;
		if (k->unauth)
			h->has |= HL_H_UNAUTH;
	}
}

/*
 * The module runs one STAMP session per probe address and local port, so
 * two channels cannot probe the same reflector from the same port.
 */
static void probes_unique(struct parser *p)
{
	const struct conf *c = p->c;
	char addr[INET6_ADDRSTRLEN];
	size_t i, j;

	for (i = 0; i < c->n; i++) {
		const struct hl_health *a = &c->v[i].ch.health;

		if (!(a->has & HL_H_PROBE))
			continue;	/* paths: sessions of their own addresses */
		for (j = 0; j < i; j++) {
			const struct hl_health *b = &c->v[j].ch.health;

			if (!(b->has & HL_H_PROBE) ||
			    a->local_port != b->local_port ||
			    a->probe.family != b->probe.family ||
			    memcmp(&a->probe.addr, &b->probe.addr,
				   a->probe.family == AF_INET ? 4 : 16) != 0)
				continue;
			inet_ntop(a->probe.family, &a->probe.addr, addr, sizeof(addr));
			conf_error(p, c->v[i].line, "channel \"%s\" probes %s from "
				   "LocalPort %u like channel \"%s\" (line %u): one "
				   "probe session per address and local port",
				   c->v[i].ch.name, addr, a->local_port,
				   c->v[j].ch.name, c->v[j].line);
			break;
		}
	}
}

/* By line, stable: the rules checked at a section's end come in order. */
static void errors_sort(struct conf *c, unsigned int *lines)
{
	size_t i, j;

	if (!lines)	/* no error, nothing to sort */
		return;
	for (i = 1; i < c->nerrors; i++) {
		unsigned int l = lines[i];
		char *e = c->errors[i];

		for (j = i; j > 0 && lines[j - 1] > l; j--) {
			lines[j] = lines[j - 1];
			c->errors[j] = c->errors[j - 1];
		}
		lines[j] = l;
		c->errors[j] = e;
	}
}

size_t conf_parse(const char *text, size_t len, const char *fname,
		  const char *base_dir, unsigned int flags, struct conf *c)
{
	struct parser p = {
		.c = c, .fname = fname, .base_dir = base_dir, .flags = flags,
	};
	char buf[LINE_MAX_LEN + 1];
	size_t pos = 0;

	memset(c, 0, sizeof(*c));
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		char *s;

		p.line++;
		if (n > LINE_MAX_LEN) {
			conf_error(&p, p.line, "line longer than %d bytes", LINE_MAX_LEN);
			p.syntax_bad = true;
		} else if (memchr(text + pos, '\0', n)) {
			conf_error(&p, p.line, "a NUL byte in the line");
			p.syntax_bad = true;
		} else {
			memcpy(buf, text + pos, n);
			buf[n] = '\0';
			strip_comment(buf);
			s = trim(buf);
			if (*s == '[')
				section_start(&p, s);
			else if (*s)
				key_line(&p, s);
		}
		pos += n + 1;
	}
	section_end(&p);
	memset(buf, 0, sizeof(buf));
	paths_attach(&p);
	channels_finish(&p);
	probes_unique(&p);
	free(p.paths);
	free(p.chans);
	errors_sort(c, p.error_lines);
	free(p.error_lines);
	free(p.seen);
	free(p.ifseen);
	name_index_free(&p.seen_ix);
	if (c->nerrors) {
		free(c->ifs);
		c->ifs = NULL;
		c->nifs = 0;
		size_t i;

		for (i = 0; i < c->n; i++) {
			free(c->v[i].key_file);
			explicit_bzero(c->v[i].ch.health.key, HOTLINE_KEY_LEN);
		}
		free(c->v);
		c->v = NULL;
		c->n = 0;
		c->cap = 0;
		name_index_free(&c->ix);
	}
	return c->nerrors;
}

static size_t conf_fail(struct conf *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static size_t conf_fail(struct conf *c, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	memset(c, 0, sizeof(*c));
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	c->errors = malloc(sizeof(*c->errors));
	if (!c->errors)
		abort();
	c->errors[0] = msg;
	c->nerrors = 1;
	return 1;
}

size_t conf_load(const char *path, unsigned int flags, struct conf *c)
{
	bool is_stdin = !strcmp(path, "-");
	const char *fname = is_stdin ? "<stdin>" : path;
	char *text = NULL, *dir = NULL, *slash;
	size_t len = 0, cap = 0, ret;
	int fd;

	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return conf_fail(c, "%s: cannot open it: %s", fname, strerror(errno));
	for (;;) {
		ssize_t n;

		if (len == cap) {
			cap = cap ? 2 * cap : 8192;
			text = realloc(text, cap);
			if (!text)
				abort();
		}
		n = read(fd, text + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			if (!is_stdin)
				close(fd);
			free(text);
			return conf_fail(c, "%s: cannot read it: %s", fname,
					 strerror(err));
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > FILE_MAX_LEN) {
			if (!is_stdin)
				close(fd);
			free(text);
			return conf_fail(c, "%s: larger than %u bytes", fname,
					 FILE_MAX_LEN);
		}
	}
	if (!is_stdin) {
		close(fd);
		dir = strdup(path);
		if (!dir)
			abort();
		slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else if (slash)
			*slash = '\0';
		else
			memcpy(dir, ".", 2);	/* path is not "": room for 2 */
	}
	ret = conf_parse(text, len, fname, dir, flags, c);
	free(dir);
	free(text);
	return ret;
}

void conf_free(struct conf *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].key_file);
		explicit_bzero(c->v[i].ch.health.key, HOTLINE_KEY_LEN);
	}
	for (i = 0; i < c->nerrors; i++)
		free(c->errors[i]);
	free(c->v);
	free(c->ifs);
	free(c->errors);
	name_index_free(&c->ix);
	memset(c, 0, sizeof(*c));
}

static void print_channel(FILE *f, const struct hl_channel *ch, const char *key_file)
{
	const struct hl_health *h = &ch->health;
	char buf[HL_FMT_MAX];

	fprintf(f, "[Channel %s]\n", ch->name);
	fprintf(f, "Peer = %s\n", format_prefix(&ch->peer, buf));
	if ((ch->has & HL_HAS_LOCAL) && ch->local.family)
		fprintf(f, "Local = %s\n", format_prefix(&ch->local, buf));
	if (ch->proto != HOTLINE_PROTO_ANY && proto_name(ch->proto))
		fprintf(f, "Protocol = %s\n", proto_name(ch->proto));
	if ((ch->has & HL_HAS_PORT) && ch->port_min)
		fprintf(f, "Port = %s\n",
			format_port_range(ch->port_min, ch->port_max, buf));
	fprintf(f, "DSCP = %s\n", format_dscp(ch->dscp, buf));
	fprintf(f, "Priority = %s\n", format_priority(ch->priority, buf));
	if (ch->mark || ch->mark_mask != UINT32_MAX)
		fprintf(f, "Mark = %s\n", format_mark(ch->mark, ch->mark_mask, buf));
	if (!(ch->has & HL_HAS_HEALTH))
		return;
	if (!ch->npaths)	/* with paths, each has its Probe */
		fprintf(f, "Probe = %s\n", format_probe(&h->probe, buf));
	if (h->local_port != HOTLINE_DEFAULT_STAMP_PORT)
		fprintf(f, "LocalPort = %u\n", h->local_port);
	fprintf(f, "Interval = %u\n", h->interval_ms);
	fprintf(f, "DetectMult = %u\n", h->detect_mult);
	if (h->keyed && key_file)
		fprintf(f, "KeyFile = %s\n", key_file);
	else if (h->keyed)
		fprintf(f, "# KeyFile = <set: the kernel never returns keys; "
			"name the key file here>\n");
	else
		fprintf(f, "Unauthenticated = yes\n");
	if (h->max_loss_pct)
		fprintf(f, "MaxLoss = %u\n", h->max_loss_pct);
	if (h->max_rtt_ms)
		fprintf(f, "MaxRTT = %u\n", h->max_rtt_ms);
	if (!ch->npaths)
		return;
	if (ch->failback_ms % 1000)
		fprintf(f, "FailbackHold = %ums\n", ch->failback_ms);
	else
		fprintf(f, "FailbackHold = %us\n", ch->failback_ms / 1000);
	fprintf(f, "Revertive = %s\n", ch->nonrevertive ? "no" : "yes");
}

static void print_path(FILE *f, const char *channel, const struct hl_path *p)
{
	struct path_override ov[4];
	char buf[HL_FMT_MAX];
	size_t i, n;

	fprintf(f, "\n[Path %s %s]\n", channel, p->name);
	fprintf(f, "Local = %s\n", format_path_addr(p->family, &p->local, buf));
	fprintf(f, "Probe = %s\n", format_path_probe(p, buf));
	fprintf(f, "Mark = %s\n", format_mark(p->mark, p->mark_mask, buf));
	fprintf(f, "Preference = %u\n", p->pref);
	n = path_overrides(p, ov);
	for (i = 0; i < n; i++)
		fprintf(f, "%s = %u\n", ov[i].conf, ov[i].value);
	if (!p->has_route)
		return;
	if (p->has_via)
		fprintf(f, "Via = %s\n", format_path_addr(p->family, &p->via, buf));
	fprintf(f, "Device = %s\n", p->dev);
	if (p->table)
		fprintf(f, "Table = %u\n", p->table);
}

void conf_print(FILE *f, const struct hl_channel *chs, const char *const *key_files,
		size_t n)
{
	unsigned int j;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i)
			fputc('\n', f);
		print_channel(f, &chs[i], key_files ? key_files[i] : NULL);
		for (j = 0; (chs[i].has & HL_HAS_HEALTH) && j < chs[i].npaths; j++)
			print_path(f, chs[i].name, &chs[i].paths[j]);
	}
}

static bool prefix_equal(const struct hl_prefix *a, const struct hl_prefix *b)
{
	if (a->family != b->family)
		return false;
	if (!a->family)
		return true;
	return a->len == b->len &&
	       !memcmp(&a->addr, &b->addr, a->family == AF_INET ? 4 : 16);
}

static bool endpoint_equal(const struct hl_endpoint *a, const struct hl_endpoint *b)
{
	return a->family == b->family && a->port == b->port &&
	       !memcmp(&a->addr, &b->addr, a->family == AF_INET ? 4 : 16);
}

bool conf_path_equal(const struct hl_path *a, const struct hl_path *b)
{
	uint32_t ov = a->has & HL_P_OVERRIDES;

	return !strcmp(a->name, b->name) && a->pref == b->pref &&
	       a->mark == b->mark && a->mark_mask == b->mark_mask &&
	       a->family == b->family &&
	       !memcmp(&a->local, &b->local, a->family == AF_INET ? 4 : 16) &&
	       !memcmp(&a->probe, &b->probe, a->family == AF_INET ? 4 : 16) &&
	       ov == (b->has & HL_P_OVERRIDES) &&
	       (!(ov & HL_P_PROBE_PORT) || a->probe_port == b->probe_port) &&
	       (!(ov & HL_P_INTERVAL) || a->interval_ms == b->interval_ms) &&
	       (!(ov & HL_P_DETECT_MULT) || a->detect_mult == b->detect_mult) &&
	       (!(ov & HL_P_MAX_LOSS) || a->max_loss_pct == b->max_loss_pct) &&
	       (!(ov & HL_P_MAX_RTT) || a->max_rtt_ms == b->max_rtt_ms) &&
	       a->has_route == b->has_route &&
	       (!a->has_route || (!strcmp(a->dev, b->dev) && a->table == b->table &&
				  a->has_via == b->has_via &&
				  (!a->has_via || !memcmp(&a->via, &b->via,
							  a->family == AF_INET ? 4 : 16))));
}

/* The failover settings matter only with paths; the kernel reports them
 * always, a file only with paths. */
static bool failover_equal(const struct hl_channel *a, const struct hl_channel *b)
{
	unsigned int i;

	if (a->npaths != b->npaths)
		return false;
	if (!a->npaths)
		return true;
	if (a->failback_ms != b->failback_ms || a->nonrevertive != b->nonrevertive)
		return false;
	for (i = 0; i < a->npaths; i++)
		if (!conf_path_equal(&a->paths[i], &b->paths[i]))
			return false;
	return true;
}

bool conf_channel_equal(const struct hl_channel *a, const struct hl_channel *b)
{
	const struct hl_health *ha = &a->health, *hb = &b->health;
	bool local_a = (a->has & HL_HAS_LOCAL) && a->local.family;
	bool local_b = (b->has & HL_HAS_LOCAL) && b->local.family;
	bool port_a = (a->has & HL_HAS_PORT) && a->port_min;
	bool port_b = (b->has & HL_HAS_PORT) && b->port_min;

	if (strcmp(a->name, b->name) != 0 || !prefix_equal(&a->peer, &b->peer) ||
	    local_a != local_b || (local_a && !prefix_equal(&a->local, &b->local)) ||
	    a->proto != b->proto || port_a != port_b ||
	    (port_a && (a->port_min != b->port_min || a->port_max != b->port_max)) ||
	    a->dscp != b->dscp || a->priority != b->priority ||
	    a->mark != b->mark || a->mark_mask != b->mark_mask ||
	    !(a->has & HL_HAS_HEALTH) != !(b->has & HL_HAS_HEALTH) ||
	    !failover_equal(a, b))
		return false;
	if (!(a->has & HL_HAS_HEALTH))
		return true;
	return !(ha->has & HL_H_PROBE) == !(hb->has & HL_H_PROBE) &&
	       endpoint_equal(&ha->probe, &hb->probe) &&
	       ha->local_port == hb->local_port &&
	       ha->interval_ms == hb->interval_ms &&
	       ha->detect_mult == hb->detect_mult && ha->keyed == hb->keyed &&
	       ha->max_loss_pct == hb->max_loss_pct &&
	       ha->max_rtt_ms == hb->max_rtt_ms;
}

/* A guard limit's keys, omitted when the guard would fill them in itself. */
static void print_guard_limits(FILE *f, const struct guard_limits *l)
{
	char buf[HL_FMT_MAX];

	if (l->pps)
		fprintf(f, "GuardRate = %llu\n", (unsigned long long)l->pps);
	if (l->pps_burst && l->pps_burst != conf_guard_burst(l->pps))
		fprintf(f, "GuardBurst = %llu\n", (unsigned long long)l->pps_burst);
	if (l->bps)
		fprintf(f, "GuardBytes = %s\n", format_rate(l->bps * 8, buf));
	if (l->bps_burst && l->bps_burst != conf_guard_burst(l->bps))
		fprintf(f, "GuardByteBurst = %llu\n", (unsigned long long)l->bps_burst);
}

void conf_print_ifaces(FILE *f, const struct conf_iface *v, size_t n, bool blank)
{
	char buf[HL_FMT_MAX];
	size_t i;

	for (i = 0; i < n; i++) {
		if (i || blank)
			fputc('\n', f);
		fprintf(f, "[Interface %s]\n", v[i].dev);
		fprintf(f, "Qdisc = %s\n", conf_qdisc_name(v[i].qdisc));
		if (v[i].qdisc == CONF_QDISC_HTB)
			fprintf(f, "Rate = %s\n", format_rate(v[i].rate, buf));
		fprintf(f, "Guard = %s\n", v[i].guard ? guard_mode_name(v[i].guard_mode) :
			"none");
		if (v[i].guard)
			print_guard_limits(f, &v[i].limits);
	}
}

bool conf_iface_equal(const struct conf_iface *a, const struct conf_iface *b)
{
	return !strcmp(a->dev, b->dev) && a->qdisc == b->qdisc &&
	       (a->qdisc != CONF_QDISC_HTB || a->rate == b->rate) &&
	       a->guard == b->guard &&
	       (!a->guard || (a->guard_mode == b->guard_mode &&
			      !memcmp(&a->limits, &b->limits, sizeof(a->limits))));
}
