/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * UDP Connection Request messages (TR-069 Annex G, TR-111 part 2): one datagram holding an
 * HTTP/1.1 GET whose query carries ts (seconds since the epoch), id, un (the
 * ConnectionRequestUsername), cn (a nonce) and sig, the hex HMAC-SHA1 of ts||id||un||cn keyed
 * with ConnectionRequestPassword. The datagram is the attacker's as much as the ACS's:
 * bounded, parsed strictly, checked for signature, freshness and replay before anything.
 */
#define HENB_UDP_CR_MAX_SIZE 1024
/* how far ts may be from our clock; the ACS's and the HeNB's clocks both follow NTP */
#define HENB_UDP_CR_WINDOW_S 300
/* the ACS sends each message several times (GenieACS: 3): copies within this are one request */
#define HENB_UDP_CR_DUPLICATE_S 5
#define HENB_UDP_CR_REMEMBERED 64

typedef struct {
    gchar  *ts;
    gchar  *id;
    gchar  *un;
    gchar  *cn;
    gchar  *sig;
    gint64  timestamp; /* ts as a number */
    /* id, un and cn as sent, before percent-decoding: GenieACS 1.2.16 puts the username into
     * the query as it is and signs that ("00005A-HeNB-SN%2D1" stays so) */
    gchar  *raw_id;
    gchar  *raw_un;
    gchar  *raw_cn;
} HenbUdpCr;

/* Errors: G_IO_ERROR_INVALID_DATA, with what was wrong. */
HenbUdpCr *henb_udp_cr_parse (const guint8 *data, gsize size, GError **error);
void       henb_udp_cr_free (HenbUdpCr *cr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbUdpCr, henb_udp_cr_free)

/* The lowercase hex signature of a message (for the ACS side in tests, and for checking). */
gchar     *henb_udp_cr_sign (const gchar *ts, const gchar *id, const gchar *un, const gchar *cn,
                             const gchar *password);

typedef enum {
    HENB_UDP_CR_OK,
    HENB_UDP_CR_DUPLICATE,      /* a copy of one just accepted: ignore quietly */
    HENB_UDP_CR_NO_CREDENTIALS, /* no ConnectionRequestUsername: every request is refused */
    HENB_UDP_CR_WRONG_USERNAME,
    HENB_UDP_CR_BAD_SIGNATURE,
    HENB_UDP_CR_STALE,          /* ts too far from our clock */
    HENB_UDP_CR_REPLAYED,       /* an id seen before, or older than the last accepted */
} HenbUdpCrVerdict;

const gchar *henb_udp_cr_verdict_to_string (HenbUdpCrVerdict verdict);

/* What the receiver remembers of accepted messages, to refuse them again. */
typedef struct _HenbUdpCrGuard HenbUdpCrGuard;

HenbUdpCrGuard  *henb_udp_cr_guard_new (void);
void             henb_udp_cr_guard_free (HenbUdpCrGuard *guard);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbUdpCrGuard, henb_udp_cr_guard_free)

/*
 * Checks @cr against the credentials (its decoded fields, else the fields as sent: either
 * way the signature covers what the username is compared with), @now (wall clock, seconds) and what @guard remembers
 * (@now_monotonic, µs, for copies); remembers it when it passes.
 */
HenbUdpCrVerdict henb_udp_cr_guard_check (HenbUdpCrGuard *guard,
                                          const HenbUdpCr *cr,
                                          const gchar     *username,
                                          const gchar     *password,
                                          gint64           now,
                                          gint64           now_monotonic);

G_END_DECLS
