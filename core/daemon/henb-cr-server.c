/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "henb-cr-server.h"
#include "henb-config.h"
#include "henb-errors.h"

/* 18 random bytes are 24 base64url characters without padding: 144 bits nobody can guess */
#define PATH_RANDOM_BYTES 18

typedef struct {
    gchar *path;
    gchar *url;
} HenbCrServerPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (HenbCrServer, henb_cr_server, HENB_TYPE_CR_TRANSPORT)

enum {
    PROP_0,
    PROP_URL,
    N_PROPS
};
static GParamSpec *props[N_PROPS];

#define PRIV(self) ((HenbCrServerPrivate *) henb_cr_server_get_instance_private (self))

static void
henb_cr_server_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HenbCrServerPrivate *priv = PRIV (HENB_CR_SERVER (object));

    switch (prop_id) {
    case PROP_URL:
        g_value_set_string (value, priv->url);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
}

static void
henb_cr_server_finalize (GObject *object)
{
    HenbCrServerPrivate *priv = PRIV (HENB_CR_SERVER (object));

    g_free (priv->path);
    g_free (priv->url);
    G_OBJECT_CLASS (henb_cr_server_parent_class)->finalize (object);
}

static void henb_cr_server_apply (HenbCrTransport *transport, GInetAddress *address);
static void henb_cr_server_stop (HenbCrTransport *transport);

static void
henb_cr_server_class_init (HenbCrServerClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS (klass);
    HenbCrTransportClass *transport_class = HENB_CR_TRANSPORT_CLASS (klass);

    object_class->get_property = henb_cr_server_get_property;
    object_class->finalize = henb_cr_server_finalize;
    transport_class->apply = henb_cr_server_apply;
    transport_class->stop = henb_cr_server_stop;

    props[PROP_URL] = g_param_spec_string ("url", NULL, NULL, NULL,
                                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
henb_cr_server_init (HenbCrServer *self)
{
}

/* The path keeps strangers away from the server, so it comes from the kernel's generator. */
static gchar *
make_random_path (GError **error)
{
    guint8 bytes[PATH_RANDOM_BYTES];
    g_autofree gchar *encoded = NULL;

    if (!henb_cr_transport_random_bytes (bytes, sizeof bytes, error)) {
        g_prefix_error (error, "connection request path: ");
        return NULL;
    }
    encoded = g_base64_encode (bytes, sizeof bytes);
    g_strdelimit (encoded, "+", '-');
    g_strdelimit (encoded, "/", '_');
    return g_strconcat ("/", encoded, NULL);
}

/* Closes what listens, without touching the state shown (the caller sets it). */
static void
close_server (HenbCrServer *self)
{
    HenbCrServerPrivate *priv = PRIV (self);

    if (priv->url == NULL)
        return;
    HENB_CR_SERVER_GET_CLASS (self)->close (self);
    g_debug ("no more connection requests on %s", priv->url);
    g_clear_pointer (&priv->url, g_free);
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_URL]);
}

static gboolean
listen_here (HenbCrServer *self, GInetAddress *address, guint16 port, GError **error)
{
    HenbCrServerPrivate *priv = PRIV (self);

    if (priv->path == NULL) {
        priv->path = make_random_path (error);
        if (priv->path == NULL)
            return FALSE;
    }
    close_server (self);
    if (!HENB_CR_SERVER_GET_CLASS (self)->listen (self, address, port, error))
        return FALSE;
    if (priv->url == NULL) {
        g_critical ("%s listens without reporting where", G_OBJECT_TYPE_NAME (self));
        HENB_CR_SERVER_GET_CLASS (self)->close (self);
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                     "the connection request server did not report its address");
        return FALSE;
    }
    return TRUE;
}

gboolean
henb_cr_server_listen (HenbCrServer *self, GInetAddress *address, guint16 port, GError **error)
{
    HenbCrTransport *transport = HENB_CR_TRANSPORT (self);
    g_autoptr(GError) error_local = NULL;

    g_return_val_if_fail (HENB_IS_CR_SERVER (self), FALSE);
    g_return_val_if_fail (G_IS_INET_ADDRESS (address), FALSE);

    if (!listen_here (self, address, port, &error_local)) {
        henb_cr_transport_set_state (transport, HENB_CR_TRANSPORT_STATE_FAILED, error_local->message);
        g_propagate_error (error, g_steal_pointer (&error_local));
        return FALSE;
    }
    g_message ("connection requests on %s", PRIV (self)->url);
    henb_cr_transport_set_state (transport, HENB_CR_TRANSPORT_STATE_ACTIVE, PRIV (self)->url);
    return TRUE;
}

static void
henb_cr_server_stop (HenbCrTransport *transport)
{
    close_server (HENB_CR_SERVER (transport));
    henb_cr_transport_set_state (transport, HENB_CR_TRANSPORT_STATE_DISABLED, NULL);
}

/* The URL prefix a server on @address:@port has. */
static gchar *
url_prefix (GInetAddress *address, guint port)
{
    g_autofree gchar *ip = g_inet_address_to_string (address);

    return g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6 ? g_strdup_printf ("http://[%s]:%u/", ip, port)
                                                                       : g_strdup_printf ("http://%s:%u/", ip, port);
}

static void
henb_cr_server_apply (HenbCrTransport *transport, GInetAddress *address)
{
    HenbCrServer *self = HENB_CR_SERVER (transport);
    const HenbServices *svc = henb_cr_transport_get_services (transport);
    guint port = svc != NULL && svc->config != NULL ? svc->config->cr_port : 0;
    g_autoptr(GError) error = NULL;
    g_autofree gchar *current = NULL;

    /* not known yet: stay where we are (a tunnel that went down comes back with the same one) */
    if (address == NULL)
        return;
    current = g_strdup (PRIV (self)->url);
    if (current != NULL && port != 0) {
        g_autofree gchar *prefix = url_prefix (address, port);

        /* already there: moving would drop the requests being answered */
        if (g_str_has_prefix (current, prefix))
            return;
    }
    if (current != NULL && port == 0) {
        g_autofree gchar *prefix = url_prefix (address, 0);
        g_autofree gchar *host = g_strndup (prefix, strlen (prefix) - 2); /* "http://ADDRESS:" */

        if (g_str_has_prefix (current, host))
            return;
    }
    if (port > G_MAXUINT16) {
        henb_cr_transport_set_state (transport, HENB_CR_TRANSPORT_STATE_FAILED, "ConnectionRequestPort out of range");
        return;
    }
    if (!henb_cr_server_listen (self, address, (guint16) port, &error)) {
        g_warning ("Connection Requests cannot be received: %s", error->message);
        return;
    }
    if (g_strcmp0 (current, PRIV (self)->url) != 0)
        g_message ("Connection Requests at %s", PRIV (self)->url);
}

gboolean
henb_cr_server_is_listening (HenbCrServer *self)
{
    g_return_val_if_fail (HENB_IS_CR_SERVER (self), FALSE);
    return PRIV (self)->url != NULL;
}

const gchar *
henb_cr_server_get_url (HenbCrServer *self)
{
    g_return_val_if_fail (HENB_IS_CR_SERVER (self), NULL);
    return PRIV (self)->url;
}

const gchar *
henb_cr_server_get_path (HenbCrServer *self)
{
    g_return_val_if_fail (HENB_IS_CR_SERVER (self), NULL);
    return PRIV (self)->path;
}

void
henb_cr_server_set_local_address (HenbCrServer *self, GInetSocketAddress *address)
{
    HenbCrServerPrivate *priv;
    GInetAddress *ip;
    g_autofree gchar *host = NULL;

    g_return_if_fail (HENB_IS_CR_SERVER (self));
    g_return_if_fail (G_IS_INET_SOCKET_ADDRESS (address));
    g_return_if_fail (PRIV (self)->path != NULL);
    priv = PRIV (self);

    ip = g_inet_socket_address_get_address (address);
    host = g_inet_address_to_string (ip);
    g_free (priv->url);
    /* TR-181 ConnectionRequestURL: an IPv6 literal in brackets */
    priv->url = g_strdup_printf (g_inet_address_get_family (ip) == G_SOCKET_FAMILY_IPV6 ? "http://[%s]:%u%s"
                                                                                         : "http://%s:%u%s",
                                 host, g_inet_socket_address_get_port (address), priv->path);
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_URL]);
}

