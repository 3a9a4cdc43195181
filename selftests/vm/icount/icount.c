// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * icount.so: a QEMU TCG plugin that counts the guest's instructions, per
 * vCPU, kernel and user apart, into a file the guest can read while it
 * runs (selftests/vm/run --icount).
 *
 *   -plugin icount.so,out=PATH[,profile=PROF]
 *
 * PATH (created by the runner on its writable share, which the guest
 * mounts without caching) is mapped shared and holds, little-endian:
 *
 *   u64 magic ("hlicount"), u64 number of vCPU slots (ICOUNT_SLOTS),
 *   then per vCPU: u64 user instructions, u64 kernel instructions.
 *
 * A read of the file from inside the guest goes through 9p to the host's
 * page cache, which is this mapping: the guest sees the counts as of the
 * moment of its read, so a test brackets a phase with two reads.  Each
 * vCPU thread writes only its own slot (multi-threaded TCG runs a thread
 * per vCPU), so no counter is shared between threads.
 *
 * Counting is per translated block: at translation the block's size in
 * instructions and whether it is kernel text (a canonical upper-half
 * address, x86-64) are packed into the callback's data; at execution
 * the callback adds them. A block left early by an exception counts
 * whole, which overcounts by the instructions skipped, a few per page
 * fault: small beside the millions a benchmark phase runs.
 *
 * With profile=PROF the plugin also keeps, in a second shared mapping,
 * how often each kernel block ran, for a profile by function
 * (selftests/vm/icount/profile.c resolves the blocks against the
 * guest's /proc/kallsyms). PROF holds, little-endian:
 *
 *   u64 magic ("hlprof01"), u64 capacity, u64 entries in use,
 *   then per entry: u64 block address, u64 its instructions,
 *   u64 times it ran.
 *
 * An entry is one (address, size) pair: a block translated again alike
 * (TCG flushes its cache when full) keeps counting in its old entry, one
 * cut differently gets its own. The entry is filled before "in use"
 * covers it, so a reader never sees a half-written one. The execution
 * counts are shared between vCPU threads and added atomically; blocks
 * beyond the capacity are counted in the totals but not profiled, and
 * the plugin says so at exit.
 *
 * QEMU ships no header for its plugin API in Debian's packages, so the
 * few declarations used are written out below. They follow the stable
 * API of include/qemu/qemu-plugin.h in QEMU's source (docs/devel/
 * tcg-plugins.rst), version 1 as in QEMU 7.2.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- QEMU plugin API v1 (include/qemu/qemu-plugin.h), what is used ---- */
typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;

typedef struct qemu_info_t {
	const char *target_name;
	struct {
		int min;
		int cur;
	} version;
	bool system_emulation;
	union {
		struct {
			int smp_vcpus;
			int max_vcpus;
		} system;
	};
} qemu_info_t;

enum qemu_plugin_cb_flags {
	QEMU_PLUGIN_CB_NO_REGS,
	QEMU_PLUGIN_CB_R_REGS,
	QEMU_PLUGIN_CB_RW_REGS,
};

typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
					       struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
					  qemu_plugin_vcpu_udata_cb_t cb,
					  enum qemu_plugin_cb_flags flags,
					  void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
				    qemu_plugin_udata_cb_t cb, void *userdata);
void qemu_plugin_outs(const char *string);

#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))
/* ---- end of the API declarations ---- */

QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

#define ICOUNT_MAGIC	0x746e756f63696c68ull	/* "hlicount" little-endian */
#define ICOUNT_SLOTS	64
#define KERNEL_START	0xffff800000000000ull

struct icount_file {
	uint64_t magic;
	uint64_t slots;
	struct {
		uint64_t user;
		uint64_t kernel;
	} vcpu[ICOUNT_SLOTS];
};

static struct icount_file *counts;

#define PROF_MAGIC	0x3130666f72706c68ull	/* "hlprof01" little-endian */
#define PROF_CAPACITY	(1u << 20)
#define PROF_HASH	(PROF_CAPACITY * 2)	/* a power of two */

struct prof_entry {
	uint64_t vaddr;
	uint64_t insns;
	uint64_t execs;
};

struct prof_file {
	uint64_t magic;
	uint64_t capacity;
	uint64_t used;
	struct prof_entry e[];
};

static struct prof_file *prof;
/* entry index + 1 by (address, size), open addressing; under prof_lock */
static uint32_t *prof_hash;
static pthread_mutex_t prof_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t prof_dropped;

/* vcpu < ICOUNT_SLOTS: qemu_plugin_install() refused more vCPUs. */
static void tb_exec(unsigned int vcpu, void *udata)
{
	uintptr_t v = (uintptr_t)udata;

	if (v & 1)
		counts->vcpu[vcpu].kernel += v >> 1;
	else
		counts->vcpu[vcpu].user += v >> 1;
}

static void tb_exec_prof(unsigned int vcpu, void *udata)
{
	struct prof_entry *e = udata;

	counts->vcpu[vcpu].kernel += e->insns;
	__atomic_fetch_add(&e->execs, 1, __ATOMIC_RELAXED);
}

/* The entry of the block at @vaddr of @n instructions; NULL when full. */
static struct prof_entry *prof_entry(uint64_t vaddr, uint64_t n)
{
	uint64_t h = (vaddr ^ n * 0x9e3779b97f4a7c15ull) * 0xff51afd7ed558ccdull;
	struct prof_entry *e = NULL;
	uint32_t i = h >> 40 & (PROF_HASH - 1);

	pthread_mutex_lock(&prof_lock);
	for (;; i = (i + 1) & (PROF_HASH - 1)) {
		uint32_t k = prof_hash[i];

		if (!k)
			break;
		if (prof->e[k - 1].vaddr == vaddr && prof->e[k - 1].insns == n) {
			e = &prof->e[k - 1];
			goto out;
		}
	}
	if (prof->used == PROF_CAPACITY) {
		prof_dropped++;
		goto out;
	}
	e = &prof->e[prof->used];
	e->vaddr = vaddr;
	e->insns = n;
	e->execs = 0;
	prof_hash[i] = prof->used + 1;
	__atomic_store_n(&prof->used, prof->used + 1, __ATOMIC_RELEASE);
out:
	pthread_mutex_unlock(&prof_lock);
	return e;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uintptr_t n = qemu_plugin_tb_n_insns(tb);
	uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
	bool kernel = vaddr >= KERNEL_START;
	struct prof_entry *e;

	(void)id;
	if (kernel && prof && (e = prof_entry(vaddr, n))) {
		qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec_prof,
						     QEMU_PLUGIN_CB_NO_REGS, e);
		return;
	}
	qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec, QEMU_PLUGIN_CB_NO_REGS,
					     (void *)(n << 1 | kernel));
}

/* Maps @path shared, @size bytes, zeroed; NULL (having said why) on error. */
static void *map_file(const char *path, size_t size)
{
	void *p;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, size)) {
		fprintf(stderr, "icount: cannot create %s: %m\n", path);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		fprintf(stderr, "icount: cannot map %s: %m\n", path);
		return NULL;
	}
	return p;
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	uint64_t u = 0, k = 0;
	char line[128];
	int i;

	(void)id;
	(void)udata;
	for (i = 0; i < ICOUNT_SLOTS; i++) {
		u += counts->vcpu[i].user;
		k += counts->vcpu[i].kernel;
	}
	snprintf(line, sizeof(line), "icount: user %llu kernel %llu\n",
		 (unsigned long long)u, (unsigned long long)k);
	qemu_plugin_outs(line);
	msync(counts, sizeof(*counts), MS_SYNC);
	if (prof) {
		snprintf(line, sizeof(line), "icount: profile: %llu blocks, %llu beyond its capacity\n",
			 (unsigned long long)prof->used, (unsigned long long)prof_dropped);
		qemu_plugin_outs(line);
	}
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	const char *path = NULL, *prof_path = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4)) {
			path = argv[i] + 4;
		} else if (!strncmp(argv[i], "profile=", 8)) {
			prof_path = argv[i] + 8;
		} else {
			fprintf(stderr, "icount: unknown argument '%s' (out=PATH, profile=PATH)\n",
				argv[i]);
			return -1;
		}
	}
	if (!path) {
		fprintf(stderr, "icount: no out=PATH argument\n");
		return -1;
	}
	if (info->version.min > qemu_plugin_version ||
	    info->version.cur < qemu_plugin_version) {
		fprintf(stderr, "icount: QEMU's plugin API is %d..%d, this plugin's %d\n",
			info->version.min, info->version.cur, qemu_plugin_version);
		return -1;
	}
	if (!info->system_emulation || strcmp(info->target_name, "x86_64")) {
		fprintf(stderr, "icount: counts x86_64 system emulation only, not %s\n",
			info->target_name);
		return -1;
	}
	if (info->system.smp_vcpus > ICOUNT_SLOTS || info->system.max_vcpus > ICOUNT_SLOTS) {
		fprintf(stderr, "icount: %d vCPUs (at most %d): more than the %d slots\n",
			info->system.smp_vcpus, info->system.max_vcpus, ICOUNT_SLOTS);
		return -1;
	}
	counts = map_file(path, sizeof(*counts));
	if (!counts)
		return -1;
	counts->magic = ICOUNT_MAGIC;
	counts->slots = ICOUNT_SLOTS;
	if (prof_path) {
		prof = map_file(prof_path, sizeof(*prof) +
				(size_t)PROF_CAPACITY * sizeof(prof->e[0]));
		prof_hash = calloc(PROF_HASH, sizeof(*prof_hash));
		if (!prof || !prof_hash) {
			fprintf(stderr, "icount: no memory for the profile\n");
			return -1;
		}
		prof->magic = PROF_MAGIC;
		prof->capacity = PROF_CAPACITY;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
