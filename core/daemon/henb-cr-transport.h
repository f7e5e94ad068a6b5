/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

#include "henb-services.h"

G_BEGIN_DECLS

/*
 * One way for the HeMS to ask for a session (a Connection Request): TR-069 3.2.2 over HTTP,
 * Annex G over UDP with STUN (TR-111 part 2), Annex K over XMPP. Each is a plugin providing a
 * HenbCrTransportFactory; the agent makes one transport per plugin, hands it the management
 * address whenever that changes and after every session, and starts a session with the event
 * "6 CONNECTION REQUEST" on ::requested.
 *
 * The base class keeps the policy every transport shares, so the HeMS sees one behaviour
 * whichever way it asks:
 * - Rate limit: a request less than min-interval seconds after the last accepted one (on
 *   any transport) is refused; what "refused" means on the wire is the transport's (HTTP 503,
 *   an XMPP error, a UDP message ignored). Only authenticated requests count.
 * - During a session (busy): an accepted request is remembered and ::requested is emitted
 *   once when busy goes FALSE, however many arrived meanwhile.
 * - Credentials: ConnectionRequestUsername/Password, read from the data model at apply();
 *   no username refuses every request.
 *
 * Transports read their own parameters (ManagementServer.STUN*, Device.XMPP.*) from the data
 * model in apply(); status parameters they own (UDPConnectionRequestAddress, NATDetected,
 * ConnReqJabberID, XMPP Status...) they write with henb_data_model_set() and then call
 * henb_cr_transport_values_changed(), which lets the agent check active notifications
 * (a session with "4 VALUE CHANGE" when the HeMS asked for one).
 */
#define HENB_TYPE_CR_TRANSPORT (henb_cr_transport_get_type ())
G_DECLARE_DERIVABLE_TYPE (HenbCrTransport, henb_cr_transport, HENB, CR_TRANSPORT, GObject)

typedef enum {
    HENB_CR_TRANSPORT_STATE_DISABLED, /* its parameters say off, or nothing to listen on yet */
    HENB_CR_TRANSPORT_STATE_STARTING, /* binding, resolving, connecting, authenticating */
    HENB_CR_TRANSPORT_STATE_ACTIVE,   /* requests can reach henbd this way now */
    HENB_CR_TRANSPORT_STATE_FAILED,   /* retrying; the detail says why and when */
} HenbCrTransportState;

struct _HenbCrTransportClass {
    GObjectClass parent_class;

    /*
     * Reads the transport's parameters from svc->dm and starts, moves or stops as they say.
     * @address: the management address (the tunnel's inner address, else the local address
     * toward the HeMS); NULL when not known yet. Called again with the same values must
     * change nothing (an HTTP server that listens there already keeps its connections).
     */
    void (*apply) (HenbCrTransport *self, GInetAddress *address);
    /* Stops receiving and closes what it holds; apply() starts again. */
    void (*stop) (HenbCrTransport *self);

    gpointer padding[8];
};

/* "http", "udp", "xmpp": shown on D-Bus, in logs and in henbctl. Construct-only "name". */
const gchar         *henb_cr_transport_get_name (HenbCrTransport *self);
/* The services given at creation (construct-only "services", a pointer); NULL in unit tests,
 * where apply() reads no parameters. */
const HenbServices  *henb_cr_transport_get_services (HenbCrTransport *self);

void                 henb_cr_transport_apply (HenbCrTransport *self, GInetAddress *address);
void                 henb_cr_transport_stop (HenbCrTransport *self);

/*
 * What the transport does now ("state", an enum property) and a line for people ("detail"):
 * where it listens, the mapped address, the JID, or the error and the time of the next try.
 */
HenbCrTransportState henb_cr_transport_get_state (HenbCrTransport *self);
const gchar         *henb_cr_transport_get_detail (HenbCrTransport *self);
/* For implementations: notifies "state" and "detail" once when either changed. */
void                 henb_cr_transport_set_state (HenbCrTransport *self, HenbCrTransportState state,
                                                  const gchar *detail);
const gchar         *henb_cr_transport_state_to_string (HenbCrTransportState state);
#define HENB_TYPE_CR_TRANSPORT_STATE (henb_cr_transport_state_get_type ())
GType                henb_cr_transport_state_get_type (void);

/* Shared policy, set by the agent on every transport. */
void                 henb_cr_transport_set_min_interval (HenbCrTransport *self, guint seconds);
void                 henb_cr_transport_set_busy (HenbCrTransport *self, gboolean busy);
gboolean             henb_cr_transport_get_busy (HenbCrTransport *self);
/*
 * The agent shares one rate limit among all transports: the time (monotonic µs) of the last
 * accepted request on any of them, 0 for none. NULL: the transport keeps its own.
 */
void                 henb_cr_transport_share_last_accepted (HenbCrTransport *self, gint64 *last_accepted);

/* ConnectionRequestUsername/Password as last applied (apply() of the base class reads them). */
const gchar         *henb_cr_transport_get_username (HenbCrTransport *self);
const gchar         *henb_cr_transport_get_password (HenbCrTransport *self);
/* Sets them without a data model (unit tests); an empty username refuses every request. */
void                 henb_cr_transport_set_credentials (HenbCrTransport *self, const gchar *username,
                                                        const gchar *password);
guint                henb_cr_transport_get_min_interval (HenbCrTransport *self);

/* For implementations, per request that passed authentication. */
typedef enum {
    HENB_CR_ADMISSION_ACCEPT,       /* answer yes, then henb_cr_transport_report_accepted() */
    HENB_CR_ADMISSION_RATE_LIMITED, /* refuse (HTTP: 503 without Retry-After) */
} HenbCrAdmission;

HenbCrAdmission      henb_cr_transport_admit (HenbCrTransport *self);
/* Counts a request refused for its credentials, signature, freshness or sender. */
void                 henb_cr_transport_count_rejected (HenbCrTransport *self);
/* The answer of an accepted request is out: emits ::requested now or after the session. */
void                 henb_cr_transport_report_accepted (HenbCrTransport *self);
/*
 * Logs "NAME Connection Request from SENDER refused: WHY" (NAME in capitals): once per reason every 10 s, the
 * rest at debug level, so that a flood of refused requests does not fill the journal.
 */
void                 henb_cr_transport_log_refusal (HenbCrTransport *self, const gchar *sender, const gchar *why);
/* Status parameters were written to the data model: emits ::values-changed. */
void                 henb_cr_transport_values_changed (HenbCrTransport *self);

/* Counters, also read-only properties "accepted", "rejected" and "rate-limited". */
guint                henb_cr_transport_get_accepted (HenbCrTransport *self);
guint                henb_cr_transport_get_rejected (HenbCrTransport *self);
guint                henb_cr_transport_get_rate_limited (HenbCrTransport *self);
/* When the last request was accepted, wall clock µs since the epoch; 0: never. */
gint64               henb_cr_transport_get_last_accepted_time (HenbCrTransport *self);

/* Fills @buffer (at most 256 bytes) from the kernel's generator, for secrets and nonces. */
gboolean             henb_cr_transport_random_bytes (guint8 *buffer, gsize size, GError **error);

/*
 * Signals: ::requested (no arguments): start a session with "6 CONNECTION REQUEST" (TR-069
 * wants it within 30 s). ::values-changed (no arguments): the transport wrote status
 * parameters to the data model.
 *
 * Transport-specific state for D-Bus is read from optional GObject properties of the
 * subclass, by name: "mapped-address" (s), "nat-detected" (b), "stun-server" (s) of "udp";
 * "jabber-id" (s), "server" (s) of "xmpp"; "url" (s) of "http".
 */

/* Implemented by each Connection Request transport plugin. */
#define HENB_TYPE_CR_TRANSPORT_FACTORY (henb_cr_transport_factory_get_type ())
G_DECLARE_INTERFACE (HenbCrTransportFactory, henb_cr_transport_factory, HENB, CR_TRANSPORT_FACTORY, GObject)

struct _HenbCrTransportFactoryInterface {
    GTypeInterface g_iface;

    HenbCrTransport *(*create) (HenbCrTransportFactory *self, const HenbServices *services, GError **error);
};

/* A new transport, stopped. @services outlive it. */
HenbCrTransport *henb_cr_transport_factory_create (HenbCrTransportFactory *self,
                                                  const HenbServices     *services,
                                                  GError                **error);

G_END_DECLS
