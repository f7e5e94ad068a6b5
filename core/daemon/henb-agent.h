/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

#include "henb-ipsec.h"
#include "henb-services.h"

G_BEGIN_DECLS

/*
 * The TR-069 agent of a registered HeNB: every session after registration (periodic,
 * scheduled, Connection Request, active notification, transfer complete), the session retry
 * policy, and what the HeMS asks of the device beyond its data model (Reboot, FactoryReset,
 * ScheduleInform, Download). The bootstrap procedure's sessions use its actions as well, so a
 * HeMS may reboot the HeNB in the registration session too; the Initial HeMS of discovery may
 * not.
 *
 * The manager decides what a reboot, a factory reset and a re-registration mean for the whole
 * HeNB; the agent asks for them with signals once the session that requested them is over.
 */
#define HENB_TYPE_AGENT (henb_agent_get_type ())
G_DECLARE_FINAL_TYPE (HenbAgent, henb_agent, HENB, AGENT, GObject)

HenbAgent *henb_agent_new (const HenbServices *services);

/* The retry policy's n: failed sessions or bootstrap attempts in a row (Management.RetryCount).
 * The RetryCount of the next Inform (HenbSessionPolicy, which the agent implements) counts
 * attempts since the last completed session instead: a completed session resets it even when
 * the procedure around it failed (no Serving HeMS set), while the retry policy still waits. */
guint      henb_agent_get_retry_count (HenbAgent *self);

/*
 * The bootstrap procedure registered (@tunnel: the serving tunnel or NULL): the agent takes
 * over, carries out what the HeMS asked for during the registration session, and schedules.
 */
void       henb_agent_start (HenbAgent *self, HenbTunnel *tunnel);
/* Not registered any more (procedure restarted, tunnel lost, shutdown): no more sessions. */
void       henb_agent_stop (HenbAgent *self);

/*
 * The bootstrap procedure failed: counts the failure and returns when to make the next
 * attempt, per the session retry policy, as a monotonic time (g_get_monotonic_time (), µs) no
 * later than @not_after (G_MAXINT64: no limit). Management.NextAttempt shows it.
 */
gint64     henb_agent_note_failure (HenbAgent *self, gint64 not_after);
/* The next attempt was put off to @deadline (monotonic µs; an MME's TimeToWait): NextAttempt says so. */
void       henb_agent_postpone_next_session (HenbAgent *self, gint64 deadline);
/* A session-worthy event happened outside the agent (e.g. on the bus): queued and sent. */
void       henb_agent_request_session (HenbAgent *self, const gchar *event_code, const gchar *command_key);

/* For the bus: wall-clock time (µs) of the next planned session, 0 when none is planned. */
gint64       henb_agent_get_next_session (HenbAgent *self);
guint        henb_agent_get_session_count (HenbAgent *self);
const gchar *henb_agent_get_last_result (HenbAgent *self);
gint64       henb_agent_get_last_session_time (HenbAgent *self);
const gchar *henb_agent_get_connection_request_url (HenbAgent *self);
/* The Connection Request transports (HenbCrTransport), one per plugin; NULL before the first
 * registration. */
GPtrArray   *henb_agent_get_cr_transports (HenbAgent *self);

G_END_DECLS
