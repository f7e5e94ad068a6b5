/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HENB_TYPE_PANEL_APPLICATION (henb_panel_application_get_type ())
G_DECLARE_FINAL_TYPE (HenbPanelApplication, henb_panel_application, HENB, PANEL_APPLICATION, AdwApplication)

HenbPanelApplication *henb_panel_application_new (void);

G_END_DECLS
