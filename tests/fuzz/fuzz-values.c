/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The URL and host validators a HeMS's SetParameterValues goes through. The input is tried as
 * a host, a URL and a HeMS URL, and what is accepted is held to the properties henbd relies
 * on: no whitespace or control character, bounded length, a host GLib also reads as an IP
 * address or that follows the LDH rules (checked here independently), a URL GLib parses to
 * the same host with no user information and an http(s) scheme, https wherever TLS is
 * required. The first bytes, read as an IPv4 and an IPv6 address, must be accepted in their
 * canonical text form. Refusals must say why without a raw control character.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "fuzz-common.h"
#include "henb-value-syntax.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    henb_fuzz_init_logging ();
    return 0;
}

static gboolean
has_control_or_space (const gchar *s)
{
    for (; *s != '\0'; s++) {
        if ((guchar) *s <= 0x20 || (guchar) *s >= 0x7f)
            return TRUE;
    }
    return FALSE;
}

static void
check_message (const GError *error)
{
    henb_fuzz_check (error != NULL && error->message != NULL, "a refusal without an error");
    for (const gchar *p = error->message; *p != '\0'; p++)
        henb_fuzz_check ((guchar) *p >= 0x20 && (guchar) *p != 0x7f, "a raw control character in a refusal");
}

/* RFC 1123 host name, written afresh: LDH labels of 1..63, no '-' at either end, at most
 * 253 characters, not all labels numeric. */
static gboolean
is_ldh_name (const gchar *host)
{
    g_auto(GStrv) labels = g_strsplit (host, ".", -1);
    gboolean all_numeric = TRUE;

    if (strlen (host) == 0 || strlen (host) > 253)
        return FALSE;
    for (guint i = 0; labels[i] != NULL; i++) {
        gsize len = strlen (labels[i]);

        if (len == 0 || len > 63 || labels[i][0] == '-' || labels[i][len - 1] == '-')
            return FALSE;
        for (gsize j = 0; j < len; j++) {
            if (!g_ascii_isalnum (labels[i][j]) && labels[i][j] != '-')
                return FALSE;
            if (!g_ascii_isdigit (labels[i][j]))
                all_numeric = FALSE;
        }
    }
    return !all_numeric;
}

static void
check_host (const gchar *host)
{
    g_autoptr(GError) error = NULL;

    if (!henb_value_check_host (host, &error)) {
        check_message (error);
        return;
    }
    henb_fuzz_check (!has_control_or_space (host), "an accepted host holds a control character or space");
    henb_fuzz_check (strlen (host) <= HENB_HOST_MAX_LENGTH, "an accepted host is too long");
    henb_fuzz_check (strchr (host, '%') == NULL, "an accepted host has a zone");
    henb_fuzz_check (g_hostname_is_ip_address (host) || is_ldh_name (host),
                     "an accepted host is neither an IP address to GLib nor an LDH name");
    /* a name that is all digits and dots must have been a real dotted quad */
    if (strspn (host, "0123456789.") == strlen (host)) {
        struct in_addr a;
        henb_fuzz_check (inet_pton (AF_INET, host, &a) == 1, "an accepted numeric host is no IPv4 address");
    }
}

static void
check_url (const gchar *url)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) error_hems = NULL;
    g_autofree gchar *host = NULL;
    g_autoptr(GUri) uri = NULL;
    gboolean ok = henb_value_check_url (url, &host, &error);
    gboolean hems_public = henb_value_check_hems_url (url, HENB_DISCOVERY_VARIANT_PUBLIC_INTERNET, FALSE, &error_hems);

    henb_fuzz_check (!hems_public || ok, "a HeMS URL accepted that is no URL");
    henb_fuzz_check (henb_value_check_hems_url (url, HENB_DISCOVERY_VARIANT_PRIVATE_DOMAIN, FALSE, NULL) == ok,
                     "the private domain decides a URL otherwise than the URL check");
    if (!hems_public)
        check_message (error_hems);
    if (!ok) {
        check_message (error);
        henb_fuzz_check (host == NULL, "a refused URL gave a host");
        return;
    }
    if (hems_public)
        henb_fuzz_check (g_ascii_strncasecmp (url, "https://", 8) == 0, "TLS required, but a non-https URL accepted");
    henb_fuzz_check (!has_control_or_space (url), "an accepted URL holds a control character or space");
    henb_fuzz_check (strlen (url) <= HENB_URL_MAX_LENGTH, "an accepted URL is too long");
    uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
    henb_fuzz_check (uri != NULL, "an accepted URL does not parse with GLib");
    henb_fuzz_check (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0 ||
                     g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0, "an accepted URL is not http(s)");
    henb_fuzz_check (g_uri_get_userinfo (uri) == NULL, "an accepted URL carries user information");
    henb_fuzz_check (host != NULL && g_uri_get_host (uri) != NULL && g_ascii_strcasecmp (host, g_uri_get_host (uri)) == 0,
                     "GLib reads another host");
    henb_fuzz_check (henb_value_check_host (host, NULL), "an accepted URL has a host the host check refuses");
    henb_fuzz_check (g_uri_get_port (uri) == -1 || (g_uri_get_port (uri) >= 1 && g_uri_get_port (uri) <= 65535),
                     "an accepted URL has a port outside 1-65535");
}

/* Completeness: any address in canonical form is a host, and a URL host. */
static void
check_addresses (const uint8_t *data, size_t size)
{
    gchar text[INET6_ADDRSTRLEN];
    g_autofree gchar *url = NULL;

    if (size >= 4) {
        henb_fuzz_check (inet_ntop (AF_INET, data, text, sizeof text) != NULL, "inet_ntop");
        henb_fuzz_check (henb_value_check_host (text, NULL), "a dotted-quad IPv4 address refused");
        url = g_strdup_printf ("https://%s:7547/cwmp", text);
        henb_fuzz_check (henb_value_check_url (url, NULL, NULL), "a URL with an IPv4 address refused");
        g_clear_pointer (&url, g_free);
    }
    if (size >= 16) {
        henb_fuzz_check (inet_ntop (AF_INET6, data, text, sizeof text) != NULL, "inet_ntop");
        henb_fuzz_check (henb_value_check_host (text, NULL), "an IPv6 address refused");
        url = g_strdup_printf ("https://[%s]/cwmp", text);
        henb_fuzz_check (henb_value_check_url (url, NULL, NULL), "a URL with an IPv6 address refused");
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    /* a parameter value is a string: up to the first NUL */
    g_autofree gchar *value = g_strndup ((const gchar *) data, size);
    g_autofree gchar *escaped = henb_value_escape (value, 64);

    for (const gchar *p = escaped; *p != '\0'; p++)
        henb_fuzz_check ((guchar) *p >= 0x20 && (guchar) *p < 0x7f, "escape left a control or non-ASCII byte");
    henb_fuzz_check (strlen (escaped) <= 64 * 4 + 3, "escape went past its bound");
    check_host (value);
    check_url (value);
    check_addresses (data, size);
    return 0;
}
