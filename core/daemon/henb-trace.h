/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * --trace-dir: every envelope henbd sends or receives, one numbered file each
 * (0001-sent-Inform.xml, 0002-received-InformResponse.xml, ...), for debugging HeMS
 * interoperability. Numbering continues after the highest number already in the folder.
 */
#define HENB_TYPE_TRACE (henb_trace_get_type ())
G_DECLARE_FINAL_TYPE (HenbTrace, henb_trace, HENB, TRACE, GObject)

HenbTrace   *henb_trace_new (const gchar *dir, GError **error);
const gchar *henb_trace_get_dir (HenbTrace *self);
void         henb_trace_envelope (HenbTrace   *self,
                                  gboolean     outgoing,
                                  const gchar *method,
                                  GBytes      *envelope);

G_END_DECLS
