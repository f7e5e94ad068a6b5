/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-radio-backend.h"

G_DEFINE_INTERFACE (HenbRadioBackend, henb_radio_backend, G_TYPE_OBJECT)

static void
henb_radio_backend_default_init (HenbRadioBackendInterface *iface)
{
}

void
henb_radio_backend_apply_configuration (HenbRadioBackend *self,
                                        const gchar      *parameter_key,
                                        GHashTable       *configuration)
{
    g_return_if_fail (HENB_IS_RADIO_BACKEND (self));
    g_return_if_fail (parameter_key != NULL && configuration != NULL);
    HENB_RADIO_BACKEND_GET_IFACE (self)->apply_configuration (self, parameter_key, configuration);
}

void
henb_radio_backend_admin_state_changed (HenbRadioBackend *self, gboolean admin_state)
{
    g_return_if_fail (HENB_IS_RADIO_BACKEND (self));
    HENB_RADIO_BACKEND_GET_IFACE (self)->admin_state_changed (self, admin_state);
}
