/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-errors.h"
#include "henb-ipsec-backend.h"

#define GROUP "IPsec"

static const gchar *const backend_order[] = { HENB_IPSEC_BACKEND_ORDER };

/* The installed IPsec backends, loaded or not: those of backend_order first, in that order,
 * then the rest by file name. */
static GPtrArray *
installed_backends (HenbPluginManager *plugins)
{
    g_autoptr(GPtrArray) all = henb_plugin_manager_list (plugins, HENB_TYPE_IPSEC_PROVIDER);
    GPtrArray *backends = g_ptr_array_new ();

    for (gsize o = 0; o < G_N_ELEMENTS (backend_order); o++) {
        for (guint i = 0; i < all->len; i++) {
            if (g_strcmp0 (henb_plugin_entry_get_name (all->pdata[i]), backend_order[o]) == 0)
                g_ptr_array_add (backends, all->pdata[i]);
        }
    }
    for (guint i = 0; i < all->len; i++) {
        if (!g_ptr_array_find (backends, all->pdata[i], NULL))
            g_ptr_array_add (backends, all->pdata[i]);
    }
    return backends;
}

static gchar *
names_of (GPtrArray *backends)
{
    g_autoptr(GString) names = g_string_new (NULL);

    for (guint i = 0; i < backends->len; i++)
        g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", henb_plugin_entry_get_name (backends->pdata[i]));
    return g_string_free (g_steal_pointer (&names), FALSE);
}

/* The keys of @backend's own settings that @config sets, as "A, B"; NULL when none. A backend
 * not loaded yet has them in its descriptor. */
static gchar *
configured_settings (HenbPluginEntry *backend, GKeyFile *config)
{
    HenbPlugin *plugin = henb_plugin_entry_get_plugin (backend);
    g_auto(GStrv) described = plugin == NULL ? henb_plugin_entry_dup_settings (backend, GROUP) : NULL;
    const gchar *const *keys = plugin != NULL ? HENB_IPSEC_PROVIDER_GET_IFACE (plugin)->settings
                                              : (const gchar *const *) described;
    g_autoptr(GString) set = g_string_new (NULL);

    for (guint i = 0; keys != NULL && keys[i] != NULL; i++) {
        if (config != NULL && g_key_file_has_key (config, GROUP, keys[i], NULL))
            g_string_append_printf (set, "%s%s", set->len > 0 ? ", " : "", keys[i]);
    }
    return set->len > 0 ? g_string_free (g_steal_pointer (&set), FALSE) : NULL;
}

static HenbPluginEntry *
choose_named (GPtrArray *backends, const gchar *name, gchar **why, GError **error)
{
    g_autofree gchar *installed = NULL;

    for (guint i = 0; i < backends->len; i++) {
        if (g_strcmp0 (henb_plugin_entry_get_name (backends->pdata[i]), name) == 0) {
            if (why != NULL)
                *why = g_strdup_printf ("[" GROUP "] Backend=%s", name);
            return backends->pdata[i];
        }
    }
    installed = names_of (backends);
    g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN,
                 "[" GROUP "] Backend=%s: no IPsec backend of that name is installed (installed: %s)", name,
                 backends->len > 0 ? installed : "none");
    return NULL;
}

/* The choice, without loading the backend */
static HenbPluginEntry *
choose_entry (HenbPluginManager *plugins, GKeyFile *config, gchar **why, GError **error)
{
    g_autoptr(GPtrArray) backends = NULL;
    g_autofree gchar *name = NULL;
    g_autofree gchar *installed = NULL;
    HenbPluginEntry *chosen = NULL;
    g_autofree gchar *chosen_settings = NULL;
    guint configured = 0;

    backends = installed_backends (plugins);
    if (config != NULL)
        name = g_key_file_get_string (config, GROUP, "Backend", NULL);
    if (name != NULL)
        g_strstrip (name);
    if (name != NULL && *name != '\0')
        return choose_named (backends, name, why, error);

    if (backends->len == 0) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN,
                     "no IPsec backend is installed (%s; [" GROUP "] Backend= chooses one)",
                     "security-nm-ipsec or security-vici");
        return NULL;
    }
    installed = names_of (backends);
    /* settings say which backend the operator prepared; the first in order if several */
    for (guint i = 0; i < backends->len; i++) {
        g_autofree gchar *settings = configured_settings (backends->pdata[i], config);

        if (settings == NULL)
            continue;
        if (configured++ == 0) {
            chosen = backends->pdata[i];
            chosen_settings = g_steal_pointer (&settings);
        }
    }
    if (chosen != NULL) {
        if (why != NULL)
            *why = g_strdup_printf ("no [" GROUP "] Backend=; its settings are configured ([" GROUP "] %s)%s",
                                    chosen_settings,
                                    configured > 1 ? ", first of the backends whose settings are" : "");
        return chosen;
    }
    if (why != NULL)
        *why = backends->len == 1
                   ? g_strdup ("no [" GROUP "] Backend=; the only IPsec backend installed")
                   : g_strdup_printf ("no [" GROUP "] Backend= and no backend's settings; the first installed of %s",
                                      installed);
    return backends->pdata[0];
}

HenbIpsecProvider *
henb_ipsec_backend_choose (HenbPluginManager *plugins, GKeyFile *config, gchar **why, GError **error)
{
    HenbPluginEntry *entry;
    HenbPlugin *plugin;

    g_return_val_if_fail (HENB_IS_PLUGIN_MANAGER (plugins), NULL);

    for (;;) {
        g_autoptr(GError) error_load = NULL;

        entry = choose_entry (plugins, config, why, error);
        if (entry == NULL)
            return NULL;
        plugin = henb_plugin_manager_load (plugins, entry, &error_load);
        if (plugin != NULL)
            return HENB_IPSEC_PROVIDER (plugin);
        if (why != NULL)
            g_clear_pointer (why, g_free);
        /* the operator's Backend= is that one or none; otherwise the next installed one (a
         * module that failed to load is refused from now on, so the choice moves on) */
        if (config != NULL && g_key_file_has_key (config, GROUP, "Backend", NULL)) {
            g_propagate_error (error, g_steal_pointer (&error_load));
            return NULL;
        }
        g_warning ("IPsec backend %s: %s", henb_plugin_entry_get_name (entry), error_load->message);
    }
}

void
henb_ipsec_backend_log_choice (HenbPluginManager *plugins, GKeyFile *config)
{
    g_autoptr(GError) error = NULL;
    g_autofree gchar *why = NULL;
    /* said at start, loaded only when a tunnel is wanted */
    HenbPluginEntry *backend = choose_entry (plugins, config, &why, &error);

    if (backend != NULL)
        g_message ("IPsec backend %s: %s", henb_plugin_entry_get_name (backend), why);
    else if (config != NULL && g_key_file_has_key (config, GROUP, "Backend", NULL))
        g_warning ("%s", error->message);
    else
        g_message ("%s", error->message);
}
