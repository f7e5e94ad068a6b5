/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 5.1.2.2 step 5 (close-initial-tunnel) asks for the deletion and goes on: the SeGW's answer is
 * waited for by the next tunnel step, not by the steps in between (one round trip less on the
 * way to registration). A fake tunnel whose close ends only when the test says so.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "henb-ipsec.h"
#include "henb-plugin-manager.h"
#include "henb-procedure.h"
#include "henb-steps.h"

/* ------------------------------------------------------------------------------------------ */
/* A tunnel whose close completes on fake_tunnel_finish_close () */

#define FAKE_TYPE_TUNNEL (fake_tunnel_get_type ())
G_DECLARE_FINAL_TYPE (FakeTunnel, fake_tunnel, FAKE, TUNNEL, HenbTunnel)

struct _FakeTunnel {
    HenbTunnel parent_instance;
    GTask     *close_task;
    GString   *events;
};

G_DEFINE_TYPE (FakeTunnel, fake_tunnel, HENB_TYPE_TUNNEL)

static void
fake_tunnel_close_async (HenbTunnel *tunnel, GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
    FakeTunnel *self = FAKE_TUNNEL (tunnel);

    g_assert_null (self->close_task);
    self->close_task = g_task_new (self, cancellable, callback, user_data);
    g_string_append (self->events, "close-started ");
}

static gboolean
fake_tunnel_close_finish (HenbTunnel *tunnel, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean (G_TASK (result), error);
}

static void
fake_tunnel_finish_close (FakeTunnel *self)
{
    g_autoptr(GTask) task = g_steal_pointer (&self->close_task);

    g_assert_nonnull (task);
    g_string_append (self->events, "close-done ");
    g_task_return_boolean (task, TRUE);
}

static void
fake_tunnel_class_init (FakeTunnelClass *klass)
{
    HENB_TUNNEL_CLASS (klass)->close_async = fake_tunnel_close_async;
    HENB_TUNNEL_CLASS (klass)->close_finish = fake_tunnel_close_finish;
}

static void
fake_tunnel_init (FakeTunnel *self)
{
}

static FakeTunnel *
fake_tunnel_new (GString *events)
{
    FakeTunnel *self = g_object_new (FAKE_TYPE_TUNNEL, NULL);
    const gchar *dns[] = { "10.100.0.53", NULL };

    self->events = events;
    henb_tunnel_set_identity (HENB_TUNNEL (self), "fake", "initial", "segw1.henb.test", "192.0.2.1");
    henb_tunnel_set_up (HENB_TUNNEL (self), "10.200.0.1", dns);
    return self;
}

/* ------------------------------------------------------------------------------------------ */

typedef struct {
    gchar         *state_dir;
    HenbConfig    *config;
    HenbServices   services;
    HenbProcedure *proc;
    GString       *events;
    FakeTunnel    *tunnel;
    GMainLoop     *loop;
    gboolean       run_ok;
    GError        *run_error;
    guint          guard_id;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
    f->state_dir = g_dir_make_tmp ("henb-test-procedure-close-XXXXXX", NULL);
    g_assert_nonnull (f->state_dir);
    f->config = g_new0 (HenbConfig, 1);
    /* a close step that waited for the fake close would time out after this */
    f->config->ike_timeout = 1;
    f->config->session_timeout = 5;
    f->services.config = f->config;
    f->services.dm = henb_data_model_new ("00005A");
    f->services.store = henb_store_new (f->state_dir, f->services.dm);
    {
        g_autoptr(GResolver) system = g_resolver_get_default ();

        f->services.resolver = henb_resolver_new (system, NULL);
    }
    f->services.plugins = henb_plugin_manager_new ();
    f->proc = henb_procedure_new (&f->services);
    f->events = g_string_new (NULL);
    f->tunnel = fake_tunnel_new (f->events);
    f->loop = g_main_loop_new (NULL, FALSE);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
    g_clear_object (&f->proc);
    g_clear_object (&f->tunnel);
    g_clear_object (&f->services.dm);
    g_clear_object (&f->services.store);
    g_clear_object (&f->services.resolver);
    g_clear_object (&f->services.plugins);
    g_free (f->config);
    g_string_free (f->events, TRUE);
    g_main_loop_unref (f->loop);
    g_clear_error (&f->run_error);
    g_rmdir (f->state_dir);
    g_free (f->state_dir);
}

static Fixture *
fixture_of (HenbProcedure *proc)
{
    return g_object_get_data (G_OBJECT (proc), "fixture");
}

/* step "open": the initial tunnel is up */
static void
open_run (HenbStep *step, HenbProcedure *proc, GTask *task)
{
    henb_procedure_set_tunnel (proc, HENB_HEMS_INITIAL, HENB_TUNNEL (fixture_of (proc)->tunnel));
    g_task_return_int (task, HENB_STEP_RESULT_OK);
    g_object_unref (task);
}

/* step "next": runs while the close is still going, then lets it end */
static void
next_run (HenbStep *step, HenbProcedure *proc, GTask *task)
{
    Fixture *f = fixture_of (proc);

    g_string_append (f->events, "next-step ");
    fake_tunnel_finish_close (f->tunnel);
    g_task_return_int (task, HENB_STEP_RESULT_OK);
    g_object_unref (task);
}

static void
closes_waited (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GTask *task = user_data;
    Fixture *f = fixture_of (HENB_PROCEDURE (source));
    g_autoptr(GError) error = NULL;

    g_assert_true (henb_procedure_wait_closes_finish (HENB_PROCEDURE (source), res, &error));
    g_assert_no_error (error);
    g_string_append (f->events, "waited ");
    g_task_return_int (task, HENB_STEP_RESULT_OK);
    g_object_unref (task);
}

/* step "wait": as the next tunnel step does */
static void
wait_run (HenbStep *step, HenbProcedure *proc, GTask *task)
{
    henb_procedure_wait_closes_async (proc, g_task_get_cancellable (task), closes_waited, task);
}

static void
run_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    Fixture *f = user_data;

    f->run_ok = henb_procedure_run_finish (HENB_PROCEDURE (source), res, &f->run_error);
    g_main_loop_quit (f->loop);
}

/* a close step that waits for the close ends only by its timeout, and the procedure then waits
 * for the step: the close ends here after that, so that such a run fails instead of hanging */
static gboolean
end_close_late (gpointer user_data)
{
    Fixture *f = user_data;

    f->guard_id = 0;
    if (f->tunnel->close_task != NULL)
        fake_tunnel_finish_close (f->tunnel);
    return G_SOURCE_REMOVE;
}

static void
test_close_in_background (Fixture *f, gconstpointer data)
{
    GPtrArray *steps = henb_procedure_get_steps (f->proc);
    GPtrArray *records;
    HenbStepRecord *close_record;

    g_object_set_data (G_OBJECT (f->proc), "fixture", f);
    g_ptr_array_add (steps, henb_step_new ("t/1", "open", HENB_STATE_DISCOVERING, open_run, NULL, NULL));
    g_ptr_array_add (steps, henb_step_close_tunnel_new (f->proc, "5.1.2.2/5", "close-initial-tunnel",
                                                        HENB_STATE_DISCOVERING, HENB_HEMS_INITIAL));
    g_ptr_array_add (steps, henb_step_new ("t/2", "next", HENB_STATE_CONNECTING, next_run, NULL, NULL));
    g_ptr_array_add (steps, henb_step_new ("t/3", "wait", HENB_STATE_CONNECTING, wait_run, NULL, NULL));

    henb_procedure_run_async (f->proc, NULL, run_done, f);
    f->guard_id = g_timeout_add_seconds (3, end_close_late, f);
    g_main_loop_run (f->loop);
    g_clear_handle_id (&f->guard_id, g_source_remove);

    g_assert_no_error (f->run_error);
    g_assert_true (f->run_ok);
    /* without the background close: close-started close-done next-step (or the close step's
     * timeout, had the close never ended on its own) */
    g_assert_cmpstr (f->events->str, ==, "close-started next-step close-done waited ");
    g_assert_null (henb_procedure_get_tunnel (f->proc, HENB_HEMS_INITIAL));
    records = henb_procedure_get_records (f->proc);
    g_assert_cmpuint (records->len, ==, 4);
    close_record = records->pdata[1];
    g_assert_cmpstr (close_record->name, ==, "close-initial-tunnel");
    g_assert_cmpint (close_record->result, ==, HENB_STEP_RESULT_OK);
    g_assert_cmpstr (close_record->detail, ==, "tunnel to segw1.henb.test closing");
}

static void
wait_cancelled (GObject *source, GAsyncResult *res, gpointer user_data)
{
    Fixture *f = user_data;

    g_assert_false (henb_procedure_wait_closes_finish (HENB_PROCEDURE (source), res, &f->run_error));
    g_main_loop_quit (f->loop);
}

static void
wait_none (GObject *source, GAsyncResult *res, gpointer user_data)
{
    Fixture *f = user_data;

    f->run_ok = henb_procedure_wait_closes_finish (HENB_PROCEDURE (source), res, &f->run_error);
    g_main_loop_quit (f->loop);
}

static gboolean
cancel_later (gpointer user_data)
{
    g_cancellable_cancel (G_CANCELLABLE (user_data));
    return G_SOURCE_REMOVE;
}

/* a waiter stops on its cancellable, already cancelled or cancelled while it waits; the close
 * itself goes on and ends */
static void
test_wait_cancelled (Fixture *f, gconstpointer data)
{
    g_autoptr(GCancellable) cancelled = g_cancellable_new ();
    g_autoptr(GCancellable) later = g_cancellable_new ();

    henb_procedure_close_tunnel_in_background (f->proc, HENB_TUNNEL (f->tunnel));

    g_cancellable_cancel (cancelled);
    henb_procedure_wait_closes_async (f->proc, cancelled, wait_cancelled, f);
    g_main_loop_run (f->loop);
    g_assert_error (f->run_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&f->run_error);

    henb_procedure_wait_closes_async (f->proc, later, wait_cancelled, f);
    g_idle_add_full (G_PRIORITY_DEFAULT, cancel_later, g_object_ref (later), g_object_unref);
    g_main_loop_run (f->loop);
    g_assert_error (f->run_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&f->run_error);

    /* the close ends; then a wait completes at once */
    fake_tunnel_finish_close (f->tunnel);
    while (g_main_context_iteration (NULL, FALSE))
        ;
    henb_procedure_wait_closes_async (f->proc, NULL, wait_none, f);
    g_main_loop_run (f->loop);
    g_assert_no_error (f->run_error);
    g_assert_true (f->run_ok);
    g_assert_cmpstr (f->events->str, ==, "close-started close-done ");
}

static void
wait_inherited (GObject *source, GAsyncResult *res, gpointer user_data)
{
    Fixture *f = user_data;

    f->run_ok = henb_procedure_wait_closes_finish (HENB_PROCEDURE (source), res, &f->run_error);
    g_string_append (f->events, "next-run-waited ");
}

/* a run dropped while its tunnel still closes (Cancel, a failure, Rediscover): the next run
 * waits for that close like for its own, and so does a run after that one */
static void
test_close_inherited (Fixture *f, gconstpointer data)
{
    g_autoptr(HenbProcedure) next = henb_procedure_new (&f->services);
    g_autoptr(HenbProcedure) third = henb_procedure_new (&f->services);

    henb_procedure_close_tunnel_in_background (f->proc, HENB_TUNNEL (f->tunnel));
    g_assert_true (henb_procedure_is_closing (f->proc));
    henb_procedure_inherit_closes (next, f->proc);
    g_clear_object (&f->proc); /* dropped: its close goes on */
    g_assert_true (henb_procedure_is_closing (next));
    henb_procedure_inherit_closes (third, next);

    henb_procedure_wait_closes_async (next, NULL, wait_inherited, f);
    while (g_main_context_iteration (NULL, FALSE))
        ;
    g_assert_cmpstr (f->events->str, ==, "close-started ");

    fake_tunnel_finish_close (f->tunnel);
    while (g_main_context_iteration (NULL, FALSE))
        ;
    g_assert_no_error (f->run_error);
    g_assert_true (f->run_ok);
    g_assert_cmpstr (f->events->str, ==, "close-started close-done next-run-waited ");
    g_assert_false (henb_procedure_is_closing (next));
    g_assert_false (henb_procedure_is_closing (third));
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add ("/procedure/close-in-background", Fixture, NULL, fixture_set_up, test_close_in_background,
                fixture_tear_down);
    g_test_add ("/procedure/close-wait-cancelled", Fixture, NULL, fixture_set_up, test_wait_cancelled,
                fixture_tear_down);
    g_test_add ("/procedure/close-inherited", Fixture, NULL, fixture_set_up, test_close_inherited,
                fixture_tear_down);
    return g_test_run ();
}
