/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-services.h"
#include "henb-tls.h"
#include "henb-transport.h"

G_BEGIN_DECLS

/* The device's TLS credentials (operator root CA, device certificate and key) as a context. */
HenbTlsContext    *henb_device_tls_context_new (const HenbServices *svc, GError **error);
/* A CWMP transport to @url (@tls for https) with the HeMS credentials of the data model. */
HenbCwmpTransport *henb_hems_transport_new (const HenbServices *svc, const gchar *url, HenbTlsContext *tls,
                                           GError **error);

G_END_DECLS
