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
    /* S1's source address: the tunnel's inner address when @ipsec, else NULL (the route's) */
    gchar   *local_address;
    /* the cell (CellConfig.LTE, or the factory values until a HeMS set them) */
    guint32  cell_identity; /* 28 bits: the home eNB ID */
    guint    tac;
    GStrv    plmns;         /* broadcast PLMNs (MCC and MNC digits), the primary first */
} HenbS1Request;

HenbS1Request *henb_s1_request_copy (const HenbS1Request *request);
void           henb_s1_request_free (HenbS1Request *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbS1Request, henb_s1_request_free)

/* The S1 link as a backend that runs S1 itself sees it. */
typedef enum {
    HENB_S1_LINK_NONE,        /* no S1 Setup asked for, or a backend that only hands off */
    HENB_S1_LINK_SETTING_UP,  /* association and S1 Setup under way */
    HENB_S1_LINK_UP,          /* S1SetupResponse received */
    HENB_S1_LINK_LOST,        /* it was up, and is being set up again */
} HenbS1LinkState;

typedef struct {
    HenbS1LinkState state;
    gchar          *far_end;           /* "address:port" of the link that is up; NULL otherwise */
    gchar          *mme_name;          /* NULL: the MME sent none */
    GStrv           gummeis;           /* served GUMMEIs, "MCCMNC:group:code" */
    guint           relative_capacity;
    gchar          *detail;            /* why the last attempt failed or the link was lost */
    guint           time_to_wait;      /* the last S1SetupFailure's TimeToWait, seconds; 0: none */
} HenbS1Status;

/*
 * Implemented by S1 hand-off plugins: they start S1 Setup in the S1AP stack, which is not
 * part of henbd. An implementation without a local way to do so emits "setup-requested",
 * which henbd relays on the bus (org.henbd.HeNB1.Serving.S1SetupRequested). A backend that
 * runs S1 itself (s1-sctp) completes start_async on S1SetupResponse, keeps the link up after
 * it, and reports the link with get_status and "status-changed".
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
    /* optional: the link of a backend that runs S1 itself; NULL for a hand-off */
    const HenbS1Status *(*get_status) (HenbS1Handoff *self);
};

void     henb_s1_handoff_start_async (HenbS1Handoff       *self,
                                      const HenbS1Request *request,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean henb_s1_handoff_start_finish (HenbS1Handoff *self, GAsyncResult *result, GError **error);
void     henb_s1_handoff_emit_setup_requested (HenbS1Handoff *self, const HenbS1Request *request);
/* NULL when the backend hands S1 off; "status-changed" says when it changed */
const HenbS1Status *henb_s1_handoff_get_status (HenbS1Handoff *self);
void     henb_s1_handoff_emit_status_changed (HenbS1Handoff *self);

G_END_DECLS
