/* SPDX-License-Identifier: GPL-2.0 */
/*
 * STAMP (RFC 8762) test packets: the one definition of the wire format,
 * shared by hotline.ko, BPF programs and the userspace test tools.
 *
 * Freestanding: only <linux/types.h>, no libc, no kernel-only calls.
 * Multi-byte fields are big-endian on the wire; the structs use the __be
 * types so sparse catches a missing conversion, and the stamp_get/put
 * helpers below do the conversion without depending on any byte-order
 * header.
 *
 * Layouts (offsets in bytes):
 *
 * Session-Sender, unauthenticated (§4.2.1), 44 bytes:
 *   0 seq(4)  4 timestamp(8)  12 error estimate(2)  14 MBZ(30)
 * Session-Sender, authenticated (§4.2.2), 112 bytes:
 *   0 seq(4)  4 MBZ(12)  16 timestamp(8)  24 error estimate(2)  26 MBZ(70)
 *   96 HMAC(16)
 * Session-Reflector, unauthenticated (§4.3.1), 44 bytes:
 *   0 seq(4)  4 timestamp(8)  12 error estimate(2)  14 MBZ(2)
 *   16 receive timestamp(8)  24 sender seq(4)  28 sender timestamp(8)
 *   36 sender error estimate(2)  38 MBZ(2)  40 sender TTL(1)  41 MBZ(3)
 * Session-Reflector, authenticated (§4.3.2), 112 bytes:
 *   0 seq(4)  4 MBZ(12)  16 timestamp(8)  24 error estimate(2)  26 MBZ(6)
 *   32 receive timestamp(8)  40 MBZ(8)  48 sender seq(4)  52 MBZ(12)
 *   64 sender timestamp(8)  72 sender error estimate(2)  74 MBZ(6)
 *   80 sender TTL(1)  81 MBZ(15)  96 HMAC(16)
 *
 * In authenticated mode the HMAC is HMAC-SHA-256 over bytes 0..95,
 * truncated to its first 16 bytes.
 *
 * Telling a reflected packet from a test packet: both have the same size,
 * but a reflector always fills "receive timestamp", which lies inside an
 * MBZ area of the sender packet (bytes 16..23 unauthenticated, 32..39
 * authenticated; RFC 8972's SSID at 14..15 does not overlap it). An NTP
 * time is never zero after 1900, so stamp_is_reflected() is exact for
 * conforming peers.
 */
#ifndef _HOTLINE_STAMP_H
#define _HOTLINE_STAMP_H

#include <linux/types.h>

#define STAMP_PORT			862
#define STAMP_UNAUTH_LEN		44
#define STAMP_AUTH_LEN			112
#define STAMP_HMAC_LEN			16
#define STAMP_HMAC_OFF			96	/* HMAC covers [0, 96) */
#define STAMP_TTL			255	/* test packets leave with TTL 255 */

/* NTP epoch (1900) to Unix epoch (1970), in seconds. */
#define STAMP_NTP_UNIX_OFFSET		2208988800U

/*
 * Error estimate (RFC 4656 §4.1.2): S(1) Z(1) Scale(6) Multiplier(8).
 * We do not know whether the clock is synchronised, so S = 0; Z = 0 (NTP
 * format); 1 * 2^22 * 2^-32 s, about a millisecond, as the stated error.
 */
#define STAMP_ERR_S			0x8000
#define STAMP_ERR_Z			0x4000
#define STAMP_ERR_ESTIMATE		((22 << 8) | 1)

struct stamp_ntp {
	__be32 sec;
	__be32 frac;
} __attribute__((packed));

struct stamp_sender {
	__be32 seq;
	struct stamp_ntp ts;
	__be16 err;
	__u8 mbz[30];
} __attribute__((packed));

struct stamp_sender_auth {
	__be32 seq;
	__u8 mbz0[12];
	struct stamp_ntp ts;
	__be16 err;
	__u8 mbz1[70];
	__u8 hmac[STAMP_HMAC_LEN];
} __attribute__((packed));

struct stamp_reflector {
	__be32 seq;
	struct stamp_ntp ts;
	__be16 err;
	__u8 mbz0[2];
	struct stamp_ntp rx_ts;
	__be32 sender_seq;
	struct stamp_ntp sender_ts;
	__be16 sender_err;
	__u8 mbz1[2];
	__u8 sender_ttl;
	__u8 mbz2[3];
} __attribute__((packed));

struct stamp_reflector_auth {
	__be32 seq;
	__u8 mbz0[12];
	struct stamp_ntp ts;
	__be16 err;
	__u8 mbz1[6];
	struct stamp_ntp rx_ts;
	__u8 mbz2[8];
	__be32 sender_seq;
	__u8 mbz3[12];
	struct stamp_ntp sender_ts;
	__be16 sender_err;
	__u8 mbz4[6];
	__u8 sender_ttl;
	__u8 mbz5[15];
	__u8 hmac[STAMP_HMAC_LEN];
} __attribute__((packed));

_Static_assert(sizeof(struct stamp_sender) == STAMP_UNAUTH_LEN, "sender");
_Static_assert(sizeof(struct stamp_sender_auth) == STAMP_AUTH_LEN, "sender auth");
_Static_assert(sizeof(struct stamp_reflector) == STAMP_UNAUTH_LEN, "reflector");
_Static_assert(sizeof(struct stamp_reflector_auth) == STAMP_AUTH_LEN,
	       "reflector auth");
_Static_assert(__builtin_offsetof(struct stamp_sender_auth, hmac) ==
	       STAMP_HMAC_OFF, "sender hmac");
_Static_assert(__builtin_offsetof(struct stamp_reflector_auth, hmac) ==
	       STAMP_HMAC_OFF, "reflector hmac");
_Static_assert(__builtin_offsetof(struct stamp_reflector_auth, rx_ts) == 32,
	       "reflector auth rx_ts");
_Static_assert(__builtin_offsetof(struct stamp_reflector_auth, sender_ttl) == 80,
	       "reflector auth ttl");
_Static_assert(__builtin_offsetof(struct stamp_reflector, sender_ttl) == 40,
	       "reflector ttl");

/*
 * A parsed packet in host order: the one view the engine and the tools
 * work with, whatever the mode. Sender packets leave the reflector fields
 * zero.
 */
struct stamp_view {
	__u32 seq;
	__u64 ts;		/* NTP 32.32 */
	__u16 err;
	__u64 rx_ts;		/* NTP 32.32, reflector only */
	__u32 sender_seq;
	__u64 sender_ts;
	__u16 sender_err;
	__u8 sender_ttl;
};

static inline __u32 stamp_get32(const __u8 *p)
{
	return (__u32)p[0] << 24 | (__u32)p[1] << 16 | (__u32)p[2] << 8 | p[3];
}

static inline __u16 stamp_get16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

static inline __u64 stamp_get64(const __u8 *p)
{
	return (__u64)stamp_get32(p) << 32 | stamp_get32(p + 4);
}

static inline void stamp_put32(__u8 *p, __u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline void stamp_put16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline void stamp_put64(__u8 *p, __u64 v)
{
	stamp_put32(p, v >> 32);
	stamp_put32(p + 4, (__u32)v);
}

/* Field offsets per mode, so the code below is written once. */
struct stamp_layout {
	__u8 len, ts, err, rx_ts, sender_seq, sender_ts, sender_err, sender_ttl;
};

static inline struct stamp_layout stamp_layout(int auth)
{
	struct stamp_layout u = { STAMP_UNAUTH_LEN, 4, 12, 16, 24, 28, 36, 40 };
	struct stamp_layout a = { STAMP_AUTH_LEN, 16, 24, 32, 48, 64, 72, 80 };

	return auth ? a : u;
}

static inline int stamp_len(int auth)
{
	return auth ? STAMP_AUTH_LEN : STAMP_UNAUTH_LEN;
}

/* True when @pkt (at least stamp_len(auth) bytes) came from a reflector. */
static inline int stamp_is_reflected(const __u8 *pkt, int auth)
{
	return stamp_get64(pkt + stamp_layout(auth).rx_ts) != 0;
}

/* Parses @pkt (at least stamp_len(auth) bytes); never fails. */
static inline void stamp_parse(const __u8 *pkt, int auth, struct stamp_view *v)
{
	struct stamp_layout l = stamp_layout(auth);

	v->seq = stamp_get32(pkt);
	v->ts = stamp_get64(pkt + l.ts);
	v->err = stamp_get16(pkt + l.err);
	v->rx_ts = stamp_get64(pkt + l.rx_ts);
	v->sender_seq = stamp_get32(pkt + l.sender_seq);
	v->sender_ts = stamp_get64(pkt + l.sender_ts);
	v->sender_err = stamp_get16(pkt + l.sender_err);
	v->sender_ttl = pkt[l.sender_ttl];
}

/*
 * Writes a sender packet (reflected = 0) or a reflector packet into @pkt,
 * stamp_len(auth) bytes, every MBZ byte zeroed; the HMAC is left zero for
 * the caller to fill.
 */
static inline void stamp_build(__u8 *pkt, int auth, int reflected,
			       const struct stamp_view *v)
{
	struct stamp_layout l = stamp_layout(auth);
	int i;

	for (i = 0; i < l.len; i++)
		pkt[i] = 0;
	stamp_put32(pkt, v->seq);
	stamp_put64(pkt + l.ts, v->ts);
	stamp_put16(pkt + l.err, v->err);
	if (!reflected)
		return;
	stamp_put64(pkt + l.rx_ts, v->rx_ts);
	stamp_put32(pkt + l.sender_seq, v->sender_seq);
	stamp_put64(pkt + l.sender_ts, v->sender_ts);
	stamp_put16(pkt + l.sender_err, v->sender_err);
	pkt[l.sender_ttl] = v->sender_ttl;
}

/*
 * NTP 32.32 from a Unix time split in seconds and nanoseconds, without a
 * 64-bit division (32-bit kernels, BPF): frac = nsec * 2^32 / 10^9 is
 * nsec * (2^63 / 10^9) >> 31, whose product stays below 2^64 for
 * nsec < 10^9 and is off by less than 0.1 fraction units.
 */
static inline __u64 stamp_ntp_from_unix(__u64 sec, __u32 nsec)
{
	__u64 frac = ((__u64)nsec * 9223372037ULL) >> 31;

	if (frac > 0xffffffffULL)
		frac = 0xffffffffULL;
	return (__u64)(__u32)(sec + STAMP_NTP_UNIX_OFFSET) << 32 | frac;
}

/* Nanoseconds of the fraction part of an NTP 32.32 time. */
static inline __u32 stamp_ntp_frac_ns(__u64 ntp)
{
	return (__u32)(((ntp & 0xffffffffULL) * 1000000000ULL) >> 32);
}

/*
 * @a - @b in nanoseconds. The seconds differ modulo 2^32 (NTP eras), so
 * this is right across the 2036 rollover for differences < 68 years.
 */
static inline __s64 stamp_ntp_diff_ns(__u64 a, __u64 b)
{
	__s32 dsec = (__s32)((__u32)(a >> 32) - (__u32)(b >> 32));

	return (__s64)dsec * 1000000000LL +
	       ((__s64)stamp_ntp_frac_ns(a) - (__s64)stamp_ntp_frac_ns(b));
}

#endif /* _HOTLINE_STAMP_H */
