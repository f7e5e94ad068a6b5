/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The operator root CA as a GnuTLS trust list: the only anchor henbd trusts. */
typedef struct _HenbGnutlsTrust HenbGnutlsTrust;

HenbGnutlsTrust *henb_gnutls_trust_new (const gchar *ca_file, GError **error);
void             henb_gnutls_trust_free (HenbGnutlsTrust *trust);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbGnutlsTrust, henb_gnutls_trust_free)

/*
 * Verifies a TLS server's chain (@chain: DER GBytes, leaf first) against the trust list
 * (signature, validity at @now or the current time when 0, serverAuth usage) and then the
 * identity @host in the form it was configured: an IP address matches only an iPAddress
 * SAN, an FQDN only a dNSName SAN, exactly (no wildcard, no CN fallback). Errors are in
 * HENB_SECURITY_ERROR and name the cause.
 */
gboolean henb_gnutls_verify_server (HenbGnutlsTrust *trust,
                                    GPtrArray       *chain,
                                    const gchar     *host,
                                    gint64           now,
                                    GError         **error);

/* The identity check alone, on a DER certificate. */
gboolean henb_gnutls_match_identity (GBytes *der, const gchar *host, GError **error);

G_END_DECLS
