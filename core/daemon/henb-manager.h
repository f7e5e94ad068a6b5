/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

#include "henb-config.h"
#include "henb-enums.h"

G_BEGIN_DECLS

typedef struct {
    const gchar *state_dir;
    const gchar *plugin_dir;
    const gchar *trace_dir;  /* overrides [Daemon] TraceDir */
    /* load only these plugins (names as in HENB_PLUGIN_DEFINE); NULL: every one of plugin_dir */
    const gchar *const *plugin_names;
    /* state writes without fsync (henb_store_set_durable): henb-fleet's simulated HeNBs */
    gboolean     state_not_durable;
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
/* State and StateFailedReason as on the bus ("state-changed" (old, new) follows them). */
HenbState    henb_manager_get_state (HenbManager *self, HenbStateFailedReason *failed_reason);
/* LastError's D-Bus error name ("" when none) and, in @message, its text. */
gchar       *henb_manager_dup_last_error (HenbManager *self, gchar **message);

G_END_DECLS
