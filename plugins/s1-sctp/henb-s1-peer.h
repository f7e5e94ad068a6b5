/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

#include "henb-s1ap.h"

G_BEGIN_DECLS

typedef enum {
    HENB_S1_TRANSPORT_KERNEL,
    HENB_S1_TRANSPORT_USRSCTP,
} HenbS1Transport;

typedef struct {
    HenbS1Transport kind;
    guint16         local_udp_port;   /* usrsctp: UDP encapsulation (RFC 6951) */
    guint16         remote_udp_port;
    guint           response_timeout; /* seconds from INIT to the S1 Setup answer */
    guint           heartbeat;        /* seconds between SCTP HEARTBEATs */
} HenbS1TransportConfig;

/*
 * One S1 far end: the SCTP association and the S1 Setup on it (TS 36.413 8.7.3, PPID 18,
 * stream 0). Signals, on the main context:
 *   "up"                        S1SetupResponse received (henb_s1_peer_get_response)
 *   "failed" (s why, u time_to_wait)  no association, no answer in time or S1SetupFailure
 *                               (time_to_wait: its TimeToWait in seconds, 0 none); the peer is
 *                               dead afterwards
 *   "lost" (s why)              the association went away after "up"; dead afterwards
 */
#define HENB_TYPE_S1_PEER (henb_s1_peer_get_type ())
G_DECLARE_FINAL_TYPE (HenbS1Peer, henb_s1_peer, HENB, S1_PEER, GObject)

HenbS1Peer *henb_s1_peer_new (const HenbS1TransportConfig *transport, const gchar *address, guint port,
                              const gchar *local_address);
/* Starts the association and sends @setup_request (an encoded S1SetupRequest) once it is up;
 * FALSE when the transport cannot even start (the chosen one does not work here). */
gboolean    henb_s1_peer_start (HenbS1Peer *self, GBytes *setup_request, GError **error);
void        henb_s1_peer_stop (HenbS1Peer *self);
const gchar *henb_s1_peer_get_far_end (HenbS1Peer *self);
const HenbS1apSetupResponse *henb_s1_peer_get_response (HenbS1Peer *self);
gboolean    henb_s1_peer_is_up (HenbS1Peer *self);

G_END_DECLS
