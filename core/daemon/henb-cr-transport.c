/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "henb-cr-transport.h"
#include "henb-errors.h"

typedef struct {
    gchar                *name;
    const HenbServices   *services;
    HenbCrTransportState  state;
    gchar                *detail;
    gchar                *username;
    gchar                *password;
    guint                 min_interval;
    gint64                own_last_accepted;  /* monotonic µs; 0: none */
    gint64               *last_accepted;      /* the agent's, shared by all transports, or own */
    gint64                last_accepted_time; /* wall clock µs */
    gboolean              busy;
    gboolean              pending;            /* accepted during a session: reported when it ends */
    guint                 accepted;
    guint                 rejected;
    guint                 rate_limited;
    gint64                last_refusal_log;   /* monotonic µs */
    gchar                *last_refusal_why;   /* the reason last logged */
    guint                 refusals_unlogged;
} HenbCrTransportPrivate;

/* refusals are logged at most this often per reason */
#define REFUSAL_LOG_INTERVAL_US (10 * G_USEC_PER_SEC)

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (HenbCrTransport, henb_cr_transport, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (HenbCrTransportState, henb_cr_transport_state,
                    G_DEFINE_ENUM_VALUE (HENB_CR_TRANSPORT_STATE_DISABLED, "disabled"),
                    G_DEFINE_ENUM_VALUE (HENB_CR_TRANSPORT_STATE_STARTING, "starting"),
                    G_DEFINE_ENUM_VALUE (HENB_CR_TRANSPORT_STATE_ACTIVE, "active"),
                    G_DEFINE_ENUM_VALUE (HENB_CR_TRANSPORT_STATE_FAILED, "failed"))

enum {
    PROP_0,
    PROP_NAME,
    PROP_SERVICES,
    PROP_STATE,
    PROP_DETAIL,
    PROP_BUSY,
    PROP_MIN_INTERVAL,
    PROP_ACCEPTED,
    PROP_REJECTED,
    PROP_RATE_LIMITED,
    PROP_LAST_ACCEPTED_TIME,
    N_PROPS
};
static GParamSpec *props[N_PROPS];

enum {
    SIGNAL_REQUESTED,
    SIGNAL_VALUES_CHANGED,
    N_SIGNALS
};
static guint signals[N_SIGNALS];

#define PRIV(self) ((HenbCrTransportPrivate *) henb_cr_transport_get_instance_private (self))

/* The secret is only kept as long as needed, and not left in freed memory. */
static void
free_secret (gchar *secret)
{
    if (secret != NULL)
        explicit_bzero (secret, strlen (secret));
    g_free (secret);
}

static void
henb_cr_transport_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
    HenbCrTransport *self = HENB_CR_TRANSPORT (object);
    HenbCrTransportPrivate *priv = PRIV (self);

    switch (prop_id) {
    case PROP_NAME:
        priv->name = g_value_dup_string (value);
        break;
    case PROP_SERVICES:
        priv->services = g_value_get_pointer (value);
        break;
    case PROP_BUSY:
        henb_cr_transport_set_busy (self, g_value_get_boolean (value));
        break;
    case PROP_MIN_INTERVAL:
        henb_cr_transport_set_min_interval (self, g_value_get_uint (value));
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
}

static void
henb_cr_transport_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
    HenbCrTransportPrivate *priv = PRIV (HENB_CR_TRANSPORT (object));

    switch (prop_id) {
    case PROP_NAME:
        g_value_set_string (value, priv->name);
        break;
    case PROP_SERVICES:
        g_value_set_pointer (value, (gpointer) priv->services);
        break;
    case PROP_STATE:
        g_value_set_enum (value, priv->state);
        break;
    case PROP_DETAIL:
        g_value_set_string (value, priv->detail);
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
    case PROP_REJECTED:
        g_value_set_uint (value, priv->rejected);
        break;
    case PROP_RATE_LIMITED:
        g_value_set_uint (value, priv->rate_limited);
        break;
    case PROP_LAST_ACCEPTED_TIME:
        g_value_set_int64 (value, priv->last_accepted_time);
        break;
    default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
}

static void
henb_cr_transport_constructed (GObject *object)
{
    HenbCrTransportPrivate *priv = PRIV (HENB_CR_TRANSPORT (object));

    G_OBJECT_CLASS (henb_cr_transport_parent_class)->constructed (object);
    if (priv->name == NULL)
        priv->name = g_strdup (G_OBJECT_TYPE_NAME (object));
}

static void
henb_cr_transport_finalize (GObject *object)
{
    HenbCrTransportPrivate *priv = PRIV (HENB_CR_TRANSPORT (object));

    g_free (priv->name);
    g_free (priv->detail);
    g_free (priv->username);
    free_secret (priv->password);
    g_free (priv->last_refusal_why);
    G_OBJECT_CLASS (henb_cr_transport_parent_class)->finalize (object);
}

/* The base class's own part of apply(): the credentials every transport checks. */
static void
read_credentials (HenbCrTransport *self)
{
    const HenbServices *svc = PRIV (self)->services;
    g_autofree gchar *username = NULL;
    g_autofree gchar *password = NULL;

    if (svc == NULL || svc->dm == NULL)
        return;
    username = henb_data_model_get (svc->dm, HENB_DM_MS_CR_USERNAME);
    password = henb_data_model_get (svc->dm, HENB_DM_MS_CR_PASSWORD);
    if (g_strcmp0 (username, PRIV (self)->username) == 0 && g_strcmp0 (password, PRIV (self)->password) == 0)
        return;
    henb_cr_transport_set_credentials (self, username, password);
    if (password != NULL)
        explicit_bzero (password, strlen (password));
}

static void
henb_cr_transport_class_init (HenbCrTransportClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS (klass);
    const GParamFlags counter = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
    const GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

    object_class->set_property = henb_cr_transport_set_property;
    object_class->get_property = henb_cr_transport_get_property;
    object_class->constructed = henb_cr_transport_constructed;
    object_class->finalize = henb_cr_transport_finalize;

    props[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, construct);
    props[PROP_SERVICES] = g_param_spec_pointer ("services", NULL, NULL, construct);
    props[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, HENB_TYPE_CR_TRANSPORT_STATE,
                                           HENB_CR_TRANSPORT_STATE_DISABLED, counter);
    props[PROP_DETAIL] = g_param_spec_string ("detail", NULL, NULL, NULL, counter);
    props[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
    props[PROP_MIN_INTERVAL] = g_param_spec_uint ("min-interval", NULL, NULL, 0, G_MAXUINT, 0,
                                                  G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                      G_PARAM_STATIC_STRINGS);
    props[PROP_ACCEPTED] = g_param_spec_uint ("accepted", NULL, NULL, 0, G_MAXUINT, 0, counter);
    props[PROP_REJECTED] = g_param_spec_uint ("rejected", NULL, NULL, 0, G_MAXUINT, 0, counter);
    props[PROP_RATE_LIMITED] = g_param_spec_uint ("rate-limited", NULL, NULL, 0, G_MAXUINT, 0, counter);
    props[PROP_LAST_ACCEPTED_TIME] = g_param_spec_int64 ("last-accepted-time", NULL, NULL, 0, G_MAXINT64, 0,
                                                         counter);
    g_object_class_install_properties (object_class, N_PROPS, props);

    /**
     * HenbCrTransport::requested:
     *
     * The HeMS asked for a session and was answered yes: start one with the event
     * "6 CONNECTION REQUEST" (TR-069 wants it within 30 seconds).
     */
    signals[SIGNAL_REQUESTED] =
        g_signal_new ("requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 0);
    /**
     * HenbCrTransport::values-changed:
     *
     * The transport wrote status parameters to the data model.
     */
    signals[SIGNAL_VALUES_CHANGED] =
        g_signal_new ("values-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 0);
}

static void
henb_cr_transport_init (HenbCrTransport *self)
{
    HenbCrTransportPrivate *priv = PRIV (self);

    priv->last_accepted = &priv->own_last_accepted;
    priv->password = g_strdup ("");
}

const gchar *
henb_cr_transport_get_name (HenbCrTransport *self)
{
    g_return_val_if_fail (HENB_IS_CR_TRANSPORT (self), NULL);
    return PRIV (self)->name;
}

const HenbServices *
henb_cr_transport_get_services (HenbCrTransport *self)
{
    g_return_val_if_fail (HENB_IS_CR_TRANSPORT (self), NULL);
    return PRIV (self)->services;
}

void
henb_cr_transport_apply (HenbCrTransport *self, GInetAddress *address)
{
    g_return_if_fail (HENB_IS_CR_TRANSPORT (self));
    g_return_if_fail (address == NULL || G_IS_INET_ADDRESS (address));

    read_credentials (self);
    HENB_CR_TRANSPORT_GET_CLASS (self)->apply (self, address);
}

void
henb_cr_transport_stop (HenbCrTransport *self)
{
    g_return_if_fail (HENB_IS_CR_TRANSPORT (self));
    HENB_CR_TRANSPORT_GET_CLASS (self)->stop (self);
}

HenbCrTransportState
henb_cr_transport_get_state (HenbCrTransport *self)
{
    g_return_val_if_fail (HENB_IS_CR_TRANSPORT (self), HENB_CR_TRANSPORT_STATE_DISABLED);
    return PRIV (self)->state;
}

const gchar *
henb_cr_transport_get_detail (HenbCrTransport *self)
{
    g_return_val_if_fail (HENB_IS_CR_TRANSPORT (self), NULL);
    return PRIV (self)->detail != NULL ? PRIV (self)->detail : "";
}

void
henb_cr_transport_set_state (HenbCrTransport *self, HenbCrTransportState state, const gchar *detail)
{
    HenbCrTransportPrivate *priv;
    gboolean state_changed, detail_changed;

    g_return_if_fail (HENB_IS_CR_TRANSPORT (self));
    priv = PRIV (self);

    state_changed = priv->state != state;
    detail_changed = g_strcmp0 (priv->detail, detail) != 0;
    if (!state_changed && !detail_changed)
        return;
    priv->state = state;
    g_free (priv->detail);
    priv->detail = g_strdup (detail);
    g_debug ("connection request transport %s: %s%s%s", priv->name, henb_cr_transport_state_to_string (state),
             detail != NULL ? ", " : "", detail != NULL ? detail : "");
    g_object_freeze_notify (G_OBJECT (self));
    if (state_changed)
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
    if (detail_changed)
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DETAIL]);
    g_object_thaw_notify (G_OBJECT (self));
}

const gchar *
henb_cr_transport_state_to_string (HenbCrTransportState state)
{
    switch (state) {
    case HENB_CR_TRANSPORT_STATE_DISABLED:
        return "disabled";
    case HENB_CR_TRANSPORT_STATE_STARTING:
        return "starting";
    case HENB_CR_TRANSPORT_STATE_ACTIVE:
        return "active";
    case HENB_CR_TRANSPORT_STATE_FAILED:
        return "failed";
    default:
        return "unknown";
    }
}

void
henb_cr_transport_set_min_interval (HenbCrTransport *self, guint seconds)
{
    HenbCrTransportPrivate *priv;

    g_return_if_fail (HENB_IS_CR_TRANSPORT (self));
    priv = PRIV (self);

    if (priv->min_interval == seconds)
        return;
    priv->min_interval = seconds;
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MIN_INTERVAL]);
}

guint
henb_cr_transport_get_min_interval (HenbCrTransport *self)
{
    g_return_val_if_fail (HENB_IS_CR_TRANSPORT (self), 0);
    return PRIV (self)->min_interval;
}

void
henb_cr_transport_set_busy (HenbCrTransport *self, gboolean busy)
{
    HenbCrTransportPrivate *priv;

    g_return_if_fail (HENB_IS_CR_TRANSPORT (self));
    priv = PRIV (self);

    busy = !!busy;
    if (priv->busy == busy)
        return;
    priv->busy = busy;
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BUSY]);
    /* last, with the state settled: a handler may start the next session (and set busy) */
    if (!busy && priv->pending) {
        priv->pending = FALSE;
        g_debug ("session over: reporting the connection request (%s) that arrived during it", priv->name);
        g_signal_emit (self, signals[SIGNAL_REQUESTED], 0);
    }
}

gboolean
henb_cr_transport_get_busy (HenbCrTransport *self)
{
    g_return_val_if_fail (HENB_IS_CR_TRANSPORT (self), FALSE);
    return PRIV (self)->busy;
}

void
henb_cr_transport_share_last_accepted (HenbCrTransport *self, gint64 *last_accepted)
{
    HenbCrTransportPrivate *priv;

    g_return_if_fail (HENB_IS_CR_TRANSPORT (self));
    priv = PRIV (self);

    priv->last_accepted = last_accepted != NULL ? last_accepted : &priv->own_last_accepted;
}

const gchar *
henb_cr_transport_get_username (HenbCrTransport *self)
{
    g_return_val_if_fail (HENB_IS_CR_TRANSPORT (self), NULL);
    return PRIV (self)->username;
}

const gchar *
henb_cr_transport_get_password (HenbCrTransport *self)
{
    g_return_val_if_fail (HENB_IS_CR_TRANSPORT (self), NULL);
    return PRIV (self)->password;
}

void
henb_cr_transport_set_credentials (HenbCrTransport *self, const gchar *username, const gchar *password)
{
    HenbCrTransportPrivate *priv;

    g_return_if_fail (HENB_IS_CR_TRANSPORT (self));
    priv = PRIV (self);

    g_free (priv->username);
    priv->username = g_strdup (username);
    free_secret (priv->password);
    priv->password = g_strdup (password != NULL ? password : "");
    if (username == NULL || *username == '\0')
        g_message ("no ConnectionRequestUsername: every connection request (%s) will be refused", priv->name);
}

HenbCrAdmission
henb_cr_transport_admit (HenbCrTransport *self)
{
    HenbCrTransportPrivate *priv;
    gint64 now = g_get_monotonic_time ();

    g_return_val_if_fail (HENB_IS_CR_TRANSPORT (self), HENB_CR_ADMISSION_RATE_LIMITED);
    priv = PRIV (self);

    if (*priv->last_accepted != 0 && now - *priv->last_accepted < (gint64) priv->min_interval * G_USEC_PER_SEC) {
        priv->rate_limited++;
        g_object_notify_by_pspec (G_OBJECT (self), props[PROP_RATE_LIMITED]);
        return HENB_CR_ADMISSION_RATE_LIMITED;
    }
    /* 0 means none: a monotonic clock that reads 0 right after boot still counts */
    *priv->last_accepted = MAX (now, 1);
    priv->last_accepted_time = g_get_real_time ();
    priv->accepted++;
    g_object_freeze_notify (G_OBJECT (self));
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ACCEPTED]);
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LAST_ACCEPTED_TIME]);
    g_object_thaw_notify (G_OBJECT (self));
    return HENB_CR_ADMISSION_ACCEPT;
}

void
henb_cr_transport_count_rejected (HenbCrTransport *self)
{
    g_return_if_fail (HENB_IS_CR_TRANSPORT (self));
    PRIV (self)->rejected++;
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_REJECTED]);
}

void
henb_cr_transport_report_accepted (HenbCrTransport *self)
{
    HenbCrTransportPrivate *priv;

    g_return_if_fail (HENB_IS_CR_TRANSPORT (self));
    priv = PRIV (self);

    if (priv->busy) {
        if (!priv->pending)
            g_debug ("connection request (%s) during a session: a session follows when it ends", priv->name);
        priv->pending = TRUE;
        return;
    }
    g_signal_emit (self, signals[SIGNAL_REQUESTED], 0);
}

void
henb_cr_transport_values_changed (HenbCrTransport *self)
{
    g_return_if_fail (HENB_IS_CR_TRANSPORT (self));
    g_signal_emit (self, signals[SIGNAL_VALUES_CHANGED], 0);
}

guint
henb_cr_transport_get_accepted (HenbCrTransport *self)
{
    g_return_val_if_fail (HENB_IS_CR_TRANSPORT (self), 0);
    return PRIV (self)->accepted;
}

guint
henb_cr_transport_get_rejected (HenbCrTransport *self)
{
    g_return_val_if_fail (HENB_IS_CR_TRANSPORT (self), 0);
    return PRIV (self)->rejected;
}

guint
henb_cr_transport_get_rate_limited (HenbCrTransport *self)
{
    g_return_val_if_fail (HENB_IS_CR_TRANSPORT (self), 0);
    return PRIV (self)->rate_limited;
}

gint64
henb_cr_transport_get_last_accepted_time (HenbCrTransport *self)
{
    g_return_val_if_fail (HENB_IS_CR_TRANSPORT (self), 0);
    return PRIV (self)->last_accepted_time;
}

gboolean
henb_cr_transport_random_bytes (guint8 *buffer, gsize size, GError **error)
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

G_DEFINE_INTERFACE (HenbCrTransportFactory, henb_cr_transport_factory, G_TYPE_OBJECT)

static void
henb_cr_transport_factory_default_init (HenbCrTransportFactoryInterface *iface)
{
}

HenbCrTransport *
henb_cr_transport_factory_create (HenbCrTransportFactory *self, const HenbServices *services, GError **error)
{
    HenbCrTransport *transport;

    g_return_val_if_fail (HENB_IS_CR_TRANSPORT_FACTORY (self), NULL);
    transport = HENB_CR_TRANSPORT_FACTORY_GET_IFACE (self)->create (self, services, error);
    g_return_val_if_fail (transport == NULL || HENB_IS_CR_TRANSPORT (transport), NULL);
    return transport;
}

void
henb_cr_transport_log_refusal (HenbCrTransport *self, const gchar *sender, const gchar *why)
{
    HenbCrTransportPrivate *priv;
    gint64 now = g_get_monotonic_time ();
    g_autofree gchar *shown = NULL;

    g_return_if_fail (HENB_IS_CR_TRANSPORT (self));
    priv = PRIV (self);
    shown = g_ascii_strup (priv->name, -1);

    /* a flood must not fill the journal: one message per reason and interval, the rest at
     * debug; a new reason (a replay after a forgery) is news and logged at once */
    if (priv->last_refusal_log != 0 && now - priv->last_refusal_log < REFUSAL_LOG_INTERVAL_US &&
        g_strcmp0 (why, priv->last_refusal_why) == 0) {
        priv->refusals_unlogged++;
        g_debug ("%s Connection Request from %s refused: %s", shown, sender, why);
        return;
    }
    if (priv->refusals_unlogged > 0)
        g_message ("(%u more %s Connection Requests refused since the last such message)", priv->refusals_unlogged,
                   shown);
    g_message ("%s Connection Request from %s refused: %s", shown, sender, why);
    priv->last_refusal_log = now;
    g_free (priv->last_refusal_why);
    priv->last_refusal_why = g_strdup (why);
    priv->refusals_unlogged = 0;
}
