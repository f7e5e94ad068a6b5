/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Connection Requests over UDP through a NAT, with STUN (TR-069 Annex G, TR-111 part 2):
 * the "udp" transport (henb-cr-udp.c).
 */
#include "config.h"

#include "henb-cr-udp.h"
#include "henb-plugin.h"

#define HENB_TYPE_PLUGIN_CR_UDP (henb_plugin_cr_udp_get_type ())
G_DECLARE_FINAL_TYPE (HenbPluginCrUdp, henb_plugin_cr_udp, HENB, PLUGIN_CR_UDP, HenbPlugin)

struct _HenbPluginCrUdp {
    HenbPlugin parent_instance;
};

static void henb_plugin_cr_udp_factory_init (HenbCrTransportFactoryInterface *iface);

G_DEFINE_TYPE_WITH_CODE (HenbPluginCrUdp, henb_plugin_cr_udp, HENB_TYPE_PLUGIN,
                         G_IMPLEMENT_INTERFACE (HENB_TYPE_CR_TRANSPORT_FACTORY, henb_plugin_cr_udp_factory_init))

static HenbCrTransport *
factory_create (HenbCrTransportFactory *factory, const HenbServices *services, GError **error)
{
    return henb_cr_udp_new (services);
}

static void
henb_plugin_cr_udp_factory_init (HenbCrTransportFactoryInterface *iface)
{
    iface->create = factory_create;
}

static void
henb_plugin_cr_udp_class_init (HenbPluginCrUdpClass *klass)
{
}

static void
henb_plugin_cr_udp_init (HenbPluginCrUdp *self)
{
}

HENB_PLUGIN_DEFINE (HENB_TYPE_PLUGIN_CR_UDP, "cr-udp")
