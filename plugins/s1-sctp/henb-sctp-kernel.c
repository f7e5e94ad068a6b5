/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/sctp.h>

#include "henb-sctp-kernel.h"

#ifndef SOL_SCTP
#define SOL_SCTP 132
#endif

/* S1AP messages are small: a message that does not fit is a broken peer */
#define MESSAGE_MAX 65536

struct _HenbSctpKernel {
    HenbSctpLink parent_instance;
    GSocket     *socket;
    GSource     *source;
    gboolean     connected;
};

G_DEFINE_FINAL_TYPE (HenbSctpKernel, henb_sctp_kernel, HENB_TYPE_SCTP_LINK)

static gboolean
receive (HenbSctpKernel *self)
{
    g_autofree guint8 *buf = g_malloc (MESSAGE_MAX);
    guint8 control[CMSG_SPACE (sizeof (struct sctp_sndrcvinfo))];
    struct iovec iov = { .iov_base = buf, .iov_len = MESSAGE_MAX };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                          .msg_controllen = sizeof control };
    const struct sctp_sndrcvinfo *info = NULL;
    g_autoptr(GBytes) message = NULL;
    ssize_t n = recvmsg (g_socket_get_fd (self->socket), &msg, MSG_DONTWAIT);

    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return G_SOURCE_CONTINUE;
    if (n < 0) {
        g_autofree gchar *why = g_strdup_printf ("receive: %s", g_strerror (errno));
        henb_sctp_link_emit_closed (HENB_SCTP_LINK (self), why);
        return G_SOURCE_REMOVE;
    }
    if (n == 0) {
        henb_sctp_link_emit_closed (HENB_SCTP_LINK (self), "the far end closed the association");
        return G_SOURCE_REMOVE;
    }
    if (!(msg.msg_flags & MSG_EOR)) {
        henb_sctp_link_emit_closed (HENB_SCTP_LINK (self), "a message larger than 64 KiB arrived");
        return G_SOURCE_REMOVE;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c != NULL; c = CMSG_NXTHDR (&msg, c)) {
        if (c->cmsg_level == SOL_SCTP && c->cmsg_type == SCTP_SNDRCV &&
            c->cmsg_len >= CMSG_LEN (sizeof *info))
            info = (const struct sctp_sndrcvinfo *) CMSG_DATA (c);
    }
    message = g_bytes_new (buf, n);
    henb_sctp_link_emit_message (HENB_SCTP_LINK (self), message, info != NULL ? info->sinfo_stream : 0,
                                 info != NULL ? ntohl (info->sinfo_ppid) : 0);
    return G_SOURCE_CONTINUE;
}

static gboolean
socket_ready (GSocket *socket, GIOCondition condition, gpointer user_data)
{
    g_autoptr(HenbSctpKernel) self = g_object_ref (user_data);
    g_autoptr(GError) error = NULL;

    if (!self->connected) {
        if (!g_socket_check_connect_result (socket, &error)) {
            henb_sctp_link_emit_closed (HENB_SCTP_LINK (self), error->message);
            return G_SOURCE_REMOVE;
        }
        self->connected = TRUE;
        /* from now on the source waits for messages */
        g_clear_pointer (&self->source, g_source_unref);
        self->source = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
        g_source_set_callback (self->source, (GSourceFunc) (GCallback) socket_ready, self, NULL);
        g_source_attach (self->source, g_main_context_get_thread_default ());
        henb_sctp_link_emit_established (HENB_SCTP_LINK (self));
        return G_SOURCE_REMOVE;
    }
    return receive (self);
}

static gboolean
kernel_connect (HenbSctpLink *link, const gchar *local_address, const gchar *remote_address, guint port,
                GError **error)
{
    HenbSctpKernel *self = HENB_SCTP_KERNEL (link);
    g_autoptr(GInetAddress) remote = g_inet_address_new_from_string (remote_address);
    g_autoptr(GSocketAddress) dest = NULL;
    struct sctp_event_subscribe events = { .sctp_data_io_event = 1 };
    g_autoptr(GError) error_local = NULL;

    if (remote == NULL) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "not an IP address: %s", remote_address);
        return FALSE;
    }
    /* the stream and PPID of each message come with it */
    if (setsockopt (g_socket_get_fd (self->socket), SOL_SCTP, SCTP_EVENTS, &events, sizeof events) != 0) {
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "kernel SCTP: SCTP_EVENTS: %s",
                     g_strerror (errno));
        return FALSE;
    }
    {
        int fd = g_socket_get_fd (self->socket);
        struct sctp_paddrparams hb = { .spp_assoc_id = 0, .spp_flags = SPP_HB_ENABLE,
                                       .spp_hbinterval = henb_sctp_link_get_heartbeat (link) * 1000,
                                       .spp_pathmaxrxt = HENB_SCTP_MAX_RETRANS };
        struct sctp_rtoinfo rto = { .srto_initial = HENB_SCTP_RTO_INITIAL_MS, .srto_min = HENB_SCTP_RTO_MIN_MS,
                                    .srto_max = HENB_SCTP_RTO_MAX_MS };
        struct sctp_assocparams assoc = { .sasoc_asocmaxrxt = HENB_SCTP_MAX_RETRANS };

        if (setsockopt (fd, SOL_SCTP, SCTP_RTOINFO, &rto, sizeof rto) != 0 ||
            setsockopt (fd, SOL_SCTP, SCTP_ASSOCINFO, &assoc, sizeof assoc) != 0 ||
            setsockopt (fd, SOL_SCTP, SCTP_PEER_ADDR_PARAMS, &hb, sizeof hb) != 0) {
            g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "kernel SCTP: timers: %s",
                         g_strerror (errno));
            return FALSE;
        }
    }
    if (local_address != NULL) {
        g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (local_address);
        g_autoptr(GSocketAddress) local = NULL;

        if (inet == NULL) {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "not an IP address: %s", local_address);
            return FALSE;
        }
        local = g_inet_socket_address_new (inet, 0);
        if (!g_socket_bind (self->socket, local, FALSE, error))
            return FALSE;
    }
    g_socket_set_blocking (self->socket, FALSE);
    dest = g_inet_socket_address_new (remote, port);
    if (!g_socket_connect (self->socket, dest, NULL, &error_local) &&
        !g_error_matches (error_local, G_IO_ERROR, G_IO_ERROR_PENDING)) {
        g_propagate_prefixed_error (error, g_steal_pointer (&error_local), "kernel SCTP to %s: ",
                                    henb_sctp_link_get_peer (link));
        return FALSE;
    }
    self->source = g_socket_create_source (self->socket, G_IO_OUT | G_IO_HUP | G_IO_ERR, NULL);
    g_source_set_callback (self->source, (GSourceFunc) (GCallback) socket_ready, self, NULL);
    g_source_attach (self->source, g_main_context_get_thread_default ());
    return TRUE;
}

static gboolean
kernel_send (HenbSctpLink *link, GBytes *message, guint16 stream, guint32 ppid, GError **error)
{
    HenbSctpKernel *self = HENB_SCTP_KERNEL (link);
    guint8 control[CMSG_SPACE (sizeof (struct sctp_sndrcvinfo))] = { 0 };
    gsize len;
    struct iovec iov = { .iov_base = (gpointer) g_bytes_get_data (message, &len) };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
                          .msg_controllen = sizeof control };
    struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
    struct sctp_sndrcvinfo info = { .sinfo_stream = stream, .sinfo_ppid = htonl (ppid) };

    iov.iov_len = len;
    c->cmsg_level = SOL_SCTP;
    c->cmsg_type = SCTP_SNDRCV;
    c->cmsg_len = CMSG_LEN (sizeof info);
    memcpy (CMSG_DATA (c), &info, sizeof info);
    if (sendmsg (g_socket_get_fd (self->socket), &msg, MSG_NOSIGNAL) < 0) {
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "kernel SCTP: cannot send to %s: %s",
                     henb_sctp_link_get_peer (link), g_strerror (errno));
        return FALSE;
    }
    return TRUE;
}

static void
kernel_close (HenbSctpLink *link)
{
    HenbSctpKernel *self = HENB_SCTP_KERNEL (link);

    if (self->source != NULL) {
        g_source_destroy (self->source);
        g_clear_pointer (&self->source, g_source_unref);
    }
    if (self->socket != NULL)
        g_socket_close (self->socket, NULL);
}

static void
henb_sctp_kernel_dispose (GObject *object)
{
    henb_sctp_link_close (HENB_SCTP_LINK (object));
    g_clear_object (&HENB_SCTP_KERNEL (object)->socket);
    G_OBJECT_CLASS (henb_sctp_kernel_parent_class)->dispose (object);
}

static void
henb_sctp_kernel_class_init (HenbSctpKernelClass *klass)
{
    G_OBJECT_CLASS (klass)->dispose = henb_sctp_kernel_dispose;
    HENB_SCTP_LINK_CLASS (klass)->connect = kernel_connect;
    HENB_SCTP_LINK_CLASS (klass)->send = kernel_send;
    HENB_SCTP_LINK_CLASS (klass)->close = kernel_close;
}

static void
henb_sctp_kernel_init (HenbSctpKernel *self)
{
}

HenbSctpLink *
henb_sctp_kernel_new (GSocketFamily family, GError **error)
{
    g_autoptr(GError) error_local = NULL;
    GSocket *socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_SCTP, &error_local);
    HenbSctpKernel *self;

    if (socket == NULL) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                     "kernel SCTP is not available: %s (this kernel has no SCTP: load the sctp module, "
                     "or set [S1] Transport=usrsctp)", error_local->message);
        return NULL;
    }
    self = g_object_new (HENB_TYPE_SCTP_KERNEL, NULL);
    self->socket = socket;
    return HENB_SCTP_LINK (self);
}
