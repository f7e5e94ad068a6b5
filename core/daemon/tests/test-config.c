/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "henb-errors.h"
#include "henb-config.h"

#define FACTORY_SECTION \
    "[Factory]\n" \
    "DiscoveryVariant=public-internet\n" \
    "InitialHeMS=https://hems.henb.test:7548/acs\n" \
    "RootCA=pki/ca.pem\n" \
    "DeviceCertificate=pki/device.pem\n" \
    "DeviceKey=/etc/henbd/secret/device.key\n"

#define DEVICE_SECTION \
    "[DeviceInfo]\n" \
    "Manufacturer=Example Radio\n" \
    "ManufacturerOUI=00005A\n" \
    "ProductClass=HeNB\n" \
    "SerialNumber=SN0001\n" \
    "ModelName=HeNB-1000\n" \
    "HardwareVersion=rev2\n"

#define FACTORY FACTORY_SECTION "\n" DEVICE_SECTION

/* A temporary folder holding etc/henbd/factory.conf and etc/henbd/conf.d/. */
typedef struct {
    gchar *tmp;
    gchar *etc;
    gchar *factory;
    gchar *conf_d;
} Fixture;

static void
write_file (const gchar *path, const gchar *contents)
{
    g_autoptr(GError) error = NULL;

    g_assert_true (g_file_set_contents (path, contents, -1, &error));
    g_assert_no_error (error);
}

static void
remove_tree (const gchar *path)
{
    GStatBuf st;

    if (g_lstat (path, &st) != 0)
        return;
    if (S_ISDIR (st.st_mode)) {
        g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
        const gchar *name;

        while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
            g_autofree gchar *child = g_build_filename (path, name, NULL);
            remove_tree (child);
        }
        g_assert_cmpint (g_rmdir (path), ==, 0);
    } else {
        g_assert_cmpint (g_unlink (path), ==, 0);
    }
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;

    f->tmp = g_dir_make_tmp ("henb-test-config-XXXXXX", &error);
    g_assert_no_error (error);
    f->etc = g_build_filename (f->tmp, "etc", "henbd", NULL);
    f->factory = g_build_filename (f->etc, "factory.conf", NULL);
    f->conf_d = g_build_filename (f->etc, "conf.d", NULL);
    g_assert_cmpint (g_mkdir_with_parents (f->conf_d, 0700), ==, 0);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
    remove_tree (f->tmp);
    g_free (f->tmp);
    g_free (f->etc);
    g_free (f->factory);
    g_free (f->conf_d);
}

static void
write_snippet (Fixture *f, const gchar *name, const gchar *contents)
{
    g_autofree gchar *path = g_build_filename (f->conf_d, name, NULL);

    write_file (path, contents);
}

static HenbConfig *
load_ok (Fixture *f)
{
    g_autoptr(GError) error = NULL;
    HenbConfig *c = henb_config_load (f->factory, f->conf_d, &error);

    g_assert_no_error (error);
    g_assert_nonnull (c);
    return c;
}

/* Loads and asserts a configuration error whose message contains every string of @needles. */
static void
assert_config_error (Fixture *f, const gchar *const *needles)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbConfig) c = henb_config_load (f->factory, f->conf_d, &error);

    g_assert_null (c);
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION);
    g_test_message ("error: %s", error->message);
    for (guint i = 0; needles[i] != NULL; i++)
        g_assert_nonnull (strstr (error->message, needles[i]));
}

#define ASSERT_CONFIG_ERROR(f, ...) \
    assert_config_error ((f), (const gchar *const[]) { __VA_ARGS__, NULL })

/* ------------------------------------------------------------------------------------------ */

static void
test_valid_factory (Fixture *f, gconstpointer data)
{
    g_autoptr(HenbConfig) c = NULL;
    g_autofree gchar *ca = g_build_filename (f->etc, "pki", "ca.pem", NULL);
    g_autofree gchar *cert = g_build_filename (f->etc, "pki", "device.pem", NULL);

    write_file (f->factory, FACTORY);
    c = load_ok (f);

    g_assert_cmpstr (c->factory_file, ==, f->factory);
    g_assert_cmpstr (c->conf_dir, ==, f->conf_d);
    g_assert_nonnull (c->keyfile);
    g_assert_cmpint (c->variant, ==, HENB_DISCOVERY_VARIANT_PUBLIC_INTERNET);
    g_assert_cmpstr (c->initial_hems_url, ==, "https://hems.henb.test:7548/acs");
    g_assert_null (c->initial_segw);
    /* relative paths are taken against the factory file's folder, absolute ones kept */
    g_assert_cmpstr (c->root_ca, ==, ca);
    g_assert_cmpstr (c->device_certificate, ==, cert);
    g_assert_cmpstr (c->device_key, ==, "/etc/henbd/secret/device.key");

    g_assert_cmpstr (c->manufacturer, ==, "Example Radio");
    g_assert_cmpstr (c->oui, ==, "00005A");
    g_assert_cmpstr (c->product_class, ==, "HeNB");
    g_assert_cmpstr (c->serial_number, ==, "SN0001");
    g_assert_cmpstr (c->model_name, ==, "HeNB-1000");
    g_assert_cmpstr (c->hardware_version, ==, "rev2");
    g_assert_cmpstr (c->description, ==, "LTE Home eNodeB");
    g_assert_cmpstr (c->software_version, ==, PACKAGE_VERSION);
    g_assert_cmpstr (c->provisioning_code, ==, "");

    g_assert_true (c->auto_start);
    g_assert_null (c->trace_dir);
    g_assert_null (c->tls_backend);
    g_assert_null (c->transport);
    g_assert_null (c->s1_handoff);
    g_assert_nonnull (c->public_dns);
    g_assert_cmpuint (g_strv_length (c->public_dns), ==, 0);

    g_assert_cmpint (c->cwmp_version, ==, HENB_CWMP_VERSION_1_2);
    g_assert_null (c->username);
    g_assert_null (c->password);
    g_assert_false (c->allow_plain_http);

    g_assert_cmpuint (c->resolve_timeout, ==, 20);
    g_assert_cmpuint (c->connect_timeout, ==, 30);
    g_assert_cmpuint (c->response_timeout, ==, 30);
    g_assert_cmpuint (c->session_timeout, ==, 300);
    g_assert_cmpuint (c->s1_timeout, ==, 60);
}

static void
test_all_sections (Fixture *f, gconstpointer data)
{
    g_autoptr(HenbConfig) c = NULL;
    g_autofree gchar *trace = g_build_filename (f->etc, "trace", NULL);

    write_file (f->factory,
                "[Factory]\n"
                "DiscoveryVariant=private-domain\n"
                "InitialHeMS=http://10.0.0.1:7547/\n"
                "InitialSeGW=segw.henb.test\n"
                "RootCA=/ca.pem\nDeviceCertificate=/d.pem\nDeviceKey=/d.key\n"
                "\n" DEVICE_SECTION
                "Description=  spaced  \n"
                "ProvisioningCode=OP.1\n"
                "\n[Daemon]\nAutoStart=false\nTraceDir=trace\nTlsBackend=gnutls\n"
                "Transport=soup\nS1Handoff=file\n"
                "\n[Network]\nPublicDNS=192.0.2.53; 198.51.100.53:5353\n"
                "\n[CWMP]\nVersion=1.0\nUsername=user\nPassword=pass\n"
                "\n[Timeouts]\nResolve=1\nConnect=2\nResponse=30\nSession=31\nS1Setup=86400\n");
    c = load_ok (f);

    /* http:// is acceptable behind the Initial SeGW */
    g_assert_cmpint (c->variant, ==, HENB_DISCOVERY_VARIANT_PRIVATE_DOMAIN);
    g_assert_cmpstr (c->initial_hems_url, ==, "http://10.0.0.1:7547/");
    g_assert_cmpstr (c->initial_segw, ==, "segw.henb.test");
    g_assert_cmpstr (c->description, ==, "spaced");
    g_assert_cmpstr (c->provisioning_code, ==, "OP.1");
    g_assert_false (c->auto_start);
    g_assert_cmpstr (c->trace_dir, ==, trace);
    g_assert_cmpstr (c->tls_backend, ==, "gnutls");
    g_assert_cmpstr (c->transport, ==, "soup");
    g_assert_cmpstr (c->s1_handoff, ==, "file");
    g_assert_cmpuint (g_strv_length (c->public_dns), ==, 2);
    g_assert_cmpstr (c->public_dns[0], ==, "192.0.2.53");
    g_assert_cmpstr (c->public_dns[1], ==, "198.51.100.53:5353");
    g_assert_cmpint (c->cwmp_version, ==, HENB_CWMP_VERSION_1_0);
    g_assert_cmpstr (c->username, ==, "user");
    g_assert_cmpstr (c->password, ==, "pass");
    g_assert_cmpuint (c->resolve_timeout, ==, 1);
    g_assert_cmpuint (c->connect_timeout, ==, 2);
    g_assert_cmpuint (c->response_timeout, ==, 30);
    g_assert_cmpuint (c->session_timeout, ==, 31);
    g_assert_cmpuint (c->s1_timeout, ==, 86400);
}

/* A relative factory path works too: paths become absolute, not relative to a later cwd. */
static void
test_relative_factory_path (Fixture *f, gconstpointer data)
{
    g_autoptr(HenbConfig) c = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree gchar *cwd = g_get_current_dir ();
    g_autofree gchar *ca = g_build_filename (f->etc, "pki", "ca.pem", NULL);

    write_file (f->factory, FACTORY);
    g_assert_cmpint (g_chdir (f->tmp), ==, 0);
    c = henb_config_load ("etc/henbd/factory.conf", NULL, &error);
    g_assert_cmpint (g_chdir (cwd), ==, 0);
    g_assert_no_error (error);
    g_assert_nonnull (c);
    g_assert_true (g_path_is_absolute (c->root_ca));
    g_assert_cmpstr (c->root_ca, ==, ca);
    g_assert_cmpstr (c->factory_file, ==, f->factory);
    g_assert_null (c->conf_dir);
}

/* [Radio]: the radio stack's user defaults to the build's; a relative KeyFile is taken from the
 * folder of the file that names it (plugins read it from the merged key file). */
static void
test_radio (Fixture *f, gconstpointer data)
{
    g_autofree gchar *keyfile = g_build_filename (f->conf_d, "run", "cell.conf", NULL);
    g_autofree gchar *seen = NULL;
    g_autoptr(HenbConfig) c = NULL;
    g_autoptr(HenbConfig) d = NULL;

    write_file (f->factory, FACTORY);
    c = load_ok (f);
    g_assert_cmpstr (c->radio_user, ==, HENB_RADIO_USER);
    g_assert_null (c->radio_backend);

    write_snippet (f, "20-radio.conf", "[Radio]\nUser=enb\nBackend= radio-keyfile \nKeyFile=run/cell.conf\n");
    d = load_ok (f);
    g_assert_cmpstr (d->radio_user, ==, "enb");
    g_assert_cmpstr (d->radio_backend, ==, "radio-keyfile");
    seen = g_key_file_get_string (d->keyfile, "Radio", "KeyFile", NULL);
    g_assert_cmpstr (seen, ==, keyfile);
}

static void
test_conf_d_order (Fixture *f, gconstpointer data)
{
    /* written in reverse: the folder's order must not matter, the names' order must */
    static const gchar *const names[] = {
        "60-f.conf", "50-e.conf", "40-d.conf", "30-c.conf", "20-b.conf", "10-a.conf",
    };
    g_autoptr(HenbConfig) c = NULL;
    g_autofree gchar *ca = g_build_filename (f->conf_d, "operator-ca.pem", NULL);

    write_file (f->factory, FACTORY);
    /*
     * Snippet n sets K<n>..K6 to n: only a merge in name order leaves every K<n> at n,
     * any other order leaves some key at a later snippet's number.
     */
    for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
        guint n = G_N_ELEMENTS (names) - i;
        g_autoptr(GString) text = g_string_new ("[Order]\n");

        for (guint k = n; k <= G_N_ELEMENTS (names); k++)
            g_string_append_printf (text, "K%u=%u\n", k, n);
        write_snippet (f, names[i], text->str);
    }
    write_snippet (f, "15-model.conf",
                   "[DeviceInfo]\nModelName=from-15\nDescription=from-15\n"
                   "[Timeouts]\nResolve=11\nConnect=12\n"
                   /* relative to the snippet that names it */
                   "[Factory]\nRootCA=operator-ca.pem\n");
    write_snippet (f, "25-model.conf", "[DeviceInfo]\nModelName=from-25\n[Timeouts]\nConnect=22\n");
    /* not snippets: wrong suffix, hidden, not a key file at all */
    write_snippet (f, "70-g.conf.disabled", "[Ignored]\nFrom=disabled\n");
    write_snippet (f, "70-g.conf~", "[Ignored]\nFrom=backup\n");
    write_snippet (f, ".70-hidden.conf", "[Ignored]\nFrom=hidden\n");
    write_snippet (f, "README", "not a key file at all\n");
    c = load_ok (f);

    for (guint k = 1; k <= G_N_ELEMENTS (names); k++) {
        g_autofree gchar *key = g_strdup_printf ("K%u", k);
        g_autofree gchar *value = g_key_file_get_string (c->keyfile, "Order", key, NULL);
        g_autofree gchar *expected = g_strdup_printf ("%u", k);

        g_assert_cmpstr (value, ==, expected);
    }
    g_assert_false (g_key_file_has_group (c->keyfile, "Ignored"));
    g_assert_cmpstr (c->model_name, ==, "from-25");
    g_assert_cmpstr (c->description, ==, "from-15");
    g_assert_cmpuint (c->resolve_timeout, ==, 11);
    g_assert_cmpuint (c->connect_timeout, ==, 22);
    g_assert_cmpstr (c->root_ca, ==, ca);
    /* what no snippet touches stays as the factory set it */
    g_assert_cmpstr (c->serial_number, ==, "SN0001");
    g_assert_cmpstr (c->initial_hems_url, ==, "https://hems.henb.test:7548/acs");
    /* plugins read the merged file */
    {
        g_autofree gchar *model = g_key_file_get_string (c->keyfile, "DeviceInfo", "ModelName",
                                                         NULL);
        g_assert_cmpstr (model, ==, "from-25");
    }
}

static void
test_conf_d_missing_is_fine (Fixture *f, gconstpointer data)
{
    g_autofree gchar *none = g_build_filename (f->tmp, "no-such-conf.d", NULL);
    g_autoptr(HenbConfig) c = NULL;
    g_autoptr(GError) error = NULL;

    write_file (f->factory, FACTORY);
    c = henb_config_load (f->factory, none, &error);
    g_assert_no_error (error);
    g_assert_nonnull (c);
    g_assert_cmpstr (c->model_name, ==, "HeNB-1000");
}

/* ------------------------------------------------------------------------------------------ */
/* errors */

static void
test_error_missing_initial_hems (Fixture *f, gconstpointer data)
{
    write_file (f->factory,
                "[Factory]\nRootCA=ca.pem\nDeviceCertificate=d.pem\nDeviceKey=d.key\n\n"
                DEVICE_SECTION);
    ASSERT_CONFIG_ERROR (f, "InitialHeMS", "required");

    /* present but blank is missing too */
    write_file (f->factory,
                "[Factory]\nInitialHeMS=  \nRootCA=ca.pem\nDeviceCertificate=d.pem\n"
                "DeviceKey=d.key\n\n"
                DEVICE_SECTION);
    ASSERT_CONFIG_ERROR (f, "InitialHeMS", "required");

    write_file (f->factory,
                "[Factory]\nInitialHeMS=ftp://hems.henb.test/\nRootCA=ca.pem\n"
                "DeviceCertificate=d.pem\n"
                "DeviceKey=d.key\n\n" DEVICE_SECTION);
    ASSERT_CONFIG_ERROR (f, "InitialHeMS", "ftp://hems.henb.test/");
}

static void
test_error_plain_http_public (Fixture *f, gconstpointer data)
{
    g_autoptr(HenbConfig) c = NULL;

    write_file (f->factory,
                "[Factory]\nDiscoveryVariant=public-internet\n"
                "InitialHeMS=http://hems.henb.test/acs\n"
                "RootCA=ca.pem\nDeviceCertificate=d.pem\nDeviceKey=d.key\n\n" DEVICE_SECTION);
    ASSERT_CONFIG_ERROR (f, "InitialHeMS", "http://hems.henb.test/acs", "https");

    /* an explicit opt-in (test beds) allows it */
    write_snippet (f, "50-lab.conf", "[CWMP]\nAllowPlainHttp=true\n");
    c = load_ok (f);
    g_assert_true (c->allow_plain_http);
    g_assert_cmpstr (c->initial_hems_url, ==, "http://hems.henb.test/acs");

    write_snippet (f, "50-lab.conf", "[CWMP]\nAllowPlainHttp=perhaps\n");
    ASSERT_CONFIG_ERROR (f, "AllowPlainHttp");
}

static void
test_error_private_without_segw (Fixture *f, gconstpointer data)
{
    g_autoptr(HenbConfig) c = NULL;

    write_file (f->factory, FACTORY);
    write_snippet (f, "10-variant.conf", "[Factory]\nDiscoveryVariant=private-domain\n");
    ASSERT_CONFIG_ERROR (f, "InitialSeGW", "private-domain");

    write_snippet (f, "20-segw.conf", "[Factory]\nInitialSeGW=192.0.2.1\n");
    c = load_ok (f);
    g_assert_cmpint (c->variant, ==, HENB_DISCOVERY_VARIANT_PRIVATE_DOMAIN);
    g_assert_cmpstr (c->initial_segw, ==, "192.0.2.1");
}

static void
test_error_bad_oui (Fixture *f, gconstpointer data)
{
    static const gchar *const bad[] = { "00005a", "00005", "00005A0", "0000GA", "00 05A" };

    write_file (f->factory, FACTORY);
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
        g_autofree gchar *snippet = g_strdup_printf ("[DeviceInfo]\nManufacturerOUI=%s\n", bad[i]);
        g_autofree gchar *quoted = g_strdup_printf ("'%s'", bad[i]);

        write_snippet (f, "50-oui.conf", snippet);
        ASSERT_CONFIG_ERROR (f, "ManufacturerOUI", quoted);
    }
}

static void
test_error_bad_variant (Fixture *f, gconstpointer data)
{
    write_file (f->factory, FACTORY);
    write_snippet (f, "50-variant.conf", "[Factory]\nDiscoveryVariant=satellite\n");
    ASSERT_CONFIG_ERROR (f, "DiscoveryVariant", "satellite");
}

static void
test_error_timeouts (Fixture *f, gconstpointer data)
{
    static const struct {
        const gchar *line;
        const gchar *key;
    } bad[] = {
        /* TR-069: at least 30 s for an HTTP response */
        { "Response=10", "Response" },
        { "Response=29", "Response" },
        /* a session shorter than 10 s could not even wait for one response */
        { "Session=9", "Session" },
        { "Fallback=-1", "Fallback" },
        { "IKE=0", "IKE" },
        { "Resolve=0", "Resolve" },
        { "Connect=-5", "Connect" },
        { "S1Setup=86401", "S1Setup" },
        { "Resolve=ten", "Resolve" },
    };

    write_file (f->factory, FACTORY);
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
        g_autofree gchar *snippet = g_strdup_printf ("[Timeouts]\n%s\n", bad[i].line);
        g_autofree gchar *named = g_strdup_printf ("[Timeouts] %s", bad[i].key);

        write_snippet (f, "50-timeouts.conf", snippet);
        ASSERT_CONFIG_ERROR (f, named);
    }
}

/* [Device] DownloadMaxSize: bytes or K, M, G; 64 MiB when unset; 0, junk and > 1 TiB refused. */
static void
test_download_max_size (Fixture *f, gconstpointer data)
{
    static const struct {
        const gchar *value;
        guint64      bytes;   /* 0: refused */
    } cases[] = {
        { NULL, G_GUINT64_CONSTANT (64) << 20 },
        { "65536", 65536 },
        { "512K", 512 << 10 },
        { "64m", G_GUINT64_CONSTANT (64) << 20 },
        { "2G", G_GUINT64_CONSTANT (2) << 30 },
        { "1024G", G_GUINT64_CONSTANT (1) << 40 },
        { "1025G", 0 },
        { "0", 0 },
        { "-1", 0 },
        { "10MB", 0 },
        { "K", 0 },
        { "lots", 0 },
    };

    write_file (f->factory, FACTORY);
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        g_autofree gchar *snippet = g_strdup_printf ("[Device]\nDownloadMaxSize=%s\n", cases[i].value);

        write_snippet (f, "50-device.conf", cases[i].value != NULL ? snippet : "");
        if (cases[i].bytes == 0) {
            ASSERT_CONFIG_ERROR (f, "[Device] DownloadMaxSize", cases[i].value);
        } else {
            g_autoptr(HenbConfig) c = load_ok (f);
            g_assert_cmpuint (c->download_max_size, ==, cases[i].bytes);
        }
    }
}

static void
test_error_cwmp_version (Fixture *f, gconstpointer data)
{
    static const gchar *const bad[] = { "1.3", "1.4", "2.0", "1" };

    write_file (f->factory, FACTORY);
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
        g_autofree gchar *snippet = g_strdup_printf ("[CWMP]\nVersion=%s\n", bad[i]);
        g_autofree gchar *quoted = g_strdup_printf ("'%s'", bad[i]);

        write_snippet (f, "50-version.conf", snippet);
        ASSERT_CONFIG_ERROR (f, "[CWMP] Version", quoted);
    }
    {
        g_autoptr(HenbConfig) c = NULL;

        write_snippet (f, "50-version.conf", "[CWMP]\nVersion=1.1\n");
        c = load_ok (f);
        g_assert_cmpint (c->cwmp_version, ==, HENB_CWMP_VERSION_1_1);
    }
}

/* henb-fleet: the factory file's settings with one HeNB's own over them, or no file at all */
static void
test_overlay (Fixture *f, gconstpointer data)
{
    g_autoptr(GKeyFile) overlay = g_key_file_new ();
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbConfig) c = NULL;
    g_autoptr(HenbConfig) alone = NULL;

    write_file (f->factory, FACTORY);
    g_key_file_set_string (overlay, "DeviceInfo", "SerialNumber", "FLEET-000007");
    g_key_file_set_boolean (overlay, "ConnectionRequest", "Enabled", FALSE);
    c = henb_config_load_overlay (f->factory, f->conf_d, overlay, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (c->serial_number, ==, "FLEET-000007");
    g_assert_cmpstr (c->model_name, ==, "HeNB-1000");
    g_assert_false (c->cr_enabled);

    /* without a file the overlay must hold what the factory file would */
    alone = henb_config_load_overlay (NULL, NULL, overlay, &error);
    g_assert_null (alone);
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION);
    g_assert_nonnull (strstr (error->message, "InitialHeMS is required"));
    g_clear_error (&error);
    g_key_file_set_string (overlay, "Factory", "InitialHeMS", "https://hems.henb.test/cwmp");
    g_key_file_set_string (overlay, "Factory", "RootCA", "/ca.pem");
    g_key_file_set_string (overlay, "Factory", "DeviceCertificate", "/device.pem");
    g_key_file_set_string (overlay, "Factory", "DeviceKey", "/device.key");
    g_key_file_set_string (overlay, "DeviceInfo", "Manufacturer", "m");
    g_key_file_set_string (overlay, "DeviceInfo", "ManufacturerOUI", "00005A");
    g_key_file_set_string (overlay, "DeviceInfo", "ProductClass", "HeNB");
    alone = henb_config_load_overlay (NULL, NULL, overlay, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (alone->initial_hems_url, ==, "https://hems.henb.test/cwmp");
    g_assert_cmpstr (alone->serial_number, ==, "FLEET-000007");
}

static void
test_cr_enabled (Fixture *f, gconstpointer data)
{
    g_autoptr(HenbConfig) c = NULL;

    write_file (f->factory, FACTORY);
    c = load_ok (f);
    g_assert_true (c->cr_enabled);
    write_snippet (f, "50-cr.conf", "[ConnectionRequest]\nEnabled=maybe\n");
    ASSERT_CONFIG_ERROR (f, "[ConnectionRequest] Enabled");
}

static void
test_error_auto_start (Fixture *f, gconstpointer data)
{
    write_file (f->factory, FACTORY);
    write_snippet (f, "50-daemon.conf", "[Daemon]\nAutoStart=sometimes\n");
    ASSERT_CONFIG_ERROR (f, "AutoStart");
}

static void
test_error_missing_credentials (Fixture *f, gconstpointer data)
{
    static const gchar *const keys[] = { "RootCA", "DeviceCertificate", "DeviceKey" };

    for (guint i = 0; i < G_N_ELEMENTS (keys); i++) {
        g_autofree gchar *text = NULL;
        g_autofree gchar *line = g_strdup_printf ("%s=", keys[i]);
        g_autofree gchar *named = g_strdup_printf ("[Factory] %s", keys[i]);
        gchar *at;

        /* blank the one key in the factory file */
        text = g_strdup (FACTORY);
        at = strstr (text, line);
        g_assert_nonnull (at);
        at[0] = '#';
        write_file (f->factory, text);
        ASSERT_CONFIG_ERROR (f, named, "required");
    }
}

static void
test_error_factory_file (Fixture *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbConfig) c = NULL;

    /* missing */
    c = henb_config_load (f->factory, f->conf_d, &error);
    g_assert_null (c);
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION);
    g_assert_nonnull (strstr (error->message, f->factory));
    g_clear_error (&error);

    /* not a key file */
    write_file (f->factory, "InitialHeMS https://hems.henb.test/\n");
    ASSERT_CONFIG_ERROR (f, f->factory);

    /* a broken snippet is named as well */
    write_file (f->factory, FACTORY);
    write_snippet (f, "60-broken.conf", "[DeviceInfo\nModelName=x\n");
    ASSERT_CONFIG_ERROR (f, "60-broken.conf");
}

static void
test_error_factory_unreadable (Fixture *f, gconstpointer data)
{
    if (geteuid () == 0) {
        g_test_skip ("root reads any file");
        return;
    }
    write_file (f->factory, FACTORY);
    g_assert_cmpint (g_chmod (f->factory, 0000), ==, 0);
    ASSERT_CONFIG_ERROR (f, f->factory);
    g_assert_cmpint (g_chmod (f->factory, 0600), ==, 0);
}

/* ------------------------------------------------------------------------------------------ */

static gchar *
username_for (const gchar *oui, const gchar *product_class, const gchar *serial)
{
    g_autoptr(HenbConfig) c = g_new0 (HenbConfig, 1);

    c->oui = g_strdup (oui);
    c->product_class = g_strdup (product_class);
    c->serial_number = g_strdup (serial);
    return henb_config_default_username (c);
}

static void
test_default_username (Fixture *f, gconstpointer data)
{
    static const struct {
        const gchar *product_class;
        const gchar *serial;
        const gchar *expected;
    } cases[] = {
        { "HeNB", "SN0001", "00005A-HeNB-SN0001" },
        /* '-' separates the fields, so inside one it is escaped */
        { "HeNB", "SN-1", "00005A-HeNB-SN%2D1" },
        { "Home-eNB", "A-B-C", "00005A-Home%2DeNB-A%2DB%2DC" },
        { "Home eNB/1", "sn:1@x?y", "00005A-Home%20eNB%2F1-sn%3A1%40x%3Fy" },
        { "50%", "a+b#c", "00005A-50%25-a%2Bb%23c" },
        { "caf\xc3\xa9", "x_y.z~w", "00005A-caf%C3%A9-x_y.z~w" },
    };
    g_autoptr(HenbConfig) c = NULL;
    g_autofree gchar *from_file = NULL;

    write_file (f->factory, FACTORY);
    c = load_ok (f);
    from_file = henb_config_default_username (c);
    g_assert_cmpstr (from_file, ==, "00005A-HeNB-SN0001");

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        g_autofree gchar *u = username_for ("00005A", cases[i].product_class, cases[i].serial);
        g_assert_cmpstr (u, ==, cases[i].expected);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* File permissions at start-up */

/* A configuration whose DeviceKey is etc/henbd/device.key of the fixture; returns its path. */
static gchar *
load_with_key (Fixture *f, HenbConfig **out)
{
    gchar *key = g_build_filename (f->etc, "device.key", NULL);
    g_autofree gchar *snippet = g_strdup_printf ("[Factory]\nDeviceKey=%s\n", key);

    write_file (f->factory, FACTORY);
    write_snippet (f, "50-key.conf", snippet);
    write_file (key, "-----BEGIN PRIVATE KEY-----\n");
    *out = load_ok (f);
    return key;
}

static void
assert_insecure (HenbConfig *c, const gchar *state_dir, const gchar *const *needles)
{
    g_autoptr(GError) error = NULL;

    g_assert_false (henb_config_check_permissions (c, state_dir, &error));
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INSECURE);
    g_test_message ("error: %s", error->message);
    for (guint i = 0; needles[i] != NULL; i++) {
        if (strstr (error->message, needles[i]) == NULL)
            g_error ("'%s' lacks '%s'", error->message, needles[i]);
    }
}

#define ASSERT_INSECURE(c, dir, ...) \
    assert_insecure ((c), (dir), (const gchar *const[]) { __VA_ARGS__, NULL })

static void
assert_secure (HenbConfig *c, const gchar *state_dir)
{
    g_autoptr(GError) error = NULL;

    g_assert_true (henb_config_check_permissions (c, state_dir, &error));
    g_assert_no_error (error);
}

static void
test_permissions_key (Fixture *f, gconstpointer data)
{
    g_autoptr(HenbConfig) c = NULL;
    g_autofree gchar *key = load_with_key (f, &c);
    g_autofree gchar *state = g_build_filename (f->tmp, "state", NULL);
    static const struct {
        guint mode;
        const gchar *who;
    } bad[] = {
        { 0644, "readable by group and others (mode 0644)" },
        { 0640, "readable by group (mode 0640)" },
        { 0604, "readable by others (mode 0604)" },
        { 0620, "writable by group (mode 0620)" },
        { 0666, "readable and writable by group and others (mode 0666)" },
        { 0624, "writable by group, readable by others (mode 0624)" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
        g_assert_cmpint (g_chmod (key, bad[i].mode), ==, 0);
        ASSERT_INSECURE (c, state, "refusing to start: ", key, bad[i].who,
                         "; the device key must be 0600 or 0400");
    }
    g_assert_cmpint (g_chmod (key, 0600), ==, 0);
    assert_secure (c, state);
    g_assert_cmpint (g_chmod (key, 0400), ==, 0);
    assert_secure (c, state);
    /* a missing key is reported by the TLS backend that loads it, not here */
    g_assert_cmpint (g_unlink (key), ==, 0);
    assert_secure (c, state);
}

static void
test_permissions_state (Fixture *f, gconstpointer data)
{
    g_autoptr(HenbConfig) c = NULL;
    g_autofree gchar *key = load_with_key (f, &c);
    g_autofree gchar *state = g_build_filename (f->tmp, "state", NULL);
    g_autofree gchar *file = g_build_filename (state, "henbd.state", NULL);

    g_assert_cmpint (g_chmod (key, 0600), ==, 0);
    /* henbd creates it */
    assert_secure (c, state);

    g_assert_cmpint (g_mkdir (state, 0700), ==, 0);
    g_assert_cmpint (g_chmod (state, 0770), ==, 0);
    ASSERT_INSECURE (c, state, state, "is writable by group (mode 0770)",
                     "the state directory must be writable by its owner only (0700)");
    g_assert_cmpint (g_chmod (state, 01777), ==, 0);
    ASSERT_INSECURE (c, state, "is writable by group and others (mode 1777)");
    /* readable is fine: nothing secret is in the folder's listing */
    g_assert_cmpint (g_chmod (state, 0755), ==, 0);
    assert_secure (c, state);

    write_file (file, "[henbd]\n");
    g_assert_cmpint (g_chmod (file, 0666), ==, 0);
    ASSERT_INSECURE (c, state, file, "is writable by group and others (mode 0666)",
                     "the state file must be writable by its owner only (0600)");
    g_assert_cmpint (g_chmod (file, 0600), ==, 0);
    assert_secure (c, state);
}

static void
test_permissions_owner (Fixture *f, gconstpointer data)
{
    g_autoptr(HenbConfig) c = NULL;
    g_autofree gchar *key = NULL;
    g_autofree gchar *state = g_build_filename (f->tmp, "state", NULL);

    if (geteuid () != 0) {
        g_test_skip ("giving files to another user needs root");
        return;
    }
    key = load_with_key (f, &c);
    g_assert_cmpint (g_chmod (key, 0600), ==, 0);
    g_assert_cmpint (g_mkdir (state, 0700), ==, 0);
    g_assert_cmpint (chown (state, 65534, 65534), ==, 0);
    ASSERT_INSECURE (c, state, state, "belongs to uid 65534, neither root nor henbd's user");
    g_assert_cmpint (chown (state, 0, 0), ==, 0);
    g_assert_cmpint (chown (key, 65534, 65534), ==, 0);
    ASSERT_INSECURE (c, state, key, "belongs to uid 65534");
    g_assert_cmpint (chown (key, 0, 0), ==, 0);
    assert_secure (c, state);
}

/* ------------------------------------------------------------------------------------------ */
/* Files that would hang henbd or fill its memory, and values that are no text */

/* A FIFO as factory file hung henbd in open() before it took its bus name. */
static void
test_error_factory_fifo (Fixture *f, gconstpointer data)
{
    g_assert_cmpint (mkfifo (f->factory, 0600), ==, 0);
    ASSERT_CONFIG_ERROR (f, f->factory, "configuration file", "is a FIFO (named pipe), not a regular file");
}

static void
test_error_snippet_not_regular (Fixture *f, gconstpointer data)
{
    g_autofree gchar *fifo = g_build_filename (f->conf_d, "40-fifo.conf", NULL);
    g_autofree gchar *zero = g_build_filename (f->conf_d, "60-zero.conf", NULL);

    write_file (f->factory, FACTORY);
    g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
    ASSERT_CONFIG_ERROR (f, fifo, "is a FIFO (named pipe), not a regular file");
    g_assert_cmpint (g_unlink (fifo), ==, 0);
    /* links are fine for configuration; what they point to must be a regular file */
    g_assert_cmpint (symlink ("/dev/zero", zero), ==, 0);
    ASSERT_CONFIG_ERROR (f, zero, "is a character device, not a regular file");
    g_assert_cmpint (g_unlink (zero), ==, 0);
    g_assert_cmpint (symlink (f->factory, zero), ==, 0);
    g_autoptr(HenbConfig) c = load_ok (f);
}

static void
test_error_snippet_too_large (Fixture *f, gconstpointer data)
{
    g_autofree gchar *big = g_build_filename (f->conf_d, "70-big.conf", NULL);
    g_autoptr(GString) s = g_string_new ("[Daemon]\n");

    write_file (f->factory, FACTORY);
    while (s->len <= 1024 * 1024)
        g_string_append (s, "# a comment that takes room in a snippet far larger than configuration gets\n");
    write_file (big, s->str);
    ASSERT_CONFIG_ERROR (f, big, "more than the 1048576 bytes allowed");
    /* just under the bound: read */
    g_string_truncate (s, 1024 * 1024 - 1);
    g_string_append_c (s, '\n');
    write_file (big, s->str);
    g_autoptr(HenbConfig) c = load_ok (f);
}

/* InitialHeMS with a byte that is no UTF-8 was reported as "required". */
static void
test_error_invalid_utf8 (Fixture *f, gconstpointer data)
{
    g_autofree gchar *snippet = g_build_filename (f->conf_d, "50-serial.conf", NULL);
    g_autofree gchar *bad_factory = g_strdup (FACTORY);
    gchar *at = strstr (bad_factory, "hems.henb.test");

    at[0] = '\xff';
    write_file (f->factory, bad_factory);
    ASSERT_CONFIG_ERROR (f, f->factory, "[Factory] InitialHeMS: the value is not valid UTF-8");

    /* the snippet that brings it is named, not the factory file */
    write_file (f->factory, FACTORY);
    write_snippet (f, "50-serial.conf", "[DeviceInfo]\nSerialNumber=SN\xc3\x28\n");
    ASSERT_CONFIG_ERROR (f, snippet, "[DeviceInfo] SerialNumber: the value is not valid UTF-8");
}

/* RootCA=/dev/zero grew henbd to 5 GB when the TLS step read it: refused at start-up. */
static void
test_credentials_not_regular (Fixture *f, gconstpointer data)
{
    g_autofree gchar *fifo = g_build_filename (f->etc, "ca.fifo", NULL);
    g_autofree gchar *dir = g_build_filename (f->etc, "cert.d", NULL);
    g_autofree gchar *ca = g_build_filename (f->etc, "ca.pem", NULL);
    g_autofree gchar *big = g_build_filename (f->etc, "big.pem", NULL);
    g_autofree gchar *big_contents = g_malloc0 (1024 * 1024 + 2);
    static const gchar *const keys[] = { "RootCA", "DeviceCertificate", "DeviceKey" };

    g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
    g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
    write_file (ca, "-----BEGIN CERTIFICATE-----\n");
    memset (big_contents, 'A', 1024 * 1024 + 1);
    write_file (big, big_contents);
    write_file (f->factory, FACTORY);
    for (guint i = 0; i < G_N_ELEMENTS (keys); i++) {
        const struct {
            const gchar *path;
            const gchar *words;
        } cases[] = {
            { "/dev/zero", "is a character device, not a regular file" },
            { fifo, "is a FIFO (named pipe), not a regular file" },
            { dir, "is a directory, not a regular file" },
            { big, "is 1048577 bytes, more than the 1048576 bytes allowed" },
        };

        for (guint j = 0; j < G_N_ELEMENTS (cases); j++) {
            g_autofree gchar *snippet = g_strdup_printf ("[Factory]\n%s=%s\n", keys[i], cases[j].path);
            g_autoptr(HenbConfig) c = NULL;
            g_autoptr(GError) error = NULL;
            g_autofree gchar *expected = NULL;

            write_snippet (f, "50-files.conf", snippet);
            c = load_ok (f);
            g_assert_false (henb_config_check_files (c, &error));
            g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION);
            expected = g_strdup_printf ("refusing to start: [Factory] %s %s %s", keys[i], cases[j].path,
                                        cases[j].words);
            g_assert_cmpstr (error->message, ==, expected);
        }
    }
    /* a regular file passes, and so does a missing one (reported where it is used) */
    {
        g_autofree gchar *snippet = g_strdup_printf ("[Factory]\nRootCA=%s\nDeviceCertificate=%s\n", ca, ca);
        g_autoptr(HenbConfig) c = NULL;
        g_autoptr(GError) error = NULL;

        write_snippet (f, "50-files.conf", snippet);
        c = load_ok (f);
        g_assert_true (henb_config_check_files (c, &error));
        g_assert_no_error (error);
    }
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
    ADD ("/config/valid-factory", test_valid_factory);
    ADD ("/config/all-sections", test_all_sections);
    ADD ("/config/relative-factory-path", test_relative_factory_path);
    ADD ("/config/conf.d/order", test_conf_d_order);
    ADD ("/config/radio", test_radio);
    ADD ("/config/conf.d/missing", test_conf_d_missing_is_fine);
    ADD ("/config/error/missing-initial-hems", test_error_missing_initial_hems);
    ADD ("/config/error/plain-http-public", test_error_plain_http_public);
    ADD ("/config/error/private-without-segw", test_error_private_without_segw);
    ADD ("/config/error/bad-oui", test_error_bad_oui);
    ADD ("/config/error/bad-variant", test_error_bad_variant);
    ADD ("/config/error/timeouts", test_error_timeouts);
    ADD ("/config/device/download-max-size", test_download_max_size);
    ADD ("/config/error/cwmp-version", test_error_cwmp_version);
    ADD ("/config/error/auto-start", test_error_auto_start);
    ADD ("/config/overlay", test_overlay);
    ADD ("/config/connection-request-enabled", test_cr_enabled);
    ADD ("/config/error/missing-credentials", test_error_missing_credentials);
    ADD ("/config/error/factory-file", test_error_factory_file);
    ADD ("/config/error/factory-unreadable", test_error_factory_unreadable);
    ADD ("/config/error/factory-fifo", test_error_factory_fifo);
    ADD ("/config/error/snippet-not-regular", test_error_snippet_not_regular);
    ADD ("/config/error/snippet-too-large", test_error_snippet_too_large);
    ADD ("/config/error/invalid-utf8", test_error_invalid_utf8);
    ADD ("/config/credentials-not-regular", test_credentials_not_regular);
    ADD ("/config/default-username", test_default_username);
    ADD ("/config/permissions/key", test_permissions_key);
    ADD ("/config/permissions/state", test_permissions_state);
    ADD ("/config/permissions/owner", test_permissions_owner);
#undef ADD
    return g_test_run ();
}
