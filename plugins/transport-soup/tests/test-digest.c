/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "henb-digest.h"
#include "henb-errors.h"

#define USERNAME "acs"
#define PASSWORD "s3cret"
#define REALM    "henbd"
#define URI      "/Xq3-cr_path0123456789"
#define LIFETIME ((gint64) 60 * G_USEC_PER_SEC)
#define T0       ((gint64) 1000 * G_USEC_PER_SEC)

static const guint8 secret[HENB_DIGEST_SECRET_SIZE] = "0123456789abcdef0123456789abcde";
static const guint8 other_secret[HENB_DIGEST_SECRET_SIZE] = "another key of the same length";

/* RFC 2617 3.5 */
static const gchar rfc2617_header[] =
    "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", qop=auth, nc=00000001, "
    "cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", "
    "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

static HenbDigestAuthorization *
parse_ok (const gchar *header)
{
    g_autoptr(GError) error = NULL;
    HenbDigestAuthorization *auth = henb_digest_authorization_parse (header, strlen (header), &error);

    g_assert_no_error (error);
    g_assert_nonnull (auth);
    return auth;
}

/* Parsing fails with @needle in the message. */
static void
assert_parse_error_len (const gchar *header, gsize length, const gchar *needle)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbDigestAuthorization) auth = henb_digest_authorization_parse (header, length, &error);

    if (auth != NULL)
        g_error ("accepted: %s", header);
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS);
    if (strstr (error->message, needle) == NULL)
        g_error ("%s: error \"%s\" lacks \"%s\"", header, error->message, needle);
}

static void
assert_parse_error (const gchar *header, const gchar *needle)
{
    assert_parse_error_len (header, strlen (header), needle);
}

/* What an ACS sends for @nonce: a correct response for @password. */
static gchar *
authorization_for (const gchar *username, const gchar *realm, const gchar *password, const gchar *method,
                   const gchar *uri, const gchar *nonce, guint32 nc)
{
    g_autofree gchar *nc_text = g_strdup_printf ("%08x", nc);
    g_autofree gchar *response = henb_digest_compute_response (username, realm, password, method, uri, nonce,
                                                               nc_text, "c0ffee", "auth");

    return g_strdup_printf ("Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", qop=auth, "
                            "nc=%s, cnonce=\"c0ffee\", response=\"%s\", algorithm=MD5",
                            username, realm, nonce, uri, nc_text, response);
}

static HenbDigestResult
check (HenbDigestVerifier *verifier, const gchar *header, const gchar *method, const gchar *request_uri,
       gint64 now)
{
    g_autoptr(HenbDigestAuthorization) auth = parse_ok (header);

    return henb_digest_verifier_check (verifier, auth, method, request_uri, USERNAME, PASSWORD, now);
}

/* A correct request for a nonce issued at @issued, counted @nc, checked at @now. */
static HenbDigestResult
check_good (HenbDigestVerifier *verifier, const gchar *nonce, guint32 nc, gint64 now)
{
    g_autofree gchar *header = authorization_for (USERNAME, REALM, PASSWORD, "GET", URI, nonce, nc);

    return check (verifier, header, "GET", URI, now);
}

static HenbDigestVerifier *
verifier_new (void)
{
    return henb_digest_verifier_new (REALM, secret, sizeof secret, LIFETIME);
}

/* ------------------------------------------------------------------------------------------ */
/* parser */

static void
test_parse_valid (void)
{
    g_autoptr(HenbDigestAuthorization) auth = parse_ok (
        "Digest username=\"acs\", realm=\"henbd\", nonce=\"abc\", uri=\"/p?q=1\", "
        "response=\"0123456789ABCDEF0123456789abcdef\", qop=auth, nc=0000000a, cnonce=\"xyz\", "
        "algorithm=MD5, opaque=\"op\"");

    g_assert_cmpstr (auth->username, ==, "acs");
    g_assert_cmpstr (auth->realm, ==, "henbd");
    g_assert_cmpstr (auth->nonce, ==, "abc");
    g_assert_cmpstr (auth->uri, ==, "/p?q=1");
    /* lowercased: the comparison with the computed digest is exact */
    g_assert_cmpstr (auth->response, ==, "0123456789abcdef0123456789abcdef");
    g_assert_cmpstr (auth->cnonce, ==, "xyz");
    g_assert_cmpstr (auth->opaque, ==, "op");
    g_assert_cmpstr (auth->nc_text, ==, "0000000a");
    g_assert_cmpuint (auth->nc, ==, 10);
}

static void
test_parse_quoted_and_unquoted (void)
{
    g_autoptr(HenbDigestAuthorization) auth = parse_ok (
        "Digest username=acs, realm=\"henbd\", nonce=n0nce, uri=\"/p\", "
        "response=0123456789abcdef0123456789abcdef, qop=\"auth\", nc=\"ffffffff\", cnonce=c, algorithm=\"md5\"");

    g_assert_cmpstr (auth->username, ==, "acs");
    g_assert_cmpstr (auth->nonce, ==, "n0nce");
    g_assert_cmpstr (auth->cnonce, ==, "c");
    g_assert_null (auth->opaque);
    g_assert_cmpuint (auth->nc, ==, G_MAXUINT32);
}

static void
test_parse_escapes (void)
{
    g_autoptr(HenbDigestAuthorization) auth = parse_ok (
        "Digest username=\"a\\\"b\\\\c\\d\", realm=\"with, comma=and \\\"quotes\\\"\", nonce=\"n\", uri=\"/\", "
        "response=\"0123456789abcdef0123456789abcdef\", qop=auth, nc=00000001, cnonce=\"\tx y\"");

    g_assert_cmpstr (auth->username, ==, "a\"b\\cd");
    g_assert_cmpstr (auth->realm, ==, "with, comma=and \"quotes\"");
    g_assert_cmpstr (auth->cnonce, ==, "\tx y");
}

/* Scheme and names are case-insensitive; whitespace and empty list elements are allowed;
 * unknown parameters are ignored. */
static void
test_parse_lenient_syntax (void)
{
    g_autoptr(HenbDigestAuthorization) auth = parse_ok (
        " \tdigest ,USERNAME = \"acs\" ,,\tRealm=\"henbd\",nonce=\"n\" , uri=\"/\",future=\"x\", "
        "future2=token, response=\"0123456789abcdef0123456789abcdef\",qop=AUTH,nc=00000001,cnonce=\"c\", "
        "userhash=false,");

    g_assert_cmpstr (auth->username, ==, "acs");
    g_assert_cmpstr (auth->realm, ==, "henbd");
}

static void
test_parse_missing_fields (void)
{
    static const gchar *const fields[] = { "username", "realm", "nonce", "uri", "response", "qop", "nc", "cnonce" };
    static const gchar *const params[] = {
        "username=\"acs\"", "realm=\"henbd\"", "nonce=\"n\"", "uri=\"/\"",
        "response=\"0123456789abcdef0123456789abcdef\"", "qop=auth", "nc=00000001", "cnonce=\"c\"",
    };

    for (gsize skip = 0; skip < G_N_ELEMENTS (params); skip++) {
        g_autoptr(GString) header = g_string_new ("Digest ");
        g_autofree gchar *needle = g_strdup_printf ("%s is missing", fields[skip]);

        for (gsize i = 0; i < G_N_ELEMENTS (params); i++) {
            if (i != skip)
                g_string_append_printf (header, "%s, ", params[i]);
        }
        assert_parse_error (header->str, needle);
    }
}

#define TAIL ", realm=\"r\", nonce=\"n\", uri=\"/\", response=\"0123456789abcdef0123456789abcdef\", " \
             "qop=auth, nc=00000001, cnonce=\"c\""

static void
test_parse_malformed (void)
{
    assert_parse_error ("", "expected the scheme");
    assert_parse_error ("   ", "expected the scheme");
    assert_parse_error ("Basic YWNzOnBhc3M=", "not Digest");
    assert_parse_error ("Digest", "username is missing");
    assert_parse_error ("Digestusername=\"a\"" TAIL, "not Digest");
    assert_parse_error ("Digest=username=\"a\"" TAIL, "expected a space");
    assert_parse_error ("Digest username" TAIL, "expected '='");
    assert_parse_error ("Digest username=" TAIL, "expected a value");
    assert_parse_error ("Digest username=,realm=\"r\"", "expected a value");
    assert_parse_error ("Digest =\"a\"" TAIL, "expected a parameter name");
    assert_parse_error ("Digest username=\"acs", "unterminated");
    assert_parse_error ("Digest username=\"acs\\", "unterminated");
    assert_parse_error ("Digest username=\"a\" realm=\"r\"", "expected ','");
    assert_parse_error ("Digest username=a b" TAIL, "expected ','");
    assert_parse_error ("Digest username=/a" TAIL, "expected a value");
    assert_parse_error ("Digest username=\"a\nb\"" TAIL, "control character");
    assert_parse_error ("Digest username=\"a\\\rb\"" TAIL, "control character");
    assert_parse_error ("Digest username=\"a\x7f\"" TAIL, "control character");
    assert_parse_error_len ("Digest username=\"a\0b\"" TAIL, sizeof ("Digest username=\"a\0b\"" TAIL) - 1, "NUL");
    assert_parse_error ("Digest username=\"a\", username=\"b\"" TAIL, "username given twice");
    assert_parse_error ("Digest username=\"a\", USERNAME=\"a\"" TAIL, "username given twice");
    assert_parse_error ("Digest username*=UTF-8''%c2%a3" TAIL, "username* is not supported");
    assert_parse_error ("Digest username=\"a\", userhash=true" TAIL, "userhash");
    assert_parse_error ("Digest username=\"a\", algorithm=SHA-256" TAIL, "algorithm is not MD5");
    assert_parse_error ("Digest username=\"a\", algorithm=MD5-sess" TAIL, "algorithm is not MD5");
    assert_parse_error ("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"/\", "
                        "response=\"0123456789abcdef0123456789abcdef\", qop=auth-int, nc=00000001, cnonce=\"c\"",
                        "qop is not auth");
    assert_parse_error ("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"/\", "
                        "response=\"0123456789abcdef0123456789abcdef\", qop=\"auth,auth-int\", nc=00000001, "
                        "cnonce=\"c\"",
                        "qop is not auth");
    assert_parse_error ("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"/\", "
                        "response=\"0123456789abcdef0123456789abcde\", qop=auth, nc=00000001, cnonce=\"c\"",
                        "response is not 32");
    assert_parse_error ("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"/\", "
                        "response=\"0123456789abcdef0123456789abcdeg\", qop=auth, nc=00000001, cnonce=\"c\"",
                        "response is not 32");
    assert_parse_error ("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"/\", "
                        "response=\"0123456789abcdef0123456789abcdef\", qop=auth, nc=1, cnonce=\"c\"",
                        "nc is not 8");
    assert_parse_error ("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"/\", "
                        "response=\"0123456789abcdef0123456789abcdef\", qop=auth, nc=0000000g, cnonce=\"c\"",
                        "nc is not 8");
    assert_parse_error ("Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"/\", "
                        "response=\"0123456789abcdef0123456789abcdef\", qop=auth, nc=000000001, cnonce=\"c\"",
                        "nc is not 8");
}

static void
test_parse_oversized (void)
{
    g_autofree gchar *max_value = g_strnfill (HENB_DIGEST_MAX_VALUE_LENGTH, 'u');
    g_autofree gchar *long_value = g_strnfill (HENB_DIGEST_MAX_VALUE_LENGTH + 1, 'u');
    g_autofree gchar *long_name = g_strnfill (33, 'x');
    g_autofree gchar *at_limit = g_strdup_printf ("Digest username=\"%s\"" TAIL, max_value);
    g_autofree gchar *quoted = g_strdup_printf ("Digest username=\"%s\"" TAIL, long_value);
    g_autofree gchar *token = g_strdup_printf ("Digest username=%s" TAIL, long_value);
    g_autofree gchar *name = g_strdup_printf ("Digest username=\"a\", %s=1" TAIL, long_name);
    g_autoptr(GString) header = g_string_new ("Digest username=\"a\"" TAIL);
    g_autoptr(GString) many = g_string_new ("Digest username=\"a\"" TAIL);
    g_autoptr(HenbDigestAuthorization) auth = parse_ok (at_limit);

    g_assert_cmpuint (strlen (auth->username), ==, HENB_DIGEST_MAX_VALUE_LENGTH);
    assert_parse_error (quoted, "value longer than 512");
    assert_parse_error (token, "a value longer than 512");
    assert_parse_error (name, "a parameter name longer than 32");

    /* 8 known parameters + 8 unknown ones = the limit; one more is refused */
    for (gint i = 0; i < 8; i++)
        g_string_append_printf (many, ", x%d=1", i);
    g_clear_pointer (&auth, henb_digest_authorization_free);
    auth = parse_ok (many->str);
    g_string_append (many, ", x9=1");
    assert_parse_error (many->str, "more than 16 parameters");

    while (header->len <= HENB_DIGEST_MAX_HEADER_LENGTH)
        g_string_append (header, ", ");
    assert_parse_error (header->str, "longer than 4096 bytes");
}

/* Every prefix and every single-byte change of a valid header: refused cleanly or parsed. */
static void
test_parse_mutations (void)
{
    g_autofree gchar *valid = authorization_for ("acs", "henbd", "pw", "GET", "/path", "nonce", 1);
    gsize length = strlen (valid);
    static const gchar replacements[] = { '\0', '"', '\\', ',', '=', ' ', '\t', '\r', '\n', 0x7f, (gchar) 0x80, 'x' };

    for (gsize cut = 0; cut < length; cut++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(HenbDigestAuthorization) auth = henb_digest_authorization_parse (valid, cut, &error);

        g_assert_true ((auth == NULL) == (error != NULL));
    }
    for (gsize at = 0; at < length; at++) {
        for (gsize r = 0; r < G_N_ELEMENTS (replacements); r++) {
            g_autofree gchar *mutated = g_strdup (valid);
            g_autoptr(GError) error = NULL;
            g_autoptr(HenbDigestAuthorization) auth = NULL;

            mutated[at] = replacements[r];
            auth = henb_digest_authorization_parse (mutated, length, &error);
            g_assert_true ((auth == NULL) == (error != NULL));
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* the hash */

static void
test_rfc2617_example (void)
{
    g_autoptr(HenbDigestAuthorization) auth = parse_ok (rfc2617_header);
    g_autofree gchar *response = henb_digest_compute_response ("Mufasa", "testrealm@host.com", "Circle Of Life",
                                                               "GET", "/dir/index.html",
                                                               "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001",
                                                               "0a4f113b", "auth");
    g_autofree gchar *from_header = NULL;

    g_assert_cmpstr (response, ==, "6629fae49393a05397450978507c4ef1");

    g_assert_cmpstr (auth->opaque, ==, "5ccc069c403ebaf9f0171e9517f40e41");
    from_header = henb_digest_compute_response (auth->username, auth->realm, "Circle Of Life", "GET", auth->uri,
                                                auth->nonce, auth->nc_text, auth->cnonce, "auth");
    g_assert_cmpstr (from_header, ==, auth->response);
}

/* ------------------------------------------------------------------------------------------ */
/* the verifier */

static void
test_verify_ok (void)
{
    g_autoptr(HenbDigestVerifier) verifier = verifier_new ();
    g_autofree gchar *nonce = henb_digest_verifier_issue_nonce (verifier, T0);
    g_autofree gchar *with_query = authorization_for (USERNAME, REALM, PASSWORD, "GET", URI "?a=b", nonce, 3);

    g_assert_cmpuint (strlen (nonce), ==, 64);
    g_assert_cmpint (check_good (verifier, nonce, 1, T0), ==, HENB_DIGEST_OK);
    /* the ACS may reuse the nonce with a higher count, gaps allowed */
    g_assert_cmpint (check_good (verifier, nonce, 2, T0 + G_USEC_PER_SEC), ==, HENB_DIGEST_OK);
    g_assert_cmpint (check (verifier, with_query, "GET", URI "?a=b", T0), ==, HENB_DIGEST_OK);
    g_assert_cmpint (check_good (verifier, nonce, 0x10, T0 + LIFETIME), ==, HENB_DIGEST_OK);
}

static void
test_verify_wrong_response (void)
{
    g_autoptr(HenbDigestVerifier) verifier = verifier_new ();
    g_autofree gchar *nonce = henb_digest_verifier_issue_nonce (verifier, T0);
    g_autofree gchar *wrong_password = authorization_for (USERNAME, REALM, "guess", "GET", URI, nonce, 1);
    g_autofree gchar *good = authorization_for (USERNAME, REALM, PASSWORD, "GET", URI, nonce, 1);
    g_autoptr(HenbDigestAuthorization) tampered = parse_ok (good);

    g_assert_cmpint (check (verifier, wrong_password, "GET", URI, T0), ==, HENB_DIGEST_WRONG_RESPONSE);
    /* the method is part of the hash */
    g_assert_cmpint (check (verifier, good, "POST", URI, T0), ==, HENB_DIGEST_WRONG_RESPONSE);
    g_free (tampered->cnonce);
    tampered->cnonce = g_strdup ("other");
    g_assert_cmpint (henb_digest_verifier_check (verifier, tampered, "GET", URI, USERNAME, PASSWORD, T0), ==,
                     HENB_DIGEST_WRONG_RESPONSE);
    /* none of that burnt nc 1 */
    g_assert_cmpint (check (verifier, good, "GET", URI, T0), ==, HENB_DIGEST_OK);
}

static void
test_verify_wrong_realm_uri_user (void)
{
    g_autoptr(HenbDigestVerifier) verifier = verifier_new ();
    g_autofree gchar *nonce = henb_digest_verifier_issue_nonce (verifier, T0);
    g_autofree gchar *realm = authorization_for (USERNAME, "other", PASSWORD, "GET", URI, nonce, 1);
    g_autofree gchar *uri = authorization_for (USERNAME, REALM, PASSWORD, "GET", "/other", nonce, 1);
    g_autofree gchar *user = authorization_for ("intruder", REALM, PASSWORD, "GET", URI, nonce, 1);
    g_autofree gchar *good = authorization_for (USERNAME, REALM, PASSWORD, "GET", URI, nonce, 1);
    g_autoptr(HenbDigestAuthorization) auth = parse_ok (good);

    g_assert_cmpint (check (verifier, realm, "GET", URI, T0), ==, HENB_DIGEST_WRONG_REALM);
    g_assert_cmpint (check (verifier, uri, "GET", URI, T0), ==, HENB_DIGEST_WRONG_URI);
    g_assert_cmpint (check (verifier, good, "GET", URI "?x", T0), ==, HENB_DIGEST_WRONG_URI);
    g_assert_cmpint (check (verifier, user, "GET", URI, T0), ==, HENB_DIGEST_WRONG_USERNAME);
    /* no configured username: nobody gets in, not even with an empty name */
    g_assert_cmpint (henb_digest_verifier_check (verifier, auth, "GET", URI, "", PASSWORD, T0), ==,
                     HENB_DIGEST_WRONG_USERNAME);
    g_assert_cmpint (henb_digest_verifier_check (verifier, auth, "GET", URI, NULL, NULL, T0), ==,
                     HENB_DIGEST_WRONG_USERNAME);
    g_assert_cmpstr (henb_digest_verifier_get_realm (verifier), ==, REALM);
}

static void
test_verify_replayed_nc (void)
{
    g_autoptr(HenbDigestVerifier) verifier = verifier_new ();
    g_autofree gchar *nonce = henb_digest_verifier_issue_nonce (verifier, T0);
    g_autofree gchar *other = henb_digest_verifier_issue_nonce (verifier, T0);
    g_autofree gchar *forged = NULL;
    g_autoptr(HenbDigestAuthorization) auth = NULL;

    g_assert_cmpint (check_good (verifier, nonce, 0, T0), ==, HENB_DIGEST_REPLAYED_NC);
    g_assert_cmpint (check_good (verifier, nonce, 5, T0), ==, HENB_DIGEST_OK);
    g_assert_cmpint (check_good (verifier, nonce, 5, T0), ==, HENB_DIGEST_REPLAYED_NC);
    g_assert_cmpint (check_good (verifier, nonce, 4, T0), ==, HENB_DIGEST_REPLAYED_NC);
    /* counts are per nonce */
    g_assert_cmpint (check_good (verifier, other, 1, T0), ==, HENB_DIGEST_OK);

    /* a forged high count with a wrong response does not lock the ACS out */
    forged = authorization_for (USERNAME, REALM, "guess", "GET", URI, nonce, G_MAXUINT32);
    g_assert_cmpint (check (verifier, forged, "GET", URI, T0), ==, HENB_DIGEST_WRONG_RESPONSE);
    g_assert_cmpint (check_good (verifier, nonce, 6, T0), ==, HENB_DIGEST_OK);
    g_assert_cmpint (check_good (verifier, nonce, G_MAXUINT32, T0), ==, HENB_DIGEST_OK);
    g_assert_cmpint (check_good (verifier, nonce, G_MAXUINT32, T0), ==, HENB_DIGEST_REPLAYED_NC);
}

static void
test_verify_stale (void)
{
    g_autoptr(HenbDigestVerifier) verifier = verifier_new ();
    g_autofree gchar *nonce = henb_digest_verifier_issue_nonce (verifier, T0);
    g_autofree gchar *wrong = authorization_for (USERNAME, REALM, "guess", "GET", URI, nonce, 2);

    g_assert_cmpint (check_good (verifier, nonce, 1, T0), ==, HENB_DIGEST_OK);
    g_assert_cmpint (check_good (verifier, nonce, 2, T0 + LIFETIME + 1), ==, HENB_DIGEST_STALE_NONCE);
    /* stale only for a client that knows the password */
    g_assert_cmpint (check (verifier, wrong, "GET", URI, T0 + LIFETIME + 1), ==, HENB_DIGEST_WRONG_RESPONSE);
    /* issued long ago and never used */
    g_clear_pointer (&nonce, g_free);
    nonce = henb_digest_verifier_issue_nonce (verifier, T0);
    g_assert_cmpint (check_good (verifier, nonce, 1, T0 + 100 * LIFETIME), ==, HENB_DIGEST_STALE_NONCE);
}

static void
test_verify_unknown_nonce (void)
{
    g_autoptr(HenbDigestVerifier) verifier = verifier_new ();
    g_autoptr(HenbDigestVerifier) other = henb_digest_verifier_new (REALM, other_secret, sizeof other_secret,
                                                                   LIFETIME);
    g_autofree gchar *foreign = henb_digest_verifier_issue_nonce (other, T0);
    g_autofree gchar *future = henb_digest_verifier_issue_nonce (verifier, T0 + G_USEC_PER_SEC);
    g_autofree gchar *tampered = henb_digest_verifier_issue_nonce (verifier, T0);
    g_autofree gchar *uppercase = NULL;
    gchar *serial_digit = &tampered[15];

    g_assert_cmpint (check_good (verifier, foreign, 1, T0), ==, HENB_DIGEST_UNKNOWN_NONCE);
    g_assert_cmpint (check_good (verifier, future, 1, T0), ==, HENB_DIGEST_UNKNOWN_NONCE);
    g_assert_cmpint (check_good (verifier, "dcd98b7102dd2f0e8b11d0f600bfb0c093", 1, T0), ==,
                     HENB_DIGEST_UNKNOWN_NONCE);
    g_assert_cmpint (check_good (verifier, "", 1, T0), ==, HENB_DIGEST_UNKNOWN_NONCE);
    g_assert_cmpint (check_good (verifier, "zz", 1, T0), ==, HENB_DIGEST_UNKNOWN_NONCE);
    /* another serial under the same seal */
    *serial_digit = *serial_digit == '9' ? '8' : '9';
    g_assert_cmpint (check_good (verifier, tampered, 1, T0), ==, HENB_DIGEST_UNKNOWN_NONCE);
    /* only the spelling it was issued in */
    g_clear_pointer (&tampered, g_free);
    tampered = henb_digest_verifier_issue_nonce (verifier, T0);
    uppercase = g_ascii_strup (tampered, -1);
    g_assert_cmpstr (uppercase, !=, tampered);
    g_assert_cmpint (check_good (verifier, uppercase, 1, T0), ==, HENB_DIGEST_UNKNOWN_NONCE);
    g_assert_cmpint (check_good (verifier, tampered, 1, T0), ==, HENB_DIGEST_OK);
}

/* The count records are bounded; a nonce whose record was dropped is refused, not reopened. */
static void
test_verify_eviction (void)
{
    g_autoptr(HenbDigestVerifier) verifier = verifier_new ();
    g_autoptr(GPtrArray) nonces = g_ptr_array_new_with_free_func (g_free);

    for (guint i = 0; i < 65; i++) {
        g_ptr_array_add (nonces, henb_digest_verifier_issue_nonce (verifier, T0));
        g_assert_cmpint (check_good (verifier, nonces->pdata[i], 1, T0), ==, HENB_DIGEST_OK);
    }
    g_assert_cmpint (check_good (verifier, nonces->pdata[0], 2, T0), ==, HENB_DIGEST_STALE_NONCE);
    g_assert_cmpint (check_good (verifier, nonces->pdata[1], 1, T0), ==, HENB_DIGEST_REPLAYED_NC);
    g_assert_cmpint (check_good (verifier, nonces->pdata[64], 1, T0), ==, HENB_DIGEST_REPLAYED_NC);
    g_assert_cmpint (check_good (verifier, nonces->pdata[64], 2, T0), ==, HENB_DIGEST_OK);
    /* expired records make room without refusing anyone */
    g_ptr_array_add (nonces, henb_digest_verifier_issue_nonce (verifier, T0 + 2 * LIFETIME));
    g_assert_cmpint (check_good (verifier, nonces->pdata[65], 1, T0 + 2 * LIFETIME), ==, HENB_DIGEST_OK);
}

static void
test_challenge (void)
{
    g_autoptr(HenbDigestVerifier) verifier = verifier_new ();
    g_autoptr(HenbDigestVerifier) quoting = henb_digest_verifier_new ("a \"b\" \\c", secret, sizeof secret, LIFETIME);
    g_autofree gchar *challenge = henb_digest_verifier_challenge (verifier, FALSE, T0);
    g_autofree gchar *stale = henb_digest_verifier_challenge (verifier, TRUE, T0);
    g_autofree gchar *quoted = henb_digest_verifier_challenge (quoting, FALSE, T0);
    g_autoptr(GRegex) form = g_regex_new ("^Digest realm=\"henbd\", qop=\"auth\", algorithm=MD5, "
                                          "nonce=\"([0-9a-f]{64})\"(, stale=true)?$", 0, 0, NULL);
    g_autoptr(GMatchInfo) first = NULL;
    g_autoptr(GMatchInfo) second = NULL;
    g_autofree gchar *first_nonce = NULL;
    g_autofree gchar *second_nonce = NULL;

    g_assert_true (g_regex_match (form, challenge, 0, &first));
    g_assert_true (g_regex_match (form, stale, 0, &second));
    g_assert_false (g_str_has_suffix (challenge, "stale=true"));
    g_assert_true (g_str_has_suffix (stale, ", stale=true"));
    first_nonce = g_match_info_fetch (first, 1);
    second_nonce = g_match_info_fetch (second, 1);
    g_assert_cmpstr (first_nonce, !=, second_nonce);
    /* the nonce of a challenge is one the verifier accepts */
    g_assert_cmpint (check_good (verifier, first_nonce, 1, T0), ==, HENB_DIGEST_OK);
    g_assert_true (g_str_has_prefix (quoted, "Digest realm=\"a \\\"b\\\" \\\\c\", "));
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    henb_errors_register ();

    g_test_add_func ("/digest/parse/valid", test_parse_valid);
    g_test_add_func ("/digest/parse/quoted-and-unquoted", test_parse_quoted_and_unquoted);
    g_test_add_func ("/digest/parse/escapes", test_parse_escapes);
    g_test_add_func ("/digest/parse/lenient-syntax", test_parse_lenient_syntax);
    g_test_add_func ("/digest/parse/missing-fields", test_parse_missing_fields);
    g_test_add_func ("/digest/parse/malformed", test_parse_malformed);
    g_test_add_func ("/digest/parse/oversized", test_parse_oversized);
    g_test_add_func ("/digest/parse/mutations", test_parse_mutations);
    g_test_add_func ("/digest/hash/rfc2617-example", test_rfc2617_example);
    g_test_add_func ("/digest/verify/ok", test_verify_ok);
    g_test_add_func ("/digest/verify/wrong-response", test_verify_wrong_response);
    g_test_add_func ("/digest/verify/wrong-realm-uri-user", test_verify_wrong_realm_uri_user);
    g_test_add_func ("/digest/verify/replayed-nc", test_verify_replayed_nc);
    g_test_add_func ("/digest/verify/stale", test_verify_stale);
    g_test_add_func ("/digest/verify/unknown-nonce", test_verify_unknown_nonce);
    g_test_add_func ("/digest/verify/eviction", test_verify_eviction);
    g_test_add_func ("/digest/challenge", test_challenge);
    return g_test_run ();
}
