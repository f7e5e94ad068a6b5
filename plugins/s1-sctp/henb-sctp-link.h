/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * One SCTP association to an S1 far end, whatever carries it (the kernel or usrsctp). Every
 * signal is emitted on the main context the link was made in:
 *   "established"            the association is up
 *   "message" (GBytes, u stream, u ppid)  a whole user message arrived
 *   "closed" (s why)         it could not be set up, or it is gone; the link is dead afterwards
 */
#define HENB_TYPE_SCTP_LINK (henb_sctp_link_get_type ())
G_DECLARE_DERIVABLE_TYPE (HenbSctpLink, henb_sctp_link, HENB, SCTP_LINK, GObject)

struct _HenbSctpLinkClass {
    GObjectClass parent_class;

    /* starts the association without blocking; @local_address NULL: any */
    gboolean (*connect) (HenbSctpLink *self, const gchar *local_address, const gchar *remote_address,
                         guint port, GError **error);
    gboolean (*send)    (HenbSctpLink *self, GBytes *message, guint16 stream, guint32 ppid, GError **error);
    /* ends it (SHUTDOWN), no signal follows */
    void     (*close)   (HenbSctpLink *self);
};

gboolean henb_sctp_link_connect (HenbSctpLink *self, const gchar *local_address,
                                 const gchar *remote_address, guint port, GError **error);
gboolean henb_sctp_link_send (HenbSctpLink *self, GBytes *message, guint16 stream, guint32 ppid,
                              GError **error);
void     henb_sctp_link_close (HenbSctpLink *self);
/* the far end, "address:port" */
const gchar *henb_sctp_link_get_peer (HenbSctpLink *self);

/*
 * How fast a far end that vanished without SHUTDOWN or ABORT (a crash, a cut path) is noticed:
 * a HEARTBEAT every @heartbeat_s seconds, retransmissions from 1 s up to 2 s, the association
 * given up after 3 in a row, i.e. within about @heartbeat_s + 7 s. The defaults (RTO.Max 60 s,
 * 10 retransmissions) would take minutes. Set before henb_sctp_link_connect().
 */
#define HENB_SCTP_RTO_INITIAL_MS 1000
#define HENB_SCTP_RTO_MIN_MS     1000
#define HENB_SCTP_RTO_MAX_MS     2000
#define HENB_SCTP_MAX_RETRANS    3
void     henb_sctp_link_set_heartbeat (HenbSctpLink *self, guint heartbeat_s);
guint    henb_sctp_link_get_heartbeat (HenbSctpLink *self);

/* for the transports, on the link's main context */
void     henb_sctp_link_set_peer (HenbSctpLink *self, const gchar *address, guint port);
void     henb_sctp_link_emit_established (HenbSctpLink *self);
void     henb_sctp_link_emit_message (HenbSctpLink *self, GBytes *message, guint stream, guint ppid);
void     henb_sctp_link_emit_closed (HenbSctpLink *self, const gchar *why);
gboolean henb_sctp_link_is_closed (HenbSctpLink *self);

G_END_DECLS
