/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

#include "henb-gnutls-verify.h"

G_BEGIN_DECLS

/*
 * The XMPP server side of a session, up to TLS (RFC 6120 5.4): TCP to @address:@port, the
 * initial stream header to @domain, <starttls/>, <proceed/>, and a TLS handshake in which
 * henbd's own check (@trust: the operator root CA alone; @domain in its form, see
 * henb_gnutls_verify_server) is the only thing that can accept the server certificate.
 * The result is the stream to hand to libstrophe with its own TLS disabled: it restarts the
 * stream as after STARTTLS, so nothing of the login leaves before the check passed.
 *
 * @trust is taken (transfer full).
 *
 * When the server offers no STARTTLS and @require_tls is FALSE, the stream is a new plain TCP
 * connection (the first one has its stream open already); with @require_tls it is an error.
 */
void       henb_xmpp_starttls_connect_async (const gchar         *address,
                                             guint16              port,
                                             const gchar         *domain,
                                             HenbGnutlsTrust     *trust,
                                             gboolean             require_tls,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* @tls_established: whether the stream is the TLS one. Errors: G_IO_ERROR (no connection,
 * G_IO_ERROR_NOT_SUPPORTED: no STARTTLS where required, others: the server's stream),
 * G_TLS_ERROR (the handshake) or HENB_SECURITY_ERROR (the certificate refused). */
GIOStream *henb_xmpp_starttls_connect_finish (GAsyncResult *result,
                                              gboolean     *tls_established,
                                              GError      **error);

G_END_DECLS
