/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Asynchronous VICI client. One reader loop (length header, then payload) runs for the
 * life of the connection; requests wait in one queue and go out one at a time because
 * charon answers strictly in order and without request ids.
 */
#include "config.h"

#include <string.h>
#include <sys/un.h>

#include <gio/gunixsocketaddress.h>

#include "henb-errors.h"
#include "henb-vici-client.h"

struct _HenbViciClient {
    GObject            parent_instance;
    gchar             *socket_path;
    GSocketConnection *connection;
    GMainContext      *context;         /* where the cancellation sources run */
    GCancellable      *io_cancellable;  /* the reader and the writes; cancelled on close */
    GQueue             queue;           /* Request, oldest first; the head may be on the wire */
    gboolean           writing;
    gboolean           closed;
    GError            *close_reason;
};

G_DEFINE_TYPE (HenbViciClient, henb_vici_client, G_TYPE_OBJECT)

enum {
    SIGNAL_EVENT,
    SIGNAL_CLOSED,
    N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct {
    HenbViciClient    *client;        /* unowned: the client owns the queue */
    HenbViciPacketType type;
    gchar             *name;
    GBytes            *packet;
    GTask             *task;          /* NULL once the caller has its (cancelled) answer */
    GSource           *cancel_source;
    gboolean           sent;
} Request;

static void
request_free (Request *req)
{
    g_assert (req->task == NULL);
    if (req->cancel_source != NULL) {
        g_source_destroy (req->cancel_source);
        g_source_unref (req->cancel_source);
    }
    g_bytes_unref (req->packet);
    g_free (req->name);
    g_free (req);
}

/* ------------------------------------------------------------------------------------------ */
/* Closing */

static void
close_with (HenbViciClient *self, GError *reason, gboolean emit)
{
    GQueue pending = G_QUEUE_INIT;
    Request *req;

    if (self->closed) {
        g_error_free (reason);
        return;
    }
    g_debug ("VICI connection to %s closed: %s", self->socket_path, reason->message);
    self->closed = TRUE;
    self->close_reason = reason;
    g_cancellable_cancel (self->io_cancellable);
    /* the reader still holds the input stream; closing the socket tells charon right away */
    if (self->connection != NULL)
        g_socket_close (g_socket_connection_get_socket (self->connection), NULL);

    /* the callbacks below may re-enter (new requests fail at once, since we are closed) */
    pending = self->queue;
    g_queue_init (&self->queue);
    if (emit)
        g_object_ref (self);
    while ((req = g_queue_pop_head (&pending)) != NULL) {
        GTask *task = g_steal_pointer (&req->task);

        request_free (req);
        if (task != NULL) {
            g_task_return_error (task, g_error_copy (reason));
            g_object_unref (task);
        }
    }
    if (emit) {
        g_signal_emit (self, signals[SIGNAL_CLOSED], 0, self->close_reason);
        g_object_unref (self);
    }
}

static void
protocol_error (HenbViciClient *self, const gchar *what)
{
    close_with (self, g_error_new (HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                                   "VICI protocol error from charon at %s: %s",
                                   self->socket_path, what),
                TRUE);
}

void
henb_vici_client_close (HenbViciClient *self)
{
    g_return_if_fail (HENB_IS_VICI_CLIENT (self));

    close_with (self, g_error_new (HENB_CORE_ERROR, HENB_CORE_ERROR_CANCELLED,
                                   "the VICI connection to %s was closed", self->socket_path),
                TRUE);
}

gboolean
henb_vici_client_is_closed (HenbViciClient *self)
{
    g_return_val_if_fail (HENB_IS_VICI_CLIENT (self), TRUE);
    return self->closed;
}

const gchar *
henb_vici_client_get_socket_path (HenbViciClient *self)
{
    g_return_val_if_fail (HENB_IS_VICI_CLIENT (self), NULL);
    return self->socket_path;
}

/* ------------------------------------------------------------------------------------------ */
/* Writing */

typedef struct {
    HenbViciClient *client;
    GBytes         *packet;  /* kept until the write is over, even if the request goes away */
} WriteOp;

static void maybe_send_next (HenbViciClient *self);

static void
on_written (GObject *source, GAsyncResult *res, gpointer user_data)
{
    WriteOp *op = user_data;
    HenbViciClient *self = op->client;
    g_autoptr(GError) error = NULL;

    self->writing = FALSE;
    if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, NULL, &error)) {
        close_with (self, g_error_new (HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_CONNECTION_LOST,
                                       "writing to charon at %s failed: %s", self->socket_path,
                                       error->message),
                    TRUE);
    } else {
        maybe_send_next (self);
    }
    g_bytes_unref (op->packet);
    g_object_unref (op->client);
    g_free (op);
}

/* Puts the oldest request on the wire unless one is there already. */
static void
maybe_send_next (HenbViciClient *self)
{
    Request *req = g_queue_peek_head (&self->queue);
    WriteOp *op;
    const guint8 *data;
    gsize size;

    if (self->closed || self->writing || req == NULL || req->sent)
        return;
    /* from here on its answer will come, cancelled or not */
    req->sent = TRUE;
    self->writing = TRUE;
    op = g_new0 (WriteOp, 1);
    op->client = g_object_ref (self);
    op->packet = g_bytes_ref (req->packet);
    data = g_bytes_get_data (op->packet, &size);
    g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (self->connection)),
                                     data, size, G_PRIORITY_DEFAULT, self->io_cancellable,
                                     on_written, op);
}

/* ------------------------------------------------------------------------------------------ */
/* Dispatching what charon sends */

static gboolean
answer_matches (HenbViciPacketType answer, HenbViciPacketType request)
{
    if (answer == HENB_VICI_CMD_RESPONSE || answer == HENB_VICI_CMD_UNKNOWN)
        return request == HENB_VICI_CMD_REQUEST;
    return request == HENB_VICI_EVENT_REGISTER || request == HENB_VICI_EVENT_UNREGISTER;
}

static void
handle_answer (HenbViciClient *self, HenbViciPacketType type, GBytes *body)
{
    Request *req = g_queue_peek_head (&self->queue);
    g_autoptr(GVariant) response = NULL;
    g_autoptr(GError) error = NULL;
    GTask *task;

    if (req == NULL || !req->sent) {
        g_autofree gchar *what = g_strdup_printf ("%s while no request is pending",
                                                  henb_vici_packet_type_to_string (type));
        protocol_error (self, what);
        return;
    }
    if (!answer_matches (type, req->type)) {
        g_autofree gchar *what = g_strdup_printf ("%s in answer to %s '%s'",
                                                  henb_vici_packet_type_to_string (type),
                                                  henb_vici_packet_type_to_string (req->type),
                                                  req->name);
        protocol_error (self, what);
        return;
    }
    if (type == HENB_VICI_CMD_RESPONSE) {
        gsize size;
        const guint8 *data = g_bytes_get_data (body, &size);

        response = henb_vici_message_decode (data, size, &error);
        if (response == NULL) {
            g_autofree gchar *what = g_strdup_printf ("response to '%s': %s", req->name,
                                                      error->message);
            protocol_error (self, what);
            return;
        }
    }

    g_queue_pop_head (&self->queue);
    task = g_steal_pointer (&req->task);
    if (task == NULL)
        g_debug ("dropping the answer to the cancelled VICI request '%s'", req->name);

    switch (type) {
    case HENB_VICI_CMD_RESPONSE:
        if (task != NULL)
            g_task_return_pointer (task, g_steal_pointer (&response),
                                   (GDestroyNotify) g_variant_unref);
        break;
    case HENB_VICI_CMD_UNKNOWN:
        if (task != NULL)
            g_task_return_new_error (task, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                                     "charon does not know the VICI command '%s'", req->name);
        break;
    case HENB_VICI_EVENT_CONFIRM:
        if (task != NULL)
            g_task_return_boolean (task, TRUE);
        break;
    default:
        if (task != NULL)
            g_task_return_new_error (task, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                                     req->type == HENB_VICI_EVENT_REGISTER
                                         ? "charon does not know the VICI event '%s'"
                                         : "charon could not unregister the VICI event '%s'",
                                     req->name);
        break;
    }
    request_free (req);
    g_clear_object (&task);
    maybe_send_next (self);
}

static void
handle_packet (HenbViciClient *self, GBytes *payload)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) body = NULL;
    g_autofree gchar *name = NULL;
    HenbViciPacketType type;

    if (!henb_vici_packet_parse (payload, &type, &name, &body, &error)) {
        protocol_error (self, error->message);
        return;
    }
    switch (type) {
    case HENB_VICI_EVENT: {
        gsize size;
        const guint8 *data = g_bytes_get_data (body, &size);
        g_autoptr(GVariant) message = henb_vici_message_decode (data, size, &error);

        if (message == NULL) {
            g_autofree gchar *what = g_strdup_printf ("event '%s': %s", name, error->message);
            protocol_error (self, what);
            return;
        }
        /* an unknown quark means nobody connected to this detail: do not grow the table */
        g_signal_emit (self, signals[SIGNAL_EVENT], g_quark_try_string (name), name, message);
        return;
    }
    case HENB_VICI_CMD_RESPONSE:
    case HENB_VICI_CMD_UNKNOWN:
    case HENB_VICI_EVENT_CONFIRM:
    case HENB_VICI_EVENT_UNKNOWN:
        handle_answer (self, type, body);
        return;
    default: {
        g_autofree gchar *what = g_strdup_printf ("unexpected %s packet",
                                                  henb_vici_packet_type_to_string (type));
        protocol_error (self, what);
        return;
    }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Reading: a 4-byte length, then the payload; reads may return any part of either. */

typedef struct {
    GWeakRef      client;       /* the pending read must not keep the client alive */
    GInputStream *stream;
    GCancellable *cancellable;
    guint8        header[4];
    guint8       *payload;      /* NULL while reading the header */
    gsize         size;
    gsize         got;
} Reader;

static void
reader_free (Reader *r)
{
    g_weak_ref_clear (&r->client);
    g_clear_object (&r->stream);
    g_clear_object (&r->cancellable);
    g_free (r->payload);
    g_free (r);
}

static void on_read (GObject *source, GAsyncResult *res, gpointer user_data);

static void
reader_next (Reader *r)
{
    if (r->payload == NULL)
        g_input_stream_read_async (r->stream, r->header + r->got, 4 - r->got, G_PRIORITY_DEFAULT,
                                   r->cancellable, on_read, r);
    else
        g_input_stream_read_async (r->stream, r->payload + r->got, r->size - r->got,
                                   G_PRIORITY_DEFAULT, r->cancellable, on_read, r);
}

static void
on_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
    Reader *r = user_data;
    g_autoptr(GError) error = NULL;
    gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), res, &error);
    g_autoptr(HenbViciClient) self = g_weak_ref_get (&r->client);
    g_autoptr(GBytes) packet = NULL;

    if (self == NULL || self->closed) {
        reader_free (r);
        return;
    }
    if (n <= 0) {
        if (n < 0)
            close_with (self, g_error_new (HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_CONNECTION_LOST,
                                           "reading from charon at %s failed: %s",
                                           self->socket_path, error->message),
                        TRUE);
        else
            close_with (self, g_error_new (HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_CONNECTION_LOST,
                                           "charon closed the VICI connection at %s%s",
                                           self->socket_path,
                                           r->got > 0 || r->payload != NULL
                                               ? " in the middle of a packet" : ""),
                        TRUE);
        reader_free (r);
        return;
    }

    r->got += (gsize) n;
    if (r->payload == NULL) {
        if (r->got == 4) {
            if (!henb_vici_packet_parse_length (r->header, &r->size, &error)) {
                protocol_error (self, error->message);
                reader_free (r);
                return;
            }
            r->payload = g_malloc (r->size);
            r->got = 0;
        }
        reader_next (r);
        return;
    }
    if (r->got < r->size) {
        reader_next (r);
        return;
    }

    packet = g_bytes_new_take (g_steal_pointer (&r->payload), r->size);
    r->size = 0;
    r->got = 0;
    handle_packet (self, packet);
    /* a signal handler or a completed request may have closed the client */
    if (self->closed) {
        reader_free (r);
        return;
    }
    reader_next (r);
}

static void
start_reading (HenbViciClient *self)
{
    Reader *r = g_new0 (Reader, 1);

    g_weak_ref_init (&r->client, self);
    r->stream = g_object_ref (g_io_stream_get_input_stream (G_IO_STREAM (self->connection)));
    r->cancellable = g_object_ref (self->io_cancellable);
    reader_next (r);
}

/* ------------------------------------------------------------------------------------------ */
/* Requests */

static gboolean
on_request_cancelled (GCancellable *cancellable, gpointer user_data)
{
    Request *req = user_data;
    HenbViciClient *self = req->client;
    GTask *task = g_steal_pointer (&req->task);

    g_source_destroy (req->cancel_source);
    g_clear_pointer (&req->cancel_source, g_source_unref);
    /* a request on the wire stays queued without its task, to swallow its answer */
    if (!req->sent) {
        g_queue_remove (&self->queue, req);
        request_free (req);
    }
    if (task != NULL) {
        g_task_return_error_if_cancelled (task);
        g_object_unref (task);
    }
    return G_SOURCE_REMOVE;
}

static void
enqueue (HenbViciClient     *self,
         HenbViciPacketType  type,
         const gchar        *name,
         GVariant           *message,
         GCancellable       *cancellable,
         GAsyncReadyCallback callback,
         gpointer            user_data,
         gpointer            source_tag)
{
    g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
    g_autoptr(GVariant) owned = message != NULL ? g_variant_ref_sink (message) : NULL;
    g_autoptr(GBytes) body = NULL;
    g_autoptr(GError) error = NULL;
    GBytes *packet;
    Request *req;

    g_task_set_source_tag (task, source_tag);
    if (g_task_return_error_if_cancelled (task))
        return;
    if (self->closed) {
        g_task_return_error (task, g_error_copy (self->close_reason));
        return;
    }
    if (owned != NULL) {
        body = henb_vici_message_encode (owned, &error);
        if (body == NULL) {
            g_task_return_new_error (task, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                                     "VICI request '%s': %s", name, error->message);
            return;
        }
    }
    packet = henb_vici_packet_build (type, name, body, &error);
    if (packet == NULL) {
        g_task_return_new_error (task, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                                 "VICI request '%s': %s", name, error->message);
        return;
    }

    req = g_new0 (Request, 1);
    req->client = self;
    req->type = type;
    req->name = g_strdup (name);
    req->packet = packet;
    req->task = g_steal_pointer (&task);
    if (cancellable != NULL) {
        /* runs in our context, whichever thread cancels */
        req->cancel_source = g_cancellable_source_new (cancellable);
        g_source_set_callback (req->cancel_source, G_SOURCE_FUNC (on_request_cancelled), req, NULL);
        g_source_attach (req->cancel_source, self->context);
    }
    g_queue_push_tail (&self->queue, req);
    maybe_send_next (self);
}

void
henb_vici_client_command_async (HenbViciClient     *self,
                                const gchar        *command,
                                GVariant           *request,
                                GCancellable       *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer            user_data)
{
    g_return_if_fail (HENB_IS_VICI_CLIENT (self));
    g_return_if_fail (command != NULL);

    enqueue (self, HENB_VICI_CMD_REQUEST, command, request, cancellable, callback, user_data,
             henb_vici_client_command_async);
}

GVariant *
henb_vici_client_command_finish (HenbViciClient *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail (g_task_is_valid (result, self), NULL);
    g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                          henb_vici_client_command_async, NULL);

    return g_task_propagate_pointer (G_TASK (result), error);
}

void
henb_vici_client_register_async (HenbViciClient     *self,
                                 const gchar        *event,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
    g_return_if_fail (HENB_IS_VICI_CLIENT (self));
    g_return_if_fail (event != NULL);

    enqueue (self, HENB_VICI_EVENT_REGISTER, event, NULL, cancellable, callback, user_data,
             henb_vici_client_register_async);
}

gboolean
henb_vici_client_register_finish (HenbViciClient *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
    g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                          henb_vici_client_register_async, FALSE);

    return g_task_propagate_boolean (G_TASK (result), error);
}

void
henb_vici_client_unregister_async (HenbViciClient     *self,
                                   const gchar        *event,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data)
{
    g_return_if_fail (HENB_IS_VICI_CLIENT (self));
    g_return_if_fail (event != NULL);

    enqueue (self, HENB_VICI_EVENT_UNREGISTER, event, NULL, cancellable, callback, user_data,
             henb_vici_client_unregister_async);
}

gboolean
henb_vici_client_unregister_finish (HenbViciClient *self, GAsyncResult *result, GError **error)
{
    g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
    g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                          henb_vici_client_unregister_async, FALSE);

    return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
henb_vici_response_check (GVariant *response, GError **error)
{
    g_autoptr(GVariant) success = NULL;
    const gchar *errmsg = NULL;

    g_return_val_if_fail (response != NULL, FALSE);
    g_return_val_if_fail (g_variant_is_of_type (response, G_VARIANT_TYPE_VARDICT), FALSE);

    success = g_variant_lookup_value (response, "success", NULL);
    if (success == NULL)
        return TRUE;
    if (g_variant_is_of_type (success, G_VARIANT_TYPE_STRING) &&
        g_str_equal (g_variant_get_string (success, NULL), "yes"))
        return TRUE;
    if (g_variant_lookup (response, "errmsg", "&s", &errmsg) && errmsg[0] != '\0')
        g_set_error_literal (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED, errmsg);
    else
        g_set_error_literal (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                             "charon reported a failure without a reason");
    return FALSE;
}

/* ------------------------------------------------------------------------------------------ */
/* Connecting */

static void
on_connected (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    const gchar *path = g_task_get_task_data (task);
    g_autoptr(GError) error = NULL;
    GSocketConnection *connection;
    HenbViciClient *self;

    connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), res, &error);
    if (connection == NULL) {
        g_prefix_error (&error, "cannot connect to charon at %s: ", path);
        g_task_return_error (task, g_steal_pointer (&error));
        return;
    }
    self = g_object_new (HENB_TYPE_VICI_CLIENT, NULL);
    self->socket_path = g_strdup (path);
    self->connection = connection;
    self->context = g_main_context_ref_thread_default ();
    start_reading (self);
    g_task_return_pointer (task, self, g_object_unref);
}

void
henb_vici_client_new_async (const gchar        *socket_path,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
    GTask *task;
    g_autoptr(GSocketClient) client = NULL;
    g_autoptr(GSocketAddress) address = NULL;

    g_return_if_fail (socket_path != NULL);

    task = g_task_new (NULL, cancellable, callback, user_data);
    g_task_set_source_tag (task, henb_vici_client_new_async);
    g_task_set_task_data (task, g_strdup (socket_path), g_free);
    if (socket_path[0] == '\0' ||
        strlen (socket_path) >= sizeof (((struct sockaddr_un *) NULL)->sun_path)) {
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                 "'%s' is not a usable unix socket path", socket_path);
        g_object_unref (task);
        return;
    }
    address = g_unix_socket_address_new (socket_path);
    client = g_socket_client_new ();
    g_socket_client_set_enable_proxy (client, FALSE);
    g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (address), cancellable,
                                   on_connected, task);
}

HenbViciClient *
henb_vici_client_new_finish (GAsyncResult *result, GError **error)
{
    g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
    g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == henb_vici_client_new_async,
                          NULL);

    return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject */

static void
henb_vici_client_dispose (GObject *object)
{
    HenbViciClient *self = HENB_VICI_CLIENT (object);

    /* every pending request holds a reference, so only answers nobody waits for are left */
    if (!self->closed)
        close_with (self, g_error_new (HENB_CORE_ERROR, HENB_CORE_ERROR_CANCELLED,
                                       "the VICI client was destroyed"),
                    FALSE);
    G_OBJECT_CLASS (henb_vici_client_parent_class)->dispose (object);
}

static void
henb_vici_client_finalize (GObject *object)
{
    HenbViciClient *self = HENB_VICI_CLIENT (object);

    g_clear_object (&self->connection);
    g_clear_object (&self->io_cancellable);
    g_clear_pointer (&self->context, g_main_context_unref);
    g_clear_error (&self->close_reason);
    g_free (self->socket_path);
    G_OBJECT_CLASS (henb_vici_client_parent_class)->finalize (object);
}

static void
henb_vici_client_init (HenbViciClient *self)
{
    self->io_cancellable = g_cancellable_new ();
    g_queue_init (&self->queue);
}

static void
henb_vici_client_class_init (HenbViciClientClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS (klass);

    object_class->dispose = henb_vici_client_dispose;
    object_class->finalize = henb_vici_client_finalize;

    /* detailed by the event name: "event::ike-updown" */
    signals[SIGNAL_EVENT] = g_signal_new ("event", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0,
                                          NULL, NULL, NULL, G_TYPE_NONE, 2,
                                          G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                                          G_TYPE_VARIANT);
    signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 1,
                                           G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}
