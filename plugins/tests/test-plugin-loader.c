/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "henb-cr-transport.h"
#include "henb-errors.h"
#include "henb-plugin-manager.h"
#include "henb-radio-backend.h"
#include "henb-s1.h"
#include "henb-tls.h"
#include "henb-transport.h"

static HenbPlugin *
find_by_name (HenbPluginManager *m, const gchar *name)
{
    GPtrArray *plugins = henb_plugin_manager_get_plugins (m);

    for (guint i = 0; i < plugins->len; i++) {
        if (g_strcmp0 (henb_plugin_get_name (plugins->pdata[i]), name) == 0)
            return plugins->pdata[i];
    }
    return NULL;
}

/* Only modules of the right ABI are loaded; others are refused with a reason. */
static void
test_abi_check (void)
{
    g_autoptr(HenbPluginManager) m = henb_plugin_manager_new ();
    g_autoptr(GError) error = NULL;
    HenbPlugin *good;

    g_test_expect_message ("henbd", G_LOG_LEVEL_WARNING,
                           "plugin refused: *libhenb-plugin-test-badabi.so was built for plugin ABI 1.99, henbd has 2.1");
    g_test_expect_message ("henbd", G_LOG_LEVEL_WARNING,
                           "plugin refused: *libhenb-plugin-test-nosymbols.so lacks the henbd plugin symbols");
    g_assert_true (henb_plugin_manager_load_dir (m, g_getenv ("HENB_TEST_PLUGIN_DIR"), &error));
    g_test_assert_expected_messages ();
    g_assert_no_error (error);
    g_assert_cmpuint (henb_plugin_manager_get_plugins (m)->len, ==, 1);
    good = find_by_name (m, "test-good");
    g_assert_nonnull (good);
    g_assert_true (g_str_has_suffix (henb_plugin_get_path (good), "/libhenb-plugin-test-good.so"));
}

/* A module others could have replaced is never loaded into a root daemon. */
static void
test_writable_module_refused (void)
{
    g_autoptr(HenbPluginManager) m = henb_plugin_manager_new ();
    g_autoptr(GError) error = NULL;
    g_autofree gchar *dir = g_dir_make_tmp ("henb-plugins-XXXXXX", &error);
    g_autofree gchar *src = g_build_filename (g_getenv ("HENB_TEST_PLUGIN_DIR"), "libhenb-plugin-test-good.so", NULL);
    g_autofree gchar *dst = g_build_filename (dir, "libhenb-plugin-test-good.so", NULL);
    g_autofree gchar *contents = NULL;
    gsize len;

    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (src, &contents, &len, &error));
    g_assert_true (g_file_set_contents_full (dst, contents, len, G_FILE_SET_CONTENTS_NONE, 0775, &error));
    g_assert_cmpint (g_chmod (dst, 0775), ==, 0);
    g_test_expect_message ("henbd", G_LOG_LEVEL_WARNING, "plugin refused: *is writable by group or others");
    g_assert_true (henb_plugin_manager_load_dir (m, dir, &error));
    g_test_assert_expected_messages ();
    g_assert_cmpuint (henb_plugin_manager_get_plugins (m)->len, ==, 0);
    g_unlink (dst);
    g_rmdir (dir);
}

static void
test_missing_dir (void)
{
    g_autoptr(HenbPluginManager) m = henb_plugin_manager_new ();
    g_autoptr(GError) error = NULL;

    g_assert_false (henb_plugin_manager_load_dir (m, "/nonexistent/henbd/plugins", &error));
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN);
}

/* henbd's own plugins load and provide what the core looks them up by. */
static void
test_real_plugins (void)
{
    g_autoptr(HenbPluginManager) m = henb_plugin_manager_new ();
    g_autoptr(GError) error = NULL;
    HenbDiscovery *discovery;

    g_assert_true (henb_plugin_manager_load_dir (m, g_getenv ("HENB_PLUGIN_DIR"), &error));
    g_assert_no_error (error);
    g_assert_nonnull (henb_plugin_manager_find (m, HENB_TYPE_TLS_PROVIDER, "security-gnutls", &error));
    g_assert_nonnull (henb_plugin_manager_find (m, HENB_TYPE_TRANSPORT_FACTORY, NULL, &error));
    g_assert_nonnull (henb_plugin_manager_find (m, HENB_TYPE_CR_TRANSPORT_FACTORY, "transport-soup", &error));
    g_assert_nonnull (henb_plugin_manager_find (m, HENB_TYPE_S1_HANDOFF, "s1-handoff", &error));
    discovery = henb_plugin_manager_find_discovery (m, HENB_DISCOVERY_VARIANT_PUBLIC_INTERNET, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (henb_plugin_get_name (HENB_PLUGIN (discovery)), ==, "discovery-public");

    g_assert_null (henb_plugin_manager_find (m, HENB_TYPE_TLS_PROVIDER, "security-openssl", &error));
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN);
    g_assert_nonnull (strstr (error->message, "plugin security-openssl"));
}

/* Described plugins are loaded when used, not before; the configuration's keys select some. */
static void
test_loaded_when_used (void)
{
    g_autoptr(HenbPluginManager) m = henb_plugin_manager_new ();
    g_autoptr(GKeyFile) config = g_key_file_new ();
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) tls = NULL;
    g_autoptr(GPtrArray) handoffs = NULL;

    g_assert_true (henb_plugin_manager_load_dir (m, g_getenv ("HENB_PLUGIN_DIR"), &error));
    g_assert_no_error (error);
    g_assert_cmpuint (henb_plugin_manager_get_plugins (m)->len, ==, 0);

    /* known before loading */
    tls = henb_plugin_manager_list (m, HENB_TYPE_TLS_PROVIDER);
    g_assert_cmpuint (tls->len, ==, 1);
    g_assert_cmpstr (henb_plugin_entry_get_name (tls->pdata[0]), ==, "security-gnutls");
    g_assert_null (henb_plugin_entry_get_plugin (tls->pdata[0]));

    /* [S1] Command is s1-handoff's: loaded (and checked) at configure, nothing else */
    g_key_file_set_string (config, "S1", "Command", "/bin/true");
    g_assert_true (henb_plugin_manager_configure (m, config, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (henb_plugin_manager_get_plugins (m)->len, ==, 1);
    g_assert_cmpstr (henb_plugin_get_name (henb_plugin_manager_get_plugins (m)->pdata[0]), ==, "s1-handoff");

    /* a lookup loads the plugin it finds, only that one */
    g_assert_nonnull (henb_plugin_manager_find (m, HENB_TYPE_TLS_PROVIDER, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (henb_plugin_manager_get_plugins (m)->len, ==, 2);
    g_assert_nonnull (henb_plugin_entry_get_plugin (tls->pdata[0]));
    g_assert_nonnull (henb_plugin_manager_find_discovery (m, HENB_DISCOVERY_VARIANT_PUBLIC_INTERNET, &error));
    g_assert_cmpuint (henb_plugin_manager_get_plugins (m)->len, ==, 3);
    handoffs = henb_plugin_manager_list (m, HENB_TYPE_S1_HANDOFF);
    for (guint i = 0; i < handoffs->len; i++) {
        if (g_strcmp0 (henb_plugin_entry_get_name (handoffs->pdata[i]), "s1-handoff") != 0)
            g_assert_null (henb_plugin_entry_get_plugin (handoffs->pdata[i]));
    }
}

/* A bad value of a described plugin's key stops henbd at configure, as when all were loaded. */
static void
test_configure_checks_selected (void)
{
    g_autoptr(HenbPluginManager) m = henb_plugin_manager_new ();
    g_autoptr(GKeyFile) config = g_key_file_new ();
    g_autoptr(GError) error = NULL;

    g_assert_true (henb_plugin_manager_load_dir (m, g_getenv ("HENB_PLUGIN_DIR"), &error));
    g_key_file_set_string (config, "S1", "Command", "'unterminated");
    g_assert_false (henb_plugin_manager_configure (m, config, &error));
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION);
    g_assert_nonnull (strstr (error->message, "plugin s1-handoff: [S1] Command"));
}

/* The real plugin @module (not loaded by another test: a second copy would register its
 * types again) copied into a folder of its own as libhenb-plugin-test.so, @descriptor beside it */
static gchar *
described_copy (const gchar *module, const gchar *descriptor)
{
    g_autoptr(GError) error = NULL;
    g_autofree gchar *dir = g_dir_make_tmp ("henb-plugins-XXXXXX", &error);
    g_autofree gchar *file = g_strdup_printf ("libhenb-plugin-%s.so", module);
    g_autofree gchar *src = g_build_filename (g_getenv ("HENB_PLUGIN_DIR"), file, NULL);
    g_autofree gchar *dst = g_build_filename (dir, "libhenb-plugin-test.so", NULL);
    g_autofree gchar *desc = g_build_filename (dir, "libhenb-plugin-test.plugin", NULL);
    g_autofree gchar *contents = NULL;
    gsize len;

    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (src, &contents, &len, &error));
    g_assert_true (g_file_set_contents_full (dst, contents, len, G_FILE_SET_CONTENTS_NONE, 0755, &error));
    g_assert_true (g_file_set_contents_full (desc, descriptor, -1, G_FILE_SET_CONTENTS_NONE, 0644, &error));
    g_assert_no_error (error);
    return g_steal_pointer (&dir);
}

static void
remove_described (const gchar *dir)
{
    g_autofree gchar *so = g_build_filename (dir, "libhenb-plugin-test.so", NULL);
    g_autofree gchar *desc = g_build_filename (dir, "libhenb-plugin-test.plugin", NULL);

    g_unlink (so);
    g_unlink (desc);
    g_rmdir (dir);
}

/* The core chooses by the descriptor: a module that is not what it says is refused. */
static void
test_descriptor_must_match (void)
{
    static const struct {
        const gchar *module;
        const gchar *descriptor;
        GType      (*wanted) (void);
        const gchar *warning;
    } cases[] = {
        { "radio-keyfile", "[Plugin]\nName=radio-other\nProvides=HenbRadioBackend;\n", henb_radio_backend_get_type,
          "plugin refused: *libhenb-plugin-test.so is plugin radio-keyfile, its descriptor says radio-other" },
        { "cr-udp", "[Plugin]\nName=cr-udp\nProvides=HenbTlsProvider;\n", henb_tls_provider_get_type,
          "plugin refused: *libhenb-plugin-test.so does not provide HenbTlsProvider, which its descriptor promises" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        g_autofree gchar *dir = described_copy (cases[i].module, cases[i].descriptor);
        g_autoptr(HenbPluginManager) m = henb_plugin_manager_new ();
        g_autoptr(GError) error = NULL;

        g_assert_true (henb_plugin_manager_load_dir (m, dir, &error));
        g_assert_cmpuint (henb_plugin_manager_get_plugins (m)->len, ==, 0);
        g_test_expect_message ("henbd", G_LOG_LEVEL_WARNING, cases[i].warning);
        g_assert_null (henb_plugin_manager_find (m, cases[i].wanted (), NULL, &error));
        g_test_assert_expected_messages ();
        g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_PLUGIN);
        /* refused once, not tried again (no second warning) */
        g_clear_error (&error);
        g_assert_null (henb_plugin_manager_find (m, cases[i].wanted (), NULL, &error));
        g_assert_cmpuint (henb_plugin_manager_get_plugins (m)->len, ==, 0);
        remove_described (dir);
    }
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    henb_errors_register ();
    g_test_add_func ("/plugins/loader/abi-check", test_abi_check);
    g_test_add_func ("/plugins/loader/writable-module", test_writable_module_refused);
    g_test_add_func ("/plugins/loader/missing-dir", test_missing_dir);
    g_test_add_func ("/plugins/loader/real-plugins", test_real_plugins);
    g_test_add_func ("/plugins/loader/loaded-when-used", test_loaded_when_used);
    g_test_add_func ("/plugins/loader/configure-checks-selected", test_configure_checks_selected);
    g_test_add_func ("/plugins/loader/descriptor-must-match", test_descriptor_must_match);
    return g_test_run ();
}
