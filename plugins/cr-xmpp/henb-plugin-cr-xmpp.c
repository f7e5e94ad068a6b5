/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Connection Requests over XMPP (TR-069 Annex K): the "xmpp" Connection Request transport.
 * ManagementServer.ConnReqXMPPConnection names the Device.XMPP.Connection row; with it
 * enabled henbd keeps an XMPP session to the server that row says (ServerTable, DNS or
 * DNS-SRV), reconnects with the row's back-off, shows the bound JID in ConnReqJabberID and
 * answers connectionRequest IQs: from a JID in ConnReqAllowedJabberIDs (empty: any) with
 * ConnectionRequestUsername/Password an empty result and a session; a sender not allowed
 * <service-unavailable/>, wrong credentials <not-authorized/>, a request within the rate
 * limit <service-unavailable/> (the HeMS asks again later, as after an HTTP 503).
 */
#include "config.h"

#include <string.h>

#include "henb-cr-transport.h"
#include "henb-main-context.h"
#include "henb-plugin.h"
#include "henb-xmpp-client-module.h"
#include "henb-xmpp-jid.h"

#define XMPP_CONNECTION      "Device.XMPP.Connection.1."
#define XMPP_DEFAULT_PORT    5222
/* KeepAliveInterval -1 is "vendor specific": RFC 6120 4.6.4 asks for no less than 5 min */
#define XMPP_VENDOR_KEEPALIVE 300

typedef struct {
    gchar   *host;
    guint16  port;
} XmppServer;

static void
xmpp_server_free (XmppServer *server)
{
    g_free (server->host);
    g_free (server);
}

#define HENB_TYPE_XMPP_TRANSPORT (henb_xmpp_transport_get_type ())
G_DECLARE_FINAL_TYPE (HenbXmppTransport, henb_xmpp_transport, HENB, XMPP_TRANSPORT, HenbCrTransport)

struct _HenbXmppTransport {
    HenbCrTransport  parent_instance;

    HenbPlugin      *plugin;       /* the module opens beside it */
    const HenbXmppClientApi *api;  /* with client: libhenb-xmpp-client.so, opened on first use */
    HenbXmppClient  *client;       /* NULL until XMPP is first enabled */
    gchar           *settings;     /* what the session was started with; NULL: none */
    GStrv            allowed;      /* ConnReqAllowedJabberIDs */
    gchar           *jid;          /* Username@Domain */
    gchar           *resource;
    gchar           *password;
    gchar           *algorithm;
    gboolean         use_tls;
    guint            keepalive;
    guint            retry_initial, retry_multiplier, retry_max;
    GPtrArray       *servers;      /* XmppServer, in the order to try */
    guint            next_server;
    guint            failures;     /* in a row, for the back-off */
    guint            retry_id;
    GCancellable    *cancellable;
    gchar           *server;       /* "host:port" connected to, or being tried */
    gchar           *jabber_id;    /* bound full JID while online */
};

G_DEFINE_FINAL_TYPE (HenbXmppTransport, henb_xmpp_transport, HENB_TYPE_CR_TRANSPORT)

enum { PROP_0, PROP_JABBER_ID, PROP_SERVER, N_PROPS };
static GParamSpec *props[N_PROPS];

static void try_connect (HenbXmppTransport *self);

/* ---------------------------------------------------------------------------------------- */
/* Status parameters */

static HenbDataModel *
dm_of (HenbXmppTransport *self)
{
    return henb_cr_transport_get_services (HENB_CR_TRANSPORT (self))->dm;
}

/* Writes @value when it differs; TRUE when it did. */
static gboolean
write_value (HenbXmppTransport *self, const gchar *name, const gchar *value)
{
    g_autofree gchar *old = henb_data_model_get (dm_of (self), name);
    g_autoptr(GError) error = NULL;

    if (g_strcmp0 (old, value) == 0)
        return FALSE;
    if (!henb_data_model_set (dm_of (self), name, value, &error)) {
        g_warning ("cannot set %s: %s", name, error->message);
        return FALSE;
    }
    return TRUE;
}

/* TR-181 Status, LastChangeDate, JabberID, TLSEstablished, and ConnReqJabberID, which keeps
 * the last JID while the connection is down and is empty only when XMPP is off. */
static void
publish (HenbXmppTransport *self, const gchar *status, gboolean off)
{
    gboolean changed = FALSE;
    const gchar *jid = self->jabber_id != NULL ? self->jabber_id : "";

    if (write_value (self, XMPP_CONNECTION "Status", status)) {
        g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
        g_autofree gchar *date = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");

        write_value (self, XMPP_CONNECTION "LastChangeDate", date);
        changed = TRUE;
    }
    changed |= write_value (self, XMPP_CONNECTION "JabberID", jid);
    changed |= write_value (self, XMPP_CONNECTION "TLSEstablished",
                            self->client != NULL && self->api->get_tls_established (self->client)
                                ? "true" : "false");
    if (off || self->jabber_id != NULL)
        changed |= write_value (self, HENB_DM_MS "ConnReqJabberID", jid);
    if (changed)
        henb_cr_transport_values_changed (HENB_CR_TRANSPORT (self));
}

static void
set_server (HenbXmppTransport *self, const gchar *server)
{
    if (g_strcmp0 (self->server, server) == 0)
        return;
    g_free (self->server);
    self->server = g_strdup (server);
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SERVER]);
}

static void
set_jabber_id (HenbXmppTransport *self, const gchar *jid)
{
    if (g_strcmp0 (self->jabber_id, jid) == 0)
        return;
    g_free (self->jabber_id);
    self->jabber_id = g_strdup (jid);
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_JABBER_ID]);
}

/* ---------------------------------------------------------------------------------------- */
/* Connection Requests */

/* Compares without stopping at the first difference, so time tells nothing of the secret. */
static gboolean
secret_equal (const gchar *given, const gchar *expected)
{
    gsize n = strlen (given), m = strlen (expected);
    guint8 diff = n != m;

    for (gsize i = 0; i < n; i++)
        diff |= (guint8) given[i] ^ (guint8) expected[i % (m > 0 ? m : 1)];
    return diff == 0;
}

static gboolean
report_accepted_idle (gpointer user_data)
{
    henb_cr_transport_report_accepted (HENB_CR_TRANSPORT (user_data));
    return G_SOURCE_REMOVE;
}

static gint
on_connection_request (HenbXmppClient *client, const gchar *from, const gchar *username,
                       const gchar *password, HenbXmppTransport *self)
{
    HenbCrTransport *base = HENB_CR_TRANSPORT (self);
    const gchar *expected_user = henb_cr_transport_get_username (base);
    const gchar *expected_password = henb_cr_transport_get_password (base);
    gboolean allowed = self->allowed == NULL || self->allowed[0] == NULL;
    g_autofree gchar *shown = g_strescape (from, NULL);

    for (guint i = 0; !allowed && self->allowed[i] != NULL; i++)
        allowed = henb_xmpp_jid_allowed (self->allowed[i], from);
    if (!allowed) {
        henb_cr_transport_log_refusal (base, shown, "not in ConnReqAllowedJabberIDs");
        henb_cr_transport_count_rejected (base);
        return HENB_XMPP_CR_SERVICE_UNAVAILABLE;
    }
    if (expected_user == NULL || expected_user[0] == '\0' ||
        !secret_equal (username, expected_user) ||
        !secret_equal (password, expected_password != NULL ? expected_password : "")) {
        henb_cr_transport_log_refusal (base, shown, "wrong username or password");
        henb_cr_transport_count_rejected (base);
        return HENB_XMPP_CR_NOT_AUTHORIZED;
    }
    if (henb_cr_transport_admit (base) == HENB_CR_ADMISSION_RATE_LIMITED) {
        henb_cr_transport_log_refusal (base, shown, "too soon after the last one");
        return HENB_XMPP_CR_SERVICE_UNAVAILABLE;
    }
    g_message ("XMPP Connection Request from \"%s\" accepted", shown);
    /* the result goes out when this returns: the session after it */
    henb_idle_add_full (G_PRIORITY_DEFAULT, report_accepted_idle, g_object_ref (self), g_object_unref);
    return HENB_XMPP_CR_ACCEPT;
}

/* ---------------------------------------------------------------------------------------- */
/* The session and its back-off */

static void
on_online (HenbXmppClient *client, HenbXmppTransport *self)
{
    g_autofree gchar *detail = g_strdup_printf ("%s on %s%s", self->api->get_bound_jid (client),
                                                self->server,
                                                self->api->get_tls_established (client) ? " (TLS)" : "");

    self->failures = 0;
    set_jabber_id (self, self->api->get_bound_jid (client));
    publish (self, "Enabled", FALSE);
    g_message ("XMPP: online as %s", detail);
    henb_cr_transport_set_state (HENB_CR_TRANSPORT (self), HENB_CR_TRANSPORT_STATE_ACTIVE, detail);
}

static gboolean
on_retry (gpointer user_data)
{
    HenbXmppTransport *self = user_data;

    self->retry_id = 0;
    try_connect (self);
    return G_SOURCE_REMOVE;
}

/* TR-181 ServerRetry*: the n-th wait is drawn from [m·(k/1000)^(n-1), m·(k/1000)^n], capped */
static guint
retry_wait (HenbXmppTransport *self)
{
    gdouble lo = self->retry_initial, k = self->retry_multiplier / 1000.0, hi;

    for (guint i = 1; i < self->failures && lo < self->retry_max; i++)
        lo *= k;
    hi = lo * k;
    lo = MIN (lo, (gdouble) self->retry_max);
    hi = MIN (hi, (gdouble) self->retry_max);
    return (guint) g_random_double_range (lo, hi + 1.0);
}

static void
schedule_retry (HenbXmppTransport *self, const gchar *why)
{
    g_autofree gchar *detail = NULL;
    guint wait;

    self->failures++;
    wait = retry_wait (self);
    detail = g_strdup_printf ("%s; next attempt in %u s", why, wait);
    g_message ("XMPP: %s", detail);
    henb_cr_transport_set_state (HENB_CR_TRANSPORT (self), HENB_CR_TRANSPORT_STATE_FAILED, detail);
    g_clear_handle_id (&self->retry_id, henb_source_remove);
    self->retry_id = henb_timeout_add_seconds (MAX (wait, 1), on_retry, self);
}

static void
on_offline (HenbXmppClient *client, gint reason, const gchar *detail, HenbXmppTransport *self)
{
    static const gchar *const statuses[] = {
        [HENB_XMPP_OFFLINE_CLOSED] = "Disabled",
        [HENB_XMPP_OFFLINE_UNREACHABLE] = "ServerNotPresent",
        [HENB_XMPP_OFFLINE_TLS] = "Error",
        [HENB_XMPP_OFFLINE_AUTHENTICATION] = "Error_AuthenticationFailure",
        [HENB_XMPP_OFFLINE_ERROR] = "Error",
    };
    g_autofree gchar *why = g_strdup_printf ("%s: %s", self->server != NULL ? self->server : "XMPP", detail);

    if (reason == HENB_XMPP_OFFLINE_CLOSED)
        return;
    set_jabber_id (self, NULL);
    publish (self, statuses[reason], FALSE);
    /* the next server of the list, if there is one */
    if (self->servers != NULL && self->servers->len > 0)
        self->next_server = (self->next_server + 1) % self->servers->len;
    schedule_retry (self, why);
}

/* The client, its module opened the first time XMPP is used */
static gboolean
ensure_client (HenbXmppTransport *self, GError **error)
{
    if (self->client != NULL)
        return TRUE;
    self->api = henb_xmpp_client_api_get (self->plugin, error);
    if (self->api == NULL)
        return FALSE;
    self->client = self->api->client_new ();
    g_signal_connect (self->client, "online", G_CALLBACK (on_online), self);
    g_signal_connect (self->client, "offline", G_CALLBACK (on_offline), self);
    g_signal_connect (self->client, "connection-request", G_CALLBACK (on_connection_request), self);
    return TRUE;
}

static void
connect_to (HenbXmppTransport *self, const gchar *address, guint16 port)
{
    const HenbServices *svc = henb_cr_transport_get_services (HENB_CR_TRANSPORT (self));
    g_autoptr(GError) error = NULL;
    /* TLS always, whatever UseTLS says: with UseTLS false TR-181 lets a server that offers no
     * STARTTLS have a plain session, and anybody on the path can strip the offer and read
     * the XMPP password and the ConnectionRequestUsername/Password the HeMS sends */
    HenbXmppClientOptions options = {
        .jid = self->jid, .resource = self->resource, .password = self->password,
        .address = address, .port = port, .require_tls = TRUE,
        .ca_file = svc->config->root_ca, .keepalive = self->keepalive,
    };

    if (!ensure_client (self, &error) || !self->api->connect (self->client, &options, &error))
        schedule_retry (self, error->message);
}

static void
on_resolved (GObject *source, GAsyncResult *result, gpointer user_data)
{
    HenbXmppTransport *self = user_data;
    g_autoptr(GError) error = NULL;
    GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
    g_autofree gchar *address = NULL;
    XmppServer *server;

    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    server = self->servers->pdata[self->next_server];
    if (addresses == NULL) {
        g_autofree gchar *why = g_strdup_printf ("cannot resolve %s: %s", server->host, error->message);

        publish (self, "ServerNotPresent", FALSE);
        self->next_server = (self->next_server + 1) % self->servers->len;
        schedule_retry (self, why);
        return;
    }
    address = g_inet_address_to_string (addresses->data);
    g_resolver_free_addresses (addresses);
    connect_to (self, address, server->port);
}

static void
try_server (HenbXmppTransport *self)
{
    const HenbServices *svc = henb_cr_transport_get_services (HENB_CR_TRANSPORT (self));
    XmppServer *server = self->servers->pdata[self->next_server];
    g_autoptr(GInetAddress) literal = g_inet_address_new_from_string (server->host);
    g_autofree gchar *where = g_strdup_printf ("%s:%u", server->host, server->port);
    g_autofree gchar *detail = g_strdup_printf ("connecting to %s as %s", where, self->jid);

    set_server (self, where);
    publish (self, "Connecting", FALSE);
    henb_cr_transport_set_state (HENB_CR_TRANSPORT (self), HENB_CR_TRANSPORT_STATE_STARTING, detail);
    if (literal != NULL) {
        connect_to (self, server->host, server->port);
        return;
    }
    g_resolver_lookup_by_name_async (G_RESOLVER (svc->resolver), server->host, self->cancellable,
                                     on_resolved, self);
}

static gint
compare_srv (gconstpointer a, gconstpointer b)
{
    guint16 pa, pb, wa, wb;

    g_variant_get (*(GVariant **) a, "(qqq&s)", &pa, &wa, NULL, NULL);
    g_variant_get (*(GVariant **) b, "(qqq&s)", &pb, &wb, NULL, NULL);
    return pa != pb ? (gint) pa - (gint) pb : (gint) wb - (gint) wa;
}

/* DNS-SRV (RFC 6120 3.2.1): _xmpp-client._tcp.<Domain> by priority, then weight; without
 * records the domain itself on 5222 */
static void
on_srv (GObject *source, GAsyncResult *result, gpointer user_data)
{
    HenbXmppTransport *self = user_data;
    g_autoptr(GError) error = NULL;
    GList *records = g_resolver_lookup_records_finish (G_RESOLVER (source), result, &error);
    g_autoptr(GPtrArray) sorted = g_ptr_array_new ();

    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
    for (GList *l = records; l != NULL; l = l->next)
        if (g_variant_is_of_type (l->data, G_VARIANT_TYPE ("(qqqs)")))
            g_ptr_array_add (sorted, l->data);
    g_ptr_array_sort (sorted, compare_srv);
    for (guint i = 0; i < sorted->len && self->servers->len < 16; i++) {
        XmppServer *server = g_new0 (XmppServer, 1);
        const gchar *target;
        guint16 port;

        g_variant_get (sorted->pdata[i], "(qqq&s)", NULL, NULL, &port, &target);
        /* "." says the service is not offered there */
        if (g_strcmp0 (target, ".") == 0 || target[0] == '\0' || strlen (target) > 253 ||
            !g_utf8_validate (target, -1, NULL)) {
            g_free (server);
            continue;
        }
        server->host = g_strdup (target);
        server->port = port;
        g_ptr_array_add (self->servers, server);
    }
    g_list_free_full (records, (GDestroyNotify) g_variant_unref);
    if (self->servers->len == 0) {
        const gchar *domain = strchr (self->jid, '@') + 1;
        XmppServer *server = g_new0 (XmppServer, 1);

        server->host = g_strdup (domain);
        server->port = XMPP_DEFAULT_PORT;
        g_ptr_array_add (self->servers, server);
    }
    self->next_server = 0;
    try_server (self);
}

static void
try_connect (HenbXmppTransport *self)
{
    const HenbServices *svc = henb_cr_transport_get_services (HENB_CR_TRANSPORT (self));

    if (self->servers->len > 0) {
        try_server (self);
        return;
    }
    /* DNS-SRV: looked up once after each change of the settings */
    {
        g_autofree gchar *rrname = g_strdup_printf ("_xmpp-client._tcp.%s", strchr (self->jid, '@') + 1);

        henb_cr_transport_set_state (HENB_CR_TRANSPORT (self), HENB_CR_TRANSPORT_STATE_STARTING, rrname);
        g_resolver_lookup_records_async (G_RESOLVER (svc->resolver), rrname, G_RESOLVER_RECORD_SRV,
                                         self->cancellable, on_srv, self);
    }
}

/* ---------------------------------------------------------------------------------------- */
/* apply() and stop() */

static void
halt (HenbXmppTransport *self)
{
    g_cancellable_cancel (self->cancellable);
    g_clear_object (&self->cancellable);
    self->cancellable = g_cancellable_new ();
    g_clear_handle_id (&self->retry_id, henb_source_remove);
    if (self->client != NULL)
        self->api->disconnect (self->client);
    g_clear_pointer (&self->settings, g_free);
    set_jabber_id (self, NULL);
    set_server (self, NULL);
    self->failures = 0;
}

static void
turn_off (HenbXmppTransport *self, HenbCrTransportState state, const gchar *status, const gchar *detail)
{
    halt (self);
    publish (self, status, TRUE);
    henb_cr_transport_set_state (HENB_CR_TRANSPORT (self), state, detail);
}

static gint
compare_priority (gconstpointer a, gconstpointer b, gpointer user_data)
{
    GHashTable *priorities = user_data;

    return GPOINTER_TO_INT (g_hash_table_lookup (priorities, *(gpointer *) a)) -
           GPOINTER_TO_INT (g_hash_table_lookup (priorities, *(gpointer *) b));
}

/* The enabled Server rows, lowest Priority first (TR-181; Weight is not used). */
static void
read_server_table (HenbXmppTransport *self, GPtrArray *servers, GString *settings)
{
    HenbDataModel *dm = dm_of (self);
    g_autoptr(GArray) instances = henb_data_model_list_instances (dm, XMPP_CONNECTION "Server.");
    g_autoptr(GHashTable) priorities = g_hash_table_new (NULL, NULL);

    for (guint i = 0; instances != NULL && i < instances->len; i++) {
        guint n = g_array_index (instances, guint, i);
        g_autofree gchar *prefix = g_strdup_printf (XMPP_CONNECTION "Server.%u.", n);
        g_autofree gchar *enable = g_strconcat (prefix, "Enable", NULL);
        g_autofree gchar *address = g_strconcat (prefix, "ServerAddress", NULL);
        g_autofree gchar *port = g_strconcat (prefix, "Port", NULL);
        g_autofree gchar *priority = g_strconcat (prefix, "Priority", NULL);
        XmppServer *server;

        if (!henb_data_model_get_boolean (dm, enable))
            continue;
        server = g_new0 (XmppServer, 1);
        server->host = henb_data_model_get (dm, address);
        server->port = henb_data_model_get_uint (dm, port);
        if (server->host == NULL || server->host[0] == '\0' || server->port == 0) {
            xmpp_server_free (server);
            continue;
        }
        g_hash_table_insert (priorities, server, GUINT_TO_POINTER (henb_data_model_get_uint (dm, priority)));
        g_ptr_array_add (servers, server);
        g_string_append_printf (settings, "|%s:%u", server->host, server->port);
    }
    g_ptr_array_sort_with_data (servers, compare_priority, priorities);
}

static void
henb_xmpp_transport_apply (HenbCrTransport *base, GInetAddress *address)
{
    HenbXmppTransport *self = HENB_XMPP_TRANSPORT (base);
    HenbDataModel *dm = dm_of (self);
    g_autofree gchar *reference = henb_data_model_get (dm, HENB_DM_MS "ConnReqXMPPConnection");
    g_autofree gchar *username = NULL, *domain = NULL, *keepalive = NULL;
    g_autoptr(GString) settings = g_string_new (NULL);
    g_autoptr(GPtrArray) servers = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_server_free);
    gint64 keepalive_value;

    g_clear_pointer (&self->allowed, g_strfreev);
    self->allowed = henb_data_model_get_list (dm, HENB_DM_MS "ConnReqAllowedJabberIDs");

    if (reference == NULL || reference[0] == '\0') {
        turn_off (self, HENB_CR_TRANSPORT_STATE_DISABLED, "Disabled", "ConnReqXMPPConnection is empty");
        return;
    }
    if (g_strcmp0 (reference, "Device.XMPP.Connection.1") != 0 && g_strcmp0 (reference, XMPP_CONNECTION) != 0) {
        g_autofree gchar *detail = g_strdup_printf ("ConnReqXMPPConnection names %s; henbd has Device.XMPP.Connection.1",
                                                    reference);

        turn_off (self, HENB_CR_TRANSPORT_STATE_FAILED, "Disabled", detail);
        return;
    }
    if (!henb_data_model_get_boolean (dm, XMPP_CONNECTION "Enable")) {
        turn_off (self, HENB_CR_TRANSPORT_STATE_DISABLED, "Disabled", "Device.XMPP.Connection.1 is disabled");
        return;
    }

    username = henb_data_model_get (dm, XMPP_CONNECTION "Username");
    domain = henb_data_model_get (dm, XMPP_CONNECTION "Domain");
    g_free (self->jid);
    self->jid = g_strdup_printf ("%s@%s", username, domain);
    g_free (self->resource);
    self->resource = henb_data_model_get (dm, XMPP_CONNECTION "Resource");
    if (self->password != NULL)
        explicit_bzero (self->password, strlen (self->password));
    g_free (self->password);
    self->password = henb_data_model_get (dm, XMPP_CONNECTION "Password");
    g_free (self->algorithm);
    self->algorithm = henb_data_model_get (dm, XMPP_CONNECTION "ServerConnectAlgorithm");
    self->use_tls = henb_data_model_get_boolean (dm, XMPP_CONNECTION "UseTLS");
    keepalive = henb_data_model_get (dm, XMPP_CONNECTION "KeepAliveInterval");
    keepalive_value = g_ascii_strtoll (keepalive, NULL, 10);
    self->keepalive = keepalive_value < 0 ? XMPP_VENDOR_KEEPALIVE : (guint) MIN (keepalive_value, 86400);
    self->retry_initial = henb_data_model_get_uint (dm, XMPP_CONNECTION "ServerRetryInitialInterval");
    self->retry_multiplier = henb_data_model_get_uint (dm, XMPP_CONNECTION "ServerRetryIntervalMultiplier");
    self->retry_max = henb_data_model_get_uint (dm, XMPP_CONNECTION "ServerRetryMaxInterval");

    /* what makes a new session: the same values keep the one there is */
    g_string_append_printf (settings, "%s/%s|%s|%d|%u|", self->jid, self->resource, self->algorithm,
                            self->use_tls, self->keepalive);
    g_string_append (settings, self->password);
    if (g_strcmp0 (self->algorithm, "ServerTable") == 0) {
        read_server_table (self, servers, settings);
    } else if (g_strcmp0 (self->algorithm, "DNS") == 0) {
        XmppServer *server = g_new0 (XmppServer, 1);

        server->host = g_strdup (domain);
        server->port = XMPP_DEFAULT_PORT;
        g_ptr_array_add (servers, server);
    }
    if (g_strcmp0 (self->settings, settings->str) == 0)
        return;

    halt (self);
    g_ptr_array_unref (self->servers);
    self->servers = g_steal_pointer (&servers);
    if (username[0] == '\0' || domain[0] == '\0' || strchr (username, '@') != NULL ||
        strchr (username, '/') != NULL || strchr (domain, '@') != NULL || strchr (domain, '/') != NULL) {
        turn_off (self, HENB_CR_TRANSPORT_STATE_FAILED, "Error_Misconfigured",
                  "Device.XMPP.Connection.1 needs a Username and a Domain (without '@' or '/')");
        return;
    }
    if (g_strcmp0 (self->algorithm, "ServerTable") == 0 && self->servers->len == 0) {
        turn_off (self, HENB_CR_TRANSPORT_STATE_FAILED, "Error_Misconfigured",
                  "ServerConnectAlgorithm is ServerTable, but no Server row is enabled with an address and port");
        return;
    }
    self->settings = g_string_free (g_steal_pointer (&settings), FALSE);
    self->next_server = 0;
    try_connect (self);
}

static void
henb_xmpp_transport_stop (HenbCrTransport *base)
{
    HenbXmppTransport *self = HENB_XMPP_TRANSPORT (base);

    halt (self);
    henb_cr_transport_set_state (base, HENB_CR_TRANSPORT_STATE_DISABLED, "stopped");
}

/* ---------------------------------------------------------------------------------------- */

static void
henb_xmpp_transport_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HenbXmppTransport *self = HENB_XMPP_TRANSPORT (object);

    switch (prop_id) {
    case PROP_JABBER_ID:
        g_value_set_string (value, self->jabber_id != NULL ? self->jabber_id : "");
        break;
    case PROP_SERVER:
        g_value_set_string (value, self->jabber_id != NULL && self->server != NULL ? self->server : "");
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
henb_xmpp_transport_dispose (GObject *object)
{
    HenbXmppTransport *self = HENB_XMPP_TRANSPORT (object);

    if (self->client != NULL) {
        g_signal_handlers_disconnect_by_data (self->client, self);
        self->api->disconnect (self->client);
        g_clear_object (&self->client);
    }
    g_clear_object (&self->plugin);
    g_cancellable_cancel (self->cancellable);
    g_clear_object (&self->cancellable);
    g_clear_handle_id (&self->retry_id, henb_source_remove);
    G_OBJECT_CLASS (henb_xmpp_transport_parent_class)->dispose (object);
}

static void
henb_xmpp_transport_finalize (GObject *object)
{
    HenbXmppTransport *self = HENB_XMPP_TRANSPORT (object);

    if (self->password != NULL)
        explicit_bzero (self->password, strlen (self->password));
    if (self->settings != NULL)
        explicit_bzero (self->settings, strlen (self->settings));
    g_free (self->password);
    g_free (self->settings);
    g_strfreev (self->allowed);
    g_free (self->jid);
    g_free (self->resource);
    g_free (self->algorithm);
    g_ptr_array_unref (self->servers);
    g_free (self->server);
    g_free (self->jabber_id);
    G_OBJECT_CLASS (henb_xmpp_transport_parent_class)->finalize (object);
}

static void
henb_xmpp_transport_class_init (HenbXmppTransportClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS (klass);
    HenbCrTransportClass *transport_class = HENB_CR_TRANSPORT_CLASS (klass);

    object_class->get_property = henb_xmpp_transport_get_property;
    object_class->dispose = henb_xmpp_transport_dispose;
    object_class->finalize = henb_xmpp_transport_finalize;
    transport_class->apply = henb_xmpp_transport_apply;
    transport_class->stop = henb_xmpp_transport_stop;

    props[PROP_JABBER_ID] = g_param_spec_string ("jabber-id", NULL, NULL, "",
                                                 G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_SERVER] = g_param_spec_string ("server", NULL, NULL, "",
                                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
henb_xmpp_transport_init (HenbXmppTransport *self)
{
    self->cancellable = g_cancellable_new ();
    self->servers = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_server_free);
}

/* ---------------------------------------------------------------------------------------- */
/* The plugin */

#define HENB_TYPE_PLUGIN_CR_XMPP (henb_plugin_cr_xmpp_get_type ())
G_DECLARE_FINAL_TYPE (HenbPluginCrXmpp, henb_plugin_cr_xmpp, HENB, PLUGIN_CR_XMPP, HenbPlugin)

struct _HenbPluginCrXmpp {
    HenbPlugin parent_instance;
};

static void henb_plugin_cr_xmpp_factory_init (HenbCrTransportFactoryInterface *iface);

G_DEFINE_TYPE_WITH_CODE (HenbPluginCrXmpp, henb_plugin_cr_xmpp, HENB_TYPE_PLUGIN,
                         G_IMPLEMENT_INTERFACE (HENB_TYPE_CR_TRANSPORT_FACTORY, henb_plugin_cr_xmpp_factory_init))

static HenbCrTransport *
factory_create (HenbCrTransportFactory *factory, const HenbServices *services, GError **error)
{
    HenbXmppTransport *self = g_object_new (HENB_TYPE_XMPP_TRANSPORT, "name", "xmpp", "services", services, NULL);

    self->plugin = g_object_ref (HENB_PLUGIN (factory));
    return HENB_CR_TRANSPORT (self);
}

static void
henb_plugin_cr_xmpp_factory_init (HenbCrTransportFactoryInterface *iface)
{
    iface->create = factory_create;
}

static void
henb_plugin_cr_xmpp_class_init (HenbPluginCrXmppClass *klass)
{
}

static void
henb_plugin_cr_xmpp_init (HenbPluginCrXmpp *self)
{
}

HENB_PLUGIN_DEFINE (HENB_TYPE_PLUGIN_CR_XMPP, "cr-xmpp")
