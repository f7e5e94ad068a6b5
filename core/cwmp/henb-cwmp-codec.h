/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

#include "henb-cwmp-message.h"

G_BEGIN_DECLS

#define HENB_SOAP_ENV_NS "http://schemas.xmlsoap.org/soap/envelope/"
#define HENB_SOAP_ENC_NS "http://schemas.xmlsoap.org/soap/encoding/"
#define HENB_XSD_NS      "http://www.w3.org/2001/XMLSchema"
#define HENB_XSI_NS      "http://www.w3.org/2001/XMLSchema-instance"

/* Default cap on an envelope henbd accepts; a HeNB data model answer is far smaller. */
#define HENB_CWMP_MAX_ENVELOPE_SIZE (256 * 1024)
/* Deepest element nesting a CWMP envelope needs is 7; anything much deeper is hostile. */
#define HENB_CWMP_MAX_DEPTH 16
#define HENB_CWMP_MAX_ELEMENTS 20000

/*
 * Parses one SOAP 1.1 envelope. DTDs and entities are refused (never expanded), the network
 * is never touched, and @max_size bounds the input. Envelope-level problems are errors in
 * HENB_CWMP_ERROR; a well-formed RPC with bad arguments parses, with the problem in
 * @out_argument_error so that the caller can answer with fault 9003.
 */
HenbCwmpMessage *henb_cwmp_parse (const gchar *data,
                                  gsize        len,
                                  gsize        max_size,
                                  gchar      **out_argument_error,
                                  GError     **error);

/* Serializes @msg as a SOAP 1.1 envelope in the namespace of msg->version (UTF-8). */
GBytes *henb_cwmp_serialize (const HenbCwmpMessage *msg);

G_END_DECLS
