/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * One XMPP client session (RFC 6120) with libstrophe, driven by the GLib main loop: connect,
 * STARTTLS, SASL, resource binding, then TR-069 Annex K Connection Requests (IQ get with
 * <connectionRequest xmlns="urn:broadband-forum-org:cwmp:xmppConnReq-1-0">) handed to the
 * ::connection-request signal, which says the answer. No reconnection here: the owner decides
 * when to try again (::offline).
 */
#define HENB_XMPP_CONN_REQ_NS "urn:broadband-forum-org:cwmp:xmppConnReq-1-0"

typedef enum {
    HENB_XMPP_CR_ACCEPT,              /* empty IQ result */
    HENB_XMPP_CR_NOT_AUTHORIZED,      /* wrong username or password */
    HENB_XMPP_CR_SERVICE_UNAVAILABLE, /* a sender not allowed, or not now (rate limit) */
} HenbXmppCrAnswer;

/* Why a session ended or never began (::offline). */
typedef enum {
    HENB_XMPP_OFFLINE_CLOSED,         /* henb_xmpp_client_disconnect() */
    HENB_XMPP_OFFLINE_UNREACHABLE,    /* no TCP connection, or it broke */
    HENB_XMPP_OFFLINE_TLS,            /* TLS failed or the certificate was refused */
    HENB_XMPP_OFFLINE_AUTHENTICATION, /* SASL refused the username or password */
    HENB_XMPP_OFFLINE_ERROR,          /* a stream error, or no TLS where it is required */
} HenbXmppOfflineReason;

typedef struct {
    const gchar *jid;         /* bare: Username@Domain */
    const gchar *resource;    /* "" lets the server choose */
    const gchar *password;
    const gchar *address;     /* IP address to connect to */
    guint16      port;
    gboolean     require_tls; /* UseTLS: no session without TLS */
    const gchar *ca_file;     /* the operator root CA: the only trust anchor */
    guint        keepalive;   /* seconds between whitespace pings; 0: none */
    guint        setup_timeout; /* seconds from connect to bound; 0: 30 */
} HenbXmppClientOptions;

#define HENB_TYPE_XMPP_CLIENT (henb_xmpp_client_get_type ())
G_DECLARE_FINAL_TYPE (HenbXmppClient, henb_xmpp_client, HENB, XMPP_CLIENT, GObject)

HenbXmppClient *henb_xmpp_client_new (void);

/* Starts connecting; ::online or ::offline follows from the main loop. */
gboolean     henb_xmpp_client_connect (HenbXmppClient              *self,
                                       const HenbXmppClientOptions *options,
                                       GError                     **error);
/* Closes the session (::offline with CLOSED when one was open or starting). */
void         henb_xmpp_client_disconnect (HenbXmppClient *self);

gboolean     henb_xmpp_client_is_online (HenbXmppClient *self);
/* The full JID the server bound, while online. */
const gchar *henb_xmpp_client_get_bound_jid (HenbXmppClient *self);
gboolean     henb_xmpp_client_get_tls_established (HenbXmppClient *self);

/*
 * Signals:
 * ::online () — authenticated and bound.
 * ::offline (HenbXmppOfflineReason reason, const gchar *detail)
 * ::connection-request (const gchar *from, const gchar *username, const gchar *password)
 *   returns a HenbXmppCrAnswer (gint); the answer is sent at once. @from may be "" (none
 *   given); values are at most 256 bytes, else the request is refused before the signal.
 */

G_END_DECLS
