/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-s1.h"

HenbS1Request *
henb_s1_request_copy (const HenbS1Request *request)
{
    HenbS1Request *copy = g_new0 (HenbS1Request, 1);

    copy->addresses = g_strdupv (request->addresses);
    copy->port = request->port;
    copy->mode = g_strdup (request->mode);
    copy->ipsec = request->ipsec;
    copy->local_address = g_strdup (request->local_address);
    copy->cell_identity = request->cell_identity;
    copy->tac = request->tac;
    copy->plmns = g_strdupv (request->plmns);
    return copy;
}

void
henb_s1_request_free (HenbS1Request *request)
{
    if (request == NULL)
        return;
    g_strfreev (request->addresses);
    g_free (request->mode);
    g_free (request->local_address);
    g_strfreev (request->plmns);
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
    /**
     * HenbS1Handoff::status-changed:
     *
     * The link henb_s1_handoff_get_status() describes changed.
     */
    g_signal_new ("status-changed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
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

const HenbS1Status *
henb_s1_handoff_get_status (HenbS1Handoff *self)
{
    HenbS1HandoffInterface *iface;

    g_return_val_if_fail (HENB_IS_S1_HANDOFF (self), NULL);
    iface = HENB_S1_HANDOFF_GET_IFACE (self);
    return iface->get_status != NULL ? iface->get_status (self) : NULL;
}

void
henb_s1_handoff_emit_status_changed (HenbS1Handoff *self)
{
    g_signal_emit_by_name (self, "status-changed");
}
