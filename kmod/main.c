// SPDX-License-Identifier: GPL-2.0
/*
 * hotline: a prioritised, health-checked channel between two gateways.
 *
 * Everything lives in per-namespace data (struct hotline_net): the
 * channel table and the netfilter hooks come and go with the namespace.
 * Unloading first unregisters the netlink family (no new requests), then
 * the per-namespace state (hooks first, which waits for packets inside
 * them, then the channels), then waits for the RCU callbacks that free
 * them, and finally checks that every object it counted was freed.
 */
#define pr_fmt(fmt) "hotline: " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include "channel.h"
#include "classify.h"
#include "debugfs.h"
#include "health.h"
#include "netlink.h"

unsigned int hotline_net_id __read_mostly;

/* The netfilter hooks come with the first channel: classify.c. */
static int __net_init hotline_net_init(struct net *net)
{
	return channel_net_init(hotline_pernet(net));
}

static void __net_exit hotline_net_exit(struct net *net)
{
	classify_net_exit(net);
	channel_net_exit(hotline_pernet(net));
}

static struct pernet_operations hotline_net_ops = {
	.init = hotline_net_init,
	.exit = hotline_net_exit,
	.id = &hotline_net_id,
	.size = sizeof(struct hotline_net),
};

static int __init hotline_init(void)
{
	int err;

	/*
	 * The health engine's per-namespace state is registered first so
	 * that a dying namespace runs our exit (which stops the sessions)
	 * before the engine's (which closes the sockets they used).
	 */
	err = health_init();
	if (err)
		return err;
	err = register_pernet_subsys(&hotline_net_ops);
	if (err)
		goto err_health;
	err = hotline_nl_init();
	if (err)
		goto err_pernet;
	hotline_debugfs_init();
	pr_info("version %s loaded\n", HOTLINE_VERSION);
	return 0;

err_pernet:
	unregister_pernet_subsys(&hotline_net_ops);
	rcu_barrier();
err_health:
	health_exit();
	return err;
}

static void __exit hotline_exit(void)
{
	hotline_debugfs_exit();
	hotline_nl_exit();
	unregister_pernet_subsys(&hotline_net_ops);
	/* Channels and configurations are freed by call_rcu callbacks. */
	rcu_barrier();
	health_exit();
	hotline_objects_check();
}

module_init(hotline_init);
module_exit(hotline_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hotline: prioritised, health-checked channel between gateways");
MODULE_VERSION(HOTLINE_VERSION);
MODULE_ALIAS_GENL_FAMILY(HOTLINE_GENL_NAME);
