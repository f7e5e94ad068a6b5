/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-sctp-link.h"

typedef struct {
    gchar   *peer;
    guint    heartbeat_s;
    gboolean closed;  /* "closed" was emitted or close() called: nothing follows */
} HenbSctpLinkPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (HenbSctpLink, henb_sctp_link, G_TYPE_OBJECT)

enum { SIGNAL_ESTABLISHED, SIGNAL_MESSAGE, SIGNAL_CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

gboolean
henb_sctp_link_connect (HenbSctpLink *self, const gchar *local_address, const gchar *remote_address,
                        guint port, GError **error)
{
    g_return_val_if_fail (HENB_IS_SCTP_LINK (self), FALSE);
    henb_sctp_link_set_peer (self, remote_address, port);
    return HENB_SCTP_LINK_GET_CLASS (self)->connect (self, local_address, remote_address, port, error);
}

gboolean
henb_sctp_link_send (HenbSctpLink *self, GBytes *message, guint16 stream, guint32 ppid, GError **error)
{
    HenbSctpLinkPrivate *priv = henb_sctp_link_get_instance_private (self);

    g_return_val_if_fail (HENB_IS_SCTP_LINK (self), FALSE);
    if (priv->closed) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "the SCTP association with %s is closed",
                     priv->peer);
        return FALSE;
    }
    return HENB_SCTP_LINK_GET_CLASS (self)->send (self, message, stream, ppid, error);
}

void
henb_sctp_link_close (HenbSctpLink *self)
{
    HenbSctpLinkPrivate *priv = henb_sctp_link_get_instance_private (self);

    g_return_if_fail (HENB_IS_SCTP_LINK (self));
    if (priv->closed)
        return;
    priv->closed = TRUE;
    HENB_SCTP_LINK_GET_CLASS (self)->close (self);
}

const gchar *
henb_sctp_link_get_peer (HenbSctpLink *self)
{
    HenbSctpLinkPrivate *priv = henb_sctp_link_get_instance_private (self);

    return priv->peer != NULL ? priv->peer : "";
}

void
henb_sctp_link_set_peer (HenbSctpLink *self, const gchar *address, guint port)
{
    HenbSctpLinkPrivate *priv = henb_sctp_link_get_instance_private (self);

    g_free (priv->peer);
    priv->peer = strchr (address, ':') != NULL ? g_strdup_printf ("[%s]:%u", address, port)
                                               : g_strdup_printf ("%s:%u", address, port);
}

void
henb_sctp_link_set_heartbeat (HenbSctpLink *self, guint heartbeat_s)
{
    HenbSctpLinkPrivate *priv = henb_sctp_link_get_instance_private (self);

    priv->heartbeat_s = heartbeat_s;
}

guint
henb_sctp_link_get_heartbeat (HenbSctpLink *self)
{
    HenbSctpLinkPrivate *priv = henb_sctp_link_get_instance_private (self);

    return priv->heartbeat_s;
}

gboolean
henb_sctp_link_is_closed (HenbSctpLink *self)
{
    HenbSctpLinkPrivate *priv = henb_sctp_link_get_instance_private (self);

    return priv->closed;
}

void
henb_sctp_link_emit_established (HenbSctpLink *self)
{
    if (!henb_sctp_link_is_closed (self))
        g_signal_emit (self, signals[SIGNAL_ESTABLISHED], 0);
}

void
henb_sctp_link_emit_message (HenbSctpLink *self, GBytes *message, guint stream, guint ppid)
{
    if (!henb_sctp_link_is_closed (self))
        g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, message, stream, ppid);
}

void
henb_sctp_link_emit_closed (HenbSctpLink *self, const gchar *why)
{
    HenbSctpLinkPrivate *priv = henb_sctp_link_get_instance_private (self);

    if (priv->closed)
        return;
    /* the transport lets go of the socket; the handlers see a dead link */
    henb_sctp_link_close (self);
    g_signal_emit (self, signals[SIGNAL_CLOSED], 0, why);
}

static void
henb_sctp_link_finalize (GObject *object)
{
    HenbSctpLinkPrivate *priv = henb_sctp_link_get_instance_private (HENB_SCTP_LINK (object));

    g_free (priv->peer);
    G_OBJECT_CLASS (henb_sctp_link_parent_class)->finalize (object);
}

static void
henb_sctp_link_class_init (HenbSctpLinkClass *klass)
{
    G_OBJECT_CLASS (klass)->finalize = henb_sctp_link_finalize;
    signals[SIGNAL_ESTABLISHED] = g_signal_new ("established", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
    signals[SIGNAL_MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_BYTES,
                                            G_TYPE_UINT, G_TYPE_UINT);
    signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
henb_sctp_link_init (HenbSctpLink *self)
{
    HenbSctpLinkPrivate *priv = henb_sctp_link_get_instance_private (self);

    priv->heartbeat_s = 5;
}
