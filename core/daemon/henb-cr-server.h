/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The TR-069 Connection Request server (TR-069 Amendment 6, 3.2.2): the ACS asks the CPE to
 * open a session with a plain HTTP GET to ManagementServer.ConnectionRequestURL, Digest
 * authenticated as ConnectionRequestUsername/ConnectionRequestPassword.
 *
 * The base class keeps the policy every implementation shares: the credentials, the random
 * URL path, the rate limit, what happens during a session and the counters. Plugins subclass
 * it for the HTTP side (parsing, Digest, answering) and ask the base class, per authenticated
 * request, whether to accept it (henb_cr_server_admit()).
 *
 * Decisions:
 * - No ConnectionRequestUsername (NULL or empty): every request is refused with 401. TR-069
 *   requires the CPE to authenticate the ACS, so an unconfigured CPE never opens a session
 *   for an anonymous caller.
 * - During a session (busy): a request that passes authentication and the rate limit is
 *   answered 200 and remembered; ::requested is emitted once when busy goes FALSE, however
 *   many arrived meanwhile. TR-069 allows this or a 503; answering 200 means the ACS need
 *   not retry, and what it wanted is done in the session that follows.
 * - Outside a session every accepted request emits ::requested; the owner starts one session
 *   for all that arrive before that session starts (set busy once it does).
 * - Rate limit: a request arriving less than min-interval seconds after the last accepted one
 *   is answered 503 without Retry-After. Only authenticated requests count, so a stranger
 *   cannot lock the ACS out.
 */
#define HENB_TYPE_CR_SERVER (henb_cr_server_get_type ())
G_DECLARE_DERIVABLE_TYPE (HenbCrServer, henb_cr_server, HENB, CR_SERVER, GObject)

struct _HenbCrServerClass {
    GObjectClass parent_class;

    /*
     * Listens on @address:@port (@port 0: any free port) and reports where with
     * henb_cr_server_set_local_address() before returning TRUE.
     */
    gboolean (*listen) (HenbCrServer *self, GInetAddress *address, guint16 port, GError **error);
    /* Closes the listening socket and the open connections. */
    void     (*stop) (HenbCrServer *self);

    gpointer padding[8];
};

/*
 * Listens for Connection Requests on @address, the management address: the IPsec tunnel's
 * inner address when there is one. A server that listens already moves to the new address.
 * Errors: HENB_CORE_ERROR_FAILED (the address cannot be bound or no randomness for the path).
 */
gboolean     henb_cr_server_listen (HenbCrServer *self, GInetAddress *address, guint16 port, GError **error);
void         henb_cr_server_stop (HenbCrServer *self);
gboolean     henb_cr_server_is_listening (HenbCrServer *self);

/* ConnectionRequestUsername/ConnectionRequestPassword; an empty username refuses every request. */
void         henb_cr_server_set_credentials (HenbCrServer *self, const gchar *username, const gchar *password);
/* The least time between two accepted requests, in seconds; 0: no limit. */
void         henb_cr_server_set_min_interval (HenbCrServer *self, guint seconds);
guint        henb_cr_server_get_min_interval (HenbCrServer *self);
/* TRUE while a CWMP session runs: accepted requests are remembered until it is FALSE again. */
void         henb_cr_server_set_busy (HenbCrServer *self, gboolean busy);
gboolean     henb_cr_server_get_busy (HenbCrServer *self);

/* "http://ADDRESS:PORT/PATH" (an IPv6 address in brackets), NULL when not listening. */
const gchar *henb_cr_server_get_url (HenbCrServer *self);
/* "/PATH": random, at least 16 URL-safe characters, one per server; NULL before the first listen. */
const gchar *henb_cr_server_get_path (HenbCrServer *self);

/* Counters, also the read-only properties "accepted", "rejected-auth" and "rate-limited". */
guint        henb_cr_server_get_accepted (HenbCrServer *self);
guint        henb_cr_server_get_rejected_auth (HenbCrServer *self);
guint        henb_cr_server_get_rate_limited (HenbCrServer *self);

/* For implementations. */
typedef enum {
    HENB_CR_ADMISSION_ACCEPT,       /* answer 200, then henb_cr_server_report_accepted() */
    HENB_CR_ADMISSION_RATE_LIMITED, /* answer 503, without Retry-After */
} HenbCrAdmission;

const gchar    *henb_cr_server_get_username (HenbCrServer *self);
const gchar    *henb_cr_server_get_password (HenbCrServer *self);
void            henb_cr_server_set_local_address (HenbCrServer *self, GInetSocketAddress *address);
/* Decides on a request that passed authentication, and counts it. */
HenbCrAdmission henb_cr_server_admit (HenbCrServer *self);
/* Counts a request refused because its credentials are wrong (not a bare challenge). */
void            henb_cr_server_count_rejected_auth (HenbCrServer *self);
/* The 200 of an accepted request is out: emits ::requested now, or after the session. */
void            henb_cr_server_report_accepted (HenbCrServer *self);
/* Fills @buffer (at most 256 bytes) from the kernel's generator, for secrets such as a nonce key. */
gboolean        henb_cr_server_random_bytes (guint8 *buffer, gsize size, GError **error);

/* Implemented by the plugin that provides the Connection Request server. */
#define HENB_TYPE_CR_SERVER_FACTORY (henb_cr_server_factory_get_type ())
G_DECLARE_INTERFACE (HenbCrServerFactory, henb_cr_server_factory, HENB, CR_SERVER_FACTORY, GObject)

struct _HenbCrServerFactoryInterface {
    GTypeInterface g_iface;

    HenbCrServer *(*create) (HenbCrServerFactory *self, GError **error);
};

/* A new server, not listening yet, without credentials. */
HenbCrServer *henb_cr_server_factory_create (HenbCrServerFactory *self, GError **error);

G_END_DECLS
