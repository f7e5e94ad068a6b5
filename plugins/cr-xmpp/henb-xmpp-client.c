/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>
#include <gnutls/gnutls.h>
#include <strophe.h>

#include "henb-errors.h"
#include "henb-gnutls-verify.h"
#include "henb-main-context.h"
#include "henb-xmpp-client.h"
#include "henb-xmpp-starttls.h"

/*
 * Trust: libstrophe never does TLS. Its OpenSSL backend loads the system's default CAs as
 * well, and lets a handler overrule only a chain OpenSSL refused, not refuse one it accepted,
 * so a public-CA certificate for the exact domain would get the SASL exchange. henbd opens
 * the server stream itself instead (henb-xmpp-starttls.c: STARTTLS, GnuTLS with the operator
 * root CA as the only anchor, the domain in henbd's form) and only once the certificate
 * passed relays the TLS stream's plaintext to libstrophe, which connects to a one-time
 * loopback listener with TLS disabled and restarts the stream as after STARTTLS.
 *
 * libstrophe runs its own select() loop; here xmpp_run_once (timeout 0) is called from GLib
 * sources instead: while the session is being set up every 10 ms (short: SASL, bind), once
 * online when the socket is readable, and once a second for libstrophe's timed handlers (the
 * keep-alive). The set-up deadline covers the STARTTLS part (a timer cancels it) and then
 * libstrophe's part (a watchdog thread shuts its socket down, which ends any stalled step).
 */

#define XMPP_STANZAS_NS   "urn:ietf:params:xml:ns:xmpp-stanzas"
#define CR_VALUE_MAX      256
#define SETUP_POLL_MS     10
#define SETUP_TIMEOUT     30 /* seconds */

/* Shuts the socket down at the deadline unless disarmed before. It has its own duplicate of
 * the socket, so a descriptor libstrophe closed and the system reused is never touched. */
typedef struct {
    GMutex   lock;
    GCond    cond;
    gint64   deadline; /* monotonic µs */
    gint     fd;
    gboolean disarmed;
    gboolean fired;    /* read by the main thread after the join */
    GThread *thread;
} Watchdog;

static gpointer
watchdog_run (gpointer data)
{
    Watchdog *dog = data;

    g_mutex_lock (&dog->lock);
    while (!dog->disarmed && g_cond_wait_until (&dog->cond, &dog->lock, dog->deadline))
        ;
    if (!dog->disarmed) {
        shutdown (dog->fd, SHUT_RDWR);
        dog->fired = TRUE;
    }
    g_mutex_unlock (&dog->lock);
    return NULL;
}

static Watchdog *
watchdog_start (gint fd, guint seconds)
{
    Watchdog *dog = g_new0 (Watchdog, 1);

    dog->fd = fcntl (fd, F_DUPFD_CLOEXEC, 3);
    if (dog->fd < 0) {
        g_warning ("XMPP: no watchdog for the session set-up: %s", g_strerror (errno));
        g_free (dog);
        return NULL;
    }
    g_mutex_init (&dog->lock);
    g_cond_init (&dog->cond);
    dog->deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
    dog->thread = g_thread_new ("xmpp-watchdog", watchdog_run, dog);
    return dog;
}

/* Stops the watchdog; TRUE when it had fired. */
static gboolean
watchdog_stop (Watchdog *dog)
{
    gboolean fired;

    g_mutex_lock (&dog->lock);
    dog->disarmed = TRUE;
    g_cond_signal (&dog->cond);
    g_mutex_unlock (&dog->lock);
    g_thread_join (dog->thread);
    fired = dog->fired;
    close (dog->fd);
    g_mutex_clear (&dog->lock);
    g_cond_clear (&dog->cond);
    g_free (dog);
    return fired;
}

struct _HenbXmppClient {
    GObject          parent_instance;

    xmpp_ctx_t      *ctx;
    xmpp_conn_t     *conn;
    xmpp_log_t       log;
    gchar           *domain;
    guint            keepalive;

    gint             fd;
    guint            setup_timeout;
    Watchdog        *watchdog;
    gboolean         setup_expired;
    GSource         *fd_source;
    guint            poll_id;
    guint            tick_id;
    guint            release_id;

    gboolean         online;
    gboolean         closing;
    GCancellable    *setup_cancellable; /* the STARTTLS part and the relay */
    guint            setup_timer_id;
    gboolean         starting_tls;     /* the STARTTLS part runs; libstrophe waits */
    GSocketListener *listener;         /* where libstrophe connects, once */
    GIOStream       *server_stream;    /* the server, past TLS, until the relay took it */
    gboolean         server_tls;
    guint16          libstrophe_port;  /* its loopback socket's own port */
    gboolean         auth_failed;
    gboolean         tcp_connected;
    gchar           *tls_refusal; /* why our own check refused the certificate */
    gchar           *bound_jid;
    gboolean         tls_established;
};

enum { SIGNAL_ONLINE, SIGNAL_OFFLINE, SIGNAL_CONNECTION_REQUEST, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_TYPE (HenbXmppClient, henb_xmpp_client, G_TYPE_OBJECT)

/* libstrophe's certfail handler has no user data: its context (one per client) leads to it;
 * henb-fleet's worker threads each have clients */
G_LOCK_DEFINE_STATIC (clients_by_ctx);
static GHashTable *clients_by_ctx;

static HenbXmppClient *
client_of_ctx (xmpp_ctx_t *ctx)
{
    HenbXmppClient *self;

    G_LOCK (clients_by_ctx);
    self = g_hash_table_lookup (clients_by_ctx, ctx);
    G_UNLOCK (clients_by_ctx);
    return self;
}

static void drive_setup (HenbXmppClient *self);
static void stop_driving (HenbXmppClient *self);

/* ---------------------------------------------------------------------------------------- */
/* Connection Requests */

/* The text of @name in the Annex K namespace under @cr; NULL when missing or too long. */
static gchar *
cr_value (xmpp_ctx_t *ctx, xmpp_stanza_t *cr, const gchar *name)
{
    xmpp_stanza_t *child = xmpp_stanza_get_child_by_name_and_ns (cr, name, HENB_XMPP_CONN_REQ_NS);
    gchar *text, *copy;

    if (child == NULL)
        return NULL;
    text = xmpp_stanza_get_text (child);
    if (text == NULL)
        return g_strdup ("");
    copy = strlen (text) <= CR_VALUE_MAX && g_utf8_validate (text, -1, NULL) ? g_strdup (text) : NULL;
    xmpp_free (ctx, text);
    return copy;
}

static void
send_answer (HenbXmppClient *self, xmpp_stanza_t *request, HenbXmppCrAnswer answer)
{
    const gchar *from = xmpp_stanza_get_from (request);
    xmpp_stanza_t *reply;

    reply = xmpp_iq_new (self->ctx, answer == HENB_XMPP_CR_ACCEPT ? "result" : "error",
                         xmpp_stanza_get_id (request));
    if (from != NULL)
        xmpp_stanza_set_to (reply, from);
    if (answer != HENB_XMPP_CR_ACCEPT) {
        xmpp_stanza_t *error = xmpp_stanza_new (self->ctx);
        xmpp_stanza_t *condition = xmpp_stanza_new (self->ctx);

        xmpp_stanza_set_name (error, "error");
        xmpp_stanza_set_type (error, "cancel");
        xmpp_stanza_set_name (condition, answer == HENB_XMPP_CR_NOT_AUTHORIZED ? "not-authorized"
                                                                               : "service-unavailable");
        xmpp_stanza_set_ns (condition, XMPP_STANZAS_NS);
        xmpp_stanza_add_child (error, condition);
        xmpp_stanza_add_child (reply, error);
        xmpp_stanza_release (condition);
        xmpp_stanza_release (error);
    }
    xmpp_send (self->conn, reply);
    xmpp_stanza_release (reply);
}

/* Every IQ get or set has an answer (RFC 6120 8.2.3): a XEP-0199 ping its result, anything
 * but a Connection Request <service-unavailable/> (8.4). */
static int
on_iq (xmpp_conn_t *conn, xmpp_stanza_t *stanza, void *user_data)
{
    HenbXmppClient *self = user_data;
    xmpp_stanza_t *cr;
    const gchar *type = xmpp_stanza_get_type (stanza);
    const gchar *from = xmpp_stanza_get_from (stanza);
    g_autofree gchar *username = NULL;
    g_autofree gchar *password = NULL;
    gint answer = HENB_XMPP_CR_SERVICE_UNAVAILABLE;

    /* results and errors answer nothing; an IQ without id cannot be answered */
    if ((g_strcmp0 (type, "get") != 0 && g_strcmp0 (type, "set") != 0) || xmpp_stanza_get_id (stanza) == NULL)
        return 1;
    cr = xmpp_stanza_get_child_by_name_and_ns (stanza, "connectionRequest", HENB_XMPP_CONN_REQ_NS);
    if (cr == NULL || g_strcmp0 (type, "get") != 0) {
        gboolean ping = g_strcmp0 (type, "get") == 0 &&
                        xmpp_stanza_get_child_by_name_and_ns (stanza, "ping", "urn:xmpp:ping") != NULL;

        if (self->conn == conn)
            send_answer (self, stanza, ping ? HENB_XMPP_CR_ACCEPT : HENB_XMPP_CR_SERVICE_UNAVAILABLE);
        return 1;
    }
    username = cr_value (self->ctx, cr, "username");
    password = cr_value (self->ctx, cr, "password");
    if (from != NULL && (strlen (from) > 3071 || !g_utf8_validate (from, -1, NULL))) {
        g_info ("XMPP Connection Request refused: its sender address is not valid");
    } else if (username == NULL || password == NULL) {
        g_info ("XMPP Connection Request from %s refused: username or password missing or too long",
                from != NULL ? from : "(no sender)");
        answer = HENB_XMPP_CR_NOT_AUTHORIZED;
    } else {
        g_signal_emit (self, signals[SIGNAL_CONNECTION_REQUEST], 0, from != NULL ? from : "",
                       username, password, &answer);
    }
    if (self->conn == conn)
        send_answer (self, stanza, answer);
    return 1;
}

/* ---------------------------------------------------------------------------------------- */
/* Driving libstrophe from GLib */

static void
run_once (HenbXmppClient *self)
{
    g_autoptr(HenbXmppClient) keep = g_object_ref (self);

    /* the second run writes what the handlers of the first queued */
    xmpp_run_once (self->ctx, 0);
    if (self->ctx != NULL)
        xmpp_run_once (self->ctx, 0);
}

static gboolean
on_setup_poll (gpointer user_data)
{
    run_once (user_data);
    return G_SOURCE_CONTINUE;
}

static gboolean
on_readable (gint fd, GIOCondition condition, gpointer user_data)
{
    run_once (user_data);
    return G_SOURCE_CONTINUE;
}

static gboolean
on_tick (gpointer user_data)
{
    run_once (user_data);
    return G_SOURCE_CONTINUE;
}

static void
stop_driving (HenbXmppClient *self)
{
    g_clear_handle_id (&self->poll_id, henb_source_remove);
    g_clear_handle_id (&self->tick_id, henb_source_remove);
    if (self->fd_source != NULL) {
        g_source_destroy (self->fd_source);
        g_clear_pointer (&self->fd_source, g_source_unref);
    }
}

static void
drive_setup (HenbXmppClient *self)
{
    stop_driving (self);
    self->poll_id = henb_timeout_add (SETUP_POLL_MS, on_setup_poll, self);
}

static void
drive_online (HenbXmppClient *self)
{
    stop_driving (self);
    if (self->fd >= 0) {
        self->fd_source = g_unix_fd_source_new (self->fd, G_IO_IN | G_IO_PRI | G_IO_ERR | G_IO_HUP);
        g_source_set_callback (self->fd_source, G_SOURCE_FUNC (on_readable), self, NULL);
        henb_source_attach (self->fd_source);
    }
    self->tick_id = henb_timeout_add_seconds (1, on_tick, self);
}

static int
on_socket (xmpp_conn_t *conn, void *sock)
{
    HenbXmppClient *self = client_of_ctx (xmpp_conn_get_context (conn));

    if (self != NULL) {
        struct sockaddr_in local = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
        socklen_t length = sizeof local;

        self->fd = *(gint *) sock;
        /* a port of our own, known before the connection, for the relay to recognise it */
        self->libstrophe_port = 0;
        if (bind (self->fd, (struct sockaddr *) &local, sizeof local) == 0 &&
            getsockname (self->fd, (struct sockaddr *) &local, &length) == 0)
            self->libstrophe_port = ntohs (local.sin_port);
        else
            g_info ("XMPP: cannot bind libstrophe's socket: %s", g_strerror (errno));
        /* one socket per attempt (libstrophe tries each address of a name in turn) */
        if (self->watchdog != NULL)
            self->setup_expired |= watchdog_stop (self->watchdog);
        self->watchdog = watchdog_start (self->fd, self->setup_timeout);
    }
    return xmpp_sockopt_cb_keepalive (conn, sock);
}

static int
on_keepalive (xmpp_conn_t *conn, void *user_data)
{
    /* a whitespace ping (RFC 6120 4.6.1) */
    xmpp_send_raw (conn, " ", 1);
    return 1;
}

static void
drop_conn (HenbXmppClient *self)
{
    g_clear_handle_id (&self->release_id, henb_source_remove);
    if (self->conn != NULL && !self->online) {
        /* releasing a connection that is still closing reports its end (on_conn_event), which
         * must not take it for the current one */
        xmpp_conn_t *conn = g_steal_pointer (&self->conn);

        xmpp_conn_release (conn);
    }
}

/* Releasing a libstrophe connection inside its own callbacks is not allowed: later. */
static gboolean
release_conn (gpointer user_data)
{
    HenbXmppClient *self = user_data;

    self->release_id = 0;
    drop_conn (self);
    return G_SOURCE_REMOVE;
}

static void
disarm (HenbXmppClient *self)
{
    if (self->watchdog != NULL)
        self->setup_expired |= watchdog_stop (g_steal_pointer (&self->watchdog));
}

static void
stop_setup (HenbXmppClient *self)
{
    g_clear_handle_id (&self->setup_timer_id, henb_source_remove);
    if (self->setup_cancellable != NULL)
        g_cancellable_cancel (self->setup_cancellable);
    g_clear_object (&self->setup_cancellable);
    if (self->listener != NULL)
        g_socket_listener_close (self->listener);
    g_clear_object (&self->listener);
    g_clear_object (&self->server_stream);
    self->starting_tls = FALSE;
}

static void
go_offline (HenbXmppClient *self, HenbXmppOfflineReason reason, const gchar *detail)
{
    stop_setup (self);
    disarm (self);
    stop_driving (self);
    self->online = FALSE;
    self->fd = -1;
    g_clear_pointer (&self->bound_jid, g_free);
    self->tls_established = FALSE;
    if (self->release_id == 0)
        self->release_id = henb_idle_add (release_conn, self);
    g_signal_emit (self, signals[SIGNAL_OFFLINE], 0, reason, detail);
}

static void
on_conn_event (xmpp_conn_t *conn, xmpp_conn_event_t event, int error, xmpp_stream_error_t *stream_error,
               void *user_data)
{
    HenbXmppClient *self = user_data;
    g_autofree gchar *detail = NULL;
    HenbXmppOfflineReason reason;

    if (conn != self->conn)
        return;
    switch (event) {
    case XMPP_CONN_CONNECT:
        disarm (self);
        self->online = TRUE;
        self->tls_established = self->server_tls;
        self->bound_jid = g_strdup (xmpp_conn_get_bound_jid (conn));
        xmpp_handler_add (conn, on_iq, NULL, "iq", NULL, self);
        if (self->keepalive > 0)
            xmpp_timed_handler_add (conn, on_keepalive, self->keepalive * 1000UL, self);
        drive_online (self);
        g_signal_emit (self, signals[SIGNAL_ONLINE], 0);
        return;
    case XMPP_CONN_RAW_CONNECT:
        return;
    case XMPP_CONN_DISCONNECT:
    case XMPP_CONN_FAIL:
    default:
        break;
    }

    disarm (self);
    if (self->closing) {
        reason = HENB_XMPP_OFFLINE_CLOSED;
        detail = g_strdup ("closed");
    } else if (self->setup_expired) {
        reason = HENB_XMPP_OFFLINE_UNREACHABLE;
        detail = g_strdup_printf ("the server did not complete the session set-up within %u s",
                                  self->setup_timeout);
    } else if (self->tls_refusal != NULL) {
        reason = HENB_XMPP_OFFLINE_TLS;
        detail = g_strdup_printf ("certificate refused: %s", self->tls_refusal);
    } else if (self->auth_failed) {
        reason = HENB_XMPP_OFFLINE_AUTHENTICATION;
        detail = g_strdup ("the server refused the username or password");
    } else if (stream_error != NULL && (stream_error->type == XMPP_SE_SYSTEM_SHUTDOWN ||
                                        stream_error->type == XMPP_SE_CONN_TIMEOUT ||
                                        stream_error->type == XMPP_SE_RESOURCE_CONSTRAINT)) {
        /* the server went away or sent us away for now: as if it were not there */
        reason = HENB_XMPP_OFFLINE_UNREACHABLE;
        detail = g_strdup_printf ("the server ended the session (%s%s%s)",
                                  stream_error->type == XMPP_SE_SYSTEM_SHUTDOWN ? "system-shutdown"
                                  : stream_error->type == XMPP_SE_CONN_TIMEOUT ? "connection-timeout"
                                                                               : "resource-constraint",
                                  stream_error->text != NULL ? ": " : "",
                                  stream_error->text != NULL ? stream_error->text : "");
    } else if (stream_error != NULL) {
        reason = HENB_XMPP_OFFLINE_ERROR;
        detail = g_strdup_printf ("stream error %d (RFC 6120 4.9.3, in strophe.h's order)%s%s",
                                  stream_error->type, stream_error->text != NULL ? ": " : "",
                                  stream_error->text != NULL ? stream_error->text : "");
    } else if (self->online) {
        reason = HENB_XMPP_OFFLINE_UNREACHABLE;
        detail = g_strdup_printf ("the connection ended: %s", error != 0 ? g_strerror (error)
                                                                         : "closed by the server");
    } else if (error != 0 || !self->tcp_connected) {
        reason = HENB_XMPP_OFFLINE_UNREACHABLE;
        detail = g_strdup_printf ("no connection: %s", error != 0 ? g_strerror (error) : "refused or timed out");
    } else {
        reason = HENB_XMPP_OFFLINE_ERROR;
        detail = g_strdup ("the session could not be set up (TLS required but not offered, or refused)");
    }
    go_offline (self, reason, detail);
}

/* libstrophe's log: to GLib's debug log, and the one fact it only logs: SASL failed */
static void
on_log (void *user_data, xmpp_log_level_t level, const char *area, const char *msg)
{
    HenbXmppClient *self = user_data;

    if (strstr (msg, "auth failed") != NULL || strstr (msg, "Authentication failed") != NULL)
        self->auth_failed = TRUE;
    if (g_strcmp0 (area, "xmpp") == 0 && strstr (msg, "connection successful") != NULL)
        self->tcp_connected = TRUE;
    /* not its debug level: it shows every stanza, the SASL exchange and Connection Request
     * passwords among them */
    if (level >= XMPP_LEVEL_WARN)
        g_info ("libstrophe %s: %s", area, msg);
    else if (level == XMPP_LEVEL_INFO)
        g_debug ("libstrophe %s: %s", area, msg);
}

/* ---------------------------------------------------------------------------------------- */

/* ---------------------------------------------------------------------------------------- */
/* The server stream past TLS, relayed to libstrophe */

static gboolean
on_setup_timer (gpointer user_data)
{
    HenbXmppClient *self = user_data;
    g_autofree gchar *detail = g_strdup_printf ("the server did not complete the session set-up within %u s",
                                                self->setup_timeout);

    self->setup_timer_id = 0;
    if (self->starting_tls)
        go_offline (self, HENB_XMPP_OFFLINE_UNREACHABLE, detail);
    return G_SOURCE_REMOVE;
}

static void
on_relay_ended (GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GError) error = NULL;

    /* either side closed, and the other with it: libstrophe or the server says the rest */
    if (!g_io_stream_splice_finish (result, &error) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("XMPP relay: %s", error->message);
}

/* Only libstrophe may have the server's stream: its socket, bound to 127.0.0.1 and a port in
 * on_socket() before it connects, is the only one from there (all of 127/8 is loopback: another
 * local user could take the same port on 127.0.0.2). */
static gboolean
is_libstrophe (HenbXmppClient *self, GSocketConnection *connection)
{
    g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);

    return self->libstrophe_port != 0 && G_IS_INET_SOCKET_ADDRESS (remote) &&
           g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote)) == self->libstrophe_port &&
           g_inet_address_equal (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)), loopback);
}

/* The callbacks of the set-up get its cancellable: cancelled when the client stops or goes
 * away, else it leads to the client. */
#define CLIENT_KEY "henb-xmpp-client"

static HenbXmppClient *
setup_owner (GCancellable *cancellable)
{
    return g_cancellable_is_cancelled (cancellable) ? NULL : g_object_get_data (G_OBJECT (cancellable), CLIENT_KEY);
}

static void
on_libstrophe_accepted (GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GCancellable) cancellable = user_data;
    HenbXmppClient *self = setup_owner (cancellable);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketConnection) local = g_socket_listener_accept_finish (G_SOCKET_LISTENER (source), result,
                                                                           NULL, &error);

    if (self == NULL || self->server_stream == NULL)
        return;
    if (local == NULL) {
        g_autofree gchar *detail = g_strdup_printf ("local relay: %s", error->message);

        go_offline (self, HENB_XMPP_OFFLINE_ERROR, detail);
        return;
    }
    if (!is_libstrophe (self, local)) {
        g_info ("XMPP: something other than libstrophe reached the local relay; refused");
        g_io_stream_close (G_IO_STREAM (local), NULL, NULL);
        g_socket_listener_accept_async (self->listener, cancellable, on_libstrophe_accepted,
                                        g_object_ref (cancellable));
        return;
    }
    g_socket_listener_close (self->listener);
    g_io_stream_splice_async (G_IO_STREAM (local), self->server_stream,
                              G_IO_STREAM_SPLICE_CLOSE_STREAM1 | G_IO_STREAM_SPLICE_CLOSE_STREAM2, G_PRIORITY_DEFAULT,
                              self->setup_cancellable, on_relay_ended, NULL);
    g_clear_object (&self->server_stream);
}

static void
on_server_stream (GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GCancellable) cancellable = user_data;
    HenbXmppClient *self = setup_owner (cancellable);
    g_autoptr(GError) error = NULL;
    gboolean tls = FALSE;
    g_autoptr(GIOStream) stream = henb_xmpp_starttls_connect_finish (result, &tls, &error);
    g_autoptr(GInetAddress) loopback = NULL;
    g_autoptr(GSocketAddress) any_port = NULL;
    g_autoptr(GSocketAddress) bound = NULL;
    g_autofree gchar *detail = NULL;

    if (self == NULL || !self->starting_tls)
        return;
    self->server_tls = tls;
    if (stream == NULL) {
        if (error->domain == HENB_SECURITY_ERROR) {
            detail = g_strdup_printf ("certificate refused: %s", error->message);
            go_offline (self, HENB_XMPP_OFFLINE_TLS, detail);
        } else if (error->domain == G_TLS_ERROR) {
            detail = g_strdup_printf ("TLS failed: %s", error->message);
            go_offline (self, HENB_XMPP_OFFLINE_TLS, detail);
        } else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED)) {
            go_offline (self, HENB_XMPP_OFFLINE_ERROR, error->message);
        } else {
            detail = g_strdup_printf ("no connection: %s", error->message);
            go_offline (self, HENB_XMPP_OFFLINE_UNREACHABLE, detail);
        }
        return;
    }
    if (G_IS_SOCKET_CONNECTION (stream))
        g_socket_set_keepalive (g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream)), TRUE);
    else if (G_IS_TLS_CONNECTION (stream)) {
        GIOStream *base = NULL;

        g_object_get (stream, "base-io-stream", &base, NULL);
        if (G_IS_SOCKET_CONNECTION (base))
            g_socket_set_keepalive (g_socket_connection_get_socket (G_SOCKET_CONNECTION (base)), TRUE);
        g_clear_object (&base);
    }

    /* a one-time listener on loopback, any port, for libstrophe */
    self->listener = g_socket_listener_new ();
    loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    any_port = g_inet_socket_address_new (loopback, 0);
    if (!g_socket_listener_add_address (self->listener, any_port, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                        NULL, &bound, &error)) {
        detail = g_strdup_printf ("no local relay: %s", error->message);
        go_offline (self, HENB_XMPP_OFFLINE_ERROR, detail);
        return;
    }
    self->server_stream = g_steal_pointer (&stream);
    self->starting_tls = FALSE;
    g_clear_handle_id (&self->setup_timer_id, henb_source_remove);
    g_socket_listener_accept_async (self->listener, self->setup_cancellable, on_libstrophe_accepted,
                                    g_object_ref (self->setup_cancellable));
    if (xmpp_connect_client (self->conn, "127.0.0.1", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)),
                             on_conn_event, self) != XMPP_EOK) {
        go_offline (self, HENB_XMPP_OFFLINE_ERROR, "libstrophe could not start");
        return;
    }
    drive_setup (self);
}

gboolean
henb_xmpp_client_connect (HenbXmppClient *self, const HenbXmppClientOptions *options, GError **error)
{
    g_autofree gchar *full_jid = NULL;
    g_autoptr(HenbGnutlsTrust) trust = NULL;
    const gchar *at;

    g_return_val_if_fail (HENB_IS_XMPP_CLIENT (self), FALSE);
    g_return_val_if_fail (options->jid != NULL && options->address != NULL, FALSE);

    henb_xmpp_client_disconnect (self);
    /* the old connection goes now, and its pending release with it */
    drop_conn (self);

    at = strchr (options->jid, '@');
    if (at == NULL || at == options->jid || at[1] == '\0' || strchr (options->jid, '/') != NULL) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     "\"%s\" is no bare Jabber ID (user@domain)", options->jid);
        return FALSE;
    }
    trust = henb_gnutls_trust_new (options->ca_file, error);
    if (trust == NULL)
        return FALSE;

    g_free (self->domain);
    self->domain = g_strdup (at + 1);
    self->keepalive = options->keepalive;
    self->auth_failed = FALSE;
    self->tcp_connected = FALSE;
    self->setup_expired = FALSE;
    self->setup_timeout = options->setup_timeout > 0 ? options->setup_timeout : SETUP_TIMEOUT;
    self->closing = FALSE;
    g_clear_pointer (&self->tls_refusal, g_free);

    self->conn = xmpp_conn_new (self->ctx);
    full_jid = options->resource != NULL && options->resource[0] != '\0'
                   ? g_strdup_printf ("%s/%s", options->jid, options->resource)
                   : g_strdup (options->jid);
    xmpp_conn_set_jid (self->conn, full_jid);
    xmpp_conn_set_pass (self->conn, options->password != NULL ? options->password : "");
    /* TLS is the relay's (henb-xmpp-starttls.c): libstrophe must not try it on the stream
     * that is past TLS already */
    xmpp_conn_set_flags (self->conn, XMPP_CONN_FLAG_DISABLE_SM | XMPP_CONN_FLAG_DISABLE_TLS);
    xmpp_conn_set_sockopt_callback (self->conn, on_socket);

    self->fd = -1;
    self->server_tls = FALSE;
    self->starting_tls = TRUE;
    self->setup_cancellable = g_cancellable_new ();
    g_object_set_data (G_OBJECT (self->setup_cancellable), CLIENT_KEY, self);
    self->setup_timer_id = henb_timeout_add_seconds (self->setup_timeout, on_setup_timer, self);
    henb_xmpp_starttls_connect_async (options->address, options->port, self->domain, g_steal_pointer (&trust),
                                      options->require_tls, self->setup_cancellable, on_server_stream,
                                      g_object_ref (self->setup_cancellable));
    return TRUE;
}

void
henb_xmpp_client_disconnect (HenbXmppClient *self)
{
    g_return_if_fail (HENB_IS_XMPP_CLIENT (self));

    if (self->conn == NULL || self->release_id != 0)
        return;
    self->closing = TRUE;
    if (self->starting_tls) {
        /* libstrophe has not begun */
        go_offline (self, HENB_XMPP_OFFLINE_CLOSED, "closed");
        return;
    }
    xmpp_disconnect (self->conn);
    /* </stream:stream> out to the relay; the server's answer would need the main loop, so
     * the session ends here and the relay closes the server connection */
    for (guint i = 0; i < 2 && self->conn != NULL && self->release_id == 0; i++)
        xmpp_run_once (self->ctx, 0);
    if (self->release_id == 0)
        go_offline (self, HENB_XMPP_OFFLINE_CLOSED, "closed");
}

gboolean
henb_xmpp_client_is_online (HenbXmppClient *self)
{
    return self->online;
}

const gchar *
henb_xmpp_client_get_bound_jid (HenbXmppClient *self)
{
    return self->bound_jid;
}

gboolean
henb_xmpp_client_get_tls_established (HenbXmppClient *self)
{
    return self->tls_established;
}

static void
henb_xmpp_client_dispose (GObject *object)
{
    HenbXmppClient *self = HENB_XMPP_CLIENT (object);

    if (self->conn != NULL && self->release_id == 0) {
        g_signal_handlers_destroy (self);
        henb_xmpp_client_disconnect (self);
    }
    stop_setup (self);
    g_clear_handle_id (&self->release_id, henb_source_remove);
    disarm (self);
    stop_driving (self);
    if (self->conn != NULL)
        xmpp_conn_release (g_steal_pointer (&self->conn));
    G_OBJECT_CLASS (henb_xmpp_client_parent_class)->dispose (object);
}

static void
henb_xmpp_client_finalize (GObject *object)
{
    HenbXmppClient *self = HENB_XMPP_CLIENT (object);

    G_LOCK (clients_by_ctx);
    g_hash_table_remove (clients_by_ctx, self->ctx);
    G_UNLOCK (clients_by_ctx);
    xmpp_ctx_free (self->ctx);
    g_free (self->domain);
    g_free (self->tls_refusal);
    g_free (self->bound_jid);
    G_OBJECT_CLASS (henb_xmpp_client_parent_class)->finalize (object);
}

/* libstrophe's TLS (OpenSSL's socket BIO) writes with write(2): to a server that closed the
 * connection, or a socket the watchdog shut down, that raises SIGPIPE, which would end the
 * process. Ignored, unless someone installed a handler. */
static void
ignore_sigpipe (void)
{
    struct sigaction old_action;

    if (sigaction (SIGPIPE, NULL, &old_action) == 0 && old_action.sa_handler == SIG_DFL)
        signal (SIGPIPE, SIG_IGN);
}

static void
henb_xmpp_client_class_init (HenbXmppClientClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS (klass);

    object_class->dispose = henb_xmpp_client_dispose;
    object_class->finalize = henb_xmpp_client_finalize;

    signals[SIGNAL_ONLINE] = g_signal_new ("online", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 0);
    signals[SIGNAL_OFFLINE] = g_signal_new ("offline", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                            NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
    signals[SIGNAL_CONNECTION_REQUEST] =
        g_signal_new ("connection-request", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                      g_signal_accumulator_first_wins, NULL, NULL, G_TYPE_INT, 3, G_TYPE_STRING,
                      G_TYPE_STRING, G_TYPE_STRING);

    xmpp_initialize ();
    clients_by_ctx = g_hash_table_new (NULL, NULL);
    ignore_sigpipe ();
}

static void
henb_xmpp_client_init (HenbXmppClient *self)
{
    self->fd = -1;
    self->log.handler = on_log;
    self->log.userdata = self;
    self->ctx = xmpp_ctx_new (NULL, &self->log);
    G_LOCK (clients_by_ctx);
    g_hash_table_insert (clients_by_ctx, self->ctx, self);
    G_UNLOCK (clients_by_ctx);
}

HenbXmppClient *
henb_xmpp_client_new (void)
{
    return g_object_new (HENB_TYPE_XMPP_CLIENT, NULL);
}
