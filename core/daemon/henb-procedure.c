/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-errors.h"
#include "henb-main-context.h"
#include "henb-procedure.h"

struct _HenbProcedure {
    GObject        parent_instance;
    HenbServices   services;
    HenbHemsLink   links[2];
    HenbTunnel    *tunnels[2];
    gboolean       lent[2];       /* tunnels[role] is the manager's: neither closed nor handed back */
    GPtrArray     *candidates[2]; /* HenbSegwCandidate */
    GError        *tunnel_error;  /* a tunnel dropped while a step ran */
    GCancellable  *step_cancellable; /* of the running step, to stop it when its tunnel drops */
    guint          closing;       /* tunnels closing in the background */
    GPtrArray     *close_waiters; /* GTask of henb_procedure_wait_closes_async () */
    guint          steps_done;
    GPtrArray     *steps;    /* HenbStep */
    GPtrArray     *records;  /* HenbStepRecord */
    gint           current;  /* index of the running step, -1 when none */
    gint           failed;   /* index of the step that failed, -1 when none */
    gchar         *detail;   /* note of the running step, see henb_procedure_set_step_detail() */
    HenbState      state;
};

G_DEFINE_TYPE (HenbProcedure, henb_procedure, G_TYPE_OBJECT)

enum {
    SIGNAL_STEP_STARTED,
    SIGNAL_STEP_FINISHED,
    SIGNAL_STATE_CHANGED,
    SIGNAL_TUNNEL_CHANGED,
    N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
link_clear (HenbHemsLink *link)
{
    if (link->session != NULL)
        henb_cwmp_session_close (link->session);
    else if (link->transport != NULL)
        henb_cwmp_transport_close (link->transport);
    g_clear_object (&link->session);
    g_clear_object (&link->transport);
    g_clear_object (&link->tls);
    g_clear_pointer (&link->url, g_free);
    g_clear_pointer (&link->host, g_free);
    link->host_is_ip = FALSE;
    link->https = FALSE;
}

static void
candidate_free (HenbSegwCandidate *c)
{
    g_free (c->name);
    g_free (c->host);
    g_clear_object (&c->address);
    g_free (c);
}

static void
tunnel_closed (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(GError) error = NULL;

    if (!henb_tunnel_close_finish (HENB_TUNNEL (source), res, &error))
        g_warning ("closing the tunnel to %s: %s", henb_tunnel_get_gateway (HENB_TUNNEL (source)),
                   error->message);
}

/* A failed or abandoned run leaves no tunnel behind. */
static void
close_tunnels (HenbProcedure *self)
{
    for (guint role = 0; role < G_N_ELEMENTS (self->tunnels); role++) {
        g_autoptr(HenbTunnel) tunnel = henb_procedure_steal_tunnel (self, role);

        if (tunnel != NULL)
            henb_tunnel_close_async (tunnel, NULL, tunnel_closed, NULL);
    }
}

static void
henb_procedure_dispose (GObject *object)
{
    HenbProcedure *self = HENB_PROCEDURE (object);

    link_clear (&self->links[HENB_HEMS_INITIAL]);
    link_clear (&self->links[HENB_HEMS_SERVING]);
    close_tunnels (self);
    g_clear_object (&self->step_cancellable);
    g_clear_object (&self->services.dm);
    g_clear_object (&self->services.store);
    g_clear_object (&self->services.resolver);
    g_clear_object (&self->services.plugins);
    g_clear_object (&self->services.trace);
    g_clear_object (&self->services.sessions);
    G_OBJECT_CLASS (henb_procedure_parent_class)->dispose (object);
}

static void
henb_procedure_finalize (GObject *object)
{
    HenbProcedure *self = HENB_PROCEDURE (object);

    g_ptr_array_unref (self->steps);
    g_ptr_array_unref (self->records);
    g_ptr_array_unref (self->candidates[0]);
    g_ptr_array_unref (self->candidates[1]);
    /* every waiter and every background close holds a reference: none is left here */
    g_ptr_array_unref (self->close_waiters);
    g_clear_error (&self->tunnel_error);
    g_free (self->detail);
    G_OBJECT_CLASS (henb_procedure_parent_class)->finalize (object);
}

static void
henb_procedure_class_init (HenbProcedureClass *klass)
{
    GObjectClass *object_class = G_OBJECT_CLASS (klass);

    object_class->dispose = henb_procedure_dispose;
    object_class->finalize = henb_procedure_finalize;

    signals[SIGNAL_STEP_STARTED] =
        g_signal_new ("step-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 0);
    /* the HenbStepRecord just added to the records */
    signals[SIGNAL_STEP_FINISHED] =
        g_signal_new ("step-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
    signals[SIGNAL_STATE_CHANGED] =
        g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_INT);
    /* a tunnel came up or went: the HenbTunnel, or NULL */
    signals[SIGNAL_TUNNEL_CHANGED] =
        g_signal_new ("tunnel-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
henb_procedure_init (HenbProcedure *self)
{
    self->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) henb_step_free);
    self->records = g_ptr_array_new_with_free_func ((GDestroyNotify) henb_step_record_free);
    self->current = -1;
    self->failed = -1;
    self->state = HENB_STATE_IDLE;
    self->candidates[0] = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);
    self->candidates[1] = g_ptr_array_new_with_free_func ((GDestroyNotify) candidate_free);
    self->close_waiters = g_ptr_array_new ();
}

HenbProcedure *
henb_procedure_new (const HenbServices *services)
{
    HenbProcedure *self = g_object_new (HENB_TYPE_PROCEDURE, NULL);

    /* the configuration outlives every procedure: it is not reloaded while henbd runs */
    self->services.config = services->config;
    self->services.dm = g_object_ref (services->dm);
    self->services.store = g_object_ref (services->store);
    self->services.resolver = g_object_ref (services->resolver);
    self->services.plugins = g_object_ref (services->plugins);
    self->services.trace = services->trace != NULL ? g_object_ref (services->trace) : NULL;
    self->services.sessions = services->sessions != NULL ? g_object_ref (services->sessions) : NULL;
    return self;
}

const HenbServices *
henb_procedure_get_services (HenbProcedure *self)
{
    return &self->services;
}

HenbHemsLink *
henb_procedure_get_link (HenbProcedure *self, HenbHemsRole role)
{
    return &self->links[role];
}

const gchar *const *
henb_procedure_get_dns_servers (HenbProcedure *self, HenbHemsRole role)
{
    HenbTunnel *tunnel = self->tunnels[role];

    /* a SeGW that assigned no DNS server leaves the names to the public resolver */
    if (tunnel == NULL || henb_tunnel_get_dns_servers (tunnel)[0] == NULL)
        return NULL;
    return henb_tunnel_get_dns_servers (tunnel);
}

GPtrArray *
henb_procedure_get_segw_candidates (HenbProcedure *self, HenbHemsRole role)
{
    return self->candidates[role];
}

HenbTunnel *
henb_procedure_get_tunnel (HenbProcedure *self, HenbHemsRole role)
{
    return self->tunnels[role];
}

static void
on_tunnel_dropped (HenbTunnel *tunnel, const GError *reason, HenbProcedure *self)
{
    g_warning ("tunnel to %s dropped: %s", henb_tunnel_get_gateway (tunnel), reason->message);
    if (self->tunnel_error == NULL)
        self->tunnel_error = g_error_copy (reason);
    /* whatever runs through it cannot succeed any more */
    if (self->step_cancellable != NULL)
        g_cancellable_cancel (self->step_cancellable);
}

void
henb_procedure_set_tunnel (HenbProcedure *self, HenbHemsRole role, HenbTunnel *tunnel)
{
    g_autoptr(HenbTunnel) old = henb_procedure_steal_tunnel (self, role);

    if (old != NULL)
        henb_tunnel_close_async (old, NULL, tunnel_closed, NULL);
    if (tunnel == NULL)
        return;
    self->tunnels[role] = g_object_ref (tunnel);
    g_signal_connect (tunnel, "dropped", G_CALLBACK (on_tunnel_dropped), self);
    g_signal_emit (self, signals[SIGNAL_TUNNEL_CHANGED], 0, tunnel);
}

HenbTunnel *
henb_procedure_steal_tunnel (HenbProcedure *self, HenbHemsRole role)
{
    HenbTunnel *tunnel = g_steal_pointer (&self->tunnels[role]);

    if (tunnel == NULL)
        return NULL;
    g_signal_handlers_disconnect_by_data (tunnel, self);
    /* a lent tunnel stays with its owner, up */
    if (self->lent[role]) {
        self->lent[role] = FALSE;
        g_object_unref (tunnel);
        return NULL;
    }
    g_signal_emit (self, signals[SIGNAL_TUNNEL_CHANGED], 0, NULL);
    return tunnel;
}

/* ------------------------------------------------------------------------------------------ */
/* Closes in the background */

typedef struct {
    GCancellable *cancellable;
    gulong        cancelled_id;
} CloseWaiter;

static void
close_waiter_free (CloseWaiter *w)
{
    g_clear_object (&w->cancellable);
    g_free (w);
}

/* takes @task out of the waiters and completes it (its cancellable's handler is gone after) */
static void
close_waiter_return (GTask *task, GError *error)
{
    HenbProcedure *self = g_task_get_source_object (task);
    CloseWaiter *w = g_task_get_task_data (task);

    g_ptr_array_remove (self->close_waiters, task);
    /* g_cancellable_disconnect waits for a running handler: never from inside it (see
     * close_waiter_cancelled, which clears the id first) */
    if (w->cancelled_id != 0)
        g_cancellable_disconnect (w->cancellable, w->cancelled_id);
    w->cancelled_id = 0;
    if (error != NULL)
        g_task_return_error (task, error);
    else
        g_task_return_boolean (task, TRUE);
    g_object_unref (task);
}

static gboolean
close_waiter_cancelled_idle (gpointer user_data)
{
    GTask *task = user_data;

    /* the closes may have ended in the meantime: the task is then no waiter any more */
    if (!g_ptr_array_find (HENB_PROCEDURE (g_task_get_source_object (task))->close_waiters, task, NULL))
        return G_SOURCE_REMOVE;
    close_waiter_return (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                    "cancelled while a tunnel was closing"));
    return G_SOURCE_REMOVE;
}

static void
close_waiter_cancelled (GCancellable *cancellable, gpointer user_data)
{
    GTask *task = user_data;
    CloseWaiter *w = g_task_get_task_data (task);

    /* may run in the thread that cancelled, and inside g_cancellable_connect: complete the task
     * from the task's own main context instead */
    w->cancelled_id = 0;
    g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT, close_waiter_cancelled_idle,
                                g_object_ref (task), g_object_unref);
}

static void
one_close_ended (HenbProcedure *self)
{
    g_return_if_fail (self->closing > 0);
    if (--self->closing > 0)
        return;
    while (self->close_waiters->len > 0)
        close_waiter_return (self->close_waiters->pdata[0], NULL);
}

static void
background_close_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(HenbProcedure) self = user_data;
    g_autoptr(GError) error = NULL;

    if (!henb_tunnel_close_finish (HENB_TUNNEL (source), res, &error))
        g_warning ("closing the tunnel to %s: %s", henb_tunnel_get_gateway (HENB_TUNNEL (source)),
                   error->message);
    else
        g_debug ("tunnel to %s closed", henb_tunnel_get_gateway (HENB_TUNNEL (source)));
    one_close_ended (self);
}

void
henb_procedure_close_tunnel_in_background (HenbProcedure *self, HenbTunnel *tunnel)
{
    g_return_if_fail (HENB_IS_PROCEDURE (self));
    g_return_if_fail (HENB_IS_TUNNEL (tunnel));

    self->closing++;
    /* no cancellable: a close is never left half-done */
    henb_tunnel_close_async (tunnel, NULL, background_close_done, g_object_ref (self));
}

void
henb_procedure_wait_closes_async (HenbProcedure      *self,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
    GTask *task = g_task_new (self, cancellable, callback, user_data);
    CloseWaiter *w;

    g_task_set_source_tag (task, henb_procedure_wait_closes_async);
    if (self->closing == 0) {
        g_task_return_boolean (task, TRUE);
        g_object_unref (task);
        return;
    }
    w = g_new0 (CloseWaiter, 1);
    g_task_set_task_data (task, w, (GDestroyNotify) close_waiter_free);
    g_ptr_array_add (self->close_waiters, task);
    if (cancellable != NULL) {
        w->cancellable = g_object_ref (cancellable);
        w->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (close_waiter_cancelled), task, NULL);
    }
}

gboolean
henb_procedure_wait_closes_finish (HenbProcedure *self, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
henb_procedure_is_closing (HenbProcedure *self)
{
    g_return_val_if_fail (HENB_IS_PROCEDURE (self), FALSE);
    return self->closing > 0;
}

static void
inherited_closes_waited (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(HenbProcedure) self = user_data;

    henb_procedure_wait_closes_finish (HENB_PROCEDURE (source), res, NULL);
    one_close_ended (self);
}

void
henb_procedure_inherit_closes (HenbProcedure *self, HenbProcedure *previous)
{
    g_return_if_fail (HENB_IS_PROCEDURE (self));
    if (previous == NULL || previous == self || previous->closing == 0)
        return;
    self->closing++;
    henb_procedure_wait_closes_async (previous, NULL, inherited_closes_waited, g_object_ref (self));
}

GPtrArray *
henb_procedure_get_steps (HenbProcedure *self)
{
    return self->steps;
}

GPtrArray *
henb_procedure_get_records (HenbProcedure *self)
{
    return self->records;
}

const HenbStep *
henb_procedure_get_current_step (HenbProcedure *self)
{
    return self->current >= 0 ? self->steps->pdata[self->current] : NULL;
}

const HenbStep *
henb_procedure_get_failed_step (HenbProcedure *self)
{
    return self->failed >= 0 ? self->steps->pdata[self->failed] : NULL;
}

guint
henb_procedure_get_percentage (HenbProcedure *self)
{
    guint total = 0, done = 0;

    for (guint i = 0; i < self->steps->len; i++) {
        HenbStep *step = self->steps->pdata[i];

        total += step->weight;
        if (i < self->steps_done)
            done += step->weight;
    }
    return total > 0 ? done * 100 / total : 0;
}

void
henb_procedure_set_step_detail (HenbProcedure *self, const gchar *format, ...)
{
    va_list args;

    g_free (self->detail);
    va_start (args, format);
    self->detail = g_strdup_vprintf (format, args);
    va_end (args);
}

void
henb_procedure_lend_tunnel (HenbProcedure *self, HenbHemsRole role, HenbTunnel *tunnel)
{
    g_return_if_fail (self->tunnels[role] == NULL);

    self->tunnels[role] = g_object_ref (tunnel);
    self->lent[role] = TRUE;
    /* a step through a tunnel that drops fails as any step would */
    g_signal_connect (tunnel, "dropped", G_CALLBACK (on_tunnel_dropped), self);
}

/* ------------------------------------------------------------------------------------------ */
/* The step machine */

typedef struct {
    GCancellable *step_cancellable;
    gulong        cancelled_id;
    guint         timeout_id;
    gboolean      timed_out;
    gint64        start_mono;
    gint64        start_wall;
} RunContext;

static void
run_context_free (RunContext *ctx)
{
    g_assert (ctx->timeout_id == 0);
    g_clear_object (&ctx->step_cancellable);
    g_free (ctx);
}

static void
set_state (HenbProcedure *self, HenbState state)
{
    if (self->state == state)
        return;
    self->state = state;
    g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0, (gint) state);
}

static guint
step_timeout (HenbProcedure *self, HenbStep *step)
{
    return step->timeout > 0 ? step->timeout : self->services.config->session_timeout;
}

static gboolean
step_timed_out (gpointer user_data)
{
    GTask *task = user_data;
    RunContext *ctx = g_task_get_task_data (task);

    ctx->timeout_id = 0;
    ctx->timed_out = TRUE;
    g_cancellable_cancel (ctx->step_cancellable);
    return G_SOURCE_REMOVE;
}

static void
on_run_cancelled (GCancellable *cancellable, gpointer user_data)
{
    g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void run_next_step (GTask *task);

static void
record_step (HenbProcedure *self, RunContext *ctx, HenbStep *step, HenbStepResult result,
             const gchar *detail)
{
    HenbStepRecord *record = g_new0 (HenbStepRecord, 1);

    record->id = g_strdup (step->id);
    record->name = g_strdup (step->name);
    record->result = result;
    record->start_wall_us = ctx->start_wall;
    record->duration_us = (guint64) (g_get_monotonic_time () - ctx->start_mono);
    record->detail = detail != NULL ? g_strdup (detail) : g_steal_pointer (&self->detail);
    g_clear_pointer (&self->detail, g_free);
    g_ptr_array_add (self->records, record);
    g_signal_emit (self, signals[SIGNAL_STEP_FINISHED], 0, record);
}

void
henb_procedure_record_attempt (HenbProcedure *self, const gchar *what, const GError *error)
{
    HenbStep *step;
    HenbStepRecord *record;

    g_return_if_fail (self->current >= 0);
    step = self->steps->pdata[self->current];
    record = g_new0 (HenbStepRecord, 1);
    record->id = g_strdup (step->id);
    record->name = g_strdup_printf ("%s [%s]", step->name, what);
    record->result = error != NULL ? HENB_STEP_RESULT_FAILED : HENB_STEP_RESULT_OK;
    record->start_wall_us = g_get_real_time ();
    record->detail = error != NULL ? g_strdup (error->message) : NULL;
    g_ptr_array_add (self->records, record);
    if (error != NULL)
        g_message ("step %s %s: %s failed: %s", step->id, step->name, what, error->message);
    g_signal_emit (self, signals[SIGNAL_STEP_FINISHED], 0, record);
}

static void
step_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    HenbProcedure *self = g_task_get_source_object (task);
    RunContext *ctx = g_task_get_task_data (task);
    HenbStep *step = self->steps->pdata[self->current];
    GError *error = NULL;
    gssize result;

    if (ctx->timeout_id != 0) {
        henb_source_remove (ctx->timeout_id);
        ctx->timeout_id = 0;
    }
    g_cancellable_disconnect (g_task_get_cancellable (task), ctx->cancelled_id);
    ctx->cancelled_id = 0;

    g_clear_object (&self->step_cancellable);
    result = g_task_propagate_int (G_TASK (res), &error);
    if (error == NULL && self->tunnel_error != NULL && g_cancellable_is_cancelled (ctx->step_cancellable)) {
        /* the step finished anyway, but its tunnel is gone */
        error = g_error_copy (self->tunnel_error);
    }
    if (error != NULL) {
        if (self->tunnel_error != NULL && g_cancellable_is_cancelled (ctx->step_cancellable)) {
            g_clear_error (&error);
            error = g_error_copy (self->tunnel_error);
        } else if (ctx->timed_out) {
            g_clear_error (&error);
            g_set_error (&error, HENB_CORE_ERROR, HENB_CORE_ERROR_TIMEOUT,
                         "did not finish within %u s", step_timeout (self, step));
        } else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            g_clear_error (&error);
            g_set_error_literal (&error, HENB_CORE_ERROR, HENB_CORE_ERROR_CANCELLED, "cancelled");
        }
        g_prefix_error (&error, "%s %s: ", step->id, step->name);
        self->failed = self->current;
        self->current = -1;
        record_step (self, ctx, step, HENB_STEP_RESULT_FAILED, error->message);
        link_clear (&self->links[HENB_HEMS_INITIAL]);
        link_clear (&self->links[HENB_HEMS_SERVING]);
        close_tunnels (self);
        g_task_return_error (task, error);
        g_object_unref (task);
        return;
    }
    g_message ("step %s %s: %s (%.3f s)%s%s", step->id, step->name,
               henb_step_result_to_string ((HenbStepResult) result),
               (g_get_monotonic_time () - ctx->start_mono) / 1e6, self->detail != NULL ? ": " : "",
               self->detail != NULL ? self->detail : "");
    /* counted before the record is announced, so listeners see the new percentage */
    self->steps_done++;
    record_step (self, ctx, step, (HenbStepResult) result, NULL);
    self->current++;
    run_next_step (task);
}

static void
run_next_step (GTask *task)
{
    HenbProcedure *self = g_task_get_source_object (task);
    RunContext *ctx = g_task_get_task_data (task);
    GTask *step_task;
    HenbStep *step;

    if (self->current >= (gint) self->steps->len) {
        self->current = -1;
        set_state (self, HENB_STATE_REGISTERED);
        g_task_return_boolean (task, TRUE);
        g_object_unref (task);
        return;
    }
    step = self->steps->pdata[self->current];
    set_state (self, step->state);

    g_clear_object (&ctx->step_cancellable);
    ctx->step_cancellable = g_cancellable_new ();
    ctx->timed_out = FALSE;
    ctx->start_mono = g_get_monotonic_time ();
    ctx->start_wall = g_get_real_time ();
    ctx->cancelled_id = g_cancellable_connect (g_task_get_cancellable (task),
                                               G_CALLBACK (on_run_cancelled),
                                               g_object_ref (ctx->step_cancellable), g_object_unref);
    ctx->timeout_id = henb_timeout_add_seconds (step_timeout (self, step), step_timed_out, task);
    g_set_object (&self->step_cancellable, ctx->step_cancellable);
    g_signal_emit (self, signals[SIGNAL_STEP_STARTED], 0);
    g_debug ("step %s %s started", step->id, step->name);

    step_task = g_task_new (self, ctx->step_cancellable, step_done, task);
    g_task_set_source_tag (step_task, step->run);
    /* run() owns step_task; GTask defers a synchronous return to the next iteration */
    step->run (step, self, step_task);
}

void
henb_procedure_run_async (HenbProcedure      *self,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
    g_autoptr(GCancellable) own = cancellable == NULL ? g_cancellable_new () : NULL;
    GTask *task = g_task_new (self, cancellable != NULL ? cancellable : own, callback, user_data);

    g_task_set_source_tag (task, henb_procedure_run_async);
    /* the run reports its own error on cancel: which step was stopped */
    g_task_set_check_cancellable (task, FALSE);
    g_task_set_task_data (task, g_new0 (RunContext, 1), (GDestroyNotify) run_context_free);
    g_return_if_fail (self->steps->len > 0);
    henb_resolver_unpin_all (self->services.resolver);
    self->current = 0;
    run_next_step (task);
}

gboolean
henb_procedure_run_finish (HenbProcedure *self, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean (G_TASK (result), error);
}
