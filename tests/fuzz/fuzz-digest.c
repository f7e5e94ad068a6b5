/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Authorization header of a Connection Request, as the transport-soup server takes it:
 * parse it and check it with a Digest verifier. A fuzzer cannot forge the verifier's sealed
 * nonces, so "@NONCE@" in the input is replaced by one the verifier just issued; when the
 * rest of the header then names the right user, realm and a positive nc, the harness also
 * puts in the right response and holds the verifier to what RFC 7616 promises: accepted
 * once, refused as a replay after that, stale once the nonce expired.
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "henb-digest.h"

#define NONCE_MARK  "@NONCE@"
#define REALM       "henbd"
#define USERNAME    "acs"
#define PASSWORD    "cr-secret"
#define REQUEST_URI "/cr-path"
#define LIFETIME    (60 * G_USEC_PER_SEC)
/* a monotonic clock reading well past zero, as on a running system */
#define NOW         (1000 * G_USEC_PER_SEC)

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    henb_fuzz_init_logging ();
    return 0;
}

/* The input carried the issued nonce and the right identity: only the response was a guess. */
static void
check_with_right_response (HenbDigestVerifier *verifier, HenbDigestAuthorization *auth, HenbDigestResult first)
{
    HenbDigestResult result;

    g_free (auth->response);
    auth->response = henb_digest_compute_response (USERNAME, REALM, PASSWORD, "GET", auth->uri, auth->nonce,
                                                   auth->nc_text, auth->cnonce, "auth");
    result = henb_digest_verifier_check (verifier, auth, "GET", auth->uri, USERNAME, PASSWORD, NOW + 1);
    /* the fuzzer's own response may have been right already, and then its nc is used up */
    if (first == HENB_DIGEST_OK)
        henb_fuzz_check (result == HENB_DIGEST_REPLAYED_NC, "a used nc was accepted again");
    else
        henb_fuzz_check (result == HENB_DIGEST_OK, "the right response was refused");
    result = henb_digest_verifier_check (verifier, auth, "GET", auth->uri, USERNAME, PASSWORD, NOW + 2);
    henb_fuzz_check (result == HENB_DIGEST_REPLAYED_NC, "a replayed nc was accepted");
    result = henb_digest_verifier_check (verifier, auth, "GET", auth->uri, USERNAME, PASSWORD, NOW + LIFETIME + 1);
    henb_fuzz_check (result == HENB_DIGEST_STALE_NONCE, "an expired nonce was not stale");
    result = henb_digest_verifier_check (verifier, auth, "POST", auth->uri, USERNAME, PASSWORD, NOW + 3);
    henb_fuzz_check (result == HENB_DIGEST_WRONG_RESPONSE, "the response was accepted for another method");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    static const guint8 secret[HENB_DIGEST_SECRET_SIZE] = { 'h', 'e', 'n', 'b', 'd', '-', 'f', 'u', 'z', 'z' };
    g_autoptr(HenbDigestVerifier) verifier = henb_digest_verifier_new (REALM, secret, sizeof secret, LIFETIME);
    g_autofree gchar *nonce = henb_digest_verifier_issue_nonce (verifier, NOW);
    g_autoptr(GString) header = g_string_new_len ((const gchar *) data, (gssize) size);
    g_autoptr(HenbDigestAuthorization) auth = NULL;
    HenbDigestResult first;

    g_string_replace (header, NONCE_MARK, nonce, 1);
    auth = henb_digest_authorization_parse (header->str, header->len, NULL);
    if (auth == NULL)
        return 0;
    henb_fuzz_check (strlen (auth->response) == 32 && strlen (auth->nc_text) == 8,
                     "a parsed response or nc has the wrong length");

    first = henb_digest_verifier_check (verifier, auth, "GET", REQUEST_URI, USERNAME, PASSWORD, NOW + 1);
    henb_fuzz_check (henb_digest_result_to_string (first)[0] != '?', "an unnamed verifier result");
    if (g_str_equal (auth->nonce, nonce) && g_str_equal (auth->username, USERNAME) &&
        g_str_equal (auth->realm, REALM) && auth->nc > 0)
        check_with_right_response (verifier, auth, g_str_equal (auth->uri, REQUEST_URI) ? first : HENB_DIGEST_WRONG_URI);
    return 0;
}
