/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-hems-connection.h"
#include "henb-resolved-address.h"

HenbTlsContext *
henb_device_tls_context_new (const HenbServices *svc, GError **error)
{
    HenbTlsCredentials creds = {
        .root_ca_file = svc->config->root_ca,
        .certificate_file = svc->config->device_certificate,
        .key_file = svc->config->device_key,
    };
    HenbPlugin *provider = henb_plugin_manager_find (svc->plugins, HENB_TYPE_TLS_PROVIDER,
                                                     svc->config->tls_backend, error);

    if (provider == NULL)
        return NULL;
    return henb_tls_provider_create_context (HENB_TLS_PROVIDER (provider), &creds, error);
}

HenbCwmpTransport *
henb_hems_transport_new (const HenbServices *svc, const gchar *url, HenbTlsContext *tls, GError **error)
{
    HenbPlugin *factory;
    HenbTransportOptions options = { 0 };
    g_autofree gchar *username = NULL;
    g_autofree gchar *password = NULL;
    g_autoptr(GSocketConnectable) remote = NULL;

    factory = henb_plugin_manager_find (svc->plugins, HENB_TYPE_TRANSPORT_FACTORY, svc->config->transport, error);
    if (factory == NULL)
        return NULL;
    username = henb_data_model_get (svc->dm, HENB_DM_MS_USERNAME);
    password = henb_data_model_get (svc->dm, HENB_DM_MS_PASSWORD);
    options.url = url;
    options.tls = tls;
    options.username = username;
    options.password = password;
    options.connect_timeout = svc->config->connect_timeout;
    options.response_timeout = svc->config->response_timeout;
    options.user_agent = "henbd/" PACKAGE_VERSION;
    if (svc->resolver != NULL)
        remote = henb_resolved_address_new_for_url (G_RESOLVER (svc->resolver), url);
    options.remote = remote;
    return henb_transport_factory_create (HENB_TRANSPORT_FACTORY (factory), &options, error);
}
