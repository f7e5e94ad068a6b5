/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "henb-errors.h"
#include "henb-plugin-manager.h"

struct _HenbPluginManager {
    GObject    parent_instance;
    GPtrArray *plugins; /* HenbPlugin */
};

G_DEFINE_TYPE (HenbPluginManager, henb_plugin_manager, G_TYPE_OBJECT)

static void
henb_plugin_manager_finalize (GObject *object)
{
    g_ptr_array_unref (HENB_PLUGIN_MANAGER (object)->plugins);
    G_OBJECT_CLASS (henb_plugin_manager_parent_class)->finalize (object);
}

static void
henb_plugin_manager_class_init (HenbPluginManagerClass *klass)
{
    G_OBJECT_CLASS (klass)->finalize = henb_plugin_manager_finalize;
}

static void
henb_plugin_manager_init (HenbPluginManager *self)
{
    self->plugins = g_ptr_array_new_with_free_func (g_object_unref);
}

HenbPluginManager *
henb_plugin_manager_new (void)
{
    return g_object_new (HENB_TYPE_PLUGIN_MANAGER, NULL);
}

void
henb_plugin_manager_add (HenbPluginManager *self, HenbPlugin *plugin)
{
    g_return_if_fail (HENB_IS_PLUGIN (plugin));
    g_ptr_array_add (self->plugins, g_object_ref (plugin));
}

GPtrArray *
henb_plugin_manager_get_plugins (HenbPluginManager *self)
{
    return self->plugins;
}

/* Only code nobody else could have replaced is loaded into a root daemon. */
static gboolean
validate_file (const gchar *path, GError **error)
{
    GStatBuf st;

    if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN, "%s is not a regular file", path);
        return FALSE;
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INSECURE,
                     "%s is writable by group or others", path);
        return FALSE;
    }
    if (st.st_uid != 0 && st.st_uid != geteuid ()) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INSECURE,
                     "%s belongs to uid %u, neither root nor henbd's user", path, (guint) st.st_uid);
        return FALSE;
    }
    return TRUE;
}

static HenbPlugin *
load_module (const gchar *path, GError **error)
{
    GModule *module;
    gpointer major = NULL, minor = NULL, create = NULL;
    HenbPlugin *plugin;

    if (!validate_file (path, error))
        return NULL;
    module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
    if (module == NULL) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN, "%s", g_module_error ());
        return NULL;
    }
    if (!g_module_symbol (module, "henb_plugin_major_version", &major) ||
        !g_module_symbol (module, "henb_plugin_minor_version", &minor) ||
        !g_module_symbol (module, "henb_plugin_create", &create)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN,
                     "%s lacks the henbd plugin symbols", path);
        g_module_close (module);
        return NULL;
    }
    if (*(const int *) major != HENB_PLUGIN_MAJOR_VERSION ||
        *(const int *) minor != HENB_PLUGIN_MINOR_VERSION) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN,
                     "%s was built for plugin ABI %d.%d, henbd has %d.%d", path,
                     *(const int *) major, *(const int *) minor, HENB_PLUGIN_MAJOR_VERSION,
                     HENB_PLUGIN_MINOR_VERSION);
        g_module_close (module);
        return NULL;
    }
    plugin = ((HenbPluginCreateFunc) create) ();
    if (!HENB_IS_PLUGIN (plugin)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN,
                     "%s did not create a plugin", path);
        g_module_close (module);
        return NULL;
    }
    /* a module that registered GTypes can never be unloaded */
    g_module_make_resident (module);
    henb_plugin_set_path (plugin, path);
    return plugin;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
    return g_strcmp0 (*(const gchar *const *) a, *(const gchar *const *) b);
}

gboolean
henb_plugin_manager_load_dir (HenbPluginManager *self, const gchar *dir, GError **error)
{
    return henb_plugin_manager_load_dir_only (self, dir, NULL, error);
}

/* libhenb-plugin-NAME.so is named in @names */
static gboolean
file_is_named (const gchar *file, const gchar *const *names)
{
    gsize len = strlen (file) - strlen (HENB_PLUGIN_PREFIX) - strlen ("." G_MODULE_SUFFIX);
    const gchar *name = file + strlen (HENB_PLUGIN_PREFIX);

    for (guint i = 0; names[i] != NULL; i++) {
        if (strlen (names[i]) == len && strncmp (name, names[i], len) == 0)
            return TRUE;
    }
    return FALSE;
}

gboolean
henb_plugin_manager_load_dir_only (HenbPluginManager *self, const gchar *dir, const gchar *const *names,
                                   GError **error)
{
    g_autoptr(GDir) d = NULL;
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GError) error_local = NULL;
    const gchar *name;

    d = g_dir_open (dir, 0, &error_local);
    if (d == NULL) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN,
                     "cannot read plugin directory: %s", error_local->message);
        return FALSE;
    }
    while ((name = g_dir_read_name (d)) != NULL) {
        if (g_str_has_prefix (name, HENB_PLUGIN_PREFIX) && g_str_has_suffix (name, "." G_MODULE_SUFFIX) &&
            (names == NULL || file_is_named (name, names)))
            g_ptr_array_add (files, g_build_filename (dir, name, NULL));
    }
    g_ptr_array_sort (files, compare_names);
    for (guint i = 0; i < files->len; i++) {
        g_autoptr(GError) error_plugin = NULL;
        HenbPlugin *plugin = load_module (files->pdata[i], &error_plugin);

        if (plugin == NULL) {
            g_warning ("plugin refused: %s", error_plugin->message);
            continue;
        }
        g_debug ("loaded plugin %s from %s", henb_plugin_get_name (plugin), (gchar *) files->pdata[i]);
        g_ptr_array_add (self->plugins, plugin);
    }
    return TRUE;
}

gboolean
henb_plugin_manager_configure (HenbPluginManager *self, GKeyFile *config, GError **error)
{
    for (guint i = 0; i < self->plugins->len; i++) {
        HenbPlugin *plugin = self->plugins->pdata[i];

        if (!henb_plugin_configure (plugin, config, error)) {
            g_prefix_error (error, "plugin %s: ", henb_plugin_get_name (plugin));
            return FALSE;
        }
    }
    return TRUE;
}

HenbPlugin *
henb_plugin_manager_find (HenbPluginManager *self, GType iface, const gchar *name, GError **error)
{
    for (guint i = 0; i < self->plugins->len; i++) {
        HenbPlugin *plugin = self->plugins->pdata[i];

        if (!g_type_is_a (G_OBJECT_TYPE (plugin), iface))
            continue;
        if (name == NULL || g_strcmp0 (henb_plugin_get_name (plugin), name) == 0)
            return plugin;
    }
    if (name != NULL)
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN,
                     "plugin %s (%s) is not installed", name, g_type_name (iface));
    else
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN,
                     "no plugin provides %s", g_type_name (iface));
    return NULL;
}

GPtrArray *
henb_plugin_manager_find_all (HenbPluginManager *self, GType iface)
{
    GPtrArray *found = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 0; i < self->plugins->len; i++) {
        HenbPlugin *plugin = self->plugins->pdata[i];

        if (g_type_is_a (G_OBJECT_TYPE (plugin), iface))
            g_ptr_array_add (found, g_object_ref (plugin));
    }
    return found;
}

HenbDiscovery *
henb_plugin_manager_find_discovery (HenbPluginManager *self, HenbDiscoveryVariant variant, GError **error)
{
    for (guint i = 0; i < self->plugins->len; i++) {
        HenbPlugin *plugin = self->plugins->pdata[i];

        if (HENB_IS_DISCOVERY (plugin) && henb_discovery_get_variant (HENB_DISCOVERY (plugin)) == variant)
            return HENB_DISCOVERY (plugin);
    }
    g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN,
                 "no discovery plugin for the %s variant is installed",
                 henb_discovery_variant_to_string (variant));
    return NULL;
}
