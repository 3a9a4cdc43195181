// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/hotline/: what the test suite needs to look inside.
 *
 *   objects      one "name value" line per kind of live object. The
 *                counters are global, not per namespace: the suite checks
 *                that once every namespace is gone, so is everything the
 *                module allocated, including frees still waiting for an
 *                RCU grace period. A leak then shows up right after the
 *                test that caused it, not as a kmemleak report much later.
 *   inject_warn  TEST ONLY: writing 1 triggers a WARN. The VM test runner
 *                boots with panic_on_warn and treats any splat as a
 *                failure; this knob lets its own test prove that it
 *                really catches one, so a green run means something.
 *   inject_leak, inject_kasan
 *                TEST ONLY, the same for the debug kernel: a leaked
 *                allocations for kmemleak, a read after free for KASAN.
 *
 * Root only, debugfs only: nothing here is an interface for users.
 */
#define pr_fmt(fmt) "hotline: " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "debugfs.h"

atomic_long_t hotline_objects[HOTLINE_OBJ_MAX];

static const char *const hotline_obj_names[HOTLINE_OBJ_MAX] = {
	[HOTLINE_OBJ_CHANNEL] = "channels",
	[HOTLINE_OBJ_CHANNEL_STATS] = "channel_stats",
	[HOTLINE_OBJ_CHANNEL_CFG] = "channel_cfgs",
	[HOTLINE_OBJ_PEER_GROUP] = "peer_groups",
	[HOTLINE_OBJ_SUB16_MAP] = "prefix_len_maps",
	[HOTLINE_OBJ_SUB16_COUNTS] = "prefix_len_counts",
	[HOTLINE_OBJ_HEALTH_SESSION] = "health_sessions",
	[HOTLINE_OBJ_SESSION_TIMER] = "session_timers",
	[HOTLINE_OBJ_HMAC_TFM] = "hmac_tfms",
	[HOTLINE_OBJ_STAMP_PORT] = "stamp_ports",
	[HOTLINE_OBJ_STAMP_SOCKET] = "stamp_sockets",
	[HOTLINE_OBJ_PATHSET] = "pathsets",
	[HOTLINE_OBJ_NF_HOOKS] = "nf_hook_sets",
	[HOTLINE_OBJ_RCU_PENDING] = "rcu_pending",
};

static struct dentry *hotline_debugfs;

static int objects_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; i < HOTLINE_OBJ_MAX; i++)
		seq_printf(m, "%s %ld\n", hotline_obj_names[i],
			   atomic_long_read(&hotline_objects[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(objects);

static ssize_t inject_warn_write(struct file *file, const char __user *buf,
				 size_t count, loff_t *ppos)
{
	bool warn;
	int err;

	err = kstrtobool_from_user(buf, count, &warn);
	if (err)
		return err;
	WARN(warn, "hotline: warning injected through debugfs (test only)\n");
	return count;
}

static const struct file_operations inject_warn_fops = {
	.owner = THIS_MODULE,
	.write = inject_warn_write,
	.llseek = noop_llseek,
};

/*
 * TEST ONLY, like inject_warn, for the debug kernel's checks: the runner
 * must fail a run in which hotline leaked memory (kmemleak) or touched
 * freed memory (KASAN). Each write does the bug once, on purpose.
 */
static ssize_t inject_leak_write(struct file *file, const char __user *buf,
				 size_t count, loff_t *ppos)
{
	void *p;
	int i;

	/*
	 * Forgotten on purpose: kmemleak must find them with our frame. A
	 * stale copy of the last pointer may linger in a cached kernel stack
	 * and count as a reference, so leak several.
	 */
	for (i = 0; i < 8; i++) {
		p = kmalloc(64, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		OPTIMIZER_HIDE_VAR(p);
	}
	return count;
}

static ssize_t inject_kasan_write(struct file *file, const char __user *buf,
				  size_t count, loff_t *ppos)
{
	char *p = kmalloc(8, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	kfree(p);
	/*
	 * A read after free: KASAN reports it, panic_on_warn ends the run.
	 * Hidden from the compiler so it cannot warn or drop the read.
	 */
	OPTIMIZER_HIDE_VAR(p);
	return count + 0 * READ_ONCE(p[0]);
}

static const struct file_operations inject_leak_fops = {
	.owner = THIS_MODULE,
	.write = inject_leak_write,
	.llseek = noop_llseek,
};

static const struct file_operations inject_kasan_fops = {
	.owner = THIS_MODULE,
	.write = inject_kasan_write,
	.llseek = noop_llseek,
};

void hotline_debugfs_init(void)
{
	hotline_debugfs = debugfs_create_dir("hotline", NULL);
	debugfs_create_file("objects", 0444, hotline_debugfs, NULL,
			    &objects_fops);
	debugfs_create_file("inject_warn", 0200, hotline_debugfs, NULL,
			    &inject_warn_fops);
	debugfs_create_file("inject_leak", 0200, hotline_debugfs, NULL,
			    &inject_leak_fops);
	debugfs_create_file("inject_kasan", 0200, hotline_debugfs, NULL,
			    &inject_kasan_fops);
}

void hotline_debugfs_exit(void)
{
	debugfs_remove_recursive(hotline_debugfs);
}

void hotline_objects_check(void)
{
	bool leaked = false;
	long n;
	int i;

	for (i = 0; i < HOTLINE_OBJ_MAX; i++) {
		n = atomic_long_read(&hotline_objects[i]);
		if (!n)
			continue;
		pr_err("unloading with %ld %s still counted\n", n,
		       hotline_obj_names[i]);
		leaked = true;
	}
	/* every path that frees was taken by now: a count left is a bug */
	WARN_ON_ONCE(leaked);
}
