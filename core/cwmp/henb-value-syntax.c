/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "henb-errors.h"
#include "henb-value-syntax.h"

/* How much of a refused value a message shows. */
#define SHOWN_MAX 96

gchar *
henb_value_escape (const gchar *value, gsize max)
{
    GString *out = g_string_new (NULL);
    gsize len = value != NULL ? strlen (value) : 0;

    for (gsize i = 0; i < len && i < max; i++) {
        guchar c = (guchar) value[i];

        switch (c) {
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\'': g_string_append (out, "\\'"); break;
        default:
            if (c < 0x20 || c >= 0x7f)
                g_string_append_printf (out, "\\x%02x", c);
            else
                g_string_append_c (out, (gchar) c);
        }
    }
    if (len > max)
        g_string_append (out, "...");
    return g_string_free (out, FALSE);
}

static void
refuse (GError **error, const gchar *value, const gchar *why)
{
    g_autofree gchar *shown = henb_value_escape (value, SHOWN_MAX);

    g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS, "'%s' %s", shown, why);
}

/* ------------------------------------------------------------------------------------------ */
/* Hosts */

/* Four decimal octets of 1 to 3 digits, each ≤ 255, without leading zeros (RFC 3986
 * dec-octet: "01" would be octal to inet_aton). */
static gboolean
is_dotted_quad (const gchar *s)
{
    guint parts = 0;

    for (const gchar *p = s;; p++) {
        const gchar *start = p;
        guint value = 0;

        while (g_ascii_isdigit (*p) && p - start < 3)
            value = value * 10 + (guint) (*p++ - '0');
        if (p == start || g_ascii_isdigit (*p) || value > 255 || (p - start > 1 && *start == '0'))
            return FALSE;
        parts++;
        if (*p == '\0')
            return parts == 4;
        if (*p != '.' || parts == 4)
            return FALSE;
    }
}

static gboolean
is_ipv6 (const gchar *s)
{
    struct in6_addr addr;

    /* inet_pton knows no zone ("%eth0"): a zone means nothing off this link anyway */
    return strchr (s, ':') != NULL && strlen (s) < INET6_ADDRSTRLEN &&
           inet_pton (AF_INET6, s, &addr) == 1;
}

/* RFC 1123 2.1: LDH labels; the caller has refused what looks like an address. */
static gboolean
check_host_name (const gchar *host, GError **error)
{
    gsize len = strlen (host);
    gboolean all_numeric = TRUE;
    const gchar *label = host;

    if (len > HENB_HOST_MAX_LENGTH) {
        refuse (error, host, "is longer than 253 characters");
        return FALSE;
    }
    while (label != NULL) {
        const gchar *dot = strchr (label, '.');
        gsize label_len = dot != NULL ? (gsize) (dot - label) : strlen (label);
        gboolean numeric = TRUE;

        if (label_len == 0) {
            refuse (error, host, "has an empty label");
            return FALSE;
        }
        if (label_len > 63) {
            refuse (error, host, "has a label longer than 63 characters");
            return FALSE;
        }
        if (label[0] == '-' || label[label_len - 1] == '-') {
            refuse (error, host, "has a label that begins or ends with '-'");
            return FALSE;
        }
        for (gsize i = 0; i < label_len; i++) {
            if (!g_ascii_isalnum (label[i]) && label[i] != '-') {
                refuse (error, host, "is neither an IP address nor a host name (letters, digits, '-' and '.' only)");
                return FALSE;
            }
            numeric = numeric && g_ascii_isdigit (label[i]);
        }
        all_numeric = all_numeric && numeric;
        label = dot != NULL ? dot + 1 : NULL;
    }
    if (all_numeric) {
        refuse (error, host, "is not a dotted-quad IPv4 address (four numbers 0-255), nor a host name");
        return FALSE;
    }
    return TRUE;
}

gboolean
henb_value_check_host (const gchar *host, GError **error)
{
    if (host == NULL || host[0] == '\0') {
        refuse (error, "", "is no host");
        return FALSE;
    }
    if (is_dotted_quad (host) || is_ipv6 (host))
        return TRUE;
    /* what is written like an IPv6 address gets told why it is not one */
    if (strchr (host, ':') != NULL && strspn (host, "0123456789abcdefABCDEF:.") >= strcspn (host, "%")) {
        refuse (error, host, host[strcspn (host, "%")] == '%' ? "is an IPv6 address with a zone, which is refused"
                                                               : "is not an IPv6 address");
        return FALSE;
    }
    return check_host_name (host, error);
}

/* ------------------------------------------------------------------------------------------ */
/* URLs */

/* RFC 3986 2.2, 2.3: the characters a URL may hold outside percent-encoding. */
static gboolean
is_url_char (guchar c)
{
    return g_ascii_isalnum (c) || (c != '\0' && strchr ("-._~:/?#[]@!$&'()*+,;=", c) != NULL);
}

/* The characters of path, query and fragment: pchar, "/" and "?" (no brackets); the
 * percent-encodings are checked already. */
static gboolean
is_tail_char (guchar c)
{
    return c == '%' || (is_url_char (c) && c != '[' && c != ']');
}

static gboolean
check_url_chars (const gchar *url, GError **error)
{
    for (gsize i = 0; url[i] != '\0'; i++) {
        guchar c = (guchar) url[i];
        g_autofree gchar *why = NULL;

        if (c == '%' && g_ascii_isxdigit (url[i + 1]) && g_ascii_isxdigit (url[i + 2])) {
            i += 2;
            continue;
        }
        if (is_url_char (c))
            continue;
        if (c < 0x20 || c == 0x7f)
            why = g_strdup_printf ("holds a control character (byte %" G_GSIZE_FORMAT ")", i);
        else if (c == ' ')
            why = g_strdup_printf ("holds a space (byte %" G_GSIZE_FORMAT ")", i);
        else if (c == '%')
            why = g_strdup_printf ("has a '%%' without two hex digits (byte %" G_GSIZE_FORMAT ")", i);
        else if (c >= 0x80)
            why = g_strdup_printf ("holds a non-ASCII character (byte %" G_GSIZE_FORMAT "): percent-encode it", i);
        else
            why = g_strdup_printf ("holds '%c', which RFC 3986 does not allow (byte %" G_GSIZE_FORMAT ")", c, i);
        refuse (error, url, why);
        return FALSE;
    }
    return TRUE;
}

static gboolean
check_port (const gchar *url, const gchar *port, gsize len, GError **error)
{
    guint64 value = 0;

    for (gsize i = 0; i < len; i++) {
        if (!g_ascii_isdigit (port[i]) || i >= 5) {
            refuse (error, url, "has an invalid port");
            return FALSE;
        }
        value = value * 10 + (guint64) (port[i] - '0');
    }
    if (len == 0 || value == 0 || value > 65535) {
        refuse (error, url, "has a port outside 1-65535");
        return FALSE;
    }
    return TRUE;
}

gboolean
henb_value_check_url (const gchar *url, gchar **out_host, GError **error)
{
    g_autofree gchar *host = NULL;
    g_autoptr(GUri) uri = NULL;
    g_autoptr(GError) error_host = NULL;
    const gchar *scheme_end, *authority, *authority_end, *port = NULL, *tail;
    gsize len = url != NULL ? strlen (url) : 0;

    if (len == 0) {
        refuse (error, "", "is no URL");
        return FALSE;
    }
    if (len > HENB_URL_MAX_LENGTH) {
        g_autofree gchar *why = g_strdup_printf ("is %" G_GSIZE_FORMAT " bytes long, at most %u allowed", len,
                                                 HENB_URL_MAX_LENGTH);
        refuse (error, url, why);
        return FALSE;
    }
    if (!check_url_chars (url, error))
        return FALSE;

    scheme_end = strstr (url, "://");
    if (scheme_end == NULL || scheme_end == url) {
        refuse (error, url, "is not an absolute URL (scheme://host/...)");
        return FALSE;
    }
    if (!((scheme_end - url == 4 && g_ascii_strncasecmp (url, "http", 4) == 0) ||
          (scheme_end - url == 5 && g_ascii_strncasecmp (url, "https", 5) == 0))) {
        refuse (error, url, "is not an http or https URL");
        return FALSE;
    }

    authority = scheme_end + 3;
    authority_end = authority + strcspn (authority, "/?#");
    if (memchr (authority, '@', authority_end - authority) != NULL) {
        refuse (error, url, "carries user information (credentials) before the host");
        return FALSE;
    }
    if (authority[0] == '[') {
        const gchar *close = memchr (authority, ']', authority_end - authority);

        if (close == NULL) {
            refuse (error, url, "has an IPv6 address without its closing ']'");
            return FALSE;
        }
        host = g_strndup (authority + 1, close - authority - 1);
        if (!is_ipv6 (host)) {
            refuse (error, url, "has something other than an IPv6 address (without zone) in brackets");
            return FALSE;
        }
        if (close + 1 < authority_end && close[1] != ':') {
            refuse (error, url, "has characters after the IPv6 address");
            return FALSE;
        }
        if (close + 1 < authority_end)
            port = close + 2;
    } else {
        const gchar *colon = memchr (authority, ':', authority_end - authority);

        host = g_strndup (authority, (colon != NULL ? colon : authority_end) - authority);
        if (memchr (host, '[', strlen (host)) != NULL || memchr (host, ']', strlen (host)) != NULL) {
            refuse (error, url, "has a bracket outside an IPv6 address");
            return FALSE;
        }
        if (!henb_value_check_host (host, &error_host)) {
            g_autofree gchar *why = g_strdup_printf ("has no valid host: %s", error_host->message);
            refuse (error, url, why);
            return FALSE;
        }
        if (colon != NULL)
            port = colon + 1;
    }
    if (port != NULL && !check_port (url, port, authority_end - port, error))
        return FALSE;

    tail = authority_end;
    for (const gchar *p = tail; *p != '\0'; p++) {
        if (!is_tail_char ((guchar) *p)) {
            refuse (error, url, "has a bracket in its path, query or fragment");
            return FALSE;
        }
    }
    if (strchr (tail, '#') != NULL && strchr (strchr (tail, '#') + 1, '#') != NULL) {
        refuse (error, url, "has more than one '#'");
        return FALSE;
    }

    /* what connects is what GLib (and libsoup) read: they must agree with the above */
    uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
    if (uri == NULL || g_uri_get_host (uri) == NULL || g_ascii_strcasecmp (g_uri_get_host (uri), host) != 0 ||
        g_uri_get_userinfo (uri) != NULL) {
        refuse (error, url, "is read differently by GLib's URI parser");
        return FALSE;
    }
    if (out_host != NULL)
        *out_host = g_steal_pointer (&host);
    return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* HeMS URLs */

gboolean
henb_value_hems_requires_tls (HenbDiscoveryVariant variant, gboolean allow_plain_http)
{
    return variant == HENB_DISCOVERY_VARIANT_PUBLIC_INTERNET && !allow_plain_http;
}

gboolean
henb_value_check_hems_url (const gchar         *url,
                           HenbDiscoveryVariant variant,
                           gboolean             allow_plain_http,
                           GError             **error)
{
    if (!henb_value_check_url (url, NULL, error))
        return FALSE;
    if (henb_value_hems_requires_tls (variant, allow_plain_http) && g_ascii_strncasecmp (url, "https:", 6) != 0) {
        g_autofree gchar *shown = henb_value_escape (url, SHOWN_MAX);

        g_set_error (error, HENB_PROCEDURE_ERROR, HENB_PROCEDURE_ERROR_INSECURE_URL,
                     "'%s' is not https: on the public internet a HeMS is reached over TLS only", shown);
        return FALSE;
    }
    return TRUE;
}
