/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-ipsec.h"
#include "henb-plugin.h"

typedef struct {
    gchar   *backend;
    gchar   *label;
    gchar   *gateway;
    gchar   *gateway_address;
    gchar   *inner_address;
    GStrv    dns_servers;
    gint64   up_since;
    gboolean up;
} HenbTunnelPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (HenbTunnel, henb_tunnel, G_TYPE_OBJECT)

enum {
    SIGNAL_DROPPED,
    N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
henb_tunnel_finalize (GObject *object)
{
    HenbTunnelPrivate *priv = henb_tunnel_get_instance_private (HENB_TUNNEL (object));

    g_free (priv->backend);
    g_free (priv->label);
    g_free (priv->gateway);
    g_free (priv->gateway_address);
    g_free (priv->inner_address);
    g_strfreev (priv->dns_servers);
    G_OBJECT_CLASS (henb_tunnel_parent_class)->finalize (object);
}

static void
henb_tunnel_class_init (HenbTunnelClass *klass)
{
    G_OBJECT_CLASS (klass)->finalize = henb_tunnel_finalize;

    /**
     * HenbTunnel::dropped:
     * @reason: (type GLib.Error): why it went down
     */
    signals[SIGNAL_DROPPED] =
        g_signal_new ("dropped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
henb_tunnel_init (HenbTunnel *self)
{
}

#define PRIV(self) ((HenbTunnelPrivate *) henb_tunnel_get_instance_private (self))

const gchar *
henb_tunnel_get_backend (HenbTunnel *self)
{
    return PRIV (self)->backend;
}

const gchar *
henb_tunnel_get_label (HenbTunnel *self)
{
    return PRIV (self)->label;
}

const gchar *
henb_tunnel_get_gateway (HenbTunnel *self)
{
    return PRIV (self)->gateway;
}

const gchar *
henb_tunnel_get_gateway_address (HenbTunnel *self)
{
    return PRIV (self)->gateway_address;
}

const gchar *
henb_tunnel_get_inner_address (HenbTunnel *self)
{
    return PRIV (self)->inner_address;
}

const gchar *const *
henb_tunnel_get_dns_servers (HenbTunnel *self)
{
    static const gchar *const none[] = { NULL };

    return PRIV (self)->dns_servers != NULL ? (const gchar *const *) PRIV (self)->dns_servers : none;
}

gint64
henb_tunnel_get_up_since (HenbTunnel *self)
{
    return PRIV (self)->up_since;
}

gboolean
henb_tunnel_is_up (HenbTunnel *self)
{
    return PRIV (self)->up;
}

void
henb_tunnel_set_identity (HenbTunnel *self, const gchar *backend, const gchar *label,
                          const gchar *gateway, const gchar *gateway_address)
{
    HenbTunnelPrivate *priv = PRIV (self);

    g_free (priv->backend);
    priv->backend = g_strdup (backend);
    g_free (priv->label);
    priv->label = g_strdup (label);
    g_free (priv->gateway);
    priv->gateway = g_strdup (gateway);
    g_free (priv->gateway_address);
    priv->gateway_address = g_strdup (gateway_address);
}

void
henb_tunnel_set_up (HenbTunnel *self, const gchar *inner_address, const gchar *const *dns_servers)
{
    HenbTunnelPrivate *priv = PRIV (self);

    g_free (priv->inner_address);
    priv->inner_address = g_strdup (inner_address);
    g_strfreev (priv->dns_servers);
    priv->dns_servers = g_strdupv ((GStrv) dns_servers);
    priv->up_since = g_get_real_time ();
    priv->up = TRUE;
}

void
henb_tunnel_set_down (HenbTunnel *self)
{
    PRIV (self)->up = FALSE;
}

void
henb_tunnel_emit_dropped (HenbTunnel *self, const GError *reason)
{
    HenbTunnelPrivate *priv = PRIV (self);

    if (!priv->up)
        return;
    priv->up = FALSE;
    g_signal_emit (self, signals[SIGNAL_DROPPED], 0, reason);
}

void
henb_tunnel_close_async (HenbTunnel *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
    g_return_if_fail (HENB_IS_TUNNEL (self));
    /* a tunnel closed on purpose is not "dropped" */
    PRIV (self)->up = FALSE;
    HENB_TUNNEL_GET_CLASS (self)->close_async (self, cancellable, callback, user_data);
}

gboolean
henb_tunnel_close_finish (HenbTunnel *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail (HENB_IS_TUNNEL (self), FALSE);
    return HENB_TUNNEL_GET_CLASS (self)->close_finish (self, result, error);
}

G_DEFINE_INTERFACE (HenbIpsecProvider, henb_ipsec_provider, G_TYPE_OBJECT)

static void
henb_ipsec_provider_default_init (HenbIpsecProviderInterface *iface)
{
}

void
henb_ipsec_provider_establish_async (HenbIpsecProvider     *self,
                                     const HenbIpsecParams *params,
                                     GCancellable          *cancellable,
                                     GAsyncReadyCallback    callback,
                                     gpointer               user_data)
{
    g_return_if_fail (HENB_IS_IPSEC_PROVIDER (self));
    HENB_IPSEC_PROVIDER_GET_IFACE (self)->establish_async (self, params, cancellable, callback, user_data);
}

/* Whoever reads a backend's failure learns which backend it was and where it is chosen. */
static void
prefix_backend (HenbIpsecProvider *self, GError **error)
{
    if (error == NULL || *error == NULL || g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    g_prefix_error (error, "IPsec backend %s ([IPsec] Backend= chooses the backend): ",
                    HENB_IS_PLUGIN (self) ? henb_plugin_get_name (HENB_PLUGIN (self)) : G_OBJECT_TYPE_NAME (self));
}

HenbTunnel *
henb_ipsec_provider_establish_finish (HenbIpsecProvider *self, GAsyncResult *result, GError **error)
{
    GError *error_local = NULL;
    HenbTunnel *tunnel;

    g_return_val_if_fail (HENB_IS_IPSEC_PROVIDER (self), NULL);
    tunnel = HENB_IPSEC_PROVIDER_GET_IFACE (self)->establish_finish (self, result, &error_local);
    if (tunnel == NULL) {
        prefix_backend (self, &error_local);
        g_propagate_error (error, error_local);
    }
    return tunnel;
}

void
henb_ipsec_provider_cleanup_async (HenbIpsecProvider  *self,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
    HenbIpsecProviderInterface *iface;
    g_autoptr(GTask) task = NULL;

    g_return_if_fail (HENB_IS_IPSEC_PROVIDER (self));
    iface = HENB_IPSEC_PROVIDER_GET_IFACE (self);
    if (iface->cleanup_async != NULL) {
        iface->cleanup_async (self, cancellable, callback, user_data);
        return;
    }
    task = g_task_new (self, cancellable, callback, user_data);
    g_task_set_source_tag (task, henb_ipsec_provider_cleanup_async);
    g_task_return_boolean (task, TRUE);
}

gboolean
henb_ipsec_provider_cleanup_finish (HenbIpsecProvider *self, GAsyncResult *result, GError **error)
{
    GError *error_local = NULL;
    gboolean done;

    if (g_task_is_valid (result, self) &&
        g_task_get_source_tag (G_TASK (result)) == henb_ipsec_provider_cleanup_async)
        return g_task_propagate_boolean (G_TASK (result), error);
    done = HENB_IPSEC_PROVIDER_GET_IFACE (self)->cleanup_finish (self, result, &error_local);
    if (!done) {
        prefix_backend (self, &error_local);
        g_propagate_error (error, error_local);
    }
    return done;
}
