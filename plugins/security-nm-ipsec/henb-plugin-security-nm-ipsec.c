/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * security-nm-ipsec: IPsec tunnels through NetworkManager and NetworkManager-strongswan
 * (charon-nm). Each tunnel is a VPN connection of type org.freedesktop.NetworkManager.strongswan
 * with certificate authentication and a virtual IP, added "volatile" and bound to henbd's bus
 * name: NetworkManager deletes it when it goes down, and takes it down if henbd disappears.
 */
#include "config.h"

#include <NetworkManager.h>

#include "henb-errors.h"
#include "henb-ipsec.h"
#include "henb-main-context.h"
#include "henb-plugin.h"

#define STRONGSWAN_SERVICE "org.freedesktop.NetworkManager.strongswan"
#define VPN_PLUGIN_PATH    "/org/freedesktop/NetworkManager/VPN/Plugin"
#define VPN_PLUGIN_IFACE   "org.freedesktop.NetworkManager.VPN.Plugin"
/* marks connections henbd created, to find them after a crash */
#define OWNER_KEY   "org.henbd.owner"
#define OWNER_VALUE "henbd"

/* ------------------------------------------------------------------------------------------ */
/* The tunnel */

#define HENB_TYPE_NM_TUNNEL (henb_nm_tunnel_get_type ())
G_DECLARE_FINAL_TYPE (HenbNmTunnel, henb_nm_tunnel, HENB, NM_TUNNEL, HenbTunnel)

struct _HenbNmTunnel {
    HenbTunnel          parent_instance;
    NMClient           *client;
    NMActiveConnection *active;
    gboolean            closing;
};

G_DEFINE_TYPE (HenbNmTunnel, henb_nm_tunnel, HENB_TYPE_TUNNEL)

static const gchar *
reason_name (NMActiveConnectionStateReason reason)
{
    switch (reason) {
    case NM_ACTIVE_CONNECTION_STATE_REASON_USER_DISCONNECTED:
        return "disconnected by a user";
    case NM_ACTIVE_CONNECTION_STATE_REASON_DEVICE_DISCONNECTED:
        return "the underlying device disconnected";
    case NM_ACTIVE_CONNECTION_STATE_REASON_SERVICE_STOPPED:
        return "the VPN service stopped";
    case NM_ACTIVE_CONNECTION_STATE_REASON_IP_CONFIG_INVALID:
        return "invalid IP configuration from the SeGW";
    case NM_ACTIVE_CONNECTION_STATE_REASON_CONNECT_TIMEOUT:
        return "connection attempt timed out";
    case NM_ACTIVE_CONNECTION_STATE_REASON_SERVICE_START_TIMEOUT:
        return "the VPN service did not start in time";
    case NM_ACTIVE_CONNECTION_STATE_REASON_SERVICE_START_FAILED:
        return "the VPN service failed to start";
    case NM_ACTIVE_CONNECTION_STATE_REASON_NO_SECRETS:
        return "no secrets";
    case NM_ACTIVE_CONNECTION_STATE_REASON_LOGIN_FAILED:
        return "login failed";
    case NM_ACTIVE_CONNECTION_STATE_REASON_CONNECTION_REMOVED:
        return "the connection was removed";
    case NM_ACTIVE_CONNECTION_STATE_REASON_DEPENDENCY_FAILED:
        return "a dependency failed";
    case NM_ACTIVE_CONNECTION_STATE_REASON_UNKNOWN:
    case NM_ACTIVE_CONNECTION_STATE_REASON_NONE:
    default:
        return "unknown reason";
    }
}

static void
on_tunnel_vpn_state (NMVpnConnection *vpn, guint state, guint reason, HenbNmTunnel *self)
{
    g_autoptr(GError) error = NULL;

    if (self->closing || (state != NM_VPN_CONNECTION_STATE_FAILED && state != NM_VPN_CONNECTION_STATE_DISCONNECTED))
        return;
    error = g_error_new (HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_TUNNEL_DOWN,
                         "NetworkManager took the VPN down (%s)", reason_name (reason));
    henb_tunnel_emit_dropped (HENB_TUNNEL (self), error);
}

/* Taking a VPN down: deactivate it, wait until NetworkManager reports it gone, then until
 * NetworkManager-strongswan has stopped too. NetworkManager reports the VPN gone before its
 * plugin has handled the Disconnect; a VPN started in between takes the plugin's late Failure
 * for the old one as its own, and the plugin refuses a second VPN while the first is going
 * down. */
#define TAKE_DOWN_TIMEOUT_S   10
#define PLUGIN_POLL_INTERVAL_MS 25

typedef struct {
    NMActiveConnection *active;
    GDBusConnection    *bus;
    gulong              state_id;
    guint               timeout_id;
    guint               poll_id;
    gboolean            connection_gone;
    gboolean            returned;
} TakeDown;

static void
take_down_free (TakeDown *t)
{
    g_clear_signal_handler (&t->state_id, t->active);
    g_clear_handle_id (&t->timeout_id, henb_source_remove);
    g_clear_handle_id (&t->poll_id, henb_source_remove);
    g_clear_object (&t->active);
    g_clear_object (&t->bus);
    g_free (t);
}

static gboolean
is_gone (NMActiveConnection *active)
{
    return nm_active_connection_get_state (active) >= NM_ACTIVE_CONNECTION_STATE_DEACTIVATED;
}

/* Completes once; the task holds one reference for each pending source. */
static void
take_down_return (GTask *task, GError *error)
{
    TakeDown *t = g_task_get_task_data (task);

    if (t->returned) {
        g_clear_error (&error);
        return;
    }
    t->returned = TRUE;
    g_clear_signal_handler (&t->state_id, t->active);
    g_clear_handle_id (&t->timeout_id, henb_source_remove);
    g_clear_handle_id (&t->poll_id, henb_source_remove);
    if (error != NULL)
        g_task_return_error (task, error);
    else
        g_task_return_boolean (task, TRUE);
}

static void poll_plugin_state (GTask *task);

static gboolean
poll_plugin_again (gpointer user_data)
{
    GTask *task = user_data;
    TakeDown *t = g_task_get_task_data (task);

    t->poll_id = 0;
    poll_plugin_state (task);
    return G_SOURCE_REMOVE;
}

static void
plugin_state_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    TakeDown *t = g_task_get_task_data (task);
    g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), res, NULL);
    g_autoptr(GVariant) value = NULL;
    guint32 state = NM_VPN_SERVICE_STATE_STOPPED;

    if (t->returned)
        return;
    /* no plugin on the bus (it quits when idle) is a stopped one */
    if (reply != NULL) {
        g_variant_get (reply, "(v)", &value);
        if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
            state = g_variant_get_uint32 (value);
    }
    if (state == NM_VPN_SERVICE_STATE_STARTING || state == NM_VPN_SERVICE_STATE_STARTED ||
        state == NM_VPN_SERVICE_STATE_STOPPING) {
        t->poll_id = henb_timeout_add_full (G_PRIORITY_DEFAULT, PLUGIN_POLL_INTERVAL_MS, poll_plugin_again,
                                         g_object_ref (task), g_object_unref);
        return;
    }
    take_down_return (task, NULL);
}

static void
poll_plugin_state (GTask *task)
{
    TakeDown *t = g_task_get_task_data (task);

    g_dbus_connection_call (t->bus, STRONGSWAN_SERVICE, VPN_PLUGIN_PATH, "org.freedesktop.DBus.Properties", "Get",
                            g_variant_new ("(ss)", VPN_PLUGIN_IFACE, "State"), G_VARIANT_TYPE ("(v)"),
                            G_DBUS_CALL_FLAGS_NO_AUTO_START, 2000, NULL, plugin_state_ready, g_object_ref (task));
}

static void
connection_gone (GTask *task)
{
    TakeDown *t = g_task_get_task_data (task);

    if (t->connection_gone || t->returned)
        return;
    t->connection_gone = TRUE;
    g_clear_signal_handler (&t->state_id, t->active);
    poll_plugin_state (task);
}

static void
take_down_state_changed (NMActiveConnection *active, guint state, guint reason, GTask *task)
{
    if (state >= NM_ACTIVE_CONNECTION_STATE_DEACTIVATED)
        connection_gone (task);
}

static gboolean
take_down_timed_out (gpointer user_data)
{
    GTask *task = user_data;
    TakeDown *t = g_task_get_task_data (task);

    t->timeout_id = 0;
    /* the connection itself is gone: a plugin still busy (with a VPN not henbd's) is no failure */
    if (t->connection_gone) {
        g_debug ("NetworkManager-strongswan still busy %u s after the VPN %s went down", TAKE_DOWN_TIMEOUT_S,
                 nm_active_connection_get_id (t->active));
        take_down_return (task, NULL);
        return G_SOURCE_REMOVE;
    }
    take_down_return (task, g_error_new (HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_FAILED,
                                         "NetworkManager did not take the VPN %s down within %u s",
                                         nm_active_connection_get_id (t->active), TAKE_DOWN_TIMEOUT_S));
    return G_SOURCE_REMOVE;
}

static void
take_down_deactivated (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    TakeDown *t = g_task_get_task_data (task);
    g_autoptr(GError) error = NULL;

    /* not active (any more) counts as down: the connection was volatile */
    if (!nm_client_deactivate_connection_finish (NM_CLIENT (source), res, &error) &&
        !g_error_matches (error, NM_MANAGER_ERROR, NM_MANAGER_ERROR_CONNECTION_NOT_ACTIVE)) {
        take_down_return (task, g_error_new (HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_FAILED,
                                             "NetworkManager could not take the VPN down: %s",
                                             error->message));
        return;
    }
    if (error != NULL || is_gone (t->active))
        connection_gone (task);
}

static void
vpn_take_down_async (NMClient *client, NMActiveConnection *active, GAsyncReadyCallback callback,
                     gpointer user_data)
{
    g_autoptr(GTask) task = g_task_new (client, NULL, callback, user_data);
    TakeDown *t = g_new0 (TakeDown, 1);

    t->active = g_object_ref (active);
    t->bus = g_object_ref (nm_client_get_dbus_connection (client));
    g_task_set_task_data (task, t, (GDestroyNotify) take_down_free);
    t->timeout_id = henb_timeout_add_seconds_full (G_PRIORITY_DEFAULT, TAKE_DOWN_TIMEOUT_S, take_down_timed_out,
                                                g_object_ref (task), g_object_unref);
    if (is_gone (active)) {
        connection_gone (task);
        return;
    }
    t->state_id = g_signal_connect_object (active, "state-changed", G_CALLBACK (take_down_state_changed), task, 0);
    nm_client_deactivate_connection_async (client, active, NULL, take_down_deactivated, g_object_ref (task));
}

static gboolean
vpn_take_down_finish (NMClient *client, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean (G_TASK (result), error);
}

static void
tunnel_taken_down (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    GError *error = NULL;

    if (!vpn_take_down_finish (NM_CLIENT (source), res, &error))
        g_task_return_error (task, error);
    else
        g_task_return_boolean (task, TRUE);
}

static void
henb_nm_tunnel_close_async (HenbTunnel *tunnel, GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
    HenbNmTunnel *self = HENB_NM_TUNNEL (tunnel);
    GTask *task = g_task_new (self, cancellable, callback, user_data);

    self->closing = TRUE;
    vpn_take_down_async (self->client, self->active, tunnel_taken_down, task);
}

static gboolean
henb_nm_tunnel_close_finish (HenbTunnel *tunnel, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean (G_TASK (result), error);
}

static void
henb_nm_tunnel_dispose (GObject *object)
{
    HenbNmTunnel *self = HENB_NM_TUNNEL (object);

    if (self->active != NULL)
        g_signal_handlers_disconnect_by_data (self->active, self);
    g_clear_object (&self->active);
    g_clear_object (&self->client);
    G_OBJECT_CLASS (henb_nm_tunnel_parent_class)->dispose (object);
}

static void
henb_nm_tunnel_class_init (HenbNmTunnelClass *klass)
{
    G_OBJECT_CLASS (klass)->dispose = henb_nm_tunnel_dispose;
    HENB_TUNNEL_CLASS (klass)->close_async = henb_nm_tunnel_close_async;
    HENB_TUNNEL_CLASS (klass)->close_finish = henb_nm_tunnel_close_finish;
}

static void
henb_nm_tunnel_init (HenbNmTunnel *self)
{
}

/* ------------------------------------------------------------------------------------------ */
/* The plugin */

#define HENB_TYPE_SECURITY_NM_IPSEC (henb_security_nm_ipsec_get_type ())
G_DECLARE_FINAL_TYPE (HenbSecurityNmIpsec, henb_security_nm_ipsec, HENB, SECURITY_NM_IPSEC, HenbPlugin)

struct _HenbSecurityNmIpsec {
    HenbPlugin parent_instance;
    NMClient  *client;
};

static void henb_security_nm_ipsec_provider_init (HenbIpsecProviderInterface *iface);

G_DEFINE_TYPE_WITH_CODE (HenbSecurityNmIpsec, henb_security_nm_ipsec, HENB_TYPE_PLUGIN,
                         G_IMPLEMENT_INTERFACE (HENB_TYPE_IPSEC_PROVIDER, henb_security_nm_ipsec_provider_init))

/* NMClient is made once, on first use, on the main context. */
static void
client_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    HenbSecurityNmIpsec *self = g_task_get_source_object (task);
    GError *error = NULL;
    NMClient *client = nm_client_new_finish (res, &error);

    if (client == NULL) {
        g_task_return_new_error (task, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_FAILED,
                                 "cannot reach NetworkManager: %s", error->message);
        g_error_free (error);
        return;
    }
    if (self->client == NULL)
        self->client = client;
    else
        g_object_unref (client);
    if (!nm_client_get_nm_running (self->client)) {
        g_task_return_new_error (task, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_FAILED,
                                 "NetworkManager is not running");
        return;
    }
    g_task_return_boolean (task, TRUE);
}

static void
ensure_client_async (HenbSecurityNmIpsec *self, GCancellable *cancellable, GAsyncReadyCallback callback,
                     gpointer user_data)
{
    GTask *task = g_task_new (self, cancellable, callback, user_data);

    if (self->client != NULL && nm_client_get_nm_running (self->client)) {
        g_task_return_boolean (task, TRUE);
        g_object_unref (task);
        return;
    }
    nm_client_new_async (cancellable, client_ready, task);
}

static gboolean
is_ours (NMConnection *connection)
{
    NMSettingUser *user = NM_SETTING_USER (nm_connection_get_setting (connection, NM_TYPE_SETTING_USER));

    return user != NULL && g_strcmp0 (nm_setting_user_get_data (user, OWNER_KEY), OWNER_VALUE) == 0;
}

static NMConnection *
build_connection (const HenbIpsecParams *params, GError **error)
{
    NMConnection *connection = nm_simple_connection_new ();
    NMSetting *s_con = nm_setting_connection_new ();
    NMSetting *s_user = nm_setting_user_new ();
    NMSetting *s_vpn = nm_setting_vpn_new ();
    NMSetting *s_ip4 = nm_setting_ip4_config_new ();
    NMSetting *s_ip6 = nm_setting_ip6_config_new ();
    g_autofree gchar *uuid = nm_utils_uuid_generate ();
    g_autofree gchar *id = g_strdup_printf ("henbd-%s", params->label);
    g_autofree gchar *address = g_inet_address_to_string (params->gateway_address);

    g_object_set (s_con, NM_SETTING_CONNECTION_ID, id, NM_SETTING_CONNECTION_UUID, uuid,
                  NM_SETTING_CONNECTION_TYPE, NM_SETTING_VPN_SETTING_NAME,
                  NM_SETTING_CONNECTION_AUTOCONNECT, FALSE, NULL);
    nm_connection_add_setting (connection, s_con);
    nm_setting_user_set_data (NM_SETTING_USER (s_user), OWNER_KEY, OWNER_VALUE, NULL);
    nm_connection_add_setting (connection, s_user);

    g_object_set (s_vpn, NM_SETTING_VPN_SERVICE_TYPE, STRONGSWAN_SERVICE, NULL);
    /* IKE goes to the address henbd resolved in public DNS ... */
    nm_setting_vpn_add_data_item (NM_SETTING_VPN (s_vpn), "address", address);
    /* ... and the SeGW must prove the identity in the form it was configured */
    nm_setting_vpn_add_data_item (NM_SETTING_VPN (s_vpn), "remote-identity", params->gateway);
    if (params->local_identity != NULL)
        nm_setting_vpn_add_data_item (NM_SETTING_VPN (s_vpn), "local-identity", params->local_identity);
    nm_setting_vpn_add_data_item (NM_SETTING_VPN (s_vpn), "method", "key");
    nm_setting_vpn_add_data_item (NM_SETTING_VPN (s_vpn), "usercert", params->certificate_file);
    nm_setting_vpn_add_data_item (NM_SETTING_VPN (s_vpn), "userkey", params->key_file);
    nm_setting_vpn_add_data_item (NM_SETTING_VPN (s_vpn), "certificate", params->root_ca_file);
    nm_setting_vpn_add_data_item (NM_SETTING_VPN (s_vpn), "virtual", "yes");
    nm_setting_vpn_add_data_item (NM_SETTING_VPN (s_vpn), "encap", "no");
    nm_setting_vpn_add_data_item (NM_SETTING_VPN (s_vpn), "ipcomp", "no");
    nm_setting_vpn_add_data_item (NM_SETTING_VPN (s_vpn), "proposal", "no");
    nm_connection_add_setting (connection, s_vpn);

    /* only the SeGW's networks go through the tunnel, never the default route; the SeGW's DNS
     * servers are for henbd's lookups behind the tunnel, not for the host's resolver */
    g_object_set (s_ip4, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP4_CONFIG_METHOD_AUTO,
                  NM_SETTING_IP_CONFIG_NEVER_DEFAULT, TRUE, NM_SETTING_IP_CONFIG_IGNORE_AUTO_DNS, TRUE, NULL);
    nm_connection_add_setting (connection, s_ip4);
    g_object_set (s_ip6, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP6_CONFIG_METHOD_DISABLED, NULL);
    nm_connection_add_setting (connection, s_ip6);

    if (!nm_connection_verify (connection, error)) {
        g_object_unref (connection);
        return NULL;
    }
    return connection;
}

typedef struct {
    HenbIpsecParams     params;       /* strings owned below */
    gchar              *gateway;
    gchar              *gateway_address;
    GInetAddress       *address;
    gchar              *ca, *cert, *key, *local_id, *label;
    NMActiveConnection *active;
    guint               timeout_id;
    guint               poll_id;
    guint               polls;
    gulong              cancelled_id;
    GDBusConnection    *bus;
    guint               ip4config_id;
    GStrv               plugin_dns;   /* the DNS servers the SeGW assigned, as charon-nm saw them */
    gboolean            done;
    gboolean            adding;       /* NetworkManager has not answered the add yet */
    GError             *error;        /* returned once the failed VPN is down */
} Establish;

static void
establish_free (Establish *e)
{
    if (e->timeout_id != 0)
        henb_source_remove (e->timeout_id);
    if (e->poll_id != 0)
        henb_source_remove (e->poll_id);
    if (e->ip4config_id != 0)
        g_dbus_connection_signal_unsubscribe (e->bus, e->ip4config_id);
    g_clear_object (&e->bus);
    g_strfreev (e->plugin_dns);
    g_clear_object (&e->active);
    g_clear_object (&e->address);
    g_clear_error (&e->error);
    g_free (e->gateway);
    g_free (e->gateway_address);
    g_free (e->ca);
    g_free (e->cert);
    g_free (e->key);
    g_free (e->local_id);
    g_free (e->label);
    g_free (e);
}

static void
failed_vpn_taken_down (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    Establish *e = g_task_get_task_data (task);
    g_autoptr(GError) error = NULL;

    if (!vpn_take_down_finish (NM_CLIENT (source), res, &error))
        g_warning ("%s", error->message);
    g_task_return_error (task, g_steal_pointer (&e->error));
    g_object_unref (task);
}

/* Completes an establish task once; a half-made VPN is taken down first. */
static void
establish_return (GTask *task, HenbTunnel *tunnel, GError *error)
{
    HenbSecurityNmIpsec *self = g_task_get_source_object (task);
    Establish *e = g_task_get_task_data (task);

    if (e->done) {
        g_clear_error (&error);
        return;
    }
    e->done = TRUE;
    if (e->active != NULL)
        g_signal_handlers_disconnect_by_data (e->active, task);
    if (e->cancelled_id != 0) {
        g_cancellable_disconnect (g_task_get_cancellable (task), e->cancelled_id);
        e->cancelled_id = 0;
    }
    if (error != NULL && e->adding) {
        /* returned by activated(), once the VPN NetworkManager is adding can be taken down */
        e->error = error;
        return;
    }
    if (error != NULL && e->active != NULL) {
        /* the next attempt may only start once this one is gone, its plugin included */
        e->error = error;
        vpn_take_down_async (self->client, e->active, failed_vpn_taken_down, task);
        return;
    }
    if (error != NULL)
        g_task_return_error (task, error);
    else
        g_task_return_pointer (task, tunnel, g_object_unref);
    g_object_unref (task);
}

static const gchar *
identity_form (const gchar *identity)
{
    return g_hostname_is_ip_address (identity) ? "an IP address, to be found as an iPAddress SAN"
                                               : "an FQDN, to be found as a dNSName SAN";
}

static GError *
failure_error (Establish *e, guint reason)
{
    switch (reason) {
    case NM_ACTIVE_CONNECTION_STATE_REASON_LOGIN_FAILED:
        return g_error_new (HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_AUTH_FAILED,
                            "IKE authentication with SeGW %s failed (NetworkManager: %s): either side "
                            "refused the other's certificate; the SeGW identity %s is %s in a "
                            "certificate of the operator root CA", e->gateway, reason_name (reason),
                            e->gateway, identity_form (e->gateway));
    case NM_ACTIVE_CONNECTION_STATE_REASON_CONNECT_TIMEOUT:
    case NM_ACTIVE_CONNECTION_STATE_REASON_SERVICE_START_TIMEOUT:
        return g_error_new (HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_TIMEOUT,
                            "SeGW %s (%s) did not answer IKE in time (NetworkManager: %s)", e->gateway,
                            e->gateway_address, reason_name (reason));
    default:
        /* NetworkManager-strongswan does not pass IKE failures on: list what it can be */
        return g_error_new (HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_FAILED,
                            "IPsec with SeGW %s (%s) failed (NetworkManager: %s); NetworkManager-strongswan "
                            "does not say why: the SeGW certificate may be not from the operator root "
                            "CA, or not carry %s as %s, or the SeGW refused the HeNB (charon-nm's log "
                            "says which)", e->gateway, e->gateway_address, reason_name (reason),
                            e->gateway, identity_form (e->gateway));
    }
}

/* libnm may report ACTIVATED before the VPN's IP4Config carries the address. */
static gboolean
poll_ip4 (gpointer user_data)
{
    GTask *task = user_data;
    HenbSecurityNmIpsec *self = g_task_get_source_object (task);
    Establish *e = g_task_get_task_data (task);
    NMIPConfig *ip4 = nm_active_connection_get_ip4_config (e->active);
    g_autoptr(HenbNmTunnel) tunnel = NULL;
    g_autoptr(GPtrArray) dns = g_ptr_array_new ();
    const gchar *const *nameservers;
    GPtrArray *addresses;

    addresses = ip4 != NULL ? nm_ip_config_get_addresses (ip4) : NULL;
    if (addresses == NULL || addresses->len == 0) {
        if (++e->polls < 200)
            return G_SOURCE_CONTINUE;
        e->poll_id = 0;
        establish_return (task, NULL, g_error_new (HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_FAILED,
                                                   "the VPN to SeGW %s came up without an inner address",
                                                   e->gateway));
        return G_SOURCE_REMOVE;
    }
    e->poll_id = 0;
    nameservers = e->plugin_dns != NULL ? (const gchar *const *) e->plugin_dns : nm_ip_config_get_nameservers (ip4);
    for (guint i = 0; nameservers != NULL && nameservers[i] != NULL; i++)
        g_ptr_array_add (dns, (gpointer) nameservers[i]);
    g_ptr_array_add (dns, NULL);

    tunnel = g_object_new (HENB_TYPE_NM_TUNNEL, NULL);
    tunnel->client = g_object_ref (self->client);
    tunnel->active = g_object_ref (e->active);
    henb_tunnel_set_identity (HENB_TUNNEL (tunnel), "security-nm-ipsec", e->label, e->gateway, e->gateway_address);
    henb_tunnel_set_up (HENB_TUNNEL (tunnel), nm_ip_address_get_address (addresses->pdata[0]),
                        (const gchar *const *) dns->pdata);
    g_signal_connect (e->active, "vpn-state-changed", G_CALLBACK (on_tunnel_vpn_state), tunnel);
    establish_return (task, HENB_TUNNEL (g_steal_pointer (&tunnel)), NULL);
    return G_SOURCE_REMOVE;
}

static void
on_vpn_state (NMVpnConnection *vpn, guint state, guint reason, GTask *task)
{
    Establish *e = g_task_get_task_data (task);

    g_debug ("VPN to %s: state %u reason %u", e->gateway, state, reason);
    if (state == NM_VPN_CONNECTION_STATE_ACTIVATED && e->poll_id == 0) {
        e->poll_id = henb_timeout_add (25, poll_ip4, task);
    } else if (state == NM_VPN_CONNECTION_STATE_FAILED || state == NM_VPN_CONNECTION_STATE_DISCONNECTED) {
        establish_return (task, NULL, failure_error (e, reason));
    }
}

static gboolean
establish_timed_out (gpointer user_data)
{
    GTask *task = user_data;
    Establish *e = g_task_get_task_data (task);

    e->timeout_id = 0;
    establish_return (task, NULL, g_error_new (HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_TIMEOUT,
                                               "SeGW %s (%s) did not complete IKE within %u s",
                                               e->gateway, e->gateway_address, e->params.timeout));
    return G_SOURCE_REMOVE;
}

static gboolean
establish_cancelled_idle (gpointer user_data)
{
    GTask *task = user_data;

    establish_return (task, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled"));
    return G_SOURCE_REMOVE;
}

/* Not handled here: establish_return() disconnects this handler, which GLib does not allow
 * from inside it (g_cancellable_disconnect() would wait for the handler to finish). */
static void
on_establish_cancelled (GCancellable *cancellable, GTask *task)
{
    henb_idle_add_full (G_PRIORITY_DEFAULT, establish_cancelled_idle, g_object_ref (task), g_object_unref);
}

/* The add's answer; @user_data is the add's own reference to the task. */
static void
activated (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    Establish *e = g_task_get_task_data (task);
    g_autoptr(GError) error = NULL;
    NMActiveConnection *active;

    active = nm_client_add_and_activate_connection2_finish (NM_CLIENT (source), res, NULL, &error);
    e->adding = FALSE;
    if (e->done) {
        /* ended (cancelled, timed out) while NetworkManager was adding it: down first */
        e->active = active;
        if (active != NULL) {
            vpn_take_down_async (NM_CLIENT (source), active, failed_vpn_taken_down, task);
        } else {
            /* the task's own reference, which establish_return() left for this */
            g_task_return_error (task, g_steal_pointer (&e->error));
            g_object_unref (task);
        }
        return;
    }
    if (active == NULL) {
        establish_return (task, NULL, g_error_new (HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_FAILED,
                                                   "NetworkManager refused the VPN to %s: %s",
                                                   e->gateway, error->message));
        return;
    }
    e->active = active;
    if (!NM_IS_VPN_CONNECTION (active)) {
        establish_return (task, NULL, g_error_new (HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_FAILED,
                                                   "NetworkManager did not start a VPN for %s", e->gateway));
        return;
    }
    g_signal_connect (active, "vpn-state-changed", G_CALLBACK (on_vpn_state), task);
    on_vpn_state (NM_VPN_CONNECTION (active), nm_vpn_connection_get_vpn_state (NM_VPN_CONNECTION (active)),
                  NM_ACTIVE_CONNECTION_STATE_REASON_NONE, task);
}

/* The VPN plugin's Ip4Config signal carries the DNS servers the SeGW assigned ("dns": au, network
 * byte order). henbd takes them from there, because the connection tells NetworkManager to ignore
 * them: they serve henbd's own lookups, not the host's resolver. NetworkManager-strongswan runs
 * one VPN at a time, so the signal during our activation is ours. */
static void
on_plugin_ip4config (GDBusConnection *bus, const gchar *sender, const gchar *path, const gchar *iface,
                     const gchar *signal, GVariant *parameters, gpointer user_data)
{
    Establish *e = user_data;
    g_autoptr(GVariant) config = NULL;
    g_autoptr(GVariant) dns = NULL;
    g_autoptr(GStrvBuilder) list = g_strv_builder_new ();
    const guint32 *addresses;
    gsize n = 0;

    if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(a{sv})")))
        return;
    g_variant_get (parameters, "(@a{sv})", &config);
    dns = g_variant_lookup_value (config, "dns", G_VARIANT_TYPE ("au"));
    addresses = dns != NULL ? g_variant_get_fixed_array (dns, &n, sizeof (guint32)) : NULL;
    for (gsize i = 0; i < n; i++) {
        g_autoptr(GInetAddress) a = g_inet_address_new_from_bytes ((const guint8 *) &addresses[i],
                                                                   G_SOCKET_FAMILY_IPV4);
        g_autofree gchar *text = g_inet_address_to_string (a);

        g_strv_builder_add (list, text);
    }
    g_strfreev (e->plugin_dns);
    e->plugin_dns = g_strv_builder_end (list);
}

static void
establish_client_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbSecurityNmIpsec *self = HENB_SECURITY_NM_IPSEC (source);
    Establish *e = g_task_get_task_data (task);
    g_autoptr(NMConnection) connection = NULL;
    GVariantBuilder options;
    GError *error = NULL;

    if (!g_task_propagate_boolean (G_TASK (res), &error)) {
        establish_return (task, NULL, error);
        return;
    }
    connection = build_connection (&e->params, &error);
    if (connection == NULL) {
        establish_return (task, NULL, error);
        return;
    }
    e->bus = g_object_ref (nm_client_get_dbus_connection (self->client));
    e->ip4config_id = g_dbus_connection_signal_subscribe (e->bus, STRONGSWAN_SERVICE, VPN_PLUGIN_IFACE, "Ip4Config",
                                                          VPN_PLUGIN_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                                          on_plugin_ip4config, e, NULL);
    g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
    /* removed by NetworkManager when it goes down, and taken down if henbd disappears */
    g_variant_builder_add (&options, "{sv}", "persist", g_variant_new_string ("volatile"));
    g_variant_builder_add (&options, "{sv}", "bind-activation", g_variant_new_string ("dbus-client"));
    e->timeout_id = henb_timeout_add_seconds (e->params.timeout, establish_timed_out, task);
    if (g_task_get_cancellable (task) != NULL)
        e->cancelled_id = g_cancellable_connect (g_task_get_cancellable (task), G_CALLBACK (on_establish_cancelled),
                                                 task, NULL);
    /* already cancelled: the task has been completed and released */
    if (e->done)
        return;
    /* the add callback holds its own reference */
    e->adding = TRUE;
    nm_client_add_and_activate_connection2 (self->client, connection, NULL, NULL, g_variant_builder_end (&options),
                                            NULL, activated, g_object_ref (task));
}

static void
establish_async (HenbIpsecProvider *provider, const HenbIpsecParams *params, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data)
{
    HenbSecurityNmIpsec *self = HENB_SECURITY_NM_IPSEC (provider);
    GTask *task = g_task_new (self, cancellable, callback, user_data);
    Establish *e = g_new0 (Establish, 1);

    g_task_set_source_tag (task, establish_async);
    e->gateway = g_strdup (params->gateway);
    e->address = g_object_ref (params->gateway_address);
    e->gateway_address = g_inet_address_to_string (params->gateway_address);
    e->ca = g_strdup (params->root_ca_file);
    e->cert = g_strdup (params->certificate_file);
    e->key = g_strdup (params->key_file);
    e->local_id = g_strdup (params->local_identity);
    e->label = g_strdup (params->label);
    e->params.label = e->label;
    e->params.gateway = e->gateway;
    e->params.gateway_address = e->address;
    e->params.root_ca_file = e->ca;
    e->params.certificate_file = e->cert;
    e->params.key_file = e->key;
    e->params.local_identity = e->local_id;
    e->params.timeout = MAX (params->timeout, 1);
    g_task_set_task_data (task, e, (GDestroyNotify) establish_free);
    ensure_client_async (self, cancellable, establish_client_ready, task);
}

static HenbTunnel *
establish_finish (HenbIpsecProvider *provider, GAsyncResult *result, GError **error)
{
    return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* Clean-up of what an earlier henbd left */

typedef struct {
    guint pending;
} Cleanup;

static void
cleanup_step_done (GTask *task)
{
    Cleanup *c = g_task_get_task_data (task);

    if (--c->pending == 0) {
        g_task_return_boolean (task, TRUE);
        g_object_unref (task);
    }
}

static void
leftover_deleted (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(GError) error = NULL;

    if (!nm_remote_connection_delete_finish (NM_REMOTE_CONNECTION (source), res, &error))
        g_warning ("removing the leftover VPN %s: %s", nm_connection_get_id (NM_CONNECTION (source)),
                   error->message);
    cleanup_step_done (user_data);
}

static void
cleanup_client_ready (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbSecurityNmIpsec *self = HENB_SECURITY_NM_IPSEC (source);
    Cleanup *c = g_task_get_task_data (task);
    const GPtrArray *connections;
    GError *error = NULL;

    /* henbd's VPNs are volatile: without a running NetworkManager none is left, and a HeNB
     * that does not use this backend has no NetworkManager to complain about */
    if (!g_task_propagate_boolean (G_TASK (res), &error)) {
        g_debug ("no VPN of an earlier henbd to remove: %s", error->message);
        g_error_free (error);
        g_task_return_boolean (task, TRUE);
        g_object_unref (task);
        return;
    }
    connections = nm_client_get_connections (self->client);
    c->pending = 1;
    for (guint i = 0; i < connections->len; i++) {
        NMRemoteConnection *rc = connections->pdata[i];

        if (!is_ours (NM_CONNECTION (rc)))
            continue;
        g_message ("removing VPN %s left by an earlier henbd", nm_connection_get_id (NM_CONNECTION (rc)));
        c->pending++;
        nm_remote_connection_delete_async (rc, NULL, leftover_deleted, task);
    }
    cleanup_step_done (task);
}

static void
cleanup_async (HenbIpsecProvider *provider, GCancellable *cancellable, GAsyncReadyCallback callback,
               gpointer user_data)
{
    HenbSecurityNmIpsec *self = HENB_SECURITY_NM_IPSEC (provider);
    GTask *task = g_task_new (self, cancellable, callback, user_data);

    g_task_set_task_data (task, g_new0 (Cleanup, 1), g_free);
    ensure_client_async (self, cancellable, cleanup_client_ready, task);
}

static gboolean
cleanup_finish (HenbIpsecProvider *provider, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean (G_TASK (result), error);
}

static void
henb_security_nm_ipsec_provider_init (HenbIpsecProviderInterface *iface)
{
    iface->establish_async = establish_async;
    iface->establish_finish = establish_finish;
    iface->cleanup_async = cleanup_async;
    iface->cleanup_finish = cleanup_finish;
}

static void
henb_security_nm_ipsec_dispose (GObject *object)
{
    g_clear_object (&HENB_SECURITY_NM_IPSEC (object)->client);
    G_OBJECT_CLASS (henb_security_nm_ipsec_parent_class)->dispose (object);
}

static void
henb_security_nm_ipsec_class_init (HenbSecurityNmIpsecClass *klass)
{
    G_OBJECT_CLASS (klass)->dispose = henb_security_nm_ipsec_dispose;
}

static void
henb_security_nm_ipsec_init (HenbSecurityNmIpsec *self)
{
}

HENB_PLUGIN_DEFINE (HENB_TYPE_SECURITY_NM_IPSEC, "security-nm-ipsec")
