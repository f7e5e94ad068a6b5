/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * strongSwan's VICI protocol (the control socket of charon), wire format only.
 *
 * Transport: every packet is a 32-bit big-endian length followed by that many bytes of
 * payload. Payload: a packet type byte, for named types an 8-bit name length and the name,
 * then an optional message body. A message body is a flat sequence of elements:
 *
 *   SECTION_START name8        opens a sub-section
 *   SECTION_END                closes the innermost section
 *   KEY_VALUE     name8 value16
 *   LIST_START    name8        opens a list; only LIST_ITEMs may follow until LIST_END
 *   LIST_ITEM     value16
 *   LIST_END
 *
 * (name8: 8-bit length + bytes, value16: 16-bit big-endian length + bytes)
 *
 * A body maps to a GVariant of type a{sv}, in wire order:
 *   KEY_VALUE -> "s" if the value is valid UTF-8 without NUL bytes, else "ay"
 *   list      -> "as" if every item is valid UTF-8 without NUL bytes, else "aay"
 *   section   -> a nested "a{sv}"
 * Names must be 1..255 bytes of UTF-8 without NUL. The encoder takes the same types (s, ay,
 * as, aay, a{sv}) and refuses duplicate keys in a section; the decoder keeps duplicates as
 * they came (VICI forbids them, charon never sends them, and they are harmless in a{sv}).
 */

/* The transport limit of charon (512 KiB of payload per packet). */
#define HENB_VICI_MAX_PACKET_SIZE (512 * 1024)
/* Nested sections; charon's own messages use fewer than 8. */
#define HENB_VICI_MAX_DEPTH       32
/* Elements per message (one per SECTION_START/END, KEY_VALUE, LIST_START/ITEM/END). */
#define HENB_VICI_MAX_ELEMENTS    65536

typedef enum {
    HENB_VICI_CMD_REQUEST = 0,
    HENB_VICI_CMD_RESPONSE = 1,
    HENB_VICI_CMD_UNKNOWN = 2,
    HENB_VICI_EVENT_REGISTER = 3,
    HENB_VICI_EVENT_UNREGISTER = 4,
    HENB_VICI_EVENT_CONFIRM = 5,
    HENB_VICI_EVENT_UNKNOWN = 6,
    HENB_VICI_EVENT = 7,
} HenbViciPacketType;

typedef enum {
    HENB_VICI_SECTION_START = 1,
    HENB_VICI_SECTION_END = 2,
    HENB_VICI_KEY_VALUE = 3,
    HENB_VICI_LIST_START = 4,
    HENB_VICI_LIST_ITEM = 5,
    HENB_VICI_LIST_END = 6,
} HenbViciElementType;

/*
 * Encodes @message (a{sv}, NULL for an empty body; a floating reference is sunk) into a
 * message body. Fails (HENB_CORE_ERROR_FAILED) on another type, an unsupported value type,
 * an empty or over-long (> 255 bytes) name, a value over 65535 bytes, a duplicate key or
 * sections nested deeper than HENB_VICI_MAX_DEPTH; the message names the offending key.
 */
GBytes   *henb_vici_message_encode (GVariant *message, GError **error);

/*
 * Decodes a message body into a new a{sv} (never floating). Refuses, with
 * HENB_CORE_ERROR_FAILED and a message naming the problem and its byte offset: unknown
 * element types, lengths beyond the end of @data, empty or non-UTF-8 names, unbalanced
 * SECTION_END/LIST_END, elements not allowed where they appear (KEY_VALUE or sections in a
 * list, LIST_ITEM outside one, nested lists), more than HENB_VICI_MAX_DEPTH nested sections
 * and more than HENB_VICI_MAX_ELEMENTS elements. An empty body gives an empty a{sv}.
 */
GVariant *henb_vici_message_decode (const guint8 *data, gsize size, GError **error);

/* TRUE for the packet types that carry a name (CMD_REQUEST, EVENT_REGISTER/UNREGISTER, EVENT). */
gboolean     henb_vici_packet_type_is_named (HenbViciPacketType type);
/* "CMD_REQUEST", ...; "unknown" for anything else. */
const gchar *henb_vici_packet_type_to_string (HenbViciPacketType type);

/*
 * Builds a complete packet, 4-byte length included, ready to write to the socket. @name is
 * required for named types and refused for the others; @body (may be NULL) is an encoded
 * message. Fails when the payload would exceed HENB_VICI_MAX_PACKET_SIZE.
 */
GBytes  *henb_vici_packet_build (HenbViciPacketType type,
                                 const gchar       *name,
                                 GBytes            *body,
                                 GError           **error);

/* Reads the 4-byte length header; refuses 0 and anything above HENB_VICI_MAX_PACKET_SIZE. */
gboolean henb_vici_packet_parse_length (const guint8 header[4], gsize *out_size, GError **error);

/*
 * Splits a packet payload (what follows the length header) into its type, its name (NULL
 * for unnamed types) and its body (possibly empty, never NULL). Refuses an empty or
 * oversized payload, an unknown type, an empty name, a name running past the payload and a
 * name that is not UTF-8. The body is not decoded. Any out parameter may be NULL.
 */
gboolean henb_vici_packet_parse (GBytes             *payload,
                                 HenbViciPacketType *out_type,
                                 gchar             **out_name,
                                 GBytes            **out_body,
                                 GError            **error);

G_END_DECLS
