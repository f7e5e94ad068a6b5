/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "henb-udp-cr.h"

#define SIG_HEX 40 /* HMAC-SHA1 */
#define MAX_FIELD 256
#define MAX_QUERY_ITEMS 16

void
henb_udp_cr_free (HenbUdpCr *cr)
{
    if (cr == NULL)
        return;
    g_free (cr->ts);
    g_free (cr->id);
    g_free (cr->un);
    g_free (cr->cn);
    g_free (cr->sig);
    g_free (cr->raw_id);
    g_free (cr->raw_un);
    g_free (cr->raw_cn);
    g_free (cr);
}

static gpointer
invalid (GError **error, const gchar *what)
{
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "UDP connection request: %s", what);
    return NULL;
}

/* printable ASCII, no space: what a request target may hold */
static gboolean
is_token (const gchar *s, gsize len)
{
    for (gsize i = 0; i < len; i++)
        if (s[i] <= ' ' || s[i] >= 0x7f)
            return FALSE;
    return TRUE;
}

/* printable ASCII with spaces: what a decoded field may hold */
static gboolean
is_printable (const gchar *s)
{
    for (; *s != '\0'; s++)
        if (*s < ' ' || *s >= 0x7f)
            return FALSE;
    return TRUE;
}

static gboolean
all_digits (const gchar *s)
{
    if (*s == '\0')
        return FALSE;
    for (; *s != '\0'; s++)
        if (!g_ascii_isdigit (*s))
            return FALSE;
    return TRUE;
}

static gboolean
set_field (gchar **field, gchar **raw, const gchar *value, GError **error)
{
    g_autofree gchar *decoded = g_uri_unescape_string (value, NULL);

    if (*field != NULL)
        return invalid (error, "a query field twice") != NULL;
    if (decoded == NULL || strlen (decoded) > MAX_FIELD || !is_printable (decoded) ||
        strlen (value) > MAX_FIELD)
        return invalid (error, "a query field that is not printable") != NULL;
    *field = g_steal_pointer (&decoded);
    if (raw != NULL)
        *raw = g_strdup (value);
    return TRUE;
}

HenbUdpCr *
henb_udp_cr_parse (const guint8 *data, gsize size, GError **error)
{
    g_autoptr(HenbUdpCr) cr = g_new0 (HenbUdpCr, 1);
    g_autofree gchar *text = NULL;
    g_autofree gchar *target = NULL;
    g_auto(GStrv) items = NULL;
    const gchar *line_end, *space, *query;

    if (data == NULL || size == 0)
        return invalid (error, "empty");
    if (size > HENB_UDP_CR_MAX_SIZE)
        return invalid (error, "too long");
    if (memchr (data, '\0', size) != NULL)
        return invalid (error, "a NUL byte");
    text = g_strndup ((const gchar *) data, size);
    if (!g_str_has_prefix (text, "GET "))
        return invalid (error, "not a GET");
    line_end = strstr (text, "\r\n");
    if (line_end == NULL || strstr (line_end, "\r\n\r\n") == NULL)
        return invalid (error, "no complete header");
    space = memchr (text + 4, ' ', line_end - (text + 4));
    if (space == NULL || strncmp (space, " HTTP/1.1\r\n", 11) != 0)
        return invalid (error, "not HTTP/1.1");
    target = g_strndup (text + 4, space - (text + 4));
    if (!is_token (target, strlen (target)))
        return invalid (error, "a request target that is not printable");
    query = strchr (target, '?');
    if (query == NULL)
        return invalid (error, "no query");
    items = g_strsplit (query + 1, "&", MAX_QUERY_ITEMS + 1);
    if (g_strv_length (items) > MAX_QUERY_ITEMS)
        return invalid (error, "too many query fields");
    for (guint i = 0; items[i] != NULL; i++) {
        gchar *eq = strchr (items[i], '=');
        gchar **field = NULL;
        gchar **raw = NULL;

        if (eq == NULL)
            continue;
        *eq = '\0';
        if (g_str_equal (items[i], "ts"))
            field = &cr->ts;
        else if (g_str_equal (items[i], "id"))
            field = &cr->id, raw = &cr->raw_id;
        else if (g_str_equal (items[i], "un"))
            field = &cr->un, raw = &cr->raw_un;
        else if (g_str_equal (items[i], "cn"))
            field = &cr->cn, raw = &cr->raw_cn;
        else if (g_str_equal (items[i], "sig"))
            field = &cr->sig;
        else
            continue; /* TR-111 names no others; an extension is no reason to refuse */
        if (!set_field (field, raw, eq + 1, error))
            return NULL;
    }
    if (cr->ts == NULL || cr->id == NULL || cr->un == NULL || cr->cn == NULL || cr->sig == NULL)
        return invalid (error, "ts, id, un, cn or sig missing");
    if (!all_digits (cr->ts) || strlen (cr->ts) > 12)
        return invalid (error, "ts is not a time");
    cr->timestamp = g_ascii_strtoll (cr->ts, NULL, 10);
    if (cr->id[0] == '\0' || cr->cn[0] == '\0')
        return invalid (error, "empty id or cn");
    if (strlen (cr->sig) != SIG_HEX)
        return invalid (error, "sig is not an HMAC-SHA1");
    for (const gchar *p = cr->sig; *p != '\0'; p++)
        if (!g_ascii_isxdigit (*p))
            return invalid (error, "sig is not hex");
    return g_steal_pointer (&cr);
}

gchar *
henb_udp_cr_sign (const gchar *ts, const gchar *id, const gchar *un, const gchar *cn, const gchar *password)
{
    g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA1, (const guchar *) password, strlen (password));

    g_hmac_update (hmac, (const guchar *) ts, -1);
    g_hmac_update (hmac, (const guchar *) id, -1);
    g_hmac_update (hmac, (const guchar *) un, -1);
    g_hmac_update (hmac, (const guchar *) cn, -1);
    return g_strdup (g_hmac_get_string (hmac));
}

/* the whole length always, so the time says nothing of where they differ */
static gboolean
equal_hex (const gchar *a, const gchar *b)
{
    guint diff = 0;

    if (strlen (a) != SIG_HEX || strlen (b) != SIG_HEX)
        return FALSE;
    for (gsize i = 0; i < SIG_HEX; i++)
        diff |= (guint) (g_ascii_tolower (a[i]) ^ g_ascii_tolower (b[i]));
    return diff == 0;
}

const gchar *
henb_udp_cr_verdict_to_string (HenbUdpCrVerdict verdict)
{
    switch (verdict) {
    case HENB_UDP_CR_OK:
        return "ok";
    case HENB_UDP_CR_DUPLICATE:
        return "a copy of the last one";
    case HENB_UDP_CR_NO_CREDENTIALS:
        return "no ConnectionRequestUsername configured";
    case HENB_UDP_CR_WRONG_USERNAME:
        return "wrong username";
    case HENB_UDP_CR_BAD_SIGNATURE:
        return "wrong signature";
    case HENB_UDP_CR_STALE:
        return "timestamp too far from our clock";
    case HENB_UDP_CR_REPLAYED:
        return "replayed";
    default:
        return "?";
    }
}

/*
 * An accepted request is remembered by its signature, not its id: the signature may cover the
 * fields as sent or as decoded, so a replay can re-encode the id (a%2F -> a%252F) and still
 * verify, but it always carries the original signature.
 */
typedef struct {
    gchar  *sig;         /* lowercase hex */
    gint64  accepted_at; /* monotonic µs */
} Seen;

struct _HenbUdpCrGuard {
    Seen   seen[HENB_UDP_CR_REMEMBERED];
    guint  next;
    gint64 last_timestamp; /* ts of the last accepted; older ones are replays */
};

HenbUdpCrGuard *
henb_udp_cr_guard_new (void)
{
    return g_new0 (HenbUdpCrGuard, 1);
}

void
henb_udp_cr_guard_free (HenbUdpCrGuard *guard)
{
    if (guard == NULL)
        return;
    for (guint i = 0; i < HENB_UDP_CR_REMEMBERED; i++)
        g_free (guard->seen[i].sig);
    g_free (guard);
}

/* As decoded, then as sent; each signature covers the username it is compared with. */
static HenbUdpCrVerdict
check_signature (const HenbUdpCr *cr, const gchar *username, const gchar *password)
{
    gboolean named = FALSE;

    for (guint form = 0; form < 2; form++) {
        const gchar *id = form == 0 ? cr->id : cr->raw_id;
        const gchar *un = form == 0 ? cr->un : cr->raw_un;
        const gchar *cn = form == 0 ? cr->cn : cr->raw_cn;
        g_autofree gchar *expected = NULL;

        if (!g_str_equal (un, username))
            continue;
        named = TRUE;
        expected = henb_udp_cr_sign (cr->ts, id, un, cn, password);
        if (equal_hex (expected, cr->sig))
            return HENB_UDP_CR_OK;
    }
    return named ? HENB_UDP_CR_BAD_SIGNATURE : HENB_UDP_CR_WRONG_USERNAME;
}

HenbUdpCrVerdict
henb_udp_cr_guard_check (HenbUdpCrGuard  *guard,
                         const HenbUdpCr *cr,
                         const gchar     *username,
                         const gchar     *password,
                         gint64           now,
                         gint64           now_monotonic)
{
    g_autofree gchar *sig = NULL;
    HenbUdpCrVerdict verdict;

    if (username == NULL || username[0] == '\0')
        return HENB_UDP_CR_NO_CREDENTIALS;
    verdict = check_signature (cr, username, password != NULL ? password : "");
    if (verdict != HENB_UDP_CR_OK)
        return verdict;
    /* authentic from here on: only such messages may fill the memory */
    sig = g_ascii_strdown (cr->sig, -1);
    for (guint i = 0; i < HENB_UDP_CR_REMEMBERED; i++) {
        if (guard->seen[i].sig == NULL || !g_str_equal (guard->seen[i].sig, sig))
            continue;
        if (now_monotonic - guard->seen[i].accepted_at < HENB_UDP_CR_DUPLICATE_S * G_USEC_PER_SEC)
            return HENB_UDP_CR_DUPLICATE;
        return HENB_UDP_CR_REPLAYED;
    }
    if (cr->timestamp < now - HENB_UDP_CR_WINDOW_S || cr->timestamp > now + HENB_UDP_CR_WINDOW_S)
        return HENB_UDP_CR_STALE;
    if (cr->timestamp < guard->last_timestamp)
        return HENB_UDP_CR_REPLAYED;
    g_free (guard->seen[guard->next].sig);
    guard->seen[guard->next].sig = g_steal_pointer (&sig);
    guard->seen[guard->next].accepted_at = now_monotonic;
    guard->next = (guard->next + 1) % HENB_UDP_CR_REMEMBERED;
    guard->last_timestamp = cr->timestamp;
    return HENB_UDP_CR_OK;
}
