/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <adwaita.h>
#include <libhenb-glib.h>

G_BEGIN_DECLS

#define HENB_TYPE_PANEL_WINDOW (henb_panel_window_get_type ())
G_DECLARE_FINAL_TYPE (HenbPanelWindow, henb_panel_window, HENB, PANEL_WINDOW, AdwApplicationWindow)

HenbPanelWindow *henb_panel_window_new (GtkApplication *application);
void             henb_panel_window_set_client (HenbPanelWindow *self, HenbClient *client);
void             henb_panel_window_show_refusal (HenbPanelWindow *self, const gchar *message);

G_END_DECLS
