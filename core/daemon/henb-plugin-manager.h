/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-discovery.h"
#include "henb-plugin.h"

G_BEGIN_DECLS

#define HENB_PLUGIN_PREFIX "libhenb-plugin-"

#define HENB_TYPE_PLUGIN_MANAGER (henb_plugin_manager_get_type ())
G_DECLARE_FINAL_TYPE (HenbPluginManager, henb_plugin_manager, HENB, PLUGIN_MANAGER, GObject)

HenbPluginManager *henb_plugin_manager_new (void);

/*
 * Loads every libhenb-plugin-*.so of @dir. A module that is writable by others, built for
 * another plugin ABI or lacking the factory is refused with a warning naming the reason.
 */
gboolean    henb_plugin_manager_load_dir (HenbPluginManager *self, const gchar *dir, GError **error);
/* Only the plugins named in @names (libhenb-plugin-NAME.so); NULL: all of them. */
gboolean    henb_plugin_manager_load_dir_only (HenbPluginManager *self, const gchar *dir,
                                               const gchar *const *names, GError **error);
void        henb_plugin_manager_add (HenbPluginManager *self, HenbPlugin *plugin);
GPtrArray  *henb_plugin_manager_get_plugins (HenbPluginManager *self);
gboolean    henb_plugin_manager_configure (HenbPluginManager *self, GKeyFile *config, GError **error);

/* The plugin implementing @iface, named @name when given; an error says what is missing. */
HenbPlugin *henb_plugin_manager_find (HenbPluginManager *self,
                                      GType              iface,
                                      const gchar       *name,
                                      GError           **error);
/* Every plugin implementing @iface, in load order (by file name); the array holds references. */
GPtrArray  *henb_plugin_manager_find_all (HenbPluginManager *self, GType iface);
HenbDiscovery *henb_plugin_manager_find_discovery (HenbPluginManager   *self,
                                                   HenbDiscoveryVariant variant,
                                                   GError             **error);

G_END_DECLS
