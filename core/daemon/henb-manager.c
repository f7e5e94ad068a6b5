/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-agent.h"
#include "henb-authority.h"
#include "henb-cr-status.h"
#include "henb-errors.h"
#include "henb-gdbus.h"
#include "henb-ipsec-backend.h"
#include "henb-log.h"
#include "henb-main-context.h"
#include "henb-manager.h"
#include "henb-names.h"
#include "henb-plans.h"
#include "henb-procedure.h"
#include "henb-radio.h"
#include "henb-retry.h"
#include "henb-s1.h"

struct _HenbManager {
    GObject              parent_instance;
    HenbServices         services;
    gint64               start_time;

    HenbGdbusManager    *skel_manager;
    HenbGdbusProcedure  *skel_procedure;
    HenbGdbusServing    *skel_serving;
    HenbGdbusTunnel     *skel_tunnel;
    HenbGdbusManagement *skel_management;
    HenbGdbusConnectionRequest *skel_cr;
    HenbAgent           *agent;
    HenbRadio           *radio;

    HenbProcedure       *procedure;    /* the running one, NULL when idle */
    HenbProcedure       *closing;      /* a dropped one whose tunnel still closes in the background */
    gboolean             s1_run;       /* it hands S1 off again after registration */
    GVariant            *history;      /* CompletedSteps before that run, which it extends */
    HenbTunnel          *tunnel;       /* to the Serving SeGW, kept up once registered */
    gboolean             discover_next; /* the run waiting for a tunnel to close */
    GCancellable        *cancellable;
    HenbState            state;
    /* the reason of the next run's first state change (retry, fallback, ...) */
    HenbStateChangeReason start_reason;
    guint                retry_timer;   /* the next bootstrap attempt after a failure */
    guint                management_idle; /* the Management properties' update, due soon */
    gint64               failing_since; /* monotonic µs of the first failure in a row; 0: none */
    GError              *fallback_why;  /* shown as LastError once the fallback run starts */
    gboolean             shutting_down;
    GTask               *shutdown_task;
    guint                shutdown_closing; /* tunnels still closing at shutdown */
};

static void flush_management (HenbManager *self);

G_DEFINE_TYPE (HenbManager, henb_manager, G_TYPE_OBJECT)

enum { SIGNAL_STATE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const gchar *const serving_parameters[] = {
    HENB_DM_MS_URL, HENB_DM_GW_SECGW1, HENB_DM_GW_SECGW2, HENB_DM_GW_SECGW3, HENB_DM_GW_S1_LIST,
    HENB_DM_GW_S1_MODE, HENB_DM_GW_S1_PORT, HENB_DM_GW_S1_IPSEC, NULL,
};

/* ------------------------------------------------------------------------------------------ */
/* Errors and state */

/* Errors leave henbd in one of its own domains (MM's mm_normalize_error). */
static GError *
normalize_error (const GError *error)
{
    if (error->domain == HENB_CORE_ERROR || error->domain == HENB_NETWORK_ERROR ||
        error->domain == HENB_SECURITY_ERROR || error->domain == HENB_CWMP_ERROR ||
        error->domain == HENB_PROCEDURE_ERROR)
        return g_error_copy (error);
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return g_error_new_literal (HENB_CORE_ERROR, HENB_CORE_ERROR_CANCELLED, error->message);
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        return g_error_new_literal (HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_TIMEOUT, error->message);
    return g_error_new_literal (HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED, error->message);
}

static HenbStateFailedReason
failed_reason_for (const GError *error, const HenbStep *step)
{
    if (error->domain == HENB_NETWORK_ERROR) {
        switch ((HenbNetworkError) error->code) {
        case HENB_NETWORK_ERROR_NAME_NOT_FOUND:
        case HENB_NETWORK_ERROR_DNS_FAILED:
            return HENB_STATE_FAILED_REASON_DNS;
        case HENB_NETWORK_ERROR_TIMEOUT:
        case HENB_NETWORK_ERROR_REFUSED:
        case HENB_NETWORK_ERROR_UNREACHABLE:
        case HENB_NETWORK_ERROR_CONNECTION_LOST:
        default:
            return HENB_STATE_FAILED_REASON_UNREACHABLE;
        }
    }
    /* a tunnel lost under a HeMS session is an IPsec failure, whichever step noticed it */
    if (g_error_matches (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_TUNNEL_DOWN))
        return HENB_STATE_FAILED_REASON_IPSEC;
    if (error->domain == HENB_SECURITY_ERROR)
        return step != NULL ? step->security_reason : HENB_STATE_FAILED_REASON_TLS;
    if (error->domain == HENB_CWMP_ERROR) {
        if (error->code == HENB_CWMP_ERROR_HTTP_STATUS || error->code == HENB_CWMP_ERROR_AUTH_FAILED)
            return HENB_STATE_FAILED_REASON_HTTP;
        return HENB_STATE_FAILED_REASON_HEMS_PROTOCOL;
    }
    if (error->domain == HENB_PROCEDURE_ERROR) {
        switch ((HenbProcedureError) error->code) {
        case HENB_PROCEDURE_ERROR_NO_SERVING_HEMS:
        /* only a Serving HeMS URL gets here (the factory one is checked at start-up): a value
         * a HeMS set, so no usable Serving HeMS, never a configuration dead end */
        case HENB_PROCEDURE_ERROR_INSECURE_URL:
            return HENB_STATE_FAILED_REASON_NO_SERVING_HEMS;
        case HENB_PROCEDURE_ERROR_NO_S1_ADDRESS:
            return HENB_STATE_FAILED_REASON_NO_S1_ADDRESS;
        case HENB_PROCEDURE_ERROR_S1_SETUP:
            return HENB_STATE_FAILED_REASON_S1_SETUP;
        default:
            return HENB_STATE_FAILED_REASON_CONFIGURATION;
        }
    }
    if (error->domain == HENB_CORE_ERROR) {
        switch ((HenbCoreError) error->code) {
        case HENB_CORE_ERROR_TIMEOUT:
            return HENB_STATE_FAILED_REASON_TIMEOUT;
        case HENB_CORE_ERROR_CONFIGURATION:
        case HENB_CORE_ERROR_PLUGIN:
        case HENB_CORE_ERROR_INSECURE:
            return HENB_STATE_FAILED_REASON_CONFIGURATION;
        default:
            return HENB_STATE_FAILED_REASON_UNKNOWN;
        }
    }
    return HENB_STATE_FAILED_REASON_UNKNOWN;
}

static void
set_last_error (HenbManager *self, const GError *error)
{
    g_autofree gchar *name = NULL;

    flush_management (self);
    if (error == NULL) {
        henb_gdbus_manager_set_last_error (self->skel_manager, g_variant_new ("(ss)", "", ""));
        return;
    }
    name = g_dbus_error_encode_gerror (error);
    henb_gdbus_manager_set_last_error (self->skel_manager,
                                       g_variant_new ("(ss)", name, error->message));
}

/* The store says whether its last write failed; its log line is its own (once per error). */
static void
update_state_file_write_error (HenbManager *self)
{
    const GError *error = henb_store_get_write_error (self->services.store);
    g_autofree gchar *name = NULL;

    flush_management (self);
    if (error == NULL) {
        henb_gdbus_manager_set_state_file_write_error (self->skel_manager, g_variant_new ("(ss)", "", ""));
    } else {
        name = g_dbus_error_encode_gerror (error);
        henb_gdbus_manager_set_state_file_write_error (self->skel_manager,
                                                       g_variant_new ("(ss)", name, error->message));
    }
    g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->skel_manager));
}

/* Properties first, then the signal: a client reading State in its handler sees the new one. */
static void
set_state (HenbManager          *self,
           HenbState             state,
           HenbStateFailedReason failed_reason,
           HenbStateChangeReason reason)
{
    HenbState old = self->state;

    if (old == state &&
        henb_gdbus_manager_get_state_failed_reason (self->skel_manager) == (guint) failed_reason)
        return;
    flush_management (self);
    self->state = state;
    henb_gdbus_manager_set_state (self->skel_manager, state);
    henb_gdbus_manager_set_state_failed_reason (self->skel_manager, failed_reason);
    g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->skel_manager));
    /* OpState follows registration until the radio stack reports it */
    if (self->radio != NULL)
        henb_radio_update_status (self->radio);
    henb_gdbus_manager_emit_state_changed (self->skel_manager, old, state, reason);
    g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0, (guint) old, (guint) state);
    if (state == HENB_STATE_FAILED)
        g_message ("state %s -> failed (%s)", henb_state_to_string (old),
                   henb_state_failed_reason_to_string (failed_reason));
    else
        g_message ("state %s -> %s (%s)", henb_state_to_string (old), henb_state_to_string (state),
                   henb_state_change_reason_to_string (reason));
}

/* ------------------------------------------------------------------------------------------ */
/* Serving values on the bus */

static void
update_serving (HenbManager *self)
{
    HenbDataModel *dm = self->services.dm;
    g_autoptr(GStrvBuilder) segws = g_strv_builder_new ();
    g_auto(GStrv) segw_list = NULL;
    g_auto(GStrv) s1 = henb_data_model_get_list (dm, HENB_DM_GW_S1_LIST);
    g_autofree gchar *url = henb_data_model_get (dm, HENB_DM_MS_URL);
    g_autofree gchar *mode = henb_data_model_get (dm, HENB_DM_GW_S1_MODE);
    const gchar *segw_names[] = { HENB_DM_GW_SECGW1, HENB_DM_GW_SECGW2, HENB_DM_GW_SECGW3 };

    flush_management (self);
    for (guint i = 0; i < G_N_ELEMENTS (segw_names); i++) {
        g_autofree gchar *v = henb_data_model_get (dm, segw_names[i]);
        if (v[0] != '\0')
            g_strv_builder_add (segws, v);
    }
    segw_list = g_strv_builder_end (segws);
    henb_gdbus_serving_set_hems_url (self->skel_serving,
                                     henb_data_model_is_set (dm, HENB_DM_MS_URL) ? url : "");
    henb_gdbus_serving_set_security_gateways (self->skel_serving, (const gchar *const *) segw_list);
    henb_gdbus_serving_set_s1_addresses (self->skel_serving, (const gchar *const *) s1);
    henb_gdbus_serving_set_s1_port (self->skel_serving, henb_data_model_get_uint (dm, HENB_DM_GW_S1_PORT));
    henb_gdbus_serving_set_s1_connection_mode (self->skel_serving, mode);
    henb_gdbus_serving_set_s1_ipsec (self->skel_serving, henb_data_model_get_boolean (dm, HENB_DM_GW_S1_IPSEC));
    g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->skel_serving));
}

static const gchar *
s1_link_state_name (HenbS1LinkState state)
{
    switch (state) {
    case HENB_S1_LINK_SETTING_UP: return "setting-up";
    case HENB_S1_LINK_UP:         return "up";
    case HENB_S1_LINK_LOST:       return "lost";
    case HENB_S1_LINK_NONE:
    default:                      return "";
    }
}

/* A backend that runs S1 itself reports its link: on the bus as it changes. */
static void
on_s1_status_changed (HenbS1Handoff *handoff, HenbManager *self)
{
    const HenbS1Status *st = henb_s1_handoff_get_status (handoff);
    const gchar *const none[] = { NULL };

    if (st == NULL)
        return;
    if (g_strcmp0 (henb_gdbus_serving_get_s1_link (self->skel_serving), s1_link_state_name (st->state)) != 0)
        g_message ("S1 link: %s%s%s", st->state == HENB_S1_LINK_NONE ? "none" : s1_link_state_name (st->state),
                   st->state != HENB_S1_LINK_UP && st->detail != NULL ? ": " : "",
                   st->state != HENB_S1_LINK_UP && st->detail != NULL ? st->detail : "");
    henb_gdbus_serving_set_s1_link (self->skel_serving, s1_link_state_name (st->state));
    henb_gdbus_serving_set_s1_link_detail (self->skel_serving, st->detail != NULL ? st->detail : "");
    henb_gdbus_serving_set_s1_far_end (self->skel_serving, st->far_end != NULL ? st->far_end : "");
    henb_gdbus_serving_set_mme_name (self->skel_serving, st->mme_name != NULL ? st->mme_name : "");
    henb_gdbus_serving_set_served_gummeis (self->skel_serving,
                                           st->gummeis != NULL ? (const gchar *const *) st->gummeis : none);
    henb_gdbus_serving_set_mme_relative_capacity (self->skel_serving, st->relative_capacity);
    g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->skel_serving));
}

static void
on_parameters_changed (HenbDataModel *dm, GPtrArray *names, HenbManager *self)
{
    update_serving (self);
}

static void
on_s1_setup_requested (HenbS1Handoff *handoff, GStrv addresses, guint port, const gchar *mode,
                       gboolean ipsec, HenbManager *self)
{
    henb_gdbus_serving_emit_s1_setup_requested (self->skel_serving, (const gchar *const *) addresses,
                                                port, mode, ipsec);
}

/* ------------------------------------------------------------------------------------------ */
/* Progress on the bus */

/* CompletedSteps of a registration and the S1 runs after it: the newest this many */
#define STEP_HISTORY_MAX 64

static void
update_steps (HenbManager *self, HenbProcedure *proc)
{
    GPtrArray *records = henb_procedure_get_records (proc);
    gsize before = self->history != NULL ? g_variant_n_children (self->history) : 0;
    gsize total = before + records->len;
    GVariantBuilder b;

    flush_management (self);
    g_variant_builder_init (&b, G_VARIANT_TYPE ("a(sssxts)"));
    for (gsize i = total > STEP_HISTORY_MAX ? total - STEP_HISTORY_MAX : 0; i < before; i++) {
        g_autoptr(GVariant) r = g_variant_get_child_value (self->history, i);

        g_variant_builder_add_value (&b, r);
    }
    for (guint i = 0; i < records->len; i++) {
        const HenbStepRecord *r = records->pdata[i];
        g_variant_builder_add (&b, "(sssxts)", r->id, r->name, henb_step_result_to_string (r->result),
                               r->start_wall_us, r->duration_us, r->detail != NULL ? r->detail : "");
    }
    henb_gdbus_procedure_set_completed_steps (self->skel_procedure, g_variant_builder_end (&b));
    henb_gdbus_procedure_set_percentage (self->skel_procedure, henb_procedure_get_percentage (proc));
}

static void
on_step_started (HenbProcedure *proc, HenbManager *self)
{
    const HenbStep *step = henb_procedure_get_current_step (proc);

    flush_management (self);
    if (proc != self->procedure)
        return;
    henb_gdbus_procedure_set_current_step (self->skel_procedure,
                                           g_variant_new ("(ss)", step->id, step->name));
    g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->skel_procedure));
}

static void
on_step_finished (HenbProcedure *proc, HenbStepRecord *record, HenbManager *self)
{
    if (proc != self->procedure)
        return;
    henb_gdbus_procedure_set_current_step (self->skel_procedure, g_variant_new ("(ss)", "", ""));
    update_steps (self, proc);
    g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->skel_procedure));
}

static void
on_procedure_state_changed (HenbProcedure *proc, gint state, HenbManager *self)
{
    HenbStateChangeReason reason = self->start_reason;

    if (proc != self->procedure)
        return;
    self->start_reason = HENB_STATE_CHANGE_REASON_PROGRESS;
    set_state (self, (HenbState) state, HENB_STATE_FAILED_REASON_NONE, reason);
}

/* ------------------------------------------------------------------------------------------ */
/* The tunnel on the bus */

static void
update_tunnel (HenbManager *self, HenbTunnel *tunnel)
{
    static const gchar *const none[] = { NULL };
    HenbGdbusTunnel *t = self->skel_tunnel;
    gboolean up = tunnel != NULL && henb_tunnel_is_up (tunnel);

    flush_management (self);
    henb_gdbus_tunnel_set_active (t, up);
    henb_gdbus_tunnel_set_purpose (t, up ? henb_tunnel_get_label (tunnel) : "");
    henb_gdbus_tunnel_set_backend (t, up ? henb_tunnel_get_backend (tunnel) : "");
    henb_gdbus_tunnel_set_security_gateway (t, up ? henb_tunnel_get_gateway (tunnel) : "");
    henb_gdbus_tunnel_set_gateway_address (t, up ? henb_tunnel_get_gateway_address (tunnel) : "");
    henb_gdbus_tunnel_set_inner_address (t, up ? henb_tunnel_get_inner_address (tunnel) : "");
    henb_gdbus_tunnel_set_dns_servers (t, up ? henb_tunnel_get_dns_servers (tunnel) : none);
    henb_gdbus_tunnel_set_up_since (t, up ? henb_tunnel_get_up_since (tunnel) : 0);
    g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (t));
}

static void
on_procedure_tunnel_changed (HenbProcedure *proc, HenbTunnel *tunnel, HenbManager *self)
{
    if (proc == self->procedure)
        update_tunnel (self, tunnel);
}

static void fail (HenbManager *self, const GError *error, const HenbStep *step);

/* The serving tunnel went down after registration: S1 and the HeMS are cut off. */
static void
on_serving_tunnel_dropped (HenbTunnel *tunnel, const GError *reason, HenbManager *self)
{
    g_autoptr(GError) error = g_error_new (HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_TUNNEL_DOWN,
                                           "the tunnel to the Serving SeGW %s went down: %s",
                                           henb_tunnel_get_gateway (tunnel), reason->message);

    g_signal_handlers_disconnect_by_data (tunnel, self);
    g_clear_object (&self->tunnel);
    update_tunnel (self, NULL);
    henb_agent_stop (self->agent);
    if (self->procedure == NULL)
        fail (self, error, NULL);
}

static void
keep_tunnel (HenbManager *self, HenbTunnel *tunnel)
{
    g_clear_object (&self->tunnel);
    if (tunnel == NULL)
        return;
    self->tunnel = tunnel;
    g_signal_connect (tunnel, "dropped", G_CALLBACK (on_serving_tunnel_dropped), self);
    update_tunnel (self, tunnel);
}

/* ------------------------------------------------------------------------------------------ */
/* Running the procedure */

static void
drop_procedure (HenbManager *self)
{
    if (self->procedure != NULL) {
        g_signal_handlers_disconnect_by_data (self->procedure, self);
        /* a close it left running is waited for by the next run and by the shutdown */
        if (henb_procedure_is_closing (self->procedure)) {
            if (self->closing != NULL)
                henb_procedure_inherit_closes (self->procedure, self->closing);
            g_set_object (&self->closing, self->procedure);
        }
    }
    g_clear_object (&self->procedure);
    g_clear_object (&self->cancellable);
    self->s1_run = FALSE;
    g_clear_pointer (&self->history, g_variant_unref);
}

static gboolean restart_procedure (HenbManager *self, gboolean discover, GError **error);
static gboolean serving_hems_known (HenbManager *self);
static void     forget_serving (HenbManager *self);

static gboolean
fallback_due (gpointer user_data)
{
    HenbManager *self = user_data;
    g_autoptr(GError) why = g_steal_pointer (&self->fallback_why);

    self->retry_timer = 0;
    self->start_reason = HENB_STATE_CHANGE_REASON_FALLBACK;
    restart_procedure (self, TRUE, NULL);
    /* after the restart, which clears the last error: the bus says why */
    set_last_error (self, why);
    return G_SOURCE_REMOVE;
}

static gboolean
retry_due (gpointer user_data)
{
    HenbManager *self = user_data;
    g_autoptr(GError) error = NULL;

    self->retry_timer = 0;
    self->start_reason = HENB_STATE_CHANGE_REASON_RETRY;
    if (!restart_procedure (self, !serving_hems_known (self), &error))
        g_warning ("retry: %s", error->message);
    return G_SOURCE_REMOVE;
}

/* The Serving SeGW/HeMS stayed out of reach longer than [Timeouts] Fallback: start over from
 * the Initial HeMS, as a HeNB fresh from the factory would. */
static gboolean
fall_back (HenbManager *self, const GError *error)
{
    guint bound = self->services.config->fallback_after;
    gint64 failing_for;
    g_autoptr(GError) why = NULL;

    if (bound == 0 || self->failing_since == 0 || !serving_hems_known (self))
        return FALSE;
    failing_for = (g_get_monotonic_time () - self->failing_since) / G_USEC_PER_SEC;
    if (failing_for < (gint64) bound)
        return FALSE;
    why = g_error_new (HENB_PROCEDURE_ERROR, HENB_PROCEDURE_ERROR_FALLBACK,
                       "the Serving HeMS was out of reach for %" G_GINT64_FORMAT " s (bound %u s); back to "
                       "the Initial HeMS. Last failure: %s", failing_for, bound, error->message);
    g_warning ("%s", why->message);
    forget_serving (self);
    self->failing_since = 0;
    set_last_error (self, why);
    g_clear_error (&self->fallback_why);
    self->fallback_why = g_steal_pointer (&why);
    /* the failed run is still being wound up: start over from the main loop */
    g_clear_handle_id (&self->retry_timer, henb_source_remove);
    self->retry_timer = henb_idle_add (fallback_due, self);
    return TRUE;
}

/* However long the retry settings make the waits, the attempt that can fall back comes on time. */
static gint64
fallback_deadline (HenbManager *self)
{
    guint bound = self->services.config->fallback_after;

    if (bound == 0 || self->failing_since == 0 || !serving_hems_known (self))
        return G_MAXINT64;
    return self->failing_since + (gint64) bound * G_USEC_PER_SEC;
}

/* An MME that answered S1SetupFailure with TimeToWait is not asked again sooner (TS 36.413 8.7.3.3). */
static gint64
s1_not_before (HenbManager *self)
{
    const gchar *name = self->services.config->s1_handoff != NULL ? self->services.config->s1_handoff : "s1-handoff";
    HenbPlugin *plugin = henb_plugin_manager_find (self->services.plugins, HENB_TYPE_S1_HANDOFF, name, NULL);
    const HenbS1Status *st = plugin != NULL ? henb_s1_handoff_get_status (HENB_S1_HANDOFF (plugin)) : NULL;

    if (st == NULL || st->time_to_wait == 0)
        return 0;
    return g_get_monotonic_time () + (gint64) st->time_to_wait * G_USEC_PER_SEC;
}

static void
fail (HenbManager *self, const GError *error, const HenbStep *step)
{
    g_autoptr(GError) normalized = normalize_error (error);
    HenbStateFailedReason reason = failed_reason_for (normalized, step);

    g_warning ("bootstrap failed: %s", normalized->message);
    /* what an Initial HeMS left half-set (a Serving HeMS without the Serving SeGW the private
     * domain needs), or a stored Serving HeMS henbd refuses to reach, is no Serving HeMS: the
     * next run asks the Initial HeMS again. Only the factory configuration may stop henbd. */
    if (reason == HENB_STATE_FAILED_REASON_NO_SERVING_HEMS)
        forget_serving (self);
    set_last_error (self, normalized);
    /* the retry is planned before StateChanged goes out: a client that reads NextAttempt in
     * its handler sees when it comes (a broken configuration does not heal by waiting) */
    if (reason != HENB_STATE_FAILED_REASON_CONFIGURATION) {
        if (self->failing_since == 0)
            self->failing_since = g_get_monotonic_time ();
        if (!fall_back (self, normalized)) {
            gint64 deadline = henb_agent_note_failure (self->agent, fallback_deadline (self));

            if (reason == HENB_STATE_FAILED_REASON_S1_SETUP) {
                gint64 not_before = s1_not_before (self);

                if (not_before > deadline) {
                    g_message ("S1: the MME's TimeToWait puts the retry %.1f s later",
                               (not_before - deadline) / (gdouble) G_USEC_PER_SEC);
                    deadline = not_before;
                    henb_agent_postpone_next_session (self->agent, deadline);
                }
            }
            g_clear_handle_id (&self->retry_timer, henb_source_remove);
            self->retry_timer = henb_timeout_add_deadline (deadline, retry_due, self);
        }
    }
    set_state (self, HENB_STATE_FAILED, reason, HENB_STATE_CHANGE_REASON_FAILURE);
}

static void shutdown_close_tunnels (HenbManager *self);

static void
procedure_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(HenbManager) self = user_data;
    HenbProcedure *proc = HENB_PROCEDURE (source);
    g_autoptr(GError) error_run = NULL;
    g_autoptr(GError) error = NULL;
    gboolean ok = henb_procedure_run_finish (proc, res, &error_run);

    /* a run that Rediscover replaced reports too late to matter */
    if (proc != self->procedure)
        return;
    if (self->shutting_down) {
        shutdown_close_tunnels (self);
        return;
    }
    if (error_run != NULL)
        error = normalize_error (error_run);
    update_steps (self, proc);
    henb_gdbus_procedure_set_current_step (self->skel_procedure, g_variant_new ("(ss)", "", ""));
    g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->skel_procedure));

    if (ok) {
        g_message ("registered with %s", henb_gdbus_serving_get_hems_url (self->skel_serving));
        /* S1 and later HeMS sessions run through the serving tunnel: it stays up (an S1 run
         * after registration only borrowed it) */
        g_signal_handlers_disconnect_by_data (proc, self);
        if (!self->s1_run)
            keep_tunnel (self, henb_procedure_steal_tunnel (proc, HENB_HEMS_SERVING));
        self->failing_since = 0;
        /* the last failure stayed visible while this run went on: it is over now */
        set_last_error (self, NULL);
        set_state (self, HENB_STATE_REGISTERED, HENB_STATE_FAILED_REASON_NONE,
                   HENB_STATE_CHANGE_REASON_PROGRESS);
        drop_procedure (self);
        /* from now on the agent talks to the HeMS */
        henb_agent_start (self->agent, self->tunnel);
        return;
    } else if (g_error_matches (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CANCELLED)) {
        g_message ("bootstrap cancelled");
        set_last_error (self, error);
        set_state (self, HENB_STATE_IDLE, HENB_STATE_FAILED_REASON_NONE,
                   HENB_STATE_CHANGE_REASON_USER_REQUESTED);
    } else {
        fail (self, error, henb_procedure_get_failed_step (proc));
    }
    drop_procedure (self);
}

static gboolean
start_procedure (HenbManager *self, gboolean discover, GError **error)
{
    g_autoptr(HenbProcedure) proc = NULL;
    g_autoptr(GError) error_local = NULL;

    if (self->procedure != NULL) {
        g_set_error_literal (error, HENB_CORE_ERROR, HENB_CORE_ERROR_IN_PROGRESS,
                             "the bootstrap procedure is already running");
        return FALSE;
    }
    proc = henb_procedure_new (&self->services);
    if (self->closing != NULL)
        henb_procedure_inherit_closes (proc, self->closing);
    /* LastError keeps the last failure while this run goes on (a retry, Start, Rediscover):
     * the run's success clears it, its failure replaces it */
    henb_gdbus_procedure_set_completed_steps (self->skel_procedure,
                                              g_variant_new_array (G_VARIANT_TYPE ("(sssxts)"), NULL, 0));
    henb_gdbus_procedure_set_percentage (self->skel_procedure, 0);
    if (!henb_plan_bootstrap (proc, discover, &error_local)) {
        henb_gdbus_procedure_set_step_count (self->skel_procedure, 0);
        fail (self, error_local, NULL);
        return TRUE;
    }
    henb_gdbus_procedure_set_step_count (self->skel_procedure, henb_procedure_get_steps (proc)->len);
    g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->skel_procedure));
    g_message ("starting %s (%u steps)",
               discover ? "Serving HeMS discovery and registration" : "registration with the stored Serving HeMS",
               henb_procedure_get_steps (proc)->len);

    self->procedure = g_steal_pointer (&proc);
    self->cancellable = g_cancellable_new ();
    g_signal_connect (self->procedure, "step-started", G_CALLBACK (on_step_started), self);
    g_signal_connect (self->procedure, "step-finished", G_CALLBACK (on_step_finished), self);
    g_signal_connect (self->procedure, "state-changed", G_CALLBACK (on_procedure_state_changed), self);
    g_signal_connect (self->procedure, "tunnel-changed", G_CALLBACK (on_procedure_tunnel_changed), self);
    henb_procedure_run_async (self->procedure, self->cancellable, procedure_done, g_object_ref (self));
    return TRUE;
}

/* The HeMS changed what S1 needs after registration: the S1 step again, through the kept
 * tunnel, its record added to the registration's in CompletedSteps. */
static void
start_s1_run (HenbManager *self, const gchar *why)
{
    if (self->procedure != NULL || self->shutting_down)
        return;
    self->procedure = henb_procedure_new (&self->services);
    if (self->closing != NULL)
        henb_procedure_inherit_closes (self->procedure, self->closing);
    henb_plan_s1 (self->procedure, self->tunnel, why);
    self->s1_run = TRUE;
    self->history = henb_gdbus_procedure_dup_completed_steps (self->skel_procedure);
    henb_gdbus_procedure_set_step_count (self->skel_procedure,
                                         MIN (g_variant_n_children (self->history) + 1, STEP_HISTORY_MAX));
    henb_gdbus_procedure_set_percentage (self->skel_procedure, 0);
    g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self->skel_procedure));
    self->cancellable = g_cancellable_new ();
    self->start_reason = HENB_STATE_CHANGE_REASON_HEMS_REQUESTED;
    g_signal_connect (self->procedure, "step-started", G_CALLBACK (on_step_started), self);
    g_signal_connect (self->procedure, "step-finished", G_CALLBACK (on_step_finished), self);
    g_signal_connect (self->procedure, "state-changed", G_CALLBACK (on_procedure_state_changed), self);
    henb_procedure_run_async (self->procedure, self->cancellable, procedure_done, g_object_ref (self));
}

static void
kept_tunnel_closed (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(HenbManager) self = user_data;
    g_autoptr(GError) error = NULL;

    if (!henb_tunnel_close_finish (HENB_TUNNEL (source), res, &error))
        g_warning ("closing the tunnel to %s: %s", henb_tunnel_get_gateway (HENB_TUNNEL (source)),
                   error->message);
    start_procedure (self, self->discover_next, NULL);
}

/* A new run starts from scratch: the tunnel of the last registration goes first. */
static gboolean
restart_procedure (HenbManager *self, gboolean discover, GError **error)
{
    g_autoptr(HenbTunnel) tunnel = NULL;

    if (self->procedure != NULL) {
        g_set_error_literal (error, HENB_CORE_ERROR, HENB_CORE_ERROR_IN_PROGRESS,
                             "the bootstrap procedure is already running");
        return FALSE;
    }
    g_clear_handle_id (&self->retry_timer, henb_source_remove);
    henb_agent_stop (self->agent);
    if (self->tunnel == NULL)
        return start_procedure (self, discover, error);
    tunnel = g_steal_pointer (&self->tunnel);
    g_signal_handlers_disconnect_by_data (tunnel, self);
    update_tunnel (self, NULL);
    self->discover_next = discover;
    henb_tunnel_close_async (tunnel, NULL, kept_tunnel_closed, g_object_ref (self));
    return TRUE;
}

static gboolean
serving_hems_known (HenbManager *self)
{
    return henb_data_model_is_set (self->services.dm, HENB_DM_MS_URL);
}

/* Back to what the HeNB left the factory with: the Initial HeMS. A failed write is the store's
 * to report and retry: the HeNB goes on from memory. */
static void
forget_serving (HenbManager *self)
{
    gboolean had_url = serving_hems_known (self);

    for (guint i = 0; serving_parameters[i] != NULL; i++)
        henb_data_model_reset (self->services.dm, serving_parameters[i]);
    if (had_url)
        henb_store_queue_event (self->services.store, "0 BOOTSTRAP", NULL);
    update_serving (self);
    henb_store_save (self->services.store, NULL);
}

static void
powered_up (HenbManager *self)
{
    g_autoptr(GError) error = NULL;

    /* Serving values without the Serving HeMS: the state file held a URL this henbd refuses
     * (an older one stored it) and its load dropped it. The rest of that set goes too, so
     * that discovery starts clean, as after a fallback. */
    if (!serving_hems_known (self)) {
        for (guint i = 0; serving_parameters[i] != NULL; i++) {
            if (!henb_data_model_is_set (self->services.dm, serving_parameters[i]))
                continue;
            g_message ("the state holds Serving values but no usable Serving HeMS: discovery from the Initial HeMS");
            forget_serving (self);
            break;
        }
    }
    if (!self->services.config->auto_start) {
        g_message ("waiting for Start (AutoStart=false)");
        return;
    }
    if (!start_procedure (self, !serving_hems_known (self), &error))
        g_warning ("%s", error->message);
}

static void
ipsec_cleaned_up (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(HenbManager) self = user_data;
    g_autoptr(GError) error = NULL;

    if (!henb_ipsec_provider_cleanup_finish (HENB_IPSEC_PROVIDER (source), res, &error))
        g_message ("could not check for tunnels an earlier henbd left: %s", error->message);
    powered_up (self);
}

/* An earlier henbd may have left a tunnel up only where tunnels are made: the private domain,
 * a Serving SeGW stored from the public variant, or an IPsec backend the operator chose. */
static gboolean
tunnel_may_be_left (HenbManager *self)
{
    HenbDataModel *dm = self->services.dm;

    return self->services.config->variant == HENB_DISCOVERY_VARIANT_PRIVATE_DOMAIN ||
           henb_data_model_is_set (dm, HENB_DM_GW_SECGW1) || henb_data_model_is_set (dm, HENB_DM_GW_SECGW2) ||
           henb_data_model_is_set (dm, HENB_DM_GW_SECGW3) || self->services.config->ipsec_backend != NULL;
}

void
henb_manager_power_up (HenbManager *self)
{
    /* a public-variant HeNB without a SeGW does not load an IPsec backend (libnm, VICI) at all */
    HenbIpsecProvider *ipsec = tunnel_may_be_left (self)
                                   ? henb_ipsec_backend_choose (self->services.plugins,
                                                                self->services.config->keyfile, NULL, NULL)
                                   : NULL;

    /* a tunnel a crashed henbd left up would stand in the way of the new one */
    if (ipsec != NULL) {
        henb_ipsec_provider_cleanup_async (ipsec, NULL, ipsec_cleaned_up,
                                           g_object_ref (self));
        return;
    }
    powered_up (self);
}

static void
shutdown_return (HenbManager *self)
{
    g_autoptr(GTask) task = g_steal_pointer (&self->shutdown_task);

    g_task_return_boolean (task, TRUE);
}

static void
shutdown_tunnel_closed (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(HenbManager) self = user_data;
    g_autoptr(GError) error = NULL;

    if (!henb_tunnel_close_finish (HENB_TUNNEL (source), res, &error))
        g_warning ("closing the tunnel to %s: %s", henb_tunnel_get_gateway (HENB_TUNNEL (source)),
                   error->message);
    if (--self->shutdown_closing == 0)
        shutdown_return (self);
}

static void
shutdown_closes_waited (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(HenbManager) self = user_data;

    henb_procedure_wait_closes_finish (HENB_PROCEDURE (source), res, NULL);
    if (--self->shutdown_closing == 0)
        shutdown_return (self);
}

/* The last part of the shutdown, once no procedure runs: every tunnel, the procedure's and
 * the one registration kept, is closed and waited for, and so is any close the procedure left
 * running in the background. */
static void
shutdown_close_tunnels (HenbManager *self)
{
    g_autoptr(GPtrArray) tunnels = g_ptr_array_new_with_free_func (g_object_unref);
    g_autoptr(HenbProcedure) procedure = NULL;

    if (self->tunnel != NULL) {
        g_signal_handlers_disconnect_by_data (self->tunnel, self);
        g_ptr_array_add (tunnels, g_steal_pointer (&self->tunnel));
    }
    if (self->procedure != NULL) {
        HenbTunnel *tunnel;

        procedure = g_object_ref (self->procedure);
        if ((tunnel = henb_procedure_steal_tunnel (self->procedure, HENB_HEMS_INITIAL)) != NULL)
            g_ptr_array_add (tunnels, tunnel);
        if ((tunnel = henb_procedure_steal_tunnel (self->procedure, HENB_HEMS_SERVING)) != NULL)
            g_ptr_array_add (tunnels, tunnel);
    }
    drop_procedure (self);
    /* the closes it, or a run dropped before it, left running in the background */
    g_clear_object (&procedure);
    procedure = g_steal_pointer (&self->closing);
    /* one more for the procedure's background closes, and one for this function: the shutdown
     * returns once all are done, even when each completes at once */
    self->shutdown_closing = tunnels->len + 2;
    for (guint i = 0; i < tunnels->len; i++)
        henb_tunnel_close_async (g_ptr_array_index (tunnels, i), NULL, shutdown_tunnel_closed,
                                 g_object_ref (self));
    if (procedure != NULL)
        henb_procedure_wait_closes_async (procedure, NULL, shutdown_closes_waited, g_object_ref (self));
    else
        self->shutdown_closing--;
    if (--self->shutdown_closing == 0)
        shutdown_return (self);
}

/* Stops everything and takes every tunnel down: henbd leaves nothing behind. A running
 * procedure is cancelled and waited for, because an IPsec backend takes a half-made tunnel
 * down before the step reports. */
void
henb_manager_shutdown_async (HenbManager *self, GAsyncReadyCallback callback, gpointer user_data)
{
    g_return_if_fail (self->shutdown_task == NULL);
    self->shutdown_task = g_task_new (self, NULL, callback, user_data);
    self->shutting_down = TRUE;
    g_clear_handle_id (&self->retry_timer, henb_source_remove);
    henb_agent_stop (self->agent);
    if (self->procedure != NULL) {
        /* procedure_done goes on with shutdown_close_tunnels() */
        g_cancellable_cancel (self->cancellable);
        return;
    }
    shutdown_close_tunnels (self);
}

gboolean
henb_manager_shutdown_finish (HenbManager *self, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* D-Bus methods */

static gboolean
handle_start (HenbGdbusManager *skel, GDBusMethodInvocation *invocation, HenbManager *self)
{
    g_autoptr(GError) error = NULL;

    if (self->state == HENB_STATE_REGISTERED && self->procedure == NULL) {
        henb_gdbus_manager_complete_start (skel, invocation);
        return TRUE;
    }
    /* a user does not wait out the retry policy */
    self->start_reason = HENB_STATE_CHANGE_REASON_USER_REQUESTED;
    if (!restart_procedure (self, !serving_hems_known (self), &error)) {
        g_dbus_method_invocation_return_gerror (invocation, error);
        return TRUE;
    }
    henb_gdbus_manager_complete_start (skel, invocation);
    return TRUE;
}

static gboolean
handle_rediscover (HenbGdbusManager *skel, GDBusMethodInvocation *invocation, HenbManager *self)
{
    if (self->procedure != NULL) {
        g_message ("Rediscover: cancelling the running procedure");
        g_cancellable_cancel (self->cancellable);
        drop_procedure (self);
    }
    forget_serving (self);
    set_state (self, HENB_STATE_IDLE, HENB_STATE_FAILED_REASON_NONE,
               HENB_STATE_CHANGE_REASON_USER_REQUESTED);
    restart_procedure (self, TRUE, NULL);
    henb_gdbus_manager_complete_rediscover (skel, invocation);
    return TRUE;
}

static gboolean
handle_cancel (HenbGdbusManager *skel, GDBusMethodInvocation *invocation, HenbManager *self)
{
    if (self->procedure == NULL && self->retry_timer != 0) {
        /* no retry then: the HeNB waits for Start */
        g_clear_handle_id (&self->retry_timer, henb_source_remove);
        /* NextAttempt on the bus goes with the planned retry */
        henb_agent_stop (self->agent);
        g_message ("Cancel: no retry");
        /* the caller reads NextAttempt 0 as soon as Cancel returns */
        flush_management (self);
        henb_gdbus_manager_complete_cancel (skel, invocation);
        return TRUE;
    }
    if (self->procedure == NULL) {
        g_dbus_method_invocation_return_error_literal (invocation, HENB_CORE_ERROR,
                                                       HENB_CORE_ERROR_WRONG_STATE,
                                                       "no procedure is running");
        return TRUE;
    }
    g_cancellable_cancel (self->cancellable);
    henb_gdbus_manager_complete_cancel (skel, invocation);
    return TRUE;
}

static gboolean
handle_set_logging (HenbGdbusManager *skel, GDBusMethodInvocation *invocation, HenbManager *self)
{
    const gchar *level = NULL;
    g_autoptr(GError) error = NULL;

    g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s)", &level);
    if (!henb_log_set_level (level, &error)) {
        g_dbus_method_invocation_return_error_literal (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                                       error->message);
        return TRUE;
    }
    g_message ("log level: %s", level);
    henb_gdbus_manager_complete_set_logging (skel, invocation);
    return TRUE;
}

/* Start, Rediscover, Cancel and SetLogging change what the HeNB does: the handler runs only once the
 * authority lets the caller; until then the call waits, and a refusal is its answer. */
typedef gboolean (*MethodHandler) (HenbGdbusManager *skel, GDBusMethodInvocation *invocation, HenbManager *self);

typedef struct {
    HenbManager  *self;
    MethodHandler handler;
} AuthorizedCall;

static void
authorized (GObject *source, GAsyncResult *result, gpointer user_data)
{
    GDBusMethodInvocation *invocation = G_DBUS_METHOD_INVOCATION (source);
    g_autofree AuthorizedCall *call = user_data;
    g_autoptr(HenbManager) self = call->self;
    g_autoptr(GError) error = NULL;

    if (!henb_authority_check_finish (invocation, result, &error)) {
        g_message ("refused: %s", error->message);
        g_dbus_method_invocation_return_gerror (invocation, error);
        return;
    }
    /* the answer may come after henbd began to shut down: then nothing starts any more */
    if (self->shutting_down) {
        g_dbus_method_invocation_return_error_literal (invocation, HENB_CORE_ERROR, HENB_CORE_ERROR_WRONG_STATE,
                                                       "henbd is shutting down");
        return;
    }
    call->handler (self->skel_manager, invocation, self);
}

/* the handler of handle-start, handle-rediscover, handle-cancel and handle-set-logging for every caller */
static gboolean
authorize (HenbGdbusManager *skel, GDBusMethodInvocation *invocation, HenbManager *self)
{
    static const struct {
        const gchar  *method;
        MethodHandler handler;
    } methods[] = {
        { "Start", handle_start },
        { "Rediscover", handle_rediscover },
        { "Cancel", handle_cancel },
        { "SetLogging", handle_set_logging },
    };
    const gchar *method = g_dbus_method_invocation_get_method_name (invocation);

    for (guint i = 0; i < G_N_ELEMENTS (methods); i++) {
        AuthorizedCall *call;

        if (g_strcmp0 (method, methods[i].method) != 0)
            continue;
        call = g_new0 (AuthorizedCall, 1);
        call->self = g_object_ref (self);
        call->handler = methods[i].handler;
        henb_authority_check_async (invocation, HENB_AUTHORITY_ACTION_CONTROL, NULL, authorized, call);
        return TRUE;
    }
    g_return_val_if_reached (FALSE);
}

/* handle-set-logging passes the level too; the handler reads it from the invocation */
static gboolean
authorize_set_logging (HenbGdbusManager *skel, GDBusMethodInvocation *invocation, const gchar *level,
                       HenbManager *self)
{
    return authorize (skel, invocation, self);
}

/* ------------------------------------------------------------------------------------------ */
/* Set-up */

static gchar *
get_uptime (const gchar *name, gpointer user_data)
{
    HenbManager *self = user_data;

    return g_strdup_printf ("%" G_GINT64_FORMAT, (g_get_monotonic_time () - self->start_time) / G_USEC_PER_SEC);
}

static gchar *
get_op_state (const gchar *name, gpointer user_data)
{
    HenbManager *self = user_data;
    gchar *reported = self->radio != NULL ? henb_radio_dup_reported (self->radio, name) : NULL;

    /* the radio stack knows; without its report, henbd's guess: operational once registered */
    if (reported != NULL)
        return reported;
    return g_strdup (self->state == HENB_STATE_REGISTERED ? "true" : "false");
}

static gboolean
commit_parameters (GHashTable *changes, const gchar *parameter_key, gpointer user_data, GError **error)
{
    HenbManager *self = user_data;

    return henb_store_commit (self->services.store, changes, parameter_key, error);
}

static void
set_factory_defaults (HenbManager *self)
{
    HenbConfig *c = self->services.config;
    HenbDataModel *dm = self->services.dm;
    g_autofree gchar *username = c->username != NULL ? g_strdup (c->username) : henb_config_default_username (c);
    g_autofree gchar *initial_url = henb_data_model_path (dm, HENB_DM_MS_INITIAL_URL);
    g_autofree gchar *initial_segw = henb_data_model_path (dm, HENB_DM_GW_INITIAL_SECGW);

    henb_data_model_set_default (dm, HENB_DM_DEVINFO "Manufacturer", c->manufacturer);
    henb_data_model_set_default (dm, HENB_DM_DEVINFO "ManufacturerOUI", c->oui);
    henb_data_model_set_default (dm, HENB_DM_DEVINFO "ModelName", c->model_name);
    henb_data_model_set_default (dm, HENB_DM_DEVINFO "Description", c->description);
    henb_data_model_set_default (dm, HENB_DM_DEVINFO "ProductClass", c->product_class);
    henb_data_model_set_default (dm, HENB_DM_DEVINFO "SerialNumber", c->serial_number);
    henb_data_model_set_default (dm, HENB_DM_DEVINFO "HardwareVersion", c->hardware_version);
    henb_data_model_set_default (dm, HENB_DM_DEVINFO "SoftwareVersion", c->software_version);
    henb_data_model_set_default (dm, HENB_DM_DEVINFO "ProvisioningCode", c->provisioning_code);
    /* the Initial HeMS is the factory value of ManagementServer.URL (TR-181) */
    henb_data_model_set_default (dm, HENB_DM_MS_URL, c->initial_hems_url);
    henb_data_model_set_default (dm, initial_url, c->initial_hems_url);
    henb_data_model_set_default (dm, initial_segw, c->initial_segw != NULL ? c->initial_segw : "");
    henb_data_model_set_default (dm, HENB_DM_MS_USERNAME, username);
    henb_data_model_set_default (dm, HENB_DM_MS_PASSWORD, c->password != NULL ? c->password : "");
    henb_data_model_set_getter (dm, HENB_DM_DEVINFO "UpTime", get_uptime, self);
    henb_data_model_set_getter (dm, HENB_DM_LTE_OPSTATE, get_op_state, self);
}

/* ------------------------------------------------------------------------------------------ */
/* What the HeMS asks of the whole HeNB */

static void
update_management_now (HenbManager *self)
{
    HenbGdbusManagement *m = self->skel_management;
    g_autoptr(GPtrArray) events = henb_store_dup_events (self->services.store);
    g_autoptr(GPtrArray) codes = g_ptr_array_new ();
    gint64 next = henb_agent_get_next_session (self->agent);

    for (guint i = 0; i < events->len; i++)
        g_ptr_array_add (codes, ((HenbCwmpEvent *) events->pdata[i])->code);
    g_ptr_array_add (codes, NULL);
    henb_gdbus_management_set_retry_count (m, henb_agent_get_retry_count (self->agent));
    henb_gdbus_management_set_next_attempt (m, next);
    henb_gdbus_management_set_session_count (m, henb_agent_get_session_count (self->agent));
    henb_gdbus_management_set_last_session_result (m, henb_agent_get_last_result (self->agent));
    henb_gdbus_management_set_last_session_time (m, henb_agent_get_last_session_time (self->agent));
    henb_gdbus_management_set_pending_events (m, (const gchar *const *) codes->pdata);
    henb_gdbus_management_set_connection_request_url (m, henb_agent_get_connection_request_url (self->agent));
    henb_gdbus_management_set_tolerated_inputs (m, henb_data_model_get_tolerated_count (self->services.dm));
    g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (m));
    henb_cr_status_update (self->skel_cr, henb_agent_get_cr_transports (self->agent));
}

static gboolean
management_due (gpointer user_data)
{
    HenbManager *self = user_data;

    self->management_idle = 0;
    update_management_now (self);
    return G_SOURCE_REMOVE;
}

/* What is due goes out now: before the State, steps or LastError that come after it (a
 * client such as henbctl wait reads NextAttempt when the state says failed). */
static void
flush_management (HenbManager *self)
{
    if (self->management_idle == 0)
        return;
    g_clear_handle_id (&self->management_idle, henb_source_remove);
    update_management_now (self);
}

/* A session changes these at each of its stages (an event queued, the Connection Request
 * transport busy, the events retired, the session counted): one update, and one
 * PropertiesChanged per interface, for what changed in the next MANAGEMENT_UPDATE_MS, which
 * on a LAN covers a whole session. A State, step or LastError change flushes it first. */
#define MANAGEMENT_UPDATE_MS 50

static void
update_management (HenbManager *self)
{
    if (self->management_idle == 0)
        self->management_idle = henb_timeout_add (MANAGEMENT_UPDATE_MS, management_due, self);
}

static void
on_agent_changed (HenbAgent *agent, HenbManager *self)
{
    update_management (self);
}

/* A reboot: the configured command, or henbd's own restart of the bootstrap from power-up. */
static void
on_agent_reboot (HenbAgent *agent, HenbManager *self)
{
    const gchar *command = self->services.config->reboot_command;
    g_autoptr(GError) error = NULL;

    /* a failed write is reported and retried by the store */
    henb_store_queue_event (self->services.store, "1 BOOT", NULL);
    henb_store_save (self->services.store, NULL);
    if (command != NULL) {
        const gchar *argv[] = { command, NULL };

        g_message ("rebooting: %s", command);
        if (g_spawn_async (NULL, (gchar **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &error))
            return;
        g_warning ("RebootCommand %s failed: %s; restarting the bootstrap instead", command, error->message);
    }
    g_message ("rebooting: the bootstrap starts over as at power-up");
    set_state (self, HENB_STATE_IDLE, HENB_STATE_FAILED_REASON_NONE, HENB_STATE_CHANGE_REASON_HEMS_REQUESTED);
    self->start_reason = HENB_STATE_CHANGE_REASON_HEMS_REQUESTED;
    restart_procedure (self, !serving_hems_known (self), NULL);
}

/* FactoryReset: everything the HeMS configured goes; discovery through the Initial HeMS. */
static void
on_agent_factory_reset (HenbAgent *agent, HenbManager *self)
{
    g_message ("factory reset: back to the factory configuration");
    henb_data_model_reset_all (self->services.dm);
    henb_store_clear (self->services.store);
    henb_store_queue_event (self->services.store, "0 BOOTSTRAP", NULL);
    henb_store_queue_event (self->services.store, "1 BOOT", NULL);
    /* a failed write is reported and retried by the store */
    henb_store_save (self->services.store, NULL);
    update_serving (self);
    henb_radio_factory_reset (self->radio);
    set_state (self, HENB_STATE_IDLE, HENB_STATE_FAILED_REASON_NONE, HENB_STATE_CHANGE_REASON_HEMS_REQUESTED);
    self->start_reason = HENB_STATE_CHANGE_REASON_HEMS_REQUESTED;
    restart_procedure (self, TRUE, NULL);
}

static void
on_agent_s1_changed (HenbAgent *agent, const gchar *why, HenbManager *self)
{
    start_s1_run (self, why);
}

static void
on_agent_reregister (HenbAgent *agent, HenbManager *self)
{
    self->start_reason = HENB_STATE_CHANGE_REASON_HEMS_REQUESTED;
    restart_procedure (self, FALSE, NULL);
}

/* A state that cannot be written (a full or read-only file system) does not keep the HeNB
 * down: it runs from what it read, and the store reports the failure and retries. */
static void
load_state (HenbManager *self)
{
    g_autoptr(GError) error_local = NULL;
    gboolean fresh = FALSE;
    gboolean damaged = FALSE;

    if (!henb_store_load (self->services.store, &fresh, &error_local)) {
        /* damaged state: reported, kept aside, and the HeNB starts over from the factory */
        g_warning ("%s", error_local->message);
        set_last_error (self, error_local);
        fresh = damaged = TRUE;
    }
    if (fresh)
        henb_store_queue_event (self->services.store, "0 BOOTSTRAP", NULL);
    henb_store_queue_event (self->services.store, "1 BOOT", NULL);
    /* The boot events need no durable write before the first Inform: a henbd that dies first
     * queues them again at its next start. A write (temporary file, two fsyncs) is tens of ms
     * on a busy flash, on the way to `registered`: it comes a second later, or with the
     * procedure's first write, or at exit. A damaged file is replaced at once. */
    if (damaged)
        henb_store_save (self->services.store, NULL);
    else
        henb_store_save_soon (self->services.store);
}

static void
henb_manager_dispose (GObject *object)
{
    HenbManager *self = HENB_MANAGER (object);

    drop_procedure (self);
    g_clear_object (&self->closing);
    g_clear_handle_id (&self->retry_timer, henb_source_remove);
    g_clear_handle_id (&self->management_idle, henb_source_remove);
    g_clear_error (&self->fallback_why);
    if (self->agent != NULL)
        g_signal_handlers_disconnect_by_data (self->agent, self);
    g_clear_object (&self->radio);
    g_clear_object (&self->agent);
    g_clear_object (&self->tunnel);
    /* an S1 backend may outlive us in the plugin manager's hands for a moment: no more news */
    if (self->services.plugins != NULL) {
        GPtrArray *plugins = henb_plugin_manager_get_plugins (self->services.plugins);

        for (guint i = 0; i < plugins->len; i++)
            g_signal_handlers_disconnect_by_data (plugins->pdata[i], self);
        g_signal_handlers_disconnect_by_data (self->services.plugins, self);
    }
    g_clear_object (&self->skel_management);
    g_clear_object (&self->skel_cr);
    g_clear_object (&self->skel_manager);
    g_clear_object (&self->skel_tunnel);
    g_clear_object (&self->skel_procedure);
    g_clear_object (&self->skel_serving);
    g_clear_object (&self->services.dm);
    if (self->services.store != NULL)
        g_signal_handlers_disconnect_by_data (self->services.store, self);
    g_clear_object (&self->services.store);
    g_clear_object (&self->services.resolver);
    g_clear_object (&self->services.plugins);
    g_clear_object (&self->services.trace);
    g_clear_pointer (&self->services.config, henb_config_free);
    G_OBJECT_CLASS (henb_manager_parent_class)->dispose (object);
}

static void
henb_manager_class_init (HenbManagerClass *klass)
{
    G_OBJECT_CLASS (klass)->dispose = henb_manager_dispose;
    /* the same change as the bus's StateChanged, for a program that runs managers itself */
    signals[SIGNAL_STATE_CHANGED] = g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
on_plugin_loaded (HenbPluginManager *plugins, HenbPlugin *plugin, HenbManager *self)
{
    if (HENB_IS_S1_HANDOFF (plugin)) {
        g_signal_connect (plugin, "setup-requested", G_CALLBACK (on_s1_setup_requested), self);
        g_signal_connect (plugin, "status-changed", G_CALLBACK (on_s1_status_changed), self);
    }
}

static void
henb_manager_init (HenbManager *self)
{
    self->start_time = g_get_monotonic_time ();
    self->state = HENB_STATE_IDLE;
    self->skel_manager = henb_gdbus_manager_skeleton_new ();
    self->skel_procedure = henb_gdbus_procedure_skeleton_new ();
    self->skel_serving = henb_gdbus_serving_skeleton_new ();
    self->skel_tunnel = henb_gdbus_tunnel_skeleton_new ();
    self->skel_management = henb_gdbus_management_skeleton_new ();
    self->skel_cr = henb_gdbus_connection_request_skeleton_new ();
    self->start_reason = HENB_STATE_CHANGE_REASON_STARTUP;
}

HenbManager *
henb_manager_new (HenbConfig *config, const HenbManagerOptions *options, GError **error)
{
    g_autoptr(HenbManager) self = g_object_new (HENB_TYPE_MANAGER, NULL);
    g_autoptr(GResolver) system_resolver = g_resolver_get_default ();
    GPtrArray *plugins;
    const gchar *trace_dir;

    self->services.config = config;
    henb_gdbus_manager_set_version (self->skel_manager, PACKAGE_VERSION);
    henb_gdbus_manager_set_state (self->skel_manager, HENB_STATE_IDLE);
    henb_gdbus_manager_set_discovery_variant (self->skel_manager,
                                              henb_discovery_variant_to_string (config->variant));
    set_last_error (self, NULL);
    update_tunnel (self, NULL);
    henb_gdbus_procedure_set_current_step (self->skel_procedure, g_variant_new ("(ss)", "", ""));
    henb_gdbus_procedure_set_completed_steps (self->skel_procedure,
                                              g_variant_new_array (G_VARIANT_TYPE ("(sssxts)"), NULL, 0));

    self->services.dm = henb_data_model_new (config->oui);
    henb_data_model_set_hems_url_policy (self->services.dm, config->variant, config->allow_plain_http);
    henb_data_model_set_strict (self->services.dm, config->strict);
    set_factory_defaults (self);
    self->services.store = henb_store_new (options->state_dir, self->services.dm);
    henb_store_set_durable (self->services.store, !options->state_not_durable);
    g_signal_connect_swapped (self->services.store, "write-error-changed",
                              G_CALLBACK (update_state_file_write_error), self);
    load_state (self);
    update_state_file_write_error (self);
    henb_data_model_set_commit_func (self->services.dm, commit_parameters, self);
    g_signal_connect (self->services.dm, "parameters-changed", G_CALLBACK (on_parameters_changed), self);
    g_signal_connect_swapped (self->services.dm, "tolerated", G_CALLBACK (update_management), self);
    update_serving (self);

    /* this HeNB's own: its connections reach it through their options, never as the
     * process's default resolver, which several HeNBs in one process would fight over */
    self->services.resolver = henb_resolver_new (system_resolver, (const gchar *const *) config->public_dns);
    henb_resolver_set_timeout (self->services.resolver, config->resolve_timeout);

    self->services.plugins = henb_plugin_manager_new ();
    if (!henb_plugin_manager_load_dir_only (self->services.plugins, options->plugin_dir, options->plugin_names, error) ||
        !henb_plugin_manager_configure (self->services.plugins, config->keyfile, error))
        return NULL;
    henb_ipsec_backend_log_choice (self->services.plugins, config->keyfile);
    /* plugins load when first used: an S1 backend may come now or later */
    plugins = henb_plugin_manager_get_plugins (self->services.plugins);
    for (guint i = 0; i < plugins->len; i++)
        on_plugin_loaded (self->services.plugins, plugins->pdata[i], self);
    g_signal_connect (self->services.plugins, "plugin-loaded", G_CALLBACK (on_plugin_loaded), self);

    trace_dir = options->trace_dir != NULL ? options->trace_dir : config->trace_dir;
    if (trace_dir != NULL) {
        self->services.trace = henb_trace_new (trace_dir, error);
        if (self->services.trace == NULL)
            return NULL;
        g_message ("tracing envelopes to %s", trace_dir);
    }

    self->agent = henb_agent_new (&self->services);
    self->services.sessions = HENB_SESSION_POLICY (self->agent);
    g_signal_connect (self->agent, "changed", G_CALLBACK (on_agent_changed), self);
    g_signal_connect_swapped (self->services.store, "events-changed", G_CALLBACK (update_management), self);
    g_signal_connect (self->agent, "reboot", G_CALLBACK (on_agent_reboot), self);
    g_signal_connect (self->agent, "factory-reset", G_CALLBACK (on_agent_factory_reset), self);
    g_signal_connect (self->agent, "reregister", G_CALLBACK (on_agent_reregister), self);
    g_signal_connect (self->agent, "s1-changed", G_CALLBACK (on_agent_s1_changed), self);
    update_management_now (self);

    if (config->radio_backend != NULL) {
        HenbPlugin *backend = henb_plugin_manager_find (self->services.plugins, HENB_TYPE_RADIO_BACKEND,
                                                        config->radio_backend, error);
        if (backend == NULL) {
            g_prefix_error (error, "[Radio] Backend: ");
            return NULL;
        }
        self->radio = henb_radio_new (&self->services, self->agent, HENB_RADIO_BACKEND (backend));
    } else {
        self->radio = henb_radio_new (&self->services, self->agent, NULL);
    }

    g_signal_connect (self->skel_manager, "handle-start", G_CALLBACK (authorize), self);
    g_signal_connect (self->skel_manager, "handle-rediscover", G_CALLBACK (authorize), self);
    g_signal_connect (self->skel_manager, "handle-cancel", G_CALLBACK (authorize), self);
    g_signal_connect (self->skel_manager, "handle-set-logging", G_CALLBACK (authorize_set_logging), self);
    return g_steal_pointer (&self);
}

HenbState
henb_manager_get_state (HenbManager *self, HenbStateFailedReason *failed_reason)
{
    g_return_val_if_fail (HENB_IS_MANAGER (self), HENB_STATE_IDLE);
    if (failed_reason != NULL)
        *failed_reason = henb_gdbus_manager_get_state_failed_reason (self->skel_manager);
    return self->state;
}

gchar *
henb_manager_dup_last_error (HenbManager *self, gchar **message)
{
    GVariant *last = henb_gdbus_manager_get_last_error (self->skel_manager);
    const gchar *name = "", *text = "";

    g_return_val_if_fail (HENB_IS_MANAGER (self), NULL);
    if (last != NULL)
        g_variant_get (last, "(&s&s)", &name, &text);
    if (message != NULL)
        *message = g_strdup (text);
    return g_strdup (name);
}

gboolean
henb_manager_export (HenbManager *self, GDBusConnection *connection, GError **error)
{
    if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skel_manager), connection,
                                           HENB_DBUS_PATH, error) ||
        !g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skel_procedure), connection,
                                           HENB_DBUS_PATH, error) ||
        !g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skel_serving), connection,
                                           HENB_DBUS_PATH, error) ||
        !g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skel_tunnel), connection,
                                           HENB_DBUS_PATH, error) ||
        !g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skel_management), connection,
                                           HENB_DBUS_PATH, error) ||
        !g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skel_cr), connection,
                                           HENB_DBUS_PATH, error) ||
        !henb_radio_export (self->radio, connection, error))
        return FALSE;
    return TRUE;
}
