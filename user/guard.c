// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hotline guard loader (see guard.h). The program lives on as long as its
 * pinned bpf_link does: hotlinectl exits right after attaching, and every
 * later command reopens the maps from their pins by device name.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/if_link.h>
#include <linux/magic.h>

#include "guard.h"
#include "guard_skel.h"

static char guard_errbuf[4096];
static char guard_pin_root[256] = HOTLINE_GUARD_PIN_ROOT;

static const char *const pin_names[] = {
	"config", "bucket", "peers4", "peers6", "stats", "hosts4", "hosts6",
	"slots4", "slots6", "link",
};

enum { PIN_CONFIG, PIN_BUCKET, PIN_PEERS4, PIN_PEERS6, PIN_STATS, PIN_HOSTS4,
       PIN_HOSTS6, PIN_SLOTS4, PIN_SLOTS6, PIN_LINK, PIN_MAX };

__attribute__((format(printf, 2, 3)))
static int fail(int err, const char *fmt, ...)
{
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	vsnprintf(guard_errbuf, sizeof(guard_errbuf), fmt, ap);
	va_end(ap);
	/* Whoever prints the message ends the line. */
	len = strlen(guard_errbuf);
	while (len && guard_errbuf[len - 1] == '\n')
		guard_errbuf[--len] = '\0';
	return err < 0 ? err : -err;
}

const char *guard_error(void)
{
	return guard_errbuf;
}

void guard_set_pin_root(const char *dir)
{
	snprintf(guard_pin_root, sizeof(guard_pin_root), "%s", dir);
}

int guard_mode_parse(const char *s, enum guard_mode *mode)
{
	if (guard_mode_lookup(s, mode))
		return fail(-EINVAL, "unknown guard mode '%s' (off, monitor, enforce, auto)", s);
	return 0;
}

static const char *const stat_names[] = {
	[HOTLINE_GUARD_STAT_HOTLINE] = "hotline",
	[HOTLINE_GUARD_STAT_PASSED] = "passed",
	[HOTLINE_GUARD_STAT_DROPPED] = "dropped",
	[HOTLINE_GUARD_STAT_WOULD_DROP] = "would_drop",
	[HOTLINE_GUARD_STAT_NON_IP] = "non_ip",
	[HOTLINE_GUARD_STAT_MALFORMED_PASSED] = "malformed_passed",
	[HOTLINE_GUARD_STAT_MALFORMED_DROPPED] = "malformed_dropped",
};

const char *guard_stat_name(enum hotline_guard_stat stat)
{
	if ((unsigned int)stat >= HOTLINE_GUARD_STAT_MAX)
		return "?";
	return stat_names[stat];
}

/* ---- configuration encoding ---------------------------------------- */

static int encode_dim(const char *what, uint64_t rate, uint64_t burst,
		      __u64 *o_rate, __u64 *o_cap, __u64 *o_fill)
{
	if (rate > GUARD_MAX_RATE)
		return fail(-ERANGE, "%s rate %llu is too large (max %llu)",
			    what, (unsigned long long)rate, GUARD_MAX_RATE);
	if (burst > GUARD_MAX_BURST)
		return fail(-ERANGE, "%s burst %llu is too large (max %llu)",
			    what, (unsigned long long)burst, GUARD_MAX_BURST);
	if (!burst)
		burst = rate < GUARD_MAX_BURST ? rate : GUARD_MAX_BURST;
	*o_rate = rate;
	*o_cap = burst * HOTLINE_GUARD_TOKEN_SCALE;
	/* Rounded up, so fill_ns * rate always reaches the cap. */
	*o_fill = rate ? (*o_cap + rate - 1) / rate : 0;
	return 0;
}

#define GUARD_BATCH_MAX_PKTS	64
#define GUARD_BATCH_MAX_BYTES	(64ULL * 1514)
#define GUARD_RETRY_MIN_NS	1000ULL
#define GUARD_RETRY_MAX_NS	1000000ULL

/*
 * What a CPU takes from the bucket at once (see bpf/guard.bpf.c): 1 ms of
 * the rate, at most 1/64 of the burst and max_units; in tokens. Returns
 * the time they take to accrue in *accrue_ns (0: never).
 */
static void batch_of(__u64 rate, __u64 cap, __u64 min_units, __u64 max_units,
		      __u64 *tokens, __u64 *accrue_ns)
{
	__u64 units = rate / 1000;
	__u64 burst = cap / HOTLINE_GUARD_TOKEN_SCALE;

	if (units > burst / 64)
		units = burst / 64;
	if (units > max_units)
		units = max_units;
	if (units < min_units)
		units = min_units;
	*tokens = units * HOTLINE_GUARD_TOKEN_SCALE;
	*accrue_ns = rate ? (units ? units : 1) * 1000000000ULL / rate : 0;
}

/* The cache's batches and how long a refused CPU waits to ask again. */
static void encode_batches(struct hotline_guard_config *cfg)
{
	__u64 retry = GUARD_RETRY_MAX_NS, t;

	if (cfg->flags & HOTLINE_GUARD_LIMIT_PKTS) {
		batch_of(cfg->pkt_rate, cfg->pkt_cap, 1, GUARD_BATCH_MAX_PKTS,
			 &cfg->pkt_batch, &t);
		if (t && t < retry)
			retry = t;
	}
	if (cfg->flags & HOTLINE_GUARD_LIMIT_BYTES) {
		batch_of(cfg->byte_rate, cfg->byte_cap, 0, GUARD_BATCH_MAX_BYTES,
			 &cfg->byte_batch, &t);
		if (t && t < retry)
			retry = t;
	}
	cfg->retry_ns = retry < GUARD_RETRY_MIN_NS ? GUARD_RETRY_MIN_NS : retry;
}

int guard_config_encode(enum guard_mode mode, bool armed,
			const struct guard_limits *l,
			struct hotline_guard_config *cfg)
{
	static const struct guard_limits none;
	int err;

	if ((unsigned int)mode >= HOTLINE_GUARD_MODE_MAX)
		return fail(-EINVAL, "guard mode %d is not one of off, monitor, enforce, auto",
			    (int)mode);
	if (!l)
		l = &none;
	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = mode;
	cfg->armed = armed;
	if (l->pps || l->pps_burst) {
		err = encode_dim("packet", l->pps, l->pps_burst, &cfg->pkt_rate,
				 &cfg->pkt_cap, &cfg->pkt_fill_ns);
		if (err)
			return err;
		cfg->flags |= HOTLINE_GUARD_LIMIT_PKTS;
	}
	if (l->bps || l->bps_burst) {
		err = encode_dim("byte", l->bps, l->bps_burst, &cfg->byte_rate,
				 &cfg->byte_cap, &cfg->byte_fill_ns);
		if (err)
			return err;
		cfg->flags |= HOTLINE_GUARD_LIMIT_BYTES;
	}
	encode_batches(cfg);
	return 0;
}

void guard_config_decode(const struct hotline_guard_config *cfg,
			 struct guard_limits *l)
{
	memset(l, 0, sizeof(*l));
	if (cfg->flags & HOTLINE_GUARD_LIMIT_PKTS) {
		l->pps = cfg->pkt_rate;
		l->pps_burst = cfg->pkt_cap / HOTLINE_GUARD_TOKEN_SCALE;
	}
	if (cfg->flags & HOTLINE_GUARD_LIMIT_BYTES) {
		l->bps = cfg->byte_rate;
		l->bps_burst = cfg->byte_cap / HOTLINE_GUARD_TOKEN_SCALE;
	}
}

int guard_bucket_refill(int bucket_fd, const struct hotline_guard_config *cfg)
{
	struct hotline_guard_bucket b = {
		.pkt_tokens = cfg->pkt_cap,
		.byte_tokens = cfg->byte_cap,
	};
	__u32 zero = 0;

	if (bpf_map_update_elem(bucket_fd, &zero, &b, BPF_F_LOCK))
		return fail(-errno, "cannot reset the guard's token bucket: %s",
			    strerror(errno));
	return 0;
}

/* ---- peers ----------------------------------------------------------- */

static int prefix_check(const struct guard_prefix *p, size_t i)
{
	unsigned int bits = p->family == 4 ? 32 : 128;
	char buf[INET6_ADDRSTRLEN];

	if (p->family != 4 && p->family != 6)
		return fail(-EINVAL, "peer %zu: family %u is neither 4 nor 6",
			    i, p->family);
	if (p->len > bits)
		return fail(-EINVAL, "peer %zu: prefix length %u exceeds %u",
			    i, p->len, bits);
	for (unsigned int b = p->len; b < bits; b++) {
		if (p->addr[b / 8] & (0x80 >> (b % 8))) {
			inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->addr,
				  buf, sizeof(buf));
			return fail(-EINVAL, "peer %zu: %s/%u has host bits set",
				    i, buf, p->len);
		}
	}
	return 0;
}

int guard_prefix_parse(const char *s, struct guard_prefix *p)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long len;
	char *end;

	memset(p, 0, sizeof(*p));
	if (alen == 0 || alen >= sizeof(addr))
		return fail(-EINVAL, "'%s' is not an IPv4 or IPv6 prefix", s);
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, p->addr) == 1)
		p->family = 4;
	else if (inet_pton(AF_INET6, addr, p->addr) == 1)
		p->family = 6;
	else
		return fail(-EINVAL, "'%s' is not an IPv4 or IPv6 prefix", s);
	len = p->family == 4 ? 32 : 128;
	if (slash) {
		errno = 0;
		len = strtoul(slash + 1, &end, 10);
		if (!slash[1] || *end || errno || len > (p->family == 4 ? 32u : 128u))
			return fail(-EINVAL, "'%s': bad prefix length", s);
	}
	p->len = (uint8_t)len;
	if (prefix_check(p, 0))
		return fail(-EINVAL, "'%s' has host bits set beyond /%lu", s, len);
	return 0;
}

struct peer_set {
	void *keys;
	size_t n, size;
};

static int key_cmp4(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct hotline_guard_key4));
}

static int key_cmp6(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct hotline_guard_key6));
}

/* Read every key of a map (keys are collected before any delete). */
static int peers_dump(int fd, size_t ksize, struct peer_set *set)
{
	unsigned char key[sizeof(struct hotline_guard_key6)];
	unsigned char *prev = NULL;
	void *grown;

	set->n = 0;
	set->size = ksize;
	set->keys = NULL;
	for (;;) {
		if (bpf_map_get_next_key(fd, prev, key)) {
			if (errno == ENOENT)
				return 0;
			return fail(-errno, "cannot list guard peers: %s",
				    strerror(errno));
		}
		grown = realloc(set->keys, (set->n + 1) * ksize);
		if (!grown)
			return fail(-ENOMEM, "out of memory listing guard peers");
		set->keys = grown;
		prev = (unsigned char *)set->keys + set->n * ksize;
		memcpy(prev, key, ksize);
		set->n++;
	}
}

/* hosts: the address alone, for the hash of single-address peers */
static void prefix_to_key(const struct guard_prefix *p, bool hosts, void *key)
{
	if (hosts) {
		memcpy(key, p->addr, p->family == 4 ? 4 : 16);
	} else if (p->family == 4) {
		struct hotline_guard_key4 *k = key;

		k->prefixlen = p->len;
		memcpy(k->addr, p->addr, 4);
	} else {
		struct hotline_guard_key6 *k = key;

		k->prefixlen = p->len;
		memcpy(k->addr, p->addr, 16);
	}
}

/* The keys of one map, sorted: what a sync makes it hold. */
struct peer_want {
	int fd;			/* -1: no such map (nothing goes to it) */
	size_t ksize, n;
	int (*cmp)(const void *, const void *);
	unsigned char *keys;
	struct peer_set have;
};

static int host_cmp4(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct hotline_guard_host4));
}

static int host_cmp6(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct hotline_guard_host6));
}

/* Sort and drop repeats (two channels may share a peer). */
static void keys_sort_unique(unsigned char *keys, size_t *n, size_t ksize,
			     int (*cmp)(const void *, const void *))
{
	size_t out = 0;

	qsort(keys, *n, ksize, cmp);
	for (size_t i = 0; i < *n; i++) {
		if (out && !cmp(keys + (out - 1) * ksize, keys + i * ksize))
			continue;
		if (out != i)
			memcpy(keys + out * ksize, keys + i * ksize, ksize);
		out++;
	}
	*n = out;
}

/* The map holds exactly what the sync wants. */
static bool want_same(const struct peer_want *w)
{
	return w->have.n == w->n &&
	       (!w->n || !memcmp(w->have.keys, w->keys, w->n * w->ksize));
}

/* Add what the map lacks (have sorted). */
static int want_add(struct peer_want *w, int family)
{
	for (size_t i = 0; i < w->n; i++) {
		if (w->have.n && bsearch(w->keys + i * w->ksize, w->have.keys,
					 w->have.n, w->ksize, w->cmp))
			continue;
		if (bpf_map_update_elem(w->fd, w->keys + i * w->ksize,
					&(__u32){ 1 }, BPF_ANY))
			return fail(-errno, "cannot add an IPv%d guard peer: %s",
				    family, strerror(errno));
	}
	return 0;
}

static int want_prune(struct peer_want *w, int family)
{
	for (size_t i = 0; i < w->have.n; i++) {
		void *k = (unsigned char *)w->have.keys + i * w->ksize;

		if (bsearch(k, w->keys, w->n, w->ksize, w->cmp))
			continue;
		if (bpf_map_delete_elem(w->fd, k) && errno != ENOENT)
			return fail(-errno, "cannot remove an IPv%d guard peer: %s",
				    family, strerror(errno));
	}
	return 0;
}

/*
 * Place one host in a slot table (keys as the hosts maps hold them); one
 * whose probes are all taken stays in the hash alone.
 */
static void slot_place(void *table, int family, const unsigned char *key)
{
	__u64 *t4 = table, w[2];
	struct hotline_guard_slot6 *t6 = table;
	__u32 a, home;

	if (family == 4) {
		memcpy(&a, key, 4);
		home = hotline_guard_home4(a);
		for (__u32 i = home; i < home + HOTLINE_GUARD_SLOT_PROBES; i++) {
			if (!t4[i]) {
				t4[i] = HOTLINE_GUARD_SLOT4_USED | a;
				return;
			}
		}
		return;
	}
	memcpy(w, key, 16);
	if (!(w[0] | w[1]))
		return;	/* :: is the empty slot; the hash keeps it */
	home = hotline_guard_home6(w[0], w[1]);
	for (__u32 i = home; i < home + HOTLINE_GUARD_SLOT_PROBES; i++) {
		if (!(t6[i].hi | t6[i].lo)) {
			t6[i].hi = w[0];
			t6[i].lo = w[1];
			return;
		}
	}
}

/*
 * A new slot table of the n hosts (keys, ksize each) swapped into
 * slots_fd: a reader sees the old table or this one, whole.
 */
static int slots_publish(int slots_fd, int family, const unsigned char *keys,
			 size_t ksize, size_t n)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_MMAPABLE);
	size_t vsize = family == 4 ? sizeof(__u64) : sizeof(struct hotline_guard_slot6);
	size_t bytes = vsize * HOTLINE_GUARD_SLOT_ENTRIES;
	__u32 zero = 0;
	void *table;
	int fd, err = 0;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, family == 4 ? "hl_slots4" : "hl_slots6",
			    sizeof(__u32), (__u32)vsize, HOTLINE_GUARD_SLOT_ENTRIES,
			    &opts);
	if (fd < 0)
		return fail(-errno, "cannot create the guard's IPv%d slot table: %s",
			    family, strerror(errno));
	table = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (table == MAP_FAILED) {
		err = fail(-errno, "cannot map the guard's IPv%d slot table: %s",
			   family, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		slot_place(table, family, keys + i * ksize);
	munmap(table, bytes);
	if (bpf_map_update_elem(slots_fd, &zero, &fd, BPF_ANY))
		err = fail(-errno, "cannot install the guard's IPv%d slot table: %s",
			   family, strerror(errno));
out:
	close(fd);
	return err;
}

/*
 * One family: single addresses into the hosts hash (hosts_fd; -1 for a
 * guard pinned without one: everything into the trie), the rest into the
 * trie. Everything is added before anything is removed, so a peer moving
 * between a prefix and an address, or between maps, never gaps; the slot
 * table (slots_fd, -1 for a guard without one) is rebuilt between the
 * two.
 */
static int peers_sync_one(int trie_fd, int hosts_fd, int slots_fd, int family,
			  const struct guard_prefix *list, size_t n)
{
	unsigned int bits = family == 4 ? 32 : 128;
	bool v4 = family == 4;
	struct peer_want w[2] = {
		{ .fd = trie_fd, .cmp = v4 ? key_cmp4 : key_cmp6,
		  .ksize = v4 ? sizeof(struct hotline_guard_key4) :
				sizeof(struct hotline_guard_key6) },
		{ .fd = hosts_fd, .cmp = v4 ? host_cmp4 : host_cmp6,
		  .ksize = v4 ? sizeof(struct hotline_guard_host4) :
				sizeof(struct hotline_guard_host6) },
	};
	size_t nwant = 0;
	int err = 0, slots_err = 0;
	bool rebuild = false;

	for (size_t i = 0; i < n; i++)
		nwant += list[i].family == family;
	if (nwant > HOTLINE_GUARD_MAX_PEERS)
		return fail(-E2BIG, "%zu IPv%d peers exceed the guard's %d",
			    nwant, family, HOTLINE_GUARD_MAX_PEERS);
	for (int m = 0; m < 2; m++) {
		w[m].keys = calloc(nwant ? nwant : 1, w[m].ksize);
		if (!w[m].keys) {
			err = fail(-ENOMEM, "out of memory syncing guard peers");
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++) {
		bool host = list[i].len == bits && hosts_fd >= 0;
		struct peer_want *t = &w[host];

		if (list[i].family != family)
			continue;
		prefix_to_key(&list[i], host, t->keys + t->ksize * t->n++);
	}
	for (int m = 0; m < 2 && !err; m++) {
		keys_sort_unique(w[m].keys, &w[m].n, w[m].ksize, w[m].cmp);
		if (w[m].fd >= 0)
			err = peers_dump(w[m].fd, w[m].ksize, &w[m].have);
		if (!err && w[m].have.n)
			qsort(w[m].have.keys, w[m].have.n, w[m].ksize, w[m].cmp);
	}
	/*
	 * The table is rebuilt when the hosts change or there is none. It
	 * comes out first, so that while the hash changes the hash answers
	 * alone, and a sync killed half way never leaves a table that lags
	 * the hash: a later sync finding the hash as wanted may then keep
	 * the table it finds (as watch does on every health event).
	 */
	if (!err && slots_fd >= 0 && hosts_fd >= 0) {
		__u32 id = 0;

		rebuild = !want_same(&w[1]) ||
			  bpf_map_lookup_elem(slots_fd, &(__u32){ 0 }, &id);
		if (rebuild && bpf_map_delete_elem(slots_fd, &(__u32){ 0 }) &&
		    errno != ENOENT)
			err = fail(-errno, "cannot take out the guard's IPv%d slot table: %s",
				   family, strerror(errno));
	}
	for (int m = 0; m < 2 && !err; m++)
		if (w[m].fd >= 0)
			err = want_add(&w[m], family);
	/* one that cannot be built stays out: the hash answers */
	if (!err && rebuild)
		slots_err = slots_publish(slots_fd, family, w[1].keys,
					  w[1].ksize, w[1].n);
	for (int m = 0; m < 2 && !err; m++)
		if (w[m].fd >= 0)
			err = want_prune(&w[m], family);
	if (!err)
		err = slots_err;
out:
	for (int m = 0; m < 2; m++) {
		free(w[m].have.keys);
		free(w[m].keys);
	}
	return err;
}

int guard_sync_peers_fd(const struct guard_peer_fds *fds,
			const struct guard_prefix *list, size_t n)
{
	int err;

	for (size_t i = 0; i < n; i++) {
		err = prefix_check(&list[i], i);
		if (err)
			return err;
	}
	err = peers_sync_one(fds->peers4, fds->hosts4, fds->slots4, 4, list, n);
	return err ? err : peers_sync_one(fds->peers6, fds->hosts6, fds->slots6,
					  6, list, n);
}

int guard_read_stats_fd(int fd, struct guard_stats *st)
{
	int ncpus = libbpf_num_possible_cpus();
	struct hotline_guard_counter *v;

	if (ncpus <= 0)
		return fail(ncpus ? ncpus : -EINVAL, "cannot count the CPUs");
	v = calloc((size_t)ncpus, sizeof(*v));
	if (!v)
		return fail(-ENOMEM, "out of memory reading guard counters");
	memset(st, 0, sizeof(*st));
	for (__u32 k = 0; k < HOTLINE_GUARD_STAT_MAX; k++) {
		if (bpf_map_lookup_elem(fd, &k, v)) {
			int err = -errno;

			free(v);
			return fail(err, "cannot read guard counters: %s",
				    strerror(-err));
		}
		for (int c = 0; c < ncpus; c++) {
			st->c[k].packets += v[c].packets;
			st->c[k].bytes += v[c].bytes;
		}
	}
	free(v);
	return 0;
}

/* ---- pins ------------------------------------------------------------- */

static int check_ifname(const char *ifname)
{
	if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ ||
	    strchr(ifname, '/') || !strcmp(ifname, ".") || !strcmp(ifname, ".."))
		return fail(-EINVAL, "'%s' is not a valid device name",
			    ifname ? ifname : "");
	return 0;
}

static void pin_path(char *buf, size_t len, const char *ifname, int what)
{
	snprintf(buf, len, "%s/%s/%s", guard_pin_root, ifname, pin_names[what]);
}

/* The pin root must sit on a BPF filesystem, or pins vanish or fail. */
static int check_bpffs(void)
{
	char dir[sizeof(guard_pin_root)];
	struct statfs sfs;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", guard_pin_root);
	/* The root itself may not exist yet: test its nearest ancestor. */
	while (statfs(dir, &sfs)) {
		slash = strrchr(dir, '/');
		if (errno != ENOENT || !slash || slash == dir)
			return fail(-ENOENT, "no BPF filesystem at %s (mount -t bpf bpf /sys/fs/bpf)",
				    guard_pin_root);
		*slash = '\0';
	}
	if ((unsigned long)sfs.f_type != (unsigned long)BPF_FS_MAGIC)
		return fail(-ENOENT, "%s is not on a BPF filesystem (mount -t bpf bpf /sys/fs/bpf)",
			    dir);
	return 0;
}

/* Open the pinned map (or link) `what` of the guard on ifname. */
/*
 * The pinned map what, or -1 when the guard has none (one an older
 * hotlinectl attached).
 */
static int open_optional(const char *ifname, int what, int *fd)
{
	char path[512];

	pin_path(path, sizeof(path), ifname, what);
	*fd = bpf_obj_get(path);
	if (*fd >= 0 || errno == ENOENT)
		return 0;
	return fail(-errno, "cannot open %s: %s", path, strerror(errno));
}

static int open_pin(const char *ifname, int what)
{
	char path[512];
	int fd, err;

	err = open_optional(ifname, what, &fd);
	if (err || fd >= 0)
		return err ? err : fd;
	pin_path(path, sizeof(path), ifname, what);
	return fail(-ENOENT, "no hotline guard on %s (no %s)", ifname, path);
}

static void unpin_all(const char *ifname)
{
	char path[512];

	for (int i = 0; i < PIN_MAX; i++) {
		pin_path(path, sizeof(path), ifname, i);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/%s", guard_pin_root, ifname);
	rmdir(path);
	rmdir(guard_pin_root);	/* only succeeds once the last guard is gone */
}

static int read_config(int fd, struct hotline_guard_config *cfg)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(fd, &zero, cfg))
		return fail(-errno, "cannot read the guard's config: %s",
			    strerror(errno));
	return 0;
}

static int write_config(int fd, const struct hotline_guard_config *cfg)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(fd, &zero, cfg, BPF_ANY))
		return fail(-errno, "cannot write the guard's config: %s",
			    strerror(errno));
	return 0;
}

/* Apply mode and limits to a pinned guard, keeping its armed flag. */
static int reconfigure(const char *ifname, enum guard_mode mode,
		       const struct guard_limits *limits, bool set_mode,
		       bool set_limits)
{
	struct hotline_guard_config cur, cfg;
	struct guard_limits keep;
	int cfd, bfd = -1, err;

	cfd = open_pin(ifname, PIN_CONFIG);
	if (cfd < 0)
		return cfd;
	err = read_config(cfd, &cur);
	if (err)
		goto out;
	if (!set_mode)
		mode = (enum guard_mode)cur.mode;
	if (!set_limits) {
		guard_config_decode(&cur, &keep);
		limits = &keep;
	}
	err = guard_config_encode(mode, cur.armed, limits, &cfg);
	if (err)
		goto out;
	/* new limits: every CPU gives back the batch it took under the old */
	cfg.gen = cur.gen + (set_limits ? 1 : 0);
	if (set_limits) {
		bfd = open_pin(ifname, PIN_BUCKET);
		if (bfd < 0) {
			err = bfd;
			goto out;
		}
	}
	/* The new limits first: a refilled bucket under old caps is clamped. */
	err = write_config(cfd, &cfg);
	if (!err && set_limits)
		err = guard_bucket_refill(bfd, &cfg);
out:
	if (bfd >= 0)
		close(bfd);
	close(cfd);
	return err;
}

/* ---- libbpf log capture ---------------------------------------------- */

static char libbpf_log[16384];
static size_t libbpf_log_len;

static int capture_print(enum libbpf_print_level level, const char *fmt,
			 va_list ap)
{
	size_t cap = sizeof(libbpf_log) - 1, n;
	char *msg;
	va_list aq;
	int len;

	if (level == LIBBPF_DEBUG)
		return 0;
	/* The verifier log comes as one message of any size. */
	va_copy(aq, ap);
	len = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (len <= 0)
		return 0;
	msg = malloc((size_t)len + 1);
	if (!msg)
		return 0;
	vsnprintf(msg, (size_t)len + 1, fmt, ap);
	n = (size_t)len;
	/* Keep the tail: the verifier's verdict is at the end of its log. */
	if (n >= cap) {
		memcpy(libbpf_log, msg + n - cap, cap);
		libbpf_log_len = cap;
	} else {
		if (libbpf_log_len + n > cap) {
			size_t drop = libbpf_log_len + n - cap;

			memmove(libbpf_log, libbpf_log + drop, libbpf_log_len - drop);
			libbpf_log_len -= drop;
		}
		memcpy(libbpf_log + libbpf_log_len, msg, n);
		libbpf_log_len += n;
	}
	libbpf_log[libbpf_log_len] = '\0';
	free(msg);
	return 0;
}

/* The last `lines` lines of the captured log. */
static const char *log_tail(int lines)
{
	const char *p = libbpf_log + libbpf_log_len;

	while (p > libbpf_log && libbpf_log_len) {
		p--;
		if (*p == '\n' && p + 1 < libbpf_log + libbpf_log_len &&
		    lines-- <= 0)
			return p + 1;
	}
	return libbpf_log;
}

/* ---- attach / detach ---------------------------------------------------- */

/* Is the pinned link of ifname alive and on this ifindex? */
static bool link_is_on(const char *ifname, int ifindex)
{
	struct bpf_link_info info;
	__u32 len = sizeof(info);
	char path[512];
	bool on;
	int fd;

	pin_path(path, sizeof(path), ifname, PIN_LINK);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return false;
	memset(&info, 0, sizeof(info));
	on = !bpf_obj_get_info_by_fd(fd, &info, &len) &&
	     info.type == BPF_LINK_TYPE_XDP && (int)info.xdp.ifindex == ifindex;
	close(fd);
	return on;
}

static int pin_fd(int fd, const char *ifname, int what)
{
	char path[512];

	pin_path(path, sizeof(path), ifname, what);
	if (bpf_obj_pin(fd, path))
		return fail(-errno, "cannot pin %s: %s", path, strerror(errno));
	return 0;
}

static int make_pin_dir(const char *ifname)
{
	char path[512];

	if (mkdir(guard_pin_root, 0700) && errno != EEXIST)
		return fail(-errno, "cannot create %s: %s", guard_pin_root,
			    strerror(errno));
	snprintf(path, sizeof(path), "%s/%s", guard_pin_root, ifname);
	if (mkdir(path, 0700) && errno != EEXIST)
		return fail(-errno, "cannot create %s: %s", path, strerror(errno));
	return 0;
}

static int load_skeleton(struct hotline_guard_bpf **out)
{
	libbpf_print_fn_t old;
	struct hotline_guard_bpf *skel;
	int err;

	libbpf_log_len = 0;
	libbpf_log[0] = '\0';
	old = libbpf_set_print(capture_print);
	skel = hotline_guard_bpf__open();
	if (!skel) {
		err = -errno;
		libbpf_set_print(old);
		return fail(err, "cannot open the guard program: %s\n%s",
			    strerror(-err), log_tail(10));
	}
	err = hotline_guard_bpf__load(skel);
	libbpf_set_print(old);
	if (err) {
		hotline_guard_bpf__destroy(skel);
		if (err == -EPERM && !strstr(libbpf_log, "PROG LOAD LOG"))
			return fail(err, "the kernel refused to load the guard (EPERM): are you root with CAP_BPF and CAP_NET_ADMIN, and is kernel.unprivileged_bpf_disabled in the way?");
		return fail(err, "the kernel rejected the guard program (%s); verifier log tail:\n%s",
			    strerror(-err), log_tail(20));
	}
	*out = skel;
	return 0;
}

int guard_attach(const char *ifname, enum guard_mode mode,
		 const struct guard_limits *limits, bool force_skb_mode)
{
	LIBBPF_OPTS(bpf_link_create_opts, lopts);
	struct hotline_guard_bpf *skel = NULL;
	struct hotline_guard_config cfg;
	struct bpf_map *maps[PIN_LINK];
	int ifindex, link_fd = -1, err;

	err = check_ifname(ifname);
	if (err)
		return err;
	/* Validate everything before touching anything. */
	err = guard_config_encode(mode, false, limits, &cfg);
	if (err)
		return err;
	ifindex = (int)if_nametoindex(ifname);
	if (!ifindex)
		return fail(-ENODEV, "no device '%s'", ifname);
	err = check_bpffs();
	if (err)
		return err;

	if (link_is_on(ifname, ifindex))
		return reconfigure(ifname, mode, limits, true, true);
	/* Pins of a guard whose device went away (or half-made ones). */
	unpin_all(ifname);

	err = load_skeleton(&skel);
	if (err)
		return err;
	/*
	 * load_skeleton() sets skel when it returns 0; its errors come from
	 * fail(), never 0, which the analyser does not follow (variadic).
	 */
	/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
	maps[PIN_CONFIG] = skel->maps.guard_config;
	maps[PIN_BUCKET] = skel->maps.guard_bucket;
	maps[PIN_PEERS4] = skel->maps.guard_peers4;
	maps[PIN_PEERS6] = skel->maps.guard_peers6;
	maps[PIN_STATS] = skel->maps.guard_stats;
	maps[PIN_HOSTS4] = skel->maps.guard_hosts4;
	maps[PIN_HOSTS6] = skel->maps.guard_hosts6;
	maps[PIN_SLOTS4] = skel->maps.guard_slots4;
	maps[PIN_SLOTS6] = skel->maps.guard_slots6;

	err = write_config(bpf_map__fd(maps[PIN_CONFIG]), &cfg);
	if (!err)
		err = guard_bucket_refill(bpf_map__fd(maps[PIN_BUCKET]), &cfg);
	if (err)
		goto out;

	lopts.flags = force_skb_mode ? XDP_FLAGS_SKB_MODE : 0;
	link_fd = bpf_link_create(bpf_program__fd(skel->progs.hotline_guard),
				  ifindex, BPF_XDP, &lopts);
	if (link_fd < 0 && !force_skb_mode && errno == EOPNOTSUPP) {
		lopts.flags = XDP_FLAGS_SKB_MODE;
		link_fd = bpf_link_create(bpf_program__fd(skel->progs.hotline_guard),
					  ifindex, BPF_XDP, &lopts);
	}
	if (link_fd < 0) {
		err = -errno;
		if (err == -EBUSY || err == -EEXIST)
			fail(err, "%s already has another XDP program attached; detach it first (ip link set dev %s xdp off)",
			     ifname, ifname);
		else
			fail(err, "cannot attach the guard to %s: %s", ifname,
			     strerror(-err));
		goto out;
	}

	err = make_pin_dir(ifname);
	for (int i = 0; !err && i < PIN_LINK; i++)
		err = pin_fd(bpf_map__fd(maps[i]), ifname, i);
	/* The link last: once it is pinned the guard is complete. */
	if (!err)
		err = pin_fd(link_fd, ifname, PIN_LINK);
	if (err)
		unpin_all(ifname);
out:
	if (link_fd >= 0)
		close(link_fd);	/* unpinned: this detaches it again */
	hotline_guard_bpf__destroy(skel);
	return err;
}

int guard_detach(const char *ifname)
{
	int fd, err;

	err = check_ifname(ifname);
	if (err)
		return err;
	fd = open_pin(ifname, PIN_LINK);
	if (fd < 0) {
		/* Leftover map pins without a link: clean them, still ENOENT. */
		unpin_all(ifname);
		return fd;
	}
	/* Detach even if another process still holds the link open. */
	if (bpf_link_detach(fd) && errno != ENOLINK && errno != EINVAL) {
		err = fail(-errno, "cannot detach the guard from %s: %s",
			   ifname, strerror(errno));
		close(fd);
		return err;
	}
	close(fd);
	unpin_all(ifname);
	return 0;
}

int guard_set_mode(const char *ifname, enum guard_mode mode)
{
	int err = check_ifname(ifname);

	if (!err && (unsigned int)mode >= HOTLINE_GUARD_MODE_MAX)
		err = fail(-EINVAL, "guard mode %d is not one of off, monitor, enforce, auto",
			   (int)mode);
	return err ? err : reconfigure(ifname, mode, NULL, true, false);
}

int guard_set_limits(const char *ifname, const struct guard_limits *limits)
{
	int err = check_ifname(ifname);

	return err ? err : reconfigure(ifname, GUARD_MODE_OFF, limits, false, true);
}

static int set_armed_one(const char *ifname, void *arg)
{
	struct hotline_guard_config cfg;
	int fd, err;

	fd = open_pin(ifname, PIN_CONFIG);
	if (fd < 0)
		return fd;
	err = read_config(fd, &cfg);
	if (!err) {
		cfg.armed = *(bool *)arg;
		err = write_config(fd, &cfg);
	}
	close(fd);
	return err;
}

int guard_set_armed(const char *ifname, bool armed)
{
	int err;

	if (!ifname)
		return guard_foreach(set_armed_one, &armed);
	err = check_ifname(ifname);
	return err ? err : set_armed_one(ifname, &armed);
}

static void drop_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * The hosts maps and slot tables of the guard on ifname, -1 each it
 * lacks. Hosts go both or neither (a program without them knows only
 * the tries, which then take every peer); slot tables only with them.
 */
static int open_hosts(const char *ifname, struct guard_peer_fds *fds)
{
	int what[4] = { PIN_HOSTS4, PIN_HOSTS6, PIN_SLOTS4, PIN_SLOTS6 };
	int *dst[4] = { &fds->hosts4, &fds->hosts6, &fds->slots4, &fds->slots6 };
	int err = 0;

	for (int i = 0; i < 4 && !err; i++)
		err = open_optional(ifname, what[i], dst[i]);
	if (!err && (fds->hosts4 < 0 || fds->hosts6 < 0)) {
		for (int j = 0; j < 4; j++)
			drop_fd(dst[j]);
	}
	return err;
}

static void close_peer_fds(struct guard_peer_fds *fds)
{
	int *fd[6] = { &fds->peers4, &fds->peers6, &fds->hosts4, &fds->hosts6,
		       &fds->slots4, &fds->slots6 };

	for (int i = 0; i < 6; i++)
		drop_fd(fd[i]);
}

int guard_sync_peers(const char *ifname, const struct guard_prefix *list,
		     size_t n)
{
	struct guard_peer_fds fds = { .peers4 = -1, .peers6 = -1, .hosts4 = -1,
				      .hosts6 = -1, .slots4 = -1, .slots6 = -1 };
	int err;

	err = check_ifname(ifname);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		err = prefix_check(&list[i], i);
		if (err)
			return err;
	}
	fds.peers4 = open_pin(ifname, PIN_PEERS4);
	if (fds.peers4 < 0)
		return fds.peers4;
	fds.peers6 = open_pin(ifname, PIN_PEERS6);
	err = fds.peers6 < 0 ? fds.peers6 : open_hosts(ifname, &fds);
	if (!err)
		err = guard_sync_peers_fd(&fds, list, n);
	close_peer_fds(&fds);
	return err;
}

int guard_read_stats(const char *ifname, struct guard_stats *st)
{
	int fd, err;

	err = check_ifname(ifname);
	if (err)
		return err;
	fd = open_pin(ifname, PIN_STATS);
	if (fd < 0)
		return fd;
	err = guard_read_stats_fd(fd, st);
	close(fd);
	return err;
}

static size_t count_keys(const char *ifname, int what)
{
	unsigned char key[sizeof(struct hotline_guard_key6)];
	unsigned char prev[sizeof(key)];
	size_t n = 0;
	int fd;

	/* a map the guard lacks (hosts, before they existed) holds none */
	if (open_optional(ifname, what, &fd) || fd < 0)
		return 0;
	/*
	 * cppcheck takes prev in the conditional for a read; only its
	 * address is passed, and only once the first key filled it.
	 */
	/* cppcheck-suppress legacyUninitvar */
	while (!bpf_map_get_next_key(fd, n ? prev : NULL, key)) {
		memcpy(prev, key, sizeof(key));
		n++;
	}
	close(fd);
	return n;
}

int guard_show(const char *ifname, struct guard_info *info)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct hotline_guard_config cfg;
	struct bpf_link_info li;
	__u32 len = sizeof(li);
	int fd, err;

	err = check_ifname(ifname);
	if (err)
		return err;
	memset(info, 0, sizeof(*info));
	snprintf(info->ifname, sizeof(info->ifname), "%s", ifname);
	fd = open_pin(ifname, PIN_LINK);
	if (fd < 0)
		return fd;
	memset(&li, 0, sizeof(li));
	if (bpf_obj_get_info_by_fd(fd, &li, &len)) {
		err = fail(-errno, "cannot read the guard link of %s: %s",
			   ifname, strerror(errno));
		close(fd);
		return err;
	}
	close(fd);
	info->ifindex = (int)li.xdp.ifindex;
	info->prog_id = li.prog_id;
	info->link_id = li.id;
	info->xdp_mode = "?";
	if (info->ifindex && !bpf_xdp_query(info->ifindex, 0, &q)) {
		if (q.attach_mode == XDP_ATTACHED_DRV)
			info->xdp_mode = "native";
		else if (q.attach_mode == XDP_ATTACHED_SKB)
			info->xdp_mode = "generic";
		else if (q.attach_mode == XDP_ATTACHED_HW)
			info->xdp_mode = "offload";
	} else if (!info->ifindex) {
		info->xdp_mode = "detached";	/* the device went away */
	}

	fd = open_pin(ifname, PIN_CONFIG);
	if (fd < 0)
		return fd;
	err = read_config(fd, &cfg);
	close(fd);
	if (err)
		return err;
	info->mode = (enum guard_mode)cfg.mode;
	info->armed = cfg.armed;
	guard_config_decode(&cfg, &info->limits);
	info->peers4 = count_keys(ifname, PIN_PEERS4) + count_keys(ifname, PIN_HOSTS4);
	info->peers6 = count_keys(ifname, PIN_PEERS6) + count_keys(ifname, PIN_HOSTS6);
	return 0;
}

int guard_foreach(int (*fn)(const char *ifname, void *arg), void *arg)
{
	struct dirent *de;
	char path[512];
	struct stat st;
	DIR *d;
	int err = 0;

	d = opendir(guard_pin_root);
	if (!d) {
		if (errno == ENOENT)
			return 0;	/* no guard anywhere */
		return fail(-errno, "cannot read %s: %s", guard_pin_root,
			    strerror(errno));
	}
	while (!err && (de = readdir(d))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) >= IFNAMSIZ)
			continue;
		pin_path(path, sizeof(path), de->d_name, PIN_LINK);
		if (stat(path, &st))
			continue;
		err = fn(de->d_name, arg);
	}
	closedir(d);
	return err;
}
