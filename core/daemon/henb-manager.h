/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

#include "henb-config.h"

G_BEGIN_DECLS

typedef struct {
    const gchar *state_dir;
    const gchar *plugin_dir;
    const gchar *trace_dir;  /* overrides [Daemon] TraceDir */
} HenbManagerOptions;

/*
 * Owns henbd's state (data model, store, plugins, resolver) and exports it at
 * /org/henbd/HeNB1: State and progress, the serving values, Start/Rediscover/Cancel.
 */
#define HENB_TYPE_MANAGER (henb_manager_get_type ())
G_DECLARE_FINAL_TYPE (HenbManager, henb_manager, HENB, MANAGER, GObject)

HenbManager *henb_manager_new (HenbConfig *config, const HenbManagerOptions *options, GError **error);
gboolean     henb_manager_export (HenbManager *self, GDBusConnection *connection, GError **error);
/* Starts the procedure as at power-up (unless the configuration says to wait for Start). */
void         henb_manager_power_up (HenbManager *self);
void         henb_manager_shutdown_async (HenbManager *self, GAsyncReadyCallback callback, gpointer user_data);
gboolean     henb_manager_shutdown_finish (HenbManager *self, GAsyncResult *result, GError **error);

G_END_DECLS
