/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The few STUN messages TR-111 part 2 needs (RFC 5389 framing, which STUN servers also
 * accept from RFC 3489 clients): a Binding Request with the CWMP attributes
 * CONNECTION-REQUEST-BINDING and BINDING-CHANGE, optionally USERNAME and MESSAGE-INTEGRITY
 * (short-term credentials: the key is STUNPassword), and its answers. Parsing is strict and
 * bounded: whatever does not fit is an error, never a guess.
 */
#define HENB_STUN_HEADER_SIZE        20
#define HENB_STUN_TRANSACTION_ID_SIZE 12
#define HENB_STUN_MAX_MESSAGE_SIZE   548 /* RFC 5389 7.1: what fits unfragmented anywhere */

#define HENB_STUN_BINDING_REQUEST  0x0001
#define HENB_STUN_BINDING_RESPONSE 0x0101
#define HENB_STUN_BINDING_ERROR    0x0111

#define HENB_STUN_ATTR_MAPPED_ADDRESS             0x0001
#define HENB_STUN_ATTR_USERNAME                   0x0006
#define HENB_STUN_ATTR_MESSAGE_INTEGRITY          0x0008
#define HENB_STUN_ATTR_ERROR_CODE                 0x0009
#define HENB_STUN_ATTR_XOR_MAPPED_ADDRESS         0x0020
#define HENB_STUN_ATTR_CONNECTION_REQUEST_BINDING 0xC001 /* TR-111 */
#define HENB_STUN_ATTR_BINDING_CHANGE             0xC002 /* TR-111 */

/* The value TR-111 gives CONNECTION-REQUEST-BINDING, trailing space included. */
#define HENB_STUN_CONNECTION_REQUEST_BINDING "dslforum.org/TR-111 "

/*
 * A Binding Request. @username NULL or empty: no USERNAME and no MESSAGE-INTEGRITY;
 * otherwise both, MESSAGE-INTEGRITY keyed with @password.
 */
GBytes *henb_stun_build_binding_request (const guint8 transaction_id[HENB_STUN_TRANSACTION_ID_SIZE],
                                         gboolean     binding_change,
                                         const gchar *username,
                                         const gchar *password);

typedef struct {
    guint16              type;
    guint8               transaction_id[HENB_STUN_TRANSACTION_ID_SIZE];
    GInetSocketAddress  *mapped;          /* XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS; NULL: none */
    guint                error_code;      /* 0: none; else 300..699 */
    gboolean             has_integrity;
    gboolean             integrity_ok;    /* with the key given to the parser */
    gboolean             connection_request_binding;
    gboolean             binding_change;
    gchar               *username;
} HenbStunMessage;

/*
 * Parses one datagram. @key: checks MESSAGE-INTEGRITY with it when present (NULL: not
 * checked). Errors (G_IO_ERROR_INVALID_DATA): not STUN, lengths that do not add up, an
 * attribute out of bounds, an address of another family than its length says.
 */
HenbStunMessage *henb_stun_parse (const guint8 *data, gsize size, const gchar *key, GError **error);
void             henb_stun_message_free (HenbStunMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbStunMessage, henb_stun_message_free)

/* Whether @data looks like STUN at all (the two top bits of the type are zero, the cookie). */
gboolean         henb_stun_is_stun (const guint8 *data, gsize size);

G_END_DECLS
