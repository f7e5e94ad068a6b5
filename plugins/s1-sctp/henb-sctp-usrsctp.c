/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * usrsctp runs its own threads and calls receive_cb on them. A callback never touches a link:
 * it finds the link by number in a table (a closed link is no longer there), takes a strong
 * reference and hands the event to the link's main context.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <usrsctp.h>

#include "henb-sctp-usrsctp.h"

struct _HenbSctpUsrsctp {
    HenbSctpLink   parent_instance;
    guint          id;
    guint16        remote_udp_port;
    struct socket *sock;
};

G_DEFINE_FINAL_TYPE (HenbSctpUsrsctp, henb_sctp_usrsctp, HENB_TYPE_SCTP_LINK)

/* the process-wide part of usrsctp */
static GMutex      table_lock;
static GHashTable *table;        /* id -> Entry */
static guint       next_id = 1;
static guint16     udp_port;     /* 0: usrsctp not initialised yet */

typedef struct {
    GWeakRef      link;
    GMainContext *context;
} Entry;

static void
entry_free (Entry *e)
{
    g_weak_ref_clear (&e->link);
    g_main_context_unref (e->context);
    g_free (e);
}

typedef enum { EVENT_ESTABLISHED, EVENT_MESSAGE, EVENT_CLOSED } EventKind;

typedef struct {
    HenbSctpUsrsctp *link;
    EventKind        kind;
    GBytes          *message;
    guint            stream;
    guint            ppid;
    gchar           *why;
} Event;

static void
event_free (Event *ev)
{
    g_object_unref (ev->link);
    g_clear_pointer (&ev->message, g_bytes_unref);
    g_free (ev->why);
    g_free (ev);
}

static gboolean
event_dispatch (gpointer user_data)
{
    Event *ev = user_data;
    HenbSctpLink *link = HENB_SCTP_LINK (ev->link);

    switch (ev->kind) {
    case EVENT_ESTABLISHED:
        henb_sctp_link_emit_established (link);
        break;
    case EVENT_MESSAGE:
        henb_sctp_link_emit_message (link, ev->message, ev->stream, ev->ppid);
        break;
    case EVENT_CLOSED:
        henb_sctp_link_emit_closed (link, ev->why);
        break;
    }
    return G_SOURCE_REMOVE;
}

/* on a usrsctp thread */
static void
post (guint id, Event *ev)
{
    GMainContext *context = NULL;
    GSource *source;
    Entry *e;

    g_mutex_lock (&table_lock);
    e = table != NULL ? g_hash_table_lookup (table, GUINT_TO_POINTER (id)) : NULL;
    if (e != NULL) {
        ev->link = g_weak_ref_get (&e->link);
        context = g_main_context_ref (e->context);
    }
    g_mutex_unlock (&table_lock);
    if (ev->link == NULL) {
        g_clear_pointer (&ev->message, g_bytes_unref);
        g_free (ev->why);
        g_free (ev);
        g_clear_pointer (&context, g_main_context_unref);
        return;
    }
    /* always queued, never g_main_context_invoke(): that runs the callback at once on the
     * calling thread when it can acquire the context (a usrsctp thread while the main loop is
     * not iterating, or the main thread itself inside usrsctp_sendv()) */
    source = g_idle_source_new ();
    g_source_set_priority (source, G_PRIORITY_DEFAULT);
    g_source_set_callback (source, event_dispatch, ev, (GDestroyNotify) event_free);
    g_source_attach (source, context);
    g_source_unref (source);
    g_main_context_unref (context);
}

static const gchar *
assoc_state_name (guint16 state)
{
    switch (state) {
    case SCTP_COMM_LOST:      return "the association was lost";
    case SCTP_SHUTDOWN_COMP:  return "the association was shut down";
    case SCTP_CANT_STR_ASSOC: return "no answer to INIT (cannot start the association)";
    default:                  return "the association ended";
    }
}

/* on a usrsctp thread */
static void
notification (guint id, const union sctp_notification *n, gsize len)
{
    Event *ev;

    if (len < sizeof n->sn_header)
        return;
    ev = g_new0 (Event, 1);
    switch (n->sn_header.sn_type) {
    case SCTP_ASSOC_CHANGE:
        if (len < sizeof n->sn_assoc_change)
            goto ignore;
        switch (n->sn_assoc_change.sac_state) {
        case SCTP_COMM_UP:
            ev->kind = EVENT_ESTABLISHED;
            break;
        case SCTP_RESTART:
            ev->kind = EVENT_CLOSED;
            ev->why = g_strdup ("the far end restarted the association");
            break;
        case SCTP_COMM_LOST:
        case SCTP_SHUTDOWN_COMP:
        case SCTP_CANT_STR_ASSOC:
            ev->kind = EVENT_CLOSED;
            ev->why = g_strdup (assoc_state_name (n->sn_assoc_change.sac_state));
            break;
        default:
            goto ignore;
        }
        break;
    case SCTP_SHUTDOWN_EVENT:
        ev->kind = EVENT_CLOSED;
        ev->why = g_strdup ("the far end shut the association down");
        break;
    default:
        goto ignore;
    }
    post (id, ev);
    return;
ignore:
    g_free (ev);
}

/* on a usrsctp thread; @data is ours to free() */
static int
receive_cb (struct socket *sock, union sctp_sockstore addr, void *data, size_t datalen,
            struct sctp_rcvinfo rcv, int flags, void *ulp_info)
{
    guint id = GPOINTER_TO_UINT (ulp_info);
    Event *ev;

    if (data == NULL) {
        ev = g_new0 (Event, 1);
        ev->kind = EVENT_CLOSED;
        ev->why = g_strdup ("the far end closed the association");
        post (id, ev);
        return 1;
    }
    if (flags & MSG_NOTIFICATION) {
        notification (id, data, datalen);
    } else if (!(flags & MSG_EOR)) {
        /* S1AP messages are far below the receive buffer: a partial one is a broken peer */
        ev = g_new0 (Event, 1);
        ev->kind = EVENT_CLOSED;
        ev->why = g_strdup_printf ("a message of more than %zu bytes arrived in parts", datalen);
        post (id, ev);
    } else {
        ev = g_new0 (Event, 1);
        ev->kind = EVENT_MESSAGE;
        ev->message = g_bytes_new (data, datalen);
        ev->stream = rcv.rcv_sid;
        ev->ppid = ntohl (rcv.rcv_ppid);
        post (id, ev);
    }
    free (data);
    return 1;
}

static gboolean
usrsctp_setup (guint16 local_udp_port, GError **error)
{
    gboolean ok = TRUE;

    g_mutex_lock (&table_lock);
    if (udp_port == 0) {
        usrsctp_init (local_udp_port, NULL, NULL);
        table = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) entry_free);
        udp_port = local_udp_port;
    } else if (udp_port != local_udp_port) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     "usrsctp already runs on local UDP port %u (one per process); restart henbd "
                     "to use %u", udp_port, local_udp_port);
        ok = FALSE;
    }
    g_mutex_unlock (&table_lock);
    return ok;
}

static gboolean
set_option (HenbSctpUsrsctp *self, int level, int name, const void *value, socklen_t len,
            const gchar *what, GError **error)
{
    if (usrsctp_setsockopt (self->sock, level, name, value, len) == 0)
        return TRUE;
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "usrsctp: cannot set %s: %s", what,
                 g_strerror (errno));
    return FALSE;
}

static gboolean
to_sockaddr (const gchar *address, guint port, struct sockaddr_storage *ss, socklen_t *len, GError **error)
{
    g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
    g_autoptr(GSocketAddress) sa = NULL;

    if (inet == NULL) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "not an IP address: %s", address);
        return FALSE;
    }
    sa = g_inet_socket_address_new (inet, port);
    *len = g_socket_address_get_native_size (sa);
    return g_socket_address_to_native (sa, ss, sizeof *ss, error);
}

/* The address the routing table picks toward @remote: an INIT from usrsctp lists every address
 * of a socket bound to any, the far end would try addresses that lead nowhere. */
static gchar *
source_address_for (const gchar *remote, guint port, GError **error)
{
    g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (remote);
    g_autoptr(GSocketAddress) dest = NULL;
    g_autoptr(GSocket) probe = NULL;
    g_autoptr(GSocketAddress) local = NULL;

    if (inet == NULL) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "not an IP address: %s", remote);
        return NULL;
    }
    probe = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_DATAGRAM,
                          G_SOCKET_PROTOCOL_UDP, error);
    if (probe == NULL)
        return NULL;
    dest = g_inet_socket_address_new (inet, port);
    /* connect() on UDP sends nothing: it only routes */
    if (!g_socket_connect (probe, dest, NULL, error))
        return NULL;
    local = g_socket_get_local_address (probe, error);
    if (local == NULL)
        return NULL;
    return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local)));
}

static gboolean
usrsctp_link_connect (HenbSctpLink *link, const gchar *local_address, const gchar *remote_address,
                      guint port, GError **error)
{
    HenbSctpUsrsctp *self = HENB_SCTP_USRSCTP (link);
    struct sockaddr_storage local = { 0 }, remote = { 0 };
    socklen_t local_len, remote_len;
    g_autofree gchar *source = NULL;
    struct sctp_udpencaps encaps = { 0 };
    const guint16 events[] = { SCTP_ASSOC_CHANGE, SCTP_SHUTDOWN_EVENT };
    const int on = 1;
    Entry *e;

    g_return_val_if_fail (self->sock == NULL, FALSE);
    source = local_address != NULL ? g_strdup (local_address) : source_address_for (remote_address, port, error);
    if (source == NULL || !to_sockaddr (remote_address, port, &remote, &remote_len, error) ||
        !to_sockaddr (source, 0, &local, &local_len, error))
        return FALSE;
    if (local.ss_family != remote.ss_family) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     "the source address %s and the far end %s are of different families", source,
                     remote_address);
        return FALSE;
    }

    e = g_new0 (Entry, 1);
    g_weak_ref_init (&e->link, self);
    e->context = g_main_context_ref_thread_default ();
    g_mutex_lock (&table_lock);
    self->id = next_id++;
    g_hash_table_insert (table, GUINT_TO_POINTER (self->id), e);
    g_mutex_unlock (&table_lock);

    self->sock = usrsctp_socket (remote.ss_family, SOCK_STREAM, IPPROTO_SCTP, receive_cb, NULL, 0,
                                 GUINT_TO_POINTER (self->id));
    if (self->sock == NULL) {
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "usrsctp: cannot open a socket: %s",
                     g_strerror (errno));
        return FALSE;
    }
    for (guint i = 0; i < G_N_ELEMENTS (events); i++) {
        struct sctp_event ev = { .se_assoc_id = SCTP_ALL_ASSOC, .se_on = 1, .se_type = events[i] };

        if (!set_option (self, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof ev, "SCTP_EVENT", error))
            return FALSE;
    }
    if (!set_option (self, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof on, "SCTP_RECVRCVINFO", error) ||
        !set_option (self, IPPROTO_SCTP, SCTP_NODELAY, &on, sizeof on, "SCTP_NODELAY", error))
        return FALSE;
    {
        struct sctp_paddrparams hb = { .spp_assoc_id = SCTP_FUTURE_ASSOC, .spp_flags = SPP_HB_ENABLE,
                                       .spp_hbinterval = henb_sctp_link_get_heartbeat (link) * 1000,
                                       .spp_pathmaxrxt = HENB_SCTP_MAX_RETRANS };
        struct sctp_rtoinfo rto = { .srto_assoc_id = SCTP_FUTURE_ASSOC, .srto_initial = HENB_SCTP_RTO_INITIAL_MS,
                                    .srto_min = HENB_SCTP_RTO_MIN_MS, .srto_max = HENB_SCTP_RTO_MAX_MS };
        struct sctp_assocparams assoc = { .sasoc_assoc_id = SCTP_FUTURE_ASSOC,
                                          .sasoc_asocmaxrxt = HENB_SCTP_MAX_RETRANS };

        if (!set_option (self, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof rto, "SCTP_RTOINFO", error) ||
            !set_option (self, IPPROTO_SCTP, SCTP_ASSOCINFO, &assoc, sizeof assoc, "SCTP_ASSOCINFO", error) ||
            !set_option (self, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &hb, sizeof hb, "SCTP_PEER_ADDR_PARAMS", error))
            return FALSE;
    }
    encaps.sue_address.ss_family = remote.ss_family;
    encaps.sue_port = htons (self->remote_udp_port);
    if (!set_option (self, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &encaps, sizeof encaps,
                     "SCTP_REMOTE_UDP_ENCAPS_PORT", error))
        return FALSE;
    if (usrsctp_bind (self->sock, (struct sockaddr *) &local, local_len) != 0) {
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "usrsctp: cannot bind to %s: %s",
                     source, g_strerror (errno));
        return FALSE;
    }
    usrsctp_set_non_blocking (self->sock, 1);
    if (usrsctp_connect (self->sock, (struct sockaddr *) &remote, remote_len) != 0 && errno != EINPROGRESS) {
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "usrsctp: cannot connect to %s: %s",
                     henb_sctp_link_get_peer (link), g_strerror (errno));
        return FALSE;
    }
    g_debug ("usrsctp: INIT from %s to %s (UDP %u -> %u)", source, henb_sctp_link_get_peer (link), udp_port,
             self->remote_udp_port);
    return TRUE;
}

static gboolean
usrsctp_link_send (HenbSctpLink *link, GBytes *message, guint16 stream, guint32 ppid, GError **error)
{
    HenbSctpUsrsctp *self = HENB_SCTP_USRSCTP (link);
    struct sctp_sndinfo info = { .snd_sid = stream, .snd_ppid = htonl (ppid) };
    gsize len;
    gconstpointer data = g_bytes_get_data (message, &len);

    if (self->sock == NULL) {
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "usrsctp: not connected");
        return FALSE;
    }
    if (usrsctp_sendv (self->sock, data, len, NULL, 0, &info, sizeof info, SCTP_SENDV_SNDINFO, 0) < 0) {
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "usrsctp: cannot send to %s: %s",
                     henb_sctp_link_get_peer (link), g_strerror (errno));
        return FALSE;
    }
    return TRUE;
}

static void
usrsctp_link_close (HenbSctpLink *link)
{
    HenbSctpUsrsctp *self = HENB_SCTP_USRSCTP (link);

    /* no callback reaches this link from now on */
    if (self->id != 0) {
        g_mutex_lock (&table_lock);
        g_hash_table_remove (table, GUINT_TO_POINTER (self->id));
        g_mutex_unlock (&table_lock);
        self->id = 0;
    }
    if (self->sock != NULL) {
        usrsctp_close (self->sock);
        self->sock = NULL;
    }
}

static void
henb_sctp_usrsctp_dispose (GObject *object)
{
    henb_sctp_link_close (HENB_SCTP_LINK (object));
    G_OBJECT_CLASS (henb_sctp_usrsctp_parent_class)->dispose (object);
}

static void
henb_sctp_usrsctp_class_init (HenbSctpUsrsctpClass *klass)
{
    G_OBJECT_CLASS (klass)->dispose = henb_sctp_usrsctp_dispose;
    HENB_SCTP_LINK_CLASS (klass)->connect = usrsctp_link_connect;
    HENB_SCTP_LINK_CLASS (klass)->send = usrsctp_link_send;
    HENB_SCTP_LINK_CLASS (klass)->close = usrsctp_link_close;
}

static void
henb_sctp_usrsctp_init (HenbSctpUsrsctp *self)
{
}

HenbSctpLink *
henb_sctp_usrsctp_new (guint16 local_udp_port, guint16 remote_udp_port, GError **error)
{
    HenbSctpUsrsctp *self;

    if (local_udp_port == 0 || remote_udp_port == 0) {
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             "usrsctp needs non-zero local and remote UDP encapsulation ports");
        return NULL;
    }
    if (local_udp_port == remote_udp_port) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     "the local UDP encapsulation port must differ from the far end's (%u)", remote_udp_port);
        return NULL;
    }
    if (!usrsctp_setup (local_udp_port, error))
        return NULL;
    self = g_object_new (HENB_TYPE_SCTP_USRSCTP, NULL);
    self->remote_udp_port = remote_udp_port;
    return HENB_SCTP_LINK (self);
}
