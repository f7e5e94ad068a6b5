/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * discovery-private: Serving HeMS discovery with the Initial HeMS in the operator's private
 * domain (TS 32.593 5.1.2.2). The Initial SeGW is resolved in public DNS and reached with
 * IKEv2 (certificates both ways); the Initial HeMS is resolved with the DNS servers that SeGW
 * assigned and reached through the tunnel; after the session the initial tunnel is torn down
 * and the tunnel to the Serving SeGW (SecGWServer1..3 in order) leads to the Serving HeMS.
 */
#include "config.h"

#include "henb-discovery.h"
#include "henb-plugin.h"
#include "henb-steps.h"

#define HENB_TYPE_DISCOVERY_PRIVATE (henb_discovery_private_get_type ())
G_DECLARE_FINAL_TYPE (HenbDiscoveryPrivate, henb_discovery_private, HENB, DISCOVERY_PRIVATE, HenbPlugin)

struct _HenbDiscoveryPrivate {
    HenbPlugin parent_instance;
};

static void henb_discovery_private_discovery_init (HenbDiscoveryInterface *iface);

G_DEFINE_TYPE_WITH_CODE (HenbDiscoveryPrivate, henb_discovery_private, HENB_TYPE_PLUGIN,
                         G_IMPLEMENT_INTERFACE (HENB_TYPE_DISCOVERY, henb_discovery_private_discovery_init))

static HenbDiscoveryVariant
get_variant (HenbDiscovery *discovery)
{
    return HENB_DISCOVERY_VARIANT_PRIVATE_DOMAIN;
}

static void
add_steps (HenbDiscovery *discovery, HenbProcedure *proc, GPtrArray *steps)
{
    const HenbState D = HENB_STATE_DISCOVERING;
    const HenbHemsRole I = HENB_HEMS_INITIAL, S = HENB_HEMS_SERVING;

    g_ptr_array_add (steps, henb_step_resolve_segw_new (proc, "5.1.2.2/1.1-1.2", "resolve-initial-segw", D, I));
    g_ptr_array_add (steps, henb_step_tunnel_new (proc, "5.1.2.2/1.3", "tunnel-initial-segw", D, I));
    g_ptr_array_add (steps, henb_step_resolve_hems_new (proc, "5.1.2.2/1.4-1.5", "resolve-initial-hems", D, I));
    g_ptr_array_add (steps, henb_step_connect_hems_new (proc, "5.1.2.2/2", "connect-initial-hems", D, I));
    g_ptr_array_add (steps, henb_step_inform_new (proc, "5.1.2.2/2.1-2.2", "inform-initial-hems", D, I));
    g_ptr_array_add (steps, henb_step_serve_hems_new (proc, "5.1.2.2/3.1-3.2", "set-serving-identities", D, I));
    g_ptr_array_add (steps, henb_step_release_new (proc, "5.1.2.2/4", "release-initial-session", D, I));
    g_ptr_array_add (steps, henb_step_close_tunnel_new (proc, "5.1.2.2/5", "close-initial-tunnel", D, I));
    g_ptr_array_add (steps, henb_step_resolve_segw_new (proc, "5.1.2.2/6.1-6.2", "resolve-serving-segw",
                                                        HENB_STATE_CONNECTING, S));
    g_ptr_array_add (steps, henb_step_tunnel_new (proc, "5.1.2.2/6.3", "tunnel-serving-segw",
                                                  HENB_STATE_CONNECTING, S));
    g_ptr_array_add (steps, henb_step_resolve_hems_new (proc, "5.1.2.2/6.4-6.5", "resolve-serving-hems",
                                                        HENB_STATE_CONNECTING, S));
}

static void
henb_discovery_private_discovery_init (HenbDiscoveryInterface *iface)
{
    iface->get_variant = get_variant;
    iface->add_steps = add_steps;
}

static void
henb_discovery_private_class_init (HenbDiscoveryPrivateClass *klass)
{
}

static void
henb_discovery_private_init (HenbDiscoveryPrivate *self)
{
}

HENB_PLUGIN_DEFINE (HENB_TYPE_DISCOVERY_PRIVATE, "discovery-private")
