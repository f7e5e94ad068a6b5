/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-plugin.h"
#include "henb-xmpp-client.h"

G_BEGIN_DECLS

/*
 * The XMPP client (libstrophe, and the OpenSSL and expat it brings) lives in a module of its
 * own, libhenb-xmpp-client.so beside the plugin, opened the first time the HeMS enables
 * XMPP: a HeNB whose HeMS never does maps none of it. The module exports one table.
 */
#define HENB_XMPP_CLIENT_MODULE "libhenb-xmpp-client." G_MODULE_SUFFIX
#define HENB_XMPP_CLIENT_API_SYMBOL "henb_xmpp_client_api"
#define HENB_XMPP_CLIENT_API_VERSION 1

typedef struct {
    guint            version; /* HENB_XMPP_CLIENT_API_VERSION */
    HenbXmppClient *(*client_new) (void);
    gboolean        (*connect) (HenbXmppClient *self, const HenbXmppClientOptions *options, GError **error);
    void            (*disconnect) (HenbXmppClient *self);
    const gchar    *(*get_bound_jid) (HenbXmppClient *self);
    gboolean        (*get_tls_established) (HenbXmppClient *self);
} HenbXmppClientApi;

/* The client's table, the module opened on the first call (beside @plugin). */
const HenbXmppClientApi *henb_xmpp_client_api_get (HenbPlugin *plugin, GError **error);

G_END_DECLS
