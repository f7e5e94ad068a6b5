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
} HenbTransportOptions;

/* Implemented by CWMP transport plugins. */
#define HENB_TYPE_TRANSPORT_FACTORY (henb_transport_factory_get_type ())
G_DECLARE_INTERFACE (HenbTransportFactory, henb_transport_factory, HENB, TRANSPORT_FACTORY, GObject)

struct _HenbTransportFactoryInterface {
    GTypeInterface g_iface;

    HenbCwmpTransport *(*create) (HenbTransportFactory       *self,
                                  const HenbTransportOptions *options,
                                  GError                    **error);
};

HenbCwmpTransport *henb_transport_factory_create (HenbTransportFactory       *self,
                                                  const HenbTransportOptions *options,
                                                  GError                    **error);

G_END_DECLS
