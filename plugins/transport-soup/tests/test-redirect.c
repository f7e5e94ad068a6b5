/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A redirect within a CWMP session (TR-069 3.4.5) to another host or port, with the HeNB's
 * own resolver as henbd and henb-fleet use it: the rest of the session must reach the new
 * place, not the first HeMS again. Two libsoup servers on 127.0.0.1 play the HeMS.
 */
#include "config.h"

#include <libsoup/soup.h>

#include "henb-errors.h"
#include "henb-plugin-manager.h"
#include "henb-resolved-address.h"
#include "henb-transport.h"

static HenbTransportFactory *factory;

typedef struct {
    SoupServer *server;
    guint16     port;
    guint       requests;
    gchar      *location; /* answer 302 to here; NULL: answer 204 */
    gchar      *last_path;
} Hems;

static void
on_request (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
    Hems *h = user_data;

    h->requests++;
    g_free (h->last_path);
    h->last_path = g_strdup (path);
    if (h->location != NULL) {
        soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, h->location);
        return;
    }
    soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static void
hems_start (Hems *h)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSList) uris = NULL;

    h->server = soup_server_new (NULL, NULL);
    soup_server_add_handler (h->server, NULL, on_request, h, NULL);
    g_assert_true (soup_server_listen_local (h->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
    g_assert_no_error (error);
    uris = soup_server_get_uris (h->server);
    h->port = (guint16) g_uri_get_port (uris->data);
    g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
}

static void
hems_stop (Hems *h)
{
    /* the connections the server accepted go with it, once the main context ran */
    soup_server_disconnect (h->server);
    g_clear_object (&h->server);
    while (g_main_context_iteration (NULL, FALSE))
        ;
    g_free (h->location);
    g_free (h->last_path);
}

static void
posted (GObject *source, GAsyncResult *res, gpointer user_data)
{
    HenbCwmpHttpResponse **out = user_data;
    g_autoptr(GError) error = NULL;

    *out = henb_cwmp_transport_post_finish (HENB_CWMP_TRANSPORT (source), res, &error);
    g_assert_no_error (error);
}

static void
test_other_port (void)
{
    Hems first = { 0 }, second = { 0 };
    g_autoptr(GResolver) resolver = g_resolver_get_default ();
    g_autoptr(GSocketConnectable) remote = NULL;
    g_autoptr(HenbCwmpTransport) transport = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) body = g_bytes_new_static ("<x/>", 4);
    g_autofree gchar *url = NULL;
    HenbCwmpHttpResponse *response = NULL;
    HenbTransportOptions options = { 0 };

    hems_start (&first);
    hems_start (&second);
    first.location = g_strdup_printf ("http://127.0.0.1:%u/moved", second.port);
    url = g_strdup_printf ("http://127.0.0.1:%u/cwmp", first.port);
    remote = henb_resolved_address_new (resolver, "127.0.0.1", first.port);
    options.url = url;
    options.connect_timeout = 5;
    options.response_timeout = 30;
    options.remote = remote;
    transport = henb_transport_factory_create (factory, &options, &error);
    g_assert_no_error (error);

    henb_cwmp_transport_post_async (transport, body, NULL, posted, &response);
    while (response == NULL)
        g_main_context_iteration (NULL, TRUE);
    g_assert_cmpuint (response->status, ==, 204);
    g_assert_cmpuint (first.requests, ==, 1);
    g_assert_cmpuint (second.requests, ==, 1);
    g_assert_cmpstr (second.last_path, ==, "/moved");
    henb_cwmp_http_response_free (g_steal_pointer (&response));

    /* the rest of the session goes there too */
    henb_cwmp_transport_post_async (transport, NULL, NULL, posted, &response);
    while (response == NULL)
        g_main_context_iteration (NULL, TRUE);
    g_assert_cmpuint (response->status, ==, 204);
    g_assert_cmpuint (first.requests, ==, 1);
    g_assert_cmpuint (second.requests, ==, 2);
    henb_cwmp_http_response_free (response);

    henb_cwmp_transport_close (transport);
    g_clear_object (&transport);
    hems_stop (&first);
    hems_stop (&second);
}

int
main (int argc, char **argv)
{
    g_autoptr(HenbPluginManager) plugins = NULL;
    g_autoptr(GError) error = NULL;
    HenbPlugin *provider;

    g_test_init (&argc, &argv, NULL);
    henb_errors_register ();

    plugins = henb_plugin_manager_new ();
    if (!henb_plugin_manager_load_dir (plugins, g_getenv ("HENB_PLUGIN_DIR"), &error))
        g_error ("%s", error->message);
    provider = henb_plugin_manager_find (plugins, HENB_TYPE_TRANSPORT_FACTORY, "transport-soup", &error);
    g_assert_no_error (error);
    factory = HENB_TRANSPORT_FACTORY (provider);

    g_test_add_func ("/transport-soup/redirect/other-port", test_other_port);
    return g_test_run ();
}
