/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <libhenb-glib.h>

G_BEGIN_DECLS

/* What the panel says for henbd's values, translated; pure functions, so the unit test can
 * check them without a display. */
const gchar *henb_panel_format_state (HenbState state);
const gchar *henb_panel_format_failed_reason (HenbStateFailedReason reason);
const gchar *henb_panel_format_step_result (HenbStepResult result);
gchar       *henb_panel_format_duration (guint64 usec);
gchar       *henb_panel_format_countdown (gint64 next_attempt_usec, gint64 now_usec);
gchar       *henb_panel_format_list (const gchar *const *items);

const gchar *henb_panel_format_cr_state (const gchar *state);
const gchar *henb_panel_format_cr_transport_name (const gchar *name);
gchar       *henb_panel_format_cr_transport (const gchar *state, const gchar *detail);

G_END_DECLS
