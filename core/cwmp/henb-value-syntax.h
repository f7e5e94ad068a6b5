/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

#include "henb-enums.h"

G_BEGIN_DECLS

/*
 * The syntax of the network values a HeMS may set: URLs and hosts. Every check refuses with
 * HENB_CORE_ERROR_INVALID_ARGS and a message that shows the value escaped (no control
 * characters reach a log line or a fault string).
 */

#define HENB_URL_MAX_LENGTH  2048 /* ManagementServer.URL's size in TR-181 */
#define HENB_HOST_MAX_LENGTH 253  /* RFC 1035: a domain name in text form */

/*
 * A host: an IPv4 address in dotted-quad form (four decimal octets ≤ 255, no leading zeros),
 * an IPv6 address (no zone), or an RFC 1123 host name: LDH labels of 1 to 63 characters,
 * no hyphen at either end of a label, 253 characters in all, and not all labels numeric
 * (999.999.999.999 and 1.2.3 are neither addresses nor names).
 */
gboolean henb_value_check_host (const gchar *host, GError **error);

/*
 * An absolute RFC 3986 URL with scheme http or https, a host as henb_value_check_host wants it
 * (an IPv6 address in brackets), an optional port 1..65535, no userinfo, only the characters
 * RFC 3986 allows (so no whitespace, control or non-ASCII characters; '%' with two hex
 * digits), at most HENB_URL_MAX_LENGTH bytes. @out_host, if given, receives the host
 * (without brackets).
 */
gboolean henb_value_check_url (const gchar *url, gchar **out_host, GError **error);

/* TRUE when the variant reaches its HeMS over TLS only: the public internet, unless the
 * factory configuration allows plain HTTP ([CWMP] AllowPlainHttp, for labs). */
gboolean henb_value_hems_requires_tls (HenbDiscoveryVariant variant, gboolean allow_plain_http);

/*
 * The one decision on a HeMS URL: henb_value_check_url, and https when the variant requires
 * TLS. A URL refused only for its scheme gets HENB_PROCEDURE_ERROR_INSECURE_URL. The factory
 * configuration, SetParameterValues and the procedure all ask this function.
 */
gboolean henb_value_check_hems_url (const gchar         *url,
                                    HenbDiscoveryVariant variant,
                                    gboolean             allow_plain_http,
                                    GError             **error);

/* @value for a message: control, non-ASCII, quote and backslash escaped, cut at @max bytes. */
gchar   *henb_value_escape (const gchar *value, gsize max);

G_END_DECLS
