/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-discovery.h"
#include "henb-plans.h"
#include "henb-steps.h"

gboolean
henb_plan_bootstrap (HenbProcedure *procedure, gboolean discover, GError **error)
{
    const HenbServices *svc = henb_procedure_get_services (procedure);
    GPtrArray *steps = henb_procedure_get_steps (procedure);

    g_return_val_if_fail (steps->len == 0, FALSE);

    if (discover) {
        HenbDiscovery *discovery = henb_plugin_manager_find_discovery (svc->plugins, svc->config->variant, error);

        if (discovery == NULL)
            return FALSE;
        henb_discovery_add_steps (discovery, procedure, steps);
    }
    henb_steps_add_registration (procedure, steps, discover);
    return TRUE;
}

void
henb_plan_s1 (HenbProcedure *procedure, HenbTunnel *tunnel, const gchar *why)
{
    GPtrArray *steps = henb_procedure_get_steps (procedure);

    g_return_if_fail (steps->len == 0);

    if (tunnel != NULL)
        henb_procedure_lend_tunnel (procedure, HENB_HEMS_SERVING, tunnel);
    g_ptr_array_add (steps, henb_step_s1_setup_new (procedure, "5.1.3/4", "start-s1-setup", why));
}
