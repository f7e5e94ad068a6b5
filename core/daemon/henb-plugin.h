/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gmodule.h>

G_BEGIN_DECLS

/*
 * The plugin ABI is private to henbd and checked exactly: a module built against another
 * major or minor version is refused. In-tree plugins only; no out-of-tree promise.
 */
#define HENB_PLUGIN_MAJOR_VERSION 2
#define HENB_PLUGIN_MINOR_VERSION 1

#define HENB_TYPE_PLUGIN (henb_plugin_get_type ())
G_DECLARE_DERIVABLE_TYPE (HenbPlugin, henb_plugin, HENB, PLUGIN, GObject)

struct _HenbPluginClass {
    GObjectClass parent_class;

    /* Reads the plugin's settings from the merged configuration (optional). */
    gboolean (*configure) (HenbPlugin *self, GKeyFile *config, GError **error);

    gpointer padding[8];
};

const gchar *henb_plugin_get_name (HenbPlugin *self);
const gchar *henb_plugin_get_path (HenbPlugin *self);
void         henb_plugin_set_path (HenbPlugin *self, const gchar *path);
gboolean     henb_plugin_configure (HenbPlugin *self, GKeyFile *config, GError **error);

/*
 * A plugin keeps its heavy libraries in a backend module beside it (libNAME.so in the
 * plugin's folder), opened when the plugin first needs it: the plugin itself loads cheaply
 * when henbd starts to use it, and a HeNB that never turns the feature on never maps the
 * libraries (as NetworkManager's device plugins do). The module is checked as a plugin is
 * (a regular file of root or henbd's user, writable by nobody else) and stays loaded.
 */
GModule     *henb_plugin_open_backend (HenbPlugin *self, const gchar *module_name, GError **error);
/* Only code nobody else could have replaced is loaded into a root daemon. */
gboolean     henb_plugin_check_file (const gchar *path, GError **error);
/* Opens the module at @path once henb_plugin_check_file() accepts it (lazy, local symbols). */
GModule     *henb_plugin_open_module (const gchar *path, GError **error);

typedef HenbPlugin *(*HenbPluginCreateFunc) (void);

/*
 * Exports the three symbols henbd looks up in a plugin module (and that the plugins' linker
 * version script keeps global): the ABI version and the factory, which creates an object of
 * @type named @name.
 */
#define HENB_PLUGIN_DEFINE(type, name)                                                     \
    G_MODULE_EXPORT const int henb_plugin_major_version = HENB_PLUGIN_MAJOR_VERSION;       \
    G_MODULE_EXPORT const int henb_plugin_minor_version = HENB_PLUGIN_MINOR_VERSION;       \
    G_MODULE_EXPORT HenbPlugin *henb_plugin_create (void);                                  \
    HenbPlugin *henb_plugin_create (void)                                                   \
    {                                                                                      \
        return HENB_PLUGIN (g_object_new (type, "name", name, NULL));                      \
    }

G_END_DECLS
