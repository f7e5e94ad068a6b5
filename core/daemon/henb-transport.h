/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

#include "henb-cwmp-transport.h"
#include "henb-tls.h"

G_BEGIN_DECLS

typedef struct {
    const gchar    *url;
    HenbTlsContext *tls;               /* required for https URLs */
    const gchar    *username;          /* HTTP authentication, NULL for none */
    const gchar    *password;
    guint           connect_timeout;   /* seconds */
    guint           response_timeout;  /* seconds, at least 30 per TR-069 */
    gsize           max_response_size;
    const gchar    *user_agent;
    /* where the URL's host is reached (its addresses from this HeNB's resolver); NULL: the
     * process's default resolver. The URL still names the host for HTTP and TLS. */
    GSocketConnectable *remote;
} HenbTransportOptions;

/* A file the HeMS asked for with Download. */
typedef struct {
    const gchar    *url;
    HenbTlsContext *tls;               /* required for https URLs */
    const gchar    *username;          /* file server authentication, NULL for none */
    const gchar    *password;
    guint           connect_timeout;   /* seconds */
    guint           timeout;           /* seconds for the whole transfer */
    goffset         max_size;          /* bytes; a larger body is cut off and fails */
    const gchar    *user_agent;
    GSocketConnectable *remote;        /* as in HenbTransportOptions */
} HenbDownloadOptions;

/* Implemented by CWMP transport plugins. */
#define HENB_TYPE_TRANSPORT_FACTORY (henb_transport_factory_get_type ())
G_DECLARE_INTERFACE (HenbTransportFactory, henb_transport_factory, HENB, TRANSPORT_FACTORY, GObject)

struct _HenbTransportFactoryInterface {
    GTypeInterface g_iface;

    HenbCwmpTransport *(*create) (HenbTransportFactory       *self,
                                  const HenbTransportOptions *options,
                                  GError                    **error);
    /*
     * Fetches @options->url and writes the body to @destination, a stream henbd opened (the
     * plugin neither names nor opens files, and leaves @destination open: henbd decides what
     * becomes of it). Errors: HENB_NETWORK_ERROR_* when the server
     * cannot be reached or the body breaks off, HENB_CWMP_ERROR_AUTH_FAILED when it refuses
     * the credentials, HENB_CWMP_ERROR_HTTP_STATUS for other HTTP errors,
     * HENB_CWMP_ERROR_TOO_LARGE as soon as the body grows beyond max_size (or its
     * Content-Length says it will), HENB_SECURITY_ERROR_* for TLS, HENB_CORE_ERROR_FAILED when
     * @destination refuses the data.
     */
    void               (*download_async) (HenbTransportFactory      *self,
                                          const HenbDownloadOptions *options,
                                          GOutputStream             *destination,
                                          GCancellable              *cancellable,
                                          GAsyncReadyCallback        callback,
                                          gpointer                   user_data);
    /* Returns the number of bytes written, -1 on error. */
    goffset            (*download_finish) (HenbTransportFactory *self,
                                           GAsyncResult         *result,
                                           GError              **error);
};

HenbCwmpTransport *henb_transport_factory_create (HenbTransportFactory       *self,
                                                  const HenbTransportOptions *options,
                                                  GError                    **error);
void               henb_transport_factory_download_async (HenbTransportFactory      *self,
                                                          const HenbDownloadOptions *options,
                                                          GOutputStream             *destination,
                                                          GCancellable              *cancellable,
                                                          GAsyncReadyCallback        callback,
                                                          gpointer                   user_data);
goffset            henb_transport_factory_download_finish (HenbTransportFactory *self,
                                                           GAsyncResult         *result,
                                                           GError              **error);

G_END_DECLS
