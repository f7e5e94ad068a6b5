/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Only with HENB_PANEL_TEST_DIR set (tests/integration/panel.sh): what the window shows,
 * written as JSON to that folder, and an app action that saves a screenshot there. */
gboolean henb_panel_test_hook_enabled (void);
void     henb_panel_test_hook_install (GtkApplication *application);
void     henb_panel_test_hook_watch (GtkWindow *window);

G_END_DECLS
