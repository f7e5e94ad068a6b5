/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * transport-soup: CWMP over HTTP/HTTPS with libsoup 3. One persistent connection for the
 * whole session (no pipelining), a cookie jar per session, Basic and Digest authentication,
 * TLS through the security backend's HenbTlsContext, a bounded response size. Also the
 * TR-069 Connection Request server (henb-cr-server-soup.c).
 */
#include "config.h"

#include <libsoup/soup.h>

#include "henb-cr-server-soup.h"
#include "henb-cwmp-codec.h"
#include "henb-errors.h"
#include "henb-main-context.h"
#include "henb-plugin.h"
#include "henb-resolved-address.h"
#include "henb-transport.h"

/* ------------------------------------------------------------------------------------------ */
/* The transport of one session */

#define HENB_TYPE_SOUP_TRANSPORT (henb_soup_transport_get_type ())
G_DECLARE_FINAL_TYPE (HenbSoupTransport, henb_soup_transport, HENB, SOUP_TRANSPORT, HenbCwmpTransport)

struct _HenbSoupTransport {
    HenbCwmpTransport parent_instance;
    SoupSession      *session;
    GUri             *uri;
    gchar            *url;
    HenbTlsContext   *tls;
    gchar            *username;
    gchar            *password;
    gsize             max_response_size;
    GError           *tls_error;     /* set when the handshake check refused the connection */
    gchar            *peer;          /* last peer address */
    GTlsProtocolVersion tls_version;
    guint             redirects;     /* followed in this session */
    GSocketConnectable *remote;      /* the HeNB's own resolver's view of the host, or NULL */
    guint             timeout;       /* seconds, for a session made again by a redirect */
    gchar            *user_agent;
};

/* TR-069 3.4.5: the CPE follows at least 5 redirects in a session */
#define MAX_REDIRECTS 5
/* 401s for one POST before the last one goes through to the session: the first challenge,
 * then two tries with the credentials */
#define MAX_CHALLENGES 3

G_DEFINE_TYPE (HenbSoupTransport, henb_soup_transport, HENB_TYPE_CWMP_TRANSPORT)

typedef struct {
    SoupMessage  *msg;
    GBytes       *request_body;  /* NULL for an empty POST */
    GCancellable *cancellable;   /* ours: cancelled by the caller's or by the TLS check */
    gulong        cancelled_id;
    GCancellable *caller;
    GInputStream *stream;
    GByteArray   *body;
    gsize         received;      /* bytes of the body, kept or not */
    gboolean      dropping;      /* the body outgrew max_response_size: read on, keep nothing */
    guint         auth_attempts;
    guint         challenges;    /* 401 answers to this POST */
    SoupAuth     *auth;          /* the credentials given for it */
} Request;

static void
request_free (Request *r)
{
    if (r->cancelled_id != 0)
        g_cancellable_disconnect (r->caller, r->cancelled_id);
    g_clear_object (&r->caller);
    g_clear_object (&r->msg);
    g_clear_object (&r->cancellable);
    g_clear_object (&r->stream);
    g_clear_object (&r->auth);
    g_clear_pointer (&r->request_body, g_bytes_unref);
    if (r->body != NULL)
        g_byte_array_unref (r->body);
    g_free (r);
}

static void
on_caller_cancelled (GCancellable *caller, gpointer user_data)
{
    g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
on_network_event (SoupMessage *msg, GSocketClientEvent event, GIOStream *connection, Request *r)
{
    HenbSoupTransport *self = g_object_get_data (G_OBJECT (msg), "henb-transport");
    g_autoptr(GError) error = NULL;

    if (event == G_SOCKET_CLIENT_CONNECTED && G_IS_SOCKET_CONNECTION (connection)) {
        g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (G_SOCKET_CONNECTION (connection), NULL);
        if (G_IS_INET_SOCKET_ADDRESS (remote)) {
            g_autofree gchar *ip = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
            g_free (self->peer);
            self->peer = g_strdup_printf ("%s:%u", ip, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote)));
        }
    }
    if (event != G_SOCKET_CLIENT_TLS_HANDSHAKED || self->tls == NULL || !G_IS_TLS_CONNECTION (connection))
        return;
    self->tls_version = g_tls_connection_get_protocol_version (G_TLS_CONNECTION (connection));
    if (!henb_tls_context_check_connection (self->tls, G_TLS_CONNECTION (connection), &error)) {
        g_clear_error (&self->tls_error);
        self->tls_error = g_steal_pointer (&error);
        g_cancellable_cancel (r->cancellable);
    }
}

static gboolean
on_authenticate (SoupMessage *msg, SoupAuth *auth, gboolean retrying, Request *r)
{
    HenbSoupTransport *self = g_object_get_data (G_OBJECT (msg), "henb-transport");

    /* a HeMS may challenge at any point of a session, even after it took our credentials
     * once; a third challenge for the same request means they are wrong: let the 401 through */
    if (self->username == NULL || r->auth_attempts++ >= MAX_CHALLENGES - 1)
        return FALSE;
    g_set_object (&r->auth, auth);
    soup_auth_authenticate (auth, self->username, self->password != NULL ? self->password : "");
    return TRUE;
}

/*
 * A Digest challenge with stale=true makes libsoup send the same credentials again with the
 * new nonce without asking (no "authenticate"); a HeMS that answers every try so would have
 * it resend 20 times and fail with a libsoup error. So the 401s of one POST are counted here,
 * before libsoup decides to resend, and at the third the credentials are withdrawn: that 401
 * goes through to the session as any run of refusals does (Cwmp.AuthFailed).
 */
static void
on_got_body (SoupMessage *msg, Request *r)
{
    guint status = soup_message_get_status (msg);

    if (status != SOUP_STATUS_UNAUTHORIZED && status != SOUP_STATUS_PROXY_UNAUTHORIZED)
        return;
    if (++r->challenges >= MAX_CHALLENGES && r->auth != NULL && !soup_auth_is_cancelled (r->auth))
        soup_auth_cancel (r->auth);
}

/* libsoup 3.2 re-sends a POST restarted by an authentication challenge without its body */
static void
on_restarted (SoupMessage *msg, Request *r)
{
    if (r->request_body != NULL)
        soup_message_set_request_body_from_bytes (msg, "text/xml; charset=utf-8", r->request_body);
}

static Request *
request_new_full (HenbSoupTransport *self, const gchar *method, GBytes *body, GCancellable *caller)
{
    Request *r = g_new0 (Request, 1);
    SoupMessageHeaders *headers;

    r->msg = soup_message_new_from_uri (method, self->uri);
    r->cancellable = g_cancellable_new ();
    if (caller != NULL) {
        r->caller = g_object_ref (caller);
        r->cancelled_id = g_cancellable_connect (caller, G_CALLBACK (on_caller_cancelled),
                                                 g_object_ref (r->cancellable), g_object_unref);
    }
    /* libsoup opens a new connection for every non-idempotent request; a CWMP session is
     * one connection (TR-069 3.4), so the POSTs may reuse it */
    soup_message_add_flags (r->msg, SOUP_MESSAGE_NO_REDIRECT | SOUP_MESSAGE_IDEMPOTENT);
    headers = soup_message_get_request_headers (r->msg);
    if (g_str_equal (method, SOUP_METHOD_GET)) {
        /* a file download: no CWMP headers */
    } else if (body != NULL) {
        /* TR-069 3.4.1: an envelope carries Content-Type and an empty SOAPAction */
        soup_message_headers_replace (headers, "SOAPAction", "");
        soup_message_set_request_body_from_bytes (r->msg, "text/xml; charset=utf-8", body);
    } else {
        /* an empty POST carries neither */
        soup_message_set_request_body_from_bytes (r->msg, NULL, NULL);
    }
    if (self->tls != NULL) {
        GTlsCertificate *cert = henb_tls_context_get_client_certificate (self->tls);
        if (cert != NULL)
            soup_message_set_tls_client_certificate (r->msg, cert);
    }
    g_object_set_data (G_OBJECT (r->msg), "henb-transport", self);
    g_signal_connect (r->msg, "network-event", G_CALLBACK (on_network_event), r);
    g_signal_connect (r->msg, "authenticate", G_CALLBACK (on_authenticate), r);
    /* before libsoup's own handler, which resends the POST when the credentials are ready */
    g_signal_connect (r->msg, "got-body", G_CALLBACK (on_got_body), r);
    if (body != NULL) {
        r->request_body = g_bytes_ref (body);
        g_signal_connect (r->msg, "restarted", G_CALLBACK (on_restarted), r);
    }
    return r;
}

static Request *
request_new (HenbSoupTransport *self, GBytes *body, GCancellable *caller)
{
    return request_new_full (self, SOUP_METHOD_POST, body, caller);
}

/* Turns what GIO and libsoup report into henbd's error domains. */
static GError *
map_error (HenbSoupTransport *self, GError *error)
{
    GError *mapped;
    const gchar *host = g_uri_get_host (self->uri);

    if (self->tls_error != NULL) {
        mapped = g_steal_pointer (&self->tls_error);
    } else if (error->domain == G_TLS_ERROR && error->code == G_TLS_ERROR_BAD_CERTIFICATE) {
        mapped = self->tls != NULL ? henb_tls_context_take_verify_error (self->tls) : NULL;
        if (mapped == NULL)
            mapped = g_error_new (HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_BAD_CERTIFICATE,
                                  "certificate of %s refused: %s", host, error->message);
    } else if (error->domain == G_TLS_ERROR) {
        mapped = g_error_new (HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_FAILED,
                              "TLS handshake with %s failed: %s", host, error->message);
    } else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        mapped = g_error_copy (error);
    } else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED)) {
        mapped = g_error_new (HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_REFUSED,
                              "%s refused the connection (%s)", host, error->message);
    } else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
               g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE)) {
        mapped = g_error_new (HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_UNREACHABLE,
                              "%s is unreachable (%s)", host, error->message);
    } else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)) {
        mapped = g_error_new (HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_TIMEOUT,
                              "%s did not answer in time (%s)", host, error->message);
    } else if (error->domain == G_RESOLVER_ERROR) {
        mapped = g_error_new (HENB_NETWORK_ERROR,
                              error->code == G_RESOLVER_ERROR_NOT_FOUND ? HENB_NETWORK_ERROR_NAME_NOT_FOUND
                                                                        : HENB_NETWORK_ERROR_DNS_FAILED,
                              "%s: %s", host, error->message);
    } else if (error->domain == SOUP_SESSION_ERROR) {
        mapped = g_error_new (HENB_CWMP_ERROR, HENB_CWMP_ERROR_MALFORMED,
                              "bad HTTP from %s: %s", host, error->message);
    } else {
        mapped = g_error_new (HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_CONNECTION_LOST,
                              "connection to %s failed: %s", host, error->message);
    }
    g_error_free (error);
    return mapped;
}

/* ------------------------------------------------------------------------------------------ */
/* connect */

static void
preconnected (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    HenbSoupTransport *self = g_task_get_source_object (task);
    GError *error = NULL;

    if (!soup_session_preconnect_finish (SOUP_SESSION (source), res, &error)) {
        g_task_return_error (task, map_error (self, error));
        return;
    }
    g_task_return_boolean (task, TRUE);
}

static void
henb_soup_transport_connect_async (HenbCwmpTransport  *transport,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
    HenbSoupTransport *self = HENB_SOUP_TRANSPORT (transport);
    GTask *task = g_task_new (self, cancellable, callback, user_data);
    Request *r = request_new (self, NULL, cancellable);

    g_task_set_task_data (task, r, (GDestroyNotify) request_free);
    g_clear_error (&self->tls_error);
    soup_session_preconnect_async (self->session, r->msg, G_PRIORITY_DEFAULT, r->cancellable,
                                   preconnected, task);
}

static gboolean
henb_soup_transport_connect_finish (HenbCwmpTransport *transport, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* post */

static void read_more (GTask *task);

/* Beyond this a body is not even read: the connection is given up. */
static gsize
drop_limit (HenbSoupTransport *self)
{
    return MAX (self->max_response_size, HENB_CWMP_TRANSPORT_DROP_LIMIT);
}

static void
finish_response (GTask *task)
{
    Request *r = g_task_get_task_data (task);
    HenbCwmpHttpResponse *response = g_new0 (HenbCwmpHttpResponse, 1);
    const gchar *content_type = soup_message_headers_get_content_type (
        soup_message_get_response_headers (r->msg), NULL);

    response->status = soup_message_get_status (r->msg);
    response->content_type = g_strdup (content_type);
    response->body = g_byte_array_free_to_bytes (g_steal_pointer (&r->body));
    response->dropped_size = r->dropping ? r->received : 0;
    /* hands the connection back before the caller's next POST: one connection per session */
    g_input_stream_close (r->stream, NULL, NULL);
    g_clear_object (&r->stream);
    g_task_return_pointer (task, response, (GDestroyNotify) henb_cwmp_http_response_free);
    g_object_unref (task);
}

static void
read_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbSoupTransport *self = g_task_get_source_object (task);
    Request *r = g_task_get_task_data (task);
    GError *error = NULL;
    g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), res, &error);

    if (chunk == NULL) {
        g_task_return_error (task, map_error (self, error));
        g_object_unref (task);
        return;
    }
    if (g_bytes_get_size (chunk) == 0) {
        finish_response (task);
        return;
    }
    r->received += g_bytes_get_size (chunk);
    if (r->received > drop_limit (self)) {
        g_task_return_new_error (task, HENB_CWMP_ERROR, HENB_CWMP_ERROR_TOO_LARGE,
                                 "HeMS response exceeds %" G_GSIZE_FORMAT " bytes", drop_limit (self));
        g_object_unref (task);
        return;
    }
    /* over the limit: read to the end (the connection stays usable), keep nothing */
    if (!r->dropping && r->received > self->max_response_size) {
        r->dropping = TRUE;
        g_byte_array_set_size (r->body, 0);
    }
    if (!r->dropping)
        g_byte_array_append (r->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
    read_more (task);
}

static void
read_more (GTask *task)
{
    Request *r = g_task_get_task_data (task);

    g_input_stream_read_bytes_async (r->stream, 16384, G_PRIORITY_DEFAULT, r->cancellable, read_done, task);
}

static void sent (GObject *source, GAsyncResult *res, gpointer user_data);

/* The session toward self->remote (or the URI's host when NULL), without a connection yet. */
static void
make_session (HenbSoupTransport *self)
{
    g_clear_object (&self->session);
    /* TR-069 forbids pipelining: one connection, kept alive for the session */
    /* no proxy: the HeMS is reached directly (or through the IPsec tunnel), never through a
     * desktop or environment proxy setting */
    self->session = soup_session_new_with_options (
        "proxy-resolver", NULL,
        "max-conns", 1, "max-conns-per-host", 1,
        "timeout", self->timeout,
        "idle-timeout", 0,
        "user-agent", self->user_agent,
        "tls-database", self->tls != NULL ? henb_tls_context_get_database (self->tls) : NULL,
        /* the HeNB's own resolver, not the process's: several HeNBs may share the process */
        "remote-connectable", self->remote,
        NULL);
    /* the session makes the jar and holds the only reference to it */
    soup_session_add_feature_by_type (self->session, SOUP_TYPE_COOKIE_JAR);
}

static guint16
uri_port (GUri *uri)
{
    gint port = g_uri_get_port (uri);

    if (port > 0)
        return (guint16) port;
    return g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
}

/*
 * remote-connectable overrides the URI's host: a redirect to another host or port needs a
 * session toward that one, through the same resolver (its cookies were the old host's).
 */
static void
retarget_session (HenbSoupTransport *self, GUri *target)
{
    GSocketConnectable *old = self->remote;

    if (old == NULL || !HENB_IS_RESOLVED_ADDRESS (old))
        return;
    if (g_ascii_strcasecmp (g_uri_get_host (target), g_uri_get_host (self->uri)) == 0 &&
        uri_port (target) == uri_port (self->uri))
        return;
    /* the new one first: the old one may hold the resolver's last reference */
    self->remote = henb_resolved_address_new (henb_resolved_address_get_resolver (HENB_RESOLVED_ADDRESS (old)),
                                              g_uri_get_host (target), uri_port (target));
    g_object_unref (old);
    make_session (self);
}

static gboolean
is_redirect (guint status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* A 3xx within the session: the rest of the session goes to the new place, the POST with its
 * body; ManagementServer.URL stays as it is. FALSE with @error when it may not be followed. */
static gboolean
follow_redirect (GTask *task, GError **error)
{
    HenbSoupTransport *self = g_task_get_source_object (task);
    Request *r = g_task_get_task_data (task);
    const gchar *location = soup_message_headers_get_one (soup_message_get_response_headers (r->msg), "Location");
    g_autoptr(GUri) target = NULL;
    g_autoptr(GBytes) body = r->request_body != NULL ? g_bytes_ref (r->request_body) : NULL;
    g_autoptr(GCancellable) caller = r->caller != NULL ? g_object_ref (r->caller) : NULL;
    const gchar *scheme;

    if (location == NULL) {
        g_set_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_HTTP_STATUS, "HeMS answered HTTP %u without a Location",
                     soup_message_get_status (r->msg));
        return FALSE;
    }
    if (++self->redirects > MAX_REDIRECTS) {
        g_set_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_HTTP_STATUS, "more than %u redirects in one session",
                     MAX_REDIRECTS);
        return FALSE;
    }
    target = g_uri_parse_relative (self->uri, location, SOUP_HTTP_URI_FLAGS, NULL);
    scheme = target != NULL ? g_uri_get_scheme (target) : NULL;
    if (scheme == NULL || (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0)) {
        g_set_error (error, HENB_CWMP_ERROR, HENB_CWMP_ERROR_HTTP_STATUS, "HeMS redirected to '%s'", location);
        return FALSE;
    }
    /* what started over TLS stays on TLS */
    if (self->tls != NULL && g_ascii_strcasecmp (scheme, "https") != 0) {
        g_set_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_FAILED,
                     "HeMS redirected from https to %s: refused", location);
        return FALSE;
    }
    if (self->tls == NULL && g_ascii_strcasecmp (scheme, "https") == 0) {
        g_set_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_FAILED,
                     "HeMS redirected to %s, but this session has no TLS credentials", location);
        return FALSE;
    }
    g_message ("HeMS redirects the session to %s (HTTP %u)", location, soup_message_get_status (r->msg));
    g_input_stream_close (r->stream, NULL, NULL);
    retarget_session (self, target);
    g_uri_unref (self->uri);
    self->uri = g_steal_pointer (&target);
    r = request_new (self, body, caller);
    g_task_set_task_data (task, r, (GDestroyNotify) request_free);
    soup_session_send_async (self->session, r->msg, G_PRIORITY_DEFAULT, r->cancellable, sent, task);
    return TRUE;
}

static void
sent (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbSoupTransport *self = g_task_get_source_object (task);
    Request *r = g_task_get_task_data (task);
    GError *error = NULL;
    goffset length;

    r->stream = soup_session_send_finish (SOUP_SESSION (source), res, &error);
    if (r->stream == NULL) {
        g_task_return_error (task, map_error (self, error));
        g_object_unref (task);
        return;
    }
    if (is_redirect (soup_message_get_status (r->msg))) {
        if (!follow_redirect (task, &error)) {
            g_task_return_error (task, error);
            g_object_unref (task);
        }
        return;
    }
    /* a body up to the drop limit is read (and dropped when over max_response_size) */
    length = soup_message_headers_get_content_length (soup_message_get_response_headers (r->msg));
    if (length > 0 && (gsize) length > drop_limit (self)) {
        g_task_return_new_error (task, HENB_CWMP_ERROR, HENB_CWMP_ERROR_TOO_LARGE,
                                 "HeMS announced a %" G_GOFFSET_FORMAT "-byte response, the limit is %"
                                 G_GSIZE_FORMAT, length, drop_limit (self));
        g_object_unref (task);
        return;
    }
    r->body = g_byte_array_new ();
    read_more (task);
}

static void
henb_soup_transport_post_async (HenbCwmpTransport  *transport,
                                GBytes             *body,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
    HenbSoupTransport *self = HENB_SOUP_TRANSPORT (transport);
    GTask *task = g_task_new (self, cancellable, callback, user_data);
    Request *r = request_new (self, body, cancellable);

    g_task_set_task_data (task, r, (GDestroyNotify) request_free);
    g_clear_error (&self->tls_error);
    soup_session_send_async (self->session, r->msg, G_PRIORITY_DEFAULT, r->cancellable, sent, task);
}

static HenbCwmpHttpResponse *
henb_soup_transport_post_finish (HenbCwmpTransport *transport, GAsyncResult *result, GError **error)
{
    return g_task_propagate_pointer (G_TASK (result), error);
}

static void
henb_soup_transport_close (HenbCwmpTransport *transport)
{
    soup_session_abort (HENB_SOUP_TRANSPORT (transport)->session);
}

static gchar *
henb_soup_transport_describe (HenbCwmpTransport *transport)
{
    HenbSoupTransport *self = HENB_SOUP_TRANSPORT (transport);
    const gchar *tls = NULL;

    switch (self->tls_version) {
    case G_TLS_PROTOCOL_VERSION_TLS_1_2:
        tls = "TLS 1.2";
        break;
    case G_TLS_PROTOCOL_VERSION_TLS_1_3:
        tls = "TLS 1.3";
        break;
    case G_TLS_PROTOCOL_VERSION_UNKNOWN:
    case G_TLS_PROTOCOL_VERSION_SSL_3_0:
    case G_TLS_PROTOCOL_VERSION_TLS_1_0:
    case G_TLS_PROTOCOL_VERSION_TLS_1_1:
    case G_TLS_PROTOCOL_VERSION_DTLS_1_0:
    case G_TLS_PROTOCOL_VERSION_DTLS_1_2:
    default:
        break;
    }
    return g_strdup_printf ("%s via %s%s%s", self->url, self->peer != NULL ? self->peer : "?",
                            tls != NULL ? ", " : "", tls != NULL ? tls : "");
}

static void
henb_soup_transport_finalize (GObject *object)
{
    HenbSoupTransport *self = HENB_SOUP_TRANSPORT (object);

    soup_session_abort (self->session);
    g_clear_object (&self->session);
    g_clear_pointer (&self->uri, g_uri_unref);
    g_free (self->url);
    g_clear_object (&self->tls);
    g_free (self->username);
    g_free (self->password);
    g_free (self->peer);
    g_clear_error (&self->tls_error);
    g_clear_object (&self->remote);
    g_free (self->user_agent);
    G_OBJECT_CLASS (henb_soup_transport_parent_class)->finalize (object);
}

static void
henb_soup_transport_class_init (HenbSoupTransportClass *klass)
{
    HenbCwmpTransportClass *transport_class = HENB_CWMP_TRANSPORT_CLASS (klass);

    G_OBJECT_CLASS (klass)->finalize = henb_soup_transport_finalize;
    transport_class->connect_async = henb_soup_transport_connect_async;
    transport_class->connect_finish = henb_soup_transport_connect_finish;
    transport_class->post_async = henb_soup_transport_post_async;
    transport_class->post_finish = henb_soup_transport_post_finish;
    transport_class->close = henb_soup_transport_close;
    transport_class->describe = henb_soup_transport_describe;
}

static void
henb_soup_transport_init (HenbSoupTransport *self)
{
}

static HenbCwmpTransport *
transport_new (const HenbTransportOptions *options, GError **error)
{
    g_autoptr(HenbSoupTransport) self = g_object_new (HENB_TYPE_SOUP_TRANSPORT, NULL);
    g_autoptr(GError) error_local = NULL;
    gboolean https;

    self->uri = g_uri_parse (options->url, SOUP_HTTP_URI_FLAGS, &error_local);
    if (self->uri == NULL) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS, "%s: %s", options->url,
                     error_local->message);
        return NULL;
    }
    https = g_ascii_strcasecmp (g_uri_get_scheme (self->uri), "https") == 0;
    if (https && options->tls == NULL) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                     "%s needs a TLS context", options->url);
        return NULL;
    }
    self->url = g_strdup (options->url);
    self->tls = https ? g_object_ref (options->tls) : NULL;
    self->username = g_strdup (options->username);
    self->password = g_strdup (options->password);
    self->max_response_size = options->max_response_size > 0 ? options->max_response_size
                                                             : HENB_CWMP_MAX_ENVELOPE_SIZE;
    self->timeout = MAX (options->response_timeout, options->connect_timeout);
    self->user_agent = g_strdup (options->user_agent != NULL ? options->user_agent : "henbd");
    self->remote = options->remote != NULL ? g_object_ref (options->remote) : NULL;
    make_session (self);
    return HENB_CWMP_TRANSPORT (g_steal_pointer (&self));
}

/* ------------------------------------------------------------------------------------------ */
/* Download: a file the HeMS asked for, streamed into the file henbd opened for it */

typedef struct {
    HenbSoupTransport *transport;
    Request           *r;
    GOutputStream     *out;            /* henbd's: written, never closed here */
    GBytes            *chunk;          /* being written */
    goffset            written;
    goffset            max_size;
    guint              timeout_id;
    gboolean           timed_out;
} Download;

static void
download_free (Download *d)
{
    if (d->timeout_id != 0)
        henb_source_remove (d->timeout_id);
    g_clear_object (&d->out);
    g_clear_pointer (&d->chunk, g_bytes_unref);
    g_clear_pointer (&d->r, request_free);
    g_clear_object (&d->transport);
    g_free (d);
}

static void
download_fail (GTask *task, GError *error)
{
    Download *d = g_task_get_task_data (task);

    if (d->timed_out) {
        g_clear_error (&error);
        error = g_error_new (HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_TIMEOUT, "the download of %s did not finish in time",
                             d->transport->url);
    }
    g_task_return_error (task, error);
    g_object_unref (task);
}

static void download_read_more (GTask *task);

static void
download_written (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    Download *d = g_task_get_task_data (task);
    GError *error = NULL;

    g_clear_pointer (&d->chunk, g_bytes_unref);
    if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, NULL, &error)) {
        download_fail (task, g_error_new (HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED, "cannot write the download: %s",
                                          error->message));
        g_error_free (error);
        return;
    }
    download_read_more (task);
}

static void
download_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    Download *d = g_task_get_task_data (task);
    GError *error = NULL;
    g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), res, &error);

    if (chunk == NULL) {
        download_fail (task, map_error (d->transport, error));
        return;
    }
    if (g_bytes_get_size (chunk) == 0) {
        if (!g_output_stream_flush (d->out, NULL, &error)) {
            download_fail (task, g_error_new (HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED, "cannot store the download: %s",
                                              error->message));
            g_error_free (error);
            return;
        }
        g_task_return_int (task, d->written);
        g_object_unref (task);
        return;
    }
    d->written += g_bytes_get_size (chunk);
    /* the chunk that crosses the bound is not written: no more than max_size reaches the disk */
    if (d->written > d->max_size) {
        download_fail (task, g_error_new (HENB_CWMP_ERROR, HENB_CWMP_ERROR_TOO_LARGE,
                                          "%s is larger than %" G_GOFFSET_FORMAT " bytes", d->transport->url,
                                          d->max_size));
        return;
    }
    /* the write holds on to the chunk until it is done */
    d->chunk = g_steal_pointer (&chunk);
    g_output_stream_write_all_async (d->out, g_bytes_get_data (d->chunk, NULL), g_bytes_get_size (d->chunk),
                                     G_PRIORITY_DEFAULT, d->r->cancellable, download_written, task);
}

static void
download_read_more (GTask *task)
{
    Download *d = g_task_get_task_data (task);

    g_input_stream_read_bytes_async (d->r->stream, 65536, G_PRIORITY_DEFAULT, d->r->cancellable, download_read, task);
}

static void
download_sent (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    Download *d = g_task_get_task_data (task);
    GError *error = NULL;
    guint status;
    goffset length;

    d->r->stream = soup_session_send_finish (SOUP_SESSION (source), res, &error);
    if (d->r->stream == NULL) {
        download_fail (task, map_error (d->transport, error));
        return;
    }
    status = soup_message_get_status (d->r->msg);
    if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_PROXY_UNAUTHORIZED) {
        download_fail (task, g_error_new (HENB_CWMP_ERROR, HENB_CWMP_ERROR_AUTH_FAILED,
                                          "the file server refused the credentials for %s (HTTP %u)",
                                          d->transport->url, status));
        return;
    }
    if (status != SOUP_STATUS_OK) {
        download_fail (task, g_error_new (HENB_CWMP_ERROR, HENB_CWMP_ERROR_HTTP_STATUS, "%s: HTTP %u %s",
                                          d->transport->url, status, soup_message_get_reason_phrase (d->r->msg)));
        return;
    }
    length = soup_message_headers_get_content_length (soup_message_get_response_headers (d->r->msg));
    if (length > d->max_size) {
        download_fail (task, g_error_new (HENB_CWMP_ERROR, HENB_CWMP_ERROR_TOO_LARGE,
                                          "%s announces %" G_GOFFSET_FORMAT " bytes, more than %" G_GOFFSET_FORMAT,
                                          d->transport->url, length, d->max_size));
        return;
    }
    download_read_more (task);
}

static gboolean
download_timed_out (gpointer user_data)
{
    GTask *task = user_data;
    Download *d = g_task_get_task_data (task);

    d->timeout_id = 0;
    d->timed_out = TRUE;
    g_cancellable_cancel (d->r->cancellable);
    return G_SOURCE_REMOVE;
}

static void
factory_download_async (HenbTransportFactory      *factory,
                        const HenbDownloadOptions *options,
                        GOutputStream             *destination,
                        GCancellable              *cancellable,
                        GAsyncReadyCallback        callback,
                        gpointer                   user_data)
{
    GTask *task = g_task_new (factory, cancellable, callback, user_data);
    HenbTransportOptions topts = {
        .url = options->url,
        .tls = options->tls,
        .username = options->username,
        .password = options->password,
        .connect_timeout = options->connect_timeout,
        .response_timeout = options->connect_timeout,
        .user_agent = options->user_agent,
        .remote = options->remote,
    };
    Download *d = g_new0 (Download, 1);
    GError *error = NULL;

    g_task_set_task_data (task, d, (GDestroyNotify) download_free);
    d->out = g_object_ref (destination);
    d->max_size = options->max_size > 0 ? options->max_size : G_MAXINT64;
    d->transport = HENB_SOUP_TRANSPORT (transport_new (&topts, &error));
    if (d->transport == NULL) {
        g_task_return_error (task, error);
        g_object_unref (task);
        return;
    }
    d->r = request_new_full (d->transport, SOUP_METHOD_GET, NULL, cancellable);
    if (options->timeout > 0)
        d->timeout_id = henb_timeout_add_seconds (options->timeout, download_timed_out, task);
    soup_session_send_async (d->transport->session, d->r->msg, G_PRIORITY_DEFAULT, d->r->cancellable,
                             download_sent, task);
}

static goffset
factory_download_finish (HenbTransportFactory *factory, GAsyncResult *result, GError **error)
{
    return g_task_propagate_int (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* The plugin */

#define HENB_TYPE_TRANSPORT_SOUP (henb_transport_soup_get_type ())
G_DECLARE_FINAL_TYPE (HenbTransportSoup, henb_transport_soup, HENB, TRANSPORT_SOUP, HenbPlugin)

struct _HenbTransportSoup {
    HenbPlugin parent_instance;
};

static void henb_transport_soup_factory_init (HenbTransportFactoryInterface *iface);
static void henb_transport_soup_cr_factory_init (HenbCrTransportFactoryInterface *iface);

/* the CWMP client and, being HTTP too, the "http" Connection Request transport */
G_DEFINE_TYPE_WITH_CODE (HenbTransportSoup, henb_transport_soup, HENB_TYPE_PLUGIN,
                         G_IMPLEMENT_INTERFACE (HENB_TYPE_TRANSPORT_FACTORY, henb_transport_soup_factory_init)
                         G_IMPLEMENT_INTERFACE (HENB_TYPE_CR_TRANSPORT_FACTORY,
                                                henb_transport_soup_cr_factory_init))

static HenbCwmpTransport *
factory_create (HenbTransportFactory *factory, const HenbTransportOptions *options, GError **error)
{
    return transport_new (options, error);
}

static void
henb_transport_soup_factory_init (HenbTransportFactoryInterface *iface)
{
    iface->create = factory_create;
    iface->download_async = factory_download_async;
    iface->download_finish = factory_download_finish;
}

static HenbCrTransport *
cr_factory_create (HenbCrTransportFactory *factory, const HenbServices *services, GError **error)
{
    HenbCrServer *server = henb_soup_cr_server_new (services, error);

    return server != NULL ? HENB_CR_TRANSPORT (server) : NULL;
}

static void
henb_transport_soup_cr_factory_init (HenbCrTransportFactoryInterface *iface)
{
    iface->create = cr_factory_create;
}

static void
henb_transport_soup_class_init (HenbTransportSoupClass *klass)
{
}

static void
henb_transport_soup_init (HenbTransportSoup *self)
{
}

HENB_PLUGIN_DEFINE (HENB_TYPE_TRANSPORT_SOUP, "transport-soup")
