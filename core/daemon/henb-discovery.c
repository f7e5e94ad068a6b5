/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-discovery.h"

G_DEFINE_INTERFACE (HenbDiscovery, henb_discovery, G_TYPE_OBJECT)

static void
henb_discovery_default_init (HenbDiscoveryInterface *iface)
{
}

HenbDiscoveryVariant
henb_discovery_get_variant (HenbDiscovery *self)
{
    g_return_val_if_fail (HENB_IS_DISCOVERY (self), HENB_DISCOVERY_VARIANT_PUBLIC_INTERNET);
    return HENB_DISCOVERY_GET_IFACE (self)->get_variant (self);
}

void
henb_discovery_add_steps (HenbDiscovery *self, HenbProcedure *procedure, GPtrArray *steps)
{
    g_return_if_fail (HENB_IS_DISCOVERY (self));
    HENB_DISCOVERY_GET_IFACE (self)->add_steps (self, procedure, steps);
}
