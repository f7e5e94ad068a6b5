/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>
#include "henb-errors.h"
#include "henb-plugin-manager.h"

struct _HenbPluginEntry {
    gchar      *path;        /* the module */
    gchar      *name;        /* the descriptor's, or the plugin's once loaded */
    GStrv       provides;    /* GType names; NULL: no descriptor */
    GStrv       settings;    /* "Group/Key" */
    GStrv       selected_by; /* "Group/Key" */
    gchar      *variant;     /* DiscoveryVariant, discovery plugins only */
    HenbPlugin *plugin;      /* NULL until loaded */
    gboolean    refused;     /* a failed load is not tried again */
};

struct _HenbPluginManager {
    GObject    parent_instance;
    GPtrArray *entries; /* HenbPluginEntry, by file name (added plugins at the end) */
    GPtrArray *plugins; /* HenbPlugin, in the order they were loaded */
    GKeyFile  *config;  /* once configured: for the plugins loaded later */
};

enum {
    SIGNAL_PLUGIN_LOADED,
    N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_TYPE (HenbPluginManager, henb_plugin_manager, G_TYPE_OBJECT)

static void entry_free (HenbPluginEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbPluginEntry, entry_free)

static void
entry_free (HenbPluginEntry *entry)
{
    g_free (entry->path);
    g_free (entry->name);
    g_strfreev (entry->provides);
    g_strfreev (entry->settings);
    g_strfreev (entry->selected_by);
    g_free (entry->variant);
    g_clear_object (&entry->plugin);
    g_free (entry);
}

static void
henb_plugin_manager_finalize (GObject *object)
{
    HenbPluginManager *self = HENB_PLUGIN_MANAGER (object);

    g_ptr_array_unref (self->plugins);
    g_ptr_array_unref (self->entries);
    g_clear_pointer (&self->config, g_key_file_unref);
    G_OBJECT_CLASS (henb_plugin_manager_parent_class)->finalize (object);
}

static void
henb_plugin_manager_class_init (HenbPluginManagerClass *klass)
{
    G_OBJECT_CLASS (klass)->finalize = henb_plugin_manager_finalize;

    signals[SIGNAL_PLUGIN_LOADED] = g_signal_new ("plugin-loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, HENB_TYPE_PLUGIN);
}

static void
henb_plugin_manager_init (HenbPluginManager *self)
{
    self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
    self->plugins = g_ptr_array_new_with_free_func (g_object_unref);
}

HenbPluginManager *
henb_plugin_manager_new (void)
{
    return g_object_new (HENB_TYPE_PLUGIN_MANAGER, NULL);
}

const gchar *
henb_plugin_entry_get_name (const HenbPluginEntry *entry)
{
    return entry->plugin != NULL ? henb_plugin_get_name (entry->plugin) : entry->name;
}

HenbPlugin *
henb_plugin_entry_get_plugin (const HenbPluginEntry *entry)
{
    return entry->plugin;
}

GStrv
henb_plugin_entry_dup_settings (const HenbPluginEntry *entry, const gchar *group)
{
    g_autoptr(GStrvBuilder) keys = g_strv_builder_new ();
    gsize len = strlen (group);

    for (guint i = 0; entry->settings != NULL && entry->settings[i] != NULL; i++) {
        if (strncmp (entry->settings[i], group, len) == 0 && entry->settings[i][len] == '/')
            g_strv_builder_add (keys, entry->settings[i] + len + 1);
    }
    return g_strv_builder_end (keys);
}

/* a loaded plugin that was added, or found without a descriptor */
static void
take_plugin (HenbPluginManager *self, HenbPluginEntry *entry, HenbPlugin *plugin)
{
    entry->plugin = plugin;
    g_ptr_array_add (self->plugins, g_object_ref (plugin));
}

void
henb_plugin_manager_add (HenbPluginManager *self, HenbPlugin *plugin)
{
    HenbPluginEntry *entry = g_new0 (HenbPluginEntry, 1);

    g_return_if_fail (HENB_IS_PLUGIN (plugin));
    entry->path = g_strdup (henb_plugin_get_path (plugin));
    take_plugin (self, entry, g_object_ref (plugin));
    g_ptr_array_add (self->entries, entry);
}

GPtrArray *
henb_plugin_manager_get_plugins (HenbPluginManager *self)
{
    return self->plugins;
}

static HenbPlugin *
load_module (const gchar *path, GError **error)
{
    GModule *module;
    gpointer major = NULL, minor = NULL, create = NULL;
    HenbPlugin *plugin;

    module = henb_plugin_open_module (path, error);
    if (module == NULL)
        return NULL;
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

/* The module is what its descriptor promised: the core chose it by the descriptor. */
static gboolean
matches_descriptor (HenbPluginEntry *entry, HenbPlugin *plugin, GError **error)
{
    if (g_strcmp0 (henb_plugin_get_name (plugin), entry->name) != 0) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN,
                     "%s is plugin %s, its descriptor says %s", entry->path,
                     henb_plugin_get_name (plugin), entry->name);
        return FALSE;
    }
    for (guint i = 0; entry->provides[i] != NULL; i++) {
        GType type = g_type_from_name (entry->provides[i]);

        if (type == G_TYPE_INVALID || !g_type_is_a (G_OBJECT_TYPE (plugin), type)) {
            g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN,
                         "%s does not provide %s, which its descriptor promises", entry->path,
                         entry->provides[i]);
            return FALSE;
        }
    }
    if (entry->variant != NULL &&
        (!HENB_IS_DISCOVERY (plugin) ||
         g_strcmp0 (henb_discovery_variant_to_string (henb_discovery_get_variant (HENB_DISCOVERY (plugin))),
                    entry->variant) != 0)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN,
                     "%s does not discover the %s variant its descriptor says", entry->path, entry->variant);
        return FALSE;
    }
    return TRUE;
}

HenbPlugin *
henb_plugin_manager_load (HenbPluginManager *self, HenbPluginEntry *entry, GError **error)
{
    g_autoptr(HenbPlugin) plugin = NULL;
    g_autoptr(GError) error_local = NULL;

    if (entry->plugin != NULL)
        return entry->plugin;
    if (entry->refused) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN, "plugin %s was refused", entry->name);
        return NULL;
    }
    plugin = load_module (entry->path, &error_local);
    if (plugin != NULL && entry->provides != NULL && !matches_descriptor (entry, plugin, &error_local))
        g_clear_object (&plugin);
    if (plugin != NULL && self->config != NULL && !henb_plugin_configure (plugin, self->config, &error_local)) {
        g_prefix_error (&error_local, "plugin %s: ", henb_plugin_get_name (plugin));
        g_clear_object (&plugin);
    }
    if (plugin == NULL) {
        entry->refused = TRUE;
        g_propagate_error (error, g_steal_pointer (&error_local));
        return NULL;
    }
    g_debug ("loaded plugin %s from %s", henb_plugin_get_name (plugin), entry->path);
    take_plugin (self, entry, g_steal_pointer (&plugin));
    g_signal_emit (self, signals[SIGNAL_PLUGIN_LOADED], 0, entry->plugin);
    return entry->plugin;
}

/* The entry's plugin, loaded now if need be; NULL (with a warning) when it is refused. */
static HenbPlugin *
load_or_warn (HenbPluginManager *self, HenbPluginEntry *entry)
{
    g_autoptr(GError) error = NULL;
    HenbPlugin *plugin;

    if (entry->refused)
        return NULL;
    plugin = henb_plugin_manager_load (self, entry, &error);
    if (plugin == NULL)
        g_warning ("plugin refused: %s", error->message);
    return plugin;
}

/* Reads the descriptor of the module @path; NULL when it has none. */
static HenbPluginEntry *
read_descriptor (const gchar *path, GError **error)
{
    g_autofree gchar *stem = g_strndup (path, strlen (path) - strlen ("." G_MODULE_SUFFIX));
    g_autofree gchar *file = g_strconcat (stem, HENB_PLUGIN_DESCRIPTOR_SUFFIX, NULL);
    g_autoptr(GKeyFile) kf = g_key_file_new ();
    g_autoptr(GError) error_local = NULL;
    g_autoptr(HenbPluginEntry) entry = NULL;

    if (!g_file_test (file, G_FILE_TEST_EXISTS))
        return NULL;
    entry = g_new0 (HenbPluginEntry, 1);
    entry->path = g_strdup (path);
    if (!henb_plugin_check_file (file, error))
        return g_steal_pointer (&entry);
    if (!g_key_file_load_from_file (kf, file, G_KEY_FILE_NONE, &error_local) ||
        (entry->name = g_key_file_get_string (kf, "Plugin", "Name", &error_local)) == NULL ||
        (entry->provides = g_key_file_get_string_list (kf, "Plugin", "Provides", NULL, &error_local)) == NULL) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN, "%s: %s", file, error_local->message);
        return g_steal_pointer (&entry);
    }
    entry->settings = g_key_file_get_string_list (kf, "Plugin", "Settings", NULL, NULL);
    entry->selected_by = g_key_file_get_string_list (kf, "Plugin", "SelectedBy", NULL, NULL);
    entry->variant = g_key_file_get_string (kf, "Plugin", "DiscoveryVariant", NULL);
    return g_steal_pointer (&entry);
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
        HenbPluginEntry *entry = read_descriptor (files->pdata[i], &error_plugin);
        HenbPlugin *plugin;

        if (entry != NULL) {
            /* known by its descriptor: loaded when used */
            if (error_plugin != NULL) {
                g_warning ("plugin refused: %s", error_plugin->message);
                entry_free (entry);
                continue;
            }
            g_ptr_array_add (self->entries, entry);
            continue;
        }
        plugin = load_module (files->pdata[i], &error_plugin);
        if (plugin == NULL) {
            g_warning ("plugin refused: %s", error_plugin->message);
            continue;
        }
        g_debug ("loaded plugin %s from %s", henb_plugin_get_name (plugin), (gchar *) files->pdata[i]);
        entry = g_new0 (HenbPluginEntry, 1);
        entry->path = g_strdup (files->pdata[i]);
        take_plugin (self, entry, plugin);
        g_ptr_array_add (self->entries, entry);
    }
    return TRUE;
}

/* "Group/Key" is set in @config (to @value, when given) */
static gboolean
config_has (GKeyFile *config, const gchar *group_key, const gchar *value)
{
    const gchar *slash = strchr (group_key, '/');
    g_autofree gchar *group = NULL;
    g_autofree gchar *v = NULL;

    if (slash == NULL)
        return FALSE;
    group = g_strndup (group_key, slash - group_key);
    v = g_key_file_get_string (config, group, slash + 1, NULL);
    if (v == NULL)
        return FALSE;
    return value == NULL || g_strcmp0 (g_strstrip (v), value) == 0;
}

/* The configuration sets one of the plugin's settings or names it: its values are checked at
 * start-up, as they always were. */
static gboolean
selected_by_config (const HenbPluginEntry *entry, GKeyFile *config)
{
    for (guint i = 0; entry->settings != NULL && entry->settings[i] != NULL; i++) {
        if (config_has (config, entry->settings[i], NULL))
            return TRUE;
    }
    for (guint i = 0; entry->selected_by != NULL && entry->selected_by[i] != NULL; i++) {
        if (config_has (config, entry->selected_by[i], entry->name))
            return TRUE;
    }
    return FALSE;
}

gboolean
henb_plugin_manager_configure (HenbPluginManager *self, GKeyFile *config, GError **error)
{
    g_clear_pointer (&self->config, g_key_file_unref);
    for (guint i = 0; i < self->plugins->len; i++) {
        HenbPlugin *plugin = self->plugins->pdata[i];

        if (!henb_plugin_configure (plugin, config, error)) {
            g_prefix_error (error, "plugin %s: ", henb_plugin_get_name (plugin));
            return FALSE;
        }
    }
    self->config = g_key_file_ref (config);
    for (guint i = 0; i < self->entries->len; i++) {
        HenbPluginEntry *entry = self->entries->pdata[i];
        g_autoptr(GError) error_local = NULL;

        if (entry->plugin != NULL || entry->refused || !selected_by_config (entry, config))
            continue;
        if (henb_plugin_manager_load (self, entry, &error_local) != NULL)
            continue;
        /* a configuration error stops henbd; a module that cannot load is a warning, as always */
        if (g_error_matches (error_local, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION)) {
            g_propagate_error (error, g_steal_pointer (&error_local));
            return FALSE;
        }
        g_warning ("plugin refused: %s", error_local->message);
    }
    return TRUE;
}

/* @entry provides @iface: by its descriptor until it is loaded */
static gboolean
entry_provides (const HenbPluginEntry *entry, GType iface)
{
    if (entry->plugin != NULL)
        return g_type_is_a (G_OBJECT_TYPE (entry->plugin), iface);
    return entry->provides != NULL && g_strv_contains ((const gchar *const *) entry->provides, g_type_name (iface));
}

GPtrArray *
henb_plugin_manager_list (HenbPluginManager *self, GType iface)
{
    GPtrArray *list = g_ptr_array_new ();

    for (guint i = 0; i < self->entries->len; i++) {
        HenbPluginEntry *entry = self->entries->pdata[i];

        if (!entry->refused && entry_provides (entry, iface))
            g_ptr_array_add (list, entry);
    }
    return list;
}

HenbPlugin *
henb_plugin_manager_find (HenbPluginManager *self, GType iface, const gchar *name, GError **error)
{
    for (guint i = 0; i < self->entries->len; i++) {
        HenbPluginEntry *entry = self->entries->pdata[i];
        HenbPlugin *plugin;

        if (entry->refused || !entry_provides (entry, iface))
            continue;
        if (name != NULL && g_strcmp0 (henb_plugin_entry_get_name (entry), name) != 0)
            continue;
        plugin = load_or_warn (self, entry);
        if (plugin != NULL)
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

    for (guint i = 0; i < self->entries->len; i++) {
        HenbPluginEntry *entry = self->entries->pdata[i];
        HenbPlugin *plugin;

        if (entry->refused || !entry_provides (entry, iface))
            continue;
        plugin = load_or_warn (self, entry);
        if (plugin != NULL)
            g_ptr_array_add (found, g_object_ref (plugin));
    }
    return found;
}

HenbDiscovery *
henb_plugin_manager_find_discovery (HenbPluginManager *self, HenbDiscoveryVariant variant, GError **error)
{
    const gchar *wanted = henb_discovery_variant_to_string (variant);

    for (guint i = 0; i < self->entries->len; i++) {
        HenbPluginEntry *entry = self->entries->pdata[i];
        HenbPlugin *plugin;

        if (entry->refused || !entry_provides (entry, HENB_TYPE_DISCOVERY))
            continue;
        /* only the variant's own plugin is loaded */
        if (entry->plugin == NULL && g_strcmp0 (entry->variant, wanted) != 0)
            continue;
        plugin = load_or_warn (self, entry);
        if (plugin != NULL && henb_discovery_get_variant (HENB_DISCOVERY (plugin)) == variant)
            return HENB_DISCOVERY (plugin);
    }
    g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN,
                 "no discovery plugin for the %s variant is installed", wanted);
    return NULL;
}
