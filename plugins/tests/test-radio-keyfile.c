/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The radio-keyfile plugin as built: what its key file holds, when it is written, and what a
 * failing command does (it is logged; nothing else happens). */
#include "config.h"

#include <sys/stat.h>

#include <glib/gstdio.h>

#include "henb-plugin-manager.h"
#include "henb-radio-backend.h"

#define FAP  "Device.Services.FAPService.1."
#define PLMN FAP "CellConfig.LTE.EPC.PLMNList."

typedef struct {
    gchar             *dir;
    gchar             *keyfile;
    gchar             *log;       /* one line per command run */
    HenbPluginManager *plugins;
    HenbRadioBackend  *backend;
    GPtrArray         *warnings;  /* of the plugin's log domain */
} Fixture;

static void
record_warning (const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer user_data)
{
    g_ptr_array_add (user_data, g_strdup (message));
}

static void
fixture_set_up (Fixture *f, gconstpointer command_exit)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GKeyFile) config = g_key_file_new ();
    g_autofree gchar *command = NULL;
    HenbPlugin *plugin;

    f->dir = g_dir_make_tmp ("henb-radio-XXXXXX", &error);
    g_assert_no_error (error);
    f->keyfile = g_build_filename (f->dir, "cell.conf", NULL);
    f->log = g_build_filename (f->dir, "command.log", NULL);
    /* the command logs its key and fails as asked, with something on stderr */
    command = g_strdup_printf ("/bin/sh -c 'echo \"$HENB_RADIO_REASON $HENB_RADIO_PARAMETER_KEY\" >>%s; "
                               "echo \"no radio\" >&2; exit %d'",
                               f->log, GPOINTER_TO_INT (command_exit));
    g_key_file_set_string (config, "Radio", "Backend", "radio-keyfile");
    g_key_file_set_string (config, "Radio", "KeyFile", f->keyfile);
    g_key_file_set_string (config, "Radio", "Command", command);

    f->plugins = henb_plugin_manager_new ();
    g_assert_true (henb_plugin_manager_load_dir (f->plugins, g_getenv ("HENB_PLUGIN_DIR"), &error));
    g_assert_no_error (error);
    g_assert_true (henb_plugin_manager_configure (f->plugins, config, &error));
    g_assert_no_error (error);
    plugin = henb_plugin_manager_find (f->plugins, HENB_TYPE_RADIO_BACKEND, "radio-keyfile", &error);
    g_assert_no_error (error);
    f->backend = HENB_RADIO_BACKEND (plugin);
    f->warnings = g_ptr_array_new_with_free_func (g_free);
    /* the plugin's warnings are what some tests look for: recorded, not fatal */
    g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
    g_log_set_handler ("henbd-radio-keyfile", G_LOG_LEVEL_WARNING, record_warning, f->warnings);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
    g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
    const gchar *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
        g_autofree gchar *path = g_build_filename (f->dir, name, NULL);
        g_unlink (path);
    }
    g_rmdir (f->dir);
    g_free (f->dir);
    g_free (f->keyfile);
    g_free (f->log);
    g_ptr_array_unref (f->warnings);
    g_object_unref (f->plugins);
}

static gchar *
read_file (const gchar *path)
{
    gchar *contents = NULL;

    if (!g_file_get_contents (path, &contents, NULL, NULL))
        return g_strdup ("");
    return contents;
}

static guint
count_lines (const gchar *path)
{
    g_autofree gchar *contents = read_file (path);
    guint n = 0;

    for (const gchar *p = contents; *p != '\0'; p++)
        n += *p == '\n';
    return n;
}

/* The command runs asynchronously: until it has logged @lines runs (and, when it fails, its
 * warning is in), or 10 s. */
static void
wait_for_runs (Fixture *f, guint lines, guint warnings)
{
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while ((count_lines (f->log) < lines || f->warnings->len < warnings) && g_get_monotonic_time () < end)
        g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

static GHashTable *
configuration (const gchar *tac)
{
    GHashTable *c = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

    g_hash_table_insert (c, g_strdup (FAP "FAPControl.LTE.AdminState"), g_strdup ("false"));
    g_hash_table_insert (c, g_strdup (FAP "CellConfig.LTE.EPC.TAC"), g_strdup (tac));
    g_hash_table_insert (c, g_strdup (PLMN "1.PLMNID"), g_strdup ("00101"));
    g_hash_table_insert (c, g_strdup (PLMN "2.PLMNID"), g_strdup ("00102"));
    /* what a HeMS may put in a string: the file must give it back as it was */
    g_hash_table_insert (c, g_strdup (FAP "CellConfig.LTE.RAN.Common.X_Note"),
                         g_strdup ("a = b\n[Device.Evil]\nKey=1 \\ # ; é"));
    return c;
}

static void
test_contents (Fixture *f, gconstpointer data)
{
    g_autoptr(GHashTable) c = configuration ("4660");
    g_autoptr(GKeyFile) kf = g_key_file_new ();
    g_autoptr(GError) error = NULL;
    g_autofree gchar *note = NULL;
    g_autofree gchar *tac = NULL;
    g_autofree gchar *key = NULL;
    g_auto(GStrv) groups = NULL;
    GStatBuf st;

    henb_radio_backend_apply_configuration (f->backend, "key-1", c);
    g_assert_true (g_key_file_load_from_file (kf, f->keyfile, G_KEY_FILE_NONE, &error));
    g_assert_no_error (error);
    key = g_key_file_get_string (kf, "henbd", "ParameterKey", &error);
    g_assert_cmpstr (key, ==, "key-1");
    tac = g_key_file_get_string (kf, FAP "CellConfig.LTE.EPC", "TAC", &error);
    g_assert_cmpstr (tac, ==, "4660");
    note = g_key_file_get_string (kf, FAP "CellConfig.LTE.RAN.Common", "X_Note", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (note, ==, "a = b\n[Device.Evil]\nKey=1 \\ # ; é");
    /* one group per object path, each instance its own; the value made none */
    groups = g_key_file_get_groups (kf, NULL);
    g_assert_true (g_strv_contains ((const gchar *const *) groups, PLMN "1"));
    g_assert_true (g_strv_contains ((const gchar *const *) groups, PLMN "2"));
    g_assert_false (g_strv_contains ((const gchar *const *) groups, "Device.Evil"));
    g_assert_cmpuint (g_strv_length (groups), ==, 6);
    g_assert_cmpint (g_stat (f->keyfile, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 07777, ==, 0640);
    wait_for_runs (f, 1, 0);
    g_assert_cmpuint (count_lines (f->log), ==, 1);
    g_assert_cmpuint (f->warnings->len, ==, 0);
}

/* Written when the contents change, and only then; the command runs after each write. */
static void
test_only_changes (Fixture *f, gconstpointer data)
{
    g_autoptr(GHashTable) c1 = configuration ("1");
    g_autoptr(GHashTable) c2 = configuration ("2");
    g_autofree gchar *log = NULL;

    henb_radio_backend_apply_configuration (f->backend, "k1", c1);
    henb_radio_backend_apply_configuration (f->backend, "k1", c1);
    henb_radio_backend_admin_state_changed (f->backend, FALSE);
    wait_for_runs (f, 1, 0);
    henb_radio_backend_admin_state_changed (f->backend, TRUE);
    wait_for_runs (f, 2, 0);
    henb_radio_backend_apply_configuration (f->backend, "k2", c2);
    wait_for_runs (f, 3, 0);
    log = read_file (f->log);
    g_assert_cmpstr (log, ==, "configuration k1\nadmin-state k1\nconfiguration k2\n");
}

/* A link planted under the key file's name is replaced, its target left alone. */
static void
test_link_replaced (Fixture *f, gconstpointer data)
{
    g_autoptr(GHashTable) c = configuration ("7");
    g_autofree gchar *target = g_build_filename (f->dir, "target", NULL);
    g_autofree gchar *contents = NULL;

    g_assert_true (g_file_set_contents (target, "untouched", -1, NULL));
    g_assert_cmpint (symlink (target, f->keyfile), ==, 0);
    henb_radio_backend_apply_configuration (f->backend, "k", c);
    g_assert_false (g_file_test (f->keyfile, G_FILE_TEST_IS_SYMLINK));
    contents = read_file (target);
    g_assert_cmpstr (contents, ==, "untouched");
    wait_for_runs (f, 1, 0);
}

/* A failing command is logged with its status and stderr; the file stands and the next
 * change is handed over as usual. */
static void
test_failing_command (Fixture *f, gconstpointer data)
{
    g_autoptr(GHashTable) c1 = configuration ("1");
    g_autoptr(GHashTable) c2 = configuration ("2");

    henb_radio_backend_apply_configuration (f->backend, "k1", c1);
    wait_for_runs (f, 1, 1);
    g_assert_cmpuint (f->warnings->len, ==, 1);
    g_assert_true (g_str_has_suffix (f->warnings->pdata[0], "exited with status 3: no radio"));
    henb_radio_backend_apply_configuration (f->backend, "k2", c2);
    wait_for_runs (f, 2, 2);
    g_assert_cmpuint (count_lines (f->log), ==, 2);
    g_assert_cmpuint (f->warnings->len, ==, 2);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add ("/radio-keyfile/contents", Fixture, GINT_TO_POINTER (0), fixture_set_up, test_contents,
                fixture_tear_down);
    g_test_add ("/radio-keyfile/only-changes", Fixture, GINT_TO_POINTER (0), fixture_set_up, test_only_changes,
                fixture_tear_down);
    g_test_add ("/radio-keyfile/link-replaced", Fixture, GINT_TO_POINTER (0), fixture_set_up, test_link_replaced,
                fixture_tear_down);
    g_test_add ("/radio-keyfile/failing-command", Fixture, GINT_TO_POINTER (3), fixture_set_up,
                test_failing_command, fixture_tear_down);
    return g_test_run ();
}
