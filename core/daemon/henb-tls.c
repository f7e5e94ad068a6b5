/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-tls.h"

G_DEFINE_ABSTRACT_TYPE (HenbTlsContext, henb_tls_context, G_TYPE_OBJECT)

static void
henb_tls_context_class_init (HenbTlsContextClass *klass)
{
}

static void
henb_tls_context_init (HenbTlsContext *self)
{
}

GTlsDatabase *
henb_tls_context_get_database (HenbTlsContext *self)
{
    g_return_val_if_fail (HENB_IS_TLS_CONTEXT (self), NULL);
    return HENB_TLS_CONTEXT_GET_CLASS (self)->get_database (self);
}

GTlsCertificate *
henb_tls_context_get_client_certificate (HenbTlsContext *self)
{
    g_return_val_if_fail (HENB_IS_TLS_CONTEXT (self), NULL);
    return HENB_TLS_CONTEXT_GET_CLASS (self)->get_client_certificate (self);
}

gboolean
henb_tls_context_check_connection (HenbTlsContext *self, GTlsConnection *connection, GError **error)
{
    HenbTlsContextClass *klass;

    g_return_val_if_fail (HENB_IS_TLS_CONTEXT (self), FALSE);
    klass = HENB_TLS_CONTEXT_GET_CLASS (self);
    return klass->check_connection == NULL || klass->check_connection (self, connection, error);
}

GError *
henb_tls_context_take_verify_error (HenbTlsContext *self)
{
    HenbTlsContextClass *klass;

    g_return_val_if_fail (HENB_IS_TLS_CONTEXT (self), NULL);
    klass = HENB_TLS_CONTEXT_GET_CLASS (self);
    return klass->take_verify_error != NULL ? klass->take_verify_error (self) : NULL;
}

G_DEFINE_INTERFACE (HenbTlsProvider, henb_tls_provider, G_TYPE_OBJECT)

static void
henb_tls_provider_default_init (HenbTlsProviderInterface *iface)
{
}

HenbTlsContext *
henb_tls_provider_create_context (HenbTlsProvider          *self,
                                  const HenbTlsCredentials *credentials,
                                  GError                  **error)
{
    g_return_val_if_fail (HENB_IS_TLS_PROVIDER (self), NULL);
    return HENB_TLS_PROVIDER_GET_IFACE (self)->create_context (self, credentials, error);
}
