/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-errors.h"
#include "henb-cwmp-codec.h"
#include "henb-cwmp-rpc.h"
#include "henb-cwmp-session.h"
#include "henb-cwmp-summary.h"

typedef struct {
    HenbCwmpMessage    *msg;
    HenbCwmpRequestDone done;
    gpointer            user_data;
} PendingRequest;

static void
pending_request_free (PendingRequest *p)
{
    henb_cwmp_message_free (p->msg);
    g_free (p);
}

struct _HenbCwmpSession {
    GObject            parent_instance;
    HenbCwmpTransport *transport;
    HenbDataModel     *dm;
    HenbCwmpVersion    version;
    gsize              max_envelope_size;
    HenbCwmpTraceFunc  trace_func;
    gpointer           trace_data;
    GHashTable        *changed;  /* parameter names set in this session */
    gulong             changed_id;
    guint              request_count;
    guint              refused_count;  /* unreadable requests answered with a fault */
    guint              id_counter;
    const HenbCwmpRpcActions *actions;
    gpointer           actions_data;
    GQueue             requests;       /* PendingRequest: the CPE's own requests */
    PendingRequest    *in_flight;      /* sent, its answer not read yet */
    gboolean           hold;           /* the HeMS holds our requests (HoldRequests) */
    HenbCwmpVersion    fallback_version;
    gchar             *inform_id;      /* cwmp:ID of the last Inform */
    GPtrArray         *reported;       /* value changes the Inform carried */
    HenbCwmpSummary   *summary;        /* what the HeMS did */
};

G_DEFINE_TYPE (HenbCwmpSession, henb_cwmp_session, G_TYPE_OBJECT)

static void
on_parameters_changed (HenbDataModel *dm, GPtrArray *names, HenbCwmpSession *self)
{
    for (guint i = 0; i < names->len; i++)
        g_hash_table_add (self->changed, g_strdup (g_ptr_array_index (names, i)));
}

static void
henb_cwmp_session_dispose (GObject *object)
{
    HenbCwmpSession *self = HENB_CWMP_SESSION (object);

    if (self->changed_id != 0) {
        g_signal_handler_disconnect (self->dm, self->changed_id);
        self->changed_id = 0;
    }
    g_clear_object (&self->transport);
    g_clear_object (&self->dm);
    G_OBJECT_CLASS (henb_cwmp_session_parent_class)->dispose (object);
}

static void
henb_cwmp_session_finalize (GObject *object)
{
    HenbCwmpSession *self = HENB_CWMP_SESSION (object);

    g_hash_table_unref (self->changed);
    g_queue_clear_full (&self->requests, (GDestroyNotify) pending_request_free);
    g_clear_pointer (&self->in_flight, pending_request_free);
    g_clear_pointer (&self->reported, g_ptr_array_unref);
    henb_cwmp_summary_free (self->summary);
    g_free (self->inform_id);
    G_OBJECT_CLASS (henb_cwmp_session_parent_class)->finalize (object);
}

static void
henb_cwmp_session_class_init (HenbCwmpSessionClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS (klass);

    object_class->dispose = henb_cwmp_session_dispose;
    object_class->finalize = henb_cwmp_session_finalize;
}

static void
henb_cwmp_session_init (HenbCwmpSession *self)
{
    self->changed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    self->max_envelope_size = HENB_CWMP_MAX_ENVELOPE_SIZE;
    self->summary = henb_cwmp_summary_new ();
}

HenbCwmpSession *
henb_cwmp_session_new (HenbCwmpTransport *transport,
                       HenbDataModel     *dm,
                       HenbCwmpVersion    preferred_version)
{
    HenbCwmpSession *self;

    g_return_val_if_fail (HENB_IS_CWMP_TRANSPORT (transport), NULL);
    g_return_val_if_fail (HENB_IS_DATA_MODEL (dm), NULL);

    self = g_object_new (HENB_TYPE_CWMP_SESSION, NULL);
    self->transport = g_object_ref (transport);
    self->dm = g_object_ref (dm);
    self->version = preferred_version;
    henb_data_model_begin_session (dm);
    self->changed_id = g_signal_connect (dm, "parameters-changed",
                                         G_CALLBACK (on_parameters_changed), self);
    return self;
}

void
henb_cwmp_session_set_trace_func (HenbCwmpSession *self, HenbCwmpTraceFunc func, gpointer user_data)
{
    self->trace_func = func;
    self->trace_data = user_data;
}

void
henb_cwmp_session_set_max_envelope_size (HenbCwmpSession *self, gsize max_size)
{
    self->max_envelope_size = max_size > 0 ? max_size : HENB_CWMP_MAX_ENVELOPE_SIZE;
}

void
henb_cwmp_session_add_request (HenbCwmpSession *self, HenbCwmpMessage *request, HenbCwmpRequestDone done,
                               gpointer user_data)
{
    PendingRequest *p = g_new0 (PendingRequest, 1);

    p->msg = request;
    p->done = done;
    p->user_data = user_data;
    g_queue_push_tail (&self->requests, p);
}

HenbCwmpVersion
henb_cwmp_session_get_fallback_version (HenbCwmpSession *self)
{
    return self->fallback_version;
}

void
henb_cwmp_session_set_actions (HenbCwmpSession *self, const HenbCwmpRpcActions *actions, gpointer user_data)
{
    self->actions = actions;
    self->actions_data = user_data;
}

HenbCwmpTransport *
henb_cwmp_session_get_transport (HenbCwmpSession *self)
{
    return self->transport;
}

HenbCwmpVersion
henb_cwmp_session_get_version (HenbCwmpSession *self)
{
    return self->version;
}

gboolean
henb_cwmp_session_parameter_changed (HenbCwmpSession *self, const gchar *name)
{
    g_autofree gchar *expanded = henb_data_model_path (self->dm, name);

    return g_hash_table_contains (self->changed, expanded);
}

guint
henb_cwmp_session_get_request_count (HenbCwmpSession *self)
{
    return self->request_count;
}

gchar *
henb_cwmp_session_describe (HenbCwmpSession *self)
{
    return henb_cwmp_summary_describe (self->summary);
}

void
henb_cwmp_session_close (HenbCwmpSession *self)
{
    henb_cwmp_transport_close (self->transport);
}

static void
trace (HenbCwmpSession *self, gboolean outgoing, const gchar *method, GBytes *envelope)
{
    if (self->trace_func != NULL && envelope != NULL && g_bytes_get_size (envelope) > 0)
        self->trace_func (outgoing, method, envelope, self->trace_data);
}

static gboolean
has_event (GPtrArray *events, const gchar *code)
{
    for (guint i = 0; events != NULL && i < events->len; i++) {
        const HenbCwmpEvent *ev = g_ptr_array_index (events, i);
        if (g_str_equal (ev->code, code))
            return TRUE;
    }
    return FALSE;
}

HenbCwmpMessage *
henb_cwmp_session_build_inform (HenbCwmpSession *self,
                                GPtrArray       *events,
                                guint            retry_count,
                                GDateTime       *now)
{
    HenbCwmpMessage *inform = henb_cwmp_message_new (HENB_CWMP_METHOD_INFORM, self->version);
    g_autofree gchar *id = g_strdup_printf ("henb-%u", ++self->id_counter);

    henb_cwmp_message_set_id (inform, id);
    g_free (self->inform_id);
    self->inform_id = g_strdup (id);
    inform->device_id.manufacturer = henb_data_model_get (self->dm, HENB_DM_DEVINFO "Manufacturer");
    inform->device_id.oui = henb_data_model_get (self->dm, HENB_DM_DEVINFO "ManufacturerOUI");
    inform->device_id.product_class = henb_data_model_get (self->dm, HENB_DM_DEVINFO "ProductClass");
    inform->device_id.serial_number = henb_data_model_get (self->dm, HENB_DM_DEVINFO "SerialNumber");
    g_autoptr(GPtrArray) changes = henb_data_model_list_value_changes (self->dm);
    g_autoptr(GPtrArray) carried = g_ptr_array_new ();
    gboolean value_change_due = changes->len > 0 && !has_event (events, "4 VALUE CHANGE");

    /* never more than the schema allows, whatever is queued */
    for (guint i = 0; events != NULL && i < events->len; i++)
        g_ptr_array_add (carried, g_ptr_array_index (events, i));
    henb_cwmp_events_fit_inform (carried, value_change_due ? 1 : 0);
    for (guint i = 0; i < carried->len; i++) {
        const HenbCwmpEvent *ev = g_ptr_array_index (carried, i);
        henb_cwmp_message_add_event (inform, ev->code, ev->command_key);
    }
    if (value_change_due)
        henb_cwmp_message_add_event (inform, "4 VALUE CHANGE", NULL);
    /* a CPE must send 1: it never packs several envelopes into one HTTP message */
    inform->max_envelopes = 1;
    inform->current_time = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
    inform->retry_count = retry_count;
    /* the header came with CWMP 1.4, whose envelopes use the cwmp-1-2 namespace */
    if (self->version >= HENB_CWMP_VERSION_1_2)
        inform->supported_versions = g_strdup (HENB_CWMP_SUPPORTED_VERSIONS);
    henb_data_model_add_forced_inform (self->dm, inform);
    for (guint i = 0; i < changes->len; i++) {
        const gchar *name = changes->pdata[i];
        g_autofree gchar *value = NULL;

        if (henb_cwmp_message_find_param (inform, name) != NULL)
            continue;
        value = henb_data_model_get (self->dm, name);
        henb_cwmp_message_add_param (inform, name, value, henb_data_model_get_type_of (self->dm, name));
    }
    henb_data_model_add_inform_parameters (self->dm, inform);
    g_clear_pointer (&self->reported, g_ptr_array_unref);
    self->reported = g_steal_pointer (&changes);
    return inform;
}

/* Turns an HTTP answer into the HeMS's message, or NULL when it ended its part (204/empty).
 * SOAP 1.1 sends a Fault with HTTP 500 (and some HeMS use other codes): a body that is an
 * envelope is read whatever the status, and acted on when it is a Fault. */
static gboolean
decode_response (HenbCwmpSession      *self,
                 HenbCwmpHttpResponse *response,
                 HenbCwmpMessage     **out_msg,
                 gchar               **out_argument_error,
                 GError              **error)
{
    gsize size = g_bytes_get_size (response->body);

    *out_msg = NULL;
    if (response->status == 401 || response->status == 407) {
        g_set_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_AUTH_FAILED,
                     "HeMS refused our credentials (HTTP %u)", response->status);
        return FALSE;
    }
    if (response->status == 204 || (response->status == 200 && size == 0 && response->dropped_size == 0))
        return TRUE;
    if (response->status != 200) {
        g_autoptr(HenbCwmpMessage) msg = NULL;

        if (size > 0)
            msg = henb_cwmp_parse (g_bytes_get_data (response->body, NULL), size, self->max_envelope_size,
                                   NULL, NULL);
        if (msg != NULL)
            trace (self, FALSE, msg->method_name, response->body);
        if (msg != NULL && msg->method == HENB_CWMP_METHOD_FAULT) {
            *out_msg = g_steal_pointer (&msg);
            return TRUE;
        }
        if (msg != NULL)
            g_set_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_HTTP_STATUS,
                         "HeMS answered HTTP %u with %s", response->status, msg->method_name);
        else
            g_set_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_HTTP_STATUS,
                         "HeMS answered HTTP %u", response->status);
        return FALSE;
    }
    /* too big for the transport to keep (its body is empty): refused as the codec refuses
     * a big envelope */
    if (response->dropped_size > 0) {
        g_set_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_TOO_LARGE,
                     "envelope of %" G_GSIZE_FORMAT " bytes exceeds the limit of %" G_GSIZE_FORMAT,
                     response->dropped_size, self->max_envelope_size);
        return FALSE;
    }
    *out_msg = henb_cwmp_parse (g_bytes_get_data (response->body, NULL), size,
                                self->max_envelope_size, out_argument_error, error);
    trace (self, FALSE, *out_msg != NULL ? (*out_msg)->method_name : "Malformed", response->body);
    return *out_msg != NULL;
}

/* "fault 8005 (Retry request)", or the SOAP faultcode and faultstring of a Fault without a
 * CWMP one, for LastError and the log. The HeMS's text stays as it sent it (libxml2 gave us
 * UTF-8): every client escapes what it shows (henbctl writes control characters C-style),
 * and escaping here would mangle non-ASCII text and be escaped twice. */
static gchar *
describe_fault (const HenbCwmpFault *fault, guint http_status)
{
    const gchar *string = fault->code != 0 ? (fault->string != NULL ? fault->string : "")
                                           : (fault->soap_string != NULL ? fault->soap_string : "");
    const gchar *soap_code = fault->soap_code != NULL ? fault->soap_code : "";
    g_autofree gchar *http = http_status != 200 ? g_strdup_printf (", HTTP %u", http_status) : g_strdup ("");

    if (fault->code != 0)
        return g_strdup_printf ("fault %u (%s)%s", fault->code, string, http);
    return g_strdup_printf ("SOAP fault %s (%s)%s", soap_code, string, http);
}

/* A fault that says the HeMS does not know the Inform in our namespace: 8006, a fault in an
 * older namespace, or a SOAP fault (no CWMP code) naming the Inform or our namespace as
 * unknown, e.g. "Client.ResourceNotFound: {urn:dslforum-org:cwmp-1-2}Inform not found". */
static gboolean
is_version_refusal (HenbCwmpSession *self, const HenbCwmpMessage *msg)
{
    const HenbCwmpFault *fault = msg->fault;
    g_autofree gchar *text = NULL;
    static const gchar *const unknown[] = { "not found", "unknown", "not supported", "unsupported",
                                            "no such", "cannot find", "no endpoint", "not recognized" };

    if (fault->code == HENB_CWMP_FAULT_ACS_VERSION_INCOMPATIBLE || msg->version < self->version)
        return TRUE;
    if (fault->code != 0)
        return FALSE;
    text = g_ascii_strdown (fault->soap_string != NULL ? fault->soap_string : "", -1);
    if (strstr (text, henb_cwmp_version_namespace (self->version)) != NULL)
        return TRUE;
    if (strstr (text, "inform") == NULL)
        return FALSE;
    for (guint i = 0; i < G_N_ELEMENTS (unknown); i++) {
        if (strstr (text, unknown[i]) != NULL)
            return TRUE;
    }
    return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Inform */

static void
inform_posted (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    HenbCwmpSession *self = g_task_get_source_object (task);
    g_autoptr(HenbCwmpHttpResponse) response = NULL;
    g_autoptr(HenbCwmpMessage) msg = NULL;
    g_autofree gchar *argument_error = NULL;
    GError *error = NULL;

    response = henb_cwmp_transport_post_finish (self->transport, res, &error);
    if (response == NULL || !decode_response (self, response, &msg, &argument_error, &error)) {
        g_task_return_error (task, error);
        return;
    }
    if (msg == NULL) {
        g_task_return_new_error (task, HENB_CWMP_ERROR, HENB_CWMP_ERROR_UNEXPECTED_MESSAGE,
                                 "HeMS answered the Inform with an empty HTTP %u instead of an "
                                 "InformResponse", response->status);
        return;
    }
    if (msg->method == HENB_CWMP_METHOD_FAULT) {
        g_autofree gchar *fault = describe_fault (msg->fault, response->status);

        /* a HeMS of an older CWMP: its namespace, else the next older version, down to 1.0 */
        if (self->version > HENB_CWMP_VERSION_1_0 && is_version_refusal (self, msg)) {
            self->fallback_version = msg->version < self->version ? msg->version : self->version - 1;
            g_task_return_new_error (task, HENB_CWMP_ERROR, HENB_CWMP_ERROR_UNSUPPORTED_VERSION,
                                     "HeMS rejected the Inform in %s with %s; next: %s",
                                     henb_cwmp_version_namespace (self->version), fault,
                                     henb_cwmp_version_namespace (self->fallback_version));
            return;
        }
        g_task_return_new_error (task, HENB_CWMP_ERROR, HENB_CWMP_ERROR_FAULT,
                                 "HeMS rejected the Inform in %s with %s",
                                 henb_cwmp_version_namespace (self->version), fault);
        return;
    }
    if (msg->method != HENB_CWMP_METHOD_INFORM_RESPONSE) {
        g_task_return_new_error (task, HENB_CWMP_ERROR, HENB_CWMP_ERROR_UNEXPECTED_MESSAGE,
                                 "HeMS answered the Inform with %s instead of an InformResponse",
                                 msg->method_name);
        return;
    }
    if (argument_error != NULL) {
        g_task_return_new_error (task, HENB_CWMP_ERROR, HENB_CWMP_ERROR_MALFORMED,
                                 "malformed InformResponse: %s", argument_error);
        return;
    }
    /* TR-069 wants our cwmp:ID echoed; HeMS that drop or replace it still mean this Inform */
    if (g_strcmp0 (msg->id, self->inform_id) != 0) {
        g_autofree gchar *id = msg->id != NULL ? g_strescape (msg->id, NULL) : NULL;

        if (henb_data_model_get_strict (self->dm)) {
            g_task_return_new_error (task, HENB_CWMP_ERROR, HENB_CWMP_ERROR_MALFORMED,
                                     "InformResponse carries %s%s, not the Inform's cwmp:ID %s",
                                     id != NULL ? "cwmp:ID " : "no cwmp:ID", id != NULL ? id : "",
                                     self->inform_id);
            return;
        }
        henb_data_model_tolerate (self->dm, HENB_CWMP_TOLERANCE_INFORM_RESPONSE_ID, id != NULL ? id : "no cwmp:ID");
    }
    /* speak the HeMS's CWMP version for the rest of the session */
    if (msg->version != self->version) {
        g_debug ("HeMS answered in %s; switching from %s",
                 henb_cwmp_version_namespace (msg->version),
                 henb_cwmp_version_namespace (self->version));
        self->version = msg->version;
    }
    if (msg->use_version != NULL)
        g_debug ("HeMS asks for CWMP %s", msg->use_version);
    self->hold = msg->hold_requests;
    /* the HeMS has seen these values now */
    if (self->reported != NULL)
        henb_data_model_value_changes_reported (self->dm, self->reported);
    g_task_return_boolean (task, TRUE);
}

void
henb_cwmp_session_inform_async (HenbCwmpSession    *self,
                                GPtrArray          *events,
                                guint               retry_count,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
    GTask *task = g_task_new (self, cancellable, callback, user_data);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(HenbCwmpMessage) inform = NULL;
    g_autoptr(GBytes) body = NULL;

    /* what does not fit this Inform is not delivered by it: the caller retires only the rest */
    if (events != NULL) {
        g_autoptr(GPtrArray) changes = henb_data_model_list_value_changes (self->dm);

        henb_cwmp_events_fit_inform (events, changes->len > 0 && !has_event (events, "4 VALUE CHANGE") ? 1 : 0);
    }
    inform = henb_cwmp_session_build_inform (self, events, retry_count, now);
    body = henb_cwmp_serialize (inform);

    g_task_set_source_tag (task, henb_cwmp_session_inform_async);
    trace (self, TRUE, "Inform", body);
    henb_cwmp_transport_post_async (self->transport, body, cancellable, inform_posted, task);
}

gboolean
henb_cwmp_session_inform_finish (HenbCwmpSession *self, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* Serving the HeMS's requests, and sending ours */

static void serve_posted (GObject *source, GAsyncResult *res, gpointer user_data);

static void
serve_post (GTask *task, GBytes *body)
{
    HenbCwmpSession *self = g_task_get_source_object (task);

    henb_cwmp_transport_post_async (self->transport, body, g_task_get_cancellable (task),
                                    serve_posted, task);
}

/* Posts the next request of ours if the HeMS lets us, else an empty POST; FALSE when there
 * is nothing to send. */
static gboolean
post_own_request (GTask *task)
{
    HenbCwmpSession *self = g_task_get_source_object (task);
    g_autoptr(GBytes) body = NULL;
    g_autofree gchar *id = NULL;

    if (self->hold || g_queue_is_empty (&self->requests))
        return FALSE;
    self->in_flight = g_queue_pop_head (&self->requests);
    self->in_flight->msg->version = self->version;
    id = g_strdup_printf ("henb-%u", ++self->id_counter);
    henb_cwmp_message_set_id (self->in_flight->msg, id);
    body = henb_cwmp_serialize (self->in_flight->msg);
    trace (self, TRUE, self->in_flight->msg->method_name, body);
    serve_post (task, body);
    return TRUE;
}

static void serve_post (GTask *task, GBytes *body);

static void
serve_return_error (GTask *task, GError *error)
{
    g_task_return_error (task, error);
    g_object_unref (task);
}

/* A request henbd cannot read (not XML, a DTD or entity, too deep, too big) is refused with a
 * Fault without cwmp:ID (there is none to echo): 9004 for the size limits, else 9003. The HeMS
 * may go on; one that keeps sending such envelopes ends the session. */
static gboolean
refuse_unreadable (GTask *task, const HenbCwmpHttpResponse *response, GError **error)
{
    HenbCwmpSession *self = g_task_get_source_object (task);
    g_autoptr(HenbCwmpMessage) reply = NULL;
    g_autoptr(GBytes) body = NULL;
    guint code;

    /* an unreadable answer to our own request cannot be refused */
    if (response == NULL || response->status != 200 || self->in_flight != NULL ||
        (!g_error_matches (*error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_MALFORMED) &&
         !g_error_matches (*error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_TOO_LARGE)))
        return FALSE;
    if (self->refused_count >= HENB_CWMP_SESSION_MAX_REFUSED) {
        g_prefix_error (error, "after %u unreadable requests: ", self->refused_count);
        return FALSE;
    }
    self->refused_count++;
    code = g_error_matches (*error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_TOO_LARGE) ? HENB_CWMP_FAULT_RESOURCES_EXCEEDED
                                                                             : HENB_CWMP_FAULT_INVALID_ARGUMENTS;
    g_message ("refusing an unreadable request with fault %u: %s", code, (*error)->message);
    reply = henb_cwmp_message_new (HENB_CWMP_METHOD_FAULT, self->version);
    reply->fault = henb_cwmp_fault_new (code, (*error)->message);
    henb_cwmp_summary_add (self->summary, NULL, reply);
    body = henb_cwmp_serialize (reply);
    trace (self, TRUE, "Fault", body);
    g_clear_error (error);
    serve_post (task, body);
    return TRUE;
}

/* The HeMS's answer to our request in flight. */
static void
request_answered (HenbCwmpSession *self, const HenbCwmpMessage *answer)
{
    PendingRequest *p = g_steal_pointer (&self->in_flight);
    guint code = answer->method == HENB_CWMP_METHOD_FAULT ? answer->fault->code : 0;

    if (code != 0)
        g_message ("HeMS answered %s with fault %u: %s", p->msg->method_name, code, answer->fault->string);
    if (code == HENB_CWMP_FAULT_ACS_RETRY_REQUEST) {
        /* 8005: try again in a later session, and send nothing more now */
        g_queue_clear_full (&self->requests, (GDestroyNotify) pending_request_free);
    }
    if (p->done != NULL)
        p->done (p->msg, code, p->user_data);
    pending_request_free (p);
}

/* The codec's tolerances of a request: counted, or under Strict the argument error (9003). */
static gchar *
check_tolerated (HenbCwmpSession *self, const HenbCwmpMessage *request)
{
    if (henb_data_model_get_strict (self->dm)) {
        if (request->tolerated & HENB_CWMP_TOLERANCE_NO_PARAMETER_KEY)
            return g_strdup ("ParameterKey is missing");
        return g_strdup ("a boolean argument is not true, false, 1 or 0");
    }
    for (guint bit = 1; bit <= HENB_CWMP_TOLERANCE_ALL; bit <<= 1) {
        if (request->tolerated & bit)
            henb_data_model_tolerate (self->dm, (HenbCwmpTolerance) bit, request->method_name);
    }
    return NULL;
}

static void
serve_posted (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbCwmpSession *self = g_task_get_source_object (task);
    g_autoptr(HenbCwmpHttpResponse) response = NULL;
    g_autoptr(HenbCwmpMessage) request = NULL;
    g_autoptr(HenbCwmpMessage) reply = NULL;
    g_autoptr(GBytes) body = NULL;
    g_autofree gchar *argument_error = NULL;
    GError *error = NULL;

    response = henb_cwmp_transport_post_finish (self->transport, res, &error);
    if (response == NULL || !decode_response (self, response, &request, &argument_error, &error)) {
        if (!refuse_unreadable (task, response, &error))
            serve_return_error (task, error);
        return;
    }
    if (self->in_flight != NULL) {
        HenbCwmpMethod expected = (HenbCwmpMethod) (self->in_flight->msg->method + 1);

        if (request != NULL && (request->method == expected || request->method == HENB_CWMP_METHOD_FAULT)) {
            request_answered (self, request);
            if (!post_own_request (task))
                serve_post (task, NULL);
            return;
        }
        /* not an answer: the request stays for the next session */
        g_message ("HeMS did not answer %s; it stays for the next session", self->in_flight->msg->method_name);
        g_clear_pointer (&self->in_flight, pending_request_free);
        g_queue_clear_full (&self->requests, (GDestroyNotify) pending_request_free);
    }
    if (request == NULL) {
        /* an empty answer lifts HoldRequests: our requests go now, else the session is over */
        self->hold = FALSE;
        if (post_own_request (task))
            return;
        g_task_return_boolean (task, TRUE);
        g_object_unref (task);
        return;
    }
    if (request->method == HENB_CWMP_METHOD_FAULT) {
        g_autofree gchar *fault = describe_fault (request->fault, response->status);

        serve_return_error (task, g_error_new (HENB_CWMP_ERROR, HENB_CWMP_ERROR_FAULT,
                                               "HeMS sent %s although henbd had no request pending", fault));
        return;
    }
    if (!henb_cwmp_method_is_request (request->method) &&
        request->method != HENB_CWMP_METHOD_UNKNOWN) {
        serve_return_error (task, g_error_new (HENB_CWMP_ERROR, HENB_CWMP_ERROR_UNEXPECTED_MESSAGE,
                                               "HeMS sent %s although henbd had no request pending",
                                               request->method_name));
        return;
    }
    if (++self->request_count > HENB_CWMP_SESSION_MAX_REQUESTS) {
        serve_return_error (task, g_error_new (HENB_CWMP_ERROR, HENB_CWMP_ERROR_TOO_LARGE,
                                               "HeMS sent more than %u requests in one session",
                                               HENB_CWMP_SESSION_MAX_REQUESTS));
        return;
    }
    self->hold = request->hold_requests;
    if (argument_error == NULL && request->tolerated != 0)
        argument_error = check_tolerated (self, request);

    reply = henb_cwmp_rpc_handle (self->dm, request, argument_error, self->actions, self->actions_data);
    henb_cwmp_summary_add (self->summary, request, reply);
    if (reply->method == HENB_CWMP_METHOD_FAULT)
        g_message ("answering %s with fault %u: %s", request->method_name, reply->fault->code,
                   reply->fault->string);
    else
        g_debug ("answering %s with %s", request->method_name, reply->method_name);
    body = henb_cwmp_serialize (reply);
    trace (self, TRUE, reply->method == HENB_CWMP_METHOD_FAULT ? "Fault" : reply->method_name, body);
    serve_post (task, body);
}

void
henb_cwmp_session_serve_async (HenbCwmpSession    *self,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
    GTask *task = g_task_new (self, cancellable, callback, user_data);

    g_task_set_source_tag (task, henb_cwmp_session_serve_async);
    /* our own requests first, unless held; then the empty POST hands the session to the HeMS */
    if (!post_own_request (task))
        serve_post (task, NULL);
}

gboolean
henb_cwmp_session_serve_finish (HenbCwmpSession *self, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean (G_TASK (result), error);
}
