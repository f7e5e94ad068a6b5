/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "henb-errors.h"
#include "henb-gnutls-verify.h"

/* The throwaway PKI of tests/tools/make-pki, made once for the whole program. */
static gchar *pki_dir;
static gchar *pki_skip_reason;

static gboolean
have_pki (void)
{
    if (pki_dir == NULL) {
        g_test_skip (pki_skip_reason);
        return FALSE;
    }
    return TRUE;
}

static gchar *
pki_file (const gchar *name)
{
    return g_strconcat (pki_dir, G_DIR_SEPARATOR_S, name, NULL);
}

static void
make_pki (void)
{
    g_autoptr(GError) error = NULL;
    g_autofree gchar *script = NULL;
    g_autofree gchar *out = NULL;
    g_autofree gchar *err = NULL;
    g_autofree gchar *dir = NULL;
    g_autofree gchar *certtool = g_find_program_in_path ("certtool");
    gint status = 0;

    if (certtool == NULL) {
        pki_skip_reason = g_strdup ("certtool (gnutls-bin) is not installed");
        return;
    }
    if (g_getenv ("HENB_MAKE_PKI") != NULL)
        script = g_strdup (g_getenv ("HENB_MAKE_PKI"));
    else
        script = g_test_build_filename (G_TEST_DIST, "..", "..", "..", "tests", "tools", "make-pki",
                                        NULL);
    if (!g_file_test (script, G_FILE_TEST_IS_EXECUTABLE)) {
        pki_skip_reason = g_strdup_printf ("no make-pki at %s (set HENB_MAKE_PKI)", script);
        return;
    }

    dir = g_dir_make_tmp ("henb-test-gnutls-XXXXXX", &error);
    g_assert_no_error (error);
    {
        const gchar *argv[] = { script, dir, "127.0.0.1", "::1", NULL };

        g_spawn_sync (NULL, (gchar **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                      &error);
    }
    g_assert_no_error (error);
    if (!g_spawn_check_wait_status (status, &error))
        g_error ("%s failed: %s\n%s%s", script, error->message, out, err);
    pki_dir = g_steal_pointer (&dir);
}

static void
remove_pki (void)
{
    g_autoptr(GDir) dir = NULL;
    const gchar *name;

    if (pki_dir == NULL)
        return;
    dir = g_dir_open (pki_dir, 0, NULL);
    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
        g_autofree gchar *path = pki_file (name);
        g_unlink (path);
    }
    g_rmdir (pki_dir);
    g_clear_pointer (&pki_dir, g_free);
}

/* The DER of the PEM certificate @name.pem. */
static GBytes *
load_der (const gchar *name)
{
    g_autofree gchar *file = g_strconcat (name, ".pem", NULL);
    g_autofree gchar *path = pki_file (file);
    g_autofree gchar *pem = NULL;
    g_autoptr(GError) error = NULL;
    gnutls_x509_crt_t crt = NULL;
    gnutls_datum_t in, out = { NULL, 0 };
    gsize len;
    GBytes *der;

    g_assert_true (g_file_get_contents (path, &pem, &len, &error));
    g_assert_no_error (error);
    in.data = (unsigned char *) pem;
    in.size = (unsigned int) len;
    g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
    g_assert_cmpint (gnutls_x509_crt_import (crt, &in, GNUTLS_X509_FMT_PEM), ==, 0);
    g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &out), ==, 0);
    der = g_bytes_new (out.data, out.size);
    gnutls_free (out.data);
    gnutls_x509_crt_deinit (crt);
    return der;
}

/* A chain as the TLS layer hands it over: DER, leaf first. NULL-terminated names. */
static GPtrArray *
chain_of (const gchar *first, ...)
{
    GPtrArray *chain = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
    const gchar *name = first;
    va_list ap;

    va_start (ap, first);
    while (name != NULL) {
        g_ptr_array_add (chain, load_der (name));
        name = va_arg (ap, const gchar *);
    }
    va_end (ap);
    return chain;
}

static HenbGnutlsTrust *
operator_trust (void)
{
    g_autoptr(GError) error = NULL;
    g_autofree gchar *ca = pki_file ("ca.pem");
    HenbGnutlsTrust *trust = henb_gnutls_trust_new (ca, &error);

    g_assert_no_error (error);
    g_assert_nonnull (trust);
    return trust;
}

static gint64
utc (gint year, gint month, gint day)
{
    g_autoptr(GDateTime) dt = g_date_time_new_utc (year, month, day, 0, 0, 0);

    return g_date_time_to_unix (dt);
}

static void
assert_verifies (const gchar *cert, const gchar *host, gint64 now)
{
    g_autoptr(HenbGnutlsTrust) trust = operator_trust ();
    g_autoptr(GPtrArray) chain = chain_of (cert, NULL);
    g_autoptr(GError) error = NULL;
    gboolean ok;

    g_test_message ("%s as %s", cert, host != NULL ? host : "(no identity)");
    ok = henb_gnutls_verify_server (trust, chain, host, now, &error);
    g_assert_no_error (error);
    g_assert_true (ok);
}

/* Verifies and asserts the error @code, with a message holding every string of @needles. */
static void
assert_refused (const gchar        *cert,
                const gchar        *host,
                gint64              now,
                gint                code,
                const gchar *const *needles)
{
    g_autoptr(HenbGnutlsTrust) trust = operator_trust ();
    g_autoptr(GPtrArray) chain = chain_of (cert, NULL);
    g_autoptr(GError) error = NULL;

    g_assert_false (henb_gnutls_verify_server (trust, chain, host, now, &error));
    g_assert_error (error, HENB_SECURITY_ERROR, code);
    g_test_message ("%s as %s: %s", cert, host, error->message);
    for (guint i = 0; needles != NULL && needles[i] != NULL; i++) {
        if (strstr (error->message, needles[i]) == NULL)
            g_error ("'%s' not in '%s'", needles[i], error->message);
    }
}

#define ASSERT_REFUSED(cert, host, now, code, ...) \
    assert_refused ((cert), (host), (now), (code), (const gchar *const[]) { __VA_ARGS__, NULL })

/* ------------------------------------------------------------------------------------------ */

static void
test_dns_identity (void)
{
    if (!have_pki ())
        return;
    assert_verifies ("hems-dns", "hems.henb.test", 0);
    assert_verifies ("hems-dns", "serving.henb.test", 0);
    /* DNS names compare case-insensitively, a trailing dot is the same name */
    assert_verifies ("hems-dns", "HEMS.henb.test.", 0);
    assert_verifies ("hems-dns", "Serving.HENB.Test", 0);
    /* without an identity only the chain is checked */
    assert_verifies ("hems-dns", NULL, 0);
}

static void
test_dns_mismatch (void)
{
    if (!have_pki ())
        return;
    ASSERT_REFUSED ("hems-dns", "other.henb.test", 0, HENB_SECURITY_ERROR_IDENTITY_MISMATCH,
                    "other.henb.test", "configured as an FQDN",
                    "hems.henb.test, serving.henb.test");
    /* exact names only: no suffix, no parent domain */
    ASSERT_REFUSED ("hems-dns", "ems.henb.test", 0, HENB_SECURITY_ERROR_IDENTITY_MISMATCH,
                    "configured as an FQDN");
    ASSERT_REFUSED ("hems-dns", "henb.test", 0, HENB_SECURITY_ERROR_IDENTITY_MISMATCH,
                    "configured as an FQDN");
    ASSERT_REFUSED ("hems-dns", "hems.henb.test.evil", 0, HENB_SECURITY_ERROR_IDENTITY_MISMATCH,
                    "configured as an FQDN");
}

/* A certificate for names does not vouch for an address, whatever the address resolves to. */
static void
test_dns_cert_ip_host (void)
{
    if (!have_pki ())
        return;
    ASSERT_REFUSED ("hems-dns", "127.0.0.1", 0, HENB_SECURITY_ERROR_IDENTITY_MISMATCH,
                    "127.0.0.1", "configured as an IP address",
                    "only DNS names (hems.henb.test, serving.henb.test)");
    ASSERT_REFUSED ("hems-dns", "::1", 0, HENB_SECURITY_ERROR_IDENTITY_MISMATCH,
                    "configured as an IP address", "only DNS names");
}

static void
test_ip_identity (void)
{
    if (!have_pki ())
        return;
    assert_verifies ("hems-ip", "127.0.0.1", 0);
    assert_verifies ("hems-ip", "::1", 0);
    /* addresses compare as addresses, not as strings */
    assert_verifies ("hems-ip", "0:0:0:0:0:0:0:1", 0);
}

static void
test_ip_mismatch (void)
{
    if (!have_pki ())
        return;
    ASSERT_REFUSED ("hems-ip", "127.0.0.2", 0, HENB_SECURITY_ERROR_IDENTITY_MISMATCH,
                    "127.0.0.2", "configured as an IP address", "127.0.0.1, ::1");
    ASSERT_REFUSED ("hems-ip", "::2", 0, HENB_SECURITY_ERROR_IDENTITY_MISMATCH,
                    "configured as an IP address");
    /* the CN holds 127.0.0.1, but there is no CN fallback for names either */
    ASSERT_REFUSED ("hems-ip", "hems.henb.test", 0, HENB_SECURITY_ERROR_IDENTITY_MISMATCH,
                    "hems.henb.test", "configured as an FQDN",
                    "only IP addresses (127.0.0.1, ::1)");
}

static void
test_unknown_ca (void)
{
    g_autoptr(HenbGnutlsTrust) trust = NULL;
    g_autoptr(GPtrArray) chain = NULL;
    g_autoptr(GError) error = NULL;

    if (!have_pki ())
        return;
    ASSERT_REFUSED ("hems-rogue", "hems.henb.test", 0, HENB_SECURITY_ERROR_UNKNOWN_CA,
                    "not issued by the operator root CA", "Rogue CA");

    /* a peer sending its own root along does not make it trusted */
    trust = operator_trust ();
    chain = chain_of ("hems-rogue", "rogue-ca", NULL);
    g_assert_false (henb_gnutls_verify_server (trust, chain, "hems.henb.test", 0, &error));
    g_assert_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_UNKNOWN_CA);
}

static void
test_chain_with_root (void)
{
    g_autoptr(HenbGnutlsTrust) trust = NULL;
    g_autoptr(GPtrArray) chain = NULL;
    g_autoptr(GError) error = NULL;
    gboolean ok;

    if (!have_pki ())
        return;
    /* servers often send the root as well: that is fine when it is the operator's */
    trust = operator_trust ();
    chain = chain_of ("hems-dns", "ca", NULL);
    ok = henb_gnutls_verify_server (trust, chain, "hems.henb.test", 0, &error);
    g_assert_no_error (error);
    g_assert_true (ok);
}

static void
test_validity (void)
{
    if (!have_pki ())
        return;
    /* valid 2020-01-01 .. 2021-01-01 */
    ASSERT_REFUSED ("hems-expired", "hems.henb.test", 0, HENB_SECURITY_ERROR_EXPIRED,
                    "expired", "2021-01-01");
    assert_verifies ("hems-expired", "hems.henb.test", utc (2020, 6, 1));
    ASSERT_REFUSED ("hems-expired", "hems.henb.test", utc (2022, 6, 1), HENB_SECURITY_ERROR_EXPIRED,
                    "2021-01-01");
    ASSERT_REFUSED ("hems-expired", "hems.henb.test", utc (2019, 6, 1),
                    HENB_SECURITY_ERROR_NOT_ACTIVATED, "2020-01-01");
    /* the pinned clock applies to every certificate, not only to expired ones */
    ASSERT_REFUSED ("hems-dns", "hems.henb.test", utc (2020, 6, 1),
                    HENB_SECURITY_ERROR_NOT_ACTIVATED, "not valid yet");
    /* the identity is still checked after the date check passed */
    ASSERT_REFUSED ("hems-expired", "other.henb.test", utc (2020, 6, 1),
                    HENB_SECURITY_ERROR_IDENTITY_MISMATCH, "configured as an FQDN");
}

static void
test_key_usage (void)
{
    if (!have_pki ())
        return;
    /* no extended key usage at all: GnuTLS would accept it for anything, henbd does not */
    ASSERT_REFUSED ("hems-noeku", "hems.henb.test", 0, HENB_SECURITY_ERROR_BAD_CERTIFICATE,
                    "serverAuth");
    /* a client certificate is no server certificate */
    ASSERT_REFUSED ("device", "0011223344556677.henb.test", 0, HENB_SECURITY_ERROR_BAD_CERTIFICATE,
                    "not acceptable");
}

static void
test_trust_errors (void)
{
    g_autoptr(GError) error = NULL;
    g_autofree gchar *missing = NULL;
    g_autofree gchar *key = NULL;
    g_autofree gchar *text = NULL;
    HenbGnutlsTrust *trust;

    if (!have_pki ())
        return;
    missing = pki_file ("no-such-ca.pem");
    trust = henb_gnutls_trust_new (missing, &error);
    g_assert_null (trust);
    g_assert_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_CREDENTIALS);
    g_assert_nonnull (strstr (error->message, missing));
    g_clear_error (&error);

    /* a PEM file, but a key, not a certificate */
    key = pki_file ("ca.key");
    trust = henb_gnutls_trust_new (key, &error);
    g_assert_null (trust);
    g_assert_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_CREDENTIALS);
    g_clear_error (&error);

    text = pki_file ("not-a-cert.txt");
    g_assert_true (g_file_set_contents (text, "hello\n", -1, &error));
    g_assert_no_error (error);
    trust = henb_gnutls_trust_new (text, &error);
    g_assert_null (trust);
    g_assert_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_CREDENTIALS);
    g_assert_nonnull (strstr (error->message, text));
    g_unlink (text);
}

static void
test_bad_chain (void)
{
    g_autoptr(HenbGnutlsTrust) trust = NULL;
    g_autoptr(GPtrArray) empty = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
    g_autoptr(GPtrArray) garbage = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
    g_autoptr(GBytes) junk = g_bytes_new_static ("\x30\x03not DER", 10);
    g_autoptr(GError) error = NULL;

    if (!have_pki ())
        return;
    trust = operator_trust ();
    g_assert_false (henb_gnutls_verify_server (trust, empty, "hems.henb.test", 0, &error));
    g_assert_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_BAD_CERTIFICATE);
    g_clear_error (&error);

    g_ptr_array_add (garbage, g_bytes_ref (junk));
    g_assert_false (henb_gnutls_verify_server (trust, garbage, "hems.henb.test", 0, &error));
    g_assert_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_BAD_CERTIFICATE);
    g_clear_error (&error);

    /* a good leaf followed by junk is not a chain either */
    g_ptr_array_remove_index (garbage, 0);
    g_ptr_array_add (garbage, load_der ("hems-dns"));
    g_ptr_array_add (garbage, g_bytes_ref (junk));
    g_assert_false (henb_gnutls_verify_server (trust, garbage, "hems.henb.test", 0, &error));
    g_assert_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_BAD_CERTIFICATE);
}

static void
test_match_identity (void)
{
    g_autoptr(GBytes) dns = NULL;
    g_autoptr(GBytes) ip = NULL;
    g_autoptr(GBytes) junk = g_bytes_new_static ("junk", 4);
    g_autoptr(GError) error = NULL;

    if (!have_pki ())
        return;
    dns = load_der ("hems-dns");
    ip = load_der ("hems-ip");
    g_assert_true (henb_gnutls_match_identity (dns, "serving.henb.test", &error));
    g_assert_no_error (error);
    g_assert_true (henb_gnutls_match_identity (ip, "::1", &error));
    g_assert_no_error (error);
    /* the identity check alone: the expired certificate still names its host */
    {
        g_autoptr(GBytes) expired = load_der ("hems-expired");
        g_assert_true (henb_gnutls_match_identity (expired, "hems.henb.test", &error));
        g_assert_no_error (error);
    }
    g_assert_false (henb_gnutls_match_identity (ip, "serving.henb.test", &error));
    g_assert_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_IDENTITY_MISMATCH);
    g_clear_error (&error);
    g_assert_false (henb_gnutls_match_identity (junk, "hems.henb.test", &error));
    g_assert_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_BAD_CERTIFICATE);
}

/* A chain verified once is remembered (by the host and the exact certificates): nothing else
 * rides on it, not another chain for the same host, nor the same chain for another host. */
static void
test_remembered_chains (void)
{
    g_autoptr(HenbGnutlsTrust) trust = NULL;
    g_autoptr(GPtrArray) good = NULL;
    g_autoptr(GPtrArray) rogue = NULL;
    g_autoptr(GPtrArray) with_root = NULL;
    g_autoptr(GPtrArray) garbage = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
    g_autoptr(GError) error = NULL;

    if (!have_pki ())
        return;
    trust = operator_trust ();
    good = chain_of ("hems-dns", NULL);
    rogue = chain_of ("hems-rogue", "rogue-ca", NULL);
    with_root = chain_of ("hems-dns", "ca", NULL);
    for (guint i = 0; i < 3; i++) {
        g_assert_true (henb_gnutls_verify_server (trust, good, "hems.henb.test", 0, &error));
        g_assert_no_error (error);
    }
    g_assert_false (henb_gnutls_verify_server (trust, rogue, "hems.henb.test", 0, &error));
    g_assert_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_UNKNOWN_CA);
    g_clear_error (&error);
    g_assert_false (henb_gnutls_verify_server (trust, good, "other.henb.test", 0, &error));
    g_assert_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_IDENTITY_MISMATCH);
    g_clear_error (&error);
    g_assert_false (henb_gnutls_verify_server (trust, good, "127.0.0.1", 0, &error));
    g_assert_error (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_IDENTITY_MISMATCH);
    g_clear_error (&error);
    g_assert_true (henb_gnutls_verify_server (trust, with_root, "hems.henb.test", 0, &error));
    g_assert_no_error (error);
    /* the leaf's bytes with one more byte are another chain, and not a certificate */
    {
        gsize len;
        const guint8 *der = g_bytes_get_data (good->pdata[0], &len);
        g_autofree guint8 *longer = g_malloc (len + 1);

        memcpy (longer, der, len);
        longer[len] = 0;
        g_ptr_array_add (garbage, g_bytes_new (longer, len + 1));
    }
    g_assert_false (henb_gnutls_verify_server (trust, garbage, "hems.henb.test", 0, &error));
    g_assert_nonnull (error);
    /* no identity to check is not an empty identity */
    g_clear_error (&error);
    g_assert_true (henb_gnutls_verify_server (trust, good, NULL, 0, &error));
    g_assert_no_error (error);
    g_assert_false (henb_gnutls_verify_server (trust, good, "", 0, &error));
    g_assert_nonnull (error);
    /* and still the first one */
    g_clear_error (&error);
    g_assert_true (henb_gnutls_verify_server (trust, good, "hems.henb.test", 0, &error));
    g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
    int ret;

    g_test_init (&argc, &argv, NULL);
    make_pki ();

    g_test_add_func ("/gnutls-verify/dns/identity", test_dns_identity);
    g_test_add_func ("/gnutls-verify/dns/mismatch", test_dns_mismatch);
    g_test_add_func ("/gnutls-verify/dns/ip-host", test_dns_cert_ip_host);
    g_test_add_func ("/gnutls-verify/ip/identity", test_ip_identity);
    g_test_add_func ("/gnutls-verify/ip/mismatch", test_ip_mismatch);
    g_test_add_func ("/gnutls-verify/chain/unknown-ca", test_unknown_ca);
    g_test_add_func ("/gnutls-verify/chain/with-root", test_chain_with_root);
    g_test_add_func ("/gnutls-verify/chain/bad", test_bad_chain);
    g_test_add_func ("/gnutls-verify/validity", test_validity);
    g_test_add_func ("/gnutls-verify/key-usage", test_key_usage);
    g_test_add_func ("/gnutls-verify/trust-errors", test_trust_errors);
    g_test_add_func ("/gnutls-verify/match-identity", test_match_identity);
    g_test_add_func ("/gnutls-verify/remembered-chains", test_remembered_chains);
    ret = g_test_run ();
    remove_pki ();
    g_free (pki_skip_reason);
    return ret;
}
