// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: channel_decode() (user/channel_msg.c), the decoder of
 * every channel message the kernel sends. The input is what follows the
 * netlink header: the generic netlink header and the attributes. A channel
 * that decodes is then printed every way hotlinectl prints one (table,
 * JSON, hotline.conf) and the hotline.conf text is parsed again. (That
 * text need not be accepted: the decoder takes values the kernel never
 * reports, such as a port on a channel of any protocol.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>

#include "channel.h"
#include "config.h"
#include "output.h"

#define MSG_MAX 65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint32_t buf[(NLMSG_HDRLEN + MSG_MAX) / 4];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct parse_error e;
	struct hl_channel ch;
	struct conf c;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (size > MSG_MAX)
		return 0;
	memset(nlh, 0, NLMSG_HDRLEN);
	nlh->nlmsg_len = (uint32_t)(NLMSG_HDRLEN + size);
	nlh->nlmsg_type = 0x20;
	memcpy((char *)buf + NLMSG_HDRLEN, data, size);
	if (channel_decode(nlh, &ch, &e)) {
		if (!memchr(e.why, '\0', sizeof(e.why)))
			abort();
		return 0;
	}
	f = open_memstream(&text, &len);
	if (!f)
		abort();
	channels_print(f, &ch, 1, false, true);
	channels_print(f, &ch, 1, true, true);
	fclose(f);
	free(text);

	text = NULL;
	f = open_memstream(&text, &len);
	if (!f)
		abort();
	conf_print(f, &ch, NULL, 1);
	fclose(f);
	conf_parse(text, len, "showconf", NULL, 0, &c);
	conf_free(&c);
	free(text);
	return 0;
}
