/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-cr-transport.h"

G_BEGIN_DECLS

/*
 * The "http" Connection Request transport (TR-069 Amendment 6, 3.2.2): the ACS asks the CPE
 * to open a session with a plain HTTP GET to ManagementServer.ConnectionRequestURL, Digest
 * authenticated as ConnectionRequestUsername/ConnectionRequestPassword.
 *
 * HenbCrTransport keeps the policy every transport shares (credentials, rate limit, busy,
 * counters); this class adds the random URL path and where it listens. Plugins subclass it
 * for the HTTP side (parsing, Digest, answering).
 *
 * Decisions:
 * - No ConnectionRequestUsername (NULL or empty): every request is refused with 401. TR-069
 *   requires the CPE to authenticate the ACS, so an unconfigured CPE never opens a session
 *   for an anonymous caller.
 * - During a session (busy): a request that passes authentication and the rate limit is
 *   answered 200 and remembered (see HenbCrTransport). TR-069 allows this or a 503;
 *   answering 200 means the ACS need not retry.
 * - Rate limit: 503 without Retry-After.
 * - apply(address) listens on address:[CWMP] ConnectionRequestPort, and stays where it is
 *   when it listens there already (moving would drop the requests being answered).
 */
#define HENB_TYPE_CR_SERVER (henb_cr_server_get_type ())
G_DECLARE_DERIVABLE_TYPE (HenbCrServer, henb_cr_server, HENB, CR_SERVER, HenbCrTransport)

struct _HenbCrServerClass {
    HenbCrTransportClass parent_class;

    /*
     * Listens on @address:@port (@port 0: any free port) and reports where with
     * henb_cr_server_set_local_address() before returning TRUE.
     */
    gboolean (*listen) (HenbCrServer *self, GInetAddress *address, guint16 port, GError **error);
    /* Closes the listening socket and the open connections. */
    void     (*close) (HenbCrServer *self);

    gpointer padding[8];
};

/*
 * Listens for Connection Requests on @address, the management address: the IPsec tunnel's
 * inner address when there is one. A server that listens already moves to the new address.
 * Errors: HENB_CORE_ERROR_FAILED (the address cannot be bound or no randomness for the path).
 */
gboolean     henb_cr_server_listen (HenbCrServer *self, GInetAddress *address, guint16 port, GError **error);
gboolean     henb_cr_server_is_listening (HenbCrServer *self);

/* "http://ADDRESS:PORT/PATH" (an IPv6 address in brackets), NULL when not listening. */
const gchar *henb_cr_server_get_url (HenbCrServer *self);
/* "/PATH": random, at least 16 URL-safe characters, one per server; NULL before the first listen. */
const gchar *henb_cr_server_get_path (HenbCrServer *self);

/* For implementations. */
void         henb_cr_server_set_local_address (HenbCrServer *self, GInetSocketAddress *address);

G_END_DECLS
