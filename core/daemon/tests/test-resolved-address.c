/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HenbResolvedAddress: a connection reaches a host through the resolver it was given, not the
 * process's default one, so two HeNBs in one process that pinned the same name to different
 * addresses each reach their own.
 */
#include "config.h"

#include <gio/gio.h>

#include "henb-resolved-address.h"
#include "henb-resolver.h"

/* nothing listens here: a lookup that is not pinned fails at once */
static const gchar *const dead_servers[] = { "127.0.3.54:5353", NULL };

static HenbResolver *
resolver_pinning (const gchar *host, const gchar *address)
{
    g_autoptr(GResolver) system = g_resolver_get_default ();
    HenbResolver *resolver = henb_resolver_new (system, dead_servers);
    g_autoptr(GInetAddress) a = g_inet_address_new_from_string (address);
    GList *list = g_list_append (NULL, a);

    henb_resolver_set_timeout (resolver, 1);
    henb_resolver_pin (resolver, host, list);
    g_list_free (list);
    return resolver;
}

/* "ip:port" of each address the enumerator gives, synchronously */
static gchar *
enumerate_sync (GSocketConnectable *c, GError **error)
{
    g_autoptr(GSocketAddressEnumerator) e = g_socket_connectable_enumerate (c);
    g_autoptr(GString) s = g_string_new (NULL);
    GSocketAddress *a;

    while ((a = g_socket_address_enumerator_next (e, NULL, error)) != NULL) {
        g_autofree gchar *ip = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (a)));

        g_string_append_printf (s, "%s%s:%u", s->len > 0 ? " " : "", ip,
                                g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (a)));
        g_object_unref (a);
    }
    if (error != NULL && *error != NULL)
        return NULL;
    return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_pinned_per_resolver (void)
{
    g_autoptr(HenbResolver) one = resolver_pinning ("hems.henb.test", "192.0.2.1");
    g_autoptr(HenbResolver) two = resolver_pinning ("hems.henb.test", "192.0.2.2");
    g_autoptr(GSocketConnectable) a = henb_resolved_address_new (G_RESOLVER (one), "hems.henb.test", 7547);
    g_autoptr(GSocketConnectable) b = henb_resolved_address_new (G_RESOLVER (two), "HEMS.henb.test", 7548);
    g_autoptr(GError) error = NULL;
    g_autofree gchar *got_a = enumerate_sync (a, &error);
    g_autofree gchar *got_b = NULL;

    g_assert_no_error (error);
    got_b = enumerate_sync (b, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (got_a, ==, "192.0.2.1:7547");
    g_assert_cmpstr (got_b, ==, "192.0.2.2:7548");
}

/* TLS takes a GNetworkAddress's host name as the server identity (SNI, certificate check) */
static void
test_is_network_address (void)
{
    g_autoptr(HenbResolver) r = resolver_pinning ("hems.henb.test", "192.0.2.1");
    g_autoptr(GSocketConnectable) c = henb_resolved_address_new_for_url (G_RESOLVER (r), "https://hems.henb.test/cwmp");
    g_autofree gchar *text = NULL;

    g_assert_true (G_IS_NETWORK_ADDRESS (c));
    g_assert_cmpstr (g_network_address_get_hostname (G_NETWORK_ADDRESS (c)), ==, "hems.henb.test");
    g_assert_cmpuint (g_network_address_get_port (G_NETWORK_ADDRESS (c)), ==, 443);
    text = g_socket_connectable_to_string (c);
    g_assert_cmpstr (text, ==, "hems.henb.test:443");
    g_assert_null (henb_resolved_address_new_for_url (G_RESOLVER (r), "not a url"));
}

static void
test_ip_literal (void)
{
    g_autoptr(HenbResolver) r = resolver_pinning ("hems.henb.test", "192.0.2.1");
    g_autoptr(GSocketConnectable) c = henb_resolved_address_new_for_url (G_RESOLVER (r), "http://[2001:db8::5]:8080/x");
    g_autoptr(GError) error = NULL;
    g_autofree gchar *got = enumerate_sync (c, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (got, ==, "2001:db8::5:8080");
}

static void
next_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GError **error = user_data;
    GSocketAddress *a = g_socket_address_enumerator_next_finish (G_SOCKET_ADDRESS_ENUMERATOR (source), res, error);

    g_assert_null (a);
}

/* a name this HeNB never resolved is looked up by its own servers, not the host's */
static void
test_unpinned_uses_own_servers (void)
{
    g_autoptr(HenbResolver) r = resolver_pinning ("hems.henb.test", "192.0.2.1");
    g_autoptr(GSocketConnectable) c = henb_resolved_address_new (G_RESOLVER (r), "localhost.henb.test", 80);
    g_autoptr(GSocketAddressEnumerator) e = g_socket_connectable_enumerate (c);
    GError *error = NULL;

    g_socket_address_enumerator_next_async (e, NULL, next_done, &error);
    while (error == NULL)
        g_main_context_iteration (NULL, TRUE);
    g_assert_true (error->domain == G_RESOLVER_ERROR);
    g_error_free (error);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/resolved-address/pinned-per-resolver", test_pinned_per_resolver);
    g_test_add_func ("/resolved-address/is-network-address", test_is_network_address);
    g_test_add_func ("/resolved-address/ip-literal", test_ip_literal);
    g_test_add_func ("/resolved-address/unpinned-uses-own-servers", test_unpinned_uses_own_servers);
    return g_test_run ();
}
