/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "henb-stun.h"

#define MAGIC_COOKIE 0x2112A442u
#define INTEGRITY_SIZE 20 /* HMAC-SHA1 */
#define MAX_USERNAME 256

static void
put16 (GByteArray *out, guint16 v)
{
    guint8 b[2] = { v >> 8, v & 0xff };

    g_byte_array_append (out, b, 2);
}

static void
put32 (GByteArray *out, guint32 v)
{
    guint8 b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

    g_byte_array_append (out, b, 4);
}

static guint16
get16 (const guint8 *p)
{
    return (guint16) (p[0] << 8 | p[1]);
}

static guint32
get32 (const guint8 *p)
{
    return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static void
put_attribute (GByteArray *out, guint16 type, const void *value, gsize size)
{
    static const guint8 zeros[3];

    put16 (out, type);
    put16 (out, (guint16) size);
    if (size > 0)
        g_byte_array_append (out, value, size);
    if (size % 4 != 0)
        g_byte_array_append (out, zeros, 4 - size % 4);
}

static void
set_length (GByteArray *out, gsize body)
{
    out->data[2] = (body >> 8) & 0xff;
    out->data[3] = body & 0xff;
}

/* HMAC-SHA1 over @data with @key (RFC 5389 15.4, short-term: the password itself). */
static void
integrity (const guint8 *data, gsize size, const gchar *key, guint8 digest[INTEGRITY_SIZE])
{
    g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA1, (const guchar *) key, strlen (key));
    gsize len = INTEGRITY_SIZE;

    g_hmac_update (hmac, data, size);
    g_hmac_get_digest (hmac, digest, &len);
}

GBytes *
henb_stun_build_binding_request (const guint8 transaction_id[HENB_STUN_TRANSACTION_ID_SIZE],
                                 gboolean     binding_change,
                                 const gchar *username,
                                 const gchar *password)
{
    g_autoptr(GByteArray) out = g_byte_array_sized_new (128);

    put16 (out, HENB_STUN_BINDING_REQUEST);
    put16 (out, 0);
    put32 (out, MAGIC_COOKIE);
    g_byte_array_append (out, transaction_id, HENB_STUN_TRANSACTION_ID_SIZE);
    put_attribute (out, HENB_STUN_ATTR_CONNECTION_REQUEST_BINDING, HENB_STUN_CONNECTION_REQUEST_BINDING,
                   strlen (HENB_STUN_CONNECTION_REQUEST_BINDING));
    if (binding_change)
        put_attribute (out, HENB_STUN_ATTR_BINDING_CHANGE, NULL, 0);
    if (username != NULL && username[0] != '\0') {
        guint8 digest[INTEGRITY_SIZE];

        put_attribute (out, HENB_STUN_ATTR_USERNAME, username, MIN (strlen (username), MAX_USERNAME));
        /* the length covers MESSAGE-INTEGRITY, the HMAC what precedes it */
        set_length (out, out->len - HENB_STUN_HEADER_SIZE + 4 + INTEGRITY_SIZE);
        integrity (out->data, out->len, password != NULL ? password : "", digest);
        put_attribute (out, HENB_STUN_ATTR_MESSAGE_INTEGRITY, digest, sizeof digest);
    }
    set_length (out, out->len - HENB_STUN_HEADER_SIZE);
    return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

gboolean
henb_stun_is_stun (const guint8 *data, gsize size)
{
    return size >= HENB_STUN_HEADER_SIZE && (data[0] & 0xc0) == 0 && get32 (data + 4) == MAGIC_COOKIE;
}

void
henb_stun_message_free (HenbStunMessage *message)
{
    if (message == NULL)
        return;
    g_clear_object (&message->mapped);
    g_free (message->username);
    g_free (message);
}

static gboolean
invalid (GError **error, const gchar *what)
{
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "STUN: %s", what);
    return FALSE;
}

static gboolean
parse_address (const guint8 *value, gsize size, gboolean xored, const guint8 *header, GInetSocketAddress **out,
               GError **error)
{
    guint8 bytes[16];
    gsize addr_size;
    guint16 port;
    g_autoptr(GInetAddress) address = NULL;

    if (size < 4 || value[0] != 0)
        return invalid (error, "malformed address attribute");
    switch (value[1]) {
    case 0x01:
        addr_size = 4;
        break;
    case 0x02:
        addr_size = 16;
        break;
    default:
        return invalid (error, "unknown address family");
    }
    if (size != 4 + addr_size)
        return invalid (error, "address attribute of the wrong length");
    port = get16 (value + 2);
    memcpy (bytes, value + 4, addr_size);
    if (xored) {
        /* RFC 5389 15.2: the port with the cookie's top half, the address with cookie + id */
        port ^= MAGIC_COOKIE >> 16;
        for (gsize i = 0; i < addr_size; i++)
            bytes[i] ^= header[4 + i];
    }
    address = g_inet_address_new_from_bytes (bytes, addr_size == 4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
    g_clear_object (out);
    *out = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (address, port));
    return TRUE;
}

HenbStunMessage *
henb_stun_parse (const guint8 *data, gsize size, const gchar *key, GError **error)
{
    g_autoptr(HenbStunMessage) m = g_new0 (HenbStunMessage, 1);
    g_autoptr(GInetSocketAddress) plain = NULL;
    gsize length, offset;

    if (!henb_stun_is_stun (data, size)) {
        invalid (error, "not a STUN message");
        return NULL;
    }
    if (size > HENB_STUN_MAX_MESSAGE_SIZE) {
        invalid (error, "message too long");
        return NULL;
    }
    length = get16 (data + 2);
    if (length % 4 != 0 || HENB_STUN_HEADER_SIZE + length != size) {
        invalid (error, "length does not match the datagram");
        return NULL;
    }
    m->type = get16 (data);
    memcpy (m->transaction_id, data + 8, HENB_STUN_TRANSACTION_ID_SIZE);

    for (offset = HENB_STUN_HEADER_SIZE; offset < size;) {
        guint16 type, alen;
        const guint8 *value;

        if (size - offset < 4) {
            invalid (error, "truncated attribute header");
            return NULL;
        }
        type = get16 (data + offset);
        alen = get16 (data + offset + 2);
        value = data + offset + 4;
        if (alen > size - offset - 4) {
            invalid (error, "attribute beyond the message");
            return NULL;
        }
        if (m->has_integrity && type != 0x8028 /* FINGERPRINT */) {
            /* RFC 5389 15.4: what follows MESSAGE-INTEGRITY is ignored, except FINGERPRINT */
            break;
        }
        switch (type) {
        case HENB_STUN_ATTR_XOR_MAPPED_ADDRESS:
            if (!parse_address (value, alen, TRUE, data, &m->mapped, error))
                return NULL;
            break;
        case HENB_STUN_ATTR_MAPPED_ADDRESS:
            if (!parse_address (value, alen, FALSE, data, &plain, error))
                return NULL;
            break;
        case HENB_STUN_ATTR_ERROR_CODE:
            if (alen < 4 || data[offset + 6] < 3 || data[offset + 6] > 6 || data[offset + 7] > 99) {
                invalid (error, "malformed ERROR-CODE");
                return NULL;
            }
            m->error_code = (data[offset + 6] & 0x07) * 100 + data[offset + 7];
            break;
        case HENB_STUN_ATTR_USERNAME:
            if (alen > MAX_USERNAME || !g_utf8_validate ((const gchar *) value, alen, NULL)) {
                invalid (error, "malformed USERNAME");
                return NULL;
            }
            g_free (m->username);
            m->username = g_strndup ((const gchar *) value, alen);
            break;
        case HENB_STUN_ATTR_MESSAGE_INTEGRITY:
            if (alen != INTEGRITY_SIZE) {
                invalid (error, "MESSAGE-INTEGRITY of the wrong length");
                return NULL;
            }
            m->has_integrity = TRUE;
            if (key != NULL) {
                g_autofree guint8 *copy = g_memdup2 (data, offset);
                guint8 digest[INTEGRITY_SIZE];

                /* the length as if the message ended with this attribute */
                copy[2] = ((offset + 4 + INTEGRITY_SIZE - HENB_STUN_HEADER_SIZE) >> 8) & 0xff;
                copy[3] = (offset + 4 + INTEGRITY_SIZE - HENB_STUN_HEADER_SIZE) & 0xff;
                integrity (copy, offset, key, digest);
                m->integrity_ok = memcmp (digest, value, INTEGRITY_SIZE) == 0;
            }
            break;
        case HENB_STUN_ATTR_CONNECTION_REQUEST_BINDING:
            m->connection_request_binding = alen == strlen (HENB_STUN_CONNECTION_REQUEST_BINDING) &&
                                            memcmp (value, HENB_STUN_CONNECTION_REQUEST_BINDING, alen) == 0;
            break;
        case HENB_STUN_ATTR_BINDING_CHANGE:
            m->binding_change = TRUE;
            break;
        default:
            /* a request with a comprehension-required attribute we do not know is unusable; answers
             * carry RFC 3489 ones (SOURCE-ADDRESS, CHANGED-ADDRESS) we need not read */
            if (type < 0x8000 && m->type == HENB_STUN_BINDING_REQUEST) {
                invalid (error, "unknown comprehension-required attribute");
                return NULL;
            }
            break;
        }
        offset += 4 + ((alen + 3u) & ~3u);
    }
    if (offset > size && !m->has_integrity) {
        invalid (error, "attribute padding beyond the message");
        return NULL;
    }
    if (m->mapped == NULL && plain != NULL)
        m->mapped = g_steal_pointer (&plain);
    return g_steal_pointer (&m);
}
