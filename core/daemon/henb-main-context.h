/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Timeouts and idles in the calling thread's main context: its thread-default context, or the
 * global default one when it pushed none. henbd runs in the global default context, where
 * these are g_timeout_add() and the like; henb-fleet runs HeNBs in several threads, each
 * iterating its own context, and a HeNB's timers must fire, and be removed, in its own thread
 * (g_timeout_add() and g_source_remove() only know the global default context).
 */
guint    henb_timeout_add (guint interval_ms, GSourceFunc func, gpointer data);
guint    henb_timeout_add_full (gint priority, guint interval_ms, GSourceFunc func, gpointer data,
                                GDestroyNotify notify);
guint    henb_timeout_add_seconds (guint interval_s, GSourceFunc func, gpointer data);
guint    henb_timeout_add_seconds_full (gint priority, guint interval_s, GSourceFunc func, gpointer data,
                                        GDestroyNotify notify);
guint    henb_idle_add (GSourceFunc func, gpointer data);
guint    henb_idle_add_full (gint priority, GSourceFunc func, gpointer data, GDestroyNotify notify);
/* Attaches @source to the thread's context; returns its id (the caller keeps its reference). */
guint    henb_source_attach (GSource *source);
/* g_source_remove() for the sources above: the id is looked up in the thread's context, so
 * it must be called in the thread that added the source (ids are per context). */
gboolean henb_source_remove (guint id);

G_END_DECLS
