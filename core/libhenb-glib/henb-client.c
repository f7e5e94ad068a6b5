/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "henb-client.h"
#include "henb-enum-types.h"
#include "henb-errors.h"
#include "henb-gdbus.h"
#include "henb-names.h"
#include "henb-step-info-private.h"

/**
 * HenbClient:
 *
 * A client of henbd's org.henbd.HeNB1 object: the bootstrap's state and progress, the
 * values the HeMS configured, the cell (org.henbd.HeNB1.Radio: the cell configuration and the
 * radio stack's status), and the Start, Rediscover, Cancel and ReportStatus methods. Property
 * notifications and signals are delivered in the thread-default main context of the
 * thread that created the client.
 *
 * Since: 0.1
 */
struct _HenbClient {
    GObject             parent_instance;
    GDBusConnection    *connection;
    HenbGdbusManager   *manager;
    HenbGdbusProcedure *procedure;
    HenbGdbusServing   *serving;
    HenbGdbusTunnel    *tunnel;
    HenbGdbusManagement *management;
    HenbGdbusRadio     *radio;
    HenbGdbusConnectionRequest *cr;
};

static void henb_client_async_initable_init (GAsyncInitableIface *iface);
static void henb_client_initable_init (GInitableIface *iface);

G_DEFINE_TYPE_WITH_CODE (HenbClient, henb_client, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, henb_client_initable_init)
                         G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_INITABLE, henb_client_async_initable_init))

enum {
    PROP_0,
    PROP_CONNECTION,
    PROP_RUNNING,
    PROP_VERSION,
    PROP_STATE,
    PROP_STATE_FAILED_REASON,
    PROP_DISCOVERY_VARIANT,
    PROP_LAST_ERROR,
    PROP_STATE_FILE_WRITE_ERROR,
    PROP_CURRENT_STEP_ID,
    PROP_CURRENT_STEP_NAME,
    PROP_COMPLETED_STEPS,
    PROP_STEP_COUNT,
    PROP_PERCENTAGE,
    PROP_SERVING_HEMS_URL,
    PROP_SECURITY_GATEWAYS,
    PROP_S1_ADDRESSES,
    PROP_S1_PORT,
    PROP_S1_CONNECTION_MODE,
    PROP_S1_IPSEC,
    PROP_S1_LINK,
    PROP_S1_LINK_DETAIL,
    PROP_S1_FAR_END,
    PROP_MME_NAME,
    PROP_SERVED_GUMMEIS,
    PROP_MME_RELATIVE_CAPACITY,
    PROP_TUNNEL_ACTIVE,
    PROP_TUNNEL_SECURITY_GATEWAY,
    PROP_TUNNEL_INNER_ADDRESS,
    PROP_TUNNEL_DNS_SERVERS,
    PROP_TUNNEL_PURPOSE,
    PROP_TUNNEL_BACKEND,
    PROP_TUNNEL_GATEWAY_ADDRESS,
    PROP_TUNNEL_UP_SINCE,
    PROP_RETRY_COUNT,
    PROP_NEXT_ATTEMPT,
    PROP_SESSION_COUNT,
    PROP_LAST_SESSION_RESULT,
    PROP_LAST_SESSION_TIME,
    PROP_PENDING_EVENTS,
    PROP_CONNECTION_REQUEST_URL,
    PROP_TOLERATED_INPUTS,
    PROP_CELL_CONFIGURATION,
    PROP_CELL_CONFIGURATION_KEY,
    PROP_CELL_ADMIN_STATE,
    PROP_CELL_STATUS,
    PROP_RADIO_BACKEND,
    PROP_CR_TRANSPORTS,
    PROP_NAT_DETECTED,
    PROP_UDP_CONNECTION_REQUEST_ADDRESS,
    PROP_XMPP_STATE,
    PROP_STUN_SERVER,
    PROP_XMPP_JABBER_ID,
    PROP_XMPP_SERVER,
    PROP_LAST_REQUEST,
    N_PROPS
};
static GParamSpec *props[N_PROPS];

enum {
    SIGNAL_STATE_CHANGED,
    SIGNAL_S1_SETUP_REQUESTED,
    SIGNAL_CELL_CONFIGURATION_CHANGED,
    N_SIGNALS
};
static guint signals[N_SIGNALS];

/* D-Bus property (as the generated proxy names it) -> client properties to notify; one table
 * per interface, as the same name means other things on two of them ("backend", "status") */
typedef struct {
    const gchar *proxy_property;
    guint        props[2];
} NotifyEntry;

static const NotifyEntry manager_notify_map[] = {
    { "g-name-owner", { PROP_RUNNING, PROP_STATE } },
    { "version", { PROP_VERSION } },
    { "state", { PROP_STATE } },
    { "state-failed-reason", { PROP_STATE_FAILED_REASON } },
    { "discovery-variant", { PROP_DISCOVERY_VARIANT } },
    { "last-error", { PROP_LAST_ERROR } },
    { "state-file-write-error", { PROP_STATE_FILE_WRITE_ERROR } },
    { NULL },
};

static const NotifyEntry procedure_notify_map[] = {
    { "current-step", { PROP_CURRENT_STEP_ID, PROP_CURRENT_STEP_NAME } },
    { "completed-steps", { PROP_COMPLETED_STEPS } },
    { "step-count", { PROP_STEP_COUNT } },
    { "percentage", { PROP_PERCENTAGE } },
    { NULL },
};

static const NotifyEntry serving_notify_map[] = {
    { "hems-url", { PROP_SERVING_HEMS_URL } },
    { "security-gateways", { PROP_SECURITY_GATEWAYS } },
    { "s1-addresses", { PROP_S1_ADDRESSES } },
    { "s1-port", { PROP_S1_PORT } },
    { "s1-connection-mode", { PROP_S1_CONNECTION_MODE } },
    { "s1-ipsec", { PROP_S1_IPSEC } },
    { "s1-link", { PROP_S1_LINK } },
    { "s1-link-detail", { PROP_S1_LINK_DETAIL } },
    { "s1-far-end", { PROP_S1_FAR_END } },
    { "mme-name", { PROP_MME_NAME } },
    { "served-gummeis", { PROP_SERVED_GUMMEIS } },
    { "mme-relative-capacity", { PROP_MME_RELATIVE_CAPACITY } },
    { NULL },
};

static const NotifyEntry cr_notify_map[] = {
    { "transports", { PROP_CR_TRANSPORTS } },
    { "nat-detected", { PROP_NAT_DETECTED } },
    { "udp-connection-request-address", { PROP_UDP_CONNECTION_REQUEST_ADDRESS } },
    { "stun-server", { PROP_STUN_SERVER } },
    { "xmpp-state", { PROP_XMPP_STATE } },
    { "xmpp-jabber-id", { PROP_XMPP_JABBER_ID } },
    { "xmpp-server", { PROP_XMPP_SERVER } },
    { "last-request", { PROP_LAST_REQUEST } },
    { NULL },
};

static const NotifyEntry tunnel_notify_map[] = {
    { "active", { PROP_TUNNEL_ACTIVE } },
    { "purpose", { PROP_TUNNEL_PURPOSE } },
    { "backend", { PROP_TUNNEL_BACKEND } },
    { "security-gateway", { PROP_TUNNEL_SECURITY_GATEWAY } },
    { "gateway-address", { PROP_TUNNEL_GATEWAY_ADDRESS } },
    { "inner-address", { PROP_TUNNEL_INNER_ADDRESS } },
    { "dns-servers", { PROP_TUNNEL_DNS_SERVERS } },
    { "up-since", { PROP_TUNNEL_UP_SINCE } },
    { NULL },
};

static const NotifyEntry management_notify_map[] = {
    { "retry-count", { PROP_RETRY_COUNT } },
    { "next-attempt", { PROP_NEXT_ATTEMPT } },
    { "session-count", { PROP_SESSION_COUNT } },
    { "last-session-result", { PROP_LAST_SESSION_RESULT } },
    { "last-session-time", { PROP_LAST_SESSION_TIME } },
    { "pending-events", { PROP_PENDING_EVENTS } },
    { "connection-request-url", { PROP_CONNECTION_REQUEST_URL } },
    { "tolerated-inputs", { PROP_TOLERATED_INPUTS } },
    { NULL },
};

static const NotifyEntry radio_notify_map[] = {
    { "configuration", { PROP_CELL_CONFIGURATION } },
    { "configuration-key", { PROP_CELL_CONFIGURATION_KEY } },
    { "admin-state", { PROP_CELL_ADMIN_STATE } },
    { "status", { PROP_CELL_STATUS } },
    { "backend", { PROP_RADIO_BACKEND } },
    { NULL },
};

/* every proxy's "notify" comes here; the map is the handler's closure data */
typedef struct {
    HenbClient        *client;
    const NotifyEntry *map;
} NotifyClosure;

static void
on_proxy_notify (GObject *proxy, GParamSpec *pspec, NotifyClosure *closure)
{
    for (const NotifyEntry *e = closure->map; e->proxy_property != NULL; e++) {
        if (!g_str_equal (e->proxy_property, pspec->name))
            continue;
        for (guint j = 0; j < G_N_ELEMENTS (e->props) && e->props[j] != 0; j++)
            g_object_notify_by_pspec (G_OBJECT (closure->client), props[e->props[j]]);
    }
}

static void
free_notify_closure (gpointer data, GClosure *unused)
{
    g_free (data);
}

static void
connect_notify (HenbClient *self, gpointer proxy, const NotifyEntry *map)
{
    NotifyClosure *closure = g_new (NotifyClosure, 1);

    closure->client = self;
    closure->map = map;
    g_signal_connect_data (proxy, "notify", G_CALLBACK (on_proxy_notify), closure, free_notify_closure, 0);
}

/* an a{ss} as a string -> string table; an empty one for NULL or another type */
static GHashTable *
table_from_variant (GVariant *v)
{
    GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    GVariantIter iter;
    const gchar *name, *value;

    if (v == NULL || !g_variant_is_of_type (v, G_VARIANT_TYPE ("a{ss}")))
        return table;
    g_variant_iter_init (&iter, v);
    while (g_variant_iter_next (&iter, "{&s&s}", &name, &value))
        g_hash_table_insert (table, g_strdup (name), g_strdup (value));
    return table;
}

static void
on_configuration_changed (HenbGdbusRadio *radio, const gchar *parameter_key, GVariant *configuration,
                          HenbClient *self)
{
    g_autoptr(GHashTable) table = table_from_variant (configuration);

    g_signal_emit (self, signals[SIGNAL_CELL_CONFIGURATION_CHANGED], 0, parameter_key, table);
}

static void
on_state_changed (HenbGdbusManager *manager, gint old, gint new_state, guint reason, HenbClient *self)
{
    g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0, old, new_state, reason);
}

static void
on_s1_setup_requested (HenbGdbusServing *serving, const gchar *const *addresses, guint port,
                       const gchar *mode, gboolean ipsec, HenbClient *self)
{
    g_signal_emit (self, signals[SIGNAL_S1_SETUP_REQUESTED], 0, addresses, port, mode, ipsec);
}

static void
connect_proxies (HenbClient *self)
{
    /* name owner changes come through the manager proxy alone */
    connect_notify (self, self->manager, manager_notify_map);
    connect_notify (self, self->procedure, procedure_notify_map);
    connect_notify (self, self->serving, serving_notify_map);
    connect_notify (self, self->tunnel, tunnel_notify_map);
    connect_notify (self, self->management, management_notify_map);
    connect_notify (self, self->radio, radio_notify_map);
    g_signal_connect (self->manager, "state-changed", G_CALLBACK (on_state_changed), self);
    g_signal_connect (self->serving, "s1-setup-requested", G_CALLBACK (on_s1_setup_requested), self);
    g_signal_connect (self->radio, "configuration-changed", G_CALLBACK (on_configuration_changed), self);
    connect_notify (self, self->cr, cr_notify_map);
}

/* ------------------------------------------------------------------------------------------ */
/* Construction */

static gboolean
henb_client_initable_init_sync (GInitable *initable, GCancellable *cancellable, GError **error)
{
    HenbClient *self = HENB_CLIENT (initable);

    henb_errors_register ();
    self->manager = henb_gdbus_manager_proxy_new_sync (self->connection, G_DBUS_PROXY_FLAGS_NONE,
                                                       HENB_DBUS_SERVICE, HENB_DBUS_PATH, cancellable, error);
    if (self->manager == NULL)
        return FALSE;
    self->procedure = henb_gdbus_procedure_proxy_new_sync (self->connection, G_DBUS_PROXY_FLAGS_NONE,
                                                           HENB_DBUS_SERVICE, HENB_DBUS_PATH, cancellable, error);
    if (self->procedure == NULL)
        return FALSE;
    self->serving = henb_gdbus_serving_proxy_new_sync (self->connection, G_DBUS_PROXY_FLAGS_NONE,
                                                       HENB_DBUS_SERVICE, HENB_DBUS_PATH, cancellable, error);
    if (self->serving == NULL)
        return FALSE;
    self->tunnel = henb_gdbus_tunnel_proxy_new_sync (self->connection, G_DBUS_PROXY_FLAGS_NONE,
                                                     HENB_DBUS_SERVICE, HENB_DBUS_PATH, cancellable, error);
    if (self->tunnel == NULL)
        return FALSE;
    self->management = henb_gdbus_management_proxy_new_sync (self->connection, G_DBUS_PROXY_FLAGS_NONE,
                                                             HENB_DBUS_SERVICE, HENB_DBUS_PATH, cancellable, error);
    if (self->management == NULL)
        return FALSE;
    self->radio = henb_gdbus_radio_proxy_new_sync (self->connection, G_DBUS_PROXY_FLAGS_NONE,
                                                   HENB_DBUS_SERVICE, HENB_DBUS_PATH, cancellable, error);
    if (self->radio == NULL)
        return FALSE;
    self->cr = henb_gdbus_connection_request_proxy_new_sync (self->connection, G_DBUS_PROXY_FLAGS_NONE,
                                                             HENB_DBUS_SERVICE, HENB_DBUS_PATH, cancellable,
                                                             error);
    if (self->cr == NULL)
        return FALSE;
    connect_proxies (self);
    return TRUE;
}

static void
henb_client_initable_init (GInitableIface *iface)
{
    iface->init = henb_client_initable_init_sync;
}

static void serving_ready (GObject *source, GAsyncResult *res, gpointer user_data);

static void
connection_request_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbClient *self = g_task_get_source_object (task);
    GError *error = NULL;

    self->cr = henb_gdbus_connection_request_proxy_new_finish (res, &error);
    if (self->cr == NULL) {
        g_task_return_error (task, error);
        g_object_unref (task);
        return;
    }
    connect_proxies (self);
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
}

static void
radio_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbClient *self = g_task_get_source_object (task);
    GError *error = NULL;

    self->radio = henb_gdbus_radio_proxy_new_finish (res, &error);
    if (self->radio == NULL) {
        g_task_return_error (task, error);
        g_object_unref (task);
        return;
    }
    henb_gdbus_connection_request_proxy_new (self->connection, G_DBUS_PROXY_FLAGS_NONE, HENB_DBUS_SERVICE,
                                             HENB_DBUS_PATH, g_task_get_cancellable (task),
                                             connection_request_ready, task);
}

static void
management_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbClient *self = g_task_get_source_object (task);
    GError *error = NULL;

    self->management = henb_gdbus_management_proxy_new_finish (res, &error);
    if (self->management == NULL) {
        g_task_return_error (task, error);
        g_object_unref (task);
        return;
    }
    henb_gdbus_radio_proxy_new (self->connection, G_DBUS_PROXY_FLAGS_NONE, HENB_DBUS_SERVICE,
                                HENB_DBUS_PATH, g_task_get_cancellable (task), radio_ready, task);
}

static void
tunnel_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbClient *self = g_task_get_source_object (task);
    GError *error = NULL;

    self->tunnel = henb_gdbus_tunnel_proxy_new_finish (res, &error);
    if (self->tunnel == NULL) {
        g_task_return_error (task, error);
        g_object_unref (task);
        return;
    }
    henb_gdbus_management_proxy_new (self->connection, G_DBUS_PROXY_FLAGS_NONE, HENB_DBUS_SERVICE,
                                     HENB_DBUS_PATH, g_task_get_cancellable (task), management_ready, task);
}

static void
procedure_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbClient *self = g_task_get_source_object (task);
    GError *error = NULL;

    self->procedure = henb_gdbus_procedure_proxy_new_finish (res, &error);
    if (self->procedure == NULL) {
        g_task_return_error (task, error);
        g_object_unref (task);
        return;
    }
    henb_gdbus_serving_proxy_new (self->connection, G_DBUS_PROXY_FLAGS_NONE, HENB_DBUS_SERVICE,
                                  HENB_DBUS_PATH, g_task_get_cancellable (task), serving_ready, task);
}

static void
manager_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbClient *self = g_task_get_source_object (task);
    GError *error = NULL;

    self->manager = henb_gdbus_manager_proxy_new_finish (res, &error);
    if (self->manager == NULL) {
        g_task_return_error (task, error);
        g_object_unref (task);
        return;
    }
    henb_gdbus_procedure_proxy_new (self->connection, G_DBUS_PROXY_FLAGS_NONE, HENB_DBUS_SERVICE,
                                    HENB_DBUS_PATH, g_task_get_cancellable (task), procedure_ready, task);
}

static void
serving_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbClient *self = g_task_get_source_object (task);
    GError *error = NULL;

    self->serving = henb_gdbus_serving_proxy_new_finish (res, &error);
    if (self->serving == NULL) {
        g_task_return_error (task, error);
        g_object_unref (task);
        return;
    }
    henb_gdbus_tunnel_proxy_new (self->connection, G_DBUS_PROXY_FLAGS_NONE, HENB_DBUS_SERVICE,
                                 HENB_DBUS_PATH, g_task_get_cancellable (task), tunnel_ready, task);
}

static void
henb_client_init_async (GAsyncInitable *initable, int io_priority, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
    HenbClient *self = HENB_CLIENT (initable);
    GTask *task = g_task_new (self, cancellable, callback, user_data);

    henb_errors_register ();
    henb_gdbus_manager_proxy_new (self->connection, G_DBUS_PROXY_FLAGS_NONE, HENB_DBUS_SERVICE,
                                  HENB_DBUS_PATH, cancellable, manager_ready, task);
}

static gboolean
henb_client_init_finish (GAsyncInitable *initable, GAsyncResult *res, GError **error)
{
    return g_task_propagate_boolean (G_TASK (res), error);
}

static void
henb_client_async_initable_init (GAsyncInitableIface *iface)
{
    iface->init_async = henb_client_init_async;
    iface->init_finish = henb_client_init_finish;
}

/**
 * henb_client_new:
 * @connection: the bus henbd is on (normally the system bus)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the client is ready
 * @user_data: data for @callback
 *
 * Creates a client for henbd's org.henbd.HeNB1 object. henbd need not be running yet;
 * henb_client_is_running() tells.
 *
 * Since: 0.1
 */
void
henb_client_new (GDBusConnection *connection, GCancellable *cancellable, GAsyncReadyCallback callback,
                 gpointer user_data)
{
    g_async_initable_new_async (HENB_TYPE_CLIENT, G_PRIORITY_DEFAULT, cancellable, callback, user_data,
                                "connection", connection, NULL);
}

/**
 * henb_client_new_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes henb_client_new().
 *
 * Returns: (transfer full): the client, or %NULL on error
 *
 * Since: 0.1
 */
HenbClient *
henb_client_new_finish (GAsyncResult *result, GError **error)
{
    g_autoptr(GObject) source = g_async_result_get_source_object (result);
    GObject *object = g_async_initable_new_finish (G_ASYNC_INITABLE (source), result, error);

    return object != NULL ? HENB_CLIENT (object) : NULL;
}

/**
 * henb_client_new_sync:
 * @connection: the bus henbd is on
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Creates a client for henbd's org.henbd.HeNB1 object, blocking until it is ready; see
 * henb_client_new().
 *
 * Returns: (transfer full): the client, or %NULL on error
 *
 * Since: 0.1
 */
HenbClient *
henb_client_new_sync (GDBusConnection *connection, GCancellable *cancellable, GError **error)
{
    return g_initable_new (HENB_TYPE_CLIENT, cancellable, error, "connection", connection, NULL);
}

/* ------------------------------------------------------------------------------------------ */
/* Getters */

/**
 * henb_client_get_connection:
 * @self: a #HenbClient
 *
 * Gets the bus connection the client uses.
 *
 * Returns: (transfer none): the bus connection
 *
 * Since: 0.1
 */
GDBusConnection *
henb_client_get_connection (HenbClient *self)
{
    return self->connection;
}

/**
 * henb_client_is_running:
 * @self: a #HenbClient
 *
 * Gets whether henbd owns its bus name. See #HenbClient:running.
 *
 * Returns: whether henbd owns its bus name
 *
 * Since: 0.1
 */
gboolean
henb_client_is_running (HenbClient *self)
{
    g_autofree gchar *owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (self->manager));

    return owner != NULL;
}

/**
 * henb_client_get_version:
 * @self: a #HenbClient
 *
 * Gets henbd's version. See #HenbClient:version.
 *
 * Returns: (nullable): henbd's version
 *
 * Since: 0.1
 */
const gchar *
henb_client_get_version (HenbClient *self)
{
    return henb_gdbus_manager_get_version (self->manager);
}

/**
 * henb_client_get_state:
 * @self: a #HenbClient
 *
 * Gets the state of the bootstrap. See #HenbClient:state.
 *
 * Returns: the state of the bootstrap
 *
 * Since: 0.1
 */
HenbState
henb_client_get_state (HenbClient *self)
{
    if (!henb_client_is_running (self))
        return HENB_STATE_UNKNOWN;
    return (HenbState) henb_gdbus_manager_get_state (self->manager);
}

/**
 * henb_client_get_state_failed_reason:
 * @self: a #HenbClient
 *
 * Gets why the bootstrap failed, when the state is %HENB_STATE_FAILED. See
 * #HenbClient:state-failed-reason.
 *
 * Returns: why the bootstrap failed, when the state is %HENB_STATE_FAILED
 *
 * Since: 0.1
 */
HenbStateFailedReason
henb_client_get_state_failed_reason (HenbClient *self)
{
    return (HenbStateFailedReason) henb_gdbus_manager_get_state_failed_reason (self->manager);
}

/**
 * henb_client_get_discovery_variant:
 * @self: a #HenbClient
 *
 * Gets the factory-configured discovery variant. See #HenbClient:discovery-variant.
 *
 * Returns: the factory-configured discovery variant
 *
 * Since: 0.1
 */
HenbDiscoveryVariant
henb_client_get_discovery_variant (HenbClient *self)
{
    HenbDiscoveryVariant variant = HENB_DISCOVERY_VARIANT_PUBLIC_INTERNET;

    henb_discovery_variant_from_string (henb_gdbus_manager_get_discovery_variant (self->manager), &variant);
    return variant;
}

/* An error property (ss): its name and message, "" when there is none. */
static gboolean
unpack_error (GVariant *v, const gchar **out_name, const gchar **out_message)
{
    const gchar *name = "", *message = "";

    if (v != NULL)
        g_variant_get (v, "(&s&s)", &name, &message);
    if (out_name != NULL)
        *out_name = name;
    if (out_message != NULL)
        *out_message = message;
    return name[0] != '\0';
}

/**
 * henb_client_get_last_error_name:
 * @self: a #HenbClient
 * @out_name: (out) (optional) (transfer none): the D-Bus error name
 * @out_message: (out) (optional) (transfer none): the message
 *
 * Gets the last error as henbd reports it on the bus (org.henbd.HeNB1.LastError): its D-Bus
 * error name and message.
 *
 * Returns: whether henbd reports a last error
 *
 * Since: 0.1
 */
gboolean
henb_client_get_last_error_name (HenbClient *self, const gchar **out_name, const gchar **out_message)
{
    return unpack_error (henb_gdbus_manager_get_last_error (self->manager), out_name, out_message);
}

/**
 * henb_client_dup_last_error:
 * @self: a #HenbClient
 *
 * Gets the last error as a #GError in its henbd domain. See #HenbClient:last-error.
 *
 * Returns: (transfer full) (nullable): the last error as a #GError in its henbd domain
 *
 * Since: 0.1
 */
GError *
henb_client_dup_last_error (HenbClient *self)
{
    const gchar *name, *message;

    if (!henb_client_get_last_error_name (self, &name, &message))
        return NULL;
    return g_dbus_error_new_for_dbus_error (name, message);
}

/**
 * henb_client_get_state_file_write_error_name:
 * @self: a #HenbClient
 * @out_name: (out) (optional) (transfer none): the D-Bus error name
 * @out_message: (out) (optional) (transfer none): the message
 *
 * Whether henbd's last attempt to write its state file failed (a full or read-only file
 * system, ...). henbd then runs from memory and retries; SetParameterValues from the HeMS is
 * refused until a write succeeds.
 *
 * Returns: %TRUE while the state is not saved
 *
 * Since: 0.1
 */
gboolean
henb_client_get_state_file_write_error_name (HenbClient   *self,
                                             const gchar **out_name,
                                             const gchar **out_message)
{
    return unpack_error (henb_gdbus_manager_get_state_file_write_error (self->manager), out_name, out_message);
}

/**
 * henb_client_dup_state_file_write_error:
 * @self: a #HenbClient
 *
 * Gets why the last write of the state file failed, as a #GError in its henbd domain (usually
 * %HENB_CORE_ERROR_STATE_NOT_SAVED); %NULL when it succeeded. See
 * #HenbClient:state-file-write-error.
 *
 * Returns: (transfer full) (nullable): why the last write of the state file failed, as a
 *   #GError in its henbd domain (usually %HENB_CORE_ERROR_STATE_NOT_SAVED); %NULL when it
 *   succeeded
 *
 * Since: 0.1
 */
GError *
henb_client_dup_state_file_write_error (HenbClient *self)
{
    const gchar *name, *message;

    if (!henb_client_get_state_file_write_error_name (self, &name, &message))
        return NULL;
    return g_dbus_error_new_for_dbus_error (name, message);
}

static const gchar *
current_step_field (HenbClient *self, guint field)
{
    GVariant *v = henb_gdbus_procedure_get_current_step (self->procedure);
    const gchar *id = "", *name = "";

    if (v != NULL)
        g_variant_get (v, "(&s&s)", &id, &name);
    return field == 0 ? id : name;
}

/**
 * henb_client_get_current_step_id:
 * @self: a #HenbClient
 *
 * Gets the running step's id, "" when none runs. See #HenbClient:current-step-id.
 *
 * Returns: the running step's id, "" when none runs
 *
 * Since: 0.1
 */
const gchar *
henb_client_get_current_step_id (HenbClient *self)
{
    return current_step_field (self, 0);
}

/**
 * henb_client_get_current_step_name:
 * @self: a #HenbClient
 *
 * Gets the running step's name, "" when none runs. See #HenbClient:current-step-name.
 *
 * Returns: the running step's name, "" when none runs
 *
 * Since: 0.1
 */
const gchar *
henb_client_get_current_step_name (HenbClient *self)
{
    return current_step_field (self, 1);
}

/**
 * henb_client_dup_completed_steps:
 * @self: a #HenbClient
 *
 * Gets the steps of the current or last run. See #HenbClient:completed-steps.
 *
 * Returns: (transfer container) (element-type HenbStepInfo): the steps of the current or last run
 *
 * Since: 0.1
 */
GPtrArray *
henb_client_dup_completed_steps (HenbClient *self)
{
    GPtrArray *steps = g_ptr_array_new_with_free_func ((GDestroyNotify) henb_step_info_free);
    GVariant *v = henb_gdbus_procedure_get_completed_steps (self->procedure);
    GVariantIter iter;
    const gchar *id, *name, *result, *detail;
    gint64 start;
    guint64 duration;

    if (v == NULL)
        return steps;
    g_variant_iter_init (&iter, v);
    while (g_variant_iter_next (&iter, "(&s&s&sxt&s)", &id, &name, &result, &start, &duration,
                                &detail)) {
        HenbStepResult r = g_str_equal (result, "ok") ? HENB_STEP_RESULT_OK
                           : g_str_equal (result, "skipped") ? HENB_STEP_RESULT_SKIPPED
                                                             : HENB_STEP_RESULT_FAILED;
        g_ptr_array_add (steps, henb_step_info_new (id, name, r, start, duration, detail));
    }
    return steps;
}

/**
 * henb_client_get_step_count:
 * @self: a #HenbClient
 *
 * Gets the number of steps planned for the current or last run. See #HenbClient:step-count.
 *
 * Returns: the number of steps planned for the current or last run
 *
 * Since: 0.1
 */
guint
henb_client_get_step_count (HenbClient *self)
{
    return henb_gdbus_procedure_get_step_count (self->procedure);
}

/**
 * henb_client_get_percentage:
 * @self: a #HenbClient
 *
 * Gets progress of the current run, 0 to 100. See #HenbClient:percentage.
 *
 * Returns: progress of the current run, 0 to 100
 *
 * Since: 0.1
 */
guint
henb_client_get_percentage (HenbClient *self)
{
    return henb_gdbus_procedure_get_percentage (self->procedure);
}

/**
 * henb_client_get_serving_hems_url:
 * @self: a #HenbClient
 *
 * Gets the Serving HeMS URL, "" while unknown. See #HenbClient:serving-hems-url.
 *
 * Returns: the Serving HeMS URL, "" while unknown
 *
 * Since: 0.1
 */
const gchar *
henb_client_get_serving_hems_url (HenbClient *self)
{
    const gchar *url = henb_gdbus_serving_get_hems_url (self->serving);

    return url != NULL ? url : "";
}

/**
 * henb_client_get_security_gateways:
 * @self: a #HenbClient
 *
 * Gets the Serving SeGWs in order. See #HenbClient:security-gateways.
 *
 * Returns: (transfer none) (array zero-terminated=1): the Serving SeGWs in order
 *
 * Since: 0.1
 */
const gchar *const *
henb_client_get_security_gateways (HenbClient *self)
{
    static const gchar *const empty[] = { NULL };
    const gchar *const *v = henb_gdbus_serving_get_security_gateways (self->serving);

    return v != NULL ? v : empty;
}

/**
 * henb_client_get_s1_addresses:
 * @self: a #HenbClient
 *
 * Gets the S1 far-end addresses. See #HenbClient:s1-addresses.
 *
 * Returns: (transfer none) (array zero-terminated=1): the S1 far-end addresses
 *
 * Since: 0.1
 */
const gchar *const *
henb_client_get_s1_addresses (HenbClient *self)
{
    static const gchar *const empty[] = { NULL };
    const gchar *const *v = henb_gdbus_serving_get_s1_addresses (self->serving);

    return v != NULL ? v : empty;
}

/**
 * henb_client_get_s1_port:
 * @self: a #HenbClient
 *
 * Gets the S1 SCTP port. See #HenbClient:s1-port.
 *
 * Returns: the S1 SCTP port
 *
 * Since: 0.1
 */
guint
henb_client_get_s1_port (HenbClient *self)
{
    return henb_gdbus_serving_get_s1_port (self->serving);
}

/**
 * henb_client_get_s1_connection_mode:
 * @self: a #HenbClient
 *
 * Gets whether S1 is set up toward one far end ("One") or toward all of them ("All").
 *
 * Returns: "One" or "All"
 *
 * Since: 0.1
 */
const gchar *
henb_client_get_s1_connection_mode (HenbClient *self)
{
    const gchar *mode = henb_gdbus_serving_get_s1_connection_mode (self->serving);

    return mode != NULL ? mode : "";
}

/**
 * henb_client_get_s1_ipsec:
 * @self: a #HenbClient
 *
 * Gets whether S1 runs through the IPsec tunnel. See #HenbClient:s1-ipsec.
 *
 * Returns: whether S1 runs through the IPsec tunnel
 *
 * Since: 0.1
 */
gboolean
henb_client_get_s1_ipsec (HenbClient *self)
{
    return henb_gdbus_serving_get_s1_ipsec (self->serving);
}

static const gchar *
nonnull (const gchar *s)
{
    return s != NULL ? s : "";
}

/**
 * henb_client_get_s1_link:
 * @self: a #HenbClient
 *
 * Gets the S1 link of a backend that runs S1 Setup itself: "setting-up", "up", "lost", or ""
 * (the hand-off backend, or no S1 Setup yet). See #HenbClient:s1-link.
 *
 * Returns: the S1 link of a backend that runs S1 Setup itself: "setting-up", "up", "lost", or
 *   "" (the hand-off backend, or no S1 Setup yet)
 *
 * Since: 0.2
 */
const gchar *
henb_client_get_s1_link (HenbClient *self)
{
    return nonnull (henb_gdbus_serving_get_s1_link (self->serving));
}

/**
 * henb_client_get_s1_link_detail:
 * @self: a #HenbClient
 *
 * Gets why the last S1 Setup failed or the link was lost; "" when nothing failed. See
 * #HenbClient:s1-link-detail.
 *
 * Returns: why the last S1 Setup failed or the link was lost; "" when nothing failed
 *
 * Since: 0.2
 */
const gchar *
henb_client_get_s1_link_detail (HenbClient *self)
{
    return nonnull (henb_gdbus_serving_get_s1_link_detail (self->serving));
}

/**
 * henb_client_dup_cr_transports:
 * @self: a #HenbClient
 *
 * The Connection Request transports henbd has (org.henbd.HeNB1.ConnectionRequest.Transports).
 *
 * Returns: (transfer full): the Connection Request transports, "a(sbss)": name ("http",
 *   "udp", "xmpp"), whether requests reach henbd that way now, state ("disabled",
 *   "starting", "active", "failed") and a line for people; empty when henbd has none
 *
 * Since: 0.3
 */
GVariant *
henb_client_dup_cr_transports (HenbClient *self)
{
    GVariant *v = henb_gdbus_connection_request_dup_transports (self->cr);

    return v != NULL ? v : g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("(sbss)"), NULL, 0));
}

/**
 * henb_client_get_nat_detected:
 * @self: a #HenbClient
 *
 * Whether STUN found henbd behind a NAT.
 *
 * Returns: whether STUN found henbd behind a NAT (ManagementServer.NATDetected)
 *
 * Since: 0.3
 */
gboolean
henb_client_get_nat_detected (HenbClient *self)
{
    return henb_gdbus_connection_request_get_nat_detected (self->cr);
}

/**
 * henb_client_get_udp_connection_request_address:
 * @self: a #HenbClient
 *
 * Where UDP Connection Requests reach henbd as the HeMS sees it.
 *
 * Returns: "host:port" where UDP Connection Requests reach henbd as the HeMS sees it; ""
 *
 * Since: 0.3
 */
const gchar *
henb_client_get_udp_connection_request_address (HenbClient *self)
{
    return nonnull (henb_gdbus_connection_request_get_udp_connection_request_address (self->cr));
}

/**
 * henb_client_get_stun_server:
 * @self: a #HenbClient
 *
 * The STUN server in use.
 *
 * Returns: the STUN server in use, "host:port"; "" when STUN is off
 *
 * Since: 0.3
 */
const gchar *
henb_client_get_stun_server (HenbClient *self)
{
    return nonnull (henb_gdbus_connection_request_get_stun_server (self->cr));
}

/**
 * henb_client_get_xmpp_state:
 * @self: a #HenbClient
 *
 * The state of the XMPP Connection Request transport.
 *
 * Returns: "disabled", "starting", "active" or "failed"; "" when henbd does not say
 *
 * Since: 0.3
 */
const gchar *
henb_client_get_xmpp_state (HenbClient *self)
{
    return nonnull (henb_gdbus_connection_request_get_xmpp_state (self->cr));
}

/**
 * henb_client_get_xmpp_jabber_id:
 * @self: a #HenbClient
 *
 * The Jabber ID henbd is bound to for XMPP Connection Requests.
 *
 * Returns: the full Jabber ID henbd is bound to; "" when not connected
 *
 * Since: 0.3
 */
const gchar *
henb_client_get_xmpp_jabber_id (HenbClient *self)
{
    return nonnull (henb_gdbus_connection_request_get_xmpp_jabber_id (self->cr));
}

/**
 * henb_client_get_xmpp_server:
 * @self: a #HenbClient
 *
 * The XMPP server henbd is connected to.
 *
 * Returns: the XMPP server connected to, "host:port"; "" when not connected
 *
 * Since: 0.3
 */
const gchar *
henb_client_get_xmpp_server (HenbClient *self)
{
    return nonnull (henb_gdbus_connection_request_get_xmpp_server (self->cr));
}

/**
 * henb_client_dup_last_request:
 * @self: a #HenbClient
 *
 * The last accepted Connection Request (org.henbd.HeNB1.ConnectionRequest.LastRequest).
 *
 * Returns: (transfer full): the transport of the last accepted Connection Request and when it
 * was accepted, in microseconds since the epoch, as a "(sx)" variant; ("", 0) before the first
 *
 * Since: 0.3
 */
GVariant *
henb_client_dup_last_request (HenbClient *self)
{
    GVariant *v = henb_gdbus_connection_request_dup_last_request (self->cr);

    return v != NULL ? v : g_variant_ref_sink (g_variant_new ("(sx)", "", (gint64) 0));
}

/**
 * henb_client_get_s1_far_end:
 * @self: a #HenbClient
 *
 * Gets "address:port" of the S1 far end that answered S1SetupResponse; "" while S1 is not up.
 * See #HenbClient:s1-far-end.
 *
 * Returns: "address:port" of the S1 far end that answered S1SetupResponse; "" while S1 is not up
 *
 * Since: 0.2
 */
const gchar *
henb_client_get_s1_far_end (HenbClient *self)
{
    return nonnull (henb_gdbus_serving_get_s1_far_end (self->serving));
}

/**
 * henb_client_get_mme_name:
 * @self: a #HenbClient
 *
 * Gets the MME's name from its S1SetupResponse, "" when none. See #HenbClient:mme-name.
 *
 * Returns: the MME's name from its S1SetupResponse, "" when none
 *
 * Since: 0.2
 */
const gchar *
henb_client_get_mme_name (HenbClient *self)
{
    return nonnull (henb_gdbus_serving_get_mme_name (self->serving));
}

/**
 * henb_client_get_served_gummeis:
 * @self: a #HenbClient
 *
 * Gets the GUMMEIs the MME serves, "MCCMNC:group:code". See #HenbClient:served-gummeis.
 *
 * Returns: (transfer none) (array zero-terminated=1): the GUMMEIs the MME serves,
 *   "MCCMNC:group:code"
 *
 * Since: 0.2
 */
const gchar *const *
henb_client_get_served_gummeis (HenbClient *self)
{
    static const gchar *const empty[] = { NULL };
    const gchar *const *v = henb_gdbus_serving_get_served_gummeis (self->serving);

    return v != NULL ? v : empty;
}

/**
 * henb_client_get_mme_relative_capacity:
 * @self: a #HenbClient
 *
 * Gets the MME's RelativeMMECapacity (0 to 255). See #HenbClient:mme-relative-capacity.
 *
 * Returns: the MME's RelativeMMECapacity (0 to 255)
 *
 * Since: 0.2
 */
guint
henb_client_get_mme_relative_capacity (HenbClient *self)
{
    return henb_gdbus_serving_get_mme_relative_capacity (self->serving);
}

/**
 * henb_client_get_tunnel_active:
 * @self: a #HenbClient
 *
 * Gets whether an IPsec tunnel to a SeGW is up. See #HenbClient:tunnel-active.
 *
 * Returns: whether an IPsec tunnel to a SeGW is up
 *
 * Since: 0.1
 */
gboolean
henb_client_get_tunnel_active (HenbClient *self)
{
    return henb_gdbus_tunnel_get_active (self->tunnel);
}

#define TUNNEL_STRING(func, getter)                                                   \
    const gchar *                                                                     \
    func (HenbClient *self)                                                           \
    {                                                                                 \
        const gchar *v = getter (self->tunnel);                                       \
        return v != NULL ? v : "";                                                    \
    }

/**
 * henb_client_get_tunnel_purpose:
 * @self: a #HenbClient
 *
 * Gets "initial" or "serving", "" when no tunnel is up. See #HenbClient:tunnel-purpose.
 *
 * Returns: "initial" or "serving", "" when no tunnel is up
 *
 * Since: 0.1
 */
TUNNEL_STRING (henb_client_get_tunnel_purpose, henb_gdbus_tunnel_get_purpose)

/**
 * henb_client_get_tunnel_backend:
 * @self: a #HenbClient
 *
 * Gets the security backend holding the tunnel. See #HenbClient:tunnel-backend.
 *
 * Returns: the security backend holding the tunnel
 *
 * Since: 0.1
 */
TUNNEL_STRING (henb_client_get_tunnel_backend, henb_gdbus_tunnel_get_backend)

/**
 * henb_client_get_tunnel_security_gateway:
 * @self: a #HenbClient
 *
 * Gets the SeGW as configured (FQDN or IP address). See #HenbClient:tunnel-security-gateway.
 *
 * Returns: the SeGW as configured (FQDN or IP address)
 *
 * Since: 0.1
 */
TUNNEL_STRING (henb_client_get_tunnel_security_gateway, henb_gdbus_tunnel_get_security_gateway)

/**
 * henb_client_get_tunnel_gateway_address:
 * @self: a #HenbClient
 *
 * Gets the SeGW's public address. See #HenbClient:tunnel-gateway-address.
 *
 * Returns: the SeGW's public address
 *
 * Since: 0.1
 */
TUNNEL_STRING (henb_client_get_tunnel_gateway_address, henb_gdbus_tunnel_get_gateway_address)

/**
 * henb_client_get_tunnel_inner_address:
 * @self: a #HenbClient
 *
 * Gets the inner (virtual) address the SeGW assigned. See #HenbClient:tunnel-inner-address.
 *
 * Returns: the inner (virtual) address the SeGW assigned
 *
 * Since: 0.1
 */
TUNNEL_STRING (henb_client_get_tunnel_inner_address, henb_gdbus_tunnel_get_inner_address)

/**
 * henb_client_get_tunnel_dns_servers:
 * @self: a #HenbClient
 *
 * Gets the DNS servers the SeGW assigned. See #HenbClient:tunnel-dns-servers.
 *
 * Returns: (transfer none) (array zero-terminated=1): the DNS servers the SeGW assigned
 *
 * Since: 0.1
 */
const gchar *const *
henb_client_get_tunnel_dns_servers (HenbClient *self)
{
    static const gchar *const empty[] = { NULL };
    const gchar *const *v = henb_gdbus_tunnel_get_dns_servers (self->tunnel);

    return v != NULL ? v : empty;
}

/**
 * henb_client_get_retry_count:
 * @self: a #HenbClient
 *
 * Gets failed sessions or bootstrap attempts since the last good one. See
 * #HenbClient:retry-count.
 *
 * Returns: failed sessions or bootstrap attempts since the last good one
 *
 * Since: 0.1
 */
guint
henb_client_get_retry_count (HenbClient *self)
{
    return henb_gdbus_management_get_retry_count (self->management);
}

/**
 * henb_client_get_next_attempt:
 * @self: a #HenbClient
 *
 * Gets when the next retry is due, in microseconds since the epoch; 0 when none is planned.
 * See #HenbClient:next-attempt.
 *
 * Returns: when the next retry is due, in microseconds since the epoch; 0 when none is planned
 *
 * Since: 0.1
 */
gint64
henb_client_get_next_attempt (HenbClient *self)
{
    return henb_gdbus_management_get_next_attempt (self->management);
}

/**
 * henb_client_get_session_count:
 * @self: a #HenbClient
 *
 * Gets sessions with the Serving HeMS since henbd started, after registration. See
 * #HenbClient:session-count.
 *
 * Returns: sessions with the Serving HeMS since henbd started, after registration
 *
 * Since: 0.1
 */
guint
henb_client_get_session_count (HenbClient *self)
{
    return henb_gdbus_management_get_session_count (self->management);
}

/**
 * henb_client_get_tolerated_inputs:
 * @self: a #HenbClient
 *
 * Gets how often henbd accepted a harmless break of the CWMP schema from a HeMS since it
 * started (0 under [CWMP] Strict=true). See #HenbClient:tolerated-inputs.
 *
 * Returns: how often henbd accepted a harmless break of the CWMP schema from a HeMS since it
 *   started (0 under [CWMP] Strict=true)
 *
 * Since: 0.1
 */
guint
henb_client_get_tolerated_inputs (HenbClient *self)
{
    return henb_gdbus_management_get_tolerated_inputs (self->management);
}

/**
 * henb_client_get_last_session_result:
 * @self: a #HenbClient
 *
 * Gets "ok", or why the last session failed; "" before the first. See
 * #HenbClient:last-session-result.
 *
 * Returns: "ok", or why the last session failed; "" before the first
 *
 * Since: 0.1
 */
const gchar *
henb_client_get_last_session_result (HenbClient *self)
{
    const gchar *v = henb_gdbus_management_get_last_session_result (self->management);

    return v != NULL ? v : "";
}

/**
 * henb_client_get_last_session_time:
 * @self: a #HenbClient
 *
 * Gets when the last session with the Serving HeMS ended, in microseconds since the epoch; 0
 * before the first. See #HenbClient:last-session-time.
 *
 * Returns: when the last session with the Serving HeMS ended, in microseconds since the
 *   epoch; 0 before the first
 *
 * Since: 0.3
 */
gint64
henb_client_get_last_session_time (HenbClient *self)
{
    return henb_gdbus_management_get_last_session_time (self->management);
}

/**
 * henb_client_get_connection_request_url:
 * @self: a #HenbClient
 *
 * Gets where the HeMS sends Connection Requests; "" when henbd does not listen. See
 * #HenbClient:connection-request-url.
 *
 * Returns: where the HeMS sends Connection Requests; "" when henbd does not listen
 *
 * Since: 0.1
 */
const gchar *
henb_client_get_connection_request_url (HenbClient *self)
{
    const gchar *v = henb_gdbus_management_get_connection_request_url (self->management);

    return v != NULL ? v : "";
}

/**
 * henb_client_dup_pending_events:
 * @self: a #HenbClient
 *
 * Gets the Inform events not delivered yet. See #HenbClient:pending-events.
 *
 * Returns: (transfer full): the Inform events not delivered yet
 *
 * Since: 0.1
 */
GStrv
henb_client_dup_pending_events (HenbClient *self)
{
    const gchar *const *v = henb_gdbus_management_get_pending_events (self->management);
    static const gchar *const none[] = { NULL };

    return g_strdupv ((GStrv) (v != NULL ? v : none));
}

/**
 * henb_client_get_tunnel_up_since:
 * @self: a #HenbClient
 *
 * Gets when the tunnel came up, in microseconds since the epoch; 0 when none is up. See
 * #HenbClient:tunnel-up-since.
 *
 * Returns: when the tunnel came up, in microseconds since the epoch; 0 when none is up
 *
 * Since: 0.1
 */
gint64
henb_client_get_tunnel_up_since (HenbClient *self)
{
    return henb_gdbus_tunnel_get_up_since (self->tunnel);
}

/**
 * henb_client_dup_cell_configuration:
 * @self: a #HenbClient
 *
 * The cell configuration henbd applied: every cell configuration parameter (full TR-069
 * names, table instances included) with its value in TR-069 string form.
 *
 * Returns: (transfer full) (element-type utf8 utf8): parameter name -> value
 *
 * Since: 0.2
 */
GHashTable *
henb_client_dup_cell_configuration (HenbClient *self)
{
    return table_from_variant (henb_gdbus_radio_get_configuration (self->radio));
}

/**
 * henb_client_get_cell_configuration_key:
 * @self: a #HenbClient
 *
 * Gets the ParameterKey of the HeMS session that applied the cell configuration; "" for the
 * factory configuration. See #HenbClient:cell-configuration-key.
 *
 * Returns: the ParameterKey of the HeMS session that applied the cell configuration; "" for
 *   the factory configuration
 *
 * Since: 0.2
 */
const gchar *
henb_client_get_cell_configuration_key (HenbClient *self)
{
    const gchar *v = henb_gdbus_radio_get_configuration_key (self->radio);

    return v != NULL ? v : "";
}

/**
 * henb_client_get_cell_admin_state:
 * @self: a #HenbClient
 *
 * Gets whether the HeMS allows the radio to transmit (FAPControl.LTE.AdminState); it changes
 * as soon as the HeMS set it. See #HenbClient:cell-admin-state.
 *
 * Returns: whether the HeMS allows the radio to transmit (FAPControl.LTE.AdminState); it
 *   changes as soon as the HeMS set it
 *
 * Since: 0.2
 */
gboolean
henb_client_get_cell_admin_state (HenbClient *self)
{
    return henb_gdbus_radio_get_admin_state (self->radio);
}

/**
 * henb_client_dup_cell_status:
 * @self: a #HenbClient
 *
 * Gets the capability and status parameters the radio stack reported (and the defaults of the
 * others), by name. See #HenbClient:cell-status.
 *
 * Returns: (transfer full) (element-type utf8 utf8): the capability and status parameters the
 *   radio stack reported (and the defaults of the others), by name
 *
 * Since: 0.2
 */
GHashTable *
henb_client_dup_cell_status (HenbClient *self)
{
    return table_from_variant (henb_gdbus_radio_get_status (self->radio));
}

/**
 * henb_client_get_radio_backend:
 * @self: a #HenbClient
 *
 * Gets the radio backend plugin henbd hands the configuration to; "" when the radio stack
 * only uses the bus. See #HenbClient:radio-backend.
 *
 * Returns: the radio backend plugin henbd hands the configuration to; "" when the radio
 *   stack only uses the bus
 *
 * Since: 0.2
 */
const gchar *
henb_client_get_radio_backend (HenbClient *self)
{
    const gchar *v = henb_gdbus_radio_get_backend (self->radio);

    return v != NULL ? v : "";
}

/* ------------------------------------------------------------------------------------------ */
/* Methods */

static void
call_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    GError *error = NULL;
    gboolean (*finish) (HenbGdbusManager *, GAsyncResult *, GError **) = g_task_get_task_data (task);

    if (!finish (HENB_GDBUS_MANAGER (source), res, &error)) {
        g_dbus_error_strip_remote_error (error);
        g_task_return_error (task, error);
        return;
    }
    g_task_return_boolean (task, TRUE);
}

static gboolean
strip (gboolean ok, GError **error)
{
    if (!ok && error != NULL && *error != NULL)
        g_dbus_error_strip_remote_error (*error);
    return ok;
}

/**
 * henb_client_start:
 * @self: a #HenbClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when henbd answered
 * @user_data: data for @callback
 *
 * Starts the bootstrap (see org.henbd.HeNB1.Start).
 *
 * Since: 0.1
 */
void
henb_client_start (HenbClient *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                   gpointer user_data)
{
    GTask *task = g_task_new (self, cancellable, callback, user_data);

    g_task_set_task_data (task, henb_gdbus_manager_call_start_finish, NULL);
    henb_gdbus_manager_call_start (self->manager, cancellable, call_done, task);
}

/**
 * henb_client_start_finish:
 * @self: a #HenbClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes henb_client_start().
 *
 * Returns: %TRUE when henbd accepted the request
 *
 * Since: 0.1
 */
gboolean
henb_client_start_finish (HenbClient *self, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * henb_client_start_sync:
 * @self: a #HenbClient
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of henb_client_start(): waits for henbd's answer.
 *
 * Returns: %TRUE when henbd accepted the request
 *
 * Since: 0.1
 */
gboolean
henb_client_start_sync (HenbClient *self, GCancellable *cancellable, GError **error)
{
    return strip (henb_gdbus_manager_call_start_sync (self->manager, cancellable, error), error);
}

/**
 * henb_client_rediscover:
 * @self: a #HenbClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when henbd answered
 * @user_data: data for @callback
 *
 * Forgets the serving values and runs discovery again (see org.henbd.HeNB1.Rediscover).
 *
 * Since: 0.1
 */
void
henb_client_rediscover (HenbClient *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
    GTask *task = g_task_new (self, cancellable, callback, user_data);

    g_task_set_task_data (task, henb_gdbus_manager_call_rediscover_finish, NULL);
    henb_gdbus_manager_call_rediscover (self->manager, cancellable, call_done, task);
}

/**
 * henb_client_rediscover_finish:
 * @self: a #HenbClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes henb_client_rediscover().
 *
 * Returns: %TRUE when henbd accepted the request
 *
 * Since: 0.1
 */
gboolean
henb_client_rediscover_finish (HenbClient *self, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * henb_client_rediscover_sync:
 * @self: a #HenbClient
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of henb_client_rediscover(): waits for henbd's answer.
 *
 * Returns: %TRUE when henbd accepted the request
 *
 * Since: 0.1
 */
gboolean
henb_client_rediscover_sync (HenbClient *self, GCancellable *cancellable, GError **error)
{
    return strip (henb_gdbus_manager_call_rediscover_sync (self->manager, cancellable, error), error);
}

/**
 * henb_client_cancel:
 * @self: a #HenbClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when henbd answered
 * @user_data: data for @callback
 *
 * Stops the running procedure (see org.henbd.HeNB1.Cancel).
 *
 * Since: 0.1
 */
void
henb_client_cancel (HenbClient *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                    gpointer user_data)
{
    GTask *task = g_task_new (self, cancellable, callback, user_data);

    g_task_set_task_data (task, henb_gdbus_manager_call_cancel_finish, NULL);
    henb_gdbus_manager_call_cancel (self->manager, cancellable, call_done, task);
}

/**
 * henb_client_cancel_finish:
 * @self: a #HenbClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes henb_client_cancel().
 *
 * Returns: %TRUE when henbd accepted the request
 *
 * Since: 0.1
 */
gboolean
henb_client_cancel_finish (HenbClient *self, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * henb_client_cancel_sync:
 * @self: a #HenbClient
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of henb_client_cancel(): waits for henbd's answer.
 *
 * Returns: %TRUE when henbd accepted the request
 *
 * Since: 0.1
 */
gboolean
henb_client_cancel_sync (HenbClient *self, GCancellable *cancellable, GError **error)
{
    return strip (henb_gdbus_manager_call_cancel_sync (self->manager, cancellable, error), error);
}

static void
set_logging_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    GError *error = NULL;

    if (!henb_gdbus_manager_call_set_logging_finish (HENB_GDBUS_MANAGER (source), res, &error)) {
        g_dbus_error_strip_remote_error (error);
        g_task_return_error (task, error);
        return;
    }
    g_task_return_boolean (task, TRUE);
}

/**
 * henb_client_set_logging:
 * @self: a #HenbClient
 * @level: "error", "warning", "message", "info" or "debug"
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when henbd answered
 * @user_data: data for @callback
 *
 * Sets henbd's log level (see org.henbd.HeNB1.SetLogging).
 *
 * Since: 0.3
 */
void
henb_client_set_logging (HenbClient *self, const gchar *level, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
    GTask *task = g_task_new (self, cancellable, callback, user_data);

    henb_gdbus_manager_call_set_logging (self->manager, level, cancellable, set_logging_done, task);
}

/**
 * henb_client_set_logging_finish:
 * @self: a #HenbClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes henb_client_set_logging().
 *
 * Returns: %TRUE when henbd took the level
 *
 * Since: 0.3
 */
gboolean
henb_client_set_logging_finish (HenbClient *self, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * henb_client_set_logging_sync:
 * @self: a #HenbClient
 * @level: "error", "warning", "message", "info" or "debug"
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The blocking form of henb_client_set_logging().
 *
 * Returns: %TRUE when henbd took the level
 *
 * Since: 0.3
 */
gboolean
henb_client_set_logging_sync (HenbClient *self, const gchar *level, GCancellable *cancellable, GError **error)
{
    return strip (henb_gdbus_manager_call_set_logging_sync (self->manager, level, cancellable, error), error);
}

static void
report_status_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    GError *error = NULL;

    if (!henb_gdbus_radio_call_report_status_finish (HENB_GDBUS_RADIO (source), res, &error)) {
        g_dbus_error_strip_remote_error (error);
        g_task_return_error (task, error);
        return;
    }
    g_task_return_boolean (task, TRUE);
}

/**
 * henb_client_report_status:
 * @self: a #HenbClient
 * @values: (element-type utf8 utf8): capability and status parameter names (full TR-069
 *   paths) and their values in TR-069 string form
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when henbd answered
 * @user_data: data for @callback
 *
 * Reports the radio stack's capabilities and status (see org.henbd.HeNB1.Radio.ReportStatus).
 * All or nothing: a name that is not a capability or status parameter, or a value its
 * definition refuses, fails the whole call with %HENB_CORE_ERROR_INVALID_ARGS naming it.
 * Only root and the radio stack's user may.
 *
 * Since: 0.2
 */
void
henb_client_report_status (HenbClient         *self,
                           GHashTable         *values,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
    GTask *task = g_task_new (self, cancellable, callback, user_data);
    GVariantBuilder b;
    GHashTableIter iter;
    gpointer name, value;

    g_variant_builder_init (&b, G_VARIANT_TYPE ("a{ss}"));
    g_hash_table_iter_init (&iter, values);
    while (g_hash_table_iter_next (&iter, &name, &value))
        g_variant_builder_add (&b, "{ss}", (const gchar *) name, (const gchar *) value);
    henb_gdbus_radio_call_report_status (self->radio, g_variant_builder_end (&b), cancellable,
                                         report_status_done, task);
}

/**
 * henb_client_report_status_finish:
 * @self: a #HenbClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Finishes henb_client_report_status().
 *
 * Returns: %TRUE when henbd took the report
 *
 * Since: 0.2
 */
gboolean
henb_client_report_status_finish (HenbClient *self, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject */

static void
henb_client_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HenbClient *self = HENB_CLIENT (object);

    switch (prop_id) {
    case PROP_CONNECTION:
        g_value_set_object (value, self->connection);
        break;
    case PROP_RUNNING:
        g_value_set_boolean (value, henb_client_is_running (self));
        break;
    case PROP_VERSION:
        g_value_set_string (value, henb_client_get_version (self));
        break;
    case PROP_STATE:
        g_value_set_enum (value, henb_client_get_state (self));
        break;
    case PROP_STATE_FAILED_REASON:
        g_value_set_enum (value, henb_client_get_state_failed_reason (self));
        break;
    case PROP_DISCOVERY_VARIANT:
        g_value_set_enum (value, henb_client_get_discovery_variant (self));
        break;
    case PROP_LAST_ERROR:
        g_value_take_boxed (value, henb_client_dup_last_error (self));
        break;
    case PROP_STATE_FILE_WRITE_ERROR:
        g_value_take_boxed (value, henb_client_dup_state_file_write_error (self));
        break;
    case PROP_CURRENT_STEP_ID:
        g_value_set_string (value, henb_client_get_current_step_id (self));
        break;
    case PROP_CURRENT_STEP_NAME:
        g_value_set_string (value, henb_client_get_current_step_name (self));
        break;
    case PROP_COMPLETED_STEPS:
        g_value_take_boxed (value, henb_client_dup_completed_steps (self));
        break;
    case PROP_STEP_COUNT:
        g_value_set_uint (value, henb_client_get_step_count (self));
        break;
    case PROP_PERCENTAGE:
        g_value_set_uint (value, henb_client_get_percentage (self));
        break;
    case PROP_SERVING_HEMS_URL:
        g_value_set_string (value, henb_client_get_serving_hems_url (self));
        break;
    case PROP_SECURITY_GATEWAYS:
        g_value_set_boxed (value, henb_client_get_security_gateways (self));
        break;
    case PROP_S1_ADDRESSES:
        g_value_set_boxed (value, henb_client_get_s1_addresses (self));
        break;
    case PROP_S1_PORT:
        g_value_set_uint (value, henb_client_get_s1_port (self));
        break;
    case PROP_S1_CONNECTION_MODE:
        g_value_set_string (value, henb_client_get_s1_connection_mode (self));
        break;
    case PROP_S1_IPSEC:
        g_value_set_boolean (value, henb_client_get_s1_ipsec (self));
        break;
    case PROP_S1_LINK:
        g_value_set_string (value, henb_client_get_s1_link (self));
        break;
    case PROP_CR_TRANSPORTS:
        g_value_take_variant (value, henb_client_dup_cr_transports (self));
        break;
    case PROP_NAT_DETECTED:
        g_value_set_boolean (value, henb_client_get_nat_detected (self));
        break;
    case PROP_UDP_CONNECTION_REQUEST_ADDRESS:
        g_value_set_string (value, henb_client_get_udp_connection_request_address (self));
        break;
    case PROP_XMPP_STATE:
        g_value_set_string (value, henb_client_get_xmpp_state (self));
        break;
    case PROP_STUN_SERVER:
        g_value_set_string (value, henb_client_get_stun_server (self));
        break;
    case PROP_XMPP_JABBER_ID:
        g_value_set_string (value, henb_client_get_xmpp_jabber_id (self));
        break;
    case PROP_XMPP_SERVER:
        g_value_set_string (value, henb_client_get_xmpp_server (self));
        break;
    case PROP_LAST_REQUEST:
        g_value_take_variant (value, henb_client_dup_last_request (self));
        break;
    case PROP_S1_LINK_DETAIL:
        g_value_set_string (value, henb_client_get_s1_link_detail (self));
        break;
    case PROP_S1_FAR_END:
        g_value_set_string (value, henb_client_get_s1_far_end (self));
        break;
    case PROP_MME_NAME:
        g_value_set_string (value, henb_client_get_mme_name (self));
        break;
    case PROP_SERVED_GUMMEIS:
        g_value_set_boxed (value, henb_client_get_served_gummeis (self));
        break;
    case PROP_MME_RELATIVE_CAPACITY:
        g_value_set_uint (value, henb_client_get_mme_relative_capacity (self));
        break;
    case PROP_TUNNEL_ACTIVE:
        g_value_set_boolean (value, henb_client_get_tunnel_active (self));
        break;
    case PROP_TUNNEL_SECURITY_GATEWAY:
        g_value_set_string (value, henb_client_get_tunnel_security_gateway (self));
        break;
    case PROP_TUNNEL_INNER_ADDRESS:
        g_value_set_string (value, henb_client_get_tunnel_inner_address (self));
        break;
    case PROP_TUNNEL_DNS_SERVERS:
        g_value_set_boxed (value, henb_client_get_tunnel_dns_servers (self));
        break;
    case PROP_TUNNEL_PURPOSE:
        g_value_set_string (value, henb_client_get_tunnel_purpose (self));
        break;
    case PROP_TUNNEL_BACKEND:
        g_value_set_string (value, henb_client_get_tunnel_backend (self));
        break;
    case PROP_TUNNEL_GATEWAY_ADDRESS:
        g_value_set_string (value, henb_client_get_tunnel_gateway_address (self));
        break;
    case PROP_TUNNEL_UP_SINCE:
        g_value_set_int64 (value, henb_client_get_tunnel_up_since (self));
        break;
    case PROP_RETRY_COUNT:
        g_value_set_uint (value, henb_client_get_retry_count (self));
        break;
    case PROP_NEXT_ATTEMPT:
        g_value_set_int64 (value, henb_client_get_next_attempt (self));
        break;
    case PROP_SESSION_COUNT:
        g_value_set_uint (value, henb_client_get_session_count (self));
        break;
    case PROP_LAST_SESSION_RESULT:
        g_value_set_string (value, henb_client_get_last_session_result (self));
        break;
    case PROP_LAST_SESSION_TIME:
        g_value_set_int64 (value, henb_client_get_last_session_time (self));
        break;
    case PROP_PENDING_EVENTS:
        g_value_take_boxed (value, henb_client_dup_pending_events (self));
        break;
    case PROP_CONNECTION_REQUEST_URL:
        g_value_set_string (value, henb_client_get_connection_request_url (self));
        break;
    case PROP_TOLERATED_INPUTS:
        g_value_set_uint (value, henb_client_get_tolerated_inputs (self));
        break;
    case PROP_CELL_CONFIGURATION:
        g_value_take_boxed (value, henb_client_dup_cell_configuration (self));
        break;
    case PROP_CELL_CONFIGURATION_KEY:
        g_value_set_string (value, henb_client_get_cell_configuration_key (self));
        break;
    case PROP_CELL_ADMIN_STATE:
        g_value_set_boolean (value, henb_client_get_cell_admin_state (self));
        break;
    case PROP_CELL_STATUS:
        g_value_take_boxed (value, henb_client_dup_cell_status (self));
        break;
    case PROP_RADIO_BACKEND:
        g_value_set_string (value, henb_client_get_radio_backend (self));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
}

static void
henb_client_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
    HenbClient *self = HENB_CLIENT (object);

    switch (prop_id) {
    case PROP_CONNECTION:
        self->connection = g_value_dup_object (value);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
}

static void
henb_client_dispose (GObject *object)
{
    HenbClient *self = HENB_CLIENT (object);

    /* the proxies are the client's own, but a caller's reference to the client may outlive
     * this dispose: nothing may reach it from them any more */
    GObject *proxies[] = { (GObject *) self->manager, (GObject *) self->procedure, (GObject *) self->serving,
                           (GObject *) self->tunnel, (GObject *) self->management, (GObject *) self->radio,
                           (GObject *) self->cr };

    for (guint i = 0; i < G_N_ELEMENTS (proxies); i++) {
        if (proxies[i] == NULL)
            continue;
        g_signal_handlers_disconnect_by_data (proxies[i], self);
        g_signal_handlers_disconnect_matched (proxies[i], G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                              on_proxy_notify, NULL);
    }
    g_clear_object (&self->cr);
    g_clear_object (&self->radio);
    g_clear_object (&self->management);
    g_clear_object (&self->tunnel);
    g_clear_object (&self->manager);
    g_clear_object (&self->procedure);
    g_clear_object (&self->serving);
    g_clear_object (&self->connection);
    G_OBJECT_CLASS (henb_client_parent_class)->dispose (object);
}

#define RO (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)

static void
henb_client_class_init (HenbClientClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS (klass);

    object_class->get_property = henb_client_get_property;
    object_class->set_property = henb_client_set_property;
    object_class->dispose = henb_client_dispose;

    /**
     * HenbClient:connection:
     *
     * The bus connection henbd is reached on (construct-only).
     *
     * Since: 0.1
     */
    props[PROP_CONNECTION] = g_param_spec_object ("connection", NULL, NULL, G_TYPE_DBUS_CONNECTION,
                                                  G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
    /**
     * HenbClient:running:
     *
     * Whether henbd owns its bus name (henb_client_is_running()).
     *
     * Since: 0.1
     */
    props[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, RO);
    /**
     * HenbClient:version:
     *
     * henbd's version (org.henbd.HeNB1.Version).
     *
     * Since: 0.1
     */
    props[PROP_VERSION] = g_param_spec_string ("version", NULL, NULL, NULL, RO);
    /**
     * HenbClient:state:
     *
     * The state of the bootstrap (org.henbd.HeNB1.State); %HENB_STATE_UNKNOWN while henbd
     * is not running.
     *
     * Since: 0.1
     */
    props[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, HENB_TYPE_STATE, HENB_STATE_UNKNOWN, RO);
    /**
     * HenbClient:state-failed-reason:
     *
     * Why the bootstrap failed, in state %HENB_STATE_FAILED (org.henbd.HeNB1.StateFailedReason).
     *
     * Since: 0.1
     */
    props[PROP_STATE_FAILED_REASON] = g_param_spec_enum ("state-failed-reason", NULL, NULL,
                                                         HENB_TYPE_STATE_FAILED_REASON,
                                                         HENB_STATE_FAILED_REASON_NONE, RO);
    /**
     * HenbClient:discovery-variant:
     *
     * The factory-configured discovery variant (org.henbd.HeNB1.DiscoveryVariant).
     *
     * Since: 0.1
     */
    props[PROP_DISCOVERY_VARIANT] = g_param_spec_enum ("discovery-variant", NULL, NULL,
                                                       HENB_TYPE_DISCOVERY_VARIANT,
                                                       HENB_DISCOVERY_VARIANT_PUBLIC_INTERNET, RO);
    /**
     * HenbClient:last-error:
     *
     * The last error of the procedure as a #GError in its henbd domain, %NULL when there is
     * none (org.henbd.HeNB1.LastError).
     *
     * Since: 0.1
     */
    props[PROP_LAST_ERROR] = g_param_spec_boxed ("last-error", NULL, NULL, G_TYPE_ERROR, RO);
    /**
     * HenbClient:state-file-write-error:
     *
     * Why henbd's last write of its state file failed; %NULL once a write succeeded.
     *
     * Since: 0.1
     */
    props[PROP_STATE_FILE_WRITE_ERROR] = g_param_spec_boxed ("state-file-write-error", NULL, NULL,
                                                             G_TYPE_ERROR, RO);
    /**
     * HenbClient:current-step-id:
     *
     * The running step's TS 32.593 id, "" when none runs (org.henbd.HeNB1.Procedure.CurrentStep).
     *
     * Since: 0.1
     */
    props[PROP_CURRENT_STEP_ID] = g_param_spec_string ("current-step-id", NULL, NULL, NULL, RO);
    /**
     * HenbClient:current-step-name:
     *
     * The running step's name, "" when none runs (org.henbd.HeNB1.Procedure.CurrentStep).
     *
     * Since: 0.1
     */
    props[PROP_CURRENT_STEP_NAME] = g_param_spec_string ("current-step-name", NULL, NULL, NULL, RO);
    /**
     * HenbClient:completed-steps: (type GLib.PtrArray(HenbStepInfo))
     *
     * The steps of the current or last run, in order, as #HenbStepInfo
     * (henb_client_dup_completed_steps()).
     *
     * Since: 0.1
     */
    props[PROP_COMPLETED_STEPS] = g_param_spec_boxed ("completed-steps", NULL, NULL, G_TYPE_PTR_ARRAY, RO);
    /**
     * HenbClient:step-count:
     *
     * The number of steps planned for the current or last run.
     *
     * Since: 0.1
     */
    props[PROP_STEP_COUNT] = g_param_spec_uint ("step-count", NULL, NULL, 0, G_MAXUINT, 0, RO);
    /**
     * HenbClient:percentage:
     *
     * Progress of the current run, 0 to 100.
     *
     * Since: 0.1
     */
    props[PROP_PERCENTAGE] = g_param_spec_uint ("percentage", NULL, NULL, 0, 100, 0, RO);
    /**
     * HenbClient:serving-hems-url:
     *
     * The Serving HeMS URL, "" while unknown (org.henbd.HeNB1.Serving.HemsUrl).
     *
     * Since: 0.1
     */
    props[PROP_SERVING_HEMS_URL] = g_param_spec_string ("serving-hems-url", NULL, NULL, NULL, RO);
    /**
     * HenbClient:security-gateways:
     *
     * The Serving SeGWs in order (org.henbd.HeNB1.Serving.SecurityGateways).
     *
     * Since: 0.1
     */
    props[PROP_SECURITY_GATEWAYS] = g_param_spec_boxed ("security-gateways", NULL, NULL, G_TYPE_STRV, RO);
    /**
     * HenbClient:s1-addresses:
     *
     * The S1 far-end addresses the HeMS configured.
     *
     * Since: 0.1
     */
    props[PROP_S1_ADDRESSES] = g_param_spec_boxed ("s1-addresses", NULL, NULL, G_TYPE_STRV, RO);
    /**
     * HenbClient:s1-port:
     *
     * The S1 SCTP port.
     *
     * Since: 0.1
     */
    props[PROP_S1_PORT] = g_param_spec_uint ("s1-port", NULL, NULL, 0, 65535, 0, RO);
    /**
     * HenbClient:s1-connection-mode:
     *
     * "One" or "All": whether S1 is set up toward one or every far end.
     *
     * Since: 0.1
     */
    props[PROP_S1_CONNECTION_MODE] = g_param_spec_string ("s1-connection-mode", NULL, NULL, NULL, RO);
    /**
     * HenbClient:s1-ipsec:
     *
     * Whether S1 runs through the IPsec tunnel.
     *
     * Since: 0.1
     */
    props[PROP_S1_IPSEC] = g_param_spec_boolean ("s1-ipsec", NULL, NULL, FALSE, RO);
    /**
     * HenbClient:s1-link:
     *
     * The S1 link of a backend that runs S1 Setup itself: "setting-up", "up", "lost", or ""
     * (henb_client_get_s1_link()).
     *
     * Since: 0.2
     */
    props[PROP_S1_LINK] = g_param_spec_string ("s1-link", NULL, NULL, NULL, RO);
    /**
     * HenbClient:s1-link-detail:
     *
     * Why the last S1 Setup failed or the link was lost; "" when nothing failed.
     *
     * Since: 0.2
     */
    props[PROP_S1_LINK_DETAIL] = g_param_spec_string ("s1-link-detail", NULL, NULL, NULL, RO);
    /**
     * HenbClient:s1-far-end:
     *
     * "address:port" of the S1 far end that answered S1SetupResponse; "" while S1 is not up.
     *
     * Since: 0.2
     */
    props[PROP_S1_FAR_END] = g_param_spec_string ("s1-far-end", NULL, NULL, NULL, RO);
    /**
     * HenbClient:mme-name:
     *
     * The MME's name from its S1SetupResponse, "" when none.
     *
     * Since: 0.2
     */
    props[PROP_MME_NAME] = g_param_spec_string ("mme-name", NULL, NULL, NULL, RO);
    /**
     * HenbClient:served-gummeis:
     *
     * The GUMMEIs the MME serves, "MCCMNC:group:code".
     *
     * Since: 0.2
     */
    props[PROP_SERVED_GUMMEIS] = g_param_spec_boxed ("served-gummeis", NULL, NULL, G_TYPE_STRV, RO);
    /**
     * HenbClient:mme-relative-capacity:
     *
     * The MME's RelativeMMECapacity (0 to 255).
     *
     * Since: 0.2
     */
    props[PROP_MME_RELATIVE_CAPACITY] = g_param_spec_uint ("mme-relative-capacity", NULL, NULL, 0, 255, 0, RO);
    /**
     * HenbClient:tunnel-active:
     *
     * Whether an IPsec tunnel to a SeGW is up (org.henbd.HeNB1.Tunnel.Active).
     *
     * Since: 0.1
     */
    props[PROP_TUNNEL_ACTIVE] = g_param_spec_boolean ("tunnel-active", NULL, NULL, FALSE, RO);
    /**
     * HenbClient:tunnel-security-gateway:
     *
     * The SeGW of the tunnel as configured (FQDN or IP address).
     *
     * Since: 0.1
     */
    props[PROP_TUNNEL_SECURITY_GATEWAY] = g_param_spec_string ("tunnel-security-gateway", NULL, NULL, NULL, RO);
    /**
     * HenbClient:tunnel-inner-address:
     *
     * The inner (virtual) address the SeGW assigned.
     *
     * Since: 0.1
     */
    props[PROP_TUNNEL_INNER_ADDRESS] = g_param_spec_string ("tunnel-inner-address", NULL, NULL, NULL, RO);
    /**
     * HenbClient:tunnel-dns-servers:
     *
     * The DNS servers the SeGW assigned.
     *
     * Since: 0.1
     */
    props[PROP_TUNNEL_DNS_SERVERS] = g_param_spec_boxed ("tunnel-dns-servers", NULL, NULL, G_TYPE_STRV, RO);
    /**
     * HenbClient:tunnel-purpose:
     *
     * "initial" or "serving", "" when no tunnel is up (org.henbd.HeNB1.Tunnel.Purpose).
     *
     * Since: 0.3
     */
    props[PROP_TUNNEL_PURPOSE] = g_param_spec_string ("tunnel-purpose", NULL, NULL, NULL, RO);
    /**
     * HenbClient:tunnel-backend:
     *
     * The security backend holding the tunnel (org.henbd.HeNB1.Tunnel.Backend).
     *
     * Since: 0.3
     */
    props[PROP_TUNNEL_BACKEND] = g_param_spec_string ("tunnel-backend", NULL, NULL, NULL, RO);
    /**
     * HenbClient:tunnel-gateway-address:
     *
     * The SeGW's public address (org.henbd.HeNB1.Tunnel.GatewayAddress).
     *
     * Since: 0.3
     */
    props[PROP_TUNNEL_GATEWAY_ADDRESS] = g_param_spec_string ("tunnel-gateway-address", NULL, NULL, NULL, RO);
    /**
     * HenbClient:tunnel-up-since:
     *
     * When the tunnel came up, in microseconds since the epoch; 0 when none is up.
     *
     * Since: 0.3
     */
    props[PROP_TUNNEL_UP_SINCE] = g_param_spec_int64 ("tunnel-up-since", NULL, NULL, 0, G_MAXINT64, 0, RO);
    /**
     * HenbClient:retry-count:
     *
     * Failed sessions or bootstrap attempts in a row (org.henbd.HeNB1.Management.RetryCount).
     *
     * Since: 0.3
     */
    props[PROP_RETRY_COUNT] = g_param_spec_uint ("retry-count", NULL, NULL, 0, G_MAXUINT, 0, RO);
    /**
     * HenbClient:next-attempt:
     *
     * When the next retry is due, in microseconds since the epoch; 0 when none is planned.
     *
     * Since: 0.3
     */
    props[PROP_NEXT_ATTEMPT] = g_param_spec_int64 ("next-attempt", NULL, NULL, 0, G_MAXINT64, 0, RO);
    /**
     * HenbClient:session-count:
     *
     * Sessions with the Serving HeMS since henbd started, after registration.
     *
     * Since: 0.3
     */
    props[PROP_SESSION_COUNT] = g_param_spec_uint ("session-count", NULL, NULL, 0, G_MAXUINT, 0, RO);
    /**
     * HenbClient:last-session-result:
     *
     * "ok", or why the last session failed; "" before the first.
     *
     * Since: 0.3
     */
    props[PROP_LAST_SESSION_RESULT] = g_param_spec_string ("last-session-result", NULL, NULL, NULL, RO);
    /**
     * HenbClient:last-session-time:
     *
     * When the last session ended, in microseconds since the epoch; 0 before the first.
     *
     * Since: 0.3
     */
    props[PROP_LAST_SESSION_TIME] = g_param_spec_int64 ("last-session-time", NULL, NULL, 0, G_MAXINT64, 0, RO);
    /**
     * HenbClient:pending-events:
     *
     * The Inform events not delivered yet, e.g. "1 BOOT", "M Reboot".
     *
     * Since: 0.3
     */
    props[PROP_PENDING_EVENTS] = g_param_spec_boxed ("pending-events", NULL, NULL, G_TYPE_STRV, RO);
    /**
     * HenbClient:connection-request-url:
     *
     * Where the HeMS sends Connection Requests; "" when henbd does not listen.
     *
     * Since: 0.3
     */
    props[PROP_CONNECTION_REQUEST_URL] = g_param_spec_string ("connection-request-url", NULL, NULL, NULL, RO);
    /**
     * HenbClient:tolerated-inputs:
     *
     * How often henbd accepted a harmless break of the CWMP schema from a HeMS since it
     * started (org.henbd.HeNB1.Management.ToleratedInputs).
     *
     * Since: 0.3
     */
    props[PROP_TOLERATED_INPUTS] = g_param_spec_uint ("tolerated-inputs", NULL, NULL, 0, G_MAXUINT, 0, RO);
    /**
     * HenbClient:cr-transports: (type GLib.Variant)
     *
     * The Connection Request transports, as henb_client_dup_cr_transports() returns them
     * (org.henbd.HeNB1.ConnectionRequest.Transports).
     *
     * Since: 0.3
     */
    props[PROP_CR_TRANSPORTS] = g_param_spec_variant ("cr-transports", NULL, NULL, G_VARIANT_TYPE ("a(sbss)"),
                                                      NULL, RO);
    /**
     * HenbClient:nat-detected:
     *
     * Whether STUN found henbd behind a NAT.
     *
     * Since: 0.3
     */
    props[PROP_NAT_DETECTED] = g_param_spec_boolean ("nat-detected", NULL, NULL, FALSE, RO);
    /**
     * HenbClient:udp-connection-request-address:
     *
     * Where UDP Connection Requests reach henbd as the HeMS sees it, "host:port"; "" when off.
     *
     * Since: 0.3
     */
    props[PROP_UDP_CONNECTION_REQUEST_ADDRESS] =
        g_param_spec_string ("udp-connection-request-address", NULL, NULL, NULL, RO);
    /**
     * HenbClient:stun-server:
     *
     * The STUN server in use, "host:port"; "" when STUN is off.
     *
     * Since: 0.3
     */
    props[PROP_STUN_SERVER] = g_param_spec_string ("stun-server", NULL, NULL, NULL, RO);
    /**
     * HenbClient:xmpp-state:
     *
     * "disabled", "starting", "active" or "failed".
     *
     * Since: 0.3
     */
    props[PROP_XMPP_STATE] = g_param_spec_string ("xmpp-state", NULL, NULL, NULL, RO);
    /**
     * HenbClient:xmpp-jabber-id:
     *
     * The full Jabber ID henbd is bound to; "" when not connected.
     *
     * Since: 0.3
     */
    props[PROP_XMPP_JABBER_ID] = g_param_spec_string ("xmpp-jabber-id", NULL, NULL, NULL, RO);
    /**
     * HenbClient:xmpp-server:
     *
     * The XMPP server connected to, "host:port"; "" when not connected.
     *
     * Since: 0.3
     */
    props[PROP_XMPP_SERVER] = g_param_spec_string ("xmpp-server", NULL, NULL, NULL, RO);
    /**
     * HenbClient:last-request: (type GLib.Variant)
     *
     * The transport of the last accepted Connection Request and when (µs since the epoch), as
     * henb_client_dup_last_request() returns it.
     *
     * Since: 0.3
     */
    props[PROP_LAST_REQUEST] = g_param_spec_variant ("last-request", NULL, NULL, G_VARIANT_TYPE ("(sx)"), NULL, RO);
    /**
     * HenbClient:cell-configuration: (type GLib.HashTable(utf8,utf8))
     *
     * The cell configuration henbd applied (henb_client_dup_cell_configuration()). It
     * changes once per HeMS session that changed it, together with
     * #HenbClient:cell-configuration-key.
     *
     * Since: 0.2
     */
    props[PROP_CELL_CONFIGURATION] = g_param_spec_boxed ("cell-configuration", NULL, NULL, G_TYPE_HASH_TABLE, RO);
    /**
     * HenbClient:cell-configuration-key:
     *
     * The ParameterKey of the session that applied #HenbClient:cell-configuration.
     *
     * Since: 0.2
     */
    props[PROP_CELL_CONFIGURATION_KEY] = g_param_spec_string ("cell-configuration-key", NULL, NULL, NULL, RO);
    /**
     * HenbClient:cell-admin-state:
     *
     * FAPControl.LTE.AdminState, as soon as the HeMS set it.
     *
     * Since: 0.2
     */
    props[PROP_CELL_ADMIN_STATE] = g_param_spec_boolean ("cell-admin-state", NULL, NULL, FALSE, RO);
    /**
     * HenbClient:cell-status: (type GLib.HashTable(utf8,utf8))
     *
     * The capability and status values of the radio stack (henb_client_dup_cell_status()).
     *
     * Since: 0.2
     */
    props[PROP_CELL_STATUS] = g_param_spec_boxed ("cell-status", NULL, NULL, G_TYPE_HASH_TABLE, RO);
    /**
     * HenbClient:radio-backend:
     *
     * The radio backend plugin henbd hands the configuration to, "" for none.
     *
     * Since: 0.2
     */
    props[PROP_RADIO_BACKEND] = g_param_spec_string ("radio-backend", NULL, NULL, NULL, RO);
    g_object_class_install_properties (object_class, N_PROPS, props);

    /**
     * HenbClient::state-changed:
     * @self: the client
     * @old: the previous #HenbState
     * @new_state: the new #HenbState
     * @reason: a #HenbStateChangeReason
     *
     * Emitted when henbd's state changes (org.henbd.HeNB1.StateChanged), after
     * #HenbClient:state; @reason says why.
     *
     * Since: 0.1
     */
    signals[SIGNAL_STATE_CHANGED] =
        g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_INT, G_TYPE_UINT);
    /**
     * HenbClient::s1-setup-requested:
     * @self: the client
     * @addresses: (array zero-terminated=1): S1 far-end IP addresses
     * @port: the SCTP port
     * @mode: "One" or "All"
     * @ipsec: whether S1 runs through the IPsec tunnel
     *
     * Emitted when henbd asks the radio stack to start S1 Setup with the S1 far ends the HeMS
     * configured (org.henbd.HeNB1.Serving.S1SetupRequested; the s1-handoff backend without a
     * command).
     *
     * Since: 0.1
     */
    signals[SIGNAL_S1_SETUP_REQUESTED] =
        g_signal_new ("s1-setup-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 4, G_TYPE_STRV, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_BOOLEAN);
    /**
     * HenbClient::cell-configuration-changed:
     * @self: the client
     * @parameter_key: the ParameterKey of the HeMS session that changed the cell configuration
     *   ("" after a factory reset)
     * @configuration: (element-type utf8 utf8): the whole configuration, as
     *   #HenbClient:cell-configuration holds it now
     *
     * Emitted once per HeMS session that changed the cell configuration, after the session,
     * and after a factory reset.
     *
     * Since: 0.2
     */
    signals[SIGNAL_CELL_CONFIGURATION_CHANGED] =
        g_signal_new ("cell-configuration-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_HASH_TABLE);
}

static void
henb_client_init (HenbClient *self)
{
}
