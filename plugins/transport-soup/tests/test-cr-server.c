/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Connection Request server of the transport-soup module, found through the plugin
 * manager as henbd finds it, over real HTTP on 127.0.0.1: libsoup's own client (with its
 * Digest implementation) plays the ACS; hand-made headers play the attacker.
 */
#include "config.h"

#include <libsoup/soup.h>

#include "henb-cr-server.h"
#include "henb-errors.h"
#include "henb-plugin-manager.h"

#define USERNAME "acs"
#define PASSWORD "s3cret"

static HenbCrTransportFactory *factory;

typedef struct {
    HenbCrServer *server;
    SoupSession  *session;
    const gchar  *password;    /* what the client answers challenges with */
    guint         challenges;  /* seen by the client */
    guint         requested;
} Fixture;

static void
on_requested (HenbCrServer *server, Fixture *f)
{
    f->requested++;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GError) error = NULL;

    f->server = HENB_CR_SERVER (henb_cr_transport_factory_create (factory, NULL, &error));
    g_assert_no_error (error);
    henb_cr_transport_set_credentials (HENB_CR_TRANSPORT (f->server), USERNAME, PASSWORD);
    g_signal_connect (f->server, "requested", G_CALLBACK (on_requested), f);
    g_assert_true (henb_cr_server_listen (f->server, loopback, 0, &error));
    g_assert_no_error (error);
    f->session = soup_session_new ();
    f->password = PASSWORD;
}

/* Runs what is ready: the server reports an accepted request once its answer is out. */
static void
settle (void)
{
    while (g_main_context_iteration (NULL, FALSE))
        ;
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
    g_clear_object (&f->session);
    henb_cr_transport_stop (HENB_CR_TRANSPORT (f->server));
    g_clear_object (&f->server);
    settle ();
}

static gboolean
on_authenticate (SoupMessage *msg, SoupAuth *auth, gboolean retrying, Fixture *f)
{
    f->challenges++;
    g_assert_cmpstr (soup_auth_get_scheme_name (auth), ==, "Digest");
    g_assert_cmpstr (soup_auth_get_realm (auth), ==, "henbd");
    if (retrying)
        return FALSE;
    soup_auth_authenticate (auth, USERNAME, f->password);
    return TRUE;
}

typedef struct {
    gboolean done;
    GBytes  *body;
} Exchange;

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
    Exchange *exchange = user_data;
    g_autoptr(GError) error = NULL;

    exchange->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
    g_assert_no_error (error);
    exchange->done = TRUE;
}

static gboolean
on_timeout (gpointer user_data)
{
    g_error ("no answer from the connection request server");
    return G_SOURCE_REMOVE;
}

/* Sends @msg through @session; every answer of the server has an empty body. */
static guint
exchange (Fixture *f, SoupSession *session, SoupMessage *msg)
{
    Exchange exchange = { FALSE, NULL };
    guint timeout = g_timeout_add_seconds (10, on_timeout, NULL);

    g_signal_connect (msg, "authenticate", G_CALLBACK (on_authenticate), f);
    soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, &exchange);
    while (!exchange.done)
        g_main_context_iteration (NULL, TRUE);
    g_source_remove (timeout);
    g_assert_cmpuint (g_bytes_get_size (exchange.body), ==, 0);
    g_bytes_unref (exchange.body);
    settle ();
    return soup_message_get_status (msg);
}

static guint
request (Fixture *f, const gchar *method, const gchar *url)
{
    g_autoptr(SoupMessage) msg = soup_message_new (method, url);

    return exchange (f, f->session, msg);
}

/* A session that only sends what the test puts in the headers. */
static SoupSession *
session_without_auth (void)
{
    SoupSession *session = soup_session_new ();

    soup_session_remove_feature_by_type (session, SOUP_TYPE_AUTH_MANAGER);
    return session;
}

static const gchar *
response_header (SoupMessage *msg, const gchar *name)
{
    return soup_message_headers_get_one (soup_message_get_response_headers (msg), name);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_url (Fixture *f, gconstpointer data)
{
    g_autoptr(GRegex) form = g_regex_new ("^http://127\\.0\\.0\\.1:([0-9]+)(/[A-Za-z0-9_-]{16,})$", 0, 0, NULL);
    g_autoptr(GMatchInfo) match = NULL;
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GInetAddress) loopback6 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
    g_autoptr(HenbCrServer) other = HENB_CR_SERVER (henb_cr_transport_factory_create (factory, NULL, NULL));
    g_autoptr(GError) error = NULL;
    g_autofree gchar *port = NULL;
    g_autofree gchar *path = NULL;

    g_assert_true (henb_cr_server_is_listening (f->server));
    g_assert_true (g_regex_match (form, henb_cr_server_get_url (f->server), 0, &match));
    port = g_match_info_fetch (match, 1);
    path = g_match_info_fetch (match, 2);
    g_assert_cmpuint (g_ascii_strtoull (port, NULL, 10), >, 0);
    g_assert_cmpstr (path, ==, henb_cr_server_get_path (f->server));

    /* a path per server */
    g_assert_null (henb_cr_server_get_path (other));
    g_assert_true (henb_cr_server_listen (other, loopback, 0, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (henb_cr_server_get_path (other), !=, path);

    /* stopped: no URL; listening again keeps the path */
    henb_cr_transport_stop (HENB_CR_TRANSPORT (f->server));
    g_assert_false (henb_cr_server_is_listening (f->server));
    g_assert_null (henb_cr_server_get_url (f->server));
    g_assert_true (henb_cr_server_listen (f->server, loopback, 0, &error));
    g_assert_cmpstr (henb_cr_server_get_path (f->server), ==, path);
    g_assert_cmpuint (request (f, "GET", henb_cr_server_get_url (f->server)), ==, SOUP_STATUS_OK);

    /* moved to another address: IPv6 in brackets */
    if (!henb_cr_server_listen (f->server, loopback6, 0, &error)) {
        g_test_message ("no IPv6 loopback: %s", error->message);
        return;
    }
    g_assert_true (g_str_has_prefix (henb_cr_server_get_url (f->server), "http://[::1]:"));
    g_assert_true (g_str_has_suffix (henb_cr_server_get_url (f->server), path));
    g_assert_cmpuint (request (f, "GET", henb_cr_server_get_url (f->server)), ==, SOUP_STATUS_OK);
    g_assert_cmpuint (f->requested, ==, 2);
}

static void
test_accepted (Fixture *f, gconstpointer data)
{
    g_assert_cmpuint (request (f, "GET", henb_cr_server_get_url (f->server)), ==, SOUP_STATUS_OK);
    g_assert_cmpuint (f->challenges, ==, 1);
    g_assert_cmpuint (f->requested, ==, 1);
    g_assert_cmpuint (henb_cr_transport_get_accepted (HENB_CR_TRANSPORT (f->server)), ==, 1);
    g_assert_cmpuint (henb_cr_transport_get_rejected (HENB_CR_TRANSPORT (f->server)), ==, 0);
    g_assert_cmpuint (henb_cr_transport_get_rate_limited (HENB_CR_TRANSPORT (f->server)), ==, 0);
}

static void
test_wrong_password (Fixture *f, gconstpointer data)
{
    guint accepted;

    f->password = "guess";
    g_assert_cmpuint (request (f, "GET", henb_cr_server_get_url (f->server)), ==, SOUP_STATUS_UNAUTHORIZED);
    /* the challenge, then the refusal of the wrong answer */
    g_assert_cmpuint (f->challenges, ==, 2);
    g_assert_cmpuint (f->requested, ==, 0);
    g_assert_cmpuint (henb_cr_transport_get_rejected (HENB_CR_TRANSPORT (f->server)), ==, 1);
    g_object_get (f->server, "accepted", &accepted, NULL);
    g_assert_cmpuint (accepted, ==, 0);
}

static void
test_wrong_path (Fixture *f, gconstpointer data)
{
    const gchar *url = henb_cr_server_get_url (f->server);
    g_autofree gchar *longer = g_strconcat (url, "x", NULL);
    g_autofree gchar *shorter = g_strndup (url, strlen (url) - 1);
    g_autofree gchar *root = g_strndup (url, strlen (url) - strlen (henb_cr_server_get_path (f->server)) + 1);

    g_assert_cmpuint (request (f, "GET", longer), ==, SOUP_STATUS_NOT_FOUND);
    g_assert_cmpuint (request (f, "GET", shorter), ==, SOUP_STATUS_NOT_FOUND);
    g_assert_cmpuint (request (f, "GET", root), ==, SOUP_STATUS_NOT_FOUND);
    g_assert_cmpuint (f->challenges, ==, 0);
    g_assert_cmpuint (f->requested, ==, 0);
}

static void
test_wrong_method (Fixture *f, gconstpointer data)
{
    const gchar *methods[] = { "POST", "PUT", "HEAD", "DELETE" };

    for (gsize i = 0; i < G_N_ELEMENTS (methods); i++) {
        g_autoptr(SoupMessage) msg = soup_message_new (methods[i], henb_cr_server_get_url (f->server));

        g_assert_cmpuint (exchange (f, f->session, msg), ==, SOUP_STATUS_METHOD_NOT_ALLOWED);
        g_assert_cmpstr (response_header (msg, "Allow"), ==, "GET");
    }
    g_assert_cmpuint (f->requested, ==, 0);
}

static void
test_rate_limit (Fixture *f, gconstpointer data)
{
    g_autoptr(SoupMessage) limited = soup_message_new ("GET", henb_cr_server_get_url (f->server));
    guint rate_limited;

    henb_cr_transport_set_min_interval (HENB_CR_TRANSPORT (f->server), 60);
    g_assert_cmpuint (request (f, "GET", henb_cr_server_get_url (f->server)), ==, SOUP_STATUS_OK);
    /* libsoup reuses the nonce with the next nc: authenticated, but too soon */
    g_assert_cmpuint (exchange (f, f->session, limited), ==, SOUP_STATUS_SERVICE_UNAVAILABLE);
    g_assert_null (response_header (limited, "Retry-After"));
    g_assert_cmpuint (f->requested, ==, 1);
    g_object_get (f->server, "rate-limited", &rate_limited, NULL);
    g_assert_cmpuint (rate_limited, ==, 1);
    g_assert_cmpuint (henb_cr_transport_get_accepted (HENB_CR_TRANSPORT (f->server)), ==, 1);

    henb_cr_transport_set_min_interval (HENB_CR_TRANSPORT (f->server), 0);
    g_assert_cmpuint (request (f, "GET", henb_cr_server_get_url (f->server)), ==, SOUP_STATUS_OK);
    g_assert_cmpuint (f->requested, ==, 2);
}

/* During a session: answered 200, reported once when the session ends. */
static void
test_busy (Fixture *f, gconstpointer data)
{
    henb_cr_transport_set_busy (HENB_CR_TRANSPORT (f->server), TRUE);
    g_assert_cmpuint (request (f, "GET", henb_cr_server_get_url (f->server)), ==, SOUP_STATUS_OK);
    g_assert_cmpuint (request (f, "GET", henb_cr_server_get_url (f->server)), ==, SOUP_STATUS_OK);
    g_assert_cmpuint (henb_cr_transport_get_accepted (HENB_CR_TRANSPORT (f->server)), ==, 2);
    g_assert_cmpuint (f->requested, ==, 0);

    henb_cr_transport_set_busy (HENB_CR_TRANSPORT (f->server), FALSE);
    g_assert_cmpuint (f->requested, ==, 1);
    /* reported once only */
    henb_cr_transport_set_busy (HENB_CR_TRANSPORT (f->server), TRUE);
    henb_cr_transport_set_busy (HENB_CR_TRANSPORT (f->server), FALSE);
    g_assert_cmpuint (f->requested, ==, 1);
    /* and back to reporting at once */
    g_assert_cmpuint (request (f, "GET", henb_cr_server_get_url (f->server)), ==, SOUP_STATUS_OK);
    g_assert_cmpuint (f->requested, ==, 2);
}

/* An Authorization header seen on the wire, sent again: refused, as its nc is used. */
static void
test_replayed_authorization (Fixture *f, gconstpointer data)
{
    g_autoptr(SoupMessage) original = soup_message_new ("GET", henb_cr_server_get_url (f->server));
    g_autoptr(SoupMessage) replay = soup_message_new ("GET", henb_cr_server_get_url (f->server));
    g_autoptr(SoupSession) attacker = session_without_auth ();
    g_autofree gchar *captured = NULL;
    const gchar *challenge;

    g_assert_cmpuint (exchange (f, f->session, original), ==, SOUP_STATUS_OK);
    captured = g_strdup (soup_message_headers_get_one (soup_message_get_request_headers (original), "Authorization"));
    g_assert_nonnull (captured);
    g_assert_true (g_str_has_prefix (captured, "Digest "));

    soup_message_headers_replace (soup_message_get_request_headers (replay), "Authorization", captured);
    g_assert_cmpuint (exchange (f, attacker, replay), ==, SOUP_STATUS_UNAUTHORIZED);
    challenge = response_header (replay, "WWW-Authenticate");
    g_assert_nonnull (challenge);
    g_assert_true (g_str_has_prefix (challenge, "Digest realm=\"henbd\""));
    g_assert_null (strstr (challenge, "stale"));
    g_assert_cmpuint (f->requested, ==, 1);
    g_assert_cmpuint (henb_cr_transport_get_rejected (HENB_CR_TRANSPORT (f->server)), ==, 1);
}

static void
test_malformed_authorization (Fixture *f, gconstpointer data)
{
    const gchar *headers[] = { "Digest garbage", "Basic YWNzOnMzY3JldA==", "Digest username=\"acs" };
    g_autoptr(SoupSession) attacker = session_without_auth ();

    for (gsize i = 0; i < G_N_ELEMENTS (headers); i++) {
        g_autoptr(SoupMessage) msg = soup_message_new ("GET", henb_cr_server_get_url (f->server));

        soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", headers[i]);
        g_assert_cmpuint (exchange (f, attacker, msg), ==, SOUP_STATUS_UNAUTHORIZED);
        g_assert_nonnull (response_header (msg, "WWW-Authenticate"));
    }
    g_assert_cmpuint (henb_cr_transport_get_rejected (HENB_CR_TRANSPORT (f->server)), ==, G_N_ELEMENTS (headers));
    g_assert_cmpuint (f->requested, ==, 0);
}

/* TR-069 requires authenticating the ACS: without configured credentials nobody gets in. */
static void
test_no_credentials (Fixture *f, gconstpointer data)
{
    henb_cr_transport_set_credentials (HENB_CR_TRANSPORT (f->server), NULL, NULL);
    g_assert_cmpuint (request (f, "GET", henb_cr_server_get_url (f->server)), ==, SOUP_STATUS_UNAUTHORIZED);
    henb_cr_transport_set_credentials (HENB_CR_TRANSPORT (f->server), "", "");
    g_assert_cmpuint (request (f, "GET", henb_cr_server_get_url (f->server)), ==, SOUP_STATUS_UNAUTHORIZED);
    g_assert_cmpuint (f->requested, ==, 0);
    g_assert_cmpuint (henb_cr_transport_get_rejected (HENB_CR_TRANSPORT (f->server)), ==, 2);
}

/* A body is read and dropped; the request counts as any other. */
static void
test_body_ignored (Fixture *f, gconstpointer data)
{
    g_autoptr(SoupMessage) msg = soup_message_new ("GET", henb_cr_server_get_url (f->server));
    g_autofree gchar *filler = g_strnfill (256 * 1024, 'b');
    g_autoptr(GBytes) body = g_bytes_new_take (g_steal_pointer (&filler), 256 * 1024);

    /* authenticated first, so the next request carries its body with credentials */
    g_assert_cmpuint (request (f, "GET", henb_cr_server_get_url (f->server)), ==, SOUP_STATUS_OK);
    soup_message_set_request_body_from_bytes (msg, "application/octet-stream", body);
    g_assert_cmpuint (exchange (f, f->session, msg), ==, SOUP_STATUS_OK);
    g_assert_cmpuint (f->requested, ==, 2);
}

static gboolean
on_pause_over (gpointer user_data)
{
    *(gboolean *) user_data = TRUE;
    return G_SOURCE_REMOVE;
}

/* Lets the server run for @ms: for what the test cannot wait on directly. */
static void
run_for (guint ms)
{
    gboolean over = FALSE;

    g_timeout_add (ms, on_pause_over, &over);
    while (!over)
        g_main_context_iteration (NULL, TRUE);
}

/* TRUE when the server closed @connection without a word within @seconds. */
static gboolean
closed_by_server_within (GSocketConnection *connection, guint seconds)
{
    GSocket *socket = g_socket_connection_get_socket (connection);
    gchar byte;

    for (guint i = 0; i < seconds * 100 && !g_socket_condition_check (socket, G_IO_IN | G_IO_HUP); i++)
        run_for (10);
    return g_socket_condition_check (socket, G_IO_IN | G_IO_HUP) != 0 &&
           g_socket_receive (socket, &byte, 1, NULL, NULL) == 0;
}

static gboolean
closed_by_server (GSocketConnection *connection)
{
    return closed_by_server_within (connection, 2);
}

/* Connections held open by someone else cost at most 16 descriptors; the ACS gets in again
 * as soon as one goes. */
static void
test_connection_limit (Fixture *f, gconstpointer data)
{
    g_autoptr(GSocketClient) client = g_socket_client_new ();
    g_autoptr(GSocketConnectable) server = NULL;
    g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
    g_autoptr(GSocketConnection) refused = NULL;
    g_autoptr(GError) error = NULL;

    g_socket_client_set_enable_proxy (client, FALSE);
    server = g_network_address_parse_uri (henb_cr_server_get_url (f->server), 80, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < 16; i++) {
        g_ptr_array_add (held, g_socket_client_connect (client, server, NULL, &error));
        g_assert_no_error (error);
        /* accepted one by one: the listen backlog is short */
        run_for (5);
    }

    g_test_expect_message ("henbd-transport-soup", G_LOG_LEVEL_MESSAGE,
                           "connection request connections refused: 16 already open");
    refused = g_socket_client_connect (client, server, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (closed_by_server (refused));
    g_test_assert_expected_messages ();

    g_ptr_array_remove_index (held, 0);
    run_for (100);
    g_assert_cmpuint (request (f, "GET", henb_cr_server_get_url (f->server)), ==, SOUP_STATUS_OK);
    g_assert_cmpuint (f->requested, ==, 1);
}

/* ------------------------------------------------------------------------------------------ */
/* A client on one socket, as GenieACS is: it answers the challenge on the connection that
 * brought it, and learns that the server closes only from `Connection: close`. */

typedef struct {
    GSocketConnection *connection;
    guint              nc;
} RawClient;

typedef struct {
    guint               status;
    SoupMessageHeaders *headers;
} RawResponse;

static void
raw_response_clear (RawResponse *r)
{
    g_clear_pointer (&r->headers, soup_message_headers_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RawResponse, raw_response_clear)

static void
raw_client_open (Fixture *f, RawClient *client)
{
    g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
    g_autoptr(GSocketConnectable) server = NULL;
    g_autoptr(GError) error = NULL;

    g_socket_client_set_enable_proxy (socket_client, FALSE);
    server = g_network_address_parse_uri (henb_cr_server_get_url (f->server), 80, &error);
    g_assert_no_error (error);
    client->connection = g_socket_client_connect (socket_client, server, NULL, &error);
    g_assert_no_error (error);
    client->nc = 0;
}

static void
raw_client_close (RawClient *client)
{
    g_clear_object (&client->connection);
}

/* Reads from @client while the server runs; FALSE when the server closed first. */
static gboolean
raw_read_byte (RawClient *client, gchar *byte)
{
    GSocket *socket = g_socket_connection_get_socket (client->connection);
    g_autoptr(GError) error = NULL;
    gssize got;

    for (guint i = 0; i < 1000 && !g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR); i++)
        run_for (10);
    got = g_socket_receive (socket, byte, 1, NULL, &error);
    if (got < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
        return FALSE;
    g_assert_no_error (error);
    return got == 1;
}

/* Sends one GET (with @authorization, if any) and reads its answer: headers and an empty
 * body. FALSE when the server closed the connection instead of answering. */
static gboolean
raw_get (Fixture *f, RawClient *client, const gchar *authorization, RawResponse *response)
{
    GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (client->connection));
    g_autoptr(GString) text = g_string_new (NULL);
    g_autoptr(GString) head = g_string_new (NULL);
    g_autoptr(GError) error = NULL;
    SoupHTTPVersion version;
    gchar byte;

    g_string_append_printf (text, "GET %s HTTP/1.1\r\nHost: acs-side\r\n", henb_cr_server_get_path (f->server));
    if (authorization != NULL)
        g_string_append_printf (text, "Authorization: %s\r\n", authorization);
    g_string_append (text, "\r\n");
    /* a closed peer may only show on the read */
    g_output_stream_write_all (out, text->str, text->len, NULL, NULL, NULL);

    while (!g_str_has_suffix (head->str, "\r\n\r\n")) {
        if (!raw_read_byte (client, &byte)) {
            g_assert_cmpuint (head->len, ==, 0);
            return FALSE;
        }
        g_string_append_c (head, byte);
        g_assert_cmpuint (head->len, <, 8192);
    }
    response->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
    g_assert_true (soup_headers_parse_response (head->str, head->len, response->headers, &version,
                                                &response->status, NULL));
    g_assert_cmpint (version, ==, SOUP_HTTP_1_1);
    g_assert_cmpint (soup_message_headers_get_content_length (response->headers), ==, 0);
    settle ();
    return TRUE;
}

static gchar *
md5_hex (const gchar *text)
{
    return g_compute_checksum_for_string (G_CHECKSUM_MD5, text, -1);
}

/* The Authorization an ACS sends in answer to the challenge in @response (RFC 2617, qop=auth). */
static gchar *
raw_answer (Fixture *f, RawClient *client, RawResponse *challenged, const gchar *password)
{
    const gchar *challenge = soup_message_headers_get_one (challenged->headers, "WWW-Authenticate");
    const gchar *uri = henb_cr_server_get_path (f->server);
    g_autoptr(GHashTable) params = NULL;
    g_autofree gchar *ha1 = NULL, *ha1_text = NULL, *ha2 = NULL, *ha2_text = NULL;
    g_autofree gchar *response = NULL, *response_text = NULL;
    const gchar *nonce;
    gchar nc[9];

    g_assert_nonnull (challenge);
    g_assert_true (g_str_has_prefix (challenge, "Digest "));
    params = soup_header_parse_param_list (challenge + strlen ("Digest "));
    nonce = g_hash_table_lookup (params, "nonce");
    g_assert_nonnull (nonce);
    g_snprintf (nc, sizeof nc, "%08x", ++client->nc);
    ha1_text = g_strdup_printf ("%s:%s:%s", USERNAME, (const gchar *) g_hash_table_lookup (params, "realm"), password);
    ha1 = md5_hex (ha1_text);
    ha2_text = g_strdup_printf ("GET:%s", uri);
    ha2 = md5_hex (ha2_text);
    response_text = g_strdup_printf ("%s:%s:%s:0a4f113b:auth:%s", ha1, nonce, nc, ha2);
    response = md5_hex (response_text);
    return g_strdup_printf ("Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", qop=auth, "
                            "nc=%s, cnonce=\"0a4f113b\", response=\"%s\", algorithm=MD5",
                            USERNAME, (const gchar *) g_hash_table_lookup (params, "realm"), nonce, uri, nc,
                            response);
}

static gboolean
says_close (RawResponse *response)
{
    return soup_message_headers_header_contains (response->headers, "Connection", "close");
}

/* The GenieACS way: GET, 401 with the challenge, the answer on the same socket, 200. */
static void
test_keep_alive_digest (Fixture *f, gconstpointer data)
{
    RawClient client = { NULL, 0 };
    g_auto(RawResponse) challenge = { 0, NULL };
    g_auto(RawResponse) accepted = { 0, NULL };
    g_autofree gchar *authorization = NULL;

    raw_client_open (f, &client);
    g_assert_true (raw_get (f, &client, NULL, &challenge));
    g_assert_cmpuint (challenge.status, ==, SOUP_STATUS_UNAUTHORIZED);
    g_assert_false (says_close (&challenge));

    authorization = raw_answer (f, &client, &challenge, PASSWORD);
    g_assert_true (raw_get (f, &client, authorization, &accepted));
    g_assert_cmpuint (accepted.status, ==, SOUP_STATUS_OK);
    g_assert_cmpuint (f->requested, ==, 1);
    /* the session follows: nothing more to say on this connection */
    g_assert_true (says_close (&accepted));
    g_assert_true (closed_by_server (client.connection));
    raw_client_close (&client);
}

/* Whenever henbd ends the connection after an answer, the answer said so. */
static void
test_close_announced (Fixture *f, gconstpointer data)
{
    RawClient client = { NULL, 0 };
    g_autofree gchar *authorization = NULL;

    /* a wrong password: refused, and not another guess on this connection */
    {
        g_auto(RawResponse) challenge = { 0, NULL };
        g_auto(RawResponse) refused = { 0, NULL };
        g_auto(RawResponse) after = { 0, NULL };
        g_autofree gchar *guess = NULL;

        raw_client_open (f, &client);
        g_assert_true (raw_get (f, &client, NULL, &challenge));
        guess = raw_answer (f, &client, &challenge, "guess");
        g_assert_true (raw_get (f, &client, guess, &refused));
        g_assert_cmpuint (refused.status, ==, SOUP_STATUS_UNAUTHORIZED);
        g_assert_nonnull (soup_message_headers_get_one (refused.headers, "WWW-Authenticate"));
        g_assert_true (says_close (&refused));
        g_assert_false (raw_get (f, &client, guess, &after));
        raw_client_close (&client);
        g_assert_cmpuint (henb_cr_transport_get_rejected (HENB_CR_TRANSPORT (f->server)), ==, 1);
    }

    /* rate limited (503): closed, and said so */
    henb_cr_transport_set_min_interval (HENB_CR_TRANSPORT (f->server), 60);
    for (guint i = 0; i < 2; i++) {
        g_auto(RawResponse) challenge = { 0, NULL };
        g_auto(RawResponse) answer = { 0, NULL };

        raw_client_open (f, &client);
        g_assert_true (raw_get (f, &client, NULL, &challenge));
        g_assert_false (says_close (&challenge));
        g_clear_pointer (&authorization, g_free);
        authorization = raw_answer (f, &client, &challenge, PASSWORD);
        g_assert_true (raw_get (f, &client, authorization, &answer));
        g_assert_cmpuint (answer.status, ==, i == 0 ? SOUP_STATUS_OK : SOUP_STATUS_SERVICE_UNAVAILABLE);
        g_assert_null (soup_message_headers_get_one (answer.headers, "Retry-After"));
        g_assert_true (says_close (&answer));
        g_assert_true (closed_by_server (client.connection));
        raw_client_close (&client);
    }
    g_assert_cmpuint (f->requested, ==, 1);
    g_assert_cmpuint (henb_cr_transport_get_rate_limited (HENB_CR_TRANSPORT (f->server)), ==, 1);

    /* the wrong path: 404, closed */
    {
        g_auto(RawResponse) answer = { 0, NULL };
        GOutputStream *out;
        const gchar *wrong = "GET /elsewhere HTTP/1.1\r\nHost: acs-side\r\n\r\n";
        g_autoptr(GString) head = g_string_new (NULL);
        gchar byte;

        raw_client_open (f, &client);
        out = g_io_stream_get_output_stream (G_IO_STREAM (client.connection));
        g_assert_true (g_output_stream_write_all (out, wrong, strlen (wrong), NULL, NULL, NULL));
        while (!g_str_has_suffix (head->str, "\r\n\r\n") && raw_read_byte (&client, &byte))
            g_string_append_c (head, byte);
        answer.headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
        g_assert_true (soup_headers_parse_response (head->str, head->len, answer.headers, NULL, &answer.status, NULL));
        g_assert_cmpuint (answer.status, ==, SOUP_STATUS_NOT_FOUND);
        g_assert_true (says_close (&answer));
        g_assert_true (closed_by_server (client.connection));
        raw_client_close (&client);
    }
}

/* A replayed Authorization on a kept connection fares no better than on a new one. */
static void
test_keep_alive_replay (Fixture *f, gconstpointer data)
{
    RawClient client = { NULL, 0 };
    g_auto(RawResponse) challenge = { 0, NULL };
    g_auto(RawResponse) accepted = { 0, NULL };
    g_auto(RawResponse) replay_challenge = { 0, NULL };
    g_auto(RawResponse) replayed = { 0, NULL };
    g_autofree gchar *authorization = NULL;

    raw_client_open (f, &client);
    g_assert_true (raw_get (f, &client, NULL, &challenge));
    authorization = raw_answer (f, &client, &challenge, PASSWORD);
    g_assert_true (raw_get (f, &client, authorization, &accepted));
    g_assert_cmpuint (accepted.status, ==, SOUP_STATUS_OK);
    raw_client_close (&client);

    /* the attacker's own connection, its own challenge first, then the captured answer */
    raw_client_open (f, &client);
    g_assert_true (raw_get (f, &client, NULL, &replay_challenge));
    g_assert_false (says_close (&replay_challenge));
    g_assert_true (raw_get (f, &client, authorization, &replayed));
    g_assert_cmpuint (replayed.status, ==, SOUP_STATUS_UNAUTHORIZED);
    g_assert_true (says_close (&replayed));
    g_assert_true (closed_by_server (client.connection));
    raw_client_close (&client);
    g_assert_cmpuint (f->requested, ==, 1);
    g_assert_cmpuint (henb_cr_transport_get_rejected (HENB_CR_TRANSPORT (f->server)), ==, 1);
}

/* A kept connection nobody uses is closed soon; one that only collects challenges is closed
 * after a few, the last saying so. */
static void
test_keep_alive_bounded (Fixture *f, gconstpointer data)
{
    RawClient client = { NULL, 0 };
    gint64 start;
    guint answered = 0;

    raw_client_open (f, &client);
    {
        g_auto(RawResponse) challenge = { 0, NULL };

        g_assert_true (raw_get (f, &client, NULL, &challenge));
        g_assert_false (says_close (&challenge));
    }
    start = g_get_monotonic_time ();
    /* by the idle limit, well before the lifetime of 30 s */
    g_assert_true (closed_by_server_within (client.connection, 20));
    g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
    raw_client_close (&client);

    raw_client_open (f, &client);
    for (;;) {
        g_auto(RawResponse) challenge = { 0, NULL };

        g_assert_true (raw_get (f, &client, NULL, &challenge));
        g_assert_cmpuint (challenge.status, ==, SOUP_STATUS_UNAUTHORIZED);
        answered++;
        g_assert_cmpuint (answered, <=, 8);
        if (says_close (&challenge))
            break;
    }
    g_assert_cmpuint (answered, >=, 2);
    g_assert_true (closed_by_server (client.connection));
    raw_client_close (&client);
    g_assert_cmpuint (f->requested, ==, 0);
}

/* Clients that take the challenge and go away do not use up the connection limit: each
 * connection is gone within the idle limit, whether or not libsoup saw the client leave. */
static void
test_keep_alive_abandoned (Fixture *f, gconstpointer data)
{
    g_autoptr(GPtrArray) gone = g_ptr_array_new ();

    for (guint i = 0; i < 16; i++) {
        RawClient client = { NULL, 0 };
        g_auto(RawResponse) challenge = { 0, NULL };

        raw_client_open (f, &client);
        g_assert_true (raw_get (f, &client, NULL, &challenge));
        g_assert_false (says_close (&challenge));
        g_ptr_array_add (gone, g_object_ref (client.connection));
        raw_client_close (&client);
    }
    /* closed on this side only: the server holds all 16 until it lets them go */
    for (guint i = 0; i < gone->len; i++)
        g_io_stream_close (gone->pdata[i], NULL, NULL);
    g_ptr_array_set_free_func (gone, g_object_unref);

    run_for (8000);
    /* no "16 already open": the ACS gets in */
    g_assert_cmpuint (request (f, "GET", henb_cr_server_get_url (f->server)), ==, SOUP_STATUS_OK);
    g_assert_cmpuint (f->requested, ==, 1);
}

int
main (int argc, char **argv)
{
    g_autoptr(HenbPluginManager) plugins = NULL;
    g_autoptr(GError) error = NULL;
    HenbPlugin *provider;

    g_test_init (&argc, &argv, NULL);
    henb_errors_register ();

    plugins = henb_plugin_manager_new ();
    if (!henb_plugin_manager_load_dir (plugins, g_getenv ("HENB_PLUGIN_DIR"), &error))
        g_error ("%s", error->message);
    provider = henb_plugin_manager_find (plugins, HENB_TYPE_CR_TRANSPORT_FACTORY, "transport-soup", &error);
    g_assert_no_error (error);
    factory = HENB_CR_TRANSPORT_FACTORY (provider);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
    ADD ("/cr-server/url", test_url);
    ADD ("/cr-server/accepted", test_accepted);
    ADD ("/cr-server/wrong-password", test_wrong_password);
    ADD ("/cr-server/wrong-path", test_wrong_path);
    ADD ("/cr-server/wrong-method", test_wrong_method);
    ADD ("/cr-server/rate-limit", test_rate_limit);
    ADD ("/cr-server/busy", test_busy);
    ADD ("/cr-server/replayed-authorization", test_replayed_authorization);
    ADD ("/cr-server/malformed-authorization", test_malformed_authorization);
    ADD ("/cr-server/no-credentials", test_no_credentials);
    ADD ("/cr-server/body-ignored", test_body_ignored);
    ADD ("/cr-server/connection-limit", test_connection_limit);
    ADD ("/cr-server/keep-alive-digest", test_keep_alive_digest);
    ADD ("/cr-server/close-announced", test_close_announced);
    ADD ("/cr-server/keep-alive-replay", test_keep_alive_replay);
    ADD ("/cr-server/keep-alive-bounded", test_keep_alive_bounded);
    ADD ("/cr-server/keep-alive-abandoned", test_keep_alive_abandoned);
#undef ADD
    return g_test_run ();
}
