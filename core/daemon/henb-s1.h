/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What S1 Setup needs from the bootstrap (TR-196 FAPControl.LTE.Gateway). */
typedef struct {
    GStrv    addresses;  /* MME / HeNB-GW IP addresses, names already resolved */
    guint    port;
    gchar   *mode;       /* "One" or "All" */
    gboolean ipsec;      /* S1 through the IPsec tunnel */
} HenbS1Request;

void henb_s1_request_free (HenbS1Request *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbS1Request, henb_s1_request_free)

/*
 * Implemented by S1 hand-off plugins: they start S1 Setup in the S1AP stack, which is not
 * part of henbd. An implementation without a local way to do so emits "setup-requested",
 * which henbd relays on the bus (org.henbd.HeNB1.Serving.S1SetupRequested).
 */
#define HENB_TYPE_S1_HANDOFF (henb_s1_handoff_get_type ())
G_DECLARE_INTERFACE (HenbS1Handoff, henb_s1_handoff, HENB, S1_HANDOFF, GObject)

struct _HenbS1HandoffInterface {
    GTypeInterface g_iface;

    void     (*start_async) (HenbS1Handoff       *self,
                             const HenbS1Request *request,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data);
    gboolean (*start_finish) (HenbS1Handoff *self, GAsyncResult *result, GError **error);
};

void     henb_s1_handoff_start_async (HenbS1Handoff       *self,
                                      const HenbS1Request *request,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean henb_s1_handoff_start_finish (HenbS1Handoff *self, GAsyncResult *result, GError **error);
void     henb_s1_handoff_emit_setup_requested (HenbS1Handoff *self, const HenbS1Request *request);

G_END_DECLS
