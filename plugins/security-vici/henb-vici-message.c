/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VICI wire format: message bodies to and from a{sv}, and packet framing. Written from the
 * protocol description in strongSwan's vici README; no strongSwan code. The decoder sees
 * whatever the socket delivers, so it checks every length against what is left and keeps
 * its own stack bounded.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "henb-errors.h"
#include "henb-vici-message.h"

#define MAX_NAME  G_MAXUINT8
#define MAX_VALUE G_MAXUINT16

/* ------------------------------------------------------------------------------------------ */
/* Encoding */

static void
put_u8 (GByteArray *out, guint8 v)
{
    g_byte_array_append (out, &v, 1);
}

static void
put_name (GByteArray *out, const gchar *name)
{
    put_u8 (out, (guint8) strlen (name));
    g_byte_array_append (out, (const guint8 *) name, strlen (name));
}

static void
put_value (GByteArray *out, const guint8 *data, gsize len)
{
    guint8 be[2] = { (guint8) (len >> 8), (guint8) (len & 0xff) };

    g_byte_array_append (out, be, 2);
    if (len > 0)
        g_byte_array_append (out, data, len);
}

static const gchar *
path_or_root (const gchar *path)
{
    return path[0] != '\0' ? path : "(root)";
}

static gboolean
check_name (const gchar *name, const gchar *path, GError **error)
{
    gsize len = strlen (name);

    if (len == 0) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                     "VICI message: empty key in %s", path_or_root (path));
        return FALSE;
    }
    if (len > MAX_NAME) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                     "VICI message: key '%.32s...' in %s is %" G_GSIZE_FORMAT " bytes long, "
                     "the limit is %u", name, path_or_root (path), len, MAX_NAME);
        return FALSE;
    }
    return TRUE;
}

/* A string or a byte string: both end up as a raw value. */
static gboolean
value_bytes (GVariant *value, const gchar *key, const guint8 **data, gsize *len, GError **error)
{
    if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)) {
        *data = (const guint8 *) g_variant_get_string (value, len);
    } else {
        *data = g_variant_get_fixed_array (value, len, 1);
    }
    if (*len > MAX_VALUE) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                     "VICI message: value of %s is %" G_GSIZE_FORMAT " bytes long, the limit is %u",
                     key, *len, MAX_VALUE);
        return FALSE;
    }
    return TRUE;
}

static gboolean
encode_section (GByteArray *out, GVariant *section, const gchar *path, guint depth, GError **error)
{
    g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
    GVariantIter iter;
    const gchar *key;
    GVariant *raw;

    g_variant_iter_init (&iter, section);
    while (g_variant_iter_next (&iter, "{&sv}", &key, &raw)) {
        g_autoptr(GVariant) value = raw;
        g_autofree gchar *key_path = path[0] != '\0' ? g_strconcat (path, ".", key, NULL)
                                                     : g_strdup (key);
        const guint8 *data;
        gsize len;

        if (!check_name (key, path, error))
            return FALSE;
        if (!g_hash_table_add (seen, (gpointer) key)) {
            g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                         "VICI message: duplicate key %s", key_path);
            return FALSE;
        }

        if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING) ||
            g_variant_is_of_type (value, G_VARIANT_TYPE_BYTESTRING)) {
            if (!value_bytes (value, key_path, &data, &len, error))
                return FALSE;
            put_u8 (out, HENB_VICI_KEY_VALUE);
            put_name (out, key);
            put_value (out, data, len);
        } else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY) ||
                   g_variant_is_of_type (value, G_VARIANT_TYPE_BYTESTRING_ARRAY)) {
            gsize n = g_variant_n_children (value);

            put_u8 (out, HENB_VICI_LIST_START);
            put_name (out, key);
            for (gsize i = 0; i < n; i++) {
                g_autoptr(GVariant) item = g_variant_get_child_value (value, i);

                if (!value_bytes (item, key_path, &data, &len, error))
                    return FALSE;
                put_u8 (out, HENB_VICI_LIST_ITEM);
                put_value (out, data, len);
            }
            put_u8 (out, HENB_VICI_LIST_END);
        } else if (g_variant_is_of_type (value, G_VARIANT_TYPE_VARDICT)) {
            if (depth >= HENB_VICI_MAX_DEPTH) {
                g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                             "VICI message: section %s is nested deeper than %u levels",
                             key_path, HENB_VICI_MAX_DEPTH);
                return FALSE;
            }
            put_u8 (out, HENB_VICI_SECTION_START);
            put_name (out, key);
            if (!encode_section (out, value, key_path, depth + 1, error))
                return FALSE;
            put_u8 (out, HENB_VICI_SECTION_END);
        } else {
            g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                         "VICI message: %s has type '%s'; only s, ay, as, aay and a{sv} "
                         "are supported",
                         key_path, g_variant_get_type_string (value));
            return FALSE;
        }
    }
    return TRUE;
}

GBytes *
henb_vici_message_encode (GVariant *message, GError **error)
{
    g_autoptr(GByteArray) out = g_byte_array_new ();
    g_autoptr(GVariant) owned = NULL;

    if (message == NULL)
        return g_bytes_new (NULL, 0);
    owned = g_variant_ref_sink (message);
    if (!g_variant_is_of_type (owned, G_VARIANT_TYPE_VARDICT)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                     "VICI message: expected a{sv}, got '%s'", g_variant_get_type_string (owned));
        return NULL;
    }
    if (!encode_section (out, owned, "", 0, error))
        return NULL;
    return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* ------------------------------------------------------------------------------------------ */
/* Decoding */

typedef struct {
    GVariantBuilder *builder;
    gchar           *name;  /* NULL for the root */
} Frame;

typedef struct {
    gsize offset;
    gsize len;
} Span;

typedef struct {
    const guint8 *data;
    gsize         size;
    gsize         pos;
    Frame         stack[HENB_VICI_MAX_DEPTH + 1];
    guint         depth;      /* stack[depth] is the open section */
    gchar        *list_name;  /* non-NULL while a list is open */
    GArray       *items;      /* Span of the open list's items */
    gboolean      items_utf8;
} Decoder;

static void decode_fail (GError **error, gsize offset, const gchar *format, ...)
    G_GNUC_PRINTF (3, 4);

static void
decode_fail (GError **error, gsize offset, const gchar *format, ...)
{
    g_autofree gchar *what = NULL;
    va_list args;

    va_start (args, format);
    what = g_strdup_vprintf (format, args);
    va_end (args);
    g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                 "malformed VICI message: %s at offset %" G_GSIZE_FORMAT, what, offset);
}

static const gchar *
element_name (guint8 type)
{
    switch (type) {
    case HENB_VICI_SECTION_START: return "SECTION_START";
    case HENB_VICI_SECTION_END:   return "SECTION_END";
    case HENB_VICI_KEY_VALUE:     return "KEY_VALUE";
    case HENB_VICI_LIST_START:    return "LIST_START";
    case HENB_VICI_LIST_ITEM:     return "LIST_ITEM";
    case HENB_VICI_LIST_END:      return "LIST_END";
    default:                      return "unknown element";
    }
}

static gboolean
is_text (const guint8 *data, gsize len)
{
    /* g_utf8_validate_len() also refuses NUL bytes, which a GVariant string cannot hold */
    return g_utf8_validate_len ((const gchar *) data, len, NULL);
}

static gboolean
read_name (Decoder *d, guint8 type, gsize start, gchar **out, GError **error)
{
    gsize len;

    if (d->pos >= d->size) {
        decode_fail (error, start, "%s is truncated before its name", element_name (type));
        return FALSE;
    }
    len = d->data[d->pos];
    if (len == 0) {
        decode_fail (error, start, "%s has an empty name", element_name (type));
        return FALSE;
    }
    if (len > d->size - d->pos - 1) {
        decode_fail (error, start, "%s name needs %" G_GSIZE_FORMAT " bytes, only %" G_GSIZE_FORMAT
                     " left", element_name (type), len, d->size - d->pos - 1);
        return FALSE;
    }
    if (!is_text (d->data + d->pos + 1, len)) {
        decode_fail (error, start, "%s name is not valid UTF-8", element_name (type));
        return FALSE;
    }
    *out = g_strndup ((const gchar *) d->data + d->pos + 1, len);
    d->pos += 1 + len;
    return TRUE;
}

static gboolean
read_value (Decoder *d, guint8 type, gsize start, Span *out, GError **error)
{
    gsize len;

    if (d->size - d->pos < 2) {
        decode_fail (error, start, "%s is truncated before its value length", element_name (type));
        return FALSE;
    }
    len = ((gsize) d->data[d->pos] << 8) | d->data[d->pos + 1];
    if (len > d->size - d->pos - 2) {
        decode_fail (error, start, "%s value needs %" G_GSIZE_FORMAT " bytes, only %" G_GSIZE_FORMAT
                     " left", element_name (type), len, d->size - d->pos - 2);
        return FALSE;
    }
    out->offset = d->pos + 2;
    out->len = len;
    d->pos += 2 + len;
    return TRUE;
}

/* @text: whether a string is allowed (a list is as or aay as a whole) */
static GVariant *
value_variant (Decoder *d, const Span *span, gboolean text)
{
    const guint8 *p = d->data + span->offset;

    if (text && is_text (p, span->len))
        return g_variant_new_take_string (g_strndup ((const gchar *) p, span->len));
    return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, p, span->len, 1);
}

static void
decoder_clear (Decoder *d)
{
    for (guint i = 0; i <= d->depth; i++) {
        g_clear_pointer (&d->stack[i].builder, g_variant_builder_unref);
        g_clear_pointer (&d->stack[i].name, g_free);
    }
    g_clear_pointer (&d->list_name, g_free);
    g_clear_pointer (&d->items, g_array_unref);
}

/* Handles one element starting at d->pos. */
static gboolean
decode_element (Decoder *d, GError **error)
{
    gsize start = d->pos;
    guint8 type = d->data[d->pos++];
    GVariantBuilder *current = d->stack[d->depth].builder;
    gboolean in_list = d->list_name != NULL;
    g_autofree gchar *name = NULL;
    Span span;

    switch (type) {
    case HENB_VICI_SECTION_START:
        if (in_list) {
            decode_fail (error, start, "SECTION_START inside list '%s'", d->list_name);
            return FALSE;
        }
        if (d->depth >= HENB_VICI_MAX_DEPTH) {
            decode_fail (error, start, "sections nested deeper than %u levels",
                         HENB_VICI_MAX_DEPTH);
            return FALSE;
        }
        if (!read_name (d, type, start, &name, error))
            return FALSE;
        d->depth++;
        d->stack[d->depth].builder = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
        d->stack[d->depth].name = g_steal_pointer (&name);
        return TRUE;

    case HENB_VICI_SECTION_END: {
        Frame *frame = &d->stack[d->depth];

        if (in_list) {
            decode_fail (error, start, "SECTION_END inside list '%s'", d->list_name);
            return FALSE;
        }
        if (d->depth == 0) {
            decode_fail (error, start, "SECTION_END without an open section");
            return FALSE;
        }
        g_variant_builder_add (d->stack[d->depth - 1].builder, "{sv}", frame->name,
                               g_variant_builder_end (frame->builder));
        g_clear_pointer (&frame->builder, g_variant_builder_unref);
        g_clear_pointer (&frame->name, g_free);
        d->depth--;
        return TRUE;
    }

    case HENB_VICI_KEY_VALUE:
        if (in_list) {
            decode_fail (error, start, "KEY_VALUE inside list '%s'", d->list_name);
            return FALSE;
        }
        if (!read_name (d, type, start, &name, error) || !read_value (d, type, start, &span, error))
            return FALSE;
        g_variant_builder_add (current, "{sv}", name, value_variant (d, &span, TRUE));
        return TRUE;

    case HENB_VICI_LIST_START:
        if (in_list) {
            decode_fail (error, start, "LIST_START inside list '%s' (lists do not nest)",
                         d->list_name);
            return FALSE;
        }
        if (!read_name (d, type, start, &name, error))
            return FALSE;
        d->list_name = g_steal_pointer (&name);
        d->items = g_array_new (FALSE, FALSE, sizeof (Span));
        d->items_utf8 = TRUE;
        return TRUE;

    case HENB_VICI_LIST_ITEM:
        if (!in_list) {
            decode_fail (error, start, "LIST_ITEM outside a list");
            return FALSE;
        }
        if (!read_value (d, type, start, &span, error))
            return FALSE;
        if (d->items_utf8 && !is_text (d->data + span.offset, span.len))
            d->items_utf8 = FALSE;
        g_array_append_val (d->items, span);
        return TRUE;

    case HENB_VICI_LIST_END: {
        GVariantBuilder list;

        if (!in_list) {
            decode_fail (error, start, "LIST_END without an open list");
            return FALSE;
        }
        /* one type for the whole list: as unless an item is not text */
        g_variant_builder_init (&list, d->items_utf8 ? G_VARIANT_TYPE_STRING_ARRAY
                                                     : G_VARIANT_TYPE_BYTESTRING_ARRAY);
        for (guint i = 0; i < d->items->len; i++) {
            const Span *item = &g_array_index (d->items, Span, i);

            g_variant_builder_add_value (&list, value_variant (d, item, d->items_utf8));
        }
        g_variant_builder_add (current, "{sv}", d->list_name, g_variant_builder_end (&list));
        g_clear_pointer (&d->list_name, g_free);
        g_clear_pointer (&d->items, g_array_unref);
        return TRUE;
    }

    default:
        decode_fail (error, start, "unknown element type %u", type);
        return FALSE;
    }
}

GVariant *
henb_vici_message_decode (const guint8 *data, gsize size, GError **error)
{
    Decoder d = { .data = data, .size = size };
    guint elements = 0;
    GVariant *result;

    g_return_val_if_fail (data != NULL || size == 0, NULL);

    d.stack[0].builder = g_variant_builder_new (G_VARIANT_TYPE_VARDICT);
    while (d.pos < d.size) {
        if (++elements > HENB_VICI_MAX_ELEMENTS) {
            decode_fail (error, d.pos, "more than %u elements", HENB_VICI_MAX_ELEMENTS);
            decoder_clear (&d);
            return NULL;
        }
        if (!decode_element (&d, error)) {
            decoder_clear (&d);
            return NULL;
        }
    }
    if (d.list_name != NULL) {
        decode_fail (error, d.pos, "list '%s' is not closed", d.list_name);
        decoder_clear (&d);
        return NULL;
    }
    if (d.depth > 0) {
        decode_fail (error, d.pos, "section '%s' is not closed", d.stack[d.depth].name);
        decoder_clear (&d);
        return NULL;
    }
    result = g_variant_ref_sink (g_variant_builder_end (d.stack[0].builder));
    decoder_clear (&d);
    return result;
}

/* ------------------------------------------------------------------------------------------ */
/* Packets */

gboolean
henb_vici_packet_type_is_named (HenbViciPacketType type)
{
    return type == HENB_VICI_CMD_REQUEST || type == HENB_VICI_EVENT_REGISTER ||
           type == HENB_VICI_EVENT_UNREGISTER || type == HENB_VICI_EVENT;
}

const gchar *
henb_vici_packet_type_to_string (HenbViciPacketType type)
{
    switch (type) {
    case HENB_VICI_CMD_REQUEST:      return "CMD_REQUEST";
    case HENB_VICI_CMD_RESPONSE:     return "CMD_RESPONSE";
    case HENB_VICI_CMD_UNKNOWN:      return "CMD_UNKNOWN";
    case HENB_VICI_EVENT_REGISTER:   return "EVENT_REGISTER";
    case HENB_VICI_EVENT_UNREGISTER: return "EVENT_UNREGISTER";
    case HENB_VICI_EVENT_CONFIRM:    return "EVENT_CONFIRM";
    case HENB_VICI_EVENT_UNKNOWN:    return "EVENT_UNKNOWN";
    case HENB_VICI_EVENT:            return "EVENT";
    default:                         return "unknown";
    }
}

static gboolean
type_is_known (guint type)
{
    return type <= HENB_VICI_EVENT;
}

GBytes *
henb_vici_packet_build (HenbViciPacketType type, const gchar *name, GBytes *body, GError **error)
{
    gsize name_len = name != NULL ? strlen (name) : 0;
    gsize body_len = body != NULL ? g_bytes_get_size (body) : 0;
    gsize payload;
    GByteArray *out;
    guint8 header[4];

    if (!type_is_known (type)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                     "VICI packet: unknown packet type %u", (guint) type);
        return NULL;
    }
    if (henb_vici_packet_type_is_named (type) && (name_len == 0 || name_len > MAX_NAME)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                     "VICI packet: %s needs a name of 1 to %u bytes",
                     henb_vici_packet_type_to_string (type), MAX_NAME);
        return NULL;
    }
    if (!henb_vici_packet_type_is_named (type) && name != NULL) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                     "VICI packet: %s carries no name", henb_vici_packet_type_to_string (type));
        return NULL;
    }
    payload = 1 + (henb_vici_packet_type_is_named (type) ? 1 + name_len : 0) + body_len;
    if (payload > HENB_VICI_MAX_PACKET_SIZE) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                     "VICI packet: %" G_GSIZE_FORMAT " bytes, the limit is %u", payload,
                     HENB_VICI_MAX_PACKET_SIZE);
        return NULL;
    }

    out = g_byte_array_sized_new (4 + payload);
    header[0] = (guint8) (payload >> 24);
    header[1] = (guint8) (payload >> 16);
    header[2] = (guint8) (payload >> 8);
    header[3] = (guint8) payload;
    g_byte_array_append (out, header, 4);
    put_u8 (out, (guint8) type);
    if (henb_vici_packet_type_is_named (type))
        put_name (out, name);
    if (body_len > 0)
        g_byte_array_append (out, g_bytes_get_data (body, NULL), body_len);
    return g_byte_array_free_to_bytes (out);
}

gboolean
henb_vici_packet_parse_length (const guint8 header[4], gsize *out_size, GError **error)
{
    guint32 size = ((guint32) header[0] << 24) | ((guint32) header[1] << 16) |
                   ((guint32) header[2] << 8) | header[3];

    if (size == 0) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                     "VICI packet: empty packet (length 0)");
        return FALSE;
    }
    if (size > HENB_VICI_MAX_PACKET_SIZE) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                     "VICI packet: length %u exceeds the limit of %u", size,
                     HENB_VICI_MAX_PACKET_SIZE);
        return FALSE;
    }
    if (out_size != NULL)
        *out_size = size;
    return TRUE;
}

gboolean
henb_vici_packet_parse (GBytes             *payload,
                        HenbViciPacketType *out_type,
                        gchar             **out_name,
                        GBytes            **out_body,
                        GError            **error)
{
    gsize size;
    const guint8 *data = g_bytes_get_data (payload, &size);
    gsize offset = 1;
    gsize name_len = 0;
    guint type;

    if (size == 0) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                     "VICI packet: empty payload");
        return FALSE;
    }
    if (size > HENB_VICI_MAX_PACKET_SIZE) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                     "VICI packet: %" G_GSIZE_FORMAT " bytes exceed the limit of %u", size,
                     HENB_VICI_MAX_PACKET_SIZE);
        return FALSE;
    }
    type = data[0];
    if (!type_is_known (type)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                     "VICI packet: unknown packet type %u at offset 0", type);
        return FALSE;
    }
    if (henb_vici_packet_type_is_named (type)) {
        if (size < 2) {
            g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                         "VICI packet: %s is truncated before its name at offset 1",
                         henb_vici_packet_type_to_string (type));
            return FALSE;
        }
        name_len = data[1];
        if (name_len == 0) {
            g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                         "VICI packet: %s has an empty name at offset 1",
                         henb_vici_packet_type_to_string (type));
            return FALSE;
        }
        if (name_len > size - 2) {
            g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                         "VICI packet: %s name at offset 1 needs %" G_GSIZE_FORMAT " bytes, only %"
                         G_GSIZE_FORMAT " left", henb_vici_packet_type_to_string (type), name_len,
                         size - 2);
            return FALSE;
        }
        if (!is_text (data + 2, name_len)) {
            g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                         "VICI packet: %s name at offset 1 is not valid UTF-8",
                         henb_vici_packet_type_to_string (type));
            return FALSE;
        }
        offset = 2 + name_len;
    }

    if (out_type != NULL)
        *out_type = (HenbViciPacketType) type;
    if (out_name != NULL)
        *out_name = name_len > 0 ? g_strndup ((const gchar *) data + 2, name_len) : NULL;
    if (out_body != NULL)
        *out_body = g_bytes_new_from_bytes (payload, offset, size - offset);
    return TRUE;
}
