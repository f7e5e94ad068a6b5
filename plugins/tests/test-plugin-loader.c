/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "henb-cr-transport.h"
#include "henb-errors.h"
#include "henb-plugin-manager.h"
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

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    henb_errors_register ();
    g_test_add_func ("/plugins/loader/abi-check", test_abi_check);
    g_test_add_func ("/plugins/loader/writable-module", test_writable_module_refused);
    g_test_add_func ("/plugins/loader/missing-dir", test_missing_dir);
    g_test_add_func ("/plugins/loader/real-plugins", test_real_plugins);
    return g_test_run ();
}
