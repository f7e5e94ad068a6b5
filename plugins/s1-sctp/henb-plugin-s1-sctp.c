/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * s1-sctp: henbd runs S1 Setup itself (TS 36.413 8.7.3) over SCTP to the S1 far ends, the
 * kernel's or usrsctp's over UDP ([S1] Transport). start_async completes on the first
 * S1SetupResponse (mode One: the first far end that accepts, in list order; All: once every
 * far end has answered, at least one accepting). After that a lost link, or a far end that
 * failed in mode All, is set up again with backoff, and the status says so.
 */
#include "config.h"

#include "henb-errors.h"
#include "henb-main-context.h"
#include "henb-plugin.h"
#include "henb-retry.h"
#include "henb-s1.h"
#include "henb-s1-peer.h"

#define HENB_TYPE_S1_SCTP (henb_s1_sctp_get_type ())
G_DECLARE_FINAL_TYPE (HenbS1Sctp, henb_s1_sctp, HENB, S1_SCTP, HenbPlugin)

typedef struct {
    HenbS1Sctp *owner;
    guint       index;        /* mode All: the address; One: the next address to try */
    HenbS1Peer *peer;         /* NULL between attempts */
    guint       failures;     /* in a row, for the backoff */
    guint       retry_timer;
    gboolean    settled;      /* answered (or failed) during start_async */
    gchar      *start_error;  /* the transport could not even start: reported from the main loop */
} Slot;

struct _HenbS1Sctp {
    HenbPlugin            parent_instance;
    /* [S1] */
    HenbS1TransportConfig transport;
    gchar                *enb_name;
    guint                 paging_drx;
    guint                 retry_min_wait;
    guint                 retry_multiplier;

    HenbS1Request        *request;
    GBytes               *setup_request;
    gboolean              mode_all;
    GPtrArray            *slots;   /* of Slot: All one per address, One a single one */
    GTask                *pending; /* start_async until S1 is up */
    GSource              *cancel_source;
    GError               *last_error;
    guint                 last_time_to_wait;
    HenbS1Status          status;
};

static void henb_s1_sctp_handoff_init (HenbS1HandoffInterface *iface);

G_DEFINE_TYPE_WITH_CODE (HenbS1Sctp, henb_s1_sctp, HENB_TYPE_PLUGIN,
                         G_IMPLEMENT_INTERFACE (HENB_TYPE_S1_HANDOFF, henb_s1_sctp_handoff_init))

static void slot_attempt (Slot *slot);

static void
slot_free (Slot *slot)
{
    g_clear_handle_id (&slot->retry_timer, henb_source_remove);
    if (slot->peer != NULL) {
        g_signal_handlers_disconnect_by_data (slot->peer, slot);
        henb_s1_peer_stop (slot->peer);
        g_clear_object (&slot->peer);
    }
    g_free (slot->start_error);
    g_free (slot);
}

/* ------------------------------------------------------------------------------------------ */
/* status */

static void
gummeis_of (const HenbS1apSetupResponse *resp, GStrvBuilder *out)
{
    for (guint i = 0; resp->served_gummeis != NULL && i < resp->served_gummeis->len; i++) {
        const HenbS1apServedGummei *g = resp->served_gummeis->pdata[i];

        for (guint p = 0; g->served_plmns != NULL && g->served_plmns[p] != NULL; p++)
            for (guint gi = 0; g->served_group_ids != NULL && gi < g->served_group_ids->len; gi++)
                for (guint c = 0; g->served_mmecs != NULL && c < g->served_mmecs->len; c++) {
                    g_autofree gchar *s = g_strdup_printf ("%s:%u:%u", g->served_plmns[p],
                                                           g_array_index (g->served_group_ids, guint16, gi),
                                                           g_array_index (g->served_mmecs, guint8, c));
                    g_strv_builder_add (out, s);
                }
    }
}

static void
status_clear_link (HenbS1Status *st)
{
    g_clear_pointer (&st->far_end, g_free);
    g_clear_pointer (&st->mme_name, g_free);
    g_clear_pointer (&st->gummeis, g_strfreev);
    st->relative_capacity = 0;
}

/* The link is up while one far end is; the first in list order speaks for it. */
static void
update_status (HenbS1Sctp *self, HenbS1LinkState when_down, const gchar *detail)
{
    HenbS1Status *st = &self->status;
    HenbS1Peer *up = NULL;

    for (guint i = 0; self->slots != NULL && i < self->slots->len && up == NULL; i++) {
        Slot *slot = self->slots->pdata[i];

        if (slot->peer != NULL && henb_s1_peer_is_up (slot->peer))
            up = slot->peer;
    }
    status_clear_link (st);
    if (detail != NULL) {
        g_free (st->detail);
        st->detail = g_strdup (detail);
    }
    if (up != NULL) {
        const HenbS1apSetupResponse *resp = henb_s1_peer_get_response (up);
        g_autoptr(GStrvBuilder) gummeis = g_strv_builder_new ();

        st->state = HENB_S1_LINK_UP;
        /* up: nothing failed any more */
        g_clear_pointer (&st->detail, g_free);
        st->far_end = g_strdup (henb_s1_peer_get_far_end (up));
        st->mme_name = g_strdup (resp->mme_name);
        gummeis_of (resp, gummeis);
        st->gummeis = g_strv_builder_end (gummeis);
        st->relative_capacity = resp->relative_capacity;
    } else {
        st->state = when_down;
    }
    st->time_to_wait = self->last_time_to_wait;
    henb_s1_handoff_emit_status_changed (HENB_S1_HANDOFF (self));
}

/* ------------------------------------------------------------------------------------------ */
/* the pending start_async */

static void
finish_pending (HenbS1Sctp *self, GError *error)
{
    g_autoptr(GTask) task = g_steal_pointer (&self->pending);

    if (self->cancel_source != NULL) {
        g_source_destroy (self->cancel_source);
        g_clear_pointer (&self->cancel_source, g_source_unref);
    }
    if (task == NULL) {
        g_clear_error (&error);
        return;
    }
    if (error != NULL)
        g_task_return_error (task, error);
    else
        g_task_return_boolean (task, TRUE);
}

/* mode All: done once every far end has answered */
static void
check_all_settled (HenbS1Sctp *self)
{
    gboolean any_up = FALSE;

    for (guint i = 0; i < self->slots->len; i++) {
        Slot *slot = self->slots->pdata[i];

        if (!slot->settled)
            return;
        any_up |= slot->peer != NULL && henb_s1_peer_is_up (slot->peer);
    }
    if (any_up) {
        finish_pending (self, NULL);
        return;
    }
    /* the step fails: nothing goes on trying behind the procedure's back */
    for (guint i = 0; i < self->slots->len; i++)
        g_clear_handle_id (&((Slot *) self->slots->pdata[i])->retry_timer, henb_source_remove);
    update_status (self, HENB_S1_LINK_NONE, self->last_error->message);
    finish_pending (self, g_error_copy (self->last_error));
}

/* ------------------------------------------------------------------------------------------ */
/* far ends */

static gboolean
retry_due (gpointer user_data)
{
    Slot *slot = user_data;

    slot->retry_timer = 0;
    slot_attempt (slot);
    return G_SOURCE_REMOVE;
}

/* After S1 was up once (or a far end of mode All failed): again, with backoff, never before the
 * far end's TimeToWait. */
static void
plan_retry (Slot *slot, guint time_to_wait)
{
    HenbS1Sctp *self = slot->owner;
    guint64 wait_ms = henb_retry_wait_ms (MAX (slot->failures, 1), self->retry_min_wait, self->retry_multiplier, NULL);

    wait_ms = MAX (wait_ms, (guint64) time_to_wait * 1000);
    g_message ("S1: next attempt in %.1f s", wait_ms / 1000.0);
    g_clear_handle_id (&slot->retry_timer, henb_source_remove);
    slot->retry_timer = henb_timeout_add_deadline (g_get_monotonic_time () + (gint64) wait_ms * 1000, retry_due, slot);
}

static void
on_peer_up (HenbS1Peer *peer, Slot *slot)
{
    HenbS1Sctp *self = slot->owner;

    slot->failures = 0;
    slot->settled = TRUE;
    self->last_time_to_wait = 0;
    update_status (self, HENB_S1_LINK_SETTING_UP, NULL);
    if (self->pending == NULL)
        return;
    if (self->mode_all)
        check_all_settled (self);
    else
        finish_pending (self, NULL);
}

static void
peer_ended (Slot *slot, const gchar *why, guint time_to_wait, gboolean lost)
{
    HenbS1Sctp *self = slot->owner;

    g_warning ("S1: %s", why);
    if (slot->peer != NULL) {
        g_signal_handlers_disconnect_by_data (slot->peer, slot);
        g_clear_object (&slot->peer);
    }
    if (slot->failures < G_MAXUINT)
        slot->failures++;
    g_clear_error (&self->last_error);
    self->last_error = g_error_new (HENB_PROCEDURE_ERROR, HENB_PROCEDURE_ERROR_S1_SETUP, "S1 Setup: %s", why);
    if (time_to_wait > 0)
        self->last_time_to_wait = time_to_wait;

    if (self->pending != NULL) {
        if (!self->mode_all) {
            /* One: the next far end in the list; past the last, the step fails */
            if (self->request->addresses[slot->index] != NULL) {
                slot_attempt (slot);
                return;
            }
            update_status (self, HENB_S1_LINK_NONE, why);
            finish_pending (self, g_error_copy (self->last_error));
            return;
        }
        slot->settled = TRUE;
        update_status (self, HENB_S1_LINK_SETTING_UP, why);
        /* the others are up: this one comes back later */
        plan_retry (slot, time_to_wait);
        check_all_settled (self);
        return;
    }
    /* after registration */
    update_status (self, HENB_S1_LINK_LOST, why);
    if (!self->mode_all && self->request->addresses[slot->index] == NULL)
        slot->index = 0;
    if (!self->mode_all && lost) {
        /* the list from the start, right away: another far end may answer */
        slot->index = 0;
    }
    plan_retry (slot, time_to_wait);
}

static void
on_peer_failed (HenbS1Peer *peer, const gchar *why, guint time_to_wait, Slot *slot)
{
    peer_ended (slot, why, time_to_wait, FALSE);
}

static void
on_peer_lost (HenbS1Peer *peer, const gchar *why, Slot *slot)
{
    g_autofree gchar *detail = g_strdup_printf ("S1 link lost: %s", why);

    peer_ended (slot, detail, 0, TRUE);
}

static gboolean
fail_later (gpointer user_data)
{
    Slot *slot = user_data;
    g_autofree gchar *why = g_steal_pointer (&slot->start_error);

    slot->retry_timer = 0;
    peer_ended (slot, why, 0, FALSE);
    return G_SOURCE_REMOVE;
}

static void
slot_attempt (Slot *slot)
{
    HenbS1Sctp *self = slot->owner;
    const gchar *address = self->request->addresses[slot->index];
    g_autoptr(GError) error = NULL;

    if (!self->mode_all)
        slot->index++;
    slot->settled = FALSE;
    slot->peer = henb_s1_peer_new (&self->transport, address, self->request->port, self->request->local_address);
    g_signal_connect (slot->peer, "up", G_CALLBACK (on_peer_up), slot);
    g_signal_connect (slot->peer, "failed", G_CALLBACK (on_peer_failed), slot);
    g_signal_connect (slot->peer, "lost", G_CALLBACK (on_peer_lost), slot);
    g_message ("S1: S1 Setup with %s", henb_s1_peer_get_far_end (slot->peer));
    if (!henb_s1_peer_start (slot->peer, self->setup_request, &error)) {
        /* from the main loop: the caller may be iterating the slots */
        g_free (slot->start_error);
        slot->start_error = g_strdup_printf ("%s: %s", henb_s1_peer_get_far_end (slot->peer), error->message);
        slot->retry_timer = henb_idle_add (fail_later, slot);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* HenbS1Handoff */

static GBytes *
encode_setup_request (HenbS1Sctp *self, const HenbS1Request *request, GError **error)
{
    g_autoptr(HenbS1apSetupRequest) req = henb_s1ap_setup_request_new ();
    g_autoptr(GError) error_local = NULL;
    GBytes *bytes;

    if (request->plmns == NULL || request->plmns[0] == NULL) {
        g_set_error_literal (error, HENB_PROCEDURE_ERROR, HENB_PROCEDURE_ERROR_S1_SETUP,
                             "S1 Setup: no broadcast PLMN (no enabled CellConfig.LTE.EPC.PLMNList entry "
                             "and no factory [S1] PLMN)");
        return NULL;
    }
    req->plmn = g_strdup (request->plmns[0]);
    req->enb_id = request->cell_identity & 0x0fffffff;
    req->home = TRUE;
    req->enb_name = g_strdup (self->enb_name);
    req->paging_drx = self->paging_drx;
    henb_s1ap_setup_request_add_ta (req, (guint16) request->tac, (const gchar *const *) request->plmns);
    bytes = henb_s1ap_encode_setup_request (req, &error_local);
    if (bytes == NULL)
        g_set_error (error, HENB_PROCEDURE_ERROR, HENB_PROCEDURE_ERROR_S1_SETUP,
                     "S1 Setup: cannot encode S1SetupRequest: %s", error_local->message);
    return bytes;
}

static void
stop_all (HenbS1Sctp *self)
{
    g_clear_pointer (&self->slots, g_ptr_array_unref);
}

static gboolean
start_cancelled (GCancellable *cancellable, gpointer user_data)
{
    HenbS1Sctp *self = user_data;

    stop_all (self);
    update_status (self, HENB_S1_LINK_NONE, "S1 Setup cancelled");
    finish_pending (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "S1 Setup cancelled"));
    return G_SOURCE_REMOVE;
}

static void
start_async (HenbS1Handoff *handoff, const HenbS1Request *request, GCancellable *cancellable,
             GAsyncReadyCallback callback, gpointer user_data)
{
    HenbS1Sctp *self = HENB_S1_SCTP (handoff);
    g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
    GError *error = NULL;
    GBytes *bytes;

    /* a new S1 Setup replaces whatever ran before (new far ends, a new tunnel) */
    stop_all (self);
    finish_pending (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "S1 Setup started again"));
    g_clear_error (&self->last_error);
    self->last_time_to_wait = 0;

    bytes = encode_setup_request (self, request, &error);
    if (bytes == NULL) {
        update_status (self, HENB_S1_LINK_NONE, error->message);
        g_task_return_error (task, error);
        return;
    }
    if (request->addresses == NULL || request->addresses[0] == NULL) {
        update_status (self, HENB_S1_LINK_NONE, "no S1 far end");
        g_task_return_new_error (task, HENB_PROCEDURE_ERROR, HENB_PROCEDURE_ERROR_NO_S1_ADDRESS,
                                 "S1 Setup: no S1 far end");
        g_bytes_unref (bytes);
        return;
    }
    g_clear_pointer (&self->setup_request, g_bytes_unref);
    self->setup_request = bytes;
    henb_s1_request_free (self->request);
    self->request = henb_s1_request_copy (request);
    self->mode_all = g_strcmp0 (request->mode, "All") == 0;
    self->pending = g_steal_pointer (&task);
    if (cancellable != NULL) {
        self->cancel_source = g_cancellable_source_new (cancellable);
        g_source_set_callback (self->cancel_source, (GSourceFunc) (GCallback) start_cancelled, self, NULL);
        g_source_attach (self->cancel_source, g_main_context_get_thread_default ());
    }

    self->slots = g_ptr_array_new_with_free_func ((GDestroyNotify) slot_free);
    for (guint i = 0; request->addresses[i] != NULL && (self->mode_all || i == 0); i++) {
        Slot *slot = g_new0 (Slot, 1);

        slot->owner = self;
        slot->index = i;
        g_ptr_array_add (self->slots, slot);
    }
    update_status (self, HENB_S1_LINK_SETTING_UP, NULL);
    for (guint i = 0; i < self->slots->len; i++)
        slot_attempt (self->slots->pdata[i]);
}

static gboolean
start_finish (HenbS1Handoff *handoff, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean (G_TASK (result), error);
}

static const HenbS1Status *
get_status (HenbS1Handoff *handoff)
{
    return &HENB_S1_SCTP (handoff)->status;
}

static void
henb_s1_sctp_handoff_init (HenbS1HandoffInterface *iface)
{
    iface->start_async = start_async;
    iface->start_finish = start_finish;
    iface->get_status = get_status;
}

/* ------------------------------------------------------------------------------------------ */
/* [S1] */

static gboolean
get_number (GKeyFile *config, const gchar *key, guint64 def, guint64 min, guint64 max, guint64 *out,
            GError **error)
{
    g_autofree gchar *v = g_key_file_get_string (config, "S1", key, NULL);

    if (v == NULL || g_strstrip (v)[0] == '\0') {
        *out = def;
        return TRUE;
    }
    if (!g_ascii_string_to_unsigned (v, 10, min, max, out, NULL)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                     "[S1] %s '%s' is not a number in [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT "]",
                     key, v, min, max);
        return FALSE;
    }
    return TRUE;
}

static gboolean
configure (HenbPlugin *plugin, GKeyFile *config, GError **error)
{
    HenbS1Sctp *self = HENB_S1_SCTP (plugin);
    g_autofree gchar *transport = g_key_file_get_string (config, "S1", "Transport", NULL);
    g_autofree gchar *name = g_key_file_get_string (config, "S1", "ENBName", NULL);
    guint64 local_port, remote_port, drx, timeout, min_wait, multiplier, heartbeat;

    if (transport == NULL || g_strcmp0 (g_strstrip (transport), "kernel") == 0 || transport[0] == '\0') {
        self->transport.kind = HENB_S1_TRANSPORT_KERNEL;
    } else if (g_strcmp0 (transport, "usrsctp") == 0) {
        self->transport.kind = HENB_S1_TRANSPORT_USRSCTP;
    } else {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                     "[S1] Transport '%s' is not one of kernel, usrsctp", transport);
        return FALSE;
    }
    if (!get_number (config, "UDPEncapsulationPort", 9900, 1, 65535, &local_port, error) ||
        !get_number (config, "UDPEncapsulationRemotePort", 9899, 1, 65535, &remote_port, error) ||
        !get_number (config, "PagingDRX", 128, 32, 256, &drx, error) ||
        !get_number (config, "ResponseTimeout", 10, 1, 600, &timeout, error) ||
        !get_number (config, "HeartbeatInterval", 5, 1, 300, &heartbeat, error) ||
        !get_number (config, "RetryMinimumWait", 5, 1, 65535, &min_wait, error) ||
        !get_number (config, "RetryIntervalMultiplier", 2000, 1000, 65535, &multiplier, error))
        return FALSE;
    if (drx != 32 && drx != 64 && drx != 128 && drx != 256) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                     "[S1] PagingDRX %" G_GUINT64_FORMAT " is not one of 32, 64, 128, 256", drx);
        return FALSE;
    }
    if (self->transport.kind == HENB_S1_TRANSPORT_USRSCTP && local_port == remote_port) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                     "[S1] UDPEncapsulationPort must differ from UDPEncapsulationRemotePort (%" G_GUINT64_FORMAT ")",
                     remote_port);
        return FALSE;
    }
    if (name != NULL && (g_strstrip (name)[0] == '\0' || strlen (name) > 150)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                     "[S1] ENBName must have 1 to 150 characters");
        return FALSE;
    }
    self->transport.local_udp_port = (guint16) local_port;
    self->transport.remote_udp_port = (guint16) remote_port;
    self->transport.response_timeout = (guint) timeout;
    self->transport.heartbeat = (guint) heartbeat;
    self->paging_drx = (guint) drx;
    self->retry_min_wait = (guint) min_wait;
    self->retry_multiplier = (guint) multiplier;
    g_free (self->enb_name);
    self->enb_name = name != NULL ? g_steal_pointer (&name) : g_strdup ("henbd");
    return TRUE;
}

static void
henb_s1_sctp_dispose (GObject *object)
{
    HenbS1Sctp *self = HENB_S1_SCTP (object);

    stop_all (self);
    finish_pending (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "henbd is stopping"));
    G_OBJECT_CLASS (henb_s1_sctp_parent_class)->dispose (object);
}

static void
henb_s1_sctp_finalize (GObject *object)
{
    HenbS1Sctp *self = HENB_S1_SCTP (object);

    g_free (self->enb_name);
    henb_s1_request_free (self->request);
    g_clear_pointer (&self->setup_request, g_bytes_unref);
    g_clear_error (&self->last_error);
    status_clear_link (&self->status);
    g_free (self->status.detail);
    G_OBJECT_CLASS (henb_s1_sctp_parent_class)->finalize (object);
}

static void
henb_s1_sctp_class_init (HenbS1SctpClass *klass)
{
    G_OBJECT_CLASS (klass)->dispose = henb_s1_sctp_dispose;
    G_OBJECT_CLASS (klass)->finalize = henb_s1_sctp_finalize;
    HENB_PLUGIN_CLASS (klass)->configure = configure;
}

static void
henb_s1_sctp_init (HenbS1Sctp *self)
{
    self->enb_name = g_strdup ("henbd");
    self->paging_drx = 128;
    self->retry_min_wait = 5;
    self->retry_multiplier = 2000;
    self->transport.remote_udp_port = 9899;
    self->transport.local_udp_port = 9900;
    self->transport.response_timeout = 10;
    self->transport.heartbeat = 5;
}

HENB_PLUGIN_DEFINE (HENB_TYPE_S1_SCTP, "s1-sctp")
