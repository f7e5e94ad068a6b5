/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reference HeMS's session log: one timestamped line per event, in a stable form that the
 * integration tests grep (see tests/hems/README.md).
 */
#pragma once

#include <stdio.h>

#include <glib.h>

#include "henb-cwmp-message.h"

G_BEGIN_DECLS

void hems_log (FILE *log, const gchar *format, ...) G_GNUC_PRINTF (2, 3);
/* "[session N] ..." */
void hems_log_session (FILE *log, guint session, const gchar *format, ...) G_GNUC_PRINTF (3, 4);

/* The Inform: the summary line, then one indented line per parameter. */
void hems_log_inform (FILE *log, guint session, const gchar *peer, const HenbCwmpMessage *inform);
/* Anything else the CPE sent: "<- Method summary", then indented details. */
void hems_log_from_cpe (FILE *log, guint session, const HenbCwmpMessage *msg);
/* A message the HeMS sends: "-> Method summary" (SetParameterValues lists what it sets first). */
void hems_log_to_cpe (FILE *log, guint session, const HenbCwmpMessage *request);

G_END_DECLS
