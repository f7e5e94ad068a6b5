/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

#include "henb-vici-message.h"

G_BEGIN_DECLS

/*
 * An asynchronous VICI client on charon's unix socket. Everything runs on the thread-default
 * main context of the thread that called henb_vici_client_new_async(); use the client from
 * that thread only.
 *
 * VICI has no request ids: charon answers in order. Commands and event (un)registrations
 * therefore share one queue and only one is on the wire at a time. A cancelled request
 * completes at once with G_IO_ERROR_CANCELLED; if it was already sent, its answer is read
 * and dropped when it arrives, so the next request still gets its own answer. (A cancelled
 * command or registration may still have taken effect in charon.)
 *
 * Signals:
 *   "event" (detailed by the event name, e.g. "event::ike-updown"):
 *       void (*) (HenbViciClient *client, const gchar *name, GVariant *message, gpointer data)
 *     for every EVENT packet, including those streamed during a command (list-sa, list-conn,
 *     control-log) which arrive before that command's response. @message is a{sv}.
 *   "closed":
 *       void (*) (HenbViciClient *client, const GError *reason, gpointer data)
 *     once, when the connection ends: charon closed it or an I/O error
 *     (HENB_NETWORK_ERROR_CONNECTION_LOST), charon broke the protocol (HENB_CORE_ERROR_FAILED),
 *     or henb_vici_client_close() was called (HENB_CORE_ERROR_CANCELLED). Requests still
 *     pending fail with the same error, and so do later ones.
 */
#define HENB_TYPE_VICI_CLIENT (henb_vici_client_get_type ())
G_DECLARE_FINAL_TYPE (HenbViciClient, henb_vici_client, HENB, VICI_CLIENT, GObject)

/* Connects to @socket_path. Errors are GIO's (G_IO_ERROR_NOT_FOUND while charon has not
 * created the socket yet, G_IO_ERROR_CONNECTION_REFUSED when nobody listens). */
void            henb_vici_client_new_async (const gchar        *socket_path,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
HenbViciClient *henb_vici_client_new_finish (GAsyncResult *result, GError **error);

const gchar    *henb_vici_client_get_socket_path (HenbViciClient *self);
gboolean        henb_vici_client_is_closed (HenbViciClient *self);

/*
 * Sends @command with @request (a{sv}, may be floating, NULL for none). The response is an
 * a{sv} (transfer full). Fails with HENB_CORE_ERROR_FAILED when charon does not know the
 * command (CMD_UNKNOWN) or @request cannot be encoded; with the close reason when the
 * connection ends first. A response saying success=no is still a response: see
 * henb_vici_response_check().
 */
void      henb_vici_client_command_async (HenbViciClient     *self,
                                          const gchar        *command,
                                          GVariant           *request,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
GVariant *henb_vici_client_command_finish (HenbViciClient *self,
                                           GAsyncResult   *result,
                                           GError        **error);

/* (Un)registers for the event @event; fails with HENB_CORE_ERROR_FAILED on EVENT_UNKNOWN. */
void     henb_vici_client_register_async (HenbViciClient     *self,
                                          const gchar        *event,
                                          GCancellable       *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer            user_data);
gboolean henb_vici_client_register_finish (HenbViciClient *self,
                                           GAsyncResult   *result,
                                           GError        **error);
void     henb_vici_client_unregister_async (HenbViciClient     *self,
                                            const gchar        *event,
                                            GCancellable       *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer            user_data);
gboolean henb_vici_client_unregister_finish (HenbViciClient *self,
                                             GAsyncResult   *result,
                                             GError        **error);

/* Closes the connection: pending requests fail, "closed" is emitted. Idempotent. Dropping
 * the last reference closes it too, without the signal. */
void henb_vici_client_close (HenbViciClient *self);

/*
 * Most commands answer success=yes|no and errmsg. Returns FALSE with HENB_CORE_ERROR_FAILED
 * (message: errmsg, or a generic one) when @response has a "success" string that is not
 * "yes"; TRUE otherwise, also for responses without "success" (version, get-conns, ...).
 */
gboolean henb_vici_response_check (GVariant *response, GError **error);

G_END_DECLS
