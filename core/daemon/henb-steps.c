/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-errors.h"
#include "henb-file.h"
#include "henb-hems-connection.h"
#include "henb-hems-versions.h"
#include "henb-ipsec-backend.h"
#include "henb-s1.h"
#include "henb-steps.h"
#include "henb-transport.h"
#include "henb-value-syntax.h"

#define ROLE(step) ((HenbHemsRole) GPOINTER_TO_INT ((step)->data))

static void
return_result (GTask *task, HenbStepResult result)
{
    g_task_return_int (task, result);
    g_object_unref (task);
}

static void
return_error (GTask *task, GError *error)
{
    g_task_return_error (task, error);
    g_object_unref (task);
}

/* Points the link at the URL the role calls for: the factory Initial HeMS, or the Serving
 * HeMS the Initial HeMS configured. The Serving HeMS URL is a value a HeMS set (or an older
 * henbd stored): refusing it is Procedure.NoServingHems or Procedure.InsecureUrl, after which
 * the manager forgets it and asks the Initial HeMS again. Only the factory URL is a
 * configuration error. */
static gboolean
link_prepare (HenbProcedure *proc, HenbHemsRole role, GError **error)
{
    const HenbServices *svc = henb_procedure_get_services (proc);
    HenbHemsLink *link = henb_procedure_get_link (proc, role);
    g_autofree gchar *url = NULL;
    g_autofree gchar *host = NULL;
    g_autoptr(GError) error_local = NULL;

    if (link->url != NULL)
        return TRUE;
    url = role == HENB_HEMS_INITIAL ? g_strdup (svc->config->initial_hems_url)
                                    : henb_data_model_get (svc->dm, HENB_DM_MS_URL);
    if (!henb_value_check_hems_url (url, svc->config->variant, svc->config->allow_plain_http, &error_local)) {
        if (role == HENB_HEMS_INITIAL)
            g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                         "Initial HeMS URL refused: %s", error_local->message);
        else if (g_error_matches (error_local, HENB_PROCEDURE_ERROR, HENB_PROCEDURE_ERROR_INSECURE_URL))
            g_set_error (error, HENB_PROCEDURE_ERROR, HENB_PROCEDURE_ERROR_INSECURE_URL,
                         "refusing the Serving HeMS URL (%s): %s", HENB_DM_MS_URL, error_local->message);
        else
            g_set_error (error, HENB_PROCEDURE_ERROR, HENB_PROCEDURE_ERROR_NO_SERVING_HEMS,
                         "the stored Serving HeMS URL (%s) is unusable: %s", HENB_DM_MS_URL,
                         error_local->message);
        return FALSE;
    }
    /* checked: GLib reads the same host */
    henb_value_check_url (url, &host, NULL);
    link->https = g_ascii_strncasecmp (url, "https:", 6) == 0;
    link->url = g_steal_pointer (&url);
    link->host = g_steal_pointer (&host);
    link->host_is_ip = g_hostname_is_ip_address (link->host);
    return TRUE;
}

static HenbStep *
role_step_new (const gchar *id, const gchar *name, HenbState state, HenbHemsRole role,
               HenbStepRunFunc run, guint weight, guint timeout)
{
    HenbStep *step = henb_step_new (id, name, state, run, GINT_TO_POINTER (role), NULL);

    step->weight = weight;
    step->timeout = timeout;
    return step;
}

static const HenbConfig *
config_of (HenbProcedure *proc)
{
    return henb_procedure_get_services (proc)->config;
}

/* A step toward a HeMS runs: its failure is a failed session attempt (TR-069 RetryCount). */
static void
begin_attempt (HenbProcedure *proc)
{
    henb_session_policy_begin_attempt (henb_procedure_get_services (proc)->sessions);
}

/* ------------------------------------------------------------------------------------------ */
/* resolve */

static void
resolve_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbProcedure *proc = g_task_get_source_object (task);
    HenbStep *step = g_task_get_task_data (task);
    HenbHemsLink *link = henb_procedure_get_link (proc, ROLE (step));
    GError *error = NULL;
    GList *addresses = henb_resolver_lookup_finish (HENB_RESOLVER (source), res, &error);
    g_autoptr(GString) text = g_string_new (NULL);

    if (addresses == NULL) {
        return_error (task, error);
        return;
    }
    for (GList *l = addresses; l != NULL; l = l->next) {
        g_autofree gchar *a = g_inet_address_to_string (l->data);
        g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "", a);
    }
    henb_resolver_pin (HENB_RESOLVER (source), link->host, addresses);
    henb_procedure_set_step_detail (proc, "%s is %s", link->host, text->str);
    g_resolver_free_addresses (addresses);
    return_result (task, HENB_STEP_RESULT_OK);
}

static void
resolve_run (HenbStep *step, HenbProcedure *proc, GTask *task)
{
    const HenbServices *svc = henb_procedure_get_services (proc);
    HenbHemsLink *link = henb_procedure_get_link (proc, ROLE (step));
    GError *error = NULL;

    g_task_set_task_data (task, step, NULL);
    begin_attempt (proc);
    if (!link_prepare (proc, ROLE (step), &error)) {
        return_error (task, error);
        return;
    }
    if (link->host_is_ip) {
        henb_procedure_set_step_detail (proc, "%s is an IP address", link->host);
        return_result (task, HENB_STEP_RESULT_SKIPPED);
        return;
    }
    henb_resolver_lookup_async (svc->resolver, link->host,
                                henb_procedure_get_dns_servers (proc, ROLE (step)),
                                g_task_get_cancellable (task), resolve_done, task);
}

/* The resolver gives up on a silent server by itself, naming it, after up to max(4, Resolve) s
 * (A and AAAA, two tries each, whole seconds): a lookup's deadline leaves it that room, as the
 * connect step's does for the transport. */
static guint
lookup_deadline (HenbProcedure *proc)
{
    return config_of (proc)->resolve_timeout + 5;
}

HenbStep *
henb_step_resolve_hems_new (HenbProcedure *proc, const gchar *id, const gchar *name, HenbState state,
                            HenbHemsRole role)
{
    return role_step_new (id, name, state, role, resolve_run, 1, lookup_deadline (proc));
}

/* ------------------------------------------------------------------------------------------ */
/* connect */

static void
connect_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbProcedure *proc = g_task_get_source_object (task);
    GError *error = NULL;
    g_autofree gchar *described = NULL;

    if (!henb_cwmp_transport_connect_finish (HENB_CWMP_TRANSPORT (source), res, &error)) {
        return_error (task, error);
        return;
    }
    described = henb_cwmp_transport_describe (HENB_CWMP_TRANSPORT (source));
    henb_procedure_set_step_detail (proc, "%s", described);
    return_result (task, HENB_STEP_RESULT_OK);
}

static void
connect_run (HenbStep *step, HenbProcedure *proc, GTask *task)
{
    const HenbServices *svc = henb_procedure_get_services (proc);
    HenbHemsLink *link = henb_procedure_get_link (proc, ROLE (step));
    GError *error = NULL;

    begin_attempt (proc);
    if (!link_prepare (proc, ROLE (step), &error)) {
        return_error (task, error);
        return;
    }
    if (link->https && link->tls == NULL) {
        link->tls = henb_device_tls_context_new (svc, &error);
        if (link->tls == NULL) {
            return_error (task, error);
            return;
        }
    }
    g_clear_object (&link->transport);
    link->transport = henb_hems_transport_new (svc, link->url, link->tls, &error);
    if (link->transport == NULL) {
        return_error (task, error);
        return;
    }
    henb_cwmp_transport_connect_async (link->transport, g_task_get_cancellable (task), connect_done, task);
}

HenbStep *
henb_step_connect_hems_new (HenbProcedure *proc, const gchar *id, const gchar *name, HenbState state,
                            HenbHemsRole role)
{
    return role_step_new (id, name, state, role, connect_run, 2, config_of (proc)->connect_timeout + 5);
}

/* ------------------------------------------------------------------------------------------ */
/* inform */

static void
trace_envelope (gboolean outgoing, const gchar *method, GBytes *envelope, gpointer user_data)
{
    henb_trace_envelope (HENB_TRACE (user_data), outgoing, method, envelope);
}

typedef struct {
    HenbStep  *step;
    GPtrArray *events;
} InformData;

static void
inform_data_free (InformData *d)
{
    g_ptr_array_unref (d->events);
    g_free (d);
}

static void
inform_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbProcedure *proc = g_task_get_source_object (task);
    const HenbServices *svc = henb_procedure_get_services (proc);
    InformData *d = g_task_get_task_data (task);
    g_autoptr(GError) error_save = NULL;
    g_autoptr(GString) codes = g_string_new (NULL);
    g_autoptr(GPtrArray) delivered = g_ptr_array_new ();
    GError *error = NULL;

    if (!henb_cwmp_session_inform_finish (HENB_CWMP_SESSION (source), res, &error)) {
        HenbHemsLink *link = henb_procedure_get_link (proc, ROLE (d->step));

        /* a HeMS of an older CWMP: the same Inform at once, in its version or the next older
         * one (each fallback is older than the last: it ends at 1.0) */
        if (g_error_matches (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_UNSUPPORTED_VERSION)) {
            HenbCwmpVersion version = henb_cwmp_session_get_fallback_version (HENB_CWMP_SESSION (source));

            g_message ("%s: informing again in %s", error->message, henb_cwmp_version_namespace (version));
            /* and the next run, after a restart too, starts in it */
            henb_hems_version_remember (svc->store, link->url, version);
            g_clear_error (&error);
            g_clear_object (&link->session);
            link->session = henb_cwmp_session_new (link->transport, svc->dm, version);
            if (svc->trace != NULL)
                henb_cwmp_session_set_trace_func (link->session, trace_envelope, svc->trace);
            henb_session_policy_prepare_session (svc->sessions, link->session, ROLE (d->step));
            henb_cwmp_session_inform_async (link->session, d->events,
                                            henb_session_policy_get_inform_retry_count (svc->sessions),
                                            g_task_get_cancellable (task), inform_done, task);
            return;
        }
        return_error (task, error);
        return;
    }
    henb_hems_version_remember (svc->store, henb_procedure_get_link (proc, ROLE (d->step))->url,
                                henb_cwmp_session_get_version (HENB_CWMP_SESSION (source)));
    /* the InformResponse acknowledged them: delivered exactly once, but for 0 BOOTSTRAP, which
     * stays until the bootstrap is done (release_run) */
    for (guint i = 0; i < d->events->len; i++) {
        if (!g_str_equal (((HenbCwmpEvent *) d->events->pdata[i])->code, "0 BOOTSTRAP"))
            g_ptr_array_add (delivered, d->events->pdata[i]);
    }
    /* the store logs a failed write once and retries it */
    if (!henb_store_retire_events (svc->store, delivered, &error_save))
        g_debug ("delivered events stay queued: %s", error_save->message);
    for (guint i = 0; i < d->events->len; i++)
        g_string_append_printf (codes, "%s%s", i > 0 ? ", " : "",
                                ((HenbCwmpEvent *) d->events->pdata[i])->code);
    henb_procedure_set_step_detail (proc, "events [%s], %s", codes->str,
                                    henb_cwmp_version_namespace (
                                        henb_cwmp_session_get_version (HENB_CWMP_SESSION (source))));
    return_result (task, HENB_STEP_RESULT_OK);
}

static void
inform_run (HenbStep *step, HenbProcedure *proc, GTask *task)
{
    const HenbServices *svc = henb_procedure_get_services (proc);
    HenbHemsLink *link = henb_procedure_get_link (proc, ROLE (step));
    InformData *d = g_new0 (InformData, 1);

    g_return_if_fail (link->transport != NULL);
    begin_attempt (proc);
    d->step = step;
    d->events = henb_store_dup_events (svc->store);
    g_task_set_task_data (task, d, (GDestroyNotify) inform_data_free);

    g_clear_object (&link->session);
    link->session = henb_cwmp_session_new (link->transport, svc->dm,
                                           henb_hems_version_lookup (svc->store, link->url,
                                                                     svc->config->cwmp_version));
    if (svc->trace != NULL)
        henb_cwmp_session_set_trace_func (link->session, trace_envelope, svc->trace);
    /* either HeMS learns the Connection Request URL from this very Inform: the Initial HeMS
     * too, through the tunnel to the Initial SeGW when there is one */
    henb_session_policy_link_up (svc->sessions, henb_procedure_get_tunnel (proc, ROLE (step)), link->url);
    henb_session_policy_prepare_session (svc->sessions, link->session, ROLE (step));
    /* prepare_session may queue events: read them after it */
    g_ptr_array_unref (d->events);
    d->events = henb_store_dup_events (svc->store);
    /* Every Inform states its cause (TR-069: at least one event). The Initial HeMS is asked
     * only while no Serving HeMS is known, which is a bootstrap however often it is retried:
     * 0 BOOTSTRAP each time, so that a HeMS provisioning on it acts on a retry too (1 BOOT
     * stays queued until an InformResponse acknowledged it). A run with nothing else to say
     * (a registration after a lost tunnel, a failed S1 set-up, Start) is henbd starting the
     * HeNB's service over, as a Reboot without RebootCommand does: 1 BOOT. */
    if (ROLE (step) == HENB_HEMS_INITIAL)
        henb_store_events_ensure (d->events, "0 BOOTSTRAP");
    if (d->events->len == 0)
        henb_store_events_ensure (d->events, "1 BOOT");
    henb_cwmp_session_inform_async (link->session, d->events,
                                    henb_session_policy_get_inform_retry_count (svc->sessions),
                                    g_task_get_cancellable (task), inform_done, task);
}

HenbStep *
henb_step_inform_new (HenbProcedure *proc, const gchar *id, const gchar *name, HenbState state,
                      HenbHemsRole role)
{
    const HenbConfig *config = config_of (proc);

    /* the HeMS may close the connection after the handshake: room for a reconnect */
    return role_step_new (id, name, state, role, inform_run, 2,
                          config->connect_timeout + config->response_timeout + 5);
}

/* ------------------------------------------------------------------------------------------ */
/* serve */

static void
serve_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbProcedure *proc = g_task_get_source_object (task);
    GError *error = NULL;
    g_autofree gchar *summary = NULL;

    if (!henb_cwmp_session_serve_finish (HENB_CWMP_SESSION (source), res, &error)) {
        return_error (task, error);
        return;
    }
    /* completed: whatever the procedure concludes now, the next Inform is a first attempt */
    henb_session_policy_session_completed (henb_procedure_get_services (proc)->sessions);
    /* what the HeMS did, faults included: "answered" says nothing of a request refused */
    summary = henb_cwmp_session_describe (HENB_CWMP_SESSION (source));
    henb_procedure_set_step_detail (proc, "%s", summary);
    return_result (task, HENB_STEP_RESULT_OK);
}

static void
serve_run (HenbStep *step, HenbProcedure *proc, GTask *task)
{
    HenbHemsLink *link = henb_procedure_get_link (proc, ROLE (step));

    g_return_if_fail (link->session != NULL);
    henb_cwmp_session_serve_async (link->session, g_task_get_cancellable (task), serve_done, task);
}

HenbStep *
henb_step_serve_hems_new (HenbProcedure *proc, const gchar *id, const gchar *name, HenbState state,
                          HenbHemsRole role)
{
    return role_step_new (id, name, state, role, serve_run, 2, config_of (proc)->session_timeout);
}

/* ------------------------------------------------------------------------------------------ */
/* release */

static void
release_run (HenbStep *step, HenbProcedure *proc, GTask *task)
{
    const HenbServices *svc = henb_procedure_get_services (proc);
    HenbHemsLink *link = henb_procedure_get_link (proc, ROLE (step));
    g_autofree gchar *url = henb_data_model_get (svc->dm, HENB_DM_MS_URL);
    g_autoptr(GError) error_save = NULL;

    if (link->session != NULL)
        henb_cwmp_session_close (link->session);
    g_clear_object (&link->session);
    g_clear_object (&link->transport);

    if (ROLE (step) == HENB_HEMS_INITIAL) {
        g_autofree gchar *segw = henb_data_model_get (svc->dm, HENB_DM_GW_SECGW1);

        if (!henb_data_model_is_set (svc->dm, HENB_DM_MS_URL)) {
            return_error (task, g_error_new (HENB_PROCEDURE_ERROR, HENB_PROCEDURE_ERROR_NO_SERVING_HEMS,
                                             "the Initial HeMS ended the session without setting "
                                             "the Serving HeMS (%s)", HENB_DM_MS_URL));
            return;
        }
        /* in the private domain the Serving HeMS is only reachable through the Serving SeGW */
        if (svc->config->variant == HENB_DISCOVERY_VARIANT_PRIVATE_DOMAIN && segw[0] == '\0') {
            return_error (task, g_error_new (HENB_PROCEDURE_ERROR, HENB_PROCEDURE_ERROR_NO_SERVING_HEMS,
                                             "the Initial HeMS ended the session without setting "
                                             "the Serving SeGW (%s)", HENB_DM_GW_SECGW1));
            return;
        }
        henb_procedure_set_step_detail (proc, "Serving HeMS %s, Serving SeGW %s", url,
                                        segw[0] != '\0' ? segw : "(none)");
    } else {
        g_auto(GStrv) s1 = henb_data_model_get_list (svc->dm, HENB_DM_GW_S1_LIST);

        if (s1[0] == NULL) {
            return_error (task, g_error_new (HENB_PROCEDURE_ERROR, HENB_PROCEDURE_ERROR_NO_S1_ADDRESS,
                                             "neither the Initial nor the Serving HeMS set the S1 "
                                             "far-end address (%s)", HENB_DM_GW_S1_LIST));
            return;
        }
        /* the Serving HeMS did the bootstrap's work: 0 BOOTSTRAP is delivered, unless it moved
         * the HeNB to yet another HeMS in the session (that one is owed its own) */
        if (g_strcmp0 (url, link->url) == 0 && !henb_store_retire_event (svc->store, "0 BOOTSTRAP", &error_save))
            g_debug ("0 BOOTSTRAP stays queued: %s", error_save->message);
        henb_procedure_set_step_detail (proc, "S1 far end %s", s1[0]);
    }
    return_result (task, HENB_STEP_RESULT_OK);
}

HenbStep *
henb_step_release_new (HenbProcedure *proc, const gchar *id, const gchar *name, HenbState state,
                       HenbHemsRole role)
{
    return role_step_new (id, name, state, role, release_run, 1, 10);
}

/* ------------------------------------------------------------------------------------------ */
/* S1 */

typedef struct {
    HenbS1Request *request;
    GStrv          names;     /* S1SigLinkServerList items */
    guint          next;      /* next name to resolve */
    GPtrArray     *addresses; /* resolved, as strings */
    const gchar   *why;       /* a run after registration: what the HeMS changed */
    gboolean       ipsec_refused; /* the HeMS asked for IPsec, but there is no tunnel */
} S1Data;

static void
s1_data_free (S1Data *d)
{
    henb_s1_request_free (d->request);
    g_strfreev (d->names);
    g_ptr_array_unref (d->addresses);
    g_free (d);
}

static void s1_resolve_next (GTask *task);

static void
s1_handoff_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbProcedure *proc = g_task_get_source_object (task);
    S1Data *d = g_task_get_task_data (task);
    GError *error = NULL;
    g_autofree gchar *list = g_strjoinv (",", d->request->addresses);
    g_autofree gchar *up = NULL;
    const HenbS1Status *status;

    if (!henb_s1_handoff_start_finish (HENB_S1_HANDOFF (source), res, &error)) {
        return_error (task, error);
        return;
    }
    status = henb_s1_handoff_get_status (HENB_S1_HANDOFF (source));
    if (status != NULL && status->state == HENB_S1_LINK_UP)
        up = g_strdup_printf (": S1SetupResponse from %s, MME %s", status->far_end,
                              status->mme_name != NULL ? status->mme_name : "(no name)");
    henb_procedure_set_step_detail (proc, "%s%s%s port %u mode %s%s%s%s", d->why != NULL ? d->why : "",
                                    d->why != NULL ? ": " : "", list, d->request->port, d->request->mode,
                                    d->request->ipsec ? " over IPsec" : "",
                                    d->ipsec_refused ? " (the IPsec indicator is true, but there is no "
                                                       "tunnel: handed off without IPsec)" : "",
                                    up != NULL ? up : "");
    return_result (task, HENB_STEP_RESULT_OK);
}

static void
s1_resolved (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    S1Data *d = g_task_get_task_data (task);
    GError *error = NULL;
    GList *addresses = henb_resolver_lookup_finish (HENB_RESOLVER (source), res, &error);

    if (addresses == NULL) {
        g_prefix_error (&error, "S1 far end: ");
        return_error (task, error);
        return;
    }
    for (GList *l = addresses; l != NULL; l = l->next)
        g_ptr_array_add (d->addresses, g_inet_address_to_string (l->data));
    g_resolver_free_addresses (addresses);
    s1_resolve_next (task);
}

static void
s1_resolve_next (GTask *task)
{
    HenbProcedure *proc = g_task_get_source_object (task);
    const HenbServices *svc = henb_procedure_get_services (proc);
    S1Data *d = g_task_get_task_data (task);
    HenbPlugin *handoff;
    GError *error = NULL;

    while (d->names[d->next] != NULL) {
        const gchar *name = d->names[d->next++];

        if (!g_hostname_is_ip_address (name)) {
            henb_resolver_lookup_async (svc->resolver, name,
                                        henb_procedure_get_dns_servers (proc, HENB_HEMS_SERVING),
                                        g_task_get_cancellable (task), s1_resolved, task);
            return;
        }
        g_ptr_array_add (d->addresses, g_strdup (name));
    }
    /* two S1 backends are installed: the hand-off unless [S1] Backend names another */
    handoff = henb_plugin_manager_find (svc->plugins, HENB_TYPE_S1_HANDOFF,
                                        svc->config->s1_handoff != NULL ? svc->config->s1_handoff : "s1-handoff",
                                        &error);
    if (handoff == NULL) {
        return_error (task, error);
        return;
    }
    g_ptr_array_add (d->addresses, NULL);
    d->request->addresses = (GStrv) g_ptr_array_steal (d->addresses, NULL);
    henb_s1_handoff_start_async (HENB_S1_HANDOFF (handoff), d->request, g_task_get_cancellable (task),
                                 s1_handoff_done, task);
}

/* The cell of the S1SetupRequest: CellConfig.LTE as a HeMS set it, the factory's [S1] values
 * for what it did not. */
#define S1_CELL_LTE       "Device.Services.FAPService.1.CellConfig.LTE."
#define S1_CELL_IDENTITY  S1_CELL_LTE "RAN.Common.CellIdentity"
#define S1_CELL_TAC       S1_CELL_LTE "EPC.TAC"
#define S1_CELL_PLMN_LIST S1_CELL_LTE "EPC.PLMNList."

static void
s1_fill_cell (HenbS1Request *request, const HenbServices *svc)
{
    HenbDataModel *dm = svc->dm;
    g_autoptr(GStrvBuilder) plmns = g_strv_builder_new ();
    g_autoptr(GPtrArray) others = g_ptr_array_new_with_free_func (g_free);
    gboolean any = FALSE;

    request->cell_identity = henb_data_model_has_parameter (dm, S1_CELL_IDENTITY) &&
                             henb_data_model_is_set (dm, S1_CELL_IDENTITY)
        ? henb_data_model_get_uint (dm, S1_CELL_IDENTITY) & 0x0fffffff
        : svc->config->s1_cell_identity;
    request->tac = henb_data_model_has_parameter (dm, S1_CELL_TAC) && henb_data_model_is_set (dm, S1_CELL_TAC)
        ? henb_data_model_get_uint (dm, S1_CELL_TAC) : svc->config->s1_tac;
    {
        /* no such table before the cell model: no instances */
        g_autoptr(GArray) instances = henb_data_model_list_instances (dm, S1_CELL_PLMN_LIST);

        /* the enabled entries, the primary first (it names the Global eNB ID's PLMN) */
        for (guint i = 0; instances != NULL && i < instances->len; i++) {
            guint n = g_array_index (instances, guint, i);
            g_autofree gchar *base = g_strdup_printf (S1_CELL_PLMN_LIST "%u.", n);
            g_autofree gchar *enable = g_strconcat (base, "Enable", NULL);
            g_autofree gchar *primary = g_strconcat (base, "IsPrimary", NULL);
            g_autofree gchar *id_path = g_strconcat (base, "PLMNID", NULL);
            g_autofree gchar *id = henb_data_model_get (dm, id_path);

            if (!henb_data_model_get_boolean (dm, enable) || id == NULL || id[0] == '\0')
                continue;
            if (henb_data_model_get_boolean (dm, primary) && !any) {
                g_strv_builder_add (plmns, id);
                any = TRUE;
            } else {
                g_ptr_array_add (others, g_steal_pointer (&id));
            }
        }
        for (guint i = 0; i < others->len; i++)
            g_strv_builder_add (plmns, others->pdata[i]);
        any |= others->len > 0;
    }
    if (!any)
        g_strv_builder_addv (plmns, (const gchar **) svc->config->s1_plmns);
    request->plmns = g_strv_builder_end (plmns);
}

static void
s1_run (HenbStep *step, HenbProcedure *proc, GTask *task)
{
    const HenbServices *svc = henb_procedure_get_services (proc);
    S1Data *d = g_new0 (S1Data, 1);
    gboolean tunnel = henb_procedure_get_tunnel (proc, HENB_HEMS_SERVING) != NULL;

    d->why = step->data;
    d->request = g_new0 (HenbS1Request, 1);
    d->request->port = henb_data_model_get_uint (svc->dm, HENB_DM_GW_S1_PORT);
    d->request->mode = henb_data_model_get (svc->dm, HENB_DM_GW_S1_MODE);
    /* S1 cannot go through a tunnel that is not there: the S1AP stack would wait for one */
    d->ipsec_refused = henb_data_model_get_boolean (svc->dm, HENB_DM_GW_S1_IPSEC) && !tunnel;
    d->request->ipsec = henb_data_model_get_boolean (svc->dm, HENB_DM_GW_S1_IPSEC) && tunnel;
    if (d->ipsec_refused) {
        g_autofree gchar *indicator = henb_data_model_path (svc->dm, HENB_DM_GW_S1_IPSEC);

        g_message ("%s is true, but no tunnel to a Serving SeGW exists: S1 is handed off without IPsec",
                   indicator);
    }
    /* through the tunnel: from its inner address, so the packets take it */
    if (d->request->ipsec)
        d->request->local_address = g_strdup (henb_tunnel_get_inner_address (henb_procedure_get_tunnel (proc, HENB_HEMS_SERVING)));
    s1_fill_cell (d->request, svc);
    d->names = henb_data_model_get_list (svc->dm, HENB_DM_GW_S1_LIST);
    d->addresses = g_ptr_array_new_with_free_func (g_free);
    g_task_set_task_data (task, d, (GDestroyNotify) s1_data_free);
    s1_resolve_next (task);
}

HenbStep *
henb_step_s1_setup_new (HenbProcedure *proc, const gchar *id, const gchar *name, const gchar *why)
{
    HenbStep *step = henb_step_new (id, name, HENB_STATE_S1_SETUP, s1_run, g_strdup (why), g_free);

    step->timeout = config_of (proc)->resolve_timeout + config_of (proc)->s1_timeout;
    return step;
}

/* ------------------------------------------------------------------------------------------ */
/* SeGW: resolve, tunnel up, tunnel down */

static const gchar *const serving_segw_names[] = { "SecGWServer1", "SecGWServer2", "SecGWServer3" };

/* Fills the procedure's SeGW candidates for @role from the configuration. */
static void
collect_candidates (HenbProcedure *proc, HenbHemsRole role)
{
    const HenbServices *svc = henb_procedure_get_services (proc);
    GPtrArray *candidates = henb_procedure_get_segw_candidates (proc, role);

    g_ptr_array_set_size (candidates, 0);
    if (role == HENB_HEMS_INITIAL) {
        HenbSegwCandidate *c;

        if (svc->config->initial_segw == NULL)
            return;
        c = g_new0 (HenbSegwCandidate, 1);
        c->name = g_strdup ("InitialSeGW");
        c->host = g_strdup (svc->config->initial_segw);
        g_ptr_array_add (candidates, c);
        return;
    }
    for (guint i = 0; i < G_N_ELEMENTS (serving_segw_names); i++) {
        g_autofree gchar *path = g_strconcat (HENB_DM_GW, serving_segw_names[i], NULL);
        g_autofree gchar *host = henb_data_model_get (svc->dm, path);
        HenbSegwCandidate *c;

        if (host == NULL || host[0] == '\0')
            continue;
        c = g_new0 (HenbSegwCandidate, 1);
        c->name = g_strdup (serving_segw_names[i]);
        c->host = g_steal_pointer (&host);
        g_ptr_array_add (candidates, c);
    }
}

typedef struct {
    HenbHemsRole role;
    guint        next;      /* candidate being worked on */
    GError      *last;      /* why the last candidate failed */
    guint        failures;
} SegwRun;

static void
segw_run_free (SegwRun *r)
{
    g_clear_error (&r->last);
    g_free (r);
}

static void segw_resolve_next (GTask *task);

static void
segw_resolved (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbProcedure *proc = g_task_get_source_object (task);
    SegwRun *r = g_task_get_task_data (task);
    HenbSegwCandidate *c = henb_procedure_get_segw_candidates (proc, r->role)->pdata[r->next];
    g_autoptr(GError) error = NULL;
    GList *addresses = henb_resolver_lookup_finish (HENB_RESOLVER (source), res, &error);

    if (addresses == NULL) {
        g_autofree gchar *what = g_strdup_printf ("%s %s", c->name, c->host);

        if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            return_error (task, g_steal_pointer (&error));
            return;
        }
        /* a SeGW whose name does not resolve is skipped: the next one may */
        henb_procedure_record_attempt (proc, what, error);
        g_clear_error (&r->last);
        r->last = g_steal_pointer (&error);
        r->failures++;
    } else {
        c->address = g_object_ref (addresses->data);
        g_resolver_free_addresses (addresses);
    }
    r->next++;
    segw_resolve_next (task);
}

static void
segw_resolve_next (GTask *task)
{
    HenbProcedure *proc = g_task_get_source_object (task);
    const HenbServices *svc = henb_procedure_get_services (proc);
    SegwRun *r = g_task_get_task_data (task);
    GPtrArray *candidates = henb_procedure_get_segw_candidates (proc, r->role);
    g_autoptr(GString) text = g_string_new (NULL);

    for (; r->next < candidates->len; r->next++) {
        HenbSegwCandidate *c = candidates->pdata[r->next];

        if (g_hostname_is_ip_address (c->host)) {
            c->address = g_inet_address_new_from_string (c->host);
            continue;
        }
        henb_resolver_lookup_async (svc->resolver, c->host, NULL, g_task_get_cancellable (task),
                                    segw_resolved, task);
        return;
    }
    if (r->failures == candidates->len) {
        return_error (task, g_steal_pointer (&r->last));
        return;
    }
    for (guint i = 0; i < candidates->len; i++) {
        HenbSegwCandidate *c = candidates->pdata[i];
        g_autofree gchar *a = c->address != NULL ? g_inet_address_to_string (c->address) : NULL;

        g_string_append_printf (text, "%s%s %s", text->len > 0 ? ", " : "", c->host,
                                a == NULL ? "(unresolved)" : g_hostname_is_ip_address (c->host) ? "(IP address)" : a);
    }
    henb_procedure_set_step_detail (proc, "%s", text->str);
    /* nothing to resolve when every SeGW is configured as an IP address */
    for (guint i = 0; i < candidates->len; i++) {
        if (!g_hostname_is_ip_address (((HenbSegwCandidate *) candidates->pdata[i])->host)) {
            return_result (task, HENB_STEP_RESULT_OK);
            return;
        }
    }
    return_result (task, HENB_STEP_RESULT_SKIPPED);
}

static void
resolve_segw_run (HenbStep *step, HenbProcedure *proc, GTask *task)
{
    SegwRun *r = g_new0 (SegwRun, 1);

    r->role = ROLE (step);
    g_task_set_task_data (task, r, (GDestroyNotify) segw_run_free);
    begin_attempt (proc);
    collect_candidates (proc, r->role);
    if (henb_procedure_get_segw_candidates (proc, r->role)->len == 0) {
        henb_procedure_set_step_detail (proc, "no %s SeGW configured",
                                        r->role == HENB_HEMS_INITIAL ? "Initial" : "Serving");
        return_result (task, HENB_STEP_RESULT_SKIPPED);
        return;
    }
    segw_resolve_next (task);
}

HenbStep *
henb_step_resolve_segw_new (HenbProcedure *proc, const gchar *id, const gchar *name, HenbState state,
                            HenbHemsRole role)
{
    /* each of up to three names may take the full resolve time */
    return role_step_new (id, name, state, role, resolve_segw_run, 1, 3 * lookup_deadline (proc));
}

/* The device's IKE identity: configured, or the first DNS name of its certificate. */
static gchar *
local_identity (const HenbConfig *config)
{
    g_autoptr(GTlsCertificate) cert = NULL;
    g_autoptr(GPtrArray) names = NULL;
    g_autofree gchar *pem = NULL;
    gsize pem_len = 0;

    if (config->local_identity != NULL)
        return g_strdup (config->local_identity);
    if (henb_file_read (config->device_certificate, "device certificate", HENB_FILE_MAX_CREDENTIAL,
                        HENB_FILE_FLAGS_NONE, &pem, &pem_len, NULL))
        cert = g_tls_certificate_new_from_pem (pem, (gssize) pem_len, NULL);
    if (cert != NULL)
        names = g_tls_certificate_get_dns_names (cert);
    if (names != NULL && names->len > 0) {
        gsize len;
        const gchar *data = g_bytes_get_data (names->pdata[0], &len);
        return g_strndup (data, len);
    }
    return NULL;
}

static void tunnel_try_next (GTask *task);

static void
tunnel_established (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbProcedure *proc = g_task_get_source_object (task);
    SegwRun *r = g_task_get_task_data (task);
    HenbSegwCandidate *c = henb_procedure_get_segw_candidates (proc, r->role)->pdata[r->next];
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbTunnel) tunnel = henb_ipsec_provider_establish_finish (HENB_IPSEC_PROVIDER (source), res, &error);
    g_autofree gchar *what = g_strdup_printf ("%s %s", c->name, c->host);
    g_autofree gchar *dns = NULL;

    if (tunnel == NULL) {
        if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
            g_cancellable_is_cancelled (g_task_get_cancellable (task))) {
            return_error (task, g_steal_pointer (&error));
            return;
        }
        g_prefix_error (&error, "%s: ", what);
        if (henb_procedure_get_segw_candidates (proc, r->role)->len > 1)
            henb_procedure_record_attempt (proc, what, error);
        g_clear_error (&r->last);
        r->last = g_steal_pointer (&error);
        r->next++;
        tunnel_try_next (task);
        return;
    }
    henb_procedure_set_tunnel (proc, r->role, tunnel);
    dns = g_strjoinv (", ", (GStrv) henb_tunnel_get_dns_servers (tunnel));
    henb_procedure_set_step_detail (proc, "%s via %s: inner address %s, DNS %s", what,
                                    henb_tunnel_get_backend (tunnel),
                                    henb_tunnel_get_inner_address (tunnel), dns[0] != '\0' ? dns : "(none)");
    return_result (task, HENB_STEP_RESULT_OK);
}

static void
tunnel_try_next (GTask *task)
{
    HenbProcedure *proc = g_task_get_source_object (task);
    const HenbServices *svc = henb_procedure_get_services (proc);
    SegwRun *r = g_task_get_task_data (task);
    GPtrArray *candidates = henb_procedure_get_segw_candidates (proc, r->role);
    g_autofree gchar *identity = NULL;
    HenbPlugin *provider;
    HenbIpsecParams params = { 0 };
    GError *error = NULL;

    /* SeGWs whose names did not resolve were already reported */
    while (r->next < candidates->len && ((HenbSegwCandidate *) candidates->pdata[r->next])->address == NULL)
        r->next++;
    if (r->next >= candidates->len) {
        return_error (task, r->last != NULL ? g_steal_pointer (&r->last)
                                            : g_error_new_literal (HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_UNREACHABLE,
                                                                   "no SeGW could be reached"));
        return;
    }
    provider = HENB_PLUGIN (henb_ipsec_backend_choose (svc->plugins, svc->config->keyfile, NULL, &error));
    if (provider == NULL) {
        return_error (task, error);
        return;
    }
    identity = local_identity (svc->config);
    params.label = r->role == HENB_HEMS_INITIAL ? "initial" : "serving";
    params.gateway = ((HenbSegwCandidate *) candidates->pdata[r->next])->host;
    params.gateway_address = ((HenbSegwCandidate *) candidates->pdata[r->next])->address;
    params.root_ca_file = svc->config->root_ca;
    params.certificate_file = svc->config->device_certificate;
    params.key_file = svc->config->device_key;
    params.local_identity = identity;
    params.timeout = svc->config->ike_timeout;
    henb_ipsec_provider_establish_async (HENB_IPSEC_PROVIDER (provider), &params, g_task_get_cancellable (task),
                                         tunnel_established, task);
}

static void
closes_waited (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    GError *error = NULL;

    if (!henb_procedure_wait_closes_finish (HENB_PROCEDURE (source), res, &error)) {
        return_error (task, error);
        return;
    }
    tunnel_try_next (task);
}

static void
tunnel_run (HenbStep *step, HenbProcedure *proc, GTask *task)
{
    SegwRun *r = g_new0 (SegwRun, 1);

    r->role = ROLE (step);
    g_task_set_task_data (task, r, (GDestroyNotify) segw_run_free);
    begin_attempt (proc);
    if (henb_procedure_get_segw_candidates (proc, r->role)->len == 0) {
        henb_procedure_set_step_detail (proc, "no %s SeGW configured",
                                        r->role == HENB_HEMS_INITIAL ? "Initial" : "Serving");
        return_result (task, HENB_STEP_RESULT_SKIPPED);
        return;
    }
    /* the previous tunnel's close ran alongside the SeGW's DNS lookup; it ends before the next
     * tunnel starts: an IPsec backend may serve one tunnel at a time (charon-nm), or learn the
     * DNS servers of every tunnel up from one place (charon's resolve file) */
    henb_procedure_wait_closes_async (proc, g_task_get_cancellable (task), closes_waited, task);
}

HenbStep *
henb_step_tunnel_new (HenbProcedure *proc, const gchar *id, const gchar *name, HenbState state,
                      HenbHemsRole role)
{
    HenbStep *step = role_step_new (id, name, state, role, tunnel_run, 3,
                                    3 * (config_of (proc)->ike_timeout + 5));

    step->security_reason = HENB_STATE_FAILED_REASON_IPSEC;
    return step;
}

static void
close_tunnel_run (HenbStep *step, HenbProcedure *proc, GTask *task)
{
    g_autoptr(HenbTunnel) tunnel = henb_procedure_steal_tunnel (proc, ROLE (step));

    if (tunnel == NULL) {
        henb_procedure_set_step_detail (proc, "no tunnel to close");
        return_result (task, HENB_STEP_RESULT_SKIPPED);
        return;
    }
    /* The deletion is asked for here; waiting for the SeGW's answer would hold the serving
     * stage back one round trip for nothing: the next tunnel step waits for it instead, by
     * then long over. */
    henb_procedure_close_tunnel_in_background (proc, tunnel);
    henb_procedure_set_step_detail (proc, "tunnel to %s closing", henb_tunnel_get_gateway (tunnel));
    return_result (task, HENB_STEP_RESULT_OK);
}

HenbStep *
henb_step_close_tunnel_new (HenbProcedure *proc, const gchar *id, const gchar *name, HenbState state,
                            HenbHemsRole role)
{
    HenbStep *step = role_step_new (id, name, state, role, close_tunnel_run, 1, config_of (proc)->ike_timeout);

    step->security_reason = HENB_STATE_FAILED_REASON_IPSEC;
    return step;
}

/* ------------------------------------------------------------------------------------------ */

void
henb_steps_add_registration (HenbProcedure *proc, GPtrArray *steps, gboolean after_discovery)
{
    const HenbServices *svc = henb_procedure_get_services (proc);

    /* After discovery, the discovery plugin has already reached and resolved the Serving HeMS.
     * Without it, 5.1.3's precondition is rebuilt: discovery's last steps again, with the ids
     * the clause gives them (5.1.2.2 steps 6.1-6.5; 5.1.2.3 calls them 5.1-5.5). */
    if (!after_discovery) {
        g_autofree gchar *segw = henb_data_model_get (svc->dm, HENB_DM_GW_SECGW1);
        gboolean private_domain = svc->config->variant == HENB_DISCOVERY_VARIANT_PRIVATE_DOMAIN;

        if (segw[0] != '\0') {
            g_ptr_array_add (steps, henb_step_resolve_segw_new (proc, private_domain ? "5.1.2.2/6.1-6.2" : "5.1.2.3/5.1-5.2",
                                                                "resolve-serving-segw", HENB_STATE_CONNECTING,
                                                                HENB_HEMS_SERVING));
            g_ptr_array_add (steps, henb_step_tunnel_new (proc, private_domain ? "5.1.2.2/6.3" : "5.1.2.3/5.3",
                                                          "tunnel-serving-segw", HENB_STATE_CONNECTING,
                                                          HENB_HEMS_SERVING));
        }
        g_ptr_array_add (steps, henb_step_resolve_hems_new (proc, private_domain ? "5.1.2.2/6.4-6.5" : "5.1.2.3/5.4-5.5",
                                                            "resolve-serving-hems", HENB_STATE_CONNECTING,
                                                            HENB_HEMS_SERVING));
    }
    g_ptr_array_add (steps, henb_step_connect_hems_new (proc, "5.1.3/1", "connect-serving-hems",
                                                        HENB_STATE_CONNECTING, HENB_HEMS_SERVING));
    g_ptr_array_add (steps, henb_step_inform_new (proc, "5.1.3/1.1-1.2", "inform-serving-hems",
                                                  HENB_STATE_REGISTERING, HENB_HEMS_SERVING));
    g_ptr_array_add (steps, henb_step_serve_hems_new (proc, "5.1.3/2.1-2.2", "receive-s1-configuration",
                                                      HENB_STATE_REGISTERING, HENB_HEMS_SERVING));
    g_ptr_array_add (steps, henb_step_release_new (proc, "5.1.3/3", "release-serving-session",
                                                   HENB_STATE_REGISTERING, HENB_HEMS_SERVING));
    g_ptr_array_add (steps, henb_step_s1_setup_new (proc, "5.1.3/4", "start-s1-setup", NULL));
}
