/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>

#include "henb-enums.h"

G_BEGIN_DECLS

typedef struct _HenbProcedure HenbProcedure;
typedef struct _HenbStep HenbStep;

/*
 * Runs @step; takes ownership of @task and completes it exactly once: g_task_return_int() with HENB_STEP_RESULT_OK or
 * HENB_STEP_RESULT_SKIPPED, or an error. The task's cancellable fires on Cancel and when the
 * step's timeout expires.
 */
typedef void (*HenbStepRunFunc) (HenbStep *step, HenbProcedure *procedure, GTask *task);

/* One step of TS 32.593 5.1, named by its clause and number: ("5.1.2.3/1.1-1.2", "resolve-initial-hems"). */
struct _HenbStep {
    gchar                *id;
    gchar                *name;
    HenbState             state;          /* the procedure's state while this step runs */
    guint                 weight;         /* share of the progress percentage */
    guint                 timeout;        /* seconds; 0 = the procedure default */
    HenbStateFailedReason security_reason; /* reason for a HENB_SECURITY_ERROR here */
    HenbStepRunFunc       run;
    gpointer              data;
    GDestroyNotify        data_free;
};

HenbStep *henb_step_new (const gchar    *id,
                         const gchar    *name,
                         HenbState       state,
                         HenbStepRunFunc run,
                         gpointer        data,
                         GDestroyNotify  data_free);
void      henb_step_free (HenbStep *step);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbStep, henb_step_free)

/* What the procedure's run recorded of a step. */
typedef struct {
    gchar         *id;
    gchar         *name;
    HenbStepResult result;
    gint64         start_wall_us;
    guint64        duration_us;
    gchar         *detail;        /* error message or skip reason, may be NULL */
} HenbStepRecord;

void henb_step_record_free (HenbStepRecord *record);

G_END_DECLS
