/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Implemented by radio backend plugins ([Radio] Backend): they hand the cell configuration to
 * an eNB software that does not use org.henbd.HeNB1.Radio itself. henbd works without one.
 * Both calls return at once; a backend that fails logs it and keeps going: the bus has the
 * configuration anyway.
 */
#define HENB_TYPE_RADIO_BACKEND (henb_radio_backend_get_type ())
G_DECLARE_INTERFACE (HenbRadioBackend, henb_radio_backend, HENB, RADIO_BACKEND, GObject)

struct _HenbRadioBackendInterface {
    GTypeInterface g_iface;

    /* The whole cell configuration (full parameter name -> TR-069 string value), applied by
     * the HeMS session with @parameter_key ("" for the factory configuration). Also called at
     * start-up with what is stored. */
    void (*apply_configuration) (HenbRadioBackend *self,
                                 const gchar      *parameter_key,
                                 GHashTable       *configuration);
    /* FAPControl.LTE.AdminState changed: at once, not at the end of the session. */
    void (*admin_state_changed) (HenbRadioBackend *self, gboolean admin_state);
};

void henb_radio_backend_apply_configuration (HenbRadioBackend *self,
                                             const gchar      *parameter_key,
                                             GHashTable       *configuration);
void henb_radio_backend_admin_state_changed (HenbRadioBackend *self, gboolean admin_state);

G_END_DECLS
