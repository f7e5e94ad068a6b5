/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * discovery-public: Serving HeMS discovery with the Initial HeMS on the public internet
 * (TS 32.593 5.1.2.3): the Initial HeMS is resolved in public DNS and reached over TLS with
 * the operator root CA; in one TR-069 session it sets the Serving SeGW and Serving HeMS.
 */
#include "config.h"

#include "henb-discovery.h"
#include "henb-plugin.h"
#include "henb-steps.h"

#define HENB_TYPE_DISCOVERY_PUBLIC (henb_discovery_public_get_type ())
G_DECLARE_FINAL_TYPE (HenbDiscoveryPublic, henb_discovery_public, HENB, DISCOVERY_PUBLIC, HenbPlugin)

struct _HenbDiscoveryPublic {
    HenbPlugin parent_instance;
};

static void henb_discovery_public_discovery_init (HenbDiscoveryInterface *iface);

G_DEFINE_TYPE_WITH_CODE (HenbDiscoveryPublic, henb_discovery_public, HENB_TYPE_PLUGIN,
                         G_IMPLEMENT_INTERFACE (HENB_TYPE_DISCOVERY, henb_discovery_public_discovery_init))

static HenbDiscoveryVariant
get_variant (HenbDiscovery *discovery)
{
    return HENB_DISCOVERY_VARIANT_PUBLIC_INTERNET;
}

static void
add_steps (HenbDiscovery *discovery, HenbProcedure *proc, GPtrArray *steps)
{
    g_ptr_array_add (steps, henb_step_resolve_hems_new (proc, "5.1.2.3/1.1-1.2", "resolve-initial-hems",
                                                        HENB_STATE_DISCOVERING, HENB_HEMS_INITIAL));
    g_ptr_array_add (steps, henb_step_connect_hems_new (proc, "5.1.2.3/1.3", "tls-initial-hems",
                                                        HENB_STATE_DISCOVERING, HENB_HEMS_INITIAL));
    g_ptr_array_add (steps, henb_step_inform_new (proc, "5.1.2.3/2.1-2.2", "inform-initial-hems",
                                                  HENB_STATE_DISCOVERING, HENB_HEMS_INITIAL));
    g_ptr_array_add (steps, henb_step_serve_hems_new (proc, "5.1.2.3/3.1-3.2", "set-serving-identities",
                                                      HENB_STATE_DISCOVERING, HENB_HEMS_INITIAL));
    g_ptr_array_add (steps, henb_step_release_new (proc, "5.1.2.3/4", "release-initial-session",
                                                   HENB_STATE_DISCOVERING, HENB_HEMS_INITIAL));
    /* with a Serving SeGW the Serving HeMS is reached through it (skipped without one) */
    g_ptr_array_add (steps, henb_step_resolve_segw_new (proc, "5.1.2.3/5.1-5.2", "resolve-serving-segw",
                                                        HENB_STATE_CONNECTING, HENB_HEMS_SERVING));
    g_ptr_array_add (steps, henb_step_tunnel_new (proc, "5.1.2.3/5.3", "tunnel-serving-segw",
                                                  HENB_STATE_CONNECTING, HENB_HEMS_SERVING));
    g_ptr_array_add (steps, henb_step_resolve_hems_new (proc, "5.1.2.3/5.4-5.5", "resolve-serving-hems",
                                                        HENB_STATE_CONNECTING, HENB_HEMS_SERVING));
}

static void
henb_discovery_public_discovery_init (HenbDiscoveryInterface *iface)
{
    iface->get_variant = get_variant;
    iface->add_steps = add_steps;
}

static void
henb_discovery_public_class_init (HenbDiscoveryPublicClass *klass)
{
}

static void
henb_discovery_public_init (HenbDiscoveryPublic *self)
{
}

HENB_PLUGIN_DEFINE (HENB_TYPE_DISCOVERY_PUBLIC, "discovery-public")
