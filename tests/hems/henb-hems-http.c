/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "henb-hems-http.h"
#include "henb-hems-log.h"

/* ------------------------------------------------------------------------------------------ */
/* Authentication */

typedef struct {
    gchar *username;
    gchar *password;
    gchar *realm;
} Credentials;

static void
credentials_free (Credentials *c)
{
    g_free (c->username);
    g_free (c->password);
    g_free (c->realm);
    g_free (c);
}

static gboolean
check_basic (SoupAuthDomain *domain, SoupServerMessage *msg, const char *username, const char *password,
             gpointer user_data)
{
    const Credentials *c = user_data;

    return g_strcmp0 (username, c->username) == 0 && g_strcmp0 (password, c->password) == 0;
}

static gchar *
digest_secret (SoupAuthDomain *domain, SoupServerMessage *msg, const char *username, gpointer user_data)
{
    const Credentials *c = user_data;

    if (g_strcmp0 (username, c->username) != 0)
        return NULL;
    return soup_auth_domain_digest_encode_password (username, c->realm, c->password);
}

SoupAuthDomain *
hems_auth_domain_new (const gchar *kind,
                      const gchar *realm,
                      const gchar *username,
                      const gchar *password,
                      GError     **error)
{
    Credentials *c;
    SoupAuthDomain *domain;

    if (g_strcmp0 (kind, "basic") != 0 && g_strcmp0 (kind, "digest") != 0) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     "authentication '%s' is neither basic nor digest", kind);
        return NULL;
    }
    c = g_new0 (Credentials, 1);
    c->username = g_strdup (username);
    c->password = g_strdup (password);
    c->realm = g_strdup (realm);
    if (g_str_equal (kind, "digest")) {
        domain = soup_auth_domain_digest_new ("realm", realm, NULL);
        soup_auth_domain_digest_set_auth_callback (domain, digest_secret, c, (GDestroyNotify) credentials_free);
    } else {
        domain = soup_auth_domain_basic_new ("realm", realm, NULL);
        soup_auth_domain_basic_set_auth_callback (domain, check_basic, c, (GDestroyNotify) credentials_free);
    }
    return domain;
}

gchar *
hems_auth_challenge (const gchar *kind, const gchar *realm)
{
    if (g_strcmp0 (kind, "basic") == 0)
        return g_strdup_printf ("Basic realm=\"%s\"", realm);
    /* libsoup's Digest domain checks the response against the nonce the client quotes, so any
     * fresh nonce will do */
    return g_strdup_printf ("Digest realm=\"%s\", nonce=\"%08x%08x\", qop=\"auth\", algorithm=MD5, stale=true",
                            realm, g_random_int (), g_random_int ());
}

/* ------------------------------------------------------------------------------------------ */
/* File server */

#define FILES_PREFIX "/files/"

typedef struct {
    gchar *dir;
    FILE  *log;
} FileServer;

static void
file_server_free (FileServer *fs)
{
    g_free (fs->dir);
    g_free (fs);
}

static void
serve_file (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
            gpointer user_data)
{
    const FileServer *fs = user_data;
    const gchar *method = soup_server_message_get_method (msg);
    const gchar *name = g_str_has_prefix (path, FILES_PREFIX) ? path + strlen (FILES_PREFIX) : "";
    g_autofree gchar *file = NULL;
    g_autoptr(GMappedFile) mapped = NULL;
    g_autoptr(GBytes) bytes = NULL;

    if (g_strcmp0 (method, SOUP_METHOD_GET) != 0 && g_strcmp0 (method, SOUP_METHOD_HEAD) != 0) {
        soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
        return;
    }
    /* one flat folder: nothing outside it, no hidden files */
    if (name[0] == '\0' || name[0] == '.' || strchr (name, '/') != NULL) {
        soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
        return;
    }
    file = g_build_filename (fs->dir, name, NULL);
    mapped = g_mapped_file_new (file, FALSE, NULL);
    if (mapped == NULL) {
        soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
        return;
    }
    bytes = g_mapped_file_get_bytes (mapped);
    soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
    soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg),
                                           "application/octet-stream", NULL);
    /* ?chunked=1: no Content-Length, the client learns the size only by reading */
    if (query != NULL && g_hash_table_contains (query, "chunked")) {
        SoupMessageBody *body = soup_server_message_get_response_body (msg);
        gsize size = g_bytes_get_size (bytes);

        soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg), SOUP_ENCODING_CHUNKED);
        for (gsize at = 0; at < size; at += 16384) {
            g_autoptr(GBytes) chunk = g_bytes_new_from_bytes (bytes, at, MIN (16384, size - at));
            soup_message_body_append_bytes (body, chunk);
        }
        soup_message_body_complete (body);
        return;
    }
    soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}

static void
log_file_request (FileServer *fs, SoupServerMessage *msg, gboolean aborted)
{
    const gchar *path = g_uri_get_path (soup_server_message_get_uri (msg));
    const gchar *method = soup_server_message_get_method (msg);
    goffset bytes = soup_server_message_get_response_body (msg)->length;

    if (!g_str_has_prefix (path, FILES_PREFIX))
        return;
    /* HEAD announces the length but sends nothing */
    if (g_strcmp0 (method, SOUP_METHOD_HEAD) == 0)
        bytes = 0;
    if (aborted)
        hems_log (fs->log, "file %s %s from %s -> aborted", method, path,
                  soup_server_message_get_remote_host (msg));
    else
        hems_log (fs->log, "file %s %s from %s -> %u bytes %" G_GOFFSET_FORMAT, method, path,
                  soup_server_message_get_remote_host (msg), soup_server_message_get_status (msg), bytes);
}

static void
on_file_request_finished (SoupServer *server, SoupServerMessage *msg, FileServer *fs)
{
    log_file_request (fs, msg, FALSE);
}

static void
on_file_request_aborted (SoupServer *server, SoupServerMessage *msg, FileServer *fs)
{
    log_file_request (fs, msg, TRUE);
}

void
hems_file_server_attach (SoupServer *server, const gchar *dir, SoupAuthDomain *auth, FILE *log)
{
    FileServer *fs = g_new0 (FileServer, 1);

    fs->dir = g_strdup (dir);
    fs->log = log;
    /* the server owns it; its signal handlers go before its data does */
    g_object_set_data_full (G_OBJECT (server), "hems-file-server", fs, (GDestroyNotify) file_server_free);
    soup_server_add_handler (server, "/files", serve_file, fs, NULL);
    /* logged once finished, so that refusals by the auth domain show too */
    g_signal_connect (server, "request-finished", G_CALLBACK (on_file_request_finished), fs);
    g_signal_connect (server, "request-aborted", G_CALLBACK (on_file_request_aborted), fs);
    if (auth != NULL) {
        soup_auth_domain_add_path (auth, "/files");
        soup_server_add_auth_domain (server, auth);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Connection Requests */

struct _HemsConnectionRequester {
    SoupSession  *session;
    gchar        *url;
    gchar        *username;
    gchar        *password;
    guint         delay_ms;
    FILE         *log;
    GCancellable *cancellable;
    GPtrArray    *batches; /* Batch, waiting or running */
};

/* @remaining requests in a row to one URL */
typedef struct {
    HemsConnectionRequester *cr;
    gchar                   *url;
    guint                    remaining;
    guint                    timeout_id;
    SoupMessage             *msg;
    guint                    responses;     /* of this request: its 401s and the last one */
    guint                    connections;   /* they came on; 1 when the Digest retry reused it */
    guint64                  connection_id;
} Batch;

static void
batch_free (Batch *b)
{
    if (b->timeout_id != 0)
        g_source_remove (b->timeout_id);
    g_clear_object (&b->msg);
    g_free (b->url);
    g_free (b);
}

static gboolean
on_cr_authenticate (SoupMessage *msg, SoupAuth *auth, gboolean retrying, HemsConnectionRequester *cr)
{
    /* the same credentials again would only be refused again: let the 401 through */
    if (retrying || cr->username == NULL)
        return FALSE;
    soup_auth_authenticate (auth, cr->username, cr->password != NULL ? cr->password : "");
    return TRUE;
}

static gboolean
accept_any_certificate (SoupMessage *msg, GTlsCertificate *cert, GTlsCertificateFlags errors, gpointer user_data)
{
    /* the CPE's own certificate: the test checks henbd, not the CPE's PKI */
    return TRUE;
}

static void send_next (Batch *b);

/* An ACS sends its Digest answer on the connection that brought the challenge, as libsoup
 * does unless the CPE said Connection: close: count the connections one request used. */
static void
on_cr_got_headers (SoupMessage *msg, Batch *b)
{
    guint64 id = soup_message_get_connection_id (msg);

    b->responses++;
    if (b->responses == 1 || id != b->connection_id)
        b->connections++;
    b->connection_id = id;
}

static void
request_sent (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), res, &error);
    Batch *b;

    /* the requester is gone, and the batch with it */
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    b = user_data;
    if (body == NULL)
        hems_log (b->cr->log, "connection-request GET %s -> error: %s", b->url, error->message);
    else
        hems_log (b->cr->log, "connection-request GET %s -> %u (%u responses on %u connection%s)", b->url,
                  soup_message_get_status (b->msg), b->responses, b->connections, b->connections == 1 ? "" : "s");
    if (--b->remaining > 0)
        send_next (b);
    else
        g_ptr_array_remove (b->cr->batches, b);
}

static void
send_next (Batch *b)
{
    g_clear_object (&b->msg);
    b->msg = soup_message_new (SOUP_METHOD_GET, b->url);
    if (b->msg == NULL) {
        hems_log (b->cr->log, "connection-request GET %s -> error: not a valid URL", b->url);
        g_ptr_array_remove (b->cr->batches, b);
        return;
    }
    b->responses = 0;
    b->connections = 0;
    g_signal_connect (b->msg, "authenticate", G_CALLBACK (on_cr_authenticate), b->cr);
    g_signal_connect (b->msg, "got-headers", G_CALLBACK (on_cr_got_headers), b);
    g_signal_connect (b->msg, "accept-certificate", G_CALLBACK (accept_any_certificate), NULL);
    soup_session_send_and_read_async (b->cr->session, b->msg, G_PRIORITY_DEFAULT, b->cr->cancellable,
                                      request_sent, b);
}

static gboolean
batch_start (gpointer user_data)
{
    Batch *b = user_data;

    b->timeout_id = 0;
    send_next (b);
    return G_SOURCE_REMOVE;
}

HemsConnectionRequester *
hems_connection_requester_new (const gchar *url,
                               const gchar *username,
                               const gchar *password,
                               guint        delay_ms,
                               FILE        *log)
{
    HemsConnectionRequester *cr = g_new0 (HemsConnectionRequester, 1);

    cr->session = soup_session_new_with_options ("timeout", 10, NULL);
    cr->url = g_strdup (url);
    cr->username = g_strdup (username);
    cr->password = g_strdup (password);
    cr->delay_ms = delay_ms;
    cr->log = log;
    cr->cancellable = g_cancellable_new ();
    cr->batches = g_ptr_array_new_with_free_func ((GDestroyNotify) batch_free);
    return cr;
}

void
hems_connection_requester_free (HemsConnectionRequester *cr)
{
    if (cr == NULL)
        return;
    g_cancellable_cancel (cr->cancellable);
    g_ptr_array_unref (cr->batches);
    g_object_unref (cr->cancellable);
    g_object_unref (cr->session);
    g_free (cr->url);
    g_free (cr->username);
    g_free (cr->password);
    g_free (cr);
}

void
hems_connection_requester_schedule (HemsConnectionRequester *cr, const gchar *inform_url, guint count)
{
    const gchar *url = g_strcmp0 (cr->url, "auto") == 0 ? inform_url : cr->url;
    Batch *b;

    if (url == NULL || url[0] == '\0') {
        hems_log (cr->log, "connection-request: no ConnectionRequestURL in the last Inform");
        return;
    }
    b = g_new0 (Batch, 1);
    b->cr = cr;
    b->url = g_strdup (url);
    b->remaining = MAX (count, 1);
    b->timeout_id = g_timeout_add (cr->delay_ms, batch_start, b);
    g_ptr_array_add (cr->batches, b);
}
