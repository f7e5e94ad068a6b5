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

/**
 * henb_state_to_string:
 * @state: a #HenbState
 *
 * Names a state.
 *
 * Returns: the nick of @state as D-Bus clients and henbctl show it, e.g. "s1-setup"; "invalid" for no #HenbState
 *
 * Since: 0.1
 */
const gchar *
henb_state_to_string (HenbState state)
{
    return enum_nick (HENB_TYPE_STATE, state);
}

/**
 * henb_state_failed_reason_to_string:
 * @reason: a #HenbStateFailedReason
 *
 * Names a state failed reason.
 *
 * Returns: the nick of @reason, e.g. "no-serving-hems"
 *
 * Since: 0.1
 */
const gchar *
henb_state_failed_reason_to_string (HenbStateFailedReason reason)
{
    return enum_nick (HENB_TYPE_STATE_FAILED_REASON, reason);
}

/**
 * henb_state_change_reason_to_string:
 * @reason: a #HenbStateChangeReason
 *
 * Names a state change reason.
 *
 * Returns: the nick of @reason, e.g. "user-requested"
 *
 * Since: 0.1
 */
const gchar *
henb_state_change_reason_to_string (HenbStateChangeReason reason)
{
    return enum_nick (HENB_TYPE_STATE_CHANGE_REASON, reason);
}

/**
 * henb_discovery_variant_to_string:
 * @variant: a #HenbDiscoveryVariant
 *
 * Names a discovery variant.
 *
 * Returns: the nick of @variant as the configuration and D-Bus spell it: "public-internet" or "private-domain"
 *
 * Since: 0.1
 */
const gchar *
henb_discovery_variant_to_string (HenbDiscoveryVariant variant)
{
    return enum_nick (HENB_TYPE_DISCOVERY_VARIANT, variant);
}

/**
 * henb_discovery_variant_from_string:
 * @str: (nullable): "public-internet" or "private-domain"
 * @out_variant: (out): the variant @str names
 *
 * Parses a discovery variant as the configuration ([Factory] DiscoveryVariant) and D-Bus
 * spell it.
 *
 * Returns: %TRUE when @str names a variant
 *
 * Since: 0.1
 */
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

/**
 * henb_step_result_to_string:
 * @result: a #HenbStepResult
 *
 * Names a step result.
 *
 * Returns: the nick of @result as D-Bus spells it: "ok", "skipped" or "failed"
 *
 * Since: 0.1
 */
const gchar *
henb_step_result_to_string (HenbStepResult result)
{
    return enum_nick (HENB_TYPE_STEP_RESULT, result);
}
