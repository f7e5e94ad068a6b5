/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

#include "henb-cwmp-session.h"
#include "henb-ipsec.h"

G_BEGIN_DECLS

typedef enum {
    HENB_HEMS_INITIAL = 0,
    HENB_HEMS_SERVING = 1,
} HenbHemsRole;

/*
 * What the bootstrap's sessions with a HeMS need from the device's TR-069 agent: which RPCs a
 * HeMS may use, the RetryCount of the next Inform, and where Connection Requests come in. The
 * procedure sees only this interface, so it does not depend on the agent (which runs sessions
 * through the procedure's building blocks).
 */
#define HENB_TYPE_SESSION_POLICY (henb_session_policy_get_type ())
G_DECLARE_INTERFACE (HenbSessionPolicy, henb_session_policy, HENB, SESSION_POLICY, GObject)

struct _HenbSessionPolicyInterface {
    GTypeInterface g_iface;

    void  (*prepare_session) (HenbSessionPolicy *self, HenbCwmpSession *session, HenbHemsRole role);
    void  (*link_up) (HenbSessionPolicy *self, HenbTunnel *tunnel, const gchar *url);
    guint (*get_inform_retry_count) (HenbSessionPolicy *self);
    void  (*begin_attempt) (HenbSessionPolicy *self);
    void  (*session_completed) (HenbSessionPolicy *self);
};

/*
 * Equips a session with @role's HeMS: the Serving HeMS gets every RPC and a pending
 * TransferComplete; the Initial HeMS (discovery) only reads and SetParameterValues, anything
 * else is refused with 9001 (README: discovery RPC policy).
 */
void  henb_session_policy_prepare_session (HenbSessionPolicy *self, HenbCwmpSession *session, HenbHemsRole role);
/* A link to the Serving HeMS is up (through @tunnel, or NULL): Connection Requests reach us now. */
void  henb_session_policy_link_up (HenbSessionPolicy *self, HenbTunnel *tunnel, const gchar *url);
/* The RetryCount of the next Inform (TR-069): attempts that failed since the last completed session. */
guint henb_session_policy_get_inform_retry_count (HenbSessionPolicy *self);
/* A session attempt begins (resolving, tunnelling, connecting or informing toward a HeMS). */
void  henb_session_policy_begin_attempt (HenbSessionPolicy *self);
/* The HeMS ended a session normally after its InformResponse. */
void  henb_session_policy_session_completed (HenbSessionPolicy *self);

G_END_DECLS
