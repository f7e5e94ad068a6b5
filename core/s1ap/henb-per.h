/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The bit buffer of ASN.1 PER, ALIGNED variant (X.691), limited to what S1AP uses: constrained
 * whole numbers, length determinants below 16K, normally small numbers, bit and octet fields
 * and open types. Bits are written and read most significant first.
 *
 * The decoder never reads past its buffer: every read is checked, and failures are
 * HENB_S1AP_ERROR_MALFORMED (or _UNSUPPORTED for valid encodings henbd does not take, such as
 * fragmented lengths).
 */

/* Fragmentation starts at 16K (X.691 11.9.3.8); no S1AP message henbd handles comes near it. */
#define HENB_PER_MAX_LENGTH 16383

typedef struct {
    GByteArray *bytes;
    guint       bit_offset; /* bits used in the last octet, 0 when it is full */
} HenbPerEncoder;

void    henb_per_encoder_init (HenbPerEncoder *enc);
void    henb_per_encoder_clear (HenbPerEncoder *enc);
/* The complete encoding, padded to an octet; an empty one is a single zero octet (X.691 11.1). */
GBytes *henb_per_encoder_finish (HenbPerEncoder *enc);

void henb_per_put_bits (HenbPerEncoder *enc, guint32 value, guint n_bits);
void henb_per_put_align (HenbPerEncoder *enc);
/* Octets as they come, at the current bit position (callers align first where X.691 says so). */
void henb_per_put_octets (HenbPerEncoder *enc, const guint8 *data, gsize len);
/* X.691 11.5.7 with ub - lb < 65536. */
void henb_per_put_constrained (HenbPerEncoder *enc, guint32 value, guint32 lb, guint32 ub);
/* Unconstrained length determinant (X.691 11.9.3.6-7); aligned. */
void henb_per_put_length (HenbPerEncoder *enc, gsize length);
/*
 * Open type (X.691 11.2): @inner is finished and written, aligned, with its length. Contents of
 * 16K or more would need fragmentation: INVALID_ARGUMENT.
 */
gboolean henb_per_put_open_type (HenbPerEncoder *enc, HenbPerEncoder *inner, GError **error);

typedef struct {
    const guint8 *data;
    gsize         n_bits;
    gsize         pos; /* in bits */
} HenbPerDecoder;

void     henb_per_decoder_init (HenbPerDecoder *dec, const guint8 *data, gsize len);
gsize    henb_per_decoder_remaining_bits (const HenbPerDecoder *dec);

gboolean henb_per_get_bits (HenbPerDecoder *dec, guint n_bits, guint32 *out, GError **error);
gboolean henb_per_get_align (HenbPerDecoder *dec, GError **error);
/* @len octets from the current bit position, copied to @out (which has room for them). */
gboolean henb_per_get_octets (HenbPerDecoder *dec, guint8 *out, gsize len, GError **error);
/* Fails with MALFORMED when the value is above @ub. */
gboolean henb_per_get_constrained (HenbPerDecoder *dec, guint32 lb, guint32 ub, guint32 *out,
                                   GError **error);
gboolean henb_per_get_length (HenbPerDecoder *dec, gsize *out, GError **error);
/* X.691 11.6, values up to HENB_PER_MAX_LENGTH. */
gboolean henb_per_get_normally_small (HenbPerDecoder *dec, guint32 *out, GError **error);
/* Sets @inner to the contents of the open type at the current position and skips them. */
gboolean henb_per_get_open_type (HenbPerDecoder *dec, HenbPerDecoder *inner, GError **error);
/*
 * After the root components of an extensible SEQUENCE whose extension bit was set: reads the
 * bitmap of extension additions and skips each present one (they are open types).
 */
gboolean henb_per_skip_extension_additions (HenbPerDecoder *dec, GError **error);
/*
 * An open type's contents must be used up: what is left may only be the padding of its last
 * octet.
 */
gboolean henb_per_check_consumed (const HenbPerDecoder *dec, const gchar *what, GError **error);

G_END_DECLS
