/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * s1-handoff: starts S1 Setup in the S1AP stack, which lives outside henbd. With
 * [S1] Command set, the command runs with the S1 parameters in its environment
 * (HENB_S1_ADDRESSES, HENB_S1_PORT, HENB_S1_MODE, HENB_S1_IPSEC) and its exit status is the
 * step's result; without it, henbd emits org.henbd.HeNB1.Serving.S1SetupRequested.
 */
#include "config.h"

#include "henb-errors.h"
#include "henb-plugin.h"
#include "henb-s1.h"

#define HENB_TYPE_S1_COMMAND (henb_s1_command_get_type ())
G_DECLARE_FINAL_TYPE (HenbS1Command, henb_s1_command, HENB, S1_COMMAND, HenbPlugin)

struct _HenbS1Command {
    HenbPlugin parent_instance;
    GStrv      argv;   /* NULL: hand off over D-Bus */
};

static void henb_s1_command_handoff_init (HenbS1HandoffInterface *iface);

G_DEFINE_TYPE_WITH_CODE (HenbS1Command, henb_s1_command, HENB_TYPE_PLUGIN,
                         G_IMPLEMENT_INTERFACE (HENB_TYPE_S1_HANDOFF, henb_s1_command_handoff_init))

typedef struct {
    GSubprocess *process;
} Run;

static void
run_free (Run *run)
{
    g_clear_object (&run->process);
    g_free (run);
}

static void
communicated (GObject *source, GAsyncResult *res, gpointer user_data)
{
    g_autoptr(GTask) task = user_data;
    GSubprocess *process = G_SUBPROCESS (source);
    g_autofree gchar *out = NULL;
    g_autofree gchar *err = NULL;
    GError *error = NULL;

    if (!g_subprocess_communicate_utf8_finish (process, res, &out, &err, &error)) {
        /* cancelled or timed out: the S1 command must not outlive its step */
        g_subprocess_force_exit (process);
        g_task_return_error (task, error);
        return;
    }
    if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0) {
        g_autofree gchar *detail = g_strstrip (g_strdup (err != NULL && err[0] != '\0' ? err : "no output"));
        if (g_subprocess_get_if_exited (process))
            g_task_return_new_error (task, HENB_PROCEDURE_ERROR, HENB_PROCEDURE_ERROR_S1_SETUP,
                                     "S1 command exited with status %d: %s",
                                     g_subprocess_get_exit_status (process), detail);
        else
            g_task_return_new_error (task, HENB_PROCEDURE_ERROR, HENB_PROCEDURE_ERROR_S1_SETUP,
                                     "S1 command killed by signal %d",
                                     g_subprocess_get_term_sig (process));
        return;
    }
    g_task_return_boolean (task, TRUE);
}

static void
start_async (HenbS1Handoff *handoff, const HenbS1Request *request, GCancellable *cancellable,
             GAsyncReadyCallback callback, gpointer user_data)
{
    HenbS1Command *self = HENB_S1_COMMAND (handoff);
    g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
    g_autoptr(GSubprocessLauncher) launcher = NULL;
    g_autofree gchar *addresses = NULL;
    g_autofree gchar *port = NULL;
    GError *error = NULL;
    Run *run;

    if (self->argv == NULL) {
        g_message ("no S1 command configured: requesting S1 Setup on the bus");
        henb_s1_handoff_emit_setup_requested (handoff, request);
        g_task_return_boolean (task, TRUE);
        return;
    }
    addresses = g_strjoinv (",", request->addresses);
    port = g_strdup_printf ("%u", request->port);
    launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
    g_subprocess_launcher_setenv (launcher, "HENB_S1_ADDRESSES", addresses, TRUE);
    g_subprocess_launcher_setenv (launcher, "HENB_S1_PORT", port, TRUE);
    g_subprocess_launcher_setenv (launcher, "HENB_S1_MODE", request->mode, TRUE);
    g_subprocess_launcher_setenv (launcher, "HENB_S1_IPSEC", request->ipsec ? "1" : "0", TRUE);
    run = g_new0 (Run, 1);
    g_task_set_task_data (task, run, (GDestroyNotify) run_free);
    run->process = g_subprocess_launcher_spawnv (launcher, (const gchar *const *) self->argv, &error);
    if (run->process == NULL) {
        g_task_return_new_error (task, HENB_PROCEDURE_ERROR, HENB_PROCEDURE_ERROR_S1_SETUP,
                                 "cannot run the S1 command %s: %s", self->argv[0], error->message);
        g_error_free (error);
        return;
    }
    g_subprocess_communicate_utf8_async (run->process, NULL, cancellable, communicated,
                                         g_steal_pointer (&task));
}

static gboolean
start_finish (HenbS1Handoff *handoff, GAsyncResult *result, GError **error)
{
    return g_task_propagate_boolean (G_TASK (result), error);
}

static void
henb_s1_command_handoff_init (HenbS1HandoffInterface *iface)
{
    iface->start_async = start_async;
    iface->start_finish = start_finish;
}

static gboolean
configure (HenbPlugin *plugin, GKeyFile *config, GError **error)
{
    HenbS1Command *self = HENB_S1_COMMAND (plugin);
    g_autofree gchar *command = g_key_file_get_string (config, "S1", "Command", NULL);
    g_autoptr(GError) error_local = NULL;

    g_clear_pointer (&self->argv, g_strfreev);
    if (command == NULL || g_strstrip (command)[0] == '\0')
        return TRUE;
    if (!g_shell_parse_argv (command, NULL, &self->argv, &error_local)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION, "[S1] Command: %s",
                     error_local->message);
        return FALSE;
    }
    return TRUE;
}

static void
henb_s1_command_finalize (GObject *object)
{
    g_strfreev (HENB_S1_COMMAND (object)->argv);
    G_OBJECT_CLASS (henb_s1_command_parent_class)->finalize (object);
}

static void
henb_s1_command_class_init (HenbS1CommandClass *klass)
{
    G_OBJECT_CLASS (klass)->finalize = henb_s1_command_finalize;
    HENB_PLUGIN_CLASS (klass)->configure = configure;
}

static void
henb_s1_command_init (HenbS1Command *self)
{
}

HENB_PLUGIN_DEFINE (HENB_TYPE_S1_COMMAND, "s1-handoff")
