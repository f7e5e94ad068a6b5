/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

#include "henb-cwmp-session.h"
#include "henb-ipsec.h"
#include "henb-services.h"
#include "henb-step.h"
#include "henb-tls.h"

G_BEGIN_DECLS

/* What the steps of one run learn about a HeMS and hand on to the next step. */
typedef struct {
    gchar             *url;
    gchar             *host;
    gboolean           host_is_ip;
    gboolean           https;
    HenbTlsContext    *tls;
    HenbCwmpTransport *transport;
    HenbCwmpSession   *session;
} HenbHemsLink;

/* A SeGW the procedure may tunnel to: as configured, and where public DNS put it. */
typedef struct {
    gchar        *name;     /* "SecGWServer1" or "InitialSeGW" */
    gchar        *host;     /* FQDN or IP, as configured */
    GInetAddress *address;  /* NULL until resolved */
} HenbSegwCandidate;

/*
 * One run of the bootstrap: a GTask step machine over the steps of the discovery plugin
 * (5.1.2) and of registration (5.1.3), each with a timeout, all cancellable.
 */
#define HENB_TYPE_PROCEDURE (henb_procedure_get_type ())
G_DECLARE_FINAL_TYPE (HenbProcedure, henb_procedure, HENB, PROCEDURE, GObject)

/* An empty run: henb-plans.h fills in its steps (henb_procedure_get_steps ()). */
HenbProcedure      *henb_procedure_new (const HenbServices *services);
const HenbServices *henb_procedure_get_services (HenbProcedure *self);
HenbHemsLink       *henb_procedure_get_link (HenbProcedure *self, HenbHemsRole role);
/* DNS servers for names of the given HeMS: the servers its tunnel's SeGW assigned, or NULL
 * for the public resolver when no tunnel leads to it. */
const gchar *const *henb_procedure_get_dns_servers (HenbProcedure *self, HenbHemsRole role);

/* SeGWs to try for the tunnel toward the given HeMS, in order (HenbSegwCandidate). */
GPtrArray          *henb_procedure_get_segw_candidates (HenbProcedure *self, HenbHemsRole role);
/* The tunnel toward the given HeMS; the procedure watches it and fails the running step when
 * it drops. */
HenbTunnel         *henb_procedure_get_tunnel (HenbProcedure *self, HenbHemsRole role);
void                henb_procedure_set_tunnel (HenbProcedure *self, HenbHemsRole role, HenbTunnel *tunnel);
/* Takes the serving tunnel out of a finished run: it stays up after registration. */
HenbTunnel         *henb_procedure_steal_tunnel (HenbProcedure *self, HenbHemsRole role);
/* Closes @tunnel without waiting for it (5.1.2.2 step 5: the SeGW's answer to the deletion is
 * no reason to hold the next steps back); henb_procedure_wait_closes_async() waits for every
 * such close, e.g. before the next tunnel comes up. A failed close is logged. */
void                henb_procedure_close_tunnel_in_background (HenbProcedure *self, HenbTunnel *tunnel);
/* Completes once no tunnel closes in the background any more (at once when none does), or
 * with G_IO_ERROR_CANCELLED when @cancellable fires first. */
void                henb_procedure_wait_closes_async (HenbProcedure      *self,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data);
gboolean            henb_procedure_wait_closes_finish (HenbProcedure *self, GAsyncResult *result, GError **error);
gboolean            henb_procedure_is_closing (HenbProcedure *self);
/* @previous's background closes count as @self's own: a run started while the one before it
 * still closes a tunnel waits for that close before its first tunnel, like for its own. */
void                henb_procedure_inherit_closes (HenbProcedure *self, HenbProcedure *previous);
/* Records one failed (or successful) attempt inside the running step, e.g. one SeGW of a
 * fail-over list; the step's own result follows when it completes. */
void                henb_procedure_record_attempt (HenbProcedure *self,
                                                   const gchar   *what,
                                                   const GError  *error);

/* The planned steps (HenbStep), in order; planning appends to it before the run. */
GPtrArray          *henb_procedure_get_steps (HenbProcedure *self);
/* Records of the steps run so far (HenbStepRecord). */
GPtrArray          *henb_procedure_get_records (HenbProcedure *self);
const HenbStep     *henb_procedure_get_current_step (HenbProcedure *self);
const HenbStep     *henb_procedure_get_failed_step (HenbProcedure *self);
guint               henb_procedure_get_percentage (HenbProcedure *self);

/* Lends the run @role's tunnel, which it uses and watches (a drop fails the running step) but
 * neither closes nor hands back with henb_procedure_steal_tunnel(). */
void     henb_procedure_lend_tunnel (HenbProcedure *self, HenbHemsRole role, HenbTunnel *tunnel);
/* A note shown with the current step's record, e.g. why it was skipped. */
void     henb_procedure_set_step_detail (HenbProcedure *self, const gchar *format, ...) G_GNUC_PRINTF (2, 3);
void     henb_procedure_run_async (HenbProcedure      *self,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
gboolean henb_procedure_run_finish (HenbProcedure *self, GAsyncResult *result, GError **error);

G_END_DECLS
