/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-session-policy.h"

G_DEFINE_INTERFACE (HenbSessionPolicy, henb_session_policy, G_TYPE_OBJECT)

static void
henb_session_policy_default_init (HenbSessionPolicyInterface *iface)
{
}

/* Every wrapper takes NULL: a procedure may run without an agent (tests, tools). */

void
henb_session_policy_prepare_session (HenbSessionPolicy *self, HenbCwmpSession *session, HenbHemsRole role)
{
    if (self != NULL)
        HENB_SESSION_POLICY_GET_IFACE (self)->prepare_session (self, session, role);
}

void
henb_session_policy_link_up (HenbSessionPolicy *self, HenbTunnel *tunnel, const gchar *url)
{
    if (self != NULL)
        HENB_SESSION_POLICY_GET_IFACE (self)->link_up (self, tunnel, url);
}

guint
henb_session_policy_get_inform_retry_count (HenbSessionPolicy *self)
{
    return self != NULL ? HENB_SESSION_POLICY_GET_IFACE (self)->get_inform_retry_count (self) : 0;
}

void
henb_session_policy_begin_attempt (HenbSessionPolicy *self)
{
    if (self != NULL)
        HENB_SESSION_POLICY_GET_IFACE (self)->begin_attempt (self);
}

void
henb_session_policy_session_completed (HenbSessionPolicy *self)
{
    if (self != NULL)
        HENB_SESSION_POLICY_GET_IFACE (self)->session_completed (self);
}
