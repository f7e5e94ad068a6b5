/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdio.h>

#include <glib/gstdio.h>

#include "henb-plans.h"
#include "henb-plugin-manager.h"

/*
 * Prints the steps henbd plans for a run, one "ID<TAB>NAME" per line, with the discovery
 * plugins of $HENB_PLUGIN_DIR: what test-step-ids checks against the text of TS 32.593 5.1.
 *   list-planned-steps public|private discover|registration|s1 [segw]
 * "segw": a Serving SeGW is stored (registration plans its tunnel first); "s1": the run of the
 * S1 step alone that follows a HeMS's change of the S1 far end after registration.
 */
int
main (int argc, char **argv)
{
    g_autoptr(HenbPluginManager) plugins = henb_plugin_manager_new ();
    g_autoptr(HenbDataModel) dm = henb_data_model_new ("00005A");
    g_autoptr(HenbStore) store = NULL;
    g_autoptr(GResolver) system_resolver = g_resolver_get_default ();
    g_autoptr(HenbResolver) resolver = henb_resolver_new (system_resolver, NULL);
    g_autoptr(HenbProcedure) procedure = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree gchar *state_dir = NULL;
    HenbConfig config = { 0 };
    HenbServices services = { 0 };
    GPtrArray *steps;

    if (argc < 3 || (g_strcmp0 (argv[1], "public") != 0 && g_strcmp0 (argv[1], "private") != 0) ||
        (g_strcmp0 (argv[2], "discover") != 0 && g_strcmp0 (argv[2], "registration") != 0 &&
         g_strcmp0 (argv[2], "s1") != 0)) {
        fprintf (stderr, "usage: %s public|private discover|registration|s1 [segw]\n", argv[0]);
        return 2;
    }
    if (!henb_plugin_manager_load_dir (plugins, g_getenv ("HENB_PLUGIN_DIR"), &error)) {
        fprintf (stderr, "%s\n", error->message);
        return 1;
    }
    state_dir = g_dir_make_tmp ("henb-steps-XXXXXX", &error);
    if (state_dir == NULL) {
        fprintf (stderr, "%s\n", error->message);
        return 1;
    }
    store = henb_store_new (state_dir, dm);
    config.variant = g_str_equal (argv[1], "private") ? HENB_DISCOVERY_VARIANT_PRIVATE_DOMAIN
                                                      : HENB_DISCOVERY_VARIANT_PUBLIC_INTERNET;
    if (argc > 3 && g_str_equal (argv[3], "segw"))
        g_assert_true (henb_data_model_set (dm, HENB_DM_GW_SECGW1, "segw.example.net", NULL));
    services.config = &config;
    services.dm = dm;
    services.store = store;
    services.resolver = resolver;
    services.plugins = plugins;

    procedure = henb_procedure_new (&services);
    if (g_str_equal (argv[2], "s1"))
        henb_plan_s1 (procedure, NULL, "the S1 far end changed");
    else if (!henb_plan_bootstrap (procedure, g_str_equal (argv[2], "discover"), &error)) {
        fprintf (stderr, "%s\n", error->message);
        return 1;
    }
    steps = henb_procedure_get_steps (procedure);
    for (guint i = 0; i < steps->len; i++) {
        const HenbStep *step = g_ptr_array_index (steps, i);

        printf ("%s\t%s\n", step->id, step->name);
    }
    g_rmdir (state_dir);
    return 0;
}
