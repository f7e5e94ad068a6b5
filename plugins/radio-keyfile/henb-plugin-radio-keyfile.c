/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * radio-keyfile: hands the cell configuration to an eNB software that reads a key file.
 * [Radio] KeyFile= receives the configuration, one group per object path
 * ("Device.Services.FAPService.1.CellConfig.LTE.EPC.PLMNList.1") with the parameters as keys,
 * written atomically (temporary file, rename) with mode 0640; [Radio] Command= (optional) runs
 * after each write that changed the file, with HENB_RADIO_KEYFILE, HENB_RADIO_PARAMETER_KEY
 * and HENB_RADIO_REASON ("configuration" or "admin-state") in its environment. A failing
 * command is logged; henbd goes on.
 */
#include "config.h"

#include <string.h>

#include "henb-errors.h"
#include "henb-datamodel.h"
#include "henb-plugin.h"
#include "henb-radio-backend.h"

#define KEYFILE_MODE 0640
/* henbd's own group: what the file was made from */
#define HENBD_GROUP "henbd"
#define ADMIN_STATE HENB_DM_FAP_LTE_ADMIN_STATE

#define HENB_TYPE_RADIO_KEYFILE (henb_radio_keyfile_get_type ())
G_DECLARE_FINAL_TYPE (HenbRadioKeyfile, henb_radio_keyfile, HENB, RADIO_KEYFILE, HenbPlugin)

struct _HenbRadioKeyfile {
    HenbPlugin  parent_instance;
    gchar      *path;           /* NULL: not configured, nothing written */
    GStrv       argv;           /* NULL: no command */
    gchar      *parameter_key;  /* of the configuration last written */
    GHashTable *configuration;  /* last written, AdminState updated at once */
};

static void henb_radio_keyfile_backend_init (HenbRadioBackendInterface *iface);

G_DEFINE_TYPE_WITH_CODE (HenbRadioKeyfile, henb_radio_keyfile, HENB_TYPE_PLUGIN,
                         G_IMPLEMENT_INTERFACE (HENB_TYPE_RADIO_BACKEND, henb_radio_keyfile_backend_init))

static gint
compare_names (gconstpointer a, gconstpointer b)
{
    return g_strcmp0 (*(const gchar *const *) a, *(const gchar *const *) b);
}

static gchar *
render (HenbRadioKeyfile *self)
{
    g_autoptr(GKeyFile) kf = g_key_file_new ();
    g_autoptr(GPtrArray) names = g_ptr_array_new ();
    GHashTableIter iter;
    gpointer name, value;

    g_key_file_set_string (kf, HENBD_GROUP, "ParameterKey", self->parameter_key);
    g_hash_table_iter_init (&iter, self->configuration);
    while (g_hash_table_iter_next (&iter, &name, NULL))
        g_ptr_array_add (names, name);
    /* the same configuration gives the same file */
    g_ptr_array_sort (names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        const gchar *full = names->pdata[i];
        const gchar *dot = strrchr (full, '.');
        g_autofree gchar *group = NULL;

        /* names come from henbd's data model: "Object.Path.Parameter", no brackets, no '=' */
        if (dot == NULL || dot == full || dot[1] == '\0')
            continue;
        group = g_strndup (full, dot - full);
        value = g_hash_table_lookup (self->configuration, full);
        g_key_file_set_string (kf, group, dot + 1, value);
    }
    return g_key_file_to_data (kf, NULL, NULL);
}

static gboolean
write_atomically (const gchar *path, const gchar *contents, GError **error)
{
    /* a temporary file in the same folder, fsync, rename: the radio stack reads the old file or the new one */
    return g_file_set_contents_full (path, contents, -1,
                                     G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                     KEYFILE_MODE, error);
}

static void
command_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
    GSubprocess *process = G_SUBPROCESS (source);
    g_autofree gchar *command = user_data;
    g_autofree gchar *err = NULL;
    g_autoptr(GError) error = NULL;

    if (!g_subprocess_communicate_utf8_finish (process, res, NULL, &err, &error)) {
        g_warning ("[Radio] Command %s: %s", command, error->message);
        return;
    }
    if (g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0) {
        g_message ("[Radio] Command %s done", command);
        return;
    }
    {
        g_autofree gchar *detail = g_strescape (g_strstrip (err != NULL && err[0] != '\0' ? err : (gchar *) "no output"),
                                                NULL);
        if (g_subprocess_get_if_exited (process))
            g_warning ("[Radio] Command %s exited with status %d: %s", command,
                       g_subprocess_get_exit_status (process), detail);
        else
            g_warning ("[Radio] Command %s killed by signal %d", command, g_subprocess_get_term_sig (process));
    }
}

static void
run_command (HenbRadioKeyfile *self, const gchar *reason)
{
    g_autoptr(GSubprocessLauncher) launcher = NULL;
    g_autoptr(GSubprocess) process = NULL;
    g_autoptr(GError) error = NULL;

    if (self->argv == NULL)
        return;
    launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
    g_subprocess_launcher_setenv (launcher, "HENB_RADIO_KEYFILE", self->path, TRUE);
    g_subprocess_launcher_setenv (launcher, "HENB_RADIO_PARAMETER_KEY", self->parameter_key, TRUE);
    g_subprocess_launcher_setenv (launcher, "HENB_RADIO_REASON", reason, TRUE);
    process = g_subprocess_launcher_spawnv (launcher, (const gchar *const *) self->argv, &error);
    if (process == NULL) {
        g_warning ("cannot run the [Radio] Command %s: %s", self->argv[0], error->message);
        return;
    }
    g_subprocess_communicate_utf8_async (process, NULL, NULL, command_done, g_strdup (self->argv[0]));
}

/* Writes the file when its contents change, and then runs the command. */
static void
update (HenbRadioKeyfile *self, const gchar *reason)
{
    g_autofree gchar *contents = NULL;
    g_autofree gchar *old = NULL;
    g_autoptr(GError) error = NULL;

    if (self->path == NULL)
        return;
    contents = render (self);
    if (g_file_get_contents (self->path, &old, NULL, NULL) && g_strcmp0 (old, contents) == 0)
        return;
    if (!write_atomically (self->path, contents, &error)) {
        g_warning ("[Radio] KeyFile: %s", error->message);
        return;
    }
    g_message ("wrote the cell configuration to %s (%s, ParameterKey \"%s\")", self->path, reason,
               self->parameter_key);
    run_command (self, reason);
}

static void
apply_configuration (HenbRadioBackend *backend, const gchar *parameter_key, GHashTable *configuration)
{
    HenbRadioKeyfile *self = HENB_RADIO_KEYFILE (backend);
    GHashTableIter iter;
    gpointer name, value;

    g_free (self->parameter_key);
    self->parameter_key = g_strdup (parameter_key);
    g_hash_table_remove_all (self->configuration);
    g_hash_table_iter_init (&iter, configuration);
    while (g_hash_table_iter_next (&iter, &name, &value))
        g_hash_table_insert (self->configuration, g_strdup (name), g_strdup (value));
    update (self, "configuration");
}

static void
admin_state_changed (HenbRadioBackend *backend, gboolean admin_state)
{
    HenbRadioKeyfile *self = HENB_RADIO_KEYFILE (backend);

    g_hash_table_insert (self->configuration, g_strdup (ADMIN_STATE), g_strdup (admin_state ? "true" : "false"));
    update (self, "admin-state");
}

static void
henb_radio_keyfile_backend_init (HenbRadioBackendInterface *iface)
{
    iface->apply_configuration = apply_configuration;
    iface->admin_state_changed = admin_state_changed;
}

static gboolean
configure (HenbPlugin *plugin, GKeyFile *config, GError **error)
{
    HenbRadioKeyfile *self = HENB_RADIO_KEYFILE (plugin);
    g_autofree gchar *path = g_key_file_get_string (config, "Radio", "KeyFile", NULL);
    g_autofree gchar *command = g_key_file_get_string (config, "Radio", "Command", NULL);
    g_autofree gchar *backend = g_key_file_get_string (config, "Radio", "Backend", NULL);
    g_autoptr(GError) error_local = NULL;

    g_clear_pointer (&self->path, g_free);
    g_clear_pointer (&self->argv, g_strfreev);
    if (path != NULL && g_strstrip (path)[0] != '\0')
        self->path = g_steal_pointer (&path);
    if (command != NULL && g_strstrip (command)[0] != '\0' &&
        !g_shell_parse_argv (command, NULL, &self->argv, &error_local)) {
        g_set_error (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION, "[Radio] Command: %s",
                     error_local->message);
        return FALSE;
    }
    if (backend != NULL && g_str_equal (g_strstrip (backend), henb_plugin_get_name (plugin)) && self->path == NULL) {
        g_set_error_literal (error, HENB_CORE_ERROR, HENB_CORE_ERROR_CONFIGURATION,
                             "[Radio] Backend=radio-keyfile needs [Radio] KeyFile");
        return FALSE;
    }
    return TRUE;
}

static void
henb_radio_keyfile_finalize (GObject *object)
{
    HenbRadioKeyfile *self = HENB_RADIO_KEYFILE (object);

    g_free (self->path);
    g_strfreev (self->argv);
    g_free (self->parameter_key);
    g_hash_table_unref (self->configuration);
    G_OBJECT_CLASS (henb_radio_keyfile_parent_class)->finalize (object);
}

static void
henb_radio_keyfile_class_init (HenbRadioKeyfileClass *klass)
{
    G_OBJECT_CLASS (klass)->finalize = henb_radio_keyfile_finalize;
    HENB_PLUGIN_CLASS (klass)->configure = configure;
}

static void
henb_radio_keyfile_init (HenbRadioKeyfile *self)
{
    self->parameter_key = g_strdup ("");
    self->configuration = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

HENB_PLUGIN_DEFINE (HENB_TYPE_RADIO_KEYFILE, "radio-keyfile")
