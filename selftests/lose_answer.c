// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * LD_PRELOAD shim for hotlinectl: the kernel's answer to the next
 * HOTLINE_CMD_APPLY request is lost, as when the socket's receive queue
 * overruns (the kernel drops the acknowledgement and the next receive
 * fails with ENOBUFS). The request itself goes through, so the kernel
 * carries the plan out and hotlinectl cannot know it did: test_paths
 * checks what hotlinectl then says and that it leaves the routes.
 *
 * Only generic netlink sockets are watched (route sockets number their
 * messages in the range genl family ids come from), and only once.
 *
 *   LD_PRELOAD=build/selftests/lose_answer.so hotlinectl apply FILE
 */
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/hotline.h>

static int lose_fd = -1;
static int lost;

static int is_genl(int fd)
{
	int proto = -1;
	socklen_t len = sizeof(proto);

	return getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 &&
	       proto == NETLINK_GENERIC;
}

static int is_apply(const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	const struct genlmsghdr *g = (const void *)((const char *)buf + NLMSG_HDRLEN);

	return len >= NLMSG_HDRLEN + sizeof(*g) && nlh->nlmsg_type != GENL_ID_CTRL &&
	       g->cmd == HOTLINE_CMD_APPLY;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
	       const struct sockaddr *to, socklen_t tolen)
{
	static ssize_t (*real)(int, const void *, size_t, int,
			       const struct sockaddr *, socklen_t);
	ssize_t n;

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "sendto");
	n = real(fd, buf, len, flags, to, tolen);
	if (n >= 0 && !lost && is_apply(buf, len) && is_genl(fd))
		lose_fd = fd;
	return n;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, struct msghdr *, int);
	ssize_t n;

	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "recvmsg");
	n = real(fd, msg, flags);
	if (fd == lose_fd && n >= 0) {
		lose_fd = -1;
		lost = 1;
		errno = ENOBUFS;
		return -1;
	}
	return n;
}
