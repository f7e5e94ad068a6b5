/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A VICI packet payload as charon's socket delivers it (what follows the length): split it
 * into type, name and body, decode the body. Both directions are exact inverses, which the
 * harness holds the codec to: building the packet again gives the same bytes, and encoding
 * the decoded message gives the same body (unless it repeats a key, which only the encoder
 * refuses).
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "henb-errors.h"
#include "henb-vici-message.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    henb_fuzz_init_logging ();
    return 0;
}

static gboolean
bytes_equal (GBytes *bytes, const guint8 *data, gsize size)
{
    gsize n;
    const guint8 *p = g_bytes_get_data (bytes, &n);

    return n == size && (size == 0 || memcmp (p, data, size) == 0);
}

static void
check_packet_round_trip (const uint8_t *data, size_t size, HenbViciPacketType type, const gchar *name, GBytes *body)
{
    g_autoptr(GBytes) packet = henb_vici_packet_build (type, name, body, NULL);
    const guint8 *p;
    gsize length = 0;

    henb_fuzz_check (packet != NULL, "a parsed packet cannot be built again");
    p = g_bytes_get_data (packet, NULL);
    henb_fuzz_check (henb_vici_packet_parse_length (p, &length, NULL) && length == size,
                     "the length header does not match the payload");
    henb_fuzz_check (g_bytes_get_size (packet) == 4 + size && memcmp (p + 4, data, size) == 0,
                     "a rebuilt packet differs from the parsed one");
}

static void
check_message_round_trip (GVariant *message, GBytes *body)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) encoded = henb_vici_message_encode (message, &error);
    g_autoptr(GVariant) again = NULL;

    if (encoded == NULL) {
        henb_fuzz_check (g_error_matches (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED) &&
                         strstr (error->message, "duplicate key") != NULL,
                         "a decoded message cannot be encoded, and not for a duplicate key");
        return;
    }
    henb_fuzz_check (bytes_equal (encoded, g_bytes_get_data (body, NULL), g_bytes_get_size (body)),
                     "encoding the decoded message gives other bytes");
    again = henb_vici_message_decode (g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded), NULL);
    henb_fuzz_check (again != NULL && g_variant_equal (again, message), "the encoded message decodes differently");
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    g_autoptr(GBytes) payload = g_bytes_new (data, size);
    g_autoptr(GBytes) body = NULL;
    g_autoptr(GVariant) message = NULL;
    g_autofree gchar *name = NULL;
    HenbViciPacketType type;

    /* the first four bytes as a length header, as the client reads them */
    if (size >= 4)
        henb_vici_packet_parse_length (data, NULL, NULL);

    if (!henb_vici_packet_parse (payload, &type, &name, &body, NULL))
        return 0;
    henb_fuzz_check ((name != NULL) == henb_vici_packet_type_is_named (type), "a name on the wrong packet type");
    check_packet_round_trip (data, size, type, name, body);

    message = henb_vici_message_decode (g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL);
    if (message == NULL)
        return 0;
    henb_fuzz_check (!g_variant_is_floating (message) && g_variant_is_of_type (message, G_VARIANT_TYPE_VARDICT),
                     "the decoder gave no a{sv} reference");
    check_message_round_trip (message, body);
    return 0;
}
