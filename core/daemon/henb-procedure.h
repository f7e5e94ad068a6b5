/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

#include "henb-config.h"
#include "henb-cwmp-session.h"
#include "henb-datamodel.h"
#include "henb-ipsec.h"
#include "henb-plugin-manager.h"
#include "henb-resolver.h"
#include "henb-step.h"
#include "henb-store.h"
#include "henb-tls.h"
#include "henb-trace.h"

G_BEGIN_DECLS

typedef struct _HenbAgent HenbAgent;

/* The long-lived parts of henbd a procedure works with. */
typedef struct {
    HenbConfig        *config;
    HenbDataModel     *dm;
    HenbStore         *store;
    HenbResolver      *resolver;
    HenbPluginManager *plugins;
    HenbTrace         *trace;   /* NULL without --trace-dir */
    HenbAgent         *agent;   /* device actions and retry state for every session */
} HenbServices;

typedef enum {
    HENB_HEMS_INITIAL = 0,
    HENB_HEMS_SERVING = 1,
} HenbHemsRole;

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

HenbProcedure      *henb_procedure_new (const HenbServices *services, gboolean discover);
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
/* Records one failed (or successful) attempt inside the running step, e.g. one SeGW of a
 * fail-over list; the step's own result follows when it completes. */
void                henb_procedure_record_attempt (HenbProcedure *self,
                                                   const gchar   *what,
                                                   const GError  *error);

/* The planned steps; valid once the procedure is constructed. */
GPtrArray          *henb_procedure_get_steps (HenbProcedure *self);
/* Records of the steps run so far (HenbStepRecord). */
GPtrArray          *henb_procedure_get_records (HenbProcedure *self);
const HenbStep     *henb_procedure_get_current_step (HenbProcedure *self);
const HenbStep     *henb_procedure_get_failed_step (HenbProcedure *self);
guint               henb_procedure_get_percentage (HenbProcedure *self);

gboolean henb_procedure_prepare (HenbProcedure *self, GError **error);
/*
 * Plans a run of the S1 step alone, after registration, when the HeMS changed what S1 needs
 * (@why says what, for the step's detail). @tunnel is the kept serving tunnel, or NULL: the
 * run uses it, and neither closes it nor hands it back with henb_procedure_steal_tunnel().
 */
void     henb_procedure_prepare_s1 (HenbProcedure *self, HenbTunnel *tunnel, const gchar *why);
void     henb_procedure_run_async (HenbProcedure      *self,
                                   GCancellable       *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer            user_data);
gboolean henb_procedure_run_finish (HenbProcedure *self, GAsyncResult *result, GError **error);

G_END_DECLS
