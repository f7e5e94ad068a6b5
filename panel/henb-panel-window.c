/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "henb-panel-format.h"
#include "henb-panel-test-hook.h"
#include "henb-panel-window.h"

/*
 * The panel's one window. Two pages in an AdwLeaflet: the overview (state, progress, a
 * failure and its retry, the actions, what the HeMS configured) and the details (every step,
 * management sessions, the cell). Wide, both side by side; narrow, the leaflet folds and the
 * details are one "Details" button away. Everything is read from the HenbClient each time
 * it notifies; only the countdown to the next attempt has a timer, while one is planned.
 */
struct _HenbPanelWindow {
    AdwApplicationWindow parent_instance;

    HenbClient     *client;
    guint           countdown_id;
    guint           refresh_idle_id;
    guint           navigation_idle_id;

    AdwToastOverlay *toasts;
    GtkStack        *main_stack;
    AdwLeaflet      *leaflet;
    GtkWidget       *overview_page;
    GtkWidget       *details_page;
    GtkWidget       *back_button;
    GtkWidget       *details_button;

    AdwActionRow   *state_row;
    AdwActionRow   *step_row;
    GtkProgressBar *progress;
    AdwActionRow   *version_row;

    AdwPreferencesGroup *failure_group;
    AdwActionRow   *reason_row;
    AdwActionRow   *error_row;
    AdwActionRow   *retry_row;

    AdwActionRow   *hems_row;
    AdwActionRow   *segw_row;
    AdwActionRow   *tunnel_row;
    AdwActionRow   *s1_row;
    AdwActionRow   *s1_link_row;

    GtkListBox     *steps_list;
    GtkWidget      *steps_placeholder;
    gchar          *steps_signature;
    gchar          *cell_signature;
    gchar          *cr_signature;

    AdwActionRow   *sessions_row;
    AdwActionRow   *pending_row;
    AdwActionRow   *retry_count_row;
    AdwActionRow   *cr_url_row;

    GtkListBox     *cr_list;
    AdwActionRow   *nat_row;
    AdwActionRow   *xmpp_row;

    AdwActionRow   *cell_admin_row;
    GtkListBox     *cell_list;
};

G_DEFINE_TYPE (HenbPanelWindow, henb_panel_window, ADW_TYPE_APPLICATION_WINDOW)

/* ------------------------------------------------------------------------------------------ */
/* Building */

static AdwActionRow *
add_row (GtkWidget *group, const gchar *name, const gchar *title)
{
    GtkWidget *row = adw_action_row_new ();

    gtk_widget_set_name (row, name);
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), "—");
    /* values from the network are shown as text, never as markup */
    adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    return ADW_ACTION_ROW (row);
}

static GtkWidget *
add_group (GtkWidget *box, const gchar *title)
{
    GtkWidget *group = adw_preferences_group_new ();

    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
    gtk_box_append (GTK_BOX (box), group);
    return group;
}

/* a page of the leaflet: a scrolled, clamped column */
static GtkWidget *
new_page (GtkWidget **out_box)
{
    GtkWidget *scrolled = gtk_scrolled_window_new ();
    GtkWidget *clamp = adw_clamp_new ();
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);

    gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
    gtk_widget_set_hexpand (scrolled, TRUE);
    gtk_widget_set_vexpand (scrolled, TRUE);
    /* the width below which the leaflet folds: two of these side by side */
    gtk_widget_set_size_request (scrolled, 340, -1);
    adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 640);
    gtk_widget_set_margin_top (box, 18);
    gtk_widget_set_margin_bottom (box, 18);
    gtk_widget_set_margin_start (box, 12);
    gtk_widget_set_margin_end (box, 12);
    adw_clamp_set_child (ADW_CLAMP (clamp), box);
    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
    *out_box = box;
    return scrolled;
}

static GtkWidget *
new_action_button (const gchar *name, const gchar *label, const gchar *action, const gchar *style)
{
    GtkWidget *button = gtk_button_new_with_mnemonic (label);

    gtk_widget_set_name (button, name);
    gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
    if (style != NULL)
        gtk_widget_add_css_class (button, style);
    gtk_widget_add_css_class (button, "pill");
    return button;
}

static void
update_navigation (HenbPanelWindow *self)
{
    gboolean folded = adw_leaflet_get_folded (self->leaflet);
    gboolean on_details = adw_leaflet_get_visible_child (self->leaflet) == self->details_page;

    gtk_widget_set_visible (self->back_button, folded && on_details);
    gtk_widget_set_visible (self->details_button, folded && !on_details);
}

static gboolean
update_navigation_idle (gpointer data)
{
    HenbPanelWindow *self = data;

    self->navigation_idle_id = 0;
    update_navigation (self);
    return G_SOURCE_REMOVE;
}

/* The leaflet folds while it is being allocated: showing or hiding the header bar's buttons
 * then would leave the header bar without an allocation for this frame. */
static void
on_leaflet_notify (GObject *leaflet, GParamSpec *pspec, HenbPanelWindow *self)
{
    if (self->navigation_idle_id == 0)
        self->navigation_idle_id = g_idle_add (update_navigation_idle, self);
}

static void
on_back_clicked (GtkButton *button, HenbPanelWindow *self)
{
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
on_details_clicked (GtkButton *button, HenbPanelWindow *self)
{
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
build (HenbPanelWindow *self)
{
    GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
    GtkWidget *header = adw_header_bar_new ();
    GtkWidget *absent, *box, *group, *buttons;

    gtk_window_set_title (GTK_WINDOW (self), _("HeNB"));
    gtk_window_set_default_size (GTK_WINDOW (self), 900, 720);

    self->back_button = gtk_button_new_from_icon_name ("go-previous-symbolic");
    gtk_widget_set_name (self->back_button, "back");
    gtk_widget_set_tooltip_text (self->back_button, _("Back"));
    g_signal_connect (self->back_button, "clicked", G_CALLBACK (on_back_clicked), self);
    adw_header_bar_pack_start (ADW_HEADER_BAR (header), self->back_button);
    /* folded, the details are a page of their own: always in reach in the header bar */
    self->details_button = gtk_button_new_with_mnemonic (_("_Details"));
    gtk_widget_set_name (self->details_button, "details");
    g_signal_connect (self->details_button, "clicked", G_CALLBACK (on_details_clicked), self);
    adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->details_button);
    gtk_box_append (GTK_BOX (outer), header);

    self->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
    gtk_widget_set_vexpand (GTK_WIDGET (self->toasts), TRUE);
    gtk_box_append (GTK_BOX (outer), GTK_WIDGET (self->toasts));

    self->main_stack = GTK_STACK (gtk_stack_new ());
    adw_toast_overlay_set_child (self->toasts, GTK_WIDGET (self->main_stack));

    /* henbd not on the bus (yet, or restarting) */
    absent = adw_status_page_new ();
    gtk_widget_set_name (absent, "absent");
    adw_status_page_set_icon_name (ADW_STATUS_PAGE (absent), "network-offline-symbolic");
    adw_status_page_set_title (ADW_STATUS_PAGE (absent), _("henbd is not running"));
    adw_status_page_set_description (ADW_STATUS_PAGE (absent),
                                     _("The panel connects as soon as henbd appears on the bus."));
    gtk_stack_add_named (self->main_stack, absent, "absent");

    self->leaflet = ADW_LEAFLET (adw_leaflet_new ());
    adw_leaflet_set_can_navigate_back (self->leaflet, TRUE);
    adw_leaflet_set_transition_type (self->leaflet, ADW_LEAFLET_TRANSITION_TYPE_SLIDE);
    gtk_stack_add_named (self->main_stack, GTK_WIDGET (self->leaflet), "present");

    /* --- overview --- */
    self->overview_page = new_page (&box);
    group = add_group (box, _("Bootstrap"));
    self->state_row = add_row (group, "state", _("State"));
    self->step_row = add_row (group, "current-step", _("Current step"));
    self->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
    gtk_widget_set_name (GTK_WIDGET (self->progress), "progress");
    gtk_progress_bar_set_show_text (self->progress, TRUE);
    gtk_widget_set_valign (GTK_WIDGET (self->progress), GTK_ALIGN_CENTER);
    gtk_widget_set_size_request (GTK_WIDGET (self->progress), 120, -1);
    adw_action_row_add_suffix (self->step_row, GTK_WIDGET (self->progress));
    self->version_row = add_row (group, "version", _("henbd version"));

    self->failure_group = ADW_PREFERENCES_GROUP (add_group (box, _("Failure")));
    gtk_widget_set_name (GTK_WIDGET (self->failure_group), "failure");
    self->reason_row = add_row (GTK_WIDGET (self->failure_group), "failed-reason", _("Reason"));
    gtk_widget_add_css_class (GTK_WIDGET (self->reason_row), "error");
    self->error_row = add_row (GTK_WIDGET (self->failure_group), "last-error", _("Error"));
    self->retry_row = add_row (GTK_WIDGET (self->failure_group), "next-attempt", _("Retry"));

    buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
    gtk_widget_set_halign (buttons, GTK_ALIGN_CENTER);
    gtk_box_append (GTK_BOX (buttons), new_action_button ("start", _("_Start"), "app.start", "suggested-action"));
    gtk_box_append (GTK_BOX (buttons), new_action_button ("rediscover", _("_Rediscover"), "app.rediscover", NULL));
    gtk_box_append (GTK_BOX (buttons), new_action_button ("cancel", _("_Cancel"), "app.cancel", "destructive-action"));
    gtk_box_append (GTK_BOX (box), buttons);

    group = add_group (box, _("Serving"));
    self->hems_row = add_row (group, "serving-hems", _("Serving HeMS"));
    self->segw_row = add_row (group, "serving-segw", _("Serving SeGW"));
    self->tunnel_row = add_row (group, "tunnel", _("Tunnel"));
    self->s1_row = add_row (group, "s1-far-end", _("S1 far end"));
    self->s1_link_row = add_row (group, "s1-link", _("S1 link"));


    adw_leaflet_append (self->leaflet, self->overview_page);

    /* --- details --- */
    self->details_page = new_page (&box);
    group = add_group (box, _("Steps"));
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                           _("The steps of the current or last run, as TS 32.593 numbers them"));
    self->steps_list = GTK_LIST_BOX (gtk_list_box_new ());
    gtk_widget_set_name (GTK_WIDGET (self->steps_list), "steps");
    gtk_list_box_set_selection_mode (self->steps_list, GTK_SELECTION_NONE);
    gtk_widget_add_css_class (GTK_WIDGET (self->steps_list), "boxed-list");
    self->steps_placeholder = gtk_label_new (_("No step has run yet"));
    gtk_widget_add_css_class (self->steps_placeholder, "dim-label");
    gtk_widget_set_margin_top (self->steps_placeholder, 12);
    gtk_widget_set_margin_bottom (self->steps_placeholder, 12);
    gtk_list_box_set_placeholder (self->steps_list, self->steps_placeholder);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->steps_list));

    group = add_group (box, _("Management"));
    self->sessions_row = add_row (group, "sessions", _("Sessions since registration"));
    self->pending_row = add_row (group, "pending-events", _("Pending events"));
    self->retry_count_row = add_row (group, "retry-count", _("Failed attempts in a row"));
    self->cr_url_row = add_row (group, "connection-request-url", _("Connection requests"));

    /* the ways a HeMS can reach henbd: one row per transport, then NAT and XMPP */
    group = add_group (box, _("Connection request transports"));
    self->cr_list = GTK_LIST_BOX (gtk_list_box_new ());
    gtk_widget_set_name (GTK_WIDGET (self->cr_list), "cr-transports");
    gtk_list_box_set_selection_mode (self->cr_list, GTK_SELECTION_NONE);
    gtk_widget_add_css_class (GTK_WIDGET (self->cr_list), "boxed-list");
    gtk_widget_set_margin_bottom (GTK_WIDGET (self->cr_list), 12);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->cr_list));
    self->nat_row = add_row (group, "nat", _("NAT"));
    self->xmpp_row = add_row (group, "xmpp", _("XMPP"));

    group = add_group (box, _("Cell"));
    self->cell_admin_row = add_row (group, "cell-admin-state", _("Administrative state"));
    self->cell_list = GTK_LIST_BOX (gtk_list_box_new ());
    gtk_widget_set_name (GTK_WIDGET (self->cell_list), "cell-status");
    gtk_list_box_set_selection_mode (self->cell_list, GTK_SELECTION_NONE);
    gtk_widget_add_css_class (GTK_WIDGET (self->cell_list), "boxed-list");
    gtk_widget_set_margin_top (GTK_WIDGET (self->cell_list), 12);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->cell_list));

    /* a divider when side by side, skipped when navigating */
    adw_leaflet_page_set_navigatable (adw_leaflet_append (self->leaflet, gtk_separator_new (GTK_ORIENTATION_VERTICAL)),
                                      FALSE);
    adw_leaflet_append (self->leaflet, self->details_page);

    g_signal_connect (self->leaflet, "notify::folded", G_CALLBACK (on_leaflet_notify), self);
    g_signal_connect (self->leaflet, "notify::visible-child", G_CALLBACK (on_leaflet_notify), self);

    adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), outer);
    gtk_stack_set_visible_child_name (self->main_stack, "absent");
    update_navigation (self);
}

/* ------------------------------------------------------------------------------------------ */
/* Showing henbd's values */

static void
set_subtitle (AdwActionRow *row, const gchar *text)
{
    const gchar *shown = text != NULL && text[0] != '\0' ? text : "—";

    if (g_strcmp0 (adw_action_row_get_subtitle (row), shown) != 0)
        adw_action_row_set_subtitle (row, shown);
}

static GtkWidget *
new_step_row (HenbStepInfo *step, guint index)
{
    GtkWidget *row = adw_action_row_new ();
    g_autofree gchar *name = g_strdup_printf ("step-%u", index);
    g_autofree gchar *title = g_strdup_printf ("%s %s", henb_step_info_get_id (step), henb_step_info_get_name (step));
    g_autofree gchar *duration = henb_panel_format_duration (henb_step_info_get_duration (step));
    const gchar *detail = henb_step_info_get_detail (step);
    g_autofree gchar *subtitle = NULL;
    HenbStepResult result = henb_step_info_get_result (step);
    const gchar *icon = result == HENB_STEP_RESULT_OK ? "emblem-ok-symbolic"
                        : result == HENB_STEP_RESULT_SKIPPED ? "media-skip-forward-symbolic"
                                                             : "dialog-error-symbolic";
    GtkWidget *image = gtk_image_new_from_icon_name (icon);

    /* TRANSLATORS: a step's result, its duration and henbd's detail */
    subtitle = detail != NULL && detail[0] != '\0'
                   ? g_strdup_printf (_("%s in %s: %s"), henb_panel_format_step_result (result), duration, detail)
                   : g_strdup_printf (_("%s in %s"), henb_panel_format_step_result (result), duration);
    gtk_widget_set_name (row, name);
    adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
    gtk_widget_set_tooltip_text (image, henb_panel_format_step_result (result));
    if (result == HENB_STEP_RESULT_FAILED)
        gtk_widget_add_css_class (image, "error");
    else if (result == HENB_STEP_RESULT_OK)
        gtk_widget_add_css_class (image, "success");
    adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);
    return row;
}

static void
refresh_steps (HenbPanelWindow *self)
{
    g_autoptr(GPtrArray) steps = henb_client_dup_completed_steps (self->client);
    g_autoptr(GString) signature = g_string_new (NULL);
    GtkListBoxRow *row;

    /* rebuilt only when a step was added or changed */
    for (guint i = 0; i < steps->len; i++)
        g_string_append_printf (signature, "%s|%d|%" G_GUINT64_FORMAT "|%s\n",
                                henb_step_info_get_id (steps->pdata[i]),
                                henb_step_info_get_result (steps->pdata[i]),
                                henb_step_info_get_duration (steps->pdata[i]),
                                henb_step_info_get_detail (steps->pdata[i]));
    if (g_strcmp0 (signature->str, self->steps_signature) == 0)
        return;
    g_free (self->steps_signature);
    self->steps_signature = g_strdup (signature->str);
    while ((row = gtk_list_box_get_row_at_index (self->steps_list, 0)) != NULL)
        gtk_list_box_remove (self->steps_list, GTK_WIDGET (row));
    for (guint i = 0; i < steps->len; i++)
        gtk_list_box_append (self->steps_list, new_step_row (steps->pdata[i], i + 1));
}

static gint
compare_keys (gconstpointer a, gconstpointer b)
{
    return g_strcmp0 (*(const gchar *const *) a, *(const gchar *const *) b);
}

static void
refresh_cell (HenbPanelWindow *self)
{
    g_autoptr(GHashTable) status = henb_client_dup_cell_status (self->client);
    g_autofree gpointer *keys = NULL;
    g_autoptr(GString) signature = g_string_new (NULL);
    guint n = 0;
    GtkListBoxRow *old;

    set_subtitle (self->cell_admin_row, henb_client_get_cell_admin_state (self->client)
                                            ? _("On (the HeMS allows the cell to transmit)")
                                            : _("Off (the cell does not transmit)"));
    keys = g_hash_table_get_keys_as_array (status, &n);
    qsort (keys, n, sizeof (gpointer), compare_keys);
    /* rebuilt only when a value changed */
    for (guint i = 0; i < n; i++)
        g_string_append_printf (signature, "%s=%s\n", (const gchar *) keys[i],
                                (const gchar *) g_hash_table_lookup (status, keys[i]));
    if (g_strcmp0 (signature->str, self->cell_signature) == 0)
        return;
    g_free (self->cell_signature);
    self->cell_signature = g_strdup (signature->str);
    while ((old = gtk_list_box_get_row_at_index (self->cell_list, 0)) != NULL)
        gtk_list_box_remove (self->cell_list, GTK_WIDGET (old));
    for (guint i = 0; i < n; i++) {
        GtkWidget *row = adw_action_row_new ();
        g_autofree gchar *name = g_strdup_printf ("cell-%s", (const gchar *) keys[i]);

        gtk_widget_set_name (row, name);
        adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), keys[i]);
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), g_hash_table_lookup (status, keys[i]));
        gtk_list_box_append (self->cell_list, row);
    }
    gtk_widget_set_visible (GTK_WIDGET (self->cell_list), n > 0);
}

/* One row per Connection Request transport, named cr-NAME; rebuilt only when one changed.
 * Names, states and details come from henbd: shown as text, a name made safe for the widget. */
static void
refresh_cr_transports (HenbPanelWindow *self)
{
    g_autoptr(GVariant) transports = henb_client_dup_cr_transports (self->client);
    g_autofree gchar *signature = g_variant_print (transports, FALSE);
    GtkListBoxRow *old;
    GVariantIter iter;
    const gchar *name, *state, *detail;
    gboolean active;

    if (g_strcmp0 (signature, self->cr_signature) == 0)
        return;
    g_free (self->cr_signature);
    self->cr_signature = g_steal_pointer (&signature);
    while ((old = gtk_list_box_get_row_at_index (self->cr_list, 0)) != NULL)
        gtk_list_box_remove (self->cr_list, GTK_WIDGET (old));
    g_variant_iter_init (&iter, transports);
    while (g_variant_iter_next (&iter, "(&sb&s&s)", &name, &active, &state, &detail)) {
        GtkWidget *row = adw_action_row_new ();
        g_autofree gchar *widget_name = g_strcanon (g_strconcat ("cr-", name, NULL),
                                                    "abcdefghijklmnopqrstuvwxyz0123456789-", '_');
        g_autofree gchar *subtitle = henb_panel_format_cr_transport (state, detail);

        gtk_widget_set_name (row, widget_name);
        adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), henb_panel_format_cr_transport_name (name));
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
        adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
        adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                   gtk_image_new_from_icon_name (active ? "emblem-ok-symbolic"
                                                                        : "network-offline-symbolic"));
        gtk_list_box_append (self->cr_list, row);
    }
    gtk_widget_set_visible (GTK_WIDGET (self->cr_list), g_variant_n_children (transports) > 0);
}

static void
refresh_nat_xmpp (HenbPanelWindow *self)
{
    HenbClient *client = self->client;
    const gchar *stun = henb_client_get_stun_server (client);
    const gchar *xmpp_state = henb_client_get_xmpp_state (client);
    const gchar *jid = henb_client_get_xmpp_jabber_id (client);
    g_autofree gchar *nat = NULL, *xmpp = NULL;

    if (stun[0] == '\0')
        nat = g_strdup (_("Not checked (STUN is off)"));
    else if (henb_client_get_nat_detected (client))
        /* TRANSLATORS: the NAT mapping the STUN server saw, "host:port", then the STUN server */
        nat = g_strdup_printf (_("Behind a NAT, reachable at %s (STUN server %s)"),
                               henb_client_get_udp_connection_request_address (client), stun);
    else
        /* TRANSLATORS: %s is the STUN server */
        nat = g_strdup_printf (_("No NAT detected (STUN server %s)"), stun);
    set_subtitle (self->nat_row, nat);
    if (xmpp_state[0] != '\0' && jid[0] != '\0')
        /* TRANSLATORS: the XMPP connection's state, the Jabber ID, the XMPP server */
        xmpp = g_strdup_printf (_("%s as %s on %s"), henb_panel_format_cr_state (xmpp_state), jid,
                                henb_client_get_xmpp_server (client));
    else if (xmpp_state[0] != '\0')
        xmpp = g_strdup (henb_panel_format_cr_state (xmpp_state));
    set_subtitle (self->xmpp_row, xmpp);
}

static gboolean on_countdown (gpointer data);

static void
refresh_countdown (HenbPanelWindow *self)
{
    g_autofree gchar *countdown = henb_panel_format_countdown (henb_client_get_next_attempt (self->client),
                                                               g_get_real_time ());

    gint64 next_attempt = henb_client_get_next_attempt (self->client);

    set_subtitle (self->retry_row, countdown);
    /* the timer runs only while the countdown moves */
    if (next_attempt > g_get_real_time () && self->countdown_id == 0)
        self->countdown_id = g_timeout_add_seconds (1, on_countdown, self);
    else if (next_attempt <= g_get_real_time ())
        g_clear_handle_id (&self->countdown_id, g_source_remove);
}

static gboolean
on_countdown (gpointer data)
{
    HenbPanelWindow *self = data;

    if (self->client == NULL || henb_client_get_next_attempt (self->client) <= g_get_real_time ()) {
        self->countdown_id = 0;
        if (self->client != NULL)
            refresh_countdown (self);
        return G_SOURCE_REMOVE;
    }
    refresh_countdown (self);
    return G_SOURCE_CONTINUE;
}

static void
refresh (HenbPanelWindow *self)
{
    HenbClient *client = self->client;
    HenbState state;
    const gchar *step_id, *err_name = NULL, *err_message = NULL;
    g_autofree gchar *step = NULL, *segw = NULL, *s1 = NULL, *tunnel = NULL, *pending_text = NULL;
    g_autofree gchar *sessions = NULL, *retries = NULL, *s1_link = NULL;
    g_auto(GStrv) pending = NULL;
    guint percentage;

    if (client == NULL || !henb_client_is_running (client)) {
        g_clear_handle_id (&self->countdown_id, g_source_remove);
        gtk_stack_set_visible_child_name (self->main_stack, "absent");
        return;
    }
    gtk_stack_set_visible_child_name (self->main_stack, "present");

    state = henb_client_get_state (client);
    set_subtitle (self->state_row, henb_panel_format_state (state));
    step_id = henb_client_get_current_step_id (client);
    if (step_id != NULL && step_id[0] != '\0')
        step = g_strdup_printf ("%s %s", step_id, henb_client_get_current_step_name (client));
    set_subtitle (self->step_row, step);
    percentage = MIN (henb_client_get_percentage (client), 100);
    gtk_progress_bar_set_fraction (self->progress, percentage / 100.0);
    {
        g_autofree gchar *text = g_strdup_printf (_("%u %%"), percentage);
        gtk_progress_bar_set_text (self->progress, text);
    }
    set_subtitle (self->version_row, henb_client_get_version (client));

    /* the failure stays readable until the next run starts */
    gtk_widget_set_visible (GTK_WIDGET (self->failure_group), state == HENB_STATE_FAILED);
    set_subtitle (self->reason_row,
                  henb_panel_format_failed_reason (henb_client_get_state_failed_reason (client)));
    if (henb_client_get_last_error_name (client, &err_name, &err_message))
        set_subtitle (self->error_row, err_message);
    else
        set_subtitle (self->error_row, NULL);
    refresh_countdown (self);

    set_subtitle (self->hems_row, henb_client_get_serving_hems_url (client));
    segw = henb_panel_format_list (henb_client_get_security_gateways (client));
    set_subtitle (self->segw_row, segw);
    if (henb_client_get_tunnel_active (client))
        /* TRANSLATORS: the tunnel's purpose, its SeGW and the HeNB's inner address */
        tunnel = g_strdup_printf (_("%s to %s, inner address %s"), henb_client_get_tunnel_purpose (client),
                                  henb_client_get_tunnel_security_gateway (client),
                                  henb_client_get_tunnel_inner_address (client));
    else
        tunnel = g_strdup (_("None"));
    set_subtitle (self->tunnel_row, tunnel);
    {
        g_autofree gchar *addresses = henb_panel_format_list (henb_client_get_s1_addresses (client));
        const gchar *far_end = henb_client_get_s1_far_end (client);

        if (far_end != NULL && far_end[0] != '\0')
            /* TRANSLATORS: the S1 far end in use, then every address the HeMS configured, the port */
            s1 = g_strdup_printf (_("%s (configured: %s, port %u)"), far_end, addresses,
                                  henb_client_get_s1_port (client));
        else if (henb_client_get_s1_addresses (client) != NULL && henb_client_get_s1_addresses (client)[0] != NULL)
            s1 = g_strdup_printf (_("%s, port %u"), addresses, henb_client_get_s1_port (client));
    }
    set_subtitle (self->s1_row, s1);
    {
        const gchar *link = henb_client_get_s1_link (client);
        const gchar *mme = henb_client_get_mme_name (client);
        const gchar *detail = henb_client_get_s1_link_detail (client);

        if (link != NULL && link[0] != '\0') {
            if (mme != NULL && mme[0] != '\0')
                /* TRANSLATORS: the S1 link's state and the MME's name */
                s1_link = g_strdup_printf (_("%s, MME %s"), link, mme);
            else if (detail != NULL && detail[0] != '\0')
                s1_link = g_strdup_printf ("%s: %s", link, detail);
            else
                s1_link = g_strdup (link);
        }
    }
    set_subtitle (self->s1_link_row, s1_link);

    {
        const gchar *last = henb_client_get_last_session_result (client);

        /* TRANSLATORS: the number of management sessions, then how the last one ended */
        sessions = g_strdup_printf (_("%u, last: %s"), henb_client_get_session_count (client),
                                    last != NULL && last[0] != '\0' ? last : "—");
    }
    set_subtitle (self->sessions_row, sessions);
    pending = henb_client_dup_pending_events (client);
    pending_text = henb_panel_format_list ((const gchar *const *) pending);
    set_subtitle (self->pending_row, pending_text);
    retries = g_strdup_printf ("%u", henb_client_get_retry_count (client));
    set_subtitle (self->retry_count_row, retries);
    set_subtitle (self->cr_url_row, henb_client_get_connection_request_url (client));

    refresh_cr_transports (self);
    refresh_nat_xmpp (self);
    refresh_steps (self);
    refresh_cell (self);
}

static gboolean
refresh_idle (gpointer data)
{
    HenbPanelWindow *self = data;

    self->refresh_idle_id = 0;
    refresh (self);
    return G_SOURCE_REMOVE;
}

/* Many properties change at once: one refresh for all of them. */
static void
queue_refresh (HenbPanelWindow *self)
{
    if (self->refresh_idle_id == 0)
        self->refresh_idle_id = g_idle_add (refresh_idle, self);
}

static void
on_client_notify (HenbClient *client, GParamSpec *pspec, HenbPanelWindow *self)
{
    queue_refresh (self);
}

void
henb_panel_window_set_client (HenbPanelWindow *self, HenbClient *client)
{
    g_return_if_fail (HENB_IS_PANEL_WINDOW (self));

    if (self->client != NULL)
        g_signal_handlers_disconnect_by_data (self->client, self);
    g_set_object (&self->client, client);
    if (client != NULL)
        g_signal_connect (client, "notify", G_CALLBACK (on_client_notify), self);
    queue_refresh (self);
}

void
henb_panel_window_show_refusal (HenbPanelWindow *self, const gchar *message)
{
    /* a toast's title is Pango markup in libadwaita 1.2: henbd's words are text */
    g_autofree gchar *escaped = g_markup_escape_text (message, -1);
    AdwToast *toast = adw_toast_new (escaped);

    adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
    adw_toast_set_timeout (toast, 10);
    adw_toast_overlay_add_toast (self->toasts, toast);
}

/* ------------------------------------------------------------------------------------------ */

static void
henb_panel_window_dispose (GObject *object)
{
    HenbPanelWindow *self = HENB_PANEL_WINDOW (object);

    g_clear_handle_id (&self->countdown_id, g_source_remove);
    g_clear_handle_id (&self->refresh_idle_id, g_source_remove);
    g_clear_handle_id (&self->navigation_idle_id, g_source_remove);
    if (self->client != NULL)
        g_signal_handlers_disconnect_by_data (self->client, self);
    g_clear_object (&self->client);
    g_clear_pointer (&self->steps_signature, g_free);
    g_clear_pointer (&self->cell_signature, g_free);
    g_clear_pointer (&self->cr_signature, g_free);
    G_OBJECT_CLASS (henb_panel_window_parent_class)->dispose (object);
}

static void
henb_panel_window_init (HenbPanelWindow *self)
{
    build (self);
    henb_panel_test_hook_watch (GTK_WINDOW (self));
}

static void
henb_panel_window_class_init (HenbPanelWindowClass *klass)
{
    G_OBJECT_CLASS (klass)->dispose = henb_panel_window_dispose;
}

HenbPanelWindow *
henb_panel_window_new (GtkApplication *application)
{
    return g_object_new (HENB_TYPE_PANEL_WINDOW, "application", application, NULL);
}
