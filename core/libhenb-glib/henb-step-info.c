/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "henb-step-info-private.h"

G_DEFINE_BOXED_TYPE (HenbStepInfo, henb_step_info, henb_step_info_copy, henb_step_info_free)

HenbStepInfo *
henb_step_info_new (const gchar *id, const gchar *name, HenbStepResult result, gint64 start_time,
                    guint64 duration, const gchar *detail)
{
    HenbStepInfo *info = g_new0 (HenbStepInfo, 1);

    info->id = g_strdup (id);
    info->name = g_strdup (name);
    info->result = result;
    info->start_time = start_time;
    info->duration = duration;
    info->detail = g_strdup (detail != NULL ? detail : "");
    return info;
}

/**
 * henb_step_info_copy:
 * @info: a #HenbStepInfo
 *
 * Copies a #HenbStepInfo.
 *
 * Returns: (transfer full): a copy of @info
 *
 * Since: 0.1
 */
HenbStepInfo *
henb_step_info_copy (const HenbStepInfo *info)
{
    g_return_val_if_fail (info != NULL, NULL);
    return henb_step_info_new (info->id, info->name, info->result, info->start_time, info->duration,
                               info->detail);
}

/**
 * henb_step_info_free:
 * @info: (transfer full): a #HenbStepInfo
 *
 * Frees a #HenbStepInfo.
 *
 * Since: 0.1
 */
void
henb_step_info_free (HenbStepInfo *info)
{
    if (info == NULL)
        return;
    g_free (info->id);
    g_free (info->name);
    g_free (info->detail);
    g_free (info);
}

/**
 * henb_step_info_get_id:
 * @info: a #HenbStepInfo
 *
 * Gets the step's clause and number, e.g. "5.1.2.3/1.1-1.2".
 *
 * Returns: the step's clause and number, e.g. "5.1.2.3/1.1-1.2"
 *
 * Since: 0.1
 */
const gchar *
henb_step_info_get_id (const HenbStepInfo *info)
{
    return info->id;
}

/**
 * henb_step_info_get_name:
 * @info: a #HenbStepInfo
 *
 * Gets the step's name, e.g. "resolve-initial-hems".
 *
 * Returns: the step's name, e.g. "resolve-initial-hems"
 *
 * Since: 0.1
 */
const gchar *
henb_step_info_get_name (const HenbStepInfo *info)
{
    return info->name;
}

/**
 * henb_step_info_get_result:
 * @info: a #HenbStepInfo
 *
 * Gets how the step ended.
 *
 * Returns: how the step ended
 *
 * Since: 0.1
 */
HenbStepResult
henb_step_info_get_result (const HenbStepInfo *info)
{
    return info->result;
}

/**
 * henb_step_info_get_start_time:
 * @info: a #HenbStepInfo
 *
 * Gets the wall-clock start, in microseconds since the epoch.
 *
 * Returns: the wall-clock start, in microseconds since the epoch
 *
 * Since: 0.1
 */
gint64
henb_step_info_get_start_time (const HenbStepInfo *info)
{
    return info->start_time;
}

/**
 * henb_step_info_get_duration:
 * @info: a #HenbStepInfo
 *
 * Gets how long the step took, in microseconds.
 *
 * Returns: how long the step took, in microseconds
 *
 * Since: 0.1
 */
guint64
henb_step_info_get_duration (const HenbStepInfo *info)
{
    return info->duration;
}

/**
 * henb_step_info_get_detail:
 * @info: a #HenbStepInfo
 *
 * Gets what the step found or why it failed, e.g. "SecGWServer1 segw1.example.net via
 * security-vici: inner address 10.200.0.1"; "" when there is nothing to say.
 *
 * Returns: what the step found or why it failed, e.g. "SecGWServer1 segw1.example.net via
 *   security-vici: inner address 10.200.0.1"; "" when there is nothing to say
 *
 * Since: 0.1
 */
const gchar *
henb_step_info_get_detail (const HenbStepInfo *info)
{
    return info->detail;
}
