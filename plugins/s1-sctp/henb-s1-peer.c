/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-main-context.h"
#include "henb-s1-peer.h"
#include "henb-sctp-kernel.h"
#include "henb-sctp-usrsctp.h"

struct _HenbS1Peer {
    GObject               parent_instance;
    HenbS1TransportConfig transport;
    gchar                *address;
    guint                 port;
    gchar                *local_address;
    gchar                *far_end;
    HenbSctpLink         *link;
    GBytes               *setup_request;
    guint                 timer;     /* the answer to S1 Setup is due */
    HenbS1apSetupResponse *response;
    gboolean              dead;
};

G_DEFINE_FINAL_TYPE (HenbS1Peer, henb_s1_peer, G_TYPE_OBJECT)

enum { SIGNAL_UP, SIGNAL_FAILED, SIGNAL_LOST, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
release_link (HenbS1Peer *self)
{
    g_clear_handle_id (&self->timer, henb_source_remove);
    if (self->link != NULL) {
        g_signal_handlers_disconnect_by_data (self->link, self);
        henb_sctp_link_close (self->link);
        g_clear_object (&self->link);
    }
}

/* ends the peer with "failed" or, once up, "lost" */
static void
end (HenbS1Peer *self, const gchar *why, guint time_to_wait)
{
    g_autoptr(HenbS1Peer) hold = g_object_ref (self);
    gboolean was_up = self->response != NULL;

    if (self->dead)
        return;
    self->dead = TRUE;
    release_link (self);
    if (was_up)
        g_signal_emit (self, signals[SIGNAL_LOST], 0, why);
    else
        g_signal_emit (self, signals[SIGNAL_FAILED], 0, why, time_to_wait);
}

static gboolean
answer_overdue (gpointer user_data)
{
    HenbS1Peer *self = user_data;
    g_autofree gchar *why = g_strdup_printf ("%s: no S1 Setup answer within %u s", self->far_end,
                                             self->transport.response_timeout);

    self->timer = 0;
    end (self, why, 0);
    return G_SOURCE_REMOVE;
}

static void
on_established (HenbSctpLink *link, HenbS1Peer *self)
{
    g_autoptr(GError) error = NULL;

    g_message ("S1: SCTP association with %s up, sending S1SetupRequest", self->far_end);
    if (!henb_sctp_link_send (link, self->setup_request, 0, HENB_S1AP_SCTP_PPID, &error)) {
        g_autofree gchar *why = g_strdup_printf ("%s: %s", self->far_end, error->message);

        end (self, why, 0);
    }
}

static void
on_message (HenbSctpLink *link, GBytes *message, guint stream, guint ppid, HenbS1Peer *self)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbS1apPdu) pdu = NULL;
    gsize len;
    const guint8 *data = g_bytes_get_data (message, &len);

    if (ppid != HENB_S1AP_SCTP_PPID) {
        g_message ("S1: %s sent %zu bytes with PPID %u, not S1AP (%u): ignored", self->far_end, len, ppid,
                   HENB_S1AP_SCTP_PPID);
        return;
    }
    pdu = henb_s1ap_decode (data, len, &error);
    if (pdu == NULL) {
        /* an MME that answers garbage is as good as one that does not answer: the timer decides */
        g_warning ("S1: %s sent an S1AP message henbd cannot decode (%zu bytes): %s", self->far_end, len,
                   error->message);
        return;
    }
    switch (pdu->kind) {
    case HENB_S1AP_PDU_SETUP_RESPONSE:
        if (self->response != NULL) {
            g_message ("S1: %s sent another S1SetupResponse: ignored", self->far_end);
            return;
        }
        g_clear_handle_id (&self->timer, henb_source_remove);
        self->response = g_steal_pointer (&pdu->setup_response);
        g_message ("S1: S1SetupResponse from %s: MME %s, relative capacity %u", self->far_end,
                   self->response->mme_name != NULL ? self->response->mme_name : "(no name)",
                   self->response->relative_capacity);
        g_signal_emit (self, signals[SIGNAL_UP], 0);
        return;
    case HENB_S1AP_PDU_SETUP_FAILURE: {
        g_autofree gchar *cause = henb_s1ap_cause_to_string (pdu->setup_failure->cause_group,
                                                             pdu->setup_failure->cause_value);
        g_autofree gchar *why = NULL;

        if (self->response != NULL) {
            g_message ("S1: %s sent S1SetupFailure after S1SetupResponse: ignored", self->far_end);
            return;
        }
        why = pdu->setup_failure->time_to_wait_s != 0
            ? g_strdup_printf ("%s answered S1SetupFailure, cause %s, TimeToWait %u s", self->far_end, cause,
                               pdu->setup_failure->time_to_wait_s)
            : g_strdup_printf ("%s answered S1SetupFailure, cause %s", self->far_end, cause);
        end (self, why, pdu->setup_failure->time_to_wait_s);
        return;
    }
    default:
        g_message ("S1: %s sent %s (procedure %u%s%s): not handled, ignored", self->far_end,
                   pdu->type == HENB_S1AP_MESSAGE_INITIATING ? "an initiating message"
                   : pdu->type == HENB_S1AP_MESSAGE_SUCCESSFUL ? "a successful outcome" : "an unsuccessful outcome",
                   pdu->procedure_code, pdu->procedure_name != NULL ? ", " : "",
                   pdu->procedure_name != NULL ? pdu->procedure_name : "");
        return;
    }
}

static void
on_closed (HenbSctpLink *link, const gchar *why, HenbS1Peer *self)
{
    g_autofree gchar *detail = g_strdup_printf ("%s: %s", self->far_end, why);

    end (self, detail, 0);
}

static HenbSctpLink *
new_link (HenbS1Peer *self, GError **error)
{
    g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (self->address);

    if (inet == NULL) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "not an IP address: %s", self->address);
        return NULL;
    }
    switch (self->transport.kind) {
    case HENB_S1_TRANSPORT_KERNEL:
        return henb_sctp_kernel_new (g_inet_address_get_family (inet), error);
    case HENB_S1_TRANSPORT_USRSCTP:
    default:
        return henb_sctp_usrsctp_new (self->transport.local_udp_port, self->transport.remote_udp_port, error);
    }
}

gboolean
henb_s1_peer_start (HenbS1Peer *self, GBytes *setup_request, GError **error)
{
    g_return_val_if_fail (self->link == NULL && !self->dead, FALSE);
    self->setup_request = g_bytes_ref (setup_request);
    self->link = new_link (self, error);
    if (self->link == NULL)
        return FALSE;
    henb_sctp_link_set_heartbeat (self->link, self->transport.heartbeat);
    g_signal_connect (self->link, "established", G_CALLBACK (on_established), self);
    g_signal_connect (self->link, "message", G_CALLBACK (on_message), self);
    g_signal_connect (self->link, "closed", G_CALLBACK (on_closed), self);
    if (!henb_sctp_link_connect (self->link, self->local_address, self->address, self->port, error)) {
        release_link (self);
        return FALSE;
    }
    self->timer = henb_timeout_add_seconds (self->transport.response_timeout, answer_overdue, self);
    return TRUE;
}

void
henb_s1_peer_stop (HenbS1Peer *self)
{
    self->dead = TRUE;
    release_link (self);
}

const gchar *
henb_s1_peer_get_far_end (HenbS1Peer *self)
{
    return self->far_end;
}

const HenbS1apSetupResponse *
henb_s1_peer_get_response (HenbS1Peer *self)
{
    return self->response;
}

gboolean
henb_s1_peer_is_up (HenbS1Peer *self)
{
    return self->response != NULL && !self->dead;
}

static void
henb_s1_peer_dispose (GObject *object)
{
    HenbS1Peer *self = HENB_S1_PEER (object);

    self->dead = TRUE;
    release_link (self);
    G_OBJECT_CLASS (henb_s1_peer_parent_class)->dispose (object);
}

static void
henb_s1_peer_finalize (GObject *object)
{
    HenbS1Peer *self = HENB_S1_PEER (object);

    g_free (self->address);
    g_free (self->local_address);
    g_free (self->far_end);
    g_clear_pointer (&self->setup_request, g_bytes_unref);
    g_clear_pointer (&self->response, henb_s1ap_setup_response_free);
    G_OBJECT_CLASS (henb_s1_peer_parent_class)->finalize (object);
}

static void
henb_s1_peer_class_init (HenbS1PeerClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS (klass);

    object_class->dispose = henb_s1_peer_dispose;
    object_class->finalize = henb_s1_peer_finalize;
    signals[SIGNAL_UP] = g_signal_new ("up", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                       NULL, G_TYPE_NONE, 0);
    signals[SIGNAL_FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                           NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);
    signals[SIGNAL_LOST] = g_signal_new ("lost", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                         NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
henb_s1_peer_init (HenbS1Peer *self)
{
}

HenbS1Peer *
henb_s1_peer_new (const HenbS1TransportConfig *transport, const gchar *address, guint port,
                  const gchar *local_address)
{
    HenbS1Peer *self = g_object_new (HENB_TYPE_S1_PEER, NULL);

    self->transport = *transport;
    self->address = g_strdup (address);
    self->port = port;
    self->local_address = g_strdup (local_address);
    self->far_end = strchr (address, ':') != NULL ? g_strdup_printf ("[%s]:%u", address, port)
                                                  : g_strdup_printf ("%s:%u", address, port);
    return self;
}
