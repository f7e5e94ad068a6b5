/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-ipsec.h"
#include "henb-plugin-manager.h"

G_BEGIN_DECLS

/*
 * Which IPsec backend henbd uses, the same every time for the same plugins and configuration:
 * the one `[IPsec] Backend` names; without it, the installed backend whose own [IPsec]
 * settings are configured; without those, the first installed of HENB_IPSEC_BACKEND_ORDER
 * (then any other, by name). @why (optional) says which rule chose it. Errors
 * (HENB_CORE_ERROR_PLUGIN) name the backend and the `Backend=` key.
 */
#define HENB_IPSEC_BACKEND_ORDER "security-nm-ipsec", "security-vici"

HenbIpsecProvider *henb_ipsec_backend_choose (HenbPluginManager *plugins,
                                              GKeyFile          *config,
                                              gchar            **why,
                                              GError           **error);

/* Chooses, and logs which backend and why (or why none), once at start. */
void henb_ipsec_backend_log_choice (HenbPluginManager *plugins, GKeyFile *config);

G_END_DECLS
