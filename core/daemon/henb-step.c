/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "henb-step.h"

HenbStep *
henb_step_new (const gchar    *id,
               const gchar    *name,
               HenbState       state,
               HenbStepRunFunc run,
               gpointer        data,
               GDestroyNotify  data_free)
{
    HenbStep *step = g_new0 (HenbStep, 1);

    step->id = g_strdup (id);
    step->name = g_strdup (name);
    step->state = state;
    step->weight = 1;
    step->security_reason = HENB_STATE_FAILED_REASON_TLS;
    step->run = run;
    step->data = data;
    step->data_free = data_free;
    return step;
}

void
henb_step_free (HenbStep *step)
{
    if (step == NULL)
        return;
    if (step->data_free != NULL)
        step->data_free (step->data);
    g_free (step->id);
    g_free (step->name);
    g_free (step);
}

void
henb_step_record_free (HenbStepRecord *record)
{
    if (record == NULL)
        return;
    g_free (record->id);
    g_free (record->name);
    g_free (record->detail);
    g_free (record);
}
