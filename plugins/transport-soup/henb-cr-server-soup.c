/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TR-069 Connection Request server over SoupServer: plain HTTP (never TLS), GET on the
 * random path only, Digest (MD5, qop=auth) checked by henb-digest, an empty 200 before the
 * session is asked for. Everything is decided once the request headers are in; a body is
 * read and dropped, never kept.
 *
 * Keep-alive (RFC 9112 9.3, 9.6): an ACS answers the Digest challenge on the connection that
 * brought it (GenieACS does), so a challenge keeps the connection open, for a few requests
 * and a few seconds. Every other answer ends the connection and says so (`Connection: close`).
 * Between requests the connection is henbd's, not SoupServer's: libsoup 3.2 neither keeps a
 * connection it did not accept itself nor closes a kept one the client left, so each request
 * comes to SoupServer on the connection as if it were new.
 */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "henb-cr-server-soup.h"
#include "henb-digest.h"
#include "henb-errors.h"
#include "henb-main-context.h"

#define CR_REALM "henbd"
/* long enough for the ACS's answer to the challenge, short enough that a captured request
 * is worthless soon; an ACS that keeps a nonce longer gets stale=true and a fresh one */
#define CR_NONCE_LIFETIME (60 * G_USEC_PER_SEC)
/* A Connection Request takes one connection for well under a second: more at once, or
 * longer, is someone holding the server (and henbd's file descriptors) hostage. */
#define MAX_CONNECTIONS     16
#define CONNECTION_LIFETIME 30  /* seconds */
/* Waiting for a request: the ACS sends its first, and its answer to a challenge, at once. */
#define IDLE_TIMEOUT 5  /* seconds */
/* A challenge, a stale nonce, the answer: the request after that is answered and closed. */
#define MAX_REQUESTS_PER_CONNECTION 4

/* An accepted connection, watched here to enforce the limits: SoupServer's while it reads a
 * request and answers it, henbd's (held) while it waits for the next. */
typedef struct {
    HenbSoupCrServer  *self;
    GSocketConnection *connection;  /* NULL once finalized */
    GSocketConnection *held;        /* the reference while waiting for a request */
    GSocketAddress    *local;
    GSocketAddress    *remote;      /* as SoupServer reports it with each request */
    guint              deadline_id;
    guint              idle_id;
    GSource           *readable;
    guint              requests;
} Connection;

struct _HenbSoupCrServer {
    HenbCrServer        parent_instance;
    SoupServer         *server;
    GSocketService     *service;
    GPtrArray          *connections;  /* of Connection */
    gboolean            full_logged;
    HenbDigestVerifier *verifier;
};

G_DEFINE_FINAL_TYPE (HenbSoupCrServer, henb_soup_cr_server, HENB_TYPE_CR_SERVER)

static void
answer (SoupServerMessage *msg, guint status)
{
    soup_server_message_set_status (msg, status, NULL);
    soup_server_message_set_response (msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);
}

static void
answer_challenge (HenbSoupCrServer *self, SoupServerMessage *msg, gboolean stale)
{
    g_autofree gchar *challenge = henb_digest_verifier_challenge (self->verifier, stale, g_get_monotonic_time ());

    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate", challenge);
    answer (msg, SOUP_STATUS_UNAUTHORIZED);
}

static gboolean
report_accepted_idle (gpointer user_data)
{
    henb_cr_transport_report_accepted (HENB_CR_TRANSPORT (user_data));
    return G_SOURCE_REMOVE;
}

/* The 200 is out (or the ACS went away after being accepted): now the session may start. The
 * report waits for libsoup to be done with the message: whoever it reaches may stop or move
 * the server. */
static void
on_accepted_finished (SoupServerMessage *msg, HenbSoupCrServer *self)
{
    henb_idle_add_full (G_PRIORITY_DEFAULT, report_accepted_idle, g_object_ref (self), g_object_unref);
}

typedef enum {
    AUTH_OK,
    AUTH_CHALLENGED,  /* 401: an ACS sends its credentials next, on this connection */
    AUTH_REFUSED,     /* 401: wrong credentials */
} AuthOutcome;

/* Unless AUTH_OK, the request has been answered 401. */
static AuthOutcome
authenticate (HenbSoupCrServer *self, SoupServerMessage *msg, const gchar *peer)
{
    HenbCrServer *base = HENB_CR_SERVER (self);
    const gchar *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                        "Authorization");
    const gchar *username = henb_cr_transport_get_username (HENB_CR_TRANSPORT (base));
    GUri *uri = soup_server_message_get_uri (msg);
    g_autoptr(HenbDigestAuthorization) auth = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree gchar *request_uri = NULL;
    HenbDigestResult result;

    if (header == NULL) {
        g_debug ("connection request from %s without credentials: challenge (401)", peer);
        answer_challenge (self, msg, FALSE);
        return AUTH_CHALLENGED;
    }
    if (username == NULL || *username == '\0') {
        g_message ("connection request from %s refused (401): no ConnectionRequestUsername configured", peer);
        henb_cr_transport_count_rejected (HENB_CR_TRANSPORT (base));
        answer_challenge (self, msg, FALSE);
        return AUTH_REFUSED;
    }
    auth = henb_digest_authorization_parse (header, strlen (header), &error);
    if (auth == NULL) {
        g_message ("connection request from %s refused (401): %s", peer, error->message);
        henb_cr_transport_count_rejected (HENB_CR_TRANSPORT (base));
        answer_challenge (self, msg, FALSE);
        return AUTH_REFUSED;
    }

    /* the uri parameter names the request target as the request line did: path and query */
    request_uri = g_uri_get_query (uri) != NULL ? g_strdup_printf ("%s?%s", g_uri_get_path (uri), g_uri_get_query (uri))
                                                : g_strdup (g_uri_get_path (uri));
    result = henb_digest_verifier_check (self->verifier, auth, soup_server_message_get_method (msg), request_uri,
                                         username, henb_cr_transport_get_password (HENB_CR_TRANSPORT (base)), g_get_monotonic_time ());
    switch (result) {
    case HENB_DIGEST_OK:
        return AUTH_OK;
    case HENB_DIGEST_STALE_NONCE:
        /* the ACS knows the password: a new nonce, no failure */
        g_debug ("connection request from %s: %s, new challenge (401, stale)", peer,
                 henb_digest_result_to_string (result));
        answer_challenge (self, msg, TRUE);
        return AUTH_CHALLENGED;
    case HENB_DIGEST_WRONG_REALM:
    case HENB_DIGEST_WRONG_URI:
    case HENB_DIGEST_WRONG_USERNAME:
    case HENB_DIGEST_WRONG_RESPONSE:
    case HENB_DIGEST_UNKNOWN_NONCE:
    case HENB_DIGEST_REPLAYED_NC:
    default:
        g_message ("connection request from %s refused (401): %s", peer, henb_digest_result_to_string (result));
        henb_cr_transport_count_rejected (HENB_CR_TRANSPORT (base));
        answer_challenge (self, msg, FALSE);
        return AUTH_REFUSED;
    }
}

/* Ends @c: may free it. */
static void
connection_end (Connection *c)
{
    g_autoptr(GSocketConnection) held = g_steal_pointer (&c->held);

    if (held != NULL) {
        /* henbd's alone: closed here, and gone with the last reference */
        g_io_stream_close (G_IO_STREAM (held), NULL, NULL);
        return;
    }
    /* the peer sees the end, and so does libsoup, which then drops the connection itself */
    g_socket_shutdown (g_socket_connection_get_socket (c->connection), TRUE, TRUE, NULL);
}

static gboolean
on_connection_idle (gpointer data)
{
    Connection *c = data;

    c->idle_id = 0;
    g_debug ("closing a connection request connection idle for %d s", IDLE_TIMEOUT);
    connection_end (c);
    return G_SOURCE_REMOVE;
}

static void
connection_stop_waiting (Connection *c)
{
    g_clear_handle_id (&c->idle_id, henb_source_remove);
    if (c->readable != NULL) {
        g_source_destroy (c->readable);
        g_clear_pointer (&c->readable, g_source_unref);
    }
}

/* The next request (or the end) is in: SoupServer reads it as on a new connection. */
static gboolean
on_connection_readable (GSocket *socket, GIOCondition condition, gpointer data)
{
    Connection *c = data;
    g_autoptr(GSocketConnection) held = g_steal_pointer (&c->held);
    g_autoptr(GError) error = NULL;

    connection_stop_waiting (c);
    if (!soup_server_accept_iostream (c->self->server, G_IO_STREAM (held), c->local, c->remote, &error)) {
        g_debug ("connection request connection dropped: %s", error->message);
        g_io_stream_close (G_IO_STREAM (held), NULL, NULL);
    }
    /* SoupServer's now, or gone (and @c with it) */
    return G_SOURCE_REMOVE;
}

static void
connection_wait_for_request (Connection *c)
{
    connection_stop_waiting (c);
    c->idle_id = henb_timeout_add_seconds (IDLE_TIMEOUT, on_connection_idle, c);
    if (c->held != NULL) {
        c->readable = g_socket_create_source (g_socket_connection_get_socket (c->held),
                                              G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
        g_source_set_callback (c->readable, G_SOURCE_FUNC (on_connection_readable), c, NULL);
        henb_source_attach (c->readable);
    }
}

/* The connection @msg came on: SoupServer reports the peer address it was given with it. */
static Connection *
connection_find (HenbSoupCrServer *self, SoupServerMessage *msg)
{
    GSocketAddress *remote = soup_server_message_get_remote_address (msg);

    if (!G_IS_INET_SOCKET_ADDRESS (remote))
        return NULL;
    for (guint i = 0; i < self->connections->len; i++) {
        Connection *c = g_ptr_array_index (self->connections, i);
        GInetSocketAddress *a = G_INET_SOCKET_ADDRESS (c->remote);
        GInetSocketAddress *b = G_INET_SOCKET_ADDRESS (remote);

        if (g_inet_socket_address_get_port (a) == g_inet_socket_address_get_port (b) &&
            g_inet_address_equal (g_inet_socket_address_get_address (a), g_inet_socket_address_get_address (b)))
            return c;
    }
    return NULL;
}

/* The challenge is out: the connection is taken back from SoupServer to wait for the answer. */
static void
on_challenge_written (SoupServerMessage *msg, HenbSoupCrServer *self)
{
    Connection *c = connection_find (self, msg);
    g_autoptr(GIOStream) stolen = NULL;

    if (c == NULL || c->connection == NULL)
        return;
    c->held = g_object_ref (c->connection);
    /* libsoup's wrapper of c->connection, dropped with whatever it read ahead: nothing, as no
     * ACS answers a challenge before it has it. @msg may be gone after this. */
    stolen = soup_server_message_steal_connection (msg);
    if (stolen == NULL) {
        g_clear_object (&c->held);
        return;
    }
    connection_wait_for_request (c);
}

/* Only a bodiless HTTP/1.1 request whose client wants more may keep its connection: anything
 * else is where the next request would start. */
static gboolean
may_keep_connection (SoupServerMessage *msg)
{
    SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
    SoupEncoding encoding = soup_message_headers_get_encoding (headers);

    return soup_server_message_get_http_version (msg) == SOUP_HTTP_1_1 &&
           (encoding == SOUP_ENCODING_NONE ||
            (encoding == SOUP_ENCODING_CONTENT_LENGTH && soup_message_headers_get_content_length (headers) == 0)) &&
           !soup_message_headers_header_contains (headers, "Connection", "close");
}

/* Whether the request answered with a challenge may be followed by another on @c. */
static gboolean
keep_for_answer (HenbSoupCrServer *self, Connection *c, SoupServerMessage *msg, const gchar *peer)
{
    if (c == NULL || !may_keep_connection (msg))
        return FALSE;
    if (c->requests >= MAX_REQUESTS_PER_CONNECTION) {
        g_debug ("connection request connection from %s closed after %u requests", peer, c->requests);
        return FALSE;
    }
    g_signal_connect_object (msg, "wrote-body", G_CALLBACK (on_challenge_written), self, G_CONNECT_DEFAULT);
    return TRUE;
}

/*
 * An early handler: called with the headers, before any body. Setting the status here is
 * the answer (the normal handlers are skipped); the body is read and dropped.
 */
static void
on_request_headers (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
    HenbSoupCrServer *self = HENB_SOUP_CR_SERVER (user_data);
    HenbCrServer *base = HENB_CR_SERVER (self);
    const gchar *peer = soup_server_message_get_remote_host (msg);
    const gchar *method = soup_server_message_get_method (msg);
    Connection *c = connection_find (self, msg);
    gboolean keep = FALSE;

    /* TR-069 3.2.2: any body of a Connection Request is ignored, so none is stored */
    soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
    if (c != NULL) {
        c->requests++;
        connection_stop_waiting (c);
    }

    if (g_strcmp0 (g_uri_get_path (soup_server_message_get_uri (msg)), henb_cr_server_get_path (base)) != 0) {
        g_debug ("request from %s for another path (404)", peer);
        answer (msg, SOUP_STATUS_NOT_FOUND);
    } else if (g_strcmp0 (method, SOUP_METHOD_GET) != 0) {
        g_debug ("connection request from %s with method %s (405)", peer, method);
        soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET");
        answer (msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
    } else {
        switch (authenticate (self, msg, peer)) {
        case AUTH_CHALLENGED:
            keep = keep_for_answer (self, c, msg, peer);
            break;
        case AUTH_REFUSED:
            /* one guess per connection */
            break;
        case AUTH_OK:
        default:
            if (henb_cr_transport_admit (HENB_CR_TRANSPORT (base)) == HENB_CR_ADMISSION_RATE_LIMITED) {
                /* TR-069 3.2.2: 503, and no Retry-After */
                g_message ("connection request from %s refused (503): less than %u s after the last one", peer,
                           henb_cr_transport_get_min_interval (HENB_CR_TRANSPORT (base)));
                answer (msg, SOUP_STATUS_SERVICE_UNAVAILABLE);
                break;
            }
            /* the session follows: nothing more to say on this connection */
            g_message ("connection request from %s accepted", peer);
            g_signal_connect_object (msg, "finished", G_CALLBACK (on_accepted_finished), self, G_CONNECT_DEFAULT);
            answer (msg, SOUP_STATUS_OK);
            break;
        }
    }
    /* RFC 9112 9.6: the client learns the connection ends from the answer, not by trying it */
    if (!keep)
        soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
}

static void
on_connection_finalized (gpointer data, GObject *where_the_object_was)
{
    Connection *c = data;

    c->connection = NULL;
    c->self->full_logged = FALSE;
    g_ptr_array_remove_fast (c->self->connections, c);
}

static void
connection_release (gpointer data)
{
    Connection *c = data;

    if (c->connection != NULL)
        g_object_weak_unref (G_OBJECT (c->connection), on_connection_finalized, c);
    g_clear_handle_id (&c->deadline_id, henb_source_remove);
    connection_stop_waiting (c);
    g_clear_object (&c->held);
    g_clear_object (&c->local);
    g_clear_object (&c->remote);
    g_free (c);
}

static gboolean
on_connection_deadline (gpointer data)
{
    Connection *c = data;

    c->deadline_id = 0;
    g_debug ("closing a connection request connection after %d s", CONNECTION_LIFETIME);
    connection_end (c);
    return G_SOURCE_REMOVE;
}

/*
 * Connections are accepted here and handed to SoupServer, rather than by soup_server_listen():
 * libsoup 3.2's own listener never closes a connection the client closed while idle (one
 * file descriptor lost each time), and this is where the limits go.
 */
static gboolean
on_incoming (GSocketService *service, GSocketConnection *connection, GObject *source, gpointer user_data)
{
    HenbSoupCrServer *self = HENB_SOUP_CR_SERVER (user_data);
    g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
    g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);
    g_autoptr(GError) error = NULL;
    Connection *c;

    if (self->connections->len >= MAX_CONNECTIONS) {
        if (!self->full_logged)
            g_message ("connection request connections refused: %d already open", MAX_CONNECTIONS);
        self->full_logged = TRUE;
        g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
        return TRUE;
    }
    if (local == NULL || !G_IS_INET_SOCKET_ADDRESS (remote)) {
        g_debug ("connection request connection dropped: no address");
        g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
        return TRUE;
    }
    /* watched first: a request already in may be answered before accepting returns */
    c = g_new0 (Connection, 1);
    c->self = self;
    c->connection = connection;
    c->local = g_steal_pointer (&local);
    c->remote = g_steal_pointer (&remote);
    g_object_weak_ref (G_OBJECT (connection), on_connection_finalized, c);
    c->deadline_id = henb_timeout_add_seconds (CONNECTION_LIFETIME, on_connection_deadline, c);
    connection_wait_for_request (c);
    g_ptr_array_add (self->connections, c);
    if (!soup_server_accept_iostream (self->server, G_IO_STREAM (connection), c->local, c->remote, &error)) {
        g_debug ("connection request connection dropped: %s", error->message);
        g_ptr_array_remove_fast (self->connections, c);
        g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
    }
    return TRUE;
}

static gboolean
henb_soup_cr_server_listen (HenbCrServer *base, GInetAddress *address, guint16 port, GError **error)
{
    HenbSoupCrServer *self = HENB_SOUP_CR_SERVER (base);
    g_autoptr(GSocketAddress) where = g_inet_socket_address_new (address, port);
    g_autoptr(GSocketService) service = g_socket_service_new ();
    g_autoptr(GSocketAddress) bound = NULL;
    g_autoptr(GError) error_local = NULL;

    if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), where, G_SOCKET_TYPE_STREAM,
                                        G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error_local)) {
        g_autofree gchar *where_text = g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (where));

        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                     "cannot listen for connection requests on %s: %s", where_text, error_local->message);
        return FALSE;
    }
    /* raw paths: the path and the Digest uri are compared as the ACS sent them */
    self->server = soup_server_new ("raw-paths", TRUE, NULL);
    soup_server_add_early_handler (self->server, NULL, on_request_headers, self, NULL);
    g_signal_connect (service, "incoming", G_CALLBACK (on_incoming), self);
    self->service = g_steal_pointer (&service);
    henb_cr_server_set_local_address (base, G_INET_SOCKET_ADDRESS (bound));
    return TRUE;
}

static void
henb_soup_cr_server_close (HenbCrServer *base)
{
    HenbSoupCrServer *self = HENB_SOUP_CR_SERVER (base);

    if (self->service != NULL) {
        g_socket_service_stop (self->service);
        g_socket_listener_close (G_SOCKET_LISTENER (self->service));
        g_clear_object (&self->service);
    }
    /* stop watching before the connections go, so nothing calls back into this server */
    g_ptr_array_set_size (self->connections, 0);
    self->full_logged = FALSE;
    if (self->server != NULL) {
        soup_server_disconnect (self->server);
        g_clear_object (&self->server);
    }
}

static void
henb_soup_cr_server_dispose (GObject *object)
{
    henb_soup_cr_server_close (HENB_CR_SERVER (object));
    G_OBJECT_CLASS (henb_soup_cr_server_parent_class)->dispose (object);
}

static void
henb_soup_cr_server_finalize (GObject *object)
{
    HenbSoupCrServer *self = HENB_SOUP_CR_SERVER (object);

    g_clear_pointer (&self->verifier, henb_digest_verifier_free);
    g_ptr_array_unref (self->connections);
    G_OBJECT_CLASS (henb_soup_cr_server_parent_class)->finalize (object);
}

static void
henb_soup_cr_server_class_init (HenbSoupCrServerClass *klass)
{
    HenbCrServerClass *server_class = HENB_CR_SERVER_CLASS (klass);

    G_OBJECT_CLASS (klass)->dispose = henb_soup_cr_server_dispose;
    G_OBJECT_CLASS (klass)->finalize = henb_soup_cr_server_finalize;
    server_class->listen = henb_soup_cr_server_listen;
    server_class->close = henb_soup_cr_server_close;
}

static void
henb_soup_cr_server_init (HenbSoupCrServer *self)
{
    self->connections = g_ptr_array_new_with_free_func (connection_release);
}

HenbCrServer *
henb_soup_cr_server_new (const HenbServices *services, GError **error)
{
    g_autoptr(HenbSoupCrServer) self = g_object_new (HENB_TYPE_SOUP_CR_SERVER, "name", "http", "services", services, NULL);
    guint8 secret[HENB_DIGEST_SECRET_SIZE];

    /* whoever knows the nonce key can forge nonces */
    if (!henb_cr_transport_random_bytes (secret, sizeof secret, error)) {
        g_prefix_error (error, "connection request nonces: ");
        return NULL;
    }
    self->verifier = henb_digest_verifier_new (CR_REALM, secret, sizeof secret, CR_NONCE_LIFETIME);
    explicit_bzero (secret, sizeof secret);
    return HENB_CR_SERVER (g_steal_pointer (&self));
}
