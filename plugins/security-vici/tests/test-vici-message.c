/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "henb-errors.h"
#include "henb-vici-message.h"

/*
 * conn {
 *   version = 2
 *   addrs = [ 10.0.0.1 ::1 ]
 *   local { auth = pubkey }
 *   empty = [ ]
 * }
 * flag = ""
 * blob = 00 ff   (not text: decodes as ay)
 */
static const guint8 golden[] = {
    1, 4, 'c', 'o', 'n', 'n',
    3, 7, 'v', 'e', 'r', 's', 'i', 'o', 'n', 0, 1, '2',
    4, 5, 'a', 'd', 'd', 'r', 's',
    5, 0, 8, '1', '0', '.', '0', '.', '0', '.', '1',
    5, 0, 3, ':', ':', '1',
    6,
    1, 5, 'l', 'o', 'c', 'a', 'l',
    3, 4, 'a', 'u', 't', 'h', 0, 6, 'p', 'u', 'b', 'k', 'e', 'y',
    2,
    4, 5, 'e', 'm', 'p', 't', 'y',
    6,
    2,
    3, 4, 'f', 'l', 'a', 'g', 0, 0,
    3, 4, 'b', 'l', 'o', 'b', 0, 2, 0x00, 0xff,
};
/* where a top-level element ends: the only prefixes that are complete messages */
static const gsize golden_boundaries[] = { 0, 74, 82, 92 };

static const gchar golden_text[] =
    "{'conn': <{'version': <'2'>, 'addrs': <['10.0.0.1', '::1']>,"
    "           'local': <{'auth': <'pubkey'>}>, 'empty': <@as []>}>,"
    " 'flag': <''>, 'blob': <[byte 0x00, 0xff]>}";

static GVariant *
parse (const gchar *text)
{
    g_autoptr(GError) error = NULL;
    GVariant *v = g_variant_parse (G_VARIANT_TYPE_VARDICT, text, NULL, NULL, &error);

    g_assert_no_error (error);
    return v;  /* g_variant_parse() gives a full reference already */
}

static void
assert_variant_equal (GVariant *got, GVariant *expected)
{
    if (!g_variant_equal (got, expected)) {
        g_autofree gchar *a = g_variant_print (got, TRUE);
        g_autofree gchar *b = g_variant_print (expected, TRUE);

        g_error ("variants differ:\n got      %s\n expected %s", a, b);
    }
}

static void
assert_bytes_equal (GBytes *got, const guint8 *expected, gsize len)
{
    gsize size;
    const guint8 *data = g_bytes_get_data (got, &size);

    g_assert_cmpmem (data, size, expected, len);
}

/* Decoding must fail in HENB_CORE_ERROR_FAILED with @needle (and an offset) in the message. */
static void
assert_decode_error (const guint8 *data, gsize len, const gchar *needle)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) v = henb_vici_message_decode (data, len, &error);

    g_assert_null (v);
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED);
    if (strstr (error->message, needle) == NULL)
        g_error ("error '%s' does not mention '%s'", error->message, needle);
    g_assert_nonnull (strstr (error->message, " at offset "));
}

static void
assert_encode_error (GVariant *message, const gchar *needle)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = henb_vici_message_encode (message, &error);

    g_assert_null (bytes);
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED);
    if (strstr (error->message, needle) == NULL)
        g_error ("error '%s' does not mention '%s'", error->message, needle);
}

/* ------------------------------------------------------------------------------------------ */
/* golden bytes */

static void
test_decode_golden (void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) expected = parse (golden_text);
    g_autoptr(GVariant) got = henb_vici_message_decode (golden, sizeof golden, &error);

    g_assert_no_error (error);
    g_assert_nonnull (got);
    g_assert_false (g_variant_is_floating (got));
    /* g_variant_equal() on a{sv} is order-sensitive: this also checks the wire order */
    assert_variant_equal (got, expected);
}

static void
test_encode_golden (void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) message = parse (golden_text);
    g_autoptr(GBytes) bytes = henb_vici_message_encode (message, &error);
    static const guint8 simple[] = { 3, 1, 'a', 0, 1, 'b', 4, 1, 'l', 5, 0, 0, 6 };
    g_autoptr(GBytes) simple_bytes = NULL;

    g_assert_no_error (error);
    assert_bytes_equal (bytes, golden, sizeof golden);

    simple_bytes = henb_vici_message_encode (g_variant_new_parsed ("{'a': <'b'>, 'l': <['']>}"),
                                             &error);
    g_assert_no_error (error);
    assert_bytes_equal (simple_bytes, simple, sizeof simple);
}

static void
test_encode_empty (void)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) none = henb_vici_message_encode (NULL, &error);
    g_autoptr(GBytes) empty = NULL;
    g_autoptr(GVariant) decoded = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (none), ==, 0);
    empty = henb_vici_message_encode (g_variant_new_parsed ("@a{sv} {}"), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (empty), ==, 0);

    decoded = henb_vici_message_decode (NULL, 0, &error);
    g_assert_no_error (error);
    g_assert_true (g_variant_is_of_type (decoded, G_VARIANT_TYPE_VARDICT));
    g_assert_cmpuint (g_variant_n_children (decoded), ==, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* round trips */

static void
roundtrip (GVariant *message)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) owned = g_variant_ref_sink (message);
    g_autoptr(GBytes) bytes = henb_vici_message_encode (owned, &error);
    g_autoptr(GVariant) back = NULL;
    g_autoptr(GBytes) again = NULL;
    gsize size;
    const guint8 *data;

    g_assert_no_error (error);
    data = g_bytes_get_data (bytes, &size);
    back = henb_vici_message_decode (data, size, &error);
    g_assert_no_error (error);
    assert_variant_equal (back, owned);
    /* and the bytes survive the way back */
    again = henb_vici_message_encode (back, &error);
    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (again, bytes));
}

static GVariant *
nested (guint depth)
{
    GVariant *v = g_variant_new_parsed ("{'leaf': <'x'>}");

    for (guint i = 0; i < depth; i++) {
        GVariantBuilder b;

        g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
        g_variant_builder_add (&b, "{sv}", "s", v);
        v = g_variant_builder_end (&b);
    }
    return v;
}

static void
test_roundtrip (void)
{
    g_autofree gchar *long_key = g_strnfill (255, 'k');
    g_autofree gchar *long_value = g_strnfill (65535, 'v');
    GVariantBuilder b;
    static const guint8 bin1[] = { 0x00, 0x01 };
    static const guint8 bin2[] = { 0xc3 };
    GVariantBuilder items;

    roundtrip (g_variant_new_parsed (golden_text));
    roundtrip (g_variant_new_parsed ("@a{sv} {}"));
    roundtrip (g_variant_new_parsed ("{'grüße': <'naïve ✓'>, 'z': <'1'>, 'a': <'2'>}"));
    roundtrip (nested (HENB_VICI_MAX_DEPTH));

    g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&b, "{sv}", long_key, g_variant_new_string (long_value));
    roundtrip (g_variant_builder_end (&b));

    /* a list with one non-text item comes back as aay */
    g_variant_builder_init (&items, G_VARIANT_TYPE_BYTESTRING_ARRAY);
    g_variant_builder_add_value (&items, g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, bin1, 2, 1));
    g_variant_builder_add_value (&items, g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, bin2, 1, 1));
    g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&b, "{sv}", "bin", g_variant_builder_end (&items));
    roundtrip (g_variant_builder_end (&b));
}

static void
test_encode_bytestring_as_value (void)
{
    g_autoptr(GError) error = NULL;
    /* ay is sent raw, even when it is text, and then reads back as s */
    g_autoptr(GBytes) bytes = henb_vici_message_encode (
        g_variant_new_parsed ("{'k': <[byte 0x61, 0x62]>}"), &error);
    static const guint8 expected[] = { 3, 1, 'k', 0, 2, 'a', 'b' };
    g_autoptr(GVariant) back = NULL;
    g_autoptr(GVariant) want = parse ("{'k': <'ab'>}");

    g_assert_no_error (error);
    assert_bytes_equal (bytes, expected, sizeof expected);
    back = henb_vici_message_decode (expected, sizeof expected, &error);
    g_assert_no_error (error);
    assert_variant_equal (back, want);
}

/* ------------------------------------------------------------------------------------------ */
/* the text rule */

static void
test_decode_text_rule (void)
{
    static const guint8 msg[] = {
        3, 1, 'u', 0, 3, 'g', 0xc3, 0xbc,      /* UTF-8 "gü" -> s */
        3, 1, 'x', 0, 1, 0xff,                  /* invalid UTF-8 -> ay */
        3, 1, 'n', 0, 3, 'a', 0, 'b',           /* embedded NUL -> ay */
        4, 1, 'l', 5, 0, 1, 'a', 5, 0, 1, 0x80, 6,  /* one bad item -> whole list aay */
        4, 1, 't', 5, 0, 1, 'a', 5, 0, 0, 6,     /* all text -> as */
    };
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) v = henb_vici_message_decode (msg, sizeof msg, &error);
    g_autoptr(GVariant) expected = parse ("{'u': <'gü'>, 'x': <[byte 0xff]>,"
                                          " 'n': <[byte 0x61, 0x00, 0x62]>,"
                                          " 'l': <[[byte 0x61], [byte 0x80]]>, 't': <['a', '']>}");

    g_assert_no_error (error);
    assert_variant_equal (v, expected);
}

static void
test_decode_duplicates_kept (void)
{
    static const guint8 msg[] = { 3, 1, 'k', 0, 1, '1', 3, 1, 'k', 0, 1, '2' };
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) v = henb_vici_message_decode (msg, sizeof msg, &error);
    g_autoptr(GVariant) expected = parse ("{'k': <'1'>, 'k': <'2'>}");

    g_assert_no_error (error);
    assert_variant_equal (v, expected);
}

/* ------------------------------------------------------------------------------------------ */
/* hostile input */

static void
test_decode_truncated (void)
{
    g_autofree guint8 *wrapped = g_malloc (sizeof golden + 4);
    gsize b = 0;

    /* the golden message inside one section: no proper prefix is a complete message */
    wrapped[0] = 1;
    wrapped[1] = 1;
    wrapped[2] = 'w';
    memcpy (wrapped + 3, golden, sizeof golden);
    wrapped[sizeof golden + 3] = 2;
    for (gsize len = 1; len < sizeof golden + 4; len++) {
        /* a fresh copy, so that a read past the end trips ASan/valgrind */
        g_autofree guint8 *copy = g_memdup2 (wrapped, len);

        assert_decode_error (copy, len, "");
    }

    /* the bare golden message: exactly the top-level boundaries decode */
    for (gsize len = 0; len <= sizeof golden; len++) {
        g_autofree guint8 *copy = g_memdup2 (golden, len);
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) v = henb_vici_message_decode (copy, len, &error);
        gboolean boundary = b < G_N_ELEMENTS (golden_boundaries) && golden_boundaries[b] == len;

        if (boundary) {
            g_assert_no_error (error);
            g_assert_nonnull (v);
            g_assert_cmpuint (g_variant_n_children (v), ==, b);
            b++;
        } else {
            g_assert_null (v);
            g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED);
        }
    }
    g_assert_cmpuint (b, ==, G_N_ELEMENTS (golden_boundaries));
}

static void
test_decode_truncated_messages (void)
{
    static const guint8 name_missing[] = { 3 };
    static const guint8 value_len_missing[] = { 3, 1, 'k', 0 };
    static const guint8 value_short[] = { 1, 1, 's', 3, 1, 'k', 0, 4, 'a', 'b' };

    assert_decode_error (name_missing, sizeof name_missing,
                         "KEY_VALUE is truncated before its name at offset 0");
    assert_decode_error (value_len_missing, sizeof value_len_missing,
                         "KEY_VALUE is truncated before its value length at offset 0");
    assert_decode_error (value_short, sizeof value_short,
                         "KEY_VALUE value needs 4 bytes, only 2 left at offset 3");
}

static void
test_decode_unknown_types (void)
{
    static const guint8 zero[] = { 3, 1, 'k', 0, 0, 0 };
    static const guint8 seven[] = { 7 };
    static const guint8 ff[] = { 1, 1, 's', 0xff, 2 };

    assert_decode_error (zero, sizeof zero, "unknown element type 0 at offset 5");
    assert_decode_error (seven, sizeof seven, "unknown element type 7 at offset 0");
    assert_decode_error (ff, sizeof ff, "unknown element type 255 at offset 3");
}

static void
test_decode_misplaced (void)
{
    static const guint8 kv_in_list[] = { 4, 1, 'l', 3, 1, 'k', 0, 0, 6 };
    static const guint8 section_in_list[] = { 4, 1, 'l', 1, 1, 's', 2, 6 };
    static const guint8 end_in_list[] = { 1, 1, 's', 4, 1, 'l', 2, 6 };
    static const guint8 nested_list[] = { 4, 1, 'l', 4, 1, 'm', 6, 6 };
    static const guint8 item_outside[] = { 5, 0, 1, 'x' };
    static const guint8 list_end_outside[] = { 3, 1, 'k', 0, 0, 6 };

    assert_decode_error (kv_in_list, sizeof kv_in_list, "KEY_VALUE inside list 'l' at offset 3");
    assert_decode_error (section_in_list, sizeof section_in_list,
                         "SECTION_START inside list 'l' at offset 3");
    assert_decode_error (end_in_list, sizeof end_in_list, "SECTION_END inside list 'l' at offset 6");
    assert_decode_error (nested_list, sizeof nested_list, "LIST_START inside list 'l'");
    assert_decode_error (item_outside, sizeof item_outside, "LIST_ITEM outside a list at offset 0");
    assert_decode_error (list_end_outside, sizeof list_end_outside,
                         "LIST_END without an open list at offset 5");
}

static void
test_decode_unbalanced (void)
{
    static const guint8 end_at_root[] = { 2 };
    static const guint8 extra_end[] = { 1, 1, 's', 2, 2 };
    static const guint8 open_section[] = { 1, 1, 's', 1, 1, 't', 2 };
    static const guint8 open_list[] = { 1, 1, 's', 4, 1, 'l', 5, 0, 0 };

    assert_decode_error (end_at_root, sizeof end_at_root,
                         "SECTION_END without an open section at offset 0");
    assert_decode_error (extra_end, sizeof extra_end,
                         "SECTION_END without an open section at offset 4");
    assert_decode_error (open_section, sizeof open_section, "section 's' is not closed at offset 7");
    assert_decode_error (open_list, sizeof open_list, "list 'l' is not closed at offset 9");
}

static void
test_decode_oversized_lengths (void)
{
    static const guint8 name_too_long[] = { 1, 255, 'a', 'b', 'c' };
    static const guint8 value_too_long[] = { 3, 1, 'k', 0xff, 0xff, 'a', 'b' };
    static const guint8 item_too_long[] = { 4, 1, 'l', 5, 0x80, 0x00, 'x', 6 };

    assert_decode_error (name_too_long, sizeof name_too_long,
                         "SECTION_START name needs 255 bytes, only 3 left at offset 0");
    assert_decode_error (value_too_long, sizeof value_too_long,
                         "KEY_VALUE value needs 65535 bytes, only 2 left at offset 0");
    assert_decode_error (item_too_long, sizeof item_too_long,
                         "LIST_ITEM value needs 32768 bytes, only 2 left at offset 3");
}

static GByteArray *
depth_message (guint depth, gboolean close)
{
    GByteArray *m = g_byte_array_new ();
    static const guint8 open[] = { 1, 1, 'd' };
    static const guint8 end[] = { 2 };

    for (guint i = 0; i < depth; i++)
        g_byte_array_append (m, open, sizeof open);
    for (guint i = 0; close && i < depth; i++)
        g_byte_array_append (m, end, 1);
    return m;
}

static void
test_decode_depth (void)
{
    g_autoptr(GByteArray) ok = depth_message (HENB_VICI_MAX_DEPTH, TRUE);
    g_autoptr(GByteArray) deep = depth_message (HENB_VICI_MAX_DEPTH + 1, TRUE);
    g_autoptr(GByteArray) bomb = depth_message (200000, FALSE);
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) v = henb_vici_message_decode (ok->data, ok->len, &error);
    g_autofree gchar *where = g_strdup_printf ("deeper than %u levels at offset %u",
                                               HENB_VICI_MAX_DEPTH, HENB_VICI_MAX_DEPTH * 3);

    g_assert_no_error (error);
    g_assert_nonnull (v);
    assert_decode_error (deep->data, deep->len, where);
    assert_decode_error (bomb->data, bomb->len, where);
}

static void
test_decode_empty_names (void)
{
    static const guint8 section[] = { 1, 0, 2 };
    static const guint8 kv[] = { 3, 0, 0, 0 };
    static const guint8 list[] = { 4, 0, 6 };

    assert_decode_error (section, sizeof section, "SECTION_START has an empty name at offset 0");
    assert_decode_error (kv, sizeof kv, "KEY_VALUE has an empty name at offset 0");
    assert_decode_error (list, sizeof list, "LIST_START has an empty name at offset 0");
}

static void
test_decode_bad_names (void)
{
    static const guint8 not_utf8[] = { 3, 2, 0xc3, 0x28, 0, 0 };
    static const guint8 nul[] = { 1, 3, 'a', 0, 'b', 2 };

    assert_decode_error (not_utf8, sizeof not_utf8, "KEY_VALUE name is not valid UTF-8 at offset 0");
    assert_decode_error (nul, sizeof nul, "SECTION_START name is not valid UTF-8 at offset 0");
}

static void
test_decode_element_limit (void)
{
    g_autoptr(GByteArray) m = g_byte_array_new ();
    static const guint8 start[] = { 4, 1, 'l' };
    static const guint8 item[] = { 5, 0, 0 };
    static const guint8 end[] = { 6 };
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) v = NULL;
    g_autoptr(GVariant) list = NULL;

    /* LIST_START + items + LIST_END = exactly the limit */
    g_byte_array_append (m, start, sizeof start);
    for (guint i = 0; i < HENB_VICI_MAX_ELEMENTS - 2; i++)
        g_byte_array_append (m, item, sizeof item);
    g_byte_array_append (m, end, sizeof end);
    v = henb_vici_message_decode (m->data, m->len, &error);
    g_assert_no_error (error);
    list = g_variant_lookup_value (v, "l", G_VARIANT_TYPE_STRING_ARRAY);
    g_assert_nonnull (list);
    g_assert_cmpuint (g_variant_n_children (list), ==, HENB_VICI_MAX_ELEMENTS - 2);

    /* one more */
    g_byte_array_remove_index (m, m->len - 1);
    g_byte_array_append (m, item, sizeof item);
    g_byte_array_append (m, end, sizeof end);
    assert_decode_error (m->data, m->len, "more than 65536 elements");
}

/* Random damage to the golden message: must never crash or leak, whatever it decodes to. */
static void
test_decode_mutations (void)
{
    guint decoded = 0;

    for (guint i = 0; i < 20000; i++) {
        g_autofree guint8 *m = g_memdup2 (golden, sizeof golden);
        gsize len = sizeof golden;
        guint changes = g_test_rand_int_range (1, 4);
        g_autoptr(GError) error = NULL;
        g_autoptr(GVariant) v = NULL;

        for (guint c = 0; c < changes; c++) {
            switch (g_test_rand_int_range (0, 3)) {
            case 0:
                m[g_test_rand_int_range (0, (gint32) len)] ^=
                    (guint8) (1u << g_test_rand_int_range (0, 8));
                break;
            case 1:
                m[g_test_rand_int_range (0, (gint32) len)] = (guint8) g_test_rand_int_range (0, 256);
                break;
            default:
                len = g_test_rand_int_range (1, (gint32) len + 1);
                break;
            }
        }
        v = henb_vici_message_decode (m, len, &error);
        g_assert_true ((v == NULL) != (error == NULL));
        if (v != NULL) {
            g_autoptr(GBytes) again = NULL;
            g_autoptr(GError) encode_error = NULL;

            decoded++;
            g_assert_true (g_variant_is_of_type (v, G_VARIANT_TYPE_VARDICT));
            /* whatever decodes encodes again, unless a key now appears twice */
            again = henb_vici_message_encode (v, &encode_error);
            if (again == NULL)
                g_assert_nonnull (strstr (encode_error->message, "duplicate key"));
        } else {
            g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED);
            g_assert_nonnull (strstr (error->message, "offset"));
        }
    }
    /* both outcomes must have been exercised */
    g_assert_cmpuint (decoded, >, 0);
    g_assert_cmpuint (decoded, <, 20000);
}

/* ------------------------------------------------------------------------------------------ */
/* encoder errors */

static void
test_encode_errors (void)
{
    g_autofree gchar *key256 = g_strnfill (256, 'k');
    g_autofree gchar *value65536 = g_strnfill (65536, 'v');
    GVariantBuilder b;
    GVariantBuilder list;
    g_autoptr(GVariant) too_deep = g_variant_ref_sink (nested (HENB_VICI_MAX_DEPTH + 1));

    assert_encode_error (g_variant_new_parsed ("['a']"), "expected a{sv}, got 'as'");
    assert_encode_error (g_variant_new_parsed ("{'conn': <{'port': <int32 500>}>}"),
                         "conn.port has type 'i'");
    assert_encode_error (g_variant_new_parsed ("{'v': <<'x'>>}"), "v has type 'v'");
    assert_encode_error (g_variant_new_parsed ("{'s': <{'': <'x'>}>}"), "empty key in s");
    assert_encode_error (g_variant_new_parsed ("{'': <'x'>}"), "empty key in (root)");
    assert_encode_error (g_variant_new_parsed ("{'k': <'1'>, 'k': <'2'>}"), "duplicate key k");

    g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&b, "{sv}", key256, g_variant_new_string ("x"));
    assert_encode_error (g_variant_builder_end (&b), "256 bytes long, the limit is 255");

    g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&b, "{sv}", "big", g_variant_new_string (value65536));
    assert_encode_error (g_variant_builder_end (&b), "value of big is 65536 bytes long");

    g_variant_builder_init (&list, G_VARIANT_TYPE_STRING_ARRAY);
    g_variant_builder_add (&list, "s", "ok");
    g_variant_builder_add (&list, "s", value65536);
    g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&b, "{sv}", "items", g_variant_builder_end (&list));
    assert_encode_error (g_variant_builder_end (&b), "value of items is 65536 bytes long");

    assert_encode_error (too_deep, "nested deeper than 32 levels");
}

/* ------------------------------------------------------------------------------------------ */
/* packets */

static void
test_packet_build (void)
{
    g_autoptr(GError) error = NULL;
    static const guint8 version[] = { 0, 0, 0, 9, 0, 7, 'v', 'e', 'r', 's', 'i', 'o', 'n' };
    static const guint8 reg[] = { 0, 0, 0, 9, 3, 7, 'l', 'i', 's', 't', '-', 's', 'a' };
    static const guint8 confirm[] = { 0, 0, 0, 1, 5 };
    static const guint8 response[] = { 0, 0, 0, 7, 1, 3, 1, 'a', 0, 1, 'b' };
    static const guint8 event[] = { 0, 0, 0, 9, 7, 2, 'u', 'p', 3, 1, 'a', 0, 0 };
    static const guint8 body_ab[] = { 3, 1, 'a', 0, 1, 'b' };
    static const guint8 body_a[] = { 3, 1, 'a', 0, 0 };
    g_autoptr(GBytes) b1 = henb_vici_packet_build (HENB_VICI_CMD_REQUEST, "version", NULL, &error);
    g_autoptr(GBytes) b2 = NULL;
    g_autoptr(GBytes) b3 = NULL;
    g_autoptr(GBytes) b4 = NULL;
    g_autoptr(GBytes) b5 = NULL;
    g_autoptr(GBytes) body1 = g_bytes_new_static (body_ab, sizeof body_ab);
    g_autoptr(GBytes) body2 = g_bytes_new_static (body_a, sizeof body_a);

    g_assert_no_error (error);
    assert_bytes_equal (b1, version, sizeof version);
    b2 = henb_vici_packet_build (HENB_VICI_EVENT_REGISTER, "list-sa", NULL, &error);
    g_assert_no_error (error);
    assert_bytes_equal (b2, reg, sizeof reg);
    b3 = henb_vici_packet_build (HENB_VICI_EVENT_CONFIRM, NULL, NULL, &error);
    g_assert_no_error (error);
    assert_bytes_equal (b3, confirm, sizeof confirm);
    b4 = henb_vici_packet_build (HENB_VICI_CMD_RESPONSE, NULL, body1, &error);
    g_assert_no_error (error);
    assert_bytes_equal (b4, response, sizeof response);
    b5 = henb_vici_packet_build (HENB_VICI_EVENT, "up", body2, &error);
    g_assert_no_error (error);
    assert_bytes_equal (b5, event, sizeof event);

    g_assert_true (henb_vici_packet_type_is_named (HENB_VICI_CMD_REQUEST));
    g_assert_true (henb_vici_packet_type_is_named (HENB_VICI_EVENT));
    g_assert_false (henb_vici_packet_type_is_named (HENB_VICI_CMD_RESPONSE));
    g_assert_false (henb_vici_packet_type_is_named (HENB_VICI_EVENT_UNKNOWN));
    g_assert_cmpstr (henb_vici_packet_type_to_string (HENB_VICI_EVENT_UNKNOWN), ==, "EVENT_UNKNOWN");
    g_assert_cmpstr (henb_vici_packet_type_to_string ((HenbViciPacketType) 9), ==, "unknown");
}

static void
assert_build_error (HenbViciPacketType type, const gchar *name, GBytes *body, const gchar *needle)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) packet = henb_vici_packet_build (type, name, body, &error);

    g_assert_null (packet);
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED);
    if (strstr (error->message, needle) == NULL)
        g_error ("error '%s' does not mention '%s'", error->message, needle);
}

static void
test_packet_build_errors (void)
{
    g_autofree gchar *name256 = g_strnfill (256, 'n');
    g_autofree gchar *name255 = g_strnfill (255, 'n');
    g_autoptr(GBytes) big = g_bytes_new_take (g_malloc0 (HENB_VICI_MAX_PACKET_SIZE - 1),
                                              HENB_VICI_MAX_PACKET_SIZE - 1);
    g_autoptr(GBytes) fits = g_bytes_new_take (g_malloc0 (HENB_VICI_MAX_PACKET_SIZE - 1 - 1 - 255),
                                               HENB_VICI_MAX_PACKET_SIZE - 1 - 1 - 255);
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) max = NULL;

    assert_build_error (HENB_VICI_CMD_REQUEST, NULL, NULL, "CMD_REQUEST needs a name");
    assert_build_error (HENB_VICI_EVENT, "", NULL, "EVENT needs a name of 1 to 255 bytes");
    assert_build_error (HENB_VICI_EVENT_REGISTER, name256, NULL, "EVENT_REGISTER needs a name");
    assert_build_error (HENB_VICI_CMD_RESPONSE, "x", NULL, "CMD_RESPONSE carries no name");
    assert_build_error ((HenbViciPacketType) 8, NULL, NULL, "unknown packet type 8");
    /* the type byte plus 512 KiB - 1 of body fit exactly; with a name they do not */
    assert_build_error (HENB_VICI_CMD_REQUEST, "x", big, "the limit is 524288");

    max = henb_vici_packet_build (HENB_VICI_CMD_REQUEST, name255, fits, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (max), ==, 4 + HENB_VICI_MAX_PACKET_SIZE);
}

static void
test_packet_parse (void)
{
    static const guint8 body_a[] = { 3, 1, 'a', 0, 0 };
    g_autoptr(GBytes) body = g_bytes_new_static (body_a, sizeof body_a);
    HenbViciPacketType types[] = { HENB_VICI_CMD_REQUEST, HENB_VICI_CMD_RESPONSE, HENB_VICI_CMD_UNKNOWN,
                                   HENB_VICI_EVENT_REGISTER, HENB_VICI_EVENT_UNREGISTER,
                                   HENB_VICI_EVENT_CONFIRM, HENB_VICI_EVENT_UNKNOWN, HENB_VICI_EVENT };

    for (guint i = 0; i < G_N_ELEMENTS (types); i++) {
        g_autoptr(GError) error = NULL;
        gboolean named = henb_vici_packet_type_is_named (types[i]);
        g_autoptr(GBytes) packet = henb_vici_packet_build (types[i], named ? "ike-updown" : NULL, body,
                                                           &error);
        g_autoptr(GBytes) payload = NULL;
        g_autoptr(GBytes) got_body = NULL;
        g_autofree gchar *name = NULL;
        HenbViciPacketType type = 99;
        gsize size = 0;

        g_assert_no_error (error);
        g_assert_true (henb_vici_packet_parse_length (g_bytes_get_data (packet, NULL), &size, &error));
        g_assert_no_error (error);
        g_assert_cmpuint (size, ==, g_bytes_get_size (packet) - 4);
        payload = g_bytes_new_from_bytes (packet, 4, size);
        g_assert_true (henb_vici_packet_parse (payload, &type, &name, &got_body, &error));
        g_assert_no_error (error);
        g_assert_cmpint (type, ==, types[i]);
        g_assert_cmpstr (name, ==, named ? "ike-updown" : NULL);
        g_assert_true (g_bytes_equal (got_body, body));
    }
}

static void
test_packet_parse_empty_body (void)
{
    static const guint8 confirm[] = { 5 };
    static const guint8 named[] = { 7, 1, 'e' };
    g_autoptr(GBytes) p1 = g_bytes_new_static (confirm, sizeof confirm);
    g_autoptr(GBytes) p2 = g_bytes_new_static (named, sizeof named);
    g_autoptr(GBytes) body = NULL;
    g_autofree gchar *name = NULL;
    g_autoptr(GError) error = NULL;
    HenbViciPacketType type;

    g_assert_true (henb_vici_packet_parse (p1, &type, &name, &body, &error));
    g_assert_cmpint (type, ==, HENB_VICI_EVENT_CONFIRM);
    g_assert_null (name);
    g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
    g_clear_pointer (&body, g_bytes_unref);
    g_assert_true (henb_vici_packet_parse (p2, &type, &name, &body, &error));
    g_assert_no_error (error);
    g_assert_cmpint (type, ==, HENB_VICI_EVENT);
    g_assert_cmpstr (name, ==, "e");
    g_assert_cmpuint (g_bytes_get_size (body), ==, 0);
}

static void
assert_parse_error (const guint8 *data, gsize len, const gchar *needle)
{
    g_autoptr(GBytes) payload = g_bytes_new (data, len);
    g_autoptr(GError) error = NULL;
    g_autofree gchar *name = NULL;
    g_autoptr(GBytes) body = NULL;
    HenbViciPacketType type = 99;

    g_assert_false (henb_vici_packet_parse (payload, &type, &name, &body, &error));
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED);
    if (strstr (error->message, needle) == NULL)
        g_error ("error '%s' does not mention '%s'", error->message, needle);
    g_assert_null (name);
    g_assert_null (body);
    g_assert_cmpint (type, ==, 99);
}

static void
test_packet_parse_errors (void)
{
    static const guint8 unknown8[] = { 8 };
    static const guint8 unknown_ff[] = { 0xff, 1, 2 };
    static const guint8 no_name[] = { 0 };
    static const guint8 empty_name[] = { 7, 0, 3, 1, 'a', 0, 0 };
    static const guint8 long_name[] = { 3, 5, 'a', 'b', 'c' };
    static const guint8 bad_name[] = { 7, 1, 0xfe };
    g_autofree guint8 *huge = g_malloc0 (HENB_VICI_MAX_PACKET_SIZE + 1);

    huge[0] = HENB_VICI_CMD_RESPONSE;
    assert_parse_error ((const guint8 *) "", 0, "empty payload");
    assert_parse_error (unknown8, sizeof unknown8, "unknown packet type 8 at offset 0");
    assert_parse_error (unknown_ff, sizeof unknown_ff, "unknown packet type 255");
    assert_parse_error (no_name, sizeof no_name, "CMD_REQUEST is truncated before its name");
    assert_parse_error (empty_name, sizeof empty_name, "EVENT has an empty name");
    assert_parse_error (long_name, sizeof long_name, "name at offset 1 needs 5 bytes, only 3 left");
    assert_parse_error (bad_name, sizeof bad_name, "not valid UTF-8");
    assert_parse_error (huge, HENB_VICI_MAX_PACKET_SIZE + 1, "exceed the limit of 524288");
}

static void
test_packet_length (void)
{
    static const guint8 zero[] = { 0, 0, 0, 0 };
    static const guint8 max[] = { 0, 8, 0, 0 };
    static const guint8 over[] = { 0, 8, 0, 1 };
    static const guint8 huge[] = { 0xff, 0xff, 0xff, 0xff };
    g_autoptr(GError) error = NULL;
    gsize size = 0;

    g_assert_true (henb_vici_packet_parse_length (max, &size, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (size, ==, HENB_VICI_MAX_PACKET_SIZE);

    g_assert_false (henb_vici_packet_parse_length (zero, &size, &error));
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED);
    g_clear_error (&error);
    g_assert_false (henb_vici_packet_parse_length (over, &size, &error));
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED);
    g_assert_nonnull (strstr (error->message, "length 524289 exceeds"));
    g_clear_error (&error);
    g_assert_false (henb_vici_packet_parse_length (huge, &size, &error));
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);

    g_test_add_func ("/vici-message/decode/golden", test_decode_golden);
    g_test_add_func ("/vici-message/encode/golden", test_encode_golden);
    g_test_add_func ("/vici-message/encode/empty", test_encode_empty);
    g_test_add_func ("/vici-message/encode/bytestring-value", test_encode_bytestring_as_value);
    g_test_add_func ("/vici-message/encode/errors", test_encode_errors);
    g_test_add_func ("/vici-message/roundtrip", test_roundtrip);
    g_test_add_func ("/vici-message/decode/text-rule", test_decode_text_rule);
    g_test_add_func ("/vici-message/decode/duplicates-kept", test_decode_duplicates_kept);
    g_test_add_func ("/vici-message/hostile/truncated-everywhere", test_decode_truncated);
    g_test_add_func ("/vici-message/hostile/truncated-fields", test_decode_truncated_messages);
    g_test_add_func ("/vici-message/hostile/unknown-types", test_decode_unknown_types);
    g_test_add_func ("/vici-message/hostile/misplaced", test_decode_misplaced);
    g_test_add_func ("/vici-message/hostile/unbalanced", test_decode_unbalanced);
    g_test_add_func ("/vici-message/hostile/oversized-lengths", test_decode_oversized_lengths);
    g_test_add_func ("/vici-message/hostile/depth", test_decode_depth);
    g_test_add_func ("/vici-message/hostile/empty-names", test_decode_empty_names);
    g_test_add_func ("/vici-message/hostile/bad-names", test_decode_bad_names);
    g_test_add_func ("/vici-message/hostile/element-limit", test_decode_element_limit);
    g_test_add_func ("/vici-message/hostile/mutations", test_decode_mutations);
    g_test_add_func ("/vici-message/packet/build", test_packet_build);
    g_test_add_func ("/vici-message/packet/build-errors", test_packet_build_errors);
    g_test_add_func ("/vici-message/packet/parse", test_packet_parse);
    g_test_add_func ("/vici-message/packet/parse-empty-body", test_packet_parse_empty_body);
    g_test_add_func ("/vici-message/packet/parse-errors", test_packet_parse_errors);
    g_test_add_func ("/vici-message/packet/length", test_packet_length);

    return g_test_run ();
}
