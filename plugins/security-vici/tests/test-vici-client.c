/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HenbViciClient against a scripted fake charon (a thread with blocking sockets, to control
 * exactly what arrives when and in how many pieces), then against a real charon-systemd on a
 * private socket in a temp dir.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "henb-errors.h"
#include "henb-vici-client.h"

#define CHARON_PATH "/usr/sbin/charon-systemd"
#define WAIT_MS     10000

/* ------------------------------------------------------------------------------------------ */
/* Main loop helpers: all on the thread-default context, like the client */

static gboolean
on_timeout (gpointer data)
{
    *(gboolean *) data = TRUE;
    return G_SOURCE_REMOVE;
}

static GSource *
timeout_start (guint ms, gboolean *flag)
{
    g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
    GSource *source = g_timeout_source_new (ms);

    g_source_set_callback (source, on_timeout, flag, NULL);
    g_source_attach (source, context);
    return source;
}

static void
timeout_stop (GSource *source)
{
    g_source_destroy (source);
    g_source_unref (source);
}

static void
iterate (void)
{
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
}

/* Iterates until *@done, failing the test after @ms. */
static void
run_until (const gboolean *done, guint ms, const gchar *what)
{
    gboolean timed_out = FALSE;
    GSource *timeout = timeout_start (ms, &timed_out);

    while (!*done && !timed_out)
        iterate ();
    if (!*done)
        g_error ("timed out after %u ms waiting for %s", ms, what);
    timeout_stop (timeout);
}

static void
spin (guint ms)
{
    gboolean done = FALSE;
    GSource *timeout = timeout_start (ms, &done);

    while (!done)
        iterate ();
    timeout_stop (timeout);
}

static void
store_result (GObject *source, GAsyncResult *res, gpointer user_data)
{
    *(GAsyncResult **) user_data = g_object_ref (res);
}

static GAsyncResult *
wait_result (GAsyncResult **slot, const gchar *what)
{
    gboolean timed_out = FALSE;
    GSource *timeout = timeout_start (WAIT_MS, &timed_out);

    while (*slot == NULL && !timed_out)
        iterate ();
    if (*slot == NULL)
        g_error ("timed out waiting for %s", what);
    timeout_stop (timeout);
    return *slot;
}

static HenbViciClient *
connect_sync (const gchar *path, GError **error)
{
    g_autoptr(GAsyncResult) res = NULL;

    henb_vici_client_new_async (path, NULL, store_result, &res);
    wait_result (&res, "the connection");
    return henb_vici_client_new_finish (res, error);
}

static GVariant *
command_sync (HenbViciClient *client, const gchar *command, GVariant *request, GError **error)
{
    g_autoptr(GAsyncResult) res = NULL;

    henb_vici_client_command_async (client, command, request, NULL, store_result, &res);
    wait_result (&res, command);
    return henb_vici_client_command_finish (client, res, error);
}

static gboolean
register_sync (HenbViciClient *client, const gchar *event, gboolean on, GError **error)
{
    g_autoptr(GAsyncResult) res = NULL;

    if (on) {
        henb_vici_client_register_async (client, event, NULL, store_result, &res);
        wait_result (&res, event);
        return henb_vici_client_register_finish (client, res, error);
    }
    henb_vici_client_unregister_async (client, event, NULL, store_result, &res);
    wait_result (&res, event);
    return henb_vici_client_unregister_finish (client, res, error);
}

/* ------------------------------------------------------------------------------------------ */
/* What the client reports: events and the order of completions */

typedef struct {
    GPtrArray *events;    /* GVariant (sv): name, message */
    GString   *log;       /* "event:NAME " and "done:COMMAND " in the order they happened */
    guint      closed;
    gboolean   is_closed;
    GError    *reason;
} Recorder;

static void
on_event (HenbViciClient *client, const gchar *name, GVariant *message, Recorder *rec)
{
    g_assert_true (g_variant_is_of_type (message, G_VARIANT_TYPE_VARDICT));
    g_ptr_array_add (rec->events, g_variant_ref_sink (g_variant_new ("(s@a{sv})", name, message)));
    g_string_append_printf (rec->log, "event:%s ", name);
}

static void
on_closed (HenbViciClient *client, const GError *reason, Recorder *rec)
{
    g_assert_nonnull (reason);
    g_assert_true (henb_vici_client_is_closed (client));
    rec->closed++;
    rec->is_closed = TRUE;
    g_clear_error (&rec->reason);
    rec->reason = g_error_copy (reason);
}

static void
recorder_init (Recorder *rec, HenbViciClient *client)
{
    rec->events = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
    rec->log = g_string_new (NULL);
    rec->closed = 0;
    rec->is_closed = FALSE;
    rec->reason = NULL;
    g_signal_connect (client, "event", G_CALLBACK (on_event), rec);
    g_signal_connect (client, "closed", G_CALLBACK (on_closed), rec);
}

static void
recorder_clear (Recorder *rec)
{
    g_clear_pointer (&rec->events, g_ptr_array_unref);
    if (rec->log != NULL)
        g_string_free (rec->log, TRUE);
    rec->log = NULL;
    g_clear_error (&rec->reason);
}

/* A command whose completion is logged into a Recorder. */
typedef struct {
    HenbViciClient *client;
    Recorder       *rec;
    gchar          *tag;
    GVariant       *response;
    GError         *error;
    gboolean        done;
} Call;

static void
call_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    Call *call = user_data;

    call->response = henb_vici_client_command_finish (HENB_VICI_CLIENT (source), res, &call->error);
    call->done = TRUE;
    if (call->rec != NULL)
        g_string_append_printf (call->rec->log, "done:%s ", call->tag);
}

static Call *
call_start (HenbViciClient *client, Recorder *rec, const gchar *command, const gchar *tag,
            GVariant *request, GCancellable *cancellable)
{
    Call *call = g_new0 (Call, 1);

    call->client = client;
    call->rec = rec;
    call->tag = g_strdup (tag != NULL ? tag : command);
    henb_vici_client_command_async (client, command, request, cancellable, call_done, call);
    return call;
}

static void
call_free (Call *call)
{
    g_clear_pointer (&call->response, g_variant_unref);
    g_clear_error (&call->error);
    g_free (call->tag);
    g_free (call);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, call_free)

static const gchar *
lookup_string (GVariant *dict, const gchar *key)
{
    const gchar *value = NULL;

    if (!g_variant_lookup (dict, key, "&s", &value))
        return NULL;
    return value;
}

/* ------------------------------------------------------------------------------------------ */
/* Temp dirs */

static void
rm_rf (const gchar *path)
{
    g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
    const gchar *name;

    if (dir == NULL) {
        g_unlink (path);
        return;
    }
    while ((name = g_dir_read_name (dir)) != NULL) {
        g_autofree gchar *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            rm_rf (child);
        else
            g_unlink (child);
    }
    g_rmdir (path);
}

/* ------------------------------------------------------------------------------------------ */
/* Fake charon: a thread accepting one connection and running a script with blocking I/O */

typedef struct _FakeServer FakeServer;
typedef void (*FakeScript) (FakeServer *server, GSocket *peer);

struct _FakeServer {
    gchar     *dir;
    gchar     *path;
    GSocket   *listener;
    GThread   *thread;
    FakeScript script;
    gpointer   data;
    GMutex     lock;
    GCond      cond;
    gboolean   go;          /* set by the test when the script may go on */
    gboolean   saw_eof;     /* the script saw the client close the socket */
};

static gpointer
fake_thread (gpointer user_data)
{
    FakeServer *server = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocket) peer = g_socket_accept (server->listener, NULL, &error);

    g_assert_no_error (error);
    server->script (server, peer);
    g_socket_close (peer, NULL);
    return NULL;
}

static FakeServer *
fake_server_start (FakeScript script, gpointer data)
{
    FakeServer *server = g_new0 (FakeServer, 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketAddress) address = NULL;

    server->dir = g_dir_make_tmp ("henb-test-vici-fake-XXXXXX", &error);
    g_assert_no_error (error);
    server->path = g_build_filename (server->dir, "fake.vici", NULL);
    server->listener = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                                     G_SOCKET_PROTOCOL_DEFAULT, &error);
    g_assert_no_error (error);
    address = g_unix_socket_address_new (server->path);
    g_socket_bind (server->listener, address, TRUE, &error);
    g_assert_no_error (error);
    g_socket_listen (server->listener, &error);
    g_assert_no_error (error);
    server->script = script;
    server->data = data;
    g_mutex_init (&server->lock);
    g_cond_init (&server->cond);
    server->thread = g_thread_new ("fake-charon", fake_thread, server);
    return server;
}

static void
fake_server_go (FakeServer *server)
{
    g_mutex_lock (&server->lock);
    server->go = TRUE;
    g_cond_signal (&server->cond);
    g_mutex_unlock (&server->lock);
}

static void
fake_server_wait_go (FakeServer *server)
{
    g_mutex_lock (&server->lock);
    while (!server->go)
        g_cond_wait (&server->cond, &server->lock);
    server->go = FALSE;
    g_mutex_unlock (&server->lock);
}

static void
fake_server_free (FakeServer *server)
{
    g_thread_join (server->thread);
    g_socket_close (server->listener, NULL);
    g_object_unref (server->listener);
    rm_rf (server->dir);
    g_mutex_clear (&server->lock);
    g_cond_clear (&server->cond);
    g_free (server->path);
    g_free (server->dir);
    g_free (server);
}

/* Reads exactly @len bytes; FALSE on EOF (or reset) before the first byte. */
static gboolean
fake_read (GSocket *peer, guint8 *buf, gsize len)
{
    gsize got = 0;

    while (got < len) {
        g_autoptr(GError) error = NULL;
        gssize n = g_socket_receive (peer, (gchar *) buf + got, len - got, NULL, &error);

        /* a client that hangs up with our bytes still unread (it refused an oversized
         * packet) resets the connection instead of closing it: the same hang-up */
        if (got == 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
            return FALSE;
        g_assert_no_error (error);
        if (n == 0) {
            g_assert_cmpuint (got, ==, 0);
            return FALSE;
        }
        got += (gsize) n;
    }
    return TRUE;
}

/* Reads one packet, checks its type and name; returns the decoded body. NULL on EOF. */
static GVariant *
fake_expect (GSocket *peer, HenbViciPacketType type, const gchar *name)
{
    guint8 header[4];
    gsize size;
    g_autofree guint8 *payload = NULL;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GBytes) body = NULL;
    g_autofree gchar *got_name = NULL;
    g_autoptr(GError) error = NULL;
    HenbViciPacketType got_type;
    const guint8 *data;
    gsize body_size;

    if (!fake_read (peer, header, 4))
        return NULL;
    g_assert_true (henb_vici_packet_parse_length (header, &size, &error));
    payload = g_malloc (size);
    g_assert_true (fake_read (peer, payload, size));
    bytes = g_bytes_new_take (g_steal_pointer (&payload), size);
    g_assert_true (henb_vici_packet_parse (bytes, &got_type, &got_name, &body, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (henb_vici_packet_type_to_string (got_type), ==,
                     henb_vici_packet_type_to_string (type));
    g_assert_cmpstr (got_name, ==, name);
    data = g_bytes_get_data (body, &body_size);
    return henb_vici_message_decode (data, body_size, &error);
}

static void
fake_expect_eof (FakeServer *server, GSocket *peer)
{
    guint8 byte;

    g_assert_false (fake_read (peer, &byte, 1));
    server->saw_eof = TRUE;
}

/* Sends @len bytes in pieces of @chunk bytes with a pause between them, so that the client
 * gets them in separate reads. With @may_fail, stops quietly when the client has hung up. */
static void
fake_send_raw_full (GSocket *peer, const guint8 *data, gsize len, gsize chunk, gboolean may_fail)
{
    for (gsize off = 0; off < len; off += chunk) {
        g_autoptr(GError) error = NULL;
        gsize n = MIN (chunk, len - off);
        gssize sent = g_socket_send (peer, (const gchar *) data + off, n, NULL, &error);

        if (sent < 0 && may_fail)
            return;
        g_assert_no_error (error);
        g_assert_cmpint (sent, ==, (gssize) n);
        if (off + n < len)
            g_usleep (2000);
    }
}

static void
fake_send_raw (GSocket *peer, const guint8 *data, gsize len, gsize chunk)
{
    fake_send_raw_full (peer, data, len, chunk, FALSE);
}

static GBytes *
packet (HenbViciPacketType type, const gchar *name, const gchar *message_text)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) body = NULL;
    GBytes *bytes;

    if (message_text != NULL) {
        body = henb_vici_message_encode (g_variant_new_parsed (message_text), &error);
        g_assert_no_error (error);
    }
    bytes = henb_vici_packet_build (type, name, body, &error);
    g_assert_no_error (error);
    return bytes;
}

static void
fake_send (GSocket           *peer,
           HenbViciPacketType type,
           const gchar       *name,
           const gchar       *message_text,
           gsize              chunk)
{
    g_autoptr(GBytes) bytes = packet (type, name, message_text);

    fake_send_raw (peer, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), chunk);
}

/* ------------------------------------------------------------------------------------------ */
/* Fake charon tests */

static void
script_partial (FakeServer *server, GSocket *peer)
{
    g_autoptr(GVariant) request = fake_expect (peer, HENB_VICI_CMD_REQUEST, "list-things");
    g_autoptr(GByteArray) burst = g_byte_array_new ();
    g_autoptr(GBytes) p3 = packet (HENB_VICI_EVENT, "thing", "{'n': <'3'>}");
    g_autoptr(GBytes) done = packet (HENB_VICI_CMD_RESPONSE, NULL, "{'count': <'3'>}");

    g_assert_nonnull (request);
    g_assert_cmpstr (lookup_string (request, "filter"), ==, "all");
    /* one byte at a time, then three at a time, then two packets in one write */
    fake_send (peer, HENB_VICI_EVENT, "thing", "{'n': <'1'>, 'sub': <{'l': <['a', 'b']>}>}", 1);
    fake_send (peer, HENB_VICI_EVENT, "thing", "{'n': <'2'>}", 3);
    g_byte_array_append (burst, g_bytes_get_data (p3, NULL), g_bytes_get_size (p3));
    g_byte_array_append (burst, g_bytes_get_data (done, NULL), g_bytes_get_size (done));
    fake_send_raw (peer, burst->data, burst->len, burst->len);
    fake_expect_eof (server, peer);
}

static void
test_fake_partial_reads (void)
{
    FakeServer *server = fake_server_start (script_partial, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbViciClient) client = connect_sync (server->path, &error);
    g_autoptr(GVariant) response = NULL;
    g_autoptr(GVariant) first = g_variant_ref_sink (
        g_variant_new_parsed ("{'n': <'1'>, 'sub': <{'l': <['a', 'b']>}>}"));
    Recorder rec;

    g_assert_no_error (error);
    recorder_init (&rec, client);
    g_assert_cmpstr (henb_vici_client_get_socket_path (client), ==, server->path);
    response = command_sync (client, "list-things", g_variant_new_parsed ("{'filter': <'all'>}"),
                             &error);
    g_assert_no_error (error);
    g_assert_cmpstr (lookup_string (response, "count"), ==, "3");

    g_assert_cmpuint (rec.events->len, ==, 3);
    for (guint i = 0; i < 3; i++) {
        g_autoptr(GVariant) message = NULL;
        g_autofree gchar *n = g_strdup_printf ("%u", i + 1);
        const gchar *name;

        g_variant_get (rec.events->pdata[i], "(&s@a{sv})", &name, &message);
        g_assert_cmpstr (name, ==, "thing");
        g_assert_cmpstr (lookup_string (message, "n"), ==, n);
        if (i == 0)
            g_assert_true (g_variant_equal (message, first));
    }
    g_assert_cmpuint (rec.closed, ==, 0);

    henb_vici_client_close (client);
    g_assert_cmpuint (rec.closed, ==, 1);
    g_assert_error (rec.reason, HENB_CORE_ERROR, HENB_CORE_ERROR_CANCELLED);
    fake_server_free (server);
    g_assert_cmpuint (rec.closed, ==, 1);
    recorder_clear (&rec);
}

static void
script_cancel (FakeServer *server, GSocket *peer)
{
    g_autoptr(GVariant) a = fake_expect (peer, HENB_VICI_CMD_REQUEST, "a");
    g_autoptr(GVariant) b = NULL;
    g_autoptr(GVariant) d = NULL;

    g_assert_nonnull (a);
    /* hold the answer until the client has given up on "a" */
    fake_server_wait_go (server);
    fake_send (peer, HENB_VICI_CMD_RESPONSE, NULL, "{'who': <'a'>}", 4);
    b = fake_expect (peer, HENB_VICI_CMD_REQUEST, "b");
    g_assert_nonnull (b);
    fake_send (peer, HENB_VICI_CMD_RESPONSE, NULL, "{'who': <'b'>}", 64);
    /* "c" was cancelled while queued: it never comes */
    d = fake_expect (peer, HENB_VICI_CMD_REQUEST, "d");
    g_assert_nonnull (d);
    fake_send (peer, HENB_VICI_CMD_RESPONSE, NULL, "{'who': <'d'>}", 64);
    fake_expect_eof (server, peer);
}

static void
test_fake_cancel (void)
{
    FakeServer *server = fake_server_start (script_cancel, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbViciClient) client = connect_sync (server->path, &error);
    g_autoptr(GCancellable) cancel_a = g_cancellable_new ();
    g_autoptr(GCancellable) cancel_c = g_cancellable_new ();
    g_autoptr(Call) a = NULL;
    g_autoptr(Call) b = NULL;
    g_autoptr(Call) c = NULL;
    g_autoptr(Call) d = NULL;
    Recorder rec;

    g_assert_no_error (error);
    recorder_init (&rec, client);
    a = call_start (client, &rec, "a", NULL, NULL, cancel_a);
    b = call_start (client, &rec, "b", NULL, NULL, NULL);
    c = call_start (client, &rec, "c", NULL, NULL, cancel_c);
    d = call_start (client, &rec, "d", NULL, NULL, NULL);
    /* "a" is on the wire: cancelling it must not hand its answer to "b" */
    g_cancellable_cancel (cancel_a);
    g_cancellable_cancel (cancel_c);
    run_until (&a->done, WAIT_MS, "cancelled a");
    run_until (&c->done, WAIT_MS, "cancelled c");
    g_assert_error (a->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_error (c->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_false (b->done);
    fake_server_go (server);

    run_until (&d->done, WAIT_MS, "d");
    g_assert_no_error (b->error);
    g_assert_cmpstr (lookup_string (b->response, "who"), ==, "b");
    g_assert_no_error (d->error);
    g_assert_cmpstr (lookup_string (d->response, "who"), ==, "d");
    g_assert_cmpstr (rec.log->str, ==, "done:a done:c done:b done:d ");

    henb_vici_client_close (client);
    fake_server_free (server);
    recorder_clear (&rec);
}

/* A script that answers the first request with canned bytes. */
typedef struct {
    HenbViciPacketType request_type;
    const gchar       *request_name;
    const guint8      *reply;
    gsize              reply_len;
    gboolean           hang_up;     /* close right after the reply */
    gboolean           request_ok;  /* the reply starts with a good answer */
    const gchar       *expect;      /* in the close reason */
    gboolean           network;     /* NETWORK_ERROR_CONNECTION_LOST, else CORE_ERROR_FAILED */
} BadReply;

static void
script_bad_reply (FakeServer *server, GSocket *peer)
{
    const BadReply *bad = server->data;
    g_autoptr(GVariant) request = fake_expect (peer, bad->request_type, bad->request_name);

    g_assert_nonnull (request);
    /* the client may hang up as soon as it has seen enough */
    fake_send_raw_full (peer, bad->reply, bad->reply_len, 1, TRUE);
    if (!bad->hang_up)
        fake_expect_eof (server, peer);
}

typedef struct {
    gboolean done;
    gboolean ok;
    GError  *error;
} RegisterCall;

static void
register_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    RegisterCall *call = user_data;

    call->ok = henb_vici_client_register_finish (HENB_VICI_CLIENT (source), res, &call->error);
    call->done = TRUE;
}

static void
test_fake_bad_reply (gconstpointer data)
{
    const BadReply *bad = data;
    FakeServer *server = fake_server_start (script_bad_reply, (gpointer) bad);
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbViciClient) client = connect_sync (server->path, &error);
    g_autoptr(GError) request_error = NULL;
    g_autoptr(GVariant) after = NULL;
    GQuark domain = bad->network ? HENB_NETWORK_ERROR : HENB_CORE_ERROR;
    gint code = bad->network ? HENB_NETWORK_ERROR_CONNECTION_LOST : HENB_CORE_ERROR_FAILED;
    Recorder rec;

    g_assert_no_error (error);
    recorder_init (&rec, client);
    if (bad->request_type == HENB_VICI_EVENT_REGISTER) {
        RegisterCall call = { 0 };

        henb_vici_client_register_async (client, bad->request_name, NULL, register_done, &call);
        run_until (&call.done, WAIT_MS, bad->request_name);
        g_assert_false (call.ok);
        request_error = call.error;
    } else {
        g_autoptr(Call) call = call_start (client, &rec, bad->request_name, NULL, NULL, NULL);

        run_until (&call->done, WAIT_MS, bad->request_name);
        if (bad->request_ok) {
            g_assert_no_error (call->error);
            g_assert_nonnull (call->response);
        } else {
            g_assert_null (call->response);
            request_error = g_steal_pointer (&call->error);
        }
    }
    /* with a good answer first, the bad packet may still be on its way */
    run_until (&rec.is_closed, WAIT_MS, "closed");
    g_assert_cmpuint (rec.closed, ==, 1);
    g_assert_error (rec.reason, domain, code);
    if (strstr (rec.reason->message, bad->expect) == NULL)
        g_error ("close reason '%s' does not mention '%s'", rec.reason->message, bad->expect);
    /* a pending request fails with the reason the connection closed for */
    if (!bad->request_ok) {
        g_assert_error (request_error, domain, code);
        g_assert_cmpstr (request_error->message, ==, rec.reason->message);
    }
    g_assert_true (henb_vici_client_is_closed (client));

    /* later requests fail at once with the same reason */
    after = command_sync (client, "version", NULL, &error);
    g_assert_null (after);
    g_assert_error (error, domain, code);
    henb_vici_client_close (client);
    g_assert_cmpuint (rec.closed, ==, 1);

    fake_server_free (server);
    recorder_clear (&rec);
}

/* The client lives on the context that was thread-default when it connected: nothing may
 * land on the global default context, which nobody iterates here. */
static void
test_fake_private_context (void)
{
    g_autoptr(GMainContext) context = g_main_context_new ();

    /* whatever earlier tests left behind */
    while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
    g_main_context_push_thread_default (context);
    test_fake_cancel ();
    test_fake_partial_reads ();
    g_main_context_pop_thread_default (context);
    g_assert_false (g_main_context_pending (NULL));
}

static void
script_hold (FakeServer *server, GSocket *peer)
{
    g_autoptr(GVariant) request = fake_expect (peer, HENB_VICI_CMD_REQUEST, "slow");

    g_assert_nonnull (request);
    /* never answers; the client's close must reach us as EOF */
    fake_expect_eof (server, peer);
}

static void
test_fake_close_pending (void)
{
    FakeServer *server = fake_server_start (script_hold, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(HenbViciClient) client = connect_sync (server->path, &error);
    g_autoptr(Call) slow = NULL;
    g_autoptr(Call) queued = NULL;
    Recorder rec;

    g_assert_no_error (error);
    recorder_init (&rec, client);
    slow = call_start (client, &rec, "slow", NULL, NULL, NULL);
    queued = call_start (client, &rec, "queued", NULL, NULL, NULL);
    spin (50);
    g_assert_false (slow->done);
    henb_vici_client_close (client);
    g_assert_cmpuint (rec.closed, ==, 1);
    /* GTask may defer the callbacks to the next iteration */
    run_until (&queued->done, WAIT_MS, "the queued command to fail");
    g_assert_true (slow->done);
    g_assert_error (slow->error, HENB_CORE_ERROR, HENB_CORE_ERROR_CANCELLED);
    g_assert_error (queued->error, HENB_CORE_ERROR, HENB_CORE_ERROR_CANCELLED);
    g_assert_cmpuint (rec.closed, ==, 1);
    henb_vici_client_close (client);
    g_assert_cmpuint (rec.closed, ==, 1);

    fake_server_free (server);
    recorder_clear (&rec);
}

static void
test_fake_unref_open (void)
{
    FakeServer *server = fake_server_start (script_hold, NULL);
    g_autoptr(GError) error = NULL;
    HenbViciClient *client = connect_sync (server->path, &error);
    GWeakRef weak;
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(Call) slow = NULL;

    g_assert_no_error (error);
    g_weak_ref_init (&weak, client);
    /* a cancelled request on the wire keeps no reference: dropping ours destroys the client */
    slow = call_start (client, NULL, "slow", NULL, NULL, cancellable);
    spin (20);
    g_cancellable_cancel (cancellable);
    run_until (&slow->done, WAIT_MS, "cancelled slow");
    g_object_unref (client);
    spin (20);
    {
        g_autoptr(GObject) still = g_weak_ref_get (&weak);

        g_assert_null (still);
    }
    g_weak_ref_clear (&weak);
    fake_server_free (server);
}

static void
test_connect_errors (void)
{
    g_autoptr(GError) error = NULL;
    g_autofree gchar *dir = g_dir_make_tmp ("henb-test-vici-XXXXXX", &error);
    g_autofree gchar *missing = g_build_filename (dir, "missing.vici", NULL);
    g_autofree gchar *dead = g_build_filename (dir, "dead.vici", NULL);
    g_autofree gchar *too_long = g_strnfill (200, 'x');
    g_autoptr(GSocket) socket = NULL;
    g_autoptr(GSocketAddress) address = NULL;
    HenbViciClient *client;

    g_assert_no_error (error);
    client = connect_sync (missing, &error);
    g_assert_null (client);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, missing));
    g_clear_error (&error);

    client = connect_sync (too_long, &error);
    g_assert_null (client);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);

    /* bound but not listening */
    socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                           &error);
    g_assert_no_error (error);
    address = g_unix_socket_address_new (dead);
    g_assert_true (g_socket_bind (socket, address, TRUE, &error));
    client = connect_sync (dead, &error);
    g_assert_null (client);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
    g_clear_error (&error);

    g_socket_close (socket, NULL);
    rm_rf (dir);
}

static void
test_response_check (void)
{
    struct {
        const gchar *text;
        gboolean     ok;
        const gchar *message;
    } cases[] = {
        { "@a{sv} {}", TRUE, NULL },
        { "{'daemon': <'charon'>}", TRUE, NULL },
        { "{'success': <'yes'>, 'errmsg': <'ignored'>}", TRUE, NULL },
        { "{'success': <'no'>, 'errmsg': <'unloading connection x failed'>}", FALSE,
          "unloading connection x failed" },
        { "{'success': <'no'>}", FALSE, "charon reported a failure without a reason" },
        { "{'success': <'no'>, 'errmsg': <''>}", FALSE, "charon reported a failure without a reason" },
        { "{'success': <[byte 0x79]>}", FALSE, "charon reported a failure without a reason" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
        g_autoptr(GVariant) v = g_variant_ref_sink (g_variant_new_parsed (cases[i].text));
        g_autoptr(GError) error = NULL;

        g_assert_cmpint (henb_vici_response_check (v, &error), ==, cases[i].ok);
        if (cases[i].ok) {
            g_assert_no_error (error);
        } else {
            g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED);
            g_assert_cmpstr (error->message, ==, cases[i].message);
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Real charon */

typedef struct {
    gchar          *dir;
    gchar          *socket_path;
    gchar          *log_path;
    GSubprocess    *charon;
    gboolean        exited;
    HenbViciClient *client;
    Recorder        rec;
} Charon;

static void
on_charon_exited (GObject *source, GAsyncResult *res, gpointer user_data)
{
    gboolean *exited = user_data;

    g_subprocess_wait_finish (G_SUBPROCESS (source), res, NULL);
    *exited = TRUE;
}

/* charon must not outlive a test that aborts */
static void
charon_child_setup (gpointer user_data)
{
    prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gchar *
charon_log (Charon *f)
{
    g_autofree gchar *log = NULL;
    g_autofree gchar *out = NULL;
    g_autofree gchar *out_path = g_build_filename (f->dir, "charon.out", NULL);

    g_file_get_contents (f->log_path, &log, NULL, NULL);
    g_file_get_contents (out_path, &out, NULL, NULL);
    return g_strdup_printf ("--- %s\n%s\n--- stdout/stderr\n%s", f->log_path, log != NULL ? log : "",
                            out != NULL ? out : "");
}

static gboolean
skip_without_charon (void)
{
    if (!g_file_test (CHARON_PATH, G_FILE_TEST_IS_EXECUTABLE)) {
        g_test_skip (CHARON_PATH " is not installed");
        return TRUE;
    }
    if (geteuid () != 0) {
        g_test_skip ("charon needs root (CAP_NET_ADMIN)");
        return TRUE;
    }
    return FALSE;
}

static void
charon_setup (Charon *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocessLauncher) launcher = NULL;
    g_autofree gchar *conf_path = NULL;
    g_autofree gchar *conf = NULL;
    g_autofree gchar *out_path = NULL;
    gint64 deadline;

    if (skip_without_charon ())
        return;
    f->dir = g_dir_make_tmp ("henb-test-vici-XXXXXX", &error);
    g_assert_no_error (error);
    f->socket_path = g_build_filename (f->dir, "charon.vici", NULL);
    f->log_path = g_build_filename (f->dir, "charon.log", NULL);
    conf_path = g_build_filename (f->dir, "strongswan.conf", NULL);
    out_path = g_build_filename (f->dir, "charon.out", NULL);
    /* random IKE ports: nothing else in this network namespace is disturbed */
    conf = g_strdup_printf (
        "charon-systemd {\n"
        "  load_modular = no\n"
        "  load = random nonce drbg hmac kdf sha1 sha2 aes gcm pem pkcs1 pkcs8 x509 pubkey constraints "
        "revocation gmp openssl kernel-netlink socket-default vici\n"
        "  port = 0\n"
        "  port_nat_t = 0\n"
        "  install_routes = no\n"
        "  filelog {\n"
        "    test {\n"
        "      path = %s\n"
        "      default = 1\n"
        "      cfg = 2\n"
        "      flush_line = yes\n"
        "    }\n"
        "  }\n"
        "  journal { default = -1 }\n"
        "  syslog { daemon { default = -1 } }\n"
        "  plugins {\n"
        "    vici { socket = unix://%s }\n"
        "  }\n"
        "}\n",
        f->log_path, f->socket_path);
    g_file_set_contents (conf_path, conf, -1, &error);
    g_assert_no_error (error);

    launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
    g_subprocess_launcher_setenv (launcher, "STRONGSWAN_CONF", conf_path, TRUE);
    g_subprocess_launcher_set_stdout_file_path (launcher, out_path);
    g_subprocess_launcher_set_stderr_file_path (launcher, out_path);
    g_subprocess_launcher_set_child_setup (launcher, charon_child_setup, NULL, NULL);
    f->charon = g_subprocess_launcher_spawn (launcher, &error, CHARON_PATH, NULL);
    g_assert_no_error (error);
    g_subprocess_wait_async (f->charon, NULL, on_charon_exited, &f->exited);

    /* the socket appears a few ms after start; until it listens, connecting fails */
    deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;
    while (f->client == NULL) {
        g_clear_error (&error);
        f->client = connect_sync (f->socket_path, &error);
        if (f->client != NULL)
            break;
        if (f->exited) {
            g_autofree gchar *log = charon_log (f);

            g_error ("charon exited at startup:\n%s", log);
        }
        if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) &&
            !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
            g_error ("connecting to charon failed: %s", error->message);
        if (g_get_monotonic_time () > deadline) {
            g_autofree gchar *log = charon_log (f);

            g_error ("charon's VICI socket did not come up:\n%s", log);
        }
        spin (20);
    }
    recorder_init (&f->rec, f->client);
}

static void
charon_stop (Charon *f)
{
    gboolean timed_out = FALSE;
    GSource *timeout;

    if (f->charon == NULL || f->exited)
        return;
    g_subprocess_send_signal (f->charon, SIGTERM);
    timeout = timeout_start (5000, &timed_out);
    while (!f->exited && !timed_out)
        iterate ();
    timeout_stop (timeout);
    if (!f->exited) {
        g_subprocess_force_exit (f->charon);
        while (!f->exited)
            iterate ();
    }
}

static void
charon_teardown (Charon *f, gconstpointer data)
{
    if (f->client != NULL) {
        henb_vici_client_close (f->client);
        g_clear_object (&f->client);
    }
    charon_stop (f);
    g_clear_object (&f->charon);
    recorder_clear (&f->rec);
    if (f->dir != NULL)
        rm_rf (f->dir);
    g_free (f->dir);
    g_free (f->socket_path);
    g_free (f->log_path);
}

#define NEED_CHARON(f) G_STMT_START { if ((f)->client == NULL) return; } G_STMT_END

/* name { version=2 local_addrs=[127.0.0.1] remote_addrs=[remote] remote_port=port
 *        local { auth=psk } remote { auth=psk } children { c { start_action=none } } } */
static GVariant *
test_conn (const gchar *name, const gchar *remote, guint16 remote_port)
{
    g_autofree gchar *port = g_strdup_printf ("%u", remote_port);
    const gchar *local_addrs[] = { "127.0.0.1", NULL };
    const gchar *remote_addrs[] = { remote, NULL };
    GVariantBuilder conn;
    GVariantBuilder top;

    g_variant_builder_init (&conn, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&conn, "{sv}", "version", g_variant_new_string ("2"));
    g_variant_builder_add (&conn, "{sv}", "local_addrs", g_variant_new_strv (local_addrs, -1));
    g_variant_builder_add (&conn, "{sv}", "remote_addrs", g_variant_new_strv (remote_addrs, -1));
    g_variant_builder_add (&conn, "{sv}", "remote_port", g_variant_new_string (port));
    g_variant_builder_add (&conn, "{sv}", "local", g_variant_new_parsed ("{'auth': <'psk'>}"));
    g_variant_builder_add (&conn, "{sv}", "remote", g_variant_new_parsed ("{'auth': <'psk'>}"));
    g_variant_builder_add (&conn, "{sv}", "children",
                           g_variant_new_parsed ("{'c': <{'start_action': <'none'>}>}"));
    g_variant_builder_init (&top, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&top, "{sv}", name, g_variant_builder_end (&conn));
    return g_variant_builder_end (&top);
}

static void
load_conn (Charon *f, const gchar *name, const gchar *remote, guint16 remote_port)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) response = command_sync (f->client, "load-conn",
                                                 test_conn (name, remote, remote_port), &error);

    g_assert_no_error (error);
    henb_vici_response_check (response, &error);
    g_assert_no_error (error);
}

static gboolean
strv_variant_contains (GVariant *response, const gchar *key, const gchar *value)
{
    g_autofree const gchar **items = NULL;

    if (!g_variant_lookup (response, key, "^a&s", &items))
        g_error ("no list '%s' in the response", key);
    return g_strv_contains (items, value);
}

static void
test_charon_version (Charon *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) version = NULL;

    NEED_CHARON (f);
    version = command_sync (f->client, "version", NULL, &error);
    g_assert_no_error (error);
    g_assert_true (henb_vici_response_check (version, &error));
    g_assert_cmpstr (lookup_string (version, "daemon"), ==, "charon-systemd");
    g_assert_true (g_str_has_prefix (lookup_string (version, "version"), "5."));
    g_assert_cmpstr (lookup_string (version, "sysname"), ==, "Linux");
    g_assert_nonnull (lookup_string (version, "machine"));
    g_test_message ("charon: %s %s", lookup_string (version, "daemon"),
                    lookup_string (version, "version"));
}

static void
test_charon_conns (Charon *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) conns = NULL;
    g_autoptr(GVariant) unload = NULL;
    g_autoptr(Call) list = NULL;
    g_autoptr(GVariant) event = NULL;
    g_autoptr(GVariant) conn = NULL;
    const gchar *name;

    NEED_CHARON (f);
    load_conn (f, "test", "127.0.0.2", 500);
    conns = command_sync (f->client, "get-conns", NULL, &error);
    g_assert_no_error (error);
    g_assert_true (strv_variant_contains (conns, "conns", "test"));
    g_clear_pointer (&conns, g_variant_unref);

    /* list-conns streams list-conn events, all before its response */
    g_assert_true (register_sync (f->client, "list-conn", TRUE, &error));
    g_assert_no_error (error);
    list = call_start (f->client, &f->rec, "list-conns", NULL, NULL, NULL);
    run_until (&list->done, WAIT_MS, "list-conns");
    g_assert_no_error (list->error);
    g_assert_cmpstr (f->rec.log->str, ==, "event:list-conn done:list-conns ");
    g_assert_cmpuint (f->rec.events->len, ==, 1);
    g_variant_get (f->rec.events->pdata[0], "(&s@a{sv})", &name, &event);
    g_assert_cmpstr (name, ==, "list-conn");
    conn = g_variant_lookup_value (event, "test", G_VARIANT_TYPE_VARDICT);
    g_assert_nonnull (conn);
    g_assert_true (strv_variant_contains (conn, "local_addrs", "127.0.0.1"));
    g_assert_true (strv_variant_contains (conn, "remote_addrs", "127.0.0.2"));
    g_assert_cmpstr (lookup_string (conn, "version"), ==, "IKEv2");
    {
        g_autoptr(GVariant) children = g_variant_lookup_value (conn, "children",
                                                               G_VARIANT_TYPE_VARDICT);

        g_assert_nonnull (children);
        g_assert_true (g_variant_lookup (children, "c", "@a{sv}", NULL));
    }

    /* once unregistered, no more events */
    g_assert_true (register_sync (f->client, "list-conn", FALSE, &error));
    g_assert_no_error (error);
    g_clear_pointer (&list, call_free);
    list = call_start (f->client, &f->rec, "list-conns", "list-conns-again", NULL, NULL);
    run_until (&list->done, WAIT_MS, "list-conns");
    g_assert_no_error (list->error);
    g_assert_cmpuint (f->rec.events->len, ==, 1);

    unload = command_sync (f->client, "unload-conn", g_variant_new_parsed ("{'name': <'test'>}"),
                           &error);
    g_assert_no_error (error);
    g_assert_true (henb_vici_response_check (unload, &error));
    g_assert_no_error (error);
    conns = command_sync (f->client, "get-conns", NULL, &error);
    g_assert_no_error (error);
    g_assert_false (strv_variant_contains (conns, "conns", "test"));

    /* a second unload fails in charon: success=no with errmsg */
    g_clear_pointer (&unload, g_variant_unref);
    unload = command_sync (f->client, "unload-conn", g_variant_new_parsed ("{'name': <'test'>}"),
                           &error);
    g_assert_no_error (error);
    g_assert_cmpstr (lookup_string (unload, "success"), ==, "no");
    g_assert_false (henb_vici_response_check (unload, &error));
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED);
    g_assert_nonnull (strstr (error->message, "test"));
    g_test_message ("second unload-conn: %s", error->message);
}

static void
test_charon_unknown_command (Charon *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) response = NULL;

    NEED_CHARON (f);
    response = command_sync (f->client, "no-such-command", NULL, &error);
    g_assert_null (response);
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED);
    g_assert_nonnull (strstr (error->message, "'no-such-command'"));
    g_clear_error (&error);
    /* the connection is still in step */
    response = command_sync (f->client, "version", NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (lookup_string (response, "daemon"));
}

static void
test_charon_events (Charon *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) response = NULL;

    NEED_CHARON (f);
    g_assert_false (register_sync (f->client, "no-such-event", TRUE, &error));
    g_assert_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED);
    g_assert_nonnull (strstr (error->message, "'no-such-event'"));
    g_clear_error (&error);

    g_assert_true (register_sync (f->client, "ike-updown", TRUE, &error));
    g_assert_no_error (error);
    g_assert_true (register_sync (f->client, "child-updown", TRUE, &error));
    g_assert_no_error (error);
    g_assert_true (register_sync (f->client, "ike-updown", FALSE, &error));
    g_assert_no_error (error);
    response = command_sync (f->client, "version", NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (lookup_string (response, "version"));
    g_assert_false (f->rec.closed);
}

static void
test_charon_back_to_back (Charon *f, gconstpointer data)
{
    g_autoptr(Call) version = NULL;
    g_autoptr(Call) conns = NULL;
    g_autoptr(Call) stats = NULL;
    g_autoptr(Call) unknown = NULL;
    g_autoptr(Call) version2 = NULL;

    NEED_CHARON (f);
    load_conn (f, "b2b", "127.0.0.2", 500);
    version = call_start (f->client, &f->rec, "version", NULL, NULL, NULL);
    conns = call_start (f->client, &f->rec, "get-conns", NULL, NULL, NULL);
    stats = call_start (f->client, &f->rec, "stats", NULL, NULL, NULL);
    unknown = call_start (f->client, &f->rec, "bogus", NULL, NULL, NULL);
    version2 = call_start (f->client, &f->rec, "version", "version2", NULL, NULL);
    run_until (&version2->done, WAIT_MS, "five commands");
    g_assert_cmpstr (f->rec.log->str, ==,
                     "done:version done:get-conns done:stats done:bogus done:version2 ");
    g_assert_no_error (version->error);
    g_assert_nonnull (lookup_string (version->response, "daemon"));
    g_assert_no_error (conns->error);
    g_assert_true (strv_variant_contains (conns->response, "conns", "b2b"));
    g_assert_no_error (stats->error);
    g_assert_true (g_variant_lookup (stats->response, "uptime", "@a{sv}", NULL));
    g_assert_error (unknown->error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED);
    g_assert_no_error (version2->error);
    g_assert_true (g_variant_equal (version->response, version2->response));
}

static void
test_charon_cancel (Charon *f, gconstpointer data)
{
    g_autoptr(GCancellable) cancel_first = g_cancellable_new ();
    g_autoptr(GCancellable) cancel_queued = g_cancellable_new ();
    g_autoptr(Call) first = NULL;
    g_autoptr(Call) second = NULL;
    g_autoptr(Call) queued = NULL;
    g_autoptr(Call) last = NULL;

    NEED_CHARON (f);
    load_conn (f, "cancel", "127.0.0.2", 500);
    /* "version" goes on the wire at once; cancel it and the one queued behind "get-conns" */
    first = call_start (f->client, &f->rec, "version", NULL, NULL, cancel_first);
    second = call_start (f->client, &f->rec, "get-conns", NULL, NULL, NULL);
    queued = call_start (f->client, &f->rec, "stats", NULL, NULL, cancel_queued);
    last = call_start (f->client, &f->rec, "list-conns", NULL, NULL, NULL);
    g_cancellable_cancel (cancel_first);
    g_cancellable_cancel (cancel_queued);
    run_until (&last->done, WAIT_MS, "the remaining commands");
    g_assert_cmpstr (f->rec.log->str, ==, "done:version done:stats done:get-conns done:list-conns ");
    g_assert_error (first->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_error (queued->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    /* the version answer was dropped, not given to get-conns */
    g_assert_no_error (second->error);
    g_assert_null (lookup_string (second->response, "daemon"));
    g_assert_true (strv_variant_contains (second->response, "conns", "cancel"));
    g_assert_no_error (last->error);
    g_assert_cmpuint (g_variant_n_children (last->response), ==, 0);
}

/* A UDP socket of ours on 127.0.0.1 that never answers: charon's IKE_SA_INIT goes there and
 * nowhere else. */
static GSocket *
silent_peer (guint16 *port)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) bind_address = g_inet_socket_address_new (loopback, 0);
    g_autoptr(GSocketAddress) local = NULL;
    GSocket *peer = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                  G_SOCKET_PROTOCOL_UDP, &error);

    g_assert_no_error (error);
    g_assert_true (g_socket_bind (peer, bind_address, FALSE, &error));
    local = g_socket_get_local_address (peer, &error);
    g_assert_no_error (error);
    *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    return peer;
}

static void
test_charon_control_log (Charon *f, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocket) peer = NULL;
    g_autoptr(Call) initiate = NULL;
    g_autoptr(GVariant) terminate = NULL;
    gchar buf[2048];
    const guint8 *ike;
    gssize n;
    guint control_logs = 0;
    guint16 port;

    NEED_CHARON (f);
    peer = silent_peer (&port);
    load_conn (f, "probe", "127.0.0.1", port);

    g_assert_true (register_sync (f->client, "control-log", TRUE, &error));
    g_assert_no_error (error);
    initiate = call_start (f->client, &f->rec, "initiate", NULL,
                           g_variant_new_parsed ("{'child': <'c'>, 'ike': <'probe'>,"
                                                 " 'timeout': <'500'>, 'loglevel': <'1'>}"),
                           NULL);
    run_until (&initiate->done, WAIT_MS, "initiate");
    g_assert_no_error (initiate->error);
    /* nobody answers: charon gives up after the timeout */
    g_assert_false (henb_vici_response_check (initiate->response, &error));
    g_test_message ("initiate: %s", error->message);
    g_clear_error (&error);

    for (guint i = 0; i < f->rec.events->len; i++) {
        const gchar *name;
        g_autoptr(GVariant) message = NULL;

        g_variant_get (f->rec.events->pdata[i], "(&s@a{sv})", &name, &message);
        g_assert_cmpstr (name, ==, "control-log");
        g_assert_nonnull (lookup_string (message, "msg"));
        g_assert_nonnull (lookup_string (message, "group"));
        control_logs++;
    }
    g_assert_cmpuint (control_logs, >, 0);
    /* streamed while the command was active, before its response */
    g_assert_true (g_str_has_suffix (f->rec.log->str, "event:control-log done:initiate "));

    /* and charon really sent IKE_SA_INIT to our port */
    g_socket_set_blocking (peer, FALSE);
    n = g_socket_receive (peer, buf, sizeof buf, NULL, &error);
    g_assert_no_error (error);
    ike = (const guint8 *) buf;
    /* a non-ESP marker if charon sent from its NAT-T socket; a real SPI is never 0 */
    if (n >= 4 && memcmp (ike, "\0\0\0\0", 4) == 0) {
        ike += 4;
        n -= 4;
    }
    g_assert_cmpint (n, >, 28);
    g_assert_cmpint (ike[17], ==, 0x20);  /* IKEv2 */
    g_assert_cmpint (ike[18], ==, 34);    /* IKE_SA_INIT */

    terminate = command_sync (f->client, "terminate",
                              g_variant_new_parsed ("{'ike': <'probe'>, 'timeout': <'2000'>}"),
                              &error);
    g_assert_no_error (error);
    g_assert_true (henb_vici_response_check (terminate, &error));
    g_assert_no_error (error);
}

static void
test_charon_killed (Charon *f, gconstpointer data)
{
    g_autoptr(Call) pending = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) after = NULL;
    g_autoptr(GSocket) peer = NULL;
    guint16 port;

    NEED_CHARON (f);
    /* initiate with timeout 0 waits for the silent peer, i.e. for minutes of retransmits */
    peer = silent_peer (&port);
    load_conn (f, "probe", "127.0.0.1", port);
    pending = call_start (f->client, &f->rec, "initiate",  NULL,
                          g_variant_new_parsed ("{'child': <'c'>, 'ike': <'probe'>,"
                                                " 'timeout': <'0'>}"),
                          NULL);
    spin (200);
    g_assert_false (pending->done);
    g_subprocess_send_signal (f->charon, SIGKILL);
    run_until (&pending->done, WAIT_MS, "the command to fail");
    g_assert_null (pending->response);
    g_assert_error (pending->error, HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_CONNECTION_LOST);
    g_assert_cmpuint (f->rec.closed, ==, 1);
    g_assert_error (f->rec.reason, HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_CONNECTION_LOST);
    g_assert_true (henb_vici_client_is_closed (f->client));
    g_test_message ("closed: %s", f->rec.reason->message);

    after = command_sync (f->client, "version", NULL, &error);
    g_assert_null (after);
    g_assert_error (error, HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_CONNECTION_LOST);
    run_until (&f->exited, WAIT_MS, "charon to exit");
}

/* ------------------------------------------------------------------------------------------ */

static const guint8 reply_unsolicited_type[] = { 0, 0, 0, 1, HENB_VICI_EVENT_CONFIRM };
static const guint8 reply_mismatch[] = { 0, 0, 0, 1, HENB_VICI_CMD_RESPONSE };
static const guint8 reply_oversized[] = { 0, 8, 0, 1, HENB_VICI_CMD_RESPONSE };
static const guint8 reply_bad_body[] = { 0, 0, 0, 2, HENB_VICI_CMD_RESPONSE, 2 };
static const guint8 reply_bad_type[] = { 0, 0, 0, 1, 9 };
static const guint8 reply_request[] = { 0, 0, 0, 3, HENB_VICI_CMD_REQUEST, 1, 'x' };
static const guint8 reply_bad_event[] = { 0, 0, 0, 4, HENB_VICI_EVENT, 1, 'e', 6 };
static const guint8 reply_zero_length[] = { 0, 0, 0, 0 };
static const guint8 reply_cut[] = { 0, 0, 0, 9, HENB_VICI_CMD_RESPONSE, 3 };

static const guint8 reply_extra[] = {
    0, 0, 0, 1, HENB_VICI_CMD_RESPONSE,
    0, 0, 0, 1, HENB_VICI_CMD_RESPONSE,
};

static const BadReply bad_replies[] = {
    { HENB_VICI_CMD_REQUEST, "version", reply_unsolicited_type, sizeof reply_unsolicited_type,
      FALSE, FALSE, "EVENT_CONFIRM in answer to CMD_REQUEST 'version'", FALSE },
    { HENB_VICI_EVENT_REGISTER, "ike-updown", reply_mismatch, sizeof reply_mismatch, FALSE, FALSE,
      "CMD_RESPONSE in answer to EVENT_REGISTER 'ike-updown'", FALSE },
    { HENB_VICI_CMD_REQUEST, "version", reply_extra, sizeof reply_extra, FALSE, TRUE,
      "CMD_RESPONSE while no request is pending", FALSE },
    { HENB_VICI_CMD_REQUEST, "version", reply_oversized, sizeof reply_oversized, FALSE, FALSE,
      "length 524289 exceeds the limit", FALSE },
    { HENB_VICI_CMD_REQUEST, "version", reply_bad_body, sizeof reply_bad_body, FALSE, FALSE,
      "response to 'version': malformed VICI message: SECTION_END without an open section at offset 0",
      FALSE },
    { HENB_VICI_CMD_REQUEST, "version", reply_bad_type, sizeof reply_bad_type, FALSE, FALSE,
      "unknown packet type 9", FALSE },
    { HENB_VICI_CMD_REQUEST, "version", reply_request, sizeof reply_request, FALSE, FALSE,
      "unexpected CMD_REQUEST packet", FALSE },
    { HENB_VICI_CMD_REQUEST, "version", reply_bad_event, sizeof reply_bad_event, FALSE, FALSE,
      "event 'e': malformed VICI message: LIST_END without an open list", FALSE },
    { HENB_VICI_CMD_REQUEST, "version", reply_zero_length, sizeof reply_zero_length, FALSE, FALSE,
      "empty packet", FALSE },
    { HENB_VICI_CMD_REQUEST, "version", reply_cut, sizeof reply_cut, TRUE, FALSE,
      "in the middle of a packet", TRUE },
    { HENB_VICI_CMD_REQUEST, "version", NULL, 0, TRUE, FALSE,
      "charon closed the VICI connection", TRUE },
};
static const gchar *bad_reply_names[] = {
    "unexpected-confirm", "register-got-response", "extra-response", "oversized", "bad-body",
    "bad-type", "request-from-server", "bad-event", "zero-length", "eof-mid-packet", "eof",
};
G_STATIC_ASSERT (G_N_ELEMENTS (bad_replies) == G_N_ELEMENTS (bad_reply_names));

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);

    for (guint i = 0; i < G_N_ELEMENTS (bad_replies); i++) {
        g_autofree gchar *path = g_strdup_printf ("/vici-client/fake/protocol/%s", bad_reply_names[i]);

        g_test_add_data_func (path, &bad_replies[i], test_fake_bad_reply);
    }
    g_test_add_func ("/vici-client/fake/partial-reads", test_fake_partial_reads);
    g_test_add_func ("/vici-client/fake/cancel", test_fake_cancel);
    g_test_add_func ("/vici-client/fake/private-context", test_fake_private_context);
    g_test_add_func ("/vici-client/fake/close-pending", test_fake_close_pending);
    g_test_add_func ("/vici-client/fake/unref-open", test_fake_unref_open);
    g_test_add_func ("/vici-client/connect-errors", test_connect_errors);
    g_test_add_func ("/vici-client/response-check", test_response_check);

#define ADD_CHARON(name, func) \
    g_test_add ("/vici-client/charon/" name, Charon, NULL, charon_setup, func, charon_teardown)
    ADD_CHARON ("version", test_charon_version);
    ADD_CHARON ("conns", test_charon_conns);
    ADD_CHARON ("unknown-command", test_charon_unknown_command);
    ADD_CHARON ("events", test_charon_events);
    ADD_CHARON ("back-to-back", test_charon_back_to_back);
    ADD_CHARON ("cancel", test_charon_cancel);
    ADD_CHARON ("control-log", test_charon_control_log);
    ADD_CHARON ("killed", test_charon_killed);

    return g_test_run ();
}
