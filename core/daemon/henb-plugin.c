/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "henb-errors.h"
#include "henb-plugin.h"

typedef struct {
    gchar *name;
    gchar *path;
} HenbPluginPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (HenbPlugin, henb_plugin, G_TYPE_OBJECT)

enum {
    PROP_0,
    PROP_NAME,
    N_PROPS
};
static GParamSpec *props[N_PROPS];

static void
henb_plugin_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
    HenbPluginPrivate *priv = henb_plugin_get_instance_private (HENB_PLUGIN (object));

    switch (prop_id) {
    case PROP_NAME:
        g_free (priv->name);
        priv->name = g_value_dup_string (value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
}

static void
henb_plugin_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HenbPluginPrivate *priv = henb_plugin_get_instance_private (HENB_PLUGIN (object));

    switch (prop_id) {
    case PROP_NAME:
        g_value_set_string (value, priv->name);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
}

static void
henb_plugin_finalize (GObject *object)
{
    HenbPluginPrivate *priv = henb_plugin_get_instance_private (HENB_PLUGIN (object));

    g_free (priv->name);
    g_free (priv->path);
    G_OBJECT_CLASS (henb_plugin_parent_class)->finalize (object);
}

static void
henb_plugin_class_init (HenbPluginClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS (klass);

    object_class->set_property = henb_plugin_set_property;
    object_class->get_property = henb_plugin_get_property;
    object_class->finalize = henb_plugin_finalize;

    props[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL,
                                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                                G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
henb_plugin_init (HenbPlugin *self)
{
}

const gchar *
henb_plugin_get_name (HenbPlugin *self)
{
    HenbPluginPrivate *priv = henb_plugin_get_instance_private (self);

    g_return_val_if_fail (HENB_IS_PLUGIN (self), NULL);
    return priv->name;
}

const gchar *
henb_plugin_get_path (HenbPlugin *self)
{
    HenbPluginPrivate *priv = henb_plugin_get_instance_private (self);

    return priv->path;
}

void
henb_plugin_set_path (HenbPlugin *self, const gchar *path)
{
    HenbPluginPrivate *priv = henb_plugin_get_instance_private (self);

    g_free (priv->path);
    priv->path = g_strdup (path);
}

gboolean
henb_plugin_configure (HenbPlugin *self, GKeyFile *config, GError **error)
{
    HenbPluginClass *klass = HENB_PLUGIN_GET_CLASS (self);

    if (klass->configure == NULL)
        return TRUE;
    return klass->configure (self, config, error);
}

gboolean
henb_plugin_check_file (const gchar *path, GError **error)
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

GModule *
henb_plugin_open_module (const gchar *path, GError **error)
{
    GModule *module;

    if (!henb_plugin_check_file (path, error))
        return NULL;
    module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
    if (module == NULL)
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN, "%s", g_module_error ());
    return module;
}

GModule *
henb_plugin_open_backend (HenbPlugin *self, const gchar *module_name, GError **error)
{
    HenbPluginPrivate *priv = henb_plugin_get_instance_private (self);
    g_autofree gchar *dir = NULL;
    g_autofree gchar *path = NULL;
    GModule *module;

    g_return_val_if_fail (HENB_IS_PLUGIN (self), NULL);
    if (priv->path == NULL) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN,
                     "plugin %s was not loaded from a folder: no %s beside it", priv->name, module_name);
        return NULL;
    }
    dir = g_path_get_dirname (priv->path);
    path = g_build_filename (dir, module_name, NULL);
    module = henb_plugin_open_module (path, error);
    if (module == NULL)
        return NULL;
    /* it registers GTypes: never unloaded */
    g_module_make_resident (module);
    return module;
}
