/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "henb-enums.h"
#include "henb-enum-types.h"

static const gchar *
enum_nick (GType type, gint value)
{
    GEnumClass *klass = g_type_class_ref (type);
    GEnumValue *ev = g_enum_get_value (klass, value);
    const gchar *nick = ev != NULL ? ev->value_nick : "invalid";

    /* enum classes are never finalized; the nick stays valid */
    g_type_class_unref (klass);
    return nick;
}

const gchar *
henb_state_to_string (HenbState state)
{
    return enum_nick (HENB_TYPE_STATE, state);
}

const gchar *
henb_state_failed_reason_to_string (HenbStateFailedReason reason)
{
    return enum_nick (HENB_TYPE_STATE_FAILED_REASON, reason);
}

const gchar *
henb_state_change_reason_to_string (HenbStateChangeReason reason)
{
    return enum_nick (HENB_TYPE_STATE_CHANGE_REASON, reason);
}

const gchar *
henb_discovery_variant_to_string (HenbDiscoveryVariant variant)
{
    return enum_nick (HENB_TYPE_DISCOVERY_VARIANT, variant);
}

gboolean
henb_discovery_variant_from_string (const gchar *str, HenbDiscoveryVariant *out_variant)
{
    GEnumClass *klass;
    GEnumValue *ev;

    g_return_val_if_fail (out_variant != NULL, FALSE);
    if (str == NULL)
        return FALSE;
    klass = g_type_class_ref (HENB_TYPE_DISCOVERY_VARIANT);
    ev = g_enum_get_value_by_nick (klass, str);
    if (ev != NULL)
        *out_variant = ev->value;
    g_type_class_unref (klass);
    return ev != NULL;
}

const gchar *
henb_step_result_to_string (HenbStepResult result)
{
    return enum_nick (HENB_TYPE_STEP_RESULT, result);
}
