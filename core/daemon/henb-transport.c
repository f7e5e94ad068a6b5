/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-transport.h"

G_DEFINE_INTERFACE (HenbTransportFactory, henb_transport_factory, G_TYPE_OBJECT)

static void
henb_transport_factory_default_init (HenbTransportFactoryInterface *iface)
{
}

HenbCwmpTransport *
henb_transport_factory_create (HenbTransportFactory       *self,
                               const HenbTransportOptions *options,
                               GError                    **error)
{
    g_return_val_if_fail (HENB_IS_TRANSPORT_FACTORY (self), NULL);
    return HENB_TRANSPORT_FACTORY_GET_IFACE (self)->create (self, options, error);
}

void
henb_transport_factory_download_async (HenbTransportFactory      *self,
                                       const HenbDownloadOptions *options,
                                       GOutputStream             *destination,
                                       GCancellable              *cancellable,
                                       GAsyncReadyCallback        callback,
                                       gpointer                   user_data)
{
    HenbTransportFactoryInterface *iface;

    g_return_if_fail (HENB_IS_TRANSPORT_FACTORY (self));
    iface = HENB_TRANSPORT_FACTORY_GET_IFACE (self);
    if (iface->download_async == NULL) {
        g_task_report_new_error (self, callback, user_data, henb_transport_factory_download_async,
                                 G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                 "this transport plugin cannot download files");
        return;
    }
    iface->download_async (self, options, destination, cancellable, callback, user_data);
}

goffset
henb_transport_factory_download_finish (HenbTransportFactory *self, GAsyncResult *result, GError **error)
{
    if (g_async_result_is_tagged (result, henb_transport_factory_download_async))
        return g_task_propagate_int (G_TASK (result), error);
    return HENB_TRANSPORT_FACTORY_GET_IFACE (self)->download_finish (self, result, error);
}
