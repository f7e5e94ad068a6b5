/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "henb-cr-udp.h"
#include "henb-errors.h"
#include "henb-main-context.h"
#include "henb-stun.h"
#include "henb-udp-cr.h"

/* RFC 5389 7.2.1: RTO 500 ms, doubled, 7 sends */
#define STUN_RTO_MS      500
#define STUN_MAX_SENDS   7
#define KEEPALIVE_S      30 /* inside Min..Max: NATs forget UDP mappings after 30..180 s */
#define RETRY_S          30 /* after a STUN server that did not answer */
#define RECEIVE_BUFFER   2048

struct _HenbCrUdp {
    HenbCrTransport     parent_instance;

    /* what apply() read; a change restarts the binding */
    gchar              *settings;
    gboolean            enabled;
    gchar              *stun_host;
    guint16             stun_port;
    gchar              *stun_username;
    gchar              *stun_password;
    gint                max_keepalive;  /* -1: none */
    guint               min_keepalive;
    guint               notification_limit;
    guint               port;

    GSocket            *socket;
    GSource            *receive_source;
    GCancellable       *cancellable;    /* the STUN server lookup */
    GInetSocketAddress *stun_server;

    guint8              transaction_id[HENB_STUN_TRANSACTION_ID_SIZE];
    gboolean            in_transaction;
    gboolean            use_integrity;  /* the server asked for credentials (401) */
    gboolean            binding_change; /* the next request says the mapping changed */
    guint               sends;
    guint               retransmit_id;
    guint               keepalive_id;

    gchar              *mapped;         /* "ip:port" the STUN server saw */
    gboolean            nat_detected;
    gchar              *published;      /* UDPConnectionRequestAddress as written */
    gint64              published_at;   /* monotonic µs */
    guint               publish_id;

    HenbUdpCrGuard     *guard;
};

G_DEFINE_FINAL_TYPE (HenbCrUdp, henb_cr_udp, HENB_TYPE_CR_TRANSPORT)

enum {
    PROP_0,
    PROP_MAPPED_ADDRESS,
    PROP_NAT_DETECTED,
    PROP_STUN_SERVER,
    N_PROPS
};
static GParamSpec *props[N_PROPS];

static void send_binding_request (HenbCrUdp *self, gboolean fresh);
static void start_binding (HenbCrUdp *self);

static HenbDataModel *
dm_of (HenbCrUdp *self)
{
    const HenbServices *svc = henb_cr_transport_get_services (HENB_CR_TRANSPORT (self));

    return svc != NULL ? svc->dm : NULL;
}

static gchar *
address_text (GInetSocketAddress *address)
{
    g_autofree gchar *ip = g_inet_address_to_string (g_inet_socket_address_get_address (address));

    return g_inet_address_get_family (g_inet_socket_address_get_address (address)) == G_SOCKET_FAMILY_IPV6
               ? g_strdup_printf ("[%s]:%u", ip, g_inet_socket_address_get_port (address))
               : g_strdup_printf ("%s:%u", ip, g_inet_socket_address_get_port (address));
}

/* ------------------------------------------------------------------------------------------ */
/* What the HeMS sees: UDPConnectionRequestAddress and NATDetected */

static void
write_status (HenbCrUdp *self)
{
    HenbDataModel *dm = dm_of (self);
    const gchar *address = self->mapped != NULL ? self->mapped : "";
    g_autoptr(GError) error = NULL;
    gboolean changed = FALSE;
    g_autofree gchar *nat_now = NULL;

    g_clear_handle_id (&self->publish_id, henb_source_remove);
    if (dm == NULL)
        return;
    nat_now = henb_data_model_get (dm, HENB_DM_MS_NAT_DETECTED);
    if (g_strcmp0 (nat_now, self->nat_detected ? "true" : "false") != 0) {
        if (!henb_data_model_set (dm, HENB_DM_MS_NAT_DETECTED, self->nat_detected ? "true" : "false", &error))
            g_warning ("NATDetected: %s", error->message);
        changed = TRUE;
    }
    g_clear_error (&error);
    if (g_strcmp0 (self->published, address) != 0) {
        if (!henb_data_model_set (dm, HENB_DM_MS_UDP_CR_ADDRESS, address, &error))
            g_warning ("UDPConnectionRequestAddress: %s", error->message);
        g_free (self->published);
        self->published = g_strdup (address);
        self->published_at = g_get_monotonic_time ();
        g_message ("UDPConnectionRequestAddress: %s", address[0] != '\0' ? address : "(none)");
        changed = TRUE;
    }
    if (changed)
        henb_cr_transport_values_changed (HENB_CR_TRANSPORT (self));
}

static gboolean
publish_due (gpointer user_data)
{
    HenbCrUdp *self = user_data;

    self->publish_id = 0;
    write_status (self);
    return G_SOURCE_REMOVE;
}

/* At most one change per notification limit reaches the HeMS; the last one wins. */
static void
publish (HenbCrUdp *self)
{
    gint64 next = self->published_at + (gint64) self->notification_limit * G_USEC_PER_SEC;
    gint64 now = g_get_monotonic_time ();

    if (self->published == NULL || self->notification_limit == 0 || now >= next) {
        write_status (self);
        return;
    }
    if (self->publish_id == 0) {
        g_debug ("UDPConnectionRequestAddress: held back %.1f s (notification limit)", (next - now) / 1e6);
        self->publish_id = henb_timeout_add ((guint) ((next - now) / 1000) + 1, publish_due, self);
    }
}

static void
set_mapping (HenbCrUdp *self, const gchar *mapped, gboolean nat)
{
    if (g_strcmp0 (self->mapped, mapped) != 0) {
        g_free (self->mapped);
        self->mapped = g_strdup (mapped);
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MAPPED_ADDRESS]);
    }
    if (self->nat_detected != nat) {
        self->nat_detected = nat;
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_NAT_DETECTED]);
    }
    publish (self);
}

/* ------------------------------------------------------------------------------------------ */
/* STUN */

static guint
keepalive_period (HenbCrUdp *self)
{
    guint period = KEEPALIVE_S;

    if (self->max_keepalive >= 0)
        period = MIN (period, (guint) self->max_keepalive);
    period = MAX (period, self->min_keepalive);
    return MAX (period, 1);
}

static gboolean
keepalive_due (gpointer user_data)
{
    HenbCrUdp *self = user_data;

    self->keepalive_id = 0;
    /* after a failed lookup there is no server yet: look it up again */
    if (self->stun_server == NULL)
        start_binding (self);
    else
        send_binding_request (self, TRUE);
    return G_SOURCE_REMOVE;
}

static void
schedule_next (HenbCrUdp *self, guint seconds)
{
    g_clear_handle_id (&self->keepalive_id, henb_source_remove);
    self->keepalive_id = henb_timeout_add_seconds (seconds, keepalive_due, self);
}

static gboolean
retransmit_due (gpointer user_data)
{
    HenbCrUdp *self = user_data;
    g_autofree gchar *server = NULL;
    g_autofree gchar *detail = NULL;

    self->retransmit_id = 0;
    if (self->sends < STUN_MAX_SENDS) {
        send_binding_request (self, FALSE);
        return G_SOURCE_REMOVE;
    }
    self->in_transaction = FALSE;
    server = address_text (self->stun_server);
    detail = g_strdup_printf ("no answer from the STUN server %s; next try in %u s", server, RETRY_S);
    g_message ("UDP connection requests: %s", detail);
    henb_cr_transport_set_state (HENB_CR_TRANSPORT (self), HENB_CR_TRANSPORT_STATE_FAILED, detail);
    schedule_next (self, RETRY_S);
    return G_SOURCE_REMOVE;
}

/* @fresh: a new transaction; otherwise the same one again (RFC 5389 retransmission). */
static void
send_binding_request (HenbCrUdp *self, gboolean fresh)
{
    g_autoptr(GBytes) request = NULL;
    g_autoptr(GError) error = NULL;
    gboolean integrity = self->use_integrity && self->stun_username != NULL && self->stun_username[0] != '\0';

    if (self->socket == NULL || self->stun_server == NULL)
        return;
    if (fresh || !self->in_transaction) {
        if (!henb_cr_transport_random_bytes (self->transaction_id, sizeof self->transaction_id, &error)) {
            henb_cr_transport_set_state (HENB_CR_TRANSPORT (self), HENB_CR_TRANSPORT_STATE_FAILED, error->message);
            return;
        }
        self->sends = 0;
        self->in_transaction = TRUE;
    }
    request = henb_stun_build_binding_request (self->transaction_id, self->binding_change,
                                               integrity ? self->stun_username : NULL, self->stun_password);
    if (g_socket_send_to (self->socket, G_SOCKET_ADDRESS (self->stun_server), g_bytes_get_data (request, NULL),
                          g_bytes_get_size (request), NULL, &error) < 0)
        g_debug ("STUN Binding Request not sent: %s", error->message);
    else if (self->sends > 0)
        g_debug ("STUN Binding Request sent again (%u)", self->sends + 1);
    self->sends++;
    g_clear_handle_id (&self->retransmit_id, henb_source_remove);
    self->retransmit_id = henb_timeout_add (STUN_RTO_MS << MIN (self->sends - 1, 6), retransmit_due, self);
}

/* The address this host uses toward @remote (connecting a UDP socket sends nothing). */
static GInetAddress *
local_address_toward (GInetSocketAddress *remote)
{
    GInetAddress *ip = g_inet_socket_address_get_address (remote);
    g_autoptr(GSocket) socket = g_socket_new (g_inet_address_get_family (ip), G_SOCKET_TYPE_DATAGRAM,
                                              G_SOCKET_PROTOCOL_UDP, NULL);
    g_autoptr(GSocketAddress) local = NULL;

    if (socket == NULL || !g_socket_connect (socket, G_SOCKET_ADDRESS (remote), NULL, NULL))
        return NULL;
    local = g_socket_get_local_address (socket, NULL);
    return local != NULL ? g_object_ref (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local))) : NULL;
}

static void
handle_stun (HenbCrUdp *self, const guint8 *data, gsize size)
{
    g_autoptr(HenbStunMessage) m = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GInetAddress) local = NULL;
    g_autofree gchar *mapped = NULL;
    g_autofree gchar *server = NULL;
    g_autofree gchar *detail = NULL;
    gboolean nat;

    m = henb_stun_parse (data, size, self->use_integrity ? self->stun_password : NULL, &error);
    if (m == NULL) {
        g_debug ("from the STUN server: %s", error->message);
        return;
    }
    if (!self->in_transaction || memcmp (m->transaction_id, self->transaction_id, sizeof self->transaction_id) != 0)
        return; /* late, or not ours */
    server = address_text (self->stun_server);
    if (m->type == HENB_STUN_BINDING_ERROR && m->error_code == 401 && !self->use_integrity &&
        self->stun_username != NULL && self->stun_username[0] != '\0') {
        /* TR-111 2.2.1: the server wants STUNUsername/STUNPassword: ask again with them */
        g_message ("STUN server %s asks for credentials: sending MESSAGE-INTEGRITY", server);
        self->use_integrity = TRUE;
        send_binding_request (self, TRUE);
        return;
    }
    /* RFC 5389 10.1.3: once credentials are in use, a success answer without a valid
     * MESSAGE-INTEGRITY is discarded (else anybody on the path could set the mapping the HeMS
     * sends its requests to) */
    if (self->use_integrity && (m->has_integrity ? !m->integrity_ok : m->type == HENB_STUN_BINDING_RESPONSE)) {
        g_debug ("STUN answer without a valid MESSAGE-INTEGRITY ignored");
        return;
    }
    g_clear_handle_id (&self->retransmit_id, henb_source_remove);
    self->in_transaction = FALSE;
    if (m->type != HENB_STUN_BINDING_RESPONSE || m->mapped == NULL) {
        detail = m->type == HENB_STUN_BINDING_ERROR
                     ? g_strdup_printf ("STUN server %s refused: error %u%s; next try in %u s", server, m->error_code,
                                        m->error_code == 401 ? " (STUNUsername/STUNPassword)" : "", RETRY_S)
                     : g_strdup_printf ("STUN server %s answered without a mapped address; next try in %u s", server,
                                        RETRY_S);
        g_message ("UDP connection requests: %s", detail);
        henb_cr_transport_set_state (HENB_CR_TRANSPORT (self), HENB_CR_TRANSPORT_STATE_FAILED, detail);
        schedule_next (self, RETRY_S);
        return;
    }
    self->binding_change = FALSE;
    mapped = address_text (m->mapped);
    g_debug ("STUN Binding Response from %s: mapped %s", server, mapped);
    local = local_address_toward (self->stun_server);
    nat = local == NULL || !g_inet_address_equal (local, g_inet_socket_address_get_address (m->mapped)) ||
          g_inet_socket_address_get_port (m->mapped) != henb_cr_udp_get_local_port (self);
    if (self->mapped != NULL && !g_str_equal (self->mapped, mapped)) {
        /* TR-111 2.2.1: tell the server at once that the mapping moved */
        g_message ("NAT mapping changed: %s -> %s", self->mapped, mapped);
        self->binding_change = TRUE;
    }
    detail = g_strdup_printf ("%s via STUN %s%s", mapped, server, nat ? ", behind a NAT" : "");
    henb_cr_transport_set_state (HENB_CR_TRANSPORT (self), HENB_CR_TRANSPORT_STATE_ACTIVE, detail);
    set_mapping (self, mapped, nat);
    if (self->binding_change)
        send_binding_request (self, TRUE);
    else
        schedule_next (self, keepalive_period (self));
}

/* ------------------------------------------------------------------------------------------ */
/* UDP Connection Requests */

static void
handle_request (HenbCrUdp *self, const guint8 *data, gsize size, const gchar *peer)
{
    HenbCrTransport *transport = HENB_CR_TRANSPORT (self);
    g_autoptr(HenbUdpCr) cr = NULL;
    g_autoptr(GError) error = NULL;
    HenbUdpCrVerdict verdict;

    cr = henb_udp_cr_parse (data, size, &error);
    if (cr == NULL) {
        henb_cr_transport_count_rejected (transport);
        henb_cr_transport_log_refusal (HENB_CR_TRANSPORT (self), peer, error->message);
        return;
    }
    verdict = henb_udp_cr_guard_check (self->guard, cr, henb_cr_transport_get_username (transport),
                                       henb_cr_transport_get_password (transport), g_get_real_time () / G_USEC_PER_SEC,
                                       g_get_monotonic_time ());
    if (verdict == HENB_UDP_CR_DUPLICATE)
        return;
    if (verdict != HENB_UDP_CR_OK) {
        henb_cr_transport_count_rejected (transport);
        henb_cr_transport_log_refusal (HENB_CR_TRANSPORT (self), peer, henb_udp_cr_verdict_to_string (verdict));
        return;
    }
    if (henb_cr_transport_admit (transport) == HENB_CR_ADMISSION_RATE_LIMITED) {
        g_message ("UDP connection request from %s ignored: less than %u s after the last one", peer,
                   henb_cr_transport_get_min_interval (transport));
        return;
    }
    g_message ("UDP connection request from %s accepted (id %s)", peer, cr->id);
    henb_cr_transport_report_accepted (transport);
}

static gboolean
on_readable (GSocket *socket, GIOCondition condition, gpointer user_data)
{
    HenbCrUdp *self = user_data;

    /* a burst is drained, but never for ever */
    for (guint i = 0; i < 64; i++) {
        guint8 buffer[RECEIVE_BUFFER];
        g_autoptr(GSocketAddress) from = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree gchar *peer = NULL;
        gssize got;

        got = g_socket_receive_from (socket, &from, (gchar *) buffer, sizeof buffer, NULL, &error);
        if (got < 0) {
            if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
                g_debug ("UDP connection request socket: %s", error->message);
            break;
        }
        if (!G_IS_INET_SOCKET_ADDRESS (from))
            continue;
        if (henb_stun_is_stun (buffer, got)) {
            /* answers count only from the server asked */
            if (self->stun_server != NULL &&
                g_inet_address_equal (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (from)),
                                      g_inet_socket_address_get_address (self->stun_server)) &&
                g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (from)) ==
                    g_inet_socket_address_get_port (self->stun_server))
                handle_stun (self, buffer, got);
            continue;
        }
        peer = address_text (G_INET_SOCKET_ADDRESS (from));
        /* a datagram as long as the buffer may have been cut: never parsed */
        if ((gsize) got >= sizeof buffer) {
            henb_cr_transport_count_rejected (HENB_CR_TRANSPORT (self));
            henb_cr_transport_log_refusal (HENB_CR_TRANSPORT (self), peer, "datagram too long");
            continue;
        }
        handle_request (self, buffer, got, peer);
    }
    return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Starting and stopping */

static void
close_socket (HenbCrUdp *self)
{
    if (self->receive_source != NULL) {
        g_source_destroy (self->receive_source);
        g_clear_pointer (&self->receive_source, g_source_unref);
    }
    if (self->socket != NULL)
        g_socket_close (self->socket, NULL);
    g_clear_object (&self->socket);
}

static void
stop_binding (HenbCrUdp *self)
{
    if (self->cancellable != NULL)
        g_cancellable_cancel (self->cancellable);
    g_clear_object (&self->cancellable);
    g_clear_handle_id (&self->retransmit_id, henb_source_remove);
    g_clear_handle_id (&self->keepalive_id, henb_source_remove);
    self->in_transaction = FALSE;
    self->use_integrity = FALSE;
    if (self->stun_server != NULL) {
        g_clear_object (&self->stun_server);
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STUN_SERVER]);
    }
}

static gboolean
open_socket (HenbCrUdp *self, GError **error)
{
    g_autoptr(GSocket) socket = NULL;
    g_autoptr(GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) where = g_inet_socket_address_new (any, self->port);

    socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
    if (socket == NULL)
        return FALSE;
    g_socket_set_blocking (socket, FALSE);
    if (!g_socket_bind (socket, where, FALSE, error)) {
        g_prefix_error (error, "UDP port %u: ", self->port);
        return FALSE;
    }
    self->socket = g_steal_pointer (&socket);
    self->receive_source = g_socket_create_source (self->socket, G_IO_IN, NULL);
    g_source_set_callback (self->receive_source, G_SOURCE_FUNC (on_readable), self, NULL);
    henb_source_attach (self->receive_source);
    return TRUE;
}

static void
resolved (GObject *source, GAsyncResult *result, gpointer user_data)
{
    HenbCrUdp *self = user_data;
    g_autoptr(GError) error = NULL;
    g_autolist (GInetAddress) addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
    g_autofree gchar *detail = NULL;

    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    g_clear_object (&self->cancellable);
    for (GList *l = addresses; l != NULL; l = l->next) {
        /* the socket is IPv4 */
        if (g_inet_address_get_family (l->data) == G_SOCKET_FAMILY_IPV4) {
            self->stun_server = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (l->data, self->stun_port));
            break;
        }
    }
    if (self->stun_server == NULL) {
        detail = g_strdup_printf ("STUN server %s: %s; next try in %u s", self->stun_host,
                                  error != NULL ? error->message : "no IPv4 address", RETRY_S);
        henb_cr_transport_set_state (HENB_CR_TRANSPORT (self), HENB_CR_TRANSPORT_STATE_FAILED, detail);
        schedule_next (self, RETRY_S);
        return;
    }
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STUN_SERVER]);
    send_binding_request (self, TRUE);
}

static void
start_binding (HenbCrUdp *self)
{
    g_autoptr(GInetAddress) literal = g_inet_address_new_from_string (self->stun_host);
    const HenbServices *svc = henb_cr_transport_get_services (HENB_CR_TRANSPORT (self));
    g_autoptr(GResolver) resolver = NULL;
    g_autofree gchar *detail = g_strdup_printf ("asking the STUN server %s:%u", self->stun_host, self->stun_port);

    stop_binding (self);
    henb_cr_transport_set_state (HENB_CR_TRANSPORT (self), HENB_CR_TRANSPORT_STATE_STARTING, detail);
    if (literal != NULL) {
        self->stun_server = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (literal, self->stun_port));
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STUN_SERVER]);
        send_binding_request (self, TRUE);
        return;
    }
    resolver = svc != NULL && svc->resolver != NULL ? g_object_ref (G_RESOLVER (svc->resolver))
                                                     : g_resolver_get_default ();
    self->cancellable = g_cancellable_new ();
    g_resolver_lookup_by_name_async (resolver, self->stun_host, self->cancellable, resolved, self);
}

/* The STUN host: STUNServerAddress, else the host of ManagementServer.URL (TR-181). */
static gchar *
stun_host_from (HenbDataModel *dm)
{
    g_autofree gchar *host = henb_data_model_get (dm, HENB_DM_MS_STUN_ADDRESS);
    g_autofree gchar *url = NULL;
    g_autoptr(GUri) uri = NULL;

    if (host != NULL && host[0] != '\0')
        return g_steal_pointer (&host);
    url = henb_data_model_get (dm, HENB_DM_MS_URL);
    uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
    return uri != NULL && g_uri_get_host (uri) != NULL ? g_strdup (g_uri_get_host (uri)) : NULL;
}

static void
read_settings (HenbCrUdp *self, HenbDataModel *dm)
{
    g_autofree gchar *max = henb_data_model_get (dm, HENB_DM_MS_STUN_MAX_KEEPALIVE);
    g_autofree gchar *limit_name = henb_data_model_path (dm, HENB_DM_MS_UDP_CR_LIMIT);
    const HenbServices *svc = henb_cr_transport_get_services (HENB_CR_TRANSPORT (self));

    self->enabled = henb_data_model_get_boolean (dm, HENB_DM_MS_STUN_ENABLE);
    g_free (self->stun_host);
    self->stun_host = stun_host_from (dm);
    self->stun_port = (guint16) MIN (henb_data_model_get_uint (dm, HENB_DM_MS_STUN_PORT), G_MAXUINT16);
    if (self->stun_port == 0)
        self->stun_port = 3478;
    g_free (self->stun_username);
    self->stun_username = henb_data_model_get (dm, HENB_DM_MS_STUN_USERNAME);
    if (self->stun_password != NULL)
        explicit_bzero (self->stun_password, strlen (self->stun_password));
    g_free (self->stun_password);
    self->stun_password = henb_data_model_get (dm, HENB_DM_MS_STUN_PASSWORD);
    self->max_keepalive = max != NULL ? (gint) CLAMP (g_ascii_strtoll (max, NULL, 10), -1, G_MAXINT32) : -1;
    self->min_keepalive = henb_data_model_get_uint (dm, HENB_DM_MS_STUN_MIN_KEEPALIVE);
    self->notification_limit = henb_data_model_get_uint (dm, limit_name);
    self->port = svc != NULL && svc->config != NULL ? MIN (svc->config->cr_port, G_MAXUINT16) : 0;
}

static void
henb_cr_udp_stop (HenbCrTransport *transport)
{
    HenbCrUdp *self = HENB_CR_UDP (transport);

    stop_binding (self);
    close_socket (self);
    g_clear_pointer (&self->settings, g_free);
    henb_cr_transport_set_state (transport, HENB_CR_TRANSPORT_STATE_DISABLED, NULL);
}

static void
henb_cr_udp_apply (HenbCrTransport *transport, GInetAddress *address)
{
    HenbCrUdp *self = HENB_CR_UDP (transport);
    HenbDataModel *dm = dm_of (self);
    g_autofree gchar *settings = NULL;
    g_autoptr(GError) error = NULL;

    if (dm == NULL)
        return;
    read_settings (self, dm);
    settings = g_strdup_printf ("%d|%s|%u|%s|%s|%d|%u|%u", self->enabled, self->stun_host ? self->stun_host : "",
                                self->stun_port, self->stun_username ? self->stun_username : "",
                                self->stun_password ? self->stun_password : "", self->max_keepalive,
                                self->min_keepalive, self->port);
    /* the same values: nothing changes (the agent applies after every session) */
    if (g_strcmp0 (settings, self->settings) == 0) {
        if (settings != NULL)
            explicit_bzero (settings, strlen (settings));
        return;
    }
    if (self->settings != NULL)
        explicit_bzero (self->settings, strlen (self->settings));
    g_free (self->settings);
    self->settings = g_steal_pointer (&settings);

    if (!self->enabled || self->stun_host == NULL) {
        stop_binding (self);
        close_socket (self);
        henb_cr_transport_set_state (transport, HENB_CR_TRANSPORT_STATE_DISABLED,
                                     self->enabled ? "no STUN server (STUNServerAddress, ManagementServer.URL)" : NULL);
        set_mapping (self, NULL, FALSE);
        return;
    }
    if (self->socket != NULL && henb_cr_udp_get_local_port (self) != self->port && self->port != 0)
        close_socket (self);
    if (self->socket == NULL && !open_socket (self, &error)) {
        g_warning ("UDP connection requests cannot be received: %s", error->message);
        henb_cr_transport_set_state (transport, HENB_CR_TRANSPORT_STATE_FAILED, error->message);
        /* the next apply() (after the next session) tries again */
        explicit_bzero (self->settings, strlen (self->settings));
        g_clear_pointer (&self->settings, g_free);
        return;
    }
    g_message ("UDP connection requests on port %u, STUN server %s:%u", henb_cr_udp_get_local_port (self),
               self->stun_host, self->stun_port);
    start_binding (self);
}

guint16
henb_cr_udp_get_local_port (HenbCrUdp *self)
{
    g_autoptr(GSocketAddress) local = NULL;

    if (self->socket == NULL)
        return 0;
    local = g_socket_get_local_address (self->socket, NULL);
    return local != NULL ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)) : 0;
}

static void
henb_cr_udp_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HenbCrUdp *self = HENB_CR_UDP (object);

    switch (prop_id) {
    case PROP_MAPPED_ADDRESS:
        g_value_set_string (value, self->mapped != NULL ? self->mapped : "");
        break;
    case PROP_NAT_DETECTED:
        g_value_set_boolean (value, self->nat_detected);
        break;
    case PROP_STUN_SERVER:
        g_value_take_string (value, self->stun_server != NULL ? address_text (self->stun_server) : g_strdup (""));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
}

static void
henb_cr_udp_dispose (GObject *object)
{
    HenbCrUdp *self = HENB_CR_UDP (object);

    stop_binding (self);
    close_socket (self);
    g_clear_handle_id (&self->publish_id, henb_source_remove);
    G_OBJECT_CLASS (henb_cr_udp_parent_class)->dispose (object);
}

static void
henb_cr_udp_finalize (GObject *object)
{
    HenbCrUdp *self = HENB_CR_UDP (object);

    if (self->stun_password != NULL)
        explicit_bzero (self->stun_password, strlen (self->stun_password));
    if (self->settings != NULL)
        explicit_bzero (self->settings, strlen (self->settings));
    g_free (self->stun_password);
    g_free (self->settings);
    g_free (self->stun_host);
    g_free (self->stun_username);
    g_free (self->mapped);
    g_free (self->published);
    henb_udp_cr_guard_free (self->guard);
    G_OBJECT_CLASS (henb_cr_udp_parent_class)->finalize (object);
}

static void
henb_cr_udp_class_init (HenbCrUdpClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS (klass);
    HenbCrTransportClass *transport_class = HENB_CR_TRANSPORT_CLASS (klass);
    const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

    object_class->get_property = henb_cr_udp_get_property;
    object_class->dispose = henb_cr_udp_dispose;
    object_class->finalize = henb_cr_udp_finalize;
    transport_class->apply = henb_cr_udp_apply;
    transport_class->stop = henb_cr_udp_stop;

    props[PROP_MAPPED_ADDRESS] = g_param_spec_string ("mapped-address", NULL, NULL, "", ro);
    props[PROP_NAT_DETECTED] = g_param_spec_boolean ("nat-detected", NULL, NULL, FALSE, ro);
    props[PROP_STUN_SERVER] = g_param_spec_string ("stun-server", NULL, NULL, "", ro);
    g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
henb_cr_udp_init (HenbCrUdp *self)
{
    self->guard = henb_udp_cr_guard_new ();
    self->max_keepalive = -1;
}

HenbCrTransport *
henb_cr_udp_new (const HenbServices *services)
{
    return g_object_new (HENB_TYPE_CR_UDP, "name", "udp", "services", services, NULL);
}
