/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What libhenb-xmpp-client.so exports: the client's functions, for the cr-xmpp plugin. */
#include "config.h"

#include "henb-xmpp-client-module.h"

G_MODULE_EXPORT const HenbXmppClientApi henb_xmpp_client_api = {
    .version = HENB_XMPP_CLIENT_API_VERSION,
    .client_new = henb_xmpp_client_new,
    .connect = henb_xmpp_client_connect,
    .disconnect = henb_xmpp_client_disconnect,
    .get_bound_jid = henb_xmpp_client_get_bound_jid,
    .get_tls_established = henb_xmpp_client_get_tls_established,
};
