/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-discovery.h"
#include "henb-plugin.h"

G_BEGIN_DECLS

#define HENB_PLUGIN_PREFIX "libhenb-plugin-"
/* libhenb-plugin-NAME.plugin beside libhenb-plugin-NAME.so: what the plugin is, before loading */
#define HENB_PLUGIN_DESCRIPTOR_SUFFIX ".plugin"

/*
 * Plugins are loaded when they are used, so that a HeNB maps only the libraries of what it
 * runs (a public-variant HeNB has no business with libnm or charon's VICI). A plugin's
 * descriptor (a key file, as libpeas and GStreamer's registry keep one) says what henbd needs
 * to know before dlopen():
 *
 *   [Plugin]
 *   Name=security-vici                 the plugin's name (checked against the module's)
 *   Provides=HenbIpsecProvider;        the interfaces it implements (checked on loading)
 *   Settings=IPsec/ViciSocket;...      configuration keys it reads
 *   SelectedBy=IPsec/Backend;          keys whose value may name it
 *   DiscoveryVariant=private-domain    (discovery plugins) the variant it discovers
 *
 * A plugin is loaded when the core first looks up one of its interfaces (henb_plugin_manager_find
 * and friends), or at henb_plugin_manager_configure() when the configuration sets one of its
 * Settings or names it in a SelectedBy key: its settings are then checked at start-up, as when
 * every plugin was loaded at start. A module without a descriptor is loaded at once.
 */

#define HENB_TYPE_PLUGIN_MANAGER (henb_plugin_manager_get_type ())
G_DECLARE_FINAL_TYPE (HenbPluginManager, henb_plugin_manager, HENB, PLUGIN_MANAGER, GObject)

/* One plugin the manager knows, loaded or not (owned by the manager). */
typedef struct _HenbPluginEntry HenbPluginEntry;

const gchar *henb_plugin_entry_get_name (const HenbPluginEntry *entry);
/* The loaded plugin; NULL while it is not loaded. */
HenbPlugin  *henb_plugin_entry_get_plugin (const HenbPluginEntry *entry);
/* The keys of @group among its descriptor's Settings (NULL-terminated; empty: none). */
GStrv        henb_plugin_entry_dup_settings (const HenbPluginEntry *entry, const gchar *group);

HenbPluginManager *henb_plugin_manager_new (void);

/*
 * Finds every libhenb-plugin-*.so of @dir; those with a descriptor are loaded when used,
 * the others at once. A module or descriptor that is writable by others, built for another
 * plugin ABI, lacking the factory or not what its descriptor says is refused with a warning
 * naming the reason.
 */
gboolean    henb_plugin_manager_load_dir (HenbPluginManager *self, const gchar *dir, GError **error);
/* Only the plugins named in @names (libhenb-plugin-NAME.so); NULL: all of them. */
gboolean    henb_plugin_manager_load_dir_only (HenbPluginManager *self, const gchar *dir,
                                               const gchar *const *names, GError **error);
void        henb_plugin_manager_add (HenbPluginManager *self, HenbPlugin *plugin);
/* The plugins loaded so far, in the order they were loaded. */
GPtrArray  *henb_plugin_manager_get_plugins (HenbPluginManager *self);
/*
 * Loads the plugins @config selects (see above) and configures every loaded plugin; keeps
 * @config for those loaded later.
 */
gboolean    henb_plugin_manager_configure (HenbPluginManager *self, GKeyFile *config, GError **error);

/* The plugins providing @iface, loaded or not, by file name (the array does not own them). */
GPtrArray  *henb_plugin_manager_list (HenbPluginManager *self, GType iface);
/* Loads (and configures, after henb_plugin_manager_configure) the plugin of @entry. */
HenbPlugin *henb_plugin_manager_load (HenbPluginManager *self, HenbPluginEntry *entry, GError **error);

/* The plugin implementing @iface, named @name when given, loaded if need be; an error says
 * what is missing. */
HenbPlugin *henb_plugin_manager_find (HenbPluginManager *self,
                                      GType              iface,
                                      const gchar       *name,
                                      GError           **error);
/* Every plugin implementing @iface, by file name, loaded if need be; the array holds references. */
GPtrArray  *henb_plugin_manager_find_all (HenbPluginManager *self, GType iface);
HenbDiscovery *henb_plugin_manager_find_discovery (HenbPluginManager   *self,
                                                   HenbDiscoveryVariant variant,
                                                   GError             **error);

/*
 * Signals:
 * ::plugin-loaded (HenbPlugin *plugin) — a plugin was loaded (and configured, when the
 *   configuration is known): the core connects to what it provides.
 */

G_END_DECLS
