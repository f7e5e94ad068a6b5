/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The cr-xmpp plugin's side of libhenb-xmpp-client.so: opened once, on first use. */
#include "config.h"

#include "henb-errors.h"
#include "henb-xmpp-client-module.h"

const HenbXmppClientApi *
henb_xmpp_client_api_get (HenbPlugin *plugin, GError **error)
{
    static const HenbXmppClientApi *api;
    GModule *module;
    gpointer symbol = NULL;

    if (api != NULL)
        return api;
    module = henb_plugin_open_backend (plugin, HENB_XMPP_CLIENT_MODULE, error);
    if (module == NULL)
        return NULL;
    if (!g_module_symbol (module, HENB_XMPP_CLIENT_API_SYMBOL, &symbol) ||
        ((const HenbXmppClientApi *) symbol)->version != HENB_XMPP_CLIENT_API_VERSION) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN, "%s is not the XMPP client of this henbd",
                     g_module_name (module));
        return NULL;
    }
    /* once set, the table stays: the module is resident */
    api = symbol;
    return api;
}
