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
