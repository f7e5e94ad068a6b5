/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "henb-errors.h"
#include "henb-config.h"
#include "henb-file.h"
#include "henb-store.h"
#include "henb-value-syntax.h"

#define FACTORY "Factory"
#define DEVICE  "DeviceInfo"

void
henb_config_free (HenbConfig *c)
{
    if (c == NULL)
        return;
    g_free (c->factory_file);
    g_free (c->conf_dir);
    g_clear_pointer (&c->keyfile, g_key_file_unref);
    g_free (c->initial_hems_url);
    g_free (c->initial_segw);
    g_free (c->root_ca);
    g_free (c->device_certificate);
    g_free (c->device_key);
    g_free (c->manufacturer);
    g_free (c->oui);
    g_free (c->product_class);
    g_free (c->serial_number);
    g_free (c->model_name);
    g_free (c->description);
    g_free (c->hardware_version);
    g_free (c->software_version);
    g_free (c->provisioning_code);
    g_free (c->trace_dir);
    g_free (c->tls_backend);
    g_free (c->transport);
    g_free (c->s1_handoff);
    g_strfreev (c->s1_plmns);
    g_free (c->ipsec_backend);
    g_free (c->local_identity);
    g_strfreev (c->public_dns);
    g_free (c->username);
    g_free (c->password);
    g_free (c->cr_address);
    g_free (c->reboot_command);
    g_free (c->download_dir);
    g_free (c->apply_command);
    g_free (c->radio_user);
    g_free (c->radio_backend);
    g_free (c);
}

/* Copies every key of @src over @dst; a later snippet wins. */
static void
merge (GKeyFile *dst, GKeyFile *src)
{
    g_auto(GStrv) groups = g_key_file_get_groups (src, NULL);

    for (guint i = 0; groups[i] != NULL; i++) {
        g_auto(GStrv) keys = g_key_file_get_keys (src, groups[i], NULL, NULL);

        for (guint j = 0; keys != NULL && keys[j] != NULL; j++) {
            g_autofree gchar *value = g_key_file_get_value (src, groups[i], keys[j], NULL);
            g_key_file_set_value (dst, groups[i], keys[j], value);
        }
    }
}

/* Makes relative paths absolute against the directory of the file that set them. */
static void
absolutize_paths (GKeyFile *kf, const gchar *origin_file)
{
    static const gchar *const path_keys[] = { "RootCA", "DeviceCertificate", "DeviceKey", NULL };
    static const gchar *const device_keys[] = { "RebootCommand", "DownloadDirectory", "ApplyCommand", NULL };
    g_autofree gchar *dir = g_path_get_dirname (origin_file);

    for (guint i = 0; device_keys[i] != NULL; i++) {
        g_autofree gchar *value = g_key_file_get_string (kf, "Device", device_keys[i], NULL);

        if (value != NULL && value[0] != '\0' && !g_path_is_absolute (value)) {
            g_autofree gchar *abs = g_build_filename (dir, value, NULL);
            g_key_file_set_string (kf, "Device", device_keys[i], abs);
        }
    }

    {
        g_autofree gchar *keyfile = g_key_file_get_string (kf, "Radio", "KeyFile", NULL);

        if (keyfile != NULL && keyfile[0] != '\0' && !g_path_is_absolute (keyfile)) {
            g_autofree gchar *abs = g_build_filename (dir, keyfile, NULL);
            g_key_file_set_string (kf, "Radio", "KeyFile", abs);
        }
    }

    for (guint i = 0; path_keys[i] != NULL; i++) {
        g_autofree gchar *value = g_key_file_get_string (kf, FACTORY, path_keys[i], NULL);

        if (value != NULL && value[0] != '\0' && !g_path_is_absolute (value)) {
            g_autofree gchar *abs = g_build_filename (dir, value, NULL);
            g_key_file_set_string (kf, FACTORY, path_keys[i], abs);
        }
    }
    {
        g_autofree gchar *trace = g_key_file_get_string (kf, "Daemon", "TraceDir", NULL);
        if (trace != NULL && trace[0] != '\0' && !g_path_is_absolute (trace)) {
            g_autofree gchar *abs = g_build_filename (dir, trace, NULL);
            g_key_file_set_string (kf, "Daemon", "TraceDir", abs);
        }
    }
}

/* GKeyFile would say only "required" for a value it cannot return as UTF-8: every group, key
 * and value is checked here, where the file it came from is still known. */
static gboolean
check_utf8 (GKeyFile *kf, const gchar *path, GError **error)
{
    g_auto(GStrv) groups = g_key_file_get_groups (kf, NULL);

    for (guint i = 0; groups[i] != NULL; i++) {
        g_auto(GStrv) keys = NULL;

        if (!g_utf8_validate (groups[i], -1, NULL)) {
            g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                         "%s: a group name is not valid UTF-8", path);
            return FALSE;
        }
        keys = g_key_file_get_keys (kf, groups[i], NULL, NULL);
        for (guint j = 0; keys != NULL && keys[j] != NULL; j++) {
            g_autofree gchar *value = NULL;

            if (!g_utf8_validate (keys[j], -1, NULL)) {
                g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                             "%s: [%s] a key name is not valid UTF-8", path, groups[i]);
                return FALSE;
            }
            value = g_key_file_get_value (kf, groups[i], keys[j], NULL);
            if (value != NULL && !g_utf8_validate (value, -1, NULL)) {
                g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                             "%s: [%s] %s: the value is not valid UTF-8", path, groups[i], keys[j]);
                return FALSE;
            }
        }
    }
    return TRUE;
}

static gboolean
load_keyfile (GKeyFile *dst, const gchar *path, GError **error)
{
    g_autoptr(GKeyFile) kf = g_key_file_new ();
    g_autoptr(GError) error_local = NULL;
    g_autofree gchar *contents = NULL;
    gsize len = 0;

    /* symbolic links are followed: packaging and configuration management link snippets and
     * factory files into place */
    if (!henb_file_read (path, "configuration file", HENB_FILE_MAX_CONFIG, HENB_FILE_FLAGS_NONE,
                         &contents, &len, &error_local)) {
        g_set_error_literal (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION, error_local->message);
        return FALSE;
    }
    if (!g_key_file_load_from_data (kf, contents, len, G_KEY_FILE_NONE, &error_local)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION, "%s: %s", path,
                     error_local->message);
        return FALSE;
    }
    if (!check_utf8 (kf, path, error))
        return FALSE;
    absolutize_paths (kf, path);
    merge (dst, kf);
    return TRUE;
}

static gchar *
get_string (GKeyFile *kf, const gchar *group, const gchar *key, const gchar *fallback)
{
    g_autofree gchar *v = g_key_file_get_string (kf, group, key, NULL);

    if (v != NULL)
        g_strstrip (v);
    if (v == NULL || v[0] == '\0')
        return g_strdup (fallback);
    return g_steal_pointer (&v);
}

static gboolean
get_boolean (GKeyFile *kf, const gchar *group, const gchar *key, gboolean fallback, GError **error)
{
    g_autoptr(GError) error_local = NULL;
    gboolean v;

    if (!g_key_file_has_key (kf, group, key, NULL))
        return fallback;
    v = g_key_file_get_boolean (kf, group, key, &error_local);
    if (error_local != NULL) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION, "[%s] %s: %s", group,
                     key, error_local->message);
        return fallback;
    }
    return v;
}

static guint
get_seconds (GKeyFile *kf, const gchar *key, guint fallback, guint min, GError **error)
{
    g_autofree gchar *v = get_string (kf, "Timeouts", key, NULL);
    guint64 n;

    if (v == NULL)
        return fallback;
    if (!g_ascii_string_to_unsigned (v, 10, min, 86400, &n, NULL)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                     "[Timeouts] %s: '%s' is not a number of seconds in [%u, 86400]", key, v, min);
        return fallback;
    }
    return (guint) n;
}

/* Bytes, or KiB, MiB, GiB with a K, M or G after the number; between 1 and 1 TiB. */
static guint64
get_size (GKeyFile *kf, const gchar *group, const gchar *key, guint64 fallback, GError **error)
{
    g_autofree gchar *v = get_string (kf, group, key, NULL);
    gsize len = v != NULL ? strlen (v) : 0;
    guint shift = 0;
    guint64 n;

    if (v == NULL)
        return fallback;
    switch (g_ascii_toupper (v[len - 1])) {
    case 'K': shift = 10; break;
    case 'M': shift = 20; break;
    case 'G': shift = 30; break;
    default: break;
    }
    if (shift != 0)
        v[len - 1] = '\0';
    if (!g_ascii_string_to_unsigned (v, 10, 1, G_GUINT64_CONSTANT (1) << (40 - shift), &n, NULL)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                     "[%s] %s: '%s%s' is not a size between 1 byte and 1 TiB (a number of bytes, or with K, M or G)",
                     group, key, v, shift == 10 ? "K" : shift == 20 ? "M" : shift == 30 ? "G" : "");
        return fallback;
    }
    return n << shift;
}

static gboolean
require (HenbConfig *c, const gchar *group, const gchar *key, gchar **out, GError **error)
{
    *out = get_string (c->keyfile, group, key, NULL);
    if (*out == NULL) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                     "%s: [%s] %s is required", c->factory_file, group, key);
        return FALSE;
    }
    return TRUE;
}

static gboolean
check_hems_url (HenbConfig *c, GError **error)
{
    g_autoptr(GError) error_local = NULL;

    if (henb_value_check_hems_url (c->initial_hems_url, c->variant, c->allow_plain_http, &error_local))
        return TRUE;
    if (g_error_matches (error_local, HENB_PROCEDURE_ERROR, HENB_PROCEDURE_ERROR_INSECURE_URL))
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                     "[Factory] InitialHeMS must be https: the public-internet variant "
                     "reaches the Initial HeMS over TLS (%s)", error_local->message);
    else
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                     "[Factory] InitialHeMS is not an http or https URL: %s", error_local->message);
    return FALSE;
}

static gboolean
check_oui (const gchar *oui)
{
    if (strlen (oui) != 6)
        return FALSE;
    for (guint i = 0; i < 6; i++) {
        if (!g_ascii_isdigit (oui[i]) && !(oui[i] >= 'A' && oui[i] <= 'F'))
            return FALSE;
    }
    return TRUE;
}

static gboolean parse_s1_cell (HenbConfig *c, GKeyFile *kf, GError **error);

static gboolean
parse (HenbConfig *c, GError **error)
{
    GKeyFile *kf = c->keyfile;
    g_autofree gchar *variant = get_string (kf, FACTORY, "DiscoveryVariant", "public-internet");
    g_autofree gchar *version = get_string (kf, "CWMP", "Version", "1.2");
    GError *error_local = NULL;

    if (!henb_discovery_variant_from_string (variant, &c->variant)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                     "[Factory] DiscoveryVariant '%s' is neither public-internet nor private-domain",
                     variant);
        return FALSE;
    }
    c->allow_plain_http = get_boolean (kf, "CWMP", "AllowPlainHttp", FALSE, &error_local);
    if (error_local != NULL) {
        g_propagate_error (error, error_local);
        return FALSE;
    }
    c->strict = get_boolean (kf, "CWMP", "Strict", FALSE, &error_local);
    if (error_local != NULL) {
        g_propagate_error (error, error_local);
        return FALSE;
    }
    if (!require (c, FACTORY, "InitialHeMS", &c->initial_hems_url, error) ||
        !check_hems_url (c, error))
        return FALSE;
    c->initial_segw = get_string (kf, FACTORY, "InitialSeGW", NULL);
    if (c->variant == HENB_DISCOVERY_VARIANT_PRIVATE_DOMAIN && c->initial_segw == NULL) {
        g_set_error_literal (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                             "[Factory] InitialSeGW is required for the private-domain variant");
        return FALSE;
    }
    if (!require (c, FACTORY, "RootCA", &c->root_ca, error) ||
        !require (c, FACTORY, "DeviceCertificate", &c->device_certificate, error) ||
        !require (c, FACTORY, "DeviceKey", &c->device_key, error))
        return FALSE;

    if (!require (c, DEVICE, "Manufacturer", &c->manufacturer, error) ||
        !require (c, DEVICE, "ManufacturerOUI", &c->oui, error) ||
        !require (c, DEVICE, "ProductClass", &c->product_class, error) ||
        !require (c, DEVICE, "SerialNumber", &c->serial_number, error))
        return FALSE;
    if (!check_oui (c->oui)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                     "[DeviceInfo] ManufacturerOUI '%s' is not six upper-case hex digits", c->oui);
        return FALSE;
    }
    c->model_name = get_string (kf, DEVICE, "ModelName", c->product_class);
    c->description = get_string (kf, DEVICE, "Description", "LTE Home eNodeB");
    c->hardware_version = get_string (kf, DEVICE, "HardwareVersion", "");
    c->software_version = get_string (kf, DEVICE, "SoftwareVersion", PACKAGE_VERSION);
    c->provisioning_code = get_string (kf, DEVICE, "ProvisioningCode", "");

    c->auto_start = get_boolean (kf, "Daemon", "AutoStart", TRUE, &error_local);
    if (error_local != NULL) {
        g_propagate_error (error, error_local);
        return FALSE;
    }
    c->trace_dir = get_string (kf, "Daemon", "TraceDir", NULL);
    c->tls_backend = get_string (kf, "Daemon", "TlsBackend", NULL);
    c->transport = get_string (kf, "Daemon", "Transport", NULL);
    c->s1_handoff = get_string (kf, "S1", "Backend", NULL);
    if (c->s1_handoff == NULL)
        c->s1_handoff = get_string (kf, "Daemon", "S1Handoff", NULL);
    if (!parse_s1_cell (c, kf, error))
        return FALSE;

    c->public_dns = g_key_file_get_string_list (kf, "Network", "PublicDNS", NULL, NULL);
    if (c->public_dns == NULL)
        c->public_dns = g_new0 (gchar *, 1);
    for (guint i = 0; c->public_dns[i] != NULL; i++)
        g_strstrip (c->public_dns[i]);

    if (!henb_cwmp_version_from_string (version, &c->cwmp_version) ||
        c->cwmp_version > HENB_CWMP_VERSION_1_2) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                     "[CWMP] Version '%s' is not one of 1.0, 1.1, 1.2", version);
        return FALSE;
    }
    c->ipsec_backend = get_string (kf, "IPsec", "Backend", NULL);
    c->local_identity = get_string (kf, "IPsec", "LocalIdentity", NULL);
    c->username = get_string (kf, "CWMP", "Username", NULL);
    c->password = get_string (kf, "CWMP", "Password", NULL);

    c->resolve_timeout = get_seconds (kf, "Resolve", 20, 1, &error_local);
    if (error_local == NULL)
        c->connect_timeout = get_seconds (kf, "Connect", 30, 1, &error_local);
    /* TR-069: a CPE waits at least 30 s for an HTTP response */
    if (error_local == NULL)
        c->response_timeout = get_seconds (kf, "Response", 30, 30, &error_local);
    if (error_local == NULL)
        c->session_timeout = get_seconds (kf, "Session", 300, 10, &error_local);
    if (error_local == NULL)
        c->s1_timeout = get_seconds (kf, "S1Setup", 60, 1, &error_local);
    if (error_local == NULL)
        c->ike_timeout = get_seconds (kf, "IKE", 30, 1, &error_local);
    if (error_local == NULL)
        c->download_timeout = get_seconds (kf, "Download", 600, 1, &error_local);
    if (error_local == NULL)
        c->fallback_after = get_seconds (kf, "Fallback", 3600, 0, &error_local);
    if (error_local == NULL) {
        g_autofree gchar *port = get_string (kf, "ConnectionRequest", "Port", "7547");
        g_autofree gchar *interval = get_string (kf, "ConnectionRequest", "MinInterval", "5");
        guint64 n = 0;

        if (!g_ascii_string_to_unsigned (port, 10, 0, 65535, &n, NULL))
            error_local = g_error_new (HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                                       "[ConnectionRequest] Port '%s' is not a port number", port);
        c->cr_port = (guint) n;
        if (!g_ascii_string_to_unsigned (interval, 10, 0, 3600, &n, NULL) && error_local == NULL)
            error_local = g_error_new (HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                                       "[ConnectionRequest] MinInterval '%s' is not a number of seconds in [0, 3600]",
                                       interval);
        c->cr_min_interval = (guint) n;
        if (error_local == NULL)
            c->cr_enabled = get_boolean (kf, "ConnectionRequest", "Enabled", TRUE, &error_local);
    }
    c->cr_address = get_string (kf, "ConnectionRequest", "Address", NULL);
    if (c->cr_address != NULL && !g_hostname_is_ip_address (c->cr_address) && error_local == NULL)
        error_local = g_error_new (HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                                   "[ConnectionRequest] Address '%s' is not an IP address", c->cr_address);
    c->reboot_command = get_string (kf, "Device", "RebootCommand", NULL);
    c->download_dir = get_string (kf, "Device", "DownloadDirectory", NULL);
    c->download_max_size = get_size (kf, "Device", "DownloadMaxSize", HENB_DOWNLOAD_MAX_SIZE_DEFAULT,
                                     error_local == NULL ? &error_local : NULL);
    c->apply_command = get_string (kf, "Device", "ApplyCommand", NULL);
    c->radio_user = get_string (kf, "Radio", "User", HENB_RADIO_USER);
    c->radio_backend = get_string (kf, "Radio", "Backend", NULL);
    if (error_local != NULL) {
        g_propagate_error (error, error_local);
        return FALSE;
    }
    return TRUE;
}

/* A PLMN identity as S1AP carries it: MCC (3 digits) and MNC (2 or 3 digits). */
static gboolean
is_plmn (const gchar *s)
{
    gsize n = strlen (s);

    if (n != 5 && n != 6)
        return FALSE;
    for (gsize i = 0; i < n; i++)
        if (!g_ascii_isdigit (s[i]))
            return FALSE;
    return TRUE;
}

static gboolean
parse_s1_cell (HenbConfig *c, GKeyFile *kf, GError **error)
{
    g_autofree gchar *tac = get_string (kf, "S1", "TAC", "0");
    g_autofree gchar *cell = get_string (kf, "S1", "CellIdentity", "0");
    g_autofree gchar *plmns = get_string (kf, "S1", "PLMN", "");
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
    g_auto(GStrv) items = NULL;
    guint64 n = 0;

    if (!g_ascii_string_to_unsigned (tac, 10, 0, 65535, &n, NULL)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                     "[S1] TAC '%s' is not a number in [0, 65535]", tac);
        return FALSE;
    }
    c->s1_tac = (guint) n;
    if (!g_ascii_string_to_unsigned (cell, 10, 0, 0x0fffffff, &n, NULL)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                     "[S1] CellIdentity '%s' is not a number in [0, 268435455] (28 bits)", cell);
        return FALSE;
    }
    c->s1_cell_identity = (guint32) n;
    items = g_strsplit_set (plmns, ",;", -1);
    for (guint i = 0; items[i] != NULL; i++) {
        g_strstrip (items[i]);
        if (items[i][0] == '\0')
            continue;
        if (!is_plmn (items[i])) {
            g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                         "[S1] PLMN '%s' is not an MCC and MNC (5 or 6 digits)", items[i]);
            return FALSE;
        }
        g_strv_builder_add (builder, items[i]);
    }
    c->s1_plmns = g_strv_builder_end (builder);
    return TRUE;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
    return g_strcmp0 (*(const gchar *const *) a, *(const gchar *const *) b);
}

HenbConfig *
henb_config_load (const gchar *factory_file, const gchar *conf_dir, GError **error)
{
    g_return_val_if_fail (factory_file != NULL, NULL);
    return henb_config_load_overlay (factory_file, conf_dir, NULL, error);
}

HenbConfig *
henb_config_load_overlay (const gchar *factory_file, const gchar *conf_dir, GKeyFile *overlay, GError **error)
{
    g_autoptr(HenbConfig) c = g_new0 (HenbConfig, 1);

    g_return_val_if_fail (factory_file != NULL || overlay != NULL, NULL);

    /* messages name the factory file; without one, where the settings came from */
    c->factory_file = factory_file != NULL ? g_canonicalize_filename (factory_file, NULL) : g_strdup ("(settings)");
    c->conf_dir = conf_dir != NULL ? g_canonicalize_filename (conf_dir, NULL) : NULL;
    c->keyfile = g_key_file_new ();
    if (factory_file != NULL && !load_keyfile (c->keyfile, c->factory_file, error))
        return NULL;

    if (c->conf_dir != NULL && g_file_test (c->conf_dir, G_FILE_TEST_IS_DIR)) {
        g_autoptr(GDir) dir = g_dir_open (c->conf_dir, 0, error);
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
        const gchar *name;

        if (dir == NULL)
            return NULL;
        while ((name = g_dir_read_name (dir)) != NULL) {
            if (g_str_has_suffix (name, ".conf") && name[0] != '.')
                g_ptr_array_add (names, g_strdup (name));
        }
        g_ptr_array_sort (names, compare_names);
        for (guint i = 0; i < names->len; i++) {
            g_autofree gchar *path = g_build_filename (c->conf_dir, names->pdata[i], NULL);
            if (!load_keyfile (c->keyfile, path, error))
                return NULL;
        }
    }
    if (overlay != NULL) {
        if (!check_utf8 (overlay, c->factory_file, error))
            return NULL;
        merge (c->keyfile, overlay);
    }
    if (!parse (c, error))
        return NULL;
    return g_steal_pointer (&c);
}

static void
append_escaped (GString *s, const gchar *field)
{
    /* '-' separates the three fields, so it is escaped inside them (TR-069 3.4.4) */
    g_autofree gchar *escaped = g_uri_escape_string (field, "_.~", FALSE);
    g_autoptr(GString) e = g_string_new (escaped);

    g_string_replace (e, "-", "%2D", 0);
    g_string_append (s, e->str);
}

gchar *
henb_config_default_username (const HenbConfig *config)
{
    GString *s = g_string_new (NULL);

    append_escaped (s, config->oui);
    g_string_append_c (s, '-');
    append_escaped (s, config->product_class);
    g_string_append_c (s, '-');
    append_escaped (s, config->serial_number);
    return g_string_free (s, FALSE);
}

static const gchar *
access_words (gboolean readable, gboolean writable)
{
    if (readable && writable)
        return "readable and writable";
    return readable ? "readable" : writable ? "writable" : NULL;
}

/* Who may do what of @forbidden: "readable by group and others", "writable by others", ... */
static gchar *
describe_access (mode_t mode, mode_t forbidden)
{
    mode_t m = mode & forbidden;
    const gchar *group = access_words ((m & S_IRGRP) != 0, (m & S_IWGRP) != 0);
    const gchar *others = access_words ((m & S_IROTH) != 0, (m & S_IWOTH) != 0);

    if (group != NULL && others != NULL && g_str_equal (group, others))
        return g_strdup_printf ("%s by group and others", group);
    if (group != NULL && others != NULL)
        return g_strdup_printf ("%s by group, %s by others", group, others);
    return g_strdup_printf ("%s by %s", group != NULL ? group : others, group != NULL ? "group" : "others");
}

static gboolean
check_file (const gchar *path, mode_t forbidden, const gchar *requirement, GError **error)
{
    GStatBuf st;

    /* a missing file is not insecure: henbd creates the state, the key's user reports its absence */
    if (g_stat (path, &st) != 0)
        return TRUE;
    if ((st.st_mode & forbidden) != 0) {
        g_autofree gchar *who = describe_access (st.st_mode, forbidden);

        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INSECURE,
                     "refusing to start: %s is %s (mode %04o); %s", path, who,
                     (guint) (st.st_mode & 07777), requirement);
        return FALSE;
    }
    /* its owner could change the mode or the contents at any time */
    if (st.st_uid != 0 && st.st_uid != geteuid ()) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INSECURE,
                     "refusing to start: %s belongs to uid %u, neither root nor henbd's user (uid %u)",
                     path, (guint) st.st_uid, (guint) geteuid ());
        return FALSE;
    }
    return TRUE;
}

gboolean
henb_config_check_permissions (const HenbConfig *config, const gchar *state_dir, GError **error)
{
    g_autofree gchar *state_file = g_build_filename (state_dir, HENB_STORE_FILE_NAME, NULL);

    g_return_val_if_fail (config != NULL, FALSE);
    g_return_val_if_fail (state_dir != NULL, FALSE);

    /* a key others can read is no longer the device's own; a state others can write says
     * whatever they like about the Serving HeMS */
    return check_file (config->device_key, S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH,
                       "the device key must be 0600 or 0400", error) &&
           check_file (state_dir, S_IWGRP | S_IWOTH,
                       "the state directory must be writable by its owner only (0700)", error) &&
           check_file (state_file, S_IWGRP | S_IWOTH,
                       "the state file must be writable by its owner only (0600)", error);
}

gboolean
henb_config_check_files (const HenbConfig *config, GError **error)
{
    const struct {
        const gchar *path;
        const gchar *what;
    } files[] = {
        { config->root_ca, "[Factory] RootCA" },
        { config->device_certificate, "[Factory] DeviceCertificate" },
        { config->device_key, "[Factory] DeviceKey" },
    };

    g_return_val_if_fail (config != NULL, FALSE);

    for (guint i = 0; i < G_N_ELEMENTS (files); i++) {
        g_autoptr(GError) error_local = NULL;

        /* links are followed: certificates are commonly linked into place (rotation, hash
         * links); the mode checks above apply to what the link points to */
        if (henb_file_check (files[i].path, files[i].what, HENB_FILE_MAX_CREDENTIAL, HENB_FILE_FLAGS_NONE,
                             &error_local))
            continue;
        /* a missing file is reported where it is used, as it may still be provisioned */
        if (g_error_matches (error_local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            continue;
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION, "refusing to start: %s",
                     error_local->message);
        return FALSE;
    }
    return TRUE;
}
