/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "henb-cr-server.h"
#include "henb-errors.h"

/* 18 random bytes are 24 base64url characters without padding: 144 bits nobody can guess */
#define PATH_RANDOM_BYTES 18

typedef struct {
    gchar   *username;
    gchar   *password;
    gchar   *path;
    gchar   *url;
    guint    min_interval;
    gboolean has_accepted;
    gint64   last_accepted;   /* monotonic µs */
    gboolean busy;
    gboolean pending;         /* accepted during a session: reported when it ends */
    guint    accepted;
    guint    rejected_auth;
    guint    rate_limited;
} HenbCrServerPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (HenbCrServer, henb_cr_server, G_TYPE_OBJECT)

enum {
    PROP_0,
    PROP_URL,
    PROP_BUSY,
    PROP_MIN_INTERVAL,
    PROP_ACCEPTED,
    PROP_REJECTED_AUTH,
    PROP_RATE_LIMITED,
    N_PROPS
};
static GParamSpec *props[N_PROPS];

enum {
    SIGNAL_REQUESTED,
    N_SIGNALS
};
static guint signals[N_SIGNALS];

#define PRIV(self) ((HenbCrServerPrivate *) henb_cr_server_get_instance_private (self))

/* The secret is only kept as long as needed, and not left in freed memory. */
static void
free_secret (gchar *secret)
{
    if (secret != NULL)
        explicit_bzero (secret, strlen (secret));
    g_free (secret);
}

static void
henb_cr_server_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
    HenbCrServer *self = HENB_CR_SERVER (object);

    switch (prop_id) {
    case PROP_BUSY:
        henb_cr_server_set_busy (self, g_value_get_boolean (value));
        break;
    case PROP_MIN_INTERVAL:
        henb_cr_server_set_min_interval (self, g_value_get_uint (value));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
}

static void
henb_cr_server_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HenbCrServerPrivate *priv = PRIV (HENB_CR_SERVER (object));

    switch (prop_id) {
    case PROP_URL:
        g_value_set_string (value, priv->url);
        break;
    case PROP_BUSY:
        g_value_set_boolean (value, priv->busy);
        break;
    case PROP_MIN_INTERVAL:
        g_value_set_uint (value, priv->min_interval);
        break;
    case PROP_ACCEPTED:
        g_value_set_uint (value, priv->accepted);
        break;
    case PROP_REJECTED_AUTH:
        g_value_set_uint (value, priv->rejected_auth);
        break;
    case PROP_RATE_LIMITED:
        g_value_set_uint (value, priv->rate_limited);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
}

static void
henb_cr_server_finalize (GObject *object)
{
    HenbCrServerPrivate *priv = PRIV (HENB_CR_SERVER (object));

    g_free (priv->username);
    free_secret (priv->password);
    g_free (priv->path);
    g_free (priv->url);
    G_OBJECT_CLASS (henb_cr_server_parent_class)->finalize (object);
}

static void
henb_cr_server_class_init (HenbCrServerClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS (klass);
    const GParamFlags counter = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

    object_class->set_property = henb_cr_server_set_property;
    object_class->get_property = henb_cr_server_get_property;
    object_class->finalize = henb_cr_server_finalize;

    props[PROP_URL] = g_param_spec_string ("url", NULL, NULL, NULL,
                                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_MIN_INTERVAL] = g_param_spec_uint ("min-interval", NULL, NULL, 0, G_MAXUINT, 0,
                                                  G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                      G_PARAM_STATIC_STRINGS);
    props[PROP_ACCEPTED] = g_param_spec_uint ("accepted", NULL, NULL, 0, G_MAXUINT, 0, counter);
    props[PROP_REJECTED_AUTH] = g_param_spec_uint ("rejected-auth", NULL, NULL, 0, G_MAXUINT, 0, counter);
    props[PROP_RATE_LIMITED] = g_param_spec_uint ("rate-limited", NULL, NULL, 0, G_MAXUINT, 0, counter);
    g_object_class_install_properties (object_class, N_PROPS, props);

    /**
     * HenbCrServer::requested:
     *
     * The ACS asked for a session and was answered 200: start one with the event
     * "6 CONNECTION REQUEST" (TR-069 wants it within 30 seconds).
     */
    signals[SIGNAL_REQUESTED] =
        g_signal_new ("requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 0);
}

static void
henb_cr_server_init (HenbCrServer *self)
{
}

gboolean
henb_cr_server_random_bytes (guint8 *buffer, gsize size, GError **error)
{
    gssize got;

    /* at most 256 bytes come in one piece (getrandom(2)) */
    g_return_val_if_fail (size <= 256, FALSE);
    do
        got = getrandom (buffer, size, 0);
    while (got < 0 && errno == EINTR);
    if (got != (gssize) size) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED, "no randomness from the kernel: %s",
                     g_strerror (got < 0 ? errno : EIO));
        return FALSE;
    }
    return TRUE;
}

/* The path keeps strangers away from the server, so it comes from the kernel's generator. */
static gchar *
make_random_path (GError **error)
{
    guint8 bytes[PATH_RANDOM_BYTES];
    g_autofree gchar *encoded = NULL;

    if (!henb_cr_server_random_bytes (bytes, sizeof bytes, error)) {
        g_prefix_error (error, "connection request path: ");
        return NULL;
    }
    encoded = g_base64_encode (bytes, sizeof bytes);
    g_strdelimit (encoded, "+", '-');
    g_strdelimit (encoded, "/", '_');
    return g_strconcat ("/", encoded, NULL);
}

gboolean
henb_cr_server_listen (HenbCrServer *self, GInetAddress *address, guint16 port, GError **error)
{
    HenbCrServerPrivate *priv;

    g_return_val_if_fail (HENB_IS_CR_SERVER (self), FALSE);
    g_return_val_if_fail (G_IS_INET_ADDRESS (address), FALSE);
    priv = PRIV (self);

    if (priv->path == NULL) {
        priv->path = make_random_path (error);
        if (priv->path == NULL)
            return FALSE;
    }
    henb_cr_server_stop (self);
    if (!HENB_CR_SERVER_GET_CLASS (self)->listen (self, address, port, error))
        return FALSE;
    if (priv->url == NULL) {
        g_critical ("%s listens without reporting where", G_OBJECT_TYPE_NAME (self));
        HENB_CR_SERVER_GET_CLASS (self)->stop (self);
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_FAILED,
                     "the connection request server did not report its address");
        return FALSE;
    }
    g_message ("connection requests on %s", priv->url);
    return TRUE;
}

void
henb_cr_server_stop (HenbCrServer *self)
{
    HenbCrServerPrivate *priv;

    g_return_if_fail (HENB_IS_CR_SERVER (self));
    priv = PRIV (self);

    if (priv->url == NULL)
        return;
    HENB_CR_SERVER_GET_CLASS (self)->stop (self);
    g_debug ("no more connection requests on %s", priv->url);
    g_clear_pointer (&priv->url, g_free);
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_URL]);
}

gboolean
henb_cr_server_is_listening (HenbCrServer *self)
{
    g_return_val_if_fail (HENB_IS_CR_SERVER (self), FALSE);
    return PRIV (self)->url != NULL;
}

void
henb_cr_server_set_credentials (HenbCrServer *self, const gchar *username, const gchar *password)
{
    HenbCrServerPrivate *priv;

    g_return_if_fail (HENB_IS_CR_SERVER (self));
    priv = PRIV (self);

    g_free (priv->username);
    priv->username = g_strdup (username);
    free_secret (priv->password);
    priv->password = g_strdup (password != NULL ? password : "");
    if (username == NULL || *username == '\0')
        g_message ("no ConnectionRequestUsername: every connection request will be refused");
}

void
henb_cr_server_set_min_interval (HenbCrServer *self, guint seconds)
{
    HenbCrServerPrivate *priv;

    g_return_if_fail (HENB_IS_CR_SERVER (self));
    priv = PRIV (self);

    if (priv->min_interval == seconds)
        return;
    priv->min_interval = seconds;
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MIN_INTERVAL]);
}

guint
henb_cr_server_get_min_interval (HenbCrServer *self)
{
    g_return_val_if_fail (HENB_IS_CR_SERVER (self), 0);
    return PRIV (self)->min_interval;
}

void
henb_cr_server_set_busy (HenbCrServer *self, gboolean busy)
{
    HenbCrServerPrivate *priv;

    g_return_if_fail (HENB_IS_CR_SERVER (self));
    priv = PRIV (self);

    busy = !!busy;
    if (priv->busy == busy)
        return;
    priv->busy = busy;
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BUSY]);
    /* last, with the state settled: a handler may start the next session (and set busy) */
    if (!busy && priv->pending) {
        priv->pending = FALSE;
        g_debug ("session over: reporting the connection request that arrived during it");
        g_signal_emit (self, signals[SIGNAL_REQUESTED], 0);
    }
}

gboolean
henb_cr_server_get_busy (HenbCrServer *self)
{
    g_return_val_if_fail (HENB_IS_CR_SERVER (self), FALSE);
    return PRIV (self)->busy;
}

const gchar *
henb_cr_server_get_url (HenbCrServer *self)
{
    g_return_val_if_fail (HENB_IS_CR_SERVER (self), NULL);
    return PRIV (self)->url;
}

const gchar *
henb_cr_server_get_path (HenbCrServer *self)
{
    g_return_val_if_fail (HENB_IS_CR_SERVER (self), NULL);
    return PRIV (self)->path;
}

guint
henb_cr_server_get_accepted (HenbCrServer *self)
{
    g_return_val_if_fail (HENB_IS_CR_SERVER (self), 0);
    return PRIV (self)->accepted;
}

guint
henb_cr_server_get_rejected_auth (HenbCrServer *self)
{
    g_return_val_if_fail (HENB_IS_CR_SERVER (self), 0);
    return PRIV (self)->rejected_auth;
}

guint
henb_cr_server_get_rate_limited (HenbCrServer *self)
{
    g_return_val_if_fail (HENB_IS_CR_SERVER (self), 0);
    return PRIV (self)->rate_limited;
}

const gchar *
henb_cr_server_get_username (HenbCrServer *self)
{
    g_return_val_if_fail (HENB_IS_CR_SERVER (self), NULL);
    return PRIV (self)->username;
}

const gchar *
henb_cr_server_get_password (HenbCrServer *self)
{
    g_return_val_if_fail (HENB_IS_CR_SERVER (self), NULL);
    return PRIV (self)->password;
}

void
henb_cr_server_set_local_address (HenbCrServer *self, GInetSocketAddress *address)
{
    HenbCrServerPrivate *priv;
    GInetAddress *ip;
    g_autofree gchar *host = NULL;

    g_return_if_fail (HENB_IS_CR_SERVER (self));
    g_return_if_fail (G_IS_INET_SOCKET_ADDRESS (address));
    g_return_if_fail (PRIV (self)->path != NULL);
    priv = PRIV (self);

    ip = g_inet_socket_address_get_address (address);
    host = g_inet_address_to_string (ip);
    g_free (priv->url);
    /* TR-181 ConnectionRequestURL: an IPv6 literal in brackets */
    priv->url = g_strdup_printf (g_inet_address_get_family (ip) == G_SOCKET_FAMILY_IPV6 ? "http://[%s]:%u%s"
                                                                                         : "http://%s:%u%s",
                                 host, g_inet_socket_address_get_port (address), priv->path);
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_URL]);
}

HenbCrAdmission
henb_cr_server_admit (HenbCrServer *self)
{
    HenbCrServerPrivate *priv;
    gint64 now = g_get_monotonic_time ();

    g_return_val_if_fail (HENB_IS_CR_SERVER (self), HENB_CR_ADMISSION_RATE_LIMITED);
    priv = PRIV (self);

    if (priv->has_accepted && now - priv->last_accepted < (gint64) priv->min_interval * G_USEC_PER_SEC) {
        priv->rate_limited++;
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_RATE_LIMITED]);
        return HENB_CR_ADMISSION_RATE_LIMITED;
    }
    priv->has_accepted = TRUE;
    priv->last_accepted = now;
    priv->accepted++;
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ACCEPTED]);
    return HENB_CR_ADMISSION_ACCEPT;
}

void
henb_cr_server_count_rejected_auth (HenbCrServer *self)
{
    g_return_if_fail (HENB_IS_CR_SERVER (self));
    PRIV (self)->rejected_auth++;
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_REJECTED_AUTH]);
}

void
henb_cr_server_report_accepted (HenbCrServer *self)
{
    HenbCrServerPrivate *priv;

    g_return_if_fail (HENB_IS_CR_SERVER (self));
    priv = PRIV (self);

    if (priv->busy) {
        if (!priv->pending)
            g_debug ("connection request during a session: a session follows when it ends");
        priv->pending = TRUE;
        return;
    }
    g_signal_emit (self, signals[SIGNAL_REQUESTED], 0);
}

G_DEFINE_INTERFACE (HenbCrServerFactory, henb_cr_server_factory, G_TYPE_OBJECT)

static void
henb_cr_server_factory_default_init (HenbCrServerFactoryInterface *iface)
{
}

HenbCrServer *
henb_cr_server_factory_create (HenbCrServerFactory *self, GError **error)
{
    g_return_val_if_fail (HENB_IS_CR_SERVER_FACTORY (self), NULL);
    return HENB_CR_SERVER_FACTORY_GET_IFACE (self)->create (self, error);
}
