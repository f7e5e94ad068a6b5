/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What an IPsec backend needs to bring a tunnel up to a SeGW. */
typedef struct {
    const gchar  *label;             /* "initial" or "serving": names the backend's connection */
    const gchar  *gateway;           /* the SeGW as configured (FQDN or IP): its required identity */
    GInetAddress *gateway_address;   /* where to send IKE */
    const gchar  *root_ca_file;      /* the only CA the SeGW certificate may chain to */
    const gchar  *certificate_file;  /* the device certificate */
    const gchar  *key_file;
    const gchar  *local_identity;    /* the device's IKE identity, NULL: the certificate subject */
    guint         timeout;           /* seconds for the whole IKE exchange */
} HenbIpsecParams;

/*
 * A tunnel to a SeGW that is up: its inner (virtual) address and the DNS servers the SeGW
 * assigned with the IKEv2 configuration payload. Emits "dropped" when it goes down without
 * close() being asked for.
 */
#define HENB_TYPE_TUNNEL (henb_tunnel_get_type ())
G_DECLARE_DERIVABLE_TYPE (HenbTunnel, henb_tunnel, HENB, TUNNEL, GObject)

struct _HenbTunnelClass {
    GObjectClass parent_class;

    void     (*close_async) (HenbTunnel         *self,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data);
    gboolean (*close_finish) (HenbTunnel *self, GAsyncResult *result, GError **error);

    gpointer padding[8];
};

const gchar        *henb_tunnel_get_backend (HenbTunnel *self);
const gchar        *henb_tunnel_get_label (HenbTunnel *self);
const gchar        *henb_tunnel_get_gateway (HenbTunnel *self);
const gchar        *henb_tunnel_get_gateway_address (HenbTunnel *self);
const gchar        *henb_tunnel_get_inner_address (HenbTunnel *self);
const gchar *const *henb_tunnel_get_dns_servers (HenbTunnel *self);
gint64              henb_tunnel_get_up_since (HenbTunnel *self);
gboolean            henb_tunnel_is_up (HenbTunnel *self);

void     henb_tunnel_close_async (HenbTunnel *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean henb_tunnel_close_finish (HenbTunnel *self, GAsyncResult *result, GError **error);

/* For backends. */
void henb_tunnel_set_identity (HenbTunnel *self, const gchar *backend, const gchar *label,
                               const gchar *gateway, const gchar *gateway_address);
void henb_tunnel_set_up (HenbTunnel *self, const gchar *inner_address, const gchar *const *dns_servers);
void henb_tunnel_set_down (HenbTunnel *self);
void henb_tunnel_emit_dropped (HenbTunnel *self, const GError *reason);

/* Implemented by IPsec security backends. */
#define HENB_TYPE_IPSEC_PROVIDER (henb_ipsec_provider_get_type ())
G_DECLARE_INTERFACE (HenbIpsecProvider, henb_ipsec_provider, HENB, IPSEC_PROVIDER, GObject)

struct _HenbIpsecProviderInterface {
    GTypeInterface g_iface;

    void        (*establish_async) (HenbIpsecProvider     *self,
                                    const HenbIpsecParams *params,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data);
    HenbTunnel *(*establish_finish) (HenbIpsecProvider *self, GAsyncResult *result, GError **error);
    /* Optional: removes what an earlier henbd left behind (it crashed with a tunnel up). */
    void        (*cleanup_async) (HenbIpsecProvider  *self,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data);
    gboolean    (*cleanup_finish) (HenbIpsecProvider *self, GAsyncResult *result, GError **error);
    /* The [IPsec] keys only this backend reads (NULL-terminated, static; NULL: none): when
     * they are set and Backend= is not, the operator prepared this backend. */
    const gchar *const *settings;
};

/*
 * Brings a tunnel up: IKEv2 with certificates both ways, a virtual IP and DNS servers from
 * the SeGW. The SeGW identity must be in its certificate in the form it was configured (an
 * IP address as an iPAddress SAN, an FQDN as a dNSName SAN). Errors: HENB_SECURITY_ERROR
 * (AUTH_FAILED: the SeGW refused us; UNKNOWN_CA; IDENTITY_MISMATCH), HENB_NETWORK_ERROR
 * (UNREACHABLE/TIMEOUT: no IKE answer).
 */
void        henb_ipsec_provider_establish_async (HenbIpsecProvider     *self,
                                                 const HenbIpsecParams *params,
                                                 GCancellable          *cancellable,
                                                 GAsyncReadyCallback    callback,
                                                 gpointer               user_data);
HenbTunnel *henb_ipsec_provider_establish_finish (HenbIpsecProvider *self,
                                                  GAsyncResult      *result,
                                                  GError           **error);
void        henb_ipsec_provider_cleanup_async (HenbIpsecProvider  *self,
                                               GCancellable       *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer            user_data);
gboolean    henb_ipsec_provider_cleanup_finish (HenbIpsecProvider *self,
                                                GAsyncResult      *result,
                                                GError           **error);

G_END_DECLS
