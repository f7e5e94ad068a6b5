/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

#include "henb-enums.h"
#include "henb-step.h"

G_BEGIN_DECLS

/*
 * Implemented by discovery strategy plugins: each contributes the steps of one variant of
 * Serving HeMS discovery (TS 32.593 5.1.2.2 or 5.1.2.3), built from the core steps
 * (henb-steps.h) and its own.
 */
#define HENB_TYPE_DISCOVERY (henb_discovery_get_type ())
G_DECLARE_INTERFACE (HenbDiscovery, henb_discovery, HENB, DISCOVERY, GObject)

struct _HenbDiscoveryInterface {
    GTypeInterface g_iface;

    HenbDiscoveryVariant (*get_variant) (HenbDiscovery *self);
    void                 (*add_steps) (HenbDiscovery *self, HenbProcedure *procedure, GPtrArray *steps);
};

HenbDiscoveryVariant henb_discovery_get_variant (HenbDiscovery *self);
void                 henb_discovery_add_steps (HenbDiscovery *self,
                                               HenbProcedure *procedure,
                                               GPtrArray     *steps);

G_END_DECLS
