/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-main-context.h"

static GMainContext *
thread_context (void)
{
    GMainContext *context = g_main_context_get_thread_default ();

    return context != NULL ? context : g_main_context_default ();
}

guint
henb_source_attach (GSource *source)
{
    return g_source_attach (source, thread_context ());
}

/* Takes @source. */
static guint
attach_func (GSource *source, gint priority, const gchar *name, GSourceFunc func, gpointer data,
             GDestroyNotify notify)
{
    guint id;

    g_source_set_priority (source, priority);
    g_source_set_static_name (source, name);
    g_source_set_callback (source, func, data, notify);
    id = henb_source_attach (source);
    g_source_unref (source);
    return id;
}

guint
henb_timeout_add_full (gint priority, guint interval_ms, GSourceFunc func, gpointer data, GDestroyNotify notify)
{
    return attach_func (g_timeout_source_new (interval_ms), priority, "[henbd] timeout", func, data, notify);
}

guint
henb_timeout_add (guint interval_ms, GSourceFunc func, gpointer data)
{
    return henb_timeout_add_full (G_PRIORITY_DEFAULT, interval_ms, func, data, NULL);
}

guint
henb_timeout_add_seconds_full (gint priority, guint interval_s, GSourceFunc func, gpointer data,
                               GDestroyNotify notify)
{
    return attach_func (g_timeout_source_new_seconds (interval_s), priority, "[henbd] timeout (seconds)", func, data, notify);
}

guint
henb_timeout_add_seconds (guint interval_s, GSourceFunc func, gpointer data)
{
    return henb_timeout_add_seconds_full (G_PRIORITY_DEFAULT, interval_s, func, data, NULL);
}

guint
henb_idle_add_full (gint priority, GSourceFunc func, gpointer data, GDestroyNotify notify)
{
    return attach_func (g_idle_source_new (), priority, "[henbd] idle", func, data, notify);
}

guint
henb_idle_add (GSourceFunc func, gpointer data)
{
    return henb_idle_add_full (G_PRIORITY_DEFAULT_IDLE, func, data, NULL);
}

gboolean
henb_source_remove (guint id)
{
    GSource *source = g_main_context_find_source_by_id (thread_context (), id);

    g_return_val_if_fail (source != NULL, FALSE);
    g_source_destroy (source);
    return TRUE;
}
