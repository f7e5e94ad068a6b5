/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-s1.h"

void
henb_s1_request_free (HenbS1Request *request)
{
    if (request == NULL)
        return;
    g_strfreev (request->addresses);
    g_free (request->mode);
    g_free (request);
}

G_DEFINE_INTERFACE (HenbS1Handoff, henb_s1_handoff, G_TYPE_OBJECT)

static void
henb_s1_handoff_default_init (HenbS1HandoffInterface *iface)
{
    /**
     * HenbS1Handoff::setup-requested:
     * @addresses: (array zero-terminated=1): S1 far-end addresses
     * @port: SCTP port
     * @mode: "One" or "All"
     * @ipsec: S1 through the tunnel
     */
    g_signal_new ("setup-requested", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 4, G_TYPE_STRV, G_TYPE_UINT, G_TYPE_STRING,
                  G_TYPE_BOOLEAN);
}

void
henb_s1_handoff_start_async (HenbS1Handoff       *self,
                             const HenbS1Request *request,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
    g_return_if_fail (HENB_IS_S1_HANDOFF (self));
    HENB_S1_HANDOFF_GET_IFACE (self)->start_async (self, request, cancellable, callback, user_data);
}

gboolean
henb_s1_handoff_start_finish (HenbS1Handoff *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail (HENB_IS_S1_HANDOFF (self), FALSE);
    return HENB_S1_HANDOFF_GET_IFACE (self)->start_finish (self, result, error);
}

void
henb_s1_handoff_emit_setup_requested (HenbS1Handoff *self, const HenbS1Request *request)
{
    g_signal_emit_by_name (self, "setup-requested", request->addresses, request->port,
                           request->mode, request->ipsec);
}
