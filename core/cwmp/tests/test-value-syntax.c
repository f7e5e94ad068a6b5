/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The URL and host validators, as a hostile HeMS would probe them. */
#include "config.h"

#include <string.h>

#include "henb-errors.h"
#include "henb-value-syntax.h"

typedef struct {
    const gchar *value;
    gboolean     ok;
    const gchar *why; /* part of the refusal */
} Case;

static void
check_no_raw_controls (const gchar *message)
{
    for (const gchar *p = message; *p != '\0'; p++)
        g_assert_true ((guchar) *p >= 0x20 && (guchar) *p != 0x7f);
}

static void
test_hosts (void)
{
    g_autofree gchar *label63 = g_strnfill (63, 'a');
    g_autofree gchar *label64 = g_strnfill (64, 'a');
    g_autofree gchar *name63 = g_strconcat (label63, ".example", NULL);
    g_autofree gchar *name64 = g_strconcat (label64, ".example", NULL);
    /* 4 labels of 63 and the dots: 255 characters; 3 of 63 and one of 61: 253 */
    g_autofree gchar *long253 = g_strdup_printf ("%s.%s.%s.%.61s", label63, label63, label63, label63);
    g_autofree gchar *long255 = g_strdup_printf ("%s.%s.%s.%s", label63, label63, label63, label63);
    const Case cases[] = {
        { "192.0.2.1", TRUE },
        { "0.0.0.0", TRUE },
        { "255.255.255.255", TRUE },
        { "segw.example", TRUE },
        { "SeGW-1.Example.COM", TRUE },
        { "localhost", TRUE },
        { "1.2.3.a", TRUE },
        { "3com.example", TRUE },
        { "2001:db8::1", TRUE },
        { "::1", TRUE },
        { "::ffff:192.0.2.1", TRUE },
        { name63, TRUE },
        { long253, TRUE },
        { "999.999.999.999", FALSE, "dotted-quad" },
        { "256.1.1.1", FALSE, "dotted-quad" },
        { "1.2.3", FALSE, "dotted-quad" },
        { "1.2.3.4.5", FALSE, "dotted-quad" },
        { "01.2.3.4", FALSE, "dotted-quad" },
        { "1234", FALSE, "dotted-quad" },
        { "a..b", FALSE, "empty label" },
        { ".a.b", FALSE, "empty label" },
        { "a.b.", FALSE, "empty label" },
        { "-a.b", FALSE, "'-'" },
        { "a-.b", FALSE, "'-'" },
        { name64, FALSE, "longer than 63" },
        { long255, FALSE, "longer than 253" },
        { "bad_host", FALSE, "neither" },
        { "a b", FALSE, "neither" },
        { "segw.example\r\nInjected: 1", FALSE, "neither" },
        { "fe80::1%eth0", FALSE, "zone" },
        { "2001:db8::1::2", FALSE, "not an IPv6" },
        { "[2001:db8::1]", FALSE, "neither" },
        { "2001:db8::1:", FALSE, "not an IPv6" },
        { "192.0.2.1:80", FALSE, "not an IPv6" },
        { "h\xc3\xa9.example", FALSE, "neither" },
        { "", FALSE, "no host" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        g_autoptr(GError) error = NULL;
        gboolean ok = henb_value_check_host (cases[i].value, &error);

        if (ok != cases[i].ok)
            g_error ("host '%s': expected %s, got %s (%s)", cases[i].value, cases[i].ok ? "accepted" : "refused",
                     ok ? "accepted" : "refused", error != NULL ? error->message : "");
        if (!ok) {
            g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS);
            g_assert_nonnull (strstr (error->message, cases[i].why));
            check_no_raw_controls (error->message);
        }
    }
}

static void
test_urls (void)
{
    g_autofree gchar *long_path = g_strnfill (HENB_URL_MAX_LENGTH - strlen ("https://h.example/"), 'p');
    g_autofree gchar *at_limit = g_strconcat ("https://h.example/", long_path, NULL);
    g_autofree gchar *over_limit = g_strconcat (at_limit, "p", NULL);
    const Case cases[] = {
        { "https://hems.example/cwmp", TRUE },
        { "http://hems.example:7547/", TRUE },
        { "HTTPS://HEMS.example", TRUE },
        { "https://192.0.2.1:7548/cwmp?x=1&y=%2F#frag", TRUE },
        { "https://[2001:db8::1]:7548/cwmp", TRUE },
        { "https://[::1]/", TRUE },
        { "https://h.example:65535/", TRUE },
        { "https://h.example/a:b@c;d=e,f!$'()*+~", TRUE },
        { at_limit, TRUE },
        { "http://h/x\r\nInjected: 1", FALSE, "control character" },
        { "http://h/x\nInjected: 1", FALSE, "control character" },
        { "https://h.example/\t", FALSE, "control character" },
        { "https://h.example/\x7f", FALSE, "control character" },
        { "https://h.example/a b", FALSE, "space" },
        { " https://h.example/", FALSE, "space" },
        { "https://user@h/", FALSE, "user information" },
        { "https://user:pw@h.example/", FALSE, "user information" },
        { "https://@h.example/", FALSE, "user information" },
        { "ftp://h/", FALSE, "http or https" },
        { "file:///etc/passwd", FALSE, "http or https" },
        { "javascript://h/", FALSE, "http or https" },
        { "https:/h.example/", FALSE, "absolute" },
        { "//h.example/", FALSE, "absolute" },
        { "h.example", FALSE, "absolute" },
        { "https://h:99999/", FALSE, "port" },
        { "https://h:0/", FALSE, "port" },
        { "https://h:/", FALSE, "port" },
        { "https://h:80a/", FALSE, "port" },
        { "https://h:0000080/", FALSE, "port" },
        { "https://", FALSE, "host" },
        { "https:///cwmp", FALSE, "host" },
        { "https://999.999.999.999/", FALSE, "dotted-quad" },
        { "https://a..b/", FALSE, "empty label" },
        { "https://bad_host/", FALSE, "neither" },
        { "https://h%2eexample/", FALSE, "neither" },
        { "https://[fe80::1%25eth0]/", FALSE, "IPv6" },
        { "https://[2001:db8::1/", FALSE, "closing" },
        { "https://[h.example]/", FALSE, "IPv6" },
        { "https://[::1]x/", FALSE, "after the IPv6" },
        { "https://2001:db8::1/", FALSE, "host" },
        { "https://h.example/[x]", FALSE, "bracket" },
        { "https://h.example/#a#b", FALSE, "more than one" },
        { "https://h.example/%zz", FALSE, "hex digits" },
        { "https://h.example/<script>", FALSE, "RFC 3986" },
        { "https://h.example/\"", FALSE, "RFC 3986" },
        { "https://h\xc3\xa9.example/", FALSE, "non-ASCII" },
        { over_limit, FALSE, "at most 2048" },
        { "", FALSE, "no URL" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        g_autoptr(GError) error = NULL;
        g_autofree gchar *host = NULL;
        gboolean ok = henb_value_check_url (cases[i].value, &host, &error);

        if (ok != cases[i].ok)
            g_error ("URL '%s': expected %s, got %s (%s)", cases[i].value, cases[i].ok ? "accepted" : "refused",
                     ok ? "accepted" : "refused", error != NULL ? error->message : "");
        if (ok) {
            g_autoptr(GUri) uri = g_uri_parse (cases[i].value, G_URI_FLAGS_NONE, NULL);

            g_assert_nonnull (uri);
            g_assert_cmpstr (g_uri_get_host (uri), ==, host);
            g_assert_true (henb_value_check_host (host, NULL));
        } else {
            g_assert_null (host);
            g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS);
            if (strstr (error->message, cases[i].why) == NULL)
                g_error ("URL '%s': refused, but not for '%s': %s", cases[i].value, cases[i].why, error->message);
            check_no_raw_controls (error->message);
        }
    }
}

/* One decision for every variant: SPV, the procedure and the factory check call it. */
static void
test_hems_url_policy (void)
{
    g_autoptr(GError) error = NULL;

    g_assert_true (henb_value_hems_requires_tls (HENB_DISCOVERY_VARIANT_PUBLIC_INTERNET, FALSE));
    g_assert_false (henb_value_hems_requires_tls (HENB_DISCOVERY_VARIANT_PUBLIC_INTERNET, TRUE));
    g_assert_false (henb_value_hems_requires_tls (HENB_DISCOVERY_VARIANT_PRIVATE_DOMAIN, FALSE));

    g_assert_true (henb_value_check_hems_url ("https://h.example/", HENB_DISCOVERY_VARIANT_PUBLIC_INTERNET,
                                              FALSE, NULL));
    g_assert_false (henb_value_check_hems_url ("http://h.example/", HENB_DISCOVERY_VARIANT_PUBLIC_INTERNET,
                                               FALSE, &error));
    g_assert_error (error, HENB_PROCEDURE_ERROR, HENB_PROCEDURE_ERROR_INSECURE_URL);
    g_assert_nonnull (strstr (error->message, "TLS"));
    g_clear_error (&error);
    g_assert_false (henb_value_check_hems_url ("HTTP://h.example/", HENB_DISCOVERY_VARIANT_PUBLIC_INTERNET,
                                               FALSE, &error));
    g_assert_error (error, HENB_PROCEDURE_ERROR, HENB_PROCEDURE_ERROR_INSECURE_URL);
    g_clear_error (&error);
    g_assert_true (henb_value_check_hems_url ("http://h.example/", HENB_DISCOVERY_VARIANT_PUBLIC_INTERNET,
                                              TRUE, NULL));
    g_assert_true (henb_value_check_hems_url ("http://h.example/", HENB_DISCOVERY_VARIANT_PRIVATE_DOMAIN,
                                              FALSE, NULL));
    /* syntax first: an invalid URL is invalid whatever the variant */
    g_assert_false (henb_value_check_hems_url ("http://h/x\r\n", HENB_DISCOVERY_VARIANT_PRIVATE_DOMAIN,
                                               FALSE, &error));
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS);
}

static void
test_escape (void)
{
    g_autofree gchar *a = henb_value_escape ("a\r\nb\t\x01\\'\x7f\xc3\xa9", 100);
    g_autofree gchar *b = henb_value_escape ("abcdef", 3);
    g_autofree gchar *c = henb_value_escape (NULL, 3);

    g_assert_cmpstr (a, ==, "a\\r\\nb\\t\\x01\\\\\\'\\x7f\\xc3\\xa9");
    g_assert_cmpstr (b, ==, "abc...");
    g_assert_cmpstr (c, ==, "");
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/cwmp/value-syntax/hosts", test_hosts);
    g_test_add_func ("/cwmp/value-syntax/urls", test_urls);
    g_test_add_func ("/cwmp/value-syntax/hems-url-policy", test_hems_url_policy);
    g_test_add_func ("/cwmp/value-syntax/escape", test_escape);
    return g_test_run ();
}
