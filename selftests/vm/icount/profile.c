// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * icount_profile: kernel instructions by function, from the block counts
 * the icount plugin keeps under selftests/vm/run --icount.
 *
 *   icount_profile snap OUT
 *	copies the counts as they are now (/run/hotline-vm/profile, or
 *	$HOTLINE_PROFILE) to OUT
 *   icount_profile diff BEFORE AFTER [UNITS]
 *	the instructions each kernel function ran between two snapshots,
 *	divided by UNITS (packets, probes; default 1), resolved against
 *	/proc/kallsyms (or $HOTLINE_KALLSYMS): one line a function,
 *	"INSTRUCTIONS FUNCTION [MODULE]", the costliest first, then a
 *	"total" line
 *
 * A block is credited to the function whose symbol is the nearest at or
 * below its first address; x86 blocks end at every jump and call, so a
 * block straddles two functions only where one falls through into the
 * next, which compilers do not emit between symbols. Entries are only
 * ever appended, so entry i of BEFORE is entry i of AFTER.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROF_MAGIC	0x3130666f72706c68ull	/* "hlprof01" little-endian */

struct prof_entry {
	uint64_t vaddr;
	uint64_t insns;
	uint64_t execs;
};

struct snap {
	uint64_t n;
	struct prof_entry *e;
};

struct sym {
	uint64_t addr;
	char *name;		/* "function" or "function [module]" */
	double insns;
};

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "icount_profile: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

/* Reads a profile file (the plugin's, or a snapshot of it). */
static void snap_read(const char *path, struct snap *s)
{
	uint64_t hdr[3];
	FILE *f = fopen(path, "rb");

	if (!f)
		die("cannot open %s: %m", path);
	if (fread(hdr, sizeof(hdr), 1, f) != 1 || hdr[0] != PROF_MAGIC)
		die("%s: not a profile (run under selftests/vm/run --icount)", path);
	if (hdr[2] > hdr[1] || hdr[2] > (1u << 24))
		die("%s: entry count out of range", path);
	s->n = hdr[2];
	s->e = calloc(s->n ? s->n : 1, sizeof(*s->e));
	if (!s->e)
		die("%s: out of memory", path);
	if (fread(s->e, sizeof(*s->e), s->n, f) != s->n)
		die("%s: shorter than its header says", path);
	fclose(f);
}

static int snap_write(const char *in, const char *out)
{
	uint64_t hdr[3];
	struct snap s;
	FILE *f;

	snap_read(in, &s);
	f = fopen(out, "wb");
	if (!f)
		die("cannot create %s: %m", out);
	hdr[0] = PROF_MAGIC;
	hdr[1] = s.n;
	hdr[2] = s.n;
	if (fwrite(hdr, sizeof(hdr), 1, f) != 1 ||
	    fwrite(s.e, sizeof(*s.e), s.n, f) != s.n || fclose(f))
		die("cannot write %s", out);
	free(s.e);
	return 0;
}

static int sym_cmp_addr(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int sym_cmp_cost(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	if (x->insns != y->insns)
		return x->insns < y->insns ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* The kernel's and the modules' text symbols, sorted by address. */
static struct sym *syms_read(const char *path, size_t *count)
{
	size_t n = 0, cap = 1 << 16;
	struct sym *v = malloc(cap * sizeof(*v));
	char line[512], name[256], mod[256];
	unsigned long long addr;
	char type;
	FILE *f;

	if (!v)
		die("%s: out of memory", path);
	f = fopen(path, "r");
	if (!f)
		die("cannot open %s: %m", path);
	while (fgets(line, sizeof(line), f)) {
		int k = sscanf(line, "%llx %c %255s %255s", &addr, &type, name, mod);

		if (k < 3 || !addr || !strchr("tTwW", type))
			continue;
		if (n == cap) {
			struct sym *w = realloc(v, 2 * cap * sizeof(*v));

			if (!w)
				break;
			v = w;
			cap *= 2;
		}
		v[n].addr = addr;
		v[n].insns = 0;
		if (k == 4 ? asprintf(&v[n].name, "%s %s", name, mod) < 0 :
		    !(v[n].name = strdup(name)))
			break;
		n++;
	}
	if (ferror(f) || !feof(f))
		die("%s: cannot read it whole", path);
	fclose(f);
	if (!n)
		die("%s: no text symbols (kptr_restrict? run as root)", path);
	qsort(v, n, sizeof(*v), sym_cmp_addr);
	*count = n;
	return v;
}

static struct sym *sym_find(struct sym *v, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &v[lo - 1] : NULL;
}

static int diff(const char *before, const char *after, double units)
{
	const char *ksyms = getenv("HOTLINE_KALLSYMS");
	double total = 0, unknown = 0;
	struct snap a, b;
	struct sym *v;
	size_t n, i;

	snap_read(before, &a);
	snap_read(after, &b);
	if (b.n < a.n)
		die("%s: fewer entries than the snapshot before it", after);
	v = syms_read(ksyms ? ksyms : "/proc/kallsyms", &n);
	for (i = 0; i < b.n; i++) {
		uint64_t was = i < a.n ? a.e[i].execs : 0;
		struct sym *s;
		double d;

		if (i < a.n && a.e[i].vaddr != b.e[i].vaddr)
			die("%s: not a later snapshot of the same run", after);
		if (b.e[i].execs <= was)
			continue;
		d = (double)(b.e[i].execs - was) * b.e[i].insns;
		total += d;
		s = sym_find(v, n, b.e[i].vaddr);
		if (s)
			s->insns += d;
		else
			unknown += d;
	}
	qsort(v, n, sizeof(*v), sym_cmp_cost);
	for (i = 0; i < n && v[i].insns > 0; i++)
		printf("%.1f %s\n", v[i].insns / units, v[i].name);
	if (unknown > 0)
		printf("%.1f (below every symbol)\n", unknown / units);
	printf("%.1f total\n", total / units);
	return 0;
}

int main(int argc, char **argv)
{
	const char *live = getenv("HOTLINE_PROFILE");

	if (argc == 3 && !strcmp(argv[1], "snap"))
		return snap_write(live ? live : "/run/hotline-vm/profile", argv[2]);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "diff")) {
		double units = 1;

		if (argc == 5) {
			char *end;

			errno = 0;
			units = strtod(argv[4], &end);
			if (errno || *end || !(units > 0))
				die("UNITS '%s': not a positive number", argv[4]);
		}
		return diff(argv[2], argv[3], units);
	}
	fprintf(stderr, "usage: icount_profile snap OUT\n"
		"       icount_profile diff BEFORE AFTER [UNITS]\n");
	return 2;
}
