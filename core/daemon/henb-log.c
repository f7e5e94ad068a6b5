/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "henb-log.h"

static const gchar *const level_names[] = { "error", "warning", "message", "info", "debug" };

static HenbLogLevel current_level = HENB_LOG_LEVEL_MESSAGE;

static HenbLogLevel
level_of (GLogLevelFlags log_level)
{
    if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
        return HENB_LOG_LEVEL_ERROR;
    if (log_level & G_LOG_LEVEL_WARNING)
        return HENB_LOG_LEVEL_WARNING;
    if (log_level & G_LOG_LEVEL_MESSAGE)
        return HENB_LOG_LEVEL_MESSAGE;
    if (log_level & G_LOG_LEVEL_INFO)
        return HENB_LOG_LEVEL_INFO;
    return HENB_LOG_LEVEL_DEBUG;
}

/* G_MESSAGES_DEBUG as GLib reads it: domains separated by spaces, or "all" */
static gboolean
named_in_messages_debug (const gchar *domain)
{
    const gchar *env = g_getenv ("G_MESSAGES_DEBUG");
    g_auto(GStrv) names = NULL;

    if (env == NULL)
        return FALSE;
    names = g_strsplit (env, " ", -1);
    return g_strv_contains ((const gchar *const *) names, "all") ||
           (domain != NULL && g_strv_contains ((const gchar *const *) names, domain));
}

static GLogWriterOutput
log_writer (GLogLevelFlags log_level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
    HenbLogLevel level = level_of (log_level);
    const gchar *domain = NULL;
    gboolean shown;

    for (gsize i = 0; i < n_fields; i++) {
        if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0)
            domain = fields[i].value;
    }
    if (level < HENB_LOG_LEVEL_INFO)
        shown = level <= current_level;
    else
        /* henbd's own info and debug lines, not those of every library it loads */
        shown = (level <= current_level && domain != NULL && g_str_has_prefix (domain, "henb")) ||
                named_in_messages_debug (domain);
    if (!shown)
        return G_LOG_WRITER_HANDLED;
    return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static void
apply (HenbLogLevel level)
{
    current_level = level;
    /* GLib drops debug and info before any writer sees them unless this is set */
    g_log_set_debug_enabled (level >= HENB_LOG_LEVEL_INFO);
}

void
henb_log_init (HenbLogLevel level)
{
    apply (level);
    g_log_set_writer_func (log_writer, NULL, NULL);
}

gboolean
henb_log_set_level (const gchar *name, GError **error)
{
    for (guint i = 0; i < G_N_ELEMENTS (level_names); i++) {
        if (g_strcmp0 (name, level_names[i]) == 0) {
            apply ((HenbLogLevel) i);
            return TRUE;
        }
    }
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "unknown log level '%s' (error, warning, message, info or debug)", name);
    return FALSE;
}

const gchar *
henb_log_get_level (void)
{
    return level_names[current_level];
}
