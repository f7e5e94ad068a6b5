/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (__LIBHENB_GLIB_H_INSIDE__) && !defined (LIBHENB_GLIB_COMPILATION)
#error "Only <libhenb-glib.h> can be included directly."
#endif

#include <gio/gio.h>

#include "henb-enums.h"
#include "henb-step-info.h"

G_BEGIN_DECLS

#define HENB_TYPE_CLIENT (henb_client_get_type ())
G_DECLARE_FINAL_TYPE (HenbClient, henb_client, HENB, CLIENT, GObject)

void        henb_client_new (GDBusConnection    *connection,
                             GCancellable       *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer            user_data);
HenbClient *henb_client_new_finish (GAsyncResult *result, GError **error);
HenbClient *henb_client_new_sync (GDBusConnection *connection,
                                  GCancellable    *cancellable,
                                  GError         **error);

GDBusConnection      *henb_client_get_connection (HenbClient *self);
gboolean              henb_client_is_running (HenbClient *self);
const gchar          *henb_client_get_version (HenbClient *self);
HenbState             henb_client_get_state (HenbClient *self);
HenbStateFailedReason henb_client_get_state_failed_reason (HenbClient *self);
HenbDiscoveryVariant  henb_client_get_discovery_variant (HenbClient *self);
GError               *henb_client_dup_last_error (HenbClient *self);
gboolean              henb_client_get_last_error_name (HenbClient   *self,
                                                       const gchar **out_name,
                                                       const gchar **out_message);
GError               *henb_client_dup_state_file_write_error (HenbClient *self);
gboolean              henb_client_get_state_file_write_error_name (HenbClient   *self,
                                                                   const gchar **out_name,
                                                                   const gchar **out_message);

const gchar *henb_client_get_current_step_id (HenbClient *self);
const gchar *henb_client_get_current_step_name (HenbClient *self);
GPtrArray   *henb_client_dup_completed_steps (HenbClient *self);
guint        henb_client_get_step_count (HenbClient *self);
guint        henb_client_get_percentage (HenbClient *self);

const gchar        *henb_client_get_serving_hems_url (HenbClient *self);
const gchar *const *henb_client_get_security_gateways (HenbClient *self);
const gchar *const *henb_client_get_s1_addresses (HenbClient *self);
guint               henb_client_get_s1_port (HenbClient *self);
const gchar        *henb_client_get_s1_connection_mode (HenbClient *self);
gboolean            henb_client_get_s1_ipsec (HenbClient *self);
const gchar        *henb_client_get_s1_link (HenbClient *self);
const gchar        *henb_client_get_s1_link_detail (HenbClient *self);
const gchar        *henb_client_get_s1_far_end (HenbClient *self);
const gchar        *henb_client_get_mme_name (HenbClient *self);
const gchar *const *henb_client_get_served_gummeis (HenbClient *self);
guint               henb_client_get_mme_relative_capacity (HenbClient *self);

/* org.henbd.HeNB1.ConnectionRequest */
GVariant           *henb_client_dup_cr_transports (HenbClient *self);
gboolean            henb_client_get_nat_detected (HenbClient *self);
const gchar        *henb_client_get_udp_connection_request_address (HenbClient *self);
const gchar        *henb_client_get_stun_server (HenbClient *self);
const gchar        *henb_client_get_xmpp_state (HenbClient *self);
const gchar        *henb_client_get_xmpp_jabber_id (HenbClient *self);
const gchar        *henb_client_get_xmpp_server (HenbClient *self);
GVariant           *henb_client_dup_last_request (HenbClient *self);

gboolean            henb_client_get_tunnel_active (HenbClient *self);
const gchar        *henb_client_get_tunnel_purpose (HenbClient *self);
const gchar        *henb_client_get_tunnel_backend (HenbClient *self);
const gchar        *henb_client_get_tunnel_security_gateway (HenbClient *self);
const gchar        *henb_client_get_tunnel_gateway_address (HenbClient *self);
const gchar        *henb_client_get_tunnel_inner_address (HenbClient *self);
const gchar *const *henb_client_get_tunnel_dns_servers (HenbClient *self);
gint64              henb_client_get_tunnel_up_since (HenbClient *self);

guint               henb_client_get_retry_count (HenbClient *self);
gint64              henb_client_get_next_attempt (HenbClient *self);
guint               henb_client_get_session_count (HenbClient *self);
guint               henb_client_get_tolerated_inputs (HenbClient *self);
const gchar        *henb_client_get_last_session_result (HenbClient *self);
gint64              henb_client_get_last_session_time (HenbClient *self);
const gchar        *henb_client_get_connection_request_url (HenbClient *self);
GStrv               henb_client_dup_pending_events (HenbClient *self);

GHashTable         *henb_client_dup_cell_configuration (HenbClient *self);
const gchar        *henb_client_get_cell_configuration_key (HenbClient *self);
gboolean            henb_client_get_cell_admin_state (HenbClient *self);
GHashTable         *henb_client_dup_cell_status (HenbClient *self);
const gchar        *henb_client_get_radio_backend (HenbClient *self);

void     henb_client_start (HenbClient *self, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
gboolean henb_client_start_finish (HenbClient *self, GAsyncResult *result, GError **error);
gboolean henb_client_start_sync (HenbClient *self, GCancellable *cancellable, GError **error);

void     henb_client_rediscover (HenbClient *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean henb_client_rediscover_finish (HenbClient *self, GAsyncResult *result, GError **error);
gboolean henb_client_rediscover_sync (HenbClient *self, GCancellable *cancellable, GError **error);

void     henb_client_cancel (HenbClient *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
gboolean henb_client_cancel_finish (HenbClient *self, GAsyncResult *result, GError **error);
gboolean henb_client_cancel_sync (HenbClient *self, GCancellable *cancellable, GError **error);

void     henb_client_set_logging (HenbClient *self, const gchar *level, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
gboolean henb_client_set_logging_finish (HenbClient *self, GAsyncResult *result, GError **error);
gboolean henb_client_set_logging_sync (HenbClient *self, const gchar *level, GCancellable *cancellable,
                                       GError **error);

void     henb_client_report_status (HenbClient *self, GHashTable *values, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
gboolean henb_client_report_status_finish (HenbClient *self, GAsyncResult *result, GError **error);

G_END_DECLS
