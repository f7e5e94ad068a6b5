/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What a HeNB brings to a TLS handshake: the operator root CA and its device credentials. */
typedef struct {
    const gchar *root_ca_file;
    const gchar *certificate_file;
    const gchar *key_file;
} HenbTlsCredentials;

/*
 * TLS policy for one peer: which CA is trusted, the client certificate, and a check of the
 * finished handshake. Made by a security backend (HenbTlsProvider), used by transports.
 */
#define HENB_TYPE_TLS_CONTEXT (henb_tls_context_get_type ())
G_DECLARE_DERIVABLE_TYPE (HenbTlsContext, henb_tls_context, HENB, TLS_CONTEXT, GObject)

struct _HenbTlsContextClass {
    GObjectClass parent_class;

    GTlsDatabase    *(*get_database) (HenbTlsContext *self);
    GTlsCertificate *(*get_client_certificate) (HenbTlsContext *self);
    /* Called once a handshake completed: refuses e.g. a too old protocol version. */
    gboolean         (*check_connection) (HenbTlsContext *self,
                                          GTlsConnection *connection,
                                          GError        **error);
    /* Why the peer certificate was last refused, in HENB_SECURITY_ERROR; NULL if it wasn't. */
    GError          *(*take_verify_error) (HenbTlsContext *self);

    gpointer padding[8];
};

GTlsDatabase    *henb_tls_context_get_database (HenbTlsContext *self);
GTlsCertificate *henb_tls_context_get_client_certificate (HenbTlsContext *self);
gboolean         henb_tls_context_check_connection (HenbTlsContext *self,
                                                    GTlsConnection *connection,
                                                    GError        **error);
GError          *henb_tls_context_take_verify_error (HenbTlsContext *self);

/* Implemented by TLS security backends. */
#define HENB_TYPE_TLS_PROVIDER (henb_tls_provider_get_type ())
G_DECLARE_INTERFACE (HenbTlsProvider, henb_tls_provider, HENB, TLS_PROVIDER, GObject)

struct _HenbTlsProviderInterface {
    GTypeInterface g_iface;

    HenbTlsContext *(*create_context) (HenbTlsProvider          *self,
                                       const HenbTlsCredentials *credentials,
                                       GError                  **error);
};

HenbTlsContext *henb_tls_provider_create_context (HenbTlsProvider          *self,
                                                  const HenbTlsCredentials *credentials,
                                                  GError                  **error);

G_END_DECLS
