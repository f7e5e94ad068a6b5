/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined (__LIBHENB_GLIB_H_INSIDE__) && !defined (LIBHENB_GLIB_COMPILATION)
#error "Only <libhenb-glib.h> can be included directly."
#endif

#include <glib-object.h>

#include "henb-enums.h"

G_BEGIN_DECLS

#define HENB_TYPE_STEP_INFO (henb_step_info_get_type ())

/**
 * HenbStepInfo:
 *
 * One step of the bootstrap as henbd reported it: its TS 32.593 id and name, its result,
 * when it started and how long it took.
 *
 * Since: 0.1
 */
typedef struct _HenbStepInfo HenbStepInfo;

GType          henb_step_info_get_type (void) G_GNUC_CONST;
HenbStepInfo  *henb_step_info_copy (const HenbStepInfo *info);
void           henb_step_info_free (HenbStepInfo *info);
const gchar   *henb_step_info_get_id (const HenbStepInfo *info);
const gchar   *henb_step_info_get_name (const HenbStepInfo *info);
HenbStepResult henb_step_info_get_result (const HenbStepInfo *info);
gint64         henb_step_info_get_start_time (const HenbStepInfo *info);
guint64        henb_step_info_get_duration (const HenbStepInfo *info);
const gchar   *henb_step_info_get_detail (const HenbStepInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbStepInfo, henb_step_info_free)

G_END_DECLS
