/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
    guint   status;
    gchar  *content_type;
    GBytes *body;         /* never NULL; empty for 204 */
    gsize   dropped_size; /* > 0: the body had this many bytes, more than the transport keeps;
                           * it was read to its end and dropped, and @body is empty */
} HenbCwmpHttpResponse;

/*
 * A transport keeps at most the codec's envelope limit of a body; a larger one it reads to
 * its end and drops (dropped_size), so that the session can refuse it with a fault and go on.
 * Beyond this many bytes it gives up on the connection instead.
 */
#define HENB_CWMP_TRANSPORT_DROP_LIMIT (4 * 1024 * 1024)

void henb_cwmp_http_response_free (HenbCwmpHttpResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbCwmpHttpResponse, henb_cwmp_http_response_free)

/*
 * The HTTP side of one CWMP session with one HeMS: a persistent connection (kept alive for the
 * whole session), cookies and authentication. Transport plugins subclass it.
 */
#define HENB_TYPE_CWMP_TRANSPORT (henb_cwmp_transport_get_type ())
G_DECLARE_DERIVABLE_TYPE (HenbCwmpTransport, henb_cwmp_transport, HENB, CWMP_TRANSPORT, GObject)

struct _HenbCwmpTransportClass {
    GObjectClass parent_class;

    /* Opens the connection (and the TLS session) ahead of the first POST. */
    void                  (*connect_async) (HenbCwmpTransport  *self,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
    gboolean              (*connect_finish) (HenbCwmpTransport *self,
                                             GAsyncResult      *result,
                                             GError           **error);
    /* POSTs @body, or an empty POST (no Content-Type, no SOAPAction) when @body is NULL. */
    void                  (*post_async) (HenbCwmpTransport  *self,
                                         GBytes             *body,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);
    HenbCwmpHttpResponse *(*post_finish) (HenbCwmpTransport *self,
                                          GAsyncResult      *result,
                                          GError           **error);
    void                  (*close) (HenbCwmpTransport *self);
    /* Who we talk to, for logs: URL, peer address, TLS version. */
    gchar                *(*describe) (HenbCwmpTransport *self);

    gpointer padding[8];
};

void                  henb_cwmp_transport_connect_async (HenbCwmpTransport  *self,
                                                         GCancellable       *cancellable,
                                                         GAsyncReadyCallback callback,
                                                         gpointer            user_data);
gboolean              henb_cwmp_transport_connect_finish (HenbCwmpTransport *self,
                                                          GAsyncResult      *result,
                                                          GError           **error);
void                  henb_cwmp_transport_post_async (HenbCwmpTransport  *self,
                                                      GBytes             *body,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
HenbCwmpHttpResponse *henb_cwmp_transport_post_finish (HenbCwmpTransport *self,
                                                       GAsyncResult      *result,
                                                       GError           **error);
void                  henb_cwmp_transport_close (HenbCwmpTransport *self);
gchar                *henb_cwmp_transport_describe (HenbCwmpTransport *self);

G_END_DECLS
