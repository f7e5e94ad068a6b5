/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * henb-ref-hems: a reference HeMS (TR-069 ACS) for henbd's tests and demo.
 *
 * As Initial HeMS it answers the Inform and sets the Serving HeMS URL, the Serving SeGW(s)
 * and optionally the S1 far end; as Serving HeMS it sets the S1 far end, port, mode and the
 * IPsec usage indicator. HTTP or HTTPS (optionally requiring a client certificate signed by
 * a given CA), Basic or Digest authentication, the CWMP namespace of the CPE or a fixed one.
 * Every session is logged, one line per message.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <glib-unix.h>
#include <libsoup/soup.h>

#include "henb-cwmp-codec.h"

typedef enum {
    ROLE_INITIAL,
    ROLE_SERVING,
} Role;

typedef enum {
    PHASE_INFORMED,      /* InformResponse sent; the next empty POST gets our request */
    PHASE_REQUEST_SENT,  /* waiting for the answer to our SetParameterValues */
    PHASE_DONE,          /* nothing more to ask: the next POST gets 204 */
} Phase;

typedef struct {
    guint           id;
    guint16         port;    /* client port of the Inform: the session's connection */
    Phase           phase;
    HenbCwmpVersion version;
    gchar          *oui;
} Session;

typedef struct {
    Role        role;
    gchar      *serving_hems_url;
    GStrv       serving_segw;
    gchar      *s1;
    gint        s1_port;          /* -1: not sent */
    gchar      *s1_mode;
    gchar      *s1_ipsec;
    gchar      *parameter_key;
    gchar      *values_file;
    gint        cwmp_ns;          /* -1: answer in the CPE's namespace */
    guint       delay_ms;         /* hold every answer to an empty POST this long */
    GHashTable *sessions;         /* cookie value -> Session */
    guint       next_session;
    FILE       *log;
} Hems;

static void
hems_log (Hems *hems, const gchar *format, ...) G_GNUC_PRINTF (2, 3);

static void
hems_log (Hems *hems, const gchar *format, ...)
{
    va_list args;
    g_autofree gchar *line = NULL;
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree gchar *stamp = g_date_time_format (now, "%H:%M:%S.%f");

    va_start (args, format);
    line = g_strdup_vprintf (format, args);
    va_end (args);
    fprintf (hems->log, "%.12s %s\n", stamp, line);
    fflush (hems->log);
}

static void
session_free (Session *s)
{
    g_free (s->oui);
    g_free (s);
}

static Session *
find_session (Hems *hems, SoupServerMessage *msg)
{
    const gchar *cookie = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Cookie");
    g_auto(GStrv) parts = NULL;

    if (cookie == NULL)
        return NULL;
    parts = g_strsplit (cookie, ";", -1);
    for (guint i = 0; parts[i] != NULL; i++) {
        const gchar *p = g_strstrip (parts[i]);
        if (g_str_has_prefix (p, "hems-session="))
            return g_hash_table_lookup (hems->sessions, p + strlen ("hems-session="));
    }
    return NULL;
}

static void
reply_envelope (SoupServerMessage *msg, HenbCwmpMessage *envelope)
{
    g_autoptr(GBytes) body = henb_cwmp_serialize (envelope);
    gsize len;
    const gchar *data = g_bytes_get_data (body, &len);

    soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
    soup_server_message_set_response (msg, "text/xml; charset=utf-8", SOUP_MEMORY_COPY, data, len);
}

static void
add_typed (HenbCwmpMessage *spv, const gchar *name, const gchar *spec)
{
    /* "xsd:TYPE VALUE" or a plain string */
    if (g_str_has_prefix (spec, "xsd:")) {
        const gchar *space = strchr (spec, ' ');
        g_autofree gchar *type = g_strndup (spec + 4, space != NULL ? (gsize) (space - spec - 4) : strlen (spec + 4));

        henb_cwmp_message_add_param (spv, name, space != NULL ? space + 1 : "", henb_cwmp_type_from_xsd (type));
        return;
    }
    henb_cwmp_message_add_param (spv, name, spec, HENB_CWMP_TYPE_STRING);
}

static HenbCwmpMessage *
build_spv (Hems *hems, Session *s)
{
    HenbCwmpMessage *spv = henb_cwmp_message_new (HENB_CWMP_METHOD_SET_PARAMETER_VALUES, s->version);
    const gchar *gw = "Device.Services.FAPService.1.FAPControl.LTE.Gateway.";
    g_autofree gchar *id = g_strdup_printf ("hems-%u-spv", s->id);

    henb_cwmp_message_set_id (spv, id);
    if (hems->role == ROLE_INITIAL && hems->serving_hems_url != NULL)
        henb_cwmp_message_add_param (spv, "Device.ManagementServer.URL", hems->serving_hems_url,
                                     HENB_CWMP_TYPE_STRING);
    for (guint i = 0; hems->serving_segw != NULL && hems->serving_segw[i] != NULL && i < 3; i++) {
        g_autofree gchar *name = g_strdup_printf ("%sSecGWServer%u", gw, i + 1);
        henb_cwmp_message_add_param (spv, name, hems->serving_segw[i], HENB_CWMP_TYPE_STRING);
    }
    if (hems->s1 != NULL) {
        g_autofree gchar *name = g_strconcat (gw, "S1SigLinkServerList", NULL);
        henb_cwmp_message_add_param (spv, name, hems->s1, HENB_CWMP_TYPE_STRING);
    }
    if (hems->s1_port >= 0) {
        g_autofree gchar *name = g_strconcat (gw, "S1SigLinkPort", NULL);
        g_autofree gchar *value = g_strdup_printf ("%d", hems->s1_port);
        henb_cwmp_message_add_param (spv, name, value, HENB_CWMP_TYPE_UNSIGNED_INT);
    }
    if (hems->s1_mode != NULL) {
        g_autofree gchar *name = g_strconcat (gw, "S1ConnectionMode", NULL);
        henb_cwmp_message_add_param (spv, name, hems->s1_mode, HENB_CWMP_TYPE_STRING);
    }
    if (hems->s1_ipsec != NULL) {
        /* the vendor parameter is named after the OUI the HeNB reported */
        g_autofree gchar *name = g_strdup_printf ("%sX_%s_S1IPsecUsed", gw, s->oui != NULL ? s->oui : "000000");
        henb_cwmp_message_add_param (spv, name, hems->s1_ipsec, HENB_CWMP_TYPE_BOOLEAN);
    }
    if (hems->values_file != NULL) {
        g_autoptr(GKeyFile) kf = g_key_file_new ();
        g_autoptr(GError) error = NULL;
        g_auto(GStrv) keys = NULL;

        if (!g_key_file_load_from_file (kf, hems->values_file, G_KEY_FILE_NONE, &error)) {
            hems_log (hems, "values file: %s", error->message);
        } else {
            keys = g_key_file_get_keys (kf, "Parameters", NULL, NULL);
            for (guint i = 0; keys != NULL && keys[i] != NULL; i++) {
                g_autofree gchar *v = g_key_file_get_string (kf, "Parameters", keys[i], NULL);
                add_typed (spv, keys[i], v != NULL ? v : "");
            }
        }
    }
    spv->parameter_key = g_strdup (hems->parameter_key);
    return spv;
}

static void
end_session (Hems *hems, SoupServerMessage *msg, Session *s)
{
    hems_log (hems, "[session %u] -> 204 (session released)", s != NULL ? s->id : 0);
    soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static void
handle_inform (Hems *hems, SoupServerMessage *msg, HenbCwmpMessage *inform)
{
    Session *s = g_new0 (Session, 1);
    g_autoptr(GString) events = g_string_new (NULL);
    g_autoptr(HenbCwmpMessage) response = NULL;
    g_autofree gchar *cookie = NULL;
    g_autofree gchar *key = NULL;
    GSocketAddress *remote = soup_server_message_get_remote_address (msg);
    g_autofree gchar *peer = NULL;

    s->id = ++hems->next_session;
    s->version = hems->cwmp_ns >= 0 ? (HenbCwmpVersion) hems->cwmp_ns : inform->version;
    s->oui = g_strdup (inform->device_id.oui);
    s->phase = PHASE_INFORMED;
    key = g_strdup_printf ("%u", s->id);
    g_hash_table_insert (hems->sessions, g_strdup (key), s);

    if (G_IS_INET_SOCKET_ADDRESS (remote)) {
        peer = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
        s->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote));
    }
    for (guint i = 0; i < inform->events->len; i++)
        g_string_append_printf (events, "%s%s", i > 0 ? ", " : "",
                                ((HenbCwmpEvent *) inform->events->pdata[i])->code);
    hems_log (hems, "[session %u] from %s: Inform (%s) DeviceId %s-%s-%s events: %s; RetryCount %u; %u parameters",
              s->id, peer != NULL ? peer : "?", henb_cwmp_version_namespace (inform->version),
              inform->device_id.oui, inform->device_id.product_class, inform->device_id.serial_number,
              events->str, inform->retry_count, inform->params->len);
    for (guint i = 0; i < inform->params->len; i++) {
        const HenbCwmpParamValue *pv = inform->params->pdata[i];
        hems_log (hems, "[session %u]    %s = %s", s->id, pv->name, pv->value);
    }

    response = henb_cwmp_message_new (HENB_CWMP_METHOD_INFORM_RESPONSE, s->version);
    henb_cwmp_message_set_id (response, inform->id);
    response->max_envelopes = 1;
    reply_envelope (msg, response);
    cookie = g_strdup_printf ("hems-session=%s; Path=/", key);
    soup_message_headers_append (soup_server_message_get_response_headers (msg), "Set-Cookie", cookie);
    hems_log (hems, "[session %u] -> InformResponse (%s)", s->id, henb_cwmp_version_namespace (s->version));
}

static gboolean
unpause (gpointer msg)
{
    soup_server_message_unpause (msg);
    g_object_unref (msg);
    return G_SOURCE_REMOVE;
}

static void
handle_post (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
             gpointer user_data)
{
    Hems *hems = user_data;
    SoupMessageBody *body = soup_server_message_get_request_body (msg);
    g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
    g_autoptr(HenbCwmpMessage) request = NULL;
    g_autoptr(GError) error = NULL;
    Session *s = find_session (hems, msg);
    gsize len = g_bytes_get_size (bytes);

    if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0) {
        soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
        return;
    }
    if (s != NULL) {
        GSocketAddress *remote = soup_server_message_get_remote_address (msg);
        guint16 port = G_IS_INET_SOCKET_ADDRESS (remote)
                           ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote)) : 0;

        /* TR-069 keeps one connection for the whole session */
        if (port != s->port)
            hems_log (hems, "[session %u] new connection (client port %u, the Inform came from %u)",
                      s->id, port, s->port);
    }
    if (len == 0) {
        /* the CPE hands the session over: send our request once, then release */
        if (s == NULL) {
            hems_log (hems, "empty POST outside a session");
            soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
            return;
        }
        if (s->phase == PHASE_INFORMED) {
            g_autoptr(HenbCwmpMessage) spv = build_spv (hems, s);

            /* a slow HeMS: the answer is ready but held back */
            if (hems->delay_ms > 0) {
                hems_log (hems, "[session %u] holding the answer for %u ms", s->id, hems->delay_ms);
                soup_server_message_pause (msg);
                g_timeout_add (hems->delay_ms, unpause, g_object_ref (msg));
            }

            if (spv->params->len == 0) {
                s->phase = PHASE_DONE;
                end_session (hems, msg, s);
                return;
            }
            for (guint i = 0; i < spv->params->len; i++) {
                const HenbCwmpParamValue *pv = spv->params->pdata[i];
                hems_log (hems, "[session %u]    set %s = %s", s->id, pv->name, pv->value);
            }
            hems_log (hems, "[session %u] -> SetParameterValues (%u parameters, key %s)", s->id,
                      spv->params->len, spv->parameter_key);
            reply_envelope (msg, spv);
            s->phase = PHASE_REQUEST_SENT;
            return;
        }
        end_session (hems, msg, s);
        return;
    }

    request = henb_cwmp_parse (g_bytes_get_data (bytes, NULL), len, 0, NULL, &error);
    if (request == NULL) {
        hems_log (hems, "[session %u] malformed envelope from the CPE: %s", s != NULL ? s->id : 0, error->message);
        soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
        return;
    }
    switch (request->method) {
    case HENB_CWMP_METHOD_INFORM:
        handle_inform (hems, msg, request);
        return;
    case HENB_CWMP_METHOD_SET_PARAMETER_VALUES_RESPONSE:
        hems_log (hems, "[session %u] <- SetParameterValuesResponse Status %u", s != NULL ? s->id : 0,
                  request->status);
        break;
    case HENB_CWMP_METHOD_FAULT:
        hems_log (hems, "[session %u] <- Fault %u %s", s != NULL ? s->id : 0, request->fault->code,
                  request->fault->string);
        for (guint i = 0; i < request->fault->param_faults->len; i++) {
            const HenbCwmpParamFault *pf = request->fault->param_faults->pdata[i];
            hems_log (hems, "[session %u]    %s: %u %s", s != NULL ? s->id : 0, pf->name, pf->code, pf->string);
        }
        break;
    default:
        hems_log (hems, "[session %u] <- %s (not handled)", s != NULL ? s->id : 0, request->method_name);
        break;
    }
    if (s != NULL)
        s->phase = PHASE_DONE;
    end_session (hems, msg, s);
}

static gboolean
basic_auth (SoupAuthDomain *domain, SoupServerMessage *msg, const char *username, const char *password,
            gpointer user_data)
{
    const gchar *const *expected = user_data;

    return g_strcmp0 (username, expected[0]) == 0 && g_strcmp0 (password, expected[1]) == 0;
}

static gchar *
digest_auth (SoupAuthDomain *domain, SoupServerMessage *msg, const char *username, gpointer user_data)
{
    const gchar *const *expected = user_data;

    if (g_strcmp0 (username, expected[0]) != 0)
        return NULL;
    return soup_auth_domain_digest_encode_password (username, "henb-ref-hems", expected[1]);
}

/* Client certificates are checked by the TLS database; log what it found, refuse on errors. */
static gboolean
on_accept_certificate (SoupServerMessage *msg, GTlsCertificate *cert, GTlsCertificateFlags errors,
                       gpointer user_data)
{
    Hems *hems = user_data;

    /* libsoup asks even when the database found nothing wrong */
    if (errors == 0)
        return TRUE;
    hems_log (hems, "client certificate refused (GTlsCertificateFlags 0x%x)", errors);
    return FALSE;
}

static void
on_request_started (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
    g_signal_connect (msg, "accept-certificate", G_CALLBACK (on_accept_certificate), user_data);
}

static gboolean
on_quit (gpointer loop)
{
    g_main_loop_quit (loop);
    return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
    static gchar *listen_on = "127.0.0.1:7547", *role = "initial", *cert = NULL, *key = NULL;
    static gchar *client_ca = NULL, *serving_hems = NULL, *serving_segw = NULL, *s1 = NULL;
    static gchar *s1_mode = NULL, *s1_ipsec = NULL, *parameter_key = NULL, *values = NULL;
    static gchar *ns = NULL, *auth = NULL, *username = NULL, *password = NULL, *log_file = NULL;
    static gchar *path = "/cwmp", *ready_file = NULL;
    static gint s1_port = -1, delay_ms = 0;
    const GOptionEntry entries[] = {
        { "listen", 0, 0, G_OPTION_ARG_STRING, &listen_on, "Address and port to listen on", "IP:PORT" },
        { "role", 0, 0, G_OPTION_ARG_STRING, &role, "initial or serving", "ROLE" },
        { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, "Serve HTTPS with this certificate", "PEM" },
        { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &key, "Private key of the certificate", "PEM" },
        { "client-ca", 0, 0, G_OPTION_ARG_FILENAME, &client_ca, "Require a client certificate from this CA", "PEM" },
        { "serving-hems-url", 0, 0, G_OPTION_ARG_STRING, &serving_hems, "Initial: Serving HeMS URL to set", "URL" },
        { "serving-segw", 0, 0, G_OPTION_ARG_STRING, &serving_segw, "Serving SeGW(s) to set, comma-separated", "HOSTS" },
        { "s1", 0, 0, G_OPTION_ARG_STRING, &s1, "S1 far end(s) to set", "LIST" },
        { "s1-port", 0, 0, G_OPTION_ARG_INT, &s1_port, "S1 SCTP port to set", "PORT" },
        { "s1-mode", 0, 0, G_OPTION_ARG_STRING, &s1_mode, "S1ConnectionMode to set", "One|All" },
        { "s1-ipsec", 0, 0, G_OPTION_ARG_STRING, &s1_ipsec, "IPsec usage indicator to set", "true|false" },
        { "parameter-key", 0, 0, G_OPTION_ARG_STRING, &parameter_key, "ParameterKey of the SetParameterValues", "KEY" },
        { "values", 0, 0, G_OPTION_ARG_FILENAME, &values, "Extra parameters: [Parameters] name=[xsd:TYPE ]value", "FILE" },
        { "cwmp-ns", 0, 0, G_OPTION_ARG_STRING, &ns, "Answer in this namespace instead of the CPE's", "1.0|1.1|1.2" },
        { "auth", 0, 0, G_OPTION_ARG_STRING, &auth, "Require HTTP authentication", "basic|digest" },
        { "username", 0, 0, G_OPTION_ARG_STRING, &username, "Expected username", "NAME" },
        { "password", 0, 0, G_OPTION_ARG_STRING, &password, "Expected password", "PASSWORD" },
        { "path", 0, 0, G_OPTION_ARG_STRING, &path, "URL path of the ACS", "PATH" },
        { "log", 0, 0, G_OPTION_ARG_FILENAME, &log_file, "Append the session log here (default stdout)", "FILE" },
        { "ready-file", 0, 0, G_OPTION_ARG_FILENAME, &ready_file, "Create this file once listening", "FILE" },
        { "delay", 0, 0, G_OPTION_ARG_INT, &delay_ms, "Hold the request after the Inform this long", "MS" },
        { NULL }
    };
    g_autoptr(GOptionContext) context = g_option_context_new ("- reference HeMS for henbd tests");
    g_autoptr(GError) error = NULL;
    g_autoptr(SoupServer) server = NULL;
    g_autoptr(GMainLoop) loop = NULL;
    g_autoptr(GSocketAddress) address = NULL;
    g_autoptr(GTlsCertificate) tls_cert = NULL;
    g_autofree gchar *host = NULL;
    const gchar *credentials[2];
    Hems hems = { 0 };
    guint64 port;
    const gchar *colon;

    g_option_context_add_main_entries (context, entries, NULL);
    if (!g_option_context_parse (context, &argc, &argv, &error)) {
        g_printerr ("henb-ref-hems: %s\n", error->message);
        return 2;
    }
    hems.role = g_strcmp0 (role, "serving") == 0 ? ROLE_SERVING : ROLE_INITIAL;
    hems.serving_hems_url = serving_hems;
    hems.serving_segw = serving_segw != NULL ? g_strsplit (serving_segw, ",", 3) : NULL;
    hems.s1 = s1;
    hems.s1_port = s1_port;
    hems.s1_mode = s1_mode;
    hems.s1_ipsec = s1_ipsec;
    hems.parameter_key = parameter_key != NULL ? parameter_key : (hems.role == ROLE_INITIAL ? "initial-hems-1" : "serving-hems-1");
    hems.values_file = values;
    hems.cwmp_ns = -1;
    hems.delay_ms = (guint) MAX (delay_ms, 0);
    if (ns != NULL) {
        HenbCwmpVersion v;
        if (!henb_cwmp_version_from_string (ns, &v)) {
            g_printerr ("henb-ref-hems: bad --cwmp-ns %s\n", ns);
            return 2;
        }
        hems.cwmp_ns = v;
    }
    hems.sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) session_free);
    hems.log = log_file != NULL ? fopen (log_file, "a") : stdout;
    if (hems.log == NULL) {
        g_printerr ("henb-ref-hems: cannot open %s\n", log_file);
        return 1;
    }

    colon = strrchr (listen_on, ':');
    if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL)) {
        g_printerr ("henb-ref-hems: --listen wants IP:PORT\n");
        return 2;
    }
    host = g_strndup (listen_on, colon - listen_on);
    address = g_inet_socket_address_new_from_string (host, (guint) port);
    if (address == NULL) {
        g_printerr ("henb-ref-hems: bad address %s\n", host);
        return 2;
    }

    if (cert != NULL) {
        tls_cert = g_tls_certificate_new_from_files (cert, key != NULL ? key : cert, &error);
        if (tls_cert == NULL) {
            g_printerr ("henb-ref-hems: %s\n", error->message);
            return 1;
        }
    }
    server = soup_server_new ("tls-certificate", tls_cert, NULL);
    if (client_ca != NULL) {
        g_autoptr(GTlsDatabase) db = g_tls_file_database_new (client_ca, &error);
        if (db == NULL) {
            g_printerr ("henb-ref-hems: %s\n", error->message);
            return 1;
        }
        g_object_set (server, "tls-database", db, "tls-auth-mode", G_TLS_AUTHENTICATION_REQUIRED, NULL);
    }
    if (auth != NULL) {
        g_autoptr(SoupAuthDomain) domain = NULL;

        credentials[0] = username;
        credentials[1] = password;
        if (g_strcmp0 (auth, "digest") == 0) {
            domain = soup_auth_domain_digest_new ("realm", "henb-ref-hems", NULL);
            soup_auth_domain_digest_set_auth_callback (domain, digest_auth, (gpointer) credentials, NULL);
        } else {
            domain = soup_auth_domain_basic_new ("realm", "henb-ref-hems", NULL);
            soup_auth_domain_basic_set_auth_callback (domain, basic_auth, (gpointer) credentials, NULL);
        }
        soup_auth_domain_add_path (domain, path);
        soup_server_add_auth_domain (server, domain);
    }
    soup_server_add_handler (server, path, handle_post, &hems, NULL);
    g_signal_connect (server, "request-started", G_CALLBACK (on_request_started), &hems);
    if (!soup_server_listen (server, address, tls_cert != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0, &error)) {
        g_printerr ("henb-ref-hems: cannot listen on %s: %s\n", listen_on, error->message);
        return 1;
    }
    hems_log (&hems, "reference HeMS (%s) listening on %s://%s%s", role,
              tls_cert != NULL ? "https" : "http", listen_on, path);
    if (ready_file != NULL && !g_file_set_contents (ready_file, listen_on, -1, &error)) {
        g_printerr ("henb-ref-hems: %s\n", error->message);
        return 1;
    }
    loop = g_main_loop_new (NULL, FALSE);
    g_unix_signal_add (SIGTERM, on_quit, loop);
    g_unix_signal_add (SIGINT, on_quit, loop);
    g_main_loop_run (loop);
    g_hash_table_unref (hems.sessions);
    g_strfreev (hems.serving_segw);
    return 0;
}
