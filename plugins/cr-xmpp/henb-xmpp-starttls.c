/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "henb-errors.h"
#include "henb-xmpp-starttls.h"

/* What a server may send before <proceed/>: a stream header and its features. */
#define PRE_TLS_MAX 65536
#define TLS_NS      "urn:ietf:params:xml:ns:xmpp-tls"

typedef enum {
    STAGE_FEATURES, /* waiting for the end of <stream:features> */
    STAGE_PROCEED,  /* <starttls/> sent, waiting for <proceed/> */
    STAGE_DONE,
} Stage;

typedef struct {
    gchar               *address;
    guint16              port;
    gchar               *domain;
    HenbGnutlsTrust     *trust;
    gboolean             require_tls;

    GSocketConnection   *tcp;
    GIOStream           *tls;
    GMarkupParseContext *parser;
    Stage                stage;
    guint                depth;
    gboolean             in_features;
    gboolean             starttls_offered;
    gboolean             refused;        /* <failure/> or <stream:error> */
    gboolean             features_done;
    gboolean             proceed;
    gsize                received;
    guchar               buffer[1024];
    gboolean             certificate_checked;
    GError              *certificate_error;
} Negotiation;

static void
negotiation_free (Negotiation *n)
{
    g_free (n->address);
    g_free (n->domain);
    g_clear_pointer (&n->trust, henb_gnutls_trust_free);
    g_clear_object (&n->tcp);
    g_clear_object (&n->tls);
    g_clear_pointer (&n->parser, g_markup_parse_context_free);
    g_clear_error (&n->certificate_error);
    g_free (n);
}

typedef struct {
    GIOStream *stream;
    gboolean   tls;
} Outcome;

static void
outcome_free (Outcome *outcome)
{
    g_clear_object (&outcome->stream);
    g_free (outcome);
}

static void
return_stream (GTask *task, GIOStream *stream, gboolean tls)
{
    Outcome *outcome = g_new0 (Outcome, 1);

    outcome->stream = g_object_ref (stream);
    outcome->tls = tls;
    g_task_return_pointer (task, outcome, (GDestroyNotify) outcome_free);
}

/* ---------------------------------------------------------------------------------------- */
/* The pre-TLS stream, parsed as XML: only the element names and their depth matter */

static gboolean
local_name_is (const gchar *name, const gchar *local)
{
    const gchar *colon = strrchr (name, ':');

    return g_strcmp0 (colon != NULL ? colon + 1 : name, local) == 0;
}

static void
on_start_element (GMarkupParseContext *context, const gchar *name, const gchar **attribute_names,
                  const gchar **attribute_values, gpointer user_data, GError **error)
{
    Negotiation *n = user_data;

    n->depth++;
    if (n->depth == 1 && !local_name_is (name, "stream")) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the XMPP server sent no stream header");
    } else if (n->depth == 2 && local_name_is (name, "features") && n->stage == STAGE_FEATURES) {
        n->in_features = TRUE;
    } else if (n->depth == 3 && n->in_features && g_strcmp0 (name, "starttls") == 0) {
        n->starttls_offered = TRUE;
    } else if (n->depth == 2 && g_strcmp0 (name, "proceed") == 0 && n->stage == STAGE_PROCEED) {
        /* the end of the element ends the exchange */
    } else if (n->depth == 2 && (local_name_is (name, "error") || g_strcmp0 (name, "failure") == 0)) {
        n->refused = TRUE;
    } else if (n->depth == 2) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the XMPP server sent <%s> before TLS", name);
    }
}

static void
on_end_element (GMarkupParseContext *context, const gchar *name, gpointer user_data, GError **error)
{
    Negotiation *n = user_data;

    if (n->depth == 2 && n->in_features) {
        n->in_features = FALSE;
        n->features_done = TRUE;
    } else if (n->depth == 2 && g_strcmp0 (name, "proceed") == 0) {
        n->proceed = TRUE;
    } else if (n->depth == 2 && n->refused) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                     "the XMPP server refused the stream or STARTTLS (<%s>)", name);
    } else if (n->depth == 1) {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "the XMPP server closed the stream");
    }
    n->depth--;
}

static const GMarkupParser stream_parser = { on_start_element, on_end_element, NULL, NULL, NULL };

/* ---------------------------------------------------------------------------------------- */

static void read_more (GTask *task);

/* straight to the server: no proxy from the environment or the desktop settings */
static GSocketClient *
new_socket_client (void)
{
    GSocketClient *client = g_socket_client_new ();

    g_socket_client_set_enable_proxy (client, FALSE);
    return client;
}

static void
on_plain_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketConnection) tcp = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);

    if (tcp == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
    else
        return_stream (task, G_IO_STREAM (tcp), FALSE);
}

static void
reconnect_plain (GTask *task)
{
    Negotiation *n = g_task_get_task_data (task);
    g_autoptr(GSocketClient) client = new_socket_client ();
    g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (n->address);
    g_autoptr(GSocketAddress) address = g_inet_socket_address_new (inet, n->port);

    g_io_stream_close (G_IO_STREAM (n->tcp), NULL, NULL);
    g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (address), g_task_get_cancellable (task),
                                   on_plain_connected, g_object_ref (task));
}

/* Only henbd's check decides; glib-networking has no database, so it reports every
 * certificate as of an unknown CA and asks here. */
static gboolean
on_accept_certificate (GTlsConnection *connection, GTlsCertificate *peer, GTlsCertificateFlags errors,
                       gpointer user_data)
{
    Negotiation *n = user_data;
    g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

    for (GTlsCertificate *cert = peer; cert != NULL && chain->len < 16; cert = g_tls_certificate_get_issuer (cert)) {
        g_autoptr(GByteArray) der = NULL;

        g_object_get (cert, "certificate", &der, NULL);
        if (der == NULL)
            break;
        g_ptr_array_add (chain, g_bytes_new (der->data, der->len));
    }
    g_clear_error (&n->certificate_error);
    n->certificate_checked = chain->len > 0 &&
                             henb_gnutls_verify_server (n->trust, chain, n->domain, 0, &n->certificate_error);
    if (chain->len == 0)
        g_set_error (&n->certificate_error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_BAD_CERTIFICATE,
                     "the XMPP server sent no certificate");
    return n->certificate_checked;
}

static void
on_handshake (GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    Negotiation *n = g_task_get_task_data (task);
    g_autoptr(GError) error = NULL;

    if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error)) {
        if (n->certificate_error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_task_return_error (task, g_steal_pointer (&n->certificate_error));
        else
            g_task_return_error (task, g_steal_pointer (&error));
        return;
    }
    /* a handshake that passed without our check (it cannot, without a database) passes not */
    if (!n->certificate_checked) {
        g_task_return_new_error (task, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_FAILED,
                                 "the XMPP server certificate was not checked");
        return;
    }
    return_stream (task, n->tls, TRUE);
}

static void
start_tls (GTask *task)
{
    Negotiation *n = g_task_get_task_data (task);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketConnectable) identity = NULL;

    /* the name for SNI; an IP address is sent as none */
    identity = g_network_address_new (n->domain, n->port);
    n->tls = g_tls_client_connection_new (G_IO_STREAM (n->tcp), identity, &error);
    if (n->tls == NULL) {
        g_task_return_error (task, g_steal_pointer (&error));
        return;
    }
    g_tls_connection_set_database (G_TLS_CONNECTION (n->tls), NULL);
    g_signal_connect (n->tls, "accept-certificate", G_CALLBACK (on_accept_certificate), n);
    g_tls_connection_handshake_async (G_TLS_CONNECTION (n->tls), G_PRIORITY_DEFAULT,
                                      g_task_get_cancellable (task), on_handshake, g_object_ref (task));
}

static void
on_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    g_autoptr(GError) error = NULL;

    if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
        g_task_return_error (task, g_steal_pointer (&error));
    else
        read_more (task);
}

static void
send_text (GTask *task, gchar *text)
{
    Negotiation *n = g_task_get_task_data (task);
    GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (n->tcp));

    g_object_set_data_full (G_OBJECT (task), "henb-pending-text", text, g_free);
    g_output_stream_write_all_async (out, text, strlen (text), G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                     on_written, g_object_ref (task));
}

/* Feeds what arrived, a byte at a time so that nothing after <proceed/> is taken for XML. */
static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    Negotiation *n = g_task_get_task_data (task);
    g_autoptr(GError) error = NULL;
    gssize size = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

    if (size < 0) {
        g_task_return_error (task, g_steal_pointer (&error));
        return;
    }
    if (size == 0) {
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                 "the XMPP server closed the connection before TLS");
        return;
    }
    n->received += size;
    if (n->received > PRE_TLS_MAX) {
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                                 "the XMPP server sent more than %u bytes before TLS", PRE_TLS_MAX);
        return;
    }
    for (gssize i = 0; i < size; i++) {
        if (n->proceed) {
            /* the server speaks before our ClientHello: not TLS as RFC 6120 5.4.3.3 has it */
            g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                     "the XMPP server sent data after <proceed/>");
            return;
        }
        if (!g_markup_parse_context_parse (n->parser, (const gchar *) n->buffer + i, 1, &error)) {
            g_prefix_error (&error, "XMPP stream before TLS: ");
            g_task_return_error (task, g_steal_pointer (&error));
            return;
        }
        if (n->stage == STAGE_FEATURES && n->features_done) {
            if (i + 1 < size) {
                g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                         "the XMPP server sent data after its stream features");
                return;
            }
            if (!n->starttls_offered && n->require_tls) {
                g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                         "TLS required but the XMPP server offers no STARTTLS");
                return;
            }
            if (!n->starttls_offered) {
                reconnect_plain (task);
                return;
            }
            n->stage = STAGE_PROCEED;
            send_text (task, g_strdup ("<starttls xmlns='" TLS_NS "'/>"));
            return;
        }
    }
    if (n->proceed) {
        n->stage = STAGE_DONE;
        start_tls (task);
        return;
    }
    read_more (task);
}

static void
read_more (GTask *task)
{
    Negotiation *n = g_task_get_task_data (task);

    g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (n->tcp)), n->buffer, sizeof n->buffer,
                               G_PRIORITY_DEFAULT, g_task_get_cancellable (task), on_read, g_object_ref (task));
}

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    Negotiation *n = g_task_get_task_data (task);
    g_autoptr(GError) error = NULL;

    n->tcp = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
    if (n->tcp == NULL) {
        g_task_return_error (task, g_steal_pointer (&error));
        return;
    }
    n->parser = g_markup_parse_context_new (&stream_parser, G_MARKUP_PREFIX_ERROR_POSITION, n, NULL);
    send_text (task, g_markup_printf_escaped ("<?xml version='1.0'?><stream:stream to='%s' version='1.0' "
                                              "xmlns='jabber:client' "
                                              "xmlns:stream='http://etherx.jabber.org/streams'>",
                                              n->domain));
}

void
henb_xmpp_starttls_connect_async (const gchar *address, guint16 port, const gchar *domain, HenbGnutlsTrust *trust,
                                  gboolean require_tls, GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
    g_autoptr(GSocketClient) client = new_socket_client ();
    g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
    g_autoptr(GSocketAddress) socket_address = NULL;
    Negotiation *n;

    g_task_set_source_tag (task, henb_xmpp_starttls_connect_async);
    if (inet == NULL) {
        /* the trust is ours from the call on */
        henb_gnutls_trust_free (trust);
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "\"%s\" is no IP address", address);
        return;
    }
    n = g_new0 (Negotiation, 1);
    n->address = g_strdup (address);
    n->port = port;
    n->domain = g_strdup (domain);
    n->trust = trust;
    n->require_tls = require_tls;
    g_task_set_task_data (task, n, (GDestroyNotify) negotiation_free);
    socket_address = g_inet_socket_address_new (inet, port);
    g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (socket_address), cancellable, on_connected,
                                   g_steal_pointer (&task));
}

GIOStream *
henb_xmpp_starttls_connect_finish (GAsyncResult *result, gboolean *tls_established, GError **error)
{
    Outcome *outcome = g_task_propagate_pointer (G_TASK (result), error);
    GIOStream *stream;

    if (outcome == NULL)
        return NULL;
    stream = g_steal_pointer (&outcome->stream);
    if (tls_established != NULL)
        *tls_established = outcome->tls;
    outcome_free (outcome);
    return stream;
}
