/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * HTTP Digest authentication, server side, as TR-069 needs it for Connection Requests:
 * MD5 with qop="auth" (RFC 7616, RFC 2617). A pure parser for the Authorization header and a
 * verifier that issues and checks nonces. No global state, no I/O and no clock: the caller
 * passes the time, so every case can be tested (and fuzzed) deterministically.
 */

#define HENB_DIGEST_MAX_HEADER_LENGTH 4096  /* the whole Authorization header */
#define HENB_DIGEST_MAX_VALUE_LENGTH  512   /* one parameter value, unescaped */
#define HENB_DIGEST_MAX_PARAMS        16    /* parameters, unknown ones included */
#define HENB_DIGEST_SECRET_SIZE       32    /* the verifier's nonce key */

/* The parameters of "Authorization: Digest ..." that a qop=auth MD5 response carries. */
typedef struct {
    gchar  *username;
    gchar  *realm;
    gchar  *nonce;
    gchar  *uri;
    gchar  *response;    /* 32 lowercase hexadecimal digits */
    gchar  *cnonce;
    gchar  *opaque;      /* NULL when absent */
    gchar   nc_text[9];  /* 8 hexadecimal digits as sent: they enter the hash */
    guint32 nc;
} HenbDigestAuthorization;

/*
 * Parses @length bytes of an Authorization header value (the part after "Authorization:").
 * Accepts quoted and unquoted values, backslash escapes, optional whitespace and empty list
 * elements; ignores unknown parameters. Refuses (HENB_CORE_ERROR_INVALID_ARGS, the message
 * says why) another scheme, bad syntax, NUL or control characters, a header, value or count
 * of parameters over the limits, duplicated or missing parameters, a qop other than auth, an
 * algorithm other than MD5, userhash and username*.
 */
HenbDigestAuthorization *henb_digest_authorization_parse (const gchar *header,
                                                          gsize        length,
                                                          GError     **error);
void                     henb_digest_authorization_free (HenbDigestAuthorization *auth);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbDigestAuthorization, henb_digest_authorization_free)

/* The request-digest of RFC 2617 3.2.2.1 for MD5 and qop=@qop, in lowercase hexadecimal. */
gchar *henb_digest_compute_response (const gchar *username,
                                     const gchar *realm,
                                     const gchar *password,
                                     const gchar *method,
                                     const gchar *uri,
                                     const gchar *nonce,
                                     const gchar *nc,
                                     const gchar *cnonce,
                                     const gchar *qop);

typedef enum {
    HENB_DIGEST_OK,
    HENB_DIGEST_WRONG_REALM,
    HENB_DIGEST_WRONG_URI,       /* the uri parameter is not the request target */
    HENB_DIGEST_WRONG_USERNAME,
    HENB_DIGEST_WRONG_RESPONSE,  /* wrong password, method or tampered parameters */
    HENB_DIGEST_UNKNOWN_NONCE,   /* not issued by this verifier */
    HENB_DIGEST_STALE_NONCE,     /* ours and correct, but expired: challenge with stale=true */
    HENB_DIGEST_REPLAYED_NC,     /* nc not above the last one accepted for this nonce */
} HenbDigestResult;

const gchar *henb_digest_result_to_string (HenbDigestResult result);

/*
 * Nonces carry their serial number and issue time, sealed with an HMAC under the secret:
 * checking one needs no table of what was handed out, so unauthenticated requests cost no
 * memory. Only nonces that authenticated a request are remembered (their last nc), until
 * they expire; at most a fixed number, the oldest evicted (and refused from then on).
 */
typedef struct _HenbDigestVerifier HenbDigestVerifier;

HenbDigestVerifier *henb_digest_verifier_new (const gchar  *realm,
                                              const guint8 *secret,
                                              gsize         secret_size,
                                              gint64        nonce_lifetime_us);
void                henb_digest_verifier_free (HenbDigestVerifier *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbDigestVerifier, henb_digest_verifier_free)

const gchar *henb_digest_verifier_get_realm (HenbDigestVerifier *self);
/* A fresh nonce; @now_us is a monotonic time in microseconds, as for every call below. */
gchar       *henb_digest_verifier_issue_nonce (HenbDigestVerifier *self, gint64 now_us);
/* The WWW-Authenticate value with a fresh nonce: realm, qop="auth", algorithm=MD5 [, stale=true]. */
gchar       *henb_digest_verifier_challenge (HenbDigestVerifier *self, gboolean stale, gint64 now_us);

/*
 * Checks @auth for a request with @method to @request_uri (path and query as in the request
 * line) against the configured @username and @password. Only HENB_DIGEST_OK advances the
 * nonce's nc, so a forged request cannot burn the numbers the ACS will use.
 */
HenbDigestResult henb_digest_verifier_check (HenbDigestVerifier            *self,
                                             const HenbDigestAuthorization *auth,
                                             const gchar                   *method,
                                             const gchar                   *request_uri,
                                             const gchar                   *username,
                                             const gchar                   *password,
                                             gint64                         now_us);

G_END_DECLS
