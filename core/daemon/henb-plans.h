/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-procedure.h"

G_BEGIN_DECLS

/*
 * What a run of the procedure does. The procedure runs steps; the steps use the procedure's
 * links and tunnels; the plans put them together, so neither depends on the other's caller.
 */

/* The bootstrap: the discovery plugin's steps when @discover (no Serving HeMS stored), then
 * registration (TS 32.593 5.1.3). */
gboolean henb_plan_bootstrap (HenbProcedure *procedure, gboolean discover, GError **error);
/*
 * The S1 step alone, after registration, when the HeMS changed what S1 needs (@why says what,
 * for the step's detail). @tunnel is the kept serving tunnel, or NULL: the run uses it, and
 * neither closes it nor hands it back.
 */
void     henb_plan_s1 (HenbProcedure *procedure, HenbTunnel *tunnel, const gchar *why);

G_END_DECLS
