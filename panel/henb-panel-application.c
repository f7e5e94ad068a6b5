/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <libhenb-glib.h>

#include "henb-panel-application.h"
#include "henb-panel-test-hook.h"
#include "henb-panel-window.h"

/*
 * The panel application: one HenbClient on the system bus (the session bus with --session,
 * as henbctl), one window, and the actions Start, Rediscover and Cancel. The actions are
 * plain D-Bus calls, so henbd's polkit check decides exactly as for any other caller; a
 * refusal is shown in the window as henbd worded it.
 */
struct _HenbPanelApplication {
    AdwApplication   parent_instance;

    gboolean         session_bus;
    HenbClient      *client;
    HenbPanelWindow *window;
    GCancellable    *cancellable;
};

G_DEFINE_TYPE (HenbPanelApplication, henb_panel_application, ADW_TYPE_APPLICATION)

typedef gboolean (*ClientFinish) (HenbClient *client, GAsyncResult *result, GError **error);

typedef struct {
    HenbPanelApplication *app;
    const gchar          *what;
    ClientFinish          finish;
} CallData;

static void
on_call_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autofree CallData *call = user_data;
    g_autoptr(HenbPanelApplication) app = call->app;
    g_autoptr(GError) error = NULL;
    g_autofree gchar *message = NULL;

    if (call->finish (HENB_CLIENT (source), result, &error))
        return;
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || app->window == NULL)
        return;
    g_dbus_error_strip_remote_error (error);
    if (g_error_matches (error, HENB_CORE_ERROR, HENB_CORE_ERROR_UNAUTHORIZED))
        /* TRANSLATORS: %s is the action (Start, Rediscover, Cancel), then henbd's reason */
        message = g_strdup_printf (_("%s refused: you are not allowed to control the HeNB (%s)"), call->what,
                                   error->message);
    else
        /* TRANSLATORS: %s is the action (Start, Rediscover, Cancel), then henbd's reason */
        message = g_strdup_printf (_("%s refused: %s"), call->what, error->message);
    g_message ("%s", message);
    henb_panel_window_show_refusal (app->window, message);
}

static void
call (HenbPanelApplication *self, const gchar *what, ClientFinish finish,
      void (*method) (HenbClient *, GCancellable *, GAsyncReadyCallback, gpointer))
{
    CallData *data;

    if (self->client == NULL)
        return;
    data = g_new0 (CallData, 1);
    data->app = g_object_ref (self);
    data->what = what;
    data->finish = finish;
    method (self->client, self->cancellable, on_call_done, data);
}

static void
on_start (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    call (user_data, _("Start"), henb_client_start_finish, henb_client_start);
}

static void
on_rediscover (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    call (user_data, _("Rediscover"), henb_client_rediscover_finish, henb_client_rediscover);
}

static void
on_cancel (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    call (user_data, _("Cancel"), henb_client_cancel_finish, henb_client_cancel);
}

/* The actions need henbd on the bus; what it then allows is henbd's to say. */
static void
update_actions (HenbPanelApplication *self)
{
    gboolean running = self->client != NULL && henb_client_is_running (self->client);
    const gchar *names[] = { "start", "rediscover", "cancel" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
        GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), names[i]);

        g_simple_action_set_enabled (G_SIMPLE_ACTION (action), running);
    }
}

static void
on_running_changed (HenbClient *client, GParamSpec *pspec, HenbPanelApplication *self)
{
    update_actions (self);
}

static void
on_client_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HenbPanelApplication) self = user_data;
    g_autoptr(GError) error = NULL;
    HenbClient *client = henb_client_new_finish (result, &error);

    if (client == NULL) {
        if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
            g_warning ("cannot follow henbd: %s", error->message);
            if (self->window != NULL)
                henb_panel_window_show_refusal (self->window, error->message);
        }
        g_application_release (G_APPLICATION (self));
        return;
    }
    self->client = client;
    g_signal_connect (client, "notify::running", G_CALLBACK (on_running_changed), self);
    update_actions (self);
    if (self->window != NULL)
        henb_panel_window_set_client (self->window, client);
    g_application_release (G_APPLICATION (self));
}

static void
on_bus_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
    g_autoptr(HenbPanelApplication) self = user_data;
    g_autoptr(GError) error = NULL;
    g_autoptr(GDBusConnection) bus = g_bus_get_finish (result, &error);
    GCancellable *cancellable;

    if (bus == NULL) {
        g_warning ("cannot connect to the bus: %s", error->message);
        if (self->window != NULL)
            henb_panel_window_show_refusal (self->window, error->message);
        g_application_release (G_APPLICATION (self));
        return;
    }
    cancellable = self->cancellable;
    henb_client_new (bus, cancellable, on_client_ready, g_steal_pointer (&self));
}

static void
henb_panel_application_startup (GApplication *application)
{
    HenbPanelApplication *self = HENB_PANEL_APPLICATION (application);
    const GActionEntry entries[] = {
        { "start", on_start, NULL, NULL, NULL, { 0 } },
        { "rediscover", on_rediscover, NULL, NULL, NULL, { 0 } },
        { "cancel", on_cancel, NULL, NULL, NULL, { 0 } },
    };

    G_APPLICATION_CLASS (henb_panel_application_parent_class)->startup (application);
    g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
    henb_panel_test_hook_install (GTK_APPLICATION (self));
    update_actions (self);

    /* held until the client is there, so a quick activation does not end the application */
    g_application_hold (application);
    g_bus_get (self->session_bus ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM, self->cancellable, on_bus_ready,
               g_object_ref (self));
}

static void
henb_panel_application_activate (GApplication *application)
{
    HenbPanelApplication *self = HENB_PANEL_APPLICATION (application);

    if (self->window == NULL) {
        self->window = henb_panel_window_new (GTK_APPLICATION (self));
        g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
        if (self->client != NULL)
            henb_panel_window_set_client (self->window, self->client);
    }
    gtk_window_present (GTK_WINDOW (self->window));
}

static gint
henb_panel_application_handle_local_options (GApplication *application, GVariantDict *options)
{
    HenbPanelApplication *self = HENB_PANEL_APPLICATION (application);

    if (g_variant_dict_contains (options, "version")) {
        g_print ("henb-panel %s\n", PACKAGE_VERSION);
        return 0;
    }
    self->session_bus = g_variant_dict_contains (options, "session");
    return -1;
}

static void
henb_panel_application_shutdown (GApplication *application)
{
    HenbPanelApplication *self = HENB_PANEL_APPLICATION (application);

    g_cancellable_cancel (self->cancellable);
    if (self->client != NULL)
        g_signal_handlers_disconnect_by_data (self->client, self);
    g_clear_object (&self->client);
    G_APPLICATION_CLASS (henb_panel_application_parent_class)->shutdown (application);
}

static void
henb_panel_application_finalize (GObject *object)
{
    HenbPanelApplication *self = HENB_PANEL_APPLICATION (object);

    g_clear_object (&self->cancellable);
    G_OBJECT_CLASS (henb_panel_application_parent_class)->finalize (object);
}

static void
henb_panel_application_init (HenbPanelApplication *self)
{
    const GOptionEntry options[] = {
        { "session", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Follow henbd on the session bus (tests)"), NULL },
        { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
        { NULL },
    };

    self->cancellable = g_cancellable_new ();
    g_application_add_main_option_entries (G_APPLICATION (self), options);
}

static void
henb_panel_application_class_init (HenbPanelApplicationClass *klass)
{
    GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

    G_OBJECT_CLASS (klass)->finalize = henb_panel_application_finalize;
    app_class->startup = henb_panel_application_startup;
    app_class->activate = henb_panel_application_activate;
    app_class->handle_local_options = henb_panel_application_handle_local_options;
    app_class->shutdown = henb_panel_application_shutdown;
}

HenbPanelApplication *
henb_panel_application_new (void)
{
    return g_object_new (HENB_TYPE_PANEL_APPLICATION,
                         "application-id", "org.henbd.Panel",
                         "flags", G_APPLICATION_DEFAULT_FLAGS,
                         NULL);
}
