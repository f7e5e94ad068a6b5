/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

#include "henb-cwmp-message.h"
#include "henb-cwmp-rpc.h"
#include "henb-cwmp-transport.h"
#include "henb-datamodel.h"

G_BEGIN_DECLS

/* Called with every envelope sent (@outgoing) or received, for the --trace-dir files. */
typedef void (*HenbCwmpTraceFunc) (gboolean     outgoing,
                                   const gchar *method,
                                   GBytes      *envelope,
                                   gpointer     user_data);

/* Most requests henbd answers in one session before it gives up on a looping HeMS. */
#define HENB_CWMP_SESSION_MAX_REQUESTS 1000
/* unreadable requests refused with a fault before the session ends */
#define HENB_CWMP_SESSION_MAX_REFUSED 3

/*
 * One TR-069 session, CPE side: Inform/InformResponse, then the HeMS's requests until it
 * answers an empty POST with 204 (or an empty 200). Replies use the namespace of the
 * request; the first Inform uses @preferred_version.
 */
#define HENB_TYPE_CWMP_SESSION (henb_cwmp_session_get_type ())
G_DECLARE_FINAL_TYPE (HenbCwmpSession, henb_cwmp_session, HENB, CWMP_SESSION, GObject)

HenbCwmpSession *henb_cwmp_session_new (HenbCwmpTransport *transport,
                                        HenbDataModel     *dm,
                                        HenbCwmpVersion    preferred_version);
void             henb_cwmp_session_set_trace_func (HenbCwmpSession  *self,
                                                   HenbCwmpTraceFunc func,
                                                   gpointer          user_data);
void             henb_cwmp_session_set_max_envelope_size (HenbCwmpSession *self, gsize max_size);
/* What the HeMS may ask beyond the data model (Reboot, Download, ...); @actions must outlive
 * the session. */
void             henb_cwmp_session_set_actions (HenbCwmpSession          *self,
                                                const HenbCwmpRpcActions *actions,
                                                gpointer                  user_data);
HenbCwmpTransport *henb_cwmp_session_get_transport (HenbCwmpSession *self);

/* The CWMP versions henbd speaks, for the SupportedCWMPVersions header. */
#define HENB_CWMP_SUPPORTED_VERSIONS "1.0,1.1,1.2,1.3,1.4"

/*
 * A request of the CPE for the HeMS (TransferComplete), sent after the InformResponse unless
 * the HeMS holds requests. @done runs once the HeMS answered it (@fault_code 0) or refused it
 * with a fault; a request the session could not deliver is left to the next session.
 */
typedef void (*HenbCwmpRequestDone) (const HenbCwmpMessage *request,
                                     guint                  fault_code,
                                     gpointer               user_data);
void             henb_cwmp_session_add_request (HenbCwmpSession    *self,
                                                HenbCwmpMessage    *request,
                                                HenbCwmpRequestDone done,
                                                gpointer            user_data);
/* After an UnsupportedVersion error: the version the HeMS wants instead. */
HenbCwmpVersion  henb_cwmp_session_get_fallback_version (HenbCwmpSession *self);

/* Builds the Inform henbd would send (exposed for tests and the trace): at most
 * HENB_CWMP_MAX_EVENTS events, chosen by henb_cwmp_events_fit_inform(). */
HenbCwmpMessage *henb_cwmp_session_build_inform (HenbCwmpSession *self,
                                                 GPtrArray       *events,
                                                 guint            retry_count,
                                                 GDateTime       *now);

/*
 * @events: HenbCwmpEvent to deliver. What one Inform cannot carry is removed from @events
 * (henb_cwmp_events_fit_inform()); what is left counts as delivered once this succeeds.
 */
void     henb_cwmp_session_inform_async (HenbCwmpSession    *self,
                                         GPtrArray          *events,
                                         guint               retry_count,
                                         GCancellable       *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer            user_data);
gboolean henb_cwmp_session_inform_finish (HenbCwmpSession *self,
                                          GAsyncResult    *result,
                                          GError         **error);

/* Answers the HeMS's requests until it ends the session. */
void     henb_cwmp_session_serve_async (HenbCwmpSession    *self,
                                        GCancellable       *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer            user_data);
gboolean henb_cwmp_session_serve_finish (HenbCwmpSession *self,
                                         GAsyncResult    *result,
                                         GError         **error);

HenbCwmpVersion henb_cwmp_session_get_version (HenbCwmpSession *self);
/* Parameters SetParameterValues changed during this session. */
gboolean        henb_cwmp_session_parameter_changed (HenbCwmpSession *self, const gchar *name);
guint           henb_cwmp_session_get_request_count (HenbCwmpSession *self);
/* What the HeMS did so far: its requests, the parameters set, the faults henbd returned
 * (henb-cwmp-summary.h). */
gchar          *henb_cwmp_session_describe (HenbCwmpSession *self);
void            henb_cwmp_session_close (HenbCwmpSession *self);

G_END_DECLS
