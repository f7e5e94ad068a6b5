/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "henb-step-info.h"

struct _HenbStepInfo {
    gchar         *id;
    gchar         *name;
    HenbStepResult result;
    gint64         start_time;
    guint64        duration;
    gchar         *detail;
};

HenbStepInfo *henb_step_info_new (const gchar   *id,
                                  const gchar   *name,
                                  HenbStepResult result,
                                  gint64         start_time,
                                  guint64        duration,
                                  const gchar   *detail);
