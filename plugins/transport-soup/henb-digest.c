/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "henb-digest.h"
#include "henb-errors.h"

#define MAX_NAME_LENGTH  32
/* nonces that authenticated a request within their lifetime: a handful for one ACS */
#define MAX_USED_NONCES  64
/* serial (8 bytes) | issue time (8 bytes) | HMAC-SHA256 truncated (16 bytes), in hex */
#define NONCE_MAC_SIZE   16
#define NONCE_SIZE       (8 + 8 + NONCE_MAC_SIZE)
#define NONCE_HEX_LENGTH (2 * NONCE_SIZE)
#define MD5_HEX_LENGTH   32

/* ------------------------------------------------------------------------------------------ */
/* The Authorization header */

typedef enum {
    FIELD_USERNAME,
    FIELD_REALM,
    FIELD_NONCE,
    FIELD_URI,
    FIELD_RESPONSE,
    FIELD_CNONCE,
    FIELD_OPAQUE,
    FIELD_QOP,
    FIELD_NC,
    FIELD_ALGORITHM,
    FIELD_USERHASH,
    N_FIELDS
} Field;

static const gchar *const field_names[N_FIELDS] = {
    [FIELD_USERNAME] = "username",
    [FIELD_REALM] = "realm",
    [FIELD_NONCE] = "nonce",
    [FIELD_URI] = "uri",
    [FIELD_RESPONSE] = "response",
    [FIELD_CNONCE] = "cnonce",
    [FIELD_OPAQUE] = "opaque",
    [FIELD_QOP] = "qop",
    [FIELD_NC] = "nc",
    [FIELD_ALGORITHM] = "algorithm",
    [FIELD_USERHASH] = "userhash",
};

/* what a qop=auth response cannot do without */
static const Field required_fields[] = {
    FIELD_USERNAME, FIELD_REALM, FIELD_NONCE, FIELD_URI, FIELD_RESPONSE, FIELD_QOP, FIELD_NC, FIELD_CNONCE,
};

typedef struct {
    const gchar *start;
    const gchar *p;
    const gchar *end;
} Cursor;

static gsize
cursor_offset (const Cursor *c)
{
    return (gsize) (c->p - c->start);
}

/* RFC 7230 3.2.6 */
static gboolean
is_tchar (guchar ch)
{
    return g_ascii_isalnum (ch) || (ch != '\0' && strchr ("!#$%&'*+-.^_`|~", ch) != NULL);
}

/* qdtext and the escaped characters of a quoted-pair: no controls but HTAB */
static gboolean
is_quoted_text (guchar ch)
{
    return ch == '\t' || (ch >= 0x20 && ch != 0x7f);
}

static void
skip_whitespace (Cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
}

static gchar *
read_token (Cursor *c, gsize max_length, const gchar *what, GError **error)
{
    const gchar *start = c->p;

    while (c->p < c->end && is_tchar ((guchar) *c->p))
        c->p++;
    if (c->p == start) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                     "Digest authorization: expected %s at offset %" G_GSIZE_FORMAT, what, cursor_offset (c));
        return NULL;
    }
    if ((gsize) (c->p - start) > max_length) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                     "Digest authorization: %s longer than %" G_GSIZE_FORMAT " characters", what, max_length);
        return NULL;
    }
    return g_strndup (start, c->p - start);
}

static gchar *
read_quoted_string (Cursor *c, GError **error)
{
    g_autoptr(GString) value = g_string_new (NULL);

    c->p++;  /* the opening quote */
    while (c->p < c->end) {
        guchar ch = *c->p++;

        if (ch == '"')
            return g_string_free (g_steal_pointer (&value), FALSE);
        if (ch == '\\') {
            if (c->p == c->end)
                break;
            ch = *c->p++;
        }
        if (!is_quoted_text (ch)) {
            g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                         "Digest authorization: control character in a quoted value at offset %" G_GSIZE_FORMAT,
                         cursor_offset (c) - 1);
            return NULL;
        }
        if (value->len == HENB_DIGEST_MAX_VALUE_LENGTH) {
            g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                         "Digest authorization: value longer than %d characters", HENB_DIGEST_MAX_VALUE_LENGTH);
            return NULL;
        }
        g_string_append_c (value, (gchar) ch);
    }
    g_set_error_literal (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                         "Digest authorization: unterminated quoted value");
    return NULL;
}

static gint
field_by_name (const gchar *name)
{
    for (gint i = 0; i < N_FIELDS; i++) {
        if (g_ascii_strcasecmp (name, field_names[i]) == 0)
            return i;
    }
    return -1;
}

static gboolean
is_hex_of_length (const gchar *text, gsize length)
{
    for (gsize i = 0; i < length; i++) {
        if (!g_ascii_isxdigit (text[i]))
            return FALSE;
    }
    return text[length] == '\0';
}

static void
free_fields (gchar **values)
{
    for (gint i = 0; i < N_FIELDS; i++)
        g_free (values[i]);
}

/* Reads the auth-params after the scheme into @values (indexed by Field). */
static gboolean
parse_params (Cursor *c, gchar **values, GError **error)
{
    guint n_params = 0;

    for (;;) {
        g_autofree gchar *name = NULL;
        g_autofree gchar *value = NULL;
        gint field;

        /* RFC 7230 7: a recipient accepts empty list elements */
        while (c->p < c->end && (*c->p == ',' || *c->p == ' ' || *c->p == '\t'))
            c->p++;
        if (c->p == c->end)
            return TRUE;

        name = read_token (c, MAX_NAME_LENGTH, "a parameter name", error);
        if (name == NULL)
            return FALSE;
        skip_whitespace (c);
        if (c->p == c->end || *c->p != '=') {
            g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                         "Digest authorization: expected '=' at offset %" G_GSIZE_FORMAT, cursor_offset (c));
            return FALSE;
        }
        c->p++;
        skip_whitespace (c);
        if (c->p < c->end && *c->p == '"')
            value = read_quoted_string (c, error);
        else
            value = read_token (c, HENB_DIGEST_MAX_VALUE_LENGTH, "a value", error);
        if (value == NULL)
            return FALSE;

        if (++n_params > HENB_DIGEST_MAX_PARAMS) {
            g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                         "Digest authorization: more than %d parameters", HENB_DIGEST_MAX_PARAMS);
            return FALSE;
        }
        if (g_ascii_strcasecmp (name, "username*") == 0) {
            g_set_error_literal (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                                 "Digest authorization: username* is not supported");
            return FALSE;
        }
        /* RFC 7616 3.4: unknown parameters are ignored */
        field = field_by_name (name);
        if (field >= 0) {
            if (values[field] != NULL) {
                g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                             "Digest authorization: %s given twice", field_names[field]);
                return FALSE;
            }
            values[field] = g_steal_pointer (&value);
        }

        skip_whitespace (c);
        if (c->p < c->end && *c->p != ',') {
            g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                         "Digest authorization: expected ',' at offset %" G_GSIZE_FORMAT, cursor_offset (c));
            return FALSE;
        }
    }
}

/* What henbd can verify: MD5, qop=auth, well-formed response and nc. */
static gboolean
check_fields (gchar **values, GError **error)
{
    for (gsize i = 0; i < G_N_ELEMENTS (required_fields); i++) {
        if (values[required_fields[i]] == NULL) {
            g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                         "Digest authorization: %s is missing", field_names[required_fields[i]]);
            return FALSE;
        }
    }
    if (g_ascii_strcasecmp (values[FIELD_QOP], "auth") != 0) {
        g_set_error_literal (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                             "Digest authorization: qop is not auth");
        return FALSE;
    }
    if (values[FIELD_ALGORITHM] != NULL && g_ascii_strcasecmp (values[FIELD_ALGORITHM], "MD5") != 0) {
        g_set_error_literal (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                             "Digest authorization: algorithm is not MD5");
        return FALSE;
    }
    if (values[FIELD_USERHASH] != NULL && g_ascii_strcasecmp (values[FIELD_USERHASH], "false") != 0) {
        g_set_error_literal (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                             "Digest authorization: userhash is not supported");
        return FALSE;
    }
    if (!is_hex_of_length (values[FIELD_RESPONSE], MD5_HEX_LENGTH)) {
        g_set_error_literal (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                             "Digest authorization: response is not 32 hexadecimal digits");
        return FALSE;
    }
    if (!is_hex_of_length (values[FIELD_NC], 8)) {
        g_set_error_literal (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                             "Digest authorization: nc is not 8 hexadecimal digits");
        return FALSE;
    }
    return TRUE;
}

HenbDigestAuthorization *
henb_digest_authorization_parse (const gchar *header, gsize length, GError **error)
{
    gchar *values[N_FIELDS] = { NULL };
    Cursor c = { header, header, header + length };
    g_autofree gchar *scheme = NULL;
    HenbDigestAuthorization *auth;

    g_return_val_if_fail (header != NULL || length == 0, NULL);

    if (length > HENB_DIGEST_MAX_HEADER_LENGTH) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                     "Digest authorization: longer than %d bytes", HENB_DIGEST_MAX_HEADER_LENGTH);
        return NULL;
    }
    if (length > 0 && memchr (header, '\0', length) != NULL) {
        g_set_error_literal (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                             "Digest authorization: contains a NUL byte");
        return NULL;
    }
    skip_whitespace (&c);
    scheme = read_token (&c, MAX_NAME_LENGTH, "the scheme", error);
    if (scheme == NULL)
        return NULL;
    if (g_ascii_strcasecmp (scheme, "Digest") != 0) {
        g_set_error_literal (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                             "authorization is not Digest");
        return NULL;
    }
    if (c.p < c.end && *c.p != ' ' && *c.p != '\t') {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_INVALID_ARGS,
                     "Digest authorization: expected a space at offset %" G_GSIZE_FORMAT, cursor_offset (&c));
        return NULL;
    }
    if (!parse_params (&c, values, error) || !check_fields (values, error)) {
        free_fields (values);
        return NULL;
    }

    auth = g_new0 (HenbDigestAuthorization, 1);
    auth->username = g_steal_pointer (&values[FIELD_USERNAME]);
    auth->realm = g_steal_pointer (&values[FIELD_REALM]);
    auth->nonce = g_steal_pointer (&values[FIELD_NONCE]);
    auth->uri = g_steal_pointer (&values[FIELD_URI]);
    auth->response = g_ascii_strdown (values[FIELD_RESPONSE], -1);
    auth->cnonce = g_steal_pointer (&values[FIELD_CNONCE]);
    auth->opaque = g_steal_pointer (&values[FIELD_OPAQUE]);
    memcpy (auth->nc_text, values[FIELD_NC], sizeof auth->nc_text);
    auth->nc = (guint32) g_ascii_strtoull (auth->nc_text, NULL, 16);
    free_fields (values);
    return auth;
}

void
henb_digest_authorization_free (HenbDigestAuthorization *auth)
{
    if (auth == NULL)
        return;
    g_free (auth->username);
    g_free (auth->realm);
    g_free (auth->nonce);
    g_free (auth->uri);
    g_free (auth->response);
    g_free (auth->cnonce);
    g_free (auth->opaque);
    g_free (auth);
}

/* ------------------------------------------------------------------------------------------ */
/* The hash */

/* MD5 of @parts joined with ':', in lowercase hex; fed piecewise so no joined copy of a password remains */
static void
md5_of_parts (const gchar *const *parts, gchar out[MD5_HEX_LENGTH + 1])
{
    g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_MD5);

    for (gsize i = 0; parts[i] != NULL; i++) {
        if (i > 0)
            g_checksum_update (sum, (const guchar *) ":", 1);
        g_checksum_update (sum, (const guchar *) parts[i], strlen (parts[i]));
    }
    memcpy (out, g_checksum_get_string (sum), MD5_HEX_LENGTH + 1);
}

gchar *
henb_digest_compute_response (const gchar *username,
                              const gchar *realm,
                              const gchar *password,
                              const gchar *method,
                              const gchar *uri,
                              const gchar *nonce,
                              const gchar *nc,
                              const gchar *cnonce,
                              const gchar *qop)
{
    gchar ha1[MD5_HEX_LENGTH + 1];
    gchar ha2[MD5_HEX_LENGTH + 1];
    gchar response[MD5_HEX_LENGTH + 1];

    md5_of_parts ((const gchar *const[]) { username, realm, password, NULL }, ha1);
    md5_of_parts ((const gchar *const[]) { method, uri, NULL }, ha2);
    md5_of_parts ((const gchar *const[]) { ha1, nonce, nc, cnonce, qop, ha2, NULL }, response);
    /* HA1 is as good as the password for anyone who can compute Digest responses */
    explicit_bzero (ha1, sizeof ha1);
    return g_strdup (response);
}

static gboolean
equal_in_constant_time (const guint8 *a, const guint8 *b, gsize length)
{
    guint8 difference = 0;

    for (gsize i = 0; i < length; i++)
        difference |= a[i] ^ b[i];
    return difference == 0;
}

/* ------------------------------------------------------------------------------------------ */
/* The verifier */

typedef struct {
    guint64 serial;
    gint64  issued;
    guint32 last_nc;
} UsedNonce;

struct _HenbDigestVerifier {
    gchar    *realm;
    guint8   *secret;
    gsize     secret_size;
    gint64    lifetime;
    guint64   next_serial;
    guint64   forgotten_up_to;  /* nonces up to this serial may have lost their nc record */
    UsedNonce used[MAX_USED_NONCES];
    guint     n_used;
};

HenbDigestVerifier *
henb_digest_verifier_new (const gchar *realm, const guint8 *secret, gsize secret_size, gint64 nonce_lifetime_us)
{
    HenbDigestVerifier *self;

    g_return_val_if_fail (realm != NULL, NULL);
    g_return_val_if_fail (secret != NULL && secret_size >= 16, NULL);
    g_return_val_if_fail (nonce_lifetime_us > 0, NULL);

    self = g_new0 (HenbDigestVerifier, 1);
    self->realm = g_strdup (realm);
    self->secret = g_memdup2 (secret, secret_size);
    self->secret_size = secret_size;
    self->lifetime = nonce_lifetime_us;
    self->next_serial = 1;
    return self;
}

void
henb_digest_verifier_free (HenbDigestVerifier *self)
{
    if (self == NULL)
        return;
    explicit_bzero (self->secret, self->secret_size);
    g_free (self->secret);
    g_free (self->realm);
    g_free (self);
}

const gchar *
henb_digest_verifier_get_realm (HenbDigestVerifier *self)
{
    return self->realm;
}

static void
put_uint64 (guint8 *out, guint64 value)
{
    for (gint i = 7; i >= 0; i--) {
        out[i] = value & 0xff;
        value >>= 8;
    }
}

static guint64
get_uint64 (const guint8 *in)
{
    guint64 value = 0;

    for (gint i = 0; i < 8; i++)
        value = (value << 8) | in[i];
    return value;
}

static void
seal_nonce (HenbDigestVerifier *self, guint8 nonce[NONCE_SIZE])
{
    g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, self->secret, self->secret_size);
    guint8 digest[32];
    gsize digest_length = sizeof digest;

    g_hmac_update (hmac, nonce, 16);
    g_hmac_get_digest (hmac, digest, &digest_length);
    memcpy (nonce + 16, digest, NONCE_MAC_SIZE);
}

gchar *
henb_digest_verifier_issue_nonce (HenbDigestVerifier *self, gint64 now_us)
{
    guint8 nonce[NONCE_SIZE];
    GString *hex = g_string_sized_new (NONCE_HEX_LENGTH);

    put_uint64 (nonce, self->next_serial++);
    put_uint64 (nonce + 8, (guint64) now_us);
    seal_nonce (self, nonce);
    for (gsize i = 0; i < NONCE_SIZE; i++)
        g_string_append_printf (hex, "%02x", nonce[i]);
    return g_string_free (hex, FALSE);
}

/* Only the spelling this verifier issues: one nonce, one text. */
static gint
lowercase_hex_value (gchar ch)
{
    return g_ascii_isdigit (ch) || (ch >= 'a' && ch <= 'f') ? g_ascii_xdigit_value (ch) : -1;
}

/* Recovers serial and issue time from a nonce this verifier sealed; FALSE for any other. */
static gboolean
open_nonce (HenbDigestVerifier *self, const gchar *text, guint64 *serial, gint64 *issued)
{
    guint8 nonce[NONCE_SIZE];
    guint8 expected[NONCE_SIZE];

    if (strlen (text) != NONCE_HEX_LENGTH)
        return FALSE;
    for (gsize i = 0; i < NONCE_SIZE; i++) {
        gint high = lowercase_hex_value (text[2 * i]);
        gint low = lowercase_hex_value (text[2 * i + 1]);

        if (high < 0 || low < 0)
            return FALSE;
        nonce[i] = (guint8) (high << 4 | low);
    }
    memcpy (expected, nonce, 16);
    seal_nonce (self, expected);
    if (!equal_in_constant_time (nonce + 16, expected + 16, NONCE_MAC_SIZE))
        return FALSE;
    *serial = get_uint64 (nonce);
    *issued = (gint64) get_uint64 (nonce + 8);
    return TRUE;
}

static void
append_quoted (GString *out, const gchar *value)
{
    g_string_append_c (out, '"');
    for (const gchar *p = value; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_c (out, '\\');
        g_string_append_c (out, *p);
    }
    g_string_append_c (out, '"');
}

gchar *
henb_digest_verifier_challenge (HenbDigestVerifier *self, gboolean stale, gint64 now_us)
{
    g_autofree gchar *nonce = henb_digest_verifier_issue_nonce (self, now_us);
    GString *challenge = g_string_new ("Digest realm=");

    append_quoted (challenge, self->realm);
    g_string_append_printf (challenge, ", qop=\"auth\", algorithm=MD5, nonce=\"%s\"", nonce);
    if (stale)
        g_string_append (challenge, ", stale=true");
    return g_string_free (challenge, FALSE);
}

/* Expired nonces are refused before their record is looked at, so they need none. */
static void
forget_expired (HenbDigestVerifier *self, gint64 now_us)
{
    guint kept = 0;

    for (guint i = 0; i < self->n_used; i++) {
        if (now_us - self->used[i].issued <= self->lifetime)
            self->used[kept++] = self->used[i];
    }
    self->n_used = kept;
}

static UsedNonce *
find_used (HenbDigestVerifier *self, guint64 serial)
{
    for (guint i = 0; i < self->n_used; i++) {
        if (self->used[i].serial == serial)
            return &self->used[i];
    }
    return NULL;
}

static UsedNonce *
remember_used (HenbDigestVerifier *self, guint64 serial, gint64 issued)
{
    UsedNonce *slot;

    if (self->n_used == MAX_USED_NONCES) {
        guint oldest = 0;

        for (guint i = 1; i < self->n_used; i++) {
            if (self->used[i].serial < self->used[oldest].serial)
                oldest = i;
        }
        /* its nc record is gone: refuse it (and anything older) rather than allow a replay */
        self->forgotten_up_to = MAX (self->forgotten_up_to, self->used[oldest].serial);
        self->used[oldest] = self->used[--self->n_used];
    }
    slot = &self->used[self->n_used++];
    *slot = (UsedNonce) { .serial = serial, .issued = issued, .last_nc = 0 };
    return slot;
}

HenbDigestResult
henb_digest_verifier_check (HenbDigestVerifier            *self,
                            const HenbDigestAuthorization *auth,
                            const gchar                   *method,
                            const gchar                   *request_uri,
                            const gchar                   *username,
                            const gchar                   *password,
                            gint64                         now_us)
{
    g_autofree gchar *expected = NULL;
    gboolean response_ok;
    UsedNonce *used;
    guint64 serial;
    gint64 issued;

    g_return_val_if_fail (self != NULL && auth != NULL, HENB_DIGEST_WRONG_RESPONSE);

    if (strcmp (auth->realm, self->realm) != 0)
        return HENB_DIGEST_WRONG_REALM;
    if (strcmp (auth->uri, request_uri) != 0)
        return HENB_DIGEST_WRONG_URI;
    if (username == NULL || *username == '\0' || strcmp (auth->username, username) != 0)
        return HENB_DIGEST_WRONG_USERNAME;

    expected = henb_digest_compute_response (username, self->realm, password != NULL ? password : "",
                                             method, auth->uri, auth->nonce, auth->nc_text, auth->cnonce,
                                             "auth");
    response_ok = equal_in_constant_time ((const guint8 *) expected, (const guint8 *) auth->response,
                                          MD5_HEX_LENGTH);

    if (!open_nonce (self, auth->nonce, &serial, &issued) || issued > now_us)
        return HENB_DIGEST_UNKNOWN_NONCE;
    if (!response_ok)
        return HENB_DIGEST_WRONG_RESPONSE;
    /* RFC 7616 3.3: stale only when the client proved it knows the password */
    if (now_us - issued > self->lifetime)
        return HENB_DIGEST_STALE_NONCE;

    forget_expired (self, now_us);
    used = find_used (self, serial);
    if (used == NULL) {
        if (serial <= self->forgotten_up_to)
            return HENB_DIGEST_STALE_NONCE;
        used = remember_used (self, serial, issued);
    }
    if (auth->nc <= used->last_nc)
        return HENB_DIGEST_REPLAYED_NC;
    used->last_nc = auth->nc;
    return HENB_DIGEST_OK;
}

const gchar *
henb_digest_result_to_string (HenbDigestResult result)
{
    switch (result) {
    case HENB_DIGEST_OK:
        return "authenticated";
    case HENB_DIGEST_WRONG_REALM:
        return "wrong realm";
    case HENB_DIGEST_WRONG_URI:
        return "uri is not the request target";
    case HENB_DIGEST_WRONG_USERNAME:
        return "unknown username";
    case HENB_DIGEST_WRONG_RESPONSE:
        return "wrong response (password?)";
    case HENB_DIGEST_UNKNOWN_NONCE:
        return "nonce not issued by henbd";
    case HENB_DIGEST_STALE_NONCE:
        return "nonce expired";
    case HENB_DIGEST_REPLAYED_NC:
        return "nonce count replayed";
    default:
        return "?";
    }
}
