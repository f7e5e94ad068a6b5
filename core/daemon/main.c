/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <locale.h>
#include <malloc.h>
#include <stdlib.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "henb-errors.h"
#include "henb-log.h"
#include "henb-manager.h"
#include "henb-names.h"

typedef struct {
    GMainLoop   *loop;
    HenbManager *manager;
    gint         exit_code;
    gboolean     stopping;
} Daemon;

static gchar   *opt_config = NULL;
static gchar   *opt_conf_dir = NULL;
static gchar   *opt_state_dir = NULL;
static gchar   *opt_plugin_dir = NULL;
static gchar   *opt_trace_dir = NULL;
static gboolean opt_session = FALSE;
static gboolean opt_debug = FALSE;
static gboolean opt_version = FALSE;

static void
shut_down (GObject *source, GAsyncResult *res, gpointer user_data)
{
    Daemon *d = user_data;

    henb_manager_shutdown_finish (HENB_MANAGER (source), res, NULL);
    g_main_loop_quit (d->loop);
}

static gboolean
on_shutdown_timeout (gpointer user_data)
{
    Daemon *d = user_data;

    g_warning ("tunnels did not close in time; exiting anyway");
    g_main_loop_quit (d->loop);
    return G_SOURCE_REMOVE;
}

static gboolean
on_signal (gpointer user_data)
{
    Daemon *d = user_data;

    /* SIGINT after SIGTERM: the shutdown is under way already */
    if (d->stopping)
        return G_SOURCE_REMOVE;
    d->stopping = TRUE;
    g_message ("caught signal, shutting down");
    /* take the tunnels down first, but never hang on a backend that does not answer */
    g_timeout_add_seconds (10, on_shutdown_timeout, d);
    henb_manager_shutdown_async (d->manager, shut_down, d);
    return G_SOURCE_REMOVE;
}

static void
on_bus_acquired (GDBusConnection *connection, const gchar *name, gpointer user_data)
{
    Daemon *d = user_data;
    g_autoptr(GError) error = NULL;

    if (!henb_manager_export (d->manager, connection, &error)) {
        g_critical ("cannot export %s: %s", HENB_DBUS_PATH, error->message);
        d->exit_code = EXIT_FAILURE;
        g_main_loop_quit (d->loop);
    }
}

static void
on_name_acquired (GDBusConnection *connection, const gchar *name, gpointer user_data)
{
    Daemon *d = user_data;

    g_message ("%s on the %s bus", name, opt_session ? "session" : "system");
    henb_manager_power_up (d->manager);
}

static void
on_name_lost (GDBusConnection *connection, const gchar *name, gpointer user_data)
{
    Daemon *d = user_data;

    if (connection == NULL)
        g_warning ("cannot connect to the %s bus", opt_session ? "session" : "system");
    else
        g_warning ("cannot own %s: another henbd runs or the bus policy forbids it", name);
    d->exit_code = EXIT_FAILURE;
    g_main_loop_quit (d->loop);
}

int
main (int argc, char **argv)
{
    g_autoptr(GOptionContext) context = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GMainLoop) loop = NULL;
    g_autoptr(HenbManager) manager = NULL;
    g_autofree gchar *config_file = NULL;
    g_autofree gchar *conf_dir = NULL;
    /* a default names a path of this build: formatted into the translated text (after
     * setlocale), never concatenated into the msgid */
    g_autofree gchar *help_config = NULL;
    g_autofree gchar *help_conf_dir = NULL;
    g_autofree gchar *help_state_dir = NULL;
    g_autofree gchar *help_plugin_dir = NULL;
    GOptionEntry entries[] = {
        { "config", 'c', 0, G_OPTION_ARG_FILENAME, &opt_config, NULL, N_("FILE") },
        { "conf-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_conf_dir, NULL, N_("DIR") },
        { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_state_dir, NULL, N_("DIR") },
        { "plugin-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_plugin_dir, NULL, N_("DIR") },
        { "trace-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_trace_dir,
          N_("Write every CWMP envelope sent and received to DIR"), N_("DIR") },
        { "session", 0, 0, G_OPTION_ARG_NONE, &opt_session,
          N_("Use the session bus instead of the system bus (tests, demo)"), NULL },
        { "debug", 'd', 0, G_OPTION_ARG_NONE, &opt_debug,
          N_("Log debug messages (henbctl logging LEVEL changes the level at run time)"), NULL },
        { "version", 'V', 0, G_OPTION_ARG_NONE, &opt_version, N_("Print the version and exit"), NULL },
        { NULL }
    };
    const gchar *localedir = g_getenv ("HENB_LOCALEDIR");
    HenbManagerOptions options = { 0 };
    HenbConfig *config;
    Daemon d = { 0 };
    guint owner_id;

    /* GLib's worker threads (D-Bus, resolver, TLS) would each get a malloc arena of their own,
     * heap pages that stay resident; henbd's threads allocate little and rarely at once */
    mallopt (M_ARENA_MAX, 1);
    setlocale (LC_ALL, "");
    /* HENB_LOCALEDIR: the catalogs of a build tree (tests) */
    bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && localedir[0] != '\0' ? localedir : HENB_LOCALEDIR);
    bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
    textdomain (GETTEXT_PACKAGE);

    help_config = g_strdup_printf (_("Factory configuration file (default: %s)"), HENB_CONF_DIR "/factory.conf");
    help_conf_dir = g_strdup_printf (_("Directory of configuration snippets (default: %s)"), HENB_CONF_DIR "/conf.d");
    help_state_dir = g_strdup_printf (_("Where henbd keeps what the HeMS configured (default: %s)"), HENB_STATE_DIR);
    help_plugin_dir = g_strdup_printf (_("Directory to load plugins from (default: %s)"), HENB_PLUGIN_DIR);
    entries[0].description = help_config;
    entries[1].description = help_conf_dir;
    entries[2].description = help_state_dir;
    entries[3].description = help_plugin_dir;

    context = g_option_context_new (NULL);
    g_option_context_set_summary (context, _("Home eNodeB management agent: finds the Serving HeMS "
                                             "and registers the HeNB (TS 32.593 5.1)"));
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
    if (!g_option_context_parse (context, &argc, &argv, &error)) {
        g_printerr ("henbd: %s\n", error->message);
        return EXIT_FAILURE;
    }
    if (opt_version) {
        g_print ("henbd %s\n", PACKAGE_VERSION);
        return EXIT_SUCCESS;
    }
    henb_log_init (opt_debug ? HENB_LOG_LEVEL_DEBUG : HENB_LOG_LEVEL_MESSAGE);
    henb_errors_register ();

    config_file = opt_config != NULL ? g_strdup (opt_config) : g_build_filename (HENB_CONF_DIR, "factory.conf", NULL);
    conf_dir = opt_conf_dir != NULL ? g_strdup (opt_conf_dir) : g_build_filename (HENB_CONF_DIR, "conf.d", NULL);
    config = henb_config_load (config_file, conf_dir, &error);
    if (config == NULL) {
        g_printerr ("henbd: %s\n", error->message);
        return EXIT_FAILURE;
    }
    options.state_dir = opt_state_dir != NULL ? opt_state_dir : HENB_STATE_DIR;
    if (!henb_config_check_permissions (config, options.state_dir, &error) ||
        !henb_config_check_files (config, &error)) {
        g_printerr ("henbd: %s\n", error->message);
        henb_config_free (config);
        return EXIT_FAILURE;
    }
    options.plugin_dir = opt_plugin_dir != NULL ? opt_plugin_dir : HENB_PLUGIN_DIR;
    options.trace_dir = opt_trace_dir;

    /* takes the configuration */
    manager = henb_manager_new (config, &options, &error);
    if (manager == NULL) {
        g_printerr ("henbd: %s\n", error->message);
        return EXIT_FAILURE;
    }

    loop = g_main_loop_new (NULL, FALSE);
    d.loop = loop;
    d.manager = manager;
    g_unix_signal_add (SIGTERM, on_signal, &d);
    g_unix_signal_add (SIGINT, on_signal, &d);
    owner_id = g_bus_own_name (opt_session ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM, HENB_DBUS_SERVICE,
                               G_BUS_NAME_OWNER_FLAGS_NONE, on_bus_acquired, on_name_acquired,
                               on_name_lost, &d, NULL);
    g_main_loop_run (loop);
    g_bus_unown_name (owner_id);
    return d.exit_code;
}
