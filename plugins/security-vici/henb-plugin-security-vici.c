/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * security-vici: IPsec tunnels through strongSwan's charon, driven over its VICI socket (no
 * NetworkManager), for headless gateways. henbd loads its own credentials and connection
 * ("henbd-initial", "henbd-serving"), initiates it, and unloads it again when the tunnel closes.
 *
 * [IPsec] ViciSocket   charon's VICI socket (default /var/run/charon.vici)
 *         ResolveFile  where charon's resolve plugin writes the DNS servers the SeGW assigned
 *                      (charon.plugins.resolve.file; never the host's /etc/resolv.conf)
 *         DpdDelay     seconds between dead peer detection probes (default 30)
 */
#include "config.h"

#include <string.h>

#include "henb-errors.h"
#include "henb-file.h"
#include "henb-ipsec.h"
#include "henb-plugin.h"
#include "henb-vici-client.h"

#define CONN_PREFIX "henbd-"

typedef struct {
    gchar *socket_path;
    gchar *resolve_file;
    guint  dpd_delay;
} ViciSettings;

/* ------------------------------------------------------------------------------------------ */
/* The tunnel */

#define HENB_TYPE_VICI_TUNNEL (henb_vici_tunnel_get_type ())
G_DECLARE_FINAL_TYPE (HenbViciTunnel, henb_vici_tunnel, HENB, VICI_TUNNEL, HenbTunnel)

struct _HenbViciTunnel {
    HenbTunnel      parent_instance;
    HenbViciClient *client;
    gchar          *name;     /* the connection and IKE_SA name in charon */
    gboolean        closing;
};

G_DEFINE_TYPE (HenbViciTunnel, henb_vici_tunnel, HENB_TYPE_TUNNEL)

static void
tunnel_dropped (HenbViciTunnel *self, const gchar *why)
{
    g_autoptr(GError) error = NULL;

    if (self->closing)
        return;
    error = g_error_new (HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_TUNNEL_DOWN, "%s", why);
    henb_tunnel_emit_dropped (HENB_TUNNEL (self), error);
}

/* ike-updown: {<name>: {...}, up: yes} when it comes up, without "up" when it goes down */
static void
on_ike_updown (HenbViciClient *client, const gchar *event, GVariant *message, HenbViciTunnel *self)
{
    g_autoptr(GVariant) sa = g_variant_lookup_value (message, self->name, G_VARIANT_TYPE_VARDICT);
    const gchar *up = NULL;

    if (sa == NULL)
        return;
    g_variant_lookup (message, "up", "&s", &up);
    if (g_strcmp0 (up, "yes") != 0)
        tunnel_dropped (self, "the IKE_SA with the SeGW was deleted");
}

static void
on_client_closed (HenbViciClient *client, const GError *reason, HenbViciTunnel *self)
{
    g_autofree gchar *why = g_strdup_printf ("lost charon's VICI socket: %s", reason->message);

    tunnel_dropped (self, why);
}

typedef struct {
    guint pending;
} CloseRun;

static void
close_unloaded (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    g_autoptr(GVariant) response = henb_vici_client_command_finish (HENB_VICI_CLIENT (source), res, NULL);

    g_task_return_boolean (task, TRUE);
}

static void
close_terminated (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbViciTunnel *self = g_task_get_source_object (task);
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) response = henb_vici_client_command_finish (HENB_VICI_CLIENT (source), res, &error);
    GVariantBuilder b;

    /* an SA that is already gone is as good as terminated */
    if (response == NULL)
        g_debug ("terminate %s: %s", self->name, error->message);
    g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&b, "{sv}", "name", g_variant_new_string (self->name));
    henb_vici_client_command_async (self->client, "unload-conn", g_variant_builder_end (&b), NULL,
                                    close_unloaded, task);
}

static void
henb_vici_tunnel_close_async (HenbTunnel *tunnel, GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
    HenbViciTunnel *self = HENB_VICI_TUNNEL (tunnel);
    GTask *task = g_task_new (self, cancellable, callback, user_data);
    GVariantBuilder b;

    self->closing = TRUE;
    if (henb_vici_client_is_closed (self->client)) {
        g_task_return_boolean (task, TRUE);
        g_object_unref (task);
        return;
    }
    g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&b, "{sv}", "ike", g_variant_new_string (self->name));
    g_variant_builder_add (&b, "{sv}", "timeout", g_variant_new_string ("5000"));
    henb_vici_client_command_async (self->client, "terminate", g_variant_builder_end (&b), NULL,
                                    close_terminated, task);
}

static gboolean
henb_vici_tunnel_close_finish (HenbTunnel *tunnel, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean (G_TASK (result), error);
}

static void
henb_vici_tunnel_dispose (GObject *object)
{
    HenbViciTunnel *self = HENB_VICI_TUNNEL (object);

    if (self->client != NULL) {
        g_signal_handlers_disconnect_by_data (self->client, self);
        henb_vici_client_close (self->client);
    }
    g_clear_object (&self->client);
    G_OBJECT_CLASS (henb_vici_tunnel_parent_class)->dispose (object);
}

static void
henb_vici_tunnel_finalize (GObject *object)
{
    g_free (HENB_VICI_TUNNEL (object)->name);
    G_OBJECT_CLASS (henb_vici_tunnel_parent_class)->finalize (object);
}

static void
henb_vici_tunnel_class_init (HenbViciTunnelClass *klass)
{
    G_OBJECT_CLASS (klass)->dispose = henb_vici_tunnel_dispose;
    G_OBJECT_CLASS (klass)->finalize = henb_vici_tunnel_finalize;
    HENB_TUNNEL_CLASS (klass)->close_async = henb_vici_tunnel_close_async;
    HENB_TUNNEL_CLASS (klass)->close_finish = henb_vici_tunnel_close_finish;
}

static void
henb_vici_tunnel_init (HenbViciTunnel *self)
{
}

/* ------------------------------------------------------------------------------------------ */
/* Why IKE failed, from charon's control log */

static gchar *
quoted (const gchar *line)
{
    const gchar *start = strchr (line, '"');
    const gchar *end = start != NULL ? strchr (start + 1, '"') : NULL;

    return end != NULL ? g_strndup (start + 1, end - start - 1) : g_strdup ("?");
}

static GError *
classify_failure (GPtrArray *log, const gchar *errmsg, const HenbIpsecParams *params,
                  const gchar *address)
{
    const gchar *gateway = params->gateway;
    g_autofree gchar *peer_cert = NULL;
    gboolean issuer_missing = FALSE, no_trusted_key = FALSE, auth_failed = FALSE;
    gboolean no_answer = FALSE, signature_failed = FALSE, constraint = FALSE;
    g_autofree gchar *issuer_subject = NULL;

    for (guint i = 0; i < log->len; i++) {
        const gchar *line = log->pdata[i];

        if (strstr (line, "received end entity cert") != NULL) {
            g_free (peer_cert);
            peer_cert = quoted (line);
        } else if (strstr (line, "no issuer certificate found for") != NULL) {
            issuer_missing = TRUE;
            g_free (issuer_subject);
            issuer_subject = quoted (line);
        } else if (strstr (line, "received AUTHENTICATION_FAILED") != NULL) {
            auth_failed = TRUE;
        } else if (strstr (line, "constraint check failed") != NULL) {
            constraint = TRUE;
        } else if (strstr (line, "public key found for") != NULL && strstr (line, "no trusted") != NULL) {
            no_trusted_key = TRUE;
        } else if (strstr (line, "signature validation failed") != NULL) {
            signature_failed = TRUE;
        } else if (strstr (line, "giving up after") != NULL || strstr (line, "peer not responding") != NULL) {
            no_answer = TRUE;
        }
    }
    if (issuer_missing)
        return g_error_new (HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_UNKNOWN_CA,
                            "the certificate of SeGW %s is not issued by the operator root CA %s (%s)",
                            gateway, params->root_ca_file, issuer_subject);
    if (constraint || no_trusted_key)
        return g_error_new (HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_IDENTITY_MISMATCH,
                            "SeGW identity %s is configured as %s, but the SeGW's certificate%s%s%s "
                            "does not carry it in that form", gateway,
                            g_hostname_is_ip_address (gateway) ? "an IP address (iPAddress SAN)"
                                                               : "an FQDN (dNSName SAN)",
                            peer_cert != NULL ? " (" : "", peer_cert != NULL ? peer_cert : "",
                            peer_cert != NULL ? ")" : "");
    if (signature_failed)
        return g_error_new (HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_UNKNOWN_CA,
                            "SeGW %s could not prove its identity with a certificate of the operator "
                            "root CA %s (signature validation failed)", gateway, params->root_ca_file);
    if (auth_failed)
        return g_error_new (HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_AUTH_FAILED,
                            "SeGW %s refused the HeNB's authentication (AUTHENTICATION_FAILED): it does "
                            "not accept the device certificate", gateway);
    if (no_answer || (errmsg != NULL && strstr (errmsg, "not established after") != NULL))
        return g_error_new (HENB_NETWORK_ERROR, HENB_NETWORK_ERROR_TIMEOUT,
                            "SeGW %s (%s) did not answer IKE", gateway, address);
    return g_error_new (HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_FAILED,
                        "IKE with SeGW %s (%s) failed: %s%s%s", gateway, address,
                        errmsg != NULL ? errmsg : "unknown error",
                        log->len > 0 ? "; last log: " : "", log->len > 0 ? (gchar *) log->pdata[log->len - 1] : "");
}

/* ------------------------------------------------------------------------------------------ */
/* The plugin */

#define HENB_TYPE_SECURITY_VICI (henb_security_vici_get_type ())
G_DECLARE_FINAL_TYPE (HenbSecurityVici, henb_security_vici, HENB, SECURITY_VICI, HenbPlugin)

struct _HenbSecurityVici {
    HenbPlugin   parent_instance;
    ViciSettings settings;
};

static void henb_security_vici_provider_init (HenbIpsecProviderInterface *iface);

/* what henb_security_vici_configure reads */
static const gchar *const vici_settings[] = { "ViciSocket", "ResolveFile", "DpdDelay", NULL };

G_DEFINE_TYPE_WITH_CODE (HenbSecurityVici, henb_security_vici, HENB_TYPE_PLUGIN,
                         G_IMPLEMENT_INTERFACE (HENB_TYPE_IPSEC_PROVIDER, henb_security_vici_provider_init))

typedef enum {
    EST_CONNECT,
    EST_REGISTER_LOG,
    EST_REGISTER_UPDOWN,
    EST_LOAD_CA,
    EST_LOAD_CERT,
    EST_LOAD_KEY,
    EST_LOAD_CONN,
    EST_INITIATE,
    EST_REGISTER_LIST,
    EST_LIST_SAS,
    EST_DONE,
} EstablishStep;

typedef struct {
    EstablishStep   step;
    HenbViciClient *client;
    gchar          *name;
    gchar          *label;
    gchar          *gateway;
    gchar          *address;
    gchar          *ca_pem, *cert_pem, *key_pem;
    gchar          *local_id;
    gchar          *root_ca_file;
    guint           timeout;
    GPtrArray      *log;        /* control-log lines of the initiate */
    gchar          *vip;
    gulong          log_id, list_id;
    gboolean        loaded;     /* the connection is (maybe) in charon: unload it on failure */
    HenbViciClient *purge;      /* a failed attempt's own connection to clear charon */
    GError         *error;      /* returned once charon is clear */
} Establish;

static void
establish_free (Establish *e)
{
    if (e->client != NULL) {
        if (e->log_id != 0)
            g_signal_handler_disconnect (e->client, e->log_id);
        if (e->list_id != 0)
            g_signal_handler_disconnect (e->client, e->list_id);
    }
    g_clear_object (&e->client);
    g_clear_object (&e->purge);
    g_clear_error (&e->error);
    g_free (e->name);
    g_free (e->label);
    g_free (e->gateway);
    g_free (e->address);
    g_free (e->ca_pem);
    g_free (e->cert_pem);
    g_free (e->key_pem);
    g_free (e->local_id);
    g_free (e->root_ca_file);
    g_ptr_array_unref (e->log);
    g_free (e->vip);
    g_free (e);
}

static void establish_step (GTask *task);

static void
on_control_log (HenbViciClient *client, const gchar *event, GVariant *message, Establish *e)
{
    const gchar *msg = NULL;

    if (g_variant_lookup (message, "msg", "&s", &msg)) {
        g_debug ("charon: %s", msg);
        g_ptr_array_add (e->log, g_strdup (msg));
    }
}

static void
on_list_sa (HenbViciClient *client, const gchar *event, GVariant *message, Establish *e)
{
    g_autoptr(GVariant) sa = g_variant_lookup_value (message, e->name, G_VARIANT_TYPE_VARDICT);
    g_autofree const gchar **vips = NULL;

    if (sa == NULL)
        return;
    if (g_variant_lookup (sa, "local-vips", "^a&s", &vips) && vips[0] != NULL) {
        g_free (e->vip);
        e->vip = g_strdup (vips[0]);
    }
}

/*
 * A failed or cancelled attempt leaves nothing in charon: no half-open IKE_SA, no connection.
 * That goes over a connection of its own, since the attempt's may still be waiting for its
 * "initiate" (charon answers one command at a time), and the attempt reports only once charon
 * is clear, so that the next attempt, or henbd's exit, finds nothing in the way.
 */
static void
purge_return (GTask *task)
{
    Establish *e = g_task_get_task_data (task);

    g_clear_object (&e->purge);
    g_task_return_error (task, g_steal_pointer (&e->error));
    g_object_unref (task);
}

static void
purge_unloaded (GObject *source, GAsyncResult *res, gpointer user_data)
{
    /* "not found" when the load never got through: as clear as it gets */
    g_autoptr(GVariant) response = henb_vici_client_command_finish (HENB_VICI_CLIENT (source), res, NULL);

    purge_return (user_data);
}

static void
purge_terminated (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    Establish *e = g_task_get_task_data (task);
    g_autoptr(GVariant) response = henb_vici_client_command_finish (HENB_VICI_CLIENT (source), res, NULL);
    GVariantBuilder b;

    g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&b, "{sv}", "name", g_variant_new_string (e->name));
    henb_vici_client_command_async (e->purge, "unload-conn", g_variant_builder_end (&b), NULL, purge_unloaded,
                                    task);
}

static void
purge_connected (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    Establish *e = g_task_get_task_data (task);
    g_autoptr(GError) error = NULL;
    GVariantBuilder b;

    e->purge = henb_vici_client_new_finish (res, &error);
    if (e->purge == NULL) {
        g_message ("cannot clear %s from charon: %s", e->name, error->message);
        purge_return (task);
        return;
    }
    g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&b, "{sv}", "ike", g_variant_new_string (e->name));
    g_variant_builder_add (&b, "{sv}", "force", g_variant_new_string ("yes"));
    g_variant_builder_add (&b, "{sv}", "timeout", g_variant_new_string ("-1"));
    henb_vici_client_command_async (e->purge, "terminate", g_variant_builder_end (&b), NULL, purge_terminated,
                                    task);
}

static void
establish_fail (GTask *task, GError *error)
{
    HenbSecurityVici *self = g_task_get_source_object (task);
    Establish *e = g_task_get_task_data (task);

    if (!e->loaded) {
        g_task_return_error (task, error);
        g_object_unref (task);
        return;
    }
    e->error = error;
    henb_vici_client_new_async (self->settings.socket_path, NULL, purge_connected, task);
}

/* The DNS servers charon's resolve plugin wrote for the SeGW's INTERNAL_IP4_DNS. */
static GStrv
read_dns_servers (const gchar *path)
{
    g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
    g_autofree gchar *contents = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GError) error = NULL;

    /* charon's resolve.file is often /etc/resolv.conf, commonly a link: followed */
    if (path == NULL)
        return g_strv_builder_end (b);
    if (!henb_file_read (path, "[IPsec] ResolveFile", HENB_FILE_MAX_CONFIG, HENB_FILE_FLAGS_NONE, &contents, NULL,
                         &error)) {
        if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            g_message ("no DNS servers from the SeGW: %s", error->message);
        return g_strv_builder_end (b);
    }
    lines = g_strsplit (contents, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        g_auto(GStrv) words = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
        guint n = 0;

        while (words[n] != NULL && words[n][0] == '\0')
            n++;
        if (g_strcmp0 (words[n], "nameserver") != 0)
            continue;
        for (n++; words[n] != NULL && words[n][0] == '\0'; n++)
            ;
        if (words[n] != NULL && g_hostname_is_ip_address (words[n]))
            g_strv_builder_add (b, words[n]);
    }
    return g_strv_builder_end (b);
}

static void
command_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    Establish *e = g_task_get_task_data (task);
    GError *error = NULL;
    g_autoptr(GVariant) response = henb_vici_client_command_finish (HENB_VICI_CLIENT (source), res, &error);
    const gchar *errmsg = NULL;

    if (response == NULL) {
        g_prefix_error (&error, "charon (%s): ", henb_vici_client_get_socket_path (e->client));
        establish_fail (task, error);
        return;
    }
    if (e->step == EST_INITIATE) {
        g_signal_handler_disconnect (e->client, e->log_id);
        e->log_id = 0;
        if (!henb_vici_response_check (response, NULL)) {
            HenbIpsecParams params = { .gateway = e->gateway, .root_ca_file = e->root_ca_file };

            g_variant_lookup (response, "errmsg", "&s", &errmsg);
            establish_fail (task, classify_failure (e->log, errmsg, &params, e->address));
            return;
        }
    } else if (!henb_vici_response_check (response, &error)) {
        g_prefix_error (&error, "charon refused henbd's configuration: ");
        establish_fail (task, error);
        return;
    }
    e->step++;
    establish_step (task);
}

static void
registered (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    Establish *e = g_task_get_task_data (task);
    GError *error = NULL;

    if (!henb_vici_client_register_finish (HENB_VICI_CLIENT (source), res, &error)) {
        establish_fail (task, error);
        return;
    }
    e->step++;
    establish_step (task);
}

static void
connected (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbSecurityVici *self = g_task_get_source_object (task);
    Establish *e = g_task_get_task_data (task);
    g_autoptr(GError) error = NULL;

    e->client = henb_vici_client_new_finish (res, &error);
    if (e->client == NULL) {
        establish_fail (task, g_error_new (HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_FAILED,
                                           "cannot reach charon at %s: %s", self->settings.socket_path,
                                           error->message));
        return;
    }
    e->step++;
    establish_step (task);
}

static GVariant *
credential (const gchar *type, const gchar *flag, const gchar *pem)
{
    GVariantBuilder b;

    g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&b, "{sv}", "type", g_variant_new_string (type));
    if (flag != NULL)
        g_variant_builder_add (&b, "{sv}", "flag", g_variant_new_string (flag));
    g_variant_builder_add (&b, "{sv}", "data", g_variant_new_string (pem));
    return g_variant_builder_end (&b);
}

static GVariant *
strv1 (const gchar *value)
{
    const gchar *v[] = { value, NULL };

    return g_variant_new_strv (v, 1);
}

static GVariant *
build_conn (HenbSecurityVici *self, Establish *e)
{
    GVariantBuilder conn, local, remote, children, child, outer;
    g_autofree gchar *dpd = g_strdup_printf ("%u", self->settings.dpd_delay);

    g_variant_builder_init (&local, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&local, "{sv}", "auth", g_variant_new_string ("pubkey"));
    g_variant_builder_add (&local, "{sv}", "certs", strv1 (e->cert_pem));
    if (e->local_id != NULL)
        g_variant_builder_add (&local, "{sv}", "id", g_variant_new_string (e->local_id));

    g_variant_builder_init (&remote, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&remote, "{sv}", "auth", g_variant_new_string ("pubkey"));
    /* sent as IDr and required in the certificate in the same form: an IP address as an
     * IP SAN, an FQDN as a DNS SAN (charon 5.9 VICI has no loose "%" identities) */
    g_variant_builder_add (&remote, "{sv}", "id", g_variant_new_string (e->gateway));
    g_variant_builder_add (&remote, "{sv}", "cacerts", strv1 (e->ca_pem));

    g_variant_builder_init (&child, G_VARIANT_TYPE_VARDICT);
    /* whatever the SeGW offers behind it; it narrows this to its networks */
    g_variant_builder_add (&child, "{sv}", "remote_ts", strv1 ("0.0.0.0/0"));
    g_variant_builder_add (&child, "{sv}", "start_action", g_variant_new_string ("none"));
    g_variant_builder_add (&child, "{sv}", "dpd_action", g_variant_new_string ("clear"));
    g_variant_builder_init (&children, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&children, "{sv}", e->name, g_variant_builder_end (&child));

    g_variant_builder_init (&conn, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&conn, "{sv}", "version", g_variant_new_string ("2"));
    g_variant_builder_add (&conn, "{sv}", "remote_addrs", strv1 (e->address));
    g_variant_builder_add (&conn, "{sv}", "vips", strv1 ("0.0.0.0"));
    g_variant_builder_add (&conn, "{sv}", "send_cert", g_variant_new_string ("always"));
    g_variant_builder_add (&conn, "{sv}", "mobike", g_variant_new_string ("no"));
    g_variant_builder_add (&conn, "{sv}", "dpd_delay", g_variant_new_string (dpd));
    g_variant_builder_add (&conn, "{sv}", "keyingtries", g_variant_new_string ("1"));
    g_variant_builder_add (&conn, "{sv}", "local", g_variant_builder_end (&local));
    g_variant_builder_add (&conn, "{sv}", "remote", g_variant_builder_end (&remote));
    g_variant_builder_add (&conn, "{sv}", "children", g_variant_builder_end (&children));

    g_variant_builder_init (&outer, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&outer, "{sv}", e->name, g_variant_builder_end (&conn));
    return g_variant_builder_end (&outer);
}

static void
establish_step (GTask *task)
{
    HenbSecurityVici *self = g_task_get_source_object (task);
    Establish *e = g_task_get_task_data (task);
    GCancellable *cancellable = g_task_get_cancellable (task);
    GVariantBuilder b;

    switch (e->step) {
    case EST_CONNECT:
        henb_vici_client_new_async (self->settings.socket_path, cancellable, connected, task);
        return;
    case EST_REGISTER_LOG:
        e->log_id = g_signal_connect (e->client, "event::control-log", G_CALLBACK (on_control_log), e);
        henb_vici_client_register_async (e->client, "control-log", cancellable, registered, task);
        return;
    case EST_REGISTER_UPDOWN:
        henb_vici_client_register_async (e->client, "ike-updown", cancellable, registered, task);
        return;
    case EST_LOAD_CA:
        henb_vici_client_command_async (e->client, "load-cert", credential ("X509", "CA", e->ca_pem),
                                        cancellable, command_done, task);
        return;
    case EST_LOAD_CERT:
        henb_vici_client_command_async (e->client, "load-cert", credential ("X509", "NONE", e->cert_pem),
                                        cancellable, command_done, task);
        return;
    case EST_LOAD_KEY:
        henb_vici_client_command_async (e->client, "load-key", credential ("any", NULL, e->key_pem),
                                        cancellable, command_done, task);
        return;
    case EST_LOAD_CONN:
        /* from here on a failure unloads it, even one before charon's answer */
        e->loaded = TRUE;
        henb_vici_client_command_async (e->client, "load-conn", build_conn (self, e), cancellable,
                                        command_done, task);
        return;
    case EST_INITIATE: {
        g_autofree gchar *timeout = g_strdup_printf ("%u", e->timeout * 1000);

        g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
        g_variant_builder_add (&b, "{sv}", "child", g_variant_new_string (e->name));
        g_variant_builder_add (&b, "{sv}", "ike", g_variant_new_string (e->name));
        g_variant_builder_add (&b, "{sv}", "timeout", g_variant_new_string (timeout));
        g_variant_builder_add (&b, "{sv}", "init-limits", g_variant_new_string ("no"));
        /* level 1 carries every line classify_failure reads (certificates received, trust,
         * AUTHENTICATION_FAILED, retransmits); level 2 streamed some 2,200 lines per tunnel over
         * VICI: 60-80 ms of charon's and henbd's CPU before every tunnel came up */
        g_variant_builder_add (&b, "{sv}", "loglevel", g_variant_new_string ("1"));
        henb_vici_client_command_async (e->client, "initiate", g_variant_builder_end (&b), cancellable,
                                        command_done, task);
        return;
    }
    case EST_REGISTER_LIST:
        e->list_id = g_signal_connect (e->client, "event::list-sa", G_CALLBACK (on_list_sa), e);
        henb_vici_client_register_async (e->client, "list-sa", cancellable, registered, task);
        return;
    case EST_LIST_SAS:
        g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
        g_variant_builder_add (&b, "{sv}", "ike", g_variant_new_string (e->name));
        henb_vici_client_command_async (e->client, "list-sas", g_variant_builder_end (&b), cancellable,
                                        command_done, task);
        return;
    case EST_DONE: {
        g_autoptr(HenbViciTunnel) tunnel = NULL;
        g_auto(GStrv) dns = NULL;

        if (e->vip == NULL) {
            establish_fail (task, g_error_new (HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_FAILED,
                                               "the tunnel to SeGW %s came up without a virtual IP",
                                               e->gateway));
            return;
        }
        dns = read_dns_servers (self->settings.resolve_file);
        if (dns[0] == NULL)
            g_message ("no DNS servers from SeGW %s in %s: names go to the public resolver", e->gateway,
                       self->settings.resolve_file != NULL ? self->settings.resolve_file : "([IPsec] ResolveFile unset)");
        g_signal_handler_disconnect (e->client, e->list_id);
        e->list_id = 0;
        tunnel = g_object_new (HENB_TYPE_VICI_TUNNEL, NULL);
        tunnel->client = g_steal_pointer (&e->client);
        tunnel->name = g_strdup (e->name);
        henb_tunnel_set_identity (HENB_TUNNEL (tunnel), "security-vici", e->label, e->gateway, e->address);
        henb_tunnel_set_up (HENB_TUNNEL (tunnel), e->vip, (const gchar *const *) dns);
        g_signal_connect (tunnel->client, "event::ike-updown", G_CALLBACK (on_ike_updown), tunnel);
        g_signal_connect (tunnel->client, "closed", G_CALLBACK (on_client_closed), tunnel);
        g_task_return_pointer (task, g_steal_pointer (&tunnel), g_object_unref);
        g_object_unref (task);
        return;
    }
    default:
        g_assert_not_reached ();
    }
}

static gboolean
read_pem (const gchar *path, const gchar *what, gchar **out, GError **error)
{
    g_autoptr(GError) error_local = NULL;

    /* links followed, as for the TLS credentials (henb_config_check_files) */
    if (!henb_file_read (path, what, HENB_FILE_MAX_CREDENTIAL, HENB_FILE_FLAGS_NONE, out, NULL, &error_local)) {
        g_set_error_literal (error, HENB_SECURITY_ERROR, HENB_SECURITY_ERROR_CREDENTIALS, error_local->message);
        return FALSE;
    }
    return TRUE;
}

static void
establish_async (HenbIpsecProvider *provider, const HenbIpsecParams *params, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data)
{
    HenbSecurityVici *self = HENB_SECURITY_VICI (provider);
    GTask *task = g_task_new (self, cancellable, callback, user_data);
    Establish *e = g_new0 (Establish, 1);
    GError *error = NULL;

    g_task_set_source_tag (task, establish_async);
    g_task_set_task_data (task, e, (GDestroyNotify) establish_free);
    e->log = g_ptr_array_new_with_free_func (g_free);
    e->label = g_strdup (params->label);
    e->name = g_strconcat (CONN_PREFIX, params->label, NULL);
    e->gateway = g_strdup (params->gateway);
    e->address = g_inet_address_to_string (params->gateway_address);
    e->local_id = g_strdup (params->local_identity);
    e->root_ca_file = g_strdup (params->root_ca_file);
    e->timeout = MAX (params->timeout, 1);
    if (!read_pem (params->root_ca_file, "operator root CA", &e->ca_pem, &error) ||
        !read_pem (params->certificate_file, "device certificate", &e->cert_pem, &error) ||
        !read_pem (params->key_file, "device key", &e->key_pem, &error)) {
        g_task_return_error (task, error);
        g_object_unref (task);
        return;
    }
    establish_step (task);
}

static HenbTunnel *
establish_finish (HenbIpsecProvider *provider, GAsyncResult *result, GError **error)
{
    return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* Clean-up of what an earlier henbd left in charon */

typedef struct {
    HenbViciClient *client;
    GStrv           names;
    guint           next;
    gboolean        terminated;
} Cleanup;

static void
cleanup_free (Cleanup *c)
{
    if (c->client != NULL)
        henb_vici_client_close (c->client);
    g_clear_object (&c->client);
    g_strfreev (c->names);
    g_free (c);
}

static void cleanup_next (GTask *task);

static void
cleanup_command_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    Cleanup *c = g_task_get_task_data (task);
    g_autoptr(GVariant) response = henb_vici_client_command_finish (HENB_VICI_CLIENT (source), res, NULL);

    if (c->terminated) {
        c->terminated = FALSE;
        c->next++;
    } else {
        c->terminated = TRUE;
    }
    cleanup_next (task);
}

static void
cleanup_next (GTask *task)
{
    Cleanup *c = g_task_get_task_data (task);
    GVariantBuilder b;

    if (c->names == NULL || c->names[c->next] == NULL) {
        g_task_return_boolean (task, TRUE);
        g_object_unref (task);
        return;
    }
    g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
    if (!c->terminated) {
        g_message ("removing charon connection %s left by an earlier henbd", c->names[c->next]);
        g_variant_builder_add (&b, "{sv}", "ike", g_variant_new_string (c->names[c->next]));
        g_variant_builder_add (&b, "{sv}", "timeout", g_variant_new_string ("3000"));
        henb_vici_client_command_async (c->client, "terminate", g_variant_builder_end (&b), NULL,
                                        cleanup_command_done, task);
    } else {
        g_variant_builder_add (&b, "{sv}", "name", g_variant_new_string (c->names[c->next]));
        henb_vici_client_command_async (c->client, "unload-conn", g_variant_builder_end (&b), NULL,
                                        cleanup_command_done, task);
    }
}

static void
cleanup_got_conns (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    Cleanup *c = g_task_get_task_data (task);
    GError *error = NULL;
    g_autoptr(GVariant) response = henb_vici_client_command_finish (HENB_VICI_CLIENT (source), res, &error);
    g_autofree const gchar **conns = NULL;
    g_autoptr(GStrvBuilder) ours = g_strv_builder_new ();

    if (response == NULL) {
        g_task_return_error (task, error);
        g_object_unref (task);
        return;
    }
    if (g_variant_lookup (response, "conns", "^a&s", &conns)) {
        for (guint i = 0; conns[i] != NULL; i++) {
            if (g_str_has_prefix (conns[i], CONN_PREFIX))
                g_strv_builder_add (ours, conns[i]);
        }
    }
    c->names = g_strv_builder_end (ours);
    cleanup_next (task);
}

static void
cleanup_connected (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    Cleanup *c = g_task_get_task_data (task);
    GError *error = NULL;

    c->client = henb_vici_client_new_finish (res, &error);
    if (c->client == NULL) {
        g_task_return_error (task, error);
        g_object_unref (task);
        return;
    }
    henb_vici_client_command_async (c->client, "get-conns", NULL, NULL, cleanup_got_conns, task);
}

static void
cleanup_async (HenbIpsecProvider *provider, GCancellable *cancellable, GAsyncReadyCallback callback,
               gpointer user_data)
{
    HenbSecurityVici *self = HENB_SECURITY_VICI (provider);
    GTask *task = g_task_new (self, cancellable, callback, user_data);

    g_task_set_task_data (task, g_new0 (Cleanup, 1), (GDestroyNotify) cleanup_free);
    henb_vici_client_new_async (self->settings.socket_path, cancellable, cleanup_connected, task);
}

static gboolean
cleanup_finish (HenbIpsecProvider *provider, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean (G_TASK (result), error);
}

static void
henb_security_vici_provider_init (HenbIpsecProviderInterface *iface)
{
    iface->establish_async = establish_async;
    iface->establish_finish = establish_finish;
    iface->cleanup_async = cleanup_async;
    iface->cleanup_finish = cleanup_finish;
    iface->settings = vici_settings;
}

static gchar *
socket_path_of (const gchar *spec)
{
    /* strongSwan writes the socket as a URI: unix:///var/run/charon.vici */
    if (g_str_has_prefix (spec, "unix://"))
        return g_strdup (spec + strlen ("unix://"));
    return g_strdup (spec);
}

static gboolean
configure (HenbPlugin *plugin, GKeyFile *config, GError **error)
{
    HenbSecurityVici *self = HENB_SECURITY_VICI (plugin);
    g_autofree gchar *socket = g_key_file_get_string (config, "IPsec", "ViciSocket", NULL);
    g_autofree gchar *dpd = g_key_file_get_string (config, "IPsec", "DpdDelay", NULL);
    guint64 n = 30;

    g_free (self->settings.socket_path);
    self->settings.socket_path = socket_path_of (socket != NULL ? g_strstrip (socket) : "/var/run/charon.vici");
    g_free (self->settings.resolve_file);
    self->settings.resolve_file = g_key_file_get_string (config, "IPsec", "ResolveFile", NULL);
    if (self->settings.resolve_file != NULL)
        g_strstrip (self->settings.resolve_file);
    if (dpd != NULL && !g_ascii_string_to_unsigned (g_strstrip (dpd), 10, 1, 3600, &n, NULL)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                     "[IPsec] DpdDelay '%s' is not a number of seconds in [1, 3600]", dpd);
        return FALSE;
    }
    self->settings.dpd_delay = (guint) n;
    return TRUE;
}

static void
henb_security_vici_finalize (GObject *object)
{
    HenbSecurityVici *self = HENB_SECURITY_VICI (object);

    g_free (self->settings.socket_path);
    g_free (self->settings.resolve_file);
    G_OBJECT_CLASS (henb_security_vici_parent_class)->finalize (object);
}

static void
henb_security_vici_class_init (HenbSecurityViciClass *klass)
{
    G_OBJECT_CLASS (klass)->finalize = henb_security_vici_finalize;
    HENB_PLUGIN_CLASS (klass)->configure = configure;
}

static void
henb_security_vici_init (HenbSecurityVici *self)
{
    self->settings.socket_path = g_strdup ("/var/run/charon.vici");
    self->settings.dpd_delay = 30;
}

HENB_PLUGIN_DEFINE (HENB_TYPE_SECURITY_VICI, "security-vici")
