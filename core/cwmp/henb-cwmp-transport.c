/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-cwmp-transport.h"

G_DEFINE_ABSTRACT_TYPE (HenbCwmpTransport, henb_cwmp_transport, G_TYPE_OBJECT)

void
henb_cwmp_http_response_free (HenbCwmpHttpResponse *response)
{
    if (response == NULL)
        return;
    g_free (response->content_type);
    g_clear_pointer (&response->body, g_bytes_unref);
    g_free (response);
}

static void
henb_cwmp_transport_class_init (HenbCwmpTransportClass *klass)
{
}

static void
henb_cwmp_transport_init (HenbCwmpTransport *self)
{
}

void
henb_cwmp_transport_connect_async (HenbCwmpTransport  *self,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
    g_return_if_fail (HENB_IS_CWMP_TRANSPORT (self));
    HENB_CWMP_TRANSPORT_GET_CLASS (self)->connect_async (self, cancellable, callback, user_data);
}

gboolean
henb_cwmp_transport_connect_finish (HenbCwmpTransport *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail (HENB_IS_CWMP_TRANSPORT (self), FALSE);
    return HENB_CWMP_TRANSPORT_GET_CLASS (self)->connect_finish (self, result, error);
}

void
henb_cwmp_transport_post_async (HenbCwmpTransport  *self,
                                GBytes             *body,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
    g_return_if_fail (HENB_IS_CWMP_TRANSPORT (self));
    HENB_CWMP_TRANSPORT_GET_CLASS (self)->post_async (self, body, cancellable, callback, user_data);
}

HenbCwmpHttpResponse *
henb_cwmp_transport_post_finish (HenbCwmpTransport *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail (HENB_IS_CWMP_TRANSPORT (self), NULL);
    return HENB_CWMP_TRANSPORT_GET_CLASS (self)->post_finish (self, result, error);
}

void
henb_cwmp_transport_close (HenbCwmpTransport *self)
{
    g_return_if_fail (HENB_IS_CWMP_TRANSPORT (self));
    if (HENB_CWMP_TRANSPORT_GET_CLASS (self)->close != NULL)
        HENB_CWMP_TRANSPORT_GET_CLASS (self)->close (self);
}

gchar *
henb_cwmp_transport_describe (HenbCwmpTransport *self)
{
    g_return_val_if_fail (HENB_IS_CWMP_TRANSPORT (self), NULL);
    if (HENB_CWMP_TRANSPORT_GET_CLASS (self)->describe != NULL)
        return HENB_CWMP_TRANSPORT_GET_CLASS (self)->describe (self);
    return g_strdup (G_OBJECT_TYPE_NAME (self));
}
