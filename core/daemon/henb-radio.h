/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

#include "henb-agent.h"
#include "henb-radio-backend.h"

G_BEGIN_DECLS

/*
 * org.henbd.HeNB1.Radio: the cell configuration the HeMS wrote (every HENB_DM_FLAG_CELL_CONFIG
 * parameter), handed to the radio stack as a whole once the HeMS session that changed it has
 * ended, and the status the radio stack reports back (HENB_DM_FLAG_RADIO_STATUS parameters),
 * which the HeMS reads and is notified of.
 */
#define HENB_TYPE_RADIO (henb_radio_get_type ())
G_DECLARE_FINAL_TYPE (HenbRadio, henb_radio, HENB, RADIO, GObject)

/* @backend: the [Radio] Backend plugin, or NULL when the radio stack only uses the bus. */
HenbRadio *henb_radio_new (const HenbServices *services, HenbAgent *agent, HenbRadioBackend *backend);
gboolean   henb_radio_export (HenbRadio *self, GDBusConnection *connection, GError **error);

/* What the radio stack reported for @name (a copy), NULL when it reported nothing. */
gchar     *henb_radio_dup_reported (HenbRadio *self, const gchar *name);
/* A status value henbd computes itself may have changed (OpState before the radio reports). */
void       henb_radio_update_status (HenbRadio *self);
/* A factory reset: the factory configuration is applied at once, with the key "". */
void       henb_radio_factory_reset (HenbRadio *self);

G_END_DECLS
