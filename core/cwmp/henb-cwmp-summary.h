/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "henb-cwmp-message.h"

G_BEGIN_DECLS

/*
 * What the HeMS did in one session, for a step's detail and the log: the requests it sent,
 * the parameters its SetParameterValues set, and the faults henbd returned. The text is
 * bounded however much the HeMS sent: a few names of each kind, then how many more.
 */
typedef struct _HenbCwmpSummary HenbCwmpSummary;

HenbCwmpSummary *henb_cwmp_summary_new (void);
void             henb_cwmp_summary_free (HenbCwmpSummary *self);
/* One request of the HeMS (NULL: one henbd could not read) and henbd's @reply to it. */
void             henb_cwmp_summary_add (HenbCwmpSummary       *self,
                                        const HenbCwmpMessage *request,
                                        const HenbCwmpMessage *reply);
guint            henb_cwmp_summary_get_request_count (const HenbCwmpSummary *self);
guint            henb_cwmp_summary_get_fault_count (const HenbCwmpSummary *self);
/*
 * E.g. "1 request: SetParameterValues; parameters set: none; faults returned: 9003 to
 * SetParameterValues (9007 for Device.X.Y)".
 */
gchar           *henb_cwmp_summary_describe (const HenbCwmpSummary *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HenbCwmpSummary, henb_cwmp_summary_free)

G_END_DECLS
