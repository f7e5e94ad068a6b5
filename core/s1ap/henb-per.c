/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "henb-per.h"
#include "henb-s1ap.h"

/* ------------------------------------------------------------------------------------------ */
/* Encoding */

void
henb_per_encoder_init (HenbPerEncoder *enc)
{
    enc->bytes = g_byte_array_new ();
    enc->bit_offset = 0;
}

void
henb_per_encoder_clear (HenbPerEncoder *enc)
{
    g_clear_pointer (&enc->bytes, g_byte_array_unref);
    enc->bit_offset = 0;
}

GBytes *
henb_per_encoder_finish (HenbPerEncoder *enc)
{
    GByteArray *bytes;

    if (enc->bytes->len == 0) {
        const guint8 zero = 0;
        g_byte_array_append (enc->bytes, &zero, 1);
    }
    bytes = g_steal_pointer (&enc->bytes);
    enc->bit_offset = 0;
    return g_byte_array_free_to_bytes (bytes);
}

static guint
bits_for_range (guint32 range)
{
    guint n = 0;

    /* smallest n with 2^n >= range */
    while (n < 32 && ((guint64) 1 << n) < range)
        n++;
    return n;
}

void
henb_per_put_bits (HenbPerEncoder *enc, guint32 value, guint n_bits)
{
    g_return_if_fail (n_bits <= 32);

    for (guint i = n_bits; i > 0; i--) {
        guint bit = (value >> (i - 1)) & 1;

        if (enc->bit_offset == 0) {
            const guint8 zero = 0;
            g_byte_array_append (enc->bytes, &zero, 1);
        }
        if (bit)
            enc->bytes->data[enc->bytes->len - 1] |= (guint8) (0x80 >> enc->bit_offset);
        enc->bit_offset = (enc->bit_offset + 1) % 8;
    }
}

void
henb_per_put_align (HenbPerEncoder *enc)
{
    /* the padding bits are already zero: only the position moves */
    enc->bit_offset = 0;
}

void
henb_per_put_octets (HenbPerEncoder *enc, const guint8 *data, gsize len)
{
    if (enc->bit_offset == 0) {
        g_byte_array_append (enc->bytes, data, len);
        return;
    }
    for (gsize i = 0; i < len; i++)
        henb_per_put_bits (enc, data[i], 8);
}

void
henb_per_put_constrained (HenbPerEncoder *enc, guint32 value, guint32 lb, guint32 ub)
{
    guint32 range;

    g_return_if_fail (lb <= ub && ub - lb < 65536);
    g_return_if_fail (value >= lb && value <= ub);

    range = ub - lb + 1;
    value -= lb;
    if (range == 1)
        return;
    if (range <= 255) {
        henb_per_put_bits (enc, value, bits_for_range (range));
    } else if (range == 256) {
        henb_per_put_align (enc);
        henb_per_put_bits (enc, value, 8);
    } else {
        henb_per_put_align (enc);
        henb_per_put_bits (enc, value, 16);
    }
}

void
henb_per_put_length (HenbPerEncoder *enc, gsize length)
{
    g_return_if_fail (length <= HENB_PER_MAX_LENGTH);

    henb_per_put_align (enc);
    if (length < 128)
        henb_per_put_bits (enc, (guint32) length, 8);
    else
        henb_per_put_bits (enc, 0x8000 | (guint32) length, 16);
}

gboolean
henb_per_put_open_type (HenbPerEncoder *enc, HenbPerEncoder *inner, GError **error)
{
    g_autoptr(GBytes) contents = henb_per_encoder_finish (inner);
    gsize len;
    const guint8 *data = g_bytes_get_data (contents, &len);

    if (len > HENB_PER_MAX_LENGTH) {
        g_set_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_INVALID_ARGUMENT,
                     "Value of %" G_GSIZE_FORMAT " octets needs fragmentation", len);
        return FALSE;
    }
    henb_per_put_length (enc, len);
    henb_per_put_octets (enc, data, len);
    return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* Decoding */

void
henb_per_decoder_init (HenbPerDecoder *dec, const guint8 *data, gsize len)
{
    dec->data = data;
    /* a buffer that large could not come from SCTP; refuse rather than overflow the count */
    dec->n_bits = len <= G_MAXSIZE / 8 ? len * 8 : 0;
    dec->pos = 0;
}

gsize
henb_per_decoder_remaining_bits (const HenbPerDecoder *dec)
{
    return dec->n_bits - dec->pos;
}

static gboolean
need_bits (HenbPerDecoder *dec, gsize n_bits, GError **error)
{
    if (henb_per_decoder_remaining_bits (dec) < n_bits) {
        g_set_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_MALFORMED,
                     "Truncated: %" G_GSIZE_FORMAT " bits needed at bit %" G_GSIZE_FORMAT
                     ", %" G_GSIZE_FORMAT " left",
                     n_bits, dec->pos, henb_per_decoder_remaining_bits (dec));
        return FALSE;
    }
    return TRUE;
}

gboolean
henb_per_get_bits (HenbPerDecoder *dec, guint n_bits, guint32 *out, GError **error)
{
    guint32 value = 0;

    g_return_val_if_fail (n_bits <= 32, FALSE);

    if (!need_bits (dec, n_bits, error))
        return FALSE;
    for (guint i = 0; i < n_bits; i++) {
        guint8 octet = dec->data[dec->pos / 8];

        value = (value << 1) | ((octet >> (7 - dec->pos % 8)) & 1);
        dec->pos++;
    }
    *out = value;
    return TRUE;
}

gboolean
henb_per_get_align (HenbPerDecoder *dec, GError **error)
{
    gsize pad = (8 - dec->pos % 8) % 8;

    /* the padding is not checked: X.691 leaves its value to the encoder (zero is only usual) */
    if (!need_bits (dec, pad, error))
        return FALSE;
    dec->pos += pad;
    return TRUE;
}

gboolean
henb_per_get_octets (HenbPerDecoder *dec, guint8 *out, gsize len, GError **error)
{
    if (len > henb_per_decoder_remaining_bits (dec) / 8) {
        g_set_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_MALFORMED,
                     "Truncated: %" G_GSIZE_FORMAT " octets needed at bit %" G_GSIZE_FORMAT,
                     len, dec->pos);
        return FALSE;
    }
    if (dec->pos % 8 == 0) {
        memcpy (out, dec->data + dec->pos / 8, len);
        dec->pos += len * 8;
        return TRUE;
    }
    for (gsize i = 0; i < len; i++) {
        guint32 octet;

        if (!henb_per_get_bits (dec, 8, &octet, error))
            return FALSE;
        out[i] = (guint8) octet;
    }
    return TRUE;
}

gboolean
henb_per_get_constrained (HenbPerDecoder *dec, guint32 lb, guint32 ub, guint32 *out,
                          GError **error)
{
    guint32 range;
    guint32 value;

    g_return_val_if_fail (lb <= ub && ub - lb < 65536, FALSE);

    range = ub - lb + 1;
    if (range == 1) {
        *out = lb;
        return TRUE;
    }
    if (range <= 255) {
        if (!henb_per_get_bits (dec, bits_for_range (range), &value, error))
            return FALSE;
    } else {
        if (!henb_per_get_align (dec, error) ||
            !henb_per_get_bits (dec, range == 256 ? 8 : 16, &value, error))
            return FALSE;
    }
    if (value > ub - lb) {
        g_set_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_MALFORMED,
                     "Value %u out of its range %u..%u at bit %" G_GSIZE_FORMAT,
                     value + lb, lb, ub, dec->pos);
        return FALSE;
    }
    *out = value + lb;
    return TRUE;
}

gboolean
henb_per_get_length (HenbPerDecoder *dec, gsize *out, GError **error)
{
    guint32 first;
    guint32 second;

    if (!henb_per_get_align (dec, error) || !henb_per_get_bits (dec, 8, &first, error))
        return FALSE;
    if ((first & 0x80) == 0) {
        *out = first;
        return TRUE;
    }
    if ((first & 0xc0) == 0xc0) {
        g_set_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_UNSUPPORTED,
                     "Fragmented length (16K or more) at bit %" G_GSIZE_FORMAT, dec->pos);
        return FALSE;
    }
    if (!henb_per_get_bits (dec, 8, &second, error))
        return FALSE;
    *out = ((first & 0x3f) << 8) | second;
    return TRUE;
}

gboolean
henb_per_get_normally_small (HenbPerDecoder *dec, guint32 *out, GError **error)
{
    guint32 large;
    gsize len;
    guint32 value = 0;

    if (!henb_per_get_bits (dec, 1, &large, error))
        return FALSE;
    if (!large)
        return henb_per_get_bits (dec, 6, out, error);

    /* semi-constrained whole number: octet count, then the octets */
    if (!henb_per_get_length (dec, &len, error))
        return FALSE;
    if (len == 0 || len > 2) {
        g_set_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_MALFORMED,
                     "Normally small number of %" G_GSIZE_FORMAT " octets at bit %" G_GSIZE_FORMAT,
                     len, dec->pos);
        return FALSE;
    }
    if (!henb_per_get_bits (dec, (guint) len * 8, &value, error))
        return FALSE;
    if (value > HENB_PER_MAX_LENGTH) {
        g_set_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_MALFORMED,
                     "Normally small number %u too large at bit %" G_GSIZE_FORMAT,
                     value, dec->pos);
        return FALSE;
    }
    *out = value;
    return TRUE;
}

gboolean
henb_per_get_open_type (HenbPerDecoder *dec, HenbPerDecoder *inner, GError **error)
{
    gsize len;

    if (!henb_per_get_length (dec, &len, error))
        return FALSE;
    if (len > henb_per_decoder_remaining_bits (dec) / 8) {
        g_set_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_MALFORMED,
                     "Open type of %" G_GSIZE_FORMAT " octets at bit %" G_GSIZE_FORMAT
                     " goes past the end",
                     len, dec->pos);
        return FALSE;
    }
    henb_per_decoder_init (inner, dec->data + dec->pos / 8, len);
    dec->pos += len * 8;
    return TRUE;
}

gboolean
henb_per_skip_extension_additions (HenbPerDecoder *dec, GError **error)
{
    guint32 n_minus_one;
    g_autofree guint32 *present = NULL;

    if (!henb_per_get_normally_small (dec, &n_minus_one, error))
        return FALSE;
    /* each addition is at least one octet: a bitmap longer than that is a lie */
    if (n_minus_one + 1 > henb_per_decoder_remaining_bits (dec)) {
        g_set_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_MALFORMED,
                     "%u extension additions announced at bit %" G_GSIZE_FORMAT,
                     n_minus_one + 1, dec->pos);
        return FALSE;
    }
    present = g_new (guint32, n_minus_one + 1);
    for (guint32 i = 0; i <= n_minus_one; i++) {
        if (!henb_per_get_bits (dec, 1, &present[i], error))
            return FALSE;
    }
    for (guint32 i = 0; i <= n_minus_one; i++) {
        HenbPerDecoder skipped;

        if (present[i] && !henb_per_get_open_type (dec, &skipped, error))
            return FALSE;
    }
    return TRUE;
}

gboolean
henb_per_check_consumed (const HenbPerDecoder *dec, const gchar *what, GError **error)
{
    /* an empty encoding is one octet of padding (X.691 11.1) */
    if (henb_per_decoder_remaining_bits (dec) >= 8 && !(dec->pos == 0 && dec->n_bits == 8)) {
        g_set_error (error, HENB_S1AP_ERROR, HENB_S1AP_ERROR_MALFORMED,
                     "%" G_GSIZE_FORMAT " octets left over after %s",
                     henb_per_decoder_remaining_bits (dec) / 8, what);
        return FALSE;
    }
    return TRUE;
}
