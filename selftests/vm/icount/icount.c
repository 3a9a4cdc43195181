// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * icount.so: a QEMU TCG plugin that counts the guest's instructions, per
 * vCPU, kernel and user apart, into a file the guest can read while it
 * runs (selftests/vm/run --icount).
 *
 *   -plugin icount.so,out=PATH
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
 * QEMU ships no header for its plugin API in Debian's packages, so the
 * few declarations used are written out below. They follow the stable
 * API of include/qemu/qemu-plugin.h in QEMU's source (docs/devel/
 * tcg-plugins.rst), version 1 as in QEMU 7.2.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

/* vcpu < ICOUNT_SLOTS: qemu_plugin_install() refused more vCPUs. */
static void tb_exec(unsigned int vcpu, void *udata)
{
	uintptr_t v = (uintptr_t)udata;

	if (v & 1)
		counts->vcpu[vcpu].kernel += v >> 1;
	else
		counts->vcpu[vcpu].user += v >> 1;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uintptr_t n = qemu_plugin_tb_n_insns(tb);
	bool kernel = qemu_plugin_tb_vaddr(tb) >= KERNEL_START;

	(void)id;
	qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec, QEMU_PLUGIN_CB_NO_REGS,
					     (void *)(n << 1 | kernel));
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
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	const char *path = NULL;
	int i, fd;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4))
			path = argv[i] + 4;
		else {
			fprintf(stderr, "icount: unknown argument '%s' (only out=PATH)\n",
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
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, sizeof(*counts))) {
		perror("icount: cannot create the counter file");
		return -1;
	}
	counts = mmap(NULL, sizeof(*counts), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (counts == MAP_FAILED) {
		perror("icount: cannot map the counter file");
		return -1;
	}
	memset(counts, 0, sizeof(*counts));
	counts->magic = ICOUNT_MAGIC;
	counts->slots = ICOUNT_SLOTS;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
