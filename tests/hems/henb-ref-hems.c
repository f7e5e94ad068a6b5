/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * henb-ref-hems: a reference HeMS (TR-069 ACS) for henbd's tests and demo.
 *
 * As Initial HeMS it answers the Inform and sets the Serving HeMS URL, the Serving SeGW(s)
 * and optionally the S1 far end; as Serving HeMS it sets the S1 far end, port, mode and the
 * IPsec usage indicator. HTTP or HTTPS (optionally requiring a client certificate signed by
 * a given CA), Basic or Digest authentication, the CWMP namespace of the CPE or a fixed one.
 * A --script drives any session otherwise (tests/hems/README.md); a file server and
 * Connection Requests serve the tests of Download and of the CPE's own HTTP server.
 * Every session is logged, one line per message.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <glib-unix.h>
#include <libsoup/soup.h>

#include "henb-cwmp-codec.h"
#include "henb-hems-http.h"
#include "henb-hems-log.h"
#include "henb-hems-script.h"

typedef enum {
    ROLE_INITIAL,
    ROLE_SERVING,
} Role;

typedef struct _Hems Hems;

typedef struct {
    Hems                    *hems;
    guint                    id;
    guint16                  port;     /* client port of the Inform: the session's connection */
    HenbCwmpVersion          version;
    gchar                   *oui;
    const HemsSessionScript *script;
    guint                    next_step;
    guint                    requests_sent;
    gchar                   *pending_id;        /* cwmp:ID of the request the CPE owes an answer */
    guint                    pending_delay_ms;  /* --delay, for the first answer after the Inform */
    gboolean                 inform_challenged; /* its Inform had the scripted 401 already */
    gboolean                 transfer_complete_challenged; /* and its TransferComplete */
    gboolean                 over;              /* released, refused, or abandoned by the CPE */
    GSocket                 *socket;            /* of its latest POST */
    guint                    watch_id;          /* looks whether the CPE closed it */
    SoupServerMessage       *held;              /* never-release hang: never answered */
} Session;

struct _Hems {
    Role        role;
    gchar      *serving_hems_url;
    GStrv       serving_segw;
    gchar      *s1;
    gint        s1_port;          /* -1: not sent */
    gchar      *s1_mode;
    gchar      *s1_ipsec;
    gchar      *parameter_key;
    gchar      *values_file;
    gint        cwmp_ns;          /* -1: answer in the CPE's namespace */
    guint       delay_ms;         /* hold the first answer after the InformResponse this long */
    const gchar *auth;            /* "basic", "digest" or NULL */
    GHashTable *sessions;         /* cookie value -> Session */
    guint       next_session;
    FILE       *log;

    HemsScript        *script;         /* NULL: every session does what the options say */
    HemsSessionScript *default_script; /* the options' SetParameterValues, then release */
    Session           *challenged;     /* its Inform got a 401: the retry goes on with it */
    gchar             *cr_url;         /* ConnectionRequestURL of the last Inform */
    HemsConnectionRequester *requester;
    guint              cr_after_session;
    guint              cr_count;
};

#define CONNECTION_REQUEST_URL "Device.ManagementServer.ConnectionRequestURL"

static void
session_free (Session *s)
{
    g_clear_handle_id (&s->watch_id, g_source_remove);
    g_clear_object (&s->socket);
    g_clear_object (&s->held);
    g_free (s->pending_id);
    g_free (s->oui);
    g_free (s);
}

static Session *
find_session (Hems *hems, SoupServerMessage *msg)
{
    const gchar *cookie = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Cookie");
    g_auto(GStrv) parts = NULL;

    if (cookie == NULL)
        return NULL;
    parts = g_strsplit (cookie, ";", -1);
    for (guint i = 0; parts[i] != NULL; i++) {
        const gchar *p = g_strstrip (parts[i]);
        if (g_str_has_prefix (p, "hems-session="))
            return g_hash_table_lookup (hems->sessions, p + strlen ("hems-session="));
    }
    return NULL;
}

static guint16
client_port (SoupServerMessage *msg)
{
    GSocketAddress *remote = soup_server_message_get_remote_address (msg);

    return G_IS_INET_SOCKET_ADDRESS (remote) ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote)) : 0;
}

static void
reply_bytes (SoupServerMessage *msg, guint status, const gchar *data, gsize len)
{
    soup_server_message_set_status (msg, status, NULL);
    soup_server_message_set_response (msg, "text/xml; charset=utf-8", SOUP_MEMORY_COPY, data, len);
}

static void
reply_envelope (SoupServerMessage *msg, HenbCwmpMessage *envelope)
{
    g_autoptr(GBytes) body = henb_cwmp_serialize (envelope);
    gsize len;
    const gchar *data = g_bytes_get_data (body, &len);

    reply_bytes (msg, SOUP_STATUS_OK, data, len);
}

/* A Fault with the session's fault-status (SOAP 1.1 says 500; the default is 200). */
static void
reply_fault (Hems *hems, Session *s, SoupServerMessage *msg, HenbCwmpMessage *fault)
{
    reply_envelope (msg, fault);
    if (s->script->fault_status != SOUP_STATUS_OK) {
        hems_log_session (hems->log, s->id, "   with HTTP %u", s->script->fault_status);
        soup_server_message_set_status (msg, s->script->fault_status, NULL);
    }
}

/* Logs and sends a message of the HeMS's own in @s's namespace (and HoldRequests). */
static void
send_message (Hems *hems, Session *s, SoupServerMessage *msg, HenbCwmpMessage *envelope)
{
    envelope->version = s->version;
    envelope->hold_requests = s->script->hold_requests;
    hems_log_to_cpe (hems->log, s->id, envelope);
    if (envelope->method == HENB_CWMP_METHOD_FAULT)
        reply_fault (hems, s, msg, envelope);
    else
        reply_envelope (msg, envelope);
}

static void
send_request (Hems *hems, Session *s, SoupServerMessage *msg, HenbCwmpMessage *request, const gchar *id)
{
    henb_cwmp_message_set_id (request, id);
    g_free (s->pending_id);
    s->pending_id = g_strdup (id);
    send_message (hems, s, msg, request);
}

/* The request of a step that leaves out ParameterKey, which the schema requires: the codec
 * always writes it, so it is cut from the envelope. */
static void
send_request_without_key (Hems *hems, Session *s, SoupServerMessage *msg, HenbCwmpMessage *request,
                          const gchar *id)
{
    g_autoptr(GBytes) body = NULL;
    g_autoptr(GString) text = NULL;
    const gchar *start, *end;

    henb_cwmp_message_set_id (request, id);
    g_free (s->pending_id);
    s->pending_id = g_strdup (id);
    request->version = s->version;
    request->hold_requests = s->script->hold_requests;
    hems_log_to_cpe (hems->log, s->id, request);
    hems_log_session (hems->log, s->id, "   without ParameterKey");
    body = henb_cwmp_serialize (request);
    text = g_string_new_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
    start = strstr (text->str, "<ParameterKey");
    g_assert (start != NULL);
    end = strstr (start, "/>");
    if (strstr (start, "</ParameterKey>") != NULL && (end == NULL || strstr (start, "</ParameterKey>") < end))
        end = strstr (start, "</ParameterKey>") + strlen ("</ParameterKey>");
    else
        end += 2;
    g_string_erase (text, start - text->str, end - start);
    reply_bytes (msg, SOUP_STATUS_OK, text->str, text->len);
}

/* A HeMS that does not know the message's namespace, as some SOAP stacks say it: a SOAP Fault
 * without CWMP detail. */
static void
send_not_found (Hems *hems, Session *s, SoupServerMessage *msg, const HenbCwmpMessage *received)
{
    g_autofree gchar *body = g_strdup_printf (
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<soap:Envelope xmlns:soap=\"" HENB_SOAP_ENV_NS "\"><soap:Body><soap:Fault>"
        "<faultcode>soap:Client.ResourceNotFound</faultcode>"
        "<faultstring>Endpoint {%s}%s not found</faultstring>"
        "</soap:Fault></soap:Body></soap:Envelope>\n",
        henb_cwmp_version_namespace (received->version), received->method_name);

    hems_log_session (hems->log, s->id, "-> SOAP Fault Client.ResourceNotFound {%s}%s not found",
                      henb_cwmp_version_namespace (received->version), received->method_name);
    reply_bytes (msg, s->script->fault_status, body, strlen (body));
    if (s->script->fault_status != SOUP_STATUS_OK)
        hems_log_session (hems->log, s->id, "   with HTTP %u", s->script->fault_status);
}

static HenbCwmpMessage *
build_spv (Hems *hems, Session *s)
{
    HenbCwmpMessage *spv = henb_cwmp_message_new (HENB_CWMP_METHOD_SET_PARAMETER_VALUES, s->version);
    const gchar *gw = "Device.Services.FAPService.1.FAPControl.LTE.Gateway.";

    if (hems->role == ROLE_INITIAL && hems->serving_hems_url != NULL)
        henb_cwmp_message_add_param (spv, "Device.ManagementServer.URL", hems->serving_hems_url,
                                     HENB_CWMP_TYPE_STRING);
    for (guint i = 0; hems->serving_segw != NULL && hems->serving_segw[i] != NULL && i < 3; i++) {
        g_autofree gchar *name = g_strdup_printf ("%sSecGWServer%u", gw, i + 1);
        henb_cwmp_message_add_param (spv, name, hems->serving_segw[i], HENB_CWMP_TYPE_STRING);
    }
    if (hems->s1 != NULL) {
        g_autofree gchar *name = g_strconcat (gw, "S1SigLinkServerList", NULL);
        henb_cwmp_message_add_param (spv, name, hems->s1, HENB_CWMP_TYPE_STRING);
    }
    if (hems->s1_port >= 0) {
        g_autofree gchar *name = g_strconcat (gw, "S1SigLinkPort", NULL);
        g_autofree gchar *value = g_strdup_printf ("%d", hems->s1_port);
        henb_cwmp_message_add_param (spv, name, value, HENB_CWMP_TYPE_UNSIGNED_INT);
    }
    if (hems->s1_mode != NULL) {
        g_autofree gchar *name = g_strconcat (gw, "S1ConnectionMode", NULL);
        henb_cwmp_message_add_param (spv, name, hems->s1_mode, HENB_CWMP_TYPE_STRING);
    }
    if (hems->s1_ipsec != NULL) {
        /* the vendor parameter is named after the OUI the HeNB reported */
        g_autofree gchar *name = g_strdup_printf ("%sX_%s_S1IPsecUsed", gw, s->oui != NULL ? s->oui : "000000");
        henb_cwmp_message_add_param (spv, name, hems->s1_ipsec, HENB_CWMP_TYPE_BOOLEAN);
    }
    if (hems->values_file != NULL) {
        g_autoptr(GKeyFile) kf = g_key_file_new ();
        g_autoptr(GError) error = NULL;
        g_auto(GStrv) keys = NULL;

        if (!g_key_file_load_from_file (kf, hems->values_file, G_KEY_FILE_NONE, &error)) {
            hems_log (hems->log, "values file: %s", error->message);
        } else {
            keys = g_key_file_get_keys (kf, "Parameters", NULL, NULL);
            for (guint i = 0; keys != NULL && keys[i] != NULL; i++) {
                g_autofree gchar *v = g_key_file_get_string (kf, "Parameters", keys[i], NULL);
                hems_add_typed_param (spv, keys[i], v != NULL ? v : "");
            }
        }
    }
    spv->parameter_key = g_strdup (hems->parameter_key);
    return spv;
}

/* ------------------------------------------------------------------------------------------ */
/* The end of a session */

typedef struct {
    Hems *hems;
    guint count;
} PendingConnectionRequest;

static void
on_last_answer_sent (SoupServerMessage *msg, PendingConnectionRequest *pending)
{
    hems_connection_requester_schedule (pending->hems->requester, pending->hems->cr_url, pending->count);
}

static void
pending_connection_request_free (gpointer pending, GClosure *closure)
{
    g_free (pending);
}

/* The HeMS gave its last answer in @s; Connection Requests wait until it is on the wire. */
static void
session_over (Hems *hems, Session *s, SoupServerMessage *msg)
{
    guint count = s->script->connection_requests;
    PendingConnectionRequest *pending;

    if (s->over)
        return;
    s->over = TRUE;
    if (hems->cr_after_session == s->id)
        count = MAX (count, hems->cr_count);
    if (count == 0)
        return;
    if (hems->requester == NULL) {
        hems_log_session (hems->log, s->id, "connection-request: no --connection-request URL given");
        return;
    }
    pending = g_new0 (PendingConnectionRequest, 1);
    pending->hems = hems;
    pending->count = count;
    g_signal_connect_data (msg, "finished", G_CALLBACK (on_last_answer_sent), pending,
                           pending_connection_request_free, 0);
}

static void
release (Hems *hems, Session *s, SoupServerMessage *msg)
{
    hems_log_session (hems->log, s->id, "-> 204 (session released)");
    soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
    session_over (hems, s, msg);
}

static gboolean
peer_closed (GSocket *socket)
{
    struct tcp_info info;
    socklen_t len = sizeof info;

    if (g_socket_is_closed (socket))
        return TRUE;
    if (getsockopt (g_socket_get_fd (socket), IPPROTO_TCP, TCP_INFO, &info, &len) != 0)
        return TRUE;
    return info.tcpi_state != TCP_ESTABLISHED;
}

/* libsoup says nothing when a client closes an idle keep-alive connection, so the session's
 * socket is looked at now and then */
static gboolean
check_connection (gpointer user_data)
{
    Session *s = user_data;

    if (!s->over && !peer_closed (s->socket))
        return G_SOURCE_CONTINUE;
    if (!s->over)
        hems_log_session (s->hems->log, s->id, "connection closed before the session was released");
    s->over = TRUE;
    s->watch_id = 0;
    /* not to keep a finished connection open */
    g_clear_object (&s->socket);
    return G_SOURCE_REMOVE;
}

/* TR-069 keeps one connection for the whole session: notice when it changes or goes away. */
static void
watch_connection (Hems *hems, Session *s, SoupServerMessage *msg)
{
    guint16 port = client_port (msg);
    GSocket *socket = soup_server_message_get_socket (msg);

    if (port != s->port)
        hems_log_session (hems->log, s->id, "new connection (client port %u, the Inform came from %u)",
                          port, s->port);
    if (socket == NULL || s->over)
        return;
    g_set_object (&s->socket, socket);
    if (s->watch_id == 0)
        s->watch_id = g_timeout_add (100, check_connection, s);
}

/* A new Inform while older sessions are open: the CPE gave up on them. */
static void
abandon_open_sessions (Hems *hems, guint new_id)
{
    GHashTableIter iter;
    Session *s;

    g_hash_table_iter_init (&iter, hems->sessions);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &s)) {
        if (s->over)
            continue;
        hems_log_session (hems->log, s->id, "never released: session %u started", new_id);
        s->over = TRUE;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Scripted answers */

static gboolean
unpause (gpointer msg)
{
    soup_server_message_unpause (msg);
    g_object_unref (msg);
    return G_SOURCE_REMOVE;
}

/* A slow HeMS: the answer is ready but held back. */
static void
hold_answer (Hems *hems, Session *s, SoupServerMessage *msg, guint delay_ms)
{
    hems_log_session (hems->log, s->id, "holding the answer for %u ms", delay_ms);
    soup_server_message_pause (msg);
    g_timeout_add (delay_ms, unpause, g_object_ref (msg));
}

static void
reset_connection (SoupServerMessage *msg)
{
    GSocket *socket = soup_server_message_get_socket (msg);
    g_autoptr(GSocket) held = socket != NULL ? g_object_ref (socket) : NULL;
    g_autoptr(GIOStream) stream = NULL;
    const struct linger abort_on_close = { .l_onoff = 1, .l_linger = 0 };

    /* with a zero linger time, close() sends a RST instead of a FIN */
    if (held != NULL)
        setsockopt (g_socket_get_fd (held), SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
    stream = soup_server_message_steal_connection (msg);
    if (held != NULL)
        g_socket_close (held, NULL);
}

static void
answer_http (Hems *hems, Session *s, SoupServerMessage *msg, const HemsHttpAnswer *http)
{
    SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
    g_autofree gchar *challenge = NULL;

    switch (http->kind) {
    case HEMS_HTTP_STATUS:
        hems_log_session (hems->log, s->id, "-> HTTP %u%s%s", http->status, http->location != NULL ? " " : "",
                          http->location != NULL ? http->location : "");
        soup_server_message_set_status (msg, http->status, NULL);
        if (http->location != NULL)
            soup_message_headers_replace (headers, "Location", http->location);
        break;
    case HEMS_HTTP_CHALLENGE:
    case HEMS_HTTP_CHALLENGE_ALWAYS:
        challenge = hems_auth_challenge (hems->auth, HEMS_REALM);
        hems_log_session (hems->log, s->id, "-> HTTP 401 (authenticate again)");
        soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
        soup_message_headers_replace (headers, "WWW-Authenticate", challenge);
        break;
    case HEMS_HTTP_RESET:
        hems_log_session (hems->log, s->id, "-> connection reset");
        reset_connection (msg);
        break;
    default:
        g_assert_not_reached ();
    }
}

static const HemsStep *
next_step (Session *s)
{
    return s->next_step < s->script->steps->len ? s->script->steps->pdata[s->next_step] : NULL;
}

/* Takes the delay and http steps due now; TRUE when an http one answered @msg. */
static gboolean
run_http_steps (Hems *hems, Session *s, SoupServerMessage *msg)
{
    guint delay_ms = s->pending_delay_ms;
    const HemsStep *step;
    gboolean answered = FALSE;

    s->pending_delay_ms = 0;
    while ((step = next_step (s)) != NULL && !answered) {
        if (step->kind == HEMS_STEP_DELAY) {
            delay_ms += step->delay_ms;
        } else if (step->kind == HEMS_STEP_HTTP) {
            answer_http (hems, s, msg, &step->http);
            answered = TRUE;
        } else {
            break;
        }
        s->next_step++;
    }
    if (delay_ms > 0)
        hold_answer (hems, s, msg, delay_ms);
    return answered;
}

static void
send_raw (Hems *hems, Session *s, SoupServerMessage *msg, const HemsStep *step)
{
    gsize len;
    const gchar *data = g_bytes_get_data (step->raw, &len);

    g_clear_pointer (&s->pending_id, g_free);
    hems_log_session (hems->log, s->id, "-> Raw %s (%" G_GSIZE_FORMAT " bytes)", step->raw_path, len);
    soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
    soup_server_message_set_response (msg, "text/xml; charset=utf-8", SOUP_MEMORY_COPY, data, len);
}

/* Answers a POST of the CPE's with the script's next request, or releases the session. */
static void
answer_with_next_step (Hems *hems, Session *s, SoupServerMessage *msg)
{
    const HemsStep *step;

    while (!run_http_steps (hems, s, msg)) {
        g_autofree gchar *id = NULL;
        g_autoptr(HenbCwmpMessage) request = NULL;

        step = next_step (s);
        if (step == NULL || step->kind == HEMS_STEP_RELEASE) {
            release (hems, s, msg);
            return;
        }
        switch (step->kind) {
        case HEMS_STEP_REQUEST:
            s->next_step++;
            id = g_strdup_printf ("hems-%u-%u", s->id, ++s->requests_sent);
            if (step->no_parameter_key)
                send_request_without_key (hems, s, msg, step->request, id);
            else
                send_request (hems, s, msg, step->request, id);
            return;
        case HEMS_STEP_RAW:
            s->next_step++;
            send_raw (hems, s, msg, step);
            return;
        case HEMS_STEP_CONFIGURE:
            s->next_step++;
            request = build_spv (hems, s);
            /* nothing to set: on to the next step */
            if (request->params->len == 0)
                break;
            id = g_strdup_printf ("hems-%u-spv", s->id);
            send_request (hems, s, msg, request, id);
            return;
        case HEMS_STEP_NEVER_RELEASE:
            if (step->hang) {
                hems_log_session (hems->log, s->id, "holding the answer for ever (never-release hang)");
                soup_server_message_pause (msg);
                g_set_object (&s->held, msg);
                return;
            }
            request = henb_cwmp_message_new (HENB_CWMP_METHOD_GET_RPC_METHODS, s->version);
            id = g_strdup_printf ("hems-%u-%u", s->id, ++s->requests_sent);
            send_request (hems, s, msg, request, id);
            return;
        case HEMS_STEP_HTTP:
        case HEMS_STEP_DELAY:
        case HEMS_STEP_RELEASE:
        default:
            g_assert_not_reached ();
        }
    }
}

/* A HeMS that speaks one CWMP version answers the others with fault 8006. */
static gboolean
refuse_namespace (Hems *hems, Session *s, SoupServerMessage *msg, const HenbCwmpMessage *received)
{
    g_autoptr(HenbCwmpMessage) fault = NULL;

    if (!s->script->only_namespace_set || received->version == s->script->only_namespace)
        return FALSE;
    hems_log_session (hems->log, s->id, "%s in %s, but this HeMS speaks only %s", received->method_name,
                      henb_cwmp_version_namespace (received->version),
                      henb_cwmp_version_namespace (s->script->only_namespace));
    if (s->script->only_namespace_refusal == HEMS_REFUSE_NOT_FOUND) {
        send_not_found (hems, s, msg, received);
        return TRUE;
    }
    /* in the CPE's namespace, the one it can read */
    fault = henb_cwmp_message_new_fault_reply (
        received, henb_cwmp_fault_new (HENB_CWMP_FAULT_ACS_VERSION_INCOMPATIBLE, NULL));
    hems_log_to_cpe (hems->log, s->id, fault);
    reply_fault (hems, s, msg, fault);
    return TRUE;
}

static gboolean
is_cpe_request (const HenbCwmpMessage *received)
{
    /* a method the codec does not know (Kicked, RequestDownload...) is a request unless named a response */
    if (received->method == HENB_CWMP_METHOD_UNKNOWN)
        return !g_str_has_suffix (received->method_name, "Response");
    return henb_cwmp_method_is_request (received->method);
}

/* The HeMS's answer to a request of the CPE's (TransferComplete, GetRPCMethods). */
static void
answer_cpe_request (Hems *hems, Session *s, SoupServerMessage *msg, const HenbCwmpMessage *request)
{
    static const gchar *const acs_methods[] = { "Inform", "GetRPCMethods", "TransferComplete" };
    g_autoptr(HenbCwmpMessage) answer = NULL;
    guint fault = HENB_CWMP_FAULT_ACS_METHOD_NOT_SUPPORTED;

    if (s->script->hold_requests)
        hems_log_session (hems->log, s->id, "note: the CPE sent %s although HoldRequests is true",
                          request->method_name);
    /* after a 401-once (challenge_once) the retry gets a real answer */
    if (request->method == HENB_CWMP_METHOD_TRANSFER_COMPLETE && s->script->transfer_complete_http_set &&
        s->script->transfer_complete_http.kind != HEMS_HTTP_CHALLENGE) {
        answer_http (hems, s, msg, &s->script->transfer_complete_http);
        return;
    }
    if (request->method == HENB_CWMP_METHOD_TRANSFER_COMPLETE) {
        fault = s->script->transfer_complete_fault;
        if (fault == 0)
            answer = henb_cwmp_message_new (HENB_CWMP_METHOD_TRANSFER_COMPLETE_RESPONSE, s->version);
    } else if (request->method == HENB_CWMP_METHOD_GET_RPC_METHODS) {
        answer = henb_cwmp_message_new (HENB_CWMP_METHOD_GET_RPC_METHODS_RESPONSE, s->version);
        for (guint i = 0; i < G_N_ELEMENTS (acs_methods); i++)
            henb_cwmp_message_add_name (answer, acs_methods[i]);
    }
    if (answer == NULL)
        answer = henb_cwmp_message_new_fault_reply (request, henb_cwmp_fault_new (fault, NULL));
    henb_cwmp_message_set_id (answer, request->id);
    send_message (hems, s, msg, answer);
}

/* ------------------------------------------------------------------------------------------ */
/* The Inform */

static Session *
session_for_inform (Hems *hems, SoupServerMessage *msg, const HenbCwmpMessage *inform)
{
    Session *s = hems->challenged;
    const HemsSessionScript *script;

    if (s != NULL) {
        /* the retry after the scripted 401 */
        s->port = client_port (msg);
        return s;
    }
    s = g_new0 (Session, 1);
    s->hems = hems;
    s->id = ++hems->next_session;
    abandon_open_sessions (hems, s->id);
    script = hems->script != NULL ? hems_script_lookup (hems->script, s->id) : NULL;
    s->script = script != NULL ? script : hems->default_script;
    s->oui = g_strdup (inform->device_id.oui);
    s->port = client_port (msg);
    g_hash_table_insert (hems->sessions, g_strdup_printf ("%u", s->id), s);

    /* the namespace the HeMS speaks: the one of the version it tells the CPE to use (CWMP 1.3
     * and 1.4 kept cwmp-1-2's), the only one it knows, the one of --cwmp-ns, or the CPE's */
    s->version = inform->version;
    if (s->script->use_version != NULL) {
        henb_cwmp_version_from_string (s->script->use_version, &s->version);
        s->version = MIN (s->version, HENB_CWMP_VERSION_1_2);
    } else if (s->script->only_namespace_set) {
        s->version = s->script->only_namespace;
    } else if (hems->cwmp_ns >= 0) {
        s->version = (HenbCwmpVersion) hems->cwmp_ns;
    }
    return s;
}

static void
answer_inform (Hems *hems, Session *s, SoupServerMessage *msg, const HenbCwmpMessage *inform)
{
    const HemsSessionScript *script = s->script;
    g_autoptr(HenbCwmpMessage) response = NULL;
    g_autofree gchar *cookie = NULL;

    switch (script->inform_answer) {
    case HEMS_INFORM_ANSWER_EMPTY_200:
    case HEMS_INFORM_ANSWER_EMPTY_204:
        hems_log_session (hems->log, s->id, "-> empty %s to the Inform",
                          script->inform_answer == HEMS_INFORM_ANSWER_EMPTY_200 ? "200" : "204");
        soup_server_message_set_status (msg, script->inform_answer == HEMS_INFORM_ANSWER_EMPTY_200
                                                 ? SOUP_STATUS_OK : SOUP_STATUS_NO_CONTENT, NULL);
        session_over (hems, s, msg);
        return;
    case HEMS_INFORM_ANSWER_FAULT:
        response = henb_cwmp_message_new_fault_reply (inform, henb_cwmp_fault_new (script->inform_fault, NULL));
        send_message (hems, s, msg, response);
        session_over (hems, s, msg);
        return;
    case HEMS_INFORM_ANSWER_RAW:
        send_raw (hems, s, msg, script->inform_raw);
        session_over (hems, s, msg);
        return;
    case HEMS_INFORM_ANSWER_HTTP:
        /* the retry after 401-once gets a real InformResponse (401-always never gets here) */
        if (script->inform_http.kind != HEMS_HTTP_CHALLENGE) {
            answer_http (hems, s, msg, &script->inform_http);
            session_over (hems, s, msg);
            return;
        }
        break;
    case HEMS_INFORM_ANSWER_RESPONSE:
    default:
        break;
    }

    response = henb_cwmp_message_new (HENB_CWMP_METHOD_INFORM_RESPONSE, s->version);
    if (script->inform_id == HEMS_INFORM_ID_ECHO)
        henb_cwmp_message_set_id (response, inform->id);
    else if (script->inform_id == HEMS_INFORM_ID_OTHER)
        henb_cwmp_message_set_id (response, "hems-other-id");
    response->max_envelopes = 1;
    response->hold_requests = script->hold_requests;
    response->use_version = g_strdup (script->use_version);
    reply_envelope (msg, response);
    cookie = g_strdup_printf ("hems-session=%u; Path=/", s->id);
    soup_message_headers_append (soup_server_message_get_response_headers (msg), "Set-Cookie", cookie);
    hems_log_session (hems->log, s->id, "-> InformResponse (%s)%s%s%s%s",
                      henb_cwmp_version_namespace (s->version), script->hold_requests ? " HoldRequests" : "",
                      script->use_version != NULL ? " UseCWMPVersion " : "",
                      script->use_version != NULL ? script->use_version : "",
                      script->inform_id == HEMS_INFORM_ID_NONE ? " without cwmp:ID"
                      : script->inform_id == HEMS_INFORM_ID_OTHER ? " with cwmp:ID hems-other-id" : "");
    s->pending_delay_ms = hems->delay_ms;
}

static void
handle_inform (Hems *hems, SoupServerMessage *msg, const HenbCwmpMessage *inform, const gchar *argument_error)
{
    Session *s = session_for_inform (hems, msg, inform);
    const HemsSessionScript *script = s->script;
    GSocketAddress *remote = soup_server_message_get_remote_address (msg);
    g_autofree gchar *peer = NULL;
    const HenbCwmpParamValue *cr_url;
    g_autofree gchar *why = NULL;

    hems->challenged = NULL;
    watch_connection (hems, s, msg);
    /* the CPE repeats the Inform with credentials: log it then */
    if (script->inform_answer == HEMS_INFORM_ANSWER_HTTP &&
        (script->inform_http.kind == HEMS_HTTP_CHALLENGE_ALWAYS ||
         (script->inform_http.kind == HEMS_HTTP_CHALLENGE && !s->inform_challenged))) {
        s->inform_challenged = TRUE;
        hems->challenged = s;
        answer_http (hems, s, msg, &script->inform_http);
        return;
    }

    if (G_IS_INET_SOCKET_ADDRESS (remote))
        peer = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
    hems_log_inform (hems->log, s->id, peer, inform);
    if (argument_error != NULL)
        hems_log_session (hems->log, s->id, "malformed Inform: %s", argument_error);
    hems_session_script_check_inform (script, inform, hems->log, s->id);
    /* a HeMS whose presets fire on events: no provisioning for an Inform without one */
    if (s->next_step == 0 && !hems_session_script_provisions (script, inform, &why)) {
        hems_log_session (hems->log, s->id, "no provisioning: %s", why);
        s->next_step = script->steps->len;
    }
    cr_url = henb_cwmp_message_find_param (inform, CONNECTION_REQUEST_URL);
    if (cr_url != NULL) {
        g_free (hems->cr_url);
        hems->cr_url = g_strdup (cr_url->value);
    }

    if (refuse_namespace (hems, s, msg, inform)) {
        session_over (hems, s, msg);
        return;
    }
    if (script->inform_delay_ms > 0)
        hold_answer (hems, s, msg, script->inform_delay_ms);
    answer_inform (hems, s, msg, inform);
}

/* ------------------------------------------------------------------------------------------ */
/* Everything else the CPE POSTs */

/* Logs what came in @s; FALSE when it cannot be answered with CWMP. */
static gboolean
log_received (Hems *hems, Session *s, const HenbCwmpMessage *received, gsize len, const GError *parse_error,
              const gchar *argument_error)
{
    if (len == 0) {
        if (s->pending_id != NULL)
            hems_log_session (hems->log, s->id, "<- empty POST, although request %s is unanswered", s->pending_id);
        else
            hems_log_session (hems->log, s->id, "<- empty POST");
        return TRUE;
    }
    if (received == NULL) {
        hems_log_session (hems->log, s->id, "malformed envelope from the CPE: %s", parse_error->message);
        return FALSE;
    }
    hems_log_from_cpe (hems->log, s->id, received);
    if (argument_error != NULL)
        hems_log_session (hems->log, s->id, "malformed %s: %s", received->method_name, argument_error);
    if (!is_cpe_request (received) && s->pending_id != NULL && g_strcmp0 (received->id, s->pending_id) != 0)
        hems_log_session (hems->log, s->id, "note: the answer carries cwmp:ID %s, the request had %s",
                          received->id != NULL ? received->id : "(none)", s->pending_id);
    return TRUE;
}

static void
handle_outside_session (Hems *hems, SoupServerMessage *msg, const HenbCwmpMessage *received, gsize len,
                        const GError *parse_error)
{
    if (len == 0) {
        hems_log (hems->log, "empty POST outside a session");
        soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
        return;
    }
    if (received == NULL) {
        hems_log_session (hems->log, 0, "malformed envelope from the CPE: %s", parse_error->message);
        soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
        return;
    }
    hems_log_from_cpe (hems->log, 0, received);
    hems_log_session (hems->log, 0, "-> 204 (session released)");
    soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

/* A scripted "http 401-once" due for this POST: challenge, and let the retry go on. */
static gboolean
challenge_once (Hems *hems, Session *s, SoupServerMessage *msg, const HenbCwmpMessage *received)
{
    const HemsStep *step = next_step (s);

    if (received != NULL && received->method == HENB_CWMP_METHOD_TRANSFER_COMPLETE) {
        if (!s->script->transfer_complete_http_set ||
            s->script->transfer_complete_http.kind != HEMS_HTTP_CHALLENGE || s->transfer_complete_challenged)
            return FALSE;
        s->transfer_complete_challenged = TRUE;
        answer_http (hems, s, msg, &s->script->transfer_complete_http);
        return TRUE;
    }
    if (received != NULL && is_cpe_request (received))
        return FALSE;
    if (step == NULL || step->kind != HEMS_STEP_HTTP ||
        (step->http.kind != HEMS_HTTP_CHALLENGE && step->http.kind != HEMS_HTTP_CHALLENGE_ALWAYS))
        return FALSE;
    /* 401-always stays the next step: every retry gets it too */
    if (step->http.kind == HEMS_HTTP_CHALLENGE)
        s->next_step++;
    answer_http (hems, s, msg, &step->http);
    return TRUE;
}

static void
handle_post (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
             gpointer user_data)
{
    Hems *hems = user_data;
    g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
    g_autoptr(HenbCwmpMessage) received = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree gchar *argument_error = NULL;
    gsize len = g_bytes_get_size (bytes);
    Session *s;

    if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0) {
        soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
        return;
    }
    if (len > 0)
        received = henb_cwmp_parse (g_bytes_get_data (bytes, NULL), len, 0, &argument_error, &error);
    if (received != NULL && received->method == HENB_CWMP_METHOD_INFORM) {
        handle_inform (hems, msg, received, argument_error);
        return;
    }
    s = find_session (hems, msg);
    if (s == NULL) {
        handle_outside_session (hems, msg, received, len, error);
        return;
    }
    watch_connection (hems, s, msg);

    /* the CPE will send this POST again with credentials: log it then */
    if (challenge_once (hems, s, msg, received))
        return;
    if (!log_received (hems, s, received, len, error, argument_error)) {
        soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
        return;
    }
    if (received != NULL && refuse_namespace (hems, s, msg, received))
        return;
    /* the CPE's own requests come between the HeMS's turns: no step is taken for them */
    if (received != NULL && is_cpe_request (received)) {
        answer_cpe_request (hems, s, msg, received);
        return;
    }
    if (len > 0)
        g_clear_pointer (&s->pending_id, g_free);
    answer_with_next_step (hems, s, msg);
}

/*
 * soup_server_listen() leaves GSocket's backlog of 10: a fleet of HeNBs connecting at once
 * overflows it, and each dropped SYN waits for TCP's retransmission (1 s, 3 s, 7 s...), so
 * the benchmark measured the kernel's timers rather than either side.
 */
static gboolean
listen_with_backlog (SoupServer *server, GSocketAddress *address, SoupServerListenOptions options, GError **error)
{
    g_autoptr(GSocket) socket = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM,
                                              G_SOCKET_PROTOCOL_TCP, error);

    if (socket == NULL)
        return FALSE;
    g_socket_set_listen_backlog (socket, 1024);
    if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
        return FALSE;
    return soup_server_listen_socket (server, socket, options, error);
}

/* Client certificates are checked by the TLS database; log what it found, refuse on errors. */
static gboolean
on_accept_certificate (SoupServerMessage *msg, GTlsCertificate *cert, GTlsCertificateFlags errors,
                       gpointer user_data)
{
    Hems *hems = user_data;

    /* libsoup asks even when the database found nothing wrong */
    if (errors == 0)
        return TRUE;
    hems_log (hems->log, "client certificate refused (GTlsCertificateFlags 0x%x)", errors);
    return FALSE;
}

static void
on_request_started (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
    g_signal_connect (msg, "accept-certificate", G_CALLBACK (on_accept_certificate), user_data);
}

static gboolean
on_quit (gpointer loop)
{
    g_main_loop_quit (loop);
    return G_SOURCE_REMOVE;
}

static const gchar help_description[] =
    "Without --script every session sends the SetParameterValues the options describe, then\n"
    "releases it. A script says per session what to do instead (tests/hems/README.md):\n"
    "\n"
    "  session N|*                   the lines below apply to the Nth Inform (*: any other)\n"
    " settings, anywhere in the block:\n"
    "  expect-event CODE [KEY]  expect-no-event CODE  expect-param NAME[=VALUE]\n"
    "                                checked on the Inform: \"expect ok\" or \"EXPECT FAILED\"\n"
    "  inform-response empty200|empty204|fault CODE|raw FILE|hold|use-version V|delay MS|http ...\n"
    "  transfer-complete-response ok|fault CODE|http ...\n"
    "  only-namespace V              fault 8006 for messages in any other CWMP namespace\n"
    "  provision-on CODE             take the steps only for an Inform with event CODE (repeatable)\n"
    "  connection-request [COUNT]    once the session is over (with --connection-request)\n"
    " steps, taken in order by the CPE's POSTs after the Inform:\n"
    "  rpc GetRPCMethods | GetParameterValues NAME... | GetParameterNames PATH [true|false]\n"
    "    | SetParameterValues [key=K] NAME=[xsd:TYPE:]VALUE... | GetParameterAttributes NAME...\n"
    "    | SetParameterAttributes NAME=[N][:ACCESS,...]... | AddObject|DeleteObject OBJ. [key=K]\n"
    "    | Reboot [KEY] | FactoryReset | ScheduleInform SECONDS [KEY]\n"
    "    | Download KEY FILETYPE URL [size=N user=U pass=P target=F delay=S]\n"
    "    | Raw FILE | Configure (the options' SetParameterValues) | X_Name (a vendor method)\n"
    "  http STATUS [URL] | http 401-once | http 401-always | http reset   answer at the HTTP level\n"
    "  delay MS                      hold the next answer\n"
    "  release | never-release [loop|hang]\n";

int
main (int argc, char **argv)
{
    static gchar *listen_on = "127.0.0.1:7547", *role = "initial", *cert = NULL, *key = NULL;
    static gchar *client_ca = NULL, *serving_hems = NULL, *serving_segw = NULL, *s1 = NULL;
    static gchar *s1_mode = NULL, *s1_ipsec = NULL, *parameter_key = NULL, *values = NULL;
    static gchar *ns = NULL, *auth = NULL, *username = NULL, *password = NULL, *log_file = NULL;
    static gchar *path = "/cwmp", *ready_file = NULL, *script_file = NULL;
    static gchar *files_dir = NULL, *file_auth = NULL, *file_username = NULL, *file_password = NULL;
    static gchar *cr_url = NULL, *cr_username = NULL, *cr_password = NULL, *provision_on = NULL;
    static gint s1_port = -1, delay_ms = 0, cr_after = 0, cr_delay_ms = 0, cr_count = 1;
    const GOptionEntry entries[] = {
        { "listen", 0, 0, G_OPTION_ARG_STRING, &listen_on, "Address and port to listen on", "IP:PORT" },
        { "role", 0, 0, G_OPTION_ARG_STRING, &role, "initial or serving", "ROLE" },
        { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, "Serve HTTPS with this certificate", "PEM" },
        { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &key, "Private key of the certificate", "PEM" },
        { "client-ca", 0, 0, G_OPTION_ARG_FILENAME, &client_ca, "Require a client certificate from this CA", "PEM" },
        { "serving-hems-url", 0, 0, G_OPTION_ARG_STRING, &serving_hems, "Initial: Serving HeMS URL to set", "URL" },
        { "serving-segw", 0, 0, G_OPTION_ARG_STRING, &serving_segw, "Serving SeGW(s) to set, comma-separated", "HOSTS" },
        { "s1", 0, 0, G_OPTION_ARG_STRING, &s1, "S1 far end(s) to set", "LIST" },
        { "s1-port", 0, 0, G_OPTION_ARG_INT, &s1_port, "S1 SCTP port to set", "PORT" },
        { "s1-mode", 0, 0, G_OPTION_ARG_STRING, &s1_mode, "S1ConnectionMode to set", "One|All" },
        { "s1-ipsec", 0, 0, G_OPTION_ARG_STRING, &s1_ipsec, "IPsec usage indicator to set", "true|false" },
        { "parameter-key", 0, 0, G_OPTION_ARG_STRING, &parameter_key, "ParameterKey of the SetParameterValues", "KEY" },
        { "values", 0, 0, G_OPTION_ARG_FILENAME, &values, "Extra parameters: [Parameters] name=[xsd:TYPE ]value", "FILE" },
        { "cwmp-ns", 0, 0, G_OPTION_ARG_STRING, &ns, "Answer in this namespace instead of the CPE's", "1.0|1.1|1.2" },
        { "auth", 0, 0, G_OPTION_ARG_STRING, &auth, "Require HTTP authentication", "basic|digest" },
        { "username", 0, 0, G_OPTION_ARG_STRING, &username, "Expected username", "NAME" },
        { "password", 0, 0, G_OPTION_ARG_STRING, &password, "Expected password", "PASSWORD" },
        { "path", 0, 0, G_OPTION_ARG_STRING, &path, "URL path of the ACS", "PATH" },
        { "log", 0, 0, G_OPTION_ARG_FILENAME, &log_file, "Append the session log here (default stdout)", "FILE" },
        { "ready-file", 0, 0, G_OPTION_ARG_FILENAME, &ready_file, "Create this file once listening", "FILE" },
        { "delay", 0, 0, G_OPTION_ARG_INT, &delay_ms, "Hold the request after the Inform this long", "MS" },
        { "provision-on", 0, 0, G_OPTION_ARG_STRING, &provision_on,
          "Without a script: set values only for an Inform with one of these events", "CODE,..." },
        { "script", 0, 0, G_OPTION_ARG_FILENAME, &script_file, "What to do in each session (see below)", "FILE" },
        { "file-server", 0, 0, G_OPTION_ARG_FILENAME, &files_dir, "Serve DIR's files as /files/NAME", "DIR" },
        { "file-auth", 0, 0, G_OPTION_ARG_STRING, &file_auth, "Require authentication for /files", "basic|digest" },
        { "file-username", 0, 0, G_OPTION_ARG_STRING, &file_username, "Expected username for /files", "NAME" },
        { "file-password", 0, 0, G_OPTION_ARG_STRING, &file_password, "Expected password for /files", "PASSWORD" },
        { "connection-request", 0, 0, G_OPTION_ARG_STRING, &cr_url,
          "Connection Request URL (auto: the ConnectionRequestURL of the last Inform)", "URL|auto" },
        { "cr-username", 0, 0, G_OPTION_ARG_STRING, &cr_username, "Connection Request username", "NAME" },
        { "cr-password", 0, 0, G_OPTION_ARG_STRING, &cr_password, "Connection Request password", "PASSWORD" },
        { "cr-after-session", 0, 0, G_OPTION_ARG_INT, &cr_after, "Make them once session N is over", "N" },
        { "cr-delay-ms", 0, 0, G_OPTION_ARG_INT, &cr_delay_ms, "Wait this long after the session first", "MS" },
        { "cr-count", 0, 0, G_OPTION_ARG_INT, &cr_count, "Connection Requests in a row (default 1)", "K" },
        { NULL }
    };
    g_autoptr(GOptionContext) context = g_option_context_new ("- reference HeMS for henbd tests");
    g_autoptr(GError) error = NULL;
    g_autoptr(SoupServer) server = NULL;
    g_autoptr(GMainLoop) loop = NULL;
    g_autoptr(GSocketAddress) address = NULL;
    g_autoptr(GTlsCertificate) tls_cert = NULL;
    g_autoptr(HemsScript) script = NULL;
    g_autoptr(HemsSessionScript) default_script = hems_session_script_new_default ();
    g_autoptr(HemsConnectionRequester) requester = NULL;
    g_autofree gchar *host = NULL;
    Hems hems = { 0 };
    guint64 port;
    const gchar *colon;

    g_option_context_add_main_entries (context, entries, NULL);
    g_option_context_set_description (context, help_description);
    if (!g_option_context_parse (context, &argc, &argv, &error)) {
        g_printerr ("henb-ref-hems: %s\n", error->message);
        return 2;
    }
    hems.role = g_strcmp0 (role, "serving") == 0 ? ROLE_SERVING : ROLE_INITIAL;
    hems.serving_hems_url = serving_hems;
    hems.serving_segw = serving_segw != NULL ? g_strsplit (serving_segw, ",", 3) : NULL;
    hems.s1 = s1;
    hems.s1_port = s1_port;
    hems.s1_mode = s1_mode;
    hems.s1_ipsec = s1_ipsec;
    hems.parameter_key = parameter_key != NULL ? parameter_key : (hems.role == ROLE_INITIAL ? "initial-hems-1" : "serving-hems-1");
    hems.values_file = values;
    hems.cwmp_ns = -1;
    hems.delay_ms = (guint) MAX (delay_ms, 0);
    hems.auth = auth;
    hems.default_script = default_script;
    if (provision_on != NULL && !hems_session_script_add_provision_on (default_script, provision_on, &error)) {
        g_printerr ("henb-ref-hems: --provision-on: %s\n", error->message);
        return 2;
    }
    if (ns != NULL) {
        HenbCwmpVersion v;
        if (!henb_cwmp_version_from_string (ns, &v)) {
            g_printerr ("henb-ref-hems: bad --cwmp-ns %s\n", ns);
            return 2;
        }
        hems.cwmp_ns = v;
    }
    if (script_file != NULL) {
        script = hems_script_load (script_file, &error);
        if (script == NULL) {
            g_printerr ("henb-ref-hems: %s\n", error->message);
            return 2;
        }
        hems.script = script;
    }
    if (cr_after > 0 && cr_url == NULL) {
        g_printerr ("henb-ref-hems: --cr-after-session wants --connection-request\n");
        return 2;
    }
    hems.log = log_file != NULL ? fopen (log_file, "a") : stdout;
    if (hems.log == NULL) {
        g_printerr ("henb-ref-hems: cannot open %s\n", log_file);
        return 1;
    }
    if (cr_url != NULL) {
        requester = hems_connection_requester_new (cr_url, cr_username, cr_password, (guint) MAX (cr_delay_ms, 0),
                                                   hems.log);
        hems.requester = requester;
        hems.cr_after_session = (guint) MAX (cr_after, 0);
        hems.cr_count = (guint) MAX (cr_count, 1);
    }
    hems.sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) session_free);

    colon = strrchr (listen_on, ':');
    if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL)) {
        g_printerr ("henb-ref-hems: --listen wants IP:PORT\n");
        return 2;
    }
    host = g_strndup (listen_on, colon - listen_on);
    address = g_inet_socket_address_new_from_string (host, (guint) port);
    if (address == NULL) {
        g_printerr ("henb-ref-hems: bad address %s\n", host);
        return 2;
    }

    if (cert != NULL) {
        tls_cert = g_tls_certificate_new_from_files (cert, key != NULL ? key : cert, &error);
        if (tls_cert == NULL) {
            g_printerr ("henb-ref-hems: %s\n", error->message);
            return 1;
        }
    }
    server = soup_server_new ("tls-certificate", tls_cert, NULL);
    if (client_ca != NULL) {
        g_autoptr(GTlsDatabase) db = g_tls_file_database_new (client_ca, &error);
        if (db == NULL) {
            g_printerr ("henb-ref-hems: %s\n", error->message);
            return 1;
        }
        g_object_set (server, "tls-database", db, "tls-auth-mode", G_TLS_AUTHENTICATION_REQUIRED, NULL);
    }
    if (auth != NULL) {
        g_autoptr(SoupAuthDomain) domain = hems_auth_domain_new (auth, HEMS_REALM, username, password, &error);

        if (domain == NULL) {
            g_printerr ("henb-ref-hems: --auth: %s\n", error->message);
            return 2;
        }
        soup_auth_domain_add_path (domain, path);
        soup_server_add_auth_domain (server, domain);
    }
    if (files_dir != NULL) {
        g_autoptr(SoupAuthDomain) domain = NULL;

        if (file_auth != NULL) {
            domain = hems_auth_domain_new (file_auth, HEMS_REALM "-files", file_username, file_password, &error);
            if (domain == NULL) {
                g_printerr ("henb-ref-hems: --file-auth: %s\n", error->message);
                return 2;
            }
        }
        hems_file_server_attach (server, files_dir, domain, hems.log);
    }
    soup_server_add_handler (server, path, handle_post, &hems, NULL);
    g_signal_connect (server, "request-started", G_CALLBACK (on_request_started), &hems);
    if (!listen_with_backlog (server, address, tls_cert != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0, &error)) {
        g_printerr ("henb-ref-hems: cannot listen on %s: %s\n", listen_on, error->message);
        return 1;
    }
    hems_log (hems.log, "reference HeMS (%s) listening on %s://%s%s", role,
              tls_cert != NULL ? "https" : "http", listen_on, path);
    if (ready_file != NULL && !g_file_set_contents (ready_file, listen_on, -1, &error)) {
        g_printerr ("henb-ref-hems: %s\n", error->message);
        return 1;
    }
    loop = g_main_loop_new (NULL, FALSE);
    g_unix_signal_add (SIGTERM, on_quit, loop);
    g_unix_signal_add (SIGINT, on_quit, loop);
    g_main_loop_run (loop);
    if (script != NULL)
        hems_script_log_unused (script, hems.next_session, hems.log);
    g_hash_table_unref (hems.sessions);
    g_strfreev (hems.serving_segw);
    g_free (hems.cr_url);
    return 0;
}
