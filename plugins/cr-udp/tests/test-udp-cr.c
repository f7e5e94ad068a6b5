/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The UDP Connection Request message (TR-111 part 2) as GenieACS 1.2.16 sends it
 * (lib/connection-request.ts: "GET http://host:port?ts=..&id=..&un=..&cn=..&sig=.. HTTP/1.1"),
 * and what a forger or a replayer gets from the parser and the guard.
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "henb-udp-cr.h"

#define USERNAME "acs"
#define PASSWORD "s3cret"
#define NOW      1764600000

/* A message as GenieACS builds it; @sig NULL: signed correctly with @password. */
static gchar *
message (gint64 ts, const gchar *id, const gchar *un, const gchar *cn, const gchar *password, const gchar *sig)
{
    g_autofree gchar *ts_text = g_strdup_printf ("%" G_GINT64_FORMAT, ts);
    g_autofree gchar *good = henb_udp_cr_sign (ts_text, id, un, cn, password);

    return g_strdup_printf ("GET http://203.0.113.7:40001?ts=%s&id=%s&un=%s&cn=%s&sig=%s HTTP/1.1\r\n"
                            "Host: 203.0.113.7:40001\r\n\r\n",
                            ts_text, id, un, cn, sig != NULL ? sig : good);
}

static HenbUdpCr *
parse_text (const gchar *text, GError **error)
{
    return henb_udp_cr_parse ((const guint8 *) text, strlen (text), error);
}

static void
test_genieacs_message (void)
{
    g_autofree gchar *text = message (NOW, "123456789", USERNAME, "0123456789abcdef", PASSWORD, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbUdpCr) cr = parse_text (text, &error);
    g_autoptr(HenbUdpCrGuard) guard = henb_udp_cr_guard_new ();

    g_assert_no_error (error);
    g_assert_cmpstr (cr->id, ==, "123456789");
    g_assert_cmpstr (cr->un, ==, USERNAME);
    g_assert_cmpint (cr->timestamp, ==, NOW);
    g_assert_cmpint (henb_udp_cr_guard_check (guard, cr, USERNAME, PASSWORD, NOW + 2, 1000000), ==, HENB_UDP_CR_OK);
}

/* GenieACS puts its username (the device id, "%2D" and all) into the query unencoded and signs
 * it so; an ACS that percent-encodes signs the decoded name. Both are the same user. */
static void
test_username_forms (void)
{
    const gchar *user = "00005A-HeNB-SN%2D106";
    g_autofree gchar *genieacs = message (NOW, "1", user, "aa", PASSWORD, NULL);
    g_autofree gchar *sig = henb_udp_cr_sign ("1764600000", "2", "acs me", "bb", PASSWORD);
    g_autofree gchar *encoded = g_strdup_printf ("GET /?ts=1764600000&id=2&un=acs%%20me&cn=bb&sig=%s HTTP/1.1\r\n\r\n", sig);
    g_autoptr(HenbUdpCrGuard) guard = henb_udp_cr_guard_new ();
    g_autoptr(HenbUdpCr) a = parse_text (genieacs, NULL);
    g_autoptr(HenbUdpCr) b = parse_text (encoded, NULL);

    g_assert_cmpint (henb_udp_cr_guard_check (guard, a, user, PASSWORD, NOW, 1), ==, HENB_UDP_CR_OK);
    g_assert_cmpint (henb_udp_cr_guard_check (guard, b, "acs me", PASSWORD, NOW, 1), ==, HENB_UDP_CR_OK);
    /* the decoded form of GenieACS's name is another user, and cannot borrow its signature */
    g_assert_cmpint (henb_udp_cr_guard_check (guard, a, "00005A-HeNB-SN-106", PASSWORD, NOW, 1), ==,
                     HENB_UDP_CR_BAD_SIGNATURE);
}

/* The signature is HMAC-SHA1(password, ts||id||un||cn), as RFC 2202 test case 2 pins HMAC-SHA1. */
static void
test_signature_known (void)
{
    g_autofree gchar *sig = henb_udp_cr_sign ("what do ya want ", "for ", "noth", "ing?", "Jefe");

    g_assert_cmpstr (sig, ==, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

static void
test_forged (void)
{
    g_autofree gchar *wrong_key = message (NOW, "1", USERNAME, "aa", "guess", NULL);
    g_autofree gchar *wrong_user = message (NOW, "2", "mallory", "aa", PASSWORD, NULL);
    g_autofree gchar *flipped = message (NOW, "3", USERNAME, "aa", PASSWORD, "0000000000000000000000000000000000000000");
    g_autoptr(HenbUdpCrGuard) guard = henb_udp_cr_guard_new ();
    g_autoptr(HenbUdpCr) a = parse_text (wrong_key, NULL);
    g_autoptr(HenbUdpCr) b = parse_text (wrong_user, NULL);
    g_autoptr(HenbUdpCr) c = parse_text (flipped, NULL);

    g_assert_cmpint (henb_udp_cr_guard_check (guard, a, USERNAME, PASSWORD, NOW, 1), ==, HENB_UDP_CR_BAD_SIGNATURE);
    g_assert_cmpint (henb_udp_cr_guard_check (guard, b, USERNAME, PASSWORD, NOW, 1), ==, HENB_UDP_CR_WRONG_USERNAME);
    g_assert_cmpint (henb_udp_cr_guard_check (guard, c, USERNAME, PASSWORD, NOW, 1), ==, HENB_UDP_CR_BAD_SIGNATURE);
    /* no username configured: even a correct one is refused */
    g_assert_cmpint (henb_udp_cr_guard_check (guard, a, "", "guess", NOW, 1), ==, HENB_UDP_CR_NO_CREDENTIALS);
}

static void
test_fresh_and_replayed (void)
{
    g_autofree gchar *first = message (NOW, "77", USERNAME, "aa", PASSWORD, NULL);
    g_autofree gchar *older = message (NOW - 10, "78", USERNAME, "bb", PASSWORD, NULL);
    g_autofree gchar *stale = message (NOW - HENB_UDP_CR_WINDOW_S - 1, "79", USERNAME, "cc", PASSWORD, NULL);
    g_autofree gchar *future = message (NOW + HENB_UDP_CR_WINDOW_S + 1, "80", USERNAME, "dd", PASSWORD, NULL);
    g_autofree gchar *next = message (NOW + 1, "81", USERNAME, "ee", PASSWORD, NULL);
    g_autoptr(HenbUdpCrGuard) guard = henb_udp_cr_guard_new ();
    g_autoptr(HenbUdpCr) a = parse_text (first, NULL);
    g_autoptr(HenbUdpCr) b = parse_text (older, NULL);
    g_autoptr(HenbUdpCr) c = parse_text (stale, NULL);
    g_autoptr(HenbUdpCr) d = parse_text (future, NULL);
    g_autoptr(HenbUdpCr) e = parse_text (next, NULL);
    gint64 t = 5 * G_USEC_PER_SEC;

    g_assert_cmpint (henb_udp_cr_guard_check (guard, a, USERNAME, PASSWORD, NOW, t), ==, HENB_UDP_CR_OK);
    /* the ACS's own copies (GenieACS sends 3) are one request */
    g_assert_cmpint (henb_udp_cr_guard_check (guard, a, USERNAME, PASSWORD, NOW, t + 1000), ==, HENB_UDP_CR_DUPLICATE);
    /* the same message later: a replay */
    g_assert_cmpint (henb_udp_cr_guard_check (guard, a, USERNAME, PASSWORD, NOW + 30, t + 30 * G_USEC_PER_SEC), ==,
                     HENB_UDP_CR_REPLAYED);
    /* a captured message older than the last accepted one */
    g_assert_cmpint (henb_udp_cr_guard_check (guard, b, USERNAME, PASSWORD, NOW, t), ==, HENB_UDP_CR_REPLAYED);
    g_assert_cmpint (henb_udp_cr_guard_check (guard, c, USERNAME, PASSWORD, NOW, t), ==, HENB_UDP_CR_STALE);
    g_assert_cmpint (henb_udp_cr_guard_check (guard, d, USERNAME, PASSWORD, NOW, t), ==, HENB_UDP_CR_STALE);
    g_assert_cmpint (henb_udp_cr_guard_check (guard, e, USERNAME, PASSWORD, NOW + 1, t), ==, HENB_UDP_CR_OK);
}

/* An ACS that signs what it sends (GenieACS) with a '%' in the id: the attacker re-encodes every
 * '%' as "%25"; the decoded fields are then the original as-sent ones, the signature verifies
 * over them, and the id differs. Still the same request: refused. */
static void
test_reencoded_replay (void)
{
    g_autofree gchar *sig = henb_udp_cr_sign ("1764600000", "a%2Fb", USERNAME, "c%2Fd", PASSWORD);
    g_autofree gchar *sent = g_strdup_printf ("GET /?ts=1764600000&id=a%%2Fb&un=%s&cn=c%%2Fd&sig=%s HTTP/1.1\r\n\r\n",
                                              USERNAME, sig);
    g_autofree gchar *again = g_strdup_printf ("GET /?ts=1764600000&id=a%%252Fb&un=%s&cn=c%%252Fd&sig=%s HTTP/1.1\r\n\r\n",
                                               USERNAME, sig);
    g_autofree gchar *upper = g_ascii_strup (sig, -1);
    g_autofree gchar *shouted = g_strdup_printf ("GET /?ts=1764600000&id=a%%2Fb&un=%s&cn=c%%2Fd&sig=%s HTTP/1.1\r\n\r\n",
                                                 USERNAME, upper);
    g_autoptr(HenbUdpCrGuard) guard = henb_udp_cr_guard_new ();
    g_autoptr(HenbUdpCr) a = parse_text (sent, NULL);
    g_autoptr(HenbUdpCr) b = parse_text (again, NULL);
    g_autoptr(HenbUdpCr) c = parse_text (shouted, NULL);
    gint64 t = 5 * G_USEC_PER_SEC;

    g_assert_nonnull (a);
    g_assert_nonnull (b);
    g_assert_nonnull (c);
    g_assert_cmpint (henb_udp_cr_guard_check (guard, a, USERNAME, PASSWORD, 1764600000, t), ==, HENB_UDP_CR_OK);
    g_assert_cmpint (henb_udp_cr_guard_check (guard, b, USERNAME, PASSWORD, 1764600000, t + 30 * G_USEC_PER_SEC), ==,
                     HENB_UDP_CR_REPLAYED);
    /* the signature in capitals is the same signature */
    g_assert_cmpint (henb_udp_cr_guard_check (guard, c, USERNAME, PASSWORD, 1764600000, t + 30 * G_USEC_PER_SEC), ==,
                     HENB_UDP_CR_REPLAYED);
}

static void
test_malformed (void)
{
    g_autofree gchar *good = message (NOW, "1", USERNAME, "aa", PASSWORD, NULL);
    g_autofree gchar *sig = NULL;
    g_autofree gchar *long_field = NULL;
    g_autofree gchar *too_long = g_strnfill (HENB_UDP_CR_MAX_SIZE + 1, 'G');
    const gchar *bad[] = {
        "",
        "POST http://h:1?ts=1&id=1&un=a&cn=b&sig=0000000000000000000000000000000000000000 HTTP/1.1\r\n\r\n",
        "GET http://h:1?ts=1&id=1&un=a&cn=b&sig=0000000000000000000000000000000000000000 HTTP/1.0\r\n\r\n",
        "GET http://h:1?ts=1&id=1&un=a&cn=b&sig=0000000000000000000000000000000000000000 HTTP/1.1\r\n",
        "GET http://h:1?ts=1&id=1&un=a&cn=b HTTP/1.1\r\n\r\n",
        "GET http://h:1?ts=x&id=1&un=a&cn=b&sig=0000000000000000000000000000000000000000 HTTP/1.1\r\n\r\n",
        "GET http://h:1?ts=1&id=1&id=2&un=a&cn=b&sig=0000000000000000000000000000000000000000 HTTP/1.1\r\n\r\n",
        "GET http://h:1?ts=1&id=1&un=a&cn=b&sig=00000000000000000000000000000000000000 HTTP/1.1\r\n\r\n",
        "GET http://h:1?ts=1&id=1&un=a&cn=b&sig=zz00000000000000000000000000000000000000 HTTP/1.1\r\n\r\n",
        "GET http://h:1?ts=1&id=1&un=a%00b&cn=b&sig=0000000000000000000000000000000000000000 HTTP/1.1\r\n\r\n",
        "GET http://h:1?ts=1&id=&un=a&cn=b&sig=0000000000000000000000000000000000000000 HTTP/1.1\r\n\r\n",
        "GET http://h:1?ts=99999999999999999999&id=1&un=a&cn=b&sig=0000000000000000000000000000000000000000 HTTP/1.1\r\n\r\n",
        "GET http://h:1 HTTP/1.1\r\n\r\n",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
        g_autoptr(GError) error = NULL;
        g_autoptr(HenbUdpCr) cr = parse_text (bad[i], &error);

        if (cr != NULL)
            g_error ("accepted: %s", bad[i]);
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
    /* bounded: longer than any real one */
    g_assert_null (henb_udp_cr_parse ((const guint8 *) too_long, strlen (too_long), NULL));
    long_field = g_strnfill (300, 'u');
    sig = message (NOW, "1", long_field, "aa", PASSWORD, NULL);
    g_assert_null (parse_text (sig, NULL));
    /* a NUL inside the datagram */
    {
        g_autofree guint8 *copy = (guint8 *) g_strdup (good);

        copy[10] = '\0';
        g_assert_null (henb_udp_cr_parse (copy, strlen (good), NULL));
    }
    /* every prefix of a good message is refused, never read past */
    for (gsize n = 0; n < strlen (good); n++) {
        g_autofree guint8 *prefix = g_memdup2 (good, n);

        g_assert_null (henb_udp_cr_parse (prefix, n, NULL));
    }
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/udp-cr/genieacs-message", test_genieacs_message);
    g_test_add_func ("/udp-cr/signature-known", test_signature_known);
    g_test_add_func ("/udp-cr/username-forms", test_username_forms);
    g_test_add_func ("/udp-cr/forged", test_forged);
    g_test_add_func ("/udp-cr/fresh-and-replayed", test_fresh_and_replayed);
    g_test_add_func ("/udp-cr/reencoded-replay", test_reencoded_replay);
    g_test_add_func ("/udp-cr/malformed", test_malformed);
    return g_test_run ();
}
