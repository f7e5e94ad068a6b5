/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-resolved-address.h"

/* ------------------------------------------------------------------------------------------ */
/* The enumerator: one lookup through the given resolver, then its addresses in order */

#define HENB_TYPE_RESOLVED_ENUMERATOR (henb_resolved_enumerator_get_type ())
G_DECLARE_FINAL_TYPE (HenbResolvedEnumerator, henb_resolved_enumerator, HENB, RESOLVED_ENUMERATOR,
                      GSocketAddressEnumerator)

struct _HenbResolvedEnumerator {
    GSocketAddressEnumerator parent_instance;
    GResolver               *resolver;
    gchar                   *host;
    guint16                  port;
    gboolean                 resolved;
    GList                   *addresses; /* GInetAddress */
    GList                   *next;
};

G_DEFINE_TYPE (HenbResolvedEnumerator, henb_resolved_enumerator, G_TYPE_SOCKET_ADDRESS_ENUMERATOR)

static GSocketAddress *
take_next (HenbResolvedEnumerator *self)
{
    GInetAddress *address;

    if (self->next == NULL)
        return NULL;
    address = self->next->data;
    self->next = self->next->next;
    return g_inet_socket_address_new (address, self->port);
}

static void
store_addresses (HenbResolvedEnumerator *self, GList *addresses)
{
    self->resolved = TRUE;
    self->addresses = addresses;
    self->next = addresses;
}

static GSocketAddress *
enumerator_next (GSocketAddressEnumerator *enumerator, GCancellable *cancellable, GError **error)
{
    HenbResolvedEnumerator *self = HENB_RESOLVED_ENUMERATOR (enumerator);

    if (!self->resolved) {
        GList *addresses = g_resolver_lookup_by_name (self->resolver, self->host, cancellable, error);

        if (addresses == NULL)
            return NULL;
        store_addresses (self, addresses);
    }
    return take_next (self);
}

static void
lookup_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    HenbResolvedEnumerator *self = g_task_get_source_object (task);
    GError *error = NULL;
    GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), res, &error);

    if (addresses == NULL) {
        g_task_return_error (task, error);
        return;
    }
    store_addresses (self, addresses);
    g_task_return_pointer (task, take_next (self), g_object_unref);
}

static void
enumerator_next_async (GSocketAddressEnumerator *enumerator, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
    HenbResolvedEnumerator *self = HENB_RESOLVED_ENUMERATOR (enumerator);
    g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

    g_task_set_source_tag (task, enumerator_next_async);
    if (!self->resolved) {
        g_resolver_lookup_by_name_async (self->resolver, self->host, cancellable, lookup_done,
                                         g_steal_pointer (&task));
        return;
    }
    g_task_return_pointer (task, take_next (self), g_object_unref);
}

static GSocketAddress *
enumerator_next_finish (GSocketAddressEnumerator *enumerator, GAsyncResult *result, GError **error)
{
    return g_task_propagate_pointer (G_TASK (result), error);
}

static void
henb_resolved_enumerator_finalize (GObject *object)
{
    HenbResolvedEnumerator *self = HENB_RESOLVED_ENUMERATOR (object);

    g_resolver_free_addresses (self->addresses);
    g_free (self->host);
    g_clear_object (&self->resolver);
    G_OBJECT_CLASS (henb_resolved_enumerator_parent_class)->finalize (object);
}

static void
henb_resolved_enumerator_class_init (HenbResolvedEnumeratorClass *klass)
{
    GSocketAddressEnumeratorClass *enumerator_class = G_SOCKET_ADDRESS_ENUMERATOR_CLASS (klass);

    G_OBJECT_CLASS (klass)->finalize = henb_resolved_enumerator_finalize;
    enumerator_class->next = enumerator_next;
    enumerator_class->next_async = enumerator_next_async;
    enumerator_class->next_finish = enumerator_next_finish;
}

static void
henb_resolved_enumerator_init (HenbResolvedEnumerator *self)
{
}

/* ------------------------------------------------------------------------------------------ */
/* The address */

struct _HenbResolvedAddress {
    GNetworkAddress parent_instance;
    GResolver      *resolver;
};

static void henb_resolved_address_connectable_init (GSocketConnectableIface *iface);

/* GNetworkAddress implements GSocketConnectable already: this type re-implements it */
G_DEFINE_TYPE_WITH_CODE (HenbResolvedAddress, henb_resolved_address, G_TYPE_NETWORK_ADDRESS,
                         G_IMPLEMENT_INTERFACE (G_TYPE_SOCKET_CONNECTABLE,
                                                henb_resolved_address_connectable_init))

static GSocketAddressEnumerator *
address_enumerate (GSocketConnectable *connectable)
{
    HenbResolvedAddress *self = HENB_RESOLVED_ADDRESS (connectable);
    HenbResolvedEnumerator *e = g_object_new (HENB_TYPE_RESOLVED_ENUMERATOR, NULL);

    e->resolver = g_object_ref (self->resolver);
    e->host = g_strdup (g_network_address_get_hostname (G_NETWORK_ADDRESS (self)));
    e->port = g_network_address_get_port (G_NETWORK_ADDRESS (self));
    return G_SOCKET_ADDRESS_ENUMERATOR (e);
}

static gchar *
address_to_string (GSocketConnectable *connectable)
{
    GNetworkAddress *address = G_NETWORK_ADDRESS (connectable);

    return g_strdup_printf ("%s:%u", g_network_address_get_hostname (address),
                            g_network_address_get_port (address));
}

static void
henb_resolved_address_connectable_init (GSocketConnectableIface *iface)
{
    iface->enumerate = address_enumerate;
    /* never through a proxy: the same addresses */
    iface->proxy_enumerate = address_enumerate;
    iface->to_string = address_to_string;
}

static void
henb_resolved_address_finalize (GObject *object)
{
    g_clear_object (&HENB_RESOLVED_ADDRESS (object)->resolver);
    G_OBJECT_CLASS (henb_resolved_address_parent_class)->finalize (object);
}

static void
henb_resolved_address_class_init (HenbResolvedAddressClass *klass)
{
    G_OBJECT_CLASS (klass)->finalize = henb_resolved_address_finalize;
}

static void
henb_resolved_address_init (HenbResolvedAddress *self)
{
}

GResolver *
henb_resolved_address_get_resolver (HenbResolvedAddress *self)
{
    g_return_val_if_fail (HENB_IS_RESOLVED_ADDRESS (self), NULL);
    return self->resolver;
}

GSocketConnectable *
henb_resolved_address_new (GResolver *resolver, const gchar *host, guint16 port)
{
    HenbResolvedAddress *self;

    g_return_val_if_fail (G_IS_RESOLVER (resolver), NULL);
    g_return_val_if_fail (host != NULL, NULL);
    self = g_object_new (HENB_TYPE_RESOLVED_ADDRESS, "hostname", host, "port", port, NULL);
    self->resolver = g_object_ref (resolver);
    return G_SOCKET_CONNECTABLE (self);
}

GSocketConnectable *
henb_resolved_address_new_for_url (GResolver *resolver, const gchar *url)
{
    g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
    gint port;

    if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
        return NULL;
    port = g_uri_get_port (uri);
    if (port < 0)
        port = g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
    return henb_resolved_address_new (resolver, g_uri_get_host (uri), (guint16) port);
}
