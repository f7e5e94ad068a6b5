/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which IPsec backend henbd takes with both installed (security-nm-ipsec and security-vici,
 * loaded from the build as henbd loads them): [IPsec] Backend first, then the backend whose
 * settings are configured, then the documented order, whatever the order of loading; the log
 * says which and why, and every failure names the backend and the Backend= key.
 */
#include "config.h"

#include "henb-errors.h"
#include "henb-ipsec-backend.h"
#include "henb-plugin-manager.h"

static HenbPluginManager *loaded;

/* The two backends, added in @order (names), configured with @config_text. */
static HenbPluginManager *
backends_with (const gchar *const *order, const gchar *config_text, GKeyFile **config_out)
{
    HenbPluginManager *plugins = henb_plugin_manager_new ();
    g_autoptr(GKeyFile) config = g_key_file_new ();
    g_autoptr(GError) error = NULL;

    g_assert_true (g_key_file_load_from_data (config, config_text, -1, G_KEY_FILE_NONE, &error));
    g_assert_no_error (error);
    for (guint i = 0; order[i] != NULL; i++) {
        HenbPlugin *plugin = henb_plugin_manager_find (loaded, HENB_TYPE_IPSEC_PROVIDER, order[i], &error);

        g_assert_no_error (error);
        henb_plugin_manager_add (plugins, plugin);
    }
    g_assert_true (henb_plugin_manager_configure (plugins, config, &error));
    g_assert_no_error (error);
    *config_out = g_steal_pointer (&config);
    return plugins;
}

static const gchar *const loaded_order[] = { "security-nm-ipsec", "security-vici", NULL };
static const gchar *const reversed_order[] = { "security-vici", "security-nm-ipsec", NULL };

/* Chooses with @config_text, in both orders of loading: the same backend, for the same reason. */
static void
assert_choice (const gchar *config_text, const gchar *expected, const gchar *why_pattern)
{
    const gchar *const *orders[] = { loaded_order, reversed_order };

    for (guint i = 0; i < G_N_ELEMENTS (orders); i++) {
        g_autoptr(GKeyFile) config = NULL;
        g_autoptr(HenbPluginManager) plugins = backends_with (orders[i], config_text, &config);
        g_autoptr(GError) error = NULL;
        g_autofree gchar *why = NULL;
        g_autofree gchar *line = NULL;
        HenbIpsecProvider *chosen = henb_ipsec_backend_choose (plugins, config, &why, &error);

        g_assert_no_error (error);
        g_assert_nonnull (chosen);
        g_assert_cmpstr (henb_plugin_get_name (HENB_PLUGIN (chosen)), ==, expected);
        g_assert_true (g_pattern_match_simple (why_pattern, why));

        /* the line at start says which and why */
        line = g_strdup_printf ("IPsec backend %s: %s", expected, why);
        g_test_expect_message ("henbd", G_LOG_LEVEL_MESSAGE, line);
        henb_ipsec_backend_log_choice (plugins, config);
        g_test_assert_expected_messages ();
    }
}

static void
test_none_configured (void)
{
    /* nothing says which: the documented order, not the order of loading */
    assert_choice ("[IPsec]\nLocalIdentity=henb.example\n", "security-nm-ipsec",
                   "no [IPsec] Backend= and no backend's settings; the first installed of "
                   "security-nm-ipsec, security-vici");
    assert_choice ("", "security-nm-ipsec", "no [IPsec] Backend= and no backend's settings*");
}

static void
test_settings_configured (void)
{
    /* the operator prepared charon's socket: security-vici, although it is not first */
    assert_choice ("[IPsec]\nViciSocket=unix:///run/charon.vici\n", "security-vici",
                   "no [IPsec] Backend=; its settings are configured ([IPsec] ViciSocket)");
    assert_choice ("[IPsec]\nResolveFile=/run/henbd/resolv.conf\nDpdDelay=10\n", "security-vici",
                   "no [IPsec] Backend=; its settings are configured ([IPsec] ResolveFile, DpdDelay)");
    /* another group's keys of the same name are not the backend's */
    assert_choice ("[Other]\nViciSocket=/run/charon.vici\n", "security-nm-ipsec",
                   "no [IPsec] Backend= and no backend's settings*");
}

static void
test_backend_named (void)
{
    assert_choice ("[IPsec]\nBackend=security-vici\n", "security-vici", "[IPsec] Backend=security-vici");
    /* named wins over settings */
    assert_choice ("[IPsec]\nBackend=security-nm-ipsec\nViciSocket=/run/charon.vici\n", "security-nm-ipsec",
                   "[IPsec] Backend=security-nm-ipsec");
    assert_choice ("[IPsec]\nBackend= security-vici \n", "security-vici", "[IPsec] Backend=security-vici");
}

static void
test_unknown_backend (void)
{
    g_autoptr(GKeyFile) config = NULL;
    g_autoptr(HenbPluginManager) plugins = backends_with (loaded_order, "[IPsec]\nBackend=strongswan\n", &config);
    g_autoptr(GError) error = NULL;

    g_assert_null (henb_ipsec_backend_choose (plugins, config, NULL, &error));
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN);
    g_assert_cmpstr (error->message, ==,
                     "[IPsec] Backend=strongswan: no IPsec backend of that name is installed "
                     "(installed: security-nm-ipsec, security-vici)");
    /* said at start, as a warning: the operator asked for it */
    g_test_expect_message ("henbd", G_LOG_LEVEL_WARNING, error->message);
    henb_ipsec_backend_log_choice (plugins, config);
    g_test_assert_expected_messages ();
}

static void
test_none_installed (void)
{
    g_autoptr(HenbPluginManager) plugins = henb_plugin_manager_new ();
    g_autoptr(GError) error = NULL;

    g_assert_null (henb_ipsec_backend_choose (plugins, NULL, NULL, &error));
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN);
    g_assert_nonnull (strstr (error->message, "no IPsec backend is installed"));
    g_assert_nonnull (strstr (error->message, "[IPsec] Backend="));
}

static void
on_established (GObject *source, GAsyncResult *result, gpointer user_data)
{
    GError **error = user_data;
    g_autoptr(HenbTunnel) tunnel = henb_ipsec_provider_establish_finish (HENB_IPSEC_PROVIDER (source), result, error);

    g_assert_null (tunnel);
    g_assert_nonnull (*error);
}

/* The backend's own failure (charon is not there) names the backend and the key. */
static void
test_failure_names_backend (void)
{
    g_autoptr(GKeyFile) config = NULL;
    g_autoptr(HenbPluginManager) plugins = backends_with (loaded_order, "[IPsec]\nViciSocket=/nonexistent/charon.vici\n",
                                                          &config);
    HenbIpsecProvider *chosen = henb_ipsec_backend_choose (plugins, config, NULL, NULL);
    g_autoptr(GInetAddress) gateway = g_inet_address_new_from_string ("192.0.2.1");
    HenbIpsecParams params = {
        .label = "initial",
        .gateway = "segw.example",
        .gateway_address = gateway,
        .root_ca_file = "/nonexistent/ca.pem",
        .certificate_file = "/nonexistent/cert.pem",
        .key_file = "/nonexistent/key.pem",
        .timeout = 5,
    };
    g_autoptr(GError) error = NULL;

    g_assert_nonnull (chosen);
    henb_ipsec_provider_establish_async (chosen, &params, NULL, on_established, &error);
    while (error == NULL)
        g_main_context_iteration (NULL, TRUE);
    g_test_message ("%s", error->message);
    g_assert_true (g_str_has_prefix (error->message,
                                     "IPsec backend security-vici ([IPsec] Backend= chooses the backend): "));
}

int
main (int argc, char **argv)
{
    g_autoptr(GError) error = NULL;

    g_test_init (&argc, &argv, NULL);
    henb_errors_register ();

    loaded = henb_plugin_manager_new ();
    if (!henb_plugin_manager_load_dir (loaded, g_getenv ("HENB_PLUGIN_DIR"), &error))
        g_error ("%s", error->message);

    g_test_add_func ("/ipsec-backend/none-configured", test_none_configured);
    g_test_add_func ("/ipsec-backend/settings-configured", test_settings_configured);
    g_test_add_func ("/ipsec-backend/backend-named", test_backend_named);
    g_test_add_func ("/ipsec-backend/unknown-backend", test_unknown_backend);
    g_test_add_func ("/ipsec-backend/none-installed", test_none_installed);
    g_test_add_func ("/ipsec-backend/failure-names-backend", test_failure_names_backend);
    return g_test_run ();
}
