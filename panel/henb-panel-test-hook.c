/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "henb-panel-test-hook.h"

/*
 * A test sees what a person would: the text of every row, label and button as the widgets
 * hold it, and whether each is on screen (mapped). panel.json is replaced atomically after
 * every frame the window paints (so buttons have their place on screen). The "test-screenshot" action renders the window into
 * NAME.png with the window's own renderer, and what it shows into NAME.json.
 */

static const gchar *
test_dir (void)
{
    return g_getenv ("HENB_PANEL_TEST_DIR");
}

gboolean
henb_panel_test_hook_enabled (void)
{
    const gchar *dir = test_dir ();

    return dir != NULL && dir[0] != '\0';
}

static void
json_string (GString *out, const gchar *s)
{
    g_string_append_c (out, '"');
    for (const gchar *p = s != NULL ? s : ""; *p != '\0'; p++) {
        guchar c = (guchar) *p;

        if (c == '"' || c == '\\')
            g_string_append_printf (out, "\\%c", c);
        else if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
        else
            g_string_append_c (out, (gchar) c);
    }
    g_string_append_c (out, '"');
}

typedef struct {
    GString *rows;
    GString *labels;
    GString *buttons;
    gboolean folded;
    gchar   *progress;
} Dump;

static void
sep (GString *s)
{
    if (s->len > 0)
        g_string_append (s, ", ");
}

/* Where a person would click the widget: its centre in the coordinates of the window's X
 * surface (the toplevel's shadow included), for xdotool. */
static void
append_centre (GString *out, GtkWidget *widget)
{
    GtkNative *native = gtk_widget_get_native (widget);
    graphene_rect_t bounds;
    double sx = 0, sy = 0;

    /* no place yet: laid out in a later frame */
    if (native == NULL || !gtk_widget_get_mapped (widget) ||
        !gtk_widget_compute_bounds (widget, GTK_WIDGET (native), &bounds) ||
        bounds.size.width < 1 || bounds.size.height < 1)
        return;
    gtk_native_get_surface_transform (native, &sx, &sy);
    g_string_append_printf (out, ", \"x\": %d, \"y\": %d",
                            (int) (sx + bounds.origin.x + bounds.size.width / 2),
                            (int) (sy + bounds.origin.y + bounds.size.height / 2));
}

static void
walk (GtkWidget *widget, Dump *d)
{
    const gchar *name = gtk_widget_get_name (widget);

    if (ADW_IS_ACTION_ROW (widget)) {
        sep (d->rows);
        json_string (d->rows, name);
        g_string_append (d->rows, ": {\"title\": ");
        json_string (d->rows, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)));
        g_string_append (d->rows, ", \"subtitle\": ");
        json_string (d->rows, adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)));
        g_string_append_printf (d->rows, ", \"shown\": %s}", gtk_widget_get_mapped (widget) ? "true" : "false");
    } else if (GTK_IS_BUTTON (widget) && gtk_widget_get_name (widget) != NULL &&
               !g_str_has_prefix (name, "Gtk")) {
        sep (d->buttons);
        json_string (d->buttons, name);
        g_string_append (d->buttons, ": {\"label\": ");
        json_string (d->buttons, gtk_button_get_label (GTK_BUTTON (widget)));
        g_string_append_printf (d->buttons, ", \"sensitive\": %s, \"shown\": %s",
                                gtk_widget_is_sensitive (widget) ? "true" : "false",
                                gtk_widget_get_mapped (widget) ? "true" : "false");
        append_centre (d->buttons, widget);
        g_string_append_c (d->buttons, '}');
    } else if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget)) {
        const gchar *text = gtk_label_get_text (GTK_LABEL (widget));

        if (text[0] != '\0') {
            sep (d->labels);
            json_string (d->labels, text);
        }
    } else if (ADW_IS_LEAFLET (widget)) {
        d->folded = adw_leaflet_get_folded (ADW_LEAFLET (widget));
    } else if (GTK_IS_PROGRESS_BAR (widget)) {
        g_free (d->progress);
        d->progress = g_strdup (gtk_progress_bar_get_text (GTK_PROGRESS_BAR (widget)));
    }
    for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
         child = gtk_widget_get_next_sibling (child))
        walk (child, d);
}

static void
dump_to (GtkWindow *window, const gchar *file)
{
    g_autoptr(GString) out = NULL;
    g_autofree gchar *path = NULL;
    g_autoptr(GError) error = NULL;
    Dump d = { g_string_new (NULL), g_string_new (NULL), g_string_new (NULL), FALSE, NULL };

    if (!henb_panel_test_hook_enabled ())
        return;
    walk (GTK_WIDGET (window), &d);
    out = g_string_new ("{\n");
    g_string_append_printf (out, "  \"width\": %d, \"height\": %d, \"folded\": %s,\n",
                            gtk_widget_get_width (GTK_WIDGET (window)), gtk_widget_get_height (GTK_WIDGET (window)),
                            d.folded ? "true" : "false");
    g_string_append (out, "  \"progress\": ");
    json_string (out, d.progress);
    g_string_append_printf (out, ",\n  \"rows\": {%s},\n  \"buttons\": {%s},\n  \"labels\": [%s]\n}\n",
                            d.rows->str, d.buttons->str, d.labels->str);
    g_string_free (d.rows, TRUE);
    g_string_free (d.labels, TRUE);
    g_string_free (d.buttons, TRUE);
    g_free (d.progress);

    path = g_build_filename (test_dir (), file, NULL);
    /* atomic, but no fsync: written after every frame, and a test reads it at once */
    if (!g_file_set_contents_full (path, out->str, (gssize) out->len, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &error))
        g_warning ("test hook: %s", error->message);
}

typedef struct {
    GtkWindow *window;
    gchar     *path;
    gchar     *json;
    gulong     handler;
} Screenshot;

static void
screenshot_free (Screenshot *shot)
{
    g_object_unref (shot->window);
    g_free (shot->path);
    g_free (shot->json);
    g_free (shot);
}

/* Right after a frame is painted every widget has its allocation: the window is rendered
 * as it is on screen. */
static void
dump (GtkWindow *window)
{
    dump_to (window, "panel.json");
}

static void
on_after_paint (GdkFrameClock *clock, Screenshot *shot)
{
    GtkWidget *widget = GTK_WIDGET (shot->window);
    int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
    g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
    GtkSnapshot *snapshot = gtk_snapshot_new ();
    g_autoptr(GskRenderNode) node = NULL;
    g_autoptr(GdkTexture) texture = NULL;
    g_autofree gchar *tmp = g_strconcat (shot->path, ".part", NULL);

    g_signal_handler_disconnect (clock, shot->handler);
    /* what the screenshot shows, as text: NAME.json beside NAME.png */
    dump_to (shot->window, shot->json);
    gdk_paintable_snapshot (paintable, snapshot, width, height);
    node = gtk_snapshot_free_to_node (snapshot);
    if (node == NULL) {
        g_warning ("test hook: the window drew nothing");
    } else {
        texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (shot->window)), node,
                                               &GRAPHENE_RECT_INIT (0, 0, width, height));
        /* written under another name, then renamed: the test waits for NAME.png */
        if (!gdk_texture_save_to_png (texture, tmp) || g_rename (tmp, shot->path) != 0)
            g_warning ("test hook: could not write %s", shot->path);
    }
    screenshot_free (shot);
}

static void
on_screenshot (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
    GtkApplication *application = user_data;
    GtkWindow *window = gtk_application_get_active_window (application);
    const gchar *name = g_variant_get_string (parameter, NULL);
    g_autofree gchar *file = NULL;
    GdkFrameClock *clock;
    Screenshot *shot;

    /* one file name in the test folder, nothing else */
    if (window == NULL || name[0] == '\0' || strchr (name, '/') != NULL || name[0] == '.') {
        g_warning ("test hook: no window, or a bad screenshot name '%s'", name);
        return;
    }
    clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
    if (clock == NULL) {
        g_warning ("test hook: the window is not on screen");
        return;
    }
    file = g_strconcat (name, ".png", NULL);
    shot = g_new0 (Screenshot, 1);
    shot->window = g_object_ref (window);
    shot->path = g_build_filename (test_dir (), file, NULL);
    shot->json = g_strconcat (name, ".json", NULL);
    shot->handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), shot);
    gtk_widget_queue_draw (GTK_WIDGET (window));
}

/* Where the buttons are is known only once a frame is laid out: what the window shows is
 * written again right after each frame is painted, so it always matches the screen. */
static void
on_window_painted (GdkFrameClock *clock, GtkWindow *window)
{
    dump (window);
}

static void
on_window_realize (GtkWidget *window, gpointer user_data)
{
    g_signal_connect_object (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (on_window_painted),
                             window, 0);
}

void
henb_panel_test_hook_watch (GtkWindow *window)
{
    if (henb_panel_test_hook_enabled ())
        g_signal_connect (window, "realize", G_CALLBACK (on_window_realize), NULL);
}

void
henb_panel_test_hook_install (GtkApplication *application)
{
    g_autoptr(GSimpleAction) action = NULL;

    if (!henb_panel_test_hook_enabled ())
        return;
    action = g_simple_action_new ("test-screenshot", G_VARIANT_TYPE_STRING);
    g_signal_connect (action, "activate", G_CALLBACK (on_screenshot), application);
    g_action_map_add_action (G_ACTION_MAP (application), G_ACTION (action));
}
